"""``atlas vocabulary`` lists the keys; unknown values get the nearest keys by meaning too."""

from __future__ import annotations

import pytest
from atlas.cli import main
from atlas.model.closest import closest
from atlas.model.vocabulary import load_vocabulary
from cases import BASE
from conftest import ROOT, SOURCE
from test_taxonomy import check_text

VOCABULARY = load_vocabulary(SOURCE / "vocabulary.yaml")


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[str]]:
    status = main([*args, "--root", str(ROOT)])
    return status, capsys.readouterr().out.splitlines()


@pytest.mark.parametrize(
    ("written", "nearest"),
    [
        # Spelling alone offered symptom-pain and topic-metabolism for these two.
        ("symptom-pem", "symptom-post-exertional-malaise"),
        ("topic-diagnosis", "topic-diagnosis-and-case-definition"),
        ("symptom-fatigu", "symptom-fatigue"),
        ("topic-cbt", "topic-psychological-therapy"),
        ("long-covid", "topic-long-covid"),
        ("children", "population-children-and-adolescents"),
        ("topic-immunology", "topic-immune-system"),
    ],
)
def test_the_nearest_tag_is_found_by_meaning_as_well_as_spelling(written, nearest):
    assert closest(written, VOCABULARY.tags)[0].key == nearest


@pytest.mark.parametrize(
    ("written", "nearest"),
    [("cohort-study", "cohort"), ("pilot", "pilot-trial"), ("audit", "clinical-audit")],
)
def test_the_nearest_design_is_found(written, nearest):
    assert closest(written, VOCABULARY.designs)[0].key == nearest


def test_nothing_is_offered_for_a_value_near_nothing():
    assert closest("xyz", VOCABULARY.tags) == []


def test_the_unknown_tag_message_names_the_nearest_keys_and_the_listing_command():
    text = BASE.replace("symptom-fatigue,", "symptom-pem,", 1)
    (problem,) = [p for p in check_text(text, VOCABULARY).problems if p.rule.code == "ATLAS021"]
    assert "Did you mean 'symptom-post-exertional-malaise'?" in problem.message
    assert "Also close:" in problem.message
    assert "make vocabulary" in problem.message


def test_the_unknown_design_message_suggests_by_meaning():
    text = BASE.replace(":design: rct", ":design: cohort-study", 1)
    (problem,) = [p for p in check_text(text, VOCABULARY).problems if p.rule.code == "ATLAS020"]
    assert "Did you mean 'cohort'?" in problem.message
    assert "Allowed: " in problem.message


def test_tags_are_listed_by_family_with_keys_labels_and_meanings(capsys):
    status, lines = run(capsys, "vocabulary")
    assert status == 0
    assert lines[0].startswith("Symptom (symptom):")
    assert "  symptom-post-exertional-malaise  (Post-Exertional Malaise)" in lines
    text = "\n".join(lines)
    for tag in VOCABULARY.tags:
        assert f"  {tag.key}  ({tag.short_label})" in text
    assert "MeSH: Post-Acute COVID-19 Syndrome (D000094024)." in " ".join(text.split())
    assert "topic-case-definition -> topic-diagnosis-and-case-definition" in text


def test_family_narrows_the_listing(capsys):
    status, lines = run(capsys, "vocabulary", "--family", "population")
    keys = [line.split()[0] for line in lines if line.startswith("  ") and line[2] != " "]
    assert status == 0
    assert keys == ["population-children-and-adolescents", "population-severe-me-cfs"]


def test_an_unknown_family_names_the_families(capsys):
    assert main(["vocabulary", "--family", "topics", "--root", str(ROOT)]) == 2
    assert "families are: method-flag, population, symptom, topic" in capsys.readouterr().err


def test_search_ranks_terms_and_tags_is_an_alias(capsys):
    status, lines = run(capsys, "tags", "--search", "pem")
    assert status == 0
    assert lines[0] == "  symptom-post-exertional-malaise  (Post-Exertional Malaise)"


def test_other_tables_list_their_keys(capsys):
    status, lines = run(capsys, "vocabulary", "designs")
    keys = [line.split()[0] for line in lines if line.startswith("  ") and line[2] != " "]
    assert status == 0
    assert keys == [design.key for design in VOCABULARY.designs]
