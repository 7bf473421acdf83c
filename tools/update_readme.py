"""Refresh the README's example outputs from the real CLI.

Each region between `<!-- example: ARGS -->` and `<!-- /example -->` holds the output of
`pathplanner ARGS` (a leading `from=TEXT` word starts at the first line holding TEXT, and
`head=N` keeps the first N lines). tests/test_readme.py checks that
every region still matches, so run this after changing the graph or a template:

    python tools/update_readme.py
"""

from __future__ import annotations

import re
import shlex
import sys
from pathlib import Path

from click.testing import CliRunner

from pathplanner.cli import cli

README = Path(__file__).resolve().parent.parent / "README.md"
REGION = re.compile(r"(<!-- example: (.*?) -->\n(`{3,})\w*\n)(.*?)(\3\n<!-- /example -->)", re.S)


def output_for(spec: str) -> str:
    """Return what the README shows for one region's spec: 'head=N args...' or 'args...'."""
    words = shlex.split(spec)
    head = start = None
    while words and words[0].startswith(("head=", "from=")):
        word = words.pop(0)
        if word.startswith("head="):
            head = int(word.removeprefix("head="))
        else:
            start = word.removeprefix("from=")
    result = CliRunner().invoke(cli, words)
    if result.exit_code != 0:
        raise SystemExit(f"pathplanner {spec} failed: {result.output}")
    text = result.output
    if start is not None:  # from the first line holding this text on
        lines = text.splitlines()
        first = next(i for i, line in enumerate(lines) if start in line)
        text = "\n".join(lines[first:]) + "\n"
    if head is not None:
        lines = text.splitlines()
        text = "\n".join(lines[:head]) + ("\n..." if len(lines) > head else "") + "\n"
    return text


def regions(text: str) -> list[tuple[str, str]]:
    """Return (spec, shown output) for every example region."""
    return [(m.group(2), m.group(4)) for m in REGION.finditer(text)]


def main() -> None:
    text = README.read_text()
    new = REGION.sub(lambda m: m.group(1) + output_for(m.group(2)) + m.group(5), text)
    if new != text:
        README.write_text(new)
        print("README.md updated", file=sys.stderr)


if __name__ == "__main__":
    main()
