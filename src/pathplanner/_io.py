"""Writing files safely: atomically, exclusively unless forced, never over a non-file.

Every file pathplanner writes goes through `open_atomic` (one file, possibly streamed) or
`write_tree` (a set of files that appears all at once). Both write into a temporary name beside
the target first, so an interruption leaves the target as it was and no litter behind, and both
create files with the ordinary permissions (0666 less the umask), as `open()` would.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import secrets
import shutil
import stat
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import IO, Any

from .errors import OutputError

__all__ = [
    "dumps_json",
    "dumps_json_line",
    "open_atomic",
    "stream_tree",
    "write_atomic",
    "write_tree",
]

# C1 controls and bidirectional overrides: json leaves them raw, some terminals obey them
_UNSAFE = [*range(0x80, 0xA0), *range(0x202A, 0x202F), *range(0x2066, 0x206A)]
_C1_TABLE = str.maketrans({chr(c): f"\\u{c:04x}" for c in _UNSAFE})


def dumps_json(data: Any) -> str:
    """Return data as deterministic, readable JSON text with a final newline.

    C1 control characters and bidirectional overrides (some terminals obey them) are written
    as \\u escapes, as json already does for C0 ones: the same data, safe to print. NaN and
    infinities are not JSON: raise OutputError rather than write them.
    """
    return _dumps(data, indent=2) + "\n"


def dumps_json_line(data: Any) -> str:
    """Return data as one compact JSON line (no final newline), escaped as dumps_json does."""
    return _dumps(data, separators=(",", ":"))


def _dumps(data: Any, **layout: Any) -> str:
    try:
        text = json.dumps(data, ensure_ascii=False, allow_nan=False, **layout)
    except ValueError as err:
        raise OutputError(f"cannot write JSON: a value is not a finite number ({err})") from err
    return text.translate(_C1_TABLE)


def _why(err: OSError) -> str:
    return err.strerror or str(err)


def _existing_kind(target: Path) -> str | None:
    """Return what sits at target when it is not a regular file (or a link to one), else None."""
    try:
        st = target.stat()  # follows a symbolic link: the file it points to is what we replace
    except FileNotFoundError:
        return "a symbolic link to nothing" if target.is_symlink() else None
    except OSError as err:
        raise OutputError(f"{target}: cannot write: {_why(err)}") from err
    if stat.S_ISREG(st.st_mode):
        return None
    if stat.S_ISDIR(st.st_mode):
        return "a directory"
    if stat.S_ISFIFO(st.st_mode):
        return "a named pipe"
    if stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode):
        return "a device"
    if stat.S_ISSOCK(st.st_mode):
        return "a socket"
    return "not a regular file"


def _check_target(target: Path, force: bool) -> None:
    """Refuse a target that exists (unless force) or that is not a regular file."""
    kind = _existing_kind(target)
    if kind is not None:
        raise OutputError(f"{target}: is {kind}; pathplanner only writes regular files")
    if not force and os.path.lexists(target):
        raise _exists(target)


def _exists(target: Path, more: str = "") -> OutputError:
    """Return the one error for targets that exist and may not be overwritten."""
    what = f"{target}{more} already exist(s)" if more else f"{target}: already exists"
    return OutputError(what, setting="force", remedy="to overwrite")


def _fresh(parent: Path, name: str, suffix: str) -> Path:
    return parent / f".{name}.{secrets.token_hex(4)}{suffix}"


def _create_temp(parent: Path, name: str) -> tuple[int, Path]:
    """Create a new, empty temporary file beside the target; mode 0666 less the umask."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    flags |= getattr(os, "O_BINARY", 0)
    while True:
        tmp = _fresh(parent, name, ".tmp")
        try:
            return os.open(tmp, flags, 0o666), tmp
        except FileExistsError:
            continue


def _commit(tmp: Path, target: Path, force: bool) -> None:
    """Move a finished temporary file onto target: exclusively unless force.

    Without force the file is hard-linked to its name, which fails when the name exists, so two
    runs cannot both "write" the same file; with force it atomically replaces the old file.
    """
    if force:
        try:
            mode = stat.S_IMODE(target.stat().st_mode)  # keep the permissions of what we replace
        except FileNotFoundError:
            pass
        else:
            os.chmod(tmp, mode)
        os.replace(tmp, os.path.realpath(target) if target.is_symlink() else target)
        return
    try:
        os.link(tmp, target)
    except FileExistsError:
        raise _exists(target) from None
    except OSError as err:
        if err.errno not in (errno.EPERM, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EXDEV):
            raise
        # a file system without hard links: create the target exclusively and copy into it
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
        try:
            fd = os.open(target, flags, 0o666)
        except FileExistsError:
            raise _exists(target) from None
        try:
            with os.fdopen(fd, "wb") as dst, tmp.open("rb") as src:
                shutil.copyfileobj(src, dst)
        except BaseException:
            target.unlink(missing_ok=True)
            raise
    tmp.unlink()


@contextlib.contextmanager
def open_atomic(path: str | Path, force: bool = False) -> Iterator[IO[bytes]]:
    """Open a binary file that appears at path, complete, only when the block ends without error.

    Missing parent directories are created. Without force the target must not exist, and it is
    created exclusively (a concurrent writer loses with "already exists"). Only regular files
    are written or replaced: a directory, named pipe, device or socket is refused, even with
    force. A symbolic link to a regular file is followed: the file it points to is replaced and
    the link stays. On any error or interruption the temporary file is removed.
    """
    target = Path(path)
    _check_target(target, force)
    parent = target.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = _create_temp(parent, target.name)
    except OSError as err:
        raise OutputError(f"{target}: cannot write: {_why(err)}") from err
    try:
        with os.fdopen(fd, "wb") as fh:
            yield fh
        _check_target(target, force)
        _commit(tmp, target, force)
    except OSError as err:
        raise OutputError(f"{target}: cannot write: {_why(err)}") from err
    finally:
        tmp.unlink(missing_ok=True)


def write_atomic(path: str | Path, content: str | bytes, force: bool = False) -> None:
    """Write content to path atomically; refuse to overwrite unless force (see open_atomic)."""
    with open_atomic(path, force) as fh:
        fh.write(content.encode("utf-8") if isinstance(content, str) else content)


def write_tree(root: str | Path, files: Mapping[str, str | bytes], force: bool = False) -> None:
    """Write a set of files under root all-or-nothing; refuse, before writing, to overwrite.

    The whole set is written into a temporary directory beside root first. A new (or missing)
    root is then renamed into place in one step. Into an existing directory the files are
    moved one by one, and if that fails or is interrupted, every file already moved is taken
    back (and, with force, every replaced file restored), so a run never leaves half a set.
    """
    with stream_tree(root, force=force, expected=files) as write:
        for rel, content in files.items():
            write(rel, content)


@contextlib.contextmanager
def stream_tree(
    root: str | Path, force: bool = False, expected: Iterable[str] = ()
) -> Iterator[Callable[[str, str | bytes], None]]:
    """Yield `write(relative path, content)` for a set of files that appears under root at once.

    As `write_tree`, but the files are written one at a time as they are made, so memory stays
    bounded however many there are. Each is written into a temporary directory beside root;
    when the block ends without error the set is moved into place (all or nothing), and on
    any error nothing of it is left. The `expected` paths are checked before anything is
    written, every other one as it comes: a file that exists is refused unless force, a
    directory, pipe or device even with force.
    """
    root = Path(root)
    if root.exists() and not root.is_dir():
        raise OutputError(f"{root}: is not a directory")
    existing: list[Path] = []

    def check(rel: str) -> Path:
        target = root / rel
        kind = _existing_kind(target)
        if kind is not None:
            raise OutputError(f"{target}: is {kind}; pathplanner only writes regular files")
        if not force and os.path.lexists(target):
            existing.append(target)
        return target

    for rel in sorted(expected):
        check(rel)
    if existing:
        more = f" and {len(existing) - 1} more" if len(existing) > 1 else ""
        raise _exists(existing[0], more)
    try:
        root.parent.mkdir(parents=True, exist_ok=True)
        stage = _make_stage(root)
    except OSError as err:
        raise OutputError(f"{root}: cannot write: {_why(err)}") from err
    tree = stage / "tree"
    targets: dict[str, Path] = {}
    made: set[Path] = {tree}

    def write(rel: str, content: str | bytes) -> None:
        if rel in targets:
            raise OutputError(f"{root / rel}: written twice in one set")
        target = check(rel)
        if existing:
            raise _exists(existing[0])
        dest = tree / rel
        if dest.parent not in made:
            dest.parent.mkdir(parents=True, exist_ok=True)
            made.add(dest.parent)
        dest.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
        targets[rel] = target

    try:
        try:
            yield write
            if not root.exists():
                with contextlib.suppress(OSError):  # someone made root meanwhile: file by file
                    os.rename(tree, root)
                    return
            _move_in(tree, root, dict(sorted(targets.items())), stage / "old", force)
        except OSError as err:
            raise OutputError(f"{root}: cannot write: {_why(err)}") from err
    finally:
        shutil.rmtree(stage, ignore_errors=True)


def _make_stage(root: Path) -> Path:
    """Create an empty private directory beside root (0777 less the umask, as mkdir makes)."""
    while True:
        stage = _fresh(root.parent, root.name, ".tmp")
        try:
            stage.mkdir()
            (stage / "tree").mkdir()
            (stage / "old").mkdir()
            return stage
        except FileExistsError:
            continue


def _move_in(tree: Path, root: Path, targets: dict[str, Path], old: Path, force: bool) -> None:
    """Move staged files into an existing root; on any failure undo every move made."""
    made_dirs: list[Path] = []
    moved: list[tuple[Path, Path | None]] = []  # (target, its old file kept in old/, if any)
    try:
        for i, (rel, target) in enumerate(targets.items()):
            for d in reversed([target.parent, *target.parent.parents]):
                if d == root or root not in d.parents or d.exists():
                    continue
                d.mkdir()
                made_dirs.append(d)
            kept: Path | None = None
            if force and os.path.lexists(target):
                kept = old / str(i)
                os.link(os.path.realpath(target), kept)
            _commit(tree / rel, target, force)
            moved.append((target, kept))
    except BaseException:
        for target, kept in reversed(moved):
            with contextlib.suppress(OSError):
                if kept is not None:
                    os.replace(kept, os.path.realpath(target))
                else:
                    target.unlink()
        for d in reversed(made_dirs):
            with contextlib.suppress(OSError):
                d.rmdir()
        raise
