"""No input crashes either tool: odd and over-long file names, colliding names, control characters.

Every case below goes through ``atlas check`` and a build of the same pages,
and both must report the same problems at the same lines (see
``tests/test_identifiers.py`` for the helpers). A page whose name cannot be an
address is left out of the site in both tools; a collision or a control
character is an error on a page that is still built; no case costs another
page, an index, an export or the search its place.
"""

from __future__ import annotations

import csv
import json
import os
import string

import bibtexparser
import pytest
from atlas.model.slug import MAX_NAME_LENGTH, page_name, page_name_problems
from atlas.model.vocabulary import load_vocabulary
from cases import BASE
from conftest import SOURCE, fixture_study, new_site
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator
from test_identifiers import Finding, both_tools, check_findings, check_project, run_check

VOCABULARY = load_vocabulary(SOURCE / "vocabulary.yaml")
FIXTURES = ["alpha-2020-first-fixture", "beta-2018-second-fixture"]


def paper(number: int, text: str = BASE) -> str:
    """A page about a paper of its own: its own DOI, PMID and title."""
    return (
        text.replace("fixture.alpha", f"fixture.n{number}")
        .replace("90000001", f"9600{number:04d}")
        .replace("Alpha fixture: a randomised trial", f"Paper {number} on resting heart rate")
    )


def listed(folder, file_name: str) -> bool:
    """Whether the folder holds this file; ``Path.exists`` raises for names too long to exist."""
    return folder.is_dir() and file_name in {path.name for path in folder.iterdir()}


def line_of(text: str, start: str) -> int:
    return next(n for n, line in enumerate(text.split("\n"), 1) if line.startswith(start))


#: File names the site cannot use, each left out with ATLAS088 at line 1.
ODD_NAMES = [
    "..md",
    ".md",
    " x.md",
    "alpha 2020 spaces.md",
    "Alpha-2020-first-fixture.md",  # a case-only twin of a fixture
    "alpha-2020-caf\u00e9.md",  # composed
    "alpha-2020-cafe\u0301.md",  # decomposed, as macOS stores it
    "%41lpha-2020.md",
    "alpha-2020-a#b.md",
    "alpha-2020-a?b.md",
    "alpha-2020.x.md",
    "tab\tname.md",
    "con.md",
    "alpha-2020-" + "x" * (MAX_NAME_LENGTH - 10) + ".md",  # one character too long
    "alpha-2020-" + "x" * 240 + ".md",  # 251 characters: the doctree's name would not fit
]
#: Names that become one name without hyphens (citation keys, readers): later ones are errors.
COLLIDING = ["alpha-2020-red-team", "alpha-2020-redteam", "alpha-2020-re-dteam"]
#: (character, where it is put) for control characters, each reported at its line and column.
TITLE = ":title:"
CONTROL = {
    "bell-in-title": ("\x07", TITLE),
    "escape-in-summary": ("\x1b", "A fixture study used by the test suite."),
    "nul-in-summary": ("\x00", "A fixture study used by the test suite."),
    "form-feed-in-journal": ("\x0c", ":journal: Journal of Test Fixtures"),
    "delete-in-authors": ("\x7f", ":authors: Alpha, Anna B"),
    "c1-next-line-in-title": ("\x85", TITLE),
    "c1-in-a-finding": ("\x9b", "- The first finding"),
    "override-in-title": ("\u202e", TITLE),
    "isolate-in-a-question": ("\u2066", "- A question left open"),
    "unit-separator-in-doi": ("\x1f", ":doi:"),
}
#: Characters that stay allowed: tab, and the plain direction marks mixed text may need.
ALLOWED = {"tab-in-summary": "\t", "right-to-left-mark-in-title": "\u200f"}


def with_character(character: str, start: str, number: int) -> tuple[str, int, int]:
    """The page with the character at the end of the line that starts with ``start``."""
    text = paper(number)
    line = line_of(text, start)
    lines = text.split("\n")
    column = len(lines[line - 1]) + 1
    lines[line - 1] += character + " end"
    return "\n".join(lines), line, column


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    pages = {name: fixture_study(name) for name in FIXTURES}
    for number, name in enumerate(COLLIDING):
        pages[name] = paper(100 + number)
    for number, (key, (character, start)) in enumerate(CONTROL.items()):
        pages[f"alpha-2020-{key}"] = with_character(character, start, 200 + number)[0]
    for number, (key, character) in enumerate(ALLOWED.items()):
        pages[f"alpha-2020-{key}"] = with_character(character, TITLE, 300 + number)[0]
    site = new_site(tmp_path_factory.mktemp("names"), pages)
    for number, name in enumerate(ODD_NAMES):
        (site.srcdir / "studies" / name).write_text(paper(400 + number), "utf-8")
    checked, found, build = both_tools(site)
    return site, checked, found, build


def test_check_and_build_report_the_same_findings(built):
    _, checked, found, _ = built
    assert checked == found


@pytest.mark.parametrize("name", ODD_NAMES, ids=lambda name: repr(name[:24]))
def test_an_unusable_name_is_an_error_and_the_page_is_left_out(built, name):
    site, checked, _, _ = built
    page, expected = page_name(name), Finding.of(name, "1", "ATLAS088")
    assert {f for f in checked if f.page == expected.page} == {expected}
    assert not listed(site.outdir / "studies", f"{page}.html")
    assert not listed(site.builddir / "doctrees" / "studies", f"{page}.doctree")
    exported = json.loads((site.outdir / "studies.json").read_bytes())["studies"]
    assert f"studies/{page}" not in {record["id"] for record in exported}


def test_the_message_suggests_a_usable_name():
    (problem,) = page_name_problems("Alpha 2020 Café#1")
    assert "for example to 'alpha-2020-cafe-1.md'" in problem.message
    (problem,) = page_name_problems("x" * 251)
    assert "251 characters long; at most 100" in problem.message
    assert len(problem.message) < 400


def test_colliding_names_are_errors_on_the_later_pages_and_all_are_built(built):
    site, checked, _, _ = built
    collisions = {f for f in checked if f.code == "ATLAS089"}
    assert collisions == {Finding(name, 1, "ATLAS089") for name in sorted(COLLIDING)[1:]}
    library = bibtexparser.parse_string((site.outdir / "atlas.bib").read_text("utf-8"))
    assert library.failed_blocks == []
    keys = [entry.key for entry in library.entries]
    assert len(keys) == len(set(keys))
    exported = {r["id"] for r in json.loads((site.outdir / "studies.json").read_bytes())["studies"]}
    for name in COLLIDING:
        assert (site.outdir / "studies" / f"{name}.html").exists()
        assert f"studies/{name}" in exported


@pytest.mark.parametrize("key", CONTROL)
def test_a_control_character_is_reported_at_its_line_and_column(built, key):
    site, checked, found, _ = built
    character, start = CONTROL[key]
    _, line, column = with_character(character, start, 200 + list(CONTROL).index(key))
    page = f"alpha-2020-{key}"
    assert Finding(page, line, "ATLAS087") in checked
    assert Finding(page, line, "ATLAS087") in found
    root = site.srcdir.parent / "check"  # the atlas folder both_tools checked
    _, output = run_check(root, str(root / "source" / "studies" / f"{page}.md"))
    assert f"{page}.md:{line}:{column} ATLAS087 Column {column} holds " in output
    assert f"U+{ord(character):04X}" in output
    assert (site.outdir / "studies" / f"{page}.html").exists()  # reported, and still built


@pytest.mark.parametrize("key", ALLOWED)
def test_tab_and_plain_direction_marks_are_allowed(built, key):
    _, checked, _, _ = built
    # The numbered titles of these test pages look alike, which is advice (ATLAS076) of its own.
    page = f"alpha-2020-{key}"
    assert {f for f in checked if f.page == page and f.code != "ATLAS076"} == set()


def test_nothing_is_lost_and_every_export_is_valid(built):
    site, _, _, build = built
    assert build.warning_lines()  # the cases above are reported ...
    for name in FIXTURES:  # ... and cost no other page its place
        assert (site.outdir / "studies" / f"{name}.html").exists()
    for export in ("studies.json", "studies.csv", "atlas.bib", "atom.xml", "browse.json"):
        assert (site.outdir / export).stat().st_size > 0, export
    data = json.loads((site.outdir / "studies.json").read_bytes())
    Draft202012Validator(json.loads((site.outdir / "studies.schema.json").read_bytes())).validate(
        data
    )
    rows = site.html("evidence/e1").select("table.atlas-study-table a")
    assert "Alpha fixture: a randomised trial" in [a.get_text() for a in rows]


@pytest.mark.parametrize("year", ["9" * 5000, "\u00b2\u2070\u00b2\u2070", "\u2160\u2161"])
def test_a_year_int_cannot_read_is_an_error_not_a_crash(year: str):
    from test_rules import check

    study, problems = check(BASE.replace(":year: 2020", f":year: {year}"))
    assert [(p.rule.code, p.line) for p in problems] == [("ATLAS032", line_of(BASE, ":year:"))]
    assert study.year is None


def test_atlas_check_on_a_dot_dot_md_page_reports_it(tmp_path):
    """``source/studies/..md`` made atlas check stop with a traceback."""
    site = new_site(tmp_path, FIXTURES)
    (site.srcdir / "studies" / "..md").write_text(BASE, "utf-8")
    root = check_project(site)
    status, output = run_check(root)
    assert status == 1
    assert output.startswith(f"{root}/source/studies/..md:1:1 ATLAS088 ")
    assert check_findings(root) == {Finding(".", 1, "ATLAS088")}


def test_names_sphinx_never_reads_are_reported_too(tmp_path):
    """Sphinx makes no document of a name with a line break, or of one stored decomposed
    (it looks for the composed name and calls the file unreadable); both are still errors."""
    site = new_site(tmp_path, FIXTURES)
    odd = ["alpha-2020-cafe\u0301.md", "new\nline.md"]
    for number, name in enumerate(odd):
        (site.srcdir / "studies" / name).write_text(paper(600 + number), "utf-8")
    build = site.build()
    status, output = run_check(check_project(site), "--format", "github")
    for name in odd:
        message = f"ATLAS088 The file name {name!r} cannot be a page address"
        assert message in build.warnings
        escaped = name.replace("\n", "%0A")
        assert f"file={site.srcdir.parent}/check/source/studies/{escaped},line=1," in output
    assert status == 1
    for name in FIXTURES:
        assert (site.outdir / "studies" / f"{name}.html").exists()


# -- any file name, any value ---------------------------------------------------------

#: Characters file names and field values are drawn from: ordinary ones, and the odd
#: ones above (other scripts' digits, invisible and control characters, URL syntax).
ODD_CHARACTERS = [
    *"²⁰¹٢٠٣２０ⅫⅡ\u200b\u200d\ufeff\u00ad\u202e\u2066\u200f\x00\x07\x0c\x1b\x7f\x85\x9f",
    *"%#?&=+;:,.()[]{}<>'\"\\|*~`$@! \t-_\u2028",
    "\u00e9",
    "\u0301",
]
NAME_CHARACTERS = st.sampled_from([*string.ascii_letters, *string.digits, *ODD_CHARACTERS])
#: Random names, kept to what Linux can store (no '/', no NUL, at most 255 bytes), without
#: a newline (Sphinx does not find such a file at all) and not a fixture's name.
FILE_NAMES = st.one_of(
    st.sampled_from([*ODD_NAMES, "alpha-2020-red-team.md", "alpha-2020-redteam.md"]),
    st.text(NAME_CHARACTERS, max_size=40).map(lambda name: f"{name}.md"),
    st.integers(90, 250).map(lambda length: "alpha-2020-" + "y" * (length - 11) + ".md"),
).filter(
    lambda name: (
        "/" not in name
        and "\x00" not in name
        and "\n" not in name
        and len(os.fsencode(name)) <= 255
        and page_name(name) not in FIXTURES
    )
)
VALUE_PARTS = st.one_of(
    st.sampled_from(
        [
            "2020",
            "²⁰²⁰",
            "٢٠٢٠",
            "\uff12\uff10\uff12\uff10",
            "2099-01-01",
            "2019-12-31",
            "1899",
            "10.5555/x.",
            "https://doi.org/10.5555/fixture.alpha",
            "PMID: 90000001",
            "\u200b",
            "-",
            "--",
            "9" * 5000,
        ]
    ),
    st.text(NAME_CHARACTERS, max_size=12),
)
VALUES = st.lists(VALUE_PARTS, min_size=1, max_size=3).map("".join)
FIELDS = ["title", "authors", "journal", "year", "doi", "pmid", "updated", "retracted", "evidence"]


@st.composite
def pages(draw) -> dict[str, str]:
    """One to three study files with random names, each with some fields given random values."""
    result = {}
    for number, name in enumerate(draw(st.lists(FILE_NAMES, min_size=1, max_size=3, unique=True))):
        text = paper(500 + number)
        for field in draw(st.lists(st.sampled_from(FIELDS), max_size=3, unique=True)):
            value = draw(VALUES).replace("\n", " ").replace("\r", " ")
            lines = text.split("\n")
            option = f":{field}:"
            where = next((i for i, line in enumerate(lines) if line.startswith(option)), 1)
            lines[where : where + (lines[where].startswith(option))] = [f"{option} {value}"]
            text = "\n".join(lines)
        if draw(st.booleans()):
            text = text.replace("short on purpose.", f"short {draw(VALUES)} on purpose.")
        result[name] = text
    return result


@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
)
@given(files=pages())
def test_any_names_and_values_are_reported_by_both_tools_without_a_crash(tmp_path_factory, files):
    site = new_site(tmp_path_factory.mktemp("random"), FIXTURES)
    for name, text in files.items():
        (site.srcdir / "studies" / name).write_text(text, "utf-8")
    checked, found, _ = both_tools(site)  # neither may raise
    assert checked == found
    assert all(finding.line >= 1 for finding in checked)
    for name in FIXTURES:
        assert (site.outdir / "studies" / f"{name}.html").exists()
    for name in files:
        page = page_name(name)
        usable = not page_name_problems(page)
        assert listed(site.outdir / "studies", f"{page}.html") == usable, name
        if not usable:
            assert Finding.of(name, "1", "ATLAS088") in checked
    data = json.loads((site.outdir / "studies.json").read_bytes())
    Draft202012Validator(json.loads((site.outdir / "studies.schema.json").read_bytes())).validate(
        data
    )
    assert len(data["studies"]) == len(FIXTURES) + sum(
        not page_name_problems(page_name(name)) for name in files
    )
    with (site.outdir / "studies.csv").open(encoding="utf-8", newline="") as table:
        assert len(list(csv.reader(table))) == 1 + len(data["studies"])
    assert (site.outdir / "atom.xml").exists() and (site.outdir / "atlas.bib").exists()


def test_atlas_new_refuses_a_name_the_site_cannot_use(tmp_path, monkeypatch, capsys):
    from atlas.cli import main
    from test_cli_check import make_project

    monkeypatch.chdir(make_project(tmp_path / "atlas"))
    arguments = ["new", "--title", "A trial", "--year", "2020", "--doi", "10.5555/new.1"]
    assert main([*arguments, "--slug", "Trial 2020#1"]) == 2
    assert "cannot be a page name: it holds ' ', '#', 'T'" in capsys.readouterr().err
    assert not list((tmp_path / "atlas" / "source" / "studies").glob("*Trial*"))
    with pytest.raises(SystemExit) as refused:  # argparse says why and exits, no traceback
        main([*arguments, "--year", "\u00b2\u2070\u00b2\u2070"])
    assert refused.value.code == 2
    assert "invalid int value" in capsys.readouterr().err
