"""Rules across the whole atlas: one page per paper and per name, and titles that look alike.

These rules need every page at once, so they work on small ``Identity``
records. ``atlas check`` builds them from checked pages (the pages it reports
on) and from a quick read of all other pages (the context), and reports only
on the pages it was asked about; ``atlas new`` uses the same index to refuse a
paper that already has a page.
"""

from __future__ import annotations

import difflib
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from .identifiers import identity_keys
from .page import find_blocks
from .record import Study
from .rules import Problem, Rule
from .slug import name_collision_key, page_name_problems, words
from .studyblock import StudyBlock, parse_block
from .vocabulary import Vocabulary

#: difflib ratio from which two titles count as near duplicates.
TITLE_SIMILARITY = 0.9
#: A title is indexed under this many of its rarest words to find similar titles fast.
RARE_WORDS = 3
#: A word in more titles than this is not rare, and finds no candidates: this keeps
#: the search near-linear even when many titles are made of the same few words.
COMMON_WORD = 64


@dataclass(frozen=True)
class Identity:
    """What tells one paper from another, and where its page is."""

    docname: str
    path: Path
    title: str
    doi: str | None
    pmid: str | None
    #: File line of the page's {study} block.
    line: int
    #: File line of the page's ``:title:`` option; 0 when it has none (then ``line``).
    title_line: int = 0
    #: Identifiers of a paper without DOI or PMID.
    isbn: str | None = None
    report: str | None = None
    paper_url: str | None = None

    @property
    def keys(self) -> list[tuple[str, str, str]]:
        """(label, value as written, comparison key) for each identifier the page has."""
        return identity_keys(self.doi, self.pmid, self.isbn, self.report, self.paper_url)


def read_identity(path: Path, text: str, docname: str, vocabulary: Vocabulary) -> Identity | None:
    """The identity of a page from its option lines alone, without checking their values.

    A page whose name the site cannot use has none: the build leaves it out.
    """
    if page_name_problems(docname.rpartition("/")[2]):
        return None
    lines = text.splitlines()
    start, end = next(find_blocks(lines), (None, None))
    if start is None:
        return None
    block = parse_block(lines[start + 1 : end], start + 2, vocabulary)
    block.line = start + 1
    return identity_of(block, path, docname)


def identity_of(block: StudyBlock, path: Path, docname: str) -> Identity:
    """A page's identity as written, so a DOI in a wrong form still matches its twin."""

    def written(name: str) -> str | None:
        option = block.options.get(name)
        return option.value if option else None

    title = written("title")
    title_option = block.options.get("title")
    return Identity(
        docname,
        path,
        " ".join(title.split()) if title else "",
        written("doi"),
        written("pmid"),
        block.line,
        title_option.line if title_option else 0,
        isbn=written("isbn"),
        report=written("report"),
        paper_url=written("paper-url"),
    )


def atlas_problems(
    identities: Iterable[Identity], report_on: Collection[str] | None = None
) -> list[tuple[Identity, Problem]]:
    """Duplicate DOIs or PMIDs and colliding names (errors), near-duplicate titles (warnings).

    ``report_on`` names the docnames to report; None reports on every page.
    Of two pages that clash, the one reported is a page asked about, and of
    two such pages the later in name order, so each clash is reported once.
    """

    def asked(identity: Identity) -> bool:
        return report_on is None or identity.docname in report_on

    ordered = sorted(identities, key=lambda page: (asked(page), page.docname))
    duplicates = _duplicates(ordered) + _name_collisions(ordered)
    # A page that is already a duplicate needs no second, vaguer warning.
    settled = {page.docname for page, _ in duplicates}
    similar = [
        (page, problem) for page, problem in _similar_titles(ordered) if page.docname not in settled
    ]
    return [(page, problem) for page, problem in duplicates + similar if asked(page)]


def missing_lineage_targets(study: Study, known: Collection[str]) -> list[Problem]:
    """Lineage options that name a page the atlas does not have, at the option's line."""
    problems = []
    for relation, target in study.links():
        if target not in known:
            slug = target.removeprefix("studies/")
            problems.append(
                Problem(
                    Rule.LINEAGE_TARGET_MISSING,
                    study.option_lines.get(relation, study.line),
                    f"':{relation}:' names '{slug}', but there is no page "
                    f"source/studies/{slug}.md. Use the other page's file name without .md.",
                )
            )
    return problems


def _duplicates(ordered: Sequence[Identity]) -> list[tuple[Identity, Problem]]:
    seen: dict[str, Identity] = {}
    found = []
    for page in ordered:
        for label, value, key in page.keys:
            first = seen.setdefault(key, page)
            if first is not page:
                found.append(
                    (
                        page,
                        Problem(
                            Rule.DUPLICATE_STUDY,
                            page.line,
                            f"{label} {value} is already in the atlas at {first.docname} "
                            f"(line {first.line}). A paper gets one page: merge the two.",
                        ),
                    )
                )
    return found


def _name_collisions(ordered: Sequence[Identity]) -> list[tuple[Identity, Problem]]:
    """Pages whose names are one name to a BibTeX key, a file system or a reader.

    Reported at the first line of each later page, naming the first: the
    page is still built (its own name is usable), so nothing else is lost.
    """
    first_with_key: dict[str, Identity] = {}
    found = []
    for page in ordered:
        name = page.docname.rpartition("/")[2]
        first = first_with_key.setdefault(name_collision_key(name), page)
        if first is page:
            continue
        other = first.docname.rpartition("/")[2]
        found.append(
            (
                page,
                Problem(
                    Rule.PAGE_NAME_COLLISION,
                    1,
                    f"The page name '{name}' is the same as '{other}' ({first.docname}) once "
                    "hyphens and letter case are set aside, as citation keys and some file "
                    "systems do. If both pages are one paper, keep one; if not, rename this "
                    "page with git mv.",
                ),
            )
        )
    return found


def _similar_titles(ordered: Sequence[Identity]) -> list[tuple[Identity, Problem]]:
    """For each page, the most similar earlier title at or above the threshold.

    Comparing every pair of 6,000 titles is too slow, so each title is indexed
    under its rarest words and compared only with titles that share one of them
    and half of all their words. Pages that share a DOI or PMID are left to the
    duplicate rule.
    """
    titles = [" ".join(words(page.title)) for page in ordered]
    word_sets = [frozenset(title.split()) for title in titles]
    keys = [{key for _, _, key in page.keys} for page in ordered]
    rare = _rarest_words(titles, word_sets)
    index: dict[str, list[int]] = defaultdict(list)
    first_with_title: dict[str, int] = {}
    found = []
    for position, page in enumerate(ordered):
        mine = word_sets[position]
        same = first_with_title.setdefault(titles[position], position)
        if same != position and not keys[position] & keys[same]:
            found.append((page, _similar_title(page, ordered[same], 1.0)))
            continue  # an identical title: no need to look for a closer one
        candidates = sorted(
            earlier
            for earlier in {earlier for word in rare[position] for earlier in index[word]}
            if 2 * len(mine & word_sets[earlier]) >= max(len(mine), len(word_sets[earlier]))
            and not keys[position] & keys[earlier]
        )
        best = _most_similar(titles, position, candidates)
        if best is not None:
            found.append((page, _similar_title(page, ordered[best[0]], best[1])))
        for word in rare[position]:
            index[word].append(position)
    return found


def _similar_title(page: Identity, other: Identity, ratio: float) -> Problem:
    return Problem(
        Rule.NEAR_DUPLICATE_TITLE,
        page.title_line or page.line,
        f"This title is {ratio:.0%} like the title of {other.docname}: '{other.title}'. "
        "If both pages are the same paper, keep one; if they are different papers, you can "
        "ignore this warning.",
    )


def _rarest_words(titles: list[str], word_sets: list[frozenset[str]]) -> list[list[str]]:
    counts = Counter(word for word_set in word_sets for word in word_set)
    return [
        sorted(
            (word for word in word_set if counts[word] <= COMMON_WORD),
            key=lambda word: (counts[word], word),
        )[:RARE_WORDS]
        for word_set in word_sets
    ]


def _most_similar(
    titles: list[str], position: int, candidates: list[int]
) -> tuple[int, float] | None:
    """The earlier title most like this one (the first of equals), with its ratio."""
    best: tuple[int, float] | None = None
    title = titles[position]
    # difflib indexes its second sequence once; the candidates go in as the first.
    matcher = difflib.SequenceMatcher(None, "", title, autojunk=False)
    for earlier in candidates:
        other = titles[earlier]
        if other == title:
            ratio = 1.0
        elif 2 * min(len(other), len(title)) < TITLE_SIMILARITY * (len(other) + len(title)):
            continue  # difflib's real_quick_ratio, without building anything
        else:
            matcher.set_seq1(other)
            if matcher.quick_ratio() < TITLE_SIMILARITY:
                continue
            ratio = matcher.ratio()
        if ratio >= TITLE_SIMILARITY and (best is None or ratio > best[1]):
            best = (earlier, ratio)
    return best
