"""Where the learner starts: --from ROLE, --have skill:level and a profile file, combined."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ._input import check_number, read_yaml
from .catalog import Catalog
from .errors import PathPlannerError, ProfileError, UnknownNameError
from .semantics import learn

__all__ = ["Profile", "build_profile", "parse_have", "read_profile_file"]


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


@dataclass(frozen=True)
class ProfileFile:
    """The raw content of a profile YAML file, names not yet resolved."""

    path: str
    name: str | None
    skills: dict[str, int]
    done: list[str]
    hours_per_week: float | None
    budget_usd: float | None
    from_role: str | None
    done_hours: dict[str, float] = field(default_factory=dict)


_FIELDS = {"name", "skills", "done", "done_hours", "hours_per_week", "budget_usd", "from"}


def _level(value: Any, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 3:
        raise ProfileError(f"{where}: level must be a whole number from 0 to 3, got {value!r}")
    return value


def _number(data: Mapping[str, Any], key: str, where: str) -> float | None:
    value = data.get(key)
    if value is None:
        return None
    if isinstance(value, str):  # a profile number is a YAML number, not text
        raise ProfileError(f"{where}: {key}: must be a number, got {value!r}")
    try:
        return check_number(value, key)
    except ValueError as err:
        raise ProfileError(f"{where}: {key}: {err}") from None


def read_profile_file(path: str | Path) -> ProfileFile:
    """Read and check the shape of a profile YAML file."""
    import difflib

    shown = str(path)
    data = read_yaml(path)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ProfileError(f"{shown}: a profile must be a mapping (name:, skills:, done: ...)")
    for key in sorted(map(str, data)):
        if key not in _FIELDS:
            hint = difflib.get_close_matches(key, sorted(_FIELDS), n=1)
            extra = f" — did you mean '{hint[0]}'?" if hint else ""
            raise ProfileError(f"{shown}: {key}: unknown field{extra}")
    skills = data.get("skills") or {}
    if not isinstance(skills, dict):
        raise ProfileError(f"{shown}: skills: must be a mapping of skill: level")
    levels = {str(k): _level(v, f"{shown}: skills.{k}") for k, v in skills.items()}
    done = data.get("done") or []
    if not isinstance(done, list) or not all(isinstance(d, str) for d in done):
        raise ProfileError(f"{shown}: done: must be a list of resource ids")
    partial = data.get("done_hours") or {}
    if not isinstance(partial, dict):
        raise ProfileError(f"{shown}: done_hours: must be a mapping of resource: hours")
    done_hours: dict[str, float] = {}
    for key, value in partial.items():
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
            raise ProfileError(
                f"{shown}: done_hours.{key}: must be a positive number of hours, got {value!r}"
            )
        done_hours[str(key)] = float(value)
    name = data.get("name")
    from_role = data.get("from")
    for key, value in (("name", name), ("from", from_role)):
        if value is not None and not isinstance(value, (str, int, float)):
            raise ProfileError(f"{shown}: {key}: must be text, got a {type(value).__name__}")
    return ProfileFile(
        path=shown,
        name=str(name) if name is not None else None,
        skills=levels,
        done=list(done),
        hours_per_week=_number(data, "hours_per_week", shown),
        budget_usd=_number(data, "budget_usd", shown),
        from_role=str(from_role) if from_role is not None else None,
        done_hours=done_hours,
    )


def parse_have(values: Iterable[str], source: str = "have") -> list[tuple[str, int]]:
    """Parse have values like 'python:2,sql:1' (a bare name means level 1).

    `source` names where the values come from in messages (the CLI passes its flag).
    """
    out: list[tuple[str, int]] = []
    for value in values:
        if not isinstance(value, str):
            raise ProfileError(f"{source}: must be text like python:2,sql:1, got {value!r}")
        for part in value.split(","):
            part = part.strip()
            if not part:
                continue
            name, sep, level_text = part.rpartition(":")
            if not sep:
                name, level_text = part, "1"
            try:
                level = int(level_text)
            except ValueError:
                raise ProfileError(
                    f"{source} '{part}': level must be a whole number from 0 to 3"
                ) from None
            _level(level, f"{source} '{part}'")
            out.append((name.strip(), level))
    return out


def build_profile(
    catalog: Catalog,
    from_role: str | None = None,
    have: Iterable[str] | Mapping[str, int] = (),
    profile_file: str | Path | None = None,
    done: Iterable[str | tuple[str, str]] = (),
    have_source: str = "have",
    done_source: str = "done",
    done_hours: Mapping[str, float] | None = None,
) -> Profile:
    """Return the starting state from a role, skill levels, a profile file and done resources.

    Levels combine by maximum; done resources count as taken (their skills are learned).
    A done item is a name, or a (name, where) pair naming its source (e.g. a file and line);
    `have_source` and `done_source` name the other sources in messages. `done_hours` (and a
    profile file's `done_hours:`) give hours already studied of resources not finished yet;
    the plan keeps them with the hours left.
    """
    skills: dict[str, int] = {}
    pf = read_profile_file(profile_file) if profile_file is not None else None
    role_name = from_role or (pf.from_role if pf else None)
    role_id = None
    if role_name:
        role = catalog.resolve_role(role_name)
        role_id = role.id
        learn(skills, role.requires.essential)

    def add(name: str, level: int, where: str) -> None:
        try:
            sid = catalog.resolve("skill", name)
        except UnknownNameError as err:
            raise ProfileError(f"{where}: {err}") from err
        learn(skills, {sid: level})

    if pf is not None:
        for name, level in pf.skills.items():
            add(name, level, f"{pf.path}: skills.{name}")
    if isinstance(have, Mapping):
        pairs = []
        for name, level in have.items():
            if not isinstance(name, str):
                raise ProfileError(f"{have_source}: skill names must be text, got {name!r}")
            pairs.append((name, _level(level, f"{have_source}.{name}")))
    elif isinstance(have, str):
        pairs = parse_have([have], have_source)
    else:
        pairs = parse_have(have, have_source)
    for name, level in pairs:
        add(name, level, have_source)
    stated = dict(sorted((k, v) for k, v in skills.items() if v > 0))
    done_ids: list[str] = []
    sources: list[tuple[str, str]] = []
    for item in done:
        name, where = item if isinstance(item, tuple) else (item, done_source)
        if not isinstance(name, str):
            raise ProfileError(f"{where}: must be resource ids, got {name!r}")
        sources.append((name, where))
    if pf is not None:
        sources = [(d, f"{pf.path}: done") for d in pf.done] + sources
    for name, where in sources:
        try:
            rid = catalog.resolve("resource", name)
        except PathPlannerError as err:
            raise ProfileError(f"{where}: {err}") from err
        if rid not in done_ids:
            done_ids.append(rid)
        learn(skills, catalog.resources[rid].teaches)
    partial: dict[str, float] = {}
    hour_sources = (
        [(k, v, f"{pf.path}: done_hours") for k, v in pf.done_hours.items()] if pf else []
    )
    hour_sources += [(k, v, "done_hours") for k, v in (done_hours or {}).items()]
    for name, hours, where in hour_sources:
        try:
            rid = catalog.resolve("resource", name)
        except PathPlannerError as err:
            raise ProfileError(f"{where}: {err}") from err
        if hours <= 0:
            raise ProfileError(f"{where}: {rid}: must be a positive number of hours")
        if rid not in done_ids:
            partial[rid] = float(hours)
    return Profile(
        skills={k: v for k, v in sorted(skills.items()) if v > 0},
        done=tuple(sorted(done_ids)),
        name=pf.name if pf else None,
        from_role=role_id,
        hours_per_week=pf.hours_per_week if pf else None,
        budget_usd=pf.budget_usd if pf else None,
        stated=stated,
        done_hours=dict(sorted(partial.items())),
    )
