"""The generation time stamped on rendered outputs, reproducible via ``SOURCE_DATE_EPOCH``."""

from __future__ import annotations

import os
from datetime import datetime, timezone

from scorer.errors import ConfigError


def generation_time() -> datetime:
    """``SOURCE_DATE_EPOCH`` (seconds since 1970, UTC) when set, else now; always timezone-aware UTC."""
    raw = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not raw:
        return datetime.now(timezone.utc).replace(microsecond=0)
    try:
        seconds = int(raw)
        return datetime.fromtimestamp(seconds, timezone.utc)
    except (ValueError, OverflowError, OSError):
        # The reproducible-builds convention: a malformed value is an error, not silently "now".
        raise ConfigError(f"环境变量 SOURCE_DATE_EPOCH 应为整数秒（自 1970-01-01 UTC 起），实际为 {raw!r}") from None


def as_utc(moment: datetime) -> datetime:
    """``moment`` in UTC; a naive datetime is taken to be UTC already."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


def iso_utc(moment: datetime) -> str:
    """ISO 8601 in UTC with a ``Z`` suffix and whole seconds, e.g. ``2024-03-01T08:00:00Z``."""
    return as_utc(moment).strftime("%Y-%m-%dT%H:%M:%SZ")
