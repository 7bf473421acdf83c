"""Shared fixtures: small graphs written to temporary directories."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest
import yaml

# One validated-catalogue cache for the whole test session, in a directory of its own: the
# built-in graph is validated once, not in every CLI test, and no user cache is touched.
if "PATHPLANNER_CACHE_DIR" not in os.environ and "PATHPLANNER_NO_CACHE" not in os.environ:
    os.environ["PATHPLANNER_CACHE_DIR"] = tempfile.mkdtemp(prefix="pathplanner-test-cache-")
    atexit.register(shutil.rmtree, os.environ["PATHPLANNER_CACHE_DIR"], True)


def level(means: str, **requires: int) -> dict[str, Any]:
    return {"means": means, "requires": dict(requires)} if requires else {"means": means}


def skill(
    sid: str,
    category: str = "programming",
    levels: int = 3,
    aliases: list[str] | None = None,
    **prereqs: dict[str, int],
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": sid,
        "name": sid.replace("-", " ").title(),
        "category": category,
        "description": f"The {sid} skill.",
        "levels": {},
    }
    if aliases:
        out["aliases"] = aliases
    for lvl in range(1, levels + 1):
        req = prereqs.get(f"l{lvl}", {})
        out["levels"][lvl] = {
            "means": f"{sid} at level {lvl}",
            **({"requires": req} if req else {}),
        }
    return out


def resource(
    rid: str,
    teaches: dict[str, int],
    hours: float = 10,
    cost: float = 0,
    requires: dict[str, int] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": rid,
        "kind": extra.pop("kind", "course"),
        "title": extra.pop("title", rid.replace("-", " ").title()),
        "provider": extra.pop("provider", "Example Provider"),
        "url": f"https://example.org/{rid}",
        "hours": hours,
        "hours_source": "test fixture",
        "cost_usd": cost,
        "requires": requires or {},
        "teaches": teaches,
    }
    if cost > 0:
        out["cost_source"] = "test fixture"
    out.update(extra)
    return out


def role(
    rid: str, essential: dict[str, int], optional: dict[str, int] | None = None, **extra: Any
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": rid,
        "name": extra.pop("name", rid.replace("-", " ").title()),
        "requires": {"essential": essential, **({"optional": optional} if optional else {})},
    }
    out.update(extra)
    return out


def write_graph(
    root: Path,
    skills: list[dict[str, Any]] | None = None,
    resources: list[dict[str, Any]] | None = None,
    roles: list[dict[str, Any]] | None = None,
) -> Path:
    """Write a graph directory with one file per kind and return it."""
    root.mkdir(parents=True, exist_ok=True)
    for key, entries in (("skills", skills), ("resources", resources), ("roles", roles)):
        if entries is not None:
            (root / f"{key}.yaml").write_text(yaml.safe_dump({key: entries}, sort_keys=False))
    return root


def mini_entries() -> dict[str, list[dict[str, Any]]]:
    """Return a small but complete graph: two roles, a certification, alternatives."""
    return {
        "skills": [
            skill("linux", "software-engineering", 2),
            skill("python", "programming", 3, aliases=["py"]),
            skill("sql", "programming", 2),
            skill("docker", "mlops", 2, l1={"linux": 1}),
            skill("ml", "ml", 2, aliases=["machine learning"], l1={"python": 1}, l2={"python": 2}),
            skill("cert-x", "credential", 1),
        ],
        "resources": [
            resource("py-free", {"python": 1}, hours=10),
            resource("py-paid", {"python": 2}, hours=6, cost=20, provider="PaidCo"),
            resource("py-adv", {"python": 2}, hours=8, requires={"python": 1}),
            resource("sql-basics", {"sql": 1}, hours=4),
            resource("linux-course", {"linux": 1}, hours=5),
            resource("docker-a", {"docker": 2}, hours=10, cost=10, provider="PaidCo"),
            resource("docker-b", {"docker": 2, "linux": 1}, hours=14),
            resource("ml-course", {"ml": 2}, hours=20, kind="specialization"),
            resource(
                "exam-x",
                {"cert-x": 1},
                hours=2,
                cost=100,
                requires={"docker": 2, "ml": 2},
                kind="certification",
                exam_code="X-101",
                provider="CertOrg",
            ),
        ],
        "roles": [
            role("analyst", {"python": 1, "sql": 1}, aliases=["da"], next=["mle"]),
            role(
                "mle",
                {"python": 2, "docker": 2, "ml": 2},
                {"sql": 1},
                name="ML Engineer",
                aliases=["machine learning engineer"],
                credentials=["cert-x"],
            ),
        ],
    }


@pytest.fixture
def mini_dir(tmp_path: Path) -> Path:
    return write_graph(tmp_path / "mini", **mini_entries())


@pytest.fixture
def mini(mini_dir: Path) -> Any:
    from pathplanner.load import load_catalog

    return load_catalog([mini_dir], builtin=False)


# -- the planner page: an app on the mini graph, a test client, its JSON errors ---------------


@pytest.fixture
def app(tmp_path: Path) -> Any:
    from pathplanner.web import make_app

    graph = write_graph(tmp_path / "mini", **mini_entries())
    return make_app(tmp_path / "data", [graph], builtin=False)


@pytest.fixture
def client(app: Any) -> Any:
    from werkzeug.test import Client

    return Client(app)


def json_error(r: Any, status: int) -> str:
    """Return an API answer's error message, checking it is a JSON error of that status."""
    assert r.status_code == status, r.get_data(as_text=True)
    assert r.mimetype == "application/json"
    body = r.json
    assert body is not None and body["status"] == status
    return str(body["error"])
