"""An Atom feed for each evidence level and each tag, beside its page and named in its head.

Each feed holds the level's or tag's :data:`FEED_LENGTH` most recently added
or updated studies, so a feed stays small at any size of the atlas. It is
written by the site feed's own writer (:func:`atlas.sphinx.exports.atom`), so
every feed is well formed whatever text a study holds. The feeds live in a
folder of their own, ``feeds/``, mirroring the pages: the feed of
``tags/<slug>.html`` is ``feeds/tags/<slug>.xml``; of ``evidence/e1.html``,
``feeds/evidence/e1.xml``. Every page names the site's feed (``atom.xml``) in
its head, and a level or tag page names its own feed first, so a feed reader
finds it from the page's address.

Like the other open-data files, a feed is rendered only when it may be out
of date (:class:`~atlas.sphinx.exports.WrittenFiles`: a study was read again,
or the feed is missing from the output or changed there), and written only
when its bytes change. A feed whose tag or level left the vocabulary is
deleted.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx

from ..model.record import Study
from .data import LEVELS_DIR, atlas_domain, builds_site
from .exports import Site, WrittenFiles, atom, newest_first, utf8

#: How many studies each level's or tag's feed holds: its most recently added or updated.
FEED_LENGTH = 20
SUFFIX = ".xml"
#: The output folder of the feeds; the build owns everything in it.
FEEDS = "feeds"


@dataclass(frozen=True)
class Feed:
    """One level's or tag's feed: its title, its file, and which studies belong in it."""

    title: str
    path: str
    belongs: Callable[[Study], bool]

    @property
    def page(self) -> str:
        """The document whose head names this feed."""
        return self.path.removeprefix(f"{FEEDS}/").removesuffix(SUFFIX)


def at_level(key: str) -> Callable[[Study], bool]:
    """Whether a study is at the evidence level ``key``: the test of that level's feed."""
    return lambda study: study.evidence == key


def tagged(key: str) -> Callable[[Study], bool]:
    """Whether a study carries the tag ``key``: the test of that tag's feed."""
    return lambda study: key in study.tags


def site_feeds(app: Sphinx) -> dict[str, Feed]:
    """Every level's and tag's feed, by its path below the site's root."""
    vocabulary = atlas_domain(app.env).vocabulary
    project = app.config.project
    feeds = [
        Feed(
            f"{project}: {level.key} {level.label}",
            f"{FEEDS}/{LEVELS_DIR}/{level.key.lower()}{SUFFIX}",
            at_level(level.key),
        )
        for level in vocabulary.evidence_levels
    ]
    feeds += [
        Feed(
            f"{project}: {tag.label}",
            f"{FEEDS}/{app.config.tags_output_dir}/{tag.key}{SUFFIX}",
            tagged(tag.key),
        )
        for tag in vocabulary.tags
    ]
    return {feed.path: feed for feed in feeds}


def write_feeds(app: Sphinx, exception: Exception | None) -> None:
    """``build-finished``: write the feeds that may differ from what the output holds."""
    if exception is not None or not builds_site(app):
        return
    atlas = atlas_domain(app.env)
    feeds = site_feeds(app)
    written = WrittenFiles(app)
    retired = _remove_retired(Path(app.outdir), feeds)
    stale = [path for path in feeds if not written.holds(path)]
    if not stale and not retired:
        return
    studies = atlas.studies()
    site = Site.of(app, studies)
    newest = newest_first(studies)
    for path in stale:
        feed = feeds[path]
        Path(app.outdir, path).parent.mkdir(parents=True, exist_ok=True)
        members = [study for study in newest if feed.belongs(study)][:FEED_LENGTH]
        written.write(path, utf8(atom(feed.title, path, members, site)))
    for path in retired:
        written.files.pop(path, None)
    written.save()


def _remove_retired(outdir: Path, feeds: dict[str, Feed]) -> list[str]:
    """Delete every file in the feeds folder that is no current feed (a retired tag's, say)."""
    retired = []
    for file in sorted((outdir / FEEDS).rglob("*")):
        path = file.relative_to(outdir).as_posix()
        if file.is_file() and path not in feeds:
            file.unlink()
            retired.append(path)
    return retired


def link_feeds(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """``html-page-context``: name the page's own feed, if it has one, and the site's feed."""
    pathto = context.get("pathto")
    if pathto is None or not builds_site(app):
        return
    links = []
    feed = _feeds_by_page(app).get(pagename)
    if feed is not None:
        links.append(_alternate(feed.title, pathto(feed.path, resource=True)))
    site_title = f"{app.config.project}: new and updated studies"
    links.append(_alternate(site_title, pathto("atom.xml", resource=True)))
    context["metatags"] = context.get("metatags", "") + "".join(links)


def _alternate(title: str, href: str) -> str:
    return (
        f'<link rel="alternate" type="application/atom+xml" title="{escape(title)}" '
        f'href="{escape(href)}" />\n'
    )


def _feeds_by_page(app: Sphinx) -> dict[str, Feed]:
    """The feeds by the page that names them, worked out once per build."""
    return atlas_domain(app.env).derived(
        "feeds-by-page", lambda: {feed.page: feed for feed in site_feeds(app).values()}
    )


def setup_feeds(app: Sphinx) -> None:
    app.connect("build-finished", write_feeds)
    app.connect("html-page-context", link_feeds)
