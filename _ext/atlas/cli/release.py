"""``atlas release VERSION``: the versioned open-data archive and its CHANGELOG.

``make release VERSION=x.y.z`` builds the site with warnings as errors and
then runs this. The archive goes into ``_build/release/``; tag the commit
``vX.Y.Z`` and push the tag to publish it (see README, "Publishing").
"""

from __future__ import annotations

import argparse
import runpy
from pathlib import Path

import yaml

from ..release import KINDS, ReleaseError, make_release
from .project import CommandError, add_root_option, display, find_project

CITATION = "CITATION.cff"


def add_parser(subcommands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subcommands.add_parser(
        "release",
        help="write the open-data archive of a release and its CHANGELOG",
        description="Pack the open-data files of the built site into a versioned zip archive, "
        "with a CHANGELOG of the studies added, updated, retracted and removed since the "
        "previous release tag (vX.Y.Z), computed from git.",
    )
    parser.add_argument("version", metavar="VERSION", help="the release's version, such as 1.2.0")
    parser.add_argument(
        "--site", type=Path, help="the built site of HEAD (default: _build/html in the atlas)"
    )
    parser.add_argument(
        "--out", type=Path, help="where the archive goes (default: _build/release in the atlas)"
    )
    parser.add_argument(
        "--date",
        help="the release date, YYYY-MM-DD (default: the tag's date if it exists, else today)",
    )
    add_root_option(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    project = find_project(args.root)
    citation = project.root / CITATION
    try:
        title = str(yaml.safe_load(citation.read_text("utf-8"))["title"])
    except (OSError, yaml.YAMLError, KeyError, TypeError) as error:
        raise CommandError(f"{display(citation)} cannot be read: {error}") from error
    try:
        archive = make_release(
            studies=project.studies,
            site=args.site or project.root / "_build" / "html",
            version=args.version,
            out=args.out or project.root / "_build" / "release",
            vocabulary=project.vocabulary,
            citation_file=citation,
            date=args.date,
            addresses=_addresses(project.root / "conf.py"),
            project=title,
        )
    except ReleaseError as error:
        raise CommandError(str(error)) from error
    counts = ", ".join(f"{len(getattr(archive.changes, kind))} {kind}" for kind in KINDS)
    print(f"Wrote {display(archive.path)}: {counts} since {archive.changes.since}.")
    print(f"Release notes: {display(archive.changelog)}")
    return 0


def _addresses(conf: Path) -> dict[str, str]:
    """The site's and the repository's addresses, as conf.py sets them for the build."""
    try:
        settings = runpy.run_path(str(conf))
    except Exception as error:  # conf.py is the project's own code: report whatever it raises
        raise CommandError(f"{display(conf)} cannot be read: {error}") from error
    return {
        "url": str(settings.get("html_baseurl", "")),
        "repository-code": str(settings.get("atlas_repository_url", "")),
    }
