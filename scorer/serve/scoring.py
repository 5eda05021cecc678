"""Scoring in the background: a pool of worker processes fed from the store's queue.

The web process never scores: a dispatcher thread claims pending reports, hands them to the pool
(``scorer.audit.workers.WorkerPool``, the one ``fzscore batch`` uses; each worker builds its
``Scorer`` once) and writes the results back. Pages therefore stay quick while a season's reports
are scored. Work a page needs from the pool (a year-over-year comparison) is queued to the same
dispatcher and goes to the next idle worker ahead of the queue. When the queue runs dry after new
results, copy detection runs again (in the pool too), per report year.

Every report is scored within a deadline (``fzscore serve --timeout``, 60 s by default): a report
that runs over is killed with its worker and marked failed with the reason; a fresh worker takes
the next one. Nothing is lost when the server stops mid-batch: a report is ``scoring`` in the store
until its result is written, and ``release_unfinished`` puts such reports back in the queue at the
next start. A worker that dies (a report that crashes a reader, memory exhausted) is replaced; its
report is tried once more, then marked failed.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import logging
import queue
import threading
from concurrent.futures import Future, ThreadPoolExecutor, wait
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Callable, Hashable, Iterator

import scorer
from scorer.audit.batch import (
    TASKS_PER_WORKER,
    BatchSettings,
    build_scorer,
    document_paragraphs,
    summarise,
    tree_digest,
)
from scorer.audit.compare import compare_scorecards
from scorer.audit.copydetect import detect_copies
from scorer.audit.limits import DEFAULT_TIMEOUT
from scorer.audit.workers import (
    CRASHED,
    OK,
    RAISED,
    TIMEOUT,
    WorkerPool,
    raised_message,
    timeout_message,
)
from scorer.audit.workers import Outcome as WorkerOutcome
from scorer.errors import FzError
from scorer.model import CompareResult, CopyDetectConfig, CopyReport
from scorer.serve.codec import encode
from scorer.serve.store import Claim, PairRecord, ScoredFields, Store

log = logging.getLogger("fzscore.serve")
MAX_ATTEMPTS = 2  # a report whose worker died this many times is marked failed
POLL_SECONDS = 0.2  # how soon a waiting user's task (a comparison) reaches an idle worker
_STATE: dict[str, Any] = {}


# ---------------------------------------------------------------------------------------------
# In the worker
# ---------------------------------------------------------------------------------------------


def init_worker(settings: BatchSettings) -> None:
    """Build the Scorer once per worker (packs, jieba dictionary, vectoriser)."""
    if _STATE.get("settings") != settings:
        _STATE["scorer"] = build_scorer(settings)
        _STATE["settings"] = settings


@dataclass(frozen=True)
class Outcome:
    report_id: int
    fields: ScoredFields | None
    error: str | None = None


def score_claim(claim: Claim) -> Outcome:
    """Score one stored file; the user's file name replaces the storage path in result and messages."""
    try:
        card = _STATE["scorer"].score_path(claim.path)
        document = card.document
        card = replace(card, document=replace(document, source=replace(document.source, path=claim.name)))
        row = summarise(card, claim.name, "")
        fields = ScoredFields(
            title=row.title,
            jurisdiction=row.jurisdiction,
            level=row.level,
            year=row.year,
            date=row.date,
            score=float(card.score),
            grade=card.grade,
            key_missing_titles=row.key_not_covered_titles,
            covered=row.covered,
            partial=row.partial,
            missing=row.missing,
            not_applicable=row.not_applicable,
            item_statuses={f"{i.pack}:{i.id}": i.status.value for i in card.items},
            scorecard=encode(card),
            paragraphs=encode(document_paragraphs(card.document)),
        )
        return Outcome(claim.report_id, fields)
    except Exception as exc:  # noqa: BLE001 - one bad file must not stop the season
        return Outcome(claim.report_id, None, raised_message(exc).replace(claim.path, claim.name))


def compare_task(last_blob: bytes, this_blob: bytes) -> CompareResult:
    """The year-over-year comparison of two stored scorecards (as ``fzscore compare`` makes it)."""
    from scorer.serve.codec import decode_scorecard

    scorer_ = _STATE["scorer"]
    last, this = decode_scorecard(last_blob), decode_scorecard(this_blob)
    # Last year's plan is read against this year's packs, as compare_paths does.
    year = this.document.meta.year
    facts = {"last_facts": scorer_.sentence_facts(last.document, year), "this_facts": scorer_.sentence_facts(this.document, year)}
    try:
        return compare_scorecards(last, this, **facts)
    except FzError:
        # Plainly different bodies: a supervisor asked for this pair, so compare anyway (marked as forced).
        return compare_scorecards(last, this, force=True, **facts)


def run_task(task: tuple[Callable[..., Any], tuple[Any, ...]]) -> Any:
    """The workers' one handler: ``(function, args)`` -> ``function(*args)``."""
    function, args = task
    return function(*args)


def find_copies(groups: list[list[tuple[str, tuple[str, ...]]]], config: CopyDetectConfig) -> list[CopyReport]:
    """Copy detection, one run per group of reports (a report year)."""
    return [detect_copies(group, config) for group in groups]


# ---------------------------------------------------------------------------------------------
# In the web process
# ---------------------------------------------------------------------------------------------


def scored_with(settings: BatchSettings) -> str:
    """What a result depends on: tool version, pack versions and the rules folder's content (the
    packs and the sentence model shipped beside them)."""
    from scorer.rules import builtin_rules_dir, load_packs

    packs = load_packs(settings.rules_dir)
    digest = hashlib.sha256()
    tree_digest(digest, Path(settings.rules_dir or builtin_rules_dir()))
    digest.update(json.dumps(dict(settings.matching or {}), sort_keys=True).encode("utf-8"))
    digest.update(json.dumps([settings.pack_choice, list(settings.waivers)]).encode("utf-8"))
    versions = ",".join(f"{pack_id}@{pack.version}" for pack_id, pack in sorted(packs.items()))
    return f"fzscore {scorer.__version__}; {versions}; rules {digest.hexdigest()[:12]}"


class InlinePool:
    """One thread in the server process with ``WorkerPool``'s dispatcher interface (``--jobs 0``, tests).

    It has no deadline: a thread cannot be stopped. Real use runs a ``WorkerPool`` of processes.
    """

    def __init__(self, settings: BatchSettings) -> None:
        self._executor = ThreadPoolExecutor(max_workers=1, initializer=init_worker, initargs=(settings,))
        self._running: tuple[Hashable, Future] | None = None

    @property
    def idle(self) -> int:
        return 0 if self._running is not None else 1

    @property
    def busy(self) -> int:
        return 1 - self.idle

    def submit(self, key: Hashable, payload: Any, timeout: float | None | object = ...) -> bool:  # noqa: ARG002 - no deadline here
        if self._running is not None:
            return False
        self._running = (key, self._executor.submit(run_task, payload))
        return True

    def poll(self, timeout: float | None) -> list[WorkerOutcome]:
        if self._running is None:
            return []
        key, future = self._running
        done, _ = wait([future], timeout=timeout)
        if not done:
            return []
        self._running = None
        try:
            return [WorkerOutcome(key, OK, value=future.result())]
        except Exception as exc:  # noqa: BLE001 - reported like a worker's exception
            return [WorkerOutcome(key, RAISED, error=exc, message=raised_message(exc))]

    def close(self, kill: bool = False) -> None:  # noqa: ARG002 - a thread cannot be killed
        self._executor.shutdown(wait=False, cancel_futures=True)


@dataclass(frozen=True)
class _Call:
    """A request thread's task for the pool, and where its answer goes."""

    function: Callable[..., Any]
    args: tuple[Any, ...]
    answer: Future


class ScoringService:
    """The dispatcher thread and its worker pool (``jobs`` processes; 0 = one thread, for tests).

    Every task runs within ``timeout`` seconds (``fzscore serve --timeout``): a report that takes
    longer is killed with its worker, marked failed with the reason, and the worker replaced. Copy
    detection, which reads the whole season, has no per-task deadline.
    """

    def __init__(
        self,
        store: Store,
        settings: BatchSettings,
        jobs: int,
        copy_config: CopyDetectConfig | None = None,
        timeout: float | None = DEFAULT_TIMEOUT,
    ) -> None:
        self.store = store
        self.settings = settings
        self.jobs = jobs
        self.timeout = timeout if timeout and timeout > 0 else None
        self.copy_config = copy_config or settings.copy_detection
        self.version = scored_with(settings)
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._pool: WorkerPool | InlinePool | None = None
        self._calls: queue.SimpleQueue[_Call] = queue.SimpleQueue()
        self._copies_failed: str | None = None  # the copy-detection version whose run failed (not retried)
        self.idle = threading.Event()  # set while nothing is queued or running (tests and the load check wait on it)

    # -- life cycle ----------------------------------------------------------------------------

    def start(self) -> dict[str, int]:
        """Queue what a stopped server left unfinished and what an older version scored; start."""
        resumed = self.store.release_unfinished()
        outdated = self.store.requeue_outdated(self.version)
        self._pool = self._new_pool()
        self._thread = threading.Thread(target=self._run, name="fzscore-dispatcher", daemon=True)
        self._thread.start()
        return {"resumed": resumed, "outdated": outdated}

    def stop(self) -> None:
        # Reports still being scored stay 'scoring' in the store and are queued again at the next start.
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=30)

    def wake(self) -> None:
        """New work is queued."""
        self.idle.clear()
        self._wake.set()

    def call(self, function: Callable[..., Any], *args: Any, timeout: float = 300.0) -> Any:
        """Run ``function(*args)`` in the pool (CPU work kept out of the web process) and wait for it.

        ``function`` must be a module-level function (it is sent to a worker process by name).
        """
        if self._stop.is_set() or self._thread is None or not self._thread.is_alive():
            raise FzError("评分服务未运行，请稍后重试")
        answer: Future = Future()
        self._calls.put(_Call(function, args, answer))
        self._wake.set()
        try:
            return answer.result(timeout=timeout)
        except FutureTimeout:
            answer.cancel()
            raise FzError("评分进程繁忙，请稍后重试") from None

    def _new_pool(self) -> WorkerPool | InlinePool:
        if self.jobs <= 0:
            return InlinePool(self.settings)
        # spawn, not fork: the web process runs threads (a forked lock may be held forever).
        return WorkerPool(
            run_task,
            jobs=self.jobs,
            timeout=self.timeout,
            initializer=init_worker,
            initargs=(self.settings,),
            max_tasks_per_worker=TASKS_PER_WORKER,
            start_method="spawn",
        )

    # -- the loop ------------------------------------------------------------------------------

    def _run(self) -> None:
        running: dict[Hashable, Claim | _Call | str] = {}  # task key -> what it is for
        serial = itertools.count()
        try:
            while not self._stop.is_set():
                try:
                    self._step(running, serial)
                except Exception:  # noqa: BLE001 - the dispatcher must survive a passing database error
                    log.exception("scoring dispatcher error")
                    self._stop.wait(1.0)
        finally:
            if self._pool is not None:
                self._pool.close(kill=True)
            # Nobody waits for an answer that will never come: queued and running calls fail now.
            waiting = [job for job in running.values() if isinstance(job, _Call)]
            while not self._calls.empty():
                waiting.append(self._calls.get())
            for call in waiting:
                if not call.answer.done():
                    call.answer.set_exception(FzError("评分服务已停止"))

    def _step(self, running: dict[Hashable, Claim | _Call | str], serial: Iterator[int]) -> None:
        """Hand out work to idle workers (waiting users first, then the queue), then collect results."""
        pool = self._pool
        assert pool is not None
        while pool.idle and not self._calls.empty():
            call = self._calls.get()
            if call.answer.cancelled():
                continue  # the caller gave up waiting before it started
            key = ("call", next(serial))
            if not pool.submit(key, (call.function, call.args)):
                self._calls.put(call)  # the worker had died; a fresh one takes it
                break
            running[key] = call
            call.answer.set_running_or_notify_cancel()
        if pool.idle:
            for claim in self.store.claim(pool.idle):
                key = ("score", claim.report_id)
                if pool.submit(key, (score_claim, (claim,))):
                    running[key] = claim
                else:
                    self.store.requeue(claim.report_id)
        if pool.idle and not any(isinstance(job, str) for job in running):
            version = self.store.copies_outdated()
            if version is not None and version != self._copies_failed and not any(isinstance(j, Claim) for j in running):
                groups = self._copy_groups()
                if pool.submit(("copies", version), (find_copies, (groups, self.copy_config)), timeout=None):
                    running[("copies", version)] = version
        if running or pool.busy or not pool.idle:
            for outcome in pool.poll(POLL_SECONDS):
                job = running.pop(outcome.key, None)
                if isinstance(job, Claim):
                    self._collect(outcome, job)
                elif isinstance(job, _Call):
                    self._answer(outcome, job)
                elif isinstance(job, str):
                    self._save_copies(outcome, job)
            return
        self.idle.set()
        self._wake.wait(timeout=2.0)
        self._wake.clear()

    def _collect(self, outcome: WorkerOutcome, claim: Claim) -> None:
        """Write one report's result (or why it has none)."""
        if outcome.kind == OK:
            result: Outcome = outcome.value
            if result.fields is not None:
                self.store.finish(claim.report_id, result.fields, self.version)
            else:
                self.store.fail(claim.report_id, result.error or "未知错误", self.version)
        elif outcome.kind == CRASHED and claim.attempts < MAX_ATTEMPTS:
            self.store.requeue(claim.report_id)  # perhaps the machine, not the file: once more
        elif outcome.kind == CRASHED:
            self.store.fail(claim.report_id, "评分进程意外退出（该文件可能导致读取程序崩溃或内存耗尽）", self.version)
        elif outcome.kind == TIMEOUT:
            log.warning("report %s: scoring overran %ss and was stopped", claim.report_id, self.timeout)
            self.store.fail(claim.report_id, timeout_message(self.timeout or 0, option="fzscore serve --timeout"), self.version)
        else:
            self.store.fail(claim.report_id, outcome.message or "未知错误", self.version)

    @staticmethod
    def _answer(outcome: WorkerOutcome, call: _Call) -> None:
        if call.answer.done():
            return  # cancelled by a caller that stopped waiting
        if outcome.kind == OK:
            call.answer.set_result(outcome.value)
        elif outcome.kind == RAISED and isinstance(outcome.error, FzError):
            call.answer.set_exception(outcome.error)
        elif outcome.kind == TIMEOUT:
            call.answer.set_exception(FzError("处理超时，已终止；请稍后重试"))
        else:
            call.answer.set_exception(FzError(outcome.message or "评分进程意外退出，请稍后重试"))

    def _copy_groups(self) -> list[list[tuple[str, tuple[str, ...]]]]:
        """The stored paragraphs of every scored report, one group per report year."""
        from scorer.serve.codec import decode

        by_year: dict[int | None, list[tuple[str, tuple[str, ...]]]] = {}
        for report_id, year, blob in self.store.copy_inputs():
            by_year.setdefault(year, []).append((str(report_id), decode(blob, tuple[str, ...])))
        return [group for _, group in sorted(by_year.items(), key=lambda kv: (kv[0] is None, kv[0] or 0))]

    def _save_copies(self, outcome: WorkerOutcome, version: str) -> None:
        if not outcome.ok:
            # Not retried until the season changes (a run that crashed would crash again).
            log.error("copy detection failed: %s", outcome.message)
            self._copies_failed = version
            return
        closest: dict[int, tuple[int | None, float]] = {}
        pairs: list[PairRecord] = []
        for copies in outcome.value:
            for key, near in copies.closest:
                closest[int(key)] = (int(near.other) if near.other is not None else None, near.similarity)
            for pair in copies.flagged:
                pairs.append(PairRecord(int(pair.a), int(pair.b), pair.similarity, encode(pair)))
        pairs.sort(key=lambda p: (-p.similarity, p.a_id, p.b_id))
        self.store.save_copies(version, closest, self.copy_config.flag_similarity, pairs)
