"""``atlas check``: output format, exit status, GitHub annotations, --fix and atlas-wide rules."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from atlas.cli import main
from atlas.model.rules import Rule
from cases import BASE
from conftest import FIXTURE_NAMES, FIXTURES, ROOT, SOURCE


def make_project(root: Path) -> Path:
    """A small atlas: the real vocabulary and template, and the four fixture studies."""
    (root / "source" / "studies").mkdir(parents=True)
    (root / "_templates").mkdir()
    shutil.copy(SOURCE / "vocabulary.yaml", root / "source")
    shutil.copy(ROOT / "_templates" / "study.md", root / "_templates")
    for name in FIXTURE_NAMES:
        shutil.copy(FIXTURES / "studies" / f"{name}.md", root / "source" / "studies")
    return root


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = make_project(tmp_path / "atlas")
    monkeypatch.chdir(root)
    return root


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[str]]:
    status = main(list(args))
    return status, capsys.readouterr().out.splitlines()


def write(project: Path, name: str, text: str) -> str:
    path = project / "source" / "studies" / f"{name}.md"
    path.write_text(text, encoding="utf-8")
    return f"source/studies/{name}.md"


NEW_TITLE = "Resting heart rate in an invented trial"


def fresh(text: str = BASE, number: int = 1) -> str:
    """The base fixture as a paper of its own: new title, DOI and PMID."""
    text = text.replace("Alpha fixture: a randomised trial", f"{NEW_TITLE} {number}")
    return text.replace("fixture.alpha", f"fixture.new{number}").replace(
        "90000001", f"9900000{number}"
    )


def test_a_clean_atlas_passes(project, capsys):
    assert run(capsys, "check") == (0, ["Checked 4 files: no problems."])


def test_an_error_is_printed_as_path_line_column_code_message_with_a_hint(project, capsys):
    page = write(project, "alpha-2020-new-page", fresh().replace(":evidence: E1", ":evidence: E5"))
    status, lines = run(capsys, "check", page)
    assert status == 1
    assert lines[0] == (
        f"{page}:9:1 ATLAS020 Unknown value 'E5' for ':evidence:'. Allowed: E0, E1, E2, E3."
    )
    assert lines[1].startswith("    hint: Use one of the values the message lists.")
    assert lines[1].endswith("More: .venv/bin/atlas rules ATLAS020")
    assert lines[-1] == "Checked 1 file: 1 error."


def test_warnings_alone_exit_zero_and_say_so(project, capsys):
    text = fresh().replace("A fixture study used by the test suite.", "You should rest more.")
    page = write(project, "alpha-2020-advice", text)
    status, lines = run(capsys, "check", page)
    assert status == 0
    assert lines[0].startswith(f"{page}:20:1 ATLAS074 'You should' reads as medical advice")
    assert "(A warning: it does not fail the check.)" in lines[1]
    assert lines[-1] == "Checked 1 file: 1 warning."


def test_the_hint_is_shown_once_per_rule(project, capsys):
    text = fresh().replace(":journal: Journal of Test Fixtures", ":journal: FILL IN")
    text = text.replace("It lets the tests", "FILL IN: It lets the tests")
    status, lines = run(capsys, "check", write(project, "alpha-2020-prompts", text))
    assert status == 1
    assert sum(line.startswith("    hint:") for line in lines) == 1
    assert lines[-1] == "Checked 1 file: 2 errors."


def test_github_format_annotates_with_escaped_text(project, capsys):
    text = fresh().replace(":journal: Journal of Test Fixtures", ":journal:")
    text = text.replace("A fixture study used by the test suite.", "It cures 100% of cases.")
    text = text.replace(":evidence: E1", ":evidence: E3")
    page = write(project, "alpha-2020-github", text)
    status, lines = run(capsys, "check", "--format", "github", page)
    assert status == 1
    assert lines[0] == (
        f"::error file={page},line=4,col=1,title=ATLAS011::Option ':journal:' is empty. "
        "Fill it in, for example ':journal: Behavioural and Cognitive Psychotherapy'."
    )
    assert lines[1].startswith(f"::warning file={page},line=20,col=4,title=ATLAS073::'cures'")
    assert "100%25 of cases" not in lines[1]  # the message quotes the word, not the line


def test_github_escaping_of_percent_newline_comma_and_colon():
    from atlas.cli.check import _escape

    assert _escape("50% done\nnext") == "50%25 done%0Anext"
    assert _escape("a,b:c", property_value=True) == "a%2Cb%3Ac"


def test_a_folder_and_a_missing_path(project, capsys):
    assert run(capsys, "check", "source") == (0, ["Checked 4 files: no problems."])
    assert main(["check", "source/studies/nothing.md"]) == 2
    assert "no such file or folder" in capsys.readouterr().err


def test_a_page_outside_the_atlas_is_checked_against_the_atlas(project, capsys, tmp_path):
    outside = tmp_path / "alpha-2020-draft.md"
    outside.write_text(BASE, encoding="utf-8")
    status, lines = run(capsys, "check", str(outside))
    assert status == 1
    assert "ATLAS060 DOI 10.5555/fixture.alpha is already in the atlas at studies/alpha" in lines[0]


# -- rules across pages ----------------------------------------------------------------


def test_a_new_page_with_a_known_pmid_is_reported_on_the_new_page(project, capsys):
    text = fresh().replace(":pmid: 99000001", ":pmid: PMID: 90000002")
    page = write(project, "alpha-2020-again", text)
    status, lines = run(capsys, "check", page)
    assert status == 1
    assert lines[0].startswith(f"{page}:1:1 ATLAS060 PMID 90000002 is already in the atlas")
    assert "studies/beta-2018-second-fixture" in lines[0]


def test_a_near_duplicate_title_is_a_warning(project, capsys):
    title = ":title: Beta fixture: an observational cohort."
    text = fresh().replace(f":title: {NEW_TITLE} 1", title)
    status, lines = run(capsys, "check", write(project, "alpha-2020-similar", text))
    assert status == 0
    assert "ATLAS076 This title is 100% like the title of studies/beta-2018" in lines[0]


def test_the_file_name_must_fit_the_study(project, capsys):
    page = write(project, "my-new-study", fresh())
    status, lines = run(capsys, "check", page)
    assert status == 1
    assert lines[0].startswith(f"{page}:1:1 ATLAS075 The file name 'my-new-study.md'")
    assert "for example 'alpha-2020-resting-heart.md'" in lines[0]


def test_checking_everything_reports_the_later_page_of_a_clash(project, capsys):
    write(project, "alpha-2020-copy", BASE)
    status, lines = run(capsys, "check")
    clashes = [line for line in lines if " ATLAS060 " in line]
    assert status == 1
    # Both pages are asked about; the later name is reported, as the build does,
    # once for the DOI and once for the PMID.
    assert [line.split(":")[0] for line in clashes] == [
        "source/studies/alpha-2020-first-fixture.md",
        "source/studies/alpha-2020-first-fixture.md",
    ]


# -- --fix -------------------------------------------------------------------------------

MESSY = (
    fresh()
    .replace(":tags: symptom-fatigue, method-flag-small-sample\n", "")
    .replace(
        ":title:", ":tags: Symptom: Fatigue,METHOD-FLAG-SMALL-SAMPLE , symptom-fatigue\n:title:"
    )
    .replace(":doi: 10.5555/fixture.new1", ":doi: https://doi.org/10.5555/fixture.new1   ")
    .replace(":pmid: 99000001", ":pmid: PMID: 9900 0001")
    .replace("## Why it matters", "### why it matters")
)


def test_fix_rewrites_safely_reports_each_change_and_then_passes(project, capsys):
    page = write(project, "alpha-2020-messy", MESSY)
    status, lines = run(capsys, "check", "--fix", page)
    assert status == 0, lines
    fixes = [line.removeprefix(f"{page}:") for line in lines if ": fixed: " in line]
    assert fixes == [
        "2: fixed: ':tags:' 'Symptom: Fatigue,METHOD-FLAG-SMALL-SAMPLE , symptom-fatigue' "
        "became 'symptom-fatigue, method-flag-small-sample'",
        "2: fixed: put the options in the standard order (as in _templates/study.md)",
        "7: fixed: removed spaces at the end of line(s) 7",
        "7: fixed: ':doi:' 'https://doi.org/10.5555/fixture.new1' became '10.5555/fixture.new1'",
        "8: fixed: ':pmid:' 'PMID: 9900 0001' became '99000001'",
        "22: fixed: heading '### why it matters' became '## Why it matters'",
    ]
    assert (project / page).read_text("utf-8") == fresh()
    assert run(capsys, "check", "--fix", page) == (0, ["Checked 1 file: no problems."])


def test_fix_keeps_the_order_when_an_option_line_is_broken(project, capsys):
    text = MESSY.replace(":year: 2020", ":year 2020")
    page = write(project, "alpha-2020-broken", text)
    status, lines = run(capsys, "check", "--fix", page)
    fixed = (project / page).read_text("utf-8")
    assert status == 1
    assert fixed.splitlines()[1] == ":tags: symptom-fatigue, method-flag-small-sample"
    assert ":year 2020" in fixed
    assert not any("standard order" in line for line in lines)
    assert any(" ATLAS003 " in line for line in lines)


def test_fix_leaves_a_clean_page_untouched(project, capsys):
    page = project / "source" / "studies" / "beta-2018-second-fixture.md"
    before = page.stat().st_mtime_ns
    assert run(capsys, "check", "--fix", str(page)) == (0, ["Checked 1 file: no problems."])
    assert page.stat().st_mtime_ns == before


# -- atlas rules ---------------------------------------------------------------------------


def test_rules_explains_a_code(capsys):
    status, lines = run(capsys, "rules", "atlas073")
    assert status == 0
    assert lines[0] == "ATLAS073 causal-wording (warning)"
    assert lines[2].startswith("    fix:   Say what was observed")


def test_every_rule_code_is_explained_in_contributing_md(capsys):
    status, lines = run(capsys, "rules", "--markdown")
    table = "\n".join(lines) + "\n"
    contributing = (ROOT / "CONTRIBUTING.md").read_text("utf-8")
    assert status == 0
    assert table in contributing, "run `atlas rules --markdown` and paste it into CONTRIBUTING.md"
    assert len(re.findall(r"^\| ATLAS\d{3} \|", table, re.MULTILINE)) == len(Rule)


def test_fix_turns_labels_into_keys_and_tidies_line_endings():
    from atlas.model.fix import fix_text
    from test_rules import VOCABULARY

    text = BASE.replace(":pem: required", ":pem: PEM required").replace(
        ":evidence: E1", ":evidence: e1"
    )
    text = text.replace("\n", "\r\n") + "\r\n\r\n"
    fixed, changes = fix_text(text, VOCABULARY)
    assert fixed == BASE
    assert [change.what for change in changes] == [
        "turned Windows line endings into plain newlines",
        "':evidence:' 'e1' became 'E1'",
        "':pem:' 'PEM required' became 'required'",
        "made the file end with exactly one newline",
    ]
    assert fix_text(fixed, VOCABULARY) == (fixed, [])


def test_fix_leaves_headings_inside_code_and_unknown_values_alone():
    from atlas.model.fix import fix_text
    from test_rules import VOCABULARY

    text = BASE.replace(
        "It lets the tests check pages, indexes and counts.",
        "~~~~\n# quick summary\n~~~~",
    ).replace(":design: rct", ":design: Randomised trial")
    assert fix_text(text, VOCABULARY) == (text, [])
