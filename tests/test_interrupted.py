"""Killed, failed or changed: the next ``make html`` gives exactly the clean build.

Each case copies a checkout of the project (its real studies plus synthetic
ones, so each phase lasts long enough to be hit), builds it as ``make html``
does, breaks that build, builds again, and compares every output file with a
clean build of the same tree made in another folder. Nothing is ignored in
the comparison, as in ``test_reproducible.py``. ``tests/soak_interrupt.py``
runs many more kill points.
"""

from __future__ import annotations

import random
import resource
import shutil
from pathlib import Path

import pytest
from buildtrees import (
    build,
    change_atlas,
    checkout,
    copy_tree,
    differences,
    kill_in_phase,
    start_build,
)

pytestmark = pytest.mark.xdist_group("interrupted")

SYNTHETIC = 150
SEED = 11


@pytest.fixture(scope="module")
def trees(tmp_path_factory) -> dict[str, Path]:
    """Tree A built in ``work`` (and kept aside), and clean builds of A and of A changed.

    Sphinx's saved environment names the folder it was built in, so every
    changed build starts from A's build copied back to the same ``work`` folder:
    the build then is the incremental one a maintainer would run.
    """
    root = tmp_path_factory.mktemp("interrupted")
    work = checkout(root / "work", synthetic=SYNTHETIC)
    build(work)
    shutil.move(work, root / "base")
    clean_before = checkout(root / "clean-before", synthetic=SYNTHETIC)
    build(clean_before)
    clean_after = checkout(root / "clean-after", synthetic=SYNTHETIC)
    change_atlas(clean_after / "source", random.Random(SEED))
    build(clean_after)
    return {"root": root, "clean-before": clean_before, "clean-after": clean_after}


def changed_tree(trees: dict[str, Path]) -> Path:
    """Tree A as its last build left it, in ``work``, then changed as the clean tree was."""
    work = trees["root"] / "work"
    shutil.rmtree(work, ignore_errors=True)
    copy_tree(trees["root"] / "base", work)
    change_atlas(work / "source", random.Random(SEED))
    return work


def html(tree: Path) -> Path:
    return tree / "_build" / "html"


@pytest.mark.parametrize("phase", ["reading", "writing", "search"])
def test_a_first_build_killed_then_built_equals_the_clean_build(trees, phase):
    tree = checkout(trees["root"] / f"first-{phase}", synthetic=SYNTHETIC)
    kill_in_phase(start_build(tree), phase)
    assert (tree / "_build" / "atlas-build-unfinished").exists()
    build(tree)
    assert differences(html(tree), html(trees["clean-before"])) == []


@pytest.mark.parametrize("phase", ["reading", "pickling", "writing", "exports", "search"])
def test_a_changed_build_killed_then_built_equals_the_clean_build(trees, phase):
    tree = changed_tree(trees)
    kill_in_phase(start_build(tree), phase)
    build(tree)
    assert differences(html(tree), html(trees["clean-after"])) == []


def test_a_build_that_ran_out_of_space_then_built_equals_the_clean_build(trees):
    """A full disk is played by a cap on file size: a write fails half-way, as it would."""

    def small_files_only() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (16_000, 16_000))

    tree = changed_tree(trees)
    failed = start_build(tree, limit=small_files_only)
    output, _ = failed.communicate(timeout=600)
    assert failed.returncode != 0, output
    build(tree)
    assert differences(html(tree), html(trees["clean-after"])) == []


def test_without_interruption_a_changed_build_equals_the_clean_build(trees):
    """Removed, renamed and moved studies are gone from every page, export and the search."""
    tree = changed_tree(trees)
    build(tree)
    assert differences(html(tree), html(trees["clean-after"])) == []
