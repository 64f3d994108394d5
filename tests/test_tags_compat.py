"""Tag pages sit where sphinx-tags' own ``{tags}`` directive links, and the model needs no Sphinx.

The vocabulary computes tag slugs without sphinx-tags (its slug function is
private, and ``atlas check`` runs without Sphinx). These tests hold the two to
the same result through sphinx-tags' public surface: the links its directive
writes on a page.
"""

from __future__ import annotations

import subprocess
import sys

from atlas.model.vocabulary import DEFAULT_PATH, load_vocabulary
from conftest import ROOT


def test_every_tag_page_is_where_the_tags_directive_links(make_site):
    vocabulary = load_vocabulary(ROOT / DEFAULT_PATH)
    site = make_site()
    labels = ", ".join(tag.label for tag in vocabulary.tags)
    (site.srcdir / "tag-links.md").write_text(
        f"---\norphan: true\n---\n# Tag links\n\n```{{tags}} {labels}\n```\n", encoding="utf-8"
    )
    site.build()
    links = [a["href"] for a in site.html("tag-links").select("article a[href^='tags/']")]
    assert links == [f"tags/{tag.key}.html" for tag in vocabulary.tags]
    for tag in vocabulary.tags:
        assert (site.outdir / "tags" / f"{tag.key}.html").is_file()


def test_the_model_and_the_command_load_no_sphinx():
    """``atlas check`` and ``atlas new`` start fast because they never import Sphinx."""
    script = (
        "import importlib, pkgutil, sys\n"
        "import atlas.cli, atlas.model\n"
        "for package in (atlas.model, atlas.cli):\n"
        "    for module in pkgutil.walk_packages(package.__path__, package.__name__ + '.'):\n"
        "        importlib.import_module(module.name)\n"
        "loaded = sorted(name for name in sys.modules\n"
        "                if name.split('.')[0] in ('sphinx', 'docutils', 'sphinx_tags'))\n"
        "print(loaded)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
