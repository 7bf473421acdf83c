"""A guided self-assessment: the questions a career coach's intake asks, and their scoring.

For a target role, `questions` returns what is still worth asking: each skill the role needs
(and, once an answer falls short, the prerequisites that gap pulls in), most important first,
offered as the graph's level descriptors ("Which of these can you do?") plus "none"; then
years of practice per role family, hours per week, budget and programming languages. A skill
whose level earlier answers already settle is not asked: "none" for Docker means no
Kubernetes (Kubernetes 1 needs Docker 1); Kubernetes 2 means at least Docker 1.

Public functions (the CLI, the web page and scripts use the same logic):

- `questions(catalog, role, answers=None) -> list[Question]`: the questions still open after
  `answers` (a mapping like an answers file: {"skills": {"docker": 2}, ...}), in order;
- `score(catalog, role, answers, source="answers") -> Assessment`: the checked answers, the
  levels they imply, and the profile (`Assessment.profile`, a ProfileFile; `profile_yaml()`
  writes it as a file `plan --profile` reads);
- `read_answers(path) -> (dict, Lines)`: an answers YAML file, read safely.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import ValidationError

from ._input import Lines, read_yaml, validation_problems
from .catalog import Catalog
from .errors import AssessmentError, Problem, ProfileError, UnknownNameError
from .models import CODE_LANGUAGES, AnswersFile, ProfileFile, Role

__all__ = [
    "EVIDENCE_KINDS",
    "LEVEL_WORDS",
    "MAX_QUESTIONS",
    "Assessment",
    "Option",
    "Question",
    "questions",
    "read_answers",
    "score",
]

EVIDENCE_KINDS = ("course", "work", "project", "certificate", "self-rated")
LEVEL_WORDS = {0: "none", 1: "foundation", 2: "working", 3: "advanced"}
MAX_QUESTIONS = 39
"""At most this many questions for any role: skills beyond it stay unasked (counted none)."""

QuestionKind = Literal["skill", "experience", "hours_per_week", "budget_usd", "languages"]


@dataclass(frozen=True)
class Option:
    """One answer offered: a level (0 = none) and what it means."""

    level: int
    means: str


@dataclass(frozen=True)
class Question:
    """A question of the self-assessment; `key` names where its answer goes in an answers
    mapping ("skills.docker", "experience.data-science", "hours_per_week", ...)."""

    key: str
    kind: QuestionKind
    prompt: str
    skill: str | None = None
    options: tuple[Option, ...] = ()
    need: int = 0
    why: str = ""
    family: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return the question as plain data (for JSON and the web page)."""
        return {
            "key": self.key,
            "kind": self.kind,
            "prompt": self.prompt,
            "skill": self.skill,
            "options": [{"level": o.level, "means": o.means} for o in self.options],
            "need": self.need,
            "why": self.why,
            "family": self.family,
        }


# -- what an answer implies -----------------------------------------------------------------


def _closure(catalog: Catalog, skill: str, level: int) -> dict[str, int]:
    """Return every prerequisite (transitively) of reaching `level` of a skill."""
    key = ("assess.closure", skill, level)
    got = catalog.memo.get(key)
    if isinstance(got, dict):
        return got
    out: dict[str, int] = {}
    stack = [(skill, level)]
    while stack:
        s, lv = stack.pop()
        for pre, need in catalog.skills[s].prerequisites(lv).items():
            if pre != skill and out.get(pre, 0) < need:
                out[pre] = need
                stack.append((pre, need))
    catalog.memo[key] = out
    return out


def _bounds(
    catalog: Catalog, answered: Mapping[str, int]
) -> tuple[dict[str, tuple[int, str]], dict[str, tuple[int, str]]]:
    """Return, per skill, the lowest level the answers imply (and the answer implying it),
    and the highest level they allow for skills whose prerequisites were answered short."""
    lower: dict[str, tuple[int, str]] = {}
    for s, a in sorted(answered.items()):
        if a <= 0:
            continue
        for pre, need in sorted(_closure(catalog, s, a).items()):
            if need > lower.get(pre, (0, ""))[0]:
                lower[pre] = (need, s)
    upper: dict[str, tuple[int, str]] = {}
    short = {s: a for s, a in answered.items() if a < catalog.skills[s].max_level}
    if short:
        for sid, skill in catalog.skills.items():
            if sid in answered:
                continue
            for lv in sorted(skill.levels):
                gate = next(
                    (p for p, need in sorted(_closure(catalog, sid, lv).items())
                     if p in short and short[p] < need),
                    None,
                )  # fmt: skip
                if gate is not None:
                    upper[sid] = (lv - 1, gate)
                    break
    return lower, upper


# -- the questions --------------------------------------------------------------------------


def _role_needs(catalog: Catalog, role: Role) -> list[tuple[str, int, str]]:
    """Return (skill, level, why) a role needs, most important first: highest level, then
    the skills most others build on, then name."""
    needs: dict[str, int] = dict(role.requires.essential)
    for choice in role.goal_choices():
        for s, lv in choice.options.items():
            needs[s] = max(needs.get(s, 0), lv)
    built_on: dict[str, int] = {}
    for s, lv in needs.items():
        for pre in _closure(catalog, s, lv):
            built_on[pre] = built_on.get(pre, 0) + 1
    order = sorted(
        needs.items(), key=lambda kv: (-kv[1], -built_on.get(kv[0], 0), catalog.skills[kv[0]].name)
    )
    return [(s, lv, f"{role.name} needs {catalog.skills[s].name} {lv}") for s, lv in order]


def _options(catalog: Catalog, skill: str, low: int, high: int) -> tuple[Option, ...]:
    sk = catalog.skills[skill]
    out = [Option(0, "none of these")] if low == 0 else []
    out += [Option(lv, sk.levels[lv].means) for lv in sorted(sk.levels) if low <= lv <= high]
    return tuple(out)


def _skill_levels(answers: AnswersFile, catalog: Catalog) -> dict[str, int]:
    out: dict[str, int] = {}
    for name, ans in answers.skills.items():
        try:
            sid = catalog.resolve("skill", name)
        except UnknownNameError:
            continue
        out[sid] = ans.level
    return out


def _skill_questions(
    catalog: Catalog, role: Role, answered: Mapping[str, int]
) -> tuple[list[Question], dict[str, int]]:
    """Return the skill questions still open, and the level each skill walked is needed at."""
    lower, upper = _bounds(catalog, answered)
    queue = list(_role_needs(catalog, role))
    need: dict[str, int] = {}
    out: list[Question] = []
    i = 0
    while i < len(queue):
        s, lv, why = queue[i]
        i += 1
        if need.get(s, 0) >= lv:
            continue
        first = s not in need
        need[s] = lv
        low = lower.get(s, (0, ""))[0]
        high = upper.get(s, (catalog.skills[s].max_level, ""))[0]
        have = answered.get(s)
        if have is None and low < lv and high > low:
            if first:
                out.append(_question(catalog, s, lv, why, low, high))
            continue  # its prerequisites wait for its answer
        level = have if have is not None else max(low, min(high, low))
        if level < lv:  # short of the need: what that gap pulls in is worth knowing
            for pre, pre_lv in sorted(catalog.skills[s].prerequisites(lv).items()):
                if pre != s:
                    queue.append((pre, pre_lv, f"{catalog.skills[s].name} {lv} needs it first"))
            for choice in catalog.skills[s].prerequisite_choices(lv):
                for pre, pre_lv in sorted(choice.options.items()):
                    queue.append((pre, pre_lv, f"{catalog.skills[s].name} {lv}: {choice.name}"))
    # a question asked earlier with a lower need keeps its place: refresh its need
    out = [
        q if need.get(q.skill or "", 0) == q.need
        else _question(catalog, q.skill or "", need[q.skill or ""], q.why,
                       q.options[0].level, q.options[-1].level)
        for q in out
    ]  # fmt: skip
    return out, need


def _question(catalog: Catalog, s: str, lv: int, why: str, low: int, high: int) -> Question:
    name = catalog.skills[s].name
    return Question(
        key=f"skills.{s}",
        kind="skill",
        prompt=f"{name}: which of these can you do?",
        skill=s,
        options=_options(catalog, s, low, high),
        need=lv,
        why=why,
    )


def _families(role: Role) -> list[str]:
    return sorted({e.family for e in role.experience}) or [role.family]


def _other_questions(catalog: Catalog, role: Role) -> list[Question]:
    out = [
        Question(
            key=f"experience.{fam}",
            kind="experience",
            prompt=f"How many years have you worked in {fam.replace('-', ' ')}? (0 if none)",
            family=fam,
            why=_experience_why(role, fam),
        )
        for fam in _families(role)
    ]
    out += [
        Question("hours_per_week", "hours_per_week", "How many hours a week can you study?"),
        Question("budget_usd", "budget_usd", "What is your budget for courses and exams, in USD?"),
        Question(
            "languages",
            "languages",
            "Which programming languages do you write code in? (comma-separated, or none)",
            options=tuple(Option(0, lang) for lang in CODE_LANGUAGES if lang != "none"),
        ),
    ]
    return out


def _experience_why(role: Role, family: str) -> str:
    years = [e.years for e in role.experience if e.family == family]
    return f"{role.name} asks for {years[0]:g} years" if years else ""


def questions(
    catalog: Catalog, role: str | Role, answers: Mapping[str, Any] | None = None
) -> list[Question]:
    """Return the questions still open after `answers` (none given: from the start), in order.

    At most MAX_QUESTIONS in all are asked: `len(answered) + len(questions(...))` never
    exceeds it. A web page asks `questions(...)[0]`, adds the answer and asks again.
    """
    r = role if isinstance(role, Role) else catalog.resolve_role(role)
    parsed = _parse(answers or {}, "answers", Lines())
    answered = _skill_levels(parsed, catalog)
    skills, need = _skill_questions(catalog, r, answered)
    others = _other_questions(catalog, r)
    given = _given_keys(parsed)
    # answers the walk would have asked count against the limit; others (a CV's) do not
    room = MAX_QUESTIONS - len(others) - len(set(answered) & set(need))
    return skills[: max(room, 0)] + [q for q in others if q.key not in given]


def _given_keys(parsed: AnswersFile) -> set[str]:
    keys = {f"experience.{k}" for k in parsed.experience}
    for name in ("hours_per_week", "budget_usd"):
        if getattr(parsed, name) is not None:
            keys.add(name)
    if "languages" in parsed.model_fields_set:
        keys.add("languages")
    return keys


# -- scoring --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Assessment:
    """The scored answers: the profile they give, and where each level comes from."""

    role: str
    role_name: str
    profile: ProfileFile
    implied: dict[str, str] = field(default_factory=dict)  # skill -> the answer implying it
    open: tuple[Question, ...] = ()  # questions not answered (their skills count as none)

    def to_dict(self) -> dict[str, Any]:
        """Return the assessment as plain data (the profile as a profile file has it)."""
        return {
            "role": self.role,
            "profile": self.profile.model_dump(mode="json", exclude_defaults=True, by_alias=True),
            "implied": dict(self.implied),
            "open": [q.key for q in self.open],
        }

    def profile_yaml(self, catalog: Catalog) -> str:
        """Return the profile as a commented YAML file that `plan --profile` reads."""
        return _profile_yaml(catalog, self)


def read_answers(path: str | Path) -> tuple[dict[str, Any], Lines]:
    """Return an answers YAML file as a mapping, with where each key is; raise on bad YAML."""
    data, lines = read_yaml(path)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise AssessmentError(
            [Problem(str(path), "", "", "answers must be a mapping (skills:, experience: ...)")]
        )
    return data, lines


def _parse(answers: Mapping[str, Any], source: str, lines: Lines) -> AnswersFile:
    try:
        return AnswersFile.model_validate(dict(answers))
    except ValidationError as err:
        raise AssessmentError(
            validation_problems(err, source, lines=lines, model=AnswersFile)
        ) from None


def score(
    catalog: Catalog,
    role: str | Role,
    answers: Mapping[str, Any],
    source: str = "answers",
    lines: Lines | None = None,
) -> Assessment:
    """Return the profile that answers give, checked against the graph.

    `answers` is shaped like an answers file (see models.AnswersFile). Raise
    AssessmentError naming every unknown skill or role family (with the nearest) and every
    level out of a skill's range; `source` and `lines` name the file and line in messages.
    """
    r = role if isinstance(role, Role) else catalog.resolve_role(role)
    at = lines or Lines()
    parsed = _parse(answers, source, at)
    problems: list[Problem] = []
    levels: dict[str, int] = {}
    evidence: dict[str, str] = {}
    for name, ans in parsed.skills.items():
        where = Problem(source, "", f"skills.{name}", "", line=at.line(("skills", name)))
        try:
            sid = catalog.resolve("skill", name)
        except UnknownNameError as err:
            problems.append(Problem(where.file, "", where.field, str(err), line=where.line))
            continue
        level = ans.level
        top = catalog.skills[sid].max_level
        if level > top:
            problems.append(
                Problem(
                    where.file, "", where.field,
                    f"level {level} is out of range for {catalog.skills[sid].name} (0 to {top})",
                    line=where.line,
                )
            )  # fmt: skip
            continue
        levels[sid] = level
        if level > 0:
            evidence[sid] = ans.evidence
    if parsed.experience:
        from .profile import _experience

        try:
            _experience(catalog, parsed.experience, source)
        except ProfileError as err:
            problems.extend(
                Problem(p.file, "", p.field, p.message, line=at.line(tuple(p.field.split("."))))
                for p in err.problems
            )
    if problems:
        raise AssessmentError(problems)
    lower, _ = _bounds(catalog, levels)
    implied: dict[str, str] = {}
    skills = {s: lv for s, lv in levels.items() if lv > 0}
    for s, (lv, because) in sorted(lower.items()):
        if levels.get(s, 0) < lv and s not in levels:
            skills[s] = lv
            implied[s] = because
            evidence[s] = evidence.get(because, "self-rated")
    open_q = tuple(q for q in questions(catalog, r, answers) if q.kind == "skill")
    profile = ProfileFile.model_validate(
        {
            "name": parsed.name,
            "skills": dict(sorted(skills.items())),
            "evidence": dict(sorted((s, e) for s, e in evidence.items() if s in skills)),
            "experience": dict(sorted(parsed.experience.items())),
            "hours_per_week": parsed.hours_per_week,
            "budget_usd": parsed.budget_usd,
            "languages": sorted(set(parsed.languages)),
        }
    )
    return Assessment(r.id, r.name, profile, implied, open_q)


def _profile_yaml(catalog: Catalog, a: Assessment) -> str:
    import yaml

    p = a.profile

    def scalar(value: Any) -> str:
        text = yaml.safe_dump(value, default_flow_style=True, width=10_000, allow_unicode=False)
        return str(text).removesuffix("\n...\n").strip()

    out = [
        f"# Self-assessment toward {a.role_name} ({a.role}).",
        "# Levels: 1 = foundation, 2 = working, 3 = advanced; a skill not listed = none.",
        f"# Plan from it as a profile file, to {a.role} or any other role.",
    ]
    if p.name:
        out.append(f"name: {scalar(p.name)}")
    if p.skills:
        out.append("skills:")
        for s, lv in p.skills.items():
            note = f"  # implied by {catalog.skills[a.implied[s]].name}" if s in a.implied else ""
            out.append(f"  {s}: {lv}{note}")
        out.append("evidence:")
        out += [f"  {s}: {e}" for s, e in p.evidence.items()]
    else:
        out.append("skills: {}")
    if p.experience:
        out.append("experience:")
        out += [f"  {k}: {v:g}" for k, v in p.experience.items()]
    if p.hours_per_week is not None:
        out.append(f"hours_per_week: {p.hours_per_week:g}")
    if p.budget_usd is not None:
        out.append(f"budget_usd: {p.budget_usd:g}")
    if p.languages:
        out.append(f"languages: [{', '.join(p.languages)}]")
    if a.open:
        names = ", ".join(catalog.skills[q.skill or ""].name for q in a.open[:8])
        more = " ..." if len(a.open) > 8 else ""
        out.append(f"# not answered (counted as none): {names}{more}")
    return "\n".join(out) + "\n"
