"""Study sessions in the learner's week, the calendar of them, and two goals at once."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
import pytest
from checker import check_plan
from click.testing import CliRunner

from pathplanner.cli import cli
from pathplanner.errors import PlanningError
from pathplanner.export import export_graph
from pathplanner.load import load_catalog
from pathplanner.planner import plan
from pathplanner.render import render_plan
from pathplanner.schedule import parse_availability, parse_skip

WEEK = "tue 19:00-21:00, thu 19:00-21:00, sat 09:00-13:00"
SKIP = ("2027-12-20..2028-01-03", "2027-03-06")


@pytest.fixture(scope="module")
def catalog() -> Any:
    return load_catalog()


@pytest.fixture(scope="module")
def berlin_plan(catalog: Any) -> Any:
    return plan(
        catalog,
        "ml-engineer",
        from_role="data-analyst",
        start=dt.date(2027, 1, 4),
        availability=WEEK,
        skip=SKIP,
        tz="Europe/Berlin",
        explain=False,
    )


def test_sessions_fill_the_windows_in_order_and_sum_to_the_plan(berlin_plan: Any) -> None:
    p = berlin_plan
    assert p.hours_per_week == 8  # what the windows hold, as no pace was given
    total = sum(x.hours for x in p.sessions)
    assert abs(total - p.total_hours) < 1e-6
    windows = parse_availability(WEEK)
    skipped = parse_skip(SKIP)
    berlin = ZoneInfo("Europe/Berlin")
    steps = [x.step for x in p.sessions]
    assert steps == sorted(steps)  # in the plan's order
    for x in p.sessions:
        start, end = x.start.astimezone(berlin), x.end.astimezone(berlin)
        assert start.date() == end.date()
        assert not any(lo <= start.date() <= hi for lo, hi in skipped)
        assert any(
            w.weekday == start.weekday() and w.start <= start.time() and end.time() <= w.end
            for w in windows
        ), x
    assert p.end_date == p.sessions[-1].end.date()


def test_calendar_has_one_busy_timed_event_per_session(catalog: Any, berlin_plan: Any) -> None:
    text = render_plan(berlin_plan, "ics", catalog)
    cal = icalendar.Calendar.from_ical(text)
    events = [c for c in cal.walk("VEVENT")]
    assert len(events) == len(berlin_plan.sessions)
    hours = 0.0
    berlin = ZoneInfo("Europe/Berlin")
    for event, x in zip(events, berlin_plan.sessions, strict=True):
        start, end = event.decoded("dtstart"), event.decoded("dtend")
        assert start == x.start and end == x.end
        assert start.astimezone(berlin).hour in (9, 10, 11, 12, 19, 20)
        hours += (end - start).total_seconds() / 3600
        assert str(event["transp"]) == "OPAQUE"
        assert [a for a in event.walk("VALARM")]
    assert abs(hours - berlin_plan.total_hours) < 1e-6
    uids = [str(e["uid"]) for e in events]
    assert len(set(uids)) == len(uids)
    # the same plan gives the same bytes
    assert render_plan(berlin_plan, "ics", catalog) == text


def test_bad_study_times_get_one_clear_message(catalog: Any) -> None:
    cases = {
        "tux 19:00-21:00": "unknown day 'tux' — did you mean 'tue'?",
        "tue 7pm": "is not DAY HH:MM-HH:MM",
        "tue 21:00-19:00": "at least 15 minutes",
        "tue 25:00-26:00": "not a time of day",
        "tue 19:00-21:00, tue 20:00-22:00": "overlaps",
        " , ": "no study times given",
        "x" * 100_000: "'" + "x" * 57 + "...' is not DAY",  # quoted short, never whole
    }
    for given, message in cases.items():
        with pytest.raises(PlanningError, match=message) as info:
            plan(catalog, "data-analyst", availability=given, explain=False)
        assert info.value.setting == "availability"
    with pytest.raises(PlanningError, match="ends before it begins"):
        plan(catalog, "data-analyst", availability=WEEK, skip=["2027-02-01..2027-01-01"])
    for zone in ("Mars/Olympus", "../../etc/passwd", "\x1b[31mUTC", "x" * 5000):
        with pytest.raises(PlanningError, match="unknown time zone"):
            plan(catalog, "data-analyst", availability=WEEK, tz=zone)
    with pytest.raises(PlanningError, match="need study times"):
        plan(catalog, "data-analyst", skip=["2027-02-01"])


def test_replanning_keeps_the_study_times(catalog: Any, berlin_plan: Any) -> None:
    from pathplanner.progress import replan

    state = berlin_plan.state
    assert state.availability == WEEK and state.tz == "Europe/Berlin"
    first = berlin_plan.steps[0].resource
    later = replan(catalog, state, done=[first], start=dt.date(2027, 2, 1), explain=False)
    assert later.sessions and later.timezone == "Europe/Berlin"
    assert later.sessions[0].start.date() >= dt.date(2027, 2, 1)


def test_cli_writes_the_session_calendar(tmp_path: Any) -> None:
    out = tmp_path / "plan.ics"
    result = CliRunner().invoke(
        cli,
        ["plan", "--from", "data-analyst", "--to", "data-analyst", "--to", "bi-analyst",
         "--start", "2027-01-04", "--availability", WEEK, "--tz", "UTC", "-o", str(out)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8").count("BEGIN:VEVENT") >= 1


def test_two_goals_share_their_first_steps(catalog: Any) -> None:
    graph = export_graph(catalog)
    both = plan(catalog, "ml-engineer", from_role="data-scientist", also=["mlops-engineer"])
    one = plan(catalog, "ml-engineer", from_role="data-scientist", explain=False)
    other = plan(catalog, "mlops-engineer", from_role="data-scientist", explain=False)
    doc = both.to_dict()
    assert check_plan(graph, doc, extra_goal=catalog.roles["mlops-engineer"].goal()) == []
    assert max(one.total_hours, other.total_hours) <= both.total_hours
    assert both.total_hours <= one.total_hours + other.total_hours
    assert doc["also"] == [{"role": "mlops-engineer", "name": "MLOps Engineer"}]
    n = both.branch_after
    assert n is not None and 0 < n < len(both.steps)
    # the shared steps come first: each of them serves both goals' milestones
    met = {m.role: m.after_step for m in both.milestones}
    assert met["ml-engineer"] > n and met["mlops-engineer"] > n
    text = render_plan(both, "text", catalog)
    assert "Machine Learning Engineer and MLOps Engineer" in text.splitlines()[0]
    assert f"Steps 1 to {n} serve" in text


def test_a_short_step_is_kept_within_one_week_when_another_fits(tmp_path: Any) -> None:
    from conftest import resource, skill, write_graph

    from pathplanner.schedule import order, schedule

    graph = write_graph(
        tmp_path / "g",
        skills=[skill(s, "programming", 1) for s in ("aa", "bb", "cc")],
        resources=[
            resource("a-long", {"aa": 1}, hours=5),
            resource("b-short", {"bb": 1}, hours=4),
            resource("c-short", {"cc": 1}, hours=1),
        ],
        roles=[],
    )
    catalog = load_catalog([graph], builtin=False)
    chosen = ["a-long", "b-short", "c-short"]
    # by id alone, the 4 h step would run from hour 5 to 9 of 6 h weeks: split in two
    assert order(catalog, {}, chosen) == chosen
    ordered = order(catalog, {}, chosen, hours_per_week=6)
    assert ordered == ["a-long", "c-short", "b-short"]
    weeks = {s.resource: (s.start_week, s.end_week) for s in schedule(catalog, ordered, 6)}
    assert weeks["b-short"] == (2, 2) and weeks["c-short"] == (1, 1)
