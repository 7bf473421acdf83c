"""The one exception tree of pathplanner: every error a user can cause is a PathPlannerError."""

from __future__ import annotations

from dataclasses import dataclass


class PathPlannerError(Exception):
    """Raised when pathplanner cannot do what was asked; the message is for the user."""


@dataclass(frozen=True, order=True)
class Problem:
    """One finding about a graph: where it is and what is wrong."""

    file: str
    entry: str
    field: str
    message: str
    severity: str = "error"  # "error" or "note"

    def __str__(self) -> str:
        where = self.file
        if self.entry:
            where += f": {self.entry}"
        if self.field:
            where += f": {self.field}"
        return f"{where}: {self.message}"


class GraphError(PathPlannerError):
    """Raised when a knowledge graph directory fails validation; holds every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        errors = [p for p in problems if p.severity == "error"]
        shown = "\n".join(str(p) for p in errors)
        super().__init__(f"the knowledge graph has {len(errors)} problem(s):\n{shown}")


class UnknownNameError(PathPlannerError):
    """Raised when a role, skill or resource name matches nothing; suggests the nearest ids."""

    def __init__(self, kind: str, name: str, suggestions: list[str]) -> None:
        self.kind = kind
        self.name = name
        self.suggestions = suggestions
        msg = f"unknown {kind} '{name}'"
        if suggestions:
            msg += " — did you mean " + " or ".join(f"'{s}'" for s in suggestions) + "?"
        super().__init__(msg)


class ProfileError(PathPlannerError):
    """Raised when a profile file or a --have option is malformed."""


class PlanningError(PathPlannerError):
    """Raised when the planning options contradict each other or cannot be honoured."""


class InfeasibleError(PlanningError):
    """Raised when no plan meets the goal under the given constraints; says which and why."""


class RenderError(PathPlannerError):
    """Raised when a template fails: missing variable, syntax error or sandbox violation."""


class OutputError(PathPlannerError):
    """Raised when an output file cannot be written, or exists and --force was not given."""


class InputError(PathPlannerError):
    """Raised when an input file cannot be read, is too large, is not UTF-8 text, or is not
    well-formed YAML or CSV; the message names the file and, where it can, the line."""

    def __init__(self, path: str, detail: str) -> None:
        self.path = path
        self.detail = detail
        super().__init__(f"{path}: {detail}")
