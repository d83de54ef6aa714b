"""The in-workflow API: time, randomness, side effects, patches, conditions, timers, markers, logging.

Everything here is deterministic: a replay of the run gets the same answers in the same order. Call these
functions from workflow code only (they raise `RuntimeError` elsewhere), never `time.time()`,
`datetime.now()`, `random` or `uuid.uuid4()` directly, whose answers change from one replay to the next.
"""

from __future__ import annotations

import asyncio
import logging
import random as random_module
import typing
import uuid
from collections.abc import Callable, Mapping, MutableMapping, Sequence
from datetime import datetime
from typing import Any, NoReturn, TypeVar

import attrs

from aioswf import validation
from aioswf.exceptions import ValidationError
from aioswf.flow import commands as cmds
from aioswf.flow.activity import current_info
from aioswf.flow.definitions import Duration, swf_seconds, to_seconds
from aioswf.flow.errors import ContinueAsNewError
from aioswf.flow.loop import WorkflowLoop
from aioswf.flow.replay import WorkflowInstance

__all__ = [
    "CONTINUE_AS_NEW_SUGGESTED_AT",
    "WorkflowInfo",
    "check_key",
    "continue_as_new",
    "continue_as_new_suggested",
    "current_instance",
    "history_length",
    "in_workflow",
    "info",
    "logger",
    "now",
    "patched",
    "random",
    "record_marker",
    "side_effect",
    "sleep",
    "uuid4",
    "wait_condition",
]

_T = TypeVar("_T")

#: `continue_as_new_suggested` says yes from this many events on (SWF ends a run at 25,000).
CONTINUE_AS_NEW_SUGGESTED_AT = 10_000


def current_instance(what: str) -> WorkflowInstance:
    """The workflow run whose code is running now.

    Args:
        what: The function asking, for the error.

    Raises:
        RuntimeError: When called outside workflow code.
    """
    loop = asyncio._get_running_loop()
    if isinstance(loop, WorkflowLoop):
        owner = loop._owner
        if isinstance(owner, WorkflowInstance):
            return owner
    raise RuntimeError(
        f"flow.{what}() is only available in workflow code (a @flow.workflow's run and handlers)"
    )


def in_workflow() -> bool:
    """Whether the caller is workflow code."""
    loop = asyncio._get_running_loop()
    return isinstance(loop, WorkflowLoop)


def check_key(key: str | None, argument: str = "key") -> str | None:
    """Checks a user key for an id (an activity, a timer): SWF's name rules, and none of aioswf's forms.

    Raises:
        ValidationError: When the key could be confused with a derived id or one of aioswf's own.
    """
    if key is None:
        return None
    validation.check_name(key, argument, max_length=200)
    if key.isdigit() or key.startswith("aioswf") or "#" in key:
        raise ValidationError(
            f"{argument} {key!r} could be taken for an id aioswf derives: it must not be all digits, "
            "start with 'aioswf' or contain '#'",
            argument=argument,
            limit="not all digits, no 'aioswf' prefix, no '#'",
        )
    return key


@attrs.frozen
class WorkflowInfo:
    """What a run knows about itself (`flow.info`).

    Attributes:
        workflow_id: The workflow id (``None`` when replaying a history that does not carry it).
        run_id: The run id, when known.
        workflow_type: ``(name, version)``.
        domain: The domain's name, when known.
        task_list: The run's decision task list.
        start_time: When the run started.
        execution_start_to_close: The run's timeout, seconds (SWF's string).
        task_start_to_close: Its decision tasks' timeout, seconds.
        child_policy: Its child policy.
        tags: Its tags.
        continued_run_id: The run this one continues, if it was started by continue-as-new.
        parent: ``(workflow_id, run_id)`` of the parent, for a child workflow.
    """

    workflow_id: str | None
    run_id: str | None
    workflow_type: tuple[str, str]
    domain: str | None
    task_list: str | None
    start_time: datetime | None
    execution_start_to_close: str | None
    task_start_to_close: str | None
    child_policy: str | None
    tags: tuple[str, ...]
    continued_run_id: str | None
    parent: tuple[str, str | None] | None


def info() -> WorkflowInfo:
    """What the run knows about itself: ids, type, task list, timeouts, parent."""
    instance = current_instance("info")
    started = instance.started_event
    attributes: Mapping[str, Any] = started.attributes if started is not None else {}
    task_list = attributes.get("task_list") or {}
    parent = attributes.get("parent_workflow_execution")
    return WorkflowInfo(
        workflow_id=instance.workflow_id,
        run_id=instance.run_id,
        workflow_type=instance.definition.type_key,
        domain=instance.domain,
        task_list=task_list.get("name") if isinstance(task_list, Mapping) else None,
        start_time=started.timestamp if started is not None else None,
        execution_start_to_close=attributes.get("execution_start_to_close_timeout"),
        task_start_to_close=attributes.get("task_start_to_close_timeout"),
        child_policy=attributes.get("child_policy"),
        tags=tuple(attributes.get("tag_list") or ()),
        continued_run_id=attributes.get("continued_execution_run_id"),
        parent=(str(parent.get("workflow_id")), parent.get("run_id"))
        if isinstance(parent, Mapping)
        else None,
    )


def now() -> datetime:
    """The workflow's current time: when SWF started the decision task being decided (aware, UTC)."""
    return current_instance("now").now()


def random() -> random_module.Random:
    """The run's deterministic random generator (``flow.random().randint(1, 6)``).

    Seeded once per run (the seed is recorded in a marker the first time it is used), independent of
    `uuid4`'s stream.
    """
    return current_instance("random").rng("random")


def uuid4() -> uuid.UUID:
    """A random UUID from the run's deterministic stream: a replay gets the same one, another run another."""
    return uuid.UUID(int=current_instance("uuid4").rng("uuid").getrandbits(128), version=4)


def history_length() -> int:
    """How many events the run's history holds, as of the decision task being decided."""
    return current_instance("history_length").history_length


def continue_as_new_suggested() -> bool:
    """Whether the history is long enough that the run should continue as new (SWF stops at 25,000)."""
    return current_instance("continue_as_new_suggested").history_length >= CONTINUE_AS_NEW_SUGGESTED_AT


def _result_hint(function: Callable[..., Any]) -> Any:
    try:
        return typing.get_type_hints(function).get("return", Any)
    except Exception:
        return Any


def side_effect(function: Callable[[], _T]) -> _T:
    """Runs a non-deterministic function once; the run records its result and every replay reuses it.

    Args:
        function: A function without arguments (reading a clock, a random number, a file, ...); its result
            must be encodable by the data converter. It must not have effects that matter to others: run
            those in an activity.

    Returns:
        Its result, decoded by its return annotation (so a replay gets exactly the same value).
    """
    instance = current_instance("side_effect")
    name = f"{cmds.SIDE_EFFECT_MARKER}{instance.next_id('side_effect')}"
    hint = _result_hint(function)
    if instance.replaying:
        event = instance.recorded_marker(name)
        if event is not None:
            instance.marker(name, None)
            value: _T = instance.converter.decode(event.attributes.get("details"), hint)
            return value
    text = instance.converter.encode(function())
    fitted, references = instance.fit(text, "side effect's result")
    instance.marker(name, fitted, references=references)
    decoded: _T = instance.converter.decode(text, hint)
    return decoded


def patched(patch_id: str) -> bool:
    """Whether this run takes the new code path of a change (versioning a workflow while runs are open).

    ``if flow.patched("send-sms"): <new code> else: <old code>``: a run that reached this point before the
    change was deployed replays the old path; every other run takes the new one, and records so. Once no
    run that took the old path is open, delete the old branch (and, later, the call).

    Args:
        patch_id: The change's name, unique in the workflow.

    Returns:
        True on the new code path.
    """
    validation.check_name(patch_id, "patch_id", max_length=200)
    return current_instance("patched").patched(patch_id)


async def wait_condition(condition: Callable[[], bool], *, timeout: Duration | None = None) -> None:
    """Waits until ``condition()`` is true: it is checked whenever the workflow has nothing else to run.

    Args:
        condition: A function of the workflow's state (set by signal handlers, other tasks), without
            side effects.
        timeout: How long to wait at most (an SWF timer).

    Raises:
        TimeoutError: When the timeout passed first.
    """
    instance = current_instance("wait_condition")
    future = instance.loop.wait_for(condition)
    if timeout is None:
        await future
        return
    seconds = to_seconds(timeout, "timeout")
    timer = instance.loop.durable_timer(seconds, _expire, future, seconds)
    try:
        await future
    finally:
        timer.cancel()


def _expire(future: asyncio.Future[None], seconds: float) -> None:
    if not future.done():
        future.set_exception(TimeoutError(f"the condition did not hold within {seconds:g} s"))


def _wake(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)


async def sleep(duration: Duration, *, key: str | None = None) -> None:
    """Waits for an SWF timer (as ``asyncio.sleep`` does in workflow code), with an optional timer id.

    Args:
        duration: How long (rounded up to whole seconds, SWF's unit).
        key: The timer's id (default: derived, in order of creation).
    """
    instance = current_instance("sleep")
    seconds = to_seconds(duration, "duration")
    key = check_key(key)
    if seconds <= 0 and key is None:
        await asyncio.sleep(0)
        return
    future: asyncio.Future[None] = instance.loop.create_future()
    timer = instance.loop.durable_timer(seconds, _wake, future, key=key)
    timer.future = future
    try:
        await future
    finally:
        timer.cancel()


def record_marker(name: str, details: Any = None) -> None:
    """Records a marker in the history (``RecordMarker``), e.g. to note progress for people reading it.

    Args:
        name: The marker's name (not starting with ``aioswf.``, which is aioswf's).
        details: Any value the data converter can encode.

    Raises:
        ValidationError: When the name or the details break SWF's limits.
    """
    instance = current_instance("record_marker")
    if not isinstance(name, str) or name.startswith(cmds.INTERNAL):
        raise ValidationError(
            f"marker name {name!r} is taken: names starting with 'aioswf.' are aioswf's",
            argument="name",
            limit="no 'aioswf.' prefix",
        )
    if details is None:
        instance.marker(name, None)
        return
    text, references = instance.encode(details, "marker details")
    instance.marker(name, None if instance.replaying else text, references=references)


def continue_as_new(
    *args: Any,
    task_list: str | None = None,
    execution_start_to_close: Duration | None = None,
    task_start_to_close: Duration | None = None,
    child_policy: str | None = None,
    tags: Sequence[str] | None = None,
    version: str | None = None,
) -> NoReturn:
    """Ends the run and starts a new one with the same workflow id and these arguments.

    Settings not given are the current run's. `WorkflowHandle.result` follows the chain to its last run.

    Args:
        *args: The new run's arguments.
        task_list: The new run's decision task list.
        execution_start_to_close: The new run's timeout.
        task_start_to_close: Its decision tasks' timeout.
        child_policy: Its child policy.
        tags: Its tags.
        version: The workflow type version of the new run (default: the same).

    Raises:
        ContinueAsNewError: Always; let it escape ``run()``.
    """
    instance = current_instance("continue_as_new")
    started = instance.started_event
    current: Mapping[str, Any] = started.attributes if started is not None else {}
    current_list = current.get("task_list") or {}
    options: MutableMapping[str, Any] = {
        "task_list": task_list or (current_list.get("name") if isinstance(current_list, Mapping) else None),
        "execution_start_to_close_timeout": swf_seconds(execution_start_to_close, "execution_start_to_close")
        or current.get("execution_start_to_close_timeout"),
        "task_start_to_close_timeout": swf_seconds(task_start_to_close, "task_start_to_close")
        or current.get("task_start_to_close_timeout"),
        "child_policy": child_policy or current.get("child_policy"),
        "tag_list": list(tags) if tags is not None else (list(current.get("tag_list") or ()) or None),
        "workflow_type_version": version,
    }
    raise ContinueAsNewError(args, {key: value for key, value in options.items() if value is not None})


class _WorkflowLogger(logging.LoggerAdapter):  # type: ignore[type-arg]
    """A logger that says nothing while a run replays, and names the run (or the activity) it logs for."""

    def isEnabledFor(self, level: int) -> bool:
        loop = asyncio._get_running_loop()
        if isinstance(loop, WorkflowLoop) and bool(getattr(loop._owner, "replaying", False)):
            return False
        return bool(self.logger.isEnabledFor(level))

    def process(self, msg: Any, kwargs: MutableMapping[str, Any]) -> tuple[Any, MutableMapping[str, Any]]:
        loop = asyncio._get_running_loop()
        owner = loop._owner if isinstance(loop, WorkflowLoop) else None
        if isinstance(owner, WorkflowInstance):
            extra = {"workflow_id": owner.workflow_id, "run_id": owner.run_id}
            kwargs["extra"] = {**extra, **(kwargs.get("extra") or {})}
            return f"[{owner.definition.name} {owner.workflow_id or '?'}] {msg}", kwargs
        activity = current_info()
        if activity is not None:
            extra = {"workflow_id": activity.workflow_id, "activity_id": activity.activity_id}
            kwargs["extra"] = {**extra, **(kwargs.get("extra") or {})}
            return f"[{activity.activity_type[0]} {activity.activity_id}] {msg}", kwargs
        return msg, kwargs


#: A replay-safe logger for workflow and activity code (``aioswf.flow.workflow``): silent while a run
#: replays its history, and each record names the run or activity it comes from.
logger = _WorkflowLogger(logging.getLogger("aioswf.flow.workflow"), {})
