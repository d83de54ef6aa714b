"""The compiled state of a workflow execution: what `aioswf.models.history.History.compile` returns.

Each object of an execution gets a frozen state class (`ActivityState`, `TimerState`, ...) holding the
state set by its latest event and what the events said about it; `CompiledHistory` gathers them all.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from aioswf.models.event import Event

__all__ = [
    "CLOSED_EXECUTION_STATES",
    "ActivityState",
    "ChildWorkflowState",
    "CompiledHistory",
    "DecisionTaskState",
    "ExecutionState",
    "ExternalOperationState",
    "LambdaFunctionState",
    "MarkerState",
    "SignalState",
    "TimerState",
]

#: The states in which each kind of object is still open (its work may still produce events).
_OPEN_ACTIVITY = frozenset({"scheduled", "started", "cancel_requested"})
_OPEN_TIMER = frozenset({"started"})
_OPEN_CHILD = frozenset({"start_initiated", "started"})
_OPEN_LAMBDA = frozenset({"scheduled", "started"})
#: The states of a closed execution.
CLOSED_EXECUTION_STATES = frozenset(
    {"completed", "failed", "timed_out", "canceled", "continued_as_new", "terminated"}
)


@attrs.frozen
class ActivityState:
    """The current state of one activity task, by activity id.

    Attributes:
        activity_id: The activity id.
        state: The state set by the activity's latest event: ``scheduled``, ``schedule_failed``,
            ``started``, ``completed``, ``failed``, ``timed_out``, ``canceled``, ``cancel_requested`` or
            ``request_cancel_failed``. A failed schedule or cancel request never overrides an open task.
        attempts: How many times a task with this id was scheduled in the history (ids may be reused
            once the previous task closed); the other fields describe the latest attempt.
        activity_type: The activity type, as ``{"name": ..., "version": ...}``.
        input: The task's input. control: The decider's control data.
        result: The result of a completed task. reason, details: Why it failed (details also for a
            cancellation or a heartbeat timeout). timeout_type: Which timeout expired.
        cause: The cause of the latest failed decision about this id (schedule or cancel request).
        cancel_requested: Whether cancellation of the latest attempt was requested.
        identity: The worker that started the task. task_list: Its task list name.
        scheduled_event_id, started_event_id, closed_event_id: Ids of the attempt's events.
    """

    activity_id: str
    state: str
    attempts: int = 0
    activity_type: Mapping[str, Any] | None = None
    input: str | None = None
    control: str | None = None
    result: str | None = None
    reason: str | None = None
    details: str | None = None
    timeout_type: str | None = None
    cause: str | None = None
    cancel_requested: bool = False
    identity: str | None = None
    task_list: str | None = None
    scheduled_event_id: int | None = None
    started_event_id: int | None = None
    closed_event_id: int | None = None

    @property
    def is_open(self) -> bool:
        """Whether the task is still scheduled or running."""
        return self.state in _OPEN_ACTIVITY


@attrs.frozen
class TimerState:
    """The current state of one timer, by timer id.

    Attributes:
        timer_id: The timer id.
        state: ``started``, ``start_failed``, ``fired``, ``canceled`` or ``cancel_failed`` (a failed start
            or cancel never overrides a running timer).
        attempts: How many times a timer with this id was started.
        start_to_fire_timeout: Its duration in seconds (SWF's string). control: The decider's data.
        cause: The cause of the latest failed decision about this id.
        started_event_id, closed_event_id: Ids of the latest timer's events.
    """

    timer_id: str
    state: str
    attempts: int = 0
    start_to_fire_timeout: str | None = None
    control: str | None = None
    cause: str | None = None
    started_event_id: int | None = None
    closed_event_id: int | None = None

    @property
    def is_open(self) -> bool:
        """Whether the timer is running."""
        return self.state in _OPEN_TIMER


@attrs.frozen
class ChildWorkflowState:
    """The current state of one child workflow execution, by workflow id.

    Attributes:
        workflow_id: The child's workflow id.
        state: ``start_initiated``, ``start_failed``, ``started``, ``completed``, ``failed``,
            ``timed_out``, ``canceled`` or ``terminated``.
        attempts: How many times a child with this id was initiated.
        workflow_type: ``{"name": ..., "version": ...}``. run_id: The child's run id once started.
        input, control: As given when it was started. result, reason, details, timeout_type: How it
            closed. cause: Why the latest start failed.
        initiated_event_id, started_event_id, closed_event_id: Ids of the latest child's events.
    """

    workflow_id: str
    state: str
    attempts: int = 0
    workflow_type: Mapping[str, Any] | None = None
    run_id: str | None = None
    input: str | None = None
    control: str | None = None
    result: str | None = None
    reason: str | None = None
    details: str | None = None
    timeout_type: str | None = None
    cause: str | None = None
    initiated_event_id: int | None = None
    started_event_id: int | None = None
    closed_event_id: int | None = None

    @property
    def is_open(self) -> bool:
        """Whether the child is being started or is running."""
        return self.state in _OPEN_CHILD


@attrs.frozen
class LambdaFunctionState:
    """The current state of one AWS Lambda task, by its id.

    Attributes:
        function_id: The Lambda task's id. name: The function's name or ARN.
        state: ``scheduled``, ``schedule_failed``, ``started``, ``start_failed``, ``completed``,
            ``failed`` or ``timed_out``.
        attempts: How many times a Lambda task with this id was scheduled.
        input, control, result, reason, details, timeout_type: As for activities.
        cause, message: Why scheduling or starting failed.
        scheduled_event_id, started_event_id, closed_event_id: Ids of the latest attempt's events.
    """

    function_id: str
    state: str
    attempts: int = 0
    name: str | None = None
    input: str | None = None
    control: str | None = None
    result: str | None = None
    reason: str | None = None
    details: str | None = None
    timeout_type: str | None = None
    cause: str | None = None
    message: str | None = None
    scheduled_event_id: int | None = None
    started_event_id: int | None = None
    closed_event_id: int | None = None

    @property
    def is_open(self) -> bool:
        """Whether the Lambda task is scheduled or running."""
        return self.state in _OPEN_LAMBDA


@attrs.frozen
class MarkerState:
    """The latest state of the markers with one name.

    Attributes:
        name: The marker's name.
        state: ``recorded`` or ``record_failed`` (of the latest attempt).
        details: The details of the latest marker recorded with this name.
        count: How many markers with this name were recorded.
        cause: Why the latest attempt failed, if it did.
        event_id: The id of the latest event about this marker name.
    """

    name: str
    state: str
    details: str | None = None
    count: int = 0
    cause: str | None = None
    event_id: int | None = None


@attrs.frozen
class SignalState:
    """A signal the execution received.

    Attributes:
        name: The signal's name. input: Its input.
        external_workflow_execution: The sender (``{"workflow_id", "run_id"}``) when it was a workflow.
        external_initiated_event_id: The sender's initiating event id.
        event_id: The id of the ``WorkflowExecutionSignaled`` event.
    """

    name: str
    input: str | None = None
    external_workflow_execution: Mapping[str, Any] | None = None
    external_initiated_event_id: int | None = None
    event_id: int | None = None


@attrs.frozen
class ExternalOperationState:
    """A signal or cancellation request that this execution sent to another execution.

    Attributes:
        kind: ``"signal"`` or ``"request_cancel"``.
        workflow_id: The target's workflow id. run_id: The target's run id, when given or known.
        state: ``signal_initiated``, ``signaled``, ``signal_failed``, ``request_cancel_initiated``,
            ``cancel_requested`` or ``request_cancel_failed``.
        signal_name, input: The signal sent. control: The decider's data. cause: Why it failed.
        initiated_event_id: The id of the initiating event (``None`` if before the history's start).
    """

    kind: str
    workflow_id: str | None
    state: str
    run_id: str | None = None
    signal_name: str | None = None
    input: str | None = None
    control: str | None = None
    cause: str | None = None
    initiated_event_id: int | None = None


@attrs.frozen
class DecisionTaskState:
    """The latest decision task of the execution.

    Attributes:
        state: ``scheduled``, ``started``, ``completed`` or ``timed_out``.
        count: How many decision tasks were scheduled in the history.
        execution_context: The latest execution context a decider gave when completing a task.
        timeout_type: Which timeout expired, if the latest task timed out.
        identity: The decider that started the latest task.
        scheduled_event_id, started_event_id, closed_event_id: Ids of the latest task's events.
    """

    state: str
    count: int = 0
    execution_context: str | None = None
    timeout_type: str | None = None
    identity: str | None = None
    scheduled_event_id: int | None = None
    started_event_id: int | None = None
    closed_event_id: int | None = None


@attrs.frozen
class ExecutionState:
    """The state of the workflow execution itself.

    Attributes:
        state: ``unknown`` (empty history), ``started`` (open), or how it closed: ``completed``,
            ``failed``, ``timed_out``, ``canceled``, ``continued_as_new`` or ``terminated``. A failed close
            decision (e.g. ``CompleteWorkflowExecutionFailed``) leaves the execution open and sets `cause`.
        workflow_type, input, tag_list, child_policy, task_list: From ``WorkflowExecutionStarted``.
        continued_execution_run_id: The run this one continues, if any.
        parent_workflow_execution: The parent, for a child execution.
        result, reason, details, timeout_type: How it closed.
        cause: The cause of the latest failed close decision, or of a termination.
        cancel_requested: Whether cancellation of the execution was requested.
        new_execution_run_id: The run it continued as, if it did.
        signals_received: How many signals it received.
    """

    state: str = "unknown"
    workflow_type: Mapping[str, Any] | None = None
    input: str | None = None
    tag_list: tuple[str, ...] = ()
    child_policy: str | None = None
    task_list: str | None = None
    continued_execution_run_id: str | None = None
    parent_workflow_execution: Mapping[str, Any] | None = None
    result: str | None = None
    reason: str | None = None
    details: str | None = None
    timeout_type: str | None = None
    cause: str | None = None
    cancel_requested: bool = False
    new_execution_run_id: str | None = None
    signals_received: int = 0

    @property
    def is_open(self) -> bool:
        """Whether the execution is still open, as far as the history tells."""
        return self.state not in CLOSED_EXECUTION_STATES


@attrs.frozen
class CompiledHistory:
    """The current state of everything in an execution, compiled from its history by `History.compile`.

    Attributes:
        execution: The execution itself.
        decision_task: The latest decision task, if the history has one.
        activities: Activity tasks by activity id.
        timers: Timers by timer id.
        child_workflows: Child workflow executions by workflow id.
        markers: Markers by name.
        lambda_functions: Lambda tasks by their id.
        signals: The signals received, in order.
        external_operations: Signals and cancellation requests sent to other executions, in order.
        unresolved: Events that refer to something before the history's first event (or of a type this
            version does not know), which compile could not attach to an object.
    """

    execution: ExecutionState = ExecutionState()
    decision_task: DecisionTaskState | None = None
    activities: Mapping[str, ActivityState] = attrs.field(factory=dict)
    timers: Mapping[str, TimerState] = attrs.field(factory=dict)
    child_workflows: Mapping[str, ChildWorkflowState] = attrs.field(factory=dict)
    markers: Mapping[str, MarkerState] = attrs.field(factory=dict)
    lambda_functions: Mapping[str, LambdaFunctionState] = attrs.field(factory=dict)
    signals: tuple[SignalState, ...] = ()
    external_operations: tuple[ExternalOperationState, ...] = ()
    unresolved: tuple[Event, ...] = ()
