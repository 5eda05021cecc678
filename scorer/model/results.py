"""What judging produces: evidence, item results, subtotals, the Scorecard, and the verdict of a CI check."""

from __future__ import annotations

from dataclasses import dataclass, field

from scorer.model.document import Document
from scorer.model.vocab import Role, Status

# ---------------------------------------------------------------------------------------------
# Results
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class Evidence:
    """A sentence that supports an item's status, with why it was picked."""

    start: int
    end: int
    text: str
    section: str  # section path joined with " > "
    role: Role
    score: float = 0.0  # combined relevance
    similarity: float = 0.0  # TF-IDF cosine to the item's exemplars
    terms: tuple[str, ...] = ()  # matched signal phrases, for highlighting
    substance: tuple[str, ...] = ()  # concrete markers: figures with units, 《文件》, dates
    part: str | None = None  # part id when the evidence shows a named part
    act: float | None = None  # the learned sentence model's P(concrete act of the year), where it was asked


@dataclass(frozen=True)
class PartResult:
    id: str
    title: str
    status: Status
    evidence: tuple[Evidence, ...] = ()


@dataclass(frozen=True)
class ItemResult:
    pack: str
    id: str
    title: str
    section: str  # reference in the source document, e.g. 五（十五）
    group: str  # key of the pack's section table, for subtotals
    status: Status
    score: float  # points earned
    weight: float
    key: bool
    evidence: tuple[Evidence, ...] = ()
    parts: tuple[PartResult, ...] = ()
    reason: str = ""  # one-line Chinese explanation of the status
    advice: str = ""  # what to add (from the rule)
    basis: str = ""  # legal source (from the rule)


@dataclass(frozen=True)
class GroupSubtotal:
    """Score of one section of a pack (e.g. 纲要 五、健全行政执法工作体系)."""

    pack: str
    group: str
    title: str
    score: float
    weight: float  # applicable weight


@dataclass(frozen=True)
class PackInfo:
    id: str
    title: str
    version: str
    score: float  # 0-100 over applicable weight of this pack


@dataclass(frozen=True, order=True)
class Waiver:
    """An item the project has chosen not to be judged on (``.fzscore.yaml`` ``waivers``)."""

    item: str  # item id or "pack:item" as written in the config
    reason: str  # required justification, shown in every output
    matched: tuple[str, ...] = ()  # "pack:item" it applied to; empty -> warned as matching nothing


@dataclass(frozen=True)
class Scorecard:
    schema_version: str
    document: Document
    packs: tuple[PackInfo, ...]
    items: tuple[ItemResult, ...]
    subtotals: tuple[GroupSubtotal, ...]
    score: float  # 0-100, weighted over applicable items of all packs
    grade: str  # 优秀 / 良好 / 合格 / 不合格
    key_not_covered: tuple[str, ...] = ()  # "pack:item" of key items that are not covered (waived ones excluded)
    warnings: tuple[str, ...] = field(default=())
    waivers: tuple[Waiver, ...] = ()


def waived_items(scorecard: Scorecard) -> frozenset[str]:
    """"pack:item" names that a waiver applied to."""
    return frozenset(name for waiver in scorecard.waivers for name in waiver.matched)


@dataclass(frozen=True)
class CheckOutcome:
    """Why ``fzscore check`` passes or fails; the renderers only lay this out."""

    passed: bool
    score: float
    fail_under: float | None  # the threshold applied (None: not applied)
    fail_on: str  # the item rule applied: key | missing | never
    key_failures: tuple[ItemResult, ...] = ()  # key items not covered and not waived
    missing_failures: tuple[ItemResult, ...] = ()  # (fail_on missing) applicable items missing, not waived
    regressed: bool = False  # the baseline comparison found something worse
    fail_on_regression: bool = False
    reasons: tuple[str, ...] = field(default=())  # Chinese, one line each; empty when passed


@dataclass(frozen=True)
class SentenceFacts:
    """What the matcher sees in one sentence: the content items it bears on and its concrete markers."""

    items: frozenset[str] = frozenset()  # "pack:item"
    substance: tuple[str, ...] = ()  # figures with units, 《文件》, dates (as in Evidence.substance)
