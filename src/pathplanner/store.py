"""Learners' records on disk: one SQLite file under the user's data directory.

Each learner is a row holding their name and their plan state (`pathplanner-state/1`, the
whole starting state and every finished step), with a revision number that every change
raises. Every change is one SQLite transaction in write-ahead-log mode with full sync, so a
process killed at any instant (kill -9, a power cut) leaves each record as it was before or
after the change, never half written.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .errors import OutputError, PathPlannerError
from .progress import PlanState, parse_state

__all__ = ["DB_NAME", "LearnerRecord", "NotFoundError", "StaleError", "Store"]

DB_NAME = "pathplanner.sqlite3"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS learners (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    state TEXT NOT NULL,
    revision INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS targets (id TEXT PRIMARY KEY, role TEXT NOT NULL);
"""


class NotFoundError(PathPlannerError):
    """Raised when a learner id names no stored record."""


class StaleError(PathPlannerError):
    """Raised when a change was made from an out-of-date page (the record changed since)."""


@dataclass(frozen=True)
class LearnerRecord:
    """One stored learner: an id for links, a name, the plan state and its revision;
    `role` is the target role's entry (JSON) when it is not in the graph (a job posting's)."""

    id: str
    name: str
    state: PlanState
    revision: int
    role: str | None = None


class Store:
    """The learners' database: one SQLite file in `directory` (created when missing)."""

    def __init__(self, directory: str | Path) -> None:
        self.directory = Path(directory)
        self.path = self.directory / DB_NAME
        try:
            self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
            with self._connect() as db:
                for statement in _SCHEMA.split(";")[:-1]:
                    db.execute(statement)
            with contextlib.suppress(OSError):  # the file holds the form-token secret
                os.chmod(self.path, 0o600)
        except (OSError, sqlite3.Error) as err:
            raise OutputError(f"{self.path}: cannot open the database: {err}") from err

    @contextlib.contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        """Yield a connection inside one transaction: committed on success, else rolled back."""
        db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=FULL")
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")
        finally:
            db.close()

    def secret(self) -> bytes:
        """Return this database's secret (made once): it signs the pages' form tokens."""
        with self._connect() as db:
            row = db.execute("SELECT value FROM meta WHERE key = 'secret'").fetchone()
            if row is None:
                value = secrets.token_hex(32)
                db.execute("INSERT INTO meta (key, value) VALUES ('secret', ?)", (value,))
                return value.encode()
            return str(row[0]).encode()

    def _record(self, row: tuple[str, str, str, int, str | None]) -> LearnerRecord:
        lid, name, state, revision, role = row
        where = f"{self.path}: learner {lid}"
        return LearnerRecord(lid, name, parse_state(json.loads(state), where), revision, role)

    def add(self, name: str, state: PlanState, role: str | None = None) -> LearnerRecord:
        """Store a new learner (with `role`, its target's entry as JSON when the graph does
        not hold it); return the record with its new id."""
        lid = secrets.token_urlsafe(9)
        with self._connect() as db:
            db.execute(
                "INSERT INTO learners (id, name, state, revision) VALUES (?, ?, ?, 1)",
                (lid, name, _dump(state)),
            )
            if role is not None:
                db.execute("INSERT INTO targets (id, role) VALUES (?, ?)", (lid, role))
        return LearnerRecord(lid, name, state, 1, role)

    def get(self, lid: str) -> LearnerRecord:
        """Return a learner's record; raise NotFoundError when there is none."""
        with self._connect() as db:
            row = db.execute(_SELECT + " WHERE learners.id = ?", (lid,)).fetchone()
        if row is None:
            raise NotFoundError(f"no learner '{lid}' (deleted, or from another data directory?)")
        return self._record(row)

    def all(self) -> list[LearnerRecord]:
        """Return every learner, oldest first."""
        with self._connect() as db:
            rows = db.execute(_SELECT + " ORDER BY learners.rowid").fetchall()
        return [self._record(r) for r in rows]

    def update(self, lid: str, state: PlanState, revision: int | None = None) -> LearnerRecord:
        """Replace a learner's state; with `revision`, only if the record is still at it."""
        with self._connect() as db:
            row = db.execute(
                "SELECT name, revision, targets.role FROM learners LEFT JOIN targets "
                "USING (id) WHERE id = ?",
                (lid,),
            ).fetchone()
            if row is None:
                raise NotFoundError(f"no learner '{lid}'")
            name, current, role = str(row[0]), int(row[1]), row[2]
            if revision is not None and revision != current:
                raise StaleError(
                    "this plan changed since the page was loaded (in another tab?); "
                    "nothing was saved: look at it again and repeat the change"
                )
            db.execute(
                "UPDATE learners SET state = ?, revision = ? WHERE id = ?",
                (_dump(state), current + 1, lid),
            )
        return LearnerRecord(lid, name, state, current + 1, role)

    def delete(self, lid: str) -> None:
        """Remove a learner; raise NotFoundError when there is none."""
        with self._connect() as db:
            if db.execute("DELETE FROM learners WHERE id = ?", (lid,)).rowcount == 0:
                raise NotFoundError(f"no learner '{lid}'")
            db.execute("DELETE FROM targets WHERE id = ?", (lid,))


_SELECT = (
    "SELECT learners.id, name, state, revision, targets.role FROM learners "
    "LEFT JOIN targets ON targets.id = learners.id"
)


def _dump(state: PlanState) -> str:
    return json.dumps(state.to_dict(), sort_keys=True, ensure_ascii=False)
