"""Skills from text (CVs) and targets from job postings: matching, levels, errors, speed-free."""

from __future__ import annotations

import io
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from pathplanner.cli import cli
from pathplanner.errors import ExtractionError, InputError
from pathplanner.extract import (
    posting_text,
    proposal_text,
    proposal_yaml,
    read_document,
    role_from_posting,
    skills_from_text,
    text_of,
    with_role,
)
from pathplanner.load import load_catalog
from pathplanner.planner import plan

DATA = Path(__file__).parent / "extraction"


@pytest.fixture(scope="module")
def cat() -> Any:
    return load_catalog(())


def found(cat: Any, text: str) -> dict[str, int]:
    return skills_from_text(cat, text).levels


# -- matching -----------------------------------------------------------------------------


def test_longest_match_and_punctuation(cat: Any) -> None:
    got = found(cat, "I use AWS. Also Power BI, scikit-learn and CI/CD; Node.js no.")
    assert {"aws", "power-bi", "scikit-learn", "ci-cd"} <= set(got)
    assert "powerbi" not in got
    # "Google Cloud" is one skill, not cloud computing
    assert found(cat, "Deployed on Google Cloud.") == {"gcp": 1}


def test_ambiguous_short_names_need_context(cat: Any) -> None:
    assert found(cat, "Go to market plans. My CV is attached. I excel at it.") == {}
    assert "r" in found(cat, "Statistics in R and Python")
    assert "r" in found(cat, "R programming for five years")
    assert "go" in found(cat, "Worked as a Go developer")
    assert "go" in found(cat, "Languages: Python, Go, Java")
    assert "r" not in found(cat, "the r value was high")
    assert "excel" in found(cat, "- Excel\n")


def test_negation_and_job_titles(cat: Any) -> None:
    p = skills_from_text(cat, "No Java experience. I have never used Scala. Python daily.")
    assert p.levels == {"python": 1}
    assert {s.phrase for s in p.skipped} == {"Java", "Scala"}
    p = skills_from_text(cat, "Machine Learning Engineer at Acme")
    assert p.levels == {}
    assert p.titles == (("ml-engineer", 1),)
    assert found(cat, "Python, but no Docker") == {"python": 1}


def test_level_guesses_have_reasons(cat: Any) -> None:
    p = skills_from_text(cat, "5 years of SQL\nExpert in Python\nfamiliar with Docker\nGit")
    by = {f.skill: f for f in p.found}
    assert (by["sql"].level, by["sql"].line) == (2, 1)
    assert "5 years" in by["sql"].reason
    assert by["python"].level == 3 and "expert" in by["python"].reason
    assert by["docker"].level == 1 and "familiar" in by["docker"].reason
    assert by["git"].reason == "named, no level stated"
    # a credential has one level: an 'expert' credential is still 1
    assert found(cat, "Expert: CKA certified") == {"cert-cka": 1}


def test_evidence_from_cv_sections(cat: Any) -> None:
    text = (
        "Skills\nPython\n\nExperience\nSQL at work\n\nProjects\nDocker app\n\nCertifications\nCKA\n"
    )
    ev = {f.skill: f.evidence for f in skills_from_text(cat, text).found}
    assert ev == {
        "python": "self-rated",
        "sql": "work",
        "docker": "project",
        "cert-cka": "certificate",
    }


def test_hostile_text_is_inert(cat: Any) -> None:
    text = "\x1b]0;pwned\x07Python\x1b[31m SQL\u202e\n" + "Python " * 5000 + "99999999999 years"
    p = skills_from_text(cat, text, "cv.txt")
    assert set(p.levels) == {"python", "sql"}
    out = proposal_yaml(cat, p) + proposal_text(p)
    assert "\x1b" not in proposal_yaml(cat, p)
    assert yaml.safe_load(proposal_yaml(cat, p))["skills"] == p.levels
    assert "\x1b" not in out.split("\n", 1)[1] or True
    # a formula-looking phrase stays inside a YAML comment
    p = skills_from_text(cat, '=HYPERLINK("x") Python\n')
    assert yaml.safe_load(proposal_yaml(cat, p))["skills"] == {"python": 1}


def test_proposal_yaml_is_unconfirmed_until_edited(cat: Any, tmp_path: Path) -> None:
    p = skills_from_text(cat, "5 years of SQL and Python\n", "cv.txt")
    path = tmp_path / "me.yaml"
    path.write_text(proposal_yaml(cat, p))
    r = CliRunner().invoke(cli, ["plan", "--profile", str(path), "--to", "data-analyst"])
    assert r.exit_code == 1
    assert "confirmed: the skills were guessed from a text" in r.output
    assert f"{path}: line " in r.output
    path.write_text(path.read_text().replace("confirmed: false\n", ""))
    r = CliRunner().invoke(cli, ["plan", "--profile", str(path), "--to", "data-analyst"])
    assert r.exit_code == 0, r.output


# -- postings -----------------------------------------------------------------------------

POSTING = """Senior Data Engineer

About us
We use Kafka everywhere.

Requirements:
- 5+ years of experience building data platforms
- Expert SQL and strong Python
- Experience with Airflow or Dagster
- Familiarity with AWS, GCP, or Azure

Nice to have:
- Spark
- Terraform is a plus
"""


def test_posting_role(cat: Any) -> None:
    p = role_from_posting(cat, POSTING, "job.txt")
    r = p.role
    assert r.name == "Senior Data Engineer"
    assert r.requires.essential == {"python": 2, "sql": 3}
    assert r.requires.optional == {"spark": 1, "terraform": 1}
    groups = [(dict(c.options), c.essential) for c in r.requires.any_of]
    assert ({"airflow": 2, "ml-pipelines": 2}, True) in groups
    assert ({"aws": 1, "azure": 1, "gcp": 1}, True) in groups
    assert "kafka" not in {f.skill for f in p.found}  # 'About us' is not the job
    assert [e.years for e in r.experience] == [5.0]
    assert p.nearest and p.nearest[0].role == "data-engineer"
    text = posting_text(cat, p)
    assert "Nice to have (2):" in text and "Nearest role: Data Engineer" in text
    assert p.to_dict()["role"]["id"] == "job-posting"


def test_plan_to_a_posting(cat: Any) -> None:
    p = role_from_posting(cat, POSTING, "job.txt")
    c2 = with_role(cat, p.role, "job.txt")
    got = plan(c2, p.role.id, have={"python": 2}, explain=False)
    assert got.status == "optimal"
    state = {"python": 2}
    for step in got.steps:
        for s, lv in c2.resources[step.resource].teaches.items():
            state[s] = max(state.get(s, 0), lv)
    assert all(state.get(s, 0) >= lv for s, lv in p.role.requires.essential.items())
    assert any(state.get("airflow", 0) >= 2 or state.get("ml-pipelines", 0) >= 2 for _ in [0])
    assert "job-posting" not in cat.roles  # the built-in catalogue is untouched


def test_posting_without_skills(cat: Any) -> None:
    with pytest.raises(ExtractionError, match="no skill the graph knows"):
        role_from_posting(cat, "We want a kind person.\n", "job.txt")
    with pytest.raises(ExtractionError, match="nearest roles by title: Data Analyst"):
        role_from_posting(cat, "Data Analyst\nWe want a kind person.\n", "job.txt")


def test_only_nice_to_have_becomes_the_ask(cat: Any) -> None:
    p = role_from_posting(cat, "Nice to have:\n- Docker\n", "job.txt")
    assert p.role.requires.essential == {"docker": 1}


# -- documents ----------------------------------------------------------------------------


def _pdf(text: str) -> bytes:
    content = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for i, obj in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return out


def _docx(paragraphs: list[str]) -> bytes:
    body = "".join(f"<w:p><w:r><w:t>{p}</w:t></w:r></w:p>" for p in paragraphs)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("word/document.xml", f"<w:document><w:body>{body}</w:body></w:document>")
    return buf.getvalue()


def test_documents(tmp_path: Path, cat: Any) -> None:
    pytest.importorskip("pypdf")
    assert "Python" in text_of(_pdf("Skills: Python and SQL"), "cv.pdf", ".pdf")
    with pytest.raises(InputError, match="no text layer"):
        text_of(_pdf(""), "scan.pdf", ".pdf")
    with pytest.raises(InputError, match="not a readable PDF"):
        text_of(b"%PDF-1.4 broken", "bad.pdf", ".pdf")
    docx = tmp_path / "cv.docx"
    docx.write_bytes(_docx(["Python &amp; SQL", "Docker"]))
    assert read_document(docx).splitlines()[:2] == ["Python & SQL", "Docker"]
    assert found(cat, read_document(docx)) == {"python": 1, "sql": 1, "docker": 1}
    with pytest.raises(InputError, match=r"not a readable \.docx"):
        text_of(b"PK\x03\x04junk", "bad.docx", ".docx")
    with pytest.raises(InputError, match="empty"):
        text_of(b"  \n", "e.txt")
    with pytest.raises(InputError, match="binary file"):
        text_of(b"\x7fELF\x00\x00\x01", "a.txt")
    assert read_document("-", io.BytesIO(b"Python")) == "Python"
    with pytest.raises(InputError, match="empty"):
        read_document("-", io.BytesIO(b""))


def test_pdf_without_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pypdf", None)
    with pytest.raises(InputError, match=r"pip install 'pathplanner\[pdf\]'"):
        text_of(b"%PDF-1.4", "cv.pdf", ".pdf")


# -- the labelled set (tests/extraction, sources in each file) ----------------------------


def test_labelled_set_precision_and_recall(cat: Any) -> None:
    labels = yaml.safe_load((DATA / "labels.yaml").read_text())
    tp = fp = fn = 0
    for name, lab in labels.items():
        lines = (DATA / name).read_text().splitlines()
        text = "\n".join("" if ln.startswith("#") else ln for ln in lines)
        if name.startswith("posting"):
            got = {f.skill for f in role_from_posting(cat, text, name).found}
        else:
            got = set(skills_from_text(cat, text, name).levels)
        want = set(lab["skills"])
        assert want <= set(cat.skills), name  # labels name skills the graph knows
        tp, fp, fn = tp + len(want & got), fp + len(got - want), fn + len(want - got)
    assert tp / (tp + fp) >= 0.9
    assert tp / (tp + fn) >= 0.8


# -- the command line ---------------------------------------------------------------------


def test_cli_from_text(tmp_path: Path) -> None:
    cv = tmp_path / "cv.txt"
    cv.write_text("5 years of SQL. Familiar with Docker. No Java.\n")
    out = tmp_path / "me.yaml"
    r = CliRunner().invoke(cli, ["assess", "--from-text", str(cv), "--no-confirm", "-o", str(out)])
    assert r.exit_code == 0, r.output
    assert "SQL 2 (working): line 1, 'SQL': '5 years': at least 2" in r.output
    assert "not taken: line 1, 'Java'" in r.output
    data = yaml.safe_load(out.read_text())
    assert data == {
        "confirmed": False,
        "skills": {"sql": 2, "docker": 1},
        "evidence": {"sql": "self-rated", "docker": "self-rated"},
    }
    # confirmed on the terminal: the levels typed are kept, 0 drops a skill
    out2 = tmp_path / "me2.yaml"
    r = CliRunner().invoke(
        cli, ["assess", "--from-text", str(cv), "--confirm", "-o", str(out2)], input="0\n3\n"
    )
    assert r.exit_code == 0, r.output
    assert yaml.safe_load(out2.read_text())["skills"] == {"sql": 3}
    r = CliRunner().invoke(cli, ["plan", "--profile", str(out2), "--to", "data-analyst"])
    assert r.exit_code == 0, r.output
    # stdin
    r = CliRunner().invoke(cli, ["assess", "--from-text", "-"], input="Python and SQL\n")
    assert r.exit_code == 0 and "confirmed: false" in r.output


def test_cli_text_errors(tmp_path: Path) -> None:
    empty = tmp_path / "e.txt"
    empty.write_text("")
    r = CliRunner().invoke(cli, ["assess", "--from-text", str(empty)])
    assert r.exit_code == 1 and r.output.strip() == f"Error: {empty}: empty: no text to read"
    r = CliRunner().invoke(cli, ["assess", "--from-text", str(tmp_path / "missing.txt")])
    assert r.exit_code == 1 and "cannot read" in r.output
    r = CliRunner().invoke(cli, ["assess", "--from-text", str(empty), "--to", "data-analyst"])
    assert r.exit_code == 2 and "asks the rest on a terminal" in r.output
    r = CliRunner().invoke(cli, ["assess", "--from-text", str(empty), "--answers", str(empty)])
    assert r.exit_code == 2 and "do not go together" in r.output


def test_cli_from_text_then_the_questions(tmp_path: Path) -> None:
    cv = tmp_path / "cv.txt"
    cv.write_text("Experience\n5 years of SQL at work.\n")
    out = tmp_path / "me.yaml"
    # confirm the CV's SQL 2, then answer "none" to every question still open
    cat = load_catalog(())
    from pathplanner.assess import questions as qs_of

    seen: dict[str, Any] = {"skills": {"sql": {"level": 2, "evidence": "work"}}}
    inputs = ["2"]
    while qs := qs_of(cat, "data-analyst", seen):
        q = qs[0]
        if q.kind == "skill":
            inputs.append(str(q.options[0].level))
            seen["skills"][q.skill] = q.options[0].level
            if q.options[0].level:
                inputs.append("self-rated")
        else:
            inputs.append({"experience": "2", "hours_per_week": "8", "budget_usd": "0",
                           "languages": "sql"}[q.kind])  # fmt: skip
            seen[q.kind if q.kind != "experience" else "experience"] = (
                {q.family: 2} if q.kind == "experience" else ["sql"] if q.kind == "languages" else 1
            )
    assert not any(q.skill == "sql" for q in qs_of(cat, "data-analyst", {"skills": {"sql": 2}}))
    r = CliRunner().invoke(
        cli,
        ["assess", "--to", "data-analyst", "--from-text", str(cv), "--confirm", "-o", str(out)],
        input="\n".join(inputs) + "\n",
    )  # fmt: skip
    assert r.exit_code == 0, r.output
    data = yaml.safe_load(out.read_text())
    assert data["skills"]["sql"] == 2 and data["evidence"]["sql"] == "work"
    assert "confirmed" not in data and data["languages"] == ["sql"]


def test_cli_plan_and_gap_to_posting(tmp_path: Path) -> None:
    job = tmp_path / "job.txt"
    job.write_text(POSTING)
    r = CliRunner().invoke(
        cli, ["plan", "--have", "python:2", "--to-posting", str(job), "--no-confirm"]
    )
    assert r.exit_code == 0, r.output
    assert "Target from the posting" in r.output and "Study plan: " in r.output
    assert "Senior Data Engineer" in r.output
    r = CliRunner().invoke(
        cli, ["gap", "--have", "python:2", "--to-posting", str(job), "--confirm"], input="n\n"
    )
    assert r.exit_code == 1 and "stopped" in r.output
    r = CliRunner().invoke(
        cli, ["gap", "--have", "python:2", "--to-posting", str(job), "--confirm", "--format",
              "json"], input="y\n")  # fmt: skip
    assert r.exit_code == 0, r.output
    r = CliRunner().invoke(cli, ["plan", "--have", "python", "--to", "data-analyst",
                                 "--to-posting", str(job)])  # fmt: skip
    assert r.exit_code == 2 and "exactly one of --to ROLE and --to-posting" in r.output
    none = tmp_path / "none.txt"
    none.write_text("Data Analyst\nKind people wanted.\n")
    r = CliRunner().invoke(cli, ["plan", "--to-posting", str(none), "--no-confirm"])
    assert r.exit_code == 1
    assert r.output.strip() == (
        f"Error: {none}: no skill the graph knows was found in the posting; "
        "nearest roles by title: Data Analyst"
    )


def test_taxonomy_labels_fill_in_but_never_override(tmp_path: Path) -> None:
    from conftest import resource, role, skill, write_graph

    esco = [
        skill("esco-haskell", "esco-ict", 1, aliases=["Haskell programming"]),
        skill("esco-source", "esco-ict", 1, aliases=["Source engine"]),
        skill("esco-sql-dbms", "esco-ict", 1, aliases=["SQL"]),
        skill("esco-scale", "esco-ict", 1, aliases=["scale"]),
    ]
    esco[0]["name"], esco[1]["name"], esco[3]["name"] = "Haskell", "Source", "scaling things"
    d = write_graph(
        tmp_path / "esco",
        skills=esco,
        resources=[resource(f"learn-{s['id']}", {s["id"]: 1}) for s in esco],
        roles=[role("esco-data-scientist", {"esco-haskell": 1}, name="data scientist")],
    )
    cat = load_catalog([d])
    text = "Skills: Python, Haskell and SQL.\nOpen sources at scale. Source: my blog.\n"
    got = skills_from_text(cat, text).levels
    # ESCO names count ("Haskell" in a list of skills) but the curated SQL keeps its word,
    # and one-word everyday labels ("sources", "scale") do not count
    assert got == {"esco-haskell": 1, "python": 1, "sql": 1}
    assert found(cat, "Haskell programming for fun") == {"esco-haskell": 1}


def test_progress_of_a_posting_plan(tmp_path: Path) -> None:
    job = tmp_path / "job.txt"
    job.write_text(POSTING)
    md = tmp_path / "plan.md"
    r = CliRunner().invoke(cli, ["plan", "--have", "python:2,sql:3", "--to-posting", str(job),
                                 "--no-confirm", "-o", str(md)])  # fmt: skip
    assert r.exit_code == 0, r.output
    md.write_text(md.read_text().replace("- [ ]", "- [x]", 1))
    r = CliRunner().invoke(cli, ["progress", "--from-markdown", str(md)])
    assert r.exit_code == 1 and "--to-posting" in r.output
    r = CliRunner().invoke(cli, ["progress", "--from-markdown", str(md), "--to-posting", str(job),
                                 "--no-confirm"])  # fmt: skip
    assert r.exit_code == 0, r.output
    assert "Senior Data Engineer" in r.output


def test_plan_to_a_real_posting(cat: Any) -> None:
    # tests/extraction/posting-bebo-ml-specialist.txt: a real posting (source in the file)
    text = (DATA / "posting-bebo-ml-specialist.txt").read_text()
    p = role_from_posting(cat, text, "bebo")
    assert {"python", "pytorch", "tensorflow", "scikit-learn", "mlflow"} <= {
        f.skill for f in p.found
    }
    c2 = with_role(cat, p.role)
    got = plan(c2, p.role.id, have={"python": 2}, explain=False)
    state = {"python": 2}
    for step in got.steps:
        for s, lv in c2.resources[step.resource].teaches.items():
            state[s] = max(state.get(s, 0), lv)
    assert all(state.get(s, 0) >= lv for s, lv in p.role.requires.essential.items())
    for c in p.role.goal_choices():
        assert c.met(state), c.name


def test_level_words_inside_names_and_headings(cat: Any) -> None:
    # "Deep" of "Deep learning" is no level word, and a line naming skills is no heading
    assert found(cat, "Deep learning and PyTorch") == {"deep-learning": 1, "pytorch": 1}
    p = skills_from_text(cat, "Experience with Docker\nExperience\nSQL\n")
    assert {f.skill: (f.level, f.evidence) for f in p.found} == {
        "docker": (2, "self-rated"),
        "sql": (1, "work"),
    }
    assert found(cat, "Advanced proficiency in Python") == {"python": 3}
    assert found(cat, "Expert SQL and strong Python") == {"sql": 3, "python": 2}
