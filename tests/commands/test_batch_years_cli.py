"""`fzscore batch` over two years of the samples: pairs found, comparison pages, index and summary columns."""

from __future__ import annotations

import csv
import io
import json
import shutil

import docx
import pytest
from bs4 import BeautifulSoup
from corpus_paths import EXAMPLES_DIR

from scorer.cli import main
from scorer.render.summary import CSV_COLUMNS

SAMPLES = ("qinghe_2023.txt", "qinghe_2024_strong.txt", "qinghe_2024_weak.txt")


@pytest.fixture(scope="module")
def two_years(tmp_path_factory, seed_by_prefix):
    """The 2023 sample and both 2024 samples, plus a township seed with no other year; --docx."""
    folder = tmp_path_factory.mktemp("years") / "in"
    folder.mkdir()
    for name in SAMPLES:
        shutil.copy(EXAMPLES_DIR / name, folder / name)
    seed = seed_by_prefix("001")
    shutil.copy(seed, folder / seed.name)
    out = folder.parent / "out"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", "1700000000")
        code = main(["batch", str(folder), "-o", str(out), "--docx"])
    return code, folder, out, seed.name


def test_pairs_found_and_compared(two_years):
    code, folder, out, seed = two_years
    assert code == 0
    data = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    pairs = {(p["last"].rsplit("/", 1)[-1], p["this"].rsplit("/", 1)[-1]): p for p in data["year_pairs"]}
    assert set(pairs) == {("qinghe_2023.txt", "qinghe_2024_strong.txt"), ("qinghe_2023.txt", "qinghe_2024_weak.txt")}
    strong = pairs[("qinghe_2023.txt", "qinghe_2024_strong.txt")]
    # the same figures as `fzscore compare` on the pair (tests/audit/test_compare.py lists them)
    assert (strong["repeated_problems"], strong["plans_followed"], strong["plan_points"], strong["recycled_paragraphs"]) == (6, 4, 7, 2)
    assert strong["error"] is None and strong["verdict"].startswith("总分")
    for pair in pairs.values():
        page = (out / pair["page"]).read_text(encoding="utf-8")
        assert pair["verdict"] in page and "<script" not in page
    assert [u["file"].rsplit("/", 1)[-1] for u in data["unpaired"]] == [seed]
    by_file = {r["file"].rsplit("/", 1)[-1]: r for r in data["reports"]}
    assert by_file["qinghe_2024_strong.txt"]["previous_year"]["page"] == strong["page"]
    assert by_file["qinghe_2023.txt"]["previous_year"] is None


def test_summary_csv_columns_filled(two_years):
    _, _, out, seed = two_years
    rows = list(csv.reader(io.StringIO((out / "summary.csv").read_text(encoding="utf-8-sig"))))
    assert tuple(rows[0]) == CSV_COLUMNS
    by_file = {r[0].rsplit("/", 1)[-1]: dict(zip(CSV_COLUMNS, r)) for r in rows[1:]}
    strong, weak = by_file["qinghe_2024_strong.txt"], by_file["qinghe_2024_weak.txt"]
    for row in (strong, weak):
        assert row["previous"].endswith("qinghe_2023.txt") and row["compare_page"]
        assert float(row["score_change"]) == pytest.approx(float(row["score"]) - float(by_file["qinghe_2023.txt"]["score"]), abs=0.06)
    assert (strong["repeated_problems"], strong["plans_followed"], strong["plan_points"]) == ("6", "4", "7")
    assert weak["repeated_problems"] == "0"  # the weak draft's problems are its own
    for name in ("qinghe_2023.txt", seed):
        assert by_file[name]["previous"] == "" and by_file[name]["score_change"] == ""


def test_index_columns_and_sections(two_years):
    _, _, out, seed = two_years
    soup = BeautifulSoup((out / "index.html").read_text(encoding="utf-8"), "html.parser")
    headers = [th.get_text(strip=True) for th in soup.select("#reports thead th")]
    assert headers[-3:] == ["较上一年度", "重复问题", "安排见成效"]
    cells = {}
    for tr in soup.select("#reports tbody tr"):
        name = tr.select_one("td .path").get_text(strip=True)
        cells[name] = [td.get_text(strip=True) for td in tr.find_all("td")][-3:]
        if name == "qinghe_2024_strong.txt":
            link = tr.find_all("td")[-3].find("a")
            assert link is not None and (out / link["href"].removeprefix("./")).is_file()
    assert cells["qinghe_2024_strong.txt"][1:] == ["6/9", "4/7"]
    assert cells["qinghe_2024_strong.txt"][0].startswith("+")
    assert cells["qinghe_2023.txt"] == ["—", "—", "—"]
    years = soup.select_one("#years")
    assert len(years.select("tbody tr")) >= 2 + 1  # two pairs, one unpaired report
    assert seed in years.get_text()


def test_one_word_report_per_report(two_years):
    _, folder, out, _ = two_years
    for report in folder.iterdir():
        word = out / f"{report.stem}.docx"
        assert word.is_file(), word
        assert "差距清单" in [p.text for p in docx.Document(str(word)).paragraphs if p.style.name == "Heading 1"]


def test_parallel_run_gives_the_same_outputs(two_years, tmp_path, monkeypatch):
    _, folder, out, _ = two_years
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    other = tmp_path / "out"
    assert main(["batch", str(folder), "-o", str(other), "--docx", "--jobs", "2"]) == 0
    # The outputs, not the batch's state folder (.fzscore-batch: its journal is in completion order).
    outputs = sorted(p.name for p in out.iterdir() if p.is_file())
    assert sorted(p.name for p in other.iterdir() if p.is_file()) == outputs
    for name in outputs:
        assert (other / name).read_bytes() == (out / name).read_bytes(), name
