"""Fuzz the reader and scorer: thousands of damaged inputs of every format through the Python API.

    .venv/bin/python bench/fuzz.py                      # 1,000 inputs of each kind, 2 processes
    .venv/bin/python bench/fuzz.py --per-kind 50 --kinds pdf,html --json /tmp/fuzz.json

Every input (see tests/fuzz/generate.py for the mutations) must end in a Scorecard or an FzError
within the time bound; a crash (any other exception) or a hang is a finding, listed with the
input's name so that ``FuzzGenerator(seed).make(kind, index)`` rebuilds it. Exit code 1 when
there is any finding. Figures for bench/RESULTS.md: inputs, scored, refused, slowest input,
tracebacks, hangs, peak memory of a worker.
"""

from __future__ import annotations

import argparse
import faulthandler
import json
import re
import resource
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))  # the generator lives with the tests that use it too

from fuzz.generate import KINDS, FuzzGenerator, Outcome, run_input  # noqa: E402

_WORKER: dict = {}


def _init_worker(seed: int, time_bound: float) -> None:
    import logging

    from scorer.pipeline import Scorer

    logging.disable(logging.CRITICAL)  # nothing of ours should log; a library that does is captured anyway
    _WORKER.update(
        scorer=Scorer(),
        generator=FuzzGenerator(seed),
        folder=Path(tempfile.mkdtemp(prefix="fzfuzz-")),
        time_bound=time_bound,
    )


def _run(kind: str, index: int) -> tuple[Outcome, float]:
    """One input in a worker; returns its outcome and the time spent generating it."""
    started = time.perf_counter()
    item = _WORKER["generator"].make(kind, index)
    generated = time.perf_counter() - started
    # A hang inside C code never returns to Python for SIGALRM: then the watchdog ends the
    # worker (the parent counts the input as a hang).
    faulthandler.dump_traceback_later(_WORKER["time_bound"] * 3 + 60, exit=True)
    try:
        return run_input(_WORKER["scorer"], item, _WORKER["folder"], _WORKER["time_bound"]), generated
    finally:
        faulthandler.cancel_dump_traceback_later()


def run_all(tasks: list[tuple[str, int]], seed: int, jobs: int, time_bound: float) -> list[Outcome]:
    outcomes: list[Outcome] = []
    pending = list(reversed(tasks))
    done_count = 0
    while pending:
        with ProcessPoolExecutor(max_workers=jobs, initializer=_init_worker, initargs=(seed, time_bound)) as pool:
            in_flight = {}
            try:
                while pending or in_flight:
                    while pending and len(in_flight) < jobs * 2:
                        task = pending.pop()
                        in_flight[pool.submit(_run, *task)] = task
                    finished, _ = wait(in_flight, return_when=FIRST_COMPLETED)
                    for future in finished:
                        task = in_flight.pop(future)
                        outcome, _ = future.result()
                        outcomes.append(outcome)
                        done_count += 1
                        if done_count % 250 == 0:
                            print(f"  {done_count}/{len(tasks)}", file=sys.stderr, flush=True)
            except BrokenProcessPool:
                # A worker died (the watchdog, or the OS killing it for memory): every input in
                # flight is a suspect and counted as a hang.
                for task in in_flight.values():
                    outcomes.append(Outcome(f"{task[0]}/{task[1]:05d}", "?", "hang", float("nan"), "worker died"))
    return outcomes


def _reason(outcome: Outcome) -> str:
    """A refusal message with the file name and figures blanked, to count messages by kind."""
    stem = outcome.name.replace("/", "_")
    text = re.sub(r"\S*" + re.escape(stem) + r"\S*", "<文件>", outcome.detail)
    return re.sub(r"\d[\d,.]*", "N", text)


def summarise(outcomes: list[Outcome], kinds: list[str]) -> dict:
    by_kind = {kind: Counter() for kind in kinds}
    for outcome in outcomes:
        by_kind[outcome.name.split("/")[0]][outcome.result] += 1
    timed = [o for o in outcomes if o.seconds == o.seconds]  # not NaN
    slowest = sorted(timed, key=lambda o: o.seconds, reverse=True)[:10]
    return {
        "inputs": len(outcomes),
        "by_kind": {kind: dict(counts) for kind, counts in by_kind.items()},
        "scored": sum(o.result == "scored" for o in outcomes),
        "refused": sum(o.result == "refused" for o in outcomes),
        "tracebacks": sum(o.result == "crash" for o in outcomes),
        "hangs": sum(o.result == "hang" for o in outcomes),
        "slowest": [{"input": o.name, "seconds": round(o.seconds, 2), "result": o.result} for o in slowest],
        "median_seconds": round(sorted(o.seconds for o in timed)[len(timed) // 2], 3) if timed else None,
        "mutations": dict(Counter(o.mutation for o in outcomes)),
        "refusals": dict(Counter(_reason(o) for o in outcomes if o.result == "refused").most_common()),
        "findings": [{"input": o.name, "result": o.result, "detail": o.detail} for o in outcomes if not o.ok],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-kind", type=int, default=1000, help="inputs of each kind (default 1000)")
    parser.add_argument("--kinds", default=",".join(KINDS), help=f"comma-separated, of {', '.join(KINDS)}")
    parser.add_argument("--seed", type=int, default=20261206)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--time-bound", type=float, default=60.0, help="seconds per input before it counts as a hang")
    parser.add_argument("--json", type=Path, help="write the full results here")
    args = parser.parse_args(argv)
    kinds = [kind for kind in args.kinds.split(",") if kind]
    unknown = set(kinds) - set(KINDS)
    if unknown:
        parser.error(f"unknown kinds: {', '.join(sorted(unknown))}")

    tasks = [(kind, index) for index in range(args.per_kind) for kind in kinds]
    started = time.perf_counter()
    outcomes = run_all(tasks, args.seed, args.jobs, args.time_bound)
    wall = time.perf_counter() - started
    summary = summarise(outcomes, kinds)
    summary.update(
        seed=args.seed,
        jobs=args.jobs,
        time_bound=args.time_bound,
        wall_seconds=round(wall, 1),
        peak_worker_rss_mib=round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024),
    )

    print(f"inputs {summary['inputs']}  scored {summary['scored']}  refused {summary['refused']}  "
          f"tracebacks {summary['tracebacks']}  hangs {summary['hangs']}  "
          f"wall {summary['wall_seconds']} s  median {summary['median_seconds']} s  "
          f"peak worker RSS {summary['peak_worker_rss_mib']} MiB")
    for kind, counts in summary["by_kind"].items():
        print(f"  {kind:12s} " + "  ".join(f"{key} {value}" for key, value in sorted(counts.items())))
    print("slowest:")
    for entry in summary["slowest"]:
        print(f"  {entry['seconds']:7.2f} s  {entry['input']}  ({entry['result']})")
    print("refusals:")
    for reason, count in summary["refusals"].items():
        print(f"  {count:5d}  {reason}")
    for finding in summary["findings"]:
        print(f"FINDING {finding['input']} {finding['result']}\n{finding['detail']}")
    if args.json:
        args.json.write_text(json.dumps(summary, ensure_ascii=False, indent=1), encoding="utf-8")
    return 1 if summary["findings"] else 0


if __name__ == "__main__":
    sys.exit(main())
