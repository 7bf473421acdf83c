"""The command line's side of `assess` and `--to-posting`: questions asked on a terminal,
guesses confirmed, a posting shown before planning. The logic is in assess.py and extract.py."""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import click

from .catalog import Catalog
from .text import terminal_safe


def interactive(confirm: bool | None) -> bool:
    """Return whether to ask: --confirm/--no-confirm, else whether stdin is a terminal."""
    return sys.stdin.isatty() if confirm is None else confirm


def posting_target(
    catalog: Catalog,
    target: str | tuple[str, ...] | None,
    to_posting: str | None,
    confirm: bool | None,
    required: bool = True,
) -> tuple[Catalog, Any]:
    """Return the catalogue and target: a role as given, or the role a posting gives (shown
    on stderr, and confirmed on a terminal). Unless `required`, both may be missing."""
    # plan takes --to twice (two goals): a tuple, then the posting's role is its one goal
    many = isinstance(target, tuple)
    if bool(target) == (to_posting is not None) and (required or to_posting is not None):
        raise click.UsageError("give exactly one of --to ROLE and --to-posting FILE")
    if to_posting is None:
        return catalog, target
    from .extract import posting_text, read_document, role_from_posting, with_role

    posting = role_from_posting(catalog, read_document(to_posting), to_posting)
    click.echo(terminal_safe(posting_text(catalog, posting)), err=True)
    if interactive(confirm) and not click.confirm("Plan to these skills?", default=True, err=True):
        raise click.ClickException("stopped: edit the posting, or plan with --to ROLE")
    rid = posting.role.id
    return with_role(catalog, posting.role, to_posting), (rid,) if many else rid


def _languages(text: str) -> list[str]:
    from .models import CODE_LANGUAGES

    known = [c for c in CODE_LANGUAGES if c != "none"]
    got = [w.strip().lower() for w in text.replace(";", ",").split(",") if w.strip()]
    got = [] if got == ["none"] else got
    bad = [w for w in got if w not in known]
    if bad:
        raise click.BadParameter(f"unknown: {', '.join(bad)} (one of: {', '.join(known)})")
    return got


def ask(catalog: Catalog, role: str, known: dict[str, Any] | None = None) -> dict[str, Any]:
    """Ask the self-assessment's questions on the terminal; return the answers (`known`:
    skill answers settled already, e.g. confirmed from a CV)."""
    from ._cli_options import _Number
    from .assess import EVIDENCE_KINDS, questions

    answers: dict[str, Any] = {"skills": dict(known or {})}
    number = 0
    while qs := questions(catalog, role, answers):
        q = qs[0]
        number += 1
        title = f"\n{number}. {q.prompt}"
        if q.kind == "skill":
            click.echo(terminal_safe(f"{title}  ({q.why})"))
            for o in q.options:
                click.echo(terminal_safe(f"   {o.level}  {o.means}"))
            choices = click.Choice([str(o.level) for o in q.options])
            level = int(click.prompt("   Your answer", type=choices, show_choices=False))
            entry: dict[str, Any] = {"level": level}
            if level > 0:
                entry["evidence"] = click.prompt(
                    "   How do you know it?",
                    type=click.Choice(list(EVIDENCE_KINDS)),
                    default="self-rated",
                )
            answers["skills"][q.skill] = entry
        elif q.kind == "experience":
            years = click.prompt(title, type=click.FloatRange(0, 60), default=0.0)
            answers.setdefault("experience", {})[q.family] = years
        elif q.kind == "languages":
            answers["languages"] = click.prompt(title, default="none", value_proc=_languages)
        else:
            answers[q.kind] = click.prompt(title, type=_Number(q.kind))
    return answers


def _confirm_levels(catalog: Catalog, proposal: Any) -> Any:
    """Ask for each proposed skill's level (the guess is the default; 0 drops it)."""
    kept = []
    for f in proposal.found:
        top = catalog.skills[f.skill].max_level
        level = click.prompt(
            terminal_safe(f"{f.name} (line {f.line}: '{f.phrase}', {f.reason}): level 0-{top}"),
            type=click.IntRange(0, top),
            default=f.level,
            err=True,
        )
        if level > 0:
            kept.append(replace(f, level=level, reason=f"{f.reason}; you said {level}"))
    return replace(proposal, found=tuple(kept))


def assess_profile(
    catalog: Catalog,
    target: str | None,
    answers: Path | None,
    from_text: str | None,
    confirm: bool | None,
) -> str:
    """Return the profile YAML that `assess` writes, from its options."""
    if from_text is not None:
        if answers is not None:
            raise click.UsageError("--from-text and --answers do not go together")
        from .extract import proposal_text, proposal_yaml, read_document, skills_from_text

        checked = interactive(confirm) and from_text != "-"
        if target is not None and not checked:
            raise click.UsageError(
                "--from-text with --to asks the rest on a terminal (--confirm); "
                "without one, use --from-text alone and edit the profile it writes"
            )
        if target is not None:
            catalog.resolve_role(target)  # a wrong role is said before the CV is read
        proposal = skills_from_text(catalog, read_document(from_text), from_text)
        click.echo(terminal_safe(proposal_text(proposal)), err=True)
        if checked:
            proposal = _confirm_levels(catalog, proposal)
        if target is None:
            return proposal_yaml(catalog, proposal, confirmed=checked)
        from .assess import score

        known = {f.skill: {"level": f.level, "evidence": f.evidence} for f in proposal.found}
        got = score(catalog, target, ask(catalog, target, known), "your answers")
        return got.profile_yaml(catalog)
    if target is None:
        raise click.UsageError("give --to ROLE (the role to assess against) or --from-text FILE")
    from .assess import read_answers, score

    if answers is not None:
        data, lines = read_answers(answers)
        return score(catalog, target, data, str(answers), lines).profile_yaml(catalog)
    return score(catalog, target, ask(catalog, target), "your answers").profile_yaml(catalog)
