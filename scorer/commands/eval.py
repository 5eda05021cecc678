"""`fzscore eval --gold DIR REPORTS...`: precision, recall, F1 and a confusion matrix against gold labels."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from scorer.audit.evaluate import (
    STATUSES,
    BinaryCounts,
    Evaluation,
    Tally,
    evaluate,
    gold_for_report,
    read_gold,
)
from scorer.commands.common import add_pack_options
from scorer.errors import ExitCode, InputError
from scorer.model import LEVEL_LABELS, Level


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "eval",
        help="对照金标准评估准确率（精确率、召回率、F1、混淆矩阵）",
        description="对照金标准 CSV（列 file,year,level,pack,item,status）评估评分结果。"
        "“提及”= 已覆盖或部分覆盖 vs 未覆盖；“覆盖”= 已覆盖 vs 其他；“完全一致”= 四种状态一致。",
    )
    parser.add_argument("reports", nargs="+", metavar="REPORT", help="报告文件；金标准按文件名查找 DIR/<文件名>.csv")
    parser.add_argument("--gold", required=True, metavar="DIR", help="金标准目录")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.add_argument("--per-item", action="store_true", help="列出每个项目的指标")
    parser.add_argument("--show-errors", action="store_true", help="列出每一处与金标准不一致的判断")
    parser.add_argument("--by-report", action="store_true", help="逐份报告列出一致率及层级、年度是否识别正确")
    add_pack_options(parser)
    parser.set_defaults(func=run)


def _binary(counts: BinaryCounts) -> dict:
    return {
        "precision": round(counts.precision, 3),
        "recall": round(counts.recall, 3),
        "f1": round(counts.f1, 3),
        "tp": counts.tp,
        "fp": counts.fp,
        "fn": counts.fn,
        "tn": counts.tn,
    }


def _slice(tally: Tally) -> dict:
    return {
        "mention_f1": round(tally.mention.f1, 3),
        "covered_f1": round(tally.covered.f1, 3),
        "exact_accuracy": round(tally.accuracy, 3),
        "exact": tally.exact,
        "total": tally.total,
    }


def _metadata_ok(result: Evaluation, file: str) -> dict[str, bool]:
    return {key: gold == predicted for name, key, gold, predicted in result.metadata if name == file}


def to_dict(result: Evaluation) -> dict:
    return {
        "reports": len(result.per_report),
        "items": result.total,
        "mention": _binary(result.mention),
        "covered": _binary(result.covered),
        "exact_accuracy": round(result.accuracy, 3),
        "confusion": {g: {p: result.confusion.get((g, p), 0) for p in STATUSES} for g in STATUSES},
        "metadata": [{"file": f, "field": k, "gold": g, "predicted": p, "ok": g == p} for f, k, g, p in result.metadata],
        "per_level": {key: _slice(v) for key, v in sorted(result.per_level.items())},
        "per_year_band": {key: _slice(v) for key, v in sorted(result.per_band.items())},
        "per_report": {
            key: {**_slice(v), **{f"{k}_ok": ok for k, ok in _metadata_ok(result, key).items()}}
            for key, v in sorted(result.per_report.items())
        },
        "per_item": {
            key: {
                "mention_f1": round(v.mention.f1, 3),
                "covered_f1": round(v.covered.f1, 3),
                "exact": v.exact,
                "total": v.total,
            }
            for key, v in sorted(result.per_item.items())
        },
        "disagreements": [{"file": f, "item": i, "gold": g, "predicted": p} for f, i, g, p in result.disagreements],
    }


def _slice_line(label: str, tally: Tally, width: int = 26) -> str:
    return (
        f"  {label:<{width}} 提及 F1 {tally.mention.f1:.3f}  覆盖 F1 {tally.covered.f1:.3f}"
        f"  一致率 {tally.accuracy:.3f}（{tally.exact}/{tally.total}）"
    )


def format_text(result: Evaluation, per_item: bool, show_errors: bool, by_report: bool = False) -> str:
    lines = [f"评估：{len(result.per_report)} 份报告，{result.total} 个项目判断"]
    for label, counts in (("提及（已覆盖/部分 vs 未覆盖）", result.mention), ("覆盖（已覆盖 vs 其他）", result.covered)):
        lines.append(
            f"  {label}：精确率 {counts.precision:.3f}  召回率 {counts.recall:.3f}  F1 {counts.f1:.3f}"
            f"  (TP {counts.tp} FP {counts.fp} FN {counts.fn} TN {counts.tn})"
        )
    lines.append(f"  完全一致率：{result.accuracy:.3f}（{result.exact}/{result.total}）")
    wrong_meta = [m for m in result.metadata if m[2] != m[3]]
    years = [m for m in result.metadata if m[1] == "year"]
    levels = [m for m in result.metadata if m[1] == "level"]
    lines.append(
        f"  年度识别正确 {sum(1 for m in years if m[2] == m[3])}/{len(years)}，"
        f"层级识别正确 {sum(1 for m in levels if m[2] == m[3])}/{len(levels)}"
    )
    for file, key, gold, predicted in wrong_meta:
        lines.append(f"    {file} {key}: 金标准 {gold}，识别为 {predicted}")
    lines.append("按层级（金标准）：")
    for key, tally in sorted(result.per_level.items(), key=lambda kv: LEVEL_ORDER.get(kv[0], 99)):
        label = LEVEL_LABELS.get(Level(key), key) if key in LEVEL_ORDER else key
        lines.append(_slice_line(f"{label}（{len([r for r in result.per_report if _report_level(result, r) == key])} 份）", tally))
    lines.append("按报告年度：")
    for key, tally in sorted(result.per_band.items()):
        lines.append(_slice_line(key, tally))
    lines.append("混淆矩阵（行 = 金标准，列 = 评分结果）：")
    width = max(len(s) for s in STATUSES) + 2
    lines.append(" " * width + "".join(s.rjust(width) for s in STATUSES))
    for gold in STATUSES:
        lines.append(gold.ljust(width) + "".join(str(result.confusion.get((gold, p), 0)).rjust(width) for p in STATUSES))
    if by_report:
        lines.append("逐份报告（层级、年度识别是否正确）：")
        for key, tally in sorted(result.per_report.items()):
            checks = _metadata_ok(result, key)
            marks = " ".join(f"{'年度' if k == 'year' else '层级'}{'✔' if ok else '✘'}" for k, ok in sorted(checks.items(), reverse=True))
            lines.append(_slice_line(key, tally, width=30) + f"  {marks}")
    if per_item:
        lines.append("逐项（提及 F1 / 覆盖 F1 / 一致数）：")
        for key, stats in sorted(result.per_item.items()):
            lines.append(f"  {key:<48} {stats.mention.f1:.2f}  {stats.covered.f1:.2f}  {stats.exact}/{stats.total}")
    if show_errors:
        lines.append("不一致的判断：")
        for file, key, gold, predicted in result.disagreements:
            lines.append(f"  {file}  {key}: 金标准 {gold} → 评分 {predicted}")
    return "\n".join(lines) + "\n"


LEVEL_ORDER = {level.value: index for index, level in enumerate(Level)}


def _report_level(result: Evaluation, file: str) -> str | None:
    return next((gold for name, key, gold, _ in result.metadata if name == file and key == "level"), None)


def run(args: argparse.Namespace) -> int:
    from scorer.pipeline import Scorer

    gold_dir = Path(args.gold)
    if not gold_dir.is_dir():
        raise InputError(f"金标准目录不存在：{gold_dir}")
    scorer = Scorer(rules_dir=args.rules, pack_choice=args.pack or "auto")
    pairs = []
    for report in args.reports:
        rows = read_gold(gold_for_report(gold_dir, Path(report)))
        sys.stderr.write(f"评分 {report} …\n")
        pairs.append((scorer.score_path(report), rows))
    result = evaluate(pairs)
    if args.format == "json":
        sys.stdout.write(json.dumps(to_dict(result), ensure_ascii=False, indent=2) + "\n")
    else:
        sys.stdout.write(format_text(result, args.per_item, args.show_errors, args.by_report))
    return ExitCode.OK
