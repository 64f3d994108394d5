"""The atlas as a book: an ePub (or a text, LaTeX or man build) without the web-only pages.

Many people with ME/CFS read on e-ink readers, because bright screens worsen
their symptoms. ``make epub`` builds the same studies, indexes and guide pages
as the site into one ePub. Pages that only work on the web site (search and
browse run scripts over files the site serves; the data page links files a
book does not hold; the 404 page answers missing addresses) are left out of
every build but the site's, and so are the files only a web server needs.
"""

from __future__ import annotations

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.errors import ConfigError

from .data import builds_site

#: Files the site writes for web servers and feed readers; none belongs in a book.
SITE_FILES = ("robots.txt", "sitemap.xml", "404.xhtml")


def check_web_only_pages(app: Sphinx, config: Config) -> None:
    """``config-inited``: ``atlas_web_only_pages`` is a list of page names."""
    pages = config.atlas_web_only_pages
    if not isinstance(pages, list | tuple) or not all(isinstance(page, str) for page in pages):
        raise ConfigError(
            "atlas_web_only_pages in conf.py must be a list of page names, "
            "such as ['search', 'browse']."
        )


def leave_out_web_only_pages(app: Sphinx) -> None:
    """``builder-inited``: a build that is not the site reads no web-only page.

    Sphinx finds the documents after this event, so the pages are simply not
    there for it; links to them become plain text.
    """
    if builds_site(app):
        return
    config = app.config
    config.exclude_patterns = [
        *config.exclude_patterns,
        *(f"{page}.md" for page in config.atlas_web_only_pages),
    ]
    # Links and table-of-contents entries that lead to those pages become plain
    # text on purpose; the site build still reports every missing page.
    config.suppress_warnings = [*config.suppress_warnings, "toc.excluded", "myst.xref_missing"]
    if app.builder.name == "epub":
        config.epub_exclude_files = [*config.epub_exclude_files, *SITE_FILES]


def setup_book(app: Sphinx) -> None:
    app.add_config_value(
        "atlas_web_only_pages", ["search", "browse", "data", "404"], "env", types=frozenset({list})
    )
    app.connect("config-inited", check_web_only_pages)
    app.connect("builder-inited", leave_out_web_only_pages, priority=100)
