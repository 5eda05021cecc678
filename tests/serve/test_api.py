"""The workspace end to end through its HTTP interface (TestClient): upload, score, review, export.

One season is scored once for the module: the five seeds, a 2023 version of an example report (the
same body a year earlier), a near-copy of a seed, and a report with markup in its text and name.
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from urllib.parse import quote

import pytest
from bs4 import BeautifulSoup
from corpus_paths import EXAMPLES_DIR
from render.scorecard_factory import HOSTILE, HOSTILE_FILE_NAME
from serve.conftest import Workspace, seed_files, wait_idle

from scorer.pipeline import Scorer
from scorer.serve.app import ServeConfig, create_app


def hostile_text() -> bytes:
    """A report made from the project's own example with markup in its text (never corpus text)."""
    weak = (EXAMPLES_DIR / "qinghe_2024_weak.txt").read_text(encoding="utf-8")
    return weak.replace("青禾县", "白沙县").replace("持续深化“放管服”改革", f"持续深化“放管服”改革{HOSTILE}", 1).encode("utf-8")


@pytest.fixture(scope="module")
def season(tmp_path_factory, seeds):
    from fastapi.testclient import TestClient

    app = create_app(ServeConfig(data_dir=tmp_path_factory.mktemp("season"), jobs=0))
    with TestClient(app, base_url="http://127.0.0.1") as client:
        ws = Workspace(client)
        township = seeds[1].read_text(encoding="utf-8")
        copy = township.replace("三河镇", "七营镇").replace("。", "。", 1)
        files = [
            *seed_files(seeds),
            ("qinghe_2024_strong.txt", (EXAMPLES_DIR / "qinghe_2024_strong.txt").read_bytes()),
            ("资料/七营镇报告.txt", copy.encode("utf-8")),
            # The same county a year earlier: the two-year sample pair of the examples.
            ("qinghe_2023.txt", (EXAMPLES_DIR / "qinghe_2023.txt").read_bytes()),
            (HOSTILE_FILE_NAME, hostile_text()),
        ]
        upload = ws.upload(*files)
        assert [f["outcome"] for f in upload["files"]] == ["new"] * len(files)
        wait_idle(client)
        # Keyed by the name sent (a client may encode quotes in a multipart file name).
        ws.ids = {name: f["report_id"] for (name, _), f in zip(files, upload["files"])}
        ws.names = {f["report_id"]: f["name"] for f in upload["files"]}
        yield ws


def by_name(season, name: str) -> dict:
    return season.get(f"/api/reports/{season.ids[name]}").json()


def test_every_upload_is_scored_as_the_cli_scores_it(season, seeds):
    reports = season.get("/api/reports").json()
    assert len(reports) == len(season.ids) and {r["state"] for r in reports} == {"done"}
    scorer = Scorer()
    for path in seeds[:2]:
        expected = scorer.score_path(path)
        detail = by_name(season, path.name)
        assert detail["report"]["score"] == pytest.approx(expected.score)
        assert detail["report"]["jurisdiction"] == expected.document.meta.jurisdiction
        statuses = {(i["pack"], i["id"]): i["status"] for i in detail["scorecard"]["items"]}
        assert statuses == {(i.pack, i.id): i.status.value for i in expected.items}
        # The page shows the user's file name, never the storage path.
        assert detail["scorecard"]["report"]["path"] == path.name


def test_the_same_file_again_is_a_duplicate(season, seeds):
    again = season.upload((f"重新上传-{seeds[0].name}", seeds[0].read_bytes()))
    assert again["files"][0]["outcome"] == "duplicate"
    assert again["files"][0]["report_id"] == season.ids[seeds[0].name]
    assert len(season.get("/api/reports").json()) == len(season.ids)


def test_dashboard_filters_and_sorts_without_javascript(season):
    def names(query: str) -> list[str]:
        page = season.get(f"/?{query}", headers={"Accept": "text/html"})
        assert page.status_code == 200
        rows = BeautifulSoup(page.text, "html.parser").select("#reports tbody tr")
        return [row.select_one("td .small").get_text() for row in rows if row.select_one("td .small")]

    assert set(names("level=township")) == {"001_7a36a27cbcf2ea14.txt", "七营镇报告.txt"}
    assert names("year=2019") == ["000_ef8065eb342895aa.txt"]
    scores = [r["score"] for r in season.get("/api/reports?sort=score&order=desc").json()]
    assert scores == sorted(scores, reverse=True)
    by_score = names("sort=score&order=desc")
    assert by_score[0] == max(season.get("/api/reports").json(), key=lambda r: r["score"])["name"]
    assert "七营镇报告.txt" in names("flagged=1")
    assert set(names("key_missing=1")) == {r["name"] for r in season.get("/api/reports?key_missing=true").json()}
    assert names("q=qinghe") == ["qinghe_2024_strong.txt", "qinghe_2023.txt"]
    hostile = season.names[season.ids[HOSTILE_FILE_NAME]]
    assert "<img" in hostile and names(f"q={quote('<img')}") == [hostile]
    assert names("level=nonsense&year=abc") == names("")  # bad filter values are ignored on pages


def test_dashboard_pages_keep_filters_and_order(season, monkeypatch):
    import scorer.serve.app as serve_app

    monkeypatch.setattr(serve_app, "PAGE_SIZE", 3)
    every = [r["name"] for r in season.get("/api/reports?sort=score&order=desc").json()]
    assert len(every) > 6  # at least three pages

    def page(query: str) -> BeautifulSoup:
        response = season.get(f"/?{query}", headers={"Accept": "text/html"})
        assert response.status_code == 200
        return BeautifulSoup(response.text, "html.parser")

    seen, query = [], "sort=score&order=desc"
    for _ in range(10):  # follow 下一页 to the end
        soup = page(query)
        seen.extend(td.get_text() for td in soup.select("#reports tbody tr td .small"))
        following = soup.select_one('.pager a[rel="next"]')
        if following is None:
            break
        query = following["href"].removeprefix("/?")
        assert "sort=score" in query and "order=desc" in query  # the order survives paging
    assert seen == every
    first = page("sort=score&order=desc")
    assert first.select_one("#shown").get_text().startswith("显示第 1–3 份") and first.select_one('.pager [aria-current="page"]').get_text() == "1"
    # Out of range and nonsense page numbers land on a real page.
    assert page("page=999").select_one('.pager [aria-current="page"]').get_text() == str(-(-len(every) // 3))
    assert page("page=abc").select_one('.pager [aria-current="page"]').get_text() == "1"
    # A filter counts what it finds; one page needs no pager.
    township = page("level=township")
    assert township.select_one(".pager") is None and "共 2 份符合筛选条件" in township.select_one("#shown").get_text()
    # The API pages the same list.
    assert [r["name"] for r in season.get("/api/reports?sort=score&order=desc&limit=3&offset=3").json()] == every[3:6]


def test_copies_are_found_within_a_year(season, seeds):
    pairs = season.get("/api/copies").json()
    pair = {season.ids[seeds[1].name], season.ids["资料/七营镇报告.txt"]}
    assert any({p["a_id"], p["b_id"]} == pair and p["similarity"] > 0.8 and p["shared"] for p in pairs)
    page = season.get("/copies", headers={"Accept": "text/html"}).text
    assert "七营镇" in page
    # Reports of different years are never paired: 2023 and 2024 of the same body are not "copies".
    qinghe = {season.ids["qinghe_2024_strong.txt"], season.ids["qinghe_2023.txt"]}
    assert not any({p["a_id"], p["b_id"]} == qinghe for p in pairs)


def test_review_override_needs_a_reason_and_is_carried_by_every_export(season, seeds):
    rid = season.ids[seeds[1].name]
    items = by_name(season, seeds[1].name)["scorecard"]["items"]
    target = next(i for i in items if i["status"] == "partial")
    base = {"pack": target["pack"], "item": target["id"], "status": "covered", "reviewer": "王审核"}
    refused = season.post(f"/api/reports/{rid}/reviews", json=base)
    assert refused.status_code == 400 and "理由" in refused.json()["detail"]
    made = season.post(f"/api/reports/{rid}/reviews", json={**base, "reason": "第三部分写明了 12 项制度"})
    assert made.status_code == 201, made.text
    review = made.json()
    assert (review["machine_status"], review["status"], review["overrides"]) == ("partial", "covered", True)
    assert review["line"].startswith("人工复核：部分覆盖 → 已覆盖，理由：第三部分写明了 12 项制度，复核人：王审核，")

    history = season.get(f"/api/reports/{rid}/reviews").json()
    assert [r["reviewer"] for r in history][-1] == "王审核"
    detail = season.get(f"/api/reports/{rid}").json()
    reviewed = next(i for i in detail["scorecard"]["items"] if i["id"] == target["id"] and i["pack"] == target["pack"])
    assert reviewed["status"] == "partial" and reviewed["review"]["status"] == "covered"  # both verdicts kept
    assert detail["report"]["reviewed"] >= 1

    page = season.get(f"/reports/{rid}/report.html").text
    assert "人工复核：</strong>部分覆盖 → 已覆盖，理由：第三部分写明了 12 项制度，复核人：王审核" in page
    items_csv = season.get(f"/reports/{rid}/items.csv").content
    assert items_csv.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(items_csv.decode("utf-8-sig"))))
    row = next(r for r in rows if r["item"] == target["id"])
    assert (row["machine_status"], row["review_status"], row["reviewer"]) == ("部分覆盖", "已覆盖", "王审核")

    summary = season.get("/export/summary.csv").content
    assert summary.startswith(b"\xef\xbb\xbf")
    summary_rows = {r["file"]: r for r in csv.DictReader(io.StringIO(summary.decode("utf-8-sig")))}
    assert "部分覆盖 → 已覆盖" in summary_rows[seeds[1].name]["reviews"]
    assert int(summary_rows[seeds[1].name]["reviewed"]) >= 1
    as_json = season.get("/export/summary.json").json()
    entry = next(r for r in as_json["reports"] if r["file"] == seeds[1].name)
    assert any(r["item"] == target["id"] and r["status"] == "covered" for r in entry["reviews"])
    pages = zipfile.ZipFile(io.BytesIO(season.get("/export/pages.zip").content))
    names = pages.namelist()
    assert {"index.html", "summary.csv", "summary.json"} <= set(names)
    own = next(n for n in names if n.startswith(f"{rid:04d}-"))
    assert "复核人：王审核" in pages.read(own).decode("utf-8")


def test_review_by_form_remembers_the_reviewer(season, seeds):
    rid = season.ids[seeds[2].name]
    item = next(i for i in by_name(season, seeds[2].name)["scorecard"]["items"] if i["status"] == "covered")
    form = {"csrf_token": season.csrf, "pack": item["pack"], "item": item["id"], "status": "covered", "reason": "", "reviewer": "赵复核", "anchor": "item-3-x"}
    headers = {"X-CSRF-Token": "", "Accept": "text/html"}
    response = season.client.post(f"/reports/{rid}/reviews", data=form, headers=headers, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == f"/reports/{rid}?open=item-3-x#item-3-x"
    assert "fz_reviewer=" in response.headers["set-cookie"]
    page = season.get(f"/reports/{rid}", headers={"Accept": "text/html"}).text
    assert "确认 已覆盖" in page and 'value="赵复核"' in page
    assert season.get("/api/session").json()["reviewer"] == "赵复核"


def test_history_groups_a_body_across_years_and_compares_them(season):
    bodies = season.get("/api/history").json()
    qinghe = next(b for b in bodies if b["jurisdiction"] == "青禾县")
    assert [r["year"] for r in qinghe["reports"]] == [2023, 2024]
    last, this = (r["id"] for r in qinghe["reports"])
    compared = season.get(f"/api/compare?last={last}&this={this}").json()
    assert compared["score_change"] == pytest.approx(compared["this_score"] - compared["last_score"], abs=0.06)
    assert len(compared["items"]) >= 30 and {i["change"] for i in compared["items"]} <= {"improved", "regressed", "unchanged", "added", "removed", "not_comparable"}
    # The full comparison is the one `fzscore compare` makes of the same two files (computed in the pool).
    from scorer.audit.compare import compare_paths
    from scorer.render import compare as compare_render

    expected = compare_paths(Scorer(), str(EXAMPLES_DIR / "qinghe_2023.txt"), str(EXAMPLES_DIR / "qinghe_2024_strong.txt"))
    expected_dict = json.loads(json.dumps(compare_render.to_dict(expected), ensure_ascii=False))
    for side in ("last", "this"):  # the workspace shows the uploaded file names, the CLI the paths given
        expected_dict[side]["path"] = compared["comparison"][side]["path"]
    assert compared["comparison"] == expected_dict
    assert expected.plans_followed == 4 and len(expected.plan_points) == 7  # the sample pair (examples/README.md)
    page = season.get(f"/compare?last={last}&this={this}", headers={"Accept": "text/html"})
    assert page.status_code == 200 and "逐项对比" in page.text and "上一年度安排见成效：4 / 7 项" in page.text
    full_page = season.get(f"/compare/report.html?last={last}&this={this}")
    assert full_page.status_code == 200 and "'sha256-" in full_page.headers["content-security-policy"]
    word = season.get(f"/compare/report.docx?last={last}&this={this}")
    assert word.status_code == 200 and word.content.startswith(b"PK")
    body = season.get("/history/body", params={"jurisdiction": "青禾县", "level": "county"}, headers={"Accept": "text/html"})
    assert f"/compare?last={last}&amp;this={this}" in body.text


def test_word_export_carries_the_reviews(season, seeds):
    import docx

    rid = season.ids[seeds[1].name]
    response = season.get(f"/reports/{rid}/report.docx")
    assert response.status_code == 200 and "attachment" in response.headers["content-disposition"]
    document = docx.Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in document.paragraphs)
    cells = "\n".join(cell.text for table in document.tables for row in table.rows for cell in row.cells)
    assert "人工复核：" in text and "复核人：王审核" in text + cells


def test_a_hostile_report_stays_inert_on_every_page(season):
    rid = season.ids[HOSTILE_FILE_NAME]
    html_pages = [f"/reports/{rid}", f"/reports/{rid}/report.html", "/", "/copies", "/history", "/uploads/1"]
    for url in html_pages:
        response = season.get(url, headers={"Accept": "text/html"})
        assert response.status_code == 200, url
        text = response.text
        assert "<script>alert" not in text and "<img src=x" not in text, url
        scripts = re.findall(r"<script[^>]*>", text)
        assert scripts in ([], ['<script src="/static/workspace.js" defer>']), url
        assert "default-src 'none'" in response.headers["content-security-policy"]
        assert "unsafe-inline" not in response.headers["content-security-policy"]
    detail = season.get(f"/reports/{rid}").text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in detail
    assert "onerror=alert" in season.get("/", headers={"Accept": "text/html"}).text.replace("&lt;img src=x onerror=alert(1)&gt;", "onerror=alert")


def test_openapi_document_describes_the_api_and_no_page_loads_from_elsewhere(season):
    document = season.get("/api/openapi.json").json()
    paths = set(document["paths"])
    assert {"/api/uploads", "/api/reports", "/api/reports/{report_id}/reviews", "/api/copies", "/api/history", "/api/compare", "/export/summary.csv"} <= paths
    assert season.get("/docs").status_code == 404  # the interactive docs would load scripts from a CDN
    for url in ("/", "/upload", "/static/workspace.css"):
        text = season.get(url, headers={"Accept": "text/html"}).text
        assert "http://" not in text.replace("http://127.0.0.1", "") and "https://" not in text, url


def test_restart_picks_up_reports_left_unfinished(make_config, seeds):
    from fastapi.testclient import TestClient

    config = make_config()
    # A first server took the files in and was stopped while scoring two of them.
    app = create_app(config)
    client = TestClient(app, base_url="http://127.0.0.1")  # no lifespan: scoring never starts
    ws = Workspace(client)
    ws.upload(*seed_files(seeds[:3]))
    store = app.state.workspace.store
    assert len(store.claim(2)) == 2
    assert store.queue_counts() == {"pending": 1, "scoring": 2, "done": 0, "failed": 0}
    store.close()
    # The next start scores all three.
    with TestClient(create_app(config), base_url="http://127.0.0.1") as again:
        wait_idle(again)
        assert {r["state"] for r in again.get("/api/reports").json()} == {"done"}
        assert again.get("/api/status").json()["done"] == 3


def test_rescoring_with_new_rules_keeps_reviews_and_flags_changed_verdicts(make_config, seeds):
    from dataclasses import replace

    from fastapi.testclient import TestClient

    from scorer.audit.batch import BatchSettings

    config = make_config()
    with TestClient(create_app(config), base_url="http://127.0.0.1") as client:
        ws = Workspace(client)
        rid = ws.upload((seeds[3].name, seeds[3].read_bytes()))["files"][0]["report_id"]
        wait_idle(client)
        covered = next(i for i in ws.get(f"/api/reports/{rid}").json()["scorecard"]["items"] if i["status"] == "covered" and i["pack"] != "report-structure")
        made = ws.post(f"/api/reports/{rid}/reviews", json={"pack": covered["pack"], "item": covered["id"], "status": "covered", "reviewer": "钱复核"})
        assert made.status_code == 201
    # Stricter thresholds (as a new rules version would bring): nothing is "covered" any more.
    stricter = replace(config, batch=BatchSettings(matching={"min_substance": 50, "covered_min_sentences": 50}))
    with TestClient(create_app(stricter), base_url="http://127.0.0.1") as client:
        wait_idle(client)
        detail = client.get(f"/api/reports/{rid}").json()
        item = next(i for i in detail["scorecard"]["items"] if i["id"] == covered["id"] and i["pack"] == covered["pack"])
        assert item["status"] != "covered"
        assert item["review"]["status"] == "covered" and item["review"]["machine_changed"] is True
        assert detail["report"]["review_changed"] == 1
        assert "请重新复核" in client.get(f"/reports/{rid}", headers={"Accept": "text/html"}).text
        assert json.loads(client.get(f"/reports/{rid}/report.json").text)["review_counts"]["machine_changed"] == 1
