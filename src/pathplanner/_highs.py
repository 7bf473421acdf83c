"""A silent HiGHS instance: newer highspy releases print a banner to stdout when constructed.

The banner is written by C++ code straight to file descriptor 1, before any option can be set,
so Python-level redirection cannot catch it. The descriptor is pointed at the null device for
the duration of the constructor only, under a lock (constructing one takes about 0.05 ms).
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
from typing import Any

_lock = threading.Lock()


def _construct() -> Any:
    import highspy

    with _lock:
        # a closed or broken stdout: nothing buffered can be lost by not flushing
        with contextlib.suppress(OSError, ValueError):
            sys.stdout.flush()
        try:
            saved = os.dup(1)
        except OSError:  # no descriptor 1 at all: the banner has nowhere to go
            h = highspy.Highs()  # type: ignore[no-untyped-call]
        else:
            null = os.open(os.devnull, os.O_WRONLY)
            try:
                os.dup2(null, 1)
                h = highspy.Highs()  # type: ignore[no-untyped-call]
            finally:
                os.dup2(saved, 1)
                os.close(saved)
                os.close(null)
    h.setOptionValue("output_flag", False)
    return h


def highs() -> Any:
    """Return a new HiGHS instance that prints nothing, single-threaded with a fixed seed."""
    h = _construct()
    h.setOptionValue("threads", 1)
    h.setOptionValue("random_seed", 0)
    return h
