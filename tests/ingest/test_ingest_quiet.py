"""Library noise: nothing raw on stderr (unless FZSCORE_DEBUG), one Chinese warning line per file."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import warnings

import pytest

from scorer.ingest import normalize, read_report
from scorer.ingest.quiet import LibraryMessage, library_output, summarise

SEED = "003"
FONT_BOX = b"/FontBBox [ -25 -254 1000 880 ]"


@pytest.fixture(scope="module")
def damaged_pdf(tmp_path_factory, seed_by_prefix):
    """A report PDF whose font has no usable FontBBox and whose pages have no MediaBox.

    pdfminer logs "Could not get FontBBox…" and, once per page, "MediaBox missing…".
    """
    from report_files import build_pdf

    lines = [line for line in seed_by_prefix(SEED).read_text(encoding="utf-8").splitlines() if line.strip()]
    clean = build_pdf(tmp_path_factory.mktemp("pdf") / "clean.pdf", lines)
    data = clean.read_bytes()
    assert data.count(FONT_BOX) == 1 and b"/MediaBox" in data  # what the damage below replaces
    pages = data.count(b"/MediaBox")
    damaged = data.replace(FONT_BOX, b"/FontBBox null".ljust(len(FONT_BOX))).replace(b"/MediaBox", b"/MediaBxx")
    path = clean.with_name("damaged.pdf")
    path.write_bytes(damaged)
    return path, pages, lines[0]


def test_damaged_pdf_is_read_with_one_chinese_warning(damaged_pdf, capsys):
    path, pages, title = damaged_pdf
    raw = read_report(path)
    captured = capsys.readouterr()
    assert captured.err == "" and captured.out == ""
    found = [warning for warning in raw.warnings if warning.startswith("PDF 有")]
    assert found == [f"PDF 有 {pages} 页缺少页面尺寸信息（已按默认尺寸读取）、1 处字体信息缺失，文字可能不全"]
    assert raw.text.startswith(normalize(title)[0])  # the text was read


def _fzscore(*args: str, debug: bool = False) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if key != "FZSCORE_DEBUG"}
    if debug:
        env["FZSCORE_DEBUG"] = "1"
    return subprocess.run([sys.executable, "-m", "scorer", *args], capture_output=True, text=True, timeout=300, env=env)


def test_cli_stderr_has_no_library_lines(damaged_pdf):
    path = damaged_pdf[0]
    done = _fzscore("score", str(path))
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert "FontBBox" not in done.stdout and "MediaBox" not in done.stdout
    assert done.stdout.count("字体信息缺失") == 1


def test_cli_debug_shows_the_raw_lines(damaged_pdf):
    done = _fzscore("inspect", str(damaged_pdf[0]), debug=True)
    assert done.returncode == 0, done.stderr
    assert "[pdfminer" in done.stderr and "FontBBox" in done.stderr and "MediaBox" in done.stderr


def test_library_output_collects_logs_and_warnings(capsys):
    with library_output() as messages:
        logging.getLogger("pdfminer.pdffont").warning("Could not get FontBBox from font descriptor")
        logging.getLogger("pdfminer").info("below the threshold")
        warnings.warn("a deprecation", DeprecationWarning, stacklevel=1)
    assert [(m.text, m.level) for m in messages] == [
        ("Could not get FontBBox from font descriptor", logging.WARNING),
        ("a deprecation", logging.INFO),  # collected (shown with FZSCORE_DEBUG) but says nothing about the file
    ]
    assert summarise(messages, "pdf") == ("PDF 有 1 处字体信息缺失，文字可能不全",)
    logging.getLogger("pdfminer.pdfpage").warning("outside a capture: dropped")
    assert capsys.readouterr().err == ""


def test_html_parser_warnings_do_not_become_report_warnings(tmp_path, capsys):
    """bs4 warns (at length, in English) when a page's whole content looks like a file name."""
    path = tmp_path / "page.html"
    path.write_text("青禾县法治政府建设情况报告.html", encoding="utf-8")
    raw = read_report(path)
    assert raw.text == "青禾县法治政府建设情况报告.html"
    assert raw.warnings == ()
    assert capsys.readouterr().err == ""


def test_summarise_counts_kinds_in_one_line():
    def message(text: str, source: str = "pdfminer.pdffont") -> LibraryMessage:
        return LibraryMessage(source, logging.WARNING, text)

    pdf = [
        message("Could not get FontBBox from font descriptor because None cannot be parsed as 4 floats"),
        message("Could not get FontBBox from font descriptor because [1] cannot be parsed as 4 floats"),
        message("Not adding object 12 to xref because position b'1x' cannot be parsed as an int", "pdfminer.pdfparser"),
        message("Data-loss while decompressing corrupted data", "pdfminer.pdftypes"),
        message("Execute called on non-indirect object (inline image?)", "pdfminer.pdfinterp"),
    ]
    assert summarise(pdf, "pdf") == (
        "PDF 有 2 处字体信息缺失、1 处对象索引（xref）损坏、1 处压缩数据损坏、1 处内容无法解析，文字可能不全"
        "（设置环境变量 FZSCORE_DEBUG=1 可查看原始信息）",
    )
    assert summarise([], "pdf") == ()
    assert summarise([LibraryMessage("pdfminer", logging.INFO, "fine")], "pdf") == ()
    assert summarise([message("odd markup", "bs4.builder")], "html") == ("网页有 1 处内容无法解析，文字可能不全（设置环境变量 FZSCORE_DEBUG=1 可查看原始信息）",)
