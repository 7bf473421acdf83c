"""Gap, compare and suggest on the small graph and through the CLI."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from pathplanner.analysis import compare, suggest
from pathplanner.cli import cli
from pathplanner.gap import compute_gap
from pathplanner.profile import build_profile


def test_gap_lists_have_need_and_coverage(mini: Any) -> None:
    g = compute_gap(mini, build_profile(mini, have={"python": 1}), "mle")
    rows = {(i.skill, i.have, i.need, i.essential, i.met) for i in g.requirements}
    assert rows == {
        ("python", 1, 2, True, False),
        ("docker", 0, 2, True, False),
        ("ml", 0, 2, True, False),
        ("sql", 0, 1, False, False),
    }
    assert g.coverage == 0.0
    # docker pulls in linux:1, which the learner lacks; ml:2 needs python:2, already asked for
    assert [(i.skill, i.need, i.needed_by) for i in g.pulled_in] == [("linux", 1, "docker")]


def test_gap_coverage_counts_essentials_only(mini: Any) -> None:
    g = compute_gap(mini, build_profile(mini, have={"python": 2, "docker": 2}), "mle")
    assert round(g.coverage, 4) == round(2 / 3, 4)


def test_compare_both_ways(mini: Any) -> None:
    data = compare(mini, "analyst", "mle")
    assert data["a_to_b"]["hours"] == 40
    assert data["a_to_b"]["status"] == "optimal"
    assert data["b_to_a"]["hours"] == 4  # sql-basics
    shared = data["categories"]["programming"]["shared"]
    assert [e["skill"] for e in shared] == ["python", "sql"]
    assert data["b"]["credentials"] == [{"id": "cert-x", "name": "Cert X"}]


def test_suggest_ranks_by_hours(mini: Any) -> None:
    ranked = suggest(mini, build_profile(mini, have={"python": 1}))
    assert [(s.role, s.hours) for s in ranked] == [("analyst", 4.0), ("mle", 40.0)]


def test_cli_gap_json_and_compare_text(mini_dir: Path) -> None:
    runner = CliRunner()
    base = ["--no-builtin", "--graph", str(mini_dir)]
    gap = runner.invoke(
        cli, ["gap", *base, "--have", "py:1", "--to", "ML Engineer", "--format", "json"]
    )
    assert gap.exit_code == 0, gap.output
    doc = json.loads(gap.output)
    assert doc["format"] == "pathplanner-gap/1" and doc["coverage"] == 0.0
    cmp = runner.invoke(cli, ["compare", *base, "analyst", "mle"])
    assert cmp.exit_code == 0, cmp.output
    assert "Analyst → ML Engineer: 40 h, $20, 3 steps (optimal)" in cmp.output
    same = runner.invoke(cli, ["compare", *base, "mle", "machine learning engineer"])
    assert same.exit_code == 1
    assert same.output == (
        "Error: compare needs two different roles ('mle' and 'machine learning engineer' "
        "are both mle)\n"
    )
    sug = runner.invoke(cli, ["suggest", *base, "--have", "python:1"])
    assert sug.exit_code == 0
    assert sug.output.splitlines()[2].startswith("analyst")
