"""Last-updated dates and the list of changes to each study page, from git.

A study page lists the commits that changed its file, newest first, each as a
date linked to the change in the repository. A commit's message is shown
only when it is about that page, which the atlas decides by one of two
rules a reader can check:

- the commit changed that study page and no other file of the repository
  (one study per pull request, the way CONTRIBUTING asks for it), so its
  subject can only be about that page; or
- the commit carries a ``Study-Change: <page id>: <what changed>`` trailer
  naming the page, for a commit that edits several pages at once.

Every other commit (code, styles, tests, a bulk edit) shows its date and its
link, never its message: a subject such as "Study page rendering, CSS and
tests" says nothing about the study.

One ``git log`` call covers the whole studies folder, with every file each
of its commits changed (``--full-diff``); where the source folder sits in the
repository is read from the file system, not from another git call. Outside
a git checkout (or for a file git has not seen yet) pages fall back to their
``:updated:`` option. Build from a full clone: a shallow clone knows only its
last commit.
"""

from __future__ import annotations

import subprocess
from collections.abc import Set
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

from ..model.citation import one_line
from .data import atlas_domain

#: How many changes a study page lists: the newest, and the one that added the page.
HISTORY_LENGTH = 5
STUDIES = "studies"
#: The trailer that describes a change to one page of a commit that changed several.
TRAILER = "Study-Change"
RECORD = "\x1e"
FIELD = "\x1f"
#: Between two values of the trailer (git's own separator option).
VALUES = "\x1d"
FORMAT = (
    f"{RECORD}%cs{FIELD}%H{FIELD}%s{FIELD}"
    f"%(trailers:key={TRAILER},valueonly,unfold,separator=%x1d){FIELD}"
)

#: (date YYYY-MM-DD, full commit id, message or "") of one change to a page.
Revision = tuple[str, str, str]
History = tuple[Revision, ...]


def read_history(srcdir: Path) -> dict[str, History]:
    """docname -> its changes, newest first; empty outside git."""
    try:
        result = subprocess.run(
            [
                "git",
                "-C",
                str(srcdir),
                # Paths as they are (UTF-8), not quoted with octal escapes.
                "-c",
                "core.quotePath=false",
                "log",
                f"--format={FORMAT}",
                "--name-only",
                "--full-diff",
                "--no-renames",
                "--",
                STUDIES,
            ],
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            check=False,
        )
    except OSError:
        return {}
    if result.returncode != 0:
        return {}
    return parse_log(result.stdout, folder_in_repository(srcdir))


def folder_in_repository(srcdir: Path) -> str:
    """Where ``srcdir`` is inside its git checkout, as git names paths ("source/", or "")."""
    folder = srcdir.resolve()
    for top in (folder, *folder.parents):
        if (top / ".git").exists():
            inside = folder.relative_to(top).as_posix()
            return "" if inside == "." else f"{inside}/"
    return ""


def parse_log(output: str, prefix: str) -> dict[str, History]:
    """The changes per study page from :data:`FORMAT` output with ``--name-only`` paths.

    ``prefix`` is the source folder's place in the repository, so that a
    study page (``<prefix>studies/<name>.md``) is told apart from every other
    file a commit changed.
    """
    pages = f"{prefix}{STUDIES}/"
    history: dict[str, list[Revision]] = {}
    for record in output.split(RECORD)[1:]:
        fields = record.split(FIELD)
        if len(fields) != 5:
            continue  # a message holding the separators themselves: leave that commit out
        date, commit, subject, trailers, names = fields
        files = [name for name in names.split("\n") if name]
        described = _described_pages(trailers)
        for name in files:
            if not (name.startswith(pages) and name.endswith(".md")):
                continue
            docname = name.removeprefix(prefix).removesuffix(".md")
            if "/" in docname.removeprefix(f"{STUDIES}/"):
                continue  # a file in a folder inside studies/ is no study page
            message = described.get(docname.removeprefix(f"{STUDIES}/"), "")
            if not message and files == [name]:
                message = subject
            history.setdefault(docname, []).append((date, commit, one_line(message)))
    return {docname: _shortened(revisions) for docname, revisions in history.items()}


def _shortened(revisions: list[Revision]) -> History:
    """The newest changes and, always last, the commit that added the page.

    The feeds and the page's structured data date the entry from its first
    commit, so that one is kept however long the history is.
    """
    if len(revisions) <= HISTORY_LENGTH:
        return tuple(revisions)
    return (*revisions[: HISTORY_LENGTH - 1], revisions[-1])


def _described_pages(trailers: str) -> dict[str, str]:
    """Page id -> message, from ``Study-Change: <page id>: <message>`` trailer values."""
    described: dict[str, str] = {}
    for value in trailers.split(VALUES):
        page, separator, message = value.partition(":")
        if separator and page.strip() and message.strip():
            described.setdefault(page.strip().removesuffix(".md"), message.strip())
    return described


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
