"""Where workflow code asked for something: the source lines that errors and reports name."""

from __future__ import annotations

import asyncio
import concurrent.futures
import os
import sys
import threading
from typing import Any

__all__ = ["coroutine_location", "is_library", "source_location"]

_FLOW_DIR = os.path.dirname(os.path.abspath(__file__))
_ASYNCIO_DIR = os.path.dirname(os.path.abspath(asyncio.__file__))
_LIBRARY = (
    _FLOW_DIR,
    _ASYNCIO_DIR,
    os.path.dirname(os.path.abspath(concurrent.futures.__file__)),
    os.path.abspath(threading.__file__),
)


def is_library(path: str) -> bool:
    """Whether a source file is aioswf.flow's or the standard library's asyncio and threads."""
    return path.startswith(_LIBRARY)


def coroutine_location(coro: Any) -> str | None:
    """The innermost frame outside the library in a coroutine's chain of awaits: ``file:line in function``."""
    found = None
    while coro is not None:
        frame = getattr(coro, "cr_frame", None) or getattr(coro, "gi_frame", None)
        if frame is not None and not frame.f_code.co_filename.startswith(_LIBRARY):
            found = f"{frame.f_code.co_filename}:{frame.f_lineno} in {frame.f_code.co_name}"
        coro = getattr(coro, "cr_await", None) or getattr(coro, "gi_yieldfrom", None)
    return found


def source_location(skip: int = 1) -> str | None:
    """Where workflow code asked for something: ``file:line in function``.

    The innermost frame of the caller's stack outside aioswf.flow and the standard library's asyncio and
    threads; for a task whose stack holds none (``asyncio.sleep`` passed to ``gather``), the innermost
    such frame of the current task's awaits.
    """
    frame = sys._getframe(skip)
    while frame is not None:
        code = frame.f_code
        if code.co_name == "run_until_quiescent" and code.co_filename.startswith(_FLOW_DIR):
            break  # what lies beyond the workflow loop's step is not workflow code
        if not code.co_filename.startswith(_LIBRARY):
            return f"{code.co_filename}:{frame.f_lineno} in {code.co_name}"
        frame = frame.f_back  # type: ignore[assignment]
    task = asyncio.current_task()
    return coroutine_location(task.get_coro()) if task is not None else None
