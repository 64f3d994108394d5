"""The rules a study page must follow, each with a stable code.

Codes never change meaning once published: contributors search for them, and
CONTRIBUTING.md explains each one. Sphinx reports them as warning subtypes
(``atlas.ATLAS020``) and the command-line checker prints them as they are.

Each rule has a severity. An error must be fixed before a page is merged; a
warning asks a person to look again (``atlas check`` exits 0 on warnings alone).
New rules are appended at the end, so existing codes keep their meaning.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Severity(Enum):
    """How hard a rule is; the values are GitHub's annotation levels."""

    ERROR = "error"
    WARNING = "warning"


class Rule(Enum):
    """A check on a study page: (code, short name[, severity]); errors unless stated."""

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
    # Raw HTML bypasses the page layout and can carry scripts; Markdown says it all.
    RAW_HTML = ("ATLAS070", "raw-html")
    # A javascript:, vbscript: or data: link runs code or hides content in a reader's browser.
    UNSAFE_LINK = ("ATLAS071", "unsafe-link")
    # `atlas new` leaves "FILL IN" prompts; a page that still has one is not finished.
    UNFILLED_PROMPT = ("ATLAS072", "unfilled-prompt")
    # Readers take "proves" or "cures" at face value; only strong trials can carry it.
    CAUSAL_WORDING = ("ATLAS073", "causal-wording", Severity.WARNING)
    # The atlas describes research; it must not tell a reader what to take or stop.
    MEDICAL_ADVICE = ("ATLAS074", "medical-advice", Severity.WARNING)
    # The file name is the page's permanent address; it must say whose paper and when.
    FILE_NAME = ("ATLAS075", "file-name")
    # Two pages with nearly the same title are often one paper entered twice.
    NEAR_DUPLICATE_TITLE = ("ATLAS076", "near-duplicate-title", Severity.WARNING)
    # A lineage link must land on a page of the atlas, or readers follow it into nothing.
    LINEAGE_TARGET_MISSING = ("ATLAS080", "lineage-target-missing")
    # A study cannot replicate or follow up itself; the link is a slip.
    LINEAGE_TO_ITSELF = ("ATLAS081", "lineage-to-itself")
    # A retraction banner needs both the date and the notice, so readers can check it.
    RETRACTION_INCOMPLETE = ("ATLAS082", "retraction-incomplete")
    # Lineage options name other pages by their file name, without folder or .md.
    BAD_STUDY_REFERENCE = ("ATLAS083", "bad-study-reference")
    # A page far longer than any summary is a pasted paper or a mistake; it is not read.
    PAGE_TOO_LARGE = ("ATLAS077", "page-too-large")
    # MyST renders text outside the {study} block unchecked, so the site drops it.
    TEXT_OUTSIDE_BLOCK = ("ATLAS078", "text-outside-block")
    # Bytes that are not UTF-8 cannot be read as text; the page is left out until saved right.
    NOT_UTF8 = ("ATLAS079", "not-utf-8")
    # A relative link works in one folder and breaks in the next; study text links out only.
    RELATIVE_LINK = ("ATLAS084", "relative-link")
    # A retraction dated in the future or before the paper appeared is a slip; readers trust it.
    RETRACTION_DATE_IMPOSSIBLE = ("ATLAS085", "retraction-date-impossible")
    # A page "updated" on a day still to come would head every list of recent changes.
    UPDATED_IN_FUTURE = ("ATLAS086", "updated-in-future", Severity.WARNING)
    # Control characters and direction overrides are invisible, break feeds, or reorder text.
    CONTROL_CHARACTER = ("ATLAS087", "control-character")
    # The file name becomes a URL and output file names; some names cannot be either everywhere.
    UNUSABLE_FILE_NAME = ("ATLAS088", "unusable-file-name")
    # Names that differ only by hyphens share a citation key and confuse readers.
    PAGE_NAME_COLLISION = ("ATLAS089", "page-name-collision")
    # Only NAME.md pages are published; a page in another form would be left out unseen.
    NOT_A_PAGE = ("ATLAS090", "not-a-page")
    # Sphinx reads pages in folders below studies/, but the atlas treats them as no study.
    STUDY_IN_FOLDER = ("ATLAS091", "study-in-folder")
    # A link out of the repository would publish, or let --fix write, a file nobody reviewed.
    LINK_LEAVES_REPOSITORY = ("ATLAS092", "link-leaves-repository")
    # Raw HTML, reST and MyST settings bypass every check; only trusted guide pages may hold them.
    UNTRUSTED_MARKUP = ("ATLAS093", "untrusted-markup")
    # Inserting a file, or showing one from outside the repository, publishes unreviewed text.
    FILE_INSERTION = ("ATLAS094", "file-insertion")
    # Participant numbers are data readers filter and compare; a part that cannot be read is lost.
    BAD_PARTICIPANTS = ("ATLAS100", "bad-participants")
    # The "Small Sample" flag and the stated number of people with ME/CFS should tell one story.
    SMALL_SAMPLE_MISMATCH = ("ATLAS101", "small-sample-mismatch", Severity.WARNING)
    # A finding's measure names its ledger page; an unknown one would send readers nowhere.
    UNKNOWN_MEASURE = ("ATLAS102", "unknown-measure")
    # Ledgers count directions; a direction outside the four cannot be counted.
    UNKNOWN_DIRECTION = ("ATLAS103", "unknown-direction")
    # One spelling per measure, direction and kind keeps the source easy to search and compare.
    NONSTANDARD_SPELLING = ("ATLAS104", "nonstandard-spelling")
    # GRADE's phrases promise a certainty; the study's design and level must be able to carry it.
    CERTAINTY_WORDING = ("ATLAS105", "certainty-wording", Severity.WARNING)
    # A renamed or merged tag still works, but its old key should go before it is retired.
    RENAMED_TAG = ("ATLAS130", "renamed-tag", Severity.WARNING)
    # "Unknown" or "Anonymous" as a name would be cited as an author of that name.
    NO_AUTHORS_FORM = ("ATLAS131", "no-authors-form")
    # An ISBN identifies a book only if its check digit holds; a typo would match no book.
    BAD_ISBN = ("ATLAS132", "bad-isbn")
    # A web address is the only way to a paper without DOI or PMID; it must be a full one.
    BAD_URL = ("ATLAS133", "bad-url")
    # Web pages move and change; an archived copy keeps the cited version reachable.
    URL_WITHOUT_ARCHIVE = ("ATLAS134", "url-without-archive")

    def __init__(self, code: str, slug: str, severity: Severity = Severity.ERROR) -> None:
        self.code = code
        self.slug = slug
        self.severity = severity


@dataclass(frozen=True)
class Problem:
    """One located finding: the line is 1-based and counts from the top of the file."""

    rule: Rule
    line: int
    message: str
    #: 1-based column where the problem starts, when a rule knows it.
    column: int = 1

    def __str__(self) -> str:
        return f"{self.rule.code} {self.message}"
