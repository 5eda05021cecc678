"""Size limits: every bound of ``InputLimits`` refuses with a Chinese message naming it; callers can change them."""

from __future__ import annotations

import io
import re
import struct
import zipfile

import pytest

from scorer.errors import ExitCode, InputError
from scorer.ingest import DEFAULT_LIMITS, InputLimits, InputTooLarge, read_report

SEED = "003"


@pytest.fixture(scope="module")
def seed_path(seed_by_prefix):
    return seed_by_prefix(SEED)


def refused(path, limits: InputLimits, *fragments: str) -> str:
    with pytest.raises(InputTooLarge) as caught:
        read_report(path, limits)
    message = str(caught.value)
    assert isinstance(caught.value, InputError) and caught.value.exit_code == ExitCode.ERROR
    assert path.name in message and "上限" in message, message
    for fragment in fragments:
        assert fragment in message, message
    return message


def test_limits_are_ints():
    with pytest.raises(TypeError):
        InputLimits(max_pdf_pages="500")  # type: ignore[arg-type]
    assert DEFAULT_LIMITS.max_text_chars > 100_000  # far above a real report


def test_file_size(tmp_path, seed_path):
    path = tmp_path / "report.txt"
    path.write_bytes(seed_path.read_bytes())
    refused(path, InputLimits(max_file_bytes=4096), "过大", "4 KB")
    assert read_report(path, InputLimits(max_file_bytes=0)).text  # 0 switches a bound off


def test_text_length_after_decoding(tmp_path, seed_path):
    text = seed_path.read_text(encoding="utf-8")
    path = tmp_path / "report.txt"
    path.write_bytes(seed_path.read_bytes())
    limit = len(text) - 100  # the bytes (3 per character) do not give it away: counted after decoding
    refused(path, InputLimits(max_text_chars=limit), "文字过长", f"{len(text):,} 字", f"{limit:,} 字")
    assert read_report(path, InputLimits(max_text_chars=len(text))).text


def test_text_length_before_decoding(tmp_path, seed_path):
    path = tmp_path / "report.txt"
    path.write_bytes(seed_path.read_bytes())
    refused(path, InputLimits(max_text_chars=1000), "文字过长", "1,000 字")


def test_html_bytes_and_elements(tmp_path):
    page = "<html><body><div id='zoom'>" + "<p>青禾县全年办理行政复议案件79件。</p>" * 300 + "</div></body></html>"
    path = tmp_path / "page.html"
    path.write_text(page, encoding="utf-8")
    refused(path, InputLimits(max_html_bytes=10_000), "网页文件", "过大")
    refused(path, InputLimits(max_html_elements=200), "结构过于复杂", "303 个标签")
    assert read_report(path).text.count("\n") == 299


def _docx(tmp_path, extra: dict[str, bytes] | None = None) -> bytes:
    import docx

    document = docx.Document()
    document.add_paragraph("青禾县人民政府关于2024年法治政府建设情况的报告", style="Title")
    document.add_paragraph("全年办理行政复议案件79件。")
    buffer = io.BytesIO()
    document.save(buffer)
    if not extra:
        return buffer.getvalue()
    with zipfile.ZipFile(buffer, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in extra.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def test_docx_zip_bomb(tmp_path):
    path = tmp_path / "bomb.docx"
    path.write_bytes(_docx(tmp_path, {"word/media/image1.png": b"\x00" * (3 * 1024 * 1024)}))
    assert path.stat().st_size < 100_000  # megabytes of zeros pack into kilobytes
    refused(path, InputLimits(max_unpacked_bytes=2 * 1024 * 1024), "解压后过大", "压缩炸弹")
    assert read_report(path).text  # within the default bound: read


def test_docx_xml_part_bound(tmp_path):
    path = tmp_path / "big_xml.docx"
    path.write_bytes(_docx(tmp_path, {"word/custom.xml": b"<a>" + b" " * 1_000_000 + b"</a>"}))
    refused(path, InputLimits(max_xml_bytes=500_000), "word/custom.xml", "解压后过大")


def test_docx_declaring_a_huge_member(tmp_path):
    """A zip whose directory claims a 4 GB document.xml is refused before anything is unpacked."""
    data = bytearray(_docx(tmp_path))
    # Patch the uncompressed size (offset 24 of a central directory entry) of word/document.xml.
    patched = 0
    position = data.find(b"PK\x01\x02")
    while position >= 0:
        name_length = struct.unpack_from("<H", data, position + 28)[0]
        if data[position + 46 : position + 46 + name_length] == b"word/document.xml":
            struct.pack_into("<I", data, position + 24, 0xFFFFFFF0)
            patched += 1
        position = data.find(b"PK\x01\x02", position + 46)
    assert patched == 1
    path = tmp_path / "liar.docx"
    path.write_bytes(bytes(data))
    refused(path, DEFAULT_LIMITS, "解压后过大")


def test_pdf_pages(tmp_path, seed_path, build_pdf):
    lines = [line for line in seed_path.read_text(encoding="utf-8").splitlines() if line.strip()]
    path = build_pdf(tmp_path / "report.pdf", lines)
    data = path.read_bytes()
    pages = int(re.search(rb"/Count (\d+)", data).group(1))
    assert pages > 2
    refused(path, InputLimits(max_pdf_pages=2), "PDF", f"有 {pages} 页", "2 页")
    assert read_report(path, InputLimits(max_pdf_pages=50)).text
    # A page tree that understates its size is caught while the pages are read.
    liar = tmp_path / "liar.pdf"
    liar.write_bytes(re.sub(rb"/Count \d+", b"/Count 1", data))
    message = refused(liar, InputLimits(max_pdf_pages=2), "PDF", "2 页")
    assert "有 " not in message


def test_scorer_passes_its_limits(tmp_path, seed_path):
    from scorer.pipeline import Scorer

    path = tmp_path / "report.txt"
    path.write_bytes(seed_path.read_bytes())
    with pytest.raises(InputTooLarge):
        Scorer(limits=InputLimits(max_file_bytes=1024)).score_path(path)
