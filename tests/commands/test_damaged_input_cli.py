"""A seed report with one byte changed to 0xFF, or three NULs inside: scored with a warning by every command."""

from __future__ import annotations

import json

import pytest

from scorer.cli import main

SEED = "003"


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _middle_char(data: bytes) -> int:
    position = len(data) // 2
    while data[position] < 0xE0:  # the first byte of a 3-byte (CJK) character
        position += 1
    return position


@pytest.fixture(scope="module", params=["byte_ff", "three_nuls"])
def damaged(request, tmp_path_factory, seed_by_prefix):
    """(path, a fragment the warning must hold) for each kind of damage."""
    data = seed_by_prefix(SEED).read_bytes()
    offset = _middle_char(data)
    if request.param == "byte_ff":
        damaged_data = data[:offset] + b"\xff" + data[offset + 1 :]
        fragment = "无法按 UTF-8 编码读取"
    else:
        damaged_data = data[:offset] + b"\x00\x00\x00" + data[offset:]
        fragment = "3 个空字符（NUL）"
    folder = tmp_path_factory.mktemp(request.param)
    path = folder / f"{request.param}.txt"
    path.write_bytes(damaged_data)
    return path, fragment


def test_inspect(capsys, damaged):
    path, fragment = damaged
    code, out, err = run(capsys, "inspect", str(path))
    assert code == 0, err
    assert fragment in out and "字节偏移" in out
    code, out, _ = run(capsys, "inspect", str(path), "--format", "json")
    assert any(fragment in warning for warning in json.loads(out)["warnings"])


def test_score_text_json_html(capsys, damaged, tmp_path):
    path, fragment = damaged
    code, out, err = run(capsys, "score", str(path))
    assert code == 0, err
    assert fragment in out
    code, out, _ = run(capsys, "score", str(path), "--format", "json")
    card = json.loads(out)
    assert card["score"] > 0
    assert any(fragment in warning for warning in card["warnings"])
    page = tmp_path / "report.html"
    code, _, _ = run(capsys, "score", str(path), "--format", "html", "-o", str(page))
    assert code == 0 and fragment in page.read_text(encoding="utf-8")


def test_batch(capsys, damaged, tmp_path):
    path, fragment = damaged
    out_dir = tmp_path / "out"
    code, _, err = run(capsys, "batch", str(path.parent), "-o", str(out_dir))
    assert code == 0, err
    summary = json.loads((out_dir / "summary.json").read_text(encoding="utf-8"))
    (row,) = summary["reports"]
    assert row["error"] is None and row["score"] > 0
    assert any(fragment in warning for warning in row["warnings"])
    assert fragment in (out_dir / f"{path.stem}.html").read_text(encoding="utf-8")
