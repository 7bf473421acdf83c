"""Benchmark batch planning: every ESCO occupation from an empty profile, local and on Dask.

    python bench/bench_scale.py ESCO_GRAPH_DIR [--workers 1 2] [--dask 2] [--limit N]

ESCO_GRAPH_DIR comes from `pathplanner import esco`. Each run plans one task per ESCO
occupation (3,006 in v1.1.1) from an empty profile to that occupation, with the built-in
graph and the ESCO graph, JSON summary lines, default settings. The local engine runs with
each --workers count; with --dask N, a local Dask cluster of N one-thread worker processes runs
the same tasks (its start-up is timed apart). Every run's lines must be the same bytes.
The graph cache is warmed first, so no run pays for validation.
"""

from __future__ import annotations

import argparse
import collections
import hashlib
import json
import os
import sys
import time
from pathlib import Path


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("esco_graph", type=Path)
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--dask", type=int, default=0, help="workers of a local Dask cluster")
    ap.add_argument("--limit", type=int, default=0, help="plan only the first N occupations")
    a = ap.parse_args()

    from pathplanner.batch import Task, plan_many
    from pathplanner.load import load_catalog
    from pathplanner.profile import build_profile

    graphs = [str(a.esco_graph.resolve())]
    catalog = load_catalog(graphs)
    empty = build_profile(catalog)
    occupations = [r for r in catalog.roles if r.startswith("esco-")]
    if a.limit:
        occupations = occupations[: a.limit]
    tasks = [Task(f"t{i}", empty, rid, i) for i, rid in enumerate(occupations)]
    print(f"Machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    print(f"Tasks: {len(tasks)} ESCO occupations from an empty profile")
    print()
    print("| engine | workers | seconds | plans/s | plans/s per worker | outcomes | lines sha256 |")
    print("|---|---|---|---|---|---|---|")

    def report(name: str, workers: int, lines: list[dict[str, object]], seconds: float) -> None:
        text = "".join(json.dumps(x, sort_keys=False) + "\n" for x in lines)
        digest = hashlib.sha256(text.encode()).hexdigest()[:12]
        outcomes = collections.Counter(str(x["status"]) for x in lines)
        rate = len(lines) / seconds
        print(
            f"| {name} | {workers} | {seconds:.1f} | {rate:.1f} | {rate / workers:.1f} | "
            f"{', '.join(f'{k}: {v}' for k, v in sorted(outcomes.items()))} | {digest} |",
            flush=True,
        )

    for workers in a.workers:
        t = time.perf_counter()
        lines = list(plan_many(tasks, graphs, workers=workers, summary=True))
        report("local", workers, lines, time.perf_counter() - t)
    if a.dask:
        from distributed import Client, LocalCluster

        from pathplanner.cluster import plan_many_dask

        t = time.perf_counter()
        with (
            LocalCluster(
                n_workers=a.dask, threads_per_worker=1, processes=True, dashboard_address=":0"
            ) as cluster,
            Client(cluster) as client,
        ):
            started = time.perf_counter() - t
            t = time.perf_counter()
            lines = list(plan_many_dask(tasks, graphs, client=client, summary=True))
            report("dask", a.dask, lines, time.perf_counter() - t)
        print(f"\nDask cluster start (two processes, not in the figures above): {started:.1f} s")


if __name__ == "__main__":
    main()
