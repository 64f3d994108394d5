"""Markup a study page may not hold: raw HTML, unsafe links, unfilled scaffold prompts, and
control characters.

A study page is Markdown written by volunteers and shown to everyone, so
anything that reaches the browser unfiltered is refused, and pages from
``atlas new`` are refused until every prompt is replaced.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

from .rules import Problem, Rule
from .studyblock import FENCE_LINE, StudyBlock

#: The word ``atlas new`` puts in every prompt; the checker flags it until it is replaced.
PROMPT_MARKER = "FILL IN"
PROMPT = re.compile(rf"\b{PROMPT_MARKER}\b")
HTML_START = re.compile(r"<(?:!--|/?[A-Za-z][A-Za-z0-9-]*(?=[\s/>]|$)|\?|![A-Za-z])")
#: A code span opens with a whole run of backticks (as in CommonMark); starting inside a
#: run made a line of backticks take quadratic time.
CODE_SPAN = re.compile(r"(?<!`)(`+)(?!`).*?(?<!`)\1(?!`)")
LINK_TARGETS = (
    re.compile(r"\]\(\s*<?(?P<url>[^\s)>]*)"),  # [text](url)
    re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?(?P<url>\S+?)>?\s*$"),  # [label]: url
    re.compile(r"<(?P<url>[A-Za-z][A-Za-z0-9+.\-]*:[^\s<>]*)>"),  # <scheme:...>
)
UNSAFE_SCHEMES = ("javascript:", "vbscript:", "data:")
#: Links in study text leave the site: the page's own folder is not the reader's.
FULL_ADDRESS = re.compile(r"^(?:https?://[^\s/]|mailto:)", re.IGNORECASE)
MAY_HOLD_MARKUP = re.compile(r"<|\]\(|\]:|^\s{0,3}[`~]{3}")
#: Fenced blocks whose content MyST passes through as raw output.
RAW_FENCES = re.compile(r"\{(?:raw|eval-rst)\}")
#: Line ends as Sphinx and editors see them.
LINE_END = re.compile(r"\r\n?|\n")
#: C0 controls but tab (lines are split at line ends before this), DEL and C1 controls:
#: invisible in an editor, forbidden in XML feeds, and read as commands by terminals.
CONTROL = "\x00-\x08\x0b-\x1f\x7f-\x9f"
#: Bidirectional embeddings, overrides (U+202A-U+202E) and isolates (U+2066-U+2069). Left
#: open, they reverse or reorder everything after them on a line, in every index row and
#: feed reader that shows the title, so text can read differently from what it says. The
#: Unicode bidirectional algorithm orders Arabic and Hebrew text without them; the plain
#: marks U+200E, U+200F and U+061C that mixed text sometimes needs stay allowed.
DIRECTION_CONTROL = "\u202a-\u202e\u2066-\u2069"
FORBIDDEN_CHARACTER = re.compile(f"[{CONTROL}{DIRECTION_CONTROL}]")
DIRECTION_CHARACTER = re.compile(f"[{DIRECTION_CONTROL}]")


#: ASCII punctuation that starts Markdown or MyST syntax: emphasis, code, links, images,
#: HTML and entities, headings, tables, roles (``{doc}``), substitutions and maths.
MARKDOWN_SYNTAX = re.compile(r"([\\`*_\[\]<>#|{}$&!~])")


def markdown_literal(text: str) -> str:
    """``text`` escaped so that Markdown shows it as written.

    For words the build puts into the Markdown it generates (vocabulary labels in
    generated page headings and finding labels): they come from a file maintainers
    edit, and a label holding ``{doc}`` or ``<b>`` must read as those characters.
    """
    return MARKDOWN_SYNTAX.sub(r"\\\1", text)


@dataclass(frozen=True)
class TextLine:
    """One line of a study block as written: option values start after ':name: '."""

    line: int
    text: str
    #: Column of ``text[0]`` in the file line, minus one.
    offset: int = 0
    #: True inside a fenced code block, whose text is shown as it is.
    in_code: bool = False


def block_lines(block: StudyBlock) -> Iterator[TextLine]:
    """Every option value and section line of the block, marking fenced code."""
    for name, option in block.options.items():
        yield TextLine(option.line, option.value, offset=len(name) + 3)
    for section in block.sections.values():
        fence: str | None = None
        for index, text in enumerate(section.lines):
            match = FENCE_LINE.match(text)
            marker = match["fence"] if match else None
            is_fence = marker is not None and (fence is None or marker.startswith(fence))
            yield TextLine(section.first_line + index, text, in_code=fence is not None)
            if is_fence:
                fence = None if fence else marker


def markup_problems(block: StudyBlock) -> list[Problem]:
    """Raw HTML, javascript:/vbscript:/data: links and leftover prompts, each at its column."""
    problems: list[Problem] = []
    for text_line in block_lines(block):
        if PROMPT_MARKER in text_line.text:
            problems += _prompt(text_line)
        # Most lines hold no '<' and no link; skipping them keeps 6,000 pages fast.
        if text_line.in_code or not MAY_HOLD_MARKUP.search(text_line.text):
            continue
        problems += _raw_html(text_line)
        problems += _unsafe_links(text_line)
    return problems


def control_character_problems(text: str) -> list[Problem]:
    """Control characters and direction overrides anywhere in a page, one problem per line.

    ``text`` is the file as written: characters that some tools take for line
    breaks (form feed, U+0085) are reported here, at the column where they
    stand, before the page is read as Markdown. Lines are counted at line ends
    only, as editors count them.
    """
    if FORBIDDEN_CHARACTER.search(text) is None:
        return []  # nearly every page: one scan of the text, no splitting
    problems = []
    for number, line in enumerate(LINE_END.split(text), 1):
        found = FORBIDDEN_CHARACTER.findall(line)
        if not found:
            continue
        character = found[0]
        column = line.index(character) + 1
        code = f"U+{ord(character):04X}"
        name = unicodedata.name(character, "")
        more = f" (and {len(found) - 1} more on this line)" if len(found) > 1 else ""
        if DIRECTION_CHARACTER.fullmatch(character):
            what = (
                f"the text-direction control {code} {name}".rstrip() + f"{more}, which reorders "
                "the text after it wherever it is shown. Arabic or Hebrew text needs no such "
                "control"
            )
        else:
            what = (
                f"the invisible control character {code}{more}, which web feeds cannot carry "
                "and editors do not show"
            )
        problems.append(
            Problem(
                Rule.CONTROL_CHARACTER,
                number,
                f"Column {column} holds {what}. Delete it (retype the text around it if "
                "your editor does not show it).",
                column,
            )
        )
    return problems


def _prompt(text_line: TextLine) -> list[Problem]:
    match = PROMPT.search(text_line.text)
    if match is None:
        return []
    return [
        Problem(
            Rule.UNFILLED_PROMPT,
            text_line.line,
            f"This line still holds a '{PROMPT_MARKER}' prompt from `atlas new`. Replace the "
            "prompt with your own words, or delete an optional section you leave empty.",
            text_line.offset + match.start() + 1,
        )
    ]


def _raw_html(text_line: TextLine) -> list[Problem]:
    fence = FENCE_LINE.match(text_line.text)
    if fence is not None and RAW_FENCES.search(text_line.text, fence.end()):
        return [
            Problem(
                Rule.RAW_HTML,
                text_line.line,
                "A {raw} or {eval-rst} block passes its text straight into the web page. "
                "Remove the block and write its content as plain Markdown.",
                text_line.offset + fence.end() + 1,
            )
        ]
    masked = CODE_SPAN.sub(lambda span: " " * len(span[0]), text_line.text)
    match = HTML_START.search(masked)
    if match is None:
        return []
    close = text_line.text.find(">", match.start())
    if 0 <= close - match.start() < 30:
        snippet = text_line.text[match.start() : close + 1]
    else:
        snippet = text_line.text[match.start() : match.start() + 12] + "..."
    return [
        Problem(
            Rule.RAW_HTML,
            text_line.line,
            f"Raw HTML ({snippet}) is not allowed on a study page. Use Markdown instead: "
            "**bold**, *italic*, [words](https://address) for a link. For a less-than sign, "
            "write 'less than' or put a space after '<'.",
            text_line.offset + match.start() + 1,
        )
    ]


def _unsafe_links(text_line: TextLine) -> list[Problem]:
    masked = CODE_SPAN.sub(lambda span: " " * len(span[0]), text_line.text)
    problems = []
    seen: set[int] = set()
    for pattern in LINK_TARGETS:
        for match in pattern.finditer(masked):
            if match.start("url") in seen:
                continue
            seen.add(match.start("url"))
            scheme = _scheme(match["url"])
            if scheme is None:
                if not FULL_ADDRESS.match(match["url"]):
                    problems.append(
                        Problem(
                            Rule.RELATIVE_LINK,
                            text_line.line,
                            "A link in a study page must be a full address that starts with "
                            "https://. To point to another study, use a lineage option such "
                            "as ':follows-up: page-name'.",
                            text_line.offset + match.start("url") + 1,
                        )
                    )
                continue
            problems.append(
                Problem(
                    Rule.UNSAFE_LINK,
                    text_line.line,
                    f"A '{scheme}' link can run code or hide content in a reader's browser. "
                    "Link to the paper or a source with an https:// address instead.",
                    text_line.offset + match.start("url") + 1,
                )
            )
    return problems


def _scheme(url: str) -> str | None:
    """The unsafe scheme a link target uses, seen the way a browser reads it."""
    plain = "".join(c for c in html.unescape(url) if ord(c) > 32 and ord(c) != 127).lower()
    return next((scheme for scheme in UNSAFE_SCHEMES if plain.startswith(scheme)), None)
