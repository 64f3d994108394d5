"""Kill ``make html`` at many random points and check each recovery against a clean build.

    .venv/bin/python tests/soak_interrupt.py --rounds 20 --studies 300

Each round copies a built checkout back to one working folder (so the build
is the incremental one a maintainer runs), changes the atlas with that
round's seed, starts the build, kills it and all its workers (SIGKILL to its
process group) a random time into a random phase, or a random time after the
start, builds again, and compares every output file with a clean build of
the same tree. It prints what it tried and what it found, and exits 1 if any
round differed. ``tests/test_interrupted.py`` runs a fixed set of these in CI.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from buildtrees import (
    PHASES,
    build,
    change_atlas,
    checkout,
    copy_tree,
    differences,
    kill_in_phase,
    kill_now,
    start_build,
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--studies", type=int, default=300, help="synthetic studies added")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep the folders for a look")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    root = Path(tempfile.mkdtemp(prefix="atlas-soak-"))
    print(f"soak in {root}: {args.rounds} rounds, {args.studies} synthetic studies")
    work = checkout(root / "work", synthetic=args.studies)
    build(work)
    shutil.move(work, root / "base")
    failures = 0
    for round_number in range(1, args.rounds + 1):
        seed = rng.randrange(1_000_000)
        shutil.rmtree(work, ignore_errors=True)
        copy_tree(root / "base", work)
        changes = change_atlas(work / "source", random.Random(seed))
        process = start_build(work)
        if rng.random() < 0.3:
            delay = rng.uniform(0.0, 8.0)
            time.sleep(delay)
            ended = kill_now(process)
            where = f"{delay:.2f} s after the start" + (" (it had ended)" if ended else "")
        else:
            phase, delay = rng.choice(list(PHASES)), rng.uniform(0.0, 1.5)
            try:
                kill_in_phase(process, phase, delay)
                where = f"{delay:.2f} s into {phase}"
            except AssertionError as error:
                where = f"not killed ({str(error).splitlines()[0]})"
        build(work)
        clean = checkout(root / f"clean-{round_number}", synthetic=args.studies)
        change_atlas(clean / "source", random.Random(seed))
        build(clean)
        found = differences(work / "_build" / "html", clean / "_build" / "html")
        failures += bool(found)
        verdict = "same as the clean build" if not found else f"{len(found)} files differ"
        print(f"round {round_number}: {len(changes)} changes, killed {where}: {verdict}")
        for line in found[:10]:
            print(f"    {line}")
        shutil.rmtree(clean)
    print(f"{args.rounds - failures} of {args.rounds} rounds recovered to the clean build")
    if not args.keep:
        shutil.rmtree(root)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
