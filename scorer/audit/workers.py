"""Worker processes with a deadline per task: a task that overruns is killed, its worker replaced.

``concurrent.futures.ProcessPoolExecutor`` cannot stop one stuck task: a report that hangs keeps
its worker (and so the batch) forever. Here the parent hands one task at a time to each worker over
a pipe and waits with a deadline; a worker that overruns is killed (SIGKILL) and replaced, a worker
that dies (crash, out of memory) is replaced, and the task comes back as failed with the reason.
Workers ignore Ctrl-C (the parent decides what to do), and on Linux die with the parent.

    with WorkerPool(handler, jobs=2, timeout=60, initializer=init, initargs=(settings,)) as pool:
        for outcome in pool.run(tasks):          # tasks: (key, payload) pairs, taken lazily
            outcome.key, outcome.ok, outcome.value, outcome.kind, outcome.message, outcome.error

    value = call_with_deadline(function, timeout=60)   # one call in a child (single-report commands)

The pool is reusable outside batch (e.g. a web server scoring uploads): ``pool.call(payload)``
runs one task and returns its ``Outcome``. A pool is used from one thread at a time.

With the ``fork`` start method (Linux, macOS) the handler may be any callable and the workers
inherit whatever the parent built (a Scorer, loaded packs); with ``spawn`` it must be picklable
and ``initializer`` rebuilds that state in each worker.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import time
import traceback
from collections import deque
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any, Callable, Hashable, Iterable, Iterator, Sequence

from scorer.errors import FzError, LimitError

# Outcome kinds
OK = "ok"
RAISED = "raised"  # the handler raised; ``error`` is the exception
TIMEOUT = "timeout"  # killed at the deadline
CRASHED = "crashed"  # the worker process died


@dataclass(frozen=True)
class Outcome:
    """What became of one task."""

    key: Hashable
    kind: str  # OK | RAISED | TIMEOUT | CRASHED
    value: Any = None  # the handler's return value (kind OK)
    error: BaseException | None = None  # the exception the handler raised (kind RAISED)
    message: str | None = None  # a Chinese reason for every kind but OK

    @property
    def ok(self) -> bool:
        return self.kind == OK


def timeout_message(seconds: float, option: str = "--timeout") -> str:
    return f"处理超时：超过 {seconds:g} 秒仍未完成，已终止（可用 {option} 调整上限）"


def raised_message(exc: BaseException) -> str:
    """The Chinese reason for a task that raised: a user error's own message, else an internal error."""
    return str(exc) if isinstance(exc, FzError) else f"内部错误：{type(exc).__name__}: {exc}"


def crash_message(exitcode: int | None) -> str:
    if exitcode is not None and exitcode < 0:
        try:
            name = signal.Signals(-exitcode).name
        except ValueError:
            name = str(-exitcode)
        cause = f"被信号 {name} 终止" + ("，可能是内存不足" if -exitcode == signal.SIGKILL else "")
    else:
        cause = f"退出码 {exitcode}"
    return f"内部错误：处理进程意外退出（{cause}）"


def _start_method() -> str:
    return "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"


def _die_with_parent() -> None:
    """Linux: have the kernel kill this worker when the parent dies (kill -9, power-off of the parent)."""
    if not sys.platform.startswith("linux"):
        return  # elsewhere a worker notices the closed pipe after its current task
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # pragma: no cover - no libc prctl
        pass


def _portable(exc: BaseException) -> BaseException:
    """``exc`` if it survives pickling, else a RuntimeError that says what it was."""
    import pickle

    try:
        pickle.loads(pickle.dumps(exc))
        return exc
    except Exception:  # noqa: BLE001 - any pickling failure
        return RuntimeError(f"{type(exc).__name__}: {exc}")


def _worker_main(
    conn: Connection,
    handler: Callable[[Any], Any],
    initializer: Callable[..., None] | None,
    initargs: Sequence[Any],
    inherited: Sequence[Connection],
) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole group; the parent handles it
    _die_with_parent()
    for other in inherited:  # the parent's ends of every pipe: keep them, and a dead parent is never noticed
        other.close()
    try:
        if initializer is not None:
            initializer(*initargs)
    except BaseException as exc:  # noqa: BLE001 - reported to the parent, which raises it
        conn.send(("init-error", _portable(exc)))
        return
    conn.send(("ready", None))
    while True:
        try:
            payload = conn.recv()
        except (EOFError, OSError):  # parent gone
            return
        if isinstance(payload, _Stop):
            return
        try:
            reply: tuple[str, Any] = (OK, handler(payload))
        except BaseException as exc:  # noqa: BLE001 - every failure goes back to the parent
            if os.environ.get("FZSCORE_DEBUG") and not isinstance(exc, FzError):
                traceback.print_exc()  # the parent only gets the exception, not where it was raised
            reply = (RAISED, _portable(exc))
        try:
            conn.send(reply)
        except (BrokenPipeError, EOFError, ConnectionResetError):
            return
        except Exception as exc:  # noqa: BLE001 - the value could not be pickled
            conn.send((RAISED, RuntimeError(f"结果无法传回：{type(exc).__name__}: {exc}")))


class _Stop:
    """Asks a worker to exit (a type, since the instance is a copy after the pipe)."""


_STOP = _Stop()


class _Worker:
    def __init__(self, pool: "WorkerPool") -> None:
        context = multiprocessing.get_context(pool.start_method)
        parent_end, child_end = context.Pipe(duplex=True)
        # With fork the child inherits every pipe the parent holds: it closes the parent-side ends.
        inherited = [w.conn for w in pool._workers] + [parent_end] if pool.start_method == "fork" else []
        for stream in (sys.stdout, sys.stderr):  # never let a child flush a copy of pending output
            try:
                stream.flush()
            except (OSError, ValueError):
                pass
        self.process = context.Process(
            target=_worker_main,
            args=(child_end, pool.handler, pool.initializer, pool.initargs, inherited),
            daemon=True,
            name="fzscore-worker",
        )
        self.process.start()
        child_end.close()
        self.conn = parent_end
        self.ready = False
        self.key: Hashable | None = None
        self.busy = False
        self.deadline: float | None = None
        self.limit: float | None = None  # the running task's time budget (seconds)
        self.tasks_done = 0

    def stop(self, kill: bool) -> None:
        if kill:
            self.process.kill()
        else:
            try:
                self.conn.send(_STOP)
            except (OSError, ValueError):
                self.process.kill()
        self.process.join(timeout=None if kill else 5)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
        self.conn.close()
        self.process.close()


class WorkerPool:
    """``jobs`` worker processes running ``handler(payload)``, each task within ``timeout`` seconds.

    ``timeout`` None or 0 means no deadline. ``max_tasks_per_worker`` replaces a worker after that many
    tasks (bounds what a long batch leaks into one process). Use as a context manager: leaving it
    stops (or, after an error or Ctrl-C, kills) every worker.
    """

    def __init__(
        self,
        handler: Callable[[Any], Any],
        *,
        jobs: int = 1,
        timeout: float | None = None,
        initializer: Callable[..., None] | None = None,
        initargs: Sequence[Any] = (),
        max_tasks_per_worker: int | None = None,
        start_method: str | None = None,
    ) -> None:
        if jobs < 1:
            raise ValueError("jobs must be at least 1")
        self.handler = handler
        self.jobs = jobs
        self.timeout = timeout if timeout and timeout > 0 else None
        self.initializer = initializer
        self.initargs = tuple(initargs)
        self.max_tasks_per_worker = max_tasks_per_worker
        self.start_method = start_method or _start_method()
        self._workers: list[_Worker] = []
        self.replaced = 0  # workers killed or lost and started again
        self._failed_starts = 0

    # -- lifecycle ----------------------------------------------------------------------------

    def __enter__(self) -> "WorkerPool":
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        self.close(kill=exc_type is not None)

    def close(self, kill: bool = False) -> None:
        """Stop every worker (``kill``: at once, abandoning their tasks)."""
        workers, self._workers = self._workers, []
        for worker in workers:
            worker.stop(kill=kill or worker.busy)

    def _start(self) -> _Worker:
        worker = _Worker(self)
        self._workers.append(worker)
        return worker

    def _retire(self, worker: _Worker, kill: bool) -> None:
        self._workers.remove(worker)
        worker.stop(kill=kill)

    # -- running tasks ------------------------------------------------------------------------

    def call(self, payload: Any, key: Hashable = None) -> Outcome:
        """Run one task and wait for its outcome."""
        (outcome,) = list(self.run([(key, payload)]))
        return outcome

    def run(self, tasks: Iterable[tuple[Hashable, Any]]) -> Iterator[Outcome]:
        """Run ``(key, payload)`` tasks; yield one ``Outcome`` per task as each finishes (any order).

        Tasks are taken from ``tasks`` only when a worker is free, so a generator of a million
        tasks costs nothing up front.
        """
        pending = iter(tasks)
        retry: deque[tuple[Hashable, Any]] = deque()  # tasks a worker died before receiving
        exhausted = False
        self.start()
        while True:
            while self.idle:
                if retry:
                    task = retry.popleft()
                elif exhausted:
                    break
                else:
                    task = next(pending, None)
                    if task is None:
                        exhausted = True
                        break
                if not self.submit(*task):
                    retry.append(task)
            if exhausted and not retry and not self.busy:
                return
            yield from self.poll(None)

    # -- the parts of ``run``, for a caller with its own loop (a server's dispatcher) ----------

    def start(self) -> None:
        """Start workers up to ``jobs`` (they report ready in the background)."""
        while len(self._workers) < self.jobs:
            self._start()

    @property
    def idle(self) -> int:
        """Workers ready for a task now."""
        return sum(1 for w in self._workers if w.ready and not w.busy)

    @property
    def busy(self) -> int:
        """Tasks running now."""
        return sum(1 for w in self._workers if w.busy)

    def submit(self, key: Hashable, payload: Any, timeout: float | None | object = ...) -> bool:
        """Hand a task to an idle worker; False when none is idle (the task was not taken).

        ``timeout`` overrides the pool's deadline for this task (``None``: no deadline).
        """
        self.start()
        for worker in self._workers:
            if worker.ready and not worker.busy:
                return self._dispatch(worker, key, payload, self.timeout if timeout is ... else timeout)
        return False

    def poll(self, timeout: float | None) -> list[Outcome]:
        """Wait up to ``timeout`` seconds (None: until something happens) for tasks to end; their outcomes.

        A worker past its task's deadline is killed and replaced here, so call this at least as often
        as deadlines should be enforced. Workers becoming ready count as something happening.
        """
        self.start()
        busy = [w for w in self._workers if w.busy]
        deadlines = [w.deadline for w in busy if w.deadline is not None]
        wait_for = timeout
        if deadlines:
            until_deadline = max(0.0, min(deadlines) - time.monotonic())
            wait_for = until_deadline if wait_for is None else min(wait_for, until_deadline)
        watched: list[Any] = []
        for worker in self._workers:
            watched.extend((worker.conn, worker.process.sentinel))
        ready = set(wait(watched, timeout=wait_for))
        outcomes: list[Outcome] = []
        for worker in list(self._workers):
            if worker.conn in ready:
                outcome = self._receive(worker)
            elif worker.process.sentinel in ready:
                outcome = self._lost(worker)
            elif worker.busy and worker.deadline is not None and time.monotonic() >= worker.deadline:
                outcome = self._overran(worker)
            else:
                continue
            if outcome is not None:
                outcomes.append(outcome)
        return outcomes

    def _dispatch(self, worker: _Worker, key: Hashable, payload: Any, timeout: float | None) -> bool:
        """Send a task; False when the worker had died while idle (it is replaced, the task kept)."""
        try:
            worker.conn.send(payload)
        except (BrokenPipeError, ConnectionResetError, OSError):
            self._replace(worker, kill=True)
            return False
        worker.key, worker.busy = key, True
        worker.limit = timeout if timeout and timeout > 0 else None
        worker.deadline = time.monotonic() + worker.limit if worker.limit else None
        return True

    def _finish(self, worker: _Worker) -> Hashable:
        key = worker.key
        worker.key, worker.busy, worker.deadline, worker.limit = None, False, None, None
        worker.tasks_done += 1
        if self.max_tasks_per_worker and worker.tasks_done >= self.max_tasks_per_worker:
            self._retire(worker, kill=False)
            self._start()
        return key

    def _receive(self, worker: _Worker) -> Outcome | None:
        try:
            kind, value = worker.conn.recv()
        except (EOFError, OSError, ConnectionResetError):
            return self._lost(worker)
        if kind == "ready":
            worker.ready = True
            self._failed_starts = 0
            return None
        if kind == "init-error":
            self.close(kill=True)
            if isinstance(value, BaseException):
                raise value
            raise RuntimeError(str(value))
        if not worker.busy:  # pragma: no cover - a reply without a task would be a bug
            return None
        key = self._finish(worker)
        if kind == OK:
            return Outcome(key, OK, value=value)
        return Outcome(key, RAISED, error=value, message=raised_message(value))

    def _lost(self, worker: _Worker) -> Outcome | None:
        worker.process.join(timeout=1)
        exitcode = worker.process.exitcode
        key, was_busy, was_ready = worker.key, worker.busy, worker.ready
        if not was_ready:
            self._failed_starts += 1
            if self._failed_starts > 3:  # dies before its first task, every time: do not respawn forever
                self.close(kill=True)
                raise RuntimeError(crash_message(exitcode) + "：处理进程无法启动")
        self._replace(worker, kill=True)
        if not was_busy:
            return None
        return Outcome(key, CRASHED, message=crash_message(exitcode))

    def _overran(self, worker: _Worker) -> Outcome:
        key, limit = worker.key, worker.limit
        self._replace(worker, kill=True)
        return Outcome(key, TIMEOUT, message=timeout_message(limit or 0))

    def _replace(self, worker: _Worker, kill: bool) -> None:
        self._retire(worker, kill=kill)
        self.replaced += 1
        self._start()


def call_with_deadline(function: Callable[[], Any], timeout: float | None) -> Any:
    """``function()`` run in a forked child within ``timeout`` seconds; its value, or what it raised.

    Over time: ``LimitError`` (exit 2) with a Chinese message. Without a timeout, or where processes
    cannot be forked, the call runs in this process.
    """
    if not timeout or timeout <= 0 or _start_method() != "fork":
        return function()
    with WorkerPool(lambda _payload: function(), jobs=1, timeout=timeout, start_method="fork") as pool:
        outcome = pool.call(None)
    if outcome.kind == OK:
        return outcome.value
    if outcome.kind == RAISED and outcome.error is not None:
        raise outcome.error
    if outcome.kind == TIMEOUT:
        raise LimitError(outcome.message or timeout_message(timeout))
    raise FzError(outcome.message or crash_message(None))
