"""Benchmark: what the coach's options cost over the plain plan, on the built-in graph.

Run from the repository root inside the project's environment:

    python bench/bench_options.py            # every 3rd role pair
    python bench/bench_options.py --every 1  # every role pair

For a sample of (from-role, to-role) pairs it times `plan()` without explanations (the floor of
this benchmark), then the same plan with the hours-against-dollars trade-off, with three
alternative routes, with a preferred provider, with a deadline at a pace, with study sessions,
and with a second goal; it reports each as p50 / p95 in ms and as a ratio of p95 to the floor's.
"""

from __future__ import annotations

import argparse
import datetime as dt
import time
from collections.abc import Callable
from typing import Any

from pathplanner.errors import PlanningError
from pathplanner.load import load_catalog
from pathplanner.planner import plan
from pathplanner.profile import build_profile


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    k = max(0, min(len(values) - 1, round(q / 100 * (len(values) - 1))))
    return values[k]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--every", type=int, default=3)
    args = ap.parse_args()
    catalog = load_catalog()
    roles = sorted(catalog.roles)
    pairs = [(a, b) for a in roles for b in roles if a != b][:: args.every]
    start = dt.date(2027, 1, 4)
    variants: dict[str, Callable[[Any, str], Any]] = {
        "plain plan (floor)": lambda me, to: plan(catalog, to, me, explain=False),
        "--tradeoff": lambda me, to: plan(catalog, to, me, explain=False, tradeoff=True),
        "--alternatives 3": lambda me, to: plan(catalog, to, me, explain=False, alternatives=3),
        "--prefer-provider coursera": lambda me, to: plan(
            catalog, to, me, explain=False, prefer_providers=["Coursera"]
        ),
        "--weeks 52 --hours-per-week 10": lambda me, to: plan(
            catalog, to, me, explain=False, weeks=52, hours_per_week=10
        ),
        "--availability (3 windows)": lambda me, to: plan(
            catalog,
            to,
            me,
            explain=False,
            start=start,
            availability="tue 19:00-21:00, thu 19:00-21:00, sat 09:00-13:00",
            tz="UTC",
        ),
        "--to twice (+ data-analyst)": lambda me, to: plan(
            catalog, to, me, explain=False, also=["data-analyst"]
        ),
        "with explanations (text default)": lambda me, to: plan(catalog, to, me),
    }
    times: dict[str, list[float]] = {k: [] for k in variants}
    for src, dst in pairs:
        me = build_profile(catalog, from_role=src)
        for name, run in variants.items():
            t = time.perf_counter()
            try:
                run(me, dst)
            except PlanningError:
                continue  # a deadline no plan meets is an answer too, but not a timing
            times[name].append((time.perf_counter() - t) * 1000)
    floor = pct(times["plain plan (floor)"], 95)
    print(f"Role pairs: {len(pairs)} (every {args.every}. of {len(roles) * (len(roles) - 1)})")
    print()
    print("| variant | plans | p50 ms | p95 ms | p95 / floor p95 |")
    print("|---|---|---|---|---|")
    for name, values in times.items():
        print(
            f"| {name} | {len(values)} | {pct(values, 50):.1f} | {pct(values, 95):.1f} | "
            f"{pct(values, 95) / floor:.2f} |"
        )


if __name__ == "__main__":
    main()
