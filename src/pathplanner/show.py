"""Detail views of one role, skill or resource, and the text of a role comparison."""

from __future__ import annotations

import textwrap
from typing import Any

from .catalog import Catalog
from .export import resource_dict, role_dict, skill_dict
from .text import fmt_hours, fmt_usd, levels_text

__all__ = ["compare_text", "show_json", "show_text"]


def show_json(catalog: Catalog, kind: str, eid: str) -> dict[str, Any]:
    """Return one entry as JSON-ready data, with what links to it."""
    if kind == "skill":
        data = skill_dict(catalog, eid)
        data["taught_by"] = [{"resource": rid, "level": lvl} for lvl, rid in catalog.teachers(eid)]
        data["required_by_roles"] = [
            r.id
            for r in catalog.roles.values()
            if eid in r.requires.essential or eid in r.requires.optional
        ]
    elif kind == "resource":
        data = resource_dict(catalog, eid)
    else:
        data = role_dict(catalog, eid)
        data["previous"] = [r.id for r in catalog.roles.values() if eid in r.next]
    return {"type": kind, **data}


def _wrap(text: str, indent: str = "  ") -> str:
    import textwrap

    return textwrap.fill(text, width=88, initial_indent=indent, subsequent_indent=indent)


def show_text(catalog: Catalog, kind: str, eid: str) -> str:
    """Return one entry as terminal text."""
    lines: list[str] = []
    if kind == "skill":
        s = catalog.skills[eid]
        lines.append(f"{s.name} ({s.id}) — skill, {s.category}")
        if s.aliases:
            lines.append(f"Also known as: {', '.join(s.aliases)}")
        if s.description:
            lines.append(_wrap(s.description, ""))
        lines.append("")
        for lvl, spec in sorted(s.levels.items()):
            lines.append(f"Level {lvl}: {spec.means}")
            if spec.requires:
                lines.append(f"  needs first: {levels_text(catalog, dict(spec.requires))}")
        lines.append("")
        lines.append("Taught by:")
        for lvl, rid in sorted(
            catalog.teachers(eid), key=lambda t: (t[0], catalog.resources[t[1]].hours, t[1])
        ):
            r = catalog.resources[rid]
            tag = "" if r.active else " [retired]"
            lines.append(
                f"  level {lvl}: {r.title} ({r.provider}, {fmt_hours(r.hours)}, {fmt_usd(r.cost_usd)}) [{rid}]{tag}"
            )
        if s.esco_uri:
            lines.append(f"\nESCO: {s.esco_uri}")
    elif kind == "resource":
        r = catalog.resources[eid]
        status = "active" if r.active else f"retired on {r.retired_on}"
        lines.append(f"{r.title} ({r.id})")
        lines.append(
            f"{r.kind} · {r.provider}{' · ' + r.author if r.author else ''} · {r.level} · {r.format} · {status}"
        )
        if r.url:
            lines.append(r.url)
        lines.append(f"Hours: {fmt_hours(r.hours)} ({r.hours_source})")
        cost = fmt_usd(r.cost_usd)
        lines.append(f"Cost:  {cost}" + (f" ({r.cost_source})" if r.cost_source else ""))
        if r.exam_code:
            lines.append(f"Exam code: {r.exam_code}")
        if r.validity_years:
            lines.append(f"Valid for: {r.validity_years:g} years")
        lines.append(f"Teaches:  {levels_text(catalog, dict(r.teaches))}")
        eff = catalog.effective(eid)
        lines.append(f"Requires: {levels_text(catalog, eff) or 'nothing'}")
        if r.notes:
            lines.append(_wrap(r.notes, ""))
    else:
        role = catalog.roles[eid]
        lines.append(f"{role.name} ({role.id}) — {role.family}, {role.seniority}")
        if role.aliases:
            lines.append(f"Also known as: {', '.join(role.aliases)}")
        if role.description:
            lines.append(_wrap(role.description, ""))
        lines.append("")
        lines.append(f"Essential: {levels_text(catalog, dict(role.requires.essential))}")
        if role.requires.optional:
            lines.append(f"Optional:  {levels_text(catalog, dict(role.requires.optional))}")
        for c in role.requires.any_of:
            kind = "Essential" if c.essential else "Optional "
            lines.append(f"{kind}: one of {c.name}: {levels_text(catalog, dict(c.options))}")
        for e in role.experience:
            about = "about " if e.estimate else ""
            lines.append(
                f"Experience: {about}{e.years:g} years of {e.family} (no course gives it) — "
                f"{e.source}"
            )
        if role.credentials:
            lines.append(
                "Certifications: " + ", ".join(catalog.skills[c].name for c in role.credentials)
            )
        if role.tools:
            lines.append(f"Tools: {', '.join(role.tools)}")
        if role.salary:
            sal = role.salary
            est = " (estimate)" if sal.estimate else ""
            lines.append(
                f"Salary: ${sal.amount_usd:,.0f} per {sal.period}, {sal.region}, {sal.year}{est} — {sal.source}"
            )
        prev = [r.name for r in catalog.roles.values() if eid in r.next]
        if prev:
            lines.append(f"Comes after: {', '.join(prev)}")
        if role.next:
            lines.append(f"Leads to: {', '.join(catalog.roles[n].name for n in role.next)}")
    return "\n".join(lines) + "\n"


def _lines(text: str, indent: str) -> list[str]:
    """Return text wrapped at 88 columns, never inside a word or an address."""
    return textwrap.wrap(
        text, 88, subsequent_indent=indent, break_long_words=False, break_on_hyphens=False
    )


def compare_text(data: dict[str, Any]) -> str:
    """Return a role comparison as terminal text."""
    a, b = data["a"], data["b"]
    out = [f"{a['name']} vs {b['name']}", ""]
    you = data.get("from_you")
    if you:
        out += [*_lines(you["verdict"], ""), ""]
        for key, role in (("a", a), ("b", b)):
            r = you[key]
            if r["status"] == "infeasible":
                out.append(f"  {role['name']}: no plan ({r['reason']})")
                continue
            pay = role.get("salary")
            money = (
                f"; pay {fmt_usd(pay['amount_usd'])} a {pay['period']} ({pay['region']} "
                f"{pay['year']}{', an estimate' if pay['estimate'] else ''})"
                if pay
                else ""
            )
            out.append(
                f"  {role['name']}: {fmt_hours(r['hours'])}, {r['weeks']} weeks at "
                f"{you['hours_per_week']:g} h/week, {fmt_usd(r['cost_usd'])}, {r['steps']} steps"
                + money
            )
            if r["experience_note"]:
                out.append(f"    {r['experience_note']}")
        for role in (a, b):
            if role.get("salary"):
                text = f"Pay of {role['name']}: {role['salary']['source']}"
                out += _lines(text, "  ")
        out.append("")
    for cat, groups in data["categories"].items():
        out.append(f"{cat}")
        for e in groups["shared"]:
            out.append(
                f"  both    {e['name']}: {a['name']} {e['a']['level']}, {b['name']} {e['b']['level']}"
            )
        for e in groups["only_a"]:
            out.append(
                f"  only A  {e['name']} {e['a']['level']}{'' if e['a']['essential'] else ' (optional)'}"
            )
        for e in groups["only_b"]:
            out.append(
                f"  only B  {e['name']} {e['b']['level']}{'' if e['b']['essential'] else ' (optional)'}"
            )
    for label, role in (("A", a), ("B", b)):
        for c in role.get("choices", []):
            opts = " or ".join(f"{o['skill']} {o['level']}" for o in c["options"])
            kind = "" if c["essential"] else " (optional)"
            out.append(f"  only {label}  one of {c['name']}: {opts}{kind}")
    out.append("")
    for key, src, dst in (("a_to_b", a, b), ("b_to_a", b, a)):
        r = data[key]
        if r["status"] == "infeasible":
            out.append(f"{src['name']} → {dst['name']}: no plan ({r['reason']})")
        else:
            out.append(
                f"{src['name']} → {dst['name']}: {fmt_hours(r['hours'])}, {fmt_usd(r['cost_usd'])}, "
                f"{r['steps']} steps ({r['status']})"
            )
    out.append("")
    for label, role in (("A", a), ("B", b)):
        certs = ", ".join(c["name"] for c in role["credentials"]) or "none listed"
        out.append(f"{label} {role['name']} certifications: {certs}")
        for e in role.get("experience", []):
            about = "about " if e["estimate"] else ""
            out.append(
                f"{label} {role['name']} asks for {about}{e['years']:g} years of {e['family']} "
                f"experience ({e['source']})"
            )
        sal = role["salary"]
        if sal:
            est = " (estimate)" if sal["estimate"] else ""
            out.append(
                f"{label} {role['name']} salary: ${sal['amount_usd']:,.0f}/{sal['period']} {sal['region']} {sal['year']}{est} — {sal['source']}"
            )
    return "\n".join(out) + "\n"
