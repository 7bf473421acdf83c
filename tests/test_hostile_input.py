"""Hostile input: every bad file, value or environment gives one clear line, never a traceback.

Each test runs the real entry point (`pathplanner.cli.main`, in process unless the test needs
real file descriptors) and checks the exit status, that stderr holds exactly one `Error:` line
naming the file, line, entry and field where they apply, and that nothing says "internal error".
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import mini_entries, write_graph
from test_esco import fixture as esco_fixture

from pathplanner.cli import main

Run = Callable[..., tuple[int, str, str]]
SRC = Path(__file__).resolve().parents[1] / "src"


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Run:
    """Return a function that runs `pathplanner ARGS` through main() and returns its results."""
    monkeypatch.delenv("PATHPLANNER_DEBUG", raising=False)

    def go(*args: str | Path) -> tuple[int, str, str]:
        monkeypatch.setattr(sys, "argv", ["pathplanner", *map(str, args)])
        with pytest.raises(SystemExit) as info:
            main()
        out, err = capsys.readouterr()
        code = info.value.code
        return (code if isinstance(code, int) else 1), out, err

    return go


def one_error(result: tuple[int, str, str], *parts: str, code: int | None = None) -> str:
    """Assert a failure with exactly one Error: line containing every part; return the line."""
    status, _out, err = result
    assert status != 0, err
    if code is not None:
        assert status == code, err
    assert "Traceback" not in err
    assert "internal error" not in err
    errors = [line for line in err.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1, err
    for part in parts:
        assert part in err, f"{part!r} not in {err!r}"
    return errors[0]


@pytest.fixture
def graph(tmp_path: Path) -> Path:
    return write_graph(tmp_path / "mini", **mini_entries())


def plan_args(graph: Path, *more: str | Path) -> list[str | Path]:
    return [
        "plan",
        "--no-builtin",
        "--graph",
        graph,
        "--have",
        "python:1",
        "--to",
        "analyst",
        *more,
    ]


def cohort_args(graph: Path, cohort: Path, out: Path, *more: str) -> list[str | Path]:
    return ["curriculum", "--no-builtin", "--graph", graph, "--to", "analyst",
            "--cohort", cohort, "--out", out, "--format", "csv", *more]  # fmt: skip


# -- files that are not UTF-8 text --------------------------------------------------------------


def test_non_utf8_files(run: Run, graph: Path, tmp_path: Path) -> None:
    bad = b"name: Sam\nskills: {python: 2}\n# caf\xe9\n"
    prof = tmp_path / "me.yaml"
    prof.write_bytes(bad)
    one_error(run(*plan_args(graph, "--profile", prof)), f"{prof}: line 3", "not UTF-8")

    csv_file = tmp_path / "cohort.csv"
    csv_file.write_bytes(b"name,have\nAnn,python:1\nJos\xe9,sql:1\n")
    one_error(
        run(*cohort_args(graph, csv_file, tmp_path / "out")), f"{csv_file}: line 3", "not UTF-8"
    )

    md = tmp_path / "plan.md"
    md.write_bytes(b"# plan\n- [x] **1. A** (`py-free`)\n\xff\n")
    one_error(
        run("progress", "--no-builtin", "--graph", graph, "--from-markdown", md, "--to", "analyst"),
        f"{md}: line 3",
        "not UTF-8",
    )

    esco = esco_fixture(tmp_path / "esco")
    (esco / "skills_en.csv").write_bytes((esco / "skills_en.csv").read_bytes() + b"\xc3(\n")
    one_error(
        run("import", "esco", esco, "--out", tmp_path / "g", "--no-link"),
        "skills_en.csv: line",
        "not UTF-8",
    )

    gfile = graph / "skills.yaml"
    gfile.write_bytes(gfile.read_bytes() + b"# \xfe\n")
    one_error(run("roles", "--no-builtin", "--graph", graph), "skills.yaml: line", "not UTF-8")


# -- numbers: NaN, infinity, zero and absurd magnitudes -----------------------------------------


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("--hours-per-week", "nan"),
        ("--hours-per-week", "inf"),
        ("--budget-usd", "nan"),
        ("--budget-usd", "-1"),
        ("--max-hours", "nan"),
        ("--max-hours", "inf"),
        ("--hourly-rate", "nan"),
        ("--time-limit", "inf"),
    ],
)
def test_cli_float_options_reject_non_finite(
    run: Run, graph: Path, option: str, value: str
) -> None:
    one_error(run(*plan_args(graph, option, value)), option, code=2)


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("hours_per_week: .nan\n", "hours_per_week"),
        ("hours_per_week: .inf\n", "hours_per_week"),
        ("hours_per_week: 0\n", "hours_per_week"),
        ("hours_per_week: 1.0e-12\n", "hours_per_week"),
        ("hours_per_week: 500\n", "hours_per_week"),
        ("budget_usd: .nan\n", "budget_usd"),
    ],
)
def test_profile_numbers(run: Run, graph: Path, tmp_path: Path, text: str, field: str) -> None:
    prof = tmp_path / "me.yaml"
    prof.write_text("skills: {python: 1}\n" + text)
    one_error(run(*plan_args(graph, "--profile", prof)), f"{prof}: line 2: {field}:")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("hours", 1e308),
        ("hours", math.inf),
        ("hours", math.nan),
        ("cost_usd", math.inf),
        ("cost_usd", 1e12),
        ("hours", 200000),
    ],
)
def test_graph_numbers(run: Run, tmp_path: Path, field: str, value: float) -> None:
    entries = mini_entries()
    entries["resources"][0][field] = value
    entries["resources"][0]["cost_source"] = "test"
    root = write_graph(tmp_path / "g", **entries)
    result = run("roles", "--no-builtin", "--graph", root)
    one_error(result, "resources.yaml: line ", ": py-free: " + field + ":")


def test_cohort_numbers(run: Run, graph: Path, tmp_path: Path) -> None:
    cohort = tmp_path / "c.csv"
    cohort.write_text("name,hours_per_week\nAnn,0\nBob,nan\nCy,8\n")
    result = run(*cohort_args(graph, cohort, tmp_path / "out", "--strict"))
    one_error(result, "line 2: Ann: hours_per_week:", "line 3: Bob: hours_per_week:")


def test_json_never_holds_nan() -> None:
    from pathplanner._io import dumps_json
    from pathplanner.errors import PathPlannerError

    with pytest.raises(PathPlannerError, match="not a finite number"):
        dumps_json({"x": math.nan})


# -- dates past the year 9999 --------------------------------------------------------------------


def test_start_date_whose_schedule_runs_past_9999(run: Run, graph: Path) -> None:
    result = run(*plan_args(graph, "--start", "9999-12-01", "--hours-per-week", "0.5"))
    one_error(result, "runs past the year 9999")


# -- unreadable and skipped graph files ----------------------------------------------------------


def test_unreadable_graph_file(run: Run, graph: Path) -> None:
    (graph / "more.yaml").symlink_to(graph / "nowhere.yaml")
    one_error(run("roles", "--no-builtin", "--graph", graph), "more.yaml", "cannot read")


def test_unreadable_graph_subdirectory(
    run: Run, graph: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sub = graph / "private"
    sub.mkdir()
    real = os.scandir

    def scandir(path: Any = ".") -> Any:
        if Path(path) == sub:
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
    one_error(run("roles", "--no-builtin", "--graph", graph), "private", "Permission denied")


def test_upper_case_yaml_extension_is_read(run: Run, tmp_path: Path) -> None:
    entries = mini_entries()
    root = write_graph(tmp_path / "g", skills=entries["skills"], resources=entries["resources"])
    (root / "ROLES.YAML").write_text(yaml.safe_dump({"roles": entries["roles"]}))
    status, out, err = run("roles", "--no-builtin", "--graph", root)
    assert status == 0, err
    assert "analyst" in out


# -- cohort files --------------------------------------------------------------------------------


def test_cohort_csv_row_with_an_extra_field(run: Run, graph: Path, tmp_path: Path) -> None:
    cohort = tmp_path / "c.csv"
    cohort.write_text("name,have\nAnn,python:1\nBob,python:1,sql:1\n")
    one_error(run(*cohort_args(graph, cohort, tmp_path / "out")), f"{cohort}: line 3", "3 fields")


def test_cohort_csv_unterminated_quote(run: Run, graph: Path, tmp_path: Path) -> None:
    cohort = tmp_path / "c.csv"
    cohort.write_text('name,have\nAnn,"python:1\nBob,sql:1\nCy,sql:1\n')
    one_error(run(*cohort_args(graph, cohort, tmp_path / "out")), f"{cohort}: line 2", "quote")


def test_cohort_csv_with_a_byte_order_mark(run: Run, graph: Path, tmp_path: Path) -> None:
    cohort = tmp_path / "c.csv"
    cohort.write_bytes("name,have\nAnn,python:1\n".encode("utf-8-sig"))
    status, _out, err = run(*cohort_args(graph, cohort, tmp_path / "out", "--strict"))
    assert status == 0, err


@pytest.mark.parametrize(
    ("row", "field"),
    [
        ({"name": "Ann", "have": 5}, "have"),
        ({"name": "Ann", "done": {"a": 1}}, "done"),
        ({"name": ["Ann"]}, "name"),
        ({"name": "Ann", "hours_per_week": [8]}, "hours_per_week"),
        ({"name": "Ann", "from": {"x": 1}}, "from"),
        ({"name": "Ann", "start": 5}, "start"),
        ({"name": "Ann", "skills": {"python": 99}}, "skills.python"),
        ({"name": "Ann", "skills": {"python": -3}}, "skills.python"),
        ({"name": "Ann", "have": {"python": 99}}, "have.python"),
    ],
)
def test_cohort_yaml_values_of_the_wrong_type(
    run: Run, graph: Path, tmp_path: Path, row: dict[str, Any], field: str
) -> None:
    cohort = tmp_path / "c.yaml"
    cohort.write_text(yaml.safe_dump({"learners": [{"name": "Zed"}, row]}))
    result = run(*cohort_args(graph, cohort, tmp_path / "out", "--strict"))
    one_error(result, f"{cohort}: line ", f"{field}:")


# -- YAML: duplicate keys, aliases, size ---------------------------------------------------------


def test_duplicate_yaml_keys(run: Run, graph: Path, tmp_path: Path) -> None:
    prof = tmp_path / "me.yaml"
    prof.write_text("skills: {python: 1}\nname: Sam\nskills: {sql: 1}\n")
    one_error(
        run(*plan_args(graph, "--profile", prof)), f"{prof}: line 3", "duplicate key 'skills'"
    )

    cohort = tmp_path / "c.yaml"
    cohort.write_text("learners:\n- name: Ann\n  have: python:1\n  have: sql:1\n")
    one_error(run(*cohort_args(graph, cohort, tmp_path / "out")), f"{cohort}: line 4", "'have'")

    (graph / "extra.yaml").write_text(
        "resources:\n- id: x-course\n  kind: course\n  hours: 1\n  hours: 2\n"
    )
    one_error(run("roles", "--no-builtin", "--graph", graph), "extra.yaml: line 5", "'hours'")


def test_yaml_alias_bombs(run: Run, graph: Path, tmp_path: Path) -> None:
    bomb = 'a: &a ["x","x","x","x","x","x","x","x","x"]\n'
    for i in range(ord("b"), ord("k")):
        prev = chr(i - 1)
        bomb += f"{chr(i)}: &{chr(i)} [" + ",".join([f"*{prev}"] * 9) + "]\n"
    prof = tmp_path / "me.yaml"
    prof.write_text(bomb.replace("a: &a", "name: &a") + "skills: {python: 1}\n")
    one_error(run(*plan_args(graph, "--profile", prof)), f"{prof}: line", "alias")

    cohort = tmp_path / "c.yaml"
    cohort.write_text("x: &x Ann\nlearners:\n- name: *x\n")
    one_error(run(*cohort_args(graph, cohort, tmp_path / "out")), f"{cohort}: line", "alias")

    (graph / "extra.yaml").write_text("skills:\n- &s {id: a}\n- *s\n")
    one_error(run("roles", "--no-builtin", "--graph", graph), "extra.yaml: line", "alias")


def test_builtin_graph_uses_no_aliases() -> None:
    from pathplanner._paths import default_graph_dir

    for path in default_graph_dir().rglob("*.yaml"):
        events = yaml.parse(path.read_text(encoding="utf-8"))
        assert not any(isinstance(e, yaml.AliasEvent) for e in events), path


def test_huge_files(run: Run, graph: Path, tmp_path: Path) -> None:
    prof = tmp_path / "me.yaml"
    with prof.open("w") as fh:
        fh.write("skills: {python: 1}\nname: '")
        fh.write("x" * (50 * 1024 * 1024))
        fh.write("'\n")
    one_error(run(*plan_args(graph, "--profile", prof)), str(prof), "too large")

    cohort = tmp_path / "c.csv"
    with cohort.open("w") as fh:
        fh.write("name\n")
        fh.write("Ann\n" * (3 * 1024 * 1024))
    one_error(run(*cohort_args(graph, cohort, tmp_path / "out")), str(cohort), "too large")


def test_esco_huge_field(run: Run, tmp_path: Path) -> None:
    esco = esco_fixture(tmp_path / "esco")
    path = esco / "skills_en.csv"
    head, _, rest = path.read_text().partition("\n")
    path.write_text(head + "\n" + rest.replace("data analysis", "y" * (3 * 1024 * 1024), 1))
    one_error(
        run("import", "esco", esco, "--out", tmp_path / "g", "--no-link"),
        "skills_en.csv: line 2",
        "longer than",
    )


def test_long_schedule_renders_in_bounded_size(graph: Path) -> None:
    from pathplanner.load import load_catalog
    from pathplanner.planner import plan
    from pathplanner.render import render_plan

    entries = mini_entries()
    for entry in entries["resources"]:
        if entry["id"] == "sql-basics":
            entry["hours"] = 100000
    root = write_graph(graph.parent / "long", **entries)
    catalog = load_catalog([root], builtin=False)
    import datetime as dt

    p = plan(
        catalog,
        "analyst",
        have={"python": 1},
        hours_per_week=0.5,
        start=dt.date(2027, 1, 4),
        explain=False,
    )
    assert p.weeks == 200000
    for fmt in ("html", "ics"):
        assert len(render_plan(p, fmt, catalog)) < 100_000


# -- ESCO rows ------------------------------------------------------------------------------------


def test_esco_row_cut_short(run: Run, tmp_path: Path) -> None:
    esco = esco_fixture(tmp_path / "esco")
    path = esco / "skillSkillRelations.csv"
    path.write_text(path.read_text() + "http://x/a,essential\n")
    one_error(
        run("import", "esco", esco, "--out", tmp_path / "g", "--no-link"),
        "skillSkillRelations.csv: row ending at line",
        "2 fields, but the header has 5",
    )


def test_esco_import_never_writes_an_invalid_graph(run: Run, tmp_path: Path) -> None:
    esco = esco_fixture(tmp_path / "esco")
    path = esco / "skills_en.csv"
    path.write_text(path.read_text().replace("http://data.europa.eu/esco/skill/a1", "a one"))
    out = tmp_path / "g"
    result = run("import", "esco", esco, "--out", out, "--no-link")
    if result[0] == 0:  # a valid graph is fine too
        assert run("validate", "--no-builtin", "--graph", out)[0] == 0
    else:
        one_error(result, "skills_en.csv: line", "conceptUri")
        assert not out.exists() or not any(out.rglob("*.yaml"))


# -- names that match nothing, and messages that name the source -------------------------------


def test_unknown_provider_and_kind(run: Run, graph: Path) -> None:
    result = run(*plan_args(graph, "--exclude-provider", "PaidCoo"))
    one_error(result, "--exclude-provider", "did you mean 'PaidCo'", code=2)
    result = run(*plan_args(graph, "--exclude-kind", "corse"))
    one_error(result, "--exclude-kind", "did you mean 'course'", code=2)


def test_unknown_provider_and_kind_library(graph: Path) -> None:
    from pathplanner.errors import UnknownNameError
    from pathplanner.load import load_catalog
    from pathplanner.planner import plan

    catalog = load_catalog([graph], builtin=False)
    with pytest.raises(UnknownNameError, match="did you mean 'PaidCo'"):
        plan(catalog, "analyst", have={"python": 1}, exclude_providers=("PaidCoo",))
    with pytest.raises(UnknownNameError, match="did you mean 'course'"):
        plan(catalog, "analyst", have={"python": 1}, exclude_kinds=("corse",))


def test_messages_name_the_file_not_a_flag(run: Run, graph: Path, tmp_path: Path) -> None:
    md = tmp_path / "plan.md"
    md.write_text("<!-- pathplanner-plan target=analyst -->\n- [x] **1. A** (`py-fre`)\n")
    line = one_error(
        run("progress", "--no-builtin", "--graph", graph, "--from-markdown", md),
        f"{md}: line 2",
        "did you mean 'py-free'",
    )
    assert "--done" not in line

    cohort = tmp_path / "c.csv"
    cohort.write_text("name,have\nAnn,pythn:1\n")
    result = run(*cohort_args(graph, cohort, tmp_path / "out", "--strict"))
    one_error(result, f"{cohort}: line 2: Ann: have: unknown skill 'pythn'")
    assert "--have" not in result[2]


# -- output and interruption ---------------------------------------------------------------------


def _subprocess(args: list[str], **kw: Any) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "PYTHONPATH": str(SRC), "PATHPLANNER_NO_CACHE": "1"}
    env.pop("PATHPLANNER_DEBUG", None)
    return subprocess.run(
        [sys.executable, "-m", "pathplanner", *args], env=env, timeout=120, check=False, **kw
    )


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_stdout_on_a_full_disk(graph: Path) -> None:
    args = ["export", "--no-builtin", "--graph", str(graph)]
    with open("/dev/full", "wb") as full:
        proc = _subprocess(args, stdout=full, stderr=subprocess.PIPE)
    err = proc.stderr.decode()
    one_error((proc.returncode, "", err), "No space left on device")


def test_broken_pipe_is_quiet(graph: Path) -> None:
    args = ["export", "--no-builtin", "--graph", str(graph)]
    proc = subprocess.Popen(
        [sys.executable, "-m", "pathplanner", *args],
        env={**os.environ, "PYTHONPATH": str(SRC), "PATHPLANNER_NO_CACHE": "1"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # the reader goes away before the first byte
    err = proc.stderr.read().decode()
    proc.wait(timeout=120)
    assert proc.returncode != 0
    assert err == "", err


def test_ctrl_c_exits_130(run: Run, graph: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import pathplanner.load

    def interrupted(*_a: Any, **_k: Any) -> Any:
        raise KeyboardInterrupt

    monkeypatch.setattr(pathplanner.load, "load_catalog", interrupted)
    status, _out, err = run("roles", "--no-builtin", "--graph", graph)
    assert status == 130
    assert err.strip() in ("Aborted.", "Aborted!"), err
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err


def test_valid_json_output_is_strict_json(run: Run, graph: Path) -> None:
    status, out, err = run(*plan_args(graph, "--format", "json"))
    assert status == 0, err
    json.loads(out, parse_constant=lambda c: pytest.fail(f"non-JSON constant {c}"))


def test_an_unknown_name_is_quoted_short_whatever_its_length() -> None:
    from click.testing import CliRunner

    from pathplanner.cli import cli

    for flag in ("--languages", "--exclude-skill", "--exclude", "--prefer-provider"):
        result = CliRunner().invoke(cli, ["plan", "--to", "data-analyst", flag, "x" * 5000])
        assert result.exit_code == 2, result.output
        line = result.output.strip().splitlines()[-1]
        assert "x" * 57 + "..." in line and "x" * 58 not in line and len(line) < 400
