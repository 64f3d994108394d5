"""The build's shortcuts for speed change no output byte.

``folderparts`` renders once per folder what a page shares with its folder,
``forking`` lets each forked reader drop the documents it did not read, and
the parser takes plain study pages straight to the directive. Each can be
switched off in conf.py (``atlas_shortcuts``) and is off outside the versions
it was tested with; the pages are checked against the plain path.
"""

from __future__ import annotations

import json

import pytest
from atlas.sphinx import forking, shortcuts
from conftest import ROOT, Site, new_site
from sphinx.errors import ConfigError

REAL_STUDIES = {
    path.stem: path.read_text(encoding="utf-8")
    for path in sorted((ROOT / "source" / "studies").glob("*.md"))
}


def html_pages(site: Site) -> dict[str, bytes]:
    return {
        path.relative_to(site.outdir).as_posix(): path.read_bytes()
        for path in sorted(site.outdir.rglob("*.html"))
    }


ALL_OFF = {"atlas_shortcuts": dict.fromkeys(shortcuts.NAMES, False)}


@pytest.mark.parametrize("jobs", [0, 3])
def test_pages_are_the_same_with_every_shortcut_off(tmp_path, jobs):
    fast = new_site(tmp_path / "fast", REAL_STUDIES)
    assert fast.build(parallel=jobs).warning_lines() == []
    plain = new_site(tmp_path / "plain", REAL_STUDIES)
    assert plain.build(parallel=jobs, overrides=ALL_OFF).warning_lines() == []
    fast_pages, plain_pages = html_pages(fast), html_pages(plain)
    assert fast_pages.keys() == plain_pages.keys()
    assert len(fast_pages) > len(REAL_STUDIES)
    for page, content in plain_pages.items():
        assert fast_pages[page] == content, page


def test_each_shortcut_can_be_switched_off(make_site):
    site = make_site()
    for name in shortcuts.NAMES:
        app = site.app(overrides={"atlas_shortcuts": {name: False}})
        assert not shortcuts.runs(app.config, name)
        assert all(shortcuts.runs(app.config, other) for other in shortcuts.NAMES if other != name)


def test_a_shortcut_is_off_outside_its_tested_versions(make_site, monkeypatch):
    monkeypatch.setattr(shortcuts, "version", lambda package: "99.0")
    site = make_site()
    app = site.app()
    assert not any(shortcuts.runs(app.config, name) for name in shortcuts.NAMES)
    assert "the folder_parts shortcut is off because furo 99.0" in app.status.getvalue()


def test_a_misspelt_shortcut_is_a_configuration_error(make_site):
    with pytest.raises(ConfigError, match="the shortcuts are parallel_readers"):
        make_site().app(overrides={"atlas_shortcuts": {"parallel_reader": False}})


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
