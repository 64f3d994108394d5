"""Dates and revisions come from git in a checkout, and from the page otherwise."""

from __future__ import annotations

import os
import subprocess

from atlas.sphinx import history
from conftest import fixture_study, new_site

ALPHA = "alpha-2020-first-fixture"


def git(cwd, *args, date="2025-01-02T10:00:00"):
    environment = {
        **os.environ,
        "GIT_AUTHOR_NAME": "Test",
        "GIT_AUTHOR_EMAIL": "test@example.org",
        "GIT_COMMITTER_NAME": "Test",
        "GIT_COMMITTER_EMAIL": "test@example.org",
        "GIT_AUTHOR_DATE": date,
        "GIT_COMMITTER_DATE": date,
    }
    subprocess.run(["git", *args], cwd=cwd, env=environment, check=True, capture_output=True)


def revisions(site):
    return [li.get_text() for li in site.html(f"studies/{ALPHA}").select("ol.atlas-history li")]


def last_updated(site):
    card = site.html(f"studies/{ALPHA}").select_one("div.atlas-card-metadata")
    fields = dict(zip((dt.get_text() for dt in card.select("dt")), card.select("dd"), strict=True))
    return fields["Last updated"].get_text(strip=True)


def test_without_git_the_page_date_is_used(tmp_path):
    site = new_site(tmp_path, [ALPHA])
    site.build()
    assert last_updated(site) == "1 March 2026"
    assert revisions(site) == []


def test_in_a_checkout_dates_and_revisions_come_from_git(tmp_path):
    site = new_site(tmp_path, [ALPHA])
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-qm", "Add the alpha study", date="2025-01-02T10:00:00")
    site.build()
    assert last_updated(site) == "2 January 2025"
    assert revisions(site) == ["2 January 2025: Add the alpha study"]

    page = site.srcdir / "studies" / f"{ALPHA}.md"
    page.write_text(page.read_text().replace("short on purpose", "short, on purpose"))
    git(tmp_path, "commit", "-qam", "Fix a comma", date="2025-03-04T10:00:00")
    site.build()
    assert last_updated(site) == "4 March 2025"
    assert revisions(site) == ["4 March 2025: Fix a comma", "2 January 2025: Add the alpha study"]


def test_a_commit_without_a_text_change_still_refreshes_the_dates(tmp_path):
    site = new_site(tmp_path, [ALPHA])
    git(tmp_path, "init", "-q")
    site.build()  # not committed yet: the page's own date
    assert last_updated(site) == "1 March 2026"
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-qm", "Add the alpha study", date="2025-01-02T10:00:00")
    site.build()
    assert last_updated(site) == "2 January 2025"


def test_one_git_call_reads_the_whole_tree(tmp_path, monkeypatch):
    site = new_site(tmp_path, [ALPHA, "beta-2018-second-fixture"])
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-qm", "Add two studies")
    calls = []
    real_run = subprocess.run
    monkeypatch.setattr(
        history.subprocess, "run", lambda *a, **k: calls.append(a) or real_run(*a, **k)
    )
    found = history.read_history(site.srcdir)
    assert len(calls) == 1
    assert set(found) == {f"studies/{ALPHA}", "studies/beta-2018-second-fixture"}
    assert fixture_study(ALPHA)  # the fixture itself is untouched
