"""``make html``'s front end skips Sphinx only when nothing the build reads has changed."""

from __future__ import annotations

import pytest
from atlas import sitebuild
from conftest import FIXTURE_NAMES, Site, new_site

SKIPPED = "Nothing changed since the last build"


@pytest.fixture
def site(tmp_path) -> Site:
    return new_site(tmp_path, FIXTURE_NAMES)


def build(site: Site, capsys, *options: str) -> bool:
    """Run the front end; True when it ran Sphinx, False when it skipped the build."""
    argv = ["-c", str(site.srcdir), "-j", "1", str(site.srcdir), str(site.builddir)]
    assert sitebuild.main([*argv, "--", "-q", *options]) == 0
    return SKIPPED not in capsys.readouterr().out


def test_second_build_with_nothing_changed_is_skipped(site, capsys):
    assert build(site, capsys)
    stamps = {p: p.stat().st_mtime_ns for p in site.outdir.rglob("*.html")}
    assert not build(site, capsys)
    assert {p: p.stat().st_mtime_ns for p in site.outdir.rglob("*.html")} == stamps


def test_the_pages_the_build_writes_into_source_are_not_inputs(site, capsys):
    build(site, capsys)
    assert (site.srcdir / "tags").is_dir() and (site.srcdir / "evidence").is_dir()
    recorded = (site.builddir / "doctrees" / sitebuild.STAMP).read_text()
    assert str(site.srcdir / "tags") in recorded
    assert str(site.srcdir / "evidence") in recorded
    assert not build(site, capsys)


def test_an_edited_study_is_built(site, capsys):
    build(site, capsys)
    page = site.srcdir / "studies" / f"{FIXTURE_NAMES[0]}.md"
    page.write_text(page.read_text().replace(":evidence: E1", ":evidence: E2"))
    assert build(site, capsys)
    assert FIXTURE_NAMES[0] in (site.outdir / "evidence" / "e2.html").read_text()
    assert not build(site, capsys)


def test_a_deleted_output_page_is_built_again(site, capsys):
    build(site, capsys)
    page = site.outdir / "studies" / f"{FIXTURE_NAMES[1]}.html"
    page.unlink()
    assert build(site, capsys)
    assert page.exists()


def test_a_changed_template_or_command_is_built(site, capsys, tmp_path):
    build(site, capsys)
    assert build(site, capsys, "-n")  # another command
    assert not build(site, capsys, "-n")
    (site.srcdir / "conf.py").write_text((site.srcdir / "conf.py").read_text() + "\n# changed\n")
    assert build(site, capsys, "-n")
    assert build(site, capsys, "-n", "-E")  # a forced rebuild is never skipped


def test_a_failed_build_is_never_skipped(site, capsys):
    page = site.srcdir / "studies" / f"{FIXTURE_NAMES[2]}.md"
    page.write_text(page.read_text().replace(":evidence: ", ":evidence: E9", 1))
    argv = ["-c", str(site.srcdir), "-j", "1", str(site.srcdir), str(site.builddir), "--", "-q"]
    assert sitebuild.main([*argv, "-W"]) != 0
    assert not (site.builddir / "doctrees" / sitebuild.STAMP).exists()
    capsys.readouterr()
    sitebuild.main([*argv, "-W"])  # Sphinx runs again (it re-reports only changed pages)
    assert SKIPPED not in capsys.readouterr().out
