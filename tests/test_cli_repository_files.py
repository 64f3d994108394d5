"""The contributor's files around the CLI: CONTRIBUTING.md, pre-commit, CI and the issue form."""

from __future__ import annotations

import re
import shlex

import pytest
import yaml
from atlas.cli import main
from conftest import FIXTURES, ROOT
from test_cli_check import make_project

CONTRIBUTING = (ROOT / "CONTRIBUTING.md").read_text("utf-8")


def test_the_worked_example_prints_what_contributing_md_says(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(make_project(tmp_path))
    export = FIXTURES / "exports" / "hornig-2015.nbib"
    assert main(["new", "--from", str(export)]) == 0
    created = capsys.readouterr().out.splitlines()[0]
    assert created == "Created source/studies/hornig-2015-distinct-plasma.md from PMID 26079000."
    assert f"`{created}`" in CONTRIBUTING
    assert "tests/fixtures/exports/hornig-2015.nbib" in CONTRIBUTING


def test_the_pre_commit_hook_runs_the_fixer_on_study_pages_only():
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text("utf-8"))
    (hook,) = [hook for repo in config["repos"] for hook in repo["hooks"]]
    assert shlex.split(hook["entry"])[1:] == ["check", "--fix"]
    assert hook["entry"].startswith(".venv/bin/atlas ")
    pattern = re.compile(hook["files"])
    assert pattern.search("source/studies/hornig-2015-distinct-plasma.md")
    assert not pattern.search("source/index.md")


def test_the_workflow_annotates_changed_pages_and_builds_strictly():
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "check.yml").read_text("utf-8"))
    steps = " ".join(step.get("run", "") for step in workflow["jobs"]["check"]["steps"])
    assert "atlas check --format github" in steps
    assert "'source/studies/*.md'" in steps
    assert "make strict" in steps


@pytest.mark.parametrize("field", ["study", "url"])
def test_the_issue_form_has_the_fields_the_report_link_fills(field: str):
    form = yaml.safe_load((ROOT / ".github" / "ISSUE_TEMPLATE" / "report-error.yml").read_text())
    ids = [item.get("id") for item in form["body"]]
    assert field in ids


def test_contributing_md_names_only_real_commands_and_files():
    for path in re.findall(r"`((?:tests|source|_templates)/[\w/.-]+\.\w+)`", CONTRIBUTING):
        if "hornig-2015-distinct-plasma" not in path:
            assert (ROOT / path).exists(), path
    commands = set(re.findall(r"(?:^|`|\.venv/bin/)atlas (\w+)", CONTRIBUTING, re.MULTILINE))
    assert commands == {"new", "check", "rules", "vocabulary"}
