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
from .vocabulary import Vocabulary

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

    @property
    def label(self) -> str:
        """How messages name the record: its PMID or DOI, else its title."""
        if self.pmid:
            return f"PMID {self.pmid}"
        if self.doi:
            return f"DOI {self.doi}"
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
    """The text of the new page: options in FIELDS order, then one prompt per section."""
    values = {
        "title": reference.title,
        "authors": "; ".join(reference.authors)
        or f"{PROMPT_MARKER}: Surname, Given names; Second, Author (or the group's name)",
        "journal": reference.journal or f"{PROMPT_MARKER}: the journal's full name",
        "year": str(reference.year),
        "doi": reference.doi,
        "pmid": reference.pmid,
        **placeholders,
        **NEW_PAGE_DEFAULTS,
        "peer-review": "preprint" if reference.preprint else "peer-reviewed",
        "review": vocabulary.review_status[0].key,
        "updated": today.isoformat(),
    }
    options = [f":{spec.name}: {values[spec.name]}" for spec in FIELDS if values.get(spec.name)]
    body: list[str] = []
    for section in vocabulary.sections:
        body += [f"## {section.label}", ""]
        optional = "" if section.required else " (Optional: delete this section if you skip it.)"
        prompt = f"{PROMPT_MARKER}: {section.definition}{optional}"
        body += [f"- {prompt}" if section.is_list else prompt, ""]
        if section is vocabulary.sections[0]:
            body += [_confirm_prompt(reference, placeholders), ""]
    return "\n".join(["```{study}", *options, "", *body[:-1], "```", ""])


def _confirm_prompt(reference: Reference, placeholders: dict[str, str]) -> str:
    """The prompt that asks for the options only a reader of the paper can set."""
    guessed = ", ".join(f":{name}: {value}" for name, value in placeholders.items())
    defaults = " and ".join(f":{name}: {value}" for name, value in NEW_PAGE_DEFAULTS.items())
    types = (
        f" The export lists the paper as: {', '.join(reference.publication_types)}."
        if reference.publication_types
        else ""
    )
    return (
        f"{PROMPT_MARKER}: Check the options above against the paper, then delete this "
        f"paragraph. {guessed} are placeholders: set them from the paper. {defaults} are "
        "right only if the paper does not name its case definition. Add :tags: from "
        "source/vocabulary.yaml if some fit." + types
    )
