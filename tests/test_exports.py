"""Open data: studies.json parses, validates against its published schema, and is complete."""

from __future__ import annotations

import json

import jsonschema
import pytest
from conftest import FIXTURE_NAMES, new_site


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    site = new_site(tmp_path_factory.mktemp("exports"), FIXTURE_NAMES)
    assert site.build().warning_lines() == []
    return site


def test_studies_json_validates_against_its_schema(built):
    data = json.loads((built.outdir / "studies.json").read_text("utf-8"))
    schema = json.loads((built.outdir / "studies.schema.json").read_text("utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(data, schema)
    assert [study["id"] for study in data["studies"]] == sorted(
        f"studies/{name}" for name in FIXTURE_NAMES
    )


def test_records_carry_the_options_of_their_page(built):
    data = json.loads((built.outdir / "studies.json").read_text("utf-8"))
    alpha = next(s for s in data["studies"] if s["id"] == "studies/alpha-2020-first-fixture")
    assert alpha["url"] == "studies/alpha-2020-first-fixture.html"
    assert alpha["doi"] == "10.5555/fixture.alpha"
    assert alpha["case-definition"] == ["ccc"]
    assert alpha["tags"] == ["symptom-fatigue", "method-flag-small-sample"]
    assert alpha["year"] == 2020


def test_the_schema_rejects_an_unknown_level(built):
    data = json.loads((built.outdir / "studies.json").read_text("utf-8"))
    schema = json.loads((built.outdir / "studies.schema.json").read_text("utf-8"))
    data["studies"][0]["evidence"] = "E9"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, schema)


def test_exports_follow_an_edit_and_stay_untouched_by_a_no_op(make_site):
    site = make_site()
    site.build()
    exported = site.outdir / "studies.json"
    stamp = exported.stat().st_mtime_ns
    site.build()
    assert exported.stat().st_mtime_ns == stamp
    page = site.srcdir / "studies" / "alpha-2020-first-fixture.md"
    page.write_text(page.read_text().replace("Alpha fixture:", "Alpha edited:"))
    site.build()
    titles = [s["title"] for s in json.loads(exported.read_text("utf-8"))["studies"]]
    assert "Alpha edited: a randomised trial" in titles
