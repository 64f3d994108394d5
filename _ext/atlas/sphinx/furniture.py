"""Site furniture around the pages: the site's address, a whole sitemap, and robots.txt.

sphinx-sitemap writes ``sitemap.xml`` and sphinx-notfound-page the 404 page;
conf.py configures both, and the 404 page is written as a page of its own
(``source/404.md``), so that Sphinx rewrites it only when it changes. Three
things they leave to the site:

- **A sitemap of every page on every build.** sphinx-sitemap lists the pages
  rendered in the current build (its issue #13): after an incremental build,
  which renders only what changed, its sitemap would miss every other page.
  Its page order also follows the parallel writers' timing. Before it writes,
  the list it collected is completed with every document of the site
  (orphaned study pages included; pages left out of the site are no
  documents), less its ``sitemap_excludes``, and put in name order, so the
  file is whole and the same for the same site.
- **The 404 page's text links and content root**, which sphinx-notfound-page
  leaves relative to the site's root folder, and its search entry.
- **robots.txt.** It must name the sitemap by its full address, which follows
  from ``html_baseurl``, so it is written from that setting after the build
  (only when its text changes) rather than kept as a second copy of the
  address in a static file.
"""

from __future__ import annotations

import queue
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from docutils import nodes
from sphinx.application import Sphinx
from sphinx_sitemap import is_excluded

from .data import builds_site
from .exports import write_if_changed
from .shortcuts import runs

GITHUB = "github.com"
#: Where sphinx-sitemap keeps the queue of links it collects: an attribute it adds to the app.
SITEMAP_LINKS = "sitemap_links"


def github_pages_url(repository_url: str) -> str:
    """Where GitHub Pages publishes a repository's site: ``https://owner.github.io/name/``.

    A repository named ``owner.github.io`` is published at the root of that
    host. Anything but a GitHub repository address raises ``ValueError``: then
    set ``html_baseurl`` in conf.py to the site's address yourself.
    """
    parts = urlsplit(repository_url.strip())
    path = [part for part in parts.path.split("/") if part]
    if parts.scheme != "https" or parts.netloc.lower() != GITHUB or len(path) != 2:
        raise ValueError(
            f"{repository_url!r} is not a GitHub repository address such as "
            "https://github.com/owner/name; set html_baseurl in conf.py yourself"
        )
    owner, name = path[0].lower(), path[1].removesuffix(".git")
    host = f"{owner}.github.io"
    return f"https://{host}/" if name.lower() == host else f"https://{host}/{name}/"


def complete_sitemap(app: Sphinx, exception: Exception | None) -> None:
    """``build-finished``, before sphinx-sitemap writes: every page of the site, in order.

    sphinx-sitemap collects its links in a queue served by a process of its
    own (so that parallel writers can add to it), where every entry costs a
    round trip. The few it collected are taken out, and a queue in this
    process, holding every page's link in name order, takes its place.
    """
    if exception is not None or not builds_site(app) or not runs(app.config, "complete_sitemap"):
        return
    collected = getattr(app, SITEMAP_LINKS, None)
    if collected is None:  # sphinx-sitemap is not in the build
        return
    excludes = app.config.sitemap_excludes
    uris = (app.builder.get_target_uri(docname) for docname in app.env.all_docs)
    links: dict[str, str | None] = {uri: None for uri in uris if not is_excluded(uri, excludes)}
    # What the pages written in this build gave (their last-change times, if shown).
    links |= dict(_drain(collected))
    ordered: queue.Queue[tuple[str, str | None]] = queue.Queue()
    for link in sorted(links):
        ordered.put((link, links[link]))
    setattr(app, SITEMAP_LINKS, ordered)


def collect_links_locally(app: Sphinx) -> None:
    """``builder-inited``, after sphinx-sitemap's: its per-page links stay in each process.

    sphinx-sitemap hands every written page's link to a queue in a server
    process of its own, one round trip per page from every parallel writer
    (about 3 s of writers' time at 6,145 studies). The completion above lists
    every page from the environment anyway, so without last-change dates the
    per-page links add nothing, and a queue of the process's own takes them.
    """
    if (
        builds_site(app)
        and runs(app.config, "complete_sitemap")
        and not app.config.sitemap_show_lastmod
        and hasattr(app, SITEMAP_LINKS)
    ):
        setattr(app, SITEMAP_LINKS, queue.Queue())


def _drain(links: queue.Queue[tuple[str, str | None]]) -> list[tuple[str, str | None]]:
    drained: list[tuple[str, str | None]] = []
    while True:
        try:
            drained.append(links.get_nowait())
        except queue.Empty:
            return drained


def root_based_404_links(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """``doctree-resolved``: the 404 page's own links start from the site's root path.

    sphinx-notfound-page does this for the page's navigation, styles and
    scripts but leaves the links in the text of a 404 page written as a
    document (``source/404.md``) relative to the site's root folder.
    """
    if docname != getattr(app.config, "notfound_pagename", None):
        return
    prefix = app.config.notfound_urls_prefix or "/"
    for reference in doctree.findall(nodes.reference):
        uri = reference.get("refuri", "")
        if uri and not urlsplit(uri).scheme and not uri.startswith(("/", "#")):
            reference["refuri"] = prefix + uri


def root_based_404_page(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """``html-page-context``: the rest of what makes the 404 page work at any depth.

    Its ``data-content_root``, which Sphinx's scripts resolve their files
    from, starts from the site's root path too, and its text is kept out of
    the search index (Pagefind indexes every page it finds).
    """
    if pagename != getattr(app.config, "notfound_pagename", None):
        return
    if app.config.notfound_urls_prefix:
        context["content_root"] = app.config.notfound_urls_prefix
    if "body" in context:
        context["body"] = f'<div data-pagefind-ignore="all">{context["body"]}</div>'


def robots_txt(base_url: str, sitemap: str) -> str:
    """Every crawler may read every page; the sitemap lists them."""
    lines = ["# Written by the atlas build from html_baseurl in conf.py.", "User-agent: *"]
    lines.append("Allow: /")
    if base_url:
        lines += ["", f"Sitemap: {base_url.rstrip('/')}/{sitemap}"]
    return "\n".join(lines) + "\n"


def write_robots_txt(app: Sphinx, exception: Exception | None) -> None:
    """``build-finished``: robots.txt at the site's root, rewritten only when its text changes."""
    if exception is not None or not builds_site(app):
        return
    sitemap = getattr(app.config, "sitemap_filename", "sitemap.xml")
    text = robots_txt(app.config.html_baseurl, sitemap)
    write_if_changed(Path(app.outdir, "robots.txt"), text.encode("utf-8"))


def setup_furniture(app: Sphinx) -> None:
    # sphinx-sitemap writes at the default priority (500).
    app.connect("builder-inited", collect_links_locally, priority=600)
    app.connect("build-finished", complete_sitemap, priority=450)
    app.connect("build-finished", write_robots_txt)
    app.connect("doctree-resolved", root_based_404_links)
    app.connect("html-page-context", root_based_404_page)
