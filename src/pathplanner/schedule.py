"""Order the chosen resources (prerequisites first, related topics together) and fit them to weeks."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .catalog import Catalog
from .errors import PlanningError
from .semantics import unmet, unmet_choices

__all__ = [
    "ScheduledStep",
    "Session",
    "Window",
    "dependencies",
    "order",
    "parse_availability",
    "parse_skip",
    "schedule",
    "sessions",
]


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


def order(
    catalog: Catalog,
    start: Mapping[str, int],
    chosen: Sequence[str],
    groups: Mapping[str, int] | None = None,
    hours_per_week: float | None = None,
    hours: Mapping[str, float] | None = None,
) -> list[str]:
    """Return chosen in an executable order a coach would follow.

    Kahn's algorithm; among the resources that are ready: one placed `first` in the graph,
    then any but one placed `last`; then by `groups` (lower first: the steps two goals share
    before those only one needs); then an exam (right after its preparation), then
    foundations before tools before projects (`_stage`), then (given `hours_per_week`) a
    short resource that still fits in the week under way before one that would be split
    across two weeks, then the topic just studied, then the shallowest in the dependency
    graph, then the id (so the order is stable). `hours` overrides resources' hours (what
    is left of a step begun). A
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
    used = 0.0  # study hours before the next step, to see where weeks end

    def length(rid: str) -> float:
        return (hours or {}).get(rid, catalog.resources[rid].hours)

    def split(rid: str) -> bool:
        """Return whether a short resource would start in one week and end in the next."""
        if not hours_per_week or length(rid) > hours_per_week:
            return False  # a long one spans weeks anyway
        first = math.floor(used / hours_per_week + 1e-9)
        return math.ceil((used + length(rid)) / hours_per_week - 1e-9) - 1 > first

    while waiting:
        free = [rid for rid, d in waiting.items() if not d]
        if not free:  # cannot happen on a validated (acyclic) catalogue
            raise RuntimeError("the chosen resources depend on each other in a cycle")
        ready = [rid for rid in free if not hinted[rid]] or free
        pick = min(
            ready,
            key=lambda r: (
                rank(r),
                (groups or {}).get(r, 0),
                _stage(catalog, r),
                split(r),
                _topic(catalog, r) != last_topic,
                depth_of(r),
                _topic(catalog, r),
                r,
            ),
        )
        done.append(pick)
        used += length(pick)
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


# -- study sessions in the learner's week -------------------------------------------------

_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_FULL_DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_WINDOW = re.compile(r"^([a-z]+)\s+(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})$")
_MAX_SESSION_DAYS = 366 * 30  # a plan that needs longer than this is refused, not looped over


@dataclass(frozen=True)
class Window:
    """A weekly time the learner studies: a day of the week and a start and end time."""

    weekday: int  # 0 Monday ... 6 Sunday
    start: dt.time
    end: dt.time

    @property
    def minutes(self) -> int:
        """Return the window's length in minutes."""
        return (self.end.hour * 60 + self.end.minute) - (self.start.hour * 60 + self.start.minute)


@dataclass(frozen=True)
class Session:
    """One study session: a part of one step, at a time in the learner's week."""

    step: int
    resource: str
    title: str
    index: int  # the session's number within its step, from 1
    count: int  # how many sessions the step takes
    start: dt.datetime  # aware, in the learner's time zone
    end: dt.datetime

    @property
    def hours(self) -> float:
        """Return the session's length in hours."""
        return (self.end - self.start).total_seconds() / 3600


def _short(text: str) -> str:
    """Return a value as a message quotes it: at most 60 characters."""
    return text if len(text) <= 60 else text[:57] + "..."


def parse_availability(text: str) -> tuple[Window, ...]:
    """Return the weekly windows of "tue 19:00-21:00, sat 09:00-13:00"; raise PlanningError
    naming the part that is wrong (with the nearest day name for a misspelt one)."""
    from ._names import nearest

    windows: list[Window] = []
    parts = [p.strip() for p in text.split(",") if p.strip()]
    if not parts:
        raise PlanningError("no study times given (e.g. 'tue 19:00-21:00, sat 09:00-13:00')",
                            setting="availability")  # fmt: skip
    for part in parts:
        m = _WINDOW.match(" ".join(part.lower().split()))
        if m is None:
            raise PlanningError(f"'{_short(part)}' is not DAY HH:MM-HH:MM (e.g. 'tue 19:00-21:00')",
                                setting="availability")  # fmt: skip
        day, h1, m1, h2, m2 = m.groups()
        key = day[:3]
        if key not in _DAYS or not any(full.startswith(day) for full in _FULL_DAYS):
            hint = nearest(key, list(_DAYS))
            near = (
                f" — did you mean '{hint[0]}'?" if hint else " (mon, tue, wed, thu, fri, sat, sun)"
            )
            raise PlanningError(
                f"'{_short(part)}': unknown day '{_short(day)}'{near}", setting="availability"
            )
        try:
            begin, end = dt.time(int(h1), int(m1)), dt.time(int(h2), int(m2))
        except ValueError:
            raise PlanningError(
                f"'{_short(part)}': not a time of day", setting="availability"
            ) from None
        window = Window(_DAYS.index(key), begin, end)
        if window.minutes < 15:
            raise PlanningError(f"'{_short(part)}': a study time must end at least 15 minutes after "
                                "it starts, on the same day", setting="availability")  # fmt: skip
        for other in windows:
            if other.weekday == window.weekday and begin < other.end and other.start < end:
                raise PlanningError(
                    f"'{_short(part)}' overlaps another study time", setting="availability"
                )
        windows.append(window)
    return tuple(sorted(windows, key=lambda w: (w.weekday, w.start)))


def parse_skip(values: Sequence[str]) -> tuple[tuple[dt.date, dt.date], ...]:
    """Return the date ranges of "2027-12-20..2028-01-03" (or one date); raise PlanningError."""
    out: list[tuple[dt.date, dt.date]] = []
    for value in values:
        first, _, last = value.strip().partition("..")
        try:
            lo = dt.date.fromisoformat(first.strip())
            hi = dt.date.fromisoformat(last.strip()) if last else lo
        except ValueError:
            raise PlanningError(f"'{_short(value)}' is not YYYY-MM-DD or YYYY-MM-DD..YYYY-MM-DD",
                                setting="skip") from None  # fmt: skip
        if hi < lo:
            raise PlanningError(f"'{_short(value)}' ends before it begins", setting="skip")
        out.append((lo, hi))
    return tuple(sorted(out))


def local_zone() -> str:
    """Return this machine's time zone name (TZ, /etc/timezone, /etc/localtime), else UTC."""
    import os
    from pathlib import Path

    name = os.environ.get("TZ", "").lstrip(":")
    if not name:
        try:
            name = Path("/etc/timezone").read_text(encoding="utf-8").strip()
        except OSError:
            link = str(Path("/etc/localtime").resolve())
            name = link.split("zoneinfo/", 1)[1] if "zoneinfo/" in link else ""
    return name or "UTC"


def zone(name: str) -> Any:
    """Return the time zone of an IANA name; raise PlanningError for an unknown one."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    shown = name if len(name) <= 60 else name[:57] + "..."
    try:
        if len(name) > 255:  # no zone name is this long; the file system would refuse it
            raise ValueError(name)
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise PlanningError(f"unknown time zone '{shown}' (e.g. Europe/Berlin, America/New_York)",
                            setting="tz") from None  # fmt: skip


def sessions(
    steps: Sequence[tuple[int, str, str, float]],
    windows: Sequence[Window],
    first_day: dt.date,
    tz_name: str,
    skip: Sequence[tuple[dt.date, dt.date]] = (),
) -> list[Session]:
    """Fill the weekly windows, day by day from first_day, with the steps in order.

    `steps` are (number, resource, title, hours). A window holds the end of one step and the
    start of the next as two sessions; skipped dates hold none. Times are whole minutes in
    the learner's time zone. Raise PlanningError when the plan would need more than 30 years.
    """
    tz = zone(tz_name)
    left = [(n, rid, title, round(hours * 60)) for n, rid, title, hours in steps]
    left = [x for x in left if x[3] > 0]
    by_day: dict[int, list[Window]] = {}
    for w in windows:
        by_day.setdefault(w.weekday, []).append(w)
    raw: list[tuple[int, str, str, dt.datetime, dt.datetime]] = []
    day = first_day
    for _ in range(_MAX_SESSION_DAYS):
        if not left:
            break
        if not any(lo <= day <= hi for lo, hi in skip):
            for w in by_day.get(day.weekday(), []):
                at = dt.datetime.combine(day, w.start, tzinfo=tz)
                room = w.minutes
                while room > 0 and left:
                    n, rid, title, need = left[0]
                    take = min(room, need)
                    raw.append((n, rid, title, at, at + dt.timedelta(minutes=take)))
                    at += dt.timedelta(minutes=take)
                    room -= take
                    if take == need:
                        left.pop(0)
                    else:
                        left[0] = (n, rid, title, need - take)
        day += dt.timedelta(days=1)
    if left:
        raise PlanningError("the study times given cannot hold this plan within 30 years",
                            setting="availability")  # fmt: skip
    counts: dict[int, int] = {}
    for n, *_ in raw:
        counts[n] = counts.get(n, 0) + 1
    seen: dict[int, int] = {}
    out: list[Session] = []
    for n, rid, title, begin, end in raw:
        seen[n] = seen.get(n, 0) + 1
        out.append(Session(n, rid, title, seen[n], counts[n], begin, end))
    return out


def weekly_hours(windows: Sequence[Window]) -> float:
    """Return the study hours the windows hold in a week."""
    return sum(w.minutes for w in windows) / 60
