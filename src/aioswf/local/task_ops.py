"""Operations of deciders and activity workers: long polls, responses, heartbeats, pending counts."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from aioswf.local.activities import close_activity, start_activity, touch_heartbeat
from aioswf.local.decisions import complete_decision_task
from aioswf.local.lifecycle import add_event, request_decision, start_decision
from aioswf.local.paging import DEFAULT_PAGE_SIZE, decode_token, encode_token
from aioswf.local.records import ActivityRecord, DecisionRecord, ExecutionRecord

if TYPE_CHECKING:
    from aioswf.local.state import State

__all__ = ["HANDLERS"]

Json = dict[str, Any]
_PAGE_SCOPE = "DecisionTask"


async def poll_for_decision_task(state: State, p: Json) -> Json:
    """``PollForDecisionTask``: a long poll; later pages of a task's history come back at once."""
    domain = state.domain(p["domain"])
    if p.get("nextPageToken"):
        data = decode_token(p["nextPageToken"], _PAGE_SCOPE)
        execution, record = state.task(str(data.get("t", "")), "decision")
        return _decision_page(execution, record, p, data["p"])
    queue = state.decision_queue(domain.name, p["taskList"]["name"])
    loop = asyncio.get_running_loop()
    give_up = loop.time() + state.poll_wait
    while True:
        task = await queue.take(give_up - loop.time())
        if task is None:
            # As AWS answers an empty poll: no taskToken key at all (the model's minimum length is 1).
            return {"previousStartedEventId": 0, "startedEventId": 0}
        execution, record = task.execution, task.record
        if execution.status == "OPEN" and execution.decision is record and not record.started_event_id:
            start_decision(state, execution, record, p.get("identity"))
            return _decision_page(execution, record, p, 0)


def _decision_page(execution: ExecutionRecord, record: DecisionRecord, p: Json, position: int) -> Json:
    events = execution.events
    if p.get("startAtPreviousStartedEvent") and execution.previous_started_event_id:
        events = events[execution.previous_started_event_id - 1 :]
    if p.get("reverseOrder"):
        events = events[::-1]
    size = p.get("maximumPageSize") or DEFAULT_PAGE_SIZE
    chunk = events[position : position + size]
    assert record.token is not None
    result: Json = {
        "taskToken": record.token,
        "startedEventId": record.started_event_id,
        "workflowExecution": execution.ref,
        "workflowType": execution.type_ref,
        "events": chunk,
        "previousStartedEventId": execution.previous_started_event_id,
    }
    if position + len(chunk) < len(events):
        result["nextPageToken"] = encode_token(_PAGE_SCOPE, position + len(chunk), t=record.token)
    return result


async def poll_for_activity_task(state: State, p: Json) -> Json:
    """``PollForActivityTask``: a long poll."""
    domain = state.domain(p["domain"])
    queue = state.activity_queue(domain.name, p["taskList"]["name"])
    loop = asyncio.get_running_loop()
    give_up = loop.time() + state.poll_wait
    while True:
        task = await queue.take(give_up - loop.time())
        if task is None:
            return {"startedEventId": 0}
        execution: ExecutionRecord = task.execution
        record: ActivityRecord = task.record
        if (
            execution.status == "OPEN"
            and execution.activities.get(record.activity_id) is record
            and not record.started_event_id
        ):
            token = start_activity(state, execution, record, p.get("identity"))
            result: Json = {
                "taskToken": token,
                "activityId": record.activity_id,
                "startedEventId": record.started_event_id,
                "workflowExecution": execution.ref,
                "activityType": record.activity_type,
            }
            if record.input is not None:
                result["input"] = record.input
            return result


def respond_decision_task_completed(state: State, p: Json) -> Json:
    """``RespondDecisionTaskCompleted``."""
    execution, record = state.task(p["taskToken"], "decision")
    complete_decision_task(state, execution, record, p)
    return {}


def _activity_closed(state: State, p: Json, event_type: str, attributes: Json) -> Json:
    execution, record = state.task(p["taskToken"], "activity")
    event: Json = {"scheduledEventId": record.scheduled_event_id, "startedEventId": record.started_event_id}
    event.update({key: value for key, value in attributes.items() if value is not None})
    add_event(state, execution, event_type, event)
    close_activity(state, execution, record)
    request_decision(state, execution)
    return {}


def respond_activity_task_completed(state: State, p: Json) -> Json:
    """``RespondActivityTaskCompleted``."""
    return _activity_closed(state, p, "ActivityTaskCompleted", {"result": p.get("result")})


def respond_activity_task_failed(state: State, p: Json) -> Json:
    """``RespondActivityTaskFailed``."""
    return _activity_closed(
        state, p, "ActivityTaskFailed", {"reason": p.get("reason"), "details": p.get("details")}
    )


def respond_activity_task_canceled(state: State, p: Json) -> Json:
    """``RespondActivityTaskCanceled``."""
    _, record = state.task(p["taskToken"], "activity")
    latest = record.cancel_requested_event_id or None
    return _activity_closed(
        state,
        p,
        "ActivityTaskCanceled",
        {"details": p.get("details"), "latestCancelRequestedEventId": latest},
    )


def record_activity_task_heartbeat(state: State, p: Json) -> Json:
    """``RecordActivityTaskHeartbeat``: restarts the heartbeat timeout, reports cancellation requests."""
    execution, record = state.task(p["taskToken"], "activity")
    touch_heartbeat(state, execution, record, p.get("details"))
    return {"cancelRequested": bool(record.cancel_requested_event_id)}


def count_pending_decision_tasks(state: State, p: Json) -> Json:
    """``CountPendingDecisionTasks``."""
    domain = state.domain(p["domain"])
    queue = state.decision_queues.get((domain.name, p["taskList"]["name"]))
    return {"count": queue.size if queue else 0, "truncated": False}


def count_pending_activity_tasks(state: State, p: Json) -> Json:
    """``CountPendingActivityTasks``."""
    domain = state.domain(p["domain"])
    queue = state.activity_queues.get((domain.name, p["taskList"]["name"]))
    return {"count": queue.size if queue else 0, "truncated": False}


HANDLERS: dict[str, Any] = {
    "PollForDecisionTask": poll_for_decision_task,
    "PollForActivityTask": poll_for_activity_task,
    "RespondDecisionTaskCompleted": respond_decision_task_completed,
    "RespondActivityTaskCompleted": respond_activity_task_completed,
    "RespondActivityTaskFailed": respond_activity_task_failed,
    "RespondActivityTaskCanceled": respond_activity_task_canceled,
    "RecordActivityTaskHeartbeat": record_activity_task_heartbeat,
    "CountPendingDecisionTasks": count_pending_decision_tasks,
    "CountPendingActivityTasks": count_pending_activity_tasks,
}
