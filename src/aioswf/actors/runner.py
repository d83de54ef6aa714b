"""Running many actors in one event loop, under one task group, until a signal stops them."""

from __future__ import annotations

import logging
import signal
import sys
import threading
from collections.abc import Sequence
from typing import Protocol

import anyio
from anyio.abc import TaskGroup

from aioswf.actors.base import ActorState

if sys.version_info < (3, 11):  # pragma: no cover - exceptiongroup comes with anyio there
    from exceptiongroup import ExceptionGroup  # type: ignore[import-not-found,unused-ignore]

__all__ = ["ActorLike", "run", "stop_all"]

logger = logging.getLogger("aioswf.actors")

_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class ActorLike(Protocol):
    """What `run` and `stop_all` need of an actor: its lifecycle (an `Actor`, or e.g. a flow ``Worker``)."""

    @property
    def state(self) -> ActorState:
        """Whether it is idle, running, stopping or stopped."""

    async def run(self) -> None:
        """Runs it until it is stopped."""

    async def wait(self) -> None:
        """Waits until it is stopped; raises the error that stopped it."""

    async def stop(self, grace: float | None = None) -> None:
        """Stops it gracefully."""


async def stop_all(actors: Sequence[ActorLike], grace: float | None = None) -> None:
    """Stops actors gracefully, all at once, and returns when every one is stopped.

    Args:
        actors: The actors.
        grace: Seconds their in-flight tasks get to finish (default: each actor's own `Actor.grace`).
    """
    async with anyio.create_task_group() as group:
        for actor in actors:
            group.start_soon(actor.stop, grace)


async def run(*actors: ActorLike, grace: float | None = None, handle_signals: bool = True) -> None:
    """Runs actors together in this event loop until they stop.

    The first SIGINT or SIGTERM stops every actor gracefully (in-flight tasks get `grace` seconds); a
    second one stops them at once (their tasks are still reported to SWF). When an actor stops on an error,
    the others are stopped gracefully too, and the error is raised. Stopping the actors from elsewhere
    (`Actor.stop`) ends the run once all are stopped.

    Args:
        *actors: The actors, not started yet (actors started already are waited for).
        grace: Seconds in-flight tasks get to finish when a signal or an error stops the actors (default:
            each actor's own `Actor.grace`, 30 s unless set).
        handle_signals: Whether to stop on SIGINT and SIGTERM (only possible in the main thread).

    Raises:
        ValueError: When no actor is given.
        SWFError: The error an actor stopped on; an ``ExceptionGroup`` when several did.
    """
    if not actors:
        raise ValueError("run() needs at least one actor")
    errors: list[Exception] = []

    async def supervise(actor: ActorLike, group: TaskGroup) -> None:
        try:
            if actor.state is ActorState.IDLE:
                await actor.run()
            else:
                await actor.wait()
        except Exception as error:
            errors.append(error)
            group.start_soon(stop_all, actors, grace)

    async with anyio.create_task_group() as outer:
        if handle_signals:
            await outer.start(_stop_on_signals, actors, grace)
        async with anyio.create_task_group() as group:
            for actor in actors:
                group.start_soon(supervise, actor, group)
        outer.cancel_scope.cancel()
    if len(errors) == 1:
        raise errors[0]
    if errors:
        raise ExceptionGroup("several actors stopped on errors", errors)


async def _stop_on_signals(
    actors: Sequence[ActorLike], grace: float | None, *, task_status: anyio.abc.TaskStatus[None]
) -> None:
    if threading.current_thread() is not threading.main_thread():
        logger.debug("not in the main thread: run() does not handle signals")
        task_status.started()
        return
    started = False
    try:
        with anyio.open_signal_receiver(*_SIGNALS) as signals:
            async with anyio.create_task_group() as group:
                task_status.started()
                started = True
                count = 0
                async for received in signals:
                    count += 1
                    name = signal.Signals(received).name
                    if count == 1:
                        logger.warning("%s: stopping %d actor(s) gracefully", name, len(actors))
                        group.start_soon(stop_all, actors, grace)
                    else:
                        logger.warning("%s again: stopping the actors at once", name)
                        group.start_soon(stop_all, actors, 0.0)
    except NotImplementedError:  # pragma: no cover - Windows' event loops have no signal handlers
        if started:
            raise
        logger.debug("this event loop cannot handle signals")
        task_status.started()
