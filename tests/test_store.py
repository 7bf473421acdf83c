"""Learners' records in SQLite: they survive restarts, a kill -9 mid-write, stale pages."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from conftest import mini_entries, write_graph

from pathplanner.errors import OutputError
from pathplanner.learner import Week, record_progress, start_state
from pathplanner.profile import build_profile
from pathplanner.store import NotFoundError, StaleError, Store

SRC = str(Path(__file__).resolve().parents[1] / "src")


def _state(mini: Any, name: str = "Ann") -> Any:
    profile = build_profile(mini, from_role="analyst")
    return start_state(mini, "mle", profile, Week(hours_per_week=5), name)


def test_store_round_trip(tmp_path: Path, mini: Any) -> None:
    store = Store(tmp_path / "data")
    first = store.add("Ann", _state(mini))
    second = store.add("Bob", _state(mini, "Bob"))
    assert first.id != second.id and first.revision == 1
    assert [r.name for r in store.all()] == ["Ann", "Bob"]
    later = record_progress(mini, first.state, ["docker-b"])
    saved = store.update(first.id, later, revision=1)
    assert saved.revision == 2
    again = Store(tmp_path / "data")  # a new process would open it the same way
    assert again.get(first.id).state == later
    assert again.secret() == store.secret()
    with pytest.raises(StaleError, match="changed since the page was loaded"):
        again.update(first.id, first.state, revision=1)
    assert again.get(first.id).state == later  # the stale change left nothing behind
    store.delete(second.id)
    with pytest.raises(NotFoundError):
        store.get(second.id)
    with pytest.raises(NotFoundError):
        store.delete(second.id)
    with pytest.raises(NotFoundError):
        store.update(second.id, later)
    assert (os.stat(store.path).st_mode & 0o777) == 0o600


def test_store_refuses_a_path_it_cannot_use(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(OutputError, match="cannot open the database"):
        Store(blocker)


def test_data_dir_rule(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from pathplanner import _paths

    monkeypatch.delenv("PATHPLANNER_DATA_DIR", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.setattr(sys, "platform", "linux")
    assert _paths.data_dir() == tmp_path / "xdg" / "pathplanner"
    monkeypatch.delenv("XDG_DATA_HOME")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert _paths.data_dir() == tmp_path / ".local" / "share" / "pathplanner"
    monkeypatch.setattr(sys, "platform", "darwin")
    assert _paths.data_dir() == tmp_path / "Library" / "Application Support" / "pathplanner"
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setenv("APPDATA", str(tmp_path / "roaming"))
    assert _paths.data_dir() == tmp_path / "roaming" / "pathplanner"
    monkeypatch.setenv("PATHPLANNER_DATA_DIR", str(tmp_path / "mine"))
    assert _paths.data_dir() == tmp_path / "mine"


_WRITER = textwrap.dedent(
    """
    import json, sys
    from pathplanner.store import Store
    from pathplanner.progress import parse_state
    store = Store(sys.argv[1])
    states = [parse_state(json.loads(s), "test") for s in sys.argv[3:5]]
    print("ready", flush=True)
    i = 0
    while True:  # killed by the test
        store.update(sys.argv[2], states[i % 2])
        store.add("extra", states[i % 2])
        i += 1
    """
)


def test_kill_9_during_writes_leaves_every_record_whole(tmp_path: Path, mini: Any) -> None:
    store = Store(tmp_path / "data")
    a = _state(mini)
    b = record_progress(mini, a, ["docker-b"])
    lid = store.add("Ann", a).id
    for delay in (0.3, 0.7, 1.1):
        proc = subprocess.Popen(
            [
                sys.executable,
                "-c",
                _WRITER,
                str(store.directory),
                lid,
                json.dumps(a.to_dict()),
                json.dumps(b.to_dict()),
            ],
            stdout=subprocess.PIPE,
            env={**os.environ, "PYTHONPATH": SRC},
        )
        assert proc.stdout is not None and proc.stdout.readline().strip() == b"ready"
        time.sleep(delay)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        reopened = Store(store.directory)
        assert reopened.get(lid).state in (a, b)
        records = reopened.all()
        assert len(records) > 1 and all(r.state in (a, b) for r in records)
        db = sqlite3.connect(reopened.path)
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        db.close()


def _start_server(data: Path, graph: Path) -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "pathplanner",
            "serve",
            "--no-browser",
            "--data",
            str(data),
            "--graph",
            str(graph),
            "--no-builtin",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": SRC},
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    assert line.startswith("The planner page is at http://127.0.0.1:"), line
    return proc, line.split()[5]


def _call(url: str, method: str = "GET", body: Any = None) -> Any:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data, method=method)
    request.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(request, timeout=30) as resp:
        return json.load(resp)


def test_progress_survives_restart_and_kill_9(tmp_path: Path) -> None:
    graph = write_graph(tmp_path / "mini", **mini_entries())
    data = tmp_path / "data"
    proc, url = _start_server(data, graph)
    try:
        made = _call(url + "api/learners", "POST", {"from": "analyst", "to": "mle", "name": "Ann"})
        lid = made["id"]
        first = made["plan"]["steps"][0]["resource"]
        _call(f"{url}api/learners/{lid}/progress", "POST", {"done": [first]})
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(30)
    assert proc.returncode == 0 and "Stopped." in (proc.stderr.read() if proc.stderr else "")

    proc, url = _start_server(data, graph)
    acknowledged: list[str] = []
    stop = threading.Event()

    def create() -> None:
        while not stop.is_set():
            try:
                made = _call(url + "api/learners", "POST", {"from": "analyst", "to": "mle"})
            except OSError:
                return  # the server is gone
            acknowledged.append(made["id"])

    try:
        record = _call(f"{url}api/learners/{lid}")
        assert [d["resource"] for d in record["state"]["done"]] == [first]
        assert record["state"]["round"] == 1
        writer = threading.Thread(target=create)
        writer.start()
        time.sleep(1.5)
        os.kill(proc.pid, signal.SIGKILL)  # in the middle of someone's write
        proc.wait(30)
        stop.set()
        writer.join(30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert acknowledged, "no write finished before the kill"
    store = Store(data)
    kept = {r.id for r in store.all()}
    assert set(acknowledged) <= kept  # an acknowledged write is never lost
    assert len(kept) <= len(acknowledged) + 2  # Ann, and at most the write the kill cut
    assert [f.resource for f in store.get(lid).state.done] == [first]
