"""The planner page in a real browser: headless Chromium driven by Playwright, on the built-in graph.

Playwright drives Debian's Chromium (`executable_path`); it never downloads a browser of its
own. The test skips only where Chromium is missing and PATHPLANNER_REQUIRE_BROWSER is unset
(CI sets it), as tests/test_render.py does.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from test_render import _chromium

from pathplanner.web import make_app, make_server

pytestmark = pytest.mark.skipif(
    _chromium() is None and not os.environ.get("PATHPLANNER_REQUIRE_BROWSER"),
    reason="Chromium is not installed (.ci/run installs it)",
)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    app = make_app(tmp_path_factory.mktemp("data"))
    server = make_server(app, "127.0.0.1", 0)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    yield server.url
    server.close()
    thread.join(10)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    chromium = _chromium()
    assert chromium is not None, "PATHPLANNER_REQUIRE_BROWSER is set but Chromium is missing"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium)
        yield b
        b.close()


def _steps(page: Any) -> list[str]:
    return [str(v) for v in page.locator("input[name=done]").evaluate_all("els => els.map(e => e.value)")]  # fmt: skip


def test_assessment_to_plan_tick_replan_and_calendar(
    site: str, browser: Any, tmp_path: Path
) -> None:
    page = browser.new_page(accept_downloads=True)
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(site + "new")
    page.fill("#name", "Sam <script>alert(1)</script>")
    page.check("#start-assess")
    assert page.locator("#from").is_hidden()  # only the chosen way to start shows
    assert page.locator("#cv_text").is_hidden()
    page.fill("#to", "MLE")
    page.fill("#hours_per_week", "10")
    page.fill("#start", "2027-01-04")
    page.click("button:has-text('Make my plan')")
    # the questions: the level descriptors of each skill the role needs, plus "none"
    page.locator("#assess").wait_for()
    assert page.locator("fieldset.question").count() >= 5
    python = page.locator("[id='q-skills.python']")
    assert python.locator("text=none of these").count() == 1
    for skill, level in (("python", "2"), ("machine-learning", "1"), ("sql", "2")):
        page.check(f"[id='skills.{skill}-{level}']")
    page.click("button:has-text('Make my plan')")
    for _ in range(3):  # follow-ups the answers open, if any, then the plan
        page.wait_for_load_state()
        if "/plan/" in page.url:
            break
        assert page.locator("#assess").count() == 1, page.locator("[role=alert]").all_inner_texts()
        page.click("button:has-text('Make my plan')")
    page.wait_for_url(re.compile(r"/plan/[A-Za-z0-9_-]+$"))
    assert "Machine Learning Engineer" in page.locator("h1").inner_text()
    assert "Sam <script>alert(1)</script>" in page.locator(".summary").inner_text()
    before = _steps(page)
    assert len(before) >= 3

    page.check("#done-1")
    page.check("#done-2")
    page.click("text=Save ticked steps and re-plan the rest")
    page.wait_for_url(re.compile(r"\?saved=2$"))
    assert "2 steps marked done" in page.locator("[role=status]").inner_text()
    after = _steps(page)
    assert before[0] not in after and before[1] not in after
    assert page.locator("ul.done li").count() == 2

    with page.expect_download() as info:
        page.click("text=Calendar (.ics)")
    ics = Path(info.value.path()).read_text(encoding="utf-8")
    assert ics.startswith("BEGIN:VCALENDAR") and "SEQUENCE:1" in ics
    assert info.value.suggested_filename == "plan-ml-engineer.ics"

    # the plan is still there after a reload, and nothing was asked of another host
    page.goto(site)
    assert page.locator("table tbody tr").count() >= 1
    assert all(u.startswith(site) for u in requests), [
        u for u in requests if not u.startswith(site)
    ]
    page.close()


def test_compare_two_roles(site: str, browser: Any) -> None:
    page = browser.new_page()
    page.goto(site + "compare")
    page.fill("#a", "Data Scientist")
    page.fill("#b", "ML Engineer")
    page.click("button:has-text('Compare')")
    page.wait_for_url(re.compile(r"/compare\?"))
    assert page.locator("h2").first.inner_text() == "Data Scientist and Machine Learning Engineer"
    assert page.locator("table").first.locator("text=From the other role").count() == 1
    page.close()


def test_bad_cohort_upload_is_one_clear_message(site: str, browser: Any, tmp_path: Path) -> None:
    bad = tmp_path / "learners.csv"
    bad.write_text("nom,have\nAnn,python:2\n", encoding="utf-8")
    page = browser.new_page()
    page.goto(site + "cohort")
    page.set_input_files("#cohort", str(bad))
    page.fill("#to", "Data Analyst")
    page.click("text=Make the curriculum")
    alert = page.locator("[role=alert]")
    alert.wait_for()
    text = alert.inner_text()
    assert "learners.csv: line 1: nom: unknown column" in text
    assert "Traceback" not in page.content()
    page.close()


def test_phone_width_and_keyboard(site: str, browser: Any) -> None:
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(site + "new")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to the content"
    page.close()
