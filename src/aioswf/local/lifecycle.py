"""How an execution lives: its history, its decision tasks, its start and its close.

These functions are shared by the API operations, the decisions and the timeouts, so that every path
that starts, schedules or closes does it the same way and records the same events.
"""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING, Any

from aioswf.local.queues import QueuedTask
from aioswf.local.records import (
    ChildRecord,
    ClosedHistory,
    DecisionRecord,
    DomainRecord,
    ExecutionRecord,
    WorkflowTypeRecord,
)

if TYPE_CHECKING:
    from aioswf.local.state import State

__all__ = [
    "MissingDefault",
    "add_event",
    "close_execution",
    "finish_decision",
    "new_run_id",
    "rearm_execution",
    "rearm_retention",
    "request_decision",
    "resolve_start",
    "schedule_decision",
    "start_decision",
    "start_execution",
    "terminate",
    "track_child",
]

Json = dict[str, Any]

_CHILD_EVENTS = {
    "COMPLETED": "ChildWorkflowExecutionCompleted",
    "FAILED": "ChildWorkflowExecutionFailed",
    "CANCELED": "ChildWorkflowExecutionCanceled",
    "TERMINATED": "ChildWorkflowExecutionTerminated",
    "TIMED_OUT": "ChildWorkflowExecutionTimedOut",
}

MAX_HISTORY_EVENTS = 25_000


class MissingDefault(Exception):
    """A start setting was given neither explicitly nor as a type default.

    Attributes:
        setting: The SWF name of the setting, as it appears in ``DEFAULT_<setting>_UNDEFINED``.
    """

    def __init__(self, setting: str) -> None:
        super().__init__(setting)
        self.setting = setting


def new_run_id() -> str:
    """Return a fresh run id (opaque, like SWF's)."""
    return secrets.token_urlsafe(33)


def add_event(state: State, execution: ExecutionRecord, event_type: str, attributes: Json) -> int:
    """Append an event to the history and return its id.

    A history that reaches SWF's limit of 25,000 events gets its execution terminated (cause
    EVENT_LIMIT_EXCEEDED) as soon as the current operation is over.
    """
    events = execution.events
    assert isinstance(events, list), "a closed execution's history does not change"
    state.changed_run(execution.run_id)
    event_id = len(events) + 1
    key = event_type[0].lower() + event_type[1:] + "EventAttributes"
    events.append(
        {"eventId": event_id, "eventTimestamp": state.now(), "eventType": event_type, key: attributes}
    )
    if event_id == MAX_HISTORY_EVENTS:
        state.at(state.clock.now(), lambda: _over_limit(state, execution))
    return event_id


def _over_limit(state: State, execution: ExecutionRecord) -> None:
    if execution.status == "OPEN":
        terminate(state, execution, cause="EVENT_LIMIT_EXCEEDED")


def resolve_start(workflow_type: WorkflowTypeRecord, given: Json) -> Json:
    """Merge start settings with the type's registered defaults.

    Args:
        workflow_type: The type being started.
        given: The settings of the request or decision.

    Returns:
        ``executionStartToCloseTimeout``, ``taskStartToCloseTimeout``, ``taskList`` (a name),
        ``childPolicy``, ``taskPriority`` (or None) and ``lambdaRole`` (or None).

    Raises:
        MissingDefault: If a required setting has no value.
    """
    config = workflow_type.configuration
    resolved: Json = {}
    for key, default, setting in (
        (
            "executionStartToCloseTimeout",
            "defaultExecutionStartToCloseTimeout",
            "EXECUTION_START_TO_CLOSE_TIMEOUT",
        ),
        ("taskStartToCloseTimeout", "defaultTaskStartToCloseTimeout", "TASK_START_TO_CLOSE_TIMEOUT"),
        ("childPolicy", "defaultChildPolicy", "CHILD_POLICY"),
    ):
        value = given.get(key) or config.get(default)
        if value is None:
            raise MissingDefault(setting)
        resolved[key] = value
    task_list = (given.get("taskList") or {}).get("name") or (config.get("defaultTaskList") or {}).get("name")
    if not task_list:
        raise MissingDefault("TASK_LIST")
    resolved["taskList"] = task_list
    resolved["taskPriority"] = given.get("taskPriority") or (config.get("defaultTaskPriority"))
    resolved["lambdaRole"] = given.get("lambdaRole") or config.get("defaultLambdaRole")
    return resolved


def start_execution(
    state: State,
    domain: DomainRecord,
    workflow_type: WorkflowTypeRecord,
    workflow_id: str,
    resolved: Json,
    *,
    input: str | None = None,
    tags: list[str] | None = None,
    run_id: str | None = None,
    parent: ExecutionRecord | None = None,
    parent_initiated_event_id: int = 0,
    continued_from: str | None = None,
) -> ExecutionRecord:
    """Open a new run: record ``WorkflowExecutionStarted``, arm its timeout, schedule a decision task.

    The caller has checked that no open execution has ``workflow_id``.
    """
    execution = ExecutionRecord(
        domain=domain,
        workflow_id=workflow_id,
        run_id=run_id or new_run_id(),
        workflow_type=workflow_type,
        task_list=resolved["taskList"],
        task_priority=resolved["taskPriority"],
        child_policy=resolved["childPolicy"],
        execution_timeout=resolved["executionStartToCloseTimeout"],
        task_timeout=resolved["taskStartToCloseTimeout"],
        lambda_role=resolved["lambdaRole"],
        tags=list(tags or []),
        input=input,
        start=state.now(),
        parent=parent,
        parent_initiated_event_id=parent_initiated_event_id,
        order=state.next_order(),
    )
    domain.open_executions[workflow_id] = execution
    domain.runs[(workflow_id, execution.run_id)] = execution
    state.runs[execution.run_id] = execution
    attributes: Json = {
        "executionStartToCloseTimeout": execution.execution_timeout,
        "taskStartToCloseTimeout": execution.task_timeout,
        "childPolicy": execution.child_policy,
        "taskList": {"name": execution.task_list},
        "workflowType": execution.type_ref,
    }
    if input is not None:
        attributes["input"] = input
    if execution.task_priority is not None:
        attributes["taskPriority"] = execution.task_priority
    if execution.tags:
        attributes["tagList"] = list(execution.tags)
    if continued_from is not None:
        attributes["continuedExecutionRunId"] = continued_from
    if parent is not None:
        attributes["parentWorkflowExecution"] = parent.ref
        attributes["parentInitiatedEventId"] = parent_initiated_event_id
    if execution.lambda_role is not None:
        attributes["lambdaRole"] = execution.lambda_role
    add_event(state, execution, "WorkflowExecutionStarted", attributes)
    execution.timeout_deadline = state.after(
        execution.execution_timeout, lambda: _timed_out(state, execution)
    )
    schedule_decision(state, execution)
    return execution


def request_decision(state: State, execution: ExecutionRecord) -> None:
    """Make sure the decider hears about new events: schedule a decision task unless one is pending."""
    if execution.status != "OPEN":
        return
    if execution.decision is None:
        schedule_decision(state, execution)
    elif execution.decision.started_event_id:
        execution.decision_needed = True


def schedule_decision(state: State, execution: ExecutionRecord) -> None:
    """Record ``DecisionTaskScheduled`` and queue the task on the (possibly overridden) task list."""
    task_list = execution.task_list_override or execution.task_list
    attributes: Json = {"taskList": {"name": task_list}, "startToCloseTimeout": execution.task_timeout}
    if execution.task_priority is not None:
        attributes["taskPriority"] = execution.task_priority
    if execution.task_list_override is not None and execution.override_timeout is not None:
        attributes["scheduleToStartTimeout"] = execution.override_timeout
    event_id = add_event(state, execution, "DecisionTaskScheduled", attributes)
    record = DecisionRecord(event_id, task_list)
    execution.decision = record
    execution.decision_needed = False
    record.queued = QueuedTask(execution, record, priority=int(execution.task_priority or 0))
    state.decision_queue(execution.domain.name, task_list).push(record.queued)
    if "scheduleToStartTimeout" in attributes:
        deadline = state.after(
            execution.override_timeout,
            lambda: decision_timed_out(state, execution, record, "SCHEDULE_TO_START"),
        )
        if deadline is not None:
            record.deadlines.append(deadline)


def start_decision(
    state: State, execution: ExecutionRecord, record: DecisionRecord, identity: str | None
) -> str:
    """Record ``DecisionTaskStarted`` for a polled task and return its token."""
    attributes: Json = {"scheduledEventId": record.scheduled_event_id}
    if identity:
        attributes["identity"] = identity
    record.started_event_id = add_event(state, execution, "DecisionTaskStarted", attributes)
    record.queued = None
    for pending in record.deadlines:
        state.cancel(pending)
    record.deadlines.clear()
    deadline = state.after(
        execution.task_timeout, lambda: decision_timed_out(state, execution, record, "START_TO_CLOSE")
    )
    if deadline is not None:
        record.deadlines.append(deadline)
    record.token = state.new_token("decision", execution, record)
    return record.token


def _drop_decision(state: State, execution: ExecutionRecord) -> None:
    record = execution.decision
    if record is None:
        return
    state.drop_token(record.token)
    if record.queued is not None and record.queued.queue is not None:
        record.queued.queue.discard(record.queued)
    for deadline in record.deadlines:
        state.cancel(deadline)
    execution.decision = None


def finish_decision(state: State, execution: ExecutionRecord) -> None:
    """Close the started decision task; schedule the next one if events arrived meanwhile."""
    needed = execution.decision_needed
    _drop_decision(state, execution)
    if needed and execution.status == "OPEN":
        schedule_decision(state, execution)


def decision_timed_out(state: State, execution: ExecutionRecord, record: DecisionRecord, kind: str) -> None:
    """Record ``DecisionTaskTimedOut`` and schedule a new decision task."""
    if execution.decision is not record or execution.status != "OPEN":
        return
    add_event(
        state,
        execution,
        "DecisionTaskTimedOut",
        {
            "timeoutType": kind,
            "scheduledEventId": record.scheduled_event_id,
            "startedEventId": record.started_event_id,
        },
    )
    _drop_decision(state, execution)
    if execution.override_timeout is not None:
        execution.task_list_override = None
        execution.override_timeout = None
    schedule_decision(state, execution)


def _timed_out(state: State, execution: ExecutionRecord) -> None:
    if execution.status != "OPEN":
        return
    close_execution(
        state,
        execution,
        "TIMED_OUT",
        "WorkflowExecutionTimedOut",
        {"timeoutType": "START_TO_CLOSE", "childPolicy": execution.child_policy},
        child_policy=execution.child_policy,
    )


def terminate(
    state: State,
    execution: ExecutionRecord,
    *,
    reason: str | None = None,
    details: str | None = None,
    child_policy: str | None = None,
    cause: str | None = None,
) -> None:
    """Close an execution as ``TERMINATED`` and apply its child policy."""
    policy = child_policy or execution.child_policy
    attributes: Json = {"childPolicy": policy}
    if reason is not None:
        attributes["reason"] = reason
    if details is not None:
        attributes["details"] = details
    if cause is not None:
        attributes["cause"] = cause
    close_execution(
        state, execution, "TERMINATED", "WorkflowExecutionTerminated", attributes, child_policy=policy
    )


def close_execution(
    state: State,
    execution: ExecutionRecord,
    close_status: str,
    event_type: str,
    attributes: Json,
    *,
    child_policy: str | None = None,
) -> None:
    """Record the closing event, release every open task and timer, and tell the parent.

    Args:
        state: The state.
        execution: The open execution to close.
        close_status: One of SWF's close statuses.
        event_type: The closing event to record.
        attributes: Its attributes.
        child_policy: Applied to open children when given (termination and timeout only, as SWF
            documents the child policy).
    """
    add_event(state, execution, event_type, attributes)
    execution.status = "CLOSED"
    execution.close_status = close_status
    execution.close = state.now()
    execution.close_order = state.next_order()
    state.cancel(execution.timeout_deadline)
    _drop_decision(state, execution)
    for activity in execution.activities.values():
        state.drop_token(activity.token)
        if activity.queued is not None and activity.queued.queue is not None:
            activity.queued.queue.discard(activity.queued)
        for deadline in activity.deadlines.values():
            state.cancel(deadline)
    execution.activities.clear()
    for timer in execution.timers.values():
        state.cancel(timer.deadline)
    execution.timers.clear()
    for function in execution.lambdas.values():
        state.cancel(function.deadline)
        if function.task is not None:
            function.task.cancel()
    execution.lambdas.clear()
    domain = execution.domain
    if domain.open_executions.get(execution.workflow_id) is execution:
        del domain.open_executions[execution.workflow_id]
    domain.closed_executions[execution.run_id] = execution
    if child_policy is not None:
        _apply_child_policy(state, execution, child_policy)
    execution.children.clear()
    if close_status != "CONTINUED_AS_NEW":
        _notify_parent(state, execution, close_status, attributes)
    execution.events = ClosedHistory(execution.events)
    _schedule_retention(state, execution)


def _apply_child_policy(state: State, execution: ExecutionRecord, policy: str) -> None:
    if policy == "ABANDON":
        return
    for child_record in list(execution.children.values()):
        child = execution.domain.open_executions.get(child_record.workflow_id)
        if child is None or child.parent is not execution:
            continue
        if policy == "TERMINATE":
            terminate(state, child, cause="CHILD_POLICY_APPLIED")
        else:
            child.cancel_requested = True
            add_event(state, child, "WorkflowExecutionCancelRequested", {"cause": "CHILD_POLICY_APPLIED"})
            request_decision(state, child)


def _notify_parent(state: State, execution: ExecutionRecord, close_status: str, attributes: Json) -> None:
    parent = execution.parent
    if parent is None or parent.status != "OPEN":
        return
    record = parent.children.pop(execution.workflow_id, None)
    if record is None:
        return
    event: Json = {
        "workflowExecution": execution.ref,
        "workflowType": execution.type_ref,
        "initiatedEventId": record.initiated_event_id,
        "startedEventId": record.started_event_id,
    }
    if close_status == "COMPLETED" and "result" in attributes:
        event["result"] = attributes["result"]
    elif close_status == "FAILED":
        event.update({key: attributes[key] for key in ("reason", "details") if key in attributes})
    elif close_status == "CANCELED" and "details" in attributes:
        event["details"] = attributes["details"]
    elif close_status == "TIMED_OUT":
        event["timeoutType"] = "START_TO_CLOSE"
    add_event(state, parent, _CHILD_EVENTS[close_status], event)
    request_decision(state, parent)


def _schedule_retention(state: State, execution: ExecutionRecord) -> None:
    # One deadline per domain, not one per closed run: a domain's retention is fixed, so runs expire in
    # the order they closed, and a queue of plain tuples keeps retained runs cheap for the garbage collector.
    domain = execution.domain
    days = 0 if domain.retention_days == "NONE" else int(domain.retention_days)
    domain.retained.append((state.clock.now() + days * 86400, execution.workflow_id, execution.run_id))
    if domain.retention_deadline is None or domain.retention_deadline.cancelled:
        _arm_retention(state, domain)


def _arm_retention(state: State, domain: DomainRecord) -> None:
    def expire() -> None:
        now = state.clock.now()
        while domain.retained and domain.retained[0][0] <= now:
            _, workflow_id, run_id = domain.retained.popleft()
            domain.closed_executions.pop(run_id, None)
            domain.runs.pop((workflow_id, run_id), None)
            state.runs.pop(run_id, None)
            state.changed_run(run_id)
        domain.retention_deadline = None
        if domain.retained:
            _arm_retention(state, domain)

    # Passive: nobody waits for a history to vanish, so an AutoJumpClock must not jump to it (a test
    # could not read the result of an execution that just closed).
    domain.retention_deadline = state.at(domain.retained[0][0], expire, passive=True)


def track_child(
    parent: ExecutionRecord, child: ExecutionRecord, workflow_type: Json, initiated_event_id: int
) -> ChildRecord:
    """Remember a started child in its parent."""
    record = ChildRecord(child.workflow_id, workflow_type, initiated_event_id, child.run_id)
    parent.children[child.workflow_id] = record
    return record


def rearm_execution(state: State, execution: ExecutionRecord) -> None:
    """Give a run read back from a store its deadlines: its timeout, its decision task's, the event limit."""
    stored = execution.timeout_deadline
    if stored is not None:
        execution.timeout_deadline = state.at(stored.when, lambda: _timed_out(state, execution))
    record = execution.decision
    if record is not None:
        kind = "START_TO_CLOSE" if record.started_event_id else "SCHEDULE_TO_START"
        record.deadlines = [
            state.at(deadline.when, lambda: decision_timed_out(state, execution, record, kind))
            for deadline in record.deadlines
        ]
    if len(execution.events) >= MAX_HISTORY_EVENTS:
        state.at(state.clock.now(), lambda: _over_limit(state, execution))


def rearm_retention(state: State, domain: DomainRecord) -> None:
    """Arm the retention deadline of a domain read back from a store."""
    if domain.retained:
        _arm_retention(state, domain)
