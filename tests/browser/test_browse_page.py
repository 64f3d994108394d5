"""The browse page in Chromium: filters, counts, sorting, the address and the keyboard."""

from __future__ import annotations

import re
from urllib.parse import parse_qs

import pytest
from playwright.sync_api import expect

from .conftest import SYNTHETIC

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

#: The synthetic studies, the four fixtures, the search study and the retracted one.
TOTAL = SYNTHETIC + 6
FACETS = ("level", "pem", "design", "tag")


def reference(index: dict, order: str = "newest", q: str = "", years=None, **chosen) -> list[dict]:
    """The studies a filter should show, worked out here from browse.json on its own.

    Within a group a study needs any chosen value; it needs every group; title
    words match without case.
    """
    rows = [dict(zip(index["columns"], row, strict=True)) for row in index["studies"]]
    for position, row in enumerate(rows):
        row["position"] = position
        for facet in ("level", "pem", "design"):
            row[facet] = index[facet][row[facet]][0]
        row["tags"] = {index["tag"][tag][0] for tag in row["tags"]}
    words = q.lower().split()
    result = []
    for row in rows:
        if years and not years[0] <= row["year"] <= years[1]:
            continue
        if not all(word in row["title"].lower() for word in words):
            continue
        if any(chosen.get(f) and row[f] not in chosen[f] for f in ("level", "pem", "design")):
            continue
        if chosen.get("tag") and not row["tags"] & set(chosen["tag"]):
            continue
        result.append(row)
    if order == "oldest":
        result.sort(key=lambda row: (row["year"], row["position"]))
    return result


def open_browse(page, served, query: str = "") -> None:
    page.goto(f"{served.url}browse.html{query}")
    expect(page.locator("#atlas-browse-count")).not_to_contain_text("Loading")


def shown_titles(page) -> list[str]:
    return page.locator("#atlas-browse-list li a").all_text_contents()


def box(page, label: str):
    """A filter checkbox by its label, whatever count follows the label."""
    return page.get_by_role("checkbox", name=re.compile(rf"^{re.escape(label)} \("))


def box_count(page, label: str) -> int:
    name = box(page, label).evaluate("input => input.labels[0].textContent")
    return int(re.search(r"\(([\d,]+)\)", name)[1].replace(",", ""))


def query_of(page) -> dict[str, list[str]]:
    """The page's query now (``page.url`` can lag behind a pushState)."""
    return parse_qs(page.evaluate("location.search").lstrip("?"))


def test_first_view_lists_every_study_newest_first(page, served):
    open_browse(page, served)
    expected = [row["title"] for row in reference(served.index())]
    expect(page.locator("#atlas-browse-count")).to_have_text(
        f"All {TOTAL} studies. Showing the first 50."
    )
    assert shown_titles(page) == expected[:50]
    page.get_by_role("button", name=f"Show {TOTAL - 50} more").click()
    assert shown_titles(page) == expected
    expect(page.locator("#atlas-browse-count")).to_have_text(f"All {TOTAL} studies.")
    # Focus moves to the first study that was added, so the keyboard carries on there.
    assert page.evaluate("document.activeElement.textContent") == expected[50]
    expect(page.locator("#atlas-browse-more")).to_be_hidden()
    page.get_by_role("link", name="Skip to the list of studies").click()
    assert page.evaluate("location.hash") == "#atlas-browse-results"


def test_filters_combine_and_counts_follow(page, served):
    index = served.index()
    open_browse(page, served)
    box(page, "E1 Replicated").check()
    e1 = reference(index, level=["E1"])
    expect(page.locator("#atlas-browse-count")).to_have_text(f"{len(e1)} of {TOTAL} studies match.")
    assert shown_titles(page) == [row["title"] for row in e1]
    # Each PEM box counts the E1 studies it would add.
    for key, label in index["pem"]:
        assert box_count(page, label) == len(reference(index, level=["E1"], pem=[key])), label

    box(page, "PEM required").check()
    both = reference(index, level=["E1"], pem=["required"])
    expect(page.locator("#atlas-browse-count")).to_have_text(
        f"{len(both)} of {TOTAL} studies match."
    )
    assert shown_titles(page) == [row["title"] for row in both]
    # A level box now counts the PEM-required studies at that level.
    assert box_count(page, "E3 Preliminary") == len(
        reference(index, level=["E3"], pem=["required"])
    )
    # Two boxes in one group: either value.
    box(page, "E3 Preliminary").check()
    either = reference(index, level=["E1", "E3"], pem=["required"])
    assert shown_titles(page) == [row["title"] for row in either]
    assert query_of(page) == {"level": ["E1,E3"], "pem": ["required"]}


def test_tag_and_design_boxes_sit_in_folded_groups(page, served):
    index = served.index()
    open_browse(page, served)
    expect(box(page, "Fatigue")).to_be_hidden()
    page.locator("summary", has_text="Tags").click()
    box(page, "Fatigue").check()
    tagged = reference(index, tag=["symptom-fatigue"])
    assert shown_titles(page) == [row["title"] for row in tagged][:50]
    assert query_of(page) == {"tag": ["symptom-fatigue"]}
    page.locator("summary", has_text="Study design").click()
    box(page, "RCT").check()
    assert shown_titles(page) == [
        row["title"] for row in reference(index, tag=["symptom-fatigue"], design=["rct"])
    ]


def test_the_address_keeps_the_view_and_back_leaves_the_page(page, served):
    page.goto(f"{served.url}index.html")
    page.get_by_role("link", name=re.compile("^Browse all")).first.click()
    expect(page.locator("#atlas-browse-count")).not_to_contain_text("Loading")
    before = page.evaluate("history.length")
    box(page, "E1 Replicated").check()
    box(page, "PEM required").check()
    page.get_by_label("Words in the title").press_sequentially("fix")
    # Every change is in the address, and none adds a step to the history.
    assert query_of(page) == {"q": ["fix"], "level": ["E1"], "pem": ["required"]}
    assert page.evaluate("history.length") == before
    page.go_back()
    assert page.evaluate("location.pathname").endswith("/index.html")
    # Forward returns to the last view, not to the first.
    page.go_forward()
    expect(box(page, "PEM required")).to_be_checked()
    expect(page.get_by_label("Words in the title")).to_have_value("fix")


def test_a_shared_address_opens_the_same_view(page, served):
    query = "?q=Fixture&design=rct,guideline&from=2015&to=2022&sort=oldest"
    open_browse(page, served, query)
    expect(page.get_by_label("Words in the title")).to_have_value("Fixture")
    expect(box(page, "RCT")).to_be_checked()
    expect(box(page, "Guideline")).to_be_checked()
    expect(box(page, "RCT")).to_be_visible()  # its folded group opens by itself
    expect(page.get_by_label("From")).to_have_value("2015")
    expect(page.get_by_label("to", exact=True)).to_have_value("2022")
    expect(page.get_by_label("Sort")).to_have_value("oldest")
    expected = reference(
        served.index(), "oldest", q="fixture", years=(2015, 2022), design=["rct", "guideline"]
    )
    assert len(expected) >= 2
    assert shown_titles(page) == [row["title"] for row in expected]


def test_typing_a_word_filters_as_you_type(page, served):
    open_browse(page, served)
    page.get_by_label("Words in the title").press_sequentially("fixture")
    assert query_of(page) == {"q": ["fixture"]}
    expected = reference(served.index(), q="fixture")
    expect(page.locator("#atlas-browse-count")).to_have_text(
        f"{len(expected)} of {TOTAL} studies match."
    )


def test_no_match_says_what_to_do(page, served):
    open_browse(page, served, "?q=nosuchwordanywhere")
    expect(page.locator("#atlas-browse-count")).to_have_text(
        "No studies match. Untick a box or clear all filters."
    )
    assert shown_titles(page) == []
    page.get_by_role("button", name="Clear all filters").click()
    expect(page.locator("#atlas-browse-count")).to_contain_text(f"All {TOTAL} studies.")
    assert query_of(page) == {}


def test_sort_by_level_puts_the_strongest_findings_first(page, served):
    open_browse(page, served, "?level=E0,E1,E3")
    page.get_by_label("Sort").select_option("level")
    badges = page.locator("#atlas-browse-list .atlas-badge").all_text_contents()
    levels = [re.search(r"E\d", badge)[0] for badge in badges]
    # Findings strongest first; definitions and guidelines (E0) after the weakest finding.
    rank = ["E1", "E2", "E3", "E0"]
    assert levels == sorted(levels, key=rank.index)
    assert levels[0] == "E1" and levels[-1] == "E0"
    assert query_of(page) == {"level": ["E1,E3,E0"], "sort": ["level"]}


def test_a_retracted_study_is_flagged_in_the_list(page, served):
    open_browse(page, served, "?q=zeta")
    item = page.locator("#atlas-browse-list li")
    expect(item).to_have_count(1)
    expect(item.locator(".atlas-flag-retracted")).to_have_text("Retracted")
    expect(item.get_by_role("link")).to_have_text("Zeta fixture: a retracted cohort")


def test_keyboard_reaches_every_control_and_leaves_the_page(page, served):
    open_browse(page, served)
    page.get_by_label("Words in the title").focus()
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.id")
    assert focused == "atlas-browse-level-0"
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
    page.keyboard.press("Space")
    assert query_of(page) == {"level": ["E1"]}
    # Tab on through the form and the list; focus must get out to the footer.
    seen = set()
    for _ in range(200):
        page.keyboard.press("Tab")
        where = page.evaluate(
            "document.activeElement.closest('.atlas-footer') ? 'footer' : "
            "document.activeElement.id || document.activeElement.textContent"
        )
        seen.add(where)
        if where == "footer":
            break
    assert "footer" in seen
    assert {"atlas-browse-from", "atlas-browse-to", "atlas-browse-sort"} <= seen


def test_without_javascript_the_page_says_where_else_to_look(browser, served):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(f"{served.url}browse.html")
        expect(page.locator("form#atlas-browse")).to_be_hidden()
        expect(page.locator("#atlas-browse-results")).to_be_hidden()
        # Playwright's text and role locators skip <noscript>; read what is drawn instead.
        message = page.evaluate(
            "[...document.querySelectorAll('noscript p')]"
            ".filter((p) => p.getClientRects().length).map((p) => p.innerText).join()"
        )
        assert message.startswith("This page needs JavaScript. You can still find studies by")
    finally:
        context.close()
