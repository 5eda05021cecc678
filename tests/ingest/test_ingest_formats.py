"""read_report on every supported format: the same report read from each gives the same text."""

from __future__ import annotations

import codecs
import re
import unicodedata

import pytest

from scorer.ingest import normalize, read_report, to_original_span

SEED = "003"  # a county report with a title line, 一、/(一)/1. headings and many figures


def compact(text: str) -> str:
    return re.sub(r"\s+", "", text)


def seed_lines(path) -> list[str]:
    return [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="module")
def seed_path(seed_by_prefix):
    return seed_by_prefix(SEED)


@pytest.fixture(scope="module")
def seed_text(seed_path) -> str:
    return seed_path.read_text(encoding="utf-8")


# --- plain text ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("codec", "bom", "expected_encoding"),
    [
        ("utf-8", b"", "utf-8"),
        ("utf-8", codecs.BOM_UTF8, "utf-8"),
        ("gb18030", b"", "gb18030"),
        ("utf-16-le", codecs.BOM_UTF16_LE, "utf-16-le"),
        ("utf-16-be", codecs.BOM_UTF16_BE, "utf-16-be"),
        ("utf-16-le", b"", "utf-16-le"),  # saved without a byte-order mark
    ],
)
def test_txt_encodings_give_the_utf8_text(tmp_path, seed_text, codec, bom, expected_encoding):
    path = tmp_path / "report.txt"
    path.write_bytes(bom + seed_text.encode(codec))
    raw = read_report(path)
    assert raw.source.format == "txt"
    assert raw.source.encoding == expected_encoding
    assert raw.text == normalize(seed_text)[0]
    assert raw.original == seed_text
    assert raw.source.size == path.stat().st_size


def test_gbk_detection_is_by_content_for_every_seed(tmp_path, seeds):
    """GB18030/GBK bytes are detected (not assumed): each seed comes back exactly."""
    for seed in seeds:
        text = seed.read_text(encoding="utf-8")
        path = tmp_path / f"{seed.stem}.txt"
        path.write_bytes(text.encode("gb18030"))
        raw = read_report(path)
        assert raw.source.encoding == "gb18030", seed.name
        assert raw.original == text, seed.name


def test_big5_text_is_detected(tmp_path):
    text = (
        "臺北市政府關於一一三年度依法行政工作情形的報告\n"
        "本府持續推動依法行政，落實行政程序法及政府資訊公開法，全年辦理訴願案件一百二十件，"
        "審議法規命令草案三十六件，並舉辦法治教育訓練課程四十場次，參訓人員逾二千人次。"
        "未來將持續強化行政執法監督，提升為民服務品質，建立透明、效能、廉能的市政府。\n"
    )
    path = tmp_path / "big5.txt"
    path.write_bytes(text.encode("big5"))
    raw = read_report(path)
    assert raw.source.encoding.startswith("big5")
    assert raw.original == text


def test_crlf_full_width_and_blank_lines_are_normalised(tmp_path):
    original = "青禾县人民政府关于2024年法治政府建设情况的报告\r\n\r\n  \u3000 \r\n（一）加强领导，落实责任：\u200b全年开展１２次。\r\n\r\n"
    path = tmp_path / "draft.txt"
    path.write_bytes(original.encode("utf-8"))
    raw = read_report(path)
    assert raw.text == "青禾县人民政府关于2024年法治政府建设情况的报告\n(一)加强领导,落实责任:全年开展12次。"
    start = raw.text.index("(一)")
    ostart, oend = to_original_span(raw, start, start + 3)
    assert raw.original[ostart:oend] == "（一）"
    figure = raw.text.index("12")
    assert raw.original[slice(*to_original_span(raw, figure, figure + 2))] == "１２"


def test_unknown_extension_that_decodes_is_read_as_text(tmp_path, seed_text):
    path = tmp_path / "report.draft"
    path.write_bytes(seed_text.encode("utf-8"))
    raw = read_report(path)
    assert raw.source.format == "txt"
    assert raw.text == normalize(seed_text)[0]


# --- markdown ------------------------------------------------------------------------------------


def test_markdown_headings_become_hints_and_markers_are_dropped(tmp_path):
    original = (
        "# 青禾县人民政府关于2024年法治政府建设情况的报告\n"
        "\n"
        "## 一、主要举措和成效\n"
        "\n"
        "### （一）深化放管服改革\n"
        "\n"
        "- 推行**告知承诺制**，办结 4216 件；\n"
        "* 清理*证明事项* 11 项。\n"
        "\n"
        "> 详见[政务服务网](https://example.invalid/zwfw)。\n"
        "\n"
        "| 项目 | 件数 |\n"
        "|---|---|\n"
        "| 受理 | 79 |\n"
        "\n"
        "二、存在的不足和原因\n"
        "--------------------\n"
    )
    path = tmp_path / "report.md"
    path.write_text(original, encoding="utf-8")
    raw = read_report(path)
    lines = raw.text.split("\n")
    assert lines == [
        "青禾县人民政府关于2024年法治政府建设情况的报告",
        "一、主要举措和成效",
        "(一)深化放管服改革",
        "推行告知承诺制,办结 4216 件;",
        "清理证明事项 11 项。",
        "详见政务服务网。",
        "项目 件数",
        "受理 79",
        "二、存在的不足和原因",
    ]
    assert raw.heading_hints == ((0, 1), (1, 2), (2, 3), (8, 2))
    assert raw.source.format == "md"
    # The offset map points into the markdown source, markers and all.
    for index, char in enumerate(raw.text):
        assert char in unicodedata.normalize("NFKC", raw.original[raw.offsets[index]]) or char in " \n"
    bold = raw.text.index("告知承诺制")
    ostart, oend = to_original_span(raw, bold, bold + 5)
    assert raw.original[ostart:oend] == "告知承诺制"


# --- docx ----------------------------------------------------------------------------------------


def test_docx_gives_the_text_with_tables_in_place_and_heading_hints(tmp_path, seed_path, build_docx):
    lines = seed_lines(seed_path)
    table = ["项目\t件数\t比例", "收到申请\t110\t—", "审结\t90\t100%"]
    at = 10
    with_table = lines[:at] + table + lines[at:]
    path = build_docx(tmp_path / "report.docx", with_table)
    raw = read_report(path)
    assert raw.source.format == "docx"
    assert compact(raw.text) == compact("\n".join(with_table))
    text_lines = raw.text.split("\n")
    # each table row is one line, in its place between the paragraphs
    assert text_lines[at : at + 3] == ["项目 件数 比例", "收到申请 110 —", "审结 90 100%"]
    assert text_lines[at - 1] == normalize(lines[at - 1])[0]
    assert text_lines[at + 3] == normalize(lines[at])[0]
    expected_hints = [(0, 1)]
    for index, line in enumerate(with_table[1:], start=1):
        if re.match(r"^[一二三四五六七八九十]+、", line) and not re.search(r"[。；]", line):
            expected_hints.append((index, 1))
        elif re.match(r"^[（(][一二三四五六七八九十]+[）)]", line) and not re.search(r"[。；]", line):
            expected_hints.append((index, 2))
    assert list(raw.heading_hints) == expected_hints
    assert len(expected_hints) > 5


def test_docx_heading_levels_from_chinese_names_base_styles_and_outline(tmp_path):
    import docx
    from docx.enum.style import WD_STYLE_TYPE
    from docx.oxml.ns import qn

    document = docx.Document()
    chinese = document.styles.add_style("标题 3", WD_STYLE_TYPE.PARAGRAPH)
    custom = document.styles.add_style("报告小标题", WD_STYLE_TYPE.PARAGRAPH)
    custom.base_style = document.styles["Heading 2"]
    document.add_paragraph("青禾县2024年法治政府建设情况报告", style="Title")
    document.add_paragraph("1.深化放管服改革", style=chinese)
    document.add_paragraph("(一)加强党的领导", style=custom)
    outlined = document.add_paragraph("二、存在的不足和原因")
    p_pr = outlined._p.get_or_add_pPr()
    outline = p_pr.makeelement(qn("w:outlineLvl"), {qn("w:val"): "0"})
    p_pr.append(outline)
    document.add_paragraph("正文段落。第一行\n第二行")
    path = tmp_path / "styles.docx"
    document.save(path)
    raw = read_report(path)
    assert raw.heading_hints == ((0, 1), (1, 3), (2, 2), (3, 1))
    assert raw.text.split("\n")[4:] == ["正文段落。第一行", "第二行"]


# --- html ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("encoding", "label"), [("utf-8", "utf-8"), ("gbk", "gb2312")])
def test_html_body_is_taken_without_page_chrome(tmp_path, seed_path, build_html, encoding, label):
    lines = seed_lines(seed_path)
    path = build_html(tmp_path / "page.html", lines, encoding=encoding, charset_label=label, page_title=lines[0])
    raw = read_report(path)
    assert raw.source.format == "html"
    assert raw.source.encoding == ("utf-8" if encoding == "utf-8" else "gb18030")
    assert compact(raw.text) == compact("\n".join(lines))
    assert raw.text.split("\n") == [normalize(line)[0] for line in lines]
    for residue in ("脚本", "首页", "政务公开", "版权所有", "索引号", "打印本页", "门户网站", "无障碍"):
        assert residue not in raw.text


def test_html_title_is_put_first_when_the_body_lacks_it(tmp_path, seed_by_prefix, build_html):
    lines = seed_lines(seed_by_prefix("002"))  # starts with the addressee, no title line
    title = "珲春市2023年法治政府建设情况报告"
    path = build_html(tmp_path / "page.htm", lines, page_title=title)
    raw = read_report(path)
    assert raw.text.split("\n")[0] == title
    assert raw.heading_hints[0] == (0, 1)
    assert compact(raw.text) == compact(title + "".join(lines))


def test_html_body_found_by_text_density_without_known_container(tmp_path, seed_path, build_html):
    lines = seed_lines(seed_path)
    path = build_html(tmp_path / "page.html", lines, page_title=lines[0], container="<div><div>{body}</div></div>")
    raw = read_report(path)
    assert compact(raw.text) == compact("\n".join(lines))


def test_html_blocks_rows_and_headings(tmp_path):
    page = """<html><head><meta charset="utf-8"><title>t</title></head><body><article>
    <h1>青禾县人民政府关于2024年法治政府建设情况的报告</h1>
    <h2>一、主要举措和成效</h2>
    <div>第一段<b>加粗</b>文字，<br>换行后的文字。</div>
    <table><tr><th>项目</th><th>件数</th></tr><tr><td><p>受理</p></td><td>79</td></tr></table>
    <ul><li>列表一</li><li>列表二</li></ul>
    </article></body></html>"""
    path = tmp_path / "a.html"
    path.write_text(page, encoding="utf-8")
    raw = read_report(path)
    assert raw.text.split("\n") == [
        "青禾县人民政府关于2024年法治政府建设情况的报告",
        "一、主要举措和成效",
        "第一段加粗文字,",
        "换行后的文字。",
        "项目 件数",
        "受理 79",
        "列表一",
        "列表二",
    ]
    assert raw.heading_hints == ((0, 1), (1, 2))


# --- pdf -----------------------------------------------------------------------------------------


def test_pdf_with_indented_paragraphs_gives_the_lines_back(tmp_path, seed_path, build_pdf):
    """Official layout (首行缩进): paragraphs rejoined exactly, running header and page numbers gone."""
    lines = seed_lines(seed_path)
    path = build_pdf(tmp_path / "report.pdf", lines, indent=2)
    raw = read_report(path)
    assert raw.source.format == "pdf"
    assert raw.text.split("\n") == [normalize(line)[0] for line in lines]
    assert "青禾县人民政府文件" not in raw.text
    assert "青禾县人民政府文件" in raw.original  # dropped from the text, still in the page text
    # offsets point into the page text, past the dropped lines
    for index in range(0, len(raw.text), 97):
        assert raw.text[index] in unicodedata.normalize("NFKC", raw.original[raw.offsets[index]]) + " \n"


def test_pdf_without_indents_equal_modulo_whitespace(tmp_path, seed_by_prefix, build_pdf):
    lines = seed_lines(seed_by_prefix("002"))
    path = build_pdf(tmp_path / "report.pdf", lines, indent=0)
    raw = read_report(path)
    assert compact(raw.text) == compact("".join(lines))
    assert not re.search(r"^-\s*\d+\s*-$", raw.text, re.MULTILINE)
    text_lines = raw.text.split("\n")
    # soft wraps are joined: headings stay lines of their own, no line is a wrapped fragment of one
    for line in lines:
        if re.match(r"^[一二三四五六七八九十]+、", line):
            assert normalize(line)[0] in text_lines
    assert len(text_lines) <= len(lines) * 1.5


# --- sniffing ------------------------------------------------------------------------------------


def test_content_wins_over_extension(tmp_path, seed_text, build_docx):
    docx_path = build_docx(tmp_path / "real.docx", ["青禾县人民政府关于2024年法治政府建设情况的报告", "正文。"])
    renamed = tmp_path / "report.bin"
    renamed.write_bytes(docx_path.read_bytes())
    assert read_report(renamed).source.format == "docx"

    html_as_txt = tmp_path / "saved.txt"
    html_as_txt.write_text("<!DOCTYPE html><html><body><p>青禾县法治政府建设情况报告正文。</p></body></html>", encoding="utf-8")
    assert read_report(html_as_txt).text == "青禾县法治政府建设情况报告正文。"

    text_as_docx = tmp_path / "draft.docx"
    text_as_docx.write_bytes(seed_text.encode("utf-8"))
    raw = read_report(text_as_docx)
    assert raw.source.format == "txt"
    assert raw.text == normalize(seed_text)[0]
    assert any(".docx" in warning for warning in raw.warnings)


def test_docx_merged_cells_are_read_once(tmp_path):
    import docx

    document = docx.Document()
    document.add_paragraph("行政复议案件统计")
    table = document.add_table(rows=3, cols=3)
    for row, cells in enumerate([["类别", "件数", "备注"], ["受理", "79", "含上年结转"], ["审结", "74", ""]]):
        for column, text in enumerate(cells):
            table.cell(row, column).text = text
    table.cell(1, 2).merge(table.cell(2, 2))  # vertical merge: "含上年结转" spans two rows
    table.cell(0, 0).merge(table.cell(0, 1))  # horizontal merge: gridSpan
    document.add_paragraph("表后正文。")
    path = tmp_path / "merged.docx"
    document.save(path)
    raw = read_report(path)
    lines = raw.text.split("\n")
    assert lines[0] == "行政复议案件统计" and lines[-1] == "表后正文。"
    assert raw.text.count("含上年结转") == 1
    assert raw.text.count("79") == 1
    assert lines[2] == "受理 79 含上年结转"
    assert lines[3] == "审结 74"


def test_pdf_image_only_pages_are_reported(tmp_path):
    import io

    from PIL import Image  # reportlab depends on Pillow
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    picture = io.BytesIO()
    Image.new("RGB", (40, 40), "gray").save(picture, "PNG")
    picture.seek(0)
    path = tmp_path / "mixed.pdf"
    pdf = canvas.Canvas(str(path), invariant=1)
    pdf.setFont("STSong-Light", 12)
    pdf.drawString(72, 700, "青禾县人民政府关于2024年法治政府建设情况的报告")
    pdf.showPage()
    pdf.drawImage(ImageReader(picture), 72, 72, 400, 600)
    pdf.showPage()
    pdf.save()
    raw = read_report(path)
    assert raw.text == "青禾县人民政府关于2024年法治政府建设情况的报告"
    assert len(raw.warnings) == 1 and "第 2 页" in raw.warnings[0] and "文字层" in raw.warnings[0]


def test_html_table_layout_page_keeps_paragraphs(tmp_path, seed_path):
    """Older sites put the article in a layout table cell: its paragraphs stay lines."""
    import html as html_module

    lines = seed_lines(seed_path)
    paragraphs = "".join(f"<p>{html_module.escape(line)}</p>" for line in lines)
    page = (
        '<html><head><meta charset="utf-8"><title>x</title></head><body><table><tr>'
        '<td class="left"><a href="/1">首页</a><br><a href="/2">通知公告</a></td>'
        f'<td class="bt_content">{paragraphs}<table><tr><td>项目</td><td>件数</td></tr></table></td>'
        "</tr></table></body></html>"
    )
    path = tmp_path / "old_site.html"
    path.write_text(page, encoding="utf-8")
    raw = read_report(path)
    assert raw.text.split("\n") == [normalize(line)[0] for line in lines] + ["项目 件数"]
