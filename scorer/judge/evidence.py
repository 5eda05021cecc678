"""One item's result, however it was judged: points for a status, evidence from a sentence."""

from __future__ import annotations

from typing import TYPE_CHECKING, Sequence

from scorer.model import Evidence, ItemResult, PartResult, Sentence, Status

if TYPE_CHECKING:  # pragma: no cover
    from scorer.rules import Item, Pack


def status_points(status: Status, weight: float) -> float:
    """Points an item earns: covered = full weight, partial = half, missing = none."""
    return {Status.COVERED: weight, Status.PARTIAL: weight / 2}.get(status, 0.0)


def make_item_result(
    pack: "Pack",
    item: "Item",
    status: Status,
    reason: str,
    evidence: Sequence[Evidence] = (),
    parts: Sequence[PartResult] = (),
) -> ItemResult:
    """The result of one item, whichever way it was judged (matched sentences or a structure check)."""
    return ItemResult(
        pack=pack.id,
        id=item.id,
        title=item.title,
        section=item.section,
        group=item.group,
        status=status,
        score=status_points(status, float(item.weight)),
        weight=float(item.weight),
        key=bool(item.key),
        evidence=tuple(evidence),
        parts=tuple(parts),
        reason=reason,
        advice=item.advice or "",
        basis=item.basis or "",
    )


def evidence_from_sentence(sentence: Sentence) -> Evidence:
    """Evidence for a sentence picked by a structure check (no relevance figures)."""
    return Evidence(
        start=sentence.start,
        end=sentence.end,
        text=sentence.text,
        section=" > ".join(sentence.section_path),
        role=sentence.role,
    )
