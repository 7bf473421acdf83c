"""Many plans on a Dask cluster: the same lines as the local engine, in the same order.

Install the extra (`pip install 'pathplanner[dask]'`). Every worker reads the graph from the
same path (a shared or copied directory) and loads it once, when it joins, through a worker
plugin: no large object travels over the network. Tasks go in partitions of about a thousand
distinct tasks; identical tasks (`pathplanner.batch.task_key`) are solved once. The workers
return plans, and this process writes the lines as the local engine does, so both engines give
the same bytes.
"""

from __future__ import annotations

import collections
import contextlib
import importlib
import os
from collections.abc import Hashable, Iterable, Iterator, Sequence, Sized
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import batch
from .batch import LOST_MESSAGE, Task, task_key
from .errors import EngineError, PathPlannerError
from .optimize import Constraints

if TYPE_CHECKING:
    from .planner import Plan

_PluginBase: Any = object
with contextlib.suppress(ImportError):  # without the extra, plan_many_dask says what to install
    # the plugin must be a WorkerPlugin for the client to send it to the workers
    _PluginBase = importlib.import_module("distributed").WorkerPlugin

__all__ = ["PARTITION_SIZE", "GraphPlugin", "plan_many_dask"]

PARTITION_SIZE = 1000  # distinct tasks per Dask task: big enough to hide the scheduling cost

_Common = tuple[tuple[str, ...], bool, Constraints | None]


class GraphPlugin(_PluginBase):  # type: ignore[misc]
    """Load the graph from its path once in each worker process, when the worker starts."""

    def __init__(self, graphs: Sequence[str], builtin: bool) -> None:
        self.graphs = tuple(graphs)
        self.builtin = builtin
        self.name = "pathplanner-graph"  # a second run replaces the first run's plugin

    def setup(self, worker: Any = None) -> None:
        """Load the graph (a broken one is reported in every line, as locally)."""
        os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
        with contextlib.suppress(PathPlannerError):
            batch._catalog_for(self.graphs, self.builtin)


def solve_partition(tasks: list[Task], common: _Common) -> list[Plan | str]:
    """Solve a partition of distinct tasks on a worker; return each plan or error message."""
    graphs, builtin, constraints = common
    out: list[Plan | str] = []
    for task in tasks:
        try:
            out.append(batch._solve(task, graphs, builtin, constraints))
        except Exception as err:  # a bug must not lose the whole partition
            out.append(f"unexpected failure ({type(err).__name__}: {err})")
    return out


def _client(scheduler: str | None, workers: int | None) -> tuple[Any, Any]:
    """Return a client of the cluster at `scheduler`, or of a new local one, and that cluster."""
    try:
        distributed: Any = importlib.import_module("distributed")
    except ImportError:
        raise EngineError(
            "the Dask engine needs the dask extra: pip install 'pathplanner[dask]'"
        ) from None
    if scheduler:
        try:
            return distributed.Client(scheduler, timeout="10s"), None
        except (OSError, TimeoutError) as err:
            raise EngineError(f"cannot reach the Dask scheduler at {scheduler}: {err}") from None
    cluster = distributed.LocalCluster(
        n_workers=workers or os.cpu_count() or 1,
        threads_per_worker=1,
        processes=True,
        dashboard_address=":0",  # any free port: other clusters may run here
    )
    return distributed.Client(cluster), cluster


def plan_many_dask(
    tasks: Iterable[Task],
    graphs: Sequence[str | Path] = (),
    builtin: bool = True,
    constraints: Constraints | None = None,
    summary: bool = False,
    *,
    scheduler: str | None = None,
    workers: int | None = None,
    partition_size: int | None = None,
    client: Any = None,
) -> Iterator[dict[str, Any]]:
    """Yield one line per task, in input order, planned on a Dask cluster.

    The cluster is `client`'s, or the one whose scheduler listens at `scheduler`
    ('tcp://host:8786'), or else a new local cluster of `workers` processes (default: one per
    core), closed at the end. Every worker must be able to read `graphs` at the same paths.
    Partitions hold `partition_size` distinct tasks (default: PARTITION_SIZE, or fewer for a
    short list, so that every worker gets about four).
    A partition whose worker dies is planned again task by task; a task lost twice gets an
    error line. The lines are those `pathplanner.batch.plan_many` writes.
    """
    dirs = tuple(str(Path(g).resolve()) for g in graphs)  # a worker's directory may differ
    common: _Common = (dirs, builtin, constraints)
    cluster = None
    if client is None:
        client, cluster = _client(scheduler, workers)
        owned = client
    else:
        owned = None
    try:
        client.register_plugin(GraphPlugin(dirs, builtin))
        size = max(1, len(client.scheduler_info().get("workers", {})))
        if partition_size is None:
            partition_size = PARTITION_SIZE
            if isinstance(tasks, Sized):  # a short list: about four partitions a worker
                partition_size = max(1, min(PARTITION_SIZE, -(-len(tasks) // (4 * size))))
        yield from _stream(client, iter(tasks), common, summary, partition_size, 2 * size)
    finally:
        if owned is not None:
            owned.close()
        if cluster is not None:
            cluster.close()


def _stream(
    client: Any,
    tasks: Iterator[Task],
    common: _Common,
    summary: bool,
    size: int,
    window: int,
) -> Iterator[dict[str, Any]]:
    """Submit partitions of distinct tasks, at most `window` at a time; yield lines in order."""
    memo = batch._Memo()
    waiting: dict[Hashable, list[tuple[int, Task]]] = {}
    done: dict[int, dict[str, Any]] = {}
    flight: collections.deque[tuple[Any, list[Hashable], list[Task]]] = collections.deque()
    part_keys: list[Hashable] = []
    part: list[Task] = []
    next_out = 0

    def finish(key: Hashable, outcome: Plan | str, retried: bool) -> None:
        for index, task in waiting.pop(key):
            line = batch._line(task, outcome, summary)
            if retried:
                line["retried"] = True
            done[index] = line
        if outcome is not LOST_MESSAGE:
            memo.put(key, outcome)

    def submit() -> None:
        future = client.submit(solve_partition, list(part), common, pure=False)
        flight.append((future, list(part_keys), list(part)))
        part.clear()
        part_keys.clear()

    def collect() -> None:
        future, keys, group = flight.popleft()
        try:
            outcomes = future.result()
        except Exception:  # a worker died under it: each task once more, on its own
            for key, task in zip(keys, group, strict=True):
                try:
                    one = client.submit(solve_partition, [task], common, pure=False).result()
                    finish(key, one[0], True)
                except Exception:
                    finish(key, LOST_MESSAGE, False)
            return
        for key, outcome in zip(keys, outcomes, strict=True):
            finish(key, outcome, False)

    for index, task in enumerate(tasks):
        key = task_key(task)
        known = memo.get(key)
        if known is not None:
            done[index] = batch._line(task, known, summary)
        elif key in waiting:
            waiting[key].append((index, task))
        else:
            waiting[key] = [(index, task)]
            part_keys.append(key)
            part.append(task)
            if len(part) >= size:
                submit()
                if len(flight) >= window:
                    collect()
        while next_out in done:
            yield done.pop(next_out)
            next_out += 1
    if part:
        submit()
    while flight:
        collect()
        while next_out in done:
            yield done.pop(next_out)
            next_out += 1
