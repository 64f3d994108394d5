"""Every use of another package's internals, fenced: three speed-ups and one repair.

Three shortcuts keep the atlas build fast at thousands of studies, and one
completes sphinx-sitemap's sitemap after incremental builds. Each relies
on behaviour that Sphinx, MyST-Parser or furo do not promise to keep, so each
is listed here with what it relies on, the versions it was tested with and
the upstream issue it works around. A shortcut runs only when ``conf.py``
leaves it on (``atlas_shortcuts``) *and* every package it relies on is at a
tested version; otherwise the build takes the normal path, which writes the
same pages more slowly (``tests/test_build_paths.py`` builds the site both
ways and compares every page).

``parallel_readers`` (tested with Sphinx 9.2)
    Relies on Sphinx's ``EventManager.listeners`` (the ``env-purge-doc``
    handlers, called without Sphinx's per-call debug record), on how a
    ``Project`` pickles, and on ``_read_parallel`` merging only the chunk's own
    documents from a reader. Works around sphinx-doc/sphinx#11448 (each forked
    reader sends back every document merged before it) and #10967.
``study_page_parser`` (tested with MyST-Parser 5.0 to 5.2)
    Relies on what ``MystParser.parse`` leaves on the document after rendering:
    ``myst_slugs``, three settings, the ``wordcount`` metadata and its two
    substitutions. No upstream issue: MyST sets up a Markdown parser and a
    renderer for every page by design.
``folder_parts`` (tested with furo 2025.12.19 and Sphinx 9.2)
    Relies on furo building its sidebar through the ``toctree`` context
    function from its ``html-page-context`` handler, and on Sphinx's
    ``css_tag`` and ``js_tag`` context functions. Works around
    pradyunsg/furo#939 (the navigation tree is rendered anew for every page)
    and the per-link checksums that sphinx-doc/sphinx#11415 added.
``complete_sitemap`` (tested with sphinx-sitemap 2.9.0)
    Not a speed-up but a repair: relies on the queue sphinx-sitemap keeps on
    the application (``app.sitemap_links``) and on its ``is_excluded``. Works
    around sphinx-sitemap's issue #13 (after an incremental build its sitemap
    lists only the pages written in that build). Outside the tested version
    the atlas leaves the sitemap to sphinx-sitemap alone and says so.

sphinx-tags and sphinx-design are used only through their public surface.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from weakref import WeakKeyDictionary

from packaging.specifiers import SpecifierSet
from packaging.version import InvalidVersion
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.errors import ConfigError
from sphinx.util import logging

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Shortcut:
    """A speed-up and the package versions it was tested with."""

    name: str
    #: Distribution name -> the versions the shortcut was tested with.
    tested: tuple[tuple[str, str], ...]

    def untested(self) -> str | None:
        """Why the installed packages rule the shortcut out, or None when they do not."""
        for package, specifier in self.tested:
            try:
                installed = version(package)
            except PackageNotFoundError:
                return f"{package} is not installed"
            try:
                if installed not in SpecifierSet(specifier):
                    return f"{package} {installed} is not among the tested versions ({specifier})"
            except InvalidVersion:
                return f"{package} has the version {installed!r}, which cannot be compared"
        return None


SHORTCUTS = (
    Shortcut("parallel_readers", (("sphinx", ">=9.2,<9.3"),)),
    Shortcut("study_page_parser", (("myst-parser", ">=5.0,<5.3"),)),
    Shortcut("folder_parts", (("furo", "==2025.12.19"), ("sphinx", ">=9.2,<9.3"))),
    Shortcut("complete_sitemap", (("sphinx-sitemap", "==2.9.0"),)),
)
NAMES = tuple(shortcut.name for shortcut in SHORTCUTS)

#: Per configuration (one per build): the shortcuts that run in it.
_running: WeakKeyDictionary[Config, frozenset[str]] = WeakKeyDictionary()


def decide(app: Sphinx, config: Config) -> None:
    """``config-inited``: check ``atlas_shortcuts`` and settle which shortcuts run."""
    wanted = config.atlas_shortcuts
    if not isinstance(wanted, dict) or not all(isinstance(on, bool) for on in wanted.values()):
        raise ConfigError(
            "atlas_shortcuts in conf.py must map shortcut names to True or False, "
            f"for example {dict.fromkeys(NAMES, True)!r}."
        )
    unknown = sorted(set(wanted) - set(NAMES))
    if unknown:
        raise ConfigError(
            f"atlas_shortcuts in conf.py names {', '.join(map(repr, unknown))}; "
            f"the shortcuts are {', '.join(NAMES)}."
        )
    running = set()
    for shortcut in SHORTCUTS:
        if not wanted.get(shortcut.name, True):
            continue
        reason = shortcut.untested()
        if reason is None:
            running.add(shortcut.name)
        else:
            logger.info(f"atlas: the {shortcut.name} shortcut is off because {reason}.")
    _running[config] = frozenset(running)


def runs(config: Config, name: str) -> bool:
    """Whether the shortcut ``name`` runs in the build that has this configuration."""
    return name in _running.get(config, frozenset())


def setup_shortcuts(app: Sphinx) -> None:
    app.add_config_value("atlas_shortcuts", dict.fromkeys(NAMES, True), "", types=frozenset({dict}))
    # Before anything else reads it; the forking, parser and folder-part modules ask runs().
    app.connect("config-inited", decide, priority=100)
