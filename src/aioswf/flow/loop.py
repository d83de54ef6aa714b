"""The deterministic event loop that workflow code runs on.

Each workflow run gets a `WorkflowLoop` of its own. It is an `asyncio.AbstractEventLoop`, so workflow
code uses asyncio as usual (tasks, futures, ``gather``, ``wait``, ``as_completed``, ``timeout``), but:

- its time is the decision task's virtual time (the timestamp of its ``DecisionTaskStarted`` event), so
  every replay sees the same clock;
- ``call_later``/``call_at`` become SWF timers (rounded up to whole seconds, SWF's unit), so
  ``asyncio.sleep`` and ``asyncio.timeout`` are durable and replay deterministically;
- its ready queue is FIFO and runs only when aioswf drives it (`run_until_quiescent`), one step per
  decision round;
- the tasks and futures it creates hash by creation order, so the sets that ``asyncio.wait`` hands back
  iterate in the same order in every process and every replay;
- threads, executors, sockets, subprocesses, pipes, signals and file descriptors are refused with a
  `WorkflowRestrictionError` that says to do the work in an activity.

Blocking calls that bypass the loop (``time.sleep``, ``open()``) cannot be refused without a sandbox;
the worker's step deadline reports a step that blocks.
"""

from __future__ import annotations

import asyncio
import collections
import contextvars
import itertools
import logging
import math
import sys
import weakref
from collections.abc import Callable, Coroutine, Generator
from typing import Any, NoReturn, Protocol, TypeVar

from aioswf.flow.errors import WorkflowRestrictionError

__all__ = ["DurableTimer", "TimerOwner", "WorkflowLoop"]

logger = logging.getLogger("aioswf.flow")

_T = TypeVar("_T")


class TimerOwner(Protocol):
    """What a `WorkflowLoop` hands its timers and its errors to: the workflow run it belongs to."""

    def start_timer(self, timer: DurableTimer) -> None:
        """Makes an SWF timer of ``timer`` (it fires by being put on the ready queue)."""

    def cancel_timer(self, timer: DurableTimer) -> None:
        """Cancels the SWF timer of ``timer`` (or forgets it, when it was never sent)."""

    def callback_failed(self, error: BaseException) -> None:
        """An exception escaped a callback run by the loop (not a task's: those stay in the task)."""

    def describe(self) -> str:
        """The run, in words, for log messages."""


class DurableTimer(asyncio.TimerHandle):
    """A timer handle whose deadline is an SWF timer.

    Attributes:
        seconds: The SWF timer's duration, whole seconds.
        key: The timer id asked for by the code (``None``: derived by the run).
        command: What the run attached to it (its timer command).
        future: The future that waits for it, when there is one: SWF's refusal of the timer goes there.
    """

    def __init__(
        self,
        when: float,
        callback: Callable[..., object],
        args: tuple[Any, ...],
        loop: WorkflowLoop,
        context: contextvars.Context | None,
        *,
        seconds: int,
        key: str | None = None,
    ) -> None:
        super().__init__(when, callback, args, loop, context)
        self.seconds = seconds
        self.key = key
        self.command: Any = None
        self.future: asyncio.Future[Any] | None = None


def _refused(what: str) -> Callable[..., NoReturn]:
    def refuse(self: WorkflowLoop, *args: Any, **kwargs: Any) -> NoReturn:
        raise WorkflowRestrictionError(
            f"workflow code cannot {what}: it would not replay deterministically. "
            "Do it in an activity (see flow.execute_activity)."
        )

    refuse.__doc__ = f"Raises `WorkflowRestrictionError`: workflow code cannot {what}."
    return refuse


class _Future(asyncio.Future[_T]):
    """A future that hashes by creation order (sets of them iterate alike in every replay)."""

    def __init__(self, *, loop: WorkflowLoop) -> None:
        self._aioswf_seq = next(loop._sequence)
        super().__init__(loop=loop)

    def __hash__(self) -> int:
        return self._aioswf_seq


class _Task(asyncio.Task[_T]):
    """A task that hashes by creation order (sets of them iterate alike in every replay)."""

    def __init__(self, coro: Coroutine[Any, Any, _T], *, loop: WorkflowLoop, **kwargs: Any) -> None:
        # Set before Task.__init__, which registers the task in a weak set (and so hashes it).
        self._aioswf_seq = next(loop._sequence)
        super().__init__(coro, loop=loop, **kwargs)

    def __hash__(self) -> int:
        return self._aioswf_seq


class WorkflowLoop(asyncio.AbstractEventLoop):
    """An event loop for one workflow run: virtual time, SWF timers, a FIFO ready queue, no I/O.

    Args:
        owner: The run its timers and errors go to.
    """

    def __init__(self, owner: TimerOwner) -> None:
        self._owner = owner
        self._ready: collections.deque[asyncio.Handle] = collections.deque()
        self._time = 0.0
        self._running = False
        self._closed = False
        self._debug = False
        self._sequence = itertools.count(1)
        self._conditions: list[tuple[Callable[[], bool], asyncio.Future[None]]] = []
        self._exception_handler: Any = None
        self._task_factory: Any = None
        self._silenced = False
        # The tasks create_task made (every asyncio helper's): whether any is left is asked once per closed
        # run, and asyncio.all_tasks(loop) would scan every task of the process (the worker's loop's too).
        self._tasks: weakref.WeakSet[asyncio.Task[Any]] = weakref.WeakSet()

    # Driving the loop ----------------------------------------------------------------------------------

    def set_time(self, when: float) -> None:
        """Sets the virtual time (never backwards: SWF's timestamps only grow).

        Args:
            when: Seconds since the epoch, from the decision task's ``DecisionTaskStarted`` event.
        """
        self._time = max(self._time, when)

    def run_until_quiescent(self) -> None:
        """Runs ready callbacks, first in first out, until none is left and no awaited condition holds.

        The loop is the running loop of this thread meanwhile, so ``asyncio.get_running_loop()``,
        ``create_task`` and the rest work from workflow code.
        """
        previous = asyncio._get_running_loop()
        asyncio._set_running_loop(self)
        self._running = True
        try:
            while True:
                ready = self._ready
                while ready:
                    handle = ready.popleft()
                    if not handle._cancelled:
                        handle._run()
                if not self._check_conditions():
                    break
        finally:
            self._running = False
            asyncio._set_running_loop(previous)

    def wait_for(self, condition: Callable[[], bool]) -> asyncio.Future[None]:
        """A future resolved once ``condition()`` is true (checked each time the ready queue is empty).

        Args:
            condition: A function of the workflow's state, without side effects.

        Returns:
            The future; an exception raised by ``condition`` is set on it.
        """
        future: asyncio.Future[None] = self.create_future()
        self._conditions.append((condition, future))
        return future

    def _check_conditions(self) -> bool:
        conditions = self._conditions
        index = 0
        while index < len(conditions):
            condition, future = conditions[index]
            if future.done():
                del conditions[index]
                continue
            try:
                holds = condition()
            except Exception as error:
                del conditions[index]
                future.set_exception(error)
                return True
            if holds:
                del conditions[index]
                future.set_result(None)
                return True
            index += 1
        return False

    def silence(self) -> None:
        """Stops reporting abandoned tasks (used when a run is evicted or finished)."""
        self._silenced = True

    @property
    def pending_handles(self) -> int:
        """How many callbacks are ready to run."""
        return len(self._ready)

    # What asyncio needs --------------------------------------------------------------------------------

    def time(self) -> float:
        """The decision task's virtual time, in seconds since the epoch."""
        return self._time

    def call_soon(  # type: ignore[override]
        self, callback: Callable[..., object], *args: Any, context: contextvars.Context | None = None
    ) -> asyncio.Handle:
        """Queues a callback (first in, first out)."""
        handle = asyncio.Handle(callback, args, self, context)
        self._ready.append(handle)
        return handle

    def call_later(  # type: ignore[override]
        self,
        delay: float,
        callback: Callable[..., object],
        *args: Any,
        context: contextvars.Context | None = None,
    ) -> asyncio.TimerHandle:
        """Calls back after ``delay`` seconds of workflow time: an SWF timer (whole seconds, rounded up)."""
        return self.call_at(self._time + delay, callback, *args, context=context)

    def call_at(  # type: ignore[override]
        self,
        when: float,
        callback: Callable[..., object],
        *args: Any,
        context: contextvars.Context | None = None,
    ) -> asyncio.TimerHandle:
        """Calls back at workflow time ``when``: an SWF timer, or at once when ``when`` has passed."""
        return self.durable_timer(when - self._time, callback, *args, context=context)

    def durable_timer(
        self,
        delay: float,
        callback: Callable[..., object],
        *args: Any,
        key: str | None = None,
        context: contextvars.Context | None = None,
    ) -> DurableTimer:
        """Calls back after ``delay`` seconds through an SWF timer with an optional timer id.

        Args:
            delay: Seconds (rounded up to whole seconds; at most 0 calls back at once, with no timer).
            callback: What to call.
            *args: Its arguments.
            key: The timer id (default: derived by the run, per kind and in order).
            context: The context to call it in.

        Returns:
            The handle; cancelling it cancels the SWF timer.
        """
        seconds = math.ceil(round(delay, 6)) if delay > 0 else 0
        timer = DurableTimer(self._time + seconds, callback, args, self, context, seconds=seconds, key=key)
        if seconds <= 0 and key is None:
            self._ready.append(timer)
        else:
            self._owner.start_timer(timer)
        return timer

    def _timer_handle_cancelled(self, handle: asyncio.TimerHandle) -> None:
        if isinstance(handle, DurableTimer) and handle.command is not None:
            self._owner.cancel_timer(handle)

    def create_future(self) -> asyncio.Future[Any]:
        """A future of this loop."""
        return _Future(loop=self)

    def create_task(
        self,
        coro: Coroutine[Any, Any, _T] | Generator[Any, None, _T],
        *,
        name: str | None = None,
        context: contextvars.Context | None = None,
    ) -> asyncio.Task[_T]:
        """A task of this loop (its first step is queued)."""
        if self._closed:
            raise RuntimeError("the workflow loop is closed")
        if self._task_factory is not None:
            task: asyncio.Task[_T] = self._task_factory(self, coro)
            if name is not None:
                task.set_name(name)
        else:
            options: dict[str, Any] = {"name": name}
            if context is not None and sys.version_info >= (3, 11):
                options["context"] = context
            task = _Task(coro, loop=self, **options)  # type: ignore[arg-type]
        self._tasks.add(task)
        return task

    def has_unfinished_tasks(self) -> bool:
        """Whether a task made by `create_task` (as every asyncio helper makes them) is not done yet."""
        return any(not task.done() for task in self._tasks)

    def set_task_factory(self, factory: Any) -> None:
        """Sets a task factory (asyncio's protocol)."""
        self._task_factory = factory

    def get_task_factory(self) -> Any:
        """The task factory, if any."""
        return self._task_factory

    def is_running(self) -> bool:
        """Whether a step is running now."""
        return self._running

    def is_closed(self) -> bool:
        """Whether the loop was closed."""
        return self._closed

    def close(self) -> None:
        """Closes the loop; it runs no more steps."""
        self._closed = True
        self._ready.clear()
        self._conditions.clear()

    def get_debug(self) -> bool:
        """asyncio's debug mode (off unless set)."""
        return self._debug

    def set_debug(self, enabled: bool) -> None:
        """Sets asyncio's debug mode."""
        self._debug = enabled

    def default_exception_handler(self, context: dict[str, Any]) -> None:
        """Reports a callback's error to the run (it fails the step), and logs abandoned tasks."""
        error = context.get("exception")
        if self._running and "handle" in context and isinstance(error, BaseException):
            self._owner.callback_failed(error)
            return
        if self._silenced:
            return
        logger.warning(
            "%s: %s", self._owner.describe(), context.get("message", "unhandled error"), exc_info=error
        )

    def call_exception_handler(self, context: dict[str, Any]) -> None:
        """Calls the exception handler set on the loop, else the default one."""
        if self._exception_handler is not None:
            self._exception_handler(self, context)
        else:
            self.default_exception_handler(context)

    def get_exception_handler(self) -> Any:
        """The exception handler set on the loop, if any."""
        return self._exception_handler

    def set_exception_handler(self, handler: Any) -> None:
        """Sets an exception handler."""
        self._exception_handler = handler

    async def shutdown_asyncgens(self) -> None:
        """Nothing to do: the loop keeps no async generators."""

    # What workflow code may not do ---------------------------------------------------------------------

    run_forever = _refused("run the workflow loop itself (aioswf drives it; await things instead)")
    run_until_complete = _refused("run the workflow loop itself (aioswf drives it; await things instead)")
    stop = _refused("stop the workflow loop (return from run() to end the workflow)")
    call_soon_threadsafe = _refused("use threads (loop.call_soon_threadsafe)")  # type: ignore[assignment]
    run_in_executor = _refused("run code in an executor or a thread (run_in_executor, asyncio.to_thread)")  # type: ignore[assignment]
    set_default_executor = _refused("use executors (set_default_executor)")
    shutdown_default_executor = _refused("use executors (shutdown_default_executor)")
    getaddrinfo = _refused("resolve host names (getaddrinfo)")
    getnameinfo = _refused("resolve addresses (getnameinfo)")
    create_connection = _refused("open network connections (create_connection, asyncio.open_connection)")
    create_server = _refused("start servers (create_server, asyncio.start_server)")
    create_unix_connection = _refused("open socket connections (create_unix_connection)")
    create_unix_server = _refused("start servers (create_unix_server)")
    create_datagram_endpoint = _refused("use sockets (create_datagram_endpoint)")
    connect_accepted_socket = _refused("use sockets (connect_accepted_socket)")
    sendfile = _refused("send files (sendfile)")
    start_tls = _refused("use TLS connections (start_tls)")
    sock_recv = _refused("use sockets (sock_recv)")
    sock_recv_into = _refused("use sockets (sock_recv_into)")
    sock_recvfrom = _refused("use sockets (sock_recvfrom)")
    sock_recvfrom_into = _refused("use sockets (sock_recvfrom_into)")
    sock_sendall = _refused("use sockets (sock_sendall)")
    sock_sendto = _refused("use sockets (sock_sendto)")
    sock_connect = _refused("use sockets (sock_connect)")
    sock_accept = _refused("use sockets (sock_accept)")
    sock_sendfile = _refused("use sockets (sock_sendfile)")
    add_reader = _refused("watch file descriptors (add_reader)")  # type: ignore[assignment]
    remove_reader = _refused("watch file descriptors (remove_reader)")
    add_writer = _refused("watch file descriptors (add_writer)")  # type: ignore[assignment]
    remove_writer = _refused("watch file descriptors (remove_writer)")
    connect_read_pipe = _refused("use pipes (connect_read_pipe)")
    connect_write_pipe = _refused("use pipes (connect_write_pipe)")
    subprocess_exec = _refused("start subprocesses (subprocess_exec, asyncio.create_subprocess_exec)")
    subprocess_shell = _refused("start subprocesses (subprocess_shell, asyncio.create_subprocess_shell)")
    add_signal_handler = _refused("handle process signals (add_signal_handler)")  # type: ignore[assignment]
    remove_signal_handler = _refused("handle process signals (remove_signal_handler)")
