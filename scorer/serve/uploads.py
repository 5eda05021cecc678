"""Taking files in: one or many reports, or a .zip of a folder, within limits, names for display only.

A .zip is opened in place (never extracted to disk by name): each report inside is read through
``zipfile`` with its size bounded and stored by content hash like any upload. Names inside a zip
made on a Chinese Windows machine are GBK bytes without the UTF-8 flag; they are decoded as such.
Folders inside the zip are flattened (the name shown is the last part); a zip bomb (too many
entries, too many bytes, an absurd compression ratio) is refused before anything is read.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import IO, Iterable

from scorer.audit.batch import REPORT_SUFFIXES
from scorer.serve.store import FileOutcome, Store, UploadTooLarge, display_name

MiB = 1024 * 1024
_UTF8_FLAG = 0x800
_ENCRYPTED_FLAG = 0x1


@dataclass(frozen=True)
class UploadLimits:
    """How much one upload may bring (the defaults fit a season of a county's reports)."""

    max_file_bytes: int = 50 * MiB  # one report (a .zip as a whole may be up to max_request_bytes)
    max_files: int = 500  # reports in one upload, zips expanded
    max_request_bytes: int = 512 * MiB  # the whole HTTP request
    max_zip_entries: int = 5000
    max_zip_bytes: int = 2048 * MiB  # uncompressed, all entries of one zip
    max_zip_ratio: int = 200  # uncompressed / compressed of one entry (text compresses ~5–20×)

    def mb(self, value: int) -> str:
        return f"{value / MiB:g} MB"


def entry_name(info: zipfile.ZipInfo) -> str:
    """The name of a zip entry: UTF-8 when flagged, else the GBK (GB18030) of Chinese Windows tools."""
    if info.flag_bits & _UTF8_FLAG:
        return info.filename
    raw = info.filename.encode("cp437")  # zipfile decoded the raw bytes as cp437: undo it
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return info.filename


def is_zip_upload(name: str) -> bool:
    # By name only: a .docx is a zip too, and must stay one report.
    return PurePosixPath(display_name(name).lower()).suffix == ".zip"


def _skip_reason(path: str) -> str | None:
    # "." and ".." are dropped: nothing is extracted by name, the entry is only shown by its last part.
    parts = [p for p in path.replace("\\", "/").split("/") if p not in ("", ".", "..")]
    if not parts:
        return "空文件名"
    if parts[0] == "__MACOSX" or any(p.startswith(".") for p in parts):
        return "隐藏文件或系统文件，已跳过"
    suffix = PurePosixPath(parts[-1].lower()).suffix
    if suffix == ".zip":
        return "压缩包中的压缩包不展开，请解压后再上传"
    if suffix not in REPORT_SUFFIXES:
        return "不是报告文件（支持 .txt .md .docx .pdf .html），已跳过"
    return None


class Intake:
    """Stores the files of one upload, counting them against the limits."""

    def __init__(self, store: Store, upload_id: int, limits: UploadLimits) -> None:
        self.store = store
        self.upload_id = upload_id
        self.limits = limits
        self.position = 0
        self.accepted = 0
        self.outcomes: list[FileOutcome] = []

    def _record(self, name: str, outcome: str, message: str) -> None:
        self.outcomes.append(self.store.record_file(self.upload_id, self.position, name, outcome, message=message))
        self.position += 1

    def _store(self, name: str, source: IO[bytes]) -> None:
        if self.accepted >= self.limits.max_files:
            self._record(name, "rejected", f"超出单次上传 {self.limits.max_files} 份的上限（压缩包内的文件也计入），请分批上传")
            return
        try:
            outcome = self.store.add_file(self.upload_id, self.position, name, source, self.limits.max_file_bytes)
        except UploadTooLarge as exc:
            self._record(name, "rejected", str(exc))
            return
        self.outcomes.append(outcome)
        self.position += 1
        self.accepted += 1

    def add(self, name: str, source: IO[bytes]) -> None:
        """One uploaded file: a report, or a .zip whose reports are taken in."""
        if is_zip_upload(name):
            self.add_zip(name, source)
        else:
            self._store(name, source)

    def add_zip(self, name: str, source: IO[bytes]) -> None:
        limits = self.limits
        try:
            archive = zipfile.ZipFile(source)
        except (zipfile.BadZipFile, OSError, ValueError):
            self._record(name, "rejected", "不是有效的 zip 压缩包，或压缩包已损坏")
            return
        with archive:
            entries = [info for info in archive.infolist() if not info.is_dir()]
            if len(entries) > limits.max_zip_entries:
                self._record(name, "rejected", f"压缩包内文件过多（{len(entries)} 个，上限 {limits.max_zip_entries} 个）")
                return
            declared = sum(info.file_size for info in entries)
            if declared > limits.max_zip_bytes:
                self._record(name, "rejected", f"压缩包解压后过大（{limits.mb(declared)}，上限 {limits.mb(limits.max_zip_bytes)}）")
                return
            for info in entries:
                inner = entry_name(info)
                shown = display_name(inner)
                reason = _skip_reason(inner)
                if reason is not None:
                    self._record(shown, "skipped", reason)
                    continue
                if info.flag_bits & _ENCRYPTED_FLAG:
                    self._record(shown, "rejected", "文件已加密，无法读取")
                    continue
                if info.file_size > limits.max_file_bytes:
                    self._record(shown, "rejected", f"文件超过 {limits.mb(limits.max_file_bytes)} 的上限")
                    continue
                if info.file_size > MiB and info.file_size > limits.max_zip_ratio * max(info.compress_size, 1):
                    self._record(shown, "rejected", "压缩比异常（疑似压缩炸弹），已拒绝")
                    continue
                try:
                    with archive.open(info) as member:  # reads at most the declared size
                        self._store(shown, member)
                except (zipfile.BadZipFile, NotImplementedError, OSError, EOFError, ValueError) as exc:
                    self._record(shown, "rejected", f"无法从压缩包中读取：{type(exc).__name__}")


def accept(store: Store, upload_id: int, files: Iterable[tuple[str, IO[bytes]]], limits: UploadLimits) -> list[FileOutcome]:
    """Store every file of an upload; files past the count limit are listed as rejected."""
    intake = Intake(store, upload_id, limits)
    for name, source in files:
        intake.add(name, source)
    return intake.outcomes
