"""Text normalisation with a character offset map back to the extracted original.

The normalised text is what every later stage works on: NFKC per character (全角 digits, letters
and punctuation become 半角, e.g. （一） -> (一), ，-> ,), one paragraph per line, no empty lines,
no zero-width or control characters, single spaces. Chinese punctuation that NFKC leaves alone
(。、“”《》) stays as it is.

``offsets[i]`` is the index in the original of the character that produced ``text[i]``; when NFKC
expands one character into several (㈠ -> (一)), all of them point at that one character.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from typing import Iterable, Protocol, Sequence

# Characters NFKC would rewrite but that carry meaning in a report as they are:
# circled numbers are list markers (①加强… must not become 1加强…, which would read as a figure),
# and the ellipsis would turn into three full stops.
# Parenthesised and full-stop forms (⑴ ⒈ ⒜ ㈠) are left to NFKC, which writes them the way
# drafts do: (1) 1. (a) (一).
_KEEP_AS_IS = frozenset(
    [chr(c) for c in range(0x2460, 0x2473 + 1)]  # ①..⑳
    + [chr(c) for c in range(0x24B6, 0x24FF + 1)]  # Ⓐ..ⓩ, ⓪, ⓫.., ⓵..
    + [chr(c) for c in range(0x3251, 0x325F + 1)]  # ㉑..㉟
    + [chr(c) for c in range(0x3280, 0x32BF + 1)]  # ㊀..㊉ and other circled ideographs, ㊱..㊿
    + ["…", "⋯"]
)


class HasOffsets(Protocol):
    """Anything with ``original`` and ``offsets``, such as ``scorer.model.RawText``."""

    @property
    def original(self) -> str: ...

    @property
    def offsets(self) -> Sequence[int]: ...


_LINE_BREAKS = frozenset("\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")


def _map_cluster(cluster: str) -> str:
    """Normalise one character (with any combining marks that follow it) to its output form."""
    first = cluster[0]
    if first in _LINE_BREAKS:
        return "\n"
    if first == "\t":
        return " "
    category = unicodedata.category(first)
    if category in ("Cf", "Cc", "Cs"):
        # zero-width spaces/joiners, BOM, soft hyphen, bidi marks, other control characters
        return ""
    if category == "Zs":  # no-break space, ideographic space, en space, ...
        return " "
    if first in _KEEP_AS_IS and len(cluster) == 1:
        return first
    mapped = unicodedata.normalize("NFKC", cluster)
    # NFKC can produce characters that are themselves spaces or controls (rare compatibility forms)
    return "".join(" " if unicodedata.category(c) == "Zs" else c for c in mapped if unicodedata.category(c) != "Cc")


def _clusters(pieces: Iterable[tuple[str, int]]) -> Iterable[tuple[str, int]]:
    """Group each base character with the combining marks that follow it; CRLF counts as one break."""
    current: list[str] = []
    current_index = -1
    previous_was_cr = False
    for char, index in pieces:
        if char == "\n" and previous_was_cr:
            previous_was_cr = False
            continue  # the "\r" before it already produced the line break
        previous_was_cr = char == "\r"
        if current and unicodedata.combining(char) and current[0] not in _LINE_BREAKS:
            current.append(char)
            continue
        if current:
            yield "".join(current), current_index
        current = [char]
        current_index = index
    if current:
        yield "".join(current), current_index


_COMBINING_MARK = object()  # cache entry: the character combines with the one before it
_CHAR_CACHE: dict[str, object] = {}
_CHAR_CACHE_LIMIT = 1 << 16


def _cached_map(char: str) -> object:
    entry = _CHAR_CACHE.get(char)
    if entry is None:
        entry = _COMBINING_MARK if unicodedata.combining(char) else _map_cluster(char)
        if len(_CHAR_CACHE) < _CHAR_CACHE_LIMIT:
            _CHAR_CACHE[char] = entry
    return entry


def _map_characters(pieces: Sequence[tuple[str, int]]) -> tuple[list[str], list[int]] | None:
    """Per-character mapping (fast path); None when the text has combining marks to group first."""
    chars: list[str] = []
    offsets: list[int] = []
    add_char, add_offset = chars.append, offsets.append
    cache_get = _CHAR_CACHE.get
    for char, index in pieces:
        mapped = cache_get(char) or _cached_map(char)
        if mapped is _COMBINING_MARK:
            return None
        if len(mapped) == 1:  # type: ignore[arg-type]
            add_char(mapped)  # type: ignore[arg-type]
            add_offset(index)
        else:
            for out in mapped:  # type: ignore[union-attr]  # "" (dropped) or an NFKC expansion
                add_char(out)
                add_offset(index)
    return chars, offsets


def _map_clusters(pieces: Sequence[tuple[str, int]]) -> tuple[list[str], list[int]]:
    """Per-cluster mapping (base character + combining marks normalised together)."""
    chars: list[str] = []
    offsets: list[int] = []
    for cluster, index in _clusters(pieces):
        for out in _map_cluster(cluster):
            chars.append(out)
            offsets.append(index)
    return chars, offsets


_TEXT_RUN = re.compile(r"[^ \n]+")


def normalize_pieces(pieces: Iterable[tuple[str, int]]) -> tuple[str, tuple[int, ...]]:
    """Normalise a sequence of (character, original index) pairs; see ``normalize``.

    Extractors that drop or replace characters of the original (markdown markers, PDF page
    headers, soft line wraps) pass the surviving characters here so the map still points into
    the untouched original. Indexes must be non-decreasing.
    """
    pieces = pieces if isinstance(pieces, (list, tuple)) else list(pieces)
    mapped = _map_characters(pieces) or _map_clusters(pieces)
    # After mapping, whitespace is only " " and "\n"; lay out the runs of text between them:
    # runs on one line are joined by one space, runs on different lines by one line break
    # (placed at the first break of the gap), so blank lines and edge spaces vanish.
    chars, offsets = mapped
    flat = "".join(chars)
    out_parts: list[str] = []
    out_offsets: list[int] = []
    previous_end = -1
    for run in _TEXT_RUN.finditer(flat):
        start, end = run.span()
        if previous_end >= 0:
            gap = flat.find("\n", previous_end, start)
            if gap >= 0:
                out_parts.append("\n")
                out_offsets.append(offsets[gap])
            else:
                out_parts.append(" ")
                out_offsets.append(offsets[previous_end])
        out_parts.append(run.group())
        out_offsets.extend(offsets[start:end])
        previous_end = end
    return "".join(out_parts), tuple(out_offsets)


def normalize(original: str) -> tuple[str, tuple[int, ...]]:
    """Return (text, offsets): the normalised text and, per character, its index in ``original``."""
    return normalize_pieces((char, index) for index, char in enumerate(original))


def to_original_span(raw: HasOffsets, start: int, end: int) -> tuple[int, int]:
    """Map a [start, end) span of ``raw.text`` to the span of ``raw.original`` it came from."""
    text_length = len(raw.offsets)
    if not (0 <= start <= end <= text_length):
        raise ValueError(f"span [{start}, {end}) outside text of length {text_length}")
    original = raw.original
    if start == end:
        position = raw.offsets[start] if start < text_length else len(original)
        return position, position
    original_start = raw.offsets[start]
    original_end = raw.offsets[end - 1] + 1
    # The last character may have come from a cluster: CRLF or a base character plus combining marks.
    if original_end < len(original) and original[original_end - 1] == "\r" and original[original_end] == "\n":
        original_end += 1
    while original_end < len(original) and unicodedata.combining(original[original_end]):
        original_end += 1
    return original_start, original_end


def line_of_span(text: str, offsets: Sequence[int], start: int, end: int) -> int | None:
    """Index of the normalised line holding the first character that came from original[start:end]."""
    position = bisect.bisect_left(offsets, start)
    if position >= len(offsets) or offsets[position] >= end:
        return None  # the span vanished in normalisation (only whitespace)
    return text.count("\n", 0, position)
