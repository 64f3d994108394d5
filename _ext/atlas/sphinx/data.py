"""Per-document storage of the atlas, kept correct under incremental and parallel builds.

Everything lives in the ``atlas`` domain's data, keyed by document name, as
plain dicts and lists (never docutils nodes), so purging one document or merging
a parallel reader's results is a dict operation.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Set
from pathlib import Path
from types import MappingProxyType
from typing import Any, ClassVar, TypeVar

from sphinx.application import Sphinx
from sphinx.domains import Domain
from sphinx.environment import BuildEnvironment
from sphinx.errors import ConfigError

from ..model.record import Study
from ..model.vocabulary import Vocabulary, VocabularyError, load_vocabulary

T = TypeVar("T")

#: Where generated evidence-level pages go, below the source folder.
LEVELS_DIR = "evidence"
#: Builders that write the atlas as a web site. Search, open data, feeds and the
#: browse index go beside their pages; an ePub or a text build gets none of them.
SITE_BUILDERS = frozenset({"html", "dirhtml"})


def builds_site(app: Sphinx) -> bool:
    """Whether this build writes the web site (not an ePub, LaTeX, text, ...)."""
    return app.builder.name in SITE_BUILDERS


#: The parts of the store kept per document: purged when a page is read again, merged
#: from parallel readers.
PER_DOCUMENT = ("studies", "indexes", "terms", "problems")


class AtlasDomain(Domain):
    """Holds every study record, every index placeholder and every definition anchor.

    As in ``sphinx.ext.todo``, everything is keyed by document, so purging a
    page or merging a parallel reader's pages is a dict operation, and this
    class is the only way other modules read or change the store
    (:func:`atlas_domain`).
    """

    name = "atlas"
    label = "ME/CFS atlas"
    data_version = 4
    initial_data: ClassVar[dict[str, Any]] = {
        # docname -> Study.to_dict()
        "studies": {},
        # docname -> list of [kind, key] index placeholders on that page
        "indexes": {},
        # docname -> list of definition anchors the page renders
        "terms": {},
        # docname -> [[rule code, line, message], ...] found when the page was last read
        "problems": {},
        # the atlas-wide findings, with a digest of the pages' identities they came from
        "atlaswide": {},
        # index docname -> digest of what it showed when last written
        "signatures": {},
        # study docname -> digest of its lineage links when last written
        "lineage": {},
        "vocabulary_path": "",
        "vocabulary_digest": "",
        # digest of the code whose findings "problems" keeps (atlas.sphinx.problems)
        "rules_digest": "",
        # the day of the last build: some rules compare dates with today
        "problems_day": "",
    }

    def __init__(self, env: BuildEnvironment) -> None:
        super().__init__(env)
        # Per-process state: a domain object lives for one build, its data for many.
        self._vocabulary: Vocabulary | None = None
        self._derived: dict[str, Any] = {}
        #: docname -> ((date, commit, message), ...) from git, read once per build.
        self.history: dict[str, tuple[tuple[str, str, str], ...]] = {}

    def clear_doc(self, docname: str) -> None:
        self._forget()
        for key in PER_DOCUMENT:
            self.data[key].pop(docname, None)

    def merge_domaindata(self, docnames: Set[str], otherdata: dict[str, Any]) -> None:
        self._forget()
        for key in PER_DOCUMENT:
            for docname in docnames:
                if docname in otherdata[key]:
                    self.data[key][docname] = otherdata[key][docname]

    @property
    def vocabulary(self) -> Vocabulary:
        """The vocabulary, loaded once per process (the domain object lives one build)."""
        if self._vocabulary is None:
            self._vocabulary = load_vocabulary(self.data["vocabulary_path"])
        return self._vocabulary

    def studies(self) -> list[Study]:
        """Every study, in document-name order; built once per change of the records."""
        return self.derived(
            "studies",
            lambda: [
                Study.from_dict(self.data["studies"][doc]) for doc in sorted(self.data["studies"])
            ],
        )

    def derived(self, name: str, compute: Callable[[], T]) -> T:
        """A value computed from the records, kept until the records change.

        Index, lineage and export code ask for the same aggregates once per page;
        this makes each aggregate one pass over the atlas per build.
        """
        if name not in self._derived:
            self._derived[name] = compute()
        # Callers ask for a name with the same function each time, so it holds that type.
        value: T = self._derived[name]
        return value

    def add_study(self, study: Study) -> None:
        self._forget()
        self.data["studies"][study.docname] = study.to_dict()

    def has_study(self, docname: str) -> bool:
        return docname in self.data["studies"]

    def records(self) -> Mapping[str, dict[str, Any]]:
        """Every stored study record by page, as ``Study.to_dict`` made it (read only)."""
        records: dict[str, dict[str, Any]] = self.data["studies"]
        return MappingProxyType(records)

    def set_vocabulary_path(self, path: Path) -> None:
        self.data["vocabulary_path"] = str(path)
        self._vocabulary = None

    def add_index(self, docname: str, kind: str, key: str) -> None:
        self.data["indexes"].setdefault(docname, []).append([kind, key])

    def indexes(self) -> dict[str, list[list[str]]]:
        """Index page docname -> its ``[kind, key]`` placeholders."""
        indexes: dict[str, list[list[str]]] = self.data["indexes"]
        return indexes

    def add_terms(self, docname: str, anchors: Iterable[str]) -> None:
        self.data["terms"].setdefault(docname, []).extend(anchors)

    def has_anchor(self, docname: str, anchor: str) -> bool:
        """Whether a page defines this vocabulary anchor (only guide pages define any)."""
        return anchor in self.data["terms"].get(docname, ())

    def add_problem(self, docname: str, code: str, line: int, message: str) -> None:
        """Keep a problem found while reading a page, to report it again while the page
        is not re-read (:mod:`atlas.sphinx.problems`)."""
        self.data["problems"].setdefault(docname, []).append([code, line, message])

    def problems(self) -> dict[str, list[list[Any]]]:
        """Page docname -> the ``[code, line, message]`` found when it was last read."""
        problems: dict[str, list[list[Any]]] = self.data["problems"]
        return problems

    def kept(self, name: str, digest: str, compute: Callable[[], T]) -> T:
        """A value saved with the environment, computed again only when ``digest`` changes."""
        kept = self.data[name]
        if kept.get("digest") != digest:
            kept = self.data[name] = {"digest": digest, "value": compute()}
        value: T = kept["value"]
        return value

    def swap(self, name: str, value: T) -> T | None:
        """Keep what pages showed when last written (``signatures``, ``lineage``,
        ``vocabulary_digest``) and return what was kept before, to compare."""
        previous: T | None = self.data[name] or None
        self.data[name] = value
        return previous

    def _forget(self) -> None:
        self._derived = {}


def atlas_domain(env: BuildEnvironment) -> AtlasDomain:
    """The atlas's store in this environment: the one way to its records."""
    domain = env.get_domain("atlas")
    assert isinstance(domain, AtlasDomain)
    return domain


def term_anchor(table: str, key: str) -> str:
    """The HTML id of a definition on the guide page, e.g. ``pem-required``."""
    return f"{table.replace('_', '-')}-{key}".lower()


def load_the_vocabulary(app: Sphinx) -> None:
    """``builder-inited``: load the vocabulary, failing loudly if it is broken."""
    path = Path(app.confdir, app.config.atlas_vocabulary).resolve()
    try:
        load_vocabulary(path)
    except (OSError, VocabularyError) as error:
        raise ConfigError(f"The atlas vocabulary cannot be used: {error}") from error
    atlas_domain(app.env).set_vocabulary_path(path)


def reread_on_vocabulary_change(
    app: Sphinx, env: BuildEnvironment, added: Set[str], changed: Set[str], removed: Set[str]
) -> list[str]:
    """Every page shows vocabulary labels, so a changed vocabulary re-reads them all.

    So does a new ``tags_output_dir``: guide pages name the tag pages they link to
    when they are read.
    """
    atlas = atlas_domain(env)
    digest = f"{atlas.vocabulary.digest} {env.config.tags_output_dir}"
    previous = atlas.swap("vocabulary_digest", digest)
    return sorted(env.found_docs) if previous and previous != digest else []


def setup_storage(app: Sphinx) -> None:
    app.add_domain(AtlasDomain)
    app.connect("builder-inited", load_the_vocabulary)
    app.connect("env-get-outdated", reread_on_vocabulary_change)
