"""What a page's head tells link previews, reference managers and search engines.

The head is read the way harvesters read it: Open Graph and JSON-LD with
extruct, the Highwire ``citation_*`` and other meta tags with lxml's HTML
parser, never with string matching.
"""

from __future__ import annotations

import extruct
import lxml.html
import pytest
from conftest import FIXTURE_NAMES, new_site
from test_history import git

ALPHA = "alpha-2020-first-fixture"
BASE = "https://mecfs-atlas.github.io/atlas/"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("metadata")
    site = new_site(root, FIXTURE_NAMES)
    git(root, "init", "-q")
    git(root, "add", ".")
    git(root, "commit", "-qm", "Add the studies", date="2025-01-02T10:00:00")
    page = site.srcdir / "studies" / f"{ALPHA}.md"
    page.write_text(page.read_text().replace("short on purpose", "short, on purpose"))
    git(root, "commit", "-qam", "Fix a comma", date="2025-03-04T10:00:00")
    build = site.build()
    assert build.warning_lines() == [], build.warnings
    return site


def head_of(site, page: str):
    text = (site.outdir / f"{page}.html").read_text("utf-8")
    return text, lxml.html.fromstring(text).find("head")


def named(head, name: str) -> list[str]:
    return [meta.get("content") for meta in head.iter("meta") if meta.get("name") == name]


def structured(text: str, url: str) -> dict:
    return extruct.extract(text, base_url=url, syntaxes=["opengraph", "json-ld"], uniform=True)


def test_a_study_page_tells_reference_managers_about_the_paper(site):
    _, head = head_of(site, f"studies/{ALPHA}")
    assert named(head, "citation_title") == ["Alpha fixture: a randomised trial"]
    assert named(head, "citation_author") == [
        "Alpha, Anna B",
        "Beta, Carl",
        "Gamma, Dana",
        "Delta, Erik",
    ]
    assert named(head, "citation_publication_date") == ["2020"]
    assert named(head, "citation_journal_title") == ["Journal of Test Fixtures"]
    assert named(head, "citation_doi") == ["10.5555/fixture.alpha"]
    assert named(head, "citation_pmid") == ["90000001"]
    assert named(head, "citation_public_url") == [f"{BASE}studies/{ALPHA}.html"]


def test_a_study_page_has_its_summary_as_description_and_an_article_preview(site):
    text, head = head_of(site, f"studies/{ALPHA}")
    summary = "A fixture study used by the test suite. Its text is short, on purpose."
    assert named(head, "description") == [summary]
    (graph,) = structured(text, f"{BASE}studies/{ALPHA}.html")["opengraph"]
    assert graph["@type"] == "article"  # extruct reads og:type as the item's type
    assert graph["og:title"] == "Alpha fixture: a randomised trial"
    assert graph["og:description"] == summary
    assert graph["og:url"] == f"{BASE}studies/{ALPHA}.html"
    assert named(head, "twitter:card") == ["summary"]


def test_the_json_ld_describes_the_entry_and_the_paper_it_is_about(site):
    text, _ = head_of(site, f"studies/{ALPHA}")
    (entry,) = structured(text, f"{BASE}studies/{ALPHA}.html")["json-ld"]
    assert entry["@type"] == "ScholarlyArticle"
    assert entry["url"] == f"{BASE}studies/{ALPHA}.html"
    # The entry's own dates: the commit that added the page and the last one that changed it.
    assert (entry["datePublished"], entry["dateModified"]) == ("2025-01-02", "2025-03-04")
    paper = entry["about"]
    assert paper["@type"] == "ScholarlyArticle"
    assert paper["name"] == "Alpha fixture: a randomised trial"
    assert paper["author"][0] == {
        "@type": "Person",
        "name": "Anna B Alpha",
        "familyName": "Alpha",
        "givenName": "Anna B",
    }
    assert paper["datePublished"] == "2020"
    assert paper["isPartOf"]["name"] == "Journal of Test Fixtures"
    assert "https://doi.org/10.5555/fixture.alpha" in paper["sameAs"]


@pytest.mark.parametrize("page", ["index", "search", "browse", f"studies/{ALPHA}", "tags", "404"])
def test_every_page_has_one_viewport_an_icon_and_the_feed(site, page):
    text, head = head_of(site, page)
    assert len(named(head, "viewport")) == 1
    links = {(link.get("rel"), link.get("type")): link.get("href") for link in head.iter("link")}
    assert ("alternate", "application/atom+xml") in links
    for kind in ("image/svg+xml", "image/png"):
        href = links[("icon", kind)]
        if page == "404":  # served at any depth: its links start from the site's root path
            assert href.startswith("/atlas/_static/"), href
        else:
            assert (site.outdir / f"{page}.html").parent.joinpath(href).resolve().is_file(), href
    assert structured(text, f"{BASE}{page}.html")["opengraph"][0]["og:site_name"]


def test_guide_pages_get_a_description_from_their_text(site):
    _, head = head_of(site, "about")
    (description,) = named(head, "description")
    assert description.startswith("The ME/CFS Evidence Atlas is an open")
