"""Running workflow code off the worker's event loop, and noticing when it does not give control back.

A step of workflow code (one activation: a replay and the open round) runs in a thread of the worker's
own pool, never on the worker's event loop: a workflow that computes for a second, or blocks on
``time.sleep``, then delays no poll, heartbeat or other workflow. The hand-over costs tens of
microseconds per decision (`benchmarks/flow_decide.py` measures it against running inline), small
beside the ~1 ms of client CPU that one SWF call takes.

A round that runs longer than ``deadline`` seconds is reported with the stack of the workflow code where
it is stuck, and the activation fails with `StepDeadlineError`. Python cannot stop a thread: the stuck
step keeps its thread until it returns, and its outcome is then ignored.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import sys
import threading
import time
import traceback
from collections.abc import Callable
from typing import Any, TypeVar

from aioswf.flow.errors import StepDeadlineError
from aioswf.flow.locations import is_library
from aioswf.flow.replay import WorkflowInstance

__all__ = ["StepRunner", "stuck_at"]

logger = logging.getLogger("aioswf.flow")

_T = TypeVar("_T")


def stuck_at(thread_id: int) -> tuple[str | None, str]:
    """Where a thread is: its innermost frame outside aioswf and the standard library, and its stack.

    Args:
        thread_id: The thread's ident.

    Returns:
        ``(file:line in function, the stack as text)``; ``(None, "")`` when the thread is gone.
    """
    frame = sys._current_frames().get(thread_id)
    if frame is None:
        return None, ""
    stack = traceback.extract_stack(frame)
    user = [entry for entry in stack if not is_library(entry.filename)]
    location = f"{user[-1].filename}:{user[-1].lineno} in {user[-1].name}" if user else None
    return location, "".join(traceback.format_list(user or stack))


class StepRunner:
    """A pool of threads for workflow steps, with a deadline per round.

    Args:
        threads: How many steps may run at once.
        deadline: Seconds a round of workflow code may run (``None``: no limit).
    """

    def __init__(self, *, threads: int, deadline: float | None) -> None:
        self.deadline = deadline
        self._pool = concurrent.futures.ThreadPoolExecutor(
            max_workers=threads, thread_name_prefix="aioswf-flow"
        )
        self._closed = False

    async def run(self, instance: WorkflowInstance, function: Callable[[], _T]) -> _T:
        """Runs ``function()`` (a step of ``instance``) in the pool and returns its result.

        Raises:
            StepDeadlineError: When a round of the step ran past the deadline (reported in the log).
            Exception: What the function raised.
        """
        thread: dict[str, int] = {}

        def call() -> _T:
            thread["id"] = threading.get_ident()
            return function()

        future = asyncio.get_running_loop().run_in_executor(self._pool, call)
        if self.deadline is None:
            return await future
        check = min(max(self.deadline / 4, 0.01), 0.5)
        while True:
            done, _ = await asyncio.wait({future}, timeout=check)
            if done:
                return future.result()
            started = instance.round_started
            if started is None or time.monotonic() - started <= self.deadline:
                continue
            location, stack = stuck_at(thread.get("id", 0))
            future.add_done_callback(_ignore)
            logger.error(
                "%s: a step of workflow code has run for more than %g s without giving back control "
                "(blocking calls, or a loop without await?); it is stuck at %s:\n%s",
                instance.describe(),
                self.deadline,
                location or "(unknown)",
                stack,
            )
            raise StepDeadlineError(
                f"a step of workflow code ran for more than {self.deadline:g} s; stuck at {location or '(unknown)'}",
                location=location,
            )

    def submit(self, function: Callable[[], object]) -> None:
        """Runs ``function()`` in the pool, without waiting (eviction of cached runs)."""
        if self._closed:
            return
        try:
            self._pool.submit(function).add_done_callback(_ignore)
        except RuntimeError:  # the pool shut down meanwhile
            pass

    def close(self) -> None:
        """Lets the pool go; steps still running finish in their threads, queued ones are dropped."""
        self._closed = True
        self._pool.shutdown(wait=False, cancel_futures=True)


def _ignore(future: concurrent.futures.Future[Any] | asyncio.Future[Any]) -> None:
    if not future.cancelled() and future.exception() is not None:
        logger.debug("an abandoned workflow step ended with %r", future.exception())
