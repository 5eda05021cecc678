"""Word (.docx) output: the gap report of one scored report and the year-over-year comparison.

The same sections as the HTML pages, from the same view models (``scorer.render.view`` for a
scorecard, ``scorer.render.compare`` for a comparison), so the two never disagree. The document
is what a Chinese office forwards, annotates and prints:

* real Word headings (styles Heading 1/2/3, so the navigation pane and a table of contents work)
  and real tables (style Table Grid, header rows repeat on every page);
* A4 portrait, page numbers in the footer;
* CJK fonts named through ``w:eastAsia``: 宋体 for headings and 仿宋 for text, names Word and WPS
  know on Chinese systems. The font table gives each its English name as ``w:altName`` (SimSun,
  FangSong) for Word on other systems, and every run is tagged ``zh-CN`` so LibreOffice or any
  fontconfig-based reader picks an installed Chinese font (e.g. Noto CJK) when neither exists.
  Theme font references of the python-docx template are removed: they would override the names;
* no macros (a plain .docx package), no external links, no fields other than PAGE;
* deterministic: core properties dated from ``generation_time()`` (``SOURCE_DATE_EPOCH``) and the
  zip members stamped with the same time, so one input gives one byte sequence.
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, Iterable, Sequence

import docx
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_COLOR_INDEX
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

import scorer
from scorer.model import Review, Scorecard
from scorer.render import compare as compare_view
from scorer.render.clock import as_utc, generation_time
from scorer.render.view import build_context
from scorer.render.view import number as _num

if TYPE_CHECKING:  # pragma: no cover
    from scorer.model import CompareResult
    from scorer.rules.thresholds import MatchingConfig

HEADING_FONT = "宋体"
BODY_FONT = "仿宋"
LATIN_FONT = "Times New Roman"
MONO_FONT = "Courier New"
# Status marks (✔ ◐ ✘ ★ …) get a font that has them: with the Latin font a bold heading showed half a ◐
# (LibreOffice substituted a face without it). Windows has Segoe UI Symbol; elsewhere fontconfig finds one.
SYMBOL_FONT = "Segoe UI Symbol"
_SYMBOLS = re.compile(r"([\u2190-\u21ff\u2500-\u27bf\u2b00-\u2bff]+)")
# The English names Word falls back to when the Chinese name is not installed (w:altName).
FONT_ALT_NAMES = {HEADING_FONT: "SimSun", BODY_FONT: "FangSong"}
INK = RGBColor(0x1F, 0x23, 0x28)
MUTED = RGBColor(0x59, 0x63, 0x6E)
# Style -> (east Asian font, size in points, bold).
STYLE_FONTS = {
    "Normal": (BODY_FONT, 10.5, False),
    "Title": (HEADING_FONT, 18, True),
    "Subtitle": (BODY_FONT, 12, False),
    "Heading 1": (HEADING_FONT, 15, True),
    "Heading 2": (HEADING_FONT, 12.5, True),
    "Heading 3": (HEADING_FONT, 11, True),
    "Quote": (BODY_FONT, 10.5, False),
    "List Bullet": (BODY_FONT, 10.5, False),
    "Footer": (BODY_FONT, 9, False),
}
TABLE_FONT_SIZE = 9
_EARLIEST_ZIP_TIME = datetime(1980, 1, 1, tzinfo=timezone.utc)  # the zip format cannot go earlier
_THEME_FONT_ATTRIBUTES = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")


# ---------------------------------------------------------------------------------------------
# A small writer over python-docx
# ---------------------------------------------------------------------------------------------


def _set_run_fonts(rpr, east_asian: str, latin: str = LATIN_FONT) -> None:
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attribute in _THEME_FONT_ATTRIBUTES:
        fonts.attrib.pop(qn(attribute), None)
    fonts.set(qn("w:ascii"), latin)
    fonts.set(qn("w:hAnsi"), latin)
    fonts.set(qn("w:cs"), latin)
    fonts.set(qn("w:eastAsia"), east_asian)


def _set_language(rpr) -> None:
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), "zh-CN")
    lang.set(qn("w:eastAsia"), "zh-CN")


class _Writer:
    """Builds one document: headings, paragraphs, quotes, bullet lists and tables."""

    def __init__(self, title: str, subject: str, moment: datetime, footer: str) -> None:
        self.doc = docx.Document()
        self.moment = moment
        self._styles()
        self._page(footer)
        self._properties(title, subject)

    # -- set-up ----------------------------------------------------------------------------

    def _styles(self) -> None:
        styles = self.doc.styles
        defaults = styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
        _set_run_fonts(defaults, BODY_FONT)
        _set_language(defaults)
        for style in styles:
            rpr = style.element.find(qn("w:rPr"))
            fonts = rpr.find(qn("w:rFonts")) if rpr is not None else None
            if fonts is not None:  # theme fonts would override the names set below
                for attribute in _THEME_FONT_ATTRIBUTES:
                    fonts.attrib.pop(qn(attribute), None)
        for name, (east_asian, size, bold) in STYLE_FONTS.items():
            style = styles[name]
            _set_run_fonts(style.element.get_or_add_rPr(), east_asian)
            style.font.size = Pt(size)
            style.font.bold = bold
            style.font.italic = False
            style.font.color.rgb = INK
        title = styles["Title"]
        title.paragraph_format.space_after = Pt(6)
        border = title.element.get_or_add_pPr().find(qn("w:pBdr"))
        if border is not None:  # the template's blue rule under the title
            border.getparent().remove(border)
        styles["Quote"].paragraph_format.left_indent = Mm(6)
        for name in ("Heading 1", "Heading 2", "Heading 3"):
            styles[name].paragraph_format.space_before = Pt(14 if name == "Heading 1" else 10)
            styles[name].paragraph_format.space_after = Pt(4)
        self._font_table()

    def _font_table(self) -> None:
        """Declare the CJK fonts with their English names as fallbacks (w:altName)."""
        part = next(p for p in self.doc.part.package.iter_parts() if p.partname == "/word/fontTable.xml")
        fonts = "".join(
            f'<w:font w:name="{name}"><w:altName w:val="{alt}"/><w:charset w:val="86"/>'
            f'<w:family w:val="{"roman" if name == HEADING_FONT else "modern"}"/><w:pitch w:val="variable"/></w:font>'
            for name, alt in FONT_ALT_NAMES.items()
        )
        blob = part.blob.decode("utf-8").replace("</w:fonts>", fonts + "</w:fonts>")
        part._blob = blob.encode("utf-8")

    def _page(self, footer: str) -> None:
        section = self.doc.sections[0]
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin = section.bottom_margin = Mm(22)
        section.left_margin = section.right_margin = Mm(20)
        paragraph = section.footer.paragraphs[0]
        paragraph.style = self.doc.styles["Footer"]
        paragraph.add_run(f"{footer}　第 ")
        field = OxmlElement("w:fldSimple")
        field.set(qn("w:instr"), "PAGE")
        run = OxmlElement("w:r")
        text = OxmlElement("w:t")
        text.text = "1"
        run.append(text)
        field.append(run)
        paragraph._p.append(field)
        paragraph.add_run(" 页")

    def _properties(self, title: str, subject: str) -> None:
        # A thumbnail of the template's blank page would misrepresent the document.
        package = self.doc.part.package
        for key, relationship in list(package.rels.items()):
            if relationship.reltype == RT.THUMBNAIL:
                del package.rels[key]
        properties = self.doc.core_properties
        naive = self.moment.astimezone(timezone.utc).replace(tzinfo=None)
        properties.title = title
        properties.subject = subject
        properties.author = "fzscore"
        properties.last_modified_by = "fzscore"
        properties.comments = f"由 fzscore {scorer.__version__} 生成"
        properties.keywords = "法治政府建设; 年度报告; 评分"
        properties.language = "zh-CN"
        properties.category = ""
        properties.created = naive
        properties.modified = naive
        properties.last_printed = naive
        properties.revision = 1

    # -- content ---------------------------------------------------------------------------

    def title(self, text: str, subtitle: str | None = None) -> None:
        self.doc.add_paragraph(text, style="Title")
        if subtitle:
            self.doc.add_paragraph(subtitle, style="Subtitle")

    def heading(self, text: str, level: int) -> None:
        self._run(self.doc.add_heading(level=level), text, "")

    def paragraph(self, *runs: str | tuple[str, str], style: str | None = None, muted: bool = False):
        """A paragraph of plain strings or (text, style) runs; style "strong", "code", "term", "substance"."""
        paragraph = self.doc.add_paragraph(style=style)
        for run in runs:
            text, kind = (run, "") if isinstance(run, str) else run
            self._run(paragraph, text, kind, muted)
        return paragraph

    def _run(self, paragraph, text: str, kind: str, muted: bool = False):
        """Add ``text`` as runs of one style (a status mark in it gets a run of its own); the last run."""
        parts = [text] if kind == "code" else [part for part in _SYMBOLS.split(text) if part] or [text]
        for part in parts:
            run = paragraph.add_run(part)
            if _SYMBOLS.fullmatch(part):  # a status mark, in a font that has it
                _set_run_fonts(run._r.get_or_add_rPr(), SYMBOL_FONT, SYMBOL_FONT)
            if kind == "strong":
                run.bold = True
            elif kind == "code":
                _set_run_fonts(run._r.get_or_add_rPr(), BODY_FONT, MONO_FONT)
            elif kind == "term":
                run.font.highlight_color = WD_COLOR_INDEX.YELLOW
            elif kind == "substance":
                run.underline = True
            if muted:
                run.font.color.rgb = MUTED
        return run

    def labelled(self, label: str, text: str) -> None:
        self.paragraph((f"{label}：", "strong"), text)

    def quote(self, runs: Sequence[tuple[str, str]] | str, meta: str | None = None) -> None:
        """An evidence sentence in quotation marks, with where it stands in the report."""
        body = [(runs, "")] if isinstance(runs, str) else list(runs)
        paragraph = self.paragraph(("“", ""), *body, ("”", ""), style="Quote")
        paragraph.paragraph_format.space_after = Pt(2 if meta else 6)
        if meta:
            note = self.paragraph(meta, style="Quote", muted=True)
            note.paragraph_format.space_after = Pt(6)
            for run in note.runs:
                run.font.size = Pt(9)

    def bullets(self, items: Iterable[Sequence[tuple[str, str]] | str]) -> None:
        for item in items:
            runs = [(item, "")] if isinstance(item, str) else list(item)
            self.paragraph(*runs, style="List Bullet")

    def table(self, header: Sequence[str], rows: Sequence[Sequence[Any]], widths: Sequence[float] | None = None) -> None:
        """A grid table; a cell is a string or a list of (text, style) runs."""
        table = self.doc.add_table(rows=1 + len(rows), cols=len(header))
        table.style = self.doc.styles["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        for index, text in enumerate(header):
            self._cell(table.rows[0].cells[index], [(text, "strong")])
        header_properties = table.rows[0]._tr.get_or_add_trPr()
        header_properties.append(OxmlElement("w:tblHeader"))  # repeat on every page
        for row_index, row in enumerate(rows, start=1):
            for column, value in enumerate(row):
                runs = [(value, "")] if isinstance(value, str) else list(value)
                self._cell(table.rows[row_index].cells[column], runs)
        if widths:
            # Word reads the cell widths, LibreOffice the grid: set both, and keep the layout fixed.
            table.autofit = False
            for column, width in zip(table._tbl.tblGrid.findall(qn("w:gridCol")), widths):
                column.set(qn("w:w"), str(Mm(width).twips))
            for row in table.rows:
                for cell, width in zip(row.cells, widths):
                    cell.width = Mm(width)
        self.doc.add_paragraph().paragraph_format.space_after = Pt(2)

    def _cell(self, cell, runs: Sequence[tuple[str, str]]) -> None:
        paragraph = cell.paragraphs[0]
        for text, kind in runs:
            for index, line in enumerate(text.split("\n")):
                if index:
                    paragraph = cell.add_paragraph()
                run = self._run(paragraph, line, kind)
                run.font.size = Pt(TABLE_FONT_SIZE)

    # -- output ----------------------------------------------------------------------------

    def to_bytes(self) -> bytes:
        buffer = io.BytesIO()
        self.doc.save(buffer)
        return _deterministic_zip(buffer.getvalue(), self.moment)


def _deterministic_zip(data: bytes, moment: datetime) -> bytes:
    """The package again with every member stamped ``moment`` (python-docx stamps the current time)."""
    stamp = max(as_utc(moment), _EARLIEST_ZIP_TIME).timetuple()[:6]
    output = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            member = zipfile.ZipInfo(info.filename, date_time=stamp)
            member.compress_type = zipfile.ZIP_DEFLATED
            member.external_attr = 0o644 << 16
            target.writestr(member, source.read(info.filename))
    return output.getvalue()


def _segments(segments) -> list[tuple[str, str]]:
    """Highlighted evidence (scorer.render.highlight) as runs."""
    return [(segment.text, segment.mark or "") for segment in segments]


# ---------------------------------------------------------------------------------------------
# One scored report
# ---------------------------------------------------------------------------------------------


def format_scorecard(
    scorecard: Scorecard,
    *,
    fail_under: float | None = None,
    failed: bool | None = None,
    generated_at: datetime | None = None,
    tool_version: str = scorer.__version__,
    matching: "MatchingConfig | None" = None,
    reviews: Sequence[Review] = (),
) -> bytes:
    """The .docx gap report of ``scorecard`` (the sections and order of the HTML report).

    ``reviews`` (人工复核 from the workspace) are written beside the machine verdicts they concern.
    """
    moment = as_utc(generated_at) if generated_at is not None else generation_time()
    c = build_context(
        scorecard,
        fail_under=fail_under,
        failed=failed,
        generated_at=moment,
        tool_version=tool_version,
        matching=matching,
        reviews=reviews,
    )
    meta = c["meta"]
    writer = _Writer(c["page_title"], "法治政府建设年度报告逐项评分与差距报告", moment, "fzscore 差距报告")
    writer.title(c["display_title"], "法治政府建设年度报告 · 逐项评分与差距报告")
    if not c["title_found"]:
        writer.paragraph("（报告没有可识别的标题，以文件名代替）", muted=True)
    writer.table(
        ("报告主体", "层级", "报告年度", "成文日期", "落款", "主送"),
        [
            (
                meta.jurisdiction or "未识别",
                c["level_word"] or "未识别",
                f"{meta.year} 年" if meta.year else "未识别",
                meta.date or "未识别",
                meta.signer or "—",
                meta.addressee or "—",
            )
        ],
    )

    # Headline
    writer.heading("总分与结论", 1)
    writer.paragraph(("总分：", "strong"), (f"{c['score']} / 100 分", "strong"), f"　等级：{c['grade']}")
    verdict = c["verdict"]
    if verdict:
        fail_under = c["fail_under"]
        line = "检查结果" + (f"（及格线 {_num(fail_under)} 分）" if fail_under is not None else "") + "："
        writer.paragraph((line, "strong"), (f"{verdict.symbol} {verdict.word}", "strong"))
        writer.bullets(verdict.reasons)
    views = c["status_views"]
    writer.paragraph(
        "条目：" + "，".join(f"{views[s].symbol} {views[s].word} {c['counts'][s]} 项" for s in ("covered", "partial", "missing", "not_applicable"))
    )
    writer.paragraph(
        "适用规则包：" + "；".join(f"{p.title}（{p.id}，{p.score:.1f} 分）" for p in c["packs"] if p.id)
    )
    if c["key_not_covered"]:
        writer.paragraph(("★ 关键项未覆盖：", "strong"), "；".join(c["key_not_covered"]))
    counts = c["review_counts"]
    if counts:
        changed = f"；⚠ {counts['machine_changed']} 项复核后机器判定已变化，请重新复核" if counts["machine_changed"] else ""
        writer.paragraph(
            ("人工复核：", "strong"),
            f"{counts['reviewed']} 项，其中改判 {counts['overridden']} 项{changed}。状态与得分为机器判定，人工复核结论写在各条目下。",
        )
    if c["warnings"]:
        writer.paragraph(("⚠ 提示", "strong"))
        writer.bullets(c["warnings"])

    # Gaps
    writer.heading("差距清单", 1)
    writer.paragraph("未覆盖和部分覆盖的条目，按失分从高到低排列。", muted=True)
    if c["gaps"]:
        for number, gap in enumerate(c["gaps"], start=1):
            flag = "　★ 关键项" if gap.key else ""
            writer.heading(f"{number}. {gap.status.symbol} {gap.status.word}｜{gap.title}{flag}", 2)
            writer.paragraph(
                f"失分 {_num(gap.lost)} / 权重 {_num(gap.weight)}　{gap.pack_title}{' ' + gap.section if gap.section else ''} · {gap.id}",
                muted=True,
            )
            writer.labelled("判定理由", gap.reason or "—")
            writer.labelled("建议补充", gap.advice or "—")
            writer.labelled("依据", gap.basis or "—")
            if gap.review:
                writer.labelled("人工复核", gap.review.line.removeprefix("人工复核："))
    else:
        writer.paragraph("✔ 所有适用条目均已覆盖，没有差距。")
    if c["waived_gaps"]:
        writer.paragraph(f"另有 {len(c['waived_gaps'])} 个未覆盖或部分覆盖的条目已豁免，未列入差距清单，见“豁免项”。", muted=True)

    # Subtotals
    writer.heading("分项得分", 1)
    for pack in c["packs"]:
        if not pack.chart:
            continue
        writer.heading(pack.title, 2)
        writer.table(
            ("部分", "得分", "适用权重", "得分率"),
            [
                (bar.label, _num(bar.score), _num(bar.weight), "不适用" if bar.percent is None else f"{bar.percent:.0f}%")
                for bar in pack.chart.bars
            ],
            widths=(100, 22, 22, 22),
        )

    # Items
    writer.heading("逐项明细", 1)
    writer.paragraph(f"共 {c['item_count']} 项，按规则包顺序；每个条目的建议补充和依据见前面的差距清单。", muted=True)
    for pack in c["packs"]:
        writer.heading(f"{pack.title}（{pack.score:.1f} 分）" if pack.id else pack.title, 2)
        writer.table(
            ("条目", "状态", "得分", "判定理由"),
            [
                (
                    [(v.title, ""), ("　★ 关键项" if v.key else "", "strong"), ("（已豁免）" if v.waiver else "", "")],
                    f"{v.status.symbol} {v.status.word}",
                    f"{_num(v.score)} / {_num(v.weight)}",
                    [(v.reason or "—", ""), (f"\n{v.review.line}", "strong")] if v.review else v.reason or "—",
                )
                for v in pack.items
            ],
            widths=(62, 22, 20, 66),
        )
        with_evidence = [v for v in pack.items if v.evidence or v.parts]
        if with_evidence:
            writer.heading(f"{pack.title}：证据摘录", 3)
            writer.paragraph("黄色底纹为命中的关键词，下划线为具体数字、文件、日期等实质性要素。", muted=True)
        for v in with_evidence:
            writer.paragraph((f"{v.status.symbol} {v.title}", "strong"), f"（{v.pack}:{v.id}）")
            for part in v.parts:
                writer.paragraph(f"组成部分：{part.title}　{part.status.symbol} {part.status.word}", muted=True)
            for e in v.evidence:
                meta_line = f"位置：{e.location} · 所在部分：{e.role}" + (f" · 相似度：{e.similarity}" if e.similarity else "")
                if e.substance:
                    meta_line += " · 实质性要素：" + "、".join(e.substance)
                writer.quote(_segments(e.segments), meta_line)

    # Structure
    writer.heading("报告结构", 1)
    writer.paragraph("《法治政府建设与责任落实督察工作规定》要求的四个部分。", muted=True)
    if c["has_structure_items"]:
        writer.table(
            ("必备部分", "状态", "本报告中的对应部分", "说明"),
            [
                (
                    part.title,
                    f"{part.item.status.symbol} {part.item.status.word}" if part.item else "—",
                    "；".join(part.sections) if part.sections else "无单独的一级部分",
                    (part.item.reason or "—") if part.item else "未评估",
                )
                for part in c["required_parts"]
            ],
            widths=(50, 22, 50, 48),
        )
    else:
        writer.paragraph("本次评分未应用报告结构规则包（report-structure），以下仅列出识别到的部分。", muted=True)
    rows = []
    if c["has_preamble"]:
        rows.append(("（开头段落）", "开头", "—"))
    rows.extend((part.heading, part.role, str(part.chars)) for part in c["doc_parts"])
    if c["has_closing"]:
        rows.append(("（落款与日期）", "结尾", "—"))
    if not c["doc_parts"]:
        rows.append(("未识别出一级标题（一、二、三……）", "—", "—"))
    writer.table(("本报告的一级部分", "识别的角色", "字数"), rows, widths=(110, 35, 25))

    # Waivers
    if c["waivers"]:
        writer.heading("豁免项", 1)
        writer.table(
            ("豁免条目", "理由", "适用于"),
            [(w.item, w.reason, "；".join(w.matched) if w.matched else "⚠ 未匹配任何条目：请检查条目编号是否写错") for w in c["waivers"]],
        )

    # Method
    writer.heading("方法与局限", 1)
    writer.bullets(c["method_notes"])
    caption = "本次评分使用的匹配阈值" if c["thresholds_given"] else "默认匹配阈值（规则包或项目配置 .fzscore.yaml 可覆盖）"
    writer.paragraph((caption, "strong"))
    writer.table(("阈值", "配置键", "取值"), [(label, name, value) for label, name, value in c["threshold_rows"]], widths=(100, 50, 20))
    source = c["source"]
    writer.paragraph(
        f"工具：fzscore {c['tool_version']}（结果格式 {c['schema_version']}）；规则包："
        + "；".join(f"{p.id} {p.version}" for p in c["packs"] if p.id)
        + f"；输入文件：{c['file_name'] or '—'}（SHA-256 {source.sha256 or '—'}）；生成时间：{c['generated_at']}（UTC）",
        muted=True,
    )
    return writer.to_bytes()


# ---------------------------------------------------------------------------------------------
# Two years of one body
# ---------------------------------------------------------------------------------------------


def format_compare(result: "CompareResult", *, generated_at: datetime | None = None, tool_version: str = scorer.__version__) -> bytes:
    """The .docx of a year-over-year comparison (the sections and order of the HTML page)."""
    moment = as_utc(generated_at) if generated_at is not None else generation_time()
    c = compare_view.build_context(result, generated_at=moment, tool_version=tool_version)
    last, this = c["last"], c["this"]
    writer = _Writer(c["page_title"], "法治政府建设年度报告逐年对比", moment, "fzscore 逐年对比")
    writer.title(c["heading"], "法治政府建设年度报告 · 逐年对比")
    writer.paragraph((c["verdict"], "strong"))
    writer.table(
        ("", last.label, this.label),
        [
            ("报告", last.display_title, this.display_title),
            ("文件", last.file_name, this.file_name),
            ("报告主体", last.jurisdiction, this.jurisdiction),
            ("层级", last.level, this.level),
            ("报告年度", last.year, this.year),
            ("成文日期", last.date, this.date),
            ("总分", f"{last.score}（{last.grade}）", f"{this.score}（{this.grade}）　{c['score_change']} 分"),
            ("规则包", last.packs, this.packs),
        ],
        widths=(24, 73, 73),
    )
    writer.paragraph("条目变化：" + "，".join(f"{symbol} {word} {count} 项" for symbol, word, count in c["change_counts"]))
    if c["warnings"]:
        writer.paragraph(("⚠ 提示", "strong"))
        writer.bullets(c["warnings"])

    writer.heading("重复上一年度的问题", 1)
    writer.paragraph(
        f"本年度“存在的不足”中与上一年度几乎相同的表述：{len(c['problems'])} / {c['problem_statements']} 条。", muted=True
    )
    if c["problems"]:
        writer.table(
            ("本年度的表述", "上一年度的表述", "相似度"),
            [(pair.this.text, pair.last.text, pair.similarity) for pair in c["problems"]],
            widths=(75, 75, 20),
        )
    elif c["problem_statements"] and c["last_problem_statements"]:
        writer.paragraph("✔ 本年度的“不足”没有重复上一年度的表述。")
    else:
        writer.paragraph("至少一份报告中没有可比较的“存在的不足”部分。", muted=True)

    writer.heading("上一年度安排的落实情况", 1)
    writer.paragraph(f"见成效 {c['plans_followed']} / {len(c['plans'])} 项。", muted=True)
    if not c["plans"]:
        writer.paragraph("上一年度报告中没有可识别的“下一年度安排”部分。", muted=True)
    for plan in c["plans"]:
        writer.heading(f"{plan.symbol} {plan.word}｜{plan.title}", 2)
        writer.labelled("上一年度的安排", plan.point.text)
        if plan.items:
            writer.paragraph("涉及条目：" + "、".join(plan.items), muted=True)
        if plan.matches:
            for match in plan.matches:
                writer.quote(match.evidence.text, f"本年度 · {match.evidence.location} · 对应措施：{match.clause} · 覆盖 {match.share}")
        else:
            note = "本年度报告的成效部分没有写到这项安排"
            if plan.nearest:
                note += f"；最接近的表述（覆盖 {plan.nearest.share}，未达阈值）：“{plan.nearest.evidence.text}”"
            writer.paragraph(note + "。")

    writer.heading("沿用上一年度的成效段落", 1)
    writer.paragraph(f"{len(c['recycled'])} / {c['achievement_paragraphs']} 段。", muted=True)
    if c["recycled"]:
        writer.table(
            ("本年度的段落", "上一年度的段落", "相似度"),
            [(pair.this.text, pair.last.text, pair.similarity) for pair in c["recycled"]],
            widths=(75, 75, 20),
        )
    else:
        writer.paragraph("✔ 本年度的成效段落没有沿用上一年度的段落。")

    writer.heading("逐项变化", 1)
    writer.paragraph(f"共 {len(c['items'])} 项，本年度得分 {c['score_change']} 分。", muted=True)

    def side(s) -> str:
        return f"{s.status.symbol} {s.status.word} {s.score}/{s.weight}" if s else "—"

    writer.table(
        ("条目", "上一年度", "本年度", "变化"),
        [
            (
                [(v.title, ""), ("　★ 关键项" if v.key else "", "strong"), (f"\n{v.pack}:{v.id}", "")],
                side(v.last),
                side(v.this),
                f"{v.symbol} {v.word}" + (f"（{v.delta} 分）" if v.delta not in ("—", "0") else ""),
            )
            for v in c["items"]
        ],
        widths=(70, 35, 35, 30),
    )
    for v in c["changed_items"]:
        writer.heading(f"{v.symbol} {v.word}｜{v.title}", 2)
        for label, s in (("上一年度", v.last), ("本年度", v.this)):
            writer.paragraph((f"{label}：{side(s)}", "strong"), f"　{s.reason}" if s and s.reason else "")
            for q in s.evidence if s else ():
                writer.quote(q.text, f"位置：{q.location}")

    writer.heading("方法与局限", 1)
    writer.bullets(c["method_notes"])
    writer.paragraph(("本次比较使用的阈值", "strong"))
    writer.table(("阈值", "配置键", "取值"), [tuple(row) for row in c["threshold_rows"]], widths=(110, 40, 20))
    writer.paragraph(
        f"工具：fzscore {c['tool_version']}；"
        + "；".join(f"{s.label}：{s.file_name or '—'}（SHA-256 {s.sha256}）" for s in c["sides"])
        + f"；生成时间：{c['generated_at']}（UTC）",
        muted=True,
    )
    return writer.to_bytes()
