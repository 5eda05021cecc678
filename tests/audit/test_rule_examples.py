"""Every labelled example of every built-in rule runs through the real pipeline and gets its label.

Also: every content item has enough examples of each label (read from the raw YAML, independently of
the loader), and the runner's mechanics (wrapping, levels, ids) with a fake matcher.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from corpus_paths import FIXTURES_DIR, REPO_ROOT

from scorer.audit import rule_examples
from scorer.audit.rule_examples import (
    ExampleOutcome,
    example_report_text,
    iter_examples,
    report_title,
    run_examples,
)
from scorer.errors import FzError
from scorer.model import Level, Role, Status
from scorer.rules import load_packs
from scorer.rules.loader import MIN_EXAMPLES

RULES_DIR = REPO_ROOT / "rules"
RULES_OK = FIXTURES_DIR / "rules_ok"


def _builtin_cases() -> tuple[list, str | None]:
    """(pack, item, index, example) for every built-in example, or the load error."""
    try:
        packs = load_packs()
    except FzError as exc:
        return [], str(exc)
    cases = []
    for pack in packs.values():
        for item in pack.items:
            for index, example in iter_examples(item):
                cases.append(
                    pytest.param(pack, item, index, example, id=f"{pack.id}:{item.id}:{example.label.value}[{index}]")
                )
    return cases, None


BUILTIN_CASES, LOAD_ERROR = _builtin_cases()


def test_builtin_rules_load():
    assert LOAD_ERROR is None, LOAD_ERROR
    assert BUILTIN_CASES, "no examples in the built-in packs"


@pytest.fixture(scope="module")
def matchers():
    """One real matcher per pack, built on first use and shared by all its examples."""
    cache: dict[str, object] = {}

    def get(pack):
        if pack.id not in cache:
            cache[pack.id] = rule_examples.make_matcher([pack])
        return cache[pack.id]

    return get


@pytest.mark.parametrize(("pack", "item", "index", "example"), BUILTIN_CASES)
def test_rule_example(matchers, pack, item, index, example):
    outcome = rule_examples.evaluate_example(pack, item, example, index, matchers(pack))
    assert outcome.actual == outcome.expected, (
        f"{outcome.id}: expected {outcome.expected.value}, got {outcome.actual.value}\n"
        f"role={example.role.value} level={example.level.value}\n"
        f"text: {example.text}\n"
        f"matcher: {outcome.detail}"
    )


# ---------------------------------------------------------------------------------------------
# Enough examples per content item (read from the YAML files themselves)
# ---------------------------------------------------------------------------------------------


def _content_item_files() -> list[Path]:
    files = []
    for pack_file in sorted(RULES_DIR.glob("*/pack.yaml")):
        data = yaml.safe_load(pack_file.read_text(encoding="utf-8")) or {}
        if data.get("kind") == "content":
            files.extend(sorted((pack_file.parent / "items").glob("*.yaml")))
    return files


CONTENT_ITEM_FILES = _content_item_files()


def test_there_are_content_items():
    assert CONTENT_ITEM_FILES, f"no content pack items under {RULES_DIR}"


@pytest.mark.parametrize("path", CONTENT_ITEM_FILES, ids=lambda p: f"{p.parent.parent.name}:{p.stem}")
def test_content_item_has_enough_examples(path):
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    examples = data.get("examples") or {}
    counts = {label: len(examples.get(label) or []) for label in MIN_EXAMPLES}
    short = {label: count for label, count in counts.items() if count < MIN_EXAMPLES[label]}
    assert not short, f"{path}: needs {MIN_EXAMPLES} examples, has {counts}"


# ---------------------------------------------------------------------------------------------
# The runner's mechanics, with a fake matcher
# ---------------------------------------------------------------------------------------------


class RecordingMatcher:
    def __init__(self, answer=lambda item, text, level: Status.MISSING):
        self.answer = answer
        self.seen: list[tuple[str, str, Level | None]] = []

    def score_item(self, pack, item, document, *, level=None):
        self.seen.append((item.id, document, level))
        return self.answer(item, document, level)


def test_content_example_is_wrapped_in_a_report_with_role_heading_and_level_title():
    pack = load_packs(RULES_OK)["tiny"]
    item = pack.item("three_systems")
    covered_city, partial_plan = item.examples[1], item.examples[2]
    assert example_report_text(pack, covered_city).split("\n") == [
        "某某市人民政府关于2024年法治政府建设情况的报告",
        "一、2024年推进法治政府建设的主要举措和成效",
        covered_city.text,
    ]
    assert example_report_text(pack, partial_plan).split("\n")[1] == "四、2025年推进法治政府建设的主要安排"
    assert report_title(Level.TOWNSHIP) == "某某镇人民政府关于2024年法治政府建设情况的报告"
    assert report_title(Level.DEPARTMENT) == "某某市生态环境局关于2024年法治政府建设情况的报告"
    assert report_title(Level.PROVINCE).startswith("某某省人民政府")


def test_each_role_gets_its_own_heading():
    pack = load_packs(RULES_OK)["tiny"]
    base = pack.item("three_systems").examples[0]
    headings = {
        role: example_report_text(pack, type(base)(label=base.label, text="x", role=role)).split("\n")[1]
        for role in (Role.ACHIEVEMENTS, Role.SHORTCOMINGS, Role.FIRST_RESPONSIBLE, Role.NEXT_YEAR_PLAN)
    }
    assert headings == {
        Role.ACHIEVEMENTS: "一、2024年推进法治政府建设的主要举措和成效",
        Role.SHORTCOMINGS: "二、存在的不足和原因",
        Role.FIRST_RESPONSIBLE: "三、党政主要负责人履行推进法治建设第一责任人职责情况",
        Role.NEXT_YEAR_PLAN: "四、2025年推进法治政府建设的主要安排",
    }


def test_structure_example_is_the_whole_report():
    pack = load_packs(RULES_OK)["tiny-structure"]
    example = pack.items[0].examples[0]
    assert example_report_text(pack, example) == example.text


def test_run_examples_passes_level_and_reports_outcomes_in_order():
    pack = load_packs(RULES_OK)["tiny"]
    labels = {example.text: example.label for item in pack.items for example in item.examples}
    matcher = RecordingMatcher(lambda item, text, level: labels[text.split("\n", 2)[2]])
    outcomes = run_examples(pack, matcher=matcher, document_builder=lambda text: text)
    assert [o.id for o in outcomes] == [
        "tiny:three_systems:covered[0]",
        "tiny:three_systems:covered[1]",
        "tiny:three_systems:partial[0]",
        "tiny:three_systems:missing[0]",
        "tiny:three_systems:missing[1]",
        "tiny:open_gov:covered[0]",
        "tiny:open_gov:covered[1]",
        "tiny:open_gov:partial[0]",
        "tiny:open_gov:missing[0]",
        "tiny:open_gov:missing[1]",
        "tiny:open_gov:not_applicable[0]",
    ]
    assert all(o.passed for o in outcomes)
    assert [level for _id, _text, level in matcher.seen][1] is Level.CITY
    assert matcher.seen[-1][2] is Level.PROVINCE
    assert outcomes[2].role is Role.NEXT_YEAR_PLAN


def test_run_examples_reports_failures_with_detail():
    class Result:
        status = Status.PARTIAL
        reason = "只在下一年度安排中提及"
        evidence = (type("Ev", (), {"text": "下一步，我们将全面落实行政执法三项制度。", "terms": ("三项制度",)})(),)
        parts = ()

    pack = load_packs(RULES_OK)["tiny"]
    matcher = RecordingMatcher(lambda item, text, level: Result())
    outcomes = run_examples(pack, matcher=matcher, document_builder=lambda text: text, item_ids=["three_systems"])
    assert len(outcomes) == 5 and {o.item_id for o in outcomes} == {"three_systems"}
    failed = [o for o in outcomes if not o.passed]
    assert [o.id for o in failed] == [
        "tiny:three_systems:covered[0]",
        "tiny:three_systems:covered[1]",
        "tiny:three_systems:missing[0]",
        "tiny:three_systems:missing[1]",
    ]
    assert failed[0].detail == "只在下一年度安排中提及；证据：下一步，我们将全面落实行政执法三项制度。（命中：三项制度）"
    assert isinstance(failed[0], ExampleOutcome) and failed[0].actual is Status.PARTIAL


def test_missing_pipeline_modules_give_a_clear_error(monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "scorer.judge.match", None)  # makes `import scorer.judge.match` fail
    monkeypatch.setitem(sys.modules, "scorer.document", None)
    pack = load_packs(RULES_OK)["tiny"]
    with pytest.raises(FzError, match="scorer.judge.match"):
        rule_examples.make_matcher([pack])
    with pytest.raises(FzError, match="scorer.document"):
        rule_examples.build_example_document("某某县人民政府关于2024年法治政府建设情况的报告")
