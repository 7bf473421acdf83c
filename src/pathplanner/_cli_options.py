"""The command line's options, declared once: each group is one decorator (see `cli`)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])


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


class ProgressBars:
    """Progress bars with an ETA on stderr, one per stage, shown only when asked or when
    stderr is a terminal (`show` None); used as a context manager around the work."""

    def __init__(self, show: bool | None) -> None:
        import sys

        self.show = sys.stderr.isatty() if show is None else show
        self.bars: dict[str, Any] = {}
        self.current: Any = None

    def counter(self, label: str) -> Callable[[Any, int], None]:
        """Return a callback `(item, total)` that advances the bar `label` by one."""

        def tick(_item: Any, total: int) -> None:
            if not self.show:
                return
            if label not in self.bars:
                import sys

                self.close()
                self.current = click.progressbar(
                    length=total, label=label, file=sys.stderr, show_pos=True, show_eta=True
                )
                self.bars[label] = self.current.__enter__()
            self.bars[label].update(1)

        return tick

    def close(self) -> None:
        """Finish the bar on screen, if any."""
        if self.current is not None:
            self.current.__exit__(None, None, None)
            self.current = None

    def __enter__(self) -> ProgressBars:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _options(*opts: Callable[[F], F]) -> Callable[[F], F]:
    """Return one decorator that adds options in the order given (as --help lists them)."""

    def decorate(f: F) -> F:
        for opt in reversed(opts):
            f = opt(f)
        return f

    return decorate


def _split(_ctx: click.Context, _param: click.Parameter, value: tuple[str, ...]) -> tuple[str, ...]:
    """Return the comma-separated values of a repeatable option as one tuple."""
    return tuple(part.strip() for item in value for part in item.split(",") if part.strip())


def _remember_no_builtin(ctx: click.Context, _param: click.Parameter, value: bool) -> bool:
    ctx.meta["pathplanner.no_builtin"] = value
    return value


# Options, one per line or two; a group of them is one decorator.
# fmt: off
_FILE = click.Path(dir_okay=False, path_type=Path)
_DIR = click.Path(file_okay=False, path_type=Path)
_INPUT_FILE = click.Path(dir_okay=False, exists=True, path_type=Path)
_INPUT_DIR = click.Path(file_okay=False, exists=True, path_type=Path)
_DATE = click.DateTime(formats=["%Y-%m-%d"])
_force = click.option("--force", is_flag=True, help="Overwrite --output if it exists.")
_graph_option = _options(
    click.option("--graph", "graphs", multiple=True, type=_DIR,
                 help="An extra graph directory (repeatable); later ones extend or override earlier ones."),
    click.option("--no-builtin", is_flag=True, expose_value=False, callback=_remember_no_builtin,
                 help="Use only the --graph directories, not the built-in graph."),
)
_format_option = click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
                              show_default=True, help="Output format.")
_profile_options = _options(  # their destinations are the arguments of profile.build_profile
    click.option("--from", "from_role", metavar="ROLE", help="Start from this role's essential skills."),
    click.option("--have", multiple=True, metavar="SKILL:LEVEL,...",
                 help="Skills you have, e.g. python:2,sql:1 (repeatable; a bare name means level 1). "
                 "Levels: 1 foundation, 2 working, 3 advanced; not sure? run `pathplanner assess`."),
    click.option("--profile", "profile_file", type=_FILE,
                 help="A profile YAML (name, skills, done, hours_per_week, budget_usd)."),
    click.option("--done", "done", multiple=True, help="A resource already completed (repeatable)."),
)
_constraint_options = _options(  # their destinations are the fields of optimize.Constraints
    click.option("--optimize", "objective", type=click.Choice(["hours", "cost", "balanced"]),
                 default="hours", show_default=True, help="What the plan minimizes."),
    click.option("--hourly-rate", type=_Number("hourly_rate"), default=25.0, show_default=True,
                 help="USD one study hour is worth, for --optimize balanced."),
    click.option("--budget-usd", type=_Number("budget_usd"), help="Upper limit on total cost in USD."),
    click.option("--max-hours", type=_Number("max_hours"), help="Upper limit on total study hours."),
    click.option("--free-only", is_flag=True, help="Use only free resources."),
    click.option("--exclude-provider", "exclude_providers", multiple=True, metavar="PROVIDER",
                 help="Leave out resources from this provider (repeatable)."),
    click.option("--exclude-kind", "exclude_kinds", multiple=True, metavar="KIND",
                 help="Leave out resources of this kind (repeatable)."),
    click.option("--include", "include", multiple=True, metavar="RESOURCE",
                 help="A resource the plan must contain (repeatable)."),
    click.option("--with-cert", "with_certs", multiple=True, metavar="CERT",
                 help="Also earn this certification (id, exam code or name; repeatable)."),
    click.option("--include-optional", is_flag=True, help="Also meet the role's optional requirements."),
    click.option("--exclude", "exclude_ids", multiple=True, metavar="RESOURCE",
                 help="Never use this resource (id, name or alias; repeatable)."),
    click.option("--exclude-skill", "exclude_skills", multiple=True, metavar="SKILL",
                 help="Never use a resource that teaches this skill (repeatable)."),
    click.option("--prefer-provider", "prefer_providers", multiple=True, metavar="PROVIDER",
                 help="Prefer this provider: its resources count 20% less when plans are compared "
                      "(repeatable; the plan says what the preference cost)."),
    click.option("--languages", "languages", multiple=True, metavar="LANG,...", callback=_split,
                 help="Your programming languages, e.g. python,sql (default: the language skills "
                      "you have). Resources in other languages are used only where the role needs them."),
    click.option("--avoid-language", "avoid_languages", multiple=True, metavar="LANG", callback=_split,
                 help="Never use a resource whose exercises use this language (repeatable)."),
    click.option("--any-language", is_flag=True, help="Let resources use any programming language."),
    click.option("--time-limit", type=_Number("time_limit"), default=10.0, show_default=True,
                 help="Seconds the exact solver may take before returning its best plan."),
    click.option("--solver", type=click.Choice(["milp", "greedy"]), default="milp", show_default=True,
                 help="milp: exact (HiGHS); greedy: fast heuristic, not proven."),
)


def _plan_output_options(hours: str, start: str, fmt: str) -> Callable[[F], F]:
    """Add the schedule and output options a command that prints a plan takes."""
    return _options(
        click.option("--hours-per-week", type=_Number("hours_per_week"), help=hours),
        click.option("--start", "start", type=_DATE, help=start),
        click.option("--format", "fmt", default=None, help=fmt, type=click.Choice(
            ["text", "txt", "md", "html", "json", "csv", "ics", "mermaid", "dot"])),
        click.option("--output", "-o", type=_FILE, help="Write to FILE instead of printing."),
        _force,
    )


_plan_options = _options(
    click.option("--to", "target", multiple=True, metavar="ROLE",
                 help="The role you want; twice for two goals at once (shared steps first); "
                 "or --to-posting."),
    _constraint_options,
    _plan_output_options(
        hours="Study hours per week (default 8, or the profile's).",
        start="First day of study (YYYY-MM-DD), for dates.",
        fmt="Output format (default: text on a terminal; with -o, from the file's extension)."),
    click.option("--weeks", type=click.IntRange(1, 5200), default=None,
                 help="Finish within this many weeks (at your pace, or say the pace it needs)."),
    click.option("--by", "by", type=_DATE, help="Finish by this date (YYYY-MM-DD; from --start, default today)."),
    click.option("--availability", metavar="TIMES",
                 help="Your weekly study times, e.g. 'tue 19:00-21:00, sat 09:00-13:00': the plan "
                      "fills them in order and the calendar gets one event per session."),
    click.option("--skip", multiple=True, metavar="DATES",
                 help="Dates without study, e.g. 2027-12-20..2028-01-03 (repeatable)."),
    click.option("--tz", metavar="ZONE", help="Your time zone for --availability (default: this machine's)."),
    click.option("--alternatives", type=click.IntRange(0, 20), default=0, show_default=True, metavar="N",
                 help="Also show the N next-best routes, each leaving out a step of the best plan."),
    click.option("--tradeoff", is_flag=True,
                 help="Also show hours against dollars: every plan no other beats on both."),
    click.option("--template", type=_INPUT_FILE, help="Render with your own Jinja template file (sandboxed)."),
    click.option("--templates", "templates_dir", type=_INPUT_DIR,
                 help="A directory of your own plan.<format>.j2 templates, used before the built-in ones."),
    click.option("--explain/--no-explain", default=None,
                 help="List the cheaper-looking alternatives each step beat and why (re-solves per "
                 "alternative; default: on for text, off for json)."),
)
_progress_options = _options(
    click.option("--from-markdown", "--from-plan", "markdown", type=_FILE,
                 help="A plan pathplanner wrote (md, json or html): its state, and its ticked boxes."),
    click.option("--to", "target", metavar="ROLE", help="The role (default: the plan's)."),
    _constraint_options,
    _plan_output_options(
        hours="Study hours per week (default: the plan's).",
        start="When the rest starts (YYYY-MM-DD; default: after the weeks already studied).",
        fmt="Format of the re-planned rest (default: text, or from -o's extension)."),
)
_curriculum_options = _options(
    click.option("--to", "target", metavar="ROLE", help="The role the cohort trains for (required)."),
    click.option("--cohort", type=_INPUT_FILE,
                 help="Learners (required): CSV (name,from,have,done,hours_per_week,budget_usd,start) or YAML."),
    click.option("--out", "out_dir", type=_DIR, help="Directory to write into (required)."),
    click.option("--templates", "templates_dir", type=_INPUT_DIR,
                 help="Your own syllabus.<fmt>.j2 / index.html.j2 / plan.<fmt>.j2 templates (sandboxed)."),
    click.option("--format", "formats", default="md,html,csv", show_default=True,
                 help="Comma-separated: md, html, csv, ics; imscc (an IMS Common Cartridge 1.1 course), moodle-csv, canvas-csv (competency frameworks). Each learner gets an .ics anyway when a start date is known."),
    _constraint_options,
    click.option("--hours-per-week", type=_Number("hours_per_week"),
                 help="Cohort study hours per week (a learner's own value wins)."),
    click.option("--start", "start", type=_DATE, help="Cohort start date (YYYY-MM-DD)."),
    click.option("--weeks", type=click.IntRange(1, 520),
                 help="Length of the timetable in weeks (default: the fewest in which everyone keeps up)."),
    click.option("--end", "end", type=_DATE, help="Last day of the timetable (YYYY-MM-DD), instead of --weeks; needs --start."),
    click.option("--prefer-bound", type=click.FloatRange(0, 10), default=0.5, show_default=True,
                 help="Own modules (--prefer-provider, `preferred: true`) are used when their hours are at most (1 + this) x those of the study they replace."),
    click.option("--core-share", type=click.FloatRange(0, 1, min_open=True), default=0.5, show_default=True,
                 help="A module taken by at least this share of the learners is core; fewer: bridging or elective."),
    click.option("--strict", is_flag=True,
                 help="A bad cohort row makes the run fail (the other plans are still written)."),
    click.option("--progress/--no-progress", "show_progress", default=None,
                 help="Show a progress bar with an ETA on stderr (default: when stderr is a terminal)."),
    click.option("--force", is_flag=True, help="Overwrite existing files in --out."),
)
_curriculum_status_options = _options(
    click.argument("out_dir", type=_INPUT_DIR),
    click.option("--plans", "plans", multiple=True, type=_INPUT_FILE,
                 help="A learner's ticked Markdown plan (repeatable; default: OUT_DIR/learners/*.md)."),
    click.option("--done", "done_csv", type=_INPUT_FILE,
                 help="A CSV of finished resources (columns learner,resource), instead of plans."),
    click.option("--week", type=click.IntRange(0, 520), help="The timetable week that has just ended."),
    click.option("--as-of", "as_of", type=_DATE, help="The day to judge at (YYYY-MM-DD), instead of --week."),
    click.option("--format", "fmt", type=click.Choice(["text", "csv", "html"]), default=None,
                 help="Output format (default: text; with -o, from the file's extension)."),
    click.option("--output", "-o", type=_FILE, help="Write to FILE instead of printing."),
    _force,
)
_esco_options = _options(
    click.argument("esco_dir", type=_INPUT_DIR),
    click.option("--out", "out_dir", required=True, type=_DIR, help="Graph directory to write."),
    click.option("--no-link", is_flag=True,
                 help="Do not tie ESCO skills to the built-in graph's skills (by esco_uri)."),
    click.option("--force", is_flag=True, help="Write into a non-empty --out."),
    click.option("--strict", is_flag=True, help="A relation to an unknown URI is an error, not a warning."),
)
_plan_many_options = _options(
    click.option("--profiles", required=True, type=_INPUT_FILE,
                 help="Learners: CSV (name,from,have,done,...) or YAML, as for curriculum."),
    click.option("--to", "target", metavar="ROLE", help="Plan every learner to this role."),
    click.option("--all-roles", is_flag=True, help="Plan every learner to every role."),
    click.option("--workers", type=click.IntRange(min=1), default=None,
                 help="Worker processes (default: one per core)."),
    click.option("--engine", type=click.Choice(["local", "dask"]), default="local",
                 show_default=True,
                 help="local: worker processes here; dask: a Dask cluster (needs the dask extra)."),
    click.option("--scheduler", metavar="ADDRESS",
                 help="With --engine dask: the scheduler of an existing cluster "
                      "(tcp://host:8786); default: a local cluster of --workers processes."),
    click.option("--summary", is_flag=True, help="Totals only, not the whole plan, in each line."),
    _constraint_options,
    click.option("--output", "-o", type=_FILE, help="Write the JSON lines to FILE."),
    _force,
)
_new_resource_options = _options(
    click.option("--graph", "graph_dir", required=True, type=_INPUT_DIR,
                 help="Your graph directory: the entry goes into its resources file."),
    click.option("--id", "rid", required=True, metavar="ID",
                 help="The new resource's id: lower-case words joined by '-', e.g. dab-stats-lab."),
    click.option("--kind", default="course", show_default=True, metavar="KIND",
                 help="course, workshop, lab, lecture, project, book, ... (see graph/README.md)."),
    click.option("--file", metavar="FILE",
                 help="The YAML file (in --graph) to append to or create; default: its only "
                 "resources file, else resources.yaml."),
    click.option("--force", is_flag=True,
                 help="Replace --file if it exists and is not a resources file."),
)
# fmt: on
# fmt: off
_serve_options = _options(
    click.option("--host", default="127.0.0.1", show_default=True,
                 help="Address to listen on; anything but this machine needs --allow-remote."),
    click.option("--port", type=click.IntRange(0, 65535), default=0,
                 help="Port to listen on (default: a free one)."),
    click.option("--data", "data_dir", type=_DIR,
                 help="Directory of the plans' database (default: your data directory)."),
    click.option("--no-browser", is_flag=True, help="Do not open the page in a browser."),
    click.option("--allow-remote", is_flag=True,
                 help="Allow a --host other computers can reach (no login: anyone there can use it)."),
    click.option("--threads", type=click.IntRange(1, 64), default=8, show_default=True,
                 help="Requests answered at once."),
)
# fmt: on
# fmt: off
# -- assess (self-assessment, skills from text, job postings) --
_posting_options = _options(
    click.option("--to-posting", "to_posting", metavar="FILE",
                 help="Plan to a job posting instead of a role: a .txt, .md, .docx or .pdf file (or - for stdin)."),
    click.option("--confirm/--no-confirm", "confirm", default=None,
                 help="Ask before planning to the posting's skills (default: ask on a terminal)."),
)
_assess_options = _options(
    click.option("--to", "target", metavar="ROLE", help="The role to assess yourself against."),
    click.option("--answers", type=_INPUT_FILE, help="Answers as YAML (no questions asked)."),
    click.option("--from-text", "from_text", metavar="FILE",
                 help="Propose skills from a CV or profile text: .txt, .md, .docx, .pdf, or - for stdin."),
    click.option("--confirm/--no-confirm", "confirm", default=None,
                 help="With --from-text: check each guess now (default: on a terminal)."),
    click.option("--output", "-o", type=_FILE, help="Write the profile YAML to FILE."),
    _force,
)
# fmt: on
