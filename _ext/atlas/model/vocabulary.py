"""The controlled vocabulary, read from the one YAML file that defines it.

Every badge, index, validation message and the "How the atlas works" page reads
its terms from here, so no definition is ever written twice.
"""

from __future__ import annotations

import difflib
import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

import yaml

#: Where the vocabulary lives, relative to the project root (the folder of conf.py).
DEFAULT_PATH = "source/vocabulary.yaml"


class VocabularyError(ValueError):
    """The vocabulary file itself is malformed; the message names file and entry."""


@dataclass(frozen=True)
class Term:
    """One controlled value: the key a study page writes and the label readers see."""

    key: str
    label: str
    definition: str = ""


@dataclass(frozen=True)
class Mesh:
    """A MeSH descriptor or publication type a term corresponds to: its ID and its name."""

    id: str
    name: str


@dataclass(frozen=True)
class Design(Term):
    """A study design, with what in an export sets it (see :mod:`atlas.model.suggest`)."""

    mesh: tuple[Mesh, ...] = ()
    #: Phrases, in lower case, that name this design in an export.
    matches: tuple[str, ...] = ()


@dataclass(frozen=True)
class PeerReview(Term):
    """A peer-review status, with the export record types that imply it."""

    ris_types: tuple[str, ...] = ()
    bibtex_types: tuple[str, ...] = ()
    #: Journal or server names (lower case) that imply it, such as a preprint server.
    venues: tuple[str, ...] = ()


@dataclass(frozen=True)
class RenamedTag:
    """A tag key that was renamed or merged: pages may still write it, and are advised."""

    key: str
    replaced_by: str


@dataclass(frozen=True)
class EvidenceLevel(Term):
    """A level of evidence; ``group`` names the levels shown apart from the findings."""

    #: Empty for a level of the findings ladder; else the heading it is shown under
    #: ("Definitions and guidelines"), after every level of findings.
    group: str = ""


@dataclass(frozen=True)
class ReviewStatus(Term):
    needs_reviewer: bool = False


@dataclass(frozen=True)
class CaseDefinition(Term):
    #: The PEM key this definition implies, or None when it implies nothing.
    pem: str | None = None


@dataclass(frozen=True)
class Relation(Term):
    """A lineage link; ``label`` reads from the linking page, ``back_label`` from the other."""

    back_label: str = ""


@dataclass(frozen=True)
class Section(Term):
    """A section of a study page; ``label`` is its heading."""

    required: bool = True
    is_list: bool = False


@dataclass(frozen=True)
class Tag(Term):
    """A tag; ``key`` is its sphinx-tags slug, ``label`` its full display name."""

    family: str = ""
    short_label: str = ""
    mesh: tuple[Mesh, ...] = ()
    #: Phrases, in lower case, in an export's MeSH headings or keywords that suggest the tag.
    matches: tuple[str, ...] = ()


@dataclass(frozen=True)
class TagFamily(Term):
    tags: tuple[Tag, ...] = ()


@dataclass(frozen=True)
class Measure(Term):
    """What a structured finding measured; ``label`` is the short label beside the finding."""

    family: str = ""
    #: What "higher" and "lower" compare when it is not ME/CFS against the comparison group.
    compares: str = ""
    #: The published standard (and its part) the measure falls under, where one was checked.
    standard: str = ""


@dataclass(frozen=True)
class MeasureFamily(Term):
    measures: tuple[Measure, ...] = ()


@dataclass(frozen=True)
class ParticipantRules:
    """The numbers behind the small-sample advice and the browse page's study-size bands."""

    #: A study with fewer people with ME/CFS than this is small.
    small_sample_below: int = 30
    #: Each number starts a size band (people with ME/CFS); the last band has no end.
    size_bands: tuple[int, ...] = (1, 20, 50, 100, 500)


AnyTerm = TypeVar("AnyTerm", bound=Term)


def keyed(terms: Iterable[AnyTerm]) -> dict[str, AnyTerm]:
    """Terms keyed by what a study page writes, each keeping its own type.

    ``Vocabulary.table`` finds a table by name and so can only promise a ``Term``;
    code that reads a field of one kind of term (``pem``, ``back_label``) passes
    that table itself here instead.
    """
    return {term.key: term for term in terms}


#: A measure key: it names a ledger page, so it is written like a page name.
MEASURE_KEY = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")

#: A MeSH unique ID: D and six digits (older) or nine digits (since 2018).
MESH_ID = re.compile(r"D[0-9]{6}(?:[0-9]{3})?")

#: What sphinx-tags turns into one dash when it names a tag's page.
NOT_A_WORD = re.compile(r"[\s\W]+")


def tag_slug(name: str) -> str:
    """The file name sphinx-tags gives a tag's page, so our URLs are the ones it makes.

    sphinx-tags lower-cases the name and turns every run of spaces and
    punctuation into one dash. The rule is written out here rather than
    imported, because sphinx-tags offers it only as a private function and
    ``atlas check`` must run without Sphinx; ``tests/test_tags_compat.py``
    checks it against the links sphinx-tags' own ``{tags}`` directive writes.
    """
    return NOT_A_WORD.sub("-", name).lower().strip("-")


@dataclass(frozen=True)
class Vocabulary:
    path: str
    digest: str
    evidence_levels: tuple[EvidenceLevel, ...]
    confidence: tuple[Term, ...]
    pem_explainer: str
    pem: tuple[Term, ...]
    designs: tuple[Design, ...]
    peer_review: tuple[PeerReview, ...]
    review_status: tuple[ReviewStatus, ...]
    case_definitions: tuple[CaseDefinition, ...]
    sections: tuple[Section, ...]
    tag_families: tuple[TagFamily, ...]
    lineage: tuple[Relation, ...]
    measure_families: tuple[MeasureFamily, ...] = ()
    participant_rules: ParticipantRules = ParticipantRules()
    renamed_tags: tuple[RenamedTag, ...] = ()

    @property
    def tags(self) -> tuple[Tag, ...]:
        return tuple(tag for family in self.tag_families for tag in family.tags)

    @property
    def levels_findings_first(self) -> tuple[EvidenceLevel, ...]:
        """The findings ladder strongest first, then the levels shown apart (in file order).

        "Strongest first" means the strongest findings: definitions, guidelines
        and consensus statements say what the illness is or how to care for it;
        they are not findings, so they come after the weakest finding.
        """
        levels = self.evidence_levels
        return tuple(level for level in levels if not level.group) + tuple(
            level for level in levels if level.group
        )

    def replacement(self, tag: str) -> str | None:
        """The tag that replaced a renamed or merged tag key, or None."""
        return next((old.replaced_by for old in self.renamed_tags if old.key == tag), None)

    @property
    def measures(self) -> tuple[Measure, ...]:
        return tuple(measure for family in self.measure_families for measure in family.measures)

    def table(self, name: str) -> dict[str, Term]:
        """The terms of one vocabulary table, keyed by what a study page writes."""
        return keyed(getattr(self, name))

    def term(self, name: str, key: str) -> Term:
        return self.table(name)[key]


def suggest(value: str, choices: list[str]) -> str | None:
    """The closest allowed value to a misspelt one, compared without case."""
    lowered = {choice.lower(): choice for choice in choices}
    match = difflib.get_close_matches(value.lower(), list(lowered), n=1, cutoff=0.6)
    return lowered[match[0]] if match else None


def load_vocabulary(path: str | Path) -> Vocabulary:
    """Read and check the vocabulary file; cached until the file changes."""
    path = Path(path).resolve()
    data = path.read_bytes()
    return _parse_vocabulary(str(path), data)


@lru_cache(maxsize=8)
def _parse_vocabulary(path: str, data: bytes) -> Vocabulary:
    try:
        raw = yaml.safe_load(data)
    except yaml.YAMLError as error:
        raise VocabularyError(f"{path}: not valid YAML: {error}") from error
    if not isinstance(raw, dict):
        raise VocabularyError(f"{path}: expected a mapping of vocabulary tables")
    reader = _Reader(path)
    pem = reader.mapping(raw, "pem")
    vocabulary = Vocabulary(
        path=path,
        digest=hashlib.sha256(data).hexdigest(),
        evidence_levels=reader.terms(raw, "evidence_levels", EvidenceLevel, group=str),
        confidence=reader.terms(raw, "confidence", Term),
        pem_explainer=reader.text(pem, "explainer", "pem"),
        pem=reader.terms(pem, "values", Term, where="pem.values"),
        designs=reader.designs(raw),
        peer_review=reader.peer_review(raw),
        review_status=reader.terms(raw, "review_status", ReviewStatus, needs_reviewer=bool),
        case_definitions=reader.terms(raw, "case_definitions", CaseDefinition, pem=str),
        sections=reader.sections(raw),
        tag_families=reader.tag_families(raw),
        lineage=reader.terms(raw, "lineage", Relation, back_label=str),
        measure_families=reader.measure_families(raw),
        participant_rules=reader.participant_rules(raw),
    )
    vocabulary = replace(vocabulary, renamed_tags=reader.renamed_tags(raw, vocabulary.tags))
    pem_keys = {term.key for term in vocabulary.pem}
    for definition in vocabulary.case_definitions:
        if definition.pem is not None and definition.pem not in pem_keys:
            raise VocabularyError(
                f"{path}: case definition {definition.key!r} implies unknown PEM value "
                f"{definition.pem!r}; use one of {sorted(pem_keys)}"
            )
    return vocabulary


class _Reader:
    """Builds typed terms from the raw YAML and names the entry at fault."""

    def __init__(self, path: str) -> None:
        self.path = path

    def fail(self, where: str, problem: str) -> VocabularyError:
        return VocabularyError(f"{self.path}: {where}: {problem}")

    def mapping(self, raw: dict[str, Any], name: str) -> dict[str, Any]:
        value = raw.get(name)
        if not isinstance(value, dict):
            raise self.fail(name, "expected a mapping")
        return value

    def text(self, raw: dict[str, Any], name: str, where: str) -> str:
        value = raw.get(name)
        if not isinstance(value, str) or not value.strip():
            raise self.fail(f"{where}.{name}", "expected non-empty text")
        return " ".join(value.split())

    def entries(self, raw: dict[str, Any], name: str, where: str) -> list[dict[str, Any]]:
        value = raw.get(name)
        if not isinstance(value, list) or not value:
            raise self.fail(where, "expected a non-empty list")
        for index, entry in enumerate(value):
            if not isinstance(entry, dict):
                raise self.fail(f"{where}[{index}]", "expected a mapping")
        return value

    def terms(
        self,
        raw: dict[str, Any],
        name: str,
        cls: type[AnyTerm],
        where: str | None = None,
        **extra_types: type,
    ) -> tuple[AnyTerm, ...]:
        where = where or name
        result: list[AnyTerm] = []
        seen: set[str] = set()
        for index, entry in enumerate(self.entries(raw, name, where)):
            place = f"{where}[{index}]"
            key = self.text(entry, "key", place)
            if key in seen:
                raise self.fail(place, f"key {key!r} is defined twice")
            seen.add(key)
            values = {field: entry[field] for field in extra_types if entry.get(field) is not None}
            for field, expected in extra_types.items():
                if field in values and not isinstance(values[field], expected):
                    raise self.fail(f"{place}.{field}", f"expected {expected.__name__}")
            result.append(
                cls(
                    key=key,
                    label=self.text(entry, "label", place),
                    definition=" ".join(str(entry.get("definition", "")).split()),
                    **values,
                )
            )
        return tuple(result)

    def mesh(self, entry: dict[str, Any], place: str) -> tuple[Mesh, ...]:
        """A term's optional ``mesh``: one ``{id, name}`` mapping or a list of them."""
        value = entry.get("mesh")
        if value is None:
            return ()
        found = []
        for index, item in enumerate(value if isinstance(value, list) else [value]):
            where = f"{place}.mesh" + (f"[{index}]" if isinstance(value, list) else "")
            if not isinstance(item, dict):
                raise self.fail(where, "expected a mapping with 'id' and 'name'")
            mesh_id = self.text(item, "id", where)
            if not MESH_ID.fullmatch(mesh_id):
                raise self.fail(f"{where}.id", f"{mesh_id!r} is not a MeSH ID such as D015673")
            found.append(Mesh(id=mesh_id, name=self.text(item, "name", where)))
        return tuple(found)

    def phrases(self, entry: dict[str, Any], name: str, place: str) -> tuple[str, ...]:
        """An optional list of phrases or codes, each as written with its spaces tidied."""
        value = entry.get(name)
        if value is None:
            return ()
        if not isinstance(value, list) or not all(
            isinstance(item, str) and item.strip() for item in value
        ):
            raise self.fail(f"{place}.{name}", "expected a list of non-empty texts")
        return tuple(" ".join(item.split()) for item in value)

    def designs(self, raw: dict[str, Any]) -> tuple[Design, ...]:
        plain = self.terms(raw, "designs", Term)
        entries = self.entries(raw, "designs", "designs")
        return tuple(
            Design(
                key=term.key,
                label=term.label,
                definition=term.definition,
                mesh=self.mesh(entry, f"designs[{index}]"),
                matches=tuple(
                    m.lower() for m in self.phrases(entry, "matches", f"designs[{index}]")
                ),
            )
            for index, (term, entry) in enumerate(zip(plain, entries, strict=True))
        )

    def peer_review(self, raw: dict[str, Any]) -> tuple[PeerReview, ...]:
        plain = self.terms(raw, "peer_review", Term)
        entries = self.entries(raw, "peer_review", "peer_review")
        return tuple(
            PeerReview(
                key=term.key,
                label=term.label,
                definition=term.definition,
                ris_types=tuple(
                    code.upper()
                    for code in self.phrases(entry, "ris_types", f"peer_review[{index}]")
                ),
                bibtex_types=tuple(
                    kind.lower()
                    for kind in self.phrases(entry, "bibtex_types", f"peer_review[{index}]")
                ),
                venues=tuple(
                    venue.lower()
                    for venue in self.phrases(entry, "venues", f"peer_review[{index}]")
                ),
            )
            for index, (term, entry) in enumerate(zip(plain, entries, strict=True))
        )

    def renamed_tags(self, raw: dict[str, Any], tags: tuple[Tag, ...]) -> tuple[RenamedTag, ...]:
        """The optional ``renamed_tags`` table; each old key must lead to a tag that exists."""
        if raw.get("renamed_tags") is None:
            return ()
        current = {tag.key for tag in tags}
        result: list[RenamedTag] = []
        for index, entry in enumerate(self.entries(raw, "renamed_tags", "renamed_tags")):
            place = f"renamed_tags[{index}]"
            key = self.text(entry, "key", place)
            target = self.text(entry, "replaced_by", place)
            if key in current:
                raise self.fail(place, f"{key!r} is still a tag; remove it from its family first")
            if target not in current:
                raise self.fail(
                    f"{place}.replaced_by", f"{target!r} is not a tag; name a tag that exists"
                )
            if any(old.key == key for old in result):
                raise self.fail(place, f"key {key!r} is renamed twice")
            result.append(RenamedTag(key=key, replaced_by=target))
        return tuple(result)

    def sections(self, raw: dict[str, Any]) -> tuple[Section, ...]:
        result = []
        for index, entry in enumerate(self.entries(raw, "sections", "sections")):
            place = f"sections[{index}]"
            result.append(
                Section(
                    key=self.text(entry, "key", place),
                    label=self.text(entry, "heading", place),
                    definition=" ".join(str(entry.get("definition", "")).split()),
                    required=bool(entry.get("required", True)),
                    is_list=bool(entry.get("list", False)),
                )
            )
        return tuple(result)

    def measure_families(self, raw: dict[str, Any]) -> tuple[MeasureFamily, ...]:
        """The optional ``measures`` table: families, each with its measures.

        Measure keys are what a finding writes, so they must be unique across
        families and look like page names (they become ledger page addresses).
        """
        if raw.get("measures") is None:
            return ()
        families: list[MeasureFamily] = []
        seen: set[str] = set()
        for index, entry in enumerate(self.entries(raw, "measures", "measures")):
            place = f"measures[{index}]"
            family_key = self.text(entry, "key", place)
            if family_key in seen:
                raise self.fail(place, f"key {family_key!r} is defined twice")
            seen.add(family_key)
            measures = []
            for measure_index, item in enumerate(
                self.entries(entry, "measures", f"{place}.measures")
            ):
                item_place = f"{place}.measures[{measure_index}]"
                key = self.text(item, "key", item_place)
                if not MEASURE_KEY.fullmatch(key):
                    raise self.fail(
                        item_place,
                        f"key {key!r} must be lower-case letters, digits and single hyphens",
                    )
                if key in seen:
                    raise self.fail(item_place, f"key {key!r} is defined twice")
                seen.add(key)
                measures.append(
                    Measure(
                        key=key,
                        label=self.text(item, "label", item_place),
                        definition=self.text(item, "definition", item_place),
                        family=family_key,
                        compares=" ".join(str(item.get("compares") or "").split()),
                        standard=" ".join(str(item.get("standard") or "").split()),
                    )
                )
            families.append(
                MeasureFamily(
                    key=family_key,
                    label=self.text(entry, "label", place),
                    definition=" ".join(str(entry.get("definition", "")).split()),
                    measures=tuple(measures),
                )
            )
        return tuple(families)

    def participant_rules(self, raw: dict[str, Any]) -> ParticipantRules:
        """The optional ``participants`` table: the small-sample threshold and size bands."""
        if raw.get("participants") is None:
            return ParticipantRules()
        table = self.mapping(raw, "participants")
        below = table.get("small_sample_below", ParticipantRules.small_sample_below)
        if not isinstance(below, int) or isinstance(below, bool) or below < 1:
            raise self.fail(
                "participants.small_sample_below", "expected a whole number of 1 or more"
            )
        bands = table.get("size_bands", list(ParticipantRules.size_bands))
        if (
            not isinstance(bands, list)
            or not bands
            or not all(isinstance(b, int) and not isinstance(b, bool) and b >= 1 for b in bands)
            or bands != sorted(set(bands))
        ):
            raise self.fail(
                "participants.size_bands",
                "expected whole numbers of 1 or more, rising, such as [1, 20, 50]",
            )
        return ParticipantRules(small_sample_below=below, size_bands=tuple(bands))

    def tag_families(self, raw: dict[str, Any]) -> tuple[TagFamily, ...]:
        families: list[TagFamily] = []
        seen: dict[str, str] = {}
        for index, entry in enumerate(self.entries(raw, "tag_families", "tag_families")):
            place = f"tag_families[{index}]"
            family_key = self.text(entry, "key", place)
            family_label = self.text(entry, "label", place)
            tags = []
            for tag_index, tag in enumerate(self.entries(entry, "tags", f"{place}.tags")):
                tag_place = f"{place}.tags[{tag_index}]"
                short = self.text(tag, "label", tag_place)
                name = f"{family_label}: {short}"
                slug = tag_slug(name)
                if slug in seen:
                    raise self.fail(tag_place, f"tag {name!r} clashes with {seen[slug]!r}")
                seen[slug] = name
                tags.append(
                    Tag(
                        key=slug,
                        label=name,
                        definition=" ".join(str(tag.get("definition", "")).split()),
                        family=family_key,
                        short_label=short,
                        mesh=self.mesh(tag, tag_place),
                        matches=self.phrases(tag, "matches", tag_place),
                    )
                )
            families.append(
                TagFamily(
                    key=family_key,
                    label=family_label,
                    definition=" ".join(str(entry.get("definition", "")).split()),
                    tags=tuple(tags),
                )
            )
        return tuple(families)
