"""Exit codes and the error types that the CLI turns into one clear line on stderr."""

from __future__ import annotations

import enum
import os
from pathlib import Path


class ExitCode(enum.IntEnum):
    """Documented process exit codes (also listed in README)."""

    OK = 0  # success; for `check`: the report passes
    FAIL = 1  # `check`: below --fail-under, a key item missing, or a regression
    ERROR = 2  # usage, configuration, rule or input error
    INTERRUPTED = 130  # Ctrl-C (128 + SIGINT); `batch` keeps what was finished for --resume


class FzError(Exception):
    """An error the user can act on; the message is shown as is (in Chinese)."""

    exit_code: ExitCode = ExitCode.ERROR


class InputError(FzError):
    """The report file cannot be read or holds no usable text."""


class LimitError(InputError):
    """The report exceeds a budget: file size (``--max-size``) or processing time (``--timeout``)."""


class RuleError(FzError):
    """A rule pack is malformed; the message names file, item and key."""


class ConfigError(FzError):
    """A configuration file or option is invalid."""


def read_user_file(path: "str | os.PathLike[str]", what: str, error: type[FzError]) -> bytes:
    """The bytes of a file the user named (a config, a baseline…); ``what`` names it in messages.

    Every way of failing becomes one ``error`` with a Chinese message naming the file.
    """
    shown = str(path)
    try:
        return Path(path).read_bytes()
    except FileNotFoundError:
        raise error(f"{what}不存在：{shown}") from None
    except IsADirectoryError:
        raise error(f"{what}是一个目录：{shown}") from None
    except OSError as exc:
        raise error(f"无法读取{what} {shown}：{exc.strerror or exc}") from None
