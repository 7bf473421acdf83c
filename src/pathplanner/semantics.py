"""The planning semantics, in one place: what a resource needs, provides and teaches.

Every stage calls these: the catalogue's indexes, validation, the exact solver and its pruning,
the greedy heuristic, scheduling, explanations, curricula and progress. DESIGN.md states them:

- a learner's state is a level per skill (absent = 0); having level L meets any need <= L;
- a resource's *effective requirements* are its own `requires` plus the prerequisites of every
  level it teaches, except those it teaches itself; a prerequisite can be a *choice* ("one of
  these (skill, level) pairs"), met when any option is met, and left out when the resource
  teaches or requires one of its options itself;
- a resource *provides* (skill, level) when it teaches the skill at that level or higher and does
  not itself need that level first (one that requires X:1 and teaches X:2 provides X:2 only);
- taking a resource raises each skill it teaches to at least the level taught.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, MutableMapping
from typing import TYPE_CHECKING

from .models import Choice, Resource, Skill

if TYPE_CHECKING:
    from .catalog import Catalog

__all__ = [
    "Frontier",
    "closure",
    "effective_choices",
    "effective_requirements",
    "lacking",
    "learn",
    "provides",
    "unmet",
    "unmet_choices",
]


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


def effective_choices(resource: Resource, skills: Mapping[str, Skill]) -> list[Choice]:
    """Return the choices among a resource's prerequisites that it does not settle itself.

    A choice is settled when the resource teaches or requires one of its options (at that
    level or higher); the same choice reached through two taught skills counts once.
    """
    out: list[Choice] = []
    for skill_id, level in sorted(resource.teaches.items()):
        skill = skills.get(skill_id)
        if skill is None:
            continue
        for choice in skill.prerequisite_choices(level):
            if choice.met(resource.teaches) or choice.met(resource.requires) or choice in out:
                continue
            out.append(choice)
    return out


def provides(taught: int, needed: int, level: int) -> bool:
    """Return whether a resource teaching a skill at `taught`, needing it at `needed`, gives `level`."""
    return taught >= level and needed < level


def unmet(levels: Mapping[str, int], state: Mapping[str, int]) -> dict[str, int]:
    """Return the part of `levels` that `state` does not meet."""
    return {s: lv for s, lv in levels.items() if state.get(s, 0) < lv}


def unmet_choices(choices: Iterable[Choice], state: Mapping[str, int]) -> list[Choice]:
    """Return the choices of which `state` meets no option."""
    return [c for c in choices if not c.met(state)]


def lacking(catalog: Catalog, rid: str, state: Mapping[str, int]) -> list[str]:
    """Return what a resource still needs from state, in words: 'sql:2', 'one of a BI tool'."""
    out = [f"{s}:{lv}" for s, lv in unmet(catalog.effective(rid), state).items()]
    return out + [f"one of {c.name}" for c in unmet_choices(catalog.choices(rid), state)]


def learn(state: MutableMapping[str, int], teaches: Mapping[str, int]) -> None:
    """Raise each skill in state to at least the level taught (what taking a resource does)."""
    for skill, level in teaches.items():
        if level > state.get(skill, 0):
            state[skill] = level


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
        # an open choice of a resource waits on every skill among its options
        self._open: dict[tuple[str, int], Choice] = {}
        self._waiting_any: dict[str, list[tuple[str, int]]] = {}
        self.ready: list[str] = []  # takeable on arrival, in pool order
        for rid in pool:
            lacking = list(unmet(catalog.effective(rid), self.state))
            choices = unmet_choices(catalog.choices(rid), self.state)
            if lacking or choices:
                self._missing[rid] = len(lacking) + len(choices)
                for s in lacking:
                    self._waiting.setdefault(s, []).append(rid)
                for i, choice in enumerate(choices):
                    self._open[(rid, i)] = choice
                    for s in choice.options:
                        self._waiting_any.setdefault(s, []).append((rid, i))
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
            for key in self._waiting_any.get(sid, ()):
                choice = self._open.get(key)
                if choice is not None and choice.met(self.state):
                    del self._open[key]
                    other = key[0]
                    self._missing[other] -= 1
                    if self._missing[other] == 0:
                        released.append(other)
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
