"""The nodes of a study page, and how each builder writes them.

The ``{study}`` directive returns two nodes of its own: :class:`study_header`
(the retraction notice and the badges, above the title) and
:class:`study_body` (everything below the title). Both carry the study's
record and its section texts, so the environment holds data, not markup.

- The HTML site (``html``, ``dirhtml``, ``singlehtml``) writes each node in
  one step from the record (:class:`atlas.sphinx.render.StudyHtml`): a study
  page as some 150 docutils nodes made the whole build slower than plain
  sphinx-design pages.
- Every other builder gets ordinary docutils nodes in their place
  (:mod:`atlas.sphinx.portable`).

Values that belong to writing (``html_baseurl``, ``tags_output_dir``, the
other studies a page links to) are read when the page is written, so
changing them and rebuilding gives what a clean build gives.
"""

from __future__ import annotations

from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util import logging
from sphinx.writers.html5 import HTML5Translator

from ..model.record import Study
from .data import atlas_domain
from .findingview import measure_links
from .render import StudyHtml
from .studyview import PageLink, Section, StudyView

logger = logging.getLogger(__name__)

#: Builders whose study pages are written straight from the record.
FAST_BUILDERS = frozenset({"html", "dirhtml", "singlehtml"})


class study_header(nodes.General, nodes.Element):
    """Above a study's title: its retraction notice, if any, and its badges."""


class study_body(nodes.General, nodes.Element):
    """Below a study's title: byline, cards, related studies, tags, metadata, citation."""


def study_parts(
    record: dict[str, Any], sections: list[Section], source: str
) -> tuple[study_header, study_body]:
    """The two nodes of a study page, sharing one record (pickled once)."""
    attributes = {"record": record, "sections": sections, "source_file": source}
    return study_header("", **attributes), study_body("", **attributes)


def view_of(env: BuildEnvironment, node: nodes.Element) -> StudyView:
    """The page's view, with the configuration as it is now, when the page is written."""
    config = env.config
    return StudyView(
        Study.from_dict(node["record"]),
        node["sections"],
        atlas_domain(env).vocabulary,
        config.atlas_guide_page,
        config.tags_output_dir,
    )


def page_url(base: str, docname: str) -> str:
    """The page's public address, when ``html_baseurl`` says where the site lives."""
    return f"{base.rstrip('/')}/{docname}.html" if base else ""


def link_resolver(translator: HTML5Translator) -> Any:
    """A function that turns a :class:`PageLink` into a URL relative to the page written.

    A link to a page or definition that does not exist is reported and
    written as ``#``, never as a broken address.
    """
    builder = translator.builder
    env = builder.env
    current = builder.current_docname
    atlas = atlas_domain(env)

    def href(link: PageLink) -> str:
        target, anchor = link.docname, link.anchor
        if target not in env.all_docs or (anchor and not atlas.has_anchor(target, anchor)):
            logger.warning(
                f"Link to a missing atlas page or definition: {target}"
                + (f"#{anchor}" if anchor else ""),
                location=current,
                type="atlas",
                subtype="link",
            )
            return "#"
        uri = builder.get_relative_uri(current, target)
        return f"{uri}#{anchor}" if anchor else uri

    return href


def visit_header_html(translator: HTML5Translator, node: study_header) -> None:
    html = StudyHtml(view_of(translator.builder.env, node), link_resolver(translator))
    translator.body.append(html.header())
    raise nodes.SkipNode


def visit_body_html(translator: HTML5Translator, node: study_body) -> None:
    # Imported here: lineage reports problems through the study module, which imports this one.
    from .lineage import related_studies

    builder = translator.builder
    env, config = builder.env, builder.config
    docname = builder.current_docname
    href = link_resolver(translator)
    html = StudyHtml(view_of(env, node), href)
    body = html.body(
        config.atlas_repository_url.rstrip("/"),
        config.atlas_repository_branch,
        node["source_file"],
        page_url(config.html_baseurl, docname),
        related_studies(env, docname),
    )
    translator.body.append(measure_links(body, lambda target: href(PageLink("", target))))
    raise nodes.SkipNode


def setup_study_nodes(app: Sphinx) -> None:
    from .portable import ExpandStudies

    html = (visit_header_html, None)
    body = (visit_body_html, None)
    app.add_node(study_header, html=html)
    app.add_node(study_body, html=body)
    app.add_post_transform(ExpandStudies)
