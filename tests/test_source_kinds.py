"""Only reviewed kinds of file reach the site (issue 11, requirement 1), in both tools.

One atlas is planted with every kind of file the site must not publish (a
``.rst`` study with a reST include and raw HTML, ``.MD``, ``.markdown``, a
folder inside ``studies/``, links out of the repository, a broken link, a loop,
a pipe) and guide pages holding each construct only trusted pages may hold. The
same tree is checked with ``atlas check`` and built with the test site: both
must report the same problems at the same lines, nothing of the hostile content
may reach any file the build writes, and every other page is still built.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import jsonschema
import pytest
from atlas.cli import main
from atlas.model.sources import (
    LEVELS_FOLDER,
    SPHINX_EXCLUDED,
    Kind,
    Layout,
    check_guide_page,
    classify,
    exclude_patterns,
    trusted_pages_problem,
)
from atlas.sitebuild import GENERATED_NOTE
from atlas.sphinx import sources as build_sources
from atlas.sphinx.data import LEVELS_DIR
from conftest import FIXTURES, ROOT, SOURCE, Site, fixture_study, new_site
from hypothesis import given, settings
from hypothesis import strategies as st
from sphinx.errors import ConfigError
from sphinx.project import EXCLUDE_PATHS, Project
from sphinx.util.matching import compile_matchers
from test_cli_check import make_project

#: Every hostile payload carries this, so one search of the output finds any of them.
MARK = b"atlasH3"
#: Seen from the planted source folder of either tool (both are two levels below tmp).
OUTSIDE = "../../outside"
STUDIES_BUILT = [
    "alpha-2020-first-fixture",
    "beta-2018-second-fixture",
    "delta-2015-fourth-fixture",
]


def study(name: str, number: int) -> str:
    """A fixture study as a paper of its own (new DOI and PMID), for copies under odd names."""
    text = fixture_study("beta-2018-second-fixture")
    return text.replace("fixture.beta", f"fixture.{name}").replace("90000002", f"9300000{number}")


def outside_folder(tmp: Path) -> Path:
    outside = tmp / "outside"
    (outside / "docs").mkdir(parents=True)
    (outside / "secret.txt").write_text("atlasH3Outside secret text\n", encoding="utf-8")
    (outside / "secret.png").write_bytes(b"\x89PNG\r\n\x1a\natlasH3OutsidePicture")
    (outside / "page.md").write_text(study("leak", 1) + "\natlasH3OutsidePage\n", "utf-8")
    (outside / "docs" / "guide.md").write_text("# Outside\n\natlasH3OutsideGuide\n", "utf-8")
    return outside


@dataclass(frozen=True)
class Planted:
    """A file put under source/, and the rules both tools must report for it at line 1."""

    path: str
    codes: tuple[str, ...]


#: Files that are no page the site publishes (the rules at line 1 of each).
FILES = [
    Planted("studies/omega-2020-injected.rst", ("ATLAS090", "ATLAS001")),
    Planted("studies/epsilon-2019-upper-case.MD", ("ATLAS090",)),
    Planted("studies/zeta-2019-long-suffix.markdown", ("ATLAS090",)),
    Planted("studies/notes", ("ATLAS090",)),
    Planted("studies/pipe.md", ("ATLAS090",)),
    Planted("studies/sub/eta-2018-nested.md", ("ATLAS091",)),
    Planted("studies/leak.md", ("ATLAS092",)),
    Planted("studies/broken.md", ("ATLAS092",)),
    Planted("linked-out", ("ATLAS092",)),
    Planted("loop", ("ATLAS092",)),
    Planted("extra.rst", ("ATLAS090",)),
    Planted("Upper.MD", ("ATLAS090",)),
    Planted("tags/sub/stray.md", ("ATLAS090",)),
]


@dataclass(frozen=True)
class Hostile:
    """A guide page holding one construct, and where and how both tools must report it."""

    name: str
    text: str
    line: int
    code: str


HOSTILE = [
    Hostile("raw", "```{raw} html\n<script>atlasH3Raw()</script>\n```", 3, "ATLAS093"),
    Hostile("script", "<script>atlasH3Script()</script>", 3, "ATLAS093"),
    Hostile("img", 'Text <img src=x onerror="atlasH3Img()"> here.', 3, "ATLAS093"),
    Hostile("eval-rst", "```{eval-rst}\n.. raw:: html\n\n   <b>atlasH3Rst</b>\n```", 3, "ATLAS093"),
    Hostile("include", f"```{{include}} {OUTSIDE}/secret.txt\n```", 3, "ATLAS094"),
    Hostile(
        "include-literal", f"```{{include}} {OUTSIDE}/secret.txt\n:literal:\n```", 3, "ATLAS094"
    ),
    Hostile("include-etc", "```{include} /etc/hostname\n:literal:\n```", 3, "ATLAS094"),
    Hostile("literalinclude", f"```{{literalinclude}} {OUTSIDE}/secret.txt\n```", 3, "ATLAS094"),
    Hostile("csv-table", f"```{{csv-table}}\n:file: {OUTSIDE}/secret.txt\n```", 3, "ATLAS094"),
    Hostile(
        "nested",
        f"````{{note}}\nA note.\n\n```{{include}} {OUTSIDE}/secret.txt\n```\n````",
        6,
        "ATLAS094",
    ),
    Hostile("picture", f"![A picture]({OUTSIDE}/secret.png)", 3, "ATLAS094"),
    Hostile("download", f"A {{download}}`file <{OUTSIDE}/secret.txt>`.", 3, "ATLAS094"),
    Hostile("link", f"A [file]({OUTSIDE}/secret.txt).", 3, "ATLAS094"),
]
#: Front matter that changes how MyST reads the page (reported at the key's line).
FRONT_MATTER = {
    "html-meta": (
        '---\nhtml_meta:\n  "http-equiv=refresh": "0; url=https://evil.example/atlasH3Meta"\n'
        "---\n\n# Meta\n\nText.\n",
        2,
    ),
    "myst-settings": (
        "---\nmyst:\n  enable_extensions: [substitution]\n---\n\n# Settings\n\n{{ env.srcdir }}\n",
        2,
    ),
}


def plant(source: Path, outside: Path) -> None:
    """Put every problem file and hostile guide page under ``source``."""
    studies = source / "studies"
    secret = outside / "secret.txt"
    raw = ".. raw:: html\n\n   <script>atlasH3Rst()</script>\n"
    rst = f".. include:: {secret}\n   :literal:\n\n{raw}"
    (studies / "omega-2020-injected.rst").write_text(rst, "utf-8")
    (studies / "epsilon-2019-upper-case.MD").write_text(study("epsilon", 2), "utf-8")
    (studies / "zeta-2019-long-suffix.markdown").write_text(study("zeta", 3), "utf-8")
    (studies / "notes").write_text("atlasH3Notes\n", "utf-8")
    os.mkfifo(studies / "pipe.md")
    (studies / "sub").mkdir()
    (studies / "sub" / "eta-2018-nested.md").write_text(study("eta", 4), "utf-8")
    (studies / "leak.md").symlink_to(outside / "page.md")
    (studies / "broken.md").symlink_to("../nowhere.md")
    (source / "linked-out").symlink_to(outside / "docs", target_is_directory=True)
    (source / "loop").symlink_to(".", target_is_directory=True)
    (source / "extra.rst").write_text(".. raw:: html\n\n   <b>atlasH3Extra</b>\n", "utf-8")
    (source / "Upper.MD").write_text("# Upper\n\natlasH3Upper\n", "utf-8")
    (source / "tags" / "sub").mkdir(parents=True)
    (source / "tags" / "sub" / "stray.md").write_text("# Stray\n\natlasH3Stray\n", "utf-8")
    # A link that stays inside the repository is allowed: the study is built and checked.
    (source / "drafts").mkdir()
    (source / "drafts" / "gamma.txt").write_text(fixture_study("gamma-2022-third-fixture"), "utf-8")
    (studies / "gamma-2022-third-fixture.md").symlink_to("../drafts/gamma.txt")
    for hostile in HOSTILE:
        text = f"# Hostile {hostile.name}\n\n{hostile.text}\n\nThe rest of the page.\n"
        (source / f"hostile-{hostile.name}.md").write_text(text, "utf-8")
    for name, (text, _) in FRONT_MATTER.items():
        (source / f"hostile-{name}.md").write_text(text, "utf-8")


def expected() -> set[tuple[str, int, str]]:
    found = {(planted.path, 1, code) for planted in FILES for code in planted.codes}
    found |= {(f"hostile-{h.name}.md", h.line, h.code) for h in HOSTILE}
    found |= {(f"hostile-{name}.md", line, "ATLAS093") for name, (_, line) in FRONT_MATTER.items()}
    return found


def check_project(root: Path) -> Path:
    """An atlas checkout for ``atlas check``: the real conf.py and guide pages, the fixtures."""
    shutil.copytree(SOURCE, root / "source", ignore=shutil.ignore_patterns("studies", "tags",
                                                                         "evidence"))  # fmt: skip
    (root / "source" / "studies").mkdir()
    for name in STUDIES_BUILT:
        (root / "source" / "studies" / f"{name}.md").write_text(fixture_study(name), "utf-8")
    shutil.copy(ROOT / "conf.py", root / "conf.py")
    return root


FINDING_IN_CHECK = re.compile(r"^(?P<path>\S+?):(?P<line>\d+):\d+ (?P<code>ATLAS\d{3}) ")
FINDING_IN_BUILD = re.compile(
    r"^(?P<path>.+?):(?P<line>\d+): (?:WARNING: |advice: )(?P<code>ATLAS\d{3}) "
)


def check_findings(root: Path, capsys: pytest.CaptureFixture[str], *args: str):
    status = main(["check", "--root", str(root), *args])
    lines = capsys.readouterr().out.splitlines()
    found = set()
    for line in lines:
        if match := FINDING_IN_CHECK.match(line):
            path = Path(match["path"])
            path = path if path.is_absolute() else Path.cwd() / path
            relative = os.path.relpath(path, root / "source")
            found.add((Path(relative).as_posix(), int(match["line"]), match["code"]))
    return status, lines, found


def build_findings(site: Site, build) -> set[tuple[str, int, str]]:
    found = set()
    plain = re.sub(r"\x1b\[[0-9;]*m", "", build.warnings + build.status)
    for line in plain.splitlines():
        if match := FINDING_IN_BUILD.match(line):
            relative = os.path.relpath(match["path"], site.srcdir)
            found.add((Path(relative).as_posix(), int(match["line"]), match["code"]))
    return found


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory):
    """The same hostile tree checked by ``atlas check`` and built once."""
    tmp = tmp_path_factory.mktemp("kinds")
    outside = outside_folder(tmp)
    root = check_project(tmp / "check")
    plant(root / "source", outside)
    site = new_site(tmp / "site", STUDIES_BUILT)
    plant(site.srcdir, outside)
    build = site.build()
    return root, site, build, outside


def test_check_and_build_report_every_planted_problem_at_the_same_lines(planted, capsys):
    root, site, build, _ = planted
    cwd = os.getcwd()
    os.chdir(root)
    try:
        status, _, in_check = check_findings(root, capsys)
    finally:
        os.chdir(cwd)
    in_build = build_findings(site, build)
    assert status == 1
    assert expected() <= in_check, sorted(expected() - in_check)
    assert in_check == in_build, (sorted(in_check - in_build), sorted(in_build - in_check))


def test_nothing_hostile_reaches_any_file_the_build_writes(planted):
    _, site, _, _ = planted
    # The saved environment keeps each page's problems, whose messages may quote the page,
    # to report them again on builds that do not read it (tests/test_strict.py); it is
    # never published.
    leaks = [
        path
        for path in site.builddir.rglob("*")
        if path.is_file() and path.name != "environment.pickle" and MARK in path.read_bytes()
    ]
    assert not leaks
    # The substitution front matter was left out, so the text stayed text.
    assert str(site.srcdir) not in (site.outdir / "hostile-myst-settings.html").read_text("utf-8")
    assert not list(site.outdir.rglob("*secret*"))


def test_every_other_page_is_still_built(planted):
    _, site, _, _ = planted
    for name in [*STUDIES_BUILT, "gamma-2022-third-fixture"]:
        assert (site.outdir / "studies" / f"{name}.html").is_file(), name
    for guide in SOURCE.glob("*.md"):
        assert (site.outdir / f"{guide.stem}.html").is_file(), guide.name
    for hostile in HOSTILE:
        page = site.html(f"hostile-{hostile.name}")
        assert "The rest of the page." in page.get_text(), hostile.name
    # The browse page is trusted: its form is there.
    assert site.html("browse").find("form", id="atlas-browse") is not None


def test_no_planted_problem_is_built_or_listed(planted):
    _, site, _, _ = planted
    built = {p.relative_to(site.outdir).as_posix() for p in site.outdir.rglob("*.html")}
    for name in ("omega-2020-injected", "epsilon-2019-upper-case", "zeta-2019-long-suffix",
                 "notes", "pipe", "sub/eta-2018-nested", "leak", "broken"):  # fmt: skip
        assert f"studies/{name}.html" not in built, name
    assert not any(name.startswith(("linked-out/", "loop/", "tags/sub/")) for name in built)
    assert "extra.html" not in built and "Upper.html" not in built
    data = json.loads((site.outdir / "studies.json").read_text("utf-8"))
    ids = {record["id"] for record in data["studies"]}
    assert ids == {f"studies/{name}" for name in [*STUDIES_BUILT, "gamma-2022-third-fixture"]}


def test_studies_json_stays_valid_against_its_schema(planted):
    _, site, _, _ = planted
    schema = json.loads((site.outdir / "studies.schema.json").read_text("utf-8"))
    data = json.loads((site.outdir / "studies.json").read_text("utf-8"))
    jsonschema.validate(data, schema)
    assert "nested" not in json.dumps(data)


def test_a_link_inside_the_repository_is_a_study_like_any_other(planted):
    _, site, build, _ = planted
    page = site.html("studies/gamma-2022-third-fixture")
    assert "Gamma fixture" in page.get_text()
    assert not [line for line in build.warning_lines() if "gamma-2022" in line]


# -- trusted pages ------------------------------------------------------------------------


def test_a_trusted_page_may_publish_html(tmp_path):
    site = new_site(tmp_path, ["alpha-2020-first-fixture"])
    (site.srcdir / "widget.md").write_text("# Widget\n\n<div id=atlas-widget>x</div>\n", "utf-8")
    build = site.build(overrides={"atlas_trusted_pages": ["browse", "search", "widget"]})
    assert site.html("widget").find("div", id="atlas-widget") is not None
    assert not [line for line in build.warning_lines() if "ATLAS09" in line]


@pytest.mark.parametrize(
    ("trusted", "says"),
    [
        (["nothing"], "'nothing', which is not a guide page"),
        (["studies/alpha-2020-first-fixture"], "not a guide page"),
        (["tags/symptom-fatigue"], "not a guide page"),
        ([7], "must be a list of page names"),
    ],
)
def test_trusted_pages_must_name_guide_pages(tmp_path, capsys, trusted, says):
    site = new_site(tmp_path / "site", ["alpha-2020-first-fixture"])
    with pytest.raises(ConfigError, match=re.escape(says)):
        site.build(overrides={"atlas_trusted_pages": trusted})
    root = check_project(tmp_path / "check")
    conf = root / "conf.py"
    conf.write_text(
        re.sub(r"^atlas_trusted_pages = .*$", f"atlas_trusted_pages = {trusted!r}",
               conf.read_text("utf-8"), flags=re.MULTILINE), "utf-8")  # fmt: skip
    assert main(["check", "--root", str(root)]) == 2
    assert says in capsys.readouterr().err


def test_the_search_holds_without_the_source_read_step(tmp_path, monkeypatch):
    """Settings and the doctree sweep alone keep every construct off the site."""
    monkeypatch.setattr(build_sources.SourceFiles, "clean_guide_page", lambda *args: None)
    outside_folder(tmp_path)
    site = new_site(tmp_path / "site", ["alpha-2020-first-fixture"])
    for hostile in HOSTILE:
        text = f"# Hostile {hostile.name}\n\n{hostile.text}\n\nThe rest of the page.\n"
        (site.srcdir / f"hostile-{hostile.name}.md").write_text(text, "utf-8")
    text, _ = FRONT_MATTER["html-meta"]
    (site.srcdir / "hostile-html-meta.md").write_text(text, "utf-8")
    build = site.build()
    # The published site (the doctree cache keeps the source text of each paragraph).
    leaks = [p for p in site.outdir.rglob("*") if p.is_file() and MARK in p.read_bytes()]
    assert not leaks
    assert 'http-equiv="refresh"' not in (site.outdir / "hostile-html-meta.html").read_text()
    found = build_findings(site, build)
    for name in ("script", "img", "picture", "download", "link"):
        assert any(path == f"hostile-{name}.md" for path, _, _ in found), name


# -- atlas check --fix ----------------------------------------------------------------------

MESSY = study("messy", 5).replace(
    ":doi: 10.5555/fixture.messy", ":doi: https://doi.org/10.5555/fixture.messy"
)


def test_fix_never_writes_outside_the_repository(tmp_path, capsys, monkeypatch):
    outside = tmp_path / "outside"
    outside.mkdir()
    linked, draft = outside / "linked.md", outside / "beta-2018-draft.md"
    for path in (linked, draft):
        path.write_text(MESSY, "utf-8")
    root = check_project(tmp_path / "check")
    studies = root / "source" / "studies"
    (studies / "beta-2018-linked.md").symlink_to(linked)
    # A link that stays inside the repository is a study page: --fix writes its file.
    (root / "drafts").mkdir()
    (root / "drafts" / "inside.md").write_text(MESSY, "utf-8")
    (studies / "beta-2018-inside.md").symlink_to(root / "drafts" / "inside.md")
    before = {path: path.read_bytes() for path in (linked, draft)}
    monkeypatch.chdir(root)

    main(["check", "--fix"])
    main(["check", "--fix", "source/studies/beta-2018-linked.md"])
    main(["check", "--fix", str(draft)])
    out = capsys.readouterr().out

    assert {path: path.read_bytes() for path in before} == before
    assert f"{draft}: not fixed: its file ({os.path.realpath(draft)}) is outside" in out
    assert "source/studies/beta-2018-linked.md:1:1 ATLAS092" in out
    assert "https://doi.org" not in (root / "drafts" / "inside.md").read_text("utf-8")
    assert (studies / "beta-2018-inside.md").is_symlink()


# -- a page that becomes a problem is dropped -------------------------------------------------


def test_a_page_renamed_to_upper_case_leaves_the_site_and_its_indexes(make_site):
    site = make_site()
    site.build()
    data = json.loads((site.outdir / "studies.json").read_text("utf-8"))
    assert "10.5555/fixture.alpha" in json.dumps(data)
    page = site.srcdir / "studies" / "alpha-2020-first-fixture.md"
    page.rename(page.with_suffix(".MD"))
    build = site.build()
    assert any(" ATLAS090 " in line and "alpha-2020-first-fixture.MD:1" in line
               for line in build.warning_lines())  # fmt: skip
    assert "10.5555/fixture.alpha" not in (site.outdir / "studies.json").read_text("utf-8")
    assert "alpha-2020-first-fixture" not in (site.outdir / "evidence" / "e1.html").read_text()


# -- the classification against Sphinx itself -------------------------------------------------


def test_the_model_and_the_build_name_the_same_folders_and_exclusions():
    assert LEVELS_FOLDER == LEVELS_DIR
    assert tuple(EXCLUDE_PATHS) == SPHINX_EXCLUDED


PATTERNS = ["vocabulary.yaml", "**/_sources", ".#*", "*.lproj/**", "a[!b]c", "x[", "[]]a",
            "[^x]y", "drafts/*", "**/*.txt", "q?z"]  # fmt: skip
PATHS = ["vocabulary.yaml", "x/_sources", "_sources", ".#x", "a/.#x", "m.lproj/y", "acc", "abc",
         "x[", "]a", "^y", "zy", "drafts/a", "drafts/a/b", "n/o.txt", "o.txt", "qoz"]  # fmt: skip


def test_exclude_patterns_match_as_sphinx_matches_them():
    matchers = compile_matchers(PATTERNS)
    layout = Layout(Path("."), Path("."), excluded=tuple(PATTERNS))
    matchers += compile_matchers(EXCLUDE_PATHS)
    for path in PATHS:
        assert layout.is_excluded(path) == any(match(path) for match in matchers), path


NAME = st.text(st.sampled_from("ab-_.[]*?!^ éX"), min_size=1, max_size=8).filter(
    lambda name: name not in (".", "..") and "/" not in name
)
SUFFIX = st.sampled_from([".md", ".MD", ".Md", ".rst", ".markdown", ".txt", "", ".md~", ".ipynb"])


@settings(max_examples=40, deadline=None)
@given(files=st.lists(st.tuples(st.sampled_from(["studies", "studies/sub", "", "guides"]), NAME,
                                SUFFIX), min_size=1, max_size=8))  # fmt: skip
def test_sphinx_reads_only_what_the_classification_calls_a_page(tmp_path_factory, files):
    """Whatever the names, the files Sphinx discovers are exactly the study and guide pages."""
    source = tmp_path_factory.mktemp("names") / "source"
    (source / "studies").mkdir(parents=True)
    for folder, name, suffix in files:
        (source / folder).mkdir(parents=True, exist_ok=True)
        path = source / folder / f"{name}{suffix}"
        if not path.exists():
            path.write_text("x\n", "utf-8")
    layout = Layout(source, source.parent, excluded=("vocabulary.yaml",))
    classified = classify(layout)
    project = Project(source, {".md": "markdown"})
    discovered = project.discover(
        ["vocabulary.yaml", *exclude_patterns(classified), *EXCLUDE_PATHS]
    )
    pages = {file.docname for file in classified if file.kind in (Kind.STUDY, Kind.GUIDE)}
    assert discovered == pages
    nested = [file for file in classified if file.relative.startswith("studies/sub/")]
    assert all(file.kind is Kind.PROBLEM for file in nested)


def test_links_into_hidden_folders_or_generated_folders_are_not_followed(tmp_path):
    """A link may not reach `.git` or `.venv`; the build's own folders hold only its pages."""
    repository = tmp_path / "atlas"
    source = repository / "source"
    (source / "studies").mkdir(parents=True)
    (source / "tags").mkdir()
    (repository / ".git").mkdir()
    (repository / ".git" / "config").write_text("[remote]\n", "utf-8")
    (source / "studies" / "alpha-2020-config.md").symlink_to(repository / ".git" / "config")
    (source / "tags" / "symptom-fatigue.md").symlink_to(source / "studies" / "alpha-2020-config.md")
    (source / "tags" / "topic-pain.md").write_text(f"---\n---\n{GENERATED_NOTE}\n", "utf-8")
    (source / "tags" / "by-hand.md").write_text("# Written by hand\n", "utf-8")
    layout = Layout(source, repository)
    kinds = {file.relative: (file.kind, file.problem) for file in classify(layout)}
    kind, problem = kinds["studies/alpha-2020-config.md"]
    assert kind is Kind.PROBLEM and problem is not None
    assert problem.rule.code == "ATLAS092" and "hidden file or folder" in problem.message
    kind, problem = kinds["tags/symptom-fatigue.md"]
    assert kind is Kind.PROBLEM and problem is not None and "write through" in problem.message
    assert kinds["tags/topic-pain.md"] == (Kind.GENERATED, None)
    kind, problem = kinds["tags/by-hand.md"]
    assert kind is Kind.PROBLEM and problem is not None and "replaced or deleted" in problem.message
    # The build clears that file itself; leaving it out would leave out a page it writes.
    assert not exclude_patterns(f for f in classify(layout) if f.relative == "tags/by-hand.md")


def test_trusted_pages_must_be_a_list_even_of_one():
    assert "must be a list of page names" in str(trusted_pages_problem("browse", []))


# -- the search of guide pages, on the model alone -------------------------------------------


def guide_problems(tmp_path: Path, text: str) -> list[tuple[int, str]]:
    source = tmp_path / "source"
    source.mkdir(exist_ok=True)
    page = check_guide_page(text, source / "page.md", Layout(source, tmp_path))
    return [(problem.line, problem.rule.code) for problem in page.problems]


@pytest.mark.parametrize(
    "text",
    [
        "```{code-block} html\n<script>shown as code</script>\n```\n",
        "Inline `<b>code</b>` and a [link](https://example.org/x) and [a page](about.md).\n",
        "```{admonition} Note\n:class: tip\nPlain *Markdown* with ![a picture](pic.png).\n```\n",
        "---\norphan: true\n---\n\n# A page\n\nText {{ not a substitution }}.\n",
    ],
)
def test_plain_markdown_on_a_guide_page_is_left_alone(tmp_path, text):
    assert guide_problems(tmp_path, text) == []


def test_constructs_are_found_inside_directives_and_after_yaml_options(tmp_path):
    text = "# Page\n\n```{admonition} Note\n---\nclass: tip\n---\nText <i>x</i>.\n```\n"
    assert guide_problems(tmp_path, text) == [(7, "ATLAS093")]


def test_an_html_comment_is_reported_with_the_markdown_way_to_write_one(tmp_path):
    source = tmp_path / "source"
    source.mkdir()
    page = check_guide_page(
        "# Page\n\n<!-- a note -->\n", source / "p.md", Layout(source, tmp_path)
    )
    assert [problem.line for problem in page.problems] == [3]
    assert "a line starting with '%'" in page.problems[0].message
    assert page.lines == ["# Page", "", ""]


def test_the_build_replaces_a_link_in_a_generated_folder_and_writes_nothing_through_it(
    make_site, tmp_path
):
    outside = tmp_path / "outside.md"
    outside.write_text("outside the repository\n", encoding="utf-8")
    site = make_site()
    site.build()
    page = site.srcdir / "evidence" / "e1.md"
    page.unlink()
    page.symlink_to(outside)
    site.build()
    assert outside.read_text(encoding="utf-8") == "outside the repository\n"
    assert not page.is_symlink() and "atlas-index" in page.read_text(encoding="utf-8")


def test_atlas_new_never_writes_through_a_dangling_link(tmp_path, monkeypatch, capsys):
    """A link at the name atlas new would pick counts as a taken name."""
    project = make_project(tmp_path / "atlas")
    monkeypatch.chdir(project)
    target = tmp_path / "elsewhere.md"
    (project / "source" / "studies" / "hornig-2015-distinct-plasma.md").symlink_to(target)
    main(["new", "--from", str(FIXTURES / "exports" / "hornig-2015.nbib")])
    assert not target.exists()
    assert (project / "source" / "studies" / "hornig-2015-distinct-plasma-2.md").is_file()
