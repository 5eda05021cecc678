"""What leaves the workspace: one report's HTML, JSON, item CSV and Word; a comparison's HTML and Word;
the season's CSV, JSON and pages.

Every export carries the reviews (人工复核) beside the machine verdicts. The season exports are
the ``fzscore batch`` outputs (``summary.csv`` with a BOM, ``summary.json``, ``index.html`` and one
page per report), rebuilt from the store, so the same renderers lay them out.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Sequence

from scorer.audit.batch import BatchSettings, safe_stem
from scorer.model import (
    BatchResult,
    Closest,
    CompareResult,
    CopyDetectConfig,
    CopyReport,
    ReportRow,
    Review,
    Scorecard,
    SimilarPair,
)
from scorer.render import batch_index, docx, html, json_format, summary
from scorer.render import compare as compare_render
from scorer.serve.codec import decode, decode_scorecard
from scorer.serve.store import ReportRecord, Store


def report_html(card: Scorecard, reviews: Sequence[Review], generated_at: datetime) -> str:
    return html.format(card, generated_at=generated_at, reviews=reviews)


def report_json(card: Scorecard, reviews: Sequence[Review]) -> str:
    return json_format.format(card, reviews=reviews)


def report_items_csv(card: Scorecard, reviews: Sequence[Review]) -> bytes:
    return summary.items_csv(card, reviews).encode("utf-8-sig")


def comparison_html(result: CompareResult, generated_at: datetime) -> str:
    return compare_render.format_html(result, generated_at=generated_at)


def comparison_docx(result: CompareResult, generated_at: datetime) -> bytes:
    return docx.format_compare(result, generated_at=generated_at)


def report_docx(card: Scorecard, reviews: Sequence[Review], generated_at: datetime) -> bytes:
    """The Word gap report of one report, reviews included."""
    return docx.format_scorecard(card, generated_at=generated_at, reviews=reviews)


# ---------------------------------------------------------------------------------------------
# The season
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Season:
    """The store's reports as a BatchResult, with each report's export name and reviews."""

    batch: BatchResult
    records: tuple[ReportRecord, ...]  # the ones with a result, in row order
    reviews: dict[str, list[Review]]  # by row path


def page_name(record: ReportRecord) -> str:
    return f"{record.id:04d}-{safe_stem(record.name)}.html"


def _paths(records: Sequence[ReportRecord]) -> dict[int, str]:
    """A unique name per report for the summaries (the upload name; numbered when two share it)."""
    counts: dict[str, int] = {}
    for record in records:
        counts[record.name] = counts.get(record.name, 0) + 1
    return {r.id: r.name if counts[r.name] == 1 else f"{r.name}（#{r.id}）" for r in records}


def season(store: Store, generated_at: datetime, ids: Sequence[int] | None = None) -> Season:
    records = store.reports(ids=ids)
    paths = _paths(records)
    rows: list[ReportRow] = []
    kept: list[ReportRecord] = []
    for record in records:
        path = paths[record.id]
        if not record.has_result:
            if record.state == "failed":
                rows.append(ReportRow(path=path, page=None, error=record.error or "评分失败", sha256=record.sha256))
            continue  # still queued: not part of the season's results yet
        kept.append(record)
        closest = paths.get(record.closest_id) if record.closest_id is not None else None
        rows.append(
            ReportRow(
                path=path,
                page=page_name(record),
                title=record.title,
                jurisdiction=record.jurisdiction,
                level=record.level,
                year=record.year,
                date=record.date,
                score=record.score,
                grade=record.grade,
                key_not_covered_titles=record.key_missing_titles,
                key_not_covered=record.key_missing_titles,
                covered=record.covered,
                partial=record.partial,
                missing=record.missing,
                not_applicable=record.not_applicable,
                sha256=record.sha256,
                closest=closest,
                closest_similarity=record.closest_similarity if closest else None,
            )
        )
    rows.sort(key=lambda row: row.path)
    config = CopyDetectConfig()
    pairs: list[SimilarPair] = []
    for pair in store.copy_pairs():
        if pair.a_id in paths and pair.b_id in paths:
            stored = decode(pair.pair, SimilarPair)
            shorter = paths[int(stored.shorter)] if stored.shorter.isdigit() and int(stored.shorter) in paths else ""
            pairs.append(_renamed(stored, paths[pair.a_id], paths[pair.b_id], shorter))
    closest = tuple(
        (paths[r.id], Closest(paths.get(r.closest_id) if r.closest_id is not None else None, r.closest_similarity or 0.0))
        for r in kept
    )
    copies = CopyReport(config=config, closest=closest, flagged=tuple(pairs), flagged_total=len(pairs))
    batch = BatchResult(rows=tuple(rows), copies=copies, out_dir="", generated_at=generated_at, settings=BatchSettings())
    all_reviews = store.reviews_of([r.id for r in kept])
    return Season(batch, tuple(kept), {paths[r.id]: all_reviews.get(r.id, []) for r in kept})


def _renamed(pair: SimilarPair, a: str, b: str, shorter: str) -> SimilarPair:
    return replace(pair, a=a, b=b, shorter=shorter or a)


def summary_csv(data: Season) -> bytes:
    return summary.to_csv(data.batch, reviews=data.reviews).encode("utf-8-sig")


def summary_json(data: Season) -> str:
    return summary.to_json(data.batch, reviews=data.reviews)


def pages_zip(store: Store, data: Season, generated_at: datetime) -> bytes:
    """index.html, one page per report (reviews shown), summary.csv and summary.json, as a zip."""
    buffer = io.BytesIO()
    stamp = generated_at.timetuple()[:6]

    def add(name: str, content: bytes) -> None:
        info = zipfile.ZipInfo(name, date_time=stamp)
        info.compress_type = zipfile.ZIP_DEFLATED
        info.flag_bits |= 0x800  # UTF-8 names
        archive.writestr(info, content)

    with zipfile.ZipFile(buffer, "w") as archive:
        add("index.html", batch_index.format(data.batch).encode("utf-8"))
        add("summary.csv", summary_csv(data))
        add("summary.json", summary_json(data).encode("utf-8"))
        by_page = {row.page: row.path for row in data.batch.rows if row.page}
        for record in data.records:
            blob = store.scorecard_blob(record.id)
            if blob is None:
                continue
            card = decode_scorecard(blob)
            name = page_name(record)
            add(name, report_html(card, data.reviews.get(by_page[name], []), generated_at).encode("utf-8"))
    return buffer.getvalue()
