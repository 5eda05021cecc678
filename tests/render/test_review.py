"""Reviews (人工复核) in the renderers: shown beside the machine verdict, and no change without them."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime, timezone

from render.scorecard_factory import HOSTILE, make_scorecard

from scorer.audit.batch import BatchSettings
from scorer.model import BatchResult, CopyDetectConfig, CopyReport, ReportRow, Review, Status
from scorer.render import html, json_format, summary
from scorer.render.review import review_line

FIXED = datetime(2024, 3, 1, 8, 30, tzinfo=timezone.utc)
WHEN = datetime(2025, 3, 2, 9, 15, tzinfo=timezone.utc)


def a_review(card, status=Status.COVERED, machine=None, **changes) -> Review:
    item = next(i for i in card.items if i.status is Status.PARTIAL)
    values = dict(pack=item.pack, item=item.id, machine_status=machine or item.status, status=status, reason="附件列明了目录", reviewer="张三", reviewed_at=WHEN)
    values.update(changes)
    return Review(**values)


def test_the_review_line_names_both_verdicts_reason_who_and_when():
    card = make_scorecard()
    review = a_review(card)
    assert review_line(review) == "人工复核：部分覆盖 → 已覆盖，理由：附件列明了目录，复核人：张三，2025-03-02 09:15 UTC"
    confirmed = a_review(card, status=Status.PARTIAL, reason="")
    assert review_line(confirmed) == "人工复核：确认 部分覆盖，复核人：张三，2025-03-02 09:15 UTC"
    assert review_line(review, Status.MISSING).endswith("（⚠ 复核后机器判定已由“部分覆盖”变为“未覆盖”，请重新复核）")


def test_html_json_and_csv_are_unchanged_without_reviews():
    card = make_scorecard()
    assert html.format(card, generated_at=FIXED) == html.format(card, generated_at=FIXED, reviews=())
    assert json_format.format(card) == json_format.format(card, reviews=())
    data = json.loads(json_format.format(card))
    assert "review_counts" not in data and not any("review" in item for item in data["items"])
    batch = BatchResult((ReportRow(path="a.txt", page="a.html", score=70.0),), CopyReport(CopyDetectConfig(), (), ()), "", FIXED, BatchSettings())
    assert summary.to_csv(batch).splitlines()[0] == ",".join(summary.CSV_COLUMNS)
    assert "reviews" not in summary.to_json(batch)


def test_html_shows_the_review_beside_the_machine_verdict_and_escapes_it():
    card = make_scorecard()
    review = a_review(card, reason=f"理由{HOSTILE}")
    page = html.format(card, generated_at=FIXED, reviews=[review])
    assert "<strong>人工复核：</strong>部分覆盖 → 已覆盖，理由：理由&lt;script&gt;" in page
    assert "<script>" not in page
    assert "人工复核 1 项，其中改判 1 项" in page
    # The machine's verdict stays on the item: the review is shown next to it, not instead of it.
    item = next(i for i in card.items if i.id == review.item and i.pack == review.pack)
    assert page.count("人工复核：已覆盖") >= 1 and item.status is Status.PARTIAL


def test_json_carries_the_review_per_item_and_the_latest_wins():
    card = make_scorecard()
    older = a_review(card, status=Status.MISSING, reason="先判未覆盖", reviewed_at=WHEN.replace(hour=8))
    newer = a_review(card)
    data = json.loads(json_format.format(card, reviews=[newer, older]))
    item = next(i for i in data["items"] if "review" in i)
    assert item["status"] == "partial"
    assert item["review"] == {
        "status": "covered",
        "machine_status": "partial",
        "overrides": True,
        "reason": "附件列明了目录",
        "reviewer": "张三",
        "reviewed_at": "2025-03-02T09:15:00Z",
        "machine_changed": False,
    }
    assert data["review_counts"] == {"reviewed": 1, "overridden": 1, "machine_changed": 0}


def test_item_csv_puts_machine_and_human_side_by_side():
    card = make_scorecard()
    review = a_review(card, machine=Status.MISSING, reason="=HYPERLINK(1)")
    rows = list(csv.DictReader(io.StringIO(summary.items_csv(card, [review]))))
    assert len(rows) == len(card.items)
    row = next(r for r in rows if r["item"] == review.item)
    assert (row["machine_status"], row["review_status"], row["machine_changed"]) == ("部分覆盖", "已覆盖", "是")
    assert row["review_reason"] == "'=HYPERLINK(1)"  # never a formula in Excel
    assert sum(1 for r in rows if r["review_status"]) == 1


def test_batch_summaries_carry_reviews_when_given():
    card = make_scorecard()
    review = a_review(card)
    rows = (ReportRow(path="a.txt", page="a.html", score=70.0), ReportRow(path="b.txt", page="b.html", score=60.0))
    batch = BatchResult(rows, CopyReport(CopyDetectConfig(), (), ()), "", FIXED, BatchSettings())
    table = list(csv.DictReader(io.StringIO(summary.to_csv(batch, reviews={"a.txt": [review]}))))
    assert (table[0]["reviewed"], table[1]["reviewed"]) == ("1", "0")
    assert "部分覆盖 → 已覆盖" in table[0]["reviews"] and table[1]["reviews"] == ""
    data = json.loads(summary.to_json(batch, reviews={"a.txt": [review]}))
    assert data["reports"][0]["reviews"][0]["item"] == review.item and data["reports"][1]["reviews"] == []


def test_word_carries_the_review_and_is_unchanged_without_one():
    import io as io_

    import docx as python_docx

    from scorer.render import docx

    card = make_scorecard()
    assert docx.format_scorecard(card, generated_at=FIXED) == docx.format_scorecard(card, generated_at=FIXED, reviews=())
    document = python_docx.Document(io_.BytesIO(docx.format_scorecard(card, generated_at=FIXED, reviews=[a_review(card)])))
    text = "\n".join(p.text for p in document.paragraphs)
    cells = "\n".join(c.text for t in document.tables for r in t.rows for c in r.cells)
    assert "人工复核：1 项，其中改判 1 项" in text
    assert "部分覆盖 → 已覆盖，理由：附件列明了目录，复核人：张三，2025-03-02 09:15 UTC" in text  # in the gap list
    assert "人工复核：部分覆盖 → 已覆盖" in cells  # and in the item table
