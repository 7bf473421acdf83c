"""Questions across roles: how two roles compare, and which roles are nearest to a learner."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from .catalog import Catalog
from .errors import PlanningError
from .gap import compute_gap
from .models import Role
from .optimize import Constraints, exclusion
from .planner import DEFAULT_HOURS_PER_WEEK, experience_note, plan
from .profile import Profile, build_profile

__all__ = ["NextStep", "Suggestion", "compare", "learn_next", "suggest"]


def _route(catalog: Catalog, src: str, dst: str) -> dict[str, Any]:
    try:
        p = plan(catalog, dst, build_profile(catalog, from_role=src), explain=False)
    except PlanningError as err:
        return {"status": "infeasible", "reason": str(err)}
    return {
        "status": p.status,
        "hours": p.total_hours,
        "cost_usd": p.total_cost_usd,
        "steps": len(p.steps),
    }


def compare(
    catalog: Catalog, role_a: str, role_b: str, profile: Profile | None = None
) -> dict[str, Any]:
    """Return shared and distinct requirements by category, hours both ways, certs and pay.

    With a profile, also what each role takes from where the learner stands (`from_you`:
    hours, weeks at their pace, cost, steps, missing experience) and a one-line verdict.
    """
    a = catalog.resolve_role(role_a)
    b = catalog.resolve_role(role_b)
    if a.id == b.id:
        raise PlanningError(
            f"compare needs two different roles ('{role_a}' and '{role_b}' are both {a.id})"
        )

    def reqs(role_id: str) -> dict[str, tuple[int, bool]]:
        r = catalog.roles[role_id].requires
        out = {s: (lv, False) for s, lv in r.optional.items()}
        out.update({s: (lv, True) for s, lv in r.essential.items()})
        return out

    ra, rb = reqs(a.id), reqs(b.id)
    categories: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for sid in sorted(set(ra) | set(rb)):
        skill = catalog.skills[sid]
        bucket = categories.setdefault(skill.category, {"shared": [], "only_a": [], "only_b": []})
        entry: dict[str, Any] = {"skill": sid, "name": skill.name}
        if sid in ra:
            entry["a"] = {"level": ra[sid][0], "essential": ra[sid][1]}
        if sid in rb:
            entry["b"] = {"level": rb[sid][0], "essential": rb[sid][1]}
        key = "shared" if sid in ra and sid in rb else ("only_a" if sid in ra else "only_b")
        bucket[key].append(entry)

    def info(role_id: str) -> dict[str, Any]:
        role = catalog.roles[role_id]
        return {
            "id": role.id,
            "name": role.name,
            "credentials": [{"id": c, "name": catalog.skills[c].name} for c in role.credentials],
            "salary": role.salary.model_dump() if role.salary else None,
            "experience": [e.model_dump() for e in role.experience],
            "tools": list(role.tools),
            "choices": [
                {
                    "name": c.name,
                    "essential": c.essential,
                    "options": [{"skill": s, "level": lv} for s, lv in sorted(c.options.items())],
                }
                for c in role.requires.any_of
            ],
        }

    out = {
        "format": "pathplanner-compare/1",
        "a": info(a.id),
        "b": info(b.id),
        "categories": dict(sorted(categories.items())),
        "a_to_b": _route(catalog, a.id, b.id),
        "b_to_a": _route(catalog, b.id, a.id),
    }
    if profile is not None:
        out["from_you"] = _from_you(catalog, profile, a, b)
    return out


def _from_you(catalog: Catalog, profile: Profile, a: Role, b: Role) -> dict[str, Any]:
    """Return what each role takes from a learner's position, and which is nearer, in words."""
    pace = profile.hours_per_week or DEFAULT_HOURS_PER_WEEK
    each: dict[str, Any] = {}
    for key, role in (("a", a), ("b", b)):
        try:
            p = plan(catalog, role.id, profile, explain=False)
        except PlanningError as err:
            each[key] = {"status": "infeasible", "reason": str(err)}
            continue
        each[key] = {
            "status": p.status,
            "hours": p.total_hours,
            "weeks": p.weeks,
            "cost_usd": p.total_cost_usd,
            "steps": len(p.steps),
            "experience_note": experience_note(role, profile.experience),
        }
    names = {"a": a.name, "b": b.name}
    reachable = [k for k in ("a", "b") if each[k]["status"] != "infeasible"]
    if not reachable:
        verdict = "Neither role can be reached under these constraints."
    elif len(reachable) == 1:
        verdict = f"Only {names[reachable[0]]} can be reached under these constraints."
    else:
        near, far = sorted(("a", "b"), key=lambda k: (each[k]["hours"], each[k]["cost_usd"], k))
        gap = each[far]["hours"] - each[near]["hours"]
        if gap < 1e-6:
            verdict = f"Both roles take {each[near]['hours']:g} h from where you stand."
        else:
            verdict = (
                f"From where you stand, {names[near]} is nearer: {each[near]['hours']:g} h "
                f"({each[near]['weeks']} weeks at {pace:g} h/week) against "
                f"{each[far]['hours']:g} h ({each[far]['weeks']} weeks) for {names[far]}."
            )
    return {"hours_per_week": pace, "a": each["a"], "b": each["b"], "verdict": verdict}


@dataclass(frozen=True)
class Suggestion:
    """A role and what it takes to reach it from a profile."""

    role: str
    name: str
    coverage: float
    status: str
    hours: float | None
    cost_usd: float | None
    reason: str = ""
    experience_note: str = ""  # what experience the role asks for beyond the learner's

    def to_dict(self) -> dict[str, Any]:
        """Return the suggestion as JSON-ready data."""
        return asdict(self)


def suggest(
    catalog: Catalog,
    profile: Profile,
    constraints: Constraints | None = None,
    limit: int | None = None,
) -> list[Suggestion]:
    """Return every role (or the `limit` nearest) ranked by the hours to reach it (unreachable
    ones last)."""
    out: list[Suggestion] = []
    for rid, role in catalog.roles.items():
        if profile.from_role == rid:
            continue
        cov = compute_gap(catalog, profile, rid).coverage
        try:
            p = plan(catalog, rid, profile, constraints=constraints, explain=False)
        except PlanningError as err:
            out.append(Suggestion(rid, role.name, cov, "infeasible", None, None, str(err)))
            continue
        note = experience_note(role, profile.experience)
        out.append(
            Suggestion(rid, role.name, cov, p.status, p.total_hours, p.total_cost_usd, "", note)
        )
    out.sort(key=lambda s: (s.hours is None, s.hours or 0.0, -s.coverage, s.role))
    return out[:limit]


@dataclass(frozen=True)
class NextStep:
    """A resource the learner can start now, and how much of the target it brings."""

    resource: str
    title: str
    provider: str
    kind: str
    hours: float
    cost_usd: float
    url: str | None
    gains: int  # levels of the target's requirements it adds, counted level by level
    closes: list[str]  # the target's requirements it meets, in words ("SQL 2")
    plan_step: int | None  # its step in the best plan, when it is in it


def learn_next(
    catalog: Catalog,
    target: str,
    profile: Profile,
    constraints: Constraints | None = None,
    limit: int | None = 10,
) -> list[NextStep]:
    """Return what the learner can start now, most useful for the target first.

    A resource can be started when the learner meets its prerequisites today; one ruled out
    by the constraints (languages, exclusions, free only, ...) or done already is left out.
    Ranked by the levels of the target's requirements it adds, then whether it is in the
    best plan (earlier steps first), then hours, cost and id. Resources that add nothing
    toward the target are left out.
    """

    best = plan(catalog, target, profile, constraints=constraints, explain=False)
    role = catalog.roles[best.target]
    goal = role.goal(best.constraints.include_optional)
    choices = role.goal_choices(best.constraints.include_optional)
    state = dict(profile.skills)
    in_plan = {s.resource: s.number for s in best.steps}
    done = set(profile.done)
    out: list[NextStep] = []
    for rid, res in catalog.resources.items():
        if exclusion(catalog, rid, best.constraints, done) or not catalog.takeable(rid, state):
            continue
        gains, closes = 0, []
        for s, want in goal.items():
            have, gets = state.get(s, 0), min(res.teaches.get(s, 0), want)
            if gets > have:
                gains += gets - have
                if gets == want:
                    closes.append(f"{catalog.skills[s].name} {want}")
        for choice in choices:
            if choice.met(state):
                continue
            best_gain = max(
                (
                    min(res.teaches.get(s, 0), lv) - state.get(s, 0)
                    for s, lv in choice.options.items()
                ),
                default=0,
            )
            if best_gain > 0:
                gains += best_gain
                met = [s for s, lv in choice.options.items() if res.teaches.get(s, 0) >= lv]
                if met:
                    closes.append(f"{choice.name} ({catalog.skills[met[0]].name})")
        if gains == 0 and rid not in in_plan:
            continue
        out.append(
            NextStep(
                rid, res.title, res.provider, res.kind, res.hours, res.cost_usd, res.url,
                gains, closes, in_plan.get(rid),
            )
        )  # fmt: skip
    out.sort(
        key=lambda n: (
            -n.gains,
            n.plan_step is None,
            n.plan_step or 0,
            n.hours,
            n.cost_usd,
            n.resource,
        )
    )
    return out[:limit]


def learn_next_text(steps: list[NextStep], target_name: str) -> str:
    """Return the resources a learner can start now as terminal text."""
    from .text import fmt_hours, fmt_usd

    if not steps:
        return f"Nothing you can start today brings you nearer to {target_name}.\n"
    lines = [f"What you can start today toward {target_name}, most useful first:", ""]
    for i, n in enumerate(steps, start=1):
        where = f"step {n.plan_step} of your best plan" if n.plan_step else "not in your best plan"
        lines.append(f"{i:2d}. {n.title}")
        lines.append(
            f"    {n.provider} · {n.kind} · {fmt_hours(n.hours)} · {fmt_usd(n.cost_usd)} · {where}"
        )
        if n.closes:
            lines.append(f"    Meets: {', '.join(n.closes)}")
        lines.append(f"    Adds {n.gains} level(s) of what the role asks for")
    return "\n".join(lines) + "\n"
