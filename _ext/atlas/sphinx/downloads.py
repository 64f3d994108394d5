"""``{atlas-downloads}``: every open-data file of the site, with its size and licence.

Guide pages hold no raw HTML, and MyST reads a Markdown link to a file that
is no page as a cross-reference, so this directive writes the table of files,
each linked relative to the page it is on.

The files are written after the pages (:mod:`atlas.sphinx.exports`), so a
size cannot be read from the output while the page is written. After
reading, each file's size is taken from the output when the file there is
still current, and otherwise from the bytes the exports will write, made
once and kept for them (:func:`atlas.sphinx.exports.rendered_export`). The
page holding the table is written again whenever a size changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util.docutils import SphinxDirective
from sphinx.util.osutil import relative_uri

from .data import builds_site
from .exports import EXPORTS, WrittenFiles, rendered_export
from .render import external, internal, table

CC0 = ("CC0 1.0", "https://creativecommons.org/publicdomain/zero/1.0/")
#: The page metadata field that marks a page holding the table.
MARK = "atlas-downloads"


@dataclass(frozen=True)
class OpenFile:
    #: The file's path in the site, or a pattern for a family of files.
    name: str
    what: str
    #: For a family of files, what stands in the size column; empty for one file at the
    #: site's root, whose size is shown.
    family: str = ""


#: Each open-data file, with what it holds, in the order a reader needs them.
FILES = (
    OpenFile("studies.json", "Every study record with its id and the address of its page."),
    OpenFile("studies.schema.json", "The JSON Schema of studies.json."),
    OpenFile(
        "studies.csv", "One row per study, for spreadsheets; list fields are joined with '; '."
    ),
    OpenFile(
        "findings.csv",
        "One row per structured finding (what was measured, the direction, the people, case "
        "definition, PEM and level), for your own analyses.",
    ),
    OpenFile("atlas.bib", "BibTeX for every paper in the atlas."),
    OpenFile("atom.xml", "A feed of the 50 studies added or updated most recently."),
    OpenFile(
        "studies/NAME.bib, studies/NAME.ris",
        "One study's reference, for a reference manager; its page links both files.",
        family="Two small files per study",
    ),
    OpenFile(
        "feeds/tags/NAME.xml, feeds/evidence/NAME.xml",
        "A feed of each tag's and each evidence level's 20 newest studies; the tag's or "
        "level's page names it.",
        family="One per tag and level",
    ),
)


class atlas_downloads(nodes.General, nodes.Element):
    """Placeholder for the table; filled at ``doctree-resolved``, when the builder is known."""


class DownloadsDirective(SphinxDirective):
    def run(self) -> list[nodes.Node]:
        self.env.metadata[self.env.docname][MARK] = True
        return [atlas_downloads()]


def file_size(size: int) -> str:
    """A size for people: "850 bytes", "4.2 kB", "36 kB", "1.3 MB" (1 kB is 1,000 bytes)."""
    if size < 1000:
        return f"{size:,} bytes"
    for unit, scale in (("kB", 1e3), ("MB", 1e6), ("GB", 1e9)):
        value = size / scale
        if value < 1000 or unit == "GB":
            return f"{value:.1f} {unit}" if value < 10 else f"{value:,.0f} {unit}"
    raise AssertionError("unreachable")


def export_sizes(app: Sphinx) -> dict[str, int]:
    """The size of each file at the site's root, as this build leaves it."""
    written = WrittenFiles(app)
    sizes = {}
    for name in EXPORTS:
        path = Path(app.outdir, name)
        sizes[name] = (
            path.stat().st_size if written.holds(name) else len(rendered_export(app, name))
        )
    return sizes


def pages_to_rewrite(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """``env-updated``: the pages with the table, when a size changed since they were written.

    Not in the preview (``atlas_preview``): knowing the sizes means making
    every open-data file before any page is written, about a second at 6,145
    studies, and a contributor previews pages, not file sizes. The preview's
    table keeps the sizes of the last full build, and the next ``make html``
    (which the preview always leaves to run Sphinx) brings them up to date.
    """
    if not builds_site(app) or app.config.atlas_preview:
        return []
    sizes = export_sizes(app)
    if getattr(env, "atlas_download_sizes", None) == sizes:
        return []
    # Kept with the environment: the sizes the pages now show.
    env.atlas_download_sizes = sizes  # type: ignore[attr-defined]
    return sorted(docname for docname, fields in env.metadata.items() if MARK in fields)


def fill_downloads(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """``doctree-resolved``: the table of files, and where the releases are."""
    found = list(doctree.findall(atlas_downloads))
    if not found:
        return
    sizes: dict[str, int] = getattr(app.env, "atlas_download_sizes", None) or {}
    here = app.builder.get_target_uri(docname)
    licence = external(CC0[1], CC0[0])
    rows = []
    for file in FILES:
        names = [escape(name.strip()) for name in file.name.split(",")]
        if file.family:
            shown = ", ".join(f"<code>{name}</code>" for name in names)
            size = file.family
        else:
            shown = internal(relative_uri(here, file.name), f"<code>{names[0]}</code>")
            size = file_size(sizes[file.name]) if file.name in sizes else "Not written yet"
        rows.append([shown, escape(file.what), size, licence])
    html = table(["File", "What it holds", "Size", "Licence"], rows, "atlas-downloads")
    repository = app.config.atlas_repository_url.rstrip("/")
    if repository:
        releases = external(f"{repository}/releases", "the repository's releases")
        html += (
            f"\n<p>Fixed, citable snapshots of these files, each with a CHANGELOG, are "
            f"attached to {releases}.</p>"
        )
    for node in found:
        node.replace_self(nodes.raw("", html, format="html"))


def setup_downloads(app: Sphinx) -> None:
    app.add_node(atlas_downloads)
    app.add_directive("atlas-downloads", DownloadsDirective)
    app.connect("env-updated", pages_to_rewrite)
    app.connect("doctree-resolved", fill_downloads)
