"""Feeds per tag and evidence level: parsed by feedparser, capped, linked from their pages."""

from __future__ import annotations

import datetime
from xml.etree import ElementTree as ET

import feedparser
import pytest
from atlas.model.record import Study
from atlas.model.vocabulary import load_vocabulary
from atlas.sphinx.exports import Site, atom
from atlas.sphinx.feeds import FEED_LENGTH
from conftest import FIXTURE_NAMES, SOURCE, fixture_study, new_site
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

VOCABULARY = load_vocabulary(SOURCE / "vocabulary.yaml")
BASE = "https://mecfs-atlas.github.io/atlas/"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    site = new_site(tmp_path_factory.mktemp("feeds"), FIXTURE_NAMES)
    assert site.build().warning_lines() == []
    return site


def feed_of(site, path: str) -> feedparser.FeedParserDict:
    feed = feedparser.parse((site.outdir / path).read_bytes())
    assert not feed.bozo, feed.bozo_exception
    return feed


def options_of(site) -> dict[str, dict[str, str]]:
    """Each study page's options, by page name, as its file writes them."""
    pages = {}
    for path in sorted((site.srcdir / "studies").glob("*.md")):
        options = dict(
            line[1:].split(": ", 1)
            for line in path.read_text("utf-8").splitlines()
            if line.startswith(":") and ": " in line
        )
        pages[path.stem] = options
    return pages


def test_every_level_and_tag_has_a_feed_of_its_studies(built):
    pages = options_of(built)
    for level in VOCABULARY.evidence_levels:
        feed = feed_of(built, f"feeds/evidence/{level.key.lower()}.xml")
        expected = {name for name, options in pages.items() if options["evidence"] == level.key}
        assert {entry.link.rsplit("/", 1)[1].removesuffix(".html") for entry in feed.entries} == (
            expected
        )
        assert feed.feed.title == f"ME/CFS Evidence Atlas: {level.key} {level.label}"
        assert feed.feed.links[0].href == f"{BASE}feeds/evidence/{level.key.lower()}.xml"
    for tag in VOCABULARY.tags:
        feed = feed_of(built, f"feeds/tags/{tag.key}.xml")
        expected = {
            name
            for name, options in pages.items()
            if tag.key in options.get("tags", "").split(", ")
        }
        assert {entry.link.rsplit("/", 1)[1].removesuffix(".html") for entry in feed.entries} == (
            expected
        )
        assert feed.feed.title == f"ME/CFS Evidence Atlas: {tag.label}"


def test_a_feed_lists_its_studies_newest_first(built):
    feed = feed_of(built, "feeds/tags/symptom-fatigue.xml")
    updated = [entry.updated for entry in feed.entries]
    assert len(updated) >= 2
    assert updated == sorted(updated, reverse=True)
    assert all(entry.link.startswith(f"{BASE}studies/") for entry in feed.entries)


def test_each_level_and_tag_page_names_its_feed_in_its_head(built):
    pages = [
        ("evidence/e1", "../feeds/evidence/e1.xml"),
        ("tags/symptom-fatigue", "../feeds/tags/symptom-fatigue.xml"),
    ]
    for page, feed in pages:
        links = built.html(page).head.find_all("link", rel="alternate")
        assert [link["type"] for link in links] == ["application/atom+xml"] * 2
        assert [link["href"] for link in links] == [feed, "../atom.xml"]
        # The link leads to the feed's file.
        assert (built.outdir / page).parent.joinpath(links[0]["href"]).is_file()
    links = built.html("index").head.find_all("link", rel="alternate")
    assert [link["href"] for link in links] == ["atom.xml"]
    study = built.html("studies/alpha-2020-first-fixture").head.find_all("link", rel="alternate")
    assert [link["href"] for link in study] == ["../atom.xml"]


def test_a_feed_holds_at_most_its_newest_studies(tmp_path):
    template = fixture_study("alpha-2020-first-fixture")
    studies = {}
    for number in range(FEED_LENGTH + 5):
        day = datetime.date(2025, 1, 1) + datetime.timedelta(days=number)
        studies[f"alpha-2020-copy-{number:02d}"] = (
            template.replace("Alpha fixture: a randomised trial", f"Copy {number} of alpha")
            .replace("10.5555/fixture.alpha", f"10.5555/fixture.copy{number}")
            .replace("90000001", f"9100{number:04d}")
            .replace(":updated: 2026-03-01", f":updated: {day.isoformat()}")
        )
    site = new_site(tmp_path, studies)
    warnings = site.build().warning_lines()
    assert not [line for line in warnings if "WARNING: ATLAS" in line and "ATLAS076" not in line]
    feed = feed_of(site, "feeds/tags/symptom-fatigue.xml")
    newest = [f"Copy {number} of alpha" for number in range(FEED_LENGTH + 4, 4, -1)]
    assert [entry.title for entry in feed.entries] == newest
    assert len(feed_of(site, "atom.xml").entries) == FEED_LENGTH + 5


def test_feeds_are_written_only_when_their_bytes_change(make_site):
    site = make_site()
    site.build()
    fatigue = site.outdir / "feeds" / "tags" / "symptom-fatigue.xml"
    immune = site.outdir / "feeds" / "tags" / "topic-immune-system.xml"
    stamps = {path: path.stat().st_mtime_ns for path in (fatigue, immune)}
    site.build()
    assert {path: path.stat().st_mtime_ns for path in stamps} == stamps
    page = site.srcdir / "studies" / "alpha-2020-first-fixture.md"
    page.write_text(page.read_text().replace("Alpha fixture:", "Alpha edited:"))
    site.build()
    assert immune.stat().st_mtime_ns == stamps[immune]  # alpha has no immune-system tag
    assert fatigue.stat().st_mtime_ns != stamps[fatigue]
    titles = [entry.title for entry in feed_of(site, "feeds/tags/symptom-fatigue.xml").entries]
    assert "Alpha edited: a randomised trial" in titles


def test_a_deleted_feed_is_written_again_and_a_retired_one_removed(make_site):
    site = make_site()
    site.build()
    feed = site.outdir / "feeds" / "evidence" / "e2.xml"
    expected = feed.read_bytes()
    feed.unlink()
    retired = site.outdir / "feeds" / "tags" / "symptom-retired.xml"
    retired.write_bytes(expected)
    site.build()
    assert feed.read_bytes() == expected
    assert not retired.exists()


LINE_TEXT = st.text(min_size=1, max_size=40)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(title=LINE_TEXT, feed_title=LINE_TEXT, author=LINE_TEXT)
def test_a_tag_feed_is_well_formed_whatever_its_texts_hold(title, feed_title, author):
    """Each feed goes through the site feed's writer, so control characters cannot break it."""
    study = Study(
        docname="studies/x-2020-hostile",
        title=title,
        authors=(author,),
        journal=title,
        year=2020,
        design="rct",
        evidence="E1",
        confidence="moderate",
        pem="required",
        case_definition=("ccc",),
        peer_review="peer-reviewed",
        review="community-draft",
        updated="2026-01-01",
        tags=("symptom-fatigue",),
    )
    site = Site(
        feed_title, author, BASE.rstrip("/"), {study.docname: "studies/x-2020-hostile.html"}
    )
    xml = atom(feed_title, "feeds/tags/symptom-fatigue.xml", [study], site)
    ET.fromstring(xml.encode("utf-8", "replace"))
    feed = feedparser.parse(xml.encode("utf-8", "replace"))
    assert not feed.bozo, feed.bozo_exception
    assert len(feed.entries) == 1


def test_a_book_build_gets_no_feed_and_names_none(make_site):
    """Feeds are files of the web site; an ePub holds none and links none."""
    site = make_site()
    site.build(builder="epub")
    output = site.output_of("epub")
    assert not (output / "feeds").exists()
    assert not (output / "robots.txt").exists()
    pages = [path.read_text("utf-8") for path in output.rglob("*.xhtml")]
    assert pages and not any("application/atom+xml" in page for page in pages)
