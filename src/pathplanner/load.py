"""Load graph directories (YAML) into a validated Catalog; report every problem at once."""

from __future__ import annotations

import contextlib
import gc
import hashlib
import pickle
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

import pydantic
import pydantic_core

from . import __version__
from ._input import (
    MAX_GRAPH_FILE_BYTES,
    decode,
    load_graph_text,
    load_yaml_lines,
    read_bytes,
    validation_problems,
    walk_files,
)
from ._paths import cache_dir, default_graph_dir
from .catalog import Catalog
from .errors import GraphError, InputError, Problem
from .models import Resource, Role, Skill
from .scaffold import PLACEHOLDER
from .validate import check_catalog

__all__ = ["GraphCheck", "check_graph", "graph_dirs", "load_catalog", "validate_dirs"]

_KINDS: dict[str, tuple[str, type[Skill] | type[Resource] | type[Role]]] = {
    "skills": ("skill", Skill),
    "resources": ("resource", Resource),
    "roles": ("role", Role),
}


def graph_dirs(extra: Sequence[str | Path] = (), builtin: bool = True) -> list[Path]:
    """Return the graph directories to load: the built-in one, then the user's, in order."""
    dirs = [default_graph_dir()] if builtin else []
    dirs.extend(Path(d) for d in extra)
    return dirs


def _yaml_files(root: Path) -> list[Path]:
    """Return the YAML files under root (.yaml or .yml in any case); raise on an unreadable dir."""
    return walk_files(root, (".yaml", ".yml"))


def _display(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _read_file(raw: bytes, shown: str) -> tuple[list[tuple[str, Any]], list[Problem]]:
    """Return the (kind, model) entries of one YAML file's bytes and its problems."""
    from pydantic import ValidationError

    problems: list[Problem] = []
    try:
        data = load_graph_text(decode(raw, shown), shown)
    except InputError as err:
        return [], [Problem(shown, "", "", err.detail)]
    if data is None:
        return [], []
    if not isinstance(data, dict) or len(data) != 1 or next(iter(data)) not in _KINDS:
        keys = ", ".join(map(str, data)) if isinstance(data, dict) else type(data).__name__
        return [], [
            Problem(
                shown,
                "",
                "",
                f"expected one top-level key, skills:, resources: or roles: (found {keys})",
            )
        ]
    key = next(iter(data))
    kind, model = _KINDS[key]
    items = data[key]
    if not isinstance(items, list):
        return [], [Problem(shown, "", key, "must be a list of entries")]
    out: list[tuple[str, Any]] = []
    scaffolded = PLACEHOLDER.encode() in raw  # an entry from `new resource`, not yet filled in
    for pos, item in enumerate(items, start=1):
        label = f"entry #{pos}"
        if isinstance(item, dict) and isinstance(item.get("id"), str):
            label = item["id"]
        if not isinstance(item, dict):
            problems.append(Problem(shown, label, "", "must be a mapping of fields"))
            continue
        unfilled = _placeholders(item) if scaffolded else []
        if unfilled:
            problems.extend(
                Problem(shown, label, fld, f"replace the placeholder {PLACEHOLDER}")
                for fld in unfilled
            )
            continue
        try:
            out.append((kind, model.model_validate(item)))
        except ValidationError as err:
            problems.extend(validation_problems(err, shown, label, model=model))
    return out, problems


def _placeholders(value: Any, path: str = "") -> list[str]:
    """Return the fields of an entry that still hold the FILL-IN placeholder (keys too)."""
    if isinstance(value, str):
        return [path] if PLACEHOLDER in value else []
    found: list[str] = []
    if isinstance(value, dict):
        for key, sub in value.items():
            where = f"{path}.{key}" if path else str(key)
            if PLACEHOLDER in str(key):
                found.append(where)
            else:
                found.extend(_placeholders(sub, where))
    elif isinstance(value, list):
        for i, sub in enumerate(value):
            found.extend(_placeholders(sub, f"{path}.{i}" if path else str(i)))
    return found


def _code_digest() -> bytes:
    """Return a digest of the package's own code: a cached catalog is only as good as it."""
    digest = hashlib.sha256()
    for path in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.digest()


def _fingerprint(dirs: Sequence[Path]) -> tuple[str, list[tuple[Path, str, bytes]]]:
    """Return a key of every file's content and the files; raise GraphError if one is unreadable."""
    digest = hashlib.sha256(f"pathplanner {__version__}\n".encode())
    digest.update(_code_digest())
    # the cache is a pickle of pydantic models: another Python or pydantic must not read it
    digest.update(f"{sys.version}\n{pydantic.VERSION} {pydantic_core.__version__}\n".encode())
    files: list[tuple[Path, str, bytes]] = []
    problems: list[Problem] = []
    for root in dirs:
        digest.update(f"dir {root.resolve()}\n".encode())
        try:
            paths = _yaml_files(root)
        except InputError as err:
            problems.append(Problem(_display(Path(err.path)), "", "", err.detail))
            continue
        for path in paths:
            try:
                data = read_bytes(path, MAX_GRAPH_FILE_BYTES)
            except InputError as err:
                problems.append(Problem(_display(path), "", "", err.detail))
                continue
            digest.update(f"{path.relative_to(root)} {len(data)}\n".encode())
            digest.update(data)
            files.append((root, _display(path), data))
    if problems:
        raise GraphError(problems)
    return digest.hexdigest()[:32], files


def validate_dirs(dirs: Sequence[Path]) -> tuple[Catalog | None, list[Problem]]:
    """Load and check graph directories; return the catalog (None if broken) and all problems."""
    problems: list[Problem] = []
    for root in dirs:
        if not root.is_dir():
            problems.append(Problem(_display(root), "", "", "graph directory not found"))
    if problems:
        return None, problems
    try:
        _, files = _fingerprint(dirs)
    except GraphError as err:
        return None, err.problems
    return _build(dirs, files)


def _by_place(p: Problem) -> tuple[str, int, Problem]:
    return (p.file, p.line, p)


@dataclass(frozen=True)
class GraphCheck:
    """What checking graph directories found: the catalogue (None if broken) and problems."""

    dirs: list[Path]
    catalog: Catalog | None
    problems: list[Problem]

    @property
    def errors(self) -> list[Problem]:
        """Return the problems that break the graph, sorted by file and line."""
        return sorted((p for p in self.problems if p.severity == "error"), key=_by_place)

    @property
    def notes(self) -> list[Problem]:
        """Return the findings that do not break it (overrides), sorted by file and line."""
        return sorted((p for p in self.problems if p.severity == "note"), key=_by_place)

    @property
    def ok(self) -> bool:
        """Return whether the graph loads without an error."""
        return self.catalog is not None and not self.errors

    def shown_notes(self, verbose: bool = False) -> list[Problem]:
        """Return the notes to show: when a user's directory is checked, those about the
        built-in graph's own files only if `verbose`."""
        builtin = default_graph_dir().resolve()
        if verbose or all(d.resolve() == builtin for d in self.dirs):
            return self.notes
        return [p for p in self.notes if not _inside(p.file, builtin)]

    def to_dict(self) -> dict[str, Any]:
        """Return the check as JSON-ready data."""
        return {
            "dirs": [str(d) for d in self.dirs],
            "ok": self.ok,
            "problems": [asdict(p) for p in sorted(self.problems)],
        }


def check_graph(extra: Sequence[str | Path] = (), builtin: bool = True) -> GraphCheck:
    """Check the built-in graph (unless not `builtin`) and `extra` directories, all at once."""
    dirs = graph_dirs(extra, builtin)
    catalog, problems = validate_dirs(dirs)
    return GraphCheck(dirs, catalog, problems)


def _inside(shown: str, root: Path) -> bool:
    """Return whether a file (as shown in a problem) lies under root."""
    return Path(shown).resolve().is_relative_to(root)


def _entry_positions(data: Any) -> tuple[str, dict[str, list[int]]] | None:
    """Return a graph file's top-level key and where each entry (by id or label) is."""
    if not isinstance(data, dict) or len(data) != 1:
        return None
    key, items = next(iter(data.items()))
    if not isinstance(items, list):
        return None
    where: dict[str, list[int]] = {}
    for pos, item in enumerate(items):
        where.setdefault(f"entry #{pos + 1}", []).append(pos)
        if isinstance(item, dict) and isinstance(item.get("id"), str):
            where.setdefault(item["id"].strip(), []).append(pos)
    return str(key), where


def _locate(problems: list[Problem], files: list[tuple[Path, str, bytes]]) -> list[Problem]:
    """Return the problems with the line of the entry and field each names, where known.

    Only the files with problems are parsed again, with positions: a clean graph pays
    nothing for this.
    """
    raw_of = {shown: raw for _, shown, raw in files}
    found: dict[str, tuple[str, dict[str, list[int]], Any]] = {}
    for shown in sorted({p.file for p in problems if not p.line and p.file in raw_of}):
        try:
            data, lines = load_yaml_lines(decode(raw_of[shown], shown), shown)
        except InputError:
            continue
        entries = _entry_positions(data)
        if entries is not None:
            found[shown] = (entries[0], entries[1], lines)
    out = []
    for p in problems:
        if p.line or p.file not in found or not p.entry:
            out.append(p)
            continue
        key, where, lines = found[p.file]
        spots = where.get(p.entry)
        if not spots:
            out.append(p)
            continue
        pos = spots[-1] if p.message.startswith("duplicate") else spots[0]
        field = [] if p.field in ("", "(entry)") else p.field.split(".")
        out.append(replace(p, line=lines.line([key, pos, *field])))
    return out


def _build(
    dirs: Sequence[Path], files: list[tuple[Path, str, bytes]]
) -> tuple[Catalog | None, list[Problem]]:
    catalog, problems = _check_files(dirs, files)
    problems = _locate(problems, files)
    if catalog is None or any(p.severity == "error" for p in problems):
        return None, problems
    return catalog, problems


def _check_files(
    dirs: Sequence[Path], files: list[tuple[Path, str, bytes]]
) -> tuple[Catalog | None, list[Problem]]:
    builtin = default_graph_dir().resolve()
    authored: set[tuple[str, str]] = set()
    problems: list[Problem] = []
    merged: dict[str, dict[str, Any]] = {"skill": {}, "resource": {}, "role": {}}
    origin: dict[tuple[str, str], str] = {}
    for root in dirs:
        seen_here: dict[tuple[str, str], str] = {}
        for file_root, shown, raw in files:
            if file_root != root:
                continue
            entries, found = _read_file(raw, shown)
            problems.extend(found)
            for kind, entry in entries:
                key = (kind, entry.id)
                if key in seen_here:
                    problems.append(
                        Problem(
                            shown,
                            entry.id,
                            "id",
                            f"duplicate {kind} id (also in {seen_here[key]})",
                        )
                    )
                    continue
                seen_here[key] = shown
                if key in origin:
                    problems.append(
                        Problem(
                            shown,
                            entry.id,
                            "",
                            f"overrides the {kind} from {origin[key]}",
                            severity="note",
                        )
                    )
                origin[key] = shown
                merged[kind][entry.id] = entry
                if root.resolve() != builtin:
                    authored.add(key)
    catalog = Catalog(
        skills=merged["skill"],
        resources=merged["resource"],
        roles=merged["role"],
        origin=origin,
    )
    if any(p.severity == "error" for p in problems):
        return None, problems
    problems.extend(check_catalog(catalog, authored))
    return catalog, problems


def load_catalog(extra: Sequence[str | Path] = (), builtin: bool = True) -> Catalog:
    """Return the validated catalog of the built-in graph plus extra directories.

    The validated catalog is cached, keyed by the contents of every file, so an edit to any
    file rebuilds it. Raise GraphError with every problem when the graph is broken.
    """
    dirs = graph_dirs(extra, builtin)
    missing = [
        Problem(_display(d), "", "", "graph directory not found") for d in dirs if not d.is_dir()
    ]
    if missing:
        raise GraphError(missing)
    cache = cache_dir()
    quick = _stat_key(dirs) if cache else None
    if cache is not None and quick is not None:
        # the files' sizes and times are those of a load that read their contents: trust it
        known = _read_key(cache / f"files-{quick[0]}.key")
        catalog = _read_cache(cache / f"catalog-{known}.pickle") if known else None
        if catalog is not None:
            return catalog
    key, files = _fingerprint(dirs)
    cached = cache / f"catalog-{key}.pickle" if cache else None
    catalog = _read_cache(cached) if cached is not None else None
    if catalog is None:
        with _no_gc():
            catalog, problems = _build(dirs, files)
        if catalog is None:
            raise GraphError(sorted(problems))
        if cached is not None:
            _write_cache(cached, catalog)
    if cache is not None and quick is not None and quick[1]:
        _write_key(cache / f"files-{quick[0]}.key", key)
    return catalog


# A file changed less than this long ago may change again within the file system's time
# resolution, unseen: its stat is not trusted for the quick key until it has settled.
_SETTLE_SECONDS = 2.0


def _stat_key(dirs: Sequence[Path]) -> tuple[str, bool] | None:
    """Return a key of every graph file's path, size, times and inode, and whether all of
    them settled; None when a directory or file cannot be listed (the full check says why).

    Reading and hashing 30 MB of ESCO files costs 40 ms of a 0.5 s warm load; a stat, 1 ms.
    """
    digest = hashlib.sha256(f"pathplanner {__version__} stat\n".encode())
    digest.update(_code_digest())
    digest.update(f"{sys.version}\n{pydantic.VERSION} {pydantic_core.__version__}\n".encode())
    settled = True
    now = time.time()
    try:
        for root in dirs:
            digest.update(f"dir {root.resolve()}\n".encode())
            for path in _yaml_files(root):
                st = path.stat()
                digest.update(
                    f"{path.relative_to(root)} {st.st_size} {st.st_mtime_ns} {st.st_ctime_ns} "
                    f"{st.st_ino} {st.st_dev}\n".encode()
                )
                if now - max(st.st_mtime, st.st_ctime) < _SETTLE_SECONDS:
                    settled = False
    except (InputError, OSError):
        return None
    return digest.hexdigest()[:32], settled


def _read_key(path: Path) -> str | None:
    """Return the content key a quick key points to, or None."""
    try:
        text = path.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        return None
    return text if len(text) == 32 and all(c in "0123456789abcdef" for c in text) else None


def _write_key(path: Path, key: str) -> None:
    """Point a quick key at a content key; like the cache, never fail the load."""
    from ._io import open_atomic

    with contextlib.suppress(Exception), open_atomic(path, force=True) as fh:
        fh.write(key.encode("ascii") + b"\n")


def _read_cache(path: Path) -> Catalog | None:
    """Return the catalogue cached at path, or None (absent, stale or torn: rebuilt)."""
    if not path.is_file():
        return None
    try:
        with path.open("rb") as fh, _no_gc():
            catalog = pickle.load(fh)  # our own cache file
    except Exception:
        return None
    return catalog if isinstance(catalog, Catalog) else None


@contextlib.contextmanager
def _no_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector: building tens of thousands of objects runs twice
    as fast without its passes, and these objects are all kept anyway.

    On the way out they are frozen (`gc.freeze`): the collector never walks them again. Its
    first pass over a million new objects took longer than reading them (0.14 s on ESCO),
    and worker processes forked later share the catalogue's memory instead of copying it.
    """
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was:
            gc.enable()


def _write_cache(path: Path, catalog: Catalog) -> None:
    """Store the validated catalog; caching is an optimisation, so any failure is ignored.

    A read-only or full cache directory, or a cache path that is not a directory, must never
    fail planning; the atomic writer removes its temporary file whatever happens.
    """
    from ._io import open_atomic

    try:
        with open_atomic(path, force=True) as fh:
            pickle.dump(catalog, fh, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:
        pass
