"""``make serve``: the preview rebuilds a saved page, reloads open pages, and search catches up.

The preview runs as ``make serve`` runs it (``python -m atlas.serve``) on a
small site. Nothing here is timed: ``make bench`` measures the preview at
atlas scale (``serve_edit_s``).
"""

from __future__ import annotations

import gzip
import json
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator

import pytest
from atlas import serve, sitebuild
from conftest import FIXTURE_NAMES, Site, new_site

ALPHA = "alpha-2020-first-fixture"
LIMIT = 120


def fetch(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=10) as answer:
            return answer.read().decode("utf-8")
    except OSError:
        return ""


def eventually(done: Callable[[], bool], what: str) -> None:
    start = time.monotonic()
    while not done():
        assert time.monotonic() - start < LIMIT, f"the preview never showed {what}"
        time.sleep(0.1)


@pytest.fixture
def preview(tmp_path) -> Iterator[tuple[Site, str, list[str]]]:
    site = new_site(tmp_path, FIXTURE_NAMES)
    site.build()
    command = [sys.executable, "-m", "atlas.serve", "-c", str(site.srcdir), "-j", "1"]
    command += [str(site.srcdir), str(site.builddir), "--port", "0"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert process.stdout is not None
    printed: list[str] = []
    url = ""
    for line in process.stdout:
        printed.append(line)
        if "Serving the preview at " in line:
            url = line.split("Serving the preview at ", 1)[1].split()[0]
            break
    assert url, "".join(printed)
    threading.Thread(target=lambda: printed.extend(process.stdout), daemon=True).start()
    try:
        yield site, url, printed
    finally:
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=LIMIT) == 0, "".join(printed)


def test_a_saved_study_shows_on_its_page_and_its_level_pages(preview):
    site, url, _printed = preview
    link = f'href="../studies/{ALPHA}.html"'
    assert link in fetch(f"{url}evidence/e1.html")
    before = int(fetch(f"{url}_atlas/version"))
    data_page = (site.outdir / "data.html").read_bytes()
    study = site.srcdir / "studies" / f"{ALPHA}.md"
    # A new level, and a longer title, so the open-data files change size too.
    text = study.read_text().replace(":evidence: E1", ":evidence: E3")
    study.write_text(text.replace("Alpha fixture:", "Alpha fixture, renamed:"), "utf-8")
    eventually(
        lambda: (
            link in fetch(f"{url}evidence/e3.html")
            and link not in fetch(f"{url}evidence/e1.html")
            and 'data-pagefind-meta="level:E3 ' in fetch(f"{url}studies/{ALPHA}.html")
        ),
        "the new level",
    )
    eventually(lambda: int(fetch(f"{url}_atlas/version") or 0) > before, "a new build number")
    # Every served page asks for the build's number, to reload when it changes.
    assert serve.VERSION_PATH in fetch(f"{url}studies/{ALPHA}.html")
    assert serve.VERSION_PATH.encode() not in (site.outdir / f"studies/{ALPHA}.html").read_bytes()
    # The data page keeps the last full build's file sizes: working them out would
    # make every open-data file before the saved page could be shown.
    assert (site.outdir / "data.html").read_bytes() == data_page
    # No build is under way, and the next `make html` runs Sphinx rather than trusting the stamp.
    assert not (site.builddir / sitebuild.UNFINISHED).exists()
    assert not (site.builddir / "doctrees" / sitebuild.STAMP).exists()


def test_search_catches_up_and_says_so_until_it_has(preview):
    site, url, printed = preview
    study = site.srcdir / "studies" / f"{ALPHA}.md"
    study.write_text(study.read_text().replace("Its text is short", "Its text is lumpy"), "utf-8")

    def indexed() -> bool:
        manifest = json.loads(fetch(f"{url}pagefind/atlas-search.json") or "{}")
        if manifest.get("stale"):
            return False
        return any(
            b"Its text is lumpy" in gzip.decompress(path.read_bytes())
            for path in (site.outdir / "pagefind").rglob("fragment/*.pf_fragment")
        )

    eventually(indexed, f"the new words in search:\n{''.join(printed)}")

    def fresh() -> bool:
        state = json.loads(fetch(f"{url}_atlas/state") or "{}")
        return state.get("building") is False and state.get("search") == "fresh"

    eventually(fresh, "the preview's state saying that search is fresh")


def test_the_generated_pages_the_build_writes_do_not_trigger_builds(preview):
    _site, _url, printed = preview
    time.sleep(2)
    rebuilt = [line for line in printed if line.startswith("Rebuilt")]
    assert rebuilt == []


def test_settings_code_templates_and_the_vocabulary_start_the_preview_again(tmp_path):
    paths = sitebuild.Paths(tmp_path / "source", tmp_path / "_build", tmp_path)
    for changed in ("conf.py", "_ext/atlas/serve.py", "_templates/page.html"):
        assert serve.needs_restart([tmp_path / changed], paths)
    assert serve.needs_restart([tmp_path / "source" / "vocabulary.yaml"], paths)
    assert not serve.needs_restart([tmp_path / "source" / "studies" / f"{ALPHA}.md"], paths)
