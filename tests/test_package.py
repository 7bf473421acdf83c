"""The package as shipped: the wheel holds the graph and templates; the module runs."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "build",
            "--wheel",
            "--no-isolation",
            "--outdir",
            str(out),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    (found,) = out.glob("pathplanner-*.whl")
    return found


def test_wheel_holds_graph_and_templates(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    graph_files = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "graph").rglob("*.yaml"))
    assert graph_files, "the built-in graph has no YAML files"
    for rel in graph_files:
        assert f"pathplanner/data/{rel}" in names
    for tpl in (ROOT / "templates").rglob("*.j2"):  # the planner page's under web/ too
        assert (
            f"pathplanner/data/templates/{tpl.relative_to(ROOT / 'templates').as_posix()}" in names
        )
    assert "pathplanner/py.typed" in names
    assert "pathplanner/cli.py" in names


def test_python_dash_m_runs() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "pathplanner", "--version"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0
    assert result.stdout.startswith("pathplanner, version ")


def _installed_command() -> list[str]:
    """Return the console script when installed beside this Python, else `python -m`."""
    script = Path(sys.executable).parent / "pathplanner"
    return [str(script)] if script.exists() else [sys.executable, "-m", "pathplanner"]


@pytest.mark.parametrize("fmt", ["json", "text"])
def test_the_real_command_writes_only_its_output_to_stdout(fmt: str) -> None:
    # C code (the solver's banner) can write to descriptor 1 where CliRunner never looks.
    result = subprocess.run(
        [
            *_installed_command(),
            "plan",
            "--from",
            "data-scientist",
            "--to",
            "ml-engineer",
            "--format",
            fmt,
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "HiGHS" not in result.stdout
    if fmt == "json":
        assert json.loads(result.stdout)["format"].startswith("pathplanner-plan/")
    else:
        assert result.stdout.startswith("Study plan: Data Scientist")
