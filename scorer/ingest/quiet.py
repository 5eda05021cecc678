"""Third-party log output kept off the terminal; what matters becomes one Chinese warning per file.

pdfminer alone logs thousands of English lines on damaged PDFs ("Could not get FontBBox…",
"MediaBox missing…", "Not adding object … to xref…"); stderr is for our own Chinese messages.
``library_output()`` collects the records and Python warnings that the format libraries emit while
one file is read; ``summarise`` turns them into at most one warning line. Outside a capture the
records are dropped. With ``FZSCORE_DEBUG`` set, every record is also printed to stderr as is.

Records are routed per thread, so concurrent reads in threads do not mix their messages;
Python's ``warnings`` capture is process-wide (the standard library offers nothing finer).
"""

from __future__ import annotations

import logging
import os
import re
import sys
import threading
import warnings
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Iterator

# Loggers of the libraries that ingest (and the tokenizer) use; their children are included.
LIBRARY_LOGGERS = ("pdfminer", "pdfplumber", "docx", "bs4", "charset_normalizer", "PIL", "jieba")

_PDF_LIBRARY_FILE = re.compile(r"[/\\](pdfminer|pdfplumber)[/\\]")

_local = threading.local()
_install_lock = threading.Lock()
_installed = False


def debug_enabled() -> bool:
    """True when ``FZSCORE_DEBUG`` asks for raw library output (the same switch as tracebacks)."""
    return bool(os.environ.get("FZSCORE_DEBUG"))


@dataclass(frozen=True)
class LibraryMessage:
    """One message a library emitted: where from, how serious, what it said."""

    source: str  # logger name, or the warning's category name
    level: int
    text: str


def _active() -> list[list[LibraryMessage]]:
    stack = getattr(_local, "stack", None)
    if stack is None:
        stack = _local.stack = []
    return stack


def _print_raw(source: str, level: str, text: str) -> None:
    print(f"[{source}] {level}: {text}", file=sys.stderr)


def _take(record: logging.LogRecord) -> None:
    try:
        text = record.getMessage()
    except Exception:  # noqa: BLE001 - a library's bad format string must not break reading
        text = str(record.msg)
    stack = _active()
    if stack:
        stack[-1].append(LibraryMessage(record.name, record.levelno, text))
    if debug_enabled():
        _print_raw(record.name, record.levelname, text)


class _Router(logging.Handler):
    """Takes the records of the library loggers' children (pdfminer.pdffont → pdfminer)."""

    def emit(self, record: logging.LogRecord) -> None:
        _take(record)


def _route_direct(record: logging.LogRecord) -> bool:
    """Logger filter: takes records logged on the library logger itself, before its own handlers.

    jieba attaches a stderr handler to its logger at import; a logger filter runs before any.
    """
    _take(record)
    return False


def install() -> None:
    """Route the library loggers to ``_take`` (once per process; idempotent)."""
    global _installed
    with _install_lock:
        if _installed:
            return
        router = _Router(level=logging.NOTSET)
        for name in LIBRARY_LOGGERS:
            logger = logging.getLogger(name)
            logger.addHandler(router)
            logger.addFilter(_route_direct)
            logger.propagate = False
        _installed = True


@contextmanager
def library_output() -> Iterator[list[LibraryMessage]]:
    """Collect what the libraries log or warn while the block runs (nothing reaches stderr)."""
    install()
    collected: list[LibraryMessage] = []
    stack = _active()
    stack.append(collected)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            yield collected
    finally:
        stack.pop()
    for warning in caught:
        category = warning.category.__name__
        # Only the PDF libraries warn about the file itself; elsewhere a warning is about the
        # library's own use (deprecations, bs4 guessing whether a string is a file name).
        about_file = bool(_PDF_LIBRARY_FILE.search(str(warning.filename))) and not issubclass(
            warning.category, (DeprecationWarning, PendingDeprecationWarning, FutureWarning, ResourceWarning)
        )
        collected.append(LibraryMessage(category, logging.WARNING if about_file else logging.INFO, str(warning.message)))
        if debug_enabled():
            _print_raw(category, "WARNING", str(warning.message))


# --- what to tell the user ------------------------------------------------------------------------

# pdfminer's messages, by what they mean for the text read: (pattern, Chinese description).
_PDF_KINDS = (
    (re.compile(r"font", re.IGNORECASE), "处字体信息缺失"),
    (re.compile(r"MediaBox|CropBox", re.IGNORECASE), "页缺少页面尺寸信息（已按默认尺寸读取）"),
    (re.compile(r"xref|trailer|Not adding object", re.IGNORECASE), "处对象索引（xref）损坏"),
    (re.compile(r"decompress|zlib|Data-loss", re.IGNORECASE), "处压缩数据损坏"),
)
_OTHER = "处内容无法解析"
_SUBJECT = {"pdf": "PDF 有", "docx": "Word 文档有", "html": "网页有"}


def summarise(messages: list[LibraryMessage], file_format: str) -> tuple[str, ...]:
    """At most one Chinese warning line on what the libraries reported about one file.

    e.g. "PDF 有 3 处字体信息缺失、1 处对象索引（xref）损坏，文字可能不全".
    """
    relevant = [m for m in messages if m.level >= logging.WARNING]
    if not relevant:
        return ()
    counts: dict[str, int] = {}
    for message in relevant:
        kinds = _PDF_KINDS if file_format == "pdf" else ()
        kind = next((label for pattern, label in kinds if pattern.search(message.text)), _OTHER)
        counts[kind] = counts.get(kind, 0) + 1
    parts = "、".join(f"{count} {label}" for label, count in counts.items())
    hint = "（设置环境变量 FZSCORE_DEBUG=1 可查看原始信息）" if _OTHER in counts else ""
    return (f"{_SUBJECT.get(file_format, '文件有')} {parts}，文字可能不全{hint}",)
