"""A batch killed mid-way (kill -9), then resumed: only the rest is scored, outputs as if never stopped.

    .venv/bin/python bench/resume_demo.py [--count 1000] [--kill-after 400] [--jobs 2] [--work /tmp/fzsweep]

1. an uninterrupted `fzscore batch` over N generated reports (bench/generate.py) -> out_whole;
2. the same batch into out_resumed, killed with SIGKILL once the journal holds --kill-after reports
   (no chance to clean up: as after a power cut);
3. `fzscore batch … --resume` into out_resumed;
4. every output file (pages, index.html, summary.csv, summary.json) of the two folders compared
   byte for byte (SOURCE_DATE_EPOCH is fixed).

The tests do the same on 14 reports (tests/commands/test_batch_cli.py); this shows it at scale.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from sweep import generate  # noqa: E402

from scorer.audit.journal import JOURNAL_FILE, STATE_DIR, decode_meta  # noqa: E402

ENV = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000"}


def batch(inputs: Path, out: Path, jobs: int, *extra: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "scorer", "batch", str(inputs), "-o", str(out), "--jobs", str(jobs), *extra],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=ENV,
        cwd=REPO,
    )


def finished(out: Path) -> int:
    try:
        with open(out / STATE_DIR / JOURNAL_FILE, "rb") as handle:
            return sum(decode_meta(line) is not None for line in handle)
    except OSError:
        return 0


def digests(out: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in out.iterdir() if p.is_file() and not p.name.startswith(".")}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--kill-after", type=int, default=400)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--work", type=Path, default=Path("/tmp/fzsweep"))
    parser.add_argument("--json", type=Path, default=REPO / "bench" / "resume_demo.json")
    args = parser.parse_args()

    inputs = generate(args.work, args.count, args.seed)
    whole, resumed = args.work / "resume_whole", args.work / "resume_resumed"
    for folder in (whole, resumed):
        shutil.rmtree(folder, ignore_errors=True)

    start = time.perf_counter()
    process = batch(inputs, whole, args.jobs)
    _, err = process.communicate()
    whole_s = time.perf_counter() - start
    if process.returncode != 0:
        raise SystemExit(f"uninterrupted batch failed: {err}")

    start = time.perf_counter()
    process = batch(inputs, resumed, args.jobs)
    while finished(resumed) < args.kill_after and process.poll() is None:
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait()
    killed_s = time.perf_counter() - start
    done_at_kill = finished(resumed)

    start = time.perf_counter()
    process = batch(inputs, resumed, args.jobs, "--resume")
    _, err = process.communicate()
    resume_s = time.perf_counter() - start
    resume_line = next((line for line in err.splitlines() if line.startswith("续接：沿用")), "")
    reused = [int(n) for n in re.findall(r"\d+", resume_line)]

    a, b = digests(whole), digests(resumed)
    result = {
        "reports": args.count,
        "jobs": args.jobs,
        "uninterrupted_s": round(whole_s, 1),
        "killed_after_s": round(killed_s, 1),
        "journal_entries_at_kill": done_at_kill,
        "resume_s": round(resume_s, 1),
        "resume_exit_code": process.returncode,
        "resume_said": resume_line,
        "reused": reused[0] if reused else None,
        "scored_on_resume": reused[1] if len(reused) > 1 else None,
        "output_files": len(a),
        "identical_files": sum(1 for name in a if b.get(name) == a[name]),
        "differing_files": sorted(name for name in set(a) | set(b) if a.get(name) != b.get(name))[:20],
    }
    args.json.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, ensure_ascii=False, indent=2))
    shutil.rmtree(whole, ignore_errors=True)
    shutil.rmtree(resumed, ignore_errors=True)
    return 0 if result["identical_files"] == len(a) == len(b) else 1


if __name__ == "__main__":
    sys.exit(main())
