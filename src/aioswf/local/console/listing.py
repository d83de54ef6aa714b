"""A domain's executions, open and closed together, newest first, with SWF's filters and pages.

SWF lists open and closed executions with two operations. The console merges them, each already newest
first, and keeps where it stands in each in its own page cursor: the SWF page token of the page it is
reading and how many of that page it has shown. Each console page therefore costs at most two SWF pages
per listing, shows every execution exactly once while the listing does not change, and uses nothing but
SWF operations.

The filters are SWF's, with SWF's rules: at most one of workflow id, type, tag and close status; a start
time window, or a close time window (closed executions only); the close-status filter, like SWF's, shows
closed executions only.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from typing import Any

import attrs

from aioswf.constants import CLOSE_STATUSES
from aioswf.local.console.guard import BadInput
from aioswf.local.console.histories import Call

__all__ = ["CLOSE_STATUSES", "ExecutionQuery", "QueryError", "list_executions"]

Json = dict[str, Any]
MAX_PAGE_SIZE = 1000
DEFAULT_PAGE_SIZE = 50
_MAX_PAGES_PER_WINDOW = 20


class QueryError(BadInput, ValueError):
    """A listing query the console (or SWF) cannot answer; the message says which parameter and why."""


def _time(query: Mapping[str, str], name: str) -> float | None:
    value = query.get(name, "").strip()
    if not value:
        return None
    try:
        number = float(value)
    except ValueError:
        raise QueryError(f"{name} must be a time in seconds since the epoch, not {value!r}") from None
    if not number >= 0:
        raise QueryError(f"{name} must not be negative")
    return number


@attrs.frozen
class ExecutionQuery:
    """What to list: a status, at most one of SWF's filters, a time window and a page size.

    Attributes:
        status: ``all``, ``open`` or ``closed``.
        workflow_id, type_name, type_version, tag, close_status: SWF's filters (at most one of
            workflow id, type, tag and close status).
        started_after, started_before: A start time window (epoch seconds, inclusive).
        closed_after, closed_before: A close time window (closed executions only, newest closed first).
        page_size: Executions per page (1 to 1,000).
    """

    status: str = "all"
    workflow_id: str | None = None
    type_name: str | None = None
    type_version: str | None = None
    tag: str | None = None
    close_status: str | None = None
    started_after: float | None = None
    started_before: float | None = None
    closed_after: float | None = None
    closed_before: float | None = None
    page_size: int = DEFAULT_PAGE_SIZE

    @classmethod
    def from_params(cls, query: Mapping[str, str]) -> ExecutionQuery:
        """Read a query from the console's URL parameters.

        Raises:
            QueryError: On an unknown status or close status, a bad number, two exclusive filters, or a
                close-only filter with ``status=open``.
        """
        text = {key: query.get(key, "").strip() or None for key in ("workflowId", "type", "version", "tag")}
        status = query.get("status", "").strip() or "all"
        if status not in ("all", "open", "closed"):
            raise QueryError(f"status must be all, open or closed, not {status!r}")
        close_status = query.get("closeStatus", "").strip().upper() or None
        if close_status is not None and close_status not in CLOSE_STATUSES:
            raise QueryError(f"closeStatus must be one of {', '.join(CLOSE_STATUSES)}, not {close_status!r}")
        if text["version"] is not None and text["type"] is None:
            raise QueryError("version filters a type: give the type's name too")
        given = [
            name
            for name, value in (
                ("workflowId", text["workflowId"]),
                ("type", text["type"]),
                ("tag", text["tag"]),
                ("closeStatus", close_status),
            )
            if value is not None
        ]
        if len(given) > 1:
            raise QueryError(
                f"SWF filters by one of workflowId, type, tag and closeStatus, not {' and '.join(given)}"
            )
        size_text = query.get("pageSize", "").strip()
        try:
            page_size = int(size_text) if size_text else DEFAULT_PAGE_SIZE
        except ValueError:
            raise QueryError(f"pageSize must be a whole number, not {size_text!r}") from None
        if not 1 <= page_size <= MAX_PAGE_SIZE:
            raise QueryError(f"pageSize must be between 1 and {MAX_PAGE_SIZE}")
        result = cls(
            status=status,
            workflow_id=text["workflowId"],
            type_name=text["type"],
            type_version=text["version"],
            tag=text["tag"],
            close_status=close_status,
            started_after=_time(query, "startedAfter"),
            started_before=_time(query, "startedBefore"),
            closed_after=_time(query, "closedAfter"),
            closed_before=_time(query, "closedBefore"),
            page_size=page_size,
        )
        if result.by_close and (result.started_after is not None or result.started_before is not None):
            raise QueryError("SWF lists by a start time window or a close time window, not both")
        if status == "open" and (result.by_close or close_status is not None):
            raise QueryError("the close-status filter and the close time window show closed executions only")
        return result

    @property
    def by_close(self) -> bool:
        """Whether the window is on close times (which only closed executions have)."""
        return self.closed_after is not None or self.closed_before is not None

    @property
    def sources(self) -> tuple[str, ...]:
        """The SWF listings to merge: ``open``, ``closed`` or both."""
        if self.by_close or self.close_status is not None or self.status == "closed":
            return ("closed",)
        if self.status == "open":
            return ("open",)
        return ("open", "closed")

    def params(self, domain: str, source: str) -> Json:
        """Return the SWF request (without page token) that lists ``source`` executions."""
        params: Json = {"domain": domain, "maximumPageSize": self.page_size}
        if self.by_close:
            window: Json = {"oldestDate": self.closed_after or 0.0}
            if self.closed_before is not None:
                window["latestDate"] = self.closed_before
            params["closeTimeFilter"] = window
        else:
            window = {"oldestDate": self.started_after or 0.0}
            if self.started_before is not None:
                window["latestDate"] = self.started_before
            params["startTimeFilter"] = window
        if self.workflow_id is not None:
            params["executionFilter"] = {"workflowId": self.workflow_id}
        if self.type_name is not None:
            params["typeFilter"] = {"name": self.type_name}
            if self.type_version is not None:
                params["typeFilter"]["version"] = self.type_version
        if self.tag is not None:
            params["tagFilter"] = {"tag": self.tag}
        if self.close_status is not None and source == "closed":
            params["closeStatusFilter"] = {"status": self.close_status}
        return params


def _decode_cursor(cursor: str, sources: tuple[str, ...]) -> dict[str, list[Any] | None]:
    try:
        data = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise QueryError("invalid cursor") from None
    if not isinstance(data, dict) or set(data) != set(sources):
        raise QueryError("invalid cursor (it belongs to another listing)")
    for value in data.values():
        if value is not None and not (
            isinstance(value, list)
            and len(value) == 2
            and (value[0] is None or isinstance(value[0], str))
            and isinstance(value[1], int)
            and value[1] >= 0
        ):
            raise QueryError("invalid cursor")
    return data


def _encode_cursor(positions: dict[str, list[Any] | None]) -> str | None:
    if all(position is None for position in positions.values()):
        return None
    raw = json.dumps(positions, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode()


@attrs.define
class _Window:
    """The executions of one SWF listing from the cursor on: up to two SWF pages."""

    items: list[Json]
    # (token of the page, its length, its next token), for each SWF page read
    pages: list[tuple[str | None, int, str | None]]
    skip: int

    def position_after(self, taken: int) -> list[Any] | None:
        offset = self.skip + taken
        for token, length, following in self.pages:
            if offset < length:
                return [token, offset]
            offset -= length
            if following is None:
                return None
        last_following = self.pages[-1][2]
        return None if last_following is None else [last_following, 0]


async def _window(call: Call, operation: str, params: Json, position: list[Any], size: int) -> _Window:
    token, skip = position
    pages: list[tuple[str | None, int, str | None]] = []
    items: list[Json] = []
    # Usually one or two SWF pages; more only if SWF answers short pages, which it may.
    for _ in range(_MAX_PAGES_PER_WINDOW):
        request = {**params, "nextPageToken": token} if token else params
        answer = await call(operation, request)
        page = answer.get("executionInfos", [])
        following = answer.get("nextPageToken") or None
        items.extend(page[skip:] if not pages else page)
        pages.append((token, len(page), following))
        if len(items) >= size or following is None:
            return _Window(items, pages, skip)
        token = following
    raise QueryError(f"{operation} answered {_MAX_PAGES_PER_WINDOW} pages without filling one console page")


async def list_executions(call: Call, domain: str, query: ExecutionQuery, cursor: str | None) -> Json:
    """Return one page of a domain's executions, newest first, and the cursor of the next page.

    Args:
        call: Runs an SWF operation.
        domain: The domain's name.
        query: What to list.
        cursor: Where the previous page stopped (None: the first page).

    Returns:
        ``{"executions": [executionInfo...], "nextCursor": str | None}``; the first page also carries
        ``"counts": {"open": n, "closed": n}`` for the query (SWF's Count operations).

    Raises:
        QueryError: On a malformed cursor.
        SWFFault: As the SWF operations raise them.
    """
    sources = query.sources
    positions: dict[str, list[Any] | None] = (
        _decode_cursor(cursor, sources) if cursor else {source: [None, 0] for source in sources}
    )
    operations = {"open": "ListOpenWorkflowExecutions", "closed": "ListClosedWorkflowExecutions"}
    windows: dict[str, _Window] = {}
    for source in sources:
        position = positions[source]
        if position is not None:
            windows[source] = await _window(
                call, operations[source], query.params(domain, source), position, query.page_size
            )
    key = "closeTimestamp" if query.by_close else "startTimestamp"
    taken = dict.fromkeys(windows, 0)
    page: list[Json] = []
    while len(page) < query.page_size:
        best: str | None = None
        for source, window in windows.items():
            if taken[source] < len(window.items) and (
                best is None
                # Newest first; on a tie the open execution comes first.
                or window.items[taken[source]].get(key, 0) > windows[best].items[taken[best]].get(key, 0)
            ):
                best = source
        if best is None:
            break
        page.append(windows[best].items[taken[best]])
        taken[best] += 1
    following = {
        source: (windows[source].position_after(taken[source]) if source in windows else None)
        for source in sources
    }
    result: Json = {"executions": page, "nextCursor": _encode_cursor(following)}
    if not cursor:
        counts: Json = {}
        for source in sources:
            params = query.params(domain, source)
            params.pop("maximumPageSize")
            operation = "CountOpenWorkflowExecutions" if source == "open" else "CountClosedWorkflowExecutions"
            counts[source] = (await call(operation, params))["count"]
        result["counts"] = counts
    return result
