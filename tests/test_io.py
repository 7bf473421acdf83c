"""Writing files: what the one atomic writer does when the file system is unusual."""

from __future__ import annotations

import errno
import os
import socket
from pathlib import Path

import pytest

from pathplanner import _io, _paths
from pathplanner.errors import OutputError


def test_without_hard_links_the_target_is_still_created_exclusively(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_links(src: object, dst: object) -> None:
        raise OSError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(os, "link", no_links)
    target = tmp_path / "plan.md"
    _io.write_atomic(target, "one")
    assert target.read_text() == "one"
    with pytest.raises(OutputError, match="already exists"):
        _io.write_atomic(target, "two")
    assert target.read_text() == "one"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.md"]


def test_a_socket_or_a_dangling_link_is_refused(tmp_path: Path) -> None:
    sock_path = tmp_path / "s.md"
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind(str(sock_path))
        with pytest.raises(OutputError, match="is a socket"):
            _io.write_atomic(sock_path, "x", force=True)
    finally:
        server.close()
    dangling = tmp_path / "d.md"
    dangling.symlink_to(tmp_path / "nowhere")
    with pytest.raises(OutputError, match="symbolic link to nothing"):
        _io.write_atomic(dangling, "x", force=True)


def test_force_keeps_the_permissions_of_the_file_it_replaces(tmp_path: Path) -> None:
    target = tmp_path / "plan.md"
    target.write_text("old")
    target.chmod(0o640)
    _io.write_atomic(target, "new", force=True)
    assert target.read_text() == "new"
    assert target.stat().st_mode & 0o777 == 0o640


def test_a_set_into_an_existing_directory_is_undone_on_failure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "a.md").write_text("mine")
    calls = {"n": 0}
    real = _io._commit

    def fail_second(tmp: Path, target: Path, force: bool) -> None:
        calls["n"] += 1
        if calls["n"] == 2:
            raise OSError(errno.ENOSPC, "No space left on device")
        real(tmp, target, force)

    monkeypatch.setattr(_io, "_commit", fail_second)
    with pytest.raises(OutputError, match="No space left"):
        _io.write_tree(out, {"a.md": "new", "sub/b.md": "new"}, force=True)
    assert (out / "a.md").read_text() == "mine"
    assert not (out / "sub").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_a_file_where_the_set_should_go_is_refused(tmp_path: Path) -> None:
    (tmp_path / "out").write_text("x")
    with pytest.raises(OutputError, match=r"(?i)not a directory"):
        _io.write_tree(tmp_path / "out", {"a.md": "x"})


def test_json_never_holds_nan() -> None:
    with pytest.raises(OutputError, match="not a finite number"):
        _io.dumps_json({"x": float("nan")})
    assert _io.dumps_json_line({"a": "\x85"}) == '{"a":"\\u0085"}'


def test_data_and_cache_locations(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    assert (_paths.default_graph_dir() / "roles").is_dir()
    assert any(_paths.default_templates_dir().glob("plan.*.j2"))
    monkeypatch.setenv("PATHPLANNER_NO_CACHE", "1")
    assert _paths.cache_dir() is None
    monkeypatch.delenv("PATHPLANNER_NO_CACHE")
    monkeypatch.setenv("PATHPLANNER_CACHE_DIR", str(tmp_path / "c"))
    assert _paths.cache_dir() == tmp_path / "c"
    monkeypatch.delenv("PATHPLANNER_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "x"))
    assert _paths.cache_dir() == tmp_path / "x" / "pathplanner"
    monkeypatch.setattr(_paths, "_PKG", tmp_path / "nowhere" / "pkg")
    assert _paths.default_graph_dir() == tmp_path / "nowhere" / "pkg" / "data" / "graph"
