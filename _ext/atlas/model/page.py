"""Read a whole study file without Sphinx: find its one ``{study}`` block and check it.

The command-line checker and the content tests use this; the Sphinx build sees
the same block through MyST and hands the same lines to the same parser.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .markup import LINE_END, control_character_problems
from .record import Study
from .rules import Problem, Rule
from .slug import file_name_problems, page_name
from .studyblock import StudyBlock, parse_block
from .validate import check_block
from .vocabulary import Vocabulary

#: MyST reads ``:::`` fences only with its colon_fence extension, which the atlas leaves
#: off; the build would render such a block as Markdown, so it is no study block here either.
OPENING_FENCE = re.compile(r"^(?P<fence>`{3,}|~{3,})\{study\}\s*$")
#: Characters where ``str.splitlines`` breaks a line but Markdown and editors do not. MyST
#: splits a directive's text with it, so a form feed would shift every later line number
#: (and cut an option in two); a study page reads each of them as a space.
HIDDEN_LINE_BREAKS = str.maketrans(dict.fromkeys("\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029", " "))
#: The longest page in the atlas is about 3,300 bytes. A page fifteen times that is a pasted
#: paper or a mistake, and reading it would slow every build and check.
MAX_PAGE_BYTES = 50_000


@dataclass
class StudyFile:
    path: Path
    study: Study | None = None
    block: StudyBlock | None = None
    problems: list[Problem] = field(default_factory=list)


def check_file(
    path: Path, text: str, vocabulary: Vocabulary, docname: str, today: datetime.date
) -> StudyFile:
    """Find the study block in ``text`` and check it; every problem has a file line.

    Besides the block's own rules this checks the file name against the study
    (the directive cannot: it sees the block, not the file).
    """
    result = StudyFile(path)
    too_large = size_problem(len(text.encode("utf-8", "surrogatepass")))
    if too_large is not None:
        result.problems.append(too_large)
        return result
    result.problems += control_character_problems(text)
    lines = page_lines(text)
    blocks = list(find_blocks(lines))
    if not blocks:
        result.problems.append(
            Problem(
                Rule.NO_STUDY_BLOCK,
                1,
                "This page is in studies/ but has no {study} block. Copy the layout "
                "from _templates/study.md.",
            )
        )
        return result
    for start, _ in blocks[1:]:
        result.problems.append(
            Problem(
                Rule.SEVERAL_STUDY_BLOCKS,
                start + 1,
                "A page holds one study; this is a second {study} block. "
                "Move it to a page of its own.",
            )
        )
    start, end = blocks[0]
    block = parse_block(lines[start + 1 : end], start + 2, vocabulary)
    block.line = start + 1
    result.block = block
    result.study, problems = check_block(block, vocabulary, docname, today)
    problems += file_name_problems(page_name(path.name), result.study)
    problems += outside_block_problems(lines, blocks)
    result.problems = sorted(problems + result.problems, key=lambda problem: problem.line)
    return result


def find_blocks(lines: list[str]) -> Iterator[tuple[int, int]]:
    """Yield (opening index, closing index) of each ``{study}`` fence."""
    index = 0
    while index < len(lines):
        match = OPENING_FENCE.match(lines[index])
        if match is None:
            index += 1
            continue
        fence = match["fence"]
        end = next(
            (
                i
                for i in range(index + 1, len(lines))
                if lines[i].strip().startswith(fence[0] * len(fence))
                and not lines[i].strip().strip(fence[0])
            ),
            len(lines),
        )
        yield index, end
        index = end + 1


def page_lines(text: str) -> list[str]:
    """The lines of a page as an editor numbers them, hidden line breaks made spaces."""
    lines = LINE_END.split(text.translate(HIDDEN_LINE_BREAKS))
    return lines[:-1] if lines and not lines[-1] else lines


def text_outside_blocks(lines: list[str], blocks: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """(first, last) line indexes of each run of non-blank lines outside the study blocks."""
    inside = [False] * len(lines)
    for start, end in blocks:
        inside[start : end + 1] = [True] * (min(end, len(lines) - 1) - start + 1)
    runs: list[tuple[int, int]] = []
    for index, text in enumerate(lines):
        if inside[index] or not text.strip():
            continue
        if runs and runs[-1][1] == index - 1:
            runs[-1] = (runs[-1][0], index)
        else:
            runs.append((index, index))
    return runs


def outside_block_problems(lines: list[str], blocks: list[tuple[int, int]]) -> list[Problem]:
    """Text before, between or after the study blocks: the site does not show it.

    MyST would render it unchecked (raw HTML, other directives, file includes), so
    the build drops it, and this rule says so where the text starts.
    """
    if not blocks:
        return []  # a page without a block gets NO_STUDY_BLOCK, which says it all
    problems = []
    for first, last in text_outside_blocks(lines, blocks):
        where = f"line {first + 1}" if first == last else f"lines {first + 1} to {last + 1}"
        problems.append(
            Problem(
                Rule.TEXT_OUTSIDE_BLOCK,
                first + 1,
                f"Text outside the {{study}} block ({where}) is not shown on the site. "
                "Move it into a section of the block, or delete it.",
            )
        )
    return problems


def size_problem(size: int) -> Problem | None:
    """A page over ``MAX_PAGE_BYTES`` is not read at all: it is reported at line 1."""
    if size <= MAX_PAGE_BYTES:
        return None
    return Problem(
        Rule.PAGE_TOO_LARGE,
        1,
        f"This page is {size:,} bytes; a study page may hold at most {MAX_PAGE_BYTES:,}. "
        "It is not read until it is shorter: summarise the study in your own words "
        "instead of pasting the paper.",
    )


def decode_page(data: bytes) -> tuple[str, None] | tuple[None, Problem]:
    """The text of a page file, or the problem at its first byte that is not UTF-8."""
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as error:
        before = data[: error.start]
        line_start = max(before.rfind(b"\n"), before.rfind(b"\r")) + 1
        line = len(page_lines(before.decode("utf-8-sig") + "x"))
        column = len(before[line_start:].decode("utf-8", "replace")) + 1
        bad = " ".join(f"0x{byte:02x}" for byte in data[error.start : error.end])
        return None, Problem(
            Rule.NOT_UTF8,
            line,
            f"This file is not UTF-8 text: {bad} at column {column} cannot be read. Save the "
            "file as UTF-8 in your editor; until then the site leaves the page out.",
            column,
        )
