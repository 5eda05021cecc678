"""`fzscore batch`: pages, index, summaries, failures, output-folder safety, determinism, copies."""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from scorer.cli import main
from scorer.render.summary import CSV_COLUMNS

EPOCH = "1700000000"


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture()
def fixed_time(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)


def outputs_of(out: Path) -> dict[str, bytes]:
    """Every output file of a batch folder (the hidden state folder is not output)."""
    return {p.name: p.read_bytes() for p in out.iterdir() if not p.name.startswith(".")}


def copy_seeds(seeds, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / ".fzscore.yaml").write_text("# defaults\n", encoding="utf-8")  # hidden: not an input
    for path in seeds:
        shutil.copy(path, folder / path.name)
    return folder


@pytest.fixture(scope="module")
def seeds_batch(tmp_path_factory, seeds):
    """`fzscore batch seeds -o out` once for the module (SOURCE_DATE_EPOCH fixed)."""
    out = tmp_path_factory.mktemp("batch") / "out"
    previous = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = EPOCH
    try:
        code = main(["batch", str(seeds[0].parent), "-o", str(out)])
    finally:
        if previous is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = previous
    return code, out


def test_seeds_batch_writes_everything(seeds_batch, seeds):
    code, out = seeds_batch
    assert code == 0
    names = sorted(p.name for p in out.iterdir() if not p.name.startswith("."))
    assert names == sorted([f"{p.stem}.html" for p in seeds] + ["index.html", "summary.csv", "summary.json"])
    assert (out / ".fzscore-batch" / "journal.jsonl").is_file()  # the record --resume reads
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["counts"] == {"inputs": 5, "scored": 5, "failed": 0}
    assert [Path(r["file"]).name for r in summary["reports"]] == [p.name for p in seeds]
    for report in summary["reports"]:
        assert report["error"] is None and 0 <= report["score"] <= 100 and report["grade"]
        page = (out / report["page"]).read_text(encoding="utf-8")
        assert page.startswith("<!DOCTYPE html>") and f"{report['score']:.1f}" in page
    assert summary["generated_at"] == "2023-11-14T22:13:20Z"

    raw = (out / "summary.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads it as UTF-8
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert tuple(rows[0]) == CSV_COLUMNS and len(rows) == 6
    by_file = {Path(r[0]).name: dict(zip(CSV_COLUMNS, r)) for r in rows[1:]}
    for report in summary["reports"]:
        assert by_file[Path(report["file"]).name]["score"] == f"{report['score']:.1f}"

    index = (out / "index.html").read_text(encoding="utf-8")
    soup = BeautifulSoup(index, "html.parser")
    links = [a["href"] for a in soup.select("#reports tbody tr td:first-child a")]
    assert sorted(links) == sorted(f"./{p.stem}.html" for p in seeds)
    assert "评分失败的文件" not in index  # no failures: no such table


def test_index_is_self_contained_and_script_is_pinned(seeds_batch):
    _, out = seeds_batch
    index = (out / "index.html").read_text(encoding="utf-8")
    soup = BeautifulSoup(index, "html.parser")
    scripts = soup.find_all("script")
    assert len(scripts) == 1 and not scripts[0].get("src")
    digest = base64.b64encode(hashlib.sha256(scripts[0].string.encode("utf-8")).digest()).decode()
    csp = soup.find("meta", attrs={"http-equiv": "Content-Security-Policy"})["content"]
    assert f"script-src 'sha256-{digest}'" in csp and "default-src 'none'" in csp
    assert not re.search(r"(?:src|href)=\"(?:https?:)?//", index)  # no network
    assert not soup.find_all("link", rel="stylesheet")


def test_junk_file_is_listed_and_others_scored(tmp_path, seeds, capsys, fixed_time):
    folder = copy_seeds(seeds, tmp_path / "in")
    (folder / "junk.bin").write_bytes(random.Random(1).randbytes(4096))
    out = tmp_path / "out"
    code, stdout, err = run(capsys, "batch", str(folder), "-o", str(out))
    assert code == 1
    assert stdout == ""
    assert err.strip().splitlines()[-1] == f"已评分 5 份，失败 1 份，输出目录 {out}"
    assert "junk.bin" in err
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["counts"] == {"inputs": 6, "scored": 5, "failed": 1}
    junk = [r for r in summary["reports"] if r["file"].endswith("junk.bin")][0]
    assert junk["error"] and junk["page"] is None and junk["score"] is None
    assert sum(1 for r in summary["reports"] if r["error"] is None) == 5
    assert len(list(out.glob("*.html"))) == 6  # five pages + index
    rows = list(csv.DictReader(io.StringIO((out / "summary.csv").read_text(encoding="utf-8-sig"))))
    assert [r["error"] for r in rows if r["file"].endswith("junk.bin")] == [junk["error"]]
    soup = BeautifulSoup((out / "index.html").read_text(encoding="utf-8"), "html.parser")
    failed = soup.find(id="failed")
    assert failed is not None and "junk.bin" in failed.get_text() and junk["error"] in failed.get_text()


def test_nothing_scorable_exits_2(tmp_path, capsys):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "junk.bin").write_bytes(bytes(range(256)) * 8)
    code, _, err = run(capsys, "batch", str(folder), "-o", str(tmp_path / "out"))
    assert code == 2 and "已评分 0 份，失败 1 份" in err
    (tmp_path / "empty").mkdir()
    code, _, err = run(capsys, "batch", str(tmp_path / "empty"), "-o", str(tmp_path / "out2"))
    assert code == 2 and "没有找到要评分的报告文件" in err
    code, _, err = run(capsys, "batch", str(tmp_path / "no_such_file.txt"), "-o", str(tmp_path / "out3"))
    assert code == 2 and "no_such_file.txt" in err


def test_non_empty_output_needs_force(tmp_path, seeds, capsys):
    out = tmp_path / "out"
    out.mkdir()
    keep = out / "index.html"
    keep.write_text("previous work", encoding="utf-8")
    code, _, err = run(capsys, "batch", str(seeds[0]), "-o", str(out))
    assert code == 2 and "--force" in err and err.startswith("fzscore: 错误：")
    assert keep.read_text(encoding="utf-8") == "previous work"
    assert sorted(p.name for p in out.iterdir()) == ["index.html"]

    code, _, _ = run(capsys, "batch", str(seeds[0]), "-o", str(out), "--force")
    assert code == 0 and keep.read_text(encoding="utf-8") != "previous work"


def test_hidden_files_do_not_make_the_output_non_empty(tmp_path, seeds, capsys):
    out = tmp_path / "reports_out"
    out.mkdir()
    (out / ".gitkeep").write_text("", encoding="utf-8")
    code, _, _ = run(capsys, "batch", str(seeds[0]), "-o", str(out))
    assert code == 0 and (out / "index.html").is_file() and (out / ".gitkeep").read_text() == ""


def test_never_overwrites_an_input(tmp_path, seeds, capsys):
    folder = copy_seeds(seeds[:1], tmp_path / "in")
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    code, _, err = run(capsys, "batch", str(folder), "-o", str(folder), "--force")
    assert code == 2 and "输入文件" in err
    # An input named like an output page is refused too, even in another folder layout.
    other = tmp_path / "other"
    other.mkdir()
    clash = other / "index.html"
    clash.write_text("<html><body>某县2023年法治政府建设情况报告</body></html>", encoding="utf-8")
    code, _, err = run(capsys, "batch", str(clash), "-o", str(other), "--force")
    assert code == 2
    assert clash.read_text(encoding="utf-8").startswith("<html><body>某县")
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before


def test_jobs_do_not_change_output(tmp_path, seeds, capsys, fixed_time):
    folder = copy_seeds(seeds, tmp_path / "in")
    (folder / "junk.bin").write_bytes(random.Random(2).randbytes(4096))
    outputs = {}
    for jobs in ("1", "2"):
        out = tmp_path / f"out{jobs}"
        code, _, _ = run(capsys, "batch", str(folder), "-o", str(out), "--jobs", jobs)
        assert code == 1
        outputs[jobs] = outputs_of(out)
    assert outputs["1"]["summary.json"] == outputs["2"]["summary.json"]
    assert outputs["1"] == outputs["2"]


HOSTILE_LINE = '执法 <script>alert("x")</script> <a href="javascript:alert(1)">点</a> {{ 7*7 }} &amp; &lt;b&gt; | *粗* onerror=alert(1) 全年办理案件12件，群众满意度持续提升，各项工作取得明显成效。'


def test_copies_and_hostile_text_in_index(tmp_path, seed_by_prefix, capsys, fixed_time):
    folder = tmp_path / "in"
    folder.mkdir()
    source = seed_by_prefix("001")
    shutil.copy(seed_by_prefix("003"), folder / seed_by_prefix("003").name)
    rnd = random.Random(5)
    lines = source.read_text(encoding="utf-8").split("\n")
    lines.insert(3, HOSTILE_LINE)  # a hostile paragraph that both reports share
    (folder / source.name).write_text("\n".join(lines), encoding="utf-8")
    copied = [
        (line.replace("三河镇", "七营镇") if rnd.random() < 0.6 or line == HOSTILE_LINE else "本段另行撰写，与原报告无关。" * 3)
        if len(line) >= 30
        else line
        for line in lines
    ]
    hostile_name = '<img src=x onerror=alert(1)> javascript:copy.txt'
    (folder / hostile_name).write_text("\n".join(copied), encoding="utf-8")
    out = tmp_path / "out"
    code, _, err = run(capsys, "batch", str(folder), "-o", str(out))
    assert code == 0, err
    assert "疑似雷同：1 对" in err

    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    (pair,) = summary["similar_pairs"]
    assert {Path(pair["a"]).name, Path(pair["b"]).name} == {source.name, hostile_name}
    assert pair["similarity"] >= 0.3 and pair["shared"]
    assert any("<script>" in s["text_a"] and "{{ 7*7 }}" in s["text_b"] for s in pair["shared"])
    closest = {Path(r["file"]).name: r["closest"] for r in summary["reports"]}
    assert Path(closest[hostile_name]["file"]).name == source.name

    index = (out / "index.html").read_text(encoding="utf-8")
    soup = BeautifulSoup(index, "html.parser")
    assert len(soup.find_all("script")) == 1
    for tag in soup.find_all(True):
        assert not any(attr.lower().startswith("on") for attr in tag.attrs), tag
    for anchor in soup.find_all("a"):
        assert anchor["href"].startswith(("./", "#")), anchor["href"]
    assert "<img" not in index and "alert(1)>" not in index
    assert "{{ 7*7 }}" in soup.get_text()  # shown literally, not evaluated
    text = soup.get_text()
    assert hostile_name in text
    copies = soup.find(id="copies")
    assert copies.find("details") is not None and "七营镇" in copies.get_text()


# ---------------------------------------------------------------------------------------------
# The index in a real browser: sorting and filtering work, and nothing is fetched
# ---------------------------------------------------------------------------------------------


@pytest.mark.browser
def test_index_sorts_and_filters_in_browser(seeds_batch):
    chromium = "/usr/bin/chromium" if Path("/usr/bin/chromium").is_file() else shutil.which("chromium")
    if chromium is None:
        if os.environ.get("CI"):
            pytest.fail("Debian's chromium is required in CI")
        pytest.skip("Debian's chromium is not installed")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        if os.environ.get("CI"):
            pytest.fail("playwright is required in CI")
        pytest.skip("playwright is not installed")
    _, out = seeds_batch
    requests: list[str] = []
    errors: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_page()
            page.on("request", lambda request: requests.append(request.url))
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.on("console", lambda message: message.type == "error" and errors.append(message.text))
            page.goto((out / "index.html").as_uri(), wait_until="load")

            def scores() -> list[float]:
                cells = page.locator("#reports tbody tr:not([hidden]) td:nth-child(5)").all_inner_texts()
                return [float(c) for c in cells]

            page.locator("#reports thead th:nth-child(5) button").click()
            assert scores() == sorted(scores())
            assert page.locator("#reports thead th:nth-child(5)").get_attribute("aria-sort") == "ascending"
            page.locator("#reports thead th:nth-child(5) button").click()
            assert scores() == sorted(scores(), reverse=True)

            page.locator(".filter input").fill("乡镇")
            visible = page.locator("#reports tbody tr:not([hidden])")
            assert visible.count() == 1 and "乡镇" in visible.inner_text()
            page.locator(".filter input").fill("")
            assert page.locator("#reports tbody tr:not([hidden])").count() == 5
        finally:
            browser.close()
    assert errors == []
    assert all(url.startswith("file://") for url in requests)


# ---------------------------------------------------------------------------------------------
# Budgets: a report that hangs, crashes its worker or is too large fails alone
# ---------------------------------------------------------------------------------------------


@pytest.fixture()
def misbehaving(monkeypatch):
    """Reading ``hang.txt`` never ends and reading ``crash.txt`` kills the process (a slow or fatal
    reader, patched in the test process: the worker processes are forked from it and inherit it)."""
    import time

    from scorer.ingest import reader

    real = reader._read_bytes

    def read_bytes(path, *args):
        name = Path(path).name
        if name == "hang.txt":
            time.sleep(600)
        if name == "crash.txt":
            os._exit(3)
        return real(path, *args)

    monkeypatch.setattr(reader, "_read_bytes", read_bytes)


def test_hanging_crashing_and_oversize_reports_fail_alone(tmp_path, seeds, capsys, fixed_time, misbehaving):
    folder = copy_seeds(seeds, tmp_path / "in")
    shutil.copy(seeds[0], folder / "hang.txt")
    shutil.copy(seeds[1], folder / "crash.txt")
    (folder / "big.txt").write_text(seeds[2].read_text(encoding="utf-8") * 4, encoding="utf-8")  # ~36 KB
    out = tmp_path / "out"
    code, _, err = run(
        capsys, "batch", str(folder), "-o", str(out), "--jobs", "2", "--timeout", "3", "--max-size", "30KB"
    )
    assert code == 1
    assert err.strip().splitlines()[-1] == f"已评分 5 份，失败 3 份，输出目录 {out}"
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    errors = {Path(r["file"]).name: r["error"] for r in summary["reports"]}
    assert "超时" in errors["hang.txt"] and "超过 3 秒" in errors["hang.txt"] and "--timeout" in errors["hang.txt"]
    assert "意外退出" in errors["crash.txt"] and "退出码 3" in errors["crash.txt"]
    assert "超过上限 30 KB" in errors["big.txt"] and "--max-size" in errors["big.txt"]
    assert all(errors[p.name] is None for p in seeds)
    for name in ("hang.txt", "crash.txt", "big.txt"):
        assert f"失败：{folder / name}：" in err
    assert not list(out.glob(".*.tmp*"))  # no temp file of a killed worker left behind


@pytest.mark.parametrize("command", ["score", "check", "inspect", "explain"])
def test_single_report_commands_honour_the_budget(command, tmp_path, seeds, capsys, misbehaving):
    extra = ["legislation"] if command == "explain" else []
    big = tmp_path / "big.txt"
    big.write_text(seeds[2].read_text(encoding="utf-8") * 4, encoding="utf-8")
    code, out, err = run(capsys, command, str(big), *extra, "--max-size", "30KB")
    assert code == 2 and out == "" and "超过上限 30 KB" in err and err.startswith("fzscore: 错误：")
    hang = tmp_path / "hang.txt"
    shutil.copy(seeds[2], hang)
    code, out, err = run(capsys, command, str(hang), *extra, "--timeout", "1")
    assert code == 2 and out == "" and "超时" in err and "--timeout" in err
    # Within budget the command works as before.
    code, out, err = run(capsys, command, str(seeds[2]), *extra, "--timeout", "120", "--max-size", "1MB")
    assert code in (0, 1) and (out or err)


@pytest.mark.parametrize(("option", "value"), [("--max-size", "lots"), ("--max-size", "12 parsecs"), ("--timeout", "-1"), ("--timeout", "soon")])
def test_bad_budget_values_are_usage_errors(option, value, seeds, capsys, tmp_path):
    code, _, err = run(capsys, "batch", str(seeds[0]), "-o", str(tmp_path / "out"), option, value)
    assert code == 2 and ("无效" in err or "非负" in err)
    assert not (tmp_path / "out").exists()


# ---------------------------------------------------------------------------------------------
# Interrupted and resumed batches
# ---------------------------------------------------------------------------------------------


def variants(seeds, folder: Path, count: int) -> Path:
    """``count`` distinct reports: the seeds and the examples, and copies of them with one line changed."""
    from corpus_paths import EXAMPLES_DIR

    folder.mkdir(parents=True, exist_ok=True)
    sources = list(seeds) + sorted(EXAMPLES_DIR.glob("qinghe_*.txt"))
    for index in range(count):
        lines = sources[index % len(sources)].read_text(encoding="utf-8").split("\n")
        if index >= len(sources):
            lines.insert(2, f"本报告为第{index}号续接测试副本。")
        (folder / f"r{index:02d}.txt").write_text("\n".join(lines), encoding="utf-8")
    return folder


def journal_entries(out: Path) -> list[dict]:
    from scorer.audit.journal import decode_meta

    path = out / ".fzscore-batch" / "journal.jsonl"
    if not path.is_file():
        return []
    with open(path, "rb") as handle:
        return [meta for meta in map(decode_meta, handle) if meta is not None]


def start_batch(folder: Path, out: Path) -> subprocess.Popen:
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH}
    return subprocess.Popen(
        [sys.executable, "-m", "scorer", "batch", str(folder), "-o", str(out), "--jobs", "1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        text=True,
    )


def wait_for_entries(process: subprocess.Popen, out: Path, count: int) -> None:
    import time

    for _ in range(6000):  # polls, not a timing assertion: a busy machine only makes it slower
        if len(journal_entries(out)) >= count or process.poll() is not None:
            return
        time.sleep(0.02)


@pytest.fixture(scope="module")
def resume_inputs(tmp_path_factory, seeds):
    """14 reports and the outputs of one uninterrupted batch over them."""
    root = tmp_path_factory.mktemp("resume")
    folder = variants(seeds, root / "in", 14)
    out = root / "reference"
    previous = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = EPOCH
    try:
        assert main(["batch", str(folder), "-o", str(out), "--jobs", "2"]) == 0
    finally:
        if previous is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = previous
    return folder, outputs_of(out)


def test_killed_batch_resumes_with_only_the_rest_and_the_same_outputs(tmp_path, resume_inputs, capsys, fixed_time):
    folder, reference = resume_inputs
    out = tmp_path / "out"
    process = start_batch(folder, out)
    wait_for_entries(process, out, 4)
    process.send_signal(signal.SIGKILL)  # no chance to clean up: as after a power cut
    process.wait()
    done = journal_entries(out)
    assert 4 <= len(done) < 14, "the batch was not interrupted mid-way"
    assert not (out / "index.html").exists()  # the index is written at the end only
    kept = {meta["page"]: (out / meta["page"]).stat() for meta in done}
    # A line cut short by the crash is ignored, as if that report had not finished.
    with open(out / ".fzscore-batch" / "journal.jsonl", "ab") as handle:
        handle.write(b'{"v":1,"path":"half a line')

    code, _, err = run(capsys, "batch", str(folder), "-o", str(out), "--resume", "--jobs", "2")
    assert code == 0, err
    assert f"续接：沿用已完成的 {len(done)} 份，还需评分 {14 - len(done)} 份" in err
    for page, before in kept.items():  # re-used pages were not written again
        after = (out / page).stat()
        assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert len(journal_entries(out)) == 14
    assert outputs_of(out) == reference  # byte for byte, as if never interrupted


def test_ctrl_c_says_how_to_resume(tmp_path, resume_inputs, capsys, fixed_time):
    folder, reference = resume_inputs
    out = tmp_path / "out"
    process = start_batch(folder, out)
    wait_for_entries(process, out, 2)
    process.send_signal(signal.SIGINT)
    _, err = process.communicate()
    assert process.returncode == 130, err
    done = len(journal_entries(out))
    assert 2 <= done < 14
    line = err.strip().splitlines()[-1]
    assert line.startswith(f"已中断：14 份中已完成 {done} 份") and "--resume" in line and str(out) in line
    assert "Traceback" not in err

    code, _, err = run(capsys, "batch", str(folder), "-o", str(out))
    assert code == 2 and "--resume" in err  # not silently started over
    code, _, err = run(capsys, "batch", str(folder), "-o", str(out), "--resume")
    assert code == 0 and f"沿用已完成的 {done} 份" in err
    assert outputs_of(out) == reference


def test_resume_scores_again_what_changed(tmp_path, seeds, capsys, fixed_time):
    folder = variants(seeds, tmp_path / "in", 6)
    out = tmp_path / "out"
    assert run(capsys, "batch", str(folder), "-o", str(out))[0] == 0
    # Nothing changed: everything re-used; the copy-detection threshold may differ (not in the pages).
    code, _, err = run(capsys, "batch", str(folder), "-o", str(out), "--resume", "--flag-similarity", "0.9")
    assert code == 0 and "沿用已完成的 6 份，还需评分 0 份" in err
    assert json.loads((out / "summary.json").read_text(encoding="utf-8"))["copy_detection"]["flag_similarity"] == 0.9
    # An input edited, a page tampered with, a page deleted: those three are scored again.
    (folder / "r00.txt").write_text((folder / "r00.txt").read_text(encoding="utf-8") + "\n补充一段。", encoding="utf-8")
    (out / "r01.html").write_text("tampered", encoding="utf-8")
    (out / "r02.html").unlink()
    code, _, err = run(capsys, "batch", str(folder), "-o", str(out), "--resume")
    assert code == 0 and "沿用已完成的 3 份，还需评分 3 份" in err
    fresh = tmp_path / "fresh"
    assert run(capsys, "batch", str(folder), "-o", str(fresh))[0] == 0
    assert outputs_of(out) == outputs_of(fresh)
    # Other rules or settings: nothing can be re-used.
    code, _, err = run(capsys, "batch", str(folder), "-o", str(out), "--resume", "--pack", "gangyao-2021,report-structure")
    assert code == 0 and "上次的结果不能沿用" in err and "沿用已完成的 0 份" in err


def test_resume_needs_a_batch_folder(tmp_path, seeds, capsys):
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    code, _, err = run(capsys, "batch", str(seeds[0]), "-o", str(out), "--resume")
    assert code == 2 and "非空" in err
    assert sorted(p.name for p in out.iterdir()) == ["notes.txt"]
    code, _, err = run(capsys, "batch", str(seeds[0]), "-o", str(tmp_path / "new"), "--resume")
    assert code == 0 and "从头开始" in err


def test_readme_exit_code_table_is_true():
    from corpus_paths import REPO_ROOT

    from scorer.errors import ExitCode

    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    table = readme.split("### 退出码", 1)[1].split("\n\n", 2)[1]
    codes = {int(line.split("|")[1]) for line in table.splitlines() if re.match(r"\| \d+ \|", line)}
    assert codes == {int(code) for code in ExitCode}


def test_late_reports_are_counted_at_the_end(tmp_path, capsys):
    """The closing summary counts reports dated after 1 March of the next year (督察规定)."""
    from corpus_paths import EXAMPLES_DIR

    folder = tmp_path / "in"
    folder.mkdir()
    strong = (EXAMPLES_DIR / "qinghe_2024_strong.txt").read_text(encoding="utf-8")
    assert "2025年2月20日" in strong
    (folder / "按时.txt").write_text(strong, encoding="utf-8")
    (folder / "逾期.txt").write_text(strong.replace("2025年2月20日", "2025年4月10日"), encoding="utf-8")
    code, _, err = run(capsys, "batch", str(folder), "-o", str(tmp_path / "out"), "--jobs", "1")
    assert code == 0
    assert "逾期报送：1 份" in err
    index = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    assert "<dt>逾期报送</dt><dd>1 份</dd>" in index and "逾期 40 天" in index
