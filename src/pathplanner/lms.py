"""Into the LMS: an IMS Common Cartridge 1.1 course and competency-framework CSV files.

The public functions take plain frozen data defined here, not a `Curriculum`, so any
timetable can be exported; `curriculum.lms_course` and `lms_framework` are the small adapters
from today's curriculum and graph.

- `cartridge_bytes(course)` returns a `.imscc` file (a zip): one outline item per week, as
  children of a root item without a title (Canvas makes a module of each, Moodle a section),
  holding the week's overview page and one web link per resource, titled
  "title · hours · cost". It follows the IMS CC 1.1 profile as Canvas's and Moodle's own
  exporters write it (`webLink` in namespace `imsccv1p1/imswl_v1p1`, resource type
  `imswl_xmlv1p1` with one file and no href; pages as `webcontent`); `check_cartridge` checks
  the rules the importers rely on.
- `moodle_competencies_csv(framework)` writes the CSV that Moodle's "Import competency
  framework" tool (admin/tool/lpimportcsv) reads: its fourteen columns in its order, as
  `framework_importer::list_required_headers` and the tool's own example file give them
  (https://docs.moodle.org/en/Competency_frameworks, "Importing and exporting frameworks").
- `canvas_outcomes_csv(framework)` writes Canvas's outcomes import CSV, as documented at
  https://canvas.instructure.com/doc/api/file.outcomes_csv.html ("Outcomes CSV Format"):
  vendor_guid, object_type, title, description, display_name, calculation_method,
  calculation_int, workflow_state, parent_guids, then the ratings as (points, description)
  pairs in the last columns.

Everything is deterministic: fixed zip timestamps, sorted entries, identifiers from content.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from xml.etree import ElementTree as ET

from .errors import OutputError

__all__ = [
    "LmsCompetency",
    "LmsCourse",
    "LmsFramework",
    "LmsLevel",
    "LmsLink",
    "LmsWeek",
    "canvas_outcomes_csv",
    "cartridge_bytes",
    "cartridge_files",
    "check_cartridge",
    "check_columns",
    "link_title",
    "moodle_competencies_csv",
]

# -- the data the exporters take ---------------------------------------------------------------


@dataclass(frozen=True)
class LmsLink:
    """One resource of a week: a web link titled "title · hours · cost" when it has a URL.

    `url` must be http(s); a link without one (an in-house module with no page) is listed on
    the week's overview page only, since a Common Cartridge web link needs a URL.
    """

    title: str
    url: str | None
    hours: float
    cost_usd: float
    note: str = ""  # one line shown under it on the overview page ("weeks 1-3; 12 learners")


@dataclass(frozen=True)
class LmsWeek:
    """One week of the timetable: a title, plain-text overview lines and its links."""

    title: str
    overview: tuple[str, ...] = ()
    items: tuple[LmsLink, ...] = ()


@dataclass(frozen=True)
class LmsCourse:
    """A course as weeks, in order; `title` and `description` become the cartridge's metadata."""

    title: str
    weeks: tuple[LmsWeek, ...]
    description: str = ""
    language: str = "en"


@dataclass(frozen=True)
class LmsLevel:
    """One level of a competency: its number, what it means, the (id, level) it builds on."""

    level: int
    means: str
    builds_on: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True)
class LmsCompetency:
    """A skill as a competency: a stable id (no spaces), a name, a group and its levels."""

    id: str
    name: str
    group: str
    description: str
    levels: tuple[LmsLevel, ...]


@dataclass(frozen=True)
class LmsFramework:
    """A competency framework: id (no spaces), title, description and competencies."""

    id: str
    title: str
    description: str
    competencies: tuple[LmsCompetency, ...] = field(default_factory=tuple)


# -- Common Cartridge 1.1 ----------------------------------------------------------------------

CP_NS = "http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1"
LOM_MANIFEST_NS = "http://ltsc.ieee.org/xsd/imsccv1p1/LOM/manifest"
LOM_RESOURCE_NS = "http://ltsc.ieee.org/xsd/imsccv1p1/LOM/resource"
WL_NS = "http://www.imsglobal.org/xsd/imsccv1p1/imswl_v1p1"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
# the schema locations of the CC 1.1 profile, as Canvas's and Moodle's exporters cite them
_CP_XSD = "http://www.imsglobal.org/profile/cc/ccv1p1/ccv1p1_imscp_v1p2_v1p0.xsd"
_LOM_MANIFEST_XSD = "http://www.imsglobal.org/profile/cc/ccv1p1/LOM/ccv1p1_lommanifest_v1p0.xsd"
_LOM_RESOURCE_XSD = "http://www.imsglobal.org/profile/cc/ccv1p1/LOM/ccv1p1_lomresource_v1p0.xsd"
_WL_XSD = "http://www.imsglobal.org/profile/cc/ccv1p1/ccv1p1_imswl_v1p1.xsd"
WEBLINK_TYPE = "imswl_xmlv1p1"
WEBCONTENT_TYPE = "webcontent"
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest a zip can say: no clock in the output
# what XML 1.0 cannot hold at all (a title from a graph could carry a control character)
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_NCNAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*$")


def _text(value: str) -> str:
    return _NOT_XML.sub("\ufffd", value)


def link_title(link: LmsLink) -> str:
    """Return a link's title as the LMS shows it: "title · 12 h · $49" (or "· free")."""
    from .text import fmt_hours, fmt_usd

    return f"{' '.join(link.title.split())} · {fmt_hours(link.hours)} · {fmt_usd(link.cost_usd)}"


def _xml(root: ET.Element) -> bytes:
    ET.indent(root, space="  ")
    body: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=False)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + body + b"\n"


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    el = ET.SubElement(parent, tag, attrs)
    if text is not None:
        el.text = _text(text)
    return el


def _weblink(title: str, url: str) -> bytes:
    root = ET.Element(
        "webLink",
        {
            "xmlns": WL_NS,
            "xmlns:xsi": XSI_NS,
            "xsi:schemaLocation": f"{WL_NS} {_WL_XSD}",
        },
    )
    _sub(root, "title", title)
    _sub(root, "url", href=url, target="_blank")
    return _xml(root)


def _week_page(course: LmsCourse, number: int, week: LmsWeek) -> bytes:
    from .render import make_environment, safe_url

    env = make_environment(html=True)
    items = [{"title": link_title(x), "url": safe_url(x.url), "note": x.note} for x in week.items]
    page = env.get_template("lms-week.html.j2").render(
        course=_text(course.title),
        language=course.language,
        number=number,
        title=_text(week.title),
        overview=[_text(line) for line in week.overview],
        items=[{k: _text(v) if isinstance(v, str) else v for k, v in i.items()} for i in items],
    )
    return page.encode("utf-8")


def _manifest(course: LmsCourse, weeks: list[tuple[str, str, list[tuple[str, str]]]], files: dict[str, tuple[str, str]]) -> bytes:  # fmt: skip
    """Build imsmanifest.xml: weeks are (item id, title, [(leaf id, resource id)])."""
    digest = hashlib.sha256(json.dumps([course.title, weeks, sorted(files.items())]).encode())
    root = ET.Element(
        "manifest",
        {
            # the default namespace first: some importers read the first xmlns as the profile
            "xmlns": CP_NS,
            "xmlns:lomimscc": LOM_MANIFEST_NS,
            "xmlns:lom": LOM_RESOURCE_NS,
            "xmlns:xsi": XSI_NS,
            "identifier": f"M_{digest.hexdigest()[:20]}",
            "xsi:schemaLocation": f"{CP_NS} {_CP_XSD} {LOM_MANIFEST_NS} {_LOM_MANIFEST_XSD} "
            f"{LOM_RESOURCE_NS} {_LOM_RESOURCE_XSD}",
        },
    )
    metadata = _sub(root, "metadata")
    _sub(metadata, "schema", "IMS Common Cartridge")
    _sub(metadata, "schemaversion", "1.1.0")
    general = _sub(_sub(metadata, "lomimscc:lom"), "lomimscc:general")
    _sub(_sub(general, "lomimscc:title"), "lomimscc:string", course.title, language=course.language)
    if course.description:
        _sub(
            _sub(general, "lomimscc:description"),
            "lomimscc:string",
            course.description,
            language=course.language,
        )
    _sub(general, "lomimscc:language", course.language)
    org = _sub(
        _sub(root, "organizations"),
        "organization",
        identifier="O_1",
        structure="rooted-hierarchy",
    )
    top = _sub(org, "item", identifier="I_ROOT")  # the root item has no title (the profile)
    for week_id, title, leaves in weeks:
        week_item = _sub(top, "item", identifier=week_id)
        _sub(week_item, "title", title)
        for leaf_id, res_id in leaves:
            leaf = _sub(week_item, "item", identifier=leaf_id, identifierref=res_id)
            _sub(leaf, "title", files[res_id][1])
    resources = _sub(root, "resources")
    for res_id in sorted(files):
        path, _ = files[res_id]
        if path.endswith(".html"):
            res = _sub(resources, "resource", identifier=res_id, type=WEBCONTENT_TYPE, href=path)
        else:  # a web link: one file and no href
            res = _sub(resources, "resource", identifier=res_id, type=WEBLINK_TYPE)
        _sub(res, "file", href=path)
    return _xml(root)


def cartridge_files(course: LmsCourse) -> dict[str, bytes]:
    """Return every file of the cartridge as {path in the zip: bytes}."""
    from .render import safe_url

    if not course.weeks:
        raise OutputError("a cartridge needs at least one week")
    out: dict[str, bytes] = {}
    files: dict[str, tuple[str, str]] = {}  # resource id -> (path, title)
    weeks: list[tuple[str, str, list[tuple[str, str]]]] = []
    for n, week in enumerate(course.weeks, start=1):
        wid = f"W{n:03d}"
        page = f"wiki_content/week-{n:03d}-overview.html"
        out[page] = _week_page(course, n, week)
        files[f"R_{wid}_OVERVIEW"] = (page, _text(f"{week.title}: overview"))
        leaves = [(f"I_{wid}_OVERVIEW", f"R_{wid}_OVERVIEW")]
        for i, link in enumerate((x for x in week.items if safe_url(x.url)), start=1):
            rid = f"R_{wid}_L{i:03d}"
            path = f"weblinks/week-{n:03d}-link-{i:03d}.xml"
            title = _text(link_title(link))
            out[path] = _weblink(title, (link.url or "").strip())
            files[rid] = (path, title)
            leaves.append((f"I_{wid}_L{i:03d}", rid))
        weeks.append((wid, _text(week.title), leaves))
    out["imsmanifest.xml"] = _manifest(course, weeks, files)
    return out


def cartridge_bytes(course: LmsCourse) -> bytes:
    """Return an IMS Common Cartridge 1.1 package (.imscc) of a course: the same bytes for
    the same course (fixed timestamps and permissions, entries sorted)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in sorted(cartridge_files(course).items()):
            info = zipfile.ZipInfo(name, _ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # Unix, whatever the machine: the same bytes everywhere
            info.external_attr = 0o644 << 16
            zf.writestr(info, data, compresslevel=9)
    return buf.getvalue()


def check_cartridge(data: bytes) -> list[str]:
    """Return every way a .imscc breaks the CC 1.1 rules Canvas's and Moodle's importers use.

    Checked: a zip with imsmanifest.xml at its root; the default namespace declared first on
    <manifest> and the CC 1.1 one; schema "IMS Common Cartridge" version "1.1.0"; one
    rooted-hierarchy organization whose root item has no title; every identifier a valid
    XML id (NCName) and unique; an item that points at a resource is a leaf, and points at a
    resource that exists; a web-link resource has exactly one file and no href, and that file
    is a webLink with a title and an http(s) url; every file a resource names is in the zip.
    An empty list means all hold.
    """
    found: list[str] = []
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        return ["not a zip file"]
    names = set(zf.namelist())
    if "imsmanifest.xml" not in names:
        return ["no imsmanifest.xml at the root of the package"]
    raw = zf.read("imsmanifest.xml")
    start = re.search(rb"<manifest\b([^>]*)>", raw)
    if start is None:
        return ["imsmanifest.xml has no <manifest> element"]
    first_ns = re.search(rb"\sxmlns(:\w+)?=", start.group(1))
    if first_ns is None or first_ns.group(1) is not None:
        found.append("the default namespace is not the first declared on <manifest>")
    try:
        root = ET.fromstring(raw)
    except ET.ParseError as err:
        return [*found, f"imsmanifest.xml is not well-formed XML: {err}"]
    cp = f"{{{CP_NS}}}"
    if root.tag != f"{cp}manifest":
        return [*found, f"the root element is {root.tag}, not the CC 1.1 <manifest>"]
    if root.findtext(f"{cp}metadata/{cp}schema") != "IMS Common Cartridge":
        found.append('metadata/schema is not "IMS Common Cartridge"')
    if root.findtext(f"{cp}metadata/{cp}schemaversion") != "1.1.0":
        found.append('metadata/schemaversion is not "1.1.0"')
    ids: list[str] = [root.get("identifier", "")]
    orgs = root.findall(f"{cp}organizations/{cp}organization")
    if len(orgs) != 1:
        found.append(f"{len(orgs)} organizations (the profile allows one)")
    resources = {r.get("identifier", ""): r for r in root.findall(f"{cp}resources/{cp}resource")}
    ids += list(resources)
    for org in orgs:
        ids.append(org.get("identifier", ""))
        if org.get("structure") != "rooted-hierarchy":
            found.append('the organization\'s structure is not "rooted-hierarchy"')
        tops = org.findall(f"{cp}item")
        if len(tops) != 1:
            found.append(f"the organization has {len(tops)} root items (the profile wants one)")
        for top in tops:
            if top.find(f"{cp}title") is not None:
                found.append("the root item has a title")
            if top.get("identifierref"):
                found.append("the root item points at a resource")
        for item in org.iter(f"{cp}item"):
            ids.append(item.get("identifier", ""))
            ref = item.get("identifierref")
            if ref is None:
                continue
            if item.find(f"{cp}item") is not None:
                found.append(f"item {item.get('identifier')} points at a resource but has items")
            if ref not in resources:
                found.append(f"item {item.get('identifier')} points at a missing resource {ref}")
    for rid, res in sorted(resources.items()):
        files = [f.get("href", "") for f in res.findall(f"{cp}file")]
        for href in files:
            if href not in names:
                found.append(f"resource {rid} names a file not in the package: {href}")
        if res.get("type") == WEBLINK_TYPE:
            if res.get("href") is not None:
                found.append(f"web link {rid} has an href")
            if len(files) != 1:
                found.append(f"web link {rid} has {len(files)} files (it needs exactly one)")
            elif files[0] in names:
                found.extend(f"web link {rid}: {p}" for p in _check_weblink(zf.read(files[0])))
        elif res.get("type") == WEBCONTENT_TYPE and res.get("href") not in files:
            found.append(f"page {rid}: its href is not one of its files")
    for ident in ids:
        if not _NCNAME.match(ident):
            found.append(f"identifier {ident!r} is not a valid XML id")
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    found.extend(f"identifier {i} is used more than once" for i in dupes)
    return found


def _check_weblink(raw: bytes) -> list[str]:
    try:
        root = ET.fromstring(raw)
    except ET.ParseError as err:
        return [f"not well-formed XML: {err}"]
    wl = f"{{{WL_NS}}}"
    out = []
    if root.tag != f"{wl}webLink":
        out.append(f"root element {root.tag} is not the CC 1.1 webLink")
    if not (root.findtext(f"{wl}title") or "").strip():
        out.append("no title")
    url = root.find(f"{wl}url")
    if url is None or not re.match(r"https?://\S+$", url.get("href", "")):
        out.append("no http(s) url")
    return out


# -- competency frameworks -----------------------------------------------------------------------

# Moodle's column headings, in the importer's order (tool_lpimportcsv: lang/en strings of
# framework_importer::list_required_headers); the importer reads columns by position.
MOODLE_HEADER = (
    "Parent ID number",
    "ID number",
    "Short name",
    "Description",
    "Description format",
    "Scale values",
    "Scale configuration",
    "Rule type (optional)",
    "Rule outcome (optional)",
    "Rule config (optional)",
    "Cross-referenced competency ID numbers",
    "Exported ID (optional)",
    "Is framework",
    "Taxonomy",
)
# Moodle's default competence scale, as its own example framework gives it; the importer
# finds a site scale with these values (or creates one) and rewrites the scale id.
MOODLE_SCALE = "Not yet competent,Competent"
MOODLE_SCALE_CONFIG = '[{"scaleid":"2"},{"id":2,"scaledefault":1,"proficient":1}]'
MOODLE_HTML = 1  # Description format: 1 = HTML
# Canvas's documented columns; the ratings take every column from `ratings` on.
CANVAS_HEADER = (
    "vendor_guid",
    "object_type",
    "title",
    "description",
    "display_name",
    "calculation_method",
    "calculation_int",
    "workflow_state",
    "parent_guids",
    "ratings",
)
CANVAS_RATINGS = ((1, "Demonstrated"), (0, "Not yet demonstrated"))
_GUID_UNSAFE = re.compile(r"[^A-Za-z0-9_.:-]+")


def _guid(*parts: object) -> str:
    return _GUID_UNSAFE.sub("-", ".".join(str(p) for p in parts))


def _html_text(text: str) -> str:
    import html

    return f"<p>{html.escape(' '.join(text.split()))}</p>" if text.strip() else ""


def _groups(framework: LmsFramework) -> list[tuple[str, list[LmsCompetency]]]:
    groups: dict[str, list[LmsCompetency]] = {}
    for comp in sorted(framework.competencies, key=lambda c: (c.group, c.name.lower(), c.id)):
        groups.setdefault(comp.group, []).append(comp)
    return sorted(groups.items())


def _level_name(comp: LmsCompetency, level: int) -> str:
    return f"{comp.name} {level}"


def moodle_competencies_csv(framework: LmsFramework) -> str:
    """Return the framework as Moodle's competency framework import CSV.

    Rows: the framework (Is framework = 1, with Moodle's default competence scale), a
    competency per group, one per skill under its group, and one per level under its skill;
    a level's cross-references are the levels it builds on. Taxonomy: domain, skill, level.
    """
    from .render import csv_text

    fid = _guid(framework.id)
    known = {(c.id, lv.level) for c in framework.competencies for lv in c.levels}
    rows: list[list[object]] = [
        [
            "",
            fid,
            _text(framework.title),
            _html_text(framework.description),
            MOODLE_HTML,
            MOODLE_SCALE,
            MOODLE_SCALE_CONFIG,
            "",
            "",
            "",
            "",
            "",
            1,
            "domain,skill,level",
        ]
    ]
    exported = 0

    def row(parent: str, ident: str, name: str, description: str, related: str = "") -> None:
        nonlocal exported
        exported += 1
        rule = ["", 0, "null"]  # no completion rule: type, outcome, config (as Moodle exports)
        text = [_text(name), _html_text(description), MOODLE_HTML]
        rows.append([parent, ident, *text, "", "", *rule, related, exported, 0, ""])

    for group, comps in _groups(framework):
        gid = _guid(fid, group)
        row("", gid, group, "")
        for comp in comps:
            cid = _guid(fid, comp.id)
            row(gid, cid, comp.name, comp.description)
            for lv in sorted(comp.levels, key=lambda x: x.level):
                related = ",".join(
                    _guid(fid, s, n).replace(",", "%2C")
                    for s, n in sorted(lv.builds_on)
                    if (s, n) in known
                )
                row(cid, _guid(fid, comp.id, lv.level), _level_name(comp, lv.level), lv.means,
                    related)  # fmt: skip
    return csv_text(MOODLE_HEADER, rows)


def canvas_outcomes_csv(framework: LmsFramework) -> str:
    """Return the framework as Canvas's outcomes import CSV.

    A group for the framework, a group per skill group inside it, and an outcome per skill
    level (title "Python 2", description what the level means) rated Demonstrated (1, the
    mastery) or Not yet demonstrated (0), scored by the highest result.
    """
    from .render import csv_text

    root = _guid(framework.id)
    width = len(CANVAS_HEADER) - 1 + 2 * len(CANVAS_RATINGS)
    header = [*CANVAS_HEADER, *([""] * (width - len(CANVAS_HEADER)))]
    ratings: list[object] = [x for pair in CANVAS_RATINGS for x in pair]
    blank: list[object] = [""] * (width - 9)
    about = [_text(framework.title), _text(framework.description)]
    rows: list[list[object]] = [[root, "group", *about, "", "", "", "active", "", *blank]]
    for group, comps in _groups(framework):
        gid = _guid(root, group)
        rows.append([gid, "group", _text(group), "", "", "", "", "active", root, *blank])
        for comp in comps:
            for lv in sorted(comp.levels, key=lambda x: x.level):
                name = _text(_level_name(comp, lv.level))
                guid = _guid(root, comp.id, lv.level)
                means = _text(lv.means)
                rows.append(
                    [guid, "outcome", name, means, name, "highest", "", "active", gid, *ratings]
                )
    return csv_text(header, rows)


def check_columns(text: str, expected: Sequence[str]) -> list[str]:
    """Return how a CSV's header differs from `expected` (the documented columns), if at all."""
    import csv

    header = next(csv.reader(io.StringIO(text)), [])
    return [
        f"column {i + 1} is {got!r}, expected {want!r}"
        for i, (got, want) in enumerate(zip(header, expected, strict=False))
        if got != want
    ] + ([f"{len(header)} columns, expected at least {len(expected)}"] if len(header) < len(expected) else [])  # fmt: skip
