"""``atlas vocabulary [TABLE]``: the keys a study page may write, with labels and meanings.

``source/vocabulary.yaml`` names tags by their labels ("Post-Exertional
Malaise"), while pages write keys (``symptom-post-exertional-malaise``) made
from the family and the label. This command prints the keys themselves, so no
one has to work them out: every tag by family (``--family`` picks one), or any
other table, and ``--search`` ranks the terms by the same nearness the
"unknown value" messages use.
"""

from __future__ import annotations

import argparse
import textwrap

from ..model.closest import closest
from ..model.vocabulary import Design, Tag, Term, Vocabulary
from .project import CommandError, add_root_option, find_project

#: What a contributor types, and the vocabulary table it lists.
TABLES = {
    "tags": "tags",
    "designs": "designs",
    "evidence": "evidence_levels",
    "confidence": "confidence",
    "pem": "pem",
    "case-definitions": "case_definitions",
    "peer-review": "peer_review",
    "review": "review_status",
    "lineage": "lineage",
}
WIDTH = 88


def add_parser(subcommands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subcommands.add_parser(
        "vocabulary",
        aliases=["tags"],
        help="list the keys a study page may write, with their labels and meanings",
        description="List the keys of one vocabulary table (tags by default) with the label "
        "readers see, the definition and the MeSH term where one fits.",
    )
    parser.add_argument(
        "table", nargs="?", default="tags", choices=list(TABLES), help="which table (tags)"
    )
    parser.add_argument("--family", help="only the tags of this family, such as topic")
    parser.add_argument(
        "--search", metavar="WORDS", help="only the terms nearest to these words, nearest first"
    )
    add_root_option(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    vocabulary = find_project(args.root).vocabulary
    if args.family and args.table != "tags":
        raise CommandError("--family picks a family of tags; leave out the table or write 'tags'")
    terms: list[Term] = list(getattr(vocabulary, TABLES[args.table]))
    if args.family:
        families = {family.key for family in vocabulary.tag_families}
        if args.family not in families:
            raise CommandError(
                f"no tag family {args.family!r}; families are: {', '.join(sorted(families))}"
            )
        terms = [term for term in terms if isinstance(term, Tag) and term.family == args.family]
    if args.search:
        terms = closest(args.search, terms, limit=len(terms))
        if not terms:
            print(f"No term is near {args.search!r}. Run without --search to see them all.")
            return 1
    if args.table == "tags" and not args.search:
        print_tags(vocabulary, terms)
    else:
        for term in terms:
            print_term(term)
    if args.table == "tags" and vocabulary.renamed_tags and not (args.family or args.search):
        print("Renamed tags (still accepted; 'make fix' writes the new key):")
        for old in vocabulary.renamed_tags:
            print(f"  {old.key} -> {old.replaced_by}")
    return 0


def print_tags(vocabulary: Vocabulary, terms: list[Term]) -> None:
    shown = {term.key for term in terms}
    for family in vocabulary.tag_families:
        tags = [tag for tag in family.tags if tag.key in shown]
        if not tags:
            continue
        print(f"{family.label} ({family.key}): {family.definition}")
        for tag in tags:
            print_term(tag)
        print()


def print_term(term: Term) -> None:
    """A key, then what readers see and what it means, indented below it."""
    label = term.short_label if isinstance(term, Tag) else term.label
    print(f"  {term.key}" + (f"  ({label})" if label != term.key else ""))
    text = term.definition
    if isinstance(term, Tag | Design) and term.mesh:
        names = "; ".join(f"{mesh.name} ({mesh.id})" for mesh in term.mesh)
        text += f" MeSH: {names}."
    if text:
        indent = " " * 6
        print(
            textwrap.fill(
                text, WIDTH, initial_indent=indent, subsequent_indent=indent, break_on_hyphens=False
            )
        )
