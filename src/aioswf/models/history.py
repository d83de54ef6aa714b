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

import itertools
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any, TypeVar, overload

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
)
from aioswf.models.event import (
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
    WorkflowExecutionEvent,
    check_raw_event,
    event_from_checked,
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


_S = TypeVar("_S")


def _to_events(events: Iterable[Event | Mapping[str, Any]]) -> tuple[Event, ...]:
    return tuple(event if isinstance(event, Event) else EventFactory(event) for event in events)


_MISSING = object()


def _matches(event: Event, key: str, expected: Any) -> bool:
    if key == "type":
        return bool(event.type == expected)
    return bool(getattr(event, key, _MISSING) == expected)


class History(Sequence[Event]):
    """A workflow execution's history: an immutable, re-iterable sequence of `Event` objects.

    Args:
        events: The events, in the order SWF gave them (oldest first unless asked otherwise). Raw event
            dicts are accepted too and built with `EventFactory`.

    Indexing returns an `Event`; slicing returns a `History`. Two histories are equal when their events
    are.

    A history made by `from_raw` keeps SWF's raw events and builds its `Event` objects when they are first
    asked for; `compile` does not need them. Python's cyclic garbage collector scans every object that
    survives its young generations, so 25,000 long-lived events made every full collection of a
    decider's process scan them again (``benchmarks/history_scaling.py``); events built one at a time by
    `compile` die young.
    """

    __slots__ = ("_events", "_raw")

    _events: tuple[Event, ...] | None
    _raw: tuple[Mapping[str, Any], ...] | None

    def __init__(self, events: Iterable[Event | Mapping[str, Any]] = ()) -> None:
        object.__setattr__(self, "_events", _to_events(events))
        object.__setattr__(self, "_raw", None)

    def __setattr__(self, name: str, value: Any) -> None:
        raise attrs.exceptions.FrozenInstanceError()

    def __delattr__(self, name: str) -> None:
        raise attrs.exceptions.FrozenInstanceError()

    def __reduce__(self) -> tuple[Any, ...]:
        return (History, (self.events,))

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        assert isinstance(other, History)
        return self.events == other.events

    def __ne__(self, other: object) -> bool:
        result = self.__eq__(other)
        return result if result is NotImplemented else not result

    def __hash__(self) -> int:
        return hash((History, self.events))

    @property
    def events(self) -> tuple[Event, ...]:
        """The events, as `Event` objects.

        Raises:
            ValueError: When the history came from `from_raw` and one of its raw events is malformed
                (its timestamp, say); the raw events' ids and types are checked by `from_raw` itself.
        """
        events = self._events
        if events is None:
            assert self._raw is not None
            # `from_raw` checked every raw event already.
            events = tuple(event_from_checked(raw, _raw_id(raw)) for raw in self._raw)
            object.__setattr__(self, "_events", events)
        return events

    @classmethod
    def from_raw(cls, raw_events: Iterable[Mapping[str, Any]]) -> History:
        """Builds a history from SWF's raw events (e.g. the ``events`` of one or more history pages).

        The `Event` objects are built when first asked for (`events`, iteration, indexing); `compile`
        folds the raw events without keeping them.

        Args:
            raw_events: Raw events as aiobotocore returns them (timestamps as datetimes) or as SWF's JSON
                has them (epoch seconds).

        Returns:
            The history.

        Raises:
            ValueError: When a raw event is not a mapping, or lacks its id, type or timestamp, or its id
                is not a number.
        """
        raw = tuple(raw_events)
        for event in raw:
            check_raw_event(event)
        history = cls.__new__(cls)
        object.__setattr__(history, "_events", None)
        object.__setattr__(history, "_raw", raw)
        return history

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
        if self._events is None:
            assert self._raw is not None
            return len(self._raw)
        return len(self._events)

    def __repr__(self) -> str:
        # A long history printed in full would bury a failing test's message; ids and the last type suffice.
        if not len(self):
            return "History([])"
        if self._events is None:
            assert self._raw is not None
            first, last = self._raw[0], self._raw[-1]
            return (
                f"History({len(self)} events, ids {int(first['eventId'])}..{int(last['eventId'])}, "
                f"last {last['eventType']})"
            )
        events = self._events
        return f"History({len(events)} events, ids {events[0].id}..{events[-1].id}, last {events[-1].name})"

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

        Raises:
            ValueError: When the history came from `from_raw` and one of its raw events is malformed.
        """
        if self._events is None:
            assert self._raw is not None
            return _compile_raw(self._raw)
        return _compile(self.events)


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
        return (family, _workflow_id_of(event))
    if isinstance(event, ExternalWorkflowExecutionEvent):
        return (family, event.get("initiated_event_id", event.id))
    if isinstance(event, DecisionTaskEvent):
        return (family, event.get("scheduled_event_id", event.id))
    if isinstance(event, WorkflowExecutionEvent):
        return (family, None)
    return (family, event.id)


def _reference(event: Event, key: str) -> int:
    value = event.get(key)
    # Event ids are positive, so -1 refers to nothing: a missing or malformed reference stays unresolved.
    return value if isinstance(value, int) else -1


def _text(event: Event, key: str) -> str | None:
    value = event.get(key)
    return None if value is None else str(value)


def _task_list_name(value: Any) -> str | None:
    if isinstance(value, Mapping):
        name = value.get("name")
        return None if name is None else str(name)
    return None


def _workflow_id_of(event: Event) -> str | None:
    execution = event.get("workflow_execution")
    if isinstance(execution, Mapping) and execution.get("workflow_id") is not None:
        return str(execution["workflow_id"])
    workflow_id = event.get("workflow_id")
    return None if workflow_id is None else str(workflow_id)


_evolvers: dict[type, Callable[[Any, Mapping[str, Any]], Any]] = {}


def _evolve(instance: _S, **changes: Any) -> _S:
    """``attrs.evolve`` for the compiled state classes, as generated code rather than a loop over fields.

    `compile` evolves a state for most events it folds; attrs' generic evolve looks its fields up every
    time and cost a fifth of compiling a short history (``benchmarks/actor_loop.py``).
    """
    cls = type(instance)
    evolver = _evolvers.get(cls)
    if evolver is None:
        evolver = _evolvers[cls] = _make_evolver(cls)
    built: _S = evolver(instance, changes)
    return built


def _make_evolver(cls: type) -> Callable[[Any, Mapping[str, Any]], Any]:
    fields = [field for field in attrs.fields(cls) if field.init]
    names = frozenset(field.alias for field in fields)
    arguments = ", ".join(f"{field.alias}=get({field.alias!r}, instance.{field.name})" for field in fields)
    source = (
        "def evolve(instance, changes):\n"
        "    if not changes.keys() <= names:\n"
        "        raise TypeError(f'{cls.__name__} has no fields {sorted(changes.keys() - names)}')\n"
        "    get = changes.get\n"
        f"    return cls({arguments})\n"
    )
    scope: dict[str, Any] = {"cls": cls, "names": names}
    exec(compile(source, f"<aioswf evolve of {cls.__qualname__}>", "exec"), scope)
    evolver: Callable[[Any, Mapping[str, Any]], Any] = scope["evolve"]
    return evolver


@attrs.define
class _Compiler:
    """Folds events, in id order, into the mutable state that becomes a `CompiledHistory`."""

    execution: ExecutionState = attrs.field(factory=ExecutionState)
    decision_task: DecisionTaskState | None = None
    activities: dict[str, ActivityState] = attrs.field(factory=dict)
    timers: dict[str, TimerState] = attrs.field(factory=dict)
    children: dict[str, ChildWorkflowState] = attrs.field(factory=dict)
    markers: dict[str, MarkerState] = attrs.field(factory=dict)
    lambdas: dict[str, LambdaFunctionState] = attrs.field(factory=dict)
    signals: list[SignalState] = attrs.field(factory=list)
    external: list[ExternalOperationState] = attrs.field(factory=list)
    unresolved: list[Event] = attrs.field(factory=list)
    activity_by_scheduled: dict[int, str] = attrs.field(factory=dict)
    lambda_by_scheduled: dict[int, str] = attrs.field(factory=dict)
    external_by_initiated: dict[int, int] = attrs.field(factory=dict)
    # A child initiated while another child with its id is open: SWF will fail it, so it must not hide
    # the open one until it actually starts.
    pending_children: dict[int, ChildWorkflowState] = attrs.field(factory=dict)

    def result(self) -> CompiledHistory:
        return CompiledHistory(
            execution=self.execution,
            decision_task=self.decision_task,
            activities=dict(self.activities),
            timers=dict(self.timers),
            child_workflows=dict(self.children),
            markers=dict(self.markers),
            lambda_functions=dict(self.lambdas),
            signals=tuple(self.signals),
            external_operations=tuple(self.external),
            unresolved=tuple(self.unresolved),
        )

    def feed(self, event: Event) -> None:
        if self.execution.state == "unknown":
            # Any event at all means the execution was started, even if the history begins later.
            self.execution = _evolve(self.execution, state="started")
        handler = _HANDLERS.get(type(event))
        if handler is None or not handler(self, event):
            self.unresolved.append(event)

    def execution_event(self, event: Event) -> bool:
        state = event.state
        ex = self.execution
        if state == "started":
            self.execution = _evolve(
                ex,
                workflow_type=event.get("workflow_type"),
                input=event.get("input"),
                tag_list=tuple(event.get("tag_list") or ()),
                child_policy=event.get("child_policy"),
                task_list=_task_list_name(event.get("task_list")),
                continued_execution_run_id=event.get("continued_execution_run_id"),
                parent_workflow_execution=event.get("parent_workflow_execution"),
            )
        elif state.endswith("_failed"):
            self.execution = _evolve(ex, cause=event.get("cause"))
        else:
            self.execution = _evolve(
                ex,
                state=state,
                result=event.get("result", ex.result),
                reason=event.get("reason", ex.reason),
                details=event.get("details", ex.details),
                timeout_type=event.get("timeout_type", ex.timeout_type),
                cause=event.get("cause", ex.cause),
                new_execution_run_id=event.get("new_execution_run_id", ex.new_execution_run_id),
            )
        return True

    def signal_event(self, event: Event) -> bool:
        self.signals.append(
            SignalState(
                name=str(event.get("signal_name", "")),
                input=event.get("input"),
                external_workflow_execution=event.get("external_workflow_execution"),
                external_initiated_event_id=event.get("external_initiated_event_id"),
                event_id=event.id,
            )
        )
        self.execution = _evolve(self.execution, signals_received=self.execution.signals_received + 1)
        return True

    def cancel_request_event(self, event: Event) -> bool:
        self.execution = _evolve(self.execution, cancel_requested=True)
        return True

    def decision_event(self, event: Event) -> bool:
        task = self.decision_task or DecisionTaskState(state="scheduled")
        if event.state == "scheduled":
            task = DecisionTaskState(
                state="scheduled",
                count=task.count + 1,
                execution_context=task.execution_context,
                scheduled_event_id=event.id,
            )
        elif event.state == "started":
            task = _evolve(task, state="started", identity=event.get("identity"), started_event_id=event.id)
        else:
            context = event.get("execution_context")
            task = _evolve(
                task,
                state=event.state,
                execution_context=task.execution_context if context is None else context,
                timeout_type=event.get("timeout_type"),
                closed_event_id=event.id,
            )
        self.decision_task = task
        return True

    def activity_event(self, event: Event) -> bool:
        state = event.state
        if state == "scheduled":
            activity_id = _text(event, "activity_id")
            if activity_id is None:
                return False
            previous = self.activities.get(activity_id)
            self.activity_by_scheduled[event.id] = activity_id
            self.activities[activity_id] = ActivityState(
                activity_id=activity_id,
                state=state,
                attempts=(previous.attempts if previous else 0) + 1,
                activity_type=event.get("activity_type"),
                input=event.get("input"),
                control=event.get("control"),
                task_list=_task_list_name(event.get("task_list")),
                scheduled_event_id=event.id,
            )
            return True
        if state in ("schedule_failed", "cancel_requested", "request_cancel_failed"):
            activity_id = _text(event, "activity_id")
            if activity_id is None:
                return False
            previous = self.activities.get(activity_id)
            if state == "cancel_requested":
                base = previous or ActivityState(activity_id=activity_id, state=state)
                self.activities[activity_id] = _evolve(base, state=state, cancel_requested=True)
            elif previous is not None and (previous.is_open or state == "request_cancel_failed"):
                self.activities[activity_id] = _evolve(previous, cause=event.get("cause"))
            else:
                self.activities[activity_id] = ActivityState(
                    activity_id=activity_id,
                    state=state,
                    attempts=previous.attempts if previous else 0,
                    activity_type=event.get("activity_type"),
                    cause=event.get("cause"),
                )
            return True
        found = self.activity_by_scheduled.get(_reference(event, "scheduled_event_id"))
        current = self.activities.get(found) if found is not None else None
        if found is None or current is None:
            return False
        if state == "started":
            self.activities[found] = _evolve(
                current, state=state, identity=event.get("identity"), started_event_id=event.id
            )
        else:
            self.activities[found] = _evolve(
                current,
                state=state,
                result=event.get("result"),
                reason=event.get("reason"),
                details=event.get("details"),
                timeout_type=event.get("timeout_type"),
                started_event_id=event.get("started_event_id", current.started_event_id),
                closed_event_id=event.id,
            )
        return True

    def timer_event(self, event: Event) -> bool:
        timer_id = event.get("timer_id")
        if timer_id is None:
            return False
        timer_id = str(timer_id)
        previous = self.timers.get(timer_id)
        state = event.state
        if state == "started":
            self.timers[timer_id] = TimerState(
                timer_id=timer_id,
                state=state,
                attempts=(previous.attempts if previous else 0) + 1,
                start_to_fire_timeout=event.get("start_to_fire_timeout"),
                control=event.get("control"),
                started_event_id=event.id,
            )
        elif state in ("start_failed", "cancel_failed") and previous is not None:
            if previous.is_open or state == "cancel_failed":
                self.timers[timer_id] = _evolve(previous, cause=event.get("cause"))
            else:
                self.timers[timer_id] = _evolve(previous, state=state, cause=event.get("cause"))
        elif state in ("start_failed", "cancel_failed"):
            self.timers[timer_id] = TimerState(timer_id=timer_id, state=state, cause=event.get("cause"))
        else:
            base = previous or TimerState(
                timer_id=timer_id, state=state, started_event_id=event.get("started_event_id")
            )
            self.timers[timer_id] = _evolve(base, state=state, closed_event_id=event.id)
        return True

    def child_event(self, event: Event) -> bool:
        workflow_id = _workflow_id_of(event)
        if workflow_id is None:
            return False
        previous = self.children.get(workflow_id)
        state = event.state
        if state == "start_initiated":
            initiated = ChildWorkflowState(
                workflow_id=workflow_id,
                state=state,
                attempts=(previous.attempts if previous else 0) + 1,
                workflow_type=event.get("workflow_type"),
                input=event.get("input"),
                control=event.get("control"),
                initiated_event_id=event.id,
            )
            if previous is not None and previous.is_open:
                self.pending_children[event.id] = initiated
            else:
                self.children[workflow_id] = initiated
            return True
        pending = self.pending_children.pop(_reference(event, "initiated_event_id"), None)
        if state == "start_failed":
            if pending is not None and previous is not None:
                self.children[workflow_id] = _evolve(previous, cause=event.get("cause"))
            else:
                base = previous or ChildWorkflowState(
                    workflow_id=workflow_id, state=state, workflow_type=event.get("workflow_type")
                )
                self.children[workflow_id] = _evolve(
                    base, state=state, cause=event.get("cause"), closed_event_id=event.id
                )
            return True
        current = (
            pending
            or previous
            or ChildWorkflowState(
                workflow_id=workflow_id,
                state=state,
                workflow_type=event.get("workflow_type"),
                initiated_event_id=event.get("initiated_event_id"),
            )
        )
        execution = event.get("workflow_execution") or {}
        run_id = execution.get("run_id", current.run_id) if isinstance(execution, Mapping) else current.run_id
        if state == "started":
            self.children[workflow_id] = _evolve(
                current, state=state, run_id=run_id, started_event_id=event.id
            )
        else:
            self.children[workflow_id] = _evolve(
                current,
                state=state,
                run_id=run_id,
                result=event.get("result"),
                reason=event.get("reason"),
                details=event.get("details"),
                timeout_type=event.get("timeout_type"),
                started_event_id=event.get("started_event_id", current.started_event_id),
                closed_event_id=event.id,
            )
        return True

    def marker_event(self, event: Event) -> bool:
        name = event.get("marker_name")
        if name is None:
            return False
        name = str(name)
        previous = self.markers.get(name) or MarkerState(name=name, state=event.state)
        if event.state == "recorded":
            self.markers[name] = MarkerState(
                name=name,
                state="recorded",
                details=event.get("details"),
                count=previous.count + 1,
                event_id=event.id,
            )
        else:
            self.markers[name] = _evolve(
                previous, state=event.state, cause=event.get("cause"), event_id=event.id
            )
        return True

    def external_event(self, event: Event) -> bool:
        state = event.state
        kind = "signal" if "signal" in state else "request_cancel"
        if state in ("signal_initiated", "request_cancel_initiated"):
            self.external_by_initiated[event.id] = len(self.external)
            self.external.append(
                ExternalOperationState(
                    kind=kind,
                    workflow_id=event.get("workflow_id"),
                    state=state,
                    run_id=event.get("run_id"),
                    signal_name=event.get("signal_name"),
                    input=event.get("input"),
                    control=event.get("control"),
                    initiated_event_id=event.id,
                )
            )
            return True
        index = self.external_by_initiated.get(_reference(event, "initiated_event_id"))
        execution = event.get("workflow_execution")
        run_id = execution.get("run_id") if isinstance(execution, Mapping) else event.get("run_id")
        if index is None:
            self.external.append(
                ExternalOperationState(
                    kind=kind,
                    workflow_id=_workflow_id_of(event),
                    state=state,
                    run_id=run_id,
                    control=event.get("control"),
                    cause=event.get("cause"),
                )
            )
        else:
            current = self.external[index]
            self.external[index] = _evolve(
                current, state=state, run_id=run_id or current.run_id, cause=event.get("cause")
            )
        return True

    def lambda_event(self, event: Event) -> bool:
        state = event.state
        if state in ("scheduled", "schedule_failed"):
            function_id = _text(event, "id")
            if function_id is None:
                return False
            previous = self.lambdas.get(function_id)
            if state == "scheduled":
                self.lambda_by_scheduled[event.id] = function_id
                self.lambdas[function_id] = LambdaFunctionState(
                    function_id=function_id,
                    state=state,
                    attempts=(previous.attempts if previous else 0) + 1,
                    name=event.get("name"),
                    input=event.get("input"),
                    control=event.get("control"),
                    scheduled_event_id=event.id,
                )
            elif previous is not None and previous.is_open:
                self.lambdas[function_id] = _evolve(previous, cause=event.get("cause"))
            else:
                self.lambdas[function_id] = LambdaFunctionState(
                    function_id=function_id,
                    state=state,
                    attempts=previous.attempts if previous else 0,
                    name=event.get("name"),
                    cause=event.get("cause"),
                )
            return True
        found = self.lambda_by_scheduled.get(_reference(event, "scheduled_event_id"))
        current = self.lambdas.get(found) if found is not None else None
        if found is None or current is None:
            return False
        if state == "started":
            self.lambdas[found] = _evolve(current, state=state, started_event_id=event.id)
        else:
            self.lambdas[found] = _evolve(
                current,
                state=state,
                result=event.get("result"),
                reason=event.get("reason"),
                details=event.get("details"),
                timeout_type=event.get("timeout_type"),
                cause=event.get("cause"),
                message=event.get("message"),
                started_event_id=event.get("started_event_id", current.started_event_id),
                closed_event_id=event.id,
            )
        return True


_HANDLERS: Mapping[type[Event], Callable[[_Compiler, Event], bool]] = {
    WorkflowExecutionEvent: _Compiler.execution_event,
    SignalEvent: _Compiler.signal_event,
    CancelRequestEvent: _Compiler.cancel_request_event,
    DecisionTaskEvent: _Compiler.decision_event,
    ActivityTaskEvent: _Compiler.activity_event,
    TimerEvent: _Compiler.timer_event,
    MarkerEvent: _Compiler.marker_event,
    ChildWorkflowExecutionEvent: _Compiler.child_event,
    ExternalWorkflowExecutionEvent: _Compiler.external_event,
    LambdaFunctionEvent: _Compiler.lambda_event,
}


def _compile(events: Iterable[Event]) -> CompiledHistory:
    compiler = _Compiler()
    for event in sorted(events, key=lambda item: item.id):
        compiler.feed(event)
    return compiler.result()


def _raw_id(raw: Mapping[str, Any]) -> int:
    return int(raw["eventId"])


def _compile_raw(raw_events: Sequence[Mapping[str, Any]]) -> CompiledHistory:
    # Each event is built, fed and dropped, so it dies young instead of joining the collector's old
    # generation (only unresolved events are kept).
    # `from_raw` checked every raw event already (its id, type and timestamp are there).
    ids = [_raw_id(raw) for raw in raw_events]
    pairs: Iterable[tuple[int, Mapping[str, Any]]] = zip(ids, raw_events, strict=True)
    if any(later < earlier for earlier, later in itertools.pairwise(ids)):
        pairs = sorted(pairs, key=_first)
    compiler = _Compiler()
    feed = compiler.feed
    for event_id, raw in pairs:
        feed(event_from_checked(raw, event_id))
    return compiler.result()


def _first(pair: tuple[int, Mapping[str, Any]]) -> int:
    return pair[0]
