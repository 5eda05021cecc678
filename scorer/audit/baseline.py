"""Compare a scorecard with a baseline: a previous ``fzscore score/check --format json`` output.

What counts as worse: an item whose status dropped (covered -> partial or missing, partial ->
missing) and a drop of the overall score. Items that are waived now, not applicable on either
side, or absent on either side (another pack was applied) are not compared.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

from scorer.errors import InputError, read_user_file
from scorer.model import BaselineComparison, Scorecard, Status, StatusChange

# Higher is better; not_applicable is outside the scale.
STATUS_RANK = {Status.MISSING.value: 0, Status.PARTIAL.value: 1, Status.COVERED.value: 2}
VALID_STATUSES = frozenset(s.value for s in Status)
# Scores in JSON are rounded for display; smaller differences are not a drop.


@dataclass(frozen=True)
class Baseline:
    """The parts of a previous JSON output that the comparison needs."""

    path: str
    score: float
    statuses: Mapping[tuple[str, str], str]  # (pack, item id) -> status value


def _broken(path: str, why: str) -> InputError:
    return InputError(f"基线文件 {path} 无法使用：{why}（应为 fzscore score/check --format json 的输出）")


def parse_baseline(data: Any, path: str) -> Baseline:
    """Validate the JSON document of a baseline file."""
    if not isinstance(data, Mapping):
        raise _broken(path, "顶层不是 JSON 对象")
    score = data.get("score")
    if isinstance(score, bool) or not isinstance(score, (int, float)) or not math.isfinite(score):
        raise _broken(path, "缺少数值键 score")
    items = data.get("items")
    if not isinstance(items, list):
        raise _broken(path, "缺少列表键 items")
    statuses: dict[tuple[str, str], str] = {}
    for index, item in enumerate(items):
        if not isinstance(item, Mapping):
            raise _broken(path, f"items[{index}] 不是对象")
        pack, item_id, status = item.get("pack"), item.get("id"), item.get("status")
        if not isinstance(pack, str) or not isinstance(item_id, str):
            raise _broken(path, f"items[{index}] 缺少 pack 或 id")
        if status not in VALID_STATUSES:
            raise _broken(path, f"items[{index}]（{pack}:{item_id}）的 status 无效：{status!r}")
        statuses[(pack, item_id)] = status
    return Baseline(path=path, score=float(score), statuses=statuses)


def load_baseline(path: str | Path) -> Baseline:
    """Read a baseline file; any problem is an InputError (exit 2) naming the file."""
    shown = str(path)
    raw = read_user_file(path, "基线文件", InputError)
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise _broken(shown, "不是 UTF-8 文本") from None
    except json.JSONDecodeError as exc:
        raise _broken(shown, f"不是有效的 JSON（第 {exc.lineno} 行第 {exc.colno} 列：{exc.msg}）") from None
    return parse_baseline(data, shown)


def compare(baseline: Baseline, scorecard: Scorecard) -> BaselineComparison:
    """What got worse (and better) from ``baseline`` to ``scorecard``."""
    waived = {name for waiver in scorecard.waivers for name in waiver.matched}
    regressions: list[StatusChange] = []
    improvements: list[StatusChange] = []
    for item in scorecard.items:
        before = baseline.statuses.get((item.pack, item.id))
        after = item.status.value
        if before is None or f"{item.pack}:{item.id}" in waived:
            continue
        if before not in STATUS_RANK or after not in STATUS_RANK or before == after:
            continue
        change = StatusChange(item.pack, item.id, item.title, item.key, before, after)
        (regressions if STATUS_RANK[after] < STATUS_RANK[before] else improvements).append(change)
    return BaselineComparison(
        path=baseline.path,
        score_before=baseline.score,
        score_after=scorecard.score,
        regressions=tuple(regressions),
        improvements=tuple(improvements),
    )
