"""``RespondDecisionTaskCompleted``: the 13 decision types and the events each one records.

The whole list is validated first, so that a refused list changes nothing (no event, no task, and the
decision task is still the decider's); then the decisions are applied in order, right after
``DecisionTaskCompleted``, in one synchronous step no other request can interleave with. Effects on
other executions (signals, cancel requests, child starts) are applied once the whole list is recorded,
as SWF applies them asynchronously: their outcome events follow the decisions' events in the history.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from aioswf.local.activities import close_activity, schedule_activity
from aioswf.local.lambdas import schedule_lambda
from aioswf.local.lifecycle import (
    MissingDefault,
    add_event,
    close_execution,
    finish_decision,
    new_run_id,
    request_decision,
    resolve_start,
    start_execution,
    track_child,
)
from aioswf.local.records import DecisionRecord, ExecutionRecord, TimerRecord
from aioswf.local.rules import Checks
from aioswf.local.workflow_ops import request_cancel, signal

if TYPE_CHECKING:
    from aioswf.local.state import State

__all__ = ["complete_decision_task", "rearm_timer"]

Json = dict[str, Any]
Effect = Callable[[], None]
MAX_OPEN_TIMERS = 1000
MAX_OPEN_CHILDREN = 1000
MAX_OPEN_EXECUTIONS = 100_000
_CLOSE_DECISIONS = {
    "CompleteWorkflowExecution",
    "FailWorkflowExecution",
    "CancelWorkflowExecution",
    "ContinueAsNewWorkflowExecution",
}


class _Batch:
    """The context of one decision list."""

    def __init__(self, completed_event_id: int, unhandled: bool, count: int) -> None:
        self.completed_event_id = completed_event_id
        self.unhandled = unhandled
        self.count = count
        self.index = 0
        self.effects: list[Effect] = []


def _attribute_key(decision_type: str) -> str:
    return decision_type[0].lower() + decision_type[1:] + "DecisionAttributes"


def _validate(p: Json) -> None:
    """Check a whole decision list (and the answer's own members) before anything of it is applied."""
    checks = Checks()
    for position, decision in enumerate(p.get("decisions") or [], 1):
        decision_type = decision["decisionType"]
        key = _attribute_key(decision_type)
        path = f"decisions.{position}.member"
        attrs = decision.get(key)
        if attrs is None and decision_type not in _CLOSE_DECISIONS:
            checks.add(None, f"{path}.{key}", "Member must not be null")
        for other in decision:
            if other not in ("decisionType", key):
                checks.add(
                    decision[other], f"{path}.{other}", f"Member must be absent in a {decision_type} decision"
                )
        attrs = attrs or {}
        path = f"{path}.{key}"
        for name, value in attrs.items():
            if name.endswith("Timeout"):
                checks.duration(value, f"{path}.{name}", unlimited=name != "startToFireTimeout")
        if decision_type == "ScheduleActivityTask":
            checks.name(attrs.get("activityId"), f"{path}.activityId")
            checks.priority(attrs.get("taskPriority"), f"{path}.taskPriority")
            checks.name((attrs.get("taskList") or {}).get("name"), f"{path}.taskList.name")
        elif decision_type == "StartTimer":
            checks.name(attrs.get("timerId"), f"{path}.timerId")
        elif decision_type in ("StartChildWorkflowExecution", "ContinueAsNewWorkflowExecution"):
            checks.priority(attrs.get("taskPriority"), f"{path}.taskPriority")
            checks.name((attrs.get("taskList") or {}).get("name"), f"{path}.taskList.name")
            checks.name(attrs.get("workflowId"), f"{path}.workflowId")
    checks.name((p.get("taskList") or {}).get("name"), "taskList.name")
    checks.duration(p.get("taskListScheduleToStartTimeout"), "taskListScheduleToStartTimeout")
    checks.done()


def complete_decision_task(state: State, execution: ExecutionRecord, record: DecisionRecord, p: Json) -> None:
    """Record ``DecisionTaskCompleted``, apply the decisions, then schedule the next decision task if needed.

    Raises:
        ValidationException: If any decision is malformed (nothing is recorded then).
    """
    decisions: list[Json] = p.get("decisions") or []
    _validate(p)
    attributes: Json = {
        "scheduledEventId": record.scheduled_event_id,
        "startedEventId": record.started_event_id,
    }
    if p.get("executionContext") is not None:
        attributes["executionContext"] = execution.latest_context = p["executionContext"]
    if p.get("taskList"):
        attributes["taskList"] = p["taskList"]
        execution.task_list_override = p["taskList"]["name"]
        execution.override_timeout = p.get("taskListScheduleToStartTimeout")
        if execution.override_timeout is not None:
            attributes["taskListScheduleToStartTimeout"] = execution.override_timeout
    completed_event_id = add_event(state, execution, "DecisionTaskCompleted", attributes)
    execution.previous_started_event_id = record.started_event_id
    state.drop_token(record.token)
    record.token = None
    batch = _Batch(completed_event_id, execution.decision_needed, len(decisions))
    for index, decision in enumerate(decisions):
        if execution.status != "OPEN":
            break
        batch.index = index
        decision_type = decision["decisionType"]
        _APPLY[decision_type](state, execution, decision.get(_attribute_key(decision_type)) or {}, batch)
    finish_decision(state, execution)
    for effect in batch.effects:
        effect()


def _failed(state: State, execution: ExecutionRecord, event_type: str, attributes: Json) -> None:
    add_event(state, execution, event_type, attributes)
    request_decision(state, execution)


# -- activities ---------------------------------------------------------------------------------


def _schedule_activity(state: State, execution: ExecutionRecord, attrs: Json, batch: _Batch) -> None:
    schedule_activity(state, execution, attrs, batch.completed_event_id)


def _request_cancel_activity(state: State, execution: ExecutionRecord, attrs: Json, batch: _Batch) -> None:
    activity_id = attrs["activityId"]
    record = execution.activities.get(activity_id)
    if record is None:
        _failed(
            state,
            execution,
            "RequestCancelActivityTaskFailed",
            {
                "activityId": activity_id,
                "cause": "ACTIVITY_ID_UNKNOWN",
                "decisionTaskCompletedEventId": batch.completed_event_id,
            },
        )
        return
    record.cancel_requested_event_id = add_event(
        state,
        execution,
        "ActivityTaskCancelRequested",
        {"activityId": activity_id, "decisionTaskCompletedEventId": batch.completed_event_id},
    )
    if not record.started_event_id:
        add_event(
            state,
            execution,
            "ActivityTaskCanceled",
            {
                "scheduledEventId": record.scheduled_event_id,
                "startedEventId": 0,
                "latestCancelRequestedEventId": record.cancel_requested_event_id,
            },
        )
        close_activity(state, execution, record)
        request_decision(state, execution)


# -- closing ------------------------------------------------------------------------------------


def _close_blocked(state: State, execution: ExecutionRecord, decision_type: str, batch: _Batch) -> bool:
    if not batch.unhandled and batch.index == batch.count - 1:
        return False
    event_type = decision_type.replace("WorkflowExecution", "") + "WorkflowExecutionFailed"
    _failed(
        state,
        execution,
        event_type,
        {"cause": "UNHANDLED_DECISION", "decisionTaskCompletedEventId": batch.completed_event_id},
    )
    return True


def _closer(close_status: str, event_type: str, keys: tuple[str, ...], decision_type: str) -> Any:
    def apply(state: State, execution: ExecutionRecord, attrs: Json, batch: _Batch) -> None:
        if _close_blocked(state, execution, decision_type, batch):
            return
        attributes: Json = {"decisionTaskCompletedEventId": batch.completed_event_id}
        attributes.update({key: attrs[key] for key in keys if attrs.get(key) is not None})
        close_execution(state, execution, close_status, event_type, attributes)

    return apply


def _continue_as_new(state: State, execution: ExecutionRecord, attrs: Json, batch: _Batch) -> None:
    decision_type = "ContinueAsNewWorkflowExecution"
    if _close_blocked(state, execution, decision_type, batch):
        return
    domain = execution.domain
    version = attrs.get("workflowTypeVersion") or execution.workflow_type.version
    workflow_type = domain.workflow_types.get((execution.workflow_type.name, version))
    cause = None
    if workflow_type is None:
        cause = "WORKFLOW_TYPE_DOES_NOT_EXIST"
    elif workflow_type.status != "REGISTERED":
        cause = "WORKFLOW_TYPE_DEPRECATED"
    if cause is not None or workflow_type is None:
        _failed(
            state,
            execution,
            "ContinueAsNewWorkflowExecutionFailed",
            {"cause": cause, "decisionTaskCompletedEventId": batch.completed_event_id},
        )
        return
    inherited = {
        "executionStartToCloseTimeout": execution.execution_timeout,
        "taskStartToCloseTimeout": execution.task_timeout,
        "childPolicy": execution.child_policy,
        "taskList": {"name": execution.task_list},
        "taskPriority": execution.task_priority,
        "lambdaRole": execution.lambda_role,
    }
    merged = {key: value for key, value in attrs.items() if value is not None}
    config = workflow_type.configuration
    for key, value in inherited.items():
        if merged.get(key) is None and config.get("default" + key[0].upper() + key[1:]) is None:
            merged[key] = value
    resolved = resolve_start(workflow_type, merged)
    tags = attrs.get("tagList", execution.tags)
    run_id = new_run_id()
    event: Json = {
        "decisionTaskCompletedEventId": batch.completed_event_id,
        "newExecutionRunId": run_id,
        "executionStartToCloseTimeout": resolved["executionStartToCloseTimeout"],
        "taskStartToCloseTimeout": resolved["taskStartToCloseTimeout"],
        "taskList": {"name": resolved["taskList"]},
        "childPolicy": resolved["childPolicy"],
        "workflowType": {"name": workflow_type.name, "version": workflow_type.version},
    }
    if attrs.get("input") is not None:
        event["input"] = attrs["input"]
    if resolved["taskPriority"] is not None:
        event["taskPriority"] = resolved["taskPriority"]
    if tags:
        event["tagList"] = list(tags)
    if resolved["lambdaRole"] is not None:
        event["lambdaRole"] = resolved["lambdaRole"]
    parent = execution.parent
    close_execution(state, execution, "CONTINUED_AS_NEW", "WorkflowExecutionContinuedAsNew", event)
    new_run = start_execution(
        state,
        domain,
        workflow_type,
        execution.workflow_id,
        resolved,
        input=attrs.get("input"),
        tags=tags,
        run_id=run_id,
        parent=parent,
        parent_initiated_event_id=execution.parent_initiated_event_id,
        continued_from=execution.run_id,
    )
    if parent is not None and execution.workflow_id in parent.children:
        parent.children[execution.workflow_id].run_id = new_run.run_id
        state.changed_run(parent.run_id)


# -- markers and timers -------------------------------------------------------------------------


def _record_marker(state: State, execution: ExecutionRecord, attrs: Json, batch: _Batch) -> None:
    attributes: Json = {
        "markerName": attrs["markerName"],
        "decisionTaskCompletedEventId": batch.completed_event_id,
    }
    if attrs.get("details") is not None:
        attributes["details"] = attrs["details"]
    add_event(state, execution, "MarkerRecorded", attributes)


def _start_timer(state: State, execution: ExecutionRecord, attrs: Json, batch: _Batch) -> None:
    timer_id = attrs["timerId"]
    cause = None
    if timer_id in execution.timers:
        cause = "TIMER_ID_ALREADY_IN_USE"
    elif len(execution.timers) >= MAX_OPEN_TIMERS:
        cause = "OPEN_TIMERS_LIMIT_EXCEEDED"
    if cause is not None:
        _failed(
            state,
            execution,
            "StartTimerFailed",
            {"timerId": timer_id, "cause": cause, "decisionTaskCompletedEventId": batch.completed_event_id},
        )
        return
    attributes: Json = {
        "timerId": timer_id,
        "startToFireTimeout": attrs["startToFireTimeout"],
        "decisionTaskCompletedEventId": batch.completed_event_id,
    }
    if attrs.get("control") is not None:
        attributes["control"] = attrs["control"]
    started_event_id = add_event(state, execution, "TimerStarted", attributes)
    deadline = state.at(
        state.clock.now() + int(attrs["startToFireTimeout"]),
        lambda: _fire_timer(state, execution, timer_id, started_event_id),
    )
    execution.timers[timer_id] = TimerRecord(timer_id, started_event_id, deadline)


def _fire_timer(state: State, execution: ExecutionRecord, timer_id: str, started_event_id: int) -> None:
    timer = execution.timers.get(timer_id)
    if execution.status != "OPEN" or timer is None or timer.started_event_id != started_event_id:
        return
    del execution.timers[timer_id]
    add_event(state, execution, "TimerFired", {"timerId": timer_id, "startedEventId": started_event_id})
    request_decision(state, execution)


def rearm_timer(state: State, execution: ExecutionRecord, timer: TimerRecord) -> None:
    """Give a timer read back from a store its deadline."""
    timer.deadline = state.at(
        timer.deadline.when, lambda: _fire_timer(state, execution, timer.timer_id, timer.started_event_id)
    )


def _cancel_timer(state: State, execution: ExecutionRecord, attrs: Json, batch: _Batch) -> None:
    timer_id = attrs["timerId"]
    timer = execution.timers.pop(timer_id, None)
    if timer is None:
        _failed(
            state,
            execution,
            "CancelTimerFailed",
            {
                "timerId": timer_id,
                "cause": "TIMER_ID_UNKNOWN",
                "decisionTaskCompletedEventId": batch.completed_event_id,
            },
        )
        return
    state.cancel(timer.deadline)
    add_event(
        state,
        execution,
        "TimerCanceled",
        {
            "timerId": timer_id,
            "startedEventId": timer.started_event_id,
            "decisionTaskCompletedEventId": batch.completed_event_id,
        },
    )


# -- other executions ---------------------------------------------------------------------------


def _external_target(execution: ExecutionRecord, attrs: Json) -> ExecutionRecord | None:
    target = execution.domain.open_executions.get(attrs["workflowId"])
    if target is None or (attrs.get("runId") and target.run_id != attrs["runId"]):
        return None
    return target


def _external_failed(
    state: State, execution: ExecutionRecord, event_type: str, attrs: Json, initiated: int, batch: _Batch
) -> None:
    if execution.status != "OPEN":
        return
    attributes: Json = {
        "workflowId": attrs["workflowId"],
        "cause": "UNKNOWN_EXTERNAL_WORKFLOW_EXECUTION",
        "initiatedEventId": initiated,
        "decisionTaskCompletedEventId": batch.completed_event_id,
    }
    for key in ("runId", "control"):
        if attrs.get(key) is not None:
            attributes[key] = attrs[key]
    _failed(state, execution, event_type, attributes)


def _signal_external(state: State, execution: ExecutionRecord, attrs: Json, batch: _Batch) -> None:
    attributes: Json = {
        "workflowId": attrs["workflowId"],
        "signalName": attrs["signalName"],
        "decisionTaskCompletedEventId": batch.completed_event_id,
    }
    for key in ("runId", "input", "control"):
        if attrs.get(key) is not None:
            attributes[key] = attrs[key]
    initiated = add_event(state, execution, "SignalExternalWorkflowExecutionInitiated", attributes)

    def deliver() -> None:
        target = _external_target(execution, attrs)
        if target is None:
            _external_failed(
                state, execution, "SignalExternalWorkflowExecutionFailed", attrs, initiated, batch
            )
            return
        signal(state, target, attrs["signalName"], attrs.get("input"), execution, initiated)
        if execution.status == "OPEN":
            add_event(
                state,
                execution,
                "ExternalWorkflowExecutionSignaled",
                {"workflowExecution": target.ref, "initiatedEventId": initiated},
            )
            request_decision(state, execution)

    batch.effects.append(deliver)


def _request_cancel_external(state: State, execution: ExecutionRecord, attrs: Json, batch: _Batch) -> None:
    attributes: Json = {
        "workflowId": attrs["workflowId"],
        "decisionTaskCompletedEventId": batch.completed_event_id,
    }
    for key in ("runId", "control"):
        if attrs.get(key) is not None:
            attributes[key] = attrs[key]
    initiated = add_event(state, execution, "RequestCancelExternalWorkflowExecutionInitiated", attributes)

    def deliver() -> None:
        target = _external_target(execution, attrs)
        if target is None:
            _external_failed(
                state, execution, "RequestCancelExternalWorkflowExecutionFailed", attrs, initiated, batch
            )
            return
        request_cancel(state, target, execution, initiated)
        if execution.status == "OPEN":
            add_event(
                state,
                execution,
                "ExternalWorkflowExecutionCancelRequested",
                {"workflowExecution": target.ref, "initiatedEventId": initiated},
            )
            request_decision(state, execution)

    batch.effects.append(deliver)


def _start_child(state: State, execution: ExecutionRecord, attrs: Json, batch: _Batch) -> None:
    domain = execution.domain
    ref = attrs["workflowType"]
    workflow_id = attrs["workflowId"]
    workflow_type = domain.workflow_types.get((ref["name"], ref["version"]))
    failure: Json = {
        "workflowType": ref,
        "workflowId": workflow_id,
        "initiatedEventId": 0,
        "decisionTaskCompletedEventId": batch.completed_event_id,
    }
    if attrs.get("control") is not None:
        failure["control"] = attrs["control"]
    cause = None
    resolved: Json = {}
    if workflow_type is None:
        cause = "WORKFLOW_TYPE_DOES_NOT_EXIST"
    elif workflow_type.status != "REGISTERED":
        cause = "WORKFLOW_TYPE_DEPRECATED"
    elif len(execution.children) >= MAX_OPEN_CHILDREN:
        cause = "OPEN_CHILDREN_LIMIT_EXCEEDED"
    elif len(domain.open_executions) >= MAX_OPEN_EXECUTIONS:
        cause = "OPEN_WORKFLOWS_LIMIT_EXCEEDED"
    else:
        try:
            resolved = resolve_start(workflow_type, attrs)
        except MissingDefault as missing:
            cause = f"DEFAULT_{missing.setting}_UNDEFINED"
    if cause is not None or workflow_type is None:
        _failed(state, execution, "StartChildWorkflowExecutionFailed", {**failure, "cause": cause})
        return
    initiated_attrs: Json = {
        "workflowId": workflow_id,
        "workflowType": ref,
        "taskList": {"name": resolved["taskList"]},
        "decisionTaskCompletedEventId": batch.completed_event_id,
        "childPolicy": resolved["childPolicy"],
        "executionStartToCloseTimeout": resolved["executionStartToCloseTimeout"],
        "taskStartToCloseTimeout": resolved["taskStartToCloseTimeout"],
    }
    for key in ("control", "input", "tagList"):
        if attrs.get(key) is not None:
            initiated_attrs[key] = attrs[key]
    for key in ("taskPriority", "lambdaRole"):
        if resolved[key] is not None:
            initiated_attrs[key] = resolved[key]
    initiated = add_event(state, execution, "StartChildWorkflowExecutionInitiated", initiated_attrs)

    def start() -> None:
        if workflow_id in domain.open_executions:
            if execution.status == "OPEN":
                failure["initiatedEventId"] = initiated
                _failed(
                    state,
                    execution,
                    "StartChildWorkflowExecutionFailed",
                    {**failure, "cause": "WORKFLOW_ALREADY_RUNNING"},
                )
            return
        parent = execution if execution.status == "OPEN" else None
        child = start_execution(
            state,
            domain,
            workflow_type,
            workflow_id,
            resolved,
            input=attrs.get("input"),
            tags=attrs.get("tagList"),
            parent=parent,
            parent_initiated_event_id=initiated if parent else 0,
        )
        if parent is None:
            return
        record = track_child(parent, child, ref, initiated)
        record.started_event_id = add_event(
            state,
            parent,
            "ChildWorkflowExecutionStarted",
            {"workflowExecution": child.ref, "workflowType": ref, "initiatedEventId": initiated},
        )
        request_decision(state, parent)

    batch.effects.append(start)


def _schedule_lambda(state: State, execution: ExecutionRecord, attrs: Json, batch: _Batch) -> None:
    schedule_lambda(state, execution, attrs, batch.completed_event_id)


_APPLY: dict[str, Callable[[State, ExecutionRecord, Json, _Batch], None]] = {
    "ScheduleActivityTask": _schedule_activity,
    "RequestCancelActivityTask": _request_cancel_activity,
    "CompleteWorkflowExecution": _closer(
        "COMPLETED", "WorkflowExecutionCompleted", ("result",), "CompleteWorkflowExecution"
    ),
    "FailWorkflowExecution": _closer(
        "FAILED", "WorkflowExecutionFailed", ("reason", "details"), "FailWorkflowExecution"
    ),
    "CancelWorkflowExecution": _closer(
        "CANCELED", "WorkflowExecutionCanceled", ("details",), "CancelWorkflowExecution"
    ),
    "ContinueAsNewWorkflowExecution": _continue_as_new,
    "RecordMarker": _record_marker,
    "StartTimer": _start_timer,
    "CancelTimer": _cancel_timer,
    "SignalExternalWorkflowExecution": _signal_external,
    "RequestCancelExternalWorkflowExecution": _request_cancel_external,
    "StartChildWorkflowExecution": _start_child,
    "ScheduleLambdaFunction": _schedule_lambda,
}
