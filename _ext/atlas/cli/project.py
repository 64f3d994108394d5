"""Where the atlas is: its root folder, vocabulary, template, settings and pages."""

from __future__ import annotations

import argparse
import ast
import os
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from ..model.slug import page_name
from ..model.sources import (
    LEVELS_FOLDER,
    MARKDOWN_SETTINGS,
    MEASURES_FOLDER,
    Kind,
    Layout,
    SourceFile,
    classify,
    trusted_pages_problem,
)
from ..model.vocabulary import DEFAULT_PATH, Vocabulary, VocabularyError, load_vocabulary

STUDIES = Path("source/studies")
TEMPLATE = Path("_templates/study.md")
CONF = "conf.py"
#: The conf.py settings that decide which files are pages and what they may hold, with
#: the values Sphinx and sphinx-tags use when conf.py does not set them.
CONF_DEFAULTS: dict[str, Any] = {
    "exclude_patterns": [],
    "templates_path": [],
    "tags_output_dir": "_tags",
    "source_suffix": {".md": "markdown"},
    "atlas_trusted_pages": [],
}
#: MyST's settings, read when conf.py sets them (MyST's own defaults otherwise).
MYST_SETTINGS = tuple(f"myst_{name}" for name in MARKDOWN_SETTINGS)


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
        """The study pages the build would read (links out of the repository left out)."""
        return [file.path for file in self.sources if file.kind is Kind.STUDY]

    @cached_property
    def settings(self) -> dict[str, Any]:
        """What conf.py sets of :data:`CONF_DEFAULTS` and :data:`MYST_SETTINGS`."""
        path = self.root / CONF
        return {**CONF_DEFAULTS, **(read_settings(path) if path.is_file() else {})}

    @cached_property
    def layout(self) -> Layout:
        settings = self.settings
        suffixes = settings["source_suffix"]
        return Layout(
            source=self.source,
            repository=self.root,
            generated=(LEVELS_FOLDER, settings["tags_output_dir"], MEASURES_FOLDER),
            excluded=(*settings["exclude_patterns"], *settings["templates_path"]),
            page_suffixes=(suffixes,) if isinstance(suffixes, str) else tuple(suffixes),
        )

    @cached_property
    def sources(self) -> list[SourceFile]:
        """Every file under source/ with its kind, as the build sees them."""
        return classify(self.layout)

    @cached_property
    def trusted_pages(self) -> frozenset[str]:
        trusted = self.settings["atlas_trusted_pages"]
        problem = trusted_pages_problem(trusted, self.sources)
        if problem is not None:
            raise CommandError(f"{CONF}: {problem}")
        return frozenset(trusted)

    @property
    def markdown_settings(self) -> dict[str, Any]:
        """The MyST settings conf.py sets that change how a page splits into blocks."""
        return {
            name.removeprefix("myst_"): self.settings[name]
            for name in MYST_SETTINGS
            if name in self.settings
        }


def read_settings(path: Path) -> dict[str, Any]:
    """The settings conf.py assigns, read without running it.

    Each must be a plain value (a string, list or dict): ``atlas check`` runs on
    pull requests without building, and a value it cannot read would make it
    judge files differently from the build, so such a value stops it instead.
    """
    wanted = {*CONF_DEFAULTS, *MYST_SETTINGS}
    values: dict[str, Any] = {}
    try:
        tree = ast.parse(path.read_bytes(), str(path))
    except SyntaxError as error:
        message = f"{path}:{error.lineno}: conf.py is not valid Python: {error.msg}"
        raise CommandError(message) from None
    value: ast.expr | None  # None for an annotation without a value (`x: int`)
    for node in tree.body:
        if isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        elif isinstance(node, (ast.AnnAssign, ast.AugAssign)):
            targets, value = [node.target], node.value
        else:
            continue
        for target in targets:
            if not isinstance(target, ast.Name) or target.id not in wanted:
                continue
            try:
                if isinstance(node, ast.AugAssign) or value is None:
                    raise ValueError
                values[target.id] = ast.literal_eval(value)
            except ValueError:
                raise CommandError(
                    f"{path}:{node.lineno}: atlas check reads '{target.id}' without running "
                    "conf.py; write it as one plain assignment of a string, list or dict."
                ) from None
    return values


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
