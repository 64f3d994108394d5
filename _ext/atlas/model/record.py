"""The study record: its fields, their JSON Schema and the typed record itself.

``FIELDS`` is the one description of a study's metadata. The parser reads
options by these names, the JSON Schema is generated from it (and validates
every page), and the record's JSON form uses the same names.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from .authors import cited
from .findings import DIRECTIONS, Finding
from .participants import KINDS as PARTICIPANT_KINDS
from .rules import Rule
from .vocabulary import Vocabulary

Kind = Literal[
    "text", "names", "year", "doi", "pmid", "isbn", "url", "date", "choice", "choices", "studies"
]

#: A bare DOI: no white space, no control character (anything else a DOI suffix may hold).
DOI_PATTERN = r"^10\.[0-9]{4,9}/[^\s\x00-\x1f\x7f-\x9f]+$"
PMID_PATTERN = r"^[1-9][0-9]{0,8}$"
#: An ISBN as printed: 10 or 13 digits (the last of an ISBN-10 may be X), with hyphens or spaces.
ISBN_PATTERN = r"^(?:[0-9][- ]?){9}[0-9Xx]$|^(?:[0-9][- ]?){12}[0-9]$"
#: A full web address: http(s), no white space or control character.
URL_PATTERN = r"^https?://[^\s\x00-\x1f\x7f-\x9f]+$"
#: The options that tell one paper from another; a page needs at least one of them.
IDENTIFYING = ("doi", "pmid", "isbn", "report", "paper-url")
#: ``\d`` would also take other scripts' digits, which no date parser reads.
DATE_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
#: How a lineage option names another study page: its file name without ``.md``.
STUDY_REFERENCE_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
#: The lineage options; the vocabulary's ``lineage`` table gives each its labels.
RELATIONS = ("replicates", "fails-to-replicate", "follows-up", "same-cohort")
EARLIEST_YEAR = 1900
#: How many authors a study's byline names before ", et al.".
BYLINE_AUTHORS = 3


@dataclass(frozen=True)
class Field:
    """One option of the ``{study}`` block."""

    name: str
    kind: Kind
    required: bool
    example: str
    #: For choice fields: the vocabulary table the values come from.
    table: str | None = None
    #: The rule a malformed value breaks (for formats such as DOI or date).
    format_rule: Rule | None = None
    what: str = ""

    @property
    def is_list(self) -> bool:
        return self.kind in ("names", "choices", "studies")

    @property
    def separator(self) -> str:
        return ";" if self.kind == "names" else ","


FIELDS: tuple[Field, ...] = (
    Field("title", "text", True, "Socialization to the model: ... A preliminary study"),
    Field("authors", "names", True, "Daniels, Jo; Wearden, Alison J", what="authors"),
    Field("journal", "text", True, "Behavioural and Cognitive Psychotherapy"),
    Field(
        "year",
        "year",
        True,
        "2011",
        format_rule=Rule.BAD_YEAR,
        what="a four-digit publication year",
    ),
    Field(
        "doi",
        "doi",
        False,
        "10.1017/S1352465810000792",
        format_rule=Rule.BAD_DOI,
        what="a bare DOI such as 10.1017/S1352465810000792 (no https://doi.org/)",
    ),
    Field(
        "pmid",
        "pmid",
        False,
        "21092360",
        format_rule=Rule.BAD_PMID,
        what="a PubMed ID made of digits only, such as 21092360",
    ),
    Field(
        "isbn",
        "isbn",
        False,
        "978-0-309-31689-7",
        format_rule=Rule.BAD_ISBN,
        what="an ISBN of 10 or 13 digits, such as 978-0-309-31689-7",
    ),
    Field("report", "text", False, "NICE guideline NG206"),
    Field(
        "paper-url",
        "url",
        False,
        "https://www.nice.org.uk/guidance/ng206",
        format_rule=Rule.BAD_URL,
        what="a full web address starting with https://",
    ),
    Field(
        "archive-url",
        "url",
        False,
        "https://web.archive.org/web/2021/https://www.nice.org.uk/guidance/ng206",
        format_rule=Rule.BAD_URL,
        what="the full address of an archived copy, starting with https://",
    ),
    Field("design", "choice", True, "rct", table="designs"),
    Field("evidence", "choice", True, "E1", table="evidence_levels"),
    Field("confidence", "choice", True, "preliminary", table="confidence"),
    Field("pem", "choice", True, "unclear", table="pem"),
    Field("case-definition", "choices", True, "not-stated", table="case_definitions"),
    Field(
        "participants",
        "text",
        False,
        "22 ME/CFS; 10 healthy controls",
        what="groups such as '22 ME/CFS; 10 healthy controls' (see atlas.model.participants)",
    ),
    Field("peer-review", "choice", True, "peer-reviewed", table="peer_review"),
    Field("review", "choice", True, "community-draft", table="review_status"),
    Field("reviewed-by", "names", False, "Surname, Given", what="reviewers"),
    Field("tags", "choices", False, "symptom-fatigue, method-flag-small-sample", table="tags"),
    Field(
        "updated",
        "date",
        True,
        "2026-04-08",
        format_rule=Rule.BAD_DATE,
        what="a date written YYYY-MM-DD, such as 2026-04-08",
    ),
    Field(
        "retracted",
        "date",
        False,
        "2011-12-23",
        format_rule=Rule.BAD_DATE,
        what="the date of the retraction notice, written YYYY-MM-DD",
    ),
    Field(
        "retraction-notice",
        "doi",
        False,
        "10.1126/science.334.6063.1636-a",
        format_rule=Rule.BAD_DOI,
        what="the bare DOI of the retraction notice",
    ),
    *(
        Field(
            relation,
            "studies",
            False,
            "lombardi-2009-detection-infectious",
            format_rule=Rule.BAD_STUDY_REFERENCE,
            what="file names of other study pages without '.md', separated by commas",
        )
        for relation in RELATIONS
    ),
)

FIELDS_BY_NAME = {spec.name: spec for spec in FIELDS}


def study_schema(vocabulary: Vocabulary, latest_year: int | None = None) -> dict[str, Any]:
    """The JSON Schema of a study record, with the vocabulary's values as enums."""
    properties: dict[str, Any] = {}
    for spec in FIELDS:
        prop: dict[str, Any]
        if spec.kind == "year":
            prop = {"type": "integer", "minimum": EARLIEST_YEAR}
            if latest_year is not None:
                prop["maximum"] = latest_year
        elif spec.kind == "doi":
            prop = {"type": "string", "pattern": DOI_PATTERN}
        elif spec.kind == "pmid":
            prop = {"type": "string", "pattern": PMID_PATTERN}
        elif spec.kind == "isbn":
            prop = {"type": "string", "pattern": ISBN_PATTERN}
        elif spec.kind == "url":
            prop = {"type": "string", "pattern": URL_PATTERN}
        elif spec.kind == "date":
            prop = {"type": "string", "format": "date", "pattern": DATE_PATTERN}
        elif spec.kind == "studies":
            prop = {"type": "string", "pattern": STUDY_REFERENCE_PATTERN}
        elif spec.kind in ("choice", "choices"):
            assert spec.table is not None  # every choice field in FIELDS names its table
            prop = {"enum": list(vocabulary.table(spec.table))}
        else:
            prop = {"type": "string", "minLength": 1}
        if spec.is_list:
            prop = {"type": "array", "items": prop, "uniqueItems": True}
            if spec.required:
                prop["minItems"] = 1
        properties[spec.name] = prop
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "ME/CFS atlas study",
        "type": "object",
        "properties": properties,
        "required": [spec.name for spec in FIELDS if spec.required],
        "anyOf": [{"required": [name]} for name in IDENTIFYING],
        "additionalProperties": False,
    }


def export_schema(vocabulary: Vocabulary) -> dict[str, Any]:
    """The schema of ``studies.json``: each record is a study record plus its id and URL.

    A page with errors is still built and exported, without the values its
    errors left out, so an exported record is sure to hold only its id and URL;
    every value it does hold has the form ``study_schema`` gives, which is what
    a page must meet to pass the checks.
    """
    record = study_schema(vocabulary)
    record["properties"] = {
        "id": {"type": "string", "pattern": r"^studies/[a-z0-9-]+$"},
        "url": {"type": "string"},
        **record["properties"],
    }
    record["properties"].update(_structured_properties(vocabulary))
    record["required"] = ["id", "url"]
    del record["anyOf"]
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "ME/CFS atlas studies",
        "type": "object",
        "properties": {
            # Only in a release's copy (atlas.release): which release the data is.
            "release": {
                "type": "object",
                "properties": {
                    "version": {"type": "string", "pattern": r"^[0-9]+\.[0-9]+\.[0-9]+$"},
                    "date": {
                        "type": "string",
                        "format": "date",
                        "pattern": r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
                    },
                },
                "required": ["version", "date"],
                "additionalProperties": False,
            },
            "studies": {
                "type": "array",
                "items": {k: v for k, v in record.items() if k != "$schema"},
            },
        },
        "required": ["studies"],
        "additionalProperties": False,
    }


def _structured_properties(vocabulary: Vocabulary) -> dict[str, Any]:
    """What an exported record adds to the options: participants and findings as data."""
    return {
        "participant-groups": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "kind": {"enum": list(PARTICIPANT_KINDS)},
                    "count": {"type": "integer", "minimum": 1},
                    "illness": {"type": "string", "minLength": 1},
                },
                "required": ["kind", "count"],
                "additionalProperties": False,
            },
        },
        "findings": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "measure": {"enum": [measure.key for measure in vocabulary.measures]},
                    "direction": {"enum": list(DIRECTIONS)},
                    "participants": {"type": "string", "minLength": 1},
                    "text": {"type": "string"},
                },
                "required": ["measure", "direction", "text"],
                "additionalProperties": False,
            },
        },
    }


@dataclass(frozen=True)
class Study:
    """A checked study, as stored per document and exported; plain data only."""

    docname: str
    title: str
    authors: tuple[str, ...]
    journal: str
    year: int | None
    design: str | None
    evidence: str | None
    confidence: str | None
    pem: str | None
    case_definition: tuple[str, ...]
    peer_review: str | None
    review: str | None
    updated: str | None
    doi: str | None = None
    pmid: str | None = None
    isbn: str | None = None
    report: str | None = None
    paper_url: str | None = None
    archive_url: str | None = None
    reviewed_by: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    retracted: str | None = None
    retraction_notice: str | None = None
    replicates: tuple[str, ...] = ()
    fails_to_replicate: tuple[str, ...] = ()
    follows_up: tuple[str, ...] = ()
    same_cohort: tuple[str, ...] = ()
    #: The ``:participants:`` option in its standard spelling (:mod:`atlas.model.participants`).
    participants: str | None = None
    #: The structured findings of "Observed findings", in page order.
    findings: tuple[Finding, ...] = ()
    #: ((date, commit id, message or ""), ...) newest first, from git when the build has it
    #: (see :mod:`atlas.sphinx.history` for when a commit's message is kept).
    history: tuple[tuple[str, str, str], ...] = ()
    line: int = 0
    #: File line of each option, for problems found after the page was read.
    option_lines: dict[str, int] = field(default_factory=dict)
    #: Fields left out because their value was invalid; the page still builds.
    invalid: tuple[str, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Study:
        values = dict(data)
        for spec in FIELDS:
            if spec.is_list:
                name = spec.name.replace("-", "_")
                values[name] = tuple(values.get(name, ()))
        values["invalid"] = tuple(values.get("invalid", ()))
        values["findings"] = tuple(Finding(*finding) for finding in values.get("findings", ()))
        values["history"] = tuple(tuple(revision) for revision in values.get("history", ()))
        return cls(**values)

    def to_record(self) -> dict[str, Any]:
        """The study as its options would state it: the shape ``study_schema`` describes."""
        record: dict[str, Any] = {}
        for spec in FIELDS:
            value = getattr(self, spec.name.replace("-", "_"))
            if value not in (None, "", ()):
                record[spec.name] = list(value) if spec.is_list else value
        return record

    @property
    def last_updated(self) -> str | None:
        """The date of the last commit to the page if git knows it, else ``:updated:``."""
        return self.history[0][0] if self.history else self.updated

    def links(self) -> list[tuple[str, str]]:
        """(relation, target docname) for each lineage link this page declares."""
        return [
            (relation, f"studies/{slug}")
            for relation in RELATIONS
            for slug in getattr(self, relation.replace("-", "_"))
        ]

    @property
    def byline_authors(self) -> str:
        """First three authors as "Surname Initials", then ", et al." if there are more.

        A group's name is shown whole, and a paper with no named author shows none.
        """
        return cited(self.authors, BYLINE_AUTHORS)
