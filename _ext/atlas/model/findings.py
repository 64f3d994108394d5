"""Structured findings: a bullet in "Observed findings" that says what was measured.

A finding starts with a bracket label, then the bullet text as usual::

    - [cpet-day2-vo2-peak: lower] On day 2, peak oxygen use fell by 13.8%.
    - [nk-cell-cytotoxicity: no difference | 20 ME/CFS; 20 healthy controls] ...

The label names a measure from the vocabulary's ``measures`` table and the
direction of the ME/CFS group against its comparison group; after a ``|`` it may
give the participants the finding covers, in the ``:participants:`` syntax. A
bullet without a label is a plain finding and stays valid. The build and
``atlas check`` both read findings here, so both report the same line.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from typing import NamedTuple

from .participants import ParticipantsError, parse_participants
from .rules import Problem, Rule
from .studyblock import FENCE_LINE, StudyBlock
from .vocabulary import Vocabulary

#: The four directions, in the order summaries list them.
DIRECTIONS = ("higher", "lower", "no difference", "mixed")
#: Other spellings that can only mean one direction; ``atlas check --fix`` writes the one above.
DIRECTION_SYNONYMS = {
    "higher": "higher",
    "increased": "higher",
    "increase": "higher",
    "elevated": "higher",
    "raised": "higher",
    "greater": "higher",
    "more": "higher",
    "up": "higher",
    "lower": "lower",
    "decreased": "lower",
    "decrease": "lower",
    "reduced": "lower",
    "less": "lower",
    "down": "lower",
    "fell": "lower",
    "no difference": "no difference",
    "no-difference": "no difference",
    "nodifference": "no difference",
    "no change": "no difference",
    "unchanged": "no difference",
    "same": "no difference",
    "similar": "no difference",
    "not different": "no difference",
    "no significant difference": "no difference",
    "mixed": "mixed",
    "inconsistent": "mixed",
}

#: A top-level bullet that opens with a bracket; ``(?!\()`` leaves Markdown links alone.
LABELLED_BULLET = re.compile(
    r"^(?P<lead> {0,3}[-*+][ \t]+)\[(?P<label>[^\[\]\n]*)\](?!\()(?P<rest>.*)$"
)
BULLET = re.compile(r"^ {0,3}[-*+](?:[ \t]|$)")
WORD = re.compile(r"[a-z0-9]+")


class Finding(NamedTuple):
    """One structured finding, as stored in the study record and exported."""

    measure: str
    direction: str
    #: The participants the finding covers, in standard spelling; "" for the whole study.
    participants: str
    #: The bullet's own text after the label, as written (Markdown).
    text: str
    #: The file line of the bullet.
    line: int


class Label(NamedTuple):
    """A bullet's label as read, before its parts are checked."""

    line: int
    column: int
    measure: str
    direction: str
    participants: str
    #: The bullet text after the label, continuation lines included.
    text: str
    #: The label exactly as written, brackets included.
    written: str


def labels(block: StudyBlock) -> Iterator[Label]:
    """Every bullet of "Observed findings" that opens with a ``[measure: direction]`` label.

    A bracket without a colon, or whose part before the colon holds spaces and
    is no measure name, is ordinary text: a plain bullet may open with a bracket.
    """
    section = block.sections.get("findings")
    if section is None:
        return
    fence: str | None = None
    lines = section.lines
    for index, text in enumerate(lines):
        fence_match = FENCE_LINE.match(text)
        if fence_match and (fence is None or fence_match["fence"].startswith(fence)):
            fence = None if fence else fence_match["fence"]
            continue
        if fence:
            continue
        match = LABELLED_BULLET.match(text)
        if match is None or ":" not in match["label"]:
            continue
        head, _, tail = match["label"].partition(":")
        if len(head.split()) > 5:
            continue
        direction, _, participants = tail.partition("|")
        rest = [match["rest"].strip()]
        for following in lines[index + 1 :]:
            if not following.strip() or BULLET.match(following):
                break
            rest.append(following.strip())
        yield Label(
            line=section.first_line + index,
            column=len(match["lead"]) + 1,
            measure=" ".join(head.split()),
            direction=" ".join(direction.split()),
            participants=" ".join(participants.split()),
            text=" ".join(part for part in rest if part),
            written=f"[{match['label']}]",
        )


def normal_direction(written: str) -> str | None:
    return DIRECTION_SYNONYMS.get(" ".join(written.lower().split()))


def normal_measure(written: str, vocabulary: Vocabulary) -> str | None:
    """The measure key a spelling can only mean: the key in any case or spacing, or its label."""
    folded = "-".join(WORD.findall(written.lower()))
    for measure in vocabulary.measures:
        if folded == measure.key or folded == "-".join(WORD.findall(measure.label.lower())):
            return measure.key
    return None


def measure_suggestions(written: str, vocabulary: Vocabulary, limit: int = 3) -> list[str]:
    """The closest measure keys: by spelling first, then by words of labels and definitions."""
    keys = [measure.key for measure in vocabulary.measures]
    folded = "-".join(WORD.findall(written.lower()))
    found = difflib.get_close_matches(folded, keys, n=limit, cutoff=0.6)
    words = set(WORD.findall(written.lower().replace("-", " ")))
    scored = []
    for measure in vocabulary.measures:
        vocabulary_words = set(
            WORD.findall(f"{measure.key} {measure.label} {measure.definition}".lower())
        )
        shared = len(words & vocabulary_words)
        if shared:
            scored.append((-shared, measure.key))
    for _, key in sorted(scored):
        if key not in found:
            found.append(key)
    return found[:limit]


def check_findings(
    block: StudyBlock, vocabulary: Vocabulary, design: str | None
) -> tuple[tuple[Finding, ...], list[Problem]]:
    """The structured findings of a page and the problems of its labels.

    A label whose measure or direction is only spelt differently (case,
    spaces, a synonym such as 'reduced') is reported with the spelling to
    write, which ``atlas check --fix`` writes, and still counts; one that names
    no measure or direction is left out of the record.
    """
    findings: list[Finding] = []
    problems: list[Problem] = []
    for label in labels(block):
        found = _check_label(label, vocabulary, design, problems)
        if found is not None:
            findings.append(found)
    return tuple(findings), problems


def _check_label(
    label: Label, vocabulary: Vocabulary, design: str | None, problems: list[Problem]
) -> Finding | None:
    measures = {measure.key for measure in vocabulary.measures}
    measure = label.measure if label.measure in measures else None
    direction = label.direction if label.direction in DIRECTIONS else None
    fixes: list[str] = []
    if measure is None:
        measure = normal_measure(label.measure, vocabulary)
        if measure is None:
            hints = measure_suggestions(label.measure, vocabulary)
            did_you_mean = f" Did you mean {' or '.join(repr(h) for h in hints)}?" if hints else ""
            problems.append(
                Problem(
                    Rule.UNKNOWN_MEASURE,
                    label.line,
                    f"Unknown measure {label.measure!r} in the label {label.written}."
                    f"{did_you_mean} Measures are listed under 'measures' in "
                    "source/vocabulary.yaml; add one there if none fits.",
                    label.column,
                )
            )
        else:
            fixes.append(f"the measure as {measure!r}")
    if direction is None:
        direction = normal_direction(label.direction)
        if direction is None:
            shown = f"{label.direction!r}" if label.direction else "nothing"
            problems.append(
                Problem(
                    Rule.UNKNOWN_DIRECTION,
                    label.line,
                    f"The label {label.written} gives {shown} as the direction. Write one of: "
                    f"{', '.join(DIRECTIONS)}, for example '[vo2-peak: lower]'.",
                    label.column,
                )
            )
        else:
            fixes.append(f"the direction as {direction!r}")
    participants = ""
    if label.participants:
        try:
            parsed = parse_participants(label.participants, design)
        except ParticipantsError as error:
            problems.append(
                Problem(
                    Rule.BAD_PARTICIPANTS,
                    label.line,
                    f"The participants in the label {label.written} cannot be read: {error}",
                    label.column,
                )
            )
        else:
            participants = parsed.written
            if participants != label.participants:
                fixes.append(f"the participants as {participants!r}")
    if fixes and measure is not None and direction is not None:
        problems.append(
            Problem(
                Rule.NONSTANDARD_SPELLING,
                label.line,
                f"Write {' and '.join(fixes)} in the label {label.written}: "
                f"[{written_label(measure, direction, participants)}]. "
                "'make fix' (or '.venv/bin/atlas check --fix') does this.",
                label.column,
            )
        )
    if measure is None or direction is None:
        return None
    return Finding(measure, direction, participants, label.text, label.line)


def written_label(measure: str, direction: str, participants: str = "") -> str:
    """A label's inside in its standard spelling, as ``--fix`` writes it."""
    return f"{measure}: {direction}" + (f" | {participants}" if participants else "")
