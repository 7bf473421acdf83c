"""Progress: the plan state a plan carries, what a learner ticked, and re-planning the rest.

Every plan that can be re-read (Markdown, JSON, HTML) carries one `pathplanner-state/1`
document: the whole starting state (learner, start skills, pace, budget, start date, objective
and every constraint) and what was finished, round by round. This module is its only home:
it builds the document, embeds it, finds and validates it, reads ticked steps back, and
re-plans the rest without losing any of it.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from ._input import read_text, validation_problems
from .errors import OutputError, PathPlannerError, PlanningError, ProfileError
from .extract import POSTING_ROLE_ID
from .models import Id, Level
from .semantics import learn

if TYPE_CHECKING:
    from .catalog import Catalog
    from .optimize import Constraints
    from .planner import Plan
    from .profile import Profile

__all__ = [
    "STATE_FORMAT",
    "Finished",
    "MarkdownProgress",
    "PlanState",
    "StateConstraints",
    "StateError",
    "Tick",
    "guard_overwrite",
    "new_state",
    "parse_state",
    "progress_document",
    "progress_text",
    "read_markdown_progress",
    "read_progress",
    "render_progress",
    "replan",
    "resume",
    "state_comment",
]

STATE_FORMAT: Literal["pathplanner-state/1"] = "pathplanner-state/1"


class StateError(ProfileError):
    """Raised when a plan's embedded state is malformed, or a tick names an unknown resource."""


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


Hours = Annotated[float, Field(gt=0)]


class StateConstraints(_Model):
    """The constraints the learner gave, as they gave them (ids resolved)."""

    budget_usd: Annotated[float, Field(ge=0)] | None = None
    max_hours: Annotated[float, Field(ge=0)] | None = None
    free_only: bool = False
    exclude_providers: tuple[str, ...] = ()
    exclude_kinds: tuple[str, ...] = ()
    include: tuple[Id, ...] = ()
    with_certs: tuple[Id, ...] = ()
    include_optional: bool = False
    solver: Literal["milp", "greedy"] = "milp"
    time_limit: Hours = 10.0
    exclude_ids: tuple[Id, ...] = ()
    exclude_skills: tuple[Id, ...] = ()
    prefer_providers: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    avoid_languages: tuple[str, ...] = ()
    any_language: bool = False

    @classmethod
    def of(cls, c: Constraints) -> StateConstraints:
        """Return the constraints a learner gave, from the planner's (same field names)."""
        return cls(**{name: getattr(c, name) for name in cls.model_fields})

    def fields(self) -> dict[str, Any]:
        """Return these constraints as keyword arguments of optimize.Constraints."""
        return {name: getattr(self, name) for name in type(self).model_fields}


class Finished(_Model):
    """One finished resource and when it was recorded.

    round 0: finished before the first plan (a profile's done: list, --done at plan time);
    round N: recorded by the N-th re-plan, whose start date is `date` when known.
    """

    resource: Id
    round: Annotated[int, Field(ge=0)] = 0
    date: dt.date | None = None


class PlanState(_Model):
    """The whole starting state of a plan and what was finished: `pathplanner-state/1`."""

    format: Literal["pathplanner-state/1"] = STATE_FORMAT
    target: Id
    learner: str | None = None
    from_role: Id | None = None
    skills: dict[Id, Level] = Field(default_factory=dict)
    hours_per_week: Annotated[float, Field(gt=0, le=168)]
    start_date: dt.date | None = None
    objective: Literal["hours", "cost", "balanced"] = "hours"
    hourly_rate: Hours = 25.0
    constraints: StateConstraints = StateConstraints()
    done: tuple[Finished, ...] = ()
    done_hours: dict[Id, Hours] = Field(default_factory=dict)
    round: Annotated[int, Field(ge=0)] = 0
    # years of practice per role family or role, as the learner stated them
    experience: dict[Id, Annotated[float, Field(gt=0, le=60)]] = Field(default_factory=dict)
    # more roles the same plan reaches (two goals at once)
    also: tuple[Id, ...] = ()
    # the learner's weekly study times, skipped dates and time zone, as given
    availability: str | None = None
    skip: tuple[str, ...] = ()
    tz: str | None = None

    @field_validator("skills", "done_hours", "experience")
    @classmethod
    def _sorted(cls, value: dict[str, Any]) -> dict[str, Any]:
        return dict(sorted(value.items()))

    def to_dict(self) -> dict[str, Any]:
        """Return the state as plain JSON data (the `state` field of a JSON plan)."""
        return self.model_dump(mode="json")

    def to_json(self) -> dict[str, Any]:
        """Return the state as plain JSON data (the old name of `to_dict`)."""
        return self.to_dict()

    @property
    def finished(self) -> tuple[str, ...]:
        """Return the ids of every finished resource, in the order recorded."""
        return tuple(f.resource for f in self.done)

    def identity(self) -> str:
        """Return who the plan is for: the learner's name, or else their stated start.

        It stays the same across re-plans, so calendar UIDs derived from it do too.
        """
        if self.learner:
            return "learner:" + " ".join(self.learner.split()).casefold()
        start = json.dumps({"from": self.from_role, "skills": self.skills}, sort_keys=True)
        return "profile:" + start


def _state_json(state: PlanState) -> str:
    """Return compact JSON that can sit inside an HTML comment: no `--`, `<` or `>`."""
    text = json.dumps(state.to_dict(), separators=(",", ":"), ensure_ascii=False)
    # Outside strings JSON never holds these characters, so escaping them keeps it valid.
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("--", "-\\u002d")


def state_comment(state: PlanState) -> str:
    """Return the hidden line that embeds the state in Markdown and HTML plans."""
    return f"<!-- pathplanner-state: {_state_json(state)} -->"


_STATE_LINE = re.compile(r"^\s*<!-- pathplanner-state: (.*) -->\s*$")


def _what(err: ValidationError) -> str:
    """Return what a validation of values given in code found wrong: `field: message; ...`."""
    return "; ".join(p.located() for p in validation_problems(err, ""))


def parse_state(data: Any, where: str) -> PlanState:
    """Validate a state document; errors (all of them) read 'where: pathplanner-state: field:
    message'."""
    if not isinstance(data, dict):
        raise StateError(f"{where}: pathplanner-state: must be a JSON object")
    fmt = data.get("format")
    if fmt != STATE_FORMAT:
        raise StateError(
            f"{where}: pathplanner-state: format {fmt!r} is not {STATE_FORMAT!r} "
            "(written by a newer or older pathplanner?)"
        )
    try:
        return PlanState.model_validate(data)
    except ValidationError as err:
        raise StateError(
            validation_problems(err, where, "pathplanner-state", model=PlanState)
        ) from None


def new_state(
    target: str,
    profile: Profile,
    constraints: Constraints,
    hours_per_week: float,
    start: dt.date | None,
    also: tuple[str, ...] = (),
    **when: Any,
) -> PlanState:
    """Return the state of a first plan (constraints with ids already resolved); `when`
    holds the study times (availability, skip, tz) as given."""
    c = constraints
    try:
        return _new_state(target, profile, c, hours_per_week, start, also).model_copy(
            update={k: v for k, v in when.items() if v}
        )
    except ValidationError as err:
        raise PlanningError(f"cannot record the plan's state: {_what(err)}") from None


def _new_state(
    target: str,
    profile: Profile,
    c: Constraints,
    hours_per_week: float,
    start: dt.date | None,
    also: tuple[str, ...] = (),
) -> PlanState:
    skills = profile.stated if profile.stated is not None else profile.skills
    return PlanState(
        target=target,
        learner=profile.name,
        from_role=profile.from_role,
        skills={k: v for k, v in skills.items() if v > 0},
        hours_per_week=hours_per_week,
        start_date=start,
        objective=c.objective,
        hourly_rate=c.hourly_rate,
        constraints=StateConstraints.of(c),
        done=tuple(Finished(resource=r) for r in profile.done),
        done_hours={
            r: h for r, h in sorted(profile.done_hours.items()) if r not in profile.done and h > 0
        },
        experience=dict(profile.experience),
        also=also,
    )


# -- reading plans back ---------------------------------------------------------------------


@dataclass(frozen=True)
class Tick:
    """A resource marked done, and where (file and line, or the option) it was marked."""

    resource: str
    where: str


@dataclass(frozen=True)
class Partial:
    """Hours studied of a step not finished yet, and where that was written."""

    resource: str
    hours: float
    where: str


@dataclass(frozen=True)
class MarkdownProgress:
    """What a re-read plan says: its state, target, start role and the steps ticked and not."""

    path: str
    target: str | None
    from_role: str | None
    done: tuple[str, ...]
    open: tuple[str, ...]
    state: PlanState | None = None
    ticks: tuple[Tick, ...] = ()
    partial: tuple[Partial, ...] = ()
    state_where: str = "state"  # 'plan.md: line 2', for messages about the state's content

    def to_dict(self) -> dict[str, Any]:
        """Return what was re-read as JSON-ready data."""
        data = asdict(self)
        data["state"] = self.state.to_dict() if self.state is not None else None
        return data

    @property
    def has_progress(self) -> bool:
        """Return whether the file records anything a fresh plan would wipe."""
        recorded = self.state is not None and (
            any(f.round > 0 for f in self.state.done) or bool(self.state.done_hours)
        )
        return recorded or bool(self.ticks) or bool(self.partial)


_HEADER = re.compile(r"<!-- pathplanner-plan target=([a-z0-9-]+)(?: from=([a-z0-9-]+))? -->")
_ID = r"[a-z0-9]+(?:-[a-z0-9]+)*"
# A plan's own step line ends in a hidden marker; data in titles cannot forge one because
# the Markdown filter escapes '<' and '>' and folds newlines.
_STEP = re.compile(rf"^\s*[-*] \[( |x|X)\] (.*?)<!-- step: ({_ID}) -->(.*)$")
# Plans written before the marker existed: '- [x] **1. Title** (`id`) ...'.
_LEGACY = re.compile(rf"^\s*[-*] \[( |x|X)\] \*\*.*?\(`({_ID})`\)")
# '(20/40 h)' at the end of a step line: 20 of the step's 40 hours are done.
_PARTIAL = re.compile(r"\((\d+(?:\.\d+)?)\s*/\s*(\d+(?:\.\d+)?)\s*h\)$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")


def _visible_lines(text: str) -> list[tuple[int, str]]:
    """Return (line number, line) outside fenced code blocks and multi-line HTML comments."""
    out: list[tuple[int, str]] = []
    fence = ""
    in_comment = False
    for n, line in enumerate(text.splitlines(), start=1):
        if in_comment:
            in_comment = "-->" not in line
            continue
        m = _FENCE.match(line)
        if fence:
            closes = m is not None and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence)
            if closes and not line.strip().strip(fence[0]):
                fence = ""
            continue
        if m:
            fence = m.group(1)
            continue
        stripped = line.strip()
        if stripped.startswith("<!--") and "-->" not in stripped:
            in_comment = True
            continue
        out.append((n, line))
    return out


def _find_state(
    lines: Iterable[tuple[int, str]], shown: str
) -> tuple[PlanState, str] | tuple[None, str]:
    for n, line in lines:
        m = _STATE_LINE.match(line)
        if m:
            where = f"{shown}: line {n}"
            try:
                data = json.loads(m.group(1))
            except json.JSONDecodeError as err:
                raise StateError(
                    f"{where}: pathplanner-state: malformed JSON at column {err.colno}: {err.msg}"
                ) from None
            return parse_state(data, where), where
    return None, shown


def read_markdown_progress(path: str | Path) -> MarkdownProgress:
    """Read a Markdown plan: its state, and the ticked and open boxes of its own step lines.

    Only the plan's step lines count (those ending in `<!-- step: id -->`), never a box in
    a title, in a fenced code block or in a comment. A step line ending in `(20/40 h)`
    records 20 hours done of a step not finished yet.
    """
    shown = str(path)
    text = read_text(path)
    return _parse_markdown(text, shown)


def _parse_markdown(text: str, shown: str) -> MarkdownProgress:
    lines = _visible_lines(text)
    state, state_where = _find_state(lines, shown)
    header = _HEADER.search(text)
    marked = [(n, m) for n, line in lines if (m := _STEP.match(line))]
    done: list[str] = []
    left: list[str] = []
    ticks: list[Tick] = []
    partial: list[Partial] = []
    if marked or state is not None:
        for n, m in marked:
            box, rid = m.group(1), m.group(3)
            body = f"{m.group(2).strip()} {m.group(4).strip()}".strip()
            where = f"{shown}: line {n}"
            if box in "xX":
                done.append(rid)
                ticks.append(Tick(rid, where))
                continue
            left.append(rid)
            hp = _PARTIAL.search(body)
            if hp:
                partial.append(Partial(rid, float(hp.group(1)), where))
    else:
        for n, line in lines:
            lm = _LEGACY.match(line)
            if lm:
                if lm.group(1) in "xX":
                    done.append(lm.group(2))
                    ticks.append(Tick(lm.group(2), f"{shown}: line {n}"))
                else:
                    left.append(lm.group(2))
        if not done and not left:
            raise ProfileError(
                f"{shown}: no plan steps found (expected a Markdown plan written by "
                "pathplanner, with lines like '- [ ] **1. Title** (`id`)')"
            )
    return MarkdownProgress(
        path=shown,
        target=state.target if state else (header.group(1) if header else None),
        from_role=state.from_role if state else (header.group(2) if header else None),
        done=tuple(dict.fromkeys(done)),
        open=tuple(r for r in dict.fromkeys(left) if r not in done),
        state=state,
        ticks=tuple(ticks),
        partial=tuple(partial),
        state_where=state_where,
    )


def read_progress(path: str | Path) -> MarkdownProgress:
    """Read any plan pathplanner can re-read: Markdown (state and ticks), JSON or HTML (state)."""
    shown = str(path)
    text = read_text(path)
    if text.lstrip().startswith("{"):
        try:
            doc = json.loads(text)
        except json.JSONDecodeError as err:
            raise StateError(f"{shown}: line {err.lineno}: malformed JSON: {err.msg}") from None
        if isinstance(doc, dict) and doc.get("format") == "pathplanner-progress/1":
            doc = doc.get("plan")
        if not isinstance(doc, dict) or "state" not in doc:
            raise StateError(
                f"{shown}: not a plan with a state (expected pathplanner-plan/1 JSON "
                "written by this version of pathplanner)"
            )
        where = f"{shown}: state"
        state = parse_state(doc["state"], where)
        return MarkdownProgress(
            shown, state.target, state.from_role, (), (), state, state_where=where
        )
    if re.match(r"\s*<!DOCTYPE html|\s*<html", text, re.I):
        found, where = _find_state(enumerate(text.splitlines(), start=1), shown)
        if found is None:
            raise StateError(f"{shown}: no pathplanner-state line found in this HTML plan")
        return MarkdownProgress(
            shown, found.target, found.from_role, (), (), found, state_where=where
        )
    return _parse_markdown(text, shown)


def guard_overwrite(path: str | Path, source: str | Path | None = None) -> None:
    """Refuse to write a plan over a file that records progress (other than the one re-read).

    A fresh plan over a ticked plan would silently wipe the ticks; `progress` keeps them.
    """
    target = Path(path)
    if not target.is_file():
        return
    if source is not None and Path(source).resolve() == target.resolve():
        return
    try:
        found = read_progress(target)
    except PathPlannerError:
        return  # not a plan pathplanner can re-read: nothing of ours to lose
    if found.has_progress:
        raise OutputError(
            f"{target}: records finished steps; overwriting it would lose them. Re-plan from "
            "it instead (progress keeps them), or remove the file first"
        )


# -- re-planning ------------------------------------------------------------------------------


def _resolve_tick(catalog: Catalog, name: str, where: str) -> str:
    """Resolve a finished resource; an error names where it was marked (or the setting)."""
    try:
        return catalog.resolve("resource", name)
    except PathPlannerError as err:
        if where in ("done", "done_hours"):
            raise StateError(str(err), setting=where) from err
        raise StateError(f"{where}: {err}") from err


def replan(
    catalog: Catalog,
    state: PlanState,
    done: Iterable[str | Tick] = (),
    done_hours: Mapping[str, float] | Iterable[Partial] | None = None,
    *,
    profile: Profile | None = None,
    target: str | None = None,
    hours_per_week: float | None = None,
    start: dt.date | None = None,
    constraints: Mapping[str, Any] | None = None,
    explain: bool = True,
    where: str = "state",
    alternatives: int = 0,
    tradeoff: bool = False,
) -> Plan:
    """Return the plan for what is left, keeping the whole state and every finished step.

    `done` is what was finished since (ids, or Ticks that say where); already recorded ones
    stay in their round. `done_hours` gives hours studied of unfinished steps (the latest
    figure counts; enough hours make a step finished). `profile` (extra skills, a name,
    pace or budget), `target`, `hours_per_week` and `constraints` (Constraints fields) change
    the state from now on. Without `start` the rest starts after the weeks already studied.
    Budget and max hours bound the whole route: what rounds finished counts against them.
    `where` names the state's origin in messages ('plan.md: line 2'). `alternatives` and
    `tradeoff` add other routes and the hours-against-dollars trade-off, as `plan` does.
    """
    from .optimize import Constraints
    from .planner import plan as make_plan
    from .profile import Profile

    _check_state(catalog, state, where)
    if target is not None:
        state = state.model_copy(update={"target": catalog.resolve_role(target).id})
    state = _apply_profile(catalog, state, profile)
    if hours_per_week is not None:
        state = state.model_copy(update={"hours_per_week": hours_per_week})
    if constraints:
        state = _apply_constraints(catalog, state, constraints)

    rnd = state.round + 1
    known = set(state.finished)
    new: list[str] = []
    for item in done:
        tick = item if isinstance(item, Tick) else Tick(item, "done")
        rid = _resolve_tick(catalog, tick.resource, tick.where)
        if rid not in known and rid not in new:
            new.append(rid)
    partial = dict(state.done_hours)
    entries: list[Partial] = (
        [Partial(k, v, "done_hours") for k, v in done_hours.items()]
        if isinstance(done_hours, Mapping)
        else list(done_hours or ())
    )
    for entry in entries:
        rid = _resolve_tick(catalog, entry.resource, entry.where)
        if entry.hours <= 0:
            partial.pop(rid, None)
        elif entry.hours >= catalog.resources[rid].hours - 1e-9:
            if rid not in known and rid not in new:
                new.append(rid)
        else:
            partial[rid] = float(entry.hours)
    finished_now = known | set(new)
    partial = {r: h for r, h in sorted(partial.items()) if r not in finished_now}

    # What earlier rounds and this one finished was studied and bought on this plan's account.
    since = [f.resource for f in state.done if f.round > 0] + new
    studied = sum(catalog.resources[r].hours for r in since)
    spent = sum(catalog.resources[r].cost_usd for r in since)
    rest_start = start
    if rest_start is None and state.start_date is not None:
        weeks = math.ceil((studied + sum(partial.values())) / state.hours_per_week - 1e-9)
        rest_start = state.start_date + dt.timedelta(weeks=max(weeks, 0))
    recorded = tuple(Finished(resource=r, round=rnd, date=rest_start) for r in sorted(new))
    state = state.model_copy(
        update={"done": (*state.done, *recorded), "done_hours": partial, "round": rnd}
    )

    skills = dict(state.skills)
    for rid in state.finished:
        learn(skills, catalog.resources[rid].teaches)
    sc = state.constraints
    c = Constraints(
        **{
            **sc.fields(),
            "objective": state.objective,
            "hourly_rate": state.hourly_rate,
            "budget_usd": None
            if sc.budget_usd is None
            else max(0.0, round(sc.budget_usd - spent, 2)),
            "max_hours": None
            if sc.max_hours is None
            else max(0.0, round(sc.max_hours - studied, 2)),
            "include": tuple(r for r in sc.include if r not in finished_now),
        }
    )
    me = Profile(
        skills=dict(sorted(skills.items())),
        done=tuple(sorted(finished_now)),
        name=state.learner,
        from_role=state.from_role,
        stated=dict(state.skills),
        done_hours=partial,
        experience=dict(state.experience),
    )
    rest = make_plan(
        catalog,
        state.target,
        me,
        constraints=c,
        hours_per_week=state.hours_per_week,
        start=rest_start,
        explain=explain,
        also=state.also,
        availability=state.availability,
        skip=state.skip,
        tz=state.tz,
        alternatives=alternatives,
        tradeoff=tradeoff,
    )
    return replace(rest, state=state)


def _check_state(catalog: Catalog, state: PlanState, where: str) -> None:
    """Raise StateError, naming where the state came from, for ids the graph does not know."""
    checks: list[tuple[str, str, str]] = [("role", state.target, "target")]
    if state.from_role:
        checks.append(("role", state.from_role, "from_role"))
    checks += [("skill", s, f"skills.{s}") for s in state.skills]
    checks += [("skill", s, "constraints.with_certs") for s in state.constraints.with_certs]
    checks += [("resource", r, "constraints.include") for r in state.constraints.include]
    checks += [("role", r, "also") for r in state.also]
    checks += [("resource", r, "constraints.exclude_ids") for r in state.constraints.exclude_ids]
    checks += [("skill", s, "constraints.exclude_skills") for s in state.constraints.exclude_skills]
    checks += [("resource", r, "done") for r in state.finished]
    checks += [("resource", r, f"done_hours.{r}") for r in state.done_hours]
    for kind, name, field in checks:
        try:
            catalog.resolve(kind, name)
        except PathPlannerError as err:
            if field == "target" and name == POSTING_ROLE_ID:  # a plan to a job posting
                raise StateError(
                    f"{where}: this plan was made to a job posting",
                    setting="to_posting",
                    remedy="FILE to give that posting again",
                ) from err
            raise StateError(f"{where}: pathplanner-state: {field}: {err}") from err


def _apply_profile(catalog: Catalog, state: PlanState, profile: Profile | None) -> PlanState:
    """Merge what a profile given now adds: skills (by maximum), name, pace and budget."""
    if profile is None:
        return state
    skills = dict(state.skills)
    learn(skills, profile.stated if profile.stated is not None else profile.skills)
    update: dict[str, Any] = {"skills": dict(sorted(skills.items()))}
    if profile.name:
        update["learner"] = profile.name
    if profile.from_role:
        update["from_role"] = profile.from_role
    if profile.hours_per_week:
        update["hours_per_week"] = profile.hours_per_week
    if profile.experience:
        update["experience"] = {**state.experience, **profile.experience}
    if profile.budget_usd is not None:
        update["constraints"] = state.constraints.model_copy(
            update={"budget_usd": profile.budget_usd}
        )
    extra = {r: h for r, h in profile.done_hours.items()}
    if extra:
        update["done_hours"] = {**state.done_hours, **extra}
    state = state.model_copy(update=update)
    known = set(state.finished)
    more = tuple(Finished(resource=r) for r in profile.done if r not in known)
    return state.model_copy(update={"done": (*state.done, *more)}) if more else state


# the constraints whose names resolve to ids (or canonical codes) before they are kept
_RESOLVED = (
    "include",
    "with_certs",
    "exclude_ids",
    "exclude_skills",
    "languages",
    "avoid_languages",
)


def _apply_constraints(catalog: Catalog, state: PlanState, given: Mapping[str, Any]) -> PlanState:
    """Return the state with the constraints given now (Constraints fields) replacing its own."""
    from .planner import resolve_constraints

    fields = dict(given)
    top: dict[str, Any] = {k: fields.pop(k) for k in ("objective", "hourly_rate") if k in fields}
    unknown = sorted(set(fields) - set(StateConstraints.model_fields))
    if unknown:
        raise PlanningError(f"unknown constraint(s): {', '.join(unknown)}")
    if fields:
        from .optimize import Constraints

        given = {k: tuple(v) if isinstance(v, list | tuple) else v for k, v in fields.items()}
        resolved = resolve_constraints(catalog, Constraints(**given))
        for key in _RESOLVED:
            if key in fields:
                fields[key] = getattr(resolved, key)
    merged = {**state.constraints.model_dump(), **fields}
    try:
        sc = StateConstraints.model_validate(merged)
    except ValidationError as err:
        raise PlanningError(_what(err)) from None
    return state.model_copy(update={"constraints": sc, **top})


def resume(
    catalog: Catalog,
    source: MarkdownProgress | str | Path | None,
    *,
    target: str | None = None,
    profile: Profile | None = None,
    from_role: str | None = None,
    have: Iterable[str] | Mapping[str, int] = (),
    profile_file: str | Path | None = None,
    done: Sequence[str] = (),
    hours_per_week: float | None = None,
    start: dt.date | None = None,
    constraints: Mapping[str, Any] | None = None,
    explain: bool = True,
    have_source: str = "have",
) -> Plan:
    """Re-plan from a re-read plan or its file (or from scratch): its state, ticks and `done`.

    `profile`, or one built from `from_role`, `have` and `profile_file` (`have_source` names
    `have` in messages), adds to the start; `done` is what was finished since; `target`,
    `hours_per_week`, `start` and `constraints` (Constraints fields) change the state from
    now on. A plan without a state (written before states existed, or none at all) starts
    one from them and the role it names, as `plan` would.
    """
    from .optimize import Constraints
    from .planner import resolve_constraints
    from .profile import Profile, build_profile

    if isinstance(source, (str, Path)):
        source = read_progress(source)
    fresh = source is None or source.state is None
    if profile is None and (fresh or from_role or have or profile_file):
        legacy_from = source.from_role if source and fresh else None
        profile = build_profile(
            catalog,
            from_role=from_role or legacy_from,
            have=have,
            profile_file=profile_file,
            have_source=have_source,
        )
    ticks: list[str | Tick] = [*(source.ticks if source else ()), *done]
    partial = source.partial if source else ()
    found = source.state if source else None
    if found is None:
        role = target or (source.target if source else None)
        if not role:
            raise PlanningError(
                "no role to plan for (a plan written by pathplanner names its own)",
                setting="target",
            )
        me = profile or Profile()
        c = resolve_constraints(catalog, Constraints(**dict(constraints or {})), me)
        hpw = hours_per_week or me.hours_per_week or _default_pace()
        state = new_state(catalog.resolve_role(role).id, me, c, hpw, start)
        return replan(catalog, state, ticks, partial, start=start, explain=explain)
    return replan(
        catalog,
        found,
        ticks,
        partial,
        profile=profile,
        target=target,
        hours_per_week=hours_per_week,
        start=start,
        constraints=constraints,
        explain=explain,
        where=source.state_where if source else "state",
    )


def _default_pace() -> float:
    from .planner import DEFAULT_HOURS_PER_WEEK

    return DEFAULT_HOURS_PER_WEEK


# -- reporting progress -----------------------------------------------------------------------


def _done_hours(plan: Plan, catalog: Catalog) -> tuple[list[str], float]:
    done = list(plan.state.finished) if plan.state else []
    hours = sum(catalog.resources[r].hours for r in done if r in catalog.resources)
    return done, round(hours, 2)


def progress_document(plan: Plan, catalog: Catalog) -> dict[str, Any]:
    """Return `pathplanner-progress/1`: what is done (all rounds) and the re-planned rest."""
    done, hours = _done_hours(plan, catalog)
    doc: dict[str, Any] = {"format": "pathplanner-progress/1", "done": done, "done_hours": hours}
    if plan.state and plan.state.done_hours:
        doc["in_progress"] = dict(plan.state.done_hours)
    doc["plan"] = plan.to_dict()
    return doc


def render_progress(plan: Plan, fmt: str, catalog: Catalog) -> str:
    """Return a re-plan in a format: JSON is `pathplanner-progress/1`; text heads the plan
    with what is done, in progress and left; other formats are the plan's own."""
    from ._io import dumps_json
    from .render import render_plan

    if fmt == "json":
        return dumps_json(progress_document(plan, catalog))
    body = render_plan(plan, fmt, catalog)
    return progress_text(plan, catalog) + "\n" + body if fmt in ("text", "txt") else body


def progress_text(plan: Plan, catalog: Catalog) -> str:
    """Return the terminal lines that head a re-plan: what is done, in progress and left."""
    from .text import fmt_hours

    done, hours = _done_hours(plan, catalog)
    lines = [f"Done: {len(done)} resource(s), {fmt_hours(hours)}"]
    titles = {r: catalog.resources[r].title for r in done if r in catalog.resources}
    lines += [f"  [x] {titles.get(r, r)} ({r})" for r in done]
    for rid, h in (plan.state.done_hours if plan.state else {}).items():
        total = catalog.resources[rid].hours
        lines.append(f"  [ ] {catalog.resources[rid].title} ({rid}): {h:g}/{total:g} h done")
    left = len(plan.steps)
    lines.append(
        f"Left: {left} step(s), {fmt_hours(plan.total_hours)}" + ("" if left else " — done!")
    )
    return "\n".join(lines) + "\n"
