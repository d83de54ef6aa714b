"""Calling user handlers: coroutine functions on the event loop, plain functions in a thread of their own.

The threads are daemon threads, started one per call, rather than anyio's worker threads: Python cannot
stop a thread, and an interpreter waits at exit for every non-daemon one. A handler still blocking after an
actor's grace period must not keep the process alive (``aioswf.actors.run`` ends a process within its
grace period); a daemon thread ends with the process. Starting a thread costs tens of microseconds, noise
beside an SWF round trip.
"""

from __future__ import annotations

import asyncio
import contextvars
import inspect
import threading
import traceback
from collections.abc import Callable
from typing import Any

import anyio

__all__ = ["call_handler", "clip_head", "clip_tail", "describe_error", "is_async_callable"]


def is_async_callable(function: Callable[..., Any]) -> bool:
    """Whether calling `function` returns a coroutine (functions, methods, partials, async ``__call__``).

    Args:
        function: A handler.

    Returns:
        True when it must be awaited on the loop; False when it is plain code for a worker thread.
    """
    if inspect.iscoroutinefunction(function):
        return True
    call = getattr(function, "__call__", None)  # noqa: B004 - objects with an async __call__
    return call is not None and inspect.iscoroutinefunction(call)


async def call_handler(
    function: Callable[..., Any], *args: Any, limiter: anyio.CapacityLimiter | None = None
) -> Any:
    """Calls a handler without blocking the event loop.

    A coroutine function runs on the loop. A plain function runs in a daemon thread (the context variables
    of the caller go with it); when the caller is cancelled, the thread is abandoned: Python cannot stop a
    thread, so it runs its course and its outcome is ignored, and it does not keep the process alive. A
    plain function returning an awaitable (a lambda calling a coroutine function) has the awaitable awaited
    on the loop.

    Args:
        function: The handler.
        *args: What to call it with.
        limiter: Bounds the threads running handlers at once (default: anyio's default thread limiter).

    Returns:
        What the handler returned.
    """
    if is_async_callable(function):
        return await function(*args)
    async with limiter or anyio.to_thread.current_default_thread_limiter():
        result = await _in_daemon_thread(function, *args)
    if inspect.isawaitable(result):
        # A plain function that returns an awaitable, e.g. ``lambda task: decide(flow, task)``.
        return await result
    return result


async def _in_daemon_thread(function: Callable[..., Any], *args: Any) -> Any:
    loop = asyncio.get_running_loop()
    future: asyncio.Future[Any] = loop.create_future()
    context = contextvars.copy_context()

    def settle(result: Any, error: BaseException | None) -> None:
        if future.done():  # the caller was cancelled: the outcome is ignored
            return
        if error is not None:
            future.set_exception(error)
        else:
            future.set_result(result)

    def target() -> None:
        result: Any = None
        error: BaseException | None = None
        try:
            result = context.run(function, *args)
        except BaseException as caught:  # handed to the awaiting task, which raises it
            error = caught
        try:
            loop.call_soon_threadsafe(settle, result, error)
        except RuntimeError:  # the event loop is closed: nobody waits for this outcome any more
            pass

    name = getattr(function, "__qualname__", None) or type(function).__name__
    threading.Thread(target=target, name=f"aioswf handler {name}", daemon=True).start()
    return await future


def clip_head(text: str, limit: int) -> str:
    """Keeps the start of `text` within `limit` characters, saying how much was cut (never silently).

    Args:
        text: The text.
        limit: The most characters allowed.

    Returns:
        `text` itself when it fits; else its start followed by a marker.
    """
    if len(text) <= limit:
        return text
    # The marker's length depends on the count it shows; sized for the largest count, it always fits.
    keep = max(0, limit - len(_marker(len(text))))
    return (text[:keep] + _marker(len(text) - keep))[:limit]


def clip_tail(text: str, limit: int) -> str:
    """Keeps the end of `text` within `limit` characters (a traceback's end says the most).

    Args:
        text: The text.
        limit: The most characters allowed.

    Returns:
        `text` itself when it fits; else a marker followed by its end.
    """
    if len(text) <= limit:
        return text
    keep = max(0, limit - len(_marker(len(text))))
    return (_marker(len(text) - keep).strip() + "\n" + text[len(text) - keep :])[-limit:]


def _marker(cut: int) -> str:
    return f" [... {cut} characters cut ...]"


def describe_error(error: BaseException, reason_limit: int, details_limit: int) -> tuple[str, str]:
    """A failure's reason (the error's type and message) and details (its traceback), within SWF's limits.

    Args:
        error: What the handler raised.
        reason_limit: The most characters of a reason.
        details_limit: The most characters of details.

    Returns:
        ``(reason, details)``.
    """
    message = str(error)
    reason = f"{type(error).__name__}: {message}" if message else type(error).__name__
    details = "".join(traceback.format_exception(type(error), error, error.__traceback__))
    return clip_head(reason, reason_limit), clip_tail(details, details_limit)
