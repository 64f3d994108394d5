"""Every page's problems on every build, whether or not Sphinx read the page again.

Sphinx reads again only the pages that changed, so a warning found while
reading a page would be printed once and then never again: ``make strict``
after ``make html`` would pass a broken page that CI, building from nothing,
fails. So every problem found while a page is read is kept with the page in
the atlas store (purged when the page is read again, merged from parallel
readers, saved with the environment), and after reading, the problems of each
page this build did not read are reported again, with the same location, rule
code and words. What is kept is trusted while the rules' code and the day stay
the same (:func:`pages_to_check_again`). Rules across pages (duplicates,
colliding names, similar titles, lineage links) are worked out from every
record on every build, so they need no keeping.
"""

from __future__ import annotations

import hashlib
from collections.abc import Set
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util import logging

from ..model.rules import Problem, Rule, Severity
from ..model.validate import today
from .data import atlas_domain

logger = logging.getLogger(__name__)

#: Rule code -> rule, to turn a kept problem back into one.
RULES = {rule.code: rule for rule in Rule}
#: The code whose findings are kept: the rules, and the modules that apply them while
#: pages are read.
RULE_CODE = (
    *sorted(Path(__file__).parent.parent.joinpath("model").glob("*.py")),
    *(Path(__file__).with_name(f"{name}.py") for name in ("study", "guard", "sources", "parser")),
)


class _Reading:
    """The environment whose pages this process is reading, between
    ``env-before-read-docs`` and ``env-updated``, and the pages it reads.

    :func:`warn` has only a page's name; this tells it where to keep the problem.
    Parallel readers are forked while it is set, so each keeps problems in its own
    copy of the store, and Sphinx merges them back with the pages.
    """

    env: BuildEnvironment | None = None
    docnames: frozenset[str] = frozenset()


def warn(problem: Problem, docname: str, path: str | None = None) -> None:
    """Report a problem the way Sphinx reports its own: file, line, code.

    Errors are Sphinx warnings (fatal under ``-W``, as in CI). Rules of warning
    severity ask a person to look again, as ``atlas check`` does, so they are
    printed with their location but do not fail the build. ``path`` locates a
    file that is no document of Sphinx's. A problem of the page being read is
    kept, to be reported again while the page is not read.
    """
    env = _Reading.env
    if path is None and env is not None and env.docname == docname:
        atlas_domain(env).add_problem(docname, problem.rule.code, problem.line, problem.message)
    _log(problem, f"{path}:{problem.line}" if path is not None else (docname, problem.line))


def _log(problem: Problem, location: str | tuple[str, int]) -> None:
    if problem.rule.severity is Severity.WARNING:
        logger.info(f"advice: {problem}", location=location)
        return
    logger.warning(str(problem), location=location, type="atlas", subtype=problem.rule.code)


def start_reading(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    """``env-before-read-docs``, after the other handlers have chosen the pages to read."""
    _Reading.env = env
    _Reading.docnames = frozenset(docnames)


def report_unread_pages(app: Sphinx, env: BuildEnvironment) -> None:
    """``env-updated``: report again the kept problems of every page not read now.

    Runs once per build, in the main process, after parallel readers have been
    merged. A page read in this build has reported its problems already.
    """
    read = _Reading.docnames
    _Reading.env, _Reading.docnames = None, frozenset()
    kept = atlas_domain(env).problems()
    for docname in sorted(kept.keys() - read):
        if docname not in env.all_docs:
            continue
        for code, line, message in kept[docname]:
            rule = RULES.get(code)
            if rule is not None:
                _log(Problem(rule, line, message), (docname, line))


def rules_digest() -> str:
    """A digest of the code in :data:`RULE_CODE`."""
    digest = hashlib.sha256()
    for path in RULE_CODE:
        digest.update(f"{path.name}\0".encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def pages_to_check_again(
    app: Sphinx, env: BuildEnvironment, added: Set[str], changed: Set[str], removed: Set[str]
) -> list[str]:
    """``env-get-outdated``: kept problems are what the rules found when a page was read.

    When the code of the rules changes, every page is read again, so that no page
    keeps a problem the rules no longer find, nor misses one they now find. On a
    new day, the pages with problems are read again: rules about dates compare
    with today (a year or date in the future), and their messages name it.
    """
    atlas = atlas_domain(env)
    digest = rules_digest()
    previous = atlas.swap("rules_digest", digest)
    if previous and previous != digest:
        return sorted(env.found_docs)
    day = today().isoformat()
    if atlas.swap("problems_day", day) not in (None, day):
        return sorted(atlas.problems().keys() & env.found_docs)
    return []


def setup_problems(app: Sphinx) -> None:
    app.connect("env-get-outdated", pages_to_check_again)
    # Last of the handlers that choose the pages to read (default priority 500).
    app.connect("env-before-read-docs", start_reading, priority=900)
    # Before the atlas-wide rules (default priority 500), so a page's own problems come first.
    app.connect("env-updated", report_unread_pages, priority=400)
