"""The starter content: real studies that together cover the vocabulary."""

from __future__ import annotations

import datetime

from atlas.model.page import check_file
from atlas.model.vocabulary import load_vocabulary
from conftest import SOURCE

VOCABULARY = load_vocabulary(SOURCE / "vocabulary.yaml")


def studies():
    result = []
    for path in sorted((SOURCE / "studies").glob("*.md")):
        docname = f"studies/{path.stem}"
        checked = check_file(
            path, path.read_text("utf-8"), VOCABULARY, docname, datetime.date.today()
        )
        assert checked.problems == [], (path, checked.problems)
        result.append(checked.study)
    return result


def test_the_seed_study_and_at_least_twelve_more():
    all_studies = studies()
    assert len(all_studies) >= 13
    seed = [s for s in all_studies if s.doi == "10.1017/S1352465810000792"]
    assert len(seed) == 1
    assert seed[0].pmid == "21092360"
    assert seed[0].authors[:2] == ("Daniels, Jo", "Wearden, Alison J")


def test_content_covers_every_level_every_pem_value_and_five_designs():
    all_studies = studies()
    assert {s.evidence for s in all_studies} == {t.key for t in VOCABULARY.evidence_levels}
    assert {s.pem for s in all_studies} == {t.key for t in VOCABULARY.pem}
    assert len({s.design for s in all_studies}) >= 5


def test_no_page_claims_a_review_that_did_not_happen():
    """Volunteers wrote the starter pages; software drafted the later ones from abstracts.

    Neither was checked by a second person, so a page says 'community-draft' or
    'machine-draft' until someone reviews it and names themselves.
    """
    statuses = {study.review for study in studies()}
    assert statuses <= {"community-draft", "machine-draft"}


def test_no_paper_appears_twice():
    all_studies = studies()
    dois = [s.doi.lower() for s in all_studies if s.doi]
    pmids = [s.pmid for s in all_studies if s.pmid]
    assert len(dois) == len(set(dois))
    assert len(pmids) == len(set(pmids))
