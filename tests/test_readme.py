"""The README's examples run as written, and its shown outputs are the real ones."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from pathplanner.cli import cli

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()


def _tool() -> Any:
    spec = importlib.util.spec_from_file_location(
        "update_readme", ROOT / "tools" / "update_readme.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


TOOL = _tool()
REGIONS = TOOL.regions(README)


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


def test_readme_shows_every_format() -> None:
    shown = " ".join(spec for spec, _ in REGIONS)
    for fmt in ("md", "csv", "ics", "json", "dot"):
        assert f"--format {fmt}" in shown
    assert "plan --from data-scientist --to ml-engineer" in REGIONS[0][0]


@pytest.mark.parametrize(("spec", "shown"), REGIONS, ids=[s for s, _ in REGIONS])
def test_shown_output_is_the_real_output(spec: str, shown: str) -> None:
    assert shown == TOOL.output_for(spec), "run: python tools/update_readme.py"
