"""``summary.json`` and ``summary.csv`` of a batch: one entry per report, failed ones included.

Both are deterministic: rows in input-path order, JSON keys sorted, fixed CSV column order, no
timing; the only time stamp is ``generated_at`` (``SOURCE_DATE_EPOCH`` when set). Both are
produced in chunks, one row at a time (``json_chunks``, ``csv_chunks``), so a batch of tens of
thousands of reports is written without holding its rows or the whole text in memory.
"""

from __future__ import annotations

import csv
import io
import json
from typing import TYPE_CHECKING, Any, Iterator

from scorer import __version__
from scorer.render.clock import iso_utc

if TYPE_CHECKING:  # pragma: no cover
    from scorer.model import BatchResult, ReportRow

SUMMARY_SCHEMA_VERSION = "1.0"
LIST_SEPARATOR = "; "
CSV_COLUMNS = (
    "file",
    "page",
    "title",
    "jurisdiction",
    "level",
    "year",
    "date",
    "score",
    "grade",
    "packs",
    "key_not_covered",
    "covered",
    "partial",
    "missing",
    "not_applicable",
    "waived",
    "closest",
    "closest_similarity",
    "sha256",
    "error",
)
# A cell starting with one of these is a formula to Excel/LibreOffice (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def row_dict(row: "ReportRow") -> dict[str, Any]:
    return {
        "file": row.path,
        "page": row.page,
        "error": row.error,
        "title": row.title,
        "jurisdiction": row.jurisdiction,
        "level": row.level,
        "year": row.year,
        "date": row.date,
        "score": row.score,
        "grade": row.grade,
        "packs": list(row.packs),
        "key_not_covered": list(row.key_not_covered),
        "counts": {
            "covered": row.covered,
            "partial": row.partial,
            "missing": row.missing,
            "not_applicable": row.not_applicable,
        }
        if row.ok
        else None,
        "waived": list(row.waived),
        "warnings": list(row.warnings),
        "sha256": row.sha256,
        "closest": {"file": row.closest, "similarity": row.closest_similarity} if row.closest else None,
    }


def _head(batch: "BatchResult") -> dict[str, Any]:
    """Everything but the reports."""
    config = batch.copies.config
    return {
        "schema_version": SUMMARY_SCHEMA_VERSION,
        "tool": {"name": "fazhi-scorecard", "version": __version__},
        "generated_at": iso_utc(batch.generated_at),
        "counts": {"inputs": len(batch.rows), "scored": batch.scored, "failed": batch.failed},
        "copy_detection": {
            "paragraph_similarity": config.paragraph_similarity,
            "flag_similarity": config.flag_similarity,
            "min_paragraph_chars": config.min_paragraph_chars,
            "boilerplate_share": config.boilerplate_share,
            "boilerplate_max_reports": config.boilerplate_max_reports,
            "boilerplate_paragraphs": batch.copies.boilerplate_paragraphs,
            "flagged_pairs_total": batch.copies.flagged_total,
            "max_listed_pairs": config.max_listed_pairs,
        },
        "similar_pairs": [
            {
                "a": pair.a,
                "b": pair.b,
                "similarity": pair.similarity,
                "shorter": pair.shorter,
                "paragraphs_a": pair.paragraphs_a,
                "paragraphs_b": pair.paragraphs_b,
                "shared": [
                    {
                        "index_a": s.index_a,
                        "index_b": s.index_b,
                        "text_a": s.text_a,
                        "text_b": s.text_b,
                        "similarity": s.similarity,
                    }
                    for s in pair.shared
                ],
            }
            for pair in batch.copies.flagged
        ],
    }


def to_dict(batch: "BatchResult") -> dict[str, Any]:
    return {**_head(batch), "reports": [row_dict(row) for row in batch.rows]}


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True)


# Where the reports go in the head's JSON: keys are sorted and every string escapes its line
# breaks, so this line (two spaces deep) can only be the key itself.
_REPORTS_SLOT = '\n  "reports": []'


def json_chunks(batch: "BatchResult") -> Iterator[str]:
    """``summary.json`` piece by piece: exactly ``to_json`` (one row at a time in memory)."""
    head = _dumps({**_head(batch), "reports": []})
    before, slot, after = head.partition(_REPORTS_SLOT)
    assert slot, "the reports key is missing from the summary head"
    yield before + '\n  "reports": ['
    first = True
    for row in batch.rows:
        text = _dumps(row_dict(row)).replace("\n", "\n    ")
        yield ("\n    " if first else ",\n    ") + text
        first = False
    yield ("]" if first else "\n  ]") + after + "\n"


def to_json(batch: "BatchResult") -> str:
    return "".join(json_chunks(batch))


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.4g}" if abs(value) < 1 else f"{value:.1f}"
    if isinstance(value, (tuple, list)):
        value = LIST_SEPARATOR.join(str(v) for v in value)
    text = str(value)
    if text.startswith(_FORMULA_START):
        text = "'" + text  # shown as text, never evaluated
    return text


def csv_row(row: "ReportRow") -> list[str]:
    values = {
        "file": row.path,
        "page": row.page,
        "title": row.title,
        "jurisdiction": row.jurisdiction,
        "level": row.level,
        "year": row.year,
        "date": row.date,
        "score": row.score,
        "grade": row.grade,
        "packs": row.packs,
        "key_not_covered": row.key_not_covered,
        "covered": row.covered if row.ok else None,
        "partial": row.partial if row.ok else None,
        "missing": row.missing if row.ok else None,
        "not_applicable": row.not_applicable if row.ok else None,
        "waived": row.waived,
        "closest": row.closest,
        "closest_similarity": row.closest_similarity,
        "sha256": row.sha256,
        "error": row.error,
    }
    return [_cell(values[column]) for column in CSV_COLUMNS]


def csv_chunks(batch: "BatchResult") -> Iterator[str]:
    """CSV text one line at a time (write it with the ``utf-8-sig`` encoding so Excel detects UTF-8)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for row in batch.rows:
        writer.writerow(csv_row(row))
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue()


def to_csv(batch: "BatchResult") -> str:
    """CSV text (write it with the ``utf-8-sig`` encoding so Excel detects UTF-8)."""
    return "".join(csv_chunks(batch))
