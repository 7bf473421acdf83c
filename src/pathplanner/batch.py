"""Many plans at once: worker processes, results streamed in input order as JSON-ready dicts.

`plan_one` is a plain function of picklable arguments, so a cluster engine can call it too:
Dask (`dask.bag.from_sequence(tasks).map(plan_one, graphs=...)`) or Spark
(`rdd.map(lambda t: plan_one(t, graphs=...))`). Each worker process loads the validated graph
once, from the on-disk cache.
"""

from __future__ import annotations

import collections
import contextlib
import multiprocessing
import os
import signal
import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .catalog import Catalog
from .errors import PathPlannerError
from .optimize import Constraints
from .profile import Profile

if TYPE_CHECKING:
    from .cohort import Learner, RowProblem

__all__ = ["Batch", "Task", "cohort_tasks", "plan_cohort", "plan_many", "plan_one"]


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
        line["plan"] = p.to_dict()
    return line


_Args = tuple[Task, tuple[str, ...], bool, Constraints | None, bool]

LOST_MESSAGE = (
    "the worker process planning this died twice (out of memory or killed); the other plans went on"
)


def _error_line(task: Task, message: str) -> dict[str, Any]:
    line: dict[str, Any] = {"learner": task.learner, "target": task.target}
    if task.row is not None:
        line["row"] = task.row
    line.update(status="error", error=message)
    return line


def _worker(args: _Args) -> dict[str, Any]:
    task, graphs, builtin, constraints, summary = args
    return plan_one(task, graphs, builtin, constraints, summary)


def _serve(conn: Connection) -> None:
    """Run in a worker process: plan each (index, args) received, until None or a closed pipe."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the parent, which stops us
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        index, args = job
        try:
            line = _worker(args)
        except Exception as err:  # a bug must not take the worker (and a retry) with it
            line = _error_line(args[0], f"internal error ({type(err).__name__}: {err})")
        conn.send((index, line))


class _Slot:
    """One worker process, its pipe, and the job it is planning (None when idle)."""

    def __init__(self, ctx: Any) -> None:
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=_serve, args=(child,), daemon=True)
        self.proc.start()
        child.close()
        self.job: tuple[int, _Args] | None = None

    def stop(self) -> None:
        with contextlib.suppress(OSError):
            self.conn.close()
        if self.proc.is_alive():
            self.proc.terminate()
        self.proc.join()


def _in_processes(jobs: Iterator[tuple[int, _Args]], n: int) -> Iterator[dict[str, Any]]:
    """Plan jobs in n worker processes; yield lines in input order.

    Each worker plans one task at a time, so when a worker dies (out of memory, killed) the
    parent knows which task it held: the task is planned once more by a fresh worker, and if
    that one dies too, the task gets an error line. Either way every other task goes on.
    """
    # fork is fast and safe on Linux; elsewhere (macOS, Windows) only spawn is
    ctx = multiprocessing.get_context("fork" if sys.platform.startswith("linux") else "spawn")
    slots: list[_Slot] = []
    retry: collections.deque[tuple[int, _Args]] = collections.deque()
    lost: set[int] = set()
    done: dict[int, dict[str, Any]] = {}
    next_out = 0
    more = True
    try:
        slots = [_Slot(ctx) for _ in range(n)]
        while True:
            for i, slot in enumerate(slots):
                if slot.job is not None:
                    continue
                if retry:
                    job = retry.popleft()
                elif more and (nxt := next(jobs, None)) is not None:
                    job = nxt
                else:
                    more = False
                    continue
                if not slot.proc.is_alive():
                    slot.stop()
                    slots[i] = slot = _Slot(ctx)
                slot.job = job
                with contextlib.suppress(OSError):  # a worker that just died: see its sentinel
                    slot.conn.send(job)
            busy = [s for s in slots if s.job is not None]
            if not busy:
                break
            ready = set(wait([s.conn for s in busy] + [s.proc.sentinel for s in busy]))
            for i, slot in enumerate(slots):
                if slot.job is None or not ({slot.conn, slot.proc.sentinel} & ready):
                    continue
                index, args = slot.job
                try:
                    got = slot.conn.poll() and slot.conn.recv()
                except Exception:  # a message cut short by the worker's death
                    got = None
                if got:
                    line = got[1]
                    if index in lost:
                        line["retried"] = True
                    done[index] = line
                    slot.job = None
                    continue
                if slot.proc.is_alive() and slot.proc.sentinel not in ready:
                    continue
                slot.stop()
                slots[i] = _Slot(ctx)
                if index in lost:
                    done[index] = _error_line(args[0], LOST_MESSAGE)
                else:
                    lost.add(index)
                    retry.append((index, args))
            while next_out in done:
                yield done.pop(next_out)
                next_out += 1
    finally:
        for slot in slots:
            slot.stop()


def plan_many(
    tasks: Iterable[Task],
    graphs: Sequence[str | Path] = (),
    builtin: bool = True,
    constraints: Constraints | None = None,
    workers: int | None = None,
    summary: bool = False,
) -> Iterator[dict[str, Any]]:
    """Yield one result per task, in input order, as worker processes finish them.

    workers=1 plans in this process. The graph must already be valid: load it once first
    (load_catalog) so that the workers find it in the cache. A task whose worker process dies
    is planned once more; if it is lost again, its line says so (status "error") and a line
    planned on the second try carries "retried": true.
    """
    dirs = tuple(str(g) for g in graphs)
    n = workers or os.cpu_count() or 1
    jobs: Iterator[_Args] = ((t, dirs, builtin, constraints, summary) for t in tasks)
    if n <= 1:
        yield from map(_worker, jobs)
        return
    yield from _in_processes(enumerate(jobs), n)


def cohort_tasks(catalog: Catalog, learners: Iterable[Learner], target: str | None) -> list[Task]:
    """Return a task per learner and role: to `target`, or (None) to every role in turn."""
    roles = [catalog.resolve("role", target)] if target else list(catalog.roles)
    return [Task(x.name, x.profile, r, x.row) for x in learners for r in roles]


@dataclass(frozen=True)
class Batch:
    """A cohort's plans under way: the tasks, the rows that could not be read, the lines."""

    tasks: list[Task]
    problems: list[RowProblem]
    lines: Iterator[dict[str, Any]]  # one per task, in order, as `plan_many` yields them


def plan_cohort(
    catalog: Catalog,
    cohort: str | Path,
    target: str | None = None,
    *,
    graphs: Sequence[str | Path] = (),
    builtin: bool = True,
    constraints: Constraints | None = None,
    workers: int | None = None,
    summary: bool = False,
) -> Batch:
    """Plan every learner of a cohort file to `target` (None: to every role), in parallel.

    `catalog` is the graph loaded from `graphs` and `builtin` (the workers load it again from
    the cache). The cohort is read and the excluded providers and kinds are checked now;
    the plans are made as `lines` is read.
    """
    from .cohort import read_cohort
    from .planner import check_exclusions

    learners, problems = read_cohort(catalog, cohort)
    tasks = cohort_tasks(catalog, learners, target)
    if constraints is not None:
        check_exclusions(catalog, constraints)
    lines = plan_many(tasks, graphs, builtin, constraints, workers, summary)
    return Batch(tasks, problems, lines)
