"""`HistoryBuilder`: raw SWF history events for unit tests of deciders, without any server.

The builder writes events the way SWF records them: increasing event ids, timestamps one tick apart,
and the cross-references SWF fills in (``scheduledEventId``, ``startedEventId``, ``initiatedEventId``,
``decisionTaskCompletedEventId``, a child's ``workflowExecution``) resolved from the ids you name::

    builder = HistoryBuilder(("crawl", "1"), input='{"url": "..."}')
    builder.add_decision_task()
    builder.add_activity_task("download", ("download", "1"), state="completed", result="42")
    builder.add_timer("wait", 30, state="started")
    history = builder.history()          # an aioswf.models.history.History
    history.compile().activities["download"].result  # "42"

Any of SWF's 54 event types can be added one at a time with `HistoryBuilder.add`, whose keyword
arguments are the event's attributes in snake_case (plus the id of the object the event is about, e.g.
``activity_id`` for ``ActivityTaskCompleted``). Events that SWF only records after a decision refer to
the latest completed decision task; if there is none yet, the builder records one first, as SWF would
have.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta, timezone
from typing import Any

from aioswf.exceptions import InvalidKeywordArgumentError, ValidationError
from aioswf.models.event import EVENT_TYPES, event_attributes_key
from aioswf.models.history import History
from aioswf.validation import describe_value

__all__ = ["HistoryBuilder"]

_DEFAULT_START = datetime(2024, 1, 1, tzinfo=timezone.utc)

#: Values SWF always records that the builder fills in when not given.
_DEFAULTS: Mapping[str, Mapping[str, Any]] = {
    "WorkflowExecutionStarted": {"child_policy": "TERMINATE"},
    "WorkflowExecutionTimedOut": {"timeout_type": "START_TO_CLOSE", "child_policy": "TERMINATE"},
    "WorkflowExecutionTerminated": {"child_policy": "TERMINATE"},
    "WorkflowExecutionContinuedAsNew": {"child_policy": "TERMINATE"},
    "CompleteWorkflowExecutionFailed": {"cause": "UNHANDLED_DECISION"},
    "FailWorkflowExecutionFailed": {"cause": "UNHANDLED_DECISION"},
    "CancelWorkflowExecutionFailed": {"cause": "UNHANDLED_DECISION"},
    "ContinueAsNewWorkflowExecutionFailed": {"cause": "UNHANDLED_DECISION"},
    "DecisionTaskTimedOut": {"timeout_type": "START_TO_CLOSE"},
    "ScheduleActivityTaskFailed": {"cause": "ACTIVITY_TYPE_DOES_NOT_EXIST"},
    "ActivityTaskTimedOut": {"timeout_type": "START_TO_CLOSE"},
    "RequestCancelActivityTaskFailed": {"cause": "ACTIVITY_ID_UNKNOWN"},
    "RecordMarkerFailed": {"cause": "OPERATION_NOT_PERMITTED"},
    "StartTimerFailed": {"cause": "TIMER_ID_ALREADY_IN_USE"},
    "CancelTimerFailed": {"cause": "TIMER_ID_UNKNOWN"},
    "StartChildWorkflowExecutionInitiated": {"child_policy": "TERMINATE"},
    "StartChildWorkflowExecutionFailed": {"cause": "WORKFLOW_TYPE_DOES_NOT_EXIST"},
    "ChildWorkflowExecutionTimedOut": {"timeout_type": "START_TO_CLOSE"},
    "SignalExternalWorkflowExecutionFailed": {"cause": "UNKNOWN_EXTERNAL_WORKFLOW_EXECUTION"},
    "RequestCancelExternalWorkflowExecutionFailed": {"cause": "UNKNOWN_EXTERNAL_WORKFLOW_EXECUTION"},
    "LambdaFunctionTimedOut": {"timeout_type": "START_TO_CLOSE"},
    "ScheduleLambdaFunctionFailed": {"cause": "ID_ALREADY_IN_USE"},
    "StartLambdaFunctionFailed": {"cause": "ASSUME_ROLE_FAILED"},
}

#: The chains of event types that bring an object to each state, for the ``add_<object>`` helpers.
_ACTIVITY_CHAINS: Mapping[str, tuple[str, ...]] = {
    "scheduled": ("ActivityTaskScheduled",),
    "schedule_failed": ("ScheduleActivityTaskFailed",),
    "started": ("ActivityTaskScheduled", "ActivityTaskStarted"),
    "completed": ("ActivityTaskScheduled", "ActivityTaskStarted", "ActivityTaskCompleted"),
    "failed": ("ActivityTaskScheduled", "ActivityTaskStarted", "ActivityTaskFailed"),
    "timed_out": ("ActivityTaskScheduled", "ActivityTaskStarted", "ActivityTaskTimedOut"),
    "cancel_requested": ("ActivityTaskScheduled", "ActivityTaskStarted", "ActivityTaskCancelRequested"),
    "canceled": (
        "ActivityTaskScheduled",
        "ActivityTaskStarted",
        "ActivityTaskCancelRequested",
        "ActivityTaskCanceled",
    ),
    "request_cancel_failed": ("RequestCancelActivityTaskFailed",),
}
_TIMER_CHAINS: Mapping[str, tuple[str, ...]] = {
    "started": ("TimerStarted",),
    "start_failed": ("StartTimerFailed",),
    "fired": ("TimerStarted", "TimerFired"),
    "canceled": ("TimerStarted", "TimerCanceled"),
    "cancel_failed": ("CancelTimerFailed",),
}
_CHILD_CHAINS: Mapping[str, tuple[str, ...]] = {
    "start_initiated": ("StartChildWorkflowExecutionInitiated",),
    "start_failed": ("StartChildWorkflowExecutionInitiated", "StartChildWorkflowExecutionFailed"),
    "started": ("StartChildWorkflowExecutionInitiated", "ChildWorkflowExecutionStarted"),
    **{
        state: ("StartChildWorkflowExecutionInitiated", "ChildWorkflowExecutionStarted", name)
        for state, name in (
            ("completed", "ChildWorkflowExecutionCompleted"),
            ("failed", "ChildWorkflowExecutionFailed"),
            ("timed_out", "ChildWorkflowExecutionTimedOut"),
            ("canceled", "ChildWorkflowExecutionCanceled"),
            ("terminated", "ChildWorkflowExecutionTerminated"),
        )
    },
}
_LAMBDA_CHAINS: Mapping[str, tuple[str, ...]] = {
    "scheduled": ("LambdaFunctionScheduled",),
    "schedule_failed": ("ScheduleLambdaFunctionFailed",),
    "start_failed": ("LambdaFunctionScheduled", "StartLambdaFunctionFailed"),
    "started": ("LambdaFunctionScheduled", "LambdaFunctionStarted"),
    "completed": ("LambdaFunctionScheduled", "LambdaFunctionStarted", "LambdaFunctionCompleted"),
    "failed": ("LambdaFunctionScheduled", "LambdaFunctionStarted", "LambdaFunctionFailed"),
    "timed_out": ("LambdaFunctionScheduled", "LambdaFunctionStarted", "LambdaFunctionTimedOut"),
}
_SIGNAL_CHAINS: Mapping[str, tuple[str, ...]] = {
    "signal_initiated": ("SignalExternalWorkflowExecutionInitiated",),
    "signaled": ("SignalExternalWorkflowExecutionInitiated", "ExternalWorkflowExecutionSignaled"),
    "signal_failed": ("SignalExternalWorkflowExecutionInitiated", "SignalExternalWorkflowExecutionFailed"),
}
_CANCEL_CHAINS: Mapping[str, tuple[str, ...]] = {
    "request_cancel_initiated": ("RequestCancelExternalWorkflowExecutionInitiated",),
    "cancel_requested": (
        "RequestCancelExternalWorkflowExecutionInitiated",
        "ExternalWorkflowExecutionCancelRequested",
    ),
    "request_cancel_failed": (
        "RequestCancelExternalWorkflowExecutionInitiated",
        "RequestCancelExternalWorkflowExecutionFailed",
    ),
}
_DECISION_CHAINS: Mapping[str, tuple[str, ...]] = {
    "scheduled": ("DecisionTaskScheduled",),
    "started": ("DecisionTaskScheduled", "DecisionTaskStarted"),
    "completed": ("DecisionTaskScheduled", "DecisionTaskStarted", "DecisionTaskCompleted"),
    "timed_out": ("DecisionTaskScheduled", "DecisionTaskStarted", "DecisionTaskTimedOut"),
}

_CLOSE_EVENTS: Mapping[str, tuple[str, ...]] = {
    "completed": ("WorkflowExecutionCompleted",),
    "failed": ("WorkflowExecutionFailed",),
    "canceled": ("WorkflowExecutionCanceled",),
    "timed_out": ("WorkflowExecutionTimedOut",),
    "terminated": ("WorkflowExecutionTerminated",),
    "continued_as_new": ("WorkflowExecutionContinuedAsNew",),
}


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def _to_raw(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {_camel(str(key)): _to_raw(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_to_raw(item) for item in value]
    return value


def _type_value(value: Any) -> Any:
    if isinstance(value, tuple) and len(value) == 2:
        return {"name": value[0], "version": value[1]}
    if hasattr(value, "name") and hasattr(value, "version") and not isinstance(value, Mapping):
        return {"name": value.name, "version": value.version}
    return value


def _execution_ids(value: Any) -> tuple[Any, Any]:
    """The workflow id and run id of an execution given as a mapping, in snake_case or SWF's camelCase."""
    if not isinstance(value, Mapping):
        return (None, None)
    return (
        value.get("workflow_id", value.get("workflowId")),
        value.get("run_id", value.get("runId")),
    )


#: The id each event type that starts an object needs, to be found by the events that follow.
_OBJECT_IDS: Mapping[str, str] = {
    "ActivityTaskScheduled": "activity_id",
    "TimerStarted": "timer_id",
    "StartChildWorkflowExecutionInitiated": "workflow_id",
    "SignalExternalWorkflowExecutionInitiated": "workflow_id",
    "RequestCancelExternalWorkflowExecutionInitiated": "workflow_id",
    "LambdaFunctionScheduled": "function_id",
}


def _check_object_ids(event_type: str, values: Mapping[str, Any]) -> None:
    for key in ("activity_id", "timer_id", "workflow_id", "run_id", "function_id"):
        if key in values and not isinstance(values[key], str):
            raise ValidationError(
                f"{event_type}: {key} must be a string, not {type(values[key]).__name__}",
                argument=key,
                limit="a string",
            )
    needed = _OBJECT_IDS.get(event_type)
    if needed is not None and needed not in values and not (needed == "function_id" and "id" in values):
        raise ValidationError(f"{event_type} needs {needed}", argument=needed, limit="required")


def _chain(chains: Mapping[str, tuple[str, ...]], state: str, what: str) -> tuple[str, ...]:
    try:
        return chains[state]
    except KeyError:
        raise ValidationError(
            f"unknown {what} state {describe_value(state)}; one of: {', '.join(chains)}",
            argument="state",
            limit="one of " + ", ".join(chains),
        ) from None


class HistoryBuilder:
    """Builds a workflow execution's raw history, event by event, as SWF would record it.

    Args:
        workflow_type: The execution's type, as a ``(name, version)`` pair or an object with both.
        workflow_id: The execution's workflow id.
        run_id: The execution's run id.
        input: The execution's input.
        task_list: The decision task list.
        activity_task_list: The task list of activity tasks scheduled without one.
        tag_list: The execution's tags.
        start: The time of the first event (aware).
        tick: The time between two events.
        first_event_id: The id of the first event; use a larger one to build a history that starts
            mid-way, as a page of a long history would.
        started: Whether to begin with ``WorkflowExecutionStarted`` (``False`` for a partial history).
    """

    def __init__(
        self,
        workflow_type: Any = ("workflow", "1"),
        *,
        workflow_id: str = "workflow-id",
        run_id: str = "run-1",
        input: str | None = None,
        task_list: str = "decisions",
        activity_task_list: str = "activities",
        tag_list: Sequence[str] | None = None,
        start: datetime = _DEFAULT_START,
        tick: timedelta = timedelta(seconds=1),
        first_event_id: int = 1,
        started: bool = True,
    ) -> None:
        self.workflow_type: dict[str, str] = _type_value(workflow_type)
        self.workflow_id = workflow_id
        self.run_id = run_id
        self.task_list = task_list
        self.activity_task_list = activity_task_list
        self._clock = start
        self._tick = tick
        self._next_id = first_event_id
        self._events: list[dict[str, Any]] = []
        self._decision: dict[str, int | None] = {"scheduled": None, "started": None, "completed": None}
        self._previous_started: int | None = None
        self._activities: dict[str, dict[str, int | None]] = {}
        self._timers: dict[str, int] = {}
        self._children: dict[str, dict[str, Any]] = {}
        self._external: dict[tuple[str, str], dict[str, Any]] = {}
        self._lambdas: dict[str, dict[str, int | None]] = {}
        self._runs = 0
        if started:
            self.add(
                "WorkflowExecutionStarted",
                input=input,
                tag_list=list(tag_list) if tag_list is not None else None,
                task_list={"name": task_list},
                workflow_type=self.workflow_type,
            )

    @property
    def events(self) -> list[dict[str, Any]]:
        """A copy of the raw events built so far, oldest first."""
        return copy.deepcopy(self._events)

    @property
    def last_event_id(self) -> int | None:
        """The id of the latest event, or ``None`` before the first."""
        return self._events[-1]["eventId"] if self._events else None

    def history(self) -> History:
        """Returns the events built so far as a `History`.

        Returns:
            The history.
        """
        return History.from_raw(self.events)

    def poll_response(self, task_token: str = "task-token") -> dict[str, Any]:
        """Returns what ``PollForDecisionTask`` would answer for the latest started decision task.

        Args:
            task_token: The token to put in the response.

        Returns:
            The response, with the events built so far.

        Raises:
            ValidationError: (a ``ValueError``) when no decision task was started.
        """
        started = self._decision["started"]
        if started is None:
            raise ValidationError(
                "no decision task was started; add one with add_decision_task(state='started')",
                argument="task_token",
                limit="a started decision task",
            )
        response: dict[str, Any] = {
            "taskToken": task_token,
            "startedEventId": started,
            "workflowExecution": {"workflowId": self.workflow_id, "runId": self.run_id},
            "workflowType": dict(self.workflow_type),
            "events": self.events,
        }
        if self._previous_started is not None:
            response["previousStartedEventId"] = self._previous_started
        return response

    def advance(self, seconds: float) -> HistoryBuilder:
        """Moves the clock forward, e.g. to let a timer's duration pass.

        Args:
            seconds: How far.

        Returns:
            The builder.
        """
        self._clock += timedelta(seconds=seconds)
        return self

    def add(self, event_type: str, **attributes: Any) -> HistoryBuilder:
        """Adds one event of any type.

        Args:
            event_type: SWF's event type, e.g. ``"ActivityTaskCompleted"``; an unknown type is written as
                given, for tests of forward compatibility.
            **attributes: The event's attributes in snake_case; ``None`` values are left out. Types may be
                ``(name, version)`` pairs and task lists plain names. Name the object the event is about
                (``activity_id``, ``timer_id``, ``workflow_id``, ``function_id``) and the builder fills
                in the ids that refer to its earlier events; ids you give yourself are kept.

        Returns:
            The builder.

        Raises:
            InvalidKeywordArgumentError: (a ``TypeError``) when an attribute is not one of the event type's.
            ValidationError: (a ``ValueError``) when the object the event is about is unknown (e.g. a
                completion of an activity that was never scheduled).
        """
        known = EVENT_TYPES.get(event_type)
        values = {key: value for key, value in attributes.items() if value is not None}
        for key, value in _DEFAULTS.get(event_type, {}).items():
            values.setdefault(key, value)
        if known is not None:
            members = known[2]
            _check_object_ids(event_type, values)
            self._resolve(event_type, values)
            values = {key: value for key, value in values.items() if value is not None}
            unknown = sorted(set(values) - members)
            if unknown:
                raise InvalidKeywordArgumentError(f"{event_type} has no attribute {', '.join(unknown)}")
            if (
                "decision_task_completed_event_id" in members
                and "decision_task_completed_event_id" not in values
            ):
                values["decision_task_completed_event_id"] = self._decision_completed()
        for key in ("activity_type", "workflow_type"):
            if key in values:
                values[key] = _type_value(values[key])
        if isinstance(values.get("task_list"), str):
            values["task_list"] = {"name": values["task_list"]}
        event_id = self._next_id
        self._events.append(
            {
                "eventId": event_id,
                "eventType": event_type,
                "eventTimestamp": self._clock,
                event_attributes_key(event_type): _to_raw(values),
            }
        )
        self._next_id += 1
        self._clock += self._tick
        self._track(event_type, event_id, values)
        return self

    def _add_chain(
        self, chain: Sequence[str], key: str, value: Any, attributes: Mapping[str, Any]
    ) -> HistoryBuilder:
        for event_type in chain:
            members = EVENT_TYPES[event_type][2]
            self.add(
                event_type,
                **{key: value},
                **{k: v for k, v in attributes.items() if k in members and k != key},
            )
        return self

    def add_decision_task(
        self,
        *,
        state: str = "completed",
        execution_context: str | None = None,
        identity: str | None = None,
        timeout_type: str | None = None,
    ) -> HistoryBuilder:
        """Adds a decision task, from its scheduling to `state`.

        Args:
            state: ``scheduled``, ``started``, ``completed`` or ``timed_out``.
            execution_context: The context the decider gave on completion.
            identity: The decider's identity.
            timeout_type: ``START_TO_CLOSE`` or ``SCHEDULE_TO_START``, for a timed-out task.

        Returns:
            The builder.

        Raises:
            ValidationError: (a ``ValueError``) when the state is not one of these.
        """
        attributes = {
            "execution_context": execution_context,
            "identity": identity,
            "timeout_type": timeout_type,
        }
        chain = _chain(_DECISION_CHAINS, state, "decision task")
        for event_type in chain:
            members = EVENT_TYPES[event_type][2]
            self.add(event_type, **{k: v for k, v in attributes.items() if k in members})
        return self

    def add_activity_task(
        self,
        activity_id: str,
        activity_type: Any = ("activity", "1"),
        *,
        state: str = "completed",
        **attributes: Any,
    ) -> HistoryBuilder:
        """Adds the events of one activity task, from its scheduling to `state`.

        Args:
            activity_id: The activity id.
            activity_type: Its type, a ``(name, version)`` pair or an object with both.
            state: ``scheduled``, ``schedule_failed``, ``started``, ``completed``, ``failed``,
                ``timed_out``, ``cancel_requested``, ``canceled`` or ``request_cancel_failed``.
            **attributes: Attributes of the events (``input``, ``control``, ``task_list``, ``identity``,
                ``result``, ``reason``, ``details``, ``timeout_type``, ``cause``, ...), each given to the
                events that have it.

        Returns:
            The builder.

        Raises:
            ValidationError: (a ``ValueError``) when the state is not one of these.
        """
        chain = _chain(_ACTIVITY_CHAINS, state, "activity")
        return self._add_chain(
            chain, "activity_id", activity_id, {"activity_type": activity_type, **attributes}
        )

    def add_timer(
        self, timer_id: str, start_to_fire_timeout: int | str = 60, *, state: str = "fired", **attributes: Any
    ) -> HistoryBuilder:
        """Adds the events of one timer, from its start to `state`.

        Args:
            timer_id: The timer id.
            start_to_fire_timeout: Its duration in seconds.
            state: ``started``, ``start_failed``, ``fired``, ``canceled`` or ``cancel_failed``.
            **attributes: ``control``, ``cause``.

        Returns:
            The builder.

        Raises:
            ValidationError: (a ``ValueError``) when the state is not one of these.
        """
        chain = _chain(_TIMER_CHAINS, state, "timer")
        attributes = {"start_to_fire_timeout": str(start_to_fire_timeout), **attributes}
        if state == "fired":
            self._add_chain(chain[:1], "timer_id", timer_id, attributes)
            self.advance(float(start_to_fire_timeout))
            return self._add_chain(chain[1:], "timer_id", timer_id, attributes)
        return self._add_chain(chain, "timer_id", timer_id, attributes)

    def add_marker(
        self, name: str, *, details: str | None = None, state: str = "recorded", cause: str | None = None
    ) -> HistoryBuilder:
        """Records a marker (or a failure to record one, with ``state="record_failed"``).

        Args:
            name: The marker's name.
            details: Its details.
            state: ``recorded`` or ``record_failed``.
            cause: Why recording failed.

        Returns:
            The builder.

        Raises:
            ValidationError: (a ``ValueError``) when the state is not one of these.
        """
        chain = _chain(
            {"recorded": ("MarkerRecorded",), "record_failed": ("RecordMarkerFailed",)}, state, "marker"
        )
        return self._add_chain(chain, "marker_name", name, {"details": details, "cause": cause})

    def add_child_workflow(
        self,
        workflow_id: str,
        workflow_type: Any = ("child", "1"),
        *,
        state: str = "completed",
        **attributes: Any,
    ) -> HistoryBuilder:
        """Adds the events of one child workflow execution, from its initiation to `state`.

        Args:
            workflow_id: The child's workflow id.
            workflow_type: Its type, a ``(name, version)`` pair or an object with both.
            state: ``start_initiated``, ``start_failed``, ``started``, ``completed``, ``failed``,
                ``timed_out``, ``canceled`` or ``terminated``.
            **attributes: ``input``, ``control``, ``run_id``, ``result``, ``reason``, ``details``,
                ``timeout_type``, ``cause``, ...

        Returns:
            The builder.

        Raises:
            ValidationError: (a ``ValueError``) when the state is not one of these.
        """
        chain = _chain(_CHILD_CHAINS, state, "child workflow")
        run_id = attributes.pop("run_id", None)
        for event_type in chain:
            members = EVENT_TYPES[event_type][2]
            given = {k: v for k, v in {"workflow_type": workflow_type, **attributes}.items() if k in members}
            if event_type == "ChildWorkflowExecutionStarted":
                given["run_id"] = run_id
            self.add(event_type, workflow_id=workflow_id, **given)
        return self

    def add_signal(self, name: str, *, input: str | None = None, **attributes: Any) -> HistoryBuilder:
        """Adds a signal received by the execution (``WorkflowExecutionSignaled``).

        Args:
            name: The signal's name.
            input: Its input.
            **attributes: ``external_workflow_execution``, ``external_initiated_event_id``.

        Returns:
            The builder.
        """
        return self.add("WorkflowExecutionSignaled", signal_name=name, input=input, **attributes)

    def add_cancel_request(self, **attributes: Any) -> HistoryBuilder:
        """Adds a request to cancel the execution (``WorkflowExecutionCancelRequested``).

        Args:
            **attributes: ``cause``, ``external_workflow_execution``, ``external_initiated_event_id``.

        Returns:
            The builder.
        """
        return self.add("WorkflowExecutionCancelRequested", **attributes)

    def add_external_signal(
        self, workflow_id: str, signal_name: str, *, state: str = "signaled", **attributes: Any
    ) -> HistoryBuilder:
        """Adds a signal sent to another execution, from its initiation to `state`.

        Args:
            workflow_id: The target's workflow id.
            signal_name: The signal's name.
            state: ``signal_initiated``, ``signaled`` or ``signal_failed``.
            **attributes: ``run_id``, ``input``, ``control``, ``cause``.

        Returns:
            The builder.

        Raises:
            ValidationError: (a ``ValueError``) when the state is not one of these.
        """
        chain = _chain(_SIGNAL_CHAINS, state, "external signal")
        return self._add_chain(chain, "workflow_id", workflow_id, {"signal_name": signal_name, **attributes})

    def add_external_cancel_request(
        self, workflow_id: str, *, state: str = "cancel_requested", **attributes: Any
    ) -> HistoryBuilder:
        """Adds a request to cancel another execution, from its initiation to `state`.

        Args:
            workflow_id: The target's workflow id.
            state: ``request_cancel_initiated``, ``cancel_requested`` or ``request_cancel_failed``.
            **attributes: ``run_id``, ``control``, ``cause``.

        Returns:
            The builder.

        Raises:
            ValidationError: (a ``ValueError``) when the state is not one of these.
        """
        chain = _chain(_CANCEL_CHAINS, state, "external cancel request")
        return self._add_chain(chain, "workflow_id", workflow_id, attributes)

    def add_lambda_function(
        self, function_id: str, name: str = "function", *, state: str = "completed", **attributes: Any
    ) -> HistoryBuilder:
        """Adds the events of one Lambda task, from its scheduling to `state`.

        Args:
            function_id: The Lambda task's id.
            name: The function's name.
            state: ``scheduled``, ``schedule_failed``, ``start_failed``, ``started``, ``completed``,
                ``failed`` or ``timed_out``.
            **attributes: ``input``, ``control``, ``result``, ``reason``, ``details``, ``timeout_type``,
                ``cause``, ``message``.

        Returns:
            The builder.

        Raises:
            ValidationError: (a ``ValueError``) when the state is not one of these.
        """
        chain = _chain(_LAMBDA_CHAINS, state, "Lambda task")
        for event_type in chain:
            members = EVENT_TYPES[event_type][2]
            given = {k: v for k, v in {"name": name, **attributes}.items() if k in members}
            self.add(event_type, function_id=function_id, **given)
        return self

    def close(self, state: str = "completed", **attributes: Any) -> HistoryBuilder:
        """Closes the execution.

        Args:
            state: ``completed``, ``failed``, ``canceled``, ``timed_out``, ``terminated`` or
                ``continued_as_new``.
            **attributes: The closing event's attributes (``result``, ``reason``, ``details``, ...).

        Returns:
            The builder.

        Raises:
            ValidationError: (a ``ValueError``) when the state is not one of these.
        """
        (event_type,) = _chain(_CLOSE_EVENTS, state, "closed execution")
        return self.add(event_type, **attributes)

    def _decision_completed(self) -> int:
        completed = self._decision["completed"]
        if completed is None:
            self.add_decision_task()
            completed = self._decision["completed"]
        assert completed is not None
        return completed

    def _object(
        self, registry: Mapping[Any, Any], key: Any, what: str, values: Mapping[str, Any], reference: str
    ) -> Any:
        found = registry.get(key)
        if found is not None:
            return found
        if reference in values:
            return None  # the caller gave the reference: an object from before the history's first event
        raise ValidationError(
            f"no {what} {describe_value(key)} in this history; add it first or give {reference}",
            argument=reference,
            limit="an object added before",
        )

    def _resolve(self, event_type: str, values: dict[str, Any]) -> None:
        family = EVENT_TYPES[event_type][0].type
        members = EVENT_TYPES[event_type][2]
        if family == "DecisionTask" and event_type != "DecisionTaskScheduled":
            values.setdefault("scheduled_event_id", self._decision["scheduled"] or 0)
            if event_type != "DecisionTaskStarted":
                values.setdefault("started_event_id", self._decision["started"] or 0)
        elif family == "ActivityTask" and "scheduled_event_id" in members:
            activity_id = values.pop("activity_id", None)
            activity = self._object(self._activities, activity_id, "activity", values, "scheduled_event_id")
            if activity is not None:
                values.setdefault("scheduled_event_id", activity["scheduled"])
                if "started_event_id" in members:
                    values.setdefault("started_event_id", activity["started"] or 0)
                if "latest_cancel_requested_event_id" in members and activity["cancel_requested"]:
                    values.setdefault("latest_cancel_requested_event_id", activity["cancel_requested"])
        elif family == "Timer" and "started_event_id" in members:
            started = self._object(self._timers, values.get("timer_id"), "timer", values, "started_event_id")
            values.setdefault("started_event_id", started)
        elif family == "ChildWorkflowExecution" and event_type != "StartChildWorkflowExecutionInitiated":
            given_id, given_run = _execution_ids(values.get("workflow_execution"))
            workflow_id = values.pop("workflow_id", None) or given_id
            run_id = values.pop("run_id", None) or given_run
            child = self._object(self._children, workflow_id, "child workflow", values, "initiated_event_id")
            if child is None:
                child = self._children[workflow_id] = {
                    "initiated": values["initiated_event_id"],
                    "started": values.get("started_event_id"),
                    "run_id": run_id,
                    "workflow_type": values.get("workflow_type", ("child", "1")),
                    "control": None,
                }
            values.setdefault("initiated_event_id", child["initiated"])
            values.setdefault("workflow_type", child["workflow_type"])
            if event_type == "StartChildWorkflowExecutionFailed":
                values["workflow_id"] = workflow_id
                values.setdefault("control", child["control"])
                return
            if event_type == "ChildWorkflowExecutionStarted":
                self._runs += 1
                child["run_id"] = run_id or f"child-run-{self._runs}"
            else:
                values.setdefault("started_event_id", child["started"] or 0)
            run_id = run_id or child["run_id"] or "child-run"
            values.setdefault("workflow_execution", {"workflow_id": workflow_id, "run_id": run_id})
        elif family == "ExternalWorkflowExecution" and "initiated_event_id" in members:
            kind = "signal" if "Signal" in event_type else "cancel"
            workflow_id = values.get("workflow_id")
            operation = self._object(
                self._external, (kind, workflow_id), f"{kind} to", values, "initiated_event_id"
            )
            if operation is None:
                operation = {"initiated": values["initiated_event_id"], "run_id": None, "control": None}
            values.setdefault("initiated_event_id", operation["initiated"])
            if "workflow_execution" in members:
                values.pop("workflow_id", None)
                run_id = values.pop("run_id", None) or operation["run_id"] or "external-run"
                values.setdefault("workflow_execution", {"workflow_id": workflow_id, "run_id": run_id})
            else:
                values.setdefault("run_id", operation["run_id"])
                values.setdefault("control", operation["control"])
        elif family == "LambdaFunction":
            function_id = values.pop("function_id", None)
            if "id" in members:
                values.setdefault("id", function_id)
            elif (
                function := self._object(
                    self._lambdas, function_id, "Lambda task", values, "scheduled_event_id"
                )
            ) is not None:
                values.setdefault("scheduled_event_id", function["scheduled"])
                if "started_event_id" in members:
                    values.setdefault("started_event_id", function["started"] or 0)
        elif event_type in ("WorkflowExecutionStarted", "WorkflowExecutionContinuedAsNew"):
            values.setdefault("task_list", {"name": self.task_list})
            values.setdefault("workflow_type", self.workflow_type)
            if event_type == "WorkflowExecutionContinuedAsNew":
                self._runs += 1
                values.setdefault("new_execution_run_id", f"continued-run-{self._runs}")
        elif event_type in ("DecisionTaskScheduled", "StartChildWorkflowExecutionInitiated"):
            values.setdefault("task_list", {"name": self.task_list})
        elif event_type == "ActivityTaskScheduled":
            values.setdefault("task_list", {"name": self.activity_task_list})

    def _track(self, event_type: str, event_id: int, values: Mapping[str, Any]) -> None:
        if event_type.startswith("DecisionTask"):
            if event_type == "DecisionTaskScheduled":
                self._decision["scheduled"] = event_id
            elif event_type == "DecisionTaskStarted":
                self._previous_started = self._decision["started"]
                self._decision["started"] = event_id
            elif event_type == "DecisionTaskCompleted":
                self._decision["completed"] = event_id
        elif event_type == "ActivityTaskScheduled":
            self._activities[values["activity_id"]] = {
                "scheduled": event_id,
                "started": None,
                "cancel_requested": None,
            }
        elif event_type == "ActivityTaskStarted":
            for activity in self._activities.values():
                if activity["scheduled"] == values["scheduled_event_id"]:
                    activity["started"] = event_id
        elif event_type == "ActivityTaskCancelRequested" and values.get("activity_id") in self._activities:
            self._activities[values["activity_id"]]["cancel_requested"] = event_id
        elif event_type == "TimerStarted":
            self._timers[values["timer_id"]] = event_id
        elif event_type == "StartChildWorkflowExecutionInitiated":
            self._children[values["workflow_id"]] = {
                "initiated": event_id,
                "started": None,
                "run_id": None,
                "workflow_type": values.get("workflow_type"),
                "control": values.get("control"),
            }
        elif event_type == "ChildWorkflowExecutionStarted":
            workflow_id, _ = _execution_ids(values["workflow_execution"])
            if workflow_id in self._children:
                self._children[workflow_id]["started"] = event_id
        elif event_type.endswith("ExternalWorkflowExecutionInitiated"):
            kind = "signal" if event_type.startswith("Signal") else "cancel"
            self._external[(kind, values["workflow_id"])] = {
                "initiated": event_id,
                "run_id": values.get("run_id"),
                "control": values.get("control"),
            }
        elif event_type == "LambdaFunctionScheduled":
            self._lambdas[values["id"]] = {"scheduled": event_id, "started": None}
        elif event_type == "LambdaFunctionStarted":
            for function in self._lambdas.values():
                if function["scheduled"] == values["scheduled_event_id"]:
                    function["started"] = event_id
