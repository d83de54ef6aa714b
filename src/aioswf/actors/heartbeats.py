"""One heartbeat task per activity worker, however many activity tasks it runs.

Each running activity task needs a heartbeat every so often (a third of its heartbeat timeout, or 30 s).
A task of its own per activity, sleeping until its first heartbeat, costs a task, a task group and a
cancellation on every activity, most of which finish long before their first heartbeat is due
(``benchmarks/actor_loop.py``). Instead, `Heartbeats` keeps the next heartbeat time of every running
activity in a heap and one task sleeps until the earliest; only a heartbeat that is due gets a task, to send
it. A finished activity's entry is dropped lazily (marked dead, skipped when it comes up, and swept out
when dead entries outnumber live ones), and a heartbeat being sent for it is cancelled.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import logging
import math
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Generic, TypeVar

import anyio

if TYPE_CHECKING:
    from anyio.abc import TaskGroup

__all__ = ["Beat", "Heartbeats"]

logger = logging.getLogger("aioswf.actors")

_P = TypeVar("_P")

#: Dead entries are swept out of the heap once it holds more than this many and four times the live ones.
_SWEEP_AT = 64


class Beat(Generic[_P]):
    """One activity's place in the heartbeat schedule (private to the actors).

    Attributes:
        payload: What the send function is given.
        live: Whether the activity still runs (its heartbeats are still wanted).
    """

    __slots__ = ("live", "payload", "sending")

    def __init__(self, payload: _P) -> None:
        self.payload = payload
        self.live = True
        self.sending: anyio.CancelScope | None = None


class Heartbeats(Generic[_P]):
    """Sends heartbeats for many activities from one task, each when it is due.

    Args:
        send: Sends one activity's heartbeat; returns the seconds until its next one, or None when the
            activity wants no more (it was told to stop). It handles SWF's errors itself.
        name: What the task is called, for debugging.
    """

    def __init__(self, send: Callable[[_P], Awaitable[float | None]], name: str) -> None:
        self._send = send
        self._name = name
        self._heap: list[tuple[float, int, Beat[_P]]] = []
        self._order = itertools.count()
        self._live = 0
        # asyncio's event binds to no loop until awaited, so the owner can be built anywhere.
        self._wakeup = asyncio.Event()
        self._next_wake = math.inf
        self._host: TaskGroup | None = None
        self._sends: TaskGroup | None = None
        self._running = False
        self._closed = False

    def attach(self, group: TaskGroup) -> None:
        """Runs the heartbeat task in `group` (started with the first activity that needs it)."""
        self._host = group
        self._closed = False

    def close(self) -> None:
        """Stops the heartbeat task and any heartbeat being sent; later `add` calls schedule nothing."""
        self._closed = True
        if self._sends is not None:
            self._sends.cancel_scope.cancel()

    def add(self, payload: _P, interval: float) -> Beat[_P] | None:
        """Schedules an activity's first heartbeat `interval` seconds from now.

        Returns:
            Its entry, for `remove`; None once closed (or before `attach`), when no heartbeat is sent.
        """
        if self._closed or self._host is None:
            return None
        beat = Beat(payload)
        self._live += 1
        self._push(beat, anyio.current_time() + interval)
        if not self._running:
            self._running = True
            self._host.start_soon(self._run, name=self._name)
        return beat

    def remove(self, beat: Beat[_P] | None) -> None:
        """Drops an activity from the schedule and cancels a heartbeat being sent for it."""
        if beat is None:
            return
        if beat.live:
            beat.live = False
            self._live -= 1
        if beat.sending is not None:
            beat.sending.cancel()
        heap = self._heap
        if len(heap) > _SWEEP_AT and len(heap) > 4 * self._live:
            heap[:] = [entry for entry in heap if entry[2].live]
            heapq.heapify(heap)

    def _push(self, beat: Beat[_P], due: float) -> None:
        heapq.heappush(self._heap, (due, next(self._order), beat))
        if due < self._next_wake:
            self._wakeup.set()

    async def _run(self) -> None:
        try:
            async with anyio.create_task_group() as sends:
                self._sends = sends
                if self._closed:
                    return
                heap = self._heap
                while True:
                    now = anyio.current_time()
                    while heap and heap[0][0] <= now:
                        beat = heapq.heappop(heap)[2]
                        if beat.live:
                            sends.start_soon(self._beat, beat)
                    self._next_wake = heap[0][0] if heap else math.inf
                    self._wakeup.clear()
                    with anyio.CancelScope(deadline=self._next_wake):
                        await self._wakeup.wait()
        finally:
            self._sends = None
            self._running = False
            self._next_wake = math.inf

    async def _beat(self, beat: Beat[_P]) -> None:
        if not beat.live:  # removed between being found due and this task's start
            return
        delay: float | None = None
        with anyio.CancelScope() as scope:
            beat.sending = scope
            try:
                delay = await self._send(beat.payload)
            except Exception:  # the send function handles SWF's errors; anything else is a bug
                logger.exception(
                    "%s: sending a heartbeat failed; no more heartbeats for that task", self._name
                )
                delay = None
            finally:
                beat.sending = None
        if not beat.live:
            return
        if delay is None:
            beat.live = False
            self._live -= 1
            return
        self._push(beat, anyio.current_time() + delay)
