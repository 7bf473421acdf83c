"""Terminal text: status lines in plain words, tables, gaps, numbers."""

from __future__ import annotations

import dataclasses
from typing import Any

from pathplanner.gap import compute_gap
from pathplanner.planner import plan
from pathplanner.profile import build_profile
from pathplanner.text import fmt_hours, fmt_usd, gap_text, status_text, table, terminal_safe


def test_status_lines_name_no_solver(mini: Any) -> None:
    p = plan(mini, "mle", from_role="analyst", explain=False)
    assert status_text(p) == "proven optimal (fewest study hours, then lowest cost)"
    cost = plan(mini, "mle", from_role="analyst", explain=False, objective="cost")
    assert status_text(cost) == "proven optimal (lowest cost, then fewest study hours)"
    greedy = plan(mini, "mle", from_role="analyst", explain=False, solver="greedy")
    assert status_text(greedy) == "feasible (a quick heuristic, not proven optimal)"
    cut = dataclasses.replace(
        p,
        status="feasible",
        solver="highs",
        optimality_gap=0.125,
        limit_note="the time limit stopped the search",
    )
    assert status_text(cut) == (
        "feasible, not proven optimal (at most 12.5% above the best); "
        "the time limit stopped the search"
    )
    done = dataclasses.replace(p, solver="trivial")
    assert status_text(done) == "nothing to learn: the goal is already met"


def test_gap_text_lists_what_is_missing_and_pulled_in(mini: Any) -> None:
    g = compute_gap(mini, build_profile(mini), "mle")
    text = gap_text(g)
    assert text.startswith("Gap to ")
    assert "NO" in text
    assert all(i.name in text for i in g.requirements)
    if g.pulled_in:
        assert "Prerequisites the missing skills pull in:" in text


def test_table_and_numbers() -> None:
    assert table([["a", "bb"]], ["x", "y"]) == "x  y\n-  --\na  bb\n"
    assert fmt_hours(2.0) == "2 h" and fmt_hours(2.5) == "2.5 h" and fmt_hours(1200) == "1,200 h"
    assert fmt_usd(0) == "free" and fmt_usd(49) == "$49" and fmt_usd(12.5) == "$12.50"


def test_terminal_safe_keeps_lines_and_drops_controls() -> None:
    assert terminal_safe("a\tb\r\nc") == "a\tb\r\nc"
    assert terminal_safe("\x1b]0;pwned\x07x\rY\u202e") == "\ufffd]0;pwned\ufffdx\ufffdY\ufffd"
