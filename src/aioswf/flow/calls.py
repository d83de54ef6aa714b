"""What workflow code calls on SWF: activities (with retries), child workflows, other executions.

Each call queues a command (a decision of the round) and awaits its outcome. Cancelling the asyncio task
that awaits one cancels it in SWF: an activity gets ``RequestCancelActivityTask``, a child
``RequestCancelExternalWorkflowExecution``, a command not sent yet is simply withdrawn.
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
from collections.abc import Awaitable, Callable, Generator, Sequence
from typing import Any, Generic, TypeVar, overload

from aioswf import validation
from aioswf.flow import commands as cmds
from aioswf.flow.context import check_key, current_instance
from aioswf.flow.definitions import (
    ActivityDefinition,
    Duration,
    RetryPolicy,
    WorkflowDefinition,
    activity_definition,
    signal_name,
    swf_seconds,
    workflow_definition,
)
from aioswf.flow.errors import (
    ActivityError,
    ActivityTimeoutError,
    ChildWorkflowError,
    ChildWorkflowTimeoutError,
)
from aioswf.flow.failures import decode_failure
from aioswf.flow.locations import source_location
from aioswf.flow.replay import WorkflowInstance
from aioswf.models.decision import (
    ActivityTaskDecision,
    ChildWorkflowExecutionDecision,
    ExternalWorkflowExecutionDecision,
)
from aioswf.models.event import Event

__all__ = [
    "ChildWorkflowHandle",
    "cancel_external",
    "execute_activity",
    "execute_child",
    "signal_external",
    "start_child",
]

_T = TypeVar("_T")
_UNSET: Any = object()


def _parent_task_list(instance: WorkflowInstance) -> str | None:
    started = instance.started_event
    task_list = started.attributes.get("task_list") if started is not None else None
    return task_list.get("name") if isinstance(task_list, dict) else None


def _on_cancelled(
    instance: WorkflowInstance,
    command: Any,
    cancel: Callable[[Any], object],
    future: asyncio.Future[Any],
) -> None:
    if future.cancelled():
        cancel(command)


@overload
async def execute_activity(
    activity: Callable[..., Awaitable[_T]],
    *args: Any,
    task_list: str | None = None,
    schedule_to_start: Duration | str | None = None,
    start_to_close: Duration | str | None = None,
    schedule_to_close: Duration | str | None = None,
    heartbeat: Duration | str | None = None,
    retry: RetryPolicy | None = _UNSET,
    key: str | None = None,
    priority: int | None = None,
    version: str | None = None,
) -> _T: ...
@overload
async def execute_activity(
    activity: Callable[..., _T] | str,
    *args: Any,
    task_list: str | None = None,
    schedule_to_start: Duration | str | None = None,
    start_to_close: Duration | str | None = None,
    schedule_to_close: Duration | str | None = None,
    heartbeat: Duration | str | None = None,
    retry: RetryPolicy | None = _UNSET,
    key: str | None = None,
    priority: int | None = None,
    version: str | None = None,
) -> _T: ...
async def execute_activity(
    activity: Any,
    *args: Any,
    task_list: str | None = None,
    schedule_to_start: Duration | str | None = None,
    start_to_close: Duration | str | None = None,
    schedule_to_close: Duration | str | None = None,
    heartbeat: Duration | str | None = None,
    retry: RetryPolicy | None = _UNSET,
    key: str | None = None,
    priority: int | None = None,
    version: str | None = None,
) -> Any:
    """Runs an activity and returns its result (decoded by the activity's return annotation).

    The options override the activity's own (``@flow.activity``). Failed attempts are retried by the
    retry policy, through SWF timers; the attempt is in the activity's `flow.activity_info`.

    Args:
        activity: An ``@flow.activity`` function, or an activity type's name (with ``version``).
        *args: Its arguments, encoded by the data converter.
        task_list: Where its tasks go (default: the activity's, else the workflow's task list).
        schedule_to_start: How long a task may wait for a worker.
        start_to_close: How long a worker may take.
        schedule_to_close: How long a task may take in all.
        heartbeat: The longest silence between heartbeats.
        retry: The retry policy (``None``: no retry; default: the activity's).
        key: The activity id (default: derived in order: ``1``, ``2``, ...); retries add ``#2``, ``#3``.
        priority: The task's priority.
        version: The version, when ``activity`` is a name (default ``"1"``).

    Returns:
        The activity's result.

    Raises:
        ActivityError: When the activity failed and no retry is left (`ActivityTimeoutError` when SWF
            timed it out); its ``cause`` is the activity's error.
        DecisionFailedError: When SWF refused to schedule it (e.g. an unknown activity type).
        PayloadSizeError: When the arguments are over SWF's limit and no offloader is configured.
        asyncio.CancelledError: When the awaiting task was cancelled (the activity is cancelled in SWF).
    """
    instance = current_instance("execute_activity")
    location = source_location(2) or instance.where()
    if isinstance(activity, str):
        definition = ActivityDefinition(
            name=validation.check_name(activity, "activity"),
            version=validation.check_version(version or "1", "version"),
            function=None,
        )
    else:
        definition = activity_definition(activity)
    policy = definition.retry if retry is _UNSET else retry
    base = check_key(key) or str(instance.next_id("activity"))
    text, references = instance.encode_args(args, f"input of activity {definition.name}")
    options: dict[str, Any] = {
        "task_list": task_list or definition.task_list or _parent_task_list(instance),
        "task_priority": priority,
        "schedule_to_start_timeout": swf_seconds(schedule_to_start, "schedule_to_start")
        or definition.schedule_to_start,
        "start_to_close_timeout": swf_seconds(start_to_close, "start_to_close") or definition.start_to_close,
        "schedule_to_close_timeout": swf_seconds(schedule_to_close, "schedule_to_close")
        or definition.schedule_to_close,
        "heartbeat_timeout": swf_seconds(heartbeat, "heartbeat") or definition.heartbeat,
    }
    activity_type = (definition.name, definition.version)
    attempt = 1
    while True:
        activity_id = base if attempt == 1 else f"{base}#{attempt}"
        future: asyncio.Future[Event] = instance.loop.create_future()
        command = cmds.ActivityCommand(
            activity_id,
            ActivityTaskDecision.schedule(activity_id, activity_type, input=text, **options),
            location=location,
            references=references,
            activity_type=activity_type,
            future=future,
        )
        instance.submit(command)
        future.add_done_callback(
            functools.partial(_on_cancelled, instance, command, instance.cancel_activity)
        )
        event = await future
        attributes = event.attributes
        if event.name == "ActivityTaskCompleted":
            return instance.converter.decode(attributes.get("result"), definition.hints[1])
        described = f"activity {definition.name}/{definition.version} (id {activity_id}, attempt {attempt})"
        error: ActivityError
        if event.name == "ActivityTaskTimedOut":
            timeout_type = str(attributes.get("timeout_type"))
            error = ActivityTimeoutError(
                f"{described} timed out ({timeout_type})",
                timeout_type=timeout_type,
                details=_decode_details(instance, attributes.get("details")),
                activity_type=activity_type,
                activity_id=activity_id,
                attempt=attempt,
            )
            error_type, non_retryable = None, False
        elif event.name == "ActivityTaskFailed":
            cause = decode_failure(attributes.get("reason"), attributes.get("details"), instance.converter)
            error = ActivityError(
                f"{described} failed: {cause}",
                activity_type=activity_type,
                activity_id=activity_id,
                attempt=attempt,
                cause=cause,
            )
            error_type = getattr(cause, "type", type(cause).__name__)
            non_retryable = bool(getattr(cause, "non_retryable", False))
        else:  # ActivityTaskCanceled without the code asking: nothing to retry
            raise ActivityError(
                f"{described} was canceled",
                activity_type=activity_type,
                activity_id=activity_id,
                attempt=attempt,
            )
        if policy is None or not policy.allows(attempt, error_type, non_retryable):
            raise error
        delay = policy.delay(attempt, instance.jitter(activity_id))
        await _internal_sleep(instance, delay, f"{cmds.INTERNAL}retry.{base}.{attempt}")
        attempt += 1


def _decode_details(instance: WorkflowInstance, details: Any) -> Any:
    if details is None:
        return None
    try:
        values = instance.converter.decode_args(details)
    except Exception:
        return details
    return values[0] if len(values) == 1 else tuple(values)


async def _internal_sleep(instance: WorkflowInstance, seconds: int, key: str) -> None:
    future: asyncio.Future[None] = instance.loop.create_future()
    timer = instance.loop.durable_timer(seconds, _set, future, key=key)
    timer.future = future
    try:
        await future
    finally:
        timer.cancel()


def _set(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)


class ChildWorkflowHandle(Generic[_T]):
    """A started child workflow: await it (or `result`) for its result; `signal` or `cancel` it.

    Attributes:
        workflow_id: The child's workflow id.
        run_id: The child's run id.
    """

    def __init__(
        self, instance: WorkflowInstance, command: cmds.ChildCommand, definition: WorkflowDefinition | None
    ):
        self._instance = instance
        self._command = command
        self._definition = definition
        self.workflow_id = command.key
        self.run_id = command.run_id

    def __repr__(self) -> str:
        return f"<ChildWorkflowHandle {self.workflow_id} run {self.run_id}>"

    def __await__(self) -> Generator[Any, None, _T]:
        return self.result().__await__()

    async def result(self) -> _T:
        """Waits for the child to close and returns its result (decoded by its ``run()`` annotation).

        Raises:
            ChildWorkflowError: When it failed (its ``cause`` is the child's failure), was canceled or
                terminated; `ChildWorkflowTimeoutError` when it timed out.
            asyncio.CancelledError: When the awaiting task was cancelled (the child is asked to cancel).
        """
        future = self._command.future
        assert future is not None
        event = await future
        attributes = event.attributes
        hint = self._definition.hints[1] if self._definition is not None else Any
        if event.name == "ChildWorkflowExecutionCompleted":
            value: _T = self._instance.converter.decode(attributes.get("result"), hint)
            return value
        options: dict[str, Any] = {
            "workflow_type": self._command.workflow_type,
            "workflow_id": self.workflow_id,
            "run_id": self._command.run_id,
        }
        name = f"child workflow {self._command.workflow_type[0]} ({self.workflow_id})"
        if event.name == "ChildWorkflowExecutionFailed":
            cause = decode_failure(
                attributes.get("reason"), attributes.get("details"), self._instance.converter
            )
            raise ChildWorkflowError(f"{name} failed: {cause}", status="FAILED", cause=cause, **options)
        if event.name == "ChildWorkflowExecutionTimedOut":
            raise ChildWorkflowTimeoutError(f"{name} timed out", status="TIMED_OUT", **options)
        status = "CANCELED" if event.name == "ChildWorkflowExecutionCanceled" else "TERMINATED"
        raise ChildWorkflowError(f"{name} was {status.lower()}", status=status, **options)

    async def signal(self, signal: Any, *args: Any) -> None:
        """Signals the child (``SignalExternalWorkflowExecution``); see `signal_external`."""
        await signal_external(self.workflow_id, signal, *args, run_id=self._command.run_id)

    def cancel(self) -> None:
        """Asks the child to cancel; awaiting its result then raises `ChildWorkflowError` (``CANCELED``)."""
        self._instance.cancel_child(self._command)


def _child_id(instance: WorkflowInstance, sequence: int) -> tuple[str, str]:
    started = instance.started_event
    continued = started.attributes.get("continued_execution_run_id") if started is not None else None
    # A continued run gets its own ids: children of an earlier run of the chain may still be open.
    tag = f".{hashlib.sha256(str(continued).encode()).hexdigest()[:6]}" if continued else ""
    suffix = f"{tag}.{sequence}"
    base = instance.workflow_id or "(workflow-id-unknown)"
    return base[: 256 - len(suffix)] + suffix, suffix


async def start_child(
    workflow: Any,
    *args: Any,
    workflow_id: str | None = None,
    task_list: str | None = None,
    execution_start_to_close: Duration | None = None,
    task_start_to_close: Duration | None = None,
    child_policy: str | None = None,
    tags: Sequence[str] | None = None,
    version: str | None = None,
) -> ChildWorkflowHandle[Any]:
    """Starts a child workflow and returns its handle once SWF has started it.

    Args:
        workflow: A ``@flow.workflow`` class, or a workflow type's name (with ``version``).
        *args: Its arguments.
        workflow_id: The child's workflow id (default: ``<parent id>.<n>``, in order of creation).
        task_list: Its decision task list (default: the workflow's, else the parent's).
        execution_start_to_close: Its timeout (default: the workflow's).
        task_start_to_close: Its decision tasks' timeout (default: the workflow's).
        child_policy: Its child policy (default: the workflow's).
        tags: Its tags.
        version: The version, when ``workflow`` is a name (default ``"1"``).

    Returns:
        The child's handle.

    Raises:
        DecisionFailedError: When SWF refused to start it (unknown type, id already running, ...).
    """
    instance = current_instance("start_child")
    location = source_location(2) or instance.where()
    definition: WorkflowDefinition | None
    if isinstance(workflow, str):
        definition = None
        workflow_type = (
            validation.check_name(workflow, "workflow"),
            validation.check_version(version or "1", "version"),
        )
    else:
        definition = workflow_definition(workflow)
        workflow_type = definition.type_key
    sequence = instance.next_id("child")
    suffix: str | None = None
    if workflow_id is None:
        workflow_id, suffix = _child_id(instance, sequence)
    text, references = instance.encode_args(args, f"input of child workflow {workflow_type[0]}")
    decision = ChildWorkflowExecutionDecision.start(
        workflow_type,
        workflow_id,
        input=text,
        task_list=task_list or (definition.task_list if definition else None) or _parent_task_list(instance),
        execution_start_to_close_timeout=swf_seconds(execution_start_to_close, "execution_start_to_close")
        or (definition.execution_start_to_close if definition else None),
        task_start_to_close_timeout=swf_seconds(task_start_to_close, "task_start_to_close")
        or (definition.task_start_to_close if definition else None),
        child_policy=child_policy or (definition.child_policy if definition else None),
        tag_list=list(tags) if tags is not None else None,
    )
    started: asyncio.Future[str] = instance.loop.create_future()
    result: asyncio.Future[Event] = instance.loop.create_future()
    command = cmds.ChildCommand(
        workflow_id,
        decision,
        location=location,
        references=references,
        workflow_type=workflow_type,
        suffix=suffix,
        started=started,
        future=result,
    )
    instance.submit(command)
    for future in (started, result):
        future.add_done_callback(functools.partial(_on_cancelled, instance, command, instance.cancel_child))
    await started
    return ChildWorkflowHandle(instance, command, definition)


async def execute_child(workflow: Any, *args: Any, **options: Any) -> Any:
    """Starts a child workflow and returns its result: ``await flow.start_child(...)`` then its result.

    Takes `start_child`'s arguments.

    Raises:
        ChildWorkflowError: When the child failed, was canceled or terminated (`ChildWorkflowTimeoutError`
            when it timed out).
        DecisionFailedError: When SWF refused to start it.
    """
    handle = await start_child(workflow, *args, **options)
    return await handle.result()


async def signal_external(workflow_id: str, signal: Any, *args: Any, run_id: str | None = None) -> None:
    """Signals another workflow execution and waits until SWF delivered the signal.

    Args:
        workflow_id: The target's workflow id.
        signal: The signal's name, or a ``@flow.signal`` method of the target's class.
        *args: Its arguments.
        run_id: The target run (default: the open run of that workflow id).

    Raises:
        DecisionFailedError: When SWF could not deliver it (``UNKNOWN_EXTERNAL_WORKFLOW_EXECUTION``).
    """
    instance = current_instance("signal_external")
    name = signal_name(signal)
    text, references = instance.encode_args(args, f"input of signal {name}")
    future: asyncio.Future[None] = instance.loop.create_future()
    decision = ExternalWorkflowExecutionDecision.signal(workflow_id, name, run_id=run_id, input=text)
    command = cmds.SignalExternalCommand(
        workflow_id,
        decision,
        location=source_location(2) or instance.where(),
        references=references,
        signal_name=name,
        future=future,
    )
    instance.submit(command)
    future.add_done_callback(functools.partial(_on_cancelled, instance, command, instance.withdraw))
    await future


async def cancel_external(workflow_id: str, *, run_id: str | None = None) -> None:
    """Asks another workflow execution to cancel, and waits until SWF delivered the request.

    Args:
        workflow_id: The target's workflow id.
        run_id: The target run (default: the open run of that workflow id).

    Raises:
        DecisionFailedError: When SWF could not deliver it (``UNKNOWN_EXTERNAL_WORKFLOW_EXECUTION``).
    """
    instance = current_instance("cancel_external")
    future: asyncio.Future[None] = instance.loop.create_future()
    decision = ExternalWorkflowExecutionDecision.request_cancel(workflow_id, run_id=run_id)
    command = cmds.CancelExternalCommand(
        workflow_id, decision, location=source_location(2) or instance.where(), future=future
    )
    instance.submit(command)
    future.add_done_callback(functools.partial(_on_cancelled, instance, command, instance.withdraw))
    await future
