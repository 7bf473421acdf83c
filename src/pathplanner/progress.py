"""Progress: read what a learner has finished (ticked Markdown boxes, --done) and re-plan the rest."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

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


def read_markdown_progress(path: str | Path) -> MarkdownProgress:
    """Read a plan written with --format md and return its ticked and open steps."""
    shown = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as err:
        raise ProfileError(f"{shown}: cannot read: {err.strerror or err}") from err
    header = _HEADER.search(text)
    done: list[str] = []
    left: list[str] = []
    for line in text.splitlines():
        m = _BOX.match(line)
        if m:
            (done if m.group(1) in "xX" else left).append(m.group(2))
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
    )
