"""The taxonomy: tags and designs with definitions and MeSH, and tags that were renamed.

A renamed or merged tag keeps working on pages that still write it (with
advice, ATLAS130), ``atlas check --fix`` rewrites it, and its old address on
the site leads to the tag that replaced it.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from atlas.model.fix import fix_text
from atlas.model.page import check_file
from atlas.model.vocabulary import MESH_ID, VocabularyError, load_vocabulary
from conftest import fixture_study

ROOT = Path(__file__).resolve().parent.parent
VOCABULARY = ROOT / "source" / "vocabulary.yaml"
OLD, NEW = "topic-case-definition", "topic-diagnosis-and-case-definition"


@pytest.fixture(scope="module")
def vocabulary():
    return load_vocabulary(VOCABULARY)


def with_tags(tags: str) -> str:
    text = fixture_study("alpha-2020-first-fixture")
    return re.sub(r"^:tags: .*$", f":tags: {tags}", text, count=1, flags=re.M)


def check_text(text: str, vocabulary):
    name = "alpha-2020-first-fixture"
    return check_file(Path(f"{name}.md"), text, vocabulary, f"studies/{name}", date.today())


def codes(text: str, vocabulary) -> list[str]:
    return [problem.rule.code for problem in check_text(text, vocabulary).problems]


def test_every_term_has_a_definition_and_well_formed_mesh(vocabulary):
    for term in (*vocabulary.designs, *vocabulary.tags):
        assert term.definition, term.key
        for mesh in term.mesh:
            assert MESH_ID.fullmatch(mesh.id), (term.key, mesh)
            assert mesh.name


@pytest.mark.parametrize(
    "key",
    [
        "topic-biomarkers",
        "topic-diagnosis-and-case-definition",
        "topic-cardiovascular-and-circulation",
        "topic-pacing-and-self-management",
        "topic-long-covid",
        "population-children-and-adolescents",
        "topic-nutrition-and-supplements",
    ],
)
def test_the_tags_the_issue_asked_for_exist(vocabulary, key):
    assert key in vocabulary.table("tags")


@pytest.mark.parametrize(
    "key", ["survey", "pilot-trial", "clinical-audit", "cohort", "case-control", "cross-sectional"]
)
def test_the_designs_the_issue_asked_for_exist(vocabulary, key):
    assert key in vocabulary.table("designs")


def test_checked_mesh_ids_are_the_ones_recorded(vocabulary):
    """A sample of the IDs, each confirmed against MeSH records before it was written down."""
    tags = vocabulary.table("tags")
    assert tags["topic-long-covid"].mesh[0].id == "D000094024"  # type: ignore[attr-defined]
    assert tags["topic-biomarkers"].mesh[0].id == "D015415"  # type: ignore[attr-defined]
    designs = vocabulary.table("designs")
    assert designs["case-control"].mesh[0].id == "D016022"  # type: ignore[attr-defined]


def test_an_old_tag_key_passes_with_advice_and_counts_as_the_new_tag(vocabulary):
    result = check_text(with_tags(f"{OLD}, symptom-fatigue"), vocabulary)
    renamed = [p for p in result.problems if p.rule.code == "ATLAS130"]
    assert len(renamed) == 1
    assert f"'{NEW}'" in renamed[0].message and "make fix" in renamed[0].message
    assert [p.rule.code for p in result.problems] == ["ATLAS130"]
    assert result.study is not None
    assert result.study.tags == (NEW, "symptom-fatigue")


def test_old_and_new_key_on_one_page_count_once(vocabulary):
    result = check_text(with_tags(f"{NEW}, {OLD}"), vocabulary)
    assert result.study is not None and result.study.tags == (NEW,)
    assert [p.rule.code for p in result.problems] == ["ATLAS130"]


def test_fix_rewrites_an_old_tag_key(vocabulary):
    fixed, changes = fix_text(with_tags(f"symptom-fatigue, {OLD}"), vocabulary)
    assert f":tags: symptom-fatigue, {NEW}" in fixed
    assert changes
    assert codes(fixed, vocabulary) == []


def broken_vocabulary(tmp_path: Path, renamed: str) -> Path:
    text = VOCABULARY.read_text("utf-8")
    start = text.index("renamed_tags:")
    end = text.index("\n\n", start)
    path = tmp_path / "vocabulary.yaml"
    path.write_text(text[:start] + renamed + text[end:], encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("renamed", "says"),
    [
        ("renamed_tags:\n  - key: old-tag\n    replaced_by: no-such-tag", "not a tag"),
        ("renamed_tags:\n  - key: symptom-fatigue\n    replaced_by: symptom-pain", "still a tag"),
    ],
)
def test_a_rename_must_lead_from_an_old_key_to_a_tag_that_exists(tmp_path, renamed, says):
    with pytest.raises(VocabularyError, match=says):
        load_vocabulary(broken_vocabulary(tmp_path, renamed))


def test_a_malformed_mesh_id_is_refused(tmp_path):
    text = VOCABULARY.read_text("utf-8").replace("id: D015415", "id: X015415", 1)
    path = tmp_path / "vocabulary.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(VocabularyError, match="not a MeSH ID"):
        load_vocabulary(path)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    from conftest import new_site

    site = new_site(
        tmp_path_factory.mktemp("taxonomy"),
        {"alpha-2020-first-fixture": with_tags(f"{OLD}, symptom-fatigue")},
    )
    return site, site.build()


def test_the_build_advises_at_the_tags_line(built):
    _, build = built
    assert build.warning_lines() == []
    lines = [line for line in build.advice_lines() if "ATLAS130" in line]
    assert len(lines) == 1
    assert "alpha-2020-first-fixture.md:15" in lines[0]


def test_a_page_with_the_old_key_is_listed_under_the_new_tag(built):
    site, _ = built
    titles = [a.get_text() for a in site.html(f"tags/{NEW}").select('table a[href*="studies/"]')]
    assert titles == ["Alpha fixture: a randomised trial"]


def test_the_old_tag_address_leads_to_the_new_tag(built):
    site, _ = built
    page = site.html(f"tags/{OLD}")
    refresh = page.select_one('meta[http-equiv="refresh"]')
    assert refresh is not None and refresh["content"].endswith(f"url={NEW}.html")
    assert page.select_one('meta[name="robots"]')["content"] == "noindex"
    link = page.select_one(f'a[href="{NEW}.html"]')
    assert link is not None and "Diagnosis and Case Definition" in link.get_text()
    assert page.select_one('[data-pagefind-ignore="all"]') is not None


def test_the_old_tag_address_is_not_in_the_sitemap(built):
    site, _ = built
    sitemap = (site.outdir / "sitemap.xml").read_text("utf-8")
    assert f"tags/{NEW}.html" in sitemap
    assert f"tags/{OLD}.html" not in sitemap


def test_the_guide_page_gives_each_term_its_mesh_name_and_id(built):
    site, _ = built
    text = " ".join(site.html("how-the-atlas-works").get_text().split())
    assert "MeSH: Post-Acute COVID-19 Syndrome (D000094024)." in text
    assert "MeSH: Case-Control Studies (D016022)." in text
