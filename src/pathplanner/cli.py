"""The command line: each command parses, makes one library call and prints."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from . import __version__
from .errors import PathPlannerError, UnknownNameError

F = TypeVar("F", bound=Callable[..., Any])

FORMATS_TEXT_JSON = click.Choice(["text", "json"])


# The library names a setting by its keyword argument; the command line by its option.
FLAGS = {
    "budget_usd": "--budget-usd", "category": "--category", "done": "--done",
    "done_hours": "--done", "exclude_kinds": "--exclude-kind",
    "exclude_providers": "--exclude-provider", "force": "--force", "have": "--have",
    "hourly_rate": "--hourly-rate", "hours_per_week": "--hours-per-week",
    "include": "--include", "kind": "--kind", "max_hours": "--max-hours",
    "start": "--start", "target": "--to", "time_limit": "--time-limit",
    "with_certs": "--with-cert",
}  # fmt: skip


class _Command(click.Command):
    """A command that turns every PathPlannerError into one 'Error: ...' message.

    A name given in an option that matches nothing is a bad argument (exit 2); every other
    error exits 1. Messages about a setting name its option.
    """

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except PathPlannerError as err:
            flag = FLAGS.get(err.setting or "")
            if isinstance(err, UnknownNameError) and flag:
                raise click.BadParameter(_safe(err.message), ctx, param_hint=flag) from err
            raise click.ClickException(_safe(err.cite(flag))) from err


class _Group(click.Group):
    """A group whose commands are _Commands; Ctrl-C exits 130 with one word."""

    command_class = _Command
    group_class = type

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:  # click would print "Aborted!" and exit 1
            click.echo("Aborted.", err=True)
            ctx.exit(130)


class _Number(click.ParamType):  # type: ignore[type-arg]
    """A finite number within the limits of one setting (pathplanner._input.LIMITS)."""

    name = "number"

    def __init__(self, setting: str) -> None:
        self.setting = setting

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        from ._input import check_number

        try:
            return check_number(value, self.setting)
        except ValueError as err:
            self.fail(str(err), param, ctx)


def _remember_no_builtin(ctx: click.Context, _param: click.Parameter, value: bool) -> bool:
    ctx.meta["pathplanner.no_builtin"] = value
    return value


def _graph_option(f: F) -> F:
    f = click.option(
        "--no-builtin",
        is_flag=True,
        expose_value=False,
        callback=_remember_no_builtin,
        help="Use only the --graph directories, not the built-in graph.",
    )(f)
    return click.option(
        "--graph",
        "graphs",
        multiple=True,
        type=click.Path(file_okay=False, path_type=Path),
        help="An extra graph directory (repeatable); later ones extend or override earlier ones.",
    )(f)


def _no_builtin() -> bool:
    return bool(click.get_current_context().meta.get("pathplanner.no_builtin"))


def _format_option(f: F) -> F:
    return click.option(
        "--format",
        "fmt",
        type=FORMATS_TEXT_JSON,
        default="text",
        show_default=True,
        help="Output format.",
    )(f)


def _catalog(graphs: tuple[Path, ...]) -> Any:
    from .load import load_catalog

    if _no_builtin() and not graphs:
        raise click.UsageError("--no-builtin needs at least one --graph DIR")
    return load_catalog(graphs, builtin=not _no_builtin())


def _safe(text: str) -> str:
    from .text import terminal_safe  # graph data must not drive the terminal

    return terminal_safe(text)


def _emit(text: str, output: Path | None = None, force: bool = False) -> None:
    text = _safe(text)
    if output is None:
        click.echo(text, nl=False)
        return
    from ._io import write_atomic

    write_atomic(output, text, force=force)
    click.echo(f"wrote {output}", err=True)


def _json(data: Any) -> str:
    from ._io import dumps_json

    return dumps_json(data)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="pathplanner")
def cli() -> None:
    """Plan the cheapest proven study route from the skills you have to the role you want.

    \b
    Examples:
      pathplanner plan --from data-scientist --to ml-engineer
      pathplanner gap --have python:2,sql:1 --to "data analyst"
      pathplanner roles
    """


# -- catalogue ----------------------------------------------------------------------------------


@cli.command()
@_graph_option
def validate(graphs: tuple[Path, ...]) -> None:
    """Check the knowledge graph and report every problem at once.

    Exit status 0 when the graph is clean, 1 when it is not.

    \b
    Examples:
      pathplanner validate
      pathplanner validate --graph ./my-bootcamp-catalog
    """
    from .load import graph_dirs, validate_dirs

    dirs = graph_dirs(graphs, builtin=not _no_builtin())
    if not dirs:
        raise click.UsageError("nothing to validate: give --graph DIR or drop --no-builtin")
    catalog, problems = validate_dirs(dirs)
    errors = sorted(p for p in problems if p.severity == "error")
    for p in sorted(p for p in problems if p.severity == "note"):
        click.echo(_safe(f"note: {p}"))
    for p in errors:
        click.echo(_safe(f"error: {p}"))
    if errors or catalog is None:
        click.echo(f"{len(errors)} problem(s) found.", err=True)
        sys.exit(1)
    click.echo(
        f"ok: {len(catalog.skills)} skills, {len(catalog.resources)} resources, "
        f"{len(catalog.roles)} roles in {len(dirs)} director{'y' if len(dirs) == 1 else 'ies'}"
    )


@cli.command()
@_graph_option
@_format_option
def roles(graphs: tuple[Path, ...], fmt: str) -> None:
    """List the roles you can plan for.

    \b
    Examples:
      pathplanner roles
      pathplanner roles --format json
    """
    from .export import role_dict
    from .text import table

    catalog = _catalog(graphs)
    if fmt == "json":
        _emit(_json([role_dict(catalog, r) for r in catalog.roles]))
        return
    rows = []
    for r in catalog.roles.values():
        pay = (
            f"${r.salary.amount_usd:,.0f}" + ("*" if r.salary.estimate else "") if r.salary else ""
        )
        rows.append([r.id, r.name, r.family, r.seniority, str(len(r.requires.essential)), pay])
    _emit(table(rows, ["id", "name", "family", "seniority", "essential", "salary"]))
    if any(r.salary and r.salary.estimate for r in catalog.roles.values()):
        _emit("* estimate; `pathplanner show ROLE` gives each figure's source\n")


@cli.command()
@_graph_option
@_format_option
@click.option("--category", help="Only skills of this category (e.g. mlops, cloud).")
def skills(graphs: tuple[Path, ...], fmt: str, category: str | None) -> None:
    """List the skills of the graph.

    \b
    Examples:
      pathplanner skills
      pathplanner skills --category mlops
    """
    from ._names import nearest
    from .export import skill_dict
    from .text import table

    catalog = _catalog(graphs)
    chosen = list(catalog.skills.values())
    if category:
        known = sorted({s.category for s in chosen})
        if category not in known:
            hint = nearest(category, known)
            raise click.BadParameter(
                f"unknown category '{category}'"
                + (f" — did you mean '{hint[0]}'?" if hint else f" (one of: {', '.join(known)})"),
                param_hint="--category",
            )
        chosen = [s for s in chosen if s.category == category]
    if fmt == "json":
        _emit(_json([skill_dict(catalog, s.id) for s in chosen]))
        return
    rows = [[s.id, s.name, s.category, str(len(catalog.teachers(s.id)))] for s in chosen]
    _emit(table(rows, ["id", "name", "category", "resources"]))


@cli.command()
@_graph_option
@_format_option
@click.option(
    "--kind", help="Only resources of this kind (course, book, project, certification ...)."
)
@click.option("--free", is_flag=True, help="Only free resources.")
@click.option("--provider", help="Only resources from this provider (case-insensitive).")
@click.option(
    "--teaches", "teaches", help="Only resources that teach this skill (id, name or alias)."
)
def resources(
    graphs: tuple[Path, ...],
    fmt: str,
    kind: str | None,
    free: bool,
    provider: str | None,
    teaches: str | None,
) -> None:
    """List learning resources and certifications.

    \b
    Examples:
      pathplanner resources --teaches docker --free
      pathplanner resources --kind certification --format json
    """
    from ._names import nearest, normalize
    from .export import resource_dict
    from .models import RESOURCE_KINDS
    from .text import fmt_hours, fmt_usd, table

    catalog = _catalog(graphs)
    chosen = list(catalog.resources.values())
    if kind:
        if kind not in RESOURCE_KINDS:
            hint = nearest(kind, RESOURCE_KINDS)
            raise click.BadParameter(
                f"unknown kind '{kind}'" + (f" — did you mean '{hint[0]}'?" if hint else ""),
                param_hint="--kind",
            )
        chosen = [r for r in chosen if r.kind == kind]
    if free:
        chosen = [r for r in chosen if r.free]
    if provider:
        chosen = [r for r in chosen if normalize(provider) in normalize(r.provider)]
    if teaches:
        sid = catalog.resolve("skill", teaches)
        chosen = [r for r in chosen if sid in r.teaches]
    if fmt == "json":
        _emit(_json([resource_dict(catalog, r.id) for r in chosen]))
        return
    rows = [
        [
            r.id,
            r.title if len(r.title) <= 48 else r.title[:47] + "…",
            r.provider,
            r.kind,
            fmt_hours(r.hours),
            fmt_usd(r.cost_usd),
            "" if r.active else "retired",
        ]
        for r in chosen
    ]
    _emit(table(rows, ["id", "title", "provider", "kind", "hours", "cost", "status"]))


@cli.command()
@_graph_option
@_format_option
@click.argument("name")
def show(graphs: tuple[Path, ...], fmt: str, name: str) -> None:
    """Show one role, skill or resource in full (by id, name or alias).

    \b
    Examples:
      pathplanner show ml-engineer
      pathplanner show kubernetes
      pathplanner show "Docker Mastery" --format json
    """
    from .show import show_json, show_text

    catalog = _catalog(graphs)
    kind, eid = catalog.resolve_any(name)
    _emit(_json(show_json(catalog, kind, eid)) if fmt == "json" else show_text(catalog, kind, eid))


@cli.command()
@_graph_option
@click.option("--format", "fmt", type=click.Choice(["json"]), default="json", show_default=True)
@click.option(
    "--output", "-o", type=click.Path(dir_okay=False, path_type=Path), help="Write to FILE."
)
@click.option("--force", is_flag=True, help="Overwrite --output if it exists.")
def export(graphs: tuple[Path, ...], fmt: str, output: Path | None, force: bool) -> None:
    """Write the whole merged graph as pathplanner-graph/1 JSON.

    Resources' `requires` are their effective requirements, so the JSON alone decides whether
    any plan is valid.

    \b
    Examples:
      pathplanner export --format json > graph.json
      pathplanner export --graph ./bootcamp -o merged.json
    """
    from .export import export_graph

    _emit(_json(export_graph(_catalog(graphs))), output, force)


# -- planning -----------------------------------------------------------------------------------


def _profile_options(f: F) -> F:
    f = click.option(
        "--done", "done", multiple=True, help="A resource already completed (repeatable)."
    )(f)
    f = click.option(
        "--profile",
        "profile_file",
        type=click.Path(dir_okay=False, path_type=Path),
        help="A profile YAML (name, skills, done, hours_per_week, budget_usd).",
    )(f)
    f = click.option(
        "--have",
        multiple=True,
        metavar="SKILL:LEVEL,...",
        help="Skills you have, e.g. python:2,sql:1 (repeatable; a bare name means level 1).",
    )(f)
    f = click.option(
        "--from", "from_role", metavar="ROLE", help="Start from this role's essential skills."
    )(f)
    return f


def _profile(
    catalog: Any,
    from_role: str | None,
    have: tuple[str, ...],
    profile_file: Path | None,
    done: tuple[str | tuple[str, str], ...],
) -> Any:
    from .profile import build_profile

    return build_profile(
        catalog,
        from_role=from_role,
        have=have,
        profile_file=profile_file,
        done=done,
        have_source="--have",
        done_source="--done",
    )


def _constraint_options(f: F) -> F:
    opts = [
        click.option(
            "--solver",
            type=click.Choice(["milp", "greedy"]),
            default="milp",
            show_default=True,
            help="milp: exact (HiGHS); greedy: fast heuristic, not proven.",
        ),
        click.option(
            "--time-limit",
            type=_Number("time_limit"),
            default=10.0,
            show_default=True,
            help="Seconds the exact solver may take before returning its best plan.",
        ),
        click.option(
            "--include-optional", is_flag=True, help="Also meet the role's optional requirements."
        ),
        click.option(
            "--with-cert",
            "with_certs",
            multiple=True,
            metavar="CERT",
            help="Also earn this certification (id, exam code or name; repeatable).",
        ),
        click.option(
            "--include",
            "include",
            multiple=True,
            metavar="RESOURCE",
            help="A resource the plan must contain (repeatable).",
        ),
        click.option(
            "--exclude-kind",
            "exclude_kinds",
            multiple=True,
            metavar="KIND",
            help="Leave out resources of this kind (repeatable).",
        ),
        click.option(
            "--exclude-provider",
            "exclude_providers",
            multiple=True,
            metavar="PROVIDER",
            help="Leave out resources from this provider (repeatable).",
        ),
        click.option("--free-only", is_flag=True, help="Use only free resources."),
        click.option(
            "--max-hours", type=_Number("max_hours"), help="Upper limit on total study hours."
        ),
        click.option(
            "--budget-usd", type=_Number("budget_usd"), help="Upper limit on total cost in USD."
        ),
        click.option(
            "--hourly-rate",
            type=_Number("hourly_rate"),
            default=25.0,
            show_default=True,
            help="USD one study hour is worth, for --optimize balanced.",
        ),
        click.option(
            "--optimize",
            "objective",
            type=click.Choice(["hours", "cost", "balanced"]),
            default="hours",
            show_default=True,
            help="What the plan minimizes.",
        ),
    ]
    for opt in opts:
        f = opt(f)
    return f


def _plan_output_options(hours: str, start: str, fmt: str) -> Callable[[F], F]:
    """Add the schedule and output options a command that prints a plan takes."""

    def decorate(f: F) -> F:
        opts = [
            click.option("--force", is_flag=True, help="Overwrite --output if it exists."),
            click.option(
                "--output",
                "-o",
                type=click.Path(dir_okay=False, path_type=Path),
                help="Write to FILE instead of printing.",
            ),
            click.option(
                "--format",
                "fmt",
                type=click.Choice(
                    ["text", "txt", "md", "html", "json", "csv", "ics", "mermaid", "dot"]
                ),
                default=None,
                help=fmt,
            ),
            click.option("--start", "start", type=click.DateTime(formats=["%Y-%m-%d"]), help=start),
            click.option("--hours-per-week", type=_Number("hours_per_week"), help=hours),
        ]
        for opt in opts:
            f = opt(f)
        return f

    return decorate


def _constraints(catalog: Any, kw: dict[str, Any]) -> Any:
    from .errors import UnknownNameError
    from .optimize import Constraints
    from .planner import check_exclusions

    c = Constraints(
        objective=kw["objective"],
        hourly_rate=kw["hourly_rate"],
        budget_usd=kw["budget_usd"],
        max_hours=kw["max_hours"],
        free_only=kw["free_only"],
        exclude_providers=tuple(kw["exclude_providers"]),
        exclude_kinds=tuple(kw["exclude_kinds"]),
        include=tuple(kw["include"]),
        with_certs=tuple(kw["with_certs"]),
        include_optional=kw["include_optional"],
        time_limit=kw["time_limit"],
        solver=kw["solver"],
    )
    try:
        check_exclusions(catalog, c)
    except UnknownNameError as err:
        flag = "--exclude-provider" if err.kind == "provider" else "--exclude-kind"
        raise click.BadParameter(str(err), param_hint=flag) from err
    return c


@cli.command()
@_graph_option
@_profile_options
@click.option("--to", "target", required=True, metavar="ROLE", help="The role you want.")
@click.option("--include-optional", is_flag=True, help="Count optional requirements too.")
@_format_option
def gap(
    graphs: tuple[Path, ...],
    from_role: str | None,
    have: tuple[str, ...],
    profile_file: Path | None,
    done: tuple[str, ...],
    target: str,
    include_optional: bool,
    fmt: str,
) -> None:
    """Show what a role needs that you do not have yet.

    \b
    Examples:
      pathplanner gap --from data-scientist --to ml-engineer
      pathplanner gap --have python:2,sql:2 --to "Data Analyst" --format json
    """
    from .gap import compute_gap
    from .text import gap_text

    catalog = _catalog(graphs)
    profile = _profile(catalog, from_role, have, profile_file, done)
    g = compute_gap(catalog, profile, target, include_optional)
    _emit(_json(g.to_dict()) if fmt == "json" else gap_text(g))


@cli.command()
@_graph_option
@_profile_options
@click.option("--to", "target", required=True, metavar="ROLE", help="The role you want.")
@_constraint_options
@_plan_output_options(
    hours="Study hours per week (default 8, or the profile's).",
    start="First day of study (YYYY-MM-DD), for dates.",
    fmt="Output format (default: text on a terminal; with -o, from the file's extension).",
)
@click.option(
    "--template",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="Render with your own Jinja template file (sandboxed).",
)
@click.option(
    "--templates",
    "templates_dir",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    help="A directory of your own plan.<format>.j2 templates, used before the built-in ones.",
)
@click.option(
    "--explain/--no-explain",
    default=None,
    help="List the cheaper-looking alternatives each step beat and why (re-solves per "
    "alternative; default: on for text, off for json).",
)
def plan(
    graphs: tuple[Path, ...],
    from_role: str | None,
    have: tuple[str, ...],
    profile_file: Path | None,
    done: tuple[str, ...],
    target: str,
    hours_per_week: float | None,
    start: dt.datetime | None,
    fmt: str | None,
    template: Path | None,
    templates_dir: Path | None,
    output: Path | None,
    force: bool,
    explain: bool | None,
    **kw: Any,
) -> None:
    """Plan the cheapest route to a role, proven optimal by an exact solver.

    \b
    Examples:
      pathplanner plan --from data-scientist --to ml-engineer
      pathplanner plan --have python:2,sql:1 --to data-analyst --free-only
      pathplanner plan --profile me.yaml --to mlops-engineer --optimize cost --budget-usd 300
      pathplanner plan --from ds --to mle --hours-per-week 8 --start 2027-01-04 --format json -o plan.json
      pathplanner plan --from ds --to mle --start 2027-01-04 -o plan.md      (also .html .csv .ics .dot)
    """
    from .planner import plan as make_plan
    from .render import format_for_path, render_plan

    fmt = fmt or (format_for_path(output) if output else "text")
    if output is not None and force:
        from .progress import guard_overwrite

        guard_overwrite(output)  # a fresh plan must not wipe recorded ticks
    catalog = _catalog(graphs)
    profile = _profile(catalog, from_role, have, profile_file, done)
    p = make_plan(
        catalog,
        target,
        profile,
        constraints=_constraints(catalog, kw),
        hours_per_week=hours_per_week,
        start=start.date() if start else None,
        explain=explain if explain is not None else fmt not in ("json", "csv", "ics"),
    )
    text = render_plan(p, fmt, catalog, template=template, templates_dir=templates_dir)
    _emit(text, output, force)


@cli.command()
@_graph_option
@_profile_options
@click.option(
    "--from-markdown",
    "--from-plan",
    "markdown",
    type=click.Path(dir_okay=False, path_type=Path),
    help="A plan pathplanner wrote (md, json or html): its state, and its ticked boxes.",
)
@click.option("--to", "target", metavar="ROLE", help="The role (default: the plan's).")
@_constraint_options
@_plan_output_options(
    hours="Study hours per week (default: the plan's).",
    start="When the rest starts (YYYY-MM-DD; default: after the weeks already studied).",
    fmt="Format of the re-planned rest (default: text, or from -o's extension).",
)
def progress(
    graphs: tuple[Path, ...],
    from_role: str | None,
    have: tuple[str, ...],
    profile_file: Path | None,
    done: tuple[str, ...],
    markdown: Path | None,
    target: str | None,
    hours_per_week: float | None,
    start: dt.datetime | None,
    fmt: str | None,
    output: Path | None,
    force: bool,
    **kw: Any,
) -> None:
    """Mark resources done, see what is left, and re-plan the rest.

    A plan written by pathplanner carries its whole starting state (profile, pace, budget,
    start, constraints) and what was finished; the re-plan keeps both and adds the boxes
    ticked (- [x]), the partial hours written as (20/40 h) and --done. Options given here
    change the state from now on.

    \b
    Examples:
      pathplanner progress --from-markdown plan.md
      pathplanner progress --from-markdown plan.md -o plan.md --force
      pathplanner progress --from data-scientist --to ml-engineer --done kaggle-learn-intro-to-deep-learning
    """
    from .progress import guard_overwrite, progress_document, progress_text, read_progress, resume
    from .render import format_for_path, render_plan

    fmt = fmt or (format_for_path(output) if output else "text")
    source = read_progress(markdown) if markdown else None
    if not target and not (source and source.target):
        raise click.UsageError(
            "give --to ROLE (or --from-markdown with a plan written by pathplanner)"
        )
    if output is not None and force:
        guard_overwrite(output, source=markdown)
    catalog = _catalog(graphs)
    _constraints(catalog, kw)  # checks the values
    ctx = click.get_current_context()
    given = {
        k: v
        for k, v in kw.items()
        if ctx.get_parameter_source(k) is not click.core.ParameterSource.DEFAULT
    }
    fresh = source is None or source.state is None
    legacy_from = source.from_role if source and fresh else None
    profile = None
    if fresh or from_role or have or profile_file:
        profile = _profile(catalog, from_role or legacy_from, have, profile_file, ())
    rest = resume(
        catalog,
        source,
        target=target,
        profile=profile,
        done=done,
        hours_per_week=hours_per_week,
        start=start.date() if start else None,
        constraints=given,
        explain=fmt not in ("json", "csv", "ics"),
    )
    if fmt == "json":
        _emit(_json(progress_document(rest, catalog)), output, force)
        return
    body = render_plan(rest, fmt, catalog)
    if fmt in ("text", "txt"):
        body = progress_text(rest, catalog) + "\n" + body
    _emit(body, output, force)


@cli.command()
@_graph_option
@click.option(
    "--to", "target", required=True, metavar="ROLE", help="The role the cohort trains for."
)
@click.option(
    "--cohort",
    required=True,
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="Learners: CSV (name,from,have,done,hours_per_week,budget_usd,start) or YAML.",
)
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Directory to write into.",
)
@click.option(
    "--templates",
    "templates_dir",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    help="Your own syllabus.<fmt>.j2 / plan.<fmt>.j2 templates (sandboxed).",
)
@click.option(
    "--format",
    "formats",
    default="md,html,csv",
    show_default=True,
    help="Comma-separated: md, html, csv.",
)
@_constraint_options
@click.option(
    "--hours-per-week",
    type=_Number("hours_per_week"),
    help="Cohort study hours per week (a learner's own value wins).",
)
@click.option(
    "--start",
    "start",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Cohort start date (YYYY-MM-DD).",
)
@click.option(
    "--strict",
    is_flag=True,
    help="A bad cohort row makes the run fail (the other plans are still written).",
)
@click.option("--force", is_flag=True, help="Overwrite existing files in --out.")
def curriculum(
    graphs: tuple[Path, ...],
    target: str,
    cohort: Path,
    out_dir: Path,
    templates_dir: Path | None,
    formats: str,
    hours_per_week: float | None,
    start: dt.datetime | None,
    strict: bool,
    force: bool,
    **kw: Any,
) -> None:
    """Export a bootcamp curriculum: cohort syllabus, a plan per learner, a summary.

    \b
    Examples:
      pathplanner curriculum --to data-analyst --cohort learners.csv --out cohort-2027/
      pathplanner curriculum --to ml-engineer --cohort cohort.yaml --out out/ --graph ./our-courses --format md,csv --start 2027-01-04
    """
    from .curriculum import build_curriculum, read_cohort, render_curriculum, write_files

    wanted = [f.strip() for f in formats.split(",") if f.strip()]
    bad = [f for f in wanted if f not in ("md", "html", "csv")]
    if bad or not wanted:
        raise click.BadParameter(
            f"unknown format(s): {', '.join(bad) or '(none)'}; use md, html, csv",
            param_hint="--format",
        )
    catalog = _catalog(graphs)
    learners, problems = read_cohort(catalog, cohort)
    with click.progressbar(
        length=len(learners),
        label="Planning learners",
        file=sys.stderr,
        show_pos=True,
        item_show_func=lambda name: _safe(name) if name else name,
    ) as bar:

        def tick(learner: Any) -> None:
            bar.update(1, learner.name)

        cur = build_curriculum(
            catalog,
            target,
            learners,
            constraints=_constraints(catalog, kw),
            hours_per_week=hours_per_week,
            start=start.date() if start else None,
            on_learner=tick,
        )
    cur.problems = sorted(problems + cur.problems, key=lambda p: p.row)
    files = render_curriculum(cur, catalog, wanted, templates_dir)
    written = write_files(out_dir, files, force=force)
    for prob in cur.problems:
        click.echo(_safe(f"{'error' if strict else 'skipped'}: {cohort}: {prob}"), err=True)
    click.echo(
        f"wrote {len(written)} files to {out_dir}: syllabus ({len(cur.modules)} modules), "
        f"{len(cur.plans)} personal plan(s), summary.csv"
        + (f"; {len(cur.problems)} row(s) skipped" if cur.problems else "")
    )
    if strict and cur.problems:
        raise click.ClickException(f"{len(cur.problems)} bad row(s) in {cohort} (--strict)")


@cli.group(name="import")
def import_() -> None:
    """Import a skills taxonomy into a graph directory.

    \b
    Examples:
      pathplanner import esco ../shared/data/esco-v1.1.1 --out esco-graph/
    """


@import_.command(name="esco")
@click.argument("esco_dir", type=click.Path(file_okay=False, exists=True, path_type=Path))
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Graph directory to write.",
)
@click.option(
    "--no-link",
    is_flag=True,
    help="Do not tie ESCO skills to the built-in graph's skills (by esco_uri).",
)
@click.option("--force", is_flag=True, help="Write into a non-empty --out.")
@click.option(
    "--strict", is_flag=True, help="A relation to an unknown URI is an error, not a warning."
)
def import_esco_cmd(
    esco_dir: Path, out_dir: Path, no_link: bool, force: bool, strict: bool
) -> None:
    """Convert the official ESCO CSV export into a pathplanner graph directory.

    Occupations become roles, skills and knowledge become skills (every requirement level 1:
    ESCO has no levels), and each skill gets a self-study placeholder resource. Plan with
    the result through --graph.

    \b
    Examples:
      pathplanner import esco ../shared/data/esco-v1.1.1 --out esco-graph/
      pathplanner plan --graph esco-graph/ --from "data analyst" --to "data scientist"
    """
    import time

    from .esco import import_esco

    curated: dict[str, str] = {}
    if not no_link:
        catalog = _catalog(())
        curated = {s.esco_uri: s.id for s in catalog.skills.values() if s.esco_uri}
    started = time.perf_counter()

    def step(msg: str) -> None:
        click.echo(f"  {msg}...", err=True)

    report = import_esco(esco_dir, out_dir, curated, force=force, on_step=step, strict=strict)
    for warning in report.warnings[:20]:
        click.echo(_safe(f"warning: {warning}"), err=True)
    if len(report.warnings) > 20:
        click.echo(f"warning: ... and {len(report.warnings) - 20} more", err=True)
    click.echo(
        f"wrote {out_dir}: {report.roles} roles, {report.skills} skills "
        f"(+{report.linked} tied to built-in skills), {report.placeholders} placeholder "
        f"resources, {report.prerequisites} prerequisites ({report.cycles_broken} cyclic "
        f"relations dropped) in {time.perf_counter() - started:.1f} s"
    )


@cli.command(name="plan-many")
@_graph_option
@click.option(
    "--profiles",
    required=True,
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="Learners: CSV (name,from,have,done,...) or YAML, as for curriculum.",
)
@click.option("--to", "target", metavar="ROLE", help="Plan every learner to this role.")
@click.option("--all-roles", is_flag=True, help="Plan every learner to every role.")
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=None,
    help="Worker processes (default: one per core).",
)
@click.option("--summary", is_flag=True, help="Totals only, not the whole plan, in each line.")
@_constraint_options
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the JSON lines to FILE.",
)
@click.option("--force", is_flag=True, help="Overwrite --output if it exists.")
def plan_many_cmd(
    graphs: tuple[Path, ...],
    profiles: Path,
    target: str | None,
    all_roles: bool,
    workers: int | None,
    summary: bool,
    output: Path | None,
    force: bool,
    **kw: Any,
) -> None:
    """Plan many learners at once, in parallel; one JSON line per plan, as plans finish.

    A plan that fails is reported in its own line ("status": "error") and the rest go on.

    \b
    Examples:
      pathplanner plan-many --profiles cohort.csv --to ml-engineer > plans.jsonl
      pathplanner plan-many --profiles learners.yaml --all-roles --summary --workers 2 -o all.jsonl
    """
    from .batch import Task, plan_many
    from .curriculum import read_cohort

    if bool(target) == all_roles:
        raise click.UsageError("give exactly one of --to ROLE and --all-roles")
    catalog = _catalog(graphs)  # validates and caches the graph before the workers start
    learners, problems = read_cohort(catalog, profiles)
    for prob in problems:
        click.echo(_safe(f"skipped: {profiles}: {prob}"), err=True)
    roles = list(catalog.roles) if all_roles else [catalog.resolve("role", target or "")]
    tasks = [Task(x.name, x.profile, r, x.row) for x in learners for r in roles]
    constraints = _constraints(catalog, kw)
    from ._io import dumps_json_line, open_atomic

    with contextlib.ExitStack() as stack:
        # the file appears, complete, only when every line is written; Ctrl-C leaves nothing
        sink = stack.enter_context(open_atomic(output, force)) if output is not None else None
        results = plan_many(
            tasks,
            graphs,
            builtin=not _no_builtin(),
            constraints=constraints,
            workers=workers,
            summary=summary,
        )
        with click.progressbar(length=len(tasks), label="Planning", file=sys.stderr) as bar:
            for line in results:
                text = dumps_json_line(line)
                if sink is not None:
                    sink.write(text.encode("utf-8") + b"\n")
                else:
                    click.echo(text)
                bar.update(1)
    if output is not None:
        click.echo(f"wrote {len(tasks)} plan lines to {output}", err=True)


@cli.command()
@_graph_option
@click.argument("role_a")
@click.argument("role_b")
@_format_option
def compare(graphs: tuple[Path, ...], role_a: str, role_b: str, fmt: str) -> None:
    """Compare two roles: shared and distinct skills, hours each way, certifications, pay.

    \b
    Examples:
      pathplanner compare data-scientist ml-engineer
      pathplanner compare "data analyst" "analytics engineer" --format json
    """
    from .analysis import compare as do_compare
    from .show import compare_text

    data = do_compare(_catalog(graphs), role_a, role_b)
    _emit(_json(data) if fmt == "json" else compare_text(data))


@cli.command()
@_graph_option
@_profile_options
@click.option(
    "--limit", type=click.IntRange(min=1), default=None, help="Show only the N nearest roles."
)
@_format_option
def suggest(
    graphs: tuple[Path, ...],
    from_role: str | None,
    have: tuple[str, ...],
    profile_file: Path | None,
    done: tuple[str, ...],
    limit: int | None,
    fmt: str,
) -> None:
    """Rank roles by the study hours they are away from you.

    \b
    Examples:
      pathplanner suggest --from data-analyst
      pathplanner suggest --have python:2,sql:2,statistics:1 --limit 5
    """
    from .analysis import suggest as do_suggest
    from .text import fmt_hours, fmt_usd, table

    catalog = _catalog(graphs)
    profile = _profile(catalog, from_role, have, profile_file, done)
    ranked = do_suggest(catalog, profile)[:limit]
    if fmt == "json":
        _emit(_json([s.__dict__ for s in ranked]))
        return
    rows = [
        [
            s.role,
            s.name,
            f"{s.coverage:.0%}",
            fmt_hours(s.hours) if s.hours is not None else "—",
            fmt_usd(s.cost_usd) if s.cost_usd is not None else "—",
            s.status,
        ]
        for s in ranked
    ]
    _emit(table(rows, ["role", "name", "coverage now", "hours", "cost", "status"]))


def _terminated(signum: int, _frame: Any) -> None:
    """Turn SIGTERM into SystemExit, so that every temporary file is cleaned up on the way out."""
    raise SystemExit(128 + signum)


def main() -> None:
    """Run the CLI; a library error becomes one line on stderr, never a traceback."""
    import signal

    signal.signal(signal.SIGTERM, _terminated)
    try:
        try:
            cli(prog_name="pathplanner")
        finally:
            sys.stdout.flush()  # a full disk shows here, not in a traceback at exit
    except KeyboardInterrupt:
        click.echo("Aborted.", err=True)
        sys.exit(130)
    except OSError as err:
        # writing stdout failed (the reader went away, or the disk is full); the rest of
        # the buffer goes nowhere so the interpreter's last flush cannot fail again
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        if not isinstance(err, BrokenPipeError):
            where = err.filename or "standard output"
            click.echo(f"Error: {where}: {err.strerror or err}", err=True)
        sys.exit(1)
    except Exception as err:
        if os.environ.get("PATHPLANNER_DEBUG"):
            raise
        click.echo(
            f"Error: internal error ({type(err).__name__}: {err}). Please report it; "
            "set PATHPLANNER_DEBUG=1 for the traceback.",
            err=True,
        )
        sys.exit(70)
