"""The planner: profile + target -> gap -> optimal resources -> ordered, scheduled, explained Plan."""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Literal

from ._input import check_number
from .catalog import Catalog
from .errors import InfeasibleError, PlanningError, UnknownNameError
from .gap import Gap, compute_gap
from .models import CODE_LANGUAGES, Choice, Role
from .optimize import (
    NEUTRAL_LANGUAGES,
    Constraints,
    Objective,
    PlanningProblem,
    Selection,
    frontier,
    language_name,
    make_problem,
    preferred,
    rebuild,
    replay,
    routes,
    solve,
    swaps,
)
from .profile import Profile, build_profile
from .schedule import (
    Session,
    Window,
    dependencies,
    local_zone,
    order,
    parse_availability,
    parse_skip,
    schedule,
    sessions,
    weekly_hours,
    zone,
)
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
class Route:
    """Another way to the goal: the next best plan that leaves out a step of the ones before."""

    rank: int  # 2: the second best plan, ...
    resources: tuple[str, ...]
    hours: float
    cost_usd: float
    added: tuple[str, ...]  # titles of the steps the best plan does not have
    dropped: tuple[str, ...]  # titles of the best plan's steps this one does without
    summary: str  # what it trades, in words: "+12 h, -$60; without ..., with ..."


@dataclass(frozen=True)
class TradeoffPoint:
    """One point of the hours-against-dollars trade-off: no plan is both faster and cheaper."""

    hours: float
    cost_usd: float
    steps: int


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
    # what the learner should know about how the plan was made, in plain words: languages it
    # had to add, what a preference cost, the pace a deadline needs
    notes: list[str] = field(default_factory=list)
    routes: list[Route] = field(default_factory=list)  # asked for with `alternatives`
    # more roles the plan also reaches (two goals at once), and how many first steps all of
    # the roles share before the routes branch
    also: list[tuple[str, str]] = field(default_factory=list)
    branch_after: int | None = None
    # study sessions in the learner's week (asked for with `availability`), and their zone
    sessions: list[Session] = field(default_factory=list)
    timezone: str | None = None
    tradeoff: list[TradeoffPoint] = field(default_factory=list)  # asked for with `tradeoff`

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
        if self.sessions:
            return self.sessions[-1].end.date()
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
            **({"notes": list(self.notes)} if self.notes else {}),
            **(
                {
                    "timezone": self.timezone,
                    "sessions": [
                        {
                            "step": x.step,
                            "resource": x.resource,
                            "session": x.index,
                            "of": x.count,
                            "start": x.start.isoformat(),
                            "end": x.end.isoformat(),
                            "hours": round(x.hours, 4),
                        }
                        for x in self.sessions
                    ],
                }
                if self.sessions
                else {}
            ),
            **(
                {
                    "also": [{"role": rid, "name": name} for rid, name in self.also],
                    "branch_after": self.branch_after,
                }
                if self.also
                else {}
            ),
            **({"alternatives": [_route_dict(r) for r in self.routes]} if self.routes else {}),
            **(
                {
                    "tradeoff": [
                        {"hours": t.hours, "cost_usd": t.cost_usd, "steps": t.steps}
                        for t in self.tradeoff
                    ]
                }
                if self.tradeoff
                else {}
            ),
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
                "exclude": list(c.exclude_ids),
                "exclude_skills": list(c.exclude_skills),
                "prefer_providers": list(c.prefer_providers),
                "languages": None if c.code_languages is None else list(c.code_languages),
                "avoid_languages": list(c.avoid_languages),
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


def _route_dict(r: Route) -> dict[str, Any]:
    return {
        "rank": r.rank,
        "hours": r.hours,
        "cost_usd": r.cost_usd,
        "resources": list(r.resources),
        "added": list(r.added),
        "dropped": list(r.dropped),
        "summary": r.summary,
    }


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
    for name in c.prefer_providers:
        catalog.check_provider(name, setting="prefer_providers")
    for kind in c.exclude_kinds:
        catalog.check_kind(kind, setting="exclude_kinds")


def _check_languages(names: Iterable[str], setting: str) -> tuple[str, ...]:
    """Return programming language codes, lower-cased; raise UnknownNameError for a bad one."""
    from ._names import nearest

    known = [x for x in CODE_LANGUAGES if x != "none"]
    aliases = {"c++": "cpp", "c#": "csharp", "js": "javascript", "ts": "typescript"}
    out: list[str] = []
    for name in names:
        code = aliases.get(name.strip().lower(), name.strip().lower())
        if code not in known:
            raise UnknownNameError(
                "programming language", name, nearest(code, known), setting=setting, choices=known
            )
        if code not in out:
            out.append(code)
    return tuple(out)


def code_languages(
    catalog: Catalog, c: Constraints, skills: Mapping[str, int], *roles: Role
) -> tuple[str, ...] | None:
    """Return the languages a plan's resources may use (None: any).

    They are the learner's languages (`c.languages`, else the language skills they have), the
    languages the role asks for (of a choice of languages the learner meets none of, every
    option), those of resources the plan must include, and the neutral ones (no code, shell),
    less the avoided ones. `any_language` drops the rule but keeps the avoided ones out.
    """
    avoid = set(c.avoid_languages)
    if c.any_language:
        return None if not avoid else tuple(x for x in CODE_LANGUAGES if x not in avoid)

    def is_language(s: str) -> bool:
        skill = catalog.skills.get(s)
        return s in CODE_LANGUAGES and skill is not None and skill.kind == "language"

    allowed = set(NEUTRAL_LANGUAGES) | set(c.languages)
    if not c.languages:
        allowed |= {s for s, lv in skills.items() if lv > 0 and is_language(s)}
    for role in roles:
        allowed |= {s for s in role.goal(c.include_optional) if is_language(s)}
        for choice in role.goal_choices(c.include_optional):
            if not choice.met(skills):
                allowed |= {s for s in choice.options if is_language(s)}
    for rid in c.include:
        allowed |= set(catalog.resources[rid].languages or ())
    return tuple(sorted(allowed - avoid))


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
    exclude = tuple(
        dict.fromkeys(catalog.resolve("resource", n, "exclude_ids") for n in c.exclude_ids)
    )
    vetoed = tuple(
        dict.fromkeys(catalog.resolve("skill", n, "exclude_skills") for n in c.exclude_skills)
    )
    languages = _check_languages(c.languages, "languages")
    avoid = _check_languages(c.avoid_languages, "avoid_languages")
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
    return replace(
        c,
        include=include,
        with_certs=certs,
        budget_usd=budget,
        exclude_ids=exclude,
        exclude_skills=vetoed,
        languages=languages,
        avoid_languages=avoid,
    )


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
    exclude_ids: Iterable[str] = (),
    exclude_skills: Iterable[str] = (),
    prefer_providers: Iterable[str] = (),
    languages: Iterable[str] = (),
    avoid_languages: Iterable[str] = (),
    any_language: bool = False,
    constraints: Constraints | None = None,
    hours_per_week: float | None = None,
    start: dt.date | None = None,
    explain: bool = True,
    weeks: int | None = None,
    by: dt.date | None = None,
    alternatives: int = 0,
    tradeoff: bool = False,
    also: Iterable[str] = (),
    availability: str | None = None,
    skip: Sequence[str] = (),
    tz: str | None = None,
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
    role's optional requirements. `exclude_ids` names resources and `exclude_skills` skills the
    plan must not use (a resource teaching one is left out); `prefer_providers` is a soft
    preference (`optimize.PREFER_WEIGHT`). Languages: resources whose exercises use a
    programming language outside the learner's (`languages`, default the language skills
    they have) and the role's are left out, and `avoid_languages` always; `any_language`
    lifts the rule (see `code_languages`). `solver` is 'milp' (exact, HiGHS, stopped after
    `time_limit` seconds with the best plan found) or 'greedy' (a quick heuristic).
    `constraints` (a Constraints) replaces all of these at once. `hours_per_week` (default:
    the profile's, else 8) and `start` schedule the steps; `explain` lists, per step, the
    cheaper-looking alternatives it beat (one re-solve each).

    A deadline, `weeks` from the start or `by` a date (the start defaults to today): with a
    pace (`hours_per_week` or the profile's) the plan must fit it, and when none can, the
    InfeasibleError says what pace would; without a pace, the plan is scheduled at the pace it
    needs, which a note reports.

    `alternatives` (N) adds the N next-best routes, each proven best among the plans that
    leave out a step of every plan before it, with what it trades; `tradeoff` adds the
    hours-against-dollars trade-off (every plan no other beats on both). Both are solved on
    the plan's own model.

    `also` names more roles to reach with the same plan (two goals at once): the cheapest
    plan that meets every one, ordered so that the steps all of them need come first and
    the routes branch after (`Plan.branch_after`).

    `availability` ("tue 19:00-21:00, sat 09:00-13:00") fills those weekly times with the
    steps in order, from `start` (default today) in the time zone `tz` (default this
    machine's), leaving out the `skip` dates ("2027-12-20..2028-01-03"): `Plan.sessions`,
    one per sitting, which the calendar shows as timed events. Without a pace, the weekly
    hours are those the times hold.

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
            exclude_ids=tuple(exclude_ids),
            exclude_skills=tuple(exclude_skills),
            prefer_providers=tuple(prefer_providers),
            languages=tuple(languages),
            avoid_languages=tuple(avoid_languages),
            any_language=any_language,
        )
    from .progress import new_state

    if profile is None:
        profile = build_profile(catalog, from_role=from_role, have=have)
    role = catalog.resolve_role(target)
    others = [catalog.resolve_role(name) for name in also]
    others = [r for i, r in enumerate(others) if r.id != role.id and r not in others[:i]]
    if not constraints.languages and profile.languages:  # the profile's, unless given
        constraints = replace(constraints, languages=tuple(profile.languages))
    c = resolve_constraints(catalog, constraints, profile)
    hpw = next(
        (h for h in (hours_per_week, profile.hours_per_week) if h is not None),
        DEFAULT_HOURS_PER_WEEK,
    )
    checked(hpw, "hours_per_week")  # hpw itself stays as given: 8 is written as 8, not 8.0
    paced = hours_per_week is not None or profile.hours_per_week is not None
    windows = parse_availability(availability) if availability is not None else ()
    skipped = parse_skip(skip)
    if skipped and not windows:
        raise PlanningError("skipped dates need study times (availability)", setting="skip")
    tz_name = tz or local_zone()
    if windows:
        zone(tz_name)
        start = start or dt.date.today()
        if not paced:
            hpw, paced = weekly_hours(windows), True
    if by is not None and start is None:
        start = dt.date.today()
    deadline = _deadline_weeks(weeks, by, start)
    goal = role.goal(c.include_optional)
    choices = list(role.goal_choices(c.include_optional))
    for other in others:
        learn(goal, other.goal(c.include_optional))
        choices += [x for x in other.goal_choices(c.include_optional) if x not in choices]
    for cert in c.with_certs:
        goal[cert] = max(goal.get(cert, 0), 1)
    partial = {
        catalog.resolve("resource", r): h
        for r, h in sorted(profile.done_hours.items())
        if r not in profile.done and h > 0
    }
    # A step begun stays in the plan: it is included for the solver, not as the user's choice.
    solve_c = replace(c, include=tuple(dict.fromkeys((*c.include, *sorted(partial)))))
    allowed = code_languages(catalog, solve_c, profile.skills, role, *others)
    c, solve_c = replace(c, code_languages=allowed), replace(solve_c, code_languages=allowed)
    if deadline is not None and paced:
        studied = sum(min(h, catalog.resources[r].hours) for r, h in partial.items())
        fits = deadline * hpw + studied
        if c.max_hours is None or fits < c.max_hours:
            solve_c = replace(solve_c, max_hours=fits)
    start_state = dict(profile.skills)
    problem, extra = _problem_in_languages(
        catalog, start_state, goal, solve_c, profile.done, choices
    )
    if extra:
        allowed = tuple(sorted({*(allowed or ()), *extra}))
        c = replace(c, code_languages=allowed)
    if not 0 <= alternatives <= 20 or isinstance(alternatives, bool):
        raise PlanningError("must be a whole number from 0 to 20", setting="alternatives")
    found: list[Selection] = []
    try:
        if alternatives and c.solver == "milp" and problem.candidates:
            found, cut = routes(problem, alternatives)
            selection = replace(found[0], note=cut) if cut else found[0]
        else:
            selection = solve(problem)
    except InfeasibleError as err:
        if deadline is None or not paced or problem.constraints.max_hours == c.max_hours:
            raise
        raise InfeasibleError(_pace_needed(problem, c.max_hours, deadline, hpw, by)) from err
    notes = []
    if deadline is not None and not paced:
        left = sum(catalog.resources[r].hours for r in selection.resources) - sum(
            min(h, catalog.resources[r].hours) for r, h in partial.items()
        )
        hpw = max(0.5, math.ceil(2 * left / deadline - 1e-9) / 2)  # rounded up to half hours
        when = f"by {by.isoformat()}" if by is not None else f"in {deadline} weeks"
        notes.append(f"To finish {when}, this plan needs {hpw:g} h/week.")
    p = _assemble(
        catalog, problem, selection, role.id, profile, hpw, start, explain, partial, others
    )
    if extra:
        names = " and ".join(language_name(x) for x in extra)
        mine = [language_name(x) for x in allowed or () if x not in (*NEUTRAL_LANGUAGES, *extra)]
        notes.append(
            f"No plan stays within your languages and the role's ({', '.join(mine) or 'none'}), "
            f"so this one also uses {names}."
        )
    if c.prefer_providers and selection.solver == "highs":
        notes.append(_preference_note(catalog, problem, selection))
    if windows:
        p = _in_sessions(p, windows, start or dt.date.today(), tz_name, skipped)
    points: list[TradeoffPoint] = []
    if tradeoff and c.solver == "milp" and problem.candidates:
        sweep, cut = frontier(problem)
        res = catalog.resources
        points = [
            TradeoffPoint(
                round(sum(res[r].hours for r in pt.resources), 2),
                round(sum(res[r].cost_usd for r in pt.resources), 2),
                len(pt.resources),
            )
            for pt in sweep
        ]
        if cut:
            notes.append(f"The trade-off is incomplete: {cut}.")
    return replace(
        p,
        constraints=c,
        notes=notes,
        routes=_routes(catalog, found),
        tradeoff=points,
        state=new_state(
            role.id, profile, c, hpw, start, tuple(r.id for r in others),
            availability=availability if windows else None, skip=tuple(skip),
            tz=tz_name if windows else None,
        ),
    )  # fmt: skip


def _in_sessions(
    p: Plan,
    windows: Sequence[Window],
    first_day: dt.date,
    tz_name: str,
    skipped: Sequence[tuple[dt.date, dt.date]],
) -> Plan:
    """Return the plan with its study sessions, each step dated by its first and last one."""
    found = sessions(
        [(s.number, s.resource, s.title, s.hours) for s in p.steps],
        windows,
        first_day,
        tz_name,
        skipped,
    )
    first: dict[int, dt.date] = {}
    last: dict[int, dt.date] = {}
    for x in found:
        first.setdefault(x.step, x.start.date())
        last[x.step] = x.end.date()
    steps = [
        replace(
            s, start_date=first.get(s.number, first_day), end_date=last.get(s.number, first_day)
        )
        for s in p.steps
    ]
    return replace(p, steps=steps, sessions=found, timezone=tz_name, start_date=first_day)


def _routes(catalog: Catalog, found: Sequence[Selection]) -> list[Route]:
    """Return the routes after the best one, each with what it trades against the best."""
    if not found:
        return []
    res = catalog.resources
    best = set(found[0].resources)

    def totals(ids: Iterable[str]) -> tuple[float, float]:
        ids = list(ids)
        return sum(res[r].hours for r in ids), sum(res[r].cost_usd for r in ids)

    hours0, cost0 = totals(best)
    out: list[Route] = []
    for rank, sel in enumerate(found[1:], start=2):
        hours, cost = totals(sel.resources)
        added = tuple(sorted(res[r].title for r in sel.resources if r not in best))
        dropped = tuple(sorted(res[r].title for r in best if r not in sel.resources))
        dh, dc = hours - hours0, cost - cost0
        parts = [
            "same hours" if abs(dh) < 1e-6 else f"{dh:+,.1f} h",
            "same cost" if abs(dc) < 1e-6 else ("+" if dc > 0 else "-") + f"${abs(dc):,.2f}",
        ]
        text = ", ".join(parts)
        if dropped:
            text += "; without " + ", ".join(f"'{t}'" for t in dropped)
        if added:
            text += "; with " + ", ".join(f"'{t}'" for t in added)
        out.append(
            Route(rank, sel.resources, round(hours, 2), round(cost, 2), added, dropped, text)
        )
    return out


def _preference_note(catalog: Catalog, problem: PlanningProblem, selection: Selection) -> str:
    """Return, in words, how many steps a preference gave its providers and what it cost."""
    c = problem.constraints
    mine = sum(1 for r in selection.resources if preferred(catalog, r, c))
    names = " or ".join(sorted(c.prefer_providers))
    text = f"You prefer {names}: {mine} of {len(selection.resources)} steps come from them"
    plain = solve(rebuild(problem, replace(c, prefer_providers=())), quick=True)
    extra = selection.objective_value - plain.objective_value
    if extra > 1e-6:
        unit = {"hours": "h", "cost": "USD", "balanced": "h-equivalent"}[c.objective]
        amount = f"${extra:,.2f}" if c.objective == "cost" else f"{extra:,.1f} {unit}"
        return text + f"; without the preference the plan would take {amount} less."
    return text + "; the preference cost nothing."


def _deadline_weeks(weeks: int | None, by: dt.date | None, start: dt.date | None) -> int | None:
    """Return the whole weeks a deadline leaves from the start (None: no deadline)."""
    if weeks is not None and by is not None:
        raise PlanningError("give a number of weeks or a date, not both", setting="weeks")
    if weeks is not None:
        if isinstance(weeks, bool) or not isinstance(weeks, int) or not 1 <= weeks <= 5200:
            raise PlanningError("must be a whole number of weeks from 1 to 5200", setting="weeks")
        return weeks
    if by is None or start is None:
        return None
    count = ((by - start).days + 1) // 7
    if count < 1:
        raise PlanningError(
            f"{by.isoformat()} leaves less than a week after the start ({start.isoformat()})",
            setting="by",
        )
    return count


def _pace_needed(
    problem: PlanningProblem, limit: float | None, weeks: int, hpw: float, by: dt.date | None
) -> str:
    """Return why no plan meets a deadline at a pace, and the pace the shortest plan needs."""
    c = problem.constraints
    when = f"by {by.isoformat()}" if by is not None else f"in {weeks} weeks"
    try:
        shortest = solve(
            rebuild(problem, replace(c, max_hours=limit, objective="hours")), quick=True
        )
    except InfeasibleError as err:
        return err.message
    hours = shortest.objective_value
    return (
        f"no plan finishes {when} at {hpw:g} h/week: the shortest plan is {hours:,.1f} h, "
        f"which needs {math.ceil(10 * hours / weeks - 1e-9) / 10:g} h/week"
    )


def _problem_in_languages(
    catalog: Catalog,
    start: Mapping[str, int],
    goal: Mapping[str, int],
    c: Constraints,
    done: Sequence[str],
    choices: Sequence[Choice],
) -> tuple[PlanningProblem, tuple[str, ...]]:
    """Return the problem in the allowed languages, or with the fewest languages added.

    When nothing in the learner's and the role's languages reaches the goal, the languages the
    left-out resources use are tried one at a time, then two at a time; of those that reach
    the goal, the one whose plan is best under the objective wins (then by name). Returns the
    problem and the languages added.
    """
    try:
        return make_problem(catalog, start, goal, c, done=done, goal_choices=choices), ()
    except InfeasibleError as first:
        if c.code_languages is None:
            raise
        failure = first
    allowed = set(c.code_languages)
    outside: list[str] = sorted(
        {
            lang
            for res in catalog.resources.values()
            for lang in res.languages or ()
            if lang not in allowed and lang not in c.avoid_languages
        }
    )
    for size in (1, 2):
        found: list[tuple[float, tuple[str, ...], PlanningProblem]] = []
        for combo in itertools.combinations(outside, size):
            wider = replace(c, code_languages=tuple(sorted(allowed | set(combo))))
            try:
                problem = make_problem(catalog, start, goal, wider, done=done, goal_choices=choices)
                value = solve(problem, quick=True).objective_value
            except (InfeasibleError, PlanningError):
                continue
            found.append((value, combo, problem))
        if found:
            _, added, problem = min(found, key=lambda f: (f[0], f[1]))
            return problem, added
    try:  # would any language do? If not, languages are not what stands in the way
        every = replace(c, code_languages=None)
        make_problem(catalog, start, goal, every, done=done, goal_choices=choices)
    except InfeasibleError:
        raise failure from None
    mine = ", ".join(language_name(x) for x in sorted(allowed - set(NEUTRAL_LANGUAGES)))
    avoided = ", ".join(language_name(x) for x in c.avoid_languages)
    raise InfeasibleError(
        f"{failure.message} (your languages: {mine or 'none'}"
        + (f"; avoided: {avoided}" if avoided else "")
        + "; name more languages, or allow any language)"
    ) from None


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
    others: Sequence[Role] = (),
) -> Plan:
    start_state = problem.start
    roles = [catalog.roles[role_id], *others]
    groups = _groups(catalog, problem, selection.resources, roles) if others else {}
    studied = {r: min(h, catalog.resources[r].hours) for r, h in partial.items()}
    left = {r: round(catalog.resources[r].hours - h, 2) for r, h in studied.items()}
    ordered = order(catalog, start_state, selection.resources, groups, hpw, left)
    end_state, errors = replay(catalog, start_state, ordered)
    if errors or not problem.met(end_state):  # a bug, never a user error
        raise RuntimeError(f"internal error: the plan does not replay: {errors}")
    timing = schedule(catalog, ordered, hpw, start, hours=left)
    deps = dependencies(catalog, start_state, ordered)
    position = {rid: i for i, rid in enumerate(ordered, start=1)}
    needed_by: dict[str, list[int]] = {rid: [] for rid in ordered}
    for rid, sources in deps.items():
        for b in sources:
            needed_by[b].append(position[rid])

    state = dict(start_state)
    befores: list[dict[str, int]] = []
    all_closes: list[list[tuple[str, int]]] = []
    for rid in ordered:
        before = dict(state)
        learn(state, catalog.resources[rid].teaches)
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
        befores.append(before)
        all_closes.append(closes)
    picks = {
        rid: _picks(catalog, problem, rid, deps, ordered, closes) if explain else []
        for rid, closes in zip(ordered, all_closes, strict=True)
    }
    # every comparison an explanation needs, solved on one model
    forced = swaps(
        problem,
        [(alt, rid) for rid in ordered for alt, _ in picks[rid] if alt not in problem.excluded],
        selection.objective_value,
    )
    steps: list[Step] = []
    for i, (rid, when) in enumerate(zip(ordered, timing, strict=True), start=1):
        res = catalog.resources[rid]
        before, closes = befores[i - 1], all_closes[i - 1]
        alternatives = [
            _reason(catalog, problem, selection, rid, alt, need, before, forced)
            for alt, need in picks[rid]
        ]
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
        also=[(r.id, r.name) for r in others],
        branch_after=next(
            (i for i, rid in enumerate(ordered) if groups.get(rid, 0) != 0), len(ordered)
        )
        if others
        else None,
    )


def _groups(
    catalog: Catalog, problem: PlanningProblem, chosen: Sequence[str], roles: Sequence[Role]
) -> dict[str, int]:
    """Return, per chosen resource, 0 when every role needs it, else 1 + the first role's
    index that does: a resource serves a role when it teaches one of the role's requirements
    (or an option of its choices) or another resource that serves it needs it."""
    include_optional = problem.constraints.include_optional
    deps = dependencies(catalog, problem.start, chosen)
    served: list[set[str]] = []
    for role in roles:
        goal = role.goal(include_optional)
        options = [o for c in role.goal_choices(include_optional) for o in c.options.items()]
        wanted = [*goal.items(), *options]
        mine = {
            r
            for r in chosen
            if any(
                catalog.resources[r].teaches.get(s, 0) > problem.start.get(s, 0)
                and lv > problem.start.get(s, 0)
                for s, lv in wanted
            )
        }
        todo = list(mine)
        while todo:
            for d in deps[todo.pop()]:
                if d not in mine:
                    mine.add(d)
                    todo.append(d)
        served.append(mine)
    out: dict[str, int] = {}
    for r in chosen:
        if all(r in m for m in served):
            out[r] = 0
        else:
            out[r] = 1 + next((i for i, m in enumerate(served) if r in m), len(served))
    return out


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


_WORDS = {"ml": "ML", "ai": "AI", "bi": "BI", "mlops": "MLOps", "llm": "LLM"}


def family_name(family: str) -> str:
    """Return an experience family in words: 'ml-engineering' -> 'ML engineering'."""
    return " ".join(_WORDS.get(w, w) for w in family.split("-"))


def experience_note(role: Role, experience: Mapping[str, float]) -> str:
    """Return what experience a role asks for beyond a learner's, in words ("" when none)."""
    parts = []
    for need in role.experience:
        have = experience.get(need.family, 0.0)
        if have + 1e-9 < need.years:
            about = "about " if need.estimate else ""
            parts.append(
                f"{about}{need.years:g} years of {family_name(need.family)} experience "
                f"(you have {have:g})"
            )
    return "the role also asks for " + " and ".join(parts) if parts else ""


def _more(amount: float, objective: str) -> str:
    """Return an extra amount of an objective in words: '12.5 more hours', '$40.00 more'."""
    if objective == "cost":
        return f"${amount:,.2f} more"
    if objective == "hours":
        return f"{amount:,.1f} more hours"
    return f"{amount:,.1f} more hours-equivalent (hours plus cost at the hourly rate)"


def _level_name(catalog: Catalog, skill: str, level: int) -> str:
    """Return a skill level in words: 'Object-oriented programming 2'."""
    known = catalog.skills.get(skill)
    return f"{known.name if known else skill} {level}"


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


def _picks(
    catalog: Catalog,
    problem: PlanningProblem,
    rid: str,
    deps: Mapping[str, Sequence[str]],
    ordered: Sequence[str],
    closes: Sequence[tuple[str, int]],
    limit: int = 2,
) -> list[tuple[str, tuple[str, int]]]:
    """Return the cheaper-looking resources that teach what a step is there for (at most
    `limit`), each with the (skill, level) it would have served."""
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
    return [(alt, seen[alt]) for alt in sorted(seen, key=lambda a: (problem.weight(a), a))[:limit]]


def _reason(
    catalog: Catalog,
    problem: PlanningProblem,
    selection: Selection,
    rid: str,
    alt: str,
    need: tuple[str, int],
    before: Mapping[str, int],
    forced: Mapping[tuple[str, str], Selection | None],
) -> Alternative:
    """Explain, in words, why a cheaper-looking resource was not taken instead of a step."""
    res = catalog.resources[alt]
    head = f"also teaches {_level_name(catalog, *need)}"
    if alt in problem.excluded:
        return Alternative(alt, res.title, f"{head} but is ruled out: {problem.excluded[alt]}")
    missing = unmet(catalog.effective(alt), before)
    needs = ", ".join(_level_name(catalog, k, v) for k, v in missing.items())
    other = forced.get((alt, rid))
    if other is None:
        reason = f"{head} but cannot replace it under these constraints"
        if needs:
            reason += f" (needs {needs})"
        return Alternative(alt, res.title, reason)
    text = head + (f" but needs {needs}" if needs else "")
    joiner = ": a plan with it takes " if needs else ", but a plan with it takes "
    delta: float | None = other.objective_value - selection.objective_value
    objective = problem.constraints.objective
    if other.status != "optimal" or other.note:
        text += ", but the time limit stopped the comparison"
        delta = None
    elif delta is not None and delta > 1e-6:
        text += f"{joiner}{_more(delta, objective)} in all"
    elif (second := _second(catalog, problem, other.resources, selection.resources)) > 1e-6:
        extra = _more(second, "cost" if objective == "hours" else "hours")
        same = {"hours": "hours", "cost": "cost", "balanced": "hours plus cost"}[objective]
        text += f"{joiner}the same {same} but {extra} in all"
    else:
        text += (
            ", but is no better in all (an equally good plan: ties go to the resource "
            "first in alphabetical order of ids)"
        )
    return Alternative(alt, res.title, text, delta)
