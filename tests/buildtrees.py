"""Whole checkouts of the atlas, built as ``make html`` builds them, to break and compare.

The tests of reproducibility, interruption and removal, and the longer soak
script (``tests/soak_interrupt.py``), build real copies of the project in
their own folders with the command ``make html`` runs, in a process group of
their own so that a test can kill the build and all its forked workers at once.
"""

from __future__ import annotations

import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from atlas.bench.synth import atlas_page, synthesize
from atlas.model.slug import study_slug
from atlas.model.vocabulary import load_vocabulary

ROOT = Path(__file__).resolve().parent.parent

#: What a checkout holds that the build reads; generated pages are left behind.
CHECKOUT = {
    "conf.py": None,
    "_ext": shutil.ignore_patterns("__pycache__", "*.egg-info"),
    "_templates": None,
    "source": shutil.ignore_patterns("tags", "evidence"),
}

#: The phases of a build, each named by the first line the build prints in it.
PHASES = {
    "reading": "reading sources",
    "pickling": "pickling environment",
    "writing": "writing output",
    "exports": "writing the open-data files",
    "search": "indexing the site for search",
}


def checkout(folder: Path, synthetic: int = 0, seed: int = 6145) -> Path:
    """A copy of the project in ``folder``, with ``synthetic`` studies added to its own."""
    folder.mkdir(parents=True)
    for name, ignore in CHECKOUT.items():
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, folder / name, ignore=ignore)
        else:
            shutil.copy(ROOT / name, folder / name)
    if synthetic:
        vocabulary = load_vocabulary(folder / "source" / "vocabulary.yaml")
        for study in synthesize(synthetic, vocabulary, seed=seed):
            page = folder / "source" / "studies" / f"{study.slug}.md"
            page.write_text(atlas_page(study, vocabulary), encoding="utf-8")
    return folder


def start_build(
    folder: Path,
    jobs: str = "3",
    hash_seed: str = "0",
    limit: Callable[[], None] | None = None,
) -> subprocess.Popen[str]:
    """The build as ``make html`` runs it, from inside the checkout, in its own process group.

    ``limit`` runs in the new process before Python starts (to cap its file sizes, say).
    """
    command = [sys.executable, "-m", "atlas.sitebuild", "-c", ".", "-j", jobs, "source", "_build"]
    environment = {**os.environ, "PYTHONHASHSEED": hash_seed, "PYTHONUNBUFFERED": "1"}
    environment.pop("SOURCE_DATE_EPOCH", None)
    return subprocess.Popen(
        command, cwd=folder, env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        text=True, start_new_session=True, preexec_fn=limit,
    )  # fmt: skip


def build(folder: Path, jobs: str = "3", hash_seed: str = "0") -> str:
    """Build to the end; the build's output when it succeeded."""
    process = start_build(folder, jobs, hash_seed)
    output, _ = process.communicate(timeout=900)
    assert process.returncode == 0, output
    return output


def kill_in_phase(process: subprocess.Popen[str], phase: str, delay: float = 0.0) -> str:
    """Kill the build and its workers (SIGKILL) ``delay`` seconds into ``phase``.

    Returns what the build printed. Raises AssertionError if the build ended
    before it could be killed, so a test can never pass without a kill.
    """
    assert process.stdout is not None
    printed = []
    for line in process.stdout:
        printed.append(line)
        if PHASES[phase] in line:
            time.sleep(delay)
            break
    else:
        raise AssertionError(f"the build never reached {phase!r}:\n{''.join(printed)}")
    os.killpg(process.pid, signal.SIGKILL)
    rest, _ = process.communicate(timeout=60)
    assert process.returncode == -signal.SIGKILL, f"the build ended before the kill: {rest}"
    return "".join(printed) + rest


def kill_now(process: subprocess.Popen[str]) -> bool:
    """Kill the build and its workers now; True if it had already ended by itself."""
    ended = process.poll() is not None
    if not ended:
        os.killpg(process.pid, signal.SIGKILL)
    process.communicate(timeout=60)
    return ended


def files(outdir: Path) -> dict[str, bytes]:
    return {
        path.relative_to(outdir).as_posix(): path.read_bytes()
        for path in sorted(outdir.rglob("*"))
        if path.is_file()
    }


def differences(built: Path, clean: Path) -> list[str]:
    """Files that are missing, extra or different in ``built`` against ``clean``."""
    mine, theirs = files(built), files(clean)
    return sorted(
        [f"missing: {name}" for name in theirs.keys() - mine.keys()]
        + [f"extra: {name}" for name in mine.keys() - theirs.keys()]
        + [f"differs: {name}" for name in mine.keys() & theirs.keys() if mine[name] != theirs[name]]
    )


def copy_tree(source: Path, target: Path) -> Path:
    """A copy of a checkout with its build folder, times kept (as a later build would find it)."""
    shutil.copytree(source, target, symlinks=True)
    return target


def change_atlas(source: Path, rng: random.Random, share: float = 0.3) -> list[str]:
    """Edit a checkout as a busy day of pull requests would; returns what was done.

    Moves a share of the studies to another evidence level, deletes two, renames
    one and adds one, so that level pages, tag pages, exports and search all change.
    """
    studies = sorted((source / "studies").glob("*.md"))
    done = []
    levels = ["E0", "E1", "E2", "E3"]
    for page in rng.sample(studies, max(1, int(len(studies) * share))):
        text = page.read_text(encoding="utf-8")
        current = re.search(r"^:evidence: (E\d)$", text, re.MULTILINE)
        if current:
            new = rng.choice([level for level in levels if level != current[1]])
            page.write_text(text.replace(current[0], f":evidence: {new}"), encoding="utf-8")
            done.append(f"moved {page.stem} to {new}")
    deleted, renamed = rng.sample(studies, 2), rng.choice(studies)
    for page in deleted:
        if page != renamed:
            page.unlink()
            done.append(f"deleted {page.stem}")
    if renamed.exists():
        target = _retitle(renamed, "Renamed pacing study")
        done.append(f"renamed {renamed.stem} to {target.stem}")
    template = rng.choice(sorted((source / "studies").glob("*.md")))
    added = _retitle(template, "Added sleep study", keep=True, identifier="99999999")
    done.append(f"added {added.stem}")
    return done


def _retitle(page: Path, title: str, keep: bool = False, identifier: str = "") -> Path:
    """Give a study a new title and the file name that goes with it (a copy if ``keep``)."""
    text = page.read_text(encoding="utf-8")
    text = re.sub(r"^:title: .*$", f":title: {title}", text, count=1, flags=re.M)
    if identifier:
        text = re.sub(r"^:doi: .*$", f":doi: 10.5555/added.{identifier}", text, count=1, flags=re.M)
        text = re.sub(r"^:pmid: .*$", f":pmid: {identifier}", text, count=1, flags=re.M)
    authors = re.search(r"^:authors: (.*)$", text, re.M)
    year = re.search(r"^:year: (\d+)$", text, re.M)
    assert authors and year, page
    name = study_slug(authors[1].split("; "), int(year[1]), title)
    target = page.with_name(f"{name}.md")
    target.write_text(text, encoding="utf-8")
    if not keep:
        page.unlink()
    return target
