"""The one exception tree of pathplanner: every error a user can cause is a PathPlannerError."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


class PathPlannerError(Exception):
    """Raised when pathplanner cannot do what was asked; the message is for the user.

    `setting` names the keyword argument the message is about ('include', 'force'), so that
    a client can name it its own way: `cite("--include")` is the message as the command line
    shows it, `str(err)` as the library does (`cite(setting)`). The text (`message`) never
    names a command-line option. With `remedy` the setting is what fixes the problem
    ('x: already exists (use force to overwrite)'); without, the value given for it is what
    is wrong ('include: ...').
    """

    def __init__(
        self, message: str = "", *, setting: str | None = None, remedy: str | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.setting = setting
        self.remedy = remedy

    def cite(self, name: str | None = None) -> str:
        """Return the message, naming the setting `name` (default: the setting's own name)."""
        name = name or self.setting
        if not name:
            return self.message
        if self.remedy is not None:
            return f"{self.message} (use {name} {self.remedy})"
        return f"{name}: {self.message}"

    def __str__(self) -> str:
        return self.cite()


@dataclass(frozen=True, order=True)
class Problem:
    """One finding about an input (a graph, profile or cohort file, a value given): where it is
    and what is wrong. It reads `file: line N: entry: field: message`, empty parts left out."""

    file: str
    entry: str
    field: str
    message: str
    severity: str = "error"  # "error" or "note"
    line: int = 0  # 0 when unknown

    def located(self) -> str:
        """Return the problem without its file: `line N: entry: field: message`."""
        parts = (f"line {self.line}" if self.line else "", self.entry, self.field)
        return ": ".join([*(p for p in parts if p), self.message])

    def __str__(self) -> str:
        return f"{self.file}: {self.located()}"


class GraphError(PathPlannerError):
    """Raised when a knowledge graph directory fails validation; holds every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        errors = [p for p in problems if p.severity == "error"]
        shown = "\n".join(str(p) for p in errors)
        super().__init__(f"the knowledge graph has {len(errors)} problem(s):\n{shown}")


class UnknownNameError(PathPlannerError):
    """Raised when a name (role, skill, resource, kind, ...) matches nothing; suggests the
    nearest, or lists the choices when they are few and none is near."""

    def __init__(
        self,
        kind: str,
        name: str,
        suggestions: list[str],
        *,
        setting: str | None = None,
        choices: list[str] | None = None,
    ) -> None:
        self.kind = kind
        self.name = name
        self.suggestions = suggestions
        shown = name if len(name) <= 60 else name[:57] + "..."  # a message quotes, not copies
        msg = f"unknown {kind} '{shown}'"
        if suggestions:
            msg += " — did you mean " + " or ".join(f"'{s}'" for s in suggestions) + "?"
        elif choices:
            msg += f" (one of: {', '.join(choices)})"
        super().__init__(msg, setting=setting)


class ProfileError(PathPlannerError):
    """Raised when a profile, a cohort file or given skill levels are malformed or name
    something unknown; `problems` holds every problem found (empty for a plain message)."""

    def __init__(
        self,
        found: str | Sequence[Problem],
        *,
        setting: str | None = None,
        remedy: str | None = None,
    ) -> None:
        self.problems: tuple[Problem, ...] = () if isinstance(found, str) else tuple(found)
        if isinstance(found, str):
            message = found
        elif len(self.problems) == 1:
            message = str(self.problems[0])
        else:
            message = f"{len(self.problems)} problems:\n" + "\n".join(map(str, self.problems))
        super().__init__(message, setting=setting, remedy=remedy)


class PlanningError(PathPlannerError):
    """Raised when the planning options contradict each other or cannot be honoured."""


class InfeasibleError(PlanningError):
    """Raised when no plan meets the goal under the given constraints; says which and why."""


class RenderError(PathPlannerError):
    """Raised when a template fails: missing variable, syntax error or sandbox violation."""


class OutputError(PathPlannerError):
    """Raised when an output file cannot be written, or exists and overwriting was not asked for."""


class InputError(PathPlannerError):
    """Raised when an input file cannot be read, is too large, is not UTF-8 text, or is not
    well-formed YAML or CSV; the message names the file and, where it can, the line."""

    def __init__(self, path: str, detail: str) -> None:
        self.path = path
        super().__init__(f"{path}: {detail}")
        self.detail = detail


class ExtractionError(PathPlannerError):
    """Raised when a text (a CV, a job posting) yields nothing usable: no skill the graph
    knows; the message names the file and, where it can, the roles it is nearest to."""


class AssessmentError(PathPlannerError):
    """Raised when answers to the self-assessment are malformed: an unknown skill or role
    family, a level out of range, a value of the wrong kind; `problems` holds each finding."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        if len(self.problems) == 1:
            message = str(self.problems[0])
        else:
            message = f"{len(self.problems)} problems:\n" + "\n".join(map(str, self.problems))
        super().__init__(message)


class EngineError(PathPlannerError):
    """Raised when a batch engine cannot run: its optional package is not installed, or its
    cluster cannot be reached."""
