"""Clocks for the local SWF server.

Every deadline of the server (timers, task and execution timeouts, retention) is read from one clock
object, so tests can drive time instead of waiting for it:

* :class:`RealClock` follows the wall clock (the default).
* :class:`ManualClock` only moves when the test calls :meth:`ManualClock.advance`.
* :class:`AutoJumpClock` follows the wall clock, but when the server is idle it jumps straight to
  the next deadline something waits for (a timer, a timeout; never a retention period), the way
  trio's autojump clock skips time while every task is blocked.

Long polls always wait in real time: the clock governs SWF's timeouts, not HTTP.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

__all__ = ["AutoJumpClock", "Clock", "ManualClock", "RealClock"]


class Clock:
    """The interface the server reads time through.

    Subclasses override :meth:`now`; the scheduler awaits :meth:`wait_until` to sleep until a deadline
    or until ``wakeup`` is set (a new, earlier deadline was registered, or the clock moved).
    """

    def now(self) -> float:
        """Return the current time in seconds since the Unix epoch."""
        raise NotImplementedError

    def _attach(self, on_change: Callable[[], None]) -> None:
        """Register the callback to run when the clock moves by itself (driven clocks only)."""

    def _detach(self, on_change: Callable[[], None]) -> None:
        """Remove a callback registered with :meth:`_attach`."""

    def _resume(self, reading: float) -> None:
        """Go on from a reading a durable server stored: a driven clock never reads less than it.

        The wall clock cannot be moved: its time passed while the server was down, and what fell due then
        fires at once.
        """

    async def wait_until(
        self,
        deadline: float | None,
        wakeup: asyncio.Event,
        idle: Callable[[], bool],
        *,
        jump_to: float | None = None,
    ) -> None:
        """Sleep until ``deadline`` (None: forever) on this clock, or until ``wakeup`` is set.

        Args:
            deadline: The time to wake at (the earliest deadline), or None to wait for ``wakeup`` only.
            wakeup: Set by the server when the earliest deadline changed.
            idle: Tells whether the server is idle (used by :class:`AutoJumpClock` only).
            jump_to: The earliest deadline something waits for (timers, timeouts; not retention): the
                only kind a clock may skip ahead to (used by :class:`AutoJumpClock` only).
        """
        timeout = None if deadline is None else max(0.0, deadline - self.now())
        try:
            await asyncio.wait_for(wakeup.wait(), timeout)
        except asyncio.TimeoutError:
            pass


class RealClock(Clock):
    """The wall clock (``time.time()``)."""

    def now(self) -> float:
        """Return the current wall-clock time."""
        return time.time()


class ManualClock(Clock):
    """A clock that stands still until :meth:`advance` or :meth:`set` moves it.

    Args:
        start: The initial time in seconds since the epoch (default: the wall clock at creation).
    """

    def __init__(self, start: float | None = None) -> None:
        self._now = time.time() if start is None else float(start)
        self._listeners: list[Callable[[], None]] = []

    def now(self) -> float:
        """Return the clock's current time."""
        return self._now

    def advance(self, seconds: float) -> None:
        """Move the clock forward and fire every deadline that is now due.

        Deadlines are processed synchronously when called from the server's event loop thread, and
        scheduled onto that loop otherwise.

        Args:
            seconds: How far to move, at least 0.

        Raises:
            ValueError: If ``seconds`` is negative.
        """
        if seconds < 0:
            raise ValueError("a clock cannot go backwards")
        self.set(self._now + seconds)

    def set(self, when: float) -> None:
        """Move the clock to an absolute time (never backwards) and fire due deadlines.

        Args:
            when: The new time in seconds since the epoch.

        Raises:
            ValueError: If ``when`` is earlier than the current time.
        """
        if when < self._now:
            raise ValueError("a clock cannot go backwards")
        self._now = float(when)
        for listener in list(self._listeners):
            listener()

    def _attach(self, on_change: Callable[[], None]) -> None:
        self._listeners.append(on_change)

    def _resume(self, reading: float) -> None:
        if reading > self._now:
            self.set(reading)

    def _detach(self, on_change: Callable[[], None]) -> None:
        if on_change in self._listeners:
            self._listeners.remove(on_change)

    async def wait_until(
        self,
        deadline: float | None,
        wakeup: asyncio.Event,
        idle: Callable[[], bool],
        *,
        jump_to: float | None = None,
    ) -> None:
        """Wait for ``wakeup`` only: a manual clock never moves by itself."""
        await wakeup.wait()


class AutoJumpClock(Clock):
    """Real time that jumps to the next awaited deadline whenever the server is idle.

    The server is idle when no request is being served other than long polls that wait, no task is
    out with a worker, nothing happened for ``threshold`` seconds of real time, and no task is queued on
    a task list polled in the last few seconds. A test that starts a one-hour timer and then polls sees
    the timer fire after about ``threshold`` seconds.

    Args:
        threshold: Seconds of real quiet before jumping.
        start: The initial time (default: the wall clock).
    """

    def __init__(self, threshold: float = 0.02, start: float | None = None) -> None:
        self.threshold = threshold
        self._offset = 0.0 if start is None else float(start) - time.time()

    def now(self) -> float:
        """Return the wall clock plus every jump made so far."""
        return time.time() + self._offset

    def jump(self, seconds: float) -> None:
        """Move the clock forward by ``seconds`` (the scheduler calls this when idle)."""
        self._offset += max(0.0, seconds)

    def _resume(self, reading: float) -> None:
        self.jump(reading - self.now())

    async def wait_until(
        self,
        deadline: float | None,
        wakeup: asyncio.Event,
        idle: Callable[[], bool],
        *,
        jump_to: float | None = None,
    ) -> None:
        """Sleep until the deadline; once the server has been idle for ``threshold``, jump to ``jump_to``.

        Only deadlines something waits for are jumped to: a retention period alone never moves the
        clock, so a closed execution stays readable while a test runs on this clock.
        """
        while not wakeup.is_set():
            remaining = None if deadline is None else deadline - self.now()
            if remaining is not None and remaining <= 0:
                return
            step = self.threshold if remaining is None else min(self.threshold, remaining)
            try:
                await asyncio.wait_for(wakeup.wait(), step)
                return
            except asyncio.TimeoutError:
                pass
            goal = self._jump_goal(jump_to)
            if goal is not None and goal > self.now() and idle():
                self.jump(goal - self.now())
                return

    def _jump_goal(self, jump_to: float | None) -> float | None:
        """The time to jump to once the server is idle, or None to follow real time.

        ``jump_to`` is the earliest deadline something waits for. A subclass may jump elsewhere, or not at
        all, when its own conditions say so.
        """
        return jump_to
