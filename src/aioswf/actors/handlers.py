"""Calling user handlers: coroutine functions on the event loop, plain functions in a worker thread."""

from __future__ import annotations

import inspect
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

    A coroutine function runs on the loop. A plain function runs in a worker thread (the context variables
    of the caller go with it); when the caller is cancelled, the thread is abandoned: Python cannot stop a
    thread, so it runs its course and its outcome is ignored. A plain function returning an awaitable (a
    lambda calling a coroutine function) has the awaitable awaited on the loop.

    Args:
        function: The handler.
        *args: What to call it with.
        limiter: Bounds the worker threads in use.

    Returns:
        What the handler returned.
    """
    if is_async_callable(function):
        return await function(*args)
    result = await anyio.to_thread.run_sync(function, *args, abandon_on_cancel=True, limiter=limiter)
    if inspect.isawaitable(result):
        # A plain function that returns an awaitable, e.g. ``lambda task: decide(flow, task)``.
        return await result
    return result


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
