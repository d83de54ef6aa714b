"""Definitions: ``@flow.activity``, ``@flow.workflow``, ``@flow.signal`` and `RetryPolicy`.

The decorators check names, versions and durations against SWF's limits when the module is imported (a
`ValidationError` names the argument), and attach a definition to what they decorate: the function or
class stays what it was, so activities can be called directly in tests. Durations are
`datetime.timedelta` or seconds (int or float) everywhere; SWF counts whole seconds, so they are rounded
up.
"""

from __future__ import annotations

import functools
import inspect
import math
import typing
from collections.abc import Callable, Mapping, Sequence
from datetime import timedelta
from typing import Any, TypeVar, overload

import attrs

from aioswf import constants, validation
from aioswf.actors.handlers import is_async_callable
from aioswf.connection import Connection
from aioswf.exceptions import ValidationError
from aioswf.models.domain import Domain
from aioswf.models.workflow import WorkflowType

__all__ = [
    "ActivityDefinition",
    "Duration",
    "RetryPolicy",
    "SignalDefinition",
    "WorkflowDefinition",
    "activity",
    "activity_definition",
    "signal",
    "signal_name",
    "swf_seconds",
    "to_seconds",
    "workflow",
    "workflow_definition",
]

#: A duration: a `timedelta`, or seconds.
Duration = timedelta | int | float

_F = TypeVar("_F", bound=Callable[..., Any])
_C = TypeVar("_C", bound=type)

_ACTIVITY_ATTR = "__aioswf_activity__"
_WORKFLOW_ATTR = "__aioswf_workflow__"
_SIGNAL_ATTR = "__aioswf_signal__"

#: SWF's longest execution: one year.
MAX_EXECUTION_SECONDS = 365 * 24 * 3600


def to_seconds(value: Duration, argument: str) -> float:
    """A duration in seconds.

    Args:
        value: A `timedelta`, or seconds.
        argument: The argument's name, for the error.

    Returns:
        The seconds, at least 0.

    Raises:
        ValidationError: When the value is not a duration or is negative.
    """
    if isinstance(value, timedelta):
        seconds = value.total_seconds()
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        seconds = float(value)
    else:
        raise ValidationError(
            f"{argument} must be a timedelta or a number of seconds, not {type(value).__name__}",
            argument=argument,
            limit="a duration",
        )
    if not math.isfinite(seconds) or seconds < 0:
        raise ValidationError(
            f"{argument} must be a duration of at least 0 seconds, got {value!r}",
            argument=argument,
            limit=">= 0",
        )
    return seconds


def swf_seconds(value: Duration | str | None, argument: str) -> str | None:
    """A duration as SWF's string of whole seconds, rounded up (``"NONE"`` passes through).

    Args:
        value: A `timedelta`, seconds, ``"NONE"`` (no limit, where SWF allows it) or ``None`` (not set).
        argument: The argument's name, for the error.

    Returns:
        SWF's string, or ``None``.

    Raises:
        ValidationError: When the value is not a duration.
    """
    if value is None:
        return None
    if isinstance(value, str):
        if value == constants.NONE:
            return value
        raise ValidationError(
            f'{argument} must be a duration or "NONE", got {value!r}', argument=argument, limit="a duration"
        )
    return validation.check_timeout(str(math.ceil(round(to_seconds(value, argument), 6))), argument)


def _type_names(values: Sequence[str | type[BaseException]] | str | type[BaseException]) -> tuple[str, ...]:
    if isinstance(values, (str, type)):
        values = (values,)
    names: list[str] = []
    for value in values:
        if isinstance(value, type):
            names.append(value.__name__)
        elif isinstance(value, str):
            names.append(value)
        else:
            raise ValidationError(
                f"non_retryable takes exception classes or their names, not {type(value).__name__}",
                argument="non_retryable",
                limit="classes or names",
            )
    return tuple(names)


def _initial_interval(value: Duration) -> float:
    return to_seconds(value, "initial_interval")


def _maximum_interval(value: Duration | None) -> float | None:
    return None if value is None else to_seconds(value, "maximum_interval")


@attrs.frozen
class RetryPolicy:
    """How an activity is retried: after a backoff, by SWF timers, with jitter from the run's own stream.

    The n-th retry waits ``initial_interval * backoff ** (n - 1)``, at most ``maximum_interval``, varied by
    up to ``jitter`` of itself (deterministically: a replay waits the same). Timeouts are retried like
    failures; an activity that raises an error whose type is in ``non_retryable`` (or an
    `ApplicationError` with ``non_retryable=True``) is not retried.

    Args:
        initial_interval: The first wait (default 1 second).
        backoff: How much each wait grows (at least 1).
        maximum_interval: The longest wait (default 100 times the first).
        maximum_attempts: Attempts in all, the first included (0: no limit).
        non_retryable: Error types (classes or names) that are never retried.
        jitter: The fraction by which a wait may vary, 0 to 1.

    Raises:
        ValidationError: When an argument is out of range.
    """

    initial_interval: float = attrs.field(default=1.0, converter=_initial_interval)
    backoff: float = 2.0
    maximum_interval: float | None = attrs.field(default=None, converter=_maximum_interval)
    maximum_attempts: int = 0
    non_retryable: tuple[str, ...] = attrs.field(default=(), converter=_type_names)
    jitter: float = 0.1

    def __attrs_post_init__(self) -> None:
        if isinstance(self.backoff, bool) or not isinstance(self.backoff, (int, float)) or self.backoff < 1:
            raise ValidationError(
                f"backoff must be a number of at least 1, got {self.backoff!r}",
                argument="backoff",
                limit=">= 1",
            )
        if (
            isinstance(self.maximum_attempts, bool)
            or not isinstance(self.maximum_attempts, int)
            or self.maximum_attempts < 0
        ):
            raise ValidationError(
                f"maximum_attempts must be a whole number of at least 0, got {self.maximum_attempts!r}",
                argument="maximum_attempts",
                limit=">= 0 (0: no limit)",
            )
        if not isinstance(self.jitter, (int, float)) or not 0 <= self.jitter <= 1:
            raise ValidationError(
                f"jitter must be between 0 and 1, got {self.jitter!r}", argument="jitter", limit="0-1"
            )

    def delay(self, retry: int, uniform: float) -> int:
        """Seconds to wait before the given retry.

        Args:
            retry: 1 for the first retry (the second attempt), 2 for the next, ...
            uniform: A number in [0, 1) from the run's deterministic stream.

        Returns:
            Whole seconds (the nearest), at least 1: SWF's timers count whole seconds.
        """
        ceiling = self.maximum_interval if self.maximum_interval is not None else 100 * self.initial_interval
        base = min(self.initial_interval * self.backoff ** (retry - 1), max(ceiling, self.initial_interval))
        varied = base * (1 + self.jitter * (2 * uniform - 1))
        return max(1, round(varied))

    def allows(self, attempt: int, error_type: str | None, non_retryable: bool = False) -> bool:
        """Whether another attempt may follow the given one.

        Args:
            attempt: The attempt that just failed (1 for the first).
            error_type: The failure's type name (``None`` for a timeout).
            non_retryable: Whether the failure itself said it must not be retried.

        Returns:
            True when the activity is to be retried.
        """
        if non_retryable or (error_type is not None and error_type in self.non_retryable):
            return False
        return self.maximum_attempts == 0 or attempt < self.maximum_attempts


def _hints(function: Callable[..., Any], skip_first: bool) -> tuple[tuple[Any, ...], Any]:
    """The type hints of a function's positional parameters and of its result (``Any`` when absent)."""
    try:
        resolved = typing.get_type_hints(function)
    except Exception:
        resolved = {}
    parameters = list(inspect.signature(function).parameters.values())
    if skip_first and parameters:
        parameters = parameters[1:]
    positional = tuple(
        resolved.get(parameter.name, Any)
        for parameter in parameters
        if parameter.kind
        in (parameter.POSITIONAL_ONLY, parameter.POSITIONAL_OR_KEYWORD, parameter.VAR_POSITIONAL)
    )
    return positional, resolved.get("return", Any)


def _check_retry(value: RetryPolicy | None) -> RetryPolicy | None:
    if value is not None and not isinstance(value, RetryPolicy):
        raise ValidationError(
            f"retry must be a RetryPolicy, not {type(value).__name__}",
            argument="retry",
            limit="a RetryPolicy",
        )
    return value


@attrs.frozen
class ActivityDefinition:
    """An activity: what ``@flow.activity`` attaches to a function.

    Attributes:
        name: The activity type's name. version: Its version.
        function: The function (async or plain).
        task_list: Its task list (default: the workflow's).
        schedule_to_start, start_to_close, schedule_to_close, heartbeat: Timeouts, as SWF's strings.
        retry: Its retry policy (``None``: one attempt).
        description: Registered with the type.
    """

    name: str
    version: str
    function: Callable[..., Any] | None = attrs.field(eq=False)
    task_list: str | None = None
    schedule_to_start: str | None = None
    start_to_close: str | None = None
    schedule_to_close: str | None = None
    heartbeat: str | None = None
    retry: RetryPolicy | None = None
    description: str | None = None

    @functools.cached_property
    def is_async(self) -> bool:
        """Whether the function is async (else it runs in a worker thread), as the actors judge handlers."""
        return self.function is not None and is_async_callable(self.function)

    @functools.cached_property
    def hints(self) -> tuple[tuple[Any, ...], Any]:
        """The type hints of its parameters and result, for decoding."""
        if self.function is None:
            return ((), Any)
        return _hints(self.function, skip_first=False)


@overload
def activity(function: _F, /) -> _F: ...
@overload
def activity(
    *,
    name: str | None = None,
    version: str = "1",
    task_list: str | None = None,
    schedule_to_start: Duration | str | None = None,
    start_to_close: Duration | str | None = None,
    schedule_to_close: Duration | str | None = None,
    heartbeat: Duration | str | None = None,
    retry: RetryPolicy | None = None,
    description: str | None = None,
) -> Callable[[_F], _F]: ...
def activity(
    function: _F | None = None,
    /,
    *,
    name: str | None = None,
    version: str = "1",
    task_list: str | None = None,
    schedule_to_start: Duration | str | None = None,
    start_to_close: Duration | str | None = None,
    schedule_to_close: Duration | str | None = None,
    heartbeat: Duration | str | None = None,
    retry: RetryPolicy | None = None,
    description: str | None = None,
) -> _F | Callable[[_F], _F]:
    """Declares a function (async, or plain: it then runs in a worker thread) as an SWF activity.

    Used bare (``@flow.activity``) or with options. Timeouts not given are SWF's ``NONE`` (no limit),
    except ``start_to_close``, which defaults to 5 minutes; all are sent with every scheduling, so a
    change in code takes effect without registering the type again.

    Args:
        function: The function, when used bare.
        name: The activity type's name (default: the function's name).
        version: The type's version.
        task_list: The task list its tasks go to (default: the scheduling workflow's).
        schedule_to_start: How long a task may wait for a worker.
        start_to_close: How long a worker may take (default 5 minutes).
        schedule_to_close: How long a task may take in all, waiting included.
        heartbeat: The longest silence between heartbeats (`flow.heartbeat`).
        retry: How failed attempts are retried (default: they are not).
        description: Registered with the type.

    Returns:
        The function itself (with its definition attached), or a decorator.

    Raises:
        ValidationError: When a name, version, task list or duration breaks SWF's limits.
    """

    def decorate(target: _F) -> _F:
        if not callable(target):
            raise TypeError(f"@flow.activity decorates functions, not {type(target).__name__}")
        definition = ActivityDefinition(
            name=validation.check_name(name or target.__name__, "name"),
            version=validation.check_version(version, "version"),
            function=target,
            task_list=None if task_list is None else validation.check_name(task_list, "task_list"),
            schedule_to_start=swf_seconds(schedule_to_start, "schedule_to_start"),
            start_to_close=swf_seconds(300 if start_to_close is None else start_to_close, "start_to_close"),
            schedule_to_close=swf_seconds(schedule_to_close, "schedule_to_close"),
            heartbeat=swf_seconds(heartbeat, "heartbeat"),
            retry=_check_retry(retry),
            description=validation.check_description(description, "description"),
        )
        setattr(target, _ACTIVITY_ATTR, definition)
        return target

    return decorate if function is None else decorate(function)


def activity_definition(target: Any) -> ActivityDefinition:
    """The definition ``@flow.activity`` attached to a function (or the definition itself).

    Raises:
        TypeError: When the function is not an activity.
    """
    if isinstance(target, ActivityDefinition):
        return target
    found = getattr(target, _ACTIVITY_ATTR, None)
    if not isinstance(found, ActivityDefinition):
        raise TypeError(f"{target!r} is not an activity: decorate it with @flow.activity")
    return found


@attrs.frozen
class SignalDefinition:
    """A signal handler of a workflow class.

    Attributes:
        name: The signal's name in SWF. method: The method's name on the class.
        is_async: Whether the handler is a coroutine function (it then runs as a task of the workflow).
        hints: The type hints of its parameters, for decoding.
    """

    name: str
    method: str
    is_async: bool
    hints: tuple[Any, ...] = attrs.field(eq=False)


@overload
def signal(method: _F, /) -> _F: ...
@overload
def signal(*, name: str | None = None) -> Callable[[_F], _F]: ...
def signal(method: _F | None = None, /, *, name: str | None = None) -> _F | Callable[[_F], _F]:
    """Declares a method of a workflow class as the handler of a signal (sync or async).

    A signal's arguments are decoded by the handler's annotations. A handler may run before ``run()``
    starts (a signal can arrive with the start), so set up state in ``__init__``.

    Args:
        method: The method, when used bare.
        name: The signal's name (default: the method's name).

    Returns:
        The method itself, or a decorator.

    Raises:
        ValidationError: When the name breaks SWF's limits.
    """

    def decorate(target: _F) -> _F:
        setattr(target, _SIGNAL_ATTR, validation.check_name(name or target.__name__, "name"))
        return target

    return decorate if method is None else decorate(method)


def signal_name(signal: Any) -> str:
    """The SWF name of a signal given as a name or as a ``@flow.signal`` method.

    Raises:
        TypeError: When it is neither.
    """
    if isinstance(signal, str):
        return validation.check_name(signal, "signal")
    found = getattr(signal, _SIGNAL_ATTR, None)
    if not isinstance(found, str):
        raise TypeError(f"{signal!r} is not a signal: give its name, or a @flow.signal method")
    return found


@attrs.frozen
class WorkflowDefinition:
    """A workflow: what ``@flow.workflow`` attaches to a class.

    Attributes:
        name: The workflow type's name. version: Its version. cls: The class.
        task_list: Its decision task list (default: the worker's, or the parent's for a child).
        execution_start_to_close: How long a run may take (SWF's string).
        task_start_to_close: How long one decision may take (SWF's string).
        child_policy: What happens to its children when it is terminated or times out.
        failure_exceptions: Exception types that fail the execution instead of retrying the decision task.
        signals: Its signal handlers by signal name.
        description: Registered with the type.
    """

    name: str
    version: str
    cls: type = attrs.field(eq=False)
    task_list: str | None = None
    execution_start_to_close: str = str(MAX_EXECUTION_SECONDS)
    task_start_to_close: str = "30"
    child_policy: str = constants.TERMINATE
    failure_exceptions: tuple[type[BaseException], ...] = ()
    signals: Mapping[str, SignalDefinition] = attrs.field(factory=dict, eq=False)
    description: str | None = None

    @functools.cached_property
    def hints(self) -> tuple[tuple[Any, ...], Any]:
        """The type hints of ``run()``'s parameters and result, for decoding."""
        cls: Any = self.cls
        return _hints(cls.run, skip_first=True)

    @property
    def type_key(self) -> tuple[str, str]:
        """``(name, version)``."""
        return (self.name, self.version)

    def workflow_type(
        self, domain: Domain | str, *, task_list: str | None, connection: Connection | None
    ) -> WorkflowType:
        """The `WorkflowType` this workflow registers as: its name, version and defaults.

        Args:
            domain: The domain.
            task_list: Its default task list.
            connection: The connection the model uses.
        """
        return WorkflowType(
            domain,
            self.name,
            self.version,
            description=self.description,
            task_list=task_list,
            child_policy=self.child_policy,
            execution_timeout=self.execution_start_to_close,
            decision_tasks_timeout=self.task_start_to_close,
            connection=connection,
        )


def _signals(cls: type) -> dict[str, SignalDefinition]:
    found: dict[str, SignalDefinition] = {}
    for klass in reversed(cls.__mro__):
        for attribute, value in vars(klass).items():
            signal_name = getattr(value, _SIGNAL_ATTR, None)
            if isinstance(signal_name, str):
                found[signal_name] = SignalDefinition(
                    name=signal_name,
                    method=attribute,
                    is_async=inspect.iscoroutinefunction(value),
                    hints=_hints(value, skip_first=True)[0],
                )
    return found


def _check_exceptions(values: Sequence[type[BaseException]]) -> tuple[type[BaseException], ...]:
    found = tuple(values)
    for value in found:
        if not (isinstance(value, type) and issubclass(value, BaseException)):
            raise ValidationError(
                f"failure_exceptions takes exception classes, not {value!r}",
                argument="failure_exceptions",
                limit="exception classes",
            )
    return found


@overload
def workflow(cls: _C, /) -> _C: ...
@overload
def workflow(
    *,
    name: str | None = None,
    version: str = "1",
    task_list: str | None = None,
    execution_start_to_close: Duration | None = None,
    task_start_to_close: Duration | str | None = None,
    child_policy: str = constants.TERMINATE,
    failure_exceptions: Sequence[type[BaseException]] = (),
    description: str | None = None,
) -> Callable[[_C], _C]: ...
def workflow(
    cls: _C | None = None,
    /,
    *,
    name: str | None = None,
    version: str = "1",
    task_list: str | None = None,
    execution_start_to_close: Duration | None = None,
    task_start_to_close: Duration | str | None = None,
    child_policy: str = constants.TERMINATE,
    failure_exceptions: Sequence[type[BaseException]] = (),
    description: str | None = None,
) -> _C | Callable[[_C], _C]:
    """Declares a class with ``async def run(self, *args)`` as an SWF workflow.

    The class is instantiated with no arguments for each run; ``run()`` gets the run's input, decoded by
    its annotations, and its return value is the run's result.

    Args:
        cls: The class, when used bare.
        name: The workflow type's name (default: the class's name).
        version: The type's version.
        task_list: Its decision task list (default: the worker's; for a child, the parent's).
        execution_start_to_close: How long a run may take (default: SWF's maximum, one year).
        task_start_to_close: How long one decision task may take (default 30 seconds).
        child_policy: ``TERMINATE``, ``REQUEST_CANCEL`` or ``ABANDON``.
        failure_exceptions: Exception types that fail the execution when they escape workflow code; others
            (bugs, `NonDeterminismError`) retry the decision task. `FailureError` always fails it.
        description: Registered with the type.

    Returns:
        The class itself (with its definition attached), or a decorator.

    Raises:
        ValidationError: When an option breaks SWF's limits.
        TypeError: When the class has no ``async def run``.
    """

    def decorate(target: _C) -> _C:
        run = getattr(target, "run", None)
        if run is None or not inspect.iscoroutinefunction(run):
            raise TypeError(f"@flow.workflow class {target.__name__} needs an `async def run(self, ...)`")
        execution = MAX_EXECUTION_SECONDS if execution_start_to_close is None else execution_start_to_close
        definition = WorkflowDefinition(
            name=validation.check_name(name or target.__name__, "name"),
            version=validation.check_version(version, "version"),
            cls=target,
            task_list=None if task_list is None else validation.check_name(task_list, "task_list"),
            execution_start_to_close=str(swf_seconds(execution, "execution_start_to_close")),
            task_start_to_close=str(
                swf_seconds(30 if task_start_to_close is None else task_start_to_close, "task_start_to_close")
            ),
            child_policy=str(validation.check_child_policy(child_policy)),
            failure_exceptions=_check_exceptions(failure_exceptions),
            signals=_signals(target),
            description=validation.check_description(description, "description"),
        )
        setattr(target, _WORKFLOW_ATTR, definition)
        return target

    return decorate if cls is None else decorate(cls)


def workflow_definition(target: Any) -> WorkflowDefinition:
    """The definition ``@flow.workflow`` attached to a class (or the definition itself).

    Raises:
        TypeError: When the class is not a workflow.
    """
    if isinstance(target, WorkflowDefinition):
        return target
    found = vars(target).get(_WORKFLOW_ATTR) if isinstance(target, type) else None
    if not isinstance(found, WorkflowDefinition):
        raise TypeError(f"{target!r} is not a workflow: decorate the class with @flow.workflow")
    return found
