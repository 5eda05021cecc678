"""The workspace in a real Chromium (Debian's, driven by Playwright), against a real server process.

Upload the seeds → dashboard → open a scorecard → override an item with a reason → export the CSV →
restart the server → the review is still there. Every request stays on the server; no console error
(a CSP violation would be one). Screenshots go to $FZSCORE_SCREENSHOT_DIR (default: the test's tmp).
Skipped with a reason where Chromium is absent, failed in CI.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from render.test_html_browser import browser  # noqa: F401 - the shared Chromium fixture

pytestmark = pytest.mark.browser

REASON = "第三部分列明了全年公开的政策文件 36 件，应为已覆盖"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """``fzscore serve`` in its own process (one scoring worker), stopped with SIGINT like Ctrl+C."""

    def __init__(self, data: Path, port: int) -> None:
        self.data, self.port = data, port
        self.url = f"http://127.0.0.1:{port}"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "scorer", "serve", "--port", str(self.port), "--data", str(self.data), "--jobs", "1"],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"server exited: {self.process.stdout.read()}")
            try:
                if httpx.get(f"{self.url}/api/status", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.2)
        raise AssertionError("server did not start in 60 s")

    def stop(self) -> str:
        assert self.process is not None
        self.process.send_signal(signal.SIGINT)
        try:
            output, _ = self.process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            output, _ = self.process.communicate()
        return output


def watch(page, log: dict) -> None:
    page.on("request", lambda request: log["requests"].append(request.url))
    page.on("console", lambda message: message.type == "error" and log["errors"].append(message.text))
    page.on("pageerror", lambda error: log["errors"].append(str(error)))


def test_upload_review_export_restart(browser, seeds, tmp_path):
    shots = Path(os.environ.get("FZSCORE_SCREENSHOT_DIR") or tmp_path)
    server = Server(tmp_path / "data", free_port())
    server.start()
    log = {"requests": [], "errors": []}
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True, locale="zh-CN")
    try:
        page = context.new_page()
        watch(page, log)

        # Upload the seeds with the file picker; the script sends them and follows the scoring.
        page.goto(f"{server.url}/upload")
        page.set_input_files("#files", [str(p) for p in seeds])
        page.click("button[type=submit]")
        page.wait_for_url("**/uploads/*", timeout=120_000)
        page.wait_for_selector("text=全部完成", timeout=120_000)
        assert page.locator("tbody tr").count() == len(seeds)

        # The dashboard: every seed scored, sortable by score.
        page.goto(f"{server.url}/?sort=score&order=desc")
        rows = page.locator("#reports tbody tr")
        assert rows.count() == len(seeds)
        headers = [t.strip(" ▲▼") for t in page.locator("#reports thead th").all_inner_texts()]
        column = headers.index("总分") + 1
        scores = [float(t) for t in page.locator(f"#reports tbody tr td:nth-child({column})").all_inner_texts()]
        assert scores == sorted(scores, reverse=True) and len(scores) == len(seeds)
        page.screenshot(path=str(shots / "serve_dashboard.png"), full_page=True)

        # Open the township report, override its first gap with a reason.
        page.get_by_role("link", name="海原县三河镇", exact=False).first.click()
        page.wait_for_selector("#gaps")
        gap = page.locator("#gaps ol li a").first
        title = gap.inner_text()
        gap.click()
        item = page.locator("details.item[open]")
        assert item.count() == 1 and title in item.locator("summary").inner_text()
        machine = item.locator(".status").first.inner_text().split()[-1]
        item.locator("input[value=covered]").check()
        item.locator("textarea[name=reason]").fill(REASON)
        item.locator("input[name=reviewer]").fill("张审核")
        item.locator("button[type=submit]").click()
        page.wait_for_load_state("load")
        reviewed = page.locator("details.item[open] .review")
        expected = f"人工复核：{machine} → 已覆盖，理由：{REASON}，复核人：张审核"
        assert expected in " ".join(reviewed.inner_text().split())
        assert "人工复核 1 项，其中改判 1 项" in page.locator(".review-summary").inner_text()
        page.locator("details.item[open]").scroll_into_view_if_needed()
        page.screenshot(path=str(shots / "serve_scorecard_reviewed.png"), full_page=False)
        report_url = page.url.split("?")[0]

        # Export the season's CSV: the review travels with it.
        page.goto(server.url + "/")
        with page.expect_download() as download:
            page.get_by_role("link", name="汇总 CSV").click()
        content = Path(download.value.path()).read_bytes()
        assert content.startswith(b"\xef\xbb\xbf") and expected in content.decode("utf-8-sig")

        # Everything stayed on the server, and no policy was violated.
        assert all(url.startswith(server.url) for url in log["requests"]), [u for u in log["requests"] if not u.startswith(server.url)]
        assert log["errors"] == []
    finally:
        context.close()
        output = server.stop()
    assert "Traceback" not in output, output

    # A new server process on the same data: the review is still there.
    server.start()
    try:
        context = browser.new_context(viewport={"width": 1280, "height": 900}, java_script_enabled=False)
        page = context.new_page()
        page.goto(report_url)
        assert expected in " ".join(page.locator("#history").inner_text().split())
        chip = page.locator("details.item .review-chip")
        assert chip.count() == 1 and "已覆盖" in chip.inner_text()
        # Readable without JavaScript: the dashboard lists every report.
        page.goto(server.url + "/")
        assert page.locator("#reports tbody tr").count() == len(seeds)
        context.close()
    finally:
        assert "Traceback" not in server.stop()
