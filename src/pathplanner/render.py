"""Turn plans and catalogue entries into text people read; Jinja renders the plan formats."""

from __future__ import annotations

import functools
import re
import textwrap
import uuid
from collections.abc import Generator, Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from ._paths import default_templates_dir
from .errors import RenderError
from .text import fmt_hours, fmt_usd, status_text, terminal_safe

if TYPE_CHECKING:
    import jinja2

    from .catalog import Catalog
    from .planner import Plan

__all__ = [
    "PLAN_FORMATS",
    "PlanRenderer",
    "explains",
    "format_for_path",
    "make_environment",
    "output_format",
    "render_plan",
]

_TEMPLATE_FOR = {
    "txt": "plan.txt.j2",
    "text": "plan.txt.j2",
    "md": "plan.md.j2",
    "html": "plan.html.j2",
    "mermaid": "plan.mmd.j2",
    "dot": "plan.dot.j2",
}
PLAN_FORMATS = ("text", "txt", "md", "html", "json", "csv", "ics", "mermaid", "dot")


_SYLLABUS_TEMPLATES = ("syllabus.md.j2", "syllabus.html.j2", "index.html.j2")


def make_environment(
    templates_dir: str | Path | None = None,
    sandboxed: bool = False,
    html: bool = False,
    files: Mapping[str, Path] | None = None,
) -> jinja2.Environment:
    """Return the one Jinja environment pathplanner uses: strict, HTML-escaping for HTML output.

    Escaping follows the output format (html=True), never a template's file name. User
    templates (sandboxed=True) run in a limited sandbox that sees exactly the named files
    (`files`, name -> path, each read once) and nothing else beside them, with bounded time,
    sizes and output (see _sandbox.py).
    """
    import jinja2

    options: dict[str, Any] = {
        "undefined": jinja2.StrictUndefined,
        "autoescape": html,
        "trim_blocks": True,
        "lstrip_blocks": True,
        "keep_trailing_newline": True,
    }
    env: jinja2.Environment
    if sandboxed:
        from ._sandbox import limited_sandbox

        env = limited_sandbox(dict(files or {}), **options)
    else:
        loader = jinja2.FileSystemLoader(
            [str(templates_dir)] if templates_dir else [str(default_templates_dir())]
        )
        env = jinja2.Environment(loader=loader, **options)
    env.filters["hours"] = fmt_hours
    env.filters["md"] = md_escape
    env.filters["mermaid"] = mermaid_label
    env.filters["dot"] = dot_label
    env.filters["usd"] = fmt_usd
    env.filters["num"] = lambda value: f"{value:g}"
    env.filters["wrap"] = lambda text, width=88, indent="": textwrap.fill(
        str(text), width=width, initial_indent=indent, subsequent_indent=indent
    )
    return env


def user_templates(templates_dir: str | Path | None) -> dict[str, Path]:
    """Return the templates a --templates directory overrides: {template name: its file}.

    Only the names pathplanner renders count; a link that leads out of the directory is
    refused, so a template directory cannot smuggle in another file of the system.
    """
    if templates_dir is None:
        return {}
    root = Path(templates_dir)
    found: dict[str, Path] = {}
    for name in sorted({*_TEMPLATE_FOR.values(), *_SYLLABUS_TEMPLATES}):
        path = root / name
        if not path.is_file():
            continue
        if path.is_symlink() and root.resolve() not in path.resolve().parents:
            raise RenderError(f"{path}: links out of {root}; a template must be a file in it")
        found[name] = path
    return found


def template_environment(
    name: str,
    html: bool,
    templates_dir: str | Path | None = None,
    template: str | Path | None = None,
) -> tuple[jinja2.Environment, str]:
    """Return the environment and template name to render: the user's file, else built-in.

    A --template file, or a file of that name in --templates DIR, runs sandboxed; the built-in
    templates run unsandboxed. Escaping follows html (the output format).
    """
    if template is not None:
        path = Path(template)
        return make_environment(sandboxed=True, html=html, files={path.name: path}), path.name
    mine = user_templates(templates_dir)
    if name in mine:
        return make_environment(sandboxed=True, html=html, files=mine), name
    return _builtin_environment(html), name


@functools.cache
def _builtin_environment(html: bool) -> jinja2.Environment:
    """Return the environment of the built-in templates: made, and each template compiled,
    once per process (they are part of the package and do not change while it runs)."""
    return make_environment(html=html)


class PlanRenderer:
    """Render many plans with the same templates, each template compiled once.

    `render_plan` for a stream of plans (a cohort): a user's --templates directory is read
    and compiled on first use, then reused for every plan of the run.
    """

    def __init__(self, catalog: Catalog, templates_dir: str | Path | None = None) -> None:
        self.catalog = catalog
        self.templates_dir = templates_dir
        self._envs: dict[str, tuple[jinja2.Environment, str]] = {}
        # calendars of plans that share their steps (identical learners) differ only in the
        # UIDs: made once, then only the UIDs are filled in (see _ics)
        self._calendars: dict[tuple[Any, ...], tuple[Any, list[str], list[tuple[str, int]]]] = {}

    def _ics(self, plan: Plan) -> str:
        """Return `plan_ics(plan)`, reusing the calendar of a plan with the same steps."""
        rnd = plan.state.round if plan.state is not None else 0
        key = (id(plan.steps), plan.start_date, plan.hours_per_week, plan.target_name, rnd)
        who = calendar_identity(plan)
        got = self._calendars.get(key)
        if got is None or got[0] is not plan.steps:
            text = plan_ics(plan, self.catalog)
            blocks = [
                (s.resource, b) for s in plan.steps for b in range(1, s.end_week - s.start_week + 2)
            ]
            known = {calendar_uid(who, r, b): (r, b) for r, b in blocks}
            parts = _UID_LINE.split(text)
            if not all(u in known for u in parts[1::2]):  # cannot happen; then no reuse
                return text
            self._calendars[key] = (plan.steps, parts[0::2], [known[u] for u in parts[1::2]])
            return text
        _, texts, uids = got
        out = [texts[0]]
        for (r, b), rest in zip(uids, texts[1:], strict=True):
            out += [calendar_uid(who, r, b), rest]
        return "".join(out)

    def environment(self, name: str, html: bool) -> tuple[jinja2.Environment, str]:
        """Return the environment and name of a template, made on first use."""
        key = f"{name}:{html}"
        if key not in self._envs:
            self._envs[key] = template_environment(name, html, self.templates_dir)
        return self._envs[key]

    def render(self, plan: Plan, fmt: str) -> str:
        """Return a plan rendered in a format, as `render_plan` does."""
        fmt = "txt" if fmt == "text" else fmt
        if fmt == "ics":
            return self._ics(plan)
        if fmt in ("json", "csv"):
            return render_plan(plan, fmt, self.catalog)
        if fmt not in _TEMPLATE_FOR:
            raise RenderError(f"unknown format '{fmt}' (use one of {', '.join(PLAN_FORMATS)})")
        env, name = self.environment(_TEMPLATE_FOR[fmt], fmt == "html")
        out = render_template(env, name, plan_context(plan, self.catalog))
        return terminal_safe(out) if fmt == "txt" else out


# everything that ends or bends a line, for one-line contexts (Markdown, Mermaid, DOT)
_BREAKS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]+")


def one_line(text: object) -> str:
    """Return text as one line: every run of control or line-breaking characters is a space."""
    return _BREAKS.sub(" ", str(text))


def md_escape(text: object) -> str:
    """Return text safe inside GitHub Markdown: one line, no stray markup or HTML."""
    out = one_line(text).replace("\\", "\\\\")
    for ch in "`*_[]<>|#":
        out = out.replace(ch, "\\" + ch)
    return out


_URL_KEEP = "!#$%&*+,/:;=?@[]~"  # besides letters, digits and _.-~: never ( ) < > ' " ` or space


def safe_url(url: str | None) -> str | None:
    """Return an http(s) URL percent-encoded for Markdown and HTML, or None for any other.

    A `javascript:` or `data:` link is dropped; brackets, quotes, angle brackets, spaces,
    controls and non-ASCII characters are percent-encoded, so the URL cannot end a Markdown
    link or an HTML attribute early.
    """
    from urllib.parse import quote

    if not url:
        return None
    url = url.strip()
    if not re.match(r"(?i)https?://[^/?#\s]", url):
        return None
    return quote(url, safe=_URL_KEEP)


def mermaid_label(text: object) -> str:
    """Return text safe inside a quoted Mermaid label (and inside a Markdown code fence)."""
    return (
        one_line(text)
        .replace("&", "#amp;")
        .replace('"', "#quot;")
        .replace("<", "#lt;")
        .replace(">", "#gt;")
        .replace("`", "#96;")
    )


def dot_label(text: object) -> str:
    """Return text safe inside a quoted DOT string."""
    return one_line(text).replace("\\", "\\\\").replace('"', '\\"')


_EXTENSIONS = {
    ".md": "md",
    ".markdown": "md",
    ".html": "html",
    ".htm": "html",
    ".json": "json",
    ".csv": "csv",
    ".ics": "ics",
    ".mmd": "mermaid",
    ".mermaid": "mermaid",
    ".dot": "dot",
    ".gv": "dot",
    ".txt": "txt",
}


def format_for_path(path: str | Path) -> str:
    """Return the plan format a file name asks for by its extension (text when unknown)."""
    return _EXTENSIONS.get(Path(path).suffix.lower(), "txt")


def output_format(fmt: str | None, output: str | Path | None = None) -> str:
    """Return the plan format asked for: `fmt`, else the output file's (by extension), else text."""
    return fmt or (format_for_path(output) if output is not None else "text")


def explains(fmt: str) -> bool:
    """Return whether a format lists each step's alternatives by default (not json, csv, ics)."""
    return fmt not in ("json", "csv", "ics")


def render_plan(
    plan: Plan,
    fmt: str,
    catalog: Catalog,
    template: str | Path | None = None,
    templates_dir: str | Path | None = None,
) -> str:
    """Return a plan rendered in a format, or through a user's template file or directory.

    User templates run sandboxed; a missing variable, a syntax error or a sandbox violation
    raises RenderError naming the template, the line and the variable.
    """
    fmt = "txt" if fmt == "text" else fmt
    if template is None and fmt == "json":
        from ._io import dumps_json

        return dumps_json(plan.to_dict())
    if template is None and fmt == "csv":
        return plan_csv(plan, catalog)
    if template is None and fmt == "ics":
        return plan_ics(plan, catalog)
    if template is None and fmt not in _TEMPLATE_FOR:
        raise RenderError(f"unknown format '{fmt}' (use one of {', '.join(PLAN_FORMATS)})")
    env, name = template_environment(
        _TEMPLATE_FOR.get(fmt, ""), fmt == "html", templates_dir, template
    )
    out = render_template(env, name, plan_context(plan, catalog))
    return terminal_safe(out) if fmt == "txt" else out


def render_template(env: jinja2.Environment, name: str, context: dict[str, Any]) -> str:
    """Render one template; turn every Jinja failure into a RenderError with its place.

    The output is built chunk by chunk and refused past the sandbox's output limit. In a user
    (sandboxed) template any runtime error — division by zero, recursion, a missing include,
    a limit — is the template's fault and becomes one line naming the file and line.
    """
    import jinja2
    import jinja2.exceptions
    import jinja2.sandbox

    from ._sandbox import LimitExceeded

    try:
        template = env.get_template(name)
    except jinja2.TemplateSyntaxError as err:
        raise RenderError(
            f"{err.filename or name}: line {err.lineno}: template syntax error: {err.message}"
        ) from err
    except jinja2.TemplateNotFound as err:
        raise RenderError(f"template not found: {err.name}") from err
    where = template.filename or name
    sandboxed = isinstance(env, jinja2.sandbox.SandboxedEnvironment)
    limit = getattr(env, "output_limit", None)
    start = getattr(env, "start", None)
    if start is not None:
        start()
    chunks: list[str] = []
    size = 0
    try:
        stream = cast("Generator[str, None, None]", template.generate(**context))
        for chunk in stream:
            chunks.append(chunk)
            size += len(chunk)
            if limit is not None and size > limit:
                line = _current_line(template, stream)
                stream.close()
                raise RenderError(f"{where}: line {line}: output exceeds {limit / 1e6:g} MB")
    except RenderError:
        raise
    except jinja2.UndefinedError as err:
        raise RenderError(f"{where}: line {_line_of(err, where)}: {err.message}") from err
    except jinja2.exceptions.SecurityError as err:
        raise RenderError(
            f"{where}: line {_line_of(err, where)}: not allowed in a sandboxed template: {err}"
        ) from err
    except jinja2.TemplateNotFound as err:
        if not sandboxed:
            raise
        raise RenderError(
            f"{where}: line {_line_of(err, where)}: template not found: {err.name} "
            "(a template sees only the template files it was given)"
        ) from err
    except jinja2.TemplateSyntaxError as err:
        if not sandboxed:
            raise
        raise RenderError(
            f"{err.filename or where}: line {err.lineno}: template syntax error: {err.message}"
        ) from err
    except LimitExceeded as err:
        raise RenderError(f"{where}: line {_line_of(err, where)}: {err}") from err
    except (Exception, RecursionError, MemoryError) as err:
        if not sandboxed:
            raise
        raise RenderError(f"{where}: line {_line_of(err, where)}: {_describe(err)}") from err
    return "".join(chunks)


def _describe(err: BaseException) -> str:
    """Return a template runtime error as a short phrase for the user."""
    if isinstance(err, RecursionError):
        return "recursion too deep"
    if isinstance(err, MemoryError):
        return "out of memory"
    if isinstance(err, ZeroDivisionError):
        return "division by zero"
    text = str(err).strip().splitlines()[0] if str(err).strip() else ""
    return text or type(err).__name__


def _current_line(template: jinja2.Template, stream: Any) -> str:
    """Return the template line a suspended render stream stands at (or '?')."""
    line = "?"
    gen = stream
    while gen is not None and hasattr(gen, "gi_frame"):  # template.generate yields from below
        frame = gen.gi_frame
        if frame is not None and frame.f_code.co_filename == template.filename:
            line = str(template.get_corresponding_lineno(frame.f_lineno))
        gen = getattr(gen, "gi_yieldfrom", None)
    return line


def _line_of(err: BaseException, filename: str) -> str:
    """Return the template line an error was raised at (Jinja rewrites tracebacks to it)."""
    line = "?"
    tb = err.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == filename:
            line = str(tb.tb_lineno)
        tb = tb.tb_next
    return line


def plan_context(plan: Plan, catalog: Catalog) -> dict[str, Any]:
    """Return the plain data a plan template sees (never networkx or models)."""
    from . import __version__
    from .progress import state_comment

    doc = plan.to_dict()
    skill_names = {s: catalog.skills[s].name for s in catalog.skills}

    def names(levels: list[dict[str, Any]]) -> str:
        return ", ".join(f"{skill_names.get(c['skill'], c['skill'])} {c['level']}" for c in levels)

    # an option that closes one of the role's choices reads "a BI tool (Power BI 2)"
    role = catalog.roles.get(plan.target)
    chosen = {
        (s, lv): c.name
        for c in (role.goal_choices(plan.constraints.include_optional) if role else [])
        for s, lv in c.options.items()
        if plan.goal.get(s, 0) < lv
    }

    def closes(levels: list[dict[str, Any]]) -> str:
        parts = []
        for c in levels:
            text = f"{skill_names.get(c['skill'], c['skill'])} {c['level']}"
            choice = chosen.get((c["skill"], c["level"]))
            parts.append(f"{choice} ({text})" if choice else text)
        return ", ".join(parts)

    edges: list[tuple[int, int]] = []
    certifications: list[dict[str, Any]] = []
    for step in doc["steps"]:
        step["url"] = safe_url(step.get("url"))
        step["closes_text"] = closes(step["closes"])
        step["teaches_text"] = names(step["teaches"])
        step["credentials"] = [
            skill_names[c["skill"]]
            for c in step["teaches"]
            if c["skill"] in catalog.skills and catalog.skills[c["skill"]].category == "credential"
        ]
        if step["credentials"]:
            certifications.append(step)
        edges.extend((step["step"], later) for later in step["needed_by"])
    from_name = catalog.roles[plan.from_role].name if plan.from_role else None
    goal_names = " and ".join([plan.target_name, *(name for _, name in plan.also)])
    width_per_week = 24 if plan.weeks <= 30 else max(6, 720 // max(plan.weeks, 1))
    stride = 4 * max(1, -(-plan.weeks // 240))
    bars = [
        {
            "step": st["step"],
            "x": (st["start_week"] - 1) * width_per_week,
            "y": i * 22,
            "w": (st["end_week"] - st["start_week"] + 1) * width_per_week,
            "title": st["title"],
        }
        for i, st in enumerate(doc["steps"])
    ]
    done_steps = []
    if plan.state is not None:
        for f in plan.state.done:
            res = catalog.resources.get(f.resource)
            done_steps.append(
                {
                    "resource": f.resource,
                    "title": res.title if res else f.resource,
                    "url": res.url if res else None,
                    "hours": res.hours if res else 0.0,
                    "round": f.round,
                    "date": f.date.isoformat() if f.date else None,
                }
            )
    return {
        "plan": doc,
        "state_comment": state_comment(plan.state) if plan.state is not None else "",
        "done_steps": done_steps,
        "from_name": from_name,
        "heading": (f"{from_name} → " if from_name else "") + goal_names,
        "goal_names": goal_names,
        "branch_text": _branch_text(plan),
        "sessions_text": _sessions_text(plan),
        "skill_names": skill_names,
        "status_text": status_text(plan),
        "edges": sorted(edges),
        "certifications": certifications,
        "timeline": {
            "bars": bars,
            "week_width": width_per_week,
            "width": max(1, plan.weeks) * width_per_week,
            "height": max(1, len(bars)) * 22,
            # the weeks to label: 1 and every 4th, thinned so a plan of years stays small
            "weeks": [1, *range(stride, plan.weeks + 1, stride)] if plan.weeks else [],
        },
        "generator": f"pathplanner {__version__}",
        "tradeoff_table": _tradeoff_table(doc.get("tradeoff", [])),
        "chart": _tradeoff_chart(doc.get("tradeoff", [])),
    }


def _sessions_text(plan: Plan) -> str:
    """Return the study sessions in one line ("" without study times)."""
    if not plan.sessions:
        return ""
    first, last = plan.sessions[0].start, plan.sessions[-1].end
    return (
        f"{len(plan.sessions)} sessions ({plan.timezone}), "
        f"{first:%a %Y-%m-%d %H:%M} to {last:%a %Y-%m-%d %H:%M}"
    )


def _branch_text(plan: Plan) -> str:
    """Return where two goals' routes branch, in words ("" for one goal)."""
    if not plan.also or plan.branch_after is None:
        return ""
    n = plan.branch_after
    names = " and ".join([plan.target_name, *(name for _, name in plan.also)])
    if n == 0:
        return f"The routes to {names} share no steps: each goal's steps come in turn."
    if n >= len(plan.steps):
        return f"Every step serves {names}: nothing to choose between them."
    return (
        f"Steps 1 to {n} serve {names}; from step {n + 1} the routes branch, so you can keep "
        "both open until then."
    )


def _tradeoff_table(points: list[dict[str, Any]]) -> str:
    """Return the trade-off as an aligned text table."""
    from .text import table

    rows = [[fmt_usd(p["cost_usd"]), fmt_hours(p["hours"]), str(p["steps"])] for p in points]
    return "  " + table(rows, ["Cost", "Hours", "Steps"]).rstrip("\n").replace("\n", "\n  ")


def _tradeoff_chart(points: list[dict[str, Any]]) -> dict[str, Any]:
    """Return the trade-off's points placed on a small chart (cost across, hours up)."""
    width, height = 480, 240
    if not points:
        return {"width": width, "height": height, "points": []}
    costs = [p["cost_usd"] for p in points]
    hours = [p["hours"] for p in points]
    c0, c1 = min(costs), max(costs)
    h0, h1 = min(hours), max(hours)

    def x(c: float) -> int:
        return 50 + round((c - c0) / (c1 - c0) * (width - 130)) if c1 > c0 else width // 2

    def y(h: float) -> int:
        return 20 + round((h1 - h) / (h1 - h0) * (height - 70)) if h1 > h0 else height // 2

    return {
        "width": width,
        "height": height,
        "points": [
            {
                "x": x(p["cost_usd"]),
                "y": y(p["hours"]),
                "label": f"{fmt_usd(p['cost_usd'])}: {fmt_hours(p['hours'])}",
            }
            for p in points
        ],
    }


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: object) -> object:
    """Return a CSV cell a spreadsheet will not run: text starting = + - @ tab or CR gets a '.

    This is OWASP's advice against CSV (formula) injection. Numbers (int, float) are cells we
    compute and are kept as they are; so is text that cannot start a formula. A carriage
    return inside text becomes a newline, which the writer quotes: left bare, a spreadsheet
    would start a new row there, with a cell that could be a formula.
    """
    if not isinstance(value, str):
        return value
    if value.startswith(_FORMULA_START):
        value = "'" + value
    return value.replace("\r\n", "\n").replace("\r", "\n")


def csv_text(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """Return a CSV document (LF line ends) with a header row; every text cell is made inert."""
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([csv_cell(h) for h in header])
    writer.writerows([csv_cell(c) for c in row] for row in rows)
    return out.getvalue()


def plan_csv(plan: Plan, catalog: Catalog) -> str:
    """Return a row per step: weeks, dates, resource, provider, url, hours, cost, skills."""
    header = ["step", "start_week", "end_week", "start_date", "end_date", "resource", "title",
              "kind", "provider", "url", "hours", "cost_usd", "teaches", "closes"]  # fmt: skip
    rows = (
        [
            s.number,
            s.start_week,
            s.end_week,
            s.start_date.isoformat() if s.start_date else "",
            s.end_date.isoformat() if s.end_date else "",
            s.resource,
            s.title,
            s.kind,
            s.provider,
            s.url or "",
            f"{s.hours:g}",
            f"{s.cost_usd:.2f}",
            "; ".join(f"{k}:{v}" for k, v in sorted(s.teaches.items())),
            "; ".join(f"{k}:{v}" for k, v in s.closes),
        ]
        for s in plan.steps
    )
    return csv_text(header, rows)


_ICS_WEEKLY_MAX = 52


def plan_ics(plan: Plan, catalog: Catalog) -> str:
    """Return iCalendar study blocks: for each week of each step, its share of the hours.

    Blocks are all-day events in the week they fall in (Monday-based from --start), so the
    learner can move them; the description says how many hours that week holds. A block's
    UID depends only on the learner, the resource and the block's index within its step
    (see `calendar_uid`), and SEQUENCE is the re-plan round, so re-importing a re-planned
    calendar moves the events instead of adding copies. DTSTAMP is the plan's start date at
    midnight UTC, never the clock, so the same plan gives the same bytes.
    """
    import datetime as dt

    import icalendar

    from .errors import PlanningError

    if plan.start_date is None:
        raise PlanningError("the ics format needs a start date (YYYY-MM-DD)", setting="start")
    cal = icalendar.Calendar()
    cal.add("prodid", "-//pathplanner//study plan//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", f"Study plan: {plan.target_name}")
    who = calendar_identity(plan)
    sequence = plan.state.round if plan.state is not None else 0
    stamp = dt.datetime.combine(plan.start_date, dt.time(0, 0), tzinfo=dt.UTC)
    if plan.sessions:
        _ics_sessions(cal, plan, who, sequence, stamp)
        return fold_ics(cal.to_ical().decode("utf-8"))
    hpw = plan.hours_per_week
    used = 0.0
    for s in plan.steps:
        begin, end = used, used + s.hours
        used = end
        span = s.end_week - s.start_week + 1
        # a block per week, but one block for a step of more than a year: the calendar
        # grows with the steps, not with the weeks
        blocks = (
            [(w, 1) for w in range(s.start_week, s.end_week + 1)]
            if span <= _ICS_WEEKLY_MAX
            else [(s.start_week, span)]
        )
        block = 0
        for week, weeks in blocks:
            lo, hi = (week - 1) * hpw, (week - 1 + weeks) * hpw
            share = max(0.0, min(end, hi) - max(begin, lo))
            if share <= 0 and s.hours > 0:
                continue
            day = plan.start_date + dt.timedelta(weeks=week - 1)
            block += 1
            event = icalendar.Event()
            event.add("uid", calendar_uid(who, s.resource, block))
            event.add("sequence", sequence)
            event.add("dtstamp", stamp)
            event.add("dtstart", day)
            event.add("dtend", day + dt.timedelta(days=7 * weeks))
            over = f" over {weeks} weeks" if weeks > 1 else ""
            event.add("summary", f"Study {s.number}: {s.title} ({fmt_hours(share)}{over})")
            lines = [
                f"{s.provider} · {s.kind} · {fmt_hours(s.hours)} in all · {fmt_usd(s.cost_usd)}"
            ]
            url = safe_url(s.url)
            if url:
                lines.append(url)
            if s.closes:
                lines.append("Closes: " + ", ".join(f"{k} {v}" for k, v in s.closes))
            event.add("description", "\n".join(lines))
            if url:
                event.add("url", url)
            event.add("transp", "TRANSPARENT")
            cal.add_component(event)
    return fold_ics(cal.to_ical().decode("utf-8"))


def _ics_sessions(cal: Any, plan: Plan, who: str, sequence: int, stamp: Any) -> None:
    """Add one timed, busy event per study session, with a reminder 15 minutes before.

    Times are written in UTC (the calendar shows them in the reader's zone); they were
    placed in the learner's zone, which the calendar names (X-WR-TIMEZONE). UIDs follow
    `calendar_uid` with the session's number within its step, so a re-plan updates them.
    """
    import datetime as dt

    import icalendar

    cal.add("x-wr-timezone", plan.timezone or "UTC")
    by_step = {s.number: s for s in plan.steps}
    for x in plan.sessions:
        step = by_step[x.step]
        event = icalendar.Event()
        event.add("uid", calendar_uid(who, x.resource, x.index))
        event.add("sequence", sequence)
        event.add("dtstamp", stamp)
        event.add("dtstart", x.start.astimezone(dt.UTC))
        event.add("dtend", x.end.astimezone(dt.UTC))
        part = f" ({x.index} of {x.count})" if x.count > 1 else ""
        event.add("summary", f"Study {x.step}: {step.title}{part}")
        lines = [
            f"Study {fmt_hours(x.hours)} of '{step.title}' ({fmt_hours(step.hours)} in all).",
            f"{step.provider} · {step.kind} · {fmt_usd(step.cost_usd)}",
        ]
        url = safe_url(step.url)
        if url:
            lines.append(url)
            event.add("url", url)
        event.add("description", "\n".join(lines))
        event.add("transp", "OPAQUE")
        alarm = icalendar.Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", f"Study {x.step}: {step.title}")
        alarm.add("trigger", dt.timedelta(minutes=-15))
        event.add_component(alarm)
        cal.add_component(event)


def fold_ics(text: str) -> str:
    """Return iCalendar text folded by one rule of our own, whatever icalendar version made it.

    Lines are unfolded, then folded at 75 octets (RFC 5545, 3.1) never inside a UTF-8
    character or between a backslash and the character it escapes: icalendar releases fold
    differently, and the same plan must give the same bytes under every supported version.
    """
    out: list[str] = []
    for line in text.replace("\r\n ", "").replace("\r\n\t", "").split("\r\n"):
        if not line:
            continue
        chunk, size = "", 0
        for unit in _ICS_UNIT.findall(line):  # an escape pair stays whole
            width = len(unit.encode("utf-8"))
            if size + width > 75 and chunk:
                out.append(chunk)
                chunk, size = " ", 1
            chunk += unit
            size += width
        out.append(chunk)
    return "\r\n".join(out) + "\r\n"


_ICS_UNIT = re.compile(r"\\.|.", re.S)
_UID_LINE = re.compile(r"(?<=\r\nUID:)([0-9a-f-]{36}@pathplanner)(?=\r\n)")


_UID_NAMESPACE = uuid.UUID("6f1c8f0e-5d1b-5a3e-9a53-70617468706c")  # fixed: UIDs must not change


def calendar_identity(plan: Plan) -> str:
    """Return who a plan's calendar belongs to: its state's identity (learner or stated start)."""
    if plan.state is not None:
        return plan.state.identity()
    if plan.learner:
        return "learner:" + " ".join(plan.learner.split()).casefold()
    return "profile:" + repr((plan.from_role, sorted(plan.profile.items())))


def calendar_uid(identity: str, resource: str, block: int) -> str:
    """Return a study block's UID: UUID5 of identity, resource id and block number (1, 2, ...)."""
    return f"{uuid.uuid5(_UID_NAMESPACE, f'{identity}|{resource}|{block}')}@pathplanner"
