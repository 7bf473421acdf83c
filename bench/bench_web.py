"""Load test of the planner page: 50 concurrent clients planning on the built-in graph.

Run from the repository root inside the project's environment:

    python bench/bench_web.py                  # 50 clients for 30 s
    python bench/bench_web.py --clients 10 --seconds 5

The server is the project's own `pathplanner serve`, started in a separate process on a free
loopback port (127.0.0.1 only) with a fresh data directory; the clients are threads using
urllib, in this process. Nothing leaves this machine, and the run stops by itself.

1. Set-up (timed apart): each client makes its own learner (`POST /api/learners`, a role
   pair of its own among the built-in pairs) and opens its plan page once, and the 20 role
   pairs of step 2 are planned once by the API. These are cold plans: each is solved (and,
   for a page, explained and rendered) for the first time, all at once on 2 cores.
2. The timed run: for the given seconds every client loops over: its plan page
   (`GET /plan/ID`, the whole HTML page), a plan by the API for one of 20 role pairs
   (`POST /api/plan`), and the role list (`GET /api/roles`, the floor: the least a request costs).
   Plans are deterministic, so the server keeps recent plans by their state: a page seen
   before is rendered, not solved again.

Every response must be 200/201 with the expected content; any other counts as an error.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections import defaultdict
from pathlib import Path

from pathplanner.load import load_catalog


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    k = max(0, min(len(values) - 1, round(q / 100 * (len(values) - 1))))
    return values[k]


def call(url: str, body: object = None) -> tuple[int, bytes]:
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url, data, method="GET" if body is None else "POST")
    if body is not None:
        req.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(req, timeout=120) as resp:
        return resp.status, resp.read()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=30.0)
    args = ap.parse_args()

    roles = sorted(load_catalog().roles)
    pairs = [(a, b) for a in roles for b in roles if a != b]
    api_pairs = pairs[:: max(1, len(pairs) // 20)][:20]
    with tempfile.TemporaryDirectory() as data:
        src = str(Path(__file__).resolve().parents[1] / "src")
        env = {**os.environ, "PYTHONPATH": src + os.pathsep + os.environ.get("PYTHONPATH", "")}
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "pathplanner",
                "serve",
                "--no-browser",
                "--data",
                data,
                "--threads",
                "8",
            ],
            stdout=subprocess.PIPE,
            text=True,
            env=env,
        )
        try:
            assert server.stdout is not None
            line = server.stdout.readline()
            url = line.split()[5]
            assert url.startswith("http://127.0.0.1:"), line
            report = run(url, pairs, api_pairs, args.clients, args.seconds)
        finally:
            server.terminate()
            server.wait(30)
    print(report)


def run(
    url: str,
    pairs: list[tuple[str, str]],
    api_pairs: list[tuple[str, str]],
    clients: int,
    seconds: float,
) -> str:
    lat: dict[str, list[float]] = defaultdict(list)
    errors: list[str] = []
    lock = threading.Lock()
    learners: dict[int, str] = {}
    cold: list[float] = []

    def setup(i: int) -> None:
        a, b = pairs[(i * 7) % len(pairs)]
        t = time.perf_counter()
        try:
            status, body = call(url + "api/learners", {"from": a, "to": b})
            lid = json.loads(body)["id"]
            status2, page = call(f"{url}plan/{lid}")
            assert status == 201 and status2 == 200 and b"Study plan:" in page
        except Exception as err:  # a failure is counted, not raised
            with lock:
                errors.append(f"setup {a}->{b}: {err}")
            return
        with lock:
            cold.append(time.perf_counter() - t)
            learners[i] = lid

    def warm(i: int) -> None:
        a, b = api_pairs[i]
        try:
            call(url + "api/plan", {"from": a, "to": b})
        except Exception as err:
            with lock:
                errors.append(f"warm {a}->{b}: {err}")

    threads = [threading.Thread(target=setup, args=(i,)) for i in range(clients)]
    threads += [threading.Thread(target=warm, args=(i,)) for i in range(len(api_pairs))]
    t0 = time.perf_counter()
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    setup_s = time.perf_counter() - t0

    deadline = time.perf_counter() + seconds

    def client(i: int) -> None:
        n = i
        lid = learners.get(i)
        while time.perf_counter() < deadline:
            n += 1
            a, b = api_pairs[n % len(api_pairs)]
            jobs = [("GET /api/roles", url + "api/roles", None, b'"id"')]
            if lid:
                jobs.append(("GET /plan/ID (page)", f"{url}plan/{lid}", None, b"Study plan:"))
            jobs.append(("POST /api/plan", url + "api/plan", {"from": a, "to": b}, b"pathplanner-plan/1"))  # fmt: skip
            for kind, target, body, expect in jobs:
                t = time.perf_counter()
                try:
                    status, data = call(target, body)
                    ok = status == 200 and expect in data
                except Exception as err:
                    ok, status = False, str(err)  # type: ignore[assignment]
                took = time.perf_counter() - t
                with lock:
                    if ok:
                        lat[kind].append(took)
                    else:
                        errors.append(f"{kind}: {status}")

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    t1 = time.perf_counter()
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    wall = time.perf_counter() - t1

    total = sum(len(v) for v in lat.values())
    floor = pct(lat["GET /api/roles"], 50) if lat["GET /api/roles"] else float("nan")
    out = [
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        f"Server: pathplanner serve (waitress, 8 threads), built-in graph, {url}",
        f"Clients: {clients} threads for {seconds:g} s; errors: {len(errors)}",
        "",
        f"Set-up: {len(cold)} learners made and their pages first opened (cold: solved, explained,",
        f"rendered) in {setup_s:.1f} s; per client p50 {pct(cold, 50) * 1000:.0f} ms, "
        f"p95 {pct(cold, 95) * 1000:.0f} ms"
        if cold
        else "Set-up: no learner was made",
        "",
        "| request (timed run) | count | p50 ms | p95 ms | max ms | p50 / floor |",
        "|---|---|---|---|---|---|",
    ]
    for kind in ("GET /plan/ID (page)", "POST /api/plan", "GET /api/roles"):
        v = lat[kind]
        if v:
            out.append(
                f"| `{kind}` | {len(v)} | {pct(v, 50) * 1000:.1f} | {pct(v, 95) * 1000:.1f} | "
                f"{max(v) * 1000:.1f} | {pct(v, 50) / floor:.2f} |"
            )
    out += ["", f"Throughput: {total / wall:.0f} requests/s over {wall:.1f} s ({total} requests)"]
    if errors:
        out += ["", "First errors:", *errors[:10]]
    return "\n".join(out)


if __name__ == "__main__":
    main()
