"""The ESCO importer on small fixtures made here, malformed input, and the real export if present."""

from __future__ import annotations

import csv
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from pathplanner.cli import cli
from pathplanner.esco import EscoError, import_esco, placeholder_hours
from pathplanner.load import load_catalog
from pathplanner.planner import plan

REAL = Path(__file__).resolve().parents[2] / "shared" / "data" / "esco-v1.1.1"
S = "http://data.europa.eu/esco/skill/"
OCC = "http://data.europa.eu/esco/occupation/"


def write(path: Path, header: list[str], rows: list[list[str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)


def fixture(root: Path) -> Path:
    """Write a tiny export in the official ESCO CSV format."""
    root.mkdir(parents=True, exist_ok=True)
    write(
        root / "skills_en.csv",
        [
            "conceptType",
            "conceptUri",
            "skillType",
            "reuseLevel",
            "preferredLabel",
            "altLabels",
            "hiddenLabels",
            "status",
            "modifiedDate",
            "scopeNote",
            "definition",
            "inScheme",
            "description",
        ],
        [
            [
                "KnowledgeSkillCompetence",
                S + "a1",
                "skill/competence",
                "cross-sector",
                "analyse data",
                "data analysis\nanalyse datasets",
                "",
                "released",
                "",
                "",
                "",
                "",
                "Inspect and model data.",
            ],
            [
                "KnowledgeSkillCompetence",
                S + "b2",
                "knowledge",
                "sector-specific",
                "statistics",
                "",
                "",
                "released",
                "",
                "",
                "",
                "",
                "The study of data.",
            ],
            [
                "KnowledgeSkillCompetence",
                S + "c3",
                "skill/competence",
                "transversal",
                "present findings",
                "",
                "",
                "released",
                "",
                "",
                "",
                "",
                "Explain results.",
            ],
        ],
    )
    write(
        root / "occupations_en.csv",
        [
            "conceptType",
            "conceptUri",
            "iscoGroup",
            "preferredLabel",
            "altLabels",
            "hiddenLabels",
            "status",
            "modifiedDate",
            "regulatedProfessionNote",
            "scopeNote",
            "definition",
            "inScheme",
            "description",
            "code",
        ],
        [
            [
                "Occupation",
                OCC + "o1",
                "2511",
                "data analyst",
                "data analysis specialist",
                "",
                "released",
                "",
                "",
                "",
                "",
                "",
                "Analyses data.",
                "2511.1",
            ]
        ],
    )
    write(
        root / "occupationSkillRelations.csv",
        ["occupationUri", "relationType", "skillType", "skillUri"],
        [
            [OCC + "o1", "essential", "skill/competence", S + "a1"],
            [OCC + "o1", "essential", "knowledge", S + "b2"],
            [OCC + "o1", "optional", "skill/competence", S + "c3"],
        ],
    )
    write(
        root / "skillSkillRelations.csv",
        [
            "originalSkillUri",
            "originalSkillType",
            "relationType",
            "relatedSkillType",
            "relatedSkillUri",
        ],
        [
            [S + "a1", "skill/competence", "essential", "knowledge", S + "b2"],
            [S + "b2", "knowledge", "essential", "skill/competence", S + "a1"],  # a cycle to break
            [S + "c3", "skill/competence", "optional", "skill/competence", S + "a1"],
        ],
    )
    write(
        root / "broaderRelationsSkillPillar.csv",
        ["conceptType", "conceptUri", "broaderType", "broaderUri"],
        [
            ["KnowledgeSkillCompetence", S + "a1", "SkillGroup", S + "g1"],
            ["KnowledgeSkillCompetence", S + "b2", "SkillGroup", S + "g1"],
            ["KnowledgeSkillCompetence", S + "c3", "SkillGroup", S + "g0"],
            ["SkillGroup", S + "g1", "SkillGroup", S + "g0"],
        ],
    )
    write(
        root / "skillsHierarchy_en.csv",
        [
            "Level 0 URI",
            "Level 0 preferred term",
            "Level 1 URI",
            "Level 1 preferred term",
            "Level 2 URI",
            "Level 2 preferred term",
            "Level 3 URI",
            "Level 3 preferred term",
            "Description",
            "Scope note",
            "Level 0 code",
            "Level 1 code",
            "Level 2 code",
            "Level 3 code",
        ],
        [
            [S + "g0", "skills", "", "", "", "", "", "", "", "", "S", "", "", ""],
            [
                S + "g0",
                "skills",
                S + "g1",
                "working with computers",
                "",
                "",
                "",
                "",
                "",
                "",
                "S",
                "S5",
                "",
                "",
            ],
        ],
    )
    return root


def test_placeholder_rule() -> None:
    assert placeholder_hours("skill/competence", "transversal") == 30
    assert placeholder_hours("knowledge", "occupation-specific") == 11.25
    assert placeholder_hours("", "") == 10


def test_import_and_plan(tmp_path: Path) -> None:
    report = import_esco(fixture(tmp_path / "esco"), tmp_path / "g")
    assert (report.roles, report.skills, report.placeholders) == (1, 3, 3)
    assert report.cycles_broken == 1 and report.prerequisites == 1
    catalog = load_catalog([tmp_path / "g"], builtin=False)
    role = catalog.resolve_role("data analysis specialist")
    assert role.id == "esco-data-analyst"
    assert role.requires.essential == {"esco-analyse-data": 1, "esco-statistics": 1}
    assert role.requires.optional == {"esco-present-findings": 1}
    assert catalog.skills["esco-analyse-data"].category == "esco-working-with-computers"
    assert catalog.skills["esco-present-findings"].category == "esco-skills"
    p = plan(catalog, "Data Analyst")
    assert p.status == "optimal" and p.total_hours == 40  # 25 h + 15 h of placeholders
    assert (
        catalog.attributions[0]
        == "This product uses the ESCO classification of the European Commission."
    )


def test_curated_skills_are_tied_by_uri(tmp_path: Path) -> None:
    import_esco(
        fixture(tmp_path / "esco"), tmp_path / "g", curated={S + "b2": "hypothesis-testing"}
    )
    catalog = load_catalog([tmp_path / "g"])
    role = catalog.roles["esco-data-analyst"]
    assert "hypothesis-testing" in role.requires.essential
    assert "esco-statistics" not in catalog.skills
    # a curated course that teaches hypothesis testing competes with the placeholder
    p = plan(catalog, "esco-data-analyst", explain=False)
    assert p.status == "optimal"


def test_missing_column(tmp_path: Path) -> None:
    root = fixture(tmp_path / "esco")
    text = (root / "skills_en.csv").read_text().replace("preferredLabel", "prefLabel", 1)
    (root / "skills_en.csv").write_text(text)
    with pytest.raises(EscoError) as info:
        import_esco(root, tmp_path / "g")
    assert str(info.value) == f"{root}/skills_en.csv: missing column(s): preferredLabel"


def test_unknown_uri_warns_or_fails_when_strict(tmp_path: Path) -> None:
    root = fixture(tmp_path / "esco")
    with (root / "occupationSkillRelations.csv").open("a", newline="") as fh:
        csv.writer(fh).writerow([OCC + "o1", "essential", "knowledge", S + "nope"])
    report = import_esco(root, tmp_path / "g")
    assert report.warnings == [
        f"{root}/occupationSkillRelations.csv: line 5: unknown skill URI {S}nope"
    ]
    with pytest.raises(EscoError) as info:
        import_esco(root, tmp_path / "g2", strict=True)
    assert (
        str(info.value) == f"{root}/occupationSkillRelations.csv: line 5: unknown skill URI {S}nope"
    )


def test_broken_quote(tmp_path: Path) -> None:
    root = fixture(tmp_path / "esco")
    with (root / "occupations_en.csv").open("a") as fh:
        fh.write("Occupation," + OCC + 'o2,2511,"broken label,,,,,,,,,,\n')
    with pytest.raises(EscoError) as info:
        import_esco(root, tmp_path / "g")
    assert str(info.value).startswith(f"{root}/occupations_en.csv: row ending at line ")
    assert "malformed CSV" in str(info.value)


def test_missing_file_and_no_overwrite(tmp_path: Path) -> None:
    root = fixture(tmp_path / "esco")
    import_esco(root, tmp_path / "g")
    with pytest.raises(EscoError, match="exists and is not empty"):
        import_esco(root, tmp_path / "g")
    (root / "skills_en.csv").unlink()
    result = CliRunner().invoke(cli, ["import", "esco", str(root), "--out", str(tmp_path / "h")])
    assert result.exit_code == 1
    assert result.output.endswith(
        f"Error: {root}/skills_en.csv: file not found (is this the ESCO CSV export folder?)\n"
    )


@pytest.mark.skipif(
    not REAL.is_dir() and not os.environ.get("PATHPLANNER_REQUIRE_ESCO"),
    reason=f"the real ESCO export is not at {REAL} (CI sets PATHPLANNER_REQUIRE_ESCO=1)",
)
def test_real_esco_export(tmp_path: Path) -> None:
    assert REAL.is_dir(), f"PATHPLANNER_REQUIRE_ESCO is set but {REAL} is missing"
    out = tmp_path / "esco-graph"
    result = CliRunner().invoke(cli, ["import", "esco", str(REAL), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "3006 roles" in result.output
    catalog = load_catalog([out])
    assert len(catalog.roles) >= 3000
    p = plan(catalog, "esco-data-scientist", explain=False)
    assert p.status == "optimal"
    assert any(not s.resource.startswith("self-study-") for s in p.steps)  # curated courses win
    assert "This product uses the ESCO classification of the European Commission." in p.attributions


def test_graph_files_are_json_that_yaml_reads_alike() -> None:
    """Characters YAML refuses (C1 controls) or reads as line breaks are escaped."""
    import json

    import yaml

    from pathplanner.esco import _dump

    hostile = 'a\x85b\u2028c\u2029d\x9b31m\x1b[2J\x7f\ufeff "q" \\ é ✓ \''
    text = _dump({"skills": [{"id": "x", "name": hostile, "levels": {1: {"means": "m"}}}]})
    assert json.loads(text) == yaml.safe_load(text)
    assert json.loads(text)["skills"][0]["name"] == hostile
    assert "\x85" not in text and "\u2028" not in text and "é ✓" in text
    assert _dump({"roles": []}) == '{"roles": []}\n'
