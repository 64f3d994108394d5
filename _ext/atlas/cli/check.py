"""``atlas check [PATH ...]``: check study pages with the build's own rules, without Sphinx.

Every page rule comes from ``atlas.model`` (the parser, the JSON Schema and the
vocabulary the ``{study}`` directive uses); this module only finds the files,
adds the rules that need the whole atlas, and prints the findings.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
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
from ..model.validate import today
from .project import CommandError, Project, add_root_option, display, find_project


def add_parser(subcommands: argparse._SubParsersAction) -> None:
    parser = subcommands.add_parser(
        "check",
        help="check study pages (all of source/studies/ by default)",
        description="Check study pages against the atlas rules. Exit status: 1 if any "
        "error was found, 0 if there were only warnings or nothing at all.",
    )
    parser.add_argument(
        "paths", nargs="*", type=Path, metavar="PATH", help="study pages or folders of them"
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
    pages = _collect(args.paths or [project.studies])
    if args.fix:
        for path in pages:
            _fix(path, project)
    findings, identities, studies = _check_pages(pages, project)
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
    print(_summary(len(pages), errors, len(findings) - errors))
    return 1 if errors else 0


def _collect(paths: list[Path]) -> list[Path]:
    """The Markdown files named, or found in the folders named, in a stable order."""
    pages: list[Path] = []
    for path in paths:
        if path.is_dir():
            pages += sorted(path.rglob("*.md"))
        elif path.is_file():
            pages.append(path)
        else:
            raise CommandError(f"{path}: no such file or folder")
    return list(dict.fromkeys(pages))


def _fix(path: Path, project: Project) -> None:
    text, undecodable = decode_page(path.read_bytes())
    if undecodable is not None:
        return  # the check reports where the file stops being UTF-8
    fixed, changes = fix_text(text, project.vocabulary)
    if fixed == text:
        return
    path.write_text(fixed, "utf-8")
    for change in changes:
        print(f"{display(path)}:{change.line}: fixed: {change.what}")


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
    return f"{line}\n    hint: {HELP[problem.rule].fix}{note} More: atlas rules {problem.rule.code}"


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
