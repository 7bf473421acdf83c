"""The solver's own rules: ties settled by the project, never by the solver."""

from __future__ import annotations

import math
from typing import Any

from pathplanner.catalog import Catalog
from pathplanner.models import Resource, Role, Skill
from pathplanner.optimize import Constraints, _first_by_id, _Model, make_problem


def _catalog(hours: dict[str, float]) -> Catalog:
    skill = Skill(id="s", name="S", category="programming", levels={1: {"means": "one"}})
    resources = {
        rid: Resource(
            id=rid,
            kind="course",
            title=rid,
            provider="P",
            hours=h,
            hours_source="test",
            cost_usd=0,
            teaches={"s": 1},
        )
        for rid, h in hours.items()
    }
    role = Role(id="target", name="Target", requires={"essential": {"s": 1}})
    return Catalog(skills={"s": skill}, resources=resources, roles={"target": role})


def _tie_break_from(catalog: Catalog, incumbent: list[str]) -> list[str]:
    problem = make_problem(catalog, {}, {"s": 1}, Constraints())
    model = _Model(problem)
    every = list(range(len(model.cols)))
    model.add_row(every, [catalog.resources[r].hours for r in model.cols], 10.0 + 1e-6)
    chosen, note = _first_by_id(model, [model.cols.index(r) for r in incumbent], lambda: math.inf)
    assert note == ""
    return [model.cols[i] for i in chosen]


def test_whatever_the_solver_found_the_first_id_wins() -> None:
    catalog = _catalog({"a-course": 10, "b-course": 10, "c-course": 10, "d-course": 20})
    for found in ("a-course", "b-course", "c-course"):
        assert _tie_break_from(catalog, [found]) == ["a-course"]


def test_a_unique_best_plan_is_kept() -> None:
    catalog = _catalog({"a-course": 20, "b-course": 10})
    assert _tie_break_from(catalog, ["b-course"]) == ["b-course"]


def test_plans_reorder_nothing_when_ids_are_permuted(mini: Any) -> None:
    # the same graph twice: the plan depends on the data, not on the order it was read in
    from pathplanner.planner import plan

    reversed_catalog = Catalog(
        skills=dict(reversed(mini.skills.items())),
        resources=dict(reversed(mini.resources.items())),
        roles=dict(reversed(mini.roles.items())),
    )
    a = plan(mini, "mle", from_role="analyst").to_json()
    b = plan(reversed_catalog, "mle", from_role="analyst").to_json()
    assert a == b
