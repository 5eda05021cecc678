"""Web copies with no line breaks: put the breaks back where the title, a heading or the signature runs on.

Copying a report out of a web page often loses every line break: the whole report is one line, and
"……取得新成效。一、坚持党的领导,全面履行……(一)……1.……" has its headings inside sentences. The
section tree is built from lines, so such a text gets line breaks inserted, before each heading
marker that follows the end of a sentence (or follows another heading that has no final punctuation),
after a title that runs into the opening, after an addressee, and before the signature and the date.

The text is changed only by inserted ``\\n`` characters; the offset map gets an entry for each (it
points at the character that follows), so evidence offsets still lead back into the original file.
Only long lines are looked at: an ordinary paragraph is never cut.
"""

from __future__ import annotations

import re
from dataclasses import replace

from scorer.model import RawText

# Lines shorter than this are paragraphs as the author wrote them.
MIN_LINE = 300
# A heading with no final punctuation that another heading marker follows within this many
# characters ran into it ("(一)坚持高位推动,推动履行第一责任人职责1.坚持党的领导。").
_HEADING_RUN = 60

_MARKER = re.compile(
    r"[一二三四五六七八九十]{1,3}、"
    r"|[(（][一二三四五六七八九十]{1,3}[)）]"
    r"|(?<![\d.．])\d{1,2}[.．、](?=[\u4e00-\u9fff])"
    r"|[(（]\d{1,2}[)）](?=[\u4e00-\u9fff])"
)
_SENTENCE_END = frozenset("。!?！？;；:：”")
_HEADING_END = re.compile(r"[。!?！？;；]")
# Before these a marker is a reference, not a heading: 第(一)项, 条(二)款, 《…》(一).
_REFERENCE_BEFORE = frozenset("第条款项》")
_TITLE_RUN = re.compile(
    r"^[^,，。;；:：!?！？]{4,110}(?:报告|情况|汇报|总结)(?!如下)(?=(?:19|20)\d{2}\s*年|今年以来|一年来|[\u4e00-\u9fff、]{2,24}[:：])"
)
_ADDRESSEE = re.compile(r"[\u4e00-\u9fff、()（）]{2,30}?(?:政府|委|人大|局|办|厅|部|院|会|领导|同志)[:：]")
_DATE = re.compile(r"(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日")
_FORMULA = re.compile(r"(?:专此|特此)(?:报告|汇报)[。.]?")
_ATTACHMENT = re.compile(r"附(?:件|表)?\s*\d*\s*[:：]")
# A heading that runs into its first sentence, which opens with a time: "二、存在的不足今年以来,……",
# "三、2024年工作思路2024年,我镇将……".
_TIME_OPENING = re.compile(r"(?:(?:19|20)\d{2}\s*年(?:度|以来)?|今年以来|一年来|近年来|过去一年)[,，]")
_CLOSING_WINDOW = 300
# A heading that runs into a first sentence opening with one of these words: "(二)……创新一是执行……".
_BODY_OPENING = re.compile(r"一是|首先|按照|根据|依据|对照|为进一步|为深入|为全面|为切实")
# The fields of a web page's 政府信息公开 header, when the copy ran them together with the title:
# "政府信息公开某市2018年依法行政工作报告索引号ndbg-…主题分类其他发文日期…发布机构…文号2018年,……".
_PAGE_FIELDS = re.compile(
    "|".join(
        sorted(
            (
                "索引号", "主题分类", "发文日期", "发布机构", "发文机关", "发文机构", "文号", "发文字号", "成文日期",
                "发布日期", "公开日期", "生成日期", "主题词", "公开方式", "公开范围", "信息来源", "体裁分类",
                "组配分类", "服务对象分类", "信息分类", "所属机构", "所属主题", "信息名称", "文件编号", "统一编号",
                "发布时间", "更新时间", "责任部门",
            ),
            key=len,
            reverse=True,
        )
    )
)
_PAGE_CHROME = re.compile(r"^(?:政府信息公开|信息公开目录|信息公开|政务公开|法定主动公开内容|主动公开)(?=.)")
_HEADER_WINDOW = 400


def _heading_cuts(line: str) -> list[int]:
    cuts: list[int] = []
    heading_at: int | None = None  # where the current run-on heading starts
    for match in _MARKER.finditer(line):
        position = match.start()
        if position == 0:
            heading_at = 0
            continue
        before = line[: position].rstrip()[-1:]  # spaces between the sentence and the marker do not count
        if not before or before in _REFERENCE_BEFORE:
            continue
        after_sentence = before in _SENTENCE_END
        after_heading = (
            heading_at is not None
            and position - heading_at <= _HEADING_RUN
            and not _HEADING_END.search(line, heading_at, position)
        )
        if after_sentence or after_heading:
            cuts.append(position)
            heading_at = position
    return cuts


def _page_header_cuts(line: str) -> list[int]:
    """Cuts around the fields of a web page's header block run together at the top (two fields at least)."""
    fields = list(_PAGE_FIELDS.finditer(line, 0, _HEADER_WINDOW))
    if len(fields) < 2:
        return []
    cuts = [position for field in fields for position in (field.start(), field.end())]
    chrome = _PAGE_CHROME.match(line)
    if chrome:
        cuts.append(chrome.end())
    return cuts


def _head_cuts(line: str) -> list[int]:
    """Cuts after a title that runs into the opening, and after an addressee that follows it."""
    cuts: list[int] = _page_header_cuts(line)
    title = _TITLE_RUN.match(line)
    cut = 0
    if title is not None:
        cut = title.end()
        cuts.append(cut)
    addressee = _ADDRESSEE.match(line, cut)  # after the title, or opening the text ("州委、州政府:2023年,……")
    if addressee is not None:
        cuts.append(addressee.end())
    return cuts


def _closing_cuts(line: str) -> list[int]:
    """Cuts around the closing block: 特此报告, 附件, the signing body, the date, residue after it."""
    window = max(0, len(line) - _CLOSING_WINDOW)
    dates = list(_DATE.finditer(line, window))
    if not dates:
        return []
    date = dates[-1]
    rest = line[date.end() :]
    if any(end in rest for end in "。!?！？") or len(rest) > 80:
        return []  # a date inside the last sentences, not the closing
    cuts = [date.start()]
    if rest.strip():
        cuts.append(date.end())  # web-page links after the date
    before = line[window : date.start()]
    last_end = max(before.rfind(end) for end in "。!?！？")
    if last_end < 0:
        return cuts
    block_start = window + last_end + 1
    cuts.append(block_start)
    block = line[block_start : date.start()]
    for pattern in (_FORMULA, _ATTACHMENT):
        found = pattern.search(block)
        if found:
            cuts.append(block_start + found.start())
            if pattern is _FORMULA:
                cuts.append(block_start + found.end())
    party = block.rfind("中共")
    if party > 0:
        cuts.append(block_start + party)  # "……统计表中共某某镇委员会某某镇人民政府"
    return cuts


def _run_on_heading_cuts(line: str, starts: list[int]) -> list[int]:
    """Cuts where a heading runs into a first sentence that opens with a time ("……原因今年以来,")."""
    cuts = []
    for start in starts:
        stop = _HEADING_END.search(line, start)
        limit = min(stop.start() if stop else len(line), start + _HEADING_RUN)
        openings = [
            found.start()
            for pattern in (_TIME_OPENING, _BODY_OPENING)
            if (found := pattern.search(line, start + 4, limit + 12)) and found.start() <= limit
        ]
        if openings:
            cuts.append(min(openings))
    return cuts


def line_cuts(line: str, first: bool) -> list[int]:
    """Positions in ``line`` before which a line break belongs (sorted, without 0 and len(line))."""
    if len(line) < MIN_LINE:
        return []
    headings = _heading_cuts(line)
    starts = ([0] if _MARKER.match(line) else []) + headings
    found = set(headings) | set(_run_on_heading_cuts(line, starts)) | set(_closing_cuts(line))
    if first:
        found |= set(_head_cuts(line))
    return sorted(position for position in found if 0 < position < len(line))


def reflow(raw: RawText) -> RawText:
    """``raw`` with line breaks inserted where a web copy ran the layout together (unchanged otherwise)."""
    text = raw.text
    lines = text.split("\n")
    if max(map(len, lines), default=0) < MIN_LINE:
        return raw
    parts: list[str] = []
    offsets: list[int] = []
    shift: list[int] = []  # lines inserted before each original line
    inserted = 0
    position = 0
    first_content = True
    for number, line in enumerate(lines):
        shift.append(inserted)
        cuts = line_cuts(line, first_content) if line.strip() else []
        if line.strip():
            first_content = False
        previous = 0
        for cut in cuts:
            parts.append(line[previous:cut])
            offsets.extend(raw.offsets[position + previous : position + cut])
            parts.append("\n")
            offsets.append(raw.offsets[position + cut])
            previous = cut
        inserted += len(cuts)
        parts.append(line[previous:])
        offsets.extend(raw.offsets[position + previous : position + len(line)])
        position += len(line)
        if number < len(lines) - 1:
            parts.append("\n")
            offsets.append(raw.offsets[position])
            position += 1
    if not inserted:
        return raw
    hints = tuple((line + shift[line], level) for line, level in raw.heading_hints if line < len(shift))
    warning = "正文几乎没有分行（常见于网页复制），已按标题、“一、”“(一)”“1.”等序号和落款重新分行"
    return replace(
        raw,
        text="".join(parts),
        offsets=tuple(offsets),
        heading_hints=hints,
        warnings=(*raw.warnings, warning),
    )
