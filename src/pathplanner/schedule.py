"""Order the chosen resources (prerequisites first, related topics together) and fit them to weeks."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from .catalog import Catalog
from .errors import PlanningError
from .semantics import unmet, unmet_choices

__all__ = ["ScheduledStep", "dependencies", "order", "schedule"]


def dependencies(
    catalog: Catalog, start: Mapping[str, int], chosen: Sequence[str]
) -> dict[str, list[str]]:
    """Return, for each chosen resource, the chosen resources that provide what it needs."""
    chosen_set = set(chosen)
    deps: dict[str, list[str]] = {}
    for rid in sorted(chosen_set):
        before: set[str] = set()
        needs = list(unmet(catalog.effective(rid), start).items())
        # a choice waits for every chosen provider of any option (the catalogue is acyclic
        # over all options, so this order always exists)
        needs += [
            kv for c in unmet_choices(catalog.choices(rid), start) for kv in c.options.items()
        ]
        for skill, level in needs:
            before.update(
                p for p in catalog.providers(skill, level) if p in chosen_set and p != rid
            )
        deps[rid] = sorted(before)
    return deps


def _topic(catalog: Catalog, rid: str) -> str:
    teaches = catalog.resources[rid].teaches
    skill, _ = max(sorted(teaches.items()), key=lambda kv: kv[1])
    return catalog.skills[skill].category if skill in catalog.skills else ""


_RANK = {"first": 0, None: 1, "last": 2}


def _stage(catalog: Catalog, rid: str) -> int:
    """Return where a resource belongs when prerequisites leave a choice.

    0: an exam, taken as soon as its preparation is done; 1: foundations (concepts and
    languages); 2: tools; 3: projects, last.
    """
    res = catalog.resources[rid]
    if res.kind == "certification":
        return 0
    if res.kind == "project":
        return 3
    kinds = {
        catalog.skills[s].kind
        for s in res.teaches
        if s in catalog.skills and catalog.skills[s].category != "credential"
    }
    return 2 if kinds == {"tool"} else 1


def order(catalog: Catalog, start: Mapping[str, int], chosen: Sequence[str]) -> list[str]:
    """Return chosen in an executable order a coach would follow.

    Kahn's algorithm; among the resources that are ready: one placed `first` in the graph,
    then any but one placed `last`; then an exam (right after its preparation), then
    foundations before tools before projects (`_stage`), then the topic just studied, then
    the shallowest in the dependency graph, then the id (so the order is stable). A
    resource's `after` hints wait for those chosen resources too, unless only the hints stand
    in the way (prerequisites win).
    """
    deps = dependencies(catalog, start, chosen)
    depth: dict[str, int] = {}

    def depth_of(rid: str) -> int:
        if rid not in depth:
            depth[rid] = 1 + max((depth_of(d) for d in deps[rid]), default=0)
        return depth[rid]

    def rank(rid: str) -> int:
        return _RANK[catalog.resources[rid].position]

    waiting = {rid: set(d) for rid, d in deps.items()}
    hinted = {rid: {a for a in catalog.resources[rid].after if a in waiting} for rid in waiting}
    done: list[str] = []
    last_topic = ""
    while waiting:
        free = [rid for rid, d in waiting.items() if not d]
        if not free:  # cannot happen on a validated (acyclic) catalogue
            raise RuntimeError("the chosen resources depend on each other in a cycle")
        ready = [rid for rid in free if not hinted[rid]] or free
        pick = min(
            ready,
            key=lambda r: (
                rank(r),
                _stage(catalog, r),
                _topic(catalog, r) != last_topic,
                depth_of(r),
                _topic(catalog, r),
                r,
            ),
        )
        done.append(pick)
        last_topic = _topic(catalog, pick)
        del waiting[pick]
        for d in waiting.values():
            d.discard(pick)
        for h in hinted.values():
            h.discard(pick)
    return done


@dataclass(frozen=True)
class ScheduledStep:
    """Where one resource falls in the calendar."""

    resource: str
    start_week: int
    end_week: int
    start_date: dt.date | None
    end_date: dt.date | None


def schedule(
    catalog: Catalog,
    ordered: Sequence[str],
    hours_per_week: float,
    start: dt.date | None = None,
    hours: Mapping[str, float] | None = None,
) -> list[ScheduledStep]:
    """Fit resources one after another into weeks of hours_per_week study hours.

    A resource starts in the week its first hour falls in and ends in the week its last hour
    falls in, so a long one spans weeks and short ones share a week. `hours` overrides a
    resource's hours (what is left of a step begun). Raise PlanningError when the dates
    would run past the last day the calendar has (31 December 9999).
    """
    spans = [(hours or {}).get(rid, catalog.resources[rid].hours) for rid in ordered]
    weeks = max(1, math.ceil(sum(spans) / hours_per_week - 1e-9))
    out: list[ScheduledStep] = []
    used = 0.0
    for rid, span in zip(ordered, spans, strict=True):
        first = math.floor(used / hours_per_week + 1e-9) + 1
        used += span
        last = max(first, math.ceil(used / hours_per_week - 1e-9))
        try:
            # the day after the last week must exist too: calendars end a block there
            after = start + dt.timedelta(weeks=last) if start else None
        except OverflowError:
            after = None
        if start is not None and after is None:
            raise PlanningError(
                f"starting on {start.isoformat()}, the plan ({weeks:,} weeks at "
                f"{hours_per_week:g} h/week) runs past the year 9999; give an earlier start"
            )
        out.append(
            ScheduledStep(
                resource=rid,
                start_week=first,
                end_week=last,
                start_date=start + dt.timedelta(weeks=first - 1) if start else None,
                end_date=after - dt.timedelta(days=1) if after else None,
            )
        )
    return out
