"""Script-injection payloads in every option and every section of a study: nothing runs.

Each payload goes through every metadata option, every section, a section
heading, and the text around the ``{study}`` block. The build must report it
where the rules say so (ATLAS070 raw HTML, ATLAS071 unsafe link, ATLAS078 text
outside the block), and the built site must hold it only as escaped text.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

import extruct
import lxml.html
import pytest
from atlas.model.page import HIDDEN_LINE_BREAKS, page_lines
from conftest import FIXTURE_NAMES, fixture_study, new_site
from sitescan import external_links_without_rel, inline_code, live_markup, pages

RAW_HTML, UNSAFE_LINK, OUTSIDE = "ATLAS070", "ATLAS071", "ATLAS078"


@dataclass(frozen=True)
class Payload:
    name: str
    text: str
    #: The rule that must catch it where Markdown is checked; None if it is harmless text.
    rule: str | None
    #: Words on the line the rule points at, when that is not the payload's first line.
    marker: str = ""

    @property
    def one_line(self) -> bool:
        return "\n" not in self.text

    @property
    def caught_at(self) -> str:
        return self.marker or self.text.splitlines()[0]


PAYLOADS = [
    Payload("script", "<script>alert(1)</script>", RAW_HTML),
    Payload("img-onerror", "<img src=x onerror=alert(1)>", RAW_HTML),
    Payload("attribute-breakout", '"><svg onload=alert(1)>', RAW_HTML),
    Payload("single-quote-breakout", "'><img src=x onerror=alert(1)>", RAW_HTML),
    Payload("event-handler", '<div onmouseover="alert(1)">hover me</div>', RAW_HTML),
    Payload("textarea-breakout", "</textarea><script>alert(1)</script>", RAW_HTML),
    Payload("title-breakout", "</title><script>alert(1)</script>", RAW_HTML),
    Payload("comment-breakout", "<!--><script>alert(1)</script>-->", RAW_HTML),
    Payload("entity-scheme-in-html", '<a href="jav&#x61;script:alert(1)">x</a>', RAW_HTML),
    Payload("iframe", '<iframe src="https://evil.example/"></iframe>', RAW_HTML),
    Payload("style", "<style>body{display:none}</style>", RAW_HTML),
    Payload(
        "meta-refresh", '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">', RAW_HTML
    ),
    Payload("javascript-link", "[click](javascript:alert(1))", UNSAFE_LINK),
    Payload("javascript-link-mixed-case", "[click](JaVaScRiPt:alert(1))", UNSAFE_LINK),
    Payload("javascript-link-entity", "[click](jav&#x61;script:alert(1))", UNSAFE_LINK),
    Payload("javascript-link-spaced", "[click](  javascript:alert(1))", UNSAFE_LINK),
    Payload("javascript-autolink", "<javascript:alert(1)>", UNSAFE_LINK),
    Payload("vbscript-link", "[click](vbscript:msgbox(1))", UNSAFE_LINK),
    Payload(
        "data-html-link",
        "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        UNSAFE_LINK,
    ),
    Payload("data-image-link", "[x](data:image/png;base64,iVBORw0KGgo=)", UNSAFE_LINK),
    Payload("data-autolink", "<data:image/gif;base64,R0lGODlhAQABAAAAACw=>", UNSAFE_LINK),
    Payload(
        "reference-definition",
        "A [reference][evil].\n\n[evil]: javascript:alert(1)",
        UNSAFE_LINK,
        marker="[evil]:",
    ),
    Payload("jinja-expression", "{{ 7*7 }} {{ config.__class__ }}", None),
    Payload("jinja-statement", "{% for x in range(3) %}{{ x }}{% endfor %}", None),
    Payload("myst-role", "{raw:html}`<script>alert(1)</script>`", None),
    Payload("backtick-html", "`<script>alert(1)</script>`", None),
    Payload("bidi-override", "harmless \u202etxt.exe\u202c and \u2066isolated\u2069", None),
    Payload("control-characters", "nul\x00 bell\x07 escape\x1b[31m form\x0cfeed", None),
    Payload("protocol-relative-link", "[see](//evil.example/x)", None),
    Payload("raw-block", "```{raw} html\n<script>alert(1)</script>\n```", RAW_HTML),
    Payload(
        "eval-rst", "```{eval-rst}\n.. raw:: html\n\n   <script>alert(1)</script>\n```", RAW_HTML
    ),
    Payload("include", "```{include} ../conf.py\n```", None),
]

#: The options whose value comes from a vocabulary or a format. (The text options,
#: title, authors, journal and reviewed-by, keep a payload and show it: text_page.)
OTHER_OPTIONS = ("year", "doi", "pmid", "design", "evidence", "confidence", "pem",
                 "case-definition", "peer-review", "review", "tags", "updated")  # fmt: skip
PARAGRAPH_SECTIONS = ("Quick summary", "Why it matters", "What this study does not prove")
LIST_SECTIONS = ("Observed findings", "Inferred conclusions", "Remaining questions")


def text_page(payload: Payload, index: int) -> str:
    """The payload around the block, in every text option, every section and a heading."""
    p = payload.text
    one = payload.one_line
    options = {
        "title": f"Injected {p}",
        "authors": f"{p}, Anna; Beta, Carl",
        "journal": p,
        "year": "2020",
        "doi": f"10.5555/inject.{index}",
        "pmid": f"930{index:05d}",
        "design": "rct",
        "evidence": "E1",
        "confidence": "moderate",
        "pem": "required",
        "case-definition": "ccc",
        "peer-review": "peer-reviewed",
        "review": "reviewed",
        "reviewed-by": p,
        "tags": "symptom-fatigue, method-flag-small-sample",
        "updated": "2026-03-01",
    }
    if not one:  # options and headings are one line each
        options.update(title=f"Injected {payload.name}", authors="Alpha, Anna", journal="J")
        options["reviewed-by"] = "Beta, Carl"
    lines = [p, "", "```{study}"] if one else [p, "", "````{study}"]
    lines += [f":{name}: {value}" for name, value in options.items()]
    for heading in PARAGRAPH_SECTIONS:
        lines += ["", f"## {heading}", "", p]
    for heading in LIST_SECTIONS:
        lines += ["", f"## {heading}", "", f"- {p}" if one else "- A plain point."]
    if one:
        lines += ["", f"## {p}", "", "Text under an unknown heading."]
    lines += ["", "```" if one else "````", "", p]
    return "\n".join(lines) + "\n"


def options_page(payload: Payload, index: int) -> str:
    """The payload in every option whose value comes from a vocabulary or a format."""
    page = fixture_study("alpha-2020-first-fixture")
    page = page.replace("fixture.alpha", f"inject.options{index}")
    page = page.replace("90000001", f"940{index:05d}")
    for name in OTHER_OPTIONS:
        value = payload.text if name != "doi" else f"10.5555/{payload.text}"
        page = re.sub(rf"^:{name}:.*$", lambda _, n=name, v=value: f":{n}: {v}", page, count=1,
                      flags=re.MULTILINE)  # fmt: skip
    page = page.replace(":updated:", f":colour: {payload.text}\n:updated:")
    return page


SINGLE_LINE = [payload for payload in PAYLOADS if payload.one_line]
#: A file name is chosen by the contributor too, and ends up in URLs and the edit button.
HOSTILE_FILE_NAME = "x\"><img src=x onerror=alert(1)> 'y"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    studies = {name: fixture_study(name) for name in FIXTURE_NAMES}
    for index, payload in enumerate(PAYLOADS):
        studies[f"inject-{payload.name}"] = text_page(payload, index)
        if payload.one_line:
            studies[f"inject-options-{payload.name}"] = options_page(payload, index)
    studies[HOSTILE_FILE_NAME] = (
        fixture_study("alpha-2020-first-fixture")
        .replace("fixture.alpha", "inject.file-name")
        .replace("90000001", "95000001")
    )
    site = new_site(tmp_path_factory.mktemp("injection"), studies)
    return site, site.build()


def problems_at(site, build, page: str) -> dict[int, set[str]]:
    """Rule codes the build reported for one page, by file line."""
    prefix = f"{site.srcdir / 'studies' / page}.md:"
    found: dict[int, set[str]] = {}
    for line in build.warning_lines() + build.advice_lines():
        match = re.match(rf"{re.escape(prefix)}(\d+): (?:WARNING|advice): (ATLAS\d+) ", line)
        if match:
            found.setdefault(int(match[1]), set()).add(match[2])
    return found


def lines_with(text: str, needle: str) -> list[int]:
    """File lines holding ``needle``, numbered as editors and the build number them."""
    return [number for number, line in enumerate(page_lines(text), 1) if needle in line]


@pytest.mark.parametrize("payload", PAYLOADS, ids=lambda payload: payload.name)
def test_each_payload_is_reported_where_it_stands(built, payload):
    site, build = built
    source = text_page(payload, PAYLOADS.index(payload))
    found = problems_at(site, build, f"inject-{payload.name}")
    text = page_lines(source)
    fence = lines_with(source, "{study}")[0]
    closing_fence = "```" if payload.one_line else "````"
    closing = max(number for number, line in enumerate(text, 1) if line == closing_fence)
    # Around the block: each run of text is reported where it starts.
    starts = lines_with(source, payload.text.splitlines()[0])
    outside = [line for line in starts if line < fence or line > closing]
    assert len(outside) == 2 and all(OUTSIDE in found.get(line, ()) for line in outside), found
    # In the block: the heading is unknown, and every other line is caught by its rule.
    inside = [line for line in lines_with(source, payload.caught_at) if fence < line < closing]
    heading = [line for line in inside if text[line - 1].startswith("## ")]
    assert all("ATLAS052" in found.get(line, ()) for line in heading), found
    if payload.rule is not None:
        checked = [line for line in inside if line not in heading]
        missed = [line for line in checked if payload.rule not in found.get(line, ())]
        assert checked and not missed, (missed, found)


@pytest.mark.parametrize("payload", SINGLE_LINE, ids=lambda payload: payload.name)
def test_a_payload_in_any_other_option_is_an_error_on_its_line(built, payload):
    site, build = built
    source = options_page(payload, PAYLOADS.index(payload))
    found = problems_at(site, build, f"inject-options-{payload.name}")
    for name in (*OTHER_OPTIONS, "colour"):
        (line,) = lines_with(source, f":{name}:")
        if payload.rule is not None:
            assert payload.rule in found.get(line, ()), (name, found)
        elif name != "doi" or any(c.isspace() for c in payload.text):
            assert found.get(line), f":{name}: on line {line} was not reported: {found}"
        # A DOI without spaces may hold any character; it is shown escaped (checked below).


@pytest.fixture(scope="module")
def known_inline(built):
    """The theme's own inline scripts and styles, from a page no contributor wrote."""
    site, _ = built
    (reference,) = (
        p for p in pages(site.outdir) if p.name == "studies/alpha-2020-first-fixture.html"
    )
    (search,) = (p for p in pages(site.outdir) if p.name == "search.html")
    return inline_code(reference) | inline_code(search)


def test_no_page_of_the_site_holds_live_script(built, known_inline):
    site, _ = built
    found = [problem for page in pages(site.outdir) for problem in live_markup(page, known_inline)]
    assert found == []


def test_every_external_link_passes_no_referrer(built):
    site, _ = built
    assert [bad for page in pages(site.outdir) for bad in external_links_without_rel(page)] == []


def test_payloads_never_appear_unescaped_in_any_output(built):
    site, _ = built
    outputs = {
        path.relative_to(site.outdir).as_posix(): path.read_text("utf-8", errors="replace")
        for path in site.outdir.rglob("*")
        if path.suffix in (".html", ".js", ".xml", ".txt") and path.is_file()
    }
    for payload in PAYLOADS:
        for line in payload.text.splitlines():
            if "<" in line:
                leaked = [name for name, text in outputs.items() if line in text]
                assert leaked == [], (payload.name, line)


def test_no_file_is_included_into_a_page(built):
    """``{include}`` outside the block would copy any file of the checkout into the site."""
    site, _ = built
    conf = (site.srcdir / "conf.py").read_text("utf-8")
    assert "exec(compile(" in conf
    for page in pages(site.outdir):
        assert "exec(compile(" not in page.text, page.name


def shown(text: str) -> str:
    """Text as a reader sees it, typography undone, so typed and shown text compare.

    Markdown reads NUL as U+FFFD and a study page reads a form feed as a space;
    other control characters show as nothing; Sphinx curls quotes and joins dashes.
    """
    text = text.translate(HIDDEN_LINE_BREAKS).replace("\x00", "\ufffd")
    text = "".join(c for c in text if (c >= " " and c != "\x7f") or c.isspace())
    for typographic, typed in TYPOGRAPHY.items():
        text = text.replace(typographic, typed)
    return " ".join(text.split())


TYPOGRAPHY = {"\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2018": "'", "\u2019": "'",
              "\u2014": "---", "\u2013": "--", "\u2026": "..."}  # fmt: skip


@pytest.mark.parametrize("payload", SINGLE_LINE, ids=lambda payload: payload.name)
def test_a_payload_in_the_title_and_journal_is_shown_as_text(built, payload):
    """What a contributor typed is what a reader sees, as letters, not as markup."""
    site, _ = built
    page = site.html(f"studies/inject-{payload.name}")
    expected = shown(payload.text)
    assert expected in shown(page.select_one("article h1").get_text())
    assert expected in shown(page.select_one("p.atlas-byline").get_text())


def letters(text: str) -> str:
    """:func:`shown` text with every character a head cannot hold as it is read as a space."""
    kept = "".join(c if c.isprintable() and c != "\ufffd" else " " for c in text)
    return " ".join(shown(kept).split())


@pytest.mark.parametrize("payload", SINGLE_LINE, ids=lambda payload: payload.name)
def test_a_payload_reaches_the_heads_metadata_as_text(built, payload):
    """Meta tags, Open Graph and JSON-LD hold the title and journal as text, read back whole."""
    site, _ = built
    text = (site.outdir / "studies" / f"inject-{payload.name}.html").read_text("utf-8")
    head = lxml.html.fromstring(text).find("head")
    found = extruct.extract(
        text, base_url="https://example.org/", syntaxes=["json-ld", "opengraph"], uniform=True
    )
    (entry,) = found["json-ld"]
    (graph,) = found["opengraph"]
    meta = {tag.get("name"): tag.get("content") for tag in head.iter("meta") if tag.get("name")}
    expected = letters(payload.text)
    for title in (entry["headline"], entry["about"]["name"], graph["og:title"]):
        assert expected in letters(title)
    assert expected in letters(meta["citation_title"])
    assert letters(meta["citation_journal_title"]) == expected
    assert letters(entry["about"]["isPartOf"]["name"]) == expected


def test_a_hostile_file_name_is_reported_and_its_page_left_out(built):
    """Quotes, '<' and spaces cannot be in a page address (ATLAS088): no page, no link to one."""
    site, build = built
    found = problems_at(site, build, HOSTILE_FILE_NAME)
    assert found == {1: {"ATLAS088"}}, found
    assert not [path for path in site.outdir.rglob("*") if "<img" in path.name]
    exported = json.loads((site.outdir / "studies.json").read_bytes())["studies"]
    assert f"studies/{HOSTILE_FILE_NAME}" not in {record["id"] for record in exported}


def test_the_injected_studies_still_reach_their_level_and_tag_pages(built):
    """Escaping is not hiding: a study with a hostile title is listed like any other."""
    site, _ = built
    rows = site.html("tags/method-flag-small-sample").select("table.atlas-study-table a")
    listed = {row["href"] for row in rows}
    for payload in PAYLOADS:
        assert f"../studies/inject-{payload.name}.html" in listed, payload.name
