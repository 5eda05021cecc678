"""The self-contained HTML gap report for one scored report (Chinese, offline, printable).

``format`` is a pure function of its arguments: it renders ``templates/report.html.j2`` with the
view model of ``scorer.render.view`` (never recomputing scores) and autoescaping on. Everything
taken from the report, the rules or the config reaches the template as plain data, so Jinja2
escapes it; evidence highlighting is a list of segments the template escapes one by one.
"""

from __future__ import annotations

import functools
from datetime import datetime
from typing import Sequence

from jinja2 import Environment, PackageLoader, StrictUndefined

import scorer
from scorer.model import Review, Scorecard
from scorer.render.view import build_context, number
from scorer.rules.thresholds import MatchingConfig

__all__ = ["build_context", "environment", "format", "number"]


@functools.lru_cache(maxsize=1)
def environment() -> Environment:
    """The Jinja2 environment for every HTML template of the package (batch index included)."""
    env = Environment(
        loader=PackageLoader("scorer", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["num"] = number
    return env


def format(
    scorecard: Scorecard,
    *,
    fail_under: float | None = None,
    failed: bool | None = None,
    generated_at: datetime | None = None,
    tool_version: str = scorer.__version__,
    matching: MatchingConfig | None = None,
    reviews: Sequence[Review] = (),
) -> str:
    """The HTML page for ``scorecard``; ``failed`` overrides the pass/fail judged from ``fail_under``.

    ``matching`` is the effective threshold set of the run, shown under 方法与局限 (defaults when
    omitted). ``generated_at`` defaults to ``SOURCE_DATE_EPOCH`` or now (UTC). ``reviews`` (人工复核)
    are shown beside the machine verdicts they concern.
    """
    context = build_context(
        scorecard,
        fail_under=fail_under,
        failed=failed,
        generated_at=generated_at,
        tool_version=tool_version,
        matching=matching,
        reviews=reviews,
    )
    return environment().get_template("report.html.j2").render(context)
