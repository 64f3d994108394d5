"""Write a new study page from what a reference export says, with prompts for the rest.

The page is valid in form but marked unfinished: every part a person must
write or confirm holds a ``FILL IN`` prompt, which ``atlas check`` reports
until it is replaced. Placeholder values for design, evidence and confidence
come from ``_templates/study.md``, so the template stays the one example.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from .markup import PROMPT_MARKER
from .page import find_blocks
from .record import FIELDS
from .studyblock import parse_block
from .suggest import Evidence, suggested_design, suggested_peer_review, suggested_tags
from .vocabulary import Design, Tag, Vocabulary

#: Options whose value a contributor must confirm, taken from the template as written there.
TEMPLATE_PLACEHOLDERS = ("design", "evidence", "confidence")
#: What a new page says until someone reads the paper: nothing is assumed about PEM.
NEW_PAGE_DEFAULTS = {"pem": "unclear", "case-definition": "not-stated"}


@dataclass(frozen=True)
class Reference:
    """The bibliographic facts of one paper, as an export or the command line gives them."""

    title: str = ""
    authors: tuple[str, ...] = ()
    journal: str = ""
    year: int | None = None
    doi: str = ""
    pmid: str = ""
    preprint: bool = False
    #: Publication types the export names (such as "Randomized Controlled Trial").
    publication_types: tuple[str, ...] = ()
    #: MeSH headings without qualifiers or stars (MEDLINE MH), such as "Fatigue Syndrome, Chronic".
    mesh_headings: tuple[str, ...] = ()
    #: Keywords (MEDLINE OT, RIS KW, BibTeX keywords).
    keywords: tuple[str, ...] = ()
    #: The record's type as the export names it: RIS TY (JOUR, RPRT...) or the BibTeX entry type.
    record_type: str = ""
    #: Identifiers for a paper without DOI or PMID.
    isbn: str = ""
    report: str = ""
    url: str = ""

    @property
    def label(self) -> str:
        """How messages name the record: its PMID or DOI, else its title."""
        if self.pmid:
            return f"PMID {self.pmid}"
        if self.doi:
            return f"DOI {self.doi}"
        if self.isbn:
            return f"ISBN {self.isbn}"
        if self.report:
            return f"report {self.report}"
        return repr(self.title[:60]) if self.title else "a record without title"


def template_placeholders(template: str, vocabulary: Vocabulary) -> dict[str, str]:
    """The template's values for the options a contributor must confirm."""
    lines = template.splitlines()
    start, end = next(find_blocks(lines))
    options = parse_block(lines[start + 1 : end], start + 2, vocabulary).options
    return {name: options[name].value for name in TEMPLATE_PLACEHOLDERS}


def render_page(
    reference: Reference,
    vocabulary: Vocabulary,
    placeholders: dict[str, str],
    today: datetime.date,
) -> str:
    """The text of the new page: options in FIELDS order, then one prompt per section.

    What the export says sets the design and the peer-review status and
    suggests tags; the first prompt names where each came from, so the
    contributor confirms them against the paper before deleting it.
    """
    design = suggested_design(reference, vocabulary)
    tags = suggested_tags(reference, vocabulary)
    peer_review = "preprint" if reference.preprint else None
    known = reference.doi or reference.pmid
    values = {
        "title": reference.title,
        "authors": "; ".join(reference.authors)
        or f"{PROMPT_MARKER}: Surname, Given names; Second, Author (or the group's name)",
        "journal": reference.journal or f"{PROMPT_MARKER}: the journal's full name",
        "year": str(reference.year),
        "doi": reference.doi,
        "pmid": reference.pmid,
        "isbn": reference.isbn,
        "report": reference.report,
        # A web address identifies a paper only when nothing better does.
        "paper-url": "" if known or reference.isbn or reference.report else reference.url,
        **placeholders,
        **NEW_PAGE_DEFAULTS,
        "peer-review": peer_review
        or suggested_peer_review(reference, vocabulary)
        or vocabulary.peer_review[0].key,
        "review": vocabulary.review_status[0].key,
        "tags": ", ".join(tag.key for tag, _ in tags),
        "updated": today.isoformat(),
    }
    if design is not None:
        values["design"] = design[0].key
    options = [f":{spec.name}: {values[spec.name]}" for spec in FIELDS if values.get(spec.name)]
    body: list[str] = []
    for section in vocabulary.sections:
        body += [f"## {section.label}", ""]
        optional = "" if section.required else " (Optional: delete this section if you skip it.)"
        prompt = f"{PROMPT_MARKER}: {section.definition}{optional}"
        body += [f"- {prompt}" if section.is_list else prompt, ""]
        if section is vocabulary.sections[0]:
            body += [_confirm_prompt(reference, placeholders, design, tags), ""]
    return "\n".join(["```{study}", *options, "", *body[:-1], "```", ""])


def _confirm_prompt(
    reference: Reference,
    placeholders: dict[str, str],
    design: tuple[Design, Evidence] | None,
    tags: list[tuple[Tag, Evidence]],
) -> str:
    """The prompt that asks for the options only a reader of the paper can set."""
    guessed = dict(placeholders)
    said = ""
    if design is not None:
        del guessed["design"]
        said = (
            f" :design: {design[0].key} comes from the export's {design[1]}: check that "
            "it fits the paper."
        )
    placeholder = ", ".join(f":{name}: {value}" for name, value in guessed.items())
    defaults = " and ".join(f":{name}: {value}" for name, value in NEW_PAGE_DEFAULTS.items())
    if tags:
        suggested = ", ".join(f"{tag.key} (from {evidence})" for tag, evidence in tags)
        tag_advice = (
            f" The tags were suggested by the export: {suggested}. Keep those that fit, "
            "delete the others from :tags: and add any that are missing."
        )
    else:
        tag_advice = " Add :tags: if some fit."
    types = (
        f" The export lists the paper as: {', '.join(reference.publication_types)}."
        if reference.publication_types
        else ""
    )
    return (
        f"{PROMPT_MARKER}: Check the options above against the paper, then delete this "
        f"paragraph.{said} {placeholder} are placeholders: set them from the paper. "
        f"{defaults} are right only if the paper does not name its case definition."
        f"{tag_advice} 'make vocabulary' lists every design and tag with its meaning." + types
    )
