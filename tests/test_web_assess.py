"""The planner page's self-assessment and CV starts and their JSON API, through WSGI."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from conftest import json_error
from markupsafe import escape
from werkzeug.test import Client, TestResponse

from pathplanner import assess, extract
from pathplanner.web import PlannerApp, make_app
from pathplanner.web_assess import MAX_TEXT_CHARS

CV = (  # my own sample text, not a real person's CV
    "Jane Example\nData analyst\nStrong Python (5 years) and SQL.\nFamiliar with Docker.\n"
)
POSTING = (  # my own sample text, not a real posting
    "Job title: ML engineer\nRequired: strong Python, Docker.\nNice to have: SQL\n"
)


def _hidden(page: str, name: str) -> str:
    m = re.search(rf'name="{re.escape(name)}" value="([^"]*)"', page)
    assert m, f"no hidden field {name}"
    return m.group(1)


def _questions(page: str) -> list[str]:
    return re.findall(r'<fieldset class="question" id="q-([^"]+)"', page)


# -- the JSON API ----------------------------------------------------------------------------


def test_api_assess_questions_and_score_are_the_library(client: Client, app: PlannerApp) -> None:
    cat = app.catalog
    first = client.post("/api/assess/questions", json={"role": "ML Engineer"})
    assert first.status_code == 200
    want = [q.to_dict() for q in assess.questions(cat, "mle")]
    assert first.json == {"role": "mle", "questions": want}
    answers = {"skills": {"python": 2, "docker": 0, "ml": 1}}
    then = client.post("/api/assess/questions", json={"role": "mle", "answers": answers}).json
    keys = [q["key"] for q in then["questions"]]
    assert keys == [q.key for q in assess.questions(cat, "mle", answers)]
    assert "skills.linux" in keys and "skills.python" not in keys  # a follow-up opened
    scored = client.post(
        "/api/assess/score", json={"role": "mle", "answers": {"skills": {"docker": 1}}}
    )
    assert scored.status_code == 200
    doc = scored.json
    assert doc == assess.score(cat, "mle", {"skills": {"docker": 1}}).to_dict()
    assert doc["profile"]["skills"] == {"docker": 1, "linux": 1}
    assert doc["implied"] == {"linux": "docker"}


def test_api_extract_cv_and_posting_are_the_library(client: Client, app: PlannerApp) -> None:
    none = client.post("/api/extract/cv", json={"text": "I like gardening."})
    assert none.status_code == 200 and none.json["skills"] == []
    cv = client.post("/api/extract/cv", json={"text": CV})
    assert cv.status_code == 200
    assert cv.json == extract.skills_from_text(app.catalog, CV, "text").to_dict()
    assert {s["skill"] for s in cv.json["skills"]} == {"python", "sql", "docker"}
    posting = client.post("/api/extract/posting", json={"text": POSTING})
    assert posting.status_code == 200
    doc = posting.json
    assert doc == extract.role_from_posting(app.catalog, POSTING, "text").to_dict()
    assert doc["role"]["requires"]["essential"].keys() == {"python", "docker"}
    assert doc["nearest"] and doc["nearest"][0]["role"] == "mle"


@pytest.mark.parametrize(
    ("path", "body", "status", "needle"),
    [
        ("/api/assess/questions", {"role": "mlee"}, 400, "unknown role 'mlee'"),
        ("/api/assess/questions", {}, 400, "role: name the role you want"),
        ("/api/assess/score", {"role": "mle", "answers": {"skills": {"pyhton": 2}}}, 400,
         "did you mean 'python'"),
        ("/api/assess/score", {"role": "mle", "answers": {"skills": {"docker": 3}}}, 400,
         "level 3 is out of range for Docker (0 to 2)"),
        ("/api/assess/questions", {"role": "mle", "answers": {"skills": {"ml": 9}}}, 400,
         "skills.ml.level"),
        ("/api/assess/score", {"role": "mle", "answers": []}, 400, "answers: must be an object"),
        ("/api/assess/score", {"role": "mle", "extra": 1}, 400, "extra: unknown field"),
        ("/api/assess/score", [1], 400, "must be a JSON object"),
        ("/api/extract/cv", {"text": "   "}, 400, "text: paste the text"),
        ("/api/extract/cv", {"text": 5}, 400, "text: paste the text"),
        ("/api/extract/posting", {}, 400, "text: paste the text of a job posting"),
        ("/api/extract/posting", {"text": "x" * (MAX_TEXT_CHARS + 1)}, 400, "at most 200,000"),
    ],
)  # fmt: skip
def test_api_assess_and_extract_bad_input(
    client: Client, path: str, body: Any, status: int, needle: str
) -> None:
    assert needle in json_error(client.post(path, json=body), status)


def test_api_assess_and_extract_refuse_bad_bodies(client: Client) -> None:
    for path in ("/api/assess/questions", "/api/assess/score", "/api/extract/cv",
                 "/api/extract/posting"):  # fmt: skip
        form = client.post(path, data="text=x", content_type="text/plain")
        assert "Content-Type: application/json" in json_error(form, 415)
        big = client.post(
            path, data=b'{"text": "' + b"a" * (4 * 1024 * 1024 + 10) + b'"}',
            content_type="application/json",
        )  # fmt: skip
        assert "too large" in json_error(big, 413)
        nan = client.post(path, data=b'{"role": NaN}', content_type="application/json")
        assert "NaN" in json_error(nan, 400)
        other = client.post(path, json={"text": CV}, headers={"Origin": "http://evil.example"})
        assert "another site" in json_error(other, 403)
        assert client.get(path).status_code == 405


# -- the page: the self-assessment ------------------------------------------------------------


def _post(client: Client, app: PlannerApp, **fields: Any) -> TestResponse:
    return client.post("/new", data={"csrf_token": app.token, "target_method": "role", **fields})


def test_page_self_assessment_asks_follow_ups_then_plans(client: Client, app: PlannerApp) -> None:
    new = client.get("/new").get_data(as_text=True)
    assert 'value="assess"' in new and "Take the self-assessment" in new
    r = _post(client, app, start_method="assess", to="ML Engineer", hours_per_week="6")
    assert r.status_code == 200
    page = r.get_data(as_text=True)
    assert _questions(page) == ["skills.python", "skills.docker", "skills.ml"]
    assert "python at level 2" in page and "none of these" in page  # the level descriptors
    assert 'id="experience.other"' in page  # years asked too; hours are in step 3
    assert "hours_per_week" not in _hidden(page, "asked")
    asked = _hidden(page, "asked")
    answers = {"answer:skills.python": "2", "answer:skills.docker": "0", "answer:skills.ml": "1"}
    r = _post(client, app, start_method="assess", to="mle", hours_per_week="6",
              assess_role="mle", asked=asked, **answers)  # fmt: skip
    page = r.get_data(as_text=True)
    assert r.status_code == 200
    assert _questions(page) == ["skills.linux"]  # Docker short: what it builds on is asked
    assert "(new)" in page
    for key, value in answers.items():  # earlier answers ride along
        assert f'name="{key}" value="{value}"' in page
    asked = _hidden(page, "asked")
    r = _post(client, app, start_method="assess", to="mle", hours_per_week="6",
              assess_role="mle", asked=asked, **answers, **{"answer:skills.linux": "1",
              "answer:experience.other": "2"})  # fmt: skip
    assert r.status_code == 303, r.get_data(as_text=True)
    lid = r.headers["Location"].rsplit("/", 1)[1]
    state = app.store.get(lid).state
    want = assess.score(
        app.catalog, "mle",
        {"skills": {"python": 2, "docker": 0, "ml": 1, "linux": 1}, "experience": {"other": 2}},
    ).profile  # fmt: skip
    assert dict(state.skills) == want.skills == {"python": 2, "ml": 1, "linux": 1}
    assert dict(state.experience) == {"other": 2}
    assert state.hours_per_week == 6


def test_page_self_assessment_unanswered_count_as_none(client: Client, app: PlannerApp) -> None:
    page = _post(client, app, start_method="assess", to="mle").get_data(as_text=True)
    asked = _hidden(page, "asked")
    r = _post(client, app, start_method="assess", to="mle", assess_role="mle", asked=asked,
              **{"answer:skills.python": "3"})  # fmt: skip
    # docker and ml left blank: asked, so not asked again, and counted as none
    assert r.status_code == 303, r.get_data(as_text=True)
    state = app.store.get(r.headers["Location"].rsplit("/", 1)[1]).state
    assert dict(state.skills) == {"python": 3}


def test_page_self_assessment_errors(client: Client, app: PlannerApp) -> None:
    none = _post(client, app, start_method="assess", to="")
    assert none.status_code == 400 and "name the role you want" in none.get_data(as_text=True)
    typo = _post(client, app, start_method="assess", to="mlee")
    assert typo.status_code == 400 and "unknown role" in typo.get_data(as_text=True)
    bad = _post(client, app, start_method="assess", to="mle", assess_role="mle",
                asked="skills.docker", **{"answer:skills.docker": "7"})  # fmt: skip
    assert bad.status_code == 400
    assert "out of range" in bad.get_data(as_text=True) or "0 to" in bad.get_data(as_text=True)
    other = _post(client, app, start_method="assess", to="mle", target_method="posting")
    assert other.status_code == 400
    # a changed target starts the questions over
    page = _post(client, app, start_method="assess", to="analyst", assess_role="mle",
                 asked="skills.python skills.docker skills.ml").get_data(as_text=True)  # fmt: skip
    assert _questions(page) == ["skills.python", "skills.sql"]


# -- the page: a pasted CV --------------------------------------------------------------------


def test_page_cv_confirm_change_drop_then_plan(client: Client, app: PlannerApp) -> None:
    r = _post(client, app, start_method="cv", to="mle", cv_text=CV)
    assert r.status_code == 200
    page = r.get_data(as_text=True)
    rows = re.findall(r'<select id="cv-([a-z-]+)"', page)
    assert sorted(rows) == ["docker", "python", "sql"]
    assert "“Python”" in page and "<td>3</td>" in page  # the phrase and its line
    guess = {f.skill: f for f in extract.skills_from_text(app.catalog, CV).found}
    assert str(escape(guess["python"].reason)) in page
    digest = _hidden(page, "cv_digest")
    r = _post(client, app, start_method="cv", to="mle", cv_text=CV, cv_digest=digest,
              **{"cv:python": "1", "cv:sql": "0", "cv:docker": "2"})  # fmt: skip
    assert r.status_code == 303, r.get_data(as_text=True)
    state = app.store.get(r.headers["Location"].rsplit("/", 1)[1]).state
    assert dict(state.skills) == {"python": 1, "docker": 2}  # changed, dropped, kept


def test_page_cv_errors(client: Client, app: PlannerApp) -> None:
    empty = _post(client, app, start_method="cv", to="mle", cv_text="  ")
    assert empty.status_code == 400 and "CV text: paste the text" in empty.get_data(as_text=True)
    nothing = _post(client, app, start_method="cv", to="mle", cv_text="I like gardening.")
    assert nothing.status_code == 400 and "no skill" in nothing.get_data(as_text=True)
    page = _post(client, app, start_method="cv", to="mle", cv_text=CV).get_data(as_text=True)
    digest = _hidden(page, "cv_digest")
    dropped = _post(client, app, start_method="cv", to="mle", cv_text=CV, cv_digest=digest,
                    **{"cv:python": "0", "cv:sql": "0", "cv:docker": "0"})  # fmt: skip
    assert dropped.status_code == 400 and "keep at least one skill" in dropped.get_data(
        as_text=True
    )
    word = _post(client, app, start_method="cv", to="mle", cv_text=CV, cv_digest=digest,
                 **{"cv:python": "lots"})  # fmt: skip
    assert word.status_code == 400 and "must be a number" in word.get_data(as_text=True)
    high = _post(client, app, start_method="cv", to="mle", cv_text=CV, cv_digest=digest,
                 **{"cv:docker": "9"})  # fmt: skip
    assert high.status_code == 400
    # the text changed after the confirmation: its skills are shown again, nothing is planned
    again = _post(client, app, start_method="cv", to="mle", cv_text=CV + "SQL expert\n",
                  cv_digest=digest, **{"cv:python": "2"})  # fmt: skip
    assert again.status_code == 200 and 'id="cv-found"' in again.get_data(as_text=True)


def test_hostile_cv_text_is_inert(client: Client, app: PlannerApp) -> None:
    hostile = (
        "<script>alert(1)</script> Python expert\n"
        '\x1b[31m=HYPERLINK("http://x") Docker <img src=x onerror=alert(1)>\n'
        "=cmd|' /C calc'!A0 SQL\n"
    )
    r = _post(client, app, start_method="cv", to="mle", cv_text=hostile)
    assert r.status_code == 200
    page = r.get_data(as_text=True)
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page  # shown back as text, in the box
    box = page.split('name="cv_text"', 1)[1].split("</textarea>", 1)[0]
    assert page.count("\x1b") == box.count("\x1b") == 1  # only as text in the box it came in
    assert 'id="cv-python"' in page and 'id="cv-docker"' in page
    api = client.post("/api/extract/cv", json={"text": hostile}).json
    assert {s["skill"] for s in api["skills"]} >= {"python", "docker"}
    name = "<b>x</b>"
    answers = {"answer:skills.python": "<script>"}
    bad = _post(client, app, start_method="assess", to="mle", assess_role="mle",
                asked="skills.python", name=name, **answers)  # fmt: skip
    assert bad.status_code == 400 and "<script>" not in bad.get_data(as_text=True)


# -- the page: a job posting as the goal -------------------------------------------------------


def test_page_posting_target_confirm_plan_and_survive_a_restart(
    client: Client, app: PlannerApp, tmp_path: Path
) -> None:
    new = client.get("/new").get_data(as_text=True)
    assert 'id="target-posting"' in new and 'name="posting_text"' in new
    start = {"start_method": "role", "from": "analyst", "target_method": "posting",
             "start": "2027-01-04"}  # fmt: skip
    r = client.post("/new", data={"csrf_token": app.token, **start, "posting_text": POSTING})
    assert r.status_code == 200
    page = r.get_data(as_text=True)
    required = page.split('class="posting-required"', 1)[1].split("</ul>", 1)[0]
    optional = page.split('class="posting-optional"', 1)[1].split("</ul>", 1)[0]
    assert "Python 2" in required and "Docker 2" in required and "Sql" not in required
    assert "Sql 1" in optional  # the mini graph names it so
    assert "ML Engineer: asks for" in page  # the nearest roles
    digest = _hidden(page, "posting_digest")
    r = client.post(
        "/new",
        data={"csrf_token": app.token, **start, "posting_text": POSTING, "posting_digest": digest},
    )
    assert r.status_code == 303, r.get_data(as_text=True)
    lid = r.headers["Location"].rsplit("/", 1)[1]
    plan = client.get(f"/plan/{lid}").get_data(as_text=True)
    assert "ML engineer" in plan
    want = extract.role_from_posting(app.catalog, POSTING, "x").role
    assert app.store.get(lid).state.target == want.id == extract.POSTING_ROLE_ID
    home = client.get("/").get_data(as_text=True)
    assert "ML engineer" in home

    # a new server on the same data directory rebuilds the posting's role from the record
    again = Client(make_app(tmp_path / "data", [tmp_path / "mini"], builtin=False))
    assert again.get(f"/plan/{lid}").status_code == 200
    steps = re.findall(
        r'name="done" value="([^"]+)"', again.get(f"/plan/{lid}").get_data(as_text=True)
    )
    assert len(steps) >= 2
    fresh = again.application
    assert isinstance(fresh, PlannerApp)
    r = again.post(f"/plan/{lid}/progress", data={"csrf_token": fresh.token, "done": steps[0],
                                                  "revision": "1"})  # fmt: skip
    assert r.status_code == 303, r.get_data(as_text=True)
    ics = again.get(f"/plan/{lid}/plan.ics")
    assert ics.status_code == 200, ics.get_data(as_text=True)[-600:]
    assert ics.get_data(as_text=True).startswith("BEGIN:VCALENDAR")
    api = again.get(f"/api/learners/{lid}/plan?format=json").json
    assert api["target"] == extract.POSTING_ROLE_ID and steps[0] not in [
        s["resource"] for s in api["steps"]
    ]
    prog = again.post(f"/api/learners/{lid}/progress", json={"done": [steps[1]]})
    assert prog.status_code == 200, prog.get_data(as_text=True)
    week = again.post(f"/api/learners/{lid}/week", json={"hours_per_week": 3})
    assert week.status_code == 200, week.get_data(as_text=True)
    # the exported record carries the posting's role, so it imports anywhere
    exported = again.get(f"/plan/{lid}/record.json").json
    assert exported["role"]["id"] == extract.POSTING_ROLE_ID
    moved = again.post("/api/learners/import", json=exported)
    assert moved.status_code == 201, moved.get_data(as_text=True)
    copy = moved.json["id"]
    assert again.get(f"/api/learners/{copy}/plan?format=json").json["target"] == (
        extract.POSTING_ROLE_ID
    )
    broken = {**exported, "role": {**exported["role"], "requires": "nothing"}}
    bad = again.post("/api/learners/import", json=broken)
    assert bad.status_code == 400 and "role: requires" in bad.json["error"]
    assert again.delete(f"/api/learners/{lid}").status_code == 200
    assert again.get(f"/plan/{lid}").status_code == 404


def test_page_posting_target_errors(client: Client, app: PlannerApp) -> None:
    start = {"start_method": "role", "from": "analyst", "target_method": "posting"}
    empty = client.post("/new", data={"csrf_token": app.token, **start, "posting_text": " "})
    assert empty.status_code == 400
    assert "Job posting text: paste the text" in empty.get_data(as_text=True)
    nothing = client.post(
        "/new", data={"csrf_token": app.token, **start, "posting_text": "We sell shoes."}
    )
    assert nothing.status_code == 400 and "no skill" in nothing.get_data(as_text=True)
    hostile = "Job title: <script>alert(1)</script>\nRequired: strong Python \x1b[31m =1+2\n"
    r = client.post("/new", data={"csrf_token": app.token, **start, "posting_text": hostile})
    page = r.get_data(as_text=True)
    assert r.status_code == 200 and "<script>alert" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    # the assessment asks about a role by name, not a posting
    both = client.post(
        "/new",
        data={"csrf_token": app.token, **start, "start_method": "assess", "posting_text": POSTING},
    )
    assert both.status_code == 400 and "A role by name" in both.get_data(as_text=True)


def test_page_cv_start_to_a_posting_confirms_both(client: Client, app: PlannerApp) -> None:
    data = {"csrf_token": app.token, "start_method": "cv", "target_method": "posting",
            "cv_text": CV, "posting_text": POSTING}  # fmt: skip
    page = client.post("/new", data=data).get_data(as_text=True)
    assert 'id="cv-found"' in page and 'id="posting-found"' not in page  # where you stand first
    data |= {
        "cv_digest": _hidden(page, "cv_digest"),
        "cv:python": "1",
        "cv:sql": "0",
        "cv:docker": "1",
    }
    page = client.post("/new", data=data).get_data(as_text=True)
    assert 'id="posting-found"' in page and 'id="cv-found"' not in page
    assert 'name="cv:python" value="1"' in page  # the confirmed levels ride along
    data |= {"posting_digest": _hidden(page, "posting_digest")}
    r = client.post("/new", data=data)
    assert r.status_code == 303, r.get_data(as_text=True)
    state = app.store.get(r.headers["Location"].rsplit("/", 1)[1]).state
    assert dict(state.skills) == {"docker": 1, "python": 1}
