"""Scorecards to bytes and back: JSON of the frozen dataclasses, zlib-compressed, no pickle.

The workspace keeps each report's whole ``Scorecard`` (its ``Document`` included) so that pages,
exports and the year-over-year view are rendered from exactly what the scorer produced, without
scoring again. Plain JSON keeps the database free of executable content (a pickle read back from
a shared PostgreSQL server would run whatever someone wrote there).
"""

from __future__ import annotations

import dataclasses
import enum
import functools
import json
import types
import typing
import zlib
from typing import Any, TypeVar

from scorer.errors import FzError
from scorer.model import Scorecard

T = TypeVar("T")
FORMAT = 1  # bump when the encoding changes; stored blobs of another format are re-scored


class CodecError(FzError):
    """A stored scorecard cannot be read back (another format, damaged data)."""


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (tuple, list)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


@functools.lru_cache(maxsize=None)
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _build(kind: Any, raw: Any) -> Any:
    origin = typing.get_origin(kind)
    if origin in (typing.Union, types.UnionType):
        if raw is None:
            return None
        options = [a for a in typing.get_args(kind) if a is not type(None)]
        if len(options) == 1:
            return _build(options[0], raw)
        for option in options:  # str | int and the like: the first that accepts the value
            try:
                return _build(option, raw)
            except (TypeError, ValueError, KeyError):
                continue
        raise ValueError(f"no type of {kind} accepts {raw!r}")
    if origin is tuple:
        args = typing.get_args(kind)
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_build(args[0], v) for v in raw)
        return tuple(_build(a, v) for a, v in zip(args, raw))
    if origin is dict:
        key_type, value_type = typing.get_args(kind)
        return {_build(key_type, k): _build(value_type, v) for k, v in raw.items()}
    if isinstance(kind, type):
        if dataclasses.is_dataclass(kind):
            hints = _hints(kind)
            known = {f.name for f in dataclasses.fields(kind) if f.init}
            return kind(**{name: _build(hints[name], value) for name, value in raw.items() if name in known})
        if issubclass(kind, enum.Enum):
            return kind(raw)
        if kind is float:
            return float(raw)
        if kind in (str, int, bool) and not isinstance(raw, kind):
            raise TypeError(f"expected {kind.__name__}, got {raw!r}")
        return raw
    if kind is Any:
        return raw
    raise TypeError(f"cannot decode type {kind!r}")


def encode(value: Any) -> bytes:
    """A frozen dataclass (a Scorecard, a CopyReport…) as compressed JSON."""
    text = json.dumps({"format": FORMAT, "data": _plain(value)}, ensure_ascii=False, separators=(",", ":"))
    return zlib.compress(text.encode("utf-8"), 6)


def decode(data: bytes, kind: type[T]) -> T:
    """The object ``encode`` stored; ``CodecError`` when the bytes are not a readable ``kind``."""
    try:
        wrapper = json.loads(zlib.decompress(data).decode("utf-8"))
        if wrapper.get("format") != FORMAT:
            raise CodecError(f"存储格式 {wrapper.get('format')!r} 与当前版本 {FORMAT} 不同")
        return _build(kind, wrapper["data"])
    except CodecError:
        raise
    except (zlib.error, UnicodeDecodeError, json.JSONDecodeError, TypeError, ValueError, KeyError, AttributeError) as exc:
        raise CodecError(f"无法读取已存储的评分结果：{type(exc).__name__}") from None


def decode_scorecard(data: bytes) -> Scorecard:
    return decode(data, Scorecard)
