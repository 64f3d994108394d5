"""Author lists as a study page writes them: people, groups, "et al." and no named authors.

``:authors:`` holds names separated by semicolons. The forms, chosen so that a
Markdown writer gets them right without knowing any citation format:

- a person is ``Surname, Given names`` (always with a comma);
- a group or organisation is its name without a comma, such as
  ``National Institute for Health and Care Excellence``;
- ``et al.`` as the last name says the list stops short of the paper's
  (an export that wrote "and others");
- ``[No authors listed]``, alone, says the paper names no author (PubMed's
  words for such a record).

Every output (byline, plain reference, BibTeX, RIS) reads the list through
:func:`author_list`, so each form is written the one right way everywhere.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: What a page writes when the paper names no author.
NO_AUTHORS = "[No authors listed]"
#: What a page writes last when the list stops short of the paper's.
ET_AL = "et al."
#: Spellings of "no author" that would otherwise become an author of that name.
NO_AUTHOR_WORDS = frozenset(
    {"unknown", "anonymous", "anon", "none", "no authors", "no authors listed", "not listed",
     "[no authors listed]", "n/a", "[anonymous]"}
)  # fmt: skip
#: Spellings of "and more authors" at the end of a list.
MORE_AUTHOR_WORDS = frozenset({"et al", "et al.", "others", "and others", "et. al.", "et al.,"})
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class AuthorList:
    """An author list read: the named authors, and whether the paper has more."""

    names: tuple[str, ...]
    #: The list ends with "et al.": the paper has authors the page does not name.
    more: bool = False
    #: The page says the paper names no author.
    none_listed: bool = False


def normal(name: str) -> str:
    return _SPACES.sub(" ", name).strip().lower()


def is_no_authors(name: str) -> bool:
    return normal(name) in NO_AUTHOR_WORDS


def is_more_authors(name: str) -> bool:
    return normal(name) in MORE_AUTHOR_WORDS


def is_group(name: str) -> bool:
    """A group or organisation: a name without a comma (every person has 'Surname, Given')."""
    return "," not in name and not is_no_authors(name) and not is_more_authors(name)


def author_list(authors: tuple[str, ...] | list[str]) -> AuthorList:
    """The named authors of a page's list, with its "et al." and "no authors" forms read."""
    names = [name for name in authors if name.strip()]
    if any(is_no_authors(name) for name in names):
        return AuthorList((), none_listed=True)
    more = bool(names) and is_more_authors(names[-1])
    return AuthorList(tuple(name for name in names if not is_more_authors(name)), more=more)


def short_name(name: str) -> str:
    """'Wearden, Alison J' becomes 'Wearden AJ'; a group's name stays as it is."""
    surname, comma, given = name.partition(",")
    if not comma:
        return name.strip()
    initials = "".join(part[0] for part in given.replace("-", " ").split() if part[0].isalpha())
    return f"{surname.strip()} {initials}".strip()


def cited(authors: tuple[str, ...] | list[str], shown: int) -> str:
    """Up to ``shown`` authors in the NLM form, then ", et al." when there are more.

    "Beasant L, Crawley E, et al." in the NLM (Vancouver) style PubMed uses; an
    empty text when the paper names no author.
    """
    listed = author_list(authors)
    names = [short_name(name) for name in listed.names]
    text = ", ".join(names[:shown])
    if names and (len(names) > shown or listed.more):
        text += ", et al."
    return text
