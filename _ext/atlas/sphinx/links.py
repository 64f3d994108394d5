"""Turn ``atlas:doc:`` placeholders in raw HTML into URLs the current builder serves.

Study pages and index tables are raw HTML (see :mod:`atlas.sphinx.render`);
their links to other atlas pages are resolved here, at ``doctree-resolved``,
with the builder's own relative-URI logic, and a link to a page or definition
that does not exist is reported instead of written.
"""

from __future__ import annotations

import re

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util import logging

from .data import AtlasData

logger = logging.getLogger(__name__)

PLACEHOLDER = re.compile(r"atlas:doc:(?P<doc>[^\"#\s]+)(?:#(?P<anchor>[^\"\s]*))?")


def resolve_links(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """``doctree-resolved``: rewrite the placeholders of every raw HTML node on the page."""
    atlas = AtlasData(app.env)
    for raw in doctree.findall(nodes.raw):
        text = raw.astext()
        if "atlas:doc:" not in text:
            continue

        def url(match: re.Match[str]) -> str:
            target, anchor = match["doc"], match["anchor"]
            if target not in app.env.all_docs or (anchor and not atlas.has_anchor(target, anchor)):
                logger.warning(
                    f"Link to a missing atlas page or definition: {target}"
                    + (f"#{anchor}" if anchor else ""),
                    location=docname,
                    type="atlas",
                    subtype="link",
                )
                return "#"
            uri = app.builder.get_relative_uri(docname, target)
            return f"{uri}#{anchor}" if anchor else uri

        raw[0] = nodes.Text(PLACEHOLDER.sub(url, text))


EXTERNAL_WITHOUT_REL = re.compile(r'<a class="reference external"(?! rel=)')


def external_links_keep_no_referrer(
    app: Sphinx, pagename: str, templatename: str, context: dict, doctree: object
) -> None:
    """``html-page-context``: every external link in a page body passes no referrer.

    Study pages already write ``rel`` themselves; this covers links in guide
    pages that Sphinx's own writer renders.
    """
    body = context.get("body")
    if body and 'class="reference external"' in body:
        context["body"] = EXTERNAL_WITHOUT_REL.sub(
            '<a class="reference external" rel="noopener noreferrer"', body
        )
