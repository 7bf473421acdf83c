"""Read a cohort: a CSV or YAML file of learners, each row checked and resolved into a profile.

A file that is not a cohort (unreadable, malformed, a bad CSV header) raises; a row that is
wrong comes back as a RowProblem holding every problem of that row, each naming the file, the
line, the learner and the field, so the other learners can still be planned.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ._input import (
    Lines,
    csv_field_limit,
    field_names,
    load_yaml_lines,
    read_text,
    validation_problems,
)
from ._names import nearest
from .catalog import Catalog
from .errors import InputError, Problem, ProfileError
from .models import CohortRow
from .profile import Profile, resolve_start

__all__ = ["Learner", "RowProblem", "read_cohort"]

_COLUMNS = field_names(CohortRow)


@dataclass(frozen=True)
class Learner:
    """One row of a cohort file, resolved into a profile."""

    row: int
    name: str
    profile: Profile
    start: dt.date | None = None
    file: str = ""
    line: int = 0  # where the row starts in the file (a CSV row's number is its line)


@dataclass(frozen=True)
class RowProblem:
    """A cohort row that could not be read or planned, and every reason why."""

    row: int
    name: str
    problems: tuple[Problem, ...]

    @classmethod
    def of(cls, learner: Learner, message: str) -> RowProblem:
        """Return the problem of a learner read well but not plannable."""
        problem = Problem(learner.file, learner.name, "", message, line=learner.line)
        return cls(learner.row, learner.name, (problem,))

    @property
    def message(self) -> str:
        """Return what is wrong, field first (`have: unknown skill ...`), problems joined by ;."""
        return "; ".join(": ".join(x for x in (p.field, p.message) if x) for p in self.problems)

    def __str__(self) -> str:
        """Return where and what without the file: `line N: learner: field: message`."""
        return "; ".join(p.located() for p in self.problems)


def _header_problems(header: list[str], shown: str, line: int) -> list[Problem]:
    """Return every problem of a CSV header: no name column, unknown or repeated columns."""
    problems: list[Problem] = []
    if "name" not in header:
        others = ", ".join(c for c in _COLUMNS if c != "name")
        msg = f"the header must have a 'name' column (and optionally {others})"
        problems.append(Problem(shown, "", "", msg, line=line))
    for column in dict.fromkeys(header):
        if column not in _COLUMNS:
            hint = nearest(column, _COLUMNS)
            msg = "unknown column" + (f" — did you mean '{hint[0]}'?" if hint else "")
            problems.append(Problem(shown, "", column, msg, line=line))
        elif header.count(column) > 1:
            problems.append(Problem(shown, "", column, "column given twice", line=line))
    return problems


def _csv_rows(text: str, shown: str) -> list[tuple[int, Any, Lines]]:
    """Return (row number, row, lines) for each CSV record; the row number is its first line."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    out: list[tuple[int, Any, Lines]] = []
    header: list[str] | None = None
    line = 1
    with csv_field_limit() as limit:
        while True:
            try:
                fields = next(reader, None)
            except csv.Error as err:
                if "end of data" in str(err) or "EOF" in str(err):
                    msg = 'a quoted value (") is never closed'
                elif "field larger" in str(err):
                    msg = f"a value is longer than {limit // 1024} KB"
                else:
                    msg = f"malformed CSV: {err}"
                raise InputError(shown, f"line {line}: {msg}") from None
            if fields is None:
                break
            first, line = line, reader.line_num + 1
            if not fields:
                continue
            if header is None:
                header = fields
                problems = _header_problems(header, shown, first)
                if problems:
                    raise ProfileError(problems)
                continue
            if len(fields) > len(header):
                raise InputError(
                    shown,
                    f"line {first}: {len(fields)} fields, but the header has {len(header)} "
                    '(put a value that holds a comma in double quotes: "python:2,sql:1")',
                )
            row = dict(zip(header, [*fields, *[""] * len(header)], strict=False))
            out.append((first, row, Lines.constant(first)))
    if header is None:
        raise ProfileError(f"{shown}: empty file: the header must have a 'name' column")
    return out


def _rows(path: Path) -> list[tuple[int, Any, Lines]]:
    """Return (row number, row, lines) for each learner of a CSV or YAML cohort file."""
    shown = str(path)
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".yaml", ".yml"):
        raise ProfileError(f"{shown}: a cohort file must be .csv, .yaml or .yml")
    text = read_text(path)
    if suffix == ".csv":
        return _csv_rows(text, shown)
    data, lines = load_yaml_lines(text, shown)
    if isinstance(data, dict) and "learners" in data:
        data, lines = data["learners"], lines.at("learners")
    if not isinstance(data, list):
        raise ProfileError(f"{shown}: expected a list of learners (or learners: [...])")
    return [(i, item, lines.at(i - 1)) for i, item in enumerate(data, 1)]


def _learner(catalog: Catalog, row: int, data: Any, lines: Lines, shown: str) -> Learner:
    """Return a cohort row checked and resolved; raise ProfileError with all its problems."""
    if not isinstance(data, dict):
        msg = "a learner must be a mapping of fields"
        raise ProfileError([Problem(shown, "", "", msg, line=lines.line())])
    label = data.get("name")  # names the row's problems even when the row is bad
    entry = label.strip() if isinstance(label, str) else ""
    try:
        given = CohortRow.model_validate(data)
    except ValidationError as err:
        raise ProfileError(validation_problems(err, shown, entry, lines, CohortRow)) from None

    def at(key: str, *loc: object) -> Problem:
        return Problem(shown, given.name, key, "", line=lines.line((key, *loc)))

    key, levels = given.levels
    start = resolve_start(
        catalog,
        (given.from_role, at("from")) if given.from_role else None,
        [(name, level, at(key, name)) for name, level in levels.items()],
        [(name, at("done", i)) for i, name in enumerate(given.done)],
    )
    # a cohort learner's plan carries the start with done resources learned (no `stated`)
    profile = replace(
        start, name=given.name, hours_per_week=given.hours_per_week,
        budget_usd=given.budget_usd, stated=None,
    )  # fmt: skip
    return Learner(row, given.name, profile, given.start, shown, lines.line())


def read_cohort(catalog: Catalog, path: str | Path) -> tuple[list[Learner], list[RowProblem]]:
    """Read a cohort file (CSV or YAML); return the learners and the rows that are bad.

    A file that is not well-formed raises (InputError, ProfileError); a bad row is returned as
    a RowProblem with every problem of the row, each naming the line, learner and field.
    """
    learners: list[Learner] = []
    problems: list[RowProblem] = []
    for row, data, lines in _rows(Path(path)):
        try:
            learners.append(_learner(catalog, row, data, lines, str(path)))
        except ProfileError as err:
            name = next((p.entry for p in err.problems if p.entry), "")
            problems.append(RowProblem(row, name, err.problems))
    return learners, problems
