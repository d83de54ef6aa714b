"""A workflow execution's history: an immutable sequence of events, and its compiled current state.

`History` is what a decider reads. Build it from SWF's raw events (`History.from_raw`, e.g. the pages of
``GetWorkflowExecutionHistory`` or ``PollForDecisionTask``) or from `Event` objects. It behaves like a
tuple (``len``, indexing, iteration as often as you like), slicing returns a `History`, and it offers the
seed's helpers: `first`, `last`, `latest`, `filter`, `reversed`, `distinct`, `finished`.

`History.compile` folds the events into `CompiledHistory`, the current state of every object of the
execution: each activity (by activity id), timer (by timer id), child workflow (by workflow id), marker (by
name), Lambda task (by its id), the signals received, the signals and cancellation requests sent to other
executions, the latest decision task and the execution itself. It accepts any legal history, including a
partial one that starts mid-way: events that refer to something scheduled before the history's first
event are kept in `CompiledHistory.unresolved` instead of being guessed at.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, overload

import attrs

from aioswf.models.compiled import (
    CLOSED_EXECUTION_STATES,
    ActivityState,
    ChildWorkflowState,
    CompiledHistory,
    DecisionTaskState,
    ExecutionState,
    ExternalOperationState,
    LambdaFunctionState,
    MarkerState,
    SignalState,
    TimerState,
    compile_events,
    workflow_id_of,
)
from aioswf.models.event import (
    ActivityTaskEvent,
    ChildWorkflowExecutionEvent,
    DecisionTaskEvent,
    Event,
    EventFactory,
    ExternalWorkflowExecutionEvent,
    LambdaFunctionEvent,
    MarkerEvent,
    TimerEvent,
    WorkflowExecutionEvent,
)

__all__ = [
    "ActivityState",
    "ChildWorkflowState",
    "CompiledHistory",
    "DecisionTaskState",
    "ExecutionState",
    "ExternalOperationState",
    "History",
    "LambdaFunctionState",
    "MarkerState",
    "SignalState",
    "TimerState",
]


def _to_events(events: Iterable[Event | Mapping[str, Any]]) -> tuple[Event, ...]:
    return tuple(event if isinstance(event, Event) else EventFactory(event) for event in events)


_MISSING = object()


def _matches(event: Event, key: str, expected: Any) -> bool:
    if key == "type":
        return bool(event.type == expected)
    return bool(getattr(event, key, _MISSING) == expected)


@attrs.frozen(repr=False)
class History(Sequence[Event]):
    """A workflow execution's history: an immutable, re-iterable sequence of `Event` objects.

    Args:
        events: The events, in the order SWF gave them (oldest first unless asked otherwise). Raw event
            dicts are accepted too and built with `EventFactory`.

    Indexing returns an `Event`; slicing returns a `History`. Two histories are equal when their events
    are.
    """

    events: tuple[Event, ...] = attrs.field(default=(), converter=_to_events)

    @classmethod
    def from_raw(cls, raw_events: Iterable[Mapping[str, Any]]) -> History:
        """Builds a history from SWF's raw events (e.g. the ``events`` of one or more history pages).

        Args:
            raw_events: Raw events as aiobotocore returns them (timestamps as datetimes) or as SWF's JSON
                has them (epoch seconds).

        Returns:
            The history.

        Raises:
            ValueError: When a raw event lacks its id, type or timestamp.
        """
        return cls(EventFactory(raw) for raw in raw_events)

    @classmethod
    def from_event_list(cls, raw_events: Iterable[Mapping[str, Any]]) -> History:
        """The seed's name for `from_raw`.

        Args:
            raw_events: Raw events.

        Returns:
            The history.
        """
        return cls.from_raw(raw_events)

    def __len__(self) -> int:
        return len(self.events)

    def __repr__(self) -> str:
        # A long history printed in full would bury a failing test's message; ids and the last type suffice.
        if not self.events:
            return "History([])"
        return f"History({len(self.events)} events, ids {self.events[0].id}..{self.events[-1].id}, last {self.events[-1].name})"

    @overload
    def __getitem__(self, index: int) -> Event: ...

    @overload
    def __getitem__(self, index: slice) -> History: ...

    def __getitem__(self, index: int | slice) -> Event | History:
        if isinstance(index, slice):
            return History(self.events[index])
        return self.events[index]

    def __iter__(self) -> Iterator[Event]:
        return iter(self.events)

    def __add__(self, other: History) -> History:
        if not isinstance(other, History):
            return NotImplemented
        return History(self.events + other.events)

    @property
    def first(self) -> Event | None:
        """The first event, or ``None`` for an empty history."""
        return self.events[0] if self.events else None

    @property
    def last(self) -> Event | None:
        """The last event, or ``None`` for an empty history."""
        return self.events[-1] if self.events else None

    def latest(self, count: int) -> History:
        """Returns the last `count` events.

        Args:
            count: How many events, at least 0.

        Returns:
            A history of at most `count` events, in the same order.

        Raises:
            ValueError: When `count` is negative.
        """
        if count < 0:
            raise ValueError(f"count must be at least 0, got {count}")
        return History(self.events[-count:] if count else ())

    def filter(self, **attributes: Any) -> History:
        """Returns the events whose attributes all equal the given values.

        Any event field or attribute can be used: ``type`` (the family), ``name``, ``state``, ``id`` and
        the snake_case attributes, e.g. ``history.filter(type="ActivityTask", state="completed")`` or
        ``history.filter(activity_id="download")``. An event without the attribute does not match.

        Args:
            **attributes: The attribute values to match.

        Returns:
            The matching events, in order.
        """
        return History(
            event
            for event in self.events
            if all(_matches(event, key, expected) for key, expected in attributes.items())
        )

    @property
    def reversed(self) -> History:
        """The events, newest first."""
        return History(self.events[::-1])

    @property
    def distinct(self) -> History:
        """The latest event of each object, in history order.

        An object is an activity (by activity id), a timer (by timer id), a child workflow (by workflow
        id), a marker (by name), a Lambda task (by id), a decision task, an external operation, or the
        execution itself; every signal and cancellation request counts as its own object.
        """
        latest: dict[tuple[str, Any], Event] = {}
        scheduled: dict[int, Any] = {}
        for event in sorted(self.events, key=lambda item: item.id):
            key = _object_key(event, scheduled)
            latest.pop(key, None)
            latest[key] = event
        kept = {id(event) for event in latest.values()}
        return History(event for event in self.events if id(event) in kept)

    @property
    def finished(self) -> bool:
        """Whether the history holds an event that closed the execution."""
        return any(
            isinstance(event, WorkflowExecutionEvent) and event.state in CLOSED_EXECUTION_STATES
            for event in self.events
        )

    def compile(self) -> CompiledHistory:
        """Folds the events into the current state of every object of the execution.

        Events are taken in event-id order, so a history read newest-first compiles the same. Partial
        histories are fine: what cannot be attached to an object ends up in `CompiledHistory.unresolved`.

        Returns:
            The compiled state.
        """
        return compile_events(self.events)


def _object_key(event: Event, scheduled: dict[int, Any]) -> tuple[str, Any]:
    family = event.type
    if isinstance(event, ActivityTaskEvent):
        if event.get("activity_id") is not None:
            scheduled[event.id] = event.get("activity_id")
            return (family, event.get("activity_id"))
        return (
            family,
            scheduled.get(event.get("scheduled_event_id"), ("event", event.get("scheduled_event_id"))),
        )
    if isinstance(event, LambdaFunctionEvent):
        if event.get("id") is not None:
            scheduled[-event.id] = event.get("id")
            return (family, event.get("id"))
        return (
            family,
            scheduled.get(
                -(event.get("scheduled_event_id") or 0), ("event", event.get("scheduled_event_id"))
            ),
        )
    if isinstance(event, TimerEvent):
        return (family, event.get("timer_id"))
    if isinstance(event, MarkerEvent):
        return (family, event.get("marker_name"))
    if isinstance(event, ChildWorkflowExecutionEvent):
        return (family, workflow_id_of(event))
    if isinstance(event, ExternalWorkflowExecutionEvent):
        return (family, event.get("initiated_event_id", event.id))
    if isinstance(event, DecisionTaskEvent):
        return (family, event.get("scheduled_event_id", event.id))
    if isinstance(event, WorkflowExecutionEvent):
        return (family, None)
    return (family, event.id)
