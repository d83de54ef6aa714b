"""The console's JSON reads: domains and types, executions, and one execution's history and state.

Everything is read with SWF operations through ``call``; a run's events come from the `Histories`,
which reads them through the engine too.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from typing import Any

import attrs
from aiohttp import web

from aioswf.local.console.guard import BadInput
from aioswf.local.console.histories import Call, Histories, RunHistory
from aioswf.local.console.listing import ExecutionQuery, list_executions
from aioswf.local.console.timeline import build_timeline
from aioswf.models.compiled import CompiledHistory
from aioswf.models.event import Event
from aioswf.models.history import History

__all__ = ["Reads", "attributes_of", "execution_links"]

Json = dict[str, Any]
MAX_HISTORY_PAGE = 1000
#: Closed objects of each kind shown in the compiled state (the open ones are always all shown).
MAX_CLOSED_SHOWN = 200
_STATUSES = ("REGISTERED", "DEPRECATED")


def attributes_of(event: Json) -> Json:
    """Return the ``...EventAttributes`` member of a raw event ({} if it has none)."""
    kind = event["eventType"]
    value = event.get(kind[0].lower() + kind[1:] + "EventAttributes")
    return value if isinstance(value, dict) else {}


def execution_links(events: list[Json]) -> Json:
    """Return the runs a history points to: its parent, the run it continues, the one it continued as,
    and its children (each child's latest run), in the order they were started.
    """
    links: Json = {"parent": None, "continuedFrom": None, "continuedAs": None, "children": []}
    children: dict[str, Json] = {}
    for event in events:
        kind = event["eventType"]
        if kind == "WorkflowExecutionStarted":
            attributes = attributes_of(event)
            links["parent"] = attributes.get("parentWorkflowExecution")
            links["continuedFrom"] = attributes.get("continuedExecutionRunId")
        elif kind == "WorkflowExecutionContinuedAsNew":
            links["continuedAs"] = attributes_of(event).get("newExecutionRunId")
        elif kind == "StartChildWorkflowExecutionInitiated":
            workflow_id = str(attributes_of(event).get("workflowId"))
            children.pop(workflow_id, None)
            children[workflow_id] = {"workflowId": workflow_id, "runId": None, "state": "start_initiated"}
        elif kind.startswith("ChildWorkflowExecution") or kind == "StartChildWorkflowExecutionFailed":
            attributes = attributes_of(event)
            execution = attributes.get("workflowExecution") or {}
            workflow_id = str(execution.get("workflowId", attributes.get("workflowId")))
            child = children.setdefault(workflow_id, {"workflowId": workflow_id, "runId": None})
            if execution.get("runId"):
                child["runId"] = execution["runId"]
            child["state"] = _child_state(kind)
    links["children"] = list(children.values())
    return links


def _child_state(kind: str) -> str:
    if kind == "StartChildWorkflowExecutionFailed":
        return "start_failed"
    words = kind.removeprefix("ChildWorkflowExecution")
    return {"TimedOut": "timed_out"}.get(words, words.lower())


def _state_json(value: Any) -> Any:
    if isinstance(value, Event):
        return {"eventId": value.id, "eventType": value.name}
    if isinstance(value, Mapping):
        return {str(key): _state_json(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_state_json(item) for item in value]
    if attrs.has(type(value)):
        return {field.name: _state_json(getattr(value, field.name)) for field in attrs.fields(type(value))}
    return value


def compiled_json(compiled: CompiledHistory) -> Json:
    """Return the compiled state as JSON: open objects first and all of them, then the latest closed ones."""
    result: Json = {
        "execution": _state_json(compiled.execution),
        "decisionTask": _state_json(compiled.decision_task),
        "signals": _state_json(compiled.signals[-MAX_CLOSED_SHOWN:]),
        "signalsTotal": len(compiled.signals),
        "externalOperations": _state_json(compiled.external_operations[-MAX_CLOSED_SHOWN:]),
        "externalOperationsTotal": len(compiled.external_operations),
        "markers": _state_json(compiled.markers),
        "unresolved": _state_json(compiled.unresolved),
    }
    kinds: tuple[tuple[str, Mapping[str, Any]], ...] = (
        ("activities", compiled.activities),
        ("timers", compiled.timers),
        ("childWorkflows", compiled.child_workflows),
        ("lambdaFunctions", compiled.lambda_functions),
    )
    for name, objects in kinds:
        opened = [state for state in objects.values() if state.is_open]
        closed = [state for state in objects.values() if not state.is_open]
        closed.sort(key=lambda state: state.closed_event_id or 0)
        shown = closed[-MAX_CLOSED_SHOWN:]
        result[name] = {
            "open": _state_json(opened),
            "closed": _state_json(shown[::-1]),
            "closedTotal": len(closed),
        }
    return result


def _type_counts(events: list[Json]) -> dict[str, int]:
    return dict(Counter(event["eventType"] for event in events))


def _compile(events: list[Json]) -> Json:
    return compiled_json(History.from_raw(events).compile())


async def _all_pages(call: Call, operation: str, params: Json, key: str) -> list[Json]:
    items: list[Json] = []
    seen: set[str] = set()
    while True:
        answer = await call(operation, params)
        items.extend(answer.get(key, []))
        token = answer.get("nextPageToken")
        if not token or token in seen:
            return items
        seen.add(token)
        params = {**params, "nextPageToken": token}


def _int(request: web.Request, name: str, default: int, low: int, high: int) -> int:
    text = request.query.get(name, "").strip()
    if not text:
        return default
    try:
        value = int(text)
    except ValueError:
        raise BadInput(f"{name} must be a whole number, not {text!r}") from None
    if not low <= value <= high:
        raise BadInput(f"{name} must be between {low} and {high}")
    return value


class Reads:
    """The handlers of the console's GET endpoints.

    Args:
        call: Runs an SWF operation.
        histories: Where runs' events are read and kept.
        settings: Sent to the page as they are (e.g. the refresh interval).
        clock: The engine's time.
    """

    def __init__(self, call: Call, histories: Histories, settings: Json, clock: Callable[[], float]) -> None:
        self._call = call
        self._histories = histories
        self._settings = settings
        self._clock = clock

    async def config(self, request: web.Request) -> Json:
        """``GET /console/api/config``: the page's settings."""
        return dict(self._settings)

    async def domains(self, request: web.Request) -> Json:
        """``GET /console/api/domains``: every domain, with its retention, open executions and how many
        workflow and activity types it has registered.
        """
        found: list[Json] = []
        for status in _STATUSES:
            found += await _all_pages(
                self._call, "ListDomains", {"registrationStatus": status}, "domainInfos"
            )
        found = sorted(({**info} for info in found), key=lambda info: info["name"])
        for info in found:
            described = await self._call("DescribeDomain", {"name": info["name"]})
            info["retention"] = described["configuration"]["workflowExecutionRetentionPeriodInDays"]
            counted = await self._call(
                "CountOpenWorkflowExecutions",
                {"domain": info["name"], "startTimeFilter": {"oldestDate": 0.0}},
            )
            info["openExecutions"] = counted["count"]
            for key, operation in (
                ("workflowTypes", "ListWorkflowTypes"),
                ("activityTypes", "ListActivityTypes"),
            ):
                registered = await _all_pages(
                    self._call,
                    operation,
                    {"domain": info["name"], "registrationStatus": "REGISTERED"},
                    "typeInfos",
                )
                info[key] = len(registered)
        return {"domains": found}

    async def domain(self, request: web.Request) -> Json:
        """``GET /console/api/domains/{domain}``: a domain and all its workflow and activity types."""
        name = request.match_info["domain"]
        described = await self._call("DescribeDomain", {"name": name})
        result: Json = {
            "domain": described["domainInfo"],
            "configuration": described["configuration"],
            "workflowTypes": [],
            "activityTypes": [],
        }
        for key, operation, member in (
            ("workflowTypes", "ListWorkflowTypes", "typeInfos"),
            ("activityTypes", "ListActivityTypes", "typeInfos"),
        ):
            for status in _STATUSES:
                result[key] += await _all_pages(
                    self._call, operation, {"domain": name, "registrationStatus": status}, member
                )
        return result

    async def workflow_type(self, request: web.Request) -> Json:
        """``GET /console/api/domains/{domain}/workflow-type?name=&version=``: a type and its defaults."""
        name, version = request.query.get("name"), request.query.get("version")
        if not name or not version:
            raise BadInput("give the workflow type's name and version")
        return await self._call(
            "DescribeWorkflowType",
            {"domain": request.match_info["domain"], "workflowType": {"name": name, "version": version}},
        )

    async def executions(self, request: web.Request) -> Json:
        """``GET /console/api/domains/{domain}/executions``: one page of executions, newest first."""
        query = ExecutionQuery.from_params(request.query)
        return await list_executions(
            self._call, request.match_info["domain"], query, request.query.get("cursor") or None
        )

    async def latest_run(self, request: web.Request) -> Json:
        """``GET /console/api/domains/{domain}/workflows/{workflow_id}``: its open run, else its newest."""
        domain, workflow_id = request.match_info["domain"], request.match_info["workflow_id"]
        for operation in ("ListOpenWorkflowExecutions", "ListClosedWorkflowExecutions"):
            answer = await self._call(
                operation,
                {
                    "domain": domain,
                    "startTimeFilter": {"oldestDate": 0.0},
                    "executionFilter": {"workflowId": workflow_id},
                    "maximumPageSize": 1,
                },
            )
            if answer.get("executionInfos"):
                return {"execution": answer["executionInfos"][0]["execution"]}
        raise BadInput(
            f"no run of workflow {workflow_id!r} is known in {domain!r}", 404, "UnknownResourceFault"
        )

    async def _run(self, request: web.Request) -> tuple[str, Json, RunHistory]:
        info = request.match_info
        ref = {"workflowId": info["workflow_id"], "runId": info["run_id"]}
        history = await self._histories.get(info["domain"], ref["workflowId"], ref["runId"])
        return info["domain"], ref, history

    async def execution(self, request: web.Request) -> Json:
        """``GET .../executions/{workflow_id}/{run_id}``: what SWF describes, its input, how it closed,
        its links to other runs, and how many events it has (the page polls this to follow a run).
        """
        domain, ref, history = await self._run(request)
        described = await self._call("DescribeWorkflowExecution", {"domain": domain, "execution": ref})
        events = history.events
        started = (
            attributes_of(events[0])
            if events and events[0]["eventType"] == "WorkflowExecutionStarted"
            else {}
        )
        closing = events[-1] if history.closed else None
        return {
            "domain": domain,
            **described,
            "eventCount": len(events),
            "input": started.get("input"),
            "started": started,
            "closeEvent": closing,
            "links": await history.derived("links", execution_links),
        }

    async def history(self, request: web.Request) -> Json:
        """``GET .../history?page=&size=&order=&types=&event=``: one page of the events.

        ``types`` (comma-separated event types) filters; ``event`` asks for the page holding that event
        (instead of ``page``); a page beyond the last gives the last.
        """
        _, _, history = await self._run(request)
        size = _int(request, "size", 100, 1, MAX_HISTORY_PAGE)
        order = request.query.get("order", "asc")
        if order not in ("asc", "desc"):
            raise BadInput("order must be asc or desc")
        types = {kind for kind in request.query.get("types", "").split(",") if kind}
        events = history.events[:]
        if types:
            events = [event for event in events if event["eventType"] in types]
        if order == "desc":
            events.reverse()
        pages = max(1, -(-len(events) // size))
        wanted = _int(request, "event", 0, 0, 1 << 31)
        if wanted:
            index = next((i for i, event in enumerate(events) if event["eventId"] == wanted), None)
            if index is None:
                raise BadInput(
                    f"event {wanted} is not in this history (or not of the types shown)", 404, "NotFound"
                )
            page = index // size + 1
        else:
            page = min(_int(request, "page", 1, 1, 1 << 31), pages)
        return {
            "events": events[(page - 1) * size : page * size],
            "page": page,
            "pages": pages,
            "size": size,
            "total": len(events),
            "eventCount": len(history.events),
            "startTimestamp": history.events[0]["eventTimestamp"] if history.events else None,
            "typeCounts": await history.derived("type counts", _type_counts),
        }

    async def state(self, request: web.Request) -> Json:
        """``GET .../state``: the compiled state (`History.compile`) of the history as it is now."""
        _, _, history = await self._run(request)
        return {"eventCount": len(history.events), **await history.derived("state", _compile)}

    async def timeline(self, request: web.Request) -> Json:
        """``GET .../timeline``: lanes, bars and points (see `build_timeline`), and the engine's time."""
        _, _, history = await self._run(request)
        timeline = await history.derived("timeline", build_timeline)
        return {"eventCount": len(history.events), "now": self._clock(), **timeline}
