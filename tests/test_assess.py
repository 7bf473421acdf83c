"""The guided self-assessment: questions, what answers imply, scoring, the profile it writes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
import pytest
import yaml
from click.testing import CliRunner

from pathplanner.assess import MAX_QUESTIONS, questions, read_answers, score
from pathplanner.cli import cli
from pathplanner.errors import AssessmentError
from pathplanner.load import load_catalog
from pathplanner.planner import plan
from pathplanner.profile import build_profile


@pytest.fixture(scope="module")
def cat() -> Any:
    return load_catalog(())


def walk(cat: Any, role: str, pick: Any) -> tuple[int, dict[str, Any]]:
    answers: dict[str, Any] = {"skills": {}}
    asked = 0
    while qs := questions(cat, role, answers):
        q = qs[0]
        asked += 1
        if q.kind == "skill":
            answers["skills"][q.skill] = pick(q)
        elif q.kind == "experience":
            answers.setdefault("experience", {})[q.family] = 1
        elif q.kind == "languages":
            answers["languages"] = ["python"]
        else:
            answers[q.kind] = 8
    return asked, answers


def test_under_40_questions_for_every_role(cat: Any) -> None:
    for role in cat.roles:
        for pick in (lambda q: 0, lambda q: q.options[-1].level, lambda q: q.options[1].level):
            asked, _ = walk(cat, role, pick)
            assert asked < 40, role
            assert asked <= MAX_QUESTIONS


def test_questions_use_level_descriptors(cat: Any) -> None:
    qs = questions(cat, "ml-engineer")
    first = qs[0]
    assert first.kind == "skill" and first.skill
    skill = cat.skills[first.skill]
    assert [o.level for o in first.options] == [0, *sorted(skill.levels)]
    assert first.options[1].means == skill.levels[1].means
    assert "Machine Learning Engineer needs" in first.why
    kinds = [q.kind for q in qs]
    assert kinds[-3:] == ["hours_per_week", "budget_usd", "languages"]
    assert "experience" in kinds
    assert qs[0].to_dict()["options"][0] == {"level": 0, "means": "none of these"}


def test_answers_imply_other_levels(cat: Any) -> None:
    # Kubernetes 1 needs Docker 1 (and Linux 1): "none" for Docker settles Kubernetes
    none = {"skills": {"docker": 0}}
    assert "kubernetes" not in {q.skill for q in questions(cat, "mlops-engineer", none)}
    # Kubernetes 2 implies Docker 1: Docker is asked from level 1 only, or not at all
    some = {"skills": {"kubernetes": 2}}
    docker = [q for q in questions(cat, "mlops-engineer", some) if q.skill == "docker"]
    assert not docker or docker[0].options[0].level >= 1
    result = score(cat, "mlops-engineer", some)
    assert result.profile.skills["docker"] >= 1
    assert result.implied["docker"] == "kubernetes"


def test_short_answers_pull_in_prerequisites(cat: Any) -> None:
    role = cat.roles["ml-engineer"]
    need = dict(role.requires.essential)
    skill = next(s for s, lv in need.items() if cat.skills[s].prerequisites(lv))
    before = {q.skill for q in questions(cat, role.id)}
    after = {q.skill for q in questions(cat, role.id, {"skills": {skill: 0}})}
    pre = set(cat.skills[skill].prerequisites(need[skill]))
    assert pre & (after - before) or pre <= before


def test_score_and_round_trip(cat: Any, tmp_path: Path) -> None:
    answers = {
        "name": "Sam",
        "skills": {"python": {"level": 2, "evidence": "work"}, "SQL": 1, "docker": 0},
        "experience": {"ml-engineering": 1.5},
        "hours_per_week": 6,
        "budget_usd": 100,
        "languages": ["python", "sql"],
    }
    result = score(cat, "ml-engineer", answers)
    p = result.profile
    assert p.skills == {"python": 2, "sql": 1}
    assert p.evidence == {"python": "work", "sql": "self-rated"}
    path = tmp_path / "me.yaml"
    path.write_text(result.profile_yaml(cat))
    profile = build_profile(cat, profile_file=path)
    assert profile.skills == {"python": 2, "sql": 1}
    assert profile.evidence == {"python": "work", "sql": "self-rated"}
    assert profile.languages == ("python", "sql")
    assert profile.experience == {"ml-engineering": 1.5}
    assert (profile.hours_per_week, profile.budget_usd, profile.name) == (6, 100, "Sam")
    got = plan(cat, "ml-engineer", profile, explain=False)
    assert got.status == "optimal" and got.hours_per_week == 6
    assert result.to_dict()["profile"]["skills"] == {"python": 2, "sql": 1}


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        (
            {"skills": {"dokcer": 1}},
            "skills.dokcer: unknown skill 'dokcer' — did you mean 'docker'?",
        ),
        ({"skills": {"matlab": 3}}, "level 3 is out of range for MATLAB (0 to 2)"),
        ({"skills": {"python": 4}}, "level must be a whole number from 0 to 3"),
        ({"skills": {"python": {"level": 1, "evidence": "dream"}}}, "evidence"),
        ({"experience": {"data-sciense": 2}}, "did you mean 'data-science'?"),
        ({"hours_per_week": float("nan")}, "hours_per_week"),
        ({"skils": {}}, "skils"),
        ({"languages": ["klingon"]}, "languages"),
    ],
)
def test_bad_answers(cat: Any, answers: dict[str, Any], message: str) -> None:
    with pytest.raises(AssessmentError, match=None) as err:
        score(cat, "data-analyst", answers, "a.yaml")
    assert message in str(err.value)
    assert str(err.value).startswith("a.yaml")


def test_answers_file_lines(cat: Any, tmp_path: Path) -> None:
    f = tmp_path / "a.yaml"
    f.write_text("skills:\n  python: 2\n  dokcer: 1\n")
    data, lines = read_answers(f)
    with pytest.raises(AssessmentError, match=r"a.yaml: line 3: skills.dokcer"):
        score(cat, "data-analyst", data, str(f), lines)
    f.write_text("- a list\n")
    with pytest.raises(AssessmentError, match="answers must be a mapping"):
        read_answers(f)
    f.write_text("")
    assert read_answers(f)[0] == {}


# -- the command line ---------------------------------------------------------------------


def test_cli_interactive(tmp_path: Path) -> None:
    out = tmp_path / "me.yaml"
    inputs = []
    cat = load_catalog(())
    answers_so_far: dict[str, Any] = {"skills": {}}
    while qs := questions(cat, "data-analyst", answers_so_far):
        q = qs[0]
        if q.kind == "skill":
            level = q.options[-1].level if q.skill == "sql" else q.options[0].level
            inputs.append(str(level))
            answers_so_far["skills"][q.skill] = level
            if level > 0:
                inputs.append("work")
        elif q.kind == "experience":
            inputs.append("2")
            answers_so_far.setdefault("experience", {})[q.family] = 2
        elif q.kind == "languages":
            inputs += ["klingon", "python, sql"]
            answers_so_far["languages"] = ["python"]
        else:
            inputs += ["0", "10"] if q.kind == "hours_per_week" else ["50"]  # 0 h is refused
            answers_so_far[q.kind] = 1
    r = CliRunner().invoke(cli, ["assess", "--to", "data-analyst", "-o", str(out)],
                           input="\n".join(inputs) + "\n")  # fmt: skip
    assert r.exit_code == 0, r.output
    assert "which of these can you do?" in r.output
    assert "unknown: klingon" in r.output
    assert "must be at least 0.5" in r.output
    data = yaml.safe_load(out.read_text())
    assert data["skills"]["sql"] == 3 and data["evidence"]["sql"] == "work"
    assert data["hours_per_week"] == 10 and data["budget_usd"] == 50
    assert data["languages"] == ["python", "sql"]
    r = CliRunner().invoke(cli, ["plan", "--profile", str(out), "--to", "data-analyst"])
    assert r.exit_code == 0, r.output
    assert "at 10 h/week" in r.output


def test_ctrl_c_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "me.yaml"
    calls = []

    def prompt(*args: Any, **kw: Any) -> Any:
        calls.append(args)
        if len(calls) > 2:
            raise KeyboardInterrupt
        return "0"

    monkeypatch.setattr(click, "prompt", prompt)
    r = CliRunner().invoke(cli, ["assess", "--to", "data-analyst", "-o", str(out)])
    assert r.exit_code == 130
    assert "Aborted." in r.output
    assert list(tmp_path.iterdir()) == []


def test_cli_answers_file(tmp_path: Path) -> None:
    a = tmp_path / "a.yaml"
    a.write_text("skills:\n  python: {level: 2, evidence: course}\n  kubernetes: 1\n")
    r = CliRunner().invoke(cli, ["assess", "--to", "mlops-engineer", "--answers", str(a)])
    assert r.exit_code == 0, r.output
    assert "  docker: 1  # implied by Kubernetes\n" in r.output
    assert "python: course" in r.output
    a.write_text("skills:\n  python: 7\n")
    r = CliRunner().invoke(cli, ["assess", "--to", "mlops-engineer", "--answers", str(a)])
    assert r.exit_code == 1
    assert r.output.startswith(f"Error: {a}: line 2: skills.python.level: level must be")
    r = CliRunner().invoke(cli, ["assess"])
    assert r.exit_code == 2 and "give --to ROLE" in r.output
    r = CliRunner().invoke(cli, ["assess", "--to", "dat-analyst", "--answers", str(a)])
    assert r.exit_code == 1 and "did you mean 'data-analyst'" in r.output


@pytest.mark.parametrize(
    "content",
    [b"\x00\x01binary", b"skills: &a {python: 1}\nmore: *a\n", b"skills:\n  python: 1e999\n",
     b"hours_per_week: 10000000000000000000000\n", b"name: \"\\e[31mSam\"\nskills: {}\n"],
)  # fmt: skip
def test_hostile_answers_files(tmp_path: Path, content: bytes) -> None:
    f = tmp_path / "a.yaml"
    f.write_bytes(content)
    r = CliRunner().invoke(cli, ["assess", "--to", "data-analyst", "--answers", str(f)])
    assert "Traceback" not in r.output and "\x1b" not in r.output
    if r.exit_code == 0:  # only the escaped name is acceptable; it is written quoted
        assert yaml.safe_load(r.output)["name"] == "\x1b[31mSam" or "Sam" in r.output
    else:
        assert r.exit_code == 1 and r.output.startswith("Error: ") and r.output.count("\n") <= 3
