"""Page names: ``<first-author-surname>-<year>-<two title words>``, and the rules that check them.

The file name of a study becomes its permanent web address, so ``atlas new``
derives it here and ``atlas check`` holds every page to the same rules: a name
the site can use at all (``page_name_problems``, checked before the page is
read), names that no two pages share once normalised (``name_collision_key``),
and a name that fits the study (``file_name_problems``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from .authors import is_no_authors
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
#: The characters a page name may hold: the same in every file system, URL and export.
USABLE_NAME = re.compile(r"[a-z0-9-]+")
#: The longest page name. The name is a file three times over (``<name>.md``, the HTML page
#: and ``_build/doctrees/studies/<name>.doctree``); ext4, APFS and NTFS allow 255 bytes per
#: name, and Windows 260 characters per path unless long paths are switched on, which leaves
#: about 100 for the name under a checkout folder of ordinary depth. The longest real name is
#: under 50 characters: author, year and two words never need more.
MAX_NAME_LENGTH = 100
NOT_KEY_CHARACTERS = re.compile(r"[^a-z0-9]")
#: Names Windows keeps for devices, with any extension: ``con.html`` cannot be written there.
WINDOWS_DEVICE_NAMES = frozenset(
    ["con", "prn", "aux", "nul", *(f"com{n}" for n in range(10)), *(f"lpt{n}" for n in range(10))]
)
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
    named = [author for author in authors if not is_no_authors(author)]
    first = author_slug(named[0]) if named else UNKNOWN_AUTHOR
    return "-".join([first, str(year), *(title_words(title) or [NO_TITLE_WORDS])])


def page_name(file_name: str) -> str:
    """The page name of a file as Sphinx makes it: the file name without its last suffix.

    Plain string work, because ``pathlib`` refuses names such as ``..md`` (its stem
    is ``.``) and calls ``.md`` a name without a suffix, while Sphinx reads both.
    """
    stem, dot, _ = file_name.rpartition(".")
    return stem if dot else file_name


def unusable_name_reason(name: str) -> str | None:
    """Why the site cannot use this page name at all, or None if it can.

    The name is the page's URL, its output files, its id in ``studies.json`` (whose
    schema allows these characters only), its citation key and what lineage options
    name. Upper case folds on the file systems of macOS and Windows; accented
    letters are stored decomposed on macOS; ``#``, ``?``, ``%`` and spaces change
    what a URL means; a leading dot hides a file and some servers refuse it; a long
    name does not fit the output file names.
    """
    if USABLE_NAME.fullmatch(name) and len(name) <= MAX_NAME_LENGTH:
        if name in WINDOWS_DEVICE_NAMES:
            return f"'{name}' is a name Windows keeps for a device"
        return None
    if len(name) > MAX_NAME_LENGTH:
        return f"it is {len(name)} characters long; at most {MAX_NAME_LENGTH} fit every system"
    if not name:
        return "it has no name before '.md'"
    odd = sorted({c for c in name if not USABLE_NAME.fullmatch(c)})
    shown = ", ".join(repr(c) for c in odd[:5]) + (" ..." if len(odd) > 5 else "")
    return f"it holds {shown}; only lower-case letters a-z, digits and hyphens can be used"


def page_name_problems(name: str) -> list[Problem]:
    """The rule on page names, checked before the page is read.

    A page whose name the site cannot use is left out of the site (both tools
    say so), rather than built at an address that breaks somewhere.
    """
    why = unusable_name_reason(name)
    if why is None:
        return []
    suggestion = "-".join(re.findall(r"[a-z0-9]+", fold(name)))[:MAX_NAME_LENGTH].strip("-")
    if not suggestion or suggestion in WINDOWS_DEVICE_NAMES:
        suggestion = "<first-author-surname>-<year>-<two title words>"
    return [
        Problem(
            Rule.UNUSABLE_FILE_NAME,
            1,
            f"The file name {_shortened(name + '.md')!r} cannot be a page address: {why}. "
            f"The site leaves this page out until it is renamed, for example to "
            f"'{suggestion}.md' (git mv keeps its history).",
        )
    ]


def _shortened(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else f"{text[: limit - 20]}...{text[-17:]}"


def name_collision_key(name: str) -> str:
    """What is left of a page name after every normalisation the build or its readers apply.

    Readers and search read past hyphens ("red-team" and "redteam" look like one
    paper); case-insensitive file systems and servers fold letter case; Unicode
    normalisation joins composed and decomposed letters. Two pages with the
    same key cannot both keep their own file everywhere, and readers take them
    for one paper. (Citation keys keep page names whole, so they stay apart.)
    """
    if name.isascii():  # every page that is built: the same key, without Unicode tables
        return NOT_KEY_CHARACTERS.sub("", name.lower())
    return NOT_KEY_CHARACTERS.sub("", fold(unicodedata.normalize("NFKC", name)).casefold())


def file_name_problems(stem: str, study: Study) -> list[Problem]:
    """The file-name rule: the name must start with the first author's surname and the year.

    Title words are the contributor's choice; a ``-2`` suffix after a clash is
    fine. Studies without valid authors or year, or with the authors still a
    prompt, are skipped: other rules already report those fields.
    """
    if not study.authors or study.year is None or PROMPT_MARKER in study.authors[0]:
        return []
    year = str(study.year)
    if is_no_authors(study.authors[0]):
        prefix = f"{UNKNOWN_AUTHOR}-{year}-"
        fits = stem.startswith(prefix) and len(stem) > len(prefix)
        expected = f"'{prefix}' (the paper names no author) followed by two title words"
    elif is_organisation(study.authors[0]):
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
