"""Plans that fit what the learner asks: lexicographic objectives, languages, vetoes,
preferences, deadlines and a coherent order, on the built-in graph."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import pytest
from checker import check_plan
from click.testing import CliRunner

from pathplanner.cli import cli
from pathplanner.errors import InfeasibleError, PlanningError, UnknownNameError
from pathplanner.export import export_graph
from pathplanner.load import load_catalog
from pathplanner.optimize import NEUTRAL_LANGUAGES
from pathplanner.planner import plan


@pytest.fixture(scope="module")
def catalog() -> Any:
    return load_catalog()


@pytest.fixture(scope="module")
def graph(catalog: Any) -> Any:
    return export_graph(catalog)


def _pairs(catalog: Any, every: int) -> list[tuple[str | None, str]]:
    """Return a deterministic sample of (from role, target) pairs, from nothing included."""
    roles = sorted(catalog.roles)
    pairs = [(a, b) for a, b in itertools.product([None, *roles], roles) if a != b]
    return pairs[::every]


def test_cost_ties_are_broken_by_hours_as_an_independent_solve_finds(catalog: Any) -> None:
    # Independent route to the same answer: the fewest hours under a budget equal to the
    # cheapest cost. The cost plan must never take more hours than that.
    for source, target in _pairs(catalog, 9):
        cheapest = plan(catalog, target, from_role=source, objective="cost", explain=False)
        fastest_at_that_cost = plan(
            catalog,
            target,
            from_role=source,
            objective="hours",
            budget_usd=cheapest.total_cost_usd,
            explain=False,
        )
        assert fastest_at_that_cost.total_cost_usd <= cheapest.total_cost_usd + 1e-6
        assert cheapest.total_hours <= fastest_at_that_cost.total_hours + 1e-6, (source, target)


def test_plans_stay_in_the_learners_and_the_roles_languages(catalog: Any, graph: Any) -> None:
    checked = 0
    for source, target in _pairs(catalog, 5):
        p = plan(catalog, target, from_role=source, explain=False)
        assert check_plan(graph, p.to_dict()) == []
        allowed = set(p.constraints.code_languages or ())
        learner = {s for s, lv in p.profile.items() if lv and catalog.skills[s].kind == "language"}
        role = catalog.roles[target]
        needed = {s for s in role.goal() if catalog.skills[s].kind == "language"}
        for choice in role.goal_choices():
            if not choice.met(p.profile):
                needed |= {s for s in choice.options if catalog.skills[s].kind == "language"}
        used = {lang for s in p.steps for lang in catalog.resources[s.resource].languages or ()}
        outside = used - learner - needed - set(NEUTRAL_LANGUAGES)
        # a language outside the learner's and the role's is only ever one the plan had to
        # add, and the plan says so
        assert outside <= allowed
        if outside:
            assert any("also uses" in n for n in p.notes), (source, target, outside)
        checked += 1
    assert checked > 60


def test_a_python_learner_is_not_sent_through_ruby(catalog: Any) -> None:
    p = plan(catalog, "ml-engineer", from_role="data-scientist")
    used = {lang for s in p.steps for lang in catalog.resources[s.resource].languages or ()}
    assert used <= {"python", "sql", "none", "bash"}
    assert not p.notes
    beaten = [a for s in p.steps for a in s.alternatives if "Ruby" in a.title]
    assert beaten and all("its exercises use Ruby" in a.reason for a in beaten)


def test_languages_and_avoid_language(catalog: Any) -> None:
    p = plan(catalog, "data-analyst", have={"r": 2}, languages=["r"], explain=False)
    assert "r" in (p.constraints.code_languages or ())
    with pytest.raises(InfeasibleError, match="name more languages, or allow any language"):
        plan(catalog, "data-engineer", have={"python": 2}, avoid_languages=["scala"])
    free = plan(catalog, "data-engineer", have={"python": 2}, any_language=True, explain=False)
    assert free.constraints.code_languages is None
    with pytest.raises(UnknownNameError, match="did you mean 'python'"):
        plan(catalog, "data-analyst", languages=["pyton"])


def test_exclusions_and_their_names(catalog: Any) -> None:
    base = plan(catalog, "ml-engineer", from_role="data-scientist", explain=False)
    first = base.steps[0].resource
    title = catalog.resources[first].title
    other = plan(
        catalog, "ml-engineer", from_role="data-scientist", exclude_ids=[title], explain=False
    )
    assert first not in [s.resource for s in other.steps]
    assert other.constraints.exclude_ids == (first,)
    with pytest.raises(UnknownNameError, match="did you mean") as info:
        plan(catalog, "ml-engineer", exclude_ids=["fluent-pyton-2e"])
    assert info.value.setting == "exclude_ids"
    no_git = plan(catalog, "data-analyst", exclude_skills=["git"], explain=False)
    assert not any("git" in catalog.resources[s.resource].teaches for s in no_git.steps)
    with pytest.raises(InfeasibleError, match="which you excluded"):
        plan(catalog, "ml-engineer", from_role="data-scientist", exclude_skills=["docker"])


def test_preferred_provider_is_reported_with_its_cost(catalog: Any) -> None:
    plain = plan(catalog, "ml-engineer", explain=False)
    liked = plan(catalog, "ml-engineer", prefer_providers=["Coursera"], explain=False)
    ours = [s for s in liked.steps if s.provider.lower().startswith("coursera")]
    theirs = [s for s in plain.steps if s.provider.lower().startswith("coursera")]
    assert len(ours) > len(theirs)
    (note,) = [n for n in liked.notes if n.startswith("You prefer Coursera")]
    assert f"{len(ours)} of {len(liked.steps)} steps" in note
    extra = liked.total_hours - plain.total_hours
    assert f"{extra:,.1f} h less" in note
    # the discount is bounded: a preferred resource never costs more than 1.25 x the other
    assert liked.total_hours <= plain.total_hours * 1.25 + 1e-6
    with pytest.raises(UnknownNameError, match="did you mean"):
        plan(catalog, "data-analyst", prefer_providers=["Kourserra"])


def test_deadline_with_a_pace_says_what_pace_it_needs(catalog: Any) -> None:
    with pytest.raises(InfeasibleError) as info:
        plan(catalog, "ml-engineer", from_role="data-analyst", weeks=20, hours_per_week=10)
    shortest = plan(catalog, "ml-engineer", from_role="data-analyst", explain=False)
    needed = -(-int(shortest.total_hours * 10) // 20) / 10
    assert str(info.value) == (
        f"no plan finishes in 20 weeks at 10 h/week: the shortest plan is "
        f"{shortest.total_hours:,.1f} h, which needs {needed:g} h/week"
    )
    fits = plan(catalog, "ml-engineer", from_role="data-analyst", weeks=40, hours_per_week=10)
    assert fits.weeks <= 40


def test_deadline_without_a_pace_reports_the_pace(catalog: Any) -> None:
    start = dt.date(2026, 12, 1)
    p = plan(
        catalog,
        "ml-engineer",
        from_role="data-analyst",
        by=dt.date(2027, 9, 1),
        start=start,
        explain=False,
    )
    assert p.end_date is not None and p.end_date <= dt.date(2027, 9, 1)
    assert f"To finish by 2027-09-01, this plan needs {p.hours_per_week:g} h/week." in p.notes
    assert p.total_hours / p.hours_per_week <= 39
    with pytest.raises(PlanningError, match="not both"):
        plan(catalog, "ml-engineer", weeks=3, by=dt.date(2027, 1, 1), start=start)
    with pytest.raises(PlanningError, match="less than a week"):
        plan(catalog, "ml-engineer", by=dt.date(2026, 12, 3), start=start)


def test_order_puts_exams_after_preparation_and_projects_last(catalog: Any) -> None:
    for source, target in _pairs(catalog, 17):
        p = plan(catalog, target, from_role=source, explain=False)
        kinds = [s.kind for s in p.steps]
        if "project" not in kinds:
            continue
        after_project: set[int] = set()  # steps that need a project, directly or not
        for s in p.steps:
            if s.kind == "project" or s.number in after_project:
                after_project.update(s.needed_by)
        for s in p.steps[kinds.index("project") :]:
            # after the first project come projects, and only what needs one
            assert s.kind == "project" or s.number in after_project, (source, target, s.title)
        for s in p.steps:  # an exam comes right after the last step it needs
            if s.kind == "certification":
                needs = [t.number for t in p.steps if s.number in t.needed_by]
                assert not needs or s.number == max(needs) + 1, (source, target, s.title)


def test_cli_flags_for_preferences(tmp_path: Any) -> None:
    runner = CliRunner()
    result = runner.invoke(
        cli, ["plan", "--from", "data-scientist", "--to", "ml-engineer", "--languages", "pyton"]
    )
    assert result.exit_code == 2
    assert "--languages: unknown programming language 'pyton'" in result.output
    result = runner.invoke(
        cli,
        ["plan", "--from", "data-analyst", "--to", "ml-engineer", "--weeks", "20",
         "--hours-per-week", "10", "--no-explain"],
    )  # fmt: skip
    assert result.exit_code == 1
    assert "h/week: the shortest plan is" in result.output
    result = runner.invoke(
        cli,
        ["plan", "--from", "data-analyst", "--to", "data-scientist", "--prefer-provider",
         "coursera", "--exclude-provider", "udemy", "--format", "json", "--no-explain"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert '"prefer_providers": [\n      "coursera"' in result.output


def _route_doc(catalog: Any, p: Any, resources: Any) -> dict[str, Any]:
    """Return a plan document for another route, in an executable order, for the checker."""
    from pathplanner.schedule import order

    ordered = order(catalog, p.profile, list(resources))
    steps = [{"resource": r, "hours": catalog.resources[r].hours} for r in ordered]
    total = sum(s["hours"] for s in steps)
    return {"profile": p.profile, "steps": steps, "target": p.target, "total_hours": total}


def test_alternatives_are_valid_distinct_and_no_better(catalog: Any, graph: Any) -> None:
    p = plan(catalog, "ml-engineer", from_role="data-analyst", alternatives=3, explain=False)
    best = plan(catalog, "ml-engineer", from_role="data-analyst", explain=False)
    assert [s.resource for s in p.steps] == [s.resource for s in best.steps]  # same best plan
    assert len(p.routes) == 3
    left_out: set[str] = set()
    kept = {s.resource for s in p.steps}
    for r in p.routes:
        assert check_plan(graph, _route_doc(catalog, p, r.resources)) == []
        assert (r.hours, r.cost_usd) >= (p.total_hours, p.total_cost_usd)
        dropped = kept - set(r.resources)
        assert dropped - left_out, "each route leaves out a step no route before it did"
        left_out |= dropped
        titles = {catalog.resources[x].title for x in dropped}
        assert set(r.dropped) == titles
        assert r.summary.startswith(("same hours", "+"))
    doc = p.to_dict()
    assert [a["rank"] for a in doc["alternatives"]] == [2, 3, 4]


def test_tradeoff_points_are_each_proven_by_an_independent_plan(catalog: Any) -> None:
    p = plan(catalog, "ml-engineer", from_role="data-analyst", tradeoff=True, explain=False)
    points = p.tradeoff
    assert len(points) >= 2
    for a, b in itertools.pairwise(points):
        assert a.cost_usd < b.cost_usd and a.hours > b.hours
    for pt in points:
        # the fewest hours within the point's cost is the point's hours, and the least cost
        # within its hours is its cost: no plan beats it on both
        fastest = plan(
            catalog, "ml-engineer", from_role="data-analyst", budget_usd=pt.cost_usd, explain=False
        )
        assert fastest.total_hours == pt.hours
        cheapest = plan(
            catalog,
            "ml-engineer",
            from_role="data-analyst",
            objective="cost",
            max_hours=pt.hours,
            explain=False,
        )
        assert cheapest.total_cost_usd == pt.cost_usd
    assert points[-1].hours == p.total_hours  # the fastest point is the hours plan
    doc = p.to_dict()
    assert doc["tradeoff"][0] == {
        "hours": points[0].hours,
        "cost_usd": points[0].cost_usd,
        "steps": points[0].steps,
    }


def test_tradeoff_and_routes_render_in_every_format(catalog: Any) -> None:
    from pathplanner.render import render_plan

    p = plan(
        catalog, "ml-engineer", from_role="data-analyst", tradeoff=True, alternatives=1,
        explain=False,
    )  # fmt: skip
    text = render_plan(p, "text", catalog)
    assert "Hours against dollars" in text and "Other routes" in text
    first = p.tradeoff[0]
    assert f"${first.cost_usd:,.0f}" in text
    html = render_plan(p, "html", catalog)
    assert html.count("<circle") == len(p.tradeoff)
    assert '<ol start="2">' in html
    md = render_plan(p, "md", catalog)
    assert "| Cost | Hours | Steps |" in md and "## Other routes" in md


def test_compare_from_where_the_learner_stands(catalog: Any) -> None:
    from pathplanner.analysis import compare
    from pathplanner.profile import build_profile

    me = build_profile(catalog, from_role="data-scientist")
    data = compare(catalog, "ml-engineer", "mlops-engineer", me)
    you = data["from_you"]
    mle = plan(catalog, "ml-engineer", me, explain=False)
    assert you["a"]["hours"] == mle.total_hours and you["a"]["weeks"] == mle.weeks
    near = (
        "MLOps Engineer" if you["b"]["hours"] < you["a"]["hours"] else "Machine Learning Engineer"
    )
    assert you["verdict"].startswith(f"From where you stand, {near} is nearer")
    result = CliRunner().invoke(
        cli, ["compare", "ml-engineer", "mlops-engineer", "--from", "data-scientist"]
    )
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[2].startswith("From where you stand,")
    assert "Pay of MLOps Engineer: " in result.output


def test_learn_next_lists_only_what_can_start_today(catalog: Any) -> None:
    from pathplanner.analysis import learn_next
    from pathplanner.profile import build_profile

    me = build_profile(catalog, from_role="data-analyst")
    found = learn_next(catalog, "ml-engineer", me, limit=None)
    best = plan(catalog, "ml-engineer", me, explain=False)
    assert found
    for n in found:
        assert catalog.takeable(n.resource, me.skills)
        langs = set(catalog.resources[n.resource].languages or ())
        assert langs <= set(best.constraints.code_languages or ()) | {"none"}
    gains = [n.gains for n in found]
    assert gains == sorted(gains, reverse=True)
    # the first step of the best plan can always start today, so it is listed
    assert any(n.plan_step == 1 for n in found)
    result = CliRunner().invoke(
        cli, ["learn-next", "--from", "data-analyst", "--to", "ml-engineer", "--limit", "2",
              "--format", "json"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert '"format": "pathplanner-next/1"' in result.output


def test_explanations_on_one_model_agree_with_separate_solves(catalog: Any) -> None:
    # Each "a plan with it takes N more" figure, solved on the shared model, is checked by
    # building the forced problem from scratch, as explanations used to.
    from dataclasses import replace

    from pathplanner.optimize import make_problem, rebuild, solve

    checked = 0
    for source, target in [("data-scientist", "ml-engineer"), ("data-analyst", "data-engineer")]:
        p = plan(catalog, target, from_role=source)
        role = catalog.roles[target]
        c = replace(p.constraints, include=(), exclude_ids=())
        problem = make_problem(catalog, p.profile, role.goal(), c, goal_choices=role.goal_choices())
        best = solve(problem, quick=True).objective_value
        for step in p.steps:
            for alt in step.alternatives:
                if alt.delta is None:
                    continue
                forced = replace(c, include=(alt.resource,), exclude_ids=(step.resource,))
                other = solve(rebuild(problem, forced), quick=True)
                assert abs((other.objective_value - best) - alt.delta) < 1e-6, alt
                checked += 1
    assert checked >= 5


def test_a_profiles_languages_are_the_learners(catalog: Any) -> None:
    from dataclasses import replace

    from pathplanner.profile import build_profile

    me = replace(
        build_profile(catalog, have={"r": 2, "descriptive-statistics": 2}), languages=("r",)
    )
    p = plan(catalog, "data-analyst", me, explain=False)
    assert p.constraints.languages == ("r",)
    assert "r" in (p.constraints.code_languages or ())
    given = plan(catalog, "data-analyst", me, languages=["python"], explain=False)
    assert given.constraints.languages == ("python",)  # what is given wins over the profile


def test_a_budget_too_small_names_the_cheapest_plan_in_the_learners_languages(
    catalog: Any,
) -> None:
    # the figure must come from the same rules as the plan (languages included), not from
    # a looser problem whose cheapest plan would fit the budget
    cheapest = plan(catalog, "ml-engineer", objective="cost", explain=False)
    assert cheapest.total_cost_usd > 0
    with pytest.raises(InfeasibleError) as info:
        plan(catalog, "ml-engineer", budget_usd=0)
    assert str(info.value) == (
        f"no plan fits the budget: the cheapest plan costs ${cheapest.total_cost_usd:,.2f}, "
        "over the budget of $0.00"
    )
