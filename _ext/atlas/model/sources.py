"""What every file under ``source/`` is, and what a guide page may hold, without Sphinx.

Both tools decide from here, so ``atlas check`` and the build agree on every file:

- :func:`classify` walks ``source/`` the way Sphinx discovers documents (through
  symbolic links, folders included) and gives each file a :class:`Kind`. A file
  that is not a kind the site publishes is a :attr:`Kind.PROBLEM` with a located
  error, and the build adds it to ``exclude_patterns`` so Sphinx never reads it.
  Leaving such files out silently is what let a ``.rst`` page with a reST
  ``include`` of an outside file, or a link to a file outside the repository, be
  published unchecked.
- :func:`check_guide_page` finds what only a trusted guide page may hold (raw HTML,
  file insertion, files outside the repository, front matter that changes how MyST
  reads the page) and returns the page with those constructs blanked, lines kept,
  so the build never hands them to MyST and both tools report them at one line.
"""

from __future__ import annotations

import dataclasses
import datetime
import itertools
import os
import re
import unicodedata
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import Enum
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import yaml
from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token

from ..sitebuild import GENERATED_NOTE, NOTE_WITHIN
from .page import MAX_PAGE_BYTES, check_file, decode_page, page_lines, size_problem
from .rules import Problem, Rule
from .vocabulary import Vocabulary

#: The folder of study pages, below ``source/``.
STUDIES = "studies"
#: Where the extension writes evidence-level pages (``atlas.sphinx.data.LEVELS_DIR``; a
#: test keeps the two equal, as this module cannot import the Sphinx side).
LEVELS_FOLDER = "evidence"
#: Where the extension writes a ledger page per measure (``atlas.sphinx.findingview``).
MEASURES_FOLDER = "measures"
#: The one suffix the site reads pages from. Sphinx matches suffixes case-sensitively, so
#: ``x.MD`` was silently never read; here it is a located error instead.
PAGE_SUFFIX = ".md"
#: Suffixes of files that are pages in some other format or spelling. Outside
#: ``studies/`` such a file is an error too: it looks like a page but is never published.
PAGE_LIKE_SUFFIXES = (".md", ".markdown", ".mdown", ".mkd", ".mkdn", ".mdwn", ".mdx", ".myst",
                      ".rst", ".rest", ".ipynb")  # fmt: skip
#: What Sphinx leaves out of every project (``sphinx.project.EXCLUDE_PATHS``; a test keeps
#: the two equal). Editor lock files are among them: they are often dangling links.
SPHINX_EXCLUDED = ("**/_sources", ".#*", "**/.#*", "*.lproj/**")


class Kind(Enum):
    STUDY = "study page"
    GUIDE = "guide page"
    #: A page the extension writes into a generated folder on every build.
    GENERATED = "generated page"
    #: Named by ``exclude_patterns`` (the vocabulary): never read as a page.
    DATA = "data"
    #: Not a page: an image or download a page may show, or a hidden file such as
    #: ``.gitkeep``. Sphinx reads it only when a page points at it.
    ASSET = "asset"
    PROBLEM = "problem"


@dataclass(frozen=True)
class Layout:
    """Where the sources are and which of their folders and files are special."""

    source: Path
    #: The repository's root; no page may read a file outside it.
    repository: Path
    #: Folders below ``source`` that the extension writes itself.
    generated: Collection[str] = (LEVELS_FOLDER, "tags", MEASURES_FOLDER)
    #: ``exclude_patterns`` and ``templates_path`` of ``conf.py`` (Sphinx leaves both out).
    excluded: tuple[str, ...] = ()
    #: The suffixes Sphinx reads pages from (``source_suffix``).
    page_suffixes: Collection[str] = (PAGE_SUFFIX,)

    @cached_property
    def real_repository(self) -> str:
        return os.path.realpath(self.repository)

    @cached_property
    def is_excluded(self) -> Callable[[str], bool]:
        """Whether Sphinx leaves a path (relative to ``source``, in NFC form) out."""
        patterns = [re.compile(_sphinx_pattern(p)) for p in (*self.excluded, *SPHINX_EXCLUDED)]
        return lambda relative: any(pattern.match(relative) for pattern in patterns)


@dataclass(frozen=True)
class SourceFile:
    """One file (or, for a problem, sometimes a folder) under ``source/``."""

    #: The path as found below ``source`` (links not resolved).
    path: Path
    #: The path relative to ``source``, with ``/``, as Sphinx names it.
    relative: str
    kind: Kind
    problem: Problem | None = None
    #: A file in ``studies/`` in the wrong form or folder: checked with the study rules too.
    misplaced_study: bool = False
    #: What the build adds to ``exclude_patterns`` so that Sphinx never reads it.
    exclude: tuple[str, ...] = field(default=())

    @property
    def docname(self) -> str:
        return docname_of(self.relative)


def docname_of(relative: str) -> str:
    """The document name of a page path: the path without the file name's last suffix.

    Plain string work, as Sphinx does it: ``pathlib`` refuses names such as ``..md``.
    """
    folder, slash, name = relative.rpartition("/")
    stem, dot, _ = name.rpartition(".")
    return f"{folder}{slash}{stem if dot else name}"


# -- the walk --------------------------------------------------------------------------


def classify(layout: Layout) -> list[SourceFile]:
    """Every file under ``layout.source`` with its kind, in path order.

    Symbolic links are followed as Sphinx follows them, once each check has
    passed: a link is a problem when it is broken, leads outside the repository
    or into a hidden folder of it (``.git``, ``.venv``), or loops back to a folder
    above it. A link that stays inside the repository is allowed: the file it
    reaches is then checked like any other file of its kind (a study page reached
    through a link is checked as a study page, and ``atlas check --fix`` may write
    it, as it stays inside the repository).
    """
    found: list[SourceFile] = []
    root = os.path.realpath(layout.source)
    _walk(layout, Path(layout.source), "", (root,), found)
    return found


def _walk(
    layout: Layout, folder: Path, relative: str, ancestors: tuple[str, ...], found: list[SourceFile]
) -> None:
    try:
        entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
    except OSError as error:
        # Sphinx skips a folder it cannot list without a word; here it is reported.
        message = f"This folder cannot be read ({error.strerror}), so the site does not read it."
        found.append(_problem(folder, relative, Rule.NOT_A_PAGE, f"{message} Fix its permissions."))
        return
    for entry in entries:
        path = Path(entry.path)
        name = f"{relative}/{entry.name}" if relative else entry.name
        if layout.is_excluded(_nfc(name)):
            found.append(SourceFile(path, name, Kind.DATA))
            continue
        if entry.is_symlink():
            problem = _link_problem(path, layout.real_repository, ancestors)
            if problem is not None:
                found.append(
                    SourceFile(path, name, Kind.PROBLEM, problem, exclude=_excluding(name))
                )
                continue
        if entry.is_dir():
            if relative == STUDIES:
                found += _nested_study_folder(path, name)
            elif not relative and entry.name in layout.generated:
                found += _generated_folder(path, name)
            else:
                real = os.path.realpath(path)
                _walk(layout, path, name, (*ancestors, real), found)
        elif not entry.is_file():
            found.append(_problem(path, name, Rule.NOT_A_PAGE, _not_regular(entry.name)))
        else:
            found.append(_file(layout, path, name, relative))


def _file(layout: Layout, path: Path, name: str, folder: str) -> SourceFile:
    base = path.name
    hidden = base.startswith(".") and not _page_like(layout, base)
    if folder == STUDIES:
        if base.endswith(PAGE_SUFFIX):
            return SourceFile(path, name, Kind.STUDY)
        if hidden:
            return SourceFile(path, name, Kind.ASSET)
        message = (
            f"source/studies/ holds only study pages named NAME.md, so '{base}' is not read "
            f"and not published. Rename it to {_stem(base)}.md (lower-case '.md'), or move "
            "it out of source/."
        )
        return _problem(path, name, Rule.NOT_A_PAGE, message, misplaced=True)
    if base.endswith(PAGE_SUFFIX):
        return SourceFile(path, name, Kind.GUIDE)
    if _page_like(layout, base):
        message = (
            f"The site reads pages only from Markdown files ending in '.md', so '{base}' is "
            f"not read and not published. Rename it to {_stem(base)}.md and write it in "
            "Markdown, or move it out of source/."
        )
        return _problem(path, name, Rule.NOT_A_PAGE, message)
    return SourceFile(path, name, Kind.ASSET)


def _page_like(layout: Layout, base: str) -> bool:
    lower = base.lower()
    return any(lower.endswith(suffix) for suffix in PAGE_LIKE_SUFFIXES) or any(
        base.endswith(suffix) for suffix in layout.page_suffixes
    )


def _nested_study_folder(folder: Path, name: str) -> list[SourceFile]:
    """Every file below a folder inside ``studies/``: none is read, each is reported."""
    files = []
    for path in sorted(_files_below(folder)):
        relative = f"{name}/{path.relative_to(folder).as_posix()}"
        message = (
            f"Study pages live directly in source/studies/; this one is in the folder "
            f"'{name.removeprefix(STUDIES + '/')}/', so it is not read and not published. "
            f"Move it to source/studies/{path.name}."
        )
        problem = Problem(Rule.STUDY_IN_FOLDER, 1, message)
        files.append(SourceFile(path, relative, Kind.PROBLEM, problem, not path.is_symlink()))
    if files:
        # The whole folder is left out at once: Sphinx then never walks into it.
        files[0] = _with_exclude(files[0], _excluding(name))
    return files


def _files_below(folder: Path) -> Iterator[Path]:
    """Files below ``folder`` without following links (a link is reported, not entered)."""
    for current, folders, names in os.walk(folder):
        folders.sort()
        for name in names + [f for f in folders if os.path.islink(os.path.join(current, f))]:
            yield Path(current, name)


def _generated_folder(folder: Path, name: str) -> list[SourceFile]:
    """A folder the extension writes: its pages, and what a person put there.

    Before Sphinx reads anything the extension replaces or deletes every file at
    the top of the folder, so nothing there is published as it is; a file
    without the note the extension writes into its pages was put there by hand
    and is reported, as it would vanish unseen. A link there is an error too:
    the extension would write through it, into the file it leads to. Anything in
    a folder below is never cleared, so it is left out and reported.
    """
    files = []
    for path in sorted(_files_below(folder)):
        relative = f"{name}/{path.relative_to(folder).as_posix()}"
        inside = path.relative_to(folder).as_posix()
        top_level = path.parent == folder
        exclude = _excluding(relative)
        if path.is_symlink():
            message = (
                f"'{inside}' is a link in source/{name}/, which the build writes into: it "
                "would write through the link. Delete the link."
            )
            problem = Problem(Rule.LINK_LEAVES_REPOSITORY, 1, message)
        elif top_level and path.name.endswith(PAGE_SUFFIX) and _carries_note(path):
            files.append(SourceFile(path, relative, Kind.GENERATED))
            continue
        else:
            where = "is replaced or deleted by it" if top_level else "is in a folder below it"
            message = (
                f"source/{name}/ is written by the build from source/vocabulary.yaml, and "
                f"'{inside}' {where}, so it is never published as it is. Delete it; to add "
                "a page there, add the term to the vocabulary."
            )
            problem = Problem(Rule.NOT_A_PAGE, 1, message)
            # The extension clears the top level itself, and leaving out a page there
            # would also leave out the page it writes in its place.
            exclude = () if top_level else exclude
        files.append(SourceFile(path, relative, Kind.PROBLEM, problem, exclude=exclude))
    return files


def _carries_note(path: Path) -> bool:
    """Whether a page carries the note the extension writes near the top of its pages."""
    try:
        with path.open(encoding="utf-8", errors="replace") as lines:
            top = itertools.islice(lines, NOTE_WITHIN)
            return any(line.rstrip("\n") == GENERATED_NOTE for line in top)
    except OSError:
        return False


def _link_problem(path: Path, repository: str, ancestors: tuple[str, ...]) -> Problem | None:
    """Why a symbolic link may not be followed, or None when it stays inside the repository."""
    target = os.path.realpath(path)
    written = os.readlink(path)
    fix = "Replace the link with the file itself (a copy inside the repository)."
    if not os.path.exists(target):
        reason = f"a link to '{written}', which does not exist"
    elif os.path.commonpath([target, repository]) != repository:
        reason = f"a link to '{written}', outside the repository"
    elif any(part.startswith(".") for part in Path(target).relative_to(repository).parts):
        reason = f"a link to '{written}', a hidden file or folder of the repository"
    elif os.path.isdir(target) and any(
        os.path.commonpath([target, ancestor]) == target for ancestor in ancestors
    ):
        reason = f"a link to '{written}', a folder that holds the link itself"
    else:
        return None
    message = f"'{path.name}' is {reason}, so the site does not read it. {fix}"
    return Problem(Rule.LINK_LEAVES_REPOSITORY, 1, message)


def _problem(
    path: Path, name: str, rule: Rule, message: str, misplaced: bool = False
) -> SourceFile:
    return SourceFile(
        path, name, Kind.PROBLEM, Problem(rule, 1, message), misplaced, _excluding(name)
    )


def _with_exclude(file: SourceFile, exclude: tuple[str, ...]) -> SourceFile:
    return dataclasses.replace(file, exclude=exclude)


def _not_regular(name: str) -> str:
    return (
        f"'{name}' is not a regular file (it is a pipe, socket or device), so the site does "
        "not read it. Delete it."
    )


def _stem(base: str) -> str:
    return base.split(".", 1)[0] or base


def _nfc(relative: str) -> str:
    """Sphinx matches file names in NFC form, whatever form the file system keeps."""
    return unicodedata.normalize("NFC", relative)


def _sphinx_pattern(pattern: str) -> str:
    """A regular expression for an ``exclude_patterns`` entry, as Sphinx matches it.

    Sphinx's rule (``sphinx.util.matching``, which a test compares with this):
    ``**`` matches across folders, ``*`` and ``?`` within one, ``[...]`` is a set
    of characters (``[!...]`` its complement, never a ``/``).
    """
    result, index = "", 0
    while index < len(pattern):
        char = pattern[index]
        index += 1
        if char == "*" and pattern[index : index + 1] == "*":
            result, index = result + ".*", index + 1
        elif char == "*":
            result += "[^/]*"
        elif char == "?":
            result += "[^/]"
        elif char == "[":
            end = index + (pattern[index : index + 1] == "!")
            end += pattern[end : end + 1] == "]"
            end = pattern.find("]", end)
            if end < 0:
                result += "\\["
                continue
            chars = pattern[index:end].replace("\\", "\\\\")
            index = end + 1
            if chars.startswith("!"):
                chars = "^/" + chars[1:]
            elif chars.startswith("^"):
                chars = "\\" + chars
            result += f"[{chars}]"
        else:
            result += re.escape(char)
    return result + "$"


def _excluding(relative: str) -> tuple[str, ...]:
    """Sphinx ``exclude_patterns`` that match exactly this path and anything below it.

    A wildcard character in the name is written as a set: ``[*]``, ``[?]``, and
    ``[\\x00[]`` for ``[`` (with NUL, which no path holds, so that the set does not
    start with ``[``, which Python's regular expressions warn about).
    """
    escaped = {"*": "[*]", "?": "[?]", "[": "[\x00[]"}
    pattern = re.sub(r"[*?\[]", lambda match: escaped[match[0]], _nfc(relative))
    return (pattern, f"{pattern}/**")


def with_unreadable_pages(file: SourceFile) -> SourceFile:
    """The file, or a problem to leave out if the build could not read it as a page.

    Sphinx 9 stops the whole build on a byte that is not UTF-8, and a study page
    of megabytes would slow every build. Such a page is left out before Sphinx
    looks for documents, like any other problem file, so Sphinx's own path for
    a removed document forgets what it said before. ``atlas check`` reports the
    same problems from ``check_file``.
    """
    if file.kind not in (Kind.STUDY, Kind.GUIDE):
        return file
    try:
        text, problem = decode_page(file.path.read_bytes())
    except OSError as error:
        problem = Problem(Rule.NOT_A_PAGE, 1, f"This file cannot be read ({error.strerror}).")
        text = None
    if text is not None and file.kind is Kind.STUDY:
        # Measured as `atlas check` measures it: the text, without a byte-order mark.
        problem = size_problem(len(text.encode("utf-8")))
    if problem is None:
        return file
    return SourceFile(
        file.path, file.relative, Kind.PROBLEM, problem, exclude=_excluding(file.relative)
    )


def exclude_patterns(files: Iterable[SourceFile]) -> list[str]:
    """What the build adds to ``exclude_patterns``, in a stable order."""
    return sorted({pattern for file in files for pattern in file.exclude})


def trusted_pages_problem(trusted: object, files: Iterable[SourceFile]) -> str | None:
    """Why ``atlas_trusted_pages`` cannot be used, or None when every name is a guide page."""
    example = "for example ['browse', 'search']"
    if not isinstance(trusted, (list, tuple)) or not all(isinstance(n, str) for n in trusted):
        return f"atlas_trusted_pages must be a list of page names, {example}."
    guides = {file.docname for file in files if file.kind is Kind.GUIDE}
    unknown = [name for name in trusted if name not in guides]
    if not unknown:
        return None
    names = ", ".join(repr(name) for name in unknown)
    return (
        f"atlas_trusted_pages names {names}, which is not a guide page in source/ (a "
        "Markdown page outside studies/ and the generated folders). Use the page's path "
        f"below source/ without '.md', {example}, or remove the name."
    )


def misplaced_study_problems(
    file: SourceFile, vocabulary: Vocabulary, today: datetime.date
) -> list[Problem]:
    """The study rules on a study page in the wrong form or folder (``x.MD``, ``sub/x.md``).

    Such a page is not built, but it is checked as the study it was meant to be,
    so its author learns everything at once. Only UTF-8 text of a page's size is
    read: a picture or archive dropped into ``studies/`` gets its one located
    error, not a screen of study rules.
    """
    if not file.misplaced_study or file.path.is_symlink():
        return []
    try:
        if file.path.stat().st_size > MAX_PAGE_BYTES:
            return []
        text = file.path.read_bytes().decode("utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return []
    return check_file(file.path, text, vocabulary, file.docname, today).problems


# -- what a guide page may hold ---------------------------------------------------------

#: Front matter keys that MyST merges into its settings for the page: turning on HTML
#: parsing, template substitutions (Jinja with access to the build) or HTML meta tags.
SETTINGS_KEYS = ("myst", "html_meta", "substitutions", "mystnb")
#: Front matter keys MyST renders as Markdown (docutils' bibliographic fields).
MARKDOWN_KEYS = ("author", "authors", "organization", "address", "contact", "version",
                 "revision", "status", "date", "copyright", "dedication", "abstract")  # fmt: skip
#: Directives whose body is not Markdown: it is not searched for nested constructs.
LITERAL_BODIES = frozenset({"code", "code-block", "sourcecode", "code-cell", "math", "highlight",
                            "csv-table", "mermaid", "graphviz", "parsed-literal"})  # fmt: skip
#: Directive options that name a picture to show.
PICTURE_OPTIONS = ("img-top", "img-bottom", "img-background")
#: The MyST settings that change how a page splits into blocks: both tools parse with them.
MARKDOWN_SETTINGS = ("enable_extensions", "disable_syntax", "fence_as_directive",
                     "commonmark_only", "gfm_only")  # fmt: skip
SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
DIRECTIVE = re.compile(r"^\{(?P<name>[^}\s]+)\}\s*(?P<argument>.*)$")
TRUST_HINT = "or ask a maintainer to name this page in atlas_trusted_pages in conf.py"


@dataclass(frozen=True)
class Finding:
    problem: Problem
    #: The (first, last) line indexes the build blanks so the construct never reaches MyST.
    blank: tuple[int, int]


@dataclass(frozen=True)
class GuidePage:
    """A guide page as the build hands it to MyST, and what was taken out of it."""

    lines: list[str]
    problems: list[Problem]

    @property
    def text(self) -> str:
        return "\n".join(self.lines) + "\n"


def check_guide_page(
    text: str, page: Path, layout: Layout, markdown: Mapping[str, Any] | None = None
) -> GuidePage:
    """Find what an untrusted guide page may not hold, and blank it.

    ``page`` is the file as found below ``layout.source`` (relative links are
    resolved from its folder, as Sphinx does); ``markdown`` holds the MyST
    settings the build parses with (``enable_extensions`` and the like), so both
    tools split the page into the same blocks. Blanking can change how the
    lines around a construct read, so the page is searched again until nothing
    more is found; every problem of every round is reported.
    """
    lines = page_lines(text)
    problems: list[Problem] = []
    parser = _parser(tuple(sorted(_hashable(markdown or {}).items())))
    for _ in range(len(lines) + 1):
        findings = _front_matter_findings(lines, page, layout, parser)
        findings += _token_findings(parser.parse("\n".join(lines)), 0, page, layout, parser)
        if not findings:
            break
        for finding in findings:
            if finding.problem not in problems:
                problems.append(finding.problem)
            first, last = finding.blank
            lines[first : last + 1] = [""] * (last - first + 1)
    problems.sort(key=lambda problem: (problem.line, problem.rule.code))
    return GuidePage(lines, problems)


@lru_cache(maxsize=8)
def _parser(settings: tuple[tuple[str, Any], ...]) -> MarkdownIt:
    """MyST's own Markdown parser with the build's settings (lists made hashable).

    Imported here, not at the top: myst-parser's package loads docutils, and
    ``atlas check`` on study pages alone (the usual case) should load neither.
    """
    from myst_parser.config.main import MdParserConfig
    from myst_parser.parsers.mdit import create_md_parser

    config = MdParserConfig(**{name: _unfreeze(value) for name, value in settings})
    return create_md_parser(config, RendererHTML)


def _unfreeze(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


def _hashable(settings: Mapping[str, Any]) -> dict[str, Any]:
    """MyST settings with list and set values as tuples, so a parser can be cached for them."""
    return {
        name: tuple(sorted(value) if isinstance(value, (set, frozenset)) else value)
        if isinstance(value, (list, tuple, set, frozenset))
        else value
        for name, value in settings.items()
    }


def _front_matter_findings(
    lines: list[str], page: Path, layout: Layout, parser: MarkdownIt
) -> list[Finding]:
    """Front matter as MyST's ``read_topmatter`` reads it, when it holds what it may not.

    MyST merges the keys in :data:`SETTINGS_KEYS` into its settings for the page
    before parsing; with them a page could turn on HTML images, template code that
    reads any file, or meta tags. The whole front matter is then left out.
    """
    if not lines or not lines[0].startswith("---"):
        return []
    end = next((i for i in range(1, len(lines)) if lines[i].startswith(("---", "..."))), len(lines))
    try:
        data = yaml.safe_load("".join(line.rstrip() + "\n" for line in lines[1:end]))
    except yaml.YAMLError:
        return []  # MyST reports it and uses none of it
    if not isinstance(data, dict):
        return []
    blank = (0, min(end, len(lines) - 1))
    findings = []
    for key, value in data.items():
        line = next(
            (i + 1 for i in range(1, end) if re.match(rf"{re.escape(str(key))}\s*:", lines[i])), 1
        )
        if key in SETTINGS_KEYS:
            message = (
                f"Front matter '{key}' changes how the page is read (it can turn on HTML, "
                "template code or meta tags), so the site leaves this front matter out. "
                f"Remove '{key}', {TRUST_HINT}."
            )
            findings.append(Finding(Problem(Rule.UNTRUSTED_MARKUP, line, message), blank))
        elif key in MARKDOWN_KEYS and value is not None:
            tokens = parser.parse(str(value))
            for finding in _token_findings(tokens, 0, page, layout, parser):
                problem = finding.problem
                findings.append(Finding(Problem(problem.rule, line, problem.message), blank))
    return findings


def _token_findings(
    tokens: list[Token], offset: int, page: Path, layout: Layout, parser: MarkdownIt
) -> list[Finding]:
    findings: list[Finding] = []
    for token in tokens:
        if token.map is None:
            continue
        where = (offset + token.map[0], offset + max(token.map[1], token.map[0] + 1) - 1)
        if token.type == "html_block":
            findings.append(_html(token.content, where))
        elif token.type == "substitution_block":
            findings.append(_substitution(token.content, where))
        elif token.type in ("fence", "colon_fence"):
            findings += _directive_findings(token, where, page, layout, parser)
        elif token.type == "inline":
            findings += _inline_findings(token.children or [], where, page, layout)
    return findings


def _inline_findings(
    children: list[Token], where: tuple[int, int], page: Path, layout: Layout
) -> list[Finding]:
    """Inline constructs of one block; its HTML is reported once (the whole block goes)."""
    findings: list[Finding] = []
    for child in children:
        if child.type == "html_inline":
            if not any(finding.problem.rule is Rule.UNTRUSTED_MARKUP for finding in findings):
                findings.append(_html(child.content, where))
        elif child.type == "substitution_inline":
            findings.append(_substitution(child.content, where))
        elif child.type == "myst_role" and child.meta.get("name", "").lower() == "download":
            target = re.search(r"<([^<>]*)>\s*$", child.content)
            findings += _outside(target[1] if target else child.content, where, page, layout)
        elif child.type == "link_open":
            findings += _outside(str(child.attrGet("href") or ""), where, page, layout)
        elif child.type == "image":
            findings += _outside(str(child.attrGet("src") or ""), where, page, layout)
            findings += _inline_findings(child.children or [], where, page, layout)
    return findings


def _directive_findings(
    token: Token, where: tuple[int, int], page: Path, layout: Layout, parser: MarkdownIt
) -> list[Finding]:
    match = DIRECTIVE.match(token.info.strip())
    if match is None:
        return []
    name, argument = match["name"].lower(), match["argument"].strip()
    options, body_start, body = _directive_parts(token.content)
    first = where[0] + 1

    refusal = _refusal(name, argument, options)
    if refusal is not None:
        rule, message = refusal
        return [Finding(Problem(rule, first, f"{message} {TRUST_HINT}."), where)]
    pictures = [argument] if name in ("image", "figure") else []
    pictures += [options[key] for key in PICTURE_OPTIONS if key in options]
    findings = [f for picture in pictures for f in _outside(picture, where, page, layout)]
    if findings or name in LITERAL_BODIES:
        return findings
    body_offset = where[0] + 1 + body_start
    return _token_findings(parser.parse(body), body_offset, page, layout, parser)


#: Directives only a trusted page may use: what each does, and what to write instead.
REFUSED_DIRECTIVES = {
    "raw": (Rule.UNTRUSTED_MARKUP, "puts HTML on the page unchecked", "Write it in Markdown,"),
    "meta": (Rule.UNTRUSTED_MARKUP, "writes HTML meta tags", "Leave it out,"),
    "eval-rst": (
        Rule.UNTRUSTED_MARKUP,
        "reads reStructuredText, which can insert HTML and files",
        "Write it in Markdown,",
    ),
    "include": (Rule.FILE_INSERTION, "inserts another file", "Copy the text into this page,"),
    "literalinclude": (
        Rule.FILE_INSERTION,
        "inserts another file",
        "Copy the text into this page,",
    ),
}
REFUSED_DIRECTIVES["eval_rst"] = REFUSED_DIRECTIVES["eval-rst"]


def _refusal(name: str, argument: str, options: Mapping[str, str]) -> tuple[Rule, str] | None:
    """The rule and message for a directive an untrusted page may not use, if it is one."""
    if name in REFUSED_DIRECTIVES:
        rule, does, instead = REFUSED_DIRECTIVES[name]
        return rule, f"This {{{name}}} block {does}, so the site leaves it out. {instead}"
    if name == "role" and "(raw" in argument.replace(" ", ""):
        return (
            Rule.UNTRUSTED_MARKUP,
            "This {role} based on 'raw' puts HTML on the page unchecked, so the site leaves it "
            "out. Write it in Markdown,",
        )
    inserting = [key for key in ("file", "url") if key in options]
    if name == "csv-table" and inserting:
        return (
            Rule.FILE_INSERTION,
            f"':{inserting[0]}:' makes a {{csv-table}} read another file, so the site leaves "
            "it out. Write the rows into the block,",
        )
    return None


def _directive_parts(content: str) -> tuple[dict[str, str], int, str]:
    """A directive's options, the index of its first body line, and its body, as MyST reads them."""
    lines = content.splitlines()
    options: dict[str, str] = {}
    start = 0
    if lines and lines[0].strip() == "---":
        end = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), None)
        if end is not None:
            try:
                data = yaml.safe_load("\n".join(lines[1:end]))
            except yaml.YAMLError:
                data = None
            if isinstance(data, dict):
                options = {str(key).lower(): str(value) for key, value in data.items()}
            start = end + 1
    else:
        while start < len(lines) and (option := re.match(r"^:([^:\s]+):\s*(.*)$", lines[start])):
            options[option[1].lower()] = option[2].strip()
            start += 1
    return options, start, "\n".join(lines[start:])


def _html(content: str, where: tuple[int, int]) -> Finding:
    snippet = " ".join(content.split())[:60]
    if snippet.startswith("<!--"):
        message = (
            f"The site leaves out the HTML comment '{snippet}' on this page (readers would "
            "see it in the page source). Write a comment as a line starting with '%'."
        )
    else:
        message = (
            f"The site leaves out HTML such as '{snippet}' on this page. Write it in Markdown, "
            f"{TRUST_HINT}."
        )
    return Finding(Problem(Rule.UNTRUSTED_MARKUP, where[0] + 1, message), where)


def _substitution(content: str, where: tuple[int, int]) -> Finding:
    message = (
        f"'{{{{{content.strip()[:40]}}}}}' is a substitution, which runs template code while "
        f"the site is built, so the site leaves it out. Write the text itself, {TRUST_HINT}."
    )
    return Finding(Problem(Rule.UNTRUSTED_MARKUP, where[0] + 1, message), where)


def _outside(target: str, where: tuple[int, int], page: Path, layout: Layout) -> list[Finding]:
    if not leaves_repository(target, page, layout):
        return []
    message = (
        f"'{target.strip()}' is a file outside the repository, so the site does not publish "
        "it. Put the file in source/ and point to it there, or link to its web address."
    )
    return [Finding(Problem(Rule.FILE_INSERTION, where[0] + 1, message), where)]


def leaves_repository(target: str, page: Path, layout: Layout) -> bool:
    """Whether a picture, download or link target is a local file outside the repository.

    Resolved as Sphinx resolves it (``/x`` from the source folder, anything else
    from the page's folder), links included; Sphinx would copy that file into
    the site. A wildcard picture name (``figure.*``) is judged by its folder.
    """
    target = unquote(target.strip()).split("#", 1)[0]
    if not target or SCHEME.match(target) or target.startswith("//"):
        return False
    base = Path(layout.source) if target.startswith("/") else page.parent
    folder, name = os.path.split(target.lstrip("/"))
    real = os.path.realpath(base / (folder if "*" in name else target.lstrip("/")))
    repository = layout.real_repository
    return os.path.commonpath([real, repository]) != repository
