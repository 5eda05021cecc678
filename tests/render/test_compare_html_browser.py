"""The comparison page in Debian's headless Chromium: no request but the page, complete without
JavaScript, prints on A4. Skipped with a reason without Chromium, except under CI."""

from __future__ import annotations

import io
from datetime import datetime, timezone

import pytest
from corpus_paths import EXAMPLES_DIR
from render.test_html_browser import CHROMIUM_ARGS, chromium_path, unavailable

from scorer.render import compare as compare_page

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def page_file(tmp_path_factory):
    from scorer.audit.compare import compare_paths
    from scorer.pipeline import Scorer

    result = compare_paths(Scorer(), str(EXAMPLES_DIR / "qinghe_2023.txt"), str(EXAMPLES_DIR / "qinghe_2024_strong.txt"))
    path = tmp_path_factory.mktemp("compare") / "compare.html"
    path.write_text(compare_page.format_html(result, generated_at=datetime(2025, 3, 1, tzinfo=timezone.utc)), encoding="utf-8")
    return path, result


def test_compare_page_in_chromium(page_file):
    import pdfplumber

    path, result = page_file
    executable = chromium_path()
    if executable is None:
        unavailable("Debian's chromium is not installed (/usr/bin/chromium); apt-get install chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("the playwright Python package is not installed")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": 1000, "height": 900}, java_script_enabled=False)
            page = context.new_page()
            requests: list[str] = []
            page.on("request", lambda request: requests.append(request.url))
            page.goto(path.as_uri(), wait_until="load")
            assert requests == [path.as_uri()]
            headings = [h.inner_text() for h in page.locator("h2").all() if h.is_visible()]
            for title in ("重复上一年度的问题", "上一年度安排的落实情况", "沿用上一年度的成效段落", "逐项变化", "方法与局限"):
                assert any(h.startswith(title) for h in headings), (title, headings)
            assert page.locator(".verdict-line").inner_text() == result.verdict
            # Printed: every plan point and every repeated problem is on paper, nothing hidden.
            page.emulate_media(media="print")
            plan_titles = [h.inner_text() for h in page.locator(".plan h3").all() if h.is_visible()]
            assert plan_titles == [p.title for p in result.plan_points]
            assert page.locator("#problems tbody tr").count() == len(result.repeated_problems)
            pdf = page.pdf(format="A4", print_background=True)
        finally:
            browser.close()
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        assert len(document.pages) > 1
        assert all(page.width == pytest.approx(595, abs=2) and page.height == pytest.approx(842, abs=2) for page in document.pages)
