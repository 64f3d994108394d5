"""Each study's reference as .bib and .ris files, and the citation block that links them.

The files are outputs the build owns: written for a study whose page was read
again or whose file is missing, left alone otherwise, and deleted with the study.
"""

from __future__ import annotations

import bibtexparser
import pytest
import rispy
from conftest import FIXTURE_NAMES

ALPHA, BETA = FIXTURE_NAMES[0], FIXTURE_NAMES[1]


def files_of(site, name: str):
    return site.outdir / "studies" / f"{name}.bib", site.outdir / "studies" / f"{name}.ris"


def stamps(site) -> dict[str, int]:
    return {
        path.name: path.stat().st_mtime_ns
        for path in (site.outdir / "studies").iterdir()
        if path.suffix in (".bib", ".ris")
    }


@pytest.fixture
def built(make_site):
    site = make_site()
    build = site.build()
    assert build.warning_lines() == [], build.warnings
    return site


def test_each_study_has_its_reference_files_as_the_page_shows_them(built):
    for name in FIXTURE_NAMES:
        bib, ris = files_of(built, name)
        page = built.html(f"studies/{name}")
        assert bib.read_text("utf-8").strip() == page.select_one("#cite-bibtex").get_text()
        assert ris.read_text("utf-8").strip() == page.select_one("#cite-ris").get_text()
        (entry,) = bibtexparser.parse_string(bib.read_text("utf-8")).entries
        assert entry.key == name
        (record,) = rispy.loads(ris.read_text("utf-8"))
        assert record["type_of_reference"] == "JOUR"
        assert record["title"] == entry["title"]


def test_the_files_match_the_sites_bibtex_export(built):
    whole = bibtexparser.parse_string((built.outdir / "atlas.bib").read_text("utf-8"))
    by_key = {entry.key: entry for entry in whole.entries}
    for name in FIXTURE_NAMES:
        (entry,) = bibtexparser.parse_string(files_of(built, name)[0].read_text("utf-8")).entries
        assert entry.fields_dict.keys() == by_key[name].fields_dict.keys()
        assert all(entry[key] == by_key[name][key] for key in entry.fields_dict)


def test_the_citation_block_is_open_and_links_both_files(built):
    page = built.html(f"studies/{ALPHA}")
    block = page.select_one("details.atlas-cite")
    assert block.has_attr("open")
    links = {a["href"]: a.get_text() for a in block.select("p.atlas-cite-files a[download]")}
    assert links == {f"{ALPHA}.bib": "BibTeX file (.bib)", f"{ALPHA}.ris": "RIS file (.ris)"}
    # Every copy button has its own announced status beside it.
    for button in block.select("button.atlas-copy"):
        (status,) = button.parent.select(".atlas-copy-status")
        assert status["role"] == "status" and status["aria-live"] == "polite"


def test_only_a_changed_study_gets_new_files_and_a_removed_one_loses_them(built):
    before = stamps(built)
    built.build()
    assert stamps(built) == before  # nothing changed: nothing written

    page = built.srcdir / "studies" / f"{ALPHA}.md"
    page.write_text(page.read_text("utf-8").replace("Alpha fixture:", "Alpha fixture, renamed:"))
    built.remove_study(BETA)
    built.build()
    after = stamps(built)
    assert not any(path.exists() for path in files_of(built, BETA))
    assert "renamed" in files_of(built, ALPHA)[0].read_text("utf-8")
    changed = {name for name, stamp in after.items() if before.get(name) != stamp}
    assert changed == {f"{ALPHA}.bib", f"{ALPHA}.ris"}


def test_a_deleted_file_is_written_again(built):
    bib, ris = files_of(built, ALPHA)
    expected = ris.read_bytes()
    ris.unlink()
    built.build()
    assert ris.read_bytes() == expected and bib.exists()
