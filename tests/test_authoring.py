"""Authoring your own modules: every cycle explained in one run, lines, notes, kinds, scaffold."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import mini_entries, write_graph

from pathplanner.cli import cli
from pathplanner.errors import OutputError, PathPlannerError
from pathplanner.load import check_graph, validate_dirs
from pathplanner.scaffold import new_resource, resource_entry

# Our own sample modules (not real courses). Each claims skills whose prerequisites only
# built-in resources teach, and those need a skill the module teaches: two independent cycles.
TWO_CYCLES = """\
resources:
  - id: dab-business-stats
    kind: workshop
    title: Business statistics
    provider: Our bootcamp
    hours: 6
    hours_source: our timetable
    cost_usd: 0
    teaches: {descriptive-statistics: 1, hypothesis-testing: 1}
  - id: dab-ml-intro
    kind: lecture
    title: Machine learning, a first look
    provider: Our bootcamp
    hours: 3
    hours_source: our timetable
    cost_usd: 0
    teaches:
      python: 1
      machine-learning: 1
"""

# The fixes the messages suggest: split each module in two.
SPLIT = """\
resources:
  - id: dab-business-stats-1
    kind: workshop
    title: Business statistics, part 1
    provider: Our bootcamp
    hours: 3
    hours_source: our timetable
    cost_usd: 0
    teaches: {descriptive-statistics: 1}
  - id: dab-business-stats-2
    kind: workshop
    title: Business statistics, part 2
    provider: Our bootcamp
    hours: 3
    hours_source: our timetable
    cost_usd: 0
    teaches: {hypothesis-testing: 1}
  - id: dab-python-lab
    kind: lab
    title: Python lab
    provider: Our bootcamp
    hours: 2
    hours_source: our timetable
    cost_usd: 0
    teaches: {python: 1}
  - id: dab-ml-intro
    kind: lecture
    title: Machine learning, a first look
    provider: Our bootcamp
    hours: 3
    hours_source: our timetable
    cost_usd: 0
    teaches: {machine-learning: 1}
"""


def graph_dir(tmp_path: Path, text: str, name: str = "ours") -> Path:
    root = tmp_path / name
    root.mkdir()
    (root / "modules.yaml").write_text(text)
    return root


def test_every_cycle_is_explained_in_one_run_from_the_authors_module(tmp_path: Path) -> None:
    root = graph_dir(tmp_path, TWO_CYCLES)
    check = check_graph([root])
    assert not check.ok
    shown = [str(p) for p in check.errors]
    assert len(shown) == 2
    stats, ml = shown
    assert stats.startswith(
        f"{root}/modules.yaml: line 9: dab-business-stats: teaches.hypothesis-testing: "
        "your workshop `dab-business-stats` teaches Descriptive statistics 1 and Hypothesis "
        "testing 1; Hypothesis testing 1 needs Inferential statistics 1, which '"
    )
    assert (
        "and that needs Descriptive statistics 1, which your workshop `dab-business-stats`" in stats
    )
    assert (
        "Either teach Inferential statistics 1 in it too (add `inferential-statistics: 1`" in stats
    )
    assert "or split it into two: one that teaches Descriptive statistics 1, and one that " \
        "teaches Hypothesis testing 1" in stats  # fmt: skip
    assert ml.startswith(
        f"{root}/modules.yaml: line 19: dab-ml-intro: teaches.machine-learning: your lecture "
        "`dab-ml-intro` teaches Python 1 and Machine learning fundamentals 1;"
    )
    # built-in resources are named by title, never by id; the author's ids are typed
    catalog, _ = validate_dirs([*check.dirs[:1]])
    assert catalog is not None
    for line in shown:
        for title in re.findall(r"which '([^']+)' teaches", line):
            assert title in {r.title for r in catalog.resources.values()}
        assert not any(f" {rid} " in line or f"`{rid}`" in line for rid in catalog.resources)


def test_the_suggested_split_validates(tmp_path: Path) -> None:
    check = check_graph([graph_dir(tmp_path, SPLIT)])
    assert check.errors == [] and check.ok


def test_validate_cli_shows_both_cycles_and_hides_builtin_notes(tmp_path: Path) -> None:
    root = graph_dir(tmp_path, TWO_CYCLES)
    result = CliRunner().invoke(cli, ["validate", "--graph", str(root)])
    assert result.exit_code == 1
    assert result.output.count("error: ") == 2
    assert "2 problem(s) found." in result.output
    clean = graph_dir(tmp_path, SPLIT, "split")
    quiet = CliRunner().invoke(cli, ["validate", "--graph", str(clean)])
    assert quiet.exit_code == 0, quiet.output
    assert "note: " not in quiet.output
    assert re.search(r"\(\d+ note\(s\) about the built-in graph not shown", quiet.output)
    loud = CliRunner().invoke(cli, ["validate", "--graph", str(clean), "--verbose"])
    assert loud.exit_code == 0 and "note: " in loud.output and "not shown" not in loud.output
    builtin = CliRunner().invoke(cli, ["validate"])
    assert "note: " in builtin.output  # the built-in graph alone: its notes are the point


def test_notes_about_the_users_own_files_are_always_shown(tmp_path: Path) -> None:
    root = graph_dir(
        tmp_path,
        SPLIT.replace("id: dab-python-lab", "id: khan-academy-statistics-probability"),
    )
    result = CliRunner().invoke(cli, ["validate", "--graph", str(root)])
    assert "note: " in result.output and "overrides the resource from" in result.output


def test_workshop_lab_and_lecture_are_kinds(tmp_path: Path) -> None:
    catalog, problems = validate_dirs([graph_dir(tmp_path, SPLIT)])
    assert catalog is None or all(p.severity == "note" for p in problems)
    bad = graph_dir(tmp_path, SPLIT.replace("kind: lab", "kind: seminar"), "bad")
    (err,) = check_graph([bad]).errors
    assert str(err).startswith(
        f"{bad}/modules.yaml: line 19: dab-python-lab: kind: Input should be"
    )
    assert "'workshop', 'lab' or 'lecture'" in str(err)


# -- the scaffold -------------------------------------------------------------------------------


def fill(text: str, rid: str, skill: str) -> str:
    """Fill in the placeholders of the entry `rid` as an author would."""
    start = text.index(f"  - id: {rid} ")
    end = text.find("\n  # ----", start)
    end = len(text) if end < 0 else end
    entry = text[start:end]
    entry = entry.replace('"FILL-IN: the title learners see"', f'"{rid} title"')
    entry = entry.replace('"FILL-IN: who runs it, e.g. your bootcamp\'s name"', "Our bootcamp")
    entry = entry.replace("hours: FILL-IN", "hours: 4")
    entry = re.sub(r'hours_source: "FILL-IN[^"]*"', 'hours_source: "our timetable"', entry)
    entry = entry.replace("FILL-IN: 1", f"{skill}: 1")
    return text[:start] + entry + text[end:]


def test_a_filled_in_scaffold_validates_and_an_unfilled_one_does_not(tmp_path: Path) -> None:
    mini = write_graph(tmp_path / "mini", **mini_entries())
    ours = tmp_path / "ours"
    ours.mkdir()
    first = new_resource(ours, "dab-sql-lab", "lab")
    assert first.path == ours / "resources.yaml" and not first.appended and first.line == 2
    second = new_resource(ours, "dab-linux-workshop", "workshop")
    assert second.appended and second.path == first.path
    text = first.path.read_text()
    assert text.splitlines()[second.line - 1].startswith("  # ---- dab-linux-workshop")
    _, problems = validate_dirs([mini, ours])
    unfilled = sorted(str(p) for p in problems)
    assert len(unfilled) == 10
    assert f"{ours}/resources.yaml: line 9: dab-sql-lab: hours: replace the placeholder FILL-IN" in unfilled  # fmt: skip
    filled = fill(fill(text, "dab-sql-lab", "sql"), "dab-linux-workshop", "linux")
    first.path.write_text(filled)
    catalog, problems = validate_dirs([mini, ours])
    assert catalog is not None and problems == []
    assert catalog.resources["dab-sql-lab"].kind == "lab"
    assert catalog.resources["dab-linux-workshop"].teaches == {"linux": 1}
    assert first.path.stat().st_mode & 0o777 == 0o666 & ~_umask()


def test_every_field_of_a_resource_is_explained() -> None:
    from pathplanner.models import Resource

    entry = resource_entry("x", "lab")
    for name, info in Resource.model_fields.items():
        assert re.search(rf"^\s+(?:- |# )?{info.alias or name}:", entry, re.M), name


def test_scaffold_appends_to_the_only_resources_file_and_keeps_it(tmp_path: Path) -> None:
    ours = write_graph(tmp_path / "g", **mini_entries())
    before = (ours / "resources.yaml").read_text()
    made = new_resource(ours, "dab-new", "lecture")
    assert made.path == ours / "resources.yaml" and made.appended
    after = made.path.read_text()
    assert after.startswith(before) and "- id: dab-new " in after
    with pytest.raises(PathPlannerError, match="already has a resource 'py-free'"):
        new_resource(ours, "py-free")


def test_scaffold_refuses_what_it_cannot_do_safely(tmp_path: Path) -> None:
    ours = tmp_path / "g"
    ours.mkdir()
    (ours / "a.yaml").write_text("resources:\n  - id: a\n")
    (ours / "b.yaml").write_text("resources: []\n")
    with pytest.raises(PathPlannerError, match=r"several resources files \(a.yaml, b.yaml\)"):
        new_resource(ours, "dab-x")
    with pytest.raises(OutputError, match="cannot append"):
        new_resource(ours, "dab-x", file="b.yaml")
    (ours / "skills.yaml").write_text("skills: []\n")
    with pytest.raises(OutputError, match="is not a resources file"):
        new_resource(ours, "dab-x", file="skills.yaml")
    assert (ours / "skills.yaml").read_text() == "skills: []\n"
    made = new_resource(ours, "dab-x", file="skills.yaml", force=True)
    assert made.path.read_text().startswith("resources:\n")
    for bad in ("Bad Id", "x\x1b[31m", "../etc", ""):
        with pytest.raises(PathPlannerError, match="is not an id"):
            new_resource(ours, bad)
    for outside in ("../x.yaml", "/etc/passwd", "notes.txt"):
        with pytest.raises(PathPlannerError, match=r"is not a \.yaml file inside"):
            new_resource(ours, "dab-z", file=outside)
    with pytest.raises(PathPlannerError, match="graph directory not found"):
        new_resource(tmp_path / "missing", "dab-y")
    with pytest.raises(PathPlannerError, match="built-in resource 'Builtin title'"):
        new_resource(ours, "taken", builtin_ids={"taken": "Builtin title"})
    assert sorted(p.name for p in ours.iterdir()) == ["a.yaml", "b.yaml", "skills.yaml"]


def test_new_resource_cli(tmp_path: Path) -> None:
    ours = tmp_path / "g"
    ours.mkdir()
    ok = CliRunner().invoke(cli, ["new", "resource", "--graph", str(ours), "--id", "dab-x",
                                  "--kind", "workshop"])  # fmt: skip
    assert ok.exit_code == 0, ok.output
    assert ok.output == (
        f"wrote {ours}/resources.yaml (line 2): fill in every FILL-IN, then run\n"
        f"  pathplanner validate --graph {ours}\n"
    )
    typo = CliRunner().invoke(cli, ["new", "resource", "--graph", str(ours), "--id", "dab-y",
                                    "--kind", "worksop"])  # fmt: skip
    assert (
        typo.exit_code == 2 and "unknown kind 'worksop' — did you mean 'workshop'?" in typo.output
    )
    taken = CliRunner().invoke(cli, ["new", "resource", "--graph", str(ours), "--id",
                                     "khan-academy-statistics-probability"])  # fmt: skip
    assert taken.exit_code == 1
    assert "is the built-in resource 'Statistics and probability'" in taken.output


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_cycles_through_a_choice_and_through_the_skill_taught() -> None:
    from conftest import resource, skill

    from pathplanner.catalog import Catalog
    from pathplanner.models import Resource, Role, Skill
    from pathplanner.validate import check_catalog

    entries = mini_entries()
    viz = skill("viz", "visualization", 2)
    viz["levels"][1]["requires_any"] = [{"name": "a BI tool", "options": {"sql": 2, "linux": 2}}]
    viz["levels"][2]["requires"] = {"python": 3}
    entries["skills"].append(viz)
    entries["resources"] += [
        resource("viz-course", {"viz": 1, "docker": 1}),  # needs one of a BI tool
        resource("sql-after-docker", {"sql": 2}, requires={"docker": 1}),
        resource("viz-advanced", {"viz": 2}, requires={"viz": 1}),  # needs python 3
        resource("python-after-viz", {"python": 3}, requires={"viz": 2}),
    ]
    catalog = Catalog(
        skills={s["id"]: Skill.model_validate(s) for s in entries["skills"]},
        resources={r["id"]: Resource.model_validate(r) for r in entries["resources"]},
        roles={r["id"]: Role.model_validate(r) for r in entries["roles"]},
    )
    mine = {("resource", "viz-course"), ("resource", "viz-advanced")}
    same, choice = (str(p) for p in check_catalog(catalog, mine))
    assert choice.startswith("<unknown>: viz-course: teaches.viz: your course `viz-course` ")
    assert "Viz 1 needs Sql 2, which 'Sql After Docker' teaches" in choice
    assert "split it into two: one that teaches Docker 1, and one that teaches Viz 1" in choice
    assert "teach a lower level of Viz, one that does not need Python 3" in same
