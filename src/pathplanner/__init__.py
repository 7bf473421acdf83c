"""pathplanner: the cheapest proven study plan from the skills you have to the role you want.

Example:
    >>> import pathplanner
    >>> catalog = pathplanner.load_catalog()
    >>> plan = pathplanner.plan(catalog, target="ml-engineer", from_role="data-scientist")
    >>> plan.status, plan.total_hours  # doctest: +SKIP
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# Lazy re-exports keep `import pathplanner` (and so every CLI call) fast: name -> module.
_LAZY = {
    "Catalog": "catalog",
    "GraphError": "errors",
    "InfeasibleError": "errors",
    "InputError": "errors",
    "OutputError": "errors",
    "PathPlannerError": "errors",
    "PlanningError": "errors",
    "ProfileError": "errors",
    "RenderError": "errors",
    "UnknownNameError": "errors",
    "Plan": "planner",
    "plan": "planner",
    "Profile": "profile",
    "build_profile": "profile",
    "export_graph": "export",
    "compute_gap": "gap",
    "load_catalog": "load",
    "validate_dirs": "load",
    "compare": "analysis",
    "suggest": "analysis",
    "render_plan": "render",
    "read_progress": "progress",
    "resume": "progress",
    "plan_many": "batch",
    "build_curriculum": "curriculum",
    "import_esco": "esco",
}

__all__ = [
    "Catalog",
    "GraphError",
    "InfeasibleError",
    "InputError",
    "OutputError",
    "PathPlannerError",
    "Plan",
    "PlanningError",
    "Profile",
    "ProfileError",
    "RenderError",
    "UnknownNameError",
    "__version__",
    "build_curriculum",
    "build_profile",
    "compare",
    "compute_gap",
    "export_graph",
    "import_esco",
    "load_catalog",
    "plan",
    "plan_many",
    "read_progress",
    "render_plan",
    "resume",
    "suggest",
    "validate_dirs",
]

if TYPE_CHECKING:
    from .analysis import compare, suggest
    from .batch import plan_many
    from .catalog import Catalog
    from .curriculum import build_curriculum
    from .errors import (
        GraphError,
        InfeasibleError,
        InputError,
        OutputError,
        PathPlannerError,
        PlanningError,
        ProfileError,
        RenderError,
        UnknownNameError,
    )
    from .esco import import_esco
    from .export import export_graph
    from .gap import compute_gap
    from .load import load_catalog, validate_dirs
    from .planner import Plan, plan
    from .profile import Profile, build_profile
    from .progress import read_progress, resume
    from .render import render_plan


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'pathplanner' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(f".{module}", __name__), name)
