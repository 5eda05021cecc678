"""Benchmarks against the design's performance targets, measured as ratios within one run.

    .venv/bin/python bench/bench.py [--reports 1000] [--rounds 5] [--out bench/RESULTS.md]

* cold:       one report through the CLI in a new process  vs  a process that merely imports the
              libraries that run uses (target: <= 1.5x);
* throughput: scoring already-read reports in one process  vs  tokenising the same texts once with
              jieba (target: <= 1.5x);
* batch:      `fzscore batch --jobs 2` on N reports (target: 1,000 well under a minute), and peak
              memory at several batch sizes (target: flat).

The machine is a noisy 2-core box: every figure is a median of alternating runs, and only ratios
measured in the same run are compared. Nothing here is a test; the figures are recorded in
bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CORPUS = Path(os.environ.get("FZSCORE_CORPUS", REPO.parent / "shared" / "corpus"))
SAMPLES = sorted((CORPUS / "seeds").glob("*.txt")) + sorted((REPO / "examples").glob("qinghe_*.txt"))
PYTHON = sys.executable
# What `fzscore score x.txt --format json` imports from outside the standard library (scikit-learn
# only trains the sentence model; scoring has its own TF-IDF since 2026-12-06, a test keeps it out).
LIBRARY_IMPORTS = "import jieba, numpy, yaml, charset_normalizer, scipy.sparse"
# The set it imported before (with scikit-learn's TfidfVectorizer), kept to compare absolute times across versions.
EARLIER_LIBRARY_IMPORTS = "import jieba, numpy, yaml, charset_normalizer, sklearn.feature_extraction.text"


def timed_process(argv: list[str], env: dict[str, str] | None = None) -> tuple[float, int]:
    """Wall seconds and peak RSS (KiB) of a child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    elapsed = time.perf_counter() - start
    return elapsed, max(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, before)


def bench_cold(rounds: int) -> dict:
    report = str(REPO / "examples" / "qinghe_2024_strong.txt")
    # As installed: pip byte-compiles a wheel's modules (and the libraries'), and Python writes the
    # .pyc of an editable checkout at its first run. Without this, a PYTHONDONTWRITEBYTECODE
    # environment would compile the package's ~60 modules from source on every cold start.
    subprocess.run([PYTHON, "-m", "compileall", "-q", str(REPO / "scorer")], check=True, stdout=subprocess.DEVNULL)
    imports, earlier, cli = [], [], []
    for _ in range(rounds):  # alternate so all see the same machine state
        imports.append(timed_process([PYTHON, "-c", LIBRARY_IMPORTS])[0])
        earlier.append(timed_process([PYTHON, "-c", EARLIER_LIBRARY_IMPORTS])[0])
        cli.append(timed_process([PYTHON, "-m", "scorer", "score", report, "--format", "json"])[0])
    imports_s, earlier_s, cli_s = statistics.median(imports), statistics.median(earlier), statistics.median(cli)
    return {
        "imports_s": round(imports_s, 3),
        "cli_s": round(cli_s, 3),
        "ratio": round(cli_s / imports_s, 2),
        "earlier_imports_s": round(earlier_s, 3),
        "ratio_vs_earlier_imports": round(cli_s / earlier_s, 2),
    }


def bench_throughput(rounds: int) -> dict:
    sys.path.insert(0, str(REPO))
    import jieba

    from scorer.document import build_document
    from scorer.ingest import read_report
    from scorer.pipeline import Scorer

    raws = [read_report(path) for path in SAMPLES]
    texts = [raw.text for raw in raws]
    chars = sum(len(t) for t in texts)
    scorer = Scorer()
    jieba.initialize()
    jieba.lcut(texts[0])  # warm both sides
    scorer.score_document(build_document(raws[0]))
    tokenize, tokenize_nohmm, score = [], [], []
    for _ in range(rounds):
        start = time.perf_counter()
        for text in texts:
            jieba.lcut(text)
        tokenize.append(time.perf_counter() - start)
        start = time.perf_counter()
        for text in texts:
            jieba.lcut(text, HMM=False)
        tokenize_nohmm.append(time.perf_counter() - start)
        start = time.perf_counter()
        for raw in raws:
            scorer.score_document(build_document(raw))
        score.append(time.perf_counter() - start)
    t, tn, s = statistics.median(tokenize), statistics.median(tokenize_nohmm), statistics.median(score)
    return {
        "reports": len(texts),
        "chars": chars,
        "jieba_lcut_s": round(t, 4),
        "jieba_lcut_nohmm_s": round(tn, 4),
        "score_s": round(s, 4),
        "ratio_vs_jieba": round(s / t, 2),
        "ratio_vs_jieba_nohmm": round(s / tn, 2),
        "reports_per_s": round(len(texts) / s, 1),
    }


def make_reports(folder: Path, count: int) -> None:
    """``count`` report files cycling through the samples, each made distinct by its own line."""
    folder.mkdir(parents=True, exist_ok=True)
    texts = [p.read_text(encoding="utf-8") for p in SAMPLES]
    for index in range(count):
        text = texts[index % len(texts)]
        lines = text.split("\n")
        lines.insert(2, f"本报告为基准测试副本第{index + 1}号。")
        (folder / f"report_{index:04d}.txt").write_text("\n".join(lines), encoding="utf-8")


def bench_batch(sizes: list[int], jobs: int) -> dict:
    results = []
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000"}
    for size in sizes:
        work = Path(tempfile.mkdtemp(prefix="fzbench-"))
        try:
            make_reports(work / "in", size)
            elapsed, rss = timed_process(
                [PYTHON, "-m", "scorer", "batch", str(work / "in"), "-o", str(work / "out"), "--jobs", str(jobs)], env
            )
            results.append({"reports": size, "jobs": jobs, "seconds": round(elapsed, 2), "peak_rss_mib": round(rss / 1024, 1)})
            print(f"  batch {size}: {elapsed:.1f} s, peak RSS {rss / 1024:.0f} MiB", file=sys.stderr)
        finally:
            shutil.rmtree(work, ignore_errors=True)
    return {"runs": results}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--reports", type=int, default=1000, help="largest batch size")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--skip-batch", action="store_true")
    parser.add_argument("--json", type=Path, default=REPO / "bench" / "results.json")
    args = parser.parse_args()

    print("cold start …", file=sys.stderr)
    cold = bench_cold(args.rounds)
    print(f"  {cold}", file=sys.stderr)
    print("throughput …", file=sys.stderr)
    throughput = bench_throughput(args.rounds)
    print(f"  {throughput}", file=sys.stderr)
    batch = None
    if not args.skip_batch:
        print("batch …", file=sys.stderr)
        sizes = sorted({max(10, args.reports // 10), max(10, args.reports // 3), args.reports})
        batch = bench_batch(sizes, args.jobs)
    result = {
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count(), "platform": platform.platform()},
        "cold_start": cold,
        "throughput": throughput,
        "batch": batch,
    }
    args.json.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
