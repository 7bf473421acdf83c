"""Any-of requirements end to end: a role needs one BI tool, a skill level one of two languages."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from checker import check_plan
from click.testing import CliRunner
from conftest import resource, role, skill, write_graph

from pathplanner.analysis import compare
from pathplanner.cli import cli
from pathplanner.errors import InfeasibleError
from pathplanner.export import GRAPH_FORMAT, export_graph
from pathplanner.gap import compute_gap
from pathplanner.load import load_catalog, validate_dirs
from pathplanner.optimize import Constraints
from pathplanner.planner import plan
from pathplanner.profile import build_profile
from pathplanner.render import render_plan


def bi_tool(**extra: Any) -> dict[str, Any]:
    return {"name": "a BI tool", "options": {"tableau": 1, "power-bi": 1}, **extra}


def entries() -> dict[str, list[dict[str, Any]]]:
    dashboards = skill("dashboards", levels=1)
    dashboards["levels"][1]["requires_any"] = [bi_tool()]
    analyst = role("bi-analyst", {"sql": 1, "dashboards": 1})
    analyst["requires"]["any_of"] = [bi_tool()]
    other = role("reporter", {"sql": 1})
    other["requires"]["any_of"] = [bi_tool(essential=False)]
    return {
        "skills": [
            {**skill("sql", levels=1), "kind": "language"},
            {**skill("tableau", levels=1), "kind": "tool"},
            {**skill("power-bi", levels=1), "kind": "tool"},
            dashboards,
        ],
        "resources": [
            resource("sql-course", {"sql": 1}, hours=4),
            resource("tableau-course", {"tableau": 1}, hours=10),
            resource("power-bi-course", {"power-bi": 1}, hours=6, cost=20, provider="PaidCo"),
            resource("dashboard-book", {"dashboards": 1}, hours=5),
        ],
        "roles": [analyst, other],
    }


@pytest.fixture
def bi(tmp_path: Path) -> Any:
    return load_catalog([write_graph(tmp_path / "g", **entries())], builtin=False)


def test_the_cheapest_option_is_chosen_and_closes_the_choice(bi: Any) -> None:
    p = plan(bi, "bi-analyst")
    ids = [s.resource for s in p.steps]
    assert sorted(ids) == ["dashboard-book", "power-bi-course", "sql-course"]
    assert ids.index("power-bi-course") < ids.index("dashboard-book")  # a prerequisite choice
    assert check_plan(export_graph(bi), p.to_dict()) == []
    text = render_plan(p, "txt", bi)
    assert "Closes:  a BI tool (Power-Bi 1)" in text or "a BI tool (Power Bi 1)" in text


def test_other_objectives_and_the_heuristic_honour_choices(bi: Any) -> None:
    cheap = plan(bi, "bi-analyst", objective="cost")
    assert "tableau-course" in [s.resource for s in cheap.steps]  # free beats $20
    assert check_plan(export_graph(bi), cheap.to_dict()) == []
    g = plan(bi, "bi-analyst", solver="greedy", explain=False)
    assert check_plan(export_graph(bi), g.to_dict()) == []


def test_a_choice_already_met_needs_nothing(bi: Any) -> None:
    me = build_profile(bi, have={"tableau": 1})
    p = plan(bi, "bi-analyst", me)
    assert sorted(s.resource for s in p.steps) == ["dashboard-book", "sql-course"]


def test_no_option_reachable_says_which_choice(bi: Any) -> None:
    with pytest.raises(InfeasibleError) as info:
        plan(
            bi,
            "bi-analyst",
            constraints=Constraints(free_only=True, exclude_ids=("tableau-course",)),
        )
    text = str(info.value)
    assert "no option of a BI tool (Power Bi 1, Tableau 1) can be reached" in text
    assert "'Dashboard Book' needs a BI tool" in text  # a need that is a choice is named too


def test_optional_choices_count_only_when_asked(bi: Any) -> None:
    assert [s.resource for s in plan(bi, "reporter").steps] == ["sql-course"]
    p = plan(bi, "reporter", include_optional=True)
    assert sorted(s.resource for s in p.steps) == ["power-bi-course", "sql-course"]
    assert check_plan(export_graph(bi), p.to_dict(), include_optional=True) == []


def test_gap_compare_and_export_show_the_choice(bi: Any) -> None:
    g = compute_gap(bi, build_profile(bi, have={"power-bi": 1}), "bi-analyst")
    item = next(i for i in g.requirements if i.choice)
    assert (item.skill, item.met, item.name) == ("power-bi", True, "a BI tool: Power Bi")
    assert g.to_dict()["requirements"][-1]["options"] == [
        {"skill": "power-bi", "level": 1},
        {"skill": "tableau", "level": 1},
    ]
    data = compare(bi, "bi-analyst", "reporter")
    assert data["b"]["choices"][0]["essential"] is False
    doc = export_graph(bi)
    assert doc["format"] == GRAPH_FORMAT == "pathplanner-graph/2"
    book = next(r for r in doc["resources"] if r["id"] == "dashboard-book")
    assert book["requires_any"] == [
        {"name": "a BI tool", "options": [{"skill": "power-bi", "level": 1},
                                          {"skill": "tableau", "level": 1}]}
    ]  # fmt: skip


def test_validation_checks_every_option(tmp_path: Path) -> None:
    e = entries()
    e["roles"][0]["requires"]["any_of"] = [
        {"name": "a BI tool", "options": {"tablaeu": 1, "power-bi": 1}}
    ]
    _, problems = validate_dirs([write_graph(tmp_path / "g", **e)])
    assert "requires.any_of.0.options.tablaeu: unknown skill 'tablaeu'" in "\n".join(
        str(p) for p in problems
    )
    e = entries()
    e["skills"][3]["levels"][1]["requires_any"] = [{"name": "x", "options": {"sql": 1}}]
    _, problems = validate_dirs([write_graph(tmp_path / "h", **e)])
    assert "requires_any.0.options: Dictionary should have at least 2 items" in "\n".join(
        str(p) for p in problems
    )


def test_the_command_line_plans_to_a_choice(tmp_path: Path) -> None:
    g = write_graph(tmp_path / "g", **entries())
    result = CliRunner().invoke(cli, ["plan", "--no-builtin", "--graph", str(g),
                                      "--to", "bi-analyst", "--no-explain"])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "a BI tool (" in result.output


def test_show_and_compare_text_name_choices_and_experience(bi: Any) -> None:
    from pathplanner.show import compare_text, show_text

    text = show_text(bi, "role", "bi-analyst")
    assert "Essential: one of a BI tool: " in text
    assert "Optional : one of a BI tool: " in show_text(bi, "role", "reporter")
    data = compare(bi, "bi-analyst", "reporter")
    data["b"]["experience"] = [
        {"family": "data-analytics", "years": 2, "source": "estimate: test", "estimate": True}
    ]
    out = compare_text(data)
    assert "only A  one of a BI tool: power-bi 1 or tableau 1" in out
    assert "only B  one of a BI tool: power-bi 1 or tableau 1 (optional)" in out
    assert "Reporter asks for about 2 years of data-analytics experience (estimate: test)" in out
