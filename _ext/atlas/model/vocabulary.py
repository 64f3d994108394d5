"""The controlled vocabulary, read from the one YAML file that defines it.

Every badge, index, validation message and the "How the atlas works" page reads
its terms from here, so no definition is ever written twice.
"""

from __future__ import annotations

import difflib
import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
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
    designs: tuple[Term, ...]
    peer_review: tuple[Term, ...]
    review_status: tuple[ReviewStatus, ...]
    case_definitions: tuple[CaseDefinition, ...]
    sections: tuple[Section, ...]
    tag_families: tuple[TagFamily, ...]
    lineage: tuple[Relation, ...]
    measure_families: tuple[MeasureFamily, ...] = ()
    participant_rules: ParticipantRules = ParticipantRules()

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
        designs=reader.terms(raw, "designs", Term),
        peer_review=reader.terms(raw, "peer_review", Term),
        review_status=reader.terms(raw, "review_status", ReviewStatus, needs_reviewer=bool),
        case_definitions=reader.terms(raw, "case_definitions", CaseDefinition, pem=str),
        sections=reader.sections(raw),
        tag_families=reader.tag_families(raw),
        lineage=reader.terms(raw, "lineage", Relation, back_label=str),
        measure_families=reader.measure_families(raw),
        participant_rules=reader.participant_rules(raw),
    )
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
