"""Imports fill in what the export knows; authors and identifiers have honest forms.

``atlas new --from`` sets the design from publication types, MeSH headings or
keywords, suggests tags, sets peer review from the record type, and says on
the page where each came from. Group authors, "and others", papers with no
named author and papers without DOI or PMID each have a form that every
output writes the one right way.
"""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import bibtexparser
import pytest
import rispy
from atlas.model import citation
from atlas.model.markup import PROMPT_MARKER
from atlas.model.page import check_file
from atlas.model.references import read_references
from atlas.model.vocabulary import load_vocabulary
from atlas.sphinx.studyview import StudyView
from conftest import FIXTURES, SOURCE, fixture_study, new_site
from test_cli_check import make_project, run
from test_cli_new import filled, options

STUDIES = Path("source/studies")
VOCABULARY = load_vocabulary(SOURCE / "vocabulary.yaml")

MEDLINE = """\
PMID- 90000201
TI  - Pooled blood markers in long COVID and ME/CFS: a meta-analysis.
FAU - Quist, Hanne
AU  - Quist H
FAU - Rahman, Ali
AU  - Rahman A
PT  - Journal Article
PT  - Meta-Analysis
PT  - Review
MH  - Humans
MH  - *Fatigue Syndrome, Chronic/blood
MH  - *Post-Acute COVID-19 Syndrome/blood
MH  - Biomarkers/blood
MH  - Cohort Studies
DP  - 2023 May
JT  - Journal of Test Fixtures
LID - 10.5555/fixture.pooled [doi]
"""

RIS_REPORT = """\
TY  - RPRT
AU  - Fixture Institute for Care,
TI  - Pacing for children with ME/CFS: a fixture report.
PY  - 2021
PB  - Fixture Institute for Care
SN  - FIX-REP-7
KW  - pacing
KW  - children
UR  - https://www.example.org/reports/fix-rep-7
ER  -
"""

BIBTEX_OTHERS = """\
@article{kowalski2020,
  author = {Kowalski, Jan and others},
  title = {Heart rate while standing in a fixture cross-sectional study.},
  journal = {Journal of Test Fixtures},
  year = {2020},
  doi = {10.5555/fixture.standing},
  keywords = {cross-sectional study, orthostatic intolerance}
}
"""

NO_AUTHOR_RIS = """\
TY  - JOUR
TI  - An unsigned fixture editorial about exertion
JO  - Journal of Test Fixtures
PY  - 2019
DO  - 10.5555/fixture.unsigned
ER  -
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = make_project(tmp_path / "atlas")
    monkeypatch.chdir(root)
    return root


def export(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_medline_publication_type_sets_the_design_and_mesh_suggests_tags(project, tmp_path, capsys):
    status, lines = run(capsys, "new", "--from", export(tmp_path, "x.nbib", MEDLINE))
    page = STUDIES / "quist-2023-pooled-blood.md"
    assert status == 0
    assert lines[0] == f"Created {page} from PMID 90000201."
    assert (
        lines[1]
        == "    Design set to meta-analysis from the export's publication type 'Meta-Analysis'."
    )
    assert lines[2] == (
        "    Tags suggested from the export, to confirm on the page: topic-biomarkers, "
        "topic-long-covid."
    )
    written = options(page)
    assert written["design"] == "meta-analysis"
    assert written["tags"] == "topic-biomarkers, topic-long-covid"
    assert written["title"] == "Pooled blood markers in long COVID and ME/CFS: a meta-analysis"
    prompt = next(line for line in page.read_text("utf-8").splitlines() if "Check the" in line)
    assert "topic-biomarkers (from MeSH heading 'Biomarkers')" in prompt
    assert "topic-long-covid (from MeSH heading 'Post-Acute COVID-19 Syndrome')" in prompt
    assert "delete the others from :tags:" in prompt


def test_the_suggestions_stay_flagged_until_the_prompt_is_gone(project, tmp_path, capsys):
    run(capsys, "new", "--from", export(tmp_path, "x.nbib", MEDLINE))
    page = STUDIES / "quist-2023-pooled-blood.md"
    status, lines = run(capsys, "check", str(page))
    assert status == 1
    prompt_line = next(
        number
        for number, line in enumerate(page.read_text("utf-8").splitlines(), 1)
        if "tags were suggested" in line
    )
    assert any(f"{page}:{prompt_line}:1 ATLAS072" in line for line in lines)
    page.write_text(filled(page.read_text("utf-8")), encoding="utf-8")
    assert run(capsys, "check", str(page)) == (0, ["Checked 1 file: no problems."])


def test_a_ris_report_gets_its_group_author_number_and_peer_review(project, tmp_path, capsys):
    status, lines = run(capsys, "new", "--from", export(tmp_path, "x.ris", RIS_REPORT))
    page = STUDIES / "fixture-2021-pacing-children.md"
    assert status == 0, lines
    written = options(page)
    assert written["authors"] == "Fixture Institute for Care"
    assert written["title"] == "Pacing for children with ME/CFS: a fixture report"
    assert written["report"] == "FIX-REP-7"
    assert written["peer-review"] == "not-peer-reviewed"
    assert "paper-url" not in written  # the report number identifies it
    assert (
        written["tags"] == "topic-pacing-and-self-management, population-children-and-adolescents"
    )


def test_bibtex_and_others_means_et_al_and_keywords_set_the_design(project, tmp_path, capsys):
    status, lines = run(capsys, "new", "--from", export(tmp_path, "x.bib", BIBTEX_OTHERS))
    page = STUDIES / "kowalski-2020-heart-rate.md"
    assert status == 0, lines
    written = options(page)
    assert written["authors"] == "Kowalski, Jan; et al."
    assert written["design"] == "cross-sectional"
    assert written["tags"] == "symptom-orthostatic-intolerance"
    assert written["title"] == "Heart rate while standing in a fixture cross-sectional study"
    assert any("only some authors" in line for line in lines)


def test_a_record_without_authors_is_reported_at_import(project, tmp_path, capsys):
    status, lines = run(capsys, "new", "--from", export(tmp_path, "x.ris", NO_AUTHOR_RIS))
    assert status == 0
    assert (
        lines[0]
        == f"Created {STUDIES}/unknown-2019-unsigned-fixture.md from DOI 10.5555/fixture.unsigned."
    )
    assert lines[1].startswith("    The export names no author.")
    assert "[No authors listed]" in lines[1]
    assert options(STUDIES / "unknown-2019-unsigned-fixture.md")["authors"].startswith(
        PROMPT_MARKER
    )


def test_titles_are_the_same_from_every_format():
    titles = {
        read_references(MEDLINE.replace("a meta-analysis.", "a test."), "medline")[0][0].title,
        read_references(RIS_REPORT.replace("report.", "test."), "ris")[0][0].title,
        read_references(BIBTEX_OTHERS.replace("study.}", "test.}"), "bibtex")[0][0].title,
    }
    assert all(not title.endswith(".") for title in titles)
    assert read_references(RIS_REPORT.replace("report.", "report..."), "ris")[0][0].title.endswith(
        "report..."
    )


def test_a_near_duplicate_title_is_reported_when_the_page_is_made(project, tmp_path, capsys):
    alpha = options(project / STUDIES / "alpha-2020-first-fixture.md")
    near = BIBTEX_OTHERS.replace(
        "Heart rate while standing in a fixture cross-sectional study.", alpha["title"] + "s"
    )
    status, lines = run(capsys, "new", "--from", export(tmp_path, "x.bib", near))
    assert status == 0
    (warning,) = [line for line in lines if "Warning: ATLAS076" in line]
    assert "studies/alpha-2020-first-fixture" in warning


def test_a_paper_without_doi_or_pmid_is_added_by_report_number_and_found_again(
    project, tmp_path, capsys
):
    path = export(tmp_path, "x.ris", RIS_REPORT)
    assert run(capsys, "new", "--from", path)[0] == 0
    again = RIS_REPORT.replace("SN  - FIX-REP-7", "SN  - fix rep 7").replace("children", "young")
    status, lines = run(capsys, "new", "--from", export(tmp_path, "y.ris", again))
    assert status == 1
    assert (
        lines[0].startswith("Skipped ") and "Report fix rep 7 is already in the atlas" in lines[0]
    )


def test_options_take_an_isbn_or_a_web_address(project, capsys):
    status, lines = run(
        capsys, "new", "--title", "A fixture book", "--year", "2015", "--isbn", "978-0-309-31689-7"
    )
    assert status == 0, lines
    assert options(STUDIES / "unknown-2015-fixture-book.md")["isbn"] == "978-0-309-31689-7"
    status, lines = run(
        capsys, "new", "--title", "A fixture web page", "--year", "2016", "--url", "https://x.org/a"
    )
    assert status == 0, lines
    assert any("web.archive.org" in line for line in lines)


# -- the page rules ------------------------------------------------------------------------

BASE = fixture_study("alpha-2020-first-fixture")


def page_codes(
    project: Path, capsys, text: str, name: str = "alpha-2020-first-fixture"
) -> list[str]:
    (project / STUDIES / f"{name}.md").write_text(text, encoding="utf-8")
    _, lines = run(capsys, "check", str(STUDIES / f"{name}.md"))
    return [found[1] for line in lines if (found := re.search(r":\d+:\d+ (ATLAS\d+) ", line))]


def without_identifiers(text: str) -> str:
    return re.sub(r"^:(doi|pmid): .*\n", "", text, flags=re.M)


def test_unknown_as_an_author_is_refused_and_fixed(project, capsys):
    text = re.sub(r"^:authors: .*$", ":authors: Unknown", BASE, count=1, flags=re.M)
    assert "ATLAS131" in page_codes(project, capsys, text)
    run(capsys, "check", "--fix", str(STUDIES / "alpha-2020-first-fixture.md"))
    fixed = (project / STUDIES / "alpha-2020-first-fixture.md").read_text("utf-8")
    assert ":authors: [No authors listed]" in fixed


def test_a_page_with_no_named_author_is_named_unknown(project, capsys):
    text = re.sub(r"^:authors: .*$", ":authors: [No authors listed]", BASE, count=1, flags=re.M)
    assert page_codes(project, capsys, text) == ["ATLAS075"]
    (project / STUDIES / "alpha-2020-first-fixture.md").unlink()
    assert page_codes(project, capsys, text, "unknown-2020-first-fixture") == []


def test_a_report_number_identifies_a_page_and_finds_its_duplicate(project, capsys):
    text = without_identifiers(BASE).replace(":design:", ":report: FIX-REP-7\n:design:", 1)
    assert page_codes(project, capsys, text) == []
    assert "ATLAS012" in page_codes(project, capsys, without_identifiers(BASE))
    twin = text.replace("FIX-REP-7", "fix rep 7")
    (project / STUDIES / "alpha-2020-first-fixture.md").write_text(text, encoding="utf-8")
    assert "ATLAS060" in page_codes(project, capsys, twin, "alpha-2020-second-copy")


def test_an_isbn_must_have_a_fitting_check_digit(project, capsys):
    good = without_identifiers(BASE).replace(":design:", ":isbn: 978-0-309-31689-7\n:design:", 1)
    assert page_codes(project, capsys, good) == []
    bad = good.replace("31689-7", "31689-8")
    assert page_codes(project, capsys, bad) == ["ATLAS132"]


def test_a_web_address_needs_its_archived_copy(project, capsys):
    url = ":paper-url: https://www.example.org/fixture\n"
    text = without_identifiers(BASE).replace(":design:", url + ":design:", 1)
    assert page_codes(project, capsys, text) == ["ATLAS134"]
    archived = (
        url + ":archive-url: https://web.archive.org/web/2024/https://www.example.org/fixture\n"
    )
    text = without_identifiers(BASE).replace(":design:", archived + ":design:", 1)
    assert page_codes(project, capsys, text) == []


# -- what the site and the exports show -----------------------------------------------------

GROUP_PAGE = re.sub(
    r"^:authors: .*$",
    ":authors: Fixture Institute for Care",
    without_identifiers(BASE),
    count=1,
    flags=re.M,
).replace(
    ":design:",
    ":report: FIX-REP-7\n:paper-url: https://www.example.org/r\n"
    ":archive-url: https://web.archive.org/web/2024/https://www.example.org/r\n:design:",
    1,
)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    site = new_site(
        tmp_path_factory.mktemp("imports"),
        {
            "fixture-2020-first-fixture": GROUP_PAGE,
            "beasant-2018-second-fixture": re.sub(
                r"^:authors: .*$",
                ":authors: Beasant, Lucy; Crawley, Esther; Montgomery, Alan; Smith, Jo",
                fixture_study("beta-2018-second-fixture"),
                count=1,
                flags=re.M,
            ),
        },
    )
    return site, site.build()


def test_the_site_builds_without_warnings(built):
    _, build = built
    assert build.warning_lines() == []


def checked(text: str, name: str):
    """The record the checks make of a page, as every export reads it."""
    result = check_file(Path(f"{name}.md"), text, VOCABULARY, f"studies/{name}", date.today())
    assert result.study is not None
    return result.study


def test_a_group_author_is_shown_whole_and_braced_in_bibtex(built):
    site, _ = built
    page = site.html("studies/fixture-2020-first-fixture")
    assert page.select_one(".atlas-byline").get_text().startswith("Fixture Institute for Care")
    library = bibtexparser.parse_string((site.outdir / "atlas.bib").read_text("utf-8"))
    (entry,) = [entry for entry in library.entries if entry.key == "fixture-2020-first-fixture"]
    assert entry.entry_type == "techreport"
    assert entry["author"] == "{Fixture Institute for Care}"
    assert entry["number"] == "FIX-REP-7"


def test_the_byline_says_et_al_with_a_comma(built):
    site, _ = built
    byline = site.html("studies/beasant-2018-second-fixture").select_one(".atlas-byline").get_text()
    assert byline.startswith("Beasant L, Crawley E, Montgomery A, et al.")


def test_exports_carry_the_other_identifiers(built):
    site, _ = built
    data = json.loads((site.outdir / "studies.json").read_text("utf-8"))
    (record,) = [r for r in data["studies"] if r["id"] == "studies/fixture-2020-first-fixture"]
    assert record["report"] == "FIX-REP-7"
    assert record["paper-url"] == "https://www.example.org/r"
    assert record["archive-url"].startswith("https://web.archive.org/")
    (ris,) = rispy.loads(citation.ris([checked(GROUP_PAGE, "fixture-2020-first-fixture")]))
    assert ris["type_of_reference"] == "RPRT"
    assert ris["authors"] == ["Fixture Institute for Care"]
    assert ris["issn"] == "FIX-REP-7"
    assert ris["urls"][0] == "https://www.example.org/r"


def test_no_named_author_and_et_al_in_every_citation():
    unsigned = re.sub(r"^:authors: .*$", ":authors: [No authors listed]", BASE, count=1, flags=re.M)
    study = checked(unsigned, "unknown-2020-first-fixture")
    assert study.byline_authors == ""
    assert citation.reference(study).startswith("Alpha fixture")
    (entry,) = bibtexparser.parse_string(citation.bibtex([study])).entries
    assert "author" not in entry.fields_dict
    assert "authors" not in rispy.loads(citation.ris([study]))[0]
    more = re.sub(r"^:authors: .*$", ":authors: Kowalski, Jan; et al.", BASE, count=1, flags=re.M)
    study = checked(more, "kowalski-2020-first-fixture")
    assert study.byline_authors == "Kowalski J, et al."
    assert citation.reference(study).startswith("Kowalski J, et al. Alpha fixture")
    (entry,) = bibtexparser.parse_string(citation.bibtex([study])).entries
    assert entry["author"] == "Kowalski, Jan and others"


def test_a_preprint_server_makes_a_preprint_whatever_the_record_type(project, tmp_path, capsys):
    preprint = BIBTEX_OTHERS.replace("Journal of Test Fixtures", "medRxiv")
    assert run(capsys, "new", "--from", export(tmp_path, "x.bib", preprint))[0] == 0
    assert options(STUDIES / "kowalski-2020-heart-rate.md")["peer-review"] == "preprint"


def test_a_page_without_doi_or_pmid_shows_the_identifiers_it_has(built):
    site, _ = built
    page = site.html("studies/fixture-2020-first-fixture")
    assert "Report FIX-REP-7" in page.select_one(".atlas-byline").get_text()
    text = page.get_text(" ", strip=True)
    assert "Report number FIX-REP-7" in text
    archived = page.select_one('a[href^="https://web.archive.org/"]')
    assert archived is not None
    assert page.select_one('a[href="https://www.example.org/r"]') is not None


def test_head_metadata_names_a_group_as_an_organization(built):
    site, _ = built
    page = site.html("studies/fixture-2020-first-fixture")
    authors = [tag["content"] for tag in page.select('meta[name="citation_author"]')]
    assert authors == ["Fixture Institute for Care"]
    (script,) = page.select('script[type="application/ld+json"]')
    data = json.loads(script.get_text())
    about = data.get("about", data)
    assert about["author"] == [{"@type": "Organization", "name": "Fixture Institute for Care"}]


# -- the three papers of the contributor walkthrough (exports made by hand from the record) --

WALKTHROUGH = {
    "lim-2020.nbib": (
        "lim-2020-systematic-review",
        {"design": "meta-analysis", "tags": "topic-prevalence-and-epidemiology"},
    ),
    "decodeme-2025.bib": (
        "decodeme-2025-initial-findings",
        {"authors": "DecodeME Collaboration", "peer-review": "preprint"},
    ),
    "nice-ng206.ris": (
        "national-2021-myalgic-encephalomyelitis",
        {
            "authors": "National Institute for Health and Care Excellence",
            "report": "NG206",
            "peer-review": "not-peer-reviewed",
        },
    ),
}


@pytest.mark.parametrize("export_name", list(WALKTHROUGH))
def test_the_walkthrough_exports_give_what_their_pages_start_from(project, capsys, export_name):
    name, expected = WALKTHROUGH[export_name]
    assert run(capsys, "new", "--from", str(FIXTURES / "exports" / export_name))[0] == 0
    written = options(STUDIES / f"{name}.md")
    assert {key: written.get(key) for key in expected} == expected


@pytest.mark.parametrize("export_name", list(WALKTHROUGH))
def test_a_walkthrough_paper_already_in_the_atlas_is_refused(project, capsys, export_name):
    for page in ("lim-2020-systematic-review", "decodeme-2025-initial-findings",
                 "nice-2021-myalgic-encephalomyelitis"):  # fmt: skip
        (project / STUDIES / f"{page}.md").write_text(
            (SOURCE / "studies" / f"{page}.md").read_text("utf-8"), encoding="utf-8"
        )
    status, lines = run(capsys, "new", "--from", str(FIXTURES / "exports" / export_name))
    assert status == 1
    assert "is already in the atlas at" in lines[0]


def test_a_group_that_publishes_its_own_report_is_named_once():
    own = GROUP_PAGE.replace(
        ":journal: Journal of Test Fixtures", ":journal: Fixture Institute for Care"
    )
    view = StudyView(checked(own, "fixture-2020-first-fixture"), [], VOCABULARY, "guide", "tags")
    assert view.byline()[:3] == ["Fixture Institute for Care", "2020", "Report FIX-REP-7"]
