"""The extension's own CSS and scripts, where Sphinx finds them, and which page loads what.

Sphinx, furo and sphinx-design add their files to every page. Two of them
serve only some pages: ``pygments.css`` colours highlighted code, and
sphinx-design's ``design-tabs.js`` keeps tab sets in step. A study page has
neither, so they are left out of every page whose document holds no code
block or tab set (about a sixth of a study page's bytes).
"""

from __future__ import annotations

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


def _holds(kind: type[nodes.Node]) -> Callable[[nodes.document | None], bool]:
    def check(doctree: nodes.document | None) -> bool:
        return doctree is not None and doctree.next_node(kind) is not None

    return check


#: Asset file (as Sphinx names it, below ``_static/``) -> whether a page needs it.
ONLY_WHERE_USED: dict[str, Callable[[nodes.document | None], bool]] = {
    "_static/pygments.css": _holds(nodes.literal_block),
    "_static/design-tabs.js": _holds(sd_tab_label),
}


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
    unused = {name for name, needed in ONLY_WHERE_USED.items() if not needed(doctree)}
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
