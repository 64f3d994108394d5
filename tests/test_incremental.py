"""Incremental and parallel builds keep every index right and rewrite only what changed."""

from __future__ import annotations

from conftest import FIXTURE_NAMES, fixture_study, new_site

ALPHA = "alpha-2020-first-fixture"
BETA = "beta-2018-second-fixture"


def titles(site, docname):
    return [
        a.get_text()
        for a in site.html(docname).select("table.atlas-study-table tbody a")
        if a["href"].startswith("../studies/")
    ]


def edit_alpha(site, old: str, new: str) -> None:
    path = site.srcdir / "studies" / f"{ALPHA}.md"
    path.write_text(path.read_text().replace(old, new), encoding="utf-8")


def test_moving_a_tag_updates_old_and_new_tag_pages_only(make_site):
    site = make_site()
    assert site.build().warning_lines() == []
    edit_alpha(site, ":tags: symptom-fatigue,", ":tags: topic-immune-system,")
    build = site.build()
    assert build.warning_lines() == []
    assert titles(site, "tags/symptom-fatigue") == ["Beta fixture: an observational cohort"]
    assert titles(site, "tags/topic-immune-system") == [
        "Alpha fixture: a randomised trial",
        "Beta fixture: an observational cohort",
    ]
    # Sphinx also rewrites "index", whose toctree holds the changed tag overview,
    # and "data", which gives the size of each open-data file (studies.json grew).
    assert build.written == {
        f"studies/{ALPHA}",
        "tags/symptom-fatigue",
        "tags/topic-immune-system",
        "tags",
        "index",
        "data",
    }


def test_changing_the_level_moves_the_study_between_level_pages(make_site):
    site = make_site()
    site.build()
    edit_alpha(site, ":evidence: E1", ":evidence: E3")
    build = site.build()
    assert titles(site, "evidence/e1") == []
    assert titles(site, "evidence/e3") == [
        "Alpha fixture: a randomised trial",
        "Beta fixture: an observational cohort",
    ]
    counts = [tr.select("td")[2].get_text() for tr in site.html("evidence").select("tbody tr")]
    # E1 to E3 (levels of findings), then E0 (definitions and guidelines) apart.
    assert counts == ["0 studies", "1 study", "2 studies", "1 study"]
    # The tag pages show the level too, so Alpha's two tag pages are rewritten.
    assert build.written == {
        f"studies/{ALPHA}",
        "evidence/e1",
        "evidence/e3",
        "evidence",
        "index",
        "tags/symptom-fatigue",
        "tags/method-flag-small-sample",
    }


def test_deleting_a_study_removes_it_from_every_index(make_site):
    site = make_site()
    site.build()
    site.remove_study(BETA)
    build = site.build()
    assert build.warning_lines() == []
    assert titles(site, "evidence/e3") == []
    assert titles(site, "tags/symptom-fatigue") == ["Alpha fixture: a randomised trial"]
    assert titles(site, "tags/topic-immune-system") == []
    assert "3 studies in the atlas" in site.html("evidence").get_text()


def test_adding_a_study_adds_it_to_its_indexes(make_site):
    site = make_site([ALPHA])
    site.build()
    site.write_study(BETA, fixture_study(BETA))
    site.build()
    assert titles(site, "evidence/e3") == ["Beta fixture: an observational cohort"]
    assert "Fatigue(2)" in [li.get_text(strip=True) for li in site.html("tags").select("li")]


def test_parallel_and_serial_builds_give_the_same_pages(tmp_path):
    serial = new_site(tmp_path / "serial", FIXTURE_NAMES)
    parallel = new_site(tmp_path / "parallel", FIXTURE_NAMES)
    assert serial.build().warning_lines() == []
    assert parallel.build(parallel=2).warning_lines() == []
    pages = sorted(p.relative_to(serial.outdir) for p in serial.outdir.rglob("*.html"))
    assert pages == sorted(p.relative_to(parallel.outdir) for p in parallel.outdir.rglob("*.html"))
    for page in pages:
        assert (serial.outdir / page).read_bytes() == (parallel.outdir / page).read_bytes(), page


def test_parallel_incremental_edit_updates_the_indexes(make_site):
    site = make_site()
    site.build(parallel=2)
    edit_alpha(site, ":evidence: E1", ":evidence: E2")
    site.build(parallel=2)
    assert titles(site, "evidence/e2") == [
        "Alpha fixture: a randomised trial",
        "Delta fixture: a mechanistic study",
    ]
    assert titles(site, "evidence/e1") == []
