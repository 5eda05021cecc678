"""Immutable value objects shared by every stage of the pipeline.

The flow is one-directional: ingest -> Document -> (rules) -> match -> Scorecard -> render.
Every object here is a frozen dataclass so results can be compared, sorted and serialised
deterministically (golden files, diffs, batch indexes).

All character offsets (``start``/``end``) index into ``Document.text``, the normalised text,
so ``document.text[e.start:e.end] == e.text`` holds for every sentence and piece of evidence.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Iterator


class Role(str, enum.Enum):
    """What a part of the report is, in the terms of the 督察规定 (four content parts)."""

    ACHIEVEMENTS = "achievements"  # 主要举措和成效
    SHORTCOMINGS = "shortcomings"  # 存在的不足和原因 / 问题
    FIRST_RESPONSIBLE = "first_responsible"  # 党政主要负责人履行第一责任人职责情况
    NEXT_YEAR_PLAN = "next_year_plan"  # 下一年度/下一步 工作安排、思路、打算
    PREAMBLE = "preamble"  # opening paragraphs before the first part
    CLOSING = "closing"  # signature, date, attachments
    OTHER = "other"

    @property
    def counts_as_action(self) -> bool:
        """True where a sentence may prove that something was done in the year."""
        return self in (Role.ACHIEVEMENTS, Role.FIRST_RESPONSIBLE, Role.OTHER, Role.PREAMBLE)


class Level(str, enum.Enum):
    """Government level (see checklist.md, "Government levels")."""

    PROVINCE = "province"
    CITY = "city"  # 地级/设区的市, 自治州
    COUNTY = "county"  # 县, 县级市, 区, 旗
    TOWNSHIP = "township"  # 乡, 镇, 街道
    DEPARTMENT = "department"  # 政府工作部门


class Status(str, enum.Enum):
    """Item status; the same vocabulary for rules, gold labels and output."""

    COVERED = "covered"
    PARTIAL = "partial"
    MISSING = "missing"
    NOT_APPLICABLE = "not_applicable"


# ---------------------------------------------------------------------------------------------
# Ingest
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SourceInfo:
    """Where the text came from."""

    path: str  # as given by the user
    format: str  # txt | md | docx | pdf | html
    sha256: str  # of the raw file bytes
    size: int  # bytes
    encoding: str | None = None  # detected text encoding, for txt/md/html


@dataclass(frozen=True)
class RawText:
    """Text extracted from a file, normalised, with a map back to the extracted original.

    ``text`` is NFKC-normalised (全角 digits/letters/punctuation -> 半角, unified whitespace,
    one paragraph per line). ``original`` is the extracted text before normalisation and
    ``offsets[i]`` is the index in ``original`` of ``text[i]`` (len(offsets) == len(text)).
    ``heading_hints`` holds line indexes (0-based, into ``text.split("\\n")``) that the
    source marked as headings (docx heading styles, html <h1>-<h6>), with the level (1..6).
    """

    source: SourceInfo
    text: str
    original: str
    offsets: tuple[int, ...]
    heading_hints: tuple[tuple[int, int], ...] = ()
    warnings: tuple[str, ...] = ()


# ---------------------------------------------------------------------------------------------
# Document
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class Sentence:
    """A sentence (or a heading line) with its place in the report."""

    start: int
    end: int
    text: str
    section_path: tuple[str, ...] = ()  # headings from the top part down, e.g. ("一、…", "(二)…")
    role: Role = Role.OTHER
    is_heading: bool = False


@dataclass(frozen=True, order=True)
class Paragraph:
    start: int
    end: int
    text: str
    sentences: tuple[Sentence, ...] = ()


@dataclass(frozen=True)
class Section:
    """A node of the section tree built from official heading conventions.

    depth 1 = 一、 ; 2 = (一) ; 3 = 1. / 1、 ; 4 = (1) ; deeper for 一是/①. ``marker`` is the
    numbering as written ("一、", "(一)", "1.", "" for an unnumbered heading).
    """

    id: str  # dotted index path: "2", "1.3", "1.3.2"
    depth: int
    marker: str
    title: str  # heading text without the marker
    start: int  # span of the whole section (heading + body + children) in Document.text
    end: int
    role: Role
    paragraphs: tuple[Paragraph, ...] = ()  # body paragraphs before the first child
    children: tuple["Section", ...] = ()

    @property
    def heading(self) -> str:
        return f"{self.marker}{self.title}"

    def walk(self) -> Iterator["Section"]:
        """This section and all descendants, in document order."""
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass(frozen=True)
class Metadata:
    """What the report says about itself."""

    title: str | None = None
    jurisdiction: str | None = None  # the reporting body's area or name, e.g. 融安县, 海原县三河镇
    level: Level | None = None
    year: int | None = None  # the year reported on
    year_source: str | None = None  # title | opening | body | date | None
    date: str | None = None  # date of writing (落款日期), ISO yyyy-mm-dd
    addressee: str | None = None  # 主送机关, e.g. 柳州市人民政府
    signer: str | None = None  # 落款单位


@dataclass(frozen=True)
class Residue:
    """A stretch of web-page residue kept out of the body (索引号, 发布机构, link lists...)."""

    start: int
    end: int
    kind: str  # e.g. "page_header", "link_list"


@dataclass(frozen=True)
class Document:
    source: SourceInfo
    text: str  # normalised text; every offset in this object indexes into it
    meta: Metadata
    preamble: tuple[Paragraph, ...] = ()
    sections: tuple[Section, ...] = ()  # top-level parts
    closing: tuple[Paragraph, ...] = ()  # signature, date, attachments
    residue: tuple[Residue, ...] = ()
    warnings: tuple[str, ...] = ()

    def walk_sections(self) -> Iterator[Section]:
        for section in self.sections:
            yield from section.walk()

    def sentences(self) -> tuple[Sentence, ...]:
        """Every body sentence (preamble, sections incl. headings, closing) in document order."""
        found: list[Sentence] = []
        for paragraph in self.preamble:
            found.extend(paragraph.sentences)
        for section in self.walk_sections():
            for paragraph in section.paragraphs:
                found.extend(paragraph.sentences)
        for paragraph in self.closing:
            found.extend(paragraph.sentences)
        return tuple(sorted(found))


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


@dataclass(frozen=True)
class SentenceFacts:
    """What the matcher sees in one sentence: the content items it bears on and its concrete markers."""

    items: frozenset[str] = frozenset()  # "pack:item"
    substance: tuple[str, ...] = ()  # figures with units, 《文件》, dates (as in Evidence.substance)
