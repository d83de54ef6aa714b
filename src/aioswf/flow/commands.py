"""Commands: what workflow code asks SWF for, and how each is recognised in the history.

Every command becomes one decision. SWF records one event for every decision it takes (its *echo*:
``ActivityTaskScheduled`` for ``ScheduleActivityTask``, or ``ScheduleActivityTaskFailed``), carrying the
id of the ``DecisionTaskCompleted`` event that brought it. A replay matches each echo with the code's
next unsent command of the same *kind*, and compares their ids and types: the order among kinds is not
compared (SWF does not depend on it), the order within a kind is. After the echo, the command's later
events (``ActivityTaskCompleted``, ``TimerFired``, ...) find it by the echo's event id.

Ids are derived per kind in order of creation (activities ``1``, ``2``, ...; timers ``1``, ``2``, ...), so
adding a timer does not shift the ids of activities; a user key replaces the derived id. Ids starting
with ``aioswf.`` belong to aioswf itself: carry-over and retry timers, and markers for side effects,
patches and the run's random seed.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any, ClassVar

import attrs

from aioswf.flow.loop import DurableTimer
from aioswf.flow.payloads import PayloadReference
from aioswf.models.decision import Decision
from aioswf.models.event import Event

__all__ = [
    "ActivityCommand",
    "CancelActivityCommand",
    "CancelExternalCommand",
    "CancelTimerCommand",
    "ChildCommand",
    "CloseCommand",
    "Command",
    "Echo",
    "MarkerCommand",
    "SignalExternalCommand",
    "TimerCommand",
    "echo_of",
]

#: Prefix of the ids and marker names aioswf uses for itself.
INTERNAL = "aioswf."
#: Timers that only get the run a new decision task: carry-over past 100 decisions, retried tasks.
CARRY_TIMER = "aioswf.carry."
TASK_RETRY_TIMER = "aioswf.task-retry."
#: The marker recorded with the answer to a decision task whose code failed (the round is skipped).
FAILED_MARKER = "aioswf.decision-failed"
#: Markers that a replay matches when present and forgives when absent.
SEED_MARKER = "aioswf.seed"
PATCH_MARKER = "aioswf.patch."
SIDE_EFFECT_MARKER = "aioswf.side-effect."

_CLOSE_TYPES: Mapping[str, str] = {
    "WorkflowExecutionCompleted": "CompleteWorkflowExecution",
    "CompleteWorkflowExecutionFailed": "CompleteWorkflowExecution",
    "WorkflowExecutionFailed": "FailWorkflowExecution",
    "FailWorkflowExecutionFailed": "FailWorkflowExecution",
    "WorkflowExecutionCanceled": "CancelWorkflowExecution",
    "CancelWorkflowExecutionFailed": "CancelWorkflowExecution",
    "WorkflowExecutionContinuedAsNew": "ContinueAsNewWorkflowExecution",
    "ContinueAsNewWorkflowExecutionFailed": "ContinueAsNewWorkflowExecution",
}

_ECHO_KINDS: Mapping[str, str] = {
    "ActivityTaskScheduled": "activity",
    "ScheduleActivityTaskFailed": "activity",
    "ActivityTaskCancelRequested": "cancel_activity",
    "RequestCancelActivityTaskFailed": "cancel_activity",
    "TimerStarted": "timer",
    "StartTimerFailed": "timer",
    "TimerCanceled": "cancel_timer",
    "CancelTimerFailed": "cancel_timer",
    "MarkerRecorded": "marker",
    "RecordMarkerFailed": "marker",
    "StartChildWorkflowExecutionInitiated": "child",
    "StartChildWorkflowExecutionFailed": "child",
    "SignalExternalWorkflowExecutionInitiated": "signal",
    "RequestCancelExternalWorkflowExecutionInitiated": "cancel_external",
    "LambdaFunctionScheduled": "lambda",
    "ScheduleLambdaFunctionFailed": "lambda",
    **dict.fromkeys(_CLOSE_TYPES, "close"),
}


def _type_key(value: Any) -> tuple[str, str]:
    if isinstance(value, Mapping):
        return (str(value.get("name", "")), str(value.get("version", "")))
    return ("", "")


@attrs.frozen
class Echo:
    """An event that records a decision, reduced to what matching compares.

    Attributes:
        event: The event.
        kind: The command kind it answers (``activity``, ``timer``, ``marker``, ``child``, ...).
        key: The id it carries (activity id, timer id, marker name, workflow id, close decision type).
        type_key: ``(name, version)`` of an activity or child workflow, else ``("", "")``.
        extra: More that must match (a signal's name), else ``""``.
        failed: Whether SWF refused the decision (a ``*Failed`` event).
    """

    event: Event
    kind: str
    key: str
    type_key: tuple[str, str] = ("", "")
    extra: str = ""
    failed: bool = False

    @property
    def internal(self) -> bool:
        """Whether the echo is of aioswf's own timers or failure markers (matched by no command)."""
        if self.kind == "timer":
            return self.key.startswith((CARRY_TIMER, TASK_RETRY_TIMER))
        return self.kind == "marker" and self.key == FAILED_MARKER

    @property
    def lenient(self) -> bool:
        """Whether a missing command for it is forgiven (the seed and patch markers)."""
        return self.kind == "marker" and (self.key == SEED_MARKER or self.key.startswith(PATCH_MARKER))

    def describe(self) -> str:
        """The echo in words, e.g. ``ActivityTaskScheduled (event 5): activity charge/1, id '3'``."""
        what = _KIND_WORDS.get(self.kind, self.kind)
        parts = [f"{self.event.name} (event {self.event.id}): {what}"]
        if self.type_key != ("", ""):
            parts.append(f" {self.type_key[0]}/{self.type_key[1]}")
        if self.kind == "close":
            parts.append(f" {self.key}")
        else:
            parts.append(f", id {self.key!r}")
        if self.extra:
            parts.append(f", signal {self.extra!r}")
        return "".join(parts)


_KIND_WORDS = {
    "activity": "activity",
    "cancel_activity": "cancellation of activity",
    "timer": "timer",
    "cancel_timer": "cancellation of timer",
    "marker": "marker",
    "child": "child workflow",
    "signal": "signal to workflow",
    "cancel_external": "cancellation of workflow",
    "lambda": "Lambda function",
    "close": "closing the run:",
}


def echo_of(event: Event, completed_event_id: int) -> Echo | None:
    """The echo an event is, when it records a decision of the given decision task.

    Args:
        event: An event of the history.
        completed_event_id: The id of the ``DecisionTaskCompleted`` event of the decisions in question.

    Returns:
        The echo, or ``None`` when the event records no decision of that task (a result, a signal, ...).
    """
    kind = _ECHO_KINDS.get(event.name)
    if kind is None:
        return None
    attributes = event.attributes
    if attributes.get("decision_task_completed_event_id") != completed_event_id:
        return None
    if event.name == "StartChildWorkflowExecutionFailed" and attributes.get("initiated_event_id"):
        return None  # the failure of an initiated start: a result, not the echo
    failed = event.name.endswith("Failed")
    if kind in ("activity", "cancel_activity"):
        return Echo(
            event,
            kind,
            str(attributes.get("activity_id")),
            _type_key(attributes.get("activity_type")),
            failed=failed,
        )
    if kind in ("timer", "cancel_timer"):
        return Echo(event, kind, str(attributes.get("timer_id")), failed=failed)
    if kind == "marker":
        return Echo(event, kind, str(attributes.get("marker_name")), failed=failed)
    if kind == "child":
        return Echo(
            event,
            kind,
            str(attributes.get("workflow_id")),
            _type_key(attributes.get("workflow_type")),
            failed=failed,
        )
    if kind == "signal":
        return Echo(event, kind, str(attributes.get("workflow_id")), extra=str(attributes.get("signal_name")))
    if kind == "cancel_external":
        return Echo(event, kind, str(attributes.get("workflow_id")))
    if kind == "lambda":
        return Echo(event, kind, str(attributes.get("id")), failed=failed)
    return Echo(event, kind, _CLOSE_TYPES[event.name], failed=failed)


@attrs.define(eq=False)
class Command:
    """One thing the workflow code asked for, from its creation to its echo and its outcome.

    Attributes:
        key: The id compared with the echo's.
        decision: The decision it becomes.
        location: The source line that asked (``file:line in function``).
        references: Payloads to put in the payload store before the decision is sent.
        state: ``unsent``, then whatever its events make it.
        echo_event_id: The id of its echo, once matched.
    """

    kind: ClassVar[str] = ""

    key: str
    decision: Decision
    location: str | None = None
    references: tuple[PayloadReference, ...] = ()
    state: str = "unsent"
    echo_event_id: int | None = None

    def matches(self, echo: Echo, workflow_id_known: bool = True) -> bool:
        """Whether an echo records this command (same kind, id and type)."""
        return echo.kind == self.kind and echo.key == self.key

    def describe(self) -> str:
        """The command in words."""
        return f"{_KIND_WORDS.get(self.kind, self.kind)}, id {self.key!r}"


@attrs.define(eq=False)
class ActivityCommand(Command):
    """``ScheduleActivityTask``: its future gets an `ActivityOutcome` from the activity's closing event."""

    kind: ClassVar[str] = "activity"

    activity_type: tuple[str, str] = ("", "")
    future: asyncio.Future[Any] | None = None

    def matches(self, echo: Echo, workflow_id_known: bool = True) -> bool:
        """Same kind, activity id and activity type."""
        return echo.kind == self.kind and echo.key == self.key and echo.type_key == self.activity_type

    def describe(self) -> str:
        """E.g. ``activity charge/1, id '3'``."""
        return f"activity {self.activity_type[0]}/{self.activity_type[1]}, id {self.key!r}"


@attrs.define(eq=False)
class CancelActivityCommand(Command):
    """``RequestCancelActivityTask`` of an activity the code stopped waiting for."""

    kind: ClassVar[str] = "cancel_activity"


@attrs.define(eq=False)
class TimerCommand(Command):
    """``StartTimer``: when ``TimerFired`` is delivered, its handle is put on the loop's ready queue."""

    kind: ClassVar[str] = "timer"

    timer: DurableTimer | None = None

    def describe(self) -> str:
        """E.g. ``timer, id '2' (30 s)``."""
        seconds = self.timer.seconds if self.timer is not None else "?"
        return f"timer, id {self.key!r} ({seconds} s)"


@attrs.define(eq=False)
class CancelTimerCommand(Command):
    """``CancelTimer`` of a timer the code no longer waits for."""

    kind: ClassVar[str] = "cancel_timer"


@attrs.define(eq=False)
class MarkerCommand(Command):
    """``RecordMarker``: a user's marker, a side effect's value, a patch or the run's seed."""

    kind: ClassVar[str] = "marker"

    forgiven: bool = False

    def describe(self) -> str:
        """E.g. ``marker 'checkpoint'``."""
        return f"marker {self.key!r}"


@attrs.define(eq=False)
class ChildCommand(Command):
    """``StartChildWorkflowExecution``: ``started`` gets the run id, ``future`` a `ChildOutcome`."""

    kind: ClassVar[str] = "child"

    workflow_type: tuple[str, str] = ("", "")
    suffix: str | None = None
    started: asyncio.Future[str] | None = None
    future: asyncio.Future[Any] | None = None
    run_id: str | None = None
    cancel_when_started: bool = False

    def matches(self, echo: Echo, workflow_id_known: bool = True) -> bool:
        """Same kind, workflow type and workflow id (a derived id by its suffix when the parent's is unknown)."""
        if echo.kind != self.kind or echo.type_key != self.workflow_type:
            return False
        if self.suffix is not None and not workflow_id_known:
            return echo.key.endswith(self.suffix)
        return echo.key == self.key

    def describe(self) -> str:
        """E.g. ``child workflow Payment/1, id 'order-1.1'``."""
        return f"child workflow {self.workflow_type[0]}/{self.workflow_type[1]}, id {self.key!r}"


@attrs.define(eq=False)
class SignalExternalCommand(Command):
    """``SignalExternalWorkflowExecution``: its future resolves when SWF delivered (or refused) it."""

    kind: ClassVar[str] = "signal"

    signal_name: str = ""
    future: asyncio.Future[None] | None = None

    def matches(self, echo: Echo, workflow_id_known: bool = True) -> bool:
        """Same kind, target workflow id and signal name."""
        return echo.kind == self.kind and echo.key == self.key and echo.extra == self.signal_name

    def describe(self) -> str:
        """E.g. ``signal 'approve' to workflow 'order-2'``."""
        return f"signal {self.signal_name!r} to workflow {self.key!r}"


@attrs.define(eq=False)
class CancelExternalCommand(Command):
    """``RequestCancelExternalWorkflowExecution`` of another run, or of a child the code cancelled."""

    kind: ClassVar[str] = "cancel_external"

    future: asyncio.Future[None] | None = None

    def describe(self) -> str:
        """E.g. ``cancellation of workflow 'order-2'``."""
        return f"cancellation of workflow {self.key!r}"


@attrs.define(eq=False)
class CloseCommand(Command):
    """The decision that closes the run: complete, fail, cancel or continue as new (``key``)."""

    kind: ClassVar[str] = "close"

    def describe(self) -> str:
        """E.g. ``closing the run: CompleteWorkflowExecution``."""
        return f"closing the run: {self.key}"
