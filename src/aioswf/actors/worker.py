"""`ActivityWorker`: polls activity tasks, runs each in a handler chosen by activity type, answers SWF.

While a handler runs, the worker heartbeats for it. A heartbeat answered with a cancellation request
cancels the handler and answers ``RespondActivityTaskCanceled``; a heartbeat answered with
``UnknownResourceFault`` (the task timed out, or its execution closed) cancels the handler and answers
nothing, since SWF would take no answer. A heartbeat refused for a reason retrying cannot fix (SWF's
``ValidationException``, details over 2,048 characters, ...) stops the handler too, and the task is failed
with the refusal as its reason: the task cannot be kept alive, and SWF would otherwise time it out later
(so does an error in sending it that is not SWF's, such as a bug in an overridden `ActivityWorker.heartbeat`).
One task per worker sends every running activity's heartbeats, each when it is due (`aioswf.actors.heartbeats`).
Coroutine handlers are cancelled at their next ``await``; plain functions run in threads, which Python
cannot interrupt: they see the request through `ActivityContext.should_stop` and the worker waits for
them (except when it stops, where it waits only for the grace period).
"""

from __future__ import annotations

import contextvars
import logging
import math
from collections.abc import Awaitable, Callable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar, overload

import anyio
import attrs

from aioswf import constants, validation
from aioswf.actors.backoff import Backoff, FailureStreak, is_transient
from aioswf.actors.base import DEFAULT_GRACE, Actor, InFlight, StopReason
from aioswf.actors.handlers import call_handler, clip_head, clip_tail, describe_error, is_async_callable
from aioswf.actors.heartbeats import Heartbeats
from aioswf.exceptions import (
    DoesNotExistError,
    PollTimeout,
    SWFError,
    UnexpectedResponseError,
    ValidationError,
)
from aioswf.models.activity import ActivityType
from aioswf.models.task import ActivityTask

if TYPE_CHECKING:
    from anyio.abc import TaskGroup

    from aioswf.connection import Connection
    from aioswf.models.domain import Domain

__all__ = [
    "DEFAULT_HEARTBEAT_INTERVAL",
    "ActivityContext",
    "ActivityError",
    "ActivityHandler",
    "ActivityWorker",
    "current_activity",
    "heartbeat_interval_for",
]

logger = logging.getLogger("aioswf.actors")

#: Seconds between heartbeats when the activity type's heartbeat timeout is unknown or unlimited.
DEFAULT_HEARTBEAT_INTERVAL = 30.0

#: Seconds the worker waits for ``DescribeActivityType`` when it looks up a type's heartbeat timeout.
DESCRIBE_TIMEOUT = 10.0

#: An activity handler: called with the task, returns the result (a string, or None).
ActivityHandler = Callable[[ActivityTask], Awaitable[str | None] | str | None]
_H = TypeVar("_H", bound=ActivityHandler)

_current: contextvars.ContextVar[ActivityContext] = contextvars.ContextVar("aioswf_activity")


def heartbeat_interval_for(heartbeat_timeout: str | int | None) -> float:
    """The interval of automatic heartbeats for a heartbeat timeout: a third of it.

    Args:
        heartbeat_timeout: The task's heartbeat timeout in seconds, ``"NONE"`` or ``None`` (unknown).

    Returns:
        A third of the timeout, so that two heartbeats in a row may be lost without the task timing out;
        `DEFAULT_HEARTBEAT_INTERVAL` when the timeout is unlimited or unknown.
    """
    if heartbeat_timeout is None or str(heartbeat_timeout).upper() == constants.NONE:
        return DEFAULT_HEARTBEAT_INTERVAL
    seconds = int(heartbeat_timeout)
    return seconds / 3 if seconds > 0 else DEFAULT_HEARTBEAT_INTERVAL


class ActivityError(Exception):
    """Raise it from a handler to fail the task with this exact reason and details.

    Any other exception fails the task too, with its type and message as the reason and its traceback as
    details.

    Args:
        reason: Why the task failed (at most 256 characters; longer is cut, and says so).
        details: More about it (at most 32,768 characters; longer is cut, and says so).
    """

    def __init__(self, reason: str, details: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.details = details


@attrs.define(eq=False)
class ActivityContext:
    """What a running handler can know and do about its task; `current_activity` returns it.

    Attributes:
        task: The task being handled.
        cancel_requested: Whether SWF asked for the task to be canceled.
    """

    task: ActivityTask
    _worker: ActivityWorker
    _record: InFlight
    cancel_requested: bool = False
    _details: str | None = None
    _stop_asked: bool = False

    @property
    def details(self) -> str | None:
        """Details sent with the next automatic heartbeat (e.g. progress); set it from the handler.

        Raises:
            ValidationError: When set to more than 2,048 characters (SWF's limit for heartbeats).
        """
        return self._details

    @details.setter
    def details(self, value: str | None) -> None:
        self._details = validation.check_heartbeat_details(value, "details")

    def should_stop(self) -> bool:
        """Whether the handler should stop: cancellation requested, task timed out, or the worker stopping.

        Plain (threaded) handlers should check it between steps; coroutine handlers are cancelled anyway.
        """
        return self._record.stop_requested or self._stop_asked

    async def heartbeat(self, details: str | None = None) -> bool:
        """Sends a heartbeat now, from a coroutine handler.

        Args:
            details: Details to record (default: `details`).

        Returns:
            Whether SWF asked for the task to be canceled.

        Raises:
            DoesNotExistError: When SWF no longer knows the task.
        """
        if details is not None:
            self.details = details
        requested = await self._worker.heartbeat(self.task.task_token, self._details)
        if requested:
            self.cancel_requested = True
            self._stop_asked = True
        return requested


def current_activity() -> ActivityContext:
    """The context of the activity task the calling handler runs for (threads included).

    Raises:
        RuntimeError: When called outside an activity handler.
    """
    try:
        return _current.get()
    except LookupError:
        raise RuntimeError("current_activity() is only available inside an activity handler") from None


@attrs.frozen
class _Registration:
    handler: ActivityHandler
    heartbeat_interval: float | None
    activity_type: ActivityType | None
    is_async: bool


class _Beating:
    """What the worker's heartbeat task needs to know of one running activity."""

    __slots__ = ("context", "interval", "record", "streak", "threaded")

    def __init__(self, record: InFlight, context: ActivityContext, interval: float, threaded: bool) -> None:
        self.record = record
        self.context = context
        self.interval = interval
        self.threaded = threaded
        self.streak: FailureStreak | None = None


_Outcome = tuple[str, dict[str, Any]]


def _failure(reason: str, details: str | None = None) -> _Outcome:
    params = {"reason": clip_head(reason, constants.MAX_REASON_LENGTH)}
    if details is not None:
        params["details"] = clip_tail(details, constants.MAX_DATA_LENGTH)
    return ("RespondActivityTaskFailed", params)


def _result(value: object) -> _Outcome:
    if value is None:
        return ("RespondActivityTaskCompleted", {})
    if not isinstance(value, str):
        return _failure(
            f"the activity handler returned a {type(value).__name__}; a result must be a string or None "
            "(serialize it, e.g. with json.dumps)"
        )
    if len(value) > constants.MAX_DATA_LENGTH:
        return _failure(
            f"the activity result is {len(value)} characters long; SWF accepts at most "
            f"{constants.MAX_DATA_LENGTH} (store large results elsewhere and return a reference)"
        )
    return ("RespondActivityTaskCompleted", {"result": value})


def _key(activity: ActivityType | str | tuple[str, str]) -> tuple[str, str | None]:
    if isinstance(activity, ActivityType):
        return (activity.name, activity.version)
    if isinstance(activity, str):
        return (validation.check_name(activity, "activity"), None)
    if isinstance(activity, tuple) and len(activity) == 2:
        name, version = activity
        return (validation.check_name(name, "activity"), validation.check_version(version, "version"))
    raise ValidationError(
        "activity must be an ActivityType, a name, or a (name, version) pair; "
        f"got {validation.describe_value(activity)}",
        argument="activity",
        limit="an ActivityType, a name or a (name, version) pair",
    )


def _check_handler(handler: object, argument: str = "handler") -> None:
    if not callable(handler):
        raise ValidationError(
            f"{argument} must be callable (a function or coroutine function taking the task), "
            f"not {type(handler).__name__}",
            argument=argument,
            limit="a callable",
        )


class ActivityWorker(Actor[ActivityTask]):
    """Polls a task list for activity tasks and runs each in the handler registered for its type.

    Register handlers by activity type: an `ActivityType`, a ``(name, version)`` pair, or a name for any
    version. Coroutine functions run on the event loop; plain functions in worker threads. A handler returns
    the result (a string or None); raising fails the task (see `ActivityError`). Or subclass and override
    `handle`.

    Args:
        domain: The domain (a `Domain` model, or its name).
        task_list: The activity task list to poll.
        handlers: Handlers by activity type (more can be added with `register`).
        identity: Who polls, as recorded in the history (default: ``hostname:pid``).
        connection: The connection to use (default: the one open in the context that starts it).
        max_concurrent: How many tasks run at once; the worker polls only when one of these slots is free.
        heartbeat_interval: Seconds between automatic heartbeats (default: a third of the type's heartbeat
            timeout, from the registered `ActivityType` or else from SWF's ``DescribeActivityType``).
        backoff: How to wait between retries after network errors, HTTP 5xx and throttling.
        finish_polls: On stop, let the poll in flight return within the grace period.
        grace: Seconds in-flight tasks get to finish when it stops without being told how long.

    Raises:
        ValidationError: When an argument breaks SWF's limits.
    """

    def __init__(
        self,
        domain: Domain | str,
        task_list: str,
        handlers: Mapping[ActivityType | str | tuple[str, str], ActivityHandler] | None = None,
        *,
        identity: str | None = None,
        connection: Connection | None = None,
        max_concurrent: int = 10,
        heartbeat_interval: float | None = None,
        backoff: Backoff | None = None,
        finish_polls: bool = False,
        grace: float = DEFAULT_GRACE,
    ) -> None:
        super().__init__(
            domain,
            task_list,
            identity=identity,
            connection=connection,
            max_concurrent=max_concurrent,
            backoff=backoff,
            finish_polls=finish_polls,
            grace=grace,
        )
        self.heartbeat_interval = _check_interval(heartbeat_interval)
        self._registry: dict[tuple[str, str | None], _Registration] = {}
        self._heartbeat_timeouts: dict[tuple[str, str], str | None] = {}
        self._threads: anyio.CapacityLimiter | None = None
        self._heartbeats: Heartbeats[_Beating] = Heartbeats(
            self._send_heartbeat, f"aioswf ActivityWorker {self.task_list} heartbeats"
        )
        # Whether handle() is a coroutine function, known once the worker runs its first task.
        self._handle_is_async: bool | None = None
        if handlers is not None and not isinstance(handlers, Mapping):
            raise ValidationError(
                f"handlers must be a mapping of activity types to handlers, not {type(handlers).__name__}",
                argument="handlers",
                limit="a mapping",
            )
        for activity, handler in (handlers or {}).items():
            _check_handler(handler)
            self.register(activity, handler)

    # Registration ----------------------------------------------------------------------------------------

    @overload
    def register(
        self,
        activity: ActivityType | str | tuple[str, str],
        handler: _H,
        *,
        heartbeat_interval: float | None = None,
    ) -> _H: ...
    @overload
    def register(
        self,
        activity: ActivityType | str | tuple[str, str],
        handler: None = None,
        *,
        heartbeat_interval: float | None = None,
    ) -> Callable[[_H], _H]: ...
    def register(
        self,
        activity: ActivityType | str | tuple[str, str],
        handler: _H | None = None,
        *,
        heartbeat_interval: float | None = None,
    ) -> _H | Callable[[_H], _H]:
        """Registers the handler of an activity type; without a handler, returns a decorator.

        Args:
            activity: An `ActivityType` (its heartbeat timeout then sets the heartbeat interval), a
                ``(name, version)`` pair, or a name (any version without a handler of its own).
            handler: The handler.
            heartbeat_interval: Seconds between automatic heartbeats for this type.

        Returns:
            The handler (or a decorator registering the function it decorates).

        Raises:
            ValidationError: When the key is none of these, its name or version breaks SWF's limits, or
                the handler is not callable.
        """
        key = _key(activity)
        if handler is not None:
            _check_handler(handler)
        interval = _check_interval(heartbeat_interval)
        activity_type = activity if isinstance(activity, ActivityType) else None

        def add(function: _H) -> _H:
            _check_handler(function)
            self._registry[key] = _Registration(
                function, interval, activity_type, is_async_callable(function)
            )
            return function

        return add if handler is None else add(handler)

    def handler_for(self, activity_type: ActivityType) -> ActivityHandler | None:
        """The handler registered for an activity type (its name and version, else its name).

        Args:
            activity_type: The type of a task.

        Returns:
            The handler, or None.
        """
        found = self._registration(activity_type)
        return found.handler if found else None

    def _registration(self, activity_type: ActivityType) -> _Registration | None:
        return self._registry.get((activity_type.name, activity_type.version)) or self._registry.get(
            (activity_type.name, None)
        )

    # The seed's operations -------------------------------------------------------------------------------

    async def poll(self, task_list: str | None = None, identity: str | None = None) -> ActivityTask:
        """Long-polls for an activity task.

        Args:
            task_list: The task list to poll (default: the worker's).
            identity: Who polls (default: the worker's identity).

        Returns:
            The task.

        Raises:
            PollTimeout: When the poll ended without a task (normal; poll again).
            SWFError: When SWF or the network failed.
        """
        # The worker's own task list and identity were checked when it was built.
        task_list = validation.check_name(task_list, "task_list") if task_list else self.task_list
        identity = self.identity if identity is None else validation.check_identity(identity, "identity")
        response = await self.connection.call(
            "PollForActivityTask",
            domain=self.domain_name,
            taskList={"name": task_list},
            identity=identity or self.identity,
        )
        if not response.get("taskToken"):
            # AWS answers an empty poll without a taskToken; SWF's reference says an empty one: both are fine.
            raise PollTimeout(f"no activity task on {self.domain_name}/{task_list}")
        try:
            return ActivityTask.from_poll(self._domain_model, task_list, response)
        except ValidationError as error:
            raise UnexpectedResponseError("PollForActivityTask", "UnexpectedResponse", str(error)) from error

    async def complete(self, task_token: str, result: str | None = None) -> None:
        """Reports the task done (``RespondActivityTaskCompleted``).

        Args:
            task_token: The task's token.
            result: The result (at most 32,768 characters).

        Raises:
            ValidationError: When the result breaks SWF's limits (nothing is sent).
            DoesNotExistError: When SWF no longer knows the task (it timed out or its execution closed).
            SWFError: When SWF or the network failed.
        """
        params = {"taskToken": _token(task_token), "result": validation.check_data(result, "result")}
        await self.connection.call("RespondActivityTaskCompleted", **_present(params))

    async def fail(self, task_token: str, details: str | None = None, reason: str | None = None) -> None:
        """Reports the task failed (``RespondActivityTaskFailed``).

        Args:
            task_token: The task's token.
            details: More about the failure (at most 32,768 characters).
            reason: Why it failed (at most 256 characters).

        Raises:
            ValidationError: When the details or reason break SWF's limits (nothing is sent).
            DoesNotExistError: When SWF no longer knows the task.
            SWFError: When SWF or the network failed.
        """
        params = {
            "taskToken": _token(task_token),
            "details": validation.check_data(details, "details"),
            "reason": validation.check_reason(reason, "reason"),
        }
        await self.connection.call("RespondActivityTaskFailed", **_present(params))

    async def cancel(self, task_token: str, details: str | None = None) -> None:
        """Reports the task canceled (``RespondActivityTaskCanceled``), with its details.

        Args:
            task_token: The task's token.
            details: More about the cancellation (at most 32,768 characters).

        Raises:
            ValidationError: When the details break SWF's limits (nothing is sent).
            DoesNotExistError: When SWF no longer knows the task.
            SWFError: When SWF or the network failed.
        """
        params = {"taskToken": _token(task_token), "details": validation.check_data(details, "details")}
        await self.connection.call("RespondActivityTaskCanceled", **_present(params))

    async def heartbeat(self, task_token: str, details: str | None = None) -> bool:
        """Records a heartbeat for the task (``RecordActivityTaskHeartbeat``).

        Args:
            task_token: The task's token.
            details: Details to record, e.g. progress (at most 2,048 characters).

        Returns:
            Whether SWF asked for the task to be canceled.

        Raises:
            ValidationError: When the details break SWF's limits (nothing is sent).
            DoesNotExistError: When SWF no longer knows the task (it timed out or its execution closed).
            SWFError: When SWF or the network failed.
        """
        params = {
            "taskToken": _token(task_token),
            "details": validation.check_heartbeat_details(details, "details"),
        }
        response = await self.connection.call("RecordActivityTaskHeartbeat", **_present(params))
        return bool(response.get("cancelRequested", False))

    async def handle(self, task: ActivityTask) -> str | None:
        """Runs the task's handler. Override it to dispatch tasks your own way.

        Args:
            task: The task.

        Returns:
            The result.

        Raises:
            ActivityError: When no handler is registered for the task's type.
        """
        registration = self._registration(task.activity_type)
        if registration is None:
            raise ActivityError(
                f"no handler for activity type {task.activity_type.name} version "
                f"{task.activity_type.version} on this worker ({self.identity})"
            )
        if registration.is_async:
            value: str | None = await registration.handler(task)  # type: ignore[misc]
            return value
        if self._threads is None:
            self._threads = anyio.CapacityLimiter(self.max_concurrent)
        result: str | None = await call_handler(registration.handler, task, limiter=self._threads)
        return result

    # The run loop ----------------------------------------------------------------------------------------

    async def _poll_task(self) -> ActivityTask | None:
        try:
            return await self.poll()
        except PollTimeout:
            return None

    def _handle_async(self) -> bool:
        """Whether ``handle`` (the worker's own, or a subclass's override) is async; found once."""
        if self._handle_is_async is None:
            self._handle_is_async = is_async_callable(self.handle)
        return self._handle_is_async

    async def _call_handle(self, task: ActivityTask) -> Any:
        if self._handle_async():
            return await self.handle(task)
        # A subclass may override handle() with plain code: keep it off the event loop.
        if self._threads is None:
            self._threads = anyio.CapacityLimiter(self.max_concurrent)
        return await call_handler(self.handle, task, limiter=self._threads)

    def _runs_in_thread(self, task: ActivityTask) -> bool:
        if type(self).handle is not ActivityWorker.handle:
            return not self._handle_async()
        registration = self._registration(task.activity_type)
        return registration is not None and not registration.is_async

    def _known_interval(self, task: ActivityTask) -> float | None:
        """The task's heartbeat interval when it is known without asking SWF; None when SWF must be asked."""
        registration = self._registration(task.activity_type)
        if registration is not None and registration.heartbeat_interval is not None:
            return registration.heartbeat_interval
        if self.heartbeat_interval is not None:
            return self.heartbeat_interval
        registered = registration.activity_type if registration is not None else None
        if registered is not None and registered.task_heartbeat_timeout is not None:
            return heartbeat_interval_for(registered.task_heartbeat_timeout)
        key = (task.activity_type.name, task.activity_type.version)
        if key in self._heartbeat_timeouts:
            return heartbeat_interval_for(self._heartbeat_timeouts[key])
        return None

    async def _registered_heartbeat_timeout(self, activity_type: ActivityType) -> str | None:
        key = (activity_type.name, activity_type.version)
        if key not in self._heartbeat_timeouts:
            try:
                response = await self.connection.call(
                    "DescribeActivityType",
                    domain=self.domain_name,
                    activityType={"name": key[0], "version": key[1]},
                )
            except SWFError as error:
                logger.debug("%r: could not describe activity type %s/%s: %r", self, *key, error)
                return None
            configuration = response.get("configuration") or {}
            self._heartbeat_timeouts[key] = configuration.get("defaultTaskHeartbeatTimeout")
        return self._heartbeat_timeouts[key]

    def _about(self, task: ActivityTask) -> str:
        execution = task.workflow_execution
        return (
            f"activity {task.activity_type.name}/{task.activity_type.version} id {task.activity_id} "
            f"of execution {execution.workflow_id}/{execution.run_id}"
        )

    def _opening(self, group: TaskGroup) -> None:
        self._heartbeats.attach(group)

    def _closing(self) -> None:
        self._heartbeats.close()

    async def _process(self, task: ActivityTask, record: InFlight) -> None:
        context = ActivityContext(task, self, record)
        try:
            outcome = await self._execute(task, record, context)
        except anyio.get_cancelled_exc_class():
            # Cancelled from outside (not by stop()): tell SWF briefly, then let the cancellation go on.
            with anyio.CancelScope(shield=True) as scope:
                scope.deadline = anyio.current_time() + 5.0
                try:
                    await self.fail(task.task_token, reason="aioswf: the activity worker was cancelled")
                except SWFError as error:
                    logger.warning("%r: could not report cancelled task %s: %r", self, record.ref, error)
            raise
        if outcome is None:
            return
        operation, params = outcome
        await self._respond(operation, record, taskToken=task.task_token, **params)

    async def _execute(
        self, task: ActivityTask, record: InFlight, context: ActivityContext
    ) -> _Outcome | None:
        threaded = self._runs_in_thread(task)
        interval = self._known_interval(task)
        if interval is None:
            # Only the first task of a type the worker knows nothing about asks SWF (then it is cached).
            interval = DEFAULT_HEARTBEAT_INTERVAL
            with anyio.move_on_after(DESCRIBE_TIMEOUT):
                interval = heartbeat_interval_for(
                    await self._registered_heartbeat_timeout(task.activity_type)
                )
        beat = self._heartbeats.add(_Beating(record, context, interval, threaded), interval)
        outcome: _Outcome | None = None
        reset = _current.set(context)
        try:
            with record.handler_scope:
                try:
                    outcome = _result(await self._call_handle(task))
                except ActivityError as error:
                    outcome = _failure(error.reason, error.details)
                except Exception as error:
                    if context.cancel_requested:
                        outcome = ("RespondActivityTaskCanceled", _present({"details": context.details}))
                    else:
                        outcome = _failure(
                            *describe_error(error, constants.MAX_REASON_LENGTH, constants.MAX_DATA_LENGTH)
                        )
        finally:
            _current.reset(reset)
            self._heartbeats.remove(beat)
        if record.reason is StopReason.GONE:
            logger.warning(
                "%r: %s: %s; handler stopped, no answer sent", self, self._about(task), record.reason.value
            )
            return None
        if record.reason is StopReason.HEARTBEAT_REFUSED or record.reason is StopReason.HEARTBEAT_FAILED:
            # Whatever the handler returned after being asked to stop is not the task's result.
            return _failure(
                f"aioswf: {record.reason.value}: {record.cause}", f"activity worker {self.identity}"
            )
        if record.handler_scope.cancelled_caught:
            if context.cancel_requested:
                return ("RespondActivityTaskCanceled", _present({"details": context.details}))
            if threaded:
                logger.warning(
                    "%r: %s: the worker stopped while its thread ran; the thread runs on, its outcome ignored",
                    self,
                    self._about(task),
                )
            return _failure(f"aioswf: {StopReason.STOP.value}", f"activity worker {self.identity}")
        return outcome

    async def _send_heartbeat(self, beating: _Beating) -> float | None:
        """Sends one automatic heartbeat; returns the seconds until the next, or None after the last."""
        record, context = beating.record, beating.context
        task: ActivityTask = record.task
        try:
            requested = await self.heartbeat(task.task_token, context.details)
        except DoesNotExistError:
            reason = StopReason.GONE
        except Exception as error:
            if isinstance(error, SWFError) and is_transient(error):
                if beating.streak is None:
                    beating.streak = FailureStreak(f"heartbeat for {self._about(task)}", logger)
                return min(beating.interval, self.backoff.delay(beating.streak.failed(error)))
            # Retrying cannot fix it: the task cannot be kept alive, so its handler stops now.
            record.cause = error
            if isinstance(error, SWFError):
                logger.error(
                    "%r: %s: heartbeat refused: %s; stopping the handler, failing the task",
                    self,
                    self._about(task),
                    error,
                )
                reason = StopReason.HEARTBEAT_REFUSED
            else:  # not SWF's answer but a bug (in an overridden heartbeat(), say): said with its traceback
                logger.exception(
                    "%r: %s: heartbeat failed: %r; stopping the handler, failing the task",
                    self,
                    self._about(task),
                    error,
                )
                reason = StopReason.HEARTBEAT_FAILED
        else:
            if beating.streak is not None:
                beating.streak.succeeded()
            if not requested:
                return beating.interval
            context.cancel_requested = True
            reason = StopReason.CANCEL_REQUESTED
        if beating.threaded:
            # Python cannot interrupt a thread: the handler sees should_stop() and the worker waits.
            record.ask_to_stop(reason)
        else:
            record.cancel(reason)
        logger.info("%r: %s: %s; cancelling its handler", self, self._about(task), reason.value)
        return None


def _token(task_token: str) -> str:
    return validation.check_task_token(task_token, "task_token")


def _present(params: Mapping[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in params.items() if value is not None}


def _check_interval(value: float | None) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value < math.inf:
        raise ValidationError(
            f"heartbeat_interval must be a positive, finite number of seconds, "
            f"got {validation.describe_value(value)}",
            argument="heartbeat_interval",
            limit="more than 0 seconds",
        )
    return float(value)
