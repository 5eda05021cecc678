"""`fzscore config --print [REPORT]`: the effective settings and where each came from."""

from __future__ import annotations

import argparse
import json
import sys

import yaml

from scorer.config import (
    CONFIG_FILENAME,
    FAIL_ON_CHOICES,
    effective_settings,
    resolve_config,
)
from scorer.errors import ExitCode


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "config",
        help=f"显示生效的设置（{CONFIG_FILENAME}、命令行与默认值）",
        description=(
            f"显示对一份报告生效的设置及其来源（默认值 / 配置文件路径 / 命令行）。配置文件为 {CONFIG_FILENAME}，"
            "从报告所在目录（未给报告时为当前目录）向上查找，找到的第一个生效；--config 指定时以它为准。"
            "配置有误时给出文件和键名，退出码 2。"
        ),
    )
    parser.add_argument("report", nargs="?", metavar="REPORT", help="报告文件（决定从哪个目录开始查找配置文件）")
    parser.add_argument("--print", dest="print_settings", action="store_true", help="打印生效的设置（默认行为）")
    parser.add_argument("--config", metavar="FILE", help="项目配置文件（不再向上查找）")
    parser.add_argument("--format", choices=("yaml", "json"), default="yaml", help="输出格式（默认 yaml）")
    # The same overrides `check` takes, so their effect (source: 命令行) can be previewed.
    parser.add_argument("--fail-under", type=float, metavar="SCORE", default=None, help="最低得分（同 check）")
    parser.add_argument("--fail-on", choices=FAIL_ON_CHOICES, default=None, help="按条目判定失败的规则（同 check）")
    parser.add_argument("--pack", default=None, help="规则包（同 check）")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    config = resolve_config(args.report, args.config)
    settings = effective_settings(config, fail_under=args.fail_under, fail_on=args.fail_on, pack=args.pack)
    data = settings.as_dict()
    if args.format == "json":
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    else:
        sys.stdout.write(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, default_flow_style=False))
    if config.path is None:
        sys.stderr.write(f"未找到 {CONFIG_FILENAME}，全部使用默认值与命令行参数\n")
    return ExitCode.OK
