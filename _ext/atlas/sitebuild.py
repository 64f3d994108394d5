"""``python -m atlas.sitebuild``: build the site, or say at once that nothing changed.

Sphinx's own no-op rebuild takes seconds at atlas scale: it loads the whole
environment and compares every page before it can tell that nothing changed.
This front end, which ``make html`` runs, records what a successful build read
and skips Sphinx while none of it has changed:

- every file of the source tree, by path, size and modification time, except
  the folders the extension writes itself (their pages carry ``GENERATED_NOTE``);
- ``conf.py`` and the folders beside it that the build reads (``_ext``,
  ``_templates``);
- the installed packages and the Python version;
- the git commit, because page histories come from git;
- the command (``-a`` and ``-E`` always build);
- and the output as the build left it, so a deleted page is rebuilt.

It imports no Sphinx until it has to build.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import os
import subprocess
import sys
import sysconfig
from collections.abc import Iterator, Sequence
from pathlib import Path

#: The line every page the extension writes into the source tree carries, near
#: its top. Defined here, not in the extension, so that this front end can tell
#: those pages apart without importing Sphinx.
GENERATED_NOTE = "% Written by the atlas extension from source/vocabulary.yaml. Do not edit."
#: Lines from the top of a page within which GENERATED_NOTE is looked for.
NOTE_WITHIN = 8
#: sphinx-build -j: Sphinx writes in -j minus one processes while the main one
#: resolves links, so one more job than cores keeps every core busy.
DEFAULT_JOBS = (os.cpu_count() or 1) + 1
#: What the build reads beside conf.py.
CONFIG_INPUTS = ("conf.py", "_ext", "_templates")
STAMP = "atlas-inputs.json"
#: sphinx-build options that ask for a full rebuild, which is then never skipped.
FORCING = {"-a", "-E", "--write-all", "--fresh-env"}
SKIPPED_FOLDERS = {"__pycache__", ".git", ".ruff_cache", ".pytest_cache", ".hypothesis"}


def files_below(root: Path, skip: frozenset[Path] = frozenset()) -> Iterator[os.DirEntry[str]]:
    """Every file below ``root`` (or ``root`` itself), in a stable order."""
    if root.is_file():
        parent = root.parent
        yield from (entry for entry in os.scandir(parent) if entry.name == root.name)
        return
    if not root.is_dir():
        return
    entries = sorted(os.scandir(root), key=lambda entry: entry.name)
    for entry in entries:
        if entry.is_dir(follow_symlinks=False):
            if entry.name not in SKIPPED_FOLDERS and Path(entry.path) not in skip:
                yield from files_below(Path(entry.path), skip)
        elif entry.is_file():
            yield entry


def listing(roots: Sequence[Path], skip: frozenset[Path] = frozenset()) -> list[str]:
    """The path, size and modification time of every file below ``roots``."""
    lines = []
    for root in roots:
        for entry in files_below(root, skip):
            status = entry.stat()
            lines.append(f"{entry.path}\0{status.st_size}\0{status.st_mtime_ns}\n")
    return lines


def digest(lines: Sequence[str]) -> str:
    return hashlib.sha256("".join(lines).encode()).hexdigest()


def generated_folders(source: Path) -> frozenset[Path]:
    """Folders of ``source`` whose pages the extension wrote (their first page says so)."""
    found = set()
    for folder in (entry for entry in os.scandir(source) if entry.is_dir()):
        page = next((p for p in sorted(Path(folder.path).glob("*.md"))), None)
        if page is not None and _carries_note(page):
            found.add(Path(folder.path))
    return frozenset(found)


def _carries_note(page: Path) -> bool:
    with page.open(encoding="utf-8", errors="replace") as lines:
        top = itertools.islice(lines, NOTE_WITHIN)
        return any(line.rstrip("\n") == GENERATED_NOTE for line in top)


def git_commit(folder: Path) -> str:
    """The commit checked out where ``folder`` is, or "" outside git (or without git)."""
    try:
        result = subprocess.run(
            ["git", "-C", str(folder), "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            check=False,
        )
    except OSError:
        return ""
    return result.stdout.strip() if result.returncode == 0 else ""


def installed_packages() -> list[str]:
    """Names of the installed distributions, which carry their versions."""
    site = Path(sysconfig.get_paths()["purelib"])
    return sorted(entry.name for entry in os.scandir(site) if entry.name.endswith(".dist-info"))


def inputs(command: list[str], source: Path, confdir: Path) -> dict[str, object]:
    """Everything but the source tree and the output a build depends on, comparably."""
    return {
        "command": command,
        "python": sys.version,
        "packages": installed_packages(),
        "commit": git_commit(source),
        "config": digest(listing([confdir / name for name in CONFIG_INPUTS])),
    }


def up_to_date(stamp: Path, command: list[str], source: Path, confdir: Path, html: Path) -> bool:
    """Whether the last successful build read exactly what a build would read now."""
    try:
        recorded = json.loads(stamp.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    skip = frozenset(Path(path) for path in recorded.get("skip", []))
    now = inputs(command, source, confdir)
    now["source"] = digest(listing([source], skip))
    now["output"] = digest(listing([html]))
    return all(recorded.get(key) == value for key, value in now.items())


def sphinx_command(args: argparse.Namespace) -> list[str]:
    build = args.build
    return [
        *("-c", str(args.conf)),
        *("-d", str(build / "doctrees")),
        *("-j", str(args.jobs)),
        *("-b", "html"),
        *args.sphinx_options,
        str(args.source),
        str(build / "html"),
    ]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m atlas.sitebuild",
        description="Build the atlas with Sphinx, unless nothing it reads has changed.",
    )
    parser.add_argument("source", type=Path, help="the source folder (source/)")
    parser.add_argument("build", type=Path, help="the build folder (_build/)")
    parser.add_argument("-c", "--conf", type=Path, default=Path("."), help="folder of conf.py")
    parser.add_argument("-j", "--jobs", default=DEFAULT_JOBS, help="sphinx-build -j (cores + 1)")
    parser.add_argument(
        "sphinx_options", nargs="*", help="more sphinx-build options, after --, such as -W"
    )
    args = parser.parse_args(argv)
    args.source, args.build, args.conf = (p.resolve() for p in (args.source, args.build, args.conf))
    command = sphinx_command(args)
    html = args.build / "html"
    stamp = args.build / "doctrees" / STAMP
    forced = FORCING.intersection(args.sphinx_options)
    if not forced and up_to_date(stamp, command, args.source, args.conf, html):
        print(f"Nothing changed since the last build; the site is in {html}.")
        return 0

    stamp.unlink(missing_ok=True)
    source_before = listing([args.source])
    before = inputs(command, args.source, args.conf)
    from sphinx.cmd.build import build_main

    status = build_main(command)
    if status == 0:
        # Which folders the extension writes is certain once it has written them;
        # what they held before the build does not count as something it read.
        skip = generated_folders(args.source)
        prefixes = tuple(f"{folder}{os.sep}" for folder in skip)
        recorded = {
            **before,
            "skip": sorted(str(path) for path in skip),
            "source": digest([line for line in source_before if not line.startswith(prefixes)]),
            "output": digest(listing([html])),
        }
        stamp.write_text(json.dumps(recorded, indent=1), encoding="utf-8")
    return status


if __name__ == "__main__":
    status = main()
    # Tearing down a build's million objects one by one takes a second at atlas
    # scale, and every file is closed by now: leave without it.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)
