"""Benchmark: `pathplanner curriculum` on large synthetic cohorts (issue 15, part 2).

Run from the repository root inside the project's environment:

    python bench/bench_curriculum.py --learners 1000 --learners 10000
    python bench/bench_curriculum.py --learners 1000 --src /tmp/old/src   # another checkout

Each size writes a synthetic cohort (see `cohort_rows`) and times one
`pathplanner curriculum --to data-analyst --cohort ... --start 2027-01-04 --format md,html,csv`
in a fresh process, with its peak memory (the child's maximum resident set size), against
the dependency-import floor measured in the same run. Every learner gets a plan in each
format and a calendar, so 1,000 learners write about 4,000 files.
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DEPS = "import networkx, pydantic, jinja2, click, yaml, highspy, icalendar"

# Bootcamp applicants as they come: a starting role (or none) and what they say they know.
# The synthetic cohort draws every learner from these archetypes and four paces, so many
# learners are identical (same start, target and hours): 12 x 4 = 48 distinct learners, and
# 12 distinct starts (the same route scheduled at another pace).
ARCHETYPES: list[tuple[str, str]] = [
    ("", ""),
    ("", "excel:2"),
    ("", "excel:2,sql:1"),
    ("", "sql:2,relational-databases:1"),
    ("", "python:1"),
    ("", "python:2,pandas:1"),
    ("", "descriptive-statistics:2,probability:1"),
    ("", "data-visualization:1,stakeholder-communication:2,business-acumen:1"),
    ("software-engineer", ""),
    ("backend-engineer", ""),
    ("bi-analyst", ""),
    ("", "excel:2,tableau:2,data-visualization:2"),
]
PACES = (10, 15, 20, 25)


def cohort_rows(n: int, seed: int = 13) -> list[list[str]]:
    """Return n synthetic learners (name, from, have, hours_per_week), seeded."""
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        start, have = rng.choice(ARCHETYPES)
        rows.append([f"Learner {i + 1:05d}", start, have, str(rng.choice(PACES))])
    return rows


def run(args: list[str], env: dict[str, str]) -> tuple[float, float, float]:
    """Return (wall seconds, CPU seconds, peak MiB) of one command in a fresh process.

    The peak is the largest resident set of any child so far (KiB on Linux): sizes are run
    smallest first, so each row's peak is its own. CPU time (user + system) is the fairer
    figure on a shared machine, where the wall clock also counts other people's work.
    """
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    subprocess.run(args, check=True, capture_output=True, env=env)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, after.ru_maxrss / 1024


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--learners", type=int, action="append", default=None)
    ap.add_argument("--src", default=None, help="the src directory of the checkout to time")
    ap.add_argument("--formats", default="md,html,csv")
    args = ap.parse_args()
    sizes = args.learners or [1000]
    env = dict(os.environ)
    if args.src:
        env["PYTHONPATH"] = args.src
    print(
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    subprocess.run([sys.executable, "-m", "pathplanner", "roles"], check=True,
                   capture_output=True, env=env)  # fmt: skip  # warm the graph cache
    floor, _, _ = run([sys.executable, "-c", DEPS], env)
    print(f"Import floor ({DEPS}): {floor:.2f} s\n")
    print("| learners | distinct learners | distinct starts | files | wall s | wall / floor | CPU s "
          "| peak MiB |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|")
    for n in sorted(sizes):
        tmp = Path(tempfile.mkdtemp(prefix="bench-cohort-"))
        try:
            cohort = tmp / "cohort.csv"
            rows = cohort_rows(n)
            with cohort.open("w", newline="") as fh:
                w = csv.writer(fh)
                w.writerow(["name", "from", "have", "hours_per_week"])
                w.writerows(rows)
            out = tmp / "out"
            cmd = [sys.executable, "-m", "pathplanner", "curriculum", "--to", "data-analyst",
                   "--cohort", str(cohort), "--out", str(out), "--start", "2027-01-04",
                   "--format", args.formats]  # fmt: skip
            wall, cpu, peak = run(cmd, env)
            files = sum(1 for p in out.rglob("*") if p.is_file())
            distinct = len({tuple(r[1:]) for r in rows})
            starts = len({tuple(r[1:3]) for r in rows})  # the same route at another pace
            print(
                f"| {n:,} | {distinct} | {starts} | {files:,} | {wall:.1f} | {wall / floor:.0f} "
                f"| {cpu:.1f} | {peak:.0f} |"
            )
        finally:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
