"""Read reference exports (PubMed MEDLINE/.nbib, RIS, BibTeX) into ``Reference`` records.

The formats are parsed by their maintained libraries (Biopython's Bio.Medline,
rispy, bibtexparser); this module only maps each format's fields onto the
atlas's and tidies names, years and identifiers.
"""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import bibtexparser
import rispy
from bibtexparser import middlewares
from Bio import Medline

from .authors import ET_AL, is_more_authors
from .identifiers import clean_doi, clean_pmid, isbn_key, pmid_key
from .scaffold import Reference

SUFFIXES = {".nbib": "medline", ".medline": "medline", ".ris": "ris", ".bib": "bibtex"}
SNIFFERS = (
    ("medline", re.compile(r"^PMID- ", re.MULTILINE)),
    ("ris", re.compile(r"^TY  - ", re.MULTILINE)),
    ("bibtex", re.compile(r"^\s*@\w+\s*[{(]", re.MULTILINE)),
)
# ASCII only: ``\d`` would also read other scripts' digits, which no page may hold.
YEAR = re.compile(r"\b(?:1[89]|20)[0-9][0-9]\b")
PMID_IN_TEXT = re.compile(
    r"(?:PMID:?\s*|pubmed\.ncbi\.nlm\.nih\.gov/)([0-9]+)", re.IGNORECASE | re.ASCII
)
#: MEDLINE publication types that say nothing about the design.
PLAIN_TYPES = ("Journal Article", "Research Support")
#: RIS types whose SN is a journal's ISSN, not a book's ISBN or a report's number.
JOURNAL_TYPES = frozenset({"JOUR", "JFULL", "EJOUR", "MGZN", "NEWS"})
#: BibTeX entry types whose ``number`` is a report number.
REPORT_TYPES = frozenset({"techreport", "report"})


class ExportError(ValueError):
    """The file cannot be read as a reference export; the message says why."""


def detect_format(path: Path, text: str) -> str:
    """The export format, from the file's suffix or else from its first lines."""
    if path.suffix.lower() in SUFFIXES:
        return SUFFIXES[path.suffix.lower()]
    for name, pattern in SNIFFERS:
        if pattern.search(text):
            return name
    raise ExportError(
        f"{path} does not look like a MEDLINE (.nbib), RIS (.ris) or BibTeX (.bib) export. "
        "Name the format with --format."
    )


def read_references(text: str, export_format: str) -> tuple[list[Reference], list[str]]:
    """The records of an export, and notes on parts that could not be read."""
    readers = {"medline": _medline, "ris": _ris, "bibtex": _bibtex}
    return readers[export_format](text)


def _medline(text: str) -> tuple[list[Reference], list[str]]:
    references = []
    for record in Medline.parse(io.StringIO(text)):
        authors = record.get("FAU") or [_comma_name(name) for name in record.get("AU", [])]
        identifiers = [*record.get("AID", []), record.get("LID", "")]
        types = record.get("PT", [])
        isbn = _first_isbn(record.get("ISBN", ""))
        references.append(
            Reference(
                title=_title(record.get("TI") or record.get("BTI", "")),
                # CN is a group author: its name, without a comma, is the atlas's group form.
                authors=_authors([*authors, *(_group(name) for name in record.get("CN", []))]),
                journal=_tidy(record.get("JT") or record.get("TA") or record.get("PB", "")),
                year=_year(record.get("DP", "")),
                doi=next(
                    (
                        clean_doi(match)
                        for item in identifiers
                        for match in re.findall(r"(\S+) \[doi\]", item)
                    ),
                    "",
                ),
                pmid=clean_pmid(record.get("PMID", "")),
                preprint="Preprint" in types,
                publication_types=tuple(t for t in types if not t.startswith(PLAIN_TYPES)),
                mesh_headings=tuple(_heading(h) for h in _as_list(record.get("MH"))),
                keywords=tuple(_tidy(k) for k in _as_list(record.get("OT"))),
                record_type="BOOK" if isbn else "",
                isbn=isbn,
            )
        )
    return references, []


def _title(title: str) -> str:
    """One form for titles from every export: no final full stop, no translation brackets.

    PubMed ends titles with a full stop and brackets translated ones; RIS and
    BibTeX exports of the same paper often keep the journal's full stop. The
    atlas writes neither, so one paper gets one title whatever file it came
    from (an ellipsis or a question mark stays).
    """
    title = _tidy(title)
    if title.startswith("[") and title.rstrip(".").endswith("]"):
        title = title.rstrip(".")[1:-1]
    if title.endswith(".") and not title.endswith(".."):
        title = title[:-1]
    return title


def _heading(heading: str) -> str:
    """A MeSH heading without its qualifiers and major-topic stars: 'Fatigue/*diagnosis'."""
    return _tidy(heading.split("/", 1)[0].replace("*", ""))


def _group(name: str) -> str:
    """A group's name, without the comma some exports add to keep it whole ('WHO,')."""
    return _tidy(name).rstrip(",").replace(",", "")


def _authors(names: list[str]) -> tuple[str, ...]:
    """Names tidied; BibTeX's "others" or a written "et al." becomes the atlas's "et al."."""
    tidy = [_tidy(name) for name in names if _tidy(name)]
    named = [name for name in tidy if not is_more_authors(name)]
    return tuple(named + ([ET_AL] if len(named) < len(tidy) and named else []))


def _first_isbn(value: object) -> str:
    """The first ISBN of a field that may list several, with their kinds ('... (print)')."""
    for item in _as_list(value):
        for candidate in re.split(r"[;,]|\s(?=97[89])", str(item)):
            found = re.search(r"[0-9][0-9 -]{8,16}[0-9Xx]", candidate)
            if found and isbn_key(found[0]) is not None:
                return found[0].strip()
    return ""


def _comma_name(name: str) -> str:
    """MEDLINE's short 'Keller BA' becomes 'Keller, BA'."""
    surname, _, initials = name.rpartition(" ")
    return f"{surname}, {initials}" if surname else name


def _ris(text: str) -> tuple[list[Reference], list[str]]:
    try:
        entries = rispy.loads(text)
    except (ValueError, OSError) as error:
        raise ExportError(f"Cannot read the RIS file: {error}") from error
    references = []
    for entry in entries:
        kind = str(entry.get("type_of_reference", "")).strip().upper()
        serial = str(entry.get("issn", ""))
        isbn = _first_isbn(serial) if kind not in JOURNAL_TYPES else ""
        notes = " ".join(
            str(value)
            for key in ("notes", "note", "accession_number", "urls", "custom1", "custom2")
            for value in _as_list(entry.get(key))
        )
        pmid = clean_pmid(str(entry.get("accession_number", "")))
        if pmid_key(pmid) is None:
            found = PMID_IN_TEXT.search(notes)
            pmid = found[1] if found else ""
        urls = [str(url) for url in _as_list(entry.get("urls"))]
        references.append(
            Reference(
                title=_title(_first(entry, "title", "primary_title", "translated_title")),
                authors=_authors(
                    [
                        _ris_name(name)
                        for name in entry.get("authors") or entry.get("first_authors") or []
                    ]
                ),
                journal=_tidy(
                    _first(
                        entry,
                        "secondary_title",
                        "journal_name",
                        "alternate_title3",
                        "alternate_title2",
                        "alternate_title1",
                        "publisher",
                    )
                ),
                year=_year(_first(entry, "year", "publication_year", "date")),
                doi=clean_doi(_first(entry, "doi")),
                pmid=pmid,
                keywords=_keywords(entry.get("keywords")),
                record_type=kind,
                isbn=isbn,
                report=_tidy(serial) if kind == "RPRT" and not isbn else "",
                url=next((url for url in urls if not _is_archive(url)), ""),
            )
        )
    return references, []


def _ris_name(name: str) -> str:
    """A person 'Surname, Given'; a group's name has no comma, or only a trailing one."""
    name = _tidy(name)
    if name.endswith(",") or "," not in name:
        return _group(name)
    return _tidy_person(name)


def _keywords(value: object) -> tuple[str, ...]:
    """Keywords from a list, or from one text separated by semicolons or commas."""
    items = [str(item) for item in _as_list(value)]
    if len(items) == 1:
        items = re.split(r"[;,]", items[0])
    return tuple(dict.fromkeys(_tidy(item) for item in items if _tidy(item)))


def _is_archive(url: str) -> bool:
    return "web.archive.org/" in url or "archive.org/web/" in url


def _bibtex(text: str) -> tuple[list[Reference], list[str]]:
    # Braced groups survive decoding so that '{Study Group}' stays one author's name;
    # the braces go once names are split. bibtexparser's own log of a broken entry
    # counts lines from 0, so it is silenced in favour of the note below.
    parser_log = logging.getLogger("bibtexparser")
    level = parser_log.level
    parser_log.setLevel(logging.ERROR)
    try:
        library = bibtexparser.parse_string(
            text,
            append_middleware=[
                middlewares.LatexDecodingMiddleware(keep_braced_groups=True),
                middlewares.SeparateCoAuthors(),
                middlewares.SplitNameParts(),
            ],
        )
    finally:
        parser_log.setLevel(level)
    notes = [
        "Skipped a BibTeX entry that could not be read"
        + ("." if block.start_line is None else f" (line {block.start_line + 1}).")
        for block in library.failed_blocks
    ]
    references = []
    for entry in library.entries:
        fields = {field.key.lower(): field.value for field in entry.fields}
        pmid = str(fields.get("pmid", ""))
        if not pmid and str(fields.get("eprinttype", "")).lower() == "pubmed":
            pmid = str(fields.get("eprint", ""))
        if not pmid:
            found = PMID_IN_TEXT.search(str(fields.get("note", "")))
            pmid = found[1] if found else ""
        kind = entry.entry_type.lower()
        venue = next(
            (
                fields[name]
                for name in ("journal", "journaltitle", "institution", "publisher", "organization")
                if fields.get(name)
            ),
            "",
        )
        authors = [_bibtex_name(name) for name in fields.get("author", [])]
        references.append(
            Reference(
                title=_title(_unbrace(str(fields.get("title", "")))),
                authors=_authors(authors),
                journal=_unbrace(str(venue)),
                year=_year(str(fields.get("year") or fields.get("date") or "")),
                doi=clean_doi(str(fields.get("doi", ""))),
                pmid=clean_pmid(pmid),
                keywords=_keywords(_unbrace(str(fields.get("keywords", "")))),
                record_type=kind,
                isbn=_first_isbn(str(fields.get("isbn", ""))),
                report=_unbrace(str(fields.get("number", ""))) if kind in REPORT_TYPES else "",
                url=_unbrace(str(fields.get("url", ""))),
            )
        )
    return references, notes


def _bibtex_name(name: Any) -> str:
    """bibtexparser's name parts as 'von Last, First Jr'; a group keeps its one name."""
    surname = _unbrace(" ".join([*name.von, *name.last]))
    given = _unbrace(" ".join([*name.first, *name.jr]))
    return _tidy_person(f"{surname}, {given}") if given else _group(surname)


def _unbrace(text: str) -> str:
    """BibTeX braces protect case and grouping; the text itself has none."""
    return _tidy(text.replace("{", "").replace("}", ""))


def _tidy_person(name: str) -> str:
    """'Keller, Betsy A.' becomes 'Keller, Betsy A', the way PubMed writes names."""
    surname, comma, given = name.partition(",")
    if not comma:
        return _tidy(name)
    return f"{_tidy(surname)}, {_tidy(given.replace('.', ' '))}".rstrip(", ")


def _tidy(text: str) -> str:
    return " ".join(str(text).split())


def _year(text: str) -> int | None:
    match = YEAR.search(str(text))
    return int(match[0]) if match else None


def _first(entry: dict[str, Any], *keys: str) -> str:
    return next((str(entry[key]) for key in keys if entry.get(key)), "")


def _as_list(value: Any) -> Iterable[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]
