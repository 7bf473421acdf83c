"""Text for a terminal: numbers, tables, levels, gaps and status lines in plain words."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .analysis import Suggestion
    from .browse import Listing
    from .catalog import Catalog
    from .esco import ImportReport
    from .gap import Gap
    from .load import GraphCheck
    from .planner import Plan

__all__ = [
    "check_text",
    "fmt_hours",
    "fmt_usd",
    "gap_text",
    "import_text",
    "levels_text",
    "listing_text",
    "status_text",
    "suggestions_text",
    "table",
    "terminal_safe",
]


def fmt_hours(value: float) -> str:
    """Return hours as '12 h' or '2.5 h'."""
    return f"{value:,.1f} h".replace(".0 h", " h")


# C0 and C1 control characters (but newline and tab) and the bidirectional overrides: they
# move the cursor, retitle or recolour a terminal, or reorder what a reader sees
_UNSAFE = re.compile(r"\r(?!\n)|[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def terminal_safe(text: str) -> str:
    """Return text with every control character a terminal would obey replaced by U+FFFD.

    Newlines, tabs and CRLF line ends stay; ESC, BEL, a lone CR, the C1 controls (including
    8-bit CSI and OSC) and the bidirectional overrides do not.
    """
    return _UNSAFE.sub("\ufffd", text)


def fmt_usd(value: float) -> str:
    """Return USD as 'free', '$49' or '$12.50'."""
    if value == 0:
        return "free"
    return f"${value:,.2f}".replace(".00", "")


def status_text(plan: Plan) -> str:
    """Return a sentence on how good the plan is proven to be, in plain words."""
    if plan.solver == "trivial":
        return "nothing to learn: the goal is already met"
    if plan.status == "optimal":
        order = _ORDER[plan.objective]
        if plan.constraints.prefer_providers:
            order = order.replace(
                ", then", " with your preferred providers counted 20% less, then", 1
            )
        text = f"proven optimal ({order})"
    elif plan.solver == "greedy" and not plan.limit_note:  # asked for: no bound to report
        text = "feasible (a quick heuristic, not proven optimal)"
    else:
        text = f"feasible, not proven optimal (at most {plan.optimality_gap:.1%} above the best)"
    return f"{text}; {plan.limit_note}" if plan.limit_note else text


_ORDER = {
    "hours": "fewest study hours, then lowest cost",
    "cost": "lowest cost, then fewest study hours",
    "balanced": "lowest hours plus cost at the hourly rate, then fewest study hours",
}


def table(rows: Sequence[Sequence[str]], header: Sequence[str]) -> str:
    """Return a plain aligned text table."""
    widths = [len(h) for h in header]
    for row in rows:
        for i, cell in enumerate(row):
            widths[i] = max(widths[i], len(cell))
    lines = ["  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    for row in rows:
        lines.append("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
    return "\n".join(lines) + "\n"


def levels_text(catalog: Catalog, levels: dict[str, int]) -> str:
    """Return 'Docker 2, Linux and the shell 1'."""
    return ", ".join(
        f"{catalog.skills[s].name if s in catalog.skills else s} {lv}"
        for s, lv in sorted(levels.items())
    )


def gap_text(g: Gap) -> str:
    """Return the gap as terminal text."""
    out = [f"Gap to {g.target_name} ({g.target}): {g.coverage:.0%} of essential requirements met\n"]
    rows = [
        [
            "yes" if i.met else "NO",
            i.name,
            i.category,
            str(i.have),
            str(i.need),
            "essential" if i.essential else "optional",
        ]
        for i in sorted(g.requirements, key=lambda i: (i.met, not i.essential, i.category, i.skill))
    ]
    out.append(table(rows, ["met", "skill", "category", "have", "need", "kind"]))
    if g.pulled_in:
        out.append("\nPrerequisites the missing skills pull in:\n")
        for i in g.pulled_in:
            out.append(f"  {i.name} {i.need} (have {i.have}) — needed for {i.needed_by}\n")
    return "".join(out)


def listing_text(listing: Listing) -> str:
    """Return a listing of roles, skills or resources as a table."""
    cat = listing.catalog
    if listing.kind == "skill":
        skills = [cat.skills[i] for i in listing.ids]
        rows = [[s.id, s.name, s.category, str(len(cat.teachers(s.id)))] for s in skills]
        return table(rows, ["id", "name", "category", "resources"])
    if listing.kind == "resource":
        res = [cat.resources[i] for i in listing.ids]
        rows = [
            [r.id, r.title if len(r.title) <= 48 else r.title[:47] + "…", r.provider, r.kind,
             fmt_hours(r.hours), fmt_usd(r.cost_usd), "" if r.active else "retired"]
            for r in res
        ]  # fmt: skip
        return table(rows, ["id", "title", "provider", "kind", "hours", "cost", "status"])
    roles = [cat.roles[i] for i in listing.ids]
    rows = [
        [r.id, r.name, r.family, r.seniority, str(len(r.requires.essential)),
         f"${r.salary.amount_usd:,.0f}" + ("*" if r.salary.estimate else "") if r.salary else ""]
        for r in roles
    ]  # fmt: skip
    out = table(rows, ["id", "name", "family", "seniority", "essential", "salary"])
    if any(r.salary and r.salary.estimate for r in roles):
        out += "* estimate; `pathplanner show ROLE` gives each figure's source\n"
    return out


def suggestions_text(ranked: Sequence[Suggestion]) -> str:
    """Return roles ranked by the hours to reach them as a table."""
    rows = [
        [s.role, s.name, f"{s.coverage:.0%}",
         fmt_hours(s.hours) if s.hours is not None else "—",
         fmt_usd(s.cost_usd) if s.cost_usd is not None else "—", s.status]
        for s in ranked
    ]  # fmt: skip
    notes = [f"{s.name}: {s.experience_note}" for s in ranked if s.experience_note]
    text = table(rows, ["role", "name", "coverage now", "hours", "cost", "status"])
    if notes:  # the hours cover skills only: say what experience a role also asks for
        text += "\nExperience no course gives:\n" + "".join(f"  {n}\n" for n in notes)
    return text


def check_text(check: GraphCheck, verbose: bool = False, verbose_is: str = "verbose") -> str:
    """Return a graph check: its notes and every error, then a summary line when it is clean.

    When a user's directory is checked, notes about the built-in graph's own files are shown
    only if `verbose`; a line says how many were left out and that `verbose_is` (the name
    the caller gives the setting) shows them.
    """
    shown = check.shown_notes(verbose)
    lines = [f"note: {p}" for p in shown] + [f"error: {p}" for p in check.errors]
    hidden = len(check.notes) - len(shown)
    if hidden:
        lines.append(
            f"({hidden} note(s) about the built-in graph not shown; {verbose_is} shows them)"
        )
    if check.ok and check.catalog is not None:
        n, cat = len(check.dirs), check.catalog
        lines.append(
            f"ok: {len(cat.skills)} skills, {len(cat.resources)} resources, "
            f"{len(cat.roles)} roles in {n} director{'y' if n == 1 else 'ies'}"
        )
    return "".join(f"{line}\n" for line in lines)


def import_text(report: ImportReport, shown: int = 20) -> tuple[str, str]:
    """Return (summary, warnings) of an ESCO import; at most `shown` warnings are listed."""
    warnings = [f"warning: {w}" for w in report.warnings[:shown]]
    if len(report.warnings) > shown:
        warnings.append(f"warning: ... and {len(report.warnings) - shown} more")
    summary = (
        f"wrote {report.out_dir}: {report.roles} roles, {report.skills} skills "
        f"(+{report.linked} tied to built-in skills), {report.placeholders} placeholder "
        f"resources, {report.prerequisites} prerequisites ({report.cycles_broken} cyclic "
        f"relations dropped) in {report.seconds:.1f} s"
    )
    return summary + "\n", "".join(f"{w}\n" for w in warnings)
