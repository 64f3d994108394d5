"""How a structured finding shows on its study page: a short label, then the bullet text.

The label in the source (``[cpet-day2-vo2-peak: lower]``) is for contributors;
readers see the measure's short label and the direction ("VO2peak, day 2:
lower"), linked to the measure's ledger page. The HTML is made when the page is
read, with the other card Markdown; the link's address depends on the page
being written, so it is held as ``atlas-measure:KEY`` until then
(:func:`measure_links`). Other builders get the label in words, in bold, from
the same Markdown with the label replaced (:func:`findings_section`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from html import escape

from markdown_it.token import Token

from ..model.findings import LABELLED_BULLET, Finding
from ..model.markup import markdown_literal
from ..model.participants import participants_of
from ..model.sources import MEASURES_FOLDER
from ..model.studyblock import SectionText
from ..model.vocabulary import Measure, Vocabulary, keyed
from .render import MARKDOWN
from .studyview import Section

#: Where the generated ledger pages go, below the source folder: one page per measure.
MEASURES_DIR = MEASURES_FOLDER
#: How a label's link names its ledger page until the page's own address is known.
PLACEHOLDER = re.compile(r'href="atlas-measure:([a-z0-9-]+)"')


def findings_section(
    text: SectionText, findings: tuple[Finding, ...], vocabulary: Vocabulary
) -> Section:
    """The "Observed findings" card, with each structured finding's label made readable."""
    markdown = text.text
    if not findings:
        return Section(text.key, markdown, text.text_line, MARKDOWN.render(markdown))
    measures = keyed(vocabulary.measures)
    by_line = {finding.line - text.text_line: finding for finding in findings}
    plain, in_words = [], []
    for index, line in enumerate(markdown.split("\n")):
        finding = by_line.get(index)
        match = LABELLED_BULLET.match(line) if finding else None
        if finding is None or match is None:
            plain.append(line)
            in_words.append(line)
            continue
        lead, rest = match["lead"], match["rest"].lstrip()
        plain.append(f"{lead}{rest}")
        label = label_text(finding, measures[finding.measure])
        in_words.append(f"{lead}**{markdown_literal(label)}.** {rest}")
    tokens = MARKDOWN.parse("\n".join(plain))
    _insert_labels(tokens, by_line, measures)
    html = MARKDOWN.renderer.render(tokens, MARKDOWN.options, {})
    return Section(text.key, "\n".join(in_words), text.text_line, html)


def label_text(finding: Finding, measure: Measure) -> str:
    """'VO2peak, day 2: lower', with the part of the study it covers when it says so."""
    text = f"{measure.label}: {finding.direction}"
    covered = participants_of(finding.participants)
    return f"{text} ({covered.in_words})" if covered else text


def _insert_labels(
    tokens: list[Token], by_line: dict[int, Finding], measures: dict[str, Measure]
) -> None:
    """Put each finding's label at the start of its list item's first line of text."""
    pending: Finding | None = None
    for token in tokens:
        if token.type == "list_item_open" and token.map and token.level == 1:
            pending = by_line.get(token.map[0])
        elif token.type == "inline" and pending is not None:
            token.children = [
                _label_token(pending, measures[pending.measure]),
                *(token.children or []),
            ]
            pending = None


def _label_token(finding: Finding, measure: Measure) -> Token:
    token = Token("html_inline", "", 0)
    covered = participants_of(finding.participants)
    scope = (
        f' <span class="atlas-finding-scope">({escape(covered.in_words)})</span>' if covered else ""
    )
    direction = escape(finding.direction.replace(" ", "-"))
    token.content = (
        f'<a class="atlas-finding-label atlas-direction-{direction}" '
        f'href="atlas-measure:{finding.measure}" title="{escape(measure.definition)}">'
        f"{escape(measure.label)}: <strong>{escape(finding.direction)}</strong></a>"
        f"{scope} "
    )
    return token


def measure_links(html: str, href: Callable[[str], str]) -> str:
    """Card HTML with each label's link pointed at its ledger page, as ``href`` addresses it."""
    if "atlas-measure:" not in html:
        return html
    return PLACEHOLDER.sub(
        lambda match: f'href="{escape(href(f"{MEASURES_DIR}/{match[1]}"))}"', html
    )
