"""What a study page shows, decided once for every builder.

A study page is written two ways: as HTML straight from the record, fast
(:mod:`atlas.sphinx.render`), and as ordinary docutils nodes for every other
builder (:mod:`atlas.sphinx.portable`: text, LaTeX, ePub, man, gettext,
linkcheck). Both draw from this view, which decides which badges, cards,
metadata rows and links a page has and what each says, so the two can never
show different things. It holds no markup: text is plain (each renderer
escapes it), links name their target and the renderer makes the address.
"""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass
from typing import NamedTuple
from urllib.parse import urlencode

from ..model import citation
from ..model.identifiers import doi_url
from ..model.participants import participants_of
from ..model.record import Study
from ..model.vocabulary import Vocabulary, keyed
from .data import LEVELS_DIR, term_anchor

PUBMED = "https://pubmed.ncbi.nlm.nih.gov/{}/"


@dataclass(frozen=True)
class PageLink:
    """A link to another page of the atlas (and a place on it)."""

    text: str
    docname: str
    anchor: str = ""
    #: What the target means, for a tooltip.
    title: str = ""


@dataclass(frozen=True)
class WebLink:
    """A link to another site."""

    text: str
    url: str


@dataclass(frozen=True)
class Date:
    """A calendar date, written for people ("5 March 2024") and for machines."""

    iso: str

    @property
    def text(self) -> str:
        date = datetime.date.fromisoformat(self.iso)
        return f"{date.day} {date:%B %Y}"


Inline = str | PageLink | WebLink | Date


@dataclass(frozen=True)
class Badge:
    """One classification of the study, shown at the top of its page."""

    #: Which classification: evidence, confidence, pem, design, peer-review, review.
    kind: str
    key: str
    #: The vocabulary label (with the level's code for evidence levels).
    label: str
    #: What the classification is, said in words ("Evidence").
    name: str
    #: Where the value is explained, with words that say so (shown under the definition).
    link: PageLink
    #: What the value means, from the vocabulary, to read in place.
    definition: str

    @property
    def text(self) -> str:
        """What the badge says: its name and value ("Evidence: E3 preliminary")."""
        return badge_text(self.name, self.label)


def badge_text(name: str, label: str) -> str:
    """A badge's words: what it is, then its value without repeating the name.

    "PEM required" becomes "PEM: required" and "Higher confidence" becomes
    "Confidence: higher", so the confidence "Preliminary" no longer reads like
    the evidence level "E3 Preliminary" beside it. Capitalised words are
    lowered; codes and abbreviations ("E3", "RCT") keep their capitals.
    """
    value = label
    if value.lower().startswith(name.lower() + " "):
        value = value[len(name) + 1 :]
    elif value.lower().endswith(" " + name.lower()):
        value = value[: -len(name) - 1]
    words = [
        "-".join(part.lower() if part[1:].islower() else part for part in word.split("-"))
        for word in value.split(" ")
    ]
    return f"{name}: {' '.join(words)}"


class Section(NamedTuple):
    """A section of a study page as read: its text, where the text starts, and its HTML.

    The Markdown is rendered to HTML when the page is read, in Sphinx's parallel
    readers: it depends on nothing but the text. Builders other than the HTML
    site make their own nodes from the Markdown.
    """

    key: str
    markdown: str
    line: int
    html: str


@dataclass(frozen=True)
class Card:
    """A section of the study page: its key, heading, Markdown text and first line."""

    key: str
    heading: str
    markdown: str
    line: int
    html: str


@dataclass(frozen=True)
class Retraction:
    date: Date
    notice: WebLink | None


@dataclass(frozen=True)
class Related:
    """Another study this one is linked to (it replicates it, follows it up, ...)."""

    #: The relation as read on this page ("Fails to replicate", "Not replicated by").
    label: str
    link: PageLink
    year: int | None
    retracted: bool


@dataclass(frozen=True)
class Revision:
    """One change to a study page: when, the address of the change, and what it was."""

    date: Date
    #: The commit's diff of this page in the repository; empty without a repository.
    change: str
    #: Empty unless the commit's message is about this page.
    message: str


@dataclass(frozen=True)
class Citation:
    key: str
    label: str
    text: str


#: (vocabulary table, badge kind, what the badge is) in the order badges are shown.
BADGES = (
    ("evidence_levels", "evidence", "Evidence"),
    ("confidence", "confidence", "Confidence"),
    ("pem", "pem", "PEM"),
    ("designs", "design", "Design"),
    ("peer_review", "peer-review", "Peer review"),
    ("review_status", "review", "Atlas review"),
)
CITE_INTRO = (
    "Cite the paper itself in your work. Cite the atlas entry only when you "
    "mean this page's reading of it."
)
ACTIONS_INTRO = "Spotted an error in this entry?"
#: Where the pages (Sphinx's source folder) are in the repository.
SOURCE_FOLDER = "source/"


class StudyView:
    """The parts of one study page, in reading order, as plain data."""

    def __init__(
        self,
        study: Study,
        sections: list[Section],
        vocabulary: Vocabulary,
        guide: str,
        tags_dir: str,
    ) -> None:
        self.study = study
        #: (section key, Markdown text, line of the text) as the page has them.
        self.sections = {section.key: Section(*section) for section in sections}
        self.vocabulary = vocabulary
        self.guide = guide
        self.tags_dir = tags_dir

    def term_link(self, table: str, key: str, text: str) -> PageLink:
        """A link to where a vocabulary term is explained, with its definition as title."""
        term = self.vocabulary.term(table, key)
        if table == "evidence_levels":
            return PageLink(text, f"{LEVELS_DIR}/{key.lower()}", "", term.definition)
        if table == "tags":
            return PageLink(text, f"{self.tags_dir}/{key}", "", term.definition)
        return PageLink(text, self.guide, term_anchor(table, key), term.definition)

    @staticmethod
    def more_about(table: str, key: str, name: str) -> str:
        """The words of the link under a badge's definition, which say where it leads."""
        if table == "evidence_levels":
            return f"All studies at {key}"
        return f"All {name if name.isupper() else name.lower()} values explained"

    def retraction(self) -> Retraction | None:
        study = self.study
        if not study.retracted:
            return None
        notice = study.retraction_notice
        link = WebLink("the retraction notice", doi_url(notice)) if notice else None
        return Retraction(Date(study.retracted), link)

    def badges(self) -> list[Badge]:
        study = self.study
        values = {
            "evidence_levels": study.evidence,
            "confidence": study.confidence,
            "pem": study.pem,
            "designs": study.design,
            "peer_review": study.peer_review,
            "review_status": study.review,
        }
        badges = []
        for table, kind, name in BADGES:
            key = values[table]
            if key is None:
                continue
            term = self.vocabulary.term(table, key)
            label = f"{term.key} {term.label}" if table == "evidence_levels" else term.label
            link = self.term_link(table, key, self.more_about(table, key, name))
            badges.append(Badge(kind, key, label, name, link, term.definition))
        return badges

    def byline(self) -> list[Inline]:
        study = self.study
        authors = study.byline_authors
        # A group that publishes its own report (a guideline body) is named once.
        journal = "" if study.journal == authors else study.journal
        parts: list[Inline] = [text for text in (authors, journal) if text]
        if study.year:
            parts.append(str(study.year))
        # Who took part, in words ("22 people with ME/CFS, 10 healthy controls").
        participants = participants_of(study.participants)
        if participants is not None:
            parts.append(participants.in_words)
        if study.doi:
            parts.append(WebLink(f"doi:{study.doi}", doi_url(study.doi)))
        elif not study.pmid and (study.report or study.isbn):
            # A paper without DOI or PMID is named by the identifier it has.
            parts.append(f"Report {study.report}" if study.report else f"ISBN {study.isbn}")
        return parts

    def cards(self) -> list[Card]:
        cards = []
        for spec in self.vocabulary.sections:
            section = self.sections.get(spec.key)
            if section is not None and section.markdown:
                cards.append(
                    Card(spec.key, spec.label, section.markdown, section.line, section.html)
                )
        return cards

    def tag_families(self) -> list[tuple[str, list[PageLink]]]:
        tags = keyed(self.vocabulary.tags)
        families = []
        for family in self.vocabulary.tag_families:
            keys = [key for key in self.study.tags if tags[key].family == family.key]
            if keys:
                links = [self.term_link("tags", key, tags[key].short_label) for key in keys]
                families.append((family.label, links))
        return families

    def metadata(self) -> list[tuple[str, list[Inline]]]:
        """(name, value) rows of the metadata card, revisions aside."""
        study, vocabulary = self.study, self.vocabulary
        rows: list[tuple[str, list[Inline]]] = []
        if study.doi:
            rows.append(("DOI", [WebLink(study.doi, doi_url(study.doi))]))
        if study.pmid:
            rows.append(("PMID", [WebLink(study.pmid, PUBMED.format(study.pmid))]))
        if study.isbn:
            rows.append(("ISBN", [study.isbn]))
        if study.report:
            rows.append(("Report number", [study.report]))
        if study.paper_url:
            rows.append(("Web address", [WebLink(study.paper_url, study.paper_url)]))
        if study.archive_url:
            rows.append(("Archived copy", [WebLink(study.archive_url, study.archive_url)]))
        if study.case_definition:
            definitions: list[Inline] = []
            for index, key in enumerate(study.case_definition):
                if index:
                    definitions.append(", ")
                label = vocabulary.term("case_definitions", key).label
                definitions.append(self.term_link("case_definitions", key, label))
            rows.append(("Case definition", definitions))
        if study.review:
            status = vocabulary.term("review_status", study.review).label
            if study.reviewed_by:
                status += f" by {', '.join(study.reviewed_by)}"
            rows.append(("Review status", [status]))
        if study.evidence:
            level = vocabulary.term("evidence_levels", study.evidence)
            link = self.term_link("evidence_levels", level.key, f"{level.key} {level.label}")
            rows.append(("Evidence level", [link, f": {level.definition}"]))
        if study.last_updated:
            rows.append(("Last updated", [Date(study.last_updated)]))
        return rows

    def revisions(self, repository: str) -> list[Revision]:
        """The changes to this page, newest first, each linked to its diff in the repository.

        The message is empty unless it is about this page (see :mod:`atlas.sphinx.history`).
        """
        path = f"{SOURCE_FOLDER}{self.study.docname}.md"
        anchor = hashlib.sha256(path.encode("utf-8")).hexdigest()
        repository = repository.rstrip("/")
        revisions = []
        for date, commit, message in self.study.history:
            change = f"{repository}/commit/{commit}#diff-{anchor}" if repository else ""
            revisions.append(Revision(Date(date), change, message))
        return revisions

    def citations(self, page_url: str) -> list[Citation]:
        """The paper's reference, BibTeX and RIS, and the atlas entry's own dated line."""
        study = self.study
        updated = datetime.date.fromisoformat(study.last_updated or "1970-01-01")
        return [
            Citation("reference", "The paper", citation.reference(study)),
            Citation("bibtex", "BibTeX", citation.bibtex([study]).strip()),
            Citation("ris", "RIS", citation.ris([study]).strip()),
            Citation("entry", "This atlas entry", citation.atlas_entry(study, updated, page_url)),
        ]

    def pem_explainer(self) -> tuple[str, PageLink]:
        link = PageLink("How the atlas works →", self.guide, "pem-explainer")
        return self.vocabulary.pem_explainer, link

    def actions(self, repository: str, branch: str, source: str, page_url: str) -> list[WebLink]:
        """Where to report an error in the entry, and where to edit its page."""
        docname = self.study.docname
        fields = {"template": "report-error.yml", "title": f"Error in {docname}", "study": docname}
        if page_url:
            fields["url"] = page_url
        return [
            WebLink("Report an error", f"{repository}/issues/new?{urlencode(fields)}"),
            WebLink("Edit this page", f"{repository}/edit/{branch}/{SOURCE_FOLDER}{source}"),
        ]
