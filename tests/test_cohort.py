"""Reading a cohort: CSV and YAML rows checked by one model, every problem with its line."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from pathplanner.cohort import Learner, RowProblem, read_cohort
from pathplanner.errors import ProfileError


def lines(found: list[RowProblem]) -> list[str]:
    return [str(p) for row in found for p in row.problems]


Read = Callable[[str, str], tuple[Path, list[Learner], list[RowProblem]]]


@pytest.fixture
def read(tmp_path: Path, mini: Any) -> Read:
    """Return a function that writes a cohort file and returns its path, learners and bad rows."""

    def go(name: str, text: str) -> tuple[Path, list[Learner], list[RowProblem]]:
        path = tmp_path / name
        path.write_text(text)
        return (path, *read_cohort(mini, path))

    return go


def test_csv_rows_become_learners(read: Read) -> None:
    _, learners, problems = read(
        "c.csv",
        "name,from,have,done,hours_per_week,budget_usd,start\n"
        'Sam,analyst,"docker:1,ml",docker-a,6,100,2027-01-04\n'
        "\n"
        "Ana,,python:2;sql,,,,\n",
    )
    assert problems == []
    sam, ana = learners
    assert (sam.row, sam.line, sam.name, sam.start) == (2, 2, "Sam", dt.date(2027, 1, 4))
    assert sam.profile.from_role == "analyst" and sam.profile.done == ("docker-a",)
    assert sam.profile.skills["ml"] == 1 and sam.profile.hours_per_week == 6
    assert sam.profile.budget_usd == 100 and sam.profile.stated is None
    assert (ana.row, ana.profile.skills) == (4, {"python": 2, "sql": 1})


def test_csv_with_a_byte_order_mark(tmp_path: Path, mini: Any) -> None:
    cohort = tmp_path / "c.csv"
    cohort.write_bytes("name,have\nAnn,python:1\n".encode("utf-8-sig"))
    learners, problems = read_cohort(mini, cohort)
    assert problems == [] and [x.name for x in learners] == ["Ann"]


def test_every_problem_of_every_row_at_once(read: Read) -> None:
    cohort, learners, problems = read(
        "c.csv",
        "name,have,done,hours_per_week,start\n"
        "Ann,python:7;pythn,,0,soon\n"
        "Bob,sql,dockr-a,8,\n"
        ",,,,\n"
        "Cy,python,,8,\n",
    )
    assert [x.name for x in learners] == ["Cy"]
    assert [(p.row, p.name) for p in problems] == [(2, "Ann"), (3, "Bob"), (4, "")]
    assert lines(problems) == [
        f"{cohort}: line 2: Ann: have.python: level must be a whole number from 0 to 3, got 7",
        f"{cohort}: line 2: Ann: hours_per_week: must be at least 0.5 and at most 168, got '0'",
        f"{cohort}: line 2: Ann: start: must be a date YYYY-MM-DD, got 'soon'",
        f"{cohort}: line 3: Bob: done: unknown resource 'dockr-a' — did you mean 'docker-a'?",
        f"{cohort}: line 4: name: is required",
    ]
    # without the file, as the CLI prints it after the file's name; the summary's message
    assert str(problems[1]) == (
        "line 3: Bob: done: unknown resource 'dockr-a' — did you mean 'docker-a'?"
    )
    assert problems[0].message.startswith("have.python: level must be a whole number")
    assert problems[0].message.count("; ") == 2


def test_yaml_level_out_of_range_names_file_line_learner_field(read: Read) -> None:
    cohort, learners, problems = read(
        "c.yaml",
        "learners:\n"
        "  - name: Zed\n"
        "  - name: Ann\n"
        "    hours_per_week: 8\n"
        "    have:\n"
        "      sql: 1\n"
        "      python: 7\n",
    )
    assert [x.name for x in learners] == ["Zed"]
    assert lines(problems) == [
        f"{cohort}: line 7: Ann: have.python: level must be a whole number from 0 to 3, got 7"
    ]
    assert problems[0].row == 2


def test_yaml_have_not_levels_is_one_clear_line(read: Read) -> None:
    cohort, _, problems = read("c.yaml", "- name: Ann\n  have: 5\n- just a string\n")
    assert lines(problems) == [
        f"{cohort}: line 2: Ann: have: must be text like python:2,sql:1, a list or a mapping "
        "of skill: level, got 5",
        f"{cohort}: line 3: a learner must be a mapping of fields",
    ]


def test_unknown_field_and_column_suggest_the_nearest(
    read: Read, tmp_path: Path, mini: Any
) -> None:
    cohort, _, problems = read("c.yaml", "- name: Ann\n  hours_per_wek: 8\n  skills: {pythn: 1}\n")
    assert lines(problems) == [
        f"{cohort}: line 2: Ann: hours_per_wek: unknown field — did you mean 'hours_per_week'?"
    ]

    csv_file = tmp_path / "c.csv"
    csv_file.write_text("nam,hours_per_wek,have,have\nAnn,8,,\n")
    with pytest.raises(ProfileError) as err:
        read_cohort(mini, csv_file)
    assert [str(p) for p in err.value.problems] == [
        f"{csv_file}: line 1: the header must have a 'name' column (and optionally from, have, "
        "skills, done, hours_per_week, budget_usd, start)",
        f"{csv_file}: line 1: nam: unknown column — did you mean 'name'?",
        f"{csv_file}: line 1: hours_per_wek: unknown column — did you mean 'hours_per_week'?",
        f"{csv_file}: line 1: have: column given twice",
    ]


def test_unknown_names_in_yaml_are_on_their_lines(read: Read) -> None:
    cohort, _, problems = read(
        "c.yaml",
        "- name: Ann\n  from: analyts\n  skills:\n    pythn: 1\n  done:\n    - py-free\n    - ml-cours\n",
    )
    assert lines(problems) == [
        f"{cohort}: line 2: Ann: from: unknown role 'analyts' — did you mean 'analyst'?",
        f"{cohort}: line 4: Ann: skills: unknown skill 'pythn' — did you mean 'python'?",
        f"{cohort}: line 7: Ann: done: unknown resource 'ml-cours' — did you mean 'ml-course'?",
    ]


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("c.txt", "x", "a cohort file must be .csv, .yaml or .yml"),
        ("c.yaml", "name: Ann\n", "expected a list of learners"),
        ("c.csv", "", "empty file"),
    ],
)
def test_files_that_are_not_cohorts(
    tmp_path: Path, mini: Any, name: str, text: str, message: str
) -> None:
    path = tmp_path / name
    path.write_text(text)
    with pytest.raises(ProfileError, match=message):
        read_cohort(mini, path)
