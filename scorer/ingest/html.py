"""HTML pages: decode, drop page chrome, pick the article body, keep its block structure."""

from __future__ import annotations

import re
from dataclasses import dataclass

from scorer.errors import InputError
from scorer.ingest.extraction import BlockBuilder, Extraction
from scorer.ingest.limits import (
    DEFAULT_LIMITS,
    InputLimits,
    InputTooLarge,
    describe_bytes,
)
from scorer.ingest.text import check_not_binary, decode_bytes

# Page chrome and non-content elements, removed before the body is chosen.
_REMOVED_TAGS = (
    "script", "style", "nav", "header", "footer", "aside", "form", "noscript", "iframe", "template",
    "svg", "canvas", "object", "embed", "button", "select", "input", "textarea", "map", "head",
)
# Containers that government CMSes (TRS, UCAP, ...) and common templates put the article in.
_REMOVED_TAG_SET = frozenset(_REMOVED_TAGS)
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
_MAX_TITLE_HEADINGS = 20
_MAX_TITLE_CHARS = 500
_START_TAG = re.compile(rb"<[A-Za-z]")
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


def _remove_chrome(soup) -> None:
    """Drop page chrome, non-content and hidden elements (one pass over the tree)."""
    from bs4 import Tag

    doomed = [
        node
        for node in soup.descendants
        if isinstance(node, Tag) and (node.name in _REMOVED_TAG_SET or (node.attrs and _is_hidden(node)))
    ]
    for tag in doomed:
        if not tag.decomposed:
            tag.decompose()


@dataclass(frozen=True)
class _Selector:
    """One of the simple selectors of ``_BODY_SELECTORS``: a tag name, a class and/or an id."""

    name: str | None
    css_class: str | None
    element_id: str | None

    @classmethod
    def parse(cls, selector: str) -> "_Selector":
        match = _SIMPLE_SELECTOR.fullmatch(selector)
        if match is None:
            raise ValueError(f"not a simple selector: {selector}")
        return cls(match.group(1) or None, match.group(2) or None, match.group(3) or None)

    def matches(self, name: str, classes: list[str], element_id: object) -> bool:
        if self.name and name != self.name:
            return False
        if self.css_class and self.css_class not in classes:
            return False
        return not self.element_id or element_id == self.element_id


_SIMPLE_SELECTOR = re.compile(r"([a-z][a-z0-9]*)?(?:\.([A-Za-z_][\w-]*))?(?:#([A-Za-z_][\w-]*))?")
_SELECTORS = tuple(_Selector.parse(selector) for selector in _BODY_SELECTORS)
_SELECTOR_NAMES = frozenset(selector.name for selector in _SELECTORS if selector.name)


class _TreeStats:
    """Per-element figures the body chooser and the walker need, worked out in one pass.

    Every figure of an element depends on its whole subtree; computing them element by element
    (``get_text``, ``find_parent`` per string) costs depth × size, which a page of 50,000 nested
    <div>s turns into hours. Here each element is visited once, without recursion.
    """

    def __init__(self, root) -> None:
        from bs4 import CData, NavigableString, Tag

        self.order: list = []  # elements in document order (pre-order)
        self.attributed: list = []  # elements that may match a body selector: with attributes, or <article>
        self.children: dict[int, list] = {}  # child elements
        self.depth: dict[int, int] = {}
        parent_of: dict[int, int | None] = {}
        own_weight: dict[int, int] = {}  # CJK characters in an element's own strings
        own_cjk: dict[int, int] = {}
        stack = [(root, None, 0)]
        while stack:
            node, parent, depth = stack.pop()
            key = id(node)
            self.order.append(node)
            if node.attrs or node.name in _SELECTOR_NAMES:
                self.attributed.append(node)
            self.depth[key] = depth
            parent_of[key] = parent
            weight = cjk = 0
            tags = []
            for child in node.contents:
                if isinstance(child, Tag):
                    tags.append(child)
                elif type(child) in (NavigableString, CData):  # not comments, doctype, declarations
                    count = len(_CJK.findall(child))
                    cjk += count
                    if type(child) is NavigableString:
                        weight += count
            own_weight[key], own_cjk[key] = weight, cjk
            self.children[key] = tags
            stack.extend((child, key, depth + 1) for child in reversed(tags))
        # Children come after their parent in pre-order: add subtrees up in reverse order.
        self.weight = dict(own_weight)  # CJK characters outside links: what article text a subtree holds
        self.cjk = dict(own_cjk)  # all CJK characters, links included
        for node in reversed(self.order):
            key = id(node)
            if node.name == "a":
                self.weight[key] = 0  # link lists are page chrome
            parent = parent_of[key]
            if parent is not None:
                self.weight[parent] += self.weight[key]
                self.cjk[parent] += self.cjk[key]


def _body_candidates(stats: _TreeStats) -> list:
    """Elements matching ``_BODY_SELECTORS``: in selector order, each in document order, once."""
    matched: list[list] = [[] for _ in _SELECTORS]
    for element in stats.attributed:
        classes = element.get("class") or []
        element_id = element.get("id")
        if isinstance(classes, str):
            classes = classes.split()
        for index, selector in enumerate(_SELECTORS):
            if selector.matches(element.name, classes, element_id):
                matched[index].append(element)
    found = [element for elements in matched for element in elements]
    return list({id(element): element for element in found}.values())


def _choose_body(soup, stats: _TreeStats):
    """The element holding the article: a known container if one holds the text, else by density."""
    root = soup.body or soup
    weight = stats.weight
    total = weight[id(root)]
    if total == 0:
        return root
    candidates = _body_candidates(stats)
    if candidates:
        best_weight = max(weight[id(element)] for element in candidates)
        if best_weight >= 0.3 * total:
            # Nested containers (#zoom > div.TRS_Editor): the innermost one that still holds most
            # of the text leaves out the page residue (索引号, 发布机构, 打印本页) around it.
            near_best = [element for element in candidates if weight[id(element)] >= 0.85 * best_weight]
            return max(near_best, key=lambda element: (stats.depth[id(element)], weight[id(element)]))
    node = root
    while True:
        children = stats.children[id(node)]
        if not children:
            break
        child = max(children, key=lambda element: weight[id(element)])
        if weight[id(child)] < 0.8 * weight[id(node)]:
            break
        node = child
    return node


class _BlockWalker:
    """Turns an element tree into lines: block elements and <br> break lines, a table row is one line.

    The walk keeps its own stack (no recursion): pages nest elements tens of thousands deep.
    """

    def __init__(self, stats: _TreeStats) -> None:
        self.blocks = BlockBuilder()
        self._stats = stats
        self._buffer: list[str] = []
        self._cell_depth = 0
        self._pre_depth = 0

    def flush(self, level: int | None = None) -> None:
        line = "".join(self._buffer)
        self._buffer = []
        if line.strip():
            self.blocks.add(line, level)

    def _is_layout_cell(self, cell) -> bool:
        """A table cell that holds running text (paragraphs), not a value of a data table."""
        return self._stats.cjk[id(cell)] > _LAYOUT_CELL_CJK

    def walk(self, node) -> None:
        from bs4 import NavigableString, Tag

        # Entries: an iterator over a node's children, or an action to run once they are read.
        stack: list = [iter(node.contents)]
        while stack:
            top = stack[-1]
            if callable(top):
                stack.pop()
                top()
                continue
            child = next(top, None)
            if child is None:
                stack.pop()
            elif isinstance(child, NavigableString):
                if type(child) is NavigableString:
                    self._text(str(child))
            elif isinstance(child, Tag):
                after = self._enter(child, child.name)
                if after is _SKIP:
                    continue
                if after is not None:
                    stack.append(after)
                stack.append(iter(child.contents))

    def _enter(self, child, name: str):
        """Start reading ``child``; returns what to do once its content is read (or ``_SKIP``)."""
        if self._cell_depth:
            # Inside a table cell, block structure is flattened: the row stays one line.
            if name in _CELL_TAGS:
                self._buffer.append("\t")
            elif name in _BLOCK_TAGS or name == "br":
                self._buffer.append(" ")
            if name == "tr":
                self.flush()
            return self._descend(name)
        if name == "br":
            self.flush()
            return _SKIP
        if name in _CELL_TAGS and self._is_layout_cell(child):
            # Old sites lay pages out with tables: a cell holding the article is a container.
            self.flush()
            return self.flush
        if name in _CELL_TAGS:
            self._buffer.append("\t")
            return self._descend(name)
        if name in _HEADING_TAGS:
            self.flush()
            level = _HEADING_TAGS[name]
            return lambda: self.flush(level)
        if name in _BLOCK_TAGS:
            self.flush()
            leave = self._descend(name)

            def after() -> None:
                if leave is not None:
                    leave()
                self.flush()

            return after
        return None

    def _descend(self, name: str):
        """Entering a cell or <pre>: count it and return how to leave it (None for other elements)."""
        cell = name in _CELL_TAGS
        pre = name == "pre"
        if not (cell or pre):
            return None
        self._cell_depth += cell
        self._pre_depth += pre

        def leave() -> None:
            self._cell_depth -= cell
            self._pre_depth -= pre

        return leave

    def _text(self, text: str) -> None:
        if self._pre_depth and not self._cell_depth:
            lines = text.split("\n")
            for number, line in enumerate(lines):
                if number:
                    self.flush()
                self._buffer.append(line)
            return
        self._buffer.append(_HTML_SPACE.sub(" ", text))


_SKIP = object()  # _BlockWalker._enter: the element's content is not read (<br>)


def _in_page_chrome(tag) -> bool:
    """True for an element in the site's navigation/header/footer (site name, not the report title)."""
    article_above = False
    # From the top of the page down: a <header> is chrome unless it lies inside an <article>.
    for parent in reversed(list(tag.parents)):
        if parent.name in ("nav", "footer", "aside", "form"):
            return True
        if parent.name == "header" and not article_above:
            return True
        article_above = article_above or parent.name == "article"
    return False


def _title_candidates(soup) -> list[str]:
    """Candidate title lines: <h1> texts, then the <title> with the site name cut off."""
    # A page has one or two <h1>: looking at a few bounds the work on pages that nest thousands.
    headings = soup.find_all("h1", limit=_MAX_TITLE_HEADINGS)
    candidates = [_COMPACT.sub(" ", h1.get_text(" ")).strip() for h1 in headings if not _in_page_chrome(h1)]
    if soup.title and soup.title.string:
        # A real title is short; the cut bounds the separator search (quadratic on runs of spaces).
        title = soup.title.get_text()[:_MAX_TITLE_CHARS]
        segments = [segment.strip() for segment in _TITLE_SEPARATORS.split(title) if segment.strip()]
        if segments:
            candidates.append(max(segments, key=lambda segment: len(_CJK.findall(segment))))
    # A site name ("青禾县人民政府") is not a report title: keep only what reads like one.
    return [candidate for candidate in candidates if len(_CJK.findall(candidate)) >= 6 and _TITLE_WORDS.search(candidate)]


def _check_size(data: bytes, path: str, limits: InputLimits) -> None:
    """Refuse markup that would take the parser minutes: too many bytes or too many elements."""
    if InputLimits.exceeded(len(data), limits.max_html_bytes):
        raise InputTooLarge(f"网页文件 {path} 过大（{describe_bytes(len(data))}），超过 {describe_bytes(limits.max_html_bytes)} 的上限")
    if limits.max_html_elements > 0:
        elements = sum(1 for _ in _START_TAG.finditer(data))
        if elements > limits.max_html_elements:
            raise InputTooLarge(
                f"网页文件 {path} 的结构过于复杂（{elements:,} 个标签），超过 {limits.max_html_elements:,} 个的上限"
            )


def _compact(text: str) -> str:
    import unicodedata

    return _COMPACT.sub("", unicodedata.normalize("NFKC", text))


def read_html(data: bytes, path: str, limits: InputLimits = DEFAULT_LIMITS) -> Extraction:
    """Read the article body of an HTML page; InputError when it has no body text."""
    from bs4 import BeautifulSoup

    _check_size(data, path, limits)
    decoded = decode_bytes(data, path, declared=_declared_charset(data))
    check_not_binary(decoded.text, path)
    soup = BeautifulSoup(decoded.text, "html.parser")
    titles = _title_candidates(soup)
    _remove_chrome(soup)
    stats = _TreeStats(soup)
    body = _choose_body(soup, stats)
    walker = _BlockWalker(stats)
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
    return Extraction(original=blocks.text, headings=blocks.headings, encoding=decoded.encoding, warnings=decoded.warnings)
