"""`Actor`: the lifecycle every decider and activity worker shares.

An actor long-polls one task list and hands each task it gets to a handler, each in an asyncio task the
actor joins before it stops, so many actors share one event loop. Its life::

    IDLE --start()/run()--> RUNNING --stop()--> STOPPING --> STOPPED

Stopping is graceful: no new poll starts, the poll in flight is abandoned (or, with ``finish_polls=True``,
allowed to return within the grace period and its task handled), in-flight tasks get ``grace`` seconds to
finish, then their handlers are cancelled and the tasks reported to SWF (an activity task is failed or
canceled; a decision task, which SWF has no way to fail, is left to its start-to-close timeout, after which
SWF schedules a new one). Only then is the actor STOPPED.

An actor whose domain does not exist fails at once: `start`, `run` and ``async with`` raise
`DomainDoesNotExist` before polling (the actor asks ``DescribeDomain`` once per connection and domain; when
that is not allowed, the first poll tells). A domain that vanishes while the actor runs (a local server
restarted without its state) is not fatal: the actor logs one error, polls on with backoff, and goes on
once the domain is registered again.

A note on abandoned polls: SWF may hand a task to a long poll in the instant the actor drops it. Such a
task is never seen by the actor; SWF times it out (start-to-close) and the workflow goes on from there.
Give activity types a start-to-close timeout that bounds this, or stop with ``finish_polls=True`` and a
grace period above the poll's 60 seconds.
"""

from __future__ import annotations

import asyncio
import enum
import logging
import math
import os
import socket
import weakref
from types import TracebackType
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import anyio

from aioswf import validation
from aioswf.actors.backoff import Backoff, FailureStreak, is_transient
from aioswf.connection import Connection, get_connection
from aioswf.exceptions import (
    ActorStateError,
    ConnectionStateError,
    DoesNotExistError,
    DomainDeprecatedError,
    DomainDoesNotExist,
    InvalidRequestError,
    NoConnectionError,
    OperationNotPermittedError,
    SWFError,
    ValidationError,
)
from aioswf.models.domain import Domain

if TYPE_CHECKING:
    from anyio.abc import TaskGroup

__all__ = ["DEFAULT_GRACE", "Actor", "ActorState", "ActorStateError", "default_identity"]

logger = logging.getLogger("aioswf.actors")

#: Seconds in-flight tasks get to finish when an actor stops.
DEFAULT_GRACE = 30.0
#: Seconds an actor keeps trying to report its cancelled tasks to SWF once the grace period is over.
REPORT_TIMEOUT = 10.0

#: Pooled HTTP connections kept free for answers and heartbeats, beyond one per polling actor.
POOL_ROOM = 10

#: Seconds `Actor.start` waits to learn whether the domain exists before it polls regardless.
DOMAIN_CHECK_TIMEOUT = 10.0

# How many actors poll through each connection, to warn when its pool is too small for them.
_pollers: weakref.WeakKeyDictionary[Connection, int] = weakref.WeakKeyDictionary()
_warned: weakref.WeakSet[Connection] = weakref.WeakSet()
# Whether each domain exists, asked once per connection: a thousand actors starting at once share one
# DescribeDomain (a task, not a lock, so that none waits for another's timeout). Only a "yes" is kept.
_domain_checks: weakref.WeakKeyDictionary[Connection, dict[str, asyncio.Task[bool | None]]] = (
    weakref.WeakKeyDictionary()
)

_T = TypeVar("_T")
_A = TypeVar("_A", bound="Actor[Any]")

# Errors after which polling again cannot help: the actor is misconfigured.
_FATAL = (
    ConnectionStateError,
    NoConnectionError,
    ValidationError,
    DoesNotExistError,
    InvalidRequestError,
    OperationNotPermittedError,
    DomainDeprecatedError,
)


class ActorState(enum.Enum):
    """Where an actor is in its life; it runs once."""

    IDLE = "idle"
    RUNNING = "running"
    STOPPING = "stopping"
    STOPPED = "stopped"


def _check_grace(grace: object) -> float:
    if isinstance(grace, bool) or not isinstance(grace, (int, float)) or not grace >= 0:
        raise ValidationError(
            f"grace must be a number of seconds of at least 0, got {validation.describe_value(grace)}",
            argument="grace",
            limit=">= 0",
        )
    return float(grace)


def _confirmed(check: asyncio.Task[bool | None]) -> bool:
    return check.done() and not check.cancelled() and check.exception() is None and check.result() is True


async def _domain_exists(conn: Connection, name: str) -> bool | None:
    """Whether SWF knows the domain; ``None`` when it cannot tell (no permission, network errors)."""
    try:
        await conn.call("DescribeDomain", name=name)
    except DomainDoesNotExist:
        return False
    except SWFError as error:
        logger.debug("could not check that domain %r exists (%r); the first poll will tell", name, error)
        return None
    return True


def default_identity() -> str:
    """The identity an actor gives SWF unless told otherwise: ``hostname:pid``.

    Returns:
        The identity, at most 256 characters.
    """
    return f"{socket.gethostname()}:{os.getpid()}"[-256:]


class StopReason(enum.Enum):
    """Why a task's handler was cancelled (private to the actors)."""

    STOP = "the actor stopped before the handler finished"
    CANCEL_REQUESTED = "SWF asked for the task to be canceled"
    GONE = "SWF no longer knows the task (it timed out or its execution closed)"
    HEARTBEAT_REFUSED = "SWF refused a heartbeat for a reason retrying cannot fix"
    HEARTBEAT_FAILED = "sending a heartbeat failed on an error that is not SWF's"


class InFlight:
    """One task being handled: the scopes stop() and heartbeats cancel (private to the actors).

    Built for every task, so it holds only what each task needs: the handler's cancel scope. The task
    token's digest (for logs) is computed when a log line needs it, and the scope of the answer to SWF is
    made when the answer is sent (`report_scope`), with the deadline `limit_report` set, if any.

    Attributes:
        task: The task.
        handler_scope: Wraps the user's handler; cancelled when the task must stop.
        reason: Why the handler was asked to stop, once it was; threaded handlers, which cannot be
            cancelled, read it through `stop_requested`.
        cause: The error behind `reason`, when there is one (a refused heartbeat).
    """

    __slots__ = ("_ref", "_report_deadline", "_report_scope", "cause", "handler_scope", "reason", "task")

    def __init__(self, task: Any) -> None:
        self.task = task
        self.handler_scope = anyio.CancelScope()
        self.reason: StopReason | None = None
        self.cause: BaseException | None = None
        self._ref: str | None = None
        self._report_scope: anyio.CancelScope | None = None
        self._report_deadline = math.inf

    @property
    def ref(self) -> str:
        """The task token's short digest, for logs."""
        if self._ref is None:
            self._ref = str(getattr(self.task, "token_ref", "?"))
        return self._ref

    @property
    def stop_requested(self) -> bool:
        """Whether the handler was asked to stop (safe to read from the handler's thread)."""
        return self.reason is not None

    def ask_to_stop(self, reason: StopReason) -> None:
        """Asks the handler to stop without cancelling it, remembering the first reason given."""
        if self.reason is None:
            self.reason = reason

    def cancel(self, reason: StopReason) -> None:
        """Cancels the handler, remembering the first reason given."""
        self.ask_to_stop(reason)
        self.handler_scope.cancel()

    def report_scope(self) -> anyio.CancelScope:
        """A new scope for sending an answer to SWF, with the deadline `limit_report` set, if any."""
        scope = anyio.CancelScope(deadline=self._report_deadline)
        self._report_scope = scope
        return scope

    def limit_report(self, deadline: float) -> None:
        """Gives the answer to SWF (being sent, or to be sent) a deadline, or an earlier one."""
        self._report_deadline = min(self._report_deadline, deadline)
        if self._report_scope is not None:
            self._report_scope.deadline = min(self._report_scope.deadline, deadline)


class Actor(Generic[_T]):
    """Base class of `Decider` and `ActivityWorker`: polls a task list and handles tasks until stopped.

    Use it as an async context manager (started on entry, stopped gracefully on exit), or call `start` and
    `stop`, or await `run` (which returns once the actor is stopped). Many actors share one event loop; see
    `aioswf.actors.run`.

    Args:
        domain: The domain (a `Domain` model, or its name).
        task_list: The task list to poll.
        identity: Who polls, as recorded in the history (default: ``hostname:pid``).
        connection: The connection to use (default: the one open in the context that starts the actor).
        max_concurrent: How many tasks are handled at once; the actor polls only when one of these slots
            is free.
        backoff: How to wait between retries after network errors, HTTP 5xx and throttling.
        finish_polls: On stop, let the poll in flight return within the grace period (and handle its
            task) instead of abandoning it.
        grace: Seconds in-flight tasks get to finish when the actor stops without being told how long
            (``async with``, `stop` without `grace`, a fatal error).

    An actor may be built anywhere, in a running event loop or not (e.g. at a module's top level); it
    needs one only to start.

    Raises:
        ValidationError: When the task list or identity breaks SWF's limits.
    """

    def __init__(
        self,
        domain: Domain | str,
        task_list: str,
        *,
        identity: str | None = None,
        connection: Connection | None = None,
        max_concurrent: int = 10,
        backoff: Backoff | None = None,
        finish_polls: bool = False,
        grace: float = DEFAULT_GRACE,
    ) -> None:
        if not isinstance(domain, (str, Domain)):
            raise ValidationError(
                f"domain must be a Domain or a domain's name, not {type(domain).__name__}",
                argument="domain",
                limit="a Domain or a name",
            )
        self.domain = domain
        self.domain_name: str = domain.name if isinstance(domain, Domain) else domain
        validation.check_name(self.domain_name, "domain")
        # One model for every task this actor polls, rather than one built (and validated) per task.
        self._domain_model = domain if isinstance(domain, Domain) else Domain(self.domain_name)
        self.task_list = validation.check_name(task_list, "task_list")
        self.identity: str = validation.check_identity(identity, "identity") or default_identity()
        if isinstance(max_concurrent, bool) or not isinstance(max_concurrent, int) or max_concurrent < 1:
            raise ValidationError(
                f"max_concurrent must be a whole number of at least 1, got {max_concurrent!r}",
                argument="max_concurrent",
                limit="at least 1",
            )
        self.max_concurrent = max_concurrent
        if backoff is not None and not isinstance(backoff, Backoff):
            raise ValidationError(
                f"backoff must be a Backoff, not {type(backoff).__name__}",
                argument="backoff",
                limit="a Backoff",
            )
        self.backoff = backoff or Backoff()
        self.finish_polls = bool(finish_polls)
        self.grace = _check_grace(grace)
        self._connection_arg = connection
        self._connection: Connection | None = None
        self._state = ActorState.IDLE
        self._error: Exception | None = None
        self._error_logged = False
        self._in_flight: dict[int, InFlight] = {}
        # The tasks that handle polled tasks, until each is done (see _poll_loop).
        self._handlers: set[asyncio.Task[None]] = set()
        self._handlers_cancelled = False
        self._free_slots = max_concurrent
        self._deadline = math.inf
        self._expired = False
        self._task: asyncio.Task[None] | None = None
        self._claimed = False
        # Cancel scopes need a running event loop: this one is made when the actor runs.
        self._poll_scope: anyio.CancelScope | None = None
        self._poll_done = False
        self._domain_seen = False
        # asyncio's events bind to no loop until awaited, so the actor can be built anywhere.
        self._wakeup = asyncio.Event()
        self._slot_freed = asyncio.Event()
        self._running = asyncio.Event()
        self._stopped = asyncio.Event()

    def __repr__(self) -> str:
        return (
            f"<{type(self).__name__} domain={self.domain_name!r} task_list={self.task_list!r} "
            f"state={self._state.value} in_flight={len(self._in_flight)}>"
        )

    @property
    def state(self) -> ActorState:
        """Whether the actor is idle, running, stopping or stopped."""
        return self._state

    @property
    def is_running(self) -> bool:
        """Whether the actor is running (polling, or handling tasks)."""
        return self._state is ActorState.RUNNING

    @property
    def in_flight(self) -> int:
        """How many tasks the actor is handling now."""
        return len(self._in_flight)

    @property
    def error(self) -> Exception | None:
        """The error that stopped the actor, if one did."""
        return self._error

    @property
    def connection(self) -> Connection:
        """The connection the actor uses.

        Raises:
            NoConnectionError: When none was given and none is open in this context.
        """
        if self._connection is None:
            self._connection = get_connection(self._connection_arg, f"{type(self).__name__}")
        return self._connection

    # Lifecycle -------------------------------------------------------------------------------------------

    def _claim(self) -> None:
        if self._state is ActorState.STOPPED:
            raise ActorStateError(f"{self!r} has stopped; an actor runs once: create a new one")
        if self._claimed:
            raise ActorStateError(f"{self!r} was started already")
        self._connection = get_connection(self._connection_arg, f"{type(self).__name__}.run()")
        self._claimed = True

    async def _check_domain(self) -> None:
        """Fails at once, with a clear error, when the domain does not exist; stays silent when unsure."""
        conn = self.connection
        checks = _domain_checks.setdefault(conn, {})
        check = checks.get(self.domain_name)
        if check is None or (check.done() and not _confirmed(check)):
            check = asyncio.get_running_loop().create_task(
                _domain_exists(conn, self.domain_name), name=f"aioswf DescribeDomain {self.domain_name}"
            )
            checks[self.domain_name] = check
        exists: bool | None = None
        with anyio.move_on_after(DOMAIN_CHECK_TIMEOUT):
            await asyncio.wait([check])
        if _confirmed(check):
            exists = True
        elif check.done() and not check.cancelled() and check.exception() is None:
            exists = check.result()
        if exists is True:
            self._domain_seen = True
        elif exists is False:
            error = self._missing_domain(None)
            self._error = error
            self._error_logged = True
            logger.error("%r cannot go on: %s", self, error.message)
            raise error

    async def _claim_and_check(self) -> None:
        self._claim()
        try:
            await self._check_domain()
        except BaseException:
            # Never ran: mark it stopped, so that stop() and wait() return.
            self._state = ActorState.STOPPED
            self._running.set()
            self._stopped.set()
            raise

    def _missing_domain(self, cause: DomainDoesNotExist | None) -> DomainDoesNotExist:
        error = DomainDoesNotExist(
            cause.operation if cause is not None else "DescribeDomain",
            cause.code if cause is not None else "UnknownResourceFault",
            f"{type(self).__name__} cannot poll domain {self.domain_name!r}: it does not exist "
            "(register it first, or check the endpoint and region)",
            status=cause.status if cause is not None else None,
        )
        error.__cause__ = cause
        return error

    async def start(self) -> None:
        """Launches the actor as a task on the running event loop and returns once it is running.

        Raises:
            ActorStateError: When the actor was started before.
            NoConnectionError: When no connection was given and none is open in this context.
            DomainDoesNotExist: When the domain does not exist (the actor is then stopped).
        """
        await self._claim_and_check()
        self._task = asyncio.get_running_loop().create_task(
            self._run_logged(), name=f"aioswf {type(self).__name__} {self.task_list}"
        )
        await self._running.wait()

    async def _run_logged(self) -> None:
        try:
            await self._run()
        except Exception:
            # Kept in `error`, raised by wait() and `async with`; logged so that it is never lost.
            if not self._error_logged:
                logger.exception("%r stopped on an error", self)

    async def run(self) -> None:
        """Runs the actor until it is stopped, then returns.

        Raises:
            ActorStateError: When the actor was started before.
            NoConnectionError: When no connection was given and none is open in this context.
            DomainDoesNotExist: At once, when the domain does not exist.
            SWFError: What made the actor stop, when polling hit an error that retrying cannot fix
                (a deprecated domain, a refused request, ...). In-flight tasks were still stopped
                gracefully first.
        """
        await self._claim_and_check()
        await self._run()

    async def _run(self) -> None:
        if self._state is not ActorState.IDLE:
            # stop() came before the task got to run.
            self._running.set()
            self._stopped.set()
            return
        self._state = ActorState.RUNNING
        self._running.set()
        logger.info("%r started (identity %s)", self, self.identity)
        self._count_poller(+1)
        self._poll_scope = anyio.CancelScope()
        try:
            try:
                async with anyio.create_task_group() as group:
                    self._opening(group)
                    group.start_soon(self._poll_loop)
                    try:
                        await self._supervise()
                    except BaseException:
                        # Cancelled from outside, or failing: what a task group does to its tasks.
                        self._cancel_handlers()
                        raise
                    finally:
                        self._closing()
            finally:
                # After the task group, so the poll loop is done: no handler can start once this returns.
                await self._join_handlers()
        except Exception as error:
            if self._error is None:
                self._error = error
            raise
        finally:
            self._count_poller(-1)
            self._state = ActorState.STOPPED
            self._stopped.set()
            logger.info("%r stopped", self)
        if self._error is not None:
            raise self._error

    def _count_poller(self, change: int) -> None:
        conn = self.connection
        count = _pollers[conn] = _pollers.get(conn, 0) + change
        if change < 0 or conn in _warned:
            return
        try:
            size = int(conn.client.meta.config.max_pool_connections)
        except (ConnectionStateError, AttributeError, TypeError, ValueError):
            return
        if count + POOL_ROOM > size:
            _warned.add(conn)
            logger.warning(
                "%d actors poll through %r, whose pool holds %d HTTP connections: each long poll holds one, "
                "so answers and heartbeats will wait. Give the Connection max_pool_connections >= %d.",
                count,
                conn,
                size,
                count + POOL_ROOM,
            )

    async def _supervise(self) -> None:
        """Waits for stop(), then for in-flight tasks, cancelling them once the deadline passes."""
        while self._state is ActorState.RUNNING:
            await self._wait_for_wakeup(math.inf)
        logger.info("%r stopping: %d task(s) in flight", self, len(self._in_flight))
        if not self.finish_polls and self._poll_scope is not None:
            self._poll_scope.cancel()
        while (self._in_flight or not self._poll_done) and anyio.current_time() < self._deadline:
            await self._wait_for_wakeup(self._deadline)
        self._expire()

    def _expire(self) -> None:
        self._expired = True
        if self._poll_scope is not None:
            self._poll_scope.cancel()
        report_deadline = anyio.current_time() + REPORT_TIMEOUT
        for record in self._in_flight.values():
            record.limit_report(report_deadline)
            record.cancel(StopReason.STOP)

    async def _wait_for_wakeup(self, deadline: float) -> None:
        with anyio.CancelScope(deadline=deadline):
            await self._wakeup.wait()
        self._wakeup.clear()

    def _wake(self) -> None:
        self._wakeup.set()

    async def stop(self, grace: float | None = None) -> None:
        """Stops the actor gracefully and returns once it is stopped.

        No new poll starts; in-flight tasks get `grace` seconds to finish, then their handlers are
        cancelled and the tasks reported to SWF. Stopping twice is fine (a shorter grace given later
        wins); stopping an actor that never started just marks it stopped.

        Args:
            grace: Seconds in-flight tasks get to finish (default: the actor's `grace`).

        Raises:
            ValidationError: When `grace` is not a number of seconds of at least 0.
        """
        grace = self.grace if grace is None else _check_grace(grace)
        if not self._claimed:
            self._state = ActorState.STOPPED
            self._stopped.set()
            return
        self._deadline = min(self._deadline, anyio.current_time() + grace)
        if self._state is ActorState.RUNNING:
            self._state = ActorState.STOPPING
        elif self._state is ActorState.IDLE:
            # Started, but its task has not run yet: it will see STOPPED and end at once.
            self._state = ActorState.STOPPED
        self._wake()
        await self._stopped.wait()

    async def wait(self) -> None:
        """Waits until the actor is stopped.

        Raises:
            SWFError: What made the actor stop, when it stopped on an error.
        """
        if self._claimed:
            await self._stopped.wait()
        if self._error is not None:
            raise self._error

    async def __aenter__(self: _A) -> _A:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()
        if exc is None and self._error is not None:
            raise self._error

    # Polling ---------------------------------------------------------------------------------------------

    async def _poll_loop(self) -> None:
        streak = FailureStreak(f"{type(self).__name__} polling {self.domain_name}/{self.task_list}", logger)
        assert self._poll_scope is not None
        loop = asyncio.get_running_loop()
        try:
            with self._poll_scope:
                while self._state is ActorState.RUNNING:
                    while self._free_slots == 0:
                        await self._slot_freed.wait()
                        self._slot_freed.clear()
                    if self._state is not ActorState.RUNNING:
                        break
                    self._free_slots -= 1
                    try:
                        task = await self._poll_task()
                    except SWFError as error:
                        self._release_slot()
                        if isinstance(error, DomainDoesNotExist) and self._domain_seen:
                            await anyio.sleep(self.backoff.delay(self._domain_vanished(streak, error)))
                            continue
                        if isinstance(error, _FATAL):
                            if isinstance(error, DomainDoesNotExist):
                                error = self._missing_domain(error)
                            self._fail(error)
                            return
                        level = logging.WARNING if is_transient(error) else logging.ERROR
                        await anyio.sleep(self.backoff.delay(streak.failed(error, level=level)))
                        continue
                    except anyio.get_cancelled_exc_class():
                        self._release_slot()
                        raise
                    except Exception as error:
                        self._release_slot()
                        self._fail(error)
                        return
                    streak.succeeded()
                    self._domain_seen = True
                    if task is None:
                        self._release_slot()
                        continue
                    # Registered before its task runs, so that stop() never misses it.
                    record = InFlight(task)
                    self._in_flight[id(record)] = record
                    # A plain asyncio task, not one of the task group's: spawning in an anyio group costs
                    # about 18 us a task against 4 us (measured), a third of the actor loop's own work per
                    # decision task. _run joins them where the group would (_join_handlers), and
                    # _handle_task catches everything but cancellation, as the group would have needed.
                    handler = loop.create_task(self._handle_task(task, record))
                    self._handlers.add(handler)
                    handler.add_done_callback(self._handlers.discard)
        finally:
            self._poll_done = True
            self._wake()

    async def _join_handlers(self) -> None:
        """Waits for the tasks handling polled tasks, as a task group waits for its tasks.

        Normally they are done, or reporting within their report deadline, when the supervisor returns.
        When the actor itself is cancelled, they are cancelled too (once), waited for with the cancellation
        held off, and then the cancellation goes on.
        """
        cancelled: BaseException | None = None
        while self._handlers:
            try:
                with anyio.CancelScope(shield=self._handlers_cancelled):
                    await asyncio.wait(set(self._handlers))
            except anyio.get_cancelled_exc_class() as error:
                cancelled = error
                self._cancel_handlers()
        # A handler cancelled before its first step never ran its own clean-up.
        self._in_flight.clear()
        if cancelled is not None:
            raise cancelled

    def _cancel_handlers(self) -> None:
        """Cancels the handlers once: a second cancel would break into a report they make shielded."""
        if self._handlers_cancelled:
            return
        self._handlers_cancelled = True
        for handler in self._handlers:
            handler.cancel()

    def _domain_vanished(self, streak: FailureStreak, error: DomainDoesNotExist) -> int:
        """Counts a poll that found the domain gone; logs one error for the streak. Returns the count."""
        failures = streak.failed(error, level=logging.DEBUG)
        if failures == 1:
            logger.error(
                "%r: domain %r no longer exists (%s); polling on with backoff until it is registered again",
                self,
                self.domain_name,
                error.message or error.code,
            )
        return failures

    def _fail(self, error: Exception) -> None:
        logger.error("%r cannot go on: %r; stopping gracefully", self, error)
        self._error = error
        self._error_logged = True
        if self._state is ActorState.RUNNING:
            self._deadline = min(self._deadline, anyio.current_time() + self.grace)
            self._state = ActorState.STOPPING
        self._wake()

    def _release_slot(self) -> None:
        self._free_slots += 1
        self._slot_freed.set()

    async def _handle_task(self, task: _T, record: InFlight) -> None:
        if self._expired:
            record.cancel(StopReason.STOP)
            record.limit_report(anyio.current_time() + REPORT_TIMEOUT)
        try:
            await self._process(task, record)
        except anyio.get_cancelled_exc_class():
            raise
        except Exception:
            logger.exception("%r: error handling task %s; it is left to its SWF timeout", self, record.ref)
        finally:
            del self._in_flight[id(record)]
            self._release_slot()
            # Only a stopping actor's supervisor waits for its tasks; a running one sleeps until stop().
            if self._state is not ActorState.RUNNING:
                self._wake()

    # What subclasses provide -----------------------------------------------------------------------------

    def _opening(self, group: TaskGroup) -> None:
        """Called when the actor's task group opens, before the first poll."""

    def _closing(self) -> None:
        """Called once in-flight tasks are done or cancelled, before the actor's task group ends."""

    def _about(self, task: _T) -> str:
        """What a task is about, for log lines (built only when one is written)."""
        return "a task"

    async def _poll_task(self) -> _T | None:
        """Polls once; returns the task, or None after an empty poll."""
        raise NotImplementedError

    async def _process(self, task: _T, record: InFlight) -> None:
        """Handles one task and answers SWF."""
        raise NotImplementedError

    # Answering SWF, with retries -------------------------------------------------------------------------

    async def _respond(self, operation: str, record: InFlight, **params: Any) -> bool:
        """Sends an answer for a task, retrying transient errors until it is taken, refused or too late.

        Returns:
            Whether SWF took the answer.
        """
        streak: FailureStreak | None = None
        with record.report_scope():
            while True:
                try:
                    await self.connection.call(operation, **params)
                except DoesNotExistError:
                    logger.warning(
                        "%r: %s for task %s (%s) refused: SWF no longer knows the task "
                        "(it timed out or its execution closed)",
                        self,
                        operation,
                        record.ref,
                        self._about(record.task),
                    )
                    return False
                except SWFError as error:
                    if not is_transient(error):
                        logger.error(
                            "%r: %s for task %s (%s) failed: %r; the task is left to its SWF timeout",
                            self,
                            operation,
                            record.ref,
                            self._about(record.task),
                            error,
                        )
                        return False
                    if streak is None:
                        streak = FailureStreak(
                            f"{type(self).__name__} {operation} for task {record.ref} "
                            f"({self._about(record.task)})",
                            logger,
                        )
                    await anyio.sleep(self.backoff.delay(streak.failed(error)))
                    continue
                if streak is not None:
                    streak.succeeded()
                return True
        logger.error(
            "%r: gave up sending %s for task %s (%s) when stopping; the task is left to its SWF timeout",
            self,
            operation,
            record.ref,
            self._about(record.task),
        )
        return False
