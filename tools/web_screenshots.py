"""Take the README's screenshots of the planner page (desktop and a 390 px phone) into docs/.

    python tools/web_screenshots.py

It serves the built-in graph from a temporary data directory on a free loopback port and drives
Debian's Chromium (/usr/bin/chromium) with Playwright; it never downloads a browser.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import threading
from pathlib import Path

from pathplanner.web import make_app, make_server

DOCS = Path(__file__).resolve().parents[1] / "docs"
POSTING = (  # our own sample ad, not a real posting
    "Job title: Machine Learning Engineer\n"
    "Required: strong Python, experience with Docker and Kubernetes.\n"
    "Familiarity with MLOps pipelines.\n"
    "Nice to have: AWS or GCP\n"
)


def main() -> None:
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        sys.exit("Chromium is not installed (apt-get install chromium)")
    with tempfile.TemporaryDirectory() as data:
        server = make_server(make_app(data), "127.0.0.1", 0)
        threading.Thread(target=server.run, daemon=True).start()
        url = server.url
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=chromium)
                desk = browser.new_page(viewport={"width": 1200, "height": 900})
                desk.goto(url + "new")
                desk.fill("#name", "Sam")
                desk.check("#start-skills")
                for skill, level in (("python", "2"), ("sql", "2"), ("pandas", "2")):
                    box = desk.locator("details", has=desk.locator(f"#skill-{skill}"))
                    if box.get_attribute("open") is None:
                        box.locator("summary").click()
                    desk.select_option(f"#skill-{skill}", level)
                desk.evaluate("document.querySelector('.methods').scrollIntoView()")
                desk.screenshot(path=str(DOCS / "web-new.png"))
                desk.fill("#to", "Machine Learning Engineer")
                desk.fill("#hours_per_week", "8")
                desk.fill("#start", "2027-01-04")
                desk.click("button:has-text('Make my plan')")
                desk.wait_for_url("**/plan/**")
                desk.check("#done-1")
                desk.check("#done-2")
                desk.click("text=Save ticked steps and re-plan the rest")
                desk.wait_for_url("**saved=2")
                desk.screenshot(path=str(DOCS / "web-plan.png"))
                plan_url = desk.url
                desk.goto(url + "compare?a=data-scientist&b=ml-engineer")
                desk.screenshot(path=str(DOCS / "web-compare.png"))
                phone = browser.new_page(viewport={"width": 390, "height": 844})
                phone.goto(plan_url)
                phone.locator("#step-1").scroll_into_view_if_needed()
                phone.screenshot(path=str(DOCS / "web-plan-phone.png"))
                phone.goto(url + "new")
                phone.screenshot(path=str(DOCS / "web-new-phone.png"))
                desk.goto(url + "new")
                desk.check("#start-assess")
                desk.fill("#to", "Data Analyst")
                desk.click("button:has-text('Make my plan')")
                desk.locator("#assess").wait_for()
                desk.check("[id='skills.sql-2']")
                desk.evaluate("document.querySelector('#assess').scrollIntoView()")
                desk.screenshot(path=str(DOCS / "web-assess.png"))
                desk.goto(url + "new")
                desk.check("#start-role")
                desk.fill("#from", "Data Analyst")
                desk.check("#target-posting")
                desk.fill("#posting_text", POSTING)
                desk.click("button:has-text('Make my plan')")
                desk.locator("#posting-found").wait_for()
                desk.evaluate("document.querySelector('#posting-found').scrollIntoView()")
                desk.screenshot(path=str(DOCS / "web-posting.png"))
                browser.close()
        finally:
            server.close()
    print("wrote", ", ".join(f"docs/web-{n}.png" for n in ("new", "plan", "compare", "plan-phone", "new-phone", "assess", "posting")))  # fmt: skip


if __name__ == "__main__":
    main()
