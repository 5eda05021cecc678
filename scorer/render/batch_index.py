"""``index.html`` of a batch: the sortable, filterable table of every report, failures, copy suspects.

The table is complete and readable without JavaScript (and when printed); a small inline script,
allowed by a Content-Security-Policy hash and nothing else, adds sorting and a filter box. No
network requests. Everything from the reports reaches the template as plain data and is escaped.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from pathlib import PurePath
from typing import TYPE_CHECKING, Iterator
from urllib.parse import quote

import scorer
from scorer.model import LEVEL_LABELS
from scorer.render.clock import iso_utc

if TYPE_CHECKING:  # pragma: no cover
    from scorer.model import BatchResult, ReportRow

# Rows carry the level's value ("county"); the labels are the shared ones.
LEVEL_WORD = {level.value: label for level, label in LEVEL_LABELS.items()}

# Progressive enhancement only: sorting by header buttons and a text filter. It reads cell text
# and data-sort attributes and never writes HTML (textContent only).
SCRIPT = """
(function () {
  "use strict";
  var table = document.getElementById("reports");
  if (!table || !table.tBodies.length) { return; }
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var headers = table.tHead.rows[0].cells;
  var state = { column: -1, descending: false };

  function key(row, column) {
    var cell = row.cells[column];
    var raw = cell.getAttribute("data-sort");
    if (raw === null) { raw = cell.textContent.trim(); }
    var number = parseFloat(raw);
    return { text: raw, number: number, numeric: raw !== "" && !isNaN(number) && isFinite(raw) };
  }

  function compare(a, b) {
    if (a.numeric && b.numeric) { return a.number - b.number; }
    if (a.numeric !== b.numeric) { return a.numeric ? -1 : 1; }
    if (a.text === b.text) { return 0; }
    if (a.text === "") { return 1; }
    if (b.text === "") { return -1; }
    return a.text.localeCompare(b.text, "zh-CN");
  }

  function sortBy(column) {
    state.descending = state.column === column ? !state.descending : false;
    state.column = column;
    var keyed = rows.map(function (row, index) { return { row: row, key: key(row, column), index: index }; });
    keyed.sort(function (a, b) {
      var order = compare(a.key, b.key);
      if (state.descending) { order = -order; }
      return order || a.index - b.index;
    });
    keyed.forEach(function (entry) { body.appendChild(entry.row); });
    Array.prototype.forEach.call(headers, function (th, index) {
      th.setAttribute("aria-sort", index === column ? (state.descending ? "descending" : "ascending") : "none");
    });
  }

  Array.prototype.forEach.call(headers, function (th, index) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "sort";
    while (th.firstChild) { button.appendChild(th.firstChild); }
    th.appendChild(button);
    th.setAttribute("aria-sort", "none");
    button.addEventListener("click", function () { sortBy(index); });
  });

  var box = document.createElement("p");
  box.className = "filter screen-only";
  var label = document.createElement("label");
  label.textContent = "筛选：";
  var input = document.createElement("input");
  input.type = "search";
  input.placeholder = "输入主体、层级、年度、等级或缺失项";
  label.appendChild(input);
  var shown = document.createElement("span");
  shown.className = "muted";
  box.appendChild(label);
  box.appendChild(shown);
  table.parentNode.insertBefore(box, table);

  function applyFilter() {
    var needle = input.value.trim().toLowerCase();
    var visible = 0;
    rows.forEach(function (row) {
      var hit = !needle || row.textContent.toLowerCase().indexOf(needle) !== -1;
      row.hidden = !hit;
      if (hit) { visible += 1; }
    });
    shown.textContent = needle ? "  显示 " + visible + " / " + rows.length + " 份" : "";
  }
  input.addEventListener("input", applyFilter);
})();
"""



@dataclass(frozen=True)
class IndexRow:
    href: str  # URL of the report's page, relative and percent-encoded
    name: str
    file: str
    jurisdiction: str
    level: str
    year: str
    score: str
    score_sort: str
    grade: str
    key_missing: tuple[str, ...]
    date: str
    late: str  # "逾期 N 天" when dated after the 3月1日 deadline, else ""
    closest_name: str | None
    closest_href: str | None
    similarity: str
    similarity_sort: str
    flagged: bool
    # Year over year (empty when the report has no previous year in the batch)
    compare_href: str | None = None
    score_change: str = ""
    score_change_sort: str = ""
    repeated: str = ""
    plans: str = ""
    plans_sort: str = ""


@dataclass(frozen=True)
class ReportLink:
    name: str
    href: str | None  # its page, when it was scored
    file: str


@dataclass(frozen=True)
class YearPairView:
    last: ReportLink
    this: ReportLink
    compare_href: str | None
    verdict: str
    error: str | None


@dataclass(frozen=True)
class FailedRow:
    file: str
    error: str


@dataclass(frozen=True)
class SharedView:
    text_a: str
    text_b: str
    similarity: str


@dataclass(frozen=True)
class PairView:
    name_a: str
    name_b: str
    href_a: str | None
    href_b: str | None
    file_a: str
    file_b: str
    similarity: str
    shorter: str
    shared: tuple[SharedView, ...]


def page_href(page: str) -> str:
    """A relative link to a page in the same folder: every special character percent-encoded,
    so a file named ``javascript:…`` stays a relative path."""
    return "./" + quote(page, safe="")


def percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.0f}%"


def _display_name(row: "ReportRow") -> str:
    if row.title:
        return row.title
    bits = [row.jurisdiction or "", f"{row.year}年" if row.year else ""]
    return "".join(bits) or PurePath(row.path).name


def build_context(batch: "BatchResult") -> dict[str, object]:
    """Everything ``index.html.j2`` shows, as plain data; the rows come one at a time (generators)."""
    # Name and page of every report, for the links to each one's closest other report: strings
    # only, so a batch of tens of thousands of rows is never held in memory at once.
    names: dict[str, tuple[str, str | None]] = {row.path: (_display_name(row), row.page) for row in batch.rows}
    # A report is marked when its closest other report reaches the flag threshold (the listed
    # pairs are capped, the marks are not).
    threshold = batch.copies.config.flag_similarity - 1e-9
    flagged_paths = {
        key for key, closest in batch.copies.closest if closest.other is not None and closest.similarity >= threshold
    }

    def href_of(path: str | None) -> str | None:
        entry = names.get(path) if path else None
        return page_href(entry[1]) if entry is not None and entry[1] else None

    def name_of(path: str) -> str:
        entry = names.get(path)
        return entry[0] if entry is not None else path

    def link(path: str) -> ReportLink:
        return ReportLink(name_of(path), href_of(path), PurePath(path).name)

    def index_rows() -> Iterator[IndexRow]:
        for row in batch.rows:
            if not row.ok:
                continue
            previous = batch.years.previous_of(row.path)
            compared = previous is not None and previous.ok
            yield IndexRow(
                href=page_href(row.page or ""),
                name=_display_name(row),
                file=PurePath(row.path).name,
                jurisdiction=row.jurisdiction or "",
                level=LEVEL_WORD.get(row.level or "", ""),
                year=str(row.year) if row.year else "",
                score=f"{row.score:.1f}" if row.score is not None else "",
                score_sort=f"{row.score:.4f}" if row.score is not None else "",
                grade=row.grade or "",
                key_missing=row.key_not_covered_titles,
                date=row.date or "",
                late=f"逾期 {row.days_late} 天" if row.days_late else "",
                closest_name=name_of(row.closest) if row.closest else None,
                closest_href=href_of(row.closest),
                similarity=percent(row.closest_similarity) if row.closest else "—",
                similarity_sort=f"{row.closest_similarity:.4f}" if row.closest_similarity is not None else "",
                flagged=row.path in flagged_paths,
                compare_href=page_href(previous.page) if compared else None,
                score_change=f"{previous.score_change:+.1f}" if compared else "",
                score_change_sort=f"{previous.score_change:.4f}" if compared else "",
                repeated=f"{previous.repeated_problems}/{previous.problem_statements}" if compared else "",
                plans=f"{previous.plans_followed}/{previous.plan_points}" if compared else "",
                plans_sort=f"{previous.plans_followed / previous.plan_points:.4f}" if compared and previous.plan_points else "",
            )

    def failed_rows() -> Iterator[FailedRow]:
        for row in batch.rows:
            if not row.ok:
                yield FailedRow(row.path, row.error or "")

    year_pairs = [
        YearPairView(link(pair.last), link(pair.this), page_href(pair.page) if pair.ok else None, pair.verdict or "", pair.error)
        for pair in batch.years.pairs
    ]
    unpaired = tuple(FailedRow(item.path, item.reason) for item in batch.years.unpaired)
    pairs = [
        PairView(
            name_a=name_of(pair.a),
            name_b=name_of(pair.b),
            href_a=href_of(pair.a),
            href_b=href_of(pair.b),
            file_a=PurePath(pair.a).name,
            file_b=PurePath(pair.b).name,
            similarity=percent(pair.similarity),
            shorter="A" if pair.shorter == pair.a else "B",
            shared=tuple(SharedView(s.text_a, s.text_b, percent(s.similarity)) for s in pair.shared),
        )
        for pair in batch.copies.flagged
    ]
    config = batch.copies.config
    script_hash = base64.b64encode(hashlib.sha256(SCRIPT.encode("utf-8")).digest()).decode("ascii")
    return {
        "rows": index_rows(),
        "failed": failed_rows(),
        "pairs": tuple(pairs),
        "year_pairs": tuple(year_pairs),
        "unpaired": unpaired,
        "pairs_total": batch.copies.flagged_total,
        "total": len(batch.rows),
        "scored": batch.scored,
        "failed_count": batch.failed,
        "late_count": batch.late,
        "paragraph_similarity": percent(config.paragraph_similarity),
        "flag_similarity": percent(config.flag_similarity),
        "min_paragraph_chars": config.min_paragraph_chars,
        "boilerplate_share": percent(config.boilerplate_share),
        "boilerplate_max_reports": config.boilerplate_max_reports,
        "boilerplate_min_reports": config.boilerplate_min_reports,
        "boilerplate_paragraphs": batch.copies.boilerplate_paragraphs,
        "generated_at": iso_utc(batch.generated_at),
        "tool_version": scorer.__version__,
        "script": SCRIPT,
        "script_hash": script_hash,
    }


def chunks(batch: "BatchResult") -> Iterator[str]:
    """``index.html`` piece by piece (Jinja2 streaming): one row at a time in memory."""
    from scorer.render.html import environment

    return environment().get_template("index.html.j2").generate(build_context(batch))


def format(batch: "BatchResult") -> str:  # noqa: A001 - renderer interface
    return "".join(chunks(batch))
