"""Hostile input against every output: files, worker processes, Markdown, CSV, terminal, templates.

Each test attacks one class of weakness and asserts what a user can rely on afterwards.
"""

from __future__ import annotations

import dataclasses
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
from pathplanner.errors import OutputError, RenderError

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
    with pytest.raises(OutputError, match=r"already exist\(s\) \(use force to overwrite\)"):
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
    assert result.exit_code == 130  # Ctrl-C
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

    real_solve = batch._solve
    once = tmp_path / "died-once"

    def deadly(task: Any, *args: Any, **kwargs: Any) -> Any:
        if task.learner == "Unlucky" and not once.exists():
            once.touch()
            os._exit(137)  # dies on the first try only
        if task.learner == "Doomed":
            os._exit(137)  # runs in the forked worker: the process vanishes without a word
        return real_solve(task, *args, **kwargs)

    monkeypatch.setattr(batch, "_solve", deadly)
    names = ["Sam", "Doomed", "Ana", "Unlucky", "Kim", "Lee"]
    # a different start each: identical tasks would be solved once, by whoever comes first
    starts = [{}, {"python": 1}, {"python": 2}, {"sql": 1}, {"sql": 2}, {"python": 1, "sql": 1}]
    tasks = [batch.Task(n, build_profile(mini, have=h), "mle", i)
             for i, (n, h) in enumerate(zip(names, starts, strict=True))]  # fmt: skip

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


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the test hook needs fork")
def test_a_task_lost_after_the_input_ran_out_is_still_retried(
    mini: Any, mini_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The last task's worker dies once, late: by then the other worker has finished and found
    # no more input. The lost task must still be sent again, and every line must come out.
    import time

    import pathplanner.batch as batch
    from pathplanner.profile import build_profile

    real_solve = batch._solve
    once = tmp_path / "died-once"

    def late(task: Any, *args: Any, **kwargs: Any) -> Any:
        if task.learner == "Last" and not once.exists():
            once.touch()
            time.sleep(0.5)
            os._exit(137)
        return real_solve(task, *args, **kwargs)

    monkeypatch.setattr(batch, "_solve", late)
    tasks = [
        batch.Task("First", build_profile(mini, have={}), "mle", 0),
        batch.Task("Last", build_profile(mini, have={"python": 1}), "mle", 1),
    ]
    lines = list(batch.plan_many(tasks, [mini_dir], builtin=False, workers=2, summary=True))
    assert [line["learner"] for line in lines] == ["First", "Last"]
    assert lines[1]["status"] == "optimal" and lines[1]["retried"] is True


# -- injection: graph data that tries to break out of its place ----------------------------------

EVIL_TITLE = (
    "Docker\n```\n# Pwned heading\n![pixel](https://evil.example/p.png)\x1b]0;owned\x07 `x`"
    " <b>bold</b> \x9b31m"
)
EVIL_URL = "https://example.org/a)<script>alert(1)</script>"
EVIL_PROVIDER = '=HYPERLINK("https://evil.example","click")'


@pytest.fixture
def evil_dir(tmp_path: Path) -> Path:
    entries = mini_entries()
    for r in entries["resources"]:
        if r["id"] == "docker-b":
            r.update(title=EVIL_TITLE, url=EVIL_URL, provider=EVIL_PROVIDER)
        if r["id"] == "ml-course":
            r["provider"] = "-2+3"
    return write_graph(tmp_path / "evil", **entries)


@pytest.fixture
def evil(evil_dir: Path) -> Any:
    from pathplanner.load import load_catalog

    return load_catalog([evil_dir], builtin=False)


@pytest.fixture
def evil_plan(evil: Any) -> Any:
    from pathplanner.planner import plan

    return plan(evil, "mle", from_role="analyst", start=dt.date(2027, 1, 4), explain=False)


def test_markdown_cannot_be_broken_out_of(evil: Any, evil_plan: Any) -> None:
    from pathplanner.render import render_plan

    md = render_plan(evil_plan, "md", evil)
    assert "\n# Pwned" not in md and "\n![pixel]" not in md  # no injected heading or image
    assert "<b>" not in md and "<script>" not in md and "\x1b" not in md and "\x9b" not in md
    fence = md.split("```mermaid\n", 1)[1].split("\n```\n", 1)[0]
    assert fence.rstrip().endswith("classDef cert fill:#fff3cd,stroke:#b58900")  # not closed early
    assert "\n#" not in fence and "`" not in fence
    assert "](https://example.org/a%29%3Cscript%3Ealert%281%29%3C/script%3E)" in md
    for fmt in ("mermaid", "dot"):
        out = render_plan(evil_plan, fmt, evil)
        assert "\x1b" not in out and "Pwned heading" in out, fmt
        label_lines = [line for line in out.splitlines() if "Pwned" in line]
        assert len(label_lines) == 1 and "Docker" in label_lines[0], fmt  # one line, one label


def test_html_links_are_http_only_and_encoded(evil: Any, evil_plan: Any) -> None:
    from pathplanner.render import render_plan, safe_url

    html = render_plan(evil_plan, "html", evil)
    assert "<script>" not in html and "<b>bold" not in html
    assert 'href="https://example.org/a%29%3Cscript%3Ealert%281%29%3C/script%3E"' in html
    for bad in ("javascript:alert(1)", "JaVaScRiPt:alert(1)", " javascript:x", "data:text/html,x",
                "vbscript:x", "https:/x", "//evil.example/x", ""):  # fmt: skip
        assert safe_url(bad) is None, bad
    assert safe_url("https://ex.org/a b'\"`<>") == "https://ex.org/a%20b%27%22%60%3C%3E"
    assert safe_url("https://ex.org/p?q=1&r=%20#frag") == "https://ex.org/p?q=1&r=%20#frag"
    # a plan step whose URL is not http(s) gets no link at all
    steps = [dataclasses.replace(evil_plan.steps[0], url="javascript:alert(1)")]
    odd = dataclasses.replace(evil_plan, steps=steps + list(evil_plan.steps[1:]))
    for fmt in ("md", "html", "txt", "ics"):
        assert "javascript" not in render_plan(odd, fmt, evil), fmt


def test_csv_cells_cannot_be_formulas(evil: Any, evil_plan: Any, evil_dir: Path,
                                      tmp_path: Path) -> None:  # fmt: skip
    import csv

    from pathplanner.render import csv_text, render_plan

    rows = list(csv.DictReader(render_plan(evil_plan, "csv", evil).splitlines()))
    providers = {r["resource"]: r["provider"] for r in rows}
    assert providers["docker-b"] == "'" + EVIL_PROVIDER
    assert providers["ml-course"] == "'-2+3"
    assert all(r["hours"][0].isdigit() and r["cost_usd"][0].isdigit() for r in rows)
    text = csv_text(["a", "b", "c", "d", "e", "f", "g"],
                    [["=1+1", "+1", "@SUM(A1)", "\tx", "\rx", 12.5, "a\r=1+1"]])  # fmt: skip
    # a bare CR inside a cell would start a new spreadsheet row: it is a quoted newline instead
    assert text.split("\n", 1)[1] == "'=1+1,'+1,'@SUM(A1),'\tx,\"'\nx\",12.5,\"a\n=1+1\"\n"
    cohort = tmp_path / "cohort.csv"
    cohort.write_text('name,from\n"=HYPERLINK(""https://evil.example"")",analyst\n')
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["curriculum", "--no-builtin", "--graph", str(evil_dir),
                                      "--to", "mle", "--cohort", str(cohort), "--out", str(out),
                                      "--format", "csv"])  # fmt: skip
    assert result.exit_code == 0, result.output
    summary = list(csv.DictReader((out / "summary.csv").open()))
    assert summary[0]["learner"] == '\'=HYPERLINK("https://evil.example")'
    syllabus = list(csv.DictReader((out / "syllabus.csv").open()))
    assert {m["provider"] for m in syllabus} >= {"'" + EVIL_PROVIDER, "'-2+3"}


def test_terminal_output_carries_no_control_sequences(evil: Any, evil_plan: Any,
                                                      evil_dir: Path) -> None:  # fmt: skip
    from pathplanner.render import render_plan
    from pathplanner.text import terminal_safe

    assert "\x1b" not in render_plan(evil_plan, "txt", evil)
    assert terminal_safe("a\x1b[2Jb\x07c\rd\r\ne\tf\x9bg\u202eh") == (
        "a\ufffd[2Jb\ufffdc\ufffdd\r\ne\tf\ufffdg\ufffdh"
    )
    graph = ["--no-builtin", "--graph", str(evil_dir)]
    for args in (["show", "docker-b"], ["resources"], ["plan", "--from", "analyst", "--to", "mle"],
                 ["plan", "--from", "analyst", "--to", "mle", "--format", "md"],
                 ["show", "nope\x1b]0;x\x07"]):  # fmt: skip
        result = CliRunner().invoke(cli, [args[0], *graph, *args[1:]])
        for ch in ("\x1b", "\x07", "\x9b"):
            assert ch not in result.output, (args, ch)
    shown = CliRunner().invoke(cli, ["show", *graph, "docker-b", "--format", "json"])
    data = json.loads(shown.output)
    assert data["title"] == EVIL_TITLE  # JSON keeps the data, escaped
    assert "\x9b" not in shown.output and "\\u009b" in shown.output


def test_html_escaping_follows_the_output_format(tmp_path: Path, evil_dir: Path) -> None:
    tpl = tmp_path / "mine.md.j2"  # not named *.html*
    tpl.write_text("{{ plan.steps[0].title }}\n")
    base = ["plan", "--no-builtin", "--graph", str(evil_dir), "--from", "analyst", "--to", "mle",
            "--template", str(tpl)]  # fmt: skip
    result = CliRunner().invoke(cli, [*base, "-o", str(tmp_path / "x.html")])
    assert result.exit_code == 0, result.output
    html = (tmp_path / "x.html").read_text()
    assert "&lt;b&gt;bold&lt;/b&gt;" in html and "<b>" not in html
    result = CliRunner().invoke(cli, [*base, "-o", str(tmp_path / "x.md")])
    assert "<b>bold</b>" in (tmp_path / "x.md").read_text()  # Markdown output is not HTML


# -- user templates: only the named files, bounded time, size and output -------------------------


@pytest.fixture
def limits(monkeypatch: pytest.MonkeyPatch) -> Any:
    """Small limits, so that the tests are quick; and a guard that turns a hang into a failure."""
    from pathplanner import _sandbox

    limits = _sandbox.Limits(seconds=0.5, output_chars=100_000, value_len=50_000)
    monkeypatch.setattr(_sandbox, "LIMITS", limits)

    def hang(signum: int, frame: Any) -> None:
        raise TimeoutError("the template was not stopped")

    previous = signal.signal(signal.SIGALRM, hang)
    signal.alarm(20)
    yield limits
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


def render_user(tmp_path: Path, mini: Any, source: str | bytes, name: str = "mine.md.j2") -> str:
    from pathplanner.planner import plan
    from pathplanner.render import render_plan

    tpl = tmp_path / name
    if isinstance(source, bytes):
        tpl.write_bytes(source)
    else:
        tpl.write_text(source)
    return render_plan(plan(mini, "mle", from_role="analyst", explain=False), "md", mini,
                       template=tpl)  # fmt: skip


def test_templates_read_only_the_files_named(tmp_path: Path, mini: Any) -> None:
    from pathplanner.planner import plan
    from pathplanner.render import render_plan

    (tmp_path / ".ssh").mkdir()
    (tmp_path / ".ssh" / "id_rsa").write_text("PRIVATE KEY")
    (tmp_path / "other.j2").write_text("other")
    for source in ('{% include ".ssh/id_rsa" %}', '{% include "other.j2" %}',
                   '{% import "other.j2" as x %}', '{% extends "/etc/passwd" %}'):  # fmt: skip
        with pytest.raises(RenderError) as info:
            render_user(tmp_path, mini, "x\n" + source + "\n")
        assert str(info.value).startswith(f"{tmp_path / 'mine.md.j2'}: line 2: template not found")
    # a --templates directory: its plan/syllabus templates only, and no link out of it
    tdir = tmp_path / "tpl"
    tdir.mkdir()
    (tdir / "plan.md.j2").symlink_to(tmp_path / ".ssh" / "id_rsa")
    p = plan(mini, "mle", from_role="analyst", explain=False)
    with pytest.raises(RenderError, match="links out of"):
        render_plan(p, "md", mini, templates_dir=tdir)
    (tdir / "plan.md.j2").unlink()
    (tdir / "plan.md.j2").write_text('{% include "plan.mmd.j2" %}')
    with pytest.raises(RenderError, match=r"template not found: plan\.mmd\.j2"):
        render_plan(p, "md", mini, templates_dir=tdir)


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("{% for i in range(99999) %}{% for j in range(99999) %}{% endfor %}{% endfor %}",
         "rendering took longer than 0.5 s"),
        ("{% macro f(n) %}{{ f(n) }}{{ f(n) }}{% endmacro %}{{ f(1) }}", "recursion too deep"),
        ("{% macro d(n) %}{% if n %}{{ d(n-1) }}{{ d(n-1) }}{% else %}x{% endif %}{% endmacro %}"
         "{{ d(60) }}", "a value would exceed"),
        ("{{ 'a' * 10**10 }}", "a repeated string or list would exceed 50,000 characters"),
        ("{{ [1] * 10**10 }}", "a repeated string or list would exceed"),
        ("{{ 7 ** 1000000000 }}", "a number would exceed"),
        ("{% set ns = namespace(s='ab') %}{% for i in range(60) %}{% set ns.s = ns.s ~ ns.s %}"
         "{% endfor %}", "a value would exceed"),
        ("{{ ('a' * 40000).replace('', 'xyz') }}", "a string would exceed"),
        ("{{ 'x'|center(10**10) }}", "a centred string would exceed"),
        ("{{ '%999999999d'|format(1) }}", "a formatted field would exceed"),
        ("{{ '{:>999999999}'.format(1) }}", "a formatted field would exceed"),
        ("{{ ((['a' * 40000]) * 100)|join }}", "a joined string would exceed"),
        ("{{ lipsum(10**6) }}", "lorem ipsum would exceed"),
        ("{% for i in range(1000) %}{{ 'a' * 1000 }}{% endfor %}", "output exceeds 0.1 MB"),
        ("{{ range(10**9)|list }}", "Range too big"),
        ("{{ ('\t' * 1000).expandtabs(10**6) }}", "a string would exceed"),
        ("{{ ('a' * 40000).ljust(10**9) }}", "a padded string would exceed"),
        ("{{ ('x' * 100)|indent(10**5) }}", "an indented string would exceed"),
        ("{{ ('ab ' * 10000)|wordwrap(1, wrapstring='x' * 10) }}", "a wrapped string would exceed"),
        ("{{ ('a' * 40000)|replace('a', 'bb') }}", "a string would exceed"),
        ("{{ [1, 2]|batch(10**9)|list }}", "a batch would exceed"),
        ("{{ {'a': 1}|tojson(indent=99) }}", "tojson indent may be at most 16"),
        ("{{ '{:{}}'.format(1, 10**9) }}", "a formatted field would exceed"),
        ("{{ '%*d'|format(10**9, 1) }}", "a formatted field would exceed"),
        ("{{ ', '.join(['a' * 40000, 'b' * 40000]) }}", "a joined string would exceed"),
        ("{{ 1 / 0 }}", "division by zero"),
        ("{{ 1 // 0 }}", "division by zero"),
        ("{{ plan.total_hours + 'h' }}", "unsupported operand type(s) for +"),
        ("{{ [].append(1) }}", "not allowed in a sandboxed template"),
    ],
    ids=lambda v: v[:40] if isinstance(v, str) else v,
)  # fmt: skip
def test_templates_are_bounded_and_fail_as_one_line(
    tmp_path: Path, mini: Any, limits: Any, source: str, message: str, monkeypatch: Any
) -> None:
    from pathplanner import _sandbox

    if "took longer" not in message:  # a slow machine must not hit the clock before the cap
        monkeypatch.setattr(_sandbox, "LIMITS", dataclasses.replace(limits, seconds=8.0))
    started = time.monotonic()
    with pytest.raises(RenderError) as info:
        render_user(tmp_path, mini, "first line\n" + source + "\n")
    text = str(info.value)
    assert text.startswith(f"{tmp_path / 'mine.md.j2'}: line 2: "), text
    assert message in text and "\n" not in text
    assert time.monotonic() - started < 10


def test_template_files_must_be_utf8_text(tmp_path: Path, mini: Any) -> None:
    with pytest.raises(RenderError) as info:
        render_user(tmp_path, mini, "Plan für {{ plan.target }}\n".encode("latin-1"))
    assert str(info.value) == (
        f"{tmp_path / 'mine.md.j2'}: line 1: not UTF-8 text (byte 7); save the template as UTF-8"
    )
    fifo = tmp_path / "fifo.md.j2"
    os.mkfifo(fifo)
    from pathplanner.planner import plan
    from pathplanner.render import render_plan

    with pytest.raises(RenderError, match="not a regular file"):
        render_plan(plan(mini, "mle", from_role="analyst"), "md", mini, template=fifo)


def test_template_errors_reach_the_user_as_one_line(tmp_path: Path, mini_dir: Path) -> None:
    tpl = tmp_path / "mine.md.j2"
    tpl.write_text("ok\n{{ 1 / 0 }}\n")
    result = CliRunner().invoke(cli, [*plan_cmd(mini_dir), "--template", str(tpl)])
    assert result.exit_code == 1
    assert result.output == f"Error: {tpl}: line 2: division by zero\n"
