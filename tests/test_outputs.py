"""What is removed from the sources disappears from the output; what the build owns comes back.

``tests/test_interrupted.py`` compares whole outputs with clean builds after a
day of changes; these tests name each kind of removal on its own.
"""

from __future__ import annotations

import gzip
import json

import pytest
from atlas import sitebuild
from conftest import FIXTURE_NAMES, Site, new_site


def searchable_pages(site: Site) -> set[str]:
    """The page addresses Pagefind's index holds: one gzipped JSON fragment per page."""
    urls = set()
    for fragment in (site.outdir / "pagefind").rglob("fragment/*.pf_fragment"):
        data = gzip.decompress(fragment.read_bytes()).removeprefix(b"pagefind_dcd")
        urls.add(json.loads(data)["url"])
    return urls


@pytest.mark.parametrize("jobs", [0, 3])
def test_a_deleted_study_leaves_no_page_behind(make_site, jobs):
    site = make_site()
    site.build(parallel=jobs)
    gone = site.outdir / "studies" / f"{FIXTURE_NAMES[0]}.html"
    assert gone.exists()
    site.remove_study(FIXTURE_NAMES[0])
    site.build(parallel=jobs)
    assert not gone.exists()
    assert f"/studies/{FIXTURE_NAMES[0]}.html" not in searchable_pages(site)
    for other in FIXTURE_NAMES[1:]:
        assert (site.outdir / "studies" / f"{other}.html").exists()
    for page in site.outdir.rglob("*.html"):
        assert FIXTURE_NAMES[0] not in page.read_text(encoding="utf-8"), page


@pytest.mark.parametrize("jobs", [0, 3])
def test_pages_sphinx_makes_without_a_document_are_kept(make_site, jobs):
    site = make_site()
    with (site.srcdir / "conf.py").open("a", encoding="utf-8") as conf:
        conf.write("\nhtml_additional_pages = {'extra-page': 'page.html'}\n")
    site.build(parallel=jobs)
    site.remove_study(FIXTURE_NAMES[0])
    site.build(parallel=jobs)
    assert (site.outdir / "extra-page.html").exists()


@pytest.mark.parametrize(
    ("entry", "next_entry", "page"),
    [
        (
            "      - label: Cognitive Impairment\n",
            "      - label:",
            "tags/symptom-cognitive-impairment",
        ),
        ("  - key: E3\n", "\n\n", "evidence/e3"),
    ],
)
def test_a_retired_tag_or_level_loses_its_page(tmp_path, entry, next_entry, page):
    site = new_site(tmp_path, FIXTURE_NAMES)
    vocabulary = site.srcdir / "vocabulary.yaml"
    own = {"atlas_vocabulary": str(vocabulary)}
    text = vocabulary.read_text(encoding="utf-8")
    start = text.index(entry)
    end = text.index(next_entry, start + len(entry))
    site.build(overrides=own)
    html = site.outdir / f"{page}.html"
    assert html.exists() and f"/{page}.html" in searchable_pages(site)
    vocabulary.write_text(text[:start] + text[end:], encoding="utf-8")
    site.build(overrides=own)
    assert not html.exists()
    assert not (site.srcdir / f"{page}.md").exists()
    assert f"/{page}.html" not in searchable_pages(site)


def test_a_deleted_file_of_the_search_bundle_is_written_again(tmp_path, capsys):
    site = new_site(tmp_path, FIXTURE_NAMES)
    argv = ["-c", str(site.srcdir), "-j", "1", str(site.srcdir), str(site.builddir), "--", "-q"]
    assert sitebuild.main(argv) == 0
    script = site.outdir / "pagefind" / "pagefind.js"
    original = script.read_bytes()
    script.unlink()
    assert sitebuild.main(argv) == 0
    assert script.read_bytes() == original
    assert "Nothing changed" not in capsys.readouterr().out
