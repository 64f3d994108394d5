"""Full-text search with Pagefind instead of Sphinx's own index.

Sphinx's indexer stems every word of every page in Python, a third of the
build at atlas scale, and ships one ``searchindex.js`` that the browser loads
whole. Pagefind indexes the built HTML in Rust and serves the index in small
chunks on demand. The extension turns Sphinx's indexer off and runs Pagefind
when the build has written HTML newer than the current search index.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import threading
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.errors import ExtensionError
from sphinx.util import logging

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


def use_pagefind(app: Sphinx) -> None:
    """``builder-inited``: no Sphinx search index when Pagefind serves search."""
    if app.config.atlas_pagefind and app.builder.format == "html":
        app.builder.search = False


def index_site(app: Sphinx, exception: Exception | None) -> None:
    """``build-finished``: (re)index the site if any page changed since the last index."""
    if exception is not None or not app.config.atlas_pagefind or app.builder.format != "html":
        return
    outdir = Path(app.outdir)
    entry = outdir / BUNDLE / "pagefind-entry.json"
    if entry.exists():
        indexed = entry.stat().st_mtime_ns
        if all(page.stat().st_mtime_ns <= indexed for page in outdir.rglob("*.html")):
            return
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


def pagefind_command(outdir: Path, bundle: str = BUNDLE) -> list[str]:
    """The Pagefind command that indexes the built site in ``outdir`` into ``bundle``."""
    command = [sys.executable, "-m", "pagefind", "--site", str(outdir)]
    command += ["--root-selector", ROOT_SELECTOR, "--output-subdir", bundle, "--silent"]
    for selector in EXCLUDE_SELECTORS:
        command += ["--exclude-selectors", selector]
    return command
