"""HTML pages: decode, drop page chrome, pick the article body, keep its block structure."""

from __future__ import annotations

import re

from scorer.errors import InputError
from scorer.ingest.extraction import BlockBuilder, Extraction
from scorer.ingest.text import check_not_binary, decode_bytes

# Page chrome and non-content elements, removed before the body is chosen.
_REMOVED_TAGS = (
    "script", "style", "nav", "header", "footer", "aside", "form", "noscript", "iframe", "template",
    "svg", "canvas", "object", "embed", "button", "select", "input", "textarea", "map", "head",
)
# Containers that government CMSes (TRS, UCAP, ...) and common templates put the article in.
_BODY_SELECTORS = (
    "div.TRS_Editor", ".TRS_UEDITOR", "#zoom", "#UCAP-CONTENT", "#ivs_content", "article", ".article",
    ".article-content", ".article_content", ".content", "#content", ".pages_content", ".news_content",
    ".art_con", ".detail", ".main-content", "#mainText", ".wzy_content", ".zw",
)
_BLOCK_TAGS = frozenset(
    "p div li ul ol dl dt dd table thead tbody tfoot tr caption section article main blockquote pre "
    "center figure figcaption hr address body html h1 h2 h3 h4 h5 h6".split()
)
_HEADING_TAGS = {f"h{level}": level for level in range(1, 7)}
_CELL_TAGS = frozenset({"td", "th"})
_LAYOUT_CELL_CJK = 200  # more CJK characters than a data-table cell holds
_HTML_SPACE = re.compile(r"[ \t\r\n\f]+")
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]+)""", re.IGNORECASE)
_TITLE_SEPARATORS = re.compile(r"\s*(?:[_|｜]+|\s[-—–]+\s|——)\s*")
_COMPACT = re.compile(r"\s+")
_TITLE_WORDS = re.compile(r"报告|情况|总结|法治|依法行政|工作")


def _declared_charset(data: bytes) -> str | None:
    """The charset a page declares in <meta charset> or <meta http-equiv content>, if any."""
    head = data[:4096].replace(b"\x00", b"")
    match = _META_CHARSET.search(head)
    return match.group(1).decode("ascii", "replace") if match else None


def _is_hidden(tag) -> bool:
    style = (tag.get("style") or "").replace(" ", "").lower()
    return tag.has_attr("hidden") or "display:none" in style or "visibility:hidden" in style


def _text_weight(node) -> int:
    """How much article text a node holds: CJK characters outside links (link lists are chrome)."""
    from bs4 import NavigableString

    total = 0
    for string in node.find_all(string=True):
        if type(string) is not NavigableString:  # comments, doctype, CDATA
            continue
        link = string.find_parent("a")
        if link is not None and _within(link, node):
            continue
        total += len(_CJK.findall(string))
    return total


def _within(tag, ancestor) -> bool:
    """True when ``tag`` is ``ancestor`` or lies inside it."""
    while tag is not None:
        if tag is ancestor:
            return True
        tag = tag.parent
    return False


def _depth(tag) -> int:
    return sum(1 for _ in tag.parents)


def _choose_body(soup):
    """The element holding the article: a known container if one holds the text, else by density."""
    root = soup.body or soup
    total = _text_weight(root)
    if total == 0:
        return root
    seen: set[int] = set()
    candidates = []
    for selector in _BODY_SELECTORS:
        for element in soup.select(selector):
            if id(element) not in seen:
                seen.add(id(element))
                candidates.append((_text_weight(element), element))
    if candidates:
        best_weight = max(weight for weight, _ in candidates)
        if best_weight >= 0.3 * total:
            # Nested containers (#zoom > div.TRS_Editor): the innermost one that still holds most
            # of the text leaves out the page residue (索引号, 发布机构, 打印本页) around it.
            near_best = [(_depth(element), weight, element) for weight, element in candidates if weight >= 0.85 * best_weight]
            return max(near_best, key=lambda entry: (entry[0], entry[1]))[2]
    node = root
    while True:
        children = [(_text_weight(child), child) for child in node.find_all(True, recursive=False)]
        if not children:
            break
        weight, child = max(children, key=lambda entry: entry[0])
        if weight < 0.8 * _text_weight(node):
            break
        node = child
    return node


def _is_layout_cell(cell) -> bool:
    """A table cell that holds running text (paragraphs), not a value of a data table."""
    return len(_CJK.findall(cell.get_text())) > _LAYOUT_CELL_CJK


class _BlockWalker:
    """Turns an element tree into lines: block elements and <br> break lines, a table row is one line."""

    def __init__(self) -> None:
        self.blocks = BlockBuilder()
        self._buffer: list[str] = []
        self._cell_depth = 0
        self._pre_depth = 0

    def flush(self, level: int | None = None) -> None:
        line = "".join(self._buffer)
        self._buffer = []
        if line.strip():
            self.blocks.add(line, level)

    def walk(self, node) -> None:
        from bs4 import NavigableString, Tag

        for child in node.children:
            if isinstance(child, NavigableString):
                if type(child) is NavigableString:
                    self._text(str(child))
                continue
            if not isinstance(child, Tag):
                continue
            name = child.name
            if self._cell_depth:
                # Inside a table cell, block structure is flattened: the row stays one line.
                if name in _CELL_TAGS:
                    self._buffer.append("\t")
                elif name in _BLOCK_TAGS or name == "br":
                    self._buffer.append(" ")
                if name == "tr":
                    self.flush()
                self._descend(child, name)
                continue
            if name == "br":
                self.flush()
            elif name in _CELL_TAGS and _is_layout_cell(child):
                # Old sites lay pages out with tables: a cell holding the article is a container.
                self.flush()
                self.walk(child)
                self.flush()
            elif name in _CELL_TAGS:
                self._buffer.append("\t")
                self._descend(child, name)
            elif name in _HEADING_TAGS:
                self.flush()
                self.walk(child)
                self.flush(_HEADING_TAGS[name])
            elif name in _BLOCK_TAGS:
                self.flush()
                self._descend(child, name)
                self.flush()
            else:
                self.walk(child)

    def _descend(self, child, name: str) -> None:
        cell = name in _CELL_TAGS
        pre = name == "pre"
        self._cell_depth += cell
        self._pre_depth += pre
        try:
            self.walk(child)
        finally:
            self._cell_depth -= cell
            self._pre_depth -= pre

    def _text(self, text: str) -> None:
        if self._pre_depth and not self._cell_depth:
            lines = text.split("\n")
            for number, line in enumerate(lines):
                if number:
                    self.flush()
                self._buffer.append(line)
            return
        self._buffer.append(_HTML_SPACE.sub(" ", text))


def _in_page_chrome(tag) -> bool:
    """True for an element in the site's navigation/header/footer (site name, not the report title)."""
    for parent in tag.parents:
        if parent.name in ("nav", "footer", "aside", "form"):
            return True
        if parent.name == "header" and parent.find_parent("article") is None:
            return True
    return False


def _title_candidates(soup) -> list[str]:
    """Candidate title lines: <h1> texts, then the <title> with the site name cut off."""
    candidates = [_COMPACT.sub(" ", h1.get_text(" ")).strip() for h1 in soup.find_all("h1") if not _in_page_chrome(h1)]
    if soup.title and soup.title.string:
        segments = [segment.strip() for segment in _TITLE_SEPARATORS.split(soup.title.get_text()) if segment.strip()]
        if segments:
            candidates.append(max(segments, key=lambda segment: len(_CJK.findall(segment))))
    # A site name ("青禾县人民政府") is not a report title: keep only what reads like one.
    return [candidate for candidate in candidates if len(_CJK.findall(candidate)) >= 6 and _TITLE_WORDS.search(candidate)]


def _compact(text: str) -> str:
    import unicodedata

    return _COMPACT.sub("", unicodedata.normalize("NFKC", text))


def read_html(data: bytes, path: str) -> Extraction:
    """Read the article body of an HTML page; InputError when it has no body text."""
    from bs4 import BeautifulSoup

    text, encoding = decode_bytes(data, path, declared=_declared_charset(data))
    check_not_binary(text, path)
    soup = BeautifulSoup(text, "html.parser")
    titles = _title_candidates(soup)
    for tag in soup.find_all(_REMOVED_TAGS):
        if not tag.decomposed:
            tag.decompose()
    for tag in soup.find_all(_is_hidden):
        if not tag.decomposed:
            tag.decompose()
    body = _choose_body(soup)
    walker = _BlockWalker()
    walker.walk(body)
    walker.flush()
    blocks = walker.blocks
    if not blocks.has_text():
        raise InputError(f"网页文件 {path} 中没有正文文字（去掉导航、脚本、页眉页脚后为空）")

    # A CMS page often shows the title outside the article container: put it back on top.
    if not any(heading.level == 1 for heading in blocks.headings):
        opening = [_compact(line) for line in blocks.text.split("\n")[:3] if line.strip()]
        for candidate in titles[:1]:
            compact = _compact(candidate)
            if not any(compact in line or (len(line) >= 6 and line in compact) for line in opening):
                blocks.insert_first(candidate, 1)
    return Extraction(original=blocks.text, headings=blocks.headings, encoding=encoding)
