"""Where a cohort stands: each learner on track, behind or ahead of the cohort timetable.

The timetable is the `timetable.json` that `curriculum` writes (`pathplanner-timetable/1`);
what each learner finished comes from their ticked Markdown plans or from a CSV of finished
resources (columns `learner,resource`). At a given week (the last one that has ended), a
learner is **behind** when a module of theirs due by then is not finished, **ahead** when all
of those and some due later are, and **on track** otherwise.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ._input import csv_field_limit, read_text
from ._names import nearest
from .errors import InputError, PlanningError, ProfileError

__all__ = ["CohortStatus", "LearnerStatus", "cohort_status", "read_timetable", "render_status"]

State = Literal["on track", "behind", "ahead"]


class _Doc(BaseModel):
    model_config = ConfigDict(extra="ignore", allow_inf_nan=False)


class _Module(_Doc):
    resource: str
    title: str
    track: str
    hours: float = Field(ge=0)
    start_week: int = Field(ge=0)
    end_week: int = Field(ge=0)


class _Learner(_Doc):
    row: int
    name: str
    hours_per_week: float = Field(gt=0)
    modules: list[str]


class TimetableDoc(_Doc):
    """The parts of a `pathplanner-timetable/1` document that status reads."""

    format: Literal["pathplanner-timetable/1"]
    target_name: str
    weeks: int = Field(ge=1)
    start: dt.date | None = None
    modules: list[_Module]
    learners: list[_Learner]


@dataclass(frozen=True)
class LearnerStatus:
    """One learner against the timetable at a week."""

    row: int
    name: str
    state: State
    due_hours: float  # their modules due by the week
    done_hours: float  # their modules finished, whenever due
    overdue: tuple[str, ...]  # titles of modules due and not finished
    ahead: tuple[str, ...]  # titles of modules finished before they are due
    source: str  # where their progress was read ("" when none was found)


@dataclass(frozen=True)
class CohortStatus:
    """The whole cohort at a week."""

    target_name: str
    week: int
    weeks: int
    date: dt.date | None
    learners: list[LearnerStatus]

    def count(self, state: State) -> int:
        """Return how many learners are in a state."""
        return sum(1 for x in self.learners if x.state == state)


def read_timetable(path: str | Path) -> TimetableDoc:
    """Read a timetable.json written by `curriculum`; raise InputError naming what is wrong."""
    shown = str(path)
    text = read_text(path)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        raise InputError(shown, f"line {err.lineno}: malformed JSON: {err.msg}") from None
    try:
        return TimetableDoc.model_validate(data)
    except ValidationError as err:
        first = err.errors()[0]
        where = ".".join(str(x) for x in first["loc"]) or "document"
        raise InputError(
            shown, f"{where}: {first['msg']} (expected a timetable.json written by curriculum)"
        ) from None


def _who(name: str, names: Sequence[str], where: str) -> str:
    if name in names:
        return name
    hint = nearest(name, names)
    more = f" — did you mean '{hint[0]}'?" if hint else ""
    raise ProfileError(f"{where}: '{name}' is not a learner of this timetable{more}")


def _from_plans(paths: Iterable[Path], names: Sequence[str]) -> dict[str, tuple[set[str], str]]:
    from .progress import read_markdown_progress

    out: dict[str, tuple[set[str], str]] = {}
    for path in paths:
        got = read_markdown_progress(path)
        if got.state is None or not got.state.learner:
            raise ProfileError(f"{path}: not a learner's plan from curriculum (no learner named)")
        name = _who(got.state.learner, names, str(path))
        if name in out:
            raise ProfileError(f"{path}: a second plan for '{name}' (first: {out[name][1]})")
        out[name] = ({*got.done, *got.state.finished}, str(path))
    return out


def _from_csv(
    path: Path, names: Sequence[str], ids: Sequence[str]
) -> dict[str, tuple[set[str], str]]:
    shown = str(path)
    text = read_text(path)
    out: dict[str, tuple[set[str], str]] = {}
    with csv_field_limit():
        try:
            rows = list(csv.reader(io.StringIO(text, newline=""), strict=True))
        except csv.Error as err:
            raise InputError(shown, f"malformed CSV: {err}") from None
    if not rows or [c.strip() for c in rows[0]][:2] != ["learner", "resource"]:
        raise InputError(shown, "line 1: the header must be learner,resource")
    for n, row in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in row):
            continue
        if len(row) < 2:
            raise InputError(shown, f"line {n}: expected learner,resource")
        name = _who(row[0].strip(), names, f"{shown}: line {n}: learner")
        rid = row[1].strip()
        if rid not in ids:
            hint = nearest(rid, ids)
            more = f" — did you mean '{hint[0]}'?" if hint else ""
            raise InputError(shown, f"line {n}: resource: '{rid}' is not in the timetable{more}")
        out.setdefault(name, (set(), shown))[0].add(rid)
    return out


def cohort_status(
    out_dir: str | Path,
    *,
    plans: Sequence[str | Path] = (),
    done_csv: str | Path | None = None,
    week: int | None = None,
    as_of: dt.date | None = None,
) -> CohortStatus:
    """Return where each learner of a curriculum stands at a week (or on a day).

    `out_dir` holds the timetable.json `curriculum` wrote. Progress comes from `done_csv`,
    else from `plans` (ticked Markdown plans), else from `out_dir`/learners/*.md. `week` is
    the last timetable week that has ended; `as_of` a day instead (the timetable needs a
    start date): the weeks fully ended by the end of that day.
    """
    root = Path(out_dir)
    table = read_timetable(root / "timetable.json")
    if (week is None) == (as_of is None):
        raise PlanningError("give either the week that has just ended or a day", setting="week")
    if as_of is not None:
        if table.start is None:
            raise PlanningError(
                "the timetable has no start date to count days from: give the week", setting="week"
            )
        week = max(0, ((as_of - table.start).days + 1) // 7)
    assert week is not None
    names = [x.name for x in table.learners]
    ids = [m.resource for m in table.modules]
    if done_csv is not None:
        progress = _from_csv(Path(done_csv), names, ids)
    else:
        files = [Path(p) for p in plans] or sorted((root / "learners").glob("*.md"))
        if not files:
            raise ProfileError(
                f"{root / 'learners'}: no Markdown plans found (give the plans, or a CSV of "
                "finished resources)"
            )
        progress = _from_plans(files, names)
    modules = {m.resource: m for m in table.modules}
    out = []
    for x in table.learners:
        done, source = progress.get(x.name, (set(), ""))
        mine = [modules[r] for r in x.modules if r in modules]
        due = [m for m in mine if m.end_week <= week]
        overdue = tuple(m.title for m in due if m.resource not in done)
        early = tuple(m.title for m in mine if m.end_week > week and m.resource in done)
        state: State = "behind" if overdue else "ahead" if early else "on track"
        out.append(
            LearnerStatus(
                row=x.row,
                name=x.name,
                state=state,
                due_hours=round(sum(m.hours for m in due), 2),
                done_hours=round(sum(m.hours for m in mine if m.resource in done), 2),
                overdue=overdue,
                ahead=early,
                source=source,
            )
        )
    date = table.start + dt.timedelta(weeks=week, days=-1) if table.start and week else None
    return CohortStatus(table.target_name, week, table.weeks, date, out)


def _h(hours: float) -> str:
    return f"{round(hours, 1):g} h"


def _detail(x: LearnerStatus) -> str:
    if x.overdue:
        return "not finished yet: " + "; ".join(x.overdue)
    if x.ahead:
        return "finished early: " + "; ".join(x.ahead)
    return ""


def render_status(
    status: CohortStatus, fmt: str | None = "text", output: str | Path | None = None
) -> str:
    """Return the cohort status as text, csv or html (None: from `output`'s extension)."""
    from .render import csv_text, render_template, template_environment

    if fmt is None:
        suffix = Path(output).suffix.lower() if output is not None else ""
        fmt = {".csv": "csv", ".html": "html", ".htm": "html"}.get(suffix, "text")
    if fmt == "csv":
        return csv_text(
            [
                "row",
                "learner",
                "status",
                "week",
                "due_hours",
                "done_hours",
                "overdue",
                "finished_early",
                "source",
            ],
            (
                [
                    x.row,
                    x.name,
                    x.state,
                    status.week,
                    f"{x.due_hours:g}",
                    f"{x.done_hours:g}",
                    "; ".join(x.overdue),
                    "; ".join(x.ahead),
                    x.source,
                ]
                for x in status.learners
            ),
        )
    if fmt == "html":
        env, name = template_environment("status.html.j2", True)
        return render_template(env, name, {"status": _context(status)})
    if fmt != "text":
        raise PlanningError(f"unknown format '{fmt}' (text, csv or html)", setting="formats")
    when = f" ({status.date.isoformat()})" if status.date else ""
    lines = [
        f"Cohort status: {status.target_name}, after week {status.week} of {status.weeks}{when}",
        f"on track {status.count('on track')} · behind {status.count('behind')} · "
        f"ahead {status.count('ahead')}",
        "",
    ]
    width = max((len(x.name) for x in status.learners), default=0)
    for x in status.learners:
        head = f"{x.name:<{width}}  {x.state:<8}  done {_h(x.done_hours)} of {_h(x.due_hours)} due"
        detail = _detail(x)
        lines.append(
            head + (f"; {detail}" if detail else "") + ("" if x.source else " (no progress found)")
        )
    return "\n".join(lines) + "\n"


def _context(status: CohortStatus) -> dict[str, Any]:
    return {
        "target_name": status.target_name,
        "week": status.week,
        "weeks": status.weeks,
        "date": status.date.isoformat() if status.date else None,
        "counts": {s: status.count(s) for s in ("on track", "behind", "ahead")},
        "learners": [
            {
                "name": x.name,
                "state": x.state,
                "css": x.state.replace(" ", "-"),
                "due_hours": x.due_hours,
                "done_hours": x.done_hours,
                "detail": _detail(x),
                "found": bool(x.source),
            }
            for x in status.learners
        ],
    }
