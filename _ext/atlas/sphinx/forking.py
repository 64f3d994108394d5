"""Keep parallel builds linear in the number of pages.

With ``-j``, Sphinx forks a process per chunk of documents to read, and each
child inherits the parent's environment, with every document merged so far.
Two costs follow, both growing with the atlas:

- The child sends its environment back whole, pickled, and the parent
  unpickles it, though only the chunk's own documents are merged from it. The
  k-th chunk carries the k-1 before it, so reading grows with the square of
  the number of studies. A child therefore forgets, before it reads, every
  document it did not read itself: nothing a reader does may depend on them
  anyway, since chunks are merged in whatever order they finish. Its list of
  all source files, which it needs while reading, is not sent back.
- A full garbage collection walks every object, and writing the collector's
  bookkeeping into an object copies the memory page it sits on in the
  forked process. Objects that live until the build ends are frozen instead
  (``gc.freeze``, made for this case): in each child before it reads, and in
  the parent once a large read is done, before the writing processes are
  forked (at 6,145 studies, 7 s less writing with ``-j 2``).

This leans on Sphinx internals; :mod:`atlas.sphinx.shortcuts` says which, and
turns it off (``parallel_readers``) outside the tested Sphinx versions.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Callable
from typing import Any
from weakref import WeakKeyDictionary, WeakSet

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.events import EventListener
from sphinx.project import Project

from .shortcuts import runs

#: The process that runs each parallel build; any other process seen during
#: the build is one of its forked readers or writers.
_main_process: WeakKeyDictionary[Sphinx, int] = WeakKeyDictionary()
#: The forked readers (by process id) that have already dropped what they inherited.
_prepared: set[int] = set()
#: Parallel builds that read many pages; the others (an edit) skip freezing, as
#: the one full collection before it would cost more than it saves.
_large: WeakSet[Sphinx] = WeakSet()
MANY_PAGES = 200


def note_main_process(app: Sphinx) -> None:
    """``builder-inited``: remember which process runs this build, if it forks at all.

    A build not noted here takes Sphinx's normal parallel path throughout.
    """
    if app.parallel > 1 and runs(app.config, "parallel_readers"):
        _main_process[app] = os.getpid()


def note_large_build(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    """``env-before-read-docs``: a parallel build that reads many pages will fork many writers."""
    if app in _main_process and len(docnames) >= MANY_PAGES:
        _large.add(app)


def travel_light(app: Sphinx, docname: str, source: list[str]) -> None:
    """``source-read``: in a forked reader, before its first document, drop what it inherited.

    Sphinx cleared the documents to be read before forking, so every document
    the environment still holds is one this child will not read.
    """
    pid = os.getpid()
    if _main_process.get(app, pid) == pid or pid in _prepared:
        return
    _prepared.add(pid)
    env = app.env
    # The event's handlers, called as Sphinx calls them, minus the debug record
    # Sphinx makes of every call (half the time, thousands of times over).
    purge = [each.handler for each in sorted(app.events.listeners["env-purge-doc"], key=_priority)]
    for other in [name for name in env.all_docs if name != docname]:
        for handler in purge:
            handler(app, env, other)
        env.clear_doc(other)
    if type(env.project) is Project:
        env.project.__class__ = _ProjectLeftBehind
    gc.freeze()


def _priority(listener: EventListener) -> int:
    return listener.priority


class _ProjectLeftBehind(Project):
    """A forked reader's list of all source files: used while reading, never sent back.

    The parent merges only the chunk's documents from a reader's environment,
    and unpickling every file path again took a third of its time at 24,580
    studies.
    """

    def __reduce__(self) -> tuple[Callable[[], None], tuple[()]]:
        return _left_behind, ()


def _left_behind() -> None:
    """What a reader's project becomes in the parent: nothing."""


def freeze_before_writing(app: Sphinx, env: BuildEnvironment) -> None:
    """``env-updated``: collect the read phase's garbage once, then freeze what is left."""
    if app in _large:
        gc.collect()
        gc.freeze()


def settle_writer(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """``html-page-context``: in a forked writer, before its first page, freeze what it inherited.

    The parent keeps working while writers run (it resolves the next chunks'
    pages), so a writer inherits objects made after the parent froze its own.
    Writing a study page now renders it, and the collections that allocation
    sets off would walk all of them in every writer (about 5 s of 18 at 6,145
    studies, measured by switching the collector off in writers).
    """
    pid = os.getpid()
    if app in _large and _main_process.get(app, pid) != pid and pid not in _prepared:
        _prepared.add(pid)
        gc.freeze()


def thaw(app: Sphinx, exception: Exception | None) -> None:
    """``build-finished``: let the collector see everything again (a process may build twice)."""
    if app in _large:
        _large.discard(app)
        gc.unfreeze()


def setup_forking(app: Sphinx) -> None:
    app.connect("builder-inited", note_main_process)
    app.connect("env-before-read-docs", note_large_build, priority=900)
    app.connect("source-read", travel_light, priority=100)
    app.connect("env-updated", freeze_before_writing, priority=900)
    app.connect("html-page-context", settle_writer, priority=100)
    app.connect("build-finished", thaw, priority=100)
