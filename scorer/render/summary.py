"""``summary.json`` and ``summary.csv`` of a batch: one entry per report, failed ones included.

Both are deterministic: rows in input-path order, JSON keys sorted, fixed CSV column order, no
timing; the only time stamp is ``generated_at`` (``SOURCE_DATE_EPOCH`` when set). Both are
produced in chunks, one row at a time (``json_chunks``, ``csv_chunks``), so a batch of tens of
thousands of reports is written without holding its rows or the whole text in memory.

Reviews (人工复核) from the workspace, when given, add a ``reviews`` list per report (JSON) and two
columns (CSV); without them the output is unchanged. ``items_csv`` is one report item by item, with
the machine verdict and the human one side by side.
"""

from __future__ import annotations

import csv
import io
import json
from typing import TYPE_CHECKING, Any, Iterator, Mapping, Sequence

from scorer import __version__
from scorer.model import Review, Scorecard
from scorer.render.clock import iso_utc
from scorer.render.review import STATUS_WORD, latest, review_dict, review_line

if TYPE_CHECKING:  # pragma: no cover
    from scorer.model import BatchResult, ReportRow, YearPair

SUMMARY_SCHEMA_VERSION = "1.1"  # 1.1: days_late
LIST_SEPARATOR = "; "
CSV_COLUMNS = (
    "file",
    "page",
    "title",
    "jurisdiction",
    "level",
    "year",
    "date",
    "days_late",
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
REVIEW_COLUMNS = ("reviewed", "reviews")  # added when reviews are given
ITEM_COLUMNS = (
    "pack",
    "item",
    "title",
    "key",
    "machine_status",
    "score",
    "weight",
    "review_status",
    "review_reason",
    "reviewer",
    "reviewed_at",
    "machine_changed",
    "review",
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
        "days_late": row.days_late,
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


ReviewsByPath = Mapping[str, Sequence[Review]]


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
            "boilerplate_paragraphs": batch.copies.boilerplate_paragraphs,
            "flagged_pairs_total": batch.copies.flagged_total,
            "max_listed_pairs": config.max_listed_pairs,
        },
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


def _report_entry(batch: "BatchResult", row: "ReportRow", reviews: ReviewsByPath | None) -> dict[str, Any]:
    entry = row_dict(row, batch.years.previous_of(row.path))
    if reviews is not None:
        entry["reviews"] = [
            {"pack": r.pack, "item": r.item, **review_dict(r, None)}
            for r in sorted(latest(reviews.get(row.path, ())).values())
        ]
    return entry


def to_dict(batch: "BatchResult", reviews: ReviewsByPath | None = None) -> dict[str, Any]:
    return {**_head(batch), "reports": [_report_entry(batch, row, reviews) for row in batch.rows]}


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True)


# Where the reports go in the head's JSON: keys are sorted and every string escapes its line
# breaks, so this line (two spaces deep) can only be the key itself.
_REPORTS_SLOT = '\n  "reports": []'


def json_chunks(batch: "BatchResult", reviews: ReviewsByPath | None = None) -> Iterator[str]:
    """``summary.json`` piece by piece: exactly ``to_json`` (one row at a time in memory)."""
    head = _dumps({**_head(batch), "reports": []})
    before, slot, after = head.partition(_REPORTS_SLOT)
    assert slot, "the reports key is missing from the summary head"
    yield before + '\n  "reports": ['
    first = True
    for row in batch.rows:
        text = _dumps(_report_entry(batch, row, reviews)).replace("\n", "\n    ")
        yield ("\n    " if first else ",\n    ") + text
        first = False
    yield ("]" if first else "\n  ]") + after + "\n"


def to_json(batch: "BatchResult", reviews: ReviewsByPath | None = None) -> str:
    return "".join(json_chunks(batch, reviews))


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
        "days_late": row.days_late,
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


def csv_chunks(batch: "BatchResult", reviews: ReviewsByPath | None = None) -> Iterator[str]:
    """CSV text one line at a time (write it with the ``utf-8-sig`` encoding so Excel detects UTF-8)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS + (REVIEW_COLUMNS if reviews is not None else ()))
    for row in batch.rows:
        cells = csv_row(row, batch.years.previous_of(row.path))
        if reviews is not None:
            reviewed = sorted(latest(reviews.get(row.path, ())).values())
            cells += [_cell(len(reviewed)), _cell([f"{r.key} {review_line(r)}" for r in reviewed])]
        writer.writerow(cells)
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue()


def to_csv(batch: "BatchResult", reviews: ReviewsByPath | None = None) -> str:
    """CSV text (write it with the ``utf-8-sig`` encoding so Excel detects UTF-8)."""
    return "".join(csv_chunks(batch, reviews))


def items_csv(scorecard: Scorecard, reviews: Sequence[Review] = ()) -> str:
    """One report item by item: machine verdict, score, and the 人工复核 beside it (utf-8-sig to write)."""
    reviewed = latest(reviews)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(ITEM_COLUMNS)
    for item in scorecard.items:
        review = reviewed.get(f"{item.pack}:{item.id}")
        values: dict[str, Any] = {
            "pack": item.pack,
            "item": item.id,
            "title": item.title,
            "key": "是" if item.key else "",
            "machine_status": STATUS_WORD[item.status],
            "score": f"{item.score:g}",
            "weight": f"{item.weight:g}",
        }
        if review is not None:
            values.update(
                review_status=STATUS_WORD[review.status],
                review_reason=review.reason,
                reviewer=review.reviewer,
                reviewed_at=iso_utc(review.reviewed_at),
                machine_changed="是" if review.machine_changed(item.status) else "",
                review=review_line(review, item.status),
            )
        writer.writerow([_cell(values.get(column)) for column in ITEM_COLUMNS])
    return buffer.getvalue()
