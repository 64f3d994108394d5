"""A deterministic wording scanner: claims stronger than the study, and medical advice.

Both are warnings: a person decides. Causal or curative words are fine in a
negated sentence ("does not prove") or a question, and in the sections that
state limits and open questions, where they usually appear in that sense.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from .rules import Problem, Rule
from .studyblock import StudyBlock
from .vocabulary import Vocabulary

#: The policy: which designs, at which evidence levels, may use causal or curative words.
CAUSAL_WORDING_ALLOWED: dict[str, frozenset[str]] = {
    "rct": frozenset({"E0", "E1"}),
    "meta-analysis": frozenset({"E0", "E1"}),
}

#: Sections that state limits or open questions, where "cause" is usually denied or asked.
CAUSAL_EXEMPT_SECTIONS = frozenset({"limitations", "questions"})

CAUSAL_WORD = re.compile(r"\b(?:prov(?:e|es|ed|en|ing)|cur(?:e|es|ed|ing)|caus(?:es|ed|ing))\b")
#: What to write instead, by how the word found begins.
PLAINER = {"prov": "suggests", "cur": "improved", "caus": "is linked with"}
NEGATIONS = frozenset(
    {"not", "no", "never", "cannot", "can't", "doesn't", "don't", "didn't", "isn't", "wasn't",
     "aren't", "weren't", "won't", "without", "nor", "neither", "whether", "unproven",
     "unclear", "nothing"}
)  # fmt: skip
#: Words before "causes" that make it a noun ("the causes of fatigue").
NOUN_MARKERS = frozenset(
    {"the", "its", "their", "other", "possible", "many", "main", "known", "different",
     "several", "these", "those", "all", "multiple", "of", "two"}
)  # fmt: skip
SENTENCE_END = re.compile(r"[.!?](?=\s|$)|\n[ \t]*\n|\n[ \t]*[-*+][ \t]")

ADVICE = re.compile(
    "|".join(
        (
            r"\byou\s+(?:should|must|need\s+to|ought\s+to|have\s+to)\b",
            r"\b(?:patients|people|sufferers|readers|everyone|anyone)(?:\s+with\s+[\w/-]+)?\s+"
            r"(?:should|must|need\s+to|ought\s+to)\s+(?:not\s+)?(?:take|stop|start|try|avoid|use|"
            r"begin|increase|reduce|ask|see|get|do|exercise|rest|pace|switch|consider)\b",
            r"\b(?:we|i)\s+(?:would\s+)?(?:strongly\s+)?(?:recommend|advise|urge)\b",
            r"\bwe\s+suggest\s+(?:that\s+)?you\b",
            r"\b(?:ask|talk\s+to|speak\s+to|see)\s+your\s+(?:doctor|gp|physician|clinician)\b",
        )
    )
)


@dataclass(frozen=True)
class _Section:
    """A section's text joined into one string, with the file line of each line start."""

    key: str
    text: str
    starts: list[int]
    first_line: int

    def locate(self, offset: int) -> tuple[int, int]:
        """File line and 1-based column of a character offset."""
        index = bisect.bisect_right(self.starts, offset) - 1
        return self.first_line + index, offset - self.starts[index] + 1


def wording_problems(
    block: StudyBlock, vocabulary: Vocabulary, design: str | None, evidence: str | None
) -> list[Problem]:
    """Warnings for causal or curative words the design cannot carry, and for advice."""
    problems: list[Problem] = []
    allowed = evidence in CAUSAL_WORDING_ALLOWED.get(design or "", frozenset())
    for section in _sections(block):
        lowered = section.text.lower()
        if not allowed and section.key not in CAUSAL_EXEMPT_SECTIONS:
            for match in CAUSAL_WORD.finditer(lowered):
                if _is_claim(lowered, match):
                    line, column = section.locate(match.start())
                    problems.append(
                        Problem(
                            Rule.CAUSAL_WORDING,
                            line,
                            _causal_message(match[0], vocabulary, design, evidence),
                            column,
                        )
                    )
        for match in ADVICE.finditer(lowered):
            line, column = section.locate(match.start())
            phrase = " ".join(section.text[match.start() : match.end()].split())
            problems.append(
                Problem(
                    Rule.MEDICAL_ADVICE,
                    line,
                    f"'{phrase}' reads as medical advice, and the atlas does not advise "
                    "readers. Say what the study did or found instead, for example "
                    "'in this trial, people who rested ...'.",
                    column,
                )
            )
    return problems


def _sections(block: StudyBlock) -> list[_Section]:
    result = []
    for section in block.sections.values():
        starts, position = [], 0
        for text in section.lines:
            starts.append(position)
            position += len(text) + 1
        if section.lines:
            text = "\n".join(section.lines)
            result.append(_Section(section.key, text, starts, section.first_line))
    return result


def _is_claim(text: str, match: re.Match[str]) -> bool:
    """False for a negated sentence, a question, or 'causes' used as a noun."""
    ends = [end.end() for end in SENTENCE_END.finditer(text, 0, match.start())]
    start = ends[-1] if ends else 0
    after = SENTENCE_END.search(text, match.end())
    end = after.start() if after else len(text)
    if text[end : end + 1] == "?":
        return False
    before = re.findall(r"[a-z']+", text[start : match.start()].replace("\u2019", "'"))
    if NEGATIONS.intersection(before):
        return False
    is_noun = match[0] == "causes" and (
        (before and before[-1] in NOUN_MARKERS) or text.startswith(" of", match.end())
    )
    return not is_noun


def _causal_message(
    word: str, vocabulary: Vocabulary, design: str | None, evidence: str | None
) -> str:
    designs = vocabulary.table("designs")
    plainer = next(text for start, text in PLAINER.items() if word.startswith(start))
    if design in designs and evidence:
        this = f"this page is {designs[design].label} at {evidence}"
    else:
        this = "this page has no valid design and evidence level yet"
    return (
        f"'{word}' claims cause or cure. The atlas keeps such words for {_supported(vocabulary)}"
        f"; {this}. Say what was observed instead, for example '{plainer}'."
    )


def _supported(vocabulary: Vocabulary) -> str:
    """The policy table in words: 'RCT or Meta-Analysis pages at E0 or E1'."""
    designs = vocabulary.table("designs")
    by_levels: dict[frozenset[str], list[str]] = {}
    for key, levels in CAUSAL_WORDING_ALLOWED.items():
        by_levels.setdefault(levels, []).append(designs[key].label)
    return "; ".join(
        f"{' or '.join(labels)} pages at {' or '.join(sorted(levels))}"
        for levels, labels in by_levels.items()
    )


# -- certainty wording (GRADE) ----------------------------------------------------------

#: GRADE's four levels of certainty, weakest first, each with the phrase GRADE gives it
#: for stating a result (Santesso and others, J Clin Epidemiol 2020, guideline 26).
CERTAINTY_PHRASES = (
    ("very low", "the evidence is very uncertain about"),
    ("low", "may result in"),
    ("moderate", "likely results in"),
    ("high", "results in"),
)
#: The policy: the most certainty a study can carry, by evidence level, as an index into
#: CERTAINTY_PHRASES; designs that test a treatment by chance or pool studies earn one more.
CERTAINTY_BY_LEVEL = {"E0": 2, "E1": 2, "E2": 1, "E3": 0}
STRONG_DESIGNS = frozenset({"rct", "meta-analysis"})
#: Sections that state results: where a certainty phrase makes a claim.
CERTAINTY_SECTIONS = frozenset({"summary", "findings", "conclusions"})
CERTAINTY_PHRASE = re.compile(
    r"\b(?:(?P<very>very uncertain)|(?:(?P<hedge>may|might|could|likely|probably)\s+"
    r"(?:not\s+)?)?(?:results?|leads?)\s+in)\b"
)


def supported_certainty(design: str | None, evidence: str | None) -> int | None:
    """The highest GRADE certainty (index into CERTAINTY_PHRASES) a study supports."""
    if design is None or evidence not in CERTAINTY_BY_LEVEL:
        return None
    level = CERTAINTY_BY_LEVEL[evidence]
    if design in STRONG_DESIGNS and level >= 1:
        level += 1
    return level


def certainty_problems(
    block: StudyBlock, vocabulary: Vocabulary, design: str | None, evidence: str | None
) -> list[Problem]:
    """Advice where GRADE's wording claims more certainty than the study can carry.

    "results in" is GRADE's phrase for high certainty, "likely results in" for
    moderate, "may result in" for low and "very uncertain" for very low. An
    observational study at E2 supports low certainty at most, so "results in"
    on its page is advice to write "may result in" instead.
    """
    supported = supported_certainty(design, evidence)
    if supported is None:
        return []
    problems = []
    for section in _sections(block):
        if section.key not in CERTAINTY_SECTIONS:
            continue
        for match in CERTAINTY_PHRASE.finditer(section.text.lower()):
            claimed = _claimed_certainty(match)
            if claimed <= supported:
                continue
            line, column = section.locate(match.start())
            phrase = " ".join(match[0].split())
            name, wording = CERTAINTY_PHRASES[claimed][0], CERTAINTY_PHRASES[supported][1]
            designs = vocabulary.table("designs")
            what = designs[design].label if design in designs else design
            problems.append(
                Problem(
                    Rule.CERTAINTY_WORDING,
                    line,
                    f"'{phrase}' is GRADE's wording for {name} certainty, but this page is "
                    f"{what} at {evidence}, which supports "
                    f"{CERTAINTY_PHRASES[supported][0]} certainty at most. Write "
                    f"'{wording}' instead.",
                    column,
                )
            )
    return problems


def _claimed_certainty(match: re.Match[str]) -> int:
    if match["very"]:
        return 0
    hedge = match["hedge"]
    if hedge in ("may", "might", "could"):
        return 1
    if hedge in ("likely", "probably"):
        return 2
    return 3
