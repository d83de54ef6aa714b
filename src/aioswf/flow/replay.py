"""One workflow run replayed from its history: `WorkflowInstance`.

The history is cut into *rounds*, one per decision task that was answered: the events a decider saw
(those before the task's ``DecisionTaskStarted``), the code's step on them, and the decisions SWF then
recorded (the echoes after its ``DecisionTaskCompleted``). `WorkflowInstance.activate` takes the next
events in id order and, for each answered round it has not run itself, delivers the events the decider
saw then, runs the workflow loop until it is quiescent, and matches the code's commands with the
echoes (see `aioswf.flow.commands`). At the end of a live window it runs the open round and returns the
new decisions only. Events that arrived while a decision task was out are delivered in the next round,
as SWF delivered them. A round whose answer recorded aioswf's ``decision-failed`` marker (its code
raised) is skipped, as if that task had timed out.

An instance kept between decision tasks (the worker's sticky cache) is fed only the new events and
continues where it stopped; a replay from scratch gives the same decisions (tested).
"""

from __future__ import annotations

import asyncio
import collections
import hashlib
import logging
import random as random_module
import time
import uuid
from asyncio import futures as asyncio_futures
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, timezone
from typing import Any

from aioswf import constants
from aioswf.flow import commands as cmds
from aioswf.flow.batches import LIMITED, SDK_LIMIT, Activation, build_batch, round_failed
from aioswf.flow.converter import DataConverter
from aioswf.flow.definitions import WorkflowDefinition
from aioswf.flow.errors import (
    ContinueAsNewError,
    DecisionFailedError,
    FailureError,
    NonDeterminismError,
    PayloadSizeError,
)
from aioswf.flow.failures import encode_failure
from aioswf.flow.locations import coroutine_location, source_location
from aioswf.flow.loop import DurableTimer, WorkflowLoop
from aioswf.flow.payloads import PayloadOffloader, PayloadReference
from aioswf.models.decision import (
    ActivityTaskDecision,
    Decision,
    ExternalWorkflowExecutionDecision,
    MarkerDecision,
    TimerDecision,
    WorkflowExecutionDecision,
)
from aioswf.models.event import Event

__all__ = ["WorkflowInstance"]

logger = logging.getLogger("aioswf.flow")


def _seed_of(text: str) -> int:
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big")


class WorkflowInstance:
    """One run of a workflow, replayed from its history and decided round after round.

    Args:
        definition: The workflow.
        converter: Encodes and decodes payloads.
        offloader: Where payloads over SWF's limits go (``None``: they raise `PayloadSizeError`).
        workflow_id: The run's workflow id (``None`` when a saved history does not say).
        run_id: The run's id, when known.
        domain: The domain's name, when known.
        failure_exceptions: Exception types that fail the run, beyond the workflow's own.
    """

    def __init__(
        self,
        definition: WorkflowDefinition,
        *,
        converter: DataConverter | None = None,
        offloader: PayloadOffloader | None = None,
        workflow_id: str | None = None,
        run_id: str | None = None,
        domain: str | None = None,
        failure_exceptions: Sequence[type[BaseException]] = (),
    ) -> None:
        self.definition = definition
        self.converter = converter or DataConverter()
        self.offloader = offloader
        self.workflow_id = workflow_id
        self.run_id = run_id
        self.domain = domain
        self.failure_exceptions = tuple(definition.failure_exceptions) + tuple(failure_exceptions)
        self.loop = WorkflowLoop(self)
        self.workflow: Any = None
        self.main: Any = None
        self.started_event: Event | None = None
        self.replaying = False
        self.cancel_requested = False
        self.history_length = 0
        self.last_event_id = 0
        self.last_started_event_id = 0
        self.consecutive_failures = 0
        self.closed = False
        self.round_started: float | None = None
        self._unsent: dict[cmds.Command, None] = {}
        self._by_kind: dict[str, collections.deque[cmds.Command]] = collections.defaultdict(collections.deque)
        self._by_event: dict[int, cmds.Command] = {}
        self._open = dict.fromkeys(LIMITED, 0)
        self._sequences: dict[str, int] = collections.defaultdict(int)
        self._buffer: collections.deque[Event] = collections.deque()
        self._pending_started: Event | None = None
        self._ran_started: int | None = None
        self._completed_id: int | None = None
        self._round_completed_id: int | None = None
        self._round_echoes = 0
        self._carried = False
        self._errors: list[BaseException] = []
        self._nondeterminism: NonDeterminismError | None = None
        self._close: cmds.CloseCommand | None = None
        self._markers: dict[str, Event] = {}
        self._patches: dict[str, bool] = {}
        self._random: random_module.Random | None = None
        self._uuids: random_module.Random | None = None

    def __repr__(self) -> str:
        return f"<WorkflowInstance {self.describe()}>"

    def describe(self) -> str:
        """The run in words, for logs and errors."""
        return (
            f"workflow {self.definition.name}/{self.definition.version} {self.workflow_id or '(id unknown)'}"
            f" run {self.run_id or '(unknown)'}"
        )

    @property
    def workflow_id_known(self) -> bool:
        """Whether the run's workflow id is known (a saved history does not carry it)."""
        return self.workflow_id is not None

    # Activations ---------------------------------------------------------------------------------------

    def activate(self, events: Sequence[Event], *, live: bool) -> Activation | None:
        """Feeds the next events (in id order; those seen before are skipped) and decides the open round.

        Args:
            events: The events, from any point at or after the last one seen; a live window ends with the
                ``DecisionTaskStarted`` event of the task to decide.
            live: Whether to run the open round at the end and return its decisions.

        Returns:
            The open round's decisions when ``live``, else ``None``.

        Raises:
            NonDeterminismError: When the code and the history disagree.
            Exception: What escaped workflow code, when it is not a failure of the run (a bug): the
                caller retries the decision task.
        """
        events = tuple(events)  # a History indexes through checks; a tuple does not
        self._index_markers(events)
        count = len(events)
        index = 0
        while index < count:
            event = events[index]
            index += 1
            if event.id <= self.last_event_id:
                continue
            self.last_event_id = event.id
            name = event.name
            if name == "DecisionTaskStarted":
                self._pending_started = event
            elif name == "DecisionTaskCompleted":
                self._decision_completed(event, events, index)
            elif name == "DecisionTaskTimedOut":
                pending = self._pending_started
                if pending is not None and event.attributes.get("started_event_id") == pending.id:
                    self._pending_started = None
            elif name != "DecisionTaskScheduled":
                if self._completed_id is not None:
                    echo = cmds.echo_of(event, self._completed_id)
                    if echo is not None:
                        self._match(echo)
                self._buffer.append(event)
        if not live:
            return None
        started = self._pending_started
        if started is None:
            raise ValueError(
                "a live window must end with the DecisionTaskStarted event of the task to decide"
            )
        self._pending_started = None
        self._run_round(started, replaying=False)
        self._ran_started = started.id
        self.last_started_event_id = started.id
        return self._batch(started)

    def _index_markers(self, events: Sequence[Event]) -> None:
        for event in events:
            if event.name == "MarkerRecorded":
                name = event.attributes.get("marker_name")
                if isinstance(name, str) and name.startswith(cmds.INTERNAL):
                    self._markers.setdefault(name, event)

    def _decision_completed(self, event: Event, events: Sequence[Event], index: int) -> None:
        started_id = event.attributes.get("started_event_id")
        started = self._pending_started
        self._pending_started = None
        self._completed_id = event.id
        if round_failed(events, index, event.id):
            self.consecutive_failures += 1
            return
        if self._ran_started != started_id:
            if started is None or started.id != started_id:
                raise ValueError(
                    f"the history lacks the DecisionTaskStarted event {started_id} of event {event.id}"
                )
            self._run_round(started, replaying=True)
        self.consecutive_failures = 0
        self._round_completed_id = event.id
        self._round_echoes = 0
        self._carried = False

    def _run_round(self, started: Event, *, replaying: bool) -> None:
        self._check_leftovers()
        self.replaying = replaying
        self.loop.set_time(started.timestamp.timestamp())
        self.history_length = started.id
        self.round_started = time.monotonic()
        try:
            buffer = self._buffer
            while buffer and buffer[0].id < started.id:
                self._deliver(buffer.popleft())
            self.loop.run_until_quiescent()
        finally:
            self.round_started = None
        if self._nondeterminism is not None:
            raise self._nondeterminism
        if self._errors:
            raise self._errors[0]

    # Matching ------------------------------------------------------------------------------------------

    def _enqueue(self, command: cmds.Command) -> None:
        self._unsent[command] = None
        self._by_kind[command.kind].append(command)

    def _forget(self, command: cmds.Command) -> None:
        self._unsent.pop(command, None)
        queue = self._by_kind.get(command.kind)
        if queue is not None and command in queue:
            queue.remove(command)

    def _match(self, echo: cmds.Echo) -> None:
        self._round_echoes += 1
        if echo.internal:
            if echo.key.startswith(cmds.CARRY_TIMER):
                self._carried = True
            return
        queue = self._by_kind.get(echo.kind) or collections.deque()
        if echo.lenient:
            for command in queue:
                if command.key == echo.key:
                    self._forget(command)
                    command.state = "recorded"
                    break
            return
        found = next(
            (item for item in queue if not (isinstance(item, cmds.MarkerCommand) and item.forgiven)), None
        )
        if found is None:
            raise self.nondeterminism(
                echo.event.id,
                echo.describe(),
                f"nothing of this kind at this point (the workflow is waiting at {self.where() or 'its start'})",
                hint="the history holds a decision that the code no longer asks for",
            )
        command = found
        if not command.matches(echo, self.workflow_id_known):
            raise self.nondeterminism(echo.event.id, echo.describe(), command.describe(), command.location)
        self._forget(command)
        command.echo_event_id = echo.event.id
        self._by_event[echo.event.id] = command
        if echo.failed:
            command.state = "failed"
        elif command.kind in LIMITED:
            command.state = "open"
            self._open[command.kind] += 1
        else:
            command.state = "sent"

    def _check_leftovers(self) -> None:
        if not self._unsent:
            return
        for command in list(self._unsent):
            if isinstance(command, cmds.MarkerCommand) and command.forgiven:
                self._forget(command)
                continue
            if self._carried or (command.kind in LIMITED and self._open[command.kind] >= SDK_LIMIT):
                continue
            completed = self._round_completed_id
            raise self.nondeterminism(
                completed or self.history_length,
                f"no decision for it: the decision task completed at event {completed} recorded "
                f"{self._round_echoes} decision(s), none of them this one",
                command.describe(),
                command.location,
                hint="the code asks for a decision that the history does not hold",
            )

    def nondeterminism(
        self, event_id: int, history: str, code: str, location: str | None = None, hint: str | None = None
    ) -> NonDeterminismError:
        """A `NonDeterminismError` about this run (also remembered, so that workflow code cannot hide it)."""
        error = NonDeterminismError(
            workflow_id=self.workflow_id,
            event_id=event_id,
            history=history,
            code=code,
            location=location,
            hint=hint,
        )
        self._nondeterminism = self._nondeterminism or error
        return error

    def where(self) -> str | None:
        """Where the workflow's main coroutine is waiting: ``file:line in function``."""
        main = self.main
        if main is None or main.done():
            return None
        return coroutine_location(main.get_coro())

    # Delivering events ---------------------------------------------------------------------------------

    def _deliver(self, event: Event) -> None:
        handler = _DELIVERIES.get(event.name)
        if handler is not None:
            handler(self, event)

    def _command_for(self, event: Event, key: str) -> cmds.Command | None:
        reference = event.attributes.get(key)
        return self._by_event.get(reference) if isinstance(reference, int) else None

    def _on_started(self, event: Event) -> None:
        self.started_event = event
        hints = self.definition.hints[0]

        def begin() -> None:
            args = self.converter.decode_args(event.attributes.get("input"), hints)
            self.workflow = self.definition.cls()
            self.main = self.loop.create_task(
                self.workflow.run(*args), name=f"workflow {self.definition.name}"
            )
            self.main.add_done_callback(self._main_done)
            if self.cancel_requested:
                self.main.cancel()

        self.loop.call_soon(begin)

    def _on_signal(self, event: Event) -> None:
        name = str(event.attributes.get("signal_name"))
        handler = self.definition.signals.get(name)
        if handler is None:
            if not self.replaying:
                logger.warning("%s: no handler for signal %r; it is ignored", self.describe(), name)
            return
        data = event.attributes.get("input")

        def call() -> None:
            args = self.converter.decode_args(data, handler.hints)
            method = getattr(self.workflow, handler.method)
            if handler.is_async:
                task = self.loop.create_task(method(*args), name=f"signal {name}")
                task.add_done_callback(self._handler_done)
            else:
                method(*args)

        self.loop.call_soon(call)

    def _on_cancel_requested(self, event: Event) -> None:
        self.cancel_requested = True
        if self.main is not None and not self.main.done():
            self.main.cancel()

    def _on_activity_closed(self, event: Event) -> None:
        command = self._command_for(event, "scheduled_event_id")
        if isinstance(command, cmds.ActivityCommand) and command.state == "open":
            command.state = "closed"
            self._open["activity"] -= 1
            if command.future is not None and not command.future.done():
                command.future.set_result(event)

    def _on_decision_failed(self, event: Event) -> None:
        command = self._by_event.get(event.id)
        if command is None:
            return
        error = DecisionFailedError(
            f"SWF refused {command.decision.type} for {command.describe()}: "
            f"{event.attributes.get('cause')} (event {event.id})",
            decision_type=command.decision.type,
            cause=str(event.attributes.get("cause")),
            event_id=event.id,
        )
        if isinstance(command, cmds.CloseCommand):
            self._close_failed(command, event)
        elif isinstance(command, cmds.ActivityCommand) and command.future is not None:
            _fail(command.future, error)
        elif isinstance(command, cmds.TimerCommand) and command.timer is not None:
            self._timer_failed(command.timer, error)
        elif isinstance(command, cmds.ChildCommand):
            for future in (command.started, command.future):
                if future is not None:
                    _fail(future, error)
        elif isinstance(command, (cmds.SignalExternalCommand, cmds.CancelExternalCommand)):
            if command.future is not None:
                _fail(command.future, error)
        elif isinstance(command, cmds.MarkerCommand):
            self._errors.append(error)

    def _on_external_failed(self, event: Event) -> None:
        command = self._command_for(event, "initiated_event_id")
        if command is not None:
            self._by_event[event.id] = command
            self._on_decision_failed(event)

    def _on_external_done(self, event: Event) -> None:
        command = self._command_for(event, "initiated_event_id")
        future = getattr(command, "future", None)
        if isinstance(future, asyncio.Future) and not future.done():
            future.set_result(None)

    def _on_child_start_failed(self, event: Event) -> None:
        initiated = event.attributes.get("initiated_event_id")
        if initiated:
            command = self._by_event.get(initiated)
            if isinstance(command, cmds.ChildCommand) and command.state == "open":
                command.state = "failed"
                self._open["child"] -= 1
                self._by_event[event.id] = command
        self._on_decision_failed(event)

    def _on_child_started(self, event: Event) -> None:
        command = self._command_for(event, "initiated_event_id")
        if not isinstance(command, cmds.ChildCommand):
            return
        execution = event.attributes.get("workflow_execution") or {}
        command.run_id = execution.get("run_id")
        if command.started is not None and not command.started.done():
            command.started.set_result(str(command.run_id))
        if command.cancel_when_started:
            self.cancel_child(command)

    def _on_child_closed(self, event: Event) -> None:
        command = self._command_for(event, "initiated_event_id")
        if isinstance(command, cmds.ChildCommand) and command.state == "open":
            command.state = "closed"
            self._open["child"] -= 1
            if command.future is not None and not command.future.done():
                command.future.set_result(event)

    def _on_timer_fired(self, event: Event) -> None:
        command = self._command_for(event, "started_event_id")
        if isinstance(command, cmds.TimerCommand) and command.state == "open":
            command.state = "fired"
            self._open["timer"] -= 1
            timer = command.timer
            if timer is not None and not timer.cancelled():
                self.loop._ready.append(timer)

    def _on_timer_canceled(self, event: Event) -> None:
        command = self._command_for(event, "started_event_id")
        if isinstance(command, cmds.TimerCommand) and command.state == "open":
            command.state = "canceled"
            self._open["timer"] -= 1

    # Outcomes of the code ------------------------------------------------------------------------------

    def fails_run(self, error: BaseException) -> bool:
        """Whether an exception escaping workflow code fails the run (else the decision task is retried)."""
        if isinstance(error, NonDeterminismError):
            return False
        return isinstance(error, (FailureError, self.failure_exceptions))

    def callback_failed(self, error: BaseException) -> None:
        """An exception escaped a callback of the loop (workflow set-up, a signal handler)."""
        if self.fails_run(error):
            self._close_with_failure(error)
        else:
            self._errors.append(error)

    def _handler_done(self, task: Any) -> None:
        if not task.cancelled() and task.exception() is not None:
            self.callback_failed(task.exception())

    def _main_done(self, task: Any) -> None:
        if task.cancelled():
            self.close(WorkflowExecutionDecision.cancel())
            return
        error = task.exception()
        if error is None:
            text, references = self.encode(task.result(), "result")
            self.close(WorkflowExecutionDecision.complete(result=text), references)
        elif isinstance(error, ContinueAsNewError):
            self._continue_as_new(error)
        elif self.fails_run(error):
            self._close_with_failure(error)
        else:
            self._errors.append(error)

    def _close_with_failure(self, error: BaseException) -> None:
        reason, details = encode_failure(error, self.converter)
        self.close(WorkflowExecutionDecision.fail(reason=reason, details=details))

    def _continue_as_new(self, request: ContinueAsNewError) -> None:
        text, references = self.encode_args(request.args_, "input")
        options = dict(request.options)
        self.close(WorkflowExecutionDecision.continue_as_new(input=text, **options), references)

    def close(self, decision: Decision, references: Iterable[PayloadReference] = ()) -> None:
        """Queues the decision that closes the run (only the first one counts)."""
        if self._close is not None and self._close.state != "failed":
            return
        self._close = cmds.CloseCommand(decision.type, decision, references=tuple(references))
        self._enqueue(self._close)

    def _close_failed(self, command: cmds.CloseCommand, event: Event) -> None:
        cause = event.attributes.get("cause")
        if command.key == "ContinueAsNewWorkflowExecution" and cause != "UNHANDLED_DECISION":
            reason = f"continue as new failed: {cause}"
            self.close(WorkflowExecutionDecision.fail(reason=reason[: constants.MAX_REASON_LENGTH]))
        else:
            self.close(command.decision, command.references)

    # Payloads ------------------------------------------------------------------------------------------

    def fit(self, text: str, field: str) -> tuple[str, tuple[PayloadReference, ...]]:
        """Encoded text within SWF's limit: itself, or a reference to the store when it is over."""
        if len(text) <= constants.MAX_DATA_LENGTH:
            return text, ()
        if self.offloader is None:
            raise PayloadSizeError(
                f"the {field} is {len(text):,} characters long; SWF accepts at most "
                f"{constants.MAX_DATA_LENGTH:,}. Configure a payload offloader (offloader=...) to keep large "
                "payloads in a store, or pass a reference to the data instead",
                argument=field,
                limit=f"at most {constants.MAX_DATA_LENGTH} characters",
            )
        reference = self.offloader.reference(text)
        return reference.text, (reference,)

    def encode(self, value: Any, field: str) -> tuple[str, tuple[PayloadReference, ...]]:
        """A value as payload text within SWF's limit (a reference to the store when it is over)."""
        return self.fit(self.converter.encode(value), field)

    def encode_args(self, args: Sequence[Any], field: str) -> tuple[str, tuple[PayloadReference, ...]]:
        """Arguments as payload text within SWF's limit."""
        return self.fit(self.converter.encode_args(args), field)

    # What the workflow API asks for --------------------------------------------------------------------

    def next_id(self, kind: str) -> int:
        """The next number of a kind of command (activities, timers, children, side effects)."""
        self._sequences[kind] += 1
        return self._sequences[kind]

    def submit(self, command: cmds.Command) -> cmds.Command:
        """Queues a command (it becomes a decision of this round, or of a later one when limits say so)."""
        self._enqueue(command)
        return command

    def withdraw(self, command: cmds.Command) -> bool:
        """Forgets a command that was not sent yet; returns whether it was unsent."""
        if command.state != "unsent":
            return False
        self._forget(command)
        command.state = "withdrawn"
        return True

    def start_timer(self, timer: DurableTimer) -> None:
        """Makes an SWF timer command of a loop timer."""
        key = timer.key if timer.key is not None else str(self.next_id("timer"))
        command = cmds.TimerCommand(
            key,
            TimerDecision.start(key, timer.seconds),
            location=source_location(2) or self.where(),
            timer=timer,
        )
        timer.command = command
        self._enqueue(command)

    def cancel_timer(self, timer: DurableTimer) -> None:
        """Cancels the SWF timer of a loop timer the code no longer waits for."""
        command = timer.command
        if not isinstance(command, cmds.TimerCommand) or self.withdraw(command):
            return
        if command.state == "open":
            self._enqueue(cmds.CancelTimerCommand(command.key, TimerDecision.cancel(command.key)))

    def _timer_failed(self, timer: DurableTimer, error: BaseException) -> None:
        # asyncio.sleep's timer sets its future: the failure goes there, to the awaiting code.
        if timer.future is not None:
            _fail(timer.future, error)
            return
        callback = getattr(timer, "_callback", None)
        arguments = getattr(timer, "_args", ())
        target = arguments[0] if arguments else None
        sets_future = getattr(asyncio_futures, "_set_result_unless_cancelled", None)
        if callback is not None and callback is sets_future and isinstance(target, asyncio.Future):
            _fail(target, error)
        else:
            self.callback_failed(error)

    def cancel_activity(self, command: cmds.ActivityCommand) -> None:
        """Asks SWF to cancel an activity the code stopped waiting for."""
        if self.withdraw(command) or command.state != "open":
            return
        decision = ActivityTaskDecision.request_cancel(command.key)
        self._enqueue(cmds.CancelActivityCommand(command.key, decision, location=command.location))

    def cancel_child(self, command: cmds.ChildCommand) -> None:
        """Asks SWF to cancel a child the code stopped waiting for (once it has started)."""
        if self.withdraw(command):
            return
        if command.state != "open":
            return
        if command.run_id is None:
            command.cancel_when_started = True
            return
        command.cancel_when_started = False
        decision = ExternalWorkflowExecutionDecision.request_cancel(command.key, run_id=command.run_id)
        self._enqueue(cmds.CancelExternalCommand(command.key, decision, location=command.location))

    def marker(
        self,
        name: str,
        details: str | None,
        *,
        forgiven: bool = False,
        references: Sequence[PayloadReference] = (),
    ) -> None:
        """Queues a ``RecordMarker``."""
        command = cmds.MarkerCommand(
            name,
            MarkerDecision.record(name, details=details),
            location=source_location(2) or self.where(),
            references=tuple(references),
            forgiven=forgiven,
        )
        self._enqueue(command)

    def recorded_marker(self, name: str) -> Event | None:
        """The ``MarkerRecorded`` event of one of aioswf's own markers, when the history has it."""
        return self._markers.get(name)

    def patched(self, patch_id: str) -> bool:
        """Whether the run takes the new code path of a patch (fixed for the run once asked)."""
        if patch_id in self._patches:
            return self._patches[patch_id]
        name = f"{cmds.PATCH_MARKER}{patch_id}"
        found = not self.replaying or name in self._markers
        self._patches[patch_id] = found
        if found:
            self.marker(name, None, forgiven=True)
        return found

    def rng(self, stream: str) -> random_module.Random:
        """The run's deterministic random stream ``random`` or ``uuid``, seeded once from a recorded marker."""
        if self._random is None or self._uuids is None:
            event = self._markers.get(cmds.SEED_MARKER)
            if event is not None:
                seed = str(event.attributes.get("details"))
            elif self.replaying:
                seed = self.run_id or str(self.started_event.timestamp if self.started_event else "")
            else:
                seed = uuid.uuid4().hex
                self.marker(cmds.SEED_MARKER, seed, forgiven=True)
            self._random = random_module.Random(_seed_of(f"{seed}:random"))
            self._uuids = random_module.Random(_seed_of(f"{seed}:uuid"))
        return self._random if stream == "random" else self._uuids

    def jitter(self, key: str) -> float:
        """A number in [0, 1) fixed by the run's start and ``key`` (retries' jitter: no stream is consumed)."""
        started = self.started_event.timestamp.isoformat() if self.started_event else ""
        return random_module.Random(_seed_of(f"{started}:{key}:jitter")).random()

    def now(self) -> datetime:
        """The round's virtual time."""
        return datetime.fromtimestamp(self.loop.time(), tz=timezone.utc)

    # Batches -------------------------------------------------------------------------------------------

    def _batch(self, started: Event) -> Activation:
        close = self._close if self._close is not None and self._close.state == "unsent" else None
        activation = build_batch(list(self._unsent), self._open, close, started.id)
        if activation.closing:
            self.closed = True
        return activation

    def evict(self) -> None:
        """Lets go of the run: its coroutines are closed where they wait (``finally`` blocks run), and
        its loop is closed. Nothing they ask for any more is sent."""
        self.loop.silence()
        previous = asyncio._get_running_loop()
        asyncio._set_running_loop(self.loop)
        try:
            for task in sorted(asyncio.all_tasks(self.loop), key=hash):
                coro = task.get_coro()
                try:
                    coro.close()
                except BaseException as error:  # an evicted run's clean-up is not the run's outcome
                    logger.debug("%s: a coroutine raised while evicted: %r", self.describe(), error)
        finally:
            asyncio._set_running_loop(previous)
            self.loop.close()


def _fail(future: Any, error: BaseException) -> None:
    if not future.done():
        future.set_exception(error)


_DELIVERIES: dict[str, Callable[[WorkflowInstance, Event], None]] = {
    "WorkflowExecutionStarted": WorkflowInstance._on_started,
    "WorkflowExecutionSignaled": WorkflowInstance._on_signal,
    "WorkflowExecutionCancelRequested": WorkflowInstance._on_cancel_requested,
    "ScheduleActivityTaskFailed": WorkflowInstance._on_decision_failed,
    "ActivityTaskCompleted": WorkflowInstance._on_activity_closed,
    "ActivityTaskFailed": WorkflowInstance._on_activity_closed,
    "ActivityTaskTimedOut": WorkflowInstance._on_activity_closed,
    "ActivityTaskCanceled": WorkflowInstance._on_activity_closed,
    "StartTimerFailed": WorkflowInstance._on_decision_failed,
    "TimerFired": WorkflowInstance._on_timer_fired,
    "TimerCanceled": WorkflowInstance._on_timer_canceled,
    "RecordMarkerFailed": WorkflowInstance._on_decision_failed,
    "StartChildWorkflowExecutionFailed": WorkflowInstance._on_child_start_failed,
    "ChildWorkflowExecutionStarted": WorkflowInstance._on_child_started,
    "ChildWorkflowExecutionCompleted": WorkflowInstance._on_child_closed,
    "ChildWorkflowExecutionFailed": WorkflowInstance._on_child_closed,
    "ChildWorkflowExecutionTimedOut": WorkflowInstance._on_child_closed,
    "ChildWorkflowExecutionCanceled": WorkflowInstance._on_child_closed,
    "ChildWorkflowExecutionTerminated": WorkflowInstance._on_child_closed,
    "ExternalWorkflowExecutionSignaled": WorkflowInstance._on_external_done,
    "SignalExternalWorkflowExecutionFailed": WorkflowInstance._on_external_failed,
    "ExternalWorkflowExecutionCancelRequested": WorkflowInstance._on_external_done,
    "RequestCancelExternalWorkflowExecutionFailed": WorkflowInstance._on_external_failed,
    "CompleteWorkflowExecutionFailed": WorkflowInstance._on_decision_failed,
    "FailWorkflowExecutionFailed": WorkflowInstance._on_decision_failed,
    "CancelWorkflowExecutionFailed": WorkflowInstance._on_decision_failed,
    "ContinueAsNewWorkflowExecutionFailed": WorkflowInstance._on_decision_failed,
}
