"""The data model of the knowledge graph: frozen pydantic models, one per entry kind."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from ._input import LIMITS

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
]
RESOURCE_KINDS: tuple[str, ...] = ResourceKind.__args__  # type: ignore[attr-defined]


class _Frozen(BaseModel):
    # allow_inf_nan=False: NaN and infinities are refused in every number of the graph.
    model_config = ConfigDict(
        frozen=True, extra="forbid", str_strip_whitespace=True, allow_inf_nan=False
    )


class SkillLevel(_Frozen):
    """What one level of a skill means and what it needs first."""

    means: str = Field(min_length=1)
    requires: LevelMap = Field(default_factory=dict)


class Skill(_Frozen):
    """A skill, tool, body of knowledge or held credential, at levels 1-3."""

    id: Id
    name: str = Field(min_length=1)
    category: Category
    aliases: list[str] = Field(default_factory=list)
    description: str = ""
    levels: dict[Level, SkillLevel]
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
    status: Literal["active", "retired"] = "active"
    retired_on: dt.date | None = None
    requires: LevelMap = Field(default_factory=dict)
    teaches: LevelMap = Field(min_length=1)
    exam_code: str | None = None
    validity_years: float | None = Field(default=None, gt=0, le=100)
    notes: str | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Resource:
        if self.status == "retired" and self.retired_on is None:
            raise ValueError("a retired resource needs retired_on (the date it was retired)")
        if self.status == "active" and self.retired_on is not None:
            raise ValueError("retired_on is set but status is not 'retired'")
        if self.cost_usd > 0 and not self.cost_source:
            raise ValueError("cost_usd > 0 needs cost_source (where the price comes from)")
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

    essential: LevelMap = Field(min_length=1)
    optional: LevelMap = Field(default_factory=dict)


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
    next: list[Id] = Field(default_factory=list)
    esco_uri: str | None = None

    def goal(self, include_optional: bool = False) -> dict[str, int]:
        """Return the skill levels that meet this role."""
        goal = dict(self.requires.essential)
        if include_optional:
            for skill, level in self.requires.optional.items():
                goal[skill] = max(goal.get(skill, 0), level)
        return goal
