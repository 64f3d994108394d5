"""In Chromium: a study's citation block and files, the home page's search box, line length."""

from __future__ import annotations

import bibtexparser
import pytest
import rispy
from playwright.sync_api import expect

from .conftest import SEARCH_STUDY, SEARCH_WORD

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

STUDY = "alpha-2020-first-fixture"
#: The most characters a line of running text may hold at a desktop width.
LONGEST_LINE = 76
#: Characters per rendered line of every paragraph, list item, definition and prose
#: citation in the article, found from where each character is drawn (runs of white
#: space count once).
LINE_LENGTHS = r"""() => {
  const lengths = [];
  for (const block of document.querySelectorAll(
      'article[role=main] :is(p, li, dd, #cite-reference, #cite-entry)')) {
    const lines = new Map();
    const walker = document.createTreeWalker(block, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (let i = 0; i < node.length; i++) {
        const range = document.createRange();
        range.setStart(node, i);
        range.setEnd(node, i + 1);
        const box = range.getBoundingClientRect();
        if (!box.height) continue;
        const line = lines.get(Math.round(box.top)) || { count: 0, space: false };
        const space = /\s/.test(node.data[i]);
        if (!(space && line.space)) line.count += 1;
        line.space = space;
        lines.set(Math.round(box.top), line);
      }
    }
    for (const line of lines.values()) lengths.push(line.count);
  }
  return lengths;
}"""


def cite_block(page):
    return page.locator("details.atlas-cite")


def test_the_citation_block_is_open_on_a_wide_screen(page, served):
    page.goto(f"{served.url}studies/{STUDY}.html")
    expect(cite_block(page)).to_have_attribute("open", "")
    expect(page.locator("#cite-bibtex")).to_be_visible()


@pytest.mark.parametrize("scripts", [True, False])
def test_on_a_phone_it_starts_closed_but_is_open_without_scripts(browser, served, scripts):
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, java_script_enabled=scripts
    )
    page = context.new_page()
    try:
        page.goto(f"{served.url}studies/{STUDY}.html")
        if scripts:
            expect(cite_block(page)).not_to_have_attribute("open", "")
            cite_block(page).locator("summary").click()
            expect(page.locator("#cite-bibtex")).to_be_visible()
        else:
            expect(page.locator("#cite-bibtex")).to_be_visible()
    finally:
        context.close()


def test_copy_says_copied_beside_the_button_and_copies_the_text(browser, served):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=served.url.rstrip("/"))
    page = context.new_page()
    try:
        page.goto(f"{served.url}studies/{STUDY}.html")
        button = page.get_by_role("button", name="Copy BibTeX")
        button.click()
        status = button.locator("xpath=..").get_by_role("status")
        expect(status).to_have_text("Copied.")
        # Beside the button, on screen: same line, just to its right.
        near, said = button.bounding_box(), status.bounding_box()
        assert (
            abs(said["y"] + said["height"] / 2 - (near["y"] + near["height"] / 2)) < near["height"]
        )
        assert 0 <= said["x"] - (near["x"] + near["width"]) < 40
        copied = page.evaluate("navigator.clipboard.readText()")
        assert copied.strip() == page.locator("#cite-bibtex").inner_text().strip()
        # Only the status of the button pressed speaks.
        page.get_by_role("button", name="Copy RIS").click()
        expect(page.get_by_role("button", name="Copy RIS").locator("xpath=..")).to_contain_text(
            "Copied."
        )
        expect(status).to_have_text("")
    finally:
        context.close()


def test_the_reference_files_download_and_parse(page, served):
    page.goto(f"{served.url}studies/{STUDY}.html")
    links = page.locator("p.atlas-cite-files a[download]")
    expect(links).to_have_count(2)
    with page.expect_download() as bib_download:
        links.nth(0).click()
    bib = bib_download.value
    assert bib.suggested_filename == f"{STUDY}.bib"
    (entry,) = bibtexparser.parse_string(bib.path().read_text(encoding="utf-8")).entries
    assert entry["doi"] == "10.5555/fixture.alpha"
    with page.expect_download() as ris_download:
        links.nth(1).click()
    (record,) = rispy.loads(ris_download.value.path().read_text(encoding="utf-8"))
    assert record["doi"] == "10.5555/fixture.alpha"


@pytest.mark.parametrize("scripts", [True, False])
def test_the_home_page_search_box_opens_the_search_page(browser, served, scripts):
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, java_script_enabled=scripts
    )
    page = context.new_page()
    try:
        page.goto(served.url)
        box = page.get_by_role("searchbox", name="Search every study")
        box.fill(SEARCH_WORD)
        box.press("Enter")
        page.wait_for_url(f"**/search.html?q={SEARCH_WORD}")
        if scripts:
            result = page.locator(".atlas-search-title").first
            expect(result).to_have_text("Epsilon fixture: a study found by search")
            assert result.get_attribute("href").endswith(f"studies/{SEARCH_STUDY}.html")
    finally:
        context.close()


def test_pem_is_explained_before_the_tables_that_use_it(page, served):
    page.goto(served.url)
    order = page.evaluate(
        """() => {
          const text = document.querySelector('article').innerText;
          return [text.indexOf('post-exertional malaise (PEM) to'),
                  text.indexOf('PEM status\\n'), text.indexOf('Studies per year')];
        }"""
    )
    assert 0 <= order[0] < order[1] < order[2], order


def test_the_medical_notice_is_as_large_as_the_text(page, served):
    page.goto(served.url)
    notice = page.locator(".admonition.atlas-notice p").last
    paragraph = page.locator("article > section > p").first
    size = "el => getComputedStyle(el).fontSize"
    assert notice.evaluate(size) == paragraph.evaluate(size)


@pytest.mark.parametrize(
    "path",
    ["index.html", f"studies/{STUDY}.html", "about.html", "how-the-atlas-works.html", "data.html"],
)
def test_lines_stay_short_on_a_wide_screen(page, served, path):
    page.goto(served.url + path)
    lengths = page.evaluate(LINE_LENGTHS)
    assert lengths and max(lengths) <= LONGEST_LINE, max(lengths)


@pytest.mark.parametrize("path", ["index.html", f"studies/{STUDY}.html", "search.html"])
def test_every_asset_and_icon_of_a_page_loads(page, served, path):
    failed: list[str] = []
    page.on("response", lambda r: failed.append(r.url) if r.status >= 400 else None)
    page.on("requestfailed", lambda request: failed.append(request.url))
    page.goto(served.url + path)
    page.wait_for_load_state("networkidle")
    icons = page.locator("link[rel=icon]")
    expect(icons).to_have_count(2)
    for href in icons.evaluate_all("links => links.map(link => link.href)"):
        response = page.request.get(href)
        assert response.ok and response.headers["content-type"].startswith("image/"), href
    assert failed == []
