"""Measure the browse page and both kinds of search on a built site, in Chromium.

Not a test: timings depend on the machine, so they are printed, never asserted.
Build a synthetic atlas first (see README, "Performance"), then::

    .venv/bin/python tests/browser/measure.py SITE [--sphinx-site SITE_BUILT_WITH_PAGEFIND_OFF]

Figures: bytes of browse.json and of the search indexes, what one search
downloads, and how long a filter change or a query takes, median and worst of
several runs, also with Chromium's CPU slowed four times (a mid-range phone).
"""

from __future__ import annotations

import argparse
import gzip
import json
import statistics
import sys
from pathlib import Path
from urllib.parse import urlsplit

#: Runs the action, then waits for the next frame: script time and time to a painted frame.
TIMED = """async (action) => {
  const start = performance.now();
  (new Function(action))();
  const script = performance.now() - start;
  await new Promise((done) => requestAnimationFrame(() => setTimeout(done, 0)));
  return [script, performance.now() - start];
}"""

#: Each filter change and how to undo it, as page script.
BROWSE_ACTIONS = {
    "tick E1 Replicated": (
        "document.getElementById('atlas-browse-level-1').click()",
        "document.getElementById('atlas-browse-level-1').click()",
    ),
    "tick PEM required": (
        "document.getElementById('atlas-browse-pem-0').click()",
        "document.getElementById('atlas-browse-pem-0').click()",
    ),
    "tick tag Fatigue": (
        "document.getElementById('atlas-browse-tag-0').click()",
        "document.getElementById('atlas-browse-tag-0').click()",
    ),
    "type a title word (one keystroke)": (
        "const q = document.getElementById('atlas-browse-q'); q.value = 'patients';"
        "q.dispatchEvent(new Event('input', {bubbles: true}))",
        "const q = document.getElementById('atlas-browse-q'); q.value = '';"
        "q.dispatchEvent(new Event('input', {bubbles: true}))",
    ),
    "year from 2010": (
        "const s = document.getElementById('atlas-browse-from'); s.value = '2010';"
        "s.dispatchEvent(new Event('change', {bubbles: true}))",
        "const s = document.getElementById('atlas-browse-from'); s.value = '';"
        "s.dispatchEvent(new Event('change', {bubbles: true}))",
    ),
    "sort by level": (
        "const s = document.getElementById('atlas-browse-sort'); s.value = 'level';"
        "s.dispatchEvent(new Event('change', {bubbles: true}))",
        "const s = document.getElementById('atlas-browse-sort'); s.value = 'newest';"
        "s.dispatchEvent(new Event('change', {bubbles: true}))",
    ),
    "show 50 more": (
        "document.getElementById('atlas-browse-more').click()",
        "document.getElementById('atlas-browse-q').dispatchEvent("
        "new Event('input', {bubbles: true}))",
    ),
}
RUNS = 15
SEARCH_WORDS = ["fatigue", "oxygen", "protein network", "women", "baseline"]


def gzipped(path: Path) -> int:
    return len(gzip.compress(path.read_bytes(), compresslevel=6))


def summary(times: list[float]) -> str:
    """Best, median and worst: on a shared machine the best is the least disturbed run."""
    return (
        f"best {min(times):5.1f} ms, median {statistics.median(times):5.1f} ms, "
        f"worst {max(times):6.1f} ms"
    )


def measure_browse(browser, url: str, site: Path, slowdown: int) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    if slowdown > 1:
        context.new_cdp_session(page).send("Emulation.setCPUThrottlingRate", {"rate": slowdown})
    page.goto(f"{url}browse.html")
    page.wait_for_function(
        "!document.getElementById('atlas-browse-count').textContent.includes('Loading')"
    )
    loaded = page.evaluate("performance.now()")
    print(f"\nBrowse page, CPU x{slowdown}: list shown {loaded:.0f} ms after navigation")
    for name, (action, undo) in BROWSE_ACTIONS.items():
        scripts, frames = [], []
        for _ in range(RUNS):
            script, frame = page.evaluate(TIMED, action)
            scripts.append(script)
            frames.append(frame)
            page.evaluate(TIMED, undo)
        print(f"  {name:36} script {summary(scripts)}; to next frame {summary(frames)}")
    context.close()


def measure_pagefind(browser, url: str, site: Path) -> None:
    bundle = site / "pagefind"
    files = [path for path in bundle.rglob("*") if path.is_file()]
    total = sum(path.stat().st_size for path in files)
    index = sum(p.stat().st_size for p in bundle.rglob("index/*"))
    fragments = sum(p.stat().st_size for p in bundle.rglob("fragment/*"))
    shards = json.loads((bundle / "atlas-search.json").read_text("utf-8"))["bundles"]
    print(
        f"\nPagefind bundle: {total:,} bytes in {len(files):,} files "
        f"(index chunks {index:,}, page fragments {fragments:,}), {len(shards) + 1} bundles"
    )
    for word in SEARCH_WORDS[:3]:
        context = browser.new_context()
        page = context.new_page()
        fetched: list[str] = []
        page.on("requestfinished", lambda request, into=fetched: into.append(request.url))
        page.goto(f"{url}search.html")
        page.wait_for_selector("#atlas-search-input")
        page.wait_for_load_state("networkidle")
        before = len(fetched)
        start = page.evaluate("performance.now()")
        page.fill("#atlas-search-input", word)
        page.wait_for_selector(".atlas-search-title")
        shown = page.evaluate("performance.now()") - start
        page.wait_for_load_state("networkidle")
        opening = [address for address in fetched[:before] if "/pagefind/" in address]
        sizes = {"page": _bytes(site, opening), "query": _bytes(site, fetched[before:])}
        print(
            f"  UI, query {word!r}: first results shown {shown:.0f} ms after typing "
            f"(includes the page's 250 ms typing pause); opening the page fetched "
            f"{sizes['page'][0]:,} bytes of Pagefind in {len(opening)} files "
            f"({sizes['page'][1]:,} gzipped), the query {sizes['query'][0]:,} bytes in "
            f"{len(fetched) - before} files"
        )
        context.close()
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{url}index.html")
    timings = page.evaluate(
        """async ([words, shards]) => {
          const pagefind = await import("./pagefind/pagefind.js");
          await pagefind.init();
          for (const shard of shards) await pagefind.mergeIndex(`/pagefind/${shard}`);
          const out = [];
          for (const word of words) {
            const start = performance.now();
            const search = await pagefind.search(word);
            await Promise.all(search.results.slice(0, 5).map((r) => r.data()));
            out.push([word, search.results.length, performance.now() - start]);
          }
          return out;
        }""",
        [SEARCH_WORDS + SEARCH_WORDS, shards],
    )
    for word, hits, took in timings:
        print(f"  API, query {word!r}: {hits:,} pages, search + first 5 results {took:.0f} ms")
    context.close()


def _bytes(site: Path, urls: list[str]) -> tuple[int, int]:
    """Bytes on disk of the site files fetched, and their gzipped size."""
    raw = packed = 0
    for address in urls:
        path = site / urlsplit(address).path.lstrip("/")
        if path.is_file():
            raw += path.stat().st_size
            # Pagefind's own index files are already compressed.
            already = path.suffix in (".pf_fragment", ".pf_index", ".pf_meta", ".pagefind")
            packed += path.stat().st_size if already else gzipped(path)
    return raw, packed


def measure_sphinx_search(browser, url: str, site: Path) -> None:
    index = site / "searchindex.js"
    size = index.stat().st_size
    print(f"\nSphinx search: searchindex.js {size:,} bytes, {gzipped(index):,} gzipped")
    for word in SEARCH_WORDS[:3]:
        context = browser.new_context()
        page = context.new_page()
        page.goto(f"{url}search.html?q={word}")
        page.wait_for_function(
            "typeof Search !== 'undefined' && Search.hasIndex()", timeout=120_000
        )
        loaded = page.evaluate("performance.now()")
        page.wait_for_selector("#search-results ul.search li", timeout=120_000)
        first = page.evaluate("performance.now()")
        compute = page.evaluate(
            """(word) => {
              const start = performance.now();
              const parsed = Search._parseQuery(word);
              const results = Search._performSearch(...parsed);
              return [results.length, performance.now() - start];
            }""",
            word,
        )
        print(
            f"  query {word!r}: index loaded and parsed {loaded:.0f} ms after navigation, "
            f"first result {first:.0f} ms; {compute[0]:,} pages found in {compute[1]:.0f} ms "
            f"(Sphinx then adds one result every 5 ms)"
        )
        context.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path, help="a site built with Pagefind (the default)")
    parser.add_argument("--sphinx-site", type=Path, help="the same site built with Sphinx search")
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).parent))
    from playwright.sync_api import sync_playwright
    from serving import launch, serve

    browse = args.site / "browse.json"
    rows = len(json.loads(browse.read_text("utf-8"))["studies"])
    print(
        f"browse.json: {rows:,} studies, {browse.stat().st_size:,} bytes, "
        f"{gzipped(browse):,} gzipped"
    )
    with sync_playwright() as playwright:
        browser = launch(playwright)
        with serve(args.site) as url:
            for slowdown in (1, 4):
                measure_browse(browser, url, args.site, slowdown)
            measure_pagefind(browser, url, args.site)
        if args.sphinx_site:
            with serve(args.sphinx_site) as url:
                measure_sphinx_search(browser, url, args.sphinx_site)
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
