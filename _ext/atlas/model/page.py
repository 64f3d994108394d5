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

from .record import Study
from .rules import Problem, Rule
from .slug import file_name_problems
from .studyblock import StudyBlock, parse_block
from .validate import check_block
from .vocabulary import Vocabulary

OPENING_FENCE = re.compile(r"^(?P<fence>`{3,}|~{3,}|:{3,})\{study\}\s*$")


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
    lines = text.splitlines()
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
    problems += file_name_problems(path.stem, result.study)
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
