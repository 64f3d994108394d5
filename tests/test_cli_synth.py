"""`atlas synth` writes valid synthetic studies beside the project, never into it."""

from __future__ import annotations

import datetime

import pytest
from atlas.cli import main
from atlas.model.page import check_file
from atlas.model.vocabulary import load_vocabulary
from conftest import ROOT, SOURCE


def test_synth_writes_n_valid_unique_studies(tmp_path, capsys):
    assert main(["synth", "40", str(tmp_path), "--root", str(ROOT)]) == 0
    pages = sorted((tmp_path / "source" / "studies").glob("*.md"))
    assert len(pages) == 40
    assert (tmp_path / "source" / "how-the-atlas-works.md").exists()
    vocabulary = load_vocabulary(SOURCE / "vocabulary.yaml")
    dois = set()
    for page in pages:
        checked = check_file(
            page, page.read_text(), vocabulary, f"studies/{page.stem}", datetime.date.today()
        )
        assert checked.problems == [], (page.name, checked.problems)
        dois.add(checked.study.doi)
    assert len(dois) == 40
    assert "python -m atlas.sitebuild -c" in capsys.readouterr().out


def test_synth_is_deterministic(tmp_path):
    main(["synth", "5", str(tmp_path / "a"), "--root", str(ROOT)])
    main(["synth", "5", str(tmp_path / "b"), "--root", str(ROOT)])
    first = sorted(p.read_text() for p in (tmp_path / "a" / "source" / "studies").glob("*.md"))
    second = sorted(p.read_text() for p in (tmp_path / "b" / "source" / "studies").glob("*.md"))
    assert first == second


@pytest.mark.parametrize("inside", ["", "source", "source/studies"])
def test_synth_refuses_the_project_source(inside, capsys):
    before = sorted(SOURCE.rglob("*.md"))
    assert main(["synth", "3", str(ROOT / inside), "--root", str(ROOT)]) == 2
    assert "never go into the project" in capsys.readouterr().err
    assert sorted(SOURCE.rglob("*.md")) == before
