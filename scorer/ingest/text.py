"""Plain text and Markdown: bytes -> str with encoding detection, markdown markers dropped.

Decoding forgives a little damage. A file that is overwhelmingly valid UTF-8, GB18030 or UTF-16
(files copied out of web pages and WPS carry stray bytes) is read with its few undecodable bytes
replaced by U+FFFD; stray NUL and control characters stay in ``original`` for the normaliser to
drop. A warning says how many and where. Only files that are mostly undecodable, or binary, are
refused. Either way every character of the text is a character of ``original``, so offsets hold.
"""

from __future__ import annotations

import codecs
import re
import threading
import unicodedata
from dataclasses import dataclass

from scorer.errors import InputError
from scorer.ingest.extraction import SUPPORTED_FORMATS, Extraction, HeadingSpan
from scorer.ingest.limits import DEFAULT_LIMITS, InputLimits

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
# Ordinary Chinese/Latin prose: ASCII printable, Latin-1 and Latin Extended, general punctuation,
# letterlike/numbers/arrows/math/enclosed alphanumerics/dingbats, CJK punctuation, enclosed CJK and
# CJK compatibility, CJK extension A, CJK unified ideographs, CJK compatibility ideographs and
# forms, full-width forms.
_NOT_TEXT_LIKE = re.compile(
    "[^\t\n\r\x0c\x20-\x7e\xa0-\u024f\u2000-\u206f\u2100-\u27bf\u3000-\u303f\u3200-\u33ff"
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef]"
)
# Control characters that have no place in a text file: damage (NUL from a broken copy, stray
# escape codes). Line breaks, tabs, form feeds and the DOS end-of-file mark are not.
_STRAY_CONTROL = re.compile("[\x00-\x08\x0e-\x19\x1b-\x1f\x7f]")
_STRAY_CONTROLS = re.compile("[\x00-\x08\x0e-\x19\x1b-\x1f\x7f]+")
_STRAY_CONTROL_BYTES = re.compile(b"[\x00-\x08\x0e-\x19\x1b-\x1f\x7f]+")
_MAX_CHAR_BYTES = 4
_CHINESE_PUNCTUATION = re.compile("[，。、；：]")
_CJK_CHAR = re.compile("[\u3400-\u4dbf\u4e00-\u9fff]")
_VALID_NON_ASCII = re.compile("[^\x00-\x7f\ufffd]")
_CONTROL_BYTES = bytes(byte for byte in range(0x20) if byte not in _WHITESPACE_CONTROLS)

MAX_DAMAGE_SHARE = 0.02  # a file with more damaged characters than this is not read...
_FEW_DAMAGED = 8  # ...unless it is short and they are few (at most 10 % of it)
# UTF-8 with errors is taken for damaged UTF-8 only when valid multi-byte characters outnumber the
# errors by this much: GBK text misread as UTF-8 has about 0.2 valid characters per error.
_VALID_PER_ERROR = 10
_SHOWN_POSITIONS = 3  # positions named in a damage warning
_ERROR_HANDLER = "fzscore-record"


def damage_allowed(total: int) -> int:
    """How many damaged bytes/characters a file of ``total`` may have and still be read."""
    return int(max(MAX_DAMAGE_SHARE * total, min(_FEW_DAMAGED, 0.1 * total)))


def text_like_share(text: str) -> float:
    """Share of characters that ordinary Chinese/Latin prose is made of (1.0 for real text)."""
    if not text:
        return 1.0
    return 1 - len(_NOT_TEXT_LIKE.findall(text)) / len(text)


def _control_share(text: str) -> float:
    """Share of control, unassigned and replacement characters: high for binary data."""
    if not text:
        return 0.0
    bad = sum(
        1
        for char in _NOT_TEXT_LIKE.findall(text)  # every such character lies outside the text-like set
        if char != "\x0b" and (char == "\ufffd" or unicodedata.category(char) in ("Cc", "Cs", "Cn"))
    )
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


# --- decoding with a record of the damage ---------------------------------------------------------


class _TooDamaged(Exception):
    """Raised from the error handler once a decode has more errors than a file may have."""


_RECORDING = threading.local()


def _record_error(error: UnicodeError) -> tuple[str, int]:
    """Codec error handler: note where the undecodable bytes are and put U+FFFD in their place."""
    if not isinstance(error, UnicodeDecodeError):
        raise error
    positions: list[int] = _RECORDING.positions
    positions.append(error.start)
    if len(positions) > _RECORDING.cap:
        raise _TooDamaged
    return "\ufffd", error.end


codecs.register_error(_ERROR_HANDLER, _record_error)


def _is_wide(codec: str) -> bool:
    """UTF-16/UTF-32: ASCII bytes (line breaks, NUL) occur inside characters."""
    return codec.startswith(("utf-16", "utf-32", "utf_16", "utf_32"))


@dataclass(frozen=True)
class _Attempt:
    """``data[start:]`` decoded with ``codec``, undecodable bytes replaced and their offsets kept."""

    data: bytes
    codec: str
    start: int
    text: str
    errors: tuple[int, ...]  # byte offsets (into ``data``) of undecodable sequences
    stray: int  # stray control characters (NUL...) in ``text``

    @property
    def damage(self) -> int:
        return len(self.errors) + self.stray

    @property
    def acceptable(self) -> bool:
        return self.damage <= damage_allowed(len(self.text))

    def _line(self, offset: int) -> int:
        if _is_wide(self.codec):
            return self.data[self.start : offset].decode(self.codec, "replace").count("\n") + 1
        return self.data.count(b"\n", 0, offset) + 1

    def _where(self, runs: list[tuple[int, int]], more: bool) -> str:
        """'位置：第 17 行（字节偏移 5696–5698）、…等' for the first runs of damaged bytes."""
        shown = []
        for first, last in runs[:_SHOWN_POSITIONS]:
            span = f"{first}" if first == last else f"{first}–{last}"
            shown.append(f"第 {self._line(first)} 行（字节偏移 {span}）")
        return f"位置：{'、'.join(shown)}{'等' if more or len(runs) > _SHOWN_POSITIONS else ''}"

    def _error_where(self) -> str:
        runs: list[tuple[int, int]] = []
        for offset in self.errors:
            if runs and offset - runs[-1][1] <= _MAX_CHAR_BYTES:  # the next character: one run
                runs[-1] = (runs[-1][0], offset)
            else:
                runs.append((offset, offset))
        return self._where(runs, False)

    def _stray_where(self) -> str:
        if _is_wide(self.codec):
            # Byte offsets of characters are not simple in UTF-16/32: name the lines only.
            lines: list[int] = []
            for match in _STRAY_CONTROLS.finditer(self.text):
                lines.append(self.text.count("\n", 0, match.start()) + 1)
                if len(lines) > _SHOWN_POSITIONS:
                    break
            shown = "、".join(f"第 {line} 行" for line in lines[:_SHOWN_POSITIONS])
            return f"位置：{shown}{'等' if len(lines) > _SHOWN_POSITIONS else ''}"
        runs: list[tuple[int, int]] = []
        for match in _STRAY_CONTROL_BYTES.finditer(self.data, self.start):
            runs.append((match.start(), match.end() - 1))
            if len(runs) > _SHOWN_POSITIONS:
                break
        return self._where(runs, False)

    def warnings(self) -> tuple[str, ...]:
        """Chinese warnings on the damage found: count and first positions of each kind."""
        found: list[str] = []
        label = codec_label(self.codec)
        if self.errors:
            found.append(
                f"文件有 {len(self.errors)} 处字节无法按 {label} 编码读取，已替换为“\ufffd”，这些地方的文字可能缺失"
                f"（{self._error_where()}）"
            )
        if self.stray:
            nul_only = self.text.count("\x00") == self.stray
            what = "空字符（NUL）" if nul_only else "空字符或控制字符"
            found.append(f"文件中有 {self.stray} 个{what}，多为文件损坏所致，已忽略（{self._stray_where()}）")
        return tuple(found)


def codec_label(codec: str) -> str:
    """How an encoding is named to users: 'UTF-8', 'GB18030', 'UTF-16-LE'."""
    return codec.upper().replace("_", "-")


def _attempt(data: bytes, codec: str, start: int = 0) -> _Attempt | None:
    """Decode ``data[start:]`` forgivingly; None when the damage is beyond what a file may have."""
    _RECORDING.positions = []
    _RECORDING.cap = damage_allowed(len(data) - start)  # characters are never more than bytes
    try:
        text = (data[start:] if start else data).decode(codec, _ERROR_HANDLER)
    except _TooDamaged:
        return None
    errors = tuple(position + start for position in _RECORDING.positions)
    return _Attempt(data, codec, start, text, errors, len(_STRAY_CONTROL.findall(text)))


@dataclass(frozen=True)
class Decoded:
    """Text decoded from file bytes, the codec used and warnings on any damage."""

    text: str
    encoding: str
    warnings: tuple[str, ...] = ()


def _decoded(attempt: _Attempt) -> Decoded:
    return Decoded(attempt.text, attempt.codec, attempt.warnings())


def _reads_as_chinese(attempt: _Attempt) -> bool:
    """A forgiving decode in a legacy codec that gives Chinese prose, not mojibake of random bytes.

    Any byte pair is a character in GB18030, so decoding binary data gives text; it is not prose:
    prose is nearly all ordinary characters and has Chinese punctuation between its characters.
    """
    text = attempt.text
    cjk = len(_CJK_CHAR.findall(text))
    return text_like_share(text) >= 0.95 and (cjk < 50 or len(_CHINESE_PUNCTUATION.findall(text)) >= 0.01 * cjk)


def _guess_utf16_without_bom(data: bytes) -> _Attempt | None:
    """UTF-16 text saved without a byte-order mark: ASCII characters leave NULs on one side."""
    best: tuple[float, _Attempt] | None = None
    for codec in ("utf-16-le", "utf-16-be"):
        attempt = _attempt(data, codec)
        if attempt is None or not attempt.acceptable:
            continue
        share = text_like_share(attempt.text)
        damage_share = attempt.damage / max(len(attempt.text), 1)
        if share >= 0.95 and _control_share(attempt.text) < 0.01 + damage_share and (best is None or share > best[0]):
            best = (share, attempt)
    return best[1] if best else None


def _utf8_with_damage(data: bytes) -> _Attempt | None:
    """UTF-8 with a few broken bytes: valid multi-byte characters far outnumber the errors."""
    attempt = _attempt(data, "utf-8")
    if attempt is None or not attempt.acceptable:
        return None
    valid = len(_VALID_NON_ASCII.findall(attempt.text))
    return attempt if valid >= _VALID_PER_ERROR * len(attempt.errors) else None


def decode_bytes(data: bytes, path: str, declared: str | None = None) -> Decoded:
    """Decode file bytes to text: BOM, then a declared charset, then UTF-8, then detection.

    A few undecodable bytes are replaced and reported in ``Decoded.warnings``. Raises InputError
    for binary data and for text that is mostly undecodable.
    """
    for bom, codec in _BOMS:
        if data.startswith(bom):
            attempt = _attempt(data, codec, len(bom))
            if attempt is None or not attempt.acceptable:
                raise InputError(f"文件 {path} 以 {codec_label(codec)} 字节序标记开头，但内容大多无法按该编码解码，文件可能已损坏")
            return _decoded(attempt)

    declared_codec = codec_for_label(declared) if declared else None
    if declared_codec:
        try:
            text = data.decode(declared_codec)
        except UnicodeDecodeError:
            pass  # a wrong declaration is common on old pages: fall back to detection
        else:
            if _control_share(text) < 0.01:
                return _decoded(_Attempt(data, declared_codec, 0, text, (), len(_STRAY_CONTROL.findall(text))))

    if b"\x00" in data:
        guessed = _guess_utf16_without_bom(data)
        if guessed:
            return _decoded(guessed)

    # A few NULs are damage; text has almost no control bytes, binary data has many.
    control_bytes = len(data) - len(data.translate(None, _CONTROL_BYTES))
    if control_bytes > damage_allowed(len(data)):
        raise _binary_error(path)

    utf8 = _utf8_with_damage(data)
    if utf8 is not None:
        return _decoded(utf8)

    # Imported here: charset-normalizer is only needed for the minority of files not in UTF-8.
    from charset_normalizer import from_bytes

    candidates: list[str] = []
    best = from_bytes(data, cp_isolation=_DETECTION_CANDIDATES).best()
    if best is not None:
        codec = codecs.lookup(best.encoding).name
        # GB18030 is a superset: it reads GBK/GB2312 text identically, and its extensions too.
        candidates.append("gb18030" if codec in _GB_FAMILY else codec)
    if declared_codec:
        candidates.append(declared_codec)
    candidates.append("gb18030")  # damaged GBK text that detection gave up on
    for codec in dict.fromkeys(candidates):
        attempt = _attempt(data, codec)
        if attempt is None or not attempt.acceptable:
            continue
        if attempt.errors or attempt.stray:
            if _reads_as_chinese(attempt):
                return _decoded(attempt)
        elif text_like_share(attempt.text) >= 0.9 and _control_share(attempt.text) <= 0.01:
            return _decoded(attempt)
    if best is not None:
        raise _binary_error(path)
    raise InputError(
        f"无法识别文件 {path} 的文字编码（支持 UTF-8、GB18030/GBK/GB2312、UTF-16、Big5），文件可能不是文本或已损坏"
    )


def check_not_binary(text: str, path: str) -> None:
    """Reject decoded text that is mostly control characters (binary data that happened to decode)."""
    if _control_share(text) > 0.05:
        raise _binary_error(path)


def read_txt(data: bytes, path: str, limits: InputLimits = DEFAULT_LIMITS) -> Extraction:
    decoded = decode_bytes(data, path)
    check_not_binary(decoded.text, path)
    return Extraction(original=decoded.text, encoding=decoded.encoding, warnings=decoded.warnings)


# --- Markdown ------------------------------------------------------------------------------------

_FENCE = re.compile(r"^ {0,3}(```|~~~)")
_ATX_OPENING = re.compile(r" {0,3}(#{1,6})(?!#)[ \t]*")
_SETEXT_UNDERLINE = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_THEMATIC_BREAK = re.compile(r"^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_BLOCKQUOTE = re.compile(r"^ {0,3}>[ \t]?")
_BULLET = re.compile(r"^[ \t]*[-*+][ \t]+")
# Written so that no two runs of spaces can trade characters: an ambiguous pattern backtracks
# quadratically on a long line of spaces (as the link pattern did on a line of "[").
_TABLE_SEPARATOR = re.compile(r"[ \t]*(?:\|[ \t]*)?:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*(?:\|[ \t]*)?$")
_LINK = re.compile(r"(!?)\[([^\[\]\n]*)\]\(([^()\n]*)\)")  # no nested brackets: linear on "[[[["
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


def _atx_heading(line: str) -> tuple[int, int, int] | None:
    """(level, content start, content end) of an ATX heading line ("## 标题 ##"), else None.

    The content is what lies between the opening #s and an optional closing run of #s (after a
    space), without surrounding spaces. Worked out by hand: a regex with a lazy content group
    backtracks quadratically on a long line of spaces.
    """
    opening = _ATX_OPENING.match(line)
    if opening is None:
        return None
    start = opening.end()
    end = len(line.rstrip(" \t"))
    if end <= start:
        return len(opening.group(1)), start, start
    closing = end
    while closing > start and line[closing - 1] == "#":
        closing -= 1
    if closing < end and closing > start and line[closing - 1] in " \t":
        end = len(line[:closing].rstrip(" \t"))
    return len(opening.group(1)), start, end


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
        elif heading := _atx_heading(line):
            level, content_start, content_end = heading
            if content_end > content_start:
                headings.append(HeadingSpan(line_start + content_start, line_start + content_end, level))
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


def read_md(data: bytes, path: str, limits: InputLimits = DEFAULT_LIMITS) -> Extraction:
    decoded = decode_bytes(data, path)
    check_not_binary(decoded.text, path)
    pieces, headings = markdown_pieces(decoded.text)
    return Extraction(
        original=decoded.text, pieces=pieces, headings=headings, encoding=decoded.encoding, warnings=decoded.warnings
    )
