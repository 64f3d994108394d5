"""Dates and revisions come from git in a checkout, and from the page otherwise."""

from __future__ import annotations

import hashlib
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


def revisions(site, name=ALPHA):
    return [li.get_text() for li in site.html(f"studies/{name}").select("ol.atlas-history li")]


def change_links(site, name=ALPHA):
    return [a["href"] for a in site.html(f"studies/{name}").select("ol.atlas-history li a")]


def head(cwd):
    return subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=cwd, capture_output=True, text=True, check=True
    ).stdout.strip()


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
    # The first commit added every guide page too: its subject is not about this page.
    assert revisions(site) == ["2 January 2025"]
    # The history is a row of its own, which print leaves out (atlas.css).
    card = site.html(f"studies/{ALPHA}").select_one("dl.atlas-metadata")
    assert card.select_one("dt.atlas-history-name").get_text() == "Revisions"
    assert card.select_one("dd.atlas-history-value > ol.atlas-history > li")

    page = site.srcdir / "studies" / f"{ALPHA}.md"
    page.write_text(page.read_text().replace("short on purpose", "short, on purpose"))
    git(tmp_path, "commit", "-qam", "Fix a comma", date="2025-03-04T10:00:00")
    site.build()
    assert last_updated(site) == "4 March 2025"
    assert revisions(site) == ["4 March 2025: Fix a comma", "2 January 2025"]


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


def edit(site, name, old, new):
    page = site.srcdir / "studies" / f"{name}.md"
    text = page.read_text()
    assert old in text, old
    page.write_text(text.replace(old, new))


def test_each_change_links_to_the_pages_diff_in_the_repository(tmp_path):
    site = new_site(tmp_path, [ALPHA])
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-qm", "Add the alpha study")
    site.build()
    anchor = hashlib.sha256(f"source/studies/{ALPHA}.md".encode()).hexdigest()
    assert change_links(site) == [
        f"https://github.com/mecfs-atlas/atlas/commit/{head(tmp_path)}#diff-{anchor}"
    ]


def test_code_commit_messages_never_reach_a_study_page(tmp_path):
    beta = "beta-2018-second-fixture"
    site = new_site(tmp_path, [ALPHA, beta])
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-qm", "Study page rendering, CSS, and tests", date="2025-01-02T10:00")
    # A page edited together with code: the subject is about the code.
    edit(site, ALPHA, "short on purpose", "short, on purpose")
    (tmp_path / "tool.py").write_text("print('hello')\n")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-qm", "Refactor the renderer", date="2025-02-03T10:00")
    # Two pages in one commit: the subject could be about either.
    edit(site, ALPHA, "short, on purpose", "short on purpose")
    edit(site, beta, "Beta fixture", "Beta fixture,")
    git(tmp_path, "commit", "-qam", "Tidy two pages", date="2025-03-04T10:00")
    site.build()
    assert revisions(site) == ["4 March 2025", "3 February 2025", "2 January 2025"]
    assert revisions(site, beta) == ["4 March 2025", "2 January 2025"]
    assert len(change_links(site)) == 3


def test_a_message_is_shown_when_the_commit_changed_that_page_alone_or_names_it(tmp_path):
    beta = "beta-2018-second-fixture"
    site = new_site(tmp_path, [ALPHA, beta])
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-qm", "Initial import", date="2025-01-02T10:00")
    edit(site, ALPHA, "short on purpose", "short, on purpose")
    git(tmp_path, "commit", "-qam", "Correct the sample size", date="2025-02-03T10:00")
    edit(site, ALPHA, "short, on purpose", "short on purpose")
    edit(site, beta, "Beta fixture", "Beta fixture,")
    message = (
        "Fix two pages\n\n"
        f"Study-Change: {ALPHA}: Name the case definition\n"
        f"Study-Change: {beta}.md: <b>Add</b> the cohort's follow-up\n"
    )
    git(tmp_path, "commit", "-qam", message, date="2025-03-04T10:00")
    site.build()
    assert revisions(site) == [
        "4 March 2025: Name the case definition",
        "3 February 2025: Correct the sample size",
        "2 January 2025",
    ]
    assert revisions(site, beta) == [
        "4 March 2025: <b>Add</b> the cohort's follow-up",
        "2 January 2025",
    ]
    assert site.html(f"studies/{beta}").select("ol.atlas-history b") == []


def test_the_log_is_read_as_git_writes_it():
    log = (
        "\x1e2025-03-04\x1f" + "a" * 40 + "\x1fBulk edit\x1f\x1f\n\n"
        "source/studies/one.md\nsource/studies/two.md\n_ext/code.py\n"
        "\x1e2025-02-03\x1f" + "b" * 40 + "\x1fFix one\x1f\x1f\n\nsource/studies/one.md\n"
        "\x1e2025-01-02\x1f" + "c" * 40 + "\x1fFixture\x1f\x1f\n\ntests/fixtures/studies/one.md\n"
        "\x1e2025-01-01\x1f"
        + "d" * 40
        + "\x1fBroken \x1f subject\x1f\x1f\n\nsource/studies/one.md\n"
    )
    assert history.parse_log(log, "source/") == {
        "studies/one": (("2025-03-04", "a" * 40, ""), ("2025-02-03", "b" * 40, "Fix one")),
        "studies/two": (("2025-03-04", "a" * 40, ""),),
    }


def test_a_long_history_keeps_the_newest_changes_and_the_first():
    log = "".join(
        f"\x1e2025-01-{day:02d}\x1f{day:040d}\x1fEdit\x1f\x1f\n\nsource/studies/one.md\n"
        for day in range(9, 0, -1)
    )
    dates = [date for date, _, _ in history.parse_log(log, "source/")["studies/one"]]
    assert dates == ["2025-01-09", "2025-01-08", "2025-01-07", "2025-01-06", "2025-01-01"]
