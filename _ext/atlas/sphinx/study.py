"""The ``{study}`` directive: one block of options and sections becomes a study page.

It checks the block with the same model code as the command-line checker,
stores the record for the indexes, and returns the page's nodes: the study
header (retraction notice and badges), and a section holding the title and
the study body. The header and body carry the record; each builder writes
them in its own way (:mod:`atlas.sphinx.studynodes`).

Two checks come before the directive, on the file rather than the block, as
``atlas check`` makes them: a page whose name cannot be an address is not read
at all, and control characters are found in the text as written, before MyST
or the line clean-up in :mod:`atlas.sphinx.guard` changes any of them.
"""

from __future__ import annotations

import dataclasses
import os

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util.docutils import SphinxDirective
from sphinx.util.matching import Matcher

from ..model.markup import control_character_problems
from ..model.rules import Problem, Rule
from ..model.slug import file_name_problems, page_name, page_name_problems
from ..model.studyblock import parse_block
from ..model.validate import check_block, today
from .data import atlas_domain
from .findingview import findings_section
from .problems import warn as warn  # other modules import it from here too
from .render import MARKDOWN
from .studynodes import study_parts
from .studyview import Section

STUDIES_DIR = "studies"


def study_nodes(
    env: BuildEnvironment, lines: list[str], lineno: int, first_line: int
) -> list[nodes.Node]:
    """Check one ``{study}`` block, store its record, and return the page's nodes.

    ``lineno`` is the line of the opening fence and ``first_line`` the line of
    ``lines[0]``. Both the directive and the parser's shortcut for plain study
    pages (:mod:`atlas.sphinx.parser`) build pages here.
    """
    atlas = atlas_domain(env)
    vocabulary = atlas.vocabulary
    docname = env.docname
    if atlas.has_study(docname):
        warn(
            Problem(
                Rule.SEVERAL_STUDY_BLOCKS,
                lineno,
                "A page holds one study; this is a second {study} block. "
                "Move it to a page of its own.",
            ),
            docname,
        )
        return []
    block = parse_block(lines, first_line, vocabulary)
    block.line = lineno
    study, problems = check_block(block, vocabulary, docname, today())
    problems += file_name_problems(docname.rsplit("/", 1)[-1], study)
    study = dataclasses.replace(study, history=atlas.history.get(docname, ()))
    for problem in problems:
        warn(problem, docname)
    atlas.add_study(study)

    tags = vocabulary.table("tags")
    metadata = env.metadata[docname]
    # sphinx-tags keeps a page's tags here; its {tags} directive does the same.
    metadata["tags"] = [tags[key].label for key in study.tags]
    # Study pages are reached from the indexes, never from the global toctree,
    # so the sidebar stays small however many studies there are.
    metadata["orphan"] = True

    sections = [
        findings_section(text, study.findings, vocabulary)
        if spec.key == "findings"
        else Section(spec.key, text.text, text.text_line, MARKDOWN.render(text.text))
        for spec in vocabulary.sections
        if (text := block.sections.get(spec.key)) is not None and text.text
    ]
    header, body = study_parts(study.to_dict(), sections, str(env.doc2path(docname, False)))
    section = nodes.section(ids=["study"], classes=["atlas-study"])
    section += nodes.title(text=study.title or "Untitled study")
    section += body
    return [header, section]


def leave_out_unusable_names(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    """``env-before-read-docs``: a study page whose name cannot be an address is not read.

    Such a name would be written as a doctree and an HTML file, an id in
    ``studies.json`` and a URL, and one of those fails somewhere (a 251-character
    name stopped the build on its doctree). The page is left out of this build
    as if the file were not there, and the warning says why, as ``atlas check``
    does. Runs before the other hooks of this event, so a page with a bad name
    is reported for its name alone, in both tools.

    Some names Sphinx never makes a document of: a name with a line break, or
    one stored decomposed (``cafe`` and a combining accent), which Sphinx looks
    for composed and calls unreadable. Those files are found in the folder.
    """
    _report_undiscovered_names(app, env)
    for docname in list(docnames):
        folder, _, name = docname.rpartition("/")
        if folder != STUDIES_DIR:
            continue
        problems = page_name_problems(name)
        if not problems:
            continue
        for problem in problems:
            warn(problem, docname)
        docnames.remove(docname)
        env.found_docs.discard(docname)


def _report_undiscovered_names(app: Sphinx, env: BuildEnvironment) -> None:
    folder = os.path.join(app.srcdir, STUDIES_DIR)
    if not os.path.isdir(folder):
        return
    excluded = Matcher(app.config.exclude_patterns)
    for entry in sorted(os.scandir(folder), key=lambda entry: entry.name):
        name = page_name(entry.name)
        relative = f"{STUDIES_DIR}/{entry.name}"
        if not entry.name.endswith(".md") or excluded(relative):
            continue
        if f"{STUDIES_DIR}/{name}" in env.found_docs:
            continue  # a document: reported below when it is to be read
        for problem in page_name_problems(name):
            warn(problem, "", path=entry.path)


def report_control_characters(app: Sphinx, docname: str, source: list[str]) -> None:
    """``source-read``: control characters in a study page, at their line and column.

    Runs before the guard rewrites the text: MyST turns NUL into U+FFFD and the
    guard turns form feeds into spaces, so the characters as written are only
    here.
    """
    if docname.startswith(f"{STUDIES_DIR}/"):
        for problem in control_character_problems(source[0]):
            warn(problem, docname)


def setup_file_checks(app: Sphinx) -> None:
    # Priority 400: before the guard's handlers of the same events (default 500).
    app.connect("env-before-read-docs", leave_out_unusable_names, priority=400)
    app.connect("source-read", report_control_characters, priority=400)


class StudyDirective(SphinxDirective):
    """A study page. The block's option lines and sections are its content."""

    has_content = True
    # No option_spec: MyST then hands the option lines over as content, and the
    # shared parser reads them, so the build and `atlas check` agree line for line.
    option_spec = None

    def run(self) -> list[nodes.Node]:
        first_line = self.lineno + 1 + self.content_offset
        return study_nodes(self.env, list(self.content), self.lineno, first_line)


def setup_study(app: Sphinx) -> None:
    app.add_directive("study", StudyDirective)
    setup_file_checks(app)
