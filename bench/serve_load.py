"""Load check of `fzscore serve`: 200 reports uploaded by 10 concurrent clients on loopback while
another client browses; time to score them all and page times meanwhile.

Run: .venv/bin/python bench/serve_load.py [--reports 200] [--uploaders 10] [--jobs N]

The server runs in its own process on 127.0.0.1 with a fresh data folder (deleted afterwards); all
traffic stays on loopback and every loop is bounded in count and time. The reports are the corpus'
seeds and dev reports, each also with its years shifted by 1–4 (the same bodies in other years),
so every file is distinct and copy detection and history have real work. Prints a Markdown section.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parent.parent
CORPUS = Path(os.environ.get("FZSCORE_CORPUS", REPO.parent / "shared" / "corpus"))
TIME_LIMIT = 900.0  # seconds: the check stops by itself


def reports(count: int) -> list[tuple[str, bytes]]:
    bases = sorted((CORPUS / "seeds").glob("*.txt")) + sorted((CORPUS / "dev" / "reports").glob("*.txt"))
    if not bases:
        sys.exit(f"no corpus at {CORPUS}")
    texts = [(p.stem, p.read_text(encoding="utf-8")) for p in bases]
    made: list[tuple[str, bytes]] = []
    for shift in range(0, 50):
        for stem, text in texts:
            if len(made) == count:
                return made
            shifted = re.sub(r"20[12]\d", lambda m: str(int(m.group()) - shift), text) if shift else text
            made.append((f"{stem}-{shift}.txt", shifted.encode("utf-8")))
    return made


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=200)
    parser.add_argument("--uploaders", type=int, default=10)
    parser.add_argument("--per-request", type=int, default=5, help="files per upload request")
    parser.add_argument("--jobs", type=int, default=None, help="scoring processes (default: the server's)")
    args = parser.parse_args()

    files = reports(args.reports)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    data = Path(tempfile.mkdtemp(prefix="fzscore-load-"))
    command = [sys.executable, "-m", "scorer", "serve", "--port", str(port), "--data", str(data / "d")]
    if args.jobs is not None:
        command += ["--jobs", str(args.jobs)]
    server = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/api/status", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                sys.exit("server did not start")
            time.sleep(0.2)

        shares = [files[i :: args.uploaders] for i in range(args.uploaders)]
        upload_errors: list[str] = []
        upload_done = threading.Event()
        page_times: dict[str, list[float]] = {"dashboard": [], "report": [], "status": [], "copies": []}
        stop = threading.Event()

        def uploader(mine: list[tuple[str, bytes]]) -> None:
            with httpx.Client(base_url=base, timeout=120) as client:
                token = client.get("/api/session").json()["csrf_token"]
                for start in range(0, len(mine), args.per_request):
                    chunk = mine[start : start + args.per_request]
                    reply = client.post("/api/uploads", files=[("files", item) for item in chunk], headers={"X-CSRF-Token": token})
                    if reply.status_code != 201:
                        upload_errors.append(f"{reply.status_code} {reply.text[:100]}")

        def browser() -> None:
            rng = random.Random(7)
            with httpx.Client(base_url=base, timeout=60, headers={"Accept": "text/html"}) as client:
                while not stop.is_set():
                    for kind, url in (("dashboard", "/"), ("status", "/api/status"), ("copies", "/copies")):
                        began = time.perf_counter()
                        client.get(url).raise_for_status()
                        page_times[kind].append(time.perf_counter() - began)
                    done = [r["id"] for r in client.get("/api/reports?state=done").json()]
                    if done:
                        began = time.perf_counter()
                        client.get(f"/reports/{rng.choice(done)}").raise_for_status()
                        page_times["report"].append(time.perf_counter() - began)
                    stop.wait(0.2)

        watcher = threading.Thread(target=browser, daemon=True)
        began = time.perf_counter()
        watcher.start()
        threads = [threading.Thread(target=uploader, args=(share,)) for share in shares]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=TIME_LIMIT)
        uploaded = time.perf_counter() - began
        upload_done.set()
        status: dict = {}
        while time.perf_counter() - began < TIME_LIMIT:
            status = httpx.get(f"{base}/api/status").json()
            if status["pending"] == 0 and status["scoring"] == 0 and status["copies_current"]:
                break
            time.sleep(0.25)
        finished = time.perf_counter() - began
        stop.set()
        watcher.join(timeout=60)
        reports_seen = httpx.get(f"{base}/api/reports").json()
        pairs = len(httpx.get(f"{base}/api/copies").json())
        bodies = httpx.get(f"{base}/api/history").json()
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            server.kill()
        import shutil

        shutil.rmtree(data, ignore_errors=True)

    all_times = [t for times in page_times.values() for t in times]
    print(f"### `fzscore serve` under load ({time.strftime('%Y-%m-%d')}, {os.cpu_count()} cores, jobs={args.jobs or 'default'})\n")
    print(f"- {len(files)} distinct reports uploaded by {args.uploaders} concurrent clients ({args.per_request} files per request), "
          f"one more client browsing meanwhile; upload errors: {len(upload_errors)}")
    print(f"- all uploads accepted after **{uploaded:.1f} s**; all scored and copy detection current after **{finished:.1f} s** "
          f"({len(files) / finished:.1f} reports/s); states: {status}")
    print(f"- stored: {len(reports_seen)} reports, {pairs} flagged pairs, {len(bodies)} bodies in the history")
    print(f"- page times while scoring ({len(all_times)} requests): p50 **{statistics.median(all_times) * 1000:.0f} ms**, "
          f"p95 **{percentile(all_times, 0.95) * 1000:.0f} ms**, max {max(all_times) * 1000:.0f} ms\n")
    print("| page | requests | p50 ms | p95 ms | max ms |\n|---|---|---|---|---|")
    for kind, times in page_times.items():
        if times:
            print(f"| {kind} | {len(times)} | {statistics.median(times) * 1000:.0f} | {percentile(times, 0.95) * 1000:.0f} | {max(times) * 1000:.0f} |")
    if upload_errors:
        print("\nupload errors:", *upload_errors[:5], sep="\n")


if __name__ == "__main__":
    main()
