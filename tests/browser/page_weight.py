"""What a reader's browser downloads for a page of a built site, measured in Chromium.

Not a test: the figures are for a person (and for the README's record of page
weight). Usage::

    .venv/bin/python tests/browser/page_weight.py SITE [PAGE ...]

For each page (by default the home page and the first study page) it prints
every file the browser fetched, its bytes as sent by the local server
(uncompressed) and gzipped (what a static host such as GitHub Pages sends),
and the totals. Fonts and images count too; nothing is cached between pages.
"""

from __future__ import annotations

import gzip
import sys
from pathlib import Path
from urllib.parse import urlsplit

DEFAULT_PAGES = ("index.html", "studies/alpha-2020-first-fixture.html")


def weigh(browser, url: str, page_path: str, site: Path) -> list[tuple[str, int, int]]:
    """(file, bytes sent, gzipped bytes) of every file one visit fetched, in order."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    fetched: list[str] = []
    page.on("requestfinished", lambda request: fetched.append(request.url))
    page.goto(url + page_path, wait_until="networkidle")
    context.close()
    rows = []
    for address in fetched:
        path = urlsplit(address).path.lstrip("/")
        local = site / (path or "index.html")
        if local.is_file():
            data = local.read_bytes()
            rows.append((path, len(data), len(gzip.compress(data, compresslevel=6))))
    return rows


def main() -> int:
    site = Path(sys.argv[1])
    pages = sys.argv[2:] or list(DEFAULT_PAGES)
    sys.path.insert(0, str(Path(__file__).parent))
    from playwright.sync_api import sync_playwright
    from serving import launch, serve

    with sync_playwright() as playwright, serve(site) as url:
        browser = launch(playwright)
        for page_path in pages:
            rows = weigh(browser, url, page_path, site)
            print(f"\n{page_path}: {len(rows)} files")
            for path, sent, zipped in rows:
                print(f"  {sent:>9,} {zipped:>9,}  {path}")
            total = sum(row[1] for row in rows)
            zipped_total = sum(row[2] for row in rows)
            print(f"  {total:>9,} {zipped_total:>9,}  total (bytes sent, gzipped)")
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
