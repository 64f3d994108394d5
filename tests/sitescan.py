"""Read a built site the way a browser would, to find what could run, load or leak.

The hostile-input, privacy and invariant tests share these scans, so "live
script", "third party" and "external link" mean one thing in all of them.
"""

from __future__ import annotations

import datetime
import html
import json
import posixpath
import re
import runpy
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from urllib.parse import unquote, urlsplit

from atlas.model.page import check_file, decode_page
from atlas.model.vocabulary import load_vocabulary
from bs4 import BeautifulSoup, Tag

#: Attributes a browser follows or loads as a URL.
URL_ATTRIBUTES = (
    "href",
    "src",
    "action",
    "formaction",
    "xlink:href",
    "data",
    "poster",
    "background",
    "srcset",
    "ping",
)
#: Elements that embed other documents or change how the page itself is read.
#: (Forms are the theme's search box; where they send to is checked as a URL.)
FORBIDDEN_ELEMENTS = ("iframe", "frame", "object", "embed", "base", "applet")
#: Elements that load something into the page: they must load it from the site itself.
LOADING = {"script": "src", "img": "src", "iframe": "src", "source": "src", "video": "src",
           "audio": "src", "track": "src", "embed": "src", "object": "data"}  # fmt: skip
SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
CSS_URL = re.compile(r"""url\(\s*['"]?([^'")]*)|@import\s+['"]([^'"]+)""")
#: The path the site is published under: that of conf.py's html_baseurl, such as /atlas/.
SITE_PATH = urlsplit(
    runpy.run_path(str(Path(__file__).parent.parent / "conf.py"))["html_baseurl"]
).path


@dataclass
class Page:
    """One built HTML file: where it is, its text, and its parsed tree."""

    outdir: Path
    path: Path

    @property
    def name(self) -> str:
        return self.path.relative_to(self.outdir).as_posix()

    @cached_property
    def text(self) -> str:
        return self.path.read_text("utf-8")

    @cached_property
    def soup(self) -> BeautifulSoup:
        return BeautifulSoup(self.text, "html.parser")

    @cached_property
    def ids(self) -> set[str]:
        """What a #fragment can point at: element ids and named anchors."""
        return {tag["id"] for tag in self.soup.find_all(id=True)} | {
            tag["name"] for tag in self.soup.find_all("a", attrs={"name": True})
        }


def pages(outdir: Path) -> Iterator[Page]:
    """Every HTML page of the site, in a stable order."""
    for path in sorted(outdir.rglob("*.html")):
        yield Page(outdir, path)


def browser_url(value: str) -> str:
    """A URL as a browser reads it: entities decoded, controls and spaces dropped."""
    return "".join(c for c in html.unescape(value) if ord(c) > 32 and ord(c) != 127)


def unsafe_scheme(value: str) -> str | None:
    plain = browser_url(value).lower()
    return next((s for s in ("javascript:", "vbscript:", "data:") if plain.startswith(s)), None)


def _is_same_site_redirect(content: str) -> bool:
    """A refresh that leads to another page of the site ("3; url=other.html"), as the old
    address of a renamed tag does: no scheme, no other host, so it can run nothing."""
    match = re.fullmatch(r"\s*\d+\s*;\s*url=([\w./-]+\.html)\s*", content, re.IGNORECASE)
    return match is not None and not match[1].startswith("//")


def live_markup(page: Page, known_inline: set[str]) -> list[str]:
    """Everything on the page that could run code: the list is empty on a safe page.

    ``known_inline`` holds the theme's own inline ``<script>`` and ``<style>``
    texts, taken from a page no contributor wrote.
    """
    found = []
    for tag in page.soup.find_all(True):
        for attribute, value in tag.attrs.items():
            if attribute.lower().startswith("on"):
                found.append(f"{page.name}: <{tag.name} {attribute}=...>")
            if attribute.lower() in URL_ATTRIBUTES:
                for one in value if isinstance(value, list) else [value]:
                    if unsafe_scheme(one):
                        found.append(f"{page.name}: <{tag.name} {attribute}={one!r}>")
        if tag.name in FORBIDDEN_ELEMENTS:
            found.append(f"{page.name}: <{tag.name}>")
        refresh = tag.name == "meta" and (tag.get("http-equiv") or "").lower() == "refresh"
        if refresh and not _is_same_site_redirect(tag.get("content") or ""):
            found.append(f"{page.name}: <meta http-equiv=refresh>")
        inline = tag.name in ("script", "style") and not tag.get("src")
        if inline and tag.get_text() not in known_inline and not _is_data_block(tag):
            found.append(f"{page.name}: inline <{tag.name}> {tag.get_text()[:60]!r}")
        if tag.name == "script" and tag.get("src") and not _is_site_asset(page, tag["src"]):
            found.append(f"{page.name}: <script src={tag['src']!r}>")
    # What an HTML parser other than BeautifulSoup might see: count script tags in the text.
    raw_scripts = len(re.findall(r"<script\b", page.text, re.IGNORECASE))
    if raw_scripts != len(page.soup.find_all("script")):
        found.append(f"{page.name}: {raw_scripts} '<script' in the text, parsed differently")
    return found


def _is_data_block(tag) -> bool:
    """A JSON-LD script element that holds valid JSON: browsers never run it."""
    if tag.name != "script" or (tag.get("type") or "").lower() != "application/ld+json":
        return False
    try:
        json.loads(tag.get_text())
    except ValueError:
        return False
    return True


def inline_code(page: Page) -> set[str]:
    """The texts of a page's inline scripts and style sheets."""
    return {tag.get_text() for tag in page.soup.find_all(["script", "style"]) if not tag.get("src")}


def _is_site_asset(page: Page, url: str) -> bool:
    """A relative URL to a file the site ships in ``_static/`` or Pagefind's bundle."""
    if SCHEME.match(url) or url.startswith("//"):
        return False
    target = resolve(page, url)
    return target is not None and target.split("/")[0] in ("_static", "pagefind")


def resolve(page: Page, url: str) -> str | None:
    """The site path a URL points at, or None if it leaves the site root.

    A root-based URL stays on the site when it starts with the path the site
    is published under (the 404 page's links do, so that it works at any depth).
    """
    path = unquote(urlsplit(url).path)
    if not path:
        return page.name
    if path.startswith(SITE_PATH):
        joined = posixpath.normpath(path.removeprefix(SITE_PATH) or "index.html")
        return None if joined.startswith("..") else joined
    base = posixpath.dirname(page.name)
    joined = posixpath.normpath(posixpath.join(base, path))
    return None if joined.startswith("..") or path.startswith("/") else joined


def leaves_the_site(url: str) -> bool:
    return bool(SCHEME.match(url)) or url.startswith("//")


def same_site(url: str, site: str) -> bool:
    """Whether an absolute URL points inside the site's own published address."""
    return browser_url(url).startswith(site)


def third_party_loads(page: Page, site: str) -> list[str]:
    """Scripts, style sheets, fonts, images and frames loaded from anywhere but the site."""
    found = []
    for tag in page.soup.find_all(True):
        url = None
        if tag.name in LOADING:
            url = tag.get(LOADING[tag.name])
        elif tag.name == "link":
            rel = {value.lower() for value in tag.get("rel") or []}
            # Stylesheets, fonts and icons load; "canonical", "next" and the like only name.
            if rel & {"stylesheet", "preload", "prefetch", "icon", "modulepreload",
                      "manifest", "apple-touch-icon", "dns-prefetch", "preconnect"}:  # fmt: skip
                url = tag.get("href")
        if url and leaves_the_site(url) and not same_site(url, site):
            found.append(f"{page.name}: <{tag.name} {url!r}>")
        srcset = tag.get("srcset")
        if srcset and any(leaves_the_site(part.split()[0]) for part in srcset.split(",")):
            found.append(f"{page.name}: <{tag.name} srcset={srcset!r}>")
        style = tag.get("style")
        if style:
            found += [
                f"{page.name}: style url {u!r}" for u in css_urls(style) if leaves_the_site(u)
            ]
    return found


def css_urls(css: str) -> list[str]:
    """Every ``url(...)`` and ``@import`` target in a style sheet."""
    return [first or second for first, second in CSS_URL.findall(css)]


def external_links_without_rel(page: Page) -> list[str]:
    """Links that leave the site but would send a referrer or give the new page an opener."""
    found = []
    for link in page.soup.find_all(["a", "area"], href=True):
        if not leaves_the_site(browser_url(link["href"])):
            continue
        rel = {value.lower() for value in link.get("rel") or []}
        if not {"noopener", "noreferrer"} <= rel:
            found.append(f"{page.name}: <a href={link['href']!r} rel={sorted(rel)}>")
    return found


def internal_links(page: Page) -> Iterator[tuple[Tag, str, str]]:
    """(element, attribute, URL) for each href or src that stays on the site."""
    for tag in page.soup.find_all(True):
        for attribute in ("href", "src"):
            url = tag.get(attribute)
            if isinstance(url, str) and not leaves_the_site(url):
                yield tag, attribute, url


def linked_docs(page: Page, selector: str) -> list[str]:
    """Documents linked from the elements ``selector`` picks, as docnames, in page order."""
    found = []
    for link in page.soup.select(selector):
        target = resolve(page, link.get("href", ""))
        if target is not None and target.endswith(".html"):
            found.append(target.removesuffix(".html"))
    return found


def broken_internal_links(outdir: Path) -> list[str]:
    """Every href or src on the site that names a missing file or a missing #id."""
    all_pages = {page.name: page for page in pages(outdir)}
    broken = []
    for page in all_pages.values():
        for tag, attribute, url in internal_links(page):
            target = resolve(page, url)
            fragment = urlsplit(url).fragment
            if target is None or not (outdir / target).is_file():
                broken.append(f"{page.name}: <{tag.name} {attribute}={url!r}> (no file)")
            elif fragment and target in all_pages and fragment not in all_pages[target].ids:
                broken.append(f"{page.name}: <{tag.name} {attribute}={url!r}> (no such id)")
    return broken


@dataclass(frozen=True)
class Listing:
    """Where a study file must appear, as the shared model reads it (as ``atlas check`` does)."""

    docname: str
    #: False for a file the model finds no study in, or cannot read.
    is_study: bool
    evidence: str | None
    tags: tuple[str, ...]


def expected_listings(srcdir: Path, today: datetime.date) -> list[Listing]:
    """Every file in ``studies/``: is it a study, and on which level and tag pages."""
    vocabulary = load_vocabulary(srcdir / "vocabulary.yaml")
    listings = []
    for path in sorted((srcdir / "studies").glob("*.md")):
        docname = f"studies/{path.stem}"
        text, undecodable = decode_page(path.read_bytes())
        study = None
        if undecodable is None:
            study = check_file(path, text, vocabulary, docname, today).study
        listings.append(
            Listing(
                docname, study is not None, study and study.evidence, study.tags if study else ()
            )
        )
    return listings


def lost_or_doubled(
    outdir: Path, listings: list[Listing], levels: list[str], tags: list[str]
) -> list[str]:
    """Each study once in studies.json, once on its level page, once on each of its tag pages.

    A file that is no study appears nowhere. Every mismatch is one line of the result.
    """
    exported = Counter(
        record["id"]
        for record in json.loads((outdir / "studies.json").read_text("utf-8"))["studies"]
    )
    pages_by_name = {page.name: page for page in pages(outdir)}
    table = "table.atlas-study-table tbody tr td:first-child a"
    on_level = {
        level: Counter(linked_docs(pages_by_name[f"evidence/{level.lower()}.html"], table))
        for level in levels
    }
    on_tag = {tag: Counter(linked_docs(pages_by_name[f"tags/{tag}.html"], table)) for tag in tags}
    problems = []
    for listing in listings:
        doc = listing.docname
        if exported[doc] != listing.is_study:
            problems.append(f"{doc}: {exported[doc]} times in studies.json")
        for level, listed in on_level.items():
            if listed[doc] != (listing.is_study and listing.evidence == level):
                problems.append(f"{doc}: {listed[doc]} times on evidence/{level.lower()}")
        for tag, listed in on_tag.items():
            if listed[doc] != (listing.is_study and tag in listing.tags):
                problems.append(f"{doc}: {listed[doc]} times on tags/{tag}")
    known = {listing.docname for listing in listings}
    problems += [f"{doc}: exported but no such file" for doc in exported if doc not in known]
    return problems
