"""Where the learner starts: a role, skill levels and a profile file, combined.

Every value a learner gives is checked by the input models (`models.ProfileFile`,
`models.SkillLevels`, ...) and every name is resolved here, in `resolve_start`; whatever is
wrong comes back at once as one ProfileError holding a Problem per finding.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, TypeVar

from pydantic import TypeAdapter, ValidationError

from ._input import Lines, read_yaml, validation_problems
from ._names import nearest
from .catalog import Catalog
from .errors import Problem, ProfileError, UnknownNameError
from .models import ProfileFile, SkillLevels, StudiedHours
from .semantics import learn

__all__ = [
    "Profile",
    "build_profile",
    "parse_have",
    "read_profile_file",
    "resolve_start",
]

T = TypeVar("T")

Named = tuple[str, Problem]
"""A name and where it was given: a Problem whose message is filled in if the name is unknown."""


@dataclass(frozen=True)
class Profile:
    """A learner's starting state: a level per skill, resources done, time and money."""

    skills: dict[str, int] = field(default_factory=dict)
    done: tuple[str, ...] = ()
    name: str | None = None
    from_role: str | None = None
    hours_per_week: float | None = None
    budget_usd: float | None = None
    # The levels stated (role, --have, profile file) before finished resources count; None
    # when the profile was made by hand, then `skills` is the stated start.
    stated: dict[str, int] | None = None
    # Hours already studied of resources not finished yet ("20 of 40 h done").
    done_hours: dict[str, float] = field(default_factory=dict)
    # Years of practice per role family (or role): what no course gives.
    experience: dict[str, float] = field(default_factory=dict)
    # How each stated level is known (course, work, project, certificate, self-rated).
    evidence: dict[str, str] = field(default_factory=dict)
    # The programming languages the learner writes code in.
    languages: tuple[str, ...] = ()


_LEVELS: TypeAdapter[dict[str, int]] = TypeAdapter(SkillLevels)
_HOURS: TypeAdapter[dict[str, float]] = TypeAdapter(dict[str, StudiedHours])


def _check(adapter: TypeAdapter[T], value: Any, source: str, problems: list[Problem]) -> T | None:
    """Return value validated, or None after adding its problems (named by source)."""
    try:
        return adapter.validate_python(value)
    except ValidationError as err:
        problems.extend(validation_problems(err, source))
        return None


def _read_profile(path: str | Path) -> tuple[ProfileFile, Lines]:
    shown = str(path)
    data, lines = read_yaml(path)
    if not isinstance(data, dict | None):
        raise ProfileError(f"{shown}: a profile must be a mapping (name:, skills:, done: ...)")
    try:
        return ProfileFile.model_validate(data or {}), lines
    except ValidationError as err:
        raise ProfileError(
            validation_problems(err, shown, lines=lines, model=ProfileFile)
        ) from None


def read_profile_file(path: str | Path) -> ProfileFile:
    """Read a profile YAML file and check its shape; raise ProfileError with every problem."""
    return _read_profile(path)[0]


def parse_have(values: Iterable[str], source: str = "have") -> list[tuple[str, int]]:
    """Parse skill levels like 'python:2,sql:1' (a bare name means level 1).

    `source` names where the values come from in messages (the CLI passes its option's name).
    """
    problems: list[Problem] = []
    levels = _check(_LEVELS, list(values), source, problems)
    if levels is None:
        raise ProfileError(problems)
    return list(levels.items())


def resolve_start(
    catalog: Catalog,
    role: str | Named | None = None,
    levels: Iterable[tuple[str, int, Problem]] = (),
    done: Iterable[Named] = (),
    done_hours: Iterable[tuple[str, float, Problem]] = (),
) -> Profile:
    """Return the starting state that checked names and values stand for.

    Levels combine by maximum; done resources count as taken (their skills are learned); hours
    of a resource also done are dropped. Raise ProfileError with every unknown name, each where
    it was given; a role given as plain text raises UnknownNameError itself.
    """
    problems: list[Problem] = []

    def resolve(kind: str, name: str, at: Problem) -> str | None:
        try:
            return catalog.resolve(kind, name)
        except UnknownNameError as err:
            problems.append(replace(at, message=str(err)))
            return None

    skills: dict[str, int] = {}
    role_id = catalog.resolve("role", role) if isinstance(role, str) else None
    if isinstance(role, tuple):
        role_id = resolve("role", *role)
    if role_id is not None:
        learn(skills, catalog.roles[role_id].requires.essential)
    for name, level, at in levels:
        sid = resolve("skill", name, at)
        if sid is not None:
            learn(skills, {sid: level})
    stated = dict(sorted((k, v) for k, v in skills.items() if v > 0))
    done_ids: list[str] = []
    for name, at in done:
        rid = resolve("resource", name, at)
        if rid is not None and rid not in done_ids:
            done_ids.append(rid)
            learn(skills, catalog.resources[rid].teaches)
    partial: dict[str, float] = {}
    for name, hours, at in done_hours:
        rid = resolve("resource", name, at)
        if rid is not None and rid not in done_ids:
            partial[rid] = hours
    if problems:
        raise ProfileError(problems)
    return Profile(
        skills={k: v for k, v in sorted(skills.items()) if v > 0},
        done=tuple(sorted(done_ids)),
        from_role=role_id,
        stated=stated,
        done_hours=dict(sorted(partial.items())),
    )


def build_profile(
    catalog: Catalog,
    from_role: str | None = None,
    have: Iterable[str] | Mapping[str, int] = (),
    profile_file: str | Path | None = None,
    done: Iterable[str | tuple[str, str]] = (),
    have_source: str = "have",
    done_source: str = "done",
    done_hours: Mapping[str, float] | None = None,
    experience: Mapping[str, float] | None = None,
) -> Profile:
    """Return the starting state from a role, skill levels, a profile file and done resources.

    `experience` (and a profile file's `experience:`) gives years of practice per role family
    or role id, e.g. {"data-science": 3}.

    Levels combine by maximum; done resources count as taken (their skills are learned).
    A done item is a name, or a (name, where) pair naming its source (e.g. a file and line);
    `have_source` and `done_source` name the other sources in messages. `done_hours` (and a
    profile file's `done_hours:`) give hours already studied of resources not finished yet;
    the plan keeps them with the hours left. Every problem found is raised at once.
    """
    problems: list[Problem] = []
    pf, lines = None, Lines()
    if profile_file is not None:
        try:
            pf, lines = _read_profile(profile_file)
        except ProfileError as err:
            problems.extend(err.problems or [Problem(str(profile_file), "", "", str(err))])
    raw = dict(have) if isinstance(have, Mapping) else [have] if isinstance(have, str) else [*have]
    given = _check(_LEVELS, raw, have_source, problems)
    hours = _check(_HOURS, done_hours or {}, "done_hours", problems)
    named_done: list[Named] = []
    for item in done:
        name, where = item if isinstance(item, tuple) else (item, done_source)
        if not isinstance(name, str):
            problems.append(Problem(where, "", "", f"must be resource ids, got {name!r}"))
        named_done.append((name, Problem(where, "", "", "")))
    if pf is not None and not pf.confirmed:
        problems.append(
            Problem(
                str(profile_file), "", "confirmed",
                "the skills were guessed from a text and not checked yet: check each level, "
                "then delete the line 'confirmed: false'",
                line=lines.line(("confirmed",)),
            )
        )  # fmt: skip
    if problems or given is None or hours is None:
        raise ProfileError(problems)

    def at(key: str, *loc: object) -> Problem:
        return Problem(str(profile_file), "", key, "", line=lines.line((key, *loc)))

    role: str | Named | None = from_role
    levels = [(n, lv, Problem(have_source, "", "", "")) for n, lv in given.items()]
    studied = [(n, h, Problem("done_hours", "", "", "")) for n, h in hours.items()]
    if pf is not None:
        if not from_role and pf.from_role:
            role = (pf.from_role, at("from"))
        levels = [(n, lv, at("skills", n)) for n, lv in pf.skills.items()] + levels
        named_done = [(d, at("done", i)) for i, d in enumerate(pf.done)] + named_done
        studied = [(n, h, at("done_hours", n)) for n, h in pf.done_hours.items()] + studied
    start = resolve_start(catalog, role or None, levels, named_done, studied)
    years = {**(pf.experience if pf else {}), **(experience or {})}
    if start.from_role is not None:
        # someone in a role has the years that role asks for, unless they say otherwise
        held = {e.family: e.years for e in catalog.roles[start.from_role].experience}
        years = {**held, **years}
    if years:
        start = replace(start, experience=_experience(catalog, years, str(profile_file or "")))
    if pf is None:
        return start
    return replace(
        start,
        name=pf.name,
        hours_per_week=pf.hours_per_week,
        budget_usd=pf.budget_usd,
        evidence=_evidence(catalog, pf, at),
        languages=tuple(dict.fromkeys(pf.languages)),
    )


def _evidence(catalog: Catalog, pf: ProfileFile, at: Any) -> dict[str, str]:
    """Return a profile file's evidence kinds by skill id; each must be a skill it lists."""
    out: dict[str, str] = {}
    problems = []
    listed = {catalog.resolve("skill", n) for n in pf.skills}  # resolved already: known
    for name, kind in pf.evidence.items():
        try:
            sid = catalog.resolve("skill", name)
        except UnknownNameError as err:
            problems.append(replace(at("evidence", name), message=str(err)))
            continue
        if sid not in listed:
            message = f"'{name}' has evidence but no level under skills:"
            problems.append(replace(at("evidence", name), message=message))
            continue
        out[sid] = kind
    if problems:
        raise ProfileError(problems)
    return dict(sorted(out.items()))


def _experience(catalog: Catalog, years: Mapping[str, float], where: str) -> dict[str, float]:
    """Return years of practice keyed by known role families or role ids; refuse others."""
    known = sorted(
        {r.family for r in catalog.roles.values()}
        | set(catalog.roles)
        | {e.family for r in catalog.roles.values() for e in r.experience}
    )
    problems = []
    for key, value in years.items():
        if key not in known:
            hint = nearest(key, known)
            message = f"unknown role family '{key}'" + (
                f" — did you mean '{hint[0]}'?"
                if hint
                else f" (one of: {', '.join(known[:12])} ...)"
            )
            problems.append(Problem(where or "experience", "", f"experience.{key}", message))
        elif not 0 <= value <= 60:
            problems.append(
                Problem(where or "experience", "", f"experience.{key}", "years must be 0 to 60")
            )
    if problems:
        raise ProfileError(problems)
    return {k: float(v) for k, v in sorted(years.items()) if v > 0}
