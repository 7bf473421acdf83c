"""Writing files safely: atomically, and never over an existing file without force."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from .errors import OutputError


def dumps_json(data: Any, compact: bool = False) -> str:
    """Return data as deterministic JSON text: indented with a final newline, or one line.

    NaN and infinities are not JSON: raise OutputError rather than write them.
    """
    try:
        if compact:
            return json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
        return json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
    except ValueError as err:
        raise OutputError(f"cannot write JSON: a value is not a finite number ({err})") from err


def write_atomic(path: str | Path, content: str | bytes, force: bool = False) -> None:
    """Write content to path through a temporary file; refuse to overwrite unless force."""
    target = Path(path)
    if target.exists() and not force:
        raise OutputError(f"{target}: already exists (use --force to overwrite)")
    if target.is_dir():
        raise OutputError(f"{target}: is a directory")
    parent = target.parent if str(target.parent) else Path(".")
    try:
        parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=parent, prefix=f".{target.name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(content.encode("utf-8") if isinstance(content, str) else content)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as err:
        raise OutputError(f"{target}: cannot write: {err.strerror or err}") from err
