"""The rules a study page must follow, each with a stable code.

Codes never change meaning once published: contributors search for them, and
CONTRIBUTING.md explains each one. Sphinx reports them as warning subtypes
(``atlas.ATLAS020``) and the command-line checker prints them as they are.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Rule(Enum):
    """A check on a study page: (code, short name)."""

    NO_STUDY_BLOCK = ("ATLAS001", "no-study-block")
    SEVERAL_STUDY_BLOCKS = ("ATLAS002", "several-study-blocks")
    MALFORMED_OPTION = ("ATLAS003", "malformed-option")
    UNKNOWN_OPTION = ("ATLAS004", "unknown-option")
    REPEATED_OPTION = ("ATLAS005", "repeated-option")
    MISSING_FIELD = ("ATLAS010", "missing-field")
    EMPTY_FIELD = ("ATLAS011", "empty-field")
    MISSING_IDENTIFIER = ("ATLAS012", "missing-identifier")
    UNKNOWN_VALUE = ("ATLAS020", "unknown-value")
    UNKNOWN_TAG = ("ATLAS021", "unknown-tag")
    REPEATED_VALUE = ("ATLAS022", "repeated-value")
    BAD_DOI = ("ATLAS030", "bad-doi")
    BAD_PMID = ("ATLAS031", "bad-pmid")
    BAD_YEAR = ("ATLAS032", "bad-year")
    BAD_DATE = ("ATLAS033", "bad-date")
    PEM_CONTRADICTS_CASE_DEFINITION = ("ATLAS040", "pem-contradicts-case-definition")
    MISSING_REVIEWER = ("ATLAS041", "missing-reviewer")
    REVIEWER_WITHOUT_REVIEW = ("ATLAS042", "reviewer-without-review")
    MISSING_SECTION = ("ATLAS050", "missing-section")
    EMPTY_SECTION = ("ATLAS051", "empty-section")
    UNKNOWN_SECTION = ("ATLAS052", "unknown-section")
    REPEATED_SECTION = ("ATLAS053", "repeated-section")
    TEXT_OUTSIDE_SECTION = ("ATLAS054", "text-outside-section")
    SECTION_NOT_A_LIST = ("ATLAS055", "section-not-a-list")
    DUPLICATE_STUDY = ("ATLAS060", "duplicate-study")

    @property
    def code(self) -> str:
        return self.value[0]

    @property
    def slug(self) -> str:
        return self.value[1]


@dataclass(frozen=True)
class Problem:
    """One located finding: the line is 1-based and counts from the top of the file."""

    rule: Rule
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.rule.code} {self.message}"
