"""Run the labelled examples of rule items through the real pipeline (document builder + matcher).

A content example is a passage: it is wrapped into a minimal report whose single top-level part has
the example's role, under a title naming a body of the example's level. A structure example is a
whole report. The item's status on that report must equal the example's label.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Iterable, Iterator, Protocol, Sequence

from scorer.errors import FzError
from scorer.model import Document, Level, Role, Status
from scorer.rules import Example, Item, Pack

# The reporting year of the synthetic report that wraps a content example.
EXAMPLE_YEAR = 2024

_TITLE_BODY = {
    Level.PROVINCE: "某某省人民政府",
    Level.CITY: "某某市人民政府",
    Level.COUNTY: "某某县人民政府",
    Level.TOWNSHIP: "某某镇人民政府",
    Level.DEPARTMENT: "某某市生态环境局",
}

_ROLE_HEADING = {
    Role.ACHIEVEMENTS: "一、{year}年推进法治政府建设的主要举措和成效",
    Role.SHORTCOMINGS: "二、存在的不足和原因",
    Role.FIRST_RESPONSIBLE: "三、党政主要负责人履行推进法治建设第一责任人职责情况",
    Role.NEXT_YEAR_PLAN: "四、{next_year}年推进法治政府建设的主要安排",
}


class ItemScorer(Protocol):
    """What the runner needs of a matcher (scorer.match.Matcher satisfies it)."""

    def score_item(self, pack: Pack, item: Item, document: Document, *, level: Level | None = None) -> Any: ...


DocumentBuilder = Callable[[str], Document]


@dataclass(frozen=True)
class ExampleOutcome:
    """The result of one example: the status the pipeline gave versus the label."""

    pack_id: str
    item_id: str
    index: int  # position within the examples of the same label
    expected: Status
    actual: Status
    text: str  # the example text as written in the rule
    role: Role
    detail: str  # the matcher's reason and top evidence, for failure messages
    level: Level = Level.COUNTY

    @property
    def passed(self) -> bool:
        return self.actual is self.expected

    @property
    def id(self) -> str:
        """Stable id, e.g. ``gangyao-2021:three_enforcement_systems:covered[0]``."""
        return f"{self.pack_id}:{self.item_id}:{self.expected.value}[{self.index}]"


def report_title(level: Level, year: int = EXAMPLE_YEAR) -> str:
    """Title of the synthetic report for an example of this level."""
    return f"{_TITLE_BODY[level]}关于{year}年法治政府建设情况的报告"


def example_year(pack: Pack) -> int:
    """A report year the pack applies to, so examples of the 2015 纲要 are read as a 2020 report."""
    if pack.years_to is not None and pack.years_to < EXAMPLE_YEAR:
        return pack.years_to
    if pack.years_from is not None and pack.years_from > EXAMPLE_YEAR:
        return pack.years_from
    return EXAMPLE_YEAR


def example_report_text(pack: Pack, example: Example, year: int | None = None) -> str:
    """The report text an example is scored on (structure examples are whole reports already)."""
    if pack.kind == "structure":
        return example.text
    year = example_year(pack) if year is None else year
    heading = _ROLE_HEADING[example.role].format(year=year, next_year=year + 1)
    return "\n".join((report_title(example.level, year), heading, example.text.strip()))


def build_example_document(text: str) -> Document:
    """Parse report text with the project's document builder (imported lazily)."""
    try:
        from scorer.document import build_document, raw_text_from_string
    except ImportError as exc:
        raise FzError(f"文档解析模块 scorer.document 不可用，无法运行规则示例：{exc}") from exc
    return build_document(raw_text_from_string(text))


def make_matcher(packs: Sequence[Pack]) -> ItemScorer:
    """The project's matcher for these packs (imported lazily; building it is the costly part)."""
    try:
        from scorer.judge.match import Matcher
    except ImportError as exc:
        raise FzError(f"匹配模块 scorer.judge.match 不可用，无法运行规则示例：{exc}") from exc
    return Matcher(list(packs))


def iter_examples(item: Item) -> Iterator[tuple[int, Example]]:
    """Examples of an item with their index within their label."""
    counters: dict[Status, int] = {}
    for example in item.examples:
        index = counters.get(example.label, 0)
        counters[example.label] = index + 1
        yield index, example


def evaluate_example(
    pack: Pack,
    item: Item,
    example: Example,
    index: int,
    matcher: ItemScorer,
    document_builder: DocumentBuilder | None = None,
) -> ExampleOutcome:
    """Score one example and compare the item's status with its label."""
    build = document_builder or build_example_document
    document = build(example_report_text(pack, example))
    result = matcher.score_item(pack, item, document, level=example.level)
    actual = Status(getattr(result, "status", result))
    return ExampleOutcome(
        pack_id=pack.id,
        item_id=item.id,
        index=index,
        expected=example.label,
        actual=actual,
        text=example.text,
        role=example.role,
        detail=_describe(result),
        level=example.level,
    )


def run_examples(
    pack: Pack,
    packs: Sequence[Pack] | None = None,
    *,
    matcher: ItemScorer | None = None,
    document_builder: DocumentBuilder | None = None,
    item_ids: Iterable[str] | None = None,
) -> list[ExampleOutcome]:
    """Run every example of ``pack`` (or of the items ``item_ids``), in pack and label order.

    ``packs`` are the packs the matcher is built with (default: just ``pack``); pass ``matcher`` to
    reuse one (or to inject a fake in tests).
    """
    if matcher is None:
        matcher = make_matcher(packs if packs is not None else [pack])
    wanted = set(item_ids) if item_ids is not None else None
    outcomes: list[ExampleOutcome] = []
    for item in pack.items:
        if wanted is not None and item.id not in wanted:
            continue
        for index, example in iter_examples(item):
            outcomes.append(evaluate_example(pack, item, example, index, matcher, document_builder))
    return outcomes


def _describe(result: Any) -> str:
    """One line about why the matcher decided as it did: its reason and the top evidence."""
    pieces: list[str] = []
    reason = getattr(result, "reason", "")
    if reason:
        pieces.append(str(reason))
    evidence = getattr(result, "evidence", ()) or ()
    if evidence:
        top = evidence[0]
        text = getattr(top, "text", str(top))
        terms = getattr(top, "terms", ())
        shown = f"证据：{text}"
        if terms:
            shown += f"（命中：{'、'.join(terms)}）"
        pieces.append(shown)
    parts = getattr(result, "parts", ()) or ()
    if parts:
        pieces.append("分项：" + "，".join(f"{getattr(p, 'id', '?')}={getattr(getattr(p, 'status', None), 'value', '?')}" for p in parts))
    return "；".join(pieces)
