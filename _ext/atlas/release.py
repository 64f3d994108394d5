"""What changed in the atlas between two points of its git history, and the release archive.

A release is a tag ``vX.Y.Z``. The studies a release adds, updates, retracts
and removes are worked out from git alone, by comparing the study pages of the
previous release's commit with those of the new one (the first release is
compared with the start of the history, so every study it holds is added). The
same comparison feeds the CHANGELOG in the archive (``atlas release``), the
site's "What's new" page (:mod:`atlas.sphinx.whatsnew`) and the pull-request
summary (``atlas summary``), so all three always agree.

Pages are compared by their git blob ids, so only the pages that differ are
read, and they are read only as far as their options and section texts: an old
page that today's rules would reject still has a title and a retraction date.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import json
import re
import subprocess
import zipfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .model.page import find_blocks, page_lines
from .model.studyblock import parse_block
from .model.vocabulary import Vocabulary

#: A release version: three numbers, as in semantic versioning, without a leading zero.
VERSION = re.compile(r"^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$")
TAG_PREFIX = "v"
#: The open-data files a release carries, as the build writes them into the site's root.
DATA_FILES = ("studies.json", "studies.schema.json", "studies.csv", "atlas.bib", "atom.xml")
#: Data files a release carries when the build wrote them.
OPTIONAL_DATA_FILES = ("findings.json", "findings.csv")
#: Options whose old and new values a changelog entry shows; others are only named.
SHOWN_OPTIONS = ("evidence", "confidence", "pem", "design", "review", "year", "peer-review")
#: How many files one ``git hash-object`` call hashes (its command line stays short).
HASHED_AT_ONCE = 1000
#: Changing only the date of the last change is no news.
QUIET_OPTIONS = frozenset({"updated"})
#: How the licences of the atlas are stated in every archive (and on the site).
LICENCE_TEXT = """\
# Licences

- The open data (studies.json, studies.schema.json, studies.csv, atlas.bib,
  atom.xml and any findings files): CC0 1.0 Universal, a public-domain
  dedication. Use it for anything, without asking. Credit is welcome: see
  CITATION.cff.
  https://creativecommons.org/publicdomain/zero/1.0/
- The written study pages of the site: Creative Commons Attribution 4.0
  International (CC BY 4.0). Share and adapt them if you credit the atlas.
  https://creativecommons.org/licenses/by/4.0/

The atlas describes research. It is not medical advice.
"""


class ReleaseError(Exception):
    """A release cannot be made; the message says what to do."""


# -- reading pages -------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    """What a changelog needs from one version of a study page."""

    name: str
    options: Mapping[str, str]
    #: Section key -> its text, to tell a changed text from a changed option.
    sections: Mapping[str, str]

    @property
    def title(self) -> str:
        return " ".join(self.options.get("title", "").split()) or self.name

    @property
    def retracted(self) -> str:
        return self.options.get("retracted", "")

    def identifiers(self) -> set[str]:
        """The DOI and PMID as written, in a form that matches the same paper's other page."""
        keys = set()
        if doi := self.options.get("doi", "").strip().lower():
            keys.add(f"doi:{doi.removeprefix('https://doi.org/')}")
        if pmid := self.options.get("pmid", "").strip().lower():
            keys.add(f"pmid:{pmid.removeprefix('pmid:').strip()}")
        return keys


def read_page(name: str, data: bytes, vocabulary: Vocabulary) -> Page:
    """A page's options and sections as written; a page without a study block has neither."""
    lines = page_lines(data.decode("utf-8-sig", errors="replace"))
    start, end = next(find_blocks(lines), (None, None))
    if start is None:
        return Page(name, {}, {})
    block = parse_block(lines[start + 1 : end], start + 2, vocabulary)
    return Page(
        name,
        {key: option.value for key, option in block.options.items()},
        {key: section.text for key, section in block.sections.items()},
    )


# -- git -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Release:
    version: str
    tag: str
    commit: str
    date: str

    @property
    def key(self) -> tuple[int, ...]:
        return version_key(self.version)


def version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


@dataclass
class Snapshot:
    """The study pages at one point of the history: page name -> git blob id."""

    label: str
    blobs: dict[str, str]
    read: Callable[[list[str]], dict[str, bytes]] = field(repr=False)


class Repository:
    """The git repository that holds the study pages, read with the ``git`` command."""

    def __init__(self, studies: Path) -> None:
        self.studies = studies
        self.root = Path(self.git("rev-parse", "--show-toplevel", cwd=studies).strip())

    def git(self, *args: str, cwd: Path | None = None, data: bytes | None = None) -> str:
        return self.git_bytes(*args, cwd=cwd, data=data).decode("utf-8", errors="replace")

    def git_bytes(self, *args: str, cwd: Path | None = None, data: bytes | None = None) -> bytes:
        folder = cwd or self.root
        try:
            result = subprocess.run(
                ["git", "-C", str(folder), *args], input=data, capture_output=True, check=False
            )
        except OSError as error:
            raise ReleaseError(f"git cannot be run: {error}") from error
        if result.returncode != 0:
            message = result.stderr.decode("utf-8", errors="replace").strip()
            raise ReleaseError(f"git {' '.join(args[:2])} failed in {folder}: {message}")
        return result.stdout

    def commit(self, revision: str) -> str:
        return self.git("rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}").strip()

    def releases(self, reachable_from: str = "HEAD") -> list[Release]:
        """Every release tag whose commit is in the history of ``reachable_from``, oldest first."""
        listing = self.git(
            "for-each-ref",
            f"--merged={reachable_from}",
            "--format=%(refname:short)%00%(objectname)%00%(*objectname)%00%(creatordate:short)",
            f"refs/tags/{TAG_PREFIX}*",
        )
        releases = []
        for line in listing.splitlines():
            tag, target, peeled, date = line.split("\0")
            version = tag.removeprefix(TAG_PREFIX)
            if VERSION.match(version):
                releases.append(Release(version, tag, peeled or target, date))
        return sorted(releases, key=lambda release: release.key)

    def snapshot(self, revision: str, label: str) -> Snapshot:
        """The study pages of a commit."""
        commit = self.commit(revision)
        listing = self.git_bytes("ls-tree", "-z", commit, "--", ".", cwd=self.studies)
        blobs = {}
        for entry in listing.split(b"\0"):
            meta, _, path = entry.decode("utf-8", errors="replace").partition("\t")
            parts = meta.split()
            if len(parts) == 3 and parts[1] == "blob" and _is_page(path):
                blobs[path.removesuffix(".md")] = parts[2]
        return Snapshot(label, blobs, self._read_blobs(blobs))

    def start(self) -> Snapshot:
        """Before the first commit: no pages at all."""
        return Snapshot("the start of the history", {}, lambda names: {})

    def working_tree(self) -> Snapshot:
        """The study pages as they are on disk, committed or not."""
        paths = sorted(path for path in self.studies.glob("*.md") if path.is_file())
        hashed: list[str] = []
        # As arguments, not one per line on standard input: a file name may hold a line break.
        for first in range(0, len(paths), HASHED_AT_ONCE):
            chunk = [str(path) for path in paths[first : first + HASHED_AT_ONCE]]
            hashed += self.git("hash-object", "--", *chunk).split()
        blobs = dict(zip((path.stem for path in paths), hashed, strict=True))

        def read(wanted: list[str]) -> dict[str, bytes]:
            return {name: (self.studies / f"{name}.md").read_bytes() for name in wanted}

        return Snapshot("the working tree", blobs, read)

    def is_clean(self) -> bool:
        """Whether the study pages on disk are exactly those of HEAD."""
        status = self.git(
            "status", "--porcelain", "--untracked-files=all", "--", ".", cwd=self.studies
        )
        return not status.strip()

    def _read_blobs(self, blobs: Mapping[str, str]) -> Callable[[list[str]], dict[str, bytes]]:
        def read(names: list[str]) -> dict[str, bytes]:
            if not names:
                return {}
            request = "".join(f"{blobs[name]}\n" for name in names).encode()
            output = self.git_bytes("cat-file", "--batch", data=request)
            contents, offset = {}, 0
            for name in names:
                header_end = output.index(b"\n", offset)
                size = int(output[offset:header_end].split()[2])
                contents[name] = output[header_end + 1 : header_end + 1 + size]
                offset = header_end + 1 + size + 1
            return contents

        return read


def _is_page(path: str) -> bool:
    return path.endswith(".md") and "/" not in path


# -- changes -------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """One study in a changelog: its page name, its title and what changed, in words."""

    name: str
    title: str
    detail: str = ""

    def to_dict(self) -> dict[str, str]:
        entry = {"id": f"studies/{self.name}", "title": self.title}
        return {**entry, "detail": self.detail} if self.detail else entry


KINDS = ("added", "updated", "retracted", "removed")


@dataclass(frozen=True)
class Changes:
    """The studies added, updated, retracted and removed since an earlier snapshot."""

    #: The earlier snapshot, in words.
    since: str
    added: tuple[Entry, ...] = ()
    updated: tuple[Entry, ...] = ()
    retracted: tuple[Entry, ...] = ()
    removed: tuple[Entry, ...] = ()

    def __bool__(self) -> bool:
        return any(getattr(self, kind) for kind in KINDS)

    def to_dict(self) -> dict[str, Any]:
        return {kind: [entry.to_dict() for entry in getattr(self, kind)] for kind in KINDS}

    @classmethod
    def from_dict(cls, since: str, data: Mapping[str, Any]) -> Changes:
        def entries(kind: str) -> tuple[Entry, ...]:
            return tuple(
                Entry(item["id"].removeprefix("studies/"), item["title"], item.get("detail", ""))
                for item in data.get(kind, ())
            )

        return cls(since, *(entries(kind) for kind in KINDS))


def compare(old: Snapshot, new: Snapshot, vocabulary: Vocabulary) -> Changes:
    """What happened to each study page between ``old`` and ``new``.

    A page that is new is *added*, one that is gone is *removed*. A page that
    gained a retraction date is *retracted*; any other page whose bytes differ
    is *updated*, with the options that changed named (and, for the badges,
    their old and new values). A page renamed (same DOI or PMID under a new
    file name) is one update, since the study's id in the data changed with it.
    """
    gone = sorted(set(old.blobs) - set(new.blobs))
    came = sorted(set(new.blobs) - set(old.blobs))
    kept = sorted(
        name for name in set(old.blobs) & set(new.blobs) if old.blobs[name] != new.blobs[name]
    )
    before = {
        name: read_page(name, data, vocabulary) for name, data in old.read(gone + kept).items()
    }
    after = {
        name: read_page(name, data, vocabulary) for name, data in new.read(came + kept).items()
    }

    renamed_from: dict[str, str] = {}
    by_identifier = {key: name for name in gone for key in before[name].identifiers()}
    for name in came:
        match = next(
            (
                by_identifier[key]
                for key in sorted(after[name].identifiers())
                if key in by_identifier
            ),
            None,
        )
        if match is not None and match not in renamed_from.values():
            renamed_from[name] = match

    added: list[Entry] = []
    updated: list[Entry] = []
    retracted: list[Entry] = []
    removed: list[Entry] = []
    for name in came:
        page = after[name]
        if name in renamed_from:
            pair = (before[renamed_from[name]], page, f"renamed from {renamed_from[name]}")
            _sort_update(*pair, updated, retracted)
            continue
        detail = f"retracted {page.retracted}" if page.retracted else ""
        added.append(Entry(name, page.title, detail))
    for name in kept:
        _sort_update(before[name], after[name], "", updated, retracted)
    for name in gone:
        if name not in renamed_from.values():
            removed.append(Entry(name, before[name].title))
    return Changes(
        old.label,
        *(
            tuple(sorted(entries, key=lambda e: e.name))
            for entries in (added, updated, retracted, removed)
        ),
    )


def _sort_update(
    old: Page, new: Page, note: str, updated: list[Entry], retracted: list[Entry]
) -> None:
    if new.retracted and not old.retracted:
        notice = new.options.get("retraction-notice", "")
        detail = f"retracted {new.retracted}" + (f", notice {notice}" if notice else "")
        retracted.append(Entry(new.name, new.title, "; ".join(filter(None, (note, detail)))))
        return
    detail = "; ".join(filter(None, (note, _what_changed(old, new))))
    if not detail:
        dated = old.options.get("updated") != new.options.get("updated")
        detail = "date of last change only" if dated else "layout only"
    updated.append(Entry(new.name, new.title, detail))


def _what_changed(old: Page, new: Page) -> str:
    """The options that changed (old and new values of the badges) and whether the text did."""
    parts = []
    for name in sorted(set(old.options) | set(new.options)):
        before, after = old.options.get(name, ""), new.options.get(name, "")
        if before == after or name in QUIET_OPTIONS:
            continue
        if name == "retracted" and not after:
            parts.append("retraction withdrawn")
        elif name in SHOWN_OPTIONS and before and after:
            parts.append(f"{name} {before} to {after}")
        else:
            parts.append(
                f"{name} {'added' if not before else 'removed' if not after else 'changed'}"
            )
    if old.sections != new.sections:
        parts.append("text revised")
    return "; ".join(parts)


# -- history of releases --------------------------------------------------------------


@dataclass(frozen=True)
class ReleaseChanges:
    release: Release | None
    previous: Release | None
    changes: Changes


def previous_release(releases: Iterable[Release], version: str) -> Release | None:
    """The newest release before ``version``, or None for a first release."""
    earlier = [release for release in releases if release.key < version_key(version)]
    return earlier[-1] if earlier else None


def snapshot_of(repository: Repository, release: Release | None) -> Snapshot:
    if release is None:
        return repository.start()
    return repository.snapshot(release.commit, f"{release.version} ({release.date})")


# -- the archive ---------------------------------------------------------------------


@dataclass(frozen=True)
class Archive:
    path: Path
    changelog: Path
    changes: Changes


def make_release(
    studies: Path,
    site: Path,
    version: str,
    out: Path,
    vocabulary: Vocabulary,
    citation_file: Path | None = None,
    date: str | None = None,
    addresses: Mapping[str, str] | None = None,
    name: str = "mecfs-atlas",
    project: str = "ME/CFS Evidence Atlas",
) -> Archive:
    """Write ``<name>-data-<version>.zip`` and its CHANGELOG into ``out``.

    ``site`` is the built site of HEAD, whose open-data files go into the
    archive, each stamped with the release's version and date where its
    format has room for them (see :func:`stamped`). The changes are those since
    the newest earlier release tag that HEAD's history holds.
    """
    if not VERSION.match(version):
        raise ReleaseError(f"{version!r} is not a version such as 1.2.0 (three numbers, no 'v')")
    repository = Repository(studies)
    if not repository.is_clean():
        raise ReleaseError(
            f"{studies} has changes that are not committed; a release is made from a commit. "
            "Commit them (or set them aside) and build the site again."
        )
    head = repository.commit("HEAD")
    releases = repository.releases()
    tag = f"{TAG_PREFIX}{version}"
    existing = next((release for release in releases if release.version == version), None)
    if existing is None and repository.git("tag", "--list", tag).strip():
        raise ReleaseError(f"the tag {tag} exists but is not in the history of HEAD")
    if existing is not None and existing.commit != head:
        raise ReleaseError(
            f"the tag {tag} names commit {existing.commit[:12]}, not HEAD ({head[:12]})"
        )
    date = date or (
        existing.date if existing else datetime.datetime.now(datetime.UTC).date().isoformat()
    )
    _check_date(date)
    previous = previous_release(releases, version)
    new = repository.snapshot(head, f"{version} ({date})")
    changes = compare(snapshot_of(repository, previous), new, vocabulary)
    current = Release(version, tag, head, date)
    files = _data_files(site, set(new.blobs))
    stamp = {"version": version, "date": date}
    contents = {name_: stamped(name_, data, stamp, project) for name_, data in files.items()}
    changelog = changelog_text(project, current, previous, changes)
    contents["CHANGELOG.md"] = changelog.encode("utf-8")
    contents["LICENCE.md"] = LICENCE_TEXT.encode("utf-8")
    if citation_file is not None:
        citation = citation_file.read_text("utf-8")
        contents["CITATION.cff"] = stamped_citation(citation, stamp, addresses or {})
    contents["release.json"] = _json(
        {
            "release": stamp,
            "commit": head,
            "previous": {"version": previous.version, "commit": previous.commit}
            if previous
            else None,
            "changes": changes.to_dict(),
            "files": {
                file: {"bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}
                for file, data in sorted(contents.items())
            },
        }
    )
    out.mkdir(parents=True, exist_ok=True)
    archive = out / f"{name}-data-{version}.zip"
    archive.write_bytes(_zip(f"{name}-data-{version}", contents, date))
    notes = out / f"CHANGELOG-{version}.md"
    notes.write_text(changelog, encoding="utf-8")
    return Archive(archive, notes, changes)


def _check_date(date: str) -> None:
    try:
        datetime.date.fromisoformat(date)
    except ValueError:
        raise ReleaseError(f"{date!r} is not a date written YYYY-MM-DD") from None
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", date):
        raise ReleaseError(f"{date!r} is not a date written YYYY-MM-DD")


def _data_files(site: Path, pages: set[str]) -> dict[str, bytes]:
    """The open-data files of the built site, checked to be the build of these pages."""
    missing = [name for name in DATA_FILES if not (site / name).is_file()]
    if missing:
        raise ReleaseError(
            f"{site} has no {', '.join(missing)}: build the site first (make strict)"
        )
    files = {name: (site / name).read_bytes() for name in DATA_FILES}
    files |= {
        name: (site / name).read_bytes() for name in OPTIONAL_DATA_FILES if (site / name).is_file()
    }
    try:
        built = {
            study["id"].removeprefix("studies/")
            for study in json.loads(files["studies.json"])["studies"]
        }
    except (ValueError, KeyError, TypeError) as error:
        raise ReleaseError(f"{site / 'studies.json'} cannot be read: {error}") from error
    if built != pages:
        raise ReleaseError(
            f"the site in {site} was not built from the study pages of HEAD "
            f"({len(built ^ pages)} differ): build it again (make strict)"
        )
    return files


def stamped(name: str, data: bytes, stamp: Mapping[str, str], project: str) -> bytes:
    """A data file as it goes into a release: naming the release where its format allows.

    - JSON files get a top-level ``release`` object (``studies.json``; its
      schema allows it) or a ``$comment`` (the schema itself).
    - BibTeX and Atom get a comment at the top, which every reader skips.
    - CSV files stay exactly as built: a comment line would become a row in
      most readers. Their release is named by ``release.json``, the CHANGELOG
      and the archive's folder name.
    """
    words = f"{project} data release {stamp['version']} of {stamp['date']}"
    if name == "studies.json":
        return _json({"release": dict(stamp), **json.loads(data)})
    if name == "studies.schema.json":
        return _json({**json.loads(data), "$comment": words})
    if name.endswith(".bib"):
        return f"@comment{{{words}}}\n\n".encode() + data
    if name.endswith(".xml"):
        declaration, newline, rest = data.partition(b"\n")
        if declaration.startswith(b"<?xml"):
            return declaration + newline + f"<!-- {words} -->\n".encode() + rest
        return f"<!-- {words} -->\n".encode() + data
    return data


def stamped_citation(text: str, stamp: Mapping[str, str], addresses: Mapping[str, str]) -> bytes:
    """The atlas's CITATION.cff with this release's version, date and addresses.

    The addresses (``url``, ``repository-code``) come from conf.py, so the
    committed file never needs changing when the repository moves.
    """
    citation = yaml.safe_load(text)
    citation["version"] = stamp["version"]
    citation["date-released"] = stamp["date"]
    citation.update({key: value for key, value in addresses.items() if value})
    return yaml.safe_dump(citation, sort_keys=False, allow_unicode=True).encode("utf-8")


def _zip(folder: str, contents: Mapping[str, bytes], date: str) -> bytes:
    """A zip archive whose bytes depend only on its contents and date: sorted, fixed times."""
    day = datetime.date.fromisoformat(date)
    stamp = (max(day.year, 1980), day.month, day.day, 0, 0, 0)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(contents):
            info = zipfile.ZipInfo(f"{folder}/{name}", date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, contents[name])
    return buffer.getvalue()


def _json(data: object) -> bytes:
    return (json.dumps(data, indent=1, ensure_ascii=False) + "\n").encode("utf-8")


# -- the changelog in words -------------------------------------------------------------

HEADINGS = {
    "added": "Added",
    "updated": "Updated",
    "retracted": "Retracted",
    "removed": "Removed",
}
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_MARKDOWN = re.compile(r"([\\`*_\[\]<>|])")


def plain(text: str) -> str:
    """Text from a page as one line of Markdown that shows as written."""
    return _MARKDOWN.sub(r"\\\1", " ".join(_CONTROL.sub(" ", text).split()))


def changelog_text(
    project: str, release: Release, previous: Release | None, changes: Changes
) -> str:
    since = (
        f"release {previous.version} of {previous.date}" if previous else "the start of the history"
    )
    lines = [
        f"# {project} {release.version} ({release.date})",
        "",
        f"Studies added, updated, retracted and removed since {since}, from git "
        f"(commit {release.commit[:12]}).",
    ]
    for kind in KINDS:
        entries = getattr(changes, kind)
        lines += ["", f"## {HEADINGS[kind]} ({len(entries)})", ""]
        lines += [_changelog_line(entry) for entry in entries] or ["None."]
    return "\n".join(lines) + "\n"


def _changelog_line(entry: Entry) -> str:
    detail = f" ({plain(entry.detail)})" if entry.detail else ""
    return f"- {plain(entry.title)}: `studies/{entry.name}`{detail}"
