"""``atlas synth N DIR``: a synthetic atlas of N studies, for measuring the build at scale.

The studies go into DIR/source beside copies of the guide pages, never into the
project's own source/. Build the tree as ``make html`` builds the project's own:
``python -m atlas.sitebuild -c ROOT DIR/source DIR/_build``.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from ..bench.synth import synthesize, write_atlas_tree
from .project import CommandError, add_root_option, display, find_project


def add_parser(subcommands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subcommands.add_parser(
        "synth",
        help="write N synthetic studies into a separate source tree",
        description="Write N synthetic studies in the real format into DIR/source, "
        "with the project's guide pages, for benchmarks.",
    )
    parser.add_argument("count", type=int, metavar="N", help="how many studies")
    parser.add_argument("target", type=Path, metavar="DIR", help="folder for the synthetic tree")
    parser.add_argument("--seed", type=int, default=6145, help="same seed, same studies")
    add_root_option(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    project = find_project(args.root)
    target = args.target.resolve()
    if target == project.root.resolve() or target.is_relative_to(project.source.resolve()):
        raise CommandError("synthetic studies never go into the project; pick another folder")
    if args.count < 1:
        raise CommandError("N must be at least 1")
    studies = synthesize(args.count, project.vocabulary, seed=args.seed)
    source = write_atlas_tree(studies, project.vocabulary, project.root, target)
    print(f"wrote {len(studies)} studies to {display(source / 'studies')}")
    print(
        f"build: python -m atlas.sitebuild -c {display(project.root)} "
        f"{display(source)} {display(target / '_build')}"
    )
    return 0
