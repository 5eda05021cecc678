"""A few hundred damaged inputs of every format: each ends in a Scorecard or an FzError, within a time bound.

The full set (1,000 of each kind, full-size bombs and nesting) runs in bench/fuzz.py; here the
generator is scaled down (and the limits with it) so that every mutation and bound is exercised
in seconds. A failure names the input: ``FuzzGenerator(SEED, SCALE).make(kind, index)``.
"""

from __future__ import annotations

import pytest

from fuzz.generate import KINDS, FuzzGenerator, run_input

SEED = 20261206
SCALE = 0.05
PER_KIND = 45
TIME_BOUND = 60.0  # seconds; the slowest scaled input takes about one


@pytest.fixture(scope="module")
def generator() -> FuzzGenerator:
    return FuzzGenerator(SEED, scale=SCALE)


@pytest.fixture(scope="module")
def scorer(generator):
    from scorer.pipeline import Scorer

    return Scorer(limits=generator.limits)


@pytest.mark.parametrize("kind", KINDS)
def test_damaged_inputs_end_in_a_scorecard_or_a_clear_refusal(kind, generator, scorer, tmp_path):
    outcomes = [run_input(scorer, generator.make(kind, index), tmp_path, TIME_BOUND) for index in range(PER_KIND)]
    findings = [f"{o.name} {o.result}: {o.detail}" for o in outcomes if not o.ok]
    assert not findings, "\n".join(findings)
    assert {o.result for o in outcomes} == {"scored", "refused"}  # the mix is real: some read, some refused
    for outcome in outcomes:
        if outcome.result == "refused":
            assert outcome.detail and "\n" not in outcome.detail and "Traceback" not in outcome.detail


def test_generator_is_deterministic(generator):
    again = FuzzGenerator(SEED, scale=SCALE)
    for kind in KINDS:
        for index in (0, 7, 31):
            assert generator.make(kind, index) == again.make(kind, index)
    assert FuzzGenerator(SEED + 1, scale=SCALE).make("txt-utf8", 3) != generator.make("txt-utf8", 3)


def test_every_mutation_is_reached(generator):
    """The inputs the suite runs take every mutation of their kind, generic and format-specific."""
    for kind in KINDS:
        seen = {generator.make(kind, index).mutation for index in range(PER_KIND)}
        assert seen == set(generator.mutations(kind)), kind
