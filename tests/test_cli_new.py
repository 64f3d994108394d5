"""``atlas new``: pages from options and from MEDLINE, RIS and BibTeX exports."""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import pytest
from atlas.cli import main
from atlas.model.markup import PROMPT_MARKER
from conftest import FIXTURES
from test_cli_check import make_project, run

EXPORTS = FIXTURES / "exports"
STUDIES = Path("source/studies")


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = make_project(tmp_path / "atlas")
    monkeypatch.chdir(root)
    return root


def options(page: Path) -> dict[str, str]:
    lines = page.read_text("utf-8").splitlines()
    return dict(re.match(r"^:([\w-]+): (.*)$", line).groups() for line in lines if line[:1] == ":")


def filled(text: str) -> str:
    """The page as a contributor leaves it: every prompt replaced by words of their own."""
    text = re.sub(rf"^- {PROMPT_MARKER}: .*$", "- Something the study found.", text, flags=re.M)
    return re.sub(rf"^{PROMPT_MARKER}: .*$", "A plain sentence about the study.", text, flags=re.M)


def test_a_page_from_options(project, capsys):
    status, lines = run(
        capsys,
        "new",
        "--title",
        "Heart rate in the days after exercise: an invented study",
        "--authors",
        "Þórsdóttir, Anna; Lee, K",
        "--journal",
        "Journal of Test Fixtures",
        "--year",
        "2022",
        "--doi",
        "https://doi.org/10.5555/Fixture.Options",
        "--pmid",
        "PMID: 99000010",
    )
    page = STUDIES / "thorsdottir-2022-heart-rate.md"
    assert status == 0
    assert lines[0] == f"Created {page} from PMID 99000010."
    assert lines[1].endswith(f"then run: make check FILES={page}")
    assert options(page) == {
        "title": "Heart rate in the days after exercise: an invented study",
        "authors": "Þórsdóttir, Anna; Lee, K",
        "journal": "Journal of Test Fixtures",
        "year": "2022",
        "doi": "10.5555/Fixture.Options",
        "pmid": "99000010",
        "design": "observational",
        "evidence": "E3",
        "confidence": "preliminary",
        "pem": "unclear",
        "case-definition": "not-stated",
        "peer-review": "peer-reviewed",
        "review": "community-draft",
        "updated": datetime.date.today().isoformat(),
    }


def test_the_new_page_fails_only_on_its_prompts_and_passes_once_they_are_filled(project, capsys):
    run(
        capsys,
        "new",
        "--title",
        "An invented study of sleep",
        "--year",
        "2021",
        "--pmid",
        "99000011",
    )
    page = STUDIES / "unknown-2021-invented-study.md"
    status, lines = run(capsys, "check", str(page))
    codes = {line.split()[1] for line in lines if line.startswith(str(page))}
    assert status == 1
    assert codes == {"ATLAS072"}
    text = page.read_text("utf-8")
    text = text.replace(
        f":authors: {PROMPT_MARKER}: Surname, Given names; Second, Author (or the group's name)",
        ":authors: Nobody, Some",
    )
    text = text.replace(f":journal: {PROMPT_MARKER}: the journal's full name", ":journal: Tests")
    page.unlink()
    page = STUDIES / "nobody-2021-invented-study.md"
    page.write_text(filled(text), encoding="utf-8")
    assert run(capsys, "check", str(page)) == (0, ["Checked 1 file: no problems."])


def test_the_confirm_prompt_names_the_placeholders_and_the_publication_type(project, capsys):
    run(capsys, "new", "--from", str(EXPORTS / "three-records.nbib"))
    text = (STUDIES / "odegard-2021-orthostatic-intolerance.md").read_text("utf-8")
    prompt = next(line for line in text.splitlines() if "Check the options above" in line)
    # The publication type set the design; the prompt says so, and the rest are placeholders.
    assert ":design: rct" in text.splitlines()
    assert (
        ":design: rct comes from the export's publication type 'Randomized Controlled Trial'"
        in prompt
    )
    assert ":evidence: E3, :confidence: preliminary are placeholders" in prompt
    assert "The export lists the paper as: Randomized Controlled Trial." in prompt


def test_a_medline_export_gives_one_page_per_record_and_reports_each(project, capsys):
    project_page = project / STUDIES / "daniels-2011-socialization-model.md"
    project_page.write_text(
        (Path(__file__).parent.parent / "source" / "studies" / project_page.name).read_text("utf-8")
    )
    status, lines = run(capsys, "new", "--from", str(EXPORTS / "three-records.nbib"))
    assert status == 1
    assert [line for line in lines if not line.startswith("    ")][:3] == [
        f"Created {STUDIES}/odegard-2021-orthostatic-intolerance.md from Record 1 (PMID 90000101).",
        "Skipped Record 2 (PMID 21092360): DOI 10.1017/S1352465810000792 is already in the atlas "
        f"at {STUDIES}/daniels-2011-socialization-model.md.",
        f"Created {STUDIES}/fixture-2024-sleep-after.md from Record 3 (PMID 90000103).",
    ]
    first = options(STUDIES / "odegard-2021-orthostatic-intolerance.md")
    assert first["title"] == (
        "Orthostatic intolerance in myalgic encephalomyelitis: a fixture cohort whose title "
        "runs over two lines"
    )
    assert first["authors"] == "Ødegård, Åse K; Smith, John"
    assert (first["journal"], first["year"]) == ("Journal of Test Fixtures", "2021")
    assert (first["doi"], first["pmid"]) == ("10.5555/fixture.medline", "90000101")
    preprint = options(STUDIES / "fixture-2024-sleep-after.md")
    assert preprint["title"] == "Sleep after exertion: an invented preprint"
    assert preprint["authors"] == "Fixture Study Group"
    assert preprint["peer-review"] == "preprint"


def test_a_ris_export(project, capsys):
    status, lines = run(capsys, "new", "--from", str(EXPORTS / "two-records.ris"))
    assert status == 1
    assert lines[1] == (
        "Skipped Record 2 (DOI 10.5555/fixture.undated): it has no publication year; "
        "add it to the export or use --year."
    )
    page = options(STUDIES / "muller-2019-heart-rate.md")
    assert page["authors"] == "Müller, Anna B; Lee, K"
    assert (page["journal"], page["year"]) == ("Journal of Test Fixtures", "2019")
    assert (page["doi"], page["pmid"]) == ("10.5555/fixture.ris", "90000102")


def test_a_bibtex_export_decodes_latex_and_keeps_group_names_whole(project, capsys):
    status, lines = run(capsys, "new", "--from", str(EXPORTS / "two-records.bib"))
    assert status == 0
    assert lines[0] == "Skipped a BibTeX entry that could not be read (line 10)."
    page = options(STUDIES / "van-der-berg-2018-me-cfs.md")
    assert page["title"] == "ME/CFS and the Two-Day Exercise Test: an Invented Entry"
    assert page["authors"] == "van der Berg, Jan; Müller, Anna B; Fixture Study Group"
    assert (page["doi"], page["pmid"]) == ("10.5555/fixture.bibtex", "90000104")


def test_the_format_is_read_from_the_content_when_the_suffix_says_nothing(
    project, capsys, tmp_path
):
    export = tmp_path / "pubmed-export.txt"
    export.write_text((EXPORTS / "two-records.ris").read_text("utf-8"), encoding="utf-8")
    assert run(capsys, "new", "--from", str(export))[1][0].startswith("Created")
    export.write_text("Just some notes.\n", encoding="utf-8")
    assert main(["new", "--from", str(export)]) == 2
    assert "Name the format with --format" in capsys.readouterr().err


def test_a_name_clash_gets_a_number_and_a_doi_in_another_spelling_is_refused(project, capsys):
    base = ["new", "--title", "Alpha fixture again", "--authors", "Alpha, A", "--year", "2020"]
    assert run(capsys, *base, "--pmid", "99000020")[0] == 0
    assert run(capsys, *base, "--pmid", "99000021")[0] == 0
    assert (STUDIES / "alpha-2020-alpha-fixture-2.md").exists()
    status, lines = run(capsys, *base, "--doi", "doi:10.5555/FIXTURE.ALPHA")
    assert status == 1
    assert lines == [
        "Skipped DOI 10.5555/FIXTURE.ALPHA: DOI 10.5555/FIXTURE.ALPHA is already in the atlas at "
        f"{STUDIES}/alpha-2020-first-fixture.md."
    ]


def test_an_existing_file_is_never_overwritten(project, capsys):
    page = STUDIES / "beta-2018-second-fixture.md"
    before = page.read_text("utf-8")
    status, lines = run(
        capsys, "new", "--title", "T", "--year", "2018", "--pmid", "99000030", "--slug", page.stem
    )
    assert status == 1
    assert lines == [
        f"Skipped PMID 99000030: {page} already exists, and atlas new never overwrites a file."
    ]
    assert page.read_text("utf-8") == before


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--from", "x.nbib", "--title", "T"], "use --from or the field options, not both"),
        (["--year", "2020"], "give at least --title"),
    ],
)
def test_unusable_arguments_stop_with_status_2(project, capsys, args, says):
    assert main(["new", *args]) == 2
    assert says in capsys.readouterr().err


def test_a_record_without_identifiers_is_refused(project, capsys):
    status, lines = run(capsys, "new", "--title", "No identifiers", "--year", "2020")
    assert status == 1
    assert "it has no DOI, PMID, ISBN, report number or web address" in lines[0]
