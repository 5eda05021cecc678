"""Low-level segmentation of normalised report text: line spans, heading markers, sentences, residue lines.

Everything here works on absolute character offsets into the text it is given, so the callers
(``scorer.document``) can build objects for which ``text[start:end] == piece`` always holds.
Nothing here decides what a line *is* in the report's layout; it only answers local questions
("does this line start with a heading marker?", "where are the sentence ends?").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Characters treated as blank around lines and sentences: str.isspace() plus zero-width marks that
# survive copy-paste from web pages.
_EXTRA_BLANKS = frozenset("\u200b\u200c\u200d\u2060\ufeff")

_CN_NUMBER = "[一二三四五六七八九十百]+"

# Sentence terminators (after NFKC the full-width ！？ become ASCII). "." is not one: it is
# used in numbers and in "1." markers.
SENTENCE_TERMINATORS = frozenset("。!?！？")
# A heading that continues with body text on the same line ends at one of these.
HEADING_TERMINATORS = frozenset("。!?！？;；:：")
_SEMICOLONS = frozenset(";；")

# Bracket pairs inside which we never cut a sentence (quotes, book titles, parentheses).
_OPENERS = {"“": "”", "‘": "’", "《": "》", "「": "」", "『": "』", "(": ")", "（": "）", "【": "】", "〔": "〕"}
_CLOSERS = frozenset(_OPENERS.values())
_STRAIGHT_QUOTE = '"'
# An opener whose closer is further than this is treated as a stray character (OCR, typos), so one
# unbalanced quote cannot swallow a whole paragraph into one sentence.
_MAX_BRACKET_SPAN = 300

# Sentences longer than this are additionally cut at semicolons ("一是……;二是……;").
LONG_SENTENCE = 150
_MIN_PIECE = 8


def is_blank(ch: str) -> bool:
    return ch.isspace() or ch in _EXTRA_BLANKS


@dataclass(frozen=True)
class LineSpan:
    """A non-empty line (or part of one) with surrounding blanks stripped."""

    start: int
    end: int
    line_no: int  # index into text.split("\n")


def strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Shrink [start, end) so that it neither starts nor ends with a blank."""
    while start < end and is_blank(text[start]):
        start += 1
    while end > start and is_blank(text[end - 1]):
        end -= 1
    return start, end


def line_spans(text: str) -> list[LineSpan]:
    """Every non-blank line of ``text`` as a stripped span, in order."""
    spans: list[LineSpan] = []
    pos = 0
    for line_no, line in enumerate(text.split("\n")):
        start, end = strip_span(text, pos, pos + len(line))
        if end > start:
            spans.append(LineSpan(start, end, line_no))
        pos += len(line) + 1
    return spans


# ---------------------------------------------------------------------------------------------
# Numbers
# ---------------------------------------------------------------------------------------------

_CN_DIGIT_VALUES = {"零": 0, "〇": 0, "○": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def chinese_number(numeral: str) -> int | None:
    """Value of a Chinese numeral up to 999 ("十二" -> 12, "二十" -> 20); None if not one."""
    if not numeral:
        return None
    total = 0
    current = 0
    for ch in numeral:
        if ch in _CN_DIGIT_VALUES:
            current = _CN_DIGIT_VALUES[ch]
        elif ch == "十":
            total += (current or 1) * 10
            current = 0
        elif ch == "百":
            total += (current or 1) * 100
            current = 0
        else:
            return None
    return total + current


def chinese_digits(numeral: str) -> int | None:
    """Value of a digit-by-digit Chinese numeral ("二〇二四" -> 2024)."""
    digits = []
    for ch in numeral:
        if ch not in _CN_DIGIT_VALUES or ch == "两":
            return None
        digits.append(str(_CN_DIGIT_VALUES[ch]))
    return int("".join(digits)) if digits else None


# ---------------------------------------------------------------------------------------------
# Bracket-aware scanning
# ---------------------------------------------------------------------------------------------


def _closing_position(text: str, index: int, end: int) -> bool:
    """True if the opener at ``index`` is closed before ``end`` within the allowed distance."""
    opener = text[index]
    closer = _STRAIGHT_QUOTE if opener == _STRAIGHT_QUOTE else _OPENERS[opener]
    limit = min(end, index + 1 + _MAX_BRACKET_SPAN)
    return text.find(closer, index + 1, limit) != -1


_SPECIAL_CACHE: dict[frozenset[str], re.Pattern[str]] = {}


def _special_chars(terminators: frozenset[str]) -> re.Pattern[str]:
    """Regex matching every character _boundaries must look at (brackets, quotes, terminators)."""
    pattern = _SPECIAL_CACHE.get(terminators)
    if pattern is None:
        chars = set(_OPENERS) | _CLOSERS | {_STRAIGHT_QUOTE} | set(terminators)
        pattern = re.compile("[" + "".join(re.escape(c) for c in sorted(chars)) + "]")
        _SPECIAL_CACHE[terminators] = pattern
    return pattern


def _boundaries(text: str, start: int, end: int, terminators: frozenset[str], first_only: bool = False) -> list[int]:
    """End offsets of pieces cut at ``terminators`` outside brackets/quotes.

    A terminator directly followed by closers (``……。”``) cuts after the closers. A terminator
    inside brackets that is immediately followed by the closer that empties the stack also cuts
    after that closer, so quoted sentences stay whole.
    """
    cuts: list[int] = []
    stack: list[str] = []
    special = _special_chars(terminators)
    skip_to = start  # characters before this were consumed by a cut
    for match in special.finditer(text, start, end):
        i = match.start()
        if i < skip_to:
            continue
        ch = text[i]
        cut_after: int | None = None
        if ch == _STRAIGHT_QUOTE:
            if stack and stack[-1] == _STRAIGHT_QUOTE:
                stack.pop()
                if not stack and i > start and text[i - 1] in terminators and not _continues(text, i + 1, end):
                    cut_after = i + 1
            elif _closing_position(text, i, end):
                stack.append(_STRAIGHT_QUOTE)
        elif ch in _OPENERS:
            if _closing_position(text, i, end):
                stack.append(_OPENERS[ch])
        elif ch in _CLOSERS:
            if stack and stack[-1] == ch:
                stack.pop()
                if not stack and i > start and text[i - 1] in terminators and not _continues(text, i + 1, end):
                    cut_after = i + 1
        elif ch in terminators and not stack:
            cut_after = i + 1
        if cut_after is not None:
            skip_to = _extend_over_closers(text, cut_after, end, terminators)
            cuts.append(skip_to)
            if first_only:
                break
    return cuts


# After a quotation that ends with its own full stop, these characters show that the sentence
# goes on ("提出“……少跑腿。”的目标").
_CONTINUATION = frozenset("的地得等和与及、,，为是了中里上下")


def _continues(text: str, i: int, end: int) -> bool:
    return i < end and text[i] in _CONTINUATION


def _extend_over_closers(text: str, i: int, end: int, terminators: frozenset[str]) -> int:
    """Move past closing quotes/brackets and repeated terminators that end the same sentence."""
    while i < end and (text[i] in _CLOSERS or text[i] in terminators):
        i += 1
    return i


def first_boundary(text: str, start: int, end: int, terminators: frozenset[str] = HEADING_TERMINATORS) -> int | None:
    """Offset just after the first terminator (outside brackets) in [start, end), or None."""
    cuts = _boundaries(text, start, end, terminators, first_only=True)
    return cuts[0] if cuts else None


def split_sentences(text: str, start: int, end: int, long_limit: int = LONG_SENTENCE) -> list[tuple[int, int]]:
    """Sentence spans in [start, end): cut at 。!? outside quotes/brackets, long ones also at ;."""
    pieces: list[tuple[int, int]] = []
    begin = start
    for cut in _boundaries(text, start, end, SENTENCE_TERMINATORS):
        pieces.append((begin, cut))
        begin = cut
    pieces.append((begin, end))
    result: list[tuple[int, int]] = []
    for piece_start, piece_end in pieces:
        piece_start, piece_end = strip_span(text, piece_start, piece_end)
        if piece_end <= piece_start:
            continue
        if piece_end - piece_start > long_limit:
            result.extend(_split_long(text, piece_start, piece_end, long_limit))
        else:
            result.append((piece_start, piece_end))
    return result


def _split_long(text: str, start: int, end: int, long_limit: int) -> list[tuple[int, int]]:
    """Cut an over-long sentence at semicolons, keeping every piece at least a few characters."""
    cuts = [c for c in _boundaries(text, start, end, _SEMICOLONS) if c < end]
    if not cuts:
        return [(start, end)]
    pieces: list[tuple[int, int]] = []
    begin = start
    for cut in cuts:
        if cut - begin >= _MIN_PIECE and end - cut >= _MIN_PIECE:
            pieces.append((begin, cut))
            begin = cut
    pieces.append((begin, end))
    stripped = [strip_span(text, s, e) for s, e in pieces]
    return [(s, e) for s, e in stripped if e > s]


# ---------------------------------------------------------------------------------------------
# Heading markers
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HeadingMatch:
    """A numbered heading at the start of a line.

    ``style`` names the numbering convention (used to infer nesting from the order in which
    styles appear); ``number`` is its value, for sequence checks.
    """

    style: str  # part | cn | paren_cn | num | paren_num | num_paren | circled
    number: int | None
    marker: str  # as written, e.g. "一、", "(一)", "1."
    start: int  # offset of the marker
    title_start: int
    title_end: int  # excludes the heading's final punctuation
    heading_end: int  # end of the heading sentence (includes its terminator)
    line_end: int
    body_start: int | None  # first character of body text on the same line, if any


_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"

# Tried in order, each anchored at the start of the line; the first that matches names the style.
# Styles: part 第一部分 · cn 一、/一. · paren_cn (一) · num 1./1、 · paren_num (1) · num_paren 1) · circled ①.
_MARKER_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("part", re.compile(rf"第({_CN_NUMBER})部分[、.:：]?")),
    ("cn", re.compile(rf"({_CN_NUMBER})\s?(?:、|\.(?!\d))(?![一二三四五六七八九十])")),
    ("paren_cn", re.compile(rf"[(（]\s?({_CN_NUMBER})\s?[)）][、.]?")),
    ("num", re.compile(r"(\d{1,2})\s?(?:、|\.(?![\d.]))")),
    ("paren_num", re.compile(r"[(（]\s?(\d{1,2})\s?[)）][、.]?")),
    ("num_paren", re.compile(r"(\d{1,2})[)）](?!\d)")),
    ("circled", re.compile(rf"([{_CIRCLED}])[、.]?")),
)

_TRAILING_HEADING_PUNCT = "。!?！？;；:：,，、.　 \u3000"


def _number_of(style: str, raw: str) -> int | None:
    if style in ("num", "paren_num", "num_paren"):
        return int(raw)
    if style == "circled":
        return _CIRCLED.index(raw) + 1
    return chinese_number(raw)


def parse_heading(text: str, start: int, end: int) -> HeadingMatch | None:
    """The numbered heading that starts the stripped line [start, end), or None.

    A line that goes on after its heading ("(一)加强领导,确保形成合力。继续坚持……") is split
    at the first terminator outside quotes: the heading is the text up to it, the rest is body.
    """
    line = text[start:end]
    for style, pattern in _MARKER_PATTERNS:
        match = pattern.match(line)
        if not match:
            continue
        title_start, _ = strip_span(text, start + match.end(), end)
        if title_start >= end:
            return None  # a marker alone is not a heading we can name
        boundary = first_boundary(text, title_start, end)
        body_start = None
        heading_end = end
        if boundary is not None:
            rest_start, rest_end = strip_span(text, boundary, end)
            if rest_end > rest_start:
                heading_end = boundary
                body_start = rest_start
        title_end = heading_end
        while title_end > title_start and text[title_end - 1] in _TRAILING_HEADING_PUNCT:
            title_end -= 1
        if title_end <= title_start:
            return None
        return HeadingMatch(
            style=style,
            number=_number_of(style, match.group(1)),
            marker=line[: match.end()].replace(" ", "").replace("\u3000", ""),
            start=start,
            title_start=title_start,
            title_end=title_end,
            heading_end=heading_end,
            line_end=end,
            body_start=body_start,
        )
    return None


_NO_SENTENCE_PUNCT = re.compile(r"[。,，;；!?！？]")


def looks_like_plain_heading(line: str, max_len: int = 30) -> bool:
    """A short line without sentence punctuation, e.g. "存在的问题" (no number)."""
    body = line.rstrip(":：")
    if not 2 <= len(body) <= max_len:
        return False
    if _NO_SENTENCE_PUNCT.search(body):
        return False
    cjk = sum(1 for ch in body if "\u4e00" <= ch <= "\u9fff")
    return cjk >= 2 and cjk >= len(body) // 2


# ---------------------------------------------------------------------------------------------
# Web-page residue
# ---------------------------------------------------------------------------------------------

# Field labels of government-website article headers (政府信息公开 metadata tables).
HEADER_LABELS = (
    "索引号", "主题分类", "发文日期", "发布机构", "发文机关", "发文机构", "文号", "发文字号", "成文日期",
    "发布日期", "公开日期", "生成日期", "主题词", "公开方式", "公开范围", "公开时限", "公开形式", "信息来源", "来源",
    "生效日期", "废止日期", "有效性", "时效", "体裁分类", "组配分类", "服务对象分类", "主题", "信息分类", "所属机构",
    "所属主题", "信息名称", "名称", "标题", "文件编号", "统一编号", "发布时间", "更新时间", "责任部门", "作者",
)
# Labels whose value is the document's own title, not residue.
TITLE_LABELS = frozenset({"信息名称", "名称", "标题"})

_LABEL_RX = re.compile(
    "^(" + "|".join(sorted(map(re.escape, HEADER_LABELS), key=len, reverse=True)) + r")\s*[:：]?\s*(.*)$"
)

# Website furniture that may appear anywhere on a page.
_CHROME_RX = re.compile(
    r"^(?:"
    r"分享到.*|打印本页|【?打印】?|关闭窗口|【?关闭】?|【关闭窗口】|【打印本页】|【?打印此页】?"
    r"|【?字[体号][:：]?\s*\[?大\]?\s*\[?中\]?\s*\[?小\]?】?.*"
    r"|.{0,10}(?:浏览|阅读|访问|点击)(?:次数|量|数)\s*[:：]?\s*\d*.{0,20}"
    r"|上一篇.*|下一篇.*|扫一扫.*|手机(?:查看|扫码|阅读).*|微信(?:扫一扫|分享).*"
    r"|责任编辑\s*[:：].*|(?:编辑|审核|校对|供稿|摄影)\s*[:：].{0,20}"
    r"|相关链接|相关阅读|相关文件|附件下载|友情链接|网站地图|联系我们|返回顶部|收藏本页"
    r"|版权所有.*|主办单位\s*[:：].*|承办单位\s*[:：].*|.{0,30}ICP备.*|.{0,10}公网安备.*|网站标识码.*|技术支持\s*[:：].*"
    r")$"
)
# Page furniture that is only residue at the top of a page (as a plain line in the body it could
# be an unnumbered sub-heading such as "政务公开").
_TOP_CHROME_RX = re.compile(
    r"^(?:"
    r"政府信息公开|信息公开目录|信息公开指南|信息公开|政务公开|法定主动公开内容|主动公开|通知公告|工作动态|政策文件"
    r"|当前位置\s*[:：].*|您(?:当前)?的?位置\s*[:：].*|首页\s*[>»/].*|.*\s[>»]\s.*"
    r")$"
)

_LINK_RX = re.compile(r"^[^。,，;；!?！？:：]{2,30}(?:网站|网站群|门户|门户网|网址|链接)$")
_DATETIME_RX = re.compile(r"^\d{4}[-年/.]\d{1,2}[-月/.]\d{1,2}日?(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$")


def is_chrome_line(line: str, top: bool = False) -> bool:
    """Website furniture that is never part of a report (分享到, 打印本页, 浏览次数, 上一篇...).

    With ``top`` also the page-header furniture (政府信息公开, breadcrumbs) that only counts as
    residue above the report.
    """
    if len(line) > 60:
        return False
    if _CHROME_RX.match(line) or (top and _TOP_CHROME_RX.match(line)):
        return True
    # Several buttons on one line: "打印本页 关闭窗口".
    tokens = line.split()
    return len(tokens) > 1 and all(_CHROME_RX.match(token) for token in tokens)


def is_link_line(line: str) -> bool:
    """An entry of a link list (各省区市政府网站, 自治区各部门网站...)."""
    return bool(_LINK_RX.match(line))


def header_label(line: str) -> tuple[str, str] | None:
    """(label, inline value) when the line is a page-header field such as "索引号:xxx" or "文号"."""
    match = _LABEL_RX.match(line)
    if not match:
        return None
    label, value = match.group(1), match.group(2).strip()
    if len(line) > 60:
        return None
    # "来源于群众..." or "名称变更为..." are sentences, not labels: a label stands alone or is
    # followed by a separator.
    rest = line[len(label):]
    if value and not rest[:1] in (":", "：", " ", "\u3000", "\t"):
        return None
    return label, value


def is_publication_time(line: str) -> bool:
    """A web page's publication timestamp ("2018年12月10日 15:23:00"), never a signing date."""
    return bool(_DATETIME_RX.match(line)) and ":" in line


def is_header_value(line: str) -> bool:
    """Plausible value of a page-header field: short, no sentence punctuation."""
    if _DATETIME_RX.match(line):
        return True
    return len(line) <= 40 and not _NO_SENTENCE_PUNCT.search(line) and parse_heading(line, 0, len(line)) is None
