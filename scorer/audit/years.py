"""Year pairs in a batch: reports of the same body from consecutive years, and their comparisons.

A folder often holds several years of the same governments' reports. Reports are grouped by the
body they are *about* -- the jurisdiction and level read from the report (metadata), never the
file name -- and each report is paired with the report(s) of the latest earlier year of its body.
Every pair is compared (``scorer.audit.compare``) and written as a page of its own; the batch
index and summaries show, per report, the change from its previous year. Reports that cannot be
paired are listed with the reason.

This module only plans pairs and holds their summaries; the batch runs the comparisons.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Protocol, Sequence

from scorer.audit.compare import body_name
from scorer.model import Unpaired, YearPair, YearPairs


class _Row(Protocol):
    """What pairing reads of a batch row (scorer.batch.ReportRow)."""

    path: str
    page: str | None
    jurisdiction: str | None
    level: str | None
    year: int | None

    @property
    def ok(self) -> bool: ...


def plan_pairs(rows: Iterable[_Row], reserved: Sequence[str] = ()) -> YearPairs:
    """Pairs of scored reports of one body in consecutive years of the batch (not yet compared).

    Each report is paired with one report of the body's previous year in the batch (the first by path
    when that year has several), so the pairs never outnumber the reports. ``rows`` are read once and
    only their path, page and year are kept. ``reserved`` are the file names already taken in the
    output folder (case-insensitive); each comparison page gets a distinct ``<last>_vs_<this>.html``.
    """
    groups: dict[tuple[str, str], list[_Member]] = defaultdict(list)
    unpaired: list[Unpaired] = []
    for row in rows:
        if not row.ok:
            continue  # listed among the failures already
        name = body_name(row.jurisdiction)
        missing = [label for label, value in (("报告主体", name), ("层级", row.level), ("年度", row.year)) if not value]
        if missing:
            unpaired.append(Unpaired(row.path, f"未能识别{'、'.join(missing)}，无法与其他年度的报告配对"))
            continue
        groups[(name, row.level)].append(_Member(row.path, row.page, row.year))  # type: ignore[index, arg-type]
    used = {name.lower() for name in reserved}
    pairs: list[YearPair] = []
    for members in groups.values():
        by_year: dict[int, list[_Member]] = defaultdict(list)
        for member in members:
            by_year[member.year].append(member)
        years = sorted(by_year)
        for earlier, later in zip(years, years[1:]):
            last = min(by_year[earlier], key=lambda m: m.path)
            for this in sorted(by_year[later], key=lambda m: m.path):
                pairs.append(YearPair(last.path, this.path, _page_name(last, this, used)))
        if len(years) == 1:  # otherwise every report of the body is in a pair
            for member in members:
                unpaired.append(Unpaired(member.path, f"批次中只有该主体 {member.year} 年度的报告，没有其他年度的报告"))
    pairs.sort(key=lambda pair: (pair.this, pair.last))
    unpaired.sort(key=lambda item: item.path)
    return YearPairs(tuple(pairs), tuple(unpaired))


@dataclass(frozen=True)
class _Member:
    path: str
    page: str | None
    year: int


def _page_name(last: _Member, this: _Member, used: set[str]) -> str:
    stems = [Path(row.page or Path(row.path).name).stem for row in (last, this)]
    stem = f"{stems[0]}_vs_{stems[1]}"
    name, counter = f"{stem}.html", 2
    while name.lower() in used:
        name = f"{stem}-{counter}.html"
        counter += 1
    used.add(name.lower())
    return name
