"""Raw HTML, unsafe links, prompts and the wording scanner: what they catch and what they let be.

The bad cases that every rule must catch at its line live in cases.py (the
build tests read them too); this file adds the text each rule must leave alone,
and the details: columns, severities and the policy table.
"""

from __future__ import annotations

import pytest
from atlas.model.rules import Rule, Severity
from atlas.model.wording import CAUSAL_WORDING_ALLOWED
from cases import BASE
from test_rules import check

SUMMARY = "A fixture study used by the test suite."
CONCLUSION = "- A conclusion of alpha-2020-first-fixture."
LIMITS = "It is a fixture, so it proves nothing about ME/CFS."


def codes(text: str) -> list[str]:
    return [problem.rule.code for problem in check(text)[1]]


def page(old: str, new: str, *, design: str = "rct", evidence: str = "E1") -> str:
    text = BASE.replace(":design: rct", f":design: {design}")
    text = text.replace(":evidence: E1", f":evidence: {evidence}")
    assert old in text
    return text.replace(old, new, 1)


@pytest.mark.parametrize(
    "sentence",
    [
        "Fatigue was worse when p < 0.05 and scores were 3<5 or >2.",
        "The paper is at <https://doi.org/10.5555/fixture.alpha>.",
        "Mail <someone@example.org> with questions.",
        "The `<b>` tag and ``<div class='x'>`` appear only as code.",
        "[The paper](https://doi.org/10.5555/fixture.alpha) has the data: all of it.",
        "Raw data: 22 people, javascript: not a link.",
    ],
)
def test_text_that_only_looks_like_html_or_a_link_is_fine(sentence: str):
    assert codes(page(SUMMARY, sentence)) == []


def test_html_inside_a_code_block_is_shown_as_code_and_allowed():
    code = "~~~\n<script>alert(1)</script>\n~~~"
    assert codes(page("It lets the tests check pages, indexes and counts.", code)) == []


@pytest.mark.parametrize(
    ("sentence", "code", "column"),
    [
        ("The <span style='color:red'>result</span>.", "ATLAS070", 5),
        ("Done.<br/>", "ATLAS070", 6),
        ("[paper](  JavaScript:alert(1))", "ATLAS071", 11),
        ("[paper](&#x6A;avascript:alert(1))", "ATLAS071", 9),
        ("[paper](<vbscript:msgbox(1)>)", "ATLAS071", 10),
        ("See <data:text/html,hi>.", "ATLAS071", 6),
    ],
)
def test_html_and_unsafe_links_are_errors_at_their_column(sentence, code, column):
    problems = [p for p in check(page(SUMMARY, sentence))[1] if p.rule.code == code]
    assert [(p.line, p.column) for p in problems] == [(20, column)]
    assert problems[0].rule.severity is Severity.ERROR


def test_html_in_an_option_value_is_found_at_its_column():
    text = BASE.replace(":journal: Journal of Test Fixtures", ":journal: Journal of <i>Tests</i>")
    (problem,) = [p for p in check(text)[1] if p.rule is Rule.RAW_HTML]
    assert (problem.line, problem.column) == (4, 22)


def test_a_prompt_in_an_option_is_unfilled():
    text = BASE.replace(":journal: Journal of Test Fixtures", ":journal: FILL IN: the journal")
    assert codes(text) == ["ATLAS072"]


@pytest.mark.parametrize(
    "sentence",
    [
        "It does not prove that the drug cures anyone.",
        "Nobody has shown whether the virus causes the illness.",
        "Does the virus cause the illness, or does the illness cause the finding?",
        "Could this be what causes the crash?",
        "The team looked for the causes of fatigue and other causes of pain.",
        "The procured samples were accurate and improved over time.",
    ],
)
def test_negated_questioning_or_noun_uses_of_causal_words_are_fine(sentence: str):
    assert codes(page(SUMMARY, sentence, design="observational", evidence="E3")) == []


def test_causal_words_in_the_limits_and_questions_sections_are_fine():
    text = page(LIMITS, "It shows that fatigue causes nothing new.", design="mechanistic")
    text = text.replace(
        "- A question left open by alpha-2020-first-fixture.", "- Proving that it cures ME/CFS."
    )
    assert codes(text) == []


@pytest.mark.parametrize(
    ("design", "evidence", "flagged"),
    [
        ("rct", "E0", False),
        ("rct", "E1", False),
        ("meta-analysis", "E1", False),
        ("rct", "E2", True),
        ("meta-analysis", "E3", True),
        ("observational", "E1", True),
        ("systematic-review", "E0", True),
    ],
)
def test_causal_wording_follows_the_policy_table(design, evidence, flagged):
    sentence = "The drug cures fatigue and proves the model."
    text = page(SUMMARY, sentence, design=design, evidence=evidence)
    found = [p for p in check(text)[1] if p.rule is Rule.CAUSAL_WORDING]
    assert (len(found) == 2) is flagged
    assert all(p.rule.severity is Severity.WARNING for p in found)


def test_the_policy_table_names_real_designs_and_levels():
    from test_rules import VOCABULARY

    assert set(CAUSAL_WORDING_ALLOWED) <= set(VOCABULARY.table("designs"))
    levels = set(VOCABULARY.table("evidence_levels"))
    assert all(allowed <= levels for allowed in CAUSAL_WORDING_ALLOWED.values())


def test_a_claim_across_a_line_break_is_found_on_the_line_of_the_word():
    text = page(SUMMARY, "The treatment\ncures fatigue.", design="case-series", evidence="E3")
    (problem,) = [p for p in check(text)[1] if p.rule is Rule.CAUSAL_WORDING]
    assert (problem.line, problem.column) == (21, 1)
    assert "Case Series at E3" in problem.message


@pytest.mark.parametrize(
    "sentence",
    [
        "If you have ME/CFS, you should take this seriously.",
        "People with ME/CFS should avoid graded exercise.",
        "We recommend that you pace.",
        "Ask your doctor about it.",
        "Patients must not stop their medicine.",
    ],
)
def test_advice_is_a_warning(sentence: str):
    problems = check(page(SUMMARY, sentence))[1]
    assert [p.rule for p in problems] == [Rule.MEDICAL_ADVICE]
    assert problems[0].rule.severity is Severity.WARNING


@pytest.mark.parametrize(
    "sentence",
    [
        "Readers should know that the trial was disputed.",
        "Patients must also have symptoms from three groups to meet the criteria.",
        "The guideline recommended a new name for the illness.",
        "Participants were asked to rest between the two tests.",
    ],
)
def test_description_of_what_a_study_or_guideline_says_is_not_advice(sentence: str):
    assert codes(page(CONCLUSION, f"- {sentence}")) == []


def test_new_rules_keep_existing_codes_and_are_appended_last():
    codes = [rule.code for rule in Rule]
    # No code is ever reused; new rules are appended after the first published ones.
    assert len(set(codes)) == len(codes)
    assert codes[: codes.index("ATLAS076") + 1] == sorted(codes[: codes.index("ATLAS076") + 1])
    assert Rule(("ATLAS070", "raw-html")) is Rule.RAW_HTML  # published codes keep their rule
    warnings = {rule for rule in Rule if rule.severity is Severity.WARNING}
    assert warnings == {
        Rule.CAUSAL_WORDING,
        Rule.MEDICAL_ADVICE,
        Rule.NEAR_DUPLICATE_TITLE,
        Rule.UPDATED_IN_FUTURE,
        Rule.SMALL_SAMPLE_MISMATCH,
        Rule.CERTAINTY_WORDING,
        Rule.RENAMED_TAG,
    }
