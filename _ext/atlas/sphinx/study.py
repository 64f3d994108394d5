"""The ``{study}`` directive: one block of options and sections becomes a study page.

It checks the block with the same model code as the command-line checker,
stores the record for the indexes, and builds the page's nodes directly (cards
use sphinx-design's classes but no nested card directives).
"""

from __future__ import annotations

import datetime
from urllib.parse import urlencode

from docutils import nodes
from docutils.statemachine import StringList
from sphinx.addnodes import pending_xref
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from ..model.record import Study
from ..model.rules import Problem, Rule
from ..model.studyblock import StudyBlock, parse_block
from ..model.validate import check_block
from ..model.vocabulary import Vocabulary
from .data import AtlasData

logger = logging.getLogger(__name__)

CARD_CLASSES = ["sd-card", "sd-sphinx-override", "sd-mb-3", "sd-shadow-sm", "atlas-card"]


def warn(problem: Problem, docname: str) -> None:
    """Report a problem the way Sphinx reports its own: file, line, code."""
    logger.warning(
        str(problem), location=(docname, problem.line), type="atlas", subtype=problem.rule.code
    )


class StudyDirective(SphinxDirective):
    """A study page. The block's option lines and sections are its content."""

    has_content = True
    # No option_spec: MyST then hands the option lines over as content, and the
    # shared parser reads them, so the build and `atlas check` agree line for line.
    option_spec = None

    def run(self) -> list[nodes.Node]:
        atlas = AtlasData(self.env)
        vocabulary = atlas.vocabulary
        docname = self.env.docname
        if atlas.has_study(docname):
            warn(
                Problem(
                    Rule.SEVERAL_STUDY_BLOCKS,
                    self.lineno,
                    "A page holds one study; this is a second {study} block. "
                    "Move it to a page of its own.",
                ),
                docname,
            )
            return []
        first_line = self.lineno + 1 + self.content_offset
        block = parse_block(list(self.content), first_line, vocabulary)
        block.line = self.lineno
        study, problems = check_block(block, vocabulary, docname, datetime.date.today())
        for problem in problems:
            warn(problem, docname)
        atlas.add_study(study)
        tags = vocabulary.table("tags")
        metadata = self.env.metadata[docname]
        # sphinx-tags keeps a page's tags here; its {tags} directive does the same.
        metadata["tags"] = [tags[key].label for key in study.tags]
        # Study pages are reached from the indexes, never from the global toctree,
        # so the sidebar stays small however many studies there are.
        metadata["orphan"] = True
        return StudyPage(self, study, block, vocabulary).nodes()


class StudyPage:
    """Builds the nodes of one study page, in reading order."""

    def __init__(
        self, directive: StudyDirective, study: Study, block: StudyBlock, vocabulary: Vocabulary
    ) -> None:
        self.directive = directive
        self.study = study
        self.block = block
        self.vocabulary = vocabulary
        self.config = directive.config

    def nodes(self) -> list[nodes.Node]:
        section = nodes.section(ids=["study"], classes=["atlas-study"])
        section += nodes.title(text=self.study.title or "Untitled study")
        section += self.byline()
        for spec in self.vocabulary.sections:
            text = self.block.sections.get(spec.key)
            if text is not None and text.text:
                section += self.card(spec.key, spec.label, text.lines, text.first_line)
        section += self.tag_list()
        section += self.metadata_card()
        section += self.pem_explainer()
        section += self.actions()
        return [self.badge_row(), section]

    # -- the parts, top to bottom -------------------------------------------------

    def badge_row(self) -> nodes.paragraph:
        study = self.study
        row = nodes.paragraph(classes=["atlas-badges"])
        badges = [
            ("evidence_levels", study.evidence, "evidence"),
            ("confidence", study.confidence, "confidence"),
            ("pem", study.pem, "pem"),
            ("designs", study.design, "design"),
            ("peer_review", study.peer_review, "peer-review"),
            ("review_status", study.review, "review"),
        ]
        for table, key, kind in badges:
            if key is None:
                continue
            term = self.vocabulary.term(table, key)
            text = f"{term.key} {term.label}" if table == "evidence_levels" else term.label
            badge = nodes.inline(
                text=text, classes=["sd-badge", "atlas-badge", f"atlas-{kind}-{key.lower()}"]
            )
            if table == "evidence_levels":
                row += self.xref("level", key, badge)
            else:
                row += self.xref("term", f"{table}/{key}", badge)
            row += nodes.Text(" ")
        return row

    def byline(self) -> nodes.paragraph:
        study = self.study
        line = nodes.paragraph(classes=["atlas-byline"])
        parts: list[nodes.Node] = [
            nodes.Text(text)
            for text in (study.byline_authors, study.journal, str(study.year or ""))
            if text
        ]
        if study.doi:
            parts.append(self.link(f"https://doi.org/{study.doi}", f"doi:{study.doi}"))
        for index, part in enumerate(parts):
            if index:
                line += nodes.inline(text=" · ", classes=["atlas-sep"])
            line += part
        return line

    def card(self, key: str, heading: str, lines: list[str], first_line: int) -> nodes.container:
        card = nodes.container(ids=[key], classes=[*CARD_CLASSES, f"atlas-card-{key}"])
        header = nodes.container(classes=["sd-card-header"])
        header += nodes.rubric(text=heading, classes=["atlas-card-title"], **{"heading-level": 2})
        body = nodes.container(classes=["sd-card-body"])
        offset = first_line - self.directive.lineno - 1
        self.directive.state.nested_parse(StringList(lines), offset, body)
        card += [header, body]
        return card

    def tag_list(self) -> nodes.container:
        box = nodes.container(classes=["atlas-tags"])
        if not self.study.tags:
            return box
        box += nodes.rubric(text=self.config.tags_intro_text.rstrip(":"), **{"heading-level": 2})
        tags = self.vocabulary.table("tags")
        for family in self.vocabulary.tag_families:
            keys = [key for key in self.study.tags if tags[key].family == family.key]
            if not keys:
                continue
            line = nodes.paragraph(classes=["atlas-tag-family"])
            line += nodes.strong(text=f"{family.label}: ")
            for index, key in enumerate(keys):
                if index:
                    line += nodes.Text(", ")
                line += self.xref(
                    "tag", key, nodes.inline(text=tags[key].short_label, classes=["atlas-tag"])
                )
            box += line
        return box

    def metadata_card(self) -> nodes.container:
        study, vocabulary = self.study, self.vocabulary
        rows: list[tuple[str, list[nodes.Node]]] = []
        if study.doi:
            rows.append(("DOI", [self.link(f"https://doi.org/{study.doi}", study.doi)]))
        if study.pmid:
            url = f"https://pubmed.ncbi.nlm.nih.gov/{study.pmid}/"
            rows.append(("PMID", [self.link(url, study.pmid)]))
        if study.case_definition:
            labels = [vocabulary.term("case_definitions", key) for key in study.case_definition]
            rows.append(
                (
                    "Case definition",
                    self.joined(
                        [
                            self.xref(
                                "term", f"case_definitions/{term.key}", nodes.Text(term.label)
                            )
                            for term in labels
                        ]
                    ),
                )
            )
        if study.review:
            status = vocabulary.term("review_status", study.review).label
            if study.reviewed_by:
                status += f" by {', '.join(study.reviewed_by)}"
            rows.append(("Review status", [nodes.Text(status)]))
        if study.evidence:
            level = vocabulary.term("evidence_levels", study.evidence)
            rows.append(
                (
                    "Evidence level",
                    [
                        self.xref("level", level.key, nodes.Text(f"{level.key} {level.label}")),
                        nodes.Text(f": {level.definition}"),
                    ],
                )
            )
        if study.updated:
            date = datetime.date.fromisoformat(study.updated)
            rows.append(("Last updated", [nodes.Text(f"{date.day} {date:%B %Y}")]))
        fields = nodes.field_list(classes=["atlas-metadata"])
        for name, value in rows:
            fields += nodes.field(
                "",
                nodes.field_name(text=name),
                nodes.field_body("", nodes.paragraph("", "", *value)),
            )
        card = nodes.container(ids=["metadata"], classes=[*CARD_CLASSES, "atlas-card-metadata"])
        header = nodes.container(classes=["sd-card-header"])
        header += nodes.rubric(
            text="Metadata", classes=["atlas-card-title"], **{"heading-level": 2}
        )
        body = nodes.container(classes=["sd-card-body"])
        body += fields
        card += [header, body]
        return card

    def pem_explainer(self) -> nodes.paragraph:
        note = nodes.paragraph(classes=["atlas-pem-explainer"])
        note += nodes.strong(text="About the PEM badge: ")
        note += nodes.Text(self.vocabulary.pem_explainer + " ")
        note += self.xref("term", "pem/explainer", nodes.Text("How the atlas works →"))
        return note

    def actions(self) -> nodes.paragraph:
        repository = self.config.atlas_repository_url.rstrip("/")
        branch = self.config.atlas_repository_branch
        docname = self.directive.env.docname
        source = self.directive.env.doc2path(docname, False)
        query = urlencode(
            {
                "template": "report-error.yml",
                "title": f"Error in {docname}",
                "study": docname,
            }
        )
        line = nodes.paragraph(classes=["atlas-actions"])
        line += nodes.Text("Spotted an error in this entry? ")
        line += self.link(f"{repository}/issues/new?{query}", "Report an error")
        line += nodes.inline(text=" · ", classes=["atlas-sep"])
        line += self.link(f"{repository}/edit/{branch}/source/{source}", "Edit this page")
        return line

    # -- helpers ------------------------------------------------------------------

    def xref(self, kind: str, target: str, content: nodes.Node) -> pending_xref:
        """A link resolved by the atlas domain at write time (a level, tag or definition)."""
        ref = pending_xref(
            "",
            refdomain="atlas",
            reftype=kind,
            reftarget=target,
            refexplicit=True,
            refdoc=self.directive.env.docname,
            refwarn=True,
        )
        ref += content
        return ref

    @staticmethod
    def link(url: str, text: str) -> nodes.reference:
        return nodes.reference("", text, refuri=url)

    @staticmethod
    def joined(parts: list[nodes.Node]) -> list[nodes.Node]:
        result: list[nodes.Node] = []
        for index, part in enumerate(parts):
            if index:
                result.append(nodes.Text(", "))
            result.append(part)
        return result
