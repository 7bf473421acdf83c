"""Questions across roles: how two roles compare, and which roles are nearest to a learner."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from .catalog import Catalog
from .errors import PlanningError
from .gap import compute_gap
from .optimize import Constraints
from .planner import experience_note, plan
from .profile import Profile, build_profile

__all__ = ["Suggestion", "compare", "suggest"]


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


def compare(catalog: Catalog, role_a: str, role_b: str) -> dict[str, Any]:
    """Return shared and distinct requirements by category, hours both ways, certs and pay."""
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

    return {
        "format": "pathplanner-compare/1",
        "a": info(a.id),
        "b": info(b.id),
        "categories": dict(sorted(categories.items())),
        "a_to_b": _route(catalog, a.id, b.id),
        "b_to_a": _route(catalog, b.id, a.id),
    }


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
