"""Participants as data: the syntax, its words, size bands, --fix, and synthetic shares."""

from __future__ import annotations

import pytest
from atlas.bench.synth import synthesize
from atlas.model.fix import fix_text
from atlas.model.participants import (
    POOLING_DESIGNS,
    Group,
    Participants,
    ParticipantsError,
    parse_participants,
    size_band,
    size_band_label,
    size_bands,
)
from atlas.model.vocabulary import ParticipantRules, load_vocabulary
from cases import BASE
from conftest import SOURCE
from test_rules import check

VOCABULARY = load_vocabulary(SOURCE / "vocabulary.yaml")


@pytest.mark.parametrize(
    ("written", "groups", "no_comparison"),
    [
        ("22 ME/CFS; 10 healthy controls", [("me-cfs", 22), ("healthy-controls", 10)], False),
        (
            "60 ME/CFS; 20 healthy controls; 15 other illness (multiple sclerosis)",
            [("me-cfs", 60), ("healthy-controls", 20), ("other-illness", 15)],
            False,
        ),
        ("22 ME/CFS; no comparison group", [("me-cfs", 22)], True),
        ("14 studies pooled; 1,500 ME/CFS", [("studies-pooled", 14), ("me-cfs", 1500)], False),
        ("14 studies pooled", [("studies-pooled", 14)], False),
    ],
)
def test_the_documented_forms_read(written, groups, no_comparison):
    parsed = parse_participants(written, "meta-analysis" if "pooled" in written else None)
    assert [(group.kind, group.count) for group in parsed.groups] == groups
    assert parsed.no_comparison is no_comparison
    assert parsed.written == written


def test_participants_in_words():
    parsed = parse_participants("1 ME/CFS; 1 healthy controls; 3 other illness (lupus)")
    assert parsed.in_words == "1 person with ME/CFS, 1 healthy control, 3 people with lupus"
    assert Participants((Group("studies-pooled", 1),)).in_words == "1 study pooled"


@pytest.mark.parametrize(
    ("written", "says"),
    [
        ("22", "'22' has no kind"),
        ("ME/CFS", "has no number. Put how many people (or studies) first, such as '22 ME/CFS'"),
        ("22 ME/CFS; 5 helthy controls", "Did you mean 'healthy controls'?"),
        ("22 ME/CFS; 0 healthy controls", "counts nobody"),
        ("22 ME/CFS; 3 ME/CFS", "given 2 times"),
        ("22 ME/CFS; no comparison group; 4 healthy controls", "contradicts"),
        ("22 ME/CFS; 4 other illness", "Name the other illness in brackets"),
        ("22 ME/CFS; 4 other illness ()", "Name the other illness in the brackets"),
        ("1.500 ME/CFS", "Cannot read the number"),
        ("; ;", "No group is given"),
    ],
)
def test_each_mistake_says_its_fix(written, says):
    with pytest.raises(ParticipantsError) as error:
        parse_participants(written)
    assert says in str(error.value)


def test_studies_pooled_only_on_designs_that_pool():
    for design in POOLING_DESIGNS:
        parse_participants("3 studies pooled", design)
    with pytest.raises(ParticipantsError, match="for reviews and meta-analyses"):
        parse_participants("3 studies pooled", "observational")


def test_size_bands_cover_every_count_once():
    rules = ParticipantRules(small_sample_below=30, size_bands=(1, 20, 50, 100, 500))
    assert size_bands(rules) == ["1-19", "20-49", "50-99", "100-499", "500+"]
    assert [size_band(n, rules) for n in (1, 19, 20, 499, 500, 10_000)] == [
        "1-19",
        "1-19",
        "20-49",
        "100-499",
        "500+",
        "500+",
    ]
    assert size_band(None, rules) is None
    assert size_band_label("1-19") == "Fewer than 20 people with ME/CFS"
    assert size_band_label("20-49") == "20 to 49 people with ME/CFS"
    assert size_band_label("500+") == "500 or more people with ME/CFS"


def test_small_sample_advice_both_ways():
    # The base page is tagged "Small Sample".
    page = BASE.replace(":case-definition: ccc", ":case-definition: ccc\n:participants: 29 ME/CFS")
    assert [p.rule.code for p in check(page)[1]] == []
    page = page.replace("29 ME/CFS", "30 ME/CFS")
    assert [p.rule.code for p in check(page)[1]] == ["ATLAS101"]
    untagged = page.replace(", method-flag-small-sample", "").replace("30 ME/CFS", "12 ME/CFS")
    problems = check(untagged)[1]
    assert [p.rule.code for p in problems] == ["ATLAS101"]
    assert "Add 'method-flag-small-sample' to ':tags:'" in problems[0].message


def test_a_page_without_participants_stays_valid_and_states_none():
    study, problems = check(BASE)
    assert problems == []
    assert study.participants is None


def test_fix_writes_the_standard_spelling_and_then_changes_nothing():
    page = BASE.replace(
        ":case-definition: ccc", ":case-definition: ccc\n:participants: 22  me/cfs ;10 HC"
    )
    fixed, changes = fix_text(page, VOCABULARY)
    assert ":participants: 22 ME/CFS; 10 healthy controls" in fixed
    assert any("':participants:'" in change.what for change in changes)
    assert check(fixed)[1] == []
    assert fix_text(fixed, VOCABULARY) == (fixed, [])


def test_fix_leaves_unreadable_participants_for_the_checker():
    page = BASE.replace(":case-definition: ccc", ":case-definition: ccc\n:participants: 22; x")
    fixed, _ = fix_text(page, VOCABULARY)
    assert ":participants: 22; x" in fixed


def test_synthetic_studies_state_participants_and_findings_in_realistic_shares():
    studies = synthesize(800, VOCABULARY)
    primary = [s for s in studies if s.options["design"] not in POOLING_DESIGNS]
    stated = sum("participants" in s.options for s in primary) / len(primary)
    assert 0.4 < stated < 0.6
    labelled = sum("- [" in s.sections["findings"] for s in studies) / len(studies)
    assert 0.18 < labelled < 0.32
    small = [s for s in studies if "method-flag-small-sample" in s.options["tags"]]
    for synthetic in small:
        if (
            "participants" in synthetic.options
            and "pooled" not in synthetic.options["participants"]
        ):
            count = int(synthetic.options["participants"].split()[0].replace(",", ""))
            assert count < VOCABULARY.participant_rules.small_sample_below
