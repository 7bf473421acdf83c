"""Reading what users give us: text files, YAML and numbers, each checked in one place.

Every input file goes through `read_text` (or `text_lines` for big CSV files read as a stream):
a size cap, UTF-8 decoding (a byte-order mark is dropped) and one message shape for every
failure, `file: line N: ...`. Every YAML input goes through `load_yaml`: duplicate keys and
aliases are refused (an alias bomb is a few lines that expand to gigabytes), and syntax errors
name the line and column (and `load_yaml_lines` says where every key is). Every number a user
gives goes through `check_number`, and every pydantic ValidationError of an input becomes
`file: line N: entry: field: message` problems in `validation_problems`.
"""

from __future__ import annotations

import contextlib
import csv
import math
import os
import types
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Union, get_args, get_origin

from .errors import InputError, Problem

if TYPE_CHECKING:
    from pydantic import ValidationError

__all__ = [
    "LIMITS",
    "MAX_FIELD_BYTES",
    "MAX_GRAPH_FILE_BYTES",
    "MAX_USER_FILE_BYTES",
    "Lines",
    "check_number",
    "csv_field_limit",
    "field_names",
    "load_yaml",
    "load_yaml_lines",
    "read_bytes",
    "read_text",
    "read_yaml",
    "text_lines",
    "validation_problems",
]

MAX_USER_FILE_BYTES = 4 * 1024 * 1024
"""Profiles, cohorts and Markdown plans: a few MB is thousands of learners."""
MAX_GRAPH_FILE_BYTES = 64 * 1024 * 1024
"""One graph YAML file (the whole ESCO import is about 25 MB in many files)."""
MAX_FIELD_BYTES = 1024 * 1024
"""One CSV field or line of a streamed CSV file (ESCO's longest field is a few KB)."""

# name: (least, most, whether the least itself is allowed); documented in the README.
LIMITS: dict[str, tuple[float, float, bool]] = {
    "hours": (0.0, 100_000.0, True),
    "cost_usd": (0.0, 10_000_000.0, True),
    "hours_per_week": (0.5, 168.0, True),
    "budget_usd": (0.0, 1_000_000_000.0, True),
    "max_hours": (0.0, 10_000_000.0, True),
    "hourly_rate": (0.0, 1_000_000.0, False),
    "time_limit": (0.01, 86_400.0, True),
}


def check_number(value: Any, name: str) -> float:
    """Return value as a float within LIMITS[name]; raise ValueError saying why it is not.

    Booleans, strings that are not numbers, NaN and infinities are refused.
    """
    low, high, inclusive = LIMITS[name]
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise ValueError(f"must be a number, got {value!r}")
    try:
        number = float(value)
    except (ValueError, OverflowError):
        raise ValueError(f"must be a number, got {value!r}") from None
    if not math.isfinite(number):
        raise ValueError(f"must be a finite number, got {value!r}")
    if number < low or (number == low and not inclusive) or number > high:
        above = f"at least {low:g}" if inclusive else f"more than {low:g}"
        raise ValueError(f"must be {above} and at most {high:g}, got {value!r}")
    return number


def _unreadable(shown: str, err: OSError) -> InputError:
    """Return the one message for a file or directory the system will not let us read."""
    return InputError(shown, f"cannot read: {err.strerror or err}")


def read_bytes(path: str | Path, limit: int) -> bytes:
    """Return a file's bytes; raise InputError when it cannot be read or exceeds limit."""
    shown = str(path)
    try:
        with open(path, "rb") as fh:
            raw = fh.read(limit + 1)
    except OSError as err:
        raise _unreadable(shown, err) from err
    if len(raw) > limit:
        raise InputError(
            shown,
            f"too large (more than {limit // (1024 * 1024)} MB); "
            "split it or check that it is the right file",
        )
    return raw


def decode(raw: bytes, shown: str, first_line: int = 1) -> str:
    """Return UTF-8 bytes as text without a byte-order mark; name the line that is not UTF-8."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = first_line + raw.count(b"\n", 0, err.start)
        column = err.start - (raw.rfind(b"\n", 0, err.start) + 1) + 1
        raise InputError(
            shown,
            f"line {line}: not UTF-8 text (byte 0x{raw[err.start]:02x} at column {column}); "
            "save the file as UTF-8",
        ) from None


def read_text(path: str | Path, limit: int = MAX_USER_FILE_BYTES) -> str:
    """Return a UTF-8 text file's content; raise InputError with one clear line otherwise."""
    return decode(read_bytes(path, limit), str(path))


@contextlib.contextmanager
def text_lines(path: str | Path) -> Iterator[Iterator[str]]:
    """Open a big UTF-8 text file as a stream of lines, each checked and at most a field long."""
    shown = str(path)
    try:
        fh = open(path, "rb")  # noqa: SIM115 - closed below
    except OSError as err:
        raise _unreadable(shown, err) from err

    def lines() -> Iterator[str]:
        number = 0
        while True:
            try:
                raw = fh.readline(MAX_FIELD_BYTES + 1)
            except OSError as err:
                raise _unreadable(shown, err) from err
            if not raw:
                return
            number += 1
            if len(raw) > MAX_FIELD_BYTES and not raw.endswith(b"\n"):
                raise InputError(shown, f"line {number}: longer than {MAX_FIELD_BYTES // 1024} KB")
            text = decode(raw, shown, number)
            yield text if number > 1 else text.removeprefix("\ufeff")

    with fh:
        yield lines()


@contextlib.contextmanager
def csv_field_limit() -> Iterator[int]:
    """Cap the size of one CSV field at MAX_FIELD_BYTES while reading, then restore the cap."""
    before = csv.field_size_limit(MAX_FIELD_BYTES)
    try:
        yield MAX_FIELD_BYTES
    finally:
        csv.field_size_limit(before)


def _strict_loader() -> type[Any]:
    import yaml

    base: type[Any] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class StrictLoader(base):  # type: ignore[misc]
        """A safe loader (the C one when available) that refuses duplicate keys and aliases."""

        def construct_document(self, node: Any) -> Any:
            # An alias is the same node reached twice; the composer (C or Python) has already
            # linked them, so one walk over the tree finds every alias before anything is built.
            seen: set[int] = set()
            stack = [node]
            while stack:
                current = stack.pop()
                if id(current) in seen:
                    raise yaml.MarkedYAMLError(
                        problem="this value is anchored (&name) and reused by an alias "
                        "(*name); aliases are not allowed: write the value out each time",
                        problem_mark=current.start_mark,
                    )
                seen.add(id(current))
                if isinstance(current, yaml.SequenceNode):
                    stack.extend(current.value)
                elif isinstance(current, yaml.MappingNode):
                    for key, value in current.value:
                        stack.extend((key, value))
            return super().construct_document(node)

        def construct_mapping(self, node: Any, deep: bool = False) -> Any:
            if isinstance(node, yaml.MappingNode):
                seen: set[tuple[str, str]] = set()
                for key_node, _ in node.value:
                    if not isinstance(key_node, yaml.ScalarNode):
                        continue
                    key = (key_node.tag, key_node.value)
                    if key in seen:
                        raise yaml.MarkedYAMLError(
                            problem=f"duplicate key '{key_node.value}'",
                            problem_mark=key_node.start_mark,
                        )
                    seen.add(key)
            return super().construct_mapping(node, deep)

    return StrictLoader


_LOADER: type[Any] | None = None


@dataclass(frozen=True)
class Lines:
    """Where the parts of a YAML document are: the line of every mapping key and list item.

    `at(path)` narrows to a part (a learner of a cohort); `line(loc)` returns the line of the
    nearest known part of a location (a pydantic error's `loc`, relative to the part).
    """

    table: Mapping[tuple[str, ...], int] = field(default_factory=dict)
    prefix: tuple[str, ...] = ()

    @classmethod
    def constant(cls, line: int) -> Lines:
        """Return lines that put everything on one line (a CSV record)."""
        return cls({(): line})

    def at(self, *path: object) -> Lines:
        """Return the lines of the part at path."""
        return Lines(self.table, self.prefix + tuple(map(str, path)))

    def line(self, loc: Sequence[object] = ()) -> int:
        """Return the line of loc, or of its nearest enclosing part; 0 when none is known."""
        path = self.prefix + tuple(map(str, loc))
        while path and path not in self.table:
            path = path[:-1]
        return self.table.get(path, 0)


def _record_lines(node: Any, path: tuple[str, ...], table: dict[tuple[str, ...], int]) -> None:
    import yaml

    table.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode):
                table[(*path, key.value)] = key.start_mark.line + 1
                _record_lines(value, (*path, key.value), table)
    elif isinstance(node, yaml.SequenceNode):
        for pos, item in enumerate(node.value):
            _record_lines(item, (*path, str(pos)), table)


def load_yaml_lines(text: str, shown: str, locate: bool = True) -> tuple[Any, Lines]:
    """Parse YAML text strictly (see `load_yaml`); return the data and where each part is
    (not looked up when `locate` is False: a big graph file is read faster without)."""
    global _LOADER
    import yaml

    if _LOADER is None:
        _LOADER = _strict_loader()
    loader = _LOADER(text)  # a SafeLoader subclass: safe
    try:
        node = loader.get_single_node()
        if node is None:
            return None, Lines()
        data = loader.construct_document(node)  # refuses aliases: the nodes form a tree
        table: dict[tuple[str, ...], int] = {}
        if locate:
            _record_lines(node, (), table)
        return data, Lines(table)
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        problem = err.problem or str(err)
        if problem.startswith(("duplicate key", "aliases")):
            raise InputError(shown, f"{where}{problem}") from None
        raise InputError(shown, f"{where}malformed YAML: {problem}") from None
    except yaml.YAMLError as err:
        raise InputError(shown, f"malformed YAML: {err}") from None
    except RecursionError:
        raise InputError(shown, "malformed YAML: nested too deeply") from None
    finally:
        loader.dispose()


def load_yaml(text: str, shown: str) -> Any:
    """Parse YAML text strictly; raise InputError `file: line N, column C: ...` when bad."""
    return load_yaml_lines(text, shown, locate=False)[0]


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out = dict(pairs)
    if len(out) != len(pairs):
        seen: set[str] = set()
        dup = next(k for k, _ in pairs if k in seen or seen.add(k))  # type: ignore[func-returns-value]
        raise ValueError(f"duplicate key {dup!r}")
    return out


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number")


def load_graph_text(text: str, shown: str) -> Any:
    """Parse a graph file: JSON (which is also YAML) with the fast JSON parser, else YAML.

    `pathplanner import esco` writes JSON, which parses ten times faster than YAML. JSON is
    held to YAML's strict rules here too: a duplicate key or a NaN is an error.
    """
    if text.lstrip()[:1] == "{":
        import json

        try:
            return json.loads(text, object_pairs_hook=_unique_keys, parse_constant=_no_constant)
        except ValueError as err:  # JSONDecodeError too: the YAML parser has the last word
            if not isinstance(err, json.JSONDecodeError):
                raise InputError(shown, str(err)) from None
    return load_yaml(text, shown)


def read_yaml(path: str | Path, limit: int = MAX_USER_FILE_BYTES) -> tuple[Any, Lines]:
    """Return a YAML file's data and where each part is, read and parsed by the rules above."""
    return load_yaml_lines(read_text(path, limit), str(path))


def _unwrap(tp: Any) -> Any:
    """Return a type without the Annotated and Optional around it."""
    while True:
        if get_origin(tp) is Annotated:
            tp = get_args(tp)[0]
        elif get_origin(tp) in (Union, types.UnionType):
            inner = [a for a in get_args(tp) if a is not type(None)]
            if len(inner) != 1:
                return tp
            tp = inner[0]
        else:
            return tp


def field_names(model: Any, path: Sequence[object] = ()) -> list[str]:
    """Return the field names, as files write them (aliases), of the model at path inside
    model (e.g. a graph role's `salary`); [] when there is no model there."""
    from pydantic import BaseModel

    tp = model
    for part in path:
        tp = _unwrap(tp)
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            fields = {f.alias or n: f for n, f in tp.model_fields.items()}
            if str(part) not in fields:
                return []
            tp = fields[str(part)].annotation
        elif get_origin(tp) in (dict, list, tuple) and get_args(tp):
            tp = get_args(tp)[-1 if get_origin(tp) is dict else 0]  # `part` is the key or index
        else:
            return []
    tp = _unwrap(tp)
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return [f.alias or n for n, f in tp.model_fields.items()]
    return []


def validation_problems(
    err: ValidationError,
    file: str,
    entry: str = "",
    lines: Lines | None = None,
    model: Any = None,
) -> list[Problem]:
    """Return every error of a pydantic validation as a Problem naming file, line, entry, field.

    Given the model that was validated, an unknown field gets the nearest known one suggested.
    """
    from ._names import nearest

    problems: list[Problem] = []
    for e in err.errors():
        loc = tuple(part for part in e["loc"] if part != "[key]")
        msg = e["msg"].removeprefix("Value error, ")
        if e["type"] == "extra_forbidden":
            msg = "unknown field"
            hint = nearest(str(loc[-1]), field_names(model, loc[:-1])) if model and loc else []
            if hint:
                msg += f" — did you mean '{hint[0]}'?"
        elif e["type"] == "missing":
            msg = "is required"
        line = lines.line(loc) if lines is not None else 0
        where = ".".join(str(part) for part in loc) or ("(entry)" if entry else "")
        problems.append(Problem(file, entry, where, msg, line=line))
    return problems


def walk_files(root: Path, suffixes: tuple[str, ...]) -> list[Path]:
    """Return the files under root whose suffix is one of suffixes (any case), sorted.

    A directory that cannot be listed is an error, not silently skipped.
    """
    found: list[Path] = []

    def visit(folder: Path) -> None:
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as err:
            raise _unreadable(str(folder), err) from err
        for entry in entries:
            path = Path(entry.path)
            if entry.is_dir(follow_symlinks=False):
                visit(path)
            elif path.suffix.lower() in suffixes:
                found.append(path)

    visit(root)
    return sorted(found)
