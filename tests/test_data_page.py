"""The "Data and downloads" page: every open-data file with its size, as built, and its licence."""

from __future__ import annotations

import pytest
from atlas.sphinx.downloads import FILES, file_size
from conftest import FIXTURE_NAMES

CC0 = "https://creativecommons.org/publicdomain/zero/1.0/"


def table_rows(site) -> dict[str, list]:
    """File cell text -> the row's cells."""
    rows = site.html("data").select("table.atlas-downloads tbody tr")
    return {row.select_one("td").get_text(): row.select("td") for row in rows}


@pytest.mark.parametrize(
    ("size", "shown"),
    [
        (0, "0 bytes"),
        (999, "999 bytes"),
        (1000, "1.0 kB"),
        (43_210, "43 kB"),
        (2_345_678, "2.3 MB"),
    ],
)
def test_sizes_read_as_people_say_them(size, shown):
    assert file_size(size) == shown


def test_every_file_is_listed_with_the_size_this_build_wrote_and_its_licence(make_site):
    site = make_site()
    site.build()
    rows = table_rows(site)
    assert len(rows) == len(FILES)
    for file in FILES:
        cells = rows[file.name]
        assert cells[3].select_one("a")["href"] == CC0
        if not file.family:
            assert cells[2].get_text() == file_size((site.outdir / file.name).stat().st_size)


def test_the_sizes_follow_the_studies(make_site):
    site = make_site()
    site.build()
    site.remove_study(FIXTURE_NAMES[0])
    site.build()
    rows = table_rows(site)
    for name in ("studies.json", "studies.csv", "atlas.bib"):
        assert rows[name][2].get_text() == file_size((site.outdir / name).stat().st_size)


def test_the_data_page_is_linked_from_every_page(make_site):
    site = make_site()
    site.build()
    for page in ("index", "about", f"studies/{FIXTURE_NAMES[0]}"):
        footer = site.html(page).select_one(".atlas-footer")
        assert any(a.get_text() == "Data and downloads" for a in footer.select("a")), page
