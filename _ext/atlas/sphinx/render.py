"""HTML for study pages and index tables, written directly instead of as docutils nodes.

A study page used to be some 150 docutils nodes that every Sphinx transform
walked; at 6,145 pages that made the build slower than plain sphinx-design
pages. The HTML site therefore writes a study page's body as one string when
the page is written (:mod:`atlas.sphinx.studynodes`). Section text goes through
markdown-it-py (raw HTML and images off, unsafe link schemes refused) when the
page is read, in parallel readers, since it depends on nothing else; every
value is escaped. What the page shows comes from
:class:`atlas.sphinx.studyview.StudyView`, which the other builders' nodes
(:mod:`atlas.sphinx.portable`) share. The small pieces of markup every page
kind uses (links, cards, tables, dates, the retraction flag, counts) are
written here once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from html import escape
from urllib.parse import quote

from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict

from ..model.markup import FULL_ADDRESS
from .searchfacts import facts_html, study_facts
from .studyview import (
    ACTIONS_INTRO,
    CITE_INTRO,
    Date,
    Inline,
    PageLink,
    Related,
    Revision,
    StudyView,
    WebLink,
)

CARD = "sd-card sd-sphinx-override sd-mb-3 sd-shadow-sm atlas-card"
EXTERNAL = 'class="reference external" rel="noopener noreferrer"'
#: After a study's title wherever studies are listed.
RETRACTED_FLAG = ' <span class="atlas-flag-retracted">Retracted</span>'


class _FullAddressesOnly(MarkdownIt):
    """Only full https://, http:// or mailto: addresses become links.

    The rule ATLAS084 reports the rest; anything else, javascript: and data:
    included, stays text.
    """

    def validateLink(self, url: str) -> bool:
        return bool(FULL_ADDRESS.match(url.strip()))


def _markdown() -> MarkdownIt:
    md = _FullAddressesOnly("commonmark", {"html": False, "typographer": True})
    md.enable(["replacements", "smartquotes", "strikethrough"])
    md.disable(["image"])  # no third-party images in a reader's browser

    # markdown-it binds render rules to the renderer, so it arrives as the first argument.
    def link_open(
        renderer: RendererHTML,
        tokens: Sequence[Token],
        index: int,
        options: OptionsDict,
        env: EnvType,
    ) -> str:
        tokens[index].attrSet("class", "reference external")
        tokens[index].attrSet("rel", "noopener noreferrer")
        return renderer.renderToken(tokens, index, options, env)

    md.add_render_rule("link_open", link_open)
    return md


MARKDOWN = _markdown()


def internal(href: str, text: str, title: str = "", css: str = "reference internal") -> str:
    tooltip = f' title="{escape(title)}"' if title else ""
    return f'<a class="{css}" href="{escape(href)}"{tooltip}>{text}</a>'


def external(url: str, text: str) -> str:
    return f'<a {EXTERNAL} href="{escape(url)}">{escape(text)}</a>'


class StudyHtml:
    """A study page's HTML, written in one step from its view (see :mod:`atlas.sphinx.studyview`).

    ``href`` turns a link to another atlas page into an address relative to
    the page being written.
    """

    def __init__(self, view: StudyView, href: Callable[[PageLink], str]) -> None:
        self.view = view
        self.href = href

    def inline(self, part: Inline) -> str:
        if isinstance(part, str):
            return escape(part)
        if isinstance(part, Date):
            return date_html(part.iso)
        if isinstance(part, WebLink):
            return external(part.url, part.text)
        return self.link(part)

    def link(self, link: PageLink, inner: str | None = None) -> str:
        """A link to another atlas page around ``inner`` (its escaped text by default)."""
        text = escape(link.text) if inner is None else inner
        return internal(self.href(link), text, link.title)

    def header(self) -> str:
        """Above the title: the retraction notice of a retracted paper, the badges, search facts."""
        facts = facts_html(study_facts(self.view.study, self.view.vocabulary))
        return self.retraction_banner() + self.badges() + facts

    def badges(self) -> str:
        """Each badge a disclosure: a tap, a click or Enter shows its definition in place.

        ``<details>`` needs no script and is announced as a button that is
        expanded or collapsed; the definition ends with a link to more.
        """
        parts = []
        for badge in self.view.badges():
            css = f"sd-badge atlas-badge atlas-{badge.kind}-{escape(badge.key.lower())}"
            name, _, value = badge.text.partition(": ")
            parts.append(
                f'<details class="atlas-badge-more"><summary class="{css}">'
                f'<span class="atlas-badge-name">{escape(name)}:</span> {escape(value)}</summary>'
                f'<p class="atlas-badge-definition">{escape(badge.definition)} '
                f"{self.link(badge.link)}</p></details>"
            )
        return (
            '<div class="atlas-badges" role="group" aria-label="Classification">'
            f"{''.join(parts)}</div>"
        )

    def retraction_banner(self) -> str:
        """Above everything else on a retracted paper's page; empty for other studies."""
        retraction = self.view.retraction()
        if retraction is None:
            return ""
        notice = f" Read {self.inline(retraction.notice)}." if retraction.notice else ""
        return (
            '<div class="atlas-retracted" role="note" aria-label="Retracted paper">'
            f"<p><strong>Retracted.</strong> The journal withdrew this paper on "
            f"{date_html(retraction.date.iso)}.{notice} "
            "This page describes what the paper claimed; do not rely on its findings.</p></div>"
        )

    def body(
        self, repository: str, branch: str, source: str, page_url: str, related: list[Related]
    ) -> str:
        """Everything below the title, in reading order."""
        parts = [self.byline()]
        parts += [self.card(card.key, card.heading, card.html) for card in self.view.cards()]
        parts += [
            self.related(related),
            self.tags(),
            self.card("metadata", "Metadata", self.metadata(repository)),
            self.citations(page_url),
            self.pem_explainer(),
            self.actions(repository, branch, source, page_url),
        ]
        return "\n".join(parts)

    def byline(self) -> str:
        separator = '<span class="atlas-sep"> · </span>'
        return f'<p class="atlas-byline">{separator.join(map(self.inline, self.view.byline()))}</p>'

    @staticmethod
    def card(key: str, heading: str, inner: str) -> str:
        return (
            f'<div class="{CARD} atlas-card-{key}" id="{key}">\n'
            '<div class="sd-card-header">'
            f'<h2 class="atlas-card-title">{escape(heading)}</h2></div>\n'
            f'<div class="sd-card-body">\n{inner}</div>\n</div>'
        )

    def related(self, related: list[Related]) -> str:
        """The lineage card: the studies this one replicates, follows up, and so on."""
        items = "".join(
            f"<li><strong>{escape(other.label)}:</strong> {self.link(other.link)}"
            + (f" ({other.year})" if other.year else "")
            + (RETRACTED_FLAG if other.retracted else "")
            + "</li>"
            for other in related
        )
        if not items:
            return ""
        return self.card("lineage", "Related studies", f'<ul class="atlas-lineage">{items}</ul>')

    def tags(self) -> str:
        families = self.view.tag_families()
        if not families:
            return ""
        lines = "".join(
            f'<p class="atlas-tag-family"><strong>{escape(family)}:</strong> '
            f"{', '.join(map(self.link, links))}</p>"
            for family, links in families
        )
        return f'<div class="atlas-tags"><h2 class="rubric">Tags</h2>\n{lines}</div>'

    def metadata(self, repository: str) -> str:
        rows = [(name, "".join(map(self.inline, value))) for name, value in self.view.metadata()]
        items = "".join(f"<dt>{name}</dt><dd><p>{value}</p></dd>" for name, value in rows)
        revisions = self.view.revisions(repository)
        if revisions:
            # Classed, so that print leaves the page's history out (see atlas.css).
            changes = "".join(map(revision_html, revisions))
            items += (
                '<dt class="atlas-history-name">Revisions</dt><dd class="atlas-history-value">'
                f'<ol class="atlas-history">{changes}</ol></dd>'
            )
        return f'<dl class="atlas-metadata">{items}</dl>\n'

    def citations(self, page_url: str) -> str:
        """The paper's reference, BibTeX and RIS, and the atlas entry's own dated line.

        Open from the start: ``atlas-copy.js`` closes it on a narrow screen,
        so without scripts it is open everywhere. Each copy button has its own
        status line beside it, which screen readers announce.
        """
        parts = "".join(
            f'<div class="atlas-cite-block"><p class="atlas-cite-label">{cite.label}</p>'
            f'<pre id="cite-{cite.key}">{escape(cite.text)}</pre>'
            f'<p class="atlas-copy-row"><button type="button" class="atlas-copy" '
            f'data-copy="cite-{cite.key}">'
            f'Copy<span class="visually-hidden"> {cite.label}</span></button> '
            '<span class="atlas-copy-status" role="status" aria-live="polite"></span></p></div>'
            for cite in self.view.citations(page_url)
        )
        # The files beside the page (atlas.sphinx.citefiles), by their bare names.
        name = escape(quote(self.view.study.docname.rsplit("/", 1)[-1]))
        downloads = (
            '<p class="atlas-cite-files">Download the reference for a reference manager: '
            f'<a href="{name}.bib" download>BibTeX file (.bib)</a>'
            '<span class="atlas-sep"> · </span>'
            f'<a href="{name}.ris" download>RIS file (.ris)</a></p>'
        )
        return (
            '<details class="atlas-cite" id="cite" open><summary>Cite this study</summary>'
            f"<p>{escape(CITE_INTRO, quote=False)}</p>{downloads}{parts}</details>"
        )

    def pem_explainer(self) -> str:
        text, link = self.view.pem_explainer()
        return (
            '<p class="atlas-pem-explainer"><strong>About the PEM badge:</strong> '
            f"{escape(text)} {self.link(link)}</p>"
        )

    def actions(self, repository: str, branch: str, source: str, page_url: str) -> str:
        report, edit = self.view.actions(repository, branch, source, page_url)
        return (
            f'<p class="atlas-actions">{escape(ACTIONS_INTRO)} '
            f'{self.inline(report)}<span class="atlas-sep"> · </span>{self.inline(edit)}</p>'
        )


def revision_html(revision: Revision) -> str:
    """A change as its date, linked to the change when the repository is known, and its message."""
    when = date_html(revision.date.iso)
    if revision.change:
        when = external_html(revision.change, when, "See this change in the repository")
    message = f": {escape(revision.message)}" if revision.message else ""
    return f"<li>{when}{message}</li>"


def external_html(url: str, inner: str, title: str) -> str:
    """A link to another site around ``inner``, HTML already escaped."""
    return f'<a {EXTERNAL} href="{escape(url)}" title="{escape(title)}">{inner}</a>'


def date_html(iso: str) -> str:
    """A date for people ("5 March 2024") that machines can read too."""
    return f'<time datetime="{iso}">{Date(iso).text}</time>'


def count_phrase(count: int, noun: str = "study", plural: str = "studies") -> str:
    """'1 study', '1,234 studies': every count on every page reads this way."""
    return f"{count:,} {noun if count == 1 else plural}"


def table(headers: Iterable[str], rows: Iterable[Iterable[str]], css: str = "") -> str:
    """An HTML table, scrollable on a phone, whose cells are already-escaped HTML."""
    classes = " ".join(["atlas-table", *css.split(), "docutils"])
    head = "".join(f"<th>{escape(header)}</th>" for header in headers)
    body = "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>\n" for row in rows)
    return (
        f'<div class="table-wrapper"><table class="{classes}">'
        f"<thead><tr>{head}</tr></thead>\n<tbody>\n{body}</tbody></table></div>"
    )
