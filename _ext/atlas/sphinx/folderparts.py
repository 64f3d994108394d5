"""Render once per folder the parts of a page that depend only on its folder.

Writing a page at atlas scale is mostly template work that repeats itself:

- Furo renders the site navigation of every page from the global toctree. A
  page that no toctree includes (every study, tag and evidence-level page)
  marks no entry as current, so its navigation depends only on the folder its
  links are relative to.
- Sphinx's ``css_tag`` and ``js_tag`` resolve each asset's path on disk to
  append its checksum, about ten times per page. The tag depends only on the
  asset and the page's folder.

Together these were over a third of the time spent writing a study page. Both
rely on how furo and Sphinx fill the page context; :mod:`atlas.sphinx.shortcuts`
turns this off (``folder_parts``) outside the tested versions.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from typing import Any
from weakref import WeakKeyDictionary

from sphinx.application import Sphinx
from sphinx.builders import Builder
from sphinx.environment import BuildEnvironment

from .shortcuts import runs

#: Per builder: the documents some toctree includes, and rendered parts by
#: (part, folder, arguments). Forked writer processes each fill their own copy.
_shared: WeakKeyDictionary[Builder, tuple[frozenset[str], dict[tuple[Any, ...], str]]] = (
    WeakKeyDictionary()
)


def in_some_toctree(env: BuildEnvironment) -> frozenset[str]:
    """The root document and every document a toctree includes."""
    included = {env.config.root_doc}
    for children in env.toctree_includes.values():
        included.update(children)
    return frozenset(included)


def share_folder_parts(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """``html-page-context``, before the theme's handler: reuse the folder's rendered parts."""
    if not runs(app.config, "folder_parts"):
        return
    if app.builder not in _shared:
        _shared[app.builder] = (in_some_toctree(app.env), {})
    included, rendered = _shared[app.builder]
    folder = posixpath.dirname(pagename)

    def shared(part: str, render: Callable[..., str]) -> Callable[..., str]:
        def render_once(*arguments: Any, **options: Any) -> str:
            key = (part, folder, *arguments, *sorted(options.items()))
            if key not in rendered:
                rendered[key] = render(*arguments, **options)
            return rendered[key]

        return render_once

    for part in ("css_tag", "js_tag"):
        if part in context:
            context[part] = shared(part, context[part])
    if "toctree" in context and pagename not in included:
        context["toctree"] = shared("toctree", context["toctree"])


def setup_folder_parts(app: Sphinx) -> None:
    # Before furo's handler (priority 500), which calls ``toctree`` for its sidebar.
    app.connect("html-page-context", share_folder_parts, priority=400)
