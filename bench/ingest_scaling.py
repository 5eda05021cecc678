"""How ingest time grows with hostile structure: nested HTML, nested docx tables, one giant line.

    .venv/bin/python bench/ingest_scaling.py [--rounds 3]

For each shape, ``read_report`` on inputs of size n, 2n, 4n, 8n (median of the rounds, in one
process) and the ratio of each time to the previous: about 2 means linear, about 4 quadratic.
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from scorer.ingest import read_report  # noqa: E402

HEAD = "<!DOCTYPE html><html><head><meta charset='utf-8'><title>青禾县2024年法治政府建设情况报告</title></head><body>"
PARAGRAPH = "<p>青禾县人民政府关于2024年法治政府建设情况的报告。全年开展法治宣传活动30场。</p>"


def nested_divs(depth: int) -> tuple[str, bytes]:
    """The issue's page: ``depth`` nested <div>s around 20 paragraphs."""
    return ".html", (HEAD + "<div>" * depth + PARAGRAPH * 20 + "</div>" * depth + "</body></html>").encode()


def text_at_every_level(depth: int) -> tuple[str, bytes]:
    """Nested <div>s inside an article container, a line of text at every level (all of it is read)."""
    levels = "".join(f"<div>第{i}段，全年开展法治宣传活动。" for i in range(depth)) + "</div>" * depth
    return ".html", (HEAD + f'<div id="zoom">{levels}</div></body></html>').encode()


def nested_tables_html(depth: int) -> tuple[str, bytes]:
    cells = "".join(f"<table><tr><td>全年办理行政复议案件{i}件" for i in range(depth)) + "</td></tr></table>" * depth
    return ".html", (HEAD + f'<div id="zoom">{cells}</div></body></html>').encode()


def nested_tables_docx(depth: int) -> tuple[str, bytes]:
    import docx

    document = docx.Document()
    table = document.add_table(rows=1, cols=1)
    cell = table.cell(0, 0)
    for level in range(depth):
        cell.paragraphs[0].text = f"第{level}层：全年办理行政复议案件。"
        cell = cell.add_table(rows=1, cols=1).cell(0, 0)
    buffer = io.BytesIO()
    document.save(buffer)
    return ".docx", buffer.getvalue()


def giant_line(chars: int) -> tuple[str, bytes]:
    return ".txt", ("法治政府建设全年开展" * (chars // 10)).encode()


SHAPES: dict[str, tuple[Callable[[int], tuple[str, bytes]], int]] = {
    "nested <div> (the issue's page)": (nested_divs, 6_250),
    "nested <div>, text at every level": (text_at_every_level, 6_250),
    "nested <table> cells": (nested_tables_html, 2_500),
    "nested docx tables": (nested_tables_docx, 10),  # 80 levels is near libxml2's depth bound of 256 elements
    "one line without a break (chars)": (giant_line, 62_500),
}


def measure(make: Callable[[int], tuple[str, bytes]], size: int, rounds: int, folder: Path) -> float:
    suffix, data = make(size)
    path = folder / f"input{suffix}"
    path.write_bytes(data)
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        read_report(path)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        measure(giant_line, 1000, 1, folder)  # warm up imports
        print("| input | size n → 8n | read_report seconds | ratio to the previous size |")
        print("|---|---|---|---|")
        for label, (make, base) in SHAPES.items():
            sizes = [base, base * 2, base * 4, base * 8]
            seconds = [measure(make, size, args.rounds, folder) for size in sizes]
            ratios = ["–"] + [f"{b / a:.2f}" for a, b in zip(seconds, seconds[1:])]
            print(
                f"| {label} | {' / '.join(f'{s:,}' for s in sizes)} | {' / '.join(f'{t:.2f}' for t in seconds)} | "
                f"{' / '.join(ratios)} |"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
