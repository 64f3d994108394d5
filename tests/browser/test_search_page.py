"""Search finds studies: real queries on the atlas's own studies, in Chromium.

The site is the project's real study pages plus synthetic ones, indexed in
several shards (one per eight study pages here, instead of one per thousand),
so every test also shows that the search page merges the shards: ranking,
filters and counts across all of them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
from atlas.bench.synth import atlas_page, synthesize
from atlas.model.vocabulary import load_vocabulary
from atlas.sphinx import search
from conftest import SOURCE, new_site
from playwright.sync_api import Page, expect

from .serving import serve

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

RITUXIMAB_STUDIES = {"fluge-2015-lymphocyte-depletion", "fluge-2019-lymphocyte-depletion"}
#: A word every synthetic page uses, so that filters have many results to narrow.
COMMON_WORD = "patients"
#: A word of many synthetic titles, which every tag and level page lists in its table.
TITLE_WORD = "baseline"


@pytest.fixture(scope="module")
def real_site(tmp_path_factory) -> Iterator[str]:
    vocabulary = load_vocabulary(SOURCE / "vocabulary.yaml")
    pages = {path.stem: path.read_text("utf-8") for path in (SOURCE / "studies").glob("*.md")}
    for study in synthesize(40, vocabulary, seed=11):
        pages[study.slug] = atlas_page(study, vocabulary)
    site = new_site(tmp_path_factory.mktemp("search-site"), pages)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(search, "PAGES_PER_SHARD", 8)
        site.build()
    assert len(list((site.outdir / "pagefind" / "studies").iterdir())) > 4
    with serve(site.outdir) as url:
        yield url


def results(page: Page) -> list[dict[str, str]]:
    """Each result shown: its address, its badges line and its excerpt."""
    expect(page.locator("#atlas-search-status")).to_contain_text("result")
    return page.locator(".atlas-search-result").evaluate_all(
        """items => items.map(item => ({
            href: item.querySelector('.atlas-search-title').getAttribute('href'),
            badges: item.querySelector('.atlas-search-badges').textContent,
            excerpt: (item.querySelector('.atlas-search-excerpt') || {}).textContent || '',
        }))"""
    )


def count(page: Page) -> int:
    expect(page.locator("#atlas-search-status")).to_contain_text("result")
    text = page.locator("#atlas-search-status").inner_text()
    if text.startswith("No results"):
        return 0
    return int(re.match(r"([\d,]+) result", text)[1].replace(",", ""))


def tick(page: Page, group: str, label: str) -> None:
    """Tick one box and wait for the results it gives."""
    before = page.url
    page.locator(f'input[name="{group}"][value="{label}"]').check()
    page.wait_for_function("url => location.href !== url", arg=before)
    expect(page.locator("#atlas-search-status")).not_to_have_text("Searching…")


def study_name(href: str) -> str | None:
    path = urlsplit(href).path
    return path.rsplit("/", 1)[1].removesuffix(".html") if "/studies/" in path else None


def test_rituximab_gives_the_study_pages_first_with_their_badges(page, real_site):
    page.goto(f"{real_site}search.html?q=rituximab")
    shown = results(page)
    names = [study_name(result["href"]) for result in shown]
    first = names[: len(RITUXIMAB_STUDIES)]
    assert set(first) == RITUXIMAB_STUDIES, names
    # Any other page comes after every study page.
    studies = [index for index, name in enumerate(names) if name is not None]
    others = [index for index, name in enumerate(names) if name is None]
    assert not others or min(others) > max(studies), names
    for result in shown[:2]:
        assert re.search(r"Evidence: E\d .+PEM: .+Design: .+Year: (2015|2019)", result["badges"])


def test_no_result_shows_table_cells(page, real_site):
    """Index tables are not in the index: a tag or level page is found by its name and intro."""
    page.goto(f"{real_site}search.html?q={TITLE_WORD}")
    expect(page.locator("#atlas-search-status")).to_contain_text("result")
    items = page.locator(".atlas-search-result")
    while page.locator("#atlas-search-more").is_visible():
        before = items.count()
        page.locator("#atlas-search-more").click()
        expect(items).not_to_have_count(before)
    for result in results(page):
        assert not re.search(r"Study\s*Year\s*Level|StudyYear", result["excerpt"]), result
        assert study_name(result["href"]) is not None, result
    page.goto(f"{real_site}search.html?q=fatigue")
    tags = [r for r in results(page) if "/tags/" in r["href"]]
    assert any(r["href"].endswith("tags/symptom-fatigue.html") for r in tags)


def test_a_level_box_narrows_the_results_to_that_level(page, real_site):
    page.goto(f"{real_site}search.html?q={COMMON_WORD}")
    everything = count(page)
    tick(page, "level", "E2 Single study")
    narrowed = count(page)
    assert 0 < narrowed < everything
    for result in results(page):
        assert "Evidence: E2 Single study" in result["badges"], result
    assert parse_qs(urlsplit(page.url).query)["level"] == ["E2 Single study"]


def test_boxes_in_a_group_add_up_and_groups_narrow_each_other(page, real_site):
    address = f"{real_site}search.html?q={COMMON_WORD}"
    alone = {}
    for label in ("E1 Replicated", "E2 Single study"):
        page.goto(f"{address}&level={label}")
        alone[label] = count(page)
    page.goto(f"{address}&level=E1 Replicated&level=E2 Single study")
    both = count(page)
    assert both == sum(alone.values()) and all(alone.values())
    tick(page, "pem", "PEM required")
    narrowed = count(page)
    assert 0 < narrowed < both
    for result in results(page):
        assert "PEM: required" in result["badges"]
        assert re.search(r"Evidence: E[12] ", result["badges"])
    # The boxes say how many results each gives for the words alone.
    label = page.locator('label[for="atlas-search-level-1"]')
    assert re.search(r"\(\d+\)", label.inner_text())


def test_the_address_keeps_words_and_boxes(page, real_site):
    page.goto(f"{real_site}search.html?q={COMMON_WORD}&pem=PEM+unclear")
    expect(page.locator('input[name="pem"][value="PEM unclear"]')).to_be_checked()
    for result in results(page):
        assert "PEM: unclear" in result["badges"]
    length = page.evaluate("history.length")
    tick(page, "level", "E3 Preliminary")
    assert page.evaluate("history.length") == length


def test_search_fits_a_phone(browser, real_site):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    try:
        page.goto(f"{real_site}search.html?q=rituximab")
        expect(page.locator(".atlas-search-result").first).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
    finally:
        context.close()
