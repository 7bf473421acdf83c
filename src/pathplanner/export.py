"""The pathplanner-graph/2 exchange format: the whole merged graph as one JSON document.

Version 2 adds choices ("one of these (skill, level) pairs"): `requires_any` on skill levels,
on resources (the effective choices) and on roles; a reader of version 1 would miss them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .catalog import Catalog
from .models import Choice, RoleChoice

__all__ = ["GRAPH_FORMAT", "export_graph", "resource_dict", "role_dict", "skill_dict"]

GRAPH_FORMAT = "pathplanner-graph/2"


def _levels(levels: dict[str, int]) -> list[dict[str, Any]]:
    return [{"skill": s, "level": lv} for s, lv in sorted(levels.items())]


def _choices(choices: Sequence[Choice]) -> list[dict[str, Any]]:
    out = []
    for c in choices:
        item: dict[str, Any] = {"name": c.name, "options": _levels(dict(c.options))}
        if isinstance(c, RoleChoice):
            item["essential"] = c.essential
        out.append(item)
    return out


def skill_dict(catalog: Catalog, sid: str) -> dict[str, Any]:
    """Return one skill in exchange form."""
    skill = catalog.skills[sid]
    out: dict[str, Any] = {
        "id": skill.id,
        "name": skill.name,
        "category": skill.category,
        "kind": skill.kind,
        "aliases": list(skill.aliases),
        "description": skill.description,
        "levels": [
            {
                "level": lvl,
                "means": spec.means,
                "requires": _levels(dict(spec.requires)),
                "requires_any": _choices(spec.requires_any),
            }
            for lvl, spec in sorted(skill.levels.items())
        ],
    }
    if skill.esco_uri:
        out["esco_uri"] = skill.esco_uri
    if skill.onet:
        out["onet"] = skill.onet
    return out


def resource_dict(catalog: Catalog, rid: str) -> dict[str, Any]:
    """Return one resource in exchange form; `requires` holds the effective requirements."""
    res = catalog.resources[rid]
    out: dict[str, Any] = {
        "id": res.id,
        "kind": res.kind,
        "title": res.title,
        "provider": res.provider,
        "url": res.url,
        "hours": res.hours,
        "cost_usd": res.cost_usd,
        "requires": _levels(catalog.effective(rid)),
        "requires_any": _choices(catalog.choices(rid)),
        "teaches": _levels(dict(res.teaches)),
        "own_requires": _levels(dict(res.requires)),
        "level": res.level,
        "format": res.format,
        "language": res.language,
        "free": res.free,
        "status": res.status,
        "hours_source": res.hours_source,
    }
    optional = {
        "author": res.author,
        "cost_source": res.cost_source,
        "retired_on": res.retired_on.isoformat() if res.retired_on else None,
        "exam_code": res.exam_code,
        "validity_years": res.validity_years,
        "notes": res.notes,
        "languages": list(res.languages) if res.languages is not None else None,
        "preferred": True if res.preferred else None,
        "position": res.position,
        "after": list(res.after) if res.after else None,
    }
    out.update({k: v for k, v in optional.items() if v is not None})
    return out


def role_dict(catalog: Catalog, rid: str) -> dict[str, Any]:
    """Return one role in exchange form."""
    role = catalog.roles[rid]
    reqs = [
        {"skill": s, "level": lv, "essential": True}
        for s, lv in sorted(role.requires.essential.items())
    ] + [
        {"skill": s, "level": lv, "essential": False}
        for s, lv in sorted(role.requires.optional.items())
    ]
    out: dict[str, Any] = {
        "id": role.id,
        "name": role.name,
        "aliases": list(role.aliases),
        "family": role.family,
        "seniority": role.seniority,
        "description": role.description,
        "requires": reqs,
        "requires_any": _choices(role.requires.any_of),
        "credentials": list(role.credentials),
        "tools": list(role.tools),
        "next": list(role.next),
    }
    if role.salary:
        out["salary"] = role.salary.model_dump()
    if role.esco_uri:
        out["esco_uri"] = role.esco_uri
    return out


def export_graph(catalog: Catalog) -> dict[str, Any]:
    """Return the whole merged graph as a pathplanner-graph/2 document."""
    doc: dict[str, Any] = {
        "format": GRAPH_FORMAT,
        "skills": [skill_dict(catalog, s) for s in catalog.skills],
        "resources": [resource_dict(catalog, r) for r in catalog.resources],
        "roles": [role_dict(catalog, r) for r in catalog.roles],
    }
    if catalog.attributions:
        doc["attributions"] = list(catalog.attributions)
    return doc
