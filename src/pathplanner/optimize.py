"""Choose the resources: an exact MILP (HiGHS) over the planning semantics, and a greedy heuristic.

The catalogue is acyclic at the (skill, level) -> resource -> (skill, level) level, so a set of
resources is executable in some order exactly when every effective requirement of each chosen
resource is met by the start state or by another chosen resource. That covering condition is
what the MILP encodes; `schedule` then finds the order.
"""

from __future__ import annotations

import heapq
import math
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

from ._highs import highs
from ._names import provider_matches
from .catalog import Catalog
from .errors import InfeasibleError, PlanningError
from .models import Choice
from .semantics import Frontier, closure, lacking, learn, unmet, unmet_choices

__all__ = [
    "Constraints",
    "PlanningProblem",
    "Selection",
    "frontier",
    "make_problem",
    "replay",
    "routes",
    "solve",
    "swaps",
]

Objective = Literal["hours", "cost", "balanced"]
OBJECTIVES: tuple[str, ...] = ("hours", "cost", "balanced")
_EPS = 1e-6
# A preferred provider's resource counts this much less in the objective when plans are
# compared (hours, cost or both, as the objective says): it wins over another resource unless
# that one is more than 25% cheaper (1 / (1 - 0.2) = 1.25). The plan reports what it cost.
PREFER_WEIGHT = 0.2
# Languages that never keep a resource out unless avoided: shell commands come with the tools.
NEUTRAL_LANGUAGES: tuple[str, ...] = ("none", "bash")


@dataclass(frozen=True)
class Constraints:
    """What the learner asks of a plan: objective, limits and inclusions."""

    objective: Objective = "hours"
    hourly_rate: float = 25.0
    budget_usd: float | None = None
    max_hours: float | None = None
    free_only: bool = False
    exclude_providers: tuple[str, ...] = ()
    exclude_kinds: tuple[str, ...] = ()
    include: tuple[str, ...] = ()
    exclude_ids: tuple[str, ...] = ()
    with_certs: tuple[str, ...] = ()
    include_optional: bool = False
    time_limit: float = 10.0
    solver: Literal["milp", "greedy"] = "milp"
    # resources that teach any of these skills are left out (a veto, not a preference)
    exclude_skills: tuple[str, ...] = ()
    # resources from these providers count PREFER_WEIGHT less in the objective when choosing
    prefer_providers: tuple[str, ...] = ()
    # the learner's programming languages as they gave them (empty: the ones their skills
    # show), and languages never to study in; see `code_languages`
    languages: tuple[str, ...] = ()
    avoid_languages: tuple[str, ...] = ()
    any_language: bool = False
    # the languages a resource's exercises may use, worked out by the planner from the above,
    # the learner's skills and the target role (None: any language)
    code_languages: tuple[str, ...] | None = None


@dataclass
class PlanningProblem:
    """A planning problem reduced to the resources that can matter."""

    catalog: Catalog
    start: dict[str, int]
    goal: dict[str, int]
    constraints: Constraints
    allowed: list[str]
    candidates: list[str]
    excluded: dict[str, str] = field(default_factory=dict)
    goal_choices: list[Choice] = field(default_factory=list)

    def met(self, state: Mapping[str, int]) -> bool:
        """Return whether a state meets the goal: every level, and one option of each choice."""
        return not unmet(self.goal, state) and not unmet_choices(self.goal_choices, state)

    def weight(self, rid: str, objective: str | None = None) -> float:
        """Return a resource's contribution to the objective."""
        res = self.catalog.resources[rid]
        obj = objective or self.constraints.objective
        if obj == "hours":
            return res.hours
        if obj == "cost":
            return res.cost_usd
        return res.hours + res.cost_usd / self.constraints.hourly_rate


@dataclass(frozen=True)
class Selection:
    """The chosen resources and how sure we are that they are the cheapest."""

    resources: tuple[str, ...]
    status: Literal["optimal", "feasible"]
    objective_value: float
    bound: float
    solver: str
    note: str = ""  # what a time limit cut, in words; empty when nothing was cut

    @property
    def optimality_gap(self) -> float:
        """Return the relative optimality gap (0 when proven optimal)."""
        if self.status == "optimal" or self.objective_value <= _EPS:
            return 0.0
        return max(0.0, (self.objective_value - self.bound) / self.objective_value)


def replay(
    catalog: Catalog, start: Mapping[str, int], steps: Sequence[str]
) -> tuple[dict[str, int], list[str]]:
    """Take steps in order from start; return the end state and any step that was not takeable."""
    state = dict(start)
    errors: list[str] = []
    for pos, rid in enumerate(steps, start=1):
        missing = lacking(catalog, rid, state)
        if missing:
            errors.append(f"step {pos} '{rid}' needs {', '.join(missing)}")
        learn(state, catalog.resources[rid].teaches)
    return state, errors


def exclusion(catalog: Catalog, rid: str, c: Constraints, done: set[str]) -> str | None:
    """Return why the constraints leave a resource out, in words (None: they don't)."""
    res = catalog.resources[rid]
    if rid in done:
        return "already done"
    if rid in c.exclude_ids:
        return "excluded"
    if not res.active:
        return f"retired on {res.retired_on}"
    if c.free_only and not res.free:
        return f"costs ${res.cost_usd:g} (free resources only)"
    if any(provider_matches(p, res.provider) for p in c.exclude_providers):
        return f"provider {res.provider} is excluded"
    if res.kind in c.exclude_kinds:
        return f"kind {res.kind} is excluded"
    vetoed = [s for s in c.exclude_skills if s in res.teaches]
    if vetoed:
        names = ", ".join(catalog.skills[s].name for s in vetoed)
        return f"it teaches {names}, which you excluded"
    if c.code_languages is not None and res.languages is not None:
        outside = [lang for lang in res.languages if lang not in c.code_languages]
        if outside:
            return f"its exercises use {', '.join(language_name(x) for x in outside)}"
    return None


_LANGUAGE_NAMES = {
    "cpp": "C++",
    "csharp": "C#",
    "javascript": "JavaScript",
    "typescript": "TypeScript",
    "sql": "SQL",
    "sas": "SAS",
    "spss": "SPSS",
    "matlab": "MATLAB",
}


def language_name(code: str) -> str:
    """Return a programming language's name for people ('cpp' -> 'C++')."""
    return _LANGUAGE_NAMES.get(code, code.capitalize())


def preferred(catalog: Catalog, rid: str, c: Constraints) -> bool:
    """Return whether a resource comes from a provider the learner prefers."""
    provider = catalog.resources[rid].provider
    return any(provider_matches(p, provider) for p in c.prefer_providers)


def make_problem(
    catalog: Catalog,
    start: Mapping[str, int],
    goal: Mapping[str, int],
    constraints: Constraints,
    done: Sequence[str] = (),
    goal_choices: Sequence[Choice] = (),
    extra: Sequence[str] = (),
) -> PlanningProblem:
    """Reduce a request to the resources that are allowed, takeable and relevant to the goal.

    The goal is a set of levels, plus choices of which one option each must be met. `extra`
    names resources to keep as candidates (with what they need) though they may never pay:
    the alternatives an explanation forces in.
    """
    c = constraints
    if c.objective not in OBJECTIVES:
        raise PlanningError(f"unknown objective '{c.objective}' (use hours, cost or balanced)")
    if c.hourly_rate <= 0:
        raise PlanningError("must be greater than 0", setting="hourly_rate")
    excluded, allowed, state, takeable = _base(catalog, start, c, done)
    for rid in c.include:
        if rid in excluded:
            raise PlanningError(
                f"'{rid}' contradicts the other options: {excluded[rid]}", setting="include"
            )
    taken = set(takeable)
    for rid in c.include:
        if rid not in taken:
            text = ", ".join(lacking(catalog, rid, state))
            raise InfeasibleError(
                f"'{rid}' can never be taken: nothing allowed teaches {text}", setting="include"
            )
    problem = PlanningProblem(
        catalog, dict(start), dict(goal), c, allowed, [], excluded, list(goal_choices)
    )
    unreached = unmet(goal, state)
    if unreached or unmet_choices(goal_choices, state):
        raise InfeasibleError(_why_unreachable(problem, unreached, state))

    # Keep only resources that teach something new, lie on a path to the goal, and are not
    # beaten by standalone routes: when the routes `u` to the needed levels a resource teaches
    # take no more hours AND cost no more, and less of one, swapping it for them gives a plan
    # that is better under every objective and still within every budget and hours limit.
    # So no best plan under any constraint uses it (tests compare against brute force).
    u = _standalone(problem, takeable)
    need: dict[str, int] = dict(unmet(goal, start))
    for choice in unmet_choices(goal_choices, start):
        learn(need, unmet(choice.options, start))  # any option may be the one taken
    takeable_set = set(takeable)
    seeds = [*c.include, *(r for r in extra if r in takeable_set and r not in c.include)]
    for rid in seeds:
        learn(need, _needs(catalog, rid, start))
    relevant: set[str] = set(seeds)

    def pays(rid: str) -> bool:
        if preferred(catalog, rid, c):
            return True  # its discount is not in the hours and cost compared below
        hours = cost = 0.0
        for s, lv in catalog.resources[rid].teaches.items():
            have, want = start.get(s, 0), need.get(s, 0)
            if lv > have and want > have:
                route = u.get((s, min(lv, want)))
                if route is None:
                    return True
                hours += route[1]
                cost += route[2]
        res = catalog.resources[rid]
        beaten = hours <= res.hours + _EPS and cost <= res.cost_usd + _EPS
        return not (beaten and (hours < res.hours - _EPS or cost < res.cost_usd - _EPS))

    queue = sorted(need)
    while queue:
        skill = queue.pop()
        for lvl, rid in catalog.teachers(skill):
            if rid in relevant or rid not in takeable_set or lvl <= start.get(skill, 0):
                continue
            if not pays(rid):
                continue  # re-examined if the need for another skill it teaches grows
            relevant.add(rid)
            for s, lv in _needs(catalog, rid, start).items():
                if lv > need.get(s, 0):
                    need[s] = lv
                    queue.append(s)
    problem.candidates = sorted(relevant)
    return problem


def _needs(catalog: Catalog, rid: str, state: Mapping[str, int]) -> dict[str, int]:
    """Return every level a resource may need from state: its requirements and all options."""
    out = dict(unmet(catalog.effective(rid), state))
    for choice in unmet_choices(catalog.choices(rid), state):
        learn(out, unmet(choice.options, state))
    return out


def _base(
    catalog: Catalog, start: Mapping[str, int], c: Constraints, done: Sequence[str]
) -> tuple[dict[str, str], list[str], dict[str, int], list[str]]:
    """Return what depends on the start and the filters only: exclusions and the closure.

    Memoized on the catalog, so planning many targets from one profile does this once.
    """
    key = (
        tuple(sorted(start.items())),
        tuple(sorted(done)),
        c.free_only,
        tuple(sorted(c.exclude_providers)),
        tuple(sorted(c.exclude_kinds)),
        tuple(sorted(c.exclude_ids)),
        tuple(sorted(c.exclude_skills)),
        None if c.code_languages is None else tuple(sorted(c.code_languages)),
    )
    memo = catalog.memo
    if key in memo:
        return memo[key]  # type: ignore[no-any-return]
    done_set = set(done)
    excluded: dict[str, str] = {}
    allowed: list[str] = []
    for rid in catalog.resources:
        why = exclusion(catalog, rid, c, done_set)
        if why is None:
            allowed.append(rid)
        else:
            excluded[rid] = why
    state, takeable = closure(catalog, start, allowed)
    if len(memo) >= 16:
        memo.pop(next(iter(memo)))
    memo[key] = (excluded, allowed, state, takeable)
    return memo[key]  # type: ignore[no-any-return]


def _standalone(
    problem: PlanningProblem, takeable: Sequence[str]
) -> dict[tuple[str, int], tuple[float, float, float]]:
    """Return, per (skill, level), one standalone route's (objective, hours, cost), each summed.

    u(s, l) is the best over providers p of p's own vector plus the sum of u over p's unmet
    needs: taking p after standalone routes to its needs reaches (s, l) for at most that in
    every component. Computed once per start, filters and objective (Knuth's generalisation
    of Dijkstra on vectors compared in order; every component is >= 0).
    """
    catalog, c, start = problem.catalog, problem.constraints, problem.start
    key = ("u", tuple(sorted(start.items())), c.objective, c.hourly_rate, tuple(sorted(takeable)))
    memo = catalog.memo
    if key in memo:
        return memo[key]  # type: ignore[no-any-return]
    Vec = tuple[float, float, float]
    u: dict[tuple[str, int], Vec] = {}
    waiting: dict[tuple[str, int], list[str]] = {}
    # a choice waits on each of its options; the first option reached is its cheapest route
    waiting_any: dict[tuple[str, int], list[tuple[str, int]]] = {}
    picked: dict[str, list[tuple[str, int]]] = {}
    left: dict[str, int] = {}
    heap: list[tuple[Vec, str, int]] = []

    def offer(rid: str) -> None:
        res = catalog.resources[rid]
        needs = unmet(catalog.effective(rid), start)
        w, h, m = problem.weight(rid), res.hours, res.cost_usd
        for s, lv in [*needs.items(), *picked.get(rid, [])]:
            uw, uh, um = u[(s, lv)]
            w, h, m = w + uw, h + uh, m + um
        for s, top in res.teaches.items():
            for lv in range(catalog.effective(rid).get(s, 0) + 1, top + 1):
                if lv > start.get(s, 0):
                    heapq.heappush(heap, ((w, h, m), s, lv))

    for rid in takeable:
        needs = unmet(catalog.effective(rid), start)
        choices = unmet_choices(catalog.choices(rid), start)
        if not needs and not choices:
            offer(rid)
            continue
        left[rid] = len(needs) + len(choices)
        for s, lv in needs.items():
            waiting.setdefault((s, lv), []).append(rid)
        for i, choice in enumerate(choices):
            for s, lv in choice.options.items():
                waiting_any.setdefault((s, lv), []).append((rid, i))
    settled: set[tuple[str, int]] = set()
    while heap:
        value, s, lv = heapq.heappop(heap)
        if (s, lv) in u:
            continue
        u[(s, lv)] = value
        released = waiting.pop((s, lv), [])
        for rid, i in waiting_any.pop((s, lv), []):
            if (rid, i) not in settled:
                settled.add((rid, i))
                picked.setdefault(rid, []).append((s, lv))
                released.append(rid)
        for rid in released:
            left[rid] -= 1
            if left[rid] == 0:
                offer(rid)
    if len(memo) >= 16:
        memo.pop(next(iter(memo)))
    memo[key] = u
    return u


def _why_unreachable(
    problem: PlanningProblem, unreached: Mapping[str, int], state: Mapping[str, int]
) -> str:
    catalog = problem.catalog

    def level(skill: str, lv: int) -> str:
        known = catalog.skills.get(skill)
        return f"{known.name if known else skill} {lv}"

    def title(rid: str) -> str:
        return f"'{catalog.resources[rid].title}'"

    def levels(needs: Mapping[str, int]) -> str:
        return ", ".join(level(s, lv) for s, lv in sorted(needs.items()))

    reasons: list[str] = []
    for skill, lv in sorted(unreached.items()):
        teachers = catalog.providers(skill, lv)
        req = level(skill, lv)
        if not teachers:
            reasons.append(f"nothing in the catalogue teaches {req}")
            continue
        allowed = [t for t in teachers if t not in problem.excluded]
        if not allowed:
            causes = sorted({problem.excluded[t] for t in teachers})
            if all("free resources only" in why for why in causes):
                reasons.append(f"no free resource teaches {req}")
            else:
                reasons.append(
                    f"every resource that teaches {req} is ruled out ("
                    + "; ".join(f"{title(t)}: {problem.excluded[t]}" for t in teachers[:3])
                    + (", ..." if len(teachers) > 3 else "")
                    + ")"
                )
            continue
        blocked = []
        for t in allowed[:2]:
            missing = (
                [levels(unmet(catalog.effective(t), state))]
                if unmet(catalog.effective(t), state)
                else []
            )
            missing += [c.name for c in unmet_choices(catalog.choices(t), state)]
            blocked.append(f"{title(t)} needs {', '.join(missing)}")
        reasons.append(
            f"{req} cannot be reached: " + "; ".join(blocked) + ", which nothing allowed teaches"
        )
    for choice in unmet_choices(problem.goal_choices, state):
        reasons.append(f"no option of {choice.name} ({levels(choice.options)}) can be reached")
    head = "no plan meets the goal: "
    return head + "; ".join(reasons)


# -- validity and pruning -----------------------------------------------------------------


def _valid_set(problem: PlanningProblem, chosen: set[str]) -> bool:
    """Return True when chosen meets the goal and covers every chosen resource's needs.

    A need is covered by the start or by another chosen resource that provides it; a choice
    is covered when one of its options is. The catalogue is acyclic, so covering is enough
    for an order to exist (`schedule.order` finds it).
    """
    catalog = problem.catalog
    teachers: dict[str, list[str]] = {}
    for rid in sorted(chosen):
        for s in catalog.resources[rid].teaches:
            teachers.setdefault(s, []).append(rid)

    def met(skill: str, level: int, exclude: str | None) -> bool:
        if problem.start.get(skill, 0) >= level:
            return True
        return any(
            r != exclude and catalog.is_provider(r, skill, level) for r in teachers.get(skill, [])
        )

    def met_all(levels: Mapping[str, int], choices: Sequence[Choice], exclude: str | None) -> bool:
        return all(met(s, lv, exclude) for s, lv in levels.items()) and all(
            any(met(s, lv, exclude) for s, lv in c.options.items()) for c in choices
        )

    return met_all(problem.goal, problem.goal_choices, None) and all(
        met_all(catalog.effective(rid), catalog.choices(rid), rid) for rid in chosen
    )


def _prune(problem: PlanningProblem, chosen: list[str]) -> list[str]:
    """Drop resources the plan does not need, most expensive first (stable)."""
    keep = set(chosen)
    for rid in sorted(chosen, key=lambda r: (-problem.weight(r), r)):
        if rid not in problem.constraints.include and _valid_set(problem, keep - {rid}):
            keep.discard(rid)
    return sorted(keep)


def _within_limits(problem: PlanningProblem, chosen: Sequence[str]) -> bool:
    c = problem.constraints
    res = problem.catalog.resources
    if c.budget_usd is not None and sum(res[r].cost_usd for r in chosen) > c.budget_usd + _EPS:
        return False
    return not (c.max_hours is not None and sum(res[r].hours for r in chosen) > c.max_hours + _EPS)


# -- greedy ---------------------------------------------------------------------------------


def greedy(problem: PlanningProblem) -> list[str]:
    """Return a plan built by repeatedly taking the takeable resource with the best value.

    Value is the objective weight per (skill, level) step of relevant progress it brings.
    """
    catalog = problem.catalog
    target = dict(problem.goal)
    target_choices = list(problem.goal_choices)
    for rid in problem.constraints.include:
        learn(target, catalog.effective(rid))
        target_choices.extend(catalog.choices(rid))
    state = dict(problem.start)
    chosen: list[str] = []
    pool = [r for r in problem.candidates if r not in problem.constraints.include]

    def relevance() -> dict[str, int]:
        # levels still wanted: the target plus what unmet-but-wanted providers need
        want = dict(target)
        for choice in unmet_choices(target_choices, state):
            learn(want, choice.options)  # progress on any option is progress
        frontier = [s for s in want if state.get(s, 0) < want[s]]
        seen: set[str] = set()
        while frontier:
            skill = frontier.pop()
            if skill in seen:
                continue
            seen.add(skill)
            for lvl, rid in catalog.teachers(skill):
                if rid not in problem.candidates or lvl <= state.get(skill, 0):
                    continue
                for s, lv in _needs(catalog, rid, state).items():
                    if state.get(s, 0) < lv and lv > want.get(s, 0):
                        want[s] = lv
                        frontier.append(s)
                    elif state.get(s, 0) < lv and s not in seen:
                        frontier.append(s)
        return want

    want = relevance()  # computed once: the state only grows, so it stays a superset
    weight = {rid: problem.weight(rid) for rid in pool}
    gains = {
        rid: [(s, lv) for s, lv in catalog.resources[rid].teaches.items() if s in want]
        for rid in pool
    }

    def gain_of(rid: str) -> int:
        total = 0
        for s, lv in gains[rid]:
            have = state.get(s, 0)
            if lv > have and want[s] > have:
                total += min(lv, want[s]) - have
        return total

    # Lazy greedy: a resource's value only worsens as the state grows, so a heap of stale
    # scores is re-checked only at its top. Takeability is tracked per missing skill.
    heap: list[tuple[float, str]] = []

    def offer(rid: str) -> None:
        g = gain_of(rid)
        if g > 0:
            heapq.heappush(heap, ((weight[rid] + _EPS) / g, rid))

    frontier = Frontier(catalog, problem.start, pool)
    state = frontier.state
    for rid in frontier.ready:
        offer(rid)
    taken: set[str] = set()
    while heap and (unmet(target, state) or unmet_choices(target_choices, state)):
        _, rid = heapq.heappop(heap)
        if rid in taken:
            continue
        g = gain_of(rid)
        if g == 0:
            continue
        fresh = (weight[rid] + _EPS) / g
        if heap and (fresh, rid) > heap[0]:
            heapq.heappush(heap, (fresh, rid))
            continue
        taken.add(rid)
        chosen.append(rid)
        for other in frontier.take(rid):
            offer(other)
    chosen.extend(r for r in problem.constraints.include if r not in chosen)
    if not _valid_set(problem, set(chosen)):
        raise InfeasibleError("the greedy heuristic found no plan; the exact solver may find one")
    return _prune(problem, chosen)


# -- MILP -------------------------------------------------------------------------------------

# Ties are settled by the project, never by the solver, so that every supported solver version
# gives the same plan. After the objective, plans are compared on the objectives below, then on
# the number of steps, then resource by resource in id order: at the first id where two plans
# differ, the plan that includes it wins. `TIE_BREAK` documents that order for the README.
TIE_BREAK = {
    "hours": ("study hours", "cost", "number of steps", "resource ids"),
    "cost": ("cost", "study hours", "number of steps", "resource ids"),
    "balanced": (
        "hours plus cost at the hourly rate",
        "study hours",
        "number of steps",
        "resource ids",
    ),
}


def _stages(problem: PlanningProblem) -> list[list[float]]:
    """Return the column weights of each lexicographic objective, most important first."""
    res = problem.catalog.resources
    cols = problem.candidates
    hours = [res[r].hours for r in cols]
    cost = [res[r].cost_usd for r in cols]
    steps = [1.0] * len(cols)
    objective = problem.constraints.objective
    if objective == "hours":
        stages = [hours, cost, steps]
    elif objective == "cost":
        stages = [cost, hours, steps]
    else:  # hours + cost/rate, then hours, fixes the cost too
        stages = [[problem.weight(r) for r in cols], hours, steps]
    c = problem.constraints
    if c.prefer_providers:  # the preference decides first; the plain objectives settle ties
        discount = [1.0 - PREFER_WEIGHT if preferred(problem.catalog, r, c) else 1.0 for r in cols]
        stages.insert(0, [w * d for w, d in zip(stages[0], discount, strict=True)])
    return stages


def _tolerance(value: float) -> float:
    # Values are sums of hours and prices: plans that differ by less than this are equal.
    return 1e-6 * max(1.0, abs(value))


class _Model:
    """The covering model of a problem on this thread's HiGHS instance, re-solved in place."""

    def __init__(self, problem: PlanningProblem) -> None:
        import highspy

        self.highspy = highspy
        self.problem = problem
        catalog = problem.catalog
        cols = problem.candidates
        self.cols = cols
        index = {rid: i for i, rid in enumerate(cols)}
        inf = highspy.kHighsInf
        rows: list[tuple[list[int], list[float], float, float]] = []

        def providers(options: Mapping[str, int]) -> list[int]:
            # a choice is met by a provider of any of its options; a plain need is one option
            return sorted(
                {
                    index[r]
                    for s, lv in options.items()
                    for r in catalog.providers(s, lv)
                    if r in index
                }
            )

        start = problem.start
        goal_needs = [{s: lv} for s, lv in sorted(unmet(problem.goal, start).items())]
        goal_needs += [c.options for c in unmet_choices(problem.goal_choices, start)]
        for options in goal_needs:
            prov = providers(options)
            rows.append((prov, [1.0] * len(prov), 1.0, inf))
        for rid in cols:
            i = index[rid]
            needs = [{s: lv} for s, lv in unmet(catalog.effective(rid), start).items()]
            needs += [c.options for c in unmet_choices(catalog.choices(rid), start)]
            for options in needs:
                prov = [j for j in providers(options) if j != i]
                rows.append(([i, *prov], [-1.0] + [1.0] * len(prov), 0.0, inf))
        c = problem.constraints
        res = catalog.resources
        every = list(range(len(cols)))
        if c.budget_usd is not None:
            rows.append((every, [res[r].cost_usd for r in cols], -inf, c.budget_usd + _EPS))
        if c.max_hours is not None:
            rows.append((every, [res[r].hours for r in cols], -inf, c.max_hours + _EPS))
        self.base_rows = len(rows)

        h = highs()
        # Presolve is off: releases before 1.13 proved wrong optima with it on these models,
        # and 1.16's ends some infeasible ones in a solve error. Without it every supported
        # release gives the same, right answers, and these models are small.
        h.setOptionValue("presolve", "off")
        h.setOptionValue("mip_rel_gap", 0.0)
        h.setOptionValue("mip_abs_gap", 1e-7)
        lp = highspy.HighsLp()
        lp.num_col_ = len(cols)
        lp.num_row_ = len(rows)
        lp.col_cost_ = [0.0] * len(cols)
        lp.col_lower_ = [1.0 if r in c.include else 0.0 for r in cols]
        lp.col_upper_ = [1.0] * len(cols)
        lp.row_lower_ = [r[2] for r in rows]
        lp.row_upper_ = [r[3] for r in rows]
        starts, idx, vals = [0], [], []
        for cols_i, coefs, _, _ in rows:
            idx.extend(cols_i)
            vals.extend(coefs)
            starts.append(len(idx))
        lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
        lp.a_matrix_.start_ = starts
        lp.a_matrix_.index_ = idx
        lp.a_matrix_.value_ = vals
        lp.integrality_ = [highspy.HighsVarType.kInteger] * len(cols)
        h.passModel(lp)
        self.h = h
        self.rows = len(rows)
        self.lower = list(lp.col_lower_)
        self.upper = [1.0] * len(cols)
        self.moved: set[int] = set()

    def run(
        self, weights: Sequence[float], warm: Sequence[int] | None, seconds: float
    ) -> tuple[str, list[int], float]:
        """Minimize weights; return (optimal | limit | infeasible | none, chosen columns, bound)."""
        hs, h = self.highspy, self.h
        n = len(self.cols)
        h.changeColsCost(n, list(range(n)), list(weights))
        h.setOptionValue("time_limit", max(seconds, 0.01))
        if warm is not None:
            sol = hs.HighsSolution()
            picked = set(warm)
            sol.col_value = [1.0 if i in picked else 0.0 for i in range(n)]
            sol.value_valid = True
            h.setSolution(sol)
        h.run()
        status = h.getModelStatus()
        info = h.getInfo()
        if status == hs.HighsModelStatus.kInfeasible:
            return "infeasible", [], math.inf
        if info.primal_solution_status != 2:
            return "none", [], info.mip_dual_bound
        values = h.getSolution().col_value
        chosen_cols = [i for i, v in enumerate(values) if v > 0.5]
        proven = status == hs.HighsModelStatus.kOptimal
        return ("optimal" if proven else "limit"), chosen_cols, info.mip_dual_bound

    def feasible(self, seconds: float) -> tuple[str, list[int]]:
        """Return whether any plan meets the model's rows now: (optimal | infeasible | ..., plan).

        The LP relaxation goes first: when even it has no solution, no plan exists, and that
        is most of the tie rule's checks; only the others run as a MIP.
        """
        hs, h = self.highspy, self.h
        n = len(self.cols)
        h.changeColsIntegrality(n, list(range(n)), [hs.HighsVarType.kContinuous] * n)
        h.changeColsCost(n, list(range(n)), [0.0] * n)
        h.setOptionValue("time_limit", max(seconds, 0.01))
        h.run()
        relaxed = h.getModelStatus()
        h.changeColsIntegrality(n, list(range(n)), [hs.HighsVarType.kInteger] * n)
        if relaxed == hs.HighsModelStatus.kInfeasible:
            return "infeasible", []
        status, found, _ = self.run([0.0] * n, None, seconds)
        return status, found

    def add_row(self, columns: Sequence[int], coefs: Sequence[float], upper: float) -> None:
        """Add the row coefs . x <= upper."""
        self.h.addRow(-self.highspy.kHighsInf, upper, len(columns), list(columns), list(coefs))
        self.rows += 1

    def drop_last_row(self) -> None:
        """Remove the row added last."""
        self.rows -= 1
        self.h.deleteRows(1, [self.rows])

    def bound(self, col: int, lower: float, upper: float) -> None:
        """Set a column's bounds."""
        self.h.changeColBounds(col, lower, upper)
        self.moved.add(col)

    def restore_bounds(self) -> None:
        """Put back the bounds of every column moved since the model was built."""
        for col in sorted(self.moved):
            self.h.changeColBounds(col, self.lower[col], self.upper[col])
        self.moved.clear()


def _solve_milp(problem: PlanningProblem, quick: bool = False) -> Selection:
    """Solve the lexicographic objectives in turn, then settle ties by the project's rule."""
    deadline = time.monotonic() + float(problem.constraints.time_limit)
    model = _Model(problem)
    return _select(problem, model, _left(deadline), quick)


def _left(deadline: float) -> Callable[[], float]:
    return lambda: deadline - time.monotonic()


def _select(
    problem: PlanningProblem, model: _Model, left: Callable[[], float], quick: bool = False
) -> Selection:
    """Return the best plan the model allows now, as a Selection (see `_lexicographic`)."""
    stages = _stages(problem)
    status, chosen, bound, note = _lexicographic(model, stages, left, quick)
    if status == "infeasible":
        raise InfeasibleError(_why_limits(problem))
    if status == "none":
        return _fallback(problem, bound)
    if status == "limit":
        ids = _prune(problem, [model.cols[i] for i in chosen])
        return Selection(
            tuple(ids), "feasible", _total(problem, ids), bound, "highs", note=_LIMIT_SEARCH
        )
    ids = [model.cols[i] for i in chosen]
    value = _total(problem, ids)
    return Selection(tuple(sorted(ids)), "optimal", value, value, "highs", note=note)


def _lexicographic(
    model: _Model,
    stages: Sequence[Sequence[float]],
    left: Callable[[], float],
    quick: bool,
    ties: bool = True,
) -> tuple[str, list[int], float, str]:
    """Minimize the stages in turn, then settle ties by id (`ties`; quick: the first two
    stages only, no ties).

    Returns (optimal | limit | none | infeasible, chosen columns, bound, note). The model is
    left as it was: the rows added are dropped and the columns' bounds restored.
    """
    if quick:
        stages, ties = stages[:2], False
    rows = model.rows
    try:
        status, chosen, bound = model.run(stages[0], None, left())
        if status != "optimal":
            return status, chosen, bound, _LIMIT_SEARCH if status == "limit" else ""
        note = ""
        every = list(range(len(model.cols)))
        for prev, weights in zip(stages, [*stages[1:], None], strict=True):
            value = sum(prev[i] for i in chosen)
            model.add_row(every, prev, value + _tolerance(value))
            if weights is None:
                break
            status, better, _ = model.run(weights, chosen, left())
            if status != "optimal":
                note = _LIMIT_TIES
                break
            chosen = better
        if not note and ties:
            chosen, note = _first_by_id(model, chosen, left)
        return "optimal", sorted(chosen), bound, note
    finally:
        while model.rows > rows:
            model.drop_last_row()
        model.restore_bounds()


def frontier(problem: PlanningProblem, most: int = 40) -> tuple[list[Selection], str]:
    """Return the hours-against-cost trade-off: every plan no other beats on both, cheapest first.

    Each point is the cheapest plan that takes fewer hours than the one before, then the
    fewest hours and steps at that cost, each proven on one model. Its hours, cost and steps
    are what the point is; which of several equal plans gives them is left open (the plan
    for a budget says). Also returns what a time limit cut, in words ("" when nothing was).
    """
    deadline = time.monotonic() + float(problem.constraints.time_limit)
    left = _left(deadline)
    res = problem.catalog.resources
    cols = problem.candidates
    hours = [res[r].hours for r in cols]
    cost = [res[r].cost_usd for r in cols]
    steps = [1.0] * len(cols)
    model = _Model(problem)
    every = list(range(len(cols)))
    points: list[Selection] = []
    rows = model.rows
    note = ""
    try:
        while len(points) < most:
            status, chosen, _, cut = _lexicographic(
                model, [cost, hours, steps], left, False, ties=False
            )
            if status == "infeasible":
                break
            if status != "optimal" or cut:
                note = cut or _LIMIT_SEARCH
                break
            ids = tuple(sorted(model.cols[i] for i in chosen))
            took = sum(hours[i] for i in chosen)
            points.append(Selection(ids, "optimal", took, took, "highs"))
            model.add_row(every, hours, took - 1e-3)  # strictly fewer hours next
    finally:
        while model.rows > rows:
            model.drop_last_row()
    return points, note


def routes(problem: PlanningProblem, count: int) -> tuple[list[Selection], str]:
    """Return the best plan and up to `count` next-best ones, like a map's other routes: each
    is proven best among the plans that leave out a step of the best plan that every route
    before it kept, so each departs from the best plan somewhere new.

    Also returns what a time limit cut, in words ("" when nothing was). Raise
    InfeasibleError when no plan meets the limits.
    """
    deadline = time.monotonic() + float(problem.constraints.time_limit) * (1 + count)
    left = _left(deadline)
    model = _Model(problem)
    stages = _stages(problem)
    found: list[Selection] = []
    kept: set[int] | None = None  # the best plan's steps no route so far has left out
    rows = model.rows
    note = ""
    try:
        while len(found) <= count:
            status, chosen, _, cut = _lexicographic(model, stages, left, False)
            if status == "infeasible" and not found:
                raise InfeasibleError(_why_limits(problem))
            if status == "infeasible":
                break
            if status != "optimal" and not found:
                return [solve(problem)], _LIMIT_SEARCH  # the best plan found in the time
            if status != "optimal" or cut:
                note = cut or _LIMIT_SEARCH
                break
            ids = tuple(sorted(model.cols[i] for i in chosen))
            value = _total(problem, ids)
            found.append(Selection(ids, "optimal", value, value, "highs"))
            kept = set(chosen) if kept is None else kept & set(chosen)
            if not kept:
                break
            row = sorted(kept)
            model.add_row(row, [1.0] * len(row), len(row) - 1.0)  # leave one of them out
    finally:
        while model.rows > rows:
            model.drop_last_row()
    return found, note


def _first_by_id(
    model: _Model, chosen: list[int], left: Callable[[], float]
) -> tuple[list[int], str]:
    """Among the equally good plans, return the one that wins resource by resource in id order.

    Walk the columns in id order, keeping a best plan found so far (`current`): a column in
    it is fixed to 1; the columns before its next member are asked together whether any of
    them can be in a best plan, so one check settles a run of columns. All plans left have
    the same number of steps, so once every column of `current` is fixed the rest are zero.
    """
    n = len(model.cols)
    current = sorted(chosen)
    others = [i for i in range(n) if i not in set(current)]
    model.add_row(
        [*current, *others], [1.0] * len(current) + [-1.0] * len(others), len(current) - 1.0
    )
    status, _ = model.feasible(left())
    model.drop_last_row()
    if status == "infeasible":
        return current, ""  # the only best plan
    if status != "optimal":
        return current, _LIMIT_TIES
    order = sorted(range(n), key=lambda i: model.cols[i])
    fixed: set[int] = set()
    pos = 0
    while True:
        members = set(current)
        while pos < n and order[pos] in fixed:
            pos += 1
        nxt = next(
            (p for p in range(pos, n) if order[p] in members and order[p] not in fixed), None
        )
        if nxt is None:
            return sorted(current), ""  # every member fixed: the rest must be zero
        run = [order[p] for p in range(pos, nxt) if order[p] not in fixed]
        while run:
            model.add_row(run, [-1.0] * len(run), -1.0)  # at least one of them
            status, found = model.feasible(left())
            model.drop_last_row()
            if status == "infeasible":
                break
            if status != "optimal":
                return sorted(current), _LIMIT_TIES
            current = found
            first = min((i for i in found if i in set(run)), key=lambda i: model.cols[i])
            run = run[: run.index(first)]  # can an earlier one be in a best plan too?
        # the first member of current at or after pos is the earliest id any best plan can
        # include here: the columns before it are out, and it is in
        members = set(current)
        head = next(p for p in range(pos, n) if order[p] in members and order[p] not in fixed)
        for p in range(pos, head):
            if order[p] not in fixed:
                model.bound(order[p], 0.0, 0.0)
                fixed.add(order[p])
        model.bound(order[head], 1.0, 1.0)
        fixed.add(order[head])


_LIMIT_SEARCH = "the time limit stopped the search before the best plan was proven"
_LIMIT_TIES = (
    "the time limit stopped the choice among equally good plans, so another run may show "
    "a different plan of the same value"
)


def _fallback(problem: PlanningProblem, bound: float) -> Selection:
    """Return the greedy plan when the exact search found none within its time limit."""
    limit = problem.constraints.time_limit
    try:
        plan = greedy(problem)
    except InfeasibleError:
        plan = None
    if plan is None or not _within_limits(problem, plan):
        raise InfeasibleError(
            f"no plan was found within the time limit of {limit:g} s; raise the time limit"
        )
    return Selection(
        tuple(plan), "feasible", _total(problem, plan), bound, "greedy", note=_LIMIT_SEARCH
    )


def _total(problem: PlanningProblem, chosen: Sequence[str]) -> float:
    return sum(problem.weight(r) for r in chosen)


def _why_limits(problem: PlanningProblem) -> str:
    """Explain an infeasible MILP whose goal is reachable: a budget or hours limit is too tight."""
    c = problem.constraints
    # every other constraint stays (languages, vetoes, inclusions): only the limits go, and
    # the preference, so that the figures are the plain cheapest and shortest
    free = replace(c, budget_usd=None, max_hours=None, prefer_providers=())
    cheapest = _solve_milp(rebuild(problem, replace(free, objective="cost")), quick=True)
    shortest = _solve_milp(rebuild(problem, replace(free, objective="hours")), quick=True)
    if c.budget_usd is not None and cheapest.objective_value > c.budget_usd + _EPS:
        return (
            f"no plan fits the budget: the cheapest plan costs ${cheapest.objective_value:,.2f}, "
            f"over the budget of ${c.budget_usd:,.2f}"
        )
    if c.max_hours is not None and shortest.objective_value > c.max_hours + _EPS:
        return (
            f"no plan fits the hours limit: the shortest plan takes "
            f"{shortest.objective_value:,.1f} h, over the limit of {c.max_hours:g} h"
        )
    if c.budget_usd is None or c.max_hours is None:
        return "no plan meets the goal under these constraints"
    return (
        f"no plan meets the budget of ${c.budget_usd:,.2f} and the limit of {c.max_hours:g} h "
        f"together (the cheapest plan costs ${cheapest.objective_value:,.2f}, the shortest "
        f"takes {shortest.objective_value:,.1f} h)"
    )


def swaps(
    problem: PlanningProblem, pairs: Sequence[tuple[str, str]], best: float
) -> dict[tuple[str, str], Selection | None]:
    """Return, for each (take, drop) pair, the best plan that takes one resource and not the
    other (None when there is none), all solved on one model.

    One problem holds every resource a pair takes, with what it needs; each pair only moves
    two columns' bounds, so the model is built once however many pairs there are. A pair
    whose plan is worse than `best` (the value of the plan explained) is settled by the
    objective alone; one that ties it is compared on the second objective too.
    """
    c = problem.constraints
    limit = replace(c, time_limit=min(c.time_limit, 2.0))
    done = [r for r, why in problem.excluded.items() if why == "already done"]
    wider = make_problem(
        problem.catalog,
        problem.start,
        problem.goal,
        c,
        done=done,
        goal_choices=problem.goal_choices,
        extra=sorted({take for take, _ in pairs}),
    )
    model = _Model(wider)
    stages = _stages(wider)
    column = {rid: i for i, rid in enumerate(model.cols)}
    out: dict[tuple[str, str], Selection | None] = {}
    for take, drop in pairs:
        if take not in column:  # it can never be taken under these constraints
            out[(take, drop)] = None
            continue

        def force(take: str = take, drop: str = drop) -> None:
            # each solve puts the bounds back when it ends, so they are set before each
            model.bound(column[take], 1.0, 1.0)
            if drop in column:
                model.bound(column[drop], 0.0, 0.0)

        deadline = time.monotonic() + float(limit.time_limit)
        first = stages if c.prefer_providers else stages[:1]  # the objective itself
        force()
        status, chosen, bound, note = _lexicographic(model, first, _left(deadline), True)
        if status == "optimal" and not c.prefer_providers:
            value = _total(wider, [model.cols[i] for i in chosen])
            if value <= best + _tolerance(best):  # a tie: which costs more of the second?
                force()
                status, chosen, bound, note = _lexicographic(model, stages, _left(deadline), True)
        if status == "infeasible":
            out[(take, drop)] = None
        elif status != "optimal":
            out[(take, drop)] = Selection((), "feasible", math.inf, bound, "highs", _LIMIT_SEARCH)
        else:
            ids = tuple(sorted(model.cols[i] for i in chosen))
            value = _total(wider, ids)
            out[(take, drop)] = Selection(ids, "optimal", value, value, "highs", note=note)
    return out


def rebuild(problem: PlanningProblem, constraints: Constraints) -> PlanningProblem:
    """Return the same request under other constraints (candidates depend on them)."""
    done = [r for r, why in problem.excluded.items() if why == "already done"]
    return make_problem(
        problem.catalog,
        problem.start,
        problem.goal,
        constraints,
        done=done,
        goal_choices=problem.goal_choices,
    )


def solve(problem: PlanningProblem, quick: bool = False) -> Selection:
    """Return the chosen resources for a problem: proven optimal where the solver can.

    quick stops after the first two objectives: for comparing values, not picking a plan. Ties
    among equally good plans are settled by the project's rule (`TIE_BREAK`), not the solver.
    """
    if not problem.candidates and problem.met(problem.start):
        return Selection((), "optimal", 0.0, 0.0, "trivial")  # nothing to learn
    if problem.constraints.solver == "milp":
        return _solve_milp(problem, quick)
    try:
        plan = greedy(problem)
    except InfeasibleError:
        plan = None
    if plan is None or not _within_limits(problem, plan):
        raise InfeasibleError("the greedy heuristic found no plan within the limits")
    return Selection(tuple(plan), "feasible", _total(problem, plan), 0.0, "greedy")
