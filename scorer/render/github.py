"""GitHub Actions workflow commands (annotations) for ``fzscore check --format github``.

``::error`` for items that fail the check (key items not covered; missing items under
``--fail-on missing``; regressions under ``--fail-on-regression``), ``::warning`` for the other
gaps, ``::notice`` for the score, the verdict and the waivers. Values are escaped per the
workflow-command rules so report text can never start a new command or inject a property.
"""

from __future__ import annotations

from typing import Callable

from scorer.model import (
    BaselineComparison,
    CheckOutcome,
    ItemResult,
    Scorecard,
    Status,
    waived_items,
)
from scorer.render.text import STATUS_LABELS

MAX_MESSAGE = 1000  # GitHub truncates long annotations anyway; keep them readable


def escape_data(value: str) -> str:
    """The message part: ``%``, CR and LF are encoded."""
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    """A property value: as data, plus ``:`` and ``,`` which delimit properties."""
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


def annotation(kind: str, message: str, *, file: str | None = None, line: int | None = None, title: str | None = None) -> str:
    """One workflow command line, e.g. ``::error file=a.txt,line=3,title=T::message``."""
    props = []
    if file is not None:
        props.append(f"file={escape_property(file)}")
    if line is not None:
        props.append(f"line={int(line)}")
    if title is not None:
        props.append(f"title={escape_property(title)}")
    if len(message) > MAX_MESSAGE:
        message = message[: MAX_MESSAGE - 1] + "…"
    return f"::{kind}{' ' + ','.join(props) if props else ''}::{escape_data(message)}"


def line_of(text: str, offset: int) -> int:
    """1-based line of a character offset in the (normalised) report text."""
    offset = max(0, min(offset, len(text)))
    return text.count("\n", 0, offset) + 1


LineOf = Callable[[int], int]  # offset in Document.text -> 1-based line in the file


def _item_line(scorecard: Scorecard, item: ItemResult, line_for: LineOf | None) -> int:
    evidence = list(item.evidence) + [e for part in item.parts for e in part.evidence]
    if not evidence:
        return 1
    start = min(e.start for e in evidence)
    return line_for(start) if line_for is not None else line_of(scorecard.document.text, start)


def _item_message(item: ItemResult) -> str:
    bits = [f"{item.title}（{item.pack}:{item.id}）{STATUS_LABELS[item.status]}"]
    if item.reason:
        bits.append(f"：{item.reason}")
    if item.advice:
        bits.append(f"\n应补充：{item.advice}")
    if item.basis:
        bits.append(f"\n依据：{item.basis}")
    return "".join(bits)


def format(  # noqa: A001 - renderer interface
    scorecard: Scorecard,
    outcome: CheckOutcome,
    comparison: BaselineComparison | None = None,
    line_for: LineOf | None = None,
) -> str:
    """The annotations; ``line_for`` maps text offsets to file lines (default: lines of the
    normalised text, which drops blank lines)."""
    path = scorecard.document.source.path
    waived = waived_items(scorecard)
    failing = {f"{i.pack}:{i.id}" for i in (*outcome.key_failures, *outcome.missing_failures)}
    lines: list[str] = []

    verdict = "通过" if outcome.passed else "未通过"
    threshold = f"，门槛 {outcome.fail_under:g}" if outcome.fail_under is not None else ""
    summary = f"得分 {scorecard.score:.1f}（{scorecard.grade}）{threshold}：检查{verdict}"
    if outcome.reasons:
        summary += "\n" + "\n".join(outcome.reasons)
    lines.append(annotation("notice", summary, file=path, line=1, title="fzscore 得分"))

    for item in scorecard.items:
        name = f"{item.pack}:{item.id}"
        if item.status not in (Status.MISSING, Status.PARTIAL) or name in waived:
            continue
        kind = "error" if name in failing else "warning"
        label = "关键项未覆盖" if item.key else ("缺失" if item.status is Status.MISSING else "部分覆盖")
        lines.append(
            annotation(kind, _item_message(item), file=path, line=_item_line(scorecard, item, line_for), title=f"fzscore {label}：{item.title}")
        )

    titles = {f"{i.pack}:{i.id}": i.title for i in scorecard.items}
    for waiver in sorted(scorecard.waivers):
        if waiver.matched:
            targets = "、".join(f"{titles.get(m, m)}（{m}）" for m in waiver.matched)
            lines.append(annotation("notice", f"豁免 {waiver.item}：{waiver.reason}\n适用于：{targets}", file=path, line=1, title="fzscore 豁免"))
        else:
            lines.append(annotation("notice", f"豁免 {waiver.item}：{waiver.reason}\n未匹配任何评分条目", file=path, line=1, title="fzscore 豁免"))
            if not any(waiver.item in w and "豁免" in w for w in scorecard.warnings):
                lines.append(
                    annotation("warning", f"豁免项 {waiver.item} 未匹配任何评分条目，请检查配置", file=path, line=1, title="fzscore 豁免未匹配")
                )
    for warning in scorecard.warnings:
        lines.append(annotation("warning", warning, file=path, line=1, title="fzscore 提示"))

    if comparison is not None:
        kind = "error" if outcome.fail_on_regression else "warning"
        if comparison.score_dropped:
            lines.append(
                annotation(
                    kind,
                    f"得分由 {comparison.score_before:.1f} 降至 {comparison.score_after:.1f}（{comparison.score_delta:+.1f}），基线 {comparison.path}",
                    file=path,
                    line=1,
                    title="fzscore 回归：得分下降",
                )
            )
        by_name = {f"{i.pack}:{i.id}": i for i in scorecard.items}
        for change in comparison.regressions:
            item = by_name.get(f"{change.pack}:{change.id}")
            line = _item_line(scorecard, item, line_for) if item is not None else 1
            lines.append(
                annotation(
                    kind,
                    f"{change.title}（{change.pack}:{change.id}）由 {STATUS_LABELS[Status(change.before)]} 降为 {STATUS_LABELS[Status(change.after)]}",
                    file=path,
                    line=line,
                    title=f"fzscore 回归：{change.title}",
                )
            )
    return "\n".join(lines) + "\n"
