"""The home page's overview: counts, a studies-per-year chart and the latest updates.

These are kinds of the ``{atlas-index}`` placeholder (see :mod:`atlas.sphinx.indexes`),
so the home page is rewritten exactly when what it shows changes. Each row
function returns plain data for that freshness check; each HTML function draws
it, escaped, with every figure linking to the browse page filtered to match.
The chart is inline SVG drawn here, so the reader's browser loads no chart code.

The home page's search box (``{atlas-search-box}``) is a plain form that sends
the words to the search page, so it works without scripts too; the search
page reads them from its address.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from html import escape
from urllib.parse import urlencode

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective

from ..model.vocabulary import Term, Vocabulary
from .data import builds_site
from .render import RETRACTED_FLAG, count_phrase, date_html, table
from .rows import CountRow, StudyRow

#: The document of the search page, which reads the words from ``?q=``.
SEARCH_PAGE = "search"

# -- HTML ----------------------------------------------------------------------------


class HomeHtml:
    """Draws the overview for one page.

    ``browse`` is the browse page's URL from this page, or None in a build
    without one (an ePub), where figures are plain numbers; ``chart`` says
    whether to draw the year chart (the ePub has the table alone).
    """

    def __init__(
        self,
        vocabulary: Vocabulary,
        browse: str | None,
        link: Callable[[str, str], str],
        chart: bool = True,
    ) -> None:
        self.vocabulary = vocabulary
        self.browse = browse
        #: link(docname, text) -> an <a> to another page, text escaped.
        self.link = link
        self.chart = chart

    def browse_link(self, text: str, **filters: str | int) -> str:
        if self.browse is None:
            return text
        query = urlencode(filters, safe=",")
        href = f"{self.browse}?{query}" if query else self.browse
        return f'<a class="reference internal" href="{escape(href)}">{text}</a>'

    def counts(self, rows: list[CountRow], table_name: str, facet: str, heading: str) -> str:
        """A table of how many studies have each value, each value a browse link."""
        terms = self.vocabulary.table(table_name)
        largest = max((row.total for row in rows), default=0) or 1
        cells = []
        for row in rows:
            term: Term = terms[str(row.key)]
            label = f"{term.key} {term.label}" if table_name == "evidence_levels" else term.label
            share = round(100 * row.total / largest, 1)
            cells.append(
                [
                    self.browse_link(escape(label), **{facet: str(row.key)}),
                    f'<span class="atlas-glance-number">{row.total:,}</span>'
                    '<span class="atlas-glance-track" aria-hidden="true">'
                    f'<span class="atlas-glance-bar" style="width: {share}%"></span></span>',
                ]
            )
        return table([heading, "Studies"], cells, "atlas-glance")

    def total(self, rows: list[CountRow]) -> str:
        total = count_phrase(sum(row.total for row in rows))
        everything = self.browse_link(f"Browse all {total}")
        return f'<p class="atlas-glance-total">The atlas holds {total}. {everything}.</p>'

    def years(self, rows: list[CountRow]) -> str:
        if not rows:
            return '<p class="atlas-count">No studies yet.</p>'
        counts = [(int(row.key), row.total) for row in rows]
        first, last = counts[0][0], counts[-1][0]
        peak_year, peak = max(counts, key=lambda pair: (pair[1], pair[0]))
        summary = (
            f"Studies per publication year, {first} to {last}. The most studies "
            f"came out in {peak_year} ({peak:,})."
        )
        # A figure's caption is its first or last child; the ways to look further follow it.
        chart = _year_chart(counts, f"Studies per year, {first} to {last}", summary)
        return (
            '<figure class="atlas-years">'
            + (chart if self.chart else "")
            + f"<figcaption>{escape(summary)}</figcaption></figure>"
            + self._decades(counts)
            + self._year_table(counts)
        )

    def _decades(self, counts: list[tuple[int, int]]) -> str:
        decades: Counter[int] = Counter()
        for year, count in counts:
            decades[year // 10 * 10] += count
        links = [
            self.browse_link(f"{decade}s ({count:,})", **{"from": decade, "to": decade + 9})
            for decade, count in sorted(decades.items())
            if count
        ]
        return f'<p class="atlas-decades">Browse by decade: {" · ".join(links)}</p>'

    def _year_table(self, counts: list[tuple[int, int]]) -> str:
        cells = [
            [self.browse_link(str(year), **{"from": year, "to": year}), f"{count:,}"]
            for year, count in reversed(counts)
        ]
        return (
            '<details class="atlas-year-table"><summary>Every year as a table</summary>'
            f"{table(['Year', 'Studies'], cells)}</details>"
        )

    def recent(self, rows: list[StudyRow]) -> str:
        if not rows:
            return '<p class="atlas-count">No studies yet.</p>'
        items = []
        for row in rows:
            facts = [f"updated {date_html(row.updated)}"] if row.updated else []
            if row.evidence:
                level = self.vocabulary.term("evidence_levels", row.evidence)
                facts.append(escape(f"{level.key} {level.label}"))
            for table_name, key in (("designs", row.design), ("pem", row.pem)):
                if key:
                    facts.append(escape(self.vocabulary.term(table_name, key).label))
            flag = RETRACTED_FLAG if row.retracted else ""
            items.append(
                f"<li>{self.link(row.docname, row.title)}{flag}"
                f'<span class="atlas-recent-meta">{" · ".join(facts)}</span></li>'
            )
        more = self.browse_link("All studies, most recently updated first", sort="updated")
        return f'<ol class="atlas-recent">{"".join(items)}</ol>\n<p>{more}</p>'


# Chart geometry in pixels; the width is the page's, so x positions are percentages.
CHART_TOP = 14
CHART_PLOT = 130
CHART_HEIGHT = CHART_TOP + CHART_PLOT + 22


def _year_chart(counts: list[tuple[int, int]], title: str, summary: str) -> str:
    """A bar per year as inline SVG that stretches to the page width without distortion.

    Bars are placed in percentages of the width and text in pixels, so labels
    keep their size on a phone and on a wide screen. The gridline numbers sit
    in a column of their own beside the chart, where no bar can cover them.
    """
    slots = len(counts)
    peak = max(count for _, count in counts) or 1
    step = _tick_step(peak)
    parts = [
        f'<title id="atlas-years-title">{escape(title)}</title>',
        f'<desc id="atlas-years-desc">{escape(summary)}</desc>',
    ]
    scale = []
    for tick in range(step, peak + 1, step):
        y = CHART_TOP + CHART_PLOT * (1 - tick / peak)
        parts.append(f'<line class="atlas-chart-grid" x1="0" x2="100%" y1="{y:.1f}" y2="{y:.1f}"/>')
        scale.append(f'<span style="top: {y:.1f}px">{tick:,}</span>')
    label_every = 1 if slots <= 12 else 5
    for slot, (year, count) in enumerate(counts):
        height = CHART_PLOT * count / peak
        x = 100 * (slot + 0.1) / slots
        width = 100 * 0.8 / slots
        parts.append(
            f'<rect class="atlas-chart-bar" x="{x:.3f}%" width="{width:.3f}%" '
            f'y="{CHART_TOP + CHART_PLOT - height:.1f}" height="{height:.1f}">'
            f"<title>{year}: {count_phrase(count)}</title></rect>"
        )
        if year % label_every == 0:
            parts.append(
                f'<text class="atlas-chart-year" x="{100 * (slot + 0.5) / slots:.3f}%" '
                f'y="{CHART_HEIGHT - 4}" text-anchor="middle">{year}</text>'
            )
    baseline = CHART_TOP + CHART_PLOT
    parts.append(
        f'<line class="atlas-chart-axis" x1="0" x2="100%" y1="{baseline}" y2="{baseline}"/>'
    )
    svg = (
        f'<svg class="atlas-chart" role="img" width="100%" height="{CHART_HEIGHT}" '
        'aria-labelledby="atlas-years-title atlas-years-desc" '
        f'xmlns="http://www.w3.org/2000/svg">{"".join(parts)}</svg>'
    )
    # The numbers are decoration for the eye; the table below gives every count.
    return (
        '<div class="atlas-chart-frame">'
        f'<div class="atlas-chart-scale" aria-hidden="true">{"".join(scale)}</div>'
        f"{svg}</div>"
    )


def _tick_step(peak: int) -> int:
    """A round gridline step (1, 2 or 5 times a power of ten) giving at most four lines."""
    magnitude = 1
    while True:
        for factor in (1, 2, 5):
            step = factor * magnitude
            if peak // step <= 4:
                return step
        magnitude *= 10


# -- the search box --------------------------------------------------------------------


class atlas_search_box(nodes.General, nodes.Element):
    """Placeholder for the search form; filled at ``doctree-resolved`` with the page's address."""


class SearchBoxDirective(SphinxDirective):
    def run(self) -> list[nodes.Node]:
        return [atlas_search_box()]


def search_box_html(action: str) -> str:
    """A form that opens the search page with the words typed, as ``?q=``."""
    return (
        f'<form class="atlas-home-search" role="search" action="{escape(action)}" method="get">'
        '<label for="atlas-home-q">Search every study</label>'
        '<span class="atlas-home-search-row">'
        '<input type="search" id="atlas-home-q" name="q" autocomplete="off" '
        'aria-describedby="atlas-home-q-hint"> '
        '<button type="submit">Search</button></span>'
        '<span class="atlas-home-search-hint" id="atlas-home-q-hint">'
        "A treatment, a symptom, an author or a word from a title.</span></form>"
    )


def fill_search_box(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """``doctree-resolved``: the form, or nothing where the site has no search page (ePub)."""
    for node in list(doctree.findall(atlas_search_box)):
        if builds_site(app) and SEARCH_PAGE in app.env.all_docs:
            action = app.builder.get_relative_uri(docname, SEARCH_PAGE)
            node.replace_self(nodes.raw("", search_box_html(action), format="html"))
        else:
            node.parent.remove(node)


def setup_home(app: Sphinx) -> None:
    app.add_node(atlas_search_box)
    app.add_directive("atlas-search-box", SearchBoxDirective)
    app.connect("doctree-resolved", fill_search_box)
