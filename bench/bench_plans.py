"""Benchmark: solver latency for every role pair of the built-in graph, and whole CLI calls.

Run from the repository root inside the project's environment:

    python bench/bench_plans.py            # prints a Markdown report
    python bench/bench_plans.py --quick    # fewer repetitions

Measures
1. `optimize.solve` (reduction + exact stages + tie rule, no language rule) for every ordered
   pair (from-role, to-role), the whole `plan()` without explanations (languages included),
   and the whole `plan()` with explanations (all swaps solved on one shared model).
2. The CLI call `pathplanner plan --from data-scientist --to ml-engineer --format json` against
   `python -c "import pathplanner"` and against importing the runtime dependencies alone
   (warm validated-graph cache), median of N runs each.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import time

from pathplanner.errors import PlanningError
from pathplanner.load import load_catalog
from pathplanner.optimize import Constraints, make_problem, solve
from pathplanner.planner import plan
from pathplanner.profile import build_profile

DEPS = "import networkx, pydantic, jinja2, click, yaml, highspy, icalendar"


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    k = max(0, min(len(values) - 1, round(q / 100 * (len(values) - 1))))
    return values[k]


def time_cmd(args: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run(args, check=True, capture_output=True)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    runs = 5 if args.quick else 15

    t = time.perf_counter()
    catalog = load_catalog()
    load_s = time.perf_counter() - t
    roles = list(catalog.roles)
    solve_ms: list[float] = []
    plain_ms: list[float] = []
    plan_ms: list[float] = []
    statuses: dict[str, int] = {}
    for src in roles:
        profile = build_profile(catalog, from_role=src)
        for dst in roles:
            if src == dst:
                continue
            goal = catalog.roles[dst].goal()
            t = time.perf_counter()
            try:
                problem = make_problem(catalog, profile.skills, goal, Constraints())
                sel = solve(problem)
                statuses[sel.status] = statuses.get(sel.status, 0) + 1
            except PlanningError:
                statuses["infeasible"] = statuses.get("infeasible", 0) + 1
                continue
            solve_ms.append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            plan(catalog, dst, profile, explain=False)
            plain_ms.append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            plan(catalog, dst, profile)
            plan_ms.append((time.perf_counter() - t) * 1000)

    exe = [sys.executable, "-m", "pathplanner"]
    env_cmd = [*exe, "plan", "--from", "data-scientist", "--to", "ml-engineer", "--format", "json"]
    subprocess.run(env_cmd, check=True, capture_output=True)  # warm the graph cache
    cli_s = time_cmd(env_cmd, runs)
    text_cmd = [*exe, "plan", "--from", "data-scientist", "--to", "ml-engineer"]
    text_s = time_cmd(text_cmd, runs)
    import_s = time_cmd([sys.executable, "-c", "import pathplanner"], runs)
    deps_s = time_cmd([sys.executable, "-c", DEPS], runs)

    print(
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    print(
        f"Graph: {len(catalog.skills)} skills, {len(catalog.resources)} resources, "
        f"{len(catalog.roles)} roles; cold load + validate {load_s * 1000:.0f} ms (cache may be warm)"
    )
    print()
    print(
        f"Role pairs planned: {len(solve_ms)} ({', '.join(f'{k}: {v}' for k, v in sorted(statuses.items()))})"
    )
    print()
    print("| measure | p50 | p95 | max |")
    print("|---|---|---|---|")
    print(
        f"| solve (prune + exact stages + tie rule), ms | {pct(solve_ms, 50):.1f} | {pct(solve_ms, 95):.1f} | {max(solve_ms):.1f} |"
    )
    print(
        f"| whole plan() without explanations, ms | {pct(plain_ms, 50):.1f} | {pct(plain_ms, 95):.1f} | {max(plain_ms):.1f} |"
    )
    print(
        f"| whole plan() incl. explanations, ms | {pct(plan_ms, 50):.1f} | {pct(plan_ms, 95):.1f} | {max(plan_ms):.1f} |"
    )
    print()
    print(
        f"Explanations cost: p95 with / p95 without = {pct(plan_ms, 95) / pct(plain_ms, 95):.2f}x "
        "(target <= 3x)"
    )
    print()
    print(f"| command (median of {runs}) | seconds | ratio to deps import |")
    print("|---|---|---|")
    print(f'| `python -c "{DEPS}"` | {deps_s:.3f} | 1.00 |')
    print(f'| `python -c "import pathplanner"` | {import_s:.3f} | {import_s / deps_s:.2f} |')
    print(
        f"| `pathplanner plan --from data-scientist --to ml-engineer --format json` | {cli_s:.3f} | {cli_s / deps_s:.2f} |"
    )
    print(
        f"| `pathplanner plan --from data-scientist --to ml-engineer` (text, explanations) | {text_s:.3f} | {text_s / deps_s:.2f} |"
    )


if __name__ == "__main__":
    main()
