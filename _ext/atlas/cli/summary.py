"""``atlas summary --base REV``: the study pages a change adds or changes, as Markdown.

The check workflow appends this to a pull request's job summary, so a reviewer
sees each new or changed page with its badges in words and every problem
``atlas check`` finds on it, without opening the files. The pages are those
that differ between the merge base of REV and HEAD and the pages on disk
(the same comparison as a release's CHANGELOG, :mod:`atlas.release`), and the
problems are exactly what ``atlas check`` prints for them.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import re
from dataclasses import dataclass
from pathlib import Path

from ..model.vocabulary import Vocabulary
from ..release import Changes, Page, ReleaseError, Repository, compare, plain, read_page
from .project import CommandError, Project, add_root_option, find_project

#: A GitHub workflow command as ``atlas check --format github`` prints one.
ANNOTATION = re.compile(
    r"^::(?P<severity>error|warning|notice) (?P<properties>[^:]*)::(?P<text>.*)$"
)
#: GitHub's escapes in workflow commands, and what each stands for.
UNESCAPED = {"%25": "%", "%0D": "\r", "%0A": "\n", "%3A": ":", "%2C": ","}
ESCAPED = re.compile("|".join(UNESCAPED), re.IGNORECASE)
#: The badges a study page opens with, as (heading, option, vocabulary table).
BADGES = (
    ("Evidence level", "evidence", "evidence_levels"),
    ("PEM", "pem", "pem"),
    ("Design", "design", "designs"),
    ("Year", "year", None),
)


@dataclass(frozen=True)
class Finding:
    severity: str
    line: int
    code: str
    message: str


def add_parser(subcommands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subcommands.add_parser(
        "summary",
        help="describe the study pages a change adds or changes, in Markdown",
        description="Print, as Markdown, each study page that differs from the merge base of "
        "REV and HEAD: its badges and every problem atlas check finds on it. The check "
        "workflow writes this into a pull request's job summary.",
    )
    parser.add_argument(
        "--base", required=True, metavar="REV", help="what the change is compared with"
    )
    add_root_option(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    project = find_project(args.root)
    try:
        repository = Repository(project.studies)
        base = repository.git("merge-base", args.base, "HEAD").strip()
        label = f"commit {base[:12]}, where this change leaves {args.base}"
        changes = compare(
            repository.snapshot(base, label), repository.working_tree(), project.vocabulary
        )
    except ReleaseError as error:
        raise CommandError(str(error)) from error
    print(summary(project, changes), end="")
    return 0


def summary(project: Project, changes: Changes) -> str:
    """The Markdown of the whole summary."""
    shown = sorted(
        (*changes.added, *changes.updated, *changes.retracted), key=lambda entry: entry.name
    )
    kind = {entry.name: "Added" for entry in changes.added}
    kind |= {entry.name: "Retracted" for entry in changes.retracted}
    paths = [project.studies / f"{entry.name}.md" for entry in shown]
    findings = check_findings(project, paths)
    errors = sum(f.severity == "error" for pages in findings.values() for f in pages)
    problems = sum(len(pages) for pages in findings.values())
    lines = ["## Study pages in this change", ""]
    if not shown and not changes.removed:
        return "\n".join([*lines, "This change adds or changes no study page.", ""])
    lines.append(
        f"Compared with {changes.since}: {_count(len(shown), 'page')} added or changed, "
        f"{_count(len(changes.removed), 'page')} removed; `atlas check` found "
        f"{_count(errors, 'error')} and {_count(problems - errors, 'warning')}."
    )
    for entry, path in zip(shown, paths, strict=True):
        page = read_page(entry.name, path.read_bytes(), project.vocabulary)
        what = kind.get(entry.name, "Changed")
        lines += ["", f"### {what}: {plain(page.title)}", ""]
        where = path.absolute().relative_to(project.root.absolute()).as_posix()
        lines.append(f"`{where}`, built as `studies/{entry.name}.html`")
        if entry.detail:
            lines.append(f"({plain(entry.detail)})")
        lines += ["", *badge_table(page, project.vocabulary), ""]
        lines += finding_lines(findings.get(path.resolve(), []))
    if changes.removed:
        lines += ["", "### Removed", ""]
        lines += [f"- {plain(e.title)}: `{e.name}.md`" for e in changes.removed]
    return "\n".join(lines) + "\n"


def badge_table(page: Page, vocabulary: Vocabulary) -> list[str]:
    """The page's badges in words, as a one-row Markdown table."""
    cells = []
    for _, option, table in BADGES:
        value = page.options.get(option, "")
        if not value:
            cells.append("not given")
        elif table is None:
            cells.append(plain(value))
        elif value in vocabulary.table(table):
            term = vocabulary.term(table, value)
            label = f"{value} {term.label}" if option == "evidence" else term.label
            cells.append(plain(label))
        else:
            cells.append(f"{plain(value)} (not in the vocabulary)")
    if page.retracted:
        cells[0] += f", retracted {plain(page.retracted)}"
    headings = [heading for heading, _, _ in BADGES]
    return [
        "| " + " | ".join(headings) + " |",
        "| " + " | ".join("---" for _ in headings) + " |",
        "| " + " | ".join(cells) + " |",
    ]


def finding_lines(findings: list[Finding]) -> list[str]:
    if not findings:
        return ["`atlas check`: no problems."]
    lines = ["`atlas check`:", ""]
    for finding in findings:
        where = f"{finding.severity}, line {finding.line}"
        lines.append(f"- {where}: **{finding.code}** {plain(finding.message)}")
    return lines


def check_findings(project: Project, paths: list[Path]) -> dict[Path, list[Finding]]:
    """What ``atlas check`` reports for these pages, by page: its own output, parsed."""
    from . import main  # the command line itself, so the summary never differs from it

    if not paths:
        return {}
    printed, errors = io.StringIO(), io.StringIO()
    argv = ["check", "--format", "github", "--root", str(project.root), *map(str, paths)]
    with contextlib.redirect_stdout(printed), contextlib.redirect_stderr(errors):
        status = main(argv)
    if status == 2:
        raise CommandError(f"atlas check could not run: {errors.getvalue().strip()}")
    findings: dict[Path, list[Finding]] = {}
    for line in printed.getvalue().splitlines():
        match = ANNOTATION.match(line)
        if match is None:
            continue
        properties = dict(
            part.split("=", 1) for part in match["properties"].split(",") if "=" in part
        )
        path = Path(_unescape(properties.get("file", ""))).resolve()
        findings.setdefault(path, []).append(
            Finding(
                match["severity"],
                int(properties.get("line", "0")),
                _unescape(properties.get("title", "")),
                _unescape(match["text"]),
            )
        )
    return findings


def _unescape(text: str) -> str:
    """Undo GitHub's workflow-command escaping, in one pass so ``%253A`` stays ``%3A``."""
    return ESCAPED.sub(lambda match: UNESCAPED[match[0].upper()], text)


def _count(number: int, word: str) -> str:
    return f"{number} {word}" if number == 1 else f"{number} {word}s"
