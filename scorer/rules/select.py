"""Which packs score a report: by the report year (``--pack auto``) or as the user names them."""

from __future__ import annotations

from typing import Iterable, Iterator, Mapping

from scorer.errors import RuleError
from scorer.rules.types import Item, Pack

# Pack used when the report year is unknown (and the preferred content pack of --pack auto).
DEFAULT_CONTENT_PACK = "gangyao-2021"


def select_packs(packs: Mapping[str, Pack], choice: str, year: int | None) -> tuple[list[Pack], list[str]]:
    """The packs to score a report with, and warnings for the user.

    ``choice`` is ``auto`` (the content pack whose years contain ``year`` plus every ``always`` pack)
    or a comma-separated list of pack ids.
    """
    choice = (choice or "").strip()
    warnings: list[str] = []
    if choice != "auto":
        ids = [part.strip() for part in choice.split(",") if part.strip()]
        if not ids:
            raise RuleError(f"未指定规则包（可用：auto、{'、'.join(packs)}）")
        unknown = [pack_id for pack_id in ids if pack_id not in packs]
        if unknown:
            raise RuleError(f"未知的规则包：{'、'.join(unknown)}（可用：auto、{'、'.join(packs)}）")
        return [packs[pack_id] for pack_id in dict.fromkeys(ids)], warnings

    always = [pack for pack in packs.values() if pack.always]
    candidates = [pack for pack in packs.values() if pack.kind == "content" and not pack.always]
    chosen: Pack | None = None
    if candidates:
        if year is None:
            chosen = packs.get(DEFAULT_CONTENT_PACK) or _newest(candidates)
            warnings.append(f"未能识别报告年度，默认按《{chosen.title}》评分")
        else:
            matching = [pack for pack in candidates if pack.applies_to_year(year)]
            if matching:
                chosen = _newest(matching)
                if len(matching) > 1:
                    others = "、".join(pack.id for pack in matching if pack is not chosen)
                    warnings.append(f"{year} 年度适用多个规则包，按 {chosen.id} 评分（另有 {others}，可用 --pack 指定）")
            else:
                chosen = min(candidates, key=lambda pack: (_year_distance(pack, year), pack.id))
                if chosen.years_to is not None and year > chosen.years_to:
                    # Reports on a year after the newest 纲要's period: no successor has been published
                    # (or loaded as a pack) yet, so the newest one still sets the tasks.
                    warnings.append(
                        f"报告年度 {year} 年已超出《{chosen.title}》的实施期（{chosen.years_label}）；"
                        f"尚无新一期纲要，仍按该纲要评分"
                    )
                else:
                    warnings.append(f"报告年度 {year} 不在任何规则包的适用年度内，按《{chosen.title}》评分")
    selected = ([chosen] if chosen else []) + always
    if not selected:
        raise RuleError(f"没有可用的规则包（已加载：{'、'.join(packs) or '无'}）")
    return selected, warnings


def _newest(packs: list[Pack]) -> Pack:
    """The pack with the latest start year (open start counts as oldest); ties by id."""
    return sorted(packs, key=lambda pack: (-(pack.years_from if pack.years_from is not None else -1), pack.id))[0]


def _year_distance(pack: Pack, year: int) -> int:
    if pack.years_from is not None and year < pack.years_from:
        return pack.years_from - year
    if pack.years_to is not None and year > pack.years_to:
        return year - pack.years_to
    return 0


def find_items(packs: Mapping[str, Pack], reference: str) -> list[tuple[Pack, Item]]:
    """Items named by ``pack:item`` or a bare item id (searched in every pack)."""
    if ":" in reference:
        pack_id, _, item_id = reference.partition(":")
        pack = packs.get(pack_id.strip())
        if pack is None or not pack.has_item(item_id.strip()):
            return []
        return [(pack, pack.item(item_id.strip()))]
    return [(pack, pack.item(reference)) for pack in packs.values() if pack.has_item(reference)]


def iter_items(packs: Iterable[Pack]) -> Iterator[tuple[Pack, Item]]:
    for pack in packs:
        for item in pack.items:
            yield pack, item
