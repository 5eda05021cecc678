"""RawText -> Document: layout, section tree, sentences, metadata and roles (scorer.document).

Synthetic texts check each convention on its own; the five real seeds check the whole on
reports the code was not written for line by line (expected year and level come from the gold
labels, dates and bodies from the corpus README).
"""

from __future__ import annotations

import csv
import dataclasses

import pytest
from corpus_paths import GOLD_DIR, SEEDS_DIR, require_corpus, seed_paths

from scorer.document import build_document, load_document, raw_text_from_string
from scorer.model import Document, Level, Role, Section

A, S, F, P = Role.ACHIEVEMENTS, Role.SHORTCOMINGS, Role.FIRST_RESPONSIBLE, Role.NEXT_YEAR_PLAN


def doc(text: str, hints: tuple[tuple[int, int], ...] = ()) -> Document:
    raw = raw_text_from_string(text)
    if hints:
        raw = dataclasses.replace(raw, heading_hints=hints)
    return build_document(raw)


def tree(document: Document) -> list[tuple[str, int, str, str]]:
    """(id, depth, heading, role) of every section in document order."""
    return [(s.id, s.depth, s.heading, s.role.value) for s in document.walk_sections()]


def sentence_roles(section: Section) -> set[Role]:
    return {s.role for node in section.walk() for p in node.paragraphs for s in p.sentences}


def assert_offsets(document: Document) -> None:
    """Every span indexes Document.text; sentences are stripped, ordered and disjoint."""
    text = document.text
    sentences = document.sentences()
    previous_end = 0
    for sentence in sentences:
        assert text[sentence.start : sentence.end] == sentence.text
        assert sentence.text and sentence.text == sentence.text.strip()
        assert sentence.start >= previous_end, f"overlap at {sentence.text!r}"
        previous_end = sentence.end
    paragraphs = list(document.preamble) + list(document.closing)
    paragraphs += [p for section in document.walk_sections() for p in section.paragraphs]
    for paragraph in paragraphs:
        assert text[paragraph.start : paragraph.end] == paragraph.text
        for sentence in paragraph.sentences:
            assert paragraph.start <= sentence.start and sentence.end <= paragraph.end
    for section in document.walk_sections():
        assert section.depth == len(section.id.split("."))
        heading = section.paragraphs[0].sentences[0]
        assert heading.is_heading and heading.start == section.start
        assert heading.text.replace(" ", "").startswith(section.heading.replace(" ", ""))
        assert heading.section_path[-1] == section.heading
        for paragraph in section.paragraphs:
            assert section.start <= paragraph.start and paragraph.end <= section.end
        for child in section.children:
            assert section.start < child.start and child.end <= section.end
    residue_spans = [(r.start, r.end) for r in document.residue]
    for sentence in sentences:
        assert not any(start < sentence.end and sentence.start < end for start, end in residue_spans)


# ---------------------------------------------------------------------------------------------
# raw_text_from_string / load_document
# ---------------------------------------------------------------------------------------------


def test_raw_text_from_string():
    raw = raw_text_from_string("一、标题\n正文。", path="x.txt")
    assert raw.text == raw.original == "一、标题\n正文。"
    assert raw.offsets == tuple(range(len(raw.text)))
    assert raw.source.path == "x.txt" and raw.source.size == len(raw.text.encode("utf-8"))
    assert len(raw.source.sha256) == 64


def test_load_document_reads_a_file(tmp_path):
    path = tmp_path / "r.txt"
    path.write_text("青山县2023年法治政府建设年度报告\n一、主要成效\n全年办理案件10件。\n", encoding="utf-8")
    document = load_document(path)
    assert document.meta.title == "青山县2023年法治政府建设年度报告"
    assert tree(document) == [("1", 1, "一、主要成效", "achievements")]


# ---------------------------------------------------------------------------------------------
# Section tree
# ---------------------------------------------------------------------------------------------

STANDARD = """青山县2023年法治政府建设年度报告
2023年,青山县在市委、市政府的正确领导下,扎实推进法治政府建设。现将有关情况报告如下:
一、主要举措和成效
(一)强化组织领导
1.健全机制。县政府常务会议专题研究法治政府建设4次。
(1)完善制度
制定《青山县重大行政决策程序规定》。
(2)加强考核
2.加强学习。组织领导干部学法12次。
(二)推进依法决策
全年审查重大行政决策8件。
二、存在的不足和原因
基层执法力量薄弱。
三、2024年工作安排
继续深化改革。
青山县人民政府
2024年2月20日"""


def test_standard_heading_styles_nest_by_convention():
    document = doc(STANDARD)
    assert tree(document) == [
        ("1", 1, "一、主要举措和成效", "achievements"),
        ("1.1", 2, "(一)强化组织领导", "achievements"),
        ("1.1.1", 3, "1.健全机制", "achievements"),
        ("1.1.1.1", 4, "(1)完善制度", "achievements"),
        ("1.1.1.2", 4, "(2)加强考核", "achievements"),
        ("1.1.2", 3, "2.加强学习", "achievements"),
        ("1.2", 2, "(二)推进依法决策", "achievements"),
        ("2", 1, "二、存在的不足和原因", "shortcomings"),
        ("3", 1, "三、2024年工作安排", "next_year_plan"),
    ]
    assert_offsets(document)


def test_heading_and_body_on_one_line():
    document = doc(STANDARD)
    section = next(s for s in document.walk_sections() if s.id == "1.1.1")
    line = section.paragraphs[0]
    assert [s.text for s in line.sentences] == ["1.健全机制。", "县政府常务会议专题研究法治政府建设4次。"]
    assert [s.is_heading for s in line.sentences] == [True, False]
    assert section.title == "健全机制"


def test_section_path_and_spans():
    document = doc(STANDARD)
    sentence = next(s for s in document.sentences() if s.text.startswith("制定《青山县"))
    assert sentence.section_path == ("一、主要举措和成效", "(一)强化组织领导", "1.健全机制", "(1)完善制度")
    part = document.sections[0]
    assert document.text[part.start : part.end].startswith("一、主要举措和成效")
    assert document.text[part.start : part.end].endswith("全年审查重大行政决策8件。")


def test_skipped_level_nests_by_order_of_styles():
    # 一、 -> 1. without (一): 1. sits directly under the part.
    document = doc("一、主要成效\n1.加强学习。组织学法12次。\n2.规范执法。办理案件5件。\n二、存在问题\n1.力量不足。编制少。")
    assert [(i, d, h) for i, d, h, _ in tree(document)] == [
        ("1", 1, "一、主要成效"),
        ("1.1", 2, "1.加强学习"),
        ("1.2", 2, "2.规范执法"),
        ("2", 1, "二、存在问题"),
        ("2.1", 2, "1.力量不足"),
    ]


def test_report_starting_at_paren_level_uses_it_as_top():
    document = doc("(一)主要成效\n1.加强学习。组织学法12次。\n(二)存在问题\n执法力量不足。")
    assert [(i, h) for i, _, h, _ in tree(document)] == [("1", "(一)主要成效"), ("1.1", "1.加强学习"), ("2", "(二)存在问题")]


def test_numbering_continuing_across_parents_stays_at_its_depth():
    text = "一、主要成效\n(一)组织领导\n1、加强领导。成立小组。\n(二)依法行政\n2、简政便民。推行告知承诺制。\n3、证明事项。取消证明。"
    document = doc(text)
    assert [(i, h) for i, _, h, _ in tree(document)][-3:] == [("1.2", "(二)依法行政"), ("1.2.1", "2、简政便民"), ("1.2.2", "3、证明事项")]


def test_list_restarting_at_one_under_an_open_item_is_nested():
    document = doc("一、主要成效\n1.加强学习。组织学法。\n2.规范执法。具体如下:\n1.统一文书。\n2.统一程序。\n3.化解纠纷。调解30起。")
    ids = {h: i for i, _, h, _ in tree(document)}
    assert ids["1.统一文书"] == "1.2.1"
    assert ids["2.统一程序"] == "1.2.2"
    # "3." continues the most recent list; a new part closes both lists.
    document = doc("一、主要成效\n1.加强学习。组织学法。\n2.规范执法。具体如下:\n1.统一文书。\n二、存在问题\n1.力量不足。")
    assert [i for i, _, _, _ in tree(document)] == ["1", "1.1", "1.2", "1.2.1", "2", "2.1"]


def test_part_headings_and_circled_items():
    text = "第一部分 2021年工作情况\n一、加强组织领导\n①召开会议\n全年召开3次。\n②印发文件\n第二部分 存在的问题\n一、法治意识有待加强。"
    document = doc(text)
    assert [(i, h, r) for i, _, h, r in tree(document)] == [
        ("1", "第一部分2021年工作情况", "achievements"),
        ("1.1", "一、加强组织领导", "achievements"),
        ("1.1.1", "①召开会议", "achievements"),
        ("1.1.2", "②印发文件", "achievements"),
        ("2", "第二部分存在的问题", "shortcomings"),
        ("2.1", "一、法治意识有待加强", "shortcomings"),
    ]


def test_leading_space_before_marker():
    document = doc("某某市2018年依法行政工作报告\n 一、工作回顾\n (一)加强领导\n 1.健全机制。成立领导小组。")
    assert [h for _, _, h, _ in tree(document)] == ["一、工作回顾", "(一)加强领导", "1.健全机制"]
    assert_offsets(document)


def test_unnumbered_headings_in_a_report_without_numbers():
    text = """某某市生态环境局2022年法治政府建设年度报告
2022年,市生态环境局深入贯彻习近平法治思想,现将有关情况报告如下:
主要工作成效
我局全年办理行政处罚案件35件,罚没款120万元。
存在的问题
执法人员数量不足,专业能力有待提升。
下一步工作打算
2023年,我局将继续加强执法队伍建设。"""
    document = doc(text)
    assert [(h, r) for _, _, h, r in tree(document)] == [
        ("主要工作成效", "achievements"),
        ("存在的问题", "shortcomings"),
        ("下一步工作打算", "next_year_plan"),
    ]
    assert all(s.marker == "" for s in document.sections)


def test_unnumbered_part_heading_in_a_numbered_report_goes_to_the_top():
    text = "一、主要成效\n(一)加强领导。成立小组。\n存在的问题\n(一)力量不足。编制少。\n下一步打算\n(一)继续推进。加强培训。"
    document = doc(text)
    assert [(i, h) for i, _, h, _ in tree(document)] == [
        ("1", "一、主要成效"),
        ("1.1", "(一)加强领导"),
        ("2", "存在的问题"),
        ("2.1", "(一)力量不足"),
        ("3", "下一步打算"),
        ("3.1", "(一)继续推进"),
    ]


def test_short_plain_lines_in_a_numbered_report_stay_body():
    document = doc("一、主要成效\n(一)加强领导\n基本情况稳定\n全年召开会议3次,研究部署法治政府建设。")
    assert [h for _, _, h, _ in tree(document)] == ["一、主要成效", "(一)加强领导"]


def test_heading_hints_from_the_source():
    text = "青山县2023年法治政府建设年度报告\n工作成效\n全年办理案件10件。\n加强执法监督\n开展案卷评查2次。"
    document = doc(text, hints=((1, 1), (3, 2)))
    assert [(i, h) for i, _, h, _ in tree(document)] == [("1", "工作成效"), ("1.1", "加强执法监督")]


def test_inline_enumerations_stay_in_their_paragraph():
    document = doc("一、主要成效\n一是加强学习,组织学法12次。二是规范执法,办理案件5件。")
    assert len(document.sections) == 1 and not document.sections[0].children
    body = [s.text for s in document.sentences() if not s.is_heading]
    assert body == ["一是加强学习,组织学法12次。", "二是规范执法,办理案件5件。"]


# ---------------------------------------------------------------------------------------------
# Layout: title, addressee, closing, residue
# ---------------------------------------------------------------------------------------------


def test_title_addressee_and_closing():
    text = "融水镇人民政府\n关于2023年度法治政府建设情况的报告\n县人民政府:\n今年以来,我镇扎实推进法治政府建设。\n一、工作成效\n学法制度得到落实。\n专此报告。\n融水镇人民政府 2024年1月10日"
    document = doc(text)
    meta = document.meta
    assert meta.title == "融水镇人民政府关于2023年度法治政府建设情况的报告"
    assert meta.addressee == "县人民政府"
    assert (meta.signer, meta.date) == ("融水镇人民政府", "2024-01-10")
    assert (meta.jurisdiction, meta.level, meta.year) == ("融水镇", Level.TOWNSHIP, 2023)
    assert [p.text for p in document.closing] == ["专此报告。", "融水镇人民政府", "2024年1月10日"]
    assert {s.role for p in document.closing for s in p.sentences} == {Role.CLOSING}
    assert {s.role for p in document.preamble for s in p.sentences} == {Role.PREAMBLE}
    assert_offsets(document)


def test_title_on_two_lines():
    document = doc("青山县\n2023年法治政府建设年度报告\n2023年,全县扎实推进法治政府建设。\n一、主要成效\n办理案件10件。")
    assert document.meta.title == "青山县2023年法治政府建设年度报告"
    assert document.meta.jurisdiction == "青山县"
    assert [s.is_heading for s in document.sentences()][:2] == [True, True]


def test_document_number_above_the_title():
    document = doc("青府报〔2024〕3号\n青山县人民政府关于2023年法治政府建设情况的报告\n市人民政府:\n2023年,青山县扎实推进法治政府建设。\n一、主要成效\n办理案件10件。")
    assert document.meta.title == "青山县人民政府关于2023年法治政府建设情况的报告"
    assert document.meta.addressee == "市人民政府"
    assert document.preamble[0].text == "青府报〔2024〕3号"


def test_report_without_title_starts_with_addressee():
    text = "州委、州政府:\n2023年,某某市委市政府全力推进法治政府建设,现将工作开展情况汇报如下:\n一、主要成效\n办理案件10件。"
    meta = doc(text).meta
    assert meta.title is None
    assert meta.addressee == "州委、州政府"
    assert (meta.year, meta.year_source) == (2023, "opening")


def test_chinese_numeral_date_and_attachments():
    text = "青山县2023年法治政府建设年度报告\n一、主要成效\n办理案件10件。\n附件:\n1.法治建设统计表\n2.典型案例\n中共青山县委 青山县人民政府\n二〇二四年二月二十日"
    document = doc(text)
    assert document.meta.date == "2024-02-20"
    assert document.meta.signer == "中共青山县委 青山县人民政府"
    assert [p.text for p in document.closing][:3] == ["附件:", "1.法治建设统计表", "2.典型案例"]
    assert [h for _, _, h, _ in tree(document)] == ["一、主要成效"]


def test_date_after_spaces_at_the_end_of_the_last_line():
    document = doc("某某市2018年依法行政工作报告\n一、工作回顾\n办理案件10件。    2018年12月10日")
    assert document.meta.date == "2018-12-10"
    assert [p.text for p in document.closing] == ["2018年12月10日"]
    assert document.sentences()[-2].text == "办理案件10件。"


def test_dated_line_followed_by_parts_is_not_the_closing_date():
    document = doc("青山县2023年法治政府建设年度报告\n一、主要成效\n2023年5月1日\n办理案件10件。\n二、存在问题\n力量不足。")
    assert document.meta.date is None
    assert [h for _, _, h, _ in tree(document)] == ["一、主要成效", "二、存在问题"]


def test_publication_timestamp_under_the_title_is_residue():
    document = doc("青山县2023年法治政府建设年度报告\n2024-03-01 10:20:00\n2023年,青山县扎实推进法治政府建设。\n一、主要成效\n办理案件10件。")
    assert [document.text[r.start : r.end] for r in document.residue] == ["2024-03-01 10:20:00"]
    assert document.meta.date is None


def test_cut_off_report_is_flagged():
    document = doc("青山县2023年法治政府建设年度报告\n一、主要成效\n全年办理行政复议案件12件,加强对各乡镇的指导和")
    assert any("不完整" in w for w in document.warnings)
    assert document.meta.date is None


def test_report_ending_on_an_empty_heading_is_flagged():
    document = doc("青山县2023年法治政府建设年度报告\n一、主要成效\n办理案件10件。\n二、下一步打算")
    assert any("不完整" in w for w in document.warnings)


def test_complete_report_without_date_is_not_flagged():
    document = doc("青山县2023年法治政府建设年度报告\n一、主要成效\n办理案件10件。")
    assert not any("不完整" in w for w in document.warnings)


def test_missing_year_is_warned():
    document = doc("法治政府建设情况报告\n今年以来,我镇扎实推进法治政府建设。\n一、主要成效\n办理案件10件。")
    assert document.meta.year is None
    assert any("年度" in w for w in document.warnings)


def test_web_page_residue_is_kept_out_of_the_report():
    text = """首页 > 政务公开 > 法治政府建设
青山县2023年法治政府建设年度报告
索引号
ndbg-2024-00001
发布机构
县司法局
发布时间:2024-03-01 浏览次数:123
【字体:大 中 小】
2023年,青山县扎实推进法治政府建设。
一、主要成效
办理案件10件。
青山县人民政府
2024年2月20日
打印本页 关闭窗口
上一篇:青山县2022年法治政府建设年度报告
各省区市政府网站
自治区各部门网站"""
    document = doc(text)
    assert document.meta.title == "青山县2023年法治政府建设年度报告"
    residue_text = "\n".join(document.text[r.start : r.end] for r in document.residue)
    for piece in ("索引号", "ndbg-2024-00001", "县司法局", "浏览次数", "打印本页", "上一篇", "各省区市政府网站", "自治区各部门网站"):
        assert piece in residue_text
    kept = "\n".join(s.text for s in document.sentences())
    for piece in ("索引号", "ndbg", "浏览次数", "打印本页", "网站"):
        assert piece not in kept
    assert [p.text for p in document.closing] == ["青山县人民政府", "2024年2月20日"]
    assert {r.kind for r in document.residue} >= {"page_header", "link_list"}
    assert_offsets(document)


# ---------------------------------------------------------------------------------------------
# Roles in context
# ---------------------------------------------------------------------------------------------


def test_combined_part_switches_from_problems_to_plans():
    text = """一、2018年度依法行政工作回顾
办理案件10件。
二、存在问题及下步打算
虽然取得了一些成绩,但还存在一些问题。主要是执法监督不够到位。
下一步,我市将积极推进各项依法行政工作。
1.进一步完善行政决策机制。严格落实合法性审查制度。
2.进一步强化依法行政考核。整合考核力量。"""
    document = doc(text)
    part = document.sections[1]
    assert part.role is S
    roles = [s.role for p in part.paragraphs for s in p.sentences]
    assert roles == [S, S, S, P]
    assert [c.role for c in part.children] == [P, P]


def test_first_responsible_subsection_inside_achievements():
    text = "一、主要举措和成效\n(一)坚持高位推动,推动履行第一责任人职责\n1.坚持党的领导。印发工作要点。\n(二)坚持依法行政\n审查文件9件。\n二、存在的不足\n学法意识有待提升。"
    document = doc(text)
    assert [(h, r) for _, _, h, r in tree(document)] == [
        ("一、主要举措和成效", "achievements"),
        ("(一)坚持高位推动,推动履行第一责任人职责", "first_responsible"),
        ("1.坚持党的领导", "first_responsible"),
        ("(二)坚持依法行政", "achievements"),
        ("二、存在的不足", "shortcomings"),
    ]


def test_problems_subsection_inside_a_big_part_moves_on():
    text = "一、工作情况\n(一)加强领导\n成立小组。\n(二)存在的问题\n力量不足。\n(三)下一步工作打算\n继续推进。"
    roles = [r for _, _, _, r in tree(doc(text))]
    assert roles == ["achievements", "achievements", "shortcomings", "next_year_plan"]


def test_parts_named_after_gangyao_areas_are_achievements():
    text = "一、依法全面履行政府职能\n取消审批事项10项。\n二、完善依法行政制度体系\n出台规范性文件23件。\n三、2020年工作打算\n继续推进。"
    assert [r for _, _, _, r in tree(doc(text, ))] == ["achievements", "achievements", "next_year_plan"]


# ---------------------------------------------------------------------------------------------
# The five real seeds
# ---------------------------------------------------------------------------------------------

SEEDS = seed_paths()


def gold_year_level(name: str) -> tuple[int, str]:
    with open(GOLD_DIR / (name.rsplit(".", 1)[0] + ".csv"), encoding="utf-8") as handle:
        rows = {(int(r["year"]), r["level"]) for r in csv.DictReader(handle)}
    assert len(rows) == 1
    return rows.pop()


# From the corpus README: the reporting body and the date each report is signed.
README_FACTS = {
    "000": ("融安县", "2019-12-27"),
    "001": ("三河镇", "2024-02-28"),
    "002": ("珲春", "2024-02-27"),
    "003": ("武胜县", "2025-02-25"),
    "004": ("丹江口", "2018-12-10"),
}


@pytest.fixture(scope="module")
def seed_docs() -> dict[str, Document]:
    require_corpus(SEEDS_DIR, GOLD_DIR)
    return {path.name[:3]: load_document(path) for path in SEEDS}


def part_roles(document: Document) -> list[Role]:
    return [s.role for s in document.sections]


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.name[:3])
def test_seed_metadata(path, seed_docs):
    document = seed_docs[path.name[:3]]
    year, level = gold_year_level(path.name)
    assert document.meta.year == year
    assert document.meta.level is Level(level)
    jurisdiction, date = README_FACTS[path.name[:3]]
    assert jurisdiction in (document.meta.jurisdiction or "")
    assert document.meta.date == date
    assert not any("年度" in w or "不完整" in w for w in document.warnings)


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.name[:3])
def test_seed_offsets(path, seed_docs):
    assert_offsets(seed_docs[path.name[:3]])


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.name[:3])
def test_seed_same_structure_from_raw_file_text(path, seed_docs):
    """The raw file (blank lines, en spaces) and the ingested text give the same structure."""
    from_raw = build_document(raw_text_from_string(path.read_text(encoding="utf-8"), str(path)))
    assert tree(from_raw) == tree(seed_docs[path.name[:3]])
    assert from_raw.meta == seed_docs[path.name[:3]].meta
    assert_offsets(from_raw)


def test_seed_000_follows_the_gangyao_layout(seed_docs):
    document = seed_docs["000"]
    assert part_roles(document) == [A] * 8
    roles = {s.role for s in document.sentences()}
    assert S not in roles and P not in roles
    assert document.meta.addressee == "柳州市人民政府"


def test_seed_001_parts_and_trailing_links(seed_docs):
    document = seed_docs["001"]
    assert part_roles(document) == [A, S, P]
    numbered = [s for s in document.walk_sections() if s.marker.endswith("、") and s.marker[0].isdigit()]
    assert len(numbered) == 24 and {s.depth for s in numbered} == {3}
    residue_text = "".join(document.text[r.start : r.end] for r in document.residue)
    assert "各省区市政府网站" in residue_text and "中卫市各部门网站" in residue_text
    kept = "".join(s.text for s in document.sentences())
    assert "网站" not in "".join(p.text for p in document.closing)
    assert "各省区市政府网站" not in kept
    assert "海原县三河镇人民政府" in document.meta.signer


def test_seed_002_has_no_title_and_all_four_parts(seed_docs):
    document = seed_docs["002"]
    assert document.meta.title is None
    assert document.meta.addressee == "州委、州政府"
    assert part_roles(document) == [A, S, F, P]
    assert "珲春市人民政府" in document.meta.signer


def test_seed_003_first_responsible_inside_part_one(seed_docs):
    document = seed_docs["003"]
    assert part_roles(document) == [A, S, P]
    first = document.sections[0].children[0]
    assert first.id == "1.1" and first.role is F
    assert all(c.role is A for c in document.sections[0].children[1:])
    assert document.meta.year == 2024 and document.meta.date.startswith("2025")


def test_seed_004_residue_and_combined_part(seed_docs):
    document = seed_docs["004"]
    assert document.meta.title == "丹江口市2018年依法行政工作报告"
    assert part_roles(document)[0] is A
    combined = document.sections[1]
    assert {S, P} <= sentence_roles(combined)
    residue_text = "".join(document.text[r.start : r.end] for r in document.residue)
    assert "索引号" in residue_text and "ndbg-2019-00001" in residue_text
    preamble = "".join(p.text for p in document.preamble)
    assert "索引号" not in preamble and "发布机构" not in preamble


def test_document_number_with_issuer_is_not_the_opening():
    text = "青府〔2025〕12号 签发人:张某某\n市委:\n2025年,市政府全面推进法治政府建设,取得新成效。\n一、主要举措和成效\n出台规范性文件3件。"
    document = build_document(raw_text_from_string(text))
    assert document.meta.addressee == "市委"
    assert document.meta.level is Level.CITY
