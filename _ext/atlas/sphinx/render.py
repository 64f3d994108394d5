"""HTML for study pages and index tables, written directly instead of as docutils nodes.

A study page used to be some 150 docutils nodes that every Sphinx transform
walked; at 6,145 pages that made the build slower than plain sphinx-design
pages. Here the page body is one raw HTML string: section text goes through
markdown-it-py (raw HTML and images off, unsafe link schemes refused), and
every value is escaped. Links to other atlas pages are written as
``atlas:doc:DOCNAME#ANCHOR`` and turned into relative URLs by the resolver in
:mod:`atlas.sphinx.links`, which knows the builder.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from html import escape
from urllib.parse import urlencode

from markdown_it import MarkdownIt

from ..model import citation
from ..model.identifiers import doi_url
from ..model.markup import FULL_ADDRESS
from ..model.record import Study
from ..model.studyblock import StudyBlock
from ..model.vocabulary import Vocabulary
from .data import LEVELS_DIR, term_anchor

CARD = "sd-card sd-sphinx-override sd-mb-3 sd-shadow-sm atlas-card"
#: Where lineage links go in a study body; replaced at write time (see lineage.py).
LINEAGE_MARKER = "<!-- atlas:lineage -->"
EXTERNAL = 'class="reference external" rel="noopener noreferrer"'


def _markdown() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "typographer": True})
    md.enable(["replacements", "smartquotes", "strikethrough"])
    md.disable(["image"])  # no third-party images in a reader's browser

    # Only full https://, http:// or mailto: addresses become links (the rule ATLAS084
    # reports the rest); anything else, javascript: and data: included, stays text.
    md.validateLink = lambda url: bool(FULL_ADDRESS.match(url.strip()))

    # markdown-it binds render rules to the renderer, so it arrives as the first argument.
    def link_open(renderer, tokens, index, options, env):
        tokens[index].attrSet("class", "reference external")
        tokens[index].attrSet("rel", "noopener noreferrer")
        return renderer.renderToken(tokens, index, options, env)

    md.add_render_rule("link_open", link_open)
    return md


MARKDOWN = _markdown()


def doc_link(docname: str, anchor: str = "") -> str:
    """A placeholder URL for another atlas page, resolved per builder at write time."""
    return f"atlas:doc:{docname}" + (f"#{anchor}" if anchor else "")


def internal(href: str, text: str, title: str = "", css: str = "reference internal") -> str:
    tooltip = f' title="{escape(title)}"' if title else ""
    return f'<a class="{css}" href="{escape(href)}"{tooltip}>{text}</a>'


def external(url: str, text: str) -> str:
    return f'<a {EXTERNAL} href="{escape(url)}">{escape(text)}</a>'


class StudyHtml:
    """The parts of one study page, as HTML strings, in reading order."""

    def __init__(
        self,
        study: Study,
        block: StudyBlock,
        vocabulary: Vocabulary,
        guide: str,
        tags_dir: str,
    ) -> None:
        self.study = study
        self.block = block
        self.vocabulary = vocabulary
        self.guide = guide
        self.tags_dir = tags_dir

    def term_link(self, table: str, key: str, text: str, css: str = "reference internal") -> str:
        term = self.vocabulary.term(table, key)
        if table == "evidence_levels":
            href = doc_link(f"{LEVELS_DIR}/{key.lower()}")
        elif table == "tags":
            href = doc_link(f"{self.tags_dir}/{key}")
        else:
            href = doc_link(self.guide, term_anchor(table, key))
        return internal(href, text, term.definition, css)

    def badges(self) -> str:
        study = self.study
        parts = []
        for table, key, kind in (
            ("evidence_levels", study.evidence, "evidence"),
            ("confidence", study.confidence, "confidence"),
            ("pem", study.pem, "pem"),
            ("designs", study.design, "design"),
            ("peer_review", study.peer_review, "peer-review"),
            ("review_status", study.review, "review"),
        ):
            if key is None:
                continue
            term = self.vocabulary.term(table, key)
            label = f"{term.key} {term.label}" if table == "evidence_levels" else term.label
            badge = (
                f'<span class="sd-badge atlas-badge atlas-{kind}-{escape(key.lower())}">'
                f"{escape(label)}</span>"
            )
            parts.append(self.term_link(table, key, badge))
        return f'<p class="atlas-badges" aria-label="Classification">{" ".join(parts)}</p>'

    def retraction_banner(self) -> str:
        """Above everything else on a retracted paper's page; empty for other studies."""
        study = self.study
        if not study.retracted:
            return ""
        date = datetime.date.fromisoformat(study.retracted)
        notice = ""
        if study.retraction_notice:
            link = external(doi_url(study.retraction_notice), "the retraction notice")
            notice = f" Read {link}."
        return (
            '<div class="atlas-retracted" role="note" aria-label="Retracted paper">'
            f"<p><strong>Retracted.</strong> The journal withdrew this paper on "
            f'<time datetime="{date.isoformat()}">{date.day} {date:%B %Y}</time>.{notice} '
            "This page describes what the paper claimed; do not rely on its findings.</p></div>"
        )

    def body(self, repository: str, branch: str, source: str, page_url: str) -> str:
        parts = [self.byline()]
        for spec in self.vocabulary.sections:
            text = self.block.sections.get(spec.key)
            if text is not None and text.text:
                parts.append(self.card(spec.key, spec.label, MARKDOWN.render(text.text)))
        parts += [
            # Filled at write time: lineage links, including those other pages make here.
            LINEAGE_MARKER,
            self.tags(),
            self.card("metadata", "Metadata", self.metadata()),
            self.citations(page_url),
            self.pem_explainer(),
            self.actions(repository, branch, source, page_url),
        ]
        return "\n".join(part for part in parts if part)

    def byline(self) -> str:
        study = self.study
        parts = [escape(text) for text in (study.byline_authors, study.journal) if text]
        if study.year:
            parts.append(str(study.year))
        if study.doi:
            parts.append(external(doi_url(study.doi), f"doi:{study.doi}"))
        separator = '<span class="atlas-sep"> · </span>'
        return f'<p class="atlas-byline">{separator.join(parts)}</p>'

    @staticmethod
    def card(key: str, heading: str, inner: str) -> str:
        return (
            f'<div class="{CARD} atlas-card-{key}" id="{key}">\n'
            '<div class="sd-card-header">'
            f'<h2 class="atlas-card-title">{escape(heading)}</h2></div>\n'
            f'<div class="sd-card-body">\n{inner}</div>\n</div>'
        )

    def tags(self) -> str:
        if not self.study.tags:
            return ""
        tags = self.vocabulary.table("tags")
        lines = []
        for family in self.vocabulary.tag_families:
            keys = [key for key in self.study.tags if tags[key].family == family.key]
            if keys:
                links = ", ".join(
                    self.term_link("tags", key, escape(tags[key].short_label)) for key in keys
                )
                lines.append(
                    f'<p class="atlas-tag-family"><strong>{escape(family.label)}:</strong> '
                    f"{links}</p>"
                )
        return f'<div class="atlas-tags"><h2 class="rubric">Tags</h2>\n{"".join(lines)}</div>'

    def metadata(self) -> str:
        study, vocabulary = self.study, self.vocabulary
        rows: list[tuple[str, str]] = []
        if study.doi:
            rows.append(("DOI", external(doi_url(study.doi), study.doi)))
        if study.pmid:
            rows.append(
                ("PMID", external(f"https://pubmed.ncbi.nlm.nih.gov/{study.pmid}/", study.pmid))
            )
        if study.case_definition:
            rows.append(
                (
                    "Case definition",
                    ", ".join(
                        self.term_link(
                            "case_definitions",
                            key,
                            escape(vocabulary.term("case_definitions", key).label),
                        )
                        for key in study.case_definition
                    ),
                )
            )
        if study.review:
            status = escape(vocabulary.term("review_status", study.review).label)
            if study.reviewed_by:
                status += f" by {escape(', '.join(study.reviewed_by))}"
            rows.append(("Review status", status))
        if study.evidence:
            level = vocabulary.term("evidence_levels", study.evidence)
            link = self.term_link(
                "evidence_levels", level.key, escape(f"{level.key} {level.label}")
            )
            rows.append(("Evidence level", f"{link}: {escape(level.definition)}"))
        if study.last_updated:
            rows.append(("Last updated", _date(study.last_updated)))
        if study.history:
            revisions = "".join(
                f"<li>{_date(date)}: {escape(subject)}</li>" for date, subject in study.history
            )
            rows.append(("Revisions", f'<ol class="atlas-history">{revisions}</ol>'))
        items = "".join(f"<dt>{name}</dt><dd><p>{value}</p></dd>" for name, value in rows)
        return f'<dl class="atlas-metadata">{items}</dl>\n'

    def citations(self, page_url: str) -> str:
        """The paper's reference, BibTeX and RIS, and the atlas entry's own dated line."""
        study = self.study
        updated = datetime.date.fromisoformat(study.last_updated or "1970-01-01")
        blocks = [
            ("reference", "The paper", citation.reference(study)),
            ("bibtex", "BibTeX", citation.bibtex([study]).strip()),
            ("ris", "RIS", citation.ris([study]).strip()),
            ("entry", "This atlas entry", citation.atlas_entry(study, updated, page_url)),
        ]
        parts = "".join(
            f'<div class="atlas-cite-block"><p class="atlas-cite-label">{label}</p>'
            f'<pre id="cite-{key}">{escape(text)}</pre>'
            f'<button type="button" class="atlas-copy" data-copy="cite-{key}">'
            f'Copy<span class="visually-hidden"> {label}</span></button></div>'
            for key, label, text in blocks
        )
        return (
            '<details class="atlas-cite" id="cite"><summary>Cite this study</summary>'
            "<p>Cite the paper itself in your work. Cite the atlas entry only when you "
            f'mean this page\'s reading of it.</p>{parts}<p class="atlas-copy-status" '
            'role="status" aria-live="polite"></p></details>'
        )

    def pem_explainer(self) -> str:
        link = internal(doc_link(self.guide, "pem-explainer"), "How the atlas works →")
        return (
            '<p class="atlas-pem-explainer"><strong>About the PEM badge:</strong> '
            f"{escape(self.vocabulary.pem_explainer)} {link}</p>"
        )

    def actions(self, repository: str, branch: str, source: str, page_url: str) -> str:
        docname = self.study.docname
        fields = {"template": "report-error.yml", "title": f"Error in {docname}", "study": docname}
        if page_url:
            fields["url"] = page_url
        query = urlencode(fields)
        report = external(f"{repository}/issues/new?{query}", "Report an error")
        edit = external(f"{repository}/edit/{branch}/source/{source}", "Edit this page")
        return (
            '<p class="atlas-actions">Spotted an error in this entry? '
            f'{report}<span class="atlas-sep"> · </span>{edit}</p>'
        )


def _date(iso: str | None) -> str:
    if not iso:
        return ""
    date = datetime.date.fromisoformat(iso)
    return f'<time datetime="{date.isoformat()}">{date.day} {date:%B %Y}</time>'


def table(headers: Iterable[str], rows: Iterable[Iterable[str]], css: str) -> str:
    """An HTML table whose cells are already-escaped HTML."""
    head = "".join(f"<th>{escape(header)}</th>" for header in headers)
    body = "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>\n" for row in rows)
    return (
        f'<div class="table-wrapper"><table class="atlas-table {css} docutils">'
        f"<thead><tr>{head}</tr></thead>\n<tbody>\n{body}</tbody></table></div>"
    )
