"""Experience is not studied: a plan covers skills, and never claims a role whose years are missing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from conftest import mini_entries, write_graph

from pathplanner.analysis import compare, suggest
from pathplanner.errors import ProfileError
from pathplanner.load import load_catalog
from pathplanner.planner import plan
from pathplanner.profile import build_profile
from pathplanner.render import render_plan
from pathplanner.text import suggestions_text

SENIOR = {"family": "ml-engineering", "years": 5, "source": "estimate: ladder", "estimate": True}


@pytest.fixture
def senior(tmp_path: Path) -> Any:
    e = mini_entries()
    for r in e["roles"]:
        if r["id"] == "mle":
            r["family"] = "ml-engineering"
            r["experience"] = [SENIOR]
    return load_catalog([write_graph(tmp_path / "g", **e)], builtin=False)


def test_a_milestone_says_what_experience_is_missing(senior: Any) -> None:
    p = plan(senior, "mle", from_role="analyst")
    m = next(m for m in p.milestones if m.role == "mle")
    assert m.experience_note == (
        "the role also asks for about 5 years of ML engineering experience (you have 0)"
    )
    text = render_plan(p, "txt", senior)
    assert "you qualify as ML Engineer" not in text
    assert "skills of ML Engineer covered; the role also asks for about 5 years" in text
    doc = p.to_dict()["milestones"]
    assert any(d["role"] == "mle" and d["qualifies"] is False for d in doc)


def test_enough_experience_qualifies(senior: Any, tmp_path: Path) -> None:
    prof = tmp_path / "me.yaml"
    prof.write_text("name: Sam\nexperience: {ml-engineering: 6}\n")
    me = build_profile(senior, from_role="analyst", profile_file=prof)
    p = plan(senior, "mle", me)
    m = next(m for m in p.milestones if m.role == "mle")
    assert m.experience_note == ""
    assert "you qualify as ML Engineer" in render_plan(p, "txt", senior)
    assert p.state is not None and p.state.experience == {"ml-engineering": 6.0}


def test_suggest_and_compare_name_the_experience(senior: Any) -> None:
    ranked = suggest(senior, build_profile(senior, from_role="analyst"))
    mle = next(s for s in ranked if s.role == "mle")
    assert "5 years of ML engineering experience" in mle.experience_note
    assert "Experience no course gives:" in suggestions_text(ranked)
    data = compare(senior, "analyst", "mle")
    assert data["b"]["experience"][0]["years"] == 5


def test_an_unknown_family_is_one_clear_line(senior: Any, tmp_path: Path) -> None:
    prof = tmp_path / "me.yaml"
    prof.write_text("experience: {ml-enginering: 2}\n")
    with pytest.raises(ProfileError) as info:
        build_profile(senior, profile_file=prof)
    assert "experience.ml-enginering: unknown role family 'ml-enginering'" in str(info.value)
    assert "did you mean 'ml-engineering'?" in str(info.value)


def test_someone_in_a_role_has_the_years_it_asks_for(senior: Any) -> None:
    me = build_profile(senior, from_role="mle")
    assert me.experience == {"ml-engineering": 5.0}
