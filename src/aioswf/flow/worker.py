"""`Worker`: the deciders and activity workers of flow workflows, on the actors, with a sticky cache.

One `Worker` polls its task list for decision tasks and for activity tasks (and the task lists its
activities name). It follows the actors' lifecycle exactly (``start()``, ``stop(grace=...)``, ``run()``,
``wait()``, ``state``, ``is_running``, ``async with``), so `aioswf.actors.run` and ``aioswf worker`` run it
like any actor.

The sticky cache: the worker keeps each run's `WorkflowInstance` (LRU by run id, ``cache_size``) after
deciding, and answers with its own *sticky* task list (``RespondDecisionTaskCompleted.taskList``, with
``taskListScheduleToStartTimeout``), which it polls with ``startAtPreviousStartedEvent``: the next decision
task of the run comes back to it with only the new events, and the cached instance carries on from where
it stopped. When the instance is not in the cache (evicted, or another worker), or the new events do not
follow what it saw (``previousStartedEventId`` differs: an answer of it was lost), the worker replays the
whole history. If the worker goes away, SWF times the task out on the sticky list after
``sticky_schedule_to_start`` seconds and sends it to the run's own task list, where any worker replays it.
"""

from __future__ import annotations

import asyncio
import collections
import functools
import logging
import uuid
from collections.abc import Mapping, Sequence
from types import TracebackType
from typing import Any

import attrs

from aioswf import validation
from aioswf.actors.backoff import Backoff
from aioswf.actors.base import DEFAULT_GRACE, ActorState
from aioswf.actors.decider import Decider, DecisionResult
from aioswf.actors.runner import stop_all
from aioswf.actors.worker import ActivityWorker
from aioswf.connection import Connection, get_connection
from aioswf.exceptions import ActorStateError, TypeAlreadyExistsError, ValidationError
from aioswf.flow.activity import activity_handler
from aioswf.flow.batches import failure_decisions
from aioswf.flow.converter import DataConverter
from aioswf.flow.definitions import (
    ActivityDefinition,
    WorkflowDefinition,
    activity_definition,
    workflow_definition,
)
from aioswf.flow.errors import StepDeadlineError
from aioswf.flow.failures import encode_failure
from aioswf.flow.payloads import PayloadOffloader
from aioswf.flow.replay import WorkflowInstance
from aioswf.flow.steps import StepRunner
from aioswf.models.activity import ActivityType
from aioswf.models.decision import WorkflowExecutionDecision
from aioswf.models.domain import Domain
from aioswf.models.event import Event
from aioswf.models.task import DecisionTask
from aioswf.models.workflow import WorkflowExecution, WorkflowType

__all__ = ["Worker"]

logger = logging.getLogger("aioswf.flow")


class _FlowDecider(Decider):
    """A decider whose decisions come from the worker's workflow instances."""

    def __init__(self, worker: Worker, task_list: str, *, sticky: bool, **options: Any) -> None:
        super().__init__(worker.domain, task_list, start_at_previous_started_event=sticky, **options)
        self._worker = worker
        self.sticky = sticky

    async def decide(self, task: DecisionTask) -> DecisionResult:
        """Decides with the worker's instance of the task's run."""
        return await self._worker._decide(task)


class Worker:
    """Runs flow workflows and activities: deciders and activity workers on the actors, in one loop.

    Args:
        domain: The domain (a `Domain`, or its name).
        task_list: The task list for decision tasks and for activities without one of their own.
        workflows: ``@flow.workflow`` classes to decide for.
        activities: ``@flow.activity`` functions to run.
        connection: The connection (default: the one open where the worker starts).
        identity: Who polls, as recorded in the history (default: ``hostname:pid``).
        cache_size: How many runs to keep between decision tasks (LRU); 0 turns the sticky cache off.
        sticky_schedule_to_start: Seconds a decision task waits on the worker's sticky task list before SWF
            sends it to the run's own task list (when the worker went away).
        max_concurrent_decisions: Decision tasks handled at once (per task list polled).
        max_concurrent_activities: Activity tasks run at once (per task list polled).
        step_deadline: Seconds one round of workflow code may run before it is reported as stuck and the
            decision task retried (``None``: no limit).
        converter: Encodes and decodes payloads (default: JSON).
        offloader: Keeps payloads over SWF's limits in a store (default: none; they raise at the call site).
        failure_exceptions: Exception types that fail an execution when they escape its code, for every
            workflow (add `NonDeterminismError` to fail on non-determinism instead of retrying).
        register: Register the activity and workflow types on start (idempotent).
        backoff: Retry timing after network errors and throttling.
        grace: Seconds in-flight tasks get to finish when the worker stops without being told how long.

    Raises:
        ValidationError: When an argument breaks SWF's limits.
        TypeError: When a workflow or activity is not decorated.
    """

    def __init__(
        self,
        domain: Domain | str,
        task_list: str,
        *,
        workflows: Sequence[type] = (),
        activities: Sequence[Any] = (),
        connection: Connection | None = None,
        identity: str | None = None,
        cache_size: int = 1000,
        sticky_schedule_to_start: int = 5,
        max_concurrent_decisions: int = 10,
        max_concurrent_activities: int = 10,
        step_deadline: float | None = 5.0,
        converter: DataConverter | None = None,
        offloader: PayloadOffloader | None = None,
        failure_exceptions: Sequence[type[BaseException]] = (),
        register: bool = True,
        backoff: Backoff | None = None,
        grace: float = DEFAULT_GRACE,
    ) -> None:
        self.domain = (
            domain if isinstance(domain, Domain) else Domain(validation.check_name(domain, "domain"))
        )
        self.task_list = validation.check_name(task_list, "task_list")
        self.identity = validation.check_identity(identity, "identity")
        self.workflows: dict[tuple[str, str], WorkflowDefinition] = {}
        for workflow in workflows:
            definition = workflow_definition(workflow)
            self.workflows[definition.type_key] = definition
        self.activities: list[ActivityDefinition] = [activity_definition(item) for item in activities]
        if not self.workflows and not self.activities:
            raise ValidationError(
                "a Worker needs workflows or activities to run", argument="workflows", limit="at least one"
            )
        if isinstance(cache_size, bool) or not isinstance(cache_size, int) or cache_size < 0:
            raise ValidationError(
                f"cache_size must be a whole number of at least 0, got {cache_size!r}",
                argument="cache_size",
                limit=">= 0 (0: no cache)",
            )
        self.cache_size = cache_size
        self.sticky_schedule_to_start = int(
            validation.check_timeout(sticky_schedule_to_start, "sticky_schedule_to_start", allow_none=False)
            or 5
        )
        self.max_concurrent_decisions = max_concurrent_decisions
        self.max_concurrent_activities = max_concurrent_activities
        if step_deadline is not None and (not isinstance(step_deadline, (int, float)) or step_deadline <= 0):
            raise ValidationError(
                f"step_deadline must be a positive number of seconds or None, got {step_deadline!r}",
                argument="step_deadline",
                limit="> 0",
            )
        self.step_deadline = step_deadline
        self.converter = converter or DataConverter()
        self.offloader = offloader
        self.failure_exceptions = tuple(failure_exceptions)
        self.register = register
        self.backoff = backoff
        self.grace = grace
        self.sticky_task_list: str | None = None
        if self.workflows and cache_size > 0:
            self.sticky_task_list = f"{self.task_list[:200]}-sticky-{uuid.uuid4().hex[:20]}"
        self._connection_arg = connection
        self._connection: Connection | None = None
        self._cache: collections.OrderedDict[str, WorkflowInstance] = collections.OrderedDict()
        self._actors: list[Decider | ActivityWorker] = []
        self._steps: StepRunner | None = None
        self._state = ActorState.IDLE
        self._claimed = False
        self._error: Exception | None = None
        self._stopped = asyncio.Event()
        self._supervisor: asyncio.Task[None] | None = None
        self.stats = WorkerStats()

    def __repr__(self) -> str:
        return (
            f"<flow.Worker domain={self.domain.name!r} task_list={self.task_list!r} state={self._state.value} "
            f"workflows={len(self.workflows)} activities={len(self.activities)} cached={len(self._cache)}>"
        )

    # The actors' lifecycle -----------------------------------------------------------------------------

    @property
    def state(self) -> ActorState:
        """Whether the worker is idle, running, stopping or stopped."""
        return self._state

    @property
    def is_running(self) -> bool:
        """Whether the worker is running."""
        return self._state is ActorState.RUNNING

    @property
    def error(self) -> Exception | None:
        """The error that stopped the worker, if one did."""
        return self._error

    @property
    def actors(self) -> tuple[Decider | ActivityWorker, ...]:
        """The deciders and activity workers the worker runs (once started)."""
        return tuple(self._actors)

    @property
    def cached_runs(self) -> int:
        """How many runs the sticky cache holds now."""
        return len(self._cache)

    @property
    def connection(self) -> Connection:
        """The connection the worker uses.

        Raises:
            NoConnectionError: When none was given and none is open in this context.
        """
        if self._connection is None:
            self._connection = get_connection(self._connection_arg, "flow.Worker")
        return self._connection

    async def start(self) -> None:
        """Registers the types, starts the deciders and activity workers, and returns once they run.

        Raises:
            ActorStateError: When the worker was started before.
            NoConnectionError: When no connection was given and none is open in this context.
            SWFError: When registering the types failed (the domain does not exist, ...).
        """
        if self._state is ActorState.STOPPED:
            raise ActorStateError(f"{self!r} has stopped; a worker runs once: create a new one")
        if self._claimed:
            raise ActorStateError(f"{self!r} was started already")
        self._claimed = True
        self._connection = get_connection(self._connection_arg, "flow.Worker.start()")
        try:
            if self.register:
                await self._register()
            self._steps = StepRunner(
                threads=max(4, 2 * self.max_concurrent_decisions), deadline=self.step_deadline
            )
            self._actors = self._build_actors()
            for actor in self._actors:
                await actor.start()
        except BaseException:
            self._state = ActorState.STOPPED
            await stop_all(self._actors, 0.0)
            self._close_steps()
            self._stopped.set()
            raise
        self._state = ActorState.RUNNING
        self._supervisor = asyncio.get_running_loop().create_task(
            self._supervise(), name=f"{self!r} supervisor"
        )
        logger.info("%r started", self)

    async def run(self) -> None:
        """Runs the worker until it is stopped, then returns.

        Raises:
            ActorStateError: When the worker was started before.
            SWFError: What stopped one of its actors, if that is why it stopped.
        """
        await self.start()
        await self.wait()

    async def stop(self, grace: float | None = None) -> None:
        """Stops the worker gracefully (its actors' ``stop``) and returns once it is stopped; idempotent.

        Args:
            grace: Seconds in-flight tasks get to finish (default: the worker's ``grace``).
        """
        if not self._claimed:
            self._state = ActorState.STOPPED
            self._stopped.set()
            return
        if self._state is ActorState.RUNNING:
            self._state = ActorState.STOPPING
        await stop_all(self._actors, self.grace if grace is None else grace)
        self._finish()
        await self._stopped.wait()

    def _finish(self) -> None:
        if self._state is ActorState.STOPPED:
            return
        self._state = ActorState.STOPPED
        for instance in self._cache.values():
            # Idle (no step runs on them): closed here, so that their coroutines end now, not when collected.
            instance.evict()
        self._cache.clear()
        self._close_steps()
        if self._supervisor is not None and self._supervisor is not asyncio.current_task():
            self._supervisor.cancel()
        self._stopped.set()
        logger.info("%r stopped", self)

    def _close_steps(self) -> None:
        if self._steps is not None:
            self._steps.close()

    async def wait(self) -> None:
        """Waits until the worker is stopped.

        Raises:
            SWFError: What stopped one of its actors, when one stopped on an error.
        """
        await self._stopped.wait()
        if self._error is not None:
            raise self._error

    async def _supervise(self) -> None:
        waits = [asyncio.ensure_future(actor.wait()) for actor in self._actors]
        try:
            done, _ = await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
            for finished in done:
                error = finished.exception()
                if isinstance(error, Exception) and self._error is None:
                    self._error = error
            if self._state is ActorState.RUNNING:
                logger.error("%r: an actor stopped (%r); stopping the others", self, self._error)
                self._state = ActorState.STOPPING
                await stop_all(self._actors, self.grace)
                self._finish()
        finally:
            for waiting in waits:
                waiting.cancel()

    async def __aenter__(self) -> Worker:
        await self.start()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.stop()
        if exc is None and self._error is not None:
            raise self._error

    # Building and registering --------------------------------------------------------------------------

    def _actor_options(self) -> dict[str, Any]:
        options: dict[str, Any] = {"connection": self._connection, "grace": self.grace}
        if self.identity is not None:
            options["identity"] = self.identity
        if self.backoff is not None:
            options["backoff"] = self.backoff
        return options

    def _build_actors(self) -> list[Decider | ActivityWorker]:
        actors: list[Decider | ActivityWorker] = []
        options = self._actor_options()
        if self.workflows:
            actors.append(
                _FlowDecider(
                    self,
                    self.task_list,
                    sticky=False,
                    max_concurrent=self.max_concurrent_decisions,
                    **options,
                )
            )
            if self.sticky_task_list is not None:
                actors.append(
                    _FlowDecider(
                        self,
                        self.sticky_task_list,
                        sticky=True,
                        max_concurrent=self.max_concurrent_decisions,
                        **options,
                    )
                )
        by_list: dict[str, list[ActivityDefinition]] = {}
        for definition in self.activities:
            by_list.setdefault(definition.task_list or self.task_list, []).append(definition)
        for task_list, definitions in by_list.items():
            worker = ActivityWorker(
                self.domain, task_list, max_concurrent=self.max_concurrent_activities, **options
            )
            for definition in definitions:
                handler = activity_handler(definition, converter=self.converter, offloader=self.offloader)
                worker.register(self._activity_type(definition), handler)
            actors.append(worker)
        return actors

    def _activity_type(self, definition: ActivityDefinition) -> ActivityType:
        return ActivityType(
            self.domain,
            definition.name,
            definition.version,
            description=definition.description,
            task_list=definition.task_list or self.task_list,
            task_heartbeat_timeout=definition.heartbeat or "NONE",
            task_schedule_to_start_timeout=definition.schedule_to_start or "NONE",
            task_schedule_to_close_timeout=definition.schedule_to_close or "NONE",
            task_start_to_close_timeout=definition.start_to_close or "NONE",
            connection=self._connection,
        )

    async def _register(self) -> None:
        async def save(model: ActivityType | WorkflowType) -> None:
            try:
                await model.save()
            except TypeAlreadyExistsError:
                pass

        models: list[ActivityType | WorkflowType] = [self._activity_type(item) for item in self.activities]
        for definition in self.workflows.values():
            models.append(
                definition.workflow_type(
                    self.domain, task_list=definition.task_list or self.task_list, connection=self._connection
                )
            )
        await asyncio.gather(*(save(model) for model in models))

    # Deciding ------------------------------------------------------------------------------------------

    def _discard(self, instance: WorkflowInstance) -> None:
        instance.loop.silence()
        if not instance.loop.has_unfinished_tasks():
            # No coroutine of the run is left to close (a run that returned): closing its loop is all
            # eviction does then, and it runs no workflow code, so it needs no step thread.
            instance.loop.close()
        elif self._steps is not None:
            self._steps.submit(instance.evict)

    def _cache_put(self, run_id: str, instance: WorkflowInstance) -> None:
        self._cache[run_id] = instance
        self._cache.move_to_end(run_id)
        while len(self._cache) > self.cache_size:
            _, evicted = self._cache.popitem(last=False)
            self.stats.evictions += 1
            self._discard(evicted)

    async def _full_history(self, task: DecisionTask) -> list[Event]:
        execution = WorkflowExecution(
            self.domain,
            task.workflow_execution.workflow_id,
            task.workflow_execution.run_id,
            connection=self._connection,
        )
        history = await execution.history()
        return [event for event in history if event.id <= task.started_event_id]

    async def _resolve(self, events: Sequence[Event]) -> Sequence[Event]:
        offloader = self.offloader
        if offloader is None:
            return events
        return [await offloader.resolve_event(event) for event in events]

    async def _decide(self, task: DecisionTask) -> DecisionResult:
        execution = task.workflow_execution
        run_id = str(execution.run_id)
        key = (task.workflow_type.name, task.workflow_type.version)
        definition = self.workflows.get(key)
        events = [event for event in task.history if event.id <= task.started_event_id]
        if definition is None:
            error = LookupError(f"workflow type {key[0]}/{key[1]} is not one of this worker's")
            logger.error(
                "%r: %s (execution %s); the decision task is retried", self, error, execution.workflow_id
            )
            return self._failure_result(None, task, error)
        instance = self._cache.pop(run_id, None)
        if instance is not None and not (
            instance.last_started_event_id == (task.previous_started_event_id or 0)
            and events
            and events[0].id <= instance.last_event_id + 1
        ):
            self.stats.stale += 1
            self._discard(instance)
            instance = None
        if instance is None:
            if not events or events[0].id != 1:
                events = await self._full_history(task)
            instance = WorkflowInstance(
                definition,
                converter=self.converter,
                offloader=self.offloader,
                workflow_id=execution.workflow_id,
                run_id=run_id,
                domain=self.domain.name,
                failure_exceptions=self.failure_exceptions,
            )
            self.stats.replays += 1
        else:
            self.stats.cache_hits += 1
        new_events = await self._resolve([event for event in events if event.id > instance.last_event_id])
        assert self._steps is not None
        try:
            activation = await self._steps.run(
                instance, functools.partial(instance.activate, new_events, live=True)
            )
        except StepDeadlineError as error:
            # The step still runs in its thread: the instance is abandoned, not evicted.
            return self._failure_result(instance, task, error)
        except Exception as error:
            self._discard(instance)
            if isinstance(error, self.failure_exceptions + definition.failure_exceptions):
                logger.error("%s: %r fails the execution", instance.describe(), error)
                reason, details = encode_failure(error, self.converter)
                return DecisionResult([WorkflowExecutionDecision.fail(reason=reason, details=details)])
            logger.error(
                "%s: the workflow code could not decide (decision task %s); it is retried",
                instance.describe(),
                task.started_event_id,
                exc_info=error,
            )
            return self._failure_result(instance, task, error)
        if activation is None:  # pragma: no cover - a live activation always decides
            raise RuntimeError("no decisions from a live activation")
        if self.offloader is not None:
            for reference in activation.references:
                await self.offloader.put(reference)
        self.stats.decisions += 1
        if activation.closing or self.sticky_task_list is None:
            self._discard(instance)
            # The run's own task list, said out loud: SWF keeps a sticky list (another worker's) until told.
            return DecisionResult(activation.decisions, task_list=_own_task_list(instance.started_event))
        self._cache_put(run_id, instance)
        return DecisionResult(
            activation.decisions,
            task_list=self.sticky_task_list,
            task_list_schedule_to_start_timeout=self.sticky_schedule_to_start,
        )

    def _failure_result(
        self, instance: WorkflowInstance | None, task: DecisionTask, error: BaseException
    ) -> DecisionResult:
        self.stats.failures += 1
        started = instance.started_event if instance is not None else None
        if started is None:
            started = next(
                (event for event in task.history if event.name == "WorkflowExecutionStarted"), None
            )
        failures = instance.consecutive_failures if instance is not None else 0
        return DecisionResult(
            failure_decisions(error, task.started_event_id, failures, self.converter),
            # Back to the run's own task list: a worker with fixed code may pick the retry up.
            task_list=_own_task_list(started) or self.task_list,
        )


def _own_task_list(started: Event | None) -> str | None:
    task_list = started.attributes.get("task_list") if started is not None else None
    return str(task_list["name"]) if isinstance(task_list, Mapping) and task_list.get("name") else None


@attrs.define
class WorkerStats:
    """Counts of what a worker's deciders did (for tests and benchmarks).

    Attributes:
        decisions: Decision tasks answered with the code's decisions.
        cache_hits: Of those, decided by a cached run from the new events only.
        replays: Decided after replaying the whole history.
        stale: Cached runs dropped because the new events did not follow what they saw.
        evictions: Cached runs dropped to keep the cache within its size.
        failures: Decision tasks answered with a retry, the code having failed.
    """

    decisions: int = 0
    cache_hits: int = 0
    replays: int = 0
    stale: int = 0
    evictions: int = 0
    failures: int = 0
