"""Turn plans and catalogue entries into text people read; Jinja renders the plan formats."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._paths import default_templates_dir
from .errors import RenderError

if TYPE_CHECKING:
    import jinja2

    from .gap import Gap
    from .graph import Catalog
    from .planner import Plan

__all__ = ["make_environment", "render_plan", "table"]

_TEMPLATE_FOR = {"txt": "plan.txt.j2", "text": "plan.txt.j2"}


def make_environment(
    templates_dir: str | Path | None = None, sandboxed: bool = False
) -> jinja2.Environment:
    """Return the one Jinja environment pathplanner uses: strict, autoescaping HTML.

    User templates (sandboxed=True) run in Jinja's SandboxedEnvironment.
    """
    import jinja2
    import jinja2.sandbox

    loader = jinja2.FileSystemLoader(
        [str(templates_dir)] if templates_dir else [str(default_templates_dir())]
    )
    cls = jinja2.sandbox.SandboxedEnvironment if sandboxed else jinja2.Environment
    env = cls(
        loader=loader,
        undefined=jinja2.StrictUndefined,
        autoescape=jinja2.select_autoescape(["html", "html.j2", "htm"]),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["hours"] = fmt_hours
    env.filters["usd"] = fmt_usd
    env.filters["wrap"] = lambda text, width=88, indent="": textwrap.fill(
        str(text), width=width, initial_indent=indent, subsequent_indent=indent
    )
    return env


def fmt_hours(value: float) -> str:
    """Return hours as '12 h' or '2.5 h'."""
    return f"{value:,.1f} h".replace(".0 h", " h")


def fmt_usd(value: float) -> str:
    """Return USD as 'free', '$49' or '$12.50'."""
    if value == 0:
        return "free"
    return f"${value:,.2f}".replace(".00", "")


def render_plan(plan: Plan, fmt: str, catalog: Catalog, template: str | Path | None = None) -> str:
    """Return a plan rendered in a format (txt, json) or through a user's template file."""
    import jinja2

    if fmt == "json":
        from ._io import dumps_json

        return dumps_json(plan.to_json())
    if template is not None:
        path = Path(template)
        env = make_environment(path.parent, sandboxed=True)
        name = path.name
    else:
        if fmt not in _TEMPLATE_FOR:
            raise RenderError(f"unknown format '{fmt}'")
        env = make_environment()
        name = _TEMPLATE_FOR[fmt]
    try:
        return env.get_template(name).render(**plan_context(plan, catalog))
    except jinja2.TemplateSyntaxError as err:
        raise RenderError(
            f"{err.filename or name}:{err.lineno}: template syntax error: {err.message}"
        ) from err
    except jinja2.UndefinedError as err:
        raise RenderError(f"{name}: {err.message}") from err
    except jinja2.TemplateNotFound as err:
        raise RenderError(f"template not found: {err.name}") from err
    except jinja2.sandbox.SecurityError as err:  # type: ignore[attr-defined]
        raise RenderError(f"{name}: not allowed in a template: {err}") from err


def plan_context(plan: Plan, catalog: Catalog) -> dict[str, Any]:
    """Return the plain data a plan template sees (never networkx or models)."""
    doc = plan.to_json()
    skill_names = {s: catalog.skills[s].name for s in catalog.skills}
    for step in doc["steps"]:
        step["closes_text"] = ", ".join(
            f"{skill_names.get(c['skill'], c['skill'])} {c['level']}" for c in step["closes"]
        )
        step["teaches_text"] = ", ".join(
            f"{skill_names.get(c['skill'], c['skill'])} {c['level']}" for c in step["teaches"]
        )
    from_name = catalog.roles[plan.from_role].name if plan.from_role else None
    return {
        "plan": doc,
        "from_name": from_name,
        "skill_names": skill_names,
        "status_text": status_text(plan),
    }


def status_text(plan: Plan) -> str:
    """Return a sentence on how good the plan is proven to be."""
    what = {"hours": "fewest study hours", "cost": "lowest cost", "balanced": "lowest hours + cost"}
    if plan.solver == "trivial":
        return "nothing to learn: the goal is already met"
    if plan.status == "optimal":
        return f"proven optimal ({what[plan.objective]}, {plan.solver})"
    if plan.solver == "greedy" and plan.gap_ratio == 0:
        return "feasible (greedy heuristic, not proven optimal)"
    return f"feasible, not proven optimal (gap {plan.gap_ratio:.1%} when the time limit hit)"


def table(rows: Sequence[Sequence[str]], header: Sequence[str]) -> str:
    """Return a plain aligned text table."""
    widths = [len(h) for h in header]
    for row in rows:
        for i, cell in enumerate(row):
            widths[i] = max(widths[i], len(cell))
    lines = ["  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    for row in rows:
        lines.append("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
    return "\n".join(lines) + "\n"


def levels_text(catalog: Catalog, levels: dict[str, int]) -> str:
    """Return 'Docker 2, Linux and the shell 1'."""
    return ", ".join(
        f"{catalog.skills[s].name if s in catalog.skills else s} {lv}"
        for s, lv in sorted(levels.items())
    )


def gap_text(g: Gap) -> str:
    """Return the gap as terminal text."""
    out = [f"Gap to {g.target_name} ({g.target}): {g.coverage:.0%} of essential requirements met\n"]
    rows = [
        [
            "yes" if i.met else "NO",
            i.name,
            i.category,
            str(i.have),
            str(i.need),
            "essential" if i.essential else "optional",
        ]
        for i in sorted(g.requirements, key=lambda i: (i.met, not i.essential, i.category, i.skill))
    ]
    out.append(table(rows, ["met", "skill", "category", "have", "need", "kind"]))
    if g.pulled_in:
        out.append("\nPrerequisites the missing skills pull in:\n")
        for i in g.pulled_in:
            out.append(f"  {i.name} {i.need} (have {i.have}) — needed for {i.needed_by}\n")
    return "".join(out)
