"""Lineage links on both pages, retraction banners and flags, citations and open data."""

from __future__ import annotations

import csv
import io
import json
import re

import bibtexparser
import feedparser
import pytest
import rispy
from conftest import FIXTURE_NAMES, fixture_study, new_site

ALPHA, BETA = "alpha-2020-first-fixture", "beta-2018-second-fixture"


def with_options(text: str, *lines: str) -> str:
    """A fixture page with extra option lines after ':updated:'."""
    return text.replace(":updated: 2026-03-01", "\n".join([":updated: 2026-03-01", *lines]))


def lineage_items(site, name):
    return [
        li.get_text(" ", strip=True) for li in site.html(f"studies/{name}").select("#lineage li")
    ]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    pages = {name: fixture_study(name) for name in FIXTURE_NAMES}
    pages[ALPHA] = with_options(pages[ALPHA], f":replicates: {BETA}")
    pages[BETA] = with_options(
        pages[BETA], ":retracted: 2021-05-06", ":retraction-notice: 10.5555/notice.beta"
    )
    site = new_site(tmp_path_factory.mktemp("lineage"), pages)
    build = site.build()
    assert build.warning_lines() == []
    return site


def test_both_pages_show_the_link(built):
    assert lineage_items(built, ALPHA) == [
        "Replicates: Beta fixture: an observational cohort (2018) Retracted"
    ]
    assert lineage_items(built, BETA) == ["Replicated by: Alpha fixture: a randomised trial (2020)"]
    link = built.html(f"studies/{BETA}").select_one("#lineage a")
    assert link["href"] == f"{ALPHA}.html"


def test_a_retracted_study_opens_with_its_banner(built):
    article = built.html(f"studies/{BETA}").select_one("article[role=main]")
    # The first thing a reader sees; the page address above it is printed only.
    first = next(
        child
        for child in article.children
        if getattr(child, "name", None) and "atlas-print-address" not in child.get("class", [])
    )
    assert "atlas-retracted" in first["class"]
    assert "6 May 2021" in first.get_text()
    assert first.a["href"] == "https://doi.org/10.5555/notice.beta"
    assert built.html(f"studies/{ALPHA}").select(".atlas-retracted") == []


def test_indexes_and_counts_flag_retractions(built):
    rows = built.html("evidence/e3").select("table.atlas-study-table tbody tr")
    assert "Retracted" in rows[0].select_one("td").get_text()
    assert "1 study at this level (1 retracted)" in built.html("evidence/e3").get_text()
    levels = [tr.select("td")[2].get_text() for tr in built.html("evidence").select("tbody tr")]
    # Levels of findings E1 to E3 first, then definitions and guidelines (E0) apart.
    assert levels == ["1 study", "1 study", "1 study (1 retracted)", "1 study"]
    listed = built.html("retractions").select("table.atlas-study-table tbody tr")
    assert [[td.get_text(strip=True) for td in tr.select("td")] for tr in listed] == [
        ["Beta fixture: an observational cohort", "2018", "6 May 2021", "10.5555/notice.beta"]
    ]


def test_citation_block_holds_reference_bibtex_ris_and_a_dated_entry_line(built):
    page = built.html(f"studies/{ALPHA}")
    reference = page.select_one("#cite-reference").get_text()
    assert reference.startswith("Alpha AB, Beta C, Gamma D, Delta E. Alpha fixture: a randomised")
    assert "doi:10.5555/fixture.alpha. PMID: 90000001." in reference
    entry = bibtexparser.parse_string(page.select_one("#cite-bibtex").get_text()).entries[0]
    assert entry.entry_type == "article"
    assert entry["doi"] == "10.5555/fixture.alpha"
    assert entry["author"].startswith("Alpha, Anna B and Beta, Carl")
    (ris,) = rispy.loads(page.select_one("#cite-ris").get_text())
    assert ris["title"] == "Alpha fixture: a randomised trial"
    assert ris["doi"] == "10.5555/fixture.alpha"
    line = page.select_one("#cite-entry").get_text()
    assert "updated 2026-03-01" in line
    assert "studies/alpha-2020-first-fixture.html" in line
    for button in page.select("button.atlas-copy"):
        assert page.select_one(f"#{button['data-copy']}") is not None
    scripts = [s.get("src", "") for s in page.select("script[src]")]
    assert any(src.endswith("atlas-copy.js") or "atlas-copy.js?" in src for src in scripts)


def test_open_data_parses_with_real_parsers(built):
    out = built.outdir
    rows = list(csv.DictReader(io.StringIO((out / "studies.csv").read_text("utf-8"))))
    assert [row["id"] for row in rows] == sorted(f"studies/{n}" for n in FIXTURE_NAMES)
    alpha = next(row for row in rows if row["id"] == f"studies/{ALPHA}")
    assert alpha["tags"] == "symptom-fatigue; method-flag-small-sample"
    assert alpha["replicates"] == BETA
    library = bibtexparser.parse_string((out / "atlas.bib").read_text("utf-8"))
    assert len(library.entries) == len(FIXTURE_NAMES)
    assert library.failed_blocks == []
    feed = feedparser.parse((out / "atom.xml").read_bytes())
    assert not feed.bozo
    assert len(feed.entries) == len(FIXTURE_NAMES)
    titles = [entry.title for entry in feed.entries]
    assert "Retracted: Beta fixture: an observational cohort" in titles
    assert feed.entries[0].link.endswith(".html")
    data = json.loads((out / "studies.json").read_text("utf-8"))
    beta = next(s for s in data["studies"] if s["id"] == f"studies/{BETA}")
    assert beta["retracted"] == "2021-05-06"


def test_a_link_to_a_missing_page_is_reported_at_its_line(tmp_path):
    pages = {name: fixture_study(name) for name in (ALPHA, BETA)}
    pages[ALPHA] = with_options(pages[ALPHA], ":follows-up: no-such-study-2000")
    site = new_site(tmp_path, pages)
    build = site.build()
    line = pages[ALPHA].splitlines().index(":follows-up: no-such-study-2000") + 1
    prefix = f"{site.srcdir / 'studies' / ALPHA}.md:{line}: WARNING: ATLAS080 "
    assert any(w.startswith(prefix) for w in build.warning_lines()), build.warnings
    assert lineage_items(site, ALPHA) == []


def test_a_link_to_itself_is_reported(tmp_path):
    pages = {ALPHA: with_options(fixture_study(ALPHA), f":same-cohort: {ALPHA}")}
    site = new_site(tmp_path, pages)
    build = site.build()
    assert any(" ATLAS081 " in w for w in build.warning_lines())


def test_links_survive_incremental_rebuilds_of_either_page(tmp_path):
    pages = {name: fixture_study(name) for name in (ALPHA, BETA)}
    pages[ALPHA] = with_options(pages[ALPHA], f":replicates: {BETA}")
    site = new_site(tmp_path, pages)
    site.build()
    # Edit the target: its own page keeps the back-link, the source shows the new title.
    beta = site.srcdir / "studies" / f"{BETA}.md"
    beta.write_text(beta.read_text().replace("Beta fixture:", "Beta renamed:"))
    build = site.build()
    assert {f"studies/{ALPHA}", f"studies/{BETA}"} <= build.written
    assert lineage_items(site, BETA) == ["Replicated by: Alpha fixture: a randomised trial (2020)"]
    assert re.search("Replicates: Beta renamed", lineage_items(site, ALPHA)[0])
    # Edit the source: drop the link, and the target loses its back-link.
    alpha = site.srcdir / "studies" / f"{ALPHA}.md"
    alpha.write_text(alpha.read_text().replace(f":replicates: {BETA}\n", ""))
    site.build()
    assert lineage_items(site, ALPHA) == []
    assert lineage_items(site, BETA) == []


def test_atlas_check_reports_a_missing_lineage_target(tmp_path, capsys):
    from atlas.cli import main

    site = new_site(tmp_path, [BETA])
    page = site.write_study(ALPHA, with_options(fixture_study(ALPHA), ":follows-up: nowhere-1999"))
    (tmp_path / "source").symlink_to(site.srcdir)  # the CLI finds source/ below its root
    assert main(["check", str(page), "--root", str(tmp_path)]) == 1
    line = page.read_text().splitlines().index(":follows-up: nowhere-1999") + 1
    assert f"{ALPHA}.md:{line}:1 ATLAS080 " in capsys.readouterr().out
