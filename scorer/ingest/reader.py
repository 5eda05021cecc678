"""``read_report``: a file path -> ``RawText``, dispatching on content first and extension second."""

from __future__ import annotations

import hashlib
import os
import stat
from dataclasses import replace
from pathlib import Path
from typing import Callable

from scorer.errors import InputError
from scorer.ingest.extraction import SUPPORTED_FORMATS, Extraction
from scorer.ingest.limits import (
    DEFAULT_LIMITS,
    InputLimits,
    InputTooLarge,
    describe_bytes,
)
from scorer.ingest.normalize import line_of_span, normalize_pieces
from scorer.ingest.quiet import library_output, summarise
from scorer.ingest.script import to_simplified
from scorer.model import RawText, SourceInfo

# Most bytes one character takes in any encoding read here (UTF-8, GB18030, UTF-16, UTF-32).
_MAX_BYTES_PER_CHAR = 4

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
_HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml", ".shtml", ".shtm"})
_MD_SUFFIXES = frozenset({".md", ".markdown", ".mdown", ".mkd"})
_BINARY_SUFFIXES = {".pdf": "PDF", ".docx": "Word 文档（.docx）"}
# Binary formats recognised by their first bytes, with what to tell the user.
_OTHER_MAGICS = (
    (b"{\\rtf", "RTF 格式（请另存为 .docx 后再试）"),
    (b"\x89PNG", "PNG 图片（请先进行文字识别（OCR））"),
    (b"\xff\xd8\xff", "JPEG 图片（请先进行文字识别（OCR））"),
    (b"GIF8", "GIF 图片"),
    (b"II*\x00", "TIFF 图片（请先进行文字识别（OCR））"),
    (b"MM\x00*", "TIFF 图片（请先进行文字识别（OCR））"),
    (b"\x1f\x8b", "gzip 压缩文件"),
    (b"7z\xbc\xaf\x27\x1c", "7z 压缩文件"),
    (b"Rar!", "RAR 压缩文件"),
    (b"\x7fELF", "可执行程序"),
    (b"AT&TFORM", "DjVu 文档"),
    (b"\x00\x00\x00\x0cjP", "JPEG 2000 图片"),
)


def _unsupported(path: str, what: str) -> InputError:
    return InputError(f"文件 {path} 是{what}，无法读取；{SUPPORTED_FORMATS}")


def _old_office_error(path: str, suffix: str) -> InputError:
    if suffix in (".xls", ".et", ".ppt", ".dps"):
        return InputError(f"文件 {path} 是旧版 Office/WPS 表格或演示文稿，不是报告文档；{SUPPORTED_FORMATS}")
    return InputError(f"文件 {path}：不支持旧版 Word（.doc）/WPS 格式，请另存为 .docx 后再试（{SUPPORTED_FORMATS}）")


def _looks_like_html(data: bytes) -> bool:
    head = data[:1024].replace(b"\x00", b"").lstrip(b"\xef\xbb\xbf\xff\xfe \t\r\n").lower()
    if head.startswith(b"<?xml"):
        return b"<html" in head
    return head.startswith((b"<!doctype html", b"<html"))


def detect_format(data: bytes, suffix: str, path: str) -> str:
    """The reader to use: 'pdf' | 'docx' | 'html' | 'md' | 'txt'; InputError for unsupported files."""
    if data.startswith(_OLE_MAGIC):
        raise _old_office_error(path, suffix)
    if b"%PDF-" in data[:1024]:
        return "pdf"
    if data.startswith(_ZIP_MAGICS):
        return "docx"  # the docx reader tells a Word package from other archives
    for magic, what in _OTHER_MAGICS:
        if data.startswith(magic):
            raise _unsupported(path, what)
    if suffix in _HTML_SUFFIXES or _looks_like_html(data):
        return "html"
    if suffix in _MD_SUFFIXES:
        return "md"
    return "txt"


def _readers() -> dict[str, Callable[[bytes, str, InputLimits], Extraction]]:
    # Imported on first use so that `import scorer.ingest` stays cheap.
    from scorer.ingest.docx import read_docx
    from scorer.ingest.html import read_html
    from scorer.ingest.pdf import read_pdf
    from scorer.ingest.text import read_md, read_txt

    return {"txt": read_txt, "md": read_md, "docx": read_docx, "pdf": read_pdf, "html": read_html}


def _read_bytes(path: str, limits: InputLimits) -> bytes:
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise InputError(f"文件不存在：{path}") from None
    except OSError as exc:
        raise InputError(f"无法访问文件 {path}：{exc.strerror or exc}") from None
    if stat.S_ISDIR(info.st_mode):
        raise InputError(f"{path} 是一个目录，不是报告文件（批量处理目录请用 fzscore batch）")
    if not stat.S_ISREG(info.st_mode):
        raise InputError(f"{path} 不是普通文件，无法作为报告读取")
    if InputLimits.exceeded(info.st_size, limits.max_file_bytes):
        raise InputTooLarge(
            f"文件 {path} 过大（{describe_bytes(info.st_size)}），超过 {describe_bytes(limits.max_file_bytes)} 的上限"
        )
    try:
        with open(path, "rb") as handle:
            # Read one byte past the bound: the file may have grown since stat().
            data = handle.read(limits.max_file_bytes + 1) if limits.max_file_bytes > 0 else handle.read()
    except PermissionError:
        raise InputError(f"没有权限读取文件：{path}") from None
    except OSError as exc:
        raise InputError(f"无法读取文件 {path}：{exc.strerror or exc}") from None
    if InputLimits.exceeded(len(data), limits.max_file_bytes):
        raise InputTooLarge(f"文件 {path} 过大，超过 {describe_bytes(limits.max_file_bytes)} 的上限")
    return data


def _text_too_long(path: str, chars: int | None, limits: InputLimits) -> InputTooLarge:
    amount = f"（{chars:,} 字）" if chars is not None else ""
    return InputTooLarge(
        f"文件 {path} 的文字过长{amount}，超过 {limits.max_text_chars:,} 字的上限；"
        "一份年度报告通常只有几万字，请确认文件内容是否正确"
    )


def _extract(file_format: str, data: bytes, path: str, limits: InputLimits) -> Extraction:
    """Run one format reader with library output captured; its summary joins the warnings."""
    if file_format in ("txt", "md") and InputLimits.exceeded(len(data), _MAX_BYTES_PER_CHAR * limits.max_text_chars):
        raise _text_too_long(path, None, limits)  # more characters than the bound whatever the encoding
    with library_output() as messages:
        extraction = _readers()[file_format](data, path, limits)
    if InputLimits.exceeded(len(extraction.original), limits.max_text_chars):
        raise _text_too_long(path, len(extraction.original), limits)
    noise = summarise(messages, file_format)
    return replace(extraction, warnings=extraction.warnings + noise) if noise else extraction


def read_report(path: str | os.PathLike[str], limits: InputLimits | None = None) -> RawText:
    """Read a report file (.txt .md .docx .pdf .html) into normalised text with an offset map.

    Raises ``InputError`` (message in Chinese, naming the file) for missing, empty, unreadable,
    unsupported or damaged files, for files without usable text and for files over ``limits``
    (``DEFAULT_LIMITS`` when not given).
    """
    limits = limits or DEFAULT_LIMITS
    display = os.fspath(path)
    data = _read_bytes(display, limits)
    if not data:
        raise InputError(f"文件为空（0 字节）：{display}")
    suffix = Path(display).suffix.lower()
    file_format = detect_format(data, suffix, display)
    warnings: list[str] = []
    if suffix in _BINARY_SUFFIXES and file_format in ("txt", "md", "html"):
        expected = _BINARY_SUFFIXES[suffix]
        try:
            extraction = _extract(file_format, data, display, limits)
        except InputTooLarge:
            raise
        except InputError:
            raise InputError(f"文件 {display} 的扩展名是 {suffix}，但内容不是有效的{expected}，文件可能已损坏") from None
        warnings.append(f"文件扩展名是 {suffix}，但内容是{'网页' if file_format == 'html' else '纯文本'}，已按内容读取")
    else:
        extraction = _extract(file_format, data, display, limits)
    warnings.extend(extraction.warnings)

    pieces = extraction.pieces
    if pieces is None:
        pieces = tuple((char, index) for index, char in enumerate(extraction.original))
    text, offsets = normalize_pieces(pieces)
    if not text:
        raise InputError(f"文件中没有可读的文字（内容为空或只有空白）：{display}")
    text, converted = to_simplified(text)
    if converted:
        warnings.append(f"报告用繁体字书写（{converted} 字），已转为简体字识别；引用的原文以简体显示")

    hints: dict[int, int] = {}
    for heading in extraction.headings:
        line = line_of_span(text, offsets, heading.start, heading.end)
        if line is not None and line not in hints:
            hints[line] = heading.level
    return RawText(
        source=SourceInfo(
            path=display,
            format=file_format,
            sha256=hashlib.sha256(data).hexdigest(),
            size=len(data),
            encoding=extraction.encoding,
        ),
        text=text,
        original=extraction.original,
        offsets=offsets,
        heading_hints=tuple(sorted(hints.items())),
        warnings=tuple(warnings),
    )
