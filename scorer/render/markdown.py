"""Markdown summary of ``fzscore check`` for a pipeline page (GitHub step summary, merge request note).

Everything taken from the report, the rules or the config goes through ``escape`` first, so a
hostile report (``<script>``, ``javascript:`` links, ``|`` in table cells, ``*emphasis*``, HTML
entities) renders as the literal text it is.
"""

from __future__ import annotations

import re

from scorer.model import (
    LEVEL_LABELS,
    BaselineComparison,
    CheckOutcome,
    ItemResult,
    Scorecard,
    Status,
    waived_items,
)
from scorer.render.text import STATUS_LABELS

# Backslash-escapable ASCII punctuation that Markdown (CommonMark + GFM) gives a meaning to:
# emphasis, code, links, tables, strikethrough, headings, math ($), autolinks (":" breaks
# "javascript:" / "https://"), and the braces of template syntaxes.
_BACKSLASHED = re.compile(r"([\\`*_\[\]|~#!(){}:$])")
_NEWLINES = re.compile(r"[\r\n\u2028\u2029]+")
FAIL_ON_WORDS = {
    "key": "关键项未覆盖即不通过",
    "missing": "关键项未覆盖或任一条目缺失即不通过",
    "never": "不按条目判定",
}


def escape(text: object) -> str:
    """Inline-safe Markdown for arbitrary text: no markup, no HTML, no line breaks."""
    value = str(text)
    value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    value = _BACKSLASHED.sub(r"\\\1", value)
    return _NEWLINES.sub(" ", value).strip()


def _cell(text: object, limit: int = 200) -> str:
    value = str(text)
    if len(value) > limit:
        value = value[: limit - 1] + "…"
    return escape(value) or "—"


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines.extend("| " + " | ".join(row) + " |" for row in rows)
    return lines


def _name(item: ItemResult) -> str:
    return f"{item.pack}:{item.id}"


def format(  # noqa: A001 - renderer interface
    scorecard: Scorecard, outcome: CheckOutcome, comparison: BaselineComparison | None = None
) -> str:
    document = scorecard.document
    meta = document.meta
    waived = waived_items(scorecard)
    verdict = "✅ 通过" if outcome.passed else "❌ 未通过"
    lines = [f"## fzscore 检查：{verdict}", ""]
    report_bits = [meta.title or "（无标题）", meta.jurisdiction or "机关未识别"]
    level = LEVEL_LABELS.get(meta.level) if meta.level else None
    lines.extend(
        _table(
            ["报告", "文件", "层级", "年度", "得分", "等级", "门槛", "判定规则"],
            [
                [
                    _cell("｜".join(report_bits)),
                    _cell(document.source.path),
                    _cell(level or "未识别"),
                    _cell(meta.year or "未识别"),
                    f"**{scorecard.score:.1f}**",
                    _cell(scorecard.grade),
                    _cell(f"{outcome.fail_under:g}" if outcome.fail_under is not None else "不适用"),
                    _cell(FAIL_ON_WORDS.get(outcome.fail_on, outcome.fail_on)),
                ]
            ],
        )
    )
    lines.append("")
    lines.append("规则包：" + "、".join(f"{escape(p.id)} {p.score:.1f}" for p in scorecard.packs))
    lines.append("")

    if outcome.reasons:
        lines.append("### 未通过原因")
        lines.append("")
        lines.extend(f"- {escape(reason)}" for reason in outcome.reasons)
        lines.append("")

    key_open = [i for i in scorecard.items if i.key and i.status in (Status.PARTIAL, Status.MISSING) and _name(i) not in waived]
    if key_open:
        lines.append("### 关键项未覆盖")
        lines.append("")
        lines.extend(
            _table(
                ["条目", "编号", "状态", "应补充"],
                [[_cell(i.title), _cell(_name(i)), _cell(STATUS_LABELS[i.status]), _cell(i.advice, 300)] for i in key_open],
            )
        )
        lines.append("")

    gaps = sorted(
        (i for i in scorecard.items if i.status in (Status.MISSING, Status.PARTIAL) and _name(i) not in waived),
        key=lambda i: (-(i.weight - i.score), i.pack, i.id),
    )
    lines.append(f"### 差距（未覆盖与部分覆盖，共 {len(gaps)} 项）")
    lines.append("")
    if gaps:
        lines.extend(
            _table(
                ["状态", "条目", "编号", "关键", "失分", "原因", "应补充"],
                [
                    [
                        _cell(STATUS_LABELS[i.status]),
                        _cell(i.title),
                        _cell(_name(i)),
                        "是" if i.key else "",
                        f"{i.weight - i.score:g}",
                        _cell(i.reason),
                        _cell(i.advice, 300),
                    ]
                    for i in gaps
                ],
            )
        )
    else:
        lines.append("无。")
    lines.append("")

    if scorecard.waivers:
        titles = {_name(i): i.title for i in scorecard.items}
        lines.append("### 豁免")
        lines.append("")
        lines.extend(
            _table(
                ["豁免项", "理由", "适用于"],
                [
                    [
                        _cell(w.item),
                        _cell(w.reason, 300),
                        _cell("、".join(f"{titles.get(m, m)}（{m}）" for m in w.matched))
                        if w.matched
                        else "⚠ 未匹配任何条目",
                    ]
                    for w in sorted(scorecard.waivers)
                ],
            )
        )
        lines.append("")

    if comparison is not None:
        lines.append(f"### 回归（与基线 {escape(comparison.path)} 相比）")
        lines.append("")
        delta = comparison.score_delta
        drop = "（下降）" if comparison.score_dropped else ""
        lines.append(f"得分 {comparison.score_before:.1f} → {comparison.score_after:.1f}（{delta:+.1f}）{drop}")
        lines.append("")
        if comparison.regressions:
            lines.extend(
                _table(
                    ["条目", "编号", "关键", "之前", "现在"],
                    [
                        [
                            _cell(c.title),
                            _cell(f"{c.pack}:{c.id}"),
                            "是" if c.key else "",
                            _cell(STATUS_LABELS[Status(c.before)]),
                            _cell(STATUS_LABELS[Status(c.after)]),
                        ]
                        for c in comparison.regressions
                    ],
                )
            )
        else:
            lines.append("没有条目的状态下降。")
        lines.append("")
        if comparison.improvements:
            lines.append(
                "状态提升："
                + "；".join(f"{escape(c.title)}（{STATUS_LABELS[Status(c.before)]} → {STATUS_LABELS[Status(c.after)]}）" for c in comparison.improvements)
            )
            lines.append("")

    if scorecard.warnings:
        lines.append("### 提示")
        lines.append("")
        lines.extend(f"- ⚠ {escape(w)}" for w in scorecard.warnings)
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"
