"""Ledgers, the evidence map and tag summaries in Chromium: accessible, phone-sized, linked."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import expect

from .test_accessibility import serious_problems

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

#: The measure the synthetic studies use most, so its ledger has findings both ways.
LEDGER = "measures/cpet-day2-vo2-peak.html"
PAGES = {
    "ledger": LEDGER,
    "map": "evidence-map.html",
    "tag": "tags/topic-immune-system.html",
}


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("kind", list(PAGES))
def test_no_serious_or_critical_violations(browser, served, kind, scheme):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme=scheme)
    page = context.new_page()
    try:
        page.goto(served.url + PAGES[kind])
        assert serious_problems(page) == []
    finally:
        context.close()


def test_the_ledger_has_a_chart_and_a_table_that_agree(page, served):
    page.goto(served.url + LEDGER)
    expect(page.locator(".atlas-ledger-summary")).to_be_visible()
    rows = page.locator("table.atlas-ledger-table tbody tr")
    assert rows.count() >= 2
    assert page.locator("figure.atlas-ledger-chart svg circle").count() == rows.count()
    directions = set(
        page.locator("table.atlas-ledger-table tbody td:nth-child(3)").all_inner_texts()
    )
    assert len(directions) > 1, "the synthetic studies disagree on this measure"


@pytest.mark.parametrize("path", list(PAGES.values()))
def test_a_phone_never_scrolls_the_page_sideways(browser, served, path):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    try:
        page.goto(served.url + path)
        assert page.evaluate("document.scrollingElement.scrollWidth") <= 390
    finally:
        context.close()


def test_the_map_scrolls_in_its_frame_with_the_topic_in_view(browser, served):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    try:
        page.goto(served.url + "evidence-map.html")
        frame = page.locator(".atlas-map-wrapper")
        assert frame.evaluate("frame => frame.scrollWidth > frame.clientWidth")
        topic = page.locator("table.atlas-evidence-map tbody th").first
        before = topic.bounding_box()
        frame.evaluate("frame => { frame.scrollLeft = 300; }")
        after = topic.bounding_box()
        assert before is not None and after is not None
        assert abs(after["x"] - before["x"]) < 1
    finally:
        context.close()


def test_a_map_cell_opens_browse_filtered_to_its_topic_and_family(page, served):
    page.goto(served.url + "evidence-map.html")
    link = page.locator("td.atlas-map-cell a").first
    number = int(link.inner_text().split()[0])
    link.click()
    expect(page.locator("#atlas-browse-count")).to_contain_text("match")
    chosen = parse_qs(urlparse(page.url).query)
    tag, family = chosen["tag"][0], chosen["family"][0]
    expect(page.locator(f'input[name="tag"][value="{tag}"]')).to_be_checked()
    expect(page.locator(f'input[name="family"][value="{family}"]')).to_be_checked()
    assert page.locator("#atlas-browse-list > li").count() == number


def test_a_finding_label_leads_to_its_ledger(page, served):
    page.goto(served.url + LEDGER)
    study = page.locator("table.atlas-ledger-table tbody td:first-child a").first
    study.click()
    label = page.locator("#findings a.atlas-finding-label").first
    expect(label).to_be_visible()
    label.click()
    expect(page.locator(".atlas-ledger-summary, .atlas-count").first).to_be_visible()
    assert "/measures/" in page.url
