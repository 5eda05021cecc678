"""Build the same report as .docx, .pdf, .html (and .md) files: for tests and the fuzz generator.

A module of its own (not a conftest) so that tests in any folder and bench/fuzz.py can import it.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Sequence

PART_HEADING = re.compile(r"^[一二三四五六七八九十]+、")
SUB_HEADING = re.compile(r"^[（(][一二三四五六七八九十]+[）)]")
SENTENCE_END = re.compile(r"[。；！？]")
PDF_RUNNING_HEADER = "青禾县人民政府文件"


def heading_level(line: str) -> int | None:
    """Heading level a drafter would give a seed line: 一、 -> 1, (一) -> 2 (when not a run-in heading)."""
    if SENTENCE_END.search(line):
        return None
    if PART_HEADING.match(line):
        return 1
    if SUB_HEADING.match(line):
        return 2
    return None


def build_docx(path: Path, lines: Sequence[str], *, title_first: bool = True) -> Path:
    """A .docx with one paragraph per line; tab-separated runs of lines become a table."""
    import docx

    document = docx.Document()
    rows: list[list[str]] = []

    def flush_table() -> None:
        if rows:
            table = document.add_table(rows=len(rows), cols=max(len(row) for row in rows))
            for row_index, cells in enumerate(rows):
                for column, text in enumerate(cells):
                    table.rows[row_index].cells[column].text = text
            rows.clear()

    for index, line in enumerate(lines):
        if "\t" in line:
            rows.append(line.split("\t"))
            continue
        flush_table()
        level = heading_level(line)
        if index == 0 and title_first:
            style = "Title"
        elif level:
            style = f"Heading {level}"
        else:
            style = "Normal"
        document.add_paragraph(line, style=style)
    flush_table()
    document.save(path)
    return path


def build_pdf(path: Path, lines: Sequence[str], *, indent: int = 2, running_header: bool = True) -> Path:
    """A PDF in reportlab's built-in CID font (no font file), lines wrapped at the page width.

    ``indent``: first-line indent in characters (official documents use 2). With
    ``running_header`` every page gets a header line and a "- N -" page number.
    """
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    font = "STSong-Light"
    pdfmetrics.registerFont(UnicodeCIDFont(font))
    size, leading = 11, 16.5
    width, height = A4
    left, right, top, bottom = 60, width - 60, height - 70, 60
    pdf = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    y = top

    def start_page() -> None:
        nonlocal y
        if running_header:
            pdf.setFont(font, 9)
            pdf.drawCentredString(width / 2, height - 40, PDF_RUNNING_HEADER)
            pdf.drawCentredString(width / 2, 30, f"- {pdf.getPageNumber()} -")
        pdf.setFont(font, size)
        y = top

    def next_line() -> None:
        nonlocal y
        y -= leading
        if y < bottom:
            pdf.showPage()
            start_page()

    start_page()
    for line in lines:
        x = left + indent * size
        chunk = ""
        for char in line:
            if x + pdfmetrics.stringWidth(chunk + char, font, size) > right:
                pdf.drawString(x, y, chunk)
                next_line()
                chunk, x = "", left
            chunk += char
        pdf.drawString(x, y, chunk)
        next_line()
    pdf.save()
    return path


def build_html(
    path: Path,
    lines: Sequence[str],
    *,
    encoding: str = "utf-8",
    charset_label: str | None = None,
    page_title: str = "",
    container: str = '<div id="zoom"><div class="TRS_Editor">{body}</div></div>',
) -> Path:
    """A government-site page: the report in an article container amid nav, script, sidebar, footer.

    ``charset_label`` is what the page declares (old pages declare gb2312 and are saved as GBK).
    """
    body = "\n".join(f"<p>{html.escape(line)}</p>" for line in lines)
    page = f"""<!DOCTYPE html>
<html><head>
<meta http-equiv="Content-Type" content="text/html; charset={charset_label or encoding}">
<title>{html.escape(page_title)}_青禾县人民政府门户网站</title>
<script>var notice = "脚本中的中文不应出现在正文里";</script>
<style>.TRS_Editor p {{ text-indent: 2em; }}</style>
</head>
<body>
<header><h1>青禾县人民政府门户网站</h1><div>无障碍浏览 长者模式</div></header>
<nav><ul><li><a href="/">首页</a></li><li><a href="/zwgk">政务公开</a></li><li><a href="/zwfw">政务服务</a></li></ul></nav>
<div class="wrapper">
  <div class="sidebar"><ul><li><a href="/a">政府信息公开指南</a></li><li><a href="/b">政府信息公开制度</a></li></ul></div>
  <div class="main">
    <table class="meta"><tr><td>索引号</td><td>11341100-2025-00012</td><td>发布机构</td><td>县政府办公室</td></tr></table>
    {container.format(body=body)}
    <div class="tools"><a href="javascript:print()">打印本页</a> <a href="javascript:close()">关闭窗口</a></div>
  </div>
</div>
<footer><p>主办：青禾县人民政府办公室 版权所有</p><p>网站标识码 1234567890</p></footer>
<noscript>请启用脚本以获得更好的浏览体验</noscript>
</body></html>
"""
    path.write_bytes(page.encode(encoding))
    return path


def build_markdown(path: Path, lines: Sequence[str]) -> Path:
    """Markdown as a drafter writes it: # title, ## 一、 parts, ### (一) sections, tab rows as a table."""
    out: list[str] = []
    in_table = False
    for index, line in enumerate(lines):
        if "\t" in line:
            cells = line.split("\t")
            out.append("| " + " | ".join(cells) + " |")
            if not in_table:
                out.append("|" + "---|" * len(cells))
                in_table = True
            continue
        if in_table:
            out.append("")
            in_table = False
        level = 0 if index == 0 else heading_level(line)
        prefix = "#" * (level + 1) + " " if level is not None else ""
        out.extend([prefix + line, ""])
    path.write_text("\n".join(out), encoding="utf-8")
    return path
