"""The workspace's scoring processes: a report over the time limit is stopped, the season goes on."""

from __future__ import annotations

import time

import pytest
from corpus_paths import EXAMPLES_DIR
from serve.conftest import wait_idle

from scorer.audit.workers import timeout_message


def reports_when_settled(ws, count: int, timeout: float = 120.0) -> list[dict]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        reports = ws.get("/api/reports").json()
        if len(reports) == count and all(r["state"] in ("done", "failed") for r in reports):
            return reports
        time.sleep(0.1)
    raise AssertionError(f"reports did not settle in {timeout}s: {reports}")


def test_a_report_over_the_time_limit_is_stopped_and_the_next_is_taken(open_workspace, make_config, seeds):
    # One real scoring process (as `fzscore serve` runs), a budget of 0.1 s: all five seeds in one
    # file take several seconds to score, far over it (about 1 s warm on this 2-core machine).
    ws = open_workspace(make_config(jobs=1, timeout=0.1))
    season = "\n".join(path.read_text(encoding="utf-8") for path in seeds).encode("utf-8")
    slow = ws.upload(("全部种子合订.txt", season))["files"][0]["report_id"]
    (first,) = reports_when_settled(ws, 1)
    assert first["id"] == slow and first["state"] == "failed"
    assert first["error"] == timeout_message(0.1, option="fzscore serve --timeout") and "超时" in first["error"] and "--timeout" in first["error"]
    # The killed worker was replaced: the next report is read (and refused for what it is, at once).
    ws.upload(("损坏.docx", b"PK\x03\x04 a cut-off archive"))
    reports = {r["name"]: r for r in reports_when_settled(ws, 2)}
    broken = reports["损坏.docx"]
    assert broken["state"] == "failed" and "超时" not in broken["error"] and "已损坏" in broken["error"]
    status = wait_idle(ws)
    assert status["failed"] == 2 and status["pending"] == 0 and status["scoring"] == 0


def test_without_a_time_limit_the_long_report_is_scored_and_comparisons_run_in_the_pool(open_workspace, make_config, seeds):
    ws = open_workspace(make_config(jobs=1, timeout=None))
    ws.upload(("两份种子合订.txt", "\n".join(p.read_text(encoding="utf-8") for p in seeds[:2]).encode("utf-8")))
    ids = [ws.upload((name, (EXAMPLES_DIR / name).read_bytes()))["files"][0]["report_id"] for name in ("qinghe_2023.txt", "qinghe_2024_weak.txt")]
    reports = reports_when_settled(ws, 3)
    assert {r["state"] for r in reports} == {"done"}
    # The comparison is a user's task handed to the scoring process between reports.
    compared = ws.get("/api/compare", params={"last": ids[0], "this": ids[1]})
    assert compared.status_code == 200, compared.text
    body = compared.json()
    assert body["score_change"] == pytest.approx(body["this_score"] - body["last_score"], abs=0.06)
    assert body["comparison"]["plan_follow_up"]["points"] > 0  # last year's plan, read in the worker


def test_the_dashboard_marks_reports_dated_after_the_deadline(open_workspace):
    from bs4 import BeautifulSoup

    ws = open_workspace()
    strong = (EXAMPLES_DIR / "qinghe_2024_strong.txt").read_text(encoding="utf-8")
    assert "2025年2月20日" in strong  # the sample's own date, on time
    ws.upload(("按时.txt", strong.encode("utf-8")), ("逾期.txt", strong.replace("2025年2月20日", "2025年4月10日").encode("utf-8")))
    reports = {r["name"]: r for r in reports_when_settled(ws, 2)}
    assert reports["按时.txt"]["days_late"] == 0 and reports["逾期.txt"]["days_late"] == 40
    page = BeautifulSoup(ws.get("/?sort=date&order=desc", headers={"Accept": "text/html"}).text, "html.parser")
    rows = page.select("#reports tbody tr")
    assert "逾期 40 天" in rows[0].get_text() and "逾期" not in rows[1].get_text()
    assert [r["name"] for r in ws.get("/api/reports?late=true").json()] == ["逾期.txt"]
    filtered = BeautifulSoup(ws.get("/?late=1", headers={"Accept": "text/html"}).text, "html.parser")
    assert len(filtered.select("#reports tbody tr")) == 1 and filtered.select_one('input[name="late"]').has_attr("checked")


def test_pool_calls_are_answered_and_never_left_waiting_at_stop(tmp_path):
    """What a page asks of the pool comes back; at stop, a caller gets an error at once, not a hang."""
    import operator
    import threading

    from scorer.audit.batch import BatchSettings
    from scorer.errors import FzError
    from scorer.serve.scoring import ScoringService
    from scorer.serve.store import Store

    store = Store.open(tmp_path / "data")
    service = ScoringService(store, BatchSettings(), jobs=0)
    try:
        service.start()
        assert service.call(operator.add, 2, 3) == 5
        outcome: dict = {}

        def slow_call() -> None:
            started = time.monotonic()
            try:
                service.call(time.sleep, 5)
            except FzError as exc:
                outcome["error"] = str(exc)
            outcome["seconds"] = time.monotonic() - started

        caller = threading.Thread(target=slow_call)
        caller.start()
        time.sleep(0.5)  # the call is running in the pool
        service.stop()
        caller.join(timeout=10)
        assert outcome.get("error") == "评分服务已停止" and outcome["seconds"] < 4
        with pytest.raises(FzError, match="未运行"):
            service.call(operator.add, 1, 1)
    finally:
        service.stop()
        store.close()


def test_results_are_outdated_when_any_file_of_the_rules_folder_changes(tmp_path):
    """A retrained sentence model beside the packs re-scores stored reports, as a changed pack does."""
    import shutil

    from scorer.audit.batch import BatchSettings
    from scorer.rules import builtin_rules_dir
    from scorer.serve.scoring import scored_with

    rules = tmp_path / "rules"
    shutil.copytree(builtin_rules_dir(), rules, ignore=shutil.ignore_patterns("__pycache__"))
    before = scored_with(BatchSettings(rules_dir=str(rules)))
    model = next((rules / "models").glob("*.json"))
    model.write_bytes(model.read_bytes() + b"\n")
    assert scored_with(BatchSettings(rules_dir=str(rules))) != before
    assert before.startswith("fzscore ") and "rules " in before
