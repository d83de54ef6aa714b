"""Visibility: listing and counting executions, with every filter SWF documents."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from aioswf.local.faults import ValidationException
from aioswf.local.paging import paged
from aioswf.local.records import ExecutionRecord

if TYPE_CHECKING:
    from aioswf.local.state import State

__all__ = ["HANDLERS"]

Json = dict[str, Any]


def _exclusive(p: Json, names: tuple[str, ...]) -> None:
    given = [name for name in names if p.get(name) is not None]
    if len(given) > 1:
        raise ValidationException(f"{', '.join(given)} are mutually exclusive: specify at most one")


def _in_window(value: float | None, window: Json) -> bool:
    if value is None:
        return False
    if value < window["oldestDate"]:
        return False
    latest = window.get("latestDate")
    return latest is None or value <= latest


def _select(state: State, p: Json, *, closed: bool) -> tuple[list[ExecutionRecord], bool]:
    domain = state.domain(p["domain"])
    if closed:
        if (p.get("startTimeFilter") is None) == (p.get("closeTimeFilter") is None):
            raise ValidationException("Specify exactly one of startTimeFilter and closeTimeFilter")
        _exclusive(p, ("closeStatusFilter", "executionFilter", "typeFilter", "tagFilter"))
    else:
        _exclusive(p, ("executionFilter", "typeFilter", "tagFilter"))
    candidates: Iterable[ExecutionRecord]
    workflow_id = (p.get("executionFilter") or {}).get("workflowId")
    if not closed and workflow_id is not None:
        found = domain.open_executions.get(workflow_id)
        candidates = [found] if found is not None else []
    else:
        candidates = domain.closed_executions.values() if closed else domain.open_executions.values()
    by_close = closed and p.get("closeTimeFilter") is not None
    window = p["closeTimeFilter"] if by_close else p["startTimeFilter"]
    type_filter = p.get("typeFilter")
    tag = (p.get("tagFilter") or {}).get("tag")
    status = (p.get("closeStatusFilter") or {}).get("status")
    selected = []
    for execution in candidates:
        if not _in_window(execution.close if by_close else execution.start, window):
            continue
        if workflow_id is not None and execution.workflow_id != workflow_id:
            continue
        if type_filter is not None and (
            execution.workflow_type.name != type_filter["name"]
            or ("version" in type_filter and execution.workflow_type.version != type_filter["version"])
        ):
            continue
        if tag is not None and tag not in execution.tags:
            continue
        if status is not None and execution.close_status != status:
            continue
        selected.append(execution)
    return selected, by_close


def _list(state: State, p: Json, *, closed: bool) -> Json:
    selected, by_close = _select(state, p, closed=closed)
    # Timestamps have millisecond precision: executions started (or closed) in the same millisecond
    # are ordered by creation (or closing), so that "newest first" is deterministic.
    selected.sort(
        key=(lambda e: (e.close or 0.0, e.close_order)) if by_close else (lambda e: (e.start, e.order)),
        reverse=not p.get("reverseOrder"),
    )
    scope = f"{'Closed' if closed else 'Open'}/{p['domain']}"
    return paged("executionInfos", [execution.info() for execution in selected], p, scope)


def list_open_workflow_executions(state: State, p: Json) -> Json:
    """``ListOpenWorkflowExecutions`` (newest first unless ``reverseOrder``)."""
    return _list(state, p, closed=False)


def list_closed_workflow_executions(state: State, p: Json) -> Json:
    """``ListClosedWorkflowExecutions`` (by start or close time, newest first unless ``reverseOrder``)."""
    return _list(state, p, closed=True)


def count_open_workflow_executions(state: State, p: Json) -> Json:
    """``CountOpenWorkflowExecutions``."""
    return {"count": len(_select(state, p, closed=False)[0]), "truncated": False}


def count_closed_workflow_executions(state: State, p: Json) -> Json:
    """``CountClosedWorkflowExecutions``."""
    return {"count": len(_select(state, p, closed=True)[0]), "truncated": False}


HANDLERS: dict[str, Any] = {
    "ListOpenWorkflowExecutions": list_open_workflow_executions,
    "ListClosedWorkflowExecutions": list_closed_workflow_executions,
    "CountOpenWorkflowExecutions": count_open_workflow_executions,
    "CountClosedWorkflowExecutions": count_closed_workflow_executions,
}
