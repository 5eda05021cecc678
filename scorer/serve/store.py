"""Where the workspace keeps its season: SQLite in the data folder (WAL) or PostgreSQL, plus the files.

Uploaded files are stored once, by content hash (``files/ab/<sha256><suffix>``); the name a user
gave a file is kept for display only and never becomes part of a path. The schema is created and
upgraded by the Alembic migrations shipped in ``migrations/``, run at every start.

Every method opens its own short transaction, so the web threads and the scoring dispatcher can
share one ``Store``. Times are stored and returned in UTC.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
import tempfile
import unicodedata
from dataclasses import dataclass, fields
from datetime import datetime, timezone
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import IO, Any, Iterable, Mapping, Sequence

from sqlalchemy import (
    Engine,
    String,
    and_,
    case,
    cast,
    create_engine,
    event,
    func,
    literal,
    or_,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError

from scorer.errors import ConfigError, FzError
from scorer.model import Review, Status, reviews_by_item
from scorer.model.audit import SUBMISSION_DEADLINE, days_late
from scorer.serve.schema import (
    copy_pairs,
    reports,
    reviews,
    state,
    upload_files,
    uploads,
)

SQLITE_NAME = "fzscore.db"
FILES_DIR = "files"
STATES = ("pending", "scoring", "done", "failed")
MAX_NAME_CHARS = 200
_SUFFIX = re.compile(r"\.[a-z0-9]{1,7}")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")
_CHUNK = 1 << 20


class UploadTooLarge(FzError):
    """A file is over the size limit (the request is answered with 413)."""


# ---------------------------------------------------------------------------------------------
# Opening
# ---------------------------------------------------------------------------------------------


def database_url(data_dir: Path, db_url: str | None) -> str:
    """The SQLAlchemy URL: SQLite in ``data_dir`` by default; ``postgresql://…`` uses psycopg 3."""
    if not db_url:
        return f"sqlite:///{(data_dir / SQLITE_NAME).resolve()}"
    scheme, sep, rest = db_url.partition("://")
    if not sep:
        raise ConfigError(f"--db 应为数据库 URL，例如 postgresql://用户@主机/库名，实际为 {db_url!r}")
    if scheme in ("postgresql", "postgres", "postgresql+psycopg"):
        return f"postgresql+psycopg://{rest}"
    if scheme == "sqlite":
        return db_url
    raise ConfigError(f"不支持的数据库类型 {scheme!r}：--db 只接受 postgresql://… 或 sqlite:///…")


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _pragmas(connection, _record) -> None:  # noqa: ANN001 - DBAPI objects
            cursor = connection.cursor()
            # WAL: readers never wait for the scoring dispatcher's writes (and vice versa).
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        return engine
    try:
        import psycopg  # noqa: F401
    except ImportError:
        raise ConfigError("使用 PostgreSQL 需要安装 psycopg：pip install 'psycopg[binary]'") from None
    return create_engine(url, pool_pre_ping=True)


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest revision (Alembic, migrations shipped in the package)."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


# ---------------------------------------------------------------------------------------------
# Records
# ---------------------------------------------------------------------------------------------


def utc(moment: datetime | None) -> datetime | None:
    """SQLite hands datetimes back without a zone; they were stored in UTC."""
    if moment is None:
        return None
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment.astimezone(timezone.utc)


def now() -> datetime:
    return datetime.now(timezone.utc).replace(microsecond=0)


@dataclass(frozen=True)
class ReportRecord:
    """A report as the dashboard lists it (no blobs)."""

    id: int
    sha256: str
    name: str
    suffix: str
    size: int
    upload_id: int | None
    uploaded_at: datetime
    state: str
    attempts: int
    error: str | None
    scored_with: str | None
    scored_at: datetime | None
    title: str | None
    jurisdiction: str | None
    level: str | None
    year: int | None
    date: str | None
    score: float | None
    grade: str | None
    key_missing: int
    key_missing_titles: tuple[str, ...]
    covered: int
    partial: int
    missing: int
    not_applicable: int
    closest_id: int | None
    closest_similarity: float | None
    flagged: bool
    reviewed: int
    review_changed: int

    @property
    def has_result(self) -> bool:
        """A scorecard is stored (it may be an older version's while a re-score is queued)."""
        return self.score is not None

    @property
    def days_late(self) -> int | None:
        """Days after the 3月1日 deadline the report is dated (0: on time; None: unknown)."""
        return days_late(self.year, self.date)

    @property
    def display_name(self) -> str:
        if self.title:
            return self.title
        bits = (self.jurisdiction or "") + (f"{self.year}年" if self.year else "")
        return bits or self.name


_RECORD_COLUMNS = [reports.c[f.name] for f in fields(ReportRecord)]


def _record(row: Mapping[str, Any]) -> ReportRecord:
    values = dict(row)
    values["key_missing_titles"] = tuple(json.loads(values["key_missing_titles"] or "[]"))
    values["uploaded_at"] = utc(values["uploaded_at"])
    values["scored_at"] = utc(values["scored_at"])
    values["flagged"] = bool(values["flagged"])
    return ReportRecord(**values)


@dataclass(frozen=True)
class FileOutcome:
    """What became of one uploaded file."""

    name: str
    outcome: str  # new | duplicate | skipped | rejected
    report_id: int | None = None
    message: str = ""


@dataclass(frozen=True)
class UploadRecord:
    id: int
    created_at: datetime
    uploaded_by: str
    files: tuple[FileOutcome, ...]
    counts: Mapping[str, int]  # reports of this upload by state

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def finished(self) -> int:
        return self.counts.get("done", 0) + self.counts.get("failed", 0)


@dataclass(frozen=True)
class Claim:
    """A report handed to a scoring worker."""

    report_id: int
    path: str
    name: str
    attempts: int


@dataclass(frozen=True)
class ScoredFields:
    """What a worker found, as the ``reports`` table stores it."""

    title: str | None
    jurisdiction: str | None
    level: str | None
    year: int | None
    date: str | None
    score: float
    grade: str
    key_missing_titles: tuple[str, ...]
    covered: int
    partial: int
    missing: int
    not_applicable: int
    item_statuses: Mapping[str, str]
    scorecard: bytes
    paragraphs: bytes


@dataclass(frozen=True)
class PairRecord:
    a_id: int
    b_id: int
    similarity: float
    pair: bytes  # codec: the SimilarPair (report ids as keys), shared paragraphs included


@dataclass(frozen=True)
class ReportFilter:
    """The dashboard's filters (all optional) and its sort order."""

    level: str | None = None
    grade: str | None = None
    year: int | None = None
    state: str | None = None
    key_missing: bool = False
    flagged: bool = False
    unreviewed: bool = False
    late: bool = False  # dated after 1 March of the next year (督察规定's deadline)
    query: str | None = None
    sort: str = "uploaded"
    descending: bool = False


SORT_COLUMNS = {
    "uploaded": reports.c.id,
    "name": reports.c.name,
    "jurisdiction": reports.c.jurisdiction,
    "level": reports.c.level,
    "year": reports.c.year,
    "date": reports.c.date,
    "score": reports.c.score,
    "grade": reports.c.grade,
    "key_missing": reports.c.key_missing,
    "similarity": reports.c.closest_similarity,
    "reviewed": reports.c.reviewed,
    "state": reports.c.state,
}


def _conditions(flt: ReportFilter, ids: Sequence[int] | None) -> list[Any]:
    """The WHERE terms of a report filter."""
    conditions: list[Any] = []
    if ids is not None:
        conditions.append(reports.c.id.in_(list(ids)))
    if flt.level:
        conditions.append(reports.c.level == flt.level)
    if flt.grade:
        conditions.append(reports.c.grade == flt.grade)
    if flt.year is not None:
        conditions.append(reports.c.year == flt.year)
    if flt.state:
        conditions.append(reports.c.state == flt.state)
    if flt.key_missing:
        conditions.append(reports.c.key_missing > 0)
    if flt.flagged:
        conditions.append(reports.c.flagged.is_(True))
    if flt.unreviewed:
        conditions.append(reports.c.reviewed == 0)
    if flt.late:
        # ISO dates compare as text: later than "<year+1>-MM-DD", the deadline model.audit.days_late counts from.
        month, day = SUBMISSION_DEADLINE
        deadline = cast(reports.c.year + 1, String) + literal(f"-{month:02d}-{day:02d}", String)
        conditions.append(and_(reports.c.year.is_not(None), reports.c.date.is_not(None), reports.c.date > deadline))
    if flt.query:
        conditions.append(or_(*(column.contains(flt.query, autoescape=True) for column in (reports.c.name, reports.c.title, reports.c.jurisdiction))))
    return conditions


# ---------------------------------------------------------------------------------------------
# Names
# ---------------------------------------------------------------------------------------------


def display_name(raw: str) -> str:
    """A user-given file name made fit for display: last path component, no control characters."""
    text = unicodedata.normalize("NFC", raw or "")
    text = PureWindowsPath(text).name if "\\" in text else PurePosixPath(text).name
    text = _CONTROL.sub("", text).strip()
    if text in ("", ".", ".."):
        text = "未命名文件"
    return text[:MAX_NAME_CHARS]


def storage_suffix(name: str) -> str:
    """The suffix the stored file keeps (the readers use it for .md and .html): letters and digits only."""
    suffix = PurePosixPath(name.lower()).suffix
    return suffix if _SUFFIX.fullmatch(suffix) else ".bin"


# ---------------------------------------------------------------------------------------------
# The store
# ---------------------------------------------------------------------------------------------


class Store:
    def __init__(self, engine: Engine, files_dir: Path) -> None:
        self.engine = engine
        self.files_dir = files_dir
        self.files_dir.mkdir(parents=True, exist_ok=True)
        (self.files_dir / "tmp").mkdir(exist_ok=True)

    @classmethod
    def open(cls, data_dir: Path, db_url: str | None = None) -> "Store":
        """Open (and create or upgrade) the store of ``data_dir``; ``db_url`` for PostgreSQL."""
        try:
            data_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ConfigError(f"无法创建数据目录 {data_dir}：{exc.strerror or exc}") from None
        engine = make_engine(database_url(data_dir, db_url))
        try:
            migrate(engine)
        except FzError:
            raise
        except Exception as exc:  # noqa: BLE001 - a database we cannot reach or upgrade: one clear line
            engine.dispose()
            raise ConfigError(f"无法打开数据库：{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}") from None
        return cls(engine, data_dir / FILES_DIR)

    def close(self) -> None:
        self.engine.dispose()

    # -- small settings ------------------------------------------------------------------------

    def get_state(self, key: str) -> str | None:
        with self.engine.connect() as conn:
            return conn.execute(select(state.c.value).where(state.c.key == key)).scalar()

    def set_state(self, key: str, value: str) -> None:
        with self.engine.begin() as conn:
            if conn.execute(update(state).where(state.c.key == key).values(value=value)).rowcount == 0:
                conn.execute(state.insert().values(key=key, value=value))

    def secret(self) -> bytes:
        """The workspace's signing key (CSRF tokens), made at the first start."""
        value = self.get_state("secret")
        if value is None:
            try:
                with self.engine.begin() as conn:
                    conn.execute(state.insert().values(key="secret", value=secrets.token_hex(32)))
            except IntegrityError:
                pass  # another process made it first
            value = self.get_state("secret")
        return bytes.fromhex(value or "")

    # -- files ---------------------------------------------------------------------------------

    def file_path(self, sha256: str, suffix: str) -> Path:
        if not re.fullmatch(r"[0-9a-f]{64}", sha256) or not (_SUFFIX.fullmatch(suffix) or suffix == ".bin"):
            raise ValueError("not a stored file name")
        return self.files_dir / sha256[:2] / f"{sha256}{suffix}"

    def new_upload(self, uploaded_by: str = "") -> int:
        with self.engine.begin() as conn:
            return int(conn.execute(uploads.insert().values(created_at=now(), uploaded_by=uploaded_by[:50])).inserted_primary_key[0])

    def _spool(self, source: IO[bytes] | bytes, max_bytes: int) -> tuple[Path, str, int]:
        """Copy to a temporary file in the store while hashing; UploadTooLarge past ``max_bytes``."""
        digest = hashlib.sha256()
        size = 0
        handle, tmp_name = tempfile.mkstemp(dir=self.files_dir / "tmp", suffix=".part")
        tmp = Path(tmp_name)
        try:
            with os.fdopen(handle, "wb") as out:
                chunks: Iterable[bytes] = [source] if isinstance(source, bytes) else iter(lambda: source.read(_CHUNK), b"")
                for chunk in chunks:
                    size += len(chunk)
                    if size > max_bytes:
                        raise UploadTooLarge(f"文件超过 {max_bytes // (1024 * 1024)} MB 的上限")
                    digest.update(chunk)
                    out.write(chunk)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        return tmp, digest.hexdigest(), size

    def add_file(self, upload_id: int, position: int, name: str, source: IO[bytes] | bytes, max_bytes: int) -> FileOutcome:
        """Store one uploaded file (once per content) and queue it for scoring."""
        shown = display_name(name)
        tmp, sha, size = self._spool(source, max_bytes)
        try:
            if size == 0:
                return self.record_file(upload_id, position, shown, "rejected", message="文件为空（0 字节）")
            existing = self._report_by_hash(sha)
            if existing is not None:
                return self.record_file(upload_id, position, shown, "duplicate", existing, "与已上传的报告内容完全相同")
            suffix = storage_suffix(shown)
            target = self.file_path(sha, suffix)
            target.parent.mkdir(exist_ok=True)
            os.replace(tmp, target)
            try:
                with self.engine.begin() as conn:
                    report_id = int(
                        conn.execute(
                            reports.insert().values(
                                sha256=sha,
                                name=shown,
                                suffix=suffix,
                                size=size,
                                upload_id=upload_id,
                                uploaded_at=now(),
                                state="pending",
                            )
                        ).inserted_primary_key[0]
                    )
            except IntegrityError:  # the same content arrived at the same moment in another request
                existing = self._report_by_hash(sha)
                return self.record_file(upload_id, position, shown, "duplicate", existing, "与已上传的报告内容完全相同")
            return self.record_file(upload_id, position, shown, "new", report_id)
        finally:
            tmp.unlink(missing_ok=True)

    def _report_by_hash(self, sha: str) -> int | None:
        with self.engine.connect() as conn:
            return conn.execute(select(reports.c.id).where(reports.c.sha256 == sha)).scalar()

    def record_file(self, upload_id: int, position: int, name: str, outcome: str, report_id: int | None = None, message: str = "") -> FileOutcome:
        shown = display_name(name)
        with self.engine.begin() as conn:
            conn.execute(
                upload_files.insert().values(
                    upload_id=upload_id, position=position, name=shown, outcome=outcome, report_id=report_id, message=message
                )
            )
        return FileOutcome(shown, outcome, report_id, message)

    def upload(self, upload_id: int) -> UploadRecord | None:
        with self.engine.connect() as conn:
            head = conn.execute(select(uploads).where(uploads.c.id == upload_id)).mappings().first()
            if head is None:
                return None
            files = conn.execute(
                select(upload_files).where(upload_files.c.upload_id == upload_id).order_by(upload_files.c.position, upload_files.c.id)
            ).mappings().all()
            ids = sorted({f["report_id"] for f in files if f["report_id"] is not None})
            counts = {name: 0 for name in STATES}
            if ids:
                for state_name, count in conn.execute(
                    select(reports.c.state, func.count()).where(reports.c.id.in_(ids)).group_by(reports.c.state)
                ):
                    counts[state_name] = count
        return UploadRecord(
            id=head["id"],
            created_at=utc(head["created_at"]),
            uploaded_by=head["uploaded_by"],
            files=tuple(FileOutcome(f["name"], f["outcome"], f["report_id"], f["message"]) for f in files),
            counts=counts,
        )

    # -- the scoring queue ---------------------------------------------------------------------

    def claim(self, limit: int) -> list[Claim]:
        """Up to ``limit`` pending reports, oldest first, marked as being scored."""
        claimed: list[Claim] = []
        with self.engine.begin() as conn:
            rows = conn.execute(
                select(reports.c.id, reports.c.sha256, reports.c.suffix, reports.c.name, reports.c.attempts)
                .where(reports.c.state == "pending")
                .order_by(reports.c.id)
                .limit(limit)
            ).all()
            for row in rows:
                done = conn.execute(
                    update(reports)
                    .where(and_(reports.c.id == row.id, reports.c.state == "pending"))
                    .values(state="scoring", attempts=reports.c.attempts + 1)
                ).rowcount
                if done:
                    claimed.append(Claim(row.id, str(self.file_path(row.sha256, row.suffix)), row.name, row.attempts + 1))
        return claimed

    def finish(self, report_id: int, scored: ScoredFields, scored_with: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                update(reports)
                .where(reports.c.id == report_id)
                .values(
                    state="done",
                    error=None,
                    attempts=0,
                    scored_with=scored_with,
                    scored_at=now(),
                    title=scored.title,
                    jurisdiction=scored.jurisdiction,
                    level=scored.level,
                    year=scored.year,
                    date=scored.date,
                    score=scored.score,
                    grade=scored.grade,
                    key_missing=len(scored.key_missing_titles),
                    key_missing_titles=json.dumps(list(scored.key_missing_titles), ensure_ascii=False),
                    covered=scored.covered,
                    partial=scored.partial,
                    missing=scored.missing,
                    not_applicable=scored.not_applicable,
                    item_statuses=json.dumps(dict(scored.item_statuses), ensure_ascii=False, sort_keys=True),
                    scorecard=scored.scorecard,
                    paragraphs=scored.paragraphs,
                )
            )
            self._refresh_review_counts(conn, report_id)
            self._bump(conn, "scored_version")

    def fail(self, report_id: int, error: str, scored_with: str | None = None) -> None:
        """The report cannot be scored; any older result stays readable."""
        with self.engine.begin() as conn:
            conn.execute(
                update(reports)
                .where(reports.c.id == report_id)
                .values(state="failed", error=error[:2000], scored_with=scored_with, scored_at=now())
            )
            self._bump(conn, "scored_version")

    def requeue(self, report_id: int) -> None:
        with self.engine.begin() as conn:
            conn.execute(update(reports).where(reports.c.id == report_id).values(state="pending"))

    def release_unfinished(self) -> int:
        """Reports left half-scored by a stopped server go back to the queue."""
        with self.engine.begin() as conn:
            return conn.execute(update(reports).where(reports.c.state == "scoring").values(state="pending")).rowcount

    def requeue_outdated(self, scored_with: str) -> int:
        """Reports scored by another tool or rules version are scored again (their reviews stay)."""
        with self.engine.begin() as conn:
            return conn.execute(
                update(reports)
                .where(and_(reports.c.state.in_(("done", "failed")), or_(reports.c.scored_with.is_(None), reports.c.scored_with != scored_with)))
                .values(state="pending", attempts=0)
            ).rowcount

    def rescore(self, report_id: int) -> bool:
        with self.engine.begin() as conn:
            return bool(
                conn.execute(
                    update(reports).where(and_(reports.c.id == report_id, reports.c.state.in_(("done", "failed")))).values(state="pending", attempts=0)
                ).rowcount
            )

    def queue_counts(self) -> dict[str, int]:
        counts = {name: 0 for name in STATES}
        with self.engine.connect() as conn:
            for state_name, count in conn.execute(select(reports.c.state, func.count()).group_by(reports.c.state)):
                counts[state_name] = count
        return counts

    # -- reading reports -----------------------------------------------------------------------

    def report(self, report_id: int) -> ReportRecord | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(*_RECORD_COLUMNS).where(reports.c.id == report_id)).mappings().first()
        return _record(row) if row else None

    def item_statuses(self, report_id: int) -> dict[str, Status]:
        """The machine's current verdict per "pack:item" (empty before the first result)."""
        with self.engine.connect() as conn:
            raw = conn.execute(select(reports.c.item_statuses).where(reports.c.id == report_id)).scalar()
        return {key: Status(value) for key, value in json.loads(raw or "{}").items()}

    def scorecard_blob(self, report_id: int) -> bytes | None:
        with self.engine.connect() as conn:
            return conn.execute(select(reports.c.scorecard).where(reports.c.id == report_id)).scalar()

    def reports(
        self, flt: ReportFilter = ReportFilter(), ids: Sequence[int] | None = None, limit: int | None = None, offset: int = 0
    ) -> list[ReportRecord]:
        """The reports that pass ``flt`` (and are among ``ids``), in its order; ``limit``/``offset`` for one page."""
        query = select(*_RECORD_COLUMNS)
        conditions = _conditions(flt, ids)
        if conditions:
            query = query.where(and_(*conditions))
        column = SORT_COLUMNS.get(flt.sort, reports.c.id)
        # Empty values last whichever the direction, then a stable tie-break.
        query = query.order_by(case((column.is_(None), 1), else_=0), column.desc() if flt.descending else column.asc(), reports.c.id)
        if limit is not None:
            query = query.limit(limit).offset(offset)
        with self.engine.connect() as conn:
            return [_record(row) for row in conn.execute(query).mappings()]

    def count_reports(self, flt: ReportFilter = ReportFilter()) -> int:
        """How many reports pass ``flt``."""
        query = select(func.count()).select_from(reports)
        conditions = _conditions(flt, None)
        if conditions:
            query = query.where(and_(*conditions))
        with self.engine.connect() as conn:
            return int(conn.execute(query).scalar_one())

    def years(self) -> list[int]:
        with self.engine.connect() as conn:
            return [y for (y,) in conn.execute(select(reports.c.year).where(reports.c.year.is_not(None)).distinct().order_by(reports.c.year.desc()))]

    def bodies(self) -> list[tuple[str, str | None, list[ReportRecord]]]:
        """Reports grouped by reporting body (jurisdiction + level), each body's years in order."""
        groups: dict[tuple[str, str | None], list[ReportRecord]] = {}
        for record in self.reports(ReportFilter(sort="year")):
            if record.jurisdiction:
                groups.setdefault((record.jurisdiction, record.level), []).append(record)
        return [(j, level, records) for (j, level), records in sorted(groups.items(), key=lambda kv: (kv[0][0], kv[0][1] or ""))]

    def body_reports(self, jurisdiction: str, level: str | None) -> list[ReportRecord]:
        query = select(*_RECORD_COLUMNS).where(reports.c.jurisdiction == jurisdiction)
        query = query.where(reports.c.level.is_(None) if level is None else reports.c.level == level)
        with self.engine.connect() as conn:
            rows = conn.execute(query.order_by(case((reports.c.year.is_(None), 1), else_=0), reports.c.year, reports.c.id)).mappings()
            return [_record(row) for row in rows]

    # -- reviews -------------------------------------------------------------------------------

    def reviews(self, report_id: int) -> list[Review]:
        """Every review of the report, oldest first (the latest per item is in force)."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(reviews).where(reviews.c.report_id == report_id).order_by(reviews.c.id)).mappings()
            return [_review(row) for row in rows]

    def reviews_of(self, report_ids: Sequence[int]) -> dict[int, list[Review]]:
        found: dict[int, list[Review]] = {i: [] for i in report_ids}
        with self.engine.connect() as conn:
            rows = conn.execute(select(reviews).where(reviews.c.report_id.in_(list(report_ids))).order_by(reviews.c.id)).mappings()
            for row in rows:
                found[row["report_id"]].append(_review(row))
        return found

    def add_review(self, report_id: int, review: Review) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                reviews.insert().values(
                    report_id=report_id,
                    pack=review.pack,
                    item=review.item,
                    machine_status=review.machine_status.value,
                    status=review.status.value,
                    reason=review.reason,
                    reviewer=review.reviewer,
                    reviewed_at=review.reviewed_at,
                )
            )
            self._refresh_review_counts(conn, report_id)

    def _refresh_review_counts(self, conn, report_id: int) -> None:  # noqa: ANN001 - a Connection
        statuses = json.loads(conn.execute(select(reports.c.item_statuses).where(reports.c.id == report_id)).scalar() or "{}")
        rows = conn.execute(select(reviews).where(reviews.c.report_id == report_id).order_by(reviews.c.id)).mappings()
        latest = reviews_by_item([_review(row) for row in rows])
        changed = sum(1 for key, r in latest.items() if key in statuses and statuses[key] != r.machine_status.value)
        conn.execute(update(reports).where(reports.c.id == report_id).values(reviewed=len(latest), review_changed=changed))

    # -- copy detection ------------------------------------------------------------------------

    def _bump(self, conn, key: str) -> None:  # noqa: ANN001 - a Connection
        value = conn.execute(select(state.c.value).where(state.c.key == key)).scalar()
        if value is None:
            conn.execute(state.insert().values(key=key, value="1"))
        else:
            conn.execute(update(state).where(state.c.key == key).values(value=str(int(value) + 1)))

    def copies_outdated(self) -> str | None:
        """The scoring version copy detection has to catch up with (None when it is current)."""
        scored = self.get_state("scored_version")
        return scored if scored is not None and scored != self.get_state("copies_version") else None

    def copy_inputs(self) -> list[tuple[int, int | None, bytes]]:
        """(report id, year, paragraphs) of every report with a result."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(reports.c.id, reports.c.year, reports.c.paragraphs).where(reports.c.paragraphs.is_not(None)).order_by(reports.c.id)
            )
            return [(row.id, row.year, row.paragraphs) for row in rows]

    def save_copies(
        self,
        version: str,
        closest: Mapping[int, tuple[int | None, float]],
        flag_similarity: float,
        pairs: Sequence[PairRecord],
    ) -> None:
        with self.engine.begin() as conn:
            conn.execute(update(reports).values(closest_id=None, closest_similarity=None, flagged=False))
            for report_id, (other, similarity) in closest.items():
                conn.execute(
                    update(reports)
                    .where(reports.c.id == report_id)
                    .values(
                        closest_id=other,
                        closest_similarity=similarity if other is not None else None,
                        flagged=other is not None and similarity >= flag_similarity - 1e-9,
                    )
                )
            conn.execute(copy_pairs.delete())
            for pair in pairs:
                conn.execute(copy_pairs.insert().values(a_id=pair.a_id, b_id=pair.b_id, similarity=pair.similarity, pair=pair.pair))
            if conn.execute(update(state).where(state.c.key == "copies_version").values(value=version)).rowcount == 0:
                conn.execute(state.insert().values(key="copies_version", value=version))

    def count_pairs(self) -> int:
        with self.engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(copy_pairs)).scalar() or 0)

    def copy_pairs(self) -> list[PairRecord]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(copy_pairs).order_by(copy_pairs.c.similarity.desc(), copy_pairs.c.id))
            return [PairRecord(row.a_id, row.b_id, row.similarity, row.pair) for row in rows]


def _review(row: Mapping[str, Any]) -> Review:
    return Review(
        pack=row["pack"],
        item=row["item"],
        machine_status=Status(row["machine_status"]),
        status=Status(row["status"]),
        reason=row["reason"],
        reviewer=row["reviewer"],
        reviewed_at=utc(row["reviewed_at"]),
    )
