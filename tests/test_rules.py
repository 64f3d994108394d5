"""Each rule of the study format, checked on the model alone (no Sphinx)."""

from __future__ import annotations

import datetime

import pytest
from atlas.model.studyblock import parse_block
from atlas.model.validate import check_block
from atlas.model.vocabulary import load_vocabulary
from cases import BASE, CASES, Case
from conftest import SOURCE

VOCABULARY = load_vocabulary(SOURCE / "vocabulary.yaml")
TODAY = datetime.date(2026, 11, 26)


def check(text: str):
    """Check a one-block page the way the directive does: content starts on line 2."""
    lines = text.splitlines()
    assert lines[0] == "```{study}" and lines[-1] == "```"
    block = parse_block(lines[1:-1], 2, VOCABULARY)
    block.line = 1
    return check_block(block, VOCABULARY, "studies/case", TODAY)


def test_the_base_page_is_valid():
    study, problems = check(BASE)
    assert problems == []
    assert study.evidence == "E1"
    assert study.tags == ("symptom-fatigue", "method-flag-small-sample")
    assert study.invalid == ()


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_each_broken_page_gets_its_rule_at_its_line(case: Case):
    _, problems = check(case.text)
    found = [(problem.rule.code, problem.line) for problem in problems]
    assert (case.code, case.line) in found, problems
    message = next(p.message for p in problems if p.rule.code == case.code)
    assert case.says in message


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_a_broken_value_is_left_out_but_the_rest_survives(case: Case):
    study, _ = check(case.text)
    assert study.title == "Alpha fixture: a randomised trial"
    assert study.docname == "studies/case"


def test_every_rule_has_a_case():
    from atlas.model.rules import Rule

    covered = {case.code for case in CASES}
    # Rules that look across a whole page or the whole atlas are tested on builds.
    across_pages = {
        Rule.NO_STUDY_BLOCK,
        Rule.SEVERAL_STUDY_BLOCKS,
        Rule.DUPLICATE_STUDY,
        # The file name and near-duplicate titles: tests/test_rules_atlas.py.
        Rule.FILE_NAME,
        Rule.NEAR_DUPLICATE_TITLE,
        # Lineage needs the page's own name and the other pages: tests/test_lineage.py.
        Rule.LINEAGE_TARGET_MISSING,
        Rule.LINEAGE_TO_ITSELF,
        # Rules on the whole file, outside the block: tests/test_hostile_input.py.
        Rule.PAGE_TOO_LARGE,
        Rule.TEXT_OUTSIDE_BLOCK,
        Rule.NOT_UTF8,
        # The file's characters and name, and names across pages: tests/test_names_and_crashes.py.
        Rule.CONTROL_CHARACTER,
        Rule.UNUSABLE_FILE_NAME,
        Rule.PAGE_NAME_COLLISION,
        # Rules on the kinds of file under source/ and on guide pages: tests/test_source_kinds.py.
        Rule.NOT_A_PAGE,
        Rule.STUDY_IN_FOLDER,
        Rule.LINK_LEAVES_REPOSITORY,
        Rule.UNTRUSTED_MARKUP,
        Rule.FILE_INSERTION,
    }
    assert {rule.code for rule in Rule if rule not in across_pages} <= covered


def test_case_definitions_that_disagree_imply_no_pem():
    text = BASE.replace(":case-definition: ccc", ":case-definition: ccc, fukuda")
    text = text.replace(":pem: required", ":pem: unclear")
    assert check(text)[1] == []


def test_byline_shows_three_authors_then_et_al():
    study, _ = check(BASE)
    assert study.byline_authors == "Alpha AB, Beta C, Gamma D, et al."
