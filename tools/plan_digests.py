"""Print one line per built-in role pair: the SHA-256 of its plan in every plan format.

CI runs this under the newest and the oldest dependency versions the project allows and
compares the two outputs: the same inputs must give the same bytes on every supported version.

    python tools/plan_digests.py > digests.txt
"""

from __future__ import annotations

import datetime as dt
import hashlib
import sys

from pathplanner.errors import InfeasibleError
from pathplanner.load import load_catalog
from pathplanner.planner import plan
from pathplanner.render import render_plan

FORMATS = ("json", "txt", "md", "csv", "ics", "html")


def main() -> None:
    catalog = load_catalog()
    roles = sorted(catalog.roles)
    for src in roles:
        for dst in roles:
            if src == dst:
                continue
            try:
                p = plan(catalog, dst, from_role=src, start=dt.date(2027, 1, 4))
            except InfeasibleError as err:
                print(f"{src} -> {dst}: no plan: {err}")
                continue
            digest = hashlib.sha256()
            for fmt in FORMATS:
                digest.update(render_plan(p, fmt, catalog).encode("utf-8"))
            print(f"{src} -> {dst}: {p.total_hours:g} h, {digest.hexdigest()[:16]}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
