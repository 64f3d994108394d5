"""Each page loads the shared assets it uses and not the ones it does not (page weight)."""

from __future__ import annotations

import pytest
from conftest import FIXTURE_NAMES, new_site

ALPHA = "studies/alpha-2020-first-fixture"
CODE_PAGE = """---
orphan: true
---
# A page with code

```python
print("coloured by pygments.css")
```
"""
TABS_PAGE = """---
orphan: true
---
# A page with tabs

````{tab-set}
```{tab-item} One
First tab.
```
```{tab-item} Two
Second tab.
```
````
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    site = new_site(tmp_path_factory.mktemp("assets"), FIXTURE_NAMES)
    (site.srcdir / "code-page.md").write_text(CODE_PAGE, encoding="utf-8")
    (site.srcdir / "tabs-page.md").write_text(TABS_PAGE, encoding="utf-8")
    build = site.build()
    assert [line for line in build.warning_lines() if "-page.md" in line] == []
    return site


def assets(site, docname: str) -> set[str]:
    page = site.html(docname)
    files = [link["href"] for link in page.select("link[rel=stylesheet]")]
    files += [script["src"] for script in page.select("script[src]")]
    return {name.rsplit("/", 1)[-1].split("?")[0] for name in files}


@pytest.mark.parametrize("docname", ["index", ALPHA, "evidence/e1", "browse", "about"])
def test_pages_without_code_or_tabs_load_neither_asset(site, docname):
    loaded = assets(site, docname)
    assert "pygments.css" not in loaded
    assert "design-tabs.js" not in loaded
    # What they do use stays.
    assert {"furo.css", "atlas.css", "furo.js"} <= loaded


def test_only_pages_with_sphinx_design_parts_load_its_styles(site):
    # A study page's cards and badges are sphinx-design components.
    assert "sphinx-design.min.css" in assets(site, ALPHA)
    assert site.html(ALPHA).select_one(".sd-card")
    assert "sphinx-design.min.css" in assets(site, "tabs-page")
    for docname in ("index", "evidence/e1", "tags/symptom-fatigue", "browse", "about"):
        assert "sphinx-design.min.css" not in assets(site, docname), docname
        assert not site.html(docname).select("[class*='sd-']"), docname


def test_a_page_with_a_code_block_loads_the_code_colours_only(site):
    loaded = assets(site, "code-page")
    assert "pygments.css" in loaded
    assert "design-tabs.js" not in loaded
    assert site.html("code-page").select_one("div.highlight")


def test_a_page_with_tabs_loads_the_tab_script_only(site):
    loaded = assets(site, "tabs-page")
    assert "design-tabs.js" in loaded
    assert "pygments.css" not in loaded
    assert site.html("tabs-page").select_one(".sd-tab-set")


def test_the_files_are_still_published_for_the_pages_that_use_them(site):
    for name in ("pygments.css", "design-tabs.js"):
        assert (site.outdir / "_static" / name).is_file()


def test_no_page_loads_the_script_of_sphinxs_own_search_while_pagefind_serves_it(site):
    for docname in ("index", ALPHA, "search", "code-page"):
        assert "sphinx_highlight.js" not in assets(site, docname)


def test_with_sphinxs_own_search_its_highlighting_script_loads(tmp_path):
    site = new_site(tmp_path, FIXTURE_NAMES)
    site.build(overrides={"atlas_pagefind": False})
    assert "sphinx_highlight.js" in assets(site, ALPHA)
