"""The planner page: a small local web app and JSON API on the library (`pathplanner serve`).

Every route parses its input, makes one library call and renders the result with the one
Jinja environment (`render.make_environment`): forms work without JavaScript and the pages
load nothing from elsewhere. Learners' records live in one SQLite file (`store.Store`).

Extension points: a way to say where one stands is a `StartMethod` in `START_METHODS`, a way
to name a goal is a `TargetMethod` in `TARGET_METHODS`; each is a form partial plus a function
that turns the form into the fields of a plan request. `register_start` and
`register_target` add one; the page lists whatever is registered.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import re
import sys
import traceback
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeVar
from urllib.parse import quote, urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ._input import MAX_USER_FILE_BYTES, validation_problems
from ._io import dumps_json
from .errors import (
    InfeasibleError,
    PathPlannerError,
    PlanningError,
    ProfileError,
    UnknownNameError,
)
from .learner import (
    Memo,
    PlanCache,
    Week,
    change_week,
    compare_from,
    load_record_role,
    profile_of,
    read_record,
    record_document,
    record_progress,
    start_state,
)
from .profile import Profile, build_profile
from .store import LearnerRecord, NotFoundError, StaleError, Store
from .web_assess import (
    MoreInput,
    api_cv,
    api_posting,
    api_questions,
    api_score,
    posting_catalog,
    read_assess_start,
    read_cv_start,
    read_posting_target,
    role_catalog,
)

if TYPE_CHECKING:
    from werkzeug.datastructures import MultiDict
    from werkzeug.wrappers import Request, Response

    from .catalog import Catalog
    from .progress import PlanState

__all__ = [
    "DOWNLOADS",
    "START_METHODS",
    "TARGET_METHODS",
    "PlannerApp",
    "ServerError",
    "StartMethod",
    "TargetMethod",
    "is_loopback",
    "make_app",
    "make_server",
    "open_page",
    "register_start",
    "register_target",
    "remote_warning",
    "serve",
]

DOWNLOADS = {
    "md": "text/markdown; charset=utf-8",
    "html": "text/html; charset=utf-8",
    "ics": "text/calendar; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
}
MAX_BODY = MAX_USER_FILE_BYTES  # a form, a JSON body or a record: the cap of a profile file
MAX_UPLOAD = 24 * 1024 * 1024  # a cohort file plus a zipped graph folder
MAX_SKILL_SELECTS = 400  # a graph with more skills (ESCO) gets a text box instead of a list


class ServerError(PathPlannerError):
    """Raised when the planner page cannot listen on the address and port asked for."""


# -- requests: the one shape both the page and the API give --------------------------------


class _Request(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class StartFields(_Request):
    """Where a learner stands: a role they hold, skill levels, resources already done."""

    from_role: str | None = Field(default=None, alias="from")
    have: dict[str, Any] | list[str] | str = Field(default_factory=dict)
    done: list[str] = Field(default_factory=list)
    experience: dict[str, float] = Field(default_factory=dict)
    name: str | None = None


class WeekFields(_Request):
    """What the learner gives of their week and money (the fields `Week` has)."""

    hours_per_week: float | None = None
    start: dt.date | None = None
    budget_usd: float | None = None
    max_hours: float | None = None
    objective: Literal["hours", "cost", "balanced"] = "hours"
    hourly_rate: float = 25.0
    free_only: bool = False
    exclude_providers: list[str] = Field(default_factory=list)
    exclude_kinds: list[str] = Field(default_factory=list)
    with_certs: list[str] = Field(default_factory=list)
    include_optional: bool = False
    exclude_skills: list[str] = Field(default_factory=list)
    prefer_providers: list[str] = Field(default_factory=list)
    languages: list[str] = Field(default_factory=list)
    avoid_languages: list[str] = Field(default_factory=list)
    any_language: bool = False
    by: dt.date | None = None
    availability: str | None = Field(default=None, max_length=2000)
    skip: list[str] = Field(default_factory=list)
    tz: str | None = Field(default=None, max_length=100)

    def week(self) -> Week:
        """Return the library's Week."""
        return Week(
            hours_per_week=self.hours_per_week,
            start=self.start,
            budget_usd=self.budget_usd,
            max_hours=self.max_hours,
            objective=self.objective,
            hourly_rate=self.hourly_rate,
            free_only=self.free_only,
            exclude_providers=tuple(self.exclude_providers),
            exclude_kinds=tuple(self.exclude_kinds),
            with_certs=tuple(self.with_certs),
            include_optional=self.include_optional,
            exclude_skills=tuple(self.exclude_skills),
            prefer_providers=tuple(self.prefer_providers),
            languages=tuple(self.languages),
            avoid_languages=tuple(self.avoid_languages),
            any_language=self.any_language,
            by=self.by,
            availability=self.availability,
            skip=tuple(self.skip),
            tz=self.tz,
        )


class PlanFields(StartFields, WeekFields):
    """A plan request: where the learner stands, the role they want, their week; `explain`
    adds each step's alternatives (one re-solve each), as `plan --explain` does."""

    to: str
    explain: bool = False


class ProgressFields(_Request):
    """Resources finished since the last round, and hours studied of begun ones."""

    done: list[str] = Field(default_factory=list)
    done_hours: dict[str, float] = Field(default_factory=dict)
    revision: int | None = None


class CompareFields(StartFields):
    """Two roles, seen from where the learner stands (optional)."""

    a: str
    b: str


class SuggestFields(StartFields):
    """Where the learner stands, and how many roles to list."""

    limit: int | None = Field(default=None, ge=1, le=10_000)


_RequestT = TypeVar("_RequestT", bound=_Request)


def _validated(model: type[_RequestT], data: Any, where: str) -> _RequestT:
    """Return a request model; every problem at once, each naming its field."""
    if not isinstance(data, dict):
        raise ProfileError(f"{where}: must be a JSON object")
    try:
        return model.model_validate(data)
    except ValidationError as err:
        raise ProfileError(validation_problems(err, where, model=model)) from None


def profile_from(catalog: Catalog, fields: StartFields) -> Profile:
    """Return the starting profile a request describes."""
    have = fields.have
    role = catalog.resolve("role", fields.from_role, "from_role") if fields.from_role else None
    return build_profile(
        catalog,
        from_role=role,
        have=[have] if isinstance(have, str) else have,
        done=fields.done,
        experience=fields.experience or None,
    )


# -- extension points: ways to start and ways to name a goal ------------------------------


@dataclass(frozen=True)
class StartMethod:
    """One way to say where you stand: a form partial and what it makes of the form.

    `read(catalog, form)` returns the start fields (`from`, `have`, `done`, `experience`) of a
    plan request; it raises a PathPlannerError naming the field when the form is wrong.
    """

    key: str
    label: str
    template: str
    read: Callable[[Catalog, MultiDict[str, str]], dict[str, Any]]


@dataclass(frozen=True)
class TargetMethod:
    """One way to name where you want to go: a form partial and the `to` it gives."""

    key: str
    label: str
    template: str
    read: Callable[[Catalog, MultiDict[str, str]], dict[str, Any]]


START_METHODS: dict[str, StartMethod] = {}
TARGET_METHODS: dict[str, TargetMethod] = {}


def register_start(method: StartMethod) -> None:
    """Offer a way to start on the page (shown in registration order)."""
    START_METHODS[method.key] = method


def register_target(method: TargetMethod) -> None:
    """Offer a way to name a goal on the page (shown in registration order)."""
    TARGET_METHODS[method.key] = method


def _read_role_start(catalog: Catalog, form: MultiDict[str, str]) -> dict[str, Any]:
    role = form.get("from", "").strip()
    if not role:
        raise ProfileError("choose the role you hold now", setting="from_role")
    return {"from": role}


_SKILL_FIELD = re.compile(r"^skill:([a-z0-9-]{1,200})$")


def _read_skills_start(catalog: Catalog, form: MultiDict[str, str]) -> dict[str, Any]:
    have: dict[str, Any] = {}
    for key, value in form.items(multi=True):
        m = _SKILL_FIELD.match(key)
        value = value.strip()
        if m and value not in ("", "0"):
            have[m.group(1)] = int(value) if value.isdecimal() and len(value) < 4 else value
    typed = [line.strip() for line in form.get("have_text", "").splitlines() if line.strip()]
    levels: dict[str, Any] | list[str] = have
    if typed:
        levels = [*(f"{k}:{v}" for k, v in have.items()), *typed]
    if not levels:
        raise ProfileError("give at least one skill with its level", setting="have")
    return {"have": levels}


def _read_role_target(catalog: Catalog, form: MultiDict[str, str]) -> dict[str, Any]:
    role = form.get("to", "").strip()
    if not role:
        raise ProfileError("name the role you want", setting="target")
    return {"to": role}


register_start(StartMethod("role", "I work as …", "web/start_role.html.j2", _read_role_start))
register_start(
    StartMethod("skills", "I know these skills", "web/start_skills.html.j2", _read_skills_start)
)
register_target(
    TargetMethod("role", "A role by name", "web/target_role.html.j2", _read_role_target)
)
register_start(
    StartMethod("assess", "Take the self-assessment", "web/start_assess.html.j2", read_assess_start)
)
register_start(StartMethod("cv", "Paste my CV", "web/start_cv.html.j2", read_cv_start))
register_target(
    TargetMethod("posting", "A job posting", "web/target_posting.html.j2", read_posting_target)
)


# -- forms to request fields ----------------------------------------------------------------

_WEEK_TEXT = ("hours_per_week", "start", "budget_usd", "max_hours", "objective", "hourly_rate",
              "by", "availability", "tz")  # fmt: skip
_WEEK_FLAGS = ("free_only", "include_optional", "any_language")
_WEEK_LINES = ("exclude_providers", "prefer_providers", "exclude_skills", "skip")
_WEEK_COMMAS = ("languages", "avoid_languages")
_WEEK_LISTS = ("exclude_kinds", "with_certs")

# The library names a setting by its keyword; the API by its JSON field; the page by its label.
API_FIELDS = {"from_role": "from", "target": "to"}
LABELS = {
    "target": "Target role",
    "from": "Current role",
    "from_role": "Current role",
    "have": "Skills",
    "to": "Target role",
    "name": "Your name",
    "hours_per_week": "Hours per week",
    "start": "Start date",
    "budget_usd": "Budget (USD)",
    "max_hours": "At most this many hours",
    "objective": "Plan for",
    "hourly_rate": "Value of an hour (USD)",
    "free_only": "Free resources only",
    "exclude_providers": "Providers to leave out",
    "exclude_kinds": "Kinds to leave out",
    "with_certs": "Certifications to earn",
    "include_optional": "Optional requirements too",
    "by": "Finish by",
    "weeks": "Finish by",
    "availability": "Study times",
    "skip": "Dates off",
    "tz": "Time zone",
    "languages": "Your programming languages",
    "avoid_languages": "Languages to avoid",
    "any_language": "Any language",
    "prefer_providers": "Providers to prefer",
    "exclude_skills": "Skills to leave out",
    "done": "Done",
    "a": "First role",
    "b": "Second role",
    "cohort": "Cohort file",
    "graph": "Graph folder (zip)",
    "formats": "Formats",
    "cv_text": "CV text",
    "posting_text": "Job posting text",
}


def week_fields(form: MultiDict[str, str]) -> dict[str, Any]:
    """Return the week fields a form gives (empty boxes left out: the defaults apply)."""
    out: dict[str, Any] = {}
    for key in _WEEK_TEXT:
        value = form.get(key, "").strip()
        if value:
            out[key] = value
    for key in _WEEK_FLAGS:
        if form.get(key):
            out[key] = True
    for key in _WEEK_LISTS:
        values = [v for v in form.getlist(key) if v.strip()]
        if values:
            out[key] = values
    for key in _WEEK_LINES:  # one per line: provider names may hold commas
        lines = [p.strip() for p in form.get(key, "").splitlines() if p.strip()]
        if lines:
            out[key] = lines
    for key in _WEEK_COMMAS:
        names = [p.strip() for p in form.get(key, "").split(",") if p.strip()]
        if names:
            out[key] = names
    return out


def _method(form: MultiDict[str, str], key: str, methods: Mapping[str, Any]) -> Any:
    chosen = form.get(key, "") or next(iter(methods))
    if chosen not in methods:
        raise ProfileError(f"'{chosen}' is not a choice here", setting=key)
    return methods[chosen]


def plan_fields_from_form(catalog: Catalog, form: MultiDict[str, str]) -> PlanFields:
    """Return the plan request the new-plan form stands for."""
    data: dict[str, Any] = {}
    data.update(_method(form, "start_method", START_METHODS).read(catalog, form))
    data.update(_method(form, "target_method", TARGET_METHODS).read(catalog, form))
    data.update(week_fields(form))
    name = form.get("name", "").strip()
    if name:
        data["name"] = name
    return _validated(PlanFields, data, "form")


# -- the application ------------------------------------------------------------------------


class PlannerApp:
    """The WSGI application: pages under /, the JSON API under /api/."""

    def __init__(
        self,
        catalog: Catalog,
        store: Store,
        hosts: Iterable[str] = (),
        graph_label: str = "the built-in graph",
        graphs: Iterable[str | Path] = (),
        builtin: bool = True,
    ) -> None:
        from werkzeug.routing import Map, Rule

        from .render import make_environment

        self.catalog = catalog
        self.store = store
        self.plans = PlanCache(catalog)
        self.posting_plans: Memo[PlanCache] = Memo(64)  # plans to job postings, by role
        self.pages: Memo[str] = Memo(128)  # plan pages by learner and revision
        self.answers: Memo[str] = Memo(512)  # API plans by request
        self.env = make_environment(html=True)
        self.token = hmac.new(store.secret(), b"pathplanner-form-v1", hashlib.sha256).hexdigest()
        self.hosts = {h.lower() for h in hosts}  # empty: any Host header (tests)
        self.graph_label = graph_label
        self.graphs = tuple(graphs)
        self.builtin = builtin
        self.role_names = sorted((r.name, r.id) for r in catalog.roles.values())
        html = [
            Rule("/", endpoint="home", methods=["GET"]),
            Rule("/new", endpoint="new", methods=["GET", "POST"]),
            Rule("/plan/<lid>", endpoint="plan_page", methods=["GET"]),
            Rule("/plan/<lid>/progress", endpoint="progress", methods=["POST"]),
            Rule("/plan/<lid>/delete", endpoint="delete", methods=["POST"]),
            Rule("/plan/<lid>/week", endpoint="week", methods=["POST"]),
            Rule("/plan/<lid>/plan.<fmt>", endpoint="download", methods=["GET"]),
            Rule("/plan/<lid>/record.json", endpoint="export", methods=["GET"]),
            Rule("/import", endpoint="import_record", methods=["POST"]),
            Rule("/compare", endpoint="compare", methods=["GET"]),
            Rule("/suggest", endpoint="suggest", methods=["GET"]),
            Rule("/cohort", endpoint="cohort", methods=["GET", "POST"]),
        ]
        api = [
            Rule("/api/roles", endpoint="api_roles", methods=["GET"]),
            Rule("/api/skills", endpoint="api_skills", methods=["GET"]),
            Rule("/api/plan", endpoint="api_plan", methods=["POST"]),
            Rule("/api/gap", endpoint="api_gap", methods=["POST"]),
            Rule("/api/compare", endpoint="api_compare", methods=["POST"]),
            Rule("/api/suggest", endpoint="api_suggest", methods=["POST"]),
            Rule("/api/learners", endpoint="api_learners", methods=["GET", "POST"]),
            Rule("/api/learners/import", endpoint="api_import", methods=["POST"]),
            Rule("/api/learners/<lid>", endpoint="api_learner", methods=["GET", "DELETE"]),
            Rule("/api/learners/<lid>/plan", endpoint="api_learner_plan", methods=["GET"]),
            Rule("/api/learners/<lid>/progress", endpoint="api_progress", methods=["POST"]),
            Rule("/api/learners/<lid>/week", endpoint="api_week", methods=["POST"]),
            Rule("/api/curriculum", endpoint="api_curriculum", methods=["POST"]),
            Rule("/api/assess/questions", endpoint="api_assess_questions", methods=["POST"]),
            Rule("/api/assess/score", endpoint="api_assess_score", methods=["POST"]),
            Rule("/api/extract/cv", endpoint="api_extract_cv", methods=["POST"]),
            Rule("/api/extract/posting", endpoint="api_extract_posting", methods=["POST"]),
        ]
        self.urls = Map(html + api, strict_slashes=False)

    # -- WSGI --------------------------------------------------------------------------

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        """Answer one request."""
        from werkzeug.wrappers import Request

        request = Request(environ)
        request.max_content_length = MAX_BODY
        request.max_form_memory_size = MAX_BODY
        response = self.dispatch(request)
        return response(environ, start_response)

    def dispatch(self, request: Request) -> Response:
        """Route a request; every failure becomes a page or a JSON error, never a traceback."""
        from werkzeug.exceptions import HTTPException
        from werkzeug.routing import RequestRedirect

        api = request.path.startswith("/api/")
        try:
            self._check_origin(request)
            adapter = self.urls.bind_to_environ(request.environ)
            endpoint, args = adapter.match()
            if endpoint in ("cohort", "api_curriculum"):
                request.max_content_length = MAX_UPLOAD
                request.max_form_memory_size = MAX_UPLOAD
            handler = getattr(self, endpoint)
            return handler(request, **args)  # type: ignore[no-any-return]
        except RequestRedirect as err:  # /plan/x/ -> /plan/x
            return err.get_response(request.environ)
        except HTTPException as err:
            code = err.code or 500
            message = _http_message(code, err.description or "")
            return self._error(request, code, message, api)
        except PathPlannerError as err:
            code = _status_of(err)
            return self._error(request, code, self._message(err, api), api)
        except Exception:  # pragma: no cover - a bug: say so without showing internals
            traceback.print_exc(file=sys.stderr)
            message = "something went wrong on our side; the details are in the server's log"
            return self._error(request, 500, message, api)

    def _check_origin(self, request: Request) -> None:
        """Refuse a request made for another host name (DNS rebinding) or from another site."""
        from werkzeug.exceptions import Forbidden

        if self.hosts and request.host.lower() not in self.hosts:
            raise Forbidden(f"this server answers only to {', '.join(sorted(self.hosts))}")
        origin = request.headers.get("Origin")
        # a browser names the page a request comes from; "null" (a sandboxed or local file
        # page) is not this site either
        if (
            request.method not in ("GET", "HEAD")
            and origin is not None
            and urlsplit(origin).netloc.lower() != request.host.lower()
        ):
            raise Forbidden("a request from another site was refused")

    def _check_token(self, request: Request) -> None:
        from werkzeug.exceptions import BadRequest

        given = request.form.get("csrf_token", "")
        if not hmac.compare_digest(given.encode(), self.token.encode()):
            raise BadRequest(
                "this form has expired or did not come from this page; go back, reload and "
                "send it again"
            )

    def _message(self, err: PathPlannerError, api: bool) -> str:
        if not err.setting:
            return str(err)
        if api:
            return err.cite(API_FIELDS.get(err.setting, err.setting))
        return err.cite(LABELS.get(err.setting, err.setting))

    def _error(self, request: Request, code: int, message: str, api: bool) -> Response:
        if api:
            return _json({"error": message, "status": code}, code)
        return self._page("web/error.html.j2", {"message": message, "code": code}, code)

    # -- rendering -----------------------------------------------------------------------

    def _page(self, name: str, context: Mapping[str, Any], status: int = 200) -> Response:
        return _html(self._render(name, context), status)

    def _render(self, name: str, context: Mapping[str, Any]) -> str:
        from .render import render_template

        base = {
            "csrf_token": self.token,
            "graph_label": self.graph_label,
            "role_names": self.role_names,
            "labels": LABELS,
            "errors": [],
            "values": {},
        }
        return render_template(self.env, name, {**base, **context})

    def _new_context(self, form: MultiDict[str, str] | None = None) -> dict[str, Any]:
        from werkzeug.datastructures import MultiDict

        from .models import RESOURCE_KINDS

        cat = self.catalog
        categories: dict[str, list[dict[str, Any]]] = {}
        for s in sorted(cat.skills.values(), key=lambda s: (s.category, s.name.casefold())):
            if s.category == "credential":
                continue
            levels = [{"level": lv, "means": s.levels[lv].means} for lv in sorted(s.levels)]
            categories.setdefault(s.category, []).append(
                {"id": s.id, "name": s.name, "levels": levels}
            )
        credentials = sorted(
            (s.name, s.id) for s in cat.skills.values() if s.category == "credential"
        )
        return {
            "start_methods": list(START_METHODS.values()),
            "target_methods": list(TARGET_METHODS.values()),
            "skill_categories": categories if len(cat.skills) <= MAX_SKILL_SELECTS else {},
            "credentials": credentials,
            "kinds": list(RESOURCE_KINDS),
            "form": form if form is not None else MultiDict(),
            "next_monday": _next_monday(dt.date.today()).isoformat(),
        }

    # -- pages ----------------------------------------------------------------------------

    def home(self, request: Request) -> Response:
        learners = [
            {
                "id": r.id,
                "name": r.state.learner or "",
                "target": getattr(self._catalog(r).roles.get(r.state.target), "name", "?"),
                "done": len(r.state.done),
                "round": r.state.round,
            }
            for r in self.store.all()
        ]
        return self._page("web/home.html.j2", {"learners": learners})

    def new(self, request: Request) -> Response:
        from werkzeug.utils import redirect

        if request.method == "GET":
            return self._page("web/new.html.j2", self._new_context())
        self._check_token(request)
        form = request.form
        try:
            catalog, role = self.catalog, None
            if form.get("target_method") == "posting":
                _method(form, "start_method", START_METHODS).read(
                    catalog, form
                )  # first: its errors
                catalog, role = posting_catalog(self.catalog, form)
            fields = plan_fields_from_form(catalog, form)
            state = self._start(fields, catalog)
            self._plans(role).plan(state)  # an impossible goal is said here, on the form
        except MoreInput as more:  # a way to start asks its next questions on the form
            context = {**self._new_context(form), "more": more.context, "more_says": str(more)}
            return self._page("web/new.html.j2", context)
        except PathPlannerError as err:
            context = {**self._new_context(form), "errors": self._problems(err)}
            return self._page("web/new.html.j2", context, _status_of(err))
        record = self.store.add(state.learner or "", state, role)
        return redirect(f"/plan/{quote(record.id)}", 303)

    def _plans(self, role: str | None) -> PlanCache:
        """Return the plans of the graph, or of the graph with a job posting's role."""
        if role is None:
            return self.plans
        return self.posting_plans.get(role, lambda: PlanCache(role_catalog(self.catalog, role)))

    def _catalog(self, record: LearnerRecord) -> Catalog:
        return self._plans(record.role).catalog

    def _problems(self, err: PathPlannerError) -> list[str]:
        problems = getattr(err, "problems", ())
        if problems:
            return [
                f"{LABELS.get(p.field.split('.')[0], p.field)}: {p.message}"
                if p.field
                else p.message
                for p in problems
            ]
        text = self._message(err, False)
        lines = [line for line in text.splitlines() if line.strip()]
        if len(lines) > 1 and lines[0].endswith(":"):  # "2 problems:" then one per line
            return lines[1:]
        return [text]

    def _start(self, fields: PlanFields, catalog: Catalog | None = None) -> PlanState:
        catalog = catalog or self.catalog
        profile = profile_from(catalog, fields)
        return start_state(catalog, fields.to, profile, fields.week(), fields.name)

    def plan_page(self, request: Request, lid: str) -> Response:
        record = self.store.get(lid)
        saved, changed = (_digits(request.args.get(k, "")) for k in ("saved", "changed"))
        # a record's page changes only with its revision: render it once per revision
        key = dumps_json([record.id, record.revision, saved, changed])
        return _html(self.pages.get(key, lambda: self._plan_page(record, saved, changed)))

    def _plan_page(
        self,
        record: LearnerRecord,
        saved: str = "",
        changed: str = "",
        form: MultiDict[str, str] | None = None,
        errors: Iterable[str] = (),
    ) -> str:
        from .render import plan_context

        context = {
            **self._new_context(form if form is not None else week_form(record.state)),
            **plan_context(
                self._plans(record.role).plan(record.state, options=True), self._catalog(record)
            ),
            "learner_id": record.id,
            "revision": record.revision,
            "downloads": list(DOWNLOADS),
            "saved": saved,
            "changed": changed,
            "week_open": form is not None,
            "errors": list(errors),
        }
        return self._render("web/plan.html.j2", context)

    def progress(self, request: Request, lid: str) -> Response:
        from werkzeug.utils import redirect

        self._check_token(request)
        fields = _validated(
            ProgressFields,
            {"done": request.form.getlist("done"), "revision": request.form.get("revision")},
            "form",
        )
        record = self.store.get(lid)
        state = record_progress(self._catalog(record), record.state, fields.done)
        self.store.update(lid, state, fields.revision)
        ticked = len(fields.done)
        return redirect(f"/plan/{quote(lid)}?saved={ticked}", 303)

    def week(self, request: Request, lid: str) -> Response:
        from werkzeug.utils import redirect

        self._check_token(request)
        form = request.form
        record = self.store.get(lid)
        try:
            fields = _validated(WeekFields, week_fields(form), "form")
            state = change_week(self._catalog(record), record.state, fields.week())
            self._plans(record.role).plan(
                state
            )  # a week no plan fits is said here, before it is saved
        except (ProfileError, PlanningError, UnknownNameError) as err:
            page = self._plan_page(record, form=form, errors=self._problems(err))
            return _html(page, _status_of(err))
        self.store.update(lid, state, _revision(form.get("revision", "")))
        return redirect(f"/plan/{quote(lid)}?changed=1", 303)

    def delete(self, request: Request, lid: str) -> Response:
        from werkzeug.utils import redirect

        self._check_token(request)
        self.store.delete(lid)
        return redirect("/", 303)

    def download(self, request: Request, lid: str, fmt: str) -> Response:
        from werkzeug.exceptions import NotFound

        from .render import render_plan

        if fmt not in DOWNLOADS:
            raise NotFound(f"no download in '{fmt}' (one of {', '.join(DOWNLOADS)})")
        record = self.store.get(lid)
        p = self._plans(record.role).plan(record.state, explain=fmt not in ("json", "csv", "ics"))
        text = render_plan(p, fmt, self._catalog(record))
        return _download(text, DOWNLOADS[fmt], f"plan-{p.target}.{fmt}")

    def export(self, request: Request, lid: str) -> Response:
        record = self.store.get(lid)
        name = f"pathplanner-{record.state.target}-{record.id}.json"
        doc = record_document(record.state, record.role)
        return _download(dumps_json(doc), DOWNLOADS["json"], name)

    def import_record(self, request: Request) -> Response:
        from werkzeug.utils import redirect

        self._check_token(request)
        upload = request.files.get("record")
        if upload is None or not upload.filename:
            raise ProfileError("choose a record file (.json) to import")
        raw = upload.stream.read(MAX_BODY + 1)
        where = _shown(upload.filename, "record.json")
        state, role = load_record_role(self.catalog, raw, where)
        record = self.store.add(state.learner or "", state, role)
        return redirect(f"/plan/{quote(record.id)}", 303)

    def _profile_arg(self, request: Request) -> tuple[Profile | None, str]:
        """Return the profile a page's `learner` or `from` argument names, and its label."""
        lid = request.args.get("learner", "")
        if lid:
            record = self.store.get(lid)
            label = record.state.learner or "your plan"
            return profile_of(self.catalog, record.state), label
        role = request.args.get("from", "").strip()
        if role:
            return build_profile(self.catalog, from_role=role), self.catalog.resolve_role(role).name
        return None, ""

    def compare(self, request: Request) -> Response:
        a, b = request.args.get("a", "").strip(), request.args.get("b", "").strip()
        context: dict[str, Any] = {
            "values": dict(request.args.items()),
            "learners": self._learner_choices(),
            "result": None,
        }
        if a or b:
            try:
                profile, who = self._profile_arg(request)
                context["result"] = compare_from(self.catalog, profile, a, b)
                context["who"] = who
            except PathPlannerError as err:
                context["errors"] = self._problems(err)
                return self._page("web/compare.html.j2", context, _status_of(err))
        return self._page("web/compare.html.j2", context)

    def suggest(self, request: Request) -> Response:
        from .analysis import suggest

        context: dict[str, Any] = {
            "values": dict(request.args.items()),
            "learners": self._learner_choices(),
            "ranked": None,
        }
        if request.args.get("learner") or request.args.get("from"):
            try:
                profile, who = self._profile_arg(request)
                if profile is not None:
                    context["ranked"] = [s.to_dict() for s in suggest(self.catalog, profile)]
                    context["who"] = who
            except PathPlannerError as err:
                context["errors"] = self._problems(err)
                return self._page("web/suggest.html.j2", context, _status_of(err))
        return self._page("web/suggest.html.j2", context)

    def _learner_choices(self) -> list[tuple[str, str]]:
        out = []
        for r in self.store.all():
            target = self._catalog(r).roles.get(r.state.target)
            label = (r.state.learner or "Unnamed") + " → " + (target.name if target else "?")
            out.append((r.id, label))
        return out

    def cohort(self, request: Request) -> Response:
        if request.method == "GET":
            return self._page("web/cohort.html.j2", {})
        self._check_token(request)
        try:
            data, name = self._curriculum(request)
        except PathPlannerError as err:
            context = {"errors": self._problems(err), "values": dict(request.form.items())}
            return self._page("web/cohort.html.j2", context, _status_of(err))
        return _download(data, "application/zip", name)

    def _curriculum(self, request: Request) -> tuple[bytes, str]:
        """Return the curriculum zip of an uploaded cohort (and graph folder)."""
        from .bundle import curriculum_zip

        form = request.form
        cohort = request.files.get("cohort")
        if cohort is None or not cohort.filename:
            raise ProfileError("choose a cohort file (.csv, .yaml or .yml)")
        graph = request.files.get("graph")
        graph_zip = graph.stream.read(MAX_UPLOAD + 1) if graph and graph.filename else None
        hpw = form.get("hours_per_week", "").strip()
        start = form.get("start", "").strip()
        formats = form.getlist("formats") or ["md", "html", "csv"]
        return curriculum_zip(
            self.catalog,
            target=form.get("to", "").strip(),
            cohort=cohort.stream.read(MAX_USER_FILE_BYTES + 1),
            cohort_name=_shown(cohort.filename, "cohort.csv"),
            graph_zip=graph_zip,
            formats=formats,
            hours_per_week=_number(hpw, "hours_per_week") if hpw else None,
            start=_date(start, "start") if start else None,
            graphs=self.graphs,
            builtin=self.builtin,
        )

    # -- the JSON API ---------------------------------------------------------------------

    def _body(self, request: Request) -> Any:
        """Return a request's JSON body; refuse other content types, NaN and bad JSON."""
        from werkzeug.exceptions import UnsupportedMediaType

        if request.mimetype != "application/json":
            raise UnsupportedMediaType("send JSON with the header 'Content-Type: application/json'")
        raw = request.get_data(cache=False)
        try:
            return json.loads(raw.decode("utf-8-sig"), parse_constant=_no_constant)
        except UnicodeDecodeError:
            raise ProfileError("request body: not UTF-8 text") from None
        except json.JSONDecodeError as err:
            raise ProfileError(
                f"request body: line {err.lineno}: not valid JSON: {err.msg}"
            ) from None
        except ValueError as err:
            raise ProfileError(f"request body: {err}") from None

    def api_roles(self, request: Request) -> Response:
        from .browse import list_roles

        text = self.answers.get("roles", lambda: dumps_json(list_roles(self.catalog).entries()))
        return _json_text(text)

    def api_skills(self, request: Request) -> Response:
        from .browse import list_skills

        return _json(list_skills(self.catalog, request.args.get("category")).entries())

    def api_plan(self, request: Request) -> Response:
        fields = _validated(PlanFields, self._body(request), "request body")
        state = self._start(fields)
        key = dumps_json([fields.explain, state.to_dict()])
        text = self.answers.get(
            key, lambda: dumps_json(self.plans.plan(state, explain=fields.explain).to_dict())
        )
        return _json_text(text)

    def api_gap(self, request: Request) -> Response:
        from .gap import compute_gap

        fields = _validated(PlanFields, self._body(request), "request body")
        profile = profile_from(self.catalog, fields)
        role = self.catalog.resolve("role", fields.to, "target")
        g = compute_gap(self.catalog, profile, role, fields.include_optional)
        return _json(g.to_dict())

    def api_compare(self, request: Request) -> Response:
        fields = _validated(CompareFields, self._body(request), "request body")
        given = fields.from_role or fields.have or fields.done
        profile = profile_from(self.catalog, fields) if given else None
        return _json(compare_from(self.catalog, profile, fields.a, fields.b))

    def api_suggest(self, request: Request) -> Response:
        from .analysis import suggest

        fields = _validated(SuggestFields, self._body(request), "request body")
        ranked = suggest(self.catalog, profile_from(self.catalog, fields), limit=fields.limit)
        return _json([s.to_dict() for s in ranked])

    def api_learners(self, request: Request) -> Response:
        if request.method == "GET":
            return _json(
                [
                    {"id": r.id, "revision": r.revision, "state": r.state.to_dict()}
                    for r in self.store.all()
                ]
            )
        fields = _validated(PlanFields, self._body(request), "request body")
        state = self._start(fields)
        p = self.plans.plan(state, explain=fields.explain)
        record = self.store.add(state.learner or "", state)
        return _json({"id": record.id, "revision": record.revision, "plan": p.to_dict()}, 201)

    def api_learner(self, request: Request, lid: str) -> Response:
        if request.method == "DELETE":
            self.store.delete(lid)
            return _json({"deleted": lid})
        record = self.store.get(lid)
        return _json(
            {
                "id": record.id,
                "revision": record.revision,
                **record_document(record.state, record.role),
            }
        )

    def api_learner_plan(self, request: Request, lid: str) -> Response:
        from .render import render_plan

        fmt = request.args.get("format", "json")
        if fmt not in DOWNLOADS:
            raise UnknownNameError("format", fmt, [], choices=list(DOWNLOADS))
        record = self.store.get(lid)
        p = self._plans(record.role).plan(record.state, explain=fmt not in ("json", "csv", "ics"))
        return _download(render_plan(p, fmt, self._catalog(record)), DOWNLOADS[fmt], None)

    def api_progress(self, request: Request, lid: str) -> Response:
        from .progress import progress_document

        fields = _validated(ProgressFields, self._body(request), "request body")
        record = self.store.get(lid)
        catalog = self._catalog(record)
        state = record_progress(catalog, record.state, fields.done, fields.done_hours)
        saved = self.store.update(lid, state, fields.revision)
        doc = progress_document(self._plans(record.role).plan(state, explain=False), catalog)
        return _json({"id": lid, "revision": saved.revision, **doc})

    def api_week(self, request: Request, lid: str) -> Response:
        body = self._body(request)
        revision = body.pop("revision", None) if isinstance(body, dict) else None
        fields = _validated(WeekFields, body, "request body")
        record = self.store.get(lid)
        state = change_week(self._catalog(record), record.state, fields.week())
        p = self._plans(record.role).plan(state, explain=False)
        saved = self.store.update(lid, state, revision if isinstance(revision, int) else None)
        return _json({"id": lid, "revision": saved.revision, "plan": p.to_dict()})

    def api_import(self, request: Request) -> Response:
        body = self._body(request)
        state, role = read_record(self.catalog, body, "request body")
        record = self.store.add(state.learner or "", state, role)
        return _json({"id": record.id, "revision": record.revision}, 201)

    def api_curriculum(self, request: Request) -> Response:
        data, name = self._curriculum(request)
        return _download(data, "application/zip", name)

    def api_assess_questions(self, request: Request) -> Response:
        return _json(api_questions(self.catalog, self._body(request)))

    def api_assess_score(self, request: Request) -> Response:
        return _json(api_score(self.catalog, self._body(request)))

    def api_extract_cv(self, request: Request) -> Response:
        return _json(api_cv(self.catalog, self._body(request)))

    def api_extract_posting(self, request: Request) -> Response:
        return _json(api_posting(self.catalog, self._body(request)))


# -- helpers ---------------------------------------------------------------------------------

# No page loads anything from elsewhere, runs inline script or is framed by another site.
_SAFE = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",  # "no-referrer" would make form posts say Origin: null
    "Cache-Control": "no-store",
}


def _html(text: str, status: int = 200) -> Response:
    from werkzeug.wrappers import Response

    return Response(text, status, content_type="text/html; charset=utf-8", headers=_SAFE)


def _json(data: Any, status: int = 200) -> Response:
    return _json_text(dumps_json(data), status)


def _json_text(text: str, status: int = 200) -> Response:
    from werkzeug.wrappers import Response

    return Response(text, status, content_type="application/json", headers=_SAFE)


def _download(content: str | bytes, mimetype: str, filename: str | None) -> Response:
    from werkzeug.wrappers import Response

    headers = dict(_SAFE)
    if filename:
        headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return Response(content, 200, content_type=mimetype, headers=headers)


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")


def _status_of(err: PathPlannerError) -> int:
    if isinstance(err, NotFoundError):
        return 404
    if isinstance(err, StaleError):
        return 409
    if isinstance(err, InfeasibleError):
        return 422
    return 400


_HTTP = {
    400: "the request was not understood",
    403: "not allowed",
    404: "there is no such page",
    405: "this address does not take that kind of request",
    413: "what was sent is too large",
    415: "the body must be JSON",
}


def _http_message(code: int, description: str) -> str:
    if code == 413:
        return f"what was sent is too large (at most {MAX_BODY // (1024 * 1024)} MB; uploads of a cohort at most {MAX_UPLOAD // (1024 * 1024)} MB)"
    if code in (404, 405):
        return _HTTP[code]
    return description if description and "<" not in description else _HTTP.get(code, "error")


def _shown(filename: str, default: str) -> str:
    """Return an uploaded file's name for messages: its last part, plain characters only."""
    base = re.split(r"[\\/]", filename)[-1]
    clean = re.sub(r"[^A-Za-z0-9._ -]", "_", base).strip()[:100]
    return clean or default


def _number(text: str, name: str) -> float:
    from .planner import checked

    try:
        value = float(text)
    except ValueError:
        raise ProfileError(f"must be a number, got '{text[:40]}'", setting=name) from None
    return checked(value, name)


def _date(text: str, name: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ProfileError(
            f"must be a date (YYYY-MM-DD), got '{text[:40]}'", setting=name
        ) from None


def _digits(text: str) -> str:
    return text if text.isdecimal() and len(text) < 5 else ""


def _revision(text: str) -> int | None:
    return int(text) if text.isdecimal() and len(text) < 12 else None


def week_form(state: PlanState) -> MultiDict[str, str]:
    """Return a state's week as the values of the week form (to change it)."""
    from werkzeug.datastructures import MultiDict

    c = state.constraints
    values: list[tuple[str, str]] = [
        ("hours_per_week", f"{state.hours_per_week:g}"),
        ("objective", state.objective),
        ("hourly_rate", f"{state.hourly_rate:g}"),
        ("exclude_providers", "\n".join(c.exclude_providers)),
        ("prefer_providers", "\n".join(c.prefer_providers)),
        ("exclude_skills", "\n".join(c.exclude_skills)),
        ("languages", ", ".join(c.languages)),
        ("avoid_languages", ", ".join(c.avoid_languages)),
    ]
    values += [(k, f"{v:g}") for k, v in (("budget_usd", c.budget_usd), ("max_hours", c.max_hours)) if v is not None]  # fmt: skip
    values += [
        (k, "true") for k in ("free_only", "include_optional", "any_language") if getattr(c, k)
    ]
    values += [("with_certs", x) for x in c.with_certs]
    values += [("exclude_kinds", x) for x in c.exclude_kinds]
    return MultiDict(values)


def _next_monday(today: dt.date) -> dt.date:
    return today + dt.timedelta(days=(7 - today.weekday()) % 7 or 7)


def make_app(
    data_dir: str | Path,
    graphs: Iterable[str | Path] = (),
    builtin: bool = True,
    hosts: Iterable[str] = (),
) -> PlannerApp:
    """Return the planner page's WSGI app over graph directories and a data directory."""
    from .load import load_catalog

    graphs = tuple(graphs)
    catalog = load_catalog(graphs, builtin=builtin)
    label = ", ".join([*(["the built-in graph"] if builtin else []), *map(str, graphs)])
    return PlannerApp(catalog, Store(data_dir), hosts, label, graphs, builtin)


_LOOPBACK = ("127.0.0.1", "localhost", "::1", "[::1]")


def is_loopback(host: str) -> bool:
    """Return whether a host name or address is this machine only."""
    import ipaddress

    if host.lower() in _LOOPBACK:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@dataclass
class Server:
    """A listening planner page: `run()` answers until `close()` or Ctrl-C."""

    server: Any
    port: int
    url: str

    closing: bool = False

    def run(self) -> None:
        """Answer requests until closed; Ctrl-C stops it quietly."""
        try:
            self.server.run()
        except KeyboardInterrupt:
            pass
        except OSError:
            if not self.closing:  # closed from another thread: the loop's socket is gone
                raise

    def close(self) -> None:
        """Stop listening; a request being answered is finished or not started, never half."""
        self.closing = True
        self.server.close()
        self.server.task_dispatcher.shutdown(timeout=5)


def make_server(
    app: PlannerApp, host: str = "127.0.0.1", port: int = 0, threads: int = 8
) -> Server:
    """Return the app listening with waitress on host and port (0: a free one).

    On this machine only (loopback), the app answers only to its own address, so a web page
    elsewhere cannot reach it through a rebound host name.
    """
    import logging

    import waitress.server

    # a queue of requests waiting for a thread is how load looks, not a fault to report
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    try:
        server = waitress.server.create_server(
            app, host=host, port=port, threads=threads, ident="pathplanner"
        )
    except OSError as err:
        raise ServerError(f"cannot listen on {host} port {port}: {err.strerror or err}") from err
    real_port = int(server.effective_port)
    if is_loopback(host):
        app.hosts = {f"{h}:{real_port}" for h in ("127.0.0.1", "localhost", "[::1]")}
    shown = f"[{host}]" if ":" in host else host
    return Server(server, real_port, f"http://{shown}:{real_port}/")


def remote_warning(host: str) -> str:
    """Return the warning that a host other computers can reach deserves ('' for loopback)."""
    if is_loopback(host):
        return ""
    return (
        f"Warning: {host} lets other computers reach the planner page; it has no login, so "
        "anyone who can reach it can read and change the plans."
    )


def open_page(
    data_dir: str | Path | None,
    graphs: Iterable[str | Path] = (),
    builtin: bool = True,
    host: str = "127.0.0.1",
    port: int = 0,
    threads: int = 8,
    browser: bool = True,
    say: Callable[[str], Any] = print,
) -> None:
    """Serve the planner page until interrupted: say where it is, open it in a browser.

    `data_dir` defaults to the user's data directory (`_paths.data_dir`).
    """
    from ._paths import data_dir as default_data_dir

    app = make_app(data_dir or default_data_dir(), graphs, builtin)

    def ready(url: str) -> None:
        say(f"The planner page is at {url}  (plans in {app.store.path}; Ctrl-C to stop)")
        if browser:
            import webbrowser

            webbrowser.open(url)

    serve(app, host, port, threads, on_ready=ready)


def serve(
    app: PlannerApp,
    host: str = "127.0.0.1",
    port: int = 0,
    threads: int = 8,
    on_ready: Callable[[str], None] | None = None,
) -> None:
    """Serve the app until interrupted; `on_ready(url)` is called once it listens."""
    server = make_server(app, host, port, threads)
    if on_ready is not None:
        on_ready(server.url)
    try:
        server.run()
    finally:
        server.close()
