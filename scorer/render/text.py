"""The human summary (Chinese), printed on stderr by `score` and `check`."""

from __future__ import annotations

from scorer.model import LEVEL_LABELS, Scorecard, Status

STATUS_LABELS = {
    Status.COVERED: "✔ 已覆盖",
    Status.PARTIAL: "◐ 部分覆盖",
    Status.MISSING: "✘ 未覆盖",
    Status.NOT_APPLICABLE: "– 不适用",
}


def format(scorecard: Scorecard, max_gaps: int = 12) -> str:  # noqa: A001 - renderer interface
    document = scorecard.document
    meta = document.meta
    lines = [
        f"报告：{document.source.path}",
        f"  {meta.title or '（无标题）'}｜{meta.jurisdiction or '机关未识别'}｜"
        f"{LEVEL_LABELS.get(meta.level, '层级未识别') if meta.level else '层级未识别'}｜"
        f"{f'{meta.year} 年度' if meta.year else '年度未识别'}",
        f"  规则包：{'、'.join(p.id for p in scorecard.packs)}",
        f"总分：{scorecard.score:.1f}（{scorecard.grade}）"
        + "".join(f"  {p.id} {p.score:.1f}" for p in scorecard.packs),
    ]
    counts = {status: sum(1 for i in scorecard.items if i.status is status) for status in Status}
    lines.append(
        "  " + "，".join(f"{STATUS_LABELS[s]} {counts[s]} 项" for s in Status if counts[s] or s is not Status.NOT_APPLICABLE)
    )
    if scorecard.key_not_covered:
        titles = {f"{i.pack}:{i.id}": i.title for i in scorecard.items}
        lines.append("关键项未覆盖：" + "；".join(f"{titles[k]}（{k}）" for k in scorecard.key_not_covered))
    gaps = sorted(
        (i for i in scorecard.items if i.status in (Status.MISSING, Status.PARTIAL)),
        key=lambda i: (-(i.weight - i.score), i.pack, i.id),
    )
    if gaps:
        lines.append("主要差距：")
        for item in gaps[:max_gaps]:
            flag = "［关键］" if item.key else ""
            lines.append(f"  {STATUS_LABELS[item.status]} {flag}{item.title}（{item.id}，失 {item.weight - item.score:g} 分）：{item.reason}")
        if len(gaps) > max_gaps:
            lines.append(f"  ……另有 {len(gaps) - max_gaps} 项，详见 JSON 或 HTML 报告")
    for waiver in scorecard.waivers:
        lines.append(f"豁免：{waiver.item}（{waiver.reason}）" + ("" if waiver.matched else " ⚠ 未匹配任何项目"))
    for warning in scorecard.warnings:
        lines.append(f"⚠ {warning}")
    return "\n".join(lines) + "\n"
