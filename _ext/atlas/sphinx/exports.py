"""Open data at fixed URLs: JSON (with its schema), CSV, BibTeX and an Atom feed.

Every file is written from the same study records the indexes use. The JSON
records have the shape of the study options, so the schema that validates a
study page validates the export. Files are rewritten only when their bytes
change, so a no-op build touches nothing.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from xml.etree import ElementTree as ET

from sphinx.application import Sphinx

from ..model import citation
from ..model.record import FIELDS, Study, export_schema
from .data import AtlasData

#: How many studies the feed carries: the most recently added or updated.
FEED_LENGTH = 50
ATOM = "http://www.w3.org/2005/Atom"


def write_exports(app: Sphinx, exception: Exception | None) -> None:
    """``build-finished``: write the open-data files into the site's root."""
    if exception is not None or app.builder.format != "html":
        return
    atlas = AtlasData(app.env)
    outdir = Path(app.outdir)
    if not atlas.domain.records_changed and (outdir / "atom.xml").exists():
        return  # nothing was read: the files on disk already hold these records
    studies = atlas.studies()
    records = [_record(app, study) for study in studies]
    _write_if_changed(outdir / "studies.json", _json({"studies": records}))
    _write_if_changed(outdir / "studies.schema.json", _json(export_schema(atlas.vocabulary)))
    _write_if_changed(outdir / "studies.csv", _csv(records))
    _write_if_changed(outdir / "atlas.bib", citation.bibtex(studies))
    _write_if_changed(outdir / "atom.xml", _atom(app, studies))


def _record(app: Sphinx, study: Study) -> dict:
    return {
        "id": study.docname,
        "url": app.builder.get_target_uri(study.docname),
        **study.to_record(),
    }


def _json(data: object) -> str:
    return json.dumps(data, indent=1, ensure_ascii=False) + "\n"


def _csv(records: list[dict]) -> str:
    """One row per study; list fields are joined with "; "."""
    columns = ["id", "url", *(spec.name for spec in FIELDS)]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for record in records:
        writer.writerow(
            {
                key: "; ".join(value) if isinstance(value, list) else value
                for key, value in record.items()
            }
        )
    return buffer.getvalue()


def _atom(app: Sphinx, studies: list[Study]) -> str:
    """The newest additions and updates, newest first, as an Atom 1.0 feed."""
    base = app.config.html_baseurl.rstrip("/")
    site = f"{base}/" if base else ""
    newest = sorted(studies, key=lambda s: (s.last_updated or "", s.docname), reverse=True)
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    _text(feed, "title", f"{app.config.project}: new and updated studies")
    _text(feed, "id", f"{site}atom.xml" if site else "urn:mecfs-atlas:feed")
    _text(feed, "updated", _timestamp(newest[0].last_updated if newest else "1970-01-01"))
    ET.SubElement(feed, f"{{{ATOM}}}link", rel="self", href=f"{site}atom.xml")
    author = ET.SubElement(feed, f"{{{ATOM}}}author")
    _text(author, "name", app.config.author)
    for study in newest[:FEED_LENGTH]:
        url = site + app.builder.get_target_uri(study.docname)
        entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
        _text(entry, "title", ("Retracted: " if study.retracted else "") + study.title)
        _text(entry, "id", url or f"urn:mecfs-atlas:{study.docname}")
        ET.SubElement(entry, f"{{{ATOM}}}link", rel="alternate", href=url)
        added = study.history[-1][0] if study.history else study.last_updated
        _text(entry, "published", _timestamp(added or "1970-01-01"))
        _text(entry, "updated", _timestamp(study.last_updated or "1970-01-01"))
        _text(entry, "summary", citation.reference(study))
    ET.indent(feed)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="unicode") + "\n"


def _text(parent: ET.Element, tag: str, text: str) -> None:
    ET.SubElement(parent, f"{{{ATOM}}}{tag}").text = text


def _timestamp(date: str) -> str:
    return f"{date}T00:00:00Z"


def _write_if_changed(path: Path, text: str) -> None:
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")
