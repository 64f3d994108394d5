"""The vocabulary keys closest to an unknown value, by meaning as well as by spelling.

Spelling alone misleads: ``symptom-pem`` is closest in letters to
``symptom-pain``, and ``topic-diagnosis`` to ``topic-metabolism``. A
contributor who writes a key from memory usually gets a word of its label or
definition right, or an abbreviation the vocabulary lists among a term's
``matches`` (PEM, CBT, Long COVID). So each term is scored by the words it
shares with the value (rare words count more than words many terms share,
such as a family name), plus how alike the two are spelt.
"""

from __future__ import annotations

import difflib
import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from functools import lru_cache

from .vocabulary import Design, Tag, Term

WORD = re.compile(r"[a-z0-9]+")
#: Words too common in definitions to say anything about a term.
STOP_WORDS = frozenset(
    {"a", "an", "and", "as", "at", "by", "for", "from", "in", "is", "it", "of", "on", "or",
     "the", "to", "with", "without", "that", "this", "their", "they", "how", "such", "me",
     "cfs", "study", "studies", "people"}
)  # fmt: skip
#: Words that share this many first letters count as one ("diagnose", "diagnosis").
STEM = 6
#: Below this score a term is not offered: it shares no telling word and is spelt unlike.
THRESHOLD = 0.6


def words(text: str) -> set[str]:
    """The telling words of a text, in lower case, each also as its stem."""
    found = {word for word in WORD.findall(text.lower()) if word not in STOP_WORDS}
    return found | {word[:STEM] for word in found if len(word) > STEM}


def term_words(term: Term) -> set[str]:
    """Everything a contributor might remember of a term: key, label, definition, synonyms."""
    parts = [term.key.replace("-", " "), term.label, term.definition]
    if isinstance(term, Tag | Design):
        parts += [*term.matches, *(mesh.name for mesh in term.mesh)]
    return words(" ".join(parts))


@lru_cache(maxsize=32)
def _index(terms: tuple[Term, ...]) -> tuple[tuple[set[str], ...], dict[str, float]]:
    """Each term's words, and how telling each word is (inverse document frequency)."""
    per_term = tuple(term_words(term) for term in terms)
    counts = Counter(word for found in per_term for word in found)
    weight = {word: math.log(1 + len(terms) / count) for word, count in counts.items()}
    return per_term, weight


def closest(value: str, terms: Iterable[Term], limit: int = 3) -> list[Term]:
    """Up to ``limit`` terms nearest to ``value``, nearest first; an exact label comes first."""
    pool = tuple(terms)
    wanted = value.strip().lower()
    exact = [term for term in pool if wanted in (term.label.lower(), term.key.lower())]
    per_term, weight = _index(pool)
    asked = words(value)
    scored: list[tuple[float, int, Term]] = []
    for position, (term, known) in enumerate(zip(pool, per_term, strict=True)):
        shared = sum(weight.get(word, 0.0) for word in asked & known)
        spelling = max(
            difflib.SequenceMatcher(None, wanted, term.key.lower()).ratio(),
            difflib.SequenceMatcher(None, wanted, term.label.lower()).ratio(),
        )
        score = shared + 2 * spelling
        if score >= THRESHOLD + 1 and term not in exact:
            scored.append((score, position, term))
    scored.sort(key=lambda item: (-item[0], item[1]))
    return [*exact, *(term for _, _, term in scored)][:limit]


def described(terms: Sequence[Term], with_label: bool) -> str:
    """Terms as a message lists them: 'key' (Label), ..."""
    return ", ".join(
        f"'{term.key}'" + (f" ({term.label})" if with_label and term.label != term.key else "")
        for term in terms
    )
