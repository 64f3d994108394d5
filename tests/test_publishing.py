"""Publishing: sitemap, 404 page, robots.txt, licences, workflows and pull-request summary."""

from __future__ import annotations

import os
import re
import runpy
import shutil
import subprocess
from pathlib import Path
from urllib.parse import urljoin, urlsplit
from xml.etree import ElementTree as ET

import pytest
import yaml
from atlas.cli import main
from atlas.sphinx.furniture import github_pages_url, robots_txt
from conftest import FIXTURE_NAMES, ROOT, fixture_study, new_site

SETTINGS = runpy.run_path(str(ROOT / "conf.py"))
BASE = SETTINGS["html_baseurl"]
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
WORKFLOWS = ROOT / ".github" / "workflows"
CFFCONVERT = ROOT / ".venv" / "cffconvert" / "bin" / "cffconvert"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    site = new_site(tmp_path_factory.mktemp("publishing"), FIXTURE_NAMES)
    assert site.build().warning_lines() == []
    return site


def sitemap_pages(site) -> list[str]:
    root = ET.parse(site.outdir / "sitemap.xml").getroot()
    locations = [loc.text for loc in root.iter(f"{SITEMAP}loc")]
    assert all(location.startswith(BASE) for location in locations)
    return [location.removeprefix(BASE) for location in locations]


def site_pages(site) -> list[str]:
    """Every page of the built site but the 404 page, the search form and signposts.

    A signpost (the old address of a renamed tag) asks search engines not to index it.
    """
    pages = (
        path.relative_to(site.outdir).as_posix()
        for path in site.outdir.rglob("*.html")
        if '<meta name="robots" content="noindex"' not in path.read_text("utf-8")
    )
    return sorted(page for page in pages if page not in ("404.html", "search.html"))


# -- the site's address ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("repository", "address"),
    [
        ("https://github.com/mecfs-atlas/atlas", "https://mecfs-atlas.github.io/atlas/"),
        ("https://github.com/MECFS-Atlas/Atlas/", "https://mecfs-atlas.github.io/Atlas/"),
        ("https://github.com/someone/atlas.git", "https://someone.github.io/atlas/"),
        ("https://github.com/someone/someone.github.io", "https://someone.github.io/"),
    ],
)
def test_the_pages_address_follows_from_the_repository(repository, address):
    assert github_pages_url(repository) == address


@pytest.mark.parametrize(
    "repository",
    ["https://gitlab.com/a/b", "http://github.com/a/b", "https://github.com/a", "github.com/a/b"],
)
def test_an_address_that_is_no_github_repository_asks_for_html_baseurl(repository):
    with pytest.raises(ValueError, match="set html_baseurl"):
        github_pages_url(repository)


def test_the_repository_url_is_the_one_setting_behind_the_sites_address():
    assert github_pages_url(SETTINGS["atlas_repository_url"]) == BASE
    assert SETTINGS["notfound_urls_prefix"] == urlsplit(BASE).path


# -- sitemap and robots.txt --------------------------------------------------------------


def test_the_sitemap_lists_every_page_of_the_site_in_order(built):
    pages = sitemap_pages(built)
    assert pages == site_pages(built)
    assert pages == sorted(pages)
    assert {f"studies/{name}.html" for name in FIXTURE_NAMES} <= set(pages)
    assert "404.html" not in pages and "search.html" not in pages
    assert not any(page.startswith(("en/", "_static/")) for page in pages)


def test_the_sitemap_stays_whole_after_an_incremental_build(make_site):
    site = make_site()
    site.build()
    page = site.srcdir / "studies" / "beta-2018-second-fixture.md"
    page.write_text(page.read_text().replace("Beta fixture:", "Beta edited:"))
    build = site.build()
    assert len(build.written) < len(site_pages(site))  # Sphinx wrote only some pages
    assert sitemap_pages(site) == site_pages(site)


def test_the_sitemap_leaves_out_pages_that_are_not_on_the_site(make_site):
    site = make_site()
    site.build()
    site.remove_study("delta-2015-fourth-fixture")
    unreadable = site.srcdir / "studies" / "epsilon-2021-unreadable.md"
    unreadable.write_bytes(fixture_study("alpha-2020-first-fixture").encode("utf-8") + b"\xff\n")
    site.build()
    pages = sitemap_pages(site)
    assert "studies/delta-2015-fourth-fixture.html" not in pages
    assert "studies/epsilon-2021-unreadable.html" not in pages
    assert "studies/alpha-2020-first-fixture.html" in pages


def test_robots_txt_points_to_the_sitemap(built):
    text = (built.outdir / "robots.txt").read_text("utf-8")
    assert "User-agent: *" in text.splitlines()
    assert f"Sitemap: {BASE}sitemap.xml" in text.splitlines()
    assert "Sitemap" not in robots_txt("", "sitemap.xml")


def test_the_build_writes_its_furniture_again_when_deleted(make_site):
    site = make_site()
    site.build()
    names = ("sitemap.xml", "robots.txt", "404.html", "feeds/tags/symptom-fatigue.xml")
    expected = {name: (site.outdir / name).read_bytes() for name in names}
    for name in names:
        (site.outdir / name).unlink()
    site.build()
    assert {name: (site.outdir / name).read_bytes() for name in names} == expected


# -- the 404 page --------------------------------------------------------------------


def test_the_404_page_keeps_its_styles_and_links_at_any_depth(built):
    page = built.html("404")
    missing = urljoin(BASE, "a/b/c/missing.html")
    addresses = [
        *(tag["href"] for tag in page.find_all(["a", "link"], href=True)),
        *(tag["src"] for tag in page.find_all(["script", "img"], src=True)),
        *(tag["action"] for tag in page.find_all("form", action=True)),
    ]
    stylesheets = [link["href"] for link in page.find_all("link", rel="stylesheet")]
    assert stylesheets and len(addresses) > len(stylesheets)
    for address in addresses:
        if address.startswith("#") or (address.startswith("https://") and BASE not in address):
            continue  # on the page itself, or another site's (the edit link)
        assert address.startswith(("/", "https://")), address
        resolved = urljoin(missing, address)
        assert resolved.startswith(BASE), address
        file = urlsplit(resolved).path.removeprefix(urlsplit(BASE).path)
        assert (built.outdir / file).is_file(), address
    assert page.html["data-content_root"] == urlsplit(BASE).path
    assert page.find("h1").get_text().startswith("Page not found")
    # Pagefind leaves the 404 page out of the search index.
    assert page.find(attrs={"data-pagefind-ignore": "all"}) is not None


# -- licence and downloads -------------------------------------------------------------


@pytest.mark.parametrize("page", ["about", "data"])
def test_the_about_and_data_pages_state_the_licences(built, page):
    links = {a["href"] for a in built.html(page).find_all("a", href=True)}
    assert "https://creativecommons.org/licenses/by/4.0/" in links
    assert "https://creativecommons.org/publicdomain/zero/1.0/" in links
    text = built.html(page).get_text(" ")
    assert "CC BY 4.0" in text and "CC0 1.0" in text


def test_the_data_page_links_every_open_data_file(built):
    page = built.html("data")
    linked = {a["href"] for a in page.select("table.atlas-downloads td:first-child a")}
    names = {
        "studies.json",
        "studies.schema.json",
        "studies.csv",
        "findings.csv",
        "atlas.bib",
        "atom.xml",
    }
    assert linked == names
    assert all((built.outdir / name).is_file() for name in names)


# -- CITATION.cff and the workflows ---------------------------------------------------


def test_citation_cff_is_valid_for_cffconvert():
    if not CFFCONVERT.exists():
        if os.environ.get("CI"):
            pytest.fail("cffconvert is missing: `make lint` installs it")
        pytest.skip("cffconvert is not installed here: run `make lint` once")
    result = subprocess.run(
        [str(CFFCONVERT), "--validate", "--infile", str(ROOT / "CITATION.cff")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_workflow_passes_actionlint():
    actionlint = shutil.which("actionlint", path=str(ROOT / ".venv" / "bin"))
    shellcheck = shutil.which("shellcheck", path=str(ROOT / ".venv" / "bin"))
    assert actionlint and shellcheck, "install the dev dependencies: pip install -e '.[dev]'"
    workflows = sorted(str(path) for path in WORKFLOWS.glob("*.yml"))
    assert len(workflows) >= 3
    result = subprocess.run(
        [actionlint, "-shellcheck", shellcheck, *workflows],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def workflow(name: str) -> dict:
    return yaml.safe_load((WORKFLOWS / name).read_text("utf-8"))


def steps(job: dict) -> list[dict]:
    return job["steps"]


def test_the_deploy_workflow_publishes_main_strictly_with_the_pages_actions():
    deploy = workflow("deploy.yml")
    assert deploy[True]["push"]["branches"] == ["main"]  # YAML 1.1 reads `on` as true
    build, publish = deploy["jobs"]["build"], deploy["jobs"]["deploy"]
    uses = [step.get("uses", "").split("@")[0] for step in steps(build) + steps(publish)]
    for action in ("configure-pages", "upload-pages-artifact", "deploy-pages"):
        assert f"actions/{action}" in uses
    checkout = next(
        step for step in steps(build) if step.get("uses", "").startswith("actions/checkout")
    )
    assert checkout["with"]["fetch-depth"] == 0
    assert any(step.get("run") == "make strict" for step in steps(build))
    caches = [step for step in steps(build) if "actions/cache" in step.get("uses", "")]
    paths = " ".join(step["with"]["path"] for step in caches)
    assert ".venv" in paths and "_build/doctrees" in paths
    for cache in caches:
        key = cache["with"].get("key", "")
        assert "hashFiles('pyproject.toml'" in key or "cache-primary-key" in key
        assert "python-version" in key or "cache-primary-key" in key
    assert publish["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["permissions"] == {"contents": "read"}


def test_pull_requests_get_a_summary_and_a_preview_without_write_access():
    check = workflow("check.yml")
    assert "pull_request" in check[True] and "pull_request_target" not in check[True]
    assert check["permissions"] == {"contents": "read"}
    job = check["jobs"]["check"]
    assert "permissions" not in job
    text = (WORKFLOWS / "check.yml").read_text("utf-8")
    assert "secrets." not in text
    runs = [step.get("run", "") for step in steps(job)]
    assert any("atlas summary --base" in run and "GITHUB_STEP_SUMMARY" in run for run in runs)
    upload = next(step for step in steps(job) if "upload-artifact" in step.get("uses", ""))
    assert upload["with"]["path"] == "_build/html"
    assert "pull_request" in upload["if"]


def test_the_readme_says_how_the_atlas_is_published():
    readme = (ROOT / "README.md").read_text("utf-8")
    section = readme.split("\n## Publishing\n", 1)[1].split("\n## ", 1)[0]
    assert "atlas_repository_url" in section and "conf.py" in section
    for name in ("deploy.yml", "check.yml", "release.yml", "make release VERSION="):
        assert name in section


# -- the pull-request summary -------------------------------------------------------------


def git(repo: Path, *args: str) -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "Atlas Test",
        "GIT_AUTHOR_EMAIL": "test@example.org",
        "GIT_COMMITTER_NAME": "Atlas Test",
        "GIT_COMMITTER_EMAIL": "test@example.org",
    }
    command = ["git", "-c", "commit.gpgsign=false", *args]
    return subprocess.run(
        command, cwd=repo, env=env, capture_output=True, text=True, check=True
    ).stdout


@pytest.fixture
def pull_request(tmp_path):
    """A fixture atlas in git, with a branch that adds, changes and removes study pages."""
    site = new_site(tmp_path / "site", FIXTURE_NAMES)
    git(site.srcdir, "init", "-q", "-b", "main")
    git(site.srcdir, "add", "-A", ".")
    git(site.srcdir, "commit", "-q", "-m", "Four studies")
    git(site.srcdir, "checkout", "-q", "-b", "contribution")
    wrong = (
        fixture_study("alpha-2020-first-fixture")
        .replace("Alpha fixture: a randomised trial", "Epsilon <b>bold</b> | pipe")
        .replace("Alpha, Anna B; Beta, Carl; Gamma, Dana; Delta, Erik", "Epsilon, Eva")
        .replace(":year: 2020", ":year: 2021")
        .replace("10.5555/fixture.alpha", "10.5555/fixture.epsilon")
        .replace("90000001", "90000005")
        .replace(":evidence: E1", ":evidence: E5")
    )
    site.write_study("epsilon-2021-new-fixture", wrong)
    beta = site.srcdir / "studies" / "beta-2018-second-fixture.md"
    beta.write_text(beta.read_text("utf-8").replace(":pem: not-required", ":pem: required"))
    site.remove_study("delta-2015-fourth-fixture")
    git(site.srcdir, "add", "-A", ".")
    git(site.srcdir, "commit", "-q", "-m", "A contribution")
    # The atlas command finds a project by its source/ folder beside conf.py.
    atlas = tmp_path / "atlas"
    atlas.mkdir()
    (atlas / "source").symlink_to(site.srcdir)
    (atlas / "conf.py").symlink_to(ROOT / "conf.py")
    return atlas


def run_atlas(capsys, *argv: str) -> tuple[int, str]:
    status = main(list(argv))
    return status, capsys.readouterr().out


def test_the_summary_lists_each_added_or_changed_page_with_badges_and_checks(pull_request, capsys):
    status, summary = run_atlas(capsys, "summary", "--base", "main", "--root", str(pull_request))
    assert status == 0
    assert "2 pages added or changed, 1 page removed" in summary
    epsilon = summary.split("### Added: ", 1)[1].split("\n### ", 1)[0]
    assert epsilon.startswith("Epsilon \\<b\\>bold\\</b\\> \\| pipe\n")
    assert "`source/studies/epsilon-2021-new-fixture.md`" in epsilon
    assert "| Evidence level | PEM | Design | Year |" in epsilon
    assert "| E5 (not in the vocabulary) | PEM required | RCT | 2021 |" in epsilon
    beta = summary.split("### Changed: ", 1)[1].split("\n### ", 1)[0]
    assert "(pem not-required to required" in beta
    assert "| E3 Preliminary | PEM required | Observational | 2018 |" in beta
    assert "### Removed" in summary and "`delta-2015-fourth-fixture.md`" in summary

    # Every message atlas check prints for a page is in that page's section.
    studies = pull_request / "source" / "studies"
    for name, section in (
        ("epsilon-2021-new-fixture", epsilon),
        ("beta-2018-second-fixture", beta),
    ):
        _, checked = run_atlas(
            capsys,
            "check",
            "--format",
            "github",
            "--root",
            str(pull_request),
            str(studies / f"{name}.md"),
        )
        codes = re.findall(r"title=(ATLAS\d+)::", checked)
        assert [f"**{code}**" in section for code in codes] == [True] * len(codes)
        if not codes:
            assert "`atlas check`: no problems." in section
    assert "**ATLAS020**" in epsilon


def test_the_summary_of_a_change_without_study_pages_says_so(pull_request, capsys):
    status, summary = run_atlas(
        capsys, "summary", "--base", "contribution", "--root", str(pull_request)
    )
    assert status == 0
    assert "This change adds or changes no study page." in summary


def test_the_summary_needs_a_base_that_exists(pull_request, capsys):
    assert main(["summary", "--base", "no-such-branch", "--root", str(pull_request)]) == 2
    assert "no-such-branch" in capsys.readouterr().err
