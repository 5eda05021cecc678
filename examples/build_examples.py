"""Build the .docx versions of the sample reports from their .txt sources.

    .venv/bin/python examples/build_examples.py [OUTPUT_DIR]

Styles follow how a drafting office lays a report out in Word: the first line in style Title,
一、 headings as Heading 1, (一) headings as Heading 2, body paragraphs Normal, and a run of
tab-separated lines as a table (first row = header row). The output is byte-for-byte
deterministic: fixed core properties and fixed timestamps inside the zip.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import sys
import zipfile
from pathlib import Path

import docx
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor

EXAMPLES_DIR = Path(__file__).resolve().parent
SOURCES = ("qinghe_2023.txt", "qinghe_2024_strong.txt", "qinghe_2024_weak.txt")
FIXED_TIME = dt.datetime(2025, 2, 20, 9, 0, 0)
AUTHOR = "青禾县人民政府办公室"

_PART_HEADING = re.compile(r"^[一二三四五六七八九十]+、")
_SUB_HEADING = re.compile(r"^[（(][一二三四五六七八九十]+[）)]")
_SENTENCE_END = re.compile(r"[。；！？]")

# East Asian fonts of an official document (公文): the names Word looks up on the reader's machine.
_FONTS = {"Title": ("方正小标宋简体", 22), "Heading 1": ("黑体", 16), "Heading 2": ("楷体_GB2312", 16), "Normal": ("仿宋_GB2312", 16)}


def _style_for(line: str, is_first: bool) -> str:
    """Word style of a line of the .txt source."""
    if is_first:
        return "Title"
    # A numbered line that runs on into sentences is a body paragraph, not a heading.
    if _PART_HEADING.match(line) and not _SENTENCE_END.search(line):
        return "Heading 1"
    if _SUB_HEADING.match(line) and not _SENTENCE_END.search(line):
        return "Heading 2"
    return "Normal"


def _set_fonts(document) -> None:
    for name, (east_asian, size) in _FONTS.items():
        style = document.styles[name]
        style.font.size = Pt(size)
        style.font.color.rgb = RGBColor(0, 0, 0)
        fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
        fonts.set(qn("w:eastAsia"), east_asian)


def _add_table(document, rows: list[list[str]]) -> None:
    width = max(len(row) for row in rows)
    table = document.add_table(rows=len(rows), cols=width)
    table.style = document.styles["Table Grid"]
    for row_index, cells in enumerate(rows):
        row = table.rows[row_index]
        for column, text in enumerate(cells + [""] * (width - len(cells))):
            paragraph = row.cells[column].paragraphs[0]
            run = paragraph.add_run(text)
            run.bold = row_index == 0
    # Repeat the header row on every page, as statistical tables in reports do.
    header_properties = table.rows[0]._tr.get_or_add_trPr()
    header_properties.append(header_properties.makeelement(qn("w:tblHeader"), {}))


def build_document(source: Path):
    """A python-docx Document with the report of ``source`` laid out in Word styles."""
    lines = [line for line in source.read_text(encoding="utf-8").splitlines() if line.strip()]
    document = docx.Document()
    _set_fonts(document)
    table_rows: list[list[str]] = []
    for index, line in enumerate(lines):
        if "\t" in line:
            table_rows.append(line.split("\t"))
            continue
        if table_rows:
            _add_table(document, table_rows)
            table_rows = []
        document.add_paragraph(line, style=_style_for(line, index == 0))
    if table_rows:
        _add_table(document, table_rows)

    properties = document.core_properties
    properties.author = AUTHOR
    properties.last_modified_by = AUTHOR
    properties.title = lines[0]
    properties.created = FIXED_TIME
    properties.modified = FIXED_TIME
    properties.revision = 1
    return document


def _deterministic_zip(data: bytes) -> bytes:
    """Rewrite a .docx archive with fixed member timestamps (python-docx stamps the current time)."""
    output = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            target.writestr(fixed, source.read(info.filename))
    return output.getvalue()


def build(source: Path, target: Path) -> None:
    """Write the .docx for one .txt source."""
    buffer = io.BytesIO()
    build_document(source).save(buffer)
    target.write_bytes(_deterministic_zip(buffer.getvalue()))


def main(argv: list[str]) -> int:
    output_dir = Path(argv[0]) if argv else EXAMPLES_DIR
    output_dir.mkdir(parents=True, exist_ok=True)
    for name in SOURCES:
        target = output_dir / name.replace(".txt", ".docx")
        build(EXAMPLES_DIR / name, target)
        print(target)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
