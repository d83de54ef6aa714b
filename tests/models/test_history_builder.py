"""HistoryBuilder: raw histories shaped as SWF sends them, with consistent ids, times and references."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta, timezone
from typing import Any

import botocore.session
import pytest
from botocore.model import Shape

from aioswf.models.event import event_attributes_key
from aioswf.models.history import History
from aioswf.testing.history_builder import HistoryBuilder

SERVICE_MODEL = botocore.session.get_session().get_service_model("swf")
HISTORY_EVENT = SERVICE_MODEL.shape_for("HistoryEvent")


def shape_errors(value: Any, shape: Shape, path: str = "") -> list[str]:
    """What in `value` does not fit `shape` of SWF's model (types, required members, enums, lengths)."""
    if shape.type_name == "structure":
        if not isinstance(value, dict):
            return [f"{path}: not a structure"]
        errors = [f"{path}.{name}: missing" for name in shape.required_members if name not in value]
        for name, item in value.items():
            if name not in shape.members:
                errors.append(f"{path}.{name}: not in the model")
            else:
                errors += shape_errors(item, shape.members[name], f"{path}.{name}")
        return errors
    if shape.type_name == "list":
        if not isinstance(value, list):
            return [f"{path}: not a list"]
        errors = [f"{path}: too long"] if len(value) > shape.metadata.get("max", len(value)) else []
        for index, item in enumerate(value):
            errors += shape_errors(item, shape.member, f"{path}[{index}]")
        return errors
    if shape.type_name in ("long", "integer"):
        return [] if isinstance(value, int) and not isinstance(value, bool) else [f"{path}: not an integer"]
    if shape.type_name == "timestamp":
        return [] if isinstance(value, datetime) and value.tzinfo else [f"{path}: not an aware datetime"]
    if not isinstance(value, str):
        return [f"{path}: not a string"]
    if shape.enum and value not in shape.enum:
        return [f"{path}: {value!r} not one of {shape.enum}"]
    if not shape.metadata.get("min", 0) <= len(value) <= shape.metadata.get("max", len(value)):
        return [f"{path}: length {len(value)} out of range"]
    return []


def every_event_type() -> HistoryBuilder:
    """A history with each of SWF's 54 event types, added one at a time."""
    builder = HistoryBuilder(("crawl", "1"), input="in", tag_list=["t"])
    builder.add_decision_task(state="timed_out").add_decision_task()
    builder.add("ActivityTaskScheduled", activity_id="a1", activity_type=("download", "1"), input="i")
    builder.add("ScheduleActivityTaskFailed", activity_id="a1", activity_type=("download", "1"))
    builder.add("ActivityTaskStarted", activity_id="a1", identity="worker")
    builder.add("ActivityTaskCancelRequested", activity_id="a1")
    builder.add("ActivityTaskCanceled", activity_id="a1", details="d")
    builder.add("RequestCancelActivityTaskFailed", activity_id="a1")
    for closing in ("ActivityTaskCompleted", "ActivityTaskFailed", "ActivityTaskTimedOut"):
        builder.add("ActivityTaskScheduled", activity_id="a2", activity_type=("download", "1"))
        builder.add("ActivityTaskStarted", activity_id="a2").add(closing, activity_id="a2")
    builder.add("WorkflowExecutionSignaled", signal_name="go")
    builder.add("WorkflowExecutionCancelRequested", cause="CHILD_POLICY_APPLIED")
    builder.add("MarkerRecorded", marker_name="m", details="d").add("RecordMarkerFailed", marker_name="m")
    builder.add("TimerStarted", timer_id="t", start_to_fire_timeout="5").add("StartTimerFailed", timer_id="t")
    builder.add("TimerFired", timer_id="t").add("CancelTimerFailed", timer_id="t")
    builder.add("TimerStarted", timer_id="t", start_to_fire_timeout="5").add("TimerCanceled", timer_id="t")
    builder.add("StartChildWorkflowExecutionInitiated", workflow_id="c1", workflow_type=("child", "1"))
    builder.add("StartChildWorkflowExecutionFailed", workflow_id="c1")
    for closing in (
        "ChildWorkflowExecutionCompleted",
        "ChildWorkflowExecutionFailed",
        "ChildWorkflowExecutionTimedOut",
        "ChildWorkflowExecutionCanceled",
        "ChildWorkflowExecutionTerminated",
    ):
        builder.add("StartChildWorkflowExecutionInitiated", workflow_id="c2", workflow_type=("child", "1"))
        builder.add("ChildWorkflowExecutionStarted", workflow_id="c2").add(closing, workflow_id="c2")
    builder.add("SignalExternalWorkflowExecutionInitiated", workflow_id="w", signal_name="s")
    builder.add("SignalExternalWorkflowExecutionFailed", workflow_id="w")
    builder.add("ExternalWorkflowExecutionSignaled", workflow_id="w")
    builder.add("RequestCancelExternalWorkflowExecutionInitiated", workflow_id="w", run_id="r")
    builder.add("RequestCancelExternalWorkflowExecutionFailed", workflow_id="w")
    builder.add("ExternalWorkflowExecutionCancelRequested", workflow_id="w")
    builder.add("LambdaFunctionScheduled", function_id="f", name="fn").add(
        "ScheduleLambdaFunctionFailed", function_id="f", name="fn"
    )
    builder.add("StartLambdaFunctionFailed", function_id="f", message="no role")
    for closing in ("LambdaFunctionCompleted", "LambdaFunctionFailed", "LambdaFunctionTimedOut"):
        builder.add("LambdaFunctionScheduled", function_id="f", name="fn")
        builder.add("LambdaFunctionStarted", function_id="f").add(closing, function_id="f")
    for failed in (
        "CompleteWorkflowExecutionFailed",
        "FailWorkflowExecutionFailed",
        "CancelWorkflowExecutionFailed",
        "ContinueAsNewWorkflowExecutionFailed",
    ):
        builder.add(failed)
    for closing in ("completed", "failed", "canceled", "timed_out", "terminated", "continued_as_new"):
        builder.close(closing)
    return builder


def every_helper() -> HistoryBuilder:
    """A history built with each helper in each state it offers."""
    builder = HistoryBuilder()
    for index, state in enumerate(
        [
            "scheduled",
            "schedule_failed",
            "started",
            "completed",
            "failed",
            "timed_out",
            "cancel_requested",
            "canceled",
        ]
    ):
        builder.add_activity_task(f"a{index}", state=state)
    builder.add_activity_task("gone", state="request_cancel_failed")
    for index, state in enumerate(["started", "start_failed", "fired", "canceled", "cancel_failed"]):
        builder.add_timer(f"t{index}", state=state)
    for index, state in enumerate(
        [
            "start_initiated",
            "start_failed",
            "started",
            "completed",
            "failed",
            "timed_out",
            "canceled",
            "terminated",
        ]
    ):
        builder.add_child_workflow(f"c{index}", state=state)
    for index, state in enumerate(
        ["scheduled", "schedule_failed", "start_failed", "started", "completed", "failed", "timed_out"]
    ):
        builder.add_lambda_function(f"f{index}", state=state)
    for index, state in enumerate(["signal_initiated", "signaled", "signal_failed"]):
        builder.add_external_signal(f"w{index}", "ping", state=state)
    for index, state in enumerate(["request_cancel_initiated", "cancel_requested", "request_cancel_failed"]):
        builder.add_external_cancel_request(f"x{index}", state=state)
    builder.add_marker("m").add_marker("m", state="record_failed")
    builder.add_signal("s").add_cancel_request()
    builder.add_decision_task(state="started")
    return builder


@pytest.mark.parametrize("build", [every_event_type, every_helper])
def test_raw_events_fit_the_history_event_shape_of_the_service_model(build: Any) -> None:
    for raw in build().events:
        assert shape_errors(raw, HISTORY_EVENT, f"event {raw['eventId']}") == []


def test_the_builder_can_write_every_event_type_of_the_service_model() -> None:
    written = {raw["eventType"] for raw in every_event_type().events}
    assert written == set(SERVICE_MODEL.shape_for("EventType").enum)


@pytest.mark.parametrize("build", [every_event_type, every_helper])
def test_event_ids_follow_each_other_and_time_moves_forward(build: Any) -> None:
    events = build().events
    assert [raw["eventId"] for raw in events] == list(range(1, len(events) + 1))
    times = [raw["eventTimestamp"] for raw in events]
    assert all(earlier < later for earlier, later in itertools.pairwise(times))


REFERENCED_TYPE = {
    "scheduledEventId": "Scheduled",
    "startedEventId": "Started",
    "initiatedEventId": "Initiated",
    "decisionTaskCompletedEventId": "DecisionTaskCompleted",
    "latestCancelRequestedEventId": "CancelRequested",
}


@pytest.mark.parametrize("build", [every_event_type, every_helper])
def test_references_point_to_earlier_events_of_the_right_type(build: Any) -> None:
    events = build().events
    by_id = {raw["eventId"]: raw for raw in events}
    for raw in events:
        attributes = raw[event_attributes_key(raw["eventType"])]
        for key, suffix in REFERENCED_TYPE.items():
            if key not in attributes or (key == "startedEventId" and attributes[key] == 0):
                continue
            referenced = by_id[attributes[key]]
            assert referenced["eventId"] < raw["eventId"]
            assert referenced["eventType"].endswith(suffix), (raw, referenced)


def test_a_started_activity_closes_with_references_to_its_own_events() -> None:
    builder = HistoryBuilder().add_decision_task()
    builder.add_activity_task("a1", state="started").add_activity_task("a2", state="started")
    builder.add("ActivityTaskCompleted", activity_id="a1", result="r")
    completed = builder.events[-1]["activityTaskCompletedEventAttributes"]
    assert completed == {"result": "r", "scheduledEventId": 5, "startedEventId": 6}


def test_scheduling_before_any_decision_records_a_decision_task_first() -> None:
    builder = HistoryBuilder().add_marker("m")
    assert [raw["eventType"] for raw in builder.events] == [
        "WorkflowExecutionStarted",
        "DecisionTaskScheduled",
        "DecisionTaskStarted",
        "DecisionTaskCompleted",
        "MarkerRecorded",
    ]
    assert builder.events[-1]["markerRecordedEventAttributes"]["decisionTaskCompletedEventId"] == 4


def test_a_fired_timer_fires_after_its_duration() -> None:
    events = HistoryBuilder().add_timer("t", 90).events
    assert events[-1]["eventTimestamp"] - events[-2]["eventTimestamp"] == timedelta(seconds=91)


def test_advance_moves_the_clock() -> None:
    start = datetime(2030, 5, 1, tzinfo=timezone.utc)
    builder = HistoryBuilder(start=start).advance(3600).add_signal("s")
    assert builder.events[-1]["eventTimestamp"] == start + timedelta(seconds=3601)


def test_a_partial_history_starts_at_the_given_event_id() -> None:
    builder = HistoryBuilder(first_event_id=500, started=False)
    builder.add("ActivityTaskCompleted", scheduled_event_id=10, started_event_id=11)
    assert [(raw["eventId"], raw["eventType"]) for raw in builder.events] == [(500, "ActivityTaskCompleted")]
    assert builder.last_event_id == 500


def test_the_history_is_the_events_as_a_history() -> None:
    builder = every_helper()
    assert builder.history() == History.from_raw(builder.events)


def test_events_are_copies_the_caller_may_change() -> None:
    builder = HistoryBuilder()
    builder.events[0]["eventType"] = "Changed"
    assert builder.events[0]["eventType"] == "WorkflowExecutionStarted"


def test_poll_response_looks_like_poll_for_decision_task() -> None:
    builder = HistoryBuilder(("crawl", "1"), workflow_id="w", run_id="r")
    builder.add_decision_task().add_signal("s").add_decision_task(state="started")
    response = builder.poll_response("token")
    shape = SERVICE_MODEL.operation_model("PollForDecisionTask").output_shape
    assert shape_errors(response, shape, "response") == []
    assert (response["startedEventId"], response["previousStartedEventId"]) == (7, 3)
    assert response["workflowExecution"] == {"workflowId": "w", "runId": "r"}


def test_poll_response_needs_a_started_decision_task() -> None:
    with pytest.raises(ValueError, match="started"):
        HistoryBuilder().poll_response()


def test_an_attribute_the_event_type_does_not_have_is_refused() -> None:
    with pytest.raises(TypeError, match="resutl"):
        HistoryBuilder().add_activity_task("a1", state="started").add(
            "ActivityTaskCompleted", activity_id="a1", resutl="r"
        )


def test_an_event_about_an_unknown_object_is_refused() -> None:
    with pytest.raises(ValueError, match="no activity 'a9'"):
        HistoryBuilder().add("ActivityTaskStarted", activity_id="a9")


def test_an_unknown_state_is_refused_with_the_known_ones() -> None:
    with pytest.raises(ValueError, match="completed"):
        HistoryBuilder().add_activity_task("a1", state="exploded")


def test_an_unknown_event_type_is_written_as_given() -> None:
    raw = HistoryBuilder().add("QuantumTaskEntangled", qubit_count=2).events[-1]
    assert raw["eventType"] == "QuantumTaskEntangled"
    assert raw["quantumTaskEntangledEventAttributes"] == {"qubitCount": 2}


def _snake(name: str) -> str:
    return "".join(f"_{char.lower()}" if char.isupper() else char for char in name)


def _sample(shape: Shape, name: str) -> Any:
    """A value of `shape` for a member called `name`, in the snake_case the builder's callers write."""
    if shape.type_name == "structure":
        return {_snake(member): _sample(shape.members[member], member) for member in shape.required_members}
    if shape.type_name == "list":
        return [_sample(shape.member, name)]
    if shape.type_name in ("long", "integer"):
        return 7
    if shape.enum:
        return shape.enum[0]
    return f"{name}-value"[: shape.metadata.get("max", 64)]


EVENT_TYPE_NAMES = sorted(SERVICE_MODEL.shape_for("EventType").enum)


@pytest.mark.parametrize("event_type", EVENT_TYPE_NAMES)
def test_every_event_type_can_be_added_to_a_partial_history_with_its_attributes_given(
    event_type: str,
) -> None:
    # The pattern of a history that starts mid-way: every required attribute and every reference to an
    # earlier event given, nothing left for the builder to resolve.
    key = event_attributes_key(event_type)
    shape = HISTORY_EVENT.members[key]
    given = [
        member for member in shape.members if member in shape.required_members or member.endswith("EventId")
    ]
    attributes = {_snake(member): _sample(shape.members[member], member) for member in given}

    builder = HistoryBuilder(first_event_id=100, started=False).add(event_type, **attributes)

    (raw,) = builder.events
    assert shape_errors(raw, HISTORY_EVENT, event_type) == []
    for member in given:
        expected = _sample(shape.members[member], member)
        if isinstance(expected, dict):
            expected = {_camel(name): value for name, value in expected.items()}
        assert raw[key][member] == expected, member
    builder.history().compile()


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)
