"""``atlas check [PATH ...]``: check the atlas's files with the build's own rules, without Sphinx.

Every page rule comes from ``atlas.model`` (the parser, the JSON Schema and the
vocabulary the ``{study}`` directive uses, and the file kinds and guide-page
rules of ``atlas.model.sources``); this module only finds the files, adds the
rules that need the whole atlas, and prints the findings.
"""

from __future__ import annotations

import argparse
import os
from dataclasses import dataclass, field
from pathlib import Path

from ..model.atlaswide import (
    Identity,
    atlas_problems,
    identity_of,
    missing_lineage_targets,
    read_identity,
)
from ..model.fix import fix_text
from ..model.page import check_file, decode_page, size_problem
from ..model.record import Study
from ..model.rulehelp import HELP
from ..model.rules import Problem, Severity
from ..model.slug import page_name, page_name_problems
from ..model.sources import Kind, SourceFile, check_guide_page, misplaced_study_problems
from ..model.validate import today
from .project import CommandError, Project, add_root_option, display, find_project


def add_parser(subcommands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subcommands.add_parser(
        "check",
        help="check the atlas's pages and files (all of source/ by default)",
        description="Check study pages, guide pages and every other file under source/ "
        "against the atlas rules. Exit status: 1 if any "
        "error was found, 0 if there were only warnings or nothing at all.",
    )
    parser.add_argument(
        "paths", nargs="*", type=Path, metavar="PATH", help="files or folders to check"
    )
    parser.add_argument(
        "--format",
        choices=("text", "github"),
        default="text",
        help="'github' prints GitHub Actions annotations for pull requests",
    )
    parser.add_argument(
        "--fix",
        action="store_true",
        help="first apply safe rewrites (option order, tags, DOI, PMID, headings, spaces)",
    )
    add_root_option(parser)
    parser.set_defaults(run=run)


@dataclass(frozen=True)
class Finding:
    path: str
    problem: Problem


def run(args: argparse.Namespace) -> int:
    project = find_project(args.root)
    collected = _collect(args.paths or [project.source], project)
    pages = collected.studies
    if args.fix:
        for path in pages:
            _fix(path, project)
    findings, identities, studies = _check_pages(pages, project)
    findings += _check_sources(collected, project)
    identities += _context(project, {path.absolute() for path in pages})
    asked = {project.docname(path) for path in pages}
    known = {identity.docname for identity in identities}
    findings += [
        Finding(display(path), problem)
        for path, study in studies
        for problem in missing_lineage_targets(study, known)
    ]
    findings += [
        Finding(display(page.path), problem)
        for page, problem in atlas_problems(identities, report_on=asked)
    ]
    findings.sort(key=lambda f: (f.path, f.problem.line, f.problem.column, f.problem.rule.code))
    hinted: set[str] = set()
    for finding in findings:
        if args.format == "github":
            print(_github(finding))
        else:
            # One hint per rule is enough: the message under it already names the fix.
            print(_text(finding, hint=finding.problem.rule.code not in hinted))
            hinted.add(finding.problem.rule.code)
    errors = sum(f.problem.rule.severity is Severity.ERROR for f in findings)
    print(_summary(collected.count, errors, len(findings) - errors))
    return 1 if errors else 0


@dataclass
class Collected:
    """The files to check, by kind: study pages (and drafts), guide pages, problem files."""

    studies: list[Path] = field(default_factory=list)
    guides: list[SourceFile] = field(default_factory=list)
    problems: list[SourceFile] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.studies) + len(self.guides) + len(self.problems)


def _collect(paths: list[Path], project: Project) -> Collected:
    """The files named, or found in the folders named, with their kinds, in a stable order.

    Below source/ every file has the kind the build gives it (see
    :mod:`atlas.model.sources`): a folder is checked file by file as the build
    would read it, so a ``.rst`` page or a link out of the repository is reported
    rather than skipped. A Markdown file outside source/ is a draft, checked as a
    study page against the atlas.
    """
    source = os.path.abspath(project.source)
    located = {os.path.abspath(file.path): file for file in project.sources}
    chosen: dict[str, SourceFile] = {}
    drafts: list[Path] = []
    for path in paths:
        absolute = os.path.abspath(path)
        if absolute == source or absolute.startswith(source + os.sep):
            if absolute in located:
                chosen[absolute] = located[absolute]
            elif os.path.isdir(path):
                folder = absolute + os.sep
                chosen.update((at, file) for at, file in located.items() if at.startswith(folder))
            elif not os.path.lexists(path):
                raise CommandError(f"{path}: no such file or folder")
        elif path.is_dir():
            drafts += sorted(path.rglob("*.md"))
        elif path.is_file():
            drafts.append(path)
        else:
            raise CommandError(f"{path}: no such file or folder")
    files = sorted(chosen.values(), key=lambda file: file.relative)
    return Collected(
        studies=list(dict.fromkeys([f.path for f in files if f.kind is Kind.STUDY] + drafts)),
        guides=[file for file in files if file.kind is Kind.GUIDE],
        problems=[file for file in files if file.kind is Kind.PROBLEM],
    )


def _fix(path: Path, project: Project) -> None:
    """Apply the safe rewrites to one study page; never write outside the repository.

    The path is resolved first, links followed: a page whose real file lies
    outside the repository (a draft elsewhere, or a page reached through a link)
    is left as it is, with a message. Links out of the repository under source/
    are not study pages at all (ATLAS092), so they never get here.
    """
    real = os.path.realpath(path)
    repository = os.path.realpath(project.root)
    if os.path.commonpath([real, repository]) != repository:
        print(
            f"{display(path)}: not fixed: its file ({real}) is outside the repository, "
            "and atlas check --fix writes only inside it."
        )
        return
    text, undecodable = decode_page(Path(real).read_bytes())
    if undecodable is not None:
        return  # the check reports where the file stops being UTF-8
    assert text is not None  # decode_page returns either the text or the problem
    fixed, changes = fix_text(text, project.vocabulary)
    if fixed == text:
        return
    Path(real).write_text(fixed, "utf-8")
    for change in changes:
        print(f"{display(path)}:{change.line}: fixed: {change.what}")


def _check_sources(collected: Collected, project: Project) -> list[Finding]:
    """The file-kind rules, and what untrusted guide pages hold, as the build reports them."""
    findings = []
    trusted = project.trusted_pages
    date = today()
    for file in collected.problems:
        found = [file.problem] if file.problem is not None else []
        found += misplaced_study_problems(file, project.vocabulary, date)
        findings += [Finding(display(file.path), problem) for problem in found]
    for file in collected.guides:
        if file.docname in trusted:
            continue
        text, undecodable = decode_page(file.path.read_bytes())
        if undecodable is not None:
            findings.append(Finding(display(file.path), undecodable))
            continue
        assert text is not None  # decode_page returns either the text or the problem
        page = check_guide_page(text, file.path, project.layout, project.markdown_settings)
        findings += [Finding(display(file.path), problem) for problem in page.problems]
    return findings


def _check_pages(
    pages: list[Path], project: Project
) -> tuple[list[Finding], list[Identity], list[tuple[Path, Study]]]:
    date = today()
    findings, identities, studies = [], [], []
    for path in pages:
        # As in the build: a page whose name cannot be an address is not read at all.
        unusable = page_name_problems(page_name(path.name))
        if unusable:
            findings += [Finding(display(path), problem) for problem in unusable]
            continue
        text, undecodable = decode_page(path.read_bytes())
        if undecodable is not None:
            findings.append(Finding(display(path), undecodable))
            continue
        assert text is not None  # decode_page returns either the text or the problem
        result = check_file(path, text, project.vocabulary, project.docname(path), date)
        findings += [Finding(display(path), problem) for problem in result.problems]
        if result.block is not None:
            identities.append(identity_of(result.block, path, project.docname(path)))
        if result.study is not None:
            studies.append((path, result.study))
    return findings, identities, studies


def _context(project: Project, checked: set[Path]) -> list[Identity]:
    """The other pages of the atlas, read only as far as their title, DOI and PMID.

    Pages the build leaves out (not UTF-8, too large, or an unusable name, which
    ``read_identity`` skips) are left out here too, so both find the same duplicates.
    """
    identities = []
    for path in project.study_pages():
        if path.absolute() in checked:
            continue
        text, _ = decode_page(path.read_bytes())
        if text is None or size_problem(len(text.encode("utf-8", "surrogatepass"))):
            continue
        identity = read_identity(path, text, project.docname(path), project.vocabulary)
        if identity is not None:
            identities.append(identity)
    return identities


def _text(finding: Finding, hint: bool) -> str:
    problem = finding.problem
    line = f"{finding.path}:{problem.line}:{problem.column} {problem.rule.code} {problem.message}"
    if not hint:
        return line
    is_warning = problem.rule.severity is Severity.WARNING
    note = " (A warning: it does not fail the check.)" if is_warning else ""
    more = f"More: .venv/bin/atlas rules {problem.rule.code}"
    return f"{line}\n    hint: {HELP[problem.rule].fix}{note} {more}"


def _github(finding: Finding) -> str:
    """A workflow command that GitHub shows on the pull request's changed line."""
    problem = finding.problem
    properties = ",".join(
        f"{name}={_escape(str(value), property_value=True)}"
        for name, value in (
            ("file", finding.path),
            ("line", problem.line),
            ("col", problem.column),
            ("title", problem.rule.code),
        )
    )
    return f"::{problem.rule.severity.value} {properties}::{_escape(problem.message)}"


def _escape(text: str, property_value: bool = False) -> str:
    """GitHub's escaping for workflow commands (properties also escape ':' and ',')."""
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if property_value:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


def _summary(files: int, errors: int, warnings: int) -> str:
    checked = f"Checked {files} {'file' if files == 1 else 'files'}"
    if not errors and not warnings:
        return f"{checked}: no problems."
    parts = [
        f"{count} {word}{'' if count == 1 else 's'}"
        for count, word in ((errors, "error"), (warnings, "warning"))
        if count
    ]
    return f"{checked}: {', '.join(parts)}."
