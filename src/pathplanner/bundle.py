"""Curricula from uploads: a cohort file's bytes (and a zipped graph folder) to a zip of outputs.

The planner page's bootcamp form and `/api/curriculum` call `curriculum_zip`. The cohort is
read with the same checks as a cohort file (`cohort.read_cohort`), a graph folder with the
same validation as `--graph DIR`; messages name the uploaded file, never a server path. No
name from the upload chooses where anything is written: files go to a private temporary
directory under names checked here, and are gone when the call returns.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import tempfile
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path

from .catalog import Catalog
from .errors import InputError, PathPlannerError, ProfileError, UnknownNameError

__all__ = ["MAX_GRAPH_FILES", "MAX_GRAPH_UNZIPPED", "curriculum_zip", "unpack_graph"]

MAX_GRAPH_UNZIPPED = 64 * 1024 * 1024
"""The most a zipped graph folder may hold once unpacked (the cap of one graph file)."""
MAX_GRAPH_FILES = 2000
_PART = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._ -]{0,120}$")
_EPOCH = (1980, 1, 1, 0, 0, 0)


def _relocated(err: PathPlannerError, temp: Path, names: dict[str, str]) -> PathPlannerError:
    """Return the error with the temporary directory's paths replaced by the uploads' names."""
    text = str(err)
    for path, shown in names.items():
        text = text.replace(str(temp / path), shown)
    text = text.replace(str(temp) + "/", "")
    return ProfileError(text, setting=None)


def unpack_graph(data: bytes, root: Path, shown: str = "graph.zip") -> int:
    """Unpack a zipped graph folder's YAML files under root; return how many there were.

    Only .yaml and .yml files are taken (others are left out); a member whose path leaves the
    folder, an absolute or odd path, too many files or too many bytes unpacked is an error
    naming the member.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as err:
        raise InputError(shown, f"not a zip file ({err})") from None
    total = count = 0
    for info in members:
        if info.is_dir() or not info.filename.lower().endswith((".yaml", ".yml")):
            continue
        parts = [p for p in re.split(r"[\\/]+", info.filename) if p not in ("", ".")]
        if (
            not parts
            or info.filename.startswith(("/", "\\"))
            or not all(_PART.match(p) and p != ".." for p in parts)
        ):
            raise InputError(shown, f"{info.filename[:200]!r}: not a plain relative file name")
        count += 1
        if count > MAX_GRAPH_FILES:
            raise InputError(shown, f"more than {MAX_GRAPH_FILES} graph files")
        try:
            with archive.open(info) as fh:
                content = fh.read(MAX_GRAPH_UNZIPPED - total + 1)
        except (zipfile.BadZipFile, RuntimeError, ValueError, OSError, EOFError) as err:
            raise InputError(shown, f"{info.filename}: cannot unpack ({err})") from None
        total += len(content)
        if total > MAX_GRAPH_UNZIPPED:
            raise InputError(
                shown, f"more than {MAX_GRAPH_UNZIPPED // (1024 * 1024)} MB once unpacked"
            )
        target = root.joinpath(*parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
    if count == 0:
        raise InputError(shown, "holds no graph files (.yaml or .yml)")
    return count


def _zip(files: Mapping[str, str | bytes]) -> bytes:
    """Return files as a zip whose bytes depend only on the files (fixed dates, sorted)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=_EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            data = files[name]
            z.writestr(info, data.encode("utf-8") if isinstance(data, str) else data)
    return out.getvalue()


def curriculum_zip(
    catalog: Catalog,
    target: str,
    cohort: bytes,
    cohort_name: str = "cohort.csv",
    graph_zip: bytes | None = None,
    formats: Sequence[str] = ("md", "html", "csv"),
    hours_per_week: float | None = None,
    start: dt.date | None = None,
    graphs: Sequence[str | Path] = (),
    builtin: bool = True,
) -> tuple[bytes, str]:
    """Return (zip bytes, file name) of a cohort's curriculum: syllabus, plans, summary.

    `cohort` is a CSV or YAML cohort file's content (`cohort_name` names it, and its ending
    says which); `graph_zip`, a zipped graph folder added to `graphs` (and the built-in graph
    when `builtin`). Bad rows are listed in summary.csv as skipped, as the command does.
    """
    from ._input import MAX_USER_FILE_BYTES
    from ._names import nearest
    from .curriculum import FORMATS, build_curriculum, render_curriculum

    if not target:
        raise ProfileError("name the role the cohort trains for", setting="target")
    for fmt in formats:
        if fmt not in FORMATS:
            hint = nearest(fmt, FORMATS)
            raise UnknownNameError("format", fmt, hint, setting="formats", choices=list(FORMATS))
    if len(cohort) > MAX_USER_FILE_BYTES:
        raise InputError(cohort_name, f"too large (more than {MAX_USER_FILE_BYTES // 2**20} MB)")
    suffix = Path(cohort_name).suffix.lower()
    if suffix not in (".csv", ".yaml", ".yml"):
        raise InputError(cohort_name, "a cohort file must be .csv, .yaml or .yml")
    with tempfile.TemporaryDirectory(prefix="pathplanner-upload-") as tmp:
        temp = Path(tmp)
        names = {f"cohort{suffix}": cohort_name, "graph": "graph.zip"}
        try:
            if graph_zip is not None:
                unpack_graph(graph_zip, temp / "graph")
                from .load import load_catalog

                catalog = load_catalog([*graphs, temp / "graph"], builtin=builtin)
            (temp / f"cohort{suffix}").write_bytes(cohort)
            from .cohort import read_cohort

            learners, problems = read_cohort(catalog, temp / f"cohort{suffix}")
            cur = build_curriculum(
                catalog, target, learners, hours_per_week=hours_per_week, start=start
            )
            cur.problems = sorted(problems + cur.problems, key=lambda p: p.row)
            if not cur.plans:
                why = "; ".join(str(p) for p in cur.problems) or "the file lists no learners"
                raise ProfileError(f"{cohort_name}: no learner could be planned: {why}")
            files = render_curriculum(cur, catalog, list(formats))
        except PathPlannerError as err:
            if isinstance(err, UnknownNameError) and err.setting:
                raise
            raise _relocated(err, temp, names) from None
    return _zip(files), f"curriculum-{cur.target}.zip"
