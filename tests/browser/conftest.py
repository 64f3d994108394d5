"""One small atlas, built once per session and served on 127.0.0.1, and one Chromium.

Each browser test module marks itself ``xdist_group("browser")``, so under
``pytest -n 2 --dist loadgroup`` (as ``make test`` runs) one worker builds
the site and starts Chromium once for all of them.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass

import pytest
from atlas.bench.synth import atlas_page, synthesize
from atlas.model.vocabulary import load_vocabulary
from conftest import FIXTURE_NAMES, SOURCE, Site, fixture_study, new_site

from .serving import CHROMIUM, launch, serve

#: A study whose findings hold a word no other page has, for the search test.
SEARCH_STUDY = "epsilon-2019-search-fixture"
SEARCH_WORD = "quillwort"
#: A retracted study, which every list must flag.
RETRACTED_STUDY = "zeta-2017-retracted-fixture"
#: Enough synthetic studies that the browse list needs a "Show more" button.
SYNTHETIC = 60


def search_study() -> str:
    text = fixture_study("alpha-2020-first-fixture")
    for old, new in (
        ("Alpha fixture: a randomised trial", "Epsilon fixture: a study found by search"),
        ("Alpha, Anna B; Beta, Carl; Gamma, Dana; Delta, Erik", "Epsilon, Eva"),
        (":year: 2020", ":year: 2019"),
        ("fixture.alpha", "fixture.epsilon"),
        ("90000001", "90000005"),
        (
            "- The first finding of alpha-2020-first-fixture.",
            f"- Levels of {SEARCH_WORD} protein were higher in patients.",
        ),
    ):
        assert old in text, old
        text = text.replace(old, new)
    return text


def retracted_study() -> str:
    text = fixture_study("beta-2018-second-fixture")
    for old, new in (
        ("Beta fixture: an observational cohort", "Zeta fixture: a retracted cohort"),
        ("Beta, Carl", "Zeta, Zoe"),
        (":year: 2018", ":year: 2017"),
        ("fixture.beta", "fixture.zeta"),
        ("90000002", "90000006"),
        (
            ":updated: 2026-03-01",
            ":updated: 2026-03-01\n:retracted: 2021-05-06\n:retraction-notice: 10.5555/notice.z",
        ),
    ):
        assert old in text, old
        text = text.replace(old, new)
    return text


@dataclass
class ServedSite:
    site: Site
    url: str

    def index(self) -> dict:
        return json.loads((self.site.outdir / "browse.json").read_text("utf-8"))


@pytest.fixture(scope="session")
def served(tmp_path_factory) -> ServedSite:
    vocabulary = load_vocabulary(SOURCE / "vocabulary.yaml")
    pages = {name: fixture_study(name) for name in FIXTURE_NAMES}
    pages[SEARCH_STUDY] = search_study()
    pages[RETRACTED_STUDY] = retracted_study()
    for study in synthesize(SYNTHETIC, vocabulary, seed=5):
        pages[study.slug] = atlas_page(study, vocabulary)
    site = new_site(tmp_path_factory.mktemp("browser-site"), pages)
    build = site.build()
    assert build.warning_lines() == [], build.warnings
    with serve(site.outdir) as url:
        yield ServedSite(site, url)


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing; `make test` installs Debian's chromium"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = launch(playwright)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    """A fresh desktop-sized page; any script error on it fails the test."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert errors == [], errors
