"""Profiles: files, skill levels and names checked in one pass, every problem at once."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from pathplanner.errors import ProfileError
from pathplanner.models import ProfileFile
from pathplanner.profile import build_profile, parse_have, read_profile_file


def problems(err: pytest.ExceptionInfo[ProfileError]) -> list[str]:
    return [str(p) for p in err.value.problems]


def test_a_valid_profile_file(tmp_path: Path, mini: Any) -> None:
    path = tmp_path / "me.yaml"
    path.write_text(
        "name: Sam\nfrom: analyst\nskills: {docker: 1}\ndone: [docker-a]\n"
        "done_hours: {ml-course: 5}\nhours_per_week: 6\nbudget_usd: 100\n"
    )
    assert read_profile_file(path) == ProfileFile.model_validate(
        {"name": "Sam", "from": "analyst", "skills": {"docker": 1}, "done": ["docker-a"],
         "done_hours": {"ml-course": 5}, "hours_per_week": 6, "budget_usd": 100}
    )  # fmt: skip
    p = build_profile(mini, profile_file=path)
    assert (p.name, p.from_role, p.hours_per_week, p.budget_usd) == ("Sam", "analyst", 6, 100)
    assert p.done == ("docker-a",) and p.done_hours == {"ml-course": 5}
    assert p.stated == {"docker": 1, "python": 1, "sql": 1}


def test_every_problem_of_a_file_at_once(tmp_path: Path, mini: Any) -> None:
    path = tmp_path / "me.yaml"
    path.write_text(
        "name: Sam\nskills:\n  python: 7\n  sql: true\nhours_per_wek: 8\nbudget_usd: .nan\n"
    )
    with pytest.raises(ProfileError) as err:
        build_profile(mini, profile_file=path)
    assert problems(err) == [
        f"{path}: line 3: skills.python: level must be a whole number from 0 to 3, got 7",
        f"{path}: line 4: skills.sql: level must be a whole number from 0 to 3, got True",
        f"{path}: line 6: budget_usd: must be a finite number, got nan",
        f"{path}: line 5: hours_per_wek: unknown field — did you mean 'hours_per_week'?",
    ]
    assert str(err.value).startswith("4 problems:\n")


def test_every_unknown_name_at_once_with_its_line(tmp_path: Path, mini: Any) -> None:
    path = tmp_path / "me.yaml"
    path.write_text("from: analyts\nskills: {pythn: 2}\ndone:\n  - py-free\n  - dockr-a\n")
    with pytest.raises(ProfileError) as err:
        build_profile(mini, profile_file=path, have=["sqll:1"], have_source="--have")
    assert problems(err) == [
        f"{path}: line 1: from: unknown role 'analyts' — did you mean 'analyst'?",
        f"{path}: line 2: skills: unknown skill 'pythn' — did you mean 'python'?",
        "--have: unknown skill 'sqll' — did you mean 'sql'?",
        f"{path}: line 5: done: unknown resource 'dockr-a' — did you mean 'docker-a'?",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("skills: 5\n", "line 1: skills: Input should be a valid dictionary"),
        ("done: py-free\n", "line 1: done: Input should be a valid list"),
        ("name: [Sam]\n", "line 1: name: Input should be a valid string"),
        ("hours_per_week: '8'\n", "line 1: hours_per_week: must be a number, got '8'"),
        ("done_hours: {py-free: 0}\n", "line 1: done_hours.py-free: must be a positive number"),
        ("- a\n- b\n", "a profile must be a mapping"),
    ],
)
def test_wrong_shapes_are_one_clear_line(tmp_path: Path, text: str, expected: str) -> None:
    path = tmp_path / "me.yaml"
    path.write_text(text)
    with pytest.raises(ProfileError) as err:
        read_profile_file(path)
    assert str(err.value).startswith(f"{path}: {expected}")
    assert "\n" not in str(err.value)


def test_empty_fields_and_file_mean_nothing_given(tmp_path: Path) -> None:
    path = tmp_path / "me.yaml"
    path.write_text("name: Sam\nskills:\ndone:\n")
    assert read_profile_file(path) == ProfileFile(name="Sam")
    path.write_text("")
    assert read_profile_file(path) == ProfileFile()


def test_parse_have_names_its_source() -> None:
    assert parse_have(["python:2,sql", "docker:1;python:1"]) == [
        ("python", 2),
        ("sql", 1),
        ("docker", 1),
    ]
    with pytest.raises(ProfileError) as err:
        parse_have(["python:7,sql:x"], source="skills given")
    assert problems(err) == [
        "skills given: python: level must be a whole number from 0 to 3, got 7",
        "skills given: sql: level must be a whole number from 0 to 3, got 'x'",
    ]
    with pytest.raises(ProfileError, match=r"^have: must be text like python:2"):
        parse_have([5])  # type: ignore[list-item]


def test_have_as_a_mapping(mini: Any) -> None:
    assert build_profile(mini, have={"python": 2}).skills == {"python": 2}
    with pytest.raises(ProfileError) as err:
        build_profile(mini, have={"python": 5, 3: 1})  # type: ignore[dict-item]
    assert problems(err) == [
        "have: python: level must be a whole number from 0 to 3, got 5",
        "have: 3: Input should be a valid string",
    ]
