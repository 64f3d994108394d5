"""The browse page's data: one compact JSON index of every study, written after the build.

The browse page (``source/browse.md`` with ``static/browse.js``) filters all
studies in the reader's browser, so it needs every study at once. At 6,145
studies the full export (``studies.json``) is too heavy for that; this index
holds only what the page shows and filters on, with every vocabulary value
written once as a label and referred to by its position. Everything comes
from the study records and the vocabulary, so nothing is defined twice.
"""

from __future__ import annotations

import json
from typing import Any

from sphinx.application import Sphinx
from sphinx.builders.html import StandaloneHTMLBuilder

from ..model.participants import participants_of, size_band, size_band_label, size_bands
from ..model.record import Study
from ..model.vocabulary import Term, Vocabulary
from .data import atlas_domain, builds_site
from .exports import WrittenFiles, utf8
from .studyview import BADGES, badge_text

BROWSE_JSON = "browse.json"
#: Bump when the shape of the index changes, so an old cached copy is not misread.
FORMAT = 2
#: The columns of one study row, in order; the page reads them by these names.
COLUMNS = (
    "path",
    "title",
    "year",
    "level",
    "pem",
    "design",
    "updated",
    "tags",
    "retracted",
    # The study-size band of the people with ME/CFS, and the measure families with findings.
    "people",
    "measured",
)


def browse_index(
    studies: list[Study], vocabulary: Vocabulary, uri_of: dict[str, str]
) -> dict[str, Any]:
    """The index as plain data: vocabulary labels once, then one short row per study.

    ``uri_of`` maps each study's document name to its URL relative to the site
    root. The part every URL shares (``studies/`` and ``.html`` for the HTML
    builder) is written once, so a row holds only what differs.
    """
    uris = [uri_of[study.docname] for study in studies]
    prefix, suffix = _shared_ends(uris)
    # Strongest findings first: the browse page sorts levels by position.
    levels = _positions(vocabulary.levels_findings_first)
    pems = _positions(vocabulary.pem)
    designs = _positions(vocabulary.designs)
    tags = _positions(vocabulary.tags)
    bands = {
        band: position for position, band in enumerate(size_bands(vocabulary.participant_rules))
    }
    measure_families = _positions(vocabulary.measure_families)
    family_of = {measure.key: measure.family for measure in vocabulary.measures}
    # Each row holds the JSON values of COLUMNS, of several types.
    rows: list[list[Any]] = []
    for study, uri in zip(studies, uris, strict=True):
        rows.append(
            [
                uri[len(prefix) : len(uri) - len(suffix)],
                study.title,
                study.year,
                levels.get(study.evidence or ""),
                pems.get(study.pem or ""),
                designs.get(study.design or ""),
                study.updated,
                sorted(tags[key] for key in study.tags if key in tags),
                1 if study.retracted else 0,
                _band(study, vocabulary, bands),
                sorted(
                    {
                        measure_families[family_of[finding.measure]]
                        for finding in study.findings
                        if finding.measure in family_of
                    }
                ),
            ]
        )
    # Newest first is the page's first view, so the rows come in that order.
    rows.sort(key=lambda row: (-(row[2] or 0), str(row[1]).lower(), row[0]))
    families = [family.key for family in vocabulary.tag_families]
    return {
        "format": FORMAT,
        "url": {"prefix": prefix, "suffix": suffix},
        "level": [[term.key, term.label] for term in vocabulary.levels_findings_first],
        "pem": [[term.key, term.label] for term in vocabulary.pem],
        "design": [[term.key, term.label] for term in vocabulary.designs],
        "families": [[family.key, family.label] for family in vocabulary.tag_families],
        "tag": [[tag.key, tag.short_label, families.index(tag.family)] for tag in vocabulary.tags],
        # What each value's badge says in the list, as on the study pages.
        "badges": badge_words(vocabulary),
        "people": [[band, size_band_label(band)] for band in bands],
        "family": [[family.key, family.label] for family in vocabulary.measure_families],
        "columns": list(COLUMNS),
        "studies": rows,
    }


def badge_words(vocabulary: Vocabulary) -> dict[str, list[str]]:
    """Per browse group, the badge text of each value, in the order of its list."""
    names = {kind: name for _, kind, name in BADGES}
    return {
        "level": [
            badge_text(names["evidence"], f"{term.key} {term.label}")
            for term in vocabulary.levels_findings_first
        ],
        "pem": [badge_text(names["pem"], term.label) for term in vocabulary.pem],
        "design": [badge_text(names["design"], term.label) for term in vocabulary.designs],
    }


def _band(study: Study, vocabulary: Vocabulary, bands: dict[str, int]) -> int | None:
    """The position of the study's size band, when it states its people with ME/CFS."""
    participants = participants_of(study.participants)
    band = size_band(participants.me_cfs if participants else None, vocabulary.participant_rules)
    return bands.get(band) if band else None


def _shared_ends(uris: list[str]) -> tuple[str, str]:
    """The folder every URL starts with and the ending (``.html``) every URL has."""
    prefix = _common_start(uris)
    prefix = prefix[: prefix.rfind("/") + 1]
    rests = [uri[len(prefix) :] for uri in uris]
    suffix = _common_start([rest[::-1] for rest in rests])[::-1]
    cut = min((suffix.find(mark) for mark in "./" if mark in suffix), default=len(suffix))
    return prefix, suffix[cut:]


def _common_start(texts: list[str]) -> str:
    """The characters every text starts with (the first and last in sort order suffice)."""
    if not texts:
        return ""
    first, last = min(texts), max(texts)
    for position, (a, b) in enumerate(zip(first, last, strict=False)):
        if a != b:
            return first[:position]
    return first[: min(len(first), len(last))]


def _positions(terms: tuple[Term, ...]) -> dict[str, int]:
    return {term.key: position for position, term in enumerate(terms)}


def write_browse_index(app: Sphinx, exception: Exception | None) -> None:
    """``build-finished``: write ``browse.json`` beside the pages, only if its bytes change.

    As with the other exports, the index is rendered only when it may be out of
    date (:class:`~atlas.sphinx.exports.WrittenFiles`).
    """
    if exception is not None or not builds_site(app):
        return
    written = WrittenFiles(app)
    if written.holds(BROWSE_JSON):
        return
    atlas = atlas_domain(app.env)
    studies = atlas.studies()
    uri_of = {study.docname: app.builder.get_target_uri(study.docname) for study in studies}
    index = browse_index(studies, atlas.vocabulary, uri_of)
    written.write(BROWSE_JSON, browse_json(index))
    written.save()


def browse_json(index: dict[str, Any]) -> bytes:
    """The index as compact UTF-8 JSON; JSON escapes control characters itself."""
    return utf8(json.dumps(index, ensure_ascii=False, separators=(",", ":"))) + b"\n"


def add_browse_assets(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: object
) -> None:
    """``html-page-context``: the browse script and styles load on the browse page only."""
    if pagename == app.config.atlas_browse_page and isinstance(app.builder, StandaloneHTMLBuilder):
        app.builder.add_css_file("browse.css")
        app.builder.add_js_file("browse.js", defer="defer")


def setup_browse(app: Sphinx) -> None:
    app.connect("html-page-context", add_browse_assets)
    app.connect("build-finished", write_browse_index)
