"""Reading what users give us: text files, YAML and numbers, each checked in one place.

Every input file goes through `read_text` (or `text_lines` for big CSV files read as a stream):
a size cap, UTF-8 decoding (a byte-order mark is dropped) and one message shape for every
failure, `file: line N: ...`. Every YAML input goes through `load_yaml`: duplicate keys and
aliases are refused (an alias bomb is a few lines that expand to gigabytes), and syntax errors
name the line and column. Every number a user gives goes through `check_number`.
"""

from __future__ import annotations

import contextlib
import csv
import math
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .errors import InputError

__all__ = [
    "LIMITS",
    "MAX_FIELD_BYTES",
    "MAX_GRAPH_FILE_BYTES",
    "MAX_USER_FILE_BYTES",
    "check_number",
    "csv_field_limit",
    "load_yaml",
    "read_bytes",
    "read_text",
    "text_lines",
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


def load_yaml(text: str, shown: str) -> Any:
    """Parse YAML text strictly; raise InputError `file: line N, column C: ...` when bad."""
    global _LOADER
    import yaml

    if _LOADER is None:
        _LOADER = _strict_loader()
    try:
        return yaml.load(text, Loader=_LOADER)  # a SafeLoader subclass: safe
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


def read_yaml(path: str | Path, limit: int = MAX_USER_FILE_BYTES) -> Any:
    """Return the data of a YAML file, read and parsed by the rules above."""
    return load_yaml(read_text(path, limit), str(path))


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
