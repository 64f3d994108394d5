"""The output holds the pages of the current sources and nothing older.

Sphinx writes a page for every document but never deletes one: after a study
is deleted or renamed, or a tag retired, its old HTML stays in the output, is
served to readers and is indexed for search. At the end of each HTML build,
every page that belongs to no current document, and that Sphinx did not write
as one of its own pages in this build (such as ``genindex``), is removed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from weakref import WeakKeyDictionary

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.builders.html import StandaloneHTMLBuilder
from sphinx.util import logging

from .search import BUNDLE

logger = logging.getLogger(__name__)

#: Output folders of assets, never pages.
ASSET_FOLDERS = frozenset({"_static", "_images", "_downloads", "_sources", BUNDLE})

#: Per build: pages the main process rendered that are no document (genindex, search, ...).
_extra_pages: WeakKeyDictionary[Sphinx, set[str]] = WeakKeyDictionary()


def note_page(
    app: Sphinx,
    pagename: str,
    templatename: str,
    context: dict[str, Any],
    doctree: nodes.document | None,
) -> None:
    """``html-page-context``: remember every page Sphinx renders besides documents."""
    if doctree is None:
        _extra_pages.setdefault(app, set()).add(pagename)


def remove_stale_pages(app: Sphinx, exception: Exception | None) -> None:
    """``build-finished``: delete the HTML of documents that no longer exist."""
    builder = app.builder
    if (
        exception is not None
        or builder.name != "html"
        or not isinstance(builder, StandaloneHTMLBuilder)
    ):
        return
    outdir = Path(app.outdir)
    suffix = builder.out_suffix
    current = set(app.env.all_docs) | _extra_pages.pop(app, set())
    removed = []
    for page in sorted(outdir.rglob(f"*{suffix}")):
        relative = page.relative_to(outdir)
        if relative.parts[0] in ASSET_FOLDERS or not page.is_file():
            continue
        if relative.as_posix()[: -len(suffix)] not in current:
            page.unlink()
            removed.append(relative.as_posix())
            _remove_empty_folders(page.parent, outdir)
    if removed:
        logger.info(f"removed {len(removed)} page(s) of documents that no longer exist")


def _remove_empty_folders(folder: Path, outdir: Path) -> None:
    while folder != outdir and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent


def setup_outputs(app: Sphinx) -> None:
    app.connect("html-page-context", note_page)
    # Before Pagefind indexes the output (priority 500), so it never indexes an old page.
    app.connect("build-finished", remove_stale_pages, priority=400)
