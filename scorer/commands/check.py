"""`fzscore check REPORT`: pass/fail gate for a drafting team's pipeline (CI)."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any, Callable

from scorer.audit.baseline import compare, load_baseline
from scorer.commands.common import add_limit_options, add_pack_options, limits_from_args
from scorer.config import (
    FAIL_ON_CHOICES,
    FORMAT_CHOICES,
    EffectiveSettings,
    effective_settings,
    evaluate_check,
    resolve_config,
)
from scorer.errors import ExitCode
from scorer.model import BaselineComparison, CheckOutcome, RawText
from scorer.render.markdown import FAIL_ON_WORDS

EPILOG = """\
退出码：
  0  通过
  1  未通过：得分低于 --fail-under；或按 --fail-on 判定失败（key：有关键项未覆盖；
     missing：有关键项未覆盖或任一适用条目缺失）；或（--fail-on-regression 时）与基线相比有退步
  2  错误：用法、配置文件（.fzscore.yaml）、规则包、报告文件或基线文件有问题

判定规则：
  * 已豁免（.fzscore.yaml 的 waivers）的条目不参与判定，并在各种输出中单独列出。
  * 未给 --fail-on-regression 时：按 --fail-under（默认 80）与 --fail-on（默认 key）判定。
  * 给了 --fail-on-regression 时：只要与 --baseline 相比有退步（得分下降，或某条目由
    已覆盖→部分覆盖/未覆盖、部分覆盖→未覆盖）即失败；得分门槛和条目规则只在显式给出时
    （命令行或配置文件）才同时生效，不使用默认值。
  * 命令行参数优先于配置文件，配置文件优先于默认值；用 fzscore config --print 查看生效的设置。

输出：text 格式把中文摘要和结论写到 stderr；github（工作流注解）、markdown（流水线摘要）、
json 写到 stdout，摘要仍写到 stderr。
"""


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "check",
        help="检查报告是否达标（用于 CI，退出码 0 通过 / 1 未通过 / 2 错误）",
        description="检查一份报告是否达到要求：得分门槛、关键项、与基线相比是否退步。",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("report", metavar="REPORT", help="报告文件（.txt .md .docx .pdf .html）")
    parser.add_argument("--fail-under", type=float, metavar="SCORE", default=None, help="最低得分 0–100（默认 80）")
    parser.add_argument("--fail-on", choices=FAIL_ON_CHOICES, default=None, help="按条目判定失败的规则（默认 key）")
    parser.add_argument("--format", choices=FORMAT_CHOICES, default=None, help="输出格式（默认 text）")
    parser.add_argument("--config", metavar="FILE", help="项目配置文件（默认从报告所在目录向上查找 .fzscore.yaml）")
    parser.add_argument("--baseline", metavar="OLD.json", help="基线：以前 fzscore score/check --format json 的输出")
    parser.add_argument(
        "--fail-on-regression", action="store_true", help="与基线相比有退步时失败（需要 --baseline；判定规则见下）"
    )
    add_limit_options(parser)
    add_pack_options(parser)
    parser.set_defaults(func=run)


def verdict_text(outcome: CheckOutcome, comparison: BaselineComparison | None) -> str:
    """The Chinese verdict block printed after the summary."""
    threshold = f"门槛 {outcome.fail_under:g}" if outcome.fail_under is not None else "不设得分门槛"
    rule = FAIL_ON_WORDS.get(outcome.fail_on, outcome.fail_on)
    head = "✔ 通过" if outcome.passed else "✘ 未通过"
    lines = [f"检查结果：{head}（得分 {outcome.score:.1f}，{threshold}，{rule}）"]
    lines.extend(f"  - {reason}" for reason in outcome.reasons)
    if comparison is not None:
        lines.append(
            f"与基线 {comparison.path} 相比：得分 {comparison.score_before:.1f} → {comparison.score_after:.1f}"
            f"（{comparison.score_delta:+.1f}）"
        )
        for change in comparison.regressions:
            lines.append(f"  - 退步：{change.title}（{change.pack}:{change.id}）{change.before} → {change.after}")
        for change in comparison.improvements:
            lines.append(f"  - 进步：{change.title}（{change.pack}:{change.id}）{change.before} → {change.after}")
        if not comparison.regressed:
            lines.append("  没有退步。")
    return "\n".join(lines) + "\n"


def outcome_dict(outcome: CheckOutcome, comparison: BaselineComparison | None) -> dict[str, Any]:
    """The ``check``/``baseline`` keys added to the scorecard JSON."""
    data: dict[str, Any] = {
        "check": {
            "passed": outcome.passed,
            "exit_code": int(ExitCode.OK if outcome.passed else ExitCode.FAIL),
            "fail_under": outcome.fail_under,
            "fail_on": outcome.fail_on,
            "fail_on_regression": outcome.fail_on_regression,
            "reasons": list(outcome.reasons),
            "key_failures": [f"{i.pack}:{i.id}" for i in outcome.key_failures],
            "missing_failures": [f"{i.pack}:{i.id}" for i in outcome.missing_failures],
        }
    }
    if comparison is not None:
        data["baseline"] = {
            "path": comparison.path,
            "score_before": comparison.score_before,
            "score_after": comparison.score_after,
            "score_dropped": comparison.score_dropped,
            "regressed": comparison.regressed,
            "regressions": [
                {"pack": c.pack, "id": c.id, "title": c.title, "key": c.key, "before": c.before, "after": c.after}
                for c in comparison.regressions
            ],
            "improvements": [
                {"pack": c.pack, "id": c.id, "title": c.title, "key": c.key, "before": c.before, "after": c.after}
                for c in comparison.improvements
            ],
        }
    return data


def file_line_mapper(raw: RawText) -> Callable[[int], int] | None:
    """Offset in the normalised text -> line in the file, for plain-text reports (.txt, .md).

    Normalisation drops blank lines, so lines of the normalised text drift from the file's; the
    offset map of the ingest step leads back to the extracted original, which for a text file is
    the file's content. Other formats have no meaningful file lines (None: normalised lines).
    """
    if raw.source.format not in ("txt", "md") or not raw.offsets:
        return None

    def line_for(offset: int) -> int:
        position = raw.offsets[max(0, min(offset, len(raw.offsets) - 1))]
        return raw.original.count("\n", 0, position) + 1

    return line_for


def settings_from_args(args: argparse.Namespace) -> EffectiveSettings:
    config = resolve_config(args.report, args.config)
    return effective_settings(
        config, fail_under=args.fail_under, fail_on=args.fail_on, pack=args.pack, format=args.format
    )


def run(args: argparse.Namespace) -> int:
    from scorer.audit.limits import within_limits
    from scorer.document import build_document
    from scorer.errors import ConfigError
    from scorer.ingest import read_report
    from scorer.pipeline import Scorer
    from scorer.render import github, json_format, markdown, text

    if args.fail_on_regression and not args.baseline:
        raise ConfigError("--fail-on-regression 需要同时给出 --baseline OLD.json")
    settings = settings_from_args(args)
    limits = limits_from_args(args)
    baseline = load_baseline(args.baseline) if args.baseline else None  # fail fast on a broken baseline
    scorer = Scorer(
        rules_dir=args.rules,
        pack_choice=settings.pack.value,
        matching=dict(settings.matching.value) or None,
        waivers=settings.waivers.value,
    )

    def read_and_score():
        raw = read_report(args.report)
        return raw, scorer.score_document(build_document(raw))

    # In a child process within the report's budget (--timeout, --max-size).
    raw, scorecard = within_limits(read_and_score, limits, [args.report])
    comparison = compare(baseline, scorecard) if baseline is not None else None
    outcome = evaluate_check(
        scorecard,
        settings,
        regressed=bool(comparison and comparison.regressed),
        fail_on_regression=args.fail_on_regression,
    )

    output_format = settings.format.value
    if output_format == "json":
        data = json_format.to_dict(scorecard)
        data.update(outcome_dict(outcome, comparison))
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    elif output_format == "github":
        sys.stdout.write(github.format(scorecard, outcome, comparison, file_line_mapper(raw)))
    elif output_format == "markdown":
        sys.stdout.write(markdown.format(scorecard, outcome, comparison))
    sys.stdout.flush()
    sys.stderr.write(text.format(scorecard))
    sys.stderr.write(verdict_text(outcome, comparison))
    return ExitCode.OK if outcome.passed else ExitCode.FAIL
