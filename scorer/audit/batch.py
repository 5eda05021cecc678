"""Batch audit: score many reports (optionally in several processes), detect copies, write outputs.

The flow: collect inputs (sorted) -> plan one page name per input -> score each report in a
worker that builds its ``Scorer`` once (``ProcessPoolExecutor`` initializer) and returns a small
summary row, the rendered page and the paragraphs -> write each page as it arrives -> copy
detection over all paragraphs -> ``index.html``, ``summary.csv``, ``summary.json``.

A report that cannot be scored is a row with an ``error``; the others go on. Output does not
depend on the number of processes: rows are ordered by input path, nothing records timing.

When the batch holds several years of one body, each report is compared with its previous year
(``scorer.audit.years`` plans the pairs, the same worker pool runs ``scorer.audit.compare``): one
comparison page per pair, and the change shown in the index and summaries. ``docx`` adds a Word
gap report per report.
"""

from __future__ import annotations

import os
import re
import sys
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any, Iterator, Mapping, Sequence

from scorer.audit.copydetect import detect_copies
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
class ScoredReport:
    """What a worker sends back for one input."""

    index: int
    row: ReportRow
    page_html: str | None = None
    paragraphs: tuple[str, ...] = ()
    page_docx: bytes | None = None


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


def check_output_dir(out_dir: Path, inputs: Sequence[str], pages: Sequence[str], force: bool) -> None:
    """Refuse a non-empty folder without ``force`` and any output that would replace an input."""
    if out_dir.exists() and not out_dir.is_dir():
        raise FzError(f"输出路径 {out_dir} 已存在且不是目录")
    # Hidden entries (.gitkeep in the repository's reports_out/) are never outputs: they do not count.
    if out_dir.is_dir() and any(not p.name.startswith(".") for p in out_dir.iterdir()) and not force:
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


def write_file(path: Path, content: str | bytes, encoding: str = "utf-8") -> None:
    """Write atomically (temp file + rename) so a crash never leaves half a page."""
    tmp = path.with_name(f".{path.name}.tmp{os.getpid()}")
    if isinstance(content, bytes):
        tmp.write_bytes(content)
    else:
        with open(tmp, "w", encoding=encoding, newline="") as handle:
            handle.write(content)
    tmp.replace(path)


# ---------------------------------------------------------------------------------------------
# Scoring one report (runs in a worker)
# ---------------------------------------------------------------------------------------------

_WORKER: dict[str, Any] = {}


def build_scorer(settings: BatchSettings):
    """The Scorer for ``settings`` (packs loaded, pack choice checked)."""
    from scorer.pipeline import Scorer
    from scorer.rules import select_packs

    scorer = Scorer(
        rules_dir=settings.rules_dir,
        pack_choice=settings.pack_choice,
        matching=dict(settings.matching) if settings.matching else None,
        waivers=settings.waivers,
    )
    if settings.pack_choice != "auto":
        select_packs(scorer.packs, settings.pack_choice, None)  # unknown pack ids: fail before scoring
    return scorer


def init_worker(settings: BatchSettings) -> None:
    """Process-pool initializer: build the Scorer once per process (reused when inherited by fork)."""
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


def score_one(task: tuple[int, str, str, datetime]) -> ScoredReport:
    """Score and render one input; any error becomes the row's ``error`` (never raises)."""
    index, path, page, generated_at = task
    try:
        from scorer.render import html

        scorecard = _WORKER["scorer"].score_path(path)
        page_html = html.format(scorecard, generated_at=generated_at)
        page_docx = None
        if _WORKER["settings"].docx:
            from scorer.render import docx

            page_docx = docx.format_scorecard(scorecard, generated_at=generated_at)
        row = summarise(scorecard, path, page)
        return ScoredReport(index, row, page_html, document_paragraphs(scorecard.document), page_docx)
    except FzError as exc:
        return ScoredReport(index, ReportRow(path=path, page=None, error=str(exc)))
    except Exception as exc:  # noqa: BLE001 - one broken file must not stop the batch
        return ScoredReport(index, ReportRow(path=path, page=None, error=f"内部错误：{type(exc).__name__}: {exc}"))


def score_reports(
    inputs: Sequence[str],
    pages: Sequence[str],
    settings: BatchSettings,
    generated_at: datetime,
    jobs: int = 1,
) -> Iterator[ScoredReport]:
    """Yield one ScoredReport per input, as they complete (in any order)."""
    tasks = [(i, path, pages[i], generated_at) for i, path in enumerate(inputs)]

    def broken(task: tuple[int, str, str, datetime]) -> ScoredReport:
        return ScoredReport(task[0], ReportRow(path=task[1], page=None, error="内部错误：评分进程意外退出"))

    yield from _run_tasks(score_one, tasks, settings, jobs, broken)


def _run_tasks(function, tasks: Sequence[Any], settings: BatchSettings, jobs: int, broken) -> Iterator[Any]:
    """``function(task)`` for every task, in this process or a pool of ``jobs``, as they complete.

    ``function`` never raises (it turns errors into results); ``broken(task)`` stands in for the
    result of a task whose worker process died.
    """
    init_worker(settings)  # validates rules and packs up front (errors exit 2 before any work)
    if jobs <= 1 or len(tasks) <= 1:
        for task in tasks:
            yield function(task)
        return
    with ProcessPoolExecutor(max_workers=min(jobs, len(tasks)), initializer=init_worker, initargs=(settings,)) as pool:
        futures = {pool.submit(function, task): task for task in tasks}
        for future in as_completed(futures):
            # Drop our reference at once: a finished future holds its result (a whole page).
            task = futures.pop(future)
            try:
                yield future.result()
            except BrokenProcessPool:
                yield broken(task)


# ---------------------------------------------------------------------------------------------
# Year pairs (runs in a worker)
# ---------------------------------------------------------------------------------------------


def compare_one(task: tuple[int, YearPair, datetime]) -> tuple[int, YearPair, str | None]:
    """Compare one year pair and render its page; any error becomes the pair's ``error``."""
    index, pair, generated_at = task
    try:
        from scorer.audit.compare import compare_paths
        from scorer.render import compare as compare_page

        settings: BatchSettings = _WORKER["settings"]
        result = compare_paths(_WORKER["scorer"], pair.last, pair.this, config=settings.compare)
        return index, pair.with_result(result), compare_page.format_html(result, generated_at=generated_at)
    except FzError as exc:
        return index, replace(pair, error=str(exc)), None
    except Exception as exc:  # noqa: BLE001 - one broken pair must not stop the batch
        return index, replace(pair, error=f"内部错误：{type(exc).__name__}: {exc}"), None


def compare_years(
    rows: Sequence[ReportRow], out_path: Path, reserved: Sequence[str], settings: BatchSettings, moment: datetime, jobs: int
) -> YearPairs:
    """Pair reports of one body across years, compare each pair and write its page."""
    planned = plan_pairs(rows, reserved)
    tasks = [(i, pair, moment) for i, pair in enumerate(planned.pairs)]
    done: list[YearPair] = list(planned.pairs)

    def broken(task: tuple[int, YearPair, datetime]) -> tuple[int, YearPair, None]:
        return task[0], replace(task[1], error="内部错误：比较进程意外退出"), None

    for index, pair, page in _run_tasks(compare_one, tasks, settings, jobs, broken):
        if page is not None:
            write_file(out_path / pair.page, page)
        done[index] = pair
    return YearPairs(tuple(done), planned.unpaired)


# ---------------------------------------------------------------------------------------------
# The whole batch
# ---------------------------------------------------------------------------------------------


def run_batch(
    inputs: Sequence[str],
    out_dir: str | Path,
    settings: BatchSettings,
    *,
    jobs: int = 1,
    force: bool = False,
    progress: bool | None = None,
    generated_at: datetime | None = None,
) -> BatchResult:
    """Score ``inputs`` into ``out_dir``: one page per report, index.html, summary.csv/json."""
    from scorer.render import batch_index, summary
    from scorer.render.clock import generation_time

    if not inputs:
        raise FzError("没有找到要评分的报告文件")
    out_path = Path(out_dir)
    pages = page_names(inputs)
    word_files = [docx_name(page) for page in pages] if settings.docx else []
    check_output_dir(out_path, inputs, [*pages, *word_files], force)
    moment = generated_at or generation_time()
    init_worker(settings)  # rules, packs and thresholds are checked before anything is written
    out_path.mkdir(parents=True, exist_ok=True)

    results: list[ScoredReport | None] = [None] * len(inputs)
    bar = _progress_bar(len(inputs), progress)
    try:
        for result in score_reports(inputs, pages, settings, moment, jobs):
            if result.page_html is not None and result.row.page:
                write_file(out_path / result.row.page, result.page_html)
            if result.page_docx is not None and result.row.page:
                write_file(out_path / docx_name(result.row.page), result.page_docx)
            # Keep only what the index needs: the page is on disk now.
            results[result.index] = replace(result, page_html=None, page_docx=None)
            if bar is not None:
                bar.update(1)
    finally:
        if bar is not None:
            bar.close()

    done = [r for r in results if r is not None]
    scored = [r for r in done if r.row.ok]
    copies = detect_copies([(r.row.path, r.paragraphs) for r in scored], settings.copy_detection)
    rows: list[ReportRow] = []
    for result in done:
        row = result.row
        if row.ok:
            closest = copies.closest_of(row.path)
            row = replace(row, closest=closest.other, closest_similarity=closest.similarity)
        rows.append(row)
    rows.sort(key=lambda r: r.path)
    reserved = [INDEX_PAGE, SUMMARY_CSV, SUMMARY_JSON, *pages, *word_files]
    years = compare_years(rows, out_path, reserved, settings, moment, jobs)
    batch = BatchResult(
        rows=tuple(rows), copies=copies, out_dir=str(out_path), generated_at=moment, settings=settings, years=years
    )

    write_file(out_path / SUMMARY_JSON, summary.to_json(batch))
    write_file(out_path / SUMMARY_CSV, summary.to_csv(batch), encoding="utf-8-sig")
    write_file(out_path / INDEX_PAGE, batch_index.format(batch))
    return batch


def _progress_bar(total: int, progress: bool | None):
    """tqdm on stderr; by default only when stderr is a terminal."""
    enabled = progress if progress is not None else sys.stderr.isatty()
    if not enabled:
        return None
    from tqdm import tqdm

    return tqdm(total=total, file=sys.stderr, unit="份", desc="评分", dynamic_ncols=True, leave=False)
