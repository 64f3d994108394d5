"""Search bundle: a rebuild replaces Pagefind's files instead of piling new ones on old."""

from __future__ import annotations

ALPHA = "alpha-2020-first-fixture"


def fragments(site) -> set[str]:
    return {path.name for path in (site.outdir / "pagefind").rglob("fragment/*")}


def test_rebuild_leaves_no_stale_search_files(make_site):
    site = make_site()
    site.build()
    before = fragments(site)
    study = site.srcdir / "studies" / f"{ALPHA}.md"
    study.write_text(study.read_text().replace("Its text is short", "Its text is brief"))
    site.build()
    after = fragments(site)
    # Only the edited page's fragment changed name; the old one is gone.
    assert len(after) == len(before)
    assert len(after - before) == 1
