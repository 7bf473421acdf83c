"""Loading and validation: every kind of broken graph gives a clear, located message."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from conftest import mini_entries, resource, role, skill, write_graph

from pathplanner.errors import GraphError
from pathplanner.load import load_catalog, validate_dirs


def problems_of(root: Path) -> list[str]:
    catalog, problems = validate_dirs([root])
    assert catalog is None, "expected the graph to be rejected"
    return [str(p) for p in problems if p.severity == "error"]


def broken(tmp_path: Path, **changes: Any) -> Path:
    entries = mini_entries()
    entries.update(changes)
    return write_graph(tmp_path / "g", **entries)


def test_clean_graph_loads(mini: Any) -> None:
    assert sorted(mini.roles) == ["analyst", "mle"]
    assert mini.effective("docker-a") == {"linux": 1}
    # docker-b teaches linux itself, so the docker prerequisite is not a requirement
    assert mini.effective("docker-b") == {}
    assert mini.effective("ml-course") == {"python": 2}


def test_unknown_skill_reference_suggests_nearest(tmp_path: Path) -> None:
    entries = mini_entries()
    entries["resources"][5]["requires"] = {"linx": 1}
    lines = problems_of(write_graph(tmp_path / "g", **entries))
    assert lines == [
        f"{tmp_path}/g/resources.yaml: line 68: docker-a: requires.linx: unknown skill 'linx' — did you mean 'linux'?"
    ]


def test_duplicate_id_in_one_directory(tmp_path: Path) -> None:
    root = write_graph(tmp_path / "g", **mini_entries())
    write_graph(root / "more", skills=[skill("python")])
    lines = problems_of(root)
    assert len(lines) == 1
    assert lines == [
        f"{root}/skills.yaml: line 11: python: id: duplicate skill id (also in {root}/more/skills.yaml)"
    ]


def test_level_out_of_schema_range(tmp_path: Path) -> None:
    entries = mini_entries()
    entries["resources"][0]["teaches"] = {"python": 4}
    lines = problems_of(write_graph(tmp_path / "g", **entries))
    assert len(lines) == 1
    assert "py-free: teaches.python: Input should be less than or equal to 3" in lines[0]


def test_level_above_what_the_skill_defines(tmp_path: Path) -> None:
    entries = mini_entries()
    entries["resources"][3]["teaches"] = {"sql": 3}  # sql defines levels 1-2
    lines = problems_of(write_graph(tmp_path / "g", **entries))
    assert lines == [
        f"{tmp_path}/g/resources.yaml: line 47: sql-basics: teaches.sql: level 3 of 'sql' is out of range "
        "(it defines levels 1-2)"
    ]


@pytest.mark.parametrize("fld", ["hours", "cost_usd"])
def test_negative_hours_or_cost(tmp_path: Path, fld: str) -> None:
    entries = mini_entries()
    entries["resources"][0][fld] = -1
    lines = problems_of(write_graph(tmp_path / "g", **entries))
    assert lines == [
        f"{tmp_path}/g/resources.yaml: line {({'hours': 7, 'cost_usd': 9})[fld]}: py-free: {fld}: "
        "Input should be greater than or equal to 0"
    ]


def test_malformed_yaml_names_the_line(tmp_path: Path) -> None:
    root = write_graph(tmp_path / "g", **mini_entries())
    (root / "broken.yaml").write_text("skills:\n  - id: x\n    name: [unclosed\n")
    lines = problems_of(root)
    assert len(lines) == 1
    assert lines[0].startswith(f"{root}/broken.yaml: line 4, column")


def test_wrong_type(tmp_path: Path) -> None:
    entries = mini_entries()
    entries["resources"][0]["hours"] = "ten"
    lines = problems_of(write_graph(tmp_path / "g", **entries))
    assert lines == [
        f"{tmp_path}/g/resources.yaml: line 7: py-free: hours: Input should be a valid number, "
        "unable to parse string as a number"
    ]


def test_unknown_field(tmp_path: Path) -> None:
    entries = mini_entries()
    entries["roles"][0]["salry"] = 5
    lines = problems_of(write_graph(tmp_path / "g", **entries))
    assert lines == [
        f"{tmp_path}/g/roles.yaml: line 12: analyst: salry: unknown field — did you mean 'salary'?"
    ]


def test_unreachable_role(tmp_path: Path) -> None:
    entries = mini_entries()
    entries["skills"].append(skill("rust", levels=1))
    entries["resources"].append(resource("rust-book", {"rust": 1}, requires={"sql": 2}))
    entries["roles"].append(role("rustacean", {"rust": 1}))
    lines = problems_of(write_graph(tmp_path / "g", **entries))
    assert lines == [
        f"{tmp_path}/g/roles.yaml: line 28: rustacean: requires.essential: unreachable from an empty "
        "profile with the active resources: rust:1 cannot be learned"
    ]


def test_skill_nothing_teaches(tmp_path: Path) -> None:
    entries = mini_entries()
    entries["skills"].append(skill("cobol"))
    lines = problems_of(write_graph(tmp_path / "g", **entries))
    assert lines == [f"{tmp_path}/g/skills.yaml: line 66: cobol: nothing teaches this skill"]


def test_cycle_is_explained_from_the_resource(tmp_path: Path) -> None:
    entries = mini_entries()
    entries["resources"].append(resource("loop-a", {"sql": 2}, requires={"linux": 2}))
    entries["resources"].append(resource("loop-b", {"linux": 2}, requires={"sql": 2}))
    lines = problems_of(write_graph(tmp_path / "g", **entries))
    assert lines == [
        f"{tmp_path}/g/resources.yaml: line 118: loop-a: requires.linux: your course `loop-a` "
        "teaches Sql 2; it requires Linux 2, which your course `loop-b` teaches, and that needs "
        "Sql 2, which your course `loop-a` teaches: a cycle. Either remove `linux` from its "
        "requires if a learner does not need Linux 2 before it, or split it into two: one that "
        "teaches Sql 2 without needing Linux 2, and one that needs it."
    ]


def test_recommending_a_retired_credential(tmp_path: Path) -> None:
    entries = mini_entries()
    entries["resources"][8].update(status="retired", retired_on="2024-05-31")
    catalog, problems = validate_dirs([write_graph(tmp_path / "g", **entries)])
    assert catalog is None
    assert [str(p) for p in problems] == [
        f"{tmp_path}/g/skills.yaml: line 59: cert-x: only retired resources teach this skill",
        f"{tmp_path}/g/roles.yaml: line 23: mle: credentials: recommends 'cert-x', which can no longer be "
        "earned (only retired resources grant it)",
    ]


def test_retired_needs_a_date(tmp_path: Path) -> None:
    entries = mini_entries()
    entries["resources"][8]["status"] = "retired"
    lines = problems_of(write_graph(tmp_path / "g", **entries))
    assert lines == [
        f"{tmp_path}/g/resources.yaml: line 94: exam-x: (entry): a retired resource needs retired_on "
        "(the date it was retired)"
    ]


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    entries = mini_entries()
    entries["resources"][0]["hours"] = -5
    entries["resources"][1]["cost_usd"] = -1
    entries["roles"][0]["sennority"] = "junior"
    assert len(problems_of(write_graph(tmp_path / "g", **entries))) == 3


def test_later_directory_overrides_and_is_reported(tmp_path: Path, mini_dir: Path) -> None:
    extra = write_graph(
        tmp_path / "bootcamp", resources=[resource("py-free", {"python": 1}, hours=3)]
    )
    catalog, problems = validate_dirs([mini_dir, extra])
    assert catalog is not None
    assert catalog.resources["py-free"].hours == 3
    notes = [str(p) for p in problems if p.severity == "note"]
    assert notes == [
        f"{extra}/resources.yaml: line 2: py-free: overrides the resource from {mini_dir}/resources.yaml"
    ]


def test_load_catalog_raises_with_every_problem(tmp_path: Path) -> None:
    entries = mini_entries()
    entries["resources"][0]["hours"] = -5
    with pytest.raises(GraphError) as info:
        load_catalog([write_graph(tmp_path / "g", **entries)], builtin=False)
    assert "the knowledge graph has 1 problem(s):" in str(info.value)
    assert "py-free: hours:" in str(info.value)


def test_missing_directory(tmp_path: Path) -> None:
    with pytest.raises(GraphError, match="graph directory not found"):
        load_catalog([tmp_path / "nope"], builtin=False)


def test_cache_is_rebuilt_when_a_file_changes(
    tmp_path: Path, mini_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PATHPLANNER_NO_CACHE", raising=False)
    monkeypatch.setenv("PATHPLANNER_CACHE_DIR", str(tmp_path / "cache"))
    first = load_catalog([mini_dir], builtin=False)
    assert len(list((tmp_path / "cache").glob("catalog-*.pickle"))) == 1
    again = load_catalog([mini_dir], builtin=False)
    assert again.resources.keys() == first.resources.keys()
    entries = mini_entries()
    entries["resources"][0]["hours"] = 99
    write_graph(mini_dir, **entries)
    changed = load_catalog([mini_dir], builtin=False)
    assert changed.resources["py-free"].hours == 99
    assert len(list((tmp_path / "cache").glob("catalog-*.pickle"))) == 2


def test_unknown_category_suggests(tmp_path: Path) -> None:
    entries = mini_entries()
    entries["skills"][0]["category"] = "software-enginering"
    lines = problems_of(write_graph(tmp_path / "g", **entries))
    assert lines == [
        f"{tmp_path}/g/skills.yaml: line 4: linux: category: unknown category 'software-enginering' — "
        "did you mean 'software-engineering'?"
    ]


def test_a_general_skill_cannot_require_a_language_or_tool(tmp_path: Path) -> None:
    entries = mini_entries()
    entries["skills"].append({**skill("java", levels=1), "kind": "language"})
    entries["skills"].append(skill("oop", levels=1, l1={"java": 1}))
    entries["resources"].append(resource("java-intro", {"java": 1}))
    entries["resources"].append(resource("oop-course", {"oop": 1}))
    lines = problems_of(write_graph(tmp_path / "g", **entries))
    assert lines == [
        f"{tmp_path}/g/skills.yaml: line 82: oop: levels.1.requires.java: a general skill cannot "
        "require the language 'java': a learner may use another one; require it on the "
        "resources that use it instead"
    ]


def test_a_resource_lists_the_languages_it_uses(tmp_path: Path) -> None:
    entries = mini_entries()
    entries["resources"][0]["languages"] = ["python", "none"]
    entries["resources"][1]["languages"] = ["cobol"]
    lines = problems_of(write_graph(tmp_path / "g", **entries))
    assert len(lines) == 2
    assert "'none' (no code) cannot go with a language" in lines[0] + lines[1]
    assert "languages.0" in lines[0] + lines[1]


def test_settled_files_are_trusted_by_their_stat(
    tmp_path: Path, mini_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A warm load stats the files instead of reading them, once they have settled."""
    import os

    import pathplanner.load as load

    monkeypatch.delenv("PATHPLANNER_NO_CACHE", raising=False)
    monkeypatch.setenv("PATHPLANNER_CACHE_DIR", str(tmp_path / "cache"))
    load_catalog([mini_dir], builtin=False)  # just written: not settled, no quick key
    assert list((tmp_path / "cache").glob("files-*.key")) == []
    for path in mini_dir.iterdir():
        os.utime(path, (1_700_000_000, 1_700_000_000))
    # mtime is old now but ctime (the utime call) is not: wait until both have settled
    monkeypatch.setattr(load, "_SETTLE_SECONDS", 0.0)
    load_catalog([mini_dir], builtin=False)
    assert len(list((tmp_path / "cache").glob("files-*.key"))) == 1

    real = load._fingerprint

    def unread(*args: Any) -> Any:
        raise AssertionError("the files were read again")

    monkeypatch.setattr(load, "_fingerprint", unread)
    assert load_catalog([mini_dir], builtin=False).resources["py-free"].hours == 10
    # an edit, even with the old mtime put back, changes the file's ctime: read again
    entries = mini_entries()
    entries["resources"][0]["hours"] = 12  # the same size: only the content differs
    write_graph(mini_dir, **entries)
    for path in mini_dir.iterdir():
        os.utime(path, (1_700_000_000, 1_700_000_000))
    with pytest.raises(AssertionError, match="read again"):
        load_catalog([mini_dir], builtin=False)
    monkeypatch.setattr(load, "_fingerprint", real)
    assert load_catalog([mini_dir], builtin=False).resources["py-free"].hours == 12
    # a torn key file is ignored
    for key in (tmp_path / "cache").glob("files-*.key"):
        key.write_text("not a key")
    assert load_catalog([mini_dir], builtin=False).resources["py-free"].hours == 12


def test_graph_files_in_json_load_like_yaml(tmp_path: Path, mini: Any) -> None:
    """JSON is YAML too: `import esco` writes it, and the loader reads it with json."""
    from pathplanner.esco import _dump

    entries = mini_entries()
    root = tmp_path / "json"
    root.mkdir()
    for key, items in entries.items():
        (root / f"{key}.yaml").write_text(_dump({key: items}), encoding="utf-8")
    assert (root / "skills.yaml").read_text().startswith('{"skills": [\n{"id": "linux"')
    again = load_catalog([root], builtin=False)
    assert again.skills == mini.skills and again.resources == mini.resources
    assert again.roles == mini.roles


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"skills": [], "skills": []}', "duplicate key 'skills'"),
        ('{"resources": [{"id": "x", "hours": NaN}]}', "NaN is not a number"),
        ('{"resources": [{"id": "x", "hours": -Infinity}]}', "-Infinity is not a number"),
        ('{"skills": [\n{"id": "x",,}]}', "line 2"),  # not JSON: the YAML parser says where
    ],
)
def test_json_graph_files_are_held_to_the_yaml_rules(
    tmp_path: Path, text: str, message: str
) -> None:
    root = tmp_path / "g"
    root.mkdir()
    (root / "bad.yaml").write_text(text)
    with pytest.raises(GraphError) as err:
        load_catalog([root], builtin=False)
    assert "bad.yaml" in str(err.value) and message in str(err.value)
