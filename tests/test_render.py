"""Rendered plans: golden files for every format, safe HTML, strict and sandboxed templates."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import tempfile
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, ClassVar

import pytest
from conftest import mini_entries, write_graph

from pathplanner.errors import RenderError
from pathplanner.load import load_catalog
from pathplanner.planner import plan
from pathplanner.render import render_plan

GOLDEN = Path(__file__).parent / "golden"
FORMATS = {
    "txt": "txt",
    "md": "md",
    "html": "html",
    "json": "json",
    "csv": "csv",
    "ics": "ics",
    "mermaid": "mmd",
    "dot": "dot",
}


@pytest.fixture
def mini_plan(mini: Any) -> Any:
    return plan(
        mini,
        "mle",
        from_role="analyst",
        hours_per_week=8,
        start=dt.date(2027, 1, 4),
        with_certs=("cert-x",),
    )


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_golden(mini: Any, mini_plan: Any, fmt: str) -> None:
    out = render_plan(mini_plan, fmt, mini)
    golden = GOLDEN / f"mini-plan.{FORMATS[fmt]}"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_bytes(out.encode())
    # bytes, not text: iCalendar lines end in CRLF and must stay that way
    assert out.encode() == golden.read_bytes(), f"{golden} differs (UPDATE_GOLDEN=1 rewrites it)"


def test_markdown_has_checkboxes_mermaid_and_milestones(mini: Any, mini_plan: Any) -> None:
    md = render_plan(mini_plan, "md", mini)
    assert md.count("- [ ] **") == len(mini_plan.steps)
    assert "```mermaid\nflowchart TD\n" in md
    assert "After step 3: you qualify as **ML Engineer**" in md
    assert "## Certifications on the way" in md


class _Balance(HTMLParser):
    VOID: ClassVar[set[str]] = {
        "meta",
        "link",
        "br",
        "img",
        "input",
        "hr",
        "area",
        "base",
        "col",
        "source",
        "wbr",
    }

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.scripts = 0
        self.external: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            self.scripts += 1
        for name, value in attrs:
            if name in ("src", "href") and value and tag in ("link", "img", "script"):
                self.external.append(value)
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"unexpected </{tag}> (open: {self.stack[-3:]})")
        else:
            self.stack.pop()


def check_html(text: str) -> _Balance:
    parser = _Balance()
    parser.feed(text)
    parser.close()
    assert parser.errors == []
    assert parser.stack == []
    return parser


def hostile_catalog(tmp_path: Path) -> Any:
    entries = mini_entries()
    entries["resources"][1]["title"] = "<script>alert(1)</script>"
    entries["resources"][1]["provider"] = 'Evil "Co" & <b>'
    return load_catalog([write_graph(tmp_path / "evil", **entries)], builtin=False)


def test_html_is_well_formed_self_contained_and_escaped(tmp_path: Path) -> None:
    catalog = hostile_catalog(tmp_path)
    p = plan(catalog, "mle", from_role="analyst", start=dt.date(2027, 1, 4))
    assert "py-paid" in [s.resource for s in p.steps]
    html = render_plan(p, "html", catalog)
    parsed = check_html(html)
    assert parsed.scripts == 0
    assert parsed.external == []
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "Evil &#34;Co&#34; &amp; &lt;b&gt;" in html
    md = render_plan(p, "md", catalog)
    assert "<script>" not in md
    mermaid = render_plan(p, "mermaid", catalog)
    assert "<script>" not in mermaid


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(
    _chromium() is None and not os.environ.get("PATHPLANNER_REQUIRE_BROWSER"),
    reason="Chromium is not installed (.ci/run installs it)",
)
def test_html_renders_in_headless_chromium(tmp_path: Path) -> None:
    assert _chromium() is not None, "PATHPLANNER_REQUIRE_BROWSER is set but Chromium is missing"
    catalog = hostile_catalog(tmp_path)
    p = plan(catalog, "mle", from_role="analyst", start=dt.date(2027, 1, 4))
    page = tmp_path / "plan.html"
    page.write_text(render_plan(p, "html", catalog))
    with tempfile.TemporaryDirectory() as profile:
        result = subprocess.run(
            [
                _chromium(),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                f"--user-data-dir={profile}",
                "--dump-dom",
                page.as_uri(),
            ],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    assert result.returncode == 0, result.stderr[-2000:]
    dom = result.stdout
    assert "Study plan: Analyst → ML Engineer" in dom
    for step in p.steps:
        assert f'id="step-{step.number}"' in dom
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in dom  # shown as text, never run
    assert "<script>alert(1)" not in dom
    assert "<svg" in dom and "<rect" in dom


def test_json_is_pathplanner_plan_1(mini: Any, mini_plan: Any) -> None:
    doc = json.loads(render_plan(mini_plan, "json", mini))
    assert list(doc)[:8] == [
        "format",
        "target",
        "objective",
        "status",
        "profile",
        "total_hours",
        "total_cost_usd",
        "steps",
    ]
    assert list(doc["steps"][0])[:6] == [
        "resource",
        "hours",
        "cost_usd",
        "start_week",
        "end_week",
        "closes",
    ]


def test_ics_needs_a_start_date(mini: Any) -> None:
    p = plan(mini, "mle", from_role="analyst")
    with pytest.raises(Exception, match="the ics format needs a start date"):
        render_plan(p, "ics", mini)


def test_user_template_unknown_variable_names_file_and_line(
    tmp_path: Path, mini: Any, mini_plan: Any
) -> None:
    tpl = tmp_path / "mine.md.j2"
    tpl.write_text("# {{ plan.target }}\n\n{{ plan.no_such_thing }}\n")
    with pytest.raises(RenderError) as info:
        render_plan(mini_plan, "md", mini, template=tpl)
    assert str(info.value) == f"{tpl}: line 3: 'dict object' has no attribute 'no_such_thing'"


def test_user_template_sandbox(tmp_path: Path, mini: Any, mini_plan: Any) -> None:
    tpl = tmp_path / "evil.j2"
    tpl.write_text("{{ plan.__class__.__mro__ }}\n")
    with pytest.raises(RenderError) as info:
        render_plan(mini_plan, "md", mini, template=tpl)
    assert str(info.value).startswith(f"{tpl}: line 1: not allowed in a sandboxed template:")


def test_user_template_syntax_error(tmp_path: Path, mini: Any, mini_plan: Any) -> None:
    tpl = tmp_path / "broken.j2"
    tpl.write_text("ok\n{% for x in %}\n")
    with pytest.raises(RenderError) as info:
        render_plan(mini_plan, "md", mini, template=tpl)
    assert str(info.value).endswith(
        "line 2: template syntax error: Expected an expression, got 'end of statement block'"
    )


def test_templates_dir_overrides_one_format(tmp_path: Path, mini: Any, mini_plan: Any) -> None:
    (tmp_path / "plan.md.j2").write_text(
        "Bootcamp plan for {{ plan.target_name }}: {{ plan.total_hours }} h\n"
    )
    assert (
        render_plan(mini_plan, "md", mini, templates_dir=tmp_path)
        == "Bootcamp plan for ML Engineer: 42.0 h\n"
    )
    # formats the directory does not override fall back to the built-in templates
    assert render_plan(mini_plan, "txt", mini, templates_dir=tmp_path).startswith("Study plan:")


def test_attribution_lines_when_esco_or_onet_data_are_used(tmp_path: Path) -> None:
    entries = mini_entries()
    entries["skills"][1]["esco_uri"] = "http://data.europa.eu/esco/skill/example"
    entries["skills"][1]["onet"] = "Python"
    catalog = load_catalog([write_graph(tmp_path / "g", **entries)], builtin=False)
    p = plan(catalog, "mle", from_role="analyst", start=dt.date(2027, 1, 4))
    esco = "This product uses the ESCO classification of the European Commission."
    for fmt in ("txt", "md", "html", "json"):
        assert esco in render_plan(p, fmt, catalog), fmt
        assert "NET OnLine by the U.S. Department of Labor" in render_plan(p, fmt, catalog), fmt
