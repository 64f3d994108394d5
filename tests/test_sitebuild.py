"""``make html``'s front end skips Sphinx only when nothing the build reads has changed."""

from __future__ import annotations

import json
import os
import subprocess

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


def test_the_pages_the_build_writes_into_source_are_recorded_as_it_left_them(site, capsys):
    build(site, capsys)
    assert (site.srcdir / "tags").is_dir() and (site.srcdir / "evidence").is_dir()
    recorded = json.loads((site.builddir / "doctrees" / sitebuild.STAMP).read_text())
    assert "evidence/e1.md" in recorded["sources"]
    assert any(name.startswith("tags/") for name in recorded["sources"])
    assert not build(site, capsys)


def test_a_generated_page_edited_by_hand_is_written_again(site, capsys):
    build(site, capsys)
    page = site.srcdir / "evidence" / "e1.md"
    original = page.read_text()
    page.write_text(original + "\n```{raw} html\n<script>alert(1)</script>\n```\n")
    assert build(site, capsys)
    assert page.read_text() == original
    assert "<script>alert(1)" not in (site.outdir / "evidence" / "e1.html").read_text()


def test_a_marker_line_in_a_study_does_not_hide_its_edits(site, capsys):
    """The old front end skipped any folder whose first page carried the generated-page note."""
    page = site.srcdir / "studies" / f"{FIXTURE_NAMES[0]}.md"
    note = "% Written by the atlas extension from source/vocabulary.yaml. Do not edit.\n"
    page.write_text(note + page.read_text())
    build(site, capsys)
    page.write_text(page.read_text().replace(":evidence: E1", ":evidence: E2"))
    assert build(site, capsys)
    assert FIXTURE_NAMES[0] in (site.outdir / "evidence" / "e2.html").read_text()


def test_an_edit_that_sets_the_time_back_is_built(site, capsys):
    build(site, capsys)
    page = site.srcdir / "studies" / f"{FIXTURE_NAMES[0]}.md"
    before = page.stat()
    page.write_text(page.read_text().replace(":evidence: E1", ":evidence: E2"))
    os.utime(page, ns=(before.st_atime_ns, before.st_mtime_ns - 10**12))
    assert build(site, capsys)
    assert FIXTURE_NAMES[0] in (site.outdir / "evidence" / "e2.html").read_text()
    assert FIXTURE_NAMES[0] not in (site.outdir / "evidence" / "e1.html").read_text()


def test_a_change_below_a_linked_folder_is_built(site, capsys, tmp_path):
    """A folder of the source tree may be a link to elsewhere in the project."""
    real = site.srcdir / "extra-real"
    real.mkdir()
    (real / "notes.md").write_text("# Notes\n\nFirst words.\n")
    (site.srcdir / "extra").symlink_to(real, target_is_directory=True)
    build(site, capsys)
    assert not build(site, capsys)
    (real / "notes.md").write_text("# Notes\n\nSecond words.\n")
    assert build(site, capsys)


def test_a_changed_source_date_epoch_is_built(site, capsys, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    build(site, capsys)
    assert not build(site, capsys)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert build(site, capsys)
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


def test_a_changed_or_added_output_file_is_replaced(site, capsys):
    build(site, capsys)
    page = site.outdir / "studies" / f"{FIXTURE_NAMES[1]}.html"
    original = page.read_bytes()
    page.write_bytes(original.replace(b"</body>", b"<script>alert(1)</script></body>"))
    stray = site.outdir / "studies" / "planted.html"
    stray.write_text("<p>not from the build</p>")
    assert build(site, capsys)
    assert page.read_bytes() == original
    assert not stray.exists()


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
    recorded = json.loads((site.builddir / "doctrees" / sitebuild.STAMP).read_text())
    assert recorded["clean"] is False
    assert not (site.builddir / sitebuild.UNFINISHED).exists()  # it did run to its end
    capsys.readouterr()
    sitebuild.main([*argv, "-W"])  # Sphinx runs again (it re-reports only changed pages)
    assert SKIPPED not in capsys.readouterr().out


def test_a_build_that_did_not_finish_is_followed_by_a_build_from_nothing(site, capsys):
    build(site, capsys)
    stale = site.outdir / "studies" / "left-over.html"
    stale.write_text("<p>half written</p>")
    (site.builddir / "doctrees" / "environment.pickle").write_bytes(b"")
    (site.builddir / sitebuild.UNFINISHED).write_text("killed")
    assert build(site, capsys)
    assert not stale.exists()
    assert not (site.builddir / sitebuild.UNFINISHED).exists()
    assert not build(site, capsys)


def test_a_build_that_raises_leaves_the_marker(site, capsys):
    (site.srcdir / "conf.py").write_text(
        (site.srcdir / "conf.py").read_text() + "\natlas_vocabulary = 'missing.yaml'\n"
    )
    argv = ["-c", str(site.srcdir), "-j", "1", str(site.srcdir), str(site.builddir), "--", "-q"]
    assert sitebuild.main(argv) == 2
    assert (site.builddir / sitebuild.UNFINISHED).exists()


def test_a_new_release_tag_is_built(site, capsys):
    """The What's new page is made from release tags, which a commit alone does not show."""

    def git(*arguments: str) -> None:
        subprocess.run(["git", "-C", str(site.srcdir), *arguments], check=True, capture_output=True)

    git("init", "-q")
    git(
        "-c",
        "user.name=t",
        "-c",
        "user.email=t@example.org",
        "commit",
        "-q",
        "--allow-empty",
        "-m",
        "start",
    )
    build(site, capsys)
    assert not build(site, capsys)
    git("tag", "v0.1.0")
    assert build(site, capsys)
