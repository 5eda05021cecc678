"""`fzscore batch DIR_OR_FILES... -o OUT`: score a batch, write pages, index and summaries."""

from __future__ import annotations

import argparse
import os
import shlex
import sys
from pathlib import Path

from scorer.commands.common import add_limit_options, add_pack_options, limits_from_args
from scorer.errors import ExitCode, FzError

EPILOG = """\
输出目录中写入：每份报告一个 HTML 页面（<文件名>.html，重名时加 -2、-3…）、index.html（可排序、
可筛选的总表，含评分失败的文件与疑似雷同的报告对）、summary.csv（UTF-8 带 BOM，Excel 可直接打开）
和 summary.json。加 --docx 时每份报告另有一个 Word 差距报告（<文件名>.docx）。

逐年对比：同一主体（按报告中识别的地区/机关和层级，与文件名无关）有多个年度的报告时，每份报告与该主体
上一个年度的报告配对比较，每对写一个对比页面（<上一年度>_vs_<本年度>.html）；总表和 summary.csv/json
中列出分数变化、重复上一年度的问题条数和上一年度安排见成效的项数；无法配对的报告单独列出。

输入：给出的文件，以及给出的目录中（不含子目录、不含隐藏文件）的所有文件。.txt .md .docx .pdf
.html .htm 之外的文件也会尝试读取，读不了的列为失败并写明原因，其余报告照常评分。

每份报告在单独的进程中评分，有时间上限（--timeout，默认 60 秒）和文件大小上限（--max-size，默认
20MB）：超出的报告被终止并列为失败、写明原因，其余报告照常评分。

中断与续接：每评完一份报告，其页面（先写临时文件再改名）和一条带校验和的记录（输出目录中的隐藏
目录 .fzscore-batch/）即写入磁盘。按 Ctrl-C、进程被杀或断电后，输出目录保持一致；用同样的命令加
--resume 续接：输入文件、页面、工具与规则包版本及设置都未变的报告直接沿用，只评分其余的报告，
最后由全部结果重新生成 index.html、summary.csv/json。

退出码：
  0    全部报告评分成功
  1    部分报告评分失败（失败的文件列在 index.html、summary.csv/json 与 stderr 中）
  2    没有任何报告评分成功，或用法、配置、规则有误，或输出目录非空而未加 --force / --resume
  130  被 Ctrl-C 中断（已完成的报告已保存，可用 --resume 续接）

进度条写到 stderr（仅当 stderr 是终端时，或给出 --progress）；最后总会打印一行中文小结。
"""


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "batch",
        help="批量评分：每份报告一个页面，外加总表、CSV/JSON 汇总与雷同检测",
        description="批量为一批法治政府建设年度报告评分，并检测彼此雷同的报告。",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("inputs", nargs="+", metavar="DIR_OR_FILE", help="报告所在目录或报告文件")
    parser.add_argument("-o", "--output", metavar="DIR", default="reports_out", help="输出目录（默认 reports_out）")
    parser.add_argument("--jobs", "-j", type=int, default=1, metavar="N", help="并行进程数（默认 1；0 表示 CPU 核数）")
    parser.add_argument(
        "--force", action="store_true", help="允许写入非空的输出目录（覆盖同名文件；隐藏文件不算；从不覆盖输入文件）"
    )
    parser.add_argument(
        "--resume",
        action="store_true",
        help="续接输出目录中中断的批量评分：沿用未变化报告的结果，只评分其余的报告",
    )
    parser.add_argument("--config", metavar="FILE", help="项目配置文件（默认从输入所在目录向上查找 .fzscore.yaml）")
    parser.add_argument("--docx", action="store_true", help="每份报告另写一个 Word 差距报告（<文件名>.docx）")
    parser.add_argument(
        "--paragraph-similarity", type=float, default=None, metavar="X", help="两段视为相近的余弦相似度（默认 0.85）"
    )
    parser.add_argument(
        "--flag-similarity", type=float, default=None, metavar="X", help="两份报告标为疑似雷同的相似度（默认 0.3）"
    )
    progress = parser.add_mutually_exclusive_group()
    progress.add_argument("--progress", dest="progress", action="store_true", default=None, help="总是显示进度条")
    progress.add_argument("--no-progress", dest="progress", action="store_false", help="不显示进度条")
    add_limit_options(parser)
    add_pack_options(parser)
    parser.set_defaults(func=run)


def _config_start(inputs: list[str]) -> str:
    """Where to look for .fzscore.yaml: the common folder of the inputs."""
    folders = [str(Path(p).resolve() if Path(p).is_dir() else Path(p).resolve().parent) for p in inputs]
    try:
        return os.path.commonpath(folders)
    except ValueError:  # different drives
        return folders[0]


def run(args: argparse.Namespace) -> int:
    from scorer.audit.batch import (
        BatchInterrupted,
        BatchSettings,
        collect_inputs,
        run_batch,
    )
    from scorer.config import effective_settings, resolve_config
    from scorer.model import CompareConfig, CopyDetectConfig

    if args.jobs < 0:
        raise FzError(f"--jobs 应为非负整数，实际为 {args.jobs}")
    jobs = args.jobs or os.cpu_count() or 1
    limits = limits_from_args(args)
    config = resolve_config(_config_start(args.inputs), args.config)
    settings = effective_settings(
        config,
        pack=args.pack,
        paragraph_similarity=args.paragraph_similarity,
        flag_similarity=args.flag_similarity,
    )
    copy = settings.copy_detection.value
    batch_settings = BatchSettings(
        rules_dir=args.rules,
        pack_choice=settings.pack.value,
        matching=dict(settings.matching.value) or None,
        waivers=tuple(settings.waivers.value),
        copy_detection=CopyDetectConfig(
            paragraph_similarity=copy["paragraph_similarity"], flag_similarity=copy["flag_similarity"]
        ),
        compare=CompareConfig.from_mapping(settings.compare.value),
        docx=args.docx,
    )
    inputs = collect_inputs(args.inputs)
    if not inputs:
        raise FzError("没有找到要评分的报告文件：" + "、".join(args.inputs))
    try:
        result = run_batch(
            inputs,
            args.output,
            batch_settings,
            jobs=jobs,
            force=args.force,
            resume=args.resume,
            progress=args.progress,
            limits=limits,
            log=sys.stderr,
        )
    except BatchInterrupted as stop:
        command = shlex.join(["fzscore", "batch", *args.inputs, "-o", args.output, "--resume"])
        sys.stderr.write(
            f"已中断：{stop.total} 份中已完成 {stop.done} 份，结果已保存在 {stop.out_dir}；"
            f"续接请运行：{command}\n"
        )
        return ExitCode.INTERRUPTED

    for row in result.rows:
        if not row.ok:
            sys.stderr.write(f"失败：{row.path}：{row.error}\n")
    if result.late:
        sys.stderr.write(f"逾期报送：{result.late} 份（成文日期晚于次年 3 月 1 日，详见 index.html）\n")
    if result.copies.flagged:
        sys.stderr.write(f"疑似雷同：{len(result.copies.flagged)} 对（详见 index.html）\n")
    for pair in result.years.pairs:
        if pair.ok:
            sys.stderr.write(f"逐年对比：{pair.last} → {pair.this}：{pair.verdict}\n")
        else:
            sys.stderr.write(f"逐年对比失败：{pair.last} → {pair.this}：{pair.error}\n")
    sys.stderr.write(f"已评分 {result.scored} 份，失败 {result.failed} 份，输出目录 {result.out_dir}\n")
    if result.scored == 0:
        return ExitCode.ERROR
    return ExitCode.FAIL if result.failed else ExitCode.OK
