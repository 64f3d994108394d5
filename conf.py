"""Sphinx configuration of the ME/CFS evidence atlas.

The site's sources are in source/; run `make html` from this folder.
"""

import contextlib
import io
import sys
from pathlib import Path
from urllib.parse import urlsplit

# The atlas extension lives in _ext/. It is installed into the virtual environment
# too; the path entry lets a bare `sphinx-build` work from a plain checkout.
sys.path.insert(0, str(Path(__file__).parent / "_ext"))

project = "ME/CFS Evidence Atlas"
# The atlas's own version (pyproject.toml); the ePub names it in its metadata.
version = release = "0.1"
# The ePub (make epub) is read on e-ink readers: link addresses would only add clutter.
epub_show_urls = "no"
author = "The atlas contributors"
copyright = "2026, the atlas contributors"
language = "en"

extensions = [
    "myst_parser",
    "sphinx_design",
    "sphinx_tags",
    "atlas.sphinx",
]

# The one place that names the repository: "Edit this page" and "Report an error"
# links on every study page are built from it.
atlas_repository_url = "https://github.com/mecfs-atlas/atlas"
atlas_repository_branch = "main"
# Where the built site is published: GitHub Pages' address for the repository above,
# https://owner.github.io/name/ ("Report an error" links, feeds, sitemap and 404 page
# use it). Only with a custom domain, write the site's address here instead.
from atlas.sphinx.furniture import github_pages_url  # noqa: E402 (needs the path above)

html_baseurl = github_pages_url(atlas_repository_url)

# sphinx-tags: the atlas extension writes the tag pages itself (as plain pages,
# not toctrees), at the URLs sphinx-tags uses.
tags_create_tags = False
tags_output_dir = "tags"
tags_extension = ["md"]
tags_intro_text = "Tags:"
tags_overview_title = "Tags"

myst_heading_anchors = 2

templates_path = ["_templates"]
exclude_patterns = ["vocabulary.yaml"]
# Pages are Markdown and nothing else: a .rst file is never read, and the atlas
# extension reports any file under source/ that is not a page it publishes.
source_suffix = {".md": "markdown"}
# The guide pages that may hold raw HTML or insert files; every other page, study
# pages included, may not (atlas check and the build report it, and leave it out).
# Browse and search are HTML forms that the extension's scripts fill in.
atlas_trusted_pages = ["browse", "search"]

html_theme = "furo"
html_title = "ME/CFS Evidence Atlas"
html_show_sourcelink = False
html_use_index = False
html_copy_source = False
html_last_updated_fmt = None
html_theme_options = {
    "source_repository": atlas_repository_url,
    "source_branch": atlas_repository_branch,
    "source_directory": "source/",
    "top_of_page_buttons": ["edit"],
}

# -- Publishing: sitemap, 404 page and feeds ------------------------------------------
# Everything here follows from html_baseurl above.
extensions += ["sphinx_sitemap", "notfound.extension"]
# One language, one version: page addresses without /en/ or a version folder.
sitemap_url_scheme = "{link}"
sitemap_excludes = ["404.html", "search.html"]
# The 404 page (source/404.md) is served at any depth: its links start from the site's
# root path.
notfound_urls_prefix = urlsplit(html_baseurl).path or "/"

# -- Link previews: Open Graph and Twitter tags ---------------------------------------
# sphinxext-opengraph writes them on every page; a study page gives it its own title,
# summary and type (atlas.sphinx.metadata). Its picture cards need matplotlib and would
# draw one image per page, so they are off; its import says so on standard output
# when matplotlib is missing, which would add a line to every build's report.
with contextlib.redirect_stdout(io.StringIO()):
    import sphinxext.opengraph  # noqa: F401

extensions += ["sphinxext.opengraph"]
ogp_site_url = html_baseurl
ogp_social_cards = {"enable": False}
ogp_custom_meta_tags = ['<meta name="twitter:card" content="summary" />']
