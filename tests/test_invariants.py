"""Nothing lost: every study file is listed exactly where the model says, and every link lands.

The site holds the four fixture studies and broken pages of several kinds. The
expected listing of each file comes from the shared model, the way ``atlas
check`` reads it, so a page the build drops or lists twice shows up here.
"""

from __future__ import annotations

import datetime

import pytest
from atlas.model.vocabulary import load_vocabulary
from cases import BASE
from conftest import FIXTURE_NAMES, SOURCE, fixture_study, new_site
from sitescan import broken_internal_links, expected_listings, lost_or_doubled

VOCABULARY = load_vocabulary(SOURCE / "vocabulary.yaml")
LEVELS = [level.key for level in VOCABULARY.evidence_levels]
TAGS = [tag.key for tag in VOCABULARY.tags]
#: The build checks years against today; so does the expected listing.
TODAY = datetime.date.today()


def other_paper(text: str, number: int) -> str:
    """The same page about another paper, so duplicate rules stay out of the way."""
    return text.replace("fixture.alpha", f"fixture.broken{number}").replace(
        "90000001", f"9600{number:04d}"
    )


BROKEN = {
    "no-block": "# Notes\n\nA page in studies/ that holds no study.\n",
    "empty": "",
    "unknown-level": other_paper(BASE.replace(":evidence: E1", ":evidence: E9"), 1),
    "one-bad-tag": other_paper(BASE.replace("symptom-fatigue,", "symptom-fatigue, ../x,"), 2),
    "text-after-the-block": other_paper(BASE, 3) + "\n<p>Notes for the editors.</p>\n",
    "two-blocks": other_paper(BASE, 4) + "\n" + other_paper(BASE, 5),
    "unclosed-block": other_paper(BASE, 6).rstrip().removesuffix("```"),
    "too-large": other_paper(BASE, 7).replace("short on purpose.", "long. " * 10_000),
}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    studies = {name: fixture_study(name) for name in FIXTURE_NAMES} | BROKEN
    site = new_site(tmp_path_factory.mktemp("invariants"), studies)
    (site.srcdir / "studies" / "not-utf-8.md").write_bytes(
        other_paper(BASE, 8).encode().replace(b"Its text", b"Its \xe9 text")
    )
    site.build()
    return site


def test_the_expected_listing_is_not_empty(site):
    """The invariant below means something only if the model finds the studies."""
    listings = {listing.docname: listing for listing in expected_listings(site.srcdir, TODAY)}
    for name in FIXTURE_NAMES:
        assert listings[f"studies/{name}"].evidence in LEVELS
        assert listings[f"studies/{name}"].tags
    assert not listings["studies/no-block"].is_study
    assert not listings["studies/not-utf-8"].is_study
    assert not listings["studies/too-large"].is_study
    assert listings["studies/unknown-level"].is_study


def test_every_study_is_listed_once_where_it_belongs_and_nowhere_else(site):
    listings = expected_listings(site.srcdir, TODAY)
    assert lost_or_doubled(site.outdir, listings, LEVELS, TAGS) == []


def test_every_internal_link_and_anchor_resolves(site):
    assert broken_internal_links(site.outdir) == []
