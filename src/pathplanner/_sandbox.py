"""The sandbox user templates run in: only the files named, bounded time, sizes and output.

Jinja's ImmutableSandboxedEnvironment already keeps a template away from Python internals and
from changing the data it is given. This module adds what a bootcamp's template (or one found
on the internet) could still do to the machine that renders it:

- read other files: the loader serves exactly the template files it was given, read once, so
  `{% include %}` of anything else is "template not found", and no link is followed further;
- run forever: every loop iteration and every call checks a wall-clock budget;
- fill the memory or the disk: `*`, `**`, `+`, `%`, `~`, the string methods and the filters that
  can multiply their input check the size of what they would make before making it; every
  value made is checked after; and the output is counted as it is produced.

The limits are generous for real templates (a plan of a thousand steps is far below them) and
are module settings (LIMITS), so tests can lower them.
"""

from __future__ import annotations

import functools
import re
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2
import jinja2.nodes
import jinja2.sandbox
import jinja2.visitor
from jinja2.utils import _PassArg

from .errors import RenderError

if TYPE_CHECKING:
    from jinja2.runtime import Context

__all__ = ["LIMITS", "LimitExceeded", "Limits", "limited_sandbox", "read_template"]


@dataclass
class Limits:
    """What one rendering of a user template may use."""

    seconds: float = 20.0  # wall clock per template file rendered
    output_chars: int = 50_000_000  # about 50 MB of output
    value_len: int = 10_000_000  # characters of one string, items of one list, made inside
    int_bits: int = 100_000  # about 30,000 digits
    template_bytes: int = 1_000_000  # size of one template file


LIMITS = Limits()


class LimitExceeded(Exception):
    """Raised inside a template that goes past a limit; render_template makes it a RenderError."""


def read_template(path: Path) -> str:
    """Return a template file's text; RenderError when it is not a small UTF-8 text file."""
    try:
        if not path.is_file():
            raise RenderError(f"{path}: not a regular file")
        with path.open("rb") as fh:
            data = fh.read(LIMITS.template_bytes + 1)
    except OSError as err:
        raise RenderError(f"{path}: cannot read: {err.strerror or err}") from err
    if len(data) > LIMITS.template_bytes:
        raise RenderError(f"{path}: a template may be at most {LIMITS.template_bytes:,} bytes")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise RenderError(
            f"{path}: line {line}: not UTF-8 text (byte {err.start + 1}); "
            "save the template as UTF-8"
        ) from err


class _NamedFiles(jinja2.BaseLoader):
    """Serve exactly the files named, each read once; any other name is not found."""

    def __init__(self, files: dict[str, Path]) -> None:
        self.files = files
        self.sources: dict[str, str] = {}

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        path = self.files.get(template)
        if path is None:
            raise jinja2.TemplateNotFound(template)
        if template not in self.sources:
            self.sources[template] = read_template(path)
        return self.sources[template], str(path), lambda: True


class _Meter(jinja2.visitor.NodeTransformer):
    """Rewrite a parsed template so that loops and `~` go through the budget checks."""

    def visit_For(self, node: jinja2.nodes.For) -> jinja2.nodes.Node:
        self.generic_visit(node)
        node.iter = jinja2.nodes.Filter(
            node.iter, "_pp_metered", [], [], None, None, lineno=node.lineno
        )
        return node

    def visit_Concat(self, node: jinja2.nodes.Concat) -> jinja2.nodes.Node:
        self.generic_visit(node)
        return jinja2.nodes.Filter(node, "_pp_sized", [], [], None, None, lineno=node.lineno)


_SIZED = (str, bytes, list, tuple, dict, set, frozenset)


def _size(value: object) -> int:
    return len(value) if isinstance(value, _SIZED) else 0


def _too_big(what: str) -> LimitExceeded:
    return LimitExceeded(f"{what} would exceed {LIMITS.value_len:,} characters or items")


def _check_total(total: int, what: str) -> None:
    if total > LIMITS.value_len:
        raise _too_big(what)


def _ints(values: Iterable[object]) -> Iterator[int]:
    for v in values:
        if isinstance(v, int):
            yield v
        elif isinstance(v, (tuple, list)):
            yield from (x for x in v if isinstance(x, int))
        elif isinstance(v, dict):
            yield from (x for x in v.values() if isinstance(x, int))


_PERCENT_SPEC = re.compile(r"%(?:\([^)]*\))?[#0\- +]*(\*|\d+)?(?:\.(\*|\d+))?")
_BRACE_SPEC = re.compile(r"\{[^{}]*(?:\{[^{}]*\}[^{}]*)*\}")


def _check_format(fmt: str, args: Iterable[object]) -> None:
    """Refuse a %- or {}-format whose widths or precisions (given or passed) are too large."""
    star = False
    for m in _PERCENT_SPEC.finditer(fmt):
        for part in m.groups():
            if part == "*":
                star = True
            elif part and int(part) > LIMITS.value_len:
                raise _too_big("a formatted field")
    for m in _BRACE_SPEC.finditer(fmt):
        spec = m.group()
        star = star or spec.count("{") > 1
        if any(int(d) > LIMITS.value_len for d in re.findall(r"\d+", spec)):
            raise _too_big("a formatted field")
    if star and any(abs(n) > LIMITS.value_len for n in _ints(args)):
        raise _too_big("a formatted field")


def _replaced(s: str, old: str, new: str) -> int:
    """Return the most characters s.replace(old, new) can make."""
    hits = len(s) + 1 if old == "" else s.count(old)
    return len(s) + hits * len(new)


def _joined(sep: str, items: list[Any]) -> int:
    return sum(len(x) if isinstance(x, str) else 20 for x in items) + len(sep) * len(items)


def _check_str_method(s: str, name: str, args: tuple[Any, ...]) -> None:
    """Check, before it runs, a string method that can make a string far longer than s."""
    if name in ("ljust", "rjust", "center", "zfill") and args and isinstance(args[0], int):
        _check_total(args[0], "a padded string")
    elif name == "expandtabs":
        tab = args[0] if args and isinstance(args[0], int) else 8
        _check_total(len(s) + s.count("\t") * tab, "a string")
    elif name == "replace" and len(args) >= 2:
        _check_total(_replaced(s, str(args[0]), str(args[1])), "a string")
    elif name == "join" and args and isinstance(args[0], (list, tuple)):
        _check_total(_joined(s, list(args[0])), "a joined string")
    elif name in ("format", "format_map"):
        _check_format(s, args)


def _filter_checks(name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    """Check a filter that can multiply its input, before it runs (args[0] is the value)."""
    value = args[0] if args else ""
    rest = args[1:]

    def arg(i: int, key: str, default: Any) -> Any:
        return rest[i] if len(rest) > i else kwargs.get(key, default)

    if name == "center":
        width = arg(0, "width", 80)
        if isinstance(width, int):
            _check_total(width, "a centred string")
    elif name == "indent":
        width = arg(0, "width", 4)
        pad = len(width) if isinstance(width, str) else width if isinstance(width, int) else 0
        text = str(value)
        _check_total(len(text) + (text.count("\n") + 1) * pad, "an indented string")
    elif name == "wordwrap":
        wrap = arg(2, "wrapstring", None) or "\n"
        _check_total(len(str(value)) * (1 + len(str(wrap))), "a wrapped string")
    elif name == "replace":
        old, new = arg(0, "old", ""), arg(1, "new", "")
        _check_total(_replaced(str(value), str(old), str(new)), "a string")
    elif name in ("batch", "slice"):
        count = arg(0, "linecount" if name == "batch" else "slices", 1)
        if isinstance(count, int):
            _check_total(count, "a batch")
    elif name == "format":
        _check_format(str(value), rest)
    elif name == "list" and _size(value):
        _check_total(len(value), "a list")
    elif name == "tojson":
        indent = arg(0, "indent", None)
        if isinstance(indent, (int, str)) and (
            (indent if isinstance(indent, int) else len(indent)) > 16
        ):
            raise LimitExceeded("tojson indent may be at most 16")


_CHECKED_FILTERS = ("center", "indent", "wordwrap", "replace", "batch", "slice", "format",
                    "list", "tojson", "join")  # fmt: skip


class _LimitedSandbox(jinja2.sandbox.ImmutableSandboxedEnvironment):
    """An immutable sandbox with a time budget and size checks on everything that can grow."""

    intercepted_binops = frozenset(["+", "*", "**", "%"])

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.deadline = float("inf")
        self.output_limit = LIMITS.output_chars
        self.filters["_pp_metered"] = self._metered
        self.filters["_pp_sized"] = self._sized
        for name in _CHECKED_FILTERS:
            self.filters[name] = self._guard(name, self.filters[name])
        lipsum: Callable[..., Any] = self.globals["lipsum"]  # type: ignore[assignment]

        def small_lipsum(n: int = 5, html: bool = True, min: int = 20, max: int = 100) -> Any:
            if n * max > LIMITS.value_len // 10:
                raise _too_big("lorem ipsum")
            return lipsum(n, html, min, max)

        self.globals["lipsum"] = small_lipsum

    def start(self) -> None:
        """Start the time budget of one rendering."""
        self.deadline = time.monotonic() + LIMITS.seconds

    def tick(self) -> None:
        if time.monotonic() > self.deadline:
            raise LimitExceeded(f"rendering took longer than {LIMITS.seconds:g} s")

    def _metered(self, iterable: Iterable[Any]) -> Iterator[Any]:
        for item in iterable:
            self.tick()
            yield item

    def _sized(self, value: Any) -> Any:
        if _size(value) > LIMITS.value_len:
            raise _too_big("a value")
        return value

    def _guard(self, name: str, func: Callable[..., Any]) -> Callable[..., Any]:
        skip = 0 if _PassArg.from_obj(func) is None else 1  # the context or environment first

        @functools.wraps(func)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            self.tick()
            if name == "join" and len(args) > skip:
                items = list(args[skip])  # join may be given a generator: look at it once
                args = (*args[:skip], items, *args[skip + 1 :])
                sep = args[skip + 1] if len(args) > skip + 1 else kwargs.get("d", "")
                _check_total(_joined(str(sep), items), "a joined string")
            else:
                _filter_checks(name, args[skip:], kwargs)
            return self._sized(func(*args, **kwargs))

        return guarded

    def _parse(self, source: str, name: str | None, filename: str | None) -> jinja2.nodes.Template:
        tree = super()._parse(source, name, filename)
        result = _Meter().visit(tree)
        assert isinstance(result, jinja2.nodes.Template)
        return result

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        self.tick()
        if operator == "*":
            seq, n = (left, right) if isinstance(right, int) else (right, left)
            if isinstance(n, int) and _size(seq) and not isinstance(seq, (dict, set, frozenset)):
                _check_total(_size(seq) * max(n, 0), "a repeated string or list")
        elif operator == "+" and _size(left) and _size(right):
            _check_total(_size(left) + _size(right), "a string or list")
        elif operator == "**" and isinstance(left, int) and isinstance(right, int):
            if abs(left) > 1 and right > 0 and abs(left).bit_length() * right > LIMITS.int_bits:
                raise LimitExceeded(f"a number would exceed {LIMITS.int_bits:,} bits")
        elif operator == "%" and isinstance(left, str):
            _check_format(left, [right])
        return self._sized(super().call_binop(context, operator, left, right))

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        """Check the widths of a str.format call (Jinja 3.1.5+ wraps it here) before it runs."""
        wrapped = super().wrap_str_format(value)
        if wrapped is None:
            return None
        fmt = str(value.__self__)

        def checked(*args: Any, **kwargs: Any) -> str:
            _check_format(fmt, [*args, kwargs])
            return wrapped(*args, **kwargs)

        return checked

    def call(
        __self,
        __context: Context,
        __obj: Any,
        *args: Any,
        **kwargs: Any,
    ) -> Any:
        __self.tick()
        owner = getattr(__obj, "__self__", None)
        if isinstance(owner, str):
            _check_str_method(owner, getattr(__obj, "__name__", ""), args)
            if kwargs and getattr(__obj, "__name__", "") in ("format", "format_map"):
                _check_format(owner, [kwargs])
        return __self._sized(super().call(__context, __obj, *args, **kwargs))


def limited_sandbox(files: dict[str, Path], **options: Any) -> jinja2.Environment:
    """Return a limited sandbox environment that can load exactly the given template files."""
    return _LimitedSandbox(loader=_NamedFiles(files), **options)
