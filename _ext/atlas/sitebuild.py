"""``python -m atlas.sitebuild``: build the site, or say at once that nothing changed.

Sphinx's own no-op rebuild takes seconds at atlas scale: it loads the whole
environment and compares every page before it can tell that nothing changed.
This front end, which ``make html`` runs, records what a completed build read
and left, and skips Sphinx while none of it has changed. It also makes three
promises Sphinx alone does not keep:

- **Content, not clocks.** Inputs are compared by their bytes: every file of
  the source tree (through symbolic links that stay inside the project, as
  Sphinx follows them), ``conf.py`` and the folders beside it that the build
  reads (``_ext``, ``_templates``), the installed packages, the Python
  version, the git commit and release tags (page histories and What's new come
  from git), the environment
  variables the build reads (:data:`ENVIRONMENT`) and the command. Sphinx
  itself re-reads a page only when its file is newer than the last read, so a
  page whose bytes changed behind an older time is given the current time
  before Sphinx runs.
- **An interrupted build never survives.** A marker is written before Sphinx
  starts and removed only when the build ran to its end. If the marker is
  there (the build was killed, the disk filled up, an extension raised), the
  next build starts from nothing: a half-written page, index or search bundle,
  or a saved environment that claims work the output does not show, can then
  not be carried forward.
- **Strict means strict.** Sphinx prints the warnings of the pages it reads,
  and reads only the pages that changed. The extension reports the atlas's
  own problems of unread pages again (:mod:`atlas.sphinx.problems`); for any
  other warning, the pages the last build warned about are given the current
  time, so Sphinx reads them again and says it again. A skipped build prints
  the last build's warnings again, and a build that treats warnings as errors
  is never skipped after one that left warnings.
- **The output is the build's.** Every file of the output is recorded after a
  completed build. Before the next one, a recorded file that was changed is
  deleted and a file that appeared is removed, so the build writes them again
  (Sphinx rewrites a missing page; the extension rewrites missing exports and
  the search bundle).

The pages the extension writes into the source tree (tag and level pages) are
recorded as the build left them, from the list the extension keeps
(:data:`GENERATED_MANIFEST`), so that they do not make every build look changed
and a contributor's file cannot pass for one of them.

It imports no Sphinx until it has to build.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import multiprocessing
import os
import re
import shutil
import subprocess
import sys
import sysconfig
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

#: The line every page the extension writes into the source tree carries near its top
#: (within NOTE_WITHIN lines), to tell people not to edit it. Defined here, in a module
#: that imports no Sphinx, so that ``atlas check`` can read it too. The build front
#: end does not trust it: it knows the extension's pages from GENERATED_MANIFEST.
GENERATED_NOTE = "% Written by the atlas extension from source/vocabulary.yaml. Do not edit."
NOTE_WITHIN = 8
#: sphinx-build -j: Sphinx writes in -j minus one processes while the main one
#: resolves links, so one more job than cores keeps every core busy.
DEFAULT_JOBS = (os.cpu_count() or 1) + 1
#: What the build reads beside conf.py.
CONFIG_INPUTS = ("conf.py", "_ext", "_templates")
#: Environment variables that change what the build writes: SOURCE_DATE_EPOCH
#: sets dates Sphinx prints; the time zone and locale change the dates git
#: reports for page histories.
ENVIRONMENT = ("SOURCE_DATE_EPOCH", "TZ", "LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LC_TIME")
#: In the doctree folder: what the last completed build read and left.
STAMP = "atlas-inputs.json"
#: In the doctree folder: the source files the extension wrote (its tag and level pages).
GENERATED_MANIFEST = "atlas-generated.json"
#: In the doctree folder: the warnings of the last build, as Sphinx printed them (-w).
WARNINGS = "atlas-warnings.txt"
#: sphinx-build options that make warnings errors (``make strict``).
WARNINGS_AS_ERRORS = {"-W", "--fail-on-warning"}
#: The start of a warning as Sphinx prints it: its location (a file, maybe a line), then
#: the level; the message may go on over further lines.
WARNING_START = re.compile(r"^(?P<location>\S.*?): (?:WARNING|ERROR|CRITICAL): ", re.MULTILINE)
#: How a warning of an atlas rule ends. The extension reports these again by itself,
#: whether or not Sphinx reads the page again.
ATLAS_RULE = re.compile(r"\[atlas\.ATLAS\d{3}\]\s*\Z")
#: In the build folder while Sphinx runs; still there afterwards means it never finished.
UNFINISHED = "atlas-build-unfinished"
#: sphinx-build options that ask for a full rebuild, which is then never skipped.
FORCING = {"-a", "-E", "--write-all", "--fresh-env"}
SKIPPED_FOLDERS = {"__pycache__", ".git", ".ruff_cache", ".pytest_cache", ".hypothesis"}
#: Exit statuses of sphinx-build for a build that ran to its end (1: with warnings as errors).
COMPLETED = {0, 1}

#: relative path -> what identifies its state (a content digest, or size and time).
Listing = dict[str, str]


#: A file found by :func:`tree_files`: what ``os.scandir`` gave, or the root itself.
Found = os.DirEntry[str] | Path


def tree_files(root: Path, project: Path) -> Iterator[tuple[str, Found | str]]:
    """(path below ``root``, file) for every file below ``root``, in a stable order.

    Symbolic links are followed as Sphinx follows them, but only while they stay
    inside ``project``: a link that leaves it is listed by its target's name
    (changing the link changes the listing) and never read. Folders are read
    with ``os.scandir`` and paths kept as strings: at 25,000 output files, a
    ``Path`` per file was most of the time a no-op build took.
    """
    visited: set[str] = set()

    def walk(folder: str, prefix: str) -> Iterator[tuple[str, Found | str]]:
        real = os.path.realpath(folder)
        if real in visited:
            return
        visited.add(real)
        try:
            entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
        except OSError:
            return
        for entry in entries:
            name = f"{prefix}{entry.name}"
            if entry.is_symlink():
                target = Path(os.path.realpath(entry.path))
                if not target.is_relative_to(project) or not target.exists():
                    yield name, f"link to {os.readlink(entry.path)}"
                    continue
            if entry.is_dir():
                if entry.name not in SKIPPED_FOLDERS:
                    yield from walk(entry.path, f"{name}/")
            elif entry.is_file():
                yield name, entry

    if root.is_file():
        yield root.name, root
    elif root.is_dir():
        yield from walk(str(root), "")


#: path -> [the file's status when hashed, its SHA-256], kept from one run to the next.
Hashes = dict[str, list[str]]


def content_listing(root: Path, project: Path, hashes: Hashes | None = None) -> Listing:
    """Every file below ``root`` with the SHA-256 of its bytes.

    With ``hashes`` (updated in place), a file whose status is what it was when
    last hashed is not read again. The status includes the change time, which
    the kernel sets on every write and every change of the file's times and
    which no program can set back, so a file whose bytes changed is always
    read, whatever its modification time says.
    """
    listing: Listing = {}
    for name, file in tree_files(root, project):
        if isinstance(file, str):
            listing[name] = file
            continue
        try:
            status = file.stat()
            signature = (
                f"{status.st_size}:{status.st_mtime_ns}:{status.st_ctime_ns}:{status.st_ino}"
            )
            known = hashes.get(name) if hashes is not None else None
            if known is not None and known[0] == signature:
                listing[name] = known[1]
                continue
            with open(file, "rb") as stream:
                listing[name] = hashlib.file_digest(stream, "sha256").hexdigest()
            if hashes is not None:
                hashes[name] = [signature, listing[name]]
        except OSError as error:
            listing[name] = f"unreadable: {error.strerror}"
    return listing


def output_listing(html: Path) -> Listing:
    """Every file of the output with its size and modification time.

    The output is the build's own, written by nothing else, so its times are
    reliable; reading the bytes of every page and search chunk would make the
    no-op check slower than the build it saves at atlas scale.
    """
    listing: Listing = {}
    for name, file in tree_files(html, html):
        if not isinstance(file, str):
            status = file.stat()
            listing[name] = f"{status.st_size}:{status.st_mtime_ns}"
    return listing


def digest(listing: Mapping[str, str]) -> str:
    return hashlib.sha256(json.dumps(listing, sort_keys=True).encode()).hexdigest()


def git(folder: Path, *arguments: str) -> str:
    """What a git command prints where ``folder`` is, or "" outside git (or without git)."""
    try:
        result = subprocess.run(
            ["git", "-C", str(folder), *arguments], capture_output=True, text=True, check=False
        )
    except OSError:
        return ""
    return result.stdout.strip() if result.returncode == 0 else ""


def git_commit(folder: Path) -> str:
    """The commit checked out where ``folder`` is: page histories come from it."""
    return git(folder, "rev-parse", "HEAD")


def release_tags(folder: Path) -> str:
    """The release tags and their commits: the What's new page is made from them."""
    return git(folder, "for-each-ref", "--format=%(refname) %(objectname)", "refs/tags/v*")


def installed_packages() -> list[str]:
    """Names of the installed distributions, which carry their versions."""
    site = Path(sysconfig.get_paths()["purelib"])
    return sorted(entry.name for entry in os.scandir(site) if entry.name.endswith(".dist-info"))


def inputs(command: list[str], source: Path, confdir: Path) -> dict[str, object]:
    """Everything but the source tree and the output a build depends on, comparably."""
    config = {
        name: digest(content_listing(confdir / name, confdir))
        for name in CONFIG_INPUTS
        if (confdir / name).exists()
    }
    return {
        "command": command,
        "python": sys.version,
        "packages": installed_packages(),
        "commit": git_commit(source),
        "releases": release_tags(source),
        "environment": {name: os.environ[name] for name in ENVIRONMENT if name in os.environ},
        "config": config,
    }


class Paths:
    """Where a build reads and writes."""

    def __init__(self, source: Path, build: Path, confdir: Path) -> None:
        self.source = source
        self.confdir = confdir
        self.html = build / "html"
        self.doctrees = build / "doctrees"
        self.stamp = self.doctrees / STAMP
        self.warnings = self.doctrees / WARNINGS
        self.unfinished = build / UNFINISHED
        # Links inside the source tree may point anywhere in the project around it.
        self.project = confdir if source.is_relative_to(confdir) else source

    def generated(self) -> list[str]:
        return generated_pages(self.doctrees)


def generated_pages(doctrees: Path) -> list[str]:
    """Source files the extension wrote in its last build, relative to the source folder.

    An unreadable list counts as empty; a name that climbs out of the source
    folder is never taken.
    """
    try:
        names = json.loads((doctrees / GENERATED_MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    if not isinstance(names, list):
        return []
    return [name for name in names if isinstance(name, str) and ".." not in name.split("/")]


def recorded_state(paths: Paths) -> dict[str, object]:
    """What the last completed build recorded, or an empty record."""
    try:
        recorded = json.loads(paths.stamp.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return recorded if isinstance(recorded, dict) else {}


def repair(paths: Paths, recorded: Mapping[str, object], sources: Listing) -> None:
    """Make Sphinx see every change the recorded state shows, whatever the file times say.

    A source file whose bytes changed gets the current time, as Sphinx re-reads
    only newer files. An output file that changed or appeared since the last
    completed build is removed, so the build writes what belongs there.
    """
    old_sources = recorded.get("sources")
    if isinstance(old_sources, dict):
        for name, state in sources.items():
            file = paths.source / name
            if old_sources.get(name) != state and file.is_file():
                os.utime(file)
    old_outputs = recorded.get("outputs")
    if isinstance(old_outputs, dict):
        for name, state in output_listing(paths.html).items():
            if old_outputs.get(name) != state:
                (paths.html / name).unlink(missing_ok=True)


def last_warnings(paths: Paths) -> str:
    """What the last build printed as warnings ("" when none, or when it is unknown)."""
    try:
        return paths.warnings.read_text(encoding="utf-8")
    except (OSError, ValueError):
        return ""


def warned_pages(warnings: str, source: Path) -> set[Path]:
    """Source files named by a warning that Sphinx prints only while it reads the file.

    Warnings of atlas rules are left out: the extension reports those again
    itself, without reading the page.
    """
    starts = list(WARNING_START.finditer(warnings))
    pages = set()
    for number, start in enumerate(starts):
        end = starts[number + 1].start() if number + 1 < len(starts) else len(warnings)
        if ATLAS_RULE.search(warnings[start.end() : end]):
            continue
        file = Path(re.sub(r":\d+$", "", start["location"]))
        if file.is_absolute() and file.is_relative_to(source) and file.is_file():
            pages.add(file)
    return pages


def read_warned_pages_again(paths: Paths, warnings: str) -> None:
    """Give the pages the last build warned about the current time, so Sphinx reads
    them again and prints their warnings again: otherwise a page that did not change
    would pass ``make strict`` after ``make html`` printed its warning once."""
    for page in warned_pages(warnings, paths.source):
        os.utime(page)


def start_from_nothing(paths: Paths) -> None:
    """Remove the output and the saved environment of a build that did not finish."""
    print("The last build did not finish; building the whole site again.")
    for folder in (paths.html, paths.doctrees):
        shutil.rmtree(folder, ignore_errors=True)


def write_json_atomically(path: Path, data: object) -> None:
    """Write ``data`` so that the file is either the old one or the whole new one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f"{path.name}.partial")
    partial.write_text(json.dumps(data, indent=0, sort_keys=True), encoding="utf-8")
    partial.replace(path)


def sphinx_command(args: argparse.Namespace) -> list[str]:
    build = args.build
    return [
        *("-c", str(args.conf)),
        *("-d", str(build / "doctrees")),
        *("-j", str(args.jobs)),
        *("-b", "html"),
        *("-w", str(build / "doctrees" / WARNINGS)),
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
    paths = Paths(args.source, args.build, args.conf)

    if paths.unfinished.exists():
        start_from_nothing(paths)
    recorded = recorded_state(paths)
    now = inputs(command, paths.source, paths.confdir)
    hashes = recorded.get("hashes")
    hashes = hashes if isinstance(hashes, dict) else {}
    sources = content_listing(paths.source, paths.project, hashes)
    unchanged = (
        recorded.get("clean") is True
        and all(recorded.get(key) == value for key, value in now.items())
        and recorded.get("sources") == sources
        and recorded.get("outputs") == output_listing(paths.html)
    )
    warnings = last_warnings(paths) if recorded else ""
    strict = bool(WARNINGS_AS_ERRORS.intersection(args.sphinx_options))
    if unchanged and not FORCING.intersection(args.sphinx_options) and not (strict and warnings):
        print(f"Nothing changed since the last build; the site is in {paths.html}.")
        if warnings:
            print("The last build warned about these; nothing has changed since:", file=sys.stderr)
            print(warnings, end="", file=sys.stderr)
        return 0

    repair(paths, recorded, sources)
    read_warned_pages_again(paths, warnings)
    # Sphinx writes the file anew, or not at all when it prints no warnings (-Q).
    paths.warnings.unlink(missing_ok=True)
    paths.unfinished.parent.mkdir(parents=True, exist_ok=True)
    paths.unfinished.write_text(f"Sphinx started by process {os.getpid()}\n", encoding="utf-8")
    from sphinx.cmd.build import build_main

    status = build_main(command)
    if status in COMPLETED:
        # What the extension wrote into the source tree is recorded as it left it;
        # everything else as it was when the build read it.
        after = content_listing(paths.source, paths.project, hashes)
        for name in paths.generated():
            if name in after:
                sources[name] = after[name]
            else:
                sources.pop(name, None)
        record = {
            **now,
            "clean": status == 0,
            "sources": sources,
            "outputs": output_listing(paths.html),
            "hashes": {name: hashes[name] for name in after if name in hashes},
        }
        write_json_atomically(paths.stamp, record)
        paths.unfinished.unlink()
    return status


def leave(status: int) -> None:
    """Exit without tearing down the build's objects one by one.

    That takes a second at atlas scale, and every file is closed by now. Child
    processes an extension started (sphinx-sitemap keeps a multiprocessing
    manager) would outlive a bare ``os._exit`` and hold the terminal's output
    open, so they are stopped first.
    """
    for child in multiprocessing.active_children():
        child.terminate()
        child.join(timeout=5)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)


if __name__ == "__main__":
    leave(main())
