"""Last-updated dates and a short revision history per study, from git.

One ``git log`` call covers the whole studies folder. Outside a git checkout
(or for a file git has not seen yet) pages fall back to their ``:updated:``
option. Build from a full clone: a shallow clone knows only its last commit.
"""

from __future__ import annotations

import subprocess
from collections.abc import Set
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

from .data import atlas_domain

#: How many revisions a study page lists.
HISTORY_LENGTH = 5
STUDIES = "studies"
RECORD = "\x1e"
FIELD = "\x1f"

History = tuple[tuple[str, str], ...]


def read_history(srcdir: Path) -> dict[str, History]:
    """docname -> ((date, commit subject), ...) newest first; empty outside git."""
    try:
        result = subprocess.run(
            [
                "git",
                "-C",
                str(srcdir),
                "log",
                f"--format={RECORD}%cs{FIELD}%s",
                "--name-only",
                "--relative",
                "--no-renames",
                "--",
                STUDIES,
            ],
            capture_output=True,
            text=True,
            check=False,
        )
    except OSError:
        return {}
    if result.returncode != 0:
        return {}
    history: dict[str, list[tuple[str, str]]] = {}
    for record in result.stdout.split(RECORD)[1:]:
        header, _, names = record.partition("\n")
        date, _, subject = header.partition(FIELD)
        for name in names.split():
            if name.endswith(".md"):
                revisions = history.setdefault(name.removesuffix(".md"), [])
                if len(revisions) < HISTORY_LENGTH:
                    revisions.append((date, subject.strip()))
    return {docname: tuple(revisions) for docname, revisions in history.items()}


def load_history(app: Sphinx) -> None:
    """``builder-inited``: read the history once, before any page is read."""
    atlas_domain(app.env).history = read_history(Path(app.srcdir))


def reread_on_history_change(
    app: Sphinx, env: BuildEnvironment, added: Set[str], changed: Set[str], removed: Set[str]
) -> list[str]:
    """A commit changes a page's dates without changing its text: read such pages again."""
    atlas = atlas_domain(env)
    history = atlas.history
    return sorted(
        docname
        for docname, record in atlas.records().items()
        if tuple(map(tuple, record.get("history", ()))) != history.get(docname, ())
    )


def setup_history(app: Sphinx) -> None:
    app.connect("builder-inited", load_history)
    app.connect("env-get-outdated", reread_on_history_change)
