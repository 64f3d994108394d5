"""HTML of the evidence across studies: a ledger per measure, the evidence map, tag summaries.

Drawn from the typed rows of :mod:`atlas.sphinx.synthesis` when an index page
is written. Every text is escaped; links are made by the page's own renderer,
so they are right for any builder. The ledger's chart is inline SVG with a
title and description, drawn in the text colour so that it reads in light and
dark mode, and the table below it says the same in words.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable
from html import escape
from urllib.parse import urlencode

from ..model.findings import DIRECTIONS
from ..model.participants import participants_of
from ..model.vocabulary import Vocabulary, keyed
from .data import LEVELS_DIR
from .findingview import MEASURES_DIR
from .render import RETRACTED_FLAG, count_phrase, table
from .synthesis import PEM_REQUIRED, Glance, LedgerRow, MapCell, MeasureCount, topic_tags

#: The chart's rows, top to bottom.
CHART_ROWS = ("higher", "no difference", "mixed", "lower")
#: The chart's size in its own units; the page scales it to the column's width. Direction
#: words stand above their row, so they take no width from the plot.
WIDTH, ROW, LEFT, TOP, RIGHT = 520, 56, 60, 10, 24
#: Where dots go whose study does not state its number of people with ME/CFS.
UNSTATED_X = 24


def directions_phrase(counts: Counter[str]) -> str:
    """'lower in 6 studies, no difference in 2' (each direction once, in a fixed order)."""
    parts: list[str] = []
    for direction in DIRECTIONS:
        if counts[direction]:
            noun = count_phrase(counts[direction]) if not parts else f"{counts[direction]:,}"
            parts.append(f"{direction} in {noun}")
    return ", ".join(parts)


def _by_study(rows: list[LedgerRow]) -> Counter[str]:
    """Studies per direction: a study with two findings in one direction counts once."""
    return Counter(direction for _, direction in {(row.docname, row.direction) for row in rows})


def summary_line(rows: list[LedgerRow]) -> str:
    """The ledger's plain summary, with the question readers ask first: what about PEM?"""
    counts = _by_study(rows)
    text = directions_phrase(counts)
    summary = text[0].upper() + text[1:] + "."
    required = [row for row in rows if row.pem == PEM_REQUIRED]
    studies = len({row.docname for row in required})
    if not studies:
        return summary + " No study on this measure required PEM."
    pem_counts = _by_study(required)
    if len(pem_counts) == 1:
        (direction,) = pem_counts
        found = _direction_words(direction)
        if studies == 1:
            return f"{summary} The one study that required PEM found {found}."
        every = "both" if studies == 2 else "all"
        return f"{summary} Of the {studies:,} that required PEM, {every} found {found}."
    split = directions_phrase(pem_counts).replace(" studies", "").replace(" study", "")
    return f"{summary} Of the {studies:,} that required PEM: {split}."


def _direction_words(direction: str) -> str:
    """'it lower', 'no difference', 'mixed results': what a study found, after 'found'."""
    return {"no difference": "no difference", "mixed": "mixed results"}.get(
        direction, f"it {direction}"
    )


def direction_html(direction: str) -> str:
    """A direction word with a class per direction, for its colour mark."""
    css = f"atlas-direction atlas-direction-{direction.replace(' ', '-')}"
    return f'<span class="{css}">{escape(direction)}</span>'


class SynthesisHtml:
    """Draws the ledgers, the map and the tag summaries for one page being written."""

    def __init__(
        self,
        vocabulary: Vocabulary,
        link: Callable[[str, str], str],
        browse: str | None,
        tags_dir: str,
        chart: bool = True,
    ) -> None:
        self.vocabulary = vocabulary
        #: (docname, text) -> an escaped link to that page from the page being written.
        self.link = link
        #: The browse page's address from this page, or None in a build without it.
        self.browse = browse
        self.tags_dir = tags_dir
        #: Whether to draw the ledger's chart: an ePub declares no inline SVG, and its
        #: table says the same.
        self.draw_chart = chart
        self.measures = keyed(vocabulary.measures)

    # -- a ledger ----------------------------------------------------------------------

    def ledger(self, rows: list[LedgerRow], key: str) -> str:
        measure = self.measures.get(key)
        if measure is None:
            return f'<p class="atlas-count">No measure {escape(key)!r} in the vocabulary.</p>'
        parts = [f'<p class="atlas-definition">{escape(measure.definition)}</p>']
        if measure.compares:
            parts.append(f'<p class="atlas-measure-compares">{escape(measure.compares)}</p>')
        if measure.standard:
            parts.append(
                f'<p class="atlas-measure-standard">Standard: {escape(measure.standard)}</p>'
            )
        if not rows:
            parts.append(
                '<p class="atlas-count">No study in the atlas has a structured finding on '
                "this measure yet.</p>"
            )
            return "\n".join(parts)
        parts.append(
            f'<p class="atlas-ledger-summary"><strong>{escape(summary_line(rows))}</strong></p>'
        )
        parts.append(self.pem_split(rows))
        if self.draw_chart:
            parts.append(self.chart(rows, measure.label))
        parts.append(self.ledger_table(rows))
        return "\n".join(parts)

    def pem_split(self, rows: list[LedgerRow]) -> str:
        """The same counts for studies that required PEM and for the rest."""
        items = []
        for name, chosen in (
            ("PEM required", [row for row in rows if row.pem == PEM_REQUIRED]),
            ("PEM not required or unclear", [row for row in rows if row.pem != PEM_REQUIRED]),
        ):
            studies = len({row.docname for row in chosen})
            if not chosen:
                items.append(f"<li><strong>{escape(name)}</strong>: no studies</li>")
                continue
            said = escape(directions_phrase(_by_study(chosen)))
            number = count_phrase(studies)
            items.append(f"<li><strong>{escape(name)}</strong> ({number}): {said}</li>")
        return f'<ul class="atlas-ledger-pem" aria-label="By PEM status">{"".join(items)}</ul>'

    def chart(self, rows: list[LedgerRow], label: str) -> str:
        """Each finding as a dot: its direction (row) by the number of people with ME/CFS."""
        counts = [row.me_cfs for row in rows if row.me_cfs]
        top = max(counts, default=10)
        decades = max(1, math.ceil(math.log10(max(top, 10))))
        plot = WIDTH - LEFT - RIGHT
        height = TOP + ROW * len(CHART_ROWS) + 44

        def x_of(people: int | None) -> float:
            if not people:
                return UNSTATED_X
            return LEFT + plot * math.log10(max(people, 1)) / decades

        marks = []
        for index, direction in enumerate(CHART_ROWS):
            y = TOP + ROW * index + ROW * 0.65
            marks.append(
                f'<text class="atlas-chart-label" x="2" y="{y - 18:.0f}">{escape(direction)}</text>'
                f'<line class="atlas-chart-grid" x1="2" x2="{WIDTH - RIGHT}" '
                f'y1="{y:.0f}" y2="{y:.0f}"/>'
            )
        axis_y = TOP + ROW * len(CHART_ROWS) + 4
        for power in range(decades + 1):
            x = LEFT + plot * power / decades
            marks.append(
                f'<text class="atlas-chart-tick" x="{x:.0f}" y="{axis_y + 12}" '
                f'text-anchor="middle">{10**power:,}</text>'
            )
        marks.append(
            f'<text class="atlas-chart-tick" x="{UNSTATED_X}" y="{axis_y + 12}" '
            'text-anchor="middle">?</text>'
            f'<text class="atlas-chart-tick" x="{WIDTH / 2:.0f}" y="{axis_y + 34}" '
            'text-anchor="middle">People with ME/CFS (log scale; ? = not stated)</text>'
        )
        seen: Counter[tuple[str, int]] = Counter()
        for row in rows:
            index = CHART_ROWS.index(row.direction)
            x = x_of(row.me_cfs)
            place = (row.direction, round(x))
            # Dots at the same place step aside, so none hides another.
            y = TOP + ROW * index + ROW * 0.65 + (seen[place] % 3 - 1) * 7
            seen[place] += 1
            required = row.pem == PEM_REQUIRED
            who = f"{row.me_cfs:,} people with ME/CFS" if row.me_cfs else "size not stated"
            tip = (
                f"{row.title} ({row.year or 'year unknown'}): {row.direction}, {who}, "
                f"{'PEM required' if required else 'PEM not required or unclear'}"
            )
            css = "atlas-dot atlas-dot-pem" if required else "atlas-dot"
            marks.append(
                f'<circle class="{css}" cx="{x:.1f}" cy="{y:.1f}" r="6">'
                f"<title>{escape(tip)}</title></circle>"
            )
        filled = sum(row.pem == PEM_REQUIRED for row in rows)
        description = (
            f"{len(rows)} findings on {label}, one dot each, placed by direction and by the "
            f"number of people with ME/CFS. Filled dots: PEM required ({filled}); open dots: "
            f"PEM not required or unclear ({len(rows) - filled}). The table below lists "
            "the same findings."
        )
        return (
            '<figure class="atlas-ledger-chart">'
            f'<svg viewBox="0 0 {WIDTH} {height}" role="img" '
            'aria-labelledby="atlas-chart-title atlas-chart-desc" class="atlas-chart">'
            f'<title id="atlas-chart-title">{escape(label)}: direction by study size</title>'
            f'<desc id="atlas-chart-desc">{escape(description)}</desc>' + "".join(marks) + "</svg>"
            "<figcaption>Each dot is one finding. Filled: PEM required. Open: PEM not required "
            "or unclear. The table below says the same in words.</figcaption></figure>"
        )

    def ledger_table(self, rows: list[LedgerRow]) -> str:
        definitions = self.vocabulary.table("case_definitions")
        cells = []
        for row in rows:
            flags = RETRACTED_FLAG if row.retracted else ""
            people = participants_of(row.participants)
            cases = ", ".join(
                escape(definitions[key].label) if key in definitions else escape(key)
                for key in row.case_definition
            )
            cells.append(
                [
                    self.link(row.docname, row.title) + flags,
                    str(row.year or "?"),
                    direction_html(row.direction),
                    escape(people.in_words) if people else "Not stated",
                    cases or "?",
                    self._label("pem", row.pem),
                    self.link(f"{LEVELS_DIR}/{row.evidence.lower()}", row.evidence)
                    if row.evidence
                    else "?",
                    self._label("designs", row.design),
                    escape(", ".join(row.lineage)) or "—",
                    escape(row.text),
                ]
            )
        return (
            '<div class="atlas-ledger-frame">'
            + table(
                [
                    "Study",
                    "Year",
                    "Direction",
                    "Participants",
                    "Case definition",
                    "PEM",
                    "Level",
                    "Design",
                    "Replication",
                    "Finding",
                ],
                cells,
                "atlas-ledger-table",
            )
            + "</div>"
        )

    def _label(self, table_name: str, key: str | None) -> str:
        terms = self.vocabulary.table(table_name)
        return escape(terms[key].label) if key in terms else "?"

    # -- the evidence map --------------------------------------------------------------

    def evidence_map(self, cells: list[MapCell], key: str) -> str:
        families = self.vocabulary.measure_families
        tags = self.vocabulary.table("tags")
        by_place = {(cell.tag, cell.family): cell for cell in cells}
        head = "".join(f'<th scope="col">{escape(family.label)}</th>' for family in families)
        body = []
        for tag in topic_tags(self.vocabulary):
            term = tags[tag]
            name = self.link(
                f"{self.tags_dir}/{tag}", getattr(term, "short_label", "") or term.label
            )
            row = [f'<th scope="row">{name}</th>']
            for family in families:
                cell = by_place.get((tag, family.key))
                row.append(self._map_cell(cell, term.label, family.label))
            body.append(f"<tr>{''.join(row)}</tr>")
        return (
            '<p class="atlas-map-key">Rows are topics; columns are what was measured. Each '
            "cell: how many studies, the strongest evidence level among them, and the share "
            "that required PEM. A dot: no study yet.</p>"
            '<div class="table-wrapper atlas-map-wrapper" tabindex="0" role="region" '
            'aria-label="Evidence map, scrolls sideways">'
            '<table class="atlas-table atlas-evidence-map docutils">'
            '<caption class="visually-hidden">Studies with structured findings, by topic '
            "and by what was measured</caption>"
            f'<thead><tr><th scope="col">Topic</th>{head}</tr></thead>'
            f"<tbody>{''.join(body)}</tbody></table></div>"
        )

    def _map_cell(self, cell: MapCell | None, tag_label: str, family_label: str) -> str:
        if cell is None or not cell.total:
            return (
                '<td class="atlas-map-empty"><span aria-hidden="true">·</span>'
                '<span class="visually-hidden">No studies</span></td>'
            )
        share = round(100 * cell.pem_required / cell.total)
        count = count_phrase(cell.total)
        if self.browse is not None:
            query = urlencode({"tag": cell.tag, "family": cell.family})
            count = (
                f'<a class="reference internal" href="{escape(self.browse)}?{escape(query)}" '
                f'title="{escape(f"Browse: {tag_label}, {family_label}")}">{count}</a>'
            )
        best = f"best {escape(cell.best)}" if cell.best else "level unknown"
        return (
            f'<td class="atlas-map-cell">{count}'
            f'<span class="atlas-map-detail">{best}</span>'
            f'<span class="atlas-map-detail">{share}% PEM required</span></td>'
        )

    def measure_list(self, counts: list[MeasureCount], key: str) -> str:
        """Every measure by family, with its ledger and number of studies."""
        number = {row.measure: row.studies for row in counts}
        parts = []
        for family in self.vocabulary.measure_families:
            items = "".join(
                f"<li>{self.link(f'{MEASURES_DIR}/{m.key}', m.label)} "
                f"({count_phrase(number.get(m.key, 0))})</li>"
                for m in family.measures
            )
            parts.append(
                f'<h3 class="rubric">{escape(family.label)}</h3>'
                f'<p class="atlas-definition">{escape(family.definition)}</p>'
                f'<ul class="atlas-measure-list">{items}</ul>'
            )
        return "\n".join(parts)

    # -- a tag's summary ---------------------------------------------------------------

    def glance(self, rows: list[Glance], key: str) -> str:
        if not rows or not rows[0].total:
            return ""
        found = rows[0]
        levels = self.vocabulary.table("evidence_levels")
        pem = self.vocabulary.table("pem")
        lines = [
            "<p><strong>By evidence level:</strong> "
            + ", ".join(
                f"{escape(k)} {escape(levels[k].label)} ({n:,})"
                for k, n in found.levels
                if k in levels
            )
            + "</p>",
            "<p><strong>By PEM status:</strong> "
            + ", ".join(f"{escape(pem[k].label)} ({n:,})" for k, n in found.pem if k in pem)
            + "</p>",
        ]
        if found.measures:
            items = "".join(
                f"<li>{self.link(f'{MEASURES_DIR}/{measure}', self.measures[measure].label)}: "
                f"{escape(directions_phrase(Counter(dict(directions))))}</li>"
                for measure, directions in found.measures
                if measure in self.measures
            )
            lines.append(
                f'<p><strong>Measured:</strong></p><ul class="atlas-glance-measures">{items}</ul>'
            )
        if found.retracted:
            links = ", ".join(self.link(doc, title) for doc, title in found.retracted)
            lines.append(f"<p><strong>Retracted:</strong> {links}</p>")
        if found.chains:
            items = "".join(
                f"<li>{self.link(chain.docname, chain.title)} "
                f"<em>{escape(chain.relation.lower())}</em> "
                f"{self.link(chain.other, chain.other_title)}</li>"
                for chain in found.chains
            )
            lines.append(
                f'<p><strong>Replications:</strong></p><ul class="atlas-glance-chains">{items}</ul>'
            )
        return (
            '<section class="atlas-glance" aria-labelledby="atlas-glance-title">'
            f'<h2 id="atlas-glance-title" class="atlas-glance-title">At a glance: '
            f"{count_phrase(found.total)}</h2>" + "\n".join(lines) + "</section>"
        )
