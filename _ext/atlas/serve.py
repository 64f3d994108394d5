"""``make serve``: a live preview that shows a saved page in about a second.

``sphinx-autobuild`` starts a new ``sphinx-build`` for every save: Python,
Sphinx and the whole saved environment load again (1.2 s at 6,145 studies)
and the whole site is indexed for search before the page can be seen. This
preview keeps one Sphinx application alive, with its environment in memory,
and after each save builds only what changed, through the same front end
rules as ``make html`` (:mod:`atlas.sitebuild`):

- A marker says a build is under way; a preview killed in the middle of one
  makes the next build start from nothing, as an interrupted ``make html`` does.
- The front end's record of a completed build is removed when the preview
  starts, so the next ``make html`` runs Sphinx and brings every output up to
  date (it never says "Nothing changed" over a preview's output).
- Search is brought up to date in a background thread after the pages are
  written (:data:`atlas.sphinx.search.BACKGROUND`). Until it is, the search
  page says that results may miss the newest changes.
- Every page the preview serves reloads itself when a build or a search update
  finishes, by asking the server for the build's number once a second.

A change to ``conf.py``, the extension, the templates or the vocabulary starts
the preview again (the extension writes tag and level pages from the
vocabulary when Sphinx starts).
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import logging
import os
import queue
import signal
import sys
import threading
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from . import sitebuild

#: Files and folders beside ``conf.py`` whose change needs a new Sphinx application.
RESTART_INPUTS = sitebuild.CONFIG_INPUTS
#: Source files whose change needs a new Sphinx application too.
RESTART_SOURCES = ("vocabulary.yaml",)
#: What the served pages ask for to know when to reload.
VERSION_PATH = "/_atlas/version"
#: Whether a build is under way and whether search has caught up, as JSON (for ``make bench``).
STATE_PATH = "/_atlas/state"
#: Added to every page the preview serves, before ``</body>``.
RELOAD_SCRIPT = b"""<script>
(function () {
  let seen = null;
  async function check() {
    try {
      const answer = await fetch("%s", { cache: "no-store" });
      const version = await answer.text();
      if (seen !== null && version !== seen) location.reload();
      seen = version;
    } catch (error) {}
    setTimeout(check, 1000);
  }
  check();
})();
</script>""" % VERSION_PATH.encode()


class Preview:
    """One Sphinx application kept between builds, and the number of the last change shown."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.paths = sitebuild.Paths(args.source, args.build, args.conf)
        self.jobs = args.jobs
        self.version = 0
        self.building = False
        self.lock = threading.Lock()
        if self.paths.unfinished.exists():
            sitebuild.start_from_nothing(self.paths)
        # The preview's output is not a completed `make html`: the next one runs Sphinx.
        self.paths.stamp.unlink(missing_ok=True)
        self.app = self._application()

    def _application(self) -> Any:
        from sphinx.application import Sphinx

        paths = self.paths
        app = Sphinx(
            srcdir=paths.source,
            confdir=paths.confdir,
            outdir=paths.html,
            doctreedir=paths.doctrees,
            buildername="html",
            confoverrides={"atlas_search_in_background": True, "atlas_preview": True},
            parallel=int(self.jobs),
        )
        # Every page is written when the build finishes; open pages reload then,
        # while the open data, feeds and sitemap are still being written.
        app.connect("build-finished", lambda app, exception: self.bump(), priority=0)
        return app

    def build(self) -> float:
        """Bring the pages up to date; returns the seconds it took."""
        start = time.perf_counter()
        self.building = True
        self.paths.unfinished.parent.mkdir(parents=True, exist_ok=True)
        self.paths.unfinished.write_text(f"Preview build by process {os.getpid()}\n", "utf-8")
        self.app.build()
        self.paths.unfinished.unlink()
        self.building = False
        return time.perf_counter() - start

    def bump(self) -> None:
        with self.lock:
            self.version += 1

    def ignored(self) -> set[Path]:
        """The pages the extension writes into the source tree: their change is the build's own."""
        return {self.paths.source / name for name in self.paths.generated()}


class PreviewHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the built site, with the reload script in every page and the build's number."""

    def __init__(self, *args: Any, preview: Preview, **kwargs: Any) -> None:
        self.preview = preview
        super().__init__(*args, directory=str(preview.paths.html), **kwargs)

    def do_GET(self) -> None:
        if self.path == VERSION_PATH:
            self._send(str(self.preview.version).encode(), "text/plain")
            return
        if self.path == STATE_PATH:
            from .sphinx.search import BACKGROUND

            fresh = not self.preview.building and BACKGROUND.wait(timeout=0)
            state: dict[str, object] = {
                "version": self.preview.version,
                "building": self.preview.building,
                "search": "fresh" if fresh else "catching up",
            }
            self._send(json.dumps(state).encode(), "application/json")
            return
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if path.suffix == ".html" and path.is_file():
            page = path.read_bytes()
            marker = page.rfind(b"</body>")
            if marker >= 0:
                page = page[:marker] + RELOAD_SCRIPT + page[marker:]
            self._send(page, "text/html; charset=utf-8")
            return
        super().do_GET()

    def _send(self, body: bytes, kind: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


def needs_restart(changed: Iterable[Path], paths: sitebuild.Paths) -> bool:
    """Whether a change needs a new Sphinx application (settings, code, templates, vocabulary)."""
    inputs = [paths.confdir / name for name in RESTART_INPUTS]
    inputs += [paths.source / name for name in RESTART_SOURCES]
    return any(path == item or path.is_relative_to(item) for path in changed for item in inputs)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m atlas.serve",
        description="Preview the atlas while you edit: rebuild what changed and reload the page.",
    )
    parser.add_argument("source", type=Path, help="the source folder (source/)")
    parser.add_argument("build", type=Path, help="the build folder (_build/)")
    parser.add_argument("-c", "--conf", type=Path, default=Path("."), help="folder of conf.py")
    parser.add_argument("-j", "--jobs", default=sitebuild.DEFAULT_JOBS, help="sphinx-build -j")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000, help="0 picks a free port")
    arguments = list(sys.argv[1:] if argv is None else argv)
    args = parser.parse_args(arguments)
    args.source, args.build, args.conf = (p.resolve() for p in (args.source, args.build, args.conf))

    from .sphinx.search import BACKGROUND

    # Watching starts before the first build, so that no save is missed in between.
    watched = [args.source, *(args.conf / name for name in RESTART_INPUTS)]
    saves: queue.Queue[set[Path]] = queue.Queue()
    threading.Thread(target=_watch, args=(watched, saves), daemon=True).start()
    stop = threading.Event()
    signal.signal(signal.SIGINT, functools.partial(_stop_after_build, stop))
    preview = Preview(args)
    preview.build()
    handler = functools.partial(PreviewHandler, preview=preview)
    server = http.server.ThreadingHTTPServer((args.host, args.port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    threading.Thread(target=_follow_search, args=(preview, BACKGROUND), daemon=True).start()
    print(
        f"Serving the preview at http://{args.host}:{server.server_port}/ "
        "(search catches up a few seconds after each change; Ctrl+C stops).",
        flush=True,
    )
    try:
        while not stop.is_set():
            try:
                changed = saves.get(timeout=0.2)
            except queue.Empty:
                continue
            while not saves.empty():
                changed |= saves.get()
            changed -= preview.ignored()
            if not changed:
                continue
            if needs_restart(changed, preview.paths):
                print("Settings, templates or the vocabulary changed: starting again.", flush=True)
                server.server_close()
                os.execv(sys.executable, [sys.executable, "-m", "atlas.serve", *arguments])
            names = sorted(path.name for path in changed)
            saved = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
            seconds = preview.build()
            print(f"Rebuilt after {saved} in {seconds:.1f} s; open pages reload.", flush=True)
        print("Stopped. Waiting for search to finish, so the bundle is whole.", flush=True)
        BACKGROUND.wait()
    finally:
        server.shutdown()
    return 0


def _stop_after_build(stop: threading.Event, number: int, frame: object) -> None:
    """The first Ctrl+C lets a running build finish (a build cut short is redone from nothing)."""
    if stop.is_set():
        raise KeyboardInterrupt
    stop.set()
    print("Stopping after the build under way (Ctrl+C again stops at once).", flush=True)


def _watch(folders: list[Path], saves: queue.Queue[set[Path]]) -> None:
    """Put each batch of changed files under ``folders`` on ``saves``."""
    from watchfiles import watch

    # The preview prints its own line per build; watchfiles' count of changes is noise.
    logging.getLogger("watchfiles").setLevel(logging.WARNING)
    for changes in watch(*(path for path in folders if path.exists()), debounce=50, step=20):
        saves.put({Path(path) for _, path in changes})


def _follow_search(preview: Preview, background: Any) -> None:
    """Reload open pages once search has caught up (so the search page drops its notice)."""
    caught_up = True
    while True:
        idle = background.wait(timeout=0.2)
        if idle and not caught_up:
            preview.bump()
        caught_up = idle
        time.sleep(0.1)


if __name__ == "__main__":
    sys.exit(main())
