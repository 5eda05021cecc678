"""Word output (scorer.render.docx): read back with python-docx, and opened by a real client.

The LibreOffice test converts the .docx to PDF with ``soffice --headless`` and checks the PDF text.
It is skipped with a reason where LibreOffice is not installed, except under CI (env ``CI`` set),
where a missing LibreOffice is a failure: .ci/run installs it.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import zipfile
from datetime import datetime, timezone

import docx
import pytest
from corpus_paths import EXAMPLES_DIR
from docx.oxml.ns import qn

from scorer.model import Status
from scorer.pipeline import Scorer
from scorer.render import docx as render_docx
from scorer.render.view import build_context

FIXED = datetime(2025, 3, 1, 8, 30, tzinfo=timezone.utc)
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.fixture(scope="module")
def scorer() -> Scorer:
    return Scorer()


@pytest.fixture(scope="module")
def weak_card(scorer):
    return scorer.score_path(EXAMPLES_DIR / "qinghe_2024_weak.txt")


@pytest.fixture(scope="module")
def weak_docx(weak_card) -> bytes:
    return render_docx.format_scorecard(weak_card, generated_at=FIXED)


@pytest.fixture(scope="module")
def comparison(scorer):
    from scorer.audit.compare import compare_paths

    return compare_paths(scorer, str(EXAMPLES_DIR / "qinghe_2023.txt"), str(EXAMPLES_DIR / "qinghe_2024_strong.txt"))


@pytest.fixture(scope="module")
def compare_docx(comparison) -> bytes:
    return render_docx.format_compare(comparison, generated_at=FIXED)


def read(data: bytes) -> docx.document.Document:
    return docx.Document(io.BytesIO(data))


def headings(document, level: int) -> list[str]:
    return [p.text for p in document.paragraphs if p.style.name == f"Heading {level}"]


def all_text(document) -> str:
    pieces = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            pieces.extend(cell.text for cell in row.cells)
    return "\n".join(pieces)


def gaps(card):
    context = build_context(card)
    return context["gaps"]


# ---------------------------------------------------------------------------------------------
# The gap report of one scored report
# ---------------------------------------------------------------------------------------------


def test_same_sections_as_the_html_report(weak_docx, weak_card):
    document = read(weak_docx)
    assert document.paragraphs[0].style.name == "Title"
    assert document.paragraphs[0].text == weak_card.document.meta.title
    assert headings(document, 1) == ["总分与结论", "差距清单", "分项得分", "逐项明细", "报告结构", "方法与局限"]


def test_headline(weak_docx, weak_card):
    text = all_text(read(weak_docx))
    assert f"{weak_card.score:.1f} / 100 分" in text and weak_card.grade in text
    for key in weak_card.key_not_covered:
        assert key in text


def test_every_gap_has_a_heading_with_reason_advice_and_basis(weak_docx, weak_card):
    document = read(weak_docx)
    gap_views = gaps(weak_card)
    expected = [i for i in weak_card.items if i.status in (Status.MISSING, Status.PARTIAL)]
    assert len(gap_views) == len(expected) > 5
    level_2 = headings(document, 2)
    text = all_text(document)
    for number, gap in enumerate(gap_views, start=1):
        heading = next(h for h in level_2 if h.startswith(f"{number}. "))
        assert gap.title in heading and gap.status.word in heading
        assert ("★ 关键项" in heading) == gap.key
        assert gap.reason in text and gap.advice in text and gap.basis in text


def test_item_tables_list_every_item(weak_docx, weak_card):
    document = read(weak_docx)
    item_tables = [t for t in document.tables if [c.text for c in t.rows[0].cells] == ["条目", "状态", "得分", "判定理由"]]
    rows = [row for table in item_tables for row in table.rows[1:]]
    assert len(rows) == len(weak_card.items)
    titles = {row.cells[0].text.split("　")[0] for row in rows}
    assert titles == {item.title for item in weak_card.items}
    # the header row repeats on every page
    assert all(t.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None for t in item_tables)


def test_evidence_is_quoted(weak_docx, weak_card):
    document = read(weak_docx)
    quotes = [p.text for p in document.paragraphs if p.style.name == "Quote"]
    for item in weak_card.items:
        for evidence in item.evidence:
            assert f"“{evidence.text}”" in quotes, evidence.text
    # matched terms are highlighted in the quotes
    highlighted = [r.text for p in document.paragraphs if p.style.name == "Quote" for r in p.runs if r.font.highlight_color]
    assert highlighted


def test_structure_tables(weak_docx, weak_card):
    document = read(weak_docx)
    required = next(t for t in document.tables if t.rows[0].cells[0].text == "必备部分")
    assert len(required.rows) == 5
    parts = next(t for t in document.tables if t.rows[0].cells[0].text == "本报告的一级部分")
    headings_found = {row.cells[0].text for row in parts.rows[1:]}
    assert {s.heading for s in weak_card.document.sections} <= headings_found


def test_a4_fonts_and_no_macros(weak_docx):
    document = read(weak_docx)
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    styles = document.styles
    for name, font in (("Normal", render_docx.BODY_FONT), ("Heading 1", render_docx.HEADING_FONT), ("Title", render_docx.HEADING_FONT)):
        fonts = styles[name].element.rPr.find(qn("w:rFonts"))
        assert fonts.get(qn("w:eastAsia")) == font
        # a theme font would override the name: none may be left
        assert not any(fonts.get(qn(a)) for a in ("w:eastAsiaTheme", "w:asciiTheme", "w:hAnsiTheme"))
    with zipfile.ZipFile(io.BytesIO(weak_docx)) as package:
        names = package.namelist()
        assert not any("vbaProject" in n or n.endswith(".bin") for n in names)
        types = package.read("[Content_Types].xml").decode()
        assert "macroEnabled" not in types
        font_table = package.read("word/fontTable.xml").decode()
        assert 'w:name="宋体"' in font_table and 'w:val="SimSun"' in font_table
        assert 'w:name="仿宋"' in font_table and 'w:val="FangSong"' in font_table
        assert "docProps/thumbnail.jpeg" not in names
    assert not any(rel.is_external for rel in document.part.rels.values())  # no links out of the file


def test_status_marks_have_a_font_that_has_them(weak_docx):
    """With the Latin font a bold heading showed half a ◐ in LibreOffice; the marks get a symbol font."""
    document = read(weak_docx)
    marked = 0
    for paragraph in document.paragraphs:
        for run in paragraph.runs:
            if any(mark in run.text for mark in "✔◐✘★"):
                assert set(run.text) <= set("✔◐✘★"), run.text  # the mark alone in its run
                fonts = run._r.rPr.find(qn("w:rFonts"))
                assert fonts.get(qn("w:ascii")) == fonts.get(qn("w:eastAsia")) == render_docx.SYMBOL_FONT
                marked += 1
    gap_headings = [h for h in headings(document, 2) if "◐" in h or "✘" in h]
    assert gap_headings and marked >= len(gap_headings)


def test_deterministic_with_source_date_epoch(weak_card, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1740000000")
    first = render_docx.format_scorecard(weak_card)
    second = render_docx.format_scorecard(weak_card)
    assert first == second
    moment = datetime.fromtimestamp(1740000000, timezone.utc)
    properties = read(first).core_properties
    assert properties.created == moment.replace(tzinfo=None) or properties.created == moment
    assert properties.author == "fzscore"
    with zipfile.ZipFile(io.BytesIO(first)) as package:
        assert {info.date_time for info in package.infolist()} == {moment.timetuple()[:6]}


def test_an_epoch_before_1980_still_gives_a_valid_package(weak_card):
    data = render_docx.format_scorecard(weak_card, generated_at=datetime(1970, 1, 1, tzinfo=timezone.utc))
    assert read(data).paragraphs[0].style.name == "Title"


def test_report_text_is_kept_as_text(scorer):
    """Markup-like text in a report is plain text in Word (no field codes, no XML injection)."""
    text = (EXAMPLES_DIR / "qinghe_2024_weak.txt").read_text(encoding="utf-8")
    hostile = text.replace("青禾县", "青禾县<w:t>&amp;{ PAGE }", 1)  # the title is no longer one
    card = scorer.score_text(hostile, "报告<w:t>&lt;{PAGE}.txt")
    assert card.document.meta.title is None
    document = read(render_docx.format_scorecard(card, generated_at=FIXED))
    assert document.paragraphs[0].text == "报告<w:t>&lt;{PAGE}.txt"  # the file name stands in for the title
    assert "青禾县<w:t>&amp;{ PAGE }" in all_text(document)


# ---------------------------------------------------------------------------------------------
# The comparison
# ---------------------------------------------------------------------------------------------


def test_compare_document(compare_docx, comparison):
    document = read(compare_docx)
    assert document.paragraphs[0].style.name == "Title"
    assert headings(document, 1) == ["重复上一年度的问题", "上一年度安排的落实情况", "沿用上一年度的成效段落", "逐项变化", "方法与局限"]
    text = all_text(document)
    assert comparison.verdict in text
    problems = next(t for t in document.tables if t.rows[0].cells[0].text == "本年度的表述")
    assert [(r.cells[0].text, r.cells[1].text) for r in problems.rows[1:]] == [
        (p.this.text, p.last.text) for p in comparison.repeated_problems
    ]
    level_2 = headings(document, 2)
    for point in comparison.plan_points:
        word = "见成效" if point.followed else "未见报告"
        assert any(point.title in h and word in h for h in level_2), point.title
    recycled = next(t for t in document.tables if t.rows[0].cells[0].text == "本年度的段落")
    assert len(recycled.rows) - 1 == len(comparison.recycled)


# ---------------------------------------------------------------------------------------------
# A real client: LibreOffice converts the document to PDF
# ---------------------------------------------------------------------------------------------


def soffice() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None:
        reason = "LibreOffice (soffice) is not installed; apt-get install libreoffice-writer-nogui fonts-noto-cjk"
        if os.environ.get("CI"):
            pytest.fail(f"{reason} (required in CI)")
        pytest.skip(reason)
    return found


def to_pdf_text(data: bytes, tmp_path, name: str) -> str:
    import pdfplumber

    source = tmp_path / f"{name}.docx"
    source.write_bytes(data)
    profile = tmp_path / "lo-profile"  # a private profile: no clash with another soffice
    completed = subprocess.run(
        [soffice(), f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
        capture_output=True,
        text=True,
        timeout=180,
    )
    pdf = tmp_path / f"{name}.pdf"
    assert completed.returncode == 0 and pdf.exists(), completed.stdout + completed.stderr
    with pdfplumber.open(pdf) as document:
        assert document.pages[0].width == pytest.approx(595, abs=2)  # A4: 210 mm
        assert document.pages[0].height == pytest.approx(842, abs=2)
        return "".join(page.extract_text() or "" for page in document.pages)


def compact(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.mark.slow
def test_libreoffice_opens_the_gap_report(weak_docx, weak_card, tmp_path):
    text = compact(to_pdf_text(weak_docx, tmp_path, "weak"))
    assert compact(weak_card.document.meta.title) in text
    assert compact(f"总分：{weak_card.score:.1f}/100分") in text
    for gap in gaps(weak_card):
        assert compact(gap.title) in text, gap.title
        assert compact(gap.advice)[:40] in text, gap.title


@pytest.mark.slow
def test_libreoffice_opens_the_comparison(compare_docx, comparison, tmp_path):
    text = compact(to_pdf_text(compare_docx, tmp_path, "compare"))
    assert compact(comparison.verdict) in text
    for point in comparison.plan_points:
        assert compact(point.title) in text
