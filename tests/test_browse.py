"""The browse page's index (browse.json) and the page that reads it."""

from __future__ import annotations

import json

import pytest
from atlas.model.vocabulary import load_vocabulary
from atlas.sphinx.browse import browse_index
from conftest import FIXTURE_NAMES, fixture_study, new_site

ALPHA = "alpha-2020-first-fixture"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    site = new_site(tmp_path_factory.mktemp("browse"), FIXTURE_NAMES)
    build = site.build()
    return site, build


def load(site) -> dict:
    return json.loads((site.outdir / "browse.json").read_text("utf-8"))


def decoded(index: dict) -> dict[str, dict]:
    """Each study row as a dict of readable values, keyed by its URL."""
    columns = index["columns"]
    studies = {}
    for row in index["studies"]:
        study = dict(zip(columns, row, strict=True))
        url = index["url"]["prefix"] + study["path"] + index["url"]["suffix"]
        studies[url] = {
            "title": study["title"],
            "year": study["year"],
            "level": index["level"][study["level"]][0],
            "pem": index["pem"][study["pem"]][0],
            "design": index["design"][study["design"]][0],
            "updated": study["updated"],
            "tags": [index["tag"][position][0] for position in study["tags"]],
            "retracted": bool(study["retracted"]),
        }
    return studies


def test_build_is_clean(built):
    _, build = built
    assert build.warning_lines() == []


def test_every_study_is_in_the_index_with_what_the_page_shows(built):
    site, _ = built
    studies = decoded(load(site))
    assert sorted(studies) == sorted(f"studies/{name}.html" for name in FIXTURE_NAMES)
    assert studies[f"studies/{ALPHA}.html"] == {
        "title": "Alpha fixture: a randomised trial",
        "year": 2020,
        "level": "E1",
        "pem": "required",
        "design": "rct",
        "updated": "2026-03-01",
        "tags": ["symptom-fatigue", "method-flag-small-sample"],
        "retracted": False,
    }
    for url in studies:
        assert (site.outdir / url).is_file(), url


def test_retracted_studies_are_flagged(make_site):
    site = make_site()
    site.write_study(
        ALPHA,
        fixture_study(ALPHA).replace(
            ":updated: 2026-03-01",
            ":updated: 2026-03-01\n:retracted: 2021-05-06\n:retraction-notice: 10.5555/notice.a",
        ),
    )
    site.build()
    studies = decoded(load(site))
    assert [url for url, study in studies.items() if study["retracted"]] == [
        f"studies/{ALPHA}.html"
    ]
    recent = site.html("index").select("ol.atlas-recent li")
    flagged = [li.a.get_text() for li in recent if li.select_one(".atlas-flag-retracted")]
    assert flagged == ["Alpha fixture: a randomised trial"]


def test_rows_come_newest_first(built):
    site, _ = built
    years = [study["year"] for study in decoded(load(site)).values()]
    assert years == sorted(years, reverse=True)


def test_labels_and_their_order_come_from_the_vocabulary(built):
    site, _ = built
    index = load(site)
    vocabulary = load_vocabulary(site.srcdir / "vocabulary.yaml")
    # Levels come strongest findings first, definitions and guidelines after them.
    assert index["level"] == [[t.key, t.label] for t in vocabulary.levels_findings_first]
    assert [key for key, _ in index["level"]] == ["E1", "E2", "E3", "E0"]
    assert index["pem"] == [[t.key, t.label] for t in vocabulary.pem]
    assert index["design"] == [[t.key, t.label] for t in vocabulary.designs]
    assert [tag[:2] for tag in index["tag"]] == [[t.key, t.short_label] for t in vocabulary.tags]
    families = [family for family, _ in index["families"]]
    assert [families[tag[2]] for tag in index["tag"]] == [t.family for t in vocabulary.tags]


def test_index_is_compact_json(built):
    site, _ = built
    text = (site.outdir / "browse.json").read_text("utf-8")
    assert text == json.dumps(json.loads(text), ensure_ascii=False, separators=(",", ":")) + "\n"
    # Definitions, authors and section text stay out: the page does not show them.
    assert "Replicated human evidence" not in text
    assert "Alpha, Anna" not in text
    assert "first finding" not in text


def test_index_is_rewritten_only_when_its_bytes_change(make_site):
    site = make_site()
    site.build()
    path = site.outdir / "browse.json"
    stamp = path.stat().st_mtime_ns
    study = site.srcdir / "studies" / f"{ALPHA}.md"
    # A change the browse page does not show leaves the file alone.
    study.write_text(study.read_text().replace("Its text is short", "Its text is brief"))
    site.build()
    assert path.stat().st_mtime_ns == stamp
    study.write_text(study.read_text().replace(":year: 2020", ":year: 2021"))
    site.build()
    assert path.stat().st_mtime_ns != stamp
    assert decoded(load(site))[f"studies/{ALPHA}.html"]["year"] == 2021


def test_browse_assets_load_on_the_browse_page_only(built):
    site, _ = built
    scripts = [s.get("src", "") for s in site.html("browse").select("script")]
    styles = [link["href"] for link in site.html("browse").select("link[rel=stylesheet]")]
    assert any(src.startswith("_static/browse.js") for src in scripts)
    assert any(href.startswith("_static/browse.css") for href in styles)
    for other in ("index", f"studies/{ALPHA}", "tags"):
        page = site.html(other)
        assert not [s for s in page.select("script") if "browse.js" in s.get("src", "")], other
        assert not [s for s in page.select("link") if "browse.css" in s.get("href", "")], other
    assert (site.outdir / "_static" / "browse.js").is_file()


def test_browse_form_controls_have_labels(built):
    site, _ = built
    page = site.html("browse")
    form = page.select_one("form#atlas-browse")
    for control in [*form.select("input, select"), page.select_one("#atlas-browse-sort")]:
        label = page.select_one(f'label[for="{control["id"]}"]')
        assert label is not None and label.get_text(strip=True), control["id"]
    legends = [legend.get_text(strip=True) for legend in form.select("fieldset > legend")]
    assert legends[:2] == ["Evidence level", "PEM status"]
    status = page.select_one("#atlas-browse-count")
    assert status["role"] == "status" and status["aria-live"] == "polite"


def test_index_of_an_empty_atlas_is_valid():
    vocabulary = load_vocabulary("source/vocabulary.yaml")
    index = browse_index([], vocabulary, {})
    assert index["studies"] == []
    assert index["url"] == {"prefix": "", "suffix": ""}


def test_each_value_carries_the_words_of_its_badge(built):
    """The list says "Evidence: E1 replicated" and "PEM: required", as the study pages do."""
    site, _ = built
    index = load(site)
    badges = index["badges"]
    assert badges["level"] == [
        "Evidence: E1 replicated",
        "Evidence: E2 single study",
        "Evidence: E3 preliminary",
        "Evidence: E0 consensus",
    ]
    assert badges["pem"] == ["PEM: required", "PEM: not required", "PEM: unclear"]
    assert len(badges["design"]) == len(index["design"])
    assert "Design: RCT" in badges["design"]
