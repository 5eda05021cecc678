"""The view model of one scored report: plain data every document renderer lays out (HTML, Word).

``build_context`` only reads the Scorecard (never recomputes scores). It decides what a gap report
shows and in which order -- gaps by points lost, items by pack, the required parts, thresholds --
so the HTML page and the Word document show the same things. Everything taken from the report,
the rules or the config is plain text here; each renderer escapes it for its medium.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from dataclasses import fields as dataclass_fields
from datetime import datetime
from pathlib import PurePath, PurePosixPath, PureWindowsPath
from typing import Iterable, Sequence

import scorer
from scorer.model import (
    LEVEL_LABELS,
    ROLE_LABELS,
    STATUS_LABELS,
    Evidence,
    ItemResult,
    Review,
    Role,
    Scorecard,
    Status,
    Waiver,
)
from scorer.render.clock import as_utc, generation_time, iso_utc
from scorer.render.highlight import Segment, segments
from scorer.render.review import ReviewView, latest, review_counts, review_view
from scorer.render.svg import BarChart, BarInput, bar_chart
from scorer.rules.thresholds import MatchingConfig

# Status is always shown as symbol + word; the CSS class only repeats it in colour.
STATUS_SYMBOL = {
    Status.COVERED: "✔",
    Status.PARTIAL: "◐",
    Status.MISSING: "✘",
    Status.NOT_APPLICABLE: "–",
}
# One vocabulary for every output: the labels live with the concepts they name.
STATUS_WORD = STATUS_LABELS
ROLE_WORD = ROLE_LABELS
LEVEL_WORD = LEVEL_LABELS
# The four content parts the 督察规定 requires, as items of the report-structure pack.
REQUIRED_PARTS = (
    ("rs_measures_results", "上一年度推进法治政府建设的主要举措和成效", Role.ACHIEVEMENTS),
    ("rs_shortcomings", "存在的不足和原因", Role.SHORTCOMINGS),
    ("rs_first_responsible", "党政主要负责人履行推进法治建设第一责任人职责情况", Role.FIRST_RESPONSIBLE),
    ("rs_next_year_plan", "下一年度推进法治政府建设的主要安排", Role.NEXT_YEAR_PLAN),
)
GAP_STATUSES = (Status.MISSING, Status.PARTIAL)
# 方法与局限, as runs of (text, style): style "" plain, "strong" emphasised, "code" a command.
METHOD_NOTES: tuple[tuple[tuple[str, str], ...], ...] = (
    (
        ("覆盖度衡量的是报告文字写了什么，而不是实际做了什么。", "strong"),
        ("得分高说明报告对该项工作有具体陈述，不证明工作本身的质量；得分低也可能只是报告没有写清楚。", ""),
    ),
    (
        (
            "每个条目的状态由以下信号综合判定：规则中的关键词与同义表述（信号）、与示范句的 TF-IDF 相似度、句子所在部分的角色"
            "（“不足”“下一年度安排”部分的句子和只复述纲要原文的句子不能单独证明已覆盖），以及数字与单位、《文件》名称、日期等具体证据。",
            "",
        ),
    ),
    (
        (
            "已覆盖：写明了本年度的具体举措、成果、文件、数字或案例；部分覆盖：只有笼统表述、只涉及部分组成部分，"
            "或只出现在不足、下一年度安排中；未覆盖：没有提及；不适用：该条目不适用于本级政府，不计入分母。",
            "",
        ),
    ),
    (
        ("判定是自动完成的，可能漏判或误判：请阅读人工核对证据原文后再作结论。可用 ", ""),
        ("fzscore explain 报告 条目编号", "code"),
        (" 查看每个条目命中的信号、候选句及其相似度。", ""),
    ),
)
THRESHOLD_LABELS = {
    "min_signal": "候选句的最低信号权重",
    "min_similarity": "候选句的最低 TF-IDF 相似度",
    "strong_relevance": "强证据的最低相关度（信号权重 + 相似度加权）",
    "similarity_weight": "相似度在相关度中的权重",
    "min_substance": "判为已覆盖所需的实质性要素数（数字与单位、《文件》、日期）",
    "min_act_probability": "无数字文件时，句子模型判为“本年度具体举措”所需的最低概率",
    "covered_min_sentences": "判为已覆盖所需的强证据句数",
    "covered_part_share": "分部分条目判为已覆盖所需的部分比例",
    "min_tokens_for_similarity": "仅凭相似度成为候选句所需的最少词数",
    "max_evidence": "每个条目展示的证据句数",
}
_CJK_NUMERALS = set("一二三四五六七八九十")


# ---------------------------------------------------------------------------------------------
# View model: plain data the template lays out
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StatusView:
    status: str  # the enum value, used as a CSS class
    symbol: str
    word: str


@dataclass(frozen=True)
class EvidenceView:
    segments: tuple[Segment, ...]
    location: str
    role: str
    similarity: str
    substance: tuple[str, ...]
    part: str | None


@dataclass(frozen=True)
class PartView:
    id: str
    title: str
    status: StatusView
    evidence: tuple[EvidenceView, ...]


@dataclass(frozen=True)
class ItemView:
    anchor: str
    pack: str
    pack_title: str
    id: str
    title: str
    section: str
    status: StatusView
    score: float
    weight: float
    lost: float
    key: bool
    reason: str
    advice: str
    basis: str
    evidence: tuple[EvidenceView, ...]
    parts: tuple[PartView, ...]
    waiver: Waiver | None
    review: ReviewView | None = None  # 人工复核, when the workspace has one for this item


@dataclass(frozen=True)
class PackGroupView:
    id: str
    title: str
    version: str
    score: float
    items: tuple[ItemView, ...]
    chart: BarChart | None
    chart_label: str


@dataclass(frozen=True)
class DocPartView:
    heading: str
    role: str
    chars: int


@dataclass(frozen=True)
class RequiredPartView:
    title: str
    item: ItemView | None
    sections: tuple[str, ...]  # headings of top-level parts the segmenter gave this role


@dataclass(frozen=True)
class WaiverView:
    item: str
    reason: str
    matched: tuple[str, ...]  # "标题（pack:item）"


@dataclass(frozen=True)
class Verdict:
    failed: bool
    symbol: str
    word: str
    reasons: tuple[str, ...]


# ---------------------------------------------------------------------------------------------
# Helpers (also used as template filters)
# ---------------------------------------------------------------------------------------------


def number(value: float) -> str:
    """A weight or score without noise: 6 -> "6", 4.5 -> "4.5", 1.25 -> "1.25"."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def status_view(status: Status) -> StatusView:
    return StatusView(status.value, STATUS_SYMBOL[status], STATUS_WORD[status])


def _anchor(index: int, *names: str) -> str:
    slug = "-".join(re.sub(r"[^A-Za-z0-9_-]+", "-", name).strip("-") for name in names)
    return f"item-{index}-{slug}" if slug else f"item-{index}"


def _file_name(path: str) -> str:
    """The file name of a user-given path, whichever OS separator it uses."""
    if not path:
        return ""
    name = PureWindowsPath(path).name if "\\" in path else PurePosixPath(path).name
    return name or PurePath(path).as_posix()


def _evidence_view(evidence: Evidence, part_titles: dict[str, str]) -> EvidenceView:
    return EvidenceView(
        segments=segments(evidence.text, evidence.terms, evidence.substance),
        location=evidence.section or "（正文，无小标题）",
        role=ROLE_WORD.get(evidence.role, str(evidence.role)),
        # A structure check's evidence (a heading, the closing) was not ranked by similarity: show none.
        similarity=f"{evidence.similarity:.2f}" if evidence.score or evidence.similarity else "",
        substance=tuple(evidence.substance),
        part=part_titles.get(evidence.part, evidence.part) if evidence.part else None,
    )


def _item_view(
    index: int, item: ItemResult, pack_title: str, waiver: Waiver | None, review: Review | None = None
) -> ItemView:
    part_titles = {part.id: part.title for part in item.parts}
    lost = round(max(0.0, item.weight - item.score), 4) if item.status in GAP_STATUSES else 0.0
    return ItemView(
        anchor=_anchor(index, item.pack, item.id),
        pack=item.pack,
        pack_title=pack_title,
        id=item.id,
        title=item.title,
        section=item.section,
        status=status_view(item.status),
        score=item.score,
        weight=item.weight,
        lost=lost,
        key=item.key,
        reason=item.reason,
        advice=item.advice,
        basis=item.basis,
        evidence=tuple(_evidence_view(e, part_titles) for e in item.evidence),
        parts=tuple(
            PartView(
                id=part.id,
                title=part.title,
                status=status_view(part.status),
                evidence=tuple(_evidence_view(e, part_titles) for e in part.evidence),
            )
            for part in item.parts
        ),
        waiver=waiver,
        review=review_view(review, item.status) if review is not None else None,
    )


def _group_label(group: str, title: str) -> str:
    """"五、健全行政执法工作体系…" for a 纲要 chapter; the title alone for other group keys."""
    if group and title and set(group) <= _CJK_NUMERALS:
        return f"{group}、{title}"
    return title or group


def _verdict(scorecard: Scorecard, fail_under: float | None, failed: bool | None, titles: dict[str, str]) -> Verdict | None:
    if failed is None:
        if fail_under is None:
            return None
        failed = scorecard.score < fail_under
    reasons: list[str] = []
    if fail_under is not None:
        relation = "低于" if scorecard.score < fail_under else "达到"
        reasons.append(f"总分 {scorecard.score:.1f} {relation}及格线 {number(fail_under)} 分")
    if failed and scorecard.key_not_covered:
        names = "、".join(titles.get(key, key) for key in scorecard.key_not_covered)
        reasons.append(f"关键项未覆盖：{names}")
    if failed and not reasons:
        reasons.append("未满足检查条件")
    return Verdict(failed, "✘" if failed else "✔", "未通过" if failed else "通过", tuple(reasons))


def _unique(texts: Iterable[str]) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for text in texts:
        if text:
            seen.setdefault(text, None)
    return tuple(seen)



# ---------------------------------------------------------------------------------------------
# The context
# ---------------------------------------------------------------------------------------------


def build_context(
    scorecard: Scorecard,
    *,
    fail_under: float | None = None,
    failed: bool | None = None,
    generated_at: datetime | None = None,
    tool_version: str = scorer.__version__,
    matching: MatchingConfig | None = None,
    reviews: Sequence[Review] = (),
) -> dict[str, object]:
    """Everything ``report.html.j2`` shows, as plain data (exposed for tests and other pages).

    ``reviews`` (人工复核 from the workspace) are shown beside the machine verdicts; without them
    the page is exactly the machine's report.
    """
    document = scorecard.document
    meta = document.meta
    moment = as_utc(generated_at) if generated_at is not None else generation_time()

    pack_order = {pack.id: index for index, pack in enumerate(scorecard.packs)}
    pack_titles = {pack.id: pack.title for pack in scorecard.packs}
    waiver_of: dict[str, Waiver] = {}
    for waiver in sorted(scorecard.waivers):
        for target in waiver.matched:
            waiver_of.setdefault(target, waiver)
    titles = {f"{item.pack}:{item.id}": item.title for item in scorecard.items}

    reviewed = latest(reviews)
    views = [
        _item_view(
            index,
            item,
            pack_titles.get(item.pack, item.pack),
            waiver_of.get(f"{item.pack}:{item.id}"),
            reviewed.get(f"{item.pack}:{item.id}"),
        )
        for index, item in enumerate(scorecard.items)
    ]
    # Gaps: most points lost first, then pack order, then the item's place in its pack.
    gap_candidates = [
        (index, view) for index, view in enumerate(views) if scorecard.items[index].status in GAP_STATUSES
    ]
    gaps = [
        view
        for index, view in sorted(
            gap_candidates, key=lambda pair: (-pair[1].lost, pack_order.get(pair[1].pack, len(pack_order)), pair[0])
        )
        if view.waiver is None
    ]
    waived_gaps = [view for _, view in gap_candidates if view.waiver is not None]

    packs: list[PackGroupView] = []
    for pack in scorecard.packs:
        subtotals = [s for s in scorecard.subtotals if s.pack == pack.id]
        chart = bar_chart([BarInput(_group_label(s.group, s.title), s.score, s.weight) for s in subtotals]) if subtotals else None
        packs.append(
            PackGroupView(
                id=pack.id,
                title=pack.title,
                version=pack.version,
                score=pack.score,
                items=tuple(v for v in views if v.pack == pack.id),
                chart=chart,
                chart_label=f"{pack.title}：各部分得分率",
            )
        )
    strays = tuple(v for v in views if v.pack not in pack_order)
    if strays:  # items of a pack without PackInfo still show (nothing is silently dropped)
        packs.append(PackGroupView("", "其他条目", "", 0.0, strays, None, ""))

    counts = {status.value: 0 for status in Status}
    for item in scorecard.items:
        counts[item.status.value] += 1

    by_id = {v.id: v for v in views}
    doc_parts = tuple(
        DocPartView(section.heading, ROLE_WORD.get(section.role, str(section.role)), section.end - section.start)
        for section in document.sections
    )
    required = tuple(
        RequiredPartView(
            title=title,
            item=by_id.get(item_id),
            sections=tuple(s.heading for s in document.sections if s.role == role),
        )
        for item_id, title, role in REQUIRED_PARTS
    )
    has_structure_items = any(r.item is not None for r in required)

    waivers = tuple(
        WaiverView(w.item, w.reason, tuple(f"{titles.get(m, m)}（{m}）" for m in w.matched))
        for w in sorted(scorecard.waivers)
    )

    display_title = meta.title or _file_name(document.source.path) or "（未识别标题）"
    heading_bits = [meta.jurisdiction or "", f"{meta.year}年" if meta.year else ""]
    page_title = f"法治政府建设年度报告评分：{''.join(heading_bits) or display_title}（{scorecard.score:.1f} 分）"
    thresholds = matching or MatchingConfig()
    threshold_rows = tuple(
        (THRESHOLD_LABELS.get(f.name, f.name), f.name, number(float(getattr(thresholds, f.name))))
        for f in dataclass_fields(thresholds)
    )

    return {
        "page_title": page_title,
        "display_title": display_title,
        "title_found": meta.title is not None,
        "meta": meta,
        "level_word": LEVEL_WORD.get(meta.level) if meta.level else None,
        "score": f"{scorecard.score:.1f}",
        "grade": scorecard.grade,
        "verdict": _verdict(scorecard, fail_under, failed, titles),
        "fail_under": fail_under,
        "counts": counts,
        "status_views": {status.value: status_view(status) for status in Status},
        "key_not_covered": tuple(f"{titles.get(k, k)}（{k}）" for k in scorecard.key_not_covered),
        "warnings": _unique([*scorecard.warnings, *document.warnings]),
        "packs": tuple(packs),
        "gaps": tuple(gaps),
        "waived_gaps": tuple(waived_gaps),
        "item_count": len(views),
        "doc_parts": doc_parts,
        "has_preamble": bool(document.preamble),
        "has_closing": bool(document.closing),
        "required_parts": required,
        "has_structure_items": has_structure_items,
        "waivers": waivers,
        "threshold_rows": threshold_rows,
        "method_notes": METHOD_NOTES,
        "thresholds_given": matching is not None,
        "tool_version": tool_version,
        "source": document.source,
        "file_name": _file_name(document.source.path),
        "generated_at": iso_utc(moment),
        "schema_version": scorecard.schema_version,
        "review_counts": review_counts(reviewed, {f"{i.pack}:{i.id}": i.status for i in scorecard.items})
        if reviewed
        else None,
    }
