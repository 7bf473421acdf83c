"""The Dask engine: the same bytes as the local engine, on a two-worker local cluster."""

from __future__ import annotations

import importlib.util
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from pathplanner.batch import Task, plan_many
from pathplanner.cli import cli
from pathplanner.profile import build_profile

HAVE_DASK = importlib.util.find_spec("distributed") is not None
if not HAVE_DASK and not os.environ.get("PATHPLANNER_REQUIRE_DASK"):
    pytest.skip(
        "dask is not installed (pip install 'pathplanner[dask]'; CI sets PATHPLANNER_REQUIRE_DASK)",
        allow_module_level=True,
    )


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A two-worker local cluster, one thread each, shared by this module's tests."""
    from distributed import Client, LocalCluster

    cache = tmp_path_factory.mktemp("cache")
    os.environ["PATHPLANNER_CACHE_DIR"] = str(cache)  # the workers inherit it
    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
        ) as cluster,
        Client(cluster) as c,
    ):
        yield c


def _lines(lines: Iterator[dict[str, Any]]) -> bytes:
    from pathplanner._io import dumps_json_line

    return "".join(dumps_json_line(x) + "\n" for x in lines).encode("utf-8")


def test_dask_lines_are_the_local_engines_byte_for_byte(
    client: Any, mini: Any, mini_dir: Path
) -> None:
    from pathplanner.cluster import plan_many_dask

    starts = [{}, {"python": 1}, {"python": 2}, {"sql": 1}, {"python": 2, "linux": 1}]
    work = [
        Task(f"L{i}", build_profile(mini, have=h), target, i)
        for i, (h, target) in enumerate(
            (h, t) for _ in range(3) for h in starts for t in ("mle", "analyst", "nope")
        )
    ]  # 45 tasks, 15 distinct, a failure among them
    local = _lines(plan_many(work, [mini_dir], builtin=False, workers=1))
    # partitions of 4 distinct tasks: several partitions in flight, twins across partitions
    dask = _lines(plan_many_dask(work, [mini_dir], builtin=False, client=client, partition_size=4))
    assert dask == local
    first = json.loads(dask.splitlines()[0])
    assert first["status"] == "optimal" and first["plan"]["format"] == "pathplanner-plan/1"
    # each worker holds the graph, loaded by the plugin from the path (nothing scattered)
    held = client.run(lambda: __import__("pathplanner.batch").batch._CATALOG is not None)
    assert list(held.values()) == [True, True]


def test_cli_engine_dask_on_a_scheduler(client: Any, tmp_path: Path, mini_dir: Path) -> None:
    cohort = tmp_path / "c.csv"
    cohort.write_text("name,have\nSam,python:1\nAna,python:2\nBo,python:1\n")
    base = ["plan-many", "--no-builtin", "--graph", str(mini_dir), "--profiles", str(cohort),
            "--all-roles", "--summary"]  # fmt: skip
    local = CliRunner().invoke(cli, [*base, "--workers", "1", "-o", str(tmp_path / "l.jsonl")])
    assert local.exit_code == 0, local.output
    address = client.scheduler.address
    dask = CliRunner().invoke(
        cli, [*base, "--engine", "dask", "--scheduler", address, "-o", str(tmp_path / "d.jsonl")]
    )
    assert dask.exit_code == 0, dask.output
    assert (tmp_path / "d.jsonl").read_bytes() == (tmp_path / "l.jsonl").read_bytes()
    assert len((tmp_path / "d.jsonl").read_bytes().splitlines()) == 6


class _Deadly:
    """A worker plugin (test only): a worker dies on the task of learner "Doomed", as if the
    out-of-memory killer took it."""

    name = "pathplanner-test-deadly"

    def setup(self, worker: Any = None) -> None:
        import pathplanner.batch as batch

        real = batch._solve

        def deadly(task: Any, *args: Any, **kwargs: Any) -> Any:
            if task.learner == "Doomed":
                os._exit(137)
            return real(task, *args, **kwargs)

        batch._solve = deadly


def test_a_partition_whose_worker_dies_is_planned_again_task_by_task(
    mini: Any, mini_dir: Path
) -> None:
    import cloudpickle
    import dask
    from distributed import Client, LocalCluster, WorkerPlugin

    import pathplanner.batch as batch
    from pathplanner.cluster import plan_many_dask

    plugin = type("Deadly", (_Deadly, WorkerPlugin), {})()
    cloudpickle.register_pickle_by_value(__import__(__name__))  # the workers cannot import tests
    names = ["Sam", "Doomed", "Ana", "Kim"]
    starts = [{}, {"python": 1}, {"python": 2}, {"sql": 1}]
    work = [Task(n, build_profile(mini, have=h), "mle", i)
            for i, (n, h) in enumerate(zip(names, starts, strict=True))]  # fmt: skip
    # one death is enough for the scheduler to give up on a task: two deaths in all here
    with (
        dask.config.set({"distributed.scheduler.allowed-failures": 0}),
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
        ) as cluster,
        Client(cluster) as c,
    ):
        c.register_plugin(plugin)
        got = plan_many_dask(work, [mini_dir], builtin=False, client=c, summary=True,
                             partition_size=4)  # fmt: skip
        lines = list(got)
    assert [line["learner"] for line in lines] == names
    by_name = {line["learner"]: line for line in lines}
    assert by_name.pop("Doomed") == {
        "learner": "Doomed", "target": "mle", "row": 1, "status": "error",
        "error": batch.LOST_MESSAGE,
    }  # fmt: skip
    for line in by_name.values():  # the rest of its partition, planned again one by one
        assert line["status"] == "optimal" and line["retried"] is True
