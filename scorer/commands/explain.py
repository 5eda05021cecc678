"""`fzscore explain REPORT ITEM`: why an item got its status (signals, candidates, thresholds, roles)."""

from __future__ import annotations

import argparse
import sys

from scorer.commands.common import add_limit_options, add_pack_options, limits_from_args
from scorer.errors import ExitCode, FzError


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "explain",
        help="解释某一项目为何得到该状态（命中信号、候选句、相似度、阈值、所在部分）",
    )
    parser.add_argument("report", metavar="REPORT")
    parser.add_argument("item", metavar="ITEM", help="项目 ID，或 规则包:项目 ID（如 gangyao-2021:three_enforcement_systems）")
    parser.add_argument("--top", type=int, default=8, help="列出前 N 个候选句（默认 8）")
    add_limit_options(parser)
    add_pack_options(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import io

    from scorer.audit.limits import within_limits
    from scorer.pipeline import Scorer

    scorer = Scorer(rules_dir=args.rules, pack_choice=args.pack or "auto")

    def explanation() -> str:
        out = io.StringIO()
        explain(args, scorer, out)
        return out.getvalue()

    # Read, judged and explained in a child process within the report's budget (--timeout, --max-size).
    sys.stdout.write(within_limits(explanation, limits_from_args(args), [args.report]))
    return ExitCode.OK


def explain(args: argparse.Namespace, scorer, out) -> None:
    """Write the explanation of ``args.item`` in ``args.report`` to ``out``."""
    from scorer.document import load_document
    from scorer.judge.match import item_result, rank_candidates
    from scorer.judge.sentence_model import LABEL_WORDS
    from scorer.model import LEVEL_LABELS, ROLE_LABELS
    from scorer.render.text import STATUS_LABELS
    from scorer.rules import select_packs

    document = load_document(args.report)
    packs, _ = select_packs(scorer.packs, scorer.pack_choice, document.meta.year)
    pack_id, _, item_id = args.item.rpartition(":")
    found = [(p, i) for p in packs for i in p.items if i.id == item_id and (not pack_id or p.id == pack_id)]
    if not found:
        applied = "、".join(p.id for p in packs)
        raise FzError(f"在本报告适用的规则包（{applied}）中找不到项目 {args.item}；可用 fzscore rules list 查看项目")
    analysis = scorer.matcher.analyse(document)
    for pack, item in found:
        trace = None
        if pack.kind == "structure":
            result = scorer.matcher.score_item(pack, item, document)
        else:
            # The same trace the score comes from, so what is printed is what was judged.
            trace = scorer.matcher.trace_item(pack, item, analysis, document.meta.level)
            result = item_result(pack, item, trace, pack.matching.max_evidence)
        out.write(f"{pack.id}:{item.id}  {item.title}（{item.section}，权重 {item.weight:g}{'，关键项' if item.key else ''}）\n")
        out.write(f"状态：{STATUS_LABELS[result.status]}  得分 {result.score:g}/{result.weight:g}  理由：{result.reason}\n")
        if pack.kind == "structure":
            out.write(f"结构检查：{item.check} {dict(item.params or {})}\n")
            for evidence in result.evidence:
                out.write(f"  · [{ROLE_LABELS[evidence.role]}] {evidence.text}\n")
            continue
        config = pack.matching
        out.write(
            f"阈值：信号权重 ≥ {config.min_signal:g} 或相似度 ≥ {config.min_similarity:g}"
            f"（句子至少 {config.min_tokens_for_similarity} 个词）为候选；"
            f"相关度 = 信号权重 + {config.similarity_weight:g}×相似度，≥ {config.strong_relevance:g} 为强相关；"
            f"已覆盖需强相关 + 成效部分 + 具体内容（≥ {config.min_substance} 个数据/文件/日期，"
            f"或句子模型判为本年度具体举措的概率 ≥ {config.min_act_probability:g}）"
            + (f"，且 ≥ {config.covered_part_share:.0%} 的要件有体现" if item.parts else "")
            + "\n"
        )
        level = LEVEL_LABELS[document.meta.level] if document.meta.level else "未识别"
        levels = "全部" if item.all_levels else "、".join(LEVEL_LABELS[l] for l in LEVEL_LABELS if l in item.levels)
        out.write(f"适用层级：{levels}；报告层级：{level}\n")
        for part in trace.parts:
            out.write(f"  要件 {part.id}（{part.title}）：{STATUS_LABELS[part.status]}\n")
        ranked = rank_candidates(trace.candidates)
        shown = ranked[: args.top]
        verdicts = analysis.model.verdicts([c.sentence.text for c in shown]) if analysis.model and shown else []
        out.write(f"候选句 {len(ranked)} 个" + (f"，列出前 {min(args.top, len(ranked))} 个" if ranked else "") + "：\n")
        for number, candidate in enumerate(shown):
            flags = []
            flags.append("强相关" if candidate.strong else "弱相关")
            flags.append("具体" if candidate.concrete else "笼统")
            if candidate.quote_only:
                flags.append("转述上级要求")
            if not candidate.action:
                flags.append("不计为成效")
            out.write(
                f"  [{ROLE_LABELS[candidate.sentence.role]}] 相关度 {candidate.relevance:.2f}"
                f"（信号 {candidate.signal_weight:g}，相似度 {candidate.similarity:.2f}）{'，'.join(flags)}\n"
                f"    {candidate.sentence.text}\n"
                f"    位置：{' > '.join(candidate.sentence.section_path) or '（开头）'}\n"
            )
            if candidate.groups or candidate.terms:
                out.write(f"    命中信号：{'、'.join(candidate.groups)}；词语：{'、'.join(candidate.terms)}\n")
            if candidate.substance:
                out.write(f"    具体内容：{'、'.join(candidate.substance)}\n")
            if verdicts:
                verdict = verdicts[number]
                used = "（用于判断是否具体）" if candidate.act else ""
                out.write(
                    f"    句子模型：{LABEL_WORDS.get(verdict.label, verdict.label)}，"
                    f"本年度具体举措的概率 {verdict.p_act:.2f}{used}\n"
                )
            if candidate.parts:
                out.write(f"    要件：{'、'.join(candidate.parts)}\n")
