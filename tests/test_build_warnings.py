"""The build reports every broken page with file, line and rule code, and still builds the rest."""

from __future__ import annotations

import pytest
from atlas.model.rules import Rule, Severity
from cases import BASE, CASES
from conftest import fixture_study, new_site


def unique(text: str, index: int) -> str:
    """Give a case its own DOI and PMID so it does not collide with the others."""
    return text.replace("fixture.alpha", f"fixture.case{index}").replace(
        "90000001", f"9100{index:04d}"
    )


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    pages = {f"case-{case.name}": unique(case.text, i) for i, case in enumerate(CASES)}
    pages["beta-2018-second-fixture"] = fixture_study("beta-2018-second-fixture")
    pages["no-block"] = "# A page without a study\n\nJust some words.\n"
    pages["two-blocks"] = unique(BASE, 900) + "\n" + unique(BASE, 901)
    pages["same-doi-as-beta"] = unique(BASE, 902).replace(
        "10.5555/fixture.case902", "10.5555/fixture.beta"
    )
    site = new_site(tmp_path_factory.mktemp("warnings"), pages)
    return site, site.build()


def located(site, build, page: str, line: int, code: str) -> bool:
    """Errors are Sphinx warnings with the rule as subtype; advice is printed, not fatal."""
    path = f"{site.srcdir / 'studies' / page}.md:{line}:"
    if next(rule for rule in Rule if rule.code == code).severity is Severity.WARNING:
        return any(line.startswith(f"{path} advice: {code} ") for line in build.advice_lines())
    return any(
        warning.startswith(f"{path} WARNING: {code} ") and warning.endswith(f"[atlas.{code}]")
        for warning in build.warning_lines()
    )


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_each_rule_is_reported_with_file_and_line(built, case):
    site, build = built
    assert located(site, build, f"case-{case.name}", case.line, case.code), build.warnings


def test_a_page_without_a_study_block(built):
    site, build = built
    assert located(site, build, "no-block", 1, "ATLAS001")


def test_a_second_study_block_on_one_page(built):
    site, build = built
    second_fence = BASE.count("\n") + 2
    assert located(site, build, "two-blocks", second_fence, "ATLAS002")


def test_the_same_doi_on_two_pages(built):
    site, build = built
    assert located(site, build, "same-doi-as-beta", 1, "ATLAS060")
    assert "already in the atlas at studies/beta-2018-second-fixture" in build.warnings


def test_broken_pages_still_build_and_keep_the_others(built):
    site, _ = built
    for case in CASES:
        assert (site.outdir / "studies" / f"case-{case.name}.html").exists()
    beta = site.html("studies/beta-2018-second-fixture")
    assert beta.select_one("article h1").get_text().startswith("Beta fixture")
    tag_rows = site.html("tags/topic-immune-system").select("table.atlas-study-table tbody tr")
    assert [row.a.get_text() for row in tag_rows] == ["Beta fixture: an observational cohort"]


def test_a_study_with_an_unknown_level_is_on_no_level_page(built):
    site, _ = built
    listed = {
        a.get_text()
        for level in ("e0", "e1", "e2", "e3")
        for a in site.html(f"evidence/{level}").select("table.atlas-study-table a")
    }
    assert "case-unknown-level" not in str(listed)
