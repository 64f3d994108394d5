"""Broken input, one case each: a clear error at file and line, and the rest of the site intact.

tests/test_build_warnings.py already shows every rule of tests/cases.py at its
line in a build (malformed and unknown options, missing and empty sections,
unknown values, bad dates, years in the future, DOI and PMID forms, no block,
two blocks, a duplicate DOI). Those pages are built here too, next to the cases
below, so the last tests can show that none of them costs another page its place.
Each case below is also checked with the shared model, as ``atlas check`` reads
it, so the command and the build agree.
"""

from __future__ import annotations

import codecs
import datetime
import re
from dataclasses import dataclass

import pytest
from atlas.model.page import MAX_PAGE_BYTES, check_file, decode_page
from atlas.model.vocabulary import load_vocabulary
from cases import BASE, CASES
from conftest import FIXTURE_NAMES, SOURCE, fixture_study, new_site
from sitescan import broken_internal_links, expected_listings, lost_or_doubled

VOCABULARY = load_vocabulary(SOURCE / "vocabulary.yaml")
TODAY = datetime.date.today()


def other_paper(text: str, number: int) -> str:
    """The same page about another paper, so duplicate rules stay out of the way."""
    return text.replace("fixture.alpha", f"fixture.bad{number}").replace(
        "90000001", f"9700{number:04d}"
    )


@dataclass(frozen=True)
class Bad:
    name: str
    content: str | bytes
    code: str
    line: int
    #: Words the message must hold.
    says: str

    @property
    def data(self) -> bytes:
        return self.content if isinstance(self.content, bytes) else self.content.encode()


def line_of(text: str, start: str) -> int:
    return next(n for n, line in enumerate(text.split("\n"), 1) if line.startswith(start))


YEAR, DOI, PMID, EVIDENCE = (
    line_of(BASE, f":{name}:") for name in ("year", "doi", "pmid", "evidence")
)


def replaced(old: str, new: str, number: int) -> str:
    assert old in BASE
    return other_paper(BASE.replace(old, new, 1), number)


TAGS_WITH_PATHS = ":tags: ../../etc/passwd, a/b, two words, ümlaut, /abs, symptom-fatigue"
LONG_BLANK_HEADING = "## Quick summary" + " " * 45_000 + "x"
NOT_UTF8 = other_paper(BASE, 20).encode().replace(b"short on purpose", b"short \xff purpose")
LATIN_1 = other_paper(BASE, 21).replace("Alpha, Anna B", "V\u00f8llestad, Anna").encode("latin-1")
CRLF_BOM = codecs.BOM_UTF8 + replaced(":evidence: E1", ":evidence: E9", 22).replace(
    "\n", "\r\n"
).encode("utf-8")
FORM_FEED = replaced(":title: Alpha fixture", ":title: Alpha\x0cfixture", 23).replace(
    ":evidence: E1", ":evidence: E9"
)

BAD = [
    Bad("empty-file", "", "ATLAS001", 1, "no {study} block"),
    Bad("blank-lines-only", "\n \n\t\n", "ATLAS001", 1, "no {study} block"),
    Bad(
        "directive-with-an-argument",
        replaced("```{study}", "```{study} alpha", 1),
        "ATLAS001",
        1,
        "no {study} block",
    ),
    Bad(
        "colon-fence",
        replaced("```{study}", ":::{study}", 2).rstrip().removesuffix("```") + ":::\n",
        "ATLAS001",
        1,
        "no {study} block",
    ),
    Bad(
        "option-without-space", replaced(":year: 2020", ":year:2020", 3), "ATLAS003", YEAR, ":name:"
    ),
    Bad(
        "option-with-space-before-name",
        replaced(":pmid:", ": pmid:", 4),
        "ATLAS003",
        PMID,
        ":name:",
    ),
    Bad(
        "option-name-with-space",
        replaced(":peer-review:", ":peer review:", 5),
        "ATLAS003",
        line_of(BASE, ":peer-review:"),
        "",
    ),
    Bad(
        "same-pmid-as-beta",
        replaced(":pmid: 90000001", ":pmid: 90000002", 6).replace("9700", "9800"),
        "ATLAS060",
        1,
        "PMID 90000002 is already in the atlas at studies/beta-2018-second-fixture",
    ),
    Bad(
        "tags-with-path-characters",
        replaced(":tags: symptom-fatigue, method-flag-small-sample", TAGS_WITH_PATHS, 7),
        "ATLAS021",
        line_of(BASE, ":tags:"),
        "Unknown tag '../../etc/passwd'",
    ),
    Bad(
        "doi-short-prefix", replaced("10.5555/fixture.alpha", "10.12/x", 8), "ATLAS030", DOI, "DOI"
    ),
    Bad("doi-with-space", replaced("fixture.alpha", "fixture alpha", 9), "ATLAS030", DOI, "DOI"),
    Bad("pmid-leading-zero", replaced("90000001", "0123", 10), "ATLAS031", PMID, "digits only"),
    Bad("pmid-too-long", replaced("90000001", "1234567890", 11), "ATLAS031", PMID, "digits only"),
    Bad(
        "month-thirteen",
        replaced("2026-03-01", "2026-13-01", 12),
        "ATLAS033",
        line_of(BASE, ":updated:"),
        "YYYY-MM-DD",
    ),
    Bad("year-next-century", replaced(":year: 2020", ":year: 2100", 13), "ATLAS032", YEAR, "four"),
    Bad("not-utf-8", NOT_UTF8, "ATLAS079", 20, "0xff at column 59"),
    Bad("latin-1", LATIN_1, "ATLAS079", 3, "not UTF-8 text"),
    Bad(
        "five-megabytes",
        other_paper(BASE, 24).replace("short on purpose.", "a long page. " * 400_000),
        "ATLAS077",
        1,
        f"at most {MAX_PAGE_BYTES:,}",
    ),
    Bad(
        "long-blank-run-under-the-limit",
        replaced("## Quick summary", LONG_BLANK_HEADING, 25),
        "ATLAS052",
        line_of(BASE, "## Quick summary"),
        "Unknown section heading",
    ),
    Bad("bom-and-crlf", CRLF_BOM, "ATLAS020", EVIDENCE, "Unknown value 'E9'"),
    Bad("form-feed-in-an-option", FORM_FEED, "ATLAS020", EVIDENCE, "Unknown value 'E9'"),
]
#: The build and the shared model both refuse these before reading the block.
REFUSED = {"not-utf-8", "latin-1", "five-megabytes"}


def test_the_cases_point_where_they_say():
    """The expected lines above are written by hand; the texts must agree with them."""
    assert BAD[4].data.decode().split("\n")[YEAR - 1] == ":year:2020"
    assert NOT_UTF8.split(b"\n")[19].index(b"\xff") == 58
    assert len(BAD[17].data) > 5_000_000
    assert MAX_PAGE_BYTES - 5_000 < len(BAD[18].data) <= MAX_PAGE_BYTES


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    studies = {name: fixture_study(name) for name in FIXTURE_NAMES}
    # The rule cases of tests/cases.py, each its own paper (their lines are tested elsewhere).
    for number, case in enumerate(CASES):
        studies[f"case-{case.name}"] = other_paper(case.text, 100 + number)
    site = new_site(tmp_path_factory.mktemp("hostile-input"), studies)
    for bad in BAD:
        (site.srcdir / "studies" / f"{bad.name}.md").write_bytes(bad.data)
    return site, site.build()


def reported(site, build, bad: Bad) -> list[str]:
    """The build's messages for this case's rule at its file and line."""
    prefix = f"{site.srcdir / 'studies' / bad.name}.md:{bad.line}: WARNING: {bad.code} "
    return [line.removeprefix(prefix) for line in build.warning_lines() if line.startswith(prefix)]


@pytest.mark.parametrize("bad", BAD, ids=lambda bad: bad.name)
def test_each_case_is_reported_at_its_file_and_line(built, bad):
    site, build = built
    messages = reported(site, build, bad)
    assert messages, [line for line in build.warning_lines() if bad.name in line]
    assert any(bad.says in message for message in messages), messages


@pytest.mark.parametrize("bad", BAD, ids=lambda bad: bad.name)
def test_atlas_check_reports_the_same(bad):
    path = SOURCE / "studies" / f"{bad.name}.md"
    text, problem = decode_page(bad.data)
    problems = [problem] if problem else check_file(path, text, VOCABULARY, "x", TODAY).problems
    if bad.code == "ATLAS060":  # a rule across pages: atlas check adds it from the atlas-wide index
        return
    assert (bad.code, bad.line) in {(p.rule.code, p.line) for p in problems}, problems


def test_refused_pages_are_left_out_and_the_rest_is_built(built):
    site, _ = built
    for bad in BAD:
        page = site.outdir / "studies" / f"{bad.name}.html"
        assert page.exists() == (bad.name not in REFUSED), bad.name
    for name in FIXTURE_NAMES:
        assert (site.outdir / "studies" / f"{name}.html").exists()


def test_every_other_study_keeps_its_place_on_its_level_and_tag_pages(built):
    site, _ = built
    listings = expected_listings(site.srcdir, TODAY)
    fixtures = [
        listing for listing in listings if listing.docname.removeprefix("studies/") in FIXTURE_NAMES
    ]
    assert len(fixtures) == 4 and all(listing.evidence and listing.tags for listing in fixtures)
    levels = [level.key for level in VOCABULARY.evidence_levels]
    tags = [tag.key for tag in VOCABULARY.tags]
    assert lost_or_doubled(site.outdir, listings, levels, tags) == []


def test_no_link_on_the_site_points_at_a_refused_page(built):
    site, _ = built
    assert broken_internal_links(site.outdir) == []


def test_tags_never_become_paths(built):
    """Tag pages come from the vocabulary alone; a tag in a study names no file."""
    site, _ = built
    written = {path.name for path in (site.outdir / "tags").iterdir()}
    # Each tag's page, and at a renamed tag's old address the page that leads to the new one.
    old_addresses = {f"{old.key}.html" for old in VOCABULARY.renamed_tags}
    assert written == {f"{tag.key}.html" for tag in VOCABULARY.tags} | old_addresses
    for root in (site.srcdir.parent,):
        assert [p for p in root.rglob("*") if re.search(r"passwd|ümlaut|two words", p.name)] == []


def test_a_page_that_becomes_unreadable_leaves_the_indexes_and_comes_back(tmp_path):
    """Incremental builds agree with clean ones: a page broken later is not listed from memory."""
    site = new_site(tmp_path, ["alpha-2020-first-fixture", "beta-2018-second-fixture"])
    site.build()
    rows = "table.atlas-study-table a"
    assert [a.get_text() for a in site.html("evidence/e1").select(rows)] == [
        "Alpha fixture: a randomised trial"
    ]
    alpha = site.srcdir / "studies" / "alpha-2020-first-fixture.md"
    good = alpha.read_bytes()
    alpha.write_bytes(good.replace(b"short on purpose", b"short \xff purpose"))
    broken = site.build()
    assert any(
        "alpha-2020-first-fixture.md:20: WARNING: ATLAS079" in line
        for line in broken.warning_lines()
    )
    assert site.html("evidence/e1").select(rows) == []
    assert [a.get_text() for a in site.html("evidence/e3").select(rows)] == [
        "Beta fixture: an observational cohort"
    ]
    alpha.write_bytes(good)
    fixed = site.build()
    assert fixed.warning_lines() == []
    assert len(site.html("evidence/e1").select(rows)) == 1


def test_atlas_check_reports_unreadable_and_huge_pages_and_checks_the_rest(
    tmp_path, monkeypatch, capsys
):
    """It used to stop at the first non-UTF-8 file, without a line, checking nothing else."""
    from atlas.cli import main
    from test_cli_check import make_project

    project = make_project(tmp_path / "atlas")
    monkeypatch.chdir(project)
    studies = project / "source" / "studies"
    (studies / "aaa-not-utf-8.md").write_bytes(NOT_UTF8)
    (studies / "aab-five-megabytes.md").write_bytes(BAD[17].data)
    (studies / "zzz-bad-level.md").write_text(replaced(":evidence: E1", ":evidence: E9", 30))
    status = main(["check", "--fix"])
    lines = capsys.readouterr().out.splitlines()
    assert status == 1
    assert any(line.startswith("source/studies/aaa-not-utf-8.md:20:59 ATLAS079 ") for line in lines)
    assert any(
        line.startswith("source/studies/aab-five-megabytes.md:1:1 ATLAS077 ") for line in lines
    )
    assert any(
        line.startswith(f"source/studies/zzz-bad-level.md:{EVIDENCE}:1 ATLAS020 ") for line in lines
    )
    assert (studies / "aaa-not-utf-8.md").read_bytes() == NOT_UTF8  # --fix leaves it alone
