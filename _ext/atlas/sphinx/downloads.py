"""``{atlas-downloads}``: the open-data files at the site's root, linked from a guide page.

Guide pages hold no raw HTML, and MyST reads a Markdown link to a file that
is no page as a cross-reference, so this directive writes the table of files,
each linked relative to the page it is on (the files are written after the
build, see :mod:`atlas.sphinx.exports`).
"""

from __future__ import annotations

from html import escape

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective
from sphinx.util.osutil import relative_uri

from .render import external, internal, table

#: Each open-data file, with what it holds, in the order a reader needs them.
FILES = (
    ("studies.json", "Every study record with its id and the address of its page."),
    ("studies.schema.json", "The JSON Schema of studies.json."),
    ("studies.csv", "One row per study, for spreadsheets; list fields are joined with '; '."),
    ("atlas.bib", "BibTeX for every paper in the atlas."),
    ("atom.xml", "A feed of the newest added or updated studies."),
)


class atlas_downloads(nodes.General, nodes.Element):
    """Placeholder for the table; filled at ``doctree-resolved``, when the builder is known."""


class DownloadsDirective(SphinxDirective):
    def run(self) -> list[nodes.Node]:
        return [atlas_downloads()]


def fill_downloads(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """``doctree-resolved``: the table of files, and where the releases are."""
    for node in list(doctree.findall(atlas_downloads)):
        here = app.builder.get_target_uri(docname)
        rows = [
            [internal(relative_uri(here, name), f"<code>{escape(name)}</code>"), escape(what)]
            for name, what in FILES
        ]
        html = table(["File", "What it holds"], rows, "atlas-downloads")
        repository = app.config.atlas_repository_url.rstrip("/")
        if repository:
            releases = external(f"{repository}/releases", "the repository's releases")
            html += (
                f"\n<p>Fixed, citable snapshots of these files, each with a CHANGELOG, are "
                f"attached to {releases}.</p>"
            )
        node.replace_self(nodes.raw("", html, format="html"))


def setup_downloads(app: Sphinx) -> None:
    app.add_node(atlas_downloads)
    app.add_directive("atlas-downloads", DownloadsDirective)
    app.connect("doctree-resolved", fill_downloads)
