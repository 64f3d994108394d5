"""Per-document storage of the atlas, kept correct under incremental and parallel builds.

Everything lives in the ``atlas`` domain's data, keyed by document name, as
plain dicts and lists (never docutils nodes), so purging one document or merging
a parallel reader's results is a dict operation.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Set
from pathlib import Path
from typing import Any, ClassVar, TypeVar

from sphinx.application import Sphinx
from sphinx.domains import Domain
from sphinx.environment import BuildEnvironment

from ..model.record import Study
from ..model.vocabulary import Vocabulary, load_vocabulary

T = TypeVar("T")

#: Where generated evidence-level pages go, below the source folder.
LEVELS_DIR = "evidence"
#: Builders that write the atlas as a web site. Search, open data, feeds and the
#: browse index go beside their pages; an ePub or a text build gets none of them.
SITE_BUILDERS = frozenset({"html", "dirhtml"})


def builds_site(app: Sphinx) -> bool:
    """Whether this build writes the web site (not an ePub, LaTeX, text, ...)."""
    return app.builder.name in SITE_BUILDERS


class AtlasDomain(Domain):
    """Holds every study record, every index placeholder and every definition anchor."""

    name = "atlas"
    label = "ME/CFS atlas"
    data_version = 1
    initial_data: ClassVar[dict[str, Any]] = {
        # docname -> Study.to_dict()
        "studies": {},
        # docname -> list of [kind, key] index placeholders on that page
        "indexes": {},
        # docname -> list of definition anchors the page renders
        "terms": {},
        # index docname -> digest of what it showed when last written
        "signatures": {},
        # study docname -> digest of its lineage links when last written
        "lineage": {},
        "vocabulary_path": "",
        "vocabulary_digest": "",
    }

    def __init__(self, env: BuildEnvironment) -> None:
        super().__init__(env)
        # Per-process state: a domain object lives for one build, its data for many.
        self._vocabulary: Vocabulary | None = None
        self._derived: dict[str, Any] = {}
        #: Whether any study record was added, purged or merged in this build.
        self.records_changed = False
        #: docname -> ((date, subject), ...) from git, read once per build.
        self.history: dict[str, tuple[tuple[str, str], ...]] = {}

    def clear_doc(self, docname: str) -> None:
        self._forget()
        for key in ("studies", "indexes", "terms"):
            self.data[key].pop(docname, None)

    def merge_domaindata(self, docnames: Set[str], otherdata: dict[str, Any]) -> None:
        self._forget()
        for key in ("studies", "indexes", "terms"):
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
        return self._derived[name]

    def add_study(self, study: Study) -> None:
        self._forget()
        self.data["studies"][study.docname] = study.to_dict()

    def _forget(self) -> None:
        self._derived = {}
        self.records_changed = True


def term_anchor(table: str, key: str) -> str:
    """The HTML id of a definition on the guide page, e.g. ``pem-required``."""
    return f"{table.replace('_', '-')}-{key}".lower()


class AtlasData:
    """The one accessor over the atlas domain's data."""

    def __init__(self, env: BuildEnvironment) -> None:
        self.env = env
        self.domain: AtlasDomain = env.get_domain("atlas")
        self.data: dict[str, Any] = self.domain.data

    @property
    def vocabulary(self) -> Vocabulary:
        return self.domain.vocabulary

    def set_vocabulary_path(self, path: Path) -> None:
        self.data["vocabulary_path"] = str(path)
        self.domain._vocabulary = None

    def studies(self) -> list[Study]:
        """Every study, in document-name order so all output is deterministic."""
        return self.domain.studies()

    def has_study(self, docname: str) -> bool:
        return docname in self.data["studies"]

    def add_study(self, study: Study) -> None:
        self.domain.add_study(study)

    def add_index(self, docname: str, kind: str, key: str) -> None:
        self.data["indexes"].setdefault(docname, []).append([kind, key])

    def indexes(self) -> dict[str, list[list[str]]]:
        return self.data["indexes"]

    def add_terms(self, docname: str, anchors: Iterable[str]) -> None:
        self.data["terms"].setdefault(docname, []).extend(anchors)

    def has_anchor(self, docname: str, anchor: str) -> bool:
        """Whether a page defines this vocabulary anchor (only guide pages define any)."""
        return anchor in self.data["terms"].get(docname, ())
