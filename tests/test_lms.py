"""Into the LMS: the Common Cartridge 1.1 package and the competency CSV files."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from click.testing import CliRunner

from pathplanner import lms
from pathplanner.cli import cli
from pathplanner.errors import OutputError
from pathplanner.lms import (
    CP_NS,
    LmsCompetency,
    LmsCourse,
    LmsFramework,
    LmsLevel,
    LmsLink,
    LmsWeek,
    canvas_outcomes_csv,
    cartridge_bytes,
    check_cartridge,
    moodle_competencies_csv,
)

CP = f"{{{CP_NS}}}"

# our own sample course (not real resources): two weeks, one link without a URL
COURSE = LmsCourse(
    "Sample cohort",
    (
        LmsWeek(
            "Week 1",
            ("Start: Intro",),
            (
                LmsLink("Intro", "https://example.org/intro", 2, 0),
                LmsLink("Workbook", "https://example.org/book", 12.5, 49),
            ),
        ),
        LmsWeek("Week 2", ("Start: In-house lab",), (LmsLink("In-house lab", None, 3, 0),)),
    ),
    description="A sample.",
)


def manifest_of(data: bytes) -> ET.Element:
    return ET.fromstring(zipfile.ZipFile(io.BytesIO(data)).read("imsmanifest.xml"))


def rezip(data: bytes, **replace: bytes) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as out:
        for name in src.namelist():
            out.writestr(name, replace.get(name.replace("/", "__"), src.read(name)))
    return buf.getvalue()


def test_cartridge_passes_the_cc_rules_with_one_top_item_per_week() -> None:
    data = cartridge_bytes(COURSE)
    assert check_cartridge(data) == []
    root = manifest_of(data)
    assert root.findtext(f"{CP}metadata/{CP}schema") == "IMS Common Cartridge"
    assert root.findtext(f"{CP}metadata/{CP}schemaversion") == "1.1.0"
    (top,) = root.findall(f"{CP}organizations/{CP}organization/{CP}item")
    assert top.find(f"{CP}title") is None
    weeks = top.findall(f"{CP}item")
    assert [w.findtext(f"{CP}title") for w in weeks] == ["Week 1", "Week 2"]
    titles = [i.findtext(f"{CP}title") for i in weeks[0].findall(f"{CP}item")]
    assert titles == ["Week 1: overview", "Intro · 2 h · free", "Workbook · 12.5 h · $49"]
    # the link without a URL is on the overview page only
    assert [i.findtext(f"{CP}title") for i in weeks[1].findall(f"{CP}item")] == ["Week 2: overview"]
    zf = zipfile.ZipFile(io.BytesIO(data))
    page = zf.read("wiki_content/week-002-overview.html").decode()
    assert "In-house lab · 3 h · free" in page
    links = [r for r in root.iter(f"{CP}resource") if r.get("type") == "imswl_xmlv1p1"]
    assert len(links) == 2 and all(r.get("href") is None for r in links)
    assert all(len(r.findall(f"{CP}file")) == 1 for r in links)


def test_default_namespace_is_declared_first() -> None:
    raw = zipfile.ZipFile(io.BytesIO(cartridge_bytes(COURSE))).read("imsmanifest.xml")
    attrs = re.search(rb"<manifest\s+(\S+)=", raw)
    assert attrs is not None and attrs.group(1) == b"xmlns"


def test_same_course_same_bytes_fixed_times_sorted_entries() -> None:
    one, two = cartridge_bytes(COURSE), cartridge_bytes(COURSE)
    assert one == two
    infos = zipfile.ZipFile(io.BytesIO(one)).infolist()
    assert [i.filename for i in infos] == sorted(i.filename for i in infos)
    assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}
    assert {i.external_attr >> 16 for i in infos} == {0o644}
    other = LmsCourse("Sample cohort", COURSE.weeks[:1])
    assert cartridge_bytes(other) != one


@pytest.mark.parametrize(
    ("name", "old", "new", "problem"),
    [
        ("imsmanifest.xml", b"<schemaversion>1.1.0", b"<schemaversion>1.2.0", "schemaversion"),
        ("imsmanifest.xml", b'<item identifier="I_ROOT">', b'<item identifier="I_ROOT"><title>x</title>', "root item has a title"),
        ("imsmanifest.xml", b'identifier="W001"', b'identifier="1week"', "not a valid XML id"),
        ("imsmanifest.xml", b'type="imswl_xmlv1p1"', b'type="imswl_xmlv1p1" href="x.xml"', "has an href"),
        ("imsmanifest.xml", b'<manifest xmlns="http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1" xmlns:lomimscc', b'<manifest xmlns:lomimscc', "default namespace"),
        ("imsmanifest.xml", b'identifierref="R_W001_L001">', b'identifierref="R_W001_L001"><item identifier="Z"/>', "points at a resource but has items"),
        ("imsmanifest.xml", b'identifierref="R_W002_OVERVIEW"', b'identifierref="R_NONE"', "missing resource"),
        ("weblinks/week-001-link-001.xml", b'href="https://example.org/intro"', b'href="javascript:x"', "no http(s) url"),
    ],
)  # fmt: skip
def test_check_cartridge_finds_each_broken_rule(
    name: str, old: bytes, new: bytes, problem: str
) -> None:
    data = cartridge_bytes(COURSE)
    raw = zipfile.ZipFile(io.BytesIO(data)).read(name)
    if name == "imsmanifest.xml" and old.startswith(b"<manifest"):
        raw = raw.replace(b' xmlns="http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1"', b"", 1)
        raw = raw.replace(
            b"xsi:schemaLocation=", b'xmlns="' + CP_NS.encode() + b'" xsi:schemaLocation=', 1
        )
    else:
        assert old in raw
        raw = raw.replace(old, new, 1)
    found = check_cartridge(rezip(data, **{name.replace("/", "__"): raw}))
    assert any(problem in p for p in found), found


def test_check_cartridge_on_what_is_not_a_cartridge() -> None:
    assert check_cartridge(b"not a zip") == ["not a zip file"]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("readme.txt", "x")
    assert check_cartridge(buf.getvalue()) == ["no imsmanifest.xml at the root of the package"]


def test_hostile_titles_and_urls_stay_inert() -> None:
    evil = LmsCourse(
        "</title><script>alert(1)</script>\x1b[31m",
        (
            LmsWeek(
                "W <b>1</b>\x00",
                ("<img src=x onerror=alert(1)>",),
                (
                    LmsLink('=HYPERLINK("x")\x07', "javascript:alert(1)", 1, 0),
                    LmsLink('a"b<c>&d', 'https://example.org/?q="><script>', 1e9, 1e7),
                ),
            ),
        ),
    )
    data = cartridge_bytes(evil)
    assert check_cartridge(data) == []
    zf = zipfile.ZipFile(io.BytesIO(data))
    page = zf.read("wiki_content/week-001-overview.html").decode()
    assert "<script>" not in page and "<img" not in page and "javascript:" not in page
    link = zf.read("weblinks/week-001-link-001.xml").decode()
    assert ET.fromstring(link).find(f"{{{lms.WL_NS}}}title") is not None
    assert '"><script>' not in link  # the URL is an escaped attribute
    assert len(zf.namelist()) == 3  # the javascript: link is not made a web link


def test_a_course_without_weeks_is_refused() -> None:
    with pytest.raises(OutputError, match="at least one week"):
        cartridge_bytes(LmsCourse("x", ()))


FRAMEWORK = LmsFramework(
    "sample-framework",
    "Sample skills",
    "Our own sample.",
    (
        LmsCompetency(
            "python",
            "Python",
            "Programming",
            "The language.",
            (LmsLevel(1, "Write scripts."), LmsLevel(2, "Write packages.", (("python", 1),))),
        ),
        LmsCompetency(
            "stats", "=Statistics", "Math, stats", 'Numbers, "quoted".', (LmsLevel(1, "Mean"),)
        ),
    ),
)


def test_moodle_csv_has_the_importers_columns_and_one_framework_row() -> None:
    text = moodle_competencies_csv(FRAMEWORK)
    rows = list(csv.reader(io.StringIO(text)))
    # the columns of Moodle's tool_lpimportcsv, in its order (it reads them by position)
    assert rows[0] == [
        "Parent ID number", "ID number", "Short name", "Description", "Description format",
        "Scale values", "Scale configuration", "Rule type (optional)", "Rule outcome (optional)",
        "Rule config (optional)", "Cross-referenced competency ID numbers",
        "Exported ID (optional)", "Is framework", "Taxonomy",
    ]  # fmt: skip
    assert lms.check_columns(text, lms.MOODLE_HEADER) == []
    assert all(len(r) == 14 for r in rows)
    frameworks = [r for r in rows[1:] if r[12] == "1"]
    assert len(frameworks) == 1 and frameworks[0][1] == "sample-framework"
    assert frameworks[0][5] == "Not yet competent,Competent"
    by_id = {r[1]: r for r in rows[2:]}
    assert by_id["sample-framework.python.2"][0] == "sample-framework.python"
    assert by_id["sample-framework.python.2"][10] == "sample-framework.python.1"
    assert by_id["sample-framework.python"][0] == "sample-framework.Programming"
    # every parent is defined before it is used, ids are unique
    seen = {"", "sample-framework"}
    for r in rows[2:]:
        assert r[0] in seen or r[0] == ""
        assert r[1] not in seen
        seen.add(r[1])
    assert by_id["sample-framework.stats"][2] == "'=Statistics"  # formula made inert
    assert by_id["sample-framework.stats"][3] == "<p>Numbers, &quot;quoted&quot;.</p>"


def test_canvas_csv_has_the_documented_columns_and_ratings_last() -> None:
    text = canvas_outcomes_csv(FRAMEWORK)
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:10] == [
        "vendor_guid", "object_type", "title", "description", "display_name",
        "calculation_method", "calculation_int", "workflow_state", "parent_guids", "ratings",
    ]  # fmt: skip
    assert set(rows[0][10:]) == {""}
    assert len({len(r) for r in rows}) == 1
    groups = [r for r in rows[1:] if r[1] == "group"]
    outcomes = [r for r in rows[1:] if r[1] == "outcome"]
    assert [g[2] for g in groups] == ["Sample skills", "Math, stats", "Programming"]
    assert [o[2] for o in outcomes] == ["'=Statistics 1", "Python 1", "Python 2"]
    assert all(" " not in r[0] for r in rows[1:])  # vendor_guid may not contain spaces
    guids = {r[0] for r in groups}
    assert all(r[8] in guids for r in outcomes)
    assert outcomes[1][9:13] == ["1", "Demonstrated", "0", "Not yet demonstrated"]
    assert outcomes[1][5] == "highest"


def run_curriculum(mini_dir: Path, tmp_path: Path, formats: str) -> object:
    cohort = tmp_path / "cohort.csv"
    cohort.write_text("name,have\nSam,\nAna,py:2\n")
    return CliRunner().invoke(
        cli,
        ["curriculum", "--no-builtin", "--graph", str(mini_dir), "--to", "mle", "--cohort",
         str(cohort), "--out", str(tmp_path / "out"), "--format", formats],
    )  # fmt: skip


def test_curriculum_format_imscc_writes_a_cartridge_of_the_syllabus_weeks(
    mini_dir: Path, tmp_path: Path
) -> None:
    result = run_curriculum(mini_dir, tmp_path, "imscc,moodle-csv,canvas-csv,csv")
    assert result.exit_code == 0, result.output
    out = tmp_path / "out"
    data = (out / "course.imscc").read_bytes()
    assert check_cartridge(data) == []
    syllabus = list(csv.DictReader((out / "syllabus.csv").open()))
    weeks = max(int(m["end_week"]) for m in syllabus)
    root = manifest_of(data)
    top = root.find(f"{CP}organizations/{CP}organization/{CP}item")
    assert top is not None and len(top.findall(f"{CP}item")) == weeks
    leaves = [i.findtext(f"{CP}title") or "" for i in top.iter(f"{CP}item")]
    assert "Docker B · 14 h · free" in leaves
    moodle = (out / "competencies-moodle.csv").read_text()
    assert "pathplanner-mle.docker.2" in moodle and "pathplanner-mle.cert-x" not in moodle
    assert "pathplanner-mle.ml.2" in (out / "outcomes-canvas.csv").read_text()
    assert (out / "course.imscc").stat().st_mode & 0o777 == 0o666 & ~_umask()


def test_curriculum_imscc_only_writes_no_personal_plans(mini_dir: Path, tmp_path: Path) -> None:
    result = run_curriculum(mini_dir, tmp_path, "imscc")
    assert result.exit_code == 0, result.output
    out = tmp_path / "out"
    assert result.output.endswith(f"wrote 2 files to {out}: 3 modules: course.imscc, summary.csv\n")
    assert sorted(p.name for p in out.iterdir()) == ["course.imscc", "summary.csv"]
    rows = list(csv.DictReader((out / "summary.csv").open()))
    assert [r["file"] for r in rows] == ["", ""]
    again = run_curriculum(mini_dir, tmp_path, "imscc")
    assert again.exit_code == 1 and "use --force to overwrite" in again.output


def _umask() -> int:
    import os

    mask = os.umask(0)
    os.umask(mask)
    return mask
