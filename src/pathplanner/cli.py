"""The command line: each command parses, makes one library call and prints."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sys
from pathlib import Path
from typing import Any

import click

from . import __version__
from ._cli_options import (
    _FILE,
    _assess_options,
    _constraint_options,
    _curriculum_options,
    _curriculum_status_options,
    _esco_options,
    _force,
    _format_option,
    _graph_option,
    _new_resource_options,
    _plan_many_options,
    _plan_options,
    _posting_options,
    _profile_options,
    _progress_options,
    _serve_options,
)
from .errors import PathPlannerError, UnknownNameError

# The library names a setting by its keyword argument; the command line by its option.
FLAGS = {
    "budget_usd": "--budget-usd", "category": "--category", "done": "--done",
    "done_hours": "--done", "exclude_kinds": "--exclude-kind",
    "exclude_providers": "--exclude-provider", "force": "--force", "formats": "--format",
    "from_role": "--from",
    "have": "--have", "hourly_rate": "--hourly-rate", "hours_per_week": "--hours-per-week",
    "include": "--include", "kind": "--kind", "max_hours": "--max-hours",
    "start": "--start", "target": "--to", "time_limit": "--time-limit",
    "with_certs": "--with-cert", "weeks": "--weeks", "by": "--by", "alternatives": "--alternatives",
    "exclude_ids": "--exclude", "exclude_skills": "--exclude-skill",
    "prefer_providers": "--prefer-provider", "languages": "--languages",
    "avoid_languages": "--avoid-language", "any_language": "--any-language",
    "rid": "--id", "file": "--file", "graph": "--graph", "availability": "--availability",
    "skip": "--skip", "tz": "--tz",
    "to_posting": "--to-posting",
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
            raise _click_error(err, ctx) from err


def _click_error(err: PathPlannerError, ctx: click.Context) -> click.ClickException:
    """Return the one click error a library error becomes (see _Command)."""
    flag = FLAGS.get(err.setting or "")
    if isinstance(err, UnknownNameError) and flag:
        return click.BadParameter(_safe(err.message), ctx, param_hint=flag)
    return click.ClickException(_safe(err.cite(flag)))


class _Group(click.Group):
    """A group whose commands are _Commands; Ctrl-C exits 130 with one word."""

    command_class = _Command
    group_class = type

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except PathPlannerError as err:  # raised in a group's own callback (curriculum)
            raise _click_error(err, ctx) from err
        except KeyboardInterrupt:  # click would print "Aborted!" and exit 1
            click.echo("Aborted.", err=True)
            ctx.exit(130)


def _builtin(graphs: tuple[Path, ...]) -> bool:
    """Return whether the built-in graph is used; refuse --no-builtin without a --graph."""
    no_builtin = bool(click.get_current_context().meta.get("pathplanner.no_builtin"))
    if no_builtin and not graphs:
        raise click.UsageError("--no-builtin needs at least one --graph DIR")
    return not no_builtin


def _catalog(graphs: tuple[Path, ...]) -> Any:
    from .load import load_catalog

    return load_catalog(graphs, builtin=_builtin(graphs))


_WHO = ("from_role", "have", "profile_file", "done")


def _profile(catalog: Any, kw: dict[str, Any]) -> Any:
    """Return the profile the profile options in `kw` give, taking them out of `kw`."""
    from .profile import build_profile

    who = {k: kw.pop(k) for k in _WHO}
    return build_profile(catalog, **who, have_source="--have", done_source="--done")


def _constraints(kw: dict[str, Any]) -> Any:
    from .optimize import Constraints

    return Constraints(**kw)


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


def _date(value: dt.datetime | None) -> dt.date | None:
    return value.date() if value else None


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
@click.option("--verbose", "-v", is_flag=True,
              help="With --graph, also show the notes about the built-in graph.")  # fmt: skip
def validate(graphs: tuple[Path, ...], verbose: bool) -> None:
    """Check the knowledge graph and report every problem at once.

    Every error names its file and line; every cycle is explained from your own resource
    outward, with what to change. Exit status 0 when the graph is clean, 1 when it is not.

    \b
    Examples:
      pathplanner validate
      pathplanner validate --graph ./my-bootcamp-catalog
      pathplanner validate --graph ./my-bootcamp-catalog --verbose
    """
    from .load import check_graph
    from .text import check_text

    check = check_graph(graphs, builtin=_builtin(graphs))
    _emit(check_text(check, verbose, "--verbose"))
    if not check.ok:
        click.echo(f"{len(check.errors)} problem(s) found.", err=True)
        sys.exit(1)


# -- authoring your own modules -----------------------------------------------------------------


@cli.group()
def new() -> None:
    """Start a new entry of your own graph directory (Example: pathplanner new resource ...)."""


@new.command(name="resource")
@_new_resource_options
def new_resource_cmd(graph_dir: Path, rid: str, kind: str, file: str | None, force: bool) -> None:
    """Add a resource entry with every field explained, to fill in and validate: appended
    to the directory's resources file, or a new resources.yaml. Replace every FILL-IN.

    \b
    Examples:
      pathplanner new resource --graph ./our-courses --id dab-stats-lab --kind lab
      pathplanner new resource --graph ./our-courses --id dab-sql-workshop --kind workshop --file sql.yaml
    """
    from .load import load_catalog
    from .scaffold import new_resource

    builtin = {r: res.title for r, res in load_catalog().resources.items()}
    made = new_resource(graph_dir, rid, kind, file=file, force=force, builtin_ids=builtin)
    how = "appended to" if made.appended else "wrote"
    click.echo(_safe(f"{how} {made.path} (line {made.line}): fill in every FILL-IN, then run\n"
                     f"  pathplanner validate --graph {graph_dir}"))  # fmt: skip


def _listing(listing: Any, fmt: str) -> None:
    from .text import listing_text

    _emit(_json(listing.entries()) if fmt == "json" else listing_text(listing))


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
    from .browse import list_roles

    _listing(list_roles(_catalog(graphs)), fmt)


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
    from .browse import list_skills

    _listing(list_skills(_catalog(graphs), category), fmt)


@cli.command()
@_graph_option
@_format_option
@click.option("--kind", help="Only resources of this kind (course, book, project, certification ...).")  # fmt: skip
@click.option("--free", is_flag=True, help="Only free resources.")
@click.option("--provider", help="Only resources from this provider (case-insensitive).")
@click.option("--teaches", help="Only resources that teach this skill (id, name or alias).")
def resources(graphs: tuple[Path, ...], fmt: str, **filters: Any) -> None:
    """List learning resources and certifications.

    \b
    Examples:
      pathplanner resources --teaches docker --free
      pathplanner resources --kind certification --format json
    """
    from .browse import list_resources

    _listing(list_resources(_catalog(graphs), **filters), fmt)


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
@click.option("--output", "-o", type=_FILE, help="Write to FILE.")
@_force
def export(graphs: tuple[Path, ...], fmt: str, output: Path | None, force: bool) -> None:
    """Write the whole merged graph as pathplanner-graph/2 JSON.

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


@cli.command()
@_graph_option
@_profile_options
@click.option("--to", "target", metavar="ROLE", help="The role you want (or --to-posting).")
@_posting_options
@click.option("--include-optional", is_flag=True, help="Count optional requirements too.")
@_format_option
def gap(graphs: tuple[Path, ...], target: str | None, include_optional: bool, fmt: str, **kw: Any) -> None:  # fmt: skip
    """Show what a role (or a job posting) needs that you do not have yet.

    \b
    Examples:
      pathplanner gap --from data-scientist --to ml-engineer
      pathplanner gap --have python:2,sql:2 --to "Data Analyst" --format json
      pathplanner gap --have python:2,sql:2 --to-posting job.txt
    """
    from .gap import compute_gap
    from .text import gap_text

    catalog, target = _target(_catalog(graphs), target, kw)
    g = compute_gap(catalog, _profile(catalog, kw), target, include_optional)
    _emit(_json(g.to_dict()) if fmt == "json" else gap_text(g))


@cli.command()
@_graph_option
@_profile_options
@_plan_options
@_posting_options
def plan(graphs: tuple[Path, ...], target: tuple[str, ...], hours_per_week: float | None,
         start: dt.datetime | None, fmt: str | None, output: Path | None, force: bool,
         template: Path | None, templates_dir: Path | None, explain: bool | None,
         **kw: Any) -> None:  # fmt: skip
    """Plan the cheapest route to a role, proven optimal by an exact solver.

    \b
    Examples:
      pathplanner plan --from data-scientist --to ml-engineer
      pathplanner plan --have python:2,sql:1 --to data-analyst --free-only
      pathplanner plan --profile me.yaml --to mlops-engineer --optimize cost --budget-usd 300
      pathplanner plan --from ds --to mle --hours-per-week 8 --start 2027-01-04 --format json -o plan.json
      pathplanner plan --from ds --to mle --start 2027-01-04 -o plan.md      (also .html .csv .ics .dot)
      pathplanner plan --profile me.yaml --to-posting job.txt
      pathplanner plan --from data-analyst --to ml-engineer --by 2027-09-01 --budget-usd 600
      pathplanner plan --from data-scientist --to ml-engineer --languages python --exclude-skill aws
      pathplanner plan --from data-analyst --to ml-engineer --tradeoff --alternatives 2
      pathplanner plan --from data-scientist --to ml-engineer --to mlops-engineer
      pathplanner plan --from data-analyst --to data-scientist --start 2027-01-04 \\
          --availability "tue 19:00-21:00, sat 09:00-13:00" --tz Europe/Berlin -o plan.ics

    \b
    Order of preference: the objective (--optimize) first, then study hours or cost
    (whichever is not the objective), then the fewest steps, then resource ids (at the
    first id where two equal plans differ, the plan that has it wins). Resources in a
    programming language outside yours and the role's are used only when no plan can
    do without (the plan says so).
    """
    from .planner import plan as make_plan
    from .progress import guard_overwrite
    from .render import explains, output_format, render_plan

    fmt = output_format(fmt, output)
    if output is not None and force:
        guard_overwrite(output)  # a fresh plan must not wipe recorded ticks
    catalog, target = _target(_catalog(graphs), target, kw)
    profile = _profile(catalog, kw)
    explain = explains(fmt) if explain is None else explain
    kw["by"] = _date(kw.get("by"))
    p = make_plan(catalog, target[0], profile, hours_per_week=hours_per_week, start=_date(start),
                  explain=explain, also=target[1:], **kw)  # fmt: skip
    _emit(render_plan(p, fmt, catalog, template, templates_dir), output, force)


@cli.command()
@_graph_option
@_profile_options
@_progress_options
@_posting_options
def progress(graphs: tuple[Path, ...], markdown: Path | None, target: str | None,
             hours_per_week: float | None, start: dt.datetime | None, fmt: str | None,
             output: Path | None, force: bool, **kw: Any) -> None:  # fmt: skip
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
    from .progress import guard_overwrite, render_progress, resume
    from .render import explains, output_format

    fmt = output_format(fmt, output)
    if output is not None and force:
        guard_overwrite(output, source=markdown)
    catalog, target = _target(_catalog(graphs), target, kw, required=False)
    who = {k: kw.pop(k) for k in _WHO}
    source = click.get_current_context().get_parameter_source
    given = {k: v for k, v in kw.items() if source(k) is not click.core.ParameterSource.DEFAULT}
    rest = resume(catalog, markdown, **who, target=target, hours_per_week=hours_per_week,
                  start=_date(start), constraints=given, explain=explains(fmt),
                  have_source="--have")  # fmt: skip
    _emit(render_progress(rest, fmt, catalog), output, force)


# -- cohorts and imports ------------------------------------------------------------------------


FLAGS.update(weeks="--weeks", end="--end", prefer_bound="--prefer-bound",
             core_share="--core-share", week="--week")  # fmt: skip


@cli.group(cls=_Group, invoke_without_command=True)
@_graph_option
@_curriculum_options
def curriculum(graphs: tuple[Path, ...], target: str | None,
               cohort: Path | None, out_dir: Path | None, templates_dir: Path | None, formats: str,
               hours_per_week: float | None, start: dt.datetime | None, weeks: int | None,
               end: dt.datetime | None, prefer_bound: float, core_share: float, strict: bool, show_progress: bool | None, force: bool,
               **kw: Any) -> None:  # fmt: skip
    """Export a bootcamp curriculum: a cohort timetable, a plan and calendar per learner.

    Learners are planned at their own hours per week; the timetable lays the modules (core,
    bridging, elective; learners by name) over --weeks and says who cannot keep up. Own
    modules (--prefer-provider, `preferred: true`) are used within --prefer-bound. Writes
    syllabus.*, timetable.json, index.html, summary.csv, learners/. See `curriculum status`.

    \b
    Examples:
      pathplanner curriculum --to data-analyst --cohort learners.csv --out cohort-2027/
      pathplanner curriculum --to data-analyst --cohort learners.csv --out cohort-2027/ --graph ./our-courses --weeks 12 --start 2027-01-04
      pathplanner curriculum --to ml-engineer --cohort cohort.yaml --out out/ --prefer-provider "Our School" --format md,csv
    """
    if click.get_current_context().invoked_subcommand is not None:
        return
    if target is None or cohort is None or out_dir is None:
        raise click.UsageError("Missing option '--to', '--cohort' or '--out'.")
    from ._cli_options import ProgressBars
    from .curriculum import export_curriculum, report_lines

    catalog = _catalog(graphs)
    with ProgressBars(show_progress) as bars:
        cur, files = export_curriculum(
            catalog, target, cohort, out_dir, [f.strip() for f in formats.split(",") if f.strip()],
            templates_dir=templates_dir, constraints=_constraints(kw),
            hours_per_week=hours_per_week, start=_date(start), force=force,
            on_learner=bars.counter("Planning learners"), on_written=bars.counter("Writing plans"),
            weeks=weeks, end=_date(end), prefer_bound=prefer_bound, core_share=core_share,
        )  # fmt: skip
    for prob in cur.problems:
        click.echo(_safe(f"{'error' if strict else 'skipped'}: {cohort}: {prob}"), err=True)
    click.echo(_safe("\n".join(report_lines(cur, out_dir, files))))
    if strict and cur.problems:
        raise click.ClickException(f"{len(cur.problems)} bad row(s) in {cohort} (--strict)")


@curriculum.command(name="status")
@_curriculum_status_options
def curriculum_status(out_dir: Path, plans: tuple[Path, ...], done_csv: Path | None,
                      week: int | None, as_of: dt.datetime | None, fmt: str | None,
                      output: Path | None, force: bool) -> None:  # fmt: skip
    """Tell who is on track, behind or ahead of a cohort timetable (OUT_DIR/timetable.json).

    Progress: ticked Markdown plans (default OUT_DIR/learners/*.md) or --done CSV
    (learner,resource). Behind: a module due by the week is not finished.

    \b
    Examples:
      pathplanner curriculum status cohort-2027/ --week 6
      pathplanner curriculum status cohort-2027/ --as-of 2027-02-15 --plans ana.md --plans bo.md
      pathplanner curriculum status cohort-2027/ --week 6 --done done.csv -o status.csv
    """
    from .cohort_status import cohort_status, render_status

    report = cohort_status(out_dir, plans=plans, done_csv=done_csv, week=week, as_of=_date(as_of))
    _emit(render_status(report, fmt, output), output, force)


@cli.group(name="import")
def import_() -> None:
    """Import a skills taxonomy into a graph directory.

    \b
    Examples:
      pathplanner import esco ../shared/data/esco-v1.1.1 --out esco-graph/
    """


@import_.command(name="esco")
@_esco_options
def import_esco_cmd(esco_dir: Path, out_dir: Path, no_link: bool, force: bool, strict: bool) -> None:  # fmt: skip
    """Convert the official ESCO CSV export into a pathplanner graph directory.

    Occupations become roles, skills and knowledge become skills (every requirement level 1:
    ESCO has no levels), and each skill gets a self-study placeholder resource. Plan with
    the result through --graph.

    \b
    Examples:
      pathplanner import esco ../shared/data/esco-v1.1.1 --out esco-graph/
      pathplanner plan --graph esco-graph/ --from "data analyst" --to "data scientist"
    """
    from .esco import import_esco
    from .text import import_text

    report = import_esco(esco_dir, out_dir, force=force, strict=strict, link_builtin=not no_link,
                         on_step=lambda msg: click.echo(f"  {msg}...", err=True))  # fmt: skip
    summary, warnings = import_text(report)
    click.echo(_safe(warnings), err=True, nl=False)
    click.echo(summary, nl=False)


@cli.command(name="plan-many")
@_graph_option
@_plan_many_options
def plan_many_cmd(graphs: tuple[Path, ...], profiles: Path, target: str | None, all_roles: bool,
                  workers: int | None, engine: str, scheduler: str | None, summary: bool,
                  output: Path | None, force: bool, **kw: Any) -> None:  # fmt: skip
    """Plan many learners at once, in parallel; one JSON line per plan, as plans finish.

    A plan that fails is reported in its own line ("status": "error") and the rest go on.

    \b
    Examples:
      pathplanner plan-many --profiles cohort.csv --to ml-engineer > plans.jsonl
      pathplanner plan-many --profiles learners.yaml --all-roles --summary --workers 2 -o all.jsonl
      pathplanner plan-many --profiles cohort.csv --to ml-engineer --engine dask \\
          --scheduler tcp://scheduler:8786 --graph /shared/esco-graph -o plans.jsonl
    """
    from .batch import plan_cohort

    if bool(target) == all_roles:
        raise click.UsageError("give exactly one of --to ROLE and --all-roles")
    _check_engine(engine, scheduler, workers)
    catalog = _catalog(graphs)  # validates and caches the graph before the workers start
    batch = plan_cohort(catalog, profiles, target, graphs=graphs, builtin=_builtin(graphs),
                        constraints=_constraints(kw), workers=workers, summary=summary,
                        engine=engine, scheduler=scheduler)  # fmt: skip
    for prob in batch.problems:
        click.echo(_safe(f"skipped: {profiles}: {prob}"), err=True)
    _write_lines(batch, output, force)


def _check_engine(engine: str, scheduler: str | None, workers: int | None) -> None:
    """Refuse --scheduler without the Dask engine, and --workers beside --scheduler."""
    if scheduler and engine != "dask":
        raise click.UsageError("--scheduler needs --engine dask")
    if scheduler and workers:
        raise click.UsageError(
            "--workers sizes a local cluster; with --scheduler the cluster has its own"
        )


def _write_lines(batch: Any, output: Path | None, force: bool) -> None:
    """Write a batch's lines as they come, with a progress bar; count the lost and retried."""
    from ._io import dumps_json_line, open_atomic
    from .batch import LOST_MESSAGE

    retried = lost = 0
    with contextlib.ExitStack() as stack:
        # the file appears, complete, only when every line is written; Ctrl-C leaves nothing
        sink = stack.enter_context(open_atomic(output, force)) if output is not None else None
        with click.progressbar(length=len(batch.tasks), label="Planning", file=sys.stderr) as bar:
            for line in batch.lines:
                retried += bool(line.get("retried"))
                lost += line.get("error") == LOST_MESSAGE
                text = dumps_json_line(line)
                if sink is not None:
                    sink.write(text.encode("utf-8") + b"\n")
                else:
                    click.echo(text)
                bar.update(1)
    if retried or lost:
        click.echo(f"{retried} plan(s) made again after a worker died; {lost} lost twice "
                   f"(status \"error\" in their lines)", err=True)  # fmt: skip
    if output is not None:
        click.echo(f"wrote {len(batch.tasks)} plan lines to {output}", err=True)


# -- self-assessment, skills from text, job postings -------------------------------------------


def _target(catalog: Any, target: Any, kw: dict[str, Any], required: bool = True) -> Any:
    from ._cli_assess import posting_target

    return posting_target(catalog, target, kw.pop("to_posting"), kw.pop("confirm"), required)


@cli.command()
@_graph_option
@_assess_options
def assess(graphs: tuple[Path, ...], target: str | None, answers: Path | None,
           from_text: str | None, confirm: bool | None, output: Path | None,
           force: bool) -> None:  # fmt: skip
    """Find out where you stand: a guided self-assessment, or skills proposed from your CV.

    Levels: 1 = foundation, 2 = working, 3 = advanced. --to asks which of each skill's level
    descriptions you can do (under 40 questions), then years, hours a week, budget, languages;
    --answers FILE reads them from YAML. --from-text proposes levels from a CV to confirm.

    \b
    Examples:
      pathplanner assess --to ml-engineer -o me.yaml
      pathplanner assess --to data-analyst --answers answers.yaml -o me.yaml
      pathplanner assess --from-text cv.pdf --confirm -o me.yaml
      pathplanner plan --profile me.yaml --to ml-engineer
    """
    from ._cli_assess import assess_profile

    _emit(assess_profile(_catalog(graphs), target, answers, from_text, confirm), output, force)


# -- across roles -------------------------------------------------------------------------------


@cli.command()
@_graph_option
@click.argument("role_a")
@click.argument("role_b")
@_format_option
@_profile_options
def compare(graphs: tuple[Path, ...], role_a: str, role_b: str, fmt: str, **kw: Any) -> None:
    """Compare two roles: shared and distinct skills, hours each way, certifications, pay.

    With where you stand (--profile, --from, --have), it opens with a verdict: hours,
    weeks, cost and pay of each role from your position.

    \b
    Examples:
      pathplanner compare data-scientist ml-engineer
      pathplanner compare ml-engineer mlops-engineer --profile me.yaml
      pathplanner compare "data analyst" "analytics engineer" --format json
    """
    from .analysis import compare as do_compare
    from .show import compare_text

    catalog = _catalog(graphs)
    given = any(kw.get(k) for k in ("from_role", "have", "profile_file", "done"))
    data = do_compare(catalog, role_a, role_b, _profile(catalog, kw) if given else None)
    _emit(_json(data) if fmt == "json" else compare_text(data))


@cli.command()
@_graph_option
@_profile_options
@click.option("--limit", type=click.IntRange(min=1), default=None, help="Show only the N nearest roles.")  # fmt: skip
@_format_option
def suggest(graphs: tuple[Path, ...], limit: int | None, fmt: str, **kw: Any) -> None:
    """Rank roles by the study hours they are away from you.

    \b
    Examples:
      pathplanner suggest --from data-analyst
      pathplanner suggest --have python:2,sql:2,statistics:1 --limit 5
    """
    from .analysis import suggest as do_suggest
    from .text import suggestions_text

    catalog = _catalog(graphs)
    ranked = do_suggest(catalog, _profile(catalog, kw), limit=limit)
    _emit(_json([s.to_dict() for s in ranked]) if fmt == "json" else suggestions_text(ranked))


@cli.command(name="learn-next")
@_graph_option
@_profile_options
@click.option("--to", "target", required=True, metavar="ROLE", help="The role you want.")
@_constraint_options
@click.option("--limit", type=click.IntRange(min=1), default=10, show_default=True, help="Show at most N.")  # fmt: skip
@_format_option
def learn_next_cmd(graphs: tuple[Path, ...], target: str, limit: int, fmt: str, **kw: Any) -> None:
    """List what you can start today, ranked by how much of the role it brings.

    Only resources whose prerequisites you already meet, and that your constraints allow
    (languages, exclusions, free only ...), are listed; each says whether it is a step of
    your best plan.

    \b
    Examples:
      pathplanner learn-next --from data-analyst --to ml-engineer
      pathplanner learn-next --have python:2,sql:1 --to data-scientist --free-only --limit 5
    """
    from .analysis import learn_next, learn_next_text

    catalog = _catalog(graphs)
    profile = _profile(catalog, kw)
    found = learn_next(catalog, target, profile, _constraints(kw), limit=limit)
    if fmt == "json":
        from dataclasses import asdict

        doc = {"format": "pathplanner-next/1", "target": catalog.resolve_role(target).id}
        _emit(_json(doc | {"resources": [asdict(n) for n in found]}))
    else:
        _emit(learn_next_text(found, catalog.resolve_role(target).name))


# -- the planner page ---------------------------------------------------------------------------


@cli.command()
@_graph_option
@_serve_options
def serve(graphs: tuple[Path, ...], host: str, port: int, data_dir: Path | None,
          no_browser: bool, allow_remote: bool, threads: int) -> None:  # fmt: skip
    """Open the planner page: plan, tick off and re-plan in your browser.

    The page runs on this computer only (127.0.0.1, a free port unless --port) and keeps
    your plans in one database file in your data directory (--data to move it). Stop it
    with Ctrl-C; nothing saved is lost.

    \b
    Examples:
      pathplanner serve
      pathplanner serve --port 8765 --no-browser
      pathplanner serve --graph ./our-courses --data ./bootcamp-plans
    """
    from .web import open_page, remote_warning

    if remote_warning(host):
        click.echo(remote_warning(host), err=True)
        if not allow_remote:
            raise click.UsageError(f"--host {host} is not this computer only: add --allow-remote")
    open_page(data_dir, graphs, _builtin(graphs), host, port, threads, not no_browser, click.echo)
    click.echo("Stopped.", err=True)


_SIGNALLED: list[int] = []


def _terminated(signum: int, _frame: Any) -> None:
    """Turn SIGTERM into SystemExit, so that every temporary file is cleaned up on the way out."""
    _SIGNALLED.append(signum)
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
        if _SIGNALLED:  # SIGTERM came during an import or a C call and surfaced as this error
            sys.exit(128 + _SIGNALLED[0])
        if os.environ.get("PATHPLANNER_DEBUG"):
            raise
        click.echo(
            f"Error: internal error ({type(err).__name__}: {err}). Please report it; "
            "set PATHPLANNER_DEBUG=1 for the traceback.",
            err=True,
        )
        sys.exit(70)
