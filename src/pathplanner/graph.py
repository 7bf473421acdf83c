"""The catalog: validated skills, resources and roles, their effective requirements and checks."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ._names import NameIndex, nearest
from .errors import Problem, UnknownNameError
from .models import CATEGORIES, Resource, Role, Skill

if TYPE_CHECKING:
    import networkx as nx

__all__ = [
    "ESCO_ATTRIBUTION",
    "ONET_ATTRIBUTION",
    "Catalog",
    "check_catalog",
    "closure",
    "effective_requirements",
]

# Required by the data's licences wherever output is built from them.
ESCO_ATTRIBUTION = "This product uses the ESCO classification of the European Commission."
ONET_ATTRIBUTION = (
    "This product includes information from O*NET OnLine by the U.S. Department of Labor, "
    "Employment and Training Administration (USDOL/ETA), used under the CC BY 4.0 license; "
    "O*NET is a trademark of USDOL/ETA."
)


def _merge_max(target: dict[str, int], source: Mapping[str, int]) -> None:
    for skill, level in source.items():
        if level > target.get(skill, 0):
            target[skill] = level


def effective_requirements(resource: Resource, skills: Mapping[str, Skill]) -> dict[str, int]:
    """Return what a resource needs: its own requires plus the prerequisites of what it teaches.

    Prerequisites the resource itself teaches (at that level or higher) are left out.
    """
    need = dict(resource.requires)
    for skill_id, level in resource.teaches.items():
        skill = skills.get(skill_id)
        if skill is None:
            continue
        for pre, pre_level in skill.prerequisites(level).items():
            if resource.teaches.get(pre, 0) >= pre_level:
                continue
            if pre_level > need.get(pre, 0):
                need[pre] = pre_level
    return dict(sorted(need.items()))


@dataclass
class Catalog:
    """The merged, validated knowledge graph; entries are kept sorted by id."""

    skills: dict[str, Skill]
    resources: dict[str, Resource]
    roles: dict[str, Role]
    origin: dict[tuple[str, str], str] = field(default_factory=dict)
    notes: list[Problem] = field(default_factory=list)
    attributions: list[str] = field(default_factory=list)
    _eff: dict[str, dict[str, int]] = field(default_factory=dict, repr=False)
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
        """Return the effective requirements of a resource."""
        return self._eff[resource_id]

    def providers(self, skill: str, level: int) -> list[str]:
        """Return the resources (any status) that can be the source of skill at level.

        A resource is a source when it teaches the skill at that level or higher and does not
        need that level first: one that requires X:1 and teaches X:2 provides X:2, not X:1.
        """
        return [
            rid
            for lvl, rid in self._providers.get(skill, [])
            if lvl >= level and self._eff[rid].get(skill, 0) < level
        ]

    def teachers(self, skill: str) -> list[tuple[int, str]]:
        """Return (level, resource id) for every resource teaching a skill."""
        return list(self._providers.get(skill, []))

    def file_of(self, kind: str, entry_id: str) -> str:
        """Return the file an entry was loaded from."""
        return self.origin.get((kind, entry_id), "<unknown>")

    # -- names ---------------------------------------------------------------------------

    def resolve(self, kind: str, name: str) -> str:
        """Return the id that a name (id, name or alias) stands for, or raise UnknownNameError."""
        index = self._names[kind]
        found = index.get(name)
        if found is None:
            raise UnknownNameError(kind, name, index.suggest(name))
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
            for sid, lvl in res.teaches.items():
                for got in range(need.get(sid, 0) + 1, lvl + 1):
                    g.add_edge(("resource", rid), ("skill", sid, got))
        return g


class Frontier:
    """A learner's state as resources are taken, and which resources have become takeable.

    Each resource waits on the skills it still lacks; raising a skill releases the ones that
    lacked only that. Both the reachability closure and the greedy heuristic walk this way.
    """

    def __init__(self, catalog: Catalog, start: Mapping[str, int], pool: Iterable[str]) -> None:
        self.catalog = catalog
        self.state = dict(start)
        self._missing: dict[str, int] = {}
        self._waiting: dict[str, list[str]] = {}
        self.ready: list[str] = []  # takeable on arrival, in pool order
        for rid in pool:
            lacking = [s for s, lv in catalog.effective(rid).items() if self.state.get(s, 0) < lv]
            if lacking:
                self._missing[rid] = len(lacking)
                for s in lacking:
                    self._waiting.setdefault(s, []).append(rid)
            else:
                self.ready.append(rid)

    def take(self, rid: str) -> list[str]:
        """Learn what rid teaches; return the resources that just became takeable."""
        released: list[str] = []
        for sid, lvl in self.catalog.resources[rid].teaches.items():
            if lvl <= self.state.get(sid, 0):
                continue
            self.state[sid] = lvl
            still: list[str] = []
            for other in self._waiting.pop(sid, []):
                if lvl < self.catalog.effective(other)[sid]:
                    still.append(other)  # raised, but not far enough yet
                    continue
                self._missing[other] -= 1
                if self._missing[other] == 0:
                    released.append(other)
            if still:
                self._waiting[sid] = still
        return released


def closure(
    catalog: Catalog,
    start: Mapping[str, int],
    allowed: Iterable[str] | None = None,
) -> tuple[dict[str, int], list[str]]:
    """Return the levels reachable from start with the allowed resources, and those takeable.

    A resource is takeable when its effective requirements are met; taking it adds what it
    teaches. This is the monotone fixpoint: any order of taking them reaches the same state.
    """
    frontier = Frontier(
        catalog, start, sorted(allowed) if allowed is not None else catalog.resources
    )
    todo = list(frontier.ready)
    taken: list[str] = []
    while todo:
        rid = todo.pop()
        taken.append(rid)
        todo.extend(frontier.take(rid))
    return frontier.state, sorted(taken)


def _find_cycle(catalog: Catalog) -> list[str] | None:
    import networkx as nx

    g = catalog.to_networkx()
    if nx.is_directed_acyclic_graph(g):  # linear; find_cycle alone is slow on large graphs
        return None
    # print a cycle from the first strongly connected component with more than one node
    component = min(
        (c for c in nx.strongly_connected_components(g) if len(c) > 1), key=lambda c: min(c)
    )
    edges = nx.find_cycle(g.subgraph(component), source=min(component))
    path: list[str] = []
    for node, _ in edges:
        path.append(f"{node[1]}:{node[2]}" if node[0] == "skill" else f"[{node[1]}]")
    path.append(path[0])
    return path


def check_catalog(catalog: Catalog) -> list[Problem]:
    """Return every cross-reference problem of a catalog (the per-entry ones come from load)."""
    problems: list[Problem] = []
    skills = catalog.skills

    def ref(kind: str, eid: str, fld: str, skill: str, level: int | None) -> None:
        where = catalog.file_of(kind, eid)
        target = skills.get(skill)
        if target is None:
            hint = nearest(skill, skills)
            msg = f"unknown skill '{skill}'"
            if hint:
                msg += f" — did you mean '{hint[0]}'?"
            problems.append(Problem(where, eid, fld, msg))
        elif level is not None and level > target.max_level:
            problems.append(
                Problem(
                    where,
                    eid,
                    fld,
                    f"level {level} of '{skill}' is out of range (it defines levels "
                    f"1-{target.max_level})",
                )
            )

    for sid, skill in skills.items():
        if skill.category not in CATEGORIES and not skill.category.startswith("esco-"):
            hint = nearest(skill.category, CATEGORIES)
            problems.append(
                Problem(
                    catalog.file_of("skill", sid),
                    sid,
                    "category",
                    f"unknown category '{skill.category}'"
                    + (f" — did you mean '{hint[0]}'?" if hint else ""),
                )
            )
        for lvl, spec in sorted(skill.levels.items()):
            for pre, pre_lvl in spec.requires.items():
                ref("skill", sid, f"levels.{lvl}.requires.{pre}", pre, pre_lvl)
    for rid, res in catalog.resources.items():
        for fld, levels in (("requires", res.requires), ("teaches", res.teaches)):
            for sid, lvl in levels.items():
                ref("resource", rid, f"{fld}.{sid}", sid, lvl)
    for rid, role in catalog.roles.items():
        for fld, levels in (
            ("requires.essential", role.requires.essential),
            ("requires.optional", role.requires.optional),
        ):
            for sid, lvl in levels.items():
                ref("role", rid, f"{fld}.{sid}", sid, lvl)
        for cred in role.credentials:
            ref("role", rid, "credentials", cred, None)
            if cred in skills and skills[cred].category != "credential":
                problems.append(
                    Problem(
                        catalog.file_of("role", rid),
                        rid,
                        "credentials",
                        f"'{cred}' is a {skills[cred].category} skill, not a credential",
                    )
                )
        for nxt in role.next:
            if nxt not in catalog.roles:
                hint = nearest(nxt, catalog.roles)
                msg = f"unknown role '{nxt}'" + (f" — did you mean '{hint[0]}'?" if hint else "")
                problems.append(Problem(catalog.file_of("role", rid), rid, "next", msg))
    if problems:
        return problems  # the checks below assume every reference resolves

    cycle = _find_cycle(catalog)
    if cycle:
        problems.append(
            Problem(
                "<graph>",
                "",
                "",
                "cycle at the (skill, level) -> resource -> (skill, level) level: "
                + " -> ".join(cycle),
            )
        )
        return problems

    active = [rid for rid, r in catalog.resources.items() if r.active]
    taught: set[str] = set()
    for rid in active:
        taught.update(catalog.resources[rid].teaches)
    for sid in skills:
        if sid in taught:
            continue
        if catalog.teachers(sid):  # only retired resources teach it: it can no longer be had
            problems.append(
                Problem(
                    catalog.file_of("skill", sid),
                    sid,
                    "",
                    "only retired resources teach this skill",
                    severity="note",
                )
            )
        else:
            problems.append(
                Problem(catalog.file_of("skill", sid), sid, "", "nothing teaches this skill")
            )
    for rid, role in catalog.roles.items():
        for cred in role.credentials:
            if cred not in taught:
                problems.append(
                    Problem(
                        catalog.file_of("role", rid),
                        rid,
                        "credentials",
                        f"recommends '{cred}', which can no longer be earned (only retired "
                        "resources grant it)",
                    )
                )
    state, _ = closure(catalog, {}, active)
    for rid, role in catalog.roles.items():
        missing = [
            f"{s}:{lv}" for s, lv in sorted(role.requires.essential.items()) if state.get(s, 0) < lv
        ]
        if missing:
            problems.append(
                Problem(
                    catalog.file_of("role", rid),
                    rid,
                    "requires.essential",
                    "unreachable from an empty profile with the active resources: "
                    + ", ".join(missing)
                    + " cannot be learned",
                )
            )
    return problems
