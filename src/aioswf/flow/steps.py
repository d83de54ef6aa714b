"""Running workflow code off the worker's event loop, and noticing when it does not give control back.

A step of workflow code (one activation: a replay and the open round) runs in a thread of the worker's
own pool, never on the worker's event loop: a workflow that computes for a second, or blocks on
``time.sleep``, then delays no poll, heartbeat or other workflow. The pool is a queue and a few daemon
threads written here rather than a `concurrent.futures.ThreadPoolExecutor` behind ``run_in_executor``:
the executor's threads are joined when the interpreter exits, so one step stuck for good would keep the
process alive past any stop, as the actors' daemon threads (`aioswf.actors.handlers.call_handler`) do not.
It also skips the executor's concurrent future, chained asyncio future and per-wait waiter;
`benchmarks/flow_decide.py` measures this hand-over against ``run_in_executor`` + ``asyncio.wait`` in
each run, and the two have come out within each other's noise (99 against 125 us on a quiet machine,
281 against 248 us on a loaded one). The deadline costs one timer on the worker's loop per step,
re-armed only while the step runs.

A round that runs longer than ``deadline`` seconds is reported with the stack of the workflow code where
it is stuck, and the activation fails with `StepDeadlineError`. Python cannot stop a thread: the stuck
step keeps its thread until it returns, and its outcome is then ignored.
"""

from __future__ import annotations

import asyncio
import logging
import queue
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


class _Job:
    """One function for a step thread, and how its outcome gets back to the worker's loop."""

    __slots__ = ("error", "function", "future", "result", "thread_id", "timer")

    def __init__(self, function: Callable[[], Any], future: asyncio.Future[Any] | None) -> None:
        self.function = function
        self.future = future
        self.thread_id = 0
        self.result: Any = None
        self.error: BaseException | None = None
        self.timer: asyncio.TimerHandle | None = None


class StepRunner:
    """A pool of threads for workflow steps, with a deadline per round.

    Its methods are called from the worker's event loop; its threads hand outcomes back to that loop
    with ``call_soon_threadsafe``.

    Args:
        threads: How many steps may run at once.
        deadline: Seconds a round of workflow code may run (``None``: no limit).
    """

    def __init__(self, *, threads: int, deadline: float | None) -> None:
        self.deadline = deadline
        self._max_threads = threads
        self._threads: list[threading.Thread] = []
        self._queue: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._busy = 0  # jobs handed over and not yet back on the loop (stuck ones included)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._closed = False

    async def run(self, instance: WorkflowInstance, function: Callable[[], _T]) -> _T:
        """Runs ``function()`` (a step of ``instance``) in the pool and returns its result.

        Raises:
            StepDeadlineError: When a round of the step ran past the deadline (reported in the log).
            RuntimeError: When the runner is closed.
            Exception: What the function raised.
        """
        loop = asyncio.get_running_loop()
        future: asyncio.Future[_T] = loop.create_future()
        job = _Job(function, future)
        self._hand_over(job, loop)
        if self.deadline is None:
            return await future
        check = min(max(self.deadline / 4, 0.01), 0.5)
        job.timer = loop.call_later(check, self._check, job, instance, check)
        try:
            return await future
        finally:
            job.timer.cancel()  # the last one armed: _check re-arms it while the step runs

    def submit(self, function: Callable[[], object]) -> None:
        """Runs ``function()`` in the pool, without waiting (eviction of cached runs)."""
        if self._closed:
            return
        self._hand_over(_Job(function, None), asyncio.get_running_loop())

    def close(self) -> None:
        """Lets the pool go; steps still running finish in their threads, queued ones are dropped."""
        if self._closed:
            return
        self._closed = True
        while True:
            try:
                job = self._queue.get_nowait()
            except queue.Empty:
                break
            if job is not None and job.future is not None:
                job.future.cancel()
        for _ in self._threads:
            self._queue.put(None)

    def _hand_over(self, job: _Job, loop: asyncio.AbstractEventLoop) -> None:
        if self._closed:
            raise RuntimeError("the worker's step runner is closed")
        self._loop = loop
        self._busy += 1
        if self._busy > len(self._threads) and len(self._threads) < self._max_threads:
            # A daemon thread: a step stuck for good must not keep the process from exiting.
            thread = threading.Thread(
                target=self._work, name=f"aioswf-flow_{len(self._threads)}", daemon=True
            )
            thread.start()
            self._threads.append(thread)
        self._queue.put(job)

    def _work(self) -> None:
        while True:
            job = self._queue.get()
            if job is None:
                return
            job.thread_id = threading.get_ident()
            try:
                job.result = job.function()
            except BaseException as error:  # raised where the step is awaited, as run_in_executor does
                job.error = error
            loop = self._loop
            if loop is None:  # pragma: no cover - set before any job is queued
                continue
            try:
                loop.call_soon_threadsafe(self._finished, job)
            except RuntimeError:  # the worker's loop closed meanwhile: nobody waits for the outcome
                pass

    def _finished(self, job: _Job) -> None:
        self._busy -= 1
        future = job.future
        if future is None or future.done():  # an eviction, or a step abandoned past its deadline
            if job.error is not None:
                logger.debug("an abandoned workflow step ended with %r", job.error)
            return
        if isinstance(job.error, StopIteration):  # a future cannot hold one
            future.set_exception(RuntimeError(f"a workflow step raised {job.error!r}"))
        elif job.error is not None:
            future.set_exception(job.error)
        else:
            future.set_result(job.result)

    def _check(self, job: _Job, instance: WorkflowInstance, check: float) -> None:
        future = job.future
        if future is None or future.done() or self.deadline is None:
            return
        started = instance.round_started
        if started is None or time.monotonic() - started <= self.deadline:
            job.timer = future.get_loop().call_later(check, self._check, job, instance, check)
            return
        location, stack = stuck_at(job.thread_id)
        logger.error(
            "%s: a step of workflow code has run for more than %g s without giving back control "
            "(blocking calls, or a loop without await?); it is stuck at %s:\n%s",
            instance.describe(),
            self.deadline,
            location or "(unknown)",
            stack,
        )
        future.set_exception(
            StepDeadlineError(
                f"a step of workflow code ran for more than {self.deadline:g} s; stuck at {location or '(unknown)'}",
                location=location,
            )
        )
