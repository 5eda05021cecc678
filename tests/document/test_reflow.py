"""Web copies with no line breaks get their layout back (scorer.document.reflow)."""

from __future__ import annotations

import pytest
from corpus_paths import require_corpus, seed_paths

from scorer.document import build_document, raw_text_from_string
from scorer.document.reflow import MIN_LINE, line_cuts, reflow
from scorer.ingest import read_report
from scorer.model import Role

ONE_LINE = (
    "青山县2024年法治政府建设情况报告"
    "市委、市政府:"
    "2024年,青山县深入学习贯彻习近平法治思想,扎实推进法治政府建设,现将有关情况报告如下:"
    "一、主要举措和成效"
    "(一)加强党的领导"
    "1.健全工作机制。县政府常务会议专题研究法治政府建设工作4次,印发《青山县2024年法治政府建设工作要点》。"
    "2.压实第一责任人职责。县长带头述法,将履行推进法治建设第一责任人职责情况列入年终述职内容。"
    "(二)规范行政执法今年以来,全县共开展行政执法案卷评查2次,评查案卷120卷,发现问题38个并全部整改。"
    "二、存在的不足和原因"
    "一是基层执法力量薄弱,主要原因是执法人员编制不足。二是普法形式较为单一。"
    "三、2025年工作安排"
    "(一)深入推进依法行政。全面落实行政执法三项制度,加强执法人员培训。"
    "特此报告。"
    "青山县人民政府 2025年2月20日"
)


def test_a_one_line_report_gets_its_layout_back():
    assert len(ONE_LINE) >= MIN_LINE
    document = build_document(raw_text_from_string(ONE_LINE))
    meta = document.meta
    assert meta.title == "青山县2024年法治政府建设情况报告"
    assert meta.addressee == "市委、市政府"
    assert (meta.year, meta.date, meta.signer) == (2024, "2025-02-20", "青山县人民政府")
    headings = [section.heading for section in document.walk_sections()]
    assert headings == [
        "一、主要举措和成效",
        "(一)加强党的领导",
        "1.健全工作机制",
        "2.压实第一责任人职责",
        "(二)规范行政执法",
        "二、存在的不足和原因",
        "三、2025年工作安排",
        "(一)深入推进依法行政",
    ]
    assert [section.role for section in document.sections] == [Role.ACHIEVEMENTS, Role.SHORTCOMINGS, Role.NEXT_YEAR_PLAN]
    assert any("网页复制" in warning for warning in document.warnings)


def test_offsets_still_lead_back_into_the_original():
    raw = raw_text_from_string(ONE_LINE)
    flowed = reflow(raw)
    assert flowed.text.replace("\n", "") == ONE_LINE.replace("\n", "")
    assert len(flowed.offsets) == len(flowed.text)
    for index, char in enumerate(flowed.text):
        if char != "\n":
            assert raw.original[flowed.offsets[index]] == char
    document = build_document(raw)
    for sentence in document.sentences():
        assert document.text[sentence.start : sentence.end] == sentence.text


def test_ordinary_paragraphs_are_never_cut():
    paragraph = "一、主要举措和成效\n" + "县政府常务会议专题研究法治政府建设工作,印发工作要点。" * 8 + "二是普法形式较为单一。\n"
    raw = raw_text_from_string(paragraph)
    assert reflow(raw) is raw
    assert line_cuts("短行。一、标题", True) == []  # below MIN_LINE nothing is looked at


def test_references_are_not_headings():
    line = "依照《条例》第(一)项和第(二)项的规定办理。" * 20
    assert line_cuts(line, False) == []


@pytest.mark.parametrize("index", range(5))
def test_a_seed_copied_onto_one_line_reads_like_the_seed(index, tmp_path):
    require_corpus()
    path = seed_paths()[index]
    text = path.read_text(encoding="utf-8")
    copy = tmp_path / path.name
    copy.write_text("".join(text.split("\n")), encoding="utf-8")
    original = build_document(read_report(path))
    flowed = build_document(read_report(copy))
    for key in ("title", "jurisdiction", "level", "year", "date", "addressee"):
        assert getattr(flowed.meta, key) == getattr(original.meta, key), key
    assert [s.role for s in flowed.sections] == [s.role for s in original.sections]
    # A heading that runs straight into a sentence without punctuation keeps the sentence's first words.
    assert all(f.title.startswith(o.title) for f, o in zip(flowed.sections, original.sections))
    # Sub-headings that run straight into their text cannot all be told apart; most are found.
    heads_original = [s.title for s in original.walk_sections()]
    heads_flowed = [s.title for s in flowed.walk_sections()]
    found = [title for title in heads_original if any(other.startswith(title) for other in heads_flowed)]
    assert len(found) >= 0.9 * len(heads_original)
