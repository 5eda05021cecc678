"""Per-report budgets: the largest file read (``--max-size``) and the longest time spent (``--timeout``).

One budget for every command: ``batch`` checks the size before handing a report to a worker and
kills a worker that runs over; the single-report commands (``score``, ``check``, ``inspect``,
``explain``) check the size and run the reading and scoring in a child process with the same
deadline (``within_limits``). Over budget is a ``LimitError``: a Chinese message and exit 2.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import Any, Callable, Iterable

from scorer.audit.workers import call_with_deadline
from scorer.errors import ConfigError, LimitError

DEFAULT_TIMEOUT = 60.0  # seconds per report; a real report takes well under one
DEFAULT_MAX_SIZE = 20 * 1024 * 1024  # bytes; real reports are a few hundred KB, scanned PDFs a few MB

_UNITS = {"": 1, "B": 1, "K": 1024, "KB": 1024, "KIB": 1024, "M": 1024**2, "MB": 1024**2, "MIB": 1024**2, "G": 1024**3, "GB": 1024**3, "GIB": 1024**3}
_SIZE = re.compile(r"\s*(\d+(?:\.\d+)?)\s*([A-Za-z]*)\s*")


@dataclass(frozen=True)
class Limits:
    """The budget of one report; ``None`` (or 0) switches a limit off."""

    timeout: float | None = DEFAULT_TIMEOUT
    max_size: int | None = DEFAULT_MAX_SIZE


def parse_size(text: str) -> int:
    """``"20MB"``, ``"500KB"``, ``"1.5G"``, ``"1048576"`` -> bytes (binary units); ``"0"`` means no limit."""
    match = _SIZE.fullmatch(text)
    unit = match.group(2).upper() if match else None
    if match is None or unit not in _UNITS:
        raise ConfigError(f"文件大小上限 {text!r} 无效，应写成如 20MB、500KB、1GB 或字节数")
    return int(float(match.group(1)) * _UNITS[unit])


def parse_timeout(text: str) -> float:
    """Seconds (> 0), or 0 for no limit."""
    try:
        value = float(text)
    except ValueError:
        raise ConfigError(f"时间上限 {text!r} 无效，应为秒数（如 60；0 表示不限）") from None
    if value < 0 or value != value:
        raise ConfigError(f"时间上限应为非负的秒数，实际为 {text!r}")
    return value


def format_size(size: int) -> str:
    for unit, factor in (("GB", 1024**3), ("MB", 1024**2), ("KB", 1024)):
        if size >= factor:
            return f"{size / factor:.1f} {unit}".replace(".0 ", " ")
    return f"{size} 字节"


def oversize_message(path: str, size: int, max_size: int) -> str:
    return f"文件 {path} 大小 {format_size(size)}，超过上限 {format_size(max_size)}（可用 --max-size 调整）"


def check_size(path: str, max_size: int | None) -> None:
    """LimitError when the file is larger than ``max_size``; a missing file is left to the reader."""
    if not max_size:
        return
    try:
        size = os.stat(path).st_size
    except OSError:
        return
    if size > max_size:
        raise LimitError(oversize_message(path, size, max_size))


def within_limits(function: Callable[[], Any], limits: Limits, paths: Iterable[str] = ()) -> Any:
    """``function()`` after the size check of ``paths``, in a child process killed at the deadline."""
    for path in paths:
        check_size(path, limits.max_size)
    return call_with_deadline(function, limits.timeout)
