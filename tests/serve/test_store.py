"""The store, on SQLite and (in CI) on a real PostgreSQL server: schema, files by hash, queue, reviews."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest
from sqlalchemy import inspect

from scorer.model import Review, Status
from scorer.serve.schema import metadata
from scorer.serve.store import PairRecord, ReportFilter, ScoredFields, Store, UploadTooLarge, display_name

WHEN = datetime(2025, 3, 2, 9, 15, tzinfo=timezone.utc)


@pytest.fixture
def store(tmp_path, db_url):
    opened = Store.open(tmp_path / "data", db_url)
    yield opened
    opened.close()


def fields(**changes) -> ScoredFields:
    values = dict(
        title="某县2024年法治政府建设情况报告",
        jurisdiction="某县",
        level="county",
        year=2024,
        date="2025-01-20",
        score=71.5,
        grade="合格",
        key_missing_titles=("重大行政决策程序",),
        covered=20,
        partial=10,
        missing=5,
        not_applicable=2,
        item_statuses={"gangyao-2021:decisions": "partial", "gangyao-2021:openness": "covered"},
        scorecard=b"card",
        paragraphs=b"paras",
    )
    values.update(changes)
    return ScoredFields(**values)


def test_migrations_build_exactly_the_schema_of_the_code(store):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    with store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
        assert diff == []
        assert conn.exec_driver_sql("select version_num from alembic_version").scalar() == "0001"
    assert set(inspect(store.engine).get_table_names()) >= {"reports", "reviews", "uploads", "upload_files", "copy_pairs", "state"}


def test_opening_again_keeps_everything(tmp_path, db_url):
    first = Store.open(tmp_path / "data", db_url)
    upload = first.new_upload("张三")
    first.add_file(upload, 0, "a.txt", "报告正文".encode(), 1000)
    secret = first.secret()
    first.close()
    again = Store.open(tmp_path / "data", db_url)
    try:
        assert [r.name for r in again.reports()] == ["a.txt"]
        assert again.secret() == secret and len(secret) == 32
    finally:
        again.close()


def test_sqlite_runs_in_wal_mode(tmp_path):
    store = Store.open(tmp_path / "data")
    try:
        with store.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    finally:
        store.close()


def test_files_are_stored_by_hash_once_and_names_never_become_paths(store):
    upload = store.new_upload()
    first = store.add_file(upload, 0, "../../etc/passwd", b"first report", 1000)
    same = store.add_file(upload, 1, "C:\\Users\\x\\copy.txt", b"first report", 1000)
    empty = store.add_file(upload, 2, "empty.txt", b"", 1000)
    assert (first.outcome, first.name) == ("new", "passwd")
    assert (same.outcome, same.report_id, same.name) == ("duplicate", first.report_id, "copy.txt")
    assert empty.outcome == "rejected"
    record = store.report(first.report_id)
    path = store.file_path(record.sha256, record.suffix)
    assert path.read_bytes() == b"first report"
    assert path.parent.parent == store.files_dir and path.name.startswith(record.sha256)
    stored = sorted(p.name for p in store.files_dir.rglob("*") if p.is_file())
    assert stored == [path.name]  # one file; no temporary file left behind
    with pytest.raises(UploadTooLarge):
        store.add_file(upload, 3, "big.txt", b"x" * 1001, 1000)
    assert [f.outcome for f in store.upload(upload).files] == ["new", "duplicate", "rejected"]


def test_display_names():
    assert display_name("资料/2024年报告.docx") == "2024年报告.docx"
    assert display_name("..\\..\\boot.ini") == "boot.ini"
    assert display_name("a\x00b\u202ec.txt") == "abc.txt"
    assert display_name("..") == "未命名文件"
    assert len(display_name("长" * 500)) == 200


def test_queue_claim_finish_fail_and_restart(store):
    upload = store.new_upload()
    ids = [store.add_file(upload, i, f"{i}.txt", f"报告{i}".encode(), 1000).report_id for i in range(3)]
    claims = store.claim(2)
    assert [c.report_id for c in claims] == ids[:2] and all(c.attempts == 1 for c in claims)
    assert store.claim(5)[0].report_id == ids[2]
    store.finish(ids[0], fields(), "v1")
    store.fail(ids[1], "无法读取", "v1")
    assert store.queue_counts() == {"pending": 0, "scoring": 1, "done": 1, "failed": 1}
    # The server stopped while ids[2] was being scored: it goes back to the queue.
    assert store.release_unfinished() == 1
    assert store.report(ids[2]).state == "pending"
    record = store.report(ids[0])
    assert (record.score, record.key_missing, record.key_missing_titles, record.scored_with) == (71.5, 1, ("重大行政决策程序",), "v1")
    assert store.scorecard_blob(ids[0]) == b"card"
    # A newer version scores the finished ones again; the result stays readable meanwhile.
    assert store.requeue_outdated("v2") == 2
    assert store.report(ids[0]).state == "pending" and store.scorecard_blob(ids[0]) == b"card"
    assert store.requeue_outdated("v2") == 0  # already queued: nothing more to do


def test_reviews_keep_history_and_flag_changed_machine_verdicts(store):
    upload = store.new_upload()
    report = store.add_file(upload, 0, "a.txt", b"text", 1000).report_id
    store.claim(1)
    store.finish(report, fields(), "v1")
    first = Review("gangyao-2021", "decisions", Status.PARTIAL, Status.COVERED, "第三部分写明了目录", "张三", WHEN)
    second = Review("gangyao-2021", "decisions", Status.PARTIAL, Status.MISSING, "复核后认为没有", "李四", WHEN.replace(hour=10))
    store.add_review(report, first)
    store.add_review(report, second)
    assert store.reviews(report) == [first, second]
    assert (store.report(report).reviewed, store.report(report).review_changed) == (1, 0)
    # Re-scored: the machine now says "covered" where the reviewer saw "partial".
    assert store.rescore(report)
    assert [c.report_id for c in store.claim(1)] == [report]
    changed = dict(fields().item_statuses, **{"gangyao-2021:decisions": "covered"})
    store.finish(report, fields(item_statuses=changed), "v2")
    assert store.reviews(report) == [first, second]
    assert store.report(report).review_changed == 1
    assert store.item_statuses(report)["gangyao-2021:decisions"] is Status.COVERED
    assert [r.id for r in store.reports(ReportFilter(unreviewed=True))] == []


def test_filters_and_sorting(store):
    upload = store.new_upload()
    made = []
    for i, (level, grade, score, year) in enumerate([("county", "合格", 70.0, 2024), ("township", "良好", 85.0, 2023), ("county", "优秀", 92.0, 2024)]):
        rid = store.add_file(upload, i, f"{i}.txt", f"报告{i}".encode(), 1000).report_id
        store.claim(1)
        store.finish(rid, fields(level=level, grade=grade, score=score, year=year, jurisdiction=f"地{i}", key_missing_titles=() if i else ("x",)), "v1")
        made.append(rid)
    by = lambda **kw: [r.id for r in store.reports(ReportFilter(**kw))]  # noqa: E731
    assert by(level="county") == [made[0], made[2]]
    assert by(grade="良好") == [made[1]]
    assert by(year=2023) == [made[1]]
    assert by(key_missing=True) == [made[0]]
    assert by(sort="score", descending=True) == [made[2], made[1], made[0]]
    assert by(query="地1") == [made[1]]
    assert by(query="%") == []  # LIKE wildcards are literal
    ordered = store.reports(ReportFilter(sort="score", descending=True), limit=2)
    assert [r.id for r in ordered] == [made[2], made[1]]
    assert [r.id for r in store.reports(ReportFilter(sort="score", descending=True), limit=2, offset=2)] == [made[0]]
    assert store.count_reports() == 3 and store.count_reports(ReportFilter(level="county")) == 2
    assert store.years() == [2024, 2023]
    assert [(j, len(rs)) for j, _, rs in store.bodies()] == [("地0", 1), ("地1", 1), ("地2", 1)]
    # Late: dated after 1 March of the year after the report year (the same rule as days_late).
    assert by(late=True) == [made[1]]  # a 2023 report dated 2025-01-20; the 2024 ones are on time
    late = store.add_file(upload, 9, "late.txt", "迟交".encode(), 1000).report_id
    store.claim(1)
    store.finish(late, fields(year=2023, date="2024-03-02"), "v1")
    on_the_day = store.add_file(upload, 10, "day.txt", "当日".encode(), 1000).report_id
    store.claim(1)
    store.finish(on_the_day, fields(year=2023, date="2024-03-01"), "v1")
    assert by(late=True) == [made[1], late]
    assert {r.id: r.days_late for r in store.reports(ReportFilter(year=2023))} == {made[1]: 325, late: 1, on_the_day: 0}


def test_copy_results_replace_the_previous_ones(store):
    upload = store.new_upload()
    a = store.add_file(upload, 0, "a.txt", b"a", 10).report_id
    b = store.add_file(upload, 1, "b.txt", b"b", 10).report_id
    for rid in (a, b):
        store.claim(1)
        store.finish(rid, fields(), "v1")
    version = store.copies_outdated()
    assert version is not None
    store.save_copies(version, {a: (b, 0.8), b: (a, 0.8)}, 0.3, [PairRecord(a, b, 0.8, b"pair")])
    assert store.copies_outdated() is None
    assert [(p.a_id, p.b_id, p.pair) for p in store.copy_pairs()] == [(a, b, b"pair")]
    assert store.report(a).flagged and store.report(a).closest_id == b
    store.save_copies(version, {a: (b, 0.1), b: (a, 0.1)}, 0.3, [])
    assert store.copy_pairs() == [] and not store.report(a).flagged


def test_item_statuses_are_json(store):
    upload = store.new_upload()
    rid = store.add_file(upload, 0, "a.txt", b"a", 10).report_id
    store.claim(1)
    store.finish(rid, fields(), "v1")
    assert store.item_statuses(rid) == {k: Status(v) for k, v in json.loads(json.dumps(fields().item_statuses)).items()}
