"""The build's shortcuts for speed change no output byte.

``folderparts`` renders once per folder what a page shares with its folder,
and ``forking`` lets each forked reader drop the documents it did not read.
Both are checked against the plain path on real study pages.
"""

from __future__ import annotations

import json

import pytest
from atlas.sphinx import folderparts, forking
from conftest import ROOT, Site, new_site

REAL_STUDIES = {
    path.stem: path.read_text(encoding="utf-8")
    for path in sorted((ROOT / "source" / "studies").glob("*.md"))
}


def html_pages(site: Site) -> dict[str, bytes]:
    return {
        path.relative_to(site.outdir).as_posix(): path.read_bytes()
        for path in sorted(site.outdir.rglob("*.html"))
    }


def test_pages_are_the_same_without_shared_folder_parts(tmp_path, monkeypatch):
    shared = new_site(tmp_path / "shared", REAL_STUDIES)
    assert shared.build().warning_lines() == []
    monkeypatch.setattr(folderparts, "share_folder_parts", lambda *arguments: None)
    plain = new_site(tmp_path / "plain", REAL_STUDIES)
    assert plain.build().warning_lines() == []
    shared_pages, plain_pages = html_pages(shared), html_pages(plain)
    assert shared_pages.keys() == plain_pages.keys()
    assert len(shared_pages) > len(REAL_STUDIES)
    for page, content in plain_pages.items():
        assert shared_pages[page] == content, page


@pytest.mark.parametrize("jobs", [2, 3])
def test_forked_readers_lose_no_document(tmp_path, monkeypatch, jobs):
    # Also through the path of large builds, which freezes memory before writing.
    monkeypatch.setattr(forking, "MANY_PAGES", 1 if jobs == 3 else forking.MANY_PAGES)
    serial = new_site(tmp_path / "serial", REAL_STUDIES)
    forked = new_site(tmp_path / "forked", REAL_STUDIES)
    assert serial.build().warning_lines() == []
    assert forked.build(parallel=jobs).warning_lines() == []
    assert html_pages(forked) == html_pages(serial)

    # Re-reading half the studies in parallel keeps the other half.
    for name in list(REAL_STUDIES)[::2]:
        (forked.srcdir / "studies" / f"{name}.md").touch()
    assert len(forked.build(parallel=jobs).written) >= len(REAL_STUDIES) // 2
    records = json.loads((forked.outdir / "studies.json").read_text(encoding="utf-8"))
    assert sorted(record["id"] for record in records["studies"]) == sorted(
        f"studies/{name}" for name in REAL_STUDIES
    )
    assert html_pages(forked) == html_pages(serial)
