"""Events: every SWF event type becomes an event of its family, with its attributes in snake_case."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from typing import Any

import botocore.session
import pytest
from botocore.model import Shape
from hypothesis import given, settings
from hypothesis import strategies as st

from aioswf.models.event import (
    EVENT_TYPES,
    ActivityTaskEvent,
    CancelRequestEvent,
    ChildWorkflowExecutionEvent,
    DecisionTaskEvent,
    Event,
    EventFactory,
    ExternalWorkflowExecutionEvent,
    LambdaFunctionEvent,
    MarkerEvent,
    SignalEvent,
    TimerEvent,
    UnknownEvent,
    WorkflowExecutionEvent,
    event_attributes_key,
    snake_case,
)
from aioswf.models.history import History

SERVICE_MODEL = botocore.session.get_session().get_service_model("swf")
MODEL_EVENT_TYPES: list[str] = SERVICE_MODEL.shape_for("EventType").enum
HISTORY_EVENT = SERVICE_MODEL.shape_for("HistoryEvent")


def values_of(shape: Shape) -> st.SearchStrategy[Any]:
    """Values that SWF could send for a shape of its model."""
    if shape.type_name == "structure":
        members = shape.members
        required = {name: values_of(members[name]) for name in shape.required_members}
        optional = {name: values_of(member) for name, member in members.items() if name not in required}
        return st.fixed_dictionaries(required, optional=optional)
    if shape.type_name == "list":
        return st.lists(values_of(shape.member), max_size=3)
    if shape.type_name in ("long", "integer"):
        return st.integers(min_value=0, max_value=2**40)
    if shape.type_name == "timestamp":
        return st.datetimes(timezones=st.just(timezone.utc))
    if shape.enum:
        return st.sampled_from(shape.enum)
    return st.text(min_size=shape.metadata.get("min", 0), max_size=min(shape.metadata.get("max", 30), 30))


@st.composite
def raw_events(draw: st.DrawFn, event_type: str | None = None) -> dict[str, Any]:
    """One raw event of a given (or any) type, as aiobotocore returns it."""
    chosen = event_type or draw(st.sampled_from(MODEL_EVENT_TYPES))
    key = event_attributes_key(chosen)
    return {
        "eventId": draw(st.integers(min_value=1, max_value=2**40)),
        "eventType": chosen,
        "eventTimestamp": draw(st.datetimes(timezones=st.just(timezone.utc))),
        key: draw(values_of(HISTORY_EVENT.members[key])),
    }


FAMILIES = {
    "WorkflowExecution": WorkflowExecutionEvent,
    "Signal": SignalEvent,
    "CancelRequest": CancelRequestEvent,
    "DecisionTask": DecisionTaskEvent,
    "ActivityTask": ActivityTaskEvent,
    "Timer": TimerEvent,
    "Marker": MarkerEvent,
    "ChildWorkflowExecution": ChildWorkflowExecutionEvent,
    "ExternalWorkflowExecution": ExternalWorkflowExecutionEvent,
    "LambdaFunction": LambdaFunctionEvent,
}


def snake_keys(value: Any) -> Any:
    if isinstance(value, dict):
        return {snake_case(key): snake_keys(item) for key, item in value.items()}
    if isinstance(value, list):
        return [snake_keys(item) for item in value]
    return value


def test_every_event_type_of_the_service_model_is_classified() -> None:
    assert len(MODEL_EVENT_TYPES) == 54
    assert set(EVENT_TYPES) == set(MODEL_EVENT_TYPES)


@pytest.mark.parametrize("event_type", MODEL_EVENT_TYPES)
def test_each_event_type_knows_exactly_the_attributes_of_the_model(event_type: str) -> None:
    shape = HISTORY_EVENT.members[event_attributes_key(event_type)]
    assert EVENT_TYPES[event_type][2] == {snake_case(name) for name in shape.members}


@pytest.mark.parametrize("event_type", MODEL_EVENT_TYPES)
@settings(max_examples=30)
@given(data=st.data())
def test_event_factory_builds_every_event_type(event_type: str, data: st.DataObject) -> None:
    raw = data.draw(raw_events(event_type))
    event = EventFactory(raw)
    family, state, _ = EVENT_TYPES[event_type]
    assert type(event) is family
    assert event.type == family.type
    assert event.name == event_type
    assert event.state == state
    assert event.id == raw["eventId"]
    assert event.timestamp == raw["eventTimestamp"]
    assert event.timestamp.tzinfo is not None
    assert event.attributes == snake_keys(raw[event_attributes_key(event_type)])
    assert event.raw is raw


@given(raw=raw_events())
def test_every_attribute_the_model_defines_reads_as_an_attribute(raw: dict[str, Any]) -> None:
    event = EventFactory(raw)
    for name in EVENT_TYPES[event.name][2] - {"id", "name"}:
        assert getattr(event, name) == event.attributes.get(name)


def test_family_of_each_event_type_follows_swf_naming() -> None:
    for event_type, (family, _, _) in EVENT_TYPES.items():
        if family is SignalEvent:
            assert event_type == "WorkflowExecutionSignaled"
        elif family is CancelRequestEvent:
            assert event_type == "WorkflowExecutionCancelRequested"
        elif family is ExternalWorkflowExecutionEvent:
            assert "ExternalWorkflowExecution" in event_type
        else:
            assert family.type in event_type, event_type
    assert {family for family, _, _ in EVENT_TYPES.values()} == set(FAMILIES.values())
    for name, family in FAMILIES.items():
        assert family.type == name


def test_states_are_snake_case_words() -> None:
    for _, state, _ in EVENT_TYPES.values():
        assert re.fullmatch(r"[a-z]+(_[a-z]+)*", state)


def test_epoch_timestamps_from_json_become_aware_datetimes() -> None:
    event = EventFactory({"eventId": 1, "eventType": "TimerFired", "eventTimestamp": 1_700_000_000.25})
    assert event.timestamp == datetime(2023, 11, 14, 22, 13, 20, 250_000, tzinfo=timezone.utc)


@given(moment=st.datetimes(timezones=st.just(timezone.utc)).filter(lambda d: d.year > 1970))
def test_epoch_and_datetime_timestamps_give_the_same_event(moment: datetime) -> None:
    raw = {"eventId": 3, "eventType": "MarkerRecorded", "markerRecordedEventAttributes": {"markerName": "m"}}
    from_datetime = EventFactory({**raw, "eventTimestamp": moment})
    from_epoch = EventFactory({**raw, "eventTimestamp": moment.timestamp()})
    assert abs(from_datetime.timestamp - from_epoch.timestamp) < timedelta(milliseconds=1)


def test_naive_and_iso_timestamps_are_read_as_utc() -> None:
    naive = EventFactory({"eventId": 1, "eventType": "TimerFired", "eventTimestamp": datetime(2024, 1, 1)})
    iso = EventFactory({"eventId": 1, "eventType": "TimerFired", "eventTimestamp": "2024-01-01T00:00:00"})
    assert naive.timestamp == iso.timestamp == datetime(2024, 1, 1, tzinfo=timezone.utc)


def test_an_unknown_event_type_becomes_an_unknown_event_with_its_attributes() -> None:
    event = EventFactory(
        {
            "eventId": 9,
            "eventType": "QuantumTaskEntangled",
            "eventTimestamp": 0,
            "quantumTaskEntangledEventAttributes": {"qubitCount": 2},
        }
    )
    assert type(event) is UnknownEvent
    assert (event.type, event.name, event.state) == ("Unknown", "QuantumTaskEntangled", "unknown")
    assert event.qubit_count == 2


def test_each_event_has_its_own_name_not_one_shared_by_its_class() -> None:
    scheduled = EventFactory({"eventId": 1, "eventType": "DecisionTaskScheduled", "eventTimestamp": 0})
    timed_out = EventFactory({"eventId": 2, "eventType": "DecisionTaskTimedOut", "eventTimestamp": 0})
    assert type(scheduled) is type(timed_out)
    assert (scheduled.name, timed_out.name) == ("DecisionTaskScheduled", "DecisionTaskTimedOut")
    assert (scheduled.state, timed_out.state) == ("scheduled", "timed_out")


def test_nested_attributes_are_snake_case_too() -> None:
    event = EventFactory(
        {
            "eventId": 4,
            "eventType": "ChildWorkflowExecutionStarted",
            "eventTimestamp": 0,
            "childWorkflowExecutionStartedEventAttributes": {
                "workflowExecution": {"workflowId": "child", "runId": "r1"},
                "workflowType": {"name": "t", "version": "1"},
                "initiatedEventId": 3,
            },
        }
    )
    assert event.workflow_execution == {"workflow_id": "child", "run_id": "r1"}
    assert event.get("initiated_event_id") == 3


def test_an_optional_attribute_the_event_lacks_reads_as_none() -> None:
    event = EventFactory(
        {
            "eventId": 5,
            "eventType": "ActivityTaskCompleted",
            "eventTimestamp": 0,
            "activityTaskCompletedEventAttributes": {"scheduledEventId": 3, "startedEventId": 4},
        }
    )
    assert event.result is None


def test_a_name_the_event_type_does_not_have_raises_attribute_error() -> None:
    event = EventFactory({"eventId": 5, "eventType": "TimerFired", "eventTimestamp": 0})
    with pytest.raises(AttributeError, match="resutl"):
        _ = event.resutl
    assert not hasattr(event, "result")


def test_lambda_events_expose_their_function_id_and_name_beside_the_event_id_and_name() -> None:
    event = EventFactory(
        {
            "eventId": 7,
            "eventType": "LambdaFunctionScheduled",
            "eventTimestamp": 0,
            "lambdaFunctionScheduledEventAttributes": {
                "id": "f1",
                "name": "resize",
                "decisionTaskCompletedEventId": 4,
            },
        }
    )
    assert isinstance(event, LambdaFunctionEvent)
    assert (event.id, event.name) == (7, "LambdaFunctionScheduled")
    assert (event.function_id, event.function_name) == ("f1", "resize")


def test_events_are_equal_when_their_content_is_whatever_raw_dict_they_came_from() -> None:
    raw = {
        "eventId": 1,
        "eventType": "TimerFired",
        "eventTimestamp": 0,
        "timerFiredEventAttributes": {"timerId": "t"},
    }
    assert EventFactory(raw) == EventFactory(dict(raw))
    assert isinstance(EventFactory(raw), Event)


@pytest.mark.parametrize(
    "raw",
    [
        {"eventType": "TimerFired", "eventTimestamp": 0},
        {"eventId": 1, "eventTimestamp": 0},
        {"eventId": 1, "eventType": "TimerFired"},
        {"eventId": "one", "eventType": "TimerFired", "eventTimestamp": 0},
        {"eventId": 1, "eventType": "TimerFired", "eventTimestamp": "yesterday"},
        ["not", "a", "mapping"],
    ],
)
def test_a_malformed_raw_event_is_refused_with_value_error(raw: Any) -> None:
    with pytest.raises(ValueError):
        EventFactory(raw)


@settings(max_examples=60)
@given(raws=st.lists(raw_events(), max_size=15, unique_by=lambda raw: raw["eventId"]))
def test_any_events_the_model_allows_compile_the_same_in_any_order(raws: list[dict[str, Any]]) -> None:
    history = History.from_raw(raws)
    assert history.reversed.compile() == history.compile()
