"""The extension's own CSS and scripts, where Sphinx finds them, and which page loads what.

Sphinx, furo and sphinx-design add their files to every page. Three of them
serve only some pages: ``pygments.css`` colours highlighted code,
sphinx-design's ``design-tabs.js`` keeps tab sets in step, and its
``sphinx-design.min.css`` styles its components (the cards of a study page).
Each is left out of every page that does not use it: a study page has no code
and no tabs, and the home, guide and index pages have no sphinx-design part.
Sphinx's ``sphinx_highlight.js`` serves its own search, so no page loads it
while Pagefind serves search.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx_design.tabs import sd_tab_label

STATIC = Path(__file__).parent / "static"


def add_static_path(app: Sphinx, config: Config) -> None:
    """Add the extension's CSS and scripts; relative to conf.py when below it.

    Sphinx hashes this setting into ``.buildinfo``: an absolute path would make
    two checkouts of the same sources build different bytes.
    """
    confdir = Path(app.confdir).resolve()
    static = STATIC.resolve()
    config.html_static_path.append(
        static.relative_to(confdir).as_posix() if static.is_relative_to(confdir) else str(static)
    )


#: Whether a page needs an asset, from its document and its HTML body.
Need = Callable[[nodes.document | None, str], bool]
#: An element of the page with a sphinx-design class (``sd-card``, ``sd-badge``, ...).
DESIGN_CLASS = re.compile(r'class="(?:[^"]*\s)?sd-')


def _holds(kind: type[nodes.Node]) -> Need:
    def check(doctree: nodes.document | None, body: str) -> bool:
        return doctree is not None and doctree.next_node(kind) is not None

    return check


def _uses_design(doctree: nodes.document | None, body: str) -> bool:
    """The study pages' cards and badges, written as HTML, are found in the body."""
    return DESIGN_CLASS.search(body) is not None


#: Asset file (as Sphinx names it, below ``_static/``) -> whether a page needs it.
ONLY_WHERE_USED: dict[str, Need] = {
    "_static/pygments.css": _holds(nodes.literal_block),
    "_static/design-tabs.js": _holds(sd_tab_label),
    "_static/sphinx-design.min.css": _uses_design,
}


#: Sphinx's script for its own search results, on every page while its search is on.
SEARCH_HIGHLIGHT = "_static/sphinx_highlight.js"


def _file_name(asset: object) -> str:
    """The name Sphinx gave an asset (an object with ``filename`` since Sphinx 7.2)."""
    return str(getattr(asset, "filename", asset))


def drop_unused_assets(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """``html-page-context``: leave out the assets this page does not use.

    The lists are replaced, never changed in place: Sphinx shares them between
    pages.
    """
    body = str(context.get("body", ""))
    unused = {name for name, needed in ONLY_WHERE_USED.items() if not needed(doctree, body)}
    if app.config.atlas_pagefind:
        # It marks the words of a Sphinx search (``?highlight=``); Pagefind's results
        # never link with one.
        unused.add(SEARCH_HIGHLIGHT)
    if not unused:
        return
    for key in ("css_files", "script_files"):
        if key in context:
            context[key] = [item for item in context[key] if _file_name(item) not in unused]


def setup_assets(app: Sphinx) -> None:
    app.add_css_file("atlas.css")
    app.add_js_file("atlas-copy.js", loading_method="defer")
    app.connect("config-inited", add_static_path)
    # After other extensions have added their files for the page (priority 500).
    app.connect("html-page-context", drop_unused_assets, priority=900)
