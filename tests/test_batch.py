"""Many plans at once: same results in parallel as in one process, failures in their own line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from pathplanner.batch import Task, plan_many, plan_one
from pathplanner.cli import cli
from pathplanner.optimize import Constraints
from pathplanner.profile import build_profile


def tasks(mini: Any) -> list[Task]:
    return [
        Task("Sam", build_profile(mini, from_role="analyst"), "mle", 2),
        Task("Ana", build_profile(mini, have={"python": 2}), "mle", 3),
        Task("Rich", build_profile(mini), "analyst", 4),
    ]


def test_parallel_equals_serial_and_keeps_order(mini: Any, mini_dir: Path) -> None:
    serial = list(plan_many(tasks(mini), [mini_dir], builtin=False, workers=1, summary=True))
    parallel = list(plan_many(tasks(mini), [mini_dir], builtin=False, workers=2, summary=True))
    assert serial == parallel
    assert [(r["learner"], r["status"], r["total_hours"]) for r in serial] == [
        ("Sam", "optimal", 40.0),
        ("Ana", "optimal", 34.0),
        ("Rich", "optimal", 10.0),
    ]


def test_a_failure_is_reported_in_its_line(mini: Any, mini_dir: Path) -> None:
    broke = Constraints(budget_usd=5, with_certs=("cert-x",))
    line = plan_one(tasks(mini)[0], [str(mini_dir)], builtin=False, constraints=broke)
    assert line["status"] == "error"
    assert line["error"].startswith("no plan fits the budget")
    full = plan_one(tasks(mini)[1], catalog=mini)
    assert full["plan"]["format"] == "pathplanner-plan/1"


def test_cli_streams_json_lines(tmp_path: Path, mini_dir: Path) -> None:
    cohort = tmp_path / "c.csv"
    cohort.write_text("name,have\nSam,python:1\nBad,pyhton:1\nAna,python:2\n")
    result = CliRunner().invoke(
        cli,
        [
            "plan-many",
            "--no-builtin",
            "--graph",
            str(mini_dir),
            "--profiles",
            str(cohort),
            "--all-roles",
            "--summary",
            "--workers",
            "2",
        ],
    )
    assert result.exit_code == 0, result.output
    lines = [json.loads(x) for x in result.output.splitlines() if x.startswith("{")]
    assert [(x["learner"], x["target"]) for x in lines] == [
        ("Sam", "analyst"),
        ("Sam", "mle"),
        ("Ana", "analyst"),
        ("Ana", "mle"),
    ]
    assert "skipped: " in result.output and "line 3: Bad: " in result.output
    both = CliRunner().invoke(
        cli,
        ["plan-many", "--no-builtin", "--graph", str(mini_dir), "--profiles", str(cohort)],
    )
    assert both.exit_code == 2 and "give exactly one of --to ROLE and --all-roles" in both.output


# -- identical tasks, and the same bytes as before -----------------------------------------------


def _named(profile: Any, name: str | None) -> Any:
    import dataclasses

    return dataclasses.replace(profile, name=name)


def test_identical_tasks_are_solved_once(
    tmp_path: Path, mini: Any, mini_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Learners with the same start and target share one solve (in every worker process)."""
    import pathplanner.batch as batch

    real_solve = batch._solve
    log = tmp_path / "solved.log"

    def counted(task: Task, *args: Any, **kwargs: Any) -> Any:
        with log.open("a") as fh:  # the forked workers append here too
            fh.write(f"{task.learner}\n")
        return real_solve(task, *args, **kwargs)

    analyst = build_profile(mini, from_role="analyst")
    python2 = build_profile(mini, have={"python": 2})
    work = [
        Task("Sam", _named(analyst, "Sam"), "mle", 1),
        Task("Ana", _named(analyst, "Ana"), "mle", 2),
        Task("Kim", _named(python2, "Kim"), "mle", 3),
        Task("Nameless", analyst, "mle", 4),
        Task("Lee", _named(analyst, "Lee"), "analyst", 5),
        Task("Ana", _named(analyst, "Ana"), "mle", 6),
        Task("Bo", _named(python2, "Bo"), "mle", 7),
    ]
    assert len({batch.task_key(t) for t in work}) == 3
    # what each task gets when solved on its own
    alone = [plan_one(t, [str(mini_dir)], builtin=False) for t in work]
    monkeypatch.setattr(batch, "_solve", counted)
    for workers in (1, 2):
        log.unlink(missing_ok=True)
        lines = list(plan_many(work, [mini_dir], builtin=False, workers=workers))
        assert lines == alone
        assert sorted(log.read_text().split()) == ["Kim", "Lee", "Sam"]
    assert [x["plan"].get("learner") for x in lines] == [
        "Sam", "Ana", "Kim", None, "Lee", "Ana", "Bo"
    ]  # fmt: skip
    assert lines[3]["plan"]["state"]["learner"] is None
    assert lines[6]["plan"]["state"]["learner"] == "Bo"


def _as_before(catalog: Any, task: Task, summary: bool) -> dict[str, Any]:
    """Return the line the engine before issue 15 wrote: one plan() per task, no sharing."""
    from pathplanner.errors import PathPlannerError
    from pathplanner.planner import plan

    line: dict[str, Any] = {"learner": task.learner, "target": task.target}
    if task.row is not None:
        line["row"] = task.row
    try:
        p = plan(catalog, task.target, task.profile, explain=False)
    except PathPlannerError as err:
        return line | {"status": "error", "error": str(err)}
    line.update(status=p.status, total_hours=p.total_hours, total_cost_usd=p.total_cost_usd,
                steps=len(p.steps), weeks=p.weeks)  # fmt: skip
    return line if summary else line | {"plan": p.to_dict()}


def test_results_are_byte_identical_to_before(mini: Any, mini_dir: Path) -> None:
    """A fixed batch with twins, names and a failure: the same bytes as one plan() per task,
    in one process and in two workers (and the digest the engine of commit a3ace4a wrote)."""
    import hashlib

    from pathplanner._io import dumps_json_line

    analyst = build_profile(mini, from_role="analyst")
    work = [
        Task("Sam", _named(analyst, "Sam"), "mle", 2),
        Task("Ana", _named(analyst, "Ana"), "mle", 3),
        Task("anon", analyst, "mle", 4),
        Task("Kim", build_profile(mini, have={"python": 2, "linux": 1}), "mle", 5),
        Task("Rob", build_profile(mini), "no-such-role", 6),
        Task("Sam", _named(analyst, "Sam"), "mle", 7),
        Task("Eve", _named(analyst, "Eve\x1b[2J"), "analyst", 8),
    ]
    for summary in (False, True):
        before = "".join(dumps_json_line(_as_before(mini, t, summary)) + "\n" for t in work)
        for workers in (1, 2):
            got = plan_many(work, [mini_dir], builtin=False, workers=workers, summary=summary)
            assert "".join(dumps_json_line(x) + "\n" for x in got) == before
    digest = hashlib.sha256(before.encode("utf-8")).hexdigest()
    assert digest == "0f5094be99f94aecad205e11cd624763ec46607ab6eea5397b6b9f5be8c885da"


def test_engine_options_are_checked(
    tmp_path: Path, mini_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    cohort = tmp_path / "c.csv"
    cohort.write_text("name,have\nSam,python:1\n")
    base = ["plan-many", "--no-builtin", "--graph", str(mini_dir), "--profiles", str(cohort),
            "--to", "mle"]  # fmt: skip
    run = CliRunner().invoke
    alone = run(cli, [*base, "--scheduler", "tcp://127.0.0.1:8786"])
    assert alone.exit_code == 2 and "--scheduler needs --engine dask" in alone.output
    both = run(cli, [*base, "--engine", "dask", "--scheduler", "tcp://h:1", "--workers", "2"])
    assert both.exit_code == 2 and "with --scheduler the cluster has its own" in both.output
    bad = run(cli, [*base, "--engine", "spark"])
    assert bad.exit_code == 2 and "'spark' is not one of 'local', 'dask'" in bad.output
    import pathplanner.cluster  # noqa: F401  (imported as it is, with or without dask)

    monkeypatch.setitem(sys.modules, "distributed", None)  # as if the extra were not installed
    missing = run(cli, [*base, "--engine", "dask"])
    assert missing.exit_code == 1
    assert missing.output.splitlines()[-1] == (
        "Error: the Dask engine needs the dask extra: pip install 'pathplanner[dask]'"
    )


def test_spawned_workers_give_the_same_lines(
    mini: Any, mini_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where fork is unsafe (macOS, Windows) workers are spawned and load the graph themselves."""
    import multiprocessing

    import pathplanner.batch as batch

    work = tasks(mini)
    forked = list(plan_many(work, [mini_dir], builtin=False, workers=2, summary=True))
    monkeypatch.setattr(batch, "_context", lambda: multiprocessing.get_context("spawn"))
    spawned = list(plan_many(work, [mini_dir], builtin=False, workers=2, summary=True))
    assert spawned == forked and len(spawned) == 3


def test_cli_counts_lost_and_retried_plans(
    tmp_path: Path, mini_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    import pathplanner.batch as batch

    real = batch._solve

    def deadly(task: Task, *args: Any, **kwargs: Any) -> Any:
        if task.learner == "Doomed":
            os._exit(137)  # in the forked worker
        return real(task, *args, **kwargs)

    monkeypatch.setattr(batch, "_solve", deadly)
    cohort = tmp_path / "c.csv"
    cohort.write_text("name,have\nSam,python:1\nDoomed,python:2\n")
    args = ["plan-many", "--no-builtin", "--graph", str(mini_dir), "--profiles", str(cohort),
            "--to", "mle", "--summary", "--workers", "2"]  # fmt: skip
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert "0 plan(s) made again after a worker died; 1 lost twice" in result.output
