"""The web application: pages for people (Chinese, readable without JavaScript) and a JSON API.

``create_app(config)`` opens the store (migrating it), and returns a FastAPI app whose lifespan
starts and stops the scoring service. Pages are rendered from ``scorer/templates/serve/`` with the
package's one Jinja2 environment (autoescape on); the API is described by ``/api/openapi.json``.
"""

from __future__ import annotations

import base64
import hashlib
import re
import threading
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Sequence
from urllib.parse import quote, unquote, urlencode

from fastapi import FastAPI, File, Form, HTTPException, Query, Request, UploadFile
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

import scorer
from scorer.audit.batch import BatchSettings
from scorer.audit.limits import DEFAULT_TIMEOUT
from scorer.errors import FzError
from scorer.model import (
    LEVEL_LABELS,
    STATUS_LABELS,
    CompareResult,
    Review,
    Scorecard,
    SimilarPair,
    Status,
)
from scorer.model.review import MAX_REASON_CHARS, MAX_REVIEWER_CHARS
from scorer.render import compare as compare_render
from scorer.render import html as html_render
from scorer.render import json_format
from scorer.render.clock import generation_time, iso_utc
from scorer.render.review import review_dict, review_line
from scorer.serve import compare as compare_view
from scorer.serve import exports
from scorer.serve.codec import CodecError, decode, decode_scorecard
from scorer.serve.scoring import ScoringService, compare_task
from scorer.serve.security import (
    CSRF_COOKIE,
    Guard,
    form_csrf_ok,
    same_token,
    session_cookie,
)
from scorer.serve.store import (
    STATES,
    ReportFilter,
    ReportRecord,
    Store,
    UploadRecord,
    UploadTooLarge,
    now,
)
from scorer.serve.uploads import UploadLimits, accept

REVIEWER_COOKIE = "fz_reviewer"
LEVEL_WORD = {level.value: label for level, label in LEVEL_LABELS.items()}
GRADES = ("优秀", "良好", "合格", "不合格")
STATE_WORD = {"pending": "排队中", "scoring": "评分中", "done": "已评分", "failed": "评分失败"}
SORT_KEYS = ("uploaded", "name", "jurisdiction", "level", "year", "date", "score", "grade", "key_missing", "similarity", "reviewed", "state")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
MAX_ID = 2**31 - 1
PAGE_SIZE = 100  # dashboard rows per page: a season of 1,000 reports in one table took ~0.8 s to serve


@dataclass(frozen=True)
class ServeConfig:
    """How the workspace runs (``fzscore serve`` options)."""

    data_dir: Path
    db_url: str | None = None
    token: str | None = None  # required for every request when set
    loopback_only: bool = True  # answer only loopback host names (no token: bound to loopback)
    jobs: int = 1  # scoring processes; 0 = a thread in the server process (tests)
    timeout: float | None = DEFAULT_TIMEOUT  # seconds per report in a scoring process; None: no limit
    limits: UploadLimits = field(default_factory=UploadLimits)
    batch: BatchSettings = field(default_factory=BatchSettings)


def clean_text(value: str | None, limit: int) -> str:
    """User text fit for storage and display: no control characters (newlines and tabs kept), trimmed."""
    return _CONTROL.sub("", value or "").strip()[:limit]


# ---------------------------------------------------------------------------------------------
# API models (the OpenAPI document describes these)
# ---------------------------------------------------------------------------------------------


class SessionOut(BaseModel):
    csrf_token: str = Field(description="send back as header X-CSRF-Token (or form field csrf_token) with the fz_csrf cookie")
    reviewer: str | None
    token_required: bool
    version: str


class QueueOut(BaseModel):
    pending: int
    scoring: int
    done: int
    failed: int
    copies_current: bool = Field(description="copy detection has seen every result")


class FileOut(BaseModel):
    name: str
    outcome: Literal["new", "duplicate", "skipped", "rejected"]
    report_id: int | None
    message: str


class UploadOut(BaseModel):
    id: int
    created_at: str
    uploaded_by: str
    total: int
    finished: int
    counts: dict[str, int]
    files: list[FileOut]


class ReportOut(BaseModel):
    id: int
    name: str
    sha256: str
    state: Literal["pending", "scoring", "done", "failed"]
    error: str | None
    title: str | None
    jurisdiction: str | None
    level: str | None
    year: int | None
    date: str | None
    days_late: int | None = Field(description="days the report's date falls after 1 March of the next year (督察规定); 0 on time; null unknown")
    score: float | None
    grade: str | None
    key_missing: int
    key_missing_titles: list[str]
    covered: int
    partial: int
    missing: int
    not_applicable: int
    closest_id: int | None
    closest_similarity: float | None
    flagged: bool
    reviewed: int
    review_changed: int
    uploaded_at: str
    scored_at: str | None
    scored_with: str | None


class ReportDetailOut(BaseModel):
    report: ReportOut
    scorecard: dict[str, Any] | None = Field(description="the JSON of `fzscore score --format json`, reviews added per item")


class ReviewIn(BaseModel):
    pack: str = Field(min_length=1, max_length=64)
    item: str = Field(min_length=1, max_length=128)
    status: Literal["covered", "partial", "missing", "not_applicable"]
    reason: str = Field(default="", max_length=MAX_REASON_CHARS, description="required when the status differs from the machine's")
    reviewer: str = Field(min_length=1, max_length=MAX_REVIEWER_CHARS)


class ReviewOut(BaseModel):
    pack: str
    item: str
    status: str
    machine_status: str
    overrides: bool
    reason: str
    reviewer: str
    reviewed_at: str
    machine_changed: bool
    line: str


class SharedOut(BaseModel):
    text_a: str
    text_b: str
    similarity: float


class PairOut(BaseModel):
    a_id: int
    b_id: int
    similarity: float
    shared: list[SharedOut]


class BodyReportOut(BaseModel):
    id: int
    year: int | None
    score: float | None
    grade: str | None


class BodyOut(BaseModel):
    jurisdiction: str
    level: str | None
    reports: list[BodyReportOut]


class ErrorOut(BaseModel):
    detail: str


ERRORS = {404: {"model": ErrorOut, "description": "未找到"}, 400: {"model": ErrorOut, "description": "请求无效"}}


def report_out(record: ReportRecord) -> ReportOut:
    data = {name: getattr(record, name) for name in ReportOut.model_fields}
    data.update(
        key_missing_titles=list(record.key_missing_titles),
        uploaded_at=iso_utc(record.uploaded_at),
        scored_at=iso_utc(record.scored_at) if record.scored_at else None,
    )
    return ReportOut(**data)


def upload_out(upload: UploadRecord) -> UploadOut:
    return UploadOut(
        id=upload.id,
        created_at=iso_utc(upload.created_at),
        uploaded_by=upload.uploaded_by,
        total=upload.total,
        finished=upload.finished,
        counts=dict(upload.counts),
        files=[FileOut(name=f.name, outcome=f.outcome, report_id=f.report_id, message=f.message) for f in upload.files],
    )


def review_out(review: Review, current: Status | None) -> ReviewOut:
    data = review_dict(review, current)
    return ReviewOut(pack=review.pack, item=review.item, line=review_line(review, current), **data)


# ---------------------------------------------------------------------------------------------
# The application
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Comparison:
    last: ReportRecord
    this: ReportRecord
    last_card: Scorecard
    this_card: Scorecard
    result: CompareResult


class Workspace:
    """What every route needs: the store, the scoring service, the configuration."""

    def __init__(self, config: ServeConfig) -> None:
        self.config = config
        self.store = Store.open(config.data_dir, config.db_url)
        self.secret = self.store.secret()
        self.scoring = ScoringService(self.store, config.batch, config.jobs, timeout=config.timeout)
        self.started: dict[str, int] = {}
        self._comparisons: dict[tuple, CompareResult] = {}
        self._lock = threading.Lock()

    # -- reading -------------------------------------------------------------------------------

    def record(self, report_id: int) -> ReportRecord:
        record = self.store.report(report_id)
        if record is None:
            raise HTTPException(404, f"没有编号为 {report_id} 的报告")
        return record

    def scorecard(self, record: ReportRecord) -> Scorecard | None:
        blob = self.store.scorecard_blob(record.id)
        if blob is None:
            return None
        try:
            return decode_scorecard(blob)
        except CodecError:
            # Stored by another version of the tool: score it again, show it when done.
            self.store.rescore(record.id)
            self.scoring.wake()
            return None

    def scored(self, report_id: int) -> tuple[ReportRecord, Scorecard]:
        record = self.record(report_id)
        card = self.scorecard(record)
        if card is None:
            raise HTTPException(409, f"报告 {report_id} 尚未评分完成（{STATE_WORD.get(record.state, record.state)}）")
        return record, card

    def comparison(self, last: int, this: int) -> "Comparison":
        """Two scored reports and their comparison (computed in the pool, kept while both results stand)."""
        (last_record, last_card), (this_record, this_card) = self.scored(last), self.scored(this)
        key = (last, this, last_record.scored_at, this_record.scored_at)
        with self._lock:
            result = self._comparisons.get(key)
        if result is None:
            blobs = self.store.scorecard_blob(last), self.store.scorecard_blob(this)
            result = self.scoring.call(compare_task, *blobs)
            with self._lock:
                self._comparisons[key] = result
                while len(self._comparisons) > 32:
                    self._comparisons.pop(next(iter(self._comparisons)))
        return Comparison(last_record, this_record, last_card, this_card, result)

    def review(self, report_id: int, pack: str, item: str, status: str, reason: str, reviewer: str) -> tuple[Review, Status]:
        """Check and store one review; FzError (shown as 400) when it cannot be accepted."""
        record, card = self.scored(report_id)
        target = next((i for i in card.items if i.pack == pack and i.id == item), None)
        if target is None:
            raise FzError(f"报告中没有条目 {pack}:{item}")
        try:
            verdict = Status(status)
        except ValueError:
            raise FzError(f"复核结论 {status!r} 无效") from None
        reason = clean_text(reason, MAX_REASON_CHARS)
        reviewer = clean_text(reviewer, MAX_REVIEWER_CHARS).replace("\n", " ")
        if not reviewer:
            raise FzError("请填写复核人姓名")
        if verdict is not target.status and not reason:
            raise FzError(f"改判（{STATUS_LABELS[target.status]} → {STATUS_LABELS[verdict]}）须写明理由")
        review = Review(pack, item, target.status, verdict, reason, reviewer, now())
        self.store.add_review(record.id, review)
        return review, target.status


def _reviewer_of(request: Request) -> str | None:
    raw = request.cookies.get(REVIEWER_COOKIE)
    if not raw:
        return None
    return clean_text(unquote(raw), MAX_REVIEWER_CHARS) or None


def _remember_reviewer(response: Response, reviewer: str) -> None:
    response.set_cookie(REVIEWER_COOKIE, quote(reviewer, safe=""), max_age=365 * 24 * 3600, httponly=True, samesite="strict")


def _filter_from(params: dict[str, str]) -> ReportFilter:
    """The dashboard's filters from a query string, leniently (a bad value is ignored)."""

    def flag(name: str) -> bool:
        return params.get(name, "") in ("1", "true", "on", "yes")

    year = params.get("year", "")
    level = params.get("level") or None
    grade = params.get("grade") or None
    state_name = params.get("state") or None
    sort = params.get("sort", "uploaded")
    return ReportFilter(
        level=level if level in LEVEL_WORD else None,
        grade=grade if grade in GRADES else None,
        year=int(year) if year.isdigit() and len(year) == 4 else None,
        state=state_name if state_name in STATES else None,
        key_missing=flag("key_missing"),
        flagged=flag("flagged"),
        unreviewed=flag("unreviewed"),
        late=flag("late"),
        query=clean_text(params.get("q"), 100) or None,
        sort=sort if sort in SORT_KEYS else "uploaded",
        descending=params.get("order") == "desc",
    )


def _page_numbers(current: int, pages: int) -> list[int]:
    """The pages a pager links to: the first, the last, and two either side of the current one."""
    return sorted({1, pages, *range(max(1, current - 2), min(pages, current + 2) + 1)})


def _filter_query(flt: ReportFilter, **changes: Any) -> str:
    values = {
        "q": flt.query or "",
        "level": flt.level or "",
        "grade": flt.grade or "",
        "year": str(flt.year) if flt.year else "",
        "state": flt.state or "",
        "key_missing": "1" if flt.key_missing else "",
        "flagged": "1" if flt.flagged else "",
        "unreviewed": "1" if flt.unreviewed else "",
        "late": "1" if flt.late else "",
        "sort": flt.sort,
        "order": "desc" if flt.descending else "asc",
    }
    values.update({k: str(v) for k, v in changes.items()})
    return urlencode([(k, v) for k, v in values.items() if v and not (k == "sort" and v == "uploaded" and "sort" not in changes)])


def create_app(config: ServeConfig) -> FastAPI:
    workspace = Workspace(config)
    store = workspace.store
    env = html_render.environment()
    static = _static_files(env)

    @asynccontextmanager
    async def lifespan(_app: FastAPI):
        workspace.started = workspace.scoring.start()
        try:
            yield
        finally:
            workspace.scoring.stop()
            store.close()

    app = FastAPI(
        title="fzscore 工作台 API",
        version=scorer.__version__,
        description="法治政府建设年度报告评分工作台的 JSON 接口：上传、评分进度、报告、人工复核、雷同、历年对比与导出。",
        docs_url=None,  # the interactive docs load scripts from a CDN: nothing may leave the machine
        redoc_url=None,
        openapi_url="/api/openapi.json",
        lifespan=lifespan,
    )
    app.state.workspace = workspace

    def page(name: str, request: Request, status: int = 200, counts: dict[str, int] | None = None, **context: Any) -> HTMLResponse:
        counts = counts or store.queue_counts()
        body = env.get_template(f"serve/{name}.html.j2").render(
            csrf=request.state.csrf,
            reviewer=_reviewer_of(request) or "",
            queue=counts,
            queue_busy=counts["pending"] + counts["scoring"],
            version=scorer.__version__,
            token_mode=config.token is not None,
            level_word=LEVEL_WORD,
            state_word=STATE_WORD,
            status_word={s.value: w for s, w in STATUS_LABELS.items()},
            **context,
        )
        return HTMLResponse(body, status_code=status)

    def login_page(path: str) -> str:
        return env.get_template("serve/login.html.j2").render(next=path if path.startswith("/") else "/", error=None, version=scorer.__version__)

    def too_large(size: int) -> str:
        return f"上传内容过大（{size / (1024 * 1024):.1f} MB），单次上传上限为 {config.limits.mb(config.limits.max_request_bytes)}；请分批上传"

    app.add_middleware(
        Guard,
        secret=workspace.secret,
        token=config.token,
        loopback_only=config.loopback_only,
        max_request_bytes=config.limits.max_request_bytes,
        login_page=login_page,
        too_large=too_large,
    )

    # -- errors: Chinese, JSON for the API, a page for people ------------------------------------

    def wants_page(request: Request) -> bool:
        return not request.url.path.startswith(("/api/", "/export/")) and "text/html" in request.headers.get("accept", "")

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        detail = exc.detail if isinstance(exc.detail, str) else "请求无效"
        if exc.status_code == 404 and detail == "Not Found":
            detail = "页面不存在"
        if exc.status_code == 405:
            detail = "不支持该请求方法"
        if wants_page(request) and hasattr(request.state, "csrf"):
            return page("error", request, status=exc.status_code, message=detail, code=exc.status_code)
        return JSONResponse({"detail": detail}, status_code=exc.status_code, headers=getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError):
        problems = "；".join(
            f"{'.'.join(str(p) for p in error.get('loc', ()) if p != 'body') or '请求'}：{_problem(error)}" for error in exc.errors()[:5]
        )
        return JSONResponse({"detail": f"请求参数无效：{problems}"}, status_code=422)

    @app.exception_handler(FzError)
    async def user_error(request: Request, exc: FzError):
        status = 413 if isinstance(exc, UploadTooLarge) else 400
        if wants_page(request):
            return page("error", request, status=status, message=str(exc), code=status)
        return JSONResponse({"detail": str(exc)}, status_code=status)

    # -- static ------------------------------------------------------------------------------

    @app.get("/static/{name}", include_in_schema=False)
    def static_file(name: str) -> Response:
        if name not in static:
            raise HTTPException(404, "文件不存在")
        content, media = static[name]
        return Response(content, media_type=media, headers={"cache-control": "no-cache"})

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> Response:
        return Response(status_code=204)

    # -- login (with a token only) ------------------------------------------------------------

    @app.get("/login", include_in_schema=False)
    def login_form(request: Request, next: str = "/") -> HTMLResponse:  # noqa: A002 - the query name
        target = next if next.startswith("/") and not next.startswith("//") else "/"
        return HTMLResponse(env.get_template("serve/login.html.j2").render(next=target, error=None, version=scorer.__version__))

    @app.post("/login", include_in_schema=False)
    def login(token: str = Form(""), next: str = Form("/")) -> Response:  # noqa: A002
        target = next if next.startswith("/") and not next.startswith("//") else "/"
        if config.token is None:
            return RedirectResponse(target, status_code=303)
        if not same_token(token.strip(), config.token):
            body = env.get_template("serve/login.html.j2").render(next=target, error="令牌不正确", version=scorer.__version__)
            return HTMLResponse(body, status_code=401)
        response = RedirectResponse(target, status_code=303)
        response.headers.append("set-cookie", session_cookie(config.token).decode("latin-1"))
        return response

    # -- pages ---------------------------------------------------------------------------------

    @app.get("/", include_in_schema=False)
    def dashboard(request: Request) -> HTMLResponse:
        params = dict(request.query_params)
        flt = _filter_from(params)
        counts = store.queue_counts()
        matching = store.count_reports(flt)
        pages = max(1, -(-matching // PAGE_SIZE))
        page_number = int(params["page"]) if params.get("page", "").isdigit() else 1
        page_number = min(max(page_number, 1), pages)
        records = store.reports(flt, limit=PAGE_SIZE, offset=(page_number - 1) * PAGE_SIZE)
        names = {r.id: r.display_name for r in store.reports(ids=sorted({r.closest_id for r in records if r.closest_id}))}
        columns = (
            ("name", "报告"),
            ("jurisdiction", "主体"),
            ("level", "层级"),
            ("year", "年度"),
            ("date", "成文日期"),
            ("score", "总分"),
            ("grade", "等级"),
            ("key_missing", "关键项缺失"),
            ("similarity", "最相似的报告"),
            ("reviewed", "人工复核"),
            ("state", "状态"),
        )
        sort_links = {
            key: "/?" + _filter_query(flt, sort=key, order="desc" if flt.sort == key and not flt.descending else "asc") for key, _ in columns
        }
        return page(
            "dashboard",
            request,
            counts=counts,
            records=records,
            closest_names=names,
            flt=flt,
            columns=columns,
            sort_links=sort_links,
            years=store.years(),
            grades=GRADES,
            pairs=store.count_pairs(),
            copies_current=store.copies_outdated() is None,
            filtered=flt != ReportFilter(sort=flt.sort, descending=flt.descending),
            all_count=sum(counts.values()),
            matching=matching,
            first_shown=(page_number - 1) * PAGE_SIZE + 1 if records else 0,
            page_number=page_number,
            pages=pages,
            page_links={n: "/?" + _filter_query(flt, page=n) for n in _page_numbers(page_number, pages)},
        )

    @app.get("/upload", include_in_schema=False)
    def upload_form(request: Request) -> HTMLResponse:
        return page("upload", request, limits=config.limits)

    @app.post("/upload", include_in_schema=False)
    def upload_page(request: Request, files: list[UploadFile] = File(default=[]), csrf_token: str = Form("")) -> Response:
        _check_form(request, csrf_token)
        upload = _take_upload(request, files)
        return RedirectResponse(f"/uploads/{upload.id}", status_code=303)

    @app.get("/uploads/{upload_id}", include_in_schema=False)
    def upload_status(request: Request, upload_id: int) -> HTMLResponse:
        upload = store.upload(upload_id) if 0 < upload_id <= MAX_ID else None
        if upload is None:
            raise HTTPException(404, f"没有编号为 {upload_id} 的上传记录")
        names = {r.id: r for r in store.reports(ids=[f.report_id for f in upload.files if f.report_id])}
        return page("upload_status", request, upload=upload, reports=names)

    @app.get("/reports/{report_id}", include_in_schema=False)
    def report_page(request: Request, report_id: int) -> HTMLResponse:
        record = workspace.record(_check_id(report_id))
        card = workspace.scorecard(record)
        history = store.reviews(record.id)
        context: dict[str, Any] = {}
        if card is not None:
            context = html_render.build_context(card, reviews=history, generated_at=record.scored_at or now())
        body_count = len(store.body_reports(record.jurisdiction, record.level)) if record.jurisdiction else 0
        titles = {f"{i.pack}:{i.id}": i.title for i in card.items} if card else {}
        current = {f"{i.pack}:{i.id}": i.status for i in card.items} if card else {}
        return page(
            "report",
            request,
            record=record,
            card=card,
            c=context,
            history=[(r, titles.get(r.key, r.key), review_line(r, current.get(r.key))) for r in reversed(history)],
            open_item=request.query_params.get("open", ""),
            body_count=body_count,
            closest=store.report(record.closest_id) if record.closest_id else None,
        )

    @app.post("/reports/{report_id}/reviews", include_in_schema=False)
    def review_form(
        request: Request,
        report_id: int,
        pack: str = Form(""),
        item: str = Form(""),
        status: str = Form(""),
        reason: str = Form(""),
        reviewer: str = Form(""),
        anchor: str = Form(""),
        csrf_token: str = Form(""),
    ) -> Response:
        _check_form(request, csrf_token)
        review, _ = workspace.review(_check_id(report_id), pack, item, status, reason, reviewer)
        safe_anchor = anchor if re.fullmatch(r"item-[A-Za-z0-9_-]{1,200}", anchor) else ""
        target = f"/reports/{report_id}" + (f"?open={safe_anchor}#{safe_anchor}" if safe_anchor else "")
        response = RedirectResponse(target, status_code=303)
        _remember_reviewer(response, review.reviewer)
        return response

    @app.post("/reports/{report_id}/rescore", include_in_schema=False)
    def rescore_form(request: Request, report_id: int, csrf_token: str = Form("")) -> Response:
        _check_form(request, csrf_token)
        workspace.record(_check_id(report_id))
        store.rescore(report_id)
        workspace.scoring.wake()
        return RedirectResponse(f"/reports/{report_id}", status_code=303)

    @app.get("/copies", include_in_schema=False)
    def copies_page(request: Request) -> HTMLResponse:
        pairs = store.copy_pairs()
        records = {r.id: r for r in store.reports(ids=sorted({p.a_id for p in pairs} | {p.b_id for p in pairs}))}
        views = [(p, decode(p.pair, SimilarPair)) for p in pairs]
        return page("copies", request, pairs=views, records=records, copies_current=store.copies_outdated() is None)

    @app.get("/history", include_in_schema=False)
    def history_page(request: Request) -> HTMLResponse:
        return page("history", request, bodies=store.bodies())

    @app.get("/history/body", include_in_schema=False)
    def body_page(request: Request, jurisdiction: str = "", level: str = "") -> HTMLResponse:
        records = store.body_reports(jurisdiction, level or None) if jurisdiction else []
        if not records:
            raise HTTPException(404, "没有该主体的报告")
        return page("body", request, jurisdiction=jurisdiction, level=level or None, records=records)

    @app.get("/compare", include_in_schema=False)
    def compare_page(request: Request, last: int = 0, this: int = 0) -> HTMLResponse:
        pair = workspace.comparison(_check_id(last), _check_id(this))
        view = compare_view.side_by_side(pair.last_card, pair.this_card, store.reviews(last), store.reviews(this))
        return page(
            "compare",
            request,
            last=pair.last,
            this=pair.this,
            view=view,
            result=pair.result,
            change_words=compare_view.CHANGE_WORDS,
        )

    @app.get("/compare/report.html", tags=["导出"], summary="两个年度的完整对比报告（HTML）", response_class=HTMLResponse, responses=ERRORS)
    def compare_html(last: int = Query(ge=1, le=MAX_ID), this: int = Query(ge=1, le=MAX_ID)) -> Response:
        page_text = exports.comparison_html(workspace.comparison(last, this).result, generation_time())
        return HTMLResponse(page_text, headers={"content-security-policy": _page_csp(page_text)})

    @app.get("/compare/report.docx", tags=["导出"], summary="两个年度的对比报告（Word）", responses=ERRORS)
    def compare_docx(last: int = Query(ge=1, le=MAX_ID), this: int = Query(ge=1, le=MAX_ID)) -> Response:
        content = exports.comparison_docx(workspace.comparison(last, this).result, generation_time())
        return _download(content, "application/vnd.openxmlformats-officedocument.wordprocessingml.document", f"compare-{last:04d}-{this:04d}.docx")

    # -- one report's exports (HTML, JSON, CSV, Word, the original file) ------------------------

    @app.get("/reports/{report_id}/report.html", tags=["导出"], summary="一份报告的完整 HTML 差距报告（含人工复核）", response_class=HTMLResponse, responses=ERRORS)
    def report_html(report_id: int = _id_path(), download: bool = False) -> Response:
        record, card = workspace.scored(report_id)
        page_text = exports.report_html(card, store.reviews(record.id), generation_time())
        headers = {"content-security-policy": _page_csp(page_text)}
        if download:
            headers["content-disposition"] = _attachment(exports.page_name(record))
        return HTMLResponse(page_text, headers=headers)

    @app.get("/reports/{report_id}/report.json", tags=["导出"], summary="一份报告的 JSON（含人工复核）", responses=ERRORS)
    def report_json(report_id: int = _id_path()) -> Response:
        record, card = workspace.scored(report_id)
        return _download(exports.report_json(card, store.reviews(record.id)), "application/json", f"{record.id:04d}.json")

    @app.get("/reports/{report_id}/items.csv", tags=["导出"], summary="一份报告的逐项 CSV（机器判定与人工复核并列，UTF-8 BOM）", responses=ERRORS)
    def report_items_csv(report_id: int = _id_path()) -> Response:
        record, card = workspace.scored(report_id)
        return _download(exports.report_items_csv(card, store.reviews(record.id)), "text/csv; charset=utf-8", f"{record.id:04d}-items.csv")

    @app.get("/reports/{report_id}/report.docx", tags=["导出"], summary="一份报告的 Word 差距报告（含人工复核）", responses=ERRORS)
    def report_docx(report_id: int = _id_path()) -> Response:
        record, card = workspace.scored(report_id)
        content = exports.report_docx(card, store.reviews(record.id), generation_time())
        return _download(content, "application/vnd.openxmlformats-officedocument.wordprocessingml.document", f"{record.id:04d}.docx")

    @app.get("/reports/{report_id}/source", tags=["导出"], summary="上传的原文件（下载，不在浏览器中打开）", responses=ERRORS)
    def report_source(report_id: int = _id_path()) -> Response:
        record = workspace.record(report_id)
        path = store.file_path(record.sha256, record.suffix)
        if not path.is_file():
            raise HTTPException(404, "原文件已不在数据目录中")
        return _download(path.read_bytes(), "application/octet-stream", record.name)

    # -- the season's exports -----------------------------------------------------------------

    @app.get("/export/summary.csv", tags=["导出"], summary="全部报告的汇总 CSV（UTF-8 BOM，含人工复核列）")
    def export_csv() -> Response:
        data = exports.season(store, generation_time())
        return _download(exports.summary_csv(data), "text/csv; charset=utf-8", "summary.csv")

    @app.get("/export/summary.json", tags=["导出"], summary="全部报告的汇总 JSON（含人工复核）")
    def export_json() -> Response:
        data = exports.season(store, generation_time())
        return _download(exports.summary_json(data), "application/json", "summary.json")

    @app.get("/export/pages.zip", tags=["导出"], summary="全部页面：index.html、每份报告一页（含人工复核）与汇总 CSV/JSON")
    def export_pages() -> Response:
        moment = generation_time()
        data = exports.season(store, moment)
        return _download(exports.pages_zip(store, data, moment), "application/zip", "fzscore-pages.zip")

    # -- JSON API ------------------------------------------------------------------------------

    @app.get("/api/session", tags=["会话"], summary="CSRF 令牌与记住的复核人", response_model=SessionOut)
    def api_session(request: Request) -> SessionOut:
        return SessionOut(csrf_token=request.state.csrf, reviewer=_reviewer_of(request), token_required=config.token is not None, version=scorer.__version__)

    @app.get("/api/status", tags=["评分"], summary="评分队列", response_model=QueueOut)
    def api_status() -> QueueOut:
        return QueueOut(**store.queue_counts(), copies_current=store.copies_outdated() is None)

    @app.post(
        "/api/uploads",
        tags=["上传"],
        summary="上传一份或多份报告（或文件夹的 .zip），排队评分",
        response_model=UploadOut,
        status_code=201,
        responses={413: {"model": ErrorOut, "description": "超过大小或数量上限"}, 403: {"model": ErrorOut}},
    )
    def api_upload(request: Request, files: list[UploadFile] = File(description="报告文件（.txt .md .docx .pdf .html）或 .zip"), csrf_token: str = Form("")) -> UploadOut:
        _check_form(request, csrf_token)
        return upload_out(_take_upload(request, files))

    @app.get("/api/uploads/{upload_id}", tags=["上传"], summary="一次上传的文件与评分进度", response_model=UploadOut, responses=ERRORS)
    def api_upload_status(upload_id: int = _id_path()) -> UploadOut:
        upload = store.upload(upload_id)
        if upload is None:
            raise HTTPException(404, f"没有编号为 {upload_id} 的上传记录")
        return upload_out(upload)

    @app.get("/api/reports", tags=["报告"], summary="报告列表（可筛选、排序）", response_model=list[ReportOut])
    def api_reports(
        level: Literal["province", "city", "county", "township", "department"] | None = None,
        grade: Literal["优秀", "良好", "合格", "不合格"] | None = None,
        year: int | None = Query(None, ge=1900, le=2200),
        state: Literal["pending", "scoring", "done", "failed"] | None = None,
        key_missing: bool = False,
        flagged: bool = False,
        unreviewed: bool = False,
        late: bool = Query(False, description="only reports dated after 1 March of the next year (督察规定's deadline)"),
        q: str | None = Query(None, max_length=100),
        sort: Literal[SORT_KEYS] = "uploaded",  # type: ignore[valid-type]
        order: Literal["asc", "desc"] = "asc",
        limit: int | None = Query(None, ge=1, le=10_000, description="at most this many reports (one page); all when absent"),
        offset: int = Query(0, ge=0, le=MAX_ID, description="skip this many reports first (with limit)"),
    ) -> list[ReportOut]:
        flt = ReportFilter(
            level, grade, year, state, key_missing, flagged, unreviewed, late, clean_text(q, 100) or None, sort, order == "desc"
        )
        return [report_out(r) for r in store.reports(flt, limit=limit, offset=offset if limit is not None else 0)]

    @app.get("/api/reports/{report_id}", tags=["报告"], summary="一份报告：状态与评分结果（含人工复核）", response_model=ReportDetailOut, responses=ERRORS)
    def api_report(report_id: int = _id_path()) -> ReportDetailOut:
        record = workspace.record(report_id)
        card = workspace.scorecard(record)
        data = json_format.to_dict(card, reviews=store.reviews(record.id)) if card is not None else None
        return ReportDetailOut(report=report_out(record), scorecard=data)

    @app.get("/api/reports/{report_id}/reviews", tags=["人工复核"], summary="一份报告的全部复核记录（按时间，最新的生效）", response_model=list[ReviewOut], responses=ERRORS)
    def api_reviews(report_id: int = _id_path()) -> list[ReviewOut]:
        record = workspace.record(report_id)
        current = store.item_statuses(record.id)
        return [review_out(r, current.get(r.key)) for r in store.reviews(record.id)]

    @app.post(
        "/api/reports/{report_id}/reviews",
        tags=["人工复核"],
        summary="确认或改判一个条目（改判须写理由）",
        response_model=ReviewOut,
        status_code=201,
        responses={**ERRORS, 409: {"model": ErrorOut, "description": "尚未评分完成"}, 403: {"model": ErrorOut}},
    )
    def api_add_review(request: Request, body: ReviewIn, report_id: int = _id_path()) -> Response:
        review, current = workspace.review(report_id, body.pack, body.item, body.status, body.reason, body.reviewer)
        response = JSONResponse(review_out(review, current).model_dump(), status_code=201)
        _remember_reviewer(response, review.reviewer)
        return response

    @app.post("/api/reports/{report_id}/rescore", tags=["评分"], summary="重新评分一份报告（复核保留）", response_model=ReportOut, responses={**ERRORS, 403: {"model": ErrorOut}})
    def api_rescore(report_id: int = _id_path()) -> ReportOut:
        workspace.record(report_id)
        store.rescore(report_id)
        workspace.scoring.wake()
        return report_out(workspace.record(report_id))

    @app.get("/api/copies", tags=["雷同"], summary="疑似雷同的报告对及相同段落（同一年度内比较）", response_model=list[PairOut])
    def api_copies() -> list[PairOut]:
        result = []
        for pair in store.copy_pairs():
            stored = decode(pair.pair, SimilarPair)
            shared = [SharedOut(text_a=s.text_a, text_b=s.text_b, similarity=s.similarity) for s in stored.shared]
            result.append(PairOut(a_id=pair.a_id, b_id=pair.b_id, similarity=pair.similarity, shared=shared))
        return result

    @app.get("/api/history", tags=["历年"], summary="按主体（地区与层级）归组的各年度报告", response_model=list[BodyOut])
    def api_history() -> list[BodyOut]:
        return [
            BodyOut(jurisdiction=j, level=level, reports=[BodyReportOut(id=r.id, year=r.year, score=r.score, grade=r.grade) for r in records])
            for j, level, records in store.bodies()
        ]

    @app.get("/api/compare", tags=["历年"], summary="同一主体两个年度的逐项对比", responses={**ERRORS, 409: {"model": ErrorOut}})
    def api_compare(last: int = Query(ge=1, le=MAX_ID), this: int = Query(ge=1, le=MAX_ID)) -> dict[str, Any]:
        pair = workspace.comparison(last, this)
        view = compare_view.side_by_side(pair.last_card, pair.this_card, store.reviews(last), store.reviews(this))
        return {"last": last, "this": this, **compare_view.to_dict(view), "comparison": compare_render.to_dict(pair.result)}

    # -- helpers that need the closure -------------------------------------------------------

    def _check_form(request: Request, field_value: str) -> None:
        if not form_csrf_ok(workspace.secret, request.scope.get("state", {}), request.cookies.get(CSRF_COOKIE), field_value):
            raise HTTPException(403, "页面已过期或请求来源不明（CSRF 校验失败），请刷新页面后重试")

    def _take_upload(request: Request, files: Sequence[UploadFile]) -> UploadRecord:
        files = [f for f in files if f.filename or (f.size or 0) > 0]
        if not files:
            raise FzError("没有选择文件")
        limits = config.limits
        if len(files) > limits.max_files:
            raise UploadTooLarge(f"一次最多上传 {limits.max_files} 个文件，本次 {len(files)} 个；请分批上传")
        for upload in files:
            size = upload.size or 0
            if size > limits.max_file_bytes and not (upload.filename or "").lower().endswith(".zip"):
                raise UploadTooLarge(f"文件“{upload.filename}”超过 {limits.mb(limits.max_file_bytes)} 的上限（{limits.mb(size)}）")
        upload_id = store.new_upload(_reviewer_of(request) or "")
        accept(store, upload_id, [(f.filename or "", f.file) for f in files], limits)
        workspace.scoring.wake()
        return store.upload(upload_id)  # type: ignore[return-value]

    return app


def _problem(error: dict[str, Any]) -> str:
    kind = error.get("type", "")
    return {
        "missing": "缺少",
        "int_parsing": "应为整数",
        "bool_parsing": "应为是/否",
        "literal_error": "取值不在允许范围内",
        "greater_than_equal": "过小",
        "less_than_equal": "过大",
        "string_too_long": "过长",
        "string_too_short": "不能为空",
        "json_invalid": "不是有效的 JSON",
        "model_attributes_type": "应为 JSON 对象",
        "dict_type": "应为 JSON 对象",
        "string_type": "应为文本",
    }.get(kind, "无效")


def _id_path():
    from fastapi import Path as PathParam

    return PathParam(ge=1, le=MAX_ID, description="编号", examples=[1])


def _check_id(value: int) -> int:
    if not 0 < value <= MAX_ID:
        raise HTTPException(404, f"没有编号为 {value} 的记录")
    return value


def _attachment(name: str) -> str:
    """Content-Disposition for a download: an ASCII fallback and the UTF-8 name (RFC 6266)."""
    ascii_name = re.sub(r"[^A-Za-z0-9._-]", "_", name) or "download"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"


def _download(content: str | bytes, media_type: str, name: str) -> Response:
    return Response(content, media_type=media_type, headers={"content-disposition": _attachment(name)})


def _page_csp(page_text: str) -> str:
    """The exported report's own policy, with its inline stylesheets allowed by hash only."""
    hashes = [
        "'sha256-" + base64.b64encode(hashlib.sha256(block.encode("utf-8")).digest()).decode("ascii") + "'"
        for block in re.findall(r"<style>(.*?)</style>", page_text, flags=re.S)
    ]
    return f"default-src 'none'; style-src {' '.join(hashes) or chr(39) + 'none' + chr(39)}; img-src data:; form-action 'none'; frame-ancestors 'none'; base-uri 'none'"


def _static_files(env) -> dict[str, tuple[bytes, str]]:  # noqa: ANN001 - the Jinja2 environment
    css = "\n".join(env.get_template(name).render() for name in ("_base.css.j2", "_review.css.j2", "serve/workspace.css.j2"))
    script = (Path(__file__).parent / "workspace.js").read_text(encoding="utf-8")
    return {
        "workspace.css": (css.encode("utf-8"), "text/css; charset=utf-8"),
        "workspace.js": (script.encode("utf-8"), "text/javascript; charset=utf-8"),
    }
