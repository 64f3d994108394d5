"""Search finds a study by a word of its findings; the home page's figures open browse views."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from .conftest import SEARCH_STUDY, SEARCH_WORD

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def test_search_page_finds_a_study_by_a_word_from_its_findings(page, served):
    page.goto(f"{served.url}search.html?q={SEARCH_WORD}")
    result = page.locator(".atlas-search-title").first
    expect(result).to_have_text("Epsilon fixture: a study found by search")
    assert result.get_attribute("href").endswith(f"studies/{SEARCH_STUDY}.html")
    expect(page.locator(".atlas-search-title")).to_have_count(1)
    result.click()
    expect(page.locator("h1")).to_contain_text("Epsilon fixture")


def test_the_sidebar_search_box_leads_to_the_same_result(page, served):
    page.goto(served.url)
    page.get_by_role("searchbox", name="Search").or_(page.locator(".sidebar-search")).first.fill(
        SEARCH_WORD
    )
    page.keyboard.press("Enter")
    expect(page.locator(".atlas-search-title")).to_have_text(
        "Epsilon fixture: a study found by search"
    )


def test_a_level_row_opens_browse_filtered_to_that_level(page, served):
    page.goto(served.url)
    row = page.locator("table.atlas-glance tr").filter(has_text="E1 Replicated")
    count = row.locator(".atlas-glance-number").inner_text()
    row.get_by_role("link").click()
    expect(page).to_have_url(re.compile(r"browse\.html\?level=E1$"))
    expect(page.get_by_role("checkbox", name=re.compile(r"^E1 Replicated"))).to_be_checked()
    expect(page.locator("#atlas-browse-count")).to_contain_text(f"{count} of ")


def test_pem_and_design_rows_open_their_browse_views(page, served):
    for label, facet, key in (("PEM required", "pem", "required"), ("RCT", "design", "rct")):
        page.goto(served.url)
        row = page.locator("table.atlas-glance tr").filter(has_text=label).first
        count = int(row.locator(".atlas-glance-number").inner_text().replace(",", ""))
        row.get_by_role("link").click()
        assert parse_qs(urlsplit(page.url).query) == {facet: [key]}
        shown = page.locator("#atlas-browse-count")
        expect(shown).not_to_contain_text("Loading")
        assert shown.inner_text().startswith(f"{count} of "), (label, shown.inner_text())


def test_decade_and_year_links_open_a_year_range(page, served):
    page.goto(served.url)
    decade = page.locator(".atlas-decades a").filter(has_text=re.compile(r"^2010s"))
    count = int(re.search(r"\(([\d,]+)\)", decade.inner_text())[1].replace(",", ""))
    decade.click()
    expect(page.get_by_label("From")).to_have_value("2010")
    expect(page.get_by_label("to", exact=True)).to_have_value("2019")
    expect(page.locator("#atlas-browse-count")).to_contain_text(f"{count} of ")
    page.go_back()
    page.locator("details.atlas-year-table summary").click()
    year_row = page.locator("details.atlas-year-table tbody tr").first
    year = year_row.get_by_role("link").inner_text()
    year_row.get_by_role("link").click()
    expect(page.get_by_label("From")).to_have_value(year)


def test_recent_list_links_to_studies_and_to_the_updated_sort(page, served):
    page.goto(served.url)
    first = page.locator("ol.atlas-recent li a").first
    title = first.inner_text()
    first.click()
    expect(page.locator("h1")).to_have_text(re.compile(re.escape(title)))
    page.go_back()
    page.get_by_role("link", name="All studies, most recently updated first").click()
    expect(page.get_by_label("Sort")).to_have_value("updated")
    expect(page.locator("#atlas-browse-list li a").first).to_have_text(title)
