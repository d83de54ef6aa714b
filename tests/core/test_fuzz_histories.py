"""Fuzzing decisions, histories and events: decision builders, `Decision.from_api`, `decisions_to_api`,
`HistoryBuilder` and `EventFactory`. Each input works or is refused with an error of the aioswf tree;
every decision built is one SWF takes; every history built compiles."""

from __future__ import annotations

from typing import Any

import pytest
from fuzz_support import (
    SERVICE_MODEL,
    anything,
    bounded,
    datetimes,
    decision_objections,
    durations,
    good_durations,
    good_names,
    good_priorities,
    names,
    numbers,
    one_hostile,
    payloads,
    texts,
)
from hypothesis import given
from hypothesis import strategies as st

from aioswf.exceptions import SWFError, ValidationError
from aioswf.models.decision import (
    DECISION_TYPES,
    ActivityTaskDecision,
    ChildWorkflowExecutionDecision,
    Decision,
    ExternalWorkflowExecutionDecision,
    LambdaFunctionDecision,
    MarkerDecision,
    TimerDecision,
    WorkflowExecutionDecision,
    decisions_to_api,
)
from aioswf.models.event import EVENT_TYPES, EventFactory, event_attributes_key
from aioswf.models.history import History
from aioswf.models.task import ActivityTask, DecisionTask
from aioswf.testing import HistoryBuilder

types = st.one_of(
    st.tuples(good_names, good_names),
    st.fixed_dictionaries({"name": good_names, "version": good_names}),
    st.tuples(names, names),
    anything,
)
policies = (st.sampled_from(["TERMINATE", "REQUEST_CANCEL", "ABANDON"]), st.sampled_from(["terminate", 0]))
tags = (st.lists(good_names, max_size=5), st.lists(texts(300), max_size=7))
roles = (st.just("arn:aws:iam::123456789012:role/lambda"), texts(1700))
timeouts = (good_durations, durations)

BUILDERS: dict[str, tuple[Any, dict[str, Any], Any]] = {
    "schedule_activity": (
        ActivityTaskDecision.schedule,
        {"activity_id": (good_names, names), "activity_type": (st.tuples(good_names, good_names), types)},
        one_hostile(
            input=(payloads, anything),
            control=(payloads, anything),
            task_list=(good_names, names),
            task_priority=(good_priorities, st.one_of(numbers, texts(12))),
            schedule_to_close_timeout=timeouts,
            schedule_to_start_timeout=timeouts,
            start_to_close_timeout=timeouts,
            heartbeat_timeout=timeouts,
        ),
    ),
    "request_cancel_activity": (
        ActivityTaskDecision.request_cancel,
        {"activity_id": (good_names, names)},
        None,
    ),
    "start_timer": (
        TimerDecision.start,
        {"timer_id": (good_names, names), "start_to_fire_timeout": timeouts},
        one_hostile(control=(payloads, anything)),
    ),
    "cancel_timer": (TimerDecision.cancel, {"timer_id": (good_names, names)}, None),
    "record_marker": (
        MarkerDecision.record,
        {"name": (st.text(min_size=1, max_size=20), texts(300))},
        one_hostile(details=(payloads, anything)),
    ),
    "complete": (WorkflowExecutionDecision.complete, {}, one_hostile(result=(payloads, anything))),
    "fail": (
        WorkflowExecutionDecision.fail,
        {},
        one_hostile(reason=(st.text(max_size=40), texts(300)), details=(payloads, anything)),
    ),
    "cancel": (WorkflowExecutionDecision.cancel, {}, one_hostile(details=(payloads, anything))),
    "continue_as_new": (
        WorkflowExecutionDecision.continue_as_new,
        {},
        one_hostile(
            input=(payloads, anything),
            execution_start_to_close_timeout=timeouts,
            task_list=(good_names, names),
            task_priority=(good_priorities, numbers),
            task_start_to_close_timeout=timeouts,
            child_policy=policies,
            tag_list=tags,
            workflow_type_version=(good_names, names),
            lambda_role=roles,
        ),
    ),
    "start_child": (
        ChildWorkflowExecutionDecision.start,
        {"workflow_type": (st.tuples(good_names, good_names), types), "workflow_id": (good_names, names)},
        one_hostile(
            input=(payloads, anything),
            control=(payloads, anything),
            execution_start_to_close_timeout=timeouts,
            task_list=(good_names, names),
            task_priority=(good_priorities, numbers),
            task_start_to_close_timeout=timeouts,
            child_policy=policies,
            tag_list=tags,
            lambda_role=roles,
        ),
    ),
    "signal_external": (
        ExternalWorkflowExecutionDecision.signal,
        {"workflow_id": (good_names, names), "signal_name": (st.text(min_size=1, max_size=20), texts(300))},
        one_hostile(
            run_id=(st.text(min_size=1, max_size=64), texts(70)),
            input=(payloads, anything),
            control=(payloads, anything),
        ),
    ),
    "request_cancel_external": (
        ExternalWorkflowExecutionDecision.request_cancel,
        {"workflow_id": (good_names, names)},
        one_hostile(run_id=(st.text(min_size=1, max_size=64), texts(70)), control=(payloads, anything)),
    ),
    "schedule_lambda": (
        LambdaFunctionDecision.schedule,
        {"function_id": (st.text(min_size=1, max_size=20), texts(300)), "name": (good_names, texts(70))},
        one_hostile(
            input=(payloads, anything),
            control=(payloads, anything),
            start_to_close_timeout=(st.integers(min_value=1, max_value=900), durations),
        ),
    ),
}


@st.composite
def decision_calls(draw: st.DrawFn) -> tuple[str, list[Any], dict[str, Any]]:
    which = draw(st.sampled_from(sorted(BUILDERS)))
    _, positional, keywords = BUILDERS[which]
    hostile = draw(st.sampled_from([None, *positional]))
    args = [draw(bad if name == hostile else good) for name, (good, bad) in positional.items()]
    kwargs = {k: v for k, v in (draw(keywords) if keywords is not None else {}).items() if v is not None}
    return which, args, kwargs


@bounded(100)
@given(call=decision_calls())
def test_every_decision_builder_builds_what_swf_takes_or_refuses(
    call: tuple[str, list[Any], dict[str, Any]],
) -> None:
    which, args, kwargs = call
    try:
        decision = BUILDERS[which][0](*args, **kwargs)
    except SWFError:
        return
    raw = decision.to_api()
    assert decision_objections(raw) == []
    assert Decision.from_api(raw) == Decision(decision.type, decision.attributes)
    assert decisions_to_api([decision]) == [raw]


raw_decisions = st.one_of(
    st.fixed_dictionaries(
        {"decisionType": st.sampled_from([*DECISION_TYPES, "TerminateWorkflowExecution"])},
        optional={
            "scheduleActivityTaskDecisionAttributes": st.dictionaries(
                st.sampled_from(["activityId", "activityType", "input", "taskList", "heartbeatTimeout"]),
                st.one_of(
                    good_names, anything, st.fixed_dictionaries({"name": good_names, "version": good_names})
                ),
            ),
            "startTimerDecisionAttributes": st.dictionaries(
                st.sampled_from(["timerId", "startToFireTimeout", "control"]), st.one_of(good_names, anything)
            ),
            "completeWorkflowExecutionDecisionAttributes": st.dictionaries(
                st.sampled_from(["result"]), st.one_of(payloads, anything)
            ),
        },
    ),
    st.dictionaries(texts(30), anything, max_size=3),
)


@bounded(70)
@given(raws=st.lists(raw_decisions, max_size=3), context=st.one_of(st.none(), payloads, anything))
def test_decisions_in_swfs_own_shape_are_read_or_refused(raws: list[Any], context: Any) -> None:
    decisions = []
    for raw in raws:
        try:
            decisions.append(Decision.from_api(raw))
        except SWFError:
            continue
    for decision in decisions:
        assert decision_objections(decision.to_api()) == []
    try:
        decisions_to_api(decisions, execution_context=context)
    except SWFError:
        pass


# HistoryBuilder ------------------------------------------------------------------------------------------

HELPERS: dict[str, tuple[str, list[str]]] = {
    "add_activity_task": (
        "activity_id",
        [
            "scheduled",
            "schedule_failed",
            "started",
            "completed",
            "failed",
            "timed_out",
            "cancel_requested",
            "canceled",
            "request_cancel_failed",
        ],
    ),
    "add_timer": ("timer_id", ["started", "start_failed", "fired", "canceled", "cancel_failed"]),
    "add_child_workflow": (
        "workflow_id",
        [
            "start_initiated",
            "start_failed",
            "started",
            "completed",
            "failed",
            "timed_out",
            "canceled",
            "terminated",
        ],
    ),
    "add_lambda_function": (
        "function_id",
        ["scheduled", "schedule_failed", "start_failed", "started", "completed", "failed", "timed_out"],
    ),
    "add_external_signal": ("workflow_id", ["signal_initiated", "signaled", "signal_failed"]),
    "add_external_cancel_request": (
        "workflow_id",
        ["request_cancel_initiated", "cancel_requested", "request_cancel_failed"],
    ),
    "add_decision_task": ("", ["scheduled", "started", "completed", "timed_out"]),
}

HISTORY_EVENT = SERVICE_MODEL.shape_for("HistoryEvent")


def _snake(name: str) -> str:
    return "".join(f"_{char.lower()}" if char.isupper() else char for char in name)


def shaped_value(shape: Any, depth: int = 0) -> st.SearchStrategy[Any]:
    """A value of one of the service model's shapes, keys in snake_case as the builder's callers write."""
    if shape.type_name == "structure":
        required = {
            _snake(name): shaped_value(member, depth + 1)
            for name, member in shape.members.items()
            if name in shape.required_members
        }
        optional = (
            {
                _snake(name): shaped_value(member, depth + 1)
                for name, member in shape.members.items()
                if name not in shape.required_members
            }
            if depth < 2
            else {}
        )
        return st.fixed_dictionaries(required, optional=optional)
    if shape.type_name == "list":
        return st.lists(shaped_value(shape.member, depth + 1), max_size=2)
    if shape.type_name in ("integer", "long"):
        return st.integers(min_value=1, max_value=30)
    if shape.type_name == "boolean":
        return st.booleans()
    if shape.type_name == "timestamp":
        return datetimes
    if shape.enum:
        return st.sampled_from(shape.enum)
    return st.sampled_from(["x", "y", "1"])


#: Any event type, its attributes drawn from the service model (every reference given, as in a partial
#: history).
modelled_events = st.sampled_from(sorted(EVENT_TYPES)).flatmap(
    lambda event_type: st.tuples(
        st.just("add"),
        st.just(event_type),
        shaped_value(HISTORY_EVENT.members[event_attributes_key(event_type)]),
    )
)


steps = st.one_of(
    modelled_events,
    st.tuples(
        st.sampled_from(sorted(HELPERS)),
        st.sampled_from(["x", "y", "z"]),
        st.one_of(st.sampled_from([s for _, states in HELPERS.values() for s in states]), texts(10)),
    ),
    st.tuples(
        st.just("add"),
        st.sampled_from([*sorted(EVENT_TYPES), "FutureEventType"]),
        st.dictionaries(
            st.sampled_from(
                [
                    "activity_id",
                    "timer_id",
                    "workflow_id",
                    "function_id",
                    "input",
                    "result",
                    "reason",
                    "scheduled_event_id",
                    "started_event_id",
                    "initiated_event_id",
                    "workflow_execution",
                    "workflow_type",
                    "signal_name",
                    "marker_name",
                    "cause",
                    "bogus_attribute",
                ]
            ),
            st.one_of(
                st.sampled_from(["x", "y"]),
                st.integers(min_value=1, max_value=30),
                st.fixed_dictionaries({"workflow_id": st.just("x"), "run_id": st.just("r")}),
                st.tuples(st.just("t"), st.just("1")),
                anything,
            ),
            max_size=4,
        ),
    ),
    st.tuples(
        st.sampled_from(["add_marker", "add_signal", "add_cancel_request", "close", "advance"]),
        st.sampled_from(["m", "completed", "failed", "continued_as_new", "bad"]),
        st.floats(0, 100),
    ),
)


@bounded(70)
@given(
    started=st.booleans(),
    first=st.integers(min_value=1, max_value=10**6),
    program=st.lists(steps, max_size=12),
)
def test_any_program_of_the_history_builder_builds_a_history_that_compiles_or_is_refused(
    started: bool, first: int, program: list[tuple[Any, ...]]
) -> None:
    builder = HistoryBuilder(("flow", "1"), started=started, first_event_id=first)
    for step in program:
        name = step[0]
        try:
            if name == "add":
                builder.add(step[1], **step[2])
            elif name in HELPERS:
                key, _ = HELPERS[name]
                if name == "add_external_signal":
                    builder.add_external_signal(step[1], "ping", state=step[2])
                elif key:
                    getattr(builder, name)(step[1], state=step[2])
                else:
                    builder.add_decision_task(state=step[2])
            elif name == "advance":
                builder.advance(step[2])
            elif name == "close":
                builder.close(step[1])
            elif name == "add_marker":
                builder.add_marker(step[1])
            elif name == "add_signal":
                builder.add_signal(step[1])
            else:
                builder.add_cancel_request()
        except SWFError:
            continue
    history = builder.history()
    assert [event.id for event in history] == list(range(first, first + len(history)))
    history.compile()
    if builder.last_event_id is not None and any(e.name == "DecisionTaskStarted" for e in history):
        builder.poll_response()


@pytest.mark.parametrize("event_type", sorted(EVENT_TYPES))
@bounded(3)
@given(data=st.data(), started=st.booleans())
def test_every_event_type_with_attributes_drawn_from_the_model_is_added_or_refused(
    event_type: str, data: st.DataObject, started: bool
) -> None:
    attributes = data.draw(shaped_value(HISTORY_EVENT.members[event_attributes_key(event_type)]))
    builder = HistoryBuilder(started=started, first_event_id=50)
    try:
        builder.add(event_type, **attributes)
    except SWFError:
        return
    builder.history().compile()


# EventFactory --------------------------------------------------------------------------------------------

event_types = st.sampled_from([*sorted(EVENT_TYPES), "FutureEventType"])


@st.composite
def raw_events(draw: st.DrawFn) -> Any:
    if draw(st.integers(0, 9)) == 0:
        return draw(anything)
    event_type = draw(event_types)
    event: dict[str, Any] = {
        "eventId": draw(st.one_of(st.integers(min_value=1, max_value=10**9), anything)),
        "eventType": event_type,
        "eventTimestamp": draw(st.one_of(datetimes, numbers, st.text(max_size=30))),
    }
    if draw(st.booleans()):
        event[event_attributes_key(event_type)] = draw(
            st.dictionaries(
                st.sampled_from(["activityId", "result", "scheduledEventId", "details"]), anything
            )
        )
    for key in draw(st.lists(st.sampled_from(sorted(event)), max_size=1)):
        del event[key]
    return event


@bounded(80)
@given(raw=raw_events())
def test_any_raw_event_becomes_an_event_or_is_refused(raw: Any) -> None:
    try:
        event = EventFactory(raw)
    except SWFError:
        return
    assert event.name == str(raw["eventType"])
    assert event.timestamp.tzinfo is not None
    History([event])


# Tasks from polls ----------------------------------------------------------------------------------------

poll_answers = st.one_of(
    st.fixed_dictionaries(
        {},
        optional={
            "taskToken": st.one_of(st.just(""), st.text(min_size=1, max_size=30), anything),
            "startedEventId": st.one_of(st.integers(min_value=0, max_value=10**6), anything),
            "previousStartedEventId": st.one_of(st.just(0), anything),
            "activityId": st.one_of(good_names, anything),
            "input": st.one_of(payloads, anything),
            "activityType": st.one_of(
                st.fixed_dictionaries({"name": good_names, "version": good_names}), anything
            ),
            "workflowType": st.one_of(
                st.fixed_dictionaries({"name": good_names, "version": good_names}), anything
            ),
            "workflowExecution": st.one_of(
                st.fixed_dictionaries({"workflowId": good_names, "runId": st.text(min_size=1, max_size=64)}),
                anything,
            ),
            "events": st.one_of(st.lists(raw_events(), max_size=3), anything),
        },
    ),
    anything,
)


@bounded(80)
@given(response=poll_answers)
def test_a_task_is_built_from_any_poll_answer_or_refused(response: Any) -> None:
    for build in (ActivityTask.from_poll, DecisionTask.from_poll):
        try:
            task = build("d", "list", response)
        except SWFError:
            continue
        assert task.task_token == response["taskToken"]
        assert task.task_token


@pytest.mark.parametrize(
    "empty",
    [
        {"previousStartedEventId": 0, "startedEventId": 0},
        {"startedEventId": 0},
        {"taskToken": "", "startedEventId": 0},
    ],
)
def test_an_empty_poll_in_either_shape_builds_no_task(empty: dict[str, Any]) -> None:
    for build in (ActivityTask.from_poll, DecisionTask.from_poll):
        with pytest.raises(ValidationError, match="empty poll"):
            build("d", "list", empty)
