"""The README's examples run as written."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from pathplanner.cli import cli

README = (Path(__file__).resolve().parent.parent / "README.md").read_text()


def test_python_example_runs() -> None:
    (block,) = re.findall(r"```python\n(.*?)```", README, re.S)
    namespace: dict[str, object] = {}
    exec(compile(block, "README.md", "exec"), namespace)
    assert namespace["plan"].status == "optimal"  # type: ignore[attr-defined]


def test_profile_example_is_valid(tmp_path: Path) -> None:
    (block,) = re.findall(r"```yaml\nname: Sam\n(.*?)```", README, re.S)
    profile = tmp_path / "sam.yaml"
    profile.write_text("name: Sam\n" + block)
    result = CliRunner().invoke(cli, ["plan", "--profile", str(profile), "--to", "data-analyst"])
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("fmt", ["text"])
def test_first_example_matches_the_real_output(fmt: str) -> None:
    shown = re.search(r"<summary>The whole output.*?```text\n(.*?)```", README, re.S)
    assert shown is not None
    result = CliRunner().invoke(cli, ["plan", "--from", "data-scientist", "--to", "ml-engineer"])
    assert result.exit_code == 0
    assert result.output == shown.group(1)
