"""Reader-first pages in Chromium: badges that explain themselves, browse on a phone,
focus that always shows, and a study page on paper."""

from __future__ import annotations

import contextlib
import re

import pytest
from playwright.sync_api import TimeoutError, expect

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

STUDY = "studies/alpha-2020-first-fixture.html"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
WIDTHS = {"phone": PHONE, "desktop": DESKTOP}


@pytest.fixture(params=list(WIDTHS))
def sized(request, browser):
    """A page at phone and at desktop width; a script error fails the test."""
    # A phone has a touch screen, so a badge can be tapped there.
    context = browser.new_context(
        viewport=WIDTHS[request.param], has_touch=request.param == "phone"
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert errors == [], errors


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport=PHONE)
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert errors == [], errors


#: Whether an element is drawn and wholly inside the window as it is scrolled now.
IN_VIEWPORT = """(element) => {
  const box = element.getBoundingClientRect();
  return element.checkVisibility({checkOpacity: true, checkVisibilityCSS: true})
    && box.width > 0 && box.height > 0 && box.top >= 0 && box.left >= 0
    && box.bottom <= window.innerHeight && box.right <= window.innerWidth;
}"""


def in_viewport(locator) -> bool:
    return locator.evaluate(IN_VIEWPORT)


# -- 2. badges ---------------------------------------------------------------------------


def test_badges_say_what_they_are_and_none_reads_like_another(sized, served):
    sized.goto(served.url + STUDY)
    badges = sized.locator(".atlas-badges summary")
    texts = [" ".join(text.split()) for text in badges.all_inner_texts()]
    assert texts == [
        "Evidence: E1 replicated",
        "Confidence: moderate",
        "PEM: required",
        "Design: RCT",
        "Peer review: peer-reviewed",
        "Atlas review: community draft",
    ]
    assert len(set(texts)) == len(texts)
    # The row wraps; neither it nor the page scrolls sideways, even at 390 px.
    row = sized.locator(".atlas-badges")
    assert row.evaluate("(row) => row.scrollWidth <= row.clientWidth")
    assert sized.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_tap_shows_a_badge_definition_in_place(sized, served):
    sized.goto(served.url + STUDY)
    address = sized.url
    badge = sized.locator(".atlas-badges details").nth(2)
    definition = badge.locator(".atlas-badge-definition")
    expect(definition).to_be_hidden()
    summary = badge.locator("summary")
    expect(summary).to_have_attribute("class", re.compile("atlas-badge"))
    if sized.viewport_size["width"] < 500:
        summary.tap()
    else:
        summary.click()
    expect(definition).to_be_visible()
    expect(definition).to_contain_text("Every participant had to have post-exertional malaise")
    assert sized.url == address  # nothing left the page
    assert in_viewport(definition)
    assert sized.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    summary.click()
    expect(definition).to_be_hidden()


def test_the_keyboard_opens_a_badge_definition(page, served):
    page.goto(served.url + STUDY)
    summary = page.locator(".atlas-badges summary").first
    summary.focus()
    # Announced as a control that is folded, then unfolded.
    assert page.evaluate("document.activeElement.parentElement.open") is False
    page.keyboard.press("Enter")
    definition = page.locator(".atlas-badges .atlas-badge-definition").first
    expect(definition).to_be_visible()
    expect(definition).to_contain_text("Replicated human evidence")
    expect(definition.get_by_role("link", name="All studies at E1")).to_be_visible()
    page.keyboard.press("Space")
    expect(definition).to_be_hidden()


def test_without_a_script_badges_still_open(browser, served):
    context = browser.new_context(java_script_enabled=False, viewport=PHONE)
    page = context.new_page()
    try:
        page.goto(served.url + STUDY)
        page.locator(".atlas-badges summary").nth(1).click()
        expect(page.locator(".atlas-badges .atlas-badge-definition").nth(1)).to_be_visible()
    finally:
        context.close()


def test_study_tables_name_their_values_where_the_header_is_hidden(sized, served):
    sized.goto(served.url + "tags/symptom-fatigue.html")
    row = sized.locator("table.atlas-study-table tbody tr").first
    header = sized.locator("table.atlas-study-table thead")
    level = row.locator("td").nth(2)
    if sized.viewport_size["width"] < 500:
        expect(header).to_be_hidden()
        expect(level).to_have_text(re.compile(r"^Evidence: E\d$"), use_inner_text=True)
    else:
        expect(header).to_be_visible()
        expect(level).to_have_text(re.compile(r"^E\d$"), use_inner_text=True)


# -- 4. browse on a phone ------------------------------------------------------------------


def open_browse(page, served, query: str = "") -> None:
    page.goto(f"{served.url}browse.html{query}")
    expect(page.locator("#atlas-browse-count")).not_to_contain_text("Loading")


def first_match_in_sight(page) -> bool:
    """The first study of the list, or its title in the count bar, is on the screen.

    Waits for the page to settle (the count bar learns that it sticks a frame later).
    """
    check = f"""() => {{
      const inView = {IN_VIEWPORT};
      const first = document.querySelector("#atlas-browse-list li a");
      const peek = document.getElementById("atlas-browse-peek-link");
      // A long title is cut to two lines: the line box that holds it must be in view.
      return !!first && (inView(first)
        || (inView(peek.parentElement) && peek.textContent === first.textContent));
    }}"""
    try:
        page.wait_for_function(check, timeout=3000)
    except TimeoutError:
        return False
    return True


def test_on_a_phone_the_first_screen_shows_the_count_and_the_first_study(phone, served):
    open_browse(phone, served, "?pem=required")
    # The filters are folded, and say how many are chosen.
    expect(phone.locator("#atlas-browse-panel > summary")).to_have_text("Filters (1 chosen)")
    expect(phone.locator("form#atlas-browse")).to_be_hidden()
    assert in_viewport(phone.locator("#atlas-browse-count"))
    assert in_viewport(phone.locator("#atlas-browse-list li a").first)


@pytest.mark.parametrize(
    "label", ["PEM required", "E3 Preliminary", "Clear all filters", "Publication year"]
)
def test_after_a_change_the_count_and_first_match_are_in_sight(phone, served, label):
    """Whichever control is changed, however far down the filters, without scrolling."""
    open_browse(phone, served)
    phone.locator("#atlas-browse-panel > summary").click()
    if label == "Clear all filters":
        phone.locator("summary", has_text="Tags").click()
        phone.get_by_role("checkbox", name=re.compile(r"^Fatigue \(")).check()
        phone.get_by_role("button", name=label).click()
    elif label == "Publication year":
        phone.get_by_label("From").select_option("2015")
    else:
        phone.get_by_role("checkbox", name=re.compile(rf"^{label} \(")).check()
    count = phone.locator("#atlas-browse-count")
    expect(count).to_contain_text("studies" if label == "Clear all filters" else "match")
    assert in_viewport(count)
    assert first_match_in_sight(phone)


def test_copy_link_copies_the_view_and_says_so_beside_the_button(phone, served):
    open_browse(phone, served, "?level=E1&sort=oldest")
    button = phone.get_by_role("button", name="Copy link to this view")
    button.click()
    status = phone.locator("#atlas-browse-copied")
    expect(status).to_have_text("Link copied. Paste it to share this view.")
    assert status.get_attribute("role") == "status"
    copied = phone.evaluate("navigator.clipboard.readText()")
    assert copied == phone.evaluate("location.href")
    assert copied.endswith("browse.html?level=E1&sort=oldest")
    # Beside the button: in sight together with it.
    assert in_viewport(status) and in_viewport(button)


def test_where_the_clipboard_is_refused_the_link_is_shown_to_copy(browser, served):
    context = browser.new_context(viewport=PHONE)
    context.add_init_script(
        "navigator.clipboard.writeText = () => Promise.reject(new Error('refused'));"
    )
    page = context.new_page()
    try:
        open_browse(page, served, "?pem=unclear")
        page.get_by_role("button", name="Copy link to this view").click()
        field = page.get_by_role("textbox", name="Link to this view")
        expect(field).to_be_visible()
        assert field.input_value() == page.evaluate("location.href")
        expect(page.locator("#atlas-browse-copied")).to_contain_text("Copy this link:")
        # Focused and selected, ready for the system's copy command.
        assert page.evaluate("document.activeElement.value") == field.input_value()
        assert page.evaluate("document.activeElement.selectionEnd") == len(field.input_value())
    finally:
        context.close()


# -- 9. keyboard ---------------------------------------------------------------------------

#: For each focused element: drawn on screen (itself, or the label that stands for a
#: visually hidden checkbox) and wearing a focus indicator.
FOCUS_CHECK = """() => {
  const element = document.activeElement;
  if (!element || element === document.body) return null;
  const shown = (node) => {
    const box = node.getBoundingClientRect();
    return node.checkVisibility({checkOpacity: true, checkVisibilityCSS: true})
      && box.width > 0 && box.height > 0 && box.bottom > 0 && box.right > 0
      && box.top < window.innerHeight && box.left < window.innerWidth;
  };
  const marked = (node) => {
    const style = getComputedStyle(node);
    const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2;
    return outline || style.boxShadow !== "none";
  };
  const stands = [element, ...(element.labels || [])].filter(shown);
  const name = (element.id || element.getAttribute("aria-label") || element.textContent || "")
    .trim().slice(0, 60);
  return {
    what: `${element.tagName.toLowerCase()} ${name}`,
    shown: stands.length > 0,
    marked: stands.some(marked),
  };
}"""


def settled_focus(page) -> dict | None:
    """FOCUS_CHECK once the focused element is in sight and marked, or after a second.

    Furo scrolls smoothly and slides its skip link in, so a stop may take a moment
    to come into view; one that never does is reported as it stands.
    """
    ready = (
        f"() => {{ const stop = ({FOCUS_CHECK})(); return !stop || (stop.shown && stop.marked); }}"
    )
    with contextlib.suppress(TimeoutError):
        page.wait_for_function(ready, timeout=1000)
    return page.evaluate(FOCUS_CHECK)


@pytest.mark.parametrize("path", [STUDY, "browse.html"])
def test_every_focus_stop_is_on_screen_and_shows_its_focus(sized, served, path):
    sized.goto(served.url + path)
    if path == "browse.html":
        expect(sized.locator("#atlas-browse-count")).not_to_contain_text("Loading")
    stops = []
    for _ in range(250):
        sized.keyboard.press("Tab")
        stop = settled_focus(sized)
        if stop is None or (stops and stop["what"] == stops[0]["what"]):
            break
        stops.append(stop)
    assert len(stops) > 10
    hidden = [stop["what"] for stop in stops if not stop["shown"]]
    unmarked = [stop["what"] for stop in stops if not stop["marked"]]
    assert hidden == [], hidden
    assert unmarked == [], unmarked
    # The sidebar search box is among them where the sidebar shows.
    if sized.viewport_size["width"] >= 1280:
        assert any("search" in stop["what"].lower() for stop in stops)


def test_on_a_phone_the_menu_opens_from_the_keyboard(browser, served):
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    try:
        page.goto(served.url + STUDY)
        menu = page.locator(".sidebar-drawer")
        expect(menu).to_be_hidden()
        page.locator("#__navigation").focus()
        page.keyboard.press("Space")
        expect(menu).to_be_visible()
        link = menu.get_by_role("link", name="Browse studies")
        link.focus()
        assert settled_focus(page)["shown"]
        page.locator("#__navigation").focus()
        page.keyboard.press("Space")
        expect(menu).to_be_hidden()
    finally:
        context.close()


# -- 9. print ------------------------------------------------------------------------------


#: The revisions row as a study page in a git checkout has it (the test site has no git).
HISTORY_ROW = """() => document.querySelector("dl.atlas-metadata").insertAdjacentHTML("beforeend",
  '<dt class="atlas-history-name">Revisions</dt><dd class="atlas-history-value">'
  + '<ol class="atlas-history"><li>2 January 2025</li></ol></dd>')"""


def test_a_printed_study_keeps_its_content_and_addresses_and_drops_the_site(page, served):
    page.goto(served.url + STUDY)
    page.evaluate(HISTORY_ROW)
    expect(page.locator("ol.atlas-history")).to_be_visible()
    page.emulate_media(media="print")
    address = page.locator(".atlas-print-address")
    expect(address).to_be_visible()
    expect(address).to_have_text(re.compile(r"^This page: https://\S+/studies/alpha-2020"))
    for kept in ("h1", ".atlas-badges", ".atlas-card-summary", ".atlas-card-metadata"):
        expect(page.locator(f"article {kept}").first).to_be_visible()
    for dropped in (
        ".sidebar-drawer",
        ".toc-drawer",
        ".mobile-header",
        ".content-icon-container",
        ".atlas-actions",
        ".atlas-related",
        ".atlas-history-name",
        ".atlas-history-value",
        "button",
    ):
        found = page.locator(dropped).all()
        assert found, dropped
        for element in found:
            expect(element).to_be_hidden()
    # A link to another site prints its address after its text.
    doi = page.locator(".atlas-byline a[href^='https://doi.org/']")
    after = doi.evaluate("(a) => getComputedStyle(a, '::after').content")
    assert doi.get_attribute("href") in after
    # On screen, the address line is not shown.
    page.emulate_media(media="screen")
    expect(address).to_be_hidden()


# -- axe at phone width, with the new parts open ----------------------------------------


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", [STUDY, "browse.html?level=E1"])
def test_axe_finds_nothing_serious_at_phone_width_with_the_disclosures_open(
    browser, served, path, scheme
):
    from .test_accessibility import serious_problems

    context = browser.new_context(viewport=PHONE, color_scheme=scheme)
    page = context.new_page()
    try:
        page.goto(served.url + path)
        if path == STUDY:
            page.locator(".atlas-badges summary").first.click()
        else:
            expect(page.locator("#atlas-browse-count")).to_contain_text("match")
            page.locator("#atlas-browse-panel > summary").click()
            page.get_by_role("button", name="Copy link to this view").click()
        assert serious_problems(page) == []
    finally:
        context.close()
