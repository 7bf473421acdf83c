"""Plans on a small graph: optimal, executable, constrained, explained, and infeasible with reasons."""

from __future__ import annotations

import datetime as dt
import itertools
import math
from typing import Any

import pytest
from checker import check_plan
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pathplanner.catalog import Catalog
from pathplanner.errors import InfeasibleError, PlanningError
from pathplanner.export import export_graph
from pathplanner.models import Resource, Role, Skill
from pathplanner.planner import plan
from pathplanner.profile import build_profile


def test_hours_optimal_plan(mini: Any) -> None:
    p = plan(mini, "mle", from_role="analyst")
    assert p.status == "optimal"
    assert [s.resource for s in p.steps] == ["docker-b", "py-paid", "ml-course"]
    assert p.total_hours == 40
    assert p.total_cost_usd == 20
    assert check_plan(export_graph(mini), p.to_json()) == []


def test_cost_objective_prefers_free(mini: Any) -> None:
    p = plan(mini, "mle", from_role="analyst", objective="cost")
    assert p.total_cost_usd == 0
    assert sorted(s.resource for s in p.steps) == ["docker-b", "ml-course", "py-adv"]
    assert p.total_hours == 42  # least hours among the free plans


def test_balanced_objective_values_money_at_the_rate(mini: Any) -> None:
    # at $1/h the $20 course costs 20 h-equivalents: the free 8 h one wins
    cheap_time = plan(mini, "mle", from_role="analyst", objective="balanced", hourly_rate=1)
    assert "py-adv" in [s.resource for s in cheap_time.steps]
    dear_time = plan(mini, "mle", from_role="analyst", objective="balanced", hourly_rate=100)
    assert "py-paid" in [s.resource for s in dear_time.steps]


def test_free_only_and_exclusions(mini: Any) -> None:
    p = plan(mini, "mle", from_role="analyst", free_only=True)
    assert all(s.cost_usd == 0 for s in p.steps)
    q = plan(mini, "mle", from_role="analyst", exclude_providers=("paidco",))
    assert all(s.provider != "PaidCo" for s in q.steps)
    r = plan(
        mini,
        "mle",
        from_role="analyst",
        exclude_kinds=("certification",),
        include=("docker-a",),
        objective="hours",
    )
    assert "docker-a" in [s.resource for s in r.steps]


def test_exclude_kind_that_makes_goal_unreachable(mini: Any) -> None:
    with pytest.raises(InfeasibleError) as info:
        plan(mini, "mle", from_role="analyst", exclude_kinds=("specialization",))
    assert str(info.value) == (
        "no plan meets the goal: every resource that teaches Ml 2 is ruled out "
        "('Ml Course': kind specialization is excluded)"
    )


def test_with_cert_adds_the_exam_and_its_needs(mini: Any) -> None:
    p = plan(mini, "analyst", have={"python": 1}, with_certs=("X-101",))
    ids = [s.resource for s in p.steps]
    assert ids[-1] == "exam-x"
    assert check_plan(export_graph(mini), p.to_json(), extra_goal={"cert-x": 1}) == []


def test_budget_too_small_says_by_how_much(mini: Any) -> None:
    with pytest.raises(InfeasibleError) as info:
        plan(mini, "analyst", with_certs=("cert-x",), budget_usd=50)
    assert str(info.value) == (
        "no plan fits the budget: the cheapest plan costs $100.00, over the budget of $50.00"
    )


def test_max_hours_too_small(mini: Any) -> None:
    with pytest.raises(
        InfeasibleError, match=r"the shortest plan takes 40.0 h, over the limit of 30 h"
    ):
        plan(mini, "mle", from_role="analyst", max_hours=30)


def test_free_only_with_paid_include_is_contradictory(mini: Any) -> None:
    with pytest.raises(PlanningError) as info:
        plan(mini, "mle", from_role="analyst", free_only=True, include=("docker-a",))
    assert (
        str(info.value)
        == "include: 'docker-a' contradicts the other options: costs $10 (free resources only)"
    )
    assert info.value.cite("--include").startswith("--include: 'docker-a' contradicts")


def test_already_qualified_gives_empty_plan(mini: Any) -> None:
    p = plan(mini, "analyst", from_role="mle", have={"sql": 1})
    assert p.steps == []
    assert p.total_hours == 0
    assert p.status == "optimal"


def test_done_resources_count_as_taken(mini: Any) -> None:
    profile = build_profile(mini, have={"python": 1, "sql": 1}, done=["docker-b"])
    p = plan(mini, "mle", profile)
    assert "docker-b" not in [s.resource for s in p.steps]
    assert p.total_hours == 26


def test_schedule_weeks_and_dates(mini: Any) -> None:
    p = plan(mini, "mle", from_role="analyst", hours_per_week=8, start=dt.date(2027, 1, 4))
    weeks = [(s.start_week, s.end_week) for s in p.steps]
    assert weeks == [(1, 2), (2, 3), (3, 5)]  # 14 h, then 6 h from hour 14, then 20 h from hour 20
    assert p.steps[0].start_date == dt.date(2027, 1, 4)
    assert p.steps[2].end_date == dt.date(2027, 2, 7)
    assert p.weeks == 5


def test_steps_explain_themselves(mini: Any) -> None:
    p = plan(mini, "mle", from_role="analyst")
    by_id = {s.resource: s for s in p.steps}
    assert by_id["py-paid"].closes == [("python", 2)]
    assert by_id["py-paid"].needed_by == [3]  # ml-course needs python:2
    docker = by_id["docker-b"]
    assert [a.resource for a in docker.alternatives] == ["docker-a"]
    assert (
        docker.alternatives[0].reason
        == "also teaches Docker 2 but needs Linux 1: a plan with it takes 1.0 more hours in all"
    )


def test_milestones(mini: Any) -> None:
    p = plan(mini, "mle", have={"sql": 1})
    assert [s.resource for s in p.steps] == ["docker-b", "py-paid", "ml-course"]
    assert [(m.after_step, m.role) for m in p.milestones] == [(2, "analyst"), (3, "mle")]


def test_greedy_is_feasible_and_not_called_optimal(mini: Any) -> None:
    p = plan(mini, "mle", from_role="analyst", solver="greedy")
    assert p.status == "feasible"
    assert check_plan(export_graph(mini), p.to_json()) == []


def test_same_inputs_same_bytes(mini: Any) -> None:
    a = plan(mini, "mle", from_role="analyst").to_json()
    b = plan(mini, "mle", from_role="analyst").to_json()
    assert a == b


# -- the full rule, under constraints, against brute force -------------------------------------


@st.composite
def constrained_case(draw: Any) -> tuple[Catalog, dict[str, Any]]:
    """A random acyclic catalogue with level prerequisites and retired resources, plus options."""
    n_skills = draw(st.integers(2, 4))
    sids = [f"s{i}" for i in range(n_skills)]
    skills: dict[str, Skill] = {}
    for i, sid in enumerate(sids):
        levels: dict[int, dict[str, Any]] = {1: {"means": "one"}, 2: {"means": "two"}}
        for lvl in (1, 2):
            if i and draw(st.integers(0, 3)) == 0:  # a prerequisite on a more basic skill
                pre = draw(st.sampled_from(sids[:i]))
                levels[lvl]["requires"] = {pre: draw(st.integers(1, 2))}
            if i >= 2 and draw(st.integers(0, 3)) == 0:  # or one of two more basic skills
                a, b = draw(
                    st.lists(st.sampled_from(sids[:i]), min_size=2, max_size=2, unique=True)
                )
                options = {a: draw(st.integers(1, 2)), b: draw(st.integers(1, 2))}
                levels[lvl]["requires_any"] = [{"name": f"{a} or {b}", "options": options}]
        skills[sid] = Skill(id=sid, name=sid.upper(), category="programming", levels=levels)
    resources: dict[str, Resource] = {}
    all_tied = draw(st.booleans())  # every resource alike: the id rule decides
    for j in range(draw(st.integers(2, 8))):
        low = draw(st.integers(0, n_skills - 1))
        taught = draw(st.lists(st.sampled_from(sids[low:]), min_size=1, max_size=2, unique=True))
        teaches = {s: draw(st.integers(1, 2)) for s in taught}
        first = min(sids.index(s) for s in taught)
        pool = sids[:first]
        requires = (
            {
                s: draw(st.integers(1, 2))
                for s in draw(st.lists(st.sampled_from(pool), max_size=2, unique=True))
            }
            if pool
            else {}
        )
        if teaches[sids[first]] == 2 and draw(st.booleans()):
            requires[sids[first]] = 1
        retired = draw(st.integers(0, 5)) == 0
        rid = f"r{j}"
        resources[rid] = Resource(
            id=rid,
            kind="course",
            title=rid,
            provider=draw(st.sampled_from(["P", "Q"])),
            hours=5 if all_tied else draw(st.sampled_from([5, 10, 10, 20])),  # ties
            hours_source="random",
            cost_usd=0 if all_tied else draw(st.sampled_from([0, 0, 10, 50])),
            cost_source="random",
            requires=requires,
            teaches=teaches,
            status="retired" if retired else "active",
            retired_on=dt.date(2025, 1, 1) if retired else None,
        )
    # acyclic: every need of a resource (its level prerequisites included) ranks below its gains
    draft = Catalog(skills=skills, resources=resources, roles={})
    rank = {s: i for i, s in enumerate(sids)}
    for rid, res in list(resources.items()):
        gains = min((rank[s], lv) for s, lv in res.teaches.items())
        needs = [*_effective(draft, res).items()]
        needs += [kv for c in _choices(draft, res) for kv in c.items()]
        if any((rank[s], lv) >= gains for s, lv in needs):
            del resources[rid]
    if not resources:
        resources["r-only"] = Resource(
            id="r-only",
            kind="course",
            title="only",
            provider="P",
            hours=5,
            hours_source="random",
            cost_usd=0,
            teaches={sids[0]: 1},
        )
    goal_skills = draw(st.lists(st.sampled_from(sids), min_size=1, max_size=3, unique=True))
    goal = {s: draw(st.integers(1, 2)) for s in goal_skills}
    any_of = []
    if draw(st.booleans()):  # one of two skills, as a BI tool or a framework
        a, b = draw(st.lists(st.sampled_from(sids), min_size=2, max_size=2, unique=True))
        options_ = {a: draw(st.integers(1, 2)), b: draw(st.integers(1, 2))}
        any_of.append({"name": f"{a} or {b}", "options": options_})
        if draw(st.booleans()):
            del goal[goal_skills[0]]  # a role may be made of choices
    requires = {"essential": goal, "any_of": any_of}
    if not goal and not any_of:
        requires["essential"] = {sids[0]: 1}
    roles = {"target": Role(id="target", name="Target", requires=requires)}
    options: dict[str, Any] = {"objective": draw(st.sampled_from(["hours", "cost", "balanced"]))}
    if draw(st.booleans()):
        options["budget_usd"] = draw(st.sampled_from([0, 10, 40, 60]))
    if draw(st.booleans()):
        options["max_hours"] = draw(st.sampled_from([5, 15, 30]))
    if draw(st.integers(0, 3)) == 0:
        options["free_only"] = True
    if draw(st.integers(0, 3)) == 0:
        options["include"] = (draw(st.sampled_from(sorted(resources))),)
    if draw(st.integers(0, 4)) == 0 and any(r.provider == "Q" for r in resources.values()):
        options["exclude_providers"] = ("Q",)
    return Catalog(skills=skills, resources=resources, roles=roles), options


def _effective(catalog: Catalog, res: Resource) -> dict[str, int]:
    """Needs by DESIGN.md, computed here without the planner's code."""
    need = dict(res.requires)
    for sid, top in res.teaches.items():
        for lvl, spec in catalog.skills[sid].levels.items():
            if lvl > top:
                continue
            for pre, pl in spec.requires.items():
                if res.teaches.get(pre, 0) < pl:
                    need[pre] = max(need.get(pre, 0), pl)
    return need


def _choices(catalog: Catalog, res: Resource) -> list[dict[str, int]]:
    """Choices by DESIGN.md: those of every level taught, unless the resource settles them."""
    out = []
    for sid, top in res.teaches.items():
        for lvl, spec in catalog.skills[sid].levels.items():
            for choice in spec.requires_any if lvl <= top else []:
                opts = dict(choice.options)
                settled = any(
                    max(res.teaches.get(s, 0), res.requires.get(s, 0)) >= lv
                    for s, lv in opts.items()
                )
                if not settled:
                    out.append(opts)
    return out


def _has(state: dict[str, int], levels: dict[str, int], choices: list[dict[str, int]]) -> bool:
    return all(state.get(s, 0) >= lv for s, lv in levels.items()) and all(
        any(state.get(s, 0) >= lv for s, lv in c.items()) for c in choices
    )


def _executable(catalog: Catalog, subset: tuple[str, ...], goal: dict[str, int]) -> bool:
    state: dict[str, int] = {}
    todo = list(subset)
    progress = True
    while todo and progress:
        progress = False
        for rid in list(todo):
            res = catalog.resources[rid]
            if _has(state, _effective(catalog, res), _choices(catalog, res)):
                for s, lv in res.teaches.items():
                    state[s] = max(state.get(s, 0), lv)
                todo.remove(rid)
                progress = True
    goal_choices = [dict(c.options) for c in catalog.roles["target"].requires.any_of]
    return not todo and _has(state, goal, goal_choices)


def best_by_the_rule(catalog: Catalog, options: dict[str, Any]) -> tuple[str, ...] | None:
    """Return the plan the README's rule picks, by enumerating every subset."""
    goal = dict(catalog.roles["target"].requires.essential)
    res = catalog.resources
    ids = sorted(res)
    allowed = [
        r
        for r in ids
        if res[r].active
        and not (options.get("free_only") and res[r].cost_usd > 0)
        and res[r].provider not in options.get("exclude_providers", ())
    ]
    must = set(options.get("include", ()))
    if not must <= set(allowed):
        return None
    objective = options["objective"]

    def key(subset: tuple[str, ...]) -> tuple[Any, ...]:
        hours = sum(res[r].hours for r in subset)
        cost = sum(res[r].cost_usd for r in subset)
        first = {"hours": hours, "cost": cost, "balanced": hours + cost / 25.0}[objective]
        second = cost if objective == "hours" else hours
        third = cost if objective == "balanced" else 0
        by_id = tuple(0 if r in subset else 1 for r in ids)  # including an earlier id wins
        return (round(first, 9), second, third, len(subset), by_id)

    best: tuple[str, ...] | None = None
    for n in range(len(allowed) + 1):
        for subset in itertools.combinations(allowed, n):
            if not must <= set(subset):
                continue
            if sum(res[r].cost_usd for r in subset) > options.get("budget_usd", math.inf):
                continue
            if sum(res[r].hours for r in subset) > options.get("max_hours", math.inf):
                continue
            if _executable(catalog, subset, goal) and (best is None or key(subset) < key(best)):
                best = subset
    return best


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(constrained_case())
def test_the_plan_is_the_one_the_rule_picks_under_every_constraint(
    case: tuple[Catalog, dict[str, Any]],
) -> None:
    catalog, options = case
    best = best_by_the_rule(catalog, options)
    if best is None:
        with pytest.raises(PlanningError):
            plan(catalog, "target", explain=False, **options)
        return
    p = plan(catalog, "target", explain=False, **options)
    assert p.status == "optimal"
    graph = export_graph(catalog)
    assert check_plan(graph, p.to_json()) == []
    assert sorted(s.resource for s in p.steps) == sorted(best)
    # the greedy heuristic a simpler tool would use: valid when it finds a plan, never better
    try:
        g = plan(catalog, "target", explain=False, solver="greedy", **options)
    except PlanningError:
        return
    assert check_plan(graph, g.to_json()) == []
    weight = {"hours": "hours", "cost": "cost_usd", "balanced": "hours"}[options["objective"]]
    if options["objective"] != "balanced":
        total = sum(getattr(catalog.resources[s.resource], weight) for s in g.steps)
        assert total >= sum(getattr(catalog.resources[r], weight) for r in best) - 1e-9


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(constrained_case())
def test_validity_pruning_and_replay_agree(case: tuple[Catalog, dict[str, Any]]) -> None:
    """The solver's covering test, its pruning and step-by-step replay agree on every subset."""
    from pathplanner.optimize import Constraints, PlanningProblem, _prune, _valid_set, replay
    from pathplanner.schedule import order

    catalog, _ = case
    goal = dict(catalog.roles["target"].requires.essential)
    problem = PlanningProblem(catalog, {}, goal, Constraints(), list(catalog.resources), [])
    problem.goal_choices = list(catalog.roles["target"].requires.any_of)
    ids = sorted(catalog.resources)
    for n in range(len(ids) + 1):
        for subset in itertools.combinations(ids, n):
            expected = _executable(catalog, subset, goal)
            assert _valid_set(problem, set(subset)) == expected, subset
            if not expected:
                continue
            steps = order(catalog, {}, subset)
            end, errors = replay(catalog, {}, steps)
            assert errors == [] and all(end.get(s, 0) >= lv for s, lv in goal.items())
            kept = _prune(problem, list(subset))
            assert set(kept) <= set(subset) and _executable(catalog, tuple(kept), goal)


def test_an_alternative_of_equal_hours_is_explained_by_its_cost(tmp_path: Any) -> None:
    from conftest import mini_entries, resource, write_graph

    from pathplanner.load import load_catalog

    entries = mini_entries()
    # shorter than the free Docker course, but it needs Linux first: the same hours in all,
    # and it costs money, so the tie goes to the free plan
    entries["resources"].append(
        resource("docker-c", {"docker": 2}, hours=9, cost=30, provider="PaidCo")
    )
    catalog = load_catalog([write_graph(tmp_path / "g", **entries)], builtin=False)
    p = plan(catalog, "mle", from_role="analyst", objective="hours")
    step = next(s for s in p.steps if s.resource == "docker-b")
    reasons = {a.resource: a.reason for a in step.alternatives}
    assert "takes the same hours but $30.00 more in all" in reasons.get("docker-c", ""), reasons
