"""``aioswf execution history``: an execution's events, or with ``--summary`` a per-activity profile.

The events stream page by page. In JSON each line is the raw SWF event (``eventId``, ``eventType``,
``eventTimestamp`` in ISO 8601, ``...EventAttributes``), so ``jq -s '{events: .}'`` rebuilds the shape of
GetWorkflowExecutionHistory and `aioswf.models.History.from_raw` reads the lines back.

The profile (like simpleflow's ``workflow.profile``) gives, per activity id: its type, its state (from
`aioswf.models.History.compile`), how many times it was scheduled and how many of those failed or timed
out, how long its latest attempt waited to start and ran, the run time of all its attempts, and that
time's share of the execution's duration.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from datetime import datetime, timezone
from typing import Any

import attrs
import click

from aioswf.cli.executions import resolve_run
from aioswf.cli.invocation import Invocation, domain_option, listing_options, output_option, swf_command
from aioswf.cli.output import Column, OutputFormat, columns
from aioswf.models import History, WorkflowExecution
from aioswf.models.event import Event

__all__ = ["EVENT_COLUMNS", "PROFILE_COLUMNS", "activity_profile", "history", "show_history"]

EVENT_COLUMNS = columns("id", "timestamp", "event", "state", "summary")
PROFILE_COLUMNS = (
    *columns("activity_id", "type", "state", "attempts", "failures", "scheduled"),
    Column("waited_s", "WAIT (S)"),
    Column("ran_s", "RUN (S)"),
    Column("total_ran_s", "ALL RUNS (S)"),
    Column("share_pct", "SHARE %"),
    Column("reason"),
)

# The attributes that say most about an event, in the order the summary shows them.
_SUMMARY_KEYS = (
    "activity_id",
    "activity_type",
    "timer_id",
    "start_to_fire_timeout",
    "signal_name",
    "marker_name",
    "workflow_id",
    "workflow_type",
    "task_list",
    "timeout_type",
    "reason",
    "cause",
    "result",
    "input",
    "details",
    "identity",
)
_SUMMARY_PAIRS = 4
_FAILED = frozenset({"ActivityTaskFailed", "ActivityTaskTimedOut"})
_CLOSED = _FAILED | {"ActivityTaskCompleted", "ActivityTaskCanceled"}


def _short(value: Any) -> str:
    if isinstance(value, Mapping) and "name" in value:
        return f"{value['name']}/{value['version']}" if "version" in value else str(value["name"])
    return str(value)


def event_summary(event: Event) -> str:
    """The few attributes that say what an event is about: ``activity_id=download activity_type=dl/1``."""
    pairs = []
    for key in _SUMMARY_KEYS:
        value = event.attributes.get(key)
        if value is None or value == "":
            continue
        pairs.append(f"{key}={_short(value)}")
        if len(pairs) == _SUMMARY_PAIRS:
            break
    return " ".join(pairs)


def event_row(event: Event) -> dict[str, Any]:
    """An event as one item of output: its id, time, type, state and a summary (the raw event in JSON)."""
    return {
        "id": event.id,
        "timestamp": event.timestamp,
        "event": event.name,
        "state": event.state,
        "summary": event_summary(event),
    }


@attrs.define
class _Attempts:
    scheduled: list[Event] = attrs.field(factory=list)
    started: dict[int, Event] = attrs.field(factory=dict)
    closed: dict[int, Event] = attrs.field(factory=dict)


def _seconds(start: datetime | None, end: datetime | None) -> float | None:
    if start is None or end is None:
        return None
    return round((end - start).total_seconds(), 3)


def activity_profile(history: History, *, now: datetime | None = None) -> list[dict[str, Any]]:
    """One row per activity id of a history: state, attempts, failures, wait and run times.

    Args:
        history: The execution's whole history.
        now: The time open attempts are measured to (default: the execution's close, else now).

    Returns:
        The rows, in the order the activities were first scheduled.
    """
    compiled = history.compile()
    events = sorted(history, key=lambda event: event.id)
    if not events:
        return []
    end = now
    if end is None:
        closing = events[-1] if not compiled.execution.is_open else None
        end = closing.timestamp if closing is not None else datetime.now(timezone.utc)
    duration = max((end - events[0].timestamp).total_seconds(), 0.0)
    attempts: dict[str, _Attempts] = {}
    activity_of: dict[int, str] = {}
    for event in events:
        if event.name == "ActivityTaskScheduled":
            activity_id = str(event.attributes.get("activity_id"))
            activity_of[event.id] = activity_id
            attempts.setdefault(activity_id, _Attempts()).scheduled.append(event)
            continue
        scheduled_id = event.attributes.get("scheduled_event_id")
        if event.type != "ActivityTask" or scheduled_id not in activity_of:
            continue
        record = attempts[activity_of[scheduled_id]]
        if event.name == "ActivityTaskStarted":
            record.started[scheduled_id] = event
        elif event.name in _CLOSED:
            record.closed[scheduled_id] = event
    rows = []
    for activity_id, record in attempts.items():
        state = compiled.activities.get(activity_id)
        latest = record.scheduled[-1]
        started = record.started.get(latest.id)
        closed = record.closed.get(latest.id)
        total = 0.0
        for scheduled in record.scheduled:
            began = record.started.get(scheduled.id)
            if began is not None:
                finished = record.closed.get(scheduled.id)
                total += ((finished.timestamp if finished else end) - began.timestamp).total_seconds()
        wait_end = started.timestamp if started else (closed.timestamp if closed else end)
        run_end = closed.timestamp if closed else end
        rows.append(
            {
                "activity_id": activity_id,
                "type": _short(latest.attributes.get("activity_type")),
                "state": state.state if state else latest.state,
                "attempts": state.attempts if state else len(record.scheduled),
                "failures": sum(1 for event in record.closed.values() if event.name in _FAILED),
                "scheduled": latest.timestamp,
                "waited_s": _seconds(latest.timestamp, wait_end),
                "ran_s": _seconds(started.timestamp, run_end) if started else None,
                "total_ran_s": round(total, 3),
                "share_pct": round(100.0 * total / duration, 1) if duration > 0 else None,
                "reason": (state.reason or state.timeout_type) if state else None,
            }
        )
    return rows


async def show_history(
    inv: Invocation,
    domain: str,
    workflow_id: str,
    run_id: str | None,
    *,
    summary: bool = False,
    reverse: bool = False,
    limit: int | None = None,
    page_size: int | None = None,
) -> None:
    """Prints a run's events, page by page, or its per-activity profile."""
    run_id = await resolve_run(domain, workflow_id, run_id)
    execution = WorkflowExecution(domain, workflow_id, run_id)
    if summary:
        rows = activity_profile(await execution.history())
        inv.printer.rows(rows, PROFILE_COLUMNS)
        return
    pages = execution.events(reverse=reverse, page_size=page_size)

    async def events() -> AsyncIterator[Mapping[str, Any]]:
        count = 0
        try:
            async for page in pages:
                for event in page:
                    if limit is not None and count >= limit:
                        return
                    count += 1
                    yield dict(event.raw) if inv.printer.output is OutputFormat.JSON else event_row(event)
                if limit is not None and count >= limit:
                    return
        finally:
            await pages.aclose()

    await inv.printer.listing(events(), EVENT_COLUMNS, what="events")


@click.command("history")
@click.argument("workflow_id")
@click.argument("run_id", required=False)
@click.option("--summary", is_flag=True, help="A per-activity profile instead of the events.")
@listing_options
@domain_option
@output_option
@swf_command
async def history(
    inv: Invocation,
    workflow_id: str,
    run_id: str | None,
    summary: bool,
    limit: int | None,
    page_size: int | None,
    reverse: bool,
) -> None:
    """Show an execution's history: its events, or with --summary a per-activity profile.

    The profile gives each activity id's type, state, attempts, failures (failed or timed out), how
    long its latest attempt waited to start (WAIT) and ran (RUN), the run time of all its attempts (ALL
    RUNS) and that time's share of the execution (SHARE %), in seconds.

    \b
    Examples:
      aioswf -d crawl execution history WORKFLOW_ID
      aioswf -d crawl execution history WORKFLOW_ID --summary
      aioswf -d crawl execution history WORKFLOW_ID RUN_ID -o json | jq -r .eventType
    """
    await show_history(
        inv,
        inv.domain,
        workflow_id,
        run_id,
        summary=summary,
        reverse=reverse,
        limit=limit,
        page_size=page_size,
    )
