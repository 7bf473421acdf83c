"""Hostile input against every output: files, worker processes, Markdown, CSV, terminal, templates.

Each test attacks one class of weakness and asserts what a user can rely on afterwards.
"""

from __future__ import annotations

import datetime as dt
import errno
import json
import os
import pickle
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import mini_entries, write_graph

from pathplanner.cli import cli
from pathplanner.errors import OutputError

# -- writes: nothing lost -----------------------------------------------------------------------


def plan_cmd(mini_dir: Path, *extra: str) -> list[str]:
    return ["plan", "--no-builtin", "--graph", str(mini_dir), "--from", "analyst", "--to", "mle",
            "--no-explain", *extra]  # fmt: skip


def litter(directory: Path) -> list[str]:
    """Return the hidden or temporary files a writer left in a directory."""
    return sorted(p.name for p in directory.iterdir() if p.name.startswith("."))


@pytest.mark.parametrize("kind", ["fifo", "directory", "device"])
def test_force_never_replaces_what_is_not_a_regular_file(
    tmp_path: Path, mini_dir: Path, kind: str
) -> None:
    target = tmp_path / "out.md"
    if kind == "fifo":
        os.mkfifo(target)
    elif kind == "directory":
        target.mkdir()
    else:
        try:  # the same device as /dev/full
            os.mknod(target, stat.S_IFCHR | 0o600, os.makedev(1, 7))
        except OSError:
            pytest.skip("cannot make a device node here (needs root, outside a container)")
    before = target.lstat().st_mode
    if kind == "directory":  # click refuses a directory for -o already; the library does too
        from pathplanner._io import write_atomic

        with pytest.raises(OutputError, match="is a directory; pathplanner only writes regular"):
            write_atomic(target, "x", force=True)
    else:
        result = CliRunner().invoke(cli, plan_cmd(mini_dir, "-o", str(target), "--force"))
        assert result.exit_code == 1, result.output
        assert f"Error: {target}: is a " in result.output
        assert "pathplanner only writes regular files" in result.output
    assert target.lstat().st_mode == before  # still the FIFO, directory or device
    assert litter(tmp_path) == []


def test_force_through_a_symlink_replaces_the_file_and_keeps_the_link(
    tmp_path: Path, mini_dir: Path
) -> None:
    real = tmp_path / "real.md"
    real.write_text("old")
    link = tmp_path / "link.md"
    link.symlink_to(real)
    result = CliRunner().invoke(cli, plan_cmd(mini_dir, "-o", str(link), "--force"))
    assert result.exit_code == 0, result.output
    assert link.is_symlink()
    assert real.read_text().startswith("<!-- pathplanner-plan")
    dangling = tmp_path / "dangling.md"
    dangling.symlink_to(tmp_path / "nowhere")
    result = CliRunner().invoke(cli, plan_cmd(mini_dir, "-o", str(dangling), "--force"))
    assert result.exit_code == 1 and "a symbolic link to nothing" in result.output
    assert not (tmp_path / "nowhere").exists()


def test_no_overwrite_is_exclusive_when_another_run_wins_the_race(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another writer creates the file after the existence check: it must keep its file."""
    from pathplanner._io import write_atomic

    target = tmp_path / "plan.md"
    real_fdopen = os.fdopen

    def other_run_writes_first(*args: Any, **kwargs: Any) -> Any:
        if not target.exists():
            target.write_text("the other run's plan")
        return real_fdopen(*args, **kwargs)

    monkeypatch.setattr(os, "fdopen", other_run_writes_first)
    with pytest.raises(OutputError, match="already exists"):
        write_atomic(target, "my plan")
    assert target.read_text() == "the other run's plan"
    assert litter(tmp_path) == []


def test_two_processes_writing_one_file_exactly_one_wins(tmp_path: Path) -> None:
    target = tmp_path / "plan.md"
    code = (
        "import sys\nfrom pathplanner._io import write_atomic\n"
        "from pathplanner.errors import OutputError\n"
        "try:\n    write_atomic(sys.argv[1], sys.argv[2] * 100000)\n"
        "except OutputError:\n    sys.exit(3)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[1] / "src")}
    procs = [
        subprocess.Popen([sys.executable, "-c", code, str(target), str(i)], env=env)
        for i in range(6)
    ]
    codes = sorted(p.wait(timeout=60) for p in procs)
    assert codes == [0, 3, 3, 3, 3, 3]
    assert len(set(target.read_text())) == 1  # one writer's whole content, not a mix
    assert litter(tmp_path) == []


@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o002, 0o664), (0o077, 0o600)])
def test_files_get_ordinary_permissions(tmp_path: Path, umask: int, mode: int) -> None:
    from pathplanner._io import write_atomic
    from pathplanner.curriculum import write_files

    old = os.umask(umask)
    try:
        write_atomic(tmp_path / "plan.md", "x")
        write_files(tmp_path / "cohort", {"summary.csv": "x", "learners/a.md": "y"})
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "plan.md").stat().st_mode) == mode
    assert stat.S_IMODE((tmp_path / "cohort" / "summary.csv").stat().st_mode) == mode
    assert stat.S_IMODE((tmp_path / "cohort" / "learners" / "a.md").stat().st_mode) == mode
    assert stat.S_IMODE((tmp_path / "cohort").stat().st_mode) == mode | 0o111 & ~umask
    # replacing a file keeps the permissions its owner gave it
    (tmp_path / "plan.md").chmod(0o640)
    write_atomic(tmp_path / "plan.md", "y", force=True)
    assert stat.S_IMODE((tmp_path / "plan.md").stat().st_mode) == 0o640


def test_curriculum_writes_all_or_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from pathplanner.curriculum import write_files

    out = tmp_path / "cohort"
    # the second file cannot be encoded: the write fails half-way through the set
    broken = {"a.md": "first", "b.md": "\ud800", "learners/c.md": "third"}
    with pytest.raises(UnicodeEncodeError):
        write_files(out, broken)
    assert not out.exists() or list(out.rglob("*")) == []
    assert litter(tmp_path) == []
    # so the next run is not blocked by a half set
    good = {"a.md": "first", "b.md": "second", "learners/c.md": "third"}
    write_files(out, good)
    assert (out / "learners" / "c.md").read_text() == "third"
    with pytest.raises(OutputError, match=r"already exist\(s\) \(use --force"):
        write_files(out, good)

    # interrupted while moving files into an existing directory: every move is taken back
    real_link = os.link
    calls = []

    def interrupt_on_second(src: Any, dst: Any) -> None:
        calls.append(dst)
        if len(calls) == 2:
            raise KeyboardInterrupt
        real_link(src, dst)

    monkeypatch.setattr(os, "link", interrupt_on_second)
    existing = tmp_path / "existing"
    existing.mkdir()
    (existing / "keep.txt").write_text("mine")
    with pytest.raises(KeyboardInterrupt):
        write_files(existing, good)
    assert sorted(p.name for p in existing.rglob("*")) == ["keep.txt"]
    calls.clear()
    with pytest.raises(KeyboardInterrupt):
        write_files(out, {**good, "a.md": "new first"}, force=True)
    assert (out / "a.md").read_text() == "first"  # the replaced file is restored
    assert litter(tmp_path) == []


def test_plan_many_output_creates_directories_and_leaves_nothing_when_interrupted(
    tmp_path: Path, mini_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cohort = tmp_path / "c.csv"
    cohort.write_text("name,have\nSam,python:1\nAna,python:2\n")
    base = ["plan-many", "--no-builtin", "--graph", str(mini_dir), "--profiles", str(cohort),
            "--to", "mle", "--summary", "--workers", "1"]  # fmt: skip
    out = tmp_path / "new" / "dir" / "plans.jsonl"
    result = CliRunner().invoke(cli, [*base, "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert [json.loads(x)["learner"] for x in out.read_text().splitlines()] == ["Sam", "Ana"]

    import pathplanner.batch

    def one_then_ctrl_c(*args: Any, **kwargs: Any) -> Any:
        yield {"learner": "Sam"}
        raise KeyboardInterrupt

    monkeypatch.setattr(pathplanner.batch, "plan_many", one_then_ctrl_c)
    other = tmp_path / "other.jsonl"
    result = CliRunner().invoke(cli, [*base, "-o", str(other)])
    assert result.exit_code == 1
    assert not other.exists()
    assert litter(tmp_path) == []


@pytest.mark.skipif(sys.platform == "win32", reason="SIGTERM is POSIX")
def test_plan_many_sigterm_leaves_no_partial_file(tmp_path: Path, mini_dir: Path) -> None:
    cohort = tmp_path / "c.csv"
    cohort.write_text("name,have\n" + "".join(f"L{i},python:1\n" for i in range(20000)))
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    cmd = [sys.executable, "-m", "pathplanner", "plan-many", "--no-builtin", "--graph",
           str(mini_dir), "--profiles", str(cohort), "--all-roles", "--summary", "--workers",
           "1", "-o", str(out_dir / "plans.jsonl")]  # fmt: skip
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[1] / "src")}
    proc = subprocess.Popen(cmd, env=env, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while not list(out_dir.iterdir()) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert list(out_dir.iterdir()), "plan-many did not start writing"
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 128 + signal.SIGTERM
    finally:
        proc.kill()
    assert list(out_dir.iterdir()) == []


def test_cache_never_fails_a_command_nor_leaves_litter(
    tmp_path: Path, mini_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pathplanner.load as load

    cache = tmp_path / "cache"
    monkeypatch.delenv("PATHPLANNER_NO_CACHE", raising=False)
    monkeypatch.setenv("PATHPLANNER_CACHE_DIR", str(cache))

    def disk_full(obj: Any, fh: Any, protocol: int) -> None:
        fh.write(b"half a pickle")
        raise OSError(errno.ENOSPC, "No space left on device")

    def cannot_pickle(obj: Any, fh: Any, protocol: int) -> None:
        raise pickle.PicklingError("cannot pickle")

    for failure in (disk_full, cannot_pickle):
        monkeypatch.setattr(load.pickle, "dump", failure)
        assert load.load_catalog([mini_dir], builtin=False).roles
        assert list(cache.iterdir()) == []
    monkeypatch.undo()
    # a cache "directory" that is a file: no cache, and no error
    monkeypatch.delenv("PATHPLANNER_NO_CACHE", raising=False)
    blocker = tmp_path / "blocker"
    blocker.write_text("not a directory")
    monkeypatch.setenv("PATHPLANNER_CACHE_DIR", str(blocker / "sub"))
    assert load.load_catalog([mini_dir], builtin=False).roles
    assert blocker.read_text() == "not a directory"


# -- plan-many: a worker that dies ---------------------------------------------------------------


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the test hook needs fork")
def test_plan_many_survives_workers_that_die(
    tmp_path: Path, mini: Any, mini_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A task that kills its worker (as the OOM killer or kill -9 would) must not hang the run."""
    import pathplanner.batch as batch
    from pathplanner.profile import build_profile

    real_plan_one = batch.plan_one
    once = tmp_path / "died-once"

    def deadly(task: Any, *args: Any, **kwargs: Any) -> Any:
        if task.learner == "Unlucky" and not once.exists():
            once.touch()
            os._exit(137)  # dies on the first try only
        if task.learner == "Doomed":
            os._exit(137)  # runs in the forked worker: the process vanishes without a word
        return real_plan_one(task, *args, **kwargs)

    monkeypatch.setattr(batch, "plan_one", deadly)
    names = ["Sam", "Doomed", "Ana", "Unlucky", "Kim", "Lee"]
    tasks = [batch.Task(n, build_profile(mini, from_role="analyst"), "mle", i)
             for i, n in enumerate(names)]  # fmt: skip

    def hang(signum: int, frame: Any) -> None:
        raise TimeoutError("plan-many hangs on a dead worker")

    previous = signal.signal(signal.SIGALRM, hang)  # a hang fails instead of blocking the suite
    signal.alarm(30)
    try:
        lines = list(batch.plan_many(tasks, [mini_dir], builtin=False, workers=2, summary=True))
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    assert [line["learner"] for line in lines] == names
    by_name = {line["learner"]: line for line in lines}
    assert by_name["Doomed"]["status"] == "error"
    assert by_name["Doomed"]["error"] == batch.LOST_MESSAGE
    assert by_name["Unlucky"]["status"] == "optimal" and by_name["Unlucky"]["retried"] is True
    for name in ("Sam", "Ana", "Kim", "Lee"):
        assert by_name[name]["status"] == "optimal" and "retried" not in by_name[name]
