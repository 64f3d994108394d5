"""The atlas's own settings in ``conf.py``, each checked before anything is built.

A wrong value should stop the build at once with a sentence that names the
setting and an example, not surface later as a broken link on every study
page (an empty ``atlas_repository_url`` once wrote ``href="/issues/new?..."``).
Settings that belong to one feature are registered and checked there:
``atlas_shortcuts`` (:mod:`atlas.sphinx.shortcuts`), ``atlas_trusted_pages``
(:mod:`atlas.sphinx.sources`) and ``atlas_web_only_pages``
(:mod:`atlas.sphinx.book`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.errors import ConfigError

from ..model.vocabulary import DEFAULT_PATH

WEB_ADDRESS = re.compile(r"^https?://[^/\s]+(/\S*)?$")
PAGE_NAME = re.compile(r"^[A-Za-z0-9_-]+(/[A-Za-z0-9_-]+)*$")


@dataclass(frozen=True)
class Setting:
    name: str
    default: object
    #: When Sphinx must redo work after a change: "env" re-reads pages, "html" rewrites them,
    #: "" neither (the setting changes what a build does, not what a page says).
    rebuild: Literal["env", "html", ""]
    #: Says what is wrong with a value, or None when it is right.
    problem: Callable[[object, Path], str | None]


def _web_address(value: object, confdir: Path) -> str | None:
    if not isinstance(value, str) or not WEB_ADDRESS.match(value):
        return "must be a web address such as https://github.com/owner/atlas"
    return None


def _branch(value: object, confdir: Path) -> str | None:
    if not isinstance(value, str) or not value or any(c.isspace() for c in value):
        return "must name a branch, such as main"
    return None


def _page(value: object, confdir: Path) -> str | None:
    if not isinstance(value, str) or not PAGE_NAME.match(value):
        return "must name a page in source/ without its .md, such as how-the-atlas-works"
    return None


def _vocabulary(value: object, confdir: Path) -> str | None:
    if not isinstance(value, str) or not value:
        return f"must name the vocabulary file, such as {DEFAULT_PATH}"
    if not (confdir / value).is_file():
        return f"names {value!r}, which is not a file (relative to conf.py)"
    return None


def _switch(value: object, confdir: Path) -> str | None:
    return None if isinstance(value, bool) else "must be True or False"


SETTINGS = (
    Setting("atlas_vocabulary", DEFAULT_PATH, "env", _vocabulary),
    # Written into study pages when they are written, so a change rewrites pages only.
    Setting("atlas_repository_url", "", "html", _web_address),
    Setting("atlas_repository_branch", "main", "html", _branch),
    Setting("atlas_guide_page", "how-the-atlas-works", "env", _page),
    Setting("atlas_browse_page", "browse", "env", _page),
    Setting("atlas_pagefind", True, "html", _switch),
    # Set by `make serve` (atlas.serve): pages first, the data page's file sizes later.
    Setting("atlas_preview", False, "", _switch),
)


def check_settings(app: Sphinx, config: Config) -> None:
    """``config-inited``: stop with one clear sentence per wrong setting."""
    problems = [
        f"{setting.name} = {config[setting.name]!r} in conf.py {problem}."
        for setting in SETTINGS
        if (problem := setting.problem(config[setting.name], Path(app.confdir))) is not None
    ]
    if problems:
        raise ConfigError("\n".join(problems))


def setup_settings(app: Sphinx) -> None:
    for setting in SETTINGS:
        kind = frozenset({type(setting.default)})
        app.add_config_value(setting.name, setting.default, setting.rebuild, types=kind)
    app.connect("config-inited", check_settings, priority=50)
