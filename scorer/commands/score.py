"""`fzscore score REPORT...`: score reports and print text, JSON or HTML."""

from __future__ import annotations

import argparse
import json
import sys

from scorer.commands.common import (
    add_limit_options,
    add_pack_options,
    check_binary_target,
    check_output_target,
    limits_from_args,
    write_binary_output,
    write_output,
)
from scorer.errors import ExitCode, FzError


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "score",
        help="为报告评分（逐项给出覆盖情况与证据）",
        description="为法治政府建设年度报告评分。text 格式输出中文摘要；json 为机器接口；html 为自包含的差距报告；"
        "docx 为 Word 格式的差距报告（须用 -o 指定文件名）。摘要与进度写到 stderr，机器输出写到 stdout 或 -o 指定的文件。",
    )
    parser.add_argument("reports", nargs="+", metavar="REPORT", help="报告文件（.txt .md .docx .pdf .html）")
    parser.add_argument("--format", choices=("text", "json", "html", "docx"), default="text", help="输出格式（默认 text）")
    parser.add_argument("-o", "--output", metavar="FILE", help="输出文件（默认 stdout）；已存在时需 --force")
    parser.add_argument("--force", action="store_true", help="允许覆盖已存在的输出文件")
    parser.add_argument("--config", metavar="FILE", help="项目配置文件（默认从报告所在目录向上查找 .fzscore.yaml）")
    add_limit_options(parser)
    add_pack_options(parser)
    parser.set_defaults(func=run)


def build_scorer(args: argparse.Namespace, report: str):
    """A Scorer from the command line, overlaid on the project config (.fzscore.yaml) when present."""
    from scorer.config import load_effective_config
    from scorer.pipeline import Scorer

    config = load_effective_config(report, args.config)
    return Scorer(
        rules_dir=args.rules,
        pack_choice=args.pack or config["pack"] or "auto",
        matching=config["matching"],
        waivers=config["waivers"],
    )


def run(args: argparse.Namespace) -> int:
    from scorer.render import json_format, text

    if args.format in ("html", "docx") and len(args.reports) > 1:
        raise FzError(f"{args.format} 格式一次只能输出一份报告；多份报告请用 fzscore batch")
    if args.format == "docx":
        check_binary_target(args.output)  # before any work: a Word file never goes to a terminal
    check_output_target(args.output, args.force)
    from scorer.audit.limits import within_limits

    limits = limits_from_args(args)
    scorer = build_scorer(args, args.reports[0])
    # Each report read and scored in a child process within its budget (--timeout, --max-size).
    cards = [within_limits(lambda path=path: scorer.score_path(path), limits, [path]) for path in args.reports]
    if args.format == "json":
        if len(cards) == 1:
            output = json_format.format(cards[0])
        else:
            output = json.dumps([json_format.to_dict(c) for c in cards], ensure_ascii=False, indent=2) + "\n"
        write_output(output, args.output, args.force)
        for card in cards:
            sys.stderr.write(text.format(card))
    elif args.format == "html":
        from scorer.render import html

        write_output(html.format(cards[0]), args.output, args.force)
        sys.stderr.write(text.format(cards[0]))
    elif args.format == "docx":
        from scorer.render import docx

        write_binary_output(docx.format_scorecard(cards[0]), args.output, args.force)
        sys.stderr.write(text.format(cards[0]))
    else:
        write_output("\n".join(text.format(c) for c in cards), args.output, args.force)
    return ExitCode.OK
