"""Many plans at once: same results in parallel as in one process, failures in their own line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

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
