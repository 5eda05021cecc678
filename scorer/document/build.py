"""RawText -> Document: layout, section tree, paragraphs, sentences, metadata and roles.

The steps, each driven by the conventions of Chinese official documents rather than by any
particular report:

1. Lines. Every non-blank line is a stripped span of ``raw.text``; all offsets index into it.
2. Web-page residue. A page-header block at the top (政府信息公开, 索引号/主题分类/发文日期…
   labels and their values), website furniture anywhere (分享到, 打印本页, 上一篇…) and link lists
   at the end (各省区市政府网站…) become ``Residue`` and are kept out of everything else.
3. Closing. The last standalone date line near the end (成文日期) and everything after it, plus
   the signature lines, attachment lines (附:/附件:) and formulae (专此报告。) just above it.
4. Title and addressee. The first remaining line is the title when it reads like one (报告/情况/
   总结…); a following short line ending with ":" is the addressee (主送机关).
5. Sections. Numbered headings (第一部分, 一、, (一), 1./1、, (1), 1), ①) are found line by line.
   Their depth comes from the *order in which marker styles appear*, not from a fixed table: a
   style already open on the stack closes everything below it; a new style opens one level
   deeper. So 一、->1. (no (一)) nests 1. at depth 2, and a report that starts at (一) has (一)
   at depth 1. A line that goes on after its heading ("1.持续推进政府职能转变。加快……") has
   its heading cut at the first 。;: and the rest kept as body on the same line. Unnumbered
   headings: lines the source marked as headings (docx/html heading hints), and short lines
   without sentence punctuation — in a report without numbered headings all of them, in a
   numbered report only those naming a report part ("存在的问题", "下一步工作打算"), which are
   put at the top level. Inline enumerations (一是……二是……, ①……②…… inside a line) stay in
   their paragraph: they are clauses of one passage, and splitting them into sections would
   cut sentences apart; a line that *starts* with ① is a heading like any other numbered one.
6. Sentences. Each line is a paragraph; sentences are cut at 。!? outside quotes and brackets,
   and over-long ones also at semicolons. Heading lines yield a heading sentence
   (``is_heading=True``) followed by the body sentences of the same line.
7. Metadata and roles (``scorer.metadata``, ``scorer.roles``).

Depth: ``Section.depth`` is the nesting level in the tree (``len(id.split("."))``), so the same
marker style can sit at different depths in different reports.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Iterator

from scorer.document import metadata as meta
from scorer.document import roles as role_rules
from scorer.document import segment
from scorer.document.reflow import reflow
from scorer.document.segment import LineSpan
from scorer.ingest.normalize import normalize
from scorer.model import (
    Document,
    Metadata,
    Paragraph,
    RawText,
    Residue,
    Role,
    Section,
    Sentence,
    SourceInfo,
)

# A closing date is looked for among this many last lines; everything after it is closing.
_CLOSING_WINDOW = 15
# Lines longer than this (or holding a 。) end the page-header region at the top.
_HEADER_REGION_LINE = 60

_TITLE_MAX = 80
_ADDRESSEE_MAX = 40
_OPENING_START = re.compile(r"^(?:(?:19|20)\d{2}\s*年(?:度|以来)?[,，]|今年以来|一年来)")
_ADDRESSEE_ORG = re.compile(r"政府|委|人大|局|办|厅|部|院|会|领导|同志|处|科|中心|县|市|省|州|区|镇|乡")
_NOT_ADDRESSEE = re.compile(r"如下|报告|汇报|情况")
_ORG_TOKEN = re.compile(
    r"^[\u4e00-\u9fff()（）]{2,30}?(?:人民政府|政府|委员会|党委|党组|党工委|工委|县委|市委|区委|州委|镇委|乡委"
    r"|局|厅|办公室|办事处|司法所|管委会|中心|领导小组|委)$"
)
_ATTACHMENT = re.compile(r"^附(?:件|表)?\s*\d*\s*[:：]|^附(?:件|表)\s*\d*$|^附(?:件|表)\s*\d+")
_FORMULA = re.compile(r"^(?:专此|特此)(?:报告|汇报)|^以上(?:报告|汇报)|^妥否|^请审阅|^请予审议")
_CLOSING_NOTE = re.compile(r"^[(（](?:此件|联系人|本件|信息公开|公开方式)[^)）]{0,40}[)）]$")
# 发文字号, alone or with the 签发人 of an upward report on the same line: "某府〔2025〕28号 签发人:某某".
_DOCUMENT_NUMBER = re.compile(
    r"^[\u4e00-\u9fff]{1,12}\s*[〔\[【(（]\s*(?:19|20)\d{2}\s*[〕\]】)）]\s*\d{1,4}\s*号(?:\s*签发人\s*[:：]\s*[\u4e00-\u9fff·、\s]{2,20})?$"
)
_FINAL_PUNCT = frozenset("。!?！？”’」』)）…")


def raw_text_from_string(text: str, path: str = "<string>") -> RawText:
    """A RawText for text given as a string (tests, rule examples, the API), normalised like a file's."""
    data = text.encode("utf-8")
    normalised, offsets = normalize(text)
    return RawText(
        source=SourceInfo(path=path, format="txt", sha256=hashlib.sha256(data).hexdigest(), size=len(data), encoding="utf-8"),
        text=normalised,
        original=text,
        offsets=offsets,
    )


def load_document(path: str | Path) -> Document:
    """Read a report file (any supported format) and build its Document; InputError if unreadable."""
    # Imported here so that this module (and everything that only builds documents from strings)
    # does not pay for the format readers.
    from scorer.ingest import read_report

    return build_document(read_report(path))


# ---------------------------------------------------------------------------------------------
# Layout
# ---------------------------------------------------------------------------------------------


@dataclass
class _Line:
    span: LineSpan
    text: str
    residue: str | None = None  # residue kind, when the line is web-page residue


@dataclass
class _Layout:
    lines: list[_Line]
    lead: list[int] = field(default_factory=list)  # 发文字号 line(s) above the title
    title: list[int] = field(default_factory=list)  # indexes into lines
    addressee: int | None = None
    body: list[int] = field(default_factory=list)
    closing: list[int] = field(default_factory=list)
    signer: list[str] = field(default_factory=list)
    date: str | None = None


def _make_lines(text: str) -> list[_Line]:
    return [_Line(span, text[span.start : span.end]) for span in segment.line_spans(text)]


def _mark_residue(lines: list[_Line]) -> None:
    """Mark page-header blocks, website furniture and trailing link lists as residue."""
    # Page header: only in the region before the first real paragraph or numbered heading.
    region_end = len(lines)
    for i, line in enumerate(lines):
        if "。" in line.text or len(line.text) > _HEADER_REGION_LINE or segment.parse_heading(line.text, 0, len(line.text)):
            region_end = i
            break
    i = 0
    while i < region_end:
        line = lines[i]
        if segment.is_chrome_line(line.text, top=True) or segment.is_publication_time(line.text):
            line.residue = "page_header"
        else:
            label = segment.header_label(line.text)
            if label is not None:
                line.residue = "page_header"
                name, value = label
                if not value and name not in segment.TITLE_LABELS and i + 1 < len(lines):
                    nxt = lines[i + 1].text
                    if (
                        segment.is_header_value(nxt)
                        and segment.header_label(nxt) is None
                        and not segment.is_chrome_line(nxt, top=True)
                        and not _looks_like_title(nxt)
                    ):
                        lines[i + 1].residue = "page_header"
                        i += 1
        i += 1
    # Furniture anywhere.
    for line in lines:
        if line.residue is None and segment.is_chrome_line(line.text):
            line.residue = "page_chrome"
    # Trailing link lists and footer lines.
    for line in reversed(lines):
        if line.residue is not None:
            continue
        if segment.is_link_line(line.text):
            line.residue = "link_list"
        elif segment.header_label(line.text) is not None and len(line.text) <= 40:
            line.residue = "page_footer"
        else:
            break


def _looks_like_title(line: str) -> bool:
    if not 4 <= len(line) <= _TITLE_MAX or line.endswith((":", "：")):
        return False
    if re.search(r"[。;；]", line) or _OPENING_START.match(line):
        return False
    if segment.parse_heading(line, 0, len(line)) is not None or meta.date_only(line):
        return False
    return bool(meta.TITLE_WORDS.search(line))


def _is_org_line(line: str) -> bool:
    tokens = line.split()
    return 0 < len(line) <= 60 and bool(tokens) and all(_ORG_TOKEN.match(re.sub(r"^(?:中共|中国共产党)", "", t) or t) for t in tokens)


def _split_trailing_date(text: str, lines: list[_Line], index: int) -> None:
    """Split "…正文。    2018年12月10日" or "融安县人民政府 2019年12月27日" into two lines."""
    line = lines[index]
    if meta.date_only(line.text):
        return
    found = meta.trailing_date(line.text)
    if found is None or found[0] == 0:
        return
    offset = found[0]
    prefix = line.text[:offset]
    if not (prefix != prefix.rstrip() or _is_org_line(prefix.strip())):
        return
    span = line.span
    head_start, head_end = segment.strip_span(text, span.start, span.start + offset)
    date_start, date_end = segment.strip_span(text, span.start + offset, span.end)
    if head_end <= head_start:
        return
    head = _Line(LineSpan(head_start, head_end, span.line_no), text[head_start:head_end])
    tail = _Line(LineSpan(date_start, date_end, span.line_no), text[date_start:date_end])
    lines[index : index + 1] = [head, tail]


def _layout(text: str) -> _Layout:
    lines = _make_lines(text)
    _mark_residue(lines)
    content = [i for i, line in enumerate(lines) if line.residue is None]
    if content:
        _split_trailing_date(text, lines, content[-1])
        content = [i for i, line in enumerate(lines) if line.residue is None]
    layout = _Layout(lines=lines)
    if not content:
        return layout

    # Document number (发文字号), title and addressee at the top.
    position = 0
    while position < len(content) - 1 and _DOCUMENT_NUMBER.match(lines[content[position]].text):
        layout.lead.append(content[position])
        position += 1
    first = lines[content[position]].text
    if _looks_like_title(first):
        layout.title.append(content[position])
        position += 1
        if position < len(content):
            nxt = lines[content[position]].text
            if re.match(r"^(?:[(（][^)）]{2,20}[)）]|——|—)", nxt) and len(nxt) <= 40:
                layout.title.append(content[position])  # subtitle such as "(2023年度)" or "——……"
                position += 1
    elif position + 1 < len(content) and len(first) <= 40 and not re.search(r"[。,，;；:：]", first):
        nxt = lines[content[position + 1]].text
        names_body = nxt.startswith("关于") or _is_org_line(first) or meta.body_name(first) is not None
        if _looks_like_title(nxt) and names_body:
            layout.title.extend(content[position : position + 2])  # "中共××县委 ××县人民政府" / "关于……的报告"
            position += 2
    if position < len(content):
        candidate = lines[content[position]].text
        if (
            candidate.endswith((":", "："))
            and len(candidate) <= _ADDRESSEE_MAX
            and "。" not in candidate
            and _ADDRESSEE_ORG.search(candidate)
            and not _NOT_ADDRESSEE.search(candidate)
            and segment.parse_heading(candidate, 0, len(candidate)) is None
        ):
            layout.addressee = content[position]
            position += 1

    remaining = content[position:]
    # Closing: the last standalone date near the end, everything after it, and the signature
    # and attachment lines just above it.
    closing_from = len(remaining)
    for k in range(len(remaining) - 1, max(0, len(remaining) - 1 - _CLOSING_WINDOW), -1):
        iso = meta.date_only(lines[remaining[k]].text)
        if iso is None:
            continue
        # A date followed by part headings is not the closing date (e.g. a dated event line).
        if any(_is_part_heading(lines[i].text) for i in remaining[k + 1 :]):
            break
        layout.date = iso
        closing_from = k
        break
    k = closing_from - 1
    signer: list[str] = []
    while k >= 1:  # keep at least one body line
        line = lines[remaining[k]].text
        if _is_org_line(line):
            signer.insert(0, line)
        elif _ATTACHMENT.match(line) or _FORMULA.match(line) or _CLOSING_NOTE.match(line):
            pass
        else:
            attachment_block = _attachment_block_start(lines, remaining, k)
            if attachment_block is None:
                break
            k = attachment_block
        closing_from = k
        k -= 1
    layout.signer = signer
    layout.closing = remaining[closing_from:]
    layout.body = remaining[:closing_from]
    return layout


def _is_part_heading(line: str) -> bool:
    match = segment.parse_heading(line, 0, len(line))
    return match is not None and match.style in ("part", "cn", "paren_cn")


def _attachment_block_start(lines: list[_Line], remaining: list[int], k: int) -> int | None:
    """Index of an "附件:" line above numbered attachment names ending at k, or None."""
    j = k
    while j >= 1 and j > k - 8:
        text = lines[remaining[j]].text
        if _ATTACHMENT.match(text):
            return j
        if len(text) > 40 or "。" in text or segment.parse_heading(text, 0, len(text)) is None:
            return None
        j -= 1
    return None


# ---------------------------------------------------------------------------------------------
# Headings and the section tree
# ---------------------------------------------------------------------------------------------


@dataclass
class _Heading:
    line: _Line
    style: str
    number: int | None
    marker: str
    title_start: int
    title_end: int
    heading_end: int
    body_start: int | None


@dataclass
class _Node:
    heading: _Heading
    text: str
    depth: int = 0
    body: list[_Line] = field(default_factory=list)  # paragraphs after the heading line
    children: list["_Node"] = field(default_factory=list)
    role: Role = Role.OTHER
    sentence_roles: list[Role] = field(default_factory=list)  # per sentence of the node's paragraphs
    _spans: list[tuple[int, int, bool]] | None = None

    @property
    def title(self) -> str:
        return self.text[self.heading.title_start : self.heading.title_end]

    @property
    def heading_text(self) -> str:
        return self.heading.marker + self.title

    def sentence_spans(self) -> list[tuple[int, int, bool]]:
        """(start, end, is_heading) of the node's own sentences, heading first."""
        if self._spans is None:
            self._spans = self._compute_spans()
        return self._spans

    def _compute_spans(self) -> list[tuple[int, int, bool]]:
        h = self.heading
        spans = [(h.line.span.start, h.heading_end, True)]
        if h.body_start is not None:
            spans.extend((s, e, False) for s, e in segment.split_sentences(self.text, h.body_start, h.line.span.end))
        for line in self.body:
            spans.extend((s, e, False) for s, e in segment.split_sentences(self.text, line.span.start, line.span.end))
        return spans

    def walk(self) -> Iterator["_Node"]:
        yield self
        for child in self.children:
            yield from child.walk()


def _plain_heading(line: _Line, style: str) -> _Heading:
    span = line.span
    title_end = span.end
    while title_end > span.start and line.text[title_end - span.start - 1] in ":：":
        title_end -= 1
    return _Heading(line, style, None, "", span.start, title_end, span.end, None)


def _find_headings(text: str, lines: list[_Line], body: list[int], hints: dict[int, int]) -> dict[int, _Heading]:
    """Headings among the body lines, keyed by line index."""
    found: dict[int, _Heading] = {}
    plain_candidates: list[int] = []
    for position, index in enumerate(body):
        line = lines[index]
        match = segment.parse_heading(text, line.span.start, line.span.end)
        if match is not None:
            found[index] = _Heading(
                line, match.style, match.number, match.marker, match.title_start, match.title_end, match.heading_end, match.body_start
            )
            continue
        hint = hints.get(line.span.line_no)
        if hint is not None and len(line.text) <= _TITLE_MAX and "。" not in line.text:
            found[index] = _plain_heading(line, f"hint{hint}")
            continue
        if position + 1 < len(body) and segment.looks_like_plain_heading(line.text):
            nxt = lines[body[position + 1]]
            followed_by_text = (
                len(nxt.text) > len(line.text)
                or nxt.text[-1] in _FINAL_PUNCT
                or segment.parse_heading(text, nxt.span.start, nxt.span.end) is not None
            )
            if followed_by_text and not re.match(r"^[—\-(（]", line.text):
                plain_candidates.append(index)
    numbered = any(not h.style.startswith("hint") for h in found.values())
    for index in plain_candidates:
        line = lines[index]
        if not numbered:
            # "现将有关情况报告如下:" is a lead-in, but "存在的问题:" names a part.
            if not line.text.endswith((":", "：")) or role_rules.names_report_part(line.text):
                found[index] = _plain_heading(line, "plain")
        elif role_rules.names_report_part(line.text):
            found[index] = _plain_heading(line, "plain_top")
    return found


def _assign_depths(headings: list[_Heading]) -> list[int]:
    """Depth of each heading from the order in which numbering styles appear (see module doc)."""
    stack: list[tuple[str, int | None]] = []
    top_styles: set[str] = set()
    depths: list[int] = []
    for heading in headings:
        style, number = heading.style, heading.number
        level: int | None = None
        if style == "plain_top":
            level = 0
        else:
            for pos in range(len(stack) - 1, -1, -1):
                open_style, last = stack[pos]
                if open_style != style:
                    continue
                restarted = number == 1 and last is not None and last >= 1
                # A list that starts again at 1 under an open item of the same style is nested.
                level = len(stack) if restarted else pos
                break
            if level is None:
                level = 0 if style in top_styles else len(stack)
        stack = stack[:level] + [(style, number)]
        if level == 0:
            top_styles.add(style)
        depths.append(level + 1)
    return depths


def _build_tree(text: str, lines: list[_Line], body: list[int], headings: dict[int, _Heading]) -> tuple[list[_Line], list[_Node]]:
    """(preamble lines, top-level nodes) from the body lines."""
    ordered = [headings[i] for i in body if i in headings]
    depths = dict(zip((id(h) for h in ordered), _assign_depths(ordered)))
    preamble: list[_Line] = []
    roots: list[_Node] = []
    stack: list[_Node] = []
    for index in body:
        heading = headings.get(index)
        if heading is None:
            (stack[-1].body if stack else preamble).append(lines[index])
            continue
        depth = depths[id(heading)]
        node = _Node(heading=heading, text=text, depth=depth)
        stack = stack[: depth - 1]
        (stack[-1].children if stack else roots).append(node)
        stack.append(node)
    _fix_depths(roots, 1)
    return preamble, roots


def _fix_depths(nodes: list[_Node], depth: int) -> None:
    for node in nodes:
        node.depth = depth
        _fix_depths(node.children, depth + 1)


# ---------------------------------------------------------------------------------------------
# Roles
# ---------------------------------------------------------------------------------------------


@dataclass
class _RoleState:
    current: Role
    pending: list[Role]  # roles the part may move on to, in order
    combined: bool
    year: int | None

    def advance_to(self, role: Role) -> None:
        self.current = role
        if role in self.pending:
            del self.pending[: self.pending.index(role) + 1]

    def cue_in_sentence(self, sentence: str) -> None:
        for role in self.pending:
            if role_rules.sentence_starts_role(role, sentence, self.year):
                self.advance_to(role)
                return

    def cue_in_heading(self, title: str) -> None:
        for role in self.pending:
            if role_rules.heading_starts_role(role, title, combined=self.combined):
                self.advance_to(role)
                return


def _assign_roles(roots: list[_Node], year: int | None) -> None:
    named = [role_rules.classify_part(node.title, year) for node in roots]
    contents = [[node.text[s:e] for n in node.walk() for s, e, _ in n.sentence_spans()] for node in roots]
    sequences = role_rules.fill_unnamed_parts(named, contents, year)
    for node, sequence in zip(roots, sequences):
        pending = list(sequence[1:])
        if sequence[-1] is Role.SHORTCOMINGS:
            pending.append(Role.NEXT_YEAR_PLAN)  # "下一步,我们将……" closing a problems part
        state = _RoleState(sequence[0], pending, combined=len(sequence) > 1, year=year)
        _walk_roles(node, state, override=None, is_part=True)


def _walk_roles(node: _Node, state: _RoleState, override: Role | None, is_part: bool) -> None:
    if not is_part:
        explicit = role_rules.subsection_role(node.title)
        if override is None and explicit in (Role.SHORTCOMINGS, Role.NEXT_YEAR_PLAN):
            state.advance_to(explicit)  # parts move forward: problems, then plans
        elif override is None and explicit is not None and explicit is not state.current:
            override = explicit  # e.g. 第一责任人 inside the achievements part
        elif override is None:
            state.cue_in_heading(node.title)
    node.role = override or state.current
    roles: list[Role] = []
    for start, end, is_heading in node.sentence_spans():
        if is_heading:
            roles.append(node.role)
            continue
        if override is None:
            state.cue_in_sentence(node.text[start:end])
        roles.append(override or state.current)
    node.sentence_roles = roles
    for child in node.children:
        _walk_roles(child, state, override, is_part=False)


# ---------------------------------------------------------------------------------------------
# Freezing into model objects
# ---------------------------------------------------------------------------------------------


def _paragraph(text: str, line: _Line, role: Role, path: tuple[str, ...] = (), heading: bool = False) -> Paragraph:
    span = line.span
    if heading:
        sentences = (Sentence(span.start, span.end, line.text, path, role, True),)
    else:
        sentences = tuple(
            Sentence(s, e, text[s:e], path, role, False) for s, e in segment.split_sentences(text, span.start, span.end)
        )
    return Paragraph(span.start, span.end, line.text, sentences)


def _freeze(node: _Node, parent_path: tuple[str, ...], section_id: str) -> Section:
    text = node.text
    path = parent_path + (node.heading_text,)
    spans = node.sentence_spans()
    sentences = [Sentence(s, e, text[s:e], path, role, is_heading) for (s, e, is_heading), role in zip(spans, node.sentence_roles)]
    line_span = node.heading.line.span
    own = [s for s in sentences if s.start < line_span.end]
    paragraphs = [Paragraph(line_span.start, line_span.end, text[line_span.start : line_span.end], tuple(own))]
    rest = sentences[len(own) :]
    for line in node.body:
        inside = tuple(s for s in rest if line.span.start <= s.start and s.end <= line.span.end)
        paragraphs.append(Paragraph(line.span.start, line.span.end, line.text, inside))
    children = tuple(_freeze(child, path, f"{section_id}.{i}") for i, child in enumerate(node.children, 1))
    end = max([p.end for p in paragraphs] + [c.end for c in children])
    return Section(
        id=section_id,
        depth=node.depth,
        marker=node.heading.marker,
        title=node.title,
        start=line_span.start,
        end=end,
        role=node.role,
        paragraphs=tuple(paragraphs),
        children=children,
    )


def _residue(lines: list[_Line]) -> tuple[Residue, ...]:
    """Consecutive residue lines of the same kind merged into one Residue."""
    found: list[Residue] = []
    previous: _Line | None = None
    for line in lines:
        if line.residue is not None and previous is not None and previous.residue == line.residue and found:
            last = found[-1]
            found[-1] = Residue(last.start, line.span.end, last.kind)
        elif line.residue is not None:
            found.append(Residue(line.span.start, line.span.end, line.residue))
        previous = line
    return tuple(found)


# ---------------------------------------------------------------------------------------------
# Entry point
# ---------------------------------------------------------------------------------------------


def build_document(raw: RawText) -> Document:
    """Structure a normalised report text: metadata, preamble, section tree with roles, closing."""
    raw = reflow(raw)
    text = raw.text
    layout = _layout(text)
    lines = layout.lines
    hints = {line_no: level for line_no, level in raw.heading_hints}
    for index in layout.title:  # a docx "Title" style line is the title, not a section
        hints.pop(lines[index].span.line_no, None)
    headings = _find_headings(text, lines, layout.body, hints)
    preamble_lines, roots = _build_tree(text, lines, layout.body, headings)

    title = "".join(lines[i].text for i in layout.title) or None
    addressee = lines[layout.addressee].text.rstrip(":：").strip() if layout.addressee is not None else None
    opening = preamble_lines[0].text if preamble_lines else None
    signer = " ".join(layout.signer) or None

    # The year decides which headings name "next year"; the body fallback needs the roles. So:
    # roles with the title/opening year, then (only if that failed) the body year and roles again.
    first_guess = meta.find_year(title, opening, [], None)
    _assign_roles(roots, first_guess.year)
    year = first_guess
    if first_guess.year is None:
        achievements = [
            node.text[s:e]
            for root in roots
            for node in root.walk()
            for (s, e, _), role in zip(node.sentence_spans(), node.sentence_roles)
            if role is Role.ACHIEVEMENTS
        ]
        year = meta.find_year(title, opening, achievements, layout.date)
        if year.year is not None:
            _assign_roles(roots, year.year)

    body = meta.find_body(title, opening, signer)
    level = meta.infer_level(body, addressee, text, opening)
    metadata = Metadata(
        title=title,
        jurisdiction=body.name if body else None,
        level=level,
        year=year.year,
        year_source=year.source,
        date=layout.date,
        addressee=addressee,
        signer=signer,
    )

    preamble: list[Paragraph] = [_paragraph(text, lines[i], Role.PREAMBLE) for i in layout.lead]
    preamble.extend(_paragraph(text, lines[i], Role.PREAMBLE, heading=True) for i in layout.title)
    if layout.addressee is not None:
        preamble.append(_paragraph(text, lines[layout.addressee], Role.PREAMBLE))
    preamble.extend(_paragraph(text, line, Role.PREAMBLE) for line in preamble_lines)
    closing = [_paragraph(text, lines[i], Role.CLOSING) for i in layout.closing]
    sections = tuple(_freeze(node, (), str(i)) for i, node in enumerate(roots, 1))

    truncated = _truncated(layout, sections, lines)
    if truncated:
        metadata = replace(metadata, truncated=True)
    warnings = list(raw.warnings)
    warnings.extend(_warnings(metadata, layout, sections, lines))
    return Document(
        source=raw.source,
        text=text,
        meta=metadata,
        preamble=tuple(preamble),
        sections=sections,
        closing=tuple(closing),
        residue=_residue(lines),
        warnings=tuple(dict.fromkeys(warnings)),
    )


def _warnings(metadata: Metadata, layout: _Layout, sections: tuple[Section, ...], lines: list[_Line]) -> list[str]:
    found: list[str] = []
    if not layout.body and not layout.title:
        found.append("文本中没有可识别的正文内容。")
        return found
    if not sections:
        found.append("未识别到章节标题（如“一、”“(一)”“1.”），全文按开头段落处理。")
    if metadata.year is None:
        found.append("未能从标题、正文开头或成效部分识别报告年度。")
    elif metadata.year_source == "date":
        found.append(f"报告年度由成文日期推断为{metadata.year}年，请核对。")
    if metadata.jurisdiction is None:
        found.append("未能识别报告主体（地区或机关名称）。")
    if metadata.level is None:
        found.append("未能判断政府层级（省、市、县、乡镇或部门）。")
    if metadata.truncated:
        found.append("文本似乎不完整（被截断）：结尾没有句末标点，也没有落款和日期；缺少的部分按“未覆盖”计。")
    return found


def _truncated(layout: _Layout, sections: tuple[Section, ...], lines: list[_Line]) -> bool:
    """Whether the text stops mid-way: no signature or date, and the last line is cut or a bare heading."""
    if layout.date is not None or layout.signer or not layout.body:
        return False
    last = lines[layout.body[-1]]
    return last.text[-1] not in _FINAL_PUNCT or _ends_with_heading(sections, last)


def _ends_with_heading(sections: tuple[Section, ...], line: _Line) -> bool:
    """True when the last body line is a heading with nothing under it."""
    if not sections:
        return False
    last = sections[-1]
    while last.children:
        last = last.children[-1]
    return last.start == line.span.start and len(last.paragraphs) == 1 and len(last.paragraphs[0].sentences) == 1
