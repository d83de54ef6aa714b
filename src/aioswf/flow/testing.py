"""Testing flow code without AWS: `WorkflowEnvironment`, `ActivityEnvironment` (and `flow.Replayer`).

`WorkflowEnvironment` starts a local SWF server on an auto-jumping clock and a real `flow.Worker` in
the same event loop: the code under test runs exactly the production path (polls, histories, replays,
the sticky cache), and a week of timers passes in milliseconds::

    async with WorkflowEnvironment(workflows=[Order], activities=[charge]) as env:
        result = await env.execute(Order, order)

Time skips as with Temporal's test server: while the test awaits a run's result (``handle.result()``,
``env.execute``), the clock jumps to the next deadline whenever the server is idle; `WorkflowEnvironment.sleep`
skips a given stretch. Otherwise time is real, so a test that signals a waiting workflow a moment later
does not find it timed out a year later, and closed executions stay readable inside the environment.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import uuid
from collections.abc import AsyncIterator, Sequence
from types import TracebackType
from typing import Any

from aioswf.connection import Connection
from aioswf.flow.activity import ActivityInfo, attempt_of, run_activity
from aioswf.flow.client import WorkflowHandle, get_handle, start
from aioswf.flow.converter import DataConverter
from aioswf.flow.definitions import activity_definition
from aioswf.flow.worker import Worker
from aioswf.local import AutoJumpClock, LocalSWF

__all__ = ["ActivityEnvironment", "WorkflowEnvironment"]


class _EnvironmentClock(AutoJumpClock):
    """An auto-jumping clock that skips time only when the environment says it may.

    It jumps (to the next deadline, once the server has been idle for ``threshold`` seconds of real time)
    while a test awaits a run's result, some execution is open and no decision task waits for a decider,
    or up to the time that
    `WorkflowEnvironment.sleep` asked for. Otherwise it follows real time: a test that signals a waiting
    workflow a moment later does not find it timed out, and closed executions never reach the end of their
    retention period.
    """

    def __init__(self, environment: WorkflowEnvironment, threshold: float) -> None:
        super().__init__(threshold=threshold)
        self._environment = environment

    def _jump_goal(self, jump_to: float | None) -> float | None:
        environment = self._environment
        target = environment._skip_until
        if target is not None and target > self.now():
            return target if jump_to is None else min(jump_to, target)
        if jump_to is not None and environment._waiters > 0 and environment._open():
            return jump_to
        return None


class WorkflowEnvironment:
    """A local SWF server on an auto-jumping clock, a domain, and a `flow.Worker`, in this event loop.

    Args:
        workflows: The ``@flow.workflow`` classes the worker runs.
        activities: The ``@flow.activity`` functions it runs.
        domain: The domain to register (default: a random name).
        task_list: The worker's task list (default: a random name).
        jump_threshold: Seconds of real quiet after which the clock jumps to the next deadline.
        **worker_options: More `flow.Worker` arguments (``cache_size``, ``converter``, ...). The
            environment's workers default to ``sticky_schedule_to_start=1``, so that a test that stops a
            worker and starts another waits a second, not five, for the run's next decision task.

    Attributes (inside ``async with``):
        server: The `LocalSWF`. endpoint_url: Its URL. connection: An open connection to it.
        worker: The running worker. domain, task_list: Their names.
    """

    def __init__(
        self,
        *,
        workflows: Sequence[type] = (),
        activities: Sequence[Any] = (),
        domain: str | None = None,
        task_list: str | None = None,
        jump_threshold: float = 0.02,
        **worker_options: Any,
    ) -> None:
        self.workflows = list(workflows)
        self.activities = list(activities)
        self.domain = domain or f"flow-test-{uuid.uuid4().hex[:12]}"
        self.task_list = task_list or f"flow-{uuid.uuid4().hex[:12]}"
        self.worker_options = worker_options
        self._waiters = 0
        self._skip_until: float | None = None
        self.server = LocalSWF(clock=_EnvironmentClock(self, jump_threshold), poll_wait=10.0)
        self._stack = contextlib.AsyncExitStack()
        self._connection: Connection | None = None
        self._worker: Worker | None = None

    def _open(self) -> bool:
        engine = self.server.engine
        if any(queue.size for queue in engine.decision_queues.values()):
            return False  # a decision is due: a decider will come (a worker still starting, say)
        return any(domain.open_executions for domain in engine.domains.values())

    @property
    def endpoint_url(self) -> str:
        """The local server's URL."""
        return self.server.endpoint_url

    @property
    def connection(self) -> Connection:
        """The environment's open connection to the local server.

        Raises:
            RuntimeError: Outside ``async with``.
        """
        if self._connection is None:
            raise RuntimeError("the WorkflowEnvironment is not open: use it with `async with`")
        return self._connection

    @property
    def worker(self) -> Worker:
        """The environment's running worker.

        Raises:
            RuntimeError: When no worker is running.
        """
        if self._worker is None:
            raise RuntimeError("the WorkflowEnvironment has no running worker")
        return self._worker

    async def __aenter__(self) -> WorkflowEnvironment:
        try:
            await self._stack.enter_async_context(self.server)
            self._connection = await self._stack.enter_async_context(self.server.connection())
            await self._connection.call(
                "RegisterDomain", name=self.domain, workflowExecutionRetentionPeriodInDays="90"
            )
            if self.workflows or self.activities:
                await self.start_worker()
        except BaseException:
            await self._stack.aclose()
            raise
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        try:
            await self.stop_worker()
        finally:
            self._connection = None
            await self._stack.aclose()

    def new_worker(self, **options: Any) -> Worker:
        """A worker (not started) on the environment's domain and task list; ``options`` override."""
        settings: dict[str, Any] = {
            "workflows": self.workflows,
            "activities": self.activities,
            "connection": self.connection,
            "grace": 1.0,
            # A stopped worker's runs come back to the task list after this long (production: 5 s).
            "sticky_schedule_to_start": 1,
            **self.worker_options,
            **options,
        }
        return Worker(self.domain, settings.pop("task_list", self.task_list), **settings)

    async def start_worker(self, **options: Any) -> Worker:
        """Starts the environment's worker (after `stop_worker`, a new one: a fresh process, say).

        Args:
            **options: `flow.Worker` arguments overriding the environment's.

        Raises:
            RuntimeError: When a worker is running already.
        """
        if self._worker is not None:
            raise RuntimeError("the WorkflowEnvironment's worker is running; stop_worker() first")
        worker = self.new_worker(**options)
        await worker.start()
        self._worker = worker
        return worker

    async def stop_worker(self, grace: float = 0.0) -> None:
        """Stops the environment's worker (idempotent)."""
        worker, self._worker = self._worker, None
        if worker is not None:
            await worker.stop(grace)

    def _converter(self) -> DataConverter | None:
        converter = self.worker_options.get("converter")
        return converter if isinstance(converter, DataConverter) else None

    async def start(self, workflow: Any, *args: Any, **options: Any) -> WorkflowHandle[Any]:
        """`flow.start` in the environment's domain, on its task list, through its connection.

        Awaiting the handle's ``result()`` lets the clock skip ahead.
        """
        options.setdefault("domain", self.domain)
        options.setdefault("task_list", self.task_list)
        options.setdefault("connection", self.connection)
        options.setdefault("converter", self._converter())
        options.setdefault("offloader", self.worker_options.get("offloader"))
        handle = await start(workflow, *args, **options)
        return _SkippingHandle(self, handle)

    async def sleep(self, duration: float) -> None:
        """Lets ``duration`` seconds of SWF time pass (timers fire, timeouts expire), in moments.

        Args:
            duration: Seconds of the server's clock.
        """
        clock = self.server.clock
        target = clock.now() + duration
        self._skip_until = target
        try:
            while clock.now() < target:  # noqa: ASYNC110 - the clock moves without an event
                await asyncio.sleep(0.01)
        finally:
            self._skip_until = None

    @contextlib.asynccontextmanager
    async def skipping_time(self) -> AsyncIterator[None]:
        """Lets the clock skip ahead (while idle, with an execution open) inside the block."""
        self._waiters += 1
        try:
            yield
        finally:
            self._waiters -= 1

    async def execute(self, workflow: Any, *args: Any, timeout: float | None = 60.0, **options: Any) -> Any:
        """Starts a run and returns its result (`start`, then ``result(timeout=timeout)``)."""
        handle = await self.start(workflow, *args, **options)
        return await handle.result(timeout=timeout)

    def get_handle(
        self, workflow_id: str, run_id: str | None = None, *, workflow: Any = None
    ) -> WorkflowHandle[Any]:
        """`flow.get_handle` in the environment's domain (awaiting its result lets time skip)."""
        handle = get_handle(
            self.domain,
            workflow_id,
            run_id,
            workflow=workflow,
            connection=self.connection,
            converter=self._converter(),
            offloader=self.worker_options.get("offloader"),
        )
        return _SkippingHandle(self, handle)


class _SkippingHandle(WorkflowHandle[Any]):
    """A handle whose ``result()`` lets the environment's clock skip ahead while it waits."""

    def __init__(self, environment: WorkflowEnvironment, handle: WorkflowHandle[Any]) -> None:
        super().__init__(
            handle.domain,
            handle.workflow_id,
            handle.run_id,
            workflow=handle.definition,
            connection=handle._connection,
            converter=handle.converter,
            offloader=handle.offloader,
        )
        self._environment = environment

    async def result(self, *, timeout: float | None = None, poll_interval: float = 1.0) -> Any:
        """`WorkflowHandle.result`, letting the clock skip ahead meanwhile."""
        async with self._environment.skipping_time():
            return await super().result(timeout=timeout, poll_interval=poll_interval)


class ActivityEnvironment:
    """Runs one activity function with a fake context: heartbeats are kept, cancellation is yours.

    Args:
        converter: Encodes heartbeat details (default: JSON).
        activity_id: The activity id the function sees (an attempt is ``id#n``).
        workflow_id: The workflow id it sees.
        run_id: The run id it sees.

    Attributes:
        heartbeats: The details of every `flow.heartbeat`, decoded, in order.
        cancel_requested: Whether `cancel` was called.
    """

    def __init__(
        self,
        *,
        converter: DataConverter | None = None,
        activity_id: str = "1",
        workflow_id: str = "test-workflow",
        run_id: str = "test-run",
    ) -> None:
        self.converter = converter or DataConverter()
        self.activity_id = activity_id
        self.workflow_id = workflow_id
        self.run_id = run_id
        self.heartbeats: list[Any] = []
        self.cancel_requested = False
        self._stop = threading.Event()
        self._task: asyncio.Future[Any] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._cancels_task = False

    # ActivityControl
    def record_heartbeat(self, details: str | None) -> None:
        """Keeps a heartbeat's details (decoded)."""
        values = self.converter.decode_args(details) if details is not None else []
        self.heartbeats.append(values[0] if len(values) == 1 else tuple(values))

    def should_stop(self) -> bool:
        """Whether `cancel` was called."""
        return self._stop.is_set()

    async def run(self, activity: Any, *args: Any) -> Any:
        """Runs the activity function with ``args`` (a plain function in a thread) and returns its result.

        Raises:
            asyncio.CancelledError: When an async activity was cancelled by `cancel`.
            Exception: What the activity raised.
        """
        definition = activity_definition(activity)
        self._cancels_task = definition.is_async
        info = ActivityInfo(
            activity_id=self.activity_id,
            activity_type=(definition.name, definition.version),
            attempt=attempt_of(self.activity_id),
            workflow_id=self.workflow_id,
            run_id=self.run_id,
            domain="test",
            task_list="test",
            started_event_id=1,
            control=self,
            converter=self.converter,
        )
        self._loop = asyncio.get_running_loop()
        self._task = asyncio.ensure_future(run_activity(definition, info, list(args)))
        try:
            return await self._task
        finally:
            self._task = None

    def cancel(self) -> None:
        """Cancels the activity: an async one gets `asyncio.CancelledError`, a plain one sees
        ``should_stop()`` (safe to call from any thread)."""
        self.cancel_requested = True
        self._stop.set()
        task, loop = self._task, self._loop
        if task is not None and loop is not None and self._cancels_task:
            loop.call_soon_threadsafe(task.cancel)
