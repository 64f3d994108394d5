"""Rules that need more than one block: the file name, duplicates and near-duplicate titles."""

from __future__ import annotations

from pathlib import Path

import pytest
from atlas.model.atlaswide import Identity, atlas_problems, read_identity
from atlas.model.identifiers import clean_doi, clean_pmid
from atlas.model.page import check_file
from atlas.model.rules import Rule, Severity
from atlas.model.slug import author_slug, fold, study_slug, title_words
from cases import BASE
from test_rules import TODAY, VOCABULARY


def file_problems(name: str, text: str = BASE) -> list[str]:
    path = Path(f"studies/{name}.md")
    result = check_file(path, text, VOCABULARY, f"studies/{name}", TODAY)
    return [problem.rule.code for problem in result.problems]


# -- slugs ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("authors", "year", "title", "slug"),
    [
        (["Vøllestad, Nina K"], 2023, "Post-exertional malaise", "vollestad-2023-post-exertional"),
        (
            ["Daniels, Jo"],
            2011,
            "Socialization to the model: the",
            "daniels-2011-socialization-model",
        ),
        (
            ["Fluge, Øystein"],
            2015,
            "B-Lymphocyte Depletion in ME",
            "fluge-2015-lymphocyte-depletion",
        ),
        (
            ["Nagy-Szakal, D"],
            2017,
            "Fecal metagenomic profiles",
            "nagy-szakal-2017-fecal-metagenomic",
        ),
        (["van de Sande, Marjorie I"], 2011, "A Primer of ME", "van-de-sande-2011-primer-me"),
        (["Aßmus, Jörg"], 2019, "Über Müdigkeit", "assmus-2019-uber-mudigkeit"),
        ([], 2020, "The Unsigned Editorial on Pacing", "unknown-2020-unsigned-editorial"),
        (["Institute of Medicine"], 2015, "Beyond ME/CFS", "institute-2015-beyond-me"),
    ],
)
def test_study_slug(authors, year, title, slug):
    assert study_slug(authors, year, title) == slug


def test_fold_removes_accents_and_letters_without_a_base():
    assert fold("Çağlar Ødegård Łukasz") == "caglar odegard lukasz"
    assert author_slug("O'Brien, Pat") == "o-brien"
    assert title_words("A of the and") == []


def test_every_starter_page_name_follows_the_rule():
    source = Path(__file__).parent.parent / "source" / "studies"
    for path in sorted(source.glob("*.md")):
        result = check_file(path, path.read_text("utf-8"), VOCABULARY, path.stem, TODAY)
        assert not [p for p in result.problems if p.rule is Rule.FILE_NAME], path


# -- the file-name rule --------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["alpha-2020-first-fixture", "alpha-2020-fixture-randomised", "alpha-2020-fixture-2"]
)
def test_names_with_the_right_surname_and_year_pass(name: str):
    assert file_problems(name) == []


@pytest.mark.parametrize(
    "name",
    [
        "beta-2020-first-fixture",  # not the first author
        "alpha-2021-first-fixture",  # wrong year
        "alpha-2020",  # no title word
        "Alpha-2020-First-Fixture",  # capitals
        "alpha-2020-first_fixture",  # underscore
        "alphaa-2020-first-fixture",
        "case",
    ],
)
def test_names_that_break_the_rule_are_errors_with_a_suggestion(name: str):
    path = Path(f"studies/{name}.md")
    result = check_file(path, BASE, VOCABULARY, f"studies/{name}", TODAY)
    (problem,) = result.problems
    assert problem.rule is Rule.FILE_NAME and problem.rule.severity is Severity.ERROR
    assert (problem.line, problem.column) == (1, 1)
    assert "'alpha-2020-' followed by two title words" in problem.message
    assert "for example 'alpha-2020-alpha-fixture.md'" in problem.message


def test_a_group_author_needs_only_the_year_in_the_name():
    text = BASE.replace(
        ":authors: Alpha, Anna B; Beta, Carl; Gamma, Dana; Delta, Erik",
        ":authors: Institute of Medicine",
    )
    assert file_problems("iom-2020-alpha-fixture", text) == []
    assert file_problems("iom-2019-alpha-fixture", text) == ["ATLAS075"]


def test_the_name_is_not_judged_when_authors_or_year_are_broken():
    assert file_problems("whatever", BASE.replace(":year: 2020", ":year: soon")) == ["ATLAS032"]


# -- identifiers ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "clean"),
    [
        ("https://doi.org/10.1186/1479-5876-12-104", "10.1186/1479-5876-12-104"),
        ("http://dx.doi.org/10.1/ABC", "10.1/ABC"),
        ("doi: 10.1/abc ", "10.1/abc"),
        ("DOI:https://doi.org/10.1/x", "10.1/x"),
    ],
)
def test_clean_doi_keeps_the_case(written: str, clean: str):
    assert clean_doi(written) == clean


@pytest.mark.parametrize("written", ["PMID: 24755065", "pmid24755065", " 2475 5065 "])
def test_clean_pmid(written: str):
    assert clean_pmid(written) == "24755065"


# -- duplicates and near-duplicate titles --------------------------------------------


def page(name: str, title: str, doi: str | None = None, pmid: str | None = None) -> Identity:
    return Identity(f"studies/{name}", Path(f"{name}.md"), title, doi, pmid, 1)


def found(pages: list[Identity], report_on=None) -> list[tuple[str, str]]:
    return [(p.docname, problem.rule.code) for p, problem in atlas_problems(pages, report_on)]


def test_the_same_doi_in_another_spelling_is_a_duplicate_of_the_first_page():
    pages = [
        page("b", "Second title entirely", doi="https://doi.org/10.1000/ABC."),
        page("a", "First title here", doi="10.1000/abc"),
    ]
    ((where, problem),) = atlas_problems(pages)
    assert where.docname == "studies/b" and problem.rule is Rule.DUPLICATE_STUDY
    assert "is already in the atlas at studies/a (line 1)" in problem.message


def test_a_new_page_is_reported_even_when_it_sorts_first():
    pages = [page("a-new", "One", pmid="123"), page("z-old", "Two", pmid="123")]
    assert found(pages, report_on={"studies/a-new"}) == [("studies/a-new", "ATLAS060")]


def test_near_duplicate_titles_warn_once_and_skip_pages_already_duplicates():
    title = "Deep phenotyping of post-infectious myalgic encephalomyelitis/chronic fatigue syndrome"
    pages = [
        page("a", title, pmid="1"),
        page("b", title.replace("Deep", "Deep,").upper(), pmid="2"),
        page("c", title, pmid="1"),
        page("d", "Deep phenotyping of long COVID in adults", pmid="4"),
    ]
    result = atlas_problems(pages)
    assert [(p.docname, problem.rule.code) for p, problem in result] == [
        ("studies/c", "ATLAS060"),
        ("studies/b", "ATLAS076"),
    ]
    warning = result[1][1]
    assert warning.rule.severity is Severity.WARNING
    assert "100% like the title of studies/a" in warning.message


def test_titles_that_differ_by_a_typo_are_found_and_different_papers_are_not():
    pages = [
        page("a", "Inability of patients to reproduce VO2peak indicates impairment", pmid="1"),
        page("b", "Inabilty of patients to reproduce VO2peak indicates impairment", pmid="2"),
        page("c", "Metabolic features of chronic fatigue syndrome", pmid="3"),
        page("d", "Metabolic profiling of chronic fatigue syndrome patients", pmid="4"),
    ]
    assert found(pages) == [("studies/b", "ATLAS076")]


def test_read_identity_needs_no_valid_values():
    text = BASE.replace(":year: 2020", ":year: soon")
    identity = read_identity(Path("x.md"), text, "studies/x", VOCABULARY)
    assert identity == Identity(
        "studies/x",
        Path("x.md"),
        "Alpha fixture: a randomised trial",
        "10.5555/fixture.alpha",
        "90000001",
        1,
        2,  # the :title: line, where a near-duplicate title is reported
    )
    assert read_identity(Path("y.md"), "# no block\n", "studies/y", VOCABULARY) is None
