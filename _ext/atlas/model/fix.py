"""Safe rewrites for ``atlas check --fix``: layout and spelling only, never meaning.

Each rewrite has exactly one right answer (the bare DOI, the tag's key, the
options in FIELDS order), so a contributor can run it without reading the
diff first. Anything that needs judgement is left to the checker's messages.
"""

from __future__ import annotations

from dataclasses import dataclass

from .authors import NO_AUTHORS, is_no_authors
from .findings import labels, normal_direction, normal_measure, written_label
from .identifiers import clean_doi, clean_pmid
from .page import find_blocks
from .participants import ParticipantsError, parse_participants
from .record import FIELDS, FIELDS_BY_NAME, Field
from .studyblock import FENCE_LINE, HEADING_LINE, OPTION_LINE, parse_block
from .vocabulary import Vocabulary, tag_slug

ORDER = {spec.name: index for index, spec in enumerate(FIELDS)}


@dataclass(frozen=True)
class Change:
    """One rewrite, at its line in the file as it was before fixing."""

    line: int
    what: str


def fix_text(text: str, vocabulary: Vocabulary) -> tuple[str, list[Change]]:
    """The fixed text and what changed; fixing fixed text changes nothing."""
    lines = text.splitlines()
    changes = _strip_trailing_space(lines)
    block = next(find_blocks(lines), None)
    if block is not None:
        start, end = block
        body = _body_start(lines, start + 1, end)
        options, option_changes = _fix_options(lines[start + 1 : body], start + 2, vocabulary)
        headings = _fix_headings(lines, body, end, vocabulary)
        relabelled = _fix_finding_labels(lines, body, end, vocabulary)
        changes += option_changes + headings + relabelled
        lines[start + 1 : body] = options
    changes += _fix_file_end(text, lines)
    return "\n".join(lines) + "\n", sorted(changes, key=lambda change: change.line)


def _fix_file_end(text: str, lines: list[str]) -> list[Change]:
    """Plain newlines, and exactly one at the end of the file."""
    changes = []
    if "\r" in text:
        changes.append(Change(1, "turned Windows line endings into plain newlines"))
    blank_tail = 0
    while lines and not lines[-1]:
        lines.pop()
        blank_tail += 1
    if blank_tail or not text.endswith("\n"):
        changes.append(Change(len(lines), "made the file end with exactly one newline"))
    return changes


def _strip_trailing_space(lines: list[str]) -> list[Change]:
    stripped = [number for number, line in enumerate(lines, 1) if line != line.rstrip()]
    for index in range(len(lines)):
        lines[index] = lines[index].rstrip()
    if not stripped:
        return []
    shown = ", ".join(map(str, stripped[:10])) + (" ..." if len(stripped) > 10 else "")
    return [Change(stripped[0], f"removed spaces at the end of line(s) {shown}")]


def _body_start(lines: list[str], first: int, end: int) -> int:
    """Index of the first line after the options (the parser's rule: a line not starting ':')."""
    for index in range(first, end):
        if lines[index].strip() and not lines[index].startswith(":"):
            return index
    return end


def _fix_options(
    region: list[str], first_line: int, vocabulary: Vocabulary
) -> tuple[list[str], list[Change]]:
    """Clean every readable option line, and sort them when all of them are readable."""
    changes: list[Change] = []
    parsed: list[tuple[str, str, int]] = []
    rewritten = list(region)
    for index, text in enumerate(region):
        match = OPTION_LINE.match(text)
        if match is None:
            continue
        name, value = match["name"], match["value"] or ""
        cleaned = clean_value(FIELDS_BY_NAME.get(name), value, vocabulary)
        line = f":{name}: {cleaned}" if cleaned else f":{name}:"
        if cleaned != value.strip():
            changes.append(Change(first_line + index, f"':{name}:' {value!r} became {cleaned!r}"))
        rewritten[index] = line
        parsed.append((name, line, index))
    content = [text for text in region if text.strip()]
    names = [name for name, _, _ in parsed]
    if len(parsed) != len(content) or len(set(names)) != len(names):
        return rewritten, changes  # an unreadable or repeated option: keep the order as written
    ordered = sorted(parsed, key=lambda item: (ORDER.get(item[0], len(ORDER)), item[2]))
    result = [line for _, line, _ in ordered] + ([""] if region and not region[-1].strip() else [])
    if [name for name, _, _ in ordered] != names:
        changes.append(
            Change(first_line, "put the options in the standard order (as in _templates/study.md)")
        )
    return result, changes


def clean_value(spec: Field | None, value: str, vocabulary: Vocabulary) -> str:
    """The one right spelling of an option value, or the value with its spaces tidied."""
    if spec is None:
        return " ".join(value.split())
    if spec.kind == "doi":
        return clean_doi(value)
    if spec.kind == "pmid":
        return clean_pmid(value)
    if spec.kind == "names":
        names = [" ".join(name.split()) for name in value.split(";") if name.strip()]
        # "Unknown" or "Anonymous" alone means no named author; beside names, a person decides.
        if spec.name == "authors" and names and all(is_no_authors(name) for name in names):
            return NO_AUTHORS
        return "; ".join(names)
    if spec.name == "participants":
        return _standard_participants(value) or " ".join(value.split())
    if spec.table is None:
        return " ".join(value.split())
    keys = _keys_by_spelling(vocabulary, spec.table)
    items = [" ".join(item.split()) for item in value.split(",")] if spec.is_list else [value]
    result: list[str] = []
    for item in filter(None, (item.strip() for item in items)):
        key = keys.get(item.lower()) or keys.get(tag_slug(item))
        if key is None and spec.name == "tags":
            key = item.lower()
        if spec.name == "tags" and key is not None:
            key = vocabulary.replacement(key) or key
        if (key or item) not in result:
            result.append(key or item)
    return ", ".join(result)


def _keys_by_spelling(vocabulary: Vocabulary, table: str) -> dict[str, str]:
    """A term's key under every spelling that can only mean it: key, label, tag slug."""
    keys = {}
    for term in getattr(vocabulary, table):
        keys[term.label.lower()] = term.key
        keys[tag_slug(term.label)] = term.key
    for term in getattr(vocabulary, table):
        keys[term.key.lower()] = term.key
    return keys


def _fix_headings(lines: list[str], first: int, end: int, vocabulary: Vocabulary) -> list[Change]:
    """Known section headings become '## Heading' exactly, outside code fences."""
    labels = {_fold(section.label): section.label for section in vocabulary.sections}
    changes = []
    fence: str | None = None
    for index in range(first, end):
        text = lines[index]
        match = FENCE_LINE.match(text)
        if match and (fence is None or match["fence"].startswith(fence)):
            fence = None if fence else match["fence"]
            continue
        heading = None if fence else HEADING_LINE.match(text)
        if heading is None:
            continue
        label = labels.get(_fold(heading["text"] or ""))
        if label is not None and text != f"## {label}":
            lines[index] = f"## {label}"
            changes.append(Change(index + 1, f"heading {text.strip()!r} became '## {label}'"))
    return changes


def _standard_participants(written: str) -> str | None:
    """Participants in their standard spelling, or None when they cannot be read."""
    try:
        return parse_participants(written).written
    except ParticipantsError:
        return None


def _fix_finding_labels(
    lines: list[str], first: int, end: int, vocabulary: Vocabulary
) -> list[Change]:
    """Finding labels in standard spelling, when every part of the label can only mean one thing.

    ``[CPET day2 VO2 peak: Reduced]`` becomes ``[cpet-day2-vo2-peak: lower]``; a
    label with an unknown measure or direction is left for the checker to report.
    """
    block = parse_block(lines[first:end], first + 1, vocabulary)
    changes = []
    for label in labels(block):
        measure = normal_measure(label.measure, vocabulary)
        direction = normal_direction(label.direction)
        participants = _standard_participants(label.participants) if label.participants else ""
        if measure is None or direction is None or participants is None:
            continue
        standard = f"[{written_label(measure, direction, participants)}]"
        index = label.line - 1
        if standard != label.written:
            lines[index] = lines[index].replace(label.written, standard, 1)
            changes.append(Change(label.line, f"finding label {label.written} became {standard}"))
    return changes


def _fold(heading: str) -> str:
    """Headings compare without case or extra spaces, as the parser compares them."""
    return " ".join(heading.lower().split())
