"""The data model of every input: the knowledge graph (one model per entry kind), profile
files and cohort rows; frozen pydantic models that refuse unknown fields."""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from collections.abc import Mapping
from functools import partial
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

from ._input import LIMITS, check_number

Id = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")]
Level = Annotated[int, Field(ge=1, le=3)]
LevelMap = dict[Id, Level]

CATEGORIES = (
    "math-stats",
    "programming",
    "data",
    "databases",
    "visualization",
    "ml",
    "deep-learning",
    "software-engineering",
    "mlops",
    "cloud",
    "big-data",
    "business-communication",
    "research",
    "credential",
    "esco",
)
# The built-in graph uses CATEGORIES; an imported taxonomy (ESCO) brings its own kebab-case ones.
Category = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")]
ResourceKind = Literal[
    "course",
    "specialization",
    "book",
    "tutorial",
    "documentation",
    "project",
    "certification",
    "video-series",
    "bootcamp",
    "degree",
    "self-study",
    "workshop",
    "lab",
    "lecture",
]
RESOURCE_KINDS: tuple[str, ...] = ResourceKind.__args__  # type: ignore[attr-defined]
# The programming languages a resource's exercises use ("none": no code at all).
CodeLanguage = Literal[
    "python",
    "r",
    "sql",
    "java",
    "scala",
    "kotlin",
    "javascript",
    "typescript",
    "go",
    "rust",
    "ruby",
    "c",
    "cpp",
    "csharp",
    "julia",
    "bash",
    "matlab",
    "sas",
    "spss",
    "stata",
    "none",
]
CODE_LANGUAGES: tuple[str, ...] = CodeLanguage.__args__  # type: ignore[attr-defined]


class _Frozen(BaseModel):
    # allow_inf_nan=False: NaN and infinities are refused in every number of the graph.
    model_config = ConfigDict(
        frozen=True, extra="forbid", str_strip_whitespace=True, allow_inf_nan=False
    )

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickle as (class, fields, fields set): the catalogue cache holds ~70,000 models on
        ESCO, and this reads back a third faster than pydantic's own state dictionary."""
        given = frozenset(self.__pydantic_fields_set__)
        shared = _FIELD_SETS.setdefault(given, tuple(sorted(given)))  # pickled once, then shared
        return (_restore, (type(self), self.__dict__, shared))


# Graph models forbid extra fields and have no private attributes: both stay None.
_FIELD_SETS: dict[frozenset[str], tuple[str, ...]] = {}
_setattr = object.__setattr__


def _restore(cls: type[_Frozen], values: dict[str, Any], given: tuple[str, ...]) -> _Frozen:
    obj = cls.__new__(cls)
    _setattr(obj, "__dict__", values)
    _setattr(obj, "__pydantic_fields_set__", set(given))
    _setattr(obj, "__pydantic_extra__", None)
    _setattr(obj, "__pydantic_private__", None)
    return obj


class Choice(_Frozen):
    """One of several (skill, level) pairs: e.g. a BI tool is Tableau 2, Power BI 2 or Looker 2."""

    name: str = Field(min_length=1)
    options: LevelMap = Field(min_length=2)

    def met(self, state: Mapping[str, int]) -> bool:
        """Return whether a state has at least one of the options."""
        return any(state.get(s, 0) >= lv for s, lv in self.options.items())


class RoleChoice(Choice):
    """A choice among a role's requirements, essential or nice to have."""

    essential: bool = True


class SkillLevel(_Frozen):
    """What one level of a skill means and what it needs first."""

    means: str = Field(min_length=1)
    requires: LevelMap = Field(default_factory=dict)
    requires_any: list[Choice] = Field(default_factory=list)


class Skill(_Frozen):
    """A skill, tool, body of knowledge or held credential, at levels 1-3."""

    id: Id
    name: str = Field(min_length=1)
    category: Category
    aliases: list[str] = Field(default_factory=list)
    description: str = ""
    levels: dict[Level, SkillLevel]
    # concept: general knowledge (statistics, OOP, testing) that no language or tool may gate;
    # language: a programming or query language; tool: a library, framework, product or platform
    kind: Literal["concept", "language", "tool"] = "concept"
    esco_uri: str | None = None
    onet: str | None = None

    @model_validator(mode="after")
    def _level_one_present(self) -> Skill:
        if 1 not in self.levels:
            raise ValueError("levels must define level 1")
        return self

    @property
    def max_level(self) -> int:
        """Return the highest level this skill defines."""
        return max(self.levels)

    def prerequisite_choices(self, level: int) -> list[Choice]:
        """Return the choices among prerequisites of reaching `level` (every level up to it)."""
        return [
            c for lvl in sorted(self.levels) if lvl <= level for c in self.levels[lvl].requires_any
        ]

    def prerequisites(self, level: int) -> dict[str, int]:
        """Return the prerequisites of reaching `level` (those of every level up to it)."""
        out: dict[str, int] = {}
        for lvl in sorted(self.levels):
            if lvl > level:
                break
            for skill, need in self.levels[lvl].requires.items():
                if skill == self.id:
                    continue
                out[skill] = max(out.get(skill, 0), need)
        return out


class Resource(_Frozen):
    """A way to learn or prove skills: a course, book, project or certification exam."""

    id: Id
    kind: ResourceKind
    title: str = Field(min_length=1)
    provider: str = Field(min_length=1)
    author: str | None = None
    url: str | None = Field(default=None, pattern=r"^https?://\S+$")
    hours: float = Field(ge=0, le=LIMITS["hours"][1])
    hours_source: str = Field(min_length=1)
    cost_usd: float = Field(ge=0, le=LIMITS["cost_usd"][1])
    cost_source: str | None = None
    level: Literal["beginner", "intermediate", "advanced"] = "beginner"
    format: Literal["video", "text", "interactive", "project", "exam", "mixed", "book"] = "mixed"
    language: str = "en"
    # the programming languages its exercises use; None: not recorded (user graphs may omit it)
    languages: list[CodeLanguage] | None = None
    status: Literal["active", "retired"] = "active"
    retired_on: dt.date | None = None
    requires: LevelMap = Field(default_factory=dict)
    teaches: LevelMap = Field(min_length=1)
    exam_code: str | None = None
    validity_years: float | None = Field(default=None, gt=0, le=100)
    notes: str | None = None
    # A bootcamp's own catalogue: `preferred` resources are chosen for a cohort whenever they
    # serve a learner's gap within a stated bound (see `timetable`); `position` puts one first
    # (an orientation) or last (a capstone) and `after` after other resources, in every order.
    preferred: bool = False
    position: Literal["first", "last"] | None = None
    after: list[Id] = Field(default_factory=list)

    @model_validator(mode="after")
    def _consistent(self) -> Resource:
        if self.id in self.after:
            raise ValueError("after lists the resource itself")
        if len(set(self.after)) != len(self.after):
            raise ValueError("after lists a resource twice")
        if self.position == "first" and self.after:
            raise ValueError("a resource with position: first cannot come after others (after)")
        if self.status == "retired" and self.retired_on is None:
            raise ValueError("a retired resource needs retired_on (the date it was retired)")
        if self.status == "active" and self.retired_on is not None:
            raise ValueError("retired_on is set but status is not 'retired'")
        if self.cost_usd > 0 and not self.cost_source:
            raise ValueError("cost_usd > 0 needs cost_source (where the price comes from)")
        if self.languages is not None:
            if not self.languages:
                raise ValueError("languages is empty: list them, or write [none] for no code")
            if len(set(self.languages)) != len(self.languages):
                raise ValueError("languages lists a language twice")
            if "none" in self.languages and len(self.languages) > 1:
                raise ValueError("languages: 'none' (no code) cannot go with a language")
        return self

    @property
    def free(self) -> bool:
        """Return True when the resource costs nothing to learn from."""
        return self.cost_usd == 0

    @property
    def active(self) -> bool:
        """Return True unless the resource is retired."""
        return self.status == "active"


class RoleRequirements(_Frozen):
    """The skills a role needs: essential ones and nice-to-have ones."""

    essential: LevelMap = Field(default_factory=dict)
    optional: LevelMap = Field(default_factory=dict)
    any_of: list[RoleChoice] = Field(default_factory=list)

    @model_validator(mode="after")
    def _something_essential(self) -> RoleRequirements:
        if not self.essential and not any(c.essential for c in self.any_of):
            raise ValueError("a role needs at least one essential requirement")
        return self


class Experience(_Frozen):
    """Years of practice a role asks for, which no course gives: in a role family or a role."""

    family: Id  # a role family (data-science, ml-engineering ...) or a role id
    years: float = Field(gt=0, le=40)
    source: str = Field(min_length=1)  # where the figure comes from, or "estimate: <how>"
    estimate: bool = False


class Salary(_Frozen):
    """A salary figure with its source and year."""

    amount_usd: float = Field(gt=0, le=100_000_000)
    period: Literal["year", "month", "hour"] = "year"
    region: str = "US"
    source: str = Field(min_length=1)
    year: int = Field(ge=1990, le=2100)
    estimate: bool = False


class Role(_Frozen):
    """A job a person can aim for, with the skills it needs and where it leads next."""

    id: Id
    name: str = Field(min_length=1)
    aliases: list[str] = Field(default_factory=list)
    family: str = "other"
    seniority: Literal["junior", "mid", "senior", "lead", "head"] = "mid"
    description: str = ""
    requires: RoleRequirements
    credentials: list[Id] = Field(default_factory=list)
    tools: list[str] = Field(default_factory=list)
    salary: Salary | None = None
    experience: list[Experience] = Field(default_factory=list)
    next: list[Id] = Field(default_factory=list)
    esco_uri: str | None = None

    def goal_choices(self, include_optional: bool = False) -> list[Choice]:
        """Return the choices that meet this role (the optional ones too when asked)."""
        return [c for c in self.requires.any_of if c.essential or include_optional]

    def goal(self, include_optional: bool = False) -> dict[str, int]:
        """Return the skill levels that meet this role (its choices: `goal_choices`)."""
        goal = dict(self.requires.essential)
        if include_optional:
            for skill, level in self.requires.optional.items():
                goal[skill] = max(goal.get(skill, 0), level)
        return goal


# -- what learners give: profile files, cohort rows, skill levels ------------------------------


def _start_level(value: Any) -> int:
    """Return a stated skill level: a whole number from 0 (none) to 3, not text or true."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 3:
        raise ValueError(f"level must be a whole number from 0 to 3, got {value!r}")
    return value


def _limited(name: str, text: bool, value: Any) -> float:
    """Return a number within LIMITS[name]; text like '8' only where `text` (a CSV cell)."""
    if isinstance(value, str) and not text:
        raise ValueError(f"must be a number, got {value!r}")
    return check_number(value, name)


def _studied(value: Any) -> float:
    """Return hours studied of a resource begun: more than 0, at most a resource's hours."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
        raise ValueError(f"must be a positive number of hours, got {value!r}")
    return check_number(value, "hours")


def _text(value: Any) -> Any:
    """Return a number given where text is meant as its text (a name `2024`), else value."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return value


def _levels(value: Any) -> Any:
    """Return skill levels as a mapping: from text 'python:2,sql' (a bare name is level 1;
    ',' or ';' between), a list of such texts, or a mapping of skill: level as it is."""
    if isinstance(value, str):
        value = [value]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        out: dict[str, Any] = {}
        for part in (p.strip() for v in value for p in re.split(r"[;,]", v)):
            if not part:
                continue
            name, sep, level_text = part.rpartition(":")
            name, level_text = (name.strip(), level_text.strip()) if sep else (part, "1")
            try:
                level: Any = int(level_text)
            except ValueError:
                level = level_text
            old = out.get(name)
            # a name given twice keeps the higher level, or the bad one to report it
            out[name] = max(old, level) if type(old) is type(level) is int else level
        return out
    if isinstance(value, dict):
        return value
    raise ValueError(
        f"must be text like python:2,sql:1, a list or a mapping of skill: level, got {value!r}"
    )


def _names(value: Any) -> Any:
    """Return ids given as text 'a;b' (or 'a,b') as a list; a list as it is."""
    if isinstance(value, str):
        return [v.strip() for v in re.split(r"[;,]", value) if v.strip()]
    if isinstance(value, list):
        return value
    raise ValueError(f"must be text or a list of ids, got {value!r}")


def _date(value: Any) -> dt.date:
    """Return a date given as a YAML date or text YYYY-MM-DD (not a number of seconds)."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, str):
        with contextlib.suppress(ValueError):
            return dt.date.fromisoformat(value.strip())
    raise ValueError(f"must be a date YYYY-MM-DD, got {value!r}")


StartLevel = Annotated[int, BeforeValidator(_start_level)]
"""A level a learner states they have: 0 (none) to 3; the graph's levels are 1 to 3."""
SkillLevels = Annotated[dict[str, StartLevel], BeforeValidator(_levels)]
"""Skill names (not yet resolved) and levels, as text 'python:2,sql', a list or a mapping."""
Names = Annotated[list[str], BeforeValidator(_names)]
Text = Annotated[str, BeforeValidator(_text), Field(min_length=1)]
StudiedHours = Annotated[float, BeforeValidator(_studied)]
HoursPerWeek = Annotated[float, BeforeValidator(partial(_limited, "hours_per_week", False))]
BudgetUsd = Annotated[float, BeforeValidator(partial(_limited, "budget_usd", False))]
CellHoursPerWeek = Annotated[float, BeforeValidator(partial(_limited, "hours_per_week", True))]
CellBudgetUsd = Annotated[float, BeforeValidator(partial(_limited, "budget_usd", True))]
StartDate = Annotated[dt.date, BeforeValidator(_date)]


class _Given(_Frozen):
    """What a learner wrote: a field left empty (`skills:`, an empty CSV cell) is not given."""

    @model_validator(mode="before")
    @classmethod
    def _drop_empty(cls, data: Any) -> Any:
        if isinstance(data, dict):
            return {k: v for k, v in data.items() if v is not None and v != ""}
        return data


EvidenceKind = Literal["course", "work", "project", "certificate", "self-rated"]
"""How a learner knows a skill's level: a course, work, a project, a certificate, or own say."""
YearsOfPractice = Annotated[float, Field(ge=0, le=60, allow_inf_nan=False)]


class ProfileFile(_Given):
    """A profile YAML file: who, what they know and have done, their pace and budget."""

    name: Text | None = None
    from_role: Text | None = Field(default=None, alias="from")
    skills: dict[str, StartLevel] = Field(default_factory=dict)
    done: list[str] = Field(default_factory=list)
    done_hours: dict[str, StudiedHours] = Field(default_factory=dict)
    hours_per_week: HoursPerWeek | None = None
    budget_usd: BudgetUsd | None = None
    experience: dict[Id, YearsOfPractice] = Field(default_factory=dict)
    # how each skill's level is known (pathplanner assess writes it; planning does not use it)
    evidence: dict[str, EvidenceKind] = Field(default_factory=dict)
    # the programming languages the learner writes code in
    languages: list[CodeLanguage] = Field(default_factory=list)
    # false: the levels are guesses from a text (assess --from-text), not yet checked
    confirmed: bool = True


class CohortRow(_Given):
    """One learner of a cohort file (a CSV record, whose every cell is text, or a YAML item)."""

    name: Text
    from_role: Text | None = Field(default=None, alias="from")
    have: SkillLevels = Field(default_factory=dict)
    skills: SkillLevels = Field(default_factory=dict)
    done: Names = Field(default_factory=list)
    hours_per_week: CellHoursPerWeek | None = None
    budget_usd: CellBudgetUsd | None = None
    start: StartDate | None = None

    @property
    def levels(self) -> tuple[str, dict[str, int]]:
        """Return the field the learner's levels come from (`have`, else `skills`) and them."""
        return ("have", self.have) if self.have else ("skills", self.skills)


class SkillAnswer(_Given):
    """One answer of the self-assessment: a level (0 = none) and how it is known."""

    level: StartLevel
    evidence: EvidenceKind = "self-rated"


def _answer(value: Any) -> Any:
    """Return a skill's answer as a mapping: a bare level is {level: it}."""
    return value if isinstance(value, dict) else {"level": value}


class AnswersFile(_Given):
    """Answers to the self-assessment (pathplanner assess --answers): a skill's answer is a
    level 0-3 or {level, evidence}; years per role family; pace, budget, languages."""

    name: Text | None = None
    to: Text | None = None
    skills: dict[str, Annotated[SkillAnswer, BeforeValidator(_answer)]] = Field(
        default_factory=dict
    )
    experience: dict[Id, YearsOfPractice] = Field(default_factory=dict)
    hours_per_week: HoursPerWeek | None = None
    budget_usd: BudgetUsd | None = None
    languages: list[CodeLanguage] = Field(default_factory=list)
