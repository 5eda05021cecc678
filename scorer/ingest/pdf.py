"""PDF: the text layer of every page, without running headers/footers, soft wraps joined.

``original`` is the page text as laid out (lines of every page, in order); dropped header and
footer lines and the line breaks of soft-wrapped paragraphs are left out of the pieces handed to
the normaliser, so offsets still point into the page text.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field

from scorer.errors import InputError
from scorer.ingest.extraction import Extraction
from scorer.ingest.limits import DEFAULT_LIMITS, InputLimits, InputTooLarge

# A line that is only a page number: "3", "- 3 -", "— 3 —", "第 3 页", "第3页 共12页", "3/12", "Page 3".
_PAGE_NUMBER = re.compile(
    r"^\s*(?:[-—–_·\s]*\d{1,4}[-—–_·\s]*"
    r"|第\s*\d{1,4}\s*页\s*(?:[,，/]?\s*共\s*\d{1,4}\s*页)?"
    r"|共\s*\d{1,4}\s*页\s*[,，]?\s*第\s*\d{1,4}\s*页"
    r"|\d{1,4}\s*/\s*\d{1,4}"
    r"|(?:page|Page|PAGE)\s*\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?)\s*$"
)
# Ends of a paragraph: sentence-final and clause-final punctuation (full and half width).
_PARAGRAPH_END = tuple("。！？：；!?:;")
# Starts of a new paragraph: the numbering conventions of official documents.
_NUMBERED_START = re.compile(
    r"^\s*(?:[一二三四五六七八九十百]+[、.．]"
    r"|[(（][一二三四五六七八九十百]+[)）]"
    r"|\d{1,3}[、.．](?!\d)"
    r"|[(（]\d{1,3}[)）]"
    r"|[①-⑳]"
    r"|[一二三四五六七八九十]+是"
    r"|第[一二三四五六七八九十百\d]+[章节部分条]"
    r"|附件|附[:：]|专此报告|特此报告)"
)
_EDGE_LINES = 2  # lines at the top and bottom of a page that may be a running header/footer


@dataclass
class _Line:
    text: str
    x0: float
    x1: float
    start: int = 0  # index of the line in the original
    dropped: bool = False


@dataclass
class _Page:
    lines: list[_Line]
    image_only: bool = False  # no text, only pictures (a scanned page)
    right_edge: float = 0.0
    left_edge: float = 0.0
    char_width: float = 10.0

    def is_indented(self, line: _Line) -> bool:
        return line.x0 > self.left_edge + 1.5 * self.char_width

    def reaches_margin(self, line: _Line) -> bool:
        return line.x1 >= self.right_edge - 2 * self.char_width


def _text_start(line: dict) -> float:
    """Left end of a line's first visible character (indents drawn as spaces count as indents)."""
    for char in line.get("chars", ()):
        if char["text"].strip():
            return float(char["x0"])
    return float(line["x0"])


def _open_error(path: str, exc: Exception) -> InputError:
    # pdfplumber wraps pdfminer's errors (PdfminerException(PDFPasswordIncorrect())): look inside.
    inner = [arg for arg in exc.args if isinstance(arg, Exception)]
    name = type(inner[0] if inner else exc).__name__
    names = " ".join([type(exc).__name__] + [type(arg).__name__ for arg in inner])
    if "Password" in names or "Encrypt" in names or "password" in str(exc).lower():
        return InputError(f"PDF 文件 {path} 已加密（需要密码），无法读取文字；请先解除密码保护后再试")
    return InputError(f"文件 {path} 不是有效的 PDF 或已损坏，无法读取（{name}）")


_PS_WHITESPACE = b" \t\n\r\x0b\x0c"  # what \s matches in a bytes pattern


def _ascii85decode(data: bytes) -> bytes:
    """pdfminer's ``ascii85decode``, with its trim patterns done by hand.

    pdfminer strips ``<~ … ~>`` with ``re.sub(rb"\\s*~\\s*>?\\s*$")`` (and a similar leading
    pattern), which backtracks quadratically on a long run of whitespace: a damaged stream with
    100,000 spaces took 35 s, a megabyte would take an hour. Same result, linear time.
    """
    from base64 import a85decode

    head = data.lstrip(_PS_WHITESPACE)
    if head.startswith(b"<"):
        head = head[1:].lstrip(_PS_WHITESPACE)
    if head.startswith(b"~"):
        data = head[1:].lstrip(_PS_WHITESPACE)
    tail = data.rstrip(_PS_WHITESPACE)
    if tail.endswith(b">"):
        tail = tail[:-1].rstrip(_PS_WHITESPACE)
    if tail.endswith(b"~"):
        data = tail[:-1].rstrip(_PS_WHITESPACE)
    return a85decode(data)


def _patch_pdfminer() -> None:
    """Swap in the linear ASCII85 decoder where pdfminer's stream decoding looks it up."""
    import pdfminer.pdftypes

    if getattr(pdfminer.pdftypes, "ascii85decode", None) is not _ascii85decode:
        pdfminer.pdftypes.ascii85decode = _ascii85decode


def _valid_box(value: object) -> bool:
    return isinstance(value, (list, tuple)) and len(value) == 4 and all(isinstance(x, (int, float)) for x in value)


def _plumber_pages(pdf):
    """pdfplumber pages, one at a time, with damaged page boxes repaired.

    ``pdf.pages`` builds every page before the first is read (a PDF may claim a million) and
    fails on a page whose MediaBox is missing or broken, where pdfminer has already fallen back to
    A4/US Letter: give pdfplumber pdfminer's box and drop broken optional boxes.
    """
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdftypes import resolve_all
    from pdfplumber.page import Page

    for number, page_obj in enumerate(PDFPage.create_pages(pdf.doc), start=1):
        attrs = page_obj.attrs
        if not _valid_box(resolve_all(attrs.get("MediaBox"))):
            attrs["MediaBox"] = list(page_obj.mediabox)
        for name in ("CropBox", "TrimBox", "BleedBox", "ArtBox"):
            if name in attrs and not _valid_box(resolve_all(attrs[name])):
                del attrs[name]
        yield Page(pdf, page_obj, page_number=number)


def _page_lines(page) -> _Page:
    """The text lines of one pdfplumber page, with the page's typical CJK character width."""
    page = page.dedupe_chars()  # text overprinted to look bold would read twice
    raw_lines = page.extract_text_lines(strip=True, return_chars=True)
    lines = [
        _Line(text=line["text"].strip(), x0=_text_start(line), x1=float(line["x1"]))
        for line in raw_lines
        if line["text"].strip()
    ]
    widths = sorted(
        float(char["x1"]) - float(char["x0"])
        for line in raw_lines
        for char in line.get("chars", ())
        if not char["text"].isascii()
    )
    current = _Page(lines=lines)
    if widths:
        current.char_width = widths[len(widths) // 2]
    current.image_only = not lines and bool(page.images)
    return current


@dataclass
class _Reading:
    pages: list[_Page] = field(default_factory=list)
    image_only: list[int] = field(default_factory=list)  # page numbers
    broken: list[int] = field(default_factory=list)  # pages that could not be read
    rest_broken_after: int | None = None  # the page tree broke after this many pages


def _too_many_pages(path: str, count: int | None, limits: InputLimits) -> InputTooLarge:
    counted = f"有 {count:,} 页，" if count is not None else ""
    return InputTooLarge(
        f"PDF 文件 {path} {counted}超过 {limits.max_pdf_pages:,} 页的上限；一份年度报告通常只有几十页，请确认文件内容是否正确"
    )


def _check_page_count(pdf, path: str, limits: InputLimits) -> None:
    """Refuse before reading any page when the page tree's /Count is over the limit."""
    from pdfminer.pdftypes import resolve1

    try:
        count = resolve1(resolve1(pdf.doc.catalog.get("Pages")).get("Count"))
    except Exception:  # noqa: BLE001 - a damaged tree: the pages are counted as they are read
        return
    if isinstance(count, int) and InputLimits.exceeded(count, limits.max_pdf_pages):
        raise _too_many_pages(path, count, limits)


def _read_pages(data: bytes, path: str, limits: InputLimits) -> _Reading:
    """Lines with their horizontal extent, per page; pages holding only images or unreadable.

    A damaged page is skipped (and named in a warning) rather than losing the whole report.
    """
    import pdfplumber  # imported here: pdfminer is slow to import and only PDFs need it

    _patch_pdfminer()
    reading = _Reading()
    characters = 0
    try:
        # Not `with`: PDF.close() builds every page object to close it. The stream is our BytesIO,
        # so there is nothing else to release.
        pdf = pdfplumber.open(io.BytesIO(data))
        _check_page_count(pdf, path, limits)
        pages = enumerate(_plumber_pages(pdf), start=1)
        while True:
            try:
                number, plumber_page = next(pages)
            except StopIteration:
                break
            except Exception:  # noqa: BLE001 - the page tree itself is damaged past this point
                if not reading.pages:
                    raise
                reading.rest_broken_after = len(reading.pages) + len(reading.broken)
                break
            if InputLimits.exceeded(number, limits.max_pdf_pages):
                raise _too_many_pages(path, None, limits)  # more pages than the page tree said
            try:
                page = _page_lines(plumber_page)
            except Exception:  # noqa: BLE001 - pdfminer raises many kinds on a damaged content stream
                reading.broken.append(number)
                continue
            finally:
                plumber_page.close()  # drop the page's parsed objects: memory stays flat over pages
            if page.image_only:
                reading.image_only.append(number)
            reading.pages.append(page)
            characters += sum(len(line.text) + 1 for line in page.lines)
            if InputLimits.exceeded(characters, limits.max_text_chars):
                break  # the reader refuses it as too long; no need to parse the other pages
    except InputError:
        raise
    except Exception as exc:  # noqa: BLE001 - pdfminer raises many kinds (syntax, encryption, stream errors)
        raise _open_error(path, exc) from None
    if reading.broken and not reading.pages:
        raise InputError(f"文件 {path} 不是有效的 PDF 或已损坏，任何一页都无法读取")
    return reading


def _edge_key(text: str) -> str:
    """Running headers differ only in the page number: compare them with digits blanked."""
    return re.sub(r"\d+", "#", re.sub(r"\s+", "", text))


def _drop_headers_and_footers(pages: list[_Page]) -> None:
    """Mark page numbers and lines repeated at the top/bottom of most pages as dropped."""
    for page in pages:
        for line in page.lines[:_EDGE_LINES] + page.lines[-_EDGE_LINES:]:
            if _PAGE_NUMBER.match(line.text):
                line.dropped = True
    if len(pages) < 2:
        return
    for edge in ("top", "bottom"):
        counts: dict[str, int] = {}
        for page in pages:
            edge_lines = page.lines[:_EDGE_LINES] if edge == "top" else page.lines[-_EDGE_LINES:]
            for key in {_edge_key(line.text) for line in edge_lines if not line.dropped}:
                counts[key] = counts.get(key, 0) + 1
        repeated = {key for key, count in counts.items() if count >= 2 and count >= 0.5 * len(pages)}
        if not repeated:
            continue
        for page in pages:
            edge_lines = page.lines[:_EDGE_LINES] if edge == "top" else page.lines[-_EDGE_LINES:]
            for line in edge_lines:
                if _edge_key(line.text) in repeated:
                    line.dropped = True


def _measure_margins(pages: list[_Page]) -> None:
    """Set each page's text margins from its kept lines (or the whole document's, for short pages).

    A page with few lines (the last one: closing words, signature, date) says little about where
    the margin is, so it borrows the document's.
    """
    kept = [line for page in pages for line in page.lines if not line.dropped]
    if not kept:
        return
    right_ends = sorted((line.x1 for line in kept), reverse=True)
    document_right = right_ends[1] if len(right_ends) > 1 else right_ends[0]  # robust to one wide line
    document_left = min(line.x0 for line in kept)
    for page in pages:
        page_lines = [line for line in page.lines if not line.dropped]
        if len(page_lines) >= 5:
            ends = sorted((line.x1 for line in page_lines), reverse=True)
            page.right_edge = ends[1]
            page.left_edge = min(line.x0 for line in page_lines)
        else:
            page.right_edge, page.left_edge = document_right, document_left


def _uses_first_line_indent(pages: list[_Page]) -> bool:
    """True when paragraphs start indented (首行缩进), as in official documents.

    Then an indent, not the punctuation at the end of the line before, tells where a paragraph
    starts: a line ending in 。 at the margin followed by an unindented line is one paragraph.
    """
    kept = [(line, page) for page in pages for line in page.lines if not line.dropped]
    indented = sum(1 for line, page in kept if page.is_indented(line))
    return len(kept) >= 5 and indented >= 0.1 * len(kept)


def _continues(line: _Line, page: _Page, following: _Line, following_page: _Page, indent_mode: bool) -> bool:
    """True when ``following`` continues the paragraph of ``line`` (a soft wrap at the margin)."""
    text = line.text.rstrip()
    if not text or _NUMBERED_START.match(following.text):
        return False
    # A line that stops well before the right margin ends its paragraph (titles, headings,
    # addressee, last line of a paragraph).
    if not page.reaches_margin(line):
        return False
    if following_page.is_indented(following):
        return False
    if indent_mode:
        return True
    return not text.endswith(_PARAGRAPH_END)


def _is_latin_wrap(text: str, following: str) -> bool:
    """True when two wrapped lines of mostly Latin text meet between two letters (a word space)."""
    last, first = text.rstrip()[-1:], following.lstrip()[:1]
    if not (last.isascii() and last.isalpha() and first.isascii() and first.isalpha()):
        return False
    latin = sum(1 for char in text if char.isascii() and char.isalpha())
    return latin > len(text) / 2


def read_pdf(data: bytes, path: str, limits: InputLimits = DEFAULT_LIMITS) -> Extraction:
    """Read the text layer of a PDF; InputError when it has none (scanned) or cannot be opened."""
    reading = _read_pages(data, path, limits)
    pages = reading.pages
    if not any(page.lines for page in pages):
        if reading.broken:
            raise InputError(f"PDF 文件 {path} 已损坏：第 {_listed(reading.broken)} 页无法读取，其余页面没有文字")
        if reading.image_only:
            raise InputError(f"PDF 文件 {path} 没有文字层（可能是扫描件或图片），请先进行文字识别（OCR）后再试")
        raise InputError(
            f"PDF 文件 {path} 中读不出文字（可能是扫描件，也可能是字体信息已损坏）；如是扫描件，请先进行文字识别（OCR）后再试"
        )
    _drop_headers_and_footers(pages)
    _measure_margins(pages)

    original_parts: list[str] = []
    position = 0
    kept: list[tuple[_Line, _Page]] = []
    for page in pages:
        for line in page.lines:
            if original_parts:
                original_parts.append("\n")
                position += 1
            line.start = position
            original_parts.append(line.text)
            position += len(line.text)
            if not line.dropped:
                kept.append((line, page))
    original = "".join(original_parts)

    indent_mode = _uses_first_line_indent(pages)
    pieces: list[tuple[str, int]] = []
    for number, (line, page) in enumerate(kept):
        pieces.extend((char, line.start + i) for i, char in enumerate(line.text))
        if number + 1 == len(kept):
            break
        following, following_page = kept[number + 1]
        newline_index = line.start + len(line.text)  # the "\n" after this line in the original
        if _continues(line, page, following, following_page, indent_mode):
            if _is_latin_wrap(line.text, following.text):
                pieces.append((" ", newline_index))  # Latin text wraps at spaces; CJK text anywhere
        else:
            pieces.append(("\n", newline_index))

    return Extraction(original=original, pieces=tuple(pieces), warnings=_page_warnings(reading))


def _page_warnings(reading: _Reading) -> tuple[str, ...]:
    warnings: list[str] = []
    if reading.image_only:
        warnings.append(f"第 {_listed(reading.image_only)} 页没有文字层（可能是扫描页），这些页的内容未读取")
    if reading.broken:
        warnings.append(f"第 {_listed(reading.broken)} 页已损坏，无法读取，这些页的内容未读取")
    if reading.rest_broken_after is not None:
        warnings.append(f"PDF 的页面目录在第 {reading.rest_broken_after} 页之后损坏，其后的页面（如有）未读取")
    return tuple(warnings)


def _listed(numbers: list[int], shown: int = 10) -> str:
    """'3、5、8' or, for many pages, '3、5、8……等 14 页'."""
    text = "、".join(str(number) for number in numbers[:shown])
    return text if len(numbers) <= shown else f"{text}……等 {len(numbers)} 页"
