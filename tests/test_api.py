"""The library as a library: its public names import, and its messages never name a CLI flag."""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Any

import pathplanner

SRC = Path(pathplanner.__file__).parent
README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
FLAG = re.compile(r"(?<![\w-])--[a-z]")


def _strings(tree: ast.AST) -> list[tuple[int, str]]:
    """Return (line, text) of every string constant that is not a docstring."""
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
    ]


def test_library_messages_name_no_command_line_flag() -> None:
    found = [
        f"{path.name}:{line}: {text!r}"
        for path in sorted(SRC.glob("*.py"))
        if path.name
        not in ("cli.py", "_cli_options.py", "_cli_assess.py")  # the command line itself
        for line, text in _strings(ast.parse(path.read_text()))
        if FLAG.search(text)
    ]
    assert found == []


def test_every_public_name_imports() -> None:
    for name in pathplanner.__all__:
        assert getattr(pathplanner, name) is not None, name


def test_the_readme_exceptions_import() -> None:
    section = README[README.index("Errors are one exception tree") :].split("\n\n")[0]
    names = re.findall(r"`(?:pathplanner\.)?([A-Z]\w+Error)`", section)
    assert len(names) >= 8
    for name in names:
        cls = getattr(pathplanner, name)
        assert issubclass(cls, pathplanner.PathPlannerError)


def test_result_objects_have_to_dict(mini: Any) -> None:
    import json

    from pathplanner.analysis import suggest
    from pathplanner.profile import build_profile

    p = pathplanner.plan(mini, "mle", from_role="analyst", explain=False)
    assert p.to_dict() == p.to_json()
    me = build_profile(mini, from_role="analyst")
    for result in (p, pathplanner.compute_gap(mini, me, "mle"), suggest(mini, me, limit=1)[0]):
        json.dumps(result.to_dict())
