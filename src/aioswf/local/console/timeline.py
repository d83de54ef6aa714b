"""An execution's history as lanes of bars over time: what the console's timeline draws.

Each activity id, timer id, child workflow id, Lambda task id and external target gets a lane; every
attempt is a bar from its scheduling (or initiation) through its start to its close. The run itself and
its decision tasks have a lane each; signals and markers are points on lanes of their own; failed
decisions (a schedule, a start, a cancel request that SWF refused) are failure points on the lane of
their object. The shape is compact arrays, because a 25,000-event history can have thousands of them.
"""

from __future__ import annotations

from typing import Any

__all__ = ["FAILED_STATES", "build_timeline"]

Json = dict[str, Any]

#: Closing states marked as failures (a cancellation is asked for, so it is not one).
FAILED_STATES = frozenset(
    {"failed", "timed_out", "terminated", "start_failed", "signal_failed", "cancel_failed"}
)

_CLOSE_OF_RUN = {
    "WorkflowExecutionCompleted": "completed",
    "WorkflowExecutionFailed": "failed",
    "WorkflowExecutionCanceled": "canceled",
    "WorkflowExecutionTerminated": "terminated",
    "WorkflowExecutionTimedOut": "timed_out",
    "WorkflowExecutionContinuedAsNew": "continued_as_new",
}
_ACTIVITY_CLOSE = {
    "ActivityTaskCompleted": "completed",
    "ActivityTaskFailed": "failed",
    "ActivityTaskTimedOut": "timed_out",
    "ActivityTaskCanceled": "canceled",
}
_LAMBDA_CLOSE = {
    "LambdaFunctionCompleted": "completed",
    "LambdaFunctionFailed": "failed",
    "LambdaFunctionTimedOut": "timed_out",
    "StartLambdaFunctionFailed": "start_failed",
}
_CHILD_CLOSE = {
    "ChildWorkflowExecutionCompleted": "completed",
    "ChildWorkflowExecutionFailed": "failed",
    "ChildWorkflowExecutionTimedOut": "timed_out",
    "ChildWorkflowExecutionCanceled": "canceled",
    "ChildWorkflowExecutionTerminated": "terminated",
    "StartChildWorkflowExecutionFailed": "start_failed",
}
_EXTERNAL_CLOSE = {
    "ExternalWorkflowExecutionSignaled": "signaled",
    "SignalExternalWorkflowExecutionFailed": "signal_failed",
    "ExternalWorkflowExecutionCancelRequested": "cancel_requested",
    "RequestCancelExternalWorkflowExecutionFailed": "cancel_failed",
}
#: Failed decisions about an object that has an id of its own: (lane kind, attribute naming the id).
_FAILED_DECISIONS = {
    "ScheduleActivityTaskFailed": ("activity", "activityId"),
    "RequestCancelActivityTaskFailed": ("activity", "activityId"),
    "StartTimerFailed": ("timer", "timerId"),
    "CancelTimerFailed": ("timer", "timerId"),
    "ScheduleLambdaFunctionFailed": ("lambda", "id"),
    "RecordMarkerFailed": ("markers", None),
    "CompleteWorkflowExecutionFailed": ("execution", None),
    "FailWorkflowExecutionFailed": ("execution", None),
    "CancelWorkflowExecutionFailed": ("execution", None),
    "ContinueAsNewWorkflowExecutionFailed": ("execution", None),
}


def _attributes(event: Json) -> Json:
    kind = event["eventType"]
    value = event.get(kind[0].lower() + kind[1:] + "EventAttributes")
    return value if isinstance(value, dict) else {}


class _Builder:
    def __init__(self) -> None:
        self.lanes: list[Json] = []
        self.lane_index: dict[tuple[str, str], int] = {}
        # A bar: [lane, t_first, t_started, t_closed, state, first_event, started_event, closed_event, due]
        self.bars: list[list[Any]] = []
        # A point: [lane, t, event_id, kind]
        self.points: list[list[Any]] = []
        self.open_bars: dict[tuple[str, int], list[Any]] = {}

    def lane(self, kind: str, ident: str, label: str | None = None) -> int:
        key = (kind, ident)
        index = self.lane_index.get(key)
        if index is None:
            index = self.lane_index[key] = len(self.lanes)
            self.lanes.append({"kind": kind, "id": ident, "label": label if label is not None else ident})
        return index

    def open(self, kind: str, ident: str, event: Json, state: str, *, due: float | None = None) -> None:
        bar = [
            self.lane(kind, ident),
            event["eventTimestamp"],
            None,
            None,
            state,
            event["eventId"],
            None,
            None,
            due,
        ]
        self.bars.append(bar)
        self.open_bars[(kind, event["eventId"])] = bar

    def started(self, kind: str, first_event_id: Any, event: Json, state: str = "started") -> None:
        bar = self.open_bars.get((kind, first_event_id)) if isinstance(first_event_id, int) else None
        if bar is not None:
            bar[2], bar[4], bar[6] = event["eventTimestamp"], state, event["eventId"]

    def close(self, kind: str, first_event_id: Any, event: Json, state: str) -> None:
        bar = self.open_bars.pop((kind, first_event_id), None) if isinstance(first_event_id, int) else None
        if bar is not None:
            bar[3], bar[4], bar[7] = event["eventTimestamp"], state, event["eventId"]

    def point(self, lane: int, event: Json, kind: str) -> None:
        self.points.append([lane, event["eventTimestamp"], event["eventId"], kind])


def build_timeline(events: list[Json]) -> Json:
    """Return the lanes, bars and points of a history (raw events in id order).

    Returns:
        ``{"lanes": [{"kind", "id", "label"}], "bars": [[lane, t_first, t_started, t_closed, state,
        first_event, started_event, closed_event, due]], "points": [[lane, t, event_id, kind]],
        "start": t, "end": t, "latestDue": t}``: times are epoch seconds, ``start`` and ``end`` those of
        the first and last events. A bar still open has ``t_closed`` None; a timer's bar carries the
        time it is due to fire, and ``latestDue`` is the latest of the open timers'.
    """
    b = _Builder()
    execution_lane = b.lane("execution", "", "this run")
    decision_lane = b.lane("decisions", "", "decision tasks")
    for event in events:
        kind = event["eventType"]
        a = _attributes(event)
        if kind == "WorkflowExecutionStarted":
            b.open("execution", "", event, "started")
            b.started("execution", event["eventId"], event)
        elif kind in _CLOSE_OF_RUN:
            b.close("execution", 1, event, _CLOSE_OF_RUN[kind])
            if _CLOSE_OF_RUN[kind] in FAILED_STATES:
                b.point(execution_lane, event, "failure")
        elif kind == "WorkflowExecutionCancelRequested":
            b.point(execution_lane, event, "cancel_requested")
        elif kind == "DecisionTaskScheduled":
            b.open("decisions", "", event, "scheduled")
        elif kind == "DecisionTaskStarted":
            b.started("decisions", a.get("scheduledEventId"), event)
        elif kind == "DecisionTaskCompleted":
            b.close("decisions", a.get("scheduledEventId"), event, "completed")
        elif kind == "DecisionTaskTimedOut":
            b.close("decisions", a.get("scheduledEventId"), event, "timed_out")
            b.point(decision_lane, event, "failure")
        elif kind == "ActivityTaskScheduled":
            b.open("activity", str(a.get("activityId")), event, "scheduled")
        elif kind == "ActivityTaskStarted":
            b.started("activity", a.get("scheduledEventId"), event)
        elif kind in _ACTIVITY_CLOSE:
            b.close("activity", a.get("scheduledEventId"), event, _ACTIVITY_CLOSE[kind])
        elif kind == "ActivityTaskCancelRequested":
            b.point(b.lane("activity", str(a.get("activityId"))), event, "cancel_requested")
        elif kind == "TimerStarted":
            fire = a.get("startToFireTimeout")
            due = event["eventTimestamp"] + int(fire) if isinstance(fire, str) and fire.isdigit() else None
            b.open("timer", str(a.get("timerId")), event, "started", due=due)
            b.started("timer", event["eventId"], event)
        elif kind == "TimerFired":
            b.close("timer", a.get("startedEventId"), event, "fired")
        elif kind == "TimerCanceled":
            b.close("timer", a.get("startedEventId"), event, "canceled")
        elif kind == "StartChildWorkflowExecutionInitiated":
            b.open("child", str(a.get("workflowId")), event, "start_initiated")
        elif kind == "ChildWorkflowExecutionStarted":
            b.started("child", a.get("initiatedEventId"), event)
        elif kind in _CHILD_CLOSE:
            b.close("child", a.get("initiatedEventId"), event, _CHILD_CLOSE[kind])
        elif kind == "LambdaFunctionScheduled":
            b.open("lambda", str(a.get("id")), event, "scheduled", due=None)
        elif kind == "LambdaFunctionStarted":
            b.started("lambda", a.get("scheduledEventId"), event)
        elif kind in _LAMBDA_CLOSE:
            b.close("lambda", a.get("scheduledEventId"), event, _LAMBDA_CLOSE[kind])
        elif kind in (
            "SignalExternalWorkflowExecutionInitiated",
            "RequestCancelExternalWorkflowExecutionInitiated",
        ):
            label = ("signal " if kind.startswith("Signal") else "cancel ") + str(a.get("workflowId"))
            b.open("external", str(a.get("workflowId")), event, "initiated")
            b.lanes[b.lane_index[("external", str(a.get("workflowId")))]]["label"] = label
        elif kind in _EXTERNAL_CLOSE:
            b.close("external", a.get("initiatedEventId"), event, _EXTERNAL_CLOSE[kind])
        elif kind == "WorkflowExecutionSignaled":
            b.point(b.lane("signals", "", "signals received"), event, "signal")
        elif kind == "MarkerRecorded":
            b.point(b.lane("markers", "", "markers"), event, "marker")
        elif kind in _FAILED_DECISIONS:
            lane_kind, key = _FAILED_DECISIONS[kind]
            if lane_kind == "execution":
                lane = execution_lane
            elif key is None:
                lane = b.lane(lane_kind, "", lane_kind)
            else:
                lane = b.lane(lane_kind, str(a.get(key)))
            b.point(lane, event, "failure")
    for bar in b.bars:
        if bar[4] in FAILED_STATES and bar[7] is not None and bar[0] != execution_lane:
            b.points.append([bar[0], bar[3], bar[7], "failure"])
    dues = [bar[8] for bar in b.bars if bar[8] is not None and bar[3] is None]
    return {
        "lanes": b.lanes,
        "bars": b.bars,
        "points": b.points,
        "start": events[0]["eventTimestamp"] if events else None,
        "end": events[-1]["eventTimestamp"] if events else None,
        "latestDue": max(dues) if dues else None,
    }
