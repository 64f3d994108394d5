"""Evidence-level and tag indexes: generated pages, their tables, and their freshness.

Each level and each vocabulary tag gets a small generated page (written only
when its text changes, so a no-op build rewrites nothing in ``source/``). The
pages hold an ``{atlas-index}`` placeholder that is filled from the study
records at ``doctree-resolved``. After reading, ``env-updated`` compares what
every index page would show with what it showed when last written and asks
Sphinx to rewrite exactly the pages whose rows changed.
"""

from __future__ import annotations

import hashlib
import json
from html import escape
from pathlib import Path
from typing import TypeVar

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from ..model.atlaswide import Identity, atlas_problems
from ..model.identifiers import doi_url
from ..model.markup import markdown_literal
from ..model.record import Study
from ..model.rules import Problem, Rule
from ..model.vocabulary import Vocabulary, keyed
from ..sitebuild import GENERATED_MANIFEST, GENERATED_NOTE, generated_pages
from . import home, rows
from .data import LEVELS_DIR, AtlasDomain, atlas_domain, builds_site
from .findingview import MEASURES_DIR
from .ledger import SynthesisHtml
from .moved import moved_page
from .problems import RULES, warn
from .render import RETRACTED_FLAG, count_phrase, date_html, external, internal, table
from .studyview import BADGES
from .synthesis import Glance, LedgerRow, MapCell, MeasureCount

logger = logging.getLogger(__name__)

STUDIES_DIR = "studies"
#: Before a value in a study table, shown on a phone where the table's header is not:
#: each value then says what it is, as the study page's badges do ("Design: RCT").
CELL_NAMES = {
    kind: f'<span class="atlas-cell-name">{escape(name)}: </span>' for _, kind, name in BADGES
}


class atlas_index(nodes.General, nodes.Element):
    """Placeholder for an index table; replaced at ``doctree-resolved``."""


class IndexDirective(SphinxDirective):
    """``{atlas-index} KIND [KEY]``: levels, tags, level E1, tag SLUG, or a home-page figure."""

    required_arguments = 1
    optional_arguments = 1

    def run(self) -> list[nodes.Node]:
        kind = self.arguments[0]
        key = self.arguments[1] if len(self.arguments) > 1 else ""
        if kind not in rows.ROWS:
            logger.warning(
                f"Unknown index {kind!r}; use one of {', '.join(rows.ROWS)}.",
                location=self.get_location(),
                type="atlas",
                subtype="index",
            )
            return []
        atlas_domain(self.env).add_index(self.env.docname, kind, key)
        return [atlas_index(kind=kind, key=key)]


# -- generated pages -----------------------------------------------------------------


def write_index_pages(app: Sphinx) -> None:
    """Write one page per evidence level and per tag; delete pages of retired terms."""
    vocabulary = atlas_domain(app.env).vocabulary
    levels = {
        f"{level.key.lower()}.md": _page(f"{level.key} {level.label}", "level", level.key)
        for level in vocabulary.evidence_levels
    }
    tags = {f"{tag.key}.md": _tag_page(tag.label, tag.key) for tag in vocabulary.tags}
    measures = {f"{m.key}.md": _page(m.label, "measure", m.key) for m in vocabulary.measures}
    labels = {tag.key: tag.label for tag in vocabulary.tags}
    for old in vocabulary.renamed_tags:  # the old address of a renamed tag leads to the new one
        tags[f"{old.key}.md"] = moved_page(old.key, old.replaced_by, labels[old.replaced_by])
    written = [
        *_sync_folder(app, LEVELS_DIR, levels),
        *_sync_folder(app, app.config.tags_output_dir, tags),
        *_sync_folder(app, MEASURES_DIR, measures),
    ]
    # The build front end (atlas.sitebuild) records these pages as the build left
    # them, rather than as inputs a contributor wrote. Pages the last build wrote
    # that this one did not (the old folder after tags_output_dir changed) go.
    for name in set(generated_pages(Path(app.doctreedir))) - set(written):
        page = Path(app.srcdir, name)
        page.unlink(missing_ok=True)
        if page.parent.is_dir() and not any(page.parent.iterdir()):
            page.parent.rmdir()
    manifest = Path(app.doctreedir, GENERATED_MANIFEST)
    manifest.parent.mkdir(parents=True, exist_ok=True)
    manifest.write_text(json.dumps(sorted(written), indent=0), encoding="utf-8")


def _tag_page(title: str, key: str) -> str:
    """A tag's page: its evidence at a glance (atlas.sphinx.synthesis), then its studies."""
    return _page(title, "tag-glance", key) + f"\n```{{atlas-index}} tag {key}\n```\n"


def _page(title: str, kind: str, key: str) -> str:
    front_matter = "---\norphan: true\n---\n"
    heading = f"# {markdown_literal(title)}"
    return f"{front_matter}{GENERATED_NOTE}\n\n{heading}\n\n```{{atlas-index}} {kind} {key}\n```\n"


def _sync_folder(app: Sphinx, name: str, pages: dict[str, str]) -> list[str]:
    """Make the folder hold exactly ``pages``; return their paths below the source folder.

    Only pages whose text differs are written, so Sphinx re-reads nothing on a
    no-op build. A retired term's page is deleted, and Sphinx then treats it as
    a removed document.
    """
    folder = Path(app.srcdir, name)
    # A link here (reported as ATLAS092) is replaced, never written through: it
    # could lead to a file outside the repository.
    if folder.is_symlink():
        folder.unlink()
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.iterdir():
        if stale.name not in pages and (stale.is_symlink() or stale.is_file()):
            stale.unlink()
    for page, text in pages.items():
        path = folder / page
        if path.is_symlink():
            path.unlink()
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
    return [f"{name}/{page}" for page in pages]


# -- freshness and atlas-wide checks -------------------------------------------------


def index_rows(atlas: AtlasDomain, kind: str, key: str) -> list[rows.Row]:
    """The rows of one index, computed once per build for its signature and its page."""
    return atlas.derived(
        f"rows:{kind}:{key}", lambda: rows.ROWS[kind](atlas.studies(), atlas.vocabulary, key)
    )


def index_docs_to_rewrite(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """``env-updated``: the index pages whose rows differ from their last written state."""
    atlas = atlas_domain(env)
    _check_atlas(env, atlas, atlas.studies())
    signatures = {}
    for docname, placeholders in sorted(atlas.indexes().items()):
        rows = [index_rows(atlas, kind, key) for kind, key in placeholders]
        encoded = json.dumps([placeholders, rows], sort_keys=True).encode()
        signatures[docname] = hashlib.sha256(encoded).hexdigest()
    previous = atlas.swap("signatures", signatures) or {}
    return sorted(doc for doc, digest in signatures.items() if previous.get(doc) != digest)


def _check_atlas(env: BuildEnvironment, atlas: AtlasDomain, studies: list[Study]) -> None:
    """Rules that look across pages, on every build: every study page has a study, no
    paper or name twice, no title that looks like another (advice), as ``atlas check``."""
    for docname in sorted(env.found_docs):
        if docname.startswith(f"{STUDIES_DIR}/") and not atlas.has_study(docname):
            warn(
                Problem(
                    Rule.NO_STUDY_BLOCK,
                    1,
                    "This page is in studies/ but has no {study} block. Copy the layout "
                    "from _templates/study.md.",
                ),
                docname,
            )
    identities = [
        Identity(
            s.docname,
            env.doc2path(s.docname),
            s.title,
            s.doi,
            s.pmid,
            s.line,
            s.option_lines.get("title", 0),
            isbn=s.isbn,
            report=s.report,
            paper_url=s.paper_url,
        )
        for s in studies
    ]
    # Comparing titles takes a fifth of a second at 6,145 studies, so the findings are
    # kept with the environment and worked out again only when an identity changed
    # (this digest takes 0.03 s).
    encoded = json.dumps(
        [(i.docname, i.title, i.doi, i.pmid, i.line, i.title_line) for i in identities]
    ).encode()
    found = atlas.kept(
        "atlaswide",
        hashlib.sha256(encoded).hexdigest(),
        lambda: [
            (page.docname, problem.rule.code, problem.line, problem.message)
            for page, problem in atlas_problems(identities)
        ],
    )
    for docname, code, line, message in found:
        warn(Problem(RULES[code], line, message), docname)


# -- filling the placeholders --------------------------------------------------------


def fill_indexes(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """``doctree-resolved``: replace each placeholder with its table, as HTML."""
    placeholders = list(doctree.findall(atlas_index))
    if not placeholders:
        return
    atlas = atlas_domain(app.env)
    render = IndexRenderer(app, docname, atlas.vocabulary)
    for node in placeholders:
        kind, key = node["kind"], node["key"]
        rows = index_rows(atlas, kind, key)
        html = getattr(render, kind.replace("-", "_"))(rows, key)
        node.replace_self(nodes.raw("", html, format="html"))


class IndexRenderer:
    """Turns index rows into HTML for one page; every text is escaped."""

    def __init__(self, app: Sphinx, docname: str, vocabulary: Vocabulary) -> None:
        self.builder = app.builder
        self.tags_dir = app.config.tags_output_dir
        self.docname = docname
        self.vocabulary = vocabulary
        # An ePub or another book has no browse page: figures are then plain numbers.
        browse_page = app.config.atlas_browse_page
        browse = (
            self.builder.get_relative_uri(docname, browse_page)
            if browse_page in app.env.all_docs
            else None
        )
        self.home = home.HomeHtml(vocabulary, browse, self._link, chart=builds_site(app))
        self.synthesis = SynthesisHtml(
            vocabulary, self._link, browse, self.tags_dir, chart=builds_site(app)
        )

    def level(self, found: list[rows.Row], key: str) -> str:
        level = keyed(self.vocabulary.evidence_levels)[key]
        apart = (
            f'<p class="atlas-level-apart">{escape(level.group)}: these documents define the '
            "illness or advise on care. They are not findings, so the atlas shows them "
            "apart from the levels of findings, and after them.</p>\n"
            if level.group
            else ""
        )
        return (
            f'<p class="atlas-definition">{escape(level.definition)}</p>\n'
            + apart
            + self._count(found, "at this level")
            + self._studies(found, show_level=False)
        )

    def tag(self, found: list[rows.Row], key: str) -> str:
        tag = self.vocabulary.term("tags", key)
        return (
            f'<p class="atlas-definition">{escape(tag.definition)}</p>\n'
            + self._count(found, "with this tag")
            + self._studies(found, show_level=True)
        )

    def levels(self, found: list[rows.Row], key: str) -> str:
        """The findings ladder, strongest first; then each group of levels apart, under its name."""
        groups: dict[str, list[list[str]]] = {}
        counts = _typed(found, rows.CountRow)
        levels = keyed(self.vocabulary.evidence_levels)
        for row in counts:
            level = levels[str(row.key)]
            link = self._link(f"{LEVELS_DIR}/{level.key.lower()}", f"{level.key} {level.label}")
            flag = f" ({row.retracted:,} retracted)" if row.retracted else ""
            row_cells = [link, escape(level.definition), f"{count_phrase(row.total)}{flag}"]
            groups.setdefault(level.group, []).append(row_cells)
        total = sum(row.total for row in counts)
        headers = ["Level", "What it means", "Studies"]
        parts = [
            f"<p>{count_phrase(total)} in the atlas. Levels of findings, strongest first:</p>",
            table(headers, groups.pop("", []), "atlas-levels"),
        ]
        for group, cells in groups.items():
            parts += [
                f'<h2 class="rubric atlas-levels-group">{escape(group)}</h2>',
                "<p>Not findings: documents that define the illness or advise on care, "
                "shown apart.</p>",
                table(headers, cells, "atlas-levels"),
            ]
        return "\n".join(parts)

    def tags(self, found: list[rows.Row], key: str) -> str:
        counts = {str(row.key): row.total for row in _typed(found, rows.CountRow)}
        parts = []
        for family in self.vocabulary.tag_families:
            items = "".join(
                f"<li>{self._link(f'{self.tags_dir}/{tag.key}', tag.short_label)}"
                f" ({counts[tag.key]:,})</li>"
                for tag in family.tags
            )
            parts.append(
                f'<h2 class="rubric" id="family-{escape(family.key)}">{escape(family.label)}</h2>\n'
                f'<p class="atlas-definition">{escape(family.definition)}</p>\n'
                f'<ul class="atlas-tag-counts">{items}</ul>'
            )
        return "\n".join(parts)

    def level_counts(self, found: list[rows.Row], key: str) -> str:
        counts = _typed(found, rows.CountRow)
        return self.home.total(counts) + self.home.counts(
            counts, "evidence_levels", "level", "Evidence level"
        )

    def pem_counts(self, found: list[rows.Row], key: str) -> str:
        return self.home.counts(_typed(found, rows.CountRow), "pem", "pem", "PEM status")

    def design_counts(self, found: list[rows.Row], key: str) -> str:
        return self.home.counts(_typed(found, rows.CountRow), "designs", "design", "Study design")

    def years(self, found: list[rows.Row], key: str) -> str:
        return self.home.years(_typed(found, rows.CountRow))

    def measure(self, found: list[rows.Row], key: str) -> str:
        return self.synthesis.ledger(_typed(found, LedgerRow), key)

    def measures(self, found: list[rows.Row], key: str) -> str:
        return self.synthesis.measure_list(_typed(found, MeasureCount), key)

    def evidence_map(self, found: list[rows.Row], key: str) -> str:
        return self.synthesis.evidence_map(_typed(found, MapCell), key)

    def tag_glance(self, found: list[rows.Row], key: str) -> str:
        return self.synthesis.glance(_typed(found, Glance), key)

    def recent(self, found: list[rows.Row], key: str) -> str:
        return self.home.recent(_typed(found, rows.StudyRow))

    def retractions(self, found: list[rows.Row], key: str) -> str:
        retracted = _typed(found, rows.RetractionRow)
        if not retracted:
            return '<p class="atlas-count">No study in the atlas has been retracted.</p>'
        cells = []
        for row in retracted:
            study = row.study
            link = self._link(study.docname, study.title)
            notice = external(doi_url(row.notice), row.notice) if row.notice else "?"
            cells.append([link, str(study.year or "?"), date_html(row.date), notice])
        return (
            f'<p class="atlas-count">{count_phrase(len(retracted))} retracted, latest first.</p>\n'
            + table(["Study", "Year", "Retracted on", "Notice"], cells, "atlas-study-table")
        )

    def _count(self, found: list[rows.Row], where: str) -> str:
        if not found:
            return f'<p class="atlas-count">No studies {where} yet.</p>'
        retracted = sum(row.retracted for row in _typed(found, rows.StudyRow))
        flag = f" ({retracted:,} retracted)" if retracted else ""
        phrase = f"{count_phrase(len(found))} {where}{flag}, newest first."
        return f'<p class="atlas-count">{phrase}</p>\n'

    def _studies(self, found: list[rows.Row], show_level: bool) -> str:
        if not found:
            return ""
        headers = ["Study", "Year"] + (["Level"] if show_level else []) + ["Design", "PEM"]
        cells = []
        for study in _typed(found, rows.StudyRow):
            flag = RETRACTED_FLAG if study.retracted else ""
            cell = [self._link(study.docname, study.title) + flag, str(study.year or "?")]
            if show_level:
                cell.append(
                    CELL_NAMES["evidence"]
                    + (
                        self._link(f"{LEVELS_DIR}/{study.evidence.lower()}", study.evidence)
                        if study.evidence
                        else "?"
                    )
                )
            cell += [
                CELL_NAMES["design"] + self._label("designs", study.design),
                self._label("pem", study.pem),
            ]
            cells.append(cell)
        return table(headers, cells, "atlas-study-table")

    def _label(self, table_name: str, key: str | None) -> str:
        return escape(self.vocabulary.term(table_name, key).label) if key else "?"

    def _link(self, docname: str, text: str) -> str:
        return internal(self.builder.get_relative_uri(self.docname, docname), escape(text))


RowType = TypeVar(
    "RowType",
    rows.StudyRow,
    rows.CountRow,
    rows.RetractionRow,
    LedgerRow,
    MapCell,
    Glance,
    MeasureCount,
)


def _typed(found: list[rows.Row], kind: type[RowType]) -> list[RowType]:
    """The rows of an index, all of the kind its renderer draws."""
    assert all(isinstance(row, kind) for row in found), kind
    return [row for row in found if isinstance(row, kind)]


def setup_indexes(app: Sphinx) -> None:
    app.add_node(atlas_index)
    app.add_directive("atlas-index", IndexDirective)
    # After the store has loaded the vocabulary (priority 500).
    app.connect("builder-inited", write_index_pages, priority=550)
    app.connect("env-updated", index_docs_to_rewrite)
    app.connect("doctree-resolved", fill_indexes)
