"""What a report is once read: the raw text with its offset map, and the Document (metadata, sections, sentences).

All character offsets (``start``/``end``) index into ``Document.text``, the normalised text,
so ``document.text[e.start:e.end] == e.text`` holds for every sentence and piece of evidence.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

from scorer.model.vocab import Level, Role

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
    truncated: bool = False  # the text stops mid-way (no final punctuation, signature or date): a cut-off copy


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
