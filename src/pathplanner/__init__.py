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

__all__ = [
    "Catalog",
    "GraphError",
    "PathPlannerError",
    "Plan",
    "Profile",
    "__version__",
    "compute_gap",
    "export_graph",
    "load_catalog",
    "plan",
    "validate_dirs",
]

if TYPE_CHECKING:
    from .catalog import Catalog
    from .errors import GraphError, PathPlannerError
    from .export import export_graph
    from .gap import compute_gap
    from .load import load_catalog, validate_dirs
    from .planner import Plan, plan
    from .profile import Profile

# Lazy re-exports keep `import pathplanner` (and so every CLI call) fast.
_LAZY = {
    "Catalog": "catalog",
    "GraphError": "errors",
    "PathPlannerError": "errors",
    "Plan": "planner",
    "plan": "planner",
    "Profile": "profile",
    "export_graph": "export",
    "compute_gap": "gap",
    "load_catalog": "load",
    "validate_dirs": "load",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'pathplanner' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(f".{module}", __name__), name)
