"""Sphinx extension of the ME/CFS evidence atlas.

Each feature lives in a module of its own and registers itself with its
``setup_<feature>(app)``; :data:`FEATURES` lists them in the order they are
set up, which is also the order their handlers of one event run in when they
share a priority.
"""

from __future__ import annotations

from collections.abc import Callable

from sphinx.application import Sphinx
from sphinx.util.typing import ExtensionMetadata

from .assets import setup_assets
from .book import setup_book
from .browse import setup_browse
from .citefiles import setup_cite_files
from .data import setup_storage
from .downloads import setup_downloads
from .exports import setup_exports
from .feeds import setup_feeds
from .folderparts import setup_folder_parts
from .forking import setup_forking
from .furniture import setup_furniture
from .guard import setup_guard
from .guide import setup_guide
from .history import setup_history
from .home import setup_home
from .indexes import setup_indexes
from .lineage import setup_lineage
from .links import setup_links
from .metadata import setup_metadata
from .moved import setup_moved
from .outputs import setup_outputs
from .parser import setup_parser
from .problems import setup_problems
from .search import setup_search
from .settings import setup_settings
from .shortcuts import setup_shortcuts
from .sources import setup_sources
from .study import setup_study
from .studynodes import setup_study_nodes
from .whatsnew import setup_whats_new

FEATURES: tuple[Callable[[Sphinx], None], ...] = (
    setup_settings,  # conf.py values, checked first
    setup_storage,  # the atlas domain and the vocabulary
    setup_assets,
    setup_shortcuts,
    setup_guard,  # what of a study file reaches the parser
    setup_parser,
    setup_sources,  # after setup_parser: its parser extends that one
    setup_study,
    setup_problems,  # problems of pages not read again, reported again
    setup_study_nodes,
    setup_indexes,
    setup_moved,  # old addresses of renamed tags
    setup_guide,
    setup_home,  # the home page's search box
    setup_history,
    setup_lineage,
    setup_links,
    setup_browse,
    setup_exports,
    setup_cite_files,  # each study's .bib and .ris
    setup_search,
    setup_outputs,
    setup_book,
    setup_folder_parts,
    setup_forking,
    setup_downloads,
    setup_feeds,
    setup_metadata,  # before sphinxext-opengraph reads the page's fields
    setup_furniture,
    setup_whats_new,
)


def setup(app: Sphinx) -> ExtensionMetadata:
    for feature in FEATURES:
        feature(app)
    return {
        "version": "0.1",
        # Bump when the stored record shape changes: old environments are then re-read.
        "env_version": 4,
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
