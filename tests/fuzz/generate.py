"""Damaged report files of every supported format, from the examples, reproducible from a seed.

``FuzzGenerator(seed).make(kind, index)`` builds input ``index`` of one kind (``KINDS``: txt in
UTF-8 and GB18030, md, docx, pdf, html) by applying one mutation to a clean rendering of an
example report: bit flips, truncation, inserted junk, NULs, duplicated halves, broken zip
members, deep nesting, zip bombs, lying headers... The same (seed, kind, index) always gives the
same bytes, so a failure is reproduced with one call.

``run_input`` scores one input through the Python API (``Scorer.score_path``) under a time bound
and classifies the outcome; the test suite and ``bench/fuzz.py`` share it.
"""

from __future__ import annotations

import io
import random
import re
import signal
import struct
import time
import traceback
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Callable, Iterator

from corpus_paths import EXAMPLES_DIR
from report_files import build_html, build_markdown, build_pdf

from scorer.ingest.limits import DEFAULT_LIMITS, InputLimits

KINDS = ("txt-utf8", "txt-gb18030", "md", "docx", "pdf", "html")
SUFFIXES = {"txt-utf8": ".txt", "txt-gb18030": ".txt", "md": ".md", "docx": ".docx", "pdf": ".pdf", "html": ".html"}
EXAMPLES = ("qinghe_2024_weak.txt", "qinghe_2024_strong.txt")
MIB = 1024 * 1024


@dataclass(frozen=True)
class FuzzInput:
    name: str  # "<kind>/<index>-<mutation>", also a safe file stem
    kind: str
    mutation: str
    data: bytes

    @property
    def suffix(self) -> str:
        return SUFFIXES[self.kind]


# --- generic byte mutations --------------------------------------------------------------------


def _bit_flips(rng: random.Random, data: bytes) -> bytes:
    out = bytearray(data)
    for _ in range(rng.choice((1, 1, 2, 5, 20, 100))):
        position = rng.randrange(len(out))
        out[position] ^= 1 << rng.randrange(8)
    return bytes(out)


def _set_bytes(rng: random.Random, data: bytes) -> bytes:
    out = bytearray(data)
    for _ in range(rng.choice((1, 1, 3, 10))):
        out[rng.randrange(len(out))] = rng.choice((0xFF, 0x00, 0x80, 0xFE, rng.randrange(256)))
    return bytes(out)


def _truncate(rng: random.Random, data: bytes) -> bytes:
    return data[: rng.randrange(1, len(data))]


def _insert_junk(rng: random.Random, data: bytes) -> bytes:
    position = rng.randrange(len(data) + 1)
    junk = bytes(rng.randrange(256) for _ in range(rng.choice((1, 8, 64, 512, 4096))))
    return data[:position] + junk + data[position:]


def _insert_nuls(rng: random.Random, data: bytes) -> bytes:
    out = data
    for _ in range(rng.choice((1, 1, 3, 10))):
        position = rng.randrange(len(out) + 1)
        out = out[:position] + b"\x00" * rng.choice((1, 2, 3, 4)) + out[position:]
    return out


def _duplicate_half(rng: random.Random, data: bytes) -> bytes:
    half = len(data) // 2
    return rng.choice((data[:half] + data, data + data[half:], data[half:] + data[:half], data + data))


def _delete_range(rng: random.Random, data: bytes) -> bytes:
    start = rng.randrange(len(data))
    return data[:start] + data[start + rng.randrange(1, max(2, len(data) // 4)) :]


def _swap_blocks(rng: random.Random, data: bytes) -> bytes:
    a, b = sorted(rng.randrange(len(data)) for _ in range(2))
    size = min(rng.randrange(1, 2048), b - a)
    return data[:a] + data[b : b + size] + data[a + size : b] + data[a : a + size] + data[b + size :]


def _zero_block(rng: random.Random, data: bytes) -> bytes:
    start = rng.randrange(len(data))
    size = rng.choice((16, 512, 4096))
    return data[:start] + b"\x00" * min(size, len(data) - start) + data[start + size :]


def _long_run(rng: random.Random, data: bytes, scale: Callable[[int], int] = lambda count: count) -> bytes:
    position = rng.randrange(len(data) + 1)
    run = rng.choice((b"A", b"\xff", b" ", b"\n", b"[", "。".encode(), "法".encode())) * scale(rng.choice((1000, 100_000)))
    return data[:position] + run + data[position:]


GENERIC: dict[str, Callable[[random.Random, bytes], bytes]] = {
    "bitflip": _bit_flips,
    "bytes": _set_bytes,
    "truncate": _truncate,
    "junk": _insert_junk,
    "nuls": _insert_nuls,
    "duplicate": _duplicate_half,
    "delete": _delete_range,
    "swap": _swap_blocks,
    "zeros": _zero_block,
    "longrun": _long_run,
}


# --- zip surgery (docx) -------------------------------------------------------------------------


def _members(data: bytes) -> list[tuple[zipfile.ZipInfo, bytes]]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return [(info, archive.read(info)) for info in archive.infolist()]


def _rezip(members: list[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in members:
            info = zipfile.ZipInfo(name, date_time=(2025, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, content)
    return buffer.getvalue()


def _replace_member(data: bytes, name: str, content: bytes | None) -> bytes:
    """The docx with member ``name`` replaced (or removed, for None)."""
    members = [(info.filename, body) for info, body in _members(data)]
    if content is None:
        return _rezip([(n, b) for n, b in members if n != name])
    found = any(n == name for n, _ in members)
    return _rezip([(n, content if n == name else b) for n, b in members] + ([] if found else [(name, content)]))


def _zip_with_streamed_member(data: bytes, name: str, chunk: bytes, total: int) -> bytes:
    """The docx plus a member of ``total`` bytes made of ``chunk`` repeated (written in pieces)."""
    buffer = io.BytesIO(data)
    with zipfile.ZipFile(buffer, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        info = zipfile.ZipInfo(name, date_time=(2025, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        with archive.open(info, "w", force_zip64=True) as member:
            block = chunk * max(1, MIB // len(chunk))
            written = 0
            while written < total:
                piece = block[: total - written]
                member.write(piece)
                written += len(piece)
    return buffer.getvalue()


def _lie_about_sizes(data: bytes, rng: random.Random) -> bytes:
    """Central-directory entries claiming other uncompressed sizes than the data holds."""
    out = bytearray(data)
    position = out.find(b"PK\x01\x02")
    while position >= 0:
        if rng.random() < 0.5:
            struct.pack_into("<I", out, position + 24, rng.choice((0, 1, 0xFFFFFFF0, rng.randrange(1 << 32))))
        position = out.find(b"PK\x01\x02", position + 46)
    return bytes(out)


_W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def _document_xml(body: str) -> bytes:
    return f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document {_W_NS}><w:body>{body}</w:body></w:document>'.encode()


def _paragraph(text: str) -> str:
    return f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>"


def _nested_tables(depth: int, text: str) -> str:
    inner = _paragraph(text)
    for level in range(depth):
        inner = f"<w:tbl><w:tr><w:tc>{_paragraph(f'{text}{level}')}{inner}</w:tc></w:tr></w:tbl><w:p/>"
    return inner


# --- PDF surgery ----------------------------------------------------------------------------------


def _pdf_replace(rng: random.Random, data: bytes, pattern: bytes, replacement: bytes) -> bytes:
    spots = [match.start() for match in re.finditer(re.escape(pattern), data)]
    if not spots:
        return _bit_flips(rng, data)
    spot = rng.choice(spots)
    return data[:spot] + replacement + data[spot + len(pattern) :]


def scaled_limits(scale: float) -> InputLimits:
    """``DEFAULT_LIMITS`` times ``scale`` (never below what the clean examples need)."""
    if scale == 1:
        return DEFAULT_LIMITS
    floors = {"max_pdf_pages": 12, "max_text_chars": 20_000, "max_html_elements": 2_000, "max_xml_bytes": 2 * MIB}
    return InputLimits(
        **{
            name: max(floors.get(name, MIB), int(value * scale))
            for name, value in vars(DEFAULT_LIMITS).items()
        }
    )


class FuzzGenerator:
    """Makes damaged inputs; clean renderings and costly pieces (bombs, long PDFs) are built once."""

    def __init__(self, seed: int = 20261206, scale: float = 1.0, examples_dir: Path = EXAMPLES_DIR) -> None:
        """``scale`` < 1 shrinks the big inputs (deep nesting, long runs, bombs) and ``limits`` with them,
        so that a test run stays fast while every bound is still crossed."""
        self.seed = seed
        self.scale = scale
        self.limits = scaled_limits(scale)
        self.examples_dir = examples_dir

    def _n(self, count: int) -> int:
        return max(1, int(count * self.scale))

    # clean renderings --------------------------------------------------------------------------

    @cached_property
    def texts(self) -> list[str]:
        return [(self.examples_dir / name).read_text(encoding="utf-8") for name in EXAMPLES]

    def _lines(self, which: int) -> list[str]:
        return [line for line in self.texts[which].splitlines() if line.strip()]

    def _build(self, builder, suffix: str, which: int) -> bytes:
        import tempfile

        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / f"clean{suffix}"
            builder(path, self._lines(which))
            return path.read_bytes()

    @cached_property
    def clean(self) -> dict[str, list[bytes]]:
        """Clean bytes per kind, one per example (weak first: cheaper to score)."""
        return {
            "txt-utf8": [text.encode("utf-8") for text in self.texts],
            "txt-gb18030": [text.encode("gb18030") for text in self.texts],
            "md": [self._build(build_markdown, ".md", i) for i in range(len(EXAMPLES))],
            "docx": [(self.examples_dir / name.replace(".txt", ".docx")).read_bytes() for name in EXAMPLES],
            # The strong report is 8 PDF pages (~2 s to read): the weak one is the usual base.
            "pdf": [self._build(build_pdf, ".pdf", i) for i in range(len(EXAMPLES))],
            "html": [self._build(build_html, ".html", i) for i in range(len(EXAMPLES))],
        }

    @cached_property
    def _zip_bomb(self) -> bytes:
        """A picture of zeros a third larger than all parts may unpack to (400 MB at the defaults)."""
        size = self.limits.max_unpacked_bytes * 4 // 3
        return _zip_with_streamed_member(self.clean["docx"][0], "word/media/image1.png", b"\x00", size)

    @cached_property
    def _xml_bomb(self) -> bytes:
        """document.xml that unpacks to 16 times the XML part bound (1 GB at the defaults; a few MB packed)."""
        base = [(info.filename, body) for info, body in _members(self.clean["docx"][0]) if info.filename != "word/document.xml"]
        buffer = io.BytesIO(_rezip(base))
        with zipfile.ZipFile(buffer, "a", compression=zipfile.ZIP_DEFLATED) as archive:
            info = zipfile.ZipInfo("word/document.xml", date_time=(2025, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            with archive.open(info, "w", force_zip64=True) as member:
                member.write(f'<?xml version="1.0" encoding="UTF-8"?><w:document {_W_NS}><w:body>'.encode())
                block = _paragraph("全年开展法治宣传活动三十场。").encode() * 4096
                for _ in range(16 * self.limits.max_xml_bytes // len(block)):
                    member.write(block)
                member.write(b"</w:body></w:document>")
        return buffer.getvalue()

    @cached_property
    def _many_pages_pdf(self) -> bytes:
        """A PDF of twice the page limit in short pages (600 at the defaults)."""
        lines = [f"第{number}行：全年开展法治宣传活动。" for number in range(2 * self.limits.max_pdf_pages * 44)]
        return self._build(lambda path, _: build_pdf(path, lines, running_header=False), ".pdf", 0)

    # inputs -----------------------------------------------------------------------------------

    def make(self, kind: str, index: int) -> FuzzInput:
        """Input ``index`` of ``kind``: deterministic in (seed, kind, index)."""
        rng = random.Random(f"{self.seed}:{kind}:{index}")
        # The weak example most of the time: it scores in a fifth of the time of the strong one.
        which = 1 if rng.random() < (0.1 if kind == "pdf" else 0.3) else 0
        base = self.clean[kind][which]
        special = self._special_mutations(kind)
        # The first inputs of a kind take every mutation once, in order; the rest draw at random.
        ordered = self.mutations(kind)
        if index < len(ordered):
            mutation = ordered[index]
        elif rng.random() < 0.35:
            mutation = rng.choice(sorted(special))
        else:
            mutation = rng.choice(sorted(GENERIC))
        if mutation in special:
            data = special[mutation](rng, base, which)
        else:
            data = _long_run(rng, base, self._n) if mutation == "longrun" else GENERIC[mutation](rng, base)
        return FuzzInput(f"{kind}/{index:05d}-{mutation}", kind, mutation, data)

    def mutations(self, kind: str) -> list[str]:
        """Names of every mutation applied to inputs of ``kind``."""
        return [*sorted(self._special_mutations(kind)), *sorted(GENERIC)]

    def _special_mutations(self, kind: str) -> dict[str, Callable[[random.Random, bytes, int], bytes]]:
        if kind in ("txt-utf8", "txt-gb18030", "md"):
            return self._text_mutations(kind)
        return {"docx": self._docx_mutations, "pdf": self._pdf_mutations, "html": self._html_mutations}[kind]()

    def _text_mutations(self, kind: str) -> dict[str, Callable[[random.Random, bytes, int], bytes]]:
        codec = "gb18030" if kind == "txt-gb18030" else "utf-8"
        n = self._n

        def text_of(which: int) -> str:
            return self.texts[which]

        mutations: dict[str, Callable[[random.Random, bytes, int], bytes]] = {
            "mixed-encodings": lambda rng, data, w: text_of(w)[: len(text_of(w)) // 2].encode("utf-8")
            + text_of(w)[len(text_of(w)) // 2 :].encode("gb18030"),
            "wrong-bom": lambda rng, data, w: rng.choice((b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf", b"\xff\xfe\x00\x00")) + data,
            "utf16-damaged": lambda rng, data, w: _set_bytes(rng, text_of(w).encode(rng.choice(("utf-16-le", "utf-16")))),
            "one-line": lambda rng, data, w: text_of(w).replace("\n", "").encode(codec),
            "no-punctuation": lambda rng, data, w: re.sub(r"[，。；：！？、,.;:]", "", text_of(w)).encode(codec),
            "giant-line": lambda rng, data, w: ("法治政府建设" * n(rng.choice((20_000, 60_000)))).encode(codec),
            "over-text-limit": lambda rng, data, w: data * (4 * self.limits.max_text_chars // len(data) + 2),
            "controls": lambda rng, data, w: bytes(b if rng.random() > 0.002 else rng.randrange(1, 32) for b in data),
            "headings-only": lambda rng, data, w: "\n".join(f"{i}、第{i}部分" for i in range(1, 3000)).encode(codec),
            "random-unicode": lambda rng, data, w: "".join(chr(rng.randrange(0x20, 0x2FFFF)) for _ in range(3000)).encode(
                "utf-8", "surrogatepass"
            ),
        }
        if kind == "md":
            mutations.update(
                {
                    "md-brackets": lambda rng, data, w: data + b"\n" + b"[" * n(100_000) + b"\n" + b"](" * n(50_000) + b"\n",
                    "md-hashes": lambda rng, data, w: data + b"\n# x" + b" " * n(100_000) + b"y\n" + b"#" * n(100_000) + b"\n",
                    "md-quotes": lambda rng, data, w: b"> " * n(50_000) + data,
                    "md-table": lambda rng, data, w: data + b"\n" + b" " * n(100_000) + b"x\n|" + b"-|" * n(50_000) + b"\n",
                    "md-fence": lambda rng, data, w: b"```\n" + data,
                    "md-emphasis": lambda rng, data, w: data + b"*" * n(100_000) + b"`" * n(50_000) + b"\\" * n(50_000),
                }
            )
        return mutations

    def _docx_mutations(self) -> dict[str, Callable[[random.Random, bytes, int], bytes]]:
        def corrupt_member(rng: random.Random, data: bytes, which: int) -> bytes:
            members = _members(data)
            info, _ = rng.choice(members)
            out = bytearray(data)
            start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
            for _ in range(rng.choice((1, 8, 64))):
                out[start + rng.randrange(max(1, info.compress_size))] ^= 1 << rng.randrange(8)
            return bytes(out)

        def drop_member(rng: random.Random, data: bytes, which: int) -> bytes:
            names = [info.filename for info, _ in _members(data)]
            return _replace_member(data, rng.choice(names), None)

        def damage_xml(rng: random.Random, data: bytes, which: int) -> bytes:
            xml = dict((info.filename, body) for info, body in _members(data))["word/document.xml"]
            damaged = rng.choice((_truncate, _bit_flips, _insert_junk, _delete_range, _swap_blocks, _duplicate_half))(rng, xml)
            return _replace_member(data, "word/document.xml", damaged)

        def nested_tables(rng: random.Random, data: bytes, which: int) -> bytes:
            depth = rng.choice((30, 60, 85, 120, 5000))  # 85 fits the XML depth bound, 120 does not
            return _replace_member(data, "word/document.xml", _document_xml(_paragraph("青禾县2024年法治政府建设情况报告") + _nested_tables(depth, "全年办理行政复议案件")))

        def huge_paragraph(rng: random.Random, data: bytes, which: int) -> bytes:
            text = "法治政府建设全年开展法治宣传活动" * self._n(rng.choice((10_000, 80_000)))
            return _replace_member(data, "word/document.xml", _document_xml(_paragraph(text)))

        def entity_bomb(rng: random.Random, data: bytes, which: int) -> bytes:
            entities = '<!ENTITY a "法治法治法治法治法治法治法治法治">' + "".join(
                f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(9)
            )
            xml = f'<?xml version="1.0"?><!DOCTYPE w:document [{entities}]><w:document {_W_NS}><w:body>{_paragraph("&j;")}</w:body></w:document>'
            return _replace_member(data, "word/document.xml", xml.encode())

        def many_members(rng: random.Random, data: bytes, which: int) -> bytes:
            members = [(info.filename, body) for info, body in _members(data)]
            return _rezip(members + [(f"word/media/junk{i}.bin", b"x") for i in range(self._n(rng.choice((1000, 20_000))))])

        def not_word(rng: random.Random, data: bytes, which: int) -> bytes:
            return _rezip([("[Content_Types].xml", b"<Types/>"), ("xl/workbook.xml", b"<workbook/>")])

        return {
            "zip-corrupt-member": corrupt_member,
            "zip-drop-member": drop_member,
            "zip-damaged-xml": damage_xml,
            "zip-lying-sizes": lambda rng, data, w: _lie_about_sizes(data, rng),
            "zip-bomb": lambda rng, data, w: self._zip_bomb,
            "zip-xml-bomb": lambda rng, data, w: self._xml_bomb,
            "zip-many-members": many_members,
            "zip-not-word": not_word,
            "docx-nested-tables": nested_tables,
            "docx-huge-paragraph": huge_paragraph,
            "docx-entities": entity_bomb,
        }

    def _pdf_mutations(self) -> dict[str, Callable[[random.Random, bytes, int], bytes]]:
        return {
            "pdf-no-fontbbox": lambda rng, data, w: _pdf_replace(rng, data, b"/FontBBox", b"/FontBBxx"),
            "pdf-no-mediabox": lambda rng, data, w: data.replace(b"/MediaBox", b"/MediaBxx"),
            "pdf-bad-xref": lambda rng, data, w: _pdf_replace(rng, data, b"xref", b"xrxf"),
            "pdf-no-trailer": lambda rng, data, w: data[: data.rfind(b"trailer")] if b"trailer" in data else data,
            "pdf-bad-stream": lambda rng, data, w: _pdf_replace(rng, data, b"stream\n", b"stream\n\xff\xfe"),
            "pdf-lying-count": lambda rng, data, w: re.sub(rb"/Count \d+", b"/Count 0", data),
            "pdf-huge-count": lambda rng, data, w: re.sub(rb"/Count \d+", b"/Count 999999", data),
            "pdf-many-pages": lambda rng, data, w: self._many_pages_pdf,
            "pdf-self-parent": lambda rng, data, w: re.sub(rb"/Parent \d+ 0 R", b"/Parent 1 0 R", data),
            "pdf-header-only": lambda rng, data, w: b"%PDF-1.4\n" + bytes(rng.randrange(256) for _ in range(2000)),
        }

    def _html_mutations(self) -> dict[str, Callable[[random.Random, bytes, int], bytes]]:
        head = b"<!DOCTYPE html><html><head><meta charset='utf-8'><title>" + "青禾县2024年法治政府建设情况报告".encode() + b"</title></head><body>"
        paragraph = "<p>全年开展法治宣传活动三十场，办理行政复议案件七十九件。</p>".encode()

        def nested(rng: random.Random, open_tag: bytes, close_tag: bytes) -> bytes:
            depth = self._n(rng.choice((1000, 10_000, 50_000)))
            return head + open_tag * depth + paragraph * 20 + close_tag * depth + b"</body></html>"

        def tag_soup(rng: random.Random, data: bytes, which: int) -> bytes:
            out = data
            for _ in range(rng.choice((5, 50, 500))):
                position = rng.randrange(len(out))
                tag = rng.choice((b"<div>", b"</div>", b"<table>", b"<td>", b"<tr>", b"</p>", b"<a href=x>", b"<script>", b"<!--", b"<br>", b"<pre>", b"<h1>"))
                out = out[:position] + tag + out[position:]
            return out

        return {
            "html-deep-div": lambda rng, data, w: nested(rng, b"<div>", b"</div>"),
            "html-deep-table": lambda rng, data, w: nested(rng, b"<table><tr><td>", b"</td></tr></table>"),
            "html-deep-links": lambda rng, data, w: nested(rng, b"<a href='x'>", b"</a>"),
            "html-deep-headings": lambda rng, data, w: nested(rng, b"<h1>", b"</h1>"),
            "html-unclosed": lambda rng, data, w: head + (b"<p>" + paragraph) * self._n(rng.choice((1000, 30_000))),
            "html-too-many-elements": lambda rng, data, w: head + b"<span>x</span>" * (self.limits.max_html_elements * 5 // 2),
            "html-tag-soup": tag_soup,
            "html-wrong-charset": lambda rng, data, w: data.replace(b"charset=utf-8", b"charset=gb2312"),
            "html-unclosed-comment": lambda rng, data, w: data.replace(b"<body>", b"<body><!--", 1),
            "html-unclosed-script": lambda rng, data, w: data.replace(b"<body>", b"<body><script>", 1),
            "html-huge-title": lambda rng, data, w: data.replace(b"<title>", b"<title>" + b" " * self._n(100_000) + b"- ", 1),
            "html-entities": lambda rng, data, w: data.replace(b"</body>", b"&amp;&#x4e00;&#999999999;&bogus;" * self._n(20_000) + b"</body>"),
            "html-nul-in-markup": lambda rng, data, w: data.replace(b"<p>", b"<p\x00>"),
        }


# --- running one input ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    name: str
    mutation: str
    result: str  # "scored" | "refused" | "hang" | "crash"
    seconds: float
    detail: str = ""  # the refusal message, or the traceback of a crash

    @property
    def ok(self) -> bool:
        return self.result in ("scored", "refused")


class TimeBoundExceeded(BaseException):
    """Raised by the alarm: BaseException, so no ``except Exception`` in the code under test eats it."""


@contextmanager
def time_bound(seconds: float) -> Iterator[None]:
    """Raise ``TimeBoundExceeded`` in the block after ``seconds`` (SIGALRM: main thread, POSIX).

    A bound, not a measurement: set it far above the normal time, so that only a hang (or a
    quadratic blow-up) trips it.
    """

    def alarm(signum, frame):  # noqa: ARG001 - signal handler signature
        raise TimeBoundExceeded(f"over {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def run_input(scorer, item: FuzzInput, folder: Path, seconds: float) -> Outcome:
    """Score ``item`` in this process; a Scorecard or an FzError is fine, anything else is a finding.

    Running over ``seconds`` is a hang. The file is written under ``folder`` and removed afterwards.
    """
    from scorer.errors import FzError
    from scorer.model import Scorecard

    path = folder / (item.name.replace("/", "_") + item.suffix)
    path.write_bytes(item.data)
    started = time.perf_counter()
    try:
        with time_bound(seconds):
            card = scorer.score_path(path)
        result, detail = ("scored", "") if isinstance(card, Scorecard) else ("crash", f"returned {type(card).__name__}")
    except FzError as exc:
        result, detail = "refused", str(exc)
    except TimeBoundExceeded as exc:
        result, detail = "hang", str(exc)
    except Exception:  # noqa: BLE001 - exactly what the fuzz suite looks for
        result, detail = "crash", traceback.format_exc()
    finally:
        path.unlink(missing_ok=True)
    return Outcome(item.name, item.mutation, result, time.perf_counter() - started, detail)
