"""Two clean builds of the same sources, in two folders, write the same bytes.

Each build runs as its own ``sphinx-build`` process from its own copy of the
checkout (conf.py, the extension, the templates, the sources), so absolute
paths, Python's per-process string hashing (set and dict order) and parallel
reading (-j 2 against -j 1) all get their chance to show. Every file of the
output is compared: HTML, studies.json and its schema, the other exports,
objects.inv and Pagefind's search bundle.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

#: What a checkout holds that the build reads; generated pages are left behind.
CHECKOUT = {
    "conf.py": None,
    "_ext": shutil.ignore_patterns("__pycache__", "*.egg-info"),
    "_templates": None,
    "source": shutil.ignore_patterns("tags", "evidence"),
}


def checkout(folder: Path) -> Path:
    folder.mkdir(parents=True)
    for name, ignore in CHECKOUT.items():
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, folder / name, ignore=ignore)
        else:
            shutil.copy(ROOT / name, folder / name)
    return folder


def start_build(folder: Path, hash_seed: str, jobs: str) -> subprocess.Popen[str]:
    """The build as ``make html`` runs it, from inside the checkout."""
    command = [sys.executable, "-m", "atlas.sitebuild", "-c", ".", "-j", jobs]
    command += ["source", "_build", "--", "-q"]
    environment = {**os.environ, "PYTHONHASHSEED": hash_seed}
    environment.pop("SOURCE_DATE_EPOCH", None)
    return subprocess.Popen(
        command, cwd=folder, env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        text=True,
    )  # fmt: skip


def files(outdir: Path) -> dict[str, bytes]:
    return {
        path.relative_to(outdir).as_posix(): path.read_bytes()
        for path in sorted(outdir.rglob("*"))
        if path.is_file()
    }


@pytest.fixture(scope="module")
def two_builds(tmp_path_factory) -> tuple[dict[str, bytes], dict[str, bytes]]:
    root = tmp_path_factory.mktemp("reproducible")
    first = checkout(root / "one")
    second = checkout(root / "a-second" / "checkout")
    builds = [start_build(first, "1", "1"), start_build(second, "2", "2")]
    for build in builds:
        output, _ = build.communicate(timeout=600)
        assert build.returncode == 0, output
    return files(first / "_build" / "html"), files(second / "_build" / "html")


def test_both_builds_write_the_same_files(two_builds):
    first, second = two_builds
    assert sorted(first) == sorted(second)


def test_every_file_has_the_same_bytes(two_builds):
    first, second = two_builds
    assert [name for name in first if first[name] != second.get(name)] == []


def test_the_comparison_covers_pages_data_and_search(two_builds):
    """The files issue 6 names are among those compared, so the test cannot pass empty."""
    first, _ = two_builds
    for name in ("index.html", "studies.json", "studies.schema.json", "objects.inv"):
        assert name in first
    assert any(name.startswith("studies/") and name.endswith(".html") for name in first)
    assert any(name.startswith("pagefind/") for name in first)
