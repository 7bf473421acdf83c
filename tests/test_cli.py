"""The CLI through CliRunner: exit codes and exact messages, help with examples everywhere."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import mini_entries, write_graph

from pathplanner import cli as cli_module
from pathplanner.cli import cli


def run(*args: str) -> Any:
    return CliRunner().invoke(cli, list(args))


def all_commands() -> list[str]:
    return sorted(cli.commands)


@pytest.mark.parametrize("command", all_commands())
def test_every_command_has_help_with_an_example(command: str) -> None:
    result = run(command, "--help")
    assert result.exit_code == 0
    assert "Example" in result.output
    assert f"pathplanner {command}" in result.output


def test_version() -> None:
    result = run("--version")
    assert result.exit_code == 0
    assert result.output.startswith("pathplanner, version ")


def test_validate_clean_and_broken(tmp_path: Path, mini_dir: Path) -> None:
    ok = run("validate", "--no-builtin", "--graph", str(mini_dir))
    assert ok.exit_code == 0
    assert ok.output == "ok: 6 skills, 9 resources, 2 roles in 1 directory\n"
    entries = mini_entries()
    entries["resources"][0]["teaches"] = {"pyhton": 1}
    bad = write_graph(tmp_path / "bad", **entries)
    result = run("validate", "--no-builtin", "--graph", str(bad))
    assert result.exit_code == 1
    assert (
        f"error: {bad}/resources.yaml: line 12: py-free: teaches.pyhton: unknown skill 'pyhton' — "
        "did you mean 'python'?\n"
    ) in result.output


def test_broken_graph_guards_other_commands(tmp_path: Path) -> None:
    entries = mini_entries()
    entries["resources"][0]["hours"] = -1
    bad = write_graph(tmp_path / "bad", **entries)
    result = run("roles", "--no-builtin", "--graph", str(bad))
    assert result.exit_code == 1
    assert "Error: the knowledge graph has 1 problem(s):" in result.output
    assert "py-free: hours: Input should be greater than or equal to 0" in result.output
    assert "Traceback" not in result.output


def test_unknown_role_is_one_clear_line() -> None:
    result = run("plan", "--from", "data-scientist", "--to", "ml-enginer")
    assert result.exit_code == 1
    assert result.output == "Error: unknown role 'ml-enginer' — did you mean 'ml-engineer'?\n"


def test_unknown_skill_in_have() -> None:
    result = run("gap", "--have", "dokcer:2", "--to", "ml-engineer")
    assert result.exit_code == 1
    assert result.output == "Error: --have: unknown skill 'dokcer' — did you mean 'docker'?\n"


def test_bad_have_level() -> None:
    result = run("gap", "--have", "python:7", "--to", "ml-engineer")
    assert result.exit_code == 1
    assert (
        result.output == "Error: --have: python: level must be a whole number from 0 to 3, got 7\n"
    )


def test_malformed_profile(tmp_path: Path) -> None:
    prof = tmp_path / "me.yaml"
    prof.write_text("name: Sam\nskils: {python: 2}\n")
    result = run("plan", "--profile", str(prof), "--to", "data-analyst")
    assert result.exit_code == 1
    assert result.output == (
        f"Error: {prof}: line 2: skils: unknown field — did you mean 'skills'?\n"
    )


def test_impossible_budget() -> None:
    result = run("plan", "--to", "ml-engineer", "--budget-usd", "0", "--with-cert", "cka")
    assert result.exit_code == 1
    assert result.output.startswith("Error: no plan")
    assert len(result.output.strip().splitlines()) == 1


def test_mini_plan_json(mini_dir: Path) -> None:
    result = run(
        "plan",
        "--no-builtin",
        "--graph",
        str(mini_dir),
        "--from",
        "analyst",
        "--to",
        "mle",
        "--format",
        "json",
    )
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert doc["format"] == "pathplanner-plan/1"
    assert doc["status"] == "optimal"
    assert [s["resource"] for s in doc["steps"]] == ["docker-b", "py-paid", "ml-course"]


def test_output_is_not_overwritten_without_force(tmp_path: Path, mini_dir: Path) -> None:
    out = tmp_path / "plan.json"
    out.write_text("mine")
    args = [
        "plan",
        "--no-builtin",
        "--graph",
        str(mini_dir),
        "--from",
        "analyst",
        "--to",
        "mle",
        "--format",
        "json",
        "-o",
        str(out),
    ]
    result = run(*args)
    assert result.exit_code == 1
    assert result.output == f"Error: {out}: already exists (use --force to overwrite)\n"
    assert out.read_text() == "mine"
    assert run(*args, "--force").exit_code == 0
    assert json.loads(out.read_text())["target"] == "mle"


def test_unknown_category_suggests() -> None:
    result = run("skills", "--category", "mlop")
    assert result.exit_code == 2
    assert "unknown category 'mlop' — did you mean 'mlops'?" in result.output


def test_show_role_skill_resource() -> None:
    assert "Essential:" in run("show", "data scientist").output
    skill = run("show", "k8s")
    assert skill.exit_code == 0 and skill.output.startswith(
        "Kubernetes (kubernetes) — skill, mlops"
    )
    res = json.loads(run("show", "exam-cka", "--format", "json").output)
    assert (
        res["type"] == "resource" and res["kind"] == "certification" and res["exam_code"] == "CKA"
    )


def test_cli_stays_thin() -> None:
    # every command parses, makes one library call and prints (its options are declared in
    # _cli_options.py): no command's code, past its docstring, runs longer than 30 lines
    import ast

    tree = ast.parse(Path(cli_module.__file__).read_text(encoding="utf-8"))
    commands = [
        node
        for node in tree.body
        if isinstance(node, ast.FunctionDef)
        and any(
            "command" in ast.unparse(d) or "group" in ast.unparse(d) for d in node.decorator_list
        )
    ]
    assert len(commands) > 15
    for fn in commands:
        body = fn.body[1:] if isinstance(fn.body[0], ast.Expr) else fn.body
        if not body:
            continue
        length = (body[-1].end_lineno or 0) - body[0].lineno + 1
        assert length <= 30, f"{fn.name} runs {length} lines"


def test_every_setting_the_library_names_has_an_option() -> None:
    import re

    src = Path(cli_module.__file__).parent
    named = {
        m
        for path in src.glob("*.py")
        for m in re.findall(r'setting="(\w+)"', path.read_text(encoding="utf-8"))
    }
    named |= {"exclude_providers", "exclude_kinds", "hours_per_week", "budget_usd", "max_hours"}
    assert named <= set(cli_module.FLAGS), named - set(cli_module.FLAGS)
