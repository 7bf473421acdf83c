"""Many plans at once: worker processes, results streamed in input order as JSON-ready dicts.

Identical tasks (the same starting state, target and constraints; only the learner's name and
row differ) are solved once. The local engine forks worker processes on Linux, after loading the
catalogue once and freezing it for the garbage collector, so every worker shares its memory;
elsewhere (macOS, Windows) it spawns them and each loads the graph from the on-disk cache.
`pathplanner.cluster` runs the same plans on a Dask cluster.
"""

from __future__ import annotations

import collections
import contextlib
import gc
import multiprocessing
import os
import signal
import sys
from collections.abc import Hashable, Iterable, Iterator, Sequence
from dataclasses import dataclass, fields, replace
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .catalog import Catalog
from .errors import PathPlannerError
from .optimize import Constraints
from .profile import Profile

if TYPE_CHECKING:
    from .cohort import Learner, RowProblem
    from .planner import Plan

__all__ = [
    "Batch",
    "Task",
    "cohort_tasks",
    "plan_cohort",
    "plan_many",
    "plan_one",
    "task_key",
]


@dataclass(frozen=True)
class Task:
    """One plan to make: who (a profile), where to (a role), and a label for the output."""

    learner: str
    profile: Profile
    target: str
    row: int | None = None


# How many distinct solved tasks a run remembers to answer identical later ones.
MEMO_SIZE = 4096


def task_key(task: Task) -> Hashable:
    """Return what a task's plan depends on: everything but the learner's name and row.

    Two tasks with the same key get the same plan, but for the learner's name in it.
    """

    def frozen(value: Any) -> Hashable:
        if isinstance(value, dict):  # in order: the order of skills shows in the plan
            return ("dict", tuple((k, frozen(v)) for k, v in value.items()))
        if isinstance(value, list | tuple):
            return ("seq", tuple(frozen(v) for v in value))
        return value  # type: ignore[no-any-return]

    p = task.profile
    state = tuple((f.name, frozen(getattr(p, f.name))) for f in fields(p) if f.name != "name")
    return (task.target, state)


_CATALOG: Catalog | None = None
_KEY: tuple[tuple[str, ...], bool] | None = None


def _catalog_for(graphs: Sequence[str], builtin: bool) -> Catalog:
    global _CATALOG, _KEY  # one catalog per worker process, loaded on first use
    key = (tuple(graphs), builtin)
    if _CATALOG is None or key != _KEY:
        from .load import load_catalog

        _CATALOG, _KEY = load_catalog(list(graphs), builtin=builtin), key
    return _CATALOG


def _keep_catalog(catalog: Catalog, graphs: Sequence[str], builtin: bool) -> None:
    """Remember a catalogue already loaded from graphs, so that this process (and its forks)
    never load it again."""
    global _CATALOG, _KEY
    _CATALOG, _KEY = catalog, (tuple(graphs), builtin)


def _solve(
    task: Task,
    graphs: Sequence[str] = (),
    builtin: bool = True,
    constraints: Constraints | None = None,
    catalog: Catalog | None = None,
) -> Plan | str:
    """Return the plan of one task, or the message of the error that stopped it."""
    from .planner import plan

    try:
        cat = catalog or _catalog_for(graphs, builtin)
        return plan(cat, task.target, task.profile, constraints=constraints, explain=False)
    except PathPlannerError as err:
        return str(err)


def _line(task: Task, outcome: Plan | str, summary: bool) -> dict[str, Any]:
    """Return the JSON-ready line of a task from its outcome (solved for it or for its twin)."""
    line: dict[str, Any] = {"learner": task.learner, "target": task.target}
    if task.row is not None:
        line["row"] = task.row
    if isinstance(outcome, str):
        line.update(status="error", error=outcome)
        return line
    name = task.profile.name
    if outcome.learner != name:  # an identical task's plan: only the learner's name differs
        state = outcome.state
        if state is not None:
            state = state.model_copy(update={"learner": name})
        outcome = replace(outcome, learner=name, state=state)
    line.update(
        status=outcome.status,
        total_hours=outcome.total_hours,
        total_cost_usd=outcome.total_cost_usd,
        steps=len(outcome.steps),
        weeks=outcome.weeks,
    )
    if not summary:
        line["plan"] = outcome.to_dict()
    return line


def plan_one(
    task: Task,
    graphs: Sequence[str] = (),
    builtin: bool = True,
    constraints: Constraints | None = None,
    summary: bool = False,
    catalog: Catalog | None = None,
) -> dict[str, Any]:
    """Plan one task; return a JSON-ready line. A failure is reported in the line, not raised."""
    return _line(task, _solve(task, graphs, builtin, constraints, catalog), summary)


class _Memo:
    """The outcomes of the last MEMO_SIZE distinct tasks solved, by task_key."""

    def __init__(self) -> None:
        self._got: collections.OrderedDict[Hashable, Plan | str] = collections.OrderedDict()

    def get(self, key: Hashable) -> Plan | str | None:
        found = self._got.get(key)
        if found is not None:
            self._got.move_to_end(key)
        return found

    def put(self, key: Hashable, outcome: Plan | str) -> None:
        self._got[key] = outcome
        if len(self._got) > MEMO_SIZE:
            self._got.popitem(last=False)


LOST_MESSAGE = (
    "the worker process planning this died twice (out of memory or killed); the other plans went on"
)

# What a worker needs besides the task: graph directories, built-in or not, constraints.
_Common = tuple[tuple[str, ...], bool, Constraints | None]


def _serve(conn: Connection, common: _Common) -> None:
    """Run in a worker process: solve each (job id, task) received, until None or a closed pipe."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the parent, which stops us
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    # the linear-algebra library's spare threads would only compete with the other workers
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    graphs, builtin, constraints = common
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        jid, task = job
        outcome: Plan | str
        try:
            outcome = _solve(task, graphs, builtin, constraints)
        except Exception as err:  # a bug must not take the worker (and a retry) with it
            outcome = f"unexpected failure ({type(err).__name__}: {err})"
        conn.send((jid, outcome))


class _Slot:
    """One worker process, its pipe, and the job it is solving (None when idle)."""

    def __init__(self, ctx: Any, common: _Common) -> None:
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=_serve, args=(child, common), daemon=True)
        self.proc.start()
        child.close()
        self.job: int | None = None

    def stop(self) -> None:
        with contextlib.suppress(OSError):
            self.conn.close()
        if self.proc.is_alive():
            self.proc.terminate()
        self.proc.join()


def _context() -> Any:
    """Return the way to start workers: fork is fast and safe on Linux; elsewhere (macOS,
    Windows) only spawn is."""
    return multiprocessing.get_context("fork" if sys.platform.startswith("linux") else "spawn")


def _in_processes(
    tasks: Iterator[Task], common: _Common, n: int, summary: bool
) -> Iterator[dict[str, Any]]:
    """Plan tasks in n worker processes; yield lines in input order.

    Each worker solves one task at a time, so when a worker dies (out of memory, killed) the
    parent knows which task it held: the task is solved once more by a fresh worker, and if
    that one dies too, the task gets an error line. Either way every other task goes on.
    A task identical to one solved or being solved waits for that one instead.
    """
    ctx = _context()
    slots: list[_Slot] = []
    source = enumerate(tasks)
    memo = _Memo()
    jobs: dict[int, tuple[Hashable, Task]] = {}  # job id -> (key, task solved)
    waiting: dict[Hashable, list[tuple[int, Task]]] = {}  # key being solved -> tasks that wait
    retry: collections.deque[int] = collections.deque()
    lost: set[int] = set()
    done: dict[int, dict[str, Any]] = {}
    next_out = 0

    def next_job() -> int | None:
        """Return the next job to send; answer identical tasks on the way."""
        if retry:
            return retry.popleft()
        for index, task in source:
            key = task_key(task)
            known = memo.get(key)
            if known is not None:
                done[index] = _line(task, known, summary)
            elif key in waiting:
                waiting[key].append((index, task))
            else:
                waiting[key] = [(index, task)]
                jobs[index] = (key, task)
                return index
        return None

    def finish(jid: int, outcome: Plan | str, retried: bool) -> None:
        key, _ = jobs.pop(jid)
        for index, task in waiting.pop(key):
            line = _line(task, outcome, summary)
            if retried:
                line["retried"] = True
            done[index] = line
        if outcome is not LOST_MESSAGE:
            memo.put(key, outcome)

    try:
        if ctx.get_start_method() == "fork":
            # what the parent holds now (the catalogue above all) is never traversed by the
            # collector again, so the forked workers share those pages instead of copying them
            gc.freeze()
        slots = [_Slot(ctx, common) for _ in range(n)]
        more = True
        while True:
            for i, slot in enumerate(slots):
                # a lost task is sent again even after the input ran out
                if slot.job is not None or not (more or retry):
                    continue
                jid = next_job()
                if jid is None:
                    more = False
                    continue
                if not slot.proc.is_alive():
                    slot.stop()
                    slots[i] = slot = _Slot(ctx, common)
                slot.job = jid
                with contextlib.suppress(OSError):  # a worker that just died: see its sentinel
                    slot.conn.send((jid, jobs[jid][1]))
            busy = [s for s in slots if s.job is not None]
            if not busy:  # nothing left to send, nothing under way
                break
            ready = set(wait([s.conn for s in busy] + [s.proc.sentinel for s in busy]))
            for i, slot in enumerate(slots):
                if slot.job is None or not ({slot.conn, slot.proc.sentinel} & ready):
                    continue
                jid = slot.job
                try:
                    got = slot.conn.poll() and slot.conn.recv()
                except Exception:  # a message cut short by the worker's death
                    got = None
                if got:
                    finish(jid, got[1], jid in lost)
                    slot.job = None
                    continue
                if slot.proc.is_alive() and slot.proc.sentinel not in ready:
                    continue
                slot.stop()
                slots[i] = _Slot(ctx, common)
                if jid in lost:
                    finish(jid, LOST_MESSAGE, False)
                else:
                    lost.add(jid)
                    retry.append(jid)
            while next_out in done:
                yield done.pop(next_out)
                next_out += 1
        while next_out in done:  # the last tasks, answered by identical ones
            yield done.pop(next_out)
            next_out += 1
    finally:
        for slot in slots:
            slot.stop()


def _in_this_process(
    tasks: Iterable[Task], common: _Common, summary: bool
) -> Iterator[dict[str, Any]]:
    memo = _Memo()
    for task in tasks:
        key = task_key(task)
        outcome = memo.get(key)
        if outcome is None:
            outcome = _solve(task, *common)
            memo.put(key, outcome)
        yield _line(task, outcome, summary)


def plan_many(
    tasks: Iterable[Task],
    graphs: Sequence[str | Path] = (),
    builtin: bool = True,
    constraints: Constraints | None = None,
    workers: int | None = None,
    summary: bool = False,
    catalog: Catalog | None = None,
) -> Iterator[dict[str, Any]]:
    """Yield one result per task, in input order, as worker processes finish them.

    workers=1 plans in this process. The graph must already be valid: `catalog`, when given,
    is the one loaded from `graphs` and `builtin` (else it is loaded here, from the cache);
    forked workers share it. Identical tasks (see `task_key`) are solved once. A task whose
    worker process dies is solved once more; if it is lost again, its line says so (status
    "error") and a line solved on the second try carries "retried": true.
    """
    dirs = tuple(str(g) for g in graphs)
    n = workers or os.cpu_count() or 1
    common: _Common = (dirs, builtin, constraints)
    if catalog is not None:
        _keep_catalog(catalog, dirs, builtin)
    if n <= 1:
        yield from _in_this_process(tasks, common, summary)
        return
    if catalog is None and _context().get_start_method() == "fork":
        with contextlib.suppress(PathPlannerError):  # a broken graph: each line will say so
            _catalog_for(dirs, builtin)
    yield from _in_processes(iter(tasks), common, n, summary)


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
    engine: str = "local",
    scheduler: str | None = None,
) -> Batch:
    """Plan every learner of a cohort file to `target` (None: to every role), in parallel.

    `catalog` is the graph loaded from `graphs` and `builtin` (forked workers share it;
    spawned ones load it again from the cache). The cohort is read and the excluded providers
    and kinds are checked now; the plans are made as `lines` is read. `engine` "dask" plans them on the Dask cluster
    at `scheduler` (None: a local one of `workers` processes), see `pathplanner.cluster`.
    """
    from .cohort import read_cohort
    from .planner import check_exclusions

    learners, problems = read_cohort(catalog, cohort)
    tasks = cohort_tasks(catalog, learners, target)
    if constraints is not None:
        check_exclusions(catalog, constraints)
    lines: Iterator[dict[str, Any]]
    if engine == "dask":
        from .cluster import plan_many_dask

        lines = plan_many_dask(tasks, graphs, builtin, constraints, summary,
                               scheduler=scheduler, workers=workers)  # fmt: skip
    else:
        lines = plan_many(tasks, graphs, builtin, constraints, workers, summary, catalog)
    return Batch(tasks, problems, lines)
