"""The activity side: what activity code knows (`activity_info`), heartbeats, and the worker's handler.

An activity function takes and returns ordinary values: the worker resolves a payload reference in the
task's input (when a payload store is configured), decodes the arguments by the function's annotations,
runs it (a coroutine function on the loop, a plain one in a worker thread), encodes the result, and puts
a result over SWF's limit in the store. An exception fails the task with its type, message and details
(`aioswf.flow.failures`), which is what the workflow's `ActivityError` carries as its cause.
"""

from __future__ import annotations

import contextvars
import re
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

import anyio
import attrs

from aioswf import constants, validation
from aioswf.actors.handlers import call_handler
from aioswf.actors.worker import ActivityError as TaskFailure
from aioswf.actors.worker import current_activity
from aioswf.flow.converter import DataConverter
from aioswf.flow.definitions import ActivityDefinition
from aioswf.flow.failures import encode_failure
from aioswf.flow.payloads import PayloadOffloader
from aioswf.models.task import ActivityTask

__all__ = [
    "ActivityControl",
    "ActivityInfo",
    "activity_handler",
    "activity_info",
    "attempt_of",
    "current_info",
    "heartbeat",
]

_ATTEMPT = re.compile(r"#(\d+)$")


def attempt_of(activity_id: str) -> int:
    """The attempt an activity id names: ``3`` is the first attempt of activity 3, ``3#2`` its second."""
    found = _ATTEMPT.search(activity_id)
    return int(found.group(1)) if found else 1


class ActivityControl(Protocol):
    """What runs an activity provides to it: heartbeats and cancellation (a worker, or a test's fake)."""

    def record_heartbeat(self, details: str | None) -> None:
        """Keeps the details for the next heartbeat (sent by the worker at its interval)."""

    def should_stop(self) -> bool:
        """Whether the activity should stop (cancellation requested, timed out, or the worker stopping)."""

    @property
    def cancel_requested(self) -> bool:
        """Whether SWF asked for the activity to be canceled."""


@attrs.frozen
class ActivityInfo:
    """What a running activity knows about itself (`flow.activity_info`).

    Attributes:
        activity_id: The task's activity id.
        activity_type: ``(name, version)``.
        attempt: 1 for the first attempt; retries count up.
        workflow_id: The workflow id of the run that scheduled it.
        run_id: That run's id.
        domain: The domain's name.
        task_list: The task list it came from.
        started_event_id: The id of its ``ActivityTaskStarted`` event.
    """

    activity_id: str
    activity_type: tuple[str, str]
    attempt: int
    workflow_id: str
    run_id: str | None
    domain: str
    task_list: str
    started_event_id: int
    control: ActivityControl = attrs.field(repr=False, eq=False)
    converter: DataConverter = attrs.field(repr=False, eq=False, factory=DataConverter)

    def should_stop(self) -> bool:
        """Whether the activity should stop: check it between steps of plain (threaded) activity code."""
        return self.control.should_stop()

    @property
    def cancel_requested(self) -> bool:
        """Whether SWF asked for the activity to be canceled."""
        return self.control.cancel_requested

    def heartbeat(self, *details: Any) -> None:
        """Records progress; see `flow.heartbeat`."""
        text = self.converter.encode_args(details) if details else None
        self.control.record_heartbeat(validation.check_heartbeat_details(text, "details"))


_current: contextvars.ContextVar[ActivityInfo] = contextvars.ContextVar("aioswf_flow_activity")


def current_info() -> ActivityInfo | None:
    """The running activity's info, or ``None`` outside activity code."""
    return _current.get(None)


def activity_info() -> ActivityInfo:
    """What the running activity knows about itself (its ids, its attempt, whether it should stop).

    Raises:
        RuntimeError: When called outside activity code.
    """
    found = _current.get(None)
    if found is None:
        raise RuntimeError("flow.activity_info() is only available in activity code")
    return found


def heartbeat(*details: Any) -> None:
    """Tells SWF the activity is alive, with progress details (encoded by the data converter).

    Cheap to call often: the details are kept and the worker sends the latest with its next heartbeat (at a
    third of the activity's heartbeat timeout), so SWF sees at most one heartbeat per interval.

    Raises:
        RuntimeError: When called outside activity code.
        ValidationError: When the details are over SWF's 2,048 characters (heartbeat details are
            SWF's ``LimitedData``).
    """
    activity_info().heartbeat(*details)


class _WorkerControl:
    """`ActivityControl` on the actors' `ActivityContext` (which heartbeats and cancels)."""

    def __init__(self) -> None:
        self._context = current_activity()

    def record_heartbeat(self, details: str | None) -> None:
        self._context.details = details

    def should_stop(self) -> bool:
        return self._context.should_stop()

    @property
    def cancel_requested(self) -> bool:
        return self._context.cancel_requested


def info_for(task: ActivityTask, control: ActivityControl, converter: DataConverter) -> ActivityInfo:
    """The `ActivityInfo` of a task."""
    execution = task.workflow_execution
    return ActivityInfo(
        activity_id=task.activity_id,
        activity_type=(task.activity_type.name, task.activity_type.version),
        attempt=attempt_of(task.activity_id),
        workflow_id=execution.workflow_id,
        run_id=execution.run_id,
        domain=task.domain.name,
        task_list=task.task_list,
        started_event_id=task.started_event_id,
        control=control,
        converter=converter,
    )


async def run_activity(definition: ActivityDefinition, info: ActivityInfo, args: list[Any]) -> Any:
    """Runs an activity function with its info current: on the loop, or in a thread when it is plain."""
    function = definition.function
    if function is None:
        raise TypeError(f"activity {definition.name} has no function to run")
    reset = _current.set(info)
    try:
        # As the actors call their handlers: a plain function in a daemon thread, which takes this context
        # (so activity_info() works there too) and does not keep the process alive past a stop's grace.
        return await call_handler(function, *args)
    finally:
        _current.reset(reset)


def activity_handler(
    definition: ActivityDefinition, *, converter: DataConverter, offloader: PayloadOffloader | None
) -> Callable[[ActivityTask], Awaitable[str | None]]:
    """The actors' handler for an activity: decode, run, encode (and offload), or fail with the error.

    Args:
        definition: The activity.
        converter: Decodes arguments and encodes results and failures.
        offloader: Resolves input references and stores results over SWF's limit (``None``: none).

    Returns:
        A coroutine function for `aioswf.actors.ActivityWorker`.
    """
    hints = definition.hints

    async def handle(task: ActivityTask) -> str | None:
        try:
            data = await offloader.resolve(task.input) if offloader is not None else task.input
            args = converter.decode_args(data, hints[0])
            value = await run_activity(definition, info_for(task, _WorkerControl(), converter), args)
            text = converter.encode(value)
        except anyio.get_cancelled_exc_class():
            raise
        except Exception as error:
            raise TaskFailure(*encode_failure(error, converter)) from error
        if len(text) > constants.MAX_DATA_LENGTH:
            if offloader is None:
                problem = ValueError(
                    f"the result of activity {definition.name} is {len(text):,} characters long; SWF accepts "
                    f"at most {constants.MAX_DATA_LENGTH:,} (configure a payload offloader on the worker)"
                )
                raise TaskFailure(*encode_failure(problem, converter))
            reference = offloader.reference(text)
            await offloader.put(reference)
            text = reference.text
        return text

    handle.__name__ = f"activity_{definition.name}"
    return handle
