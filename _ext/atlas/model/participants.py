"""Who took part in a study, as a contributor writes it and as readers and data see it.

A page states its participants in one option, parts separated by semicolons::

    :participants: 22 ME/CFS; 10 healthy controls
    :participants: 60 ME/CFS; 15 other illness (multiple sclerosis)
    :participants: 22 ME/CFS; no comparison group
    :participants: 14 studies pooled; 1,500 ME/CFS

A structured finding may carry the same syntax for the part of the study it
covers (:mod:`atlas.model.findings`). Parsing is plain string work, shared by the
build and ``atlas check``, so both report the same line and words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .rules import Problem, Rule
from .vocabulary import ParticipantRules, Vocabulary, suggest

ME_CFS = "me-cfs"
HEALTHY = "healthy-controls"
OTHER_ILLNESS = "other-illness"
POOLED = "studies-pooled"
NO_COMPARISON = "no comparison group"

#: Every kind of group, as the open data names them.
KINDS = (ME_CFS, HEALTHY, OTHER_ILLNESS, POOLED)
#: How each kind is written in the option (the one spelling ``--fix`` writes).
WRITTEN = {
    ME_CFS: "ME/CFS",
    HEALTHY: "healthy controls",
    OTHER_ILLNESS: "other illness",
    POOLED: "studies pooled",
}
#: Other spellings that can only mean one kind; ``atlas check --fix`` writes the one above.
SYNONYMS = {
    "me/cfs": ME_CFS,
    "me-cfs": ME_CFS,
    "mecfs": ME_CFS,
    "me": ME_CFS,
    "cfs": ME_CFS,
    "cfs/me": ME_CFS,
    "me/cfs patients": ME_CFS,
    "people with me/cfs": ME_CFS,
    "patients with me/cfs": ME_CFS,
    "patients": ME_CFS,
    "healthy controls": HEALTHY,
    "healthy control": HEALTHY,
    "healthy people": HEALTHY,
    "healthy volunteers": HEALTHY,
    "healthy participants": HEALTHY,
    "hc": HEALTHY,
    "other illness": OTHER_ILLNESS,
    "other illnesses": OTHER_ILLNESS,
    "studies pooled": POOLED,
    "pooled studies": POOLED,
    "studies": POOLED,
}
NO_COMPARISON_SPELLINGS = frozenset(
    {"no comparison group", "no comparison", "no control group", "no controls", "none"}
)
#: Designs that pool or weigh earlier studies; only they may count "studies pooled".
POOLING_DESIGNS = frozenset({"meta-analysis", "systematic-review", "review", "guideline"})

#: A count: digits, optionally grouped in thousands with commas ("1,500").
COUNT = re.compile(r"(?P<count>[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:[ \t]+(?P<kind>.*))?")
OTHER = re.compile(r"(?P<kind>[^()]*?)[ \t]*\((?P<illness>[^()]*)\)")


@dataclass(frozen=True)
class Group:
    """One group of participants: its kind, how many, and for another illness, which."""

    kind: str
    count: int
    illness: str = ""

    @property
    def written(self) -> str:
        name = WRITTEN[self.kind]
        if self.kind == OTHER_ILLNESS:
            name += f" ({self.illness})"
        return f"{self.count:,} {name}"

    @property
    def in_words(self) -> str:
        """'22 people with ME/CFS', '1 healthy control', '15 people with multiple sclerosis'."""
        count = f"{self.count:,}"
        one = self.count == 1
        if self.kind == ME_CFS:
            return f"{count} {'person' if one else 'people'} with ME/CFS"
        if self.kind == HEALTHY:
            return f"{count} healthy control{'' if one else 's'}"
        if self.kind == POOLED:
            return f"{count} stud{'y' if one else 'ies'} pooled"
        return f"{count} {'person' if one else 'people'} with {self.illness}"


@dataclass(frozen=True)
class Participants:
    """A study's (or a finding's) participants, checked."""

    groups: tuple[Group, ...]
    no_comparison: bool = False

    def count(self, kind: str) -> int | None:
        return next((group.count for group in self.groups if group.kind == kind), None)

    @property
    def me_cfs(self) -> int | None:
        return self.count(ME_CFS)

    @property
    def studies_pooled(self) -> int | None:
        return self.count(POOLED)

    @property
    def written(self) -> str:
        """The option's value in its one standard spelling."""
        parts = [group.written for group in self.groups]
        if self.no_comparison:
            parts.append(NO_COMPARISON)
        return "; ".join(parts)

    @property
    def in_words(self) -> str:
        """For readers: '22 people with ME/CFS, 10 healthy controls'."""
        parts = [group.in_words for group in self.groups]
        if self.no_comparison:
            parts.append(NO_COMPARISON)
        return ", ".join(parts)


class ParticipantsError(ValueError):
    """What is wrong with a participants text, said as the fix."""


def parse_participants(text: str, design: str | None = None) -> Participants:
    """Read a participants text; raise :class:`ParticipantsError` with the fix.

    ``design`` is the study's design when known: "studies pooled" is refused
    on a primary study.
    """
    groups: list[Group] = []
    no_comparison = False
    for raw in text.split(";"):
        part = " ".join(raw.split())
        if not part:
            continue
        if part.lower() in NO_COMPARISON_SPELLINGS:
            if no_comparison:
                raise ParticipantsError("'no comparison group' is written twice; keep one.")
            no_comparison = True
            continue
        groups.append(_group(part))
    if not groups:
        raise ParticipantsError(
            "No group is given. Write the number and kind of each group, for example "
            "'22 ME/CFS; 10 healthy controls'."
        )
    kinds = [group.kind for group in groups]
    for kind in (ME_CFS, HEALTHY, POOLED):
        if kinds.count(kind) > 1:
            raise ParticipantsError(
                f"'{WRITTEN[kind]}' is given {kinds.count(kind)} times. Give each kind once, "
                "with the total; a finding on part of the study carries its own numbers."
            )
    comparisons = [group for group in groups if group.kind in (HEALTHY, OTHER_ILLNESS)]
    if no_comparison and comparisons:
        raise ParticipantsError(
            f"'no comparison group' contradicts '{comparisons[0].written}'. Keep the one "
            "that is true."
        )
    if POOLED in kinds and design is not None and design not in POOLING_DESIGNS:
        raise ParticipantsError(
            "'studies pooled' is for reviews and meta-analyses, but this study's design is "
            f"'{design}'. Count the people who took part instead, such as '22 ME/CFS'."
        )
    return Participants(tuple(groups), no_comparison)


def _group(part: str) -> Group:
    match = COUNT.fullmatch(part)
    if match is None:
        if part[:1].isdigit():
            raise ParticipantsError(
                f"Cannot read the number in {part!r}. Write digits, with commas for thousands "
                "if you like: '1,500 ME/CFS'."
            )
        kind = _kind(part, strict=False)
        example = f"'22 {WRITTEN[kind]}'" if kind else "'22 ME/CFS'"
        raise ParticipantsError(
            f"{part!r} has no number. Put how many people (or studies) first, such as {example}."
        )
    count = int(match["count"].replace(",", ""))
    if match["kind"] is None:
        raise ParticipantsError(
            f"'{match['count']}' has no kind. Say who they are: '{match['count']} ME/CFS', "
            f"'{match['count']} healthy controls' or '{match['count']} other illness (name)'."
        )
    if count == 0:
        raise ParticipantsError(
            f"{part!r} counts nobody. Leave the group out, or write 'no comparison group'."
        )
    written = match["kind"]
    other = OTHER.fullmatch(written)
    if other is not None and _kind(other["kind"], strict=True) == OTHER_ILLNESS:
        illness = " ".join(other["illness"].split())
        if not illness:
            raise ParticipantsError(
                "Name the other illness in the brackets, such as '15 other illness "
                "(multiple sclerosis)'."
            )
        return Group(OTHER_ILLNESS, count, illness)
    kind = _kind(written, strict=True)
    if kind == OTHER_ILLNESS:
        raise ParticipantsError(
            f"Name the other illness in brackets: '{count:,} other illness (multiple sclerosis)'."
        )
    if kind is None:
        hint = _kind(written, strict=False)
        did_you_mean = f" Did you mean '{WRITTEN[hint]}'?" if hint else ""
        raise ParticipantsError(
            f"Unknown kind of participant {written!r}.{did_you_mean} Kinds are: ME/CFS, "
            "healthy controls, other illness (name), studies pooled; or the part "
            "'no comparison group'."
        )
    return Group(kind, count)


def _kind(written: str, strict: bool) -> str | None:
    """The kind a spelling means; when not ``strict``, the closest kind to a misspelling."""
    folded = " ".join(written.lower().split())
    if folded in SYNONYMS:
        return SYNONYMS[folded]
    if strict:
        return None
    close = suggest(folded, list(SYNONYMS))
    return SYNONYMS[close] if close else None


@lru_cache(maxsize=4096)
def participants_of(text: str | None) -> Participants | None:
    """The participants of a checked record's text (valid by then); None when not stated."""
    if not text:
        return None
    try:
        return parse_participants(text)
    except ParticipantsError:
        return None


def size_band(count: int | None, rules: ParticipantRules) -> str | None:
    """The browse page's size band for a number of people with ME/CFS: '20-49', '500+'."""
    if count is None:
        return None
    bands = rules.size_bands
    start = max((bound for bound in bands if bound <= count), default=None)
    if start is None:
        return None
    later = [bound for bound in bands if bound > start]
    return f"{start}-{later[0] - 1}" if later else f"{start}+"


def size_band_label(band: str) -> str:
    """A size band in words: 'Fewer than 20', '20 to 49', '500 or more'."""
    if band.endswith("+"):
        return f"{int(band[:-1]):,} or more people with ME/CFS"
    start, end = (int(bound) for bound in band.split("-"))
    if start <= 1:
        return f"Fewer than {end + 1:,} people with ME/CFS"
    return f"{start:,} to {end:,} people with ME/CFS"


def size_bands(rules: ParticipantRules) -> list[str]:
    """Every band, smallest first."""
    return [band for bound in rules.size_bands if (band := size_band(bound, rules))]


#: The method flag whose meaning the participant numbers can check.
SMALL_SAMPLE_TAG = "method-flag-small-sample"


def check_participants(
    written: str, line: int, design: str | None, tags: tuple[str, ...], vocabulary: Vocabulary
) -> tuple[str | None, list[Problem]]:
    """The ``:participants:`` option in standard spelling (None if unreadable), and its problems.

    Besides the syntax, the page's "Small Sample" flag is compared with the
    number of people with ME/CFS, against the one threshold the vocabulary sets.
    """
    try:
        parsed = parse_participants(written, design)
    except ParticipantsError as error:
        return None, [
            Problem(Rule.BAD_PARTICIPANTS, line, f"':participants:' cannot be read: {error}")
        ]
    problems = []
    if parsed.written != written:
        problems.append(
            Problem(
                Rule.NONSTANDARD_SPELLING,
                line,
                f"Write ':participants: {parsed.written}'. 'make fix' (or "
                f"'.venv/bin/atlas check --fix') does this; got {written!r}.",
            )
        )
    people = parsed.me_cfs
    below = vocabulary.participant_rules.small_sample_below
    if people is not None and SMALL_SAMPLE_TAG in vocabulary.table("tags"):
        flagged = SMALL_SAMPLE_TAG in tags
        if flagged and people >= below:
            problems.append(
                Problem(
                    Rule.SMALL_SAMPLE_MISMATCH,
                    line,
                    f"The page has the 'Small Sample' flag, but {people:,} people with ME/CFS "
                    f"took part; the atlas calls a study small below {below}. Check the number, "
                    f"or remove '{SMALL_SAMPLE_TAG}' from ':tags:'.",
                )
            )
        elif not flagged and people < below:
            problems.append(
                Problem(
                    Rule.SMALL_SAMPLE_MISMATCH,
                    line,
                    f"Only {people:,} people with ME/CFS took part, fewer than {below}, the "
                    f"atlas's line for a small study. Add '{SMALL_SAMPLE_TAG}' to ':tags:', or "
                    "check the number.",
                )
            )
    return parsed.written, problems
