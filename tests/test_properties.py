"""Any input either validates or gets located problems; nothing raises.

Pages are generated from the parts study pages are made of (option lines,
headings, bullets, fences, links, HTML), mixed with arbitrary text and
mutations of a valid page, so most examples get past the first rule. Example
counts stay modest: the whole file runs in a few seconds.
"""

from __future__ import annotations

import datetime
import re
from pathlib import Path

from atlas.model.page import MAX_PAGE_BYTES, check_file, page_lines
from atlas.model.record import FIELDS, Study, study_schema
from atlas.model.rules import Rule, Severity
from atlas.model.slug import SLUG_SHAPE, file_name_problems, study_slug
from atlas.model.studyblock import HEADING_LINE, OPTION_LINE, parse_block
from atlas.model.validate import check_block
from atlas.model.vocabulary import load_vocabulary
from cases import BASE
from conftest import SOURCE
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

VOCABULARY = load_vocabulary(SOURCE / "vocabulary.yaml")
TODAY = datetime.date(2026, 11, 26)
CODE = re.compile(r"^ATLAS\d{3}$")
PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# -- what pages are made of ----------------------------------------------------------

VALUES = [term.key for table in ("designs", "evidence_levels", "pem", "tags") for term in
          getattr(VOCABULARY, table)]  # fmt: skip
SNIPPETS = [
    *("<script>alert(1)</script>", "[x](javascript:alert(1))", "<b>", "FILL IN", "`code`"),
    *("``", "proves", "causes", "you should take", "10.5555/x", "2020", "2026-02-30"),
    *("https://doi.org/10.1/x", "&#x61;", "\u202e", "\x00", "\x0c", "\r", "\t", " " * 40),
    *("#", ":", "-", "~~~", "```", "{raw}", "***", "[a]: data:x", "<javascript:x>"),
]
HEADINGS = [section.label for section in VOCABULARY.sections] + ["Quick sumary", "Notes"]

some_text = st.one_of(
    st.text(max_size=40),
    st.sampled_from(SNIPPETS + VALUES),
    st.lists(st.sampled_from(SNIPPETS + VALUES), max_size=4).map(" ".join),
)
option_line = st.builds(
    lambda name, value, spaced: f":{name}:{' ' if spaced else ''}{value}",
    st.one_of(
        st.sampled_from([spec.name for spec in FIELDS]),
        st.from_regex(r"[A-Za-z][\w-]{0,8}", fullmatch=True),
    ),
    some_text,
    st.booleans(),
)
heading_line = st.builds(
    lambda marks, title, closing: f"{'#' * marks} {title}{closing}",
    st.integers(1, 7),
    st.one_of(st.sampled_from(HEADINGS), some_text),
    st.sampled_from(["", " ##", "   ", "#"]),
)
body_line = st.one_of(
    some_text,
    some_text.map(lambda text: f"- {text}"),
    st.sampled_from(["", "```", "~~~~", "```{raw} html", "````{study}", "```{study}"]),
)
block_lines = st.lists(st.one_of(option_line, option_line, heading_line, body_line), max_size=30)


@st.composite
def mutated_base(draw) -> str:
    """The valid base page with a few lines replaced, inserted or deleted.

    The fences stay, so the page is still a study and every rule gets to run.
    """
    lines = BASE.split("\n")
    for _ in range(draw(st.integers(1, 4))):
        index = draw(st.integers(1, len(lines) - 3))
        new = draw(st.one_of(option_line, heading_line, body_line))
        action = draw(st.sampled_from(["replace", "insert", "delete", "append"]))
        if action == "replace":
            lines[index] = new
        elif action == "insert":
            lines.insert(index, new)
        elif action == "delete" and len(lines) > 1:
            del lines[index]
        else:
            lines[index] += new
    return "\n".join(lines)


pages = st.one_of(
    mutated_base(),
    block_lines.map(lambda lines: "\n".join(["```{study}", *lines, "```"])),
    st.lists(st.one_of(option_line, heading_line, body_line), max_size=15).map("\n".join),
    st.text(max_size=300),
)

# -- properties ----------------------------------------------------------------------


def a_study(**fields) -> Study:
    """A study record with only what the file-name rule reads."""
    empty = dict.fromkeys(("design", "evidence", "confidence", "pem", "peer_review", "review",
                           "updated"))  # fmt: skip
    return Study(docname="studies/x", journal="J", case_definition=(), **empty | fields)


def assert_located(problems, first: int, last: int) -> None:
    """Each problem names a rule by its code and a line from ``first`` to ``last``."""
    for problem in problems:
        assert isinstance(problem.rule, Rule) and CODE.match(problem.rule.code), problem
        assert first <= problem.line <= last, (problem, first, last)
        assert problem.column >= 1 and problem.message, problem


def assert_valid_unless_errors(study: Study, problems) -> None:
    """With no error reported, the record is complete and the JSON Schema accepts it."""
    if not any(problem.rule.severity is Severity.ERROR for problem in problems):
        assert study.invalid == ()
        Draft202012Validator(study_schema(VOCABULARY, TODAY.year)).validate(study.to_record())


@PROPERTY
@given(block_lines, st.integers(2, 500))
def test_the_option_parser_never_raises_and_locates_every_problem(lines, first_line):
    block = parse_block(lines, first_line, VOCABULARY)
    last = first_line + len(lines) - 1
    assert_located(block.problems, first_line, last)
    for option in block.options.values():
        assert first_line <= option.line <= last
    for section in block.sections.values():
        assert first_line <= section.line <= last


@PROPERTY
@given(block_lines)
def test_the_validator_either_validates_or_locates_every_problem(lines):
    block = parse_block(lines, 2, VOCABULARY)
    block.line = 1
    study, problems = check_block(block, VOCABULARY, "studies/property", TODAY)
    assert_located(problems, 1, len(lines) + 1)
    assert study.docname == "studies/property"
    assert_valid_unless_errors(study, problems)


@PROPERTY
@given(pages)
def test_a_whole_page_validates_or_gets_problems_on_its_own_lines(text):
    path = Path("source/studies/alpha-2020-first-fixture.md")
    result = check_file(path, text, VOCABULARY, "studies/alpha-2020-first-fixture", TODAY)
    # Lines as an editor numbers them: a form feed or U+2028 starts no new line.
    assert_located(result.problems, 1, max(1, len(page_lines(text))))
    if result.study is None:
        assert result.problems, "a page without a study must say why"
    else:
        assert_valid_unless_errors(result.study, result.problems)


NAMES = ["Vøllestad, Ø", "Nagy-Szakal, D", "Institute of Medicine", "Иванов, И", ",", "FILL IN, X"]
TITLES = ["ME/CFS", "慢性疲劳综合征", "The of and", ""]


@PROPERTY
@given(
    st.lists(st.one_of(st.text(max_size=30), st.sampled_from(NAMES)), max_size=3),
    st.integers(1900, 2100),
    st.one_of(st.text(max_size=60), st.sampled_from(TITLES)),
)
def test_every_generated_page_name_passes_the_file_name_rule(authors, year, title):
    """``atlas new`` names a page with study_slug; the name must satisfy ATLAS075."""
    slug = study_slug(authors, year, title)
    assert SLUG_SHAPE.match(slug), slug
    study = a_study(title=title, authors=tuple(authors), year=year)
    assert file_name_problems(slug, study) == [], slug


@PROPERTY
@given(st.text(max_size=60), st.text(max_size=60))
def test_a_file_name_either_fits_or_gets_one_located_problem(stem, surname):
    study = a_study(title="A title", authors=(f"{surname}, A",), year=2020)
    problems = file_name_problems(stem, study)
    assert_located(problems, 1, 1)
    assert len(problems) <= 1


# -- the linear patterns mean what the plain ones meant ---------------------------------

PLAIN_OPTION = re.compile(r"^:(?P<name>[A-Za-z][\w-]*):(?:[ \t]+(?P<value>.*?))?[ \t]*$")
PLAIN_HEADING = re.compile(r"^ {0,3}(?P<marks>#{1,6})(?:[ \t]+(?P<text>.*?))?(?:[ \t]+#+)?[ \t]*$")
line_parts = st.text(alphabet=st.sampled_from(" \t#:ab-\n"), max_size=16)


@settings(max_examples=400, deadline=None)
@given(line_parts, st.sampled_from(["", ":a:", ":title: ", "#", "## ", "   # "]))
def test_option_and_heading_patterns_match_what_the_plain_ones_matched(rest, start):
    """The possessive patterns (linear time) give the same groups as the readable ones."""
    line = start + rest

    def groups(match: re.Match[str] | None) -> dict[str, str | None] | None:
        return None if match is None else match.groupdict()

    assert groups(OPTION_LINE.match(line)) == groups(PLAIN_OPTION.match(line))
    assert groups(HEADING_LINE.match(line)) == groups(PLAIN_HEADING.match(line))


def test_lines_of_blanks_at_the_size_limit_are_checked():
    """A page of long blank runs once took minutes per line; now it is read like any other."""
    blank = " " * (MAX_PAGE_BYTES // 5)
    text = BASE.replace(":journal: Journal of Test Fixtures", f":journal: J{blank}x")
    text = text.replace("## Why it matters", f"## Why it matters{blank}#{blank}x")
    text = text.replace("short on purpose.", f"short `{'`' * len(blank)}` <b>")
    assert len(text.encode()) <= MAX_PAGE_BYTES
    result = check_file(Path("alpha-2020-first-fixture.md"), text, VOCABULARY, "x", TODAY)
    codes = {problem.rule.code for problem in result.problems}
    assert {"ATLAS052", "ATLAS070"} <= codes
