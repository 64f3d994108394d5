"""The ``{study}`` directive: one block of options and sections becomes a study page.

It checks the block with the same model code as the command-line checker,
stores the record for the indexes, and returns three nodes: the badge row, and
a section holding the title and the rest of the page as escaped HTML (see
:mod:`atlas.sphinx.render` for why the body is not a docutils tree).
"""

from __future__ import annotations

import dataclasses
import datetime

from docutils import nodes
from sphinx.environment import BuildEnvironment
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from ..model.rules import Problem, Rule, Severity
from ..model.slug import file_name_problems
from ..model.studyblock import parse_block
from ..model.validate import check_block
from .data import AtlasData
from .render import StudyHtml

logger = logging.getLogger(__name__)


def warn(problem: Problem, docname: str) -> None:
    """Report a problem the way Sphinx reports its own: file, line, code.

    Errors are Sphinx warnings (fatal under ``-W``, as in CI). Rules of warning
    severity ask a person to look again, as ``atlas check`` does, so they are
    printed with their location but do not fail the build.
    """
    location = (docname, problem.line)
    if problem.rule.severity is Severity.WARNING:
        logger.info(f"advice: {problem}", location=location)
        return
    logger.warning(str(problem), location=location, type="atlas", subtype=problem.rule.code)


def study_nodes(
    env: BuildEnvironment, lines: list[str], lineno: int, first_line: int
) -> list[nodes.Node]:
    """Check one ``{study}`` block, store its record, and return the page's nodes.

    ``lineno`` is the line of the opening fence and ``first_line`` the line of
    ``lines[0]``. Both the directive and the parser's shortcut for plain study
    pages (:mod:`atlas.sphinx.parser`) build pages here.
    """
    atlas = AtlasData(env)
    config = env.config
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
    study, problems = check_block(block, vocabulary, docname, datetime.date.today())
    problems += file_name_problems(docname.rsplit("/", 1)[-1], study)
    study = dataclasses.replace(study, history=atlas.domain.history.get(docname, ()))
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

    page = StudyHtml(study, block, vocabulary, config.atlas_guide_page, config.tags_output_dir)
    section = nodes.section(ids=["study"], classes=["atlas-study"])
    section += nodes.title(text=study.title or "Untitled study")
    section += nodes.raw(
        "",
        page.body(
            config.atlas_repository_url.rstrip("/"),
            config.atlas_repository_branch,
            str(env.doc2path(docname, False)),
            page_url(config.html_baseurl, docname),
        ),
        format="html",
    )
    top = page.retraction_banner() + page.badges()
    return [nodes.raw("", top, format="html"), section]


def page_url(base: str, docname: str) -> str:
    """The page's public address, when ``html_baseurl`` says where the site lives."""
    return f"{base.rstrip('/')}/{docname}.html" if base else ""


class StudyDirective(SphinxDirective):
    """A study page. The block's option lines and sections are its content."""

    has_content = True
    # No option_spec: MyST then hands the option lines over as content, and the
    # shared parser reads them, so the build and `atlas check` agree line for line.
    option_spec = None

    def run(self) -> list[nodes.Node]:
        first_line = self.lineno + 1 + self.content_offset
        return study_nodes(self.env, list(self.content), self.lineno, first_line)
