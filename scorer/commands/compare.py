"""`fzscore compare LAST THIS`: this year's report of a body beside last year's."""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace

from scorer.commands.common import (
    add_limit_options,
    add_pack_options,
    check_binary_target,
    check_output_target,
    limits_from_args,
    write_binary_output,
    write_output,
)
from scorer.errors import ExitCode

EPILOG = """\
比较内容：
  逐项变化    每一项上一年度与本年度的状态、得分和证据（改进 / 退步 / 不变）
  重复的问题  本年度“存在的不足”中与上一年度几乎相同的表述（改几个字、换了数字也能识别），两年原文并列
  安排的落实  上一年度“下一年度安排”的每一项，在本年度“成效”部分中是否有涉及同一条目、写法相近的
              具体举措：“见成效”并引用原文，或“未见报告”
  沿用的成效  本年度“成效”部分中与上一年度段落雷同的段落
第一行是一句话结论（总分变化、重复问题条数、安排见成效项数）。阈值可在 .fzscore.yaml 的 compare 键中调整。

两份报告须为同一主体（按报告中识别的地区/机关和层级判断，与文件名无关）；明显不是同一主体、或上一年度
报告的年度不早于本年度报告时拒绝比较（退出码 2），加 --force 可强制比较。年度不相邻时给出提示。

输出：text 为中文摘要；json 为机器接口；html 为自包含页面；docx 为 Word 文件（须用 -o 指定文件名）。
摘要写到 stderr，机器输出写到 stdout 或 -o 指定的文件。

退出码：0 成功；2 用法、配置、规则或输入错误（含不同主体未加 --force）。
"""


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "compare",
        help="逐年对比同一主体的两份报告：逐项变化、重复的问题、上一年度安排的落实、沿用的成效",
        description="把同一主体本年度的报告与上一年度的报告逐项对比。",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("last", metavar="LAST", help="上一年度的报告（.txt .md .docx .pdf .html）")
    parser.add_argument("this", metavar="THIS", help="本年度的报告")
    parser.add_argument(
        "--format", choices=("text", "json", "html", "docx"), default="text", help="输出格式（默认 text）"
    )
    parser.add_argument("-o", "--output", metavar="FILE", help="输出文件（默认 stdout；docx 必须指定）；已存在时需 --force")
    parser.add_argument(
        "--force", action="store_true", help="强制比较不同主体或年度顺序不对的报告，并允许覆盖已存在的输出文件"
    )
    parser.add_argument("--config", metavar="FILE", help="项目配置文件（默认从本年度报告所在目录向上查找 .fzscore.yaml）")
    add_limit_options(parser)
    add_pack_options(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from scorer.audit.compare import compare_paths
    from scorer.audit.limits import within_limits
    from scorer.config import effective_settings, resolve_config
    from scorer.model import CompareConfig
    from scorer.pipeline import Scorer
    from scorer.render import compare as view

    if args.format == "docx":
        check_binary_target(args.output)  # before any work: a Word file never goes to a terminal
    check_output_target(args.output, args.force)
    settings = effective_settings(resolve_config(args.this, args.config), pack=args.pack)
    scorer = Scorer(
        rules_dir=args.rules,
        pack_choice=settings.pack.value,
        matching=dict(settings.matching.value) or None,
        waivers=tuple(settings.waivers.value),
    )
    config = CompareConfig.from_mapping(settings.compare.value)
    # Both reports read and scored in a child process within the budget (twice one report's time).
    limits = limits_from_args(args)
    limits = replace(limits, timeout=2 * limits.timeout if limits.timeout else limits.timeout)
    result = within_limits(
        lambda: compare_paths(scorer, args.last, args.this, config=config, force=args.force), limits, [args.last, args.this]
    )
    summary = view.format_text(result)
    if args.format == "text":
        write_output(summary, args.output, args.force)
        return ExitCode.OK
    if args.format == "json":
        write_output(view.format_json(result), args.output, args.force)
    elif args.format == "html":
        write_output(view.format_html(result), args.output, args.force)
    else:
        from scorer.render import docx

        write_binary_output(docx.format_compare(result), args.output, args.force)
    sys.stderr.write(summary)
    return ExitCode.OK
