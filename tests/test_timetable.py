"""The cohort timetable (issue 13): tracks, own modules, placement hints, keeping up, status."""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import stat
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import resource, role, skill, write_graph

from pathplanner.cli import cli

BOOTCAMP = Path(__file__).parent / "fixtures" / "bootcamp"
START = dt.date(2027, 1, 4)
OWN = {"sds-orientation", "sds-sql", "sds-statistics", "sds-dataviz", "sds-dashboards",
       "sds-capstone"}  # fmt: skip


# -- the 12-week, 15-learner data-analyst bootcamp (our own sample) ------------------------------


@pytest.fixture(scope="module")
def bootcamp() -> Any:
    from pathplanner.cohort import read_cohort
    from pathplanner.curriculum import build_curriculum
    from pathplanner.load import load_catalog

    catalog = load_catalog([BOOTCAMP / "graph"])
    learners, problems = read_cohort(catalog, BOOTCAMP / "cohort.csv")
    assert problems == [] and len(learners) == 15
    cur = build_curriculum(catalog, "data-analyst", learners, weeks=12, start=START)
    return catalog, cur


def test_bootcamp_fits_twelve_weeks_at_each_learners_pace(bootcamp: Any) -> None:
    _, cur = bootcamp
    table = cur.timetable
    assert table.weeks == 12 and table.weeks_given
    assert all(1 <= m.end_week <= 12 for m in cur.modules)
    assert [x.name for x in table.behind] == []
    paces = {x.name: x.hours_per_week for x in table.learners}
    assert paces["Ana Lima"] == 15 and paces["Eli Stone"] == 25  # their own hours, not 8
    # learners with the same start share a route (Ana, Ben, Gus, Jo, Omar; Chen, Max; Dana, Kai)
    assert cur.solved == 9


def test_bootcamp_uses_every_own_module_someone_needs(bootcamp: Any) -> None:
    _, cur = bootcamp
    assert {m.resource for m in cur.modules if m.own} == OWN
    (unused,) = cur.timetable.unused_own
    assert unused.resource == "sds-spreadsheets"
    assert unused.reason == "nobody needs Excel and spreadsheets 2: all learners already have it"


def test_bootcamp_capstone_last_orientation_first_learners_by_name(bootcamp: Any) -> None:
    _, cur = bootcamp
    by_id = {m.resource: m for m in cur.modules}
    cap, orient = by_id["sds-capstone"], by_id["sds-orientation"]
    assert cur.modules[-1] is cap and cap.end_week == 12 and cap.position == "last"
    assert all(m.start_week <= cap.start_week for m in cur.modules)
    assert cur.modules[0] is orient and orient.start_week == 1
    # Fatima and Nia already communicate with stakeholders and know the business
    assert "Fatima Khan" not in orient.learners and "Nia Brown" not in orient.learners
    assert "Ana Lima" in orient.learners and len(orient.learners) == 13
    assert cap.track == "core" and cap.assessment
    # the capstone is the last step of every personal plan that has it
    for _, p in cur.plans:
        ids = [s.resource for s in p.steps]
        if "sds-capstone" in ids:
            assert ids[-1] == "sds-capstone"
    # a module taken by a few is not core, and names its learners
    for m in cur.modules:
        if m.track != "core":
            assert len(m.learners) < 8
            assert m.position is None


def test_learning_outcomes_come_from_level_descriptors(bootcamp: Any) -> None:
    _, cur = bootcamp
    viz = next(m for m in cur.modules if m.resource == "sds-dataviz")
    texts = [o.text for o in viz.outcomes]
    assert texts[1].startswith("Data visualization principles (working): Apply perception")
    assert "critique and redesign misleading charts" in texts[1]


def test_too_few_weeks_says_who_cannot_and_what_they_need(bootcamp: Any) -> None:
    from pathplanner.timetable import build_timetable

    catalog, cur = bootcamp
    table = build_timetable(catalog, "data-analyst", cur.plans, weeks=6, start=START)
    behind = {x.name: x for x in table.behind}
    assert "Ana Lima" in behind and "Max Dubois" not in behind  # 15 vs 25 h/week
    ana = behind["Ana Lima"]
    assert ana.needs_hours_per_week > 15 and ana.weeks_at_own_pace == 9
    assert ana.note.startswith("cannot keep up at 15 h/week from week ")
    assert f"would need {ana.needs_hours_per_week:g} h/week, or 9 weeks" in ana.note
    # without weeks: the fewest in which everyone keeps up
    free = build_timetable(catalog, "data-analyst", cur.plans, start=START)
    assert not free.behind and not free.weeks_given
    assert build_timetable(catalog, "data-analyst", cur.plans, weeks=free.weeks - 1).behind


def test_bootcamp_cli_writes_index_calendars_atomically(tmp_path: Path) -> None:
    out = tmp_path / "cohort"
    args = ["curriculum", "--graph", str(BOOTCAMP / "graph"), "--to", "data-analyst",
            "--cohort", str(BOOTCAMP / "cohort.csv"), "--weeks", "12", "--start", "2027-01-04",
            "--out", str(out), "--format", "md"]  # fmt: skip
    old = os.umask(0o022)
    try:
        result = CliRunner().invoke(cli, args)
    finally:
        os.umask(old)
    assert result.exit_code == 0, result.output
    assert result.output.startswith("wrote 34 files to ")  # 15 plans, 15 calendars, 4 more
    assert "timetable of 12 weeks" in result.output
    assert (
        "own module not used: Spreadsheet analysis (sds-spreadsheets): nobody needs"
        in result.output
    )
    index = (out / "index.html").read_text()
    for p in sorted((out / "learners").glob("*.md")):
        assert f'href="learners/{p.name}"' in index
        assert f'href="learners/{p.stem}.ics"' in index
        assert (p.with_suffix(".ics")).read_text().startswith("BEGIN:VCALENDAR")
    assert 'href="syllabus.md"' in index
    assert stat.S_IMODE((out / "index.html").stat().st_mode) == 0o644
    doc = json.loads((out / "timetable.json").read_text())
    assert doc["format"] == "pathplanner-timetable/1" and doc["weeks"] == 12
    md = (out / "syllabus.md").read_text()
    assert "## Our modules not used" in md and "**Learners (13):** Ana Lima, Ben Okafor" in md
    again = CliRunner().invoke(cli, args)
    assert again.exit_code == 1 and "already exist(s) (use --force to overwrite)" in again.output


# -- placement hints and own modules on small graphs ---------------------------------------------


def hint_graph(root: Path, **extra: dict[str, Any]) -> Path:
    resources = [
        resource("r-a", {"a": 1}, hours=2, **extra.get("r-a", {})),
        resource("r-b", {"b": 1}, hours=2, **extra.get("r-b", {})),
        resource("r-cap", {"c": 1}, hours=3, **extra.get("r-cap", {})),
        resource("r-z-orient", {"d": 1}, hours=1, **extra.get("r-z-orient", {})),
    ]
    return write_graph(
        root,
        skills=[skill(s, levels=1) for s in "abcd"],
        resources=resources,
        roles=[role("goal", {"a": 1, "b": 1, "c": 1, "d": 1})],
    )


def test_placement_hints_order_every_plan(tmp_path: Path) -> None:
    from pathplanner.load import load_catalog
    from pathplanner.planner import plan

    plain = load_catalog([hint_graph(tmp_path / "plain")], builtin=False)
    assert [s.resource for s in plan(plain, "goal", explain=False).steps] == [
        "r-a", "r-b", "r-cap", "r-z-orient"]  # fmt: skip
    hinted = load_catalog(
        [
            hint_graph(
                tmp_path / "hinted",
                **{
                    "r-cap": {"position": "last"},
                    "r-z-orient": {"position": "first"},
                    "r-a": {"after": ["r-b"]},
                },
            )
        ],
        builtin=False,
    )
    assert [s.resource for s in plan(hinted, "goal", explain=False).steps] == [
        "r-z-orient", "r-b", "r-a", "r-cap"]  # fmt: skip


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"r-a": {"after": ["r-bb"]}},
         "r-a: after.0: unknown resource 'r-bb' — did you mean 'r-b'?"),
        ({"r-a": {"after": ["r-b"]}, "r-b": {"after": ["r-a"]}},
         "r-a: after: the placement hints make a cycle: r-a after r-b after r-a"),
        ({"r-a": {"after": ["r-cap"]}, "r-cap": {"position": "last"}},
         "r-a: after.0: 'r-cap' has position: last, so nothing can come after it"),
        ({"r-a": {"after": ["r-a"]}}, "after lists the resource itself"),
        ({"r-a": {"position": "first", "after": ["r-b"]}},
         "a resource with position: first cannot come after others"),
        ({"r-a": {"position": "middle"}}, "position"),
        ({"r-a": {"preferred": "yes please"}}, "preferred"),
    ],
)  # fmt: skip
def test_placement_hints_are_validated(tmp_path: Path, extra: Any, message: str) -> None:
    graph = hint_graph(tmp_path / "g", **extra)
    result = CliRunner().invoke(cli, ["validate", "--no-builtin", "--graph", str(graph)])
    assert result.exit_code == 1
    assert message in result.output


def test_export_carries_the_hints(tmp_path: Path) -> None:
    from pathplanner.export import export_graph
    from pathplanner.load import load_catalog

    graph = hint_graph(tmp_path / "g", **{"r-cap": {"position": "last", "preferred": True},
                                          "r-a": {"after": ["r-b"]}})  # fmt: skip
    doc = export_graph(load_catalog([graph], builtin=False))
    res = {r["id"]: r for r in doc["resources"]}
    assert res["r-cap"]["position"] == "last" and res["r-cap"]["preferred"] is True
    assert res["r-a"]["after"] == ["r-b"]
    assert "position" not in res["r-b"] and "preferred" not in res["r-b"]


def own_graph(root: Path, own_hours: float) -> Path:
    """A gap with a public route and our own module for it (hours given)."""
    return write_graph(
        root,
        skills=[skill("x", levels=2), skill("y", levels=1)],
        resources=[
            resource("pub-x1", {"x": 1}, hours=4),
            resource("pub-x2", {"x": 2}, hours=6, requires={"x": 1}),
            resource("pub-y", {"y": 1}, hours=3),
            resource("ours-x", {"x": 2}, hours=own_hours, provider="Our School"),
            resource("ours-y2", {"y": 1}, hours=30, provider="Our School"),
        ],
        roles=[role("goal", {"x": 2, "y": 1})],
    )


@pytest.mark.parametrize(("own_hours", "used"), [(15, True), (16, False)])
def test_own_module_within_the_bound(tmp_path: Path, own_hours: float, used: bool) -> None:
    from pathplanner.cohort import Learner
    from pathplanner.curriculum import build_curriculum
    from pathplanner.load import load_catalog
    from pathplanner.profile import Profile

    catalog = load_catalog([own_graph(tmp_path / "g", own_hours)], builtin=False)
    people = [Learner(2, "Ada", Profile(skills={})), Learner(3, "Bo", Profile(skills={"x": 2}))]
    # ours-x stands in for 10 h of public study: used up to 15 h at the default bound (0.5)
    cur = build_curriculum(catalog, "goal", people, prefer_providers=["our school"])
    ids = {m.resource for m in cur.modules}
    assert ("ours-x" in ids) is used
    reasons = {u.resource: u.reason for u in cur.timetable.unused_own}
    assert reasons["ours-y2"] == (
        "for each of the 2 learner(s) it could serve it takes more than 50% longer than what "
        "it would replace (best case: Ada, 30 h instead of 3 h of other study)"
    )
    if not used:
        assert reasons["ours-x"].startswith("for each of the 1 learner(s) it could serve")
    # no preference: the fastest plans
    plain = build_curriculum(catalog, "goal", people)
    assert {m.resource for m in plain.modules} == {"pub-x1", "pub-x2", "pub-y"}


def test_unknown_preferred_provider_and_bad_settings(mini_dir: Path, tmp_path: Path) -> None:
    cohort = tmp_path / "c.csv"
    cohort.write_text("name,have\nSam,python:1\n")
    base = ["curriculum", "--no-builtin", "--graph", str(mini_dir), "--to", "mle",
            "--cohort", str(cohort), "--out", str(tmp_path / "o")]  # fmt: skip
    bad = CliRunner().invoke(cli, [*base, "--prefer-provider", "PaidCoo"])
    assert bad.exit_code == 2 and "did you mean 'PaidCo'" in bad.output
    end = CliRunner().invoke(cli, [*base, "--end", "2027-03-01"])
    assert end.exit_code == 1 and "an end date needs a start date" in end.output
    early = CliRunner().invoke(cli, [*base, "--start", "2027-03-01", "--end", "2027-01-01"])
    assert early.exit_code == 1 and "is before the start 2027-03-01" in early.output
    both = CliRunner().invoke(cli, [*base, "--start", "2027-01-04", "--end", "2027-03-01",
                                    "--weeks", "3"])  # fmt: skip
    assert both.exit_code == 1 and "--end: give the weeks or an end date, not both" in both.output
    ics = CliRunner().invoke(cli, [*base, "--format", "ics"])
    assert ics.exit_code == 1 and "--start: the ics format needs a start date" in ics.output
    missing = CliRunner().invoke(cli, ["curriculum", "--to", "mle"])
    assert missing.exit_code == 2 and "Missing option" in missing.output
    ok = CliRunner().invoke(cli, [*base, "--start", "2027-01-04", "--end", "2027-03-28",
                                  "--progress"])  # fmt: skip
    assert ok.exit_code == 0, ok.output
    assert "Planning learners" in ok.output and "timetable of 12 weeks" in ok.output


def test_weeks_until_and_library_checks() -> None:
    from pathplanner.errors import PlanningError
    from pathplanner.timetable import CohortPlanner, weeks_until

    assert weeks_until(START, START) == 1
    assert weeks_until(START, START + dt.timedelta(days=83)) == 12
    with pytest.raises(PlanningError, match="preference bound"):
        CohortPlanner(None, "x", prefer_bound=float("nan"))  # type: ignore[arg-type]


# -- cohort status ---------------------------------------------------------------------------


@pytest.fixture
def written(mini_dir: Path, tmp_path: Path) -> Path:
    cohort = tmp_path / "cohort.csv"
    cohort.write_text("name,have,hours_per_week\nSam,,8\nAna,py:2,4\n")
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["curriculum", "--no-builtin", "--graph", str(mini_dir),
                                      "--to", "mle", "--cohort", str(cohort), "--out", str(out),
                                      "--weeks", "9", "--start", "2027-01-04"])  # fmt: skip
    assert result.exit_code == 0, result.output
    return out


def tick(plan: Path, *ids: str) -> None:
    lines = plan.read_text().splitlines(keepends=True)
    plan.write_text(
        "".join(
            line.replace("- [ ] ", "- [x] ", 1)
            if any(f"<!-- step: {i} -->" in line for i in ids)
            else line
            for line in lines
        )
    )


def test_status_from_ticked_plans(written: Path) -> None:
    table = json.loads((written / "timetable.json").read_text())
    due = {m["resource"]: m["end_week"] for m in table["modules"]}
    assert due == {"docker-b": 4, "py-paid": 5, "ml-course": 9}
    tick(written / "learners" / "sam.md", "docker-b")
    tick(written / "learners" / "ana.md", "docker-b", "ml-course")
    run = CliRunner().invoke
    text = run(cli, ["curriculum", "status", str(written), "--week", "4"])
    assert text.exit_code == 0, text.output
    assert text.output.splitlines()[:2] == [
        "Cohort status: ML Engineer, after week 4 of 9 (2027-01-31)",
        "on track 1 · behind 0 · ahead 1",
    ]
    assert "Sam  on track  done 14 h of 14 h due" in text.output
    assert "Ana  ahead     done 34 h of 14 h due; finished early: Ml Course" in text.output
    behind = run(cli, ["curriculum", "status", str(written), "--as-of", "2027-03-07"])
    assert (
        "Sam  behind    done 14 h of 40 h due; not finished yet: Py Paid; Ml Course"
        in behind.output
    )
    assert "after week 9 of 9" in behind.output
    out = written.parent / "status.csv"
    args = ["curriculum", "status", str(written), "--week", "2", "-o", str(out)]
    assert run(cli, args).exit_code == 0
    rows = list(csv.DictReader(out.open()))
    assert [(r["learner"], r["status"]) for r in rows] == [("Sam", "ahead"), ("Ana", "ahead")]
    html = run(cli, ["curriculum", "status", str(written), "--week", "2", "--format", "html"])
    assert '<td class="ahead">ahead</td>' in html.output
    none = run(cli, ["curriculum", "status", str(written)])
    assert none.exit_code == 1 and "--week: give either the week" in none.output


def test_status_from_a_done_csv(written: Path) -> None:
    done = written.parent / "done.csv"
    done.write_text("learner,resource\nSam,docker-b\n\nAna,docker-b\n")
    run = CliRunner().invoke
    result = run(cli, ["curriculum", "status", str(written), "--week", "5", "--done", str(done)])
    assert "Sam  behind    done 14 h of 20 h due; not finished yet: Py Paid" in result.output
    assert "Ana  on track" in result.output
    done.write_text("learner,resource\nSmo,docker-b\n")
    bad = run(cli, ["curriculum", "status", str(written), "--week", "4", "--done", str(done)])
    assert bad.exit_code == 1
    assert "line 2: learner: 'Smo' is not a learner of this timetable — did you mean 'Sam'?" in (
        bad.output
    )
    done.write_text("learner,resource\nSam,dockr-b\n")
    bad = run(cli, ["curriculum", "status", str(written), "--week", "4", "--done", str(done)])
    assert "line 2: resource: 'dockr-b' is not in the timetable — did you mean 'docker-b'?" in (
        bad.output
    )
    done.write_text("who,what\n")
    bad = run(cli, ["curriculum", "status", str(written), "--week", "4", "--done", str(done)])
    assert "line 1: the header must be learner,resource" in bad.output


def test_status_hostile_inputs(written: Path) -> None:
    run = CliRunner().invoke
    (written / "timetable.json").write_text('{"format": "pathplanner-timetable/1", "weeks": NaN}')
    bad = run(cli, ["curriculum", "status", str(written), "--week", "1"])
    assert bad.exit_code == 1 and "timetable.json" in bad.output and "Traceback" not in bad.output
    (written / "timetable.json").write_bytes(b"\x00\xff binary")
    bad = run(cli, ["curriculum", "status", str(written), "--week", "1"])
    assert bad.exit_code == 1 and "not UTF-8" in bad.output


def test_hostile_learner_names_are_escaped(mini_dir: Path, tmp_path: Path) -> None:
    cohort = tmp_path / "c.csv"
    cohort.write_text('name,have\n"=cmd|x\x1b[2J",py:1\n"<script>*b*",py:1\n')
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["curriculum", "--no-builtin", "--graph", str(mini_dir),
                                      "--to", "mle", "--cohort", str(cohort), "--out", str(out),
                                      "--weeks", "4"])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.output
    assert "<script>" not in (out / "index.html").read_text()
    assert "<script>" not in (out / "syllabus.html").read_text()
    assert "\\<script\\>\\*b\\*" in (out / "syllabus.md").read_text()
    rows = list(csv.DictReader((out / "syllabus.csv").open()))
    assert all(not r["learners"].startswith("=") for r in rows)
    status = CliRunner().invoke(cli, ["curriculum", "status", str(out), "--week", "1",
                                      "--format", "csv"])  # fmt: skip
    assert status.exit_code == 0, status.output
    assert "2,'=cmd|x" in status.output and "\x1b" not in status.output


# -- writing a large set as a stream -----------------------------------------------------------


def test_stream_tree_all_or_nothing(tmp_path: Path) -> None:
    from pathplanner._io import stream_tree
    from pathplanner.errors import OutputError

    root = tmp_path / "set"
    with stream_tree(root) as write:
        write("a.txt", "1")
        write("d/b.txt", b"2")
        assert not root.exists()  # nothing shows until the block ends
    assert (root / "d" / "b.txt").read_text() == "2"
    with pytest.raises(OutputError, match="already exist"), stream_tree(root) as write:
        write("new.txt", "x")
        write("a.txt", "y")
    assert not (root / "new.txt").exists() and (root / "a.txt").read_text() == "1"
    with pytest.raises(OutputError, match="written twice"), stream_tree(root, force=True) as w:
        w("c.txt", "x")
        w("c.txt", "y")
    with pytest.raises(RuntimeError), stream_tree(root, force=True) as write:
        write("a.txt", "changed")
        raise RuntimeError("interrupted")
    assert (root / "a.txt").read_text() == "1"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["set"]  # no litter


def test_calendars_of_identical_learners_are_the_same_bytes(bootcamp: Any) -> None:
    from pathplanner.curriculum import render_curriculum
    from pathplanner.render import PlanRenderer, plan_ics

    catalog, cur = bootcamp
    renderer = PlanRenderer(catalog)
    for _, p in cur.plans:
        assert renderer.render(p, "ics") == plan_ics(p, catalog)
    from pathplanner.timetable import CohortPlanner

    paced = {(CohortPlanner.key(x.profile), p.hours_per_week) for x, p in cur.plans}
    assert len(renderer._calendars) == len(paced) == 11  # a calendar per route and pace
    ana, omar = (p for x, p in cur.plans if x.name in ("Ana Lima", "Omar Haddad"))
    assert ana.steps is omar.steps and ana.learner != omar.learner
    files = render_curriculum(cur, catalog, ["csv"])
    assert sorted(f for f in files if not f.startswith("learners/")) == [
        "index.html", "summary.csv", "syllabus.csv", "timetable.json"]  # fmt: skip


def test_bridging_before_week_one_is_pre_work(tmp_path: Path) -> None:
    graph = write_graph(
        tmp_path / "g",
        skills=[skill("x", levels=2), skill("y", levels=1)],
        resources=[
            resource("x-one", {"x": 1}, hours=4),
            resource("x-two", {"x": 2}, hours=6, requires={"x": 1}),
            resource("y-course", {"y": 1}, hours=3, requires={"x": 2}),
        ],
        roles=[role("goal", {"y": 1})],
    )
    cohort = tmp_path / "c.csv"
    cohort.write_text("name,have,hours_per_week\nAl,x:2,5\nBea,x:2,5\nCy,,5\n")
    out = tmp_path / "out"
    args = ["curriculum", "--no-builtin", "--graph", str(graph), "--to", "goal",
            "--cohort", str(cohort), "--out", str(out), "--start", "2027-01-04"]  # fmt: skip
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    doc = json.loads((out / "timetable.json").read_text())
    tracks = {m["resource"]: (m["track"], m["start_week"], m["end_week"]) for m in doc["modules"]}
    assert tracks == {"x-one": ("bridging", 0, 0), "x-two": ("bridging", 0, 0),
                      "y-course": ("core", 1, 1)}  # fmt: skip
    assert doc["weeks_detail"][0] == {"week": 0, "start_date": None, "end_date": "2027-01-03",
                                      "modules": ["x-one", "x-two"]}  # fmt: skip
    cy = next(x for x in doc["learners"] if x["name"] == "Cy")
    assert cy["pre_work_hours"] == 10 and cy["note"] == (
        "keeps up at 5 h/week; 10 h of pre-work before week 1"
    )
    md = (out / "syllabus.md").read_text()
    assert "| pre-work | before 2027-01-04 | 1. X One (bridging); 2. X Two (bridging) |" in md
    assert "**Prepares for:** Y Course" in md
    # the same input gives the same bytes
    again = tmp_path / "again"
    assert CliRunner().invoke(cli, [*args[:-4], "--out", str(again), *args[-2:]]).exit_code == 0
    for p in sorted(out.rglob("*")):
        if p.is_file():
            assert p.read_bytes() == (again / p.relative_to(out)).read_bytes(), p


def test_a_shared_route_is_the_plan_each_learner_would_get(mini: Any) -> None:
    from pathplanner.cohort import Learner
    from pathplanner.planner import plan
    from pathplanner.profile import Profile
    from pathplanner.render import render_plan
    from pathplanner.timetable import CohortPlanner

    planner = CohortPlanner(mini, "mle")
    people = [
        (Learner(2, "Ann", Profile(skills={"python": 1}, hours_per_week=8)), 8.0, START),
        (Learner(3, "Bob", Profile(skills={"python": 1}, hours_per_week=3)), 3.0, None),
        (Learner(4, "Cat", Profile(skills={"python": 1}, hours_per_week=20)), 20.0,
         START + dt.timedelta(days=3)),
    ]  # fmt: skip
    for learner, hpw, start in people:
        mine = planner.plan(learner, hpw, start)
        alone = plan(mini, "mle", replace_name(learner), hours_per_week=hpw, start=start,
                     explain=False)  # fmt: skip
        assert mine.to_dict() == alone.to_dict()
        assert render_plan(mine, "md", mini) == render_plan(alone, "md", mini)
    assert planner.solved == 1


def replace_name(learner: Any) -> Any:
    from dataclasses import replace

    return replace(learner.profile, name=learner.name)
