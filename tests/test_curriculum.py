"""Bootcamp curricula: syllabus, personal plans, summary; bad rows; atomic, no silent overwrite."""

from __future__ import annotations

import csv
from pathlib import Path

from click.testing import CliRunner

from pathplanner.cli import cli

COHORT = """name,from,have,done,hours_per_week,budget_usd
Sam,analyst,,,8,
Ana,,py:2,,4,
Typo,,pyhton:2,,,
Done Dan,mle,,,,
"""


def run(mini_dir: Path, tmp_path: Path, *extra: str) -> object:
    cohort = tmp_path / "cohort.csv"
    cohort.write_text(COHORT)
    return CliRunner().invoke(
        cli,
        [
            "curriculum",
            "--no-builtin",
            "--graph",
            str(mini_dir),
            "--to",
            "mle",
            "--cohort",
            str(cohort),
            "--out",
            str(tmp_path / "out"),
            "--start",
            "2027-01-04",
            *extra,
        ],
    )


def test_curriculum_writes_syllabus_plans_and_summary(mini_dir: Path, tmp_path: Path) -> None:
    result = run(mini_dir, tmp_path)
    assert result.exit_code == 0, result.output
    out = tmp_path / "out"
    names = sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file())
    assert names == sorted(
        ["summary.csv", "syllabus.md", "syllabus.html", "syllabus.csv", "index.html"]
        + ["timetable.json"]
        + [
            f"learners/{n}.{f}"
            for n in ("sam", "ana", "done-dan")
            for f in ("md", "html", "csv", "ics")
        ]
    )
    rows = list(csv.DictReader((out / "summary.csv").open()))
    assert [(r["row"], r["learner"], r["status"]) for r in rows] == [
        ("2", "Sam", "optimal"),
        ("3", "Ana", "optimal"),
        ("4", "Typo", "skipped: have: unknown skill 'pyhton' — did you mean 'python'?"),
        ("5", "Done Dan", "optimal"),
    ]
    assert rows[0]["hours"] == "40" and rows[0]["weeks"] == "5"
    assert rows[3]["hours"] == "0"
    syllabus = list(csv.DictReader((out / "syllabus.csv").open()))
    # the union of Sam's and Ana's routes; Ana already has python:2 so skips py-paid
    assert [m["resource"] for m in syllabus] == ["docker-b", "py-paid", "ml-course"]
    assert [m["learner_count"] for m in syllabus] == ["2", "1", "2"]
    assert [m["learners"] for m in syllabus] == ["Sam; Ana", "Sam", "Sam; Ana"]
    # py-paid is Sam's alone, and ml-course (core) needs it: bridging, before ml-course
    assert [m["track"] for m in syllabus] == ["core", "bridging", "core"]
    assert rows[0]["keeps_up"] == "yes" and rows[0]["hours_per_week"] == "8"
    assert "Entry requirements" not in (out / "syllabus.md").read_text()
    assert "skipped: " in result.output  # CliRunner mixes stderr in


def test_strict_fails_but_still_writes_the_others(mini_dir: Path, tmp_path: Path) -> None:
    result = run(mini_dir, tmp_path, "--strict")
    assert result.exit_code == 1
    assert "Error: 1 bad row(s) in" in result.output
    assert (tmp_path / "out" / "learners" / "sam.md").is_file()


def test_never_overwrites_without_force(mini_dir: Path, tmp_path: Path) -> None:
    assert run(mini_dir, tmp_path).exit_code == 0
    summary = tmp_path / "out" / "summary.csv"
    summary.write_text("mine")
    again = run(mini_dir, tmp_path)
    assert again.exit_code == 1
    assert "already exist(s) (use --force to overwrite)" in again.output
    assert summary.read_text() == "mine"
    assert run(mini_dir, tmp_path, "--force").exit_code == 0
    assert summary.read_text().startswith("row,learner")


def test_yaml_cohort_and_bad_format(mini_dir: Path, tmp_path: Path) -> None:
    cohort = tmp_path / "c.yaml"
    cohort.write_text(
        "learners:\n  - name: Kim\n    skills: {python: 1}\n    hours_per_week: 5\n  - just a string\n"
    )
    result = CliRunner().invoke(
        cli,
        [
            "curriculum",
            "--no-builtin",
            "--graph",
            str(mini_dir),
            "--to",
            "mle",
            "--cohort",
            str(cohort),
            "--out",
            str(tmp_path / "y"),
            "--format",
            "md",
        ],
    )
    assert result.exit_code == 0, result.output
    assert f"{cohort}: line 5: a learner must be a mapping of fields" in result.output
    assert (tmp_path / "y" / "learners" / "kim.md").is_file()
    bad = CliRunner().invoke(
        cli,
        [
            "curriculum",
            "--no-builtin",
            "--graph",
            str(mini_dir),
            "--to",
            "mle",
            "--cohort",
            str(cohort),
            "--out",
            str(tmp_path / "z"),
            "--format",
            "md,pdf",
        ],
    )
    assert (
        bad.exit_code == 2
        and "unknown format 'pdf' (one of: md, html, csv, ics, imscc, moodle-csv, canvas-csv)"
        in bad.output
    )
