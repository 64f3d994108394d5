"""Releases: the archive between two commits of a small git repository, and its CHANGELOG."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import runpy
import subprocess
import zipfile
from pathlib import Path

import bibtexparser
import feedparser
import jsonschema
import pytest
import yaml
from atlas.cli import main
from atlas.model.vocabulary import load_vocabulary
from atlas.release import ReleaseError, make_release, plain
from conftest import FIXTURE_NAMES, ROOT, SOURCE, Site, fixture_study, new_site
from hypothesis import given, settings
from hypothesis import strategies as st

VOCABULARY = load_vocabulary(SOURCE / "vocabulary.yaml")
CITATION = ROOT / "CITATION.cff"
FOLDER_2 = "mecfs-atlas-data-0.2.0"


def git(repo: Path, *args: str, date: str = "2026-01-10T12:00:00+00:00") -> str:
    """Run git in ``repo`` as a fixed person at a fixed time, so tags have known dates."""
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "Atlas Test",
        "GIT_AUTHOR_EMAIL": "test@example.org",
        "GIT_COMMITTER_NAME": "Atlas Test",
        "GIT_COMMITTER_EMAIL": "test@example.org",
        "GIT_AUTHOR_DATE": date,
        "GIT_COMMITTER_DATE": date,
    }
    result = subprocess.run(
        ["git", "-c", "commit.gpgsign=false", "-c", "tag.gpgsign=false", *args],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout


def commit_all(site: Site, message: str, date: str) -> None:
    git(site.srcdir, "add", "-A", ".", date=date)
    git(site.srcdir, "commit", "-q", "-m", message, date=date)


def epsilon_page() -> str:
    return (
        fixture_study("alpha-2020-first-fixture")
        .replace("Alpha fixture: a randomised trial", "Epsilon fixture: a new cohort")
        .replace("Alpha, Anna B; Beta, Carl; Gamma, Dana; Delta, Erik", "Epsilon, Eva")
        .replace(":year: 2020", ":year: 2021")
        .replace("10.5555/fixture.alpha", "10.5555/fixture.epsilon")
        .replace("90000001", "90000005")
    )


@pytest.fixture(scope="module")
def history(tmp_path_factory) -> dict[str, object]:
    """Two releases of a fixture atlas: 0.1.0 from its first commit, 0.2.0 from its second.

    Between them one study is added, one updated, one retracted, one removed and
    one renamed.
    """
    root = tmp_path_factory.mktemp("release")
    site = new_site(root, FIXTURE_NAMES)
    git(site.srcdir, "init", "-q", "-b", "main")
    commit_all(site, "Four fixture studies", "2026-01-10T12:00:00+00:00")
    assert site.build().warning_lines() == []
    first = make_release(
        site.srcdir / "studies", site.outdir, "0.1.0", root / "out1", VOCABULARY, CITATION
    )
    git(site.srcdir, "tag", "-a", "v0.1.0", "-m", "Release 0.1.0", date="2026-01-11T09:00:00Z")

    studies = site.srcdir / "studies"
    site.write_study("epsilon-2021-fifth-fixture", epsilon_page())
    beta = studies / "beta-2018-second-fixture.md"
    text = beta.read_text("utf-8")
    assert ":confidence: moderate" in text
    beta.write_text(
        text.replace(":confidence: moderate", ":confidence: preliminary").replace(
            "A fixture study", "A revised fixture study"
        ),
        "utf-8",
    )
    gamma = studies / "gamma-2022-third-fixture.md"
    gamma.write_text(
        gamma.read_text("utf-8").replace(
            ":updated:",
            ":retracted: 2026-02-01\n:retraction-notice: 10.5555/notice.gamma\n:updated:",
        ),
        "utf-8",
    )
    site.remove_study("delta-2015-fourth-fixture")
    (studies / "alpha-2020-first-fixture.md").rename(studies / "alpha-2020-renamed-fixture.md")
    commit_all(site, "Add, update, retract, remove and rename", "2026-02-02T12:00:00+00:00")
    assert site.build().warning_lines() == []
    second = make_release(
        studies, site.outdir, "0.2.0", root / "out2", VOCABULARY, CITATION, date="2026-02-03"
    )
    return {"site": site, "root": root, "first": first, "second": second}


def archive_files(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def test_the_first_release_adds_every_study_it_holds(history):
    first = history["first"]
    assert [entry.name for entry in first.changes.added] == sorted(FIXTURE_NAMES)
    assert not (first.changes.updated or first.changes.retracted or first.changes.removed)
    assert first.changes.since == "the start of the history"
    assert first.path.name == "mecfs-atlas-data-0.1.0.zip"


def test_the_changelog_between_two_tags_names_each_kind_of_change(history):
    changes = history["second"].changes
    assert changes.since == "0.1.0 (2026-01-11)"
    assert [(e.name, e.title) for e in changes.added] == [
        ("epsilon-2021-fifth-fixture", "Epsilon fixture: a new cohort")
    ]
    assert [(e.name, e.detail) for e in changes.updated] == [
        ("alpha-2020-renamed-fixture", "renamed from alpha-2020-first-fixture"),
        ("beta-2018-second-fixture", "confidence moderate to preliminary; text revised"),
    ]
    assert [(e.name, e.detail) for e in changes.retracted] == [
        ("gamma-2022-third-fixture", "retracted 2026-02-01, notice 10.5555/notice.gamma")
    ]
    assert [e.name for e in changes.removed] == ["delta-2015-fourth-fixture"]


def test_the_changelog_file_lists_the_changes_in_words(history):
    text = history["second"].changelog.read_text("utf-8")
    files = archive_files(history["second"].path)
    assert files[f"{FOLDER_2}/CHANGELOG.md"].decode("utf-8") == text
    assert text.startswith("# ME/CFS Evidence Atlas 0.2.0 (2026-02-03)\n")
    assert "since release 0.1.0 of 2026-01-11" in text
    for heading in ("## Added (1)", "## Updated (2)", "## Retracted (1)", "## Removed (1)"):
        assert heading in text
    assert "- Epsilon fixture: a new cohort: `studies/epsilon-2021-fifth-fixture`" in text
    assert "`studies/delta-2015-fourth-fixture`" in text


def test_the_archive_holds_the_open_data_stamped_with_the_release(history):
    site: Site = history["site"]
    files = archive_files(history["second"].path)
    names = {name.removeprefix(f"{FOLDER_2}/") for name in files}
    assert names == {
        "studies.json",
        "studies.schema.json",
        "studies.csv",
        "findings.csv",
        "atlas.bib",
        "atom.xml",
        "CHANGELOG.md",
        "LICENCE.md",
        "CITATION.cff",
        "release.json",
    }
    stamp = {"version": "0.2.0", "date": "2026-02-03"}

    data = json.loads(files[f"{FOLDER_2}/studies.json"])
    schema = json.loads(files[f"{FOLDER_2}/studies.schema.json"])
    assert data["release"] == stamp
    jsonschema.validate(data, schema)
    assert "0.2.0" in schema["$comment"]
    built = json.loads((site.outdir / "studies.json").read_text("utf-8"))["studies"]
    assert data["studies"] == built

    bib = files[f"{FOLDER_2}/atlas.bib"].decode("utf-8")
    assert bib.startswith("@comment{ME/CFS Evidence Atlas data release 0.2.0 of 2026-02-03}")
    assert len(bibtexparser.parse_string(bib).entries) == 4

    feed = feedparser.parse(files[f"{FOLDER_2}/atom.xml"])
    assert not feed.bozo
    assert len(feed.entries) == 4
    assert (
        b"<!-- ME/CFS Evidence Atlas data release 0.2.0 of 2026-02-03 -->"
        in (files[f"{FOLDER_2}/atom.xml"])
    )

    # The CSV stays byte for byte as built, so every reader loads it.
    assert files[f"{FOLDER_2}/studies.csv"] == (site.outdir / "studies.csv").read_bytes()
    rows = list(csv.DictReader(io.StringIO(files[f"{FOLDER_2}/studies.csv"].decode("utf-8"))))
    assert len(rows) == 4

    citation = yaml.safe_load(files[f"{FOLDER_2}/CITATION.cff"])
    assert citation["version"] == "0.2.0"
    assert str(citation["date-released"]) == "2026-02-03"

    manifest = json.loads(files[f"{FOLDER_2}/release.json"])
    assert manifest["release"] == stamp
    assert manifest["previous"]["version"] == "0.1.0"
    assert manifest["commit"] == git(site.srcdir, "rev-parse", "HEAD").strip()
    assert [e["id"] for e in manifest["changes"]["removed"]] == [
        "studies/delta-2015-fourth-fixture"
    ]
    assert set(manifest["files"]) == names - {"release.json"}


def test_the_same_release_twice_gives_the_same_bytes(history, tmp_path):
    site: Site = history["site"]
    again = make_release(
        site.srcdir / "studies", site.outdir, "0.2.0", tmp_path, VOCABULARY, CITATION, "2026-02-03"
    )
    assert again.path.read_bytes() == history["second"].path.read_bytes()


def test_a_tagged_release_takes_the_tags_date_and_compares_with_the_tag_before(history, tmp_path):
    site: Site = history["site"]
    git(site.srcdir, "tag", "v0.2.0", date="2026-02-04T08:00:00Z")
    try:
        tagged = make_release(site.srcdir / "studies", site.outdir, "0.2.0", tmp_path, VOCABULARY)
    finally:
        git(site.srcdir, "tag", "-d", "v0.2.0")
    manifest = json.loads(archive_files(tagged.path)[f"{FOLDER_2}/release.json"])
    assert manifest["release"]["date"] == "2026-02-02"  # a plain tag carries its commit's date
    assert manifest["previous"]["version"] == "0.1.0"


@pytest.mark.parametrize(
    ("version", "message"),
    [
        ("v0.3.0", "is not a version"),
        ("0.3", "is not a version"),
        ("01.2.3", "is not a version"),
        ("0.1.0", "the tag v0.1.0 names commit"),
    ],
)
def test_a_release_refuses_a_bad_version(history, tmp_path, version, message):
    site: Site = history["site"]
    with pytest.raises(ReleaseError, match=message):
        make_release(site.srcdir / "studies", site.outdir, version, tmp_path, VOCABULARY)


def test_a_release_refuses_uncommitted_pages_and_a_site_of_other_pages(history, tmp_path):
    site: Site = history["site"]
    studies = site.srcdir / "studies"
    extra = site.write_study("zeta-2019-sixth-fixture", epsilon_page())
    try:
        with pytest.raises(ReleaseError, match="not committed"):
            make_release(studies, site.outdir, "0.3.0", tmp_path, VOCABULARY)
    finally:
        extra.unlink()
    other = tmp_path / "other-site"
    other.mkdir()
    for name in (
        "studies.json",
        "studies.schema.json",
        "studies.csv",
        "findings.csv",
        "atlas.bib",
        "atom.xml",
    ):
        (other / name).write_bytes((site.outdir / name).read_bytes())
    built = json.loads((other / "studies.json").read_text("utf-8"))
    built["studies"] = built["studies"][1:]
    (other / "studies.json").write_text(json.dumps(built), "utf-8")
    with pytest.raises(ReleaseError, match="not built from the study pages of HEAD"):
        make_release(studies, other, "0.3.0", tmp_path, VOCABULARY)
    (other / "atom.xml").unlink()
    with pytest.raises(ReleaseError, match=r"has no atom\.xml"):
        make_release(studies, other, "0.3.0", tmp_path, VOCABULARY)


def test_the_release_command_reports_the_archive(history, tmp_path, capsys):
    site: Site = history["site"]
    atlas = tmp_path / "atlas"
    atlas.mkdir()
    (atlas / "source").symlink_to(site.srcdir)
    (atlas / "CITATION.cff").write_bytes(CITATION.read_bytes())
    (atlas / "conf.py").symlink_to(ROOT / "conf.py")
    out = tmp_path / "out"
    argv = ["release", "0.2.0", "--root", str(atlas), "--site", str(site.outdir)]
    status = main([*argv, "--out", str(out), "--date", "2026-02-03"])
    printed = capsys.readouterr().out
    assert status == 0
    assert "1 added, 2 updated, 1 retracted, 1 removed since 0.1.0 (2026-01-11)" in printed
    made = archive_files(out / "mecfs-atlas-data-0.2.0.zip")
    assert made[f"{FOLDER_2}/CHANGELOG.md"] == history["second"].changelog.read_bytes()
    # The archive's CITATION.cff names the addresses conf.py sets, from the one repository URL.
    citation = yaml.safe_load(made[f"{FOLDER_2}/CITATION.cff"])
    settings = runpy.run_path(str(ROOT / "conf.py"))
    assert citation["repository-code"] == settings["atlas_repository_url"]
    assert citation["url"] == settings["html_baseurl"]
    assert main([*argv, "--out", str(out), "--date", "2026-02-30"]) == 2
    assert "not a date" in capsys.readouterr().err


def test_make_release_needs_a_version():
    result = subprocess.run(
        ["make", "-n", "release"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode != 0
    assert "make release VERSION=x.y.z" in result.stderr
    planned = subprocess.run(
        ["make", "-n", "release", "VERSION=1.2.3"], cwd=ROOT, capture_output=True, text=True
    )
    assert planned.returncode == 0, planned.stderr
    assert "atlas release 1.2.3" in planned.stdout


def whats_new_sections(site: Site) -> dict[str, str]:
    """The What's new page's sections by heading, as text."""
    page = site.html("whats-new")
    return {
        section.find("h2").get_text(): section.get_text(" ", strip=True)
        for section in page.select("section[id^='since'], section[id^='release-']")
    }


def test_whats_new_lists_the_changes_since_the_last_release_and_each_release(history):
    site: Site = history["site"]
    sections = whats_new_sections(site)
    assert list(sections) == ["Since release 0.1.0", "Release 0.1.0 (2026-01-11)"]
    since = sections["Since release 0.1.0"]
    for words in (
        "Added (1)",
        "Epsilon fixture: a new cohort",
        "Updated (2)",
        "(confidence moderate to preliminary; text revised)",
        "Retracted (1)",
        "(retracted 2026-02-01, notice 10.5555/notice.gamma)",
        "Removed (1)",
        "Delta fixture: a mechanistic study",
    ):
        assert words in since
    assert "Added (4)" in sections["Release 0.1.0 (2026-01-11)"]
    page = site.html("whats-new")
    links = {a.get_text(): a["href"] for a in page.select("ul.atlas-whats-new a")}
    assert links["Epsilon fixture: a new cohort"] == "studies/epsilon-2021-fifth-fixture.html"
    assert "Delta fixture: a mechanistic study" not in links  # its page is gone
    download = page.find("a", string="its open data")
    assert download["href"].endswith("/releases/tag/v0.1.0")


def test_whats_new_follows_a_new_release_tag(history):
    site: Site = history["site"]
    git(site.srcdir, "tag", "-a", "v0.2.0", "-m", "Release 0.2.0", date="2026-02-03T10:00:00Z")
    try:
        build = site.build()
        assert "whats-new" in build.written
        sections = whats_new_sections(site)
    finally:
        git(site.srcdir, "tag", "-d", "v0.2.0")
    assert list(sections) == [
        "Since release 0.2.0",
        "Release 0.2.0 (2026-02-03)",
        "Release 0.1.0 (2026-01-11)",
    ]
    assert (
        "No study has been added, updated, retracted or removed" in sections["Since release 0.2.0"]
    )
    assert "Removed (1)" in sections["Release 0.2.0 (2026-02-03)"]
    assert "whats-new" in site.build().written  # the tag is gone again
    assert "whats-new" not in site.build().written  # and nothing changed since


def test_whats_new_without_git_history_says_so(make_site):
    site = make_site()
    assert site.build().warning_lines() == []
    text = site.html("whats-new").get_text(" ", strip=True)
    assert "This copy of the atlas has no git history" in text


@settings(max_examples=200)
@given(st.text())
def test_a_title_stays_one_line_of_markdown_that_shows_as_written(text):
    """CHANGELOG lines and the pull-request summary hold titles as one escaped line."""
    shown = plain(text)
    assert "\n" not in shown and "\r" not in shown
    assert not re.search(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]", shown)
    # Every Markdown character is escaped: taking the escapes away gives the text back.
    unescaped = re.sub(r"\\(.)", r"\1", shown, flags=re.DOTALL)
    assert unescaped == " ".join(re.sub(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]", " ", text).split())
    assert not re.search(r"(?<!\\)(?:\\\\)*[`*_\[\]<>|]", shown)
