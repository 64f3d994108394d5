"""Open data: studies.json parses, validates against its published schema, and is complete.

The files are written again whenever they may be out of date, and only then.
Hostile text in the records is tested in test_exports_hostile.py.
"""

from __future__ import annotations

import json

import jsonschema
import pytest
from atlas.sphinx import browse, exports
from conftest import FIXTURE_NAMES, new_site

#: Every file written after the build into the site's root.
EXPORT_FILES = [*exports.EXPORTS, browse.BROWSE_JSON]


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


def test_a_deleted_or_changed_export_is_written_again_without_a_changed_record(make_site):
    site = make_site()
    site.build()
    first = {name: (site.outdir / name).read_bytes() for name in EXPORT_FILES}
    for name in EXPORT_FILES:
        (site.outdir / name).unlink()
    site.build()
    assert {name: (site.outdir / name).read_bytes() for name in EXPORT_FILES} == first
    for name in EXPORT_FILES:
        (site.outdir / name).write_bytes(first[name][: len(first[name]) // 2])
    site.build()
    assert {name: (site.outdir / name).read_bytes() for name in EXPORT_FILES} == first


def test_a_no_op_build_renders_no_export(make_site, monkeypatch):
    site = make_site()
    site.build()
    rendered = []

    def noting(name, write):
        return lambda *args: rendered.append(name) or write(*args)

    for name, write in exports.EXPORTS.items():
        monkeypatch.setitem(exports.EXPORTS, name, noting(name, write))
    monkeypatch.setattr(browse, "browse_index", noting("browse.json", browse.browse_index))
    site.build()
    assert rendered == []
    (site.outdir / "atlas.bib").unlink()
    (site.outdir / "browse.json").unlink()
    site.build()
    assert sorted(rendered) == ["atlas.bib", "browse.json"]


def test_exports_catch_up_after_a_build_stopped_before_writing_them(make_site, monkeypatch):
    site = make_site()
    site.build()
    page = site.srcdir / "studies" / "alpha-2020-first-fixture.md"
    page.write_text(page.read_text().replace("Alpha fixture:", "Alpha edited:"))

    def stop(*args: object) -> str:
        raise KeyboardInterrupt  # as a kill after Sphinx saved its environment

    monkeypatch.setitem(exports.EXPORTS, "studies.json", stop)
    with pytest.raises(KeyboardInterrupt):
        site.build()
    monkeypatch.undo()
    site.build()
    for name in ("studies.json", "studies.csv", "atlas.bib", "atom.xml", "browse.json"):
        assert "Alpha edited:" in (site.outdir / name).read_text("utf-8"), name
