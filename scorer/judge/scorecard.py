"""Turn item results into a Scorecard: per-group subtotals, per-pack and overall score, grade."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Sequence

from scorer.model import (
    Document,
    GroupSubtotal,
    ItemResult,
    PackInfo,
    Scorecard,
    Status,
    Waiver,
)

if TYPE_CHECKING:  # pragma: no cover
    from scorer.rules import Pack

SCHEMA_VERSION = "1.0"

# (lower bound, grade), highest first.
GRADES = ((90.0, "优秀"), (80.0, "良好"), (60.0, "合格"), (0.0, "不合格"))


def grade_for(score: float) -> str:
    for bound, grade in GRADES:
        if score >= bound:
            return grade
    return GRADES[-1][1]


def _percent(earned: float, weight: float) -> float:
    return round(100.0 * earned / weight, 1) if weight > 0 else 0.0


def applicable(item: ItemResult) -> bool:
    return item.status is not Status.NOT_APPLICABLE


def match_waivers(waivers: Sequence[tuple[str, str]], items: Sequence[ItemResult]) -> tuple[Waiver, ...]:
    """Resolve configured waivers ("id" or "pack:id") against the scored items."""
    resolved = []
    for spec, reason in waivers:
        pack_id, _, item_id = spec.rpartition(":")
        matched = tuple(
            f"{item.pack}:{item.id}" for item in items if item.id == item_id and (not pack_id or item.pack == pack_id)
        )
        resolved.append(Waiver(item=spec, reason=reason, matched=matched))
    return tuple(resolved)


def build_scorecard(
    document: Document,
    packs: Sequence["Pack"],
    items: Sequence[ItemResult],
    warnings: Sequence[str] = (),
    waivers: Sequence[tuple[str, str]] = (),
) -> Scorecard:
    """Overall score = points earned / applicable weight over all packs applied (each pack weighs 100)."""
    pack_infos = []
    subtotals = []
    for pack in packs:
        pack_items = [i for i in items if i.pack == pack.id]
        weight = sum(i.weight for i in pack_items if applicable(i))
        pack_infos.append(
            PackInfo(pack.id, pack.title, str(pack.version), _percent(sum(i.score for i in pack_items), weight))
        )
        by_group: dict[str, list[ItemResult]] = defaultdict(list)
        for item in pack_items:
            by_group[item.group].append(item)
        for group, title in pack.sections:
            group_items = [i for i in by_group.get(group, []) if applicable(i)]
            if not group_items:
                continue
            subtotals.append(
                GroupSubtotal(
                    pack=pack.id,
                    group=group,
                    title=title,
                    score=round(sum(i.score for i in group_items), 2),
                    weight=round(sum(i.weight for i in group_items), 2),
                )
            )
    total_weight = sum(i.weight for i in items if applicable(i))
    score = _percent(sum(i.score for i in items), total_weight)
    resolved = match_waivers(waivers, items)
    waived = {name for waiver in resolved for name in waiver.matched}
    all_warnings = list(warnings)
    for waiver in resolved:
        if not waiver.matched:
            all_warnings.append(f"豁免项 {waiver.item} 未匹配任何评分项目，请检查配置")
    key_not_covered = tuple(
        f"{i.pack}:{i.id}"
        for i in items
        if i.key and i.status in (Status.PARTIAL, Status.MISSING) and f"{i.pack}:{i.id}" not in waived
    )
    return Scorecard(
        schema_version=SCHEMA_VERSION,
        document=document,
        packs=tuple(pack_infos),
        items=tuple(items),
        subtotals=tuple(subtotals),
        score=score,
        grade=grade_for(score),
        key_not_covered=key_not_covered,
        warnings=tuple(dict.fromkeys((*document.warnings, *all_warnings))),
        waivers=resolved,
    )
