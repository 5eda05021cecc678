"""What a format reader hands to the normaliser: the extracted text and what to keep of it."""

from __future__ import annotations

from dataclasses import dataclass

SUPPORTED_FORMATS = "支持的格式：.txt .md .docx .pdf .html"


@dataclass(frozen=True)
class HeadingSpan:
    """A stretch of the extracted original that the source marked as a heading."""

    start: int
    end: int
    level: int  # 1..6


@dataclass(frozen=True)
class Extraction:
    """Text extracted from one file, before normalisation.

    ``pieces`` lists the (character, index into ``original``) pairs that make up the text when
    the reader drops or replaces characters of the original (markdown markers, PDF page
    headers, soft line wraps); ``None`` means the whole original, as is.
    """

    original: str
    pieces: tuple[tuple[str, int], ...] | None = None
    headings: tuple[HeadingSpan, ...] = ()
    encoding: str | None = None
    warnings: tuple[str, ...] = ()


class BlockBuilder:
    """Collects lines (blocks) into one original text, remembering which ones are headings."""

    def __init__(self) -> None:
        self._parts: list[str] = []
        self._length = 0
        self._headings: list[HeadingSpan] = []

    def add(self, line: str, heading_level: int | None = None) -> None:
        """Append one block; blocks are separated by a newline."""
        if self._parts:
            self._parts.append("\n")
            self._length += 1
        start = self._length
        self._parts.append(line)
        self._length += len(line)
        if heading_level is not None and line.strip():
            self._headings.append(HeadingSpan(start, self._length, heading_level))

    def insert_first(self, line: str, heading_level: int | None = None) -> None:
        """Put a block before all others (e.g. a page title missing from an article body)."""
        shift = len(line) + (1 if self._parts else 0)
        self._parts[:0] = [line, "\n"] if self._parts else [line]
        self._length += shift
        self._headings = [HeadingSpan(h.start + shift, h.end + shift, h.level) for h in self._headings]
        if heading_level is not None and line.strip():
            self._headings.insert(0, HeadingSpan(0, len(line), heading_level))

    @property
    def text(self) -> str:
        return "".join(self._parts)

    @property
    def length(self) -> int:
        """Characters collected so far."""
        return self._length

    @property
    def headings(self) -> tuple[HeadingSpan, ...]:
        return tuple(self._headings)

    def has_text(self) -> bool:
        return any(part.strip() for part in self._parts)
