"""Page names: ``<first-author-surname>-<year>-<two title words>``, and the rule that checks them.

The file name of a study becomes its permanent web address, so ``atlas new``
derives it here and ``atlas check`` holds every page to the same rule.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from .markup import PROMPT_MARKER
from .record import Study
from .rules import Problem, Rule

#: Small words that say nothing about a paper, skipped when picking title words.
STOP_WORDS = frozenset(
    {"a", "an", "and", "are", "as", "at", "by", "for", "from", "in", "into", "is", "its", "of",
     "on", "or", "the", "to", "versus", "via", "vs", "with"}
)  # fmt: skip
#: Letters that Unicode does not split into a base letter and an accent.
EXTRA_FOLDS = str.maketrans(
    {"ø": "o", "Ø": "O", "æ": "ae", "Æ": "Ae", "œ": "oe", "Œ": "Oe", "ß": "ss", "ł": "l",
     "Ł": "L", "đ": "d", "Đ": "D", "ð": "d", "Ð": "D", "þ": "th", "Þ": "Th", "\u0131": "i"}
)  # fmt: skip
SLUG_SHAPE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
UNKNOWN_AUTHOR = "unknown"
NO_TITLE_WORDS = "study"


def fold(text: str) -> str:
    """Lower-case ASCII with diacritics removed: 'Vøllestad' becomes 'vollestad'."""
    decomposed = unicodedata.normalize("NFKD", text.translate(EXTRA_FOLDS))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def words(text: str) -> list[str]:
    """The folded words of a text; hyphens and slashes split words ('ME/CFS' is two)."""
    return re.findall(r"[a-z0-9]+", fold(text))


def is_organisation(author: str) -> bool:
    """People are written 'Surname, Given'; a name without a comma is a group."""
    return "," not in author


def author_slug(author: str) -> str:
    """The surname part of a page name: 'Nagy-Szakal, D' gives 'nagy-szakal'.

    A group author gives its first meaningful word, which a contributor may
    shorten by hand (the atlas names the Institute of Medicine report 'iom').
    """
    if is_organisation(author):
        meaningful = [word for word in words(author) if word not in STOP_WORDS]
        return meaningful[0] if meaningful else UNKNOWN_AUTHOR
    return "-".join(words(author.partition(",")[0])) or UNKNOWN_AUTHOR


def title_words(title: str, count: int = 2) -> list[str]:
    """The first ``count`` title words that are neither stop words nor single characters."""
    return [word for word in words(title) if word not in STOP_WORDS and len(word) > 1][:count]


def study_slug(authors: Sequence[str], year: int, title: str) -> str:
    """The page name of a study; ``unknown-<year>-...`` when nobody is named.

    A title without Latin letters or digits (Cyrillic, Chinese) gives no words;
    ``study`` stands in, because the file-name rule wants a word after the year.
    """
    first = author_slug(authors[0]) if authors else UNKNOWN_AUTHOR
    return "-".join([first, str(year), *(title_words(title) or [NO_TITLE_WORDS])])


def file_name_problems(stem: str, study: Study) -> list[Problem]:
    """The file-name rule: the name must start with the first author's surname and the year.

    Title words are the contributor's choice; a ``-2`` suffix after a clash is
    fine. Studies without valid authors or year, or with the authors still a
    prompt, are skipped: other rules already report those fields.
    """
    if not study.authors or study.year is None or PROMPT_MARKER in study.authors[0]:
        return []
    year = str(study.year)
    if is_organisation(study.authors[0]):
        parts = stem.split("-")
        fits = year in parts[1:-1]
        expected = f"a short name for the group, then '-{year}-' and two title words"
    else:
        prefix = f"{author_slug(study.authors[0])}-{year}-"
        fits = stem.startswith(prefix) and len(stem) > len(prefix)
        expected = f"'{prefix}' followed by two title words"
    if fits and SLUG_SHAPE.match(stem):
        return []
    suggestion = study_slug(study.authors, study.year, study.title)
    return [
        Problem(
            Rule.FILE_NAME,
            1,
            f"The file name '{stem}.md' does not fit this study. Page names are "
            "'<first-author-surname>-<year>-<two title words>' in lower case without "
            f"accents; this one needs {expected}, for example '{suggestion}.md'. "
            "Rename the file (git mv keeps its history).",
        )
    ]
