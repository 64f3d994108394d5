"""DOIs and PMIDs in one form, so one paper always has one identity in every tool.

Contributors copy identifiers from browsers, PDFs and reference managers, which
add ``https://doi.org/``, ``doi:`` or ``PMID:``, a full stop from the end of a
sentence, or characters nobody can see (a zero-width space from a web page, a
soft hyphen from a PDF). Crossref's rules say what a DOI is under all that: the
prefix, trailing sentence punctuation and invisible characters are not part of
it, and letter case does not matter. ``clean_doi`` applies them, and every
place that compares, links or exports a DOI (the validator, the duplicate
rules of ``atlas check`` and the build, ``atlas new``, ``atlas check --fix``,
the page's links) goes through it.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote, urlsplit

from .record import DOI_PATTERN, PMID_PATTERN

DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.|www\.)?doi\.org/|doi:\s*)", re.IGNORECASE)
PMID_PREFIX = re.compile(
    r"^(?:pmid\s*:?\s*|https?://(?:www\.)?(?:pubmed\.ncbi\.nlm\.nih\.gov|ncbi\.nlm\.nih\.gov/pubmed)/)",
    re.IGNORECASE,
)
#: Sentence punctuation that follows a DOI in running text but never ends one. A closing
#: parenthesis is dropped only when unbalanced: SICI DOIs such as ``...(199706)...`` keep theirs.
TRAILING_PUNCTUATION = ".,;"
VALID_DOI = re.compile(DOI_PATTERN)
VALID_PMID = re.compile(PMID_PATTERN)
#: What a DOI may hold unencoded in a URL: RFC 3986's path characters, but not ``#``, ``?``
#: or ``%``, which would cut the DOI short or be read as an escape (the DOI Handbook, 2.5.2.4).
DOI_URL_SAFE = "/:;()[]@!$&'*+,=-._~"


def is_invisible(character: str) -> bool:
    """Unicode format characters (category Cf) have no glyph of their own.

    They cover the zero-width space, joiner and non-joiner, the byte-order mark,
    the soft hyphen, the word joiner and every bidirectional mark, embedding,
    override and isolate: none can be part of a DOI or a PMID.
    """
    return unicodedata.category(character) == "Cf"


def invisible_characters(text: str) -> list[str]:
    """The invisible characters in ``text``, as ``U+XXXX`` codes, once each in order."""
    return list(dict.fromkeys(f"U+{ord(c):04X}" for c in text if is_invisible(c)))


def clean_doi(text: str) -> str:
    """The bare DOI by Crossref's rules; letter case stays as written.

    Invisible characters and surrounding white space go, then any number of
    ``https://doi.org/``, ``http://dx.doi.org/`` and ``doi:`` prefixes, then
    trailing sentence punctuation.
    """
    doi = "".join(c for c in text if not is_invisible(c)).strip()
    while (shorter := DOI_PREFIX.sub("", doi, count=1).strip()) != doi:
        doi = shorter
    while doi and (
        doi[-1] in TRAILING_PUNCTUATION or (doi[-1] == ")" and doi.count(")") > doi.count("("))
    ):
        doi = doi[:-1].rstrip()
    return doi


def clean_pmid(text: str) -> str:
    """The PubMed ID without a ``PMID:`` prefix or PubMed address, spaces or invisible characters.

    Digits are not translated: a PMID in other digits than 0-9 stays as it is and
    the validator asks for ordinary digits.
    """
    pmid = "".join(c for c in text if not is_invisible(c)).strip()
    pmid = PMID_PREFIX.sub("", pmid, count=1)
    return "".join(pmid.removesuffix("/").split())


def doi_key(text: str) -> str | None:
    """The DOI as compared: clean, in lower case (DOIs ignore case); None if it is no DOI."""
    doi = clean_doi(text)
    return doi.lower() if VALID_DOI.match(doi) else None


def pmid_key(text: str) -> str | None:
    """The PMID as compared: clean ASCII digits; None if it is no PMID."""
    pmid = clean_pmid(text)
    return pmid if VALID_PMID.match(pmid) else None


def doi_url(doi: str) -> str:
    """The DOI's address at doi.org, with the characters a URL cannot carry as they are encoded."""
    return "https://doi.org/" + quote(clean_doi(doi), safe=DOI_URL_SAFE)


def isbn_key(text: str) -> str | None:
    """The ISBN as compared: its 13 digits (an ISBN-10 is turned into one); None if invalid.

    ISBN-10 and ISBN-13 name the same book, hyphens and spaces are only layout,
    and the check digit must fit the others (ISO 2108), so a mistyped digit is
    not taken for another book.
    """
    digits = "".join(c for c in text if c not in "- ").upper()
    if len(digits) == 10 and digits[:9].isascii() and digits[:9].isdigit():
        if digits[9] not in "0123456789X":
            return None
        check = sum((10 - i) * (10 if c == "X" else int(c)) for i, c in enumerate(digits))
        if check % 11:
            return None
        digits = "978" + digits[:9]
        return digits + str(-sum(int(c) * (3 if i % 2 else 1) for i, c in enumerate(digits)) % 10)
    if len(digits) == 13 and digits.isascii() and digits.isdigit():
        weighted = sum(int(c) * (3 if i % 2 else 1) for i, c in enumerate(digits))
        return digits if weighted % 10 == 0 else None
    return None


def report_key(text: str) -> str | None:
    """A report number as compared: without case, spaces or punctuation ('NG 206' is 'ng206')."""
    key = "".join(c for c in text.lower() if c.isalnum())
    return key or None


def url_key(text: str) -> str | None:
    """A web address as compared: without scheme, 'www.', case of the host or a final slash."""
    parts = urlsplit(text.strip())
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    host = parts.netloc.lower().removeprefix("www.")
    path = parts.path.rstrip("/")
    return f"{host}{path}" + (f"?{parts.query}" if parts.query else "")


def identity_keys(
    doi: str | None,
    pmid: str | None,
    isbn: str | None = None,
    report: str | None = None,
    paper_url: str | None = None,
) -> list[tuple[str, str, str]]:
    """(label, clean value, comparison key) for each valid identifier a paper has.

    Only identifiers that are valid once cleaned count. The build knows a page
    by its checked record, which holds no invalid value, so ``atlas check``
    (which reads the values as written) must leave them out too: both then
    find the same duplicates. A paper without DOI or PMID is known by its
    ISBN, report number or web address, compared the same way everywhere.
    """
    keys = []
    if doi and (key := doi_key(doi)) is not None:
        keys.append(("DOI", clean_doi(doi), f"doi:{key}"))
    if pmid and (key := pmid_key(pmid)) is not None:
        keys.append(("PMID", key, f"pmid:{key}"))
    if isbn and (key := isbn_key(isbn)) is not None:
        keys.append(("ISBN", isbn.strip(), f"isbn:{key}"))
    if report and (key := report_key(report)) is not None:
        keys.append(("Report", " ".join(report.split()), f"report:{key}"))
    if paper_url and (key := url_key(paper_url)) is not None:
        keys.append(("Web address", paper_url.strip(), f"url:{key}"))
    return keys
