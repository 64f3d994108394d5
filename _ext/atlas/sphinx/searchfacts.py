"""What search knows about a study beyond its words: the groups a reader narrows by, and badges.

Pagefind reads ``data-pagefind-filter`` and ``data-pagefind-meta`` attributes
from each page. A study page carries one empty, hidden element per fact, so the
facts add no words to the index and nothing a reader sees. The filter values
are the vocabulary's labels, the same words the study's badges and the browse
page use, and the search page lists them in the vocabulary's order from the
manifest :func:`filter_groups` describes.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from ..model.record import Study
from ..model.vocabulary import Term, Vocabulary


@dataclass(frozen=True)
class FilterGroup:
    """One way to narrow a search: a vocabulary table, its name and its labels in order."""

    key: str
    name: str
    labels: tuple[str, ...]


def level_label(term: Term) -> str:
    """An evidence level reads with its code first ("E2 Single study"), as on its badge."""
    return f"{term.key} {term.label}"


def filter_groups(vocabulary: Vocabulary) -> list[FilterGroup]:
    """The groups the search page offers, as the browse page offers them."""
    return [
        FilterGroup("level", "Evidence level", tuple(map(level_label, vocabulary.evidence_levels))),
        FilterGroup("pem", "PEM status", tuple(term.label for term in vocabulary.pem)),
        FilterGroup("design", "Study design", tuple(term.label for term in vocabulary.designs)),
    ]


def study_facts(study: Study, vocabulary: Vocabulary) -> list[tuple[str, str, str]]:
    """(attribute, name, value) for each filter and badge of one study.

    A value the vocabulary does not know is left out: the page reports it as a
    problem, and search must not offer a filter no box can match.
    """
    facts: list[tuple[str, str, str]] = []
    chosen = (
        ("level", "evidence_levels", study.evidence, level_label),
        ("pem", "pem", study.pem, None),
        ("design", "designs", study.design, None),
    )
    for name, table, key, labelled in chosen:
        if key is None:
            continue
        term = vocabulary.table(table).get(key)
        if term is None:
            continue
        label = labelled(term) if labelled is not None else term.label
        facts += [("filter", name, label), ("meta", name, label)]
    if study.year:
        facts.append(("meta", "year", str(study.year)))
    if study.retracted:
        facts.append(("meta", "retracted", "Retracted"))
    return facts


def facts_html(facts: list[tuple[str, str, str]]) -> str:
    """One hidden, empty element holding every fact as Pagefind reads it."""
    spans = "".join(
        f'<span data-pagefind-{attribute}="{escape(f"{name}:{value}")}"></span>'
        for attribute, name, value in facts
    )
    return f'<div class="atlas-search-facts" hidden>{spans}</div>'
