"""Per-document storage of the atlas, kept correct under incremental and parallel builds.

Everything lives in the ``atlas`` domain's data, keyed by document name, as
plain dicts and lists (never docutils nodes), so purging one document or merging
a parallel reader's results is a dict operation.
"""

from __future__ import annotations

from collections.abc import Iterable, Set
from pathlib import Path
from typing import Any, ClassVar

from docutils import nodes
from docutils.nodes import Element
from sphinx.addnodes import pending_xref
from sphinx.builders import Builder
from sphinx.domains import Domain
from sphinx.environment import BuildEnvironment
from sphinx.util.nodes import make_refnode

from ..model.record import Study
from ..model.vocabulary import Vocabulary, load_vocabulary

#: Where generated evidence-level pages go, below the source folder.
LEVELS_DIR = "evidence"


class AtlasDomain(Domain):
    """Holds every study record and resolves links to levels, tags and definitions."""

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
        "vocabulary_path": "",
        "vocabulary_digest": "",
    }

    def clear_doc(self, docname: str) -> None:
        for key in ("studies", "indexes", "terms"):
            self.data[key].pop(docname, None)

    def merge_domaindata(self, docnames: Set[str], otherdata: dict[str, Any]) -> None:
        for key in ("studies", "indexes", "terms"):
            for docname in docnames:
                if docname in otherdata[key]:
                    self.data[key][docname] = otherdata[key][docname]

    def resolve_xref(
        self,
        env: BuildEnvironment,
        fromdocname: str,
        builder: Builder,
        typ: str,
        target: str,
        node: pending_xref,
        contnode: Element,
    ) -> nodes.reference | None:
        """Resolve ``level`` (E1), ``tag`` (slug) and ``term`` (table/key) links.

        The link's tooltip is the term's definition, read from the vocabulary.
        """
        vocabulary = load_vocabulary(self.data["vocabulary_path"])
        if typ == "level":
            docname, anchor = f"{LEVELS_DIR}/{target.lower()}", ""
            tooltip = vocabulary.table("evidence_levels").get(target)
        elif typ == "tag":
            docname, anchor = f"{env.config.tags_output_dir}/{target}", ""
            tooltip = vocabulary.table("tags").get(target)
        elif typ == "term":
            table, _, key = target.partition("/")
            anchor = term_anchor(table, key)
            docname = next(
                (doc for doc, anchors in self.data["terms"].items() if anchor in anchors), ""
            )
            tooltip = (
                vocabulary.table(table).get(key) if table != "pem" or key != "explainer" else None
            )
        else:
            return None
        if docname not in env.all_docs:
            return None
        title = tooltip.definition if tooltip is not None else ""
        return make_refnode(builder, fromdocname, docname, anchor, contnode, title)

    def resolve_any_xref(self, *args: Any) -> list[tuple[str, nodes.reference]]:
        return []


def term_anchor(table: str, key: str) -> str:
    """The HTML id of a definition on the guide page, e.g. ``pem-required``."""
    return f"{table.replace('_', '-')}-{key}".lower()


class AtlasData:
    """The one accessor over the atlas domain's data."""

    def __init__(self, env: BuildEnvironment) -> None:
        self.env = env
        self.data: dict[str, Any] = env.get_domain("atlas").data

    @property
    def vocabulary(self) -> Vocabulary:
        return load_vocabulary(self.data["vocabulary_path"])

    def set_vocabulary_path(self, path: Path) -> None:
        self.data["vocabulary_path"] = str(path)

    def studies(self) -> list[Study]:
        """Every study, in document-name order so all output is deterministic."""
        return [Study.from_dict(self.data["studies"][doc]) for doc in sorted(self.data["studies"])]

    def has_study(self, docname: str) -> bool:
        return docname in self.data["studies"]

    def add_study(self, study: Study) -> None:
        self.data["studies"][study.docname] = study.to_dict()

    def add_index(self, docname: str, kind: str, key: str) -> None:
        self.data["indexes"].setdefault(docname, []).append([kind, key])

    def indexes(self) -> dict[str, list[list[str]]]:
        return self.data["indexes"]

    def add_terms(self, docname: str, anchors: Iterable[str]) -> None:
        self.data["terms"].setdefault(docname, []).extend(anchors)
