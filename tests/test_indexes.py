"""Evidence-level and tag indexes list exactly the right studies, with counts."""

from __future__ import annotations

import pytest
from conftest import SOURCE, new_site

ALPHA = "Alpha fixture: a randomised trial"
BETA = "Beta fixture: an observational cohort"
GAMMA = "Gamma fixture: a consensus guideline"
DELTA = "Delta fixture: a mechanistic study"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    site = new_site(
        tmp_path_factory.mktemp("indexes"),
        [
            "alpha-2020-first-fixture",
            "beta-2018-second-fixture",
            "gamma-2022-third-fixture",
            "delta-2015-fourth-fixture",
        ],
    )
    return site, site.build()


def rows(site, docname):
    """The study table of an index page as lists of cell texts (as the header names them)."""
    page = site.html(docname)
    for name in page.select(".atlas-cell-name"):
        name.decompose()
    return [
        [cell.get_text(strip=True) for cell in row.select("td")]
        for row in page.select("table.atlas-study-table tbody tr")
    ]


def test_on_a_phone_each_value_in_a_study_table_says_what_it_is(built):
    """The header row is hidden on a phone: level and design then carry their names."""
    site, _ = built
    row = site.html("tags/symptom-fatigue").select_one("table.atlas-study-table tbody tr")
    cells = [cell.get_text() for cell in row.select("td")]
    assert cells[2:] == ["Evidence: E1", "Design: RCT", "PEM required"]
    level_page = site.html("evidence/e1").select_one("table.atlas-study-table tbody tr")
    assert [cell.get_text() for cell in level_page.select("td")][2:] == [
        "Design: RCT",
        "PEM required",
    ]


def test_build_is_clean_with_no_toctree_warnings(built):
    _, build = built
    assert build.warning_lines() == []
    assert "multiple toctrees" not in build.warnings


@pytest.mark.parametrize(
    ("level", "expected"),
    [
        ("e0", [[GAMMA, "2022", "Guideline", "PEM unclear"]]),
        ("e1", [[ALPHA, "2020", "RCT", "PEM required"]]),
        ("e2", [[DELTA, "2015", "Mechanistic", "PEM required"]]),
        ("e3", [[BETA, "2018", "Observational", "PEM not required"]]),
    ],
)
def test_each_level_page_lists_its_studies(built, level, expected):
    site, _ = built
    assert rows(site, f"evidence/{level}") == expected


def test_level_rows_link_to_the_study_pages(built):
    site, _ = built
    link = site.html("evidence/e1").select_one("table.atlas-study-table a")
    assert link["href"] == "../studies/alpha-2020-first-fixture.html"


def test_level_overview_counts_findings_strongest_first_and_definitions_apart(built):
    site, _ = built
    page = site.html("evidence")
    tables = [
        [(tr.select("td")[0].get_text(strip=True), tr.select("td")[2].get_text()) for tr in t]
        for t in (table.select("tbody tr") for table in page.select("table.atlas-levels"))
    ]
    assert tables == [
        [
            ("E1 Replicated", "1 study"),
            ("E2 Single study", "1 study"),
            ("E3 Preliminary", "1 study"),
        ],
        [("E0 Consensus", "1 study")],
    ]
    # The second table sits under its own heading.
    heading = page.select_one("h2.atlas-levels-group")
    assert heading.get_text() == "Definitions and guidelines"
    assert heading.find_next("table") is page.select("table.atlas-levels")[1]
    assert "4 studies in the atlas" in page.get_text()


def test_a_level_of_definitions_says_on_its_page_that_it_holds_no_findings(built):
    site, _ = built
    assert "They are not findings" in site.html("evidence/e0").get_text()
    assert "They are not findings" not in site.html("evidence/e1").get_text()


def test_tag_page_lists_tagged_studies_newest_first(built):
    site, _ = built
    assert rows(site, "tags/symptom-fatigue") == [
        [ALPHA, "2020", "E1", "RCT", "PEM required"],
        [BETA, "2018", "E3", "Observational", "PEM not required"],
    ]
    assert rows(site, "tags/topic-metabolism") == [
        [DELTA, "2015", "E2", "Mechanistic", "PEM required"]
    ]


def test_tag_without_studies_says_so(built):
    site, _ = built
    page = site.html("tags/symptom-pain")
    assert rows(site, "tags/symptom-pain") == []
    assert "No studies with this tag yet." in page.get_text()


def test_tag_overview_groups_by_family_with_counts(built):
    site, _ = built
    page = site.html("tags")
    families = [h.get_text() for h in page.select("article h2.rubric")]
    assert families == ["Symptom", "Topic", "Population", "Method Flag"]
    items = [li.get_text(strip=True) for li in page.select("ul.atlas-tag-counts li")]
    assert "Fatigue(2)" in items
    assert "Small Sample(1)" in items
    assert "Pain(0)" in items


def test_tag_pages_are_plain_pages_not_toctrees(built):
    site, _ = built
    for docname in ("tags/symptom-fatigue", "evidence/e1", "tags", "evidence"):
        page = site.html(docname)
        assert page.select(".toctree-wrapper") == [], docname
        sidebar_links = [a["href"] for a in page.select(".sidebar-tree a")]
        assert not [href for href in sidebar_links if "studies/" in href or "tags/" in href]


def test_tags_are_recorded_as_sphinx_tags_metadata(built):
    site, _ = built
    import pickle

    env = pickle.loads((site.builddir / "doctrees" / "environment.pickle").read_bytes())
    assert env.metadata["studies/alpha-2020-first-fixture"]["tags"] == [
        "Symptom: Fatigue",
        "Method Flag: Small Sample",
    ]


def test_noop_build_rewrites_nothing(built):
    site, _ = built
    generated = sorted((site.srcdir / "tags").glob("*.md")) + sorted(
        (site.srcdir / "evidence").glob("*.md")
    )
    stamps = {path: path.stat().st_mtime_ns for path in generated}
    build = site.build()
    assert build.written == set()
    assert {path: path.stat().st_mtime_ns for path in generated} == stamps


def test_a_vocabulary_label_with_markup_reads_as_written_in_generated_pages(make_site, tmp_path):
    """Labels go into the Markdown of generated pages; Markdown or MyST syntax in one stays text."""
    label = "NK {doc}`index` <b>count</b> [x](y) *z* $a$ &amp;"
    vocabulary = tmp_path / "vocabulary.yaml"
    original = (SOURCE / "vocabulary.yaml").read_text(encoding="utf-8")
    vocabulary.write_text(
        original.replace("label: NK cell count", f"label: '{label}'"), encoding="utf-8"
    )
    site = make_site()
    build = site.build(overrides={"atlas_vocabulary": str(vocabulary)})
    assert build.warning_lines() == []
    heading = site.html("measures/nk-cell-count").select_one("h1")
    assert heading.get_text().rstrip("¶") == label
    assert heading.select("a:not(.headerlink), b, em, span.math") == []
