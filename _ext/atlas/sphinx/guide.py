"""``{atlas-vocabulary} TABLE``: the definitions of one vocabulary table, for the guide page.

The "How the atlas works" page is prose plus these blocks, so every definition a
reader sees there comes from the vocabulary file. Each term gets an anchor that
badges and metadata on study pages link to.
"""

from __future__ import annotations

from docutils import nodes
from sphinx.addnodes import pending_xref
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from ..model.vocabulary import (
    CaseDefinition,
    Design,
    EvidenceLevel,
    Relation,
    Section,
    Tag,
    Term,
    Vocabulary,
)
from .data import LEVELS_DIR, atlas_domain, term_anchor

logger = logging.getLogger(__name__)

TABLES = (
    "evidence_levels",
    "confidence",
    "pem",
    "case_definitions",
    "designs",
    "peer_review",
    "review_status",
    "sections",
    "tags",
    "lineage",
)


class VocabularyDirective(SphinxDirective):
    required_arguments = 1

    def run(self) -> list[nodes.Node]:
        table = self.arguments[0]
        if table not in TABLES:
            logger.warning(
                f"Unknown vocabulary table {table!r}; use one of {', '.join(TABLES)}.",
                location=self.get_location(),
                type="atlas",
                subtype="vocabulary",
            )
            return []
        vocabulary = atlas_domain(self.env).vocabulary
        result: list[nodes.Node] = []
        anchors: list[str] = []
        if table == "pem":
            anchor = term_anchor("pem", "explainer")
            result.append(
                nodes.paragraph(
                    text=vocabulary.pem_explainer, ids=[anchor], classes=["atlas-pem-explainer"]
                )
            )
            anchors.append(anchor)
        if table == "tags":
            for family in vocabulary.tag_families:
                rubric = nodes.rubric(text=family.label)
                rubric["heading-level"] = 3
                result.append(rubric)
                result.append(nodes.paragraph(text=family.definition))
                result.append(self._terms("tags", family.tags, vocabulary, anchors))
        elif table == "evidence_levels":
            # In the order every page shows them: the strongest findings first.
            levels = vocabulary.levels_findings_first
            result.append(self._terms(table, levels, vocabulary, anchors))
        else:
            result.append(self._terms(table, getattr(vocabulary, table), vocabulary, anchors))
        atlas_domain(self.env).add_terms(self.env.docname, anchors)
        return result

    def _terms(
        self, table: str, terms: tuple[Term, ...], vocabulary: Vocabulary, anchors: list[str]
    ) -> nodes.definition_list:
        items = nodes.definition_list(classes=["atlas-vocabulary", f"atlas-vocabulary-{table}"])
        for term in terms:
            anchor = term_anchor(table, term.key)
            anchors.append(anchor)
            title = nodes.term("", "", ids=[anchor])
            if table == "evidence_levels":
                title += self._doc_link(
                    f"{LEVELS_DIR}/{term.key.lower()}", f"{term.key} {term.label}"
                )
            elif table == "tags":
                title += self._doc_link(f"{self.config.tags_output_dir}/{term.key}", term.label)
            else:
                title += nodes.Text(term.label)
            if table != "evidence_levels":
                # What a contributor writes in a study page for this term.
                title += nodes.Text(" ")
                title += nodes.literal(text=term.key, classes=["atlas-key"])
            body = nodes.definition()
            body += nodes.paragraph(text=_description(term, vocabulary))
            items += nodes.definition_list_item("", title, body)
        return items

    def _doc_link(self, docname: str, text: str) -> pending_xref:
        ref = pending_xref(
            "",
            refdomain="std",
            reftype="doc",
            reftarget=f"/{docname}",
            refexplicit=True,
            refdoc=self.env.docname,
        )
        ref += nodes.inline(text=text)
        return ref


def _description(term: Term, vocabulary: Vocabulary) -> str:
    if isinstance(term, CaseDefinition):
        if term.pem is None:
            return "Implies nothing about PEM: the entry states the PEM status on its own."
        return f"Implies {vocabulary.term('pem', term.pem).label}."
    if isinstance(term, Section):
        return f"{'Required' if term.required else 'Optional'}. {term.definition}"
    if isinstance(term, Relation):
        return f"{term.definition} The other page shows it as \u201c{term.back_label}\u201d."
    if isinstance(term, EvidenceLevel) and term.group:
        return f"{term.definition} Not a finding: shown apart, under \u201c{term.group}\u201d."
    if isinstance(term, Design | Tag) and term.mesh:
        # The MeSH term lets a reader search PubMed for the same kind of study or topic.
        names = "; ".join(f"{mesh.name} ({mesh.id})" for mesh in term.mesh)
        return f"{term.definition} MeSH: {names}."
    return term.definition


def setup_guide(app: Sphinx) -> None:
    app.add_directive("atlas-vocabulary", VocabularyDirective)
