"""The adapter from a `Curriculum` and its timetable (`timetable.Timetable`) to the LMS
exporters' data (`lms`): weeks of modules, a target role."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .lms import LmsCompetency, LmsCourse, LmsFramework, LmsLevel, LmsLink, LmsWeek

if TYPE_CHECKING:
    from .catalog import Catalog
    from .curriculum import Curriculum


def course_of(cur: Curriculum) -> LmsCourse:
    """Return a curriculum's timetable as weeks: a module is linked in the week it starts (a
    "Pre-work" week first when some bridging module is due before week 1) and named in the
    overview of every later week it runs; each note says its track and who takes it."""
    last = max((m.end_week for m in cur.modules), default=0)
    first = 0 if any(m.start_week == 0 for m in cur.modules) else 1
    weeks = []
    for n in range(first, max(last, 1) + 1):
        starting = [m for m in cur.modules if m.start_week == n]
        going_on = [m for m in cur.modules if m.start_week < n <= m.end_week]
        overview = [f"Start: {m.title} ({m.track})" for m in starting]
        overview += [f"Continue: {m.title} (weeks {m.start_week}-{m.end_week})" for m in going_on]
        links = tuple(
            LmsLink(
                m.title,
                m.url,
                m.hours,
                m.cost_usd,
                note=(f"Weeks {m.start_week}-{m.end_week}. " if m.end_week > n else "")
                + f"{m.track.capitalize()}: "
                + (", ".join(m.learners) if m.track != "core" else f"{len(m.learners)} learners")
                + ". "
                + ("Outcomes: " + "; ".join(o.text for o in m.outcomes) if m.outcomes else ""),
            )
            for m in starting
        )
        weeks.append(
            LmsWeek(
                "Pre-work" if n == 0 else f"Week {n}",
                tuple(overview) or ("No new module starts this week.",),
                links,
            )
        )
    plural = "s" if len(cur.plans) != 1 else ""
    return LmsCourse(
        f"{cur.target_name}: cohort curriculum",
        tuple(weeks),
        description=f"{len(cur.modules)} modules over {last} weeks for {len(cur.plans)} "
        f"learner{plural}, each at their own hours per week, toward {cur.target_name}.",
    )


def framework_of(cur: Curriculum, catalog: Catalog) -> LmsFramework:
    """Return the skills of the target role and of the curriculum as a competency framework."""
    role = catalog.roles[cur.target]
    top: dict[str, int] = {}
    needs = [role.requires.essential, role.requires.optional]
    needs += [dict(c.options) for c in role.requires.any_of]
    needs += [dict(catalog.resources[m.resource].teaches) for m in cur.modules]
    for levels in needs:
        for sid, lv in levels.items():
            top[sid] = max(top.get(sid, 0), lv)
    comps = []
    for sid in sorted(top):
        skill = catalog.skills[sid]
        levels_of = tuple(
            LmsLevel(lv, spec.means, tuple(sorted(spec.requires.items())))
            for lv, spec in sorted(skill.levels.items())
            if lv <= top[sid]
        )
        group = skill.category.replace("-", " ").capitalize()
        comps.append(LmsCompetency(sid, skill.name, group, skill.description, levels_of))
    return LmsFramework(
        f"pathplanner-{role.id}",
        f"{role.name} skills",
        f"The skills the {role.name} role asks for and the cohort curriculum teaches, at the "
        "levels used (1 foundation, 2 working, 3 advanced), from the pathplanner skill graph.",
        tuple(comps),
    )
