"""Browsing the catalogue: roles, skills and resources listed, filtered by what they are."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from ._names import normalize
from .catalog import Catalog
from .export import resource_dict, role_dict, skill_dict

__all__ = ["Listing", "list_resources", "list_roles", "list_skills"]


@dataclass(frozen=True)
class Listing:
    """Entries of one kind, in id order; `text.listing_text` shows them as a table."""

    catalog: Catalog
    kind: Literal["role", "skill", "resource"]
    ids: list[str]

    def entries(self) -> list[dict[str, Any]]:
        """Return the entries in exchange form (as `export_graph` writes them)."""
        form = {"role": role_dict, "skill": skill_dict, "resource": resource_dict}[self.kind]
        return [form(self.catalog, eid) for eid in self.ids]

    def to_dict(self) -> dict[str, Any]:
        """Return the listing as JSON-ready data."""
        return {"kind": self.kind, "entries": self.entries()}


def list_roles(catalog: Catalog) -> Listing:
    """Return every role."""
    return Listing(catalog, "role", list(catalog.roles))


def list_skills(catalog: Catalog, category: str | None = None) -> Listing:
    """Return the skills, of one category when given (a bad one: UnknownNameError)."""
    if category:
        catalog.check_category(category, setting="category")
    return Listing(
        catalog,
        "skill",
        [s.id for s in catalog.skills.values() if not category or s.category == category],
    )


def list_resources(
    catalog: Catalog,
    kind: str | None = None,
    free: bool = False,
    provider: str | None = None,
    teaches: str | None = None,
) -> Listing:
    """Return the resources of a kind, free ones, from a provider (part of its name, any
    case) and that teach a skill (id, name or alias); a bad kind or skill: UnknownNameError."""
    if kind:
        catalog.check_kind(kind, setting="kind")
    sid = catalog.resolve("skill", teaches) if teaches else None
    chosen = [
        r.id
        for r in catalog.resources.values()
        if (not kind or r.kind == kind)
        and (not free or r.free)
        and (not provider or normalize(provider) in normalize(r.provider))
        and (sid is None or sid in r.teaches)
    ]
    return Listing(catalog, "resource", chosen)
