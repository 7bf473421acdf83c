"""The skills gap: what a target role needs that the learner does not have yet."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .catalog import Catalog
from .profile import Profile

__all__ = ["Gap", "GapItem", "compute_gap"]


@dataclass(frozen=True)
class GapItem:
    """One requirement of the target role, or a prerequisite a missing one pulls in."""

    skill: str
    name: str
    category: str
    have: int
    need: int
    essential: bool
    needed_by: str = ""
    choice: str = ""  # set when the requirement is one of several options: the choice's name
    options: tuple[tuple[str, int], ...] = ()  # then every option; `skill` is the one shown

    @property
    def met(self) -> bool:
        """Return True when the learner already has the level."""
        return self.have >= self.need


@dataclass(frozen=True)
class Gap:
    """What stands between a profile and a role."""

    target: str
    target_name: str
    profile: dict[str, int]
    requirements: list[GapItem]
    pulled_in: list[GapItem]
    include_optional: bool

    @property
    def coverage(self) -> float:
        """Return the share of essential requirements met now (0 to 1)."""
        essential = [r for r in self.requirements if r.essential]
        return sum(r.met for r in essential) / len(essential) if essential else 1.0

    def to_dict(self) -> dict[str, Any]:
        """Return the gap as JSON-ready data."""

        def item(i: GapItem) -> dict[str, Any]:
            d: dict[str, Any] = {
                "skill": i.skill,
                "name": i.name,
                "category": i.category,
                "have": i.have,
                "need": i.need,
                "essential": i.essential,
                "met": i.met,
            }
            if i.needed_by:
                d["needed_by"] = i.needed_by
            if i.choice:
                d["choice"] = i.choice
                d["options"] = [{"skill": s, "level": lv} for s, lv in i.options]
            return d

        return {
            "format": "pathplanner-gap/1",
            "target": self.target,
            "target_name": self.target_name,
            "profile": dict(self.profile),
            "coverage": round(self.coverage, 4),
            "requirements": [item(i) for i in self.requirements],
            "pulled_in": [item(i) for i in self.pulled_in],
        }


def compute_gap(
    catalog: Catalog, profile: Profile, target: str, include_optional: bool = False
) -> Gap:
    """Return the gap between a profile and a target role (id, name or alias)."""
    role = catalog.resolve_role(target)
    have = profile.skills
    items: list[GapItem] = []
    for essential, levels in ((True, role.requires.essential), (False, role.requires.optional)):
        for sid, need in sorted(levels.items()):
            skill = catalog.skills[sid]
            items.append(
                GapItem(sid, skill.name, skill.category, have.get(sid, 0), need, essential)
            )
    for choice in role.requires.any_of:
        # show the option met, else the one closest to being met (then the first id)
        sid, need = min(
            sorted(choice.options.items()),
            key=lambda kv: (have.get(kv[0], 0) < kv[1], kv[1] - have.get(kv[0], 0)),
        )
        skill = catalog.skills[sid]
        items.append(
            GapItem(
                sid,
                f"{choice.name}: {skill.name}",
                skill.category,
                have.get(sid, 0),
                need,
                choice.essential,
                choice=choice.name,
                options=tuple(sorted(choice.options.items())),
            )
        )
    # prerequisites of the missing levels that the learner lacks too, transitively
    pulled: dict[str, GapItem] = {}
    frontier = [
        (i.skill, i.need, i.skill) for i in items if not i.met and (i.essential or include_optional)
    ]
    asked = {i.skill: i.need for i in items if i.essential or include_optional}
    while frontier:
        sid, level, _ = frontier.pop()
        for pre, pre_level in sorted(catalog.skills[sid].prerequisites(level).items()):
            if have.get(pre, 0) >= pre_level or asked.get(pre, 0) >= pre_level:
                continue
            if pulled.get(pre) and pulled[pre].need >= pre_level:
                continue
            skill = catalog.skills[pre]
            pulled[pre] = GapItem(
                pre, skill.name, skill.category, have.get(pre, 0), pre_level, True, sid
            )
            frontier.append((pre, pre_level, sid))
    return Gap(
        target=role.id,
        target_name=role.name,
        profile=dict(have),
        requirements=items,
        pulled_in=[pulled[k] for k in sorted(pulled)],
        include_optional=include_optional,
    )
