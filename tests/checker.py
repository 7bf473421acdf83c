"""An independent plan checker: replays a pathplanner-plan/1 document against a pathplanner-graph/2.

It shares no code with the planner: it reads only the two JSON documents.
"""

from __future__ import annotations

from typing import Any


def check_plan(
    graph: dict[str, Any],
    plan: dict[str, Any],
    include_optional: bool = False,
    extra_goal: dict[str, int] | None = None,
) -> list[str]:
    """Return every way the plan fails; an empty list means it is executable and meets the goal."""
    errors: list[str] = []
    resources = {r["id"]: r for r in graph["resources"]}
    roles = {r["id"]: r for r in graph["roles"]}
    state: dict[str, int] = dict(plan["profile"])
    seen: set[str] = set()
    for pos, step in enumerate(plan["steps"], start=1):
        rid = step["resource"]
        res = resources.get(rid)
        if res is None:
            errors.append(f"step {pos}: unknown resource {rid}")
            continue
        if rid in seen:
            errors.append(f"step {pos}: {rid} repeated")
        seen.add(rid)
        if res.get("status", "active") != "active":
            errors.append(f"step {pos}: {rid} is retired")
        for req in res["requires"]:
            if state.get(req["skill"], 0) < req["level"]:
                errors.append(f"step {pos}: {rid} needs {req['skill']}:{req['level']}")
        for choice in res.get("requires_any", []):
            if not _one_of(state, choice):
                errors.append(f"step {pos}: {rid} needs one of {choice['name']}")
        for t in res["teaches"]:
            state[t["skill"]] = max(state.get(t["skill"], 0), t["level"])
        if abs(step["hours"] - res["hours"]) > 1e-9:
            errors.append(f"step {pos}: hours {step['hours']} != {res['hours']}")
    goal: dict[str, int] = {}
    for req in roles[plan["target"]]["requires"]:
        if req["essential"] or include_optional:
            goal[req["skill"]] = max(goal.get(req["skill"], 0), req["level"])
    for s, lv in (extra_goal or {}).items():
        goal[s] = max(goal.get(s, 0), lv)
    for s, lv in sorted(goal.items()):
        if state.get(s, 0) < lv:
            errors.append(f"goal {s}:{lv} not met")
    for choice in roles[plan["target"]].get("requires_any", []):
        if (choice["essential"] or include_optional) and not _one_of(state, choice):
            errors.append(f"goal: one of {choice['name']} not met")
    total = sum(
        resources[s["resource"]]["hours"] for s in plan["steps"] if s["resource"] in resources
    )
    if abs(total - plan["total_hours"]) > 1e-6:
        errors.append(f"total_hours {plan['total_hours']} != {total}")
    return errors


def _one_of(state: dict[str, int], choice: dict[str, Any]) -> bool:
    return any(state.get(o["skill"], 0) >= o["level"] for o in choice["options"])
