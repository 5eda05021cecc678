"""Word .docx: paragraphs and table rows in body order, heading styles as heading hints."""

from __future__ import annotations

import io
import re
import zipfile
import zlib

from scorer.errors import InputError
from scorer.ingest.extraction import SUPPORTED_FORMATS, BlockBuilder, Extraction
from scorer.ingest.limits import (
    DEFAULT_LIMITS,
    InputLimits,
    InputTooLarge,
    describe_bytes,
)

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
# Subtrees whose text is not part of the paragraph as read: text boxes (their own paragraphs,
# and duplicated in mc:Fallback), deleted revisions, field instructions.
_SKIPPED_SUBTREES = frozenset({f"{_W}txbxContent", f"{_W}del", f"{_W}moveFrom", f"{_W}pPr", f"{_W}rPr", _MC_FALLBACK})
_CONTAINERS = frozenset({f"{_W}sdt", f"{_W}sdtContent", f"{_W}customXml", f"{_W}ins", f"{_W}moveTo"})

_HEADING_NAME = re.compile(r"^(?:heading|标题)\s*([1-6])$", re.IGNORECASE)
_TITLE_NAME = re.compile(r"^(?:title|标题)$", re.IGNORECASE)
_TITLE_LEVEL = 1  # the document title is reported as a level-1 heading hint


def _paragraph_text(element) -> str:
    """Visible text of a w:p, including hyperlinks, tracked insertions and content controls."""
    parts: list[str] = []

    def visit(node) -> None:
        for child in node:
            tag = child.tag
            if not isinstance(tag, str) or tag in _SKIPPED_SUBTREES:
                continue
            if tag == f"{_W}t":
                parts.append(child.text or "")
            elif tag == f"{_W}tab" or tag == f"{_W}ptab":
                parts.append("\t")
            elif tag in (f"{_W}br", f"{_W}cr"):
                parts.append("\n")
            elif tag == f"{_W}noBreakHyphen":
                parts.append("-")
            else:
                visit(child)

    visit(element)
    return "".join(parts)


def _direct(element, tag: str):
    """Children of ``element`` with ``tag``, looking through content controls and revision marks.

    Only direct ones: a table's rows are not the rows of the tables nested in its cells (reading
    those too repeats nested text once per level above it, 2^depth times in all).
    """
    for child in element:
        if child.tag == tag:
            yield child
        elif child.tag in _CONTAINERS:
            yield from _direct(child, tag)


def _cell_text(cell) -> str:
    """Text of a w:tc: its paragraphs (and nested tables' rows) joined by spaces."""
    texts: list[str] = []

    def visit(container) -> None:
        for child in container:
            if child.tag == f"{_W}p":
                texts.append(_paragraph_text(child))
            elif child.tag == f"{_W}tbl":
                texts.extend(_row_text(row) for row in _direct(child, f"{_W}tr"))
            elif child.tag in _CONTAINERS:
                visit(child)

    visit(cell)
    return " ".join(text for text in texts if text.strip())


def _row_text(row) -> str:
    """One table row as one line: cells separated by a tab (normalised to a space later)."""
    cells: list[str] = []
    for cell in _direct(row, f"{_W}tc"):
        merge = cell.find(f"{_W}tcPr/{_W}vMerge")
        if merge is not None and merge.get(f"{_W}val", "continue") == "continue":
            cells.append("")  # lower part of a vertically merged cell: text is in the row above
            continue
        cells.append(_cell_text(cell))
    return "\t".join(cells)


class _HeadingLevels:
    """Heading level of a paragraph from its style (name, base styles) or outline level."""

    def __init__(self, document) -> None:
        self._by_id = {style.style_id: style for style in document.styles if style.type == 1}  # paragraph styles
        self._cache: dict[str | None, int | None] = {}

    def _style_level(self, style_id: str | None) -> int | None:
        if style_id in self._cache:
            return self._cache[style_id]
        level: int | None = None
        style = self._by_id.get(style_id) if style_id else None
        for _ in range(6):  # follow "based on" a few steps: custom styles based on Heading 2
            if style is None:
                break
            name = (style.name or "").strip()
            if _TITLE_NAME.match(name):
                level = _TITLE_LEVEL
                break
            if match := _HEADING_NAME.match(name):
                level = int(match.group(1))
                break
            outline = style.element.find(f"{_W}pPr/{_W}outlineLvl")
            if outline is not None:
                level = _outline_to_level(outline.get(f"{_W}val"))
                break
            style = style.base_style
        self._cache[style_id] = level
        return level

    def level(self, paragraph_element) -> int | None:
        outline = paragraph_element.find(f"{_W}pPr/{_W}outlineLvl")
        if outline is not None:
            return _outline_to_level(outline.get(f"{_W}val"))
        style = paragraph_element.find(f"{_W}pPr/{_W}pStyle")
        return self._style_level(style.get(f"{_W}val") if style is not None else None)


def _outline_to_level(value: str | None) -> int | None:
    try:
        number = int(value or "")
    except ValueError:
        return None
    return number + 1 if 0 <= number <= 5 else None  # 9 = body text


def _check_zip(data: bytes, path: str, limits: InputLimits) -> None:
    """Tell a damaged archive, a non-Word archive and a zip bomb apart before python-docx sees them."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except Exception:  # noqa: BLE001 - BadZipFile, but also NotImplementedError, ValueError… on damaged headers
        raise InputError(f"文件 {path} 已损坏或不完整，无法作为 .docx 打开（压缩包结构错误）；请重新保存或重新下载后再试") from None
    names = {member.filename for member in members}
    if not ("word/document.xml" in names or any(name.endswith("/document.xml") and name.startswith("word") for name in names)):
        if "xl/workbook.xml" in names:
            kind = "Excel 表格（.xlsx）"
        elif "ppt/presentation.xml" in names:
            kind = "PowerPoint 演示文稿（.pptx）"
        elif "content.xml" in names and "mimetype" in names:
            kind = "OpenDocument 文档（如 .odt），请另存为 .docx"
        else:
            kind = "普通压缩包"
        raise InputError(f"文件 {path} 不是 Word 文档（.docx），而是{kind}；{SUPPORTED_FORMATS}")
    # python-docx unpacks every part into memory: a few KB of zeros can claim gigabytes.
    unpacked = sum(member.file_size for member in members)
    if InputLimits.exceeded(unpacked, limits.max_unpacked_bytes):
        raise InputTooLarge(
            f"Word 文档 {path} 解压后过大（{describe_bytes(unpacked)}），超过 {describe_bytes(limits.max_unpacked_bytes)} 的上限"
            "（可能是“压缩炸弹”或已损坏的文件）"
        )
    for member in members:
        if member.filename.endswith((".xml", ".rels")) and InputLimits.exceeded(member.file_size, limits.max_xml_bytes):
            raise InputTooLarge(
                f"Word 文档 {path} 中的 {member.filename} 解压后过大（{describe_bytes(member.file_size)}），"
                f"超过 {describe_bytes(limits.max_xml_bytes)} 的上限（可能是“压缩炸弹”或已损坏的文件）"
            )


_MISSING_PART = re.compile(r"no item named '([^']+)'")


def _damaged(path: str, exc: Exception) -> InputError:
    """What went wrong inside python-docx/lxml/zipfile, in words a user can act on."""
    if "Excessive depth" in str(exc):
        return InputError(f"Word 文档 {path} 的结构嵌套过深（超过 256 层，如表格中层层嵌套表格），无法读取")
    if isinstance(exc, (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError)):
        return InputError(f"Word 文档 {path} 的压缩数据已损坏（校验失败），无法读取；请重新保存或重新下载后再试")
    if isinstance(exc, KeyError):
        missing = _MISSING_PART.search(str(exc))
        part = f" {missing.group(1)}" if missing else ""
        return InputError(f"Word 文档 {path} 缺少必需的组成部分{part}，文件可能已损坏；请重新保存后再试")
    return InputError(f"文件 {path} 无法作为 Word 文档读取，文件可能已损坏（{type(exc).__name__}）")


def read_docx(data: bytes, path: str, limits: InputLimits = DEFAULT_LIMITS) -> Extraction:
    """Read a .docx: body paragraphs and table rows in document order, with heading hints."""
    _check_zip(data, path, limits)
    import docx  # imported here: loading python-docx/lxml costs time that txt input need not pay

    try:
        document = docx.Document(io.BytesIO(data))
        body = document.element.body
        headings = _HeadingLevels(document)
        blocks = BlockBuilder()

        def walk(container) -> None:
            for child in container:
                tag = child.tag
                if tag == f"{_W}p":
                    blocks.add(_paragraph_text(child), headings.level(child))
                elif tag == f"{_W}tbl":
                    for row in _direct(child, f"{_W}tr"):
                        blocks.add(_row_text(row))
                elif tag in _CONTAINERS:
                    walk(child)
                if InputLimits.exceeded(blocks.length, limits.max_text_chars):
                    return  # the reader refuses it as too long; no need to read the rest

        walk(body)
    except InputError:
        raise
    except Exception as exc:  # noqa: BLE001 - python-docx/lxml/zipfile raise many kinds on damaged files
        raise _damaged(path, exc) from None
    return Extraction(original=blocks.text, headings=blocks.headings)
