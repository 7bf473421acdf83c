"""Where the built-in data lives: one function per data directory, nothing else looks."""

from __future__ import annotations

import os
from pathlib import Path

_PKG = Path(__file__).resolve().parent


def _data_dir(name: str) -> Path:
    installed = _PKG / "data" / name
    if installed.is_dir():
        return installed
    # a source checkout or an editable install: the directory sits at the repository's top
    checkout = _PKG.parent.parent / name
    if checkout.is_dir():
        return checkout
    return installed


def default_graph_dir() -> Path:
    """Return the built-in knowledge graph directory."""
    return _data_dir("graph")


def default_templates_dir() -> Path:
    """Return the built-in Jinja templates directory."""
    return _data_dir("templates")


def cache_dir() -> Path | None:
    """Return the directory for the validated-graph cache, or None when caching is off."""
    if os.environ.get("PATHPLANNER_NO_CACHE"):
        return None
    explicit = os.environ.get("PATHPLANNER_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "pathplanner"


def data_dir() -> Path:
    """Return the user's data directory for pathplanner (the planner page's database).

    PATHPLANNER_DATA_DIR wins; otherwise the platform's rule: %APPDATA% on Windows,
    ~/Library/Application Support on macOS, $XDG_DATA_HOME or ~/.local/share elsewhere.
    """
    import sys

    explicit = os.environ.get("PATHPLANNER_DATA_DIR")
    if explicit:
        return Path(explicit)
    if sys.platform == "win32":
        base = os.environ.get("APPDATA") or str(Path.home() / "AppData" / "Roaming")
    elif sys.platform == "darwin":
        base = str(Path.home() / "Library" / "Application Support")
    else:
        base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "pathplanner"
