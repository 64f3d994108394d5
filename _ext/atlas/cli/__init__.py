"""The ``atlas`` command: scaffold, check and explain study pages without a Sphinx build.

Each subcommand is a module with ``add_parser(subparsers)``, which registers
its arguments and sets ``run``. To add a command, write its module and list
it in ``COMMANDS``.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence

from . import check, new, release, rules, summary, synth, vocabulary
from .project import CommandError

COMMANDS = (new, check, rules, vocabulary, synth, release, summary)


def main(argv: Sequence[str] | None = None) -> int:
    """Run one subcommand; the exit status is 1 when it found errors, 2 when it could not run."""
    parser = argparse.ArgumentParser(
        prog="atlas",
        description="Work on the study pages of the ME/CFS evidence atlas.",
    )
    subcommands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for command in COMMANDS:
        command.add_parser(subcommands)
    args = parser.parse_args(argv)
    # Each subcommand's add_parser sets `run` to its own function.
    run: Callable[[argparse.Namespace], int] = args.run
    try:
        return run(args)
    except CommandError as error:
        print(f"atlas {args.command}: {error}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # The reader (such as `head`) stopped early; send the rest of the output nowhere.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
