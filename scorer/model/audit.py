"""What auditing many reports produces: batch rows, copy-detection pairs, baseline comparisons.

These are the result types both the audit runners (``scorer.audit``) and the renderers
(``scorer.render``) need; they live here so neither side imports the other for them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from scorer.errors import ConfigError
from scorer.model.compare import YearPairs

# ---------------------------------------------------------------------------------------------
# Copy detection (scorer.audit.copydetect)
# ---------------------------------------------------------------------------------------------

DEFAULT_COPY_DETECTION = {"paragraph_similarity": 0.85, "flag_similarity": 0.30}  # .fzscore.yaml copy_detection defaults


@dataclass(frozen=True)
class CopyDetectConfig:
    """Thresholds of the copy detection (``.fzscore.yaml`` key ``copy_detection`` or batch options)."""

    # cosine at which two paragraphs are near-duplicates
    paragraph_similarity: float = DEFAULT_COPY_DETECTION["paragraph_similarity"]
    # report-pair similarity at which the pair is flagged
    flag_similarity: float = DEFAULT_COPY_DETECTION["flag_similarity"]
    min_paragraph_chars: int = 30  # shorter paragraphs (headings, dates) are ignored
    boilerplate_share: float = 0.5  # a paragraph found in more than this share of reports is boilerplate
    boilerplate_min_reports: int = 4  # ...but only in batches of at least this many reports
    ngram_min: int = 2
    ngram_max: int = 4
    n_features: int = 2**20  # hashed n-gram space (a power of two)
    prefix_features: int = 12  # shared n-grams per paragraph used to find candidate pairs
    max_prefix_df: int = 256  # ...taken among n-grams in at most this many paragraphs (bounds the work)
    block_rows: int = 2048  # at most this many paragraphs per block of the candidate product
    block_entries: int = 3_000_000  # ...and about this many candidate entries (bounds memory)
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
        if self.n_features <= 0 or self.n_features & (self.n_features - 1):
            raise ConfigError(f"查重参数 n_features 应为 2 的幂，实际为 {self.n_features}")
        if min(self.min_paragraph_chars, self.prefix_features, self.block_rows, self.block_entries, self.max_prefix_df, self.max_listed_pairs) < 1:
            raise ConfigError("查重参数 min_paragraph_chars、prefix_features、max_prefix_df、block_rows、block_entries 应为正整数")


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

    def closest_of(self, key: str) -> Closest:
        for name, closest in self.closest:
            if name == key:
                return closest
        return Closest(None, 0.0)


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


@dataclass(frozen=True)
class BatchResult:
    rows: tuple[ReportRow, ...]  # in input-path order
    copies: CopyReport
    out_dir: str
    generated_at: datetime
    settings: Any  # scorer.audit.batch.BatchSettings: how the reports were scored
    years: YearPairs = field(default_factory=YearPairs)  # reports of one body across years

    @property
    def scored(self) -> int:
        return sum(1 for row in self.rows if row.ok)

    @property
    def failed(self) -> int:
        return sum(1 for row in self.rows if not row.ok)
