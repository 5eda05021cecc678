"""What comparing one body's reports across years produces: item changes, repeated problems, plan
follow-through, recycled achievements (``fzscore compare``), and the year pairs of a batch.

These are the result types both ``scorer.audit`` (which computes them) and ``scorer.render`` (which lays
them out) need.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

from scorer.errors import ConfigError
from scorer.model.results import Evidence
from scorer.model.vocab import Level, Status

# Year-over-year comparison (see scorer/audit/compare.py): a problem sentence repeats last year's at
# this cosine; a plan point shows up in this year's achievements when this share of its wording
# does; an achievements paragraph is recycled at the copy-detection paragraph threshold.
DEFAULT_COMPARE = {"problem_similarity": 0.6, "plan_similarity": 0.5, "paragraph_similarity": 0.85}

# How an item moved from last year to this year.
IMPROVED = "improved"
REGRESSED = "regressed"
UNCHANGED = "unchanged"
NOT_COMPARABLE = "not_comparable"  # applicable in one year only
ONLY_LAST = "only_last"  # the item is in last year's packs only (e.g. 纲要 2015 -> 2021)
ONLY_THIS = "only_this"
CHANGES = (IMPROVED, REGRESSED, UNCHANGED, NOT_COMPARABLE, ONLY_LAST, ONLY_THIS)


@dataclass(frozen=True)
class CompareConfig:
    """Thresholds of the comparison (``.fzscore.yaml`` key ``compare``)."""

    problem_similarity: float = DEFAULT_COMPARE["problem_similarity"]  # cosine of two problem statements
    plan_similarity: float = DEFAULT_COMPARE["plan_similarity"]  # share of a plan clause found in a sentence
    paragraph_similarity: float = DEFAULT_COMPARE["paragraph_similarity"]  # cosine of two achievements paragraphs
    min_statement_chars: int = 6  # shorter problem statements (characters, punctuation aside) are ignored
    # Shorter plan clauses are stock phrases ("加强法治政府建设") that any report's achievements contain.
    min_clause_chars: int = 10
    min_paragraph_chars: int = 30  # as copy detection: headings and date lines are not paragraphs
    max_evidence: int = 2  # sentences quoted per followed plan point

    def __post_init__(self) -> None:
        for name in ("problem_similarity", "plan_similarity", "paragraph_similarity"):
            value = getattr(self, name)
            if not 0.0 < value <= 1.0:
                raise ConfigError(f"比较参数 {name} 应在 (0, 1] 之间，实际为 {value!r}")
        if min(self.min_statement_chars, self.min_clause_chars, self.min_paragraph_chars, self.max_evidence) < 1:
            raise ConfigError("比较参数 min_statement_chars、min_clause_chars、min_paragraph_chars、max_evidence 应为正整数")

    @classmethod
    def from_mapping(cls, values: Mapping[str, float] | None) -> "CompareConfig":
        return cls(**dict(values or {}))


# ---------------------------------------------------------------------------------------------
# Result
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Quote:
    """A stretch of one report: ``text == document.text[start:end]``."""

    text: str
    start: int
    end: int
    section: str  # headings from the top part down, joined with " > "


@dataclass(frozen=True)
class ReportSide:
    """One of the two reports, as the comparison shows it."""

    path: str
    title: str | None
    jurisdiction: str | None
    level: Level | None
    year: int | None
    date: str | None
    score: float
    grade: str
    packs: tuple[str, ...]
    sha256: str


@dataclass(frozen=True)
class ItemSide:
    status: Status
    score: float
    weight: float
    reason: str
    evidence: tuple[Evidence, ...] = ()


@dataclass(frozen=True)
class ItemChange:
    pack: str
    id: str
    title: str
    key: bool
    change: str  # one of CHANGES
    last: ItemSide | None
    this: ItemSide | None

    @property
    def delta(self) -> float | None:
        """Points gained (negative: lost); None when the item is not in both years."""
        if self.last is None or self.this is None:
            return None
        return round(self.this.score - self.last.score, 4)


@dataclass(frozen=True)
class Repeat:
    """A stretch of this year's report and the stretch of last year's it repeats.

    Repeated problems: statements of the 不足 parts; recycled achievements: paragraphs of the 成效 parts.
    """

    this: Quote
    last: Quote
    similarity: float


@dataclass(frozen=True)
class PlanMatch:
    clause: str  # the clause of last year's plan point that was found
    evidence: Quote  # the sentence of this year's report it was found in
    share: float  # weighted share of the clause's n-grams present in the sentence


@dataclass(frozen=True)
class PlanFollowUp:
    """One point of last year's plan part and what this year's report says of it."""

    point: Quote
    title: str
    items: tuple[str, ...]  # "pack:item" the point bears on
    followed: bool  # "见成效"; False = "未见报告"
    matches: tuple[PlanMatch, ...] = ()  # best first; empty when not followed
    nearest: PlanMatch | None = None  # closest sentence when not followed (below the threshold)


@dataclass(frozen=True)
class CompareResult:
    last: ReportSide
    this: ReportSide
    score_change: float
    items: tuple[ItemChange, ...]
    problem_statements: int  # statements in this year's 不足 part
    last_problem_statements: int
    repeated_problems: tuple[Repeat, ...]
    plan_points: tuple[PlanFollowUp, ...]
    achievement_paragraphs: int  # paragraphs of this year's 成效 part that were compared
    recycled: tuple[Repeat, ...]
    verdict: str
    config: CompareConfig = field(default_factory=CompareConfig)
    warnings: tuple[str, ...] = ()
    forced: bool = False

    @property
    def plans_followed(self) -> int:
        return sum(1 for point in self.plan_points if point.followed)

    def count(self, change: str) -> int:
        return sum(1 for item in self.items if item.change == change)



@dataclass(frozen=True)
class YearPair:
    """Last year's and this year's report of one body, and what comparing them found."""

    last: str  # input path
    this: str
    page: str  # file name of the comparison page in the output folder
    score_change: float | None = None
    repeated_problems: int | None = None
    problem_statements: int | None = None
    plans_followed: int | None = None
    plan_points: int | None = None
    recycled: int | None = None
    verdict: str | None = None
    warnings: tuple[str, ...] = ()
    error: str | None = None  # the comparison failed (the pair is still listed)

    @property
    def ok(self) -> bool:
        return self.error is None

    def with_result(self, result: "CompareResult") -> "YearPair":
        return YearPair(
            last=self.last,
            this=self.this,
            page=self.page,
            score_change=round(result.score_change, 4),
            repeated_problems=len(result.repeated_problems),
            problem_statements=result.problem_statements,
            plans_followed=result.plans_followed,
            plan_points=len(result.plan_points),
            recycled=len(result.recycled),
            verdict=result.verdict,
            warnings=result.warnings,
        )


@dataclass(frozen=True)
class Unpaired:
    path: str
    reason: str


@dataclass(frozen=True)
class YearPairs:
    pairs: tuple[YearPair, ...] = ()  # by this year's report path, then last year's
    unpaired: tuple[Unpaired, ...] = ()  # scored reports in no pair, by path

    def previous_of(self, path: str) -> YearPair | None:
        """The comparison of ``path`` with its previous year (the first, when several)."""
        for pair in self.pairs:
            if pair.this == path:
                return pair
        return None
