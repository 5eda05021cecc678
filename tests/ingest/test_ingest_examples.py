"""The sample reports in examples/: they ingest, and the .docx and .txt versions agree."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest

from scorer.ingest import read_report

# Same as EXAMPLES_DIR in tests/conftest.py; that module cannot be imported by name from here
# because this folder has a conftest.py of its own.
EXAMPLES_DIR = Path(__file__).resolve().parents[2] / "examples"

NAMES = ("qinghe_2023", "qinghe_2024_strong", "qinghe_2024_weak")


def compact(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.mark.parametrize("name", NAMES)
def test_docx_and_txt_give_the_same_text(name):
    from_txt = read_report(EXAMPLES_DIR / f"{name}.txt")
    from_docx = read_report(EXAMPLES_DIR / f"{name}.docx")
    assert from_txt.source.format == "txt" and from_docx.source.format == "docx"
    assert compact(from_docx.text) == compact(from_txt.text)
    lines = from_docx.text.split("\n")
    hinted = {index: level for index, level in from_docx.heading_hints}
    assert hinted[0] == 1  # the title
    for index, line in enumerate(lines[1:], start=1):
        is_part = bool(re.match(r"^[一二三四五六七八九十]+、", line)) and "。" not in line
        is_sub = bool(re.match(r"^\([一二三四五六七八九十]+\)", line)) and "。" not in line
        assert hinted.get(index) == (1 if is_part else 2 if is_sub else None), line


def test_strong_example_shape():
    raw = read_report(EXAMPLES_DIR / "qinghe_2024_strong.txt")
    assert 6000 <= len(raw.text) <= 9000
    lines = raw.text.split("\n")
    assert lines[0] == "青禾县人民政府关于2024年法治政府建设情况的报告"
    parts = [line for line in lines if re.match(r"^[一二三四]、", line)]
    assert [part[:2] for part in parts] == ["一、", "二、", "三、", "四、"]
    assert "第一责任人" in parts[1] and "不足和原因" in parts[2] and "2025年" in parts[3]
    assert lines[-2:] == ["青禾县人民政府", "2025年2月20日"]
    # the statistics table: one line per row, in the 行政复议 passage
    assert "审结 74 100%" in lines
    # 全角 punctuation of a real draft, normalised by ingest
    assert "（" in raw.original and "，" in raw.original and "（" not in raw.text


def test_weak_example_shape():
    raw = read_report(EXAMPLES_DIR / "qinghe_2024_weak.txt")
    assert 2000 <= len(raw.text) <= 3000
    lines = raw.text.split("\n")
    assert not any("第一责任人" in line for line in lines)
    assert not re.search(r"\d{4}年\d{1,2}月\d{1,2}日", raw.text)  # no date
    assert any(line.startswith("三、2025年") for line in lines)
    assert "原因" not in raw.text


def test_committed_docx_files_are_up_to_date(tmp_path):
    """build_examples.py is deterministic, and the .docx files match their .txt sources."""
    spec = importlib.util.spec_from_file_location("build_examples", EXAMPLES_DIR / "build_examples.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for name in NAMES:
        target = tmp_path / f"{name}.docx"
        module.build(EXAMPLES_DIR / f"{name}.txt", target)
        assert target.read_bytes() == (EXAMPLES_DIR / f"{name}.docx").read_bytes(), (
            f"examples/{name}.docx is stale: run .venv/bin/python examples/build_examples.py"
        )
