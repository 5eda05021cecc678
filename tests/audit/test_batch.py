"""scorer.batch and the batch summaries, without the CLI: inputs, page names, output safety, rows."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import datetime, timezone
from pathlib import Path

import pytest
from test_config import make_card, make_item

from scorer.audit.batch import (
    BatchSettings,
    check_output_dir,
    collect_inputs,
    document_paragraphs,
    page_names,
    summarise,
)
from scorer.errors import FzError
from scorer.model import (
    BatchResult,
    Closest,
    CopyDetectConfig,
    CopyReport,
    ReportRow,
    Status,
)
from scorer.render import batch_index, summary


def touch(path: Path, content: str = "x") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content, encoding="utf-8")
    return path


def test_collect_inputs_takes_files_and_folder_contents(tmp_path):
    touch(tmp_path / "in" / "b.docx")
    touch(tmp_path / "in" / "a.txt")
    touch(tmp_path / "in" / "notes.xyz")  # unknown kinds are attempted too
    touch(tmp_path / "in" / ".fzscore.yaml")  # hidden: skipped
    touch(tmp_path / "in" / "sub" / "deep.txt")  # sub-folders: not searched
    single = touch(tmp_path / "other" / "c.md")
    found = collect_inputs([str(tmp_path / "in"), str(single), str(tmp_path / "in" / "a.txt"), "missing.txt"])
    names = [Path(p).name for p in found]
    assert sorted(names) == ["a.txt", "b.docx", "c.md", "missing.txt", "notes.xyz"]
    assert found == sorted(found)


def test_page_names_are_distinct_and_safe(tmp_path):
    for name in ("a.txt", "a.md", "A.docx", "index.txt", 'x<y>:"z|?*.txt', "..txt", "报告#1%.pdf"):
        touch(tmp_path / name)
    inputs = collect_inputs([str(tmp_path)])
    names = page_names(inputs)
    assert len({n.lower() for n in names}) == len(names) and "index.html" not in names
    assert all(re.fullmatch(r"[^<>:\"/\\|?*%#]+\.html", n) for n in names)
    by_input = dict(zip((Path(p).name for p in inputs), names))
    assert {by_input["A.docx"], by_input["a.md"], by_input["a.txt"]} == {"A.html", "a-2.html", "a-3.html"}
    assert by_input["index.txt"] == "index-2.html"
    assert by_input["报告#1%.pdf"] == "报告_1_.html"


def test_output_dir_checks(tmp_path):
    inputs = [str(touch(tmp_path / "in" / "a.txt"))]
    out = tmp_path / "out"
    check_output_dir(out, inputs, ["a.html"], force=False)  # does not exist yet: fine
    out.mkdir()
    (out / ".gitkeep").write_text("")
    check_output_dir(out, inputs, ["a.html"], force=False)  # only hidden files: still empty
    touch(out / "old.html")
    with pytest.raises(FzError, match="非空"):
        check_output_dir(out, inputs, ["a.html"], force=False)
    check_output_dir(out, inputs, ["a.html"], force=True)
    with pytest.raises(FzError, match="输入文件"):
        check_output_dir(tmp_path / "in", inputs, ["a.html"], force=True)
    touch(tmp_path / "file_not_dir")
    with pytest.raises(FzError, match="不是目录"):
        check_output_dir(tmp_path / "file_not_dir", inputs, ["a.html"], force=True)


def test_summarise_and_paragraphs(seed_by_prefix):
    scorer_module = pytest.importorskip("scorer.pipeline")
    card = scorer_module.Scorer(waivers=[("legislation", "理由")]).score_path(seed_by_prefix("002"))
    row = summarise(card, "x/002.txt", "002.html")
    assert row.ok and row.page == "002.html" and row.score == card.score
    assert row.covered + row.partial + row.missing + row.not_applicable == len(card.items)
    assert row.key_not_covered == card.key_not_covered and len(row.key_not_covered_titles) == len(row.key_not_covered)
    paragraphs = document_paragraphs(card.document)
    assert paragraphs and all(p in card.document.text for p in paragraphs)
    # The signature block is not part of the body that copy detection compares.
    closing = {p.text for p in card.document.closing}
    assert not closing & set(paragraphs)


def _batch(rows: list[ReportRow], copies: CopyReport | None = None) -> BatchResult:
    return BatchResult(
        rows=tuple(rows),
        copies=copies or CopyReport(CopyDetectConfig(), closest=(), flagged=()),
        out_dir="out",
        generated_at=datetime(2024, 3, 1, tzinfo=timezone.utc),
        settings=BatchSettings(),
    )


def test_summary_csv_is_stable_and_excel_safe():
    card = make_card([make_item("k", Status.MISSING, key=True)], title="=HYPERLINK(\"http://x\")")
    good = summarise(card, "a.txt", "a.html")
    bad = ReportRow(path="b.bin", page=None, error="-不是文本文件")
    text = summary.to_csv(_batch([good, bad]))
    rows = list(csv.reader(io.StringIO(text)))
    assert tuple(rows[0]) == summary.CSV_COLUMNS
    first = dict(zip(summary.CSV_COLUMNS, rows[1]))
    assert first["title"].startswith("'=")  # never a formula in Excel
    assert first["key_not_covered"] == "gangyao-2021:k" and first["error"] == ""
    second = dict(zip(summary.CSV_COLUMNS, rows[2]))
    assert second["error"] == "'-不是文本文件" and second["score"] == "" and second["covered"] == ""


def test_summary_json_is_sorted_and_complete():
    card = make_card([make_item("a", Status.COVERED)])
    row = summarise(card, "a.txt", "a.html")
    data = json.loads(summary.to_json(_batch([row, ReportRow(path="z.bin", page=None, error="坏文件")])))
    assert data["counts"] == {"inputs": 2, "scored": 1, "failed": 1}
    assert data["generated_at"] == "2024-03-01T00:00:00Z"
    assert [r["file"] for r in data["reports"]] == ["a.txt", "z.bin"]
    assert data["reports"][1]["error"] == "坏文件" and data["reports"][1]["counts"] is None
    assert list(data) == sorted(data) and list(data["reports"][0]) == sorted(data["reports"][0])


def test_index_links_are_relative_and_escaped():
    card = make_card([make_item("a", Status.COVERED)], title='<b>"标题"</b>')
    row = summarise(card, "javascript:alert(1).txt", "javascript_alert(1).html")
    other = summarise(make_card([make_item("a", Status.COVERED)]), "b.txt", "b.html")
    row = ReportRow(**{**row.__dict__, "closest": "b.txt", "closest_similarity": 0.42})
    copies = CopyReport(CopyDetectConfig(), closest=(("javascript:alert(1).txt", Closest("b.txt", 0.42)),), flagged=())
    page = batch_index.format(_batch([row, other], copies))
    assert 'href="./javascript_alert%281%29.html"' in page and 'href="./b.html"' in page
    assert "&lt;b&gt;&#34;标题&#34;&lt;/b&gt;" in page and "<b>\"标题\"" not in page
    assert "42%" in page


def test_summary_json_streamed_is_the_whole_document():
    card = make_card([make_item("a", Status.COVERED)], title='标题\n  "reports": []')
    rows = [summarise(card, f"{name}.txt", f"{name}.html") for name in ("a", "b")]
    rows.append(ReportRow(path="z.bin", page=None, error="坏文件"))
    for subset in (rows, rows[:1], []):
        batch = _batch(subset)
        whole = json.dumps(summary.to_dict(batch), ensure_ascii=False, indent=2, sort_keys=True) + "\n"
        assert "".join(summary.json_chunks(batch)) == whole
        assert "".join(summary.csv_chunks(batch)) == summary.to_csv(batch)


def test_journal_keeps_intact_lines_only(tmp_path):
    from scorer.audit.journal import Journal, JournalRows, decode_meta, encode_line

    card = make_card([make_item("a", Status.COVERED)])
    good = summarise(card, "a.txt", "a.html")
    bad = ReportRow(path="b\tb.bin", page=None, error="坏\n文件")
    journal, kept = Journal.start(tmp_path, {"format": 1})
    assert kept == []
    first = journal.append({"path": "a.txt"}, good, b"sketch-a")
    second = journal.append({"path": "b\tb.bin"}, bad, b"")
    journal.close()
    assert journal.row_at(first) == good and journal.row_at(second) == bad and journal.sketch_at(first) == b"sketch-a"
    rows = JournalRows(journal, [second, first], closest=lambda path: Closest("other.txt", 0.5))
    assert [r.path for r in rows] == ["b\tb.bin", "a.txt"] and len(rows) == 2
    assert rows[1].closest == "other.txt" and rows[0].closest is None  # failed rows have no closest
    line = encode_line({"v": 1, "path": "x"}, good, b"")
    assert decode_meta(line) == {"v": 1, "path": "x"}
    assert decode_meta(line[:-1]) is None  # cut short
    assert decode_meta(line.replace(b"a.txt", b"a.tx_")) is None  # damaged: the checksum fails
    with open(journal.path, "ab") as handle:
        handle.write(line.replace(b"a.txt", b"a.tx_") + line[:40])
    entries = list(Journal.previous_entries(tmp_path))
    assert [e.path for e in entries] == ["a.txt", "b\tb.bin"]
    # A resumed journal keeps what it is told to keep, nothing else.
    again, offsets = Journal.start(tmp_path, {"format": 1}, entries[1:])
    again.close()
    assert [e.path for e in Journal.previous_entries(tmp_path)] == ["b\tb.bin"] and again.row_at(offsets[0]) == bad


@pytest.mark.parametrize(
    ("year", "date", "expected"),
    [
        (2024, "2025-03-01", 0),  # on the day
        (2024, "2025-02-20", 0),
        (2024, "2025-03-20", 19),
        (2024, "2024-12-30", 0),
        (2023, "2024-02-29", 0),  # leap day, before the deadline
        (2024, None, None),
        (None, "2025-03-20", None),
        (2024, "2025-13-01", None),  # unreadable: unknown, not late
    ],
)
def test_days_late_counts_from_the_first_of_march(year, date, expected):
    from scorer.model.audit import days_late

    assert days_late(year, date) == expected


def test_late_reports_are_marked_in_every_batch_output():
    on_time = ReportRow(**{**summarise(make_card([make_item("a", Status.COVERED)]), "a.txt", "a.html").__dict__, "year": 2024, "date": "2025-02-20"})
    late = ReportRow(**{**on_time.__dict__, "path": "b.txt", "page": "b.html", "date": "2025-04-10"})
    undated = ReportRow(**{**on_time.__dict__, "path": "c.txt", "page": "c.html", "date": None})
    batch = _batch([on_time, late, undated])
    data = json.loads(summary.to_json(batch))
    assert [r["days_late"] for r in data["reports"]] == [0, 40, None]
    rows = list(csv.DictReader(io.StringIO(summary.to_csv(batch))))
    assert [r["days_late"] for r in rows] == ["0", "40", ""]
    page = batch_index.format(batch)
    assert page.count("逾期 40 天") == 1 and "逾期 0 天" not in page
    assert re.search(r"<dt>逾期报送</dt><dd>1 份</dd>", page)
