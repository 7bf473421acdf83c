"""Import the official ESCO CSV export into a graph directory in pathplanner's own format.

Occupations become roles (essential and optional skills; preferred and alternative labels
as names and aliases). Skills and knowledge become skills, their category taken from the
ESCO skill hierarchy. Essential skill-to-skill relations become prerequisites. ESCO has no
proficiency levels, so every requirement is level 1. ESCO has no courses either: every skill
gets one clearly labelled self-study placeholder whose hours follow `placeholder_hours`.
A skill that a curated skill names by `esco_uri` is not duplicated: roles require the curated
skill, so curated courses teach it and win over the placeholder when they are cheaper.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._input import csv_field_limit, text_lines, validation_problems
from .errors import InputError, PathPlannerError

if TYPE_CHECKING:
    from .catalog import Catalog

__all__ = ["EscoError", "ImportReport", "curated_links", "import_esco", "placeholder_hours"]

ATTRIBUTION = "This product uses the ESCO classification of the European Commission."

_FILES: dict[str, tuple[str, ...]] = {
    "occupations_en.csv": ("conceptUri", "preferredLabel", "altLabels", "description"),
    "skills_en.csv": (
        "conceptUri",
        "skillType",
        "reuseLevel",
        "preferredLabel",
        "altLabels",
        "description",
    ),
    "occupationSkillRelations.csv": ("occupationUri", "relationType", "skillUri"),
    "skillSkillRelations.csv": ("originalSkillUri", "relationType", "relatedSkillUri"),
    "broaderRelationsSkillPillar.csv": ("conceptUri", "broaderUri"),
    "skillsHierarchy_en.csv": (
        "Level 0 URI",
        "Level 0 preferred term",
        "Level 1 URI",
        "Level 1 preferred term",
    ),
}

# Hours of self-study for one ESCO skill at level 1, by type, scaled by how widely it is reused.
_BASE_HOURS = {"skill/competence": 20.0, "knowledge": 15.0}
_REUSE_FACTOR = {
    "transversal": 1.5,
    "cross-sector": 1.25,
    "sector-specific": 1.0,
    "occupation-specific": 0.75,
}


class EscoError(PathPlannerError):
    """Raised when an ESCO export is missing a file or column, or has a malformed row."""


def placeholder_hours(skill_type: str, reuse_level: str) -> float:
    """Return the estimated hours to learn an ESCO skill to level 1 by self-study.

    The rule: 20 h for a skill or competence, 15 h for knowledge (10 h when ESCO gives no
    type), times 1.5 for a transversal skill, 1.25 for cross-sector, 1.0 for sector-specific,
    0.75 for occupation-specific (1.0 when ESCO gives no reuse level).
    """
    return _BASE_HOURS.get(skill_type, 10.0) * _REUSE_FACTOR.get(reuse_level, 1.0)


@dataclass
class ImportReport:
    """What an import produced."""

    out_dir: Path
    skills: int = 0
    linked: int = 0
    roles: int = 0
    placeholders: int = 0
    prerequisites: int = 0
    cycles_broken: int = 0
    files: list[Path] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        """Return the report as JSON-ready data."""
        data = asdict(self)
        data["out_dir"] = str(self.out_dir)
        data["files"] = [str(f) for f in self.files]
        return data


def curated_links(catalog: Catalog) -> dict[str, str]:
    """Return ESCO skill URI -> skill id for every skill of a catalogue that names its URI."""
    return {s.esco_uri: s.id for s in catalog.skills.values() if s.esco_uri}


def _rows(root: Path, name: str) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield (last line, row) of one export file; every malformed row is an EscoError."""
    path = root / name
    if not path.is_file():
        raise EscoError(f"{path}: file not found (is this the ESCO CSV export folder?)")
    try:
        with text_lines(path) as lines, csv_field_limit() as limit:
            reader = csv.reader(lines, strict=True)
            try:
                header = next(reader, [])
                missing = [c for c in _FILES[name] if c not in header]
                if missing:
                    raise EscoError(f"{path}: missing column(s): {', '.join(missing)}")
                # the official export leaves out trailing empty fields of some rows, so a
                # short row is fine while it holds every column the importer reads
                needed = max(header.index(c) for c in _FILES[name]) + 1
                for fields in reader:
                    if not fields:
                        continue
                    if not needed <= len(fields) <= len(header):
                        raise EscoError(
                            f"{path}: row ending at line {reader.line_num}: {len(fields)} "
                            f"fields, but the header has {len(header)}"
                            + (" (a row cut short?)" if len(fields) < needed else "")
                        )
                    fields += [""] * (len(header) - len(fields))
                    yield reader.line_num, dict(zip(header, fields, strict=True))
            except csv.Error as err:
                detail = f"malformed CSV: {err}"
                if "field larger" in str(err):
                    detail = f"a field is longer than {limit // 1024} KB"
                raise EscoError(
                    f"{path}: row ending at line {reader.line_num + 1}: {detail}"
                ) from err
    except InputError as err:
        raise EscoError(str(err)) from err


def _slug(label: str, limit: int = 60) -> str:
    """Return a kebab-case id part, cut at a word boundary within limit characters."""
    slug = re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-") or "x"
    if len(slug) > limit:
        slug = slug[:limit].rsplit("-", 1)[0]
    return slug


def _unique(base: str, taken: set[str]) -> str:
    out, n = base, 2
    while out in taken:
        out, n = f"{base}-{n}", n + 1
    taken.add(out)
    return out


def _labels(text: str) -> list[str]:
    return sorted({a.strip() for a in (text or "").splitlines() if a.strip()})


def _categories(root: Path) -> dict[str, str]:
    """Return skill URI -> category from the hierarchy's level-1 (else level-0) groups."""
    top: dict[str, str] = {}
    for _, row in _rows(root, "skillsHierarchy_en.csv"):
        if row["Level 1 URI"]:
            top[row["Level 1 URI"]] = "esco-" + _slug(row["Level 1 preferred term"], 40)
        elif row["Level 0 URI"]:
            top.setdefault(row["Level 0 URI"], "esco-" + _slug(row["Level 0 preferred term"], 40))
    broader: dict[str, list[str]] = {}
    for _, row in _rows(root, "broaderRelationsSkillPillar.csv"):
        broader.setdefault(row["conceptUri"], []).append(row["broaderUri"])
    cache: dict[str, str] = {}

    def walk(uri: str, depth: int = 0) -> str:
        if uri in top:
            return top[uri]
        if uri in cache:
            return cache[uri]
        cache[uri] = "esco-other"  # guards a loop in the hierarchy
        found = "esco-other"
        if depth < 20:
            for parent in sorted(broader.get(uri, [])):
                cat = walk(parent, depth + 1)
                if cat != "esco-other":
                    found = cat
                    break
        cache[uri] = found
        return found

    return {uri: walk(uri) for uri in broader}


def _break_cycles(edges: Mapping[str, list[str]]) -> tuple[dict[str, list[str]], int]:
    """Drop the edges that close a cycle (depth-first, in sorted order): the rest is acyclic."""
    kept: dict[str, list[str]] = {}
    state: dict[str, int] = {}  # 1 on the stack, 2 done
    broken = 0
    for start in sorted(edges):
        if state.get(start):
            continue
        stack: list[tuple[str, Iterator[str]]] = [(start, iter(sorted(set(edges.get(start, [])))))]
        state[start] = 1
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                state[node] = 2
                stack.pop()
                continue
            if state.get(child) == 1:
                broken += 1
                continue
            kept.setdefault(node, []).append(child)
            if not state.get(child):
                state[child] = 1
                stack.append((child, iter(sorted(set(edges.get(child, []))))))
    return kept, broken


def import_esco(
    esco_dir: str | Path,
    out_dir: str | Path,
    curated: Mapping[str, str] | None = None,
    force: bool = False,
    on_step: Callable[[str], None] | None = None,
    strict: bool = False,
    link_builtin: bool = False,
) -> ImportReport:
    """Convert an ESCO CSV export into a graph directory; return what was written.

    `curated` maps ESCO skill URIs to curated skill ids; with `link_builtin` every skill of
    the built-in graph that names its esco_uri is added (see `curated_links`). Those skills
    are referenced, not duplicated. A relation to an unknown URI is skipped with a warning
    naming the file and line (the official v1.1.1 export has one), or is an error when
    strict. `on_step` is called with the name of each stage as it starts.
    """
    import time

    from ._io import write_atomic

    started = time.perf_counter()
    if link_builtin:
        from .load import load_catalog

        curated = {**curated_links(load_catalog()), **(curated or {})}
    root = Path(esco_dir)
    out = Path(out_dir)
    if not root.is_dir():
        raise EscoError(f"{root}: not a directory")
    if out.exists() and any(out.iterdir()) and not force:
        raise EscoError(f"{out}: exists and is not empty", setting="force", remedy="to overwrite")
    curated = dict(curated or {})
    report = ImportReport(out)
    step = on_step or (lambda _msg: None)

    def unknown(message: str) -> None:
        if strict:
            raise EscoError(message)
        report.warnings.append(message)

    step("skill hierarchy")
    category = _categories(root)
    step("skills")
    skills: dict[str, dict[str, Any]] = {}
    ids: dict[str, str] = dict(curated)
    taken: set[str] = set(curated.values())
    rows = sorted(_rows(root, "skills_en.csv"), key=lambda r: r[1]["conceptUri"])
    for line, row in rows:
        uri = row["conceptUri"].strip()
        label = row["preferredLabel"].strip()
        if not uri or not label:
            raise EscoError(
                f"{root / 'skills_en.csv'}: line {line}: empty conceptUri or preferredLabel"
            )
        _check_uri(uri, root / "skills_en.csv", line)
        if uri in curated:
            report.linked += 1
            continue
        sid = _unique("esco-" + _slug(label), taken)
        ids[uri] = sid
        skills[uri] = {
            "id": sid,
            "label": label,
            "aliases": [a for a in _labels(row["altLabels"]) if a.lower() != label.lower()],
            "description": " ".join((row["description"] or "").split())[:600],
            "type": row["skillType"].strip(),
            "reuse": row["reuseLevel"].strip(),
        }
    step("skill relations")
    essential: dict[str, list[str]] = {}
    for line, row in _rows(root, "skillSkillRelations.csv"):
        a, b = row["originalSkillUri"].strip(), row["relatedSkillUri"].strip()
        bad = [uri for uri in (a, b) if uri not in ids]
        if bad:
            unknown(f"{root / 'skillSkillRelations.csv'}: line {line}: unknown skill URI {bad[0]}")
            continue
        if row["relationType"].strip() == "essential" and a in skills and a != b:
            essential.setdefault(a, []).append(b)
    prereqs, report.cycles_broken = _break_cycles(essential)
    step("occupations")
    needs: dict[str, dict[str, str]] = {}
    first_line: dict[str, int] = {}
    for line, row in _rows(root, "occupationSkillRelations.csv"):
        occ, skill = row["occupationUri"].strip(), row["skillUri"].strip()
        if skill not in ids:
            unknown(
                f"{root / 'occupationSkillRelations.csv'}: line {line}: unknown skill URI {skill}"
            )
            continue
        kind = row["relationType"].strip()
        if kind not in ("essential", "optional"):
            raise EscoError(
                f"{root / 'occupationSkillRelations.csv'}: line {line}: relationType must be "
                f"essential or optional, got {kind!r}"
            )
        first_line.setdefault(occ, line)
        current = needs.setdefault(occ, {})
        if current.get(skill) != "essential":
            current[skill] = kind
    roles: list[dict[str, Any]] = []
    role_ids: set[str] = set()
    for line, row in sorted(_rows(root, "occupations_en.csv"), key=lambda r: r[1]["conceptUri"]):
        uri = row["conceptUri"].strip()
        label = row["preferredLabel"].strip()
        if not uri or not label:
            raise EscoError(
                f"{root / 'occupations_en.csv'}: line {line}: empty conceptUri or preferredLabel"
            )
        _check_uri(uri, root / "occupations_en.csv", line)
        reqs = needs.pop(uri, {})
        essential_ids = sorted({ids[s] for s, k in reqs.items() if k == "essential"})
        if not essential_ids:
            continue  # an occupation with no essential skill cannot be a planning target
        optional_ids = sorted(
            {ids[s] for s, k in reqs.items() if k == "optional"} - set(essential_ids)
        )
        roles.append(
            {
                "id": _unique("esco-" + _slug(label), role_ids),
                "name": label,
                "aliases": [a for a in _labels(row["altLabels"]) if a.lower() != label.lower()],
                "family": "esco",
                "description": " ".join((row["description"] or "").split())[:600],
                "requires": {
                    "essential": {s: 1 for s in essential_ids},
                    **({"optional": {s: 1 for s in optional_ids}} if optional_ids else {}),
                },
                "esco_uri": uri,
            }
        )
    for occ in sorted(needs, key=lambda o: first_line[o]):
        unknown(
            f"{root / 'occupationSkillRelations.csv'}: line {first_line[occ]}: unknown "
            f"occupation URI {occ} ({len(needs[occ])} relations skipped)"
        )

    step("writing")
    skill_docs: dict[str, list[dict[str, Any]]] = {}
    resource_docs: dict[str, list[dict[str, Any]]] = {}
    for uri in sorted(skills):
        info = skills[uri]
        cat = category.get(uri, "esco-other")
        entry: dict[str, Any] = {
            "id": info["id"],
            "name": info["label"],
            "category": cat,
            "description": info["description"]
            or f"ESCO {info['type'] or 'skill'}: {info['label']}.",
            "levels": {1: {"means": f"Can apply '{info['label']}' as ESCO describes it."}},
            "esco_uri": uri,
        }
        if info["aliases"]:
            entry["aliases"] = info["aliases"]
        pre = sorted({ids[b] for b in prereqs.get(uri, [])} - {info["id"]})
        if pre:
            entry["levels"][1]["requires"] = {p: 1 for p in pre}
            report.prerequisites += len(pre)
        skill_docs.setdefault(cat, []).append(entry)
    curated_names = {sid: sid for sid in curated.values()}
    resource_ids: set[str] = set()
    for uri in sorted(ids):
        sid = ids[uri]
        found = skills.get(uri)
        kind, reuse = (found["type"], found["reuse"]) if found else ("", "")
        label = found["label"] if found else curated_names[sid]
        hours = placeholder_hours(kind, reuse)
        cat = category.get(uri, "esco-other")
        resource_docs.setdefault(cat, []).append(
            {
                "id": _unique("self-study-" + sid.removeprefix("esco-"), resource_ids),
                "kind": "self-study",
                "title": f"Self-study placeholder: {label}",
                "provider": "ESCO placeholder (no course in the catalogue)",
                "url": uri,
                "hours": hours,
                "hours_source": f"estimate: pathplanner placeholder rule ({kind or 'untyped'}, "
                f"{reuse or 'no reuse level'}) = {hours:g} h",
                "cost_usd": 0,
                "level": "beginner",
                "format": "mixed",
                "requires": {},
                "teaches": {sid: 1},
                "notes": "A placeholder: ESCO lists no courses. Replace it with a real "
                "resource in a graph directory of your own.",
            }
        )
    report.skills = len(skills)
    report.roles = len(roles)
    report.placeholders = sum(len(v) for v in resource_docs.values())
    _validate(out, skill_docs, resource_docs, roles)
    files: dict[Path, str] = {}
    for cat, entries in sorted(skill_docs.items()):
        files[out / "skills" / f"{cat}.yaml"] = _dump({"skills": entries})
    for cat, entries in sorted(resource_docs.items()):
        files[out / "resources" / f"{cat}.yaml"] = _dump({"resources": entries})
    for i in range(0, len(roles), 500):
        files[out / "roles" / f"occupations-{i // 500 + 1:02d}.yaml"] = _dump(
            {"roles": roles[i : i + 500]}
        )
    files[out / "README.md"] = (
        "# ESCO graph (generated)\n\n"
        f"Generated by `pathplanner import esco` from {root.name}. {ATTRIBUTION}\n\n"
        "ESCO has no proficiency levels: every requirement is level 1. ESCO has no courses: "
        "each skill has a self-study placeholder whose hours follow the rule in "
        "`pathplanner.esco.placeholder_hours`.\n"
    )
    for path, text in files.items():
        write_atomic(path, text, force=True)
    report.files = sorted(files)
    report.seconds = time.perf_counter() - started
    return report


_URI = re.compile(r"^https?://\S+$")


def _check_uri(uri: str, path: Path, line: int) -> None:
    if not _URI.match(uri):
        raise EscoError(f"{path}: line {line}: conceptUri: not an http(s) URI: {uri!r}")


def _validate(
    out: Path,
    skills: Mapping[str, list[dict[str, Any]]],
    resources: Mapping[str, list[dict[str, Any]]],
    roles: list[dict[str, Any]],
) -> None:
    """Check every entry against the graph's models before anything is written."""
    from pydantic import ValidationError

    from .models import Resource, Role, Skill

    groups: list[tuple[type[Skill] | type[Resource] | type[Role], list[dict[str, Any]]]] = [
        (Skill, [e for entries in skills.values() for e in entries]),
        (Resource, [e for entries in resources.values() for e in entries]),
        (Role, roles),
    ]
    for model, entries in groups:
        for entry in entries:
            try:
                model.model_validate(entry)
            except ValidationError as err:
                found = validation_problems(err, str(out), str(entry.get("id")), model=model)
                raise EscoError(
                    f"{found[0]} (nothing was written; "
                    "the export has a value the importer cannot map)"
                ) from err


# Characters a YAML reader refuses or reads as line breaks, written as JSON escapes (which
# YAML reads too); JSON itself escapes the rest of the control characters.
_YAML_UNSAFE = {
    c: f"\\u{c:04x}" for c in [0x7F, *range(0x80, 0xA0), 0x2028, 0x2029, 0xFEFF, 0xFFFE, 0xFFFF]
}


def _dump(data: dict[str, list[Any]]) -> str:
    """Return a graph file's text: JSON, one entry a line (JSON is YAML too, and it writes
    and loads ten times faster than YAML: 3,000 occupations and 14,000 skills)."""
    import json

    kind, entries = next(iter(data.items()))  # one kind a file
    lines = ",\n".join(json.dumps(e, ensure_ascii=False, allow_nan=False) for e in entries)
    lines = lines.translate(_YAML_UNSAFE)
    return f'{{"{kind}": [\n{lines}\n]}}\n' if entries else f'{{"{kind}": []}}\n'
