"""Plain text and Markdown: bytes -> str with encoding detection, markdown markers dropped."""

from __future__ import annotations

import codecs
import re
import unicodedata

from scorer.errors import InputError
from scorer.ingest.extraction import SUPPORTED_FORMATS, Extraction, HeadingSpan

# Checked in this order: the UTF-32 LE mark starts with the UTF-16 LE one.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Encodings charset-normalizer may choose from when the bytes are not UTF-8: the ones Chinese
# government drafts are actually saved in. Restricting the set keeps it from "finding" cp1252.
_DETECTION_CANDIDATES = ["gb18030", "gbk", "gb2312", "big5", "utf_16", "utf_16_le", "utf_16_be"]
_GB_FAMILY = frozenset({"gb2312", "gbk", "gb18030", "cp936", "euc_cn", "hz"})
# Labels found in <meta charset> / declared encodings, mapped to the codec that reads them
# faithfully (GB18030 is a superset of GBK and GB2312; browsers do the same).
_LABEL_ALIASES = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "cp936": "gb18030",
    "gb_2312-80": "gb18030",
    "chinese": "gb18030",
    "csgb2312": "gb18030",
    "iso-8859-1": "cp1252",
    "latin1": "cp1252",
    "us-ascii": "utf-8",
    "ascii": "utf-8",
    "unicode": "utf-16",
}
_WHITESPACE_CONTROLS = frozenset(b"\t\n\r\x0b\x0c\x1a")  # \x1a: DOS end-of-file mark
_TEXT_LIKE_RANGES = (
    (0x20, 0x7E),  # ASCII printable
    (0xA0, 0x24F),  # Latin-1, Latin Extended
    (0x2000, 0x206F),  # general punctuation
    (0x2100, 0x27BF),  # letterlike, numbers, arrows, math, enclosed alphanumerics, dingbats
    (0x3000, 0x303F),  # CJK punctuation
    (0x3200, 0x33FF),  # enclosed CJK, CJK compatibility
    (0x3400, 0x4DBF),  # CJK extension A
    (0x4E00, 0x9FFF),  # CJK unified ideographs
    (0xF900, 0xFAFF),  # CJK compatibility ideographs
    (0xFE30, 0xFE4F),  # CJK compatibility forms
    (0xFF00, 0xFFEF),  # full-width forms
)


def _is_text_like(char: str) -> bool:
    if char in "\t\n\r\x0c":
        return True
    code = ord(char)
    return any(low <= code <= high for low, high in _TEXT_LIKE_RANGES)


def text_like_share(text: str) -> float:
    """Share of characters that ordinary Chinese/Latin prose is made of (1.0 for real text)."""
    if not text:
        return 1.0
    return sum(1 for char in text if _is_text_like(char)) / len(text)


def _control_share(text: str) -> float:
    """Share of control, unassigned and replacement characters: high for binary data."""
    if not text:
        return 0.0
    bad = 0
    for char in text:
        if char in "\t\n\r\x0b\x0c":
            continue
        if char == "\ufffd" or unicodedata.category(char) in ("Cc", "Cs", "Cn"):
            bad += 1
    return bad / len(text)


def _binary_error(path: str) -> InputError:
    return InputError(f"文件 {path} 不是文本文件，也不是可识别的文档格式（看起来是二进制数据）；{SUPPORTED_FORMATS}")


def codec_for_label(label: str) -> str | None:
    """The Python codec for an encoding label such as 'GB2312' or 'utf-8', or None if unknown."""
    cleaned = label.strip().strip("\"'").lower()
    cleaned = _LABEL_ALIASES.get(cleaned, cleaned)
    try:
        return codecs.lookup(cleaned).name
    except LookupError:
        return None


def _guess_utf16_without_bom(data: bytes) -> tuple[str, str] | None:
    """UTF-16 text saved without a byte-order mark: ASCII characters leave NULs on one side."""
    if len(data) % 2:
        return None
    best: tuple[float, str, str] | None = None
    for codec in ("utf-16-le", "utf-16-be"):
        try:
            decoded = data.decode(codec)
        except UnicodeDecodeError:
            continue
        share = text_like_share(decoded)
        if share >= 0.95 and _control_share(decoded) < 0.01 and (best is None or share > best[0]):
            best = (share, decoded, codec)
    return (best[1], best[2]) if best else None


def decode_bytes(data: bytes, path: str, declared: str | None = None) -> tuple[str, str]:
    """Decode file bytes to text: BOM, then a declared charset, then strict UTF-8, then detection.

    Returns (text, codec name). Raises InputError for binary data or undecodable text.
    """
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(codec), codec
            except UnicodeDecodeError:
                raise InputError(f"文件 {path} 以 {codec.upper()} 字节序标记开头，但内容无法按该编码解码，文件可能已损坏") from None

    if declared:
        codec = codec_for_label(declared)
        if codec:
            try:
                text = data.decode(codec)
            except UnicodeDecodeError:
                pass  # a wrong declaration is common on old pages: fall back to detection
            else:
                if _control_share(text) < 0.01:
                    return text, codec

    if b"\x00" in data:
        guessed = _guess_utf16_without_bom(data)
        if guessed:
            return guessed
        raise _binary_error(path)

    control_bytes = sum(1 for byte in data if byte < 0x20 and byte not in _WHITESPACE_CONTROLS)
    if control_bytes > 0.02 * len(data):
        raise _binary_error(path)

    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass

    # Imported here: charset-normalizer is only needed for the minority of files not in UTF-8.
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=_DETECTION_CANDIDATES).best()
    if best is None:
        raise InputError(
            f"无法识别文件 {path} 的文字编码（支持 UTF-8、GB18030/GBK/GB2312、UTF-16、Big5），文件可能不是文本或已损坏"
        )
    codec = codecs.lookup(best.encoding).name
    if codec in _GB_FAMILY:
        codec = "gb18030"  # superset: reads GBK/GB2312 text identically, and its extensions too
    try:
        text = data.decode(codec)
    except UnicodeDecodeError:
        text = str(best)
    if text_like_share(text) < 0.9 or _control_share(text) > 0.01:
        raise _binary_error(path)
    return text, codec


def check_not_binary(text: str, path: str) -> None:
    """Reject decoded text that is mostly control characters (binary data that happened to decode)."""
    if _control_share(text) > 0.05:
        raise _binary_error(path)


def read_txt(data: bytes, path: str) -> Extraction:
    text, encoding = decode_bytes(data, path)
    check_not_binary(text, path)
    return Extraction(original=text, encoding=encoding)


# --- Markdown ------------------------------------------------------------------------------------

_FENCE = re.compile(r"^ {0,3}(```|~~~)")
_ATX_HEADING = re.compile(r"^ {0,3}(#{1,6})(?!#)[ \t]*(.*?)(?:[ \t]+#+)?[ \t]*$")
_SETEXT_UNDERLINE = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_THEMATIC_BREAK = re.compile(r"^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_BLOCKQUOTE = re.compile(r"^ {0,3}>[ \t]?")
_BULLET = re.compile(r"^[ \t]*[-*+][ \t]+")
_TABLE_SEPARATOR = re.compile(r"^[ \t]*\|?[ \t]*:?-+:?[ \t]*(\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$")
_LINK = re.compile(r"(!?)\[([^\]\n]*)\]\(([^)\n]*)\)")
_CODE_SPAN = re.compile(r"`+")
_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")


def _inline_pieces(line: str, line_start: int) -> list[tuple[str, int]]:
    """Characters of one markdown line with inline markup (emphasis, links, code ticks) dropped."""
    keep = [True] * len(line)
    replace: dict[int, str] = {}
    for match in _LINK.finditer(line):
        if match.group(1):  # image: nothing readable
            keep[match.start() : match.end()] = [False] * (match.end() - match.start())
        else:
            keep[match.start()] = False  # "["
            keep[match.end(2) : match.end()] = [False] * (match.end() - match.end(2))  # "](url)"
    for match in _CODE_SPAN.finditer(line):
        keep[match.start() : match.end()] = [False] * (match.end() - match.start())
    for match in _ESCAPE.finditer(line):
        keep[match.start()] = False
    escaped = {match.start(1) for match in _ESCAPE.finditer(line)}
    position = line.find("~~")
    while position >= 0:
        keep[position] = keep[position + 1] = False
        position = line.find("~~", position + 2)
    for index, char in enumerate(line):
        if index in escaped:
            continue
        if char == "*":  # emphasis markers (bullets were removed before)
            keep[index] = False
    if line.lstrip().startswith("|"):  # table row: cells separated by spaces
        for index, char in enumerate(line):
            if char == "|" and index not in escaped:
                replace[index] = " "
    return [(replace.get(index, char), line_start + index) for index, char in enumerate(line) if keep[index]]


def markdown_pieces(original: str) -> tuple[tuple[tuple[str, int], ...], tuple[HeadingSpan, ...]]:
    """Pieces of a markdown text with markers dropped, and the spans of its headings."""
    pieces: list[tuple[str, int]] = []
    headings: list[HeadingSpan] = []
    in_code = False
    previous_line: tuple[int, int] | None = None  # span of the previous non-blank plain line
    line_start = 0
    for raw_line in original.splitlines(keepends=True):
        line = raw_line.rstrip("\r\n")
        line_end = line_start + len(line)
        newline = [(char, line_end + i) for i, char in enumerate(raw_line[len(line) :])]
        plain_line: tuple[int, int] | None = None
        if _FENCE.match(line):
            in_code = not in_code
        elif in_code:
            pieces.extend((char, line_start + i) for i, char in enumerate(line))
        elif previous_line and _SETEXT_UNDERLINE.match(line):
            level = 1 if line.strip().startswith("=") else 2
            headings.append(HeadingSpan(previous_line[0], previous_line[1], level))
        elif _THEMATIC_BREAK.match(line) or _TABLE_SEPARATOR.match(line) and "-" in line and "|" in line:
            pass
        elif heading := _ATX_HEADING.match(line):
            content_start, content_end = heading.start(2), heading.end(2)
            if content_end > content_start:
                headings.append(HeadingSpan(line_start + content_start, line_start + content_end, len(heading.group(1))))
                pieces.extend(_inline_pieces(line[content_start:content_end], line_start + content_start))
        else:
            offset = 0
            while quote := _BLOCKQUOTE.match(line[offset:]):
                offset += quote.end()
            if bullet := _BULLET.match(line[offset:]):
                offset += bullet.end()
            pieces.extend(_inline_pieces(line[offset:], line_start + offset))
            if line.strip():
                plain_line = (line_start + offset, line_end)
        pieces.extend(newline)
        previous_line = plain_line
        line_start += len(raw_line)
    return tuple(pieces), tuple(headings)


def read_md(data: bytes, path: str) -> Extraction:
    text, encoding = decode_bytes(data, path)
    check_not_binary(text, path)
    pieces, headings = markdown_pieces(text)
    return Extraction(original=text, pieces=pieces, headings=headings, encoding=encoding)
