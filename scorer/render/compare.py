"""Year-over-year comparison (``fzscore compare``) as text, JSON and HTML, and its view model.

``build_context`` turns a ``CompareResult`` into plain data that both the HTML template
(``templates/compare.html.j2``) and the Word renderer (``scorer.render.docx``) lay out, so the two
show the same sections in the same order. Nothing here judges anything: it only reads the result.
The result types are imported for type checking only -- rendering never imports the audit or
judging code.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import PurePath
from typing import TYPE_CHECKING, Any

import scorer
from scorer.model import LEVEL_LABELS, Evidence
from scorer.render.clock import as_utc, generation_time, iso_utc
from scorer.render.json_format import evidence_dict
from scorer.render.view import StatusView, number, status_view

if TYPE_CHECKING:  # pragma: no cover
    from scorer.model import (
        CompareResult,
        ItemChange,
        ItemSide,
        PlanFollowUp,
        Quote,
        ReportSide,
    )

# How an item moved (keys: scorer.audit.compare.CHANGES): symbol, word, CSS class.
CHANGE_LABELS: dict[str, tuple[str, str]] = {
    "improved": ("▲", "改进"),
    "regressed": ("▼", "退步"),
    "unchanged": ("＝", "不变"),
    "not_comparable": ("≠", "适用情况变化"),
    "only_last": ("－", "仅上一年度有此项"),
    "only_this": ("＋", "仅本年度有此项"),
}
FOLLOWED_LABEL = ("✔", "见成效")
NOT_FOLLOWED_LABEL = ("✘", "未见报告")
COMPARE_THRESHOLD_LABELS = {
    "problem_similarity": "两条“不足”表述视为重复的最低相似度（字符 n 元组 TF-IDF 余弦）",
    "plan_similarity": "安排中的一项措施视为已在成效中报告的最低覆盖率（其加权字符 n 元组出现在成效句中的比例）",
    "paragraph_similarity": "两段成效视为沿用的最低相似度（同雷同检测）",
    "min_statement_chars": "参与比较的“不足”表述的最少字数",
    "min_clause_chars": "参与核对的安排措施的最少字数（更短的多为套话）",
    "min_paragraph_chars": "参与比较的成效段落的最少字数",
}
METHOD_NOTES: tuple[tuple[tuple[str, str], ...], ...] = (
    (
        ("比较的是两份报告写了什么，而不是实际做了什么。", "strong"),
        ("“未见报告”只说明本年度报告没有写到这项安排，不等于没有落实；“见成效”也只说明报告写了相应的具体举措。", ""),
    ),
    (
        (
            "重复的问题：把两年“存在的不足”部分分成一条条表述（冒号前的引导语不计，分号分开的各算一条，忽略“一是”“（一）”等序号），"
            "数字一律视为相同，按字符 2–4 元组的 TF-IDF 余弦相似度比较；达到阈值即视为重复，改动几个字、换了数字仍能识别。",
            "",
        ),
    ),
    (
        (
            "安排的落实：上一年度“下一年度安排”部分的每一项（小标题下的一段，或无小标题时的每一句）分成若干措施，"
            "在本年度“成效”和“第一责任人”部分中查找写有具体数字、文件或日期，且涉及同一评分条目的句子；"
            "某项措施的主要字词在其中一句中出现的比例达到阈值，即为“见成效”，并引用该句。",
            "",
        ),
    ),
    (
        ("沿用的成效：本年度“成效”部分的段落与上一年度“成效”部分的段落相似度达到阈值（与批量评分的雷同检测同一方法）。", ""),
    ),
    (
        ("逐项变化来自两份报告各自的逐项评分；两年适用的规则包不同（如纲要 2015 版与 2021 版）时，只在一年出现的条目单独列出。可用 ", ""),
        ("fzscore explain 报告 条目编号", "code"),
        (" 查看某一年某个条目的判定过程。", ""),
    ),
)


# ---------------------------------------------------------------------------------------------
# View model
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SideView:
    label: str  # 上一年度 / 本年度
    display_title: str
    file_name: str
    path: str
    jurisdiction: str
    level: str
    year: str
    date: str
    score: str
    grade: str
    packs: str
    sha256: str


@dataclass(frozen=True)
class QuoteView:
    text: str
    location: str


@dataclass(frozen=True)
class PairView:
    """Two stretches side by side: this year's and last year's."""

    this: QuoteView
    last: QuoteView
    similarity: str


@dataclass(frozen=True)
class MatchView:
    clause: str
    evidence: QuoteView
    share: str


@dataclass(frozen=True)
class PlanView:
    title: str
    point: QuoteView
    followed: bool
    symbol: str
    word: str
    items: tuple[str, ...]  # item titles
    matches: tuple[MatchView, ...]
    nearest: MatchView | None


@dataclass(frozen=True)
class SideItemView:
    status: StatusView
    score: str
    weight: str
    reason: str
    evidence: tuple[QuoteView, ...]


@dataclass(frozen=True)
class ItemChangeView:
    pack: str
    id: str
    title: str
    key: bool
    change: str  # the enum-like value, used as a CSS class
    symbol: str
    word: str
    delta: str
    last: SideItemView | None
    this: SideItemView | None


def _file_name(path: str) -> str:
    return PurePath(path.replace("\\", "/")).name if path else ""


def _location(section: str) -> str:
    return section or "（正文，无小标题）"


def _quote(quote: "Quote") -> QuoteView:
    return QuoteView(quote.text, _location(quote.section))


def _evidence(evidence: Evidence) -> QuoteView:
    return QuoteView(evidence.text, _location(evidence.section))


def _percent(value: float) -> str:
    return f"{value * 100:.0f}%"


def _side(label: str, side: "ReportSide") -> SideView:
    return SideView(
        label=label,
        display_title=side.title or _file_name(side.path) or "（未识别标题）",
        file_name=_file_name(side.path),
        path=side.path,
        jurisdiction=side.jurisdiction or "未识别",
        level=LEVEL_LABELS.get(side.level, "未识别") if side.level else "未识别",
        year=f"{side.year} 年" if side.year else "未识别",
        date=side.date or "未识别",
        score=f"{side.score:.1f}",
        grade=side.grade,
        packs="、".join(side.packs),
        sha256=side.sha256,
    )


def _side_item(side: "ItemSide | None", max_evidence: int) -> SideItemView | None:
    if side is None:
        return None
    return SideItemView(
        status=status_view(side.status),
        score=number(side.score),
        weight=number(side.weight),
        reason=side.reason,
        evidence=tuple(_evidence(e) for e in side.evidence[:max_evidence]),
    )


def _item_view(change: "ItemChange", max_evidence: int) -> ItemChangeView:
    symbol, word = CHANGE_LABELS[change.change]
    delta = change.delta
    return ItemChangeView(
        pack=change.pack,
        id=change.id,
        title=change.title,
        key=change.key,
        change=change.change,
        symbol=symbol,
        word=word,
        delta="—" if delta is None else (f"{delta:+g}" if delta else "0"),
        last=_side_item(change.last, max_evidence),
        this=_side_item(change.this, max_evidence),
    )


def _match(match) -> MatchView:
    return MatchView(match.clause, _quote(match.evidence), _percent(match.share))


def _plan_view(point: "PlanFollowUp", titles: dict[str, str]) -> PlanView:
    symbol, word = FOLLOWED_LABEL if point.followed else NOT_FOLLOWED_LABEL
    return PlanView(
        title=point.title,
        point=_quote(point.point),
        followed=point.followed,
        symbol=symbol,
        word=word,
        items=tuple(titles.get(key, key) for key in point.items),
        matches=tuple(_match(m) for m in point.matches),
        nearest=_match(point.nearest) if point.nearest else None,
    )


def build_context(
    result: "CompareResult", *, generated_at: datetime | None = None, tool_version: str = scorer.__version__, max_evidence: int = 2
) -> dict[str, Any]:
    """Everything the comparison page and the Word document show, as plain data."""
    moment = as_utc(generated_at) if generated_at is not None else generation_time()
    last, this = _side("上一年度", result.last), _side("本年度", result.this)
    titles = {f"{c.pack}:{c.id}": c.title for c in result.items}
    items = tuple(_item_view(change, max_evidence) for change in result.items)
    body = result.this.jurisdiction or result.last.jurisdiction or ""
    years = f"{result.last.year or '？'}—{result.this.year or '？'}"
    config = result.config
    return {
        "page_title": f"法治政府建设年度报告逐年对比：{body}{years} 年度",
        "heading": f"{body or '（主体未识别）'} {years} 年度法治政府建设报告对比",
        "verdict": result.verdict,
        "sides": (last, this),
        "last": last,
        "this": this,
        "score_change": f"{result.score_change:+.1f}",
        "change_counts": tuple(
            (CHANGE_LABELS[kind][0], CHANGE_LABELS[kind][1], result.count(kind))
            for kind in CHANGE_LABELS
            if result.count(kind) or kind in ("improved", "regressed", "unchanged")
        ),
        "warnings": result.warnings,
        "forced": result.forced,
        "problems": tuple(
            PairView(_quote(p.this), _quote(p.last), _percent(p.similarity)) for p in result.repeated_problems
        ),
        "problem_statements": result.problem_statements,
        "last_problem_statements": result.last_problem_statements,
        "plans": tuple(_plan_view(p, titles) for p in result.plan_points),
        "plans_followed": result.plans_followed,
        "recycled": tuple(PairView(_quote(p.this), _quote(p.last), _percent(p.similarity)) for p in result.recycled),
        "achievement_paragraphs": result.achievement_paragraphs,
        "items": items,
        "changed_items": tuple(v for v in items if v.change in ("improved", "regressed", "not_comparable")),
        "threshold_rows": tuple(
            (label, name, number(float(getattr(config, name)))) for name, label in COMPARE_THRESHOLD_LABELS.items()
        ),
        "method_notes": METHOD_NOTES,
        "tool_version": tool_version,
        "generated_at": iso_utc(moment),
    }


# ---------------------------------------------------------------------------------------------
# Text (the human summary on stderr)
# ---------------------------------------------------------------------------------------------


def _short(text: str, limit: int = 70) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def format_text(result: "CompareResult", max_items: int = 15) -> str:
    """The Chinese summary of a comparison."""
    context = build_context(result)
    last, this = context["last"], context["this"]
    lines = [
        f"逐年对比：{context['heading']}",
        f"  上一年度：{last.path}｜{last.display_title}｜总分 {last.score}（{last.grade}）",
        f"  本年度：  {this.path}｜{this.display_title}｜总分 {this.score}（{this.grade}）",
        f"结论：{result.verdict}",
        "条目变化：" + "，".join(f"{symbol} {word} {count} 项" for symbol, word, count in context["change_counts"]),
    ]
    changed = context["changed_items"]
    for view in changed[:max_items]:
        before = f"{view.last.status.symbol} {view.last.status.word}" if view.last else "—"
        after = f"{view.this.status.symbol} {view.this.status.word}" if view.this else "—"
        lines.append(f"  {view.symbol} {view.title}（{view.id}）：{before} → {after}（{view.delta} 分）")
    if len(changed) > max_items:
        lines.append(f"  ……另有 {len(changed) - max_items} 项，详见 JSON 或 HTML 报告")
    lines.append(f"重复上一年度的问题：{len(result.repeated_problems)} 条（本年度“不足”共 {result.problem_statements} 条）")
    for pair in context["problems"]:
        lines.append(f"  · 本年度：{_short(pair.this.text)}")
        lines.append(f"    上一年度：{_short(pair.last.text)}（相似度 {pair.similarity}）")
    plans = context["plans"]
    lines.append(f"上一年度安排的落实情况：见成效 {result.plans_followed}/{len(plans)} 项")
    for plan in plans:
        lines.append(f"  {plan.symbol} {plan.word}：{_short(plan.title, 40)}")
        for match in plan.matches[:1]:
            lines.append(f"      本年度：{_short(match.evidence.text)}")
    lines.append(f"沿用上一年度的成效段落：{len(result.recycled)} 段")
    for pair in context["recycled"]:
        lines.append(f"  · {_short(pair.this.text)}（相似度 {pair.similarity}）")
    for warning in result.warnings:
        lines.append(f"⚠ {warning}")
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------------------------
# JSON (the machine interface)
# ---------------------------------------------------------------------------------------------


def _quote_dict(quote: "Quote") -> dict[str, Any]:
    return {"text": quote.text, "start": quote.start, "end": quote.end, "section": quote.section}


def _side_dict(side: "ReportSide") -> dict[str, Any]:
    return {
        "path": side.path,
        "title": side.title,
        "jurisdiction": side.jurisdiction,
        "level": side.level.value if side.level else None,
        "year": side.year,
        "date": side.date,
        "score": round(side.score, 4),
        "grade": side.grade,
        "packs": list(side.packs),
        "sha256": side.sha256,
    }


def _item_side_dict(side: "ItemSide | None") -> dict[str, Any] | None:
    if side is None:
        return None
    return {
        "status": side.status.value,
        "score": side.score,
        "weight": side.weight,
        "reason": side.reason,
        "evidence": [evidence_dict(e) for e in side.evidence],
    }


def _match_dict(match) -> dict[str, Any]:
    return {"clause": match.clause, "evidence": _quote_dict(match.evidence), "share": match.share}


def to_dict(result: "CompareResult") -> dict[str, Any]:
    config = result.config
    return {
        "schema_version": "1.0",
        "tool": {"name": "fazhi-scorecard", "version": scorer.__version__},
        "last": _side_dict(result.last),
        "this": _side_dict(result.this),
        "verdict": result.verdict,
        "score_change": round(result.score_change, 4),
        "forced": result.forced,
        "warnings": list(result.warnings),
        "config": {name: getattr(config, name) for name in COMPARE_THRESHOLD_LABELS},
        "items": [
            {
                "pack": c.pack,
                "id": c.id,
                "title": c.title,
                "key": c.key,
                "change": c.change,
                "delta": c.delta,
                "last": _item_side_dict(c.last),
                "this": _item_side_dict(c.this),
            }
            for c in result.items
        ],
        "repeated_problems": {
            "statements": result.problem_statements,
            "last_statements": result.last_problem_statements,
            "repeated": [
                {"this": _quote_dict(p.this), "last": _quote_dict(p.last), "similarity": p.similarity}
                for p in result.repeated_problems
            ],
        },
        "plan_follow_up": {
            "points": len(result.plan_points),
            "followed": result.plans_followed,
            "items": [
                {
                    "title": p.title,
                    "point": _quote_dict(p.point),
                    "items": list(p.items),
                    "status": "followed" if p.followed else "not_reported",
                    "matches": [_match_dict(m) for m in p.matches],
                    "nearest": _match_dict(p.nearest) if p.nearest else None,
                }
                for p in result.plan_points
            ],
        },
        "recycled_achievements": {
            "paragraphs": result.achievement_paragraphs,
            "recycled": [
                {"this": _quote_dict(p.this), "last": _quote_dict(p.last), "similarity": p.similarity}
                for p in result.recycled
            ],
        },
    }


def format_json(result: "CompareResult") -> str:
    return json.dumps(to_dict(result), ensure_ascii=False, indent=2) + "\n"


# ---------------------------------------------------------------------------------------------
# HTML
# ---------------------------------------------------------------------------------------------


def format_html(result: "CompareResult", *, generated_at: datetime | None = None, tool_version: str = scorer.__version__) -> str:
    """The self-contained comparison page (no script, no network, escaped, prints on A4)."""
    from scorer.render.html import environment

    context = build_context(result, generated_at=generated_at, tool_version=tool_version)
    return environment().get_template("compare.html.j2").render(context)

