"""What each index shows, as typed rows computed from the study records.

Every ``{atlas-index}`` kind has one function here that turns the records into
rows. The rows serve twice: their JSON is the signature that decides whether
an index page must be written again (:mod:`atlas.sphinx.indexes`), and the
page's HTML is drawn from them. Rows are named tuples, so they read by name
in the renderers and still serialise as plain lists.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from typing import NamedTuple

from ..model.record import Study
from ..model.vocabulary import Vocabulary
from . import synthesis

#: How many recently updated studies the home page lists.
RECENT = 6


class StudyRow(NamedTuple):
    """One study in a list of studies."""

    docname: str
    title: str
    year: int | None
    evidence: str | None
    design: str | None
    pem: str | None
    retracted: bool
    #: The entry's ``:updated:`` date, in the lists that show it (None elsewhere, so
    #: that a new date rewrites only the pages that show dates).
    updated: str | None

    @classmethod
    def of(cls, study: Study, with_update: bool = False) -> StudyRow:
        return cls(
            study.docname,
            study.title,
            study.year,
            study.evidence,
            study.design,
            study.pem,
            bool(study.retracted),
            study.updated if with_update else None,
        )


class CountRow(NamedTuple):
    """How many studies have one value (a level, a tag, a year)."""

    key: str | int
    #: How many studies have it (not `count`, which would hide the tuple's method).
    total: int
    #: How many of them were retracted, where the index shows it.
    retracted: int = 0


class RetractionRow(NamedTuple):
    study: StudyRow
    date: str
    notice: str | None


Row = (
    StudyRow
    | CountRow
    | RetractionRow
    | synthesis.LedgerRow
    | synthesis.MapCell
    | synthesis.Glance
    | synthesis.MeasureCount
)
RowMaker = Callable[[list[Study], Vocabulary, str], list[Row]]


def by_year(studies: list[Study]) -> list[Study]:
    """Newest publication first, then by title: the order of every list of studies."""
    return sorted(studies, key=lambda s: (-(s.year or 0), s.title.lower(), s.docname))


# Each filters before it sorts: one sort of every study per level and tag page was
# most of the time an edit spent working out which index pages changed.


def level(studies: list[Study], vocabulary: Vocabulary, key: str) -> list[Row]:
    return [StudyRow.of(s) for s in by_year([s for s in studies if s.evidence == key])]


def tag(studies: list[Study], vocabulary: Vocabulary, key: str) -> list[Row]:
    return [StudyRow.of(s) for s in by_year([s for s in studies if key in s.tags])]


def levels(studies: list[Study], vocabulary: Vocabulary, key: str) -> list[Row]:
    counts = Counter(s.evidence for s in studies)
    retracted = Counter(s.evidence for s in studies if s.retracted)
    return [
        CountRow(term.key, counts[term.key], retracted[term.key])
        for term in vocabulary.levels_findings_first
    ]


def tags(studies: list[Study], vocabulary: Vocabulary, key: str) -> list[Row]:
    counts = Counter(key for s in studies for key in s.tags)
    return [CountRow(term.key, counts[term.key]) for term in vocabulary.tags]


def retractions(studies: list[Study], vocabulary: Vocabulary, key: str) -> list[Row]:
    retracted = sorted(
        (s for s in studies if s.retracted), key=lambda s: (s.retracted, s.docname), reverse=True
    )
    return [
        RetractionRow(StudyRow.of(s), s.retracted or "", s.retraction_notice) for s in retracted
    ]


def _counts(field: str, table: str) -> RowMaker:
    def rows(studies: list[Study], vocabulary: Vocabulary, key: str) -> list[Row]:
        counts = Counter(getattr(study, field) for study in studies)
        return [CountRow(term.key, counts[term.key]) for term in vocabulary.table(table).values()]

    return rows


def level_counts(studies: list[Study], vocabulary: Vocabulary, key: str) -> list[Row]:
    """How many studies each level has: the strongest findings first, definitions last."""
    counts = Counter(study.evidence for study in studies)
    return [CountRow(term.key, counts[term.key]) for term in vocabulary.levels_findings_first]


def years(studies: list[Study], vocabulary: Vocabulary, key: str) -> list[Row]:
    """Every year from the first to the last study, years without studies included."""
    counts = Counter(study.year for study in studies if study.year)
    if not counts:
        return []
    return [CountRow(year, counts[year]) for year in range(min(counts), max(counts) + 1)]


def recent(studies: list[Study], vocabulary: Vocabulary, key: str) -> list[Row]:
    """The latest ``:updated:`` dates first; on the same day newest first, as browse sorts."""
    dated = sorted(
        (s for s in studies if s.updated), key=lambda s: (-(s.year or 0), s.title.lower())
    )
    latest = sorted(dated, key=lambda s: s.updated or "", reverse=True)[:RECENT]
    return [StudyRow.of(s, with_update=True) for s in latest]


def _rows_of(make: Callable[[list[Study], Vocabulary, str], Sequence[Row]]) -> RowMaker:
    """A maker of one kind of row, as a maker of index rows."""

    def rows(studies: list[Study], vocabulary: Vocabulary, key: str) -> list[Row]:
        return list(make(studies, vocabulary, key))

    return rows


#: Every kind of ``{atlas-index}``, with the function that makes its rows.
ROWS: dict[str, RowMaker] = {
    "retractions": retractions,
    "level": level,
    "tag": tag,
    "levels": levels,
    "tags": tags,
    # The home page's overview (drawn by atlas.sphinx.home).
    "level-counts": level_counts,
    "pem-counts": _counts("pem", "pem"),
    "design-counts": _counts("design", "designs"),
    "years": years,
    "recent": recent,
    # The evidence across studies (atlas.sphinx.synthesis, drawn by atlas.sphinx.ledger).
    "measure": _rows_of(synthesis.ledger),
    "measures": _rows_of(synthesis.measure_counts),
    "evidence-map": _rows_of(synthesis.evidence_map),
    "tag-glance": _rows_of(synthesis.glance),
}
