"""Full-text search with Pagefind instead of Sphinx's own index.

Sphinx's indexer stems every word of every page in Python, a third of the
build at atlas scale, and ships one ``searchindex.js`` that the browser loads
whole. Pagefind indexes the built HTML in Rust and serves the index in small
chunks on demand. The extension turns Sphinx's indexer off and runs Pagefind
when the build has written HTML newer than the current search index.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
import threading
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.builders.html import StandaloneHTMLBuilder
from sphinx.errors import ExtensionError
from sphinx.util import logging

from ..sitebuild import output_listing
from .data import builds_site

logger = logging.getLogger(__name__)

#: What Pagefind reads of each page: the article, not the navigation around it,
#: and not the parts every study page repeats (anchors, badges, explainer, citations).
ROOT_SELECTOR = "article[role=main]"
EXCLUDE_SELECTORS = (
    ".headerlink",
    ".atlas-badges",
    ".atlas-pem-explainer",
    ".atlas-actions",
    ".atlas-cite",
)
BUNDLE = "pagefind"
#: In the doctree folder: what the search bundle was last made from, and what it holds.
INDEXED = "atlas-search.json"


def use_pagefind(app: Sphinx) -> None:
    """``builder-inited``: no Sphinx search index when Pagefind serves search."""
    builder = app.builder
    if (
        app.config.atlas_pagefind
        and builds_site(app)
        and isinstance(builder, StandaloneHTMLBuilder)
    ):
        builder.search = False


def index_site(app: Sphinx, exception: Exception | None) -> None:
    """``build-finished``: (re)index the site unless the bundle is whole and indexed these pages.

    After indexing, the list of pages indexed and of the files Pagefind wrote
    is kept beside the environment. The site is indexed again when a page was
    written, added or removed since, or when any file of the bundle is missing,
    changed or extra (an output file deleted by hand is written again).
    """
    if exception is not None or not app.config.atlas_pagefind or not builds_site(app):
        return
    outdir = Path(app.outdir)
    record = Path(app.doctreedir) / INDEXED
    now: dict[str, object] = {"pages": _pages_state(outdir)}
    try:
        last = json.loads(record.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        last = None
    # The bundle's files are listed only when no page changed (the usual no-op).
    if isinstance(last, dict) and last.get("pages") == now["pages"]:
        now["bundle"] = _bundle_state(outdir / BUNDLE)
        if last == now:
            return
    record.unlink(missing_ok=True)
    logger.info("indexing the site for search with Pagefind...")
    # Pagefind names its files by content and never deletes old ones: without
    # this, every rebuild would leave the last index's files in the bundle. The
    # old bundle (thousands of files) is deleted while Pagefind writes the new.
    old = outdir / f"{BUNDLE}.old"
    shutil.rmtree(old, ignore_errors=True)
    if (outdir / BUNDLE).exists():
        (outdir / BUNDLE).rename(old)
    cleaner = threading.Thread(target=shutil.rmtree, args=(old,), kwargs={"ignore_errors": True})
    cleaner.start()
    result = subprocess.run(pagefind_command(outdir), capture_output=True, text=True, check=False)
    cleaner.join()
    if result.returncode != 0:
        raise ExtensionError(f"Pagefind could not index the site:\n{result.stderr.strip()}")
    now["bundle"] = _bundle_state(outdir / BUNDLE)
    record.write_text(json.dumps(now, sort_keys=True), encoding="utf-8")


def _pages_state(outdir: Path) -> str:
    """A digest of every page's path, size and time: any page written since changes it."""
    pages = {
        name: state
        for name, state in output_listing(outdir).items()
        if name.endswith(".html") and not name.startswith(f"{BUNDLE}/")
    }
    return hashlib.sha256(json.dumps(pages, sort_keys=True).encode()).hexdigest()


def _bundle_state(bundle: Path) -> dict[str, str]:
    """Every file of the search bundle with its size and time, as the front end lists outputs."""
    return output_listing(bundle)


def pagefind_command(outdir: Path, bundle: str = BUNDLE) -> list[str]:
    """The Pagefind command that indexes the built site in ``outdir`` into ``bundle``."""
    command = [sys.executable, "-m", "pagefind", "--site", str(outdir)]
    command += ["--root-selector", ROOT_SELECTOR, "--output-subdir", bundle, "--silent"]
    for selector in EXCLUDE_SELECTORS:
        command += ["--exclude-selectors", selector]
    return command


def setup_search(app: Sphinx) -> None:
    app.connect("builder-inited", use_pagefind)
    # After the exports and the browse index, so the bundle is the build's last word.
    app.connect("build-finished", index_site, priority=600)
