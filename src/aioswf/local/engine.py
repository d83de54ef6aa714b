"""The local SWF engine: state, indexes, the deadline scheduler and operation dispatch.

The engine is single-threaded by design: it lives on one asyncio loop and every operation except the
long polls runs to completion without awaiting, so the state never needs a lock and a task can never
be handed to two pollers.
"""

from __future__ import annotations

import asyncio
import heapq
import inspect
import itertools
import logging
import secrets
import threading
import time
from collections.abc import Awaitable, Callable
from typing import Any

from aioswf.local.clock import AutoJumpClock, Clock, RealClock
from aioswf.local.faults import DomainDeprecatedFault, UnknownOperationException, UnknownResourceFault
from aioswf.local.queues import TaskQueue
from aioswf.local.records import Deadline, DomainRecord, ExecutionRecord
from aioswf.local.shapes import service_model, validate_input

__all__ = ["Engine", "LambdaFunction"]

Json = dict[str, Any]
Handler = Callable[["Engine", Json], "Json | Awaitable[Json]"]
LambdaFunction = Callable[[str | None], "str | Awaitable[str | None] | None"]
"""A Python stand-in for a Lambda function: takes the input string, returns the result string."""

log = logging.getLogger("aioswf.local")
_POLLER_RETURNS = 5.0
"""Seconds within which a poller that took a task is expected to poll its task list again."""


class Engine:
    """All of the local server's state, and the operations on it.

    Args:
        clock: Where time comes from (default :class:`~aioswf.local.clock.RealClock`).
        poll_wait: How long, in real seconds, a long poll waits for a task.
        region: The region used in domain ARNs.
        account_id: The account used in domain ARNs.
        lambda_functions: Python callables that stand in for Lambda functions, by name.
    """

    def __init__(
        self,
        *,
        clock: Clock | None = None,
        poll_wait: float = 60.0,
        region: str = "us-east-1",
        account_id: str = "123456789012",
        lambda_functions: dict[str, LambdaFunction] | None = None,
    ) -> None:
        self.clock = clock if clock is not None else RealClock()
        self.poll_wait = poll_wait
        self.region = region
        self.account_id = account_id
        self.lambda_functions = dict(lambda_functions or {})
        self.domains: dict[str, DomainRecord] = {}
        self.tokens: dict[str, tuple[str, ExecutionRecord, Any]] = {}
        self.decision_queues: dict[tuple[str, str], TaskQueue] = {}
        self.activity_queues: dict[tuple[str, str], TaskQueue] = {}
        self._heap: list[tuple[float, int, Deadline]] = []
        self._order = itertools.count()
        self._live_deadlines = 0
        self._wakeup: asyncio.Event | None = None
        self._scheduler: asyncio.Task[None] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._loop_thread: int | None = None
        self._busy = 0
        self._last_activity = time.monotonic()
        self._handlers: dict[str, Handler] = _handlers()
        self._waiting = {
            name for name, handler in self._handlers.items() if inspect.iscoroutinefunction(handler)
        }

    # -- lifecycle -------------------------------------------------------------------------------

    async def start(self) -> None:
        """Start the deadline scheduler on the running loop."""
        self._loop = asyncio.get_running_loop()
        self._loop_thread = threading.get_ident()
        self._wakeup = asyncio.Event()
        self.clock._attach(self._clock_moved)
        self._scheduler = asyncio.create_task(self._run_scheduler(), name="aioswf-local-scheduler")

    def reset(self) -> None:
        """Forget everything: domains, types, executions, queued tasks, tokens and deadlines.

        Waiting long polls are answered empty; running Lambda stand-ins are cancelled.
        """
        self.release_polls()
        for domain in self.domains.values():
            for execution in domain.open_executions.values():
                for record in execution.lambdas.values():
                    if record.task is not None:
                        record.task.cancel()
        self.domains.clear()
        self.tokens.clear()
        self.decision_queues.clear()
        self.activity_queues.clear()
        for _, _, deadline in self._heap:
            deadline.cancelled = True
        self._heap.clear()
        self._live_deadlines = 0

    def release_polls(self) -> None:
        """Answer every waiting long poll with an empty task (used when the server stops)."""
        for queue in (*self.decision_queues.values(), *self.activity_queues.values()):
            queue.release()

    async def stop(self) -> None:
        """Stop the scheduler and cancel running Lambda stand-ins."""
        self.clock._detach(self._clock_moved)
        if self._scheduler is not None:
            self._scheduler.cancel()
            try:
                await self._scheduler
            except asyncio.CancelledError:
                pass
            self._scheduler = None
        running = [
            record.task
            for domain in self.domains.values()
            for execution in domain.open_executions.values()
            for record in execution.lambdas.values()
            if record.task is not None and not record.task.done()
        ]
        for task in running:
            task.cancel()
        await asyncio.gather(*running, return_exceptions=True)

    # -- time and deadlines ----------------------------------------------------------------------

    def now(self) -> float:
        """Return the clock's current time, rounded to milliseconds as SWF's timestamps are."""
        return round(self.clock.now(), 3)

    def at(self, when: float, action: Callable[[], None]) -> Deadline:
        """Run ``action`` (synchronously, on the loop) once the clock reaches ``when``."""
        deadline = Deadline(when, action)
        if self._heap and len(self._heap) > 256 and self._live_deadlines < len(self._heap) // 4:
            self._heap = [entry for entry in self._heap if not entry[2].cancelled]
            heapq.heapify(self._heap)
        earliest = self._heap[0][0] if self._heap else None
        heapq.heappush(self._heap, (when, next(self._order), deadline))
        self._live_deadlines += 1
        if (earliest is None or when < earliest) and self._wakeup is not None:
            self._wakeup.set()
        return deadline

    def after(self, seconds: str | None, action: Callable[[], None]) -> Deadline | None:
        """Schedule ``action`` after an SWF duration string (``"NONE"`` or None: never)."""
        if seconds is None or seconds == "NONE":
            return None
        return self.at(self.clock.now() + int(seconds), action)

    def cancel(self, deadline: Deadline | None) -> None:
        """Cancel a deadline (idempotent)."""
        if deadline is not None and not deadline.cancelled:
            deadline.cancelled = True
            # The entry stays in the heap until it is popped or compacted; its closure need not.
            deadline.action = None
            self._live_deadlines -= 1

    def fire_due(self) -> None:
        """Run every deadline that is due on the clock."""
        now = self.clock.now()
        while self._heap and self._heap[0][0] <= now:
            deadline = heapq.heappop(self._heap)[2]
            if deadline.cancelled:
                continue
            deadline.cancelled = True
            self._live_deadlines -= 1
            try:
                deadline.action()
            except Exception:  # one broken deadline must not stop every later timeout
                log.exception("a deadline of the local SWF server failed")
            now = self.clock.now()

    def next_deadline(self) -> float | None:
        """Return the time of the earliest live deadline, if any."""
        while self._heap and self._heap[0][2].cancelled:
            heapq.heappop(self._heap)
        return self._heap[0][0] if self._heap else None

    def _clock_moved(self) -> None:
        if self._loop is None:
            return
        if threading.get_ident() == self._loop_thread:
            self.fire_due()
            if self._wakeup is not None:
                self._wakeup.set()
        else:
            self._loop.call_soon_threadsafe(self._clock_moved)

    def _idle(self) -> bool:
        """Tell whether an :class:`AutoJumpClock` may skip ahead.

        Idle means: no request being served but waiting long polls, no task out with a worker, nothing
        received for the clock's threshold, and no queued task on a task list that was polled in the last
        few seconds (its poller is about to come back for it).
        """
        threshold = self.clock.threshold if isinstance(self.clock, AutoJumpClock) else 0.0
        now = time.monotonic()
        if self._busy or self.tokens or now - self._last_activity < threshold:
            return False
        recent = now - _POLLER_RETURNS
        for queues in (self.decision_queues, self.activity_queues):
            for queue in queues.values():
                if queue.size and queue.last_polled > recent:
                    return False
        return True

    async def _run_scheduler(self) -> None:
        assert self._wakeup is not None
        while True:
            self.fire_due()
            self._wakeup.clear()
            await self.clock.wait_until(self.next_deadline(), self._wakeup, self._idle)

    # -- indexes ---------------------------------------------------------------------------------

    def domain(self, name: str, *, registered: bool = False) -> DomainRecord:
        """Return a domain by name.

        Raises:
            UnknownResourceFault: If there is no such domain.
            DomainDeprecatedFault: If ``registered`` and the domain is deprecated.
        """
        domain = self.domains.get(name)
        if domain is None:
            raise UnknownResourceFault(f"Unknown domain: {name}")
        if registered and domain.status != "REGISTERED":
            raise DomainDeprecatedFault(f"Domain is deprecated: {name}")
        return domain

    def decision_queue(self, domain: str, task_list: str) -> TaskQueue:
        """Return (creating it) the decision queue of a task list."""
        key = (domain, task_list)
        queue = self.decision_queues.get(key)
        if queue is None:
            queue = self.decision_queues[key] = TaskQueue()
        return queue

    def activity_queue(self, domain: str, task_list: str) -> TaskQueue:
        """Return (creating it) the activity queue of a task list."""
        key = (domain, task_list)
        queue = self.activity_queues.get(key)
        if queue is None:
            queue = self.activity_queues[key] = TaskQueue()
        return queue

    def new_token(self, kind: str, execution: ExecutionRecord, record: Any) -> str:
        """Issue a task token for a started task."""
        token = secrets.token_urlsafe(32)
        self.tokens[token] = (kind, execution, record)
        return token

    def drop_token(self, token: str | None) -> None:
        """Invalidate a task token (idempotent)."""
        if token is not None:
            self.tokens.pop(token, None)

    def task(self, token: str, kind: str) -> tuple[ExecutionRecord, Any]:
        """Return the execution and record of a started task.

        Raises:
            UnknownResourceFault: If the token is unknown, closed, or of the other kind.
        """
        found = self.tokens.get(token)
        if found is None or found[0] != kind:
            raise UnknownResourceFault(f"Unknown {kind} task token: {token[:8]}...")
        return found[1], found[2]

    # -- dispatch --------------------------------------------------------------------------------

    @property
    def operations(self) -> list[str]:
        """The names of the operations this engine serves."""
        return sorted(self._handlers)

    def waits(self, operation: str) -> bool:
        """Tell whether ``operation`` may wait (the long polls) and must be awaited with :meth:`call`."""
        return operation in self._waiting

    def call_now(self, operation: str, params: Json) -> Json:
        """Run one SWF operation that never waits (see :meth:`waits`).

        Raises:
            SWFFault: The SWF fault to send back.
        """
        handler = self._handlers.get(operation)
        if handler is None:
            raise UnknownOperationException(f"Unknown operation: {operation}")
        if operation in self._waiting:
            raise RuntimeError(f"{operation} waits: await Engine.call() instead")
        validate_input(operation, params)
        self._last_activity = time.monotonic()
        result = handler(self, params)
        assert isinstance(result, dict)
        return result

    async def call(self, operation: str, params: Json) -> Json:
        """Run one SWF operation.

        Args:
            operation: The operation name, e.g. ``"StartWorkflowExecution"``.
            params: The decoded JSON request.

        Returns:
            The JSON-ready response.

        Raises:
            SWFFault: The SWF fault to send back.
        """
        handler = self._handlers.get(operation)
        if handler is None:
            raise UnknownOperationException(f"Unknown operation: {operation}")
        validate_input(operation, params)
        self._last_activity = time.monotonic()
        if inspect.iscoroutinefunction(handler):
            pending = handler(self, params)
            assert inspect.isawaitable(pending)
            try:
                answer: Json = await pending
                return answer
            finally:
                self._last_activity = time.monotonic()
        self._busy += 1
        try:
            result = handler(self, params)
            assert isinstance(result, dict)
            return result
        finally:
            self._busy -= 1

    # -- read-only queries (the web console) -----------------------------------------------------

    def history_events(self, domain: str, workflow_id: str, run_id: str, *, after: int = 0) -> list[Json]:
        """Return the events of one run (open, or closed and retained) whose id is above ``after``.

        ``GetWorkflowExecutionHistory`` pages at most 1,000 events and decodes a closed history again for
        every page; this reads the whole tail at once. Nothing is decoded when nothing is new.

        Raises:
            UnknownResourceFault: If the domain holds no such run.
        """
        execution = self.domain(domain).runs.get((workflow_id, run_id))
        if execution is None:
            raise UnknownResourceFault(
                f"Unknown execution: WorkflowExecution=[workflowId={workflow_id}, runId={run_id}]"
            )
        if after >= len(execution.events):
            return []
        return list(execution.events[max(after, 0) :])


def _handlers() -> dict[str, Handler]:
    from aioswf.local import listing, registry, task_ops, workflow_ops

    handlers: dict[str, Handler] = {}
    for module in (registry, workflow_ops, task_ops, listing):
        handlers.update(module.HANDLERS)
    missing = set(service_model().operation_names) - set(handlers)
    assert not missing, f"operations without a handler: {sorted(missing)}"
    return handlers
