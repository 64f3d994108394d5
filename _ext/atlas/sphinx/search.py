"""Full-text search with Pagefind instead of Sphinx's own index, in shards an edit re-indexes alone.

Sphinx's indexer stems every word of every page in Python, a third of the
build at atlas scale, and ships one ``searchindex.js`` that the browser loads
whole. Pagefind indexes the built HTML in Rust and serves the index in small
chunks on demand, but it has no incremental mode: one run over 6,145 studies
took 10 s and 945 MB after every edit. So the site is indexed in shards:

- ``pagefind/`` holds the guide, tag and level pages (a few dozen) and
  Pagefind's scripts; it is the bundle the search page loads first.
- ``pagefind/studies/<k>/`` holds the study pages whose path hashes to ``k``,
  about :data:`PAGES_PER_SHARD` each. A page stays in its shard while the
  number of shards stays the same, so an edit re-indexes one shard.

The search page merges every shard with Pagefind's ``mergeIndex``; merged
bundles share the first one's WebAssembly, so each shard costs a phone two
small files when search opens and one index chunk per query. Which shards
exist, and the filter labels in the vocabulary's order, are in
:data:`MANIFEST` beside the scripts.

A shard is indexed again when any of its pages was written, added or removed
since, or when a file of its bundle is missing, changed or extra (an output
file deleted by hand is written again). The index pages' tables are left out
of the index (a tag page is found by its name and introduction, never by a
table cell), and so are the parts every study page repeats.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.builders.html import StandaloneHTMLBuilder
from sphinx.errors import ExtensionError
from sphinx.util import logging

from ..sitebuild import Listing, digest
from .data import atlas_domain, builds_site
from .pagefindorder import sort_filters
from .searchfacts import FilterGroup, filter_groups

logger = logging.getLogger(__name__)

#: What Pagefind reads of each page: the article, not the navigation around it,
#: not the parts every study page repeats (anchors, badges, explainer, citations),
#: and none of the lists of studies on index pages and home (tables, a tag's
#: "at a glance" summary, recent studies, the year chart), whose cells and titles
#: read as run-together words and belong to the study pages' own results. An
#: index page is found by its title and definition.
ROOT_SELECTOR = "article[role=main]"
EXCLUDE_SELECTORS = (
    ".headerlink",
    ".atlas-badges",
    ".atlas-pem-explainer",
    ".atlas-actions",
    ".atlas-cite",
    ".atlas-table",
    ".atlas-glance",
    ".atlas-recent",
    ".atlas-years",
    ".atlas-year-table",
    ".atlas-decades",
)
BUNDLE = "pagefind"
#: Below the bundle: one folder per shard of study pages.
SHARDS = "studies"
#: The folder of study pages; every other page goes into the first bundle.
STUDY_FOLDER = "studies/"
#: About how many study pages one shard holds: one shard takes about 1 s to index.
PAGES_PER_SHARD = 1000
#: The shard that holds every page outside the study folder, in the bundle's root.
MAIN = "main"
#: In the bundle: the shards to merge and the filter groups, for the search page.
MANIFEST = "atlas-search.json"
#: In the doctree folder: what each shard was last made from, and what it holds.
INDEXED = "atlas-search.json"
#: Where new shards are written before they replace the old ones, and old ones go.
STAGING = f"{BUNDLE}.next"
RETIRED = f"{BUNDLE}.old"
#: Characters with a meaning in Pagefind's glob patterns, escaped in page names.
GLOB_SPECIAL = set("\\*?[]{}<>,:!")
#: The guide page whose form search.js fills in.
SEARCH_PAGE = "search"


def use_pagefind(app: Sphinx) -> None:
    """``builder-inited``: no Sphinx search index when Pagefind serves search."""
    builder = app.builder
    if (
        app.config.atlas_pagefind
        and builds_site(app)
        and isinstance(builder, StandaloneHTMLBuilder)
    ):
        builder.search = False


def shard_count(studies: int) -> int:
    """A power of two, so that a growing atlas splits each shard in two instead of reshuffling."""
    count = 1
    while count * PAGES_PER_SHARD < studies:
        count *= 2
    return count


def shard_of(page: str, count: int) -> str:
    """The shard of one page: a stable hash of its path among ``count`` study shards."""
    if not page.startswith(STUDY_FOLDER):
        return MAIN
    number = int(hashlib.sha256(page.encode("utf-8")).hexdigest()[:12], 16) % count
    return f"{SHARDS}/{number}"


def shard_folder(outdir: Path, shard: str) -> Path:
    return outdir / BUNDLE if shard == MAIN else outdir / BUNDLE / shard


def page_shards(pages: Mapping[str, str]) -> dict[str, dict[str, str]]:
    """Every shard with its pages and their states; the first bundle is there even when empty."""
    count = shard_count(sum(page.startswith(STUDY_FOLDER) for page in pages))
    shards: dict[str, dict[str, str]] = {MAIN: {}}
    shards.update({f"{SHARDS}/{number}": {} for number in range(count)})
    for page, state in pages.items():
        shards[shard_of(page, count)][page] = state
    # A study shard no page hashes to is not made (a small atlas leaves some empty).
    return {shard: listing for shard, listing in shards.items() if listing or shard == MAIN}


def bundle_shards(listing: Listing) -> dict[str, Listing]:
    """The search bundle's files grouped by the shard that wrote them (the manifest apart)."""
    shards: dict[str, Listing] = {}
    for name, state in listing.items():
        parts = name.split("/")
        if len(parts) > 2 and parts[0] == SHARDS:
            shard = f"{SHARDS}/{parts[1]}"
        elif name == MANIFEST:
            continue
        else:
            shard = MAIN
        shards.setdefault(shard, {})[name] = state
    return shards


def start_indexing(app: Sphinx, exception: Exception | None) -> None:
    """``build-finished``, once every page is written and stale pages are removed.

    Each shard whose pages or bundle files changed is indexed again in a
    thread (Pagefind runs in its own processes), while the open data, feeds
    and sitemap are written: none of them writes a page. :func:`index_site`
    waits for it at the end of the build; in a preview nothing waits, and until
    the thread is done the search page says that results may lag (the thread
    writes the manifest again when it is, whether or not a shard changed).
    """
    if exception is not None or not app.config.atlas_pagefind or not builds_site(app):
        return
    outdir = Path(app.outdir)
    record = Path(app.doctreedir) / INDEXED
    groups = filter_groups(atlas_domain(app.env).vocabulary)
    if app.config.atlas_search_in_background:
        mark_stale(outdir / BUNDLE)
    BACKGROUND.request(lambda: refresh(outdir, record, groups, announce=logger.info))


def index_site(app: Sphinx, exception: Exception | None) -> None:
    """``build-finished``, last: the build ends with the search bundle whole.

    It waits even after an error elsewhere, so that no Pagefind process is left
    writing into the output of a build that stops.
    """
    if not app.config.atlas_pagefind or not builds_site(app):
        return
    if app.config.atlas_search_in_background and exception is None:
        return
    BACKGROUND.wait()
    error = BACKGROUND.take_error()
    if error is not None and exception is None:
        raise error


def mark_stale(bundle: Path) -> None:
    """Add ``"stale": true`` to the manifest the search page reads, if there is one."""
    try:
        manifest = json.loads((bundle / MANIFEST).read_text("utf-8"))
    except (OSError, ValueError):
        return
    if isinstance(manifest, dict):
        manifest["stale"] = True
        write_manifest(bundle, json.dumps(manifest, indent=1, sort_keys=True) + "\n")


class BackgroundSearch:
    """Re-indexes search in a thread, so that a preview shows a saved page before search has it.

    Requests made while it runs are folded into one more run after it, which
    sees every page written in between.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._job: Callable[[], object] | None = None
        self._thread: threading.Thread | None = None
        self._idle = threading.Event()
        self._idle.set()
        self._error: ExtensionError | None = None

    def request(self, job: Callable[[], object]) -> None:
        with self._lock:
            self._job = job
            self._idle.clear()
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="atlas-search", daemon=True)
                self._thread.start()

    def wait(self, timeout: float | None = None) -> bool:
        """Whether search caught up with the last request within ``timeout`` seconds."""
        return self._idle.wait(timeout)

    def take_error(self) -> ExtensionError | None:
        """The error of the last run that failed since the last call, if any."""
        with self._lock:
            error, self._error = self._error, None
        return error

    def _run(self) -> None:
        while True:
            with self._lock:
                job, self._job = self._job, None
                if job is None:
                    self._thread = None
                    self._idle.set()
                    return
            try:
                job()
            except Exception as error:  # a thread that dies would leave wait() waiting
                failure = (
                    error
                    if isinstance(error, ExtensionError)
                    else ExtensionError(f"Search could not be updated: {error!r}")
                )
                print(f"Search could not be updated: {failure}", file=sys.stderr)
                with self._lock:
                    self._error = failure


#: The one background indexer of this process (``make serve`` turns it on).
BACKGROUND = BackgroundSearch()


def manifest_text(shards: Iterable[str], groups: Iterable[FilterGroup]) -> str:
    """The manifest the search page reads: shards to merge, filter groups in order.

    In a preview, :func:`mark_stale` adds ``"stale": true`` while the index is
    being brought up to date; the search page then says so above the results.
    """
    data: dict[str, object] = {
        "bundles": [f"{shard}/" for shard in sorted(shards) if shard != MAIN],
        "filters": [
            {"key": group.key, "name": group.name, "values": list(group.labels)} for group in groups
        ],
    }
    return json.dumps(data, indent=1, sort_keys=True) + "\n"


def search_listing(outdir: Path) -> Listing:
    """The size and time of every page and every file of the search bundle, by path.

    The front end's listing of the whole output would do, but it runs while the
    open data, feeds and sitemap are written beside it (their files appear and
    are renamed meanwhile); pages and the bundle are written by nothing else
    then. A file that goes away while it is listed is left out.
    """
    listing: Listing = {}
    skipped = {STAGING, RETIRED}

    def walk(folder: str, prefix: str, everything: bool) -> None:
        try:
            entries = list(os.scandir(folder))
        except OSError:
            return
        for entry in entries:
            name = f"{prefix}{entry.name}"
            try:
                if entry.is_dir(follow_symlinks=False):
                    if not (prefix == "" and entry.name in skipped):
                        walk(entry.path, f"{name}/", everything or name == BUNDLE)
                elif everything or entry.name.endswith(".html"):
                    status = entry.stat()
                    listing[name] = f"{status.st_size}:{status.st_mtime_ns}"
            except FileNotFoundError:
                continue

    walk(str(outdir), "", False)
    return listing


class SearchState:
    """What the search bundle should hold now, what it holds, and which shards must be redone.

    One walk of the output (the front end's listing) gives both the pages,
    with their sizes and times, and the bundle's files.
    """

    def __init__(self, outdir: Path, record: Path, groups: Iterable[FilterGroup]) -> None:
        listing = search_listing(outdir)
        skipped = (f"{BUNDLE}/", f"{STAGING}/", f"{RETIRED}/")
        pages = {
            name: state
            for name, state in listing.items()
            if name.endswith(".html") and not name.startswith(skipped)
        }
        prefix = f"{BUNDLE}/"
        files = {
            name[len(prefix) :]: state for name, state in listing.items() if name.startswith(prefix)
        }
        self.shards = page_shards(pages)
        self.manifest = manifest_text(self.shards, groups)
        self.pages = {shard: digest(listing) for shard, listing in self.shards.items()}
        bundles = {shard: digest(found) for shard, found in bundle_shards(files).items()}
        try:
            last = json.loads(record.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            last = {}
        self.last = last if isinstance(last, dict) else {}
        last_pages = self.last.get("pages")
        last_pages = last_pages if isinstance(last_pages, dict) else {}
        last_bundles = self.last.get("bundles")
        last_bundles = last_bundles if isinstance(last_bundles, dict) else {}
        self.stale = [
            shard
            for shard in sorted(self.shards)
            if last_pages.get(shard) != self.pages[shard]
            or shard not in bundles
            or last_bundles.get(shard) != bundles[shard]
        ]
        #: Shard folders no page belongs to any more (the atlas shrank below a doubling).
        shard_names = {name.split("/")[1] for name in files if name.startswith(f"{SHARDS}/")}
        self.retired = sorted(name for name in shard_names if f"{SHARDS}/{name}" not in self.shards)

    def up_to_date(self, bundle: Path) -> bool:
        if self.stale or self.retired or self.last.get("manifest") != self.manifest:
            return False
        manifest = bundle / MANIFEST
        return manifest.is_file() and manifest.read_text("utf-8") == self.manifest


def refresh(
    outdir: Path,
    record: Path,
    groups: Iterable[FilterGroup],
    announce: Callable[[str], None] | None = None,
    workers: int | None = None,
) -> list[str]:
    """Index again the shards that need it, remove retired ones, write the manifest.

    Returns the shards indexed. The record is removed first and written last,
    so a run that stops half-way is redone in full by the next build.
    """
    bundle = outdir / BUNDLE
    state = SearchState(outdir, record, groups)
    if state.up_to_date(bundle):
        return []
    record.unlink(missing_ok=True)
    stale = state.stale
    if stale and announce is not None:
        announce(
            "indexing the site for search with Pagefind "
            f"({len(stale)} of {len(state.shards)} shards)..."
        )
    index_shards(outdir, {shard: state.shards[shard] for shard in stale}, workers)
    for name in state.retired:
        shutil.rmtree(bundle / SHARDS / name, ignore_errors=True)
    write_manifest(bundle, state.manifest)
    bundles = {
        shard: digest(files)
        for shard, files in bundle_shards(
            {
                name[len(BUNDLE) + 1 :]: state
                for name, state in search_listing(outdir).items()
                if name.startswith(f"{BUNDLE}/")
            }
        ).items()
    }
    done = {"pages": state.pages, "manifest": state.manifest, "bundles": bundles}
    record.parent.mkdir(parents=True, exist_ok=True)
    record.write_text(json.dumps(done, sort_keys=True), encoding="utf-8")
    return stale


def write_manifest(bundle: Path, manifest: str) -> None:
    """Replace the manifest in one step: the search page never reads half of one."""
    bundle.mkdir(parents=True, exist_ok=True)
    partial = bundle / f"{MANIFEST}.partial"
    partial.write_text(manifest, encoding="utf-8")
    partial.replace(bundle / MANIFEST)


def index_shards(
    outdir: Path, shards: Mapping[str, Mapping[str, str]], workers: int | None
) -> None:
    """Index each shard into a staging folder, several at once, then put each in place.

    Pagefind names its files by content and never deletes old ones, so a shard
    is written afresh and swapped with the old folder, which is deleted while
    the next shard is indexed.
    """
    if not shards:
        return
    staging = outdir / STAGING
    retired = outdir / RETIRED
    for folder in (staging, retired):
        shutil.rmtree(folder, ignore_errors=True)
    retired.mkdir()
    cleaners: list[threading.Thread] = []
    limit = workers or max(1, min(len(shards), os.cpu_count() or 1, 4))
    with tempfile.TemporaryDirectory(prefix="atlas-pagefind-") as scratch:
        queue = sorted(shards)
        running: list[tuple[str, subprocess.Popen[str]]] = []
        while queue or running:
            while queue and len(running) < limit:
                shard = queue.pop(0)
                running.append((shard, start_pagefind(outdir, shard, shards[shard], Path(scratch))))
            shard, process = running.pop(0)
            _, errors = process.communicate()
            if process.returncode != 0:
                for _, other in running:
                    other.kill()
                    other.wait()
                raise ExtensionError(f"Pagefind could not index the site:\n{errors.strip()}")
            # Pagefind writes filters in a random order; sorted, the bundle is reproducible.
            sort_filters(outdir / STAGING / shard)
            put_in_place(outdir, shard, retired)
            cleaner = threading.Thread(
                target=shutil.rmtree,
                args=(retired / shard.replace("/", "-"),),
                kwargs={"ignore_errors": True},
            )
            cleaner.start()
            cleaners.append(cleaner)
    for cleaner in cleaners:
        cleaner.join()
    shutil.rmtree(staging, ignore_errors=True)
    shutil.rmtree(retired, ignore_errors=True)


def glob_of(pages: Iterable[str]) -> str:
    """A Pagefind glob that matches exactly these pages."""
    escaped = ("".join(f"\\{c}" if c in GLOB_SPECIAL else c for c in page) for page in pages)
    return "{" + ",".join(sorted(escaped)) + "}"


def pagefind_config(outdir: Path, pages: Iterable[str], subdir: str) -> dict[str, object]:
    """Pagefind's settings for one shard, read from a file: a shard's glob can be long."""
    return {
        "site": str(outdir),
        "glob": glob_of(pages),
        "root_selector": ROOT_SELECTOR,
        "exclude_selectors": list(EXCLUDE_SELECTORS),
        "output_subdir": subdir,
        "silent": True,
    }


def start_pagefind(
    outdir: Path, shard: str, pages: Mapping[str, str], scratch: Path
) -> subprocess.Popen[str]:
    """Start Pagefind on one shard's pages, writing into the staging folder."""
    folder = scratch / shard.replace("/", "-")
    folder.mkdir(parents=True)
    # An empty shard still gets a bundle, so the search page can merge every shard it lists.
    names = list(pages) or ["atlas-no-page-matches-this.html"]
    config = pagefind_config(outdir, names, f"{STAGING}/{shard}")
    (folder / "pagefind.json").write_text(json.dumps(config), encoding="utf-8")
    return subprocess.Popen(
        [sys.executable, "-m", "pagefind"],
        cwd=folder,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def put_in_place(outdir: Path, shard: str, retired: Path) -> None:
    """Swap a freshly written shard for the old one (which moves to ``retired``)."""
    new = outdir / STAGING / shard
    old = retired / shard.replace("/", "-")
    target = shard_folder(outdir, shard)
    if shard != MAIN:
        if target.exists():
            target.rename(old)
        target.parent.mkdir(parents=True, exist_ok=True)
        new.rename(target)
        return
    # The first bundle's folder also holds the study shards and the manifest; only its files move.
    old.mkdir(parents=True, exist_ok=True)
    target.mkdir(exist_ok=True)
    for entry in list(target.iterdir()):
        if entry.name not in (SHARDS, MANIFEST):
            entry.rename(old / entry.name)
    for entry in list(new.iterdir()):
        entry.rename(target / entry.name)


def pagefind_command(outdir: Path, bundle: str = BUNDLE) -> list[str]:
    """The Pagefind command that indexes the whole built site in one run into ``bundle``.

    The build indexes in shards; this single run is what ``make bench`` compares them with.
    """
    command = [sys.executable, "-m", "pagefind", "--site", str(outdir)]
    command += ["--root-selector", ROOT_SELECTOR, "--output-subdir", bundle, "--silent"]
    for selector in EXCLUDE_SELECTORS:
        command += ["--exclude-selectors", selector]
    return command


def add_search_assets(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: object
) -> None:
    """``html-page-context``: the search script and styles load on the search page only."""
    builder = app.builder
    if pagename == SEARCH_PAGE and isinstance(builder, StandaloneHTMLBuilder):
        builder.add_css_file("search.css")
        builder.add_js_file("search.js", defer="defer")


def setup_search(app: Sphinx) -> None:
    # Set by `make serve` (atlas.serve), not in conf.py: it changes no page, so "" (no rebuild).
    app.add_config_value("atlas_search_in_background", False, "", types=frozenset({bool}))
    app.connect("builder-inited", use_pagefind)
    app.connect("html-page-context", add_search_assets)
    # After outputs.remove_stale_pages (400), before the open data and feeds (500),
    # which are written while Pagefind runs; index_site (600) waits for it.
    app.connect("build-finished", start_indexing, priority=410)
    app.connect("build-finished", index_site, priority=600)
