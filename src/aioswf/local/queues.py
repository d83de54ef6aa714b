"""Task lists with long polling: each queued task goes to exactly one poller.

The server runs on one event loop and hands a task over synchronously (it leaves the queue in the same
step that resolves the poller's future), so two pollers can never receive the same task. If a poller
is cancelled after it was handed a task but before it could take it, the task goes back to the head
of the queue.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import time
from collections import deque
from typing import Any

import attrs

__all__ = ["QueuedTask", "TaskQueue"]


@attrs.define(eq=False)
class QueuedTask:
    """A decision or activity task waiting in a task list."""

    execution: Any
    record: Any
    priority: int = 0
    cancelled: bool = False
    queue: TaskQueue | None = None
    #: Its place among the queue's equal priorities (a durable store keeps it, to queue it again in order).
    order: int = 0


_order = itertools.count()


class TaskQueue:
    """The tasks of one kind (decision or activity) in one task list of one domain.

    Higher ``priority`` goes first; equal priorities go in scheduling order.
    """

    def __init__(self) -> None:
        self._heap: list[tuple[int, int, QueuedTask]] = []
        self._waiters: deque[asyncio.Future[QueuedTask | None]] = deque()
        self.size = 0
        self.last_polled = float("-inf")

    def push(self, task: QueuedTask, *, front: bool = False) -> None:
        """Queue ``task``, or hand it to the longest-waiting poller."""
        task.cancelled = False
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                task.queue = None
                waiter.set_result(task)
                return
        task.queue = self
        task.order = -next(_order) if front else next(_order)
        heapq.heappush(self._heap, (-task.priority, task.order, task))
        self.size += 1

    def pop(self) -> QueuedTask | None:
        """Take the next live task, or return None when the queue is empty."""
        while self._heap:
            task = heapq.heappop(self._heap)[2]
            if not task.cancelled:
                self.size -= 1
                task.queue = None
                return task
        return None

    def discard(self, task: QueuedTask) -> None:
        """Remove a queued task (lazily: it is skipped when reached)."""
        if task.queue is self and not task.cancelled:
            task.cancelled = True
            task.queue = None
            self.size -= 1
            if len(self._heap) > 64 and self.size < len(self._heap) // 4:
                self._heap = [entry for entry in self._heap if not entry[2].cancelled]
                heapq.heapify(self._heap)

    def release(self) -> None:
        """Answer every waiting poll with no task (the server is stopping)."""
        while self._waiters:
            _expire(self._waiters.popleft())

    @property
    def waiting(self) -> int:
        """How many long polls are waiting on this queue."""
        return sum(1 for waiter in self._waiters if not waiter.done())

    async def take(self, wait: float) -> QueuedTask | None:
        """Take the next task, waiting up to ``wait`` real seconds for one.

        Args:
            wait: The long-poll duration in seconds.

        Returns:
            The task, or None if none arrived in time.
        """
        self.last_polled = time.monotonic()
        task = self.pop()
        if task is not None or wait <= 0:
            return task
        loop = asyncio.get_running_loop()
        waiter: asyncio.Future[QueuedTask | None] = loop.create_future()
        self._waiters.append(waiter)
        timer = loop.call_later(wait, _expire, waiter)
        try:
            return await waiter
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled():
                handed = waiter.result()
                if handed is not None and not handed.cancelled:
                    self.push(handed, front=True)
            raise
        finally:
            self.last_polled = time.monotonic()
            timer.cancel()
            if not waiter.done() or waiter in self._waiters:
                try:
                    self._waiters.remove(waiter)
                except ValueError:
                    pass


def _expire(waiter: asyncio.Future[QueuedTask | None]) -> None:
    if not waiter.done():
        waiter.set_result(None)
