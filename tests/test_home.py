"""The home page's overview: counts, year chart and recent studies, each linked to browse."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from atlas.sphinx.home import _tick_step
from conftest import FIXTURE_NAMES, fixture_study, new_site

ALPHA = "alpha-2020-first-fixture"
GAMMA = "gamma-2022-third-fixture"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    studies = {name: fixture_study(name) for name in FIXTURE_NAMES}
    # Different update dates, so the recent list has an order to get right.
    studies[GAMMA] = studies[GAMMA].replace(":updated: 2026-03-01", ":updated: 2026-04-02")
    studies[ALPHA] = studies[ALPHA].replace(":updated: 2026-03-01", ":updated: 2026-01-15")
    site = new_site(tmp_path_factory.mktemp("home"), studies)
    return site, site.build()


def count_rows(site, heading: str) -> list[tuple[str, str, dict]]:
    """(label, count, browse query) for each row of one overview table."""
    page = site.html("index")
    table = next(t for t in page.select("table.atlas-glance") if t.th.get_text() == heading)
    rows = []
    for tr in table.select("tbody tr"):
        link = tr.select_one("a")
        url = urlsplit(link["href"])
        assert url.path == "browse.html"
        rows.append((link.get_text(), tr.select("td")[1].get_text(strip=True), parse_qs(url.query)))
    return rows


def test_build_is_clean(built):
    _, build = built
    assert build.warning_lines() == []


def test_levels_are_counted_strongest_findings_first_and_link_to_browse(built):
    site, _ = built
    # Definitions and guidelines (E0) are not findings: they come after the weakest finding.
    assert count_rows(site, "Evidence level") == [
        ("E1 Replicated", "1", {"level": ["E1"]}),
        ("E2 Single study", "1", {"level": ["E2"]}),
        ("E3 Preliminary", "1", {"level": ["E3"]}),
        ("E0 Consensus", "1", {"level": ["E0"]}),
    ]
    total = site.html("index").select_one(".atlas-glance-total")
    assert total.get_text(" ", strip=True).startswith("The atlas holds 4 studies.")
    assert total.a["href"] == "browse.html"


def test_pem_and_designs_are_counted_in_vocabulary_order(built):
    site, _ = built
    assert count_rows(site, "PEM status") == [
        ("PEM required", "2", {"pem": ["required"]}),
        ("PEM not required", "1", {"pem": ["not-required"]}),
        ("PEM unclear", "1", {"pem": ["unclear"]}),
    ]
    designs = count_rows(site, "Study design")
    # In the order of vocabulary.yaml's designs (the most specific first, as imports try them).
    assert designs[0] == ("Guideline", "1", {"design": ["guideline"]})
    assert [label for label, _, _ in designs][:4] == [
        "Guideline",
        "Meta-Analysis",
        "Systematic Review",
        "Pilot or Feasibility Trial",
    ]
    assert ("RCT", "1", {"design": ["rct"]}) in designs
    assert sum(int(count) for _, count, _ in designs) == 4


def test_year_chart_is_inline_svg_with_a_text_alternative(built):
    site, _ = built
    figure = site.html("index").select_one("figure.atlas-years")
    svg = figure.select_one("svg")
    assert svg["role"] == "img"
    labelled_by = svg["aria-labelledby"].split()
    assert [figure.select_one(f"#{ident}").name for ident in labelled_by] == ["title", "desc"]
    # One bar per year from 2015 to 2022, years without studies included.
    bars = svg.select("rect.atlas-chart-bar")
    assert len(bars) == 8
    heights = [float(bar["height"]) for bar in bars]
    assert [height > 0 for height in heights] == [1, 0, 0, 1, 0, 1, 0, 1]
    assert "2015 to 2022" in figure.figcaption.get_text()
    years = {
        tr.a.get_text(): (tr.select("td")[1].get_text(), parse_qs(urlsplit(tr.a["href"]).query))
        for tr in site.html("index").select("details.atlas-year-table table tbody tr")
    }
    assert years["2018"] == ("1", {"from": ["2018"], "to": ["2018"]})
    assert years["2016"][0] == "0"
    decades = [a.get_text() for a in site.html("index").select(".atlas-decades a")]
    assert decades == ["2010s (2)", "2020s (2)"]


def test_recent_studies_come_latest_update_first(built):
    site, _ = built
    items = site.html("index").select("ol.atlas-recent li")
    titles = [li.a.get_text() for li in items]
    assert titles[0] == "Gamma fixture: a consensus guideline"
    assert titles[-1] == "Alpha fixture: a randomised trial"
    assert items[0].a["href"] == f"studies/{GAMMA}.html"
    assert items[0].time["datetime"] == "2026-04-02"
    assert items[0].select_one(".atlas-recent-meta").get_text() == (
        "updated 2 April 2026 · E0 Consensus · Guideline · PEM unclear"
    )


def test_tick_step_gives_a_few_round_gridlines():
    assert _tick_step(1) == 1
    assert _tick_step(9) == 2
    assert _tick_step(240) == 50
    assert _tick_step(1000) == 500


def edit(site, name: str, old: str, new: str) -> None:
    path = site.srcdir / "studies" / f"{name}.md"
    path.write_text(path.read_text().replace(old, new), encoding="utf-8")


def test_home_is_rewritten_exactly_when_its_figures_change(make_site):
    site = make_site()
    site.build()
    # Text the home page does not show: only the study page is written.
    edit(site, ALPHA, "Its text is short", "Its text is brief")
    assert site.build().written == {f"studies/{ALPHA}"}
    # A new update date moves the study to the top of the recent list.
    edit(site, ALPHA, ":updated: 2026-03-01", ":updated: 2026-05-01")
    build = site.build()
    assert build.written == {f"studies/{ALPHA}", "index"}
    first = site.html("index").select_one("ol.atlas-recent li a").get_text()
    assert first == "Alpha fixture: a randomised trial"
    # A new year changes the chart, and the level and tag pages that show the year.
    edit(site, ALPHA, ":year: 2020", ":year: 2019")
    assert "index" in site.build().written
