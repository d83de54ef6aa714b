"""History: an immutable sequence of events, and its compiled state for every event family."""

from __future__ import annotations

from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from aioswf.models.compiled import CompiledHistory
from aioswf.models.event import EventFactory, MarkerEvent, UnknownEvent
from aioswf.models.history import History
from aioswf.testing.history_builder import HistoryBuilder

# (kind, state) pairs that the builder's helpers can bring an object to.
SCENARIO_STEPS: list[tuple[str, str]] = [
    *(
        ("activity", state)
        for state in (
            "scheduled",
            "schedule_failed",
            "started",
            "completed",
            "failed",
            "timed_out",
            "cancel_requested",
            "canceled",
            "request_cancel_failed",
        )
    ),
    *(("timer", state) for state in ("started", "start_failed", "fired", "canceled", "cancel_failed")),
    *(
        ("child", state)
        for state in (
            "start_initiated",
            "start_failed",
            "started",
            "completed",
            "failed",
            "timed_out",
            "canceled",
            "terminated",
        )
    ),
    *(
        ("lambda", state)
        for state in (
            "scheduled",
            "schedule_failed",
            "start_failed",
            "started",
            "completed",
            "failed",
            "timed_out",
        )
    ),
    *(("signal_sent", state) for state in ("signal_initiated", "signaled", "signal_failed")),
    *(
        ("cancel_sent", state)
        for state in ("request_cancel_initiated", "cancel_requested", "request_cancel_failed")
    ),
    ("marker", "recorded"),
    ("marker", "record_failed"),
    ("signal", "received"),
    ("decision", "completed"),
    ("decision", "timed_out"),
]
CLOSE_STATES = ["completed", "failed", "canceled", "timed_out", "terminated", "continued_as_new"]


def apply_step(builder: HistoryBuilder, index: int, kind: str, state: str) -> None:
    name = f"{kind}-{index}"
    if kind == "activity":
        builder.add_activity_task(name, ("activity", "1"), state=state, result=f"r{index}")
    elif kind == "timer":
        builder.add_timer(name, 5, state=state)
    elif kind == "child":
        builder.add_child_workflow(name, ("child", "1"), state=state, result=f"r{index}")
    elif kind == "lambda":
        builder.add_lambda_function(name, "fn", state=state, result=f"r{index}")
    elif kind == "signal_sent":
        builder.add_external_signal(name, "ping", state=state)
    elif kind == "cancel_sent":
        builder.add_external_cancel_request(name, state=state)
    elif kind == "marker":
        builder.add_marker(name, details=f"d{index}", state=state)
    elif kind == "signal":
        builder.add_signal(name, input=f"i{index}")
    else:
        builder.add_decision_task(state=state, execution_context=f"ctx{index}")


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[History, list[tuple[str, str]], str | None]:
    """A legal history built from random steps, with the steps and how the execution closed."""
    steps = draw(st.lists(st.sampled_from(SCENARIO_STEPS), max_size=12))
    closed = draw(st.none() | st.sampled_from(CLOSE_STATES))
    builder = HistoryBuilder(("workflow", "1"), input="in")
    for index, (kind, state) in enumerate(steps):
        if draw(st.booleans()):
            builder.add_decision_task()
        apply_step(builder, index, kind, state)
    if closed is not None:
        builder.close(closed)
    return builder.history(), steps, closed


def markers(count: int) -> History:
    builder = HistoryBuilder()
    for index in range(count):
        builder.add_marker(f"m{index}")
    return builder.history()


# -- the sequence ------------------------------------------------------------------------------------


@given(data=st.data(), count=st.integers(min_value=0, max_value=12))
def test_slicing_a_history_gives_the_history_of_the_sliced_events(data: st.DataObject, count: int) -> None:
    history = markers(count)
    window = data.draw(st.slices(len(history)))
    sliced = history[window]
    assert isinstance(sliced, History)
    assert list(sliced) == list(history.events)[window]


@given(count=st.integers(min_value=0, max_value=12))
def test_indexing_a_history_is_indexing_its_events(count: int) -> None:
    history = markers(count)
    for index in range(-len(history), len(history)):
        assert history[index] is history.events[index]
    with pytest.raises(IndexError):
        history[len(history)]


@given(count=st.integers(min_value=0, max_value=12))
def test_a_history_can_be_iterated_again_and_again(count: int) -> None:
    history = markers(count)
    assert list(history) == list(history) == list(history.events)
    assert len(history) == len(history.events)


@given(count=st.integers(min_value=0, max_value=12), latest=st.integers(min_value=0, max_value=15))
def test_latest_gives_the_last_events_in_order(count: int, latest: int) -> None:
    history = markers(count)
    assert list(history.latest(latest)) == (list(history)[-latest:] if latest else [])


@given(count=st.integers(min_value=0, max_value=12))
def test_reversed_gives_the_events_newest_first(count: int) -> None:
    history = markers(count)
    assert list(history.reversed) == list(history)[::-1]
    assert history.reversed.reversed == history


def test_latest_refuses_a_negative_count() -> None:
    with pytest.raises(ValueError, match="at least 0"):
        markers(3).latest(-1)


def test_first_and_last_are_the_oldest_and_newest_events() -> None:
    history = markers(3)
    assert history.first is history[0]
    assert history.last is history[-1]
    assert History().first is None
    assert History().last is None


def test_a_history_is_frozen() -> None:
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        markers(1).events = ()  # type: ignore[misc]


def test_from_raw_and_from_events_build_the_same_history() -> None:
    raw = HistoryBuilder().add_marker("m").events
    assert History.from_raw(raw) == History(EventFactory(event) for event in raw) == History(raw)
    assert History.from_event_list(raw) == History.from_raw(raw)


def test_histories_can_be_joined_like_pages() -> None:
    history = markers(4)
    assert history[:2] + history[2:] == history


def test_filter_keeps_events_whose_attributes_all_match() -> None:
    builder = HistoryBuilder()
    builder.add_activity_task("a1", state="completed", result="1")
    builder.add_activity_task("a2", state="failed", reason="boom")
    builder.add_marker("m")
    history = builder.history()
    assert {
        event.activity_id for event in history.filter(type="ActivityTask", name="ActivityTaskScheduled")
    } == {
        "a1",
        "a2",
    }
    assert [event.result for event in history.filter(type="ActivityTask", state="completed")] == ["1"]
    assert [event.name for event in history.filter(activity_id="a2")] == [
        "ActivityTaskScheduled",
    ]
    assert [event.reason for event in history.filter(reason="boom")] == ["boom"]
    assert all(isinstance(event, MarkerEvent) for event in history.filter(type="Marker"))
    assert len(history.filter(no_such_attribute=1)) == 0


def test_distinct_keeps_the_latest_event_of_each_object() -> None:
    builder = HistoryBuilder()
    builder.add_decision_task()
    builder.add_activity_task("a1", state="completed")
    builder.add_timer("t1", state="fired")
    builder.add_marker("m").add_marker("m")
    builder.add_child_workflow("c1", state="failed")
    builder.add_lambda_function("f1", state="timed_out")
    builder.add_signal("s").add_signal("s")
    builder.close("completed")
    distinct = builder.history().distinct
    assert [(event.type, event.name) for event in distinct if event.type != "DecisionTask"] == [
        ("ActivityTask", "ActivityTaskCompleted"),
        ("Timer", "TimerFired"),
        ("Marker", "MarkerRecorded"),
        ("ChildWorkflowExecution", "ChildWorkflowExecutionFailed"),
        ("LambdaFunction", "LambdaFunctionTimedOut"),
        ("Signal", "WorkflowExecutionSignaled"),
        ("Signal", "WorkflowExecutionSignaled"),
        ("WorkflowExecution", "WorkflowExecutionCompleted"),
    ]
    assert [event.name for event in distinct if event.type == "DecisionTask"] == ["DecisionTaskCompleted"]


@pytest.mark.parametrize("state", CLOSE_STATES)
def test_a_history_is_finished_once_the_execution_closed(state: str) -> None:
    builder = HistoryBuilder().add_decision_task()
    assert not builder.history().finished
    assert builder.close(state).history().finished


def test_a_failed_close_decision_does_not_finish_the_history() -> None:
    assert not HistoryBuilder().add("CompleteWorkflowExecutionFailed").history().finished


# -- compile(): properties over random legal histories --------------------------------------------


@given(scenario=scenarios())
def test_compile_gives_each_object_the_state_its_events_brought_it_to(
    scenario: tuple[History, list[tuple[str, str]], str | None],
) -> None:
    history, steps, closed = scenario
    compiled = history.compile()
    tables: dict[str, Any] = {
        "activity": compiled.activities,
        "timer": compiled.timers,
        "child": compiled.child_workflows,
        "lambda": compiled.lambda_functions,
        "marker": compiled.markers,
    }
    sent = iter(compiled.external_operations)
    for index, (kind, state) in enumerate(steps):
        if kind in tables:
            assert tables[kind][f"{kind}-{index}"].state == state
        elif kind in ("signal_sent", "cancel_sent"):
            operation = next(sent)
            assert (operation.workflow_id, operation.state) == (f"{kind}-{index}", state)
    assert [signal.name for signal in compiled.signals] == [
        f"signal-{index}" for index, (kind, _) in enumerate(steps) if kind == "signal"
    ]
    assert compiled.execution.state == (closed or "started")
    assert compiled.execution.input == "in"
    assert compiled.unresolved == ()


@given(scenario=scenarios())
def test_compile_does_not_depend_on_the_order_events_are_given_in(
    scenario: tuple[History, list[tuple[str, str]], str | None],
) -> None:
    history, _, _ = scenario
    assert history.reversed.compile() == history.compile()


@given(scenario=scenarios(), data=st.data())
def test_compile_accepts_a_history_that_starts_mid_way(
    scenario: tuple[History, list[tuple[str, str]], str | None], data: st.DataObject
) -> None:
    history, _, _ = scenario
    cut = data.draw(st.integers(min_value=0, max_value=len(history)))
    full = history.compile()
    partial = history[cut:].compile()
    first_id = history[cut].id if cut < len(history) else None
    for activity_id, activity in partial.activities.items():
        if (
            first_id is not None
            and activity.scheduled_event_id is not None
            and activity.scheduled_event_id >= first_id
        ):
            assert activity == full.activities[activity_id]
    for event in partial.unresolved:
        assert first_id is not None
        assert event.id >= first_id


def test_compiling_an_empty_history_gives_an_unknown_execution() -> None:
    compiled = History().compile()
    assert compiled == CompiledHistory()
    assert compiled.execution.state == "unknown"


# -- compile(): activities ---------------------------------------------------------------------------


def test_a_completed_activity_has_its_input_and_result() -> None:
    builder = HistoryBuilder().add_decision_task()
    builder.add_activity_task("a1", ("download", "2"), input="url", control="c", identity="w1", result="42")
    activity = builder.history().compile().activities["a1"]
    assert (activity.state, activity.input, activity.control, activity.result) == (
        "completed",
        "url",
        "c",
        "42",
    )
    assert activity.activity_type == {"name": "download", "version": "2"}
    assert (activity.identity, activity.task_list, activity.attempts, activity.is_open) == (
        "w1",
        "activities",
        1,
        False,
    )


def test_a_failed_activity_has_its_reason_and_details() -> None:
    builder = HistoryBuilder().add_activity_task("a1", state="failed", reason="boom", details="trace")
    activity = builder.history().compile().activities["a1"]
    assert (activity.state, activity.reason, activity.details) == ("failed", "boom", "trace")


def test_a_timed_out_activity_has_its_timeout_type() -> None:
    builder = HistoryBuilder().add_activity_task(
        "a1", state="timed_out", timeout_type="HEARTBEAT", details="50%"
    )
    activity = builder.history().compile().activities["a1"]
    assert (activity.state, activity.timeout_type, activity.details) == ("timed_out", "HEARTBEAT", "50%")


def test_an_activity_rescheduled_after_failing_counts_its_attempts() -> None:
    builder = HistoryBuilder()
    builder.add_activity_task("a1", state="failed", reason="boom")
    builder.add_activity_task("a1", state="timed_out")
    builder.add_activity_task("a1", state="completed", result="ok")
    activity = builder.history().compile().activities["a1"]
    assert (activity.state, activity.attempts, activity.result, activity.reason) == (
        "completed",
        3,
        "ok",
        None,
    )


def test_a_failed_schedule_does_not_hide_the_open_activity_with_that_id() -> None:
    builder = HistoryBuilder().add_activity_task("a1", state="started")
    builder.add(
        "ScheduleActivityTaskFailed",
        activity_id="a1",
        activity_type=("a", "1"),
        cause="ACTIVITY_ID_ALREADY_IN_USE",
    )
    activity = builder.history().compile().activities["a1"]
    assert (activity.state, activity.cause, activity.attempts) == ("started", "ACTIVITY_ID_ALREADY_IN_USE", 1)


def test_an_activity_that_could_not_be_scheduled_is_schedule_failed() -> None:
    builder = HistoryBuilder().add_activity_task(
        "a1", state="schedule_failed", cause="ACTIVITY_TYPE_DEPRECATED"
    )
    activity = builder.history().compile().activities["a1"]
    assert (activity.state, activity.cause, activity.attempts, activity.is_open) == (
        "schedule_failed",
        "ACTIVITY_TYPE_DEPRECATED",
        0,
        False,
    )


def test_a_cancel_request_marks_the_activity_until_it_closes() -> None:
    builder = HistoryBuilder().add_activity_task("a1", state="cancel_requested")
    requested = builder.history().compile().activities["a1"]
    assert (requested.state, requested.cancel_requested, requested.is_open) == (
        "cancel_requested",
        True,
        True,
    )
    builder.add("ActivityTaskCompleted", activity_id="a1", result="done anyway")
    completed = builder.history().compile().activities["a1"]
    assert (completed.state, completed.cancel_requested, completed.result) == (
        "completed",
        True,
        "done anyway",
    )


def test_a_canceled_activity_has_its_details() -> None:
    builder = HistoryBuilder().add_activity_task("a1", state="canceled", details="stopped")
    activity = builder.history().compile().activities["a1"]
    assert (activity.state, activity.details, activity.cancel_requested) == ("canceled", "stopped", True)


def test_a_failed_cancel_request_of_an_unknown_activity_is_recorded() -> None:
    builder = HistoryBuilder().add_activity_task("ghost", state="request_cancel_failed")
    activity = builder.history().compile().activities["ghost"]
    assert (activity.state, activity.cause) == ("request_cancel_failed", "ACTIVITY_ID_UNKNOWN")


def test_a_failed_cancel_request_leaves_a_known_activity_as_it_was() -> None:
    builder = HistoryBuilder().add_activity_task("a1", state="completed", result="r")
    builder.add("RequestCancelActivityTaskFailed", activity_id="a1")
    activity = builder.history().compile().activities["a1"]
    assert (activity.state, activity.result, activity.cause) == ("completed", "r", "ACTIVITY_ID_UNKNOWN")


# -- compile(): timers, markers, signals ---------------------------------------------------------------


def test_a_fired_timer_has_its_duration_and_control() -> None:
    builder = HistoryBuilder().add_timer("t1", 30, control="c")
    timer = builder.history().compile().timers["t1"]
    assert (timer.state, timer.start_to_fire_timeout, timer.control, timer.is_open) == (
        "fired",
        "30",
        "c",
        False,
    )


def test_a_running_timer_is_open_and_a_canceled_one_is_not() -> None:
    builder = HistoryBuilder().add_timer("t1", state="started").add_timer("t2", state="canceled")
    timers = builder.history().compile().timers
    assert (timers["t1"].state, timers["t1"].is_open) == ("started", True)
    assert (timers["t2"].state, timers["t2"].is_open) == ("canceled", False)


def test_a_timer_id_reused_after_firing_counts_its_attempts() -> None:
    builder = HistoryBuilder().add_timer("t1").add_timer("t1", state="started")
    timer = builder.history().compile().timers["t1"]
    assert (timer.state, timer.attempts) == ("started", 2)


def test_a_failed_start_does_not_hide_the_running_timer_with_that_id() -> None:
    builder = HistoryBuilder().add_timer("t1", state="started").add_timer("t1", state="start_failed")
    timer = builder.history().compile().timers["t1"]
    assert (timer.state, timer.cause) == ("started", "TIMER_ID_ALREADY_IN_USE")


def test_failed_timer_decisions_on_unknown_timers_are_recorded() -> None:
    builder = HistoryBuilder().add_timer("t1", state="cancel_failed").add_timer("t2", state="start_failed")
    timers = builder.history().compile().timers
    assert (timers["t1"].state, timers["t1"].cause) == ("cancel_failed", "TIMER_ID_UNKNOWN")
    assert timers["t2"].state == "start_failed"


def test_markers_keep_the_latest_details_and_count_by_name() -> None:
    builder = HistoryBuilder().add_marker("progress", details="10%").add_marker("progress", details="90%")
    builder.add_marker("other")
    markers_ = builder.history().compile().markers
    assert (markers_["progress"].details, markers_["progress"].count) == ("90%", 2)
    assert markers_["other"].state == "recorded"


def test_a_failed_marker_keeps_the_details_of_the_last_recorded_one() -> None:
    builder = HistoryBuilder().add_marker("m", details="d").add_marker("m", state="record_failed")
    marker = builder.history().compile().markers["m"]
    assert (marker.state, marker.details, marker.cause, marker.count) == (
        "record_failed",
        "d",
        "OPERATION_NOT_PERMITTED",
        1,
    )


def test_signals_are_kept_in_the_order_received() -> None:
    builder = HistoryBuilder()
    builder.add_signal("go", input="1")
    builder.add_signal("go", input="2", external_workflow_execution={"workflow_id": "w", "run_id": "r"})
    compiled = builder.history().compile()
    assert [(signal.name, signal.input) for signal in compiled.signals] == [("go", "1"), ("go", "2")]
    assert compiled.signals[1].external_workflow_execution == {"workflow_id": "w", "run_id": "r"}
    assert compiled.execution.signals_received == 2


# -- compile(): child workflows, external executions, Lambda tasks -------------------------------------


def test_a_completed_child_has_its_run_id_and_result() -> None:
    builder = HistoryBuilder().add_child_workflow(
        "c1", ("child", "3"), input="i", control="c", run_id="run-9", result="ok"
    )
    child = builder.history().compile().child_workflows["c1"]
    assert (child.state, child.run_id, child.result, child.input, child.control) == (
        "completed",
        "run-9",
        "ok",
        "i",
        "c",
    )
    assert child.workflow_type == {"name": "child", "version": "3"}


@pytest.mark.parametrize(
    ("state", "attributes", "expected"),
    [
        ("failed", {"reason": "boom", "details": "trace"}, {"reason": "boom", "details": "trace"}),
        ("timed_out", {}, {"timeout_type": "START_TO_CLOSE"}),
        ("canceled", {"details": "bye"}, {"details": "bye"}),
        ("terminated", {}, {}),
        ("start_failed", {"cause": "WORKFLOW_TYPE_DEPRECATED"}, {"cause": "WORKFLOW_TYPE_DEPRECATED"}),
        ("start_initiated", {}, {}),
    ],
)
def test_a_child_has_the_state_and_attributes_of_its_latest_event(
    state: str, attributes: dict[str, Any], expected: dict[str, Any]
) -> None:
    builder = HistoryBuilder().add_child_workflow("c1", state=state, **attributes)
    child = builder.history().compile().child_workflows["c1"]
    assert child.state == state
    assert {key: getattr(child, key) for key in expected} == expected


def test_a_child_already_running_is_not_hidden_by_a_failed_second_start() -> None:
    builder = HistoryBuilder().add_child_workflow("c1", state="started", run_id="first")
    builder.add("StartChildWorkflowExecutionInitiated", workflow_id="c1", workflow_type=("child", "1"))
    builder.add("StartChildWorkflowExecutionFailed", workflow_id="c1", cause="WORKFLOW_ALREADY_RUNNING")
    child = builder.history().compile().child_workflows["c1"]
    assert (child.state, child.run_id, child.cause, child.attempts) == (
        "started",
        "first",
        "WORKFLOW_ALREADY_RUNNING",
        1,
    )


def test_a_child_restarted_after_closing_counts_its_attempts() -> None:
    builder = (
        HistoryBuilder().add_child_workflow("c1", state="failed").add_child_workflow("c1", state="started")
    )
    child = builder.history().compile().child_workflows["c1"]
    assert (child.state, child.attempts, child.reason) == ("started", 2, None)


def test_signals_and_cancel_requests_sent_to_other_executions_are_tracked() -> None:
    builder = HistoryBuilder()
    builder.add_external_signal("w1", "ping", input="i", control="c", run_id="r1")
    builder.add_external_signal("w2", "ping", state="signal_failed")
    builder.add_external_cancel_request("w3")
    builder.add_external_cancel_request("w4", state="request_cancel_initiated")
    operations = builder.history().compile().external_operations
    assert [(op.kind, op.workflow_id, op.state) for op in operations] == [
        ("signal", "w1", "signaled"),
        ("signal", "w2", "signal_failed"),
        ("request_cancel", "w3", "cancel_requested"),
        ("request_cancel", "w4", "request_cancel_initiated"),
    ]
    assert (operations[0].signal_name, operations[0].input, operations[0].control, operations[0].run_id) == (
        "ping",
        "i",
        "c",
        "r1",
    )
    assert operations[1].cause == "UNKNOWN_EXTERNAL_WORKFLOW_EXECUTION"


@pytest.mark.parametrize(
    ("state", "attributes", "expected"),
    [
        ("completed", {"result": "r"}, {"result": "r"}),
        ("failed", {"reason": "boom", "details": "d"}, {"reason": "boom", "details": "d"}),
        ("timed_out", {}, {"timeout_type": "START_TO_CLOSE"}),
        ("start_failed", {"message": "no role"}, {"cause": "ASSUME_ROLE_FAILED", "message": "no role"}),
        ("schedule_failed", {}, {"cause": "ID_ALREADY_IN_USE", "attempts": 0}),
        ("started", {}, {"attempts": 1}),
    ],
)
def test_a_lambda_task_has_the_state_and_attributes_of_its_latest_event(
    state: str, attributes: dict[str, Any], expected: dict[str, Any]
) -> None:
    builder = HistoryBuilder().add_lambda_function("f1", "resize", state=state, input="i", **attributes)
    function = builder.history().compile().lambda_functions["f1"]
    assert (function.state, function.name) == (state, "resize")
    assert {key: getattr(function, key) for key in expected} == expected


# -- compile(): decision tasks and the execution ----------------------------------------------------------


def test_the_latest_execution_context_is_kept_across_decision_tasks() -> None:
    builder = HistoryBuilder().add_decision_task(execution_context="step-1").add_decision_task()
    builder.add_decision_task(state="started", identity="decider-1")
    task = builder.history().compile().decision_task
    assert task is not None
    assert (task.state, task.count, task.execution_context, task.identity) == (
        "started",
        3,
        "step-1",
        "decider-1",
    )


def test_a_timed_out_decision_task_has_its_timeout_type() -> None:
    builder = HistoryBuilder().add_decision_task(state="timed_out", timeout_type="SCHEDULE_TO_START")
    task = builder.history().compile().decision_task
    assert task is not None
    assert (task.state, task.timeout_type) == ("timed_out", "SCHEDULE_TO_START")


def test_a_started_execution_has_its_start_attributes() -> None:
    builder = HistoryBuilder(("crawl", "2"), input="in", task_list="deciders", tag_list=["a", "b"])
    execution = builder.history().compile().execution
    assert (execution.state, execution.input, execution.task_list, execution.tag_list) == (
        "started",
        "in",
        "deciders",
        ("a", "b"),
    )
    assert execution.workflow_type == {"name": "crawl", "version": "2"}
    assert execution.is_open


@pytest.mark.parametrize(
    ("state", "attributes", "expected"),
    [
        ("completed", {"result": "r"}, {"result": "r"}),
        ("failed", {"reason": "boom", "details": "d"}, {"reason": "boom", "details": "d"}),
        ("canceled", {"details": "d"}, {"details": "d"}),
        ("timed_out", {}, {"timeout_type": "START_TO_CLOSE"}),
        (
            "terminated",
            {"reason": "ops", "cause": "OPERATOR_INITIATED"},
            {"reason": "ops", "cause": "OPERATOR_INITIATED"},
        ),
        ("continued_as_new", {"new_execution_run_id": "run-2"}, {"new_execution_run_id": "run-2"}),
    ],
)
def test_a_closed_execution_has_how_it_closed(
    state: str, attributes: dict[str, Any], expected: dict[str, Any]
) -> None:
    execution = HistoryBuilder().close(state, **attributes).history().compile().execution
    assert execution.state == state
    assert not execution.is_open
    assert {key: getattr(execution, key) for key in expected} == expected


@pytest.mark.parametrize(
    "event_type",
    [
        "CompleteWorkflowExecutionFailed",
        "FailWorkflowExecutionFailed",
        "CancelWorkflowExecutionFailed",
        "ContinueAsNewWorkflowExecutionFailed",
    ],
)
def test_a_failed_close_decision_leaves_the_execution_open_with_its_cause(event_type: str) -> None:
    execution = (
        HistoryBuilder().add(event_type, cause="OPERATION_NOT_PERMITTED").history().compile().execution
    )
    assert (execution.state, execution.cause, execution.is_open) == (
        "started",
        "OPERATION_NOT_PERMITTED",
        True,
    )


def test_a_cancel_request_is_recorded_on_the_execution() -> None:
    execution = (
        HistoryBuilder().add_cancel_request(cause="CHILD_POLICY_APPLIED").history().compile().execution
    )
    assert (execution.cancel_requested, execution.state) == (True, "started")


# -- compile(): partial and unusual histories ------------------------------------------------------------


def test_events_about_objects_from_before_the_history_start_are_unresolved() -> None:
    builder = HistoryBuilder(first_event_id=100, started=False)
    builder.add("ActivityTaskCompleted", scheduled_event_id=40, started_event_id=41, result="r")
    builder.add("LambdaFunctionStarted", scheduled_event_id=42)
    builder.add("TimerFired", timer_id="t1", started_event_id=43)
    builder.add(
        "ChildWorkflowExecutionCompleted", workflow_id="c1", initiated_event_id=44, started_event_id=45
    )
    compiled = builder.history().compile()
    assert [event.name for event in compiled.unresolved] == ["ActivityTaskCompleted", "LambdaFunctionStarted"]
    assert compiled.execution.state == "started"
    assert compiled.timers["t1"].state == "fired"
    assert compiled.child_workflows["c1"].state == "completed"


def test_events_of_unknown_types_are_unresolved_not_fatal() -> None:
    builder = HistoryBuilder().add("QuantumTaskEntangled", qubits=2)
    compiled = builder.history().compile()
    assert [type(event) for event in compiled.unresolved] == [UnknownEvent]


def test_compile_tolerates_events_that_lack_their_attributes() -> None:
    bare = [
        EventFactory({"eventId": index, "eventType": event_type, "eventTimestamp": 0})
        for index, event_type in enumerate(
            [
                "ActivityTaskScheduled",
                "TimerStarted",
                "MarkerRecorded",
                "StartChildWorkflowExecutionInitiated",
            ],
            1,
        )
    ]
    compiled = History(bare).compile()
    assert list(compiled.unresolved) == bare
    assert (compiled.activities, compiled.timers, compiled.markers, compiled.child_workflows) == (
        {},
        {},
        {},
        {},
    )


def test_a_history_repr_stays_short_however_long_the_history() -> None:
    assert repr(markers(500)) == "History(504 events, ids 1..504, last MarkerRecorded)"
    assert repr(History()) == "History([])"
