"""Study pages as ordinary docutils nodes, for every builder but the HTML site.

The HTML site writes a study page straight from its record (fast, see
:mod:`atlas.sphinx.render`). Every other builder gets the same page as
standard nodes that its writer already knows: sections with titles,
paragraphs, lists, field lists, literal blocks and references. So the text
builder writes every card, LaTeX and man pages typeset them, ePub readers see
plain XHTML, gettext extracts each card's text for translators, and linkcheck
sees every DOI and PubMed link. The nodes are made after reading, when the
builder is known, so the environment keeps only the small study nodes.
"""

from __future__ import annotations

from typing import Any, TypeVar

from docutils import nodes
from markdown_it.tree import SyntaxTreeNode
from sphinx.builders import Builder
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util.nodes import make_refnode

from .lineage import related_studies
from .render import MARKDOWN
from .studynodes import FAST_BUILDERS, page_url, study_body, study_header, view_of
from .studyview import CITE_INTRO, Date, Inline, PageLink, Related, StudyView, WebLink

#: markdown-it node types that map one to one onto docutils node types.
BLOCKS: dict[str, type[nodes.Element]] = {
    "paragraph": nodes.paragraph,
    "bullet_list": nodes.bullet_list,
    "ordered_list": nodes.enumerated_list,
    "list_item": nodes.list_item,
    "blockquote": nodes.block_quote,
    "heading": nodes.rubric,
    "em": nodes.emphasis,
    "strong": nodes.strong,
}


AnyElement = TypeVar("AnyElement", bound=nodes.Element)

#: Citations that read as sentences (the others are BibTeX and RIS records).
PROSE_CITATIONS = frozenset({"reference", "entry"})


class Located:
    """Makes nodes that say which file and line they come from (gettext needs both)."""

    def __init__(self, source: str, line: int) -> None:
        self.source = source
        self.line = line

    def __call__(self, node: AnyElement, line: int | None = None) -> AnyElement:
        node.source, node.line = self.source, line or self.line
        return node


def markdown_nodes(text: str, located: Located, first_line: int) -> list[nodes.Node]:
    """The Markdown of a card as docutils nodes, parsed as the HTML page parses it."""
    tree = SyntaxTreeNode(MARKDOWN.parse(text))
    return _convert(tree.children, located, first_line)


def _convert(children: list[SyntaxTreeNode], located: Located, first: int) -> list[nodes.Node]:
    converted: list[nodes.Node] = []
    for child in children:
        line = first + child.map[0] if child.map else None
        kind = child.type
        if kind == "inline":
            converted += _convert(child.children, located, first)
        elif kind == "text":
            converted.append(nodes.Text(child.content))
        elif kind in ("softbreak", "hardbreak"):
            converted.append(nodes.Text("\n" if kind == "hardbreak" else " "))
        elif kind == "code_inline":
            converted.append(nodes.literal(child.content, child.content))
        elif kind in ("code_block", "fence"):
            block = nodes.literal_block(child.content, child.content.rstrip("\n"))
            converted.append(located(block, line))
        elif kind == "link":
            reference = nodes.reference("", "", refuri=str(child.attrs["href"]))
            reference += _convert(child.children, located, first)
            converted.append(reference)
        elif kind == "s":
            converted += _convert(child.children, located, first)
        elif kind in BLOCKS:
            node = located(BLOCKS[kind](), line)
            node += _convert(child.children, located, first)
            if child.children and child.children[0].type == "inline":
                # What translators see in a message catalogue: the Markdown as written.
                node.rawsource = child.children[0].content
            converted.append(node)
        # A thematic break ("---") separates nothing inside a card; it is left out.
    return converted


class StudyNodes:
    """Builds the standard nodes of one study page from its view."""

    def __init__(self, view: StudyView, builder: Builder, docname: str, located: Located) -> None:
        self.view = view
        self.builder = builder
        self.docname = docname
        self.located = located

    def inline(self, part: Inline) -> nodes.Node:
        if isinstance(part, str):
            return nodes.Text(part)
        if isinstance(part, Date):
            return nodes.Text(part.text)
        if isinstance(part, WebLink):
            return nodes.reference("", part.text, refuri=part.url)
        return self.page_link(part)

    def page_link(self, link: PageLink) -> nodes.Node:
        """A link to another atlas page, where the output has pages to link to.

        An ePub keeps the site's pages; a LaTeX or man document holds only the
        pages it was given, so there the link's text stands alone.
        """
        if self.builder.format != "html" or link.docname not in self.builder.env.all_docs:
            return nodes.Text(link.text)
        return make_refnode(
            self.builder, self.docname, link.docname, link.anchor, nodes.Text(link.text), link.title
        )

    def paragraph(self, parts: list[Inline]) -> nodes.paragraph:
        node = self.located(nodes.paragraph())
        for part in parts:
            node += self.inline(part)
        node.rawsource = node.astext()
        return node

    def section(self, key: str, heading: str, *content: nodes.Node) -> nodes.section:
        section = self.located(nodes.section(ids=[f"{self.view.study.docname}-{key}"]))
        section["names"].append(key)
        section += self.located(nodes.title(heading, heading))
        for node in content:
            section += node
        return section

    def header(self) -> list[nodes.Node]:
        """The retraction notice and the badges, each badge in words."""
        found: list[nodes.Node] = []
        retraction = self.view.retraction()
        if retraction is not None:
            warning = nodes.warning()
            parts: list[Inline] = [
                f"Retracted. The journal withdrew this paper on {retraction.date.text}. "
            ]
            if retraction.notice is not None:
                parts += ["Read ", retraction.notice, ". "]
            parts.append("This page describes what the paper claimed; do not rely on its findings.")
            warning += self.paragraph(parts)
            found.append(self.located(warning))
        items = nodes.bullet_list()
        for badge in self.view.badges():
            parts = [f"{badge.text}. {badge.definition} ", badge.link]
            items += nodes.list_item("", self.paragraph(parts))
        found.append(self.located(items))
        return found

    def body(self, page_url: str, related: list[Related]) -> list[nodes.Node]:
        view = self.view
        found: list[nodes.Node] = [self.paragraph(_joined(view.byline(), " · "))]
        for card in view.cards():
            located = Located(self.located.source, card.line)
            content = markdown_nodes(card.markdown, located, card.line)
            found.append(self.section(card.key, card.heading, *content))
        if related:
            items = nodes.bullet_list()
            for other in related:
                parts: list[Inline] = [f"{other.label}: ", other.link]
                if other.year:
                    parts.append(f" ({other.year})")
                if other.retracted:
                    parts.append(" (retracted)")
                items += nodes.list_item("", self.paragraph(parts))
            found.append(self.section("lineage", "Related studies", items))
        families = view.tag_families()
        if families:
            found.append(
                self.section(
                    "tags",
                    "Tags",
                    *(
                        self.paragraph([f"{family}: ", *_joined(list(links), ", ")])
                        for family, links in families
                    ),
                )
            )
        found.append(self.section("metadata", "Metadata", self.metadata()))
        found.append(self.citations(page_url))
        text, link = view.pem_explainer()
        found.append(self.paragraph([f"About the PEM badge: {text} ", link]))
        return found

    def metadata(self) -> nodes.definition_list:
        rows: list[tuple[str, nodes.Node]] = [
            (name, self.paragraph(value)) for name, value in self.view.metadata()
        ]
        revisions = self.view.revisions(self.builder.config.atlas_repository_url)
        if revisions:
            items = nodes.enumerated_list()
            for revision in revisions:
                when: Inline = revision.date
                if revision.change:
                    when = WebLink(revision.date.text, revision.change)
                message = f": {revision.message}" if revision.message else ""
                items += nodes.list_item("", self.paragraph([when, message]))
            rows.append(("Revisions", items))
        found = self.located(nodes.definition_list())
        for name, value in rows:
            item = nodes.definition_list_item()
            item += self.located(nodes.term(name, name))
            item += nodes.definition("", value)
            found += item
        return found

    def citations(self, page_url: str) -> nodes.section:
        content: list[nodes.Node] = [self.paragraph([CITE_INTRO])]
        for cite in self.view.citations(page_url):
            content.append(self.located(nodes.rubric(cite.label, cite.label)))
            if cite.key in PROSE_CITATIONS:
                content.append(self.paragraph([cite.text]))
            else:
                content.append(self.located(nodes.literal_block(cite.text, cite.text)))
        return self.section("cite", "Cite this study", *content)


def _joined(parts: list[Any], separator: str) -> list[Any]:
    joined: list[Any] = []
    for index, part in enumerate(parts):
        if index:
            joined.append(separator)
        joined.append(part)
    return joined


class ExpandStudies(SphinxPostTransform):
    """Replace the study nodes with standard nodes for builders other than the HTML site.

    Runs before every other post-transform, so linkcheck's collector and the
    writers see the references and text as if a page had been written by hand.
    """

    default_priority = 5

    def run(self, **kwargs: Any) -> None:
        builder = self.app.builder
        if builder.name in FAST_BUILDERS:
            return
        env, config = self.env, self.config
        source = self.document["source"]
        # The environment names no current document while pages are written.
        docname = env.path2doc(source)
        if docname is None:
            return
        located = Located(source, 1)
        for header in list(self.document.findall(study_header)):
            maker = StudyNodes(view_of(env, header), builder, docname, located)
            header.replace_self(_catalogued(maker.header()))
        for body in list(self.document.findall(study_body)):
            maker = StudyNodes(view_of(env, body), builder, docname, located)
            made = maker.body(page_url(config.html_baseurl, docname), related_studies(env, docname))
            body.replace_self(_catalogued(made))


def _catalogued(made: list[nodes.Node]) -> list[nodes.Node]:
    """Let the gettext builder take the text of nodes made after reading.

    Its catalogue skips a node without the ``uid`` that versioning gives nodes
    when a page is read; an empty one is what Sphinx itself gives the
    table-of-contents nodes it extracts messages from.
    """
    for tree in made:
        for node in tree.findall(nodes.TextElement):
            node.uid = ""  # type: ignore[attr-defined]
    return made
