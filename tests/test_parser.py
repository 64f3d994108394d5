"""The parser's shortcut for plain study pages builds what MyST builds, and only for them."""

from __future__ import annotations

import pickle

import pytest
from atlas.sphinx.parser import sole_study_block
from conftest import FIXTURE_NAMES, ROOT, fixture_study, new_site

PLAIN = "```{study}\n:title: A\n:year: 2020\n\n## Quick summary\n\nText.\n```\n"


def test_a_plain_study_page_takes_the_shortcut():
    assert sole_study_block(PLAIN) == (
        1,
        [":title: A", ":year: 2020", "", "## Quick summary", "", "Text."],
    )
    assert sole_study_block("\n\n" + PLAIN + "\n\n") == (3, sole_study_block(PLAIN)[1])


@pytest.mark.parametrize(
    "text",
    [
        "",
        "\n\n",
        PLAIN + PLAIN,  # two blocks
        PLAIN + "More text.\n",  # text after the block (the guard blanks it first)
        PLAIN.replace("```\n", "", 1)[:-4],  # never closed
        PLAIN.replace("\n```\n", "\n  ```\n"),  # closing fence indented
        PLAIN.replace("Text.", "```\ncode\n```"),  # a fence inside
        PLAIN.replace(":title: A\n", "\n:title: A\n"),  # not options first
        "~~~{study}\n:title: A\n```\n",  # closed by another fence
        PLAIN.replace("Text.", "Te\0xt."),
    ],
)
def test_any_other_page_goes_through_myst(text):
    assert sole_study_block(text) is None


def test_the_shortcut_builds_what_myst_builds(tmp_path):
    studies = {
        path.stem: path.read_text("utf-8") for path in (ROOT / "source" / "studies").glob("*.md")
    }
    studies |= {name: fixture_study(name) for name in FIXTURE_NAMES}
    shortcut = new_site(tmp_path / "shortcut", studies)
    assert shortcut.build().warning_lines() == []
    myst = new_site(tmp_path / "myst", studies)
    assert (
        myst.build(overrides={"atlas_shortcuts": {"study_page_parser": False}}).warning_lines()
        == []
    )

    for page in sorted(myst.outdir.rglob("*.html")):
        assert (shortcut.outdir / page.relative_to(myst.outdir)).read_bytes() == page.read_bytes()

    def shape(site, name: str) -> tuple[str, list]:
        tree = pickle.loads((site.builddir / "doctrees" / "studies" / name).read_bytes())
        where = str(site.srcdir)
        lines = [(n.line, str(n.source).replace(where, "")) for n in tree.findall()]
        settings = {k: v for k, v in vars(tree.settings).items() if k.startswith("myst")}
        substitutions = {
            name: (node.pformat(), str(node.source).replace(where, ""))
            for name, node in tree.substitution_defs.items()
        }
        names = (substitutions, tree.nameids, tree.refnames, tree.citation_refs)
        return tree.pformat().replace(where, ""), lines, settings, names

    for tree in sorted((myst.builddir / "doctrees" / "studies").glob("*.doctree")):
        assert shape(shortcut, tree.name) == shape(myst, tree.name), tree.name
    environments = [
        pickle.loads((site.builddir / "doctrees" / "environment.pickle").read_bytes())
        for site in (shortcut, myst)
    ]
    assert environments[0].metadata == environments[1].metadata
    assert environments[0].domaindata["atlas"] == environments[1].domaindata["atlas"]
