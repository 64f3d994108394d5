"""The extension's own CSS and scripts, and where Sphinx finds them."""

from __future__ import annotations

from pathlib import Path

from sphinx.application import Sphinx
from sphinx.config import Config

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


def setup_assets(app: Sphinx) -> None:
    app.add_css_file("atlas.css")
    app.add_js_file("atlas-copy.js", loading_method="defer")
    app.connect("config-inited", add_static_path)
