"""The national sweep: `fzscore batch --jobs 2` over N generated reports, with time and memory.

    .venv/bin/python bench/sweep.py --sizes 1000 10000 40000 [--jobs 2] [--work /tmp/fzsweep]
                                    [--json bench/sweep.json] [--python PY] [--pythonpath DIR]

For each N: generate N reports with bench/generate.py (cached in the work folder), run the batch
in a new process and sample the whole process tree (the batch and its workers) every 0.5 s:

* wall time, and CPU time of the tree (user + system, all workers included);
* peak RSS of the tree (sum over its processes; pages shared by forked workers count in each) and
  peak PSS (each shared page split between the processes sharing it: the memory really used);
* peak RSS of the largest single process;
* time in copy detection (the batch's own stderr line "雷同检测：… 用时 X 秒");
* what else was running: the load average during the run and the busiest other processes.

``--python``/``--pythonpath`` run another checkout of the tool (e.g. an older commit unpacked with
``git archive``) on the same reports, for before/after figures. Nothing here is a test.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def _children_map() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as handle:
                stat = handle.read()
        except OSError:
            continue
        # pid (comm) state ppid …; comm may hold spaces and parentheses
        ppid = int(stat[stat.rfind(b")") + 2 :].split()[1])
        children.setdefault(ppid, []).append(int(entry))
    return children


def tree(pid: int) -> list[int]:
    children = _children_map()
    found, stack = [], [pid]
    while stack:
        current = stack.pop()
        found.append(current)
        stack.extend(children.get(current, []))
    return found


def _kib(path: str, key: str) -> int:
    try:
        with open(path, encoding="ascii", errors="replace") as handle:
            for line in handle:
                if line.startswith(key):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


class Sampler(threading.Thread):
    """Peak RSS/PSS of a process tree, and the load average, sampled until stopped."""

    def __init__(self, pid: int, interval: float = 1.0) -> None:
        super().__init__(daemon=True)
        self.pid, self.interval = pid, interval
        self.peak_rss = self.peak_pss = self.peak_single = self.peak_parent = 0
        self.loads: list[float] = []
        self.others: dict[str, float] = {}
        self._stop_event = threading.Event()

    def run(self) -> None:
        samples = 0
        pids: list[int] = []
        while not self._stop_event.is_set():
            if samples % 3 == 0:  # the tree changes only when a worker is replaced: a scan of /proc every 3 s
                pids = tree(self.pid)
            rss = {p: _kib(f"/proc/{p}/status", "VmRSS:") for p in pids}
            self.peak_rss = max(self.peak_rss, sum(rss.values()))
            if samples % 2 == 0:  # PSS walks the page tables: every other sample
                self.peak_pss = max(self.peak_pss, sum(_kib(f"/proc/{p}/smaps_rollup", "Pss:") for p in pids))
            self.peak_single = max(self.peak_single, max(rss.values(), default=0))
            self.peak_parent = max(self.peak_parent, rss.get(self.pid, 0))
            with open("/proc/loadavg", encoding="ascii") as handle:
                self.loads.append(float(handle.read().split()[0]))
            if samples % 60 == 0:  # once a minute: who else is busy
                self._note_others(set(pids))
            samples += 1
            self._stop_event.wait(self.interval)

    def _note_others(self, ours: set[int]) -> None:
        listing = subprocess.run(
            ["ps", "-eo", "pid=,pcpu=,args=", "--sort=-pcpu"], capture_output=True, text=True, check=False
        ).stdout.splitlines()
        for line in listing[:12]:
            pid, cpu, args = line.split(None, 2)
            if int(pid) in ours or float(cpu) < 5 or "ps -eo" in args:
                continue
            name = re.sub(r"\s+", " ", args)[:90]
            self.others[name] = max(self.others.get(name, 0.0), float(cpu))

    def stop(self) -> None:
        self._stop_event.set()
        self.join()


def generate(work: Path, count: int, seed: int) -> Path:
    import hashlib

    version = hashlib.sha256((REPO / "bench" / "generate.py").read_bytes()).hexdigest()[:8]
    folder = work / f"reports_{count}_s{seed}_{version}"
    done = folder / ".complete"
    if not done.is_file():
        shutil.rmtree(folder, ignore_errors=True)
        subprocess.run([sys.executable, str(REPO / "bench" / "generate.py"), str(folder), "--count", str(count), "--seed", str(seed)], check=True)
        done.write_text("ok\n", encoding="utf-8")
    return folder


def run_batch(inputs: Path, out: Path, jobs: int, python: str, pythonpath: str | None) -> dict:
    shutil.rmtree(out, ignore_errors=True)
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000"}
    if pythonpath:
        env["PYTHONPATH"] = pythonpath
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    process = subprocess.Popen(
        [python, "-m", "scorer", "batch", str(inputs), "-o", str(out), "--jobs", str(jobs)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=env,
        text=True,
        cwd=pythonpath or REPO,
    )
    sampler = Sampler(process.pid)
    sampler.start()
    _, err = process.communicate()
    wall = time.perf_counter() - start
    sampler.stop()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    copy = re.search(r"雷同检测：.*用时 ([\d.]+) 秒", err)
    summary = err.strip().splitlines()[-3:]
    loads = sorted(sampler.loads) or [0.0]
    return {
        "exit_code": process.returncode,
        "wall_s": round(wall, 1),
        "cpu_s": round((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), 1),
        "peak_tree_rss_mib": round(sampler.peak_rss / 1024),
        "peak_tree_pss_mib": round(sampler.peak_pss / 1024),
        "peak_process_rss_mib": round(sampler.peak_single / 1024),
        "peak_parent_rss_mib": round(sampler.peak_parent / 1024),
        "copy_detection_s": float(copy.group(1)) if copy else None,
        "load_avg_median": loads[len(loads) // 2],
        "load_avg_max": loads[-1],
        "other_busy_processes": dict(sorted(sampler.others.items(), key=lambda kv: -kv[1])[:8]),
        "stderr_tail": summary,
    }


def copy_check(inputs: Path, out: Path, flag: float = 0.3) -> dict | None:
    """How many planted near-copies copy detection found: the copy's closest report is its original
    (or another copy of it) at the flag threshold."""
    planted_file, summary_file = inputs / ".planted-copies.json", out / "summary.json"
    if not planted_file.is_file() or not summary_file.is_file():
        return None
    planted = json.loads(planted_file.read_text(encoding="utf-8"))
    closest = {}
    for report in json.loads(summary_file.read_text(encoding="utf-8"))["reports"]:
        if report.get("closest"):
            closest[Path(report["file"]).stem] = (Path(report["closest"]["file"]).stem, report["closest"]["similarity"])
    family: dict[str, set[str]] = {}  # an original and all its copies
    for copy, original in planted:
        family.setdefault(original, {original}).add(copy)
    found = 0
    for copy, original in planted:
        name, similarity = closest.get(copy, (None, 0.0))
        if name in family[original] and similarity >= flag:
            found += 1
    flagged = sum(1 for name, (_, similarity) in closest.items() if similarity >= flag)
    return {"planted_copies": len(planted), "found": found, "reports_marked": flagged}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 40000])
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--work", type=Path, default=Path("/tmp/fzsweep"))
    parser.add_argument("--json", type=Path, default=REPO / "bench" / "sweep.json")
    parser.add_argument("--python", default=sys.executable)
    parser.add_argument("--pythonpath", default=None, help="run the tool from this checkout instead")
    parser.add_argument("--keep", action="store_true", help="keep the output folders")
    args = parser.parse_args()

    results = json.loads(args.json.read_text(encoding="utf-8")) if args.json.is_file() else {"runs": []}
    results["machine"] = {"python": platform.python_version(), "cpus": os.cpu_count(), "platform": platform.platform()}
    for size in args.sizes:
        inputs = generate(args.work, size, args.seed)
        out = args.work / f"out_{size}"
        print(f"batch {size} …", file=sys.stderr)
        run = {"reports": size, "jobs": args.jobs, "tool": args.pythonpath or "this checkout", **run_batch(inputs, out, args.jobs, args.python, args.pythonpath)}
        run["out_dir_mib"] = round(sum(p.stat().st_size for p in out.rglob("*") if p.is_file()) / 2**20) if out.is_dir() else None
        run["copies"] = copy_check(inputs, out)
        if not args.keep:
            shutil.rmtree(out, ignore_errors=True)
        print(json.dumps(run, ensure_ascii=False, indent=2), file=sys.stderr)
        results["runs"].append(run)
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print("| N | tool | wall | CPU | peak tree RSS | peak tree PSS | largest process | copy detection | load avg (median) |")
    print("|---|---|---|---|---|---|---|---|---|")
    for run in results["runs"]:
        print(
            f"| {run['reports']:,} | {run['tool']} | {run['wall_s']:.0f} s | {run['cpu_s']:.0f} s | {run['peak_tree_rss_mib']} MiB "
            f"| {run['peak_tree_pss_mib']} MiB | {run['peak_process_rss_mib']} MiB | {run['copy_detection_s']} s | {run['load_avg_median']} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
