"""The rendered study page carries every element of a study entry, in reading order."""

from __future__ import annotations

import pytest
from conftest import ROOT, fixture_study, new_site

REPOSITORY = "https://github.com/mecfs-atlas/atlas"
ALPHA = "studies/alpha-2020-first-fixture"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    full = fixture_study("beta-2018-second-fixture")
    # Beta leaves out both optional sections.
    before, _, rest = full.partition("## Inferred conclusions")
    without_optional = (
        before
        + "## What this study does not prove"
        + rest.partition("## What this study does not prove")[2]
    )
    site = new_site(
        tmp_path_factory.mktemp("study-page"),
        {
            "alpha-2020-first-fixture": fixture_study("alpha-2020-first-fixture"),
            "beta-2018-second-fixture": without_optional,
        },
    )
    return site, site.build()


def test_builds_without_warnings(built):
    _, build = built
    assert build.warning_lines() == []


def test_parts_come_in_reading_order(built):
    site, _ = built
    article = site.html(ALPHA).select_one("article[role=main]")
    parts = [
        article.select_one("div.atlas-badges"),
        article.select_one("h1"),
        article.select_one("p.atlas-byline"),
        *article.select("div.atlas-card:not(.atlas-card-metadata)"),
        article.select_one("div.atlas-tags"),
        article.select_one("div.atlas-card-metadata"),
        article.select_one("p.atlas-pem-explainer"),
        article.select_one("p.atlas-actions"),
    ]
    assert all(part is not None for part in parts)
    positions = [list(article.descendants).index(part) for part in parts]
    assert positions == sorted(positions)


def test_badge_row_names_level_confidence_pem_design_peer_review_and_review(built):
    site, _ = built
    badges = site.html(ALPHA).select("div.atlas-badges > details")
    # Each badge says what it is, and none reads like another.
    assert [badge.summary.get_text() for badge in badges] == [
        "Evidence: E1 replicated",
        "Confidence: moderate",
        "PEM: required",
        "Design: RCT",
        "Peer review: peer-reviewed",
        "Atlas review: community draft",
    ]
    # Its definition is in the page, inside the disclosure, with a link to more.
    definition = badges[0].select_one("p.atlas-badge-definition")
    assert definition.get_text().startswith(
        "Replicated human evidence from multiple independent studies. All studies at E1"
    )
    assert definition.a["href"] == "../evidence/e1.html"
    assert badges[2].a["href"] == "../how-the-atlas-works.html#pem-required"
    assert badges[2].a.get_text() == "All PEM values explained"
    assert not badges[0].has_attr("open")


def test_title_and_byline_show_three_authors_then_et_al(built):
    site, _ = built
    page = site.html(ALPHA)
    assert (
        page.select_one("article h1").get_text().rstrip("¶") == "Alpha fixture: a randomised trial"
    )
    byline = page.select_one("p.atlas-byline")
    assert byline.get_text() == (
        "Alpha AB, Beta C, Gamma D, et al. · Journal of Test Fixtures · 2020 · "
        "doi:10.5555/fixture.alpha"
    )
    assert byline.a["href"] == "https://doi.org/10.5555/fixture.alpha"
    assert page.title.get_text().startswith("Alpha fixture: a randomised trial")


def test_every_section_is_a_sphinx_design_card(built):
    site, _ = built
    cards = site.html(ALPHA).select("div.sd-card.atlas-card")
    assert [card.select_one("h2").get_text() for card in cards] == [
        "Quick summary",
        "Why it matters",
        "Observed findings",
        "Inferred conclusions",
        "Remaining questions",
        "What this study does not prove",
        "Metadata",
    ]
    findings = site.html(ALPHA).select("#findings li")
    assert [li.get_text() for li in findings] == [
        "The first finding of alpha-2020-first-fixture.",
        "The second finding of alpha-2020-first-fixture.",
    ]


def test_optional_sections_may_be_left_out(built):
    site, _ = built
    headings = [
        h.get_text() for h in site.html("studies/beta-2018-second-fixture").select(".atlas-card h2")
    ]
    assert "Inferred conclusions" not in headings
    assert "Remaining questions" not in headings
    assert "What this study does not prove" in headings


def test_tags_link_to_sphinx_tags_urls(built):
    site, _ = built
    links = site.html(ALPHA).select("div.atlas-tags a")
    assert [(a.get_text(), a["href"]) for a in links] == [
        ("Fatigue", "../tags/symptom-fatigue.html"),
        ("Small Sample", "../tags/method-flag-small-sample.html"),
    ]


def test_metadata_card_links_doi_and_pubmed_and_defines_the_level(built):
    site, _ = built
    card = site.html(ALPHA).select_one("div.atlas-card-metadata")
    fields = {
        dt.get_text().rstrip(":"): dd
        for dt, dd in zip(card.select("dt"), card.select("dd"), strict=True)
    }
    assert list(fields) == [
        "DOI",
        "PMID",
        "Case definition",
        "Review status",
        "Evidence level",
        "Last updated",
    ]
    assert fields["DOI"].a["href"] == "https://doi.org/10.5555/fixture.alpha"
    assert fields["PMID"].a["href"] == "https://pubmed.ncbi.nlm.nih.gov/90000001/"
    assert fields["Case definition"].get_text(strip=True) == "Canadian Consensus Criteria (2003)"
    assert fields["Review status"].get_text(strip=True) == "Community draft"
    assert fields["Evidence level"].get_text(strip=True) == (
        "E1 Replicated: Replicated human evidence from multiple independent studies."
    )
    assert fields["Last updated"].get_text(strip=True) == "1 March 2026"


def test_pem_explainer_links_to_how_the_atlas_works(built):
    site, _ = built
    note = site.html(ALPHA).select_one("p.atlas-pem-explainer")
    assert "explicit, required criterion" in note.get_text()
    assert note.a["href"] == "../how-the-atlas-works.html#pem-explainer"
    guide = site.html("how-the-atlas-works")
    assert guide.select_one("#pem-explainer") is not None


def test_report_and_edit_links_come_from_the_repository_setting(built):
    site, _ = built
    assert f'atlas_repository_url = "{REPOSITORY}"' in (ROOT / "conf.py").read_text()
    report, edit = site.html(ALPHA).select("p.atlas-actions a")
    assert report.get_text() == "Report an error"
    assert report["href"].startswith(f"{REPOSITORY}/issues/new?template=report-error.yml")
    assert "study=studies%2Falpha-2020-first-fixture" in report["href"]
    page = "https%3A%2F%2Fmecfs-atlas.github.io%2Fatlas%2Fstudies%2Falpha-2020-first-fixture.html"
    assert f"url={page}" in report["href"]
    assert edit.get_text() == "Edit this page"
    assert edit["href"] == f"{REPOSITORY}/edit/main/source/studies/alpha-2020-first-fixture.md"


def test_study_pages_stay_out_of_the_sidebar(built):
    site, _ = built
    sidebar = site.html(ALPHA).select_one(".sidebar-tree")
    assert not [a for a in sidebar.select("a") if "studies/" in a["href"]]
