"""Citations of a study: a plain reference, BibTeX and RIS, and a line for the atlas entry.

BibTeX is written by bibtexparser and RIS by rispy, so field order and layout
follow those formats' own rules; the plain reference follows the NLM style
PubMed uses (up to six authors, then "et al.").

Every value is cleaned the same way first (:func:`one_line`), because a study
record may hold any text (a page's options are checked, but citations must
stay well formed even for a value the checks flag). BibTeX then needs a little
escaping of its own (:func:`bibtex_text`, :func:`bibtex_names`).
"""

from __future__ import annotations

import datetime
import hashlib
import re
from collections.abc import Iterable

import bibtexparser
import rispy
from bibtexparser.middlewares.parsestack import default_unparse_stack
from bibtexparser.model import Entry, Field

from .authors import author_list, cited, is_group
from .record import Study

NLM_AUTHORS = 6

#: Characters that break a line or a file format and carry no meaning in a
#: citation: every control character (C0, DEL and C1, including tab, line feed
#: and carriage return) and the Unicode line and paragraph separators.
_BREAKING = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
#: Code points no UTF-8 file or XML document can hold: lone surrogates (a str
#: made from bytes with ``surrogateescape`` can contain them) and U+FFFE, U+FFFF.
_UNSTORABLE = re.compile(r"[\ud800-\udfff\ufffe\uffff]")
#: What BibTeX escaping replaces, and with what (see :func:`bibtex_text`).
BIBTEX_ESCAPES = {
    "\\": r"{\textbackslash}",
    "{": r"{\textbraceleft}",
    "}": r"{\textbraceright}",
}
_BIBTEX_SPECIAL = re.compile(r"[\\{}]")
#: BibTeX separates names at a free-standing "and", in any case.
_NAME_SEPARATOR = re.compile(r"(?:^|\s)and(?:\s|$)", re.IGNORECASE)
#: Characters a citation key keeps; others are replaced and the key made unique.
_KEY_UNSAFE = re.compile(r"[^a-z0-9]+")


class _RisWithoutNumbers(rispy.RisWriter):
    """rispy numbers each record ("1."); a file of one or many records needs no numbers."""

    def set_header(self, count: int) -> str:
        return ""


def one_line(text: str) -> str:
    """``text`` as one line that every export format can hold.

    Each control character and line or paragraph separator becomes a space: in
    RIS a line break would start a new tag, in BibTeX a line break followed by
    ``@`` starts a new entry for bibtexparser, and XML 1.0 forbids most control
    characters outright. Lone surrogates and U+FFFE/U+FFFF, which no UTF-8 file
    or XML document can hold, become U+FFFD (the replacement character).
    Whitespace at either end is dropped, as RIS and BibTeX readers drop it.
    Everything else stays, right-to-left and zero-width characters included:
    they are legal everywhere and may be part of a real name or title.
    """
    if text.isprintable():  # the usual case: none of those characters is printable
        return text.strip()
    return _UNSTORABLE.sub("\ufffd", _BREAKING.sub(" ", text)).strip()


def bibtex_text(text: str) -> str:
    r"""``text`` as the inside of a braced BibTeX value that reads back as one value.

    A value is delimited by braces. BibTeX counts every brace, while
    bibtexparser skips a brace that follows a backslash, so a brace or a
    backslash in the text could end the value early (``} @article{x,`` would
    start an entry of its own) or differently for the two readers. Each is
    therefore written as its LaTeX text command in a group of its own, which
    both readers and LaTeX take as one character: ``\`` as
    ``{\textbackslash}``, ``{`` as ``{\textbraceleft}`` and ``}`` as
    ``{\textbraceright}``. Nothing else is escaped. Quotes, ``@``, ``,`` and
    ``=`` do not end a braced value, and the characters only LaTeX treats
    specially (``&``, ``%``, ``#``, ``$``, ``_``) are left as the page wrote
    them: escaping them would change the text every other reader of the file
    sees. The text is made :func:`one_line` first.
    """
    text = one_line(text)
    if "\\" in text or "{" in text or "}" in text:
        return _BIBTEX_SPECIAL.sub(lambda match: BIBTEX_ESCAPES[match.group()], text)
    return text


def bibtex_names(names: Iterable[str]) -> str:
    """An ``author`` value: names joined by " and ", one BibTeX name each.

    A group's name (a name without a comma: :mod:`atlas.model.authors`) and a
    name that itself holds a free-standing "and" are put in braces, so that
    BibTeX keeps each as one name instead of reading a surname out of it. A
    list that ends in "et al." ends in BibTeX's own "and others"; a paper with
    no named author has no ``author`` value. A name that is blank once made
    one line is left out.
    """
    listed = author_list(list(names))
    written = []
    for name in listed.names:
        text = bibtex_text(name)
        if text:
            braced = is_group(name) or _NAME_SEPARATOR.search(text)
            written.append(f"{{{text}}}" if braced else text)
    if written and listed.more:
        written.append("others")
    return " and ".join(written)


def reference(study: Study) -> str:
    """The paper, as a reader would cite it."""
    authors = one_line(cited([one_line(name) for name in study.authors], NLM_AUTHORS))
    parts = [
        authors if authors.endswith(".") else f"{authors}." if authors else "",
        f"{one_line(study.title).rstrip('.')}.",
        f"{one_line(study.journal)}.",
    ]
    if study.year:
        parts.append(f"{study.year}.")
    if study.doi:
        parts.append(f"doi:{one_line(study.doi)}.")
    if study.pmid:
        parts.append(f"PMID: {one_line(study.pmid)}.")
    if study.isbn:
        parts.append(f"ISBN: {one_line(study.isbn)}.")
    if study.report:
        parts.append(f"Report {one_line(study.report)}.")
    if study.paper_url and not (study.doi or study.pmid):
        parts.append(f"Available from: {one_line(study.paper_url)}")
        if study.archive_url:
            parts.append(f"(archived copy: {one_line(study.archive_url)}).")
    return " ".join(part for part in parts if part)


def citation_key(study: Study) -> str:
    """A BibTeX key from the page name: stable, ASCII, and different for different names.

    A page name made of lower-case letters, digits and hyphens (every name the
    file-name rule accepts) is its own key, so names that differ only by a
    hyphen keep different keys. Any other name is lower-cased, each run of other
    characters becomes a hyphen, and a short digest of the exact name is added,
    so that names differing only by case or punctuation still get different keys.
    """
    name = study.docname.rsplit("/", 1)[-1]
    slug = _KEY_UNSAFE.sub("-", name.lower()).strip("-")
    if slug and slug == name:
        return slug
    digest = hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    return f"{slug}-{digest}" if slug else f"study-{digest}"


def unique_keys(studies: Iterable[Study]) -> list[str]:
    """One citation key per study, in order, none repeated (BibTeX ignores case in keys).

    :func:`citation_key` keys differ for different page names except by a
    digest collision, which a crafted name could force; the first study in
    order then keeps its key and each later one gets the first free ``-2``,
    ``-3``... after it, so the file still has one entry per study.
    """
    keys = [citation_key(study) for study in studies]
    taken = set(keys)
    seen: set[str] = set()
    unique = []
    for key in keys:
        if key in seen:
            number = 2
            while f"{key}-{number}" in taken:
                number += 1
            key = f"{key}-{number}"
            taken.add(key)
        seen.add(key)
        unique.append(key)
    return unique


def record_kind(study: Study) -> tuple[str, str, str]:
    """(RIS type, BibTeX entry type, BibTeX field for ``:journal:``) of the paper.

    A report number makes a report and an ISBN a book; a paper known only by
    its web address is a web document; anything else is a journal article.
    """
    if study.report:
        return "RPRT", "techreport", "institution"
    if study.isbn:
        return "BOOK", "book", "publisher"
    if study.paper_url and not (study.doi or study.pmid):
        return "ELEC", "misc", "howpublished"
    return "JOUR", "article", "journal"


def bibtex_entry(study: Study, key: str) -> Entry:
    """The paper as a BibTeX entry; values escaped as :func:`bibtex_text` says."""
    _, kind, venue = record_kind(study)
    fields = [
        ("author", bibtex_names(study.authors)),
        ("title", bibtex_text(study.title)),
        (venue, bibtex_text(study.journal)),
        ("year", str(study.year or "")),
        ("doi", bibtex_text(study.doi or "")),
        ("pmid", bibtex_text(study.pmid or "")),
        ("isbn", bibtex_text(study.isbn or "")),
        ("number", bibtex_text(study.report or "")),
        ("url", bibtex_text(study.paper_url or "")),
        ("note", f"Archived copy: {bibtex_text(study.archive_url)}" if study.archive_url else ""),
    ]
    return Entry(kind, key, [Field(name, value) for name, value in fields if value])


def bibtex(studies: list[Study]) -> str:
    """A BibTeX file with one entry per study, under keys that are all different."""
    library = bibtexparser.Library(
        [bibtex_entry(study, key) for study, key in zip(studies, unique_keys(studies), strict=True)]
    )
    # The entries are made for this call, so the writer may change them in place
    # instead of copying each one first (seconds for a file of every study).
    return bibtexparser.write_string(
        library, unparse_stack=default_unparse_stack(allow_inplace_modification=True)
    )


def ris(studies: list[Study]) -> str:
    """RIS records, one per study; every value is :func:`one_line`, as RIS is line-based."""
    records = []
    for study in studies:
        kind = record_kind(study)[0]
        # A group is one name with no comma, which RIS readers keep whole; "et al." and
        # "no authors listed" have no RIS form, so those names are left out.
        names = author_list([one_line(name) for name in study.authors]).names
        record = {
            "type_of_reference": kind,
            "authors": [name for name in names if name],
            "title": one_line(study.title),
            ("journal_name" if kind == "JOUR" else "publisher"): one_line(study.journal),
            "year": str(study.year or ""),
            "doi": one_line(study.doi or ""),
            "accession_number": one_line(study.pmid or ""),
            # SN holds a book's ISBN and a report's number (RIS readers such as Zotero).
            "issn": one_line(study.report or study.isbn or ""),
            "urls": [one_line(url) for url in (study.paper_url, study.archive_url) if url],
        }
        records.append({key: value for key, value in record.items() if value})
    return rispy.dumps(records, implementation=_RisWithoutNumbers)


def atlas_entry(study: Study, updated: datetime.date, url: str) -> str:
    """How to cite the atlas's reading of the paper, dated, apart from the paper itself."""
    where = f" Available from: {url}" if url else ""
    return (
        f"ME/CFS Evidence Atlas contributors. {one_line(study.title).rstrip('.')} [atlas entry "
        f"{study.docname}; updated {updated.isoformat()}]. ME/CFS Evidence Atlas.{where}"
    )
