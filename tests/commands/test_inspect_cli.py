"""`fzscore inspect REPORT [--format text|json] [--sentences]`."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from corpus_paths import REPO_ROOT

from scorer.cli import main

REPORT = """青山县2023年法治政府建设年度报告
市人民政府:
2023年,青山县扎实推进法治政府建设。现将有关情况报告如下:
一、主要举措和成效
(一)强化组织领导。县政府常务会议专题研究法治政府建设4次。
(二)县政府主要负责人履行第一责任人职责。县长带头学法3次。
二、存在问题及下步打算
主要是基层执法力量薄弱。
下一步,我们将充实执法力量。
青山县人民政府
2024年2月20日
"""


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def report(tmp_path):
    path = tmp_path / "青山县.txt"
    path.write_text(REPORT, encoding="utf-8")
    return path


def test_text_output(capsys, report):
    code, out, err = run(capsys, "inspect", str(report))
    assert code == 0 and err == ""
    assert "标题：青山县2023年法治政府建设年度报告" in out
    assert "地区/机关：青山县" in out
    assert "层级：县级" in out
    assert "报告年度：2023（来源：标题）" in out
    assert "成文日期：2024-02-20" in out
    assert "主送：市人民政府" in out
    assert "落款：青山县人民政府" in out
    assert "1 一、主要举措和成效  [成效]" in out
    assert "1.2 (二)县政府主要负责人履行第一责任人职责  [第一责任人]" in out
    assert "2 二、存在问题及下步打算  [不足；其中 下一年度安排 1 句]" in out
    # indentation follows depth
    assert "\n    1.1 (一)强化组织领导" in out


def test_text_output_with_sentences(capsys, report):
    _, out, _ = run(capsys, "inspect", str(report), "--sentences")
    assert "· [下一年度安排] 下一步,我们将充实执法力量。" in out
    assert "· [不足] 主要是基层执法力量薄弱。" in out


def test_json_output_is_stable_and_complete(capsys, report):
    code, out, _ = run(capsys, "inspect", str(report), "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["meta"] == {
        "title": "青山县2023年法治政府建设年度报告",
        "jurisdiction": "青山县",
        "level": "county",
        "level_label": "县级",
        "year": 2023,
        "year_source": "title",
        "date": "2024-02-20",
        "addressee": "市人民政府",
        "signer": "青山县人民政府",
    }
    assert [(s["heading"], s["role"]) for s in data["sections"]] == [
        ("一、主要举措和成效", "achievements"),
        ("二、存在问题及下步打算", "shortcomings"),
    ]
    assert data["sections"][1]["roles"] == {"next_year_plan": 1, "shortcomings": 1}
    assert [c["role"] for c in data["sections"][0]["children"]] == ["achievements", "first_responsible"]
    assert data["closing"]["paragraphs"] == ["青山县人民政府", "2024年2月20日"]
    assert "sentences" not in data
    assert "青山县" in out and "\\u" not in out  # ensure_ascii=False
    _, again, _ = run(capsys, "inspect", str(report), "--format", "json")
    assert again == out


def test_json_sentences_carry_offsets(capsys, report):
    _, out, _ = run(capsys, "inspect", str(report), "--format", "json", "--sentences")
    data = json.loads(out)
    text = REPORT
    for sentence in data["sentences"]:
        assert text[sentence["start"] : sentence["end"]] == sentence["text"]
    plan = [s for s in data["sentences"] if s["role"] == "next_year_plan"]
    assert plan and plan[0]["section"] == ["二、存在问题及下步打算"]


def test_missing_file_is_one_line_error_exit_2(capsys, tmp_path):
    code, out, err = run(capsys, "inspect", str(tmp_path / "nope.txt"))
    assert code == 2
    assert out == ""
    assert err.startswith("fzscore: 错误：") and err.count("\n") == 1


def test_seed_through_a_real_process(seeds):
    """The installed entry point, cold: prints the tree of a real report."""
    path = next(p for p in seeds if p.name.startswith("002"))
    result = subprocess.run(
        [sys.executable, "-m", "scorer", "inspect", str(path), "--format", "json"],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["meta"]["title"] is None
    assert data["meta"]["addressee"] == "州委、州政府"
    assert [s["role"] for s in data["sections"]] == ["achievements", "shortcomings", "first_responsible", "next_year_plan"]
