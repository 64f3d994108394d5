"""Sphinx extension of the ME/CFS evidence atlas.

Registers the ``{study}`` directive, the ``atlas`` domain that stores study
records per document, the generated evidence-level and tag pages, and the
``{atlas-index}`` and ``{atlas-vocabulary}`` directives that read from them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.environment import BuildEnvironment
from sphinx.errors import ConfigError

from ..model.vocabulary import DEFAULT_PATH, VocabularyError, load_vocabulary
from .book import setup_book
from .browse import add_browse_assets, write_browse_index
from .data import AtlasData, AtlasDomain
from .downloads import setup_downloads
from .exports import write_exports
from .feeds import setup_feeds
from .folderparts import setup_folder_parts
from .forking import setup_forking
from .furniture import setup_furniture
from .guard import keep_only_study_blocks, leave_out_unreadable_pages
from .guide import VocabularyDirective
from .history import load_history, reread_on_history_change
from .indexes import (
    IndexDirective,
    atlas_index,
    fill_indexes,
    index_docs_to_rewrite,
    write_index_pages,
)
from .lineage import pages_to_rewrite
from .links import external_links_keep_no_referrer
from .outputs import setup_outputs
from .parser import setup_parser
from .search import index_site, use_pagefind
from .shortcuts import setup_shortcuts
from .sources import setup_sources
from .study import StudyDirective, setup_file_checks
from .studynodes import setup_study_nodes
from .whatsnew import setup_whats_new

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


def prepare(app: Sphinx) -> None:
    """Load the vocabulary (failing loudly if it is broken) and write the index pages."""
    path = Path(app.confdir, app.config.atlas_vocabulary).resolve()
    try:
        load_vocabulary(path)
    except (OSError, VocabularyError) as error:
        raise ConfigError(f"The atlas vocabulary cannot be used: {error}") from error
    AtlasData(app.env).set_vocabulary_path(path)
    write_index_pages(app)


def reread_on_vocabulary_change(
    app: Sphinx, env: BuildEnvironment, added: set[str], changed: set[str], removed: set[str]
) -> list[str]:
    """Every page shows vocabulary labels, so a changed vocabulary re-reads them all.

    So does a new ``tags_output_dir``: guide pages name the tag pages they link to
    when they are read.
    """
    atlas = AtlasData(env)
    digest = f"{atlas.vocabulary.digest} {env.config.tags_output_dir}"
    previous = atlas.data["vocabulary_digest"]
    atlas.data["vocabulary_digest"] = digest
    return sorted(env.found_docs) if previous and previous != digest else []


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_config_value("atlas_vocabulary", DEFAULT_PATH, "env", types=frozenset({str}))
    app.add_config_value("atlas_repository_url", "", "env", types=frozenset({str}))
    app.add_config_value("atlas_repository_branch", "main", "env", types=frozenset({str}))
    app.add_config_value("atlas_guide_page", "how-the-atlas-works", "env", types=frozenset({str}))
    app.add_config_value("atlas_pagefind", True, "html", types=frozenset({bool}))
    app.add_config_value("atlas_browse_page", "browse", "env", types=frozenset({str}))
    app.add_domain(AtlasDomain)
    app.add_node(atlas_index)
    app.add_directive("study", StudyDirective)
    app.add_directive("atlas-index", IndexDirective)
    app.add_directive("atlas-vocabulary", VocabularyDirective)
    app.add_css_file("atlas.css")
    app.add_js_file("atlas-copy.js", loading_method="defer")
    app.connect("config-inited", add_static_path)
    app.connect("builder-inited", prepare)
    app.connect("builder-inited", load_history)
    app.connect("builder-inited", use_pagefind)
    app.connect("build-finished", write_exports)
    app.connect("build-finished", write_browse_index)
    app.connect("build-finished", index_site)
    app.connect("env-get-outdated", reread_on_vocabulary_change)
    app.connect("env-get-outdated", reread_on_history_change)
    app.connect("env-before-read-docs", leave_out_unreadable_pages)
    app.connect("source-read", keep_only_study_blocks)
    app.connect("env-updated", index_docs_to_rewrite)
    app.connect("env-updated", pages_to_rewrite)
    app.connect("doctree-resolved", fill_indexes)
    app.connect("html-page-context", external_links_keep_no_referrer)
    app.connect("html-page-context", add_browse_assets)
    setup_shortcuts(app)
    setup_study_nodes(app)
    setup_book(app)
    setup_folder_parts(app)
    setup_forking(app)
    setup_outputs(app)
    setup_parser(app)
    setup_sources(app)  # after setup_parser: its parser extends that one
    setup_file_checks(app)
    setup_downloads(app)
    setup_feeds(app)
    setup_furniture(app)
    setup_whats_new(app)
    return {
        "version": "0.1",
        # Bump when the stored record shape changes: old environments are then re-read.
        "env_version": 3,
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
