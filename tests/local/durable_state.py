"""The whole state of a local server as plain values, to compare a live server with one read back from disk."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from aioswf.local import Engine, ManualClock
from aioswf.local.faults import SWFFault
from aioswf.local.records import Deadline, DomainRecord, ExecutionRecord, TypeRecord
from aioswf.local.state import State
from aioswf.local.store import Store
from aioswf.local.store.data_dir import DATABASE

Json = dict[str, Any]


def _when(deadline: Deadline | None) -> float | None:
    if deadline is None or deadline.cancelled:
        return None
    assert deadline.action is not None, "a deadline without an action (a placeholder never re-armed)"
    return deadline.when


def _type(record: TypeRecord) -> Json:
    return {
        "name": record.name,
        "version": record.version,
        "description": record.description,
        "creation": record.creation,
        "configuration": record.configuration,
        "status": record.status,
        "deprecation": record.deprecation,
    }


def _domain(domain: DomainRecord) -> Json:
    return {
        "description": domain.description,
        "retention": domain.retention_days,
        "arn": domain.arn,
        "status": domain.status,
        "tags": domain.tags,
        "workflow_types": {f"{k[0]}/{k[1]}": _type(t) for k, t in domain.workflow_types.items()},
        "activity_types": {f"{k[0]}/{k[1]}": _type(t) for k, t in domain.activity_types.items()},
        "open": list(domain.open_executions),
        "closed": list(domain.closed_executions),
        "runs": [list(key) for key in domain.runs],
        # Runs that expire at the same moment may be queued for retention in either order.
        "retained": sorted(list(entry) for entry in domain.retained),
        "retention_deadline": _when(domain.retention_deadline),
    }


def _run(e: ExecutionRecord) -> Json:
    view: Json = {
        "domain": e.domain.name,
        "workflow_id": e.workflow_id,
        "type": [e.workflow_type.name, e.workflow_type.version],
        "task_list": e.task_list,
        "task_priority": e.task_priority,
        "child_policy": e.child_policy,
        "execution_timeout": e.execution_timeout,
        "task_timeout": e.task_timeout,
        "lambda_role": e.lambda_role,
        "tags": e.tags,
        "input": e.input,
        "start": e.start,
        "parent": None if e.parent is None else [e.parent.workflow_id, e.parent.run_id, e.parent.status],
        "parent_initiated": e.parent_initiated_event_id,
        "status": e.status,
        "close_status": e.close_status,
        "close": e.close,
        "cancel_requested": e.cancel_requested,
        "events": list(e.events),
        "latest_activity": e.latest_activity_timestamp,
        "latest_context": e.latest_context,
        "order": e.order,
        "close_order": e.close_order,
    }
    if e.status != "OPEN":
        return view
    decision = e.decision
    view.update(
        {
            "timeout": _when(e.timeout_deadline),
            "decision": None
            if decision is None
            else {
                "scheduled": decision.scheduled_event_id,
                "task_list": decision.task_list,
                "started": decision.started_event_id,
                "token": decision.token,
                "deadlines": [_when(d) for d in decision.deadlines],
            },
            "decision_needed": e.decision_needed,
            "previous_started": e.previous_started_event_id,
            "override": [e.task_list_override, e.override_timeout],
            "activities": [
                {
                    "id": a.activity_id,
                    "type": a.activity_type,
                    "scheduled": a.scheduled_event_id,
                    "task_list": a.task_list,
                    "input": a.input,
                    "timeouts": a.timeouts,
                    "started": a.started_event_id,
                    "token": a.token,
                    "details": a.heartbeat_details,
                    "cancel_requested": a.cancel_requested_event_id,
                    "control": a.control,
                    "priority": a.priority,
                    "deadlines": {kind: _when(d) for kind, d in a.deadlines.items()},
                }
                for a in e.activities.values()
            ],
            "timers": [[t.timer_id, t.started_event_id, _when(t.deadline)] for t in e.timers.values()],
            "children": [
                [c.workflow_id, c.workflow_type, c.initiated_event_id, c.run_id, c.started_event_id]
                for c in e.children.values()
            ],
            "lambdas": [
                [f.lambda_id, f.name, f.scheduled_event_id, f.started_event_id, _when(f.deadline)]
                for f in e.lambdas.values()
            ],
        }
    )
    return view


def _queue_view(queue: Any) -> list[list[Any]]:
    entries = sorted(entry for entry in queue._heap if not entry[2].cancelled)
    return [[task.execution.run_id, task.record.scheduled_event_id] for _, _, task in entries]


def snapshot(state: State) -> Json:
    """Everything a server holds, as plain values (deadlines by time, queues in the order they hand out)."""
    queues = {}
    for kind, found in (("decision", state.decision_queues), ("activity", state.activity_queues)):
        for (domain, task_list), queue in found.items():
            view = _queue_view(queue)
            if view:
                queues[f"{kind}/{domain}/{task_list}"] = view
    return {
        "domains": {name: _domain(domain) for name, domain in state.domains.items()},
        "runs": [[run_id, _run(execution)] for run_id, execution in state.runs.items()],
        "tokens": sorted(
            [token, kind, execution.run_id, record.scheduled_event_id]
            for token, (kind, execution, record) in state.tokens.items()
        ),
        "queues": queues,
        "deadlines": [
            sorted(entry[0] for entry in heap if not entry[2].cancelled)
            for heap in (state._heap, state._passive)
        ],
    }


@contextlib.contextmanager
def read_back(data_dir: str | Path, clock_start: float) -> Iterator[Engine]:
    """Read a data directory's state into a fresh engine, as a restart does, without locking or starting it.

    The engine is not started (no scheduler, nothing fires), so that its state is the one read back.
    """
    store = Store(data_dir)
    connection = sqlite3.connect(Path(data_dir) / DATABASE)
    try:
        restored = store._load(connection)
        store._reader = connection
        engine = Engine(clock=ManualClock(start=clock_start), poll_wait=0)
        engine._adopt(restored)
        engine._rearm()
        yield engine
    finally:
        store._reader = None
        connection.close()


async def settle(engine: Engine) -> None:
    """Wait until everything the engine changed is durable and nothing more is pending."""
    store = engine.store
    assert store is not None
    while True:
        await engine.durable()
        if (
            engine._flush_soon is None
            and not (engine._changed_runs or engine._changed_domains or engine._changed_types)
            and store._durable >= store._submitted
        ):
            return


def differences(live: Json, back: Json) -> list[str]:
    """Name what differs between two snapshots: each domain, run and table that does not match."""
    found = [key for key in live if key not in ("runs", "domains") and live[key] != back.get(key)]
    for name in set(live["domains"]) | set(back["domains"]):
        if live["domains"].get(name) != back["domains"].get(name):
            found.append(f"domain {name}")
    runs, back_runs = dict(live["runs"]), dict(back["runs"])
    if list(runs) != list(back_runs):
        found.append("the runs, or their order")
    for run_id, view in runs.items():
        other = back_runs.get(run_id, {})
        found.extend(f"run {run_id[:8]}: {key}" for key in view if view[key] != other.get(key))
    return found


def audit(engine: Engine, data_dir: str | Path) -> list[str]:
    """After every operation the engine answers, compare its state with the one read back from disk.

    Returns the list the mismatches go into (operation and what differs), for the test to assert empty.
    """
    original = engine.call
    mismatches: list[str] = []

    async def check(operation: str) -> None:
        await settle(engine)
        live = snapshot(engine)
        with read_back(data_dir, 0) as restored:
            back = snapshot(restored)
        if back != live:
            mismatches.append(f"after {operation}: {', '.join(differences(live, back))}")

    async def call(operation: str, params: Json) -> Json:
        try:
            result = await original(operation, params)
        except SWFFault:
            await check(operation)
            raise
        await check(operation)
        return result

    engine.call = call  # type: ignore[method-assign]
    return mismatches
