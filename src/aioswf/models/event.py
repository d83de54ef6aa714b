"""Workflow history events: one class per event family, built from SWF's raw events by `EventFactory`.

An SWF history is a list of raw events such as::

    {"eventId": 5, "eventType": "ActivityTaskCompleted", "eventTimestamp": datetime(...),
     "activityTaskCompletedEventAttributes": {"scheduledEventId": 3, "startedEventId": 4, "result": "42"}}

`EventFactory` turns each into an `Event` of the right family (`ActivityTaskEvent` here) with:

- ``id``: the event id (an int),
- ``type``: the family (``"ActivityTask"``), the same for every event of a class,
- ``name``: SWF's event type (``"ActivityTaskCompleted"``), per event,
- ``state``: where the event leaves its object (``"completed"``),
- ``timestamp``: an aware `datetime` (raw timestamps may be datetimes or epoch seconds),
- ``attributes``: the event's attributes with snake_case keys, nested structures included,
- ``raw``: the raw event, untouched.

Attributes are also readable as Python attributes: ``event.result``, ``event.scheduled_event_id``. An
attribute that SWF's model defines for this event type but that the event does not carry reads as
``None``; any other name raises `AttributeError`. The events of every one of SWF's 54 event types are
classified by an explicit table (never by substring), and an event type this version does not know
becomes an `UnknownEvent` rather than an error.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from datetime import datetime, timezone
from typing import Any, ClassVar

import attrs

from aioswf.exceptions import ValidationError
from aioswf.validation import describe_value

__all__ = [
    "EVENT_TYPES",
    "ActivityTaskEvent",
    "CancelRequestEvent",
    "ChildWorkflowExecutionEvent",
    "DecisionTaskEvent",
    "Event",
    "EventFactory",
    "ExternalWorkflowExecutionEvent",
    "LambdaFunctionEvent",
    "MarkerEvent",
    "SignalEvent",
    "TimerEvent",
    "UnknownEvent",
    "WorkflowExecutionEvent",
    "check_raw_event",
    "event_attributes_key",
    "event_from_checked",
    "snake_case",
]

_CAMEL_BOUNDARY = re.compile(r"(?<!^)(?=[A-Z])")


@functools.lru_cache(maxsize=1024)
def snake_case(name: str) -> str:
    """Converts one of SWF's lowerCamelCase member names to snake_case.

    Args:
        name: A name such as ``"scheduledEventId"``.

    Returns:
        The snake_case name, such as ``"scheduled_event_id"``.
    """
    return _CAMEL_BOUNDARY.sub("_", name).lower()


def _snake_keys(value: Any) -> Any:
    if isinstance(value, (str, int, float)):  # most values; checked first as Mapping checks are slow
        return value
    if isinstance(value, (dict, Mapping)):  # dict first: its check is quick, an ABC's is not
        return {snake_case(str(key)): _snake_keys(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_snake_keys(item) for item in value]
    return value


def event_attributes_key(event_type: str) -> str:
    """Returns the key under which a raw event of `event_type` carries its attributes.

    Args:
        event_type: SWF's event type, such as ``"TimerFired"``.

    Returns:
        The key, such as ``"timerFiredEventAttributes"``.
    """
    return event_type[:1].lower() + event_type[1:] + "EventAttributes"


def _timestamp(value: Any) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=timezone.utc)
    try:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return datetime.fromtimestamp(value, tz=timezone.utc)
        if isinstance(value, str):
            try:
                return datetime.fromtimestamp(float(value), tz=timezone.utc)
            except ValueError:
                return _timestamp(datetime.fromisoformat(value))
    except (ValueError, OverflowError, OSError):
        pass  # out of a datetime's range, or no time at all
    raise _invalid(f"invalid eventTimestamp: {describe_value(value)}")


def _invalid(message: str) -> ValidationError:
    return ValidationError(message, argument="raw_event", limit="SWF's HistoryEvent shape")


def _no_attribute(event: Event, key: str) -> AttributeError:
    return AttributeError(f"{type(event).__name__} ({event.name}) has no attribute {key!r}")


@functools.lru_cache(maxsize=1024)
def _camel_case(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


@functools.lru_cache(maxsize=1024)
def _regular(key: str) -> bool:
    # Whether snake_case(key) leads back to key, so a lookup by snake_case name can go to the raw dict.
    return isinstance(key, str) and _camel_case(snake_case(key)) == key


@functools.lru_cache(maxsize=1024)
def _raw_name(key: str) -> str | None:
    # The raw (camelCase) name a snake_case key reads, when the two lead back to each other.
    camel = _camel_case(key)
    return camel if snake_case(camel) == key else None


@functools.lru_cache(maxsize=4096)
def _all_regular(names: tuple[Any, ...]) -> bool:
    # Whether every raw name of an attributes dict is regular: then a name `_raw_name` does not find is
    # absent, without building the snake_case dict. SWF's events have a few dozen sets of names.
    return all(_regular(name) for name in names)


_MISSING: Any = object()


@attrs.frozen(eq=False, repr=False)
class Event:
    """One event of a workflow execution's history.

    Build events with `EventFactory` from raw events; the class is chosen by the event's family.

    Attributes:
        id: The event id, unique and increasing within one execution's history.
        name: SWF's event type, such as ``"ActivityTaskScheduled"``.
        state: The state the event leaves its object in, such as ``"scheduled"``.
        timestamp: When the event happened (aware).
        attributes: The event's attributes, with snake_case keys at every level.
        raw: The raw event as SWF sent it (excluded from comparisons and repr).
        type: The event family, such as ``"ActivityTask"`` (a class attribute).

    An event made by `EventFactory` builds its snake_case `attributes` dict when it is first asked for;
    `get` and attribute access read the raw event's attributes directly until then, so that an event
    holds no object of its own for the cyclic collector to scan beyond itself
    (``benchmarks/history_scaling.py``).
    """

    type: ClassVar[str] = "Unknown"

    id: int
    name: str
    state: str
    timestamp: datetime
    _attributes: Mapping[str, Any] | None = attrs.field(default=None, alias="attributes")
    raw: Mapping[str, Any] = attrs.field(factory=dict)
    _source: Mapping[str, Any] | None = attrs.field(default=None, kw_only=True, alias="source")

    @property
    def attributes(self) -> Mapping[str, Any]:
        """The event's attributes, with snake_case keys at every level."""
        found = self._attributes
        if found is None:
            source = self._source
            found = _snake_keys(source) if source else {}
            object.__setattr__(self, "_attributes", found)
        return found

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        assert isinstance(other, Event)
        return (self.id, self.name, self.state, self.timestamp) == (
            other.id,
            other.name,
            other.state,
            other.timestamp,
        ) and self.attributes == other.attributes

    def __ne__(self, other: object) -> bool:
        result = self.__eq__(other)
        return result if result is NotImplemented else not result

    # Unhashable, as its attributes (a dict) are.
    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return (
            f"{type(self).__qualname__}(id={self.id!r}, name={self.name!r}, state={self.state!r}, "
            f"timestamp={self.timestamp!r}, attributes={self.attributes!r})"
        )

    def __getattr__(self, key: str) -> Any:
        if key.startswith("_"):
            raise AttributeError(key)
        try:
            name = object.__getattribute__(self, "name")
        except AttributeError:
            raise AttributeError(key) from None
        value = self.get(key, _MISSING)
        if value is not _MISSING:
            return value
        known = EVENT_TYPES.get(name)
        if known is not None and key in known[2]:
            return None
        raise _no_attribute(self, key)

    def get(self, key: str, default: Any = None) -> Any:
        """Returns one of the event's attributes by its snake_case name.

        Args:
            key: The attribute, such as ``"activity_id"``.
            default: What to return when the event does not carry it.

        Returns:
            The attribute's value, or `default`.
        """
        found = self._attributes
        if found is not None:
            return found.get(key, default)
        source = self._source
        if not source:
            return default
        camel = _raw_name(key)
        if camel is not None and camel in source:
            value = source[camel]
            return value if isinstance(value, (str, int, float)) else _snake_keys(value)
        if _all_regular(tuple(source)):
            return default
        return self.attributes.get(key, default)

    @property
    def event_type(self) -> str:
        """SWF's event type (the same as `name`, under SWF's own word)."""
        return self.name


@attrs.frozen(eq=False, repr=False)
class WorkflowExecutionEvent(Event):
    """An event in the life of the execution itself: started, completed, failed, timed out, ..."""

    type: ClassVar[str] = "WorkflowExecution"


@attrs.frozen(eq=False, repr=False)
class SignalEvent(Event):
    """A signal received by the execution (``WorkflowExecutionSignaled``)."""

    type: ClassVar[str] = "Signal"


@attrs.frozen(eq=False, repr=False)
class CancelRequestEvent(Event):
    """A request to cancel the execution (``WorkflowExecutionCancelRequested``)."""

    type: ClassVar[str] = "CancelRequest"


@attrs.frozen(eq=False, repr=False)
class DecisionTaskEvent(Event):
    """An event of a decision task: scheduled, started, completed or timed out."""

    type: ClassVar[str] = "DecisionTask"


@attrs.frozen(eq=False, repr=False)
class ActivityTaskEvent(Event):
    """An event of an activity task, from its scheduling to its closing or cancellation."""

    type: ClassVar[str] = "ActivityTask"


@attrs.frozen(eq=False, repr=False)
class TimerEvent(Event):
    """An event of a timer: started, fired, canceled, or a failed start or cancel."""

    type: ClassVar[str] = "Timer"


@attrs.frozen(eq=False, repr=False)
class MarkerEvent(Event):
    """A marker recorded by a decider, or a failure to record one."""

    type: ClassVar[str] = "Marker"


@attrs.frozen(eq=False, repr=False)
class ChildWorkflowExecutionEvent(Event):
    """An event of a child workflow execution started by this execution."""

    type: ClassVar[str] = "ChildWorkflowExecution"


@attrs.frozen(eq=False, repr=False)
class ExternalWorkflowExecutionEvent(Event):
    """A signal or cancellation request that this execution sent to another execution."""

    type: ClassVar[str] = "ExternalWorkflowExecution"


@attrs.frozen(eq=False, repr=False)
class LambdaFunctionEvent(Event):
    """An event of an AWS Lambda task.

    SWF names the Lambda task's own id and function name ``id`` and ``name``, which would hide the event's
    id and name; read them as `function_id` and `function_name` (or from `attributes`).
    """

    type: ClassVar[str] = "LambdaFunction"

    @property
    def function_id(self) -> str | None:
        """The Lambda task's id (``id`` in SWF's attributes), when the event carries it."""
        value = self.get("id")
        return None if value is None else str(value)

    @property
    def function_name(self) -> str | None:
        """The Lambda function's name or ARN (``name`` in SWF's attributes), when the event carries it."""
        value = self.get("name")
        return None if value is None else str(value)


@attrs.frozen(eq=False, repr=False)
class UnknownEvent(Event):
    """An event of a type this version of aioswf does not know; its attributes are still read."""

    type: ClassVar[str] = "Unknown"


#: SWF's event types: each maps to (its family's class, the state it leaves its object in, the snake_case
#: names of the attributes SWF's model defines for it).
EVENT_TYPES: Mapping[str, tuple[type[Event], str, frozenset[str]]] = {
    name: (cls, state, frozenset(members.split()))
    for name, cls, state, members in (
        (
            "WorkflowExecutionStarted",
            WorkflowExecutionEvent,
            "started",
            "input execution_start_to_close_timeout task_start_to_close_timeout child_policy task_list"
            " task_priority workflow_type tag_list continued_execution_run_id parent_workflow_execution"
            " parent_initiated_event_id lambda_role",
        ),
        (
            "WorkflowExecutionCancelRequested",
            CancelRequestEvent,
            "requested",
            "external_workflow_execution external_initiated_event_id cause",
        ),
        (
            "WorkflowExecutionCompleted",
            WorkflowExecutionEvent,
            "completed",
            "result decision_task_completed_event_id",
        ),
        (
            "CompleteWorkflowExecutionFailed",
            WorkflowExecutionEvent,
            "complete_failed",
            "cause decision_task_completed_event_id",
        ),
        (
            "WorkflowExecutionFailed",
            WorkflowExecutionEvent,
            "failed",
            "reason details decision_task_completed_event_id",
        ),
        (
            "FailWorkflowExecutionFailed",
            WorkflowExecutionEvent,
            "fail_failed",
            "cause decision_task_completed_event_id",
        ),
        ("WorkflowExecutionTimedOut", WorkflowExecutionEvent, "timed_out", "timeout_type child_policy"),
        (
            "WorkflowExecutionCanceled",
            WorkflowExecutionEvent,
            "canceled",
            "details decision_task_completed_event_id",
        ),
        (
            "CancelWorkflowExecutionFailed",
            WorkflowExecutionEvent,
            "cancel_failed",
            "cause decision_task_completed_event_id",
        ),
        (
            "WorkflowExecutionContinuedAsNew",
            WorkflowExecutionEvent,
            "continued_as_new",
            "input decision_task_completed_event_id new_execution_run_id execution_start_to_close_timeout"
            " task_list task_priority task_start_to_close_timeout child_policy tag_list workflow_type lambda_role",
        ),
        (
            "ContinueAsNewWorkflowExecutionFailed",
            WorkflowExecutionEvent,
            "continue_as_new_failed",
            "cause decision_task_completed_event_id",
        ),
        (
            "WorkflowExecutionTerminated",
            WorkflowExecutionEvent,
            "terminated",
            "reason details child_policy cause",
        ),
        (
            "DecisionTaskScheduled",
            DecisionTaskEvent,
            "scheduled",
            "task_list task_priority start_to_close_timeout schedule_to_start_timeout",
        ),
        ("DecisionTaskStarted", DecisionTaskEvent, "started", "identity scheduled_event_id"),
        (
            "DecisionTaskCompleted",
            DecisionTaskEvent,
            "completed",
            "execution_context scheduled_event_id started_event_id task_list task_list_schedule_to_start_timeout",
        ),
        (
            "DecisionTaskTimedOut",
            DecisionTaskEvent,
            "timed_out",
            "timeout_type scheduled_event_id started_event_id",
        ),
        (
            "ActivityTaskScheduled",
            ActivityTaskEvent,
            "scheduled",
            "activity_type activity_id input control schedule_to_start_timeout schedule_to_close_timeout"
            " start_to_close_timeout task_list task_priority decision_task_completed_event_id heartbeat_timeout",
        ),
        (
            "ScheduleActivityTaskFailed",
            ActivityTaskEvent,
            "schedule_failed",
            "activity_type activity_id cause decision_task_completed_event_id",
        ),
        ("ActivityTaskStarted", ActivityTaskEvent, "started", "identity scheduled_event_id"),
        (
            "ActivityTaskCompleted",
            ActivityTaskEvent,
            "completed",
            "result scheduled_event_id started_event_id",
        ),
        (
            "ActivityTaskFailed",
            ActivityTaskEvent,
            "failed",
            "reason details scheduled_event_id started_event_id",
        ),
        (
            "ActivityTaskTimedOut",
            ActivityTaskEvent,
            "timed_out",
            "timeout_type scheduled_event_id started_event_id details",
        ),
        (
            "ActivityTaskCanceled",
            ActivityTaskEvent,
            "canceled",
            "details scheduled_event_id started_event_id latest_cancel_requested_event_id",
        ),
        (
            "ActivityTaskCancelRequested",
            ActivityTaskEvent,
            "cancel_requested",
            "decision_task_completed_event_id activity_id",
        ),
        (
            "RequestCancelActivityTaskFailed",
            ActivityTaskEvent,
            "request_cancel_failed",
            "activity_id cause decision_task_completed_event_id",
        ),
        (
            "WorkflowExecutionSignaled",
            SignalEvent,
            "received",
            "signal_name input external_workflow_execution external_initiated_event_id",
        ),
        ("MarkerRecorded", MarkerEvent, "recorded", "marker_name details decision_task_completed_event_id"),
        (
            "RecordMarkerFailed",
            MarkerEvent,
            "record_failed",
            "marker_name cause decision_task_completed_event_id",
        ),
        (
            "TimerStarted",
            TimerEvent,
            "started",
            "timer_id control start_to_fire_timeout decision_task_completed_event_id",
        ),
        ("StartTimerFailed", TimerEvent, "start_failed", "timer_id cause decision_task_completed_event_id"),
        ("TimerFired", TimerEvent, "fired", "timer_id started_event_id"),
        (
            "TimerCanceled",
            TimerEvent,
            "canceled",
            "timer_id started_event_id decision_task_completed_event_id",
        ),
        ("CancelTimerFailed", TimerEvent, "cancel_failed", "timer_id cause decision_task_completed_event_id"),
        (
            "StartChildWorkflowExecutionInitiated",
            ChildWorkflowExecutionEvent,
            "start_initiated",
            "workflow_id workflow_type control input execution_start_to_close_timeout task_list task_priority"
            " decision_task_completed_event_id child_policy task_start_to_close_timeout tag_list lambda_role",
        ),
        (
            "StartChildWorkflowExecutionFailed",
            ChildWorkflowExecutionEvent,
            "start_failed",
            "workflow_type cause workflow_id initiated_event_id decision_task_completed_event_id control",
        ),
        (
            "ChildWorkflowExecutionStarted",
            ChildWorkflowExecutionEvent,
            "started",
            "workflow_execution workflow_type initiated_event_id",
        ),
        (
            "ChildWorkflowExecutionCompleted",
            ChildWorkflowExecutionEvent,
            "completed",
            "workflow_execution workflow_type result initiated_event_id started_event_id",
        ),
        (
            "ChildWorkflowExecutionFailed",
            ChildWorkflowExecutionEvent,
            "failed",
            "workflow_execution workflow_type reason details initiated_event_id started_event_id",
        ),
        (
            "ChildWorkflowExecutionTimedOut",
            ChildWorkflowExecutionEvent,
            "timed_out",
            "workflow_execution workflow_type timeout_type initiated_event_id started_event_id",
        ),
        (
            "ChildWorkflowExecutionCanceled",
            ChildWorkflowExecutionEvent,
            "canceled",
            "workflow_execution workflow_type details initiated_event_id started_event_id",
        ),
        (
            "ChildWorkflowExecutionTerminated",
            ChildWorkflowExecutionEvent,
            "terminated",
            "workflow_execution workflow_type initiated_event_id started_event_id",
        ),
        (
            "SignalExternalWorkflowExecutionInitiated",
            ExternalWorkflowExecutionEvent,
            "signal_initiated",
            "workflow_id run_id signal_name input decision_task_completed_event_id control",
        ),
        (
            "SignalExternalWorkflowExecutionFailed",
            ExternalWorkflowExecutionEvent,
            "signal_failed",
            "workflow_id run_id cause initiated_event_id decision_task_completed_event_id control",
        ),
        (
            "ExternalWorkflowExecutionSignaled",
            ExternalWorkflowExecutionEvent,
            "signaled",
            "workflow_execution initiated_event_id",
        ),
        (
            "RequestCancelExternalWorkflowExecutionInitiated",
            ExternalWorkflowExecutionEvent,
            "request_cancel_initiated",
            "workflow_id run_id decision_task_completed_event_id control",
        ),
        (
            "RequestCancelExternalWorkflowExecutionFailed",
            ExternalWorkflowExecutionEvent,
            "request_cancel_failed",
            "workflow_id run_id cause initiated_event_id decision_task_completed_event_id control",
        ),
        (
            "ExternalWorkflowExecutionCancelRequested",
            ExternalWorkflowExecutionEvent,
            "cancel_requested",
            "workflow_execution initiated_event_id",
        ),
        (
            "LambdaFunctionScheduled",
            LambdaFunctionEvent,
            "scheduled",
            "id name control input start_to_close_timeout decision_task_completed_event_id",
        ),
        ("LambdaFunctionStarted", LambdaFunctionEvent, "started", "scheduled_event_id"),
        (
            "LambdaFunctionCompleted",
            LambdaFunctionEvent,
            "completed",
            "scheduled_event_id started_event_id result",
        ),
        (
            "LambdaFunctionFailed",
            LambdaFunctionEvent,
            "failed",
            "scheduled_event_id started_event_id reason details",
        ),
        (
            "LambdaFunctionTimedOut",
            LambdaFunctionEvent,
            "timed_out",
            "scheduled_event_id started_event_id timeout_type",
        ),
        (
            "ScheduleLambdaFunctionFailed",
            LambdaFunctionEvent,
            "schedule_failed",
            "id name cause decision_task_completed_event_id",
        ),
        (
            "StartLambdaFunctionFailed",
            LambdaFunctionEvent,
            "start_failed",
            "scheduled_event_id cause message",
        ),
    )
}


def check_raw_event(raw_event: Any) -> int:
    """Checks that a raw event is a mapping with an id, a type and a timestamp.

    Args:
        raw_event: One of SWF's raw history events.

    Returns:
        Its id.

    Raises:
        ValidationError: (a ``ValueError``) when it is not a mapping, lacks one of the three, or its id is
            not a number.
    """
    if not isinstance(raw_event, Mapping):
        raise _invalid(f"a raw event must be a mapping, not {type(raw_event).__name__}")
    if "eventId" not in raw_event or "eventType" not in raw_event or "eventTimestamp" not in raw_event:
        missing = [key for key in ("eventId", "eventType", "eventTimestamp") if key not in raw_event]
        raise _invalid(f"raw event lacks {', '.join(missing)}: {describe_value(raw_event)}")
    try:
        return int(raw_event["eventId"])
    except (TypeError, ValueError, OverflowError):
        raise _invalid(f"invalid eventId: {describe_value(raw_event['eventId'])}") from None


# A function with a class's name: the seed's callers write EventFactory(raw_event) and get an Event.
def EventFactory(raw_event: Mapping[str, Any]) -> Event:
    """Builds the `Event` of the right family from one of SWF's raw history events.

    Args:
        raw_event: A raw event with ``eventId``, ``eventType``, ``eventTimestamp`` (a datetime, or epoch
            seconds as in SWF's JSON) and its ``<eventType>EventAttributes``.

    Returns:
        An instance of the event type's family class; an `UnknownEvent` for an event type this version
        does not know.

    Raises:
        ValidationError: (a ``ValueError``) when the raw event lacks its id, type or timestamp, or one of
            them is malformed.
    """
    return event_from_checked(raw_event, check_raw_event(raw_event))


_attribute_keys: dict[str, str] = {}


def event_from_checked(raw_event: Mapping[str, Any], event_id: int) -> Event:
    """`EventFactory` for a raw event `check_raw_event` has passed already (it returned `event_id`).

    Args:
        raw_event: The raw event.
        event_id: Its id, as `check_raw_event` returned it.

    Returns:
        The event.

    Raises:
        ValidationError: When its timestamp is malformed.
    """
    name = str(raw_event["eventType"])
    key = _attribute_keys.get(name)
    if key is None:
        key = event_attributes_key(name)
        if name in EVENT_TYPES:  # only SWF's own types, so that odd input cannot grow the cache
            _attribute_keys[name] = key
    attributes = raw_event.get(key)
    if attributes is None:
        found = [value for key, value in raw_event.items() if key.endswith("EventAttributes")]
        attributes = found[0] if len(found) == 1 else {}
    known = EVENT_TYPES.get(name)
    cls, state = (known[0], known[1]) if known is not None else (UnknownEvent, "unknown")
    return cls(
        id=event_id,
        name=name,
        state=state,
        timestamp=_timestamp(raw_event["eventTimestamp"]),
        raw=raw_event,
        source=attributes if isinstance(attributes, Mapping) else None,
    )
