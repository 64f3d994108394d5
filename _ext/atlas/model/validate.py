"""Check a parsed study block against the record schema and the vocabulary.

The JSON Schema from :mod:`atlas.model.record` does the value checks; this
module turns each schema error into a located, plain-language problem that
names the allowed values, and adds the rules that span several fields or
need today's date.
"""

from __future__ import annotations

import datetime
from functools import lru_cache
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from .authors import NO_AUTHORS, is_no_authors
from .closest import closest, described
from .findings import check_findings
from .identifiers import (
    DOI_PREFIX,
    TRAILING_PUNCTUATION,
    clean_doi,
    clean_pmid,
    doi_key,
    invisible_characters,
    is_invisible,
    isbn_key,
    pmid_key,
)
from .markup import markup_problems
from .participants import check_participants
from .record import (
    EARLIEST_YEAR,
    FIELDS,
    FIELDS_BY_NAME,
    IDENTIFYING,
    Field,
    Study,
    study_schema,
)
from .rules import Problem, Rule
from .studyblock import StudyBlock
from .vocabulary import Vocabulary, keyed, suggest
from .wording import certainty_problems, wording_problems

LIST_MARKERS = ("- ", "* ", "+ ")
ASCII_DIGITS = frozenset("0123456789")
#: Longer runs of digits stay text for the schema to refuse: ``int`` refuses more than
#: 4,300 digits with an error of its own.
MAX_YEAR_DIGITS = 9


def today() -> datetime.date:
    """The date every rule about "today" uses, in ``atlas check`` and in the build alike.

    The machine's local date: a contributor's ``:updated:`` is the date on their
    own calendar. A reproducible build's ``SOURCE_DATE_EPOCH`` is not used: it is
    often the time of the last commit or even 0, which would put pages written
    since then in the future.
    """
    return datetime.date.today()


def check_block(
    block: StudyBlock, vocabulary: Vocabulary, docname: str, today: datetime.date
) -> tuple[Study, list[Problem]]:
    """Return the study with every valid value, and the problems of the rest."""
    problems = list(block.problems)
    values: dict[str, Any] = {}
    lines: dict[str, int] = {}
    skipped: set[str] = set()
    for name, option in block.options.items():
        spec = FIELDS_BY_NAME.get(name)
        if spec is None:
            hint = suggest(name, list(FIELDS_BY_NAME))
            problems.append(
                Problem(
                    Rule.UNKNOWN_OPTION,
                    option.line,
                    f"Unknown option ':{name}:'."
                    + (f" Did you mean ':{hint}:'?" if hint else "")
                    + f" Options are: {', '.join(FIELDS_BY_NAME)}.",
                )
            )
            continue
        value = _coerce(spec, option.value)
        if spec.kind in ("doi", "pmid"):
            value, unclean = _clean_identifier(spec, option.value, option.line)
            problems += unclean
        if value in ("", []):
            skipped.add(name)
            problems.append(
                Problem(
                    Rule.EMPTY_FIELD,
                    option.line,
                    f"Option ':{name}:' is empty. Fill it in, for example "
                    f"':{name}: {spec.example}'.",
                )
            )
            continue
        values[name] = value
        lines[name] = option.line

    if "tags" in values:
        values["tags"], renamed = _renamed_tags(values["tags"], lines["tags"], vocabulary)
        problems += renamed
    invalid: set[str] = set()
    missing: set[str] = set()
    explainer = _Explainer(vocabulary, today.year, lines, block.line)
    explained: dict[Problem, None] = {}
    for error in _validator(vocabulary, today.year).iter_errors(values):
        if error.validator == "required":
            missing.update(n for n in error.validator_value if n not in values)
            continue
        problem = explainer.explain(error)
        if problem is not None:
            explained[problem] = None  # a date breaks its pattern and its format: say it once
            invalid.add(error.absolute_path[0] if error.absolute_path else "")
    problems += explained
    for name in sorted(missing - skipped, key=list(FIELDS_BY_NAME).index):
        spec = FIELDS_BY_NAME[name]
        problems.append(
            Problem(
                Rule.MISSING_FIELD,
                block.line,
                f"The study has no ':{name}:' option. Add a line such as "
                f"':{name}: {spec.example}' below the opening line.",
            )
        )
    if not set(IDENTIFYING) & (set(values) | skipped):
        problems.append(
            Problem(
                Rule.MISSING_IDENTIFIER,
                block.line,
                "The study needs a ':doi:' or a ':pmid:' (or both) so readers can find "
                "the paper, for example ':doi: 10.1017/S1352465810000792'. A paper with "
                "neither gets ':isbn:', ':report:' or ':paper-url:' with ':archive-url:'.",
            )
        )
    valid = {name: value for name, value in values.items() if name not in invalid}
    found, wrong = _identifier_and_author_problems(valid, lines)
    problems += found
    invalid |= wrong
    valid = {name: value for name, value in valid.items() if name not in wrong}
    problems += _cross_field_problems(valid, lines, vocabulary)
    for name, problem in _date_problems(valid, lines, today):
        problems.append(problem)
        # A date that has not come yet is left out, so no page, index or feed shows it.
        invalid.add(name)
        del valid[name]
    if "participants" in valid:
        participants, found = check_participants(
            valid["participants"],
            lines["participants"],
            valid.get("design"),
            tuple(valid.get("tags", ())),
            vocabulary,
        )
        problems += found
        if participants is None:
            invalid.add("participants")
            del valid["participants"]
        else:
            valid["participants"] = participants
    findings, found = check_findings(block, vocabulary, valid.get("design"))
    problems += found
    problems += _section_problems(block, vocabulary)
    problems += markup_problems(block)
    problems += wording_problems(block, vocabulary, valid.get("design"), valid.get("evidence"))
    problems += certainty_problems(block, vocabulary, valid.get("design"), valid.get("evidence"))
    fields: dict[str, Any] = {}
    for spec in FIELDS:
        value = valid.get(spec.name)
        fields[spec.name.replace("-", "_")] = tuple(value or ()) if spec.is_list else value
    study = Study(
        docname=docname,
        **{**fields, "title": fields["title"] or "", "journal": fields["journal"] or ""},
        findings=findings,
        line=block.line,
        option_lines={name: option.line for name, option in block.options.items()},
        invalid=tuple(sorted(invalid | skipped | missing)),
    )
    problems += _lineage_to_itself(study)
    problems.sort(key=lambda problem: problem.line)
    return study, problems


def _coerce(spec: Field, text: str) -> Any:
    """Turn option text into the JSON type the schema expects.

    A year becomes a number only when written in the digits 0-9: ``int`` also
    reads Arabic-Indic or full-width digits, and ``str.isdigit`` also accepts
    superscripts that ``int`` then refuses. Any other spelling stays text, and
    the schema reports it.
    """
    if spec.is_list:
        return [" ".join(item.split()) for item in text.split(spec.separator) if item.strip()]
    if spec.kind == "year" and 0 < len(text) <= MAX_YEAR_DIGITS and set(text) <= ASCII_DIGITS:
        return int(text)
    if spec.kind in ("doi", "pmid"):
        return text.strip()
    return " ".join(text.split())


def _clean_identifier(spec: Field, written: str, line: int) -> tuple[str, list[Problem]]:
    """A DOI or PMID in its clean form, and a problem if it was written otherwise.

    The record keeps the clean form when it is valid, so links, exports and the
    duplicate rule all see the identifier; the page is still reported, because a
    reader of the file cannot see an invisible character and ``--fix`` can
    rewrite it. An identifier that is invalid even when clean is left to the
    schema, which reports it as written.
    """
    is_doi = spec.kind == "doi"
    clean = clean_doi(written) if is_doi else clean_pmid(written)
    valid = (doi_key if is_doi else pmid_key)(clean) is not None
    if not valid or clean == written:
        return written, []
    hidden = invisible_characters(written)
    visible = "".join(c for c in written if not is_invisible(c)).strip()
    removed = [f"the invisible characters {', '.join(hidden)}"] if hidden else []
    if is_doi and DOI_PREFIX.match(visible):
        removed.append("'https://doi.org/' or 'doi:'")
    if is_doi and visible[-1:] in (*TRAILING_PUNCTUATION, ")"):
        removed.append("the punctuation after it")
    if not is_doi and not visible[:1].isdigit():
        removed.append("'PMID:' or the PubMed address")
    what = f", without {'; '.join(removed)}" if removed else ""
    assert spec.format_rule is not None
    return clean, [
        Problem(
            spec.format_rule,
            line,
            f"':{spec.name}:' must be {spec.what}; write {clean!r}{what}. "
            f"'make fix' (or '.venv/bin/atlas check --fix') does this; got {written!r}.",
        )
    ]


def _identifier_and_author_problems(
    values: dict[str, Any], lines: dict[str, int]
) -> tuple[list[Problem], set[str]]:
    """ISBN check digits, a web address without its archived copy, and "no author" words.

    Returns the problems and the options whose values must be left out (an ISBN
    that names no book would otherwise find or hide duplicates).
    """
    problems = []
    wrong: set[str] = set()
    isbn = values.get("isbn")
    if isbn is not None and isbn_key(isbn) is None:
        wrong.add("isbn")
        problems.append(
            Problem(
                Rule.BAD_ISBN,
                lines["isbn"],
                f"':isbn: {isbn}' is not a valid ISBN: its check digit does not fit. Copy it "
                "again from the book's page or back cover.",
            )
        )
    given = [name for name in ("paper-url", "archive-url") if name in values]
    if len(given) == 1:
        (name,) = given
        other = "archive-url" if name == "paper-url" else "paper-url"
        problems.append(
            Problem(
                Rule.URL_WITHOUT_ARCHIVE,
                lines[name],
                f"':{name}:' needs ':{other}:' as well: a web page can change or go, so the "
                "atlas keeps both the address and an archived copy (save the page at "
                "https://web.archive.org and copy the address it gives).",
            )
        )
    authors = values.get("authors") or []
    if any(is_no_authors(name) for name in authors) and authors != [NO_AUTHORS]:
        problems.append(
            Problem(
                Rule.NO_AUTHORS_FORM,
                lines["authors"],
                f"If the paper names no author, write ':authors: {NO_AUTHORS}' and nothing "
                f"else; otherwise {'; '.join(authors)!r} is cited as if it named an author. "
                "'make fix' (or '.venv/bin/atlas check --fix') does this.",
            )
        )
    return problems, wrong


def _renamed_tags(
    tags: list[str], line: int, vocabulary: Vocabulary
) -> tuple[list[str], list[Problem]]:
    """The tags with each renamed or merged key replaced by its new key, and advice for each.

    The page keeps working, and is listed under the new tag, so a rename never
    breaks a page; the advice asks for the new key so that the old one can be
    retired one day.
    """
    result: list[str] = []
    problems = []
    for tag in tags:
        new = vocabulary.replacement(tag)
        if new is not None:
            problems.append(
                Problem(
                    Rule.RENAMED_TAG,
                    line,
                    f"Tag '{tag}' was renamed: write '{new}' instead. 'make fix' (or "
                    "'.venv/bin/atlas check --fix') does this.",
                )
            )
        if new is None:
            result.append(tag)  # a key written twice stays twice, for ATLAS022 to report
        elif new not in tags and new not in result:
            result.append(new)
    return result, problems


def _date_problems(
    values: dict[str, Any], lines: dict[str, int], today: datetime.date
) -> list[tuple[str, Problem]]:
    """Dates that cannot be right yet: (option name, problem) for each.

    A retraction cannot be dated in the future or before the paper came out:
    that is an error. ``:updated:`` in the future is more often a slip of the
    calendar than a fault, so it is advice; either way the date is left out.
    """
    found = []
    updated = values.get("updated")
    if updated and datetime.date.fromisoformat(updated) > today:
        found.append(
            (
                "updated",
                Problem(
                    Rule.UPDATED_IN_FUTURE,
                    lines["updated"],
                    f"':updated: {updated}' is later than today ({today.isoformat()}). Write "
                    "the date you last changed the page; the site does not use a date that has "
                    "not come yet.",
                ),
            )
        )
    retracted = values.get("retracted")
    if not retracted:
        return found
    date = datetime.date.fromisoformat(retracted)
    year = values.get("year")
    if date > today:
        why = f"is later than today ({today.isoformat()})"
    elif year is not None and date.year < year:
        why = f"is before the paper was published (':year: {year}'); if the year is wrong, fix it"
    else:
        return found
    found.append(
        (
            "retracted",
            Problem(
                Rule.RETRACTION_DATE_IMPOSSIBLE,
                lines["retracted"],
                f"':retracted: {retracted}' {why}. Write the date printed on the retraction "
                "notice.",
            ),
        )
    )
    return found


@lru_cache(maxsize=8)
def _validator(vocabulary: Vocabulary, latest_year: int) -> Draft202012Validator:
    return Draft202012Validator(
        study_schema(vocabulary, latest_year),
        format_checker=Draft202012Validator.FORMAT_CHECKER,
    )


class _Explainer:
    """Words for schema errors: what is wrong, where, and what to write instead."""

    def __init__(
        self, vocabulary: Vocabulary, latest_year: int, lines: dict[str, int], block_line: int
    ) -> None:
        self.vocabulary = vocabulary
        self.latest_year = latest_year
        self.lines = lines
        self.block_line = block_line

    def explain(self, error: ValidationError) -> Problem | None:
        if not error.absolute_path:
            return None  # "anyOf" on the identifiers: reported as MISSING_IDENTIFIER
        name = str(error.absolute_path[0])
        spec = FIELDS_BY_NAME[name]
        line = self.lines.get(name, self.block_line)
        if error.validator == "uniqueItems":
            return Problem(
                Rule.REPEATED_VALUE, line, f"Option ':{name}:' lists the same value twice."
            )
        if spec.table is not None:
            return self._unknown_choice(spec, spec.table, str(error.instance), line)
        if (
            spec.format_rule is not None
            and isinstance(error.instance, str)
            and _unusual_digits(error.instance)
        ):
            noun = {"doi": "DOI", "pmid": "PubMed ID", "studies": "page names"}.get(
                spec.kind, spec.kind
            )
            return Problem(
                spec.format_rule,
                line,
                f"':{name}:' holds digits other than 0-9; got {error.instance!r}. "
                f"Write the {noun} in ordinary digits, such as ':{name}: {spec.example}'.",
            )
        if spec.format_rule is Rule.BAD_YEAR:
            return Problem(
                Rule.BAD_YEAR,
                line,
                f"':year:' must be a four-digit year from {EARLIEST_YEAR} to "
                f"{self.latest_year}; got {error.instance!r}.",
            )
        if spec.format_rule is not None:
            return Problem(
                spec.format_rule, line, f"':{name}:' must be {spec.what}; got {error.instance!r}."
            )
        return Problem(Rule.EMPTY_FIELD, line, f"Option ':{name}:' is empty.")

    def _unknown_choice(self, spec: Field, table: str, value: str, line: int) -> Problem:
        terms = self.vocabulary.table(table).values()
        # Nearest by the words of labels, definitions and synonyms as well as by spelling.
        near = closest(value, terms)
        did_you_mean = f" Did you mean '{near[0].key}'?" if near else ""
        if len(near) > 1:
            did_you_mean += f" Also close: {described(near[1:], with_label=True)}."
        if spec.name == "tags":
            return Problem(
                Rule.UNKNOWN_TAG,
                line,
                f"Unknown tag '{value}'.{did_you_mean} Tags come from source/vocabulary.yaml; "
                "'make vocabulary' (or '.venv/bin/atlas vocabulary') lists every key with its "
                "meaning.",
            )
        allowed = ", ".join(term.key for term in terms)
        return Problem(
            Rule.UNKNOWN_VALUE,
            line,
            f"Unknown value '{value}' for ':{spec.name}:'.{did_you_mean} Allowed: {allowed}.",
        )


def _unusual_digits(text: str) -> bool:
    """Digits of other scripts, superscripts, fractions or numerals (such as '²⁰²⁰' or '٢٠٢٠')."""
    return any(c.isnumeric() and c not in ASCII_DIGITS for c in text)


def _cross_field_problems(
    values: dict[str, Any], lines: dict[str, int], vocabulary: Vocabulary
) -> list[Problem]:
    problems = []
    definitions = keyed(vocabulary.case_definitions)
    implied = {definitions[key].pem for key in values.get("case-definition", ())}
    pem = values.get("pem")
    # The PEM value the page's case definitions imply, when they agree on exactly one.
    needed = next(iter(implied)) if len(implied) == 1 else None
    if pem and needed is not None and pem != needed:
        names = ", ".join(values["case-definition"])
        problems.append(
            Problem(
                Rule.PEM_CONTRADICTS_CASE_DEFINITION,
                lines["pem"],
                f"':pem: {pem}' contradicts ':case-definition: {names}', which means "
                f"'{vocabulary.term('pem', needed).label}'. Write ':pem: {needed}' or "
                "correct the case definition.",
            )
        )
    review = values.get("review")
    if review:
        needs_reviewer = keyed(vocabulary.review_status)[review].needs_reviewer
        if needs_reviewer and not values.get("reviewed-by"):
            problems.append(
                Problem(
                    Rule.MISSING_REVIEWER,
                    lines["review"],
                    f"':review: {review}' needs ':reviewed-by:' with the reviewer's name. "
                    "If nobody has checked the entry yet, write ':review: community-draft'.",
                )
            )
        if not needs_reviewer and values.get("reviewed-by"):
            problems.append(
                Problem(
                    Rule.REVIEWER_WITHOUT_REVIEW,
                    lines["reviewed-by"],
                    f"':reviewed-by:' is set but ':review: {review}' says nobody reviewed the "
                    "entry. Remove the reviewer, or set the review status that fits.",
                )
            )
    problems += _retraction_problems(values, lines)
    return problems


def _retraction_problems(values: dict[str, Any], lines: dict[str, int]) -> list[Problem]:
    """A retraction is stated with both its date and its notice, or not at all."""
    given = [name for name in ("retracted", "retraction-notice") if name in values]
    if len(given) != 1:
        return []
    (name,) = given
    other = "retraction-notice" if name == "retracted" else "retracted"
    example = FIELDS_BY_NAME[other].example
    return [
        Problem(
            Rule.RETRACTION_INCOMPLETE,
            lines[name],
            f"':{name}:' needs ':{other}:' as well, so readers can check the retraction, "
            f"for example ':{other}: {example}'.",
        )
    ]


def _lineage_to_itself(study: Study) -> list[Problem]:
    """Lineage links from a page to itself."""
    return [
        Problem(
            Rule.LINEAGE_TO_ITSELF,
            study.option_lines.get(relation, study.line),
            f"':{relation}:' names this page itself. Name the other study's page instead.",
        )
        for relation, target in study.links()
        if target == study.docname
    ]


def _section_problems(block: StudyBlock, vocabulary: Vocabulary) -> list[Problem]:
    problems = []
    for section in vocabulary.sections:
        text = block.sections.get(section.key)
        if text is None:
            if section.required:
                problems.append(_missing_section(block, section.label))
            continue
        if not text.text:
            problems.append(
                Problem(
                    Rule.EMPTY_SECTION,
                    text.line,
                    f"Section '{section.label}' has no text. Write under the heading"
                    + (" or remove it: it is optional." if not section.required else "."),
                )
            )
        elif section.is_list and not text.text.startswith(LIST_MARKERS):
            problems.append(
                Problem(
                    Rule.SECTION_NOT_A_LIST,
                    text.text_line,
                    f"Section '{section.label}' must be a bullet list: start each point with '- '.",
                )
            )
    return problems


def _missing_section(block: StudyBlock, label: str) -> Problem:
    """A missing required section, pointing at a misspelt heading that may be it."""
    typo = next(
        (
            (heading, line)
            for heading, line in block.unknown_headings.items()
            if suggest(heading, [label]) == label
        ),
        None,
    )
    if typo is None:
        return Problem(
            Rule.MISSING_SECTION,
            block.line,
            f"The required section '## {label}' is missing. Add the heading and a few plain "
            "sentences under it.",
        )
    return Problem(
        Rule.MISSING_SECTION,
        typo[1],
        f"The required section '## {label}' is missing; this heading '## {typo[0]}' is "
        f"probably it. Write it as '## {label}'.",
    )
