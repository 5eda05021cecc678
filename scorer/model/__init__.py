"""Immutable value objects shared by every stage: what goes in and comes out of each stage.

* ``vocab``    – Role, Level, Status and their Chinese labels;
* ``document`` – SourceInfo, RawText (ingest → document) and Document with its sections and sentences;
* ``results``  – Evidence, ItemResult, Scorecard … (judge → render) and CheckOutcome;
* ``audit``    – batch rows, copy-detection pairs, baseline comparisons (audit → render);
* ``compare``  – year-over-year comparison results and a batch's year pairs (audit → render);
* ``review``   – a supervisor's review of one item (人工复核), kept beside the machine's verdict.

Every object is a frozen dataclass, so results compare, sort and serialise deterministically.
This package imports nothing of the tool but ``scorer.errors``.
"""

from __future__ import annotations

from scorer.model.audit import (
    DEFAULT_COPY_DETECTION,
    SCORE_TOLERANCE,
    BaselineComparison,
    BatchResult,
    Closest,
    CopyDetectConfig,
    CopyReport,
    ReportRow,
    SharedParagraph,
    SimilarPair,
    StatusChange,
)
from scorer.model.compare import (
    CHANGES,
    DEFAULT_COMPARE,
    IMPROVED,
    NOT_COMPARABLE,
    ONLY_LAST,
    ONLY_THIS,
    REGRESSED,
    UNCHANGED,
    CompareConfig,
    CompareResult,
    ItemChange,
    ItemSide,
    PlanFollowUp,
    PlanMatch,
    Quote,
    Repeat,
    ReportSide,
    Unpaired,
    YearPair,
    YearPairs,
)
from scorer.model.document import (
    Document,
    Metadata,
    Paragraph,
    RawText,
    Residue,
    Section,
    Sentence,
    SourceInfo,
)
from scorer.model.results import (
    CheckOutcome,
    Evidence,
    GroupSubtotal,
    ItemResult,
    PackInfo,
    PartResult,
    Scorecard,
    SentenceFacts,
    Waiver,
    waived_items,
)
from scorer.model.review import Review, reviews_by_item
from scorer.model.vocab import (
    LEVEL_LABELS,
    ROLE_LABELS,
    STATUS_LABELS,
    YEAR_SOURCE_LABELS,
    Level,
    Role,
    Status,
)

__all__ = [
    "BaselineComparison",
    "BatchResult",
    "CHANGES",
    "CheckOutcome",
    "Closest",
    "CompareConfig",
    "CompareResult",
    "CopyDetectConfig",
    "CopyReport",
    "DEFAULT_COMPARE",
    "DEFAULT_COPY_DETECTION",
    "Document",
    "Evidence",
    "GroupSubtotal",
    "IMPROVED",
    "ItemChange",
    "ItemResult",
    "ItemSide",
    "LEVEL_LABELS",
    "Level",
    "Metadata",
    "NOT_COMPARABLE",
    "ONLY_LAST",
    "ONLY_THIS",
    "PackInfo",
    "Paragraph",
    "PartResult",
    "PlanFollowUp",
    "PlanMatch",
    "Quote",
    "REGRESSED",
    "ROLE_LABELS",
    "STATUS_LABELS",
    "RawText",
    "Repeat",
    "ReportRow",
    "ReportSide",
    "Review",
    "Residue",
    "Role",
    "SCORE_TOLERANCE",
    "Scorecard",
    "Section",
    "Sentence",
    "SentenceFacts",
    "SharedParagraph",
    "SimilarPair",
    "SourceInfo",
    "Status",
    "StatusChange",
    "UNCHANGED",
    "Unpaired",
    "Waiver",
    "YEAR_SOURCE_LABELS",
    "reviews_by_item",
    "YearPair",
    "YearPairs",
    "waived_items",
]
