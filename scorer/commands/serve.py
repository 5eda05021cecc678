"""`fzscore serve`: the local web workspace (upload, score, review, export) for supervisors."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from scorer.commands.common import add_pack_options
from scorer.errors import ConfigError, ExitCode

EPILOG = """\
在浏览器中打开启动时打印的地址即可使用：上传报告（可多选，或上传文件夹的 .zip）、查看评分总表与
每份报告的评分、逐项人工复核（确认或改判并写明理由）、查看疑似雷同与历年对比、导出 CSV/JSON/HTML。

数据保存在 --data 目录（默认 ./fzscore-data）：SQLite 数据库与按内容哈希保存的原文件；办公室多人共用时
可用 --db postgresql://用户@主机/库名。停止后再启动，未评完的报告会继续评分，复核记录不会丢失。
每份报告的评分时间不超过 --timeout 秒（默认 60）：超时的报告被终止并标为“评分失败”，其余报告照常评分。

默认只允许本机访问（127.0.0.1）。绑定其他地址（如 --host 0.0.0.0 供内网访问）必须设置访问令牌：
--token 令牌，或 --token auto 自动生成并打印。

退出码：130 按 Ctrl+C 停止（与其他命令被中断时相同；正在评分的报告下次启动时继续）；2 用法或配置错误
（如未设令牌而绑定非本机地址、端口被占用、数据库无法打开）。
"""


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "serve",
        help="本地网页工作台：上传、评分、人工复核与导出（供不使用命令行的审核人员）",
        description="启动法治政府建设年度报告评分工作台（本地网页）。",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--host", default="127.0.0.1", help="监听地址（默认 127.0.0.1，仅本机；其他地址须设 --token）")
    parser.add_argument("--port", type=int, default=8000, help="端口（默认 8000）")
    parser.add_argument("--data", metavar="DIR", default="fzscore-data", help="数据目录（默认 ./fzscore-data）")
    parser.add_argument("--db", metavar="URL", default=None, help="数据库 URL（默认数据目录中的 SQLite；例如 postgresql://用户@主机/库名）")
    parser.add_argument(
        "--token", nargs="?", const="auto", default=None, metavar="T", help="访问令牌；不带值或为 auto 时自动生成并打印"
    )
    parser.add_argument("--jobs", "-j", type=int, default=None, metavar="N", help="评分进程数（默认 CPU 核数减一，至少 1）")
    parser.add_argument(
        "--add", nargs="+", metavar="DIR_OR_FILE", default=(), help="启动时把这些报告（或目录中的报告、.zip）加入评分队列；已有的相同文件不会重复加入"
    )
    parser.add_argument(
        "--timeout", metavar="SECONDS", default=None, help="单份报告的评分时间上限（秒，默认 60；0 表示不限）；超时即终止该报告的评分并标为评分失败"
    )
    parser.add_argument("--max-upload-mb", type=float, default=None, metavar="MB", help="单个报告的大小上限（默认 50 MB）")
    add_pack_options(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from scorer.serve.security import is_loopback, new_token

    if not 0 < args.port < 65536:
        raise ConfigError(f"--port 应在 1–65535 之间，实际为 {args.port}")
    if args.jobs is not None and args.jobs < 0:
        raise ConfigError(f"--jobs 应为非负整数，实际为 {args.jobs}")
    from scorer.audit.limits import DEFAULT_TIMEOUT, parse_timeout

    timeout = parse_timeout(args.timeout) if args.timeout is not None else DEFAULT_TIMEOUT
    loopback = is_loopback(args.host)
    token = args.token
    if not loopback and token is None:
        raise ConfigError(
            f"监听非本机地址 {args.host} 时必须设置访问令牌：加 --token 令牌，或 --token auto 自动生成（否则同一网络中的任何人都能查看和修改数据）"
        )
    if token == "auto":
        token = new_token()
    if token is not None and len(token) < 12:
        raise ConfigError("访问令牌至少 12 个字符（或用 --token auto 自动生成）")

    _check_port(args.host, args.port)

    from dataclasses import replace

    import uvicorn

    from scorer.audit.batch import BatchSettings
    from scorer.serve.app import ServeConfig, create_app
    from scorer.serve.uploads import MiB, UploadLimits

    limits = UploadLimits()
    if args.max_upload_mb is not None:
        if args.max_upload_mb <= 0:
            raise ConfigError("--max-upload-mb 应为正数")
        limits = replace(limits, max_file_bytes=int(args.max_upload_mb * MiB))
    jobs = args.jobs if args.jobs is not None else max(1, (os.cpu_count() or 2) - 1)
    config = ServeConfig(
        data_dir=Path(args.data),
        db_url=args.db,
        token=token,
        loopback_only=loopback and token is None,
        jobs=jobs,
        timeout=timeout or None,
        limits=limits,
        batch=BatchSettings(rules_dir=args.rules, pack_choice=args.pack or "auto"),
    )
    app = create_app(config)
    if args.add:
        added = _add_files(app.state.workspace.store, args.add, limits)
        sys.stderr.write(added + "\n")
    shown_host = f"[{args.host}]" if ":" in args.host else args.host
    if args.host in ("0.0.0.0", "::"):
        shown_host = "本机IP"
    address = f"http://{shown_host}:{args.port}/"
    sys.stderr.write(f"fzscore 工作台已启动：{address}\n")
    if token is not None:
        sys.stderr.write(f"访问令牌：{token}\n首次打开请用：{address}?token={token}\n")
    sys.stderr.write(f"数据目录：{Path(args.data).resolve()}（{'PostgreSQL' if args.db else 'SQLite'}），评分进程 {jobs} 个；按 Ctrl+C 停止。\n")
    sys.stderr.flush()
    server = uvicorn.Server(uvicorn.Config(app, host=args.host, port=args.port, log_level="warning", access_log=False, lifespan="on"))
    try:
        server.run()
    except (OSError, SystemExit) as exc:  # uvicorn exits when it cannot bind after all
        if isinstance(exc, SystemExit) and server.started:
            raise
        raise ConfigError(f"无法在 {args.host}:{args.port} 上启动（端口可能已被占用）") from None
    return ExitCode.OK


def _check_port(host: str, port: int) -> None:
    """Refuse a port already in use before anything is opened (a clear message, not uvicorn's log)."""
    import socket

    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror:
        raise ConfigError(f"无法解析监听地址 {host}") from None
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as exc:
            raise ConfigError(f"无法在 {host}:{port} 上启动：{exc.strerror or exc}（端口可能已被占用，可用 --port 换一个）") from None


def _add_files(store, inputs: list[str], limits) -> str:  # noqa: ANN001 - Store, UploadLimits
    """Queue the files given on the command line as one upload; a one-line Chinese summary."""
    from scorer.audit.batch import REPORT_SUFFIXES, collect_inputs
    from scorer.serve.uploads import accept

    paths = [Path(p) for p in collect_inputs(inputs)]
    missing = [str(p) for p in paths if not p.is_file()]
    if missing:
        raise ConfigError("--add 中的文件不存在：" + "、".join(missing))
    # From a folder only reports and archives; a file named explicitly is taken as given.
    named = {Path(p).resolve() for p in inputs if Path(p).is_file()}
    paths = [p for p in paths if p.resolve() in named or p.suffix.lower() in (*REPORT_SUFFIXES, ".zip")]
    upload_id = store.new_upload("命令行")
    outcomes = []
    for path in paths:
        with open(path, "rb") as handle:
            outcomes.extend(accept(store, upload_id, [(path.name, handle)], limits))
    new = sum(1 for o in outcomes if o.outcome == "new")
    duplicate = sum(1 for o in outcomes if o.outcome == "duplicate")
    other = len(outcomes) - new - duplicate
    return f"已加入评分队列 {new} 份报告" + (f"，已存在 {duplicate} 份" if duplicate else "") + (f"，跳过或拒绝 {other} 个文件" if other else "")
