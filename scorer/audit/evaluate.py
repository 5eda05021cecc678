"""Accuracy against gold labels (CSV: file,year,level,pack,item,status[,evidence,note]).

Two binary views and one exact view, as the design asks:
* mention – covered or partial (positive) vs missing / not_applicable (negative);
* covered – covered (positive) vs everything else;
* exact   – the four statuses must agree.
"""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Mapping

from scorer.errors import InputError
from scorer.model import Scorecard, Status

STATUSES = tuple(s.value for s in Status)


@dataclass(frozen=True)
class GoldRow:
    file: str
    year: int | None
    level: str | None
    pack: str
    item: str
    status: str


@dataclass
class BinaryCounts:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0

    def add(self, gold: bool, predicted: bool) -> None:
        if gold and predicted:
            self.tp += 1
        elif predicted:
            self.fp += 1
        elif gold:
            self.fn += 1
        else:
            self.tn += 1

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Tally:
    """Agreement on one slice of the judgements (all, one item, one level, one report…)."""

    mention: BinaryCounts = field(default_factory=BinaryCounts)
    covered: BinaryCounts = field(default_factory=BinaryCounts)
    exact: int = 0
    total: int = 0

    def add(self, gold: str, predicted: str) -> None:
        self.mention.add(gold in ("covered", "partial"), predicted in ("covered", "partial"))
        self.covered.add(gold == "covered", predicted == "covered")
        self.total += 1
        self.exact += gold == predicted

    @property
    def accuracy(self) -> float:
        return self.exact / self.total if self.total else 0.0


def year_band(year: int | None) -> str:
    """The 纲要 period a report year falls in, with the 纲要's last year and later apart."""
    if year is None:
        return "年度不明"
    if year <= 2020:
        return "2016–2020（2015 版纲要）"
    if year <= 2024:
        return "2021–2024（2021 版纲要）"
    return "2025 年及以后"


@dataclass
class Evaluation:
    overall: Tally = field(default_factory=Tally)
    confusion: Counter = field(default_factory=Counter)  # (gold, predicted) -> n
    per_item: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    per_level: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))  # by the gold level
    per_band: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))  # by the gold year
    per_report: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    metadata: list = field(default_factory=list)  # (file, field, gold, predicted)
    disagreements: list = field(default_factory=list)  # (file, pack:item, gold, predicted)
    unmatched: list = field(default_factory=list)  # gold rows with no scored item

    @property
    def mention(self) -> BinaryCounts:
        return self.overall.mention

    @property
    def covered(self) -> BinaryCounts:
        return self.overall.covered

    @property
    def exact(self) -> int:
        return self.overall.exact

    @property
    def total(self) -> int:
        return self.overall.total

    @property
    def accuracy(self) -> float:
        return self.overall.accuracy

    def add(self, row: GoldRow, predicted: str) -> None:
        key = f"{row.pack}:{row.item}"
        for tally in (
            self.overall,
            self.per_item[key],
            self.per_level[row.level or "层级不明"],
            self.per_band[year_band(row.year)],
            self.per_report[row.file],
        ):
            tally.add(row.status, predicted)
        self.confusion[(row.status, predicted)] += 1
        if row.status != predicted:
            self.disagreements.append((row.file, key, row.status, predicted))


def read_gold(path: Path) -> list[GoldRow]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            missing = {"file", "pack", "item", "status"} - set(reader.fieldnames or ())
            if missing:
                raise InputError(f"金标准文件 {path} 缺少列：{', '.join(sorted(missing))}")
            rows = []
            for number, raw in enumerate(reader, start=2):
                status = (raw.get("status") or "").strip()
                if status not in STATUSES:
                    raise InputError(f"金标准文件 {path} 第 {number} 行：未知状态 {status!r}（应为 {', '.join(STATUSES)}）")
                year = (raw.get("year") or "").strip()
                rows.append(
                    GoldRow(
                        file=raw["file"].strip(),
                        year=int(year) if year.isdigit() else None,
                        level=(raw.get("level") or "").strip() or None,
                        pack=raw["pack"].strip(),
                        item=raw["item"].strip(),
                        status=status,
                    )
                )
            return rows
    except OSError as exc:
        raise InputError(f"无法读取金标准文件 {path}：{exc.strerror or exc}") from None
    except csv.Error as exc:
        raise InputError(f"金标准文件 {path} 不是有效的 CSV：{exc}") from None


def gold_for_report(gold_dir: Path, report: Path) -> Path:
    candidate = gold_dir / f"{report.stem}.csv"
    if not candidate.is_file():
        raise InputError(f"找不到报告 {report.name} 的金标准文件：{candidate}")
    return candidate


def evaluate(pairs: Iterable[tuple[Scorecard, list[GoldRow]]]) -> Evaluation:
    result = Evaluation()
    for card, rows in pairs:
        predicted: Mapping[str, str] = {f"{i.pack}:{i.id}": i.status.value for i in card.items}
        meta = card.document.meta
        if rows:
            name = rows[0].file
            if rows[0].year is not None:
                result.metadata.append((name, "year", rows[0].year, meta.year))
            if rows[0].level:
                result.metadata.append((name, "level", rows[0].level, meta.level.value if meta.level else None))
        for row in rows:
            key = f"{row.pack}:{row.item}"
            if key not in predicted:
                result.unmatched.append((row.file, key))
                result.add(row, "missing" if row.pack in {p.id for p in card.packs} else "(未评分)")
                continue
            result.add(row, predicted[key])
    return result
