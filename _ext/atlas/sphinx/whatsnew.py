"""The "What's new" page: what changed since the last release, and what each release changed.

``{atlas-whats-new}`` lists, newest first, the studies added, updated,
retracted and removed since the last release tag (``vX.Y.Z``), then one section
per release. The lists come from :mod:`atlas.release`, the comparison that
writes each release's CHANGELOG, so the page and the archives always agree.

Reading the page costs a git comparison, so it is read only when the release
tags or the checked-out commit change: at ``builder-inited`` the extension
writes a digest of both into a file in the doctree folder (only when it
differs), and the page depends on that file. What each past release changed
never changes, so it is kept in the same folder by the pair of commits.
"""

from __future__ import annotations

import hashlib
import json
from html import escape
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util.docutils import SphinxDirective

from ..model.vocabulary import Vocabulary
from ..release import (
    HEADINGS,
    KINDS,
    Changes,
    Entry,
    Release,
    ReleaseError,
    Repository,
    compare,
    snapshot_of,
)
from .data import atlas_domain
from .exports import write_if_changed

#: In the doctree folder: the digest of the release tags and the commit, which the page depends on.
STATE = "atlas-releases.json"
#: In the doctree folder: what each past release changed, by "old commit..new commit".
CACHE = "atlas-release-changes.json"
#: The longest list the page shows of one kind of change; the CHANGELOG has every entry.
SHOWN = 100
STUDIES = "studies"


class whats_new(nodes.General, nodes.Element):
    """Placeholder for the page's sections; replaced with HTML at ``doctree-resolved``."""


class WhatsNewDirective(SphinxDirective):
    """``{atlas-whats-new}``: the changes since the last release, then each release's."""

    def run(self) -> list[nodes.Node]:
        self.env.note_dependency(Path(self.env.doctreedir, STATE))
        vocabulary = atlas_domain(self.env).vocabulary
        try:
            sections = release_sections(Path(self.env.srcdir, STUDIES), vocabulary, self.env)
        except ReleaseError:
            sections = None
        return [whats_new(sections=sections)]


def release_sections(
    studies: Path, vocabulary: Vocabulary, env: BuildEnvironment
) -> list[dict[str, Any]]:
    """One plain-data section per release, newest first, after the unreleased changes."""
    repository = Repository(studies)
    releases = repository.releases()
    head = repository.snapshot("HEAD", "now")
    cache_path = Path(env.doctreedir, CACHE)
    try:
        cache = json.loads(cache_path.read_text("utf-8"))
    except (OSError, ValueError):
        cache = {}
    kept = {}
    sections = []
    for previous, release in zip([None, *releases], releases, strict=False):
        key = f"{previous.commit if previous else ''}..{release.commit}"
        if key not in cache:
            old, new = snapshot_of(repository, previous), snapshot_of(repository, release)
            cache[key] = compare(old, new, vocabulary).to_dict()
        kept[key] = cache[key]
        sections.append(_section(release, previous, cache[key]))
    write_if_changed(cache_path, (json.dumps(kept, sort_keys=True) + "\n").encode("utf-8"))
    last = releases[-1] if releases else None
    unreleased = compare(snapshot_of(repository, last), head, vocabulary)
    return [_section(None, last, unreleased.to_dict()), *reversed(sections)]


def _section(
    release: Release | None, previous: Release | None, changes: dict[str, Any]
) -> dict[str, Any]:
    return {
        "version": release.version if release else "",
        "tag": release.tag if release else "",
        "date": release.date if release else "",
        "previous": previous.version if previous else "",
        "previous_date": previous.date if previous else "",
        "changes": changes,
    }


def note_release_state(app: Sphinx) -> None:
    """``builder-inited``: record the release tags and the commit; unchanged, nothing is written.

    A new tag or commit changes the file, and Sphinx then reads the What's new
    page again (it depends on the file).
    """
    try:
        repository = Repository(Path(app.srcdir, STUDIES))
        state: object = [
            repository.commit("HEAD"),
            [[r.tag, r.commit, r.date] for r in repository.releases()],
        ]
    except ReleaseError:
        state = "no git history"
    digest = hashlib.sha256(json.dumps(state).encode("utf-8")).hexdigest()
    path = Path(app.doctreedir, STATE)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_if_changed(path, (json.dumps({"digest": digest}) + "\n").encode("utf-8"))


def fill_whats_new(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """``doctree-resolved``: the sections as HTML, linking the studies that still have a page."""
    for node in list(doctree.findall(whats_new)):
        html = WhatsNewHtml(app, docname).page(node["sections"])
        node.replace_self(nodes.raw("", html, format="html"))


class WhatsNewHtml:
    def __init__(self, app: Sphinx, docname: str) -> None:
        self.app = app
        self.docname = docname
        self.repository_url = app.config.atlas_repository_url.rstrip("/")

    def page(self, sections: list[dict[str, Any]] | None) -> str:
        if sections is None:
            return (
                '<p class="atlas-count">This copy of the atlas has no git history, so its '
                "releases cannot be listed here. The published site lists them.</p>"
            )
        unreleased, *released = sections
        parts = ['<section id="since-the-last-release">', self.unreleased(unreleased)]
        parts.append("</section>")
        if not released:
            parts.append("<p>There has been no release yet.</p>")
        for section in released:
            parts += [f'<section id="release-{escape(section["version"])}">']
            parts += [self.release(section), "</section>"]
        return "\n".join(parts)

    def unreleased(self, section: dict[str, Any]) -> str:
        if section["previous"]:
            since = f"release {section['previous']} of {section['previous_date']}"
            heading = f"Since release {section['previous']}"
        else:
            since, heading = "the start of the atlas", "Since the atlas began"
        changes = Changes.from_dict(since, section["changes"])
        if not changes:
            lead = f"No study has been added, updated, retracted or removed since {since}."
            return f"<h2>{escape(heading)}</h2>\n<p>{escape(lead)}</p>"
        lead = f"Changes since {since}, not yet in a release."
        lists = self.lists(changes, "")
        return f"<h2>{escape(heading)}</h2>\n<p>{escape(lead)}</p>\n{lists}"

    def release(self, section: dict[str, Any]) -> str:
        heading = f"Release {section['version']} ({section['date']})"
        since = f"release {section['previous']}" if section["previous"] else "the start"
        text = f"Changes since {since}."
        if self.repository_url:
            url = f"{self.repository_url}/releases/tag/{section['tag']}"
            link = f'<a class="reference external" href="{escape(url)}">its open data</a>'
            text = f"{escape(text)} Download {link} and the full CHANGELOG."
        else:
            text = escape(text)
        changes = Changes.from_dict(since, section["changes"])
        listed = ", listed in the release's CHANGELOG"
        body = self.lists(changes, listed) if changes else "<p>No study changed.</p>"
        return f"<h2>{escape(heading)}</h2>\n<p>{text}</p>\n{body}"

    def lists(self, changes: Changes, more_where: str) -> str:
        """One list per kind of change, each cut at :data:`SHOWN` entries."""
        parts = []
        for kind in KINDS:
            entries: tuple[Entry, ...] = getattr(changes, kind)
            if not entries:
                continue
            items = "".join(f"<li>{self.entry(entry, kind)}</li>" for entry in entries[:SHOWN])
            more = len(entries) - SHOWN
            note = f"<p>And {more} more{escape(more_where)}.</p>" if more > 0 else ""
            parts.append(
                f'<p class="rubric">{HEADINGS[kind]} ({len(entries)})</p>\n'
                f'<ul class="atlas-whats-new">{items}</ul>{note}'
            )
        return "\n".join(parts)

    def entry(self, entry: Entry, kind: str) -> str:
        target = f"{STUDIES}/{entry.name}"
        title = escape(entry.title)
        if kind != "removed" and target in self.app.env.all_docs:
            uri = self.app.builder.get_relative_uri(self.docname, target)
            title = f'<a class="reference internal" href="{escape(uri)}">{title}</a>'
        if not entry.detail:
            return title
        return f'{title} <span class="atlas-detail">({escape(entry.detail)})</span>'


def setup_whats_new(app: Sphinx) -> None:
    app.add_node(whats_new)
    app.add_directive("atlas-whats-new", WhatsNewDirective)
    app.connect("builder-inited", note_release_state)
    app.connect("doctree-resolved", fill_whats_new)
