"""Ingest: report files (.txt .md .docx .pdf .html) -> ``scorer.model.RawText``.

``read_report(path, limits)`` reads and normalises one file within ``InputLimits`` (size bounds);
``normalize`` and ``to_original_span`` expose the normalisation and its offset map for other
stages and tests.
"""

from __future__ import annotations

from scorer.ingest.limits import DEFAULT_LIMITS, InputLimits, InputTooLarge
from scorer.ingest.normalize import normalize, to_original_span
from scorer.ingest.reader import detect_format, read_report

__all__ = ["DEFAULT_LIMITS", "InputTooLarge", "InputLimits", "detect_format", "normalize", "read_report", "to_original_span"]
