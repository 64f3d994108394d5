"""Keep parallel builds linear in the number of pages.

With ``-j``, Sphinx forks a process per chunk of documents to read, and each
child inherits the parent's environment, with every document merged so far.
Two costs follow, both growing with the atlas:

- The child sends its environment back whole, pickled, and the parent
  unpickles it, though only the chunk's own documents are merged from it. The
  k-th chunk carries the k-1 before it, so reading grows with the square of
  the number of studies. A child therefore forgets, before it reads, every
  document it did not read itself: nothing a reader does may depend on them
  anyway, since chunks are merged in whatever order they finish.
- A full garbage collection walks every object, and writing the collector's
  bookkeeping into an object copies the memory page it sits on in the
  forked process. Objects that live until the build ends are frozen instead
  (``gc.freeze``, made for this case): in each child before it reads, and in
  the parent once reading is done, before the writing processes are forked.
"""

from __future__ import annotations

import gc
import os
from weakref import WeakKeyDictionary

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

#: The process that runs each parallel build; any other process seen during
#: the build is one of its forked readers or writers.
_main_process: WeakKeyDictionary[Sphinx, int] = WeakKeyDictionary()
#: The forked readers (by process id) that have already dropped what they inherited.
_prepared: set[int] = set()


def note_main_process(app: Sphinx) -> None:
    """``builder-inited``: remember which process runs this build, if it forks at all."""
    if app.parallel > 1:
        _main_process[app] = os.getpid()


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
    for other in [name for name in env.all_docs if name != docname]:
        app.events.emit("env-purge-doc", env, other)
        env.clear_doc(other)
    gc.freeze()


def freeze_before_writing(app: Sphinx, env: BuildEnvironment) -> None:
    """``env-updated``: collect the read phase's garbage once, then freeze what is left."""
    if app in _main_process:
        gc.collect()
        gc.freeze()


def thaw(app: Sphinx, exception: Exception | None) -> None:
    """``build-finished``: let the collector see everything again (a process may build twice)."""
    if app in _main_process:
        gc.unfreeze()


def setup_forking(app: Sphinx) -> None:
    app.connect("builder-inited", note_main_process)
    app.connect("source-read", travel_light, priority=100)
    app.connect("env-updated", freeze_before_writing, priority=900)
    app.connect("build-finished", thaw, priority=100)
