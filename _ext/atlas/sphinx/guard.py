"""What of a study file reaches MyST: its ``{study}`` blocks, nothing else.

Study pages come from strangers. The directive checks and escapes everything
inside the block, but MyST renders the rest of the file as it is: raw HTML,
``{raw}`` and ``{include}`` directives, front matter with ``html_meta``. So
text outside the blocks is blanked before MyST parses the page (lines keep
their numbers) and reported. A file that is too large or not UTF-8 never gets
here: :mod:`atlas.sphinx.sources` leaves it out before Sphinx looks for pages.
"""

from __future__ import annotations

from sphinx.application import Sphinx

from ..model.page import (
    find_blocks,
    outside_block_problems,
    page_lines,
    text_outside_blocks,
)
from .problems import warn

STUDIES_PREFIX = "studies/"


def keep_only_study_blocks(app: Sphinx, docname: str, source: list[str]) -> None:
    """``source-read``: blank every line of a study page outside its ``{study}`` blocks.

    A page without any block is blanked whole; the build then reports it as
    having no study block, as ``atlas check`` does.
    """
    if not docname.startswith(STUDIES_PREFIX):
        return
    lines = page_lines(source[0])
    blocks = list(find_blocks(lines))
    for problem in outside_block_problems(lines, blocks):
        warn(problem, docname)
    for first, last in text_outside_blocks(lines, blocks):
        lines[first : last + 1] = [""] * (last - first + 1)
    # Written back even with nothing outside: page_lines also turned hidden line breaks
    # into spaces, so MyST numbers the lines as `atlas check` does.
    source[0] = "\n".join(lines) + "\n"


def setup_guard(app: Sphinx) -> None:
    app.connect("source-read", keep_only_study_blocks)
