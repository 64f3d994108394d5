"""Shared helpers: build small atlas sites in a temporary folder with sphinx.testing."""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass, field
from io import StringIO
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from sphinx.testing.util import SphinxTestApp

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "source"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
GENERATED = ("tags", "evidence", "measures")

# The test site uses the project's own conf.py, templates and vocabulary, with its own pages.
# (conf.py names its templates relative to itself, which here is the test site's folder.)
TEST_CONF = f"""
exec(compile(open({str(ROOT / "conf.py")!r}).read(), "conf.py", "exec"))
atlas_vocabulary = {str(SOURCE / "vocabulary.yaml")!r}
templates_path = [{str(ROOT / "_templates")!r}]
"""


def fixture_study(name: str) -> str:
    return (FIXTURES / "studies" / f"{name}.md").read_text(encoding="utf-8")


@dataclass
class Build:
    warnings: str
    #: Output pages (docnames) whose HTML file was written by this build.
    written: set[str]
    #: What the build printed besides warnings (advice lines among it).
    status: str = ""

    def warning_lines(self) -> list[str]:
        plain = re.sub(r"\x1b\[[0-9;]*m", "", self.warnings)
        return [line for line in plain.splitlines() if "WARNING" in line]

    def advice_lines(self) -> list[str]:
        plain = re.sub(r"\x1b\[[0-9;]*m", "", self.status)
        return [line for line in plain.splitlines() if ": advice: " in line]


@dataclass
class Site:
    """A throwaway copy of the atlas: the real guide pages plus chosen studies."""

    srcdir: Path
    builddir: Path
    outputs: dict[str, int] = field(default_factory=dict)

    @property
    def outdir(self) -> Path:
        return self.builddir / "html"

    def write_study(self, name: str, text: str) -> Path:
        path = self.srcdir / "studies" / f"{name}.md"
        path.write_text(text, encoding="utf-8")
        return path

    def remove_study(self, name: str) -> None:
        (self.srcdir / "studies" / f"{name}.md").unlink()

    def build(
        self,
        parallel: int = 0,
        overrides: dict[str, object] | None = None,
        builder: str = "html",
    ) -> Build:
        """Build the site; ``overrides`` are configuration values, as ``-D`` would give.

        Another ``builder`` (text, epub, ...) keeps its own environment and writes
        into :meth:`output_of` it.
        """
        before = self._output_stamps()
        warning, status = StringIO(), StringIO()
        app = SphinxTestApp(
            builder,
            srcdir=self.srcdir,
            builddir=self.builddir if builder == "html" else self.builddir / builder,
            status=status,
            warning=warning,
            parallel=parallel,
            confoverrides=overrides or {},
        )
        try:
            app.build()
        finally:
            app.cleanup()
        after = self._output_stamps()
        written = {doc for doc, stamp in after.items() if before.get(doc) != stamp}
        return Build(warning.getvalue(), written, status.getvalue())

    def output_of(self, builder: str) -> Path:
        """Where a build with ``builder`` writes its output."""
        return self.outdir if builder == "html" else self.builddir / builder / builder

    def app(self, overrides: dict[str, object] | None = None) -> SphinxTestApp:
        """The site's Sphinx application, set up but not built (to look at its settings)."""
        app = SphinxTestApp(
            "html",
            srcdir=self.srcdir,
            builddir=self.builddir,
            status=StringIO(),
            warning=StringIO(),
            confoverrides=overrides or {},
        )
        app.cleanup()
        return app

    def html(self, docname: str) -> BeautifulSoup:
        return BeautifulSoup((self.outdir / f"{docname}.html").read_text("utf-8"), "html.parser")

    def _output_stamps(self) -> dict[str, int]:
        if not self.outdir.exists():
            return {}
        return {
            path.relative_to(self.outdir).with_suffix("").as_posix(): path.stat().st_mtime_ns
            for path in self.outdir.rglob("*.html")
        }


def new_site(root: Path, studies: dict[str, str] | list[str]) -> Site:
    """A site in ``root`` from fixture study names, or from name -> text pairs."""
    srcdir = root / "src"
    shutil.copytree(SOURCE, srcdir, ignore=shutil.ignore_patterns("studies", *GENERATED))
    (srcdir / "studies").mkdir()
    (srcdir / "conf.py").write_text(TEST_CONF, encoding="utf-8")
    site = Site(srcdir, root / "build")
    if isinstance(studies, list):
        studies = {name: fixture_study(name) for name in studies}
    for name, text in studies.items():
        site.write_study(name, text)
    return site


FIXTURE_NAMES = [
    "alpha-2020-first-fixture",
    "beta-2018-second-fixture",
    "gamma-2022-third-fixture",
    "delta-2015-fourth-fixture",
]


@pytest.fixture
def make_site(tmp_path: Path):
    """Create a fresh site in this test's temporary folder."""
    return lambda studies=FIXTURE_NAMES: new_site(tmp_path, studies)
