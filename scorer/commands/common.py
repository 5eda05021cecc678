"""Helpers shared by sub-commands: common options, writing outputs safely."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from scorer.errors import FzError


def add_pack_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--pack",
        default=None,
        help="规则包：auto（默认，按报告年度选择纲要版本并加上 report-structure）或以逗号分隔的规则包 ID",
    )
    parser.add_argument("--rules", metavar="DIR", default=None, help="规则目录（默认使用内置规则包）")


def add_limit_options(parser: argparse.ArgumentParser) -> None:
    """``--timeout`` and ``--max-size``: the budget of one report (the same for every command)."""
    from scorer.audit.limits import DEFAULT_MAX_SIZE, DEFAULT_TIMEOUT, format_size

    parser.add_argument(
        "--timeout",
        metavar="SECONDS",
        default=None,
        help=f"每份报告的处理时间上限（秒，默认 {DEFAULT_TIMEOUT:g}；0 表示不限）；超时即终止并报错",
    )
    parser.add_argument(
        "--max-size",
        metavar="SIZE",
        default=None,
        help=f"报告文件大小上限（如 20MB、500KB，默认 {format_size(DEFAULT_MAX_SIZE)}；0 表示不限）",
    )


def limits_from_args(args: argparse.Namespace):
    """The ``Limits`` that ``--timeout``/``--max-size`` ask for (defaults where not given)."""
    from scorer.audit.limits import (
        DEFAULT_MAX_SIZE,
        DEFAULT_TIMEOUT,
        Limits,
        parse_size,
        parse_timeout,
    )

    timeout = parse_timeout(args.timeout) if args.timeout is not None else DEFAULT_TIMEOUT
    max_size = parse_size(args.max_size) if args.max_size is not None else DEFAULT_MAX_SIZE
    return Limits(timeout=timeout or None, max_size=max_size or None)


def write_output(text: str, output: str | None, force: bool = False) -> None:
    """Write ``text`` to ``output`` (or stdout when None / "-"); never overwrite without ``force``."""
    if output in (None, "-"):
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    _write_file(Path(output), text.encode("utf-8"), force)


def check_output_target(output: str | None, force: bool) -> None:
    """Refuse, before any work, an output file that exists (without ``force``) or is a folder."""
    if output in (None, "-"):
        return
    path = Path(output)
    if path.is_dir():
        raise FzError(f"输出路径是一个目录：{path}")
    if path.exists() and not force:
        raise FzError(f"输出文件已存在：{path}（如需覆盖请加 --force）")


def check_binary_target(output: str | None, what: str = "Word 文件") -> None:
    """Refuse, before any work, a binary output without -o or to a terminal."""
    if output is None:
        raise FzError(f"输出 {what}需要用 -o 指定文件名（例如 -o 报告.docx）")
    if output == "-" and sys.stdout.isatty():
        raise FzError(f"不能把 {what}（二进制）写到终端：请用 -o 指定文件名，或把 stdout 重定向到文件")


def write_binary_output(data: bytes, output: str | None, force: bool = False, what: str = "Word 文件") -> None:
    """Write a binary file (.docx) to ``output``; stdout ("-") only when it is not a terminal."""
    check_binary_target(output, what)
    if output == "-":
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    _write_file(Path(output), data, force)


def _write_file(path: Path, data: bytes, force: bool) -> None:
    """Atomic write (temp file + rename); refuse an existing file without ``force``."""
    check_output_target(str(path), force)  # again: the file may have appeared meanwhile
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp{os.getpid()}")
    try:
        tmp.write_bytes(data)
        tmp.replace(path)
    finally:
        if tmp.exists():
            tmp.unlink()
