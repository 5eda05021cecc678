"""`fzscore compare` and `fzscore score --format docx` through the command line."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys

import docx
import pytest
from corpus_paths import EXAMPLES_DIR, REPO_ROOT

from scorer.cli import main

LAST = str(EXAMPLES_DIR / "qinghe_2023.txt")
THIS = str(EXAMPLES_DIR / "qinghe_2024_strong.txt")


def test_text_summary(capsys):
    assert main(["compare", LAST, THIS]) == 0
    captured = capsys.readouterr()
    lines = captured.out.splitlines()
    assert lines[0].startswith("逐年对比：青禾县")
    assert any(line.startswith("结论：总分") and "上一年度安排见成效 4/7 项" in line for line in lines)
    assert "重复上一年度的问题：6 条" in captured.out
    assert "✘ 未见报告：开展民主法治示范村创建" in captured.out
    assert captured.err == ""


def test_json_on_stdout_summary_on_stderr(capsys):
    assert main(["compare", LAST, THIS, "--format", "json"]) == 0
    captured = capsys.readouterr()
    data = json.loads(captured.out)
    assert data["last"]["year"] == 2023 and data["this"]["year"] == 2024
    assert len(data["repeated_problems"]["repeated"]) == 6
    assert (data["plan_follow_up"]["followed"], data["plan_follow_up"]["points"]) == (4, 7)
    assert len(data["recycled_achievements"]["recycled"]) == 2
    assert {item["change"] for item in data["items"]} <= {"improved", "regressed", "unchanged"}
    assert data["verdict"] in captured.err


def test_json_is_deterministic(capsys):
    main(["compare", LAST, THIS, "--format", "json"])
    first = capsys.readouterr().out
    main(["compare", LAST, THIS, "--format", "json"])
    assert capsys.readouterr().out == first


def test_html_page(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1740000000")
    out = tmp_path / "compare.html"
    assert main(["compare", LAST, THIS, "--format", "html", "-o", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert "<script" not in page and "http://" not in page and "https://" not in page
    assert "default-src 'none'" in page and "size: A4" in page
    for heading in ("重复上一年度的问题", "上一年度安排的落实情况", "沿用上一年度的成效段落", "逐项变化", "方法与局限"):
        assert heading in page
    assert "2025-02-19T21:20:00Z" in page  # SOURCE_DATE_EPOCH
    assert "结论" in capsys.readouterr().err


def test_html_escapes_report_text(tmp_path, capsys):
    hostile = '<img src=x onerror="alert(1)">'
    for name in ("qinghe_2023.txt", "qinghe_2024_strong.txt"):
        text = (EXAMPLES_DIR / name).read_text(encoding="utf-8")
        (tmp_path / name).write_text(text.replace("内部法制审核把关不严", f"内部法制审核把关不严{hostile}"), encoding="utf-8")
    out = tmp_path / "compare.html"
    assert main(["compare", str(tmp_path / "qinghe_2023.txt"), str(tmp_path / "qinghe_2024_strong.txt"), "--format", "html", "-o", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    assert "<img" not in page
    assert "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;" in page


def test_docx_needs_an_output_file(capsys):
    assert main(["compare", LAST, THIS, "--format", "docx"]) == 2
    captured = capsys.readouterr()
    assert "-o" in captured.err and captured.out == ""


def test_docx_written_atomically_and_never_overwritten_without_force(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1740000000")
    out = tmp_path / "compare.docx"
    assert main(["compare", LAST, THIS, "--format", "docx", "-o", str(out)]) == 0
    document = docx.Document(str(out))
    assert document.paragraphs[0].style.name == "Title"
    before = out.read_bytes()
    out.write_bytes(b"keep me")
    assert main(["compare", LAST, THIS, "--format", "docx", "-o", str(out)]) == 2
    assert "已存在" in capsys.readouterr().err and out.read_bytes() == b"keep me"
    assert main(["compare", LAST, THIS, "--format", "docx", "-o", str(out), "--force"]) == 0
    assert out.read_bytes() == before  # the same document again, byte for byte
    assert [p.name for p in tmp_path.iterdir()] == ["compare.docx"]  # no temporary file left


def test_docx_to_a_pipe(tmp_path):
    """``-o -`` writes the bytes when stdout is not a terminal (here: a pipe)."""
    completed = subprocess.run(
        [sys.executable, "-m", "scorer", "score", str(EXAMPLES_DIR / "qinghe_2024_weak.txt"), "--format", "docx", "-o", "-"],
        capture_output=True,
        cwd=REPO_ROOT,
        timeout=120,
    )
    assert completed.returncode == 0, completed.stderr.decode()
    assert completed.stdout[:2] == b"PK"
    assert docx.Document(io.BytesIO(completed.stdout)).paragraphs[0].style.name == "Title"


def test_two_different_seeds_are_refused_without_force(capsys, seed_by_prefix):
    a, b = str(seed_by_prefix("000")), str(seed_by_prefix("003"))
    assert main(["compare", a, b]) == 2
    captured = capsys.readouterr()
    lines = [line for line in captured.err.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("fzscore: 错误：两份报告不是同一主体")
    assert "--force" in lines[0] and captured.out == ""
    assert main(["compare", a, b, "--force", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["forced"] is True and any("--force" in w for w in data["warnings"])


def test_reversed_years_are_refused(capsys):
    assert main(["compare", THIS, LAST]) == 2
    assert "应早于" in capsys.readouterr().err


def test_thresholds_from_the_project_config(tmp_path, capsys):
    for name in ("qinghe_2023.txt", "qinghe_2024_strong.txt"):
        shutil.copy(EXAMPLES_DIR / name, tmp_path / name)
    # Only exact repeats (figures and numbering aside): the lightly edited statement drops out.
    (tmp_path / ".fzscore.yaml").write_text("compare:\n  problem_similarity: 1.0\n", encoding="utf-8")
    assert main(["compare", str(tmp_path / "qinghe_2023.txt"), str(tmp_path / "qinghe_2024_strong.txt"), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["config"]["problem_similarity"] == 1.0
    assert len(data["repeated_problems"]["repeated"]) == 5
    (tmp_path / ".fzscore.yaml").write_text("compare:\n  problem_sim: 0.5\n", encoding="utf-8")
    assert main(["compare", str(tmp_path / "qinghe_2023.txt"), str(tmp_path / "qinghe_2024_strong.txt")]) == 2
    err = capsys.readouterr().err
    assert "compare.problem_sim" in err and "problem_similarity" in err


# ---------------------------------------------------------------------------------------------
# score --format docx
# ---------------------------------------------------------------------------------------------


def test_score_docx(tmp_path, capsys):
    out = tmp_path / "weak.docx"
    report = str(EXAMPLES_DIR / "qinghe_2024_weak.txt")
    assert main(["score", report, "--format", "docx"]) == 2
    assert "-o" in capsys.readouterr().err
    assert main(["score", report, "--format", "docx", "-o", str(out)]) == 0
    captured = capsys.readouterr()
    assert captured.out == "" and "总分" in captured.err
    headings = [p.text for p in docx.Document(str(out)).paragraphs if p.style.name == "Heading 1"]
    assert "差距清单" in headings
    assert main(["score", report, "--format", "docx", "-o", str(out)]) == 2
    assert main(["score", report, report, "--format", "docx", "-o", str(tmp_path / "two.docx")]) == 2
    assert "一次只能输出一份报告" in capsys.readouterr().err


@pytest.mark.parametrize("command", ["compare", "score"])
def test_docx_is_listed_in_help(command, capsys):
    with pytest.raises(SystemExit):
        main([command, "--help"])
    assert "docx" in capsys.readouterr().out


def test_compare_honours_the_size_and_time_budget(capsys):
    code = main(["compare", str(LAST), str(THIS), "--max-size", "1KB"])
    assert code == 2
    err = capsys.readouterr().err
    assert "超过上限" in err and "--max-size" in err and "Traceback" not in err
    code = main(["compare", str(LAST), str(THIS), "--timeout", "0.01"])
    assert code == 2
    assert "处理超时" in capsys.readouterr().err
