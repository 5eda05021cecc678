"""The HTML gap report, without a browser: structure, content, escaping, determinism."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime, timezone

import pytest
from bs4 import BeautifulSoup
from render.scorecard_factory import (
    HOSTILE,
    HOSTILE_FILE_NAME,
    make_hostile_scorecard,
    make_scorecard,
    make_weak_scorecard,
)

from scorer.errors import ConfigError
from scorer.model import Status
from scorer.render import html
from scorer.render.clock import generation_time, iso_utc
from scorer.render.highlight import SUBSTANCE, TERM, Segment, segments
from scorer.render.svg import BarInput, bar_chart
from scorer.rules.thresholds import MatchingConfig

FIXED = datetime(2024, 3, 1, 8, 30, tzinfo=timezone.utc)
SYMBOL_WORD = {
    Status.COVERED: ("✔", "已覆盖"),
    Status.PARTIAL: ("◐", "部分覆盖"),
    Status.MISSING: ("✘", "未覆盖"),
    Status.NOT_APPLICABLE: ("–", "不适用"),
}


def render(card, **kwargs) -> str:
    kwargs.setdefault("generated_at", FIXED)
    return html.format(card, **kwargs)


def soup_of(page: str) -> BeautifulSoup:
    return BeautifulSoup(page, "html.parser")


def text_of(node) -> str:
    return " ".join(node.get_text(" ").split())


@pytest.fixture(scope="module")
def card():
    return make_scorecard()


@pytest.fixture(scope="module")
def page(card) -> str:
    return render(card, fail_under=80)


@pytest.fixture(scope="module")
def soup(page) -> BeautifulSoup:
    return soup_of(page)


# ---------------------------------------------------------------------------------------------
# Page structure
# ---------------------------------------------------------------------------------------------


def test_sections_in_the_documented_order(page):
    weak = render(make_weak_scorecard())
    for text, expect_waivers in ((page, False), (weak, True)):
        markers = ['id="summary"', 'id="gaps"', 'id="chart"', 'id="items"', 'id="structure"', 'id="waivers"', 'id="method"', "<footer"]
        positions = [text.find(m) for m in markers]
        if not expect_waivers:
            assert positions[5] == -1
            del positions[5]
        assert -1 not in positions
        assert positions == sorted(positions)


def test_page_is_chinese_self_contained_and_scriptless(soup, page):
    assert soup.html["lang"] == "zh-CN"
    assert soup.find("meta", charset=True)["charset"] == "utf-8"
    assert soup.find("link", rel="icon")["href"] == "data:,"
    assert soup.find("script") is None
    assert len(soup.find_all("style")) == 1
    style = soup.style.string
    assert "url(" not in style and "@import" not in style and "@font-face" not in style
    assert '"PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC"' in style
    assert "@page { size: A4; margin: 15mm; }" in style
    csp = soup.find("meta", attrs={"http-equiv": "Content-Security-Policy"})["content"]
    assert "default-src 'none'" in csp


def test_no_reference_leaves_the_page(soup, page):
    for tag in soup.find_all(True):
        for attr, value in tag.attrs.items():
            if attr in ("src", "href", "action", "xlink:href", "srcset", "poster", "data", "formaction"):
                assert value.startswith(("#", "data:")), (tag.name, attr, value)
    for needle in ("http://", "https://", "//cdn"):
        assert needle not in page


def test_header_shows_metadata_score_grade_and_verdict(soup, card):
    header = text_of(soup.find(id="summary"))
    assert "清河县人民政府关于2023年度法治政府建设工作情况的报告" in header
    assert "清河县" in header and "县级" in header and "2023 年" in header and "2024-01-15" in header
    assert f"{card.score:.1f}" in header and card.grade in header
    assert "✘ 未通过" in header and "及格线 80 分" in header
    for pack in card.packs:
        assert pack.title in header and pack.id in header


@pytest.mark.parametrize(
    ("kwargs", "expected", "absent"),
    [
        ({"fail_under": 70}, "✔ 通过", "未通过"),
        ({"fail_under": 80}, "✘ 未通过", "✔ 通过"),
        ({"fail_under": 70, "failed": True}, "✘ 未通过", "✔ 通过"),  # e.g. --fail-on key
        ({}, None, "通过"),
    ],
)
def test_verdict_follows_threshold_or_explicit_failed(card, kwargs, expected, absent):
    header = text_of(soup_of(render(card, **kwargs)).find(id="summary"))
    if expected:
        assert expected in header
    assert absent not in header


def test_verdict_names_the_key_items_when_failed_on_them(card):
    verdict = soup_of(render(card, fail_under=70, failed=True)).select_one(".verdict")
    assert "关键项未覆盖" in text_of(verdict)
    assert "严格落实重大行政决策程序" in text_of(verdict)


def test_key_items_alert_when_no_failing_verdict_names_them(card):
    alone = soup_of(render(card)).select_one("#summary .alert")
    assert alone is not None and "gangyao-2021:major_decision_procedure" in text_of(alone)
    assert soup_of(render(card, fail_under=80)).select_one("#summary .alert") is None  # verdict lists them


def test_warnings_and_level_from_the_weak_report():
    weak = make_weak_scorecard()
    soup = soup_of(render(weak))
    header = text_of(soup.find(id="summary"))
    facts = {text_of(dt): text_of(dt.find_next_sibling("dd")) for dt in soup.select(".meta dt")}
    assert facts["层级"] == "乡镇"
    assert facts["报告年度"] == "未识别"
    for warning in (*weak.warnings, *weak.document.warnings):
        assert warning in header


# ---------------------------------------------------------------------------------------------
# Gap list
# ---------------------------------------------------------------------------------------------


def gap_entries(soup):
    return soup.find(id="gaps").select("li.gap")


def test_gap_list_holds_exactly_the_missing_and_partial_items(soup, card):
    titles = [text_of(li.find("h3")) for li in gap_entries(soup)]
    expected = {i.title for i in card.items if i.status in (Status.MISSING, Status.PARTIAL)}
    assert set(titles) == expected
    assert len(titles) == len(expected)
    covered_or_na = {i.title for i in card.items if i.status in (Status.COVERED, Status.NOT_APPLICABLE)}
    assert not covered_or_na & set(titles)
    assert any(i.status is Status.NOT_APPLICABLE for i in card.items)  # the case is exercised


def test_gap_list_is_sorted_by_lost_points_then_pack_order(soup, card):
    pack_rank = {p.id: n for n, p in enumerate(card.packs)}
    gaps = [(n, i) for n, i in enumerate(card.items) if i.status in (Status.MISSING, Status.PARTIAL)]
    expected = [i.title for n, i in sorted(gaps, key=lambda g: (-(g[1].weight - g[1].score), pack_rank[g[1].pack], g[0]))]
    assert [text_of(li.find("h3")) for li in gap_entries(soup)] == expected
    lost = [float(li.select_one(".lost strong").get_text()) for li in gap_entries(soup)]
    assert lost == sorted(lost, reverse=True)


def test_each_gap_has_status_symbol_weight_loss_reason_advice_and_basis(soup, card):
    by_title = {i.title: i for i in card.items}
    for li in gap_entries(soup):
        item = by_title[text_of(li.find("h3"))]
        symbol, word = SYMBOL_WORD[item.status]
        assert text_of(li.select_one(".status")) == f"{symbol} {word}"
        body = text_of(li)
        assert f"权重 {html.number(item.weight)}" in body
        assert f"失分 {html.number(item.weight - item.score)}" in body
        for field in (item.reason, item.advice, item.basis):
            assert field and field in body
        assert ("★ 关键项" in body) == item.key


def test_gap_links_point_to_the_item_details(soup):
    ids = {d["id"] for d in soup.select("details.item")}
    links = [a["href"] for a in soup.find(id="gaps").select("a")]
    assert links and all(href[1:] in ids for href in links)


def test_no_gaps_message_when_everything_is_covered(card):
    all_covered = replace(card, items=tuple(replace(i, status=Status.COVERED, score=i.weight) for i in card.items))
    gaps = soup_of(render(all_covered)).find(id="gaps")
    assert not gaps.select("li.gap")
    assert "没有差距" in text_of(gaps)


def test_waived_items_leave_the_gap_list_and_show_in_their_own_section():
    weak = make_weak_scorecard()
    soup = soup_of(render(weak))
    gap_titles = [text_of(li.find("h3")) for li in gap_entries(soup)]
    assert "行政裁量权基准" not in gap_titles
    assert "已豁免" in text_of(soup.find(id="gaps"))
    waivers = text_of(soup.find(id="waivers"))
    for waiver in weak.waivers:
        assert waiver.item in waivers and waiver.reason in waivers
    assert "行政裁量权基准（gangyao-2021:discretion_benchmark）" in waivers
    assert "⚠ 未匹配任何条目" in waivers


# ---------------------------------------------------------------------------------------------
# Chart, details, structure, method, footer
# ---------------------------------------------------------------------------------------------


def test_chart_has_one_labelled_bar_and_table_row_per_subtotal(soup, card):
    chart_section = soup.find(id="chart")
    svgs = chart_section.find_all("svg")
    assert len(svgs) == len(card.packs)
    for svg in svgs:
        assert svg["role"] == "img"
        assert svg.find("title").get_text()
        assert svg["aria-labelledby"] == svg.find("title")["id"]
    bars = chart_section.select("g.bar")
    rows = chart_section.select("table.subtotals tbody tr")
    assert len(bars) == len(rows) == len(card.subtotals)
    for bar, row, subtotal in zip(bars, rows, card.subtotals):
        assert subtotal.title in bar.find("text", class_="label").get_text()
        assert subtotal.title in text_of(row)
        percent = f"{100 * subtotal.score / subtotal.weight:.0f}%"
        assert percent in bar.find("title").get_text() and percent in text_of(row)


def test_every_item_has_details_with_status_score_and_evidence(soup, card):
    details = soup.select("#items details.item")
    assert len(details) == len(card.items)
    for item, node in zip(card.items, details):  # pack order = scorecard order here
        summary = text_of(node.find("summary"))
        symbol, word = SYMBOL_WORD[item.status]
        assert f"{symbol} {word}" in summary
        assert item.title in summary
        assert f"{html.number(item.score)} / {html.number(item.weight)} 分" in summary
        assert f"{item.pack}:{item.id}" in text_of(node)
        quotes = [q.get_text() for q in node.select("ol.evidence blockquote")]
        assert quotes == [e.text for e in item.evidence]


def test_evidence_shows_highlight_location_role_similarity_and_substance(soup, card):
    item = next(i for i in card.items if i.id == "xi_thought_study")
    evidence = item.evidence[0]
    node = soup.find(id=re.compile(r"xi_thought_study$"))
    marks = [m.get_text() for m in node.select("blockquote mark")]
    assert marks == ["习近平法治思想", "第一议题", "专题学习"]
    assert [s.get_text() for s in node.select("blockquote .substance")] == ["12次"]
    meta = text_of(node.select_one(".quote-meta"))
    assert evidence.section in meta
    assert "所在部分：成效" in meta
    assert f"相似度：{evidence.similarity:.2f}" in meta


def test_roles_are_named_in_chinese(soup):
    text = text_of(soup.find(id="items"))
    assert "所在部分：第一责任人" in text  # party_leadership's evidence sits in part 二
    assert "所在部分：下一年度安排" in text  # law_publicity's evidence sits in the plan


def test_parts_table_lists_each_part_with_its_status(soup, card):
    item = next(i for i in card.items if i.id == "major_decision_procedure")
    node = soup.find(id=re.compile(r"major_decision_procedure$"))
    rows = node.select("table.parts tbody tr")
    assert len(rows) == len(item.parts)
    for part, row in zip(item.parts, rows):
        symbol, word = SYMBOL_WORD[part.status]
        assert part.title in text_of(row.th)
        assert f"{symbol} {word}" in text_of(row)


def test_print_only_copy_holds_every_item_flat(soup, card):
    printed = soup.find(id="items").select_one(".print-only")
    articles = printed.select("article.item-print")
    assert len(articles) == len(card.items)
    assert not printed.find_all(id=True)  # anchors stay unique: only the screen copy has ids
    assert all(a.find("h4") and item.title in text_of(a.find("h4")) for a, item in zip(articles, card.items))


def test_structure_section_reports_the_four_required_parts():
    for card, expected in (
        (make_scorecard(), {"存在的不足和原因": "◐ 部分覆盖", "下一年度推进法治政府建设的主要安排": "✔ 已覆盖"}),
        (make_weak_scorecard(), {"存在的不足和原因": "✘ 未覆盖", "下一年度推进法治政府建设的主要安排": "✘ 未覆盖"}),
    ):
        structure = soup_of(render(card)).find(id="structure")
        rows = {text_of(r.th): text_of(r) for r in structure.select("table.required-parts tbody tr")}
        assert len(rows) == 4
        for title, status in expected.items():
            assert status in rows[title]
        parts = [text_of(r) for r in structure.select("table.doc-parts tbody tr")]
        for section in card.document.sections:
            assert any(section.heading in row for row in parts)


def test_structure_section_without_the_structure_pack(card):
    content_only = replace(card, items=tuple(i for i in card.items if i.pack != "report-structure"))
    structure = soup_of(render(content_only)).find(id="structure")
    assert structure.select_one("table.required-parts") is None
    assert "report-structure" in text_of(structure)


def test_method_section_states_limits_and_thresholds(soup):
    method = text_of(soup.find(id="method"))
    assert "覆盖度衡量的是报告文字写了什么，而不是实际做了什么" in method
    assert "TF-IDF" in method and "人工核对" in method
    assert "默认匹配阈值" in method and "min_similarity" in method


def test_method_section_shows_the_run_thresholds_when_given(card):
    method = soup_of(render(card, matching=MatchingConfig(min_similarity=0.45))).find(id="method")
    assert "本次评分使用的匹配阈值" in text_of(method)
    row = next(r for r in method.select("tbody tr") if "min_similarity" in text_of(r))
    assert "0.45" in text_of(row)


def test_footer_names_tool_packs_file_hash_and_time(card):
    weak = make_weak_scorecard()
    footer = text_of(soup_of(render(weak, tool_version="9.8.7")).find("footer"))
    assert "fzscore 9.8.7" in footer
    for pack in weak.packs:
        assert pack.id in footer and pack.version in footer
    assert "柳溪镇报告.txt" in footer and "/data/in" not in footer
    assert weak.document.source.sha256 in footer
    assert "2024-03-01T08:30:00Z" in footer


# ---------------------------------------------------------------------------------------------
# Determinism
# ---------------------------------------------------------------------------------------------


def test_same_input_and_source_date_epoch_give_identical_bytes(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1709280000")
    first = html.format(make_scorecard(), fail_under=80)
    second = html.format(make_scorecard(), fail_under=80)
    assert first.encode("utf-8") == second.encode("utf-8")
    assert "2024-03-01T08:00:00Z" in first
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1709280001")
    assert html.format(make_scorecard(), fail_under=80) != first


def test_generation_time_reads_source_date_epoch(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")
    assert generation_time() == datetime(1970, 1, 1, tzinfo=timezone.utc)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    with pytest.raises(ConfigError, match="SOURCE_DATE_EPOCH"):
        generation_time()
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    now = generation_time()
    assert now.tzinfo is not None
    assert abs((datetime.now(timezone.utc) - now).total_seconds()) < 60


def test_iso_utc_converts_and_assumes_naive_is_utc():
    assert iso_utc(datetime(2024, 3, 1, 8, 0)) == "2024-03-01T08:00:00Z"
    from datetime import timedelta

    beijing = timezone(timedelta(hours=8))
    assert iso_utc(datetime(2024, 3, 1, 16, 0, 5, 999, tzinfo=beijing)) == "2024-03-01T08:00:05Z"


# ---------------------------------------------------------------------------------------------
# Hostile report
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def hostile_page() -> str:
    return render(make_hostile_scorecard(), fail_under=80)


def test_hostile_report_produces_no_active_markup(hostile_page):
    soup = soup_of(hostile_page)
    assert "<script" not in hostile_page.lower()
    assert soup.find("script") is None and soup.find("img") is None
    assert len(soup.find_all("style")) == 1 and len(soup.find_all("title", recursive=True)) >= 1
    assert soup.head.title is not None and "<script>" in soup.head.title.get_text()  # shown as text
    for tag in soup.find_all(True):
        assert not any(attr.lower().startswith("on") for attr in tag.attrs), tag
        for attr in ("href", "src"):
            value = tag.get(attr)
            assert value is None or value.startswith(("#", "data:")), (tag.name, value)
    assert "javascript:" not in " ".join(str(a.get("href", "")) for a in soup.find_all("a"))


def test_hostile_text_is_shown_literally(hostile_page):
    soup = soup_of(hostile_page)
    body = soup.body.get_text()
    # Every piece of hostile text reads back exactly as written, in the places it was put.
    assert f"清河县{HOSTILE}报告" in soup.find("h1").get_text()
    assert body.count(HOSTILE) >= 10
    assert "{{ 7*7 }}" in hostile_page and "{% if %}" in hostile_page
    assert "49" not in soup.find("h1").get_text()
    # Entities in the report are escaped once more, so the reader sees "&amp;" not "&".
    assert "&amp;amp;" in hostile_page and "&amp;lt;" in hostile_page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in hostile_page
    assert "&lt;/style&gt;&lt;/title&gt;" in hostile_page


def test_hostile_evidence_is_highlighted_segment_by_segment(hostile_page):
    assert "&lt;<mark>script</mark>&gt;alert(1)&lt;/<mark>script</mark>&gt;" in hostile_page
    assert "{{ <mark>7*7</mark> }}" in hostile_page
    assert '<span class="substance">&amp;amp;</span>' in hostile_page


def test_hostile_file_name_and_chart_labels_are_escaped(hostile_page):
    soup = soup_of(hostile_page)
    footer = soup.find("footer").get_text()
    assert f"输入文件{HOSTILE_FILE_NAME}（txt" in footer
    labels = [t.get_text() for t in soup.select("#chart svg text.label")]
    assert labels and all(HOSTILE in label for label in labels)


# ---------------------------------------------------------------------------------------------
# Helpers: highlighting, chart geometry, numbers
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "terms", "substance", "expected"),
    [
        ("全面推行行政执法三项制度。", ["三项制度"], [], [("全面推行行政执法", None), ("三项制度", TERM), ("。", None)]),
        ("行政执法公示制度", ["行政执法公示", "公示制度"], [], [("行政执法公示制度", TERM)]),  # overlap merges
        ("Internet+监管", ["internet"], [], [("Internet", TERM), ("+监管", None)]),  # case-insensitive
        ("审核文件14件。", ["审核"], ["14件"], [("审核", TERM), ("文件", None), ("14件", SUBSTANCE), ("。", None)]),
        ("公示1236件", ["公示1"], ["1236件"], [("公示1", TERM), ("236件", SUBSTANCE)]),  # terms win overlaps
        ("没有命中", ["别的"], ["", "  "], [("没有命中", None)]),
        ("", ["x"], [], []),
    ],
)
def test_segments(text, terms, substance, expected):
    result = segments(text, terms, substance)
    assert [(s.text, s.mark) for s in result] == expected
    assert "".join(s.text for s in result) == text
    assert all(isinstance(s, Segment) and s.is_match == (s.mark is not None) for s in result)


def test_bar_chart_geometry_is_proportional():
    chart = bar_chart([BarInput("甲", 3, 4), BarInput("乙", 0, 5), BarInput("丙", 0, 0), BarInput("丁", 9, 6)])
    full = chart.track_width
    widths = [bar.bar_width for bar in chart.bars]
    assert widths[0] == pytest.approx(0.75 * full, abs=0.1)
    assert widths[1] == 0 and widths[2] == 0
    assert widths[3] == pytest.approx(full)  # clamped at 100 %
    assert [bar.percent for bar in chart.bars][:3] == [75.0, 0.0, None]
    assert [bar.band for bar in chart.bars] == ["fair", "poor", "na", "good"]
    assert [b.bar_y for b in chart.bars] == sorted(b.bar_y for b in chart.bars)
    assert chart.height > chart.bars[-1].bar_y + chart.bar_height


@pytest.mark.parametrize(("value", "shown"), [(6, "6"), (6.0, "6"), (4.5, "4.5"), (1.25, "1.25"), (0.0, "0"), (-0.0, "0"), (2.333, "2.33")])
def test_number(value, shown):
    assert html.number(value) == shown



def test_untitled_report_is_named_by_its_file(card):
    untitled = replace(card, document=replace(card.document, meta=replace(card.document.meta, title=None)))
    header = soup_of(render(untitled)).find(id="summary")
    assert text_of(header.find("h1")) == "qinghe_2023.txt"
    assert "没有可识别的标题" in text_of(header)
    assert "没有可识别的标题" not in text_of(soup_of(render(card)).find(id="summary"))


def test_similarity_is_shown_only_for_evidence_ranked_by_it():
    """A structure check's evidence (a part heading) was not ranked by similarity: no "相似度" line."""
    from corpus_paths import EXAMPLES_DIR

    from scorer.pipeline import Scorer

    card = Scorer().score_path(EXAMPLES_DIR / "qinghe_2024_weak.txt")
    soup = BeautifulSoup(render(card), "html.parser")
    structure = [i for i in card.items if i.pack == "report-structure" and i.evidence]
    content = [i for i in card.items if i.pack != "report-structure" and i.evidence]
    assert structure and content
    metas = {}
    for item in structure + content:
        block = soup.find("details", id=re.compile(rf"^item-\d+-{re.escape(item.pack)}-{re.escape(item.id)}$"))
        assert block is not None, item.id
        metas[item.id] = [p.get_text() for p in block.select(".quote-meta")]
    assert all(metas[i.id] and not any("相似度" in m for m in metas[i.id]) for i in structure)
    assert all(any("相似度" in m for m in metas[i.id]) for i in content)
