"""Immutable value objects shared by every stage: what goes in and comes out of each stage.

* ``vocab``    – Role, Level, Status and their Chinese labels;
* ``document`` – SourceInfo, RawText (ingest → document) and Document with its sections and sentences;
* ``results``  – Evidence, ItemResult, Scorecard … (judge → render) and CheckOutcome;
* ``audit``    – batch rows, copy-detection pairs, baseline comparisons (audit → render);
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

__all__ = ["BaselineComparison", "BatchResult", "CheckOutcome", "Closest", "CopyDetectConfig", "CopyReport", "DEFAULT_COPY_DETECTION", "Document", "Evidence", "GroupSubtotal", "ItemResult", "LEVEL_LABELS", "Level", "Metadata", "PackInfo", "Paragraph", "PartResult", "ROLE_LABELS", "RawText", "ReportRow", "Residue", "Review", "Role", "SCORE_TOLERANCE", "STATUS_LABELS", "Scorecard", "Section", "Sentence", "SharedParagraph", "SimilarPair", "SourceInfo", "Status", "StatusChange", "Waiver", "YEAR_SOURCE_LABELS", "reviews_by_item", "waived_items"]
