"""Privacy: the built site loads nothing from a third party and passes no referrer on.

The site is the atlas's own: its guide pages, templates and all its studies,
built with its conf.py. Every page is scanned, along with the style sheets the
site ships.
"""

from __future__ import annotations

import pytest
from conftest import SOURCE, new_site
from sitescan import css_urls, external_links_without_rel, leaves_the_site, pages, third_party_loads

#: The site's own public address (conf.py's html_baseurl): canonical links point there.
SITE = "https://mecfs-atlas.github.io/atlas/"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    studies = {path.stem: path.read_text("utf-8") for path in (SOURCE / "studies").glob("*.md")}
    site = new_site(tmp_path_factory.mktemp("privacy"), studies)
    site.build()
    return site


def test_the_scan_sees_the_whole_site(site):
    names = {page.name for page in pages(site.outdir)}
    assert {"index.html", "about.html", "how-the-atlas-works.html", "search.html"} <= names
    assert len([name for name in names if name.startswith("studies/")]) == len(
        list((SOURCE / "studies").glob("*.md"))
    )


def test_no_page_loads_a_script_style_font_image_or_frame_from_elsewhere(site):
    assert [found for page in pages(site.outdir) for found in third_party_loads(page, SITE)] == []


def test_the_style_sheets_fetch_nothing_from_elsewhere(site):
    """Fonts and images named in CSS would load from a third party as surely as a <link>."""
    sheets = sorted(site.outdir.rglob("*.css"))
    assert sheets
    remote = [
        f"{sheet.relative_to(site.outdir)}: {url}"
        for sheet in sheets
        for url in css_urls(sheet.read_text("utf-8", errors="replace"))
        if leaves_the_site(url) and not url.startswith("data:")
    ]
    assert remote == []


def test_every_external_link_carries_noopener_and_noreferrer(site):
    """Study pages, guide pages, the edit button and the footer alike."""
    found = [bad for page in pages(site.outdir) for bad in external_links_without_rel(page)]
    assert found == []
    external = sum(
        1
        for page in pages(site.outdir)
        for link in page.soup.find_all("a", href=True)
        if leaves_the_site(link["href"])
    )
    assert external > 50  # DOI, PubMed, edit and report links on every study page at least
