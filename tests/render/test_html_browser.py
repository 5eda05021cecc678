"""The HTML gap report in a real headless Chromium (Debian's package, driven by Playwright).

Skipped with a reason where Chromium is not installed, except under CI (env ``CI`` set), where a
missing browser is a failure: CI installs it. One browser per module keeps this under ~30 s.
"""

from __future__ import annotations

import html as html_lib
import io
import os
import shutil
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import pytest
from render.scorecard_factory import (
    HOSTILE,
    make_hostile_scorecard,
    make_scorecard,
    make_weak_scorecard,
)

from scorer.model import Scorecard, Status
from scorer.render import html

pytestmark = pytest.mark.browser

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
FIXED = datetime(2024, 3, 1, tzinfo=timezone.utc)
# Two real seeds: a township report with many gaps and a county report with all four parts.
SEED_PREFIXES = ("001", "002")


def chromium_path() -> str | None:
    if Path("/usr/bin/chromium").is_file():
        return "/usr/bin/chromium"
    return shutil.which("chromium")


def unavailable(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (required in CI)")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser():
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
            yield browser
        finally:
            browser.close()


@dataclass(frozen=True)
class RenderedReport:
    name: str
    scorecard: Scorecard
    path: Path

    @property
    def url(self) -> str:
        return self.path.as_uri()


def _real_scorecards(seed_by_prefix) -> list[tuple[str, Scorecard]]:
    """Two seeds scored through the pipeline (none while the pipeline module cannot be imported)."""
    try:
        from scorer.pipeline import Scorer
    except ImportError:
        return []
    scorer = Scorer()
    return [(seed_by_prefix(prefix).stem, scorer.score_path(seed_by_prefix(prefix))) for prefix in SEED_PREFIXES]


@pytest.fixture(scope="module")
def reports(tmp_path_factory, seed_by_prefix) -> list[RenderedReport]:
    # Real seeds once the pipeline is importable; the hand-built pair until then.
    cards = _real_scorecards(seed_by_prefix) or [("county", make_scorecard()), ("township", make_weak_scorecard())]
    folder = tmp_path_factory.mktemp("html")
    rendered = []
    for name, card in cards:
        path = folder / f"{name}.html"
        path.write_text(html.format(card, fail_under=80, generated_at=FIXED), encoding="utf-8")
        rendered.append(RenderedReport(name, card, path))
    return rendered


@pytest.fixture(scope="module")
def context(browser):
    context = browser.new_context(viewport={"width": 1000, "height": 900})
    yield context
    context.close()


def open_page(context, report: RenderedReport):
    """Load the page, recording every request, console error and page error."""
    page = context.new_page()
    log = {"requests": [], "errors": [], "dialogs": []}
    page.on("request", lambda request: log["requests"].append(request.url))
    page.on("console", lambda message: message.type == "error" and log["errors"].append(message.text))
    page.on("pageerror", lambda error: log["errors"].append(str(error)))
    page.on("dialog", lambda dialog: (log["dialogs"].append(dialog.message), dialog.dismiss()))
    page.goto(report.url, wait_until="load")
    return page, log


def gap_items(card: Scorecard):
    waived = {target for w in card.waivers for target in w.matched}
    return [
        i for i in card.items
        if i.status in (Status.MISSING, Status.PARTIAL) and f"{i.pack}:{i.id}" not in waived
    ]


def test_no_request_leaves_the_page_and_no_console_error(context, reports):
    for report in reports:
        page, log = open_page(context, report)
        # Open every collapsible too: nothing may load lazily behind a <details>.
        page.locator("details.item > summary").first.click()
        page.locator("details.item").evaluate_all("nodes => nodes.forEach(node => { node.open = true; })")
        page.wait_for_timeout(100)
        others = [url for url in log["requests"] if url != report.url and not url.startswith("data:")]
        assert others == [], report.name
        assert report.url in log["requests"]
        assert log["errors"] == [], report.name
        page.close()


def test_missing_items_are_visible_in_the_gap_list(context, reports):
    for report in reports:
        page, _ = open_page(context, report)
        gaps = page.locator("#gaps")
        missing = [i for i in gap_items(report.scorecard) if i.status is Status.MISSING]
        assert missing, f"{report.name}: expected missing items to show"
        for item in missing:
            assert gaps.get_by_text(item.title, exact=True).first.is_visible(), item.title
        listed = set(gaps.locator("li.gap h3").all_inner_texts())
        assert listed == {i.title for i in gap_items(report.scorecard)}
        page.close()


def test_layout_does_not_overflow_sideways(browser, reports):
    for width in (1000, 375):
        context = browser.new_context(viewport={"width": width, "height": 800})
        page = context.new_page()
        page.goto(reports[0].url)
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 1, f"{width}px viewport scrolls sideways by {overflow}px"
        context.close()


def test_prints_to_a4_pdf_with_the_evidence(context, reports):
    import pdfplumber  # a runtime dependency already (PDF ingest)

    for report in reports:
        page, log = open_page(context, report)
        page.emulate_media(media="print")
        # Print shows the flat copy of the items (closed <details> would hide the evidence).
        assert not page.locator("#items > div.screen-only").is_visible()
        printed = page.locator("#items > div.print-only")
        assert printed.is_visible()
        # Every item prints with its evidence, not just its summary line.
        shown = printed.locator("article.item-print").evaluate_all(
            "nodes => nodes.filter(n => n.getClientRects().length > 0).length"
        )
        assert shown == len(report.scorecard.items)
        quotes = printed.locator("blockquote").evaluate_all(
            "nodes => nodes.filter(n => n.getClientRects().length > 0).length"
        )
        assert quotes == sum(len(i.evidence) for i in report.scorecard.items) > 0
        assert page.locator("#gaps").is_visible() and page.locator("footer").is_visible()
        pdf = page.pdf(format="A4")
        assert pdf.startswith(b"%PDF") and len(pdf) > 1024
        with pdfplumber.open(io.BytesIO(pdf)) as reader:
            assert len(reader.pages) >= 2
            first_page = reader.pages[0]
            # A4 is 595 × 842 pt; Chromium rounds it to whole hundredths of an inch (596 × 843).
            assert float(first_page.width) == pytest.approx(595, abs=2)
            assert float(first_page.height) == pytest.approx(842, abs=2)
            # The headline opens the first page and the footer closes the last. Only ASCII is checked
            # (it extracts whatever CJK font the machine has), and only those two pages.
            first = "".join((first_page.extract_text() or "").split())
            last = "".join((reader.pages[-1].extract_text() or "").split())
        # pdfplumber reads the headline boxes in layout order ("68.2合格/100"), so check the parts.
        assert f"{report.scorecard.score:.1f}" in first and "/100" in first
        assert report.scorecard.document.source.sha256 in last
        assert log["errors"] == []
        page.close()


def test_every_item_is_in_the_page_with_javascript_off(browser, reports):
    context = browser.new_context(java_script_enabled=False)
    try:
        for report in reports:
            page = context.new_page()
            page.goto(report.url)
            content = page.content()
            for item in report.scorecard.items:
                assert html_lib.escape(item.title, quote=False) in content, item.title
            # ...and shown: each item's summary line is rendered (has a box on the page).
            shown = page.locator("#items details.item summary .item-title").evaluate_all(
                "nodes => nodes.filter(n => n.getClientRects().length > 0).map(n => n.textContent)"
            )
            card = report.scorecard
            assert shown == [i.title for pack in card.packs for i in card.items if i.pack == pack.id]
            page.close()
    finally:
        context.close()


def test_hostile_report_stays_inert(context, tmp_path):
    path = tmp_path / "hostile.html"
    path.write_text(html.format(make_hostile_scorecard(), generated_at=FIXED), encoding="utf-8")
    report = RenderedReport("hostile", make_hostile_scorecard(), path)
    page, log = open_page(context, report)
    page.locator("details.item > summary").first.click()
    page.emulate_media(media="print")
    page.wait_for_timeout(100)
    assert log["dialogs"] == []
    assert page.evaluate("document.querySelectorAll('script, img, iframe, [onerror], a[href^=\"javascript\"]').length") == 0
    assert HOSTILE in page.locator("h1").inner_text()  # shown literally, entities included
    others = [url for url in log["requests"] if url != report.url and not url.startswith("data:")]
    assert others == []
    page.close()
