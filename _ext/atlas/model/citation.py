"""Citations of a study: a plain reference, BibTeX and RIS, and a line for the atlas entry.

BibTeX is written by bibtexparser and RIS by rispy, so special characters and
field order follow those formats' own rules; the plain reference follows the
NLM style PubMed uses (up to six authors, then "et al.").
"""

from __future__ import annotations

import datetime
import re

import bibtexparser
import rispy
from bibtexparser.middlewares.parsestack import default_unparse_stack
from bibtexparser.model import Entry, Field

from .record import Study, short_name

NLM_AUTHORS = 6


class _RisWithoutNumbers(rispy.RisWriter):
    """rispy numbers each record ("1."); a file of one or many records needs no numbers."""

    def set_header(self, count: int) -> str:
        return ""


def reference(study: Study) -> str:
    """The paper, as a reader would cite it."""
    names = [short_name(name) for name in study.authors]
    authors = ", ".join(names[:NLM_AUTHORS]) + (", et al" if len(names) > NLM_AUTHORS else "")
    parts = [f"{authors}." if authors else "", f"{study.title.rstrip('.')}.", f"{study.journal}."]
    if study.year:
        parts.append(f"{study.year}.")
    if study.doi:
        parts.append(f"doi:{study.doi}.")
    if study.pmid:
        parts.append(f"PMID: {study.pmid}.")
    return " ".join(part for part in parts if part)


def citation_key(study: Study) -> str:
    """A BibTeX key from the page name: stable, unique in the atlas, ASCII."""
    return re.sub(r"[^a-z0-9]", "", study.docname.rsplit("/", 1)[-1])


def bibtex_entry(study: Study) -> Entry:
    fields = [
        ("author", " and ".join(study.authors)),
        ("title", study.title),
        ("journal", study.journal),
        ("year", str(study.year or "")),
        ("doi", study.doi or ""),
        ("pmid", study.pmid or ""),
    ]
    return Entry("article", citation_key(study), [Field(k, v) for k, v in fields if v])


def bibtex(studies: list[Study]) -> str:
    library = bibtexparser.Library([bibtex_entry(s) for s in studies])
    # The entries are made for this call, so the writer may change them in place
    # instead of copying each one first (seconds for a file of every study).
    return bibtexparser.write_string(
        library, unparse_stack=default_unparse_stack(allow_inplace_modification=True)
    )


def ris(studies: list[Study]) -> str:
    records = []
    for study in studies:
        record = {
            "type_of_reference": "JOUR",
            "authors": list(study.authors),
            "title": study.title,
            "journal_name": study.journal,
            "year": str(study.year or ""),
            "doi": study.doi or "",
        }
        if study.pmid:
            record["accession_number"] = study.pmid
        records.append({key: value for key, value in record.items() if value})
    return rispy.dumps(records, implementation=_RisWithoutNumbers)


def atlas_entry(study: Study, updated: datetime.date, url: str) -> str:
    """How to cite the atlas's reading of the paper, dated, apart from the paper itself."""
    where = f" Available from: {url}" if url else ""
    return (
        f"ME/CFS Evidence Atlas contributors. {study.title.rstrip('.')} [atlas entry "
        f"{study.docname}; updated {updated.isoformat()}]. ME/CFS Evidence Atlas.{where}"
    )
