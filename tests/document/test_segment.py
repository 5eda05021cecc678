"""Line spans, heading markers, sentence splitting and residue-line helpers (scorer.segment)."""

from __future__ import annotations

import pytest

from scorer.document import segment


def heading(line: str) -> segment.HeadingMatch | None:
    return segment.parse_heading(line, 0, len(line))


def sentences(text: str, **kwargs) -> list[str]:
    return [text[s:e] for s, e in segment.split_sentences(text, 0, len(text), **kwargs)]


# ---------------------------------------------------------------------------------------------
# Lines
# ---------------------------------------------------------------------------------------------


def test_line_spans_strip_blanks_and_skip_empty_lines():
    text = "标题\n\n\u2002\u2002 一、主要成效 \n\u200b\n正文。"
    spans = segment.line_spans(text)
    assert [text[s.start : s.end] for s in spans] == ["标题", "一、主要成效", "正文。"]
    assert [s.line_no for s in spans] == [0, 2, 4]


# ---------------------------------------------------------------------------------------------
# Heading markers
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "style", "number", "marker", "title"),
    [
        ("一、依法全面履行政府职能", "cn", 1, "一、", "依法全面履行政府职能"),
        ("十二、其他工作", "cn", 12, "十二、", "其他工作"),
        ("三.加强监督", "cn", 3, "三.", "加强监督"),
        ("一、2023年法治建设工作主要成效和做法。", "cn", 1, "一、", "2023年法治建设工作主要成效和做法"),
        ("第二部分 存在的问题", "part", 2, "第二部分", "存在的问题"),
        ("(四)行政执法严格规范公正文明", "paren_cn", 4, "(四)", "行政执法严格规范公正文明"),
        ("（四）全角括号也可以", "paren_cn", 4, "（四）", "全角括号也可以"),
        ("1.持续推进政府职能转变", "num", 1, "1.", "持续推进政府职能转变"),
        ("24、大力营造依法治镇浓厚氛围", "num", 24, "24、", "大力营造依法治镇浓厚氛围"),
        ("(3)规范文书", "paren_num", 3, "(3)", "规范文书"),
        ("2)第二点", "num_paren", 2, "2)", "第二点"),
        ("③统一格式", "circled", 3, "③", "统一格式"),
    ],
)
def test_heading_styles(line, style, number, marker, title):
    match = heading(line)
    assert match is not None
    assert (match.style, match.number, match.marker) == (style, number, marker)
    assert line[match.title_start : match.title_end] == title


@pytest.mark.parametrize(
    "line",
    [
        "2019年,融安县人民政府深入贯彻落实……",  # a year, not a marker
        "1.5亿元资金全部到位。",  # a decimal number
        "一是充分利用互联网工具,简化办事流程。",  # inline enumeration stays body
        "一、二季度全国排名第四。",  # "一、二季度" is a range of quarters
        "(一)",  # a marker alone has no title
        "存在的问题",  # no number
    ],
)
def test_not_numbered_headings(line):
    assert heading(line) is None


def test_heading_and_body_on_one_line_are_split_at_first_terminator():
    line = "(一)加强领导,确保形成合力。继续坚持和完善领导体制和工作机制。"
    match = heading(line)
    assert line[match.title_start : match.title_end] == "加强领导,确保形成合力"
    assert line[: match.heading_end] == "(一)加强领导,确保形成合力。"
    assert line[match.body_start :] == "继续坚持和完善领导体制和工作机制。"


def test_heading_end_skips_terminators_inside_quotes():
    line = "2.推动“高效办成一件事。”落地落实国家公布的13件“一件事”。"
    match = heading(line)
    assert line[: match.heading_end] == "2.推动“高效办成一件事。”"
    assert line[match.body_start :].startswith("落地落实")


def test_heading_that_ends_with_its_terminator_has_no_body():
    line = "一、2023年法治建设工作主要成效和做法。"
    match = heading(line)
    assert match.body_start is None
    assert match.heading_end == len(line)


def test_heading_cut_at_colon_when_the_line_goes_on():
    match = heading("二、存在问题:主要是执法力量不足。")
    assert match.body_start is not None
    assert "存在问题:主要是执法力量不足。"[match.body_start - 2 :].startswith("主要是")


# ---------------------------------------------------------------------------------------------
# Sentences
# ---------------------------------------------------------------------------------------------


def test_sentences_split_at_final_punctuation():
    assert sentences("甲项完成。乙项完成!丙项呢?丁项") == ["甲项完成。", "乙项完成!", "丙项呢?", "丁项"]


def test_sentences_keep_quotes_and_book_titles_whole():
    text = "提出“让数据多跑路。群众少跑腿。”的目标。印发《关于加强管理。的通知》等文件。"
    assert sentences(text) == ["提出“让数据多跑路。群众少跑腿。”的目标。", "印发《关于加强管理。的通知》等文件。"]


def test_quoted_sentence_ending_inside_quote_ends_after_the_closer():
    assert sentences("他强调:“要依法办事。”随后作了部署。") == ["他强调:“要依法办事。”", "随后作了部署。"]


def test_unbalanced_quote_does_not_swallow_the_paragraph():
    text = "开展“法律进乡村活动。" + "全年办理案件十件。" * 40
    pieces = sentences(text)
    assert len(pieces) > 30


def test_long_sentences_are_also_cut_at_semicolons():
    clause = "一是发挥小网格前哨优势、及时化解处在萌芽状态的矛盾纠纷305起"
    text = ";".join([clause] * 6) + "。"
    assert len(text) > segment.LONG_SENTENCE
    pieces = sentences(text)
    assert len(pieces) == 6
    assert "".join(pieces) == text


def test_short_sentences_are_not_cut_at_semicolons():
    text = "一是加强学习;二是规范执法。"
    assert sentences(text) == [text]


def test_sentence_offsets_index_the_given_range():
    text = "前缀。甲项完成。 乙项完成。"
    spans = segment.split_sentences(text, 3, len(text))
    assert [text[s:e] for s, e in spans] == ["甲项完成。", "乙项完成。"]


# ---------------------------------------------------------------------------------------------
# Numbers and residue lines
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("numeral", "value"), [("一", 1), ("十", 10), ("十二", 12), ("二十", 20), ("二十四", 24), ("一百零五", 105)])
def test_chinese_number(numeral, value):
    assert segment.chinese_number(numeral) == value


def test_chinese_digits():
    assert segment.chinese_digits("二〇二四") == 2024
    assert segment.chinese_digits("二○一九") == 2019
    assert segment.chinese_digits("二十") is None


@pytest.mark.parametrize("line", ["分享到:", "打印本页", "打印本页 关闭窗口", "【字体:大 中 小】", "浏览次数:123", "上一篇:某某报告"])
def test_chrome_lines(line):
    assert segment.is_chrome_line(line)


def test_top_only_chrome_is_not_chrome_in_the_body():
    assert segment.is_chrome_line("政府信息公开", top=True)
    assert not segment.is_chrome_line("政务公开")


@pytest.mark.parametrize("line", ["全面推进政务公开。", "加强执法监督", "2019年12月27日"])
def test_body_lines_are_not_chrome(line):
    assert not segment.is_chrome_line(line)


def test_link_lines():
    assert segment.is_link_line("各省区市政府网站")
    assert segment.is_link_line("中卫市各部门网站")
    assert not segment.is_link_line("建设政府网站,做好信息公开。")


def test_header_labels_alone_or_with_value():
    assert segment.header_label("索引号") == ("索引号", "")
    assert segment.header_label("发布机构:市人民政府办公室") == ("发布机构", "市人民政府办公室")
    assert segment.header_label("来源于群众的意见得到及时办理") is None
    assert segment.is_header_value("2018年12月10日 15:23:00")
    assert not segment.is_header_value("2018年,丹江口市在十堰市委、市政府的正确领导下,深入推进法治政府建设。")


def test_plain_heading_shape():
    assert segment.looks_like_plain_heading("存在的问题")
    assert segment.looks_like_plain_heading("下一步工作打算:")
    assert not segment.looks_like_plain_heading("我县执法力量不足,有待加强。")
    assert not segment.looks_like_plain_heading("一" * 40)
