"""Only reviewed kinds of file reach the site; only trusted pages publish HTML or files.

The build uses the classification of :mod:`atlas.model.sources`, as ``atlas
check`` does, in four places:

- ``config-inited`` (before Sphinx discovers any document): every file that is
  no page the site publishes (``x.MD``, ``x.rst``, a folder inside ``studies/``,
  a link out of the repository) is added to ``exclude_patterns``. Sphinx then
  never reads it, and a page an earlier build did read is dropped through
  Sphinx's own path for removed documents, from the pages, every index and the
  exports. ``atlas_trusted_pages`` is checked here too.
- ``builder-inited``: each of those files is reported at its line 1 (a study page
  in the wrong form or folder also with the study rules, as it would be checked
  in its right place).
- Reading an untrusted guide page (any page outside ``studies/`` and the
  generated folders that ``atlas_trusted_pages`` does not name): ``source-read``
  blanks what the model finds (raw HTML, file insertion, files outside the
  repository, MyST settings in front matter) and reports it. Two safeguards do
  not depend on that search being complete: the parser turns off docutils'
  ``raw_enabled`` and ``file_insertion_enabled`` for every untrusted page (study
  pages included), so ``{raw}``, ``{include}``, ``{literalinclude}`` and
  ``{csv-table}`` files cannot work however deep they are nested; and
  ``doctree-read`` removes, and reports, any raw HTML, meta tag, picture or
  download of a file outside the repository that still reached the page, before
  Sphinx's collectors would copy such files into the site.
"""

from __future__ import annotations

from pathlib import Path

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.errors import ConfigError
from sphinx.util import logging

from ..model.rules import Problem, Rule, Severity
from ..model.sources import (
    MARKDOWN_SETTINGS,
    MEASURES_FOLDER,
    STUDIES,
    Layout,
    SourceFile,
    check_guide_page,
    classify,
    exclude_patterns,
    leaves_repository,
    misplaced_study_problems,
    trusted_pages_problem,
    with_unreadable_pages,
)
from ..model.validate import today
from .data import LEVELS_DIR, atlas_domain
from .parser import StudyPageParser
from .study import warn

logger = logging.getLogger(__name__)


def source_layout(app: Sphinx, config: Config) -> Layout:
    """Where the sources are, as this build's configuration says.

    The repository is the folder of ``conf.py`` when the sources are inside it
    (in the atlas that is the root of the checkout): no page may show a file
    from outside it. A source folder elsewhere (a synthetic atlas built with the
    project's ``conf.py``) is a tree of its own, held to its own parent folder.
    """
    source, confdir = Path(app.srcdir), Path(app.confdir)
    inside = source.resolve().is_relative_to(confdir.resolve())
    return Layout(
        source=source,
        repository=confdir if inside else source.parent,
        generated=(LEVELS_DIR, config.tags_output_dir, MEASURES_FOLDER),
        excluded=(*config.exclude_patterns, *config.templates_path),
        page_suffixes=tuple(config.source_suffix),
    )


def markdown_settings(config: Config) -> dict[str, object]:
    """The MyST settings that decide how a page splits into blocks, as this build has them."""
    return {name: config[f"myst_{name}"] for name in MARKDOWN_SETTINGS}


def untrusted_guide(config: Config, docname: str) -> bool:
    """Whether a page is a guide page that ``atlas_trusted_pages`` does not name.

    Study pages have their own guard (only their ``{study}`` block is read), and
    the generated folders hold only what the extension writes.
    """
    folder = docname.split("/", 1)[0] if "/" in docname else ""
    generated = folder in (LEVELS_DIR, config.tags_output_dir, MEASURES_FOLDER)
    return folder != STUDIES and not generated and docname not in config.atlas_trusted_pages


class SourceFiles:
    """What this build found under the source folder, from ``config-inited`` on."""

    def __init__(self) -> None:
        self.files: list[SourceFile] = []
        self.layout: Layout | None = None

    def decide(self, app: Sphinx, config: Config) -> None:
        """``config-inited``: classify every file; leave out the problems; check trust."""
        self.layout = source_layout(app, config)
        found = classify(self.layout)
        problem = trusted_pages_problem(config.atlas_trusted_pages, found)
        if problem is not None:
            raise ConfigError(problem)
        self.files = [with_unreadable_pages(file) for file in found]
        config.exclude_patterns = [*config.exclude_patterns, *exclude_patterns(self.files)]

    def report(self, app: Sphinx) -> None:
        """``builder-inited`` (after the vocabulary is loaded): report every problem file."""
        vocabulary = atlas_domain(app.env).vocabulary
        date = today()
        for file in self.files:
            if file.problem is None:
                continue
            _warn_file(file.problem, file.path)
            for problem in misplaced_study_problems(file, vocabulary, date):
                _warn_file(problem, file.path)

    def clean_guide_page(self, app: Sphinx, docname: str, source: list[str]) -> None:
        """``source-read``: blank and report what an untrusted guide page may not hold."""
        if self.layout is None or not untrusted_guide(app.config, docname):
            return
        page = check_guide_page(
            source[0], app.env.doc2path(docname), self.layout, markdown_settings(app.config)
        )
        for problem in page.problems:
            warn(problem, docname)
        # Written back even when nothing was found: the lines are now numbered as
        # `atlas check` numbers them (hidden line breaks made spaces).
        source[0] = page.text

    def sweep(self, app: Sphinx, doctree: nodes.document) -> None:
        """``doctree-read``, before Sphinx collects pictures and downloads: the last net.

        Whatever the search at ``source-read`` missed and still became raw HTML, a
        meta tag, or a picture or download of a file outside the repository is
        removed from an untrusted guide page here, and reported where it was. Every
        raw node counts: the raw HTML the atlas and sphinx-design make themselves is
        added later (index tables at ``doctree-resolved``, dropdowns while writing),
        so at this point raw HTML on a guide page can only come from its text.
        """
        docname = app.env.docname
        if self.layout is None or not untrusted_guide(app.config, docname):
            return
        page = app.env.doc2path(docname)
        for node in [*doctree.findall(nodes.raw), *doctree.findall(nodes.meta)]:
            what = "HTML" if isinstance(node, nodes.raw) else "an HTML meta tag"
            message = (
                f"This page puts {what} on the site, which only pages named in "
                "atlas_trusted_pages (conf.py) may do, so the site leaves it out. Write it "
                "in Markdown."
            )
            self._remove(node, Problem(Rule.UNTRUSTED_MARKUP, _line(node), message), docname)
        for node in list(doctree.findall(nodes.image)):
            self._remove_if_outside(node, node.get("uri", ""), page, docname)
        for node in list(doctree.findall(addnodes.download_reference)):
            self._remove_if_outside(node, node.get("reftarget", ""), page, docname)

    def _remove_if_outside(
        self, node: nodes.Element, target: str, page: Path, docname: str
    ) -> None:
        assert self.layout is not None
        if not leaves_repository(target, page, self.layout):
            return
        message = (
            f"'{target}' is a file outside the repository, so the site does not publish it. "
            "Put the file in source/ and point to it there."
        )
        self._remove(node, Problem(Rule.FILE_INSERTION, _line(node), message), docname)

    @staticmethod
    def _remove(node: nodes.Node, problem: Problem, docname: str) -> None:
        warn(problem, docname)
        node.parent.remove(node)


class TrustAwareParser(StudyPageParser):
    """The atlas's Markdown parser, with docutils' file and raw switches set per page.

    Sphinx gives every document fresh settings, so the switches set here hold for
    this page alone: only pages named in ``atlas_trusted_pages`` may use ``{raw}``
    or insert a file, whatever the search in :meth:`SourceFiles.clean_guide_page`
    found or missed.
    """

    def parse(self, inputstring: str, document: nodes.document) -> None:
        env = document.settings.env
        trusted = env.docname in env.config.atlas_trusted_pages
        document.settings.raw_enabled = trusted
        document.settings.file_insertion_enabled = trusted
        super().parse(inputstring, document)


def _line(node: nodes.Node) -> int:
    """The node's line in its page, or the nearest enclosing one's; 1 when none knows."""
    current: nodes.Node | None = node
    while current is not None:
        if current.line:
            return current.line
        current = current.parent
    return 1


def _warn_file(problem: Problem, path: Path) -> None:
    """Report a problem of a file Sphinx does not read, located at the file itself."""
    location = f"{path}:{problem.line}"
    if problem.rule.severity is Severity.WARNING:
        logger.info(f"advice: {problem}", location=location)
        return
    logger.warning(str(problem), location=location, type="atlas", subtype=problem.rule.code)


def setup_sources(app: Sphinx) -> None:
    """Register the trusted-pages setting, the parser and the handlers above.

    Call after :func:`atlas.sphinx.parser.setup_parser`: this parser replaces that one.
    """
    app.add_config_value("atlas_trusted_pages", (), "env", types=frozenset({list, tuple}))
    app.add_source_parser(TrustAwareParser, override=True)
    sources = SourceFiles()
    # After Sphinx's own config-inited handlers (priority 800) have settled source_suffix.
    app.connect("config-inited", sources.decide, priority=900)
    # After the store has loaded the vocabulary the study rules need (atlas.sphinx.data).
    app.connect("builder-inited", sources.report, priority=600)
    app.connect("source-read", sources.clean_guide_page)
    # Before Sphinx's image and download collectors (priority 500) copy any file.
    app.connect("doctree-read", sources.sweep, priority=400)
