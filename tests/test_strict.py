"""Strict means strict (issue 15, requirement 5): every problem, on every build, in both tools.

Sphinx reads again only the pages that changed, so a warning found on a page
would be printed by the build that read it and by no build after. The atlas
keeps each page's problems with the page and reports them again on every build
that does not read it, so an incremental build reports what a build from
nothing reports, and ``atlas check`` reports the same at the same lines. The
last tests run the build front end as ``make html`` and ``make strict`` do.
"""

from __future__ import annotations

import datetime
import os
import re
from collections import Counter
from pathlib import Path

import pytest
from atlas import sitebuild
from atlas.model.rules import Rule, Severity
from atlas.sphinx import problems, study
from cases import BASE, CASES
from conftest import FIXTURE_NAMES, Build, Site, fixture_study, new_site
from test_source_kinds import FINDING_IN_BUILD, STUDIES_BUILT, check_findings, check_project

#: (path below source/, line, rule code)
Finding = tuple[str, int, str]


def paper(text: str, number: int) -> str:
    """The page as a paper of its own (new DOI and PMID), so it is no duplicate by accident."""
    return text.replace("fixture.alpha", f"fixture.strict{number}").replace(
        "90000001", f"9500{number:04d}"
    )


BETA = fixture_study("beta-2018-second-fixture")
BETA_TITLE = "Beta fixture: an observational cohort"

#: Rules that need more than one page, each on a page of its own.
ATLAS_WIDE = {
    # The DOI of the alpha fixture on a second page (ATLAS060).
    "alpha-2020-same-doi": BASE.replace("90000001", "95009999"),
    # One name with alpha-2020-first-fixture once hyphens are set aside (ATLAS089).
    "alpha-2020-firstfixture": paper(BASE, 900),
    # A title that differs from beta's only by a full stop (ATLAS076, at the title line).
    "beta-2018-similar-title": BETA.replace("fixture.beta", "fixture.similar")
    .replace("90000002", "95000901")
    .replace(f":title: {BETA_TITLE}", f":title: {BETA_TITLE}."),
    # A lineage link to a page the atlas does not have (ATLAS080).
    "alpha-2020-broken-link": paper(BASE, 902).replace(
        ":tags:", ":replicates: nobody-2019-missing-page\n:tags:"
    ),
    "no-block": "# Notes\n\nA page in studies/ without a study.\n",
    "two-blocks": paper(BASE, 903) + "\n" + paper(BASE, 904),
}
#: Every rule of tests/cases.py on a page of its own.
PAGES = {f"case-{case.name}": paper(case.text, 100 + n) for n, case in enumerate(CASES)}
PAGES |= ATLAS_WIDE
#: An untrusted guide page with raw HTML (ATLAS093), kept with the page like a study's problems.
GUIDE = ("notes.md", "# Notes\n\nSome words.\n\n<div>Raw HTML</div>\n")


def plant(source: Path) -> None:
    for name, text in PAGES.items():
        (source / "studies" / f"{name}.md").write_text(text, encoding="utf-8")
    (source / GUIDE[0]).write_text(GUIDE[1], encoding="utf-8")


def findings(site: Site, build: Build) -> Counter[Finding]:
    """Every rule the build reported (errors and advice), as often as it reported it."""
    found: Counter[Finding] = Counter()
    plain = re.sub(r"\x1b\[[0-9;]*m", "", build.warnings + build.status)
    for line in plain.splitlines():
        if match := FINDING_IN_BUILD.match(line):
            relative = Path(os.path.relpath(match["path"], site.srcdir)).as_posix()
            found[(relative, int(match["line"]), match["code"])] += 1
    return found


@pytest.fixture(scope="module")
def atlas(tmp_path_factory: pytest.TempPathFactory):
    """One atlas, checked by ``atlas check`` and built three times in a row."""
    tmp = tmp_path_factory.mktemp("strict")
    root = check_project(tmp / "check")
    plant(root / "source")
    site = new_site(tmp / "site", STUDIES_BUILT)
    plant(site.srcdir)
    first = site.build(parallel=2)
    unchanged = site.build()
    # One broken page is read again (its text changed, its problems did not): it must
    # be reported once, by the reading, not a second time from what was kept.
    again = site.srcdir / "studies" / "case-unknown-level.md"
    again.write_text(again.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    one_read = site.build(parallel=2)  # read in a forked reader, merged back
    return root, site, [first, unchanged, one_read]


def check(root: Path, capsys: pytest.CaptureFixture[str]) -> set[Finding]:
    cwd = os.getcwd()
    os.chdir(root)
    try:
        _, _, found = check_findings(root, capsys)
    finally:
        os.chdir(cwd)
    return set(found)


def test_the_planted_pages_break_every_rule_they_are_meant_to(atlas, capsys):
    """The comparisons below mean something only if the rules fire where expected."""
    root, _, _ = atlas
    found = check(root, capsys)
    expected = {(f"studies/case-{case.name}.md", case.line, case.code) for case in CASES}
    title_line = next(
        n for n, line in enumerate(BETA.splitlines(), 1) if line.startswith(":title:")
    )
    expected |= {
        ("studies/alpha-2020-same-doi.md", 1, "ATLAS060"),
        ("studies/alpha-2020-firstfixture.md", 1, "ATLAS089"),
        ("studies/beta-2018-similar-title.md", title_line, "ATLAS076"),
        ("studies/no-block.md", 1, "ATLAS001"),
        ("studies/two-blocks.md", BASE.count("\n") + 2, "ATLAS002"),
        ("notes.md", 5, "ATLAS093"),
    }
    assert expected <= found, sorted(expected - found)
    assert any(path == "studies/alpha-2020-broken-link.md" and code == "ATLAS080"
               for path, _, code in found)  # fmt: skip


@pytest.mark.parametrize("build", [0, 1, 2], ids=["first", "nothing-changed", "one-page-read"])
def test_every_build_reports_what_atlas_check_reports_at_the_same_lines(atlas, capsys, build):
    root, site, builds = atlas
    in_check = check(root, capsys)
    in_build = set(findings(site, builds[build]))
    assert in_build == in_check, (sorted(in_check - in_build), sorted(in_build - in_check))


@pytest.mark.parametrize("build", [1, 2], ids=["nothing-changed", "one-page-read"])
def test_a_later_build_reports_each_problem_as_often_as_the_first(atlas, build):
    """Nothing lost, nothing doubled: kept problems of a page read again are not added."""
    _, site, builds = atlas
    assert findings(site, builds[build]) == findings(site, builds[0])


def test_errors_stay_warnings_and_advice_stays_advice_when_reported_again(atlas):
    _, site, builds = atlas
    plain = re.sub(r"\x1b\[[0-9;]*m", "", builds[1].warnings)
    for (path, line, code), _ in findings(site, builds[1]).items():
        rule = next(rule for rule in Rule if rule.code == code)
        as_warning = f"{site.srcdir / path}:{line}: WARNING: {code} "
        assert (as_warning in plain) is (rule.severity is Severity.ERROR), (path, code)
        if rule.severity is Severity.ERROR:
            assert re.search(re.escape(as_warning) + rf".*\[atlas\.{code}\]$", plain, re.M)


# -- pages that change between builds -------------------------------------------------


def broken_alpha() -> str:
    return fixture_study("alpha-2020-first-fixture").replace(":evidence: E1", ":evidence: E7")


def reported(site: Site, build: Build, name: str) -> list[str]:
    return [line for line in build.warning_lines() if f"/studies/{name}.md:" in line]


def test_a_fixed_page_is_reported_no_more(make_site):
    site = make_site()
    site.write_study("alpha-2020-first-fixture", broken_alpha())
    assert reported(site, site.build(), "alpha-2020-first-fixture")
    assert reported(site, site.build(), "alpha-2020-first-fixture")
    site.write_study("alpha-2020-first-fixture", fixture_study("alpha-2020-first-fixture"))
    assert site.build().warning_lines() == []
    assert site.build().warning_lines() == []


def test_a_deleted_page_is_reported_no_more(make_site):
    site = make_site()
    site.write_study("alpha-2020-first-fixture", broken_alpha())
    site.build()
    site.remove_study("alpha-2020-first-fixture")
    assert site.build().warning_lines() == []
    assert site.build().warning_lines() == []


def test_a_renamed_page_is_reported_under_its_new_name_only(make_site):
    site = make_site()
    site.write_study("alpha-2020-first-fixture", broken_alpha())
    site.build()
    site.remove_study("alpha-2020-first-fixture")
    site.write_study("alpha-2020-renamed-fixture", broken_alpha())
    for build in (site.build(), site.build()):
        assert reported(site, build, "alpha-2020-first-fixture") == []
        assert len(reported(site, build, "alpha-2020-renamed-fixture")) == 1


def test_a_problem_found_by_comparing_pages_follows_the_other_page(make_site):
    """A duplicate is reported on every build while both pages stay, and not after."""
    site = make_site()
    site.write_study("alpha-2020-same-doi", BASE.replace("90000001", "95009999"))
    for _ in range(2):
        assert len(reported(site, site.build(), "alpha-2020-same-doi")) == 1
    site.remove_study("alpha-2020-first-fixture")
    assert site.build().warning_lines() == []


def changed_count(build: Build) -> int:
    """How many pages the build read again because they changed (Sphinx's own count)."""
    plain = re.sub(r"\x1b\[[0-9;]*m", "", build.status)
    match = re.search(r"(\d+) added, (\d+) changed, (\d+) removed", plain)
    assert match, plain
    return int(match[2])


def test_new_rules_read_every_page_again(make_site, monkeypatch):
    """Kept problems are what the rules found: when their code changes, nothing kept is
    trusted, and every page is read (and reported) again."""
    site = make_site()
    site.write_study("alpha-2020-first-fixture", broken_alpha())
    site.build()
    assert changed_count(site.build()) == 0
    monkeypatch.setattr(problems, "rules_digest", lambda: "the rules have changed")
    build = site.build()
    assert changed_count(build) >= len(FIXTURE_NAMES)
    assert len(reported(site, build, "alpha-2020-first-fixture")) == 1
    assert changed_count(site.build()) == 0


def test_on_a_new_day_pages_with_problems_are_checked_again(make_site, monkeypatch):
    """A date in the future is a problem until the day comes; the kept one then goes."""
    site = make_site()
    later = fixture_study("alpha-2020-first-fixture").replace(
        ":updated: 2026-03-01", ":updated: 2099-03-01"
    )
    site.write_study("alpha-2020-first-fixture", later)
    assert "ATLAS086" in site.build().status
    assert "ATLAS086" in site.build().status
    for module in (problems, study):  # the day the build keeps, and the one its rules use
        monkeypatch.setattr(module, "today", lambda: datetime.date(2100, 1, 1))
    build = site.build()
    assert changed_count(build) == 1  # only the page with a problem is read again
    assert "ATLAS086" not in build.status


# -- the build front end: make html, then make strict ---------------------------------

STRICT = ("-W", "--keep-going")


def front_end(site: Site, capsys: pytest.CaptureFixture[str], *options: str) -> tuple[int, str]:
    """``make html`` (no options) or ``make strict`` on the test site: status and output."""
    argv = ["-c", str(site.srcdir), "-j", "1", str(site.srcdir), str(site.builddir)]
    status = sitebuild.main([*argv, "--", "-q", *options])
    captured = capsys.readouterr()
    return status, captured.out + captured.err


def test_make_strict_fails_after_make_html_until_the_page_is_fixed(make_site, capsys):
    """CI builds from nothing and a local ``make strict`` builds on ``make html``: both fail."""
    site = make_site()
    site.write_study("alpha-2020-first-fixture", broken_alpha())
    level_line = broken_alpha().splitlines().index(":evidence: E7") + 1
    located = f"alpha-2020-first-fixture.md:{level_line}: WARNING: ATLAS020 "

    status, output = front_end(site, capsys)
    assert status == 0 and located in output
    status, output = front_end(site, capsys)
    assert status == 0 and SKIPPED in output and located in output  # skipped, still said
    for _ in range(2):  # make strict, then make strict again with nothing changed
        status, output = front_end(site, capsys, *STRICT)
        assert status == 1 and located in output
        assert SKIPPED not in output

    site.write_study("alpha-2020-first-fixture", fixture_study("alpha-2020-first-fixture"))
    status, output = front_end(site, capsys, *STRICT)
    assert status == 0 and "WARNING" not in output
    status, output = front_end(site, capsys, *STRICT)
    assert status == 0 and SKIPPED in output


def test_any_warning_of_an_unchanged_page_fails_make_strict(make_site, capsys):
    """A warning that is no atlas rule (here an unknown index on a guide page) is printed
    only while Sphinx reads the page; the front end has the page read again."""
    site = make_site()
    (site.srcdir / "notes.md").write_text(NOTES, encoding="utf-8")
    located = "notes.md:6: WARNING: Unknown index 'nonsense'"

    status, output = front_end(site, capsys)
    assert status == 0 and located in output
    status, output = front_end(site, capsys, *STRICT)
    assert status == 1 and located in output

    (site.srcdir / "notes.md").write_text(NOTES.replace("nonsense", "levels"), "utf-8")
    assert front_end(site, capsys, *STRICT)[0] == 0


NOTES = "---\norphan: true\n---\n# Notes\n\n```{atlas-index} nonsense\n```\n"
SKIPPED = "Nothing changed since the last build"


def test_only_pages_with_warnings_sphinx_alone_prints_are_read_again(tmp_path):
    source = tmp_path / "source"
    (source / "studies").mkdir(parents=True)
    for name in ("notes.md", "studies/a.md", "studies/b.md"):
        (source / name).write_text("x", encoding="utf-8")
    warnings = (
        f"{source}/notes.md:6: WARNING: Unknown index 'nonsense'. [atlas.index]\n"
        f"{source}/studies/a.md:9: WARNING: ATLAS020 Unknown value 'E7'. [atlas.ATLAS020]\n"
        f"{source}/studies/b.md: WARNING: a message\n  that goes on [docutils]\n"
        f"{source}/gone.md:1: WARNING: a page deleted since\n"
        f"{tmp_path}/conf.py:1: WARNING: outside the source folder\n"
        "WARNING: no location at all\n"
    )
    assert sitebuild.warned_pages(warnings, source) == {
        source / "notes.md",
        source / "studies" / "b.md",
    }
