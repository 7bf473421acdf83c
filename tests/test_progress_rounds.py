"""Progress loses nothing: rounds of tick-and-re-plan keep the whole state and every tick."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import icalendar
import pytest
from click.testing import CliRunner
from conftest import mini_entries, write_graph

from pathplanner.cli import cli
from pathplanner.errors import ProfileError
from pathplanner.load import load_catalog
from pathplanner.planner import plan
from pathplanner.profile import Profile, build_profile
from pathplanner.progress import (
    StateError,
    parse_state,
    read_markdown_progress,
    read_progress,
    replan,
    state_comment,
)
from pathplanner.render import render_plan

START = "2027-01-04"
CONSTRAINTS = ["--with-cert", "cert-x", "--exclude-kind", "book", "--max-hours", "80"]


def run(*args: str) -> Any:
    result = CliRunner().invoke(cli, list(args))
    return result


def ok(*args: str) -> str:
    result = run(*args)
    assert result.exit_code == 0, result.output
    return str(result.output)


def graph_args(mini_dir: Path) -> list[str]:
    return ["--no-builtin", "--graph", str(mini_dir)]


@pytest.fixture
def profile_file(tmp_path: Path) -> Path:
    path = tmp_path / "me.yaml"
    path.write_text(
        "name: Sam\nskills: {python: 1, sql: 1}\nhours_per_week: 12\nbudget_usd: 500\n",
        encoding="utf-8",
    )
    return path


def first_plan(tmp_path: Path, mini_dir: Path, profile_file: Path) -> Path:
    md = tmp_path / "plan.md"
    ok(
        "plan",
        *graph_args(mini_dir),
        "--profile",
        str(profile_file),
        "--to",
        "mle",
        "--start",
        START,
        *CONSTRAINTS,
        "-o",
        str(md),
    )
    return md


def tick(md: Path, rid: str) -> None:
    """Tick the plan's own step line of a resource, as a learner would."""
    lines = md.read_text(encoding="utf-8").splitlines(keepends=True)
    marker = f"<!-- step: {rid} -->"
    hits = [i for i, line in enumerate(lines) if line.rstrip().endswith(marker)]
    assert len(hits) == 1, f"no single step line for {rid}"
    lines[hits[0]] = lines[hits[0]].replace("- [ ] ", "- [x] ", 1)
    md.write_text("".join(lines), encoding="utf-8")


def partly(md: Path, rid: str, hours: float, total: float) -> None:
    """Note hours done at the end of a step line: '... <!-- step: id --> (8/20 h)'."""
    marker = f"<!-- step: {rid} -->"
    lines = md.read_text(encoding="utf-8").splitlines(keepends=True)
    for i, line in enumerate(lines):
        if marker in line:
            body = re.sub(r" · done so far \([\d.]+/[\d.]+ h\)", "", line.rstrip("\n"))
            lines[i] = f"{body} ({hours:g}/{total:g} h)\n"
    md.write_text("".join(lines), encoding="utf-8")


def state_of_md(md: Path) -> dict[str, Any]:
    for line in md.read_text(encoding="utf-8").splitlines():
        if line.startswith("<!-- pathplanner-state: "):
            return dict(json.loads(line.removeprefix("<!-- pathplanner-state: ")[: -len(" -->")]))
    raise AssertionError("no state line")


def step_ids(md: Path) -> tuple[list[str], list[str]]:
    prog = read_markdown_progress(md)
    return list(prog.open), list(prog.done)


def progress_round(md: Path, mini_dir: Path, tmp_path: Path, n: int) -> dict[str, Any]:
    """Re-plan a ticked plan: JSON from a copy, and the Markdown over itself with --force."""
    copy = tmp_path / f"round-{n}.md"
    copy.write_text(md.read_text(encoding="utf-8"), encoding="utf-8")
    doc = json.loads(ok("progress", *graph_args(mini_dir), "--from-markdown", str(copy),
                        "--format", "json"))  # fmt: skip
    ok("progress", *graph_args(mini_dir), "--from-markdown", str(md), "-o", str(md), "--force")
    return dict(doc)


def assert_same_start(state: dict[str, Any]) -> None:
    assert state["format"] == "pathplanner-state/1"
    assert state["learner"] == "Sam"
    assert state["target"] == "mle"
    assert state["skills"] == {"python": 1, "sql": 1}
    assert state["hours_per_week"] == 12
    assert state["start_date"] == START
    assert state["objective"] == "hours"
    c = state["constraints"]
    assert c["budget_usd"] == 500
    assert c["max_hours"] == 80
    assert c["with_certs"] == ["cert-x"]
    assert c["exclude_kinds"] == ["book"]
    assert c["free_only"] is False and c["include"] == [] and c["exclude_providers"] == []


def test_three_rounds_lose_nothing(tmp_path: Path, mini_dir: Path, profile_file: Path) -> None:
    md = first_plan(tmp_path, mini_dir, profile_file)
    assert_same_start(state_of_md(md))
    assert step_ids(md) == (["docker-b", "py-paid", "ml-course", "exam-x"], [])

    # Round 1: Docker B finished, 8 of the 20 hours of the ML course done.
    tick(md, "docker-b")
    partly(md, "ml-course", 8, 20)
    doc = progress_round(md, mini_dir, tmp_path, 1)
    for state in (state_of_md(md), doc["plan"]["state"]):
        assert_same_start(state)
        assert [d["resource"] for d in state["done"]] == ["docker-b"]
        assert state["done"][0]["round"] == 1
        assert state["done_hours"] == {"ml-course": 8}
        assert state["round"] == 1
    steps = {s["resource"]: s for s in doc["plan"]["steps"]}
    assert list(steps) == ["py-paid", "ml-course", "exam-x"]
    assert steps["ml-course"]["hours"] == 12 and steps["ml-course"]["done_hours"] == 8
    assert doc["plan"]["total_hours"] == 6 + 12 + 2
    assert doc["plan"]["hours_per_week"] == 12
    # 14 h finished and 8 h studied at 12 h/week: the rest starts two weeks in.
    assert doc["plan"]["start_date"] == "2027-01-18"
    assert doc["plan"]["constraints"]["max_hours"] == 80 - 14
    assert step_ids(md) == (["py-paid", "ml-course", "exam-x"], ["docker-b"])
    text = md.read_text(encoding="utf-8")
    assert "## Done" in text
    assert re.search(r"^- \[x\] .*\(`docker-b`\).*<!-- step: docker-b -->$", text, re.M)
    assert "12 h left" in text and "done so far (8/20 h)" in text

    # Round 2: Py Paid finished (bought: $20 of the budget), the course is at 15 h.
    tick(md, "py-paid")
    partly(md, "ml-course", 15, 20)
    doc = progress_round(md, mini_dir, tmp_path, 2)
    for state in (state_of_md(md), doc["plan"]["state"]):
        assert_same_start(state)
        assert [(d["resource"], d["round"]) for d in state["done"]] == [
            ("docker-b", 1),
            ("py-paid", 2),
        ]
        assert state["done_hours"] == {"ml-course": 15}
    assert [s["resource"] for s in doc["plan"]["steps"]] == ["ml-course", "exam-x"]
    assert doc["plan"]["steps"][0]["hours"] == 5
    assert doc["plan"]["constraints"]["budget_usd"] == 480
    assert doc["done"] == ["docker-b", "py-paid"]
    assert step_ids(md) == (["ml-course", "exam-x"], ["docker-b", "py-paid"])

    # Round 3: everything finished.
    tick(md, "ml-course")
    tick(md, "exam-x")
    doc = progress_round(md, mini_dir, tmp_path, 3)
    for state in (state_of_md(md), doc["plan"]["state"]):
        assert_same_start(state)
        assert [d["resource"] for d in state["done"]] == [
            "docker-b",
            "py-paid",
            "exam-x",
            "ml-course",
        ]
        assert state["done_hours"] == {}
        assert state["round"] == 3
    assert doc["plan"]["steps"] == []
    assert step_ids(md) == ([], ["docker-b", "py-paid", "exam-x", "ml-course"])
    assert md.read_text(encoding="utf-8").count("- [x] ") == 4

    # A fourth re-plan with nothing new changes nothing but the round.
    again = json.loads(ok("progress", *graph_args(mini_dir), "--from-plan", str(md),
                          "--format", "json"))  # fmt: skip
    assert again["done"] == doc["done"]
    assert again["plan"]["state"]["round"] == 4


def test_json_and_html_plans_carry_the_state(
    tmp_path: Path, mini_dir: Path, profile_file: Path
) -> None:
    args = ["plan", *graph_args(mini_dir), "--profile", str(profile_file), "--to", "mle",
            "--start", START, *CONSTRAINTS]  # fmt: skip
    ok(*args, "-o", str(tmp_path / "plan.json"))
    ok(*args, "-o", str(tmp_path / "plan.html"))
    ok(*args, "-o", str(tmp_path / "plan.md"))
    states = [read_progress(tmp_path / f"plan.{ext}").state for ext in ("json", "html", "md")]
    assert states[0] is not None
    assert_same_start(states[0].to_json())
    assert states[0] == states[1] == states[2]
    # A JSON plan re-plans like the Markdown one, with --done for what was finished.
    doc = json.loads(ok("progress", *graph_args(mini_dir), "--from-plan",
                        str(tmp_path / "plan.json"), "--done", "docker-b", "--format", "json"))  # fmt: skip
    assert_same_start(doc["plan"]["state"])
    assert doc["done"] == ["docker-b"]


def test_options_given_to_progress_change_the_state_from_now_on(
    tmp_path: Path, mini_dir: Path, profile_file: Path
) -> None:
    md = first_plan(tmp_path, mini_dir, profile_file)
    doc = json.loads(ok("progress", *graph_args(mini_dir), "--from-markdown", str(md),
                        "--hours-per-week", "4", "--exclude-kind", "book", "--format", "json"))  # fmt: skip
    state = doc["plan"]["state"]
    assert state["hours_per_week"] == 4 and state["constraints"]["exclude_kinds"] == ["book"]
    assert state["constraints"]["with_certs"] == ["cert-x"]  # kept: not given again
    assert state["constraints"]["budget_usd"] == 500  # untouched: not given
    assert state["learner"] == "Sam" and state["skills"] == {"python": 1, "sql": 1}


def test_recalendar_updates_instead_of_duplicating(
    tmp_path: Path, mini_dir: Path, profile_file: Path
) -> None:
    md = first_plan(tmp_path, mini_dir, profile_file)
    ics = [tmp_path / "plan-0.ics"]
    ok("plan", *graph_args(mini_dir), "--profile", str(profile_file), "--to", "mle",
       "--start", START, *CONSTRAINTS, "-o", str(ics[0]))  # fmt: skip
    tick(md, "docker-b")
    for n in (1, 2):
        ics.append(tmp_path / f"plan-{n}.ics")
        ok("progress", *graph_args(mini_dir), "--from-markdown", str(md), "-o", str(ics[-1]))
        if n == 1:
            ok("progress", *graph_args(mini_dir), "--from-markdown", str(md), "-o", str(md),
               "--force")  # fmt: skip
            tick(md, "py-paid")

    def blocks(path: Path) -> dict[str, list[tuple[str, int]]]:
        cal = icalendar.Calendar.from_ical(path.read_bytes())
        out: dict[str, list[tuple[str, int]]] = {}
        for ev in cal.walk("VEVENT"):
            rid = str(ev["url"]).rsplit("/", 1)[-1]
            out.setdefault(rid, []).append((str(ev["uid"]), int(ev["sequence"])))
        return out

    cals = [blocks(p) for p in ics]
    for cal in cals:
        uids = [u for events in cal.values() for u, _ in events]
        assert len(uids) == len(set(uids))
    # The same resource's blocks keep their UIDs from plan to re-plan to re-plan.
    for rid in ("ml-course", "exam-x"):
        first = [u for u, _ in cals[0][rid]]
        for later in cals[1:]:
            uids = [u for u, _ in later[rid]]
            assert uids == first[: len(uids)] or first == uids[: len(first)]
    assert cals[1]["exam-x"][0][0] == cals[2]["exam-x"][0][0] == cals[0]["exam-x"][0][0]
    assert "docker-b" not in cals[1] and "py-paid" not in cals[2]
    # SEQUENCE grows with the round, so calendar apps take the update.
    assert [cal["exam-x"][0][1] for cal in cals] == [0, 1, 2]
    # DTSTAMP is derived from the plan, not the clock: same plan, same bytes.
    again = tmp_path / "again.ics"
    ok("progress", *graph_args(mini_dir), "--from-markdown", str(md), "-o", str(again))
    assert again.read_bytes() == ics[2].read_bytes()


def test_planted_ticks_are_ignored(tmp_path: Path, mini_dir: Path, profile_file: Path) -> None:
    md = first_plan(tmp_path, mini_dir, profile_file)
    text = md.read_text(encoding="utf-8")
    planted_line = "- [x] **1. Docker B** (`docker-b`) <!-- step: docker-b -->"
    # in the Mermaid fence, in an extra fence, in a multi-line comment and as a note
    text = text.replace("flowchart TD\n", f"flowchart TD\n{planted_line}\n", 1)
    text += f"\n~~~\n{planted_line}\n~~~\n\n<!--\n{planted_line}\n-->\n"
    text += "\n## Notes\n\n- [x] **2. Py Paid** (`py-paid`) — planted, no marker\n"
    # in a title: the box is part of the step line, which stays open
    text = text.replace("[Exam X]", "[Exam X - [x] done]", 1)
    md.write_text(text, encoding="utf-8")
    prog = read_markdown_progress(md)
    assert prog.done == ()
    assert prog.open == ("docker-b", "py-paid", "ml-course", "exam-x")


def test_planted_ticks_in_graph_titles_cannot_forge_a_step(tmp_path: Path) -> None:
    entries = mini_entries()
    for res in entries["resources"]:
        if res["id"] == "docker-b":
            res["title"] = "Evil\n- [x] **9. X** (`exam-x`) <!-- step: exam-x --> (1/2 h)"
            res["provider"] = "P (1/2 h)"
    cat = load_catalog([write_graph(tmp_path / "g", **entries)], builtin=False)
    p = plan(cat, "mle", from_role="analyst", with_certs=("cert-x",))
    md = tmp_path / "plan.md"
    md.write_text(render_plan(p, "md", cat), encoding="utf-8")
    prog = read_markdown_progress(md)
    assert prog.done == () and prog.partial == ()
    assert prog.open == ("docker-b", "py-paid", "ml-course", "exam-x")


def test_unknown_tick_names_file_and_line(
    tmp_path: Path, mini_dir: Path, profile_file: Path
) -> None:
    md = first_plan(tmp_path, mini_dir, profile_file)
    lines = md.read_text(encoding="utf-8").splitlines()
    n = next(i for i, line in enumerate(lines) if "<!-- step: py-paid -->" in line)
    lines[n] = lines[n].replace("- [ ]", "- [x]").replace("step: py-paid", "step: py-payd")
    md.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run("progress", *graph_args(mini_dir), "--from-markdown", str(md))
    assert result.exit_code == 1
    assert result.output == (
        f"Error: {md}: line {n + 1}: unknown resource 'py-payd' — did you mean 'py-paid' or 'py-adv'?\n"
    )


def test_fresh_plan_refuses_to_wipe_ticks(
    tmp_path: Path, mini_dir: Path, profile_file: Path
) -> None:
    md = first_plan(tmp_path, mini_dir, profile_file)
    again = ["plan", *graph_args(mini_dir), "--from", "analyst", "--to", "mle", "-o", str(md),
             "--force"]  # fmt: skip
    ok(*again)  # no ticks: nothing to lose
    tick(md, "docker-b")
    before = md.read_text(encoding="utf-8")
    result = run(*again)
    assert result.exit_code == 1
    assert "records finished steps" in result.output
    assert "Re-plan from it instead (progress keeps them)" in result.output
    assert md.read_text(encoding="utf-8") == before
    # progress writing into another ticked file is refused as well
    other = tmp_path / "other.md"
    other.write_text(before, encoding="utf-8")
    src = tmp_path / "src.md"
    src.write_text(before, encoding="utf-8")
    result = run("progress", *graph_args(mini_dir), "--from-markdown", str(src), "-o",
                 str(other), "--force")  # fmt: skip
    assert result.exit_code == 1 and "records finished steps" in result.output


def test_state_line_cannot_be_closed_by_data(mini: Any) -> None:
    me = Profile(skills={"python": 1}, name="Sam --> <b>x</b> --!> -", stated={"python": 1})
    p = plan(mini, "mle", me)
    assert p.state is not None
    line = state_comment(p.state)
    inner = line.removeprefix("<!-- pathplanner-state: ").removesuffix(" -->")
    assert "--" not in inner and ">" not in inner and "<" not in inner
    assert parse_state(json.loads(inner), "x").learner == "Sam --> <b>x</b> --!> -"


def test_malformed_state_is_a_clear_error(
    tmp_path: Path, mini_dir: Path, profile_file: Path
) -> None:
    md = first_plan(tmp_path, mini_dir, profile_file)
    text = md.read_text(encoding="utf-8").replace('"hours_per_week":12.0', '"hours_per_week":-1')
    md.write_text(text, encoding="utf-8")
    with pytest.raises(StateError, match=r"plan\.md: line 2: pathplanner-state: hours_per_week: "):
        read_markdown_progress(md)
    result = run("progress", *graph_args(mini_dir), "--from-markdown", str(md))
    assert result.exit_code == 1 and result.output.startswith(f"Error: {md}: line 2:")
    md.write_text(text.replace('"format":"pathplanner-state/1"', '"format":"x/9"'))
    with pytest.raises(StateError, match="format 'x/9' is not 'pathplanner-state/1'"):
        read_markdown_progress(md)
    assert issubclass(StateError, ProfileError)
    # a state naming what the graph no longer has: one line, with file and line
    md.write_text(text.replace('"hours_per_week":-1', '"hours_per_week":12').replace(
        '"skills":{"python":1,', '"skills":{"pyhton":1,'), encoding="utf-8")  # fmt: skip
    result = run("progress", *graph_args(mini_dir), "--from-markdown", str(md))
    assert result.exit_code == 1
    assert result.output == (
        f"Error: {md}: line 2: pathplanner-state: skills.pyhton: unknown skill 'pyhton'"
        " — did you mean 'python'?\n"
    )


def test_library_done_hours_keep_the_step_with_hours_left(mini: Any) -> None:
    me = build_profile(mini, from_role="analyst", done_hours={"ml-course": 20 - 5})
    p = plan(mini, "mle", me, hours_per_week=8, start=dt.date(2027, 1, 4))
    step = next(s for s in p.steps if s.resource == "ml-course")
    assert (step.hours, step.done_hours) == (5, 15)
    assert p.total_hours == 14 + 6 + 5
    assert p.state is not None and p.state.done_hours == {"ml-course": 15}
    # a partial step the cheapest plan would not pick stays in: the learner began it
    me = build_profile(mini, from_role="analyst", done_hours={"docker-a": 4})
    p = plan(mini, "mle", me)
    assert "docker-a" in [s.resource for s in p.steps]
    # replan: enough hours make a step finished
    rest = replan(mini, p.state, done_hours={"docker-a": 10})  # type: ignore[arg-type]
    assert rest.state is not None and "docker-a" in rest.state.finished
    assert "docker-a" not in [s.resource for s in rest.steps]


def test_profile_file_done_hours(tmp_path: Path, mini: Any) -> None:
    path = tmp_path / "p.yaml"
    path.write_text("skills: {python: 1}\ndone_hours: {ml-course: 0}\n")
    with pytest.raises(ProfileError, match=r"done_hours\.ml-course: must be a positive number"):
        build_profile(mini, profile_file=path)
    path.write_text("skills: {python: 1}\ndone_hours: {ml-cours: 3}\n")
    with pytest.raises(ProfileError, match="unknown resource 'ml-cours'"):
        build_profile(mini, profile_file=path)


def test_plans_written_before_states_still_read(
    tmp_path: Path, mini_dir: Path, profile_file: Path
) -> None:
    md = first_plan(tmp_path, mini_dir, profile_file)
    text = re.sub(r"^<!-- pathplanner-state: .*\n", "", md.read_text(encoding="utf-8"), flags=re.M)
    text = re.sub(r" <!-- step: [a-z0-9-]+ -->", "", text)
    md.write_text(text.replace("- [ ] **1.", "- [x] **1.", 1), encoding="utf-8")
    prog = read_markdown_progress(md)
    assert prog.state is None and prog.done == ("docker-b",) and prog.target == "mle"
    doc = json.loads(ok("progress", *graph_args(mini_dir), "--from-markdown", str(md),
                        "--profile", str(profile_file), "--format", "json"))  # fmt: skip
    assert doc["done"] == ["docker-b"]
    assert doc["plan"]["state"]["learner"] == "Sam"
    assert doc["plan"]["state"]["done"] == [{"resource": "docker-b", "round": 1, "date": None}]
