"""The year-over-year view of one body in the workspace: the item table with each year's reviews.

The comparison itself (item changes, repeated problems, plan follow-through, recycled achievements)
is ``scorer.audit.compare``'s, computed in the worker pool (``scoring.compare_task``) and laid out by
``scorer.render.compare``. What the workspace adds is this side-by-side item table: the status and
score of every item in both years with the 人工复核 of each year, so a supervisor sees last year's
human verdicts next to this year's machine ones.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

from scorer.model import (
    STATUS_LABELS,
    ItemResult,
    Review,
    Scorecard,
    Status,
    reviews_by_item,
)
from scorer.render.review import review_line

# Higher is better: the order of statuses when telling improved from regressed.
_RANK = {Status.MISSING: 0, Status.PARTIAL: 1, Status.COVERED: 2}
CHANGE_WORDS = {
    "improved": "提升",
    "regressed": "下降",
    "unchanged": "不变",
    "added": "仅本年度有",
    "removed": "仅上一年度有",
    "not_comparable": "不适用于其中一年",
}


@dataclass(frozen=True)
class Side:
    status: Status
    status_word: str
    score: float
    weight: float
    review: str  # the review line of that year ('' when not reviewed)


@dataclass(frozen=True)
class ItemRow:
    key: str  # pack:item
    title: str
    key_item: bool
    last: Side | None
    this: Side | None
    change: str  # a CHANGE_WORDS key

    @property
    def change_word(self) -> str:
        return CHANGE_WORDS[self.change]


@dataclass(frozen=True)
class SideBySide:
    last_score: float
    this_score: float
    rows: tuple[ItemRow, ...]

    @property
    def score_change(self) -> float:
        return round(self.this_score - self.last_score, 1)

    def count(self, change: str) -> int:
        return sum(1 for row in self.rows if row.change == change)


def _side(item: ItemResult | None, reviews: dict[str, Review]) -> Side | None:
    if item is None:
        return None
    review = reviews.get(f"{item.pack}:{item.id}")
    return Side(item.status, STATUS_LABELS[item.status], item.score, item.weight, review_line(review, item.status) if review else "")


def _change(last: ItemResult | None, this: ItemResult | None) -> str:
    if last is None:
        return "added"
    if this is None:
        return "removed"
    if last.status not in _RANK or this.status not in _RANK:
        return "unchanged" if last.status is this.status else "not_comparable"
    delta = _RANK[this.status] - _RANK[last.status]
    return "improved" if delta > 0 else "regressed" if delta < 0 else "unchanged"


def side_by_side(last: Scorecard, this: Scorecard, last_reviews: Sequence[Review] = (), this_reviews: Sequence[Review] = ()) -> SideBySide:
    """Every item of either year, in this year's order (then last year's leftovers)."""
    last_items = {f"{i.pack}:{i.id}": i for i in last.items}
    this_items = {f"{i.pack}:{i.id}": i for i in this.items}
    keys = list(this_items) + [k for k in last_items if k not in this_items]
    last_r, this_r = reviews_by_item(list(last_reviews)), reviews_by_item(list(this_reviews))
    rows = []
    for key in keys:
        a, b = last_items.get(key), this_items.get(key)
        shown = b or a
        rows.append(ItemRow(key, shown.title, shown.key, _side(a, last_r), _side(b, this_r), _change(a, b)))
    return SideBySide(last.score, this.score, tuple(rows))


def to_dict(view: SideBySide) -> dict[str, Any]:
    def side(s: Side | None) -> dict[str, Any] | None:
        if s is None:
            return None
        return {"status": s.status.value, "score": s.score, "weight": s.weight, "review": s.review or None}

    return {
        "last_score": view.last_score,
        "this_score": view.this_score,
        "score_change": view.score_change,
        "counts": {change: view.count(change) for change in CHANGE_WORDS},
        "items": [
            {"key": r.key, "title": r.title, "key_item": r.key_item, "change": r.change, "last": side(r.last), "this": side(r.this)}
            for r in view.rows
        ],
    }
