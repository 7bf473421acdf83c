"""The planner page's self-assessment and CV starts, and their JSON API.

Two ways to say where one stands, registered as start methods of the planner page
(`web.register_start`): take the self-assessment (`assess.questions` asked on the page,
follow-ups re-asked as the answers open them, scored by `assess.score`), or paste a CV or
LinkedIn text (`extract.skills_from_text`, shown for the learner to change or drop each
level before the plan starts). Both need a second look at the form before they give start
fields: their `read` raises `MoreInput` with what the form should show next.

The API functions here take a request body (already parsed JSON) and return the library's
`to_dict()`s; `web.PlannerApp` routes `/api/assess/*` and `/api/extract/*` to them.
"""

from __future__ import annotations

import hashlib
import re
from typing import TYPE_CHECKING, Any

from . import assess, extract
from .errors import PathPlannerError, ProfileError

if TYPE_CHECKING:
    from werkzeug.datastructures import MultiDict

    from .catalog import Catalog
    from .models import Role

__all__ = [
    "MAX_TEXT_CHARS",
    "MoreInput",
    "answers_from_form",
    "api_cv",
    "api_posting",
    "api_questions",
    "api_score",
    "posting_catalog",
    "read_assess_start",
    "read_cv_start",
    "read_posting_target",
    "role_catalog",
]

MAX_TEXT_CHARS = 200_000  # a pasted CV or posting (a long CV is some 30,000)
PAGE_KINDS = ("skill", "experience")  # the week part of the form asks hours, budget, languages
_ANSWER = re.compile(r"^answer:(skills|experience)\.([a-z0-9-]{1,200})$")
_CV_LEVEL = re.compile(r"^cv:([a-z0-9-]{1,200})$")


class MoreInput(PathPlannerError):
    """Raised when a way to start needs the learner to answer more on the page before it can
    give start fields (the self-assessment's next questions, a CV's skills to confirm);
    `context` is what the form shows next."""

    def __init__(self, message: str, context: dict[str, Any]) -> None:
        super().__init__(message)
        self.context = context


# -- the self-assessment on the page ----------------------------------------------------------


def answers_from_form(form: MultiDict[str, str]) -> dict[str, Any]:
    """Return the answers a form holds, shaped like an answers file (blank boxes left out).

    Fields are `answer:skills.<skill>` (a level, 0 = none) and `answer:experience.<family>`
    (years); a value that is not a number is passed on as given, so the scoring names it.
    """
    answers: dict[str, Any] = {}
    for key, value in form.items(multi=True):
        m = _ANSWER.match(key)
        value = value.strip()
        if not m or not value:
            continue
        number: Any = value
        if m.group(1) == "skills" and value.isdecimal() and len(value) < 4:
            number = int(value)
        elif m.group(1) == "experience":
            try:
                number = float(value) if len(value) < 20 else value
            except ValueError:
                number = value
        answers.setdefault(m.group(1), {})[m.group(2)] = number
    return answers


def _role(catalog: Catalog, name: str, setting: str) -> Role:
    name = name.strip()
    if not name:
        raise ProfileError("name the role you want", setting=setting)
    return catalog.roles[catalog.resolve("role", name, setting)]


def read_assess_start(catalog: Catalog, form: MultiDict[str, str]) -> dict[str, Any]:
    """Return the start fields the self-assessment's answers give, or raise MoreInput with
    the questions still to show (those the answers so far open and the page has not asked)."""
    if form.get("target_method", "role") != "role":
        raise ProfileError(
            "the self-assessment asks about a role you name in step 2 (choose 'A role by name')",
            setting="target",
        )
    role = _role(catalog, form.get("to", ""), "target")
    answers = answers_from_form(form)
    asked = set(form.get("asked", "").split())
    if form.get("assess_role") != role.id:  # a new target: its questions from the start
        answers, asked = {}, set()
    assess.score(catalog, role, answers, source="the self-assessment")  # bad answers show here
    shown = [q for q in assess.questions(catalog, role, answers) if q.kind in PAGE_KINDS]
    new = [q for q in shown if q.key not in asked]
    if new:
        keys = {q.key for q in shown}
        kept = [(k, v) for k, v in form.items(multi=True) if _ANSWER.match(k)]
        raise MoreInput(
            f"{len(new)} question{'s' if len(new) != 1 else ''} about {role.name}",
            {
                "kind": "assess",
                "role": role.id,
                "role_name": role.name,
                "questions": [{**q.to_dict(), "new": q.key not in asked} for q in shown],
                "asked": " ".join(sorted(asked | keys)),
                "answered": [(k, v) for k, v in kept if k.removeprefix("answer:") not in keys],
                "first": not asked,
            },
        )
    profile = assess.score(catalog, role, answers, source="the self-assessment").profile
    out: dict[str, Any] = {"have": dict(profile.skills)}
    if profile.experience:
        out["experience"] = dict(profile.experience)
    return out


# -- a pasted CV ------------------------------------------------------------------------------


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "replace")).hexdigest()[:32]


def _text(value: Any, setting: str, what: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ProfileError(f"paste the text of {what}", setting=setting)
    if len(value) > MAX_TEXT_CHARS:
        raise ProfileError(
            f"the text is {len(value):,} characters; at most {MAX_TEXT_CHARS:,}", setting=setting
        )
    return value


def read_cv_start(catalog: Catalog, form: MultiDict[str, str]) -> dict[str, Any]:
    """Return the start fields of a pasted CV's confirmed levels, or raise MoreInput with the
    skills found (phrase, line, level guess and its reason) for the learner to confirm."""
    box = "cv_text"  # a field of the page only (web.LABELS names it), no command-line option
    text = _text(form.get(box, ""), box, "your CV or LinkedIn profile")
    digest = _digest(text)
    if form.get("cv_digest") != digest:  # not yet confirmed, or the text changed since
        proposal = extract.skills_from_text(catalog, text, "the CV text")
        if not proposal.found:
            raise ProfileError(
                "no skill the graph knows was found in the text; pick your skills instead",
                setting=box,
            )
        found = []
        for f in proposal.found:
            top = catalog.skills[f.skill].max_level
            found.append({**f.to_dict(), "levels": list(range(1, top + 1))})
        raise MoreInput(
            f"{len(found)} skill{'s' if len(found) != 1 else ''} found in the text",
            {"kind": "cv", "found": found, "digest": digest},
        )
    have: dict[str, int] = {}
    for key, value in form.items(multi=True):
        m = _CV_LEVEL.match(key)
        if not m:
            continue
        value = value.strip()
        if value in ("", "0"):
            continue  # dropped
        if not (value.isdecimal() and len(value) < 4):
            raise ProfileError(f"{m.group(1)}: the level must be a number, got '{value[:40]}'",
                               setting="have")  # fmt: skip
        have[m.group(1)] = int(value)
    if not have:
        raise ProfileError("keep at least one skill from the text", setting="have")
    return {"have": have}


# -- a pasted job posting as the goal ----------------------------------------------------------


def _posting_context(catalog: Catalog, posting: extract.Posting, digest: str) -> dict[str, Any]:
    """Return what the confirmation shows: required and nice-to-have skills with their levels
    and where they were found, the one-of groups, and the nearest roles of the graph."""
    where: dict[str, extract.Found] = {}
    for f in posting.found:
        if f.skill not in where or f.level > where[f.skill].level:
            where[f.skill] = f

    def item(s: str, lv: int) -> dict[str, Any]:
        f = where.get(s)
        return {"name": catalog.skills[s].name, "level": lv,
                "line": f.line if f else None, "reason": f.reason if f else ""}  # fmt: skip

    req = posting.role.requires
    groups = [
        {"essential": c.essential, "options": [item(s, lv) for s, lv in c.options.items()]}
        for c in req.any_of
    ]
    return {
        "kind": "posting",
        "name": posting.role.name,
        "required": [item(s, lv) for s, lv in req.essential.items()],
        "optional": [item(s, lv) for s, lv in req.optional.items()],
        "groups": groups,
        "nearest": [
            {**n.to_dict(), "beyond": [(catalog.skills[s].name, lv) for s, lv in n.beyond]}
            for n in posting.nearest
        ],
        "digest": digest,
    }


def posting_catalog(catalog: Catalog, form: MultiDict[str, str]) -> tuple[Catalog, str]:
    """Return the graph with the role a pasted posting gives, and that role as JSON (what a
    record keeps to rebuild it); raise MoreInput to show the role until it is confirmed."""
    text = _text(form.get("posting_text", ""), "posting_text", "the job posting")
    digest = _digest(text)
    posting = extract.role_from_posting(catalog, text, "the posting text")
    if form.get("posting_digest") != digest:  # not yet confirmed, or the text changed since
        raise MoreInput("the role the posting gives", _posting_context(catalog, posting, digest))
    role = posting.role
    return extract.with_role(catalog, role), role.model_dump_json(exclude_defaults=True)


def role_catalog(catalog: Catalog, role_json: str) -> Catalog:
    """Return the graph with a stored ad-hoc role (a record's job posting) added to it."""
    from pydantic import ValidationError

    from .models import Role

    try:
        role = Role.model_validate_json(role_json)
    except ValidationError as err:
        raise ProfileError(f"the stored job-posting role is not readable: {err}") from None
    return extract.with_role(catalog, role)


def read_posting_target(catalog: Catalog, form: MultiDict[str, str]) -> dict[str, Any]:
    """Return the `to` of a confirmed posting (the page puts its role in `catalog` first)."""
    if extract.POSTING_ROLE_ID not in catalog.roles:  # pragma: no cover - the page does
        posting_catalog(catalog, form)
    return {"to": extract.POSTING_ROLE_ID}


# -- the JSON API -----------------------------------------------------------------------------


def _body_fields(
    body: Any, allowed: tuple[str, ...], where: str = "request body"
) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise ProfileError(f"{where}: must be a JSON object")
    extra = sorted(set(body) - set(allowed))
    if extra:
        raise ProfileError(f"{where}: {extra[0]}: unknown field (fields: {', '.join(allowed)})")
    return body


def _answers(body: dict[str, Any]) -> dict[str, Any]:
    answers = body.get("answers", {})
    if not isinstance(answers, dict):
        raise ProfileError('request body: answers: must be an object like {"skills": {...}}')
    return answers


def api_questions(catalog: Catalog, body: Any) -> dict[str, Any]:
    """Return `{"role", "questions"}`: the questions still open after `answers` (POST
    /api/assess/questions with `{"role": ..., "answers": {...}}`)."""
    fields = _body_fields(body, ("role", "answers"))
    role = _role(catalog, str(fields.get("role") or ""), "role")
    answers = _answers(fields)
    assess.score(catalog, role, answers, source="answers")  # unknown skills, bad levels
    return {
        "role": role.id,
        "questions": [q.to_dict() for q in assess.questions(catalog, role, answers)],
    }


def api_score(catalog: Catalog, body: Any) -> dict[str, Any]:
    """Return the scored answers (`Assessment.to_dict()`, the profile within)."""
    fields = _body_fields(body, ("role", "answers"))
    role = _role(catalog, str(fields.get("role") or ""), "role")
    return assess.score(catalog, role, _answers(fields), source="answers").to_dict()


def api_cv(catalog: Catalog, body: Any) -> dict[str, Any]:
    """Return the skills a CV text names (`Proposal.to_dict()`)."""
    fields = _body_fields(body, ("text",))
    text = _text(fields.get("text"), "text", "a CV or LinkedIn profile")
    return extract.skills_from_text(catalog, text, "text").to_dict()


def api_posting(catalog: Catalog, body: Any) -> dict[str, Any]:
    """Return a job posting read as a target role (`Posting.to_dict()`)."""
    fields = _body_fields(body, ("text",))
    text = _text(fields.get("text"), "text", "a job posting")
    return extract.role_from_posting(catalog, text, "text").to_dict()
