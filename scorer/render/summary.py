"""``summary.json`` and ``summary.csv`` of a batch: one entry per report, failed ones included.

Both are deterministic: rows in input-path order, JSON keys sorted, fixed CSV column order, no
timing; the only time stamp is ``generated_at`` (``SOURCE_DATE_EPOCH`` when set).
"""

from __future__ import annotations

import csv
import io
import json
from typing import TYPE_CHECKING, Any

from scorer import __version__
from scorer.render.clock import iso_utc

if TYPE_CHECKING:  # pragma: no cover
    from scorer.model import BatchResult, ReportRow, YearPair

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
    # Year over year: the comparison with the same body's report of the previous year in the batch.
    "previous",
    "score_change",
    "repeated_problems",
    "plans_followed",
    "plan_points",
    "recycled_paragraphs",
    "compare_page",
)
# A cell starting with one of these is a formula to Excel/LibreOffice (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def pair_dict(pair: "YearPair") -> dict[str, Any]:
    return {
        "last": pair.last,
        "this": pair.this,
        "page": pair.page if pair.ok else None,
        "score_change": pair.score_change,
        "repeated_problems": pair.repeated_problems,
        "problem_statements": pair.problem_statements,
        "plans_followed": pair.plans_followed,
        "plan_points": pair.plan_points,
        "recycled_paragraphs": pair.recycled,
        "verdict": pair.verdict,
        "warnings": list(pair.warnings),
        "error": pair.error,
    }


def row_dict(row: "ReportRow", previous: "YearPair | None" = None) -> dict[str, Any]:
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
        "previous_year": pair_dict(previous) if previous else None,
    }


def to_dict(batch: "BatchResult") -> dict[str, Any]:
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
            "boilerplate_paragraphs": batch.copies.boilerplate_paragraphs,
            "flagged_pairs_total": batch.copies.flagged_total,
            "max_listed_pairs": config.max_listed_pairs,
        },
        "reports": [row_dict(row, batch.years.previous_of(row.path)) for row in batch.rows],
        "year_pairs": [pair_dict(pair) for pair in batch.years.pairs],
        "unpaired": [{"file": item.path, "reason": item.reason} for item in batch.years.unpaired],
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


def to_json(batch: "BatchResult") -> str:
    return json.dumps(to_dict(batch), ensure_ascii=False, indent=2, sort_keys=True) + "\n"


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


def csv_row(row: "ReportRow", previous: "YearPair | None" = None) -> list[str]:
    compared = previous is not None and previous.ok
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
        "previous": previous.last if previous else None,
        "score_change": previous.score_change if compared else None,
        "repeated_problems": previous.repeated_problems if compared else None,
        "plans_followed": previous.plans_followed if compared else None,
        "plan_points": previous.plan_points if compared else None,
        "recycled_paragraphs": previous.recycled if compared else None,
        "compare_page": previous.page if compared else None,
    }
    return [_cell(values[column]) for column in CSV_COLUMNS]


def to_csv(batch: "BatchResult") -> str:
    """CSV text (write it with the ``utf-8-sig`` encoding so Excel detects UTF-8)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for row in batch.rows:
        writer.writerow(csv_row(row, batch.years.previous_of(row.path)))
    return buffer.getvalue()
