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
class Evaluation:
    mention: BinaryCounts = field(default_factory=BinaryCounts)
    covered: BinaryCounts = field(default_factory=BinaryCounts)
    exact: int = 0
    total: int = 0
    confusion: Counter = field(default_factory=Counter)  # (gold, predicted) -> n
    per_item: dict = field(default_factory=lambda: defaultdict(lambda: {"mention": BinaryCounts(), "covered": BinaryCounts(), "exact": 0, "total": 0}))
    metadata: list = field(default_factory=list)  # (file, field, gold, predicted)
    disagreements: list = field(default_factory=list)  # (file, pack:item, gold, predicted)
    unmatched: list = field(default_factory=list)  # gold rows with no scored item

    @property
    def accuracy(self) -> float:
        return self.exact / self.total if self.total else 0.0

    def add(self, row: GoldRow, predicted: str) -> None:
        key = f"{row.pack}:{row.item}"
        mention_gold = row.status in ("covered", "partial")
        mention_pred = predicted in ("covered", "partial")
        self.mention.add(mention_gold, mention_pred)
        self.covered.add(row.status == "covered", predicted == "covered")
        self.total += 1
        self.confusion[(row.status, predicted)] += 1
        stats = self.per_item[key]
        stats["mention"].add(mention_gold, mention_pred)
        stats["covered"].add(row.status == "covered", predicted == "covered")
        stats["total"] += 1
        if row.status == predicted:
            self.exact += 1
            stats["exact"] += 1
        else:
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
