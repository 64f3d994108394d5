"""axe-core finds no serious or critical problem on any kind of page, light or dark."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

AXE = Axe()
PAGES = {
    "home": "index.html",
    "study": "studies/alpha-2020-first-fixture.html",
    "tag": "tags/symptom-fatigue.html",
    "level": "evidence/e1.html",
    "browse": "browse.html?level=E1&tag=symptom-fatigue",
    "search": "search.html?q=fatigue",
}


def ready(page, kind: str) -> None:
    """Wait until the page's script has drawn what a reader would see."""
    if kind == "browse":
        expect(page.locator("#atlas-browse-count")).to_contain_text("match")
        for summary in page.locator("form#atlas-browse details summary").all():
            summary.click()  # scan the folded groups' checkboxes too
    elif kind == "search":
        expect(page.locator(".atlas-search-result").first).to_be_visible()
    elif kind == "home":
        page.locator("details.atlas-year-table summary").click()


def serious_problems(page) -> list[str]:
    results = AXE.run(page, options={"resultTypes": ["violations"]}).response
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} at "
        + "; ".join(", ".join(node["target"]) for node in violation["nodes"][:5])
        for violation in results["violations"]
        if violation["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize("scheme", ["light", "dark", "dark-by-toggle"])
@pytest.mark.parametrize("kind", list(PAGES))
def test_no_serious_or_critical_violations(browser, served, kind, scheme):
    """Dark comes from the system setting, or from furo's toggle on a light system."""
    system = "dark" if scheme == "dark" else "light"
    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme=system)
    if scheme == "dark-by-toggle":
        context.add_init_script("localStorage.setItem('theme', 'dark')")
    page = context.new_page()
    try:
        page.goto(served.url + PAGES[kind])
        ready(page, kind)
        if scheme == "dark-by-toggle":
            assert page.evaluate("document.body.dataset.theme") == "dark"
        assert serious_problems(page) == []
    finally:
        context.close()
