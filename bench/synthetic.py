"""A seeded synthetic course catalogue over an imported ESCO graph, for benchmarks.

Each course teaches 1-6 skills of one skill group (an ESCO category) and requires 0-3 skills
of other groups. To stay acyclic by construction, every skill gets a rank from a topological
order of the prerequisite graph, and a course only requires skills ranked below everything it
teaches.

    python bench/synthetic.py ESCO_GRAPH_DIR OUT_DIR [--courses 20000] [--seed 7]
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

from pathplanner._input import load_graph_text
from pathplanner.esco import _dump  # the importer's writer: JSON, which is also YAML


def load_skills(graph: Path) -> dict[str, tuple[str, list[str]]]:
    """Return skill id -> (category, prerequisite ids) for an imported graph directory."""
    out: dict[str, tuple[str, list[str]]] = {}
    for path in sorted((graph / "skills").glob("*.yaml")):
        for s in load_graph_text(path.read_text(encoding="utf-8"), str(path))["skills"]:
            levels = s["levels"]
            first = levels.get(1) or levels.get("1")  # YAML keys are numbers, JSON's text
            pre = list((first.get("requires") or {}).keys())
            out[s["id"]] = (s["category"], pre)
    return out


def ranks(skills: dict[str, tuple[str, list[str]]]) -> dict[str, int]:
    """Return a topological rank (prerequisites first), ties by category then id."""
    order: list[str] = []
    seen: set[str] = set()

    def visit(sid: str) -> None:
        stack = [(sid, iter(sorted(skills.get(sid, ("", []))[1])))]
        seen.add(sid)
        while stack:
            node, it = stack[-1]
            nxt = next(it, None)
            if nxt is None:
                order.append(node)
                stack.pop()
            elif nxt not in seen:
                seen.add(nxt)
                stack.append((nxt, iter(sorted(skills.get(nxt, ("", []))[1]))))

    for sid in sorted(skills, key=lambda s: (skills[s][0], s)):
        if sid not in seen:
            visit(sid)
    return {sid: i for i, sid in enumerate(order)}


def generate(graph: Path, out: Path, courses: int, seed: int) -> int:
    rng = random.Random(seed)
    skills = {k: v for k, v in load_skills(graph).items()}
    rank = ranks(skills)
    by_group: dict[str, list[str]] = {}
    for sid, (cat, _) in sorted(skills.items()):
        by_group.setdefault(cat, []).append(sid)
    groups = sorted(by_group)
    ordered = sorted(skills, key=lambda s: rank[s])
    entries = []
    for i in range(courses):
        group = rng.choice(groups)
        taught = rng.sample(by_group[group], min(len(by_group[group]), rng.randint(1, 6)))
        # the prerequisites of what a course teaches are requirements too: all must rank
        # below everything it teaches, so drop the lowest-ranked skill taught until they do
        while True:
            low = min(rank[s] for s in taught)
            inherited = {p for s in taught for p in skills[s][1]} - set(taught)
            if all(rank[p] < low for p in inherited) or len(taught) == 1:
                break
            taught.remove(min(taught, key=lambda s: rank[s]))
        requires: dict[str, int] = {}
        if low > 0:
            for _ in range(rng.randint(0, 3)):
                cand = ordered[rng.randrange(0, low)]
                if skills[cand][0] != group:  # a broader/other group
                    requires[cand] = 1
        free = rng.random() < 0.4
        entries.append(
            {
                "id": f"synthetic-course-{i:05d}",
                "kind": "course",
                "title": f"Synthetic course {i:05d}",
                "provider": f"Synthetic Provider {rng.randint(1, 40)}",
                "url": f"https://example.org/synthetic/{i:05d}",
                "hours": float(rng.randint(4, 60)),
                "hours_source": "synthetic benchmark data",
                "cost_usd": 0.0 if free else float(rng.randint(10, 300)),
                **({} if free else {"cost_source": "synthetic benchmark data"}),
                "requires": requires,
                "teaches": {s: 1 for s in sorted(taught)},
            }
        )
    (out / "resources").mkdir(parents=True, exist_ok=True)
    for j in range(0, len(entries), 5000):
        path = out / "resources" / f"synthetic-{j // 5000 + 1:02d}.yaml"
        path.write_text(_dump({"resources": entries[j : j + 5000]}), encoding="utf-8")
    return len(entries)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("graph", type=Path)
    ap.add_argument("out", type=Path)
    ap.add_argument("--courses", type=int, default=20000)
    ap.add_argument("--seed", type=int, default=7)
    a = ap.parse_args()
    print(generate(a.graph, a.out, a.courses, a.seed), "courses written to", a.out)


if __name__ == "__main__":
    main()
