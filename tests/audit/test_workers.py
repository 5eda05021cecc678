"""The killable worker pool: deadlines, crashes, replacement, lazy task intake, single calls."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from scorer.audit.workers import CRASHED, OK, RAISED, TIMEOUT, WorkerPool, call_with_deadline
from scorer.errors import InputError, LimitError


def handler(payload):
    """Test handler: ("sleep", s) sleeps, ("crash", code) exits hard, ("raise", msg) raises, n squares n."""
    if isinstance(payload, tuple):
        what, arg = payload
        if what == "sleep":
            time.sleep(arg)
            return "slept"
        if what == "crash":
            os._exit(arg)
        if what == "kill":
            os.kill(os.getpid(), signal.SIGKILL)
        if what == "raise":
            raise InputError(arg)
        if what == "unpicklable":
            return lambda: None
    if payload == "pid":
        return os.getpid()
    return payload * payload


def test_results_for_every_task_in_any_order():
    with WorkerPool(handler, jobs=2) as pool:
        outcomes = list(pool.run((i, i) for i in range(20)))
    assert sorted(o.key for o in outcomes) == list(range(20))
    assert all(o.ok and o.value == o.key * o.key for o in outcomes)


def test_a_hanging_task_is_killed_and_the_rest_go_on():
    tasks = [("a", 2), ("hang", ("sleep", 600)), ("b", 3), ("c", 4)]
    with WorkerPool(handler, jobs=2, timeout=0.5) as pool:
        outcomes = {o.key: o for o in pool.run(tasks)}
        assert pool.replaced == 1
    assert outcomes["hang"].kind == TIMEOUT and "超时" in outcomes["hang"].message and "--timeout" in outcomes["hang"].message
    assert [outcomes[k].value for k in "abc"] == [4, 9, 16]


def test_crashed_workers_are_replaced():
    tasks = [("exit", ("crash", 3)), ("x", 5), ("killed", ("kill", None)), ("y", 6)]
    with WorkerPool(handler, jobs=1) as pool:
        outcomes = {o.key: o for o in pool.run(tasks)}
        assert pool.replaced == 2
    assert outcomes["exit"].kind == CRASHED and "退出码 3" in outcomes["exit"].message
    assert outcomes["killed"].kind == CRASHED and "SIGKILL" in outcomes["killed"].message
    assert outcomes["x"].value == 25 and outcomes["y"].value == 36


def test_handler_errors_come_back_with_the_exception():
    with WorkerPool(handler, jobs=1) as pool:
        raised = pool.call(("raise", "文件坏了"), key="r")
        bad_value = pool.call(("unpicklable", None))
        fine = pool.call(7)
    assert raised.kind == RAISED and isinstance(raised.error, InputError) and raised.message == "文件坏了"
    assert bad_value.kind == RAISED and "结果无法传回" in bad_value.message
    assert fine.kind == OK and fine.value == 49


def test_tasks_are_taken_lazily():
    taken = []

    def tasks():
        for i in range(1000):
            taken.append(i)
            yield i, i

    with WorkerPool(handler, jobs=2) as pool:
        run = pool.run(tasks())
        next(run)
        assert len(taken) <= 3  # two in flight, at most one more
        run.close()


def test_workers_are_recycled_after_max_tasks():
    with WorkerPool(handler, jobs=1, max_tasks_per_worker=3) as pool:
        pids = [o.value for o in pool.run((i, "pid") for i in range(7))]
    assert len(set(pids)) == 3 and pids[:3] == [pids[0]] * 3


def test_workers_ignore_ctrl_c():
    with WorkerPool(handler, jobs=1) as pool:
        (pid,) = [o.value for o in pool.run([(0, "pid")])]
        os.kill(pid, signal.SIGINT)
        assert pool.call(9).value == 81
        assert pool.call("pid").value == pid  # the same worker, still alive


def test_call_with_deadline():
    assert call_with_deadline(lambda: 6 * 7, timeout=30) == 42
    with pytest.raises(InputError, match="坏"):
        call_with_deadline(lambda: handler(("raise", "坏")), timeout=30)
    with pytest.raises(LimitError, match="超过 0.5 秒"):
        call_with_deadline(lambda: time.sleep(600), timeout=0.5)
    assert call_with_deadline(lambda: "in-process", timeout=0) == "in-process"


def test_workers_die_with_the_parent(tmp_path):
    if not sys.platform.startswith("linux"):
        pytest.skip("parent-death signal is Linux only")
    script = textwrap.dedent(
        """
        import sys, time
        from scorer.audit.workers import WorkerPool
        def pid(_):
            import os
            return os.getpid()
        def sleep(_):
            time.sleep(600)
        with WorkerPool(pid, jobs=1) as pool:
            print(pool.call(None).value, flush=True)
        pool = WorkerPool(sleep, jobs=1)
        worker = pool._start()
        print(worker.process.pid, flush=True)
        time.sleep(600)
        """
    )
    parent = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        parent.stdout.readline()
        worker_pid = int(parent.stdout.readline())
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait()
        for _ in range(100):  # the kernel delivers the death signal at once; allow for a busy machine
            try:
                os.kill(worker_pid, 0)
            except ProcessLookupError:
                break
            time.sleep(0.05)
        else:
            pytest.fail("the worker outlived its parent")
    finally:
        if parent.poll() is None:
            parent.kill()


def test_size_and_time_budgets_parse_and_check(tmp_path):
    from scorer.audit.limits import check_size, format_size, parse_size, parse_timeout
    from scorer.errors import ConfigError

    assert parse_size("20MB") == 20 * 1024**2 and parse_size("500kb") == 500 * 1024 and parse_size("1.5G") == int(1.5 * 1024**3)
    assert parse_size("1048576") == 1024**2 and parse_size("0") == 0
    assert format_size(20 * 1024**2) == "20 MB" and format_size(1536) == "1.5 KB" and format_size(12) == "12 字节"
    assert parse_timeout("0") == 0 and parse_timeout("2.5") == 2.5
    for bad in ("", "MB", "20 parsecs", "-3MB"):
        with pytest.raises(ConfigError):
            parse_size(bad)
    for bad in ("-1", "soon", "nan"):
        with pytest.raises(ConfigError):
            parse_timeout(bad)
    report = tmp_path / "r.txt"
    report.write_bytes(b"x" * 2048)
    check_size(str(report), 2048)
    check_size(str(report), None)
    check_size(str(tmp_path / "missing.txt"), 10)  # the reader says it is missing
    with pytest.raises(LimitError, match="2 KB，超过上限 1 KB"):
        check_size(str(report), 1024)


def _die_at_start():
    os._exit(5)


def _fail_at_start():
    raise InputError("规则包有误")


def test_workers_that_cannot_start_stop_the_pool():
    with pytest.raises(RuntimeError, match="无法启动"):
        with WorkerPool(handler, jobs=1, initializer=_die_at_start) as pool:
            list(pool.run([(0, 1)]))
    with pytest.raises(InputError, match="规则包有误"):  # an initializer's error is raised as it is
        with WorkerPool(handler, jobs=1, initializer=_fail_at_start) as pool:
            list(pool.run([(0, 1)]))


def test_submit_and_poll_for_a_caller_with_its_own_loop():
    """What a server's dispatcher uses: hand tasks out when a worker is idle, collect, per-task deadlines."""
    with WorkerPool(handler, jobs=2, timeout=0.5) as pool:
        pool.start()
        deadline = time.monotonic() + 60
        while pool.idle < 2 and time.monotonic() < deadline:
            pool.poll(0.2)  # workers report ready
        assert pool.idle == 2 and pool.busy == 0
        assert pool.submit("hang", ("sleep", 600))  # the pool's 0.5 s deadline
        assert pool.submit("long", ("sleep", 1.5), timeout=None)  # this task has none
        assert not pool.submit("third", 3) and pool.busy == 2  # no idle worker: not taken
        outcomes = {}
        while len(outcomes) < 2 and time.monotonic() < deadline:
            outcomes.update((o.key, o) for o in pool.poll(0.2))
        assert outcomes["hang"].kind == TIMEOUT and "超过 0.5 秒" in outcomes["hang"].message
        assert outcomes["long"].kind == OK and outcomes["long"].value == "slept"
        assert pool.replaced == 1
        while pool.idle == 0 and time.monotonic() < deadline:
            pool.poll(0.2)
        assert pool.submit("third", 3, timeout=0.2)
        (third,) = [o for _ in range(100) for o in pool.poll(0.2)][:1] or [None]
        assert third is not None and third.key == "third" and third.value == 9
