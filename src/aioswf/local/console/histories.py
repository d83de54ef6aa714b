"""The histories the console shows, read through the engine and kept while they are being looked at.

A history only ever grows at its end and never changes once its execution closed, so the console keeps
the events it has read of a run and asks the engine only for the events after the last one it holds.
What is kept is derived from the engine, refreshed from it on every request, and bounded: it is a read
cache, never a second source of state. The compiled state and the timeline of a run are computed once
per length of its history; for long histories the computing runs in a worker thread, so the event loop
(which also serves SWF) is never held for long.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

import attrs

if TYPE_CHECKING:
    from aioswf.local.engine import Engine

__all__ = ["Call", "EventReader", "Histories", "RunHistory", "engine_events", "read_events_with"]

Json = dict[str, Any]
Call = Callable[[str, Json], Awaitable[Json]]
"""Runs one SWF operation: ``await call("DescribeDomain", {"name": "d"})`` returns its JSON answer."""
EventReader = Callable[[str, str, str, int], Awaitable[list[Json]]]
"""Returns the events of run ``(domain, workflow_id, run_id)`` whose id is above the given one."""

_CLOSING_EVENTS = frozenset(
    {
        "WorkflowExecutionCompleted",
        "WorkflowExecutionFailed",
        "WorkflowExecutionCanceled",
        "WorkflowExecutionTerminated",
        "WorkflowExecutionTimedOut",
        "WorkflowExecutionContinuedAsNew",
    }
)
#: Above this many events, compiling and building the timeline run in a worker thread.
_THREAD_ABOVE = 2_000


def engine_events(engine: Engine) -> EventReader:
    """Return an `EventReader` on :meth:`Engine.history_events <aioswf.local.engine.Engine.history_events>`.

    Args:
        engine: The local server's engine (the console must run on its event loop).

    Returns:
        The reader.
    """

    async def read(domain: str, workflow_id: str, run_id: str, after: int) -> list[Json]:
        return engine.history_events(domain, workflow_id, run_id, after=after)

    return read


def read_events_with(call: Call) -> EventReader:
    """Return an `EventReader` that uses only ``GetWorkflowExecutionHistory`` (any SWF endpoint).

    It reads newest first until it reaches the events already known, so a refresh costs one page.

    Args:
        call: Runs an SWF operation.

    Returns:
        The reader.
    """

    async def read(domain: str, workflow_id: str, run_id: str, after: int) -> list[Json]:
        newest_first: list[Json] = []
        params: Json = {
            "domain": domain,
            "execution": {"workflowId": workflow_id, "runId": run_id},
            "reverseOrder": True,
            "maximumPageSize": 1000,
        }
        while True:
            page = await call("GetWorkflowExecutionHistory", params)
            for event in page.get("events", []):
                if event["eventId"] <= after:
                    return newest_first[::-1]
                newest_first.append(event)
            token = page.get("nextPageToken")
            if not token:
                return newest_first[::-1]
            params = {**params, "nextPageToken": token}

    return read


@attrs.define(eq=False)
class RunHistory:
    """The events of one run as far as the console has read them.

    Attributes:
        events: The raw events in id order (event ``n`` at index ``n - 1``). Shared with the engine for
            open runs: never modify them.
        closed: Whether the history holds the run's closing event (it will not grow any more).
    """

    events: list[Json] = attrs.Factory(list)
    closed: bool = False
    _derived: dict[str, tuple[int, Any]] = attrs.Factory(dict)

    def add(self, events: list[Json]) -> None:
        """Append events read from the engine, ignoring any this history already holds."""
        known = len(self.events)
        fresh = [event for event in events if event["eventId"] > known]
        if fresh and fresh[0]["eventId"] != known + 1:
            # A gap means the reader skipped events: start over rather than show a wrong history.
            raise ValueError(f"history events {known + 1}..{fresh[0]['eventId'] - 1} are missing")
        self.events.extend(fresh)
        if self.events and self.events[-1]["eventType"] in _CLOSING_EVENTS:
            self.closed = True

    async def derived(self, name: str, build: Callable[[list[Json]], Any]) -> Any:
        """Return ``build(events)`` for the history as it is now (computed once per length and name)."""
        length = len(self.events)
        cached = self._derived.get(name)
        if cached is None or cached[0] != length:
            events = self.events[:length]
            cached = (length, await _run(lambda: build(events), length))
            self._derived[name] = cached
        return cached[1]


async def _run(work: Callable[[], Any], size: int) -> Any:
    if size > _THREAD_ABOVE:
        return await asyncio.to_thread(work)
    return work()


class Histories:
    """The histories the console has read, least recently used first out.

    Args:
        read: Reads the events of a run after a given event id.
        max_events: How many events to keep in all; the least recently shown runs are let go first
            (the run being read is always kept, whatever its length).
    """

    def __init__(self, read: EventReader, *, max_events: int = 200_000) -> None:
        self._read = read
        self._max_events = max_events
        self._runs: OrderedDict[tuple[str, str, str], RunHistory] = OrderedDict()

    async def get(self, domain: str, workflow_id: str, run_id: str) -> RunHistory:
        """Return a run's history, brought up to date with the engine.

        Raises:
            SWFFault: As the reader raises it, e.g. ``UnknownResourceFault`` for a run that does not
                exist (or no longer does: its retention ended).
        """
        key = (domain, workflow_id, run_id)
        run = self._runs.get(key)
        if run is None:
            run = RunHistory()
        try:
            events = await self._read(domain, workflow_id, run_id, len(run.events))
            run.add(events)
        except BaseException:
            self._runs.pop(key, None)
            raise
        self._runs[key] = run
        self._runs.move_to_end(key)
        self._trim()
        return run

    def _trim(self) -> None:
        total = sum(len(run.events) for run in self._runs.values())
        while total > self._max_events and len(self._runs) > 1:
            _, dropped = self._runs.popitem(last=False)
            total -= len(dropped.events)
