"""Synthetic studies in the real format, for measuring the build at atlas scale.

The text is nonsense made of ordinary words, but every length, tag count and
level share follows the public atlas, so pages weigh what real pages weigh.
The same records can be written three ways: as atlas pages, as plain MyST
pages with hand-written sphinx-design cards (the bare stack), and as MkDocs
pages with front-matter tags.
"""

from __future__ import annotations

import json
import random
import shutil
from dataclasses import dataclass
from pathlib import Path

from ..model.participants import POOLING_DESIGNS, SMALL_SAMPLE_TAG
from ..model.record import FIELDS
from ..model.vocabulary import Vocabulary

WORDS = (
    "patients fatigue exertion immune energy blood muscle brain sleep symptoms cohort "
    "controls measured higher lower markers response recovery function tests daily "
    "activity levels changes signal pattern group study results effect sample data "
    "cells metabolism heart rate oxygen women men adults illness onset severity "
    "questionnaire clinic trial baseline follow-up months weeks scores network protein"
).split()
SURNAMES = (
    "Andersen Baker Chen Dubois Evans Fischer Garcia Hansen Ito Jensen Kowalski Larsen "
    "Martin Nagy Olsen Patel Quinn Rossi Schmidt Tanaka Ueda Varga Weber Young Zhang"
).split()
GIVEN = "Anna Ben Clara David Eva Farid Grace Hugo Ines Jonas Kira Lars Mona Nils".split()

#: Shares of the public atlas, strongest level first.
LEVEL_WEIGHTS = (2, 20, 30, 48)
DESIGN_WEIGHTS = {
    "observational": 40,
    "mechanistic": 18,
    "review": 12,
    "rct": 8,
    "meta-analysis": 4,
    "systematic-review": 5,
    "qualitative": 5,
    "case-series": 4,
    "methods-paper": 3,
    "guideline": 1,
}


#: Shares of studies that state participants (primary studies, reviews) and have
#: structured findings; directions as findings in this field tend to fall.
PARTICIPANTS_SHARE = 0.5
REVIEW_PARTICIPANTS_SHARE = 0.33
FINDINGS_SHARE = 0.25
DIRECTION_WEIGHTS = {"lower": 45, "no difference": 30, "higher": 15, "mixed": 10}


@dataclass(frozen=True)
class SyntheticStudy:
    slug: str
    options: dict[str, str]
    sections: dict[str, str]


def synthesize(count: int, vocabulary: Vocabulary, seed: int = 6145) -> list[SyntheticStudy]:
    """``count`` distinct studies; the same seed always gives the same studies."""
    rng = random.Random(seed)
    # Participants and findings draw from a generator of their own, so that the other
    # values stay what they were before studies had them.
    detail = random.Random(seed + 1)
    levels = [level.key for level in vocabulary.evidence_levels]
    tags = [tag.key for tag in vocabulary.tags]
    tag_weights = [1.0 / (rank + 1) for rank in range(len(tags))]
    studies = []
    for index in range(count):
        authors = sorted(
            {f"{rng.choice(SURNAMES)}, {rng.choice(GIVEN)}" for _ in range(rng.randint(1, 8))}
        )
        year = rng.randint(1990, 2026)
        title_words = [rng.choice(WORDS) for _ in range(rng.randint(8, 16))]
        level = rng.choices(levels, LEVEL_WEIGHTS)[0]
        design = rng.choices(list(DESIGN_WEIGHTS), list(DESIGN_WEIGHTS.values()))[0]
        case_definition = rng.choice(["ccc", "icc", "iom", "fukuda", "oxford", "not-stated"])
        implied = vocabulary.term("case_definitions", case_definition)
        pem = getattr(implied, "pem", None) or "unclear"
        chosen_tags = sorted(
            set(rng.choices(tags, tag_weights, k=rng.randint(2, 6))), key=tags.index
        )
        surname = authors[0].split(",")[0].lower()
        options = {
            "title": " ".join(title_words).capitalize(),
            "authors": "; ".join(authors),
            "journal": f"Journal of {rng.choice(WORDS).capitalize()} Research",
            "year": str(year),
            "doi": f"10.5555/synth.{index}",
            "pmid": str(80000000 + index),
            "design": design,
            "evidence": level,
            "confidence": rng.choice(["higher", "moderate", "preliminary"]),
            "pem": pem,
            "case-definition": case_definition,
            "peer-review": "peer-reviewed",
            "review": "machine-draft",
            "tags": ", ".join(chosen_tags),
            "updated": f"2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
        }
        participants = _participants(detail, design, SMALL_SAMPLE_TAG in chosen_tags, vocabulary)
        if participants:
            options["participants"] = participants
        findings = _bullets(rng, 4, 5)
        if vocabulary.measures and detail.random() < FINDINGS_SHARE:
            findings = _labelled(detail, findings, vocabulary)
        sections = {
            "summary": _paragraph(rng, 3, 4),
            "why": _paragraph(rng, 2, 3),
            "findings": findings,
            "conclusions": _bullets(rng, 2, 3),
            "questions": _bullets(rng, 2, 3),
            "limitations": _paragraph(rng, 3, 4),
        }
        slug = f"{surname}-{year}-{title_words[0]}-{title_words[1]}-{index}"
        studies.append(SyntheticStudy(slug, options, sections))
    return studies


def _participants(
    rng: random.Random, design: str, small: bool, vocabulary: Vocabulary
) -> str | None:
    """About half of primary studies and a third of reviews state who took part.

    A study tagged "Small Sample" gets fewer people with ME/CFS than the
    vocabulary's threshold and any other study at least that many, so the
    synthetic atlas raises no small-sample advice.
    """
    pooled = design in POOLING_DESIGNS
    if rng.random() >= (REVIEW_PARTICIPANTS_SHARE if pooled else PARTICIPANTS_SHARE):
        return None
    below = vocabulary.participant_rules.small_sample_below
    low = min(6, below - 1)
    people = rng.randint(low, below - 1) if small else int(below * 10 ** rng.uniform(0, 1.8))
    if pooled:
        pooled_people = people if small else people * 8
        return f"{rng.randint(3, 60)} studies pooled; {pooled_people:,} ME/CFS"
    parts = [f"{people:,} ME/CFS"]
    kind = rng.random()
    if kind < 0.65:
        parts.append(f"{max(1, int(people * rng.uniform(0.5, 1.2))):,} healthy controls")
    elif kind < 0.8:
        illness = rng.choice(["multiple sclerosis", "fibromyalgia", "depression"])
        parts.append(f"{max(1, int(people * rng.uniform(0.4, 1.0))):,} other illness ({illness})")
    elif kind < 0.9:
        parts.append("no comparison group")
    return "; ".join(parts)


def _labelled(rng: random.Random, bullets: str, vocabulary: Vocabulary) -> str:
    """The first one to three bullets become structured findings on a measure."""
    keys = [measure.key for measure in vocabulary.measures]
    weights = [1.0 / (rank + 1) for rank in range(len(keys))]
    lines = bullets.split("\n")
    for index in range(rng.randint(1, 3)):
        measure = rng.choices(keys, weights)[0]
        direction = rng.choices(list(DIRECTION_WEIGHTS), list(DIRECTION_WEIGHTS.values()))[0]
        lines[index] = f"- [{measure}: {direction}] {lines[index][2:]}"
    return "\n".join(lines)


def _sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(10, 22))]
    return " ".join(words).capitalize() + "."


def _paragraph(rng: random.Random, low: int, high: int) -> str:
    return " ".join(_sentence(rng) for _ in range(rng.randint(low, high)))


def _bullets(rng: random.Random, low: int, high: int) -> str:
    return "\n".join(f"- {_sentence(rng)}" for _ in range(rng.randint(low, high)))


# -- the three ways to write them ------------------------------------------------------


def atlas_page(study: SyntheticStudy, vocabulary: Vocabulary) -> str:
    options = "\n".join(
        f":{spec.name}: {study.options[spec.name]}" for spec in FIELDS if spec.name in study.options
    )
    sections = "\n\n".join(
        f"## {section.label}\n\n{study.sections[section.key]}" for section in vocabulary.sections
    )
    return f"```{{study}}\n{options}\n\n{sections}\n```\n"


def bare_page(study: SyntheticStudy, vocabulary: Vocabulary) -> str:
    """The same study as plain MyST: badges as roles, sections as sphinx-design cards."""
    level = vocabulary.term("evidence_levels", study.options["evidence"])
    badges = " ".join(
        [
            f"{{bdg-success}}`{level.key} {level.label}`",
            f"{{bdg-info}}`{vocabulary.term('pem', study.options['pem']).label}`",
            f"{{bdg-secondary}}`{vocabulary.term('designs', study.options['design']).label}`",
        ]
    )
    cards = "\n\n".join(
        f"````{{card}} {section.label}\n{study.sections[section.key]}\n````"
        for section in vocabulary.sections
    )
    return (
        f"---\norphan: true\n---\n# {study.options['title']}\n\n{badges}\n\n"
        f"{study.options['authors']} · {study.options['journal']} · {study.options['year']}\n\n"
        f"{cards}\n"
    )


def mkdocs_page(study: SyntheticStudy, vocabulary: Vocabulary) -> str:
    """The same study for MkDocs Material: front-matter tags, sections as headings."""
    tags = [vocabulary.term("tags", key).label for key in study.options["tags"].split(", ")]
    level = vocabulary.term("evidence_levels", study.options["evidence"])
    quoted = [json.dumps(tag) for tag in [level.label, *tags]]
    front = "\n".join(["---", "tags:", *[f"  - {tag}" for tag in quoted], "---"])
    sections = "\n\n".join(
        f"## {section.label}\n\n{study.sections[section.key]}" for section in vocabulary.sections
    )
    return f"{front}\n\n# {study.options['title']}\n\n{sections}\n"


def write_atlas_tree(
    studies: list[SyntheticStudy], vocabulary: Vocabulary, project: Path, target: Path
) -> Path:
    """A source tree with the project's guide pages and the synthetic studies.

    Build it as ``make html`` builds the project: ``python -m atlas.sitebuild -c PROJECT ...``.
    """
    source = target / "source"
    if source.exists():
        shutil.rmtree(source)
    shutil.copytree(
        project / "source",
        source,
        ignore=shutil.ignore_patterns("studies", "tags", "evidence", "measures"),
    )
    (source / "studies").mkdir()
    for study in studies:
        (source / "studies" / f"{study.slug}.md").write_text(
            atlas_page(study, vocabulary), encoding="utf-8"
        )
    return source
