"""A silent HiGHS instance: newer highspy releases print a banner to stdout when constructed.

The banner is written by C++ code straight to file descriptor 1, before any option can be set,
so Python-level redirection cannot catch it. The descriptor is pointed at the null device for
the duration of the constructor only, under a lock, and each thread keeps one instance.
"""

from __future__ import annotations

import os
import sys
import threading
from typing import Any

_lock = threading.Lock()
_local = threading.local()


def _construct() -> Any:
    import highspy

    with _lock:
        try:
            sys.stdout.flush()
        except (OSError, ValueError):
            pass  # a closed or broken stdout: nothing buffered can be lost by not flushing
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
    """Return this thread's HiGHS instance, emptied of any earlier model, printing nothing."""
    h = getattr(_local, "h", None)
    if h is None:
        h = _construct()
        _local.h = h
    else:
        h.clearModel()
    h.resetOptions()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("threads", 1)
    h.setOptionValue("random_seed", 0)
    return h
