"""Screenshots of the pages readers use most, light and dark, phone and desktop.

Not a test: the pictures are for a person to look at. Usage::

    .venv/bin/python tests/browser/screenshots.py SITE OUT_FOLDER

Dark mode is the reader's system setting (``prefers-color-scheme``), which
furo follows until the reader picks a theme with its toggle.
"""

from __future__ import annotations

import sys
from pathlib import Path

PAGES = {
    "home": "index.html",
    "browse": "browse.html?level=E1&pem=required&tag=symptom-fatigue",
    "search": "search.html?q=fatigue",
    "study": "studies/keller-2024-cardiopulmonary-metabolic.html",
    "ledger": "measures/nk-cell-cytotoxicity.html",
    "map": "evidence-map.html",
    "tag": "tags/topic-exercise-physiology.html",
}
WIDTHS = (390, 1280)


def main() -> int:
    site, out = Path(sys.argv[1]), Path(sys.argv[2])
    out.mkdir(parents=True, exist_ok=True)
    sys.path.insert(0, str(Path(__file__).parent))
    from playwright.sync_api import sync_playwright
    from serving import launch, serve

    with sync_playwright() as playwright, serve(site) as url:
        browser = launch(playwright)
        for scheme in ("light", "dark"):
            for width in WIDTHS:
                context = browser.new_context(
                    viewport={"width": width, "height": 900}, color_scheme=scheme
                )
                page = context.new_page()
                for name, path in PAGES.items():
                    page.goto(url + path)
                    if name == "browse":
                        # The count is written once the studies are drawn (none may match).
                        page.wait_for_selector("#atlas-browse-count:not(:empty)")
                    elif name == "search":
                        page.wait_for_selector(".atlas-search-result")
                    page.wait_for_timeout(300)
                    target = out / f"{name}-{scheme}-{width}.png"
                    page.screenshot(path=str(target), full_page=True)
                    print(target)
                context.close()
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
