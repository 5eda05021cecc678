"""The batch's record of finished reports on disk, so that an interrupted batch can be resumed.

::

    OUT/.fzscore-batch/
        state.json      how the batch was started (fingerprint, generation time); written atomically
        journal.jsonl   one line per finished report, appended and flushed as each one finishes:
                        META <tab> ROW <tab> SKETCH <tab> CHECKSUM
                        META   JSON: input path and SHA-256, page name and SHA-256, fingerprint…
                        ROW    the report's ReportRow as JSON (what the index and summaries show)
                        SKETCH base64 of its copy-detection sketch (scorer.audit.copydetect)
                        CHECKSUM CRC-32 of the rest of the line

A crash, ``kill -9`` or a power cut can only cut the last line short: it fails its checksum and
is ignored, as if that report had not finished. Pages are written by temp file + rename, and a
page is re-used only when its SHA-256 is the one recorded here, so whatever was on disk when the
batch stopped is either re-used as it is or done again. JSON never holds a raw tab, so the four
fields split unambiguously.

Rows are read back from here one at a time (``JournalRows``) when the outputs are written: a
batch of 40,000 never holds 40,000 rows in memory.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import zlib
from collections.abc import Sequence
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any, Callable, Iterator

from scorer.model import Closest, ReportRow

STATE_DIR = ".fzscore-batch"
STATE_FILE = "state.json"
JOURNAL_FILE = "journal.jsonl"
JOURNAL_FORMAT = 1
_ROW_FIELDS = {f.name for f in fields(ReportRow)}


def row_to_data(row: ReportRow) -> dict[str, Any]:
    return asdict(row)


def row_from_data(data: dict[str, Any]) -> ReportRow:
    values = {key: tuple(value) if isinstance(value, list) else value for key, value in data.items() if key in _ROW_FIELDS}
    return ReportRow(**values)


@dataclass(frozen=True)
class Entry:
    """One finished report as the journal recorded it (its line stays on disk)."""

    offset: int  # of its line in journal.jsonl
    length: int  # of the line, checksum and newline included
    meta: dict[str, Any]

    @property
    def path(self) -> str:
        return self.meta["path"]


def encode_line(meta: dict[str, Any], row: ReportRow, sketch: bytes) -> bytes:
    body = "\t".join(
        (
            json.dumps(meta, ensure_ascii=False, sort_keys=True, separators=(",", ":")),
            json.dumps(row_to_data(row), ensure_ascii=False, sort_keys=True, separators=(",", ":")),
            base64.b64encode(sketch).decode("ascii"),
        )
    ).encode("utf-8")
    return body + b"\t" + f"{zlib.crc32(body):08x}".encode("ascii") + b"\n"


def decode_meta(line: bytes) -> dict[str, Any] | None:
    """The META of a complete line whose checksum holds; None for a damaged or partial line."""
    if not line.endswith(b"\n"):
        return None
    body, tab, checksum = line[:-1].rpartition(b"\t")
    if not tab or checksum != f"{zlib.crc32(body):08x}".encode("ascii"):
        return None
    try:
        meta = json.loads(body.split(b"\t", 1)[0])
    except ValueError:
        return None
    return meta if isinstance(meta, dict) and meta.get("v") == JOURNAL_FORMAT else None


def split_line(line: bytes) -> tuple[bytes, bytes, bytes]:
    meta, row, sketch, _ = line.rstrip(b"\n").split(b"\t")
    return meta, row, sketch


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` by temp file + rename, flushed to disk first."""
    tmp = path.with_name(f".{path.name}.tmp{os.getpid()}")
    with open(tmp, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    tmp.replace(path)


class Journal:
    """Append finished reports to ``OUT/.fzscore-batch/journal.jsonl``; read them back by offset."""

    def __init__(self, out_dir: Path) -> None:
        self.folder = Path(out_dir) / STATE_DIR
        self.path = self.folder / JOURNAL_FILE
        self._append = open(self.path, "ab")
        self._read: Any = None
        self._unsynced = 0

    # -- starting --------------------------------------------------------------------------

    @staticmethod
    def exists(out_dir: Path) -> bool:
        return (Path(out_dir) / STATE_DIR / STATE_FILE).is_file()

    @staticmethod
    def read_state(out_dir: Path) -> dict[str, Any] | None:
        try:
            data = json.loads((Path(out_dir) / STATE_DIR / STATE_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return data if isinstance(data, dict) else None

    @staticmethod
    def previous_entries(out_dir: Path) -> Iterator[Entry]:
        """Every intact line of an existing journal, in the order written."""
        path = Path(out_dir) / STATE_DIR / JOURNAL_FILE
        try:
            handle = open(path, "rb")
        except OSError:
            return
        with handle:
            offset = 0
            for line in handle:
                meta = decode_meta(line)
                if meta is not None:
                    yield Entry(offset, len(line), meta)
                offset += len(line)

    @classmethod
    def start(cls, out_dir: Path, state: dict[str, Any], keep: Sequence[Entry] = ()) -> tuple["Journal", list[int]]:
        """A journal holding just the ``keep`` entries of the existing one (a resumed batch) or nothing;
        returns it and the new offsets of ``keep``. The kept lines are copied one by one, intact."""
        folder = Path(out_dir) / STATE_DIR
        folder.mkdir(parents=True, exist_ok=True)
        offsets: list[int] = []
        position = 0
        tmp = folder / f".{JOURNAL_FILE}.tmp{os.getpid()}"
        with open(tmp, "wb") as handle:
            if keep:
                with open(folder / JOURNAL_FILE, "rb") as old:
                    for entry in keep:
                        old.seek(entry.offset)
                        line = old.read(entry.length)
                        if decode_meta(line) != entry.meta:  # pragma: no cover - changed under our feet
                            raise OSError(f"续接记录在读取期间被改动：{folder / JOURNAL_FILE}")
                        handle.write(line)
                        offsets.append(position)
                        position += len(line)
            handle.flush()
            os.fsync(handle.fileno())
        tmp.replace(folder / JOURNAL_FILE)
        write_atomic(folder / STATE_FILE, (json.dumps(state, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8"))
        return cls(out_dir), offsets

    @staticmethod
    def discard(out_dir: Path) -> None:
        shutil.rmtree(Path(out_dir) / STATE_DIR, ignore_errors=True)

    # -- writing ---------------------------------------------------------------------------

    def append(self, meta: dict[str, Any], row: ReportRow, sketch: bytes) -> int:
        """Record one finished report; returns the offset of its line."""
        line = encode_line({**meta, "v": JOURNAL_FORMAT}, row, sketch)
        offset = self._append.seek(0, os.SEEK_END)
        self._append.write(line)
        self._append.flush()  # in the OS after each report: a kill loses nothing that finished
        self._unsynced += 1
        if self._unsynced >= 200:  # on the disk every few hundred: a power cut loses little
            self.sync()
        return offset

    def sync(self) -> None:
        self._append.flush()
        os.fsync(self._append.fileno())
        self._unsynced = 0

    def close(self) -> None:
        """Stop appending (rows and sketches can still be read back)."""
        if not self._append.closed:
            self.sync()
            self._append.close()
        if self._read is not None:
            self._read.close()
            self._read = None

    # -- reading back ----------------------------------------------------------------------

    def line_at(self, offset: int) -> bytes:
        if self._read is None:
            if not self._append.closed:
                self._append.flush()
            self._read = open(self.path, "rb")
        self._read.seek(offset)
        return self._read.readline()

    def row_at(self, offset: int) -> ReportRow:
        _, row, _ = split_line(self.line_at(offset))
        return row_from_data(json.loads(row))

    def sketch_at(self, offset: int) -> bytes:
        _, _, sketch = split_line(self.line_at(offset))
        return base64.b64decode(sketch)


class JournalRows(Sequence):
    """The batch's rows in a given order, read from the journal on demand (with ``closest`` filled in)."""

    def __init__(self, journal: Journal, offsets: Sequence[int], closest: Callable[[str], Closest] | None = None) -> None:
        self._journal = journal
        self._offsets = list(offsets)
        self._closest = closest

    def __len__(self) -> int:
        return len(self._offsets)

    def _complete(self, row: ReportRow) -> ReportRow:
        if self._closest is None or not row.ok:
            return row
        closest = self._closest(row.path)
        return ReportRow(**{**row.__dict__, "closest": closest.other, "closest_similarity": closest.similarity})

    def __getitem__(self, index):  # type: ignore[override]
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        return self._complete(self._journal.row_at(self._offsets[index]))

    def __iter__(self) -> Iterator[ReportRow]:
        for offset in self._offsets:
            yield self._complete(self._journal.row_at(offset))
