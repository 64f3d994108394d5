"""What an export already says about a paper's design, tags and peer review.

A MEDLINE record names publication types (PT) and MeSH headings (MH); RIS and
BibTeX records name a record type (TY, the entry type) and keywords (KW,
``keywords``). ``source/vocabulary.yaml`` lists, for each design and tag, the
phrases that point to it (``matches`` and its MeSH names), and for each
peer-review value the record types that imply it. This module compares the
two, so ``atlas new`` can fill in the design and suggest tags, and say on the
page what each came from for the contributor to confirm.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .vocabulary import Design, Tag, Vocabulary

if TYPE_CHECKING:  # scaffold writes pages from these suggestions, so it imports this module
    from .scaffold import Reference

_NOT_A_WORD = re.compile(r"[^a-z0-9]+")


def phrase(text: str) -> str:
    """A phrase as compared: lower case, hyphens and punctuation as spaces ('Meta-Analysis')."""
    return " ".join(_NOT_A_WORD.sub(" ", text.lower()).split())


@dataclass(frozen=True)
class Evidence:
    """Where in the export a suggestion came from, in words for the page."""

    source: str
    text: str

    def __str__(self) -> str:
        return f"{self.source} '{self.text}'"


def _said(reference: Reference, with_types: bool) -> list[tuple[str, Evidence]]:
    """What the export says, as compared phrases with where each was said."""
    types = reference.publication_types if with_types else ()
    return [
        *((phrase(text), Evidence("publication type", text)) for text in types),
        *((phrase(text), Evidence("MeSH heading", text)) for text in reference.mesh_headings),
        *((phrase(text), Evidence("keyword", text)) for text in reference.keywords),
    ]


def _phrases(term: Design | Tag) -> set[str]:
    return {phrase(text) for text in (*term.matches, *(mesh.name for mesh in term.mesh))}


def suggested_design(
    reference: Reference, vocabulary: Vocabulary
) -> tuple[Design, Evidence] | None:
    """The first design, in vocabulary order, that the export names, and where it says so."""
    said = _said(reference, with_types=True)
    for design in vocabulary.designs:
        wanted = _phrases(design)
        for text, evidence in said:
            if text in wanted:
                return design, evidence
    return None


def suggested_tags(reference: Reference, vocabulary: Vocabulary) -> list[tuple[Tag, Evidence]]:
    """Each tag the export's MeSH headings or keywords point to, with the first that does."""
    said = _said(reference, with_types=False)
    found = []
    for tag in vocabulary.tags:
        wanted = _phrases(tag)
        evidence = next((evidence for text, evidence in said if text in wanted), None)
        if evidence is not None:
            found.append((tag, evidence))
    return found


def suggested_peer_review(reference: Reference, vocabulary: Vocabulary) -> str | None:
    """The peer-review value the venue (a preprint server) or the record type implies, or None.

    The venue comes first: medRxiv's exports call a preprint a journal article.
    """
    venue = " ".join(reference.journal.lower().split())
    kind = reference.record_type
    for term in vocabulary.peer_review:
        if venue and venue in term.venues:
            return term.key
    for term in vocabulary.peer_review:
        if kind and (kind.upper() in term.ris_types or kind.lower() in term.bibtex_types):
            return term.key
    return None
