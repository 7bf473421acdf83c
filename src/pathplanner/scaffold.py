"""Authoring your own modules: a commented resource entry, appended to the right graph file.

`new_resource` writes an entry whose every field is explained, with FILL-IN placeholders
that `validate` refuses until they are replaced (`PLACEHOLDER`). It is appended to the
graph directory's resources file atomically (the file is replaced by the old text plus the
entry, all at once), or written as a new file; a file that is not a resources file is only
replaced with `force`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import OutputError, PathPlannerError, UnknownNameError

__all__ = ["PLACEHOLDER", "NewEntry", "new_resource", "resource_entry"]

PLACEHOLDER = "FILL-IN"
_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")

# Every field of a resource (models.Resource), explained; {id} and {kind} are filled in.
_ENTRY = """\
  # ---- {id}: a new resource. Replace every FILL-IN, then validate this directory ({graph}).
  - id: {id}  # what you type to name it; lower-case words joined by '-'; never change it once used
    kind: {kind}  # {kinds}
    title: "FILL-IN: the title learners see"
    provider: "FILL-IN: who runs it, e.g. your bootcamp's name"
    # author: "Jane Doe"  # optional: instructor(s) or author(s)
    # url: https://example.org/your-page  # optional: a stable http(s) page (the LMS course links it)
    hours: FILL-IN  # study effort in hours, a number (0 or more), e.g. 6
    hours_source: "FILL-IN: where the hours come from, e.g. our timetable, or estimate: <rule>"
    cost_usd: 0  # what a learner pays, in USD; 0 = free
    # cost_source: "our price list, 2027"  # required when cost_usd is more than 0
    level: beginner  # beginner | intermediate | advanced
    format: mixed  # video | text | interactive | project | exam | mixed | book
    # language: en  # optional: the human language it is taught in (default en)
    # languages: [python]  # optional: the programming languages its exercises use; [none] = no code
    # status: retired  # optional: only when it is no longer offered (default active) ...
    # retired_on: 2027-06-30  # ... with the date it stopped
    # exam_code: ABC-101  # certification only: the provider's real exam code
    # validity_years: 3  # certification only: how long it stays valid
    # Skills are ids from `pathplanner skills`; levels are 1 foundation, 2 working, 3 advanced.
    # requires: what a learner must know BEFORE it, and only that, e.g. {{python: 1}}.
    # Each level it teaches brings that level's own prerequisites (`pathplanner show SKILL`):
    # teach only what it really teaches; if validate finds a cycle, it says what to change.
    requires: {{}}
    teaches:  # what a learner knows after it, one skill: level per line
      FILL-IN: 1
    # notes: "free text for your colleagues"
    # preferred: true  # optional: one of our own modules; a cohort curriculum prefers it
    # position: last  # optional: first (an orientation) or last (a capstone) in every plan
    # after: [other-id]  # optional: resources it comes after when a plan has them
"""


@dataclass(frozen=True)
class NewEntry:
    """What `new_resource` did: the file, the line the entry starts on, appended or created."""

    path: Path
    line: int
    appended: bool


def resource_entry(rid: str, kind: str = "course", graph: str = "DIR") -> str:
    """Return a commented resource entry (a list item of `resources:`) with placeholders."""
    from .models import RESOURCE_KINDS

    return _ENTRY.format(id=rid, kind=kind, kinds=" | ".join(RESOURCE_KINDS), graph=graph)


def _read_resources(path: Path) -> tuple[str, Any] | None:
    """Return a graph file's text and its `resources:` value; None when it is not one."""
    from ._input import MAX_GRAPH_FILE_BYTES, load_yaml, read_text

    text = read_text(path, MAX_GRAPH_FILE_BYTES)
    try:
        data = load_yaml(text, str(path))
    except PathPlannerError:
        return None
    if not isinstance(data, dict) or list(data) != ["resources"]:
        return None
    return text, data["resources"]


def _indent(text: str) -> str | None:
    """Return the indentation of a resources file's block list items ('' or spaces), or None
    when the list is not a block list one can append an item to (`resources: [...]`)."""
    if re.search(r"(?m)^resources:[ \t]*[\[{]", text):
        return None
    found = re.search(r"(?m)^resources:[ \t]*(?:#.*)?\n(?:[ \t]*(?:#.*)?\n)*([ \t]*)- ", text)
    return found.group(1) if found else "  "


def _ids_in(graph_dir: Path) -> dict[str, Path]:
    """Return the resource ids of a graph directory and their files (unreadable files skipped:
    `validate` reports them)."""
    from ._input import MAX_GRAPH_FILE_BYTES, load_yaml, read_text, walk_files

    found: dict[str, Path] = {}
    for path in walk_files(graph_dir, (".yaml", ".yml")):
        try:
            data = load_yaml(read_text(path, MAX_GRAPH_FILE_BYTES), str(path))
        except PathPlannerError:
            continue
        if isinstance(data, dict) and isinstance(data.get("resources"), list):
            for item in data["resources"]:
                if isinstance(item, dict) and isinstance(item.get("id"), str):
                    found.setdefault(item["id"], path)
    return found


def _target(graph_dir: Path, file: str | None) -> Path:
    """Return the file to write: the one given, else the directory's only resources file,
    else a new resources.yaml."""
    from ._input import walk_files

    if file is not None:
        path = graph_dir / file
        if not path.resolve().is_relative_to(graph_dir.resolve()) or path.suffix.lower() not in (
            ".yaml",
            ".yml",
        ):
            raise PathPlannerError(
                f"{file!r} is not a .yaml file inside {graph_dir}", setting="file"
            )
        return path
    files = [p for p in walk_files(graph_dir, (".yaml", ".yml")) if _read_resources(p) is not None]
    if len(files) > 1:
        shown = ", ".join(str(p.relative_to(graph_dir)) for p in files)
        raise PathPlannerError(
            f"{graph_dir} has several resources files ({shown}): say which one", setting="file"
        )
    return files[0] if files else graph_dir / "resources.yaml"


def new_resource(
    graph_dir: str | Path,
    rid: str,
    kind: str = "course",
    *,
    file: str | None = None,
    force: bool = False,
    builtin_ids: dict[str, str] | None = None,
) -> NewEntry:
    """Add a commented resource entry to a graph directory; return where it went.

    It is appended to `file` (relative to the directory), or to the directory's only
    resources file, or written as a new resources.yaml. An existing file that is not a
    resources file is replaced only with `force`. `builtin_ids` (id -> title) are refused as
    ids too: an entry with a built-in id would silently replace that resource.
    """
    from ._io import write_atomic
    from ._names import nearest
    from .models import RESOURCE_KINDS

    root = Path(graph_dir)
    if not root.is_dir():
        raise PathPlannerError(f"{root}: graph directory not found", setting="graph")
    if not _ID.match(rid):
        raise PathPlannerError(
            f"{rid!r} is not an id: use lower-case letters and digits in words joined by '-', "
            "e.g. dab-business-stats",
            setting="rid",
        )
    if kind not in RESOURCE_KINDS:
        raise UnknownNameError(
            "kind",
            kind,
            nearest(kind, RESOURCE_KINDS),
            setting="kind",
            choices=list(RESOURCE_KINDS),
        )
    mine = _ids_in(root)
    if rid in mine:
        raise PathPlannerError(f"{mine[rid]} already has a resource '{rid}': choose another id")
    if builtin_ids and rid in builtin_ids:
        raise PathPlannerError(
            f"'{rid}' is the built-in resource '{builtin_ids[rid]}'; an entry with its id would "
            "replace it: choose another id"
        )
    target = _target(root, file)
    entry = resource_entry(rid, kind, str(root))
    if target.exists() and not target.is_dir():
        found = _read_resources(target)
        if found is not None:
            old, items = found
            count = len(items) if isinstance(items, list) else 0
            indent = _indent(old) if isinstance(items, list) or items is None else None
            if indent is None:
                raise OutputError(
                    f"{target}: cannot append an entry to its resources list (write it as a "
                    "block list, one '- id:' item per entry); give another file"
                )
            text = old + ("" if old.endswith("\n") or not old else "\n")
            text += "\n" if text.strip() != "resources:" else ""
            line = text.count("\n") + 1
            new = text + "".join(
                indent + ln[2:] if ln.strip() else ln for ln in entry.splitlines(keepends=True)
            )
            if _count(new, target) != count + 1:  # pragma: no cover - a guard, not a path
                raise OutputError(f"{target}: cannot append an entry to it; give another file")
            write_atomic(target, new, force=True)
            return NewEntry(target, line, appended=True)
        if not force:
            raise OutputError(
                f"{target}: is not a resources file (one top-level key, resources:, a list)",
                setting="force",
                remedy="to replace it with a new resources file",
            )
    write_atomic(target, "resources:\n" + entry, force=force)
    return NewEntry(target, 2, appended=False)


def _count(text: str, path: Path) -> int | None:
    """Return the number of entries the text of a resources file holds."""
    from ._input import load_yaml

    try:
        data = load_yaml(text, str(path))
    except PathPlannerError:
        return None
    if isinstance(data, dict) and isinstance(data.get("resources"), list):
        return len(data["resources"])
    return None
