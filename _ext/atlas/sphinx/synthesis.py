"""The evidence across studies, as typed rows: ledgers per measure, the map, tag summaries.

Every figure here comes from the study records' structured findings,
participants and classifications. The rows are computed in one pass over the
atlas per build (:func:`evidence_index`) and then picked per page, so a ledger,
the map or a tag summary costs no pass of its own. As for every index
(:mod:`atlas.sphinx.rows`), a page's rows are also its signature: a page is
written again exactly when its rows change.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import NamedTuple

from ..model.findings import DIRECTIONS
from ..model.participants import participants_of
from ..model.record import Study
from ..model.vocabulary import Vocabulary, keyed
from .lineage import links_by_page

#: Lineage relations that make a replication chain.
REPLICATION = ("replicates", "fails-to-replicate")
#: The PEM value that readers of this field ask about first.
PEM_REQUIRED = "required"


class LedgerRow(NamedTuple):
    """One structured finding on a measure, with what readers weigh it by."""

    docname: str
    title: str
    year: int | None
    direction: str
    #: The participants the finding covers, else the study's; "" when not stated.
    participants: str
    #: People with ME/CFS among them (the dot's place on the chart), when stated.
    me_cfs: int | None
    case_definition: tuple[str, ...]
    pem: str | None
    evidence: str | None
    design: str | None
    retracted: bool
    #: Lineage as read from this study ("Replicates", "Not replicated by"), replication only.
    lineage: tuple[str, ...]
    text: str


class MapCell(NamedTuple):
    """One cell of the evidence map: a topic tag by a measure family."""

    tag: str
    family: str
    #: Studies with the tag and a structured finding on a measure of the family.
    total: int
    #: The strongest evidence level among them, or None when there are none.
    best: str | None
    #: How many of them required PEM.
    pem_required: int


class Chain(NamedTuple):
    """One replication link: a study that repeats (or fails to repeat) another."""

    docname: str
    title: str
    relation: str
    other: str
    other_title: str


class Glance(NamedTuple):
    """A tag's evidence at a glance, above its list of studies."""

    total: int
    #: (level key, studies) strongest first, and (PEM key, studies).
    levels: tuple[tuple[str, int], ...]
    pem: tuple[tuple[str, int], ...]
    #: (measure key, ((direction, studies), ...)) for measures with findings in the tag.
    measures: tuple[tuple[str, tuple[tuple[str, int], ...]], ...]
    #: (docname, title) of retracted studies.
    retracted: tuple[tuple[str, str], ...]
    chains: tuple[Chain, ...]


class MeasureCount(NamedTuple):
    """A measure and how many studies have a finding on it (the map page's list)."""

    measure: str
    studies: int


@dataclass
class EvidenceIndex:
    """Everything the ledgers, the map and the tag summaries show, from one pass."""

    ledgers: dict[str, list[LedgerRow]] = field(default_factory=dict)
    by_tag: dict[str, list[Study]] = field(default_factory=dict)
    families_of: dict[str, set[str]] = field(default_factory=dict)
    lineage: dict[str, list[tuple[str, str, str]]] = field(default_factory=dict)
    titles: dict[str, str] = field(default_factory=dict)


_last: tuple[list[Study], Vocabulary, EvidenceIndex] | None = None


def evidence_index(studies: list[Study], vocabulary: Vocabulary) -> EvidenceIndex:
    """The index of one list of records, built once for as long as the list is current.

    The store hands out the same list until a record changes
    (:meth:`atlas.sphinx.data.AtlasDomain.studies`), so the list itself is the key;
    it is kept alive here, so its identity cannot be reused by another list.
    """
    global _last
    if _last is not None and _last[0] is studies and _last[1] is vocabulary:
        return _last[2]
    index = _build(studies, vocabulary)
    _last = (studies, vocabulary, index)
    return index


def _build(studies: list[Study], vocabulary: Vocabulary) -> EvidenceIndex:
    measures = keyed(vocabulary.measures)
    index = EvidenceIndex(
        lineage=links_by_page(studies, vocabulary),
        titles={study.docname: study.title for study in studies},
    )
    ledgers: dict[str, list[LedgerRow]] = defaultdict(list)
    by_tag: dict[str, list[Study]] = defaultdict(list)
    for study in _newest_first(studies):
        for tag in study.tags:
            by_tag[tag].append(study)
        chain = tuple(
            label
            for label, _, relation in index.lineage.get(study.docname, ())
            if relation in REPLICATION
        )
        families = set()
        for finding in study.findings:
            if finding.measure not in measures:
                continue
            families.add(measures[finding.measure].family)
            written = finding.participants or study.participants or ""
            group = participants_of(written)
            ledgers[finding.measure].append(
                LedgerRow(
                    study.docname,
                    study.title,
                    study.year,
                    finding.direction,
                    written,
                    group.me_cfs if group else None,
                    study.case_definition,
                    study.pem,
                    study.evidence,
                    study.design,
                    bool(study.retracted),
                    chain,
                    finding.text,
                )
            )
        if families:
            index.families_of[study.docname] = families
    index.ledgers = dict(ledgers)
    index.by_tag = dict(by_tag)
    return index


def _newest_first(studies: list[Study]) -> list[Study]:
    return sorted(studies, key=lambda s: (-(s.year or 0), s.title.lower(), s.docname))


# -- row makers, one per {atlas-index} kind ----------------------------------------------


def ledger(studies: list[Study], vocabulary: Vocabulary, key: str) -> list[LedgerRow]:
    """``measure KEY``: every finding on one measure, newest study first."""
    return evidence_index(studies, vocabulary).ledgers.get(key, [])


def measure_counts(studies: list[Study], vocabulary: Vocabulary, key: str) -> list[MeasureCount]:
    """``measures``: every measure of the vocabulary with its number of studies."""
    ledgers = evidence_index(studies, vocabulary).ledgers
    return [
        MeasureCount(measure.key, len({row.docname for row in ledgers.get(measure.key, [])}))
        for measure in vocabulary.measures
    ]


def evidence_map(studies: list[Study], vocabulary: Vocabulary, key: str) -> list[MapCell]:
    """``evidence-map``: topic tags by measure families, every cell, empty ones too."""
    index = evidence_index(studies, vocabulary)
    ladder = [level.key for level in vocabulary.levels_findings_first]
    cells = []
    for tag in topic_tags(vocabulary):
        tagged = index.by_tag.get(tag, [])
        for family in vocabulary.measure_families:
            found = [s for s in tagged if family.key in index.families_of.get(s.docname, ())]
            levels = [ladder.index(s.evidence) for s in found if s.evidence in ladder]
            cells.append(
                MapCell(
                    tag,
                    family.key,
                    len(found),
                    ladder[min(levels)] if levels else None,
                    sum(s.pem == PEM_REQUIRED for s in found),
                )
            )
    return cells


def topic_tags(vocabulary: Vocabulary) -> list[str]:
    """The map's rows: the tags of the "topic" family (all tags if there is none)."""
    topics = [tag.key for tag in vocabulary.tags if tag.family == "topic"]
    return topics or [tag.key for tag in vocabulary.tags]


def glance(studies: list[Study], vocabulary: Vocabulary, key: str) -> list[Glance]:
    """``tag-glance KEY``: one row, the tag's evidence at a glance."""
    index = evidence_index(studies, vocabulary)
    tagged = index.by_tag.get(key, [])
    levels = Counter(s.evidence for s in tagged)
    ladder = vocabulary.levels_findings_first
    pem = Counter(s.pem for s in tagged)
    docnames = {s.docname for s in tagged}
    measures = []
    for measure in vocabulary.measures:
        rows = [row for row in index.ledgers.get(measure.key, []) if row.docname in docnames]
        if rows:
            directions = Counter(
                row.direction for row in {(r.docname, r.direction): r for r in rows}.values()
            )
            measures.append(
                (measure.key, tuple((d, directions[d]) for d in DIRECTIONS if directions[d]))
            )
    relations = keyed(vocabulary.lineage)
    chains = set()
    for study in tagged:
        declared = set(study.links())
        for _, other, relation in index.lineage.get(study.docname, ()):
            if relation not in REPLICATION:
                continue
            # Each link once, read from the study that declares it.
            first, second = (
                (study.docname, other) if (relation, other) in declared else (other, study.docname)
            )
            chains.add(
                Chain(
                    first,
                    index.titles.get(first, first),
                    relations[relation].label,
                    second,
                    index.titles.get(second, second),
                )
            )
    return [
        Glance(
            len(tagged),
            tuple((t.key, levels[t.key]) for t in ladder if levels[t.key]),
            tuple((t.key, pem[t.key]) for t in vocabulary.pem if pem[t.key]),
            tuple(measures),
            tuple((s.docname, s.title) for s in tagged if s.retracted),
            tuple(sorted(chains)),
        )
    ]
