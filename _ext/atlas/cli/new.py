"""``atlas new``: scaffold study pages from command-line facts or a reference export.

Each page is named by the slug rule, never overwrites a file, and is refused
when its DOI or PMID already has a page. A multi-record export gives one page
per record, and every record is reported: created, or skipped and why.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from ..model.atlaswide import Identity, atlas_problems, read_identity
from ..model.authors import ET_AL, NO_AUTHORS
from ..model.identifiers import clean_doi, clean_pmid, identity_keys
from ..model.references import ExportError, detect_format, read_references
from ..model.rules import Rule
from ..model.scaffold import Reference, render_page, template_placeholders
from ..model.slug import study_slug, unusable_name_reason
from ..model.suggest import suggested_design, suggested_tags
from ..model.validate import today
from .project import CommandError, Project, add_root_option, display, find_project

FIELD_OPTIONS = ("title", "authors", "journal", "year", "doi", "pmid", "isbn", "report", "url")


def add_parser(subcommands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subcommands.add_parser(
        "new",
        help="start a study page from a PubMed, RIS or BibTeX export, or from options",
        description="Write a new study page into source/studies/ with every fact the export "
        "gives and a FILL IN prompt for everything else.",
    )
    parser.add_argument(
        "--from",
        dest="export",
        type=Path,
        metavar="FILE",
        help="a PubMed MEDLINE (.nbib), RIS (.ris) or BibTeX (.bib) export; one page per record",
    )
    parser.add_argument(
        "--format", choices=("medline", "ris", "bibtex"), help="the export's format if unclear"
    )
    parser.add_argument("--title", help="the paper's title as the journal prints it")
    parser.add_argument("--authors", help="'Surname, Given; Surname, Given' in paper order")
    parser.add_argument("--journal", help="the journal's full name")
    parser.add_argument("--year", type=int, help="the publication year")
    parser.add_argument("--doi", help="the DOI, such as 10.1186/1479-5876-12-104")
    parser.add_argument("--pmid", help="the PubMed ID, such as 24755065")
    parser.add_argument("--isbn", help="for a book without DOI or PMID: its ISBN")
    parser.add_argument("--report", help="for a report without DOI or PMID: its number")
    parser.add_argument(
        "--url", help="for a paper with no DOI, PMID, ISBN or report number: its web address"
    )
    parser.add_argument("--slug", help="a file name to use instead of the derived one")
    add_root_option(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    project = find_project(args.root)
    given = [name for name in FIELD_OPTIONS if getattr(args, name) is not None]
    if args.export is not None and given:
        raise CommandError(
            f"use --from or the field options, not both (got --from and --{given[0]})"
        )
    references, notes = _from_export(args) if args.export else (_from_options(args), [])
    if args.slug and len(references) > 1:
        raise CommandError("--slug names one page, but the export holds several records")
    if args.slug and (why := unusable_name_reason(args.slug.removesuffix(".md"))):
        raise CommandError(f"--slug {args.slug!r} cannot be a page name: {why}")
    for note in notes:
        print(note)
    placeholders = template_placeholders(project.template.read_text("utf-8"), project.vocabulary)
    identities = _identities(project)
    known = {key: identity.path for identity in identities for _, _, key in identity.keys}
    date = today()
    created: list[Path] = []
    skipped = 0
    for number, reference in enumerate(references, 1):
        where = f"Record {number} ({reference.label})" if len(references) > 1 else reference.label
        reason = _refusal(reference, known)
        if reason is None:
            path = _new_path(project, reference, args.slug)
            # A link counts as a file even when it leads nowhere: writing it would
            # create whatever it points at, perhaps outside the repository.
            if path.exists() or path.is_symlink():
                reason = f"{display(path)} already exists, and atlas new never overwrites a file"
        if reason is not None:
            print(f"Skipped {where}: {reason}.")
            skipped += 1
            continue
        with path.open("x", encoding="utf-8") as page:
            page.write(render_page(reference, project.vocabulary, placeholders, date))
        created.append(path)
        for _, _, key in _keys(reference):
            known[key] = path
        print(f"Created {display(path)} from {where}.")
        for note in _notes(reference, project):
            print(f"    {note}")
        identity = Identity(
            project.docname(path), path, reference.title, None, None, line=1, title_line=2
        )
        for similar in _similar_titles(identity, identities):
            print(f"    Warning: {similar}")
        identities.append(identity)
    if created:
        paths = " ".join(display(path) for path in created)
        files = f"'{paths}'" if len(created) > 1 else paths
        print(
            "Next: open the page, replace every FILL IN prompt with your own words, "
            f"then run: make check FILES={files}"
        )
    return 1 if skipped else 0


def _notes(reference: Reference, project: Project) -> list[str]:
    """What the export said that the contributor should know: design, tags, missing parts."""
    vocabulary = project.vocabulary
    notes = []
    design = suggested_design(reference, vocabulary)
    if design is not None:
        notes.append(f"Design set to {design[0].key} from the export's {design[1]}.")
    tags = suggested_tags(reference, vocabulary)
    if tags:
        keys = ", ".join(tag.key for tag, _ in tags)
        notes.append(f"Tags suggested from the export, to confirm on the page: {keys}.")
    if not reference.authors:
        notes.append(
            "The export names no author. Copy the names from the paper, or write "
            f"':authors: {NO_AUTHORS}' if the paper names none."
        )
    elif reference.authors[-1] == ET_AL:
        notes.append(
            "The export lists only some authors ('and others'); the page ends the list with "
            f"'{ET_AL}'. Add the rest from the paper if you can."
        )
    if reference.url and not (
        reference.doi or reference.pmid or reference.isbn or reference.report
    ):
        notes.append(
            "The paper is known by its web address only: save it at https://web.archive.org "
            "and add ':archive-url:' with the address the archive gives."
        )
    return notes


def _similar_titles(new: Identity, identities: list[Identity]) -> list[str]:
    """ATLAS076 for the new page: a title almost the same as another page's."""
    return [
        f"{problem.rule.code} {problem.message}"
        for page, problem in atlas_problems([*identities, new], report_on={new.docname})
        if problem.rule is Rule.NEAR_DUPLICATE_TITLE
    ]


def _keys(reference: Reference) -> list[tuple[str, str, str]]:
    return identity_keys(
        reference.doi, reference.pmid, reference.isbn, reference.report, reference.url
    )


def _from_export(args: argparse.Namespace) -> tuple[list[Reference], list[str]]:
    try:
        text = args.export.read_text("utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise CommandError(f"cannot read {args.export}: {error}") from error
    try:
        references, notes = read_references(text, args.format or detect_format(args.export, text))
    except ExportError as error:
        raise CommandError(str(error)) from error
    if not references:
        raise CommandError(f"{args.export} holds no records")
    return references, notes


def _from_options(args: argparse.Namespace) -> list[Reference]:
    if not args.title:
        raise CommandError("give at least --title, --year and --doi or --pmid (or use --from)")
    authors = tuple(
        " ".join(name.split()) for name in (args.authors or "").split(";") if name.strip()
    )
    return [
        Reference(
            title=" ".join(args.title.split()),
            authors=authors,
            journal=" ".join((args.journal or "").split()),
            year=args.year,
            doi=clean_doi(args.doi or ""),
            pmid=clean_pmid(args.pmid or ""),
            isbn=(args.isbn or "").strip(),
            report=" ".join((args.report or "").split()),
            url=(args.url or "").strip(),
        )
    ]


def _identities(project: Project) -> list[Identity]:
    """Every page's identity (identifiers and title), in name order."""
    identities = []
    for path in project.study_pages():
        text = path.read_text("utf-8", errors="replace")
        identity = read_identity(path, text, project.docname(path), project.vocabulary)
        if identity is not None:
            identities.append(identity)
    return identities


def _refusal(reference: Reference, known: dict[str, Path]) -> str | None:
    """Why this record cannot become a page, or None."""
    if not reference.title:
        return "it has no title; add it to the export or use --title"
    if reference.year is None:
        return "it has no publication year; add it to the export or use --year"
    keys = _keys(reference)
    if not keys:
        return (
            "it has no DOI, PMID, ISBN, report number or web address, so it cannot be told "
            "apart from other papers; give one with --doi, --pmid, --isbn, --report or --url"
        )
    for label, value, key in keys:
        if key in known:
            return f"{label} {value} is already in the atlas at {display(known[key])}"
    return None


def _new_path(project: Project, reference: Reference, slug: str | None) -> Path:
    """The page's path: the given name, or the derived one with -2, -3 ... on a clash."""
    if slug:
        return project.studies / f"{slug.removesuffix('.md')}.md"
    assert reference.year is not None
    base = study_slug(reference.authors, reference.year, reference.title)
    path, suffix = project.studies / f"{base}.md", 1
    while path.exists() or path.is_symlink():
        suffix += 1
        path = project.studies / f"{base}-{suffix}.md"
    return path
