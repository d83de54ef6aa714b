"""The compiled state of a workflow execution: what `History.compile` returns, and how it is folded.

Each object of an execution gets a frozen state class (`ActivityState`, `TimerState`, ...) holding the
state set by its latest event and what the events said about it. `compile_events` folds events, oldest
first, into a `CompiledHistory`; `aioswf.models.history.History.compile` is the usual way to call it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

import attrs

from aioswf.models.event import (
    ActivityTaskEvent,
    CancelRequestEvent,
    ChildWorkflowExecutionEvent,
    DecisionTaskEvent,
    Event,
    ExternalWorkflowExecutionEvent,
    LambdaFunctionEvent,
    MarkerEvent,
    SignalEvent,
    TimerEvent,
    WorkflowExecutionEvent,
)

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
    "compile_events",
    "workflow_id_of",
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


def _reference(event: Event, key: str) -> int:
    value = event.get(key)
    # Event ids are positive, so -1 refers to nothing: a missing or malformed reference stays unresolved.
    return value if isinstance(value, int) else -1


def _text(event: Event, key: str) -> str | None:
    value = event.get(key)
    return None if value is None else str(value)


def _task_list_name(value: Any) -> str | None:
    if isinstance(value, Mapping):
        name = value.get("name")
        return None if name is None else str(name)
    return None


def workflow_id_of(event: Event) -> str | None:
    """Returns the workflow id an event is about (its ``workflow_execution`` or ``workflow_id``).

    Args:
        event: A child or external workflow execution event.

    Returns:
        The workflow id, or ``None`` when the event carries none.
    """
    execution = event.get("workflow_execution")
    if isinstance(execution, Mapping) and execution.get("workflow_id") is not None:
        return str(execution["workflow_id"])
    workflow_id = event.get("workflow_id")
    return None if workflow_id is None else str(workflow_id)


@attrs.define
class _Compiler:
    """Folds events, in id order, into the mutable state that becomes a `CompiledHistory`."""

    execution: ExecutionState = ExecutionState()
    decision_task: DecisionTaskState | None = None
    activities: dict[str, ActivityState] = attrs.field(factory=dict)
    timers: dict[str, TimerState] = attrs.field(factory=dict)
    children: dict[str, ChildWorkflowState] = attrs.field(factory=dict)
    markers: dict[str, MarkerState] = attrs.field(factory=dict)
    lambdas: dict[str, LambdaFunctionState] = attrs.field(factory=dict)
    signals: list[SignalState] = attrs.field(factory=list)
    external: list[ExternalOperationState] = attrs.field(factory=list)
    unresolved: list[Event] = attrs.field(factory=list)
    activity_by_scheduled: dict[int, str] = attrs.field(factory=dict)
    lambda_by_scheduled: dict[int, str] = attrs.field(factory=dict)
    external_by_initiated: dict[int, int] = attrs.field(factory=dict)
    # A child initiated while another child with its id is open: SWF will fail it, so it must not hide
    # the open one until it actually starts.
    pending_children: dict[int, ChildWorkflowState] = attrs.field(factory=dict)

    def result(self) -> CompiledHistory:
        return CompiledHistory(
            execution=self.execution,
            decision_task=self.decision_task,
            activities=dict(self.activities),
            timers=dict(self.timers),
            child_workflows=dict(self.children),
            markers=dict(self.markers),
            lambda_functions=dict(self.lambdas),
            signals=tuple(self.signals),
            external_operations=tuple(self.external),
            unresolved=tuple(self.unresolved),
        )

    def feed(self, event: Event) -> None:
        if self.execution.state == "unknown":
            # Any event at all means the execution was started, even if the history begins later.
            self.execution = attrs.evolve(self.execution, state="started")
        handler = _HANDLERS.get(type(event))
        if handler is None or not handler(self, event):
            self.unresolved.append(event)

    def execution_event(self, event: Event) -> bool:
        state = event.state
        ex = self.execution
        if state == "started":
            self.execution = attrs.evolve(
                ex,
                workflow_type=event.get("workflow_type"),
                input=event.get("input"),
                tag_list=tuple(event.get("tag_list") or ()),
                child_policy=event.get("child_policy"),
                task_list=_task_list_name(event.get("task_list")),
                continued_execution_run_id=event.get("continued_execution_run_id"),
                parent_workflow_execution=event.get("parent_workflow_execution"),
            )
        elif state.endswith("_failed"):
            self.execution = attrs.evolve(ex, cause=event.get("cause"))
        else:
            self.execution = attrs.evolve(
                ex,
                state=state,
                result=event.get("result", ex.result),
                reason=event.get("reason", ex.reason),
                details=event.get("details", ex.details),
                timeout_type=event.get("timeout_type", ex.timeout_type),
                cause=event.get("cause", ex.cause),
                new_execution_run_id=event.get("new_execution_run_id", ex.new_execution_run_id),
            )
        return True

    def signal_event(self, event: Event) -> bool:
        self.signals.append(
            SignalState(
                name=str(event.get("signal_name", "")),
                input=event.get("input"),
                external_workflow_execution=event.get("external_workflow_execution"),
                external_initiated_event_id=event.get("external_initiated_event_id"),
                event_id=event.id,
            )
        )
        self.execution = attrs.evolve(self.execution, signals_received=self.execution.signals_received + 1)
        return True

    def cancel_request_event(self, event: Event) -> bool:
        self.execution = attrs.evolve(self.execution, cancel_requested=True)
        return True

    def decision_event(self, event: Event) -> bool:
        task = self.decision_task or DecisionTaskState(state="scheduled")
        if event.state == "scheduled":
            task = DecisionTaskState(
                state="scheduled",
                count=task.count + 1,
                execution_context=task.execution_context,
                scheduled_event_id=event.id,
            )
        elif event.state == "started":
            task = attrs.evolve(
                task, state="started", identity=event.get("identity"), started_event_id=event.id
            )
        else:
            context = event.get("execution_context")
            task = attrs.evolve(
                task,
                state=event.state,
                execution_context=task.execution_context if context is None else context,
                timeout_type=event.get("timeout_type"),
                closed_event_id=event.id,
            )
        self.decision_task = task
        return True

    def activity_event(self, event: Event) -> bool:
        state = event.state
        if state == "scheduled":
            activity_id = _text(event, "activity_id")
            if activity_id is None:
                return False
            previous = self.activities.get(activity_id)
            self.activity_by_scheduled[event.id] = activity_id
            self.activities[activity_id] = ActivityState(
                activity_id=activity_id,
                state=state,
                attempts=(previous.attempts if previous else 0) + 1,
                activity_type=event.get("activity_type"),
                input=event.get("input"),
                control=event.get("control"),
                task_list=_task_list_name(event.get("task_list")),
                scheduled_event_id=event.id,
            )
            return True
        if state in ("schedule_failed", "cancel_requested", "request_cancel_failed"):
            activity_id = _text(event, "activity_id")
            if activity_id is None:
                return False
            previous = self.activities.get(activity_id)
            if state == "cancel_requested":
                base = previous or ActivityState(activity_id=activity_id, state=state)
                self.activities[activity_id] = attrs.evolve(base, state=state, cancel_requested=True)
            elif previous is not None and (previous.is_open or state == "request_cancel_failed"):
                self.activities[activity_id] = attrs.evolve(previous, cause=event.get("cause"))
            else:
                self.activities[activity_id] = ActivityState(
                    activity_id=activity_id,
                    state=state,
                    attempts=previous.attempts if previous else 0,
                    activity_type=event.get("activity_type"),
                    cause=event.get("cause"),
                )
            return True
        found = self.activity_by_scheduled.get(_reference(event, "scheduled_event_id"))
        current = self.activities.get(found) if found is not None else None
        if found is None or current is None:
            return False
        if state == "started":
            self.activities[found] = attrs.evolve(
                current, state=state, identity=event.get("identity"), started_event_id=event.id
            )
        else:
            self.activities[found] = attrs.evolve(
                current,
                state=state,
                result=event.get("result"),
                reason=event.get("reason"),
                details=event.get("details"),
                timeout_type=event.get("timeout_type"),
                started_event_id=event.get("started_event_id", current.started_event_id),
                closed_event_id=event.id,
            )
        return True

    def timer_event(self, event: Event) -> bool:
        timer_id = event.get("timer_id")
        if timer_id is None:
            return False
        timer_id = str(timer_id)
        previous = self.timers.get(timer_id)
        state = event.state
        if state == "started":
            self.timers[timer_id] = TimerState(
                timer_id=timer_id,
                state=state,
                attempts=(previous.attempts if previous else 0) + 1,
                start_to_fire_timeout=event.get("start_to_fire_timeout"),
                control=event.get("control"),
                started_event_id=event.id,
            )
        elif state in ("start_failed", "cancel_failed") and previous is not None:
            if previous.is_open or state == "cancel_failed":
                self.timers[timer_id] = attrs.evolve(previous, cause=event.get("cause"))
            else:
                self.timers[timer_id] = attrs.evolve(previous, state=state, cause=event.get("cause"))
        elif state in ("start_failed", "cancel_failed"):
            self.timers[timer_id] = TimerState(timer_id=timer_id, state=state, cause=event.get("cause"))
        else:
            base = previous or TimerState(
                timer_id=timer_id, state=state, started_event_id=event.get("started_event_id")
            )
            self.timers[timer_id] = attrs.evolve(base, state=state, closed_event_id=event.id)
        return True

    def child_event(self, event: Event) -> bool:
        workflow_id = workflow_id_of(event)
        if workflow_id is None:
            return False
        previous = self.children.get(workflow_id)
        state = event.state
        if state == "start_initiated":
            initiated = ChildWorkflowState(
                workflow_id=workflow_id,
                state=state,
                attempts=(previous.attempts if previous else 0) + 1,
                workflow_type=event.get("workflow_type"),
                input=event.get("input"),
                control=event.get("control"),
                initiated_event_id=event.id,
            )
            if previous is not None and previous.is_open:
                self.pending_children[event.id] = initiated
            else:
                self.children[workflow_id] = initiated
            return True
        pending = self.pending_children.pop(_reference(event, "initiated_event_id"), None)
        if state == "start_failed":
            if pending is not None and previous is not None:
                self.children[workflow_id] = attrs.evolve(previous, cause=event.get("cause"))
            else:
                base = previous or ChildWorkflowState(
                    workflow_id=workflow_id, state=state, workflow_type=event.get("workflow_type")
                )
                self.children[workflow_id] = attrs.evolve(
                    base, state=state, cause=event.get("cause"), closed_event_id=event.id
                )
            return True
        current = (
            pending
            or previous
            or ChildWorkflowState(
                workflow_id=workflow_id,
                state=state,
                workflow_type=event.get("workflow_type"),
                initiated_event_id=event.get("initiated_event_id"),
            )
        )
        execution = event.get("workflow_execution") or {}
        run_id = execution.get("run_id", current.run_id) if isinstance(execution, Mapping) else current.run_id
        if state == "started":
            self.children[workflow_id] = attrs.evolve(
                current, state=state, run_id=run_id, started_event_id=event.id
            )
        else:
            self.children[workflow_id] = attrs.evolve(
                current,
                state=state,
                run_id=run_id,
                result=event.get("result"),
                reason=event.get("reason"),
                details=event.get("details"),
                timeout_type=event.get("timeout_type"),
                started_event_id=event.get("started_event_id", current.started_event_id),
                closed_event_id=event.id,
            )
        return True

    def marker_event(self, event: Event) -> bool:
        name = event.get("marker_name")
        if name is None:
            return False
        name = str(name)
        previous = self.markers.get(name) or MarkerState(name=name, state=event.state)
        if event.state == "recorded":
            self.markers[name] = MarkerState(
                name=name,
                state="recorded",
                details=event.get("details"),
                count=previous.count + 1,
                event_id=event.id,
            )
        else:
            self.markers[name] = attrs.evolve(
                previous, state=event.state, cause=event.get("cause"), event_id=event.id
            )
        return True

    def external_event(self, event: Event) -> bool:
        state = event.state
        kind = "signal" if "signal" in state else "request_cancel"
        if state in ("signal_initiated", "request_cancel_initiated"):
            self.external_by_initiated[event.id] = len(self.external)
            self.external.append(
                ExternalOperationState(
                    kind=kind,
                    workflow_id=event.get("workflow_id"),
                    state=state,
                    run_id=event.get("run_id"),
                    signal_name=event.get("signal_name"),
                    input=event.get("input"),
                    control=event.get("control"),
                    initiated_event_id=event.id,
                )
            )
            return True
        index = self.external_by_initiated.get(_reference(event, "initiated_event_id"))
        execution = event.get("workflow_execution")
        run_id = execution.get("run_id") if isinstance(execution, Mapping) else event.get("run_id")
        if index is None:
            self.external.append(
                ExternalOperationState(
                    kind=kind,
                    workflow_id=workflow_id_of(event),
                    state=state,
                    run_id=run_id,
                    control=event.get("control"),
                    cause=event.get("cause"),
                )
            )
        else:
            current = self.external[index]
            self.external[index] = attrs.evolve(
                current, state=state, run_id=run_id or current.run_id, cause=event.get("cause")
            )
        return True

    def lambda_event(self, event: Event) -> bool:
        state = event.state
        if state in ("scheduled", "schedule_failed"):
            function_id = _text(event, "id")
            if function_id is None:
                return False
            previous = self.lambdas.get(function_id)
            if state == "scheduled":
                self.lambda_by_scheduled[event.id] = function_id
                self.lambdas[function_id] = LambdaFunctionState(
                    function_id=function_id,
                    state=state,
                    attempts=(previous.attempts if previous else 0) + 1,
                    name=event.get("name"),
                    input=event.get("input"),
                    control=event.get("control"),
                    scheduled_event_id=event.id,
                )
            elif previous is not None and previous.is_open:
                self.lambdas[function_id] = attrs.evolve(previous, cause=event.get("cause"))
            else:
                self.lambdas[function_id] = LambdaFunctionState(
                    function_id=function_id,
                    state=state,
                    attempts=previous.attempts if previous else 0,
                    name=event.get("name"),
                    cause=event.get("cause"),
                )
            return True
        found = self.lambda_by_scheduled.get(_reference(event, "scheduled_event_id"))
        current = self.lambdas.get(found) if found is not None else None
        if found is None or current is None:
            return False
        if state == "started":
            self.lambdas[found] = attrs.evolve(current, state=state, started_event_id=event.id)
        else:
            self.lambdas[found] = attrs.evolve(
                current,
                state=state,
                result=event.get("result"),
                reason=event.get("reason"),
                details=event.get("details"),
                timeout_type=event.get("timeout_type"),
                cause=event.get("cause"),
                message=event.get("message"),
                started_event_id=event.get("started_event_id", current.started_event_id),
                closed_event_id=event.id,
            )
        return True


_HANDLERS: Mapping[type[Event], Callable[[_Compiler, Event], bool]] = {
    WorkflowExecutionEvent: _Compiler.execution_event,
    SignalEvent: _Compiler.signal_event,
    CancelRequestEvent: _Compiler.cancel_request_event,
    DecisionTaskEvent: _Compiler.decision_event,
    ActivityTaskEvent: _Compiler.activity_event,
    TimerEvent: _Compiler.timer_event,
    MarkerEvent: _Compiler.marker_event,
    ChildWorkflowExecutionEvent: _Compiler.child_event,
    ExternalWorkflowExecutionEvent: _Compiler.external_event,
    LambdaFunctionEvent: _Compiler.lambda_event,
}


def compile_events(events: Iterable[Event]) -> CompiledHistory:
    """Folds events into the current state of every object of their execution.

    Args:
        events: The events, in any order: they are folded in event-id order.

    Returns:
        The compiled state.
    """
    compiler = _Compiler()
    for event in sorted(events, key=lambda item: item.id):
        compiler.feed(event)
    return compiler.result()
