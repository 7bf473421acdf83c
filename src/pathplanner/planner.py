"""The planner: profile + target -> gap -> optimal resources -> ordered, scheduled, explained Plan."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Literal

from ._input import check_number
from .catalog import Catalog
from .errors import InfeasibleError, PlanningError
from .gap import Gap, compute_gap
from .models import Role
from .optimize import (
    Constraints,
    Objective,
    PlanningProblem,
    Selection,
    make_problem,
    rebuild,
    replay,
    solve,
)
from .profile import Profile, build_profile
from .schedule import dependencies, order, schedule
from .semantics import learn, unmet

if TYPE_CHECKING:
    from .progress import PlanState

__all__ = [
    "DEFAULT_HOURS_PER_WEEK",
    "Alternative",
    "Milestone",
    "Plan",
    "Step",
    "plan",
    "resolve_constraints",
]

PLAN_FORMAT = "pathplanner-plan/1"
DEFAULT_HOURS_PER_WEEK = 8.0
_UNITS = {"hours": "h", "cost": "USD", "balanced": "h-equivalent"}


@dataclass(frozen=True)
class Alternative:
    """A cheaper-looking resource the plan did not take, and why."""

    resource: str
    title: str
    reason: str
    delta: float | None = None


@dataclass(frozen=True)
class Step:
    """One resource in the plan, where it falls in time and why it is there."""

    number: int
    resource: str
    title: str
    kind: str
    provider: str
    url: str | None
    hours: float
    cost_usd: float
    start_week: int
    end_week: int
    start_date: dt.date | None
    end_date: dt.date | None
    teaches: dict[str, int]
    closes: list[tuple[str, int]]
    needed_by: list[int]
    alternatives: list[Alternative] = field(default_factory=list)
    done_hours: float = 0.0  # hours already studied; `hours` is what is left


@dataclass(frozen=True)
class Milestone:
    """The first point in the plan where the learner meets a role's essential requirements."""

    after_step: int  # 0: already at the start
    role: str
    name: str
    # what experience the role also asks for that the learner lacks, in words ("" when none):
    # a study plan covers skills; it never claims a role whose experience is missing
    experience_note: str = ""


@dataclass(frozen=True)
class Plan:
    """A study plan: executable in order, meeting the goal, with proof status and schedule."""

    target: str
    target_name: str
    objective: str
    status: str
    solver: str
    optimality_gap: float
    profile: dict[str, int]
    from_role: str | None
    goal: dict[str, int]
    steps: list[Step]
    milestones: list[Milestone]
    hours_per_week: float
    start_date: dt.date | None
    constraints: Constraints
    skills_gap: Gap
    learner: str | None = None
    attributions: list[str] = field(default_factory=list)
    state: PlanState | None = None  # the whole starting state and what was finished
    limit_note: str = ""  # what a time limit cut, in words; empty when nothing was cut

    @property
    def total_hours(self) -> float:
        """Return the study hours of the whole plan."""
        return round(sum(s.hours for s in self.steps), 2)

    @property
    def total_cost_usd(self) -> float:
        """Return the cost of the whole plan in USD."""
        return round(sum(s.cost_usd for s in self.steps), 2)

    @property
    def weeks(self) -> int:
        """Return how many weeks the plan spans."""
        return max((s.end_week for s in self.steps), default=0)

    @property
    def end_date(self) -> dt.date | None:
        """Return the last day of the plan when a start date was given."""
        if self.start_date is None:
            return None
        return self.start_date + dt.timedelta(weeks=self.weeks, days=-1)

    def to_dict(self) -> dict[str, Any]:
        """Return the plan as a pathplanner-plan/1 document (JSON-ready data)."""
        c = self.constraints
        doc: dict[str, Any] = {
            "format": PLAN_FORMAT,
            "target": self.target,
            "objective": self.objective,
            "status": self.status,
            "profile": dict(self.profile),
            "total_hours": self.total_hours,
            "total_cost_usd": self.total_cost_usd,
            "steps": [],
            "target_name": self.target_name,
            "from_role": self.from_role,
            "goal": [{"skill": s, "level": lv} for s, lv in sorted(self.goal.items())],
            "solver": self.solver,
            "optimality_gap": round(self.optimality_gap, 6),
            **({"limit_note": self.limit_note} if self.limit_note else {}),
            "hours_per_week": self.hours_per_week,
            "weeks": self.weeks,
            "start_date": self.start_date.isoformat() if self.start_date else None,
            "end_date": self.end_date.isoformat() if self.end_date else None,
            "coverage_now": round(self.skills_gap.coverage, 4),
            "constraints": {
                "budget_usd": c.budget_usd,
                "max_hours": c.max_hours,
                "free_only": c.free_only,
                "exclude_providers": list(c.exclude_providers),
                "exclude_kinds": list(c.exclude_kinds),
                "include": list(c.include),
                "with_certs": list(c.with_certs),
                "include_optional": c.include_optional,
                "hourly_rate": c.hourly_rate if self.objective == "balanced" else None,
            },
            "milestones": [
                {
                    "after_step": m.after_step,
                    "role": m.role,
                    "name": m.name,
                    "qualifies": not m.experience_note,
                    "experience_note": m.experience_note,
                }
                for m in self.milestones
            ],
        }
        if self.learner:
            doc["learner"] = self.learner
        for s in self.steps:
            extra = {"done_hours": s.done_hours} if s.done_hours else {}
            doc["steps"].append(
                extra
                | {
                    "resource": s.resource,
                    "hours": s.hours,
                    "cost_usd": s.cost_usd,
                    "start_week": s.start_week,
                    "end_week": s.end_week,
                    "closes": [{"skill": k, "level": lv} for k, lv in s.closes],
                    "step": s.number,
                    "title": s.title,
                    "kind": s.kind,
                    "provider": s.provider,
                    "url": s.url,
                    "start_date": s.start_date.isoformat() if s.start_date else None,
                    "end_date": s.end_date.isoformat() if s.end_date else None,
                    "teaches": [{"skill": k, "level": lv} for k, lv in sorted(s.teaches.items())],
                    "needed_by": list(s.needed_by),
                    "alternatives": [
                        {"resource": a.resource, "title": a.title, "reason": a.reason}
                        | ({"delta": round(a.delta, 2)} if a.delta is not None else {})
                        for a in s.alternatives
                    ],
                }
            )
        if self.attributions:
            doc["attributions"] = list(self.attributions)
        if self.state is not None:
            doc["state"] = self.state.to_dict()
        return doc

    def to_json(self) -> dict[str, Any]:
        """Return the plan as a pathplanner-plan/1 document (the old name of `to_dict`)."""
        return self.to_dict()


def checked(value: Any, name: str) -> float:
    """Return a planning number within its limits; raise PlanningError naming it otherwise."""
    try:
        return check_number(value, name)
    except ValueError as err:
        raise PlanningError(str(err), setting=name) from None


def check_exclusions(catalog: Catalog, c: Constraints) -> None:
    """Raise UnknownNameError for an excluded provider or kind that matches nothing."""
    for name in c.exclude_providers:
        catalog.check_provider(name, setting="exclude_providers")
    for kind in c.exclude_kinds:
        catalog.check_kind(kind, setting="exclude_kinds")


def _resolve_certs(catalog: Catalog, names: Iterable[str]) -> tuple[str, ...]:
    out: list[str] = []
    for name in names:
        kind, eid = catalog.resolve_any(name)
        if kind == "resource":
            creds = [
                s
                for s in catalog.resources[eid].teaches
                if catalog.skills[s].category == "credential"
            ]
            if not creds:
                raise PlanningError(f"'{name}': '{eid}' grants no credential", setting="with_certs")
            eid = creds[0]
        elif kind != "skill" or catalog.skills[eid].category != "credential":
            raise PlanningError(f"'{name}': '{eid}' is not a certification", setting="with_certs")
        if eid not in out:
            out.append(eid)
    return tuple(out)


def resolve_constraints(
    catalog: Catalog, constraints: Constraints, profile: Profile | None = None
) -> Constraints:
    """Return constraints with resource and certification names resolved to ids.

    The budget is the one given, else the profile's.
    """
    c = constraints
    include = tuple(dict.fromkeys(catalog.resolve("resource", n) for n in c.include))
    certs = _resolve_certs(catalog, c.with_certs)
    check_exclusions(catalog, c)
    budget = c.budget_usd
    if budget is None and profile is not None:
        budget = profile.budget_usd
    for name, value in (
        ("budget_usd", budget),
        ("max_hours", c.max_hours),
        ("hourly_rate", c.hourly_rate),
        ("time_limit", c.time_limit),
    ):
        if value is not None:
            checked(value, name)
    return replace(c, include=include, with_certs=certs, budget_usd=budget)


def plan(
    catalog: Catalog,
    target: str,
    profile: Profile | None = None,
    *,
    from_role: str | None = None,
    have: Iterable[str] | Mapping[str, int] = (),
    objective: Objective = "hours",
    hourly_rate: float = 25.0,
    budget_usd: float | None = None,
    max_hours: float | None = None,
    free_only: bool = False,
    exclude_providers: Iterable[str] = (),
    exclude_kinds: Iterable[str] = (),
    include: Iterable[str] = (),
    with_certs: Iterable[str] = (),
    include_optional: bool = False,
    solver: Literal["milp", "greedy"] = "milp",
    time_limit: float = 10.0,
    constraints: Constraints | None = None,
    hours_per_week: float | None = None,
    start: dt.date | None = None,
    explain: bool = True,
) -> Plan:
    """Return the cheapest plan from a profile to a target role, proven optimal where possible.

    Where the learner starts: `profile`, or else one built from `from_role` (a role whose
    essential skills they have) and `have` (skill levels, 'python:2' or {'python': 2}).
    What the plan minimizes: `objective` is 'hours', 'cost' or 'balanced' (hours plus cost,
    an hour valued at `hourly_rate` USD). Limits: `budget_usd` (default: the profile's) and
    `max_hours` bound the totals; `free_only` keeps to free resources; `exclude_providers`
    and `exclude_kinds` leave resources out (a name matching nothing is an UnknownNameError
    with the nearest); `include` names resources the plan must contain, `with_certs`
    certifications it must earn (id, exam code or name); `include_optional` also meets the
    role's optional requirements. `solver` is 'milp' (exact, HiGHS, stopped after
    `time_limit` seconds with the best plan found) or 'greedy' (a quick heuristic).
    `constraints` (a Constraints) replaces all of these at once. `hours_per_week` (default:
    the profile's, else 8) and `start` schedule the steps; `explain` lists, per step, the
    cheaper-looking alternatives it beat (one re-solve each).

    Names (roles, skills, resources) resolve by id, name or alias. A profile's `done_hours`
    (hours studied of resources not finished) keep those resources in the plan with the
    hours left. Raise InfeasibleError, with the reason, when no plan meets the goal. The plan
    carries its state (see `pathplanner.progress`).
    """
    if constraints is None:
        constraints = Constraints(
            objective=objective,
            hourly_rate=hourly_rate,
            budget_usd=budget_usd,
            max_hours=max_hours,
            free_only=free_only,
            exclude_providers=tuple(exclude_providers),
            exclude_kinds=tuple(exclude_kinds),
            include=tuple(include),
            with_certs=tuple(with_certs),
            include_optional=include_optional,
            solver=solver,
            time_limit=time_limit,
        )
    from .progress import new_state

    if profile is None:
        profile = build_profile(catalog, from_role=from_role, have=have)
    role = catalog.resolve_role(target)
    c = resolve_constraints(catalog, constraints, profile)
    hpw = next(
        (h for h in (hours_per_week, profile.hours_per_week) if h is not None),
        DEFAULT_HOURS_PER_WEEK,
    )
    checked(hpw, "hours_per_week")  # hpw itself stays as given: 8 is written as 8, not 8.0
    goal = role.goal(c.include_optional)
    for cert in c.with_certs:
        goal[cert] = max(goal.get(cert, 0), 1)
    partial = {
        catalog.resolve("resource", r): h
        for r, h in sorted(profile.done_hours.items())
        if r not in profile.done and h > 0
    }
    # A step begun stays in the plan: it is included for the solver, not as the user's choice.
    solve_c = replace(c, include=tuple(dict.fromkeys((*c.include, *sorted(partial)))))
    start_state = dict(profile.skills)
    problem = make_problem(
        catalog,
        start_state,
        goal,
        solve_c,
        done=profile.done,
        goal_choices=role.goal_choices(c.include_optional),
    )
    selection = solve(problem)
    p = _assemble(catalog, problem, selection, role.id, profile, hpw, start, explain, partial)
    return replace(p, constraints=c, state=new_state(role.id, profile, c, hpw, start))


def _assemble(
    catalog: Catalog,
    problem: PlanningProblem,
    selection: Selection,
    role_id: str,
    profile: Profile,
    hpw: float,
    start: dt.date | None,
    explain: bool,
    partial: Mapping[str, float],
) -> Plan:
    start_state = problem.start
    ordered = order(catalog, start_state, selection.resources)
    end_state, errors = replay(catalog, start_state, ordered)
    if errors or not problem.met(end_state):  # a bug, never a user error
        raise RuntimeError(f"internal error: the plan does not replay: {errors}")
    studied = {r: min(h, catalog.resources[r].hours) for r, h in partial.items()}
    left = {r: round(catalog.resources[r].hours - h, 2) for r, h in studied.items()}
    timing = schedule(catalog, ordered, hpw, start, hours=left)
    deps = dependencies(catalog, start_state, ordered)
    position = {rid: i for i, rid in enumerate(ordered, start=1)}
    needed_by: dict[str, list[int]] = {rid: [] for rid in ordered}
    for rid, sources in deps.items():
        for b in sources:
            needed_by[b].append(position[rid])

    state = dict(start_state)
    steps: list[Step] = []
    for i, (rid, when) in enumerate(zip(ordered, timing, strict=True), start=1):
        res = catalog.resources[rid]
        before = dict(state)
        learn(state, res.teaches)
        closes = sorted(
            (s, lv) for s, lv in problem.goal.items() if before.get(s, 0) < lv <= state.get(s, 0)
        )
        for choice in problem.goal_choices:  # the option that first meets a choice closes it
            if not choice.met(before) and choice.met(state):
                closes.extend(
                    (s, lv)
                    for s, lv in sorted(choice.options.items())
                    if before.get(s, 0) < lv <= state.get(s, 0) and (s, lv) not in closes
                )
        alternatives = (
            _alternatives(catalog, problem, selection, rid, before, deps, ordered, closes)
            if explain
            else []
        )
        steps.append(
            Step(
                number=i,
                resource=rid,
                title=res.title,
                kind=res.kind,
                provider=res.provider,
                url=res.url,
                hours=left.get(rid, res.hours),
                cost_usd=res.cost_usd,
                start_week=when.start_week,
                end_week=when.end_week,
                start_date=when.start_date,
                end_date=when.end_date,
                teaches=dict(sorted(res.teaches.items())),
                closes=closes,
                needed_by=sorted(needed_by[rid]),
                alternatives=alternatives,
                done_hours=studied.get(rid, 0.0),
            )
        )
    milestones = _milestones(catalog, start_state, ordered, profile.experience)
    role = catalog.roles[role_id]
    return Plan(
        target=role.id,
        target_name=role.name,
        objective=problem.constraints.objective,
        status=selection.status,
        solver=selection.solver,
        optimality_gap=selection.optimality_gap,
        limit_note=selection.note,
        profile=dict(profile.skills),
        from_role=profile.from_role,
        goal=dict(sorted(problem.goal.items())),
        steps=steps,
        milestones=milestones,
        hours_per_week=hpw,
        start_date=start,
        constraints=problem.constraints,
        skills_gap=compute_gap(catalog, profile, role.id, problem.constraints.include_optional),
        learner=profile.name,
        attributions=list(catalog.attributions),
    )


def _milestones(
    catalog: Catalog,
    start: Mapping[str, int],
    ordered: Sequence[str],
    experience: Mapping[str, float],
) -> list[Milestone]:
    """Return, for every role, the first step after which its essential requirements hold.

    Linear in the roles' requirements: for each (skill, level) the step that first reaches
    it is looked up, and a role is met at the latest of its requirements' steps (a choice at
    the earliest of its options'). A role whose experience is missing gets a note saying so.
    """
    reached_at: dict[str, list[int]] = {}  # skill -> step first reaching level 1, 2, 3
    state = dict(start)
    for i, rid in enumerate(ordered, start=1):
        for s, lv in catalog.resources[rid].teaches.items():
            have = state.get(s, 0)
            if lv > have:
                steps = reached_at.setdefault(s, [])
                steps.extend([i] * (lv - max(have, len(steps))))
                state[s] = lv

    def step_of(s: str, lv: int) -> int:
        """Return the step after which s reaches lv (0: at the start; -1: never)."""
        got = start.get(s, 0)
        if got >= lv:
            return 0
        steps = reached_at.get(s, [])
        index = lv - got - 1  # steps[k] reaches level got + k + 1
        return steps[index] if index < len(steps) else -1

    out: list[Milestone] = []
    for rid, role in catalog.roles.items():
        when = 0
        for s, lv in role.requires.essential.items():
            when = max(when, step_of(s, lv)) if when >= 0 and step_of(s, lv) >= 0 else -1
        for choice in role.goal_choices():
            reach = [w for w in (step_of(s, lv) for s, lv in choice.options.items()) if w >= 0]
            when = max(when, min(reach)) if when >= 0 and reach else -1
        if when >= 0:
            out.append(Milestone(when, rid, role.name, experience_note(role, experience)))
    return sorted(out, key=lambda m: (m.after_step, m.role))


def _second(
    catalog: Catalog, problem: PlanningProblem, theirs: Sequence[str], ours: Sequence[str]
) -> float:
    """Return how much more of the second objective (cost after hours, else hours) theirs takes."""
    field = "cost_usd" if problem.constraints.objective == "hours" else "hours"

    def total(ids: Sequence[str]) -> float:
        return sum(float(getattr(catalog.resources[r], field)) for r in ids)

    return total(theirs) - total(ours)


def experience_note(role: Role, experience: Mapping[str, float]) -> str:
    """Return what experience a role asks for beyond a learner's, in words ("" when none)."""
    parts = []
    for need in role.experience:
        have = experience.get(need.family, 0.0)
        if have + 1e-9 < need.years:
            about = "about " if need.estimate else ""
            parts.append(
                f"{about}{need.years:g} years of {need.family} experience (you have {have:g})"
            )
    return "the role also asks for " + " and ".join(parts) if parts else ""


def _served(
    catalog: Catalog,
    problem: PlanningProblem,
    rid: str,
    deps: Mapping[str, Sequence[str]],
    closes: Sequence[tuple[str, int]],
) -> dict[str, int]:
    """Return the (skill, level) needs this step is in the plan for."""
    served = dict(closes)
    teaches = catalog.resources[rid].teaches
    for other, before in deps.items():
        if rid not in before:
            continue
        for s, lv in catalog.effective(other).items():
            if teaches.get(s, 0) >= lv > problem.start.get(s, 0):
                served[s] = max(served.get(s, 0), lv)
    return served


def _alternatives(
    catalog: Catalog,
    problem: PlanningProblem,
    selection: Selection,
    rid: str,
    before: Mapping[str, int],
    deps: Mapping[str, Sequence[str]],
    ordered: Sequence[str],
    closes: Sequence[tuple[str, int]],
    limit: int = 2,
) -> list[Alternative]:
    """Explain why cheaper-looking resources that teach the same thing were not chosen."""
    if rid in problem.constraints.include:
        return []
    served = _served(catalog, problem, rid, deps, closes)
    mine = problem.weight(rid)
    chosen = set(ordered)
    seen: dict[str, tuple[str, int]] = {}
    for s, lv in sorted(served.items()):
        for alt in catalog.providers(s, lv):
            if alt not in chosen and alt not in seen and problem.weight(alt) < mine:
                seen[alt] = (s, lv)
    picks = sorted(seen, key=lambda a: (problem.weight(a), a))[:limit]
    unit = _UNITS[problem.constraints.objective]
    out: list[Alternative] = []
    for alt in picks:
        s, lv = seen[alt]
        res = catalog.resources[alt]
        head = f"also teaches {s}:{lv}"
        if alt in problem.excluded:
            out.append(
                Alternative(alt, res.title, f"{head} but is ruled out: {problem.excluded[alt]}")
            )
            continue
        missing = unmet(catalog.effective(alt), before)
        needs = ", ".join(f"{k}:{v}" for k, v in missing.items())
        delta: float | None = None
        try:
            forced = replace(
                problem.constraints,
                include=(*problem.constraints.include, alt),
                exclude_ids=(rid,),
                time_limit=min(problem.constraints.time_limit, 2.0),
            )
            other = solve(rebuild(problem, forced), quick=True)
            delta = other.objective_value - selection.objective_value
        except (InfeasibleError, PlanningError):
            reason = f"{head} but cannot replace it under these constraints"
            if needs:
                reason += f" (needs {needs})"
            out.append(Alternative(alt, res.title, reason))
            continue
        parts = [head]
        if needs:
            parts.append(f"but needs {needs}")
        text = " ".join(parts)
        joiner = ", " if needs else ", but choosing it costs "
        if other.status != "optimal" or other.note:
            text += ", but the time limit stopped the comparison"
            delta = None
        elif delta > 1e-6:
            text += f"{joiner}+{delta:,.1f} {unit} overall"
        elif (second := _second(catalog, problem, other.resources, selection.resources)) > 1e-6:
            objective = problem.constraints.objective
            extra = f"+${second:,.2f}" if objective == "hours" else f"+{second:,.1f} h"
            same = {"hours": "hours", "cost": "cost", "balanced": "hours plus cost"}[objective]
            text += f"{joiner}the same {same} overall but {extra}"
        else:
            text += ", but is no cheaper overall (an equally good plan; ties go to the first by id)"
        out.append(Alternative(alt, res.title, text, delta))
    return out
