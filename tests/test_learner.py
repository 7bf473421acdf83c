"""A learner's stored state gives back the very plan the command line makes; records round-trip."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import resource

import pathplanner
from pathplanner.bundle import curriculum_zip, unpack_graph
from pathplanner.errors import InputError, PathPlannerError, ProfileError, UnknownNameError
from pathplanner.learner import (
    PlanCache,
    Week,
    compare_from,
    current_plan,
    load_record,
    parse_record,
    profile_of,
    record_document,
    record_progress,
    start_state,
)
from pathplanner.profile import build_profile
from pathplanner.progress import replan
from pathplanner.render import render_plan

START = dt.date(2027, 1, 4)


def test_current_plan_is_the_command_line_plan(mini: Any) -> None:
    me = build_profile(mini, from_role="analyst", done_hours={"docker-b": 4})
    week = Week(hours_per_week=5, start=START, budget_usd=500, objective="cost")
    state = start_state(mini, "ML Engineer", me, week, "  Ann   Lee ")
    assert state.learner == "Ann Lee"
    named = dataclasses.replace(me, name="Ann Lee")
    cli = pathplanner.plan(mini, "mle", named, hours_per_week=5, start=START, budget_usd=500,
                           objective="cost")  # fmt: skip
    mine = current_plan(mini, state)
    for fmt in ("md", "ics", "html", "csv"):
        assert render_plan(mine, fmt, mini) == render_plan(cli, fmt, mini)
    # the same JSON, but for 5.0 where the command line echoes the 5 it was given
    assert json.loads(render_plan(mine, "json", mini)) == json.loads(render_plan(cli, "json", mini))
    assert mine.steps[0].done_hours == 4  # hours begun stay in the plan, from day one
    first = mine.steps[0].resource
    after = record_progress(mini, state, [first])
    direct = replan(mini, state, [first])
    assert after == direct.state and after.round == 1
    assert render_plan(current_plan(mini, after), "md", mini) == render_plan(direct, "md", mini)


def test_start_state_checks_what_it_is_given(mini: Any) -> None:
    me = build_profile(mini, have={"python": 1})
    with pytest.raises(ProfileError, match="at most 200 characters"):
        start_state(mini, "mle", me, Week(), "x" * 201)
    with pytest.raises(UnknownNameError, match="did you mean 'mle'"):
        start_state(mini, "mlf", me, Week())
    with pytest.raises(PathPlannerError, match="hours_per_week"):
        start_state(mini, "mle", me, Week(hours_per_week=1000))
    assert start_state(mini, "mle", me, Week(), "   ").learner is None


def test_records_round_trip_and_refuse_junk(mini: Any) -> None:
    state = start_state(mini, "mle", build_profile(mini, from_role="analyst"), Week())
    state = record_progress(mini, state, ["docker-b"])
    doc = record_document(state)
    assert parse_record(mini, json.loads(json.dumps(doc)), "r.json") == state
    assert load_record(mini, json.dumps(doc).encode(), "r.json") == state
    with pytest.raises(ProfileError, match=r"r.json: line 1: not valid JSON"):
        load_record(mini, b"{", "r.json")
    with pytest.raises(InputError, match="not UTF-8"):
        load_record(mini, b"\xff{}", "r.json")
    with pytest.raises(ProfileError, match="not a learner record"):
        parse_record(mini, [1], "r.json")
    with pytest.raises(ProfileError, match="done"):
        parse_record(mini, {**doc, "state": {**doc["state"], "done": [{"resource": "nope"}]}}, "r")


def test_profile_of_counts_what_is_finished(mini: Any) -> None:
    state = start_state(mini, "mle", build_profile(mini, have={"python": 1}), Week())
    state = record_progress(mini, state, ["docker-b"])
    me = profile_of(mini, state)
    assert me.skills["docker"] == 2 and me.skills["python"] == 1 and me.done == ("docker-b",)


def test_compare_from_names_the_learners_routes(mini: Any) -> None:
    me = build_profile(mini, have={"python": 2})
    doc = compare_from(mini, me, "analyst", "mle")
    assert doc["you_to_a"]["steps"] == 1 and doc["you_to_b"]["status"] == "optimal"
    assert "you_to_a" not in compare_from(mini, None, "analyst", "mle")


def test_plan_cache_keeps_the_recent_plans(mini: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = PlanCache(mini, size=1)
    calls: list[int] = []
    real = current_plan

    def counting(*args: Any, **kw: Any) -> Any:
        calls.append(1)
        return real(*args, **kw)

    monkeypatch.setattr("pathplanner.learner.current_plan", counting)
    a = start_state(mini, "mle", build_profile(mini, have={"python": 1}), Week())
    b = start_state(mini, "analyst", build_profile(mini, have={"python": 1}), Week())
    assert cache.plan(a) is cache.plan(a) and len(calls) == 1
    cache.plan(b)
    cache.plan(a)  # pushed out by b: planned again
    assert len(calls) == 3


# -- uploads ----------------------------------------------------------------------------------


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name, data in members.items():
            z.writestr(name, data)
    return out.getvalue()


@pytest.mark.parametrize(
    "name",
    ["../evil.yaml", "/etc/evil.yaml", "a/../../evil.yaml", "C:\\x\\evil.yaml", "a/.hidden.yaml"],
)
def test_unpack_graph_refuses_paths_that_leave(tmp_path: Path, name: str) -> None:
    with pytest.raises(InputError, match="not a plain relative file name"):
        unpack_graph(_zip({name: b"skills: []"}), tmp_path / "g")
    assert not (tmp_path / "evil.yaml").exists()


def test_unpack_graph_limits(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(InputError, match="holds no graph files"):
        unpack_graph(_zip({"notes.txt": b"x"}), tmp_path / "a")
    with pytest.raises(InputError, match="not a zip file"):
        unpack_graph(b"nope", tmp_path / "b")
    monkeypatch.setattr("pathplanner.bundle.MAX_GRAPH_FILES", 2)
    with pytest.raises(InputError, match="more than 2 graph files"):
        unpack_graph(_zip({f"{i}.yaml": b"x" for i in range(3)}), tmp_path / "c")
    monkeypatch.setattr("pathplanner.bundle.MAX_GRAPH_UNZIPPED", 1000)
    bomb = _zip({"big.yaml": b"a" * 100_000})  # compresses to a few hundred bytes
    with pytest.raises(InputError, match="once unpacked"):
        unpack_graph(bomb, tmp_path / "d")
    assert unpack_graph(_zip({"sub/ok.yml": b"x", "README": b"y"}), tmp_path / "e") == 1
    assert (tmp_path / "e" / "sub" / "ok.yml").read_bytes() == b"x"


def test_curriculum_zip_is_deterministic(mini: Any, mini_dir: Path) -> None:
    cohort = b"name,have\nAnn,python:2\nBob,python:1\n"
    one = curriculum_zip(mini, "mle", cohort, "c.csv", graphs=[mini_dir], builtin=False)
    two = curriculum_zip(mini, "mle", cohort, "c.csv", graphs=[mini_dir], builtin=False)
    assert one == two and one[1] == "curriculum-mle.zip"
    extra = yaml.safe_dump({"resources": [resource("docker-fast", {"docker": 2, "linux": 1}, hours=1)]})  # fmt: skip
    data, _ = curriculum_zip(mini, "mle", cohort, "c.yaml".replace("yaml", "csv"),
                             graph_zip=_zip({"g/r.yaml": extra.encode()}), formats=["csv"],
                             graphs=[mini_dir], builtin=False)  # fmt: skip
    assert "docker-fast" in zipfile.ZipFile(io.BytesIO(data)).read("learners/ann.csv").decode()
    with pytest.raises(UnknownNameError, match="did you mean 'md'"):
        curriculum_zip(mini, "mle", cohort, "c.csv", formats=["mdd"])
    with pytest.raises(InputError, match=r"must be \.csv, \.yaml or \.yml"):
        curriculum_zip(mini, "mle", cohort, "c.txt")
    with pytest.raises(ProfileError, match="name the role"):
        curriculum_zip(mini, "", cohort, "c.csv")
    broken = _zip({"g/r.yaml": b"resources: [{id: Bad}]"})
    with pytest.raises(PathPlannerError) as err:
        curriculum_zip(mini, "mle", cohort, "c.csv", graph_zip=broken, graphs=[mini_dir], builtin=False)  # fmt: skip
    assert "graph.zip" in str(err.value) and "pathplanner-upload" not in str(err.value)
    yaml_cohort = b"- name: Ann\n  have: {python: 2}\n"
    data, _ = curriculum_zip(mini, "mle", yaml_cohort, "c.yaml")
    assert "learners/ann.md" in zipfile.ZipFile(io.BytesIO(data)).namelist()
