"""Search in shards: each page in one shard, an edit re-indexes only its shard; study filters.

The tests shrink a shard to one study page, so that the small test site has
several shards, as the atlas at scale has.
"""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path

import pytest
from atlas.sphinx import pagefindorder, search
from conftest import FIXTURE_NAMES, Site
from sphinx.errors import ExtensionError

ALPHA = "alpha-2020-first-fixture"


@pytest.fixture
def small_shards(monkeypatch):
    monkeypatch.setattr(search, "PAGES_PER_SHARD", 1)


def fragments(folder: Path) -> dict[str, dict]:
    """The page fragments of one bundle folder (not of the shards inside it), by address."""
    found = {}
    for file in (folder / "fragment").glob("*.pf_fragment"):
        data = json.loads(gzip.decompress(file.read_bytes()).removeprefix(b"pagefind_dcd"))
        found[data["url"]] = data
    return found


def shard_folders(site: Site) -> list[Path]:
    return sorted((site.outdir / "pagefind" / "studies").iterdir())


def stamps(folder: Path) -> dict[str, int]:
    return {str(path): path.stat().st_mtime_ns for path in folder.rglob("*") if path.is_file()}


def test_every_study_page_is_in_exactly_one_shard_and_the_manifest_lists_them(
    make_site, small_shards
):
    site = make_site()
    site.build()
    manifest = json.loads((site.outdir / "pagefind" / "atlas-search.json").read_text("utf-8"))
    folders = shard_folders(site)
    assert len(folders) > 1
    assert manifest["bundles"] == [f"studies/{folder.name}/" for folder in folders]
    seen: list[str] = []
    for folder in folders:
        seen += list(fragments(folder))
    assert sorted(seen) == sorted(f"/studies/{name}.html" for name in FIXTURE_NAMES)
    main = fragments(site.outdir / "pagefind")
    assert "/tags.html" in main and not any(url.startswith("/studies/") for url in main)
    assert [group["key"] for group in manifest["filters"]] == ["level", "pem", "design"]
    assert "stale" not in manifest


def test_a_study_page_carries_its_filters_and_badges(make_site):
    site = make_site()
    site.build()
    (page,) = [
        data
        for folder in shard_folders(site)
        for url, data in fragments(folder).items()
        if url == f"/studies/{ALPHA}.html"
    ]
    assert page["filters"] == {
        "level": ["E1 Replicated"],
        "pem": ["PEM required"],
        "design": ["RCT"],
    }
    assert page["meta"]["year"] == "2020" and page["meta"]["level"] == "E1 Replicated"
    # The facts are one hidden element with no words of its own.
    (facts,) = site.html(f"studies/{ALPHA}").select(".atlas-search-facts")
    assert facts.has_attr("hidden") and facts.get_text() == ""


def test_an_edit_reindexes_only_the_shard_of_the_edited_page(make_site, small_shards):
    site = make_site()
    site.build()
    own = search.shard_of(f"studies/{ALPHA}.html", search.shard_count(len(FIXTURE_NAMES)))
    before = {folder.name: stamps(folder) for folder in shard_folders(site)}
    study = site.srcdir / "studies" / f"{ALPHA}.md"
    study.write_text(study.read_text().replace("Its text is short", "Its text is brief"))
    site.build()
    after = {folder.name: stamps(folder) for folder in shard_folders(site)}
    changed = {name for name in after if after[name] != before.get(name)}
    assert changed == {own.split("/")[1]}
    words = [data["content"] for data in fragments(site.outdir / "pagefind" / own).values()]
    assert any("Its text is brief" in text for text in words)


def test_a_deleted_file_of_one_shard_is_written_again(make_site, small_shards):
    site = make_site()
    site.build()
    folder = shard_folders(site)[0]
    victim = next((folder / "fragment").iterdir())
    content = victim.read_bytes()
    others = {other.name: stamps(other) for other in shard_folders(site)[1:]}
    victim.unlink()
    site.build()
    assert victim.read_bytes() == content
    assert {other.name: stamps(other) for other in shard_folders(site)[1:]} == others


def test_a_shard_no_page_hashes_to_any_more_is_removed(make_site, small_shards):
    site = make_site()
    site.build()
    assert len(shard_folders(site)) > 1
    for name in FIXTURE_NAMES[1:]:
        site.remove_study(name)
    site.build()
    assert len(shard_folders(site)) == 1
    manifest = json.loads((site.outdir / "pagefind" / "atlas-search.json").read_text("utf-8"))
    assert manifest["bundles"] == [f"studies/{shard_folders(site)[0].name}/"]


def test_shards_grow_by_doubling_so_pages_move_only_when_the_count_changes():
    assert [search.shard_count(n) for n in (0, 1, 1000, 1001, 6145, 24580)] == [1, 1, 1, 2, 8, 32]
    pages = [f"studies/page-{number}.html" for number in range(200)]
    for page in pages:
        # Doubling splits a shard in two: a page of shard k goes to k or k + count.
        assert search.shard_of(page, 8) in {
            search.shard_of(page, 4),
            f"studies/{int(search.shard_of(page, 4).split('/')[1]) + 4}",
        }
    assert search.shard_of("tags/x.html", 8) == search.MAIN


def test_glob_special_characters_in_page_names_are_escaped():
    assert search.glob_of(["studies/a{b}.html", "studies/c,d.html"]) == (
        "{studies/a\\{b\\}.html,studies/c\\,d.html}"
    )


def test_filter_lists_are_sorted_and_a_bundle_of_another_version_is_left_alone(tmp_path):
    bundle = tmp_path / "bundle"
    (bundle / "filter").mkdir(parents=True)
    content = ["level", [["E3", [1, 2]], ["E1", [0]]]]
    name = pagefindorder.write(bundle / "filter", pagefindorder.FILTER_FILE, "en", content)
    meta = ["1.5.2", [], [], [["level", name]], []]
    meta_name = pagefindorder.write(bundle, pagefindorder.META_FILE, "en", meta)
    entry = {"version": "9.9.9", "languages": {"en": {"hash": meta_name, "page_count": 3}}}
    (bundle / pagefindorder.ENTRY).write_text(json.dumps(entry), "utf-8")
    assert pagefindorder.sort_filters(bundle) is False
    entry["version"] = "1.5.2"
    (bundle / pagefindorder.ENTRY).write_text(json.dumps(entry), "utf-8")
    assert pagefindorder.sort_filters(bundle) is True
    (written,) = (bundle / "filter").iterdir()
    assert pagefindorder.read(written) == ["level", [["E1", [0]], ["E3", [1, 2]]]]
    new_entry = json.loads((bundle / pagefindorder.ENTRY).read_text("utf-8"))
    (meta_file,) = bundle.glob("*.pf_meta")
    assert meta_file.name == f"pagefind.{new_entry['languages']['en']['hash']}.pf_meta"
    assert pagefindorder.read(meta_file)[3] == [["level", written.stem]]
    # Sorting again changes nothing: the names are the content's.
    before = sorted(path.name for path in bundle.rglob("*"))
    assert pagefindorder.sort_filters(bundle) is True
    assert sorted(path.name for path in bundle.rglob("*")) == before


def test_a_file_that_does_not_encode_back_to_its_bytes_stops_the_rewrite(tmp_path):
    bundle = tmp_path / "bundle"
    bundle.mkdir()
    # A number written with a longer head than it needs: valid CBOR, not Pagefind's form.
    (bundle / "pagefind.en_x.pf_meta").write_bytes(
        gzip.compress(pagefindorder.MAGIC + bytes([0x18, 0x01]))
    )
    entry = {"version": "1.5.2", "languages": {"en": {"hash": "en_x"}}}
    (bundle / pagefindorder.ENTRY).write_text(json.dumps(entry), "utf-8")
    assert pagefindorder.sort_filters(bundle) is False
    assert (bundle / "pagefind.en_x.pf_meta").exists()


def test_a_failing_pagefind_fails_the_build_and_leaves_no_record(make_site, monkeypatch):
    """Pagefind runs in a thread while the open data is written; its failure stops the build."""
    site = make_site()

    def broken(outdir, shard, pages, scratch):
        code = "import sys; sys.stderr.write('no index today'); sys.exit(3)"
        return subprocess.Popen(
            [sys.executable, "-c", code],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )

    monkeypatch.setattr(search, "start_pagefind", broken)
    with pytest.raises(ExtensionError, match="no index today"):
        site.build()
    assert not (site.builddir / "doctrees" / search.INDEXED).exists()
    monkeypatch.undo()
    site.build()
    assert (site.builddir / "doctrees" / search.INDEXED).exists()
