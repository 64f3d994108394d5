"""MyST, with a shortcut for study pages that are one ``{study}`` block and nothing else.

A study page is a single fenced directive, and the directive does all the
work. MyST still sets up a Markdown parser, a renderer and a second set of
docutils settings for each page before it gets there: about a quarter of the
time spent reading study pages (measured serially on 1,500 of them). For a
page whose shape leaves no doubt (one block, opened and closed by plain
fences, nothing else, no inner fence) this parser builds the nodes exactly as
MyST would hand them on, through the same
:func:`~atlas.sphinx.study.study_nodes`. Every other page, including any odd
study page, goes through MyST unchanged. What it copies of MyST's last step
is listed in :mod:`atlas.sphinx.shortcuts` (``study_page_parser``), which
turns the shortcut off outside the tested MyST-Parser versions.
"""

from __future__ import annotations

from docutils import nodes
from myst_parser.parsers.sphinx_ import MystParser
from sphinx.application import Sphinx

from ..model.page import OPENING_FENCE
from .guard import STUDIES_PREFIX
from .shortcuts import runs
from .study import study_nodes

#: The heading slugs MyST's renderer leaves on the document for its later transforms: an
#: attribute MyST adds to the docutils document, so it is set by name.
MYST_SLUGS = "myst_slugs"


def sole_study_block(text: str) -> tuple[int, list[str]] | None:
    """(fence line, content lines) of a page that is exactly one plain study block."""
    lines = text.split("\n")
    opening = next((i for i, line in enumerate(lines) if line.strip()), None)
    if opening is None or "\0" in text:
        return None
    match = OPENING_FENCE.match(lines[opening])
    if match is None:
        return None
    fence = match["fence"]
    closing = next((i for i in range(opening + 1, len(lines)) if lines[i].rstrip() == fence), None)
    if closing is None or any(line.strip() for line in lines[closing + 1 :]):
        return None
    content = lines[opening + 1 : closing]
    if not content or not content[0].startswith(":"):
        return None
    if any(line.lstrip().startswith(("```", "~~~")) for line in content):
        return None
    return opening + 1, content


class StudyPageParser(MystParser):
    """The MyST parser; plain study pages skip straight to the directive's work."""

    def parse(self, inputstring: str, document: nodes.document) -> None:
        env = document.settings.env
        config = env.myst_config
        block = None
        if (
            env.docname.startswith(STUDIES_PREFIX)
            and not config.html_meta
            and runs(env.config, "study_page_parser")
        ):
            block = sole_study_block(inputstring)
        if block is None:
            super().parse(inputstring, document)
            return
        lineno, lines = block
        document.current_line = lineno
        document += study_nodes(env, lines, lineno, lineno + 1)
        # What MyST's renderer sets at the end of every page: settings for its
        # transforms, and a word count of the text outside fences (none here),
        # kept as metadata and as substitutions a page could refer to.
        setattr(document, MYST_SLUGS, {})
        wordcount = {"words": 0, "minutes": 0}
        env.metadata[env.docname]["wordcount"] = wordcount
        for key, value in wordcount.items():
            definition = nodes.substitution_definition(str(value), nodes.Text(str(value)))
            definition.source = document["source"]
            definition["names"].append(f"wordcount-{key}")
            document.note_substitution_def(definition, f"wordcount-{key}")
        document.settings.myst_heading_anchors_html_ids = config.heading_anchors_html_ids
        document.settings.myst_footnote_transition = config.footnote_transition
        document.settings.myst_footnote_sort = config.footnote_sort


def setup_parser(app: Sphinx) -> None:
    # Replaces MyST's own registration for Markdown; conf.py loads myst_parser first.
    app.add_source_parser(StudyPageParser, override=True)
