"""Exit codes and the error types that the CLI turns into one clear line on stderr."""

from __future__ import annotations

import enum


class ExitCode(enum.IntEnum):
    """Documented process exit codes (also listed in README)."""

    OK = 0  # success; for `check`: the report passes
    FAIL = 1  # `check`: below --fail-under, a key item missing, or a regression
    ERROR = 2  # usage, configuration, rule or input error


class FzError(Exception):
    """An error the user can act on; the message is shown as is (in Chinese)."""

    exit_code: ExitCode = ExitCode.ERROR


class InputError(FzError):
    """The report file cannot be read or holds no usable text."""


class RuleError(FzError):
    """A rule pack is malformed; the message names file, item and key."""


class ConfigError(FzError):
    """A configuration file or option is invalid."""
