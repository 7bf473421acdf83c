"""Extraction quality and speed: skills from CVs and job postings (issue 12).

    python bench/bench_extract.py [--esco ESCO_GRAPH_DIR]

1. Quality: every text of tests/extraction/ against its hand labels (labels.yaml): precision
   and recall of the skills found (skill ids the built-in graph knows), per text and pooled.
2. Speed: a 2-page CV (the CV samples repeated to about 1,000 words) and a posting, after
   start-up (the catalogue loaded and the matcher built once); the median of 50 runs, and
   the floor of the same run (reading the text's words with a regular expression) as a ratio.
   With --esco (a graph directory from `pathplanner import esco`), again with ESCO loaded.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from pathplanner.extract import matcher, role_from_posting, skills_from_text  # noqa: E402
from pathplanner.load import load_catalog  # noqa: E402

DATA = ROOT / "tests" / "extraction"


def text_of(name: str) -> str:
    """Return a labelled text with its source comment lines blanked (line numbers kept)."""
    lines = (DATA / name).read_text().splitlines()
    return "\n".join("" if ln.startswith("#") else ln for ln in lines) + "\n"


def found(catalog: object, name: str) -> set[str]:
    text = text_of(name)
    if name.startswith("posting"):
        p = role_from_posting(catalog, text, name)  # type: ignore[arg-type]
        return {f.skill for f in p.found}
    return set(skills_from_text(catalog, text, name).levels)  # type: ignore[arg-type]


def quality(catalog: object) -> None:
    labels = yaml.safe_load((DATA / "labels.yaml").read_text())
    tp = fp = fn = 0
    print(f"{'text':42} {'P':>5} {'R':>5}  missed / wrong")
    for name, lab in sorted(labels.items()):
        want, got = set(lab["skills"]), found(catalog, name)
        t, f, n = len(want & got), len(got - want), len(want - got)
        tp, fp, fn = tp + t, fp + f, fn + n
        p = t / (t + f) if t + f else 1.0
        r = t / (t + n) if t + n else 1.0
        print(f"{name:42} {p:5.2f} {r:5.2f}  -{sorted(want - got)} +{sorted(got - want)}")
    print(
        f"{'pooled':42} {tp / (tp + fp):5.2f} {tp / (tp + fn):5.2f}  ({tp} right, {fp} wrong, {fn} missed)"
    )


def timing(catalog: object, label: str) -> None:
    cv = "\n".join(text_of(n) for n in sorted(p.name for p in DATA.glob("cv-*.txt")))
    while len(cv.split()) < 1000:
        cv += cv
    posting = text_of("posting-bebo-ml-specialist.txt")
    matcher(catalog)  # type: ignore[arg-type]

    def median(fn: object) -> float:
        runs = []
        for _ in range(50):
            t = time.perf_counter()
            fn()  # type: ignore[operator]
            runs.append(time.perf_counter() - t)
        return statistics.median(runs)

    floor = median(lambda: re.findall(r"\w+", cv + posting))
    both = median(lambda: (skills_from_text(catalog, cv), role_from_posting(catalog, posting)))  # type: ignore[arg-type]
    print(
        f"{label}: CV ({len(cv.split())} words) + posting: {both * 1000:.1f} ms "
        f"(floor {floor * 1000:.2f} ms, ratio {both / floor:.0f}x)"
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--esco", type=Path, help="an ESCO graph directory (pathplanner import esco)")
    a = ap.parse_args()
    catalog = load_catalog(())
    quality(catalog)
    timing(catalog, "built-in graph")
    if a.esco:
        t = time.perf_counter()
        esco = load_catalog((a.esco,))
        t_load = time.perf_counter() - t
        t = time.perf_counter()
        matcher(esco)
        print(f"ESCO: load {t_load:.1f} s, matcher built in {time.perf_counter() - t:.2f} s")
        timing(esco, "built-in + ESCO")


if __name__ == "__main__":
    main()
