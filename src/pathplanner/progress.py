"""Progress: read what a learner has finished (ticked Markdown boxes, --done) and re-plan the rest."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ._input import read_text
from .errors import ProfileError

__all__ = ["MarkdownProgress", "read_markdown_progress"]

_HEADER = re.compile(r"<!-- pathplanner-plan target=([a-z0-9-]+)(?: from=([a-z0-9-]+))? -->")
_BOX = re.compile(r"^\s*[-*] \[( |x|X)\] .*?\(`([a-z0-9]+(?:-[a-z0-9]+)*)`\)")


@dataclass(frozen=True)
class MarkdownProgress:
    """What a plan's Markdown says: its target, start role and the boxes ticked and not."""

    path: str
    target: str | None
    from_role: str | None
    done: tuple[str, ...]
    open: tuple[str, ...]
    done_at: tuple[tuple[str, str], ...] = ()
    """Each ticked id with where it is ticked ('plan.md: line 12'), for messages."""


def read_markdown_progress(path: str | Path) -> MarkdownProgress:
    """Read a plan written with --format md and return its ticked and open steps."""
    shown = str(path)
    text = read_text(path)
    header = _HEADER.search(text)
    done: list[str] = []
    done_at: list[tuple[str, str]] = []
    left: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        m = _BOX.match(line)
        if m and m.group(1) in "xX":
            done.append(m.group(2))
            done_at.append((m.group(2), f"{shown}: line {number}"))
        elif m:
            left.append(m.group(2))
    if not done and not left:
        raise ProfileError(
            f"{shown}: no plan steps found (expected lines like '- [x] **1. Title** (`id`)' "
            "from pathplanner plan --format md)"
        )
    return MarkdownProgress(
        path=shown,
        target=header.group(1) if header else None,
        from_role=header.group(2) if header and header.group(2) else None,
        done=tuple(done),
        open=tuple(left),
        done_at=tuple(done_at),
    )
