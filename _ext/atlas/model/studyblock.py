"""Split the text of a ``{study}`` block into options and sections.

This is plain line work on purpose: the Sphinx directive and the command-line
checker both call it, so a page means the same thing to each and every problem
carries the same file line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .rules import Problem, Rule
from .vocabulary import Vocabulary, suggest

# The value and heading text end at their last non-blank character. A lazy ``.*?`` before
# ``[ \t]*$`` says the same but takes time quadratic in a run of spaces (one line of a
# million spaces would hold a build for hours), so both are spelt with possessive runs.
OPTION_LINE = re.compile(
    r"^:(?P<name>[A-Za-z][\w-]*):(?:[ \t]+(?P<value>(?:[ \t]*+[^ \t\n])*+))?[ \t]*$"
)
HEADING_LINE = re.compile(
    r"^ {0,3}(?P<marks>#{1,6})"
    r"(?:[ \t]+(?P<text>(?:[^ \t\n]++|[ \t]++(?!(?:#++[ \t]*+)?$))*+))?"
    r"(?:[ \t]+#+)?[ \t]*$"
)
FENCE_LINE = re.compile(r"^ {0,3}(?P<fence>`{3,}|~{3,})")


@dataclass(frozen=True)
class OptionText:
    value: str
    line: int


@dataclass
class SectionText:
    key: str
    heading: str
    line: int
    #: The section body; ``lines[i]`` stands on file line ``first_line + i``.
    lines: list[str] = field(default_factory=list)
    first_line: int = 0

    @property
    def text(self) -> str:
        return "\n".join(self.lines).strip()

    @property
    def text_line(self) -> int:
        """The file line where the section's text starts."""
        blank = next((i for i, text in enumerate(self.lines) if text.strip()), 0)
        return self.first_line + blank


@dataclass
class StudyBlock:
    """What a ``{study}`` block says, before any value is checked."""

    line: int
    options: dict[str, OptionText] = field(default_factory=dict)
    sections: dict[str, SectionText] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    #: Headings that named no section, with their lines (a typo often hides a required one).
    unknown_headings: dict[str, int] = field(default_factory=dict)


def parse_block(lines: list[str], first_line: int, vocabulary: Vocabulary) -> StudyBlock:
    """Parse the lines inside a ``{study}`` fence; ``first_line`` is the file line of ``lines[0]``.

    The block opens with ``:name: value`` option lines; Markdown headings then
    start the sections named in the vocabulary.
    """
    block = StudyBlock(line=first_line - 1)
    index = _parse_options(lines, first_line, block)
    _parse_sections(lines[index:], first_line + index, block, vocabulary)
    return block


def _parse_options(lines: list[str], first_line: int, block: StudyBlock) -> int:
    """Read the option lines at the top; return the index of the first body line."""
    for index, text in enumerate(lines):
        line = first_line + index
        if not text.strip():
            continue
        if not text.startswith(":"):
            return index
        match = OPTION_LINE.match(text)
        if match is None:
            block.problems.append(
                Problem(
                    Rule.MALFORMED_OPTION,
                    line,
                    f"Cannot read this option line: {text.strip()!r}. "
                    "Write it as ':name: value', for example ':year: 2011'.",
                )
            )
            continue
        name, value = match["name"], (match["value"] or "").strip()
        if name in block.options:
            block.problems.append(
                Problem(
                    Rule.REPEATED_OPTION,
                    line,
                    f"Option ':{name}:' is given twice (first on line "
                    f"{block.options[name].line}). Keep one of them.",
                )
            )
            continue
        block.options[name] = OptionText(value, line)
    return len(lines)


def _parse_sections(
    lines: list[str], first_line: int, block: StudyBlock, vocabulary: Vocabulary
) -> None:
    by_heading = {_fold(section.label): section for section in vocabulary.sections}
    headings = [section.label for section in vocabulary.sections]
    current: SectionText | None = None
    fence: str | None = None
    for index, text in enumerate(lines):
        line = first_line + index
        fence_match = FENCE_LINE.match(text)
        if fence_match and (fence is None or fence_match["fence"].startswith(fence)):
            fence = None if fence else fence_match["fence"]
        heading = None if fence else HEADING_LINE.match(text)
        if heading is None:
            if current is not None:
                if not current.lines:
                    current.first_line = line
                current.lines.append(text)
            elif text.strip():
                block.problems.append(
                    Problem(
                        Rule.TEXT_OUTSIDE_SECTION,
                        line,
                        "Text must stand under a section heading. Put a heading such as "
                        f"'## {headings[0]}' above it.",
                    )
                )
            continue
        title = (heading["text"] or "").strip()
        section = by_heading.get(_fold(title))
        if section is None:
            hint = suggest(title, headings)
            block.problems.append(
                Problem(
                    Rule.UNKNOWN_SECTION,
                    line,
                    f"Unknown section heading {title!r}."
                    + (f" Did you mean '## {hint}'?" if hint else "")
                    + f" Sections are: {', '.join(headings)}.",
                )
            )
            block.unknown_headings.setdefault(title, line)
            current = _discarded(title, line)
            continue
        if section.key in block.sections:
            block.problems.append(
                Problem(
                    Rule.REPEATED_SECTION,
                    line,
                    f"Section '{section.label}' appears twice (first on line "
                    f"{block.sections[section.key].line}). Merge the two into one.",
                )
            )
            current = _discarded(title, line)
            continue
        current = SectionText(section.key, section.label, line, first_line=line + 1)
        block.sections[section.key] = current


def _discarded(heading: str, line: int) -> SectionText:
    """Collects the text under a rejected heading, so it is not reported a second time."""
    return SectionText("", heading, line)


def _fold(text: str) -> str:
    return " ".join(text.lower().split())
