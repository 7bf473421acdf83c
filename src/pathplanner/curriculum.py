"""Bootcamp curricula: a cohort timetable, a personal plan (and calendar) per learner, a summary.

The learners come from `cohort.read_cohort`; the timetable from `timetable.build_timetable`."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from .catalog import Catalog
from .cohort import Learner, RowProblem, read_cohort
from .errors import PlanningError, UnknownNameError
from .optimize import Constraints
from .planner import DEFAULT_HOURS_PER_WEEK, Plan, check_exclusions, checked
from .schedule import order
from .semantics import learn
from .timetable import (
    DEFAULT_CORE_SHARE,
    DEFAULT_PREFER_BOUND,
    CohortPlanner,
    Timetable,
    TimetableModule,
    build_timetable,
    own_modules,
    plan_learners,
    weeks_until,
)

__all__ = [
    "FORMATS",
    "Curriculum",
    "build_curriculum",
    "export_curriculum",
    "iter_curriculum_files",
    "render_curriculum",
    "syllabus_context",
    "write_files",
]

FORMATS: tuple[str, ...] = ("md", "html", "csv", "ics", "imscc", "moodle-csv", "canvas-csv")
# the formats of the whole cohort only (an LMS course, competency frameworks): no personal plans
LMS_FILES = {
    "imscc": "course.imscc",
    "moodle-csv": "competencies-moodle.csv",
    "canvas-csv": "outcomes-canvas.csv",
}


@dataclass
class Curriculum:
    """A cohort's timetable, its learners' personal plans and the rows that failed."""

    target: str
    target_name: str
    hours_per_week: float  # the cohort's default; each learner's own value wins
    start: dt.date | None
    modules: list[TimetableModule]  # the timetable's modules, in timetable order
    entry_requirements: dict[str, int]
    plans: list[tuple[Learner, Plan]] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    timetable: Timetable | None = None
    solved: int = 0  # distinct learners planned (identical ones are planned once)

    def to_dict(self) -> dict[str, Any]:
        """Return the curriculum as JSON-ready data: timetable, personal plans, problems."""
        timetable = self.timetable.to_dict() if self.timetable else None
        return {
            "target": self.target,
            "target_name": self.target_name,
            "hours_per_week": self.hours_per_week,
            "start": self.start.isoformat() if self.start else None,
            "timetable": timetable,
            "entry_requirements": dict(self.entry_requirements),
            "plans": [
                {"row": x.row, "learner": x.name, "plan": p.to_dict()} for x, p in self.plans
            ],
            "problems": [asdict(p) for p in self.problems],
        }


def build_curriculum(
    catalog: Catalog,
    target: str,
    learners: Sequence[Learner],
    constraints: Constraints | None = None,
    hours_per_week: float | None = None,
    start: dt.date | None = None,
    on_learner: Callable[[Learner], None] | None = None,
    *,
    weeks: int | None = None,
    end: dt.date | None = None,
    prefer_providers: Sequence[str] = (),
    prefer_bound: float = DEFAULT_PREFER_BOUND,
    core_share: float = DEFAULT_CORE_SHARE,
) -> Curriculum:
    """Plan every learner at their own pace, then lay the cohort timetable over the weeks.

    `weeks` (or `end`, a date, with `start`) is the length of the timetable; neither: the
    fewest weeks in which every learner keeps up. Own modules (`preferred: true` in the
    graph, or from `prefer_providers`) are preferred within `prefer_bound`; a module taken
    by at least `core_share` of the learners is core (see `pathplanner.timetable`).
    """
    role = catalog.resolve_role(target)
    if constraints is not None:
        check_exclusions(catalog, constraints)  # once, not as a problem of every learner
    if end is not None:
        if weeks is not None:
            raise PlanningError("give the weeks or an end date, not both", setting="end")
        weeks = weeks_until(start, end)
    hpw = DEFAULT_HOURS_PER_WEEK if hours_per_week is None else hours_per_week
    checked(hpw, "hours_per_week")
    # own modules: `preferred: true`, and the providers preferred here or in the constraints
    given = [*prefer_providers, *(constraints.prefer_providers if constraints else ())]
    own = own_modules(catalog, dict.fromkeys(given))
    planner = CohortPlanner(catalog, role.id, constraints, own, prefer_bound)
    plans, problems, trials = plan_learners(planner, learners, hpw, start, on_learner)
    table = build_timetable(
        catalog,
        role.id,
        plans,
        weeks=weeks,
        start=start,
        own=own,
        trials=trials,
        prefer_bound=prefer_bound,
        core_share=core_share,
    )
    # what every learner already has: the timetable may assume it
    common: dict[str, int] = {}
    if plans:
        skills = set.intersection(*(set(p.profile) for _, p in plans))
        common = {s: min(p.profile[s] for _, p in plans) for s in sorted(skills)}
    state = dict(common)
    entry: dict[str, int] = {}
    for rid in order(catalog, common, [m.resource for m in table.modules]):
        for s, lv in catalog.effective(rid).items():
            if state.get(s, 0) < lv and lv > entry.get(s, 0):
                entry[s] = lv
        learn(state, catalog.resources[rid].teaches)
    cur = Curriculum(role.id, role.name, hpw, start, table.modules, entry, plans, problems)
    cur.timetable = table
    cur.solved = planner.solved
    return cur


def _slug(name: str, taken: set[str]) -> str:
    base = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "learner"
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    taken.add(slug)
    return slug


def _lms_files(cur: Curriculum, catalog: Catalog, formats: Sequence[str]) -> dict[str, str | bytes]:
    """Return the LMS files of the formats asked for (see `lms`, adapted by `_lms_adapt`)."""
    from . import lms
    from ._lms_adapt import course_of, framework_of

    out: dict[str, str | bytes] = {}
    if "imscc" in formats:
        out[LMS_FILES["imscc"]] = lms.cartridge_bytes(course_of(cur))
    if "moodle-csv" in formats:
        out[LMS_FILES["moodle-csv"]] = lms.moodle_competencies_csv(framework_of(cur, catalog))
    if "canvas-csv" in formats:
        out[LMS_FILES["canvas-csv"]] = lms.canvas_outcomes_csv(framework_of(cur, catalog))
    return out


def _weeks_text(first: int, last: int) -> str:
    if first == 0:
        return "pre-work"
    return str(first) if first == last else f"{first}\u2013{last}"


def syllabus_context(
    cur: Curriculum, catalog: Catalog, files: Mapping[int, tuple[str, str | None]]
) -> dict[str, Any]:
    """Return the plain data the syllabus and index templates see (`cohort`).

    `files` maps each learner's row to the files of their plan and calendar (relative to the
    output directory; no calendar: None).
    """
    from .render import safe_url

    table = cur.timetable
    assert table is not None
    titles = {m.resource: m.title for m in cur.modules}
    tracks = {
        t: sum(1 for m in cur.modules if m.track == t) for t in ("core", "bridging", "elective")
    }
    modules = [
        {
            "number": m.number,
            "resource": m.resource,
            "title": m.title,
            "provider": m.provider,
            "url": safe_url(m.url),
            "kind": m.kind,
            "track": m.track,
            "hours": m.hours,
            "cost_usd": m.cost_usd,
            "start_week": m.start_week,
            "end_week": m.end_week,
            "weeks_text": _weeks_text(m.start_week, m.end_week),
            "start_date": m.start_date.isoformat() if m.start_date else None,
            "end_date": m.end_date.isoformat() if m.end_date else None,
            "learners": list(m.learners),
            "learner_count": len(m.learners),
            "outcomes": [o.text for o in m.outcomes],
            "own": m.own,
            "position": m.position,
            "assessment": m.assessment,
            "feeds": [titles[r] for r in m.feeds],
        }
        for m in cur.modules
    ]
    weeks = []
    for w in table.by_week():
        if w.week == 0:
            label = "pre-work"
            dates = f"before {cur.start.isoformat()}" if cur.start else "before week 1"
        else:
            label = str(w.week)
            dates = (
                f"{w.start_date.isoformat()} \u2013 {w.end_date.isoformat()}"
                if w.start_date and w.end_date
                else ""
            )
        by_id = {m["resource"]: m for m in modules}
        weeks.append(
            {
                "week": w.week,
                "label": label,
                "dates": dates,
                "modules": [
                    {
                        "title": by_id[r]["title"],
                        "track": by_id[r]["track"],
                        "number": by_id[r]["number"],
                    }
                    for r in w.modules
                ],
            }
        )
    loads = [
        {
            "row": x.row,
            "name": x.name,
            "hours_per_week": x.hours_per_week,
            "total_hours": x.total_hours,
            "pre_work_hours": x.pre_work_hours,
            "fits": x.fits,
            "note": x.note,
            "file": files.get(x.row, (None, None))[0],
            "ics": files.get(x.row, (None, None))[1],
        }
        for x in table.learners
    ]
    return {
        "cohort": {
            "target": cur.target,
            "target_name": cur.target_name,
            "hours_per_week": cur.hours_per_week,
            "start": cur.start.isoformat() if cur.start else None,
            "weeks": table.weeks,
            "weeks_given": table.weeks_given,
            "total_hours": round(sum(m.hours for m in cur.modules), 2),
            "total_cost_usd": round(sum(m.cost_usd for m in cur.modules), 2),
            "learners": len(cur.plans),
            "modules": modules,
            "tracks": tracks,
            "own_used": sum(1 for m in cur.modules if m.own),
            "unused_own": [
                {"resource": u.resource, "title": u.title, "reason": u.reason}
                for u in table.unused_own
            ],
            "prefer_bound_percent": round(table.prefer_bound * 100),
            "core_share_percent": round(table.core_share * 100),
            "week_rows": weeks,
            "learner_loads": loads,
            "keep_up": sum(1 for x in table.learners if x.fits),
            "behind": [x for x in loads if not x["fits"]],
            "problems": [
                {"row": p.row, "name": p.name, "message": p.message} for p in cur.problems
            ],
            "entry_requirements": [
                f"{catalog.skills[s].name} {lv}" for s, lv in sorted(cur.entry_requirements.items())
            ],
        }
    }


def _syllabus_csv(cur: Curriculum) -> str:
    from .render import csv_text

    header = [
        "module",
        "track",
        "start_week",
        "end_week",
        "start_date",
        "end_date",
        "resource",
        "title",
        "kind",
        "provider",
        "url",
        "hours",
        "cost_usd",
        "own",
        "position",
        "assessment",
        "learner_count",
        "learners",
        "outcomes",
        "feeds",
    ]
    return csv_text(
        header,
        (
            [
                m.number,
                m.track,
                m.start_week,
                m.end_week,
                m.start_date.isoformat() if m.start_date else "",
                m.end_date.isoformat() if m.end_date else "",
                m.resource,
                m.title,
                m.kind,
                m.provider,
                m.url or "",
                f"{m.hours:g}",
                f"{m.cost_usd:.2f}",
                "yes" if m.own else "",
                m.position or "",
                "yes" if m.assessment else "",
                len(m.learners),
                "; ".join(m.learners),
                "; ".join(o.text for o in m.outcomes),
                "; ".join(m.feeds),
            ]
            for m in cur.modules
        ),
    )


def iter_curriculum_files(
    cur: Curriculum,
    catalog: Catalog,
    formats: Sequence[str],
    templates_dir: Path | None = None,
    on_written: Callable[[Learner], None] | None = None,
) -> Iterator[tuple[str, str | bytes]]:
    """Yield every file of a curriculum as (relative path, content), one at a time.

    Each learner's files come first, as they are rendered (each template compiled once per
    run), then the syllabus, `timetable.json`, `index.html`, the LMS files (LMS_FILES) and
    `summary.csv`. A learner whose plan has a start date also gets `learners/<name>.ics`.
    With only LMS formats, no personal plans, syllabus or index are written: the LMS files
    and the summary.
    """
    from ._io import dumps_json
    from .render import PlanRenderer, csv_text, render_template

    plan_formats = [f for f in formats if f not in LMS_FILES]
    renderer = PlanRenderer(catalog, templates_dir)
    taken: set[str] = set()
    rows: list[tuple[int, list[Any]]] = []
    files: dict[int, tuple[str, str | None]] = {}
    loads = {x.row: x for x in cur.timetable.learners} if cur.timetable else {}
    for learner, p in cur.plans:
        slug = _slug(learner.name, taken)
        for fmt in plan_formats:
            if fmt != "ics":
                yield f"learners/{slug}.{fmt}", renderer.render(p, fmt)
        ics = None
        if plan_formats and p.start_date is not None:
            ics = f"learners/{slug}.ics"
            yield ics, renderer.render(p, "ics")
        shown = next((f for f in plan_formats if f != "ics"), "ics" if ics else "")
        page = "html" if "html" in plan_formats else shown  # the index is a web page
        files[learner.row] = (f"learners/{slug}.{page}", ics)
        load = loads.get(learner.row)
        end = p.end_date.isoformat() if p.end_date else ""
        line = [
            learner.row,
            learner.name,
            p.status,
            f"{p.total_hours:g}",
            f"{p.total_cost_usd:.2f}",
            p.weeks,
            end,
            f"learners/{slug}.{shown}" if shown else "",
            f"{p.hours_per_week:g}",
            ("yes" if load.fits else "no") if load else "",
            load.note if load else "",
        ]
        rows.append((learner.row, line))
        if on_written is not None:
            on_written(learner)
    if plan_formats:
        context = syllabus_context(cur, catalog, files)
        for fmt in plan_formats:
            if fmt == "csv":
                yield "syllabus.csv", _syllabus_csv(cur)
            elif fmt in ("md", "html"):
                env, name = renderer.environment(f"syllabus.{fmt}.j2", fmt == "html")
                yield f"syllabus.{fmt}", render_template(env, name, context)
        if cur.timetable is not None:
            yield "timetable.json", dumps_json(cur.timetable.to_dict())
        env, name = renderer.environment("index.html.j2", True)
        context["cohort"]["syllabus"] = [f"syllabus.{f}" for f in plan_formats if f != "ics"]
        yield "index.html", render_template(env, name, context)
    yield from _lms_files(cur, catalog, formats).items()
    for prob in cur.problems:
        rows.append(
            (
                prob.row,
                [prob.row, prob.name, f"skipped: {prob.message}", "", "", "", "", "", "", "", ""],
            )
        )
    yield (
        "summary.csv",
        csv_text(
            [
                "row",
                "learner",
                "status",
                "hours",
                "cost_usd",
                "weeks",
                "finish_date",
                "file",
                "hours_per_week",
                "keeps_up",
                "note",
            ],
            (line for _, line in sorted(rows, key=lambda r: r[0])),
        ),
    )


def render_curriculum(
    cur: Curriculum, catalog: Catalog, formats: Sequence[str], templates_dir: Path | None = None
) -> dict[str, str | bytes]:
    """Return every file of a curriculum as {relative path: content}, rendered in memory.

    For a large cohort, `iter_curriculum_files` (or `export_curriculum`) keeps memory bounded.
    """
    return dict(iter_curriculum_files(cur, catalog, formats, templates_dir))


def write_files(
    out_dir: str | Path, files: dict[str, str | bytes], force: bool = False
) -> list[Path]:
    """Write rendered files all-or-nothing; refuse, before writing anything, to overwrite."""
    from ._io import write_tree

    root = Path(out_dir)
    write_tree(root, files, force=force)
    return [root / rel for rel in sorted(files)]


def report_lines(cur: Curriculum, out_dir: str | Path, written: Sequence[Path]) -> list[str]:
    """Return what a curriculum run tells its user: the files, who cannot keep up, own
    modules not used (one line each)."""
    table = cur.timetable
    assert table is not None
    lms = [p.name for p in written if p.parent == Path(out_dir) and p.name in LMS_FILES.values()]
    skipped = f"; {len(cur.problems)} row(s) skipped" if cur.problems else ""
    if len(written) <= len(lms) + 1:  # the LMS files and the summary only
        what = f"{len(cur.modules)} modules: "
    else:
        tracks = {t: sum(1 for m in cur.modules if m.track == t) for t in _TRACKS}
        what = (
            f"timetable of {table.weeks} week{'' if table.weeks == 1 else 's'} "
            f"({len(cur.modules)} modules: {tracks['core']} core, {tracks['bridging']} "
            f"bridging, {tracks['elective']} elective), {len(cur.plans)} personal plan(s), "
            "index.html, "
        )
    lines = [
        f"wrote {len(written)} files to {out_dir}: {what}"
        + "".join(f"{n}, " for n in lms)
        + "summary.csv"
        + skipped
    ]
    if len(written) > len(lms) + 1 and cur.plans and not any(p.start_date for _, p in cur.plans):
        lines.append("no calendars (.ics): no start date was given")
    lines += [f"cannot keep up: {x.name}: {x.note}" for x in table.behind]
    lines += [
        f"own module not used: {u.title} ({u.resource}): {u.reason}" for u in table.unused_own
    ]
    return lines


_TRACKS = ("core", "bridging", "elective")


def check_formats(formats: Sequence[str]) -> None:
    """Raise unless `formats` are some of FORMATS (at least one)."""
    from ._names import nearest

    if not formats:
        raise PlanningError(f"give at least one format ({', '.join(FORMATS)})", setting="formats")
    for fmt in formats:
        if fmt not in FORMATS:
            hint = nearest(fmt, FORMATS)
            raise UnknownNameError("format", fmt, hint, setting="formats", choices=list(FORMATS))


def export_curriculum(
    catalog: Catalog,
    target: str,
    cohort: str | Path,
    out_dir: str | Path,
    formats: Sequence[str] = FORMATS,
    *,
    templates_dir: Path | None = None,
    constraints: Constraints | None = None,
    hours_per_week: float | None = None,
    start: dt.date | None = None,
    force: bool = False,
    on_learner: Callable[[Learner, int], None] | None = None,
    on_written: Callable[[Learner, int], None] | None = None,
    weeks: int | None = None,
    end: dt.date | None = None,
    prefer_providers: Sequence[str] = (),
    prefer_bound: float = DEFAULT_PREFER_BOUND,
    core_share: float = DEFAULT_CORE_SHARE,
) -> tuple[Curriculum, list[Path]]:
    """Read a cohort file, plan it, lay out its timetable, and write every file (all or nothing).

    Return the curriculum, whose `problems` are the rows that could not be read or planned,
    and the files written. `formats` are some of FORMATS; `templates_dir` holds your own
    syllabus.<fmt>.j2, index.html.j2 and plan.<fmt>.j2 (sandboxed). `on_learner(learner,
    total)` is called as each learner is planned, `on_written(learner, total)` as their files
    are written. The files are written one at a time into a directory beside `out_dir` and
    moved into place at the end, so memory stays bounded for any cohort size. For `weeks`,
    `end`, `prefer_providers`, `prefer_bound` and `core_share` see `build_curriculum`.
    """
    from ._io import stream_tree

    check_formats(formats)
    learners, problems = read_cohort(catalog, cohort)
    if "ics" in formats and start is None and any(x.start is None for x in learners):
        raise PlanningError("the ics format needs a start date (YYYY-MM-DD)", setting="start")
    total = len(learners)
    cur = build_curriculum(
        catalog,
        target,
        learners,
        constraints=constraints,
        hours_per_week=hours_per_week,
        start=start,
        on_learner=(lambda x: on_learner(x, total)) if on_learner else None,
        weeks=weeks,
        end=end,
        prefer_providers=prefer_providers,
        prefer_bound=prefer_bound,
        core_share=core_share,
    )
    cur.problems = sorted(problems + cur.problems, key=lambda p: p.row)
    root = Path(out_dir)
    written: list[str] = []
    plan_formats = [f for f in formats if f not in LMS_FILES]
    expected = [f"syllabus.{f}" for f in plan_formats if f != "ics"]
    if plan_formats:
        expected += ["timetable.json", "index.html"]
    expected += [LMS_FILES[f] for f in formats if f in LMS_FILES] + ["summary.csv"]
    with stream_tree(root, force=force, expected=expected) as write:
        for rel, content in iter_curriculum_files(
            cur,
            catalog,
            formats,
            templates_dir,
            on_written=(lambda x: on_written(x, len(cur.plans))) if on_written else None,
        ):
            write(rel, content)
            written.append(rel)
    return cur, [root / rel for rel in sorted(written)]
