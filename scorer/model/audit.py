"""What auditing many reports produces: batch rows, copy-detection pairs, baseline comparisons.

These are the result types both the audit runners (``scorer.audit``) and the renderers
(``scorer.render``) need; they live here so neither side imports the other for them.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Sequence

from scorer.errors import ConfigError
from scorer.model.compare import YearPairs

# ---------------------------------------------------------------------------------------------
# Copy detection (scorer.audit.copydetect)
# ---------------------------------------------------------------------------------------------

DEFAULT_COPY_DETECTION = {"paragraph_similarity": 0.85, "flag_similarity": 0.30}  # .fzscore.yaml copy_detection defaults


@dataclass(frozen=True)
class CopyDetectConfig:
    """Thresholds of the copy detection (``.fzscore.yaml`` key ``copy_detection`` or batch options)."""

    # cosine of the two paragraphs' character n-gram sets at which they are near-duplicates
    paragraph_similarity: float = DEFAULT_COPY_DETECTION["paragraph_similarity"]
    # report-pair similarity at which the pair is flagged
    flag_similarity: float = DEFAULT_COPY_DETECTION["flag_similarity"]
    min_paragraph_chars: int = 30  # shorter paragraphs (headings, dates) are ignored
    boilerplate_share: float = 0.5  # a paragraph found in more than this share of reports is boilerplate
    boilerplate_max_reports: int = 100  # ...and so is one found in more than this many reports (a template)
    boilerplate_min_reports: int = 4  # ...but only in batches of at least this many reports
    ngram_min: int = 2
    ngram_max: int = 4
    num_perm: int = 100  # MinHash values per paragraph (one byte each)
    bands: int = 20  # LSH bands (num_perm / bands values each, at most 8)
    max_bucket: int = 100  # a band bucket with more distinct texts than this...
    bucket_window: int = 20  # ...is compared only with this many neighbours per text
    # Flagged pairs listed with their shared paragraphs, most similar first. A batch of many
    # near-copies has flagged pairs quadratic in its size; the rest are counted, not listed, so
    # memory and index.html stay bounded.
    max_listed_pairs: int = 200

    def __post_init__(self) -> None:
        for name in ("paragraph_similarity", "flag_similarity", "boilerplate_share"):
            value = getattr(self, name)
            if not 0.0 < value <= 1.0:
                raise ConfigError(f"查重参数 {name} 应在 (0, 1] 之间，实际为 {value!r}")
        if not 1 <= self.ngram_min <= self.ngram_max:
            raise ConfigError(f"查重参数 ngram_min/ngram_max 无效：{self.ngram_min}–{self.ngram_max}")
        if self.bands < 1 or self.num_perm % self.bands or not 1 <= self.num_perm // self.bands <= 8 or self.num_perm > 65535:
            raise ConfigError(f"查重参数 num_perm 应为 bands 的 1–8 倍，实际为 {self.num_perm}/{self.bands}")
        positive = ("min_paragraph_chars", "boilerplate_max_reports", "max_bucket", "bucket_window", "max_listed_pairs")
        if min(getattr(self, name) for name in positive) < 1:
            raise ConfigError("查重参数 " + "、".join(positive) + " 应为正整数")


@dataclass(frozen=True)
class SharedParagraph:
    """A paragraph of report ``a`` and its near-duplicate in report ``b``."""

    index_a: int  # position among the paragraphs given for report a
    index_b: int
    text_a: str
    text_b: str
    similarity: float  # cosine of the two paragraphs


@dataclass(frozen=True)
class SimilarPair:
    """Two reports with near-duplicate paragraphs; ``a`` < ``b`` by key."""

    a: str
    b: str
    similarity: float  # share of the shorter report's paragraphs found in the other
    shorter: str  # key of the report whose paragraphs the share is taken over
    paragraphs_a: int  # eligible (non-short, non-boilerplate) paragraphs of a
    paragraphs_b: int
    shared: tuple[SharedParagraph, ...] = ()  # filled for flagged pairs only, in the shorter report's order


@dataclass(frozen=True)
class Closest:
    """The other report most similar to one report."""

    other: str | None
    similarity: float


@dataclass(frozen=True)
class CopyReport:
    config: CopyDetectConfig
    closest: tuple[tuple[str, Closest], ...]  # (report key, closest), in input order
    flagged: tuple[SimilarPair, ...]  # similarity >= flag_similarity, most similar first (at most max_listed_pairs)
    boilerplate_paragraphs: int = 0  # distinct paragraph texts treated as boilerplate
    eligible_paragraphs: tuple[tuple[str, int], ...] = field(default=())  # (report key, count)
    flagged_total: int = 0  # flagged pairs in all, listed or not
    compared_paragraphs: int = 0  # distinct paragraph texts compared
    candidate_pairs: int = 0  # paragraph pairs whose sketches were compared
    near_duplicate_pairs: int = 0  # ...of which near-duplicates

    @functools.cached_property
    def _closest_by_key(self) -> dict[str, Closest]:
        return dict(self.closest)

    def closest_of(self, key: str) -> Closest:
        return self._closest_by_key.get(key, Closest(None, 0.0))


# ---------------------------------------------------------------------------------------------
# Baseline comparison (scorer.audit.baseline)
# ---------------------------------------------------------------------------------------------

SCORE_TOLERANCE = 0.05


@dataclass(frozen=True)
class StatusChange:
    pack: str
    id: str
    title: str
    key: bool
    before: str  # status value
    after: str


@dataclass(frozen=True)
class BaselineComparison:
    path: str
    score_before: float
    score_after: float
    regressions: tuple[StatusChange, ...] = ()  # status dropped, in scorecard item order
    improvements: tuple[StatusChange, ...] = ()  # status rose

    @property
    def score_delta(self) -> float:
        return self.score_after - self.score_before

    @property
    def score_dropped(self) -> bool:
        return self.score_delta < -SCORE_TOLERANCE

    @property
    def regressed(self) -> bool:
        return self.score_dropped or bool(self.regressions)


# ---------------------------------------------------------------------------------------------
# Batch (scorer.audit.batch)
# ---------------------------------------------------------------------------------------------

# 督察规定: the report on a year goes to the level above by 1 March of the next year (published by 1 April).
SUBMISSION_DEADLINE = (3, 1)  # month, day of the year after the report year


def days_late(year: int | None, date: str | None) -> int | None:
    """Days the report's own date (成文日期, ISO) falls after 1 March of the year after ``year``.

    0 when on time, None when the year or the date is unknown (or the date unreadable). The date
    written on a report is the best sign of when it was submitted that the text itself carries.
    """
    if year is None or not date:
        return None
    try:
        written = dt.date.fromisoformat(date)
    except ValueError:
        return None
    month, day = SUBMISSION_DEADLINE
    return max(0, (written - dt.date(year + 1, month, day)).days)


@dataclass(frozen=True)
class ReportRow:
    """One report of the batch, as the index and the summaries show it."""

    path: str  # as given (or as found in a given folder)
    page: str | None  # file name of its HTML page in the output folder; None when it failed
    error: str | None = None
    title: str | None = None
    jurisdiction: str | None = None
    level: str | None = None
    year: int | None = None
    date: str | None = None
    score: float | None = None
    grade: str | None = None
    packs: tuple[str, ...] = ()
    key_not_covered: tuple[str, ...] = ()  # "pack:item"
    key_not_covered_titles: tuple[str, ...] = ()
    covered: int = 0
    partial: int = 0
    missing: int = 0
    not_applicable: int = 0
    waived: tuple[str, ...] = ()  # "pack:item" a waiver applied to
    warnings: tuple[str, ...] = ()
    sha256: str | None = None
    closest: str | None = None  # path of the most similar other report
    closest_similarity: float | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def days_late(self) -> int | None:
        """Days after the 3月1日 deadline the report is dated (0: on time; None: no year or date)."""
        return days_late(self.year, self.date)


@dataclass(frozen=True)
class BatchResult:
    # In input-path order. A tuple, or (a large batch) a sequence that reads each row from disk
    # when asked: iterate it, do not hold it.
    rows: Sequence[ReportRow]
    copies: CopyReport
    out_dir: str
    generated_at: datetime
    settings: Any  # scorer.audit.batch.BatchSettings: how the reports were scored
    years: YearPairs = field(default_factory=YearPairs)  # reports of one body across years

    @functools.cached_property
    def scored(self) -> int:
        return sum(1 for row in self.rows if row.ok)

    @functools.cached_property
    def late(self) -> int:
        """Scored reports dated after the 3月1日 deadline (``ReportRow.days_late`` > 0)."""
        return sum(1 for row in self.rows if row.ok and row.days_late)

    @property
    def failed(self) -> int:
        return len(self.rows) - self.scored
