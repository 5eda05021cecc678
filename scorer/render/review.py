"""How a review (人工复核) reads in every output: one Chinese line, a view for templates, plain fields.

Every renderer that carries reviews (HTML, JSON, CSV, Word) takes its words from here, so the
machine verdict, the human one, the reason, who and when read the same everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Mapping

from scorer.model import STATUS_LABELS, Review, Status, reviews_by_item
from scorer.render.clock import as_utc, iso_utc

STATUS_WORD = STATUS_LABELS


def review_time(review: Review) -> str:
    """When, as people read it: ``2025-03-02 09:15 UTC``."""
    return as_utc(review.reviewed_at).strftime("%Y-%m-%d %H:%M UTC")


def verdict_words(review: Review) -> str:
    """"部分覆盖 → 已覆盖" for an override, "确认 已覆盖" for a confirmation."""
    if review.overrides:
        return f"{STATUS_WORD[review.machine_status]} → {STATUS_WORD[review.status]}"
    return f"确认 {STATUS_WORD[review.status]}"


def changed_note(review: Review, current: Status | None) -> str:
    """The flag shown when re-scoring changed the machine verdict the reviewer saw ('' otherwise)."""
    if current is None or not review.machine_changed(current):
        return ""
    return f"复核后机器判定已由“{STATUS_WORD[review.machine_status]}”变为“{STATUS_WORD[current]}”，请重新复核"


def review_line(review: Review, current: Status | None = None) -> str:
    """"人工复核：部分覆盖 → 已覆盖，理由：…，复核人：…，2025-03-02 09:15 UTC" (+ the change flag)."""
    line = f"人工复核：{verdict_words(review)}"
    if review.reason:
        line += f"，理由：{review.reason}"
    line += f"，复核人：{review.reviewer}，{review_time(review)}"
    note = changed_note(review, current)
    return f"{line}（⚠ {note}）" if note else line


@dataclass(frozen=True)
class ReviewView:
    """What the HTML templates show of a review."""

    line: str  # the whole sentence, for print and summaries
    words: str  # 部分覆盖 → 已覆盖 / 确认 已覆盖
    status: str  # the human verdict's enum value (CSS class)
    status_word: str
    overrides: bool
    reason: str
    reviewer: str
    time: str
    changed: str  # non-empty when the machine verdict changed since the review


def review_view(review: Review, current: Status | None) -> ReviewView:
    return ReviewView(
        line=review_line(review, current),
        words=verdict_words(review),
        status=review.status.value,
        status_word=STATUS_WORD[review.status],
        overrides=review.overrides,
        reason=review.reason,
        reviewer=review.reviewer,
        time=review_time(review),
        changed=changed_note(review, current),
    )


def review_dict(review: Review, current: Status | None) -> dict[str, Any]:
    """The JSON form of a review (both verdicts, reason, who, when, and the change flag)."""
    return {
        "status": review.status.value,
        "machine_status": review.machine_status.value,
        "overrides": review.overrides,
        "reason": review.reason,
        "reviewer": review.reviewer,
        "reviewed_at": iso_utc(review.reviewed_at),
        "machine_changed": current is not None and review.machine_changed(current),
    }


def review_counts(reviews: Mapping[str, Review], current: Mapping[str, Status]) -> dict[str, int]:
    """How many items were reviewed, overridden, and flagged because the machine changed its mind."""
    return {
        "reviewed": len(reviews),
        "overridden": sum(1 for r in reviews.values() if r.overrides),
        "machine_changed": sum(1 for k, r in reviews.items() if k in current and r.machine_changed(current[k])),
    }


def latest(reviews: Iterable[Review]) -> dict[str, Review]:
    """The latest review per "pack:item"."""
    return reviews_by_item(list(reviews))
