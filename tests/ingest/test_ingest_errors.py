"""Bad input: every case is an InputError with a Chinese message that names the file."""

from __future__ import annotations

import io
import os
import random
import re
import zipfile

import pytest

from scorer.errors import ExitCode, InputError
from scorer.ingest import read_report

_CJK = re.compile(r"[\u4e00-\u9fff]")


def assert_input_error(path, *fragments: str) -> str:
    """read_report(path) raises InputError in Chinese naming the file; returns the message."""
    with pytest.raises(InputError) as caught:
        read_report(path)
    message = str(caught.value)
    assert os.fspath(path).split(os.sep)[-1] in message
    assert _CJK.search(message), message
    assert "\n" not in message
    assert caught.value.exit_code == ExitCode.ERROR
    for fragment in fragments:
        assert fragment in message, message
    return message


def test_missing_path(tmp_path):
    assert_input_error(tmp_path / "不存在的报告.docx", "不存在")


def test_directory(tmp_path):
    folder = tmp_path / "reports"
    folder.mkdir()
    assert_input_error(folder, "目录")


def test_empty_file(tmp_path):
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    assert_input_error(path, "空")


@pytest.mark.parametrize("content", [" \n\t\r\n", "\u3000\u3000\n\n\u200b\n", "\ufeff   "])
def test_whitespace_only_file(tmp_path, content):
    path = tmp_path / "blank.txt"
    path.write_bytes(content.encode("utf-8"))
    assert_input_error(path, "没有可读的文字")


def test_binary_junk_with_nuls(tmp_path):
    rng = random.Random(7)
    data = bytes(rng.randrange(256) for _ in range(4000)) + b"\x00\x00\x00"
    path = tmp_path / "junk.txt"
    path.write_bytes(data)
    assert_input_error(path, "二进制")


def test_binary_junk_without_nuls(tmp_path):
    rng = random.Random(8)
    path = tmp_path / "junk.dat"
    path.write_bytes(bytes(rng.randrange(1, 256) for _ in range(4000)))
    assert_input_error(path)


@pytest.mark.parametrize("name", ["old.doc", "draft.wps", "sheet.et", "no_extension"])
def test_ole_compound_file(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(bytes.fromhex("D0CF11E0A1B11AE1") + b"\x00" * 504 + os.urandom(1024))
    message = assert_input_error(path, ".docx")
    if name != "sheet.et":
        assert "不支持旧版 Word（.doc）/WPS 格式，请另存为 .docx 后再试" in message
    for extension in (".txt", ".md", ".pdf", ".html"):
        assert extension in message


def _small_docx(tmp_path) -> bytes:
    import docx

    document = docx.Document()
    document.add_paragraph("青禾县人民政府关于2024年法治政府建设情况的报告", style="Title")
    for number in range(40):
        document.add_paragraph(f"第{number}段：全年开展法治宣传活动{number * 3}场。" * 5)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_truncated_docx(tmp_path):
    data = _small_docx(tmp_path)
    path = tmp_path / "truncated.docx"
    path.write_bytes(data[: len(data) // 2])
    assert_input_error(path, "损坏")


def test_docx_with_a_damaged_member(tmp_path):
    data = bytearray(_small_docx(tmp_path))
    # Keep the zip directory intact but break word/document.xml's compressed bytes.
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        info = archive.getinfo("word/document.xml")
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    data[start : start + 64] = b"\xff" * 64
    path = tmp_path / "damaged.docx"
    path.write_bytes(bytes(data))
    assert_input_error(path)


def test_docx_missing_a_part_names_it(tmp_path):
    data = _small_docx(tmp_path)
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        members = [(info, source.read(info)) for info in source.infolist() if info.filename != "word/styles.xml"]
    path = tmp_path / "no_styles.docx"
    with zipfile.ZipFile(path, "w") as archive:
        for info, content in members:
            archive.writestr(info, content)
    message = assert_input_error(path, "缺少必需的组成部分 word/styles.xml")
    assert "There is no item" not in message


@pytest.mark.parametrize("field", [6, 10], ids=["needed-version", "compression"])
def test_docx_with_a_damaged_directory_entry(tmp_path, field):
    """Damaged header fields make zipfile raise NotImplementedError, not BadZipFile (found by bench/fuzz.py)."""
    data = bytearray(_small_docx(tmp_path))
    entry = data.find(b"PK\x01\x02")
    data[entry + field] = 0xFE
    data[entry + field + 1] = 0x00
    path = tmp_path / "damaged_entry.docx"
    path.write_bytes(bytes(data))
    assert_input_error(path, "损坏")


@pytest.mark.parametrize(
    ("members", "fragment"),
    [
        ({"readme.txt": "hello", "data/a.csv": "1,2"}, "压缩包"),
        ({"[Content_Types].xml": "<Types/>", "xl/workbook.xml": "<workbook/>"}, "Excel"),
    ],
)
def test_zip_that_is_not_a_word_document(tmp_path, members, fragment):
    path = tmp_path / "notword.docx"
    with zipfile.ZipFile(path, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    assert_input_error(path, "不是 Word 文档", fragment)


def test_html_without_body_text(tmp_path):
    page = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>青禾县人民政府门户网站首页</title>
    <script>var text = "这里是脚本里的很多中文字符，不是正文";</script><style>body{}</style></head>
    <body><header>青禾县人民政府</header><nav><a href="/">首页</a><a href="/x">政务公开</a></nav>
    <div id="zoom">   </div><footer>版权所有 青禾县人民政府办公室</footer></body></html>"""
    path = tmp_path / "empty_page.html"
    path.write_text(page, encoding="utf-8")
    assert_input_error(path, "没有正文")


def _pdf(path, draw) -> None:
    from reportlab.pdfgen import canvas

    pdf = canvas.Canvas(str(path), invariant=1)
    draw(pdf)
    pdf.showPage()
    pdf.save()


def test_pdf_without_text_layer(tmp_path):
    path = tmp_path / "scanned.pdf"
    _pdf(path, lambda pdf: pdf.rect(100, 100, 300, 500, fill=1))
    assert_input_error(path, "文字识别", "OCR")


def test_encrypted_pdf(tmp_path):
    from reportlab.lib.pdfencrypt import StandardEncryption
    from reportlab.pdfgen import canvas

    path = tmp_path / "locked.pdf"
    pdf = canvas.Canvas(str(path), encrypt=StandardEncryption("secret", canPrint=0))
    pdf.drawString(100, 700, "Annual report 2024")
    pdf.showPage()
    pdf.save()
    assert_input_error(path, "加密")


def test_broken_pdf(tmp_path):
    path = tmp_path / "broken.pdf"
    path.write_bytes(b"%PDF-1.7\n" + os.urandom(2000))
    assert_input_error(path, "PDF")


def test_binary_named_pdf(tmp_path):
    path = tmp_path / "fake.pdf"
    path.write_bytes(b"\x00\x01\x02" * 500)
    assert_input_error(path, "PDF")


@pytest.mark.parametrize(
    ("magic", "fragment"),
    [(b"\x89PNG\r\n\x1a\n", "图片"), (b"{\\rtf1\\ansi ", "RTF"), (b"Rar!\x1a\x07\x00", "压缩")],
)
def test_other_known_formats_name_the_supported_ones(tmp_path, magic, fragment):
    path = tmp_path / "report.docx"
    path.write_bytes(magic + b"\x00" * 64)
    assert_input_error(path, fragment, ".txt .md .docx .pdf .html")


def test_unreadable_file(tmp_path, monkeypatch):
    import scorer.ingest.reader as reader

    path = tmp_path / "secret.txt"
    path.write_text("青禾县", encoding="utf-8")

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    # chmod cannot make a file unreadable for root (CI may run as root): refuse at open() instead.
    monkeypatch.setattr(reader, "open", refuse, raising=False)
    assert_input_error(path, "权限")
