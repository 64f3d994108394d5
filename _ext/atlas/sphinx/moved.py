"""Pages for renamed or merged tags: the old address still leads to the tag that replaced it.

A tag's page is at ``tags/<key>.html``, and readers keep links and bookmarks to
it. When ``source/vocabulary.yaml`` renames or merges a tag (``renamed_tags``),
the index writer keeps a small page at the old address (:func:`moved_page`)
that says where the tag went and links there, and this module makes the
browser go on by itself (a ``refresh`` meta tag), asks search engines not to
index it (``robots: noindex``) and keeps it out of the site search and the
sitemap: readers should find the new tag, never the signpost.
"""

from __future__ import annotations

from html import escape
from typing import Any

from sphinx.application import Sphinx

from ..model.markup import markdown_literal
from ..sitebuild import GENERATED_NOTE
from .data import atlas_domain, builds_site

#: How long a reader sees the signpost before the browser moves on, in seconds. Not 0: a
#: reader with a screen reader hears where the tag went before the page changes.
REFRESH_SECONDS = 3


def moved_page(old_key: str, new_key: str, new_label: str) -> str:
    """The Markdown of the page at a renamed tag's old address."""
    return (
        f"---\norphan: true\n---\n{GENERATED_NOTE}\n\n# This tag has moved\n\n"
        f"The tag `{old_key}` is now [{markdown_literal(new_label)}]({new_key}.md). "
        "Its studies are listed there.\n"
    )


def moved_pages(app: Sphinx) -> dict[str, str]:
    """The docname of each renamed tag's old page, with the docname of the new tag's page."""
    folder = app.config.tags_output_dir
    return atlas_domain(app.env).derived(
        "moved-tags",
        lambda: {
            f"{folder}/{old.key}": f"{folder}/{old.replaced_by}"
            for old in atlas_domain(app.env).vocabulary.renamed_tags
        },
    )


def redirect_moved_tag(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """``html-page-context``: an old tag page moves the browser on and stays out of search."""
    target = moved_pages(app).get(pagename)
    pathto = context.get("pathto")
    if target is None or pathto is None or not builds_site(app):
        return
    url = escape(pathto(target), quote=True)
    context["metatags"] = (
        context.get("metatags", "")
        + f'<meta http-equiv="refresh" content="{REFRESH_SECONDS}; url={url}" />\n'
        + '<meta name="robots" content="noindex" />\n'
    )
    if "body" in context:
        context["body"] = f'<div data-pagefind-ignore="all">{context["body"]}</div>'


def exclude_moved_from_sitemap(app: Sphinx) -> None:
    """``builder-inited``: the old tag pages are left out of ``sitemap.xml``."""
    if not hasattr(app.config, "sitemap_excludes"):
        return
    suffix = getattr(app.builder, "out_suffix", ".html")
    folder = app.config.tags_output_dir
    moved = [f"{folder}/{old.key}{suffix}" for old in atlas_domain(app.env).vocabulary.renamed_tags]
    excludes = list(app.config.sitemap_excludes)
    app.config.sitemap_excludes = excludes + [page for page in moved if page not in excludes]


def setup_moved(app: Sphinx) -> None:
    app.connect("builder-inited", exclude_moved_from_sitemap)
    app.connect("html-page-context", redirect_moved_tag)
