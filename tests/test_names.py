"""Names resolve by id, name and alias, ignoring case and spacing; unknown ones get did-you-mean."""

from __future__ import annotations

from typing import Any

import pytest

from pathplanner.errors import UnknownNameError


@pytest.mark.parametrize(
    "name", ["mle", "ML Engineer", "ml engineer", "ML_ENGINEER", "  Machine  Learning Engineer "]
)
def test_role_spellings(mini: Any, name: str) -> None:
    assert mini.resolve_role(name).id == "mle"


def test_skill_alias(mini: Any) -> None:
    assert mini.resolve_skill("Machine-Learning").id == "ml"
    assert mini.resolve_skill("PY").id == "python"


def test_resource_by_title_and_exam_code(mini: Any) -> None:
    assert mini.resolve_resource("Docker A").id == "docker-a"
    assert mini.resolve_resource("x-101").id == "exam-x"


def test_unknown_role_suggests(mini: Any) -> None:
    with pytest.raises(UnknownNameError) as info:
        mini.resolve_role("analyts")
    assert str(info.value) == "unknown role 'analyts' — did you mean 'analyst'?"


def test_unknown_with_no_near_match(mini: Any) -> None:
    with pytest.raises(UnknownNameError) as info:
        mini.resolve_skill("quantum-gravity")
    assert str(info.value) == "unknown skill 'quantum-gravity'"


def test_resolve_any_prefers_roles(mini: Any) -> None:
    assert mini.resolve_any("da") == ("role", "analyst")
    assert mini.resolve_any("docker") == ("skill", "docker")
    assert mini.resolve_any("exam-x") == ("resource", "exam-x")
