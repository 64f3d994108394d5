"""``make bench``: build one synthetic atlas three ways and measure each, in one run.

1. The project's own build (the command ``make html`` runs), cold, then a
   no-op rebuild, a one-study edit and a one-study addition; then the live
   preview (``make serve``): five saved edits, each timed until the served
   study, tag and level pages are right, and until search has caught up.
2. The bare stack: the same studies as plain MyST pages with hand-written
   sphinx-design cards, orphaned, with no atlas extension, same theme and ``-j``.
3. MkDocs Material with its tags plugin, on the same studies.

Only ratios measured in the same run mean anything on a shared machine; the
table and ``_build/bench.json`` give both the seconds and the ratios.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..model.vocabulary import DEFAULT_PATH, load_vocabulary
from ..sitebuild import DEFAULT_JOBS
from ..sphinx.search import pagefind_command
from .synth import (
    SyntheticStudy,
    atlas_page,
    bare_page,
    mkdocs_page,
    synthesize,
    write_atlas_tree,
)

ROOT = Path(__file__).resolve().parents[3]

# Runs a command and prints the peak RSS (KiB) of its largest process.
MEASURE = (
    "import resource, subprocess, sys\n"
    "code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL).returncode\n"
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    "sys.exit(code)\n"
)


@dataclass
class Run:
    seconds: float
    peak_rss_mb: float


def measure(command: list[str], cwd: Path) -> Run:
    environment = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-c", MEASURE, *command],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=environment,
    )
    seconds = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(f"build failed: {' '.join(command)}\n{result.stderr[-3000:]}")
    return Run(seconds, int(result.stdout.strip().splitlines()[-1]) / 1024)


def atlas_build(source: Path, build: Path, jobs: int) -> list[str]:
    """The command ``make html`` runs, on another source tree."""
    module = [sys.executable, "-m", "atlas.sitebuild", "-c", str(ROOT), "-j", str(jobs)]
    return [*module, str(source), str(build), "--", "-q"]


def sphinx(source: Path, build: Path, jobs: int) -> list[str]:
    """A plain sphinx-build, for the bare stack."""
    command = [str(Path(sys.executable).with_name("sphinx-build")), "-q", "-j", str(jobs)]
    return [*command, "-d", str(build / "doctrees"), "-b", "html", str(source), str(build / "html")]


def serve_command(source: Path, build: Path, jobs: int) -> list[str]:
    """The command ``make serve`` runs, on another source tree, on a free port."""
    module = [sys.executable, "-m", "atlas.serve", "-c", str(ROOT), "-j", str(jobs)]
    return [*module, str(source), str(build), "--port", "0"]


def fetch(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=10) as answer:
            text: str = answer.read().decode("utf-8")
            return text
    except OSError:
        return ""


def wait_until(done: Callable[[], bool], what: str, limit: float = 300) -> float:
    """Poll ``done`` every 100 ms; the seconds until it held.

    The preview serves from the process that builds, so polling much faster
    would slow the build it measures (a page a reader has open asks once a second).
    """
    start = time.perf_counter()
    while not done():
        if time.perf_counter() - start > limit:
            raise SystemExit(f"the preview never showed {what} within {limit:.0f} s")
        time.sleep(0.1)
    return time.perf_counter() - start


def serve_edits(
    source: Path, build: Path, jobs: int, studies: list[SyntheticStudy], edits: int = 5
) -> tuple[list[float], list[float]]:
    """Seconds from saving a study's new level to the preview showing it right, and to search.

    "Right" is what a reader checks: the study page shows its new level, its
    new level's page lists it and its old level's page does not.
    """
    process = subprocess.Popen(
        serve_command(source, build, jobs),
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert process.stdout is not None
    url = ""
    for line in process.stdout:
        if "Serving the preview at " in line:
            url = line.split("Serving the preview at ", 1)[1].split()[0]
            break
    if not url:
        raise SystemExit(f"the preview did not start (exit status {process.wait()})")
    # The preview prints a line per build; read them so that it never blocks on a full pipe.
    threading.Thread(target=process.stdout.read, daemon=True).start()
    shown, searched = [], []
    try:
        for study in studies[1 : edits + 1]:
            page = source / "studies" / f"{study.slug}.md"
            text = page.read_text("utf-8")
            old = re.search(r"^:evidence: (E\d)$", text, re.MULTILINE)[1]  # type: ignore[index]
            new = "E3" if old != "E3" else "E2"
            start = time.perf_counter()
            page.write_text(text.replace(f":evidence: {old}", f":evidence: {new}"), "utf-8")
            shows = functools.partial(preview_shows, url, study.slug, old, new)
            wait_until(shows, f"the edit of {study.slug}")
            shown.append(time.perf_counter() - start)
            wait_until(lambda: '"search": "fresh"' in fetch(f"{url}_atlas/state"), "search")
            searched.append(time.perf_counter() - start)
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=300)
    return shown, searched


def preview_shows(url: str, slug: str, old: str, new: str) -> bool:
    """The study page shows its new level; its new level's page lists it, its old one not."""
    link = f'href="../studies/{slug}.html"'
    return (
        f'data-pagefind-meta="level:{new} ' in fetch(f"{url}studies/{slug}.html")
        and link in fetch(f"{url}evidence/{new.lower()}.html")
        and link not in fetch(f"{url}evidence/{old.lower()}.html")
    )


def size_mb(path: Path) -> float:
    if path.is_file():
        return path.stat().st_size / 2**20
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 2**20


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="atlas bench", description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=6145, help="number of synthetic studies")
    parser.add_argument(
        "--jobs", type=int, default=DEFAULT_JOBS, help="sphinx-build -j, as make html"
    )
    parser.add_argument("--work", type=Path, default=ROOT / "_build" / "bench")
    parser.add_argument("--out", type=Path, default=ROOT / "_build" / "bench.json")
    parser.add_argument("--skip-mkdocs", action="store_true")
    parser.add_argument(
        "--atlas-only",
        action="store_true",
        help="measure only the atlas's own builds and preview (no bare stack, no MkDocs)",
    )
    parser.add_argument(
        "--scale",
        type=int,
        default=0,
        metavar="K",
        help="also build K times the studies cold, to see how the build scales",
    )
    args = parser.parse_args(argv)

    vocabulary = load_vocabulary(ROOT / DEFAULT_PATH)
    studies = synthesize(args.n, vocabulary)
    if args.work.exists():
        shutil.rmtree(args.work)
    args.work.mkdir(parents=True)
    figures: dict[str, float | int | str] = {"n": args.n, "jobs": args.jobs}

    # 1. the atlas, built the way `make html` builds it
    atlas = args.work / "atlas"
    source = write_atlas_tree(studies, vocabulary, ROOT, atlas)
    build = atlas / "_build"
    command = atlas_build(source, build, args.jobs)
    cold = measure(command, ROOT)
    figures["cold_s"] = cold.seconds
    figures["peak_rss_mb"] = cold.peak_rss_mb
    figures["noop_s"] = measure(command, ROOT).seconds

    edited = studies[0]
    page = source / "studies" / f"{edited.slug}.md"
    old_level = edited.options["evidence"]
    new_level = next(level.key for level in vocabulary.evidence_levels if level.key != old_level)
    page.write_text(
        page.read_text().replace(f":evidence: {old_level}", f":evidence: {new_level}"), "utf-8"
    )
    figures["edit_s"] = measure(command, ROOT).seconds
    html = build / "html"
    # Pagefind indexing the whole site in one run (as before the shards), on the same output.
    figures["search_reindex_s"] = measure(pagefind_command(html, "pagefind-timing"), ROOT).seconds
    shutil.rmtree(html / "pagefind-timing")
    link = f'href="../studies/{edited.slug}.html"'
    if (
        link in (html / "evidence" / f"{old_level.lower()}.html").read_text()
        or link not in (html / "evidence" / f"{new_level.lower()}.html").read_text()
    ):
        raise SystemExit("the edited study is on the wrong evidence-level page")

    extra = synthesize(args.n + 1, vocabulary)[-1]
    (source / "studies" / f"{extra.slug}.md").write_text(atlas_page(extra, vocabulary), "utf-8")
    figures["add_s"] = measure(command, ROOT).seconds

    pages = [p.stat().st_size / 1024 for p in (html / "studies").glob("*.html")]
    figures["study_page_kb"] = statistics.median(pages)
    figures["output_mb"] = size_mb(html)
    figures["search_index_mb"] = size_mb(html / "pagefind")

    shown, searched = serve_edits(source, build, args.jobs, studies)
    figures["serve_edit_s"] = statistics.median(shown)
    figures["serve_edit_max_s"] = max(shown)
    figures["serve_search_s"] = statistics.median(searched)
    if args.atlas_only:
        return finish(args, figures)

    # 2. the bare stack on the same studies
    bare = args.work / "bare"
    (bare / "studies").mkdir(parents=True)
    (bare / "conf.py").write_text(
        'extensions = ["myst_parser", "sphinx_design"]\nhtml_theme = "furo"\n'
        'project = "Bare stack"\n'
    )
    (bare / "index.md").write_text("# Bare stack\n\nStudies are orphans.\n")
    for study in studies:
        (bare / "studies" / f"{study.slug}.md").write_text(bare_page(study, vocabulary))
    bare_run = measure(sphinx(bare, bare / "_build", args.jobs), bare)
    figures["bare_cold_s"] = bare_run.seconds
    figures["bare_peak_rss_mb"] = bare_run.peak_rss_mb
    figures["bare_search_index_mb"] = size_mb(bare / "_build" / "html" / "searchindex.js")
    figures["ratio_bare"] = cold.seconds / bare_run.seconds

    # 3. MkDocs Material with its tags plugin
    if not args.skip_mkdocs:
        mkdocs = args.work / "mkdocs"
        (mkdocs / "docs" / "studies").mkdir(parents=True)
        (mkdocs / "mkdocs.yml").write_text(
            # Studies stay out of the navigation, as they stay out of the atlas's
            # toctree: with all of them in it, every page renders 6,145 links.
            "site_name: MkDocs bench\ntheme:\n  name: material\n"
            "plugins:\n  - search\n  - tags\n"
            "nav:\n  - index.md\n  - tags.md\nnot_in_nav: |\n  /studies/\n"
        )
        (mkdocs / "docs" / "index.md").write_text("# MkDocs bench\n")
        (mkdocs / "docs" / "tags.md").write_text("# Tags\n\n<!-- material/tags -->\n")
        for study in studies:
            (mkdocs / "docs" / "studies" / f"{study.slug}.md").write_text(
                mkdocs_page(study, vocabulary)
            )
        mkdocs_bin = str(Path(sys.executable).with_name("mkdocs"))
        run = measure([mkdocs_bin, "build", "-q"], mkdocs)
        figures["mkdocs_cold_s"] = run.seconds
        figures["ratio_mkdocs"] = cold.seconds / run.seconds

    if args.scale > 1:
        big = args.work / f"atlas-x{args.scale}"
        many = synthesize(args.n * args.scale, vocabulary)
        big_source = write_atlas_tree(many, vocabulary, ROOT, big)
        big_run = measure(atlas_build(big_source, big / "_build", args.jobs), ROOT)
        figures["scale"] = args.scale
        figures["scale_cold_s"] = big_run.seconds
        figures["scale_peak_rss_mb"] = big_run.peak_rss_mb
        figures["scale_ratio"] = big_run.seconds / cold.seconds

    return finish(args, figures)


def finish(args: argparse.Namespace, figures: dict[str, float | int | str]) -> int:
    figures["machine"] = (
        f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(figures, indent=2, sort_keys=True) + "\n")
    print(table(figures))
    return 0


def table(figures: dict[str, float | int | str]) -> str:
    rows = [
        ("studies", "n", ""),
        ("atlas cold build", "cold_s", "s"),
        ("bare stack cold build", "bare_cold_s", "s"),
        ("MkDocs Material cold build", "mkdocs_cold_s", "s"),
        ("atlas / bare stack", "ratio_bare", "x"),
        ("atlas / MkDocs Material", "ratio_mkdocs", "x"),
        ("no-op rebuild", "noop_s", "s"),
        ("one study edited", "edit_s", "s"),
        ("whole-site Pagefind run, for comparison", "search_reindex_s", "s"),
        ("one study added", "add_s", "s"),
        ("preview: one study saved, pages right (median of 5)", "serve_edit_s", "s"),
        ("preview: slowest of the 5", "serve_edit_max_s", "s"),
        ("preview: search caught up (median of 5)", "serve_search_s", "s"),
        ("peak memory (largest process of the cold build)", "peak_rss_mb", "MB"),
        ("study page HTML (median)", "study_page_kb", "KB"),
        ("site output", "output_mb", "MB"),
        ("search index (Pagefind bundle)", "search_index_mb", "MB"),
        ("bare stack searchindex.js", "bare_search_index_mb", "MB"),
        ("scaled cold build (K x studies)", "scale_cold_s", "s"),
        ("scaled / normal cold build", "scale_ratio", "x"),
        ("scaled peak memory", "scale_peak_rss_mb", "MB"),
    ]
    lines = ["| measure | value |", "| --- | --- |"]
    for label, key, unit in rows:
        if key in figures:
            value = figures[key]
            text = f"{value:.2f}" if isinstance(value, float) else str(value)
            lines.append(f"| {label} | {text} {unit} |".replace("  |", " |"))
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
