"""Clean DOIs and PMIDs as people paste them, so one paper always has one identity.

Contributors copy identifiers from browsers and reference managers, which add
``https://doi.org/``, ``doi:`` or ``PMID:``. The scaffold, the fixer and the
duplicate checks all clean them the same way here.
"""

from __future__ import annotations

import re

DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)
PMID_PREFIX = re.compile(r"^pmid\s*:?\s*", re.IGNORECASE)


def clean_doi(text: str) -> str:
    """The bare DOI: URL and ``doi:`` prefixes and spaces go, letter case stays."""
    doi = text.strip()
    while (shorter := DOI_PREFIX.sub("", doi, count=1)) != doi:
        doi = shorter.strip()
    return doi


def clean_pmid(text: str) -> str:
    """The PubMed ID's digits without a ``PMID:`` prefix or spaces."""
    return "".join(PMID_PREFIX.sub("", text.strip(), count=1).split())


def doi_key(text: str) -> str:
    """DOIs are case-insensitive, so duplicates are compared in lower case."""
    return clean_doi(text).lower()


def identity_keys(doi: str | None, pmid: str | None) -> list[tuple[str, str, str]]:
    """(label, clean value, comparison key) for each identifier a paper has."""
    keys = []
    if doi and clean_doi(doi):
        keys.append(("DOI", clean_doi(doi), f"doi:{doi_key(doi)}"))
    if pmid and clean_pmid(pmid):
        keys.append(("PMID", clean_pmid(pmid), f"pmid:{clean_pmid(pmid)}"))
    return keys
