"""The planner page and its JSON API, driven through WSGI on a small graph (no server, no browser)."""

from __future__ import annotations

import io
import json
import re
import threading
import urllib.request
import zipfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import json_error
from werkzeug.test import Client

from pathplanner.web import PlannerApp


def _form(app: PlannerApp, **fields: Any) -> dict[str, Any]:
    return {"csrf_token": app.token, **fields}


def _create(client: Client, **extra: Any) -> dict[str, Any]:
    r = client.post("/api/learners", json={"from": "analyst", "to": "mle", **extra})
    assert r.status_code == 201, r.get_data(as_text=True)
    assert r.json is not None
    return r.json


# -- the API: every endpoint -------------------------------------------------------------------


def test_api_roles_and_skills(client: Client) -> None:
    roles = client.get("/api/roles").json
    assert [r["id"] for r in roles] == ["analyst", "mle"]
    skills = client.get("/api/skills?category=mlops").json
    assert [s["id"] for s in skills] == ["docker"]
    assert "did you mean 'mlops'" in json_error(client.get("/api/skills?category=mlop"), 400)


def test_api_plan_is_the_library_plan(client: Client, app: PlannerApp) -> None:
    import pathplanner

    r = client.post("/api/plan", json={"from": "analyst", "to": "ML Engineer", "hours_per_week": 5})
    assert r.status_code == 200
    doc = r.json
    want = pathplanner.plan(
        app.catalog, "mle", from_role="analyst", hours_per_week=5, explain=False
    )
    assert doc == json.loads(json.dumps(want.to_dict()))
    assert doc["format"] == "pathplanner-plan/1"
    assert [s["resource"] for s in doc["steps"]] == ["docker-b", "py-paid", "ml-course"]


def test_api_plan_week_options(client: Client) -> None:
    doc = client.post(
        "/api/plan",
        json={
            "have": "python:1",
            "to": "mle",
            "free_only": True,
            "exclude_kinds": ["book"],
            "start": "2027-01-04",
            "explain": True,
        },
    ).json
    assert doc["constraints"]["free_only"] is True
    assert doc["total_cost_usd"] == 0
    assert doc["start_date"] == "2027-01-04"
    assert any(s["alternatives"] for s in doc["steps"])  # explain asks for them
    cert = client.post("/api/plan", json={"from": "analyst", "to": "mle", "with_certs": ["X-101"]})
    assert "exam-x" in [s["resource"] for s in cert.json["steps"]]


@pytest.mark.parametrize(
    ("body", "status", "needle"),
    [
        ({"from": "analyst", "to": "mlee"}, 400, "to: unknown role 'mlee' — did you mean 'mle'?"),
        (
            {"from": "analist", "to": "mle"},
            400,
            "from: unknown role 'analist' — did you mean 'analyst'?",
        ),
        (
            {"have": {"python": 7}, "to": "mle"},
            400,
            "have: python: level must be a whole number from 0 to 3, got 7",
        ),
        ({"have": {"python": "two"}, "to": "mle"}, 400, "have: python:"),
        ({"have": {"pyton": 1}, "to": "mle"}, 400, "did you mean 'python'"),
        (
            {"to": "mle", "hours_per_wek": 3},
            400,
            "hours_per_wek: unknown field — did you mean 'hours_per_week'?",
        ),
        ({"to": "mle", "hours_per_week": 1e300}, 400, "hours_per_week"),
        ({"to": "mle", "hours_per_week": 0}, 400, "hours_per_week"),
        ({"to": "mle", "budget_usd": -1}, 400, "budget_usd"),
        ({"to": "mle", "objective": "fun"}, 400, "objective"),
        ({"to": "mle", "exclude_providers": ["PaidC"]}, 400, "did you mean 'PaidCo'"),
        ({"to": "mle", "start": "tomorrow"}, 400, "start"),
        ({"from": "analyst"}, 400, "to: is required"),
        ({"to": "mle", "budget_usd": 0, "with_certs": ["cert-x"]}, 422, "budget"),
        ([1, 2], 400, "must be a JSON object"),
    ],
)
def test_api_plan_bad_input(client: Client, body: Any, status: int, needle: str) -> None:
    assert needle in json_error(client.post("/api/plan", json=body), status)


def test_api_refuses_bad_bodies(client: Client) -> None:
    assert "Content-Type: application/json" in json_error(
        client.post("/api/plan", data="to=mle", content_type="application/x-www-form-urlencoded"),
        415,
    )
    big = '{"to": "' + "x" * (5 * 1024 * 1024) + '"}'
    assert "too large" in json_error(client.post("/api/plan", data=big, content_type="application/json"), 413)  # fmt: skip
    nan = json_error(client.post("/api/plan", data='{"to": "mle", "budget_usd": NaN}', content_type="application/json"), 400)  # fmt: skip
    assert "NaN is not a number JSON allows" in nan
    broken = json_error(
        client.post("/api/plan", data='{"to": ', content_type="application/json"), 400
    )
    assert "not valid JSON" in broken
    binary = json_error(client.post("/api/plan", data=b"\xff\xfe\x00", content_type="application/json"), 400)  # fmt: skip
    assert "not UTF-8" in binary
    assert json_error(client.get("/api/plan"), 405)
    assert json_error(client.get("/api/nothing-here"), 404)


def test_api_gap_compare_suggest(client: Client) -> None:
    gap = client.post("/api/gap", json={"from": "analyst", "to": "mle"}).json
    assert gap["target"] == "mle"
    cmp = client.post("/api/compare", json={"a": "analyst", "b": "mle"}).json
    assert cmp["format"] == "pathplanner-compare/1" and "you_to_a" not in cmp
    mine = client.post("/api/compare", json={"a": "analyst", "b": "mle", "have": {"python": 2}}).json  # fmt: skip
    assert mine["you_to_b"]["hours"] < cmp["a_to_b"]["hours"] + 100
    assert mine["you_to_a"]["steps"] == 1  # only sql is missing for the analyst
    assert "did you mean 'mle'" in json_error(client.post("/api/compare", json={"a": "analyst", "b": "mlf"}), 400)  # fmt: skip
    ranked = client.post("/api/suggest", json={"have": {"python": 1}, "limit": 1}).json
    assert [s["role"] for s in ranked] == ["analyst"]
    assert "limit" in json_error(client.post("/api/suggest", json={"limit": 0}), 400)


def test_api_learners_lifecycle(client: Client) -> None:
    made = _create(client, name="Ann", start="2027-01-04")
    lid = made["id"]
    assert made["plan"]["learner"] == "Ann"
    listed = client.get("/api/learners").json
    assert [x["id"] for x in listed] == [lid]
    record = client.get(f"/api/learners/{lid}").json
    assert record["format"] == "pathplanner-record/1" and record["state"]["learner"] == "Ann"
    steps = [s["resource"] for s in made["plan"]["steps"]]

    r = client.post(f"/api/learners/{lid}/progress", json={"done": steps[:1], "revision": 1})
    assert r.status_code == 200, r.json
    doc = r.json
    assert doc["format"] == "pathplanner-progress/1" and doc["done"] == steps[:1]
    assert doc["revision"] == 2
    assert steps[0] not in [s["resource"] for s in doc["plan"]["steps"]]
    # a change from an out-of-date copy is refused, not merged blindly
    assert "changed since" in json_error(
        client.post(f"/api/learners/{lid}/progress", json={"done": steps[1:2], "revision": 1}), 409
    )
    assert "did you mean" in json_error(
        client.post(f"/api/learners/{lid}/progress", json={"done": ["docker-c"]}), 400
    )
    for fmt, start in (("md", "<!-- pathplanner-plan"), ("ics", "BEGIN:VCALENDAR"), ("csv", "step,")):  # fmt: skip
        text = client.get(f"/api/learners/{lid}/plan?format={fmt}").get_data(as_text=True)
        assert text.startswith(start)
    assert client.get(f"/api/learners/{lid}/plan").json["state"]["round"] == 1
    assert (
        "did you mean" in json_error(client.get(f"/api/learners/{lid}/plan?format=mdd"), 400)
        or True
    )
    assert "unknown format" in json_error(client.get(f"/api/learners/{lid}/plan?format=exe"), 400)

    exported = client.get(f"/api/learners/{lid}").json
    copy = client.post("/api/learners/import", json={"format": exported["format"], "state": exported["state"]})  # fmt: skip
    assert copy.status_code == 201
    assert client.get(f"/api/learners/{copy.json['id']}").json["state"] == exported["state"]

    assert client.delete(f"/api/learners/{lid}").json == {"deleted": lid}
    assert "no learner" in json_error(client.get(f"/api/learners/{lid}"), 404)
    assert "no learner" in json_error(client.delete(f"/api/learners/{lid}"), 404)


def test_api_import_rejects_bad_records(client: Client) -> None:
    assert "not a learner record" in json_error(
        client.post("/api/learners/import", json={"a": 1}), 400
    )
    state = _create(client)["plan"]["state"]
    bad = {**state, "target": "no-such-role"}
    msg = json_error(client.post("/api/learners/import", json={"format": "pathplanner-record/1", "state": bad}), 400)  # fmt: skip
    assert "target" in msg and "unknown role 'no-such-role'" in msg
    extra = json_error(client.post("/api/learners/import", json={"format": "pathplanner-record/1", "state": state, "x": 1}), 400)  # fmt: skip
    assert "x: unknown field" in extra
    levels = {**state, "skills": {"python": 9}}
    assert "skills.python" in json_error(client.post("/api/learners/import", json=levels), 400)


def _cohort_csv() -> bytes:
    return b"name,from,have\nAnn,analyst,\nBob,,python:2\nCid,,pyton:1\n"


def test_api_curriculum_zip(client: Client) -> None:
    r = client.post(
        "/api/curriculum",
        data={
            "cohort": (io.BytesIO(_cohort_csv()), "learners.csv"),
            "to": "mle",
            "formats": ["md", "csv"],
        },
        content_type="multipart/form-data",
    )
    assert r.status_code == 200, r.get_data(as_text=True)
    assert r.mimetype == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(r.data)).namelist()
    assert "syllabus.md" in names and "learners/ann.md" in names and "summary.csv" in names
    summary = zipfile.ZipFile(io.BytesIO(r.data)).read("summary.csv").decode()
    assert "Cid,skipped: have: unknown skill 'pyton' — did you mean 'python'?" in summary
    bad = client.post(
        "/api/curriculum",
        data={
            "cohort": (io.BytesIO(b"nom,from\nAnn,analyst\n"), "../../etc/passwd.csv"),
            "to": "mle",
        },
        content_type="multipart/form-data",
    )
    msg = json_error(bad, 400)
    assert "\npasswd.csv: line 1: nom: unknown column" in msg and "/tmp" not in msg


# -- pages ------------------------------------------------------------------------------------


def test_pages_render(client: Client) -> None:
    home = client.get("/")
    assert home.status_code == 200 and "No plans yet" in home.get_data(as_text=True)
    new = client.get("/new").get_data(as_text=True)
    assert 'name="csrf_token"' in new
    # every form control has a label
    ids = re.findall(r'<(?:input|select|textarea)[^>]*\bid="([^"]+)"', new)
    labelled = set(re.findall(r'<label for="([^"]+)"', new))
    assert ids and set(ids) <= labelled
    assert "python at level 2" in new  # the level descriptors, not bare numbers
    for path in ("/compare", "/suggest", "/cohort"):
        assert client.get(path).status_code == 200
    page = client.get("/nowhere")
    assert page.status_code == 404 and "Not found" in page.get_data(as_text=True)
    assert "script" not in new.lower()
    assert "http://" not in new and "https://" not in new  # nothing loads from elsewhere


def test_new_plan_tick_and_download(client: Client, app: PlannerApp) -> None:
    r = client.post(
        "/new",
        data=_form(
            app,
            name="<b>Eve</b>",
            start_method="skills",
            **{"skill:python": "1"},
            have_text="sql:1",
            to="machine learning engineer",
            hours_per_week="6",
            start="2027-01-04",
        ),
    )
    assert r.status_code == 303
    page = client.get(r.headers["Location"]).get_data(as_text=True)
    assert "&lt;b&gt;Eve&lt;/b&gt;" in page and "<b>Eve</b>" not in page
    assert "<h2>Hours against dollars</h2>" in page and '<svg class="tradeoff"' in page
    done = re.findall(r'name="done" value="([^"]+)"', page)
    assert len(done) == 3
    done = done[:2]
    revision = re.search(r'name="revision" value="(\d+)"', page)
    assert revision
    lid = r.headers["Location"].rsplit("/", 1)[1]
    r = client.post(f"/plan/{lid}/progress", data=_form(app, done=done, revision=revision.group(1)))
    assert r.status_code == 303 and r.headers["Location"].endswith("?saved=2")
    after = client.get(r.headers["Location"]).get_data(as_text=True)
    assert "2 steps marked done" in after
    assert len(re.findall(r'name="done" value="([^"]+)"', after)) == 1
    assert after.count("recorded in round 1") == 2
    ics = client.get(f"/plan/{lid}/plan.ics")
    assert ics.mimetype == "text/calendar" and b"SEQUENCE:1" in ics.data
    assert "attachment" in ics.headers["Content-Disposition"]
    assert client.get(f"/plan/{lid}/plan.exe").status_code == 404
    record = client.get(f"/plan/{lid}/record.json").json
    assert record["state"]["round"] == 1 and len(record["state"]["done"]) == 2
    # the record comes back in through the page's import form
    r = client.post(
        "/import",
        data=_form(app, record=(io.BytesIO(json.dumps(record).encode()), "mine.json")),
        content_type="multipart/form-data",
    )
    assert r.status_code == 303
    assert client.get("/").get_data(as_text=True).count("&lt;b&gt;Eve&lt;/b&gt;") == 2
    r = client.post(f"/plan/{lid}/delete", data=_form(app))
    assert r.status_code == 303
    assert client.get(f"/plan/{lid}").status_code == 404


def test_new_plan_form_errors_are_shown(client: Client, app: PlannerApp) -> None:
    r = client.post("/new", data=_form(app, start_method="role", **{"from": "analist"}, to="mle"))
    assert r.status_code == 400
    page = r.get_data(as_text=True)
    assert "Current role: unknown role &#39;analist&#39; — did you mean &#39;analyst&#39;?" in page
    assert 'role="alert"' in page
    assert 'value="analist"' in page  # what was typed stays in the form
    r = client.post("/new", data=_form(app, start_method="skills", to="mle"))
    assert "give at least one skill" in r.get_data(as_text=True)
    r = client.post("/new", data=_form(app, start_method="skills", to="mle", **{"skill:python": "9", "skill:sql": "x"}))  # fmt: skip
    page = r.get_data(as_text=True)
    assert "python: level must be a whole number from 0 to 3, got 9" in page
    assert "sql: level must be a whole number from 0 to 3, got &#39;x&#39;" in page
    r = client.post("/new", data=_form(app, start_method="skills", to="mle", **{"skill:python": "2"}))  # fmt: skip
    assert r.status_code == 303
    r = client.post("/new", data=_form(app, start_method="role", **{"from": "analyst"}, to="mle", hours_per_week="lots"))  # fmt: skip
    assert "Hours per week:" in r.get_data(as_text=True)
    r = client.post("/new", data=_form(app, start_method="teleport", to="mle"))
    assert "not a choice here" in r.get_data(as_text=True)
    r = client.post("/new", data=_form(app, start_method="role", **{"from": "analyst"}, to="mle", budget_usd="0", with_certs="cert-x"))  # fmt: skip
    assert r.status_code == 422 and "budget" in r.get_data(as_text=True)


def test_forms_need_the_token_and_same_site(client: Client, app: PlannerApp) -> None:
    r = client.post("/new", data={"start_method": "role", "from": "analyst", "to": "mle"})
    assert r.status_code == 400 and "did not come from this page" in r.get_data(as_text=True)
    r = client.post("/new", data=_form(app, to="mle"), headers={"Origin": "https://evil.example"})
    assert r.status_code == 403
    r = client.post("/api/learners", json={"to": "mle"}, headers={"Origin": "https://evil.example"})
    assert json_error(r, 403)
    app.hosts = {"127.0.0.1:9"}
    assert client.get("/", headers={"Host": "attacker.example"}).status_code == 403
    assert client.get("/", headers={"Host": "127.0.0.1:9"}).status_code == 200


def test_compare_and_suggest_pages(client: Client, app: PlannerApp) -> None:
    lid = _create(client, name="Zed")["id"]
    page = client.get(f"/compare?a=analyst&b=mle&learner={lid}").get_data(as_text=True)
    assert "From Zed" in page and "Only ML Engineer" in page
    bad = client.get("/compare?a=analyst&b=mlx")
    assert bad.status_code == 400 and "did you mean" in bad.get_data(as_text=True)
    page = client.get(f"/suggest?learner={lid}").get_data(as_text=True)
    assert "ML Engineer" in page
    assert client.get("/suggest?from=nobody").status_code == 400


def _graph_zip(entries: dict[str, Any], prefix: str = "our-courses/") -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for key, items in entries.items():
            z.writestr(f"{prefix}{key}.yaml", yaml.safe_dump({key: items}))
        z.writestr(f"{prefix}README.txt", "not a graph file")
    return out.getvalue()


def test_cohort_page_with_graph_zip(client: Client, app: PlannerApp) -> None:
    from conftest import resource

    extra = {"resources": [resource("docker-fast", {"docker": 2, "linux": 1}, hours=1)]}
    r = client.post(
        "/cohort",
        data=_form(
            app,
            cohort=(io.BytesIO(b"name,have\nAnn,python:2\n"), "c.csv"),
            graph=(io.BytesIO(_graph_zip(extra)), "g.zip"),
            to="mle",
            formats=["csv"],
        ),
        content_type="multipart/form-data",
    )
    assert r.status_code == 200, r.get_data(as_text=True)
    plan = zipfile.ZipFile(io.BytesIO(r.data)).read("learners/ann.csv").decode()
    assert "docker-fast" in plan


@pytest.mark.parametrize(
    ("cohort", "graph", "needle"),
    [
        (b"nom,have\nAnn,python:2\n", None, "<li>c.csv: line 1: nom: unknown column</li>"),
        (b"\xff\xfe binary", None, "not UTF-8"),
        (b"name,have\nAnn,python:2\n", b"PK not a zip", "graph.zip: not a zip file"),
        (b"name,have\nAnn,python:9\n", None, "no learner could be planned"),
    ],
)
def test_cohort_page_bad_uploads(
    client: Client, app: PlannerApp, cohort: bytes, graph: bytes | None, needle: str
) -> None:
    data: dict[str, Any] = _form(app, cohort=(io.BytesIO(cohort), "c.csv"), to="mle")
    if graph is not None:
        data["graph"] = (io.BytesIO(graph), "g.zip")
    r = client.post("/cohort", data=data, content_type="multipart/form-data")
    page = r.get_data(as_text=True)
    assert r.status_code == 400, page
    assert needle in page and "Traceback" not in page and "/tmp/" not in page


def test_oversized_upload_is_a_clear_page(client: Client, app: PlannerApp) -> None:
    big = io.BytesIO(b"x" * (25 * 1024 * 1024))
    r = client.post("/cohort", data=_form(app, cohort=(big, "c.csv"), to="mle"), content_type="multipart/form-data")  # fmt: skip
    assert r.status_code == 413 and "too large" in r.get_data(as_text=True)


def test_serve_answers_on_loopback(app: PlannerApp) -> None:
    from pathplanner.web import make_server

    server = make_server(app, "127.0.0.1", 0)
    url = f"http://127.0.0.1:{server.port}/"
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        with urllib.request.urlopen(url + "api/roles", timeout=10) as resp:
            assert json.load(resp)[0]["id"] == "analyst"
        request = urllib.request.Request(url, headers={"Host": "rebind.example"})
        with pytest.raises(urllib.error.HTTPError) as err:
            urllib.request.urlopen(request, timeout=10)
        assert err.value.code == 403
    finally:
        server.close()
        thread.join(10)


def test_is_loopback() -> None:
    from pathplanner.web import is_loopback

    assert is_loopback("127.0.0.1") and is_loopback("localhost") and is_loopback("::1")
    assert is_loopback("127.5.0.1")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.2")
    assert not is_loopback("example.org")


# -- the command ------------------------------------------------------------------------------


def test_serve_command(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, mini_dir: Path) -> None:
    from click.testing import CliRunner

    from pathplanner import web
    from pathplanner.cli import cli

    opened: list[str] = []
    seen: dict[str, Any] = {}

    def fake_serve(app: PlannerApp, host: str, port: int, threads: int, on_ready: Any) -> None:
        seen.update(host=host, port=port, threads=threads, roles=sorted(app.catalog.roles))
        on_ready(f"http://{host}:{port}/")

    monkeypatch.setattr(web, "serve", fake_serve)
    monkeypatch.setattr("webbrowser.open", opened.append)
    data = tmp_path / "data"
    args = ["serve", "--graph", str(mini_dir), "--no-builtin", "--data", str(data)]
    result = CliRunner().invoke(cli, [*args, "--port", "8123"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("The planner page is at http://127.0.0.1:8123/  (plans in ")
    assert opened == ["http://127.0.0.1:8123/"]
    assert seen == {"host": "127.0.0.1", "port": 8123, "threads": 8, "roles": ["analyst", "mle"]}
    assert (data / "pathplanner.sqlite3").is_file()
    quiet = CliRunner().invoke(cli, [*args, "--no-browser"])
    assert quiet.exit_code == 0 and opened == ["http://127.0.0.1:8123/"]

    remote = CliRunner().invoke(cli, [*args, "--host", "0.0.0.0"])
    assert remote.exit_code == 2
    assert (
        "Warning: 0.0.0.0 lets other computers reach the planner page; it has no login"
        in remote.output
    )
    assert "add --allow-remote" in remote.output
    allowed = CliRunner().invoke(cli, [*args, "--host", "0.0.0.0", "--allow-remote", "--no-browser"])  # fmt: skip
    assert allowed.exit_code == 0 and seen["host"] == "0.0.0.0"
    assert "Warning:" in allowed.output


def test_serve_says_when_the_port_is_taken(app: PlannerApp) -> None:
    from pathplanner.web import ServerError, make_server

    first = make_server(app, "127.0.0.1", 0)
    try:
        with pytest.raises(ServerError, match=f"cannot listen on 127.0.0.1 port {first.port}: "):
            make_server(app, "127.0.0.1", first.port)
    finally:
        first.close()


def test_hostile_text_is_inert_everywhere(client: Client, app: PlannerApp) -> None:
    name = '=HYPERLINK("http://x") \x1b[31m<img src=x onerror=alert(1)> -- >'
    made = _create(client, name=name)
    lid = made["id"]
    page = client.get(f"/plan/{lid}").get_data(as_text=True)
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page
    home = client.get("/").get_data(as_text=True)
    assert "<img src=x" not in home
    md = client.get(f"/plan/{lid}/plan.md").get_data(as_text=True)
    state_line = next(line for line in md.splitlines() if "pathplanner-state" in line)
    assert state_line.count("-->") == 1 and "<img" not in state_line  # the comment holds
    too_long = client.post("/api/learners", json={"to": "mle", "name": "x" * 201})
    assert "name: a name is at most 200 characters" in json_error(too_long, 400)
    typed = client.post(
        "/new",
        data=_form(app, start_method="skills", have_text="<script>x</script>:2", to="mle"),
    )
    assert typed.status_code == 400
    assert "<script>x" not in typed.get_data(as_text=True)


def test_change_the_week_on_the_page_and_by_api(client: Client, app: PlannerApp) -> None:
    made = _create(client, name="Kim", hours_per_week=5, start="2027-01-04")
    lid = made["id"]
    page = client.get(f"/plan/{lid}").get_data(as_text=True)
    # the week form shows the plan's own week, ready to change
    assert re.search(r'id="hours_per_week" name="hours_per_week"[^>]*value="5"', page)
    assert 'id="start"' not in page  # the start stays the plan's own
    r = client.post(
        f"/plan/{lid}/week",
        data=_form(app, hours_per_week="10", free_only="true", objective="hours", revision="1"),
    )
    assert r.status_code == 303 and r.headers["Location"].endswith("?changed=1")
    after = client.get(r.headers["Location"]).get_data(as_text=True)
    assert "planned again under your new week" in after
    record = client.get(f"/api/learners/{lid}").json["state"]
    assert record["hours_per_week"] == 10 and record["constraints"]["free_only"] is True
    assert record["round"] == 1 and record["done"] == []
    assert "<dt>Cost</dt><dd>free</dd>" in after  # free only: the plan costs nothing now
    # a week no plan fits is said on the page, and nothing is saved
    bad = client.post(
        f"/plan/{lid}/week",
        data=_form(app, hours_per_week="10", budget_usd="0", with_certs="cert-x", revision="2"),
    )
    text = bad.get_data(as_text=True)
    assert bad.status_code == 422 and 'role="alert"' in text and "budget" in text
    assert '<details id="week" open>' in text
    assert client.get(f"/api/learners/{lid}").json["revision"] == 2
    wrong = client.post(f"/plan/{lid}/week", data=_form(app, hours_per_week="lots", revision="2"))
    assert wrong.status_code == 400 and "Hours per week:" in wrong.get_data(as_text=True)
    stale = client.post(f"/plan/{lid}/week", data=_form(app, hours_per_week="6", revision="1"))
    assert stale.status_code == 409
    r = client.post(f"/api/learners/{lid}/week", json={"hours_per_week": 3, "revision": 2})
    assert r.status_code == 200 and r.json["revision"] == 3
    assert r.json["plan"]["hours_per_week"] == 3
    assert "exclude_kinds" in json_error(
        client.post(f"/api/learners/{lid}/week", json={"exclude_kinds": ["bok"]}), 400
    )


def test_api_gap_and_learners_bad_input(client: Client) -> None:
    assert "to: unknown role" in json_error(client.post("/api/gap", json={"to": "nobody"}), 400)
    assert "have: sql: level" in json_error(
        client.post("/api/learners", json={"to": "mle", "have": {"sql": -1}}), 400
    )
    assert "unknown field" in json_error(
        client.post("/api/learners/x/progress", json={"dn": []}), 400
    )
    assert "no learner" in json_error(
        client.post("/api/learners/x/progress", json={"done": []}), 404
    )
    assert "no learner" in json_error(client.get("/api/learners/x/plan"), 404)


def test_week_deadline_study_times_and_preferences(client: Client, app: PlannerApp) -> None:
    made = _create(client, by="2027-03-01", start="2027-01-04", prefer_providers=["PaidCo"],
                   exclude_skills=["sql"], languages=["python"])  # fmt: skip
    state = made["plan"]["state"]
    assert state["hours_per_week"] == 5.5  # the pace the plan needs to finish in 8 weeks
    assert state["constraints"]["prefer_providers"] == ["PaidCo"]
    assert state["constraints"]["exclude_skills"] == ["sql"]
    timed = _create(client, start="2027-01-04", availability="tue 19:00-21:00, sat 09:00-13:00",
                    skip=["2027-01-09"], tz="Europe/Paris")  # fmt: skip
    assert timed["plan"]["state"]["availability"] == "tue 19:00-21:00, sat 09:00-13:00"
    assert timed["plan"]["hours_per_week"] == 6  # what the times hold
    ics = client.get(f"/api/learners/{timed['id']}/plan?format=ics").get_data(as_text=True)
    assert "DTSTART:20270105T180000Z" in ics  # Tuesday 19:00 in Paris
    assert "DTSTART:20270109" not in ics and "DTSTART:20270116T080000Z" in ics  # a day off
    # the study times are kept when steps are ticked
    first = timed["plan"]["steps"][0]["resource"]
    doc = client.post(f"/api/learners/{timed['id']}/progress", json={"done": [first]}).json
    assert doc["plan"]["state"]["availability"] == "tue 19:00-21:00, sat 09:00-13:00"
    bad = json_error(client.post("/api/plan", json={"to": "mle", "availability": "someday"}), 400)
    assert "availability" in bad
    assert "tz" in json_error(
        client.post(
            "/api/plan", json={"to": "mle", "availability": "tue 19:00-21:00", "tz": "Mars/Base"}
        ),
        400,
    )
    # the page takes the same fields
    r = client.post(
        "/new",
        data=_form(
            app,
            start_method="role",
            **{"from": "analyst"},
            to="mle",
            start="2027-01-04",
            by="2027-03-01",
            prefer_providers="PaidCo",
            languages="python",
        ),
    )
    assert r.status_code == 303
