"""Structured findings: labels read from "Observed findings", suggestions, --fix, certainty."""

from __future__ import annotations

import pytest
from atlas.model.findings import Finding, measure_suggestions, normal_direction, normal_measure
from atlas.model.fix import fix_text
from atlas.model.vocabulary import load_vocabulary
from atlas.model.wording import supported_certainty
from cases import BASE, FINDING
from conftest import SOURCE
from test_rules import check

VOCABULARY = load_vocabulary(SOURCE / "vocabulary.yaml")


def with_findings(*bullets: str, base: str = BASE) -> str:
    return base.replace(FINDING, "\n".join(bullets))


def test_labelled_bullets_become_findings_and_plain_ones_stay_plain():
    page = with_findings(
        "- [cpet-day2-vo2-peak: lower] On day 2, peak oxygen use fell.",
        "- [nk-cell-cytotoxicity: no difference | 20 ME/CFS; 20 healthy controls] The same",
        "  in both groups.",
        "- [1] A bracket that is no label.",
        "- [a link](https://example.org) at the start.",
        "- [Note that] this bracket has no colon and stays text.",
    )
    study, problems = check(page)
    assert problems == []
    first_line = page.splitlines().index(
        "- [cpet-day2-vo2-peak: lower] On day 2, peak oxygen use fell."
    )
    assert study.findings == (
        Finding(
            "cpet-day2-vo2-peak", "lower", "", "On day 2, peak oxygen use fell.", first_line + 1
        ),
        Finding(
            "nk-cell-cytotoxicity",
            "no difference",
            "20 ME/CFS; 20 healthy controls",
            "The same in both groups.",
            first_line + 2,
        ),
    )


def test_a_label_inside_a_code_fence_is_not_read():
    page = with_findings("- A plain finding.", "", "```", "- [vo2-peak: sideways] code", "```")
    study, problems = check(page)
    assert problems == [] and study.findings == ()


def test_spellings_that_can_only_mean_one_thing():
    assert normal_measure("CPET Day2 VO2 Peak", VOCABULARY) == "cpet-day2-vo2-peak"
    assert normal_measure("VO2peak, day 2", VOCABULARY) == "cpet-day2-vo2-peak"
    assert normal_measure("something else", VOCABULARY) is None
    for synonym, direction in [
        ("Reduced", "lower"),
        ("elevated", "higher"),
        ("same", "no difference"),
        ("No  change", "no difference"),
        ("decreased", "lower"),
        ("increased", "higher"),
        ("inconsistent", "mixed"),
    ]:
        assert normal_direction(synonym) == direction


def test_suggestions_come_by_spelling_and_by_meaning():
    assert measure_suggestions("vo2-peek", VOCABULARY)[0] == "vo2-peak"
    # No key is spelt like this, but the words match a definition.
    assert "nk-cell-cytotoxicity" in measure_suggestions("killer-cells", VOCABULARY)
    assert "gut-microbiome-diversity" in measure_suggestions("bacteria", VOCABULARY)


def test_an_unknown_measure_is_left_out_but_the_page_builds():
    page = with_findings("- [brain-fog-index: lower] Text.", "- [vo2-peak: higher] Text.")
    study, problems = check(page)
    assert [problem.rule.code for problem in problems] == ["ATLAS102"]
    assert [finding.measure for finding in study.findings] == ["vo2-peak"]


def test_fix_normalises_labels_and_is_stable():
    page = with_findings(
        "- [CPET Day2 VO2 Peak:Reduced] Text one.",
        "- [nk-cell-count : Elevated |20 me/cfs;20 hc] Text two.",
        "- [unknown-thing: lower] Left for the checker.",
    )
    fixed, changes = fix_text(page, VOCABULARY)
    assert "- [cpet-day2-vo2-peak: lower] Text one." in fixed
    assert "- [nk-cell-count: higher | 20 ME/CFS; 20 healthy controls] Text two." in fixed
    assert "- [unknown-thing: lower] Left for the checker." in fixed
    assert len([c for c in changes if c.what.startswith("finding label")]) == 2
    assert [p.rule.code for p in check(fixed)[1]] == ["ATLAS102"]
    assert fix_text(fixed, VOCABULARY) == (fixed, [])


@pytest.mark.parametrize(
    ("design", "evidence", "certainty"),
    [
        ("rct", "E1", 3),
        ("meta-analysis", "E0", 3),
        ("observational", "E1", 2),
        ("rct", "E2", 2),
        ("observational", "E2", 1),
        ("rct", "E3", 0),
        ("observational", "E3", 0),
        (None, "E2", None),
    ],
)
def test_the_certainty_a_study_supports(design, evidence, certainty):
    assert supported_certainty(design, evidence) == certainty


def test_certainty_wording_within_what_the_study_supports_is_quiet():
    observational = BASE.replace(":design: rct", ":design: observational").replace(
        ":evidence: E1", ":evidence: E2"
    )
    quiet = with_findings("- Pacing may result in fewer crashes.", base=observational)
    assert check(quiet)[1] == []
    loud = with_findings("- Pacing likely results in fewer crashes.", base=observational)
    (problem,) = check(loud)[1]
    assert problem.rule.code == "ATLAS105"
    assert "Write 'may result in' instead" in problem.message
    # The limits section may say what a study cannot show.
    limits = observational.replace(
        "It is a fixture, so it proves nothing about ME/CFS.",
        "It cannot show that pacing results in fewer crashes.",
    )
    assert check(limits)[1] == []
