"""The local SWF server's state: records, indexes, task tokens and the deadline scheduler.

This is the bottom of the engine: the operation modules (``registry``, ``workflow_ops``, ``task_ops``,
``listing`` and what they build on) read and change a :class:`State`, and :class:`~aioswf.local.engine.Engine`
puts SWF's dispatch table on top of both. Nothing here knows about operations or HTTP.

With a :class:`~aioswf.local.store.Store` under it (a data directory), the state is durable: the
operations tell it which records they change (:meth:`State.changed_run`, :meth:`State.changed_domain`,
:meth:`State.changed_type`; ``add_event`` does it for every event), at the end of each step the state
hands those records to the store as one batch (:meth:`State.flush`), and :meth:`State.durable` waits
until everything changed so far is committed. Without a store these calls cost an attribute test.

The state is single-threaded by design: it lives on one asyncio loop and every operation except the
long polls runs to completion without awaiting, so it never needs a lock and a task can never be handed
to two pollers.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import heapq
import itertools
import json
import logging
import secrets
import threading
import time
from collections.abc import Awaitable, Callable
from typing import Any

from aioswf.local.clock import AutoJumpClock, Clock, RealClock
from aioswf.local.faults import DomainDeprecatedFault, UnknownResourceFault
from aioswf.local.queues import QueuedTask, TaskQueue
from aioswf.local.records import Deadline, DomainRecord, ExecutionRecord
from aioswf.local.store import Changes, Restored, Store, TypeKey

__all__ = ["LambdaFunction", "State"]

Json = dict[str, Any]
LambdaFunction = Callable[[str | None], "str | Awaitable[str | None] | None"]
"""A Python stand-in for a Lambda function: takes the input string, returns the result string."""

log = logging.getLogger("aioswf.local")
_POLLER_RETURNS = 5.0
"""Seconds within which a poller that took a task is expected to poll its task list again."""
MAX_TOKEN_LENGTH = 1024
"""The model's maximum length of a task token."""
_Heap = list[tuple[float, int, Deadline]]


class State:
    """All of the local server's state, and the deadlines that change it.

    Args:
        clock: Where time comes from (default :class:`~aioswf.local.clock.RealClock`).
        poll_wait: How long, in real seconds, a long poll waits for a task.
        region: The region used in domain ARNs.
        account_id: The account used in domain ARNs.
        lambda_functions: Python callables that stand in for Lambda functions, by name.
        store: Where to keep the state durably (default: nowhere, in memory only). It is opened, and the
            state read back from it, by :meth:`start`.
    """

    def __init__(
        self,
        *,
        clock: Clock | None = None,
        poll_wait: float = 60.0,
        region: str = "us-east-1",
        account_id: str = "123456789012",
        lambda_functions: dict[str, LambdaFunction] | None = None,
        store: Store | None = None,
    ) -> None:
        self.clock = clock if clock is not None else RealClock()
        self.store = store
        self.poll_wait = poll_wait
        self.region = region
        self.account_id = account_id
        self.lambda_functions = dict(lambda_functions or {})
        self.domains: dict[str, DomainRecord] = {}
        #: Every execution still known (open, or closed and retained), by run id (run ids are unique).
        self.runs: dict[str, ExecutionRecord] = {}
        self.tokens: dict[str, tuple[str, ExecutionRecord, Any]] = {}
        self.decision_queues: dict[tuple[str, str], TaskQueue] = {}
        self.activity_queues: dict[tuple[str, str], TaskQueue] = {}
        # Two heaps: deadlines somebody waits for (timers, timeouts) may make an AutoJumpClock jump;
        # passive ones (retention) only fire once the clock gets there for another reason.
        self._heap: _Heap = []
        self._passive: _Heap = []
        self._order = itertools.count()
        self._live_deadlines = 0
        self._wakeup: asyncio.Event | None = None
        self._scheduler: asyncio.Task[None] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._loop_thread: int | None = None
        self._busy = 0
        self._last_activity = time.monotonic()
        self._sequence = itertools.count(1)
        self._changed_runs: set[str] = set()
        self._changed_domains: set[str] = set()
        self._changed_types: set[TypeKey] = set()
        self._wiped = False
        self._flush_soon: asyncio.Handle | None = None
        self._flushed: asyncio.Future[None] | None = None

    # -- lifecycle -------------------------------------------------------------------------------

    async def start(self) -> None:
        """Start the deadline scheduler on the running loop; with a store, read the state back first.

        Raises:
            DataDirError: If the store's data directory cannot be used (see :mod:`aioswf.local.store`).
        """
        self._loop = asyncio.get_running_loop()
        self._loop_thread = threading.get_ident()
        if self.store is not None:
            restored = await asyncio.to_thread(self.store.open)
            try:
                self._adopt(restored)
                self.store.start(self._loop)
                self._rearm()
                # What fell due while the server was down fires now, before any request sees the state.
                self.fire_due()
            except BaseException:
                await self.store.close()
                raise
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
        self.runs.clear()
        self.tokens.clear()
        self.decision_queues.clear()
        self.activity_queues.clear()
        for heap in (self._heap, self._passive):
            for _, _, deadline in heap:
                deadline.cancelled = True
            heap.clear()
        self._live_deadlines = 0
        if self.store is not None:
            self._changed_runs.clear()
            self._changed_domains.clear()
            self._changed_types.clear()
            self._wiped = True
            self._flush_later()

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
        if self.store is not None:
            self.flush()
            await self.store.close()

    def _adopt(self, restored: Restored) -> None:
        """Take the state read back from the store: records, indexes, tokens, queues, the clock."""
        self.domains = restored.domains
        self.runs = restored.runs
        self._sequence = itertools.count(restored.next_order)
        for execution in self.runs.values():
            if execution.status != "OPEN":
                continue
            decision = execution.decision
            if decision is not None and decision.token is not None:
                self.tokens[decision.token] = ("decision", execution, decision)
            for activity in execution.activities.values():
                if activity.token is not None:
                    self.tokens[activity.token] = ("activity", execution, activity)
        for task in restored.queued:
            execution, record = task.execution, task.record
            if task.kind == "decision":
                queue = self.decision_queue(execution.domain.name, record.task_list)
                priority = int(execution.task_priority or 0)
            else:
                queue = self.activity_queue(execution.domain.name, record.task_list)
                priority = record.priority  # type: ignore[union-attr]
            record.queued = QueuedTask(execution, record, priority=priority)
            queue.push(record.queued)
        if restored.clock is not None:
            self.clock._resume(restored.clock)

    def _rearm(self) -> None:
        """Give restored records their deadlines back (they come back as times without actions).

        The state does not know what a deadline does: :class:`~aioswf.local.engine.Engine`, which sits
        above the operations, overrides this.
        """

    # -- durability ------------------------------------------------------------------------------

    def next_order(self) -> int:
        """Return the next number of the sequence that orders starts and closes within a millisecond."""
        return next(self._sequence)

    def changed_run(self, run_id: str) -> None:
        """Note that a run changed (or is gone): the store writes it at the end of this step."""
        if self.store is not None:
            self._changed_runs.add(run_id)
            self._flush_later()

    def changed_domain(self, name: str) -> None:
        """Note that a domain's own settings (status, tags) changed."""
        if self.store is not None:
            self._changed_domains.add(name)
            self._flush_later()

    def changed_type(self, domain: str, kind: str, name: str, version: str) -> None:
        """Note that a type changed, or is gone (``kind``: ``workflow`` or ``activity``)."""
        if self.store is not None:
            self._changed_types.add((domain, kind, name, version))
            self._flush_later()

    def _flush_later(self) -> None:
        # Every operation and deadline firing runs to completion without awaiting, so a flush scheduled
        # this way never splits one: it runs once the current step is over.
        if self._flush_soon is None and self._loop is not None:
            self._flush_soon = self._loop.call_soon(self.flush)

    def flush(self) -> None:
        """Hand every change noted so far to the store, as one batch (nothing to do without a store)."""
        if self._flush_soon is not None:
            self._flush_soon.cancel()
            self._flush_soon = None
        flushed, self._flushed = self._flushed, None
        try:
            self._flush()
        finally:
            if flushed is not None:
                flushed.set_result(None)

    def _flush(self) -> None:
        store = self.store
        if store is None or not (
            self._wiped or self._changed_runs or self._changed_domains or self._changed_types
        ):
            return
        changes = Changes(
            wipe=self._wiped,
            domains=[(name, self.domains.get(name)) for name in self._changed_domains],
            types=[(key, self._type_of(key)) for key in self._changed_types],
            runs=[(run_id, self.runs.get(run_id)) for run_id in self._changed_runs],
            clock=self.clock.now(),
        )
        self._wiped = False
        self._changed_runs.clear()
        self._changed_domains.clear()
        self._changed_types.clear()
        store.save(changes)

    async def durable(self) -> None:
        """Return once everything changed so far is durable (at once without a store).

        Raises:
            StoreWriteError: If the store could not write.
        """
        if self.store is not None:
            if self._flush_soon is not None:
                # Changes wait for the flush at the end of this loop iteration: every request served in the
                # same iteration joins one batch, and the writer has fewer, larger transactions to make.
                if self._flushed is None:
                    self._flushed = self._loop.create_future()  # type: ignore[union-attr]
                await asyncio.shield(self._flushed)
            else:
                self.flush()
            await self.store.synced()

    def _type_of(self, key: TypeKey) -> Any:
        domain = self.domains.get(key[0])
        if domain is None:
            return None
        types: dict[tuple[str, str], Any] = (
            domain.workflow_types if key[1] == "workflow" else domain.activity_types
        )
        return types.get((key[2], key[3]))

    # -- time and deadlines ----------------------------------------------------------------------

    def now(self) -> float:
        """Return the clock's current time, rounded to milliseconds as SWF's timestamps are."""
        return round(self.clock.now(), 3)

    def at(self, when: float, action: Callable[[], None], *, passive: bool = False) -> Deadline:
        """Run ``action`` (synchronously, on the loop) once the clock reaches ``when``.

        Args:
            when: The clock time to fire at.
            action: What to run.
            passive: Nobody waits for this deadline (retention): an :class:`AutoJumpClock` never jumps
                to it, it fires once the clock passes it for another reason.
        """
        deadline = Deadline(when, action)
        heap = self._passive if passive else self._heap
        if len(heap) > 256 and self._live_deadlines < (len(self._heap) + len(self._passive)) // 4:
            self._compact()
            heap = self._passive if passive else self._heap
        earliest = self._earliest()
        heapq.heappush(heap, (when, next(self._order), deadline))
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

    def _compact(self) -> None:
        self._heap = [entry for entry in self._heap if not entry[2].cancelled]
        self._passive = [entry for entry in self._passive if not entry[2].cancelled]
        heapq.heapify(self._heap)
        heapq.heapify(self._passive)

    @staticmethod
    def _head(heap: _Heap) -> float | None:
        while heap and heap[0][2].cancelled:
            heapq.heappop(heap)
        return heap[0][0] if heap else None

    def _earliest(self) -> float | None:
        active, passive = self._head(self._heap), self._head(self._passive)
        if active is None or passive is None:
            return active if passive is None else passive
        return min(active, passive)

    def fire_due(self) -> None:
        """Run every deadline that is due on the clock, in time order."""
        now = self.clock.now()
        while True:
            active, passive = self._head(self._heap), self._head(self._passive)
            if passive is not None and passive <= now and (active is None or passive <= active):
                heap = self._passive
            elif active is not None and active <= now:
                heap = self._heap
            else:
                return
            deadline = heapq.heappop(heap)[2]
            deadline.cancelled = True
            self._live_deadlines -= 1
            try:
                deadline.action()
            except Exception:  # one broken deadline must not stop every later timeout
                log.exception("a deadline of the local SWF server failed")
            now = self.clock.now()

    def next_deadline(self) -> float | None:
        """Return the time of the earliest live deadline, passive ones included, if any."""
        return self._earliest()

    def next_awaited_deadline(self) -> float | None:
        """Return the time of the earliest live deadline something waits for (not retention), if any."""
        return self._head(self._heap)

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
            await self.clock.wait_until(
                self.next_deadline(), self._wakeup, self._idle, jump_to=self.next_awaited_deadline()
            )

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

    # -- task tokens -----------------------------------------------------------------------------

    def new_token(self, kind: str, execution: ExecutionRecord, record: Any) -> str:
        """Issue a task token for a started task.

        A token is opaque to clients, as SWF's are. It carries the run, the scheduled event and the
        workflow id (when they fit SWF's 1,024 characters) so that a stale token gets SWF's precise
        fault message; only the random part makes it valid, through :attr:`tokens`.
        """
        ref: Json = {
            "k": kind[0],
            "r": execution.run_id,
            "e": record.scheduled_event_id,
            "n": secrets.token_urlsafe(18),
            "w": execution.workflow_id,
        }
        token = _encode_token(ref)
        if len(token) > MAX_TOKEN_LENGTH:
            del ref["w"]
            token = _encode_token(ref)
        self.tokens[token] = (kind, execution, record)
        self.changed_run(execution.run_id)
        return token

    def drop_token(self, token: str | None) -> None:
        """Invalidate a task token (idempotent)."""
        if token is not None:
            self.tokens.pop(token, None)

    def task(self, token: str, kind: str) -> tuple[ExecutionRecord, Any]:
        """Return the execution and record of a started task.

        Raises:
            UnknownResourceFault: If the token is unknown, closed, or of the other kind, worded as SWF
                words it (the token itself is never quoted).
        """
        found = self.tokens.get(token)
        if found is None or found[0] != kind:
            raise UnknownResourceFault(self._stale_token_message(token, kind))
        return found[1], found[2]

    def _stale_token_message(self, token: str, kind: str) -> str:
        ref = _decode_token(token)
        if ref is None or ref["k"] != kind[0]:
            return f"Unknown {kind} task token"
        execution = self.runs.get(ref["r"])
        if execution is None or execution.status != "OPEN":
            workflow_id = execution.workflow_id if execution is not None else ref.get("w", "")
            return f"Unknown execution: WorkflowExecution=[workflowId={workflow_id}, runId={ref['r']}]"
        if kind == "activity":
            return f"Unknown activity, scheduledEventId = {ref['e']}"
        return f"Unknown decision task, scheduledEventId = {ref['e']}"


def _encode_token(ref: Json) -> str:
    raw = json.dumps(ref, separators=(",", ":"), ensure_ascii=False).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_token(token: str) -> Json | None:
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        ref = json.loads(raw)
    except (binascii.Error, ValueError, RecursionError):
        return None
    if (
        not isinstance(ref, dict)
        or ref.get("k") not in ("a", "d")
        or not isinstance(ref.get("r"), str)
        or not isinstance(ref.get("e"), int)
        or not isinstance(ref.get("w", ""), str)
    ):
        return None
    return ref
