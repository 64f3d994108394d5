"""Open data: every study record as ``studies.json``, with its JSON Schema beside it.

The records are the same data the indexes are built from, in the shape of the
study options, so the schema that validates a study page validates the export.
Files are only rewritten when their bytes change, to keep no-op builds quiet.
"""

from __future__ import annotations

import json
from pathlib import Path

from sphinx.application import Sphinx

from ..model.record import export_schema
from .data import AtlasData


def write_exports(app: Sphinx, exception: Exception | None) -> None:
    """``build-finished``: write ``studies.json`` and ``studies.schema.json``."""
    if exception is not None or app.builder.format != "html":
        return
    atlas = AtlasData(app.env)
    studies = [
        {
            "id": study.docname,
            "url": app.builder.get_target_uri(study.docname),
            **study.to_record(),
        }
        for study in atlas.studies()
    ]
    outdir = Path(app.outdir)
    _write_if_changed(outdir / "studies.json", {"studies": studies})
    _write_if_changed(outdir / "studies.schema.json", export_schema(atlas.vocabulary))


def _write_if_changed(path: Path, data: object) -> None:
    text = json.dumps(data, indent=1, ensure_ascii=False, sort_keys=False) + "\n"
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")
