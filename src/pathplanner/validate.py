"""Graph checks across entries: references, categories, cycles, teachability, reachability.

The per-entry checks are the models' own (`models`); `load` calls `check_catalog` where the
graph enters, and `pathplanner validate` prints what it finds.
"""

from __future__ import annotations

from ._names import nearest
from .catalog import Catalog
from .errors import Problem
from .models import CATEGORIES
from .semantics import closure, unmet, unmet_choices

__all__ = ["check_catalog"]


def _acyclic(catalog: Catalog) -> bool:
    """Return whether the (skill, level) -> resource -> (skill, level) graph has no cycle.

    Kahn's algorithm on the edges `Catalog.to_networkx` draws, without building that graph:
    linear, and no networkx import when the graph is sound (a 50,000-node graph: 10x faster).
    """
    succ: dict[tuple[str, int], list[str]] = {}  # (skill, level) -> resources needing it
    indegree: dict[str, int] = {}  # resource -> how many (skill, level) it needs
    taught: dict[str, list[tuple[str, int]]] = {}  # resource -> (skill, level) it teaches
    level_in: dict[tuple[str, int], int] = {}  # (skill, level) -> resources teaching it
    for rid, res in catalog.resources.items():
        eff = catalog.effective(rid)
        need = dict.fromkeys(eff.items())
        for choice in catalog.choices(rid):
            need.update(dict.fromkeys(choice.options.items()))
        indegree[rid] = len(need)
        for node in need:
            users = succ.get(node)
            if users is None:
                succ[node] = [rid]
            else:
                users.append(rid)
        out = [
            (sid, got)
            for sid, lvl in res.teaches.items()
            for got in range(eff.get(sid, 0) + 1, lvl + 1)
        ]
        taught[rid] = out
        for node in out:
            level_in[node] = level_in.get(node, 0) + 1
    ready = [rid for rid, n in indegree.items() if n == 0]
    # skill levels nobody teaches are sources: release the resources waiting on them
    for node, users in succ.items():
        if node not in level_in:
            for rid in users:
                indegree[rid] -= 1
                if indegree[rid] == 0:
                    ready.append(rid)
    seen = 0
    while ready:
        rid = ready.pop()
        seen += 1
        for node in taught[rid]:
            level_in[node] -= 1
            if level_in[node] == 0:
                for user in succ.get(node, ()):
                    indegree[user] -= 1
                    if indegree[user] == 0:
                        ready.append(user)
    return seen == len(indegree)


def _find_cycle(catalog: Catalog) -> list[str] | None:
    import networkx as nx

    if _acyclic(catalog):
        return None
    g = catalog.to_networkx()
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
    top = {sid: sk.max_level for sid, sk in skills.items()}  # looked up ~240,000 times on ESCO

    def ref(kind: str, eid: str, fld: str, skill: str, level: int | None) -> None:
        most = top.get(skill)
        if most is None:
            hint = nearest(skill, skills)
            msg = f"unknown skill '{skill}'"
            if hint:
                msg += f" — did you mean '{hint[0]}'?"
            problems.append(Problem(catalog.file_of(kind, eid), eid, fld, msg))
        elif level is not None and level > most:
            problems.append(
                Problem(
                    catalog.file_of(kind, eid),
                    eid,
                    fld,
                    f"level {level} of '{skill}' is out of range (it defines levels 1-{most})",
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
                gate = skills.get(pre)
                if skill.kind == "concept" and gate is not None and gate.kind != "concept":
                    problems.append(
                        Problem(
                            catalog.file_of("skill", sid),
                            sid,
                            f"levels.{lvl}.requires.{pre}",
                            f"a general skill cannot require the {gate.kind} '{pre}': a "
                            "learner may use another one; require it on the resources "
                            "that use it instead",
                        )
                    )
            for i, choice in enumerate(spec.requires_any):
                for pre, pre_lvl in choice.options.items():
                    ref("skill", sid, f"levels.{lvl}.requires_any.{i}.options.{pre}", pre, pre_lvl)
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
        for i, choice in enumerate(role.requires.any_of):
            for sid, lvl in choice.options.items():
                ref("role", rid, f"requires.any_of.{i}.options.{sid}", sid, lvl)
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
        missing = [f"{s}:{lv}" for s, lv in sorted(unmet(role.requires.essential, state).items())]
        missing += [f"one of {c.name}" for c in unmet_choices(role.goal_choices(), state)]
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
