"""Scoring in the background: a pool of worker processes fed from the store's queue.

The web process never scores: a dispatcher thread claims pending reports, hands them to the pool
(each worker builds its ``Scorer`` once) and writes the results back. Pages therefore stay quick
while a season's reports are scored. When the queue runs dry after new results, copy detection
runs again (in the pool too), per report year.

Nothing is lost when the server stops mid-batch: a report is ``scoring`` in the store until its
result is written, and ``release_unfinished`` puts such reports back in the queue at the next start.
A worker that dies (a report that crashes a reader, memory exhausted) is replaced; its report is
tried once more, then marked failed.
"""

from __future__ import annotations

import hashlib
import json
import logging
import multiprocessing
import threading
from concurrent.futures import (
    FIRST_COMPLETED,
    Executor,
    Future,
    ProcessPoolExecutor,
    ThreadPoolExecutor,
    wait,
)
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import scorer
from scorer.audit.batch import (
    BatchSettings,
    build_scorer,
    document_paragraphs,
    summarise,
)
from scorer.audit.compare import compare_scorecards
from scorer.audit.copydetect import detect_copies
from scorer.errors import FzError
from scorer.model import CompareResult, CopyDetectConfig, CopyReport
from scorer.serve.codec import encode
from scorer.serve.store import Claim, PairRecord, ScoredFields, Store

log = logging.getLogger("fzscore.serve")
MAX_ATTEMPTS = 2  # a report whose worker died this many times is marked failed
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
    except FzError as exc:
        return Outcome(claim.report_id, None, str(exc).replace(claim.path, claim.name))
    except Exception as exc:  # noqa: BLE001 - one bad file must not stop the season
        return Outcome(claim.report_id, None, f"内部错误：{type(exc).__name__}: {exc}".replace(claim.path, claim.name))


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


def find_copies(groups: list[list[tuple[str, tuple[str, ...]]]], config: CopyDetectConfig) -> list[CopyReport]:
    """Copy detection, one run per group of reports (a report year)."""
    return [detect_copies(group, config) for group in groups]


# ---------------------------------------------------------------------------------------------
# In the web process
# ---------------------------------------------------------------------------------------------


def scored_with(settings: BatchSettings) -> str:
    """What a result depends on: tool version, pack versions and the rule files' content."""
    from scorer.rules import builtin_rules_dir, load_packs

    packs = load_packs(settings.rules_dir)
    folder = settings.rules_dir or builtin_rules_dir()
    digest = hashlib.sha256()
    for path in sorted(Path(folder).rglob("*.yaml")):
        digest.update(path.relative_to(folder).as_posix().encode("utf-8"))
        digest.update(path.read_bytes())
    digest.update(json.dumps(dict(settings.matching or {}), sort_keys=True).encode("utf-8"))
    digest.update(json.dumps([settings.pack_choice, list(settings.waivers)]).encode("utf-8"))
    versions = ",".join(f"{pack_id}@{pack.version}" for pack_id, pack in sorted(packs.items()))
    return f"fzscore {scorer.__version__}; {versions}; rules {digest.hexdigest()[:12]}"


class ScoringService:
    """The dispatcher thread and its worker pool (``jobs`` processes; 0 = one thread, for tests)."""

    def __init__(self, store: Store, settings: BatchSettings, jobs: int, copy_config: CopyDetectConfig | None = None) -> None:
        self.store = store
        self.settings = settings
        self.jobs = jobs
        self.copy_config = copy_config or settings.copy_detection
        self.version = scored_with(settings)
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._pool: Executor | None = None
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
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
        if self._pool is not None:
            # Reports still being scored stay 'scoring' in the store and are queued again at the next start.
            self._pool.shutdown(wait=False, cancel_futures=True)

    def wake(self) -> None:
        """New work is queued."""
        self.idle.clear()
        self._wake.set()

    def call(self, function, *args, timeout: float = 300.0):  # noqa: ANN001, ANN201 - any pool task
        """Run ``function(*args)`` in the pool (CPU work kept out of the web process) and wait for it."""
        try:
            return self._pool.submit(function, *args).result(timeout=timeout)
        except BrokenProcessPool:
            raise FzError("评分进程意外退出，请稍后重试") from None

    def _new_pool(self) -> Executor:
        if self.jobs <= 0:
            return ThreadPoolExecutor(max_workers=1, initializer=init_worker, initargs=(self.settings,))
        # spawn, not fork: the web process runs threads (a forked lock may be held forever).
        context = multiprocessing.get_context("spawn")
        return ProcessPoolExecutor(max_workers=self.jobs, mp_context=context, initializer=init_worker, initargs=(self.settings,))

    # -- the loop ------------------------------------------------------------------------------

    def _run(self) -> None:
        running: dict[Future, Claim] = {}
        capacity = max(1, self.jobs) * 2  # keep every worker busy while results are written
        while not self._stop.is_set():
            try:
                if len(running) < capacity:
                    for claim in self.store.claim(capacity - len(running)):
                        running[self._pool.submit(score_claim, claim)] = claim
                if running:
                    done, _ = wait(list(running), timeout=0.5, return_when=FIRST_COMPLETED)
                    broken = False
                    for future in done:
                        claim = running.pop(future)
                        broken |= self._collect(future, claim)
                    if broken:
                        self._replace_pool(running)
                    continue
                if self.store.copies_outdated() is not None:
                    self._detect_copies()
                    continue
                self.idle.set()
                self._wake.wait(timeout=2.0)
                self._wake.clear()
            except Exception:  # noqa: BLE001 - the dispatcher must survive a passing database error
                log.exception("scoring dispatcher error")
                self._stop.wait(1.0)

    def _collect(self, future: Future, claim: Claim) -> bool:
        """Write one result; True when the pool broke under it."""
        try:
            outcome = future.result()
        except BrokenProcessPool:
            if claim.attempts >= MAX_ATTEMPTS:
                self.store.fail(claim.report_id, "评分进程意外退出（该文件可能导致读取程序崩溃或内存耗尽）", self.version)
            else:
                self.store.requeue(claim.report_id)
            return True
        except Exception as exc:  # noqa: BLE001 - e.g. a result that cannot be sent back
            self.store.fail(claim.report_id, f"内部错误：{type(exc).__name__}: {exc}", self.version)
            return False
        if outcome.fields is not None:
            self.store.finish(claim.report_id, outcome.fields, self.version)
        else:
            self.store.fail(claim.report_id, outcome.error or "未知错误", self.version)
        return False

    def _replace_pool(self, running: dict[Future, Claim]) -> None:
        for future, claim in list(running.items()):
            running.pop(future)
            self._collect(future, claim) if future.done() else self.store.requeue(claim.report_id)
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
        self._pool = self._new_pool()

    def _detect_copies(self) -> None:
        from scorer.serve.codec import decode

        version = self.store.copies_outdated()
        if version is None:
            return
        by_year: dict[int | None, list[tuple[str, tuple[str, ...]]]] = {}
        for report_id, year, blob in self.store.copy_inputs():
            by_year.setdefault(year, []).append((str(report_id), decode(blob, tuple[str, ...])))
        groups = [group for _, group in sorted(by_year.items(), key=lambda kv: (kv[0] is None, kv[0] or 0))]
        try:
            results = self._pool.submit(find_copies, groups, self.copy_config).result()
        except BrokenProcessPool:
            self._replace_pool({})
            return
        closest: dict[int, tuple[int | None, float]] = {}
        pairs: list[PairRecord] = []
        for copies in results:
            for key, near in copies.closest:
                closest[int(key)] = (int(near.other) if near.other is not None else None, near.similarity)
            for pair in copies.flagged:
                pairs.append(PairRecord(int(pair.a), int(pair.b), pair.similarity, encode(pair)))
        pairs.sort(key=lambda p: (-p.similarity, p.a_id, p.b_id))
        self.store.save_copies(version, closest, self.copy_config.flag_similarity, pairs)
