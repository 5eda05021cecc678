"""Batch audit: score many reports in worker processes, detect copies, write outputs; resumable.

The flow, for a national sweep of tens of thousands of reports on one machine:

1. ``plan``: inputs (sorted), one page name per input, the output folder checked.
2. ``score_reports`` (the rows, as they finish): each report is scored in a worker process of a
   ``WorkerPool`` (``scorer.audit.workers``) within its budget (``--timeout``, ``--max-size``);
   the worker writes the report's page itself (temp file + rename) and sends back a small
   ``TaskResult``: the summary row, the page's SHA-256 and the copy-detection sketch of its
   paragraphs. A report over budget is killed and listed as failed, its worker replaced; no
   report is lost because another failed or hung.
3. The parent appends each result to the journal (``scorer.audit.journal``) at once and keeps
   nothing else of it: memory does not grow with the batch while scoring.
4. ``finish``: copy detection over the sketches read back from the journal
   (``scorer.audit.copydetect``), then ``write_outputs``: ``index.html``, ``summary.csv``,
   ``summary.json``, streamed row by row from the journal.

5. ``compare_years``: when the batch holds several years of one body, each report is compared with
   its previous year (``scorer.audit.years`` plans the pairs, the same kind of worker pool runs
   ``scorer.audit.compare``): one comparison page per pair, the change shown in the index and
   summaries. ``docx`` adds a Word gap report per report, written by the worker beside its page.

``--resume`` re-uses every journal entry whose input (SHA-256), page (SHA-256), tool, rules and
settings (``batch_fingerprint``) and generation time still match, and scores only the rest; the
index and summaries are always rebuilt from all rows. Output does not depend on the number of
processes or on interruptions: rows are ordered by input path, nothing records timing.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping, Sequence

import scorer
from scorer.audit.copydetect import (
    ParagraphSketches,
    SketchTable,
    detect_copies_in_table,
    sketch_fingerprint,
)
from scorer.audit.journal import Entry, Journal, JournalRows
from scorer.audit.limits import Limits, oversize_message
from scorer.audit.workers import OK, WorkerPool, raised_message
from scorer.audit.years import plan_pairs
from scorer.errors import FzError
from scorer.model import (
    BatchResult,
    CompareConfig,
    CopyDetectConfig,
    Document,
    Paragraph,
    ReportRow,
    Scorecard,
    Status,
    YearPair,
    YearPairs,
)

REPORT_SUFFIXES = (".txt", ".md", ".docx", ".pdf", ".html", ".htm")
INDEX_PAGE = "index.html"
SUMMARY_CSV = "summary.csv"
SUMMARY_JSON = "summary.json"
# Characters that cannot (or should not) appear in a file name on common systems.
_UNSAFE_NAME = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*%#]')
# Temp files of an atomic write that a kill interrupted (see write_bytes).
_STALE_TEMP = re.compile(r"^\..+\.tmp\d+$")
# Fork a fresh worker after this many reports: whatever a long batch leaks stays bounded.
TASKS_PER_WORKER = 500


@dataclass(frozen=True)
class BatchSettings:
    """What every worker needs to build its Scorer (picklable)."""

    rules_dir: str | None = None
    pack_choice: str = "auto"
    matching: Mapping[str, Any] | None = None
    waivers: tuple[tuple[str, str], ...] = ()
    copy_detection: CopyDetectConfig = field(default_factory=CopyDetectConfig)
    compare: CompareConfig = field(default_factory=CompareConfig)
    docx: bool = False  # also write a Word gap report per report


@dataclass(frozen=True)
class Task:
    """One report for a worker."""

    index: int
    path: str
    page: str
    out_dir: str
    generated_at: datetime


@dataclass(frozen=True)
class TaskResult:
    """What a worker sends back for one report (small: the page is on disk already)."""

    index: int
    row: ReportRow
    input_sha256: str | None = None
    page_sha256: str | None = None
    sketch: bytes = b""  # ParagraphSketches.to_bytes()
    sketch_rows: int = 0
    retry: bool = False  # failed for a reason of this run (time, crash, size): try again on --resume


class BatchInterrupted(KeyboardInterrupt):
    """Ctrl-C during a batch: what was finished is kept for ``--resume``."""

    def __init__(self, done: int, total: int, out_dir: str) -> None:
        super().__init__(f"{done}/{total}")
        self.done, self.total, self.out_dir = done, total, out_dir


# ---------------------------------------------------------------------------------------------
# Inputs and output names
# ---------------------------------------------------------------------------------------------


def collect_inputs(paths: Sequence[str]) -> list[str]:
    """Files to score: each file given, and every non-hidden file directly inside each folder given.

    Folders are not searched recursively. A path that does not exist is kept (it is reported as a
    failed input). Duplicates (same resolved file) are dropped; the result is sorted by path.
    """
    found: dict[str, str] = {}
    for given in paths:
        path = Path(given)
        if path.is_dir():
            for child in sorted(path.iterdir()):
                if child.name.startswith(".") or not child.is_file():
                    continue
                found.setdefault(_identity(child), str(child))
        else:
            found.setdefault(_identity(path), str(path))
    return sorted(found.values())


def _identity(path: Path) -> str:
    try:
        return str(path.resolve())
    except OSError:
        return str(path.absolute())


def safe_stem(name: str) -> str:
    """A file-system-safe page name from a report's file name (without suffix)."""
    stem = _UNSAFE_NAME.sub("_", Path(name).stem).strip(" .")
    return stem[:100] or "report"


def page_names(inputs: Sequence[str]) -> list[str]:
    """One distinct ``<stem>.html`` per input (``-2``, ``-3``… on clashes; ``index`` is reserved)."""
    used = {Path(INDEX_PAGE).stem.lower()}
    names: list[str] = []
    for path in inputs:
        stem = safe_stem(Path(path).name)
        name, counter = stem, 2
        while name.lower() in used:  # case-insensitive: Windows and macOS folders are
            name = f"{stem}-{counter}"
            counter += 1
        used.add(name.lower())
        names.append(f"{name}.html")
    return names


def docx_name(page: str) -> str:
    """The Word report's file name next to a report's page (``a.html`` -> ``a.docx``)."""
    return f"{Path(page).stem}.docx"


def check_output_dir(
    out_dir: Path, inputs: Sequence[str], pages: Sequence[str], force: bool, resume: bool = False
) -> None:
    """Refuse a non-empty folder (unless ``force``, or ``resume`` of a batch there) and any output
    that would replace an input."""
    if out_dir.exists() and not out_dir.is_dir():
        raise FzError(f"输出路径 {out_dir} 已存在且不是目录")
    # Hidden entries (.gitkeep in the repository's reports_out/) are never outputs: they do not count.
    non_empty = out_dir.is_dir() and any(not p.name.startswith(".") for p in out_dir.iterdir())
    has_batch = Journal.exists(out_dir)
    if non_empty and not force and not (resume and has_batch):
        if has_batch:
            raise FzError(
                f"输出目录 {out_dir} 中已有一次批量评分的结果；加 --resume 续接（只评分尚未完成的报告），"
                "或加 --force 全部重新评分"
            )
        raise FzError(f"输出目录 {out_dir} 非空；为避免覆盖已有文件，请换一个空目录，或加 --force 允许覆盖同名文件")
    out_resolved = _identity(out_dir)
    inputs_resolved = {_identity(Path(p)): p for p in inputs}
    for given in inputs:
        folder = Path(given).parent
        if _identity(folder) == out_resolved and Path(given).is_file():
            # Outputs next to the inputs would be picked up as reports by the next run.
            raise FzError(f"输出目录 {out_dir} 中有输入文件 {given}；请把结果写到另一个目录")
    for name in (INDEX_PAGE, SUMMARY_CSV, SUMMARY_JSON, *pages):
        target = _identity(out_dir / name)
        if target in inputs_resolved:
            raise FzError(f"输出文件 {out_dir / name} 就是输入文件 {inputs_resolved[target]}，拒绝覆盖")


def write_bytes(path: Path, data: bytes) -> None:
    """Write atomically (temp file + rename) so a crash never leaves half a file."""
    tmp = path.with_name(f".{path.name}.tmp{os.getpid()}")
    with open(tmp, "wb") as handle:
        handle.write(data)
    tmp.replace(path)


def write_file(path: Path, content: str, encoding: str = "utf-8") -> None:
    """Write text atomically (temp file + rename)."""
    write_chunks(path, (content,), encoding)


def write_chunks(path: Path, chunks: Iterable[str], encoding: str = "utf-8") -> None:
    """Write streamed text atomically: nothing of it is held in memory at once."""
    tmp = path.with_name(f".{path.name}.tmp{os.getpid()}")
    try:
        with open(tmp, "w", encoding=encoding, newline="") as handle:
            for chunk in chunks:
                handle.write(chunk)
        tmp.replace(path)
    finally:
        if tmp.exists():
            tmp.unlink()


def remove_stale_temp_files(out_dir: Path) -> None:
    """Temp files left by writes that a kill interrupted (hidden, never outputs)."""
    if out_dir.is_dir():
        for entry in out_dir.iterdir():
            if _STALE_TEMP.match(entry.name) and entry.is_file():
                entry.unlink(missing_ok=True)


def file_sha256(path: str | Path) -> str | None:
    """SHA-256 of a file's bytes, or None when it cannot be read."""
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    except OSError:
        return None
    return digest.hexdigest()


# ---------------------------------------------------------------------------------------------
# What a result depends on
# ---------------------------------------------------------------------------------------------


def tree_digest(digest: "hashlib._Hash", folder: Path) -> None:
    """Feed every file under ``folder`` (name and bytes; caches and hidden files left out) to ``digest``."""
    for path in sorted(folder.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and not path.name.startswith("."):
            digest.update(str(path.relative_to(folder)).encode("utf-8") + b"\0")
            digest.update(path.read_bytes())


def batch_fingerprint(settings: BatchSettings) -> str:
    """Everything a page and a sketch depend on besides the input and the time: the tool's code and
    templates, the rules, the settings. A journal entry with another fingerprint is scored again."""
    from scorer.rules.loader import builtin_rules_dir

    digest = hashlib.sha256()
    digest.update(f"fzscore {scorer.__version__}\0".encode())
    tree_digest(digest, Path(scorer.__file__).resolve().parent)
    rules = Path(settings.rules_dir) if settings.rules_dir else builtin_rules_dir()
    if rules.is_dir():
        tree_digest(digest, rules)
    digest.update(
        json.dumps(
            {
                "pack": settings.pack_choice,
                "matching": dict(settings.matching or {}),
                "waivers": [list(w) for w in settings.waivers],
                "sketch": sketch_fingerprint(settings.copy_detection),
                "docx": settings.docx,
                "jieba_words": os.environ.get("FZSCORE_JIEBA_WORDS", ""),
            },
            sort_keys=True,
            ensure_ascii=False,
            default=str,
        ).encode("utf-8")
    )
    return digest.hexdigest()


# ---------------------------------------------------------------------------------------------
# Scoring one report (runs in a worker)
# ---------------------------------------------------------------------------------------------

_WORKER: dict[str, Any] = {}


def build_scorer(settings: BatchSettings):
    """The Scorer for ``settings`` (packs loaded, pack choice checked)."""
    from scorer.pipeline import Scorer
    from scorer.rules import select_packs

    built = Scorer(
        rules_dir=settings.rules_dir,
        pack_choice=settings.pack_choice,
        matching=dict(settings.matching) if settings.matching else None,
        waivers=settings.waivers,
    )
    if settings.pack_choice != "auto":
        select_packs(built.packs, settings.pack_choice, None)  # unknown pack ids: fail before scoring
    return built


def init_worker(settings: BatchSettings) -> None:
    """Build the Scorer once per process (forked workers inherit the parent's)."""
    if _WORKER.get("settings") != settings:
        _WORKER["scorer"] = build_scorer(settings)
        _WORKER["settings"] = settings


def document_paragraphs(document: Document) -> tuple[str, ...]:
    """Body paragraphs (preamble and sections, not the signature block), in document order."""
    found: list[Paragraph] = list(document.preamble)
    for section in document.walk_sections():
        found.extend(section.paragraphs)
    return tuple(p.text for p in sorted(found))


def summarise(scorecard: Scorecard, path: str, page: str) -> ReportRow:
    meta = scorecard.document.meta
    titles = {f"{i.pack}:{i.id}": i.title for i in scorecard.items}
    counts = {status: 0 for status in Status}
    for item in scorecard.items:
        counts[item.status] += 1
    return ReportRow(
        path=path,
        page=page,
        title=meta.title,
        jurisdiction=meta.jurisdiction,
        level=meta.level.value if meta.level else None,
        year=meta.year,
        date=meta.date,
        score=scorecard.score,
        grade=scorecard.grade,
        packs=tuple(p.id for p in scorecard.packs),
        key_not_covered=tuple(scorecard.key_not_covered),
        key_not_covered_titles=tuple(titles.get(k, k) for k in scorecard.key_not_covered),
        covered=counts[Status.COVERED],
        partial=counts[Status.PARTIAL],
        missing=counts[Status.MISSING],
        not_applicable=counts[Status.NOT_APPLICABLE],
        waived=tuple(sorted({m for w in scorecard.waivers for m in w.matched})),
        warnings=tuple(scorecard.warnings),
        sha256=scorecard.document.source.sha256,
    )


def score_task(task: Task) -> TaskResult:
    """Score one report, write its page, sketch its paragraphs; any error becomes the row's ``error``."""
    from scorer.audit.copydetect import sketch_paragraphs
    from scorer.render import html

    try:
        scorecard = _WORKER["scorer"].score_path(task.path)
        page = html.format(scorecard, generated_at=task.generated_at).encode("utf-8")
        write_bytes(Path(task.out_dir) / task.page, page)
        if _WORKER["settings"].docx:
            from scorer.render import docx

            word = docx.format_scorecard(scorecard, generated_at=task.generated_at)
            write_bytes(Path(task.out_dir) / docx_name(task.page), word)
        paragraphs = document_paragraphs(scorecard.document)
        sketch = sketch_paragraphs(paragraphs, _WORKER["settings"].copy_detection)
        return TaskResult(
            index=task.index,
            row=summarise(scorecard, task.path, task.page),
            input_sha256=scorecard.document.source.sha256,
            page_sha256=hashlib.sha256(page).hexdigest(),
            sketch=sketch.to_bytes(),
            sketch_rows=len(sketch),
        )
    except Exception as exc:  # noqa: BLE001 - one broken file must not stop the batch
        error = raised_message(exc)
    return TaskResult(task.index, ReportRow(path=task.path, page=None, error=error), input_sha256=file_sha256(task.path))


# ---------------------------------------------------------------------------------------------
# Scoring many reports (the parent)
# ---------------------------------------------------------------------------------------------


def score_reports(
    tasks: Sequence[Task],
    settings: BatchSettings,
    jobs: int = 1,
    limits: Limits = Limits(),
) -> Iterator[TaskResult]:
    """Yield one TaskResult per task, as each finishes (in any order); never raises for one report."""
    init_worker(settings)  # forked workers inherit it; rules errors surface here, before any work
    runnable: list[Task] = []
    for task in tasks:
        size = _file_size(task.path)
        if limits.max_size and size is not None and size > limits.max_size:
            row = ReportRow(path=task.path, page=None, error=oversize_message(task.path, size, limits.max_size))
            yield TaskResult(task.index, row, retry=True)
        else:
            runnable.append(task)
    if not runnable:
        return
    by_index = {task.index: task for task in runnable}
    pool = WorkerPool(
        score_task,
        jobs=max(1, min(jobs, len(runnable))),
        timeout=limits.timeout,
        initializer=init_worker,
        initargs=(settings,),
        max_tasks_per_worker=TASKS_PER_WORKER,
    )
    with pool:
        for outcome in pool.run((task.index, task) for task in runnable):
            task = by_index.pop(outcome.key)
            if outcome.kind == OK:
                yield outcome.value
            else:  # killed at the deadline, or the worker died
                row = ReportRow(path=task.path, page=None, error=outcome.message)
                yield TaskResult(task.index, row, retry=True)


def _file_size(path: str) -> int | None:
    try:
        return os.stat(path).st_size
    except OSError:
        return None


# ---------------------------------------------------------------------------------------------
# Year pairs (a report and the same body's report of the previous year)
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CompareTask:
    index: int
    pair: YearPair
    out_dir: str
    generated_at: datetime


def compare_task(task: CompareTask) -> YearPair:
    """Compare one year pair and write its page (in a worker); any error becomes the pair's ``error``."""
    from scorer.audit.compare import compare_paths
    from scorer.render import compare as compare_page

    try:
        settings: BatchSettings = _WORKER["settings"]
        result = compare_paths(_WORKER["scorer"], task.pair.last, task.pair.this, config=settings.compare)
        page = compare_page.format_html(result, generated_at=task.generated_at).encode("utf-8")
        write_bytes(Path(task.out_dir) / task.pair.page, page)
        return task.pair.with_result(result)
    except Exception as exc:  # noqa: BLE001 - one broken pair must not stop the batch
        return replace(task.pair, error=raised_message(exc))


def compare_years(
    rows: Iterable[ReportRow],
    out_path: Path,
    reserved: Sequence[str],
    settings: BatchSettings,
    moment: datetime,
    jobs: int,
    limits: Limits = Limits(),
) -> YearPairs:
    """Pair reports of one body across years, compare each pair (within the budget) and write its page."""
    planned = plan_pairs(rows, reserved)
    if not planned.pairs:
        return planned
    done: list[YearPair] = list(planned.pairs)
    tasks = [CompareTask(i, pair, str(out_path), moment) for i, pair in enumerate(planned.pairs)]
    pool = WorkerPool(
        compare_task,
        jobs=max(1, min(jobs, len(tasks))),
        # Two reports are read and scored again: twice the budget of one.
        timeout=2 * limits.timeout if limits.timeout else limits.timeout,
        initializer=init_worker,
        initargs=(settings,),
        max_tasks_per_worker=TASKS_PER_WORKER,
    )
    with pool:
        for outcome in pool.run((task.index, task) for task in tasks):
            index = outcome.key
            done[index] = outcome.value if outcome.kind == OK else replace(done[index], error=outcome.message)
    return YearPairs(tuple(done), planned.unpaired)


# ---------------------------------------------------------------------------------------------
# The whole batch
# ---------------------------------------------------------------------------------------------


@dataclass
class _Progress:
    """Where each input's journal line is; what the batch did this run."""

    offsets: list[int | None]
    sketch_rows: list[int]
    ok: list[bool]
    reused: int = 0
    scored: int = 0

    @property
    def done(self) -> int:
        return sum(offset is not None for offset in self.offsets)


def _reusable(entry: Entry, path: str, page: str, fingerprint: str, moment: str, out_dir: Path) -> bool:
    meta = entry.meta
    if meta.get("retry") or meta.get("fingerprint") != fingerprint or meta.get("generated_at") != moment:
        return False
    if meta.get("page") != page or meta.get("input_sha256") != file_sha256(path):
        return False
    if meta.get("page_sha256") is not None and file_sha256(out_dir / page) != meta["page_sha256"]:
        return False
    return True


def run_batch(
    inputs: Sequence[str],
    out_dir: str | Path,
    settings: BatchSettings,
    *,
    jobs: int = 1,
    force: bool = False,
    resume: bool = False,
    progress: bool | None = None,
    generated_at: datetime | None = None,
    limits: Limits = Limits(),
    log: Any = None,
) -> BatchResult:
    """Score ``inputs`` into ``out_dir``: one page per report, index.html, summary.csv/json.

    ``log`` (a writable text stream, e.g. stderr) gets a few Chinese lines about resuming and copy
    detection. Ctrl-C raises ``BatchInterrupted`` once every finished report is recorded.
    """
    from scorer.render.clock import generation_time, iso_utc

    if not inputs:
        raise FzError("没有找到要评分的报告文件")
    out_path = Path(out_dir)
    pages = page_names(inputs)
    word_files = [docx_name(page) for page in pages] if settings.docx else []
    check_output_dir(out_path, inputs, [*pages, *word_files], force, resume)
    init_worker(settings)  # rules, packs and thresholds are checked before anything is written
    fingerprint = batch_fingerprint(settings)
    previous = Journal.read_state(out_path) if resume else None
    if generated_at is not None:
        moment = generated_at
    elif previous and not os.environ.get("SOURCE_DATE_EPOCH", "").strip() and previous.get("generated_at"):
        # A resumed batch keeps the time it was started at: its pages and index agree.
        moment = datetime.fromisoformat(previous["generated_at"].replace("Z", "+00:00"))
    else:
        moment = generation_time()
    moment_text = iso_utc(moment)

    out_path.mkdir(parents=True, exist_ok=True)
    remove_stale_temp_files(out_path)
    progress_state = _Progress(offsets=[None] * len(inputs), sketch_rows=[0] * len(inputs), ok=[False] * len(inputs))
    keep: list[tuple[int, Entry]] = []
    if resume and previous is not None:
        latest = {entry.path: entry for entry in Journal.previous_entries(out_path)}
        for index, path in enumerate(inputs):
            entry = latest.get(path)
            if entry is not None and _reusable(entry, path, pages[index], fingerprint, moment_text, out_path):
                keep.append((index, entry))
        del latest
        if log is not None:
            if previous.get("fingerprint") != fingerprint:
                log.write("续接：工具、规则包或设置与上次不同，上次的结果不能沿用\n")
            log.write(f"续接：沿用已完成的 {len(keep)} 份，还需评分 {len(inputs) - len(keep)} 份\n")
    elif resume and log is not None:
        log.write("续接：输出目录中没有可续接的记录，从头开始\n")
    if not resume:
        Journal.discard(out_path)
    state = {"format": 1, "fingerprint": fingerprint, "generated_at": moment_text, "tool": scorer.__version__}
    journal, offsets = Journal.start(out_path, state, [entry for _, entry in keep])
    for (index, entry), offset in zip(keep, offsets):
        progress_state.offsets[index] = offset
        progress_state.sketch_rows[index] = int(entry.meta.get("sketch_rows", 0))
        progress_state.ok[index] = bool(entry.meta.get("ok"))
    progress_state.reused = len(keep)

    tasks = [
        Task(i, path, pages[i], str(out_path), moment)
        for i, path in enumerate(inputs)
        if progress_state.offsets[i] is None
    ]
    bar = _progress_bar(len(inputs), progress, initial=progress_state.reused)
    results = score_reports(tasks, settings, jobs, limits)
    try:
        try:
            for result in results:
                meta = {
                    "path": inputs[result.index],
                    "page": pages[result.index],
                    "input_sha256": result.input_sha256,
                    "page_sha256": result.page_sha256,
                    "fingerprint": fingerprint,
                    "generated_at": moment_text,
                    "retry": result.retry,
                    "sketch_rows": result.sketch_rows,
                    "ok": result.row.ok,
                }
                progress_state.offsets[result.index] = journal.append(meta, result.row, result.sketch)
                progress_state.sketch_rows[result.index] = result.sketch_rows
                progress_state.ok[result.index] = result.row.ok
                progress_state.scored += 1
                if bar is not None:
                    bar.update(1)
        finally:
            results.close()  # stops the workers at once when interrupted
            if bar is not None:
                bar.close()
            journal.close()  # everything recorded is on disk; from here on it is only read
    except KeyboardInterrupt:
        raise BatchInterrupted(progress_state.done, len(inputs), str(out_path)) from None
    del tasks, results, keep  # the scoring phase's bookkeeping: copy detection reuses the memory

    try:
        batch = finish(journal, inputs, progress_state, out_path, moment, settings, log)
        reserved = [INDEX_PAGE, SUMMARY_CSV, SUMMARY_JSON, *pages, *word_files]
        years = compare_years(batch.rows, out_path, reserved, settings, moment, jobs, limits)
        batch = replace(batch, years=years)
        write_outputs(batch, out_path)
    except KeyboardInterrupt:
        raise BatchInterrupted(progress_state.done, len(inputs), str(out_path)) from None
    return batch


def finish(
    journal: Journal,
    inputs: Sequence[str],
    done: _Progress,
    out_path: Path,
    moment: datetime,
    settings: BatchSettings,
    log: Any = None,
) -> BatchResult:
    """Copy detection over every scored report's sketch, and the batch's rows (read lazily, by path)."""
    import time

    config = settings.copy_detection
    order = sorted(range(len(inputs)), key=lambda i: inputs[i])
    offsets = [done.offsets[i] for i in order]
    if any(offset is None for offset in offsets):  # pragma: no cover - every input yields one result
        raise RuntimeError("a report of the batch has no result")
    started = time.perf_counter()
    with_sketch = [i for i in order if done.sketch_rows[i] > 0]
    table = SketchTable.build(
        ((inputs[i], ParagraphSketches.from_bytes(journal.sketch_at(done.offsets[i]))) for i in with_sketch),
        num_perm=config.num_perm,
        total_rows=sum(done.sketch_rows[i] for i in with_sketch),
    )
    # Scored reports without a paragraph long enough still count in the batch (boilerplate shares).
    table.keys.extend(inputs[i] for i in order if done.ok[i] and done.sketch_rows[i] == 0)
    offset_of = {inputs[i]: done.offsets[i] for i in with_sketch}
    copies = detect_copies_in_table(
        table, config, lambda key: _paragraphs_again(key, _input_hash_at(journal, offset_of[key]))
    )
    del table
    if log is not None:
        log.write(
            f"雷同检测：{copies.compared_paragraphs} 段（去重后），核对 {copies.candidate_pairs} 对候选段落，"
            f"用时 {time.perf_counter() - started:.1f} 秒\n"
        )
    rows = JournalRows(journal, offsets, copies.closest_of)
    return BatchResult(rows=rows, copies=copies, out_dir=str(out_path), generated_at=moment, settings=settings)


def _input_hash_at(journal: Journal, offset: int) -> str | None:
    from scorer.audit.journal import decode_meta

    meta = decode_meta(journal.line_at(offset))
    return meta.get("input_sha256") if meta else None


def _paragraphs_again(path: str, sha256: str | None) -> tuple[str, ...] | None:
    """A scored report's paragraphs, read again (only for the few pairs listed with their text)."""
    from scorer.document import load_document

    try:
        document = load_document(path)
    except Exception:  # noqa: BLE001 - gone or changed since: list the pair without text
        return None
    if sha256 is not None and document.source.sha256 != sha256:
        return None
    return document_paragraphs(document)


def write_outputs(batch: BatchResult, out_dir: str | Path) -> None:
    """``summary.json``, ``summary.csv`` and ``index.html`` of a batch, each streamed and atomic."""
    from scorer.render import batch_index, summary

    out_path = Path(out_dir)
    write_chunks(out_path / SUMMARY_JSON, summary.json_chunks(batch))
    write_chunks(out_path / SUMMARY_CSV, summary.csv_chunks(batch), encoding="utf-8-sig")
    write_chunks(out_path / INDEX_PAGE, batch_index.chunks(batch))


def _progress_bar(total: int, progress: bool | None, initial: int = 0):
    """tqdm on stderr; by default only when stderr is a terminal."""
    enabled = progress if progress is not None else sys.stderr.isatty()
    if not enabled:
        return None
    from tqdm import tqdm

    # No monitor thread: worker processes are forked while the bar runs.
    tqdm.monitor_interval = 0
    return tqdm(
        total=total, initial=initial, file=sys.stderr, unit="份", desc="评分", dynamic_ncols=True, leave=False
    )

