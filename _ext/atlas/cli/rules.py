"""``atlas rules [CODE ...]``: what each rule code means and how to fix it."""

from __future__ import annotations

import argparse

from ..model.rulehelp import HELP, markdown_table
from ..model.rules import Rule
from .project import CommandError


def add_parser(subcommands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subcommands.add_parser(
        "rules",
        help="explain rule codes such as ATLAS020",
        description="Explain the rules that `atlas check` and the build apply.",
    )
    parser.add_argument("codes", nargs="*", metavar="CODE", help="rule codes (default: all)")
    parser.add_argument(
        "--markdown", action="store_true", help="print the table CONTRIBUTING.md holds"
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if args.markdown:
        print(markdown_table(), end="")
        return 0
    by_code = {rule.code: rule for rule in Rule}
    unknown = [code for code in args.codes if code.upper() not in by_code]
    if unknown:
        raise CommandError(f"unknown rule code(s): {', '.join(unknown)}; codes run ATLAS001 up")
    for code in args.codes or list(by_code):
        rule = by_code[code.upper()]
        print(f"{rule.code} {rule.slug} ({rule.severity.value})")
        print(f"    means: {HELP[rule].meaning}")
        print(f"    fix:   {HELP[rule].fix}")
    return 0
