"""A learner's plan as the planner page keeps it: start a plan state, see its plan, record progress.

The planner page (and its JSON API) stores one `pathplanner-state/1` document per learner:
the whole starting state and what was finished, round by round. Everything here is a thin
layer over `planner.plan` and `progress.replan`, so a plan seen on the page is byte for byte the
plan the command line makes from the same state.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, Literal, TypeVar

from ._io import dumps_json
from .catalog import Catalog
from .errors import PlanningError, ProfileError
from .optimize import Constraints
from .planner import DEFAULT_HOURS_PER_WEEK, Plan, checked, plan, resolve_constraints
from .profile import Profile, build_profile
from .progress import STATE_FORMAT, PlanState, new_state, parse_state, replan

__all__ = [
    "RECORD_FORMAT",
    "Memo",
    "PlanCache",
    "Week",
    "change_week",
    "compare_from",
    "current_plan",
    "load_record",
    "load_record_role",
    "parse_record",
    "profile_of",
    "read_record",
    "record_document",
    "record_progress",
    "start_state",
]

RECORD_FORMAT = "pathplanner-record/1"
T = TypeVar("T")


@dataclass(frozen=True)
class Week:
    """What a learner gives of their week and money, and the limits they set on the plan.

    The fields are those `planner.plan` honours today: pace, start date, budget, total hours,
    objective, free only, providers and kinds to leave out, certifications to earn and
    whether optional requirements count.
    """

    hours_per_week: float | None = None
    start: dt.date | None = None
    budget_usd: float | None = None
    max_hours: float | None = None
    objective: Literal["hours", "cost", "balanced"] = "hours"
    hourly_rate: float = 25.0
    free_only: bool = False
    exclude_providers: tuple[str, ...] = ()
    exclude_kinds: tuple[str, ...] = ()
    with_certs: tuple[str, ...] = ()
    include_optional: bool = False
    exclude_skills: tuple[str, ...] = ()
    prefer_providers: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    avoid_languages: tuple[str, ...] = ()
    any_language: bool = False
    by: dt.date | None = None
    availability: str | None = None
    skip: tuple[str, ...] = ()
    tz: str | None = None

    def constraints(self) -> Constraints:
        """Return the plan constraints this week stands for (names not yet resolved)."""
        return Constraints(
            objective=self.objective,
            hourly_rate=self.hourly_rate,
            budget_usd=self.budget_usd,
            max_hours=self.max_hours,
            free_only=self.free_only,
            exclude_providers=self.exclude_providers,
            exclude_kinds=self.exclude_kinds,
            with_certs=self.with_certs,
            include_optional=self.include_optional,
            exclude_skills=self.exclude_skills,
            prefer_providers=self.prefer_providers,
            languages=self.languages,
            avoid_languages=self.avoid_languages,
            any_language=self.any_language,
        )


def start_state(
    catalog: Catalog, target: str, profile: Profile, week: Week, learner: str | None = None
) -> PlanState:
    """Return the state of a first plan: who starts where, toward which role, under which week.

    Every name is resolved and every number checked here, so a state that is returned can be
    stored and planned; a bad one raises the library's error naming the setting.
    """
    role = catalog.roles[catalog.resolve("role", target, "target")]
    if week.by is None and week.availability is None:
        c = resolve_constraints(catalog, week.constraints(), profile)
        hpw = next(
            (h for h in (week.hours_per_week, profile.hours_per_week) if h is not None),
            DEFAULT_HOURS_PER_WEEK,
        )
        checked(hpw, "hours_per_week")
        state = new_state(role.id, profile, c, hpw, week.start)
    else:
        # a deadline sets the pace it needs, study times the weekly hours they hold and the
        # start: the planner works them out, so its first plan's state is the one to keep
        first = plan(
            catalog, role.id, profile, constraints=week.constraints(),
            hours_per_week=week.hours_per_week, start=week.start, explain=False, by=week.by,
            availability=week.availability, skip=week.skip, tz=week.tz,
        )  # fmt: skip
        state = _state_of(first)
    if learner is not None:
        name = " ".join(learner.split())
        if len(name) > 200:
            raise ProfileError("name: a name is at most 200 characters")
        state = state.model_copy(update={"learner": name or None})
    return state


def current_plan(
    catalog: Catalog, state: PlanState, explain: bool = True, options: bool = False
) -> Plan:
    """Return the plan a stored state stands for, recording nothing new.

    A state of round N is what the N-th re-plan recorded; its plan is that re-plan's result.
    `replan` records a round each time it runs, so the plan is asked of the round before
    with nothing finished since: the same computation, the same bytes. A first plan (round 0)
    starts on its own start date. `options` adds two other routes and the trade-off.
    """
    before = state.model_copy(update={"round": state.round - 1})  # no validation: -1 is fine
    start = state.start_date if state.round == 0 else None
    return replan(
        catalog,
        before,
        (),
        start=start,
        explain=explain,
        alternatives=2 if options else 0,
        tradeoff=options,
    )


def record_progress(
    catalog: Catalog,
    state: PlanState,
    done: Iterable[str],
    done_hours: Mapping[str, float] | None = None,
) -> PlanState:
    """Return the state after recording finished resources (and hours of begun ones).

    This is one re-plan round (`progress.replan`): the finished steps are kept with their
    round and date, and the rest is planned again under the same week.
    """
    return _state_of(replan(catalog, state, list(done), done_hours or {}, explain=False))


def change_week(catalog: Catalog, state: PlanState, week: Week) -> PlanState:
    """Return the state after the learner changed their week: pace, money, limits, wishes.

    This is one re-plan round with nothing new finished (`progress.replan` with the new
    pace and constraints), so what was finished stays and the rest is planned under the new
    week from now on. The start date stays the plan's own: the rest starts after the weeks
    already studied.
    """
    c = week.constraints()
    given = {
        "exclude_skills": c.exclude_skills,
        "prefer_providers": c.prefer_providers,
        "languages": c.languages,
        "avoid_languages": c.avoid_languages,
        "any_language": c.any_language,
        "objective": c.objective,
        "hourly_rate": c.hourly_rate,
        "budget_usd": c.budget_usd,
        "max_hours": c.max_hours,
        "free_only": c.free_only,
        "exclude_providers": c.exclude_providers,
        "exclude_kinds": c.exclude_kinds,
        "with_certs": c.with_certs,
        "include_optional": c.include_optional,
    }
    for name in ("budget_usd", "max_hours", "hourly_rate"):
        if given[name] is not None:
            checked(given[name], name)
    hpw = week.hours_per_week
    if hpw is not None:
        checked(hpw, "hours_per_week")
    return _state_of(
        replan(catalog, state, (), hours_per_week=hpw, constraints=given, explain=False)
    )


def _state_of(p: Plan) -> PlanState:
    if p.state is None:  # pragma: no cover - replan always sets it
        raise PlanningError("the re-plan carries no state")
    return p.state


def record_document(state: PlanState, role: str | None = None) -> dict[str, Any]:
    """Return a learner's whole record as `pathplanner-record/1` (JSON-ready data); `role` is
    the target's entry (JSON) when the graph does not hold it (a job posting's)."""
    doc: dict[str, Any] = {"format": RECORD_FORMAT, "state": state.to_dict()}
    if role is not None:
        doc["role"] = json.loads(role)
    return doc


def parse_record(catalog: Catalog, data: Any, where: str) -> PlanState:
    """Return the state of an exported record (or a bare state), checked against the graph.

    Every problem names `where` and the field; ids the graph does not know are reported with
    the nearest (the check a re-plan does).
    """
    return read_record(catalog, data, where)[0]


def read_record(catalog: Catalog, data: Any, where: str) -> tuple[PlanState, str | None]:
    """Return the state of an exported record and its target's entry (JSON) when the record
    carries one (a plan to a job posting), both checked as `parse_record` does."""
    from pydantic import ValidationError

    from .extract import with_role
    from .models import Role

    role_json: str | None = None
    if isinstance(data, dict) and data.get("format") == RECORD_FORMAT:
        extra = sorted(set(data) - {"format", "state", "role"})
        if extra:
            raise ProfileError(f"{where}: {extra[0]}: unknown field in {RECORD_FORMAT}")
        if "role" in data:
            try:
                role = Role.model_validate(data["role"])
            except ValidationError as err:
                first = err.errors()[0]
                at = ".".join(str(x) for x in first["loc"])
                raise ProfileError(f"{where}: role: {at}: {first['msg']}") from None
            role_json = role.model_dump_json()
            catalog = with_role(catalog, role)
        data = data.get("state")
    elif not (isinstance(data, dict) and data.get("format") == STATE_FORMAT):
        raise ProfileError(
            f"{where}: not a learner record (expected format {RECORD_FORMAT!r} "
            f"or a {STATE_FORMAT!r} document)"
        )
    state = parse_state(data, where)
    current_plan(catalog, state, explain=False)  # unknown ids and impossible goals show here
    return state, role_json


def load_record(catalog: Catalog, raw: bytes, where: str) -> PlanState:
    """Return the state of a record file's bytes: UTF-8 JSON, checked as `parse_record` does."""
    return read_record(catalog, _json_of(raw, where), where)[0]


def load_record_role(catalog: Catalog, raw: bytes, where: str) -> tuple[PlanState, str | None]:
    """Return the state and the target's entry of a record file's bytes (see `read_record`)."""
    return read_record(catalog, _json_of(raw, where), where)


def _json_of(raw: bytes, where: str) -> Any:
    from ._input import decode

    text = decode(raw, where)
    try:
        return json.loads(text)
    except json.JSONDecodeError as err:
        raise ProfileError(f"{where}: line {err.lineno}: not valid JSON: {err.msg}") from None


def compare_from(
    catalog: Catalog, profile: Profile | None, role_a: str, role_b: str
) -> dict[str, Any]:
    """Return `pathplanner-compare/1` for two roles, with the routes from `profile` to each.

    `you_to_a` and `you_to_b` are the learner's own routes (hours, cost, steps, status, or the
    reason there is none), beside the role-to-role routes; both come from `analysis.compare`
    (its `from_you`).
    """
    from .analysis import compare

    doc = compare(catalog, role_a, role_b, profile)
    if profile is not None:
        you = doc["from_you"]
        for key, side in (("you_to_a", "a"), ("you_to_b", "b")):
            doc[key] = {k: v for k, v in you[side].items() if k != "experience_note"}
    return doc


def profile_of(catalog: Catalog, state: PlanState) -> Profile:
    """Return the learner's current start: their stated skills plus everything finished."""
    return build_profile(
        catalog,
        have={k: v for k, v in state.skills.items()},
        done=state.finished,
        from_role=None,
        experience=dict(state.experience),
    )


class Memo(Generic[T]):
    """The most recently used values by key, each made once; safe to share between threads.

    Two threads asking for a missing key at once may both make it; either value is right,
    because what is kept here is deterministic in its key.
    """

    def __init__(self, size: int = 512) -> None:
        self.size = size
        self._values: OrderedDict[str, T] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str, make: Callable[[], T]) -> T:
        """Return the value kept for key, or make, keep and return it."""
        with self._lock:
            if key in self._values:
                self._values.move_to_end(key)
                return self._values[key]
        made = make()
        with self._lock:
            self._values[key] = made
            while len(self._values) > self.size:
                self._values.popitem(last=False)
        return made


class PlanCache:
    """Plans by state: planning is deterministic, so a state's plan never changes while the
    graph does not. Safe to share between threads."""

    def __init__(self, catalog: Catalog, size: int = 512) -> None:
        self.catalog = catalog
        self._plans: Memo[Plan] = Memo(size)

    def plan(self, state: PlanState, explain: bool = True, options: bool = False) -> Plan:
        """Return `current_plan(state)`, computed once per state."""
        key = dumps_json([explain, options, state.to_dict()])
        return self._plans.get(key, lambda: current_plan(self.catalog, state, explain, options))
