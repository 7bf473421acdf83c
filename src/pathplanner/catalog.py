"""The catalogue: validated skills, resources and roles, indexed for planning and by name."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ._names import NameIndex
from .errors import UnknownNameError
from .models import Choice, Resource, Role, Skill
from .semantics import (
    effective_choices,
    effective_requirements,
    provides,
    unmet,
    unmet_choices,
)

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["ESCO_ATTRIBUTION", "ONET_ATTRIBUTION", "Catalog"]

# Required by the data's licences wherever output is built from them.
ESCO_ATTRIBUTION = "This product uses the ESCO classification of the European Commission."
ONET_ATTRIBUTION = (
    "This product includes information from O*NET OnLine by the U.S. Department of Labor, "
    "Employment and Training Administration (USDOL/ETA), used under the CC BY 4.0 license; "
    "O*NET is a trademark of USDOL/ETA."
)


@dataclass
class Catalog:
    """The merged, validated knowledge graph; entries are kept sorted by id."""

    skills: dict[str, Skill]
    resources: dict[str, Resource]
    roles: dict[str, Role]
    origin: dict[tuple[str, str], str] = field(default_factory=dict)
    attributions: list[str] = field(default_factory=list)
    _eff: dict[str, dict[str, int]] = field(default_factory=dict, repr=False)
    _choices: dict[str, list[Choice]] = field(default_factory=dict, repr=False)
    _providers: dict[str, list[tuple[int, str]]] = field(default_factory=dict, repr=False)
    _names: dict[str, NameIndex] = field(default_factory=dict, repr=False)
    memo: dict[Any, Any] = field(default_factory=dict, repr=False, compare=False)

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["memo"] = {}  # per-process results are not worth caching on disk
        return state

    def __post_init__(self) -> None:
        self.skills = dict(sorted(self.skills.items()))
        self.resources = dict(sorted(self.resources.items()))
        self.roles = dict(sorted(self.roles.items()))
        self._eff = {
            rid: effective_requirements(r, self.skills) for rid, r in self.resources.items()
        }
        self._choices = {
            rid: effective_choices(r, self.skills) for rid, r in self.resources.items()
        }
        providers: dict[str, list[tuple[int, str]]] = {}
        for rid, res in self.resources.items():
            for skill, level in res.teaches.items():
                providers.setdefault(skill, []).append((level, rid))
        self._providers = {k: sorted(v) for k, v in sorted(providers.items())}
        self._names = {}
        for kind, entries in (("skill", self.skills), ("role", self.roles)):
            index = NameIndex()
            for eid, entry in entries.items():
                index.add(eid, [entry.name, *entry.aliases])
            self._names[kind] = index
        rindex = NameIndex()
        for rid, res in self.resources.items():
            rindex.add(rid, [res.title, *([res.exam_code] if res.exam_code else [])])
        self._names["resource"] = rindex
        if any(sk.esco_uri for sk in self.skills.values()) or any(
            r.esco_uri for r in self.roles.values()
        ):
            self._attribute(ESCO_ATTRIBUTION)
        if any(sk.onet for sk in self.skills.values()):
            self._attribute(ONET_ATTRIBUTION)

    def _attribute(self, line: str) -> None:
        if line not in self.attributions:
            self.attributions.append(line)

    # -- queries -------------------------------------------------------------------------

    def effective(self, resource_id: str) -> dict[str, int]:
        """Return the effective requirements of a resource (its choices: `choices`)."""
        return self._eff[resource_id]

    def choices(self, resource_id: str) -> list[Choice]:
        """Return the choices among a resource's effective requirements."""
        return self._choices[resource_id]

    def takeable(self, resource_id: str, state: Mapping[str, int]) -> bool:
        """Return whether a state meets every effective requirement and choice of a resource."""
        return not unmet(self._eff[resource_id], state) and not unmet_choices(
            self._choices[resource_id], state
        )

    def providers(self, skill: str, level: int) -> list[str]:
        """Return the resources (any status) that can be the source of skill at level.

        A resource is a source when it teaches the skill at that level or higher and does not
        need that level first: one that requires X:1 and teaches X:2 provides X:2, not X:1.
        """
        return [
            rid
            for lvl, rid in self._providers.get(skill, [])
            if provides(lvl, self._eff[rid].get(skill, 0), level)
        ]

    def is_provider(self, resource_id: str, skill: str, level: int) -> bool:
        """Return whether a resource can be the source of skill at level (see `providers`)."""
        taught = self.resources[resource_id].teaches.get(skill, 0)
        return provides(taught, self._eff[resource_id].get(skill, 0), level)

    def teachers(self, skill: str) -> list[tuple[int, str]]:
        """Return (level, resource id) for every resource teaching a skill."""
        return list(self._providers.get(skill, []))

    def file_of(self, kind: str, entry_id: str) -> str:
        """Return the file an entry was loaded from."""
        return self.origin.get((kind, entry_id), "<unknown>")

    # -- names ---------------------------------------------------------------------------

    def resolve(self, kind: str, name: str, setting: str | None = None) -> str:
        """Return the id that a name (id, name or alias) stands for, or raise UnknownNameError
        (about `setting`, the keyword the name was given in, when one is named)."""
        index = self._names[kind]
        found = index.get(name)
        if found is None:
            raise UnknownNameError(kind, name, index.suggest(name), setting=setting)
        return found

    def resolve_role(self, name: str) -> Role:
        """Return the role a name stands for."""
        return self.roles[self.resolve("role", name)]

    def resolve_skill(self, name: str) -> Skill:
        """Return the skill a name stands for."""
        return self.skills[self.resolve("skill", name)]

    def resolve_resource(self, name: str) -> Resource:
        """Return the resource a name stands for."""
        return self.resources[self.resolve("resource", name)]

    def check_kind(self, kind: str, setting: str | None = None) -> str:
        """Return a resource kind, or raise UnknownNameError (about `setting`) for a bad one."""
        from ._names import nearest
        from .models import RESOURCE_KINDS

        if kind not in RESOURCE_KINDS:
            raise UnknownNameError("kind", kind, nearest(kind, RESOURCE_KINDS), setting=setting)
        return kind

    def check_provider(self, name: str, setting: str | None = None) -> str:
        """Return a provider name that matches some resource's provider (`provider_matches`),
        or raise UnknownNameError with the nearest."""
        from ._names import nearest, normalize, provider_matches

        providers = {normalize(r.provider): r.provider for r in self.resources.values()}
        if not any(provider_matches(name, p) for p in providers.values()):
            hint = [providers[h] for h in nearest(normalize(name), providers)]
            raise UnknownNameError("provider", name, hint, setting=setting)
        return name

    def check_category(self, category: str, setting: str | None = None) -> str:
        """Return a skill category of this graph, or raise UnknownNameError naming the choices."""
        from ._names import nearest

        known = sorted({s.category for s in self.skills.values()})
        if category not in known:
            hint = nearest(category, known)
            raise UnknownNameError("category", category, hint, setting=setting, choices=known)
        return category

    def resolve_any(self, name: str) -> tuple[str, str]:
        """Return (kind, id) for a name of any kind, roles first, then skills, then resources."""
        for kind in ("role", "skill", "resource"):
            found = self._names[kind].get(name)
            if found is not None:
                return kind, found
        pool = NameIndex()
        for kind in ("role", "skill", "resource"):
            for key in self._names[kind]._keys:
                pool.add(self._names[kind]._keys[key], [key])
        raise UnknownNameError("role, skill or resource", name, pool.suggest(name))

    # -- graph -----------------------------------------------------------------------------

    def to_networkx(self) -> nx.DiGraph:
        """Return the (skill, level) -> resource -> (skill, level) graph as a networkx DiGraph."""
        import networkx as nx

        g = nx.DiGraph()
        for sid, skill in self.skills.items():
            for lvl in sorted(skill.levels):
                g.add_node(("skill", sid, lvl), kind="skill", name=skill.name)
        for rid, res in self.resources.items():
            g.add_node(("resource", rid), kind="resource", title=res.title, hours=res.hours)
            need = self._eff[rid]
            for sid, lvl in need.items():
                g.add_edge(("skill", sid, lvl), ("resource", rid))
            for choice in self._choices[rid]:  # any option may be the one used: all are edges
                for sid, lvl in choice.options.items():
                    g.add_edge(("skill", sid, lvl), ("resource", rid))
            for sid, lvl in res.teaches.items():
                for got in range(need.get(sid, 0) + 1, lvl + 1):
                    g.add_edge(("resource", rid), ("skill", sid, got))
        return g
