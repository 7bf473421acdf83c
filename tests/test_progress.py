"""Progress: ticked Markdown boxes and --done are read back and the rest is re-planned."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from pathplanner.cli import cli
from pathplanner.errors import ProfileError
from pathplanner.progress import read_markdown_progress


def write_plan(tmp_path: Path, mini_dir: Path) -> Path:
    out = tmp_path / "plan.md"
    result = CliRunner().invoke(
        cli,
        [
            "plan",
            "--no-builtin",
            "--graph",
            str(mini_dir),
            "--from",
            "analyst",
            "--to",
            "mle",
            "-o",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    return out


def test_markdown_round_trip(tmp_path: Path, mini_dir: Path) -> None:
    md = write_plan(tmp_path, mini_dir)
    text = md.read_text().replace("- [ ] **1.", "- [x] **1.", 1)
    md.write_text(text)
    prog = read_markdown_progress(md)
    assert prog.target == "mle" and prog.from_role == "analyst"
    assert prog.done == ("docker-b",)
    assert prog.open == ("py-paid", "ml-course")


def test_progress_replans_the_rest(tmp_path: Path, mini_dir: Path) -> None:
    md = write_plan(tmp_path, mini_dir)
    md.write_text(md.read_text().replace("- [ ] **1.", "- [X] **1.", 1))
    result = CliRunner().invoke(
        cli,
        [
            "progress",
            "--no-builtin",
            "--graph",
            str(mini_dir),
            "--from-markdown",
            str(md),
            "--format",
            "json",
        ],
    )
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert doc["done"] == ["docker-b"]
    assert doc["done_hours"] == 14
    assert [s["resource"] for s in doc["plan"]["steps"]] == ["py-paid", "ml-course"]
    text = CliRunner().invoke(
        cli,
        [
            "progress",
            "--no-builtin",
            "--graph",
            str(mini_dir),
            "--from-markdown",
            str(md),
            "--done",
            "py-paid",
        ],
    )
    assert text.exit_code == 0, text.output
    assert text.output.startswith(
        "Done: 2 resource(s), 20 h\n  [x] Docker B (docker-b)\n  [x] Py Paid (py-paid)\nLeft: 1 step(s), 20 h\n"
    )


def test_markdown_without_steps_is_a_clear_error(tmp_path: Path) -> None:
    md = tmp_path / "notes.md"
    md.write_text("# my notes\n- [x] something\n")
    with pytest.raises(ProfileError, match="no plan steps found"):
        read_markdown_progress(md)


def test_progress_needs_a_target(tmp_path: Path, mini_dir: Path) -> None:
    result = CliRunner().invoke(
        cli, ["progress", "--no-builtin", "--graph", str(mini_dir), "--done", "py-free"]
    )
    assert result.exit_code == 1
    assert result.output == (
        "Error: --to: no role to plan for (a plan written by pathplanner names its own)\n"
    )
