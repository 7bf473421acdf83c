"""A cohort timetable: one shared, week-by-week schedule of modules for a bootcamp's learners.

Every learner is planned at their own hours per week (identical learners once: `CohortPlanner`).
The union of their routes becomes the timetable's modules, each one of three tracks:

- **core**: taken by at least `core_share` of the planned learners (half by default), or placed
  `first` or `last` in the graph; taught in order across the weeks, paced so the core fills them;
- **bridging**: taken by fewer, and needed (directly or through other modules) before a core
  module its learners take: pre-work (week 0, before week 1) when that core module starts in
  week 1, else catch-up in the weeks just before it;
- **elective**: the rest (a learner's own choice of tool, an optional requirement), alongside
  the core after its prerequisites, before a module placed last.

Each learner is then checked against the timetable: they keep up when, for every module they
take, the hours of their modules due by its last week fit in that many weeks at their pace
(pre-work is done before week 1 and counted apart). Who cannot keep up is said, with the hours
per week (or weeks at their pace) they would need.

**Prefer our modules.** A resource marked `preferred: true` in a graph, or from a provider
given in `prefer_providers`, is an own module. For each learner, every own module that is the
source of a level their fastest plan raises (it serves their gap) is a candidate. The learner
is planned again with all candidates included; they are kept when their hours are at most
`(1 + prefer_bound)` times the hours of the study they replace in the plan (in the plan's
objective: hours by default; 0.5 allows own modules 50% more hours than the public resources
they stand in for). If the whole set does not keep that bound, each candidate is tried alone,
in id order, on top of those kept, under the same rule. Every own module nobody takes is
listed with the reason.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from .catalog import Catalog
from .cohort import Learner, RowProblem
from .errors import PathPlannerError, PlanningError
from .models import Resource
from .optimize import Constraints
from .planner import DEFAULT_HOURS_PER_WEEK, Plan, checked, plan
from .profile import Profile
from .schedule import dependencies, order, schedule
from .semantics import learn

__all__ = [
    "DEFAULT_CORE_SHARE",
    "DEFAULT_PREFER_BOUND",
    "CohortPlanner",
    "LearnerLoad",
    "Outcome",
    "Timetable",
    "TimetableModule",
    "TimetableWeek",
    "UnusedModule",
    "build_timetable",
    "outcomes_of",
    "own_modules",
    "plan_learners",
    "weeks_until",
]

DEFAULT_PREFER_BOUND = 0.5
DEFAULT_CORE_SHARE = 0.5
MAX_WEEKS = 520  # ten years: the longest timetable searched for when no --weeks is given
Track = Literal["core", "bridging", "elective"]
_EPS = 1e-9


@dataclass(frozen=True)
class Outcome:
    """A learning outcome: what a learner can do after a module, from the level's descriptor."""

    skill: str
    level: int
    text: str  # "Data visualization (working): Apply perception principles ..."


@dataclass(frozen=True)
class TimetableModule:
    """One module of the timetable: what, which track, when, and who takes it (by name)."""

    number: int
    resource: str
    title: str
    provider: str
    url: str | None
    kind: str  # the resource's kind: course, project, book ...
    track: Track
    hours: float
    cost_usd: float
    start_week: int  # 0: pre-work, before week 1
    end_week: int
    start_date: dt.date | None
    end_date: dt.date | None
    learners: tuple[str, ...]  # in cohort order
    outcomes: tuple[Outcome, ...]
    own: bool  # one of the bootcamp's own modules
    position: str | None  # "first", "last" or None
    assessment: bool  # a project, an exam, or a module that grants a credential
    feeds: tuple[str, ...] = ()  # bridging: the core modules it prepares for


@dataclass(frozen=True)
class TimetableWeek:
    """One week of the timetable and the modules taught in it."""

    week: int  # 0: pre-work
    start_date: dt.date | None
    end_date: dt.date | None
    modules: tuple[str, ...]  # resource ids, in timetable order


@dataclass(frozen=True)
class LearnerLoad:
    """How one learner fares against the timetable at their own hours per week."""

    row: int
    name: str
    hours_per_week: float
    total_hours: float
    pre_work_hours: float
    modules: tuple[str, ...]  # resource ids, in timetable order
    fits: bool
    behind_from_week: int | None  # the first week whose due modules exceed their hours
    needs_hours_per_week: float  # to keep up with the timetable
    weeks_at_own_pace: int  # what their route takes alone at their pace
    own_modules: tuple[str, ...] = ()  # own modules in their plan

    @property
    def note(self) -> str:
        """Return in words whether the learner keeps up, and if not what they would need."""
        pre = (
            f"; {_h(self.pre_work_hours)} of pre-work before week 1" if self.pre_work_hours else ""
        )
        if self.fits:
            return f"keeps up at {_h(self.hours_per_week)}/week{pre}"
        return (
            f"cannot keep up at {_h(self.hours_per_week)}/week from week "
            f"{self.behind_from_week}: would need {_h(self.needs_hours_per_week)}/week, or "
            f"{self.weeks_at_own_pace} weeks at their own pace{pre}"
        )


@dataclass(frozen=True)
class UnusedModule:
    """An own module that no learner takes, and why."""

    resource: str
    title: str
    reason: str


@dataclass
class Timetable:
    """A cohort's shared week-by-week timetable (see the module docstring)."""

    target: str
    target_name: str
    weeks: int
    start: dt.date | None
    modules: list[TimetableModule]
    learners: list[LearnerLoad]
    unused_own: list[UnusedModule] = field(default_factory=list)
    prefer_bound: float = DEFAULT_PREFER_BOUND
    core_share: float = DEFAULT_CORE_SHARE
    weeks_given: bool = False  # False: the fewest weeks in which everyone keeps up

    def by_week(self) -> list[TimetableWeek]:
        """Return the weeks (0, pre-work, only when there is some) with the modules taught."""
        first = 0 if any(m.start_week == 0 for m in self.modules) else 1
        out = []
        for week in range(first, self.weeks + 1):
            ids = tuple(m.resource for m in self.modules if m.start_week <= week <= m.end_week)
            start, end = _week_dates(self.start, week)
            out.append(TimetableWeek(week, start, end, ids))
        return out

    @property
    def behind(self) -> list[LearnerLoad]:
        """Return the learners who cannot keep up."""
        return [x for x in self.learners if not x.fits]

    def to_dict(self) -> dict[str, Any]:
        """Return the timetable as JSON-ready data (`pathplanner-timetable/1`)."""

        def day(d: dt.date | None) -> str | None:
            return d.isoformat() if d else None

        return {
            "format": TIMETABLE_FORMAT,
            "target": self.target,
            "target_name": self.target_name,
            "weeks": self.weeks,
            "weeks_given": self.weeks_given,
            "start": day(self.start),
            "prefer_bound": self.prefer_bound,
            "core_share": self.core_share,
            "modules": [
                {
                    "number": m.number,
                    "resource": m.resource,
                    "title": m.title,
                    "provider": m.provider,
                    "url": m.url,
                    "kind": m.kind,
                    "track": m.track,
                    "hours": m.hours,
                    "cost_usd": m.cost_usd,
                    "start_week": m.start_week,
                    "end_week": m.end_week,
                    "start_date": day(m.start_date),
                    "end_date": day(m.end_date),
                    "learners": list(m.learners),
                    "outcomes": [
                        {"skill": o.skill, "level": o.level, "text": o.text} for o in m.outcomes
                    ],
                    "own": m.own,
                    "position": m.position,
                    "assessment": m.assessment,
                    "feeds": list(m.feeds),
                }
                for m in self.modules
            ],
            "weeks_detail": [
                {
                    "week": w.week,
                    "start_date": day(w.start_date),
                    "end_date": day(w.end_date),
                    "modules": list(w.modules),
                }
                for w in self.by_week()
            ],
            "learners": [
                {
                    "row": x.row,
                    "name": x.name,
                    "hours_per_week": x.hours_per_week,
                    "total_hours": x.total_hours,
                    "pre_work_hours": x.pre_work_hours,
                    "modules": list(x.modules),
                    "fits": x.fits,
                    "behind_from_week": x.behind_from_week,
                    "needs_hours_per_week": x.needs_hours_per_week,
                    "weeks_at_own_pace": x.weeks_at_own_pace,
                    "own_modules": list(x.own_modules),
                    "note": x.note,
                }
                for x in self.learners
            ],
            "unused_own_modules": [
                {"resource": u.resource, "title": u.title, "reason": u.reason}
                for u in self.unused_own
            ],
        }


TIMETABLE_FORMAT = "pathplanner-timetable/1"


def _h(hours: float) -> str:
    return f"{round(hours, 1):g} h"


def _week_dates(start: dt.date | None, week: int) -> tuple[dt.date | None, dt.date | None]:
    if start is None:
        return None, None
    if week == 0:
        return None, start - dt.timedelta(days=1)
    first = start + dt.timedelta(weeks=week - 1)
    return first, first + dt.timedelta(days=6)


def weeks_until(start: dt.date | None, end: dt.date) -> int:
    """Return the number of study weeks from start to end (the week holding `end` counts)."""
    if start is None:
        raise PlanningError("an end date needs a start date (YYYY-MM-DD)", setting="start")
    if end < start:
        raise PlanningError(
            f"the end date {end.isoformat()} is before the start {start.isoformat()}",
            setting="end",
        )
    return (end - start).days // 7 + 1


_LEVEL_WORDS = {1: "foundation", 2: "working", 3: "advanced"}


def outcomes_of(catalog: Catalog, rid: str) -> tuple[Outcome, ...]:
    """Return a resource's learning outcomes: each level it teaches, in the level's own words."""
    out = []
    for sid, lv in sorted(catalog.resources[rid].teaches.items()):
        skill = catalog.skills[sid]
        spec = skill.levels.get(lv)
        means = spec.means if spec is not None else ""
        word = _LEVEL_WORDS.get(lv, f"level {lv}")
        out.append(Outcome(sid, lv, f"{skill.name} ({word}): {means}".rstrip(": ")))
    return tuple(out)


def own_modules(catalog: Catalog, prefer_providers: Iterable[str] = ()) -> list[str]:
    """Return the ids of the active own modules: `preferred: true`, or from a given provider.

    A provider matches as in the planner's preference (any case; a name also matches the
    providers it begins as a word). A name matching no resource raises UnknownNameError with
    the nearest.
    """
    from ._names import provider_matches

    given = [catalog.check_provider(p, setting="prefer_providers") for p in prefer_providers]
    return sorted(
        rid
        for rid, res in catalog.resources.items()
        if res.active and (res.preferred or any(provider_matches(p, res.provider) for p in given))
    )


def _objective(p: Plan, c: Constraints) -> float:
    if c.objective == "cost":
        return p.total_cost_usd
    if c.objective == "balanced":
        return p.total_hours + p.total_cost_usd / c.hourly_rate
    return p.total_hours


@dataclass(frozen=True)
class _Trial:
    """What trying one own module for one (kind of) learner found."""

    outcome: Literal["used", "not-needed", "too-long", "cannot"]
    detail: str = ""
    extra: float = 0.0  # too-long: what it would replace in the plan (objective units)


def _final_state(catalog: Catalog, p: Plan) -> dict[str, int]:
    state = dict(p.profile)
    for step in p.steps:
        learn(state, catalog.resources[step.resource].teaches)
    return state


def _serves(
    catalog: Catalog, rid: str, start: Mapping[str, int], reached: Mapping[str, int]
) -> bool:
    """Return whether a resource is the source of a level a route raises (the learner's gap)."""
    for sid in catalog.resources[rid].teaches:
        for lv in range(start.get(sid, 0) + 1, reached.get(sid, 0) + 1):
            if catalog.is_provider(rid, sid, lv):
                return True
    return False


class CohortPlanner:
    """Plan learners to one role, solving identical learners once and preferring own modules.

    Learners are identical when their start (levels, done and begun resources, stated role),
    budget and years of experience are: the route is chosen once, then scheduled at each
    learner's hours per week and start date (which change the weeks, not the route) and
    given to each under their own name.
    """

    def __init__(
        self,
        catalog: Catalog,
        target: str,
        constraints: Constraints | None = None,
        own: Sequence[str] = (),
        prefer_bound: float = DEFAULT_PREFER_BOUND,
    ) -> None:
        if not (math.isfinite(prefer_bound) and 0 <= prefer_bound <= 10):
            raise PlanningError(
                f"the preference bound must be a number from 0 to 10, got {prefer_bound!r}",
                setting="prefer_bound",
            )
        self.catalog = catalog
        self.target = catalog.resolve_role(target).id
        self.constraints = constraints or Constraints()
        self.own = tuple(own)
        self.prefer_bound = prefer_bound
        self._routes: dict[tuple[Any, ...], Plan | PathPlannerError] = {}
        self._plans: dict[tuple[Any, ...], Plan | PathPlannerError] = {}
        self.trials: dict[tuple[Any, ...], dict[str, _Trial]] = {}
        self.solved = 0  # distinct routes solved

    @staticmethod
    def key(profile: Profile) -> tuple[Any, ...]:
        """Return what makes two learners' routes the same (all but the name and the pace)."""
        return (
            tuple(sorted(profile.skills.items())),
            tuple(profile.done),
            tuple(sorted((profile.stated or {}).items())) if profile.stated is not None else None,
            tuple(sorted(profile.done_hours.items())),
            tuple(sorted(profile.experience.items())),
            profile.from_role,
            profile.budget_usd,
        )

    def plan(self, learner: Learner, hours_per_week: float, start: dt.date | None) -> Plan:
        """Return the learner's plan (their name on it); raise PathPlannerError if none."""
        key = self.key(learner.profile)
        paced = (key, hours_per_week, start)
        got = self._plans.get(paced)
        if got is None:
            route = self._routes.get(key)
            if route is None:
                try:
                    route = self._solve(
                        key, replace(learner.profile, name=None), hours_per_week, start
                    )
                except PathPlannerError as err:
                    route = err
                self._routes[key] = route
                self.solved += 1
            try:
                got = (
                    route
                    if isinstance(route, PathPlannerError)
                    else self._repace(route, hours_per_week, start)
                )
            except PathPlannerError as err:
                got = err
            self._plans[paced] = got
        if isinstance(got, PathPlannerError):
            raise got
        state = got.state.model_copy(update={"learner": learner.name}) if got.state else None
        return replace(got, learner=learner.name, state=state)

    def _repace(self, p: Plan, hours_per_week: float, start: dt.date | None) -> Plan:
        """Return a plan scheduled at another pace and start (its route unchanged)."""
        if p.hours_per_week == hours_per_week and p.start_date == start:
            return p
        ids = [s.resource for s in p.steps]
        timing = schedule(
            self.catalog, ids, hours_per_week, start, hours={s.resource: s.hours for s in p.steps}
        )
        steps = [
            replace(
                s,
                start_week=w.start_week,
                end_week=w.end_week,
                start_date=w.start_date,
                end_date=w.end_date,
            )
            for s, w in zip(p.steps, timing, strict=True)
        ]
        update = {"hours_per_week": hours_per_week, "start_date": start}
        state = p.state.model_copy(update=update) if p.state is not None else None
        return replace(p, steps=steps, hours_per_week=hours_per_week, start_date=start, state=state)

    def trials_of(
        self, learner: Learner, hours_per_week: float, start: dt.date | None
    ) -> dict[str, _Trial]:
        """Return what trying each own module found for this learner."""
        return self.trials.get(self.key(learner.profile), {})

    def _run(self, profile: Profile, c: Constraints, hpw: float, start: dt.date | None) -> Plan:
        return plan(
            self.catalog,
            self.target,
            profile,
            constraints=c,
            hours_per_week=hpw,
            start=start,
            explain=False,
        )

    def _within(
        self,
        profile: Profile,
        c: Constraints,
        hpw: float,
        start: dt.date | None,
        current: Plan,
        rids: Sequence[str],
    ) -> Plan | None:
        """Return the plan with `rids` included when they keep the bound, else None."""
        tried = replace(c, include=tuple(dict.fromkeys((*c.include, *rids))))
        try:
            p = self._run(profile, tried, hpw, start)
        except PathPlannerError:
            return None
        own_cost = sum(_weight(self.catalog.resources[r], c) for r in rids)
        replaced = own_cost - (_objective(p, c) - _objective(current, c))
        if replaced > _EPS and own_cost <= (1 + self.prefer_bound) * replaced + _EPS:
            return p
        return None

    def _solve(
        self, key: tuple[Any, ...], profile: Profile, hpw: float, start: dt.date | None
    ) -> Plan:
        c = self.constraints
        best = self._run(profile, c, hpw, start)
        if not self.own:
            return best
        trials: dict[str, _Trial] = {}
        self.trials[key] = trials
        reached = _final_state(self.catalog, best)
        chosen = {s.resource for s in best.steps}
        kept: list[str] = []
        current = best
        serving = []
        for rid in self.own:
            if rid in chosen:
                trials[rid] = _Trial("used")
            elif rid in profile.done or not _serves(self.catalog, rid, profile.skills, reached):
                trials[rid] = _Trial("not-needed")
            else:
                serving.append(rid)
        if len(serving) > 1:  # first all of them at once: a whole own curriculum
            together = self._within(profile, c, hpw, start, best, serving)
            if together is not None:
                trials.update({rid: _Trial("used") for rid in serving})
                return together
        for rid in serving:
            if rid in kept:
                trials[rid] = _Trial("used")
                continue
            tried = replace(c, include=tuple(dict.fromkeys((*c.include, *kept, rid))))
            try:
                p = self._run(profile, tried, hpw, start)
            except PathPlannerError as err:
                trials[rid] = _Trial("cannot", str(err))
                continue
            # what the module costs against what it replaces in the plan so far
            own_cost = _weight(self.catalog.resources[rid], c)
            replaced = own_cost - (_objective(p, c) - _objective(current, c))
            if replaced > _EPS and own_cost <= (1 + self.prefer_bound) * replaced + _EPS:
                kept.extend(
                    s.resource for s in p.steps if s.resource in self.own and s.resource not in kept
                )
                current = p
                trials[rid] = _Trial("used")
            else:
                trials[rid] = _Trial("too-long", extra=max(replaced, 0.0))
        return current


def _weight(res: Resource, c: Constraints) -> float:
    if c.objective == "cost":
        return res.cost_usd
    if c.objective == "balanced":
        return res.hours + res.cost_usd / c.hourly_rate
    return res.hours


def _classify(
    catalog: Catalog,
    route: Sequence[str],
    takers: Mapping[str, list[int]],
    plans: Sequence[tuple[Learner, Plan]],
    core_share: float,
) -> tuple[dict[str, Track], dict[str, set[str]], dict[str, list[str]]]:
    """Return each module's track, the core modules bridging ones feed, and what each module
    waits for in some learner's plan (the union over learners)."""
    n = len(plans)
    track: dict[str, Track] = {}
    for rid in route:
        res = catalog.resources[rid]
        share = len(takers[rid]) / n if n else 0.0
        core = res.position is not None or share + _EPS >= core_share
        track[rid] = "core" if core else "elective"
    feeds: dict[str, set[str]] = {}
    union: dict[str, set[str]] = {rid: set() for rid in route}
    for _, p in plans:
        chosen = [s.resource for s in p.steps]
        deps = dependencies(catalog, p.profile, chosen)
        for rid, ds in deps.items():
            union[rid].update(ds)
        # walk from every core module back through what it needs: those are bridging
        for rid in chosen:
            if track[rid] != "core":
                continue
            stack, seen = list(deps[rid]), set()
            while stack:
                d = stack.pop()
                if d in seen:
                    continue
                seen.add(d)
                if track[d] != "core":
                    feeds.setdefault(d, set()).add(rid)
                    stack.extend(deps[d])
    for rid in feeds:
        track[rid] = "bridging"
    return track, feeds, {rid: sorted(ds) for rid, ds in union.items()}


def _layout(
    catalog: Catalog,
    route: Sequence[str],
    track: Mapping[str, Track],
    takers: Mapping[str, list[int]],
    hpw: Mapping[int, float],
    union_deps: Mapping[str, Sequence[str]],
    weeks: int,
) -> dict[str, tuple[int, int]]:
    """Return (start week, end week) of every module for a timetable of `weeks` weeks."""
    when: dict[str, tuple[int, int]] = {}
    core = [r for r in route if track[r] == "core"]
    core_hours = sum(catalog.resources[r].hours for r in core)
    if core:
        pace = core_hours / weeks if core_hours > 0 else 1.0
        for step in schedule(catalog, core, pace):
            when[step.resource] = (step.start_week, min(step.end_week, weeks))

    def span(rid: str) -> int:
        slowest = min(hpw[i] for i in takers[rid])
        return max(1, math.ceil(catalog.resources[rid].hours / slowest - _EPS))

    dependents: dict[str, list[str]] = {r: [] for r in route}
    for rid, ds in union_deps.items():
        for d in ds:
            dependents[d].append(rid)
    # bridging: due the week before the first module that needs it (latest first)
    for rid in reversed(route):
        if track[rid] != "bridging":
            continue
        due = weeks
        for d in dependents[rid]:
            if d in when and track[d] != "elective":
                due = min(due, when[d][0] - 1)
        if due < 1:
            when[rid] = (0, 0)
        else:
            when[rid] = (max(1, due - span(rid) + 1), due)
    last_start = min(
        (when[r][0] for r in core if catalog.resources[r].position == "last"), default=weeks + 1
    )
    # electives: as late as they can be (before what needs them and before a module placed
    # last), so they do not crowd the weeks the core needs; after what they need
    for rid in reversed(route):
        if track[rid] != "elective":
            continue
        due = min([weeks, last_start - 1, *(when[d][0] - 1 for d in dependents[rid] if d in when)])
        begin = max([1, *(when[d][1] for d in union_deps[rid] if d in when)])
        due = max(due, begin)
        when[rid] = (max(begin, due - span(rid) + 1), due)
    return when


def _loads(
    catalog: Catalog,
    plans: Sequence[tuple[Learner, Plan]],
    when: Mapping[str, tuple[int, int]],
    rank: Mapping[str, int],
    own: set[str],
) -> list[LearnerLoad]:
    out = []
    for learner, p in plans:
        hours = {s.resource: s.hours for s in p.steps}
        mods = sorted(hours, key=lambda r: (when[r][1], rank[r]))
        pre = sum(hours[r] for r in mods if when[r][1] == 0)
        cum, need, behind = 0.0, 0.0, None
        for rid in mods:
            due = when[rid][1]
            if due == 0:
                continue
            cum += hours[rid]
            need = max(need, cum / due)
            if behind is None and cum > p.hours_per_week * due + _EPS:
                behind = due
        total = sum(hours.values())
        out.append(
            LearnerLoad(
                row=learner.row,
                name=learner.name,
                hours_per_week=p.hours_per_week,
                total_hours=round(total, 2),
                pre_work_hours=round(pre, 2),
                modules=tuple(sorted(hours, key=lambda r: rank[r])),
                fits=behind is None,
                behind_from_week=behind,
                needs_hours_per_week=round(math.ceil(need * 10 - _EPS) / 10, 1),
                weeks_at_own_pace=math.ceil((total - pre) / p.hours_per_week - _EPS),
                own_modules=tuple(r for r in sorted(hours, key=lambda r: rank[r]) if r in own),
            )
        )
    return out


def _unused(
    catalog: Catalog,
    role_name: str,
    own: Sequence[str],
    used: set[str],
    plans: Sequence[tuple[Learner, Plan]],
    trials: Sequence[Mapping[str, _Trial]],
    bound: float,
) -> list[UnusedModule]:
    """Return every own module no learner takes, with the reason in words."""
    out = []
    for rid in own:
        if rid in used:
            continue
        res = catalog.resources[rid]
        taught = ", ".join(
            f"{catalog.skills[s].name} {lv}" for s, lv in sorted(res.teaches.items())
        )
        found = [t[rid] for t in trials if rid in t]
        long = [
            (t.extra, x.name, p)
            for (x, p), tr in zip(plans, trials, strict=True)
            if (t := tr.get(rid)) and t.outcome == "too-long"
        ]
        cannot = [t.detail for t in found if t.outcome == "cannot"]
        if not plans:
            reason = "no learner was planned"
        elif all(all(p.profile.get(s, 0) >= lv for s, lv in res.teaches.items()) for _, p in plans):
            reason = f"nobody needs {taught}: all learners already have it"
        elif long:
            replaced, name, _ = max(long, key=lambda t: t[0])  # the first such in the cohort
            what = f"{_h(replaced)} of other study" if replaced > 0 else "nothing in their plan"
            reason = (
                f"for each of the {len(long)} learner(s) it could serve it takes more than "
                f"{bound:.0%} longer than what it would replace (best case: {name}, "
                f"{_h(res.hours)} instead of {what})"
            )
        elif cannot:
            reason = f"it cannot be taken: {sorted(cannot)[0]}"
        else:
            reason = (
                f"nobody's route to {role_name} needs what it teaches ({taught}) at the "
                "levels it teaches"
            )
        out.append(UnusedModule(rid, res.title, reason))
    return out


def build_timetable(
    catalog: Catalog,
    target: str,
    plans: Sequence[tuple[Learner, Plan]],
    *,
    weeks: int | None = None,
    start: dt.date | None = None,
    own: Sequence[str] = (),
    trials: Sequence[Mapping[str, _Trial]] = (),
    prefer_bound: float = DEFAULT_PREFER_BOUND,
    core_share: float = DEFAULT_CORE_SHARE,
) -> Timetable:
    """Return the cohort timetable of the learners' plans over `weeks` weeks.

    `weeks` None: the fewest weeks (up to MAX_WEEKS) in which every learner keeps up. `own`
    are the own modules and `trials` (one per plan) what preferring them found, for the list
    of own modules not used.
    """
    role = catalog.resolve_role(target)
    if weeks is not None and not (isinstance(weeks, int) and 1 <= weeks <= MAX_WEEKS):
        raise PlanningError(
            f"weeks must be a whole number from 1 to {MAX_WEEKS}, got {weeks!r}", setting="weeks"
        )
    if not (math.isfinite(core_share) and 0 < core_share <= 1):
        raise PlanningError(
            f"the core share must be more than 0 and at most 1, got {core_share!r}",
            setting="core_share",
        )
    takers: dict[str, list[int]] = {}
    hpw: dict[int, float] = {}
    for i, (_, p) in enumerate(plans):
        hpw[i] = p.hours_per_week
        for step in p.steps:
            takers.setdefault(step.resource, []).append(i)
    common: dict[str, int] = {}
    if plans:
        skills = set.intersection(*(set(p.profile) for _, p in plans))
        common = {s: min(p.profile[s] for _, p in plans) for s in sorted(skills)}
    route = order(catalog, common, sorted(takers))
    rank = {rid: i for i, rid in enumerate(route)}
    track, feeds, union_deps = _classify(catalog, route, takers, plans, core_share)
    own_set = set(own)

    def attempt(n: int) -> tuple[dict[str, tuple[int, int]], list[LearnerLoad]]:
        when = _layout(catalog, route, track, takers, hpw, union_deps, n)
        return when, _loads(catalog, plans, when, rank, own_set)

    if weeks is not None:
        n = weeks
        when, loads = attempt(n)
    else:
        # fewest weeks in which everyone keeps up: at least what the longest route needs alone
        n = max(
            [1]
            + [
                math.ceil(
                    sum(s.hours for s in p.steps if track[s.resource] != "bridging")
                    / p.hours_per_week
                    - _EPS
                )
                for _, p in plans
            ]
        )
        n = min(n, MAX_WEEKS)
        when, loads = attempt(n)
        while n < MAX_WEEKS and not all(x.fits for x in loads):
            n += 1
            when, loads = attempt(n)
    modules = []
    for number, rid in enumerate(
        sorted(route, key=lambda r: (when[r][0], when[r][1], rank[r])), start=1
    ):
        res = catalog.resources[rid]
        first, last = when[rid]
        grants = any(
            catalog.skills[s].category == "credential" for s in res.teaches if s in catalog.skills
        )
        modules.append(
            TimetableModule(
                number=number,
                resource=rid,
                title=res.title,
                provider=res.provider,
                url=res.url,
                kind=res.kind,
                track=track[rid],
                hours=res.hours,
                cost_usd=res.cost_usd,
                start_week=first,
                end_week=last,
                start_date=_week_dates(start, first)[0] if first else None,
                end_date=_week_dates(start, last)[1],
                learners=tuple(plans[i][0].name for i in takers[rid]),
                outcomes=outcomes_of(catalog, rid),
                own=rid in own_set,
                position=res.position,
                assessment=res.kind in ("project", "certification") or grants,
                feeds=tuple(sorted(feeds.get(rid, ()), key=lambda r: rank[r])),
            )
        )
    unused = _unused(catalog, role.name, own, set(takers), plans, trials, prefer_bound)
    return Timetable(
        target=role.id,
        target_name=role.name,
        weeks=n,
        start=start,
        modules=modules,
        learners=loads,
        unused_own=unused,
        prefer_bound=prefer_bound,
        core_share=core_share,
        weeks_given=weeks is not None,
    )


def plan_learners(
    planner: CohortPlanner,
    learners: Iterable[Learner],
    hours_per_week: float | None = None,
    start: dt.date | None = None,
    on_learner: Callable[[Learner], None] | None = None,
) -> tuple[list[tuple[Learner, Plan]], list[RowProblem], list[dict[str, _Trial]]]:
    """Plan every learner at their own hours per week (else `hours_per_week`, else 8)."""
    default = DEFAULT_HOURS_PER_WEEK if hours_per_week is None else hours_per_week
    checked(default, "hours_per_week")
    plans: list[tuple[Learner, Plan]] = []
    problems: list[RowProblem] = []
    trials: list[dict[str, _Trial]] = []
    for learner in learners:
        hpw = default if learner.profile.hours_per_week is None else learner.profile.hours_per_week
        when = learner.start or start
        try:
            plans.append((learner, planner.plan(learner, hpw, when)))
            trials.append(planner.trials_of(learner, hpw, when))
        except PathPlannerError as err:
            problems.append(RowProblem.of(learner, str(err)))
        if on_learner is not None:
            on_learner(learner)
    return plans, problems, trials
