"""Bootcamp curricula: a cohort syllabus (the union route), a personal plan per learner, a summary.

The learners come from `cohort.read_cohort`."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from .catalog import Catalog
from .cohort import Learner, RowProblem, read_cohort
from .errors import PathPlannerError, PlanningError, UnknownNameError
from .optimize import Constraints
from .planner import DEFAULT_HOURS_PER_WEEK, Plan, check_exclusions, checked, plan
from .schedule import order, schedule
from .semantics import learn

__all__ = [
    "FORMATS",
    "Curriculum",
    "build_curriculum",
    "export_curriculum",
    "render_curriculum",
    "write_files",
]

FORMATS: tuple[str, ...] = ("md", "html", "csv", "imscc", "moodle-csv", "canvas-csv")
# the formats of the whole cohort only (an LMS course, competency frameworks): no personal plans
LMS_FILES = {
    "imscc": "course.imscc",
    "moodle-csv": "competencies-moodle.csv",
    "canvas-csv": "outcomes-canvas.csv",
}


@dataclass(frozen=True)
class Module:
    """One resource of the cohort syllabus."""

    number: int
    resource: str
    title: str
    provider: str
    url: str | None
    kind: str
    hours: float
    cost_usd: float
    start_week: int
    end_week: int
    outcomes: list[str]
    assessment: bool
    learners: int


@dataclass
class Curriculum:
    """A cohort's syllabus, its learners' personal plans and the rows that failed."""

    target: str
    target_name: str
    hours_per_week: float
    start: dt.date | None
    modules: list[Module]
    entry_requirements: dict[str, int]
    plans: list[tuple[Learner, Plan]] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Return the curriculum as JSON-ready data: syllabus, personal plans, problems."""
        return {
            "target": self.target,
            "target_name": self.target_name,
            "hours_per_week": self.hours_per_week,
            "start": self.start.isoformat() if self.start else None,
            "modules": [asdict(m) for m in self.modules],
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
) -> Curriculum:
    """Plan every learner, then build the cohort syllabus from the union of their routes."""
    role = catalog.resolve_role(target)
    if constraints is not None:
        check_exclusions(catalog, constraints)  # once, not as a problem of every learner
    hpw = DEFAULT_HOURS_PER_WEEK if hours_per_week is None else hours_per_week
    checked(hpw, "hours_per_week")
    plans: list[tuple[Learner, Plan]] = []
    problems: list[RowProblem] = []
    for learner in learners:
        try:
            p = plan(
                catalog,
                role.id,
                learner.profile,
                constraints=constraints,
                hours_per_week=(
                    hpw
                    if learner.profile.hours_per_week is None
                    else learner.profile.hours_per_week
                ),
                start=learner.start or start,
                explain=False,
            )
            plans.append((learner, p))
        except PathPlannerError as err:
            problems.append(RowProblem.of(learner, str(err)))
        if on_learner is not None:
            on_learner(learner)
    chosen: dict[str, int] = {}
    for _, p in plans:
        for step in p.steps:
            chosen[step.resource] = chosen.get(step.resource, 0) + 1
    # what every learner already has: the syllabus may assume it
    common: dict[str, int] = {}
    if plans:
        skills = set.intersection(*(set(p.profile) for _, p in plans))
        common = {s: min(p.profile[s] for _, p in plans) for s in sorted(skills)}
    route = order(catalog, common, sorted(chosen))
    state = dict(common)
    entry: dict[str, int] = {}
    for rid in route:
        for s, lv in catalog.effective(rid).items():
            if state.get(s, 0) < lv and lv > entry.get(s, 0):
                entry[s] = lv
        learn(state, catalog.resources[rid].teaches)
    weeks = schedule(catalog, route, hpw, start)
    modules = []
    for i, (rid, when) in enumerate(zip(route, weeks, strict=True), start=1):
        res = catalog.resources[rid]
        outcomes = [f"{catalog.skills[s].name} {lv}" for s, lv in sorted(res.teaches.items())]
        grants = any(catalog.skills[s].category == "credential" for s in res.teaches)
        modules.append(
            Module(
                i,
                rid,
                res.title,
                res.provider,
                res.url,
                res.kind,
                res.hours,
                res.cost_usd,
                when.start_week,
                when.end_week,
                outcomes,
                res.kind in ("project", "certification") or grants,
                chosen[rid],
            )
        )
    return Curriculum(role.id, role.name, hpw, start, modules, entry, plans, problems)


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


def render_curriculum(
    cur: Curriculum, catalog: Catalog, formats: Sequence[str], templates_dir: Path | None = None
) -> dict[str, str | bytes]:
    """Return every file of a curriculum as {relative path: content}, rendered in memory.

    The LMS formats (LMS_FILES) give one file for the cohort; the others a syllabus and a
    personal plan per learner too.
    """
    from .render import csv_text, render_plan, render_template, safe_url, template_environment

    files: dict[str, str | bytes] = dict(_lms_files(cur, catalog, formats))
    formats = [f for f in formats if f not in LMS_FILES]
    user = templates_dir
    context = {
        "cohort": {
            "target": cur.target,
            "target_name": cur.target_name,
            "hours_per_week": cur.hours_per_week,
            "start": cur.start.isoformat() if cur.start else None,
            "weeks": max((m.end_week for m in cur.modules), default=0),
            "total_hours": round(sum(m.hours for m in cur.modules), 2),
            "total_cost_usd": round(sum(m.cost_usd for m in cur.modules), 2),
            "learners": len(cur.plans),
            "modules": [{**m.__dict__, "url": safe_url(m.url)} for m in cur.modules],
            "entry_requirements": [
                f"{catalog.skills[s].name} {lv}" for s, lv in sorted(cur.entry_requirements.items())
            ],
        }
    }
    for fmt in formats:
        if fmt == "csv":
            header = ["module", "start_week", "end_week", "resource", "title", "kind",
                      "provider", "url", "hours", "cost_usd", "outcomes", "assessment",
                      "learners"]  # fmt: skip
            files["syllabus.csv"] = csv_text(
                header,
                (
                    [
                        m.number,
                        m.start_week,
                        m.end_week,
                        m.resource,
                        m.title,
                        m.kind,
                        m.provider,
                        m.url or "",
                        f"{m.hours:g}",
                        f"{m.cost_usd:.2f}",
                        "; ".join(m.outcomes),
                        "yes" if m.assessment else "",
                        m.learners,
                    ]
                    for m in cur.modules
                ),
            )
        else:
            env, name = template_environment(f"syllabus.{fmt}.j2", fmt == "html", user)
            files[f"syllabus.{fmt}"] = render_template(env, name, context)
    taken: set[str] = set()
    rows: list[tuple[int, list[Any]]] = []
    for learner, p in cur.plans:
        slug = _slug(learner.name, taken)
        for fmt in formats:
            files[f"learners/{slug}.{fmt}"] = render_plan(p, fmt, catalog, templates_dir=user)
        end = p.end_date.isoformat() if p.end_date else ""
        shown = f"learners/{slug}.{formats[0]}" if formats else ""
        line = [
            learner.row,
            learner.name,
            p.status,
            f"{p.total_hours:g}",
            f"{p.total_cost_usd:.2f}",
            p.weeks,
            end,
            shown,
        ]
        rows.append((learner.row, line))
    for prob in cur.problems:
        rows.append(
            (prob.row, [prob.row, prob.name, f"skipped: {prob.message}", "", "", "", "", ""])
        )
    files["summary.csv"] = csv_text(
        ["row", "learner", "status", "hours", "cost_usd", "weeks", "finish_date", "file"],
        (line for _, line in sorted(rows, key=lambda r: r[0])),
    )
    return files


def write_files(
    out_dir: str | Path, files: dict[str, str | bytes], force: bool = False
) -> list[Path]:
    """Write rendered files all-or-nothing; refuse, before writing anything, to overwrite."""
    from ._io import write_tree

    root = Path(out_dir)
    write_tree(root, files, force=force)
    return [root / rel for rel in sorted(files)]


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
) -> tuple[Curriculum, list[Path]]:
    """Read a cohort file, plan it, render it and write every file (all or nothing).

    Return the curriculum, whose `problems` are the rows that could not be read or planned,
    and the files written. `formats` are some of FORMATS; `templates_dir` holds your own
    syllabus.<fmt>.j2 and plan.<fmt>.j2 (sandboxed). `on_learner(learner, total)` is called
    as each learner is planned.
    """
    from ._names import nearest

    if not formats:
        raise PlanningError(f"give at least one format ({', '.join(FORMATS)})", setting="formats")
    for fmt in formats:
        if fmt not in FORMATS:
            hint = nearest(fmt, FORMATS)
            raise UnknownNameError("format", fmt, hint, setting="formats", choices=list(FORMATS))
    learners, problems = read_cohort(catalog, cohort)
    cur = build_curriculum(
        catalog,
        target,
        learners,
        constraints=constraints,
        hours_per_week=hours_per_week,
        start=start,
        on_learner=(lambda x: on_learner(x, len(learners))) if on_learner else None,
    )
    cur.problems = sorted(problems + cur.problems, key=lambda p: p.row)
    files = render_curriculum(cur, catalog, formats, templates_dir)
    return cur, write_files(out_dir, files, force=force)
