"""Where the atlas is: its root folder, vocabulary, template and study pages."""

from __future__ import annotations

import argparse
import os
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from ..model.slug import page_name
from ..model.vocabulary import DEFAULT_PATH, Vocabulary, VocabularyError, load_vocabulary

STUDIES = Path("source/studies")
TEMPLATE = Path("_templates/study.md")


class CommandError(Exception):
    """A command cannot run at all; the message tells the user what to do."""


@dataclass(frozen=True)
class Project:
    root: Path

    @property
    def source(self) -> Path:
        return self.root / "source"

    @property
    def studies(self) -> Path:
        return self.root / STUDIES

    @property
    def template(self) -> Path:
        return self.root / TEMPLATE

    @cached_property
    def vocabulary(self) -> Vocabulary:
        try:
            return load_vocabulary(self.root / DEFAULT_PATH)
        except (OSError, VocabularyError) as error:
            raise CommandError(f"cannot read the vocabulary: {error}") from error

    @cached_property
    def source_prefix(self) -> str:
        return os.path.join(os.path.abspath(self.source), "")

    def docname(self, path: Path) -> str:
        """The Sphinx document name of a page ('studies/x'), or its path for outside files.

        Plain string work: pathlib's methods cost seconds over 6,000 pages.
        """
        absolute = os.path.abspath(path)
        # Sphinx drops the suffix by string too, so '..md' is the page '.', not an error.
        name = os.path.basename(absolute)
        if absolute.startswith(self.source_prefix):
            inside = absolute.removeprefix(self.source_prefix).replace(os.sep, "/")
            return inside.removesuffix(name) + page_name(name)
        return display(path).removesuffix(name) + page_name(name)

    def study_pages(self) -> list[Path]:
        return sorted(self.studies.glob("*.md"))


def display(path: Path) -> str:
    """A path as the user can click it: relative to the current folder when inside it."""
    absolute, cwd = path.absolute(), Path.cwd()
    return absolute.relative_to(cwd).as_posix() if absolute.is_relative_to(cwd) else str(path)


def find_project(explicit: Path | None) -> Project:
    """The project in ``--root``, or the nearest folder up from here that holds the vocabulary."""
    if explicit is not None:
        if not (explicit / DEFAULT_PATH).is_file():
            raise CommandError(f"{explicit} has no {DEFAULT_PATH}; is it the atlas folder?")
        return Project(explicit)
    here = Path.cwd()
    for folder in (here, *here.parents):
        if (folder / DEFAULT_PATH).is_file():
            return Project(folder)
    raise CommandError(f"no {DEFAULT_PATH} here or above; run this inside the atlas or use --root")


def add_root_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--root",
        type=Path,
        help="the atlas folder (default: the nearest folder up from here with source/)",
    )
