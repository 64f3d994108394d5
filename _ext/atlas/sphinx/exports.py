"""Open data at fixed URLs: JSON (with its schema), CSV, BibTeX and an Atom feed.

Every file is written from the same study records the indexes use. The JSON
records have the shape of the study options, so the schema that validates a
study page validates the export. Each file is well formed whatever text a
record holds; each format's rule is in the docstring of the function that
writes it.

A file is rewritten only when its bytes change, so a no-op build touches
nothing. When no study page was read since the files were written, nothing
is rendered at all unless a file is missing from the output or no longer holds
what was written there (:class:`WrittenFiles`); then that file alone is
written again.
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import io
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

from sphinx.application import Sphinx
from sphinx.util import logging

from ..model import citation
from ..model.citation import one_line
from ..model.participants import ME_CFS, participants_of
from ..model.record import FIELDS, Study, export_schema
from ..model.vocabulary import Vocabulary
from .data import atlas_domain, builds_site

logger = logging.getLogger(__name__)

#: How many studies the feed carries: the most recently added or updated.
FEED_LENGTH = 50
ATOM = "http://www.w3.org/2005/Atom"
#: The feed's date for a study without a usable one.
EPOCH = datetime.date(1970, 1, 1)
#: Leading characters that make a spreadsheet read a cell as a formula or a
#: command: OWASP's "CSV Injection" list, and NUL, which OWASP's ASVS (1.2.10) adds.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\x00")
#: Where the digests of the files last written are kept, in Sphinx's doctree folder.
WRITTEN_FILES = "atlas-written-files.json"
#: The modules whose code decides the bytes of the files written after the build.
_WRITERS = (
    Path(__file__),
    Path(__file__).with_name("browse.py"),
    Path(__file__).with_name("feeds.py"),
    Path(citation.__file__),
    Path(citation.__file__).with_name("record.py"),
)
_SURROGATE = re.compile(r"[\ud800-\udfff]")


@dataclass(frozen=True)
class Site:
    """What the exports need to know about the site besides its studies."""

    project: str
    author: str
    #: ``html_baseurl`` without its trailing slash; empty when unset.
    base_url: str
    #: Each study's URL relative to the site root, by document name.
    uris: Mapping[str, str]

    @classmethod
    def of(cls, app: Sphinx, studies: list[Study]) -> Site:
        return cls(
            project=app.config.project,
            author=app.config.author,
            base_url=app.config.html_baseurl.rstrip("/"),
            uris={study.docname: app.builder.get_target_uri(study.docname) for study in studies},
        )


def studies_json(studies: list[Study], vocabulary: Vocabulary, site: Site) -> str:
    """Every study record with its id and URL.

    JSON escapes every control character itself, so values are written as
    they are.
    """
    return _json({"studies": [_record(study, site) for study in studies]})


def schema_json(studies: list[Study], vocabulary: Vocabulary, site: Site) -> str:
    """The JSON Schema of ``studies.json``."""
    return _json(export_schema(vocabulary))


def studies_csv(studies: list[Study], vocabulary: Vocabulary, site: Site) -> str:
    """One row per study; list fields are joined with "; ".

    Cells are quoted as the csv module does (a cell holding a comma, a quote or
    a line break is put in quotes), so any text reads back as one cell. A cell
    that starts with ``=``, ``+``, ``-``, ``@``, a tab, a carriage return or a
    NUL character gets a single quote (``'``) in front, as OWASP advises, so that
    no spreadsheet opens it as a formula; that quote is the only change made to
    a value (besides a lone surrogate, which no UTF-8 file can hold, becoming
    U+FFFD).
    """
    columns = ["id", "url", *(spec.name for spec in FIELDS), "people-with-me-cfs", "findings"]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for study in studies:
        record = _record(study, site)
        # The structured parts in one cell each: the ME/CFS count, and "measure: direction".
        groups = record.pop("participant-groups", [])
        findings = record.pop("findings", [])
        record["people-with-me-cfs"] = next(
            (group["count"] for group in groups if group["kind"] == ME_CFS), ""
        )
        record["findings"] = [f"{found['measure']}: {found['direction']}" for found in findings]
        writer.writerow({key: csv_cell(value) for key, value in record.items()})
    return buffer.getvalue()


#: The columns of findings.csv: one row per structured finding.
FINDING_COLUMNS = (
    "study-id",
    "doi",
    "pmid",
    "year",
    "measure",
    "measure-family",
    "direction",
    "participants",
    "people-with-me-cfs",
    "case-definition",
    "pem",
    "evidence",
    "design",
    "retracted",
    "finding",
)


def findings_csv(studies: list[Study], vocabulary: Vocabulary, site: Site) -> str:
    """One row per structured finding, for people who run their own analyses.

    ``participants`` is the part of the study the finding covers when it says
    so, else the whole study's; cells are defused as in :func:`studies_csv`. The
    file is written with its header even when no study has a structured finding,
    so that its address never stops working.
    """
    families = {measure.key: measure.family for measure in vocabulary.measures}
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(FINDING_COLUMNS)
    for study in studies:
        for finding in study.findings:
            written = finding.participants or study.participants or ""
            group = participants_of(written)
            row = [
                study.docname,
                study.doi or "",
                study.pmid or "",
                study.year or "",
                finding.measure,
                families.get(finding.measure, ""),
                finding.direction,
                written,
                (group.me_cfs or "") if group else "",
                list(study.case_definition),
                study.pem or "",
                study.evidence or "",
                study.design or "",
                study.retracted or "",
                finding.text,
            ]
            writer.writerow([csv_cell(value) for value in row])
    return buffer.getvalue()


def csv_cell(value: Any) -> str:
    """A record value as the text of one CSV cell, defused as :func:`studies_csv` says."""
    text = "; ".join(value) if isinstance(value, list) else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def atlas_bib(studies: list[Study], vocabulary: Vocabulary, site: Site) -> str:
    """BibTeX for every paper, escaped as :func:`atlas.model.citation.bibtex_text` says."""
    return citation.bibtex(studies)


def atom_feed(studies: list[Study], vocabulary: Vocabulary, site: Site) -> str:
    """The site's feed: its newest additions and updates (see :func:`atom`)."""
    newest = newest_first(studies)[:FEED_LENGTH]
    return atom(f"{site.project}: new and updated studies", "atom.xml", newest, site)


def newest_first(studies: list[Study]) -> list[Study]:
    """Studies by the date of their last change, newest first (the order of every feed)."""
    return sorted(studies, key=lambda s: (s.last_updated or "", s.docname), reverse=True)


def atom(title: str, path: str, entries: list[Study], site: Site) -> str:
    """``entries`` (newest first) as an Atom 1.0 feed whose file is ``path`` in the site.

    The site's feed and each tag's and level's feed (:mod:`atlas.sphinx.feeds`)
    are written here. XML 1.0 cannot hold most control characters, so every
    text and attribute is made :func:`~atlas.model.citation.one_line` (control
    characters become spaces) before ElementTree escapes it. A date that is
    missing or not a real YYYY-MM-DD date is written as 1970-01-01, as Atom
    requires a date on each entry.
    """
    prefix = f"{site.base_url}/" if site.base_url else ""
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    _text(feed, "title", title)
    _text(feed, "id", f"{prefix}{path}" if prefix else f"urn:mecfs-atlas:{path}")
    _text(feed, "updated", _timestamp(entries[0].last_updated if entries else None))
    _link(feed, "self", f"{prefix}{path}")
    author = ET.SubElement(feed, f"{{{ATOM}}}author")
    _text(author, "name", site.author)
    for study in entries:
        url = prefix + site.uris[study.docname]
        entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
        _text(entry, "title", ("Retracted: " if study.retracted else "") + study.title)
        _text(entry, "id", url or f"urn:mecfs-atlas:{study.docname}")
        _link(entry, "alternate", url)
        added = study.history[-1][0] if study.history else study.last_updated
        _text(entry, "published", _timestamp(added))
        _text(entry, "updated", _timestamp(study.last_updated))
        _text(entry, "summary", citation.reference(study))
    ET.indent(feed)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="unicode") + "\n"


#: Every file written after the build, by its name in the site's root.
EXPORTS: dict[str, Callable[[list[Study], Vocabulary, Site], str]] = {
    "studies.json": studies_json,
    "studies.schema.json": schema_json,
    "studies.csv": studies_csv,
    "findings.csv": findings_csv,
    "atlas.bib": atlas_bib,
    "atom.xml": atom_feed,
}


def write_exports(app: Sphinx, exception: Exception | None) -> None:
    """``build-finished``: write the open-data files into the site's root.

    A file is rendered only when it may be out of date (:class:`WrittenFiles`),
    and written only when its bytes differ, so a no-op build costs one read of
    each file.
    """
    if exception is not None or not builds_site(app):
        return
    written = WrittenFiles(app)
    stale = [name for name in EXPORTS if not written.holds(name)]
    if not stale:
        return
    logger.info("writing the open-data files...")
    for name in stale:
        written.write(name, rendered_export(app, name))
    written.save()


def rendered_export(app: Sphinx, name: str) -> bytes:
    """The bytes of the open-data file ``name`` for this build's records, made once.

    The data page shows each file's size before the file is written
    (:mod:`atlas.sphinx.downloads`), so what is made is kept, until a record
    changes, for the writer above.
    """
    atlas = atlas_domain(app.env)
    made: dict[str, bytes] = atlas.derived("open-data-files", dict)
    if name not in made:
        studies = atlas.studies()
        made[name] = utf8(EXPORTS[name](studies, atlas.vocabulary, Site.of(app, studies)))
    return made[name]


class WrittenFiles:
    """The digests of the files written after the build, kept so a current file is not redone.

    For each file it keeps the SHA-256 of the bytes written, together with a
    digest of everything those bytes were made from (:func:`_sources_digest`).
    A file is taken as current only while both still match: the same sources,
    and the file in the output still holding those bytes. So a file that was
    deleted or changed in the output is written again, and so is every file
    after a build that re-read a study, even one stopped before it got here.
    """

    def __init__(self, app: Sphinx) -> None:
        self.outdir = Path(app.outdir)
        self.path = Path(app.doctreedir, WRITTEN_FILES)
        self.sources = _sources_digest(app)
        try:
            saved = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            saved = {}
        same = isinstance(saved, dict) and saved.get("sources") == self.sources
        self.files: dict[str, str] = dict(saved.get("files", {})) if same else {}

    def holds(self, name: str) -> bool:
        """Whether the output's file ``name`` is what these sources make."""
        if name not in self.files:
            return False
        try:
            data = (self.outdir / name).read_bytes()
        except OSError:
            return False
        return self.files[name] == hashlib.sha256(data).hexdigest()

    def write(self, name: str, data: bytes) -> None:
        """Write ``data`` to the output's file ``name`` and remember its digest."""
        write_if_changed(self.outdir / name, data)
        self.files[name] = hashlib.sha256(data).hexdigest()

    def save(self) -> None:
        state = {"sources": self.sources, "files": dict(sorted(self.files.items()))}
        write_if_changed(self.path, utf8(_json(state)))


def write_if_changed(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` unless the file holds those bytes already."""
    try:
        if path.read_bytes() == data:
            return
    except OSError:
        pass
    write_atomically(path, data)


def write_atomically(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` in one step.

    A build killed or out of disk space while writing leaves the old file or
    the new one, never half of one. The partial file has a fixed name, so a
    build killed in that instant leaves at most one, replaced by the next write.
    """
    partial = path.with_name(f".{path.name}.part")
    try:
        partial.write_bytes(data)
        partial.replace(path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


def utf8(text: str) -> bytes:
    """``text`` as UTF-8; a lone surrogate, which UTF-8 cannot hold, becomes U+FFFD."""
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        return _SURROGATE.sub("\ufffd", text).encode("utf-8")


def _sources_digest(app: Sphinx) -> str:
    """A digest of what the files written after the build are made from.

    That is: the study records, the settings and the code that shape the
    files. Hashing the records themselves would cost a pass over every study
    on each build; instead each study page's name and the time Sphinx last
    read it stand for its record, since a record changes only when its page is
    read (a changed vocabulary or page history makes Sphinx re-read pages).
    Those times are saved with Sphinx's environment, so a build stopped after
    reading still changes the digest. The vocabulary comes in through the
    records for the same reason.
    """
    digest = hashlib.sha256()
    settings = [
        app.builder.name,
        app.config.project,
        app.config.author,
        app.config.html_baseurl,
        # How this builder turns a document name into a URL.
        app.builder.get_target_uri("studies/x"),
    ]
    digest.update(json.dumps(settings).encode("utf-8"))
    for module in _WRITERS:
        digest.update(module.read_bytes())
    read_at = app.env.all_docs
    for docname in sorted(atlas_domain(app.env).records()):
        digest.update(f"\n{docname}\0{read_at.get(docname)}".encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def _record(study: Study, site: Site) -> dict[str, Any]:
    record = {"id": study.docname, "url": site.uris[study.docname], **study.to_record()}
    # The participants and findings as data as well as text (export_schema describes both).
    participants = participants_of(study.participants)
    if participants is not None:
        record["participant-groups"] = [
            {"kind": group.kind, "count": group.count}
            | ({"illness": group.illness} if group.illness else {})
            for group in participants.groups
        ]
    if study.findings:
        record["findings"] = [
            {"measure": found.measure, "direction": found.direction}
            | ({"participants": found.participants} if found.participants else {})
            | {"text": found.text}
            for found in study.findings
        ]
    return record


def _json(data: object) -> str:
    return json.dumps(data, indent=1, ensure_ascii=False) + "\n"


def _text(parent: ET.Element, tag: str, text: str) -> None:
    ET.SubElement(parent, f"{{{ATOM}}}{tag}").text = one_line(text)


def _link(parent: ET.Element, rel: str, href: str) -> None:
    ET.SubElement(parent, f"{{{ATOM}}}link", rel=rel, href=one_line(href))


def _timestamp(date: str | None) -> str:
    """An Atom (RFC 3339) time for a YYYY-MM-DD date, or for :data:`EPOCH`."""
    try:
        day = datetime.date.fromisoformat(date or "")
    except ValueError:
        day = EPOCH
    return f"{day.isoformat()}T00:00:00Z"


def setup_exports(app: Sphinx) -> None:
    app.connect("build-finished", write_exports)
