"""Records to rows and back: what the durable store writes for each domain, type and run.

A run's row holds its settings, written once when it starts, and its progress, rewritten whenever it
changes: close status and times, and its open work (the decision task, activities, timers, children and
Lambda functions, with their task tokens, places in their queues and deadline times). What the run's
history already says is not written twice: an open activity's type, task list, input, control, priority
and timeouts are read back from its ``ActivityTaskScheduled`` event.

Deadlines come back as placeholders, a time without an action: only the engine knows what each one does,
and it re-arms them.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, NamedTuple

from aioswf.local.records import (
    ActivityRecord,
    ActivityTypeRecord,
    ChildRecord,
    Deadline,
    DecisionRecord,
    DomainRecord,
    ExecutionRecord,
    LambdaRecord,
    TimerRecord,
    TypeRecord,
    WorkflowTypeRecord,
)

__all__ = [
    "ExecutionRow",
    "Queued",
    "decode_domain",
    "decode_type",
    "encode",
    "encode_domain",
    "encode_type",
    "expires_of",
    "progress_of",
    "restore_execution",
    "restore_open_work",
    "settings_of",
]

Json = dict[str, Any]
_ACTIVITY_TIMEOUTS = (
    "scheduleToCloseTimeout",
    "scheduleToStartTimeout",
    "startToCloseTimeout",
    "heartbeatTimeout",
)
encode = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode
"""Compact JSON, as every row's body is written."""


class ExecutionRow(NamedTuple):
    """The columns of a run's row, in the order ``SELECT`` reads them."""

    run_id: str
    domain: str
    workflow_id: str
    status: str
    start: float
    seq: int
    close_seq: int
    expires: float | None
    event_count: int
    settings: str
    progress: str


class Queued(NamedTuple):
    """A restored task that was scheduled and not started: it goes back into its queue, in this order."""

    order: int
    kind: str
    execution: ExecutionRecord
    record: DecisionRecord | ActivityRecord


def _when(deadline: Deadline | None) -> float | None:
    return None if deadline is None or deadline.cancelled else deadline.when


def _placeholder(when: float | None) -> Deadline | None:
    return None if when is None else Deadline(when, None)


# -- domains and types --------------------------------------------------------------------------


def encode_domain(domain: DomainRecord) -> str:
    """Return a domain's row body (its types and executions have rows of their own)."""
    return encode(
        {
            "description": domain.description,
            "retention": domain.retention_days,
            "arn": domain.arn,
            "status": domain.status,
            "tags": domain.tags,
        }
    )


def decode_domain(name: str, body: str) -> DomainRecord:
    """Return the domain a row describes."""
    data = json.loads(body)
    return DomainRecord(
        name=name,
        description=data["description"],
        retention_days=data["retention"],
        arn=data["arn"],
        status=data["status"],
        tags=dict(data["tags"]),
    )


def encode_type(record: TypeRecord) -> str:
    """Return a workflow or activity type's row body."""
    return encode(
        {
            "description": record.description,
            "creation": record.creation,
            "configuration": record.configuration,
            "status": record.status,
            "deprecation": record.deprecation,
        }
    )


def decode_type(kind: str, name: str, version: str, body: str) -> TypeRecord:
    """Return the type a row describes (``kind``: ``workflow`` or ``activity``)."""
    data = json.loads(body)
    cls = WorkflowTypeRecord if kind == "workflow" else ActivityTypeRecord
    return cls(
        name,
        version,
        data["description"],
        data["creation"],
        data["configuration"],
        data["status"],
        data["deprecation"],
    )


# -- runs ---------------------------------------------------------------------------------------


def settings_of(execution: ExecutionRecord) -> str:
    """Return what a run was started with (it never changes)."""
    parent = execution.parent
    return encode(
        {
            "type": [execution.workflow_type.name, execution.workflow_type.version],
            "taskList": execution.task_list,
            "taskPriority": execution.task_priority,
            "childPolicy": execution.child_policy,
            "executionTimeout": execution.execution_timeout,
            "taskTimeout": execution.task_timeout,
            "lambdaRole": execution.lambda_role,
            "tags": execution.tags,
            "input": execution.input,
            "parent": None if parent is None else [parent.workflow_id, parent.run_id],
            "parentInitiated": execution.parent_initiated_event_id,
        }
    )


def _queue_order(queued: Any) -> int:
    # A task handed to a poller that has not yet taken it has no place in a queue: it goes first.
    return int(getattr(queued, "order", 0) or 0)


def progress_of(execution: ExecutionRecord) -> str:
    """Return a run's state: close status and times, and (while it is open) its open work."""
    progress: Json = {
        "closeStatus": execution.close_status,
        "close": execution.close,
        "cancelRequested": execution.cancel_requested,
        "latestActivity": execution.latest_activity_timestamp,
        "latestContext": execution.latest_context,
    }
    if execution.status == "OPEN":
        decision = execution.decision
        progress["open"] = {
            "timeout": _when(execution.timeout_deadline),
            "decision": None
            if decision is None
            else [
                decision.scheduled_event_id,
                decision.task_list,
                decision.started_event_id,
                decision.token,
                next((d.when for d in decision.deadlines if not d.cancelled), None),
                None if decision.started_event_id else _queue_order(decision.queued),
            ],
            "decisionNeeded": execution.decision_needed,
            "previousStarted": execution.previous_started_event_id,
            "override": execution.task_list_override,
            "overrideTimeout": execution.override_timeout,
            "activities": [
                [
                    a.activity_id,
                    a.scheduled_event_id,
                    a.started_event_id,
                    a.token,
                    a.heartbeat_details,
                    a.cancel_requested_event_id,
                    {kind: d.when for kind, d in a.deadlines.items() if not d.cancelled},
                    None if a.started_event_id else _queue_order(a.queued),
                ]
                for a in execution.activities.values()
            ],
            "timers": [
                [t.timer_id, t.started_event_id, _when(t.deadline)] for t in execution.timers.values()
            ],
            "children": [
                [c.workflow_id, c.workflow_type, c.initiated_event_id, c.run_id, c.started_event_id]
                for c in execution.children.values()
            ],
            "lambdas": [
                [f.lambda_id, f.name, f.scheduled_event_id, f.started_event_id, _when(f.deadline)]
                for f in execution.lambdas.values()
            ],
        }
    return encode(progress)


def expires_of(execution: ExecutionRecord) -> float | None:
    """Return when a closed run's retention ends (None while it is open)."""
    if execution.status == "OPEN":
        return None
    # The run was queued for retention as it closed: it is among the last entries.
    for index, (expires, _, run_id) in enumerate(reversed(execution.domain.retained)):
        if run_id == execution.run_id:
            return expires
        if index > 64:
            break
    days = execution.domain.retention_days
    return (execution.close or execution.start) + (0 if days == "NONE" else int(days)) * 86400


def restore_execution(
    row: ExecutionRow, domain: DomainRecord, workflow_type: Callable[[str, str], WorkflowTypeRecord]
) -> tuple[ExecutionRecord, tuple[str, str] | None]:
    """Return a run from its row, without its history and open work, and its parent's workflow and run ids.

    Args:
        row: The run's row.
        domain: Its domain.
        workflow_type: Returns the type of a name and version.
    """
    settings = json.loads(row.settings)
    progress = json.loads(row.progress)
    name, version = settings["type"]
    execution = ExecutionRecord(
        domain=domain,
        workflow_id=row.workflow_id,
        run_id=row.run_id,
        workflow_type=workflow_type(name, version),
        task_list=settings["taskList"],
        task_priority=settings["taskPriority"],
        child_policy=settings["childPolicy"],
        execution_timeout=settings["executionTimeout"],
        task_timeout=settings["taskTimeout"],
        lambda_role=settings["lambdaRole"],
        tags=list(settings["tags"]),
        input=settings["input"],
        start=row.start,
        parent_initiated_event_id=settings["parentInitiated"],
        status=row.status,
        close_status=progress["closeStatus"],
        close=progress["close"],
        cancel_requested=progress["cancelRequested"],
        latest_activity_timestamp=progress["latestActivity"],
        latest_context=progress["latestContext"],
        order=row.seq,
        close_order=row.close_seq,
    )
    parent = settings["parent"]
    return execution, None if parent is None else (parent[0], parent[1])


def restore_open_work(execution: ExecutionRecord, row: ExecutionRow) -> list[Queued]:
    """Give an open run (its history loaded) back its open work; return its tasks that go back in queues.

    Raises:
        KeyError, IndexError, TypeError, ValueError: If the row does not match the history.
    """
    work: Json = json.loads(row.progress)["open"]
    events = execution.events
    queued: list[Queued] = []
    execution.timeout_deadline = _placeholder(work["timeout"])
    found = work["decision"]
    if found is not None:
        scheduled, task_list, started, token, when, order = found
        decision = DecisionRecord(scheduled, task_list, started, token)
        if when is not None:
            decision.deadlines.append(Deadline(when, None))
        execution.decision = decision
        if not started:
            queued.append(Queued(order, "decision", execution, decision))
    execution.decision_needed = work["decisionNeeded"]
    execution.previous_started_event_id = work["previousStarted"]
    execution.task_list_override = work["override"]
    execution.override_timeout = work["overrideTimeout"]
    for activity_id, scheduled, started, token, details, cancel, deadlines, order in work["activities"]:
        event = events[scheduled - 1]
        attributes = event["activityTaskScheduledEventAttributes"]
        if attributes["activityId"] != activity_id:
            raise ValueError(f"event {scheduled} did not schedule activity {activity_id!r}")
        record = ActivityRecord(
            activity_id=activity_id,
            activity_type=attributes["activityType"],
            scheduled_event_id=scheduled,
            task_list=attributes["taskList"]["name"],
            input=attributes.get("input"),
            timeouts={key: attributes[key] for key in _ACTIVITY_TIMEOUTS},
            started_event_id=started,
            token=token,
            heartbeat_details=details,
            cancel_requested_event_id=cancel,
            control=attributes.get("control"),
            priority=int(attributes.get("taskPriority") or 0),
            deadlines={kind: Deadline(when, None) for kind, when in deadlines.items()},
        )
        execution.activities[activity_id] = record
        if not started:
            queued.append(Queued(order, "activity", execution, record))
    for timer_id, started, when in work["timers"]:
        execution.timers[timer_id] = TimerRecord(timer_id, started, Deadline(when, None))
    for workflow_id, workflow_type, initiated, run_id, started in work["children"]:
        execution.children[workflow_id] = ChildRecord(workflow_id, workflow_type, initiated, run_id, started)
    for lambda_id, name, scheduled, started, when in work["lambdas"]:
        execution.lambdas[lambda_id] = LambdaRecord(lambda_id, name, scheduled, started, _placeholder(when))
    return queued
