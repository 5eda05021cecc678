"""The ``fzscore`` command line: one sub-command module per concern under ``scorer.commands``.

stdout carries the machine output (JSON, HTML, Markdown, annotations); stderr carries the human
summary, progress and errors. Exit codes are ``scorer.errors.ExitCode``.
"""

from __future__ import annotations

import argparse
import importlib
import os
import re
import sys
from typing import Sequence

from scorer import __version__
from scorer.errors import ExitCode, FzError

# Sub-command modules, each exposing ``register(subparsers)`` that adds its parser and sets
# ``func(args) -> int`` as the default. Order here is the order in ``fzscore --help``.
COMMAND_MODULES = (
    "scorer.commands.score",
    "scorer.commands.check",
    "scorer.commands.batch",
    "scorer.commands.compare",
    "scorer.commands.inspect",
    "scorer.commands.explain",
    "scorer.commands.eval",
    "scorer.commands.rules",
    "scorer.commands.config",
    "scorer.commands.serve",
)


# argparse's own messages, in the language of the rest of the tool.
_ARGPARSE_MESSAGES = (
    (re.compile(r"the following arguments are required: (.*)"), r"缺少必需的参数：\1"),
    (re.compile(r"unrecognized arguments: (.*)"), r"无法识别的参数：\1"),
    (re.compile(r"argument (\S+): invalid choice: (.*) \(choose from (.*)\)"), r"参数 \1 的取值 \2 无效（可选：\3）"),
    (re.compile(r"argument (\S+): invalid (\w+) value: (.*)"), r"参数 \1 的取值 \3 不是有效的 \2"),
    (re.compile(r"argument (\S+): expected one argument"), r"参数 \1 需要一个取值"),
    (re.compile(r"argument (\S+): not allowed with argument (\S+)"), r"参数 \1 不能与 \2 同时使用"),
)


def _chinese(message: str) -> str:
    for pattern, replacement in _ARGPARSE_MESSAGES:
        if pattern.fullmatch(message):
            return pattern.sub(replacement, message)
    return message


class _Parser(argparse.ArgumentParser):
    """argparse that reports usage errors in one line and with exit code 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        sys.stderr.write(f"fzscore: 用法错误：{_chinese(message)}\n")
        raise SystemExit(ExitCode.ERROR)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="fzscore",
        description="法治政府建设年度报告评分工具：逐项对照《法治政府建设实施纲要》与督察规定，给出证据与差距。",
    )
    parser.add_argument("--version", action="version", version=f"fzscore {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for module_name in COMMAND_MODULES:
        importlib.import_module(module_name).register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help(sys.stderr)
        return ExitCode.ERROR
    try:
        return int(args.func(args))
    except FzError as exc:
        sys.stderr.write(f"fzscore: 错误：{exc}\n")
        return int(exc.exit_code)
    except KeyboardInterrupt:
        sys.stderr.write("fzscore: 已中断\n")
        return ExitCode.INTERRUPTED
    except BrokenPipeError:
        # stdout closed early (e.g. piped into head): not an error worth a traceback.
        return ExitCode.OK
    except Exception as exc:  # noqa: BLE001 - last line of defence: never show a traceback
        if os.environ.get("FZSCORE_DEBUG"):
            raise
        sys.stderr.write(
            f"fzscore: 内部错误：{type(exc).__name__}: {exc}（设置环境变量 FZSCORE_DEBUG=1 可查看详细堆栈，并请报告此问题）\n"
        )
        return ExitCode.ERROR


if __name__ == "__main__":
    sys.exit(main())
