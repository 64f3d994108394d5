"""What of a study file reaches MyST: its ``{study}`` blocks, nothing else, and only if readable.

Study pages come from strangers. The directive checks and escapes everything
inside the block, but MyST renders the rest of the file as it is: raw HTML,
``{raw}`` and ``{include}`` directives, front matter with ``html_meta``. So
text outside the blocks is blanked before MyST parses the page (lines keep
their numbers) and reported. A file that is too large or not UTF-8 is not read
at all: Sphinx would spend the build on it, or stop the whole build.
"""

from __future__ import annotations

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

from ..model.page import (
    decode_page,
    find_blocks,
    outside_block_problems,
    page_lines,
    size_problem,
    text_outside_blocks,
)
from .study import warn

STUDIES_PREFIX = "studies/"


def leave_out_unreadable_pages(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    """``env-before-read-docs``: pages too large or not UTF-8 are reported and not read.

    Sphinx 9 stops the whole build on a byte that is not UTF-8, and a page of
    megabytes would slow every build, so both are taken out of this build as if
    the file were not there; the warning says where the problem is.
    """
    for docname in list(docnames):
        text, problem = decode_page(env.doc2path(docname).read_bytes())
        if text is not None and docname.startswith(STUDIES_PREFIX):
            # Measured as `atlas check` measures it: the text, without a byte-order mark.
            problem = size_problem(len(text.encode("utf-8")))
        if problem is None:
            continue
        warn(problem, docname)
        docnames.remove(docname)
        env.found_docs.discard(docname)
        if docname in env.all_docs:  # it was readable before: forget what it said then
            app.emit("env-purge-doc", env, docname)
            env.clear_doc(docname)
            env.all_docs.pop(docname, None)


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
    app.connect("env-before-read-docs", leave_out_unreadable_pages)
    app.connect("source-read", keep_only_study_blocks)
