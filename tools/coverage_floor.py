"""Fail when any module of the package is covered less than a floor (CI's per-module rule).

python tools/coverage_floor.py coverage.json 85
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def main() -> None:
    report, floor = Path(sys.argv[1]), float(sys.argv[2])
    files = json.loads(report.read_text(encoding="utf-8"))["files"]
    low = []
    for name, data in sorted(files.items()):
        percent = float(data["summary"]["percent_covered"])
        print(f"{percent:6.1f}%  {Path(name).name}")
        if percent < floor:
            low.append(f"{Path(name).name} ({percent:.1f}%)")
    if not files:
        sys.exit("no coverage data: did the tests run against the package?")
    if low:
        sys.exit(f"modules under {floor:g}% coverage: " + ", ".join(low))


if __name__ == "__main__":
    main()
