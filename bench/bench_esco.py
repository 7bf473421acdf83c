"""Benchmark at taxonomy scale: ESCO import, cold and warm load, plans for every occupation.

    python bench/bench_esco.py ../shared/data/esco-v1.1.1 [--work /tmp/pp-bench] [--courses 20000]

Steps, each timed:
1. `pathplanner import esco` (the CLI, in a subprocess);
2. the seeded synthetic catalogue (bench/synthetic.py): 20,000 courses over the ESCO skills;
3. cold load (validation, no cache) and warm load (from the cache, in a new process) of the
   built-in graph + ESCO + synthetic courses;
4. plan latency for every ESCO occupation from a fixed profile (the built-in data-analyst
   role's skills), exact solver, default 10 s time limit, explanations off;
5. plan-many throughput on all cores versus one worker.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def run(cmd: list[str], env: dict[str, str] | None = None) -> float:
    t = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True, env=env)
    return time.perf_counter() - t


def pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[max(0, min(len(s) - 1, round(q / 100 * (len(s) - 1))))]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("esco", type=Path)
    ap.add_argument("--work", type=Path, default=Path("/tmp/pp-bench"))
    ap.add_argument("--courses", type=int, default=20000)
    ap.add_argument("--many", type=int, default=600, help="tasks for the plan-many throughput run")
    ap.add_argument("--every", type=int, default=1, help="time every Nth occupation only")
    a = ap.parse_args()
    shutil.rmtree(a.work, ignore_errors=True)
    a.work.mkdir(parents=True)
    cache = a.work / "cache"
    env = {**os.environ, "PATHPLANNER_CACHE_DIR": str(cache)}
    os.environ["PATHPLANNER_CACHE_DIR"] = str(cache)
    exe = [sys.executable, "-m", "pathplanner"]
    esco_dir, synth_dir = a.work / "esco-graph", a.work / "synthetic"

    t_import = run([*exe, "import", "esco", str(a.esco), "--out", str(esco_dir)], env)
    t_synth = run(
        [
            sys.executable,
            str(HERE / "synthetic.py"),
            str(esco_dir),
            str(synth_dir),
            "--courses",
            str(a.courses),
        ],
        env,
    )
    graphs = [str(esco_dir), str(synth_dir)]
    load = [
        sys.executable,
        "-c",
        "import time; t = time.perf_counter(); c = time.process_time(); "
        "from pathplanner.load import load_catalog; "
        f"load_catalog({graphs!r}); print(time.perf_counter() - t, time.process_time() - c)",
    ]

    def inner(cmd: list[str]) -> tuple[float, float]:
        out = subprocess.run(cmd, check=True, capture_output=True, text=True, env=env).stdout
        wall, cpu = out.strip().splitlines()[-1].split()
        return float(wall), float(cpu)

    t_cold, c_cold = inner(load)
    warm = [inner(load) for _ in range(5)]
    t_warm = statistics.median(w for w, _ in warm)
    c_warm = statistics.median(c for _, c in warm)
    t_warm_process = statistics.median(run(load, env) for _ in range(5))

    from pathplanner.batch import Task, plan_many
    from pathplanner.errors import PlanningError
    from pathplanner.load import load_catalog
    from pathplanner.optimize import Constraints, make_problem, solve
    from pathplanner.profile import build_profile

    catalog = load_catalog(graphs)
    profile = build_profile(catalog, from_role="data-analyst")
    occupations = [r for r in catalog.roles if r.startswith("esco-")]
    timed = occupations[:: a.every]
    latencies: list[float] = []
    statuses: dict[str, int] = {}
    t0 = time.perf_counter()
    cpu: list[float] = []
    for rid in timed:
        t, c = time.perf_counter(), time.process_time()
        try:
            sel = solve(
                make_problem(catalog, profile.skills, catalog.roles[rid].goal(), Constraints())
            )
            statuses[sel.status] = statuses.get(sel.status, 0) + 1
        except PlanningError:
            statuses["infeasible"] = statuses.get("infeasible", 0) + 1
        latencies.append((time.perf_counter() - t) * 1000)
        cpu.append((time.process_time() - c) * 1000)
    t_all = time.perf_counter() - t0

    tasks = [Task("bench", profile, rid) for rid in occupations[: a.many]]
    rates = {}
    for workers in (1, os.cpu_count() or 1):
        t = time.perf_counter()
        n = sum(1 for _ in plan_many(tasks, graphs, workers=workers, summary=True))
        rates[workers] = n / (time.perf_counter() - t)

    print(f"Machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    print(
        f"Graph: {len(catalog.skills)} skills, {len(catalog.resources)} resources "
        f"({a.courses} synthetic), {len(catalog.roles)} roles ({len(occupations)} ESCO occupations)"
    )
    print()
    print("| measure | result | target |")
    print("|---|---|---|")
    print(
        f"| ESCO import (`pathplanner import esco`, whole CLI call) | {t_import:.1f} s | < 20 s |"
    )
    print(f"| synthetic catalogue generation ({a.courses} courses) | {t_synth:.1f} s | |")
    print(
        f"| cold load: imports + parse + validate + cache write | {t_cold:.1f} s "
        f"(CPU {c_cold:.1f} s) | < 5 s |"
    )
    print(
        f"| warm load from cache: imports + load, in a new process (median of 5) | {t_warm:.2f} s "
        f"(CPU {c_warm:.2f} s) | < 0.5 s |"
    )
    print(
        f"| the same, whole process incl. interpreter start and exit | {t_warm_process:.2f} s | |"
    )
    print(f"| plan latency over {len(timed)} occupations, p50 | {pct(latencies, 50):.0f} ms | |")
    print(f"| plan latency, p95 | {pct(latencies, 95):.0f} ms | < 100 ms |")
    print(f"| plan latency, max | {max(latencies):.0f} ms | < 300 ms |")
    print(
        f"| plan CPU time, p50 / p95 / max | {pct(cpu, 50):.0f} / {pct(cpu, 95):.0f} / "
        f"{max(cpu):.0f} ms | |"
    )
    print(f"| {len(timed)} occupations planned, one process | {t_all:.1f} s | |")
    print(f"| outcomes | {', '.join(f'{k}: {v}' for k, v in sorted(statuses.items()))} | |")
    share = statuses.get("optimal", 0) / max(1, len(timed))
    print(f"| share proven optimal within the time limit | {share:.1%} | |")
    for w, r in rates.items():
        print(f"| plan-many throughput, {w} worker(s), {len(tasks)} plans | {r:.1f} plans/s | |")


if __name__ == "__main__":
    main()
