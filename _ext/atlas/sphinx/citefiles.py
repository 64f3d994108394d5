"""Each study's reference as files to download: ``<name>.bib`` and ``<name>.ris`` beside its page.

A reference manager imports a file more reliably than pasted text. The files
hold exactly what the page's citation block shows, written by the same code
as ``atlas.bib`` (:func:`atlas.model.citation.bibtex` and
:func:`~atlas.model.citation.ris`), so they say the same whatever a record
holds.

They are outputs the build owns, kept as cheap as the pages:

- A study's files are written only when its record may have changed: its
  page was read again since they were written (Sphinx's read time of the page
  stands for its record, as in :class:`atlas.sphinx.exports.WrittenFiles`),
  the code or settings that shape them changed, or a file is missing from the
  output. ``make html``'s front end deletes an output file that was changed by
  hand, so it is then written again; a file whose bytes would not change is
  not touched.
- The files of a study that is no longer in the atlas (deleted, renamed, or
  left out for a problem) are deleted.

What was written is kept in Sphinx's doctree folder, saved only after every
file is in place; a build stopped before that (``make html`` then starts from
nothing anyway) writes them all again.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.builders.html import StandaloneHTMLBuilder
from sphinx.util import logging

from ..model import citation
from ..model.record import Study
from .data import atlas_domain, builds_site
from .exports import utf8, write_if_changed

logger = logging.getLogger(__name__)

#: The file kinds, by suffix, and how each is made from one study.
KINDS = {
    ".bib": lambda study: citation.bibtex([study]),
    ".ris": lambda study: citation.ris([study]),
}
#: Where the read time of each study whose files were written is kept, in the doctree folder.
STATE = "atlas-cite-files.json"
#: The modules whose code decides the files' bytes.
_WRITERS = (Path(__file__), Path(citation.__file__), Path(citation.__file__).with_name("record.py"))


def file_names(builder: StandaloneHTMLBuilder, docname: str) -> dict[str, Path]:
    """Suffix -> the study's file in the output: beside its page, named like the page's file.

    The page links them by their bare names, whatever the builder's URL scheme.
    """
    page = Path(builder.get_outfilename(docname))
    name = docname.rsplit("/", 1)[-1]
    return {suffix: page.with_name(f"{name}{suffix}") for suffix in KINDS}


def write_cite_files(app: Sphinx, exception: Exception | None) -> None:
    """``build-finished``: write the files of changed studies, delete those of removed ones."""
    builder = app.builder
    if exception is not None or not builds_site(app):
        return
    if not isinstance(builder, StandaloneHTMLBuilder):  # every site builder is one
        return
    state_path = Path(app.doctreedir, STATE)
    code = _code_digest(builder)
    saved = _load(state_path)
    same = saved.get("code") == code and isinstance(saved.get("studies"), dict)
    written: dict[str, str] = saved["studies"] if same else {}
    read_at = app.env.all_docs
    studies = atlas_domain(app.env).studies()
    current: dict[str, str] = {}
    wanted: set[Path] = set()
    count = 0
    for study in studies:
        stamp = repr(read_at.get(study.docname))
        files = file_names(builder, study.docname)
        wanted.update(files.values())
        current[study.docname] = stamp
        if written.get(study.docname) == stamp and all(path.exists() for path in files.values()):
            continue
        _write(study, files)
        count += 1
    removed = _remove_others(Path(app.outdir), wanted)
    if count or removed:
        logger.info(f"study reference files: {count} written, {removed} removed")
    state = {"code": code, "studies": dict(sorted(current.items()))}
    write_if_changed(state_path, utf8(json.dumps(state, indent=0) + "\n"))


def _write(study: Study, files: dict[str, Path]) -> None:
    for suffix, path in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        write_if_changed(path, utf8(KINDS[suffix](study)))


def _remove_others(outdir: Path, wanted: set[Path]) -> int:
    """Delete every reference file in the studies' output that belongs to no current study."""
    removed = 0
    for folder, _, names in os.walk(outdir / "studies"):
        for name in names:
            path = Path(folder, name)
            if path.suffix in KINDS and path not in wanted:
                path.unlink()
                removed += 1
    return removed


def _load(path: Path) -> dict[str, Any]:
    try:
        saved = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return saved if isinstance(saved, dict) else {}


def _code_digest(builder: StandaloneHTMLBuilder) -> str:
    """The code and settings the files' bytes and places depend on."""
    digest = hashlib.sha256()
    place = Path(builder.get_outfilename("studies/x")).relative_to(builder.outdir).as_posix()
    digest.update(json.dumps([builder.name, place]).encode())
    for module in _WRITERS:
        digest.update(module.read_bytes())
    return digest.hexdigest()


def setup_cite_files(app: Sphinx) -> None:
    app.connect("build-finished", write_cite_files)
