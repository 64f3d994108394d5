"""Lineage: typed links between studies, shown on both pages.

A page declares its own links (``:fails-to-replicate: lombardi-2009-...``); the
other page shows the link back. Both are drawn at write time from the stored
records, and ``env-updated`` asks Sphinx to rewrite every page whose links
changed, so an edit to either page keeps both right. A link to a page that
does not exist is reported at the option's line.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

from ..model.atlaswide import missing_lineage_targets
from ..model.record import Study
from ..model.vocabulary import Vocabulary, keyed
from .data import AtlasDomain, atlas_domain
from .study import warn
from .studyview import PageLink, Related

#: (label as read on this page, other docname, relation key)
Link = tuple[str, str, str]


def links_by_page(studies: list[Study], vocabulary: Vocabulary) -> dict[str, list[Link]]:
    """Every page's links, its own and those other pages make to it, in a stable order."""
    known = {study.docname for study in studies}
    relations = keyed(vocabulary.lineage)
    links: dict[str, list[Link]] = defaultdict(list)
    for study in studies:
        for relation, target in study.links():
            if target in known and target != study.docname:
                term = relations[relation]
                links[study.docname].append((term.label, target, relation))
                links[target].append((term.back_label, study.docname, relation))
    return {docname: sorted(found) for docname, found in links.items()}


def pages_to_rewrite(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """``env-updated``: report links to missing pages; return pages whose links changed."""
    atlas = atlas_domain(env)
    studies = atlas.studies()
    known = {study.docname for study in studies}
    for study in studies:
        for problem in missing_lineage_targets(study, known):
            warn(problem, study.docname)
    studies_by_doc = _by_docname(atlas)
    current = {
        # What the card shows: each link with the other study's title, year and retraction.
        docname: hashlib.sha256(
            json.dumps(
                [
                    [
                        *link,
                        studies_by_doc[link[1]].title,
                        studies_by_doc[link[1]].year,
                        bool(studies_by_doc[link[1]].retracted),
                    ]
                    for link in found
                ]
            ).encode()
        ).hexdigest()
        for docname, found in _links(atlas).items()
    }
    previous = atlas.swap("lineage", current) or {}
    changed = {
        doc for doc in current.keys() | previous.keys() if current.get(doc) != previous.get(doc)
    }
    return sorted(changed & known)


def related_studies(env: BuildEnvironment, docname: str) -> list[Related]:
    """The studies a page links to or is linked from, as its lineage card shows them."""
    atlas = atlas_domain(env)
    studies = _by_docname(atlas)
    return [
        Related(
            label,
            PageLink(studies[other].title, other),
            studies[other].year,
            bool(studies[other].retracted),
        )
        for label, other, _ in _links(atlas).get(docname, [])
    ]


def _links(atlas: AtlasDomain) -> dict[str, list[Link]]:
    return atlas.derived("lineage", lambda: links_by_page(atlas.studies(), atlas.vocabulary))


def _by_docname(atlas: AtlasDomain) -> dict[str, Study]:
    return atlas.derived("by_docname", lambda: {s.docname: s for s in atlas.studies()})


def setup_lineage(app: Sphinx) -> None:
    app.connect("env-updated", pages_to_rewrite)
