"""Many plans at once: worker processes, results streamed in input order as JSON-ready dicts.

`plan_one` is a plain function of picklable arguments, so a cluster engine can call it too:
Dask (`dask.bag.from_sequence(tasks).map(plan_one, graphs=...)`) or Spark
(`rdd.map(lambda t: plan_one(t, graphs=...))`). Each worker process loads the validated graph
once, from the on-disk cache.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import PathPlannerError
from .graph import Catalog
from .optimize import Constraints
from .profile import Profile

__all__ = ["Task", "plan_many", "plan_one"]


@dataclass(frozen=True)
class Task:
    """One plan to make: who (a profile), where to (a role), and a label for the output."""

    learner: str
    profile: Profile
    target: str
    row: int | None = None


_CATALOG: Catalog | None = None
_KEY: tuple[tuple[str, ...], bool] | None = None


def _catalog_for(graphs: Sequence[str], builtin: bool) -> Catalog:
    global _CATALOG, _KEY  # one catalog per worker process, loaded on first use
    key = (tuple(graphs), builtin)
    if _CATALOG is None or key != _KEY:
        from .load import load_catalog

        _CATALOG, _KEY = load_catalog(list(graphs), builtin=builtin), key
    return _CATALOG


def plan_one(
    task: Task,
    graphs: Sequence[str] = (),
    builtin: bool = True,
    constraints: Constraints | None = None,
    summary: bool = False,
    catalog: Catalog | None = None,
) -> dict[str, Any]:
    """Plan one task; return a JSON-ready line. A failure is reported in the line, not raised."""
    from .planner import plan

    line: dict[str, Any] = {"learner": task.learner, "target": task.target}
    if task.row is not None:
        line["row"] = task.row
    try:
        cat = catalog or _catalog_for(graphs, builtin)
        p = plan(cat, task.target, task.profile, constraints=constraints, explain=False)
    except PathPlannerError as err:
        line["status"] = "error"
        line["error"] = str(err)
        return line
    line.update(
        status=p.status,
        total_hours=p.total_hours,
        total_cost_usd=p.total_cost_usd,
        steps=len(p.steps),
        weeks=p.weeks,
    )
    if not summary:
        line["plan"] = p.to_json()
    return line


def _worker(args: tuple[Task, tuple[str, ...], bool, Constraints | None, bool]) -> dict[str, Any]:
    task, graphs, builtin, constraints, summary = args
    return plan_one(task, graphs, builtin, constraints, summary)


def plan_many(
    tasks: Iterable[Task],
    graphs: Sequence[str | Path] = (),
    builtin: bool = True,
    constraints: Constraints | None = None,
    workers: int | None = None,
    summary: bool = False,
    chunksize: int = 8,
) -> Iterator[dict[str, Any]]:
    """Yield one result per task, in input order, as worker processes finish them.

    workers=1 plans in this process. The graph must already be valid: load it once first
    (load_catalog) so that the workers find it in the cache.
    """
    dirs = tuple(str(g) for g in graphs)
    n = workers or os.cpu_count() or 1
    jobs = ((t, dirs, builtin, constraints, summary) for t in tasks)
    if n <= 1:
        yield from map(_worker, jobs)
        return
    ctx = multiprocessing.get_context("fork" if os.name == "posix" else "spawn")
    with ctx.Pool(n) as pool:
        yield from pool.imap(_worker, jobs, chunksize=chunksize)
