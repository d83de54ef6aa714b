"""Activity tasks: scheduling, starting, closing and their four timeouts."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from aioswf.local.lifecycle import add_event, request_decision
from aioswf.local.queues import QueuedTask
from aioswf.local.records import ActivityRecord, ExecutionRecord

if TYPE_CHECKING:
    from aioswf.local.state import State

__all__ = ["close_activity", "rearm_activity", "schedule_activity", "start_activity", "touch_heartbeat"]

Json = dict[str, Any]
MAX_OPEN_ACTIVITIES = 1000

_TIMEOUTS = (
    (
        "scheduleToCloseTimeout",
        "defaultTaskScheduleToCloseTimeout",
        "DEFAULT_SCHEDULE_TO_CLOSE_TIMEOUT_UNDEFINED",
    ),
    (
        "scheduleToStartTimeout",
        "defaultTaskScheduleToStartTimeout",
        "DEFAULT_SCHEDULE_TO_START_TIMEOUT_UNDEFINED",
    ),
    ("startToCloseTimeout", "defaultTaskStartToCloseTimeout", "DEFAULT_START_TO_CLOSE_TIMEOUT_UNDEFINED"),
)


def schedule_activity(state: State, execution: ExecutionRecord, attrs: Json, completed_event_id: int) -> None:
    """Apply a ``ScheduleActivityTask`` decision: ``ActivityTaskScheduled`` or ``ScheduleActivityTaskFailed``."""
    ref = attrs["activityType"]
    activity_id = attrs["activityId"]
    activity_type = execution.domain.activity_types.get((ref["name"], ref["version"]))
    cause = None
    timeouts: dict[str, str] = {}
    task_list = None
    if activity_type is None:
        cause = "ACTIVITY_TYPE_DOES_NOT_EXIST"
    elif activity_type.status != "REGISTERED":
        cause = "ACTIVITY_TYPE_DEPRECATED"
    elif activity_id in execution.activities:
        cause = "ACTIVITY_ID_ALREADY_IN_USE"
    elif len(execution.activities) >= MAX_OPEN_ACTIVITIES:
        cause = "OPEN_ACTIVITIES_LIMIT_EXCEEDED"
    else:
        config = activity_type.configuration
        task_list = (attrs.get("taskList") or {}).get("name") or (config.get("defaultTaskList") or {}).get(
            "name"
        )
        if not task_list:
            cause = "DEFAULT_TASK_LIST_UNDEFINED"
        for key, default, missing in _TIMEOUTS:
            value = attrs.get(key) or config.get(default)
            if value is None:
                cause = cause or missing
            else:
                timeouts[key] = value
        timeouts["heartbeatTimeout"] = (
            attrs.get("heartbeatTimeout") or config.get("defaultTaskHeartbeatTimeout") or "NONE"
        )
    if cause is not None or activity_type is None or task_list is None:
        add_event(
            state,
            execution,
            "ScheduleActivityTaskFailed",
            {
                "activityType": ref,
                "activityId": activity_id,
                "cause": cause,
                "decisionTaskCompletedEventId": completed_event_id,
            },
        )
        request_decision(state, execution)
        return
    priority = attrs.get("taskPriority") or activity_type.configuration.get("defaultTaskPriority")
    event: Json = {
        "activityType": ref,
        "activityId": activity_id,
        "taskList": {"name": task_list},
        "decisionTaskCompletedEventId": completed_event_id,
        **timeouts,
    }
    for key in ("input", "control"):
        if attrs.get(key) is not None:
            event[key] = attrs[key]
    if priority is not None:
        event["taskPriority"] = priority
    event_id = add_event(state, execution, "ActivityTaskScheduled", event)
    record = ActivityRecord(
        activity_id=activity_id,
        activity_type=ref,
        scheduled_event_id=event_id,
        task_list=task_list,
        input=attrs.get("input"),
        timeouts=timeouts,
        control=attrs.get("control"),
        priority=int(priority or 0),
    )
    execution.activities[activity_id] = record
    execution.latest_activity_timestamp = state.now()
    for kind, key in (
        ("SCHEDULE_TO_START", "scheduleToStartTimeout"),
        ("SCHEDULE_TO_CLOSE", "scheduleToCloseTimeout"),
    ):
        _arm(state, execution, record, kind, timeouts[key])
    record.queued = QueuedTask(execution, record, priority=record.priority)
    state.activity_queue(execution.domain.name, task_list).push(record.queued)


def _arm(state: State, execution: ExecutionRecord, record: ActivityRecord, kind: str, seconds: str) -> None:
    state.cancel(record.deadlines.pop(kind, None))
    deadline = state.after(seconds, lambda: _timed_out(state, execution, record, kind))
    if deadline is not None:
        record.deadlines[kind] = deadline


def start_activity(
    state: State, execution: ExecutionRecord, record: ActivityRecord, identity: str | None
) -> str:
    """Record ``ActivityTaskStarted`` for a polled task and return its token."""
    attributes: Json = {"scheduledEventId": record.scheduled_event_id}
    if identity:
        attributes["identity"] = identity
    record.started_event_id = add_event(state, execution, "ActivityTaskStarted", attributes)
    record.queued = None
    state.cancel(record.deadlines.pop("SCHEDULE_TO_START", None))
    _arm(state, execution, record, "START_TO_CLOSE", record.timeouts["startToCloseTimeout"])
    _arm(state, execution, record, "HEARTBEAT", record.timeouts["heartbeatTimeout"])
    record.token = state.new_token("activity", execution, record)
    return record.token


def touch_heartbeat(
    state: State, execution: ExecutionRecord, record: ActivityRecord, details: str | None
) -> None:
    """Record a heartbeat: keep its details and restart the heartbeat timeout."""
    state.changed_run(execution.run_id)
    if details is not None:
        record.heartbeat_details = details
    _arm(state, execution, record, "HEARTBEAT", record.timeouts["heartbeatTimeout"])


def close_activity(state: State, execution: ExecutionRecord, record: ActivityRecord) -> None:
    """Forget an activity that reached a closing event."""
    execution.activities.pop(record.activity_id, None)
    state.drop_token(record.token)
    record.token = None
    if record.queued is not None and record.queued.queue is not None:
        record.queued.queue.discard(record.queued)
    record.queued = None
    for deadline in record.deadlines.values():
        state.cancel(deadline)
    record.deadlines.clear()


def _timed_out(state: State, execution: ExecutionRecord, record: ActivityRecord, kind: str) -> None:
    if execution.status != "OPEN" or execution.activities.get(record.activity_id) is not record:
        return
    attributes: Json = {
        "timeoutType": kind,
        "scheduledEventId": record.scheduled_event_id,
        "startedEventId": record.started_event_id,
    }
    if record.heartbeat_details is not None:
        attributes["details"] = record.heartbeat_details
    add_event(state, execution, "ActivityTaskTimedOut", attributes)
    close_activity(state, execution, record)
    request_decision(state, execution)


def rearm_activity(state: State, execution: ExecutionRecord, record: ActivityRecord) -> None:
    """Give an activity read back from a store its timeouts."""
    stored = record.deadlines
    record.deadlines = {}
    for kind, deadline in stored.items():
        record.deadlines[kind] = state.at(deadline.when, _timeout(state, execution, record, kind))


def _timeout(
    state: State, execution: ExecutionRecord, record: ActivityRecord, kind: str
) -> Callable[[], None]:
    return lambda: _timed_out(state, execution, record, kind)
