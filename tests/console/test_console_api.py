"""The console's JSON endpoints over HTTP (no browser): what they read, what they do, what they refuse."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import quote

import aiohttp
import pytest
from console_scenario import child, complete, continue_as_new, marker, schedule, timer
from yarl import URL

from aioswf.local.console import ACTION_HEADER
from conftest import Console

Json = dict[str, Any]
ACTION = {ACTION_HEADER: "1"}


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


def run_path(console: Console, ref: Json) -> str:
    domain = console.scenario.domain
    return f"/domains/{quote(domain, safe='')}/executions/{quote(ref['workflowId'], safe='')}/{quote(ref['runId'], safe='')}"


def api_url(console: Console, path: str, params: Json | None = None) -> URL:
    url = URL(console.url + "/console/api" + path, encoded=True)
    return url.update_query(params) if params else url


async def get(
    http: aiohttp.ClientSession, console: Console, path: str, expect: int = 200, **params: Any
) -> Any:
    async with http.get(api_url(console, path, params)) as response:
        body = await response.json()
        assert response.status == expect, body
        return body


async def post(
    http: aiohttp.ClientSession,
    console: Console,
    path: str,
    body: Json,
    expect: int = 200,
    headers: dict[str, str] | None = None,
) -> Any:
    async with http.post(
        api_url(console, path), json=body, headers=ACTION if headers is None else headers
    ) as response:
        answer = await response.json()
        assert response.status == expect, answer
        return answer


async def listing(http: aiohttp.ClientSession, console: Console, **params: Any) -> list[str]:
    """Every workflow id the listing shows, following its cursor to the end."""
    ids: list[str] = []
    cursor = None
    while True:
        query = {**params, **({"cursor": cursor} if cursor else {})}
        page = await get(http, console, f"/domains/{console.scenario.domain}/executions", **query)
        ids += [info["execution"]["workflowId"] for info in page["executions"]]
        cursor = page["nextCursor"]
        if cursor is None:
            return ids


async def populate(console: Console) -> dict[str, Json]:
    """The scenario's eight executions (see `Scenario.populate`)."""
    return await console.scenario.populate()


def start_of(made: dict[str, Json], console: Console, name: str) -> float:
    execution = console.local.engine.domains[console.scenario.domain].runs[(name, made[name]["runId"])]
    return execution.start


# -- domains and types ------------------------------------------------------------------------------


async def test_domains_are_listed_with_retention_and_open_executions(
    console: Console, http: aiohttp.ClientSession
) -> None:
    s = console.scenario
    s.start()
    s.call("RegisterDomain", name=s.domain + "-old", workflowExecutionRetentionPeriodInDays="3")
    s.call("DeprecateDomain", name=s.domain + "-old")
    domains = {d["name"]: d for d in (await get(http, console, "/domains"))["domains"]}
    assert domains[s.domain]["status"] == "REGISTERED"
    assert domains[s.domain]["retention"] == "1"
    assert domains[s.domain]["openExecutions"] == 1
    assert domains[s.domain]["workflowTypes"] == 2
    assert domains[s.domain + "-old"]["status"] == "DEPRECATED"
    assert domains[s.domain + "-old"]["retention"] == "3"


async def test_a_domain_shows_its_workflow_and_activity_types_deprecated_ones_too(
    console: Console, http: aiohttp.ClientSession
) -> None:
    s = console.scenario
    s.call("DeprecateWorkflowType", domain=s.domain, workflowType={"name": "refund", "version": "2"})
    data = await get(http, console, f"/domains/{s.domain}")
    assert data["domain"]["name"] == s.domain
    assert data["configuration"]["workflowExecutionRetentionPeriodInDays"] == "1"
    assert {(t["workflowType"]["name"], t["status"]) for t in data["workflowTypes"]} == {
        ("order", "REGISTERED"),
        ("refund", "DEPRECATED"),
    }
    assert [t["activityType"]["name"] for t in data["activityTypes"]] == ["charge"]
    described = await get(http, console, f"/domains/{s.domain}/workflow-type", name="order", version="1")
    assert described["configuration"]["defaultTaskList"] == {"name": "decisions"}


async def test_an_unknown_domain_is_not_found(console: Console, http: aiohttp.ClientSession) -> None:
    answer = await get(http, console, "/domains/nope", 404)
    assert answer["error"] == "UnknownResourceFault"


# -- executions --------------------------------------------------------------------------------------


async def test_executions_are_listed_open_and_closed_together_newest_first(
    console: Console, http: aiohttp.ClientSession
) -> None:
    made = await populate(console)
    page = await get(http, console, f"/domains/{console.scenario.domain}/executions")
    ids = [info["execution"]["workflowId"] for info in page["executions"]]
    assert ids == sorted(made, reverse=True)
    assert page["counts"] == {"open": 4, "closed": 4}
    statuses = {info["execution"]["workflowId"]: info.get("closeStatus") for info in page["executions"]}
    assert statuses == {
        "a-open": None,
        "b-done": "COMPLETED",
        "c-open": None,
        "d-failed": "FAILED",
        "e-open": None,
        "f-terminated": "TERMINATED",
        "g-open": None,
        "h-done": "COMPLETED",
    }


async def test_pages_show_every_execution_once(console: Console, http: aiohttp.ClientSession) -> None:
    made = await populate(console)
    for size in (1, 2, 3, 5, 8, 50):
        assert await listing(http, console, pageSize=size) == sorted(made, reverse=True), size
    first = await get(http, console, f"/domains/{console.scenario.domain}/executions", pageSize=3)
    assert len(first["executions"]) == 3
    assert first["nextCursor"]
    assert first["counts"] == {"open": 4, "closed": 4}
    second = await get(
        http,
        console,
        f"/domains/{console.scenario.domain}/executions",
        pageSize=3,
        cursor=first["nextCursor"],
    )
    assert "counts" not in second


async def test_the_close_status_filter_shows_closed_executions_only(
    console: Console, http: aiohttp.ClientSession
) -> None:
    await populate(console)
    assert await listing(http, console, closeStatus="COMPLETED") == ["h-done", "b-done"]
    assert await listing(http, console, closeStatus="TERMINATED") == ["f-terminated"]
    assert await listing(http, console, closeStatus="CANCELED") == []
    page = await get(http, console, f"/domains/{console.scenario.domain}/executions", closeStatus="FAILED")
    assert page["counts"] == {"closed": 1}
    refused = await get(
        http,
        console,
        f"/domains/{console.scenario.domain}/executions",
        400,
        status="open",
        closeStatus="COMPLETED",
    )
    assert "closed executions only" in refused["message"]


async def test_each_of_swfs_filters_selects(console: Console, http: aiohttp.ClientSession) -> None:
    made = await populate(console)
    assert await listing(http, console, status="open") == ["g-open", "e-open", "c-open", "a-open"]
    assert await listing(http, console, status="closed") == ["h-done", "f-terminated", "d-failed", "b-done"]
    assert await listing(http, console, workflowId="c-open") == ["c-open"]
    assert await listing(http, console, workflowId="c-open", status="closed") == []
    assert await listing(http, console, type="refund") == ["f-terminated", "c-open"]
    assert await listing(http, console, type="order", version="1", status="closed") == [
        "h-done",
        "d-failed",
        "b-done",
    ]
    assert await listing(http, console, type="order", version="2") == []
    assert await listing(http, console, tag="blue") == ["f-terminated", "d-failed", "a-open"]
    t0 = start_of(made, console, "a-open")
    assert await listing(http, console, startedAfter=t0 + 2, startedBefore=t0 + 4) == [
        "e-open",
        "d-failed",
        "c-open",
    ]
    assert await listing(http, console, startedAfter=t0 + 6) == ["h-done", "g-open"]
    assert await listing(http, console, startedBefore=t0 + 1, pageSize=1) == ["b-done", "a-open"]


async def test_a_close_time_window_lists_closed_executions_newest_closed_first(
    console: Console, http: aiohttp.ClientSession
) -> None:
    made = await populate(console)
    s = console.scenario
    s.call("TerminateWorkflowExecution", domain=s.domain, workflowId="a-open")
    assert await listing(http, console, closedAfter=0) == [
        "a-open",
        "f-terminated",
        "h-done",
        "d-failed",
        "b-done",
    ]
    closed_at = console.local.engine.domains[s.domain].runs[("a-open", made["a-open"]["runId"])].close
    assert await listing(http, console, closedAfter=closed_at) == ["a-open"]
    assert await listing(http, console, closedAfter=0, closedBefore=closed_at - 1, pageSize=2) == [
        "f-terminated",
        "h-done",
        "d-failed",
        "b-done",
    ]
    assert await listing(http, console, closedAfter=0, tag="blue") == ["a-open", "f-terminated", "d-failed"]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"workflowId": "x", "tag": "y"}, "one of workflowId, type, tag and closeStatus"),
        ({"startedAfter": "1", "closedAfter": "1"}, "not both"),
        ({"status": "sideways"}, "status must be"),
        ({"closeStatus": "LOST"}, "closeStatus must be"),
        ({"pageSize": "0"}, "pageSize must be"),
        ({"pageSize": "many"}, "pageSize must be"),
        ({"startedAfter": "yesterday"}, "startedAfter must be"),
        ({"version": "1"}, "give the type's name"),
        ({"cursor": "not-a-cursor"}, "invalid cursor"),
    ],
)
async def test_a_listing_swf_cannot_answer_is_refused_with_the_reason(
    console: Console, http: aiohttp.ClientSession, params: Json, message: str
) -> None:
    answer = await get(http, console, f"/domains/{console.scenario.domain}/executions", 400, **params)
    assert message in answer["message"]


async def test_a_cursor_of_another_listing_is_refused(console: Console, http: aiohttp.ClientSession) -> None:
    await populate(console)
    page = await get(http, console, f"/domains/{console.scenario.domain}/executions", pageSize=2)
    answer = await get(
        http,
        console,
        f"/domains/{console.scenario.domain}/executions",
        400,
        status="open",
        cursor=page["nextCursor"],
    )
    assert "another listing" in answer["message"]


async def test_the_latest_run_of_a_workflow_id_is_found(
    console: Console, http: aiohttp.ClientSession
) -> None:
    s = console.scenario
    ref = s.start("again")
    await s.decide(continue_as_new())
    newer = (await get(http, console, f"/domains/{s.domain}/workflows/again"))["execution"]
    assert newer["workflowId"] == "again"
    assert newer["runId"] != ref["runId"]
    missing = await get(http, console, f"/domains/{s.domain}/workflows/never", 404)
    assert "no run" in missing["message"]


# -- one execution -------------------------------------------------------------------------------------


async def test_an_execution_shows_its_input_how_it_closed_and_its_links(
    console: Console, http: aiohttp.ClientSession
) -> None:
    s = console.scenario
    parent = s.start("parent", input='{"order": 7}', tagList=["t1"])
    await s.decide(child("parent-child"))
    child_task = await s.poll_decision()  # the child's first decision task
    child_run = child_task["workflowExecution"]
    s.call(
        "RespondDecisionTaskCompleted",
        taskToken=child_task["taskToken"],
        decisions=[continue_as_new('{"round": 2}')],
    )
    data = await get(http, console, run_path(console, parent))
    assert data["executionInfo"]["executionStatus"] == "OPEN"
    assert data["input"] == '{"order": 7}'
    assert data["closeEvent"] is None
    assert data["executionConfiguration"]["taskList"] == {"name": "decisions"}
    assert data["links"]["children"] == [
        {"workflowId": "parent-child", "runId": child_run["runId"], "state": "started"}
    ]
    first = await get(http, console, run_path(console, child_run))
    assert first["links"]["parent"] == parent
    assert first["closeEvent"]["eventType"] == "WorkflowExecutionContinuedAsNew"
    continued = first["links"]["continuedAs"]
    second = await get(http, console, run_path(console, {"workflowId": "parent-child", "runId": continued}))
    assert second["links"]["continuedFrom"] == child_run["runId"]
    assert second["links"]["parent"] == parent
    assert second["input"] == '{"round": 2}'
    await s.decide_run(continued, complete('{"shipped": true}'))
    done = await get(http, console, run_path(console, {"workflowId": "parent-child", "runId": continued}))
    assert done["closeEvent"]["workflowExecutionCompletedEventAttributes"]["result"] == '{"shipped": true}'
    assert done["executionInfo"]["closeStatus"] == "COMPLETED"


async def test_an_unknown_execution_is_not_found(console: Console, http: aiohttp.ClientSession) -> None:
    answer = await get(http, console, run_path(console, {"workflowId": "ghost", "runId": "r"}), 404)
    assert answer["error"] == "UnknownResourceFault"


async def test_the_history_comes_in_pages_in_either_order_and_by_type(
    console: Console, http: aiohttp.ClientSession
) -> None:
    s = console.scenario
    ref = s.start()
    await s.decide(*[marker(f"m{i}") for i in range(20)])  # events 1-4, then 20 markers: 24 events
    path = run_path(console, ref) + "/history"
    first = await get(http, console, path, size=10)
    assert [e["eventId"] for e in first["events"]] == list(range(1, 11))
    assert (first["page"], first["pages"], first["total"], first["eventCount"]) == (1, 3, 24, 24)
    last = await get(http, console, path, size=10, page=99)
    assert [e["eventId"] for e in last["events"]] == [21, 22, 23, 24]
    newest = await get(http, console, path, size=5, order="desc")
    assert [e["eventId"] for e in newest["events"]] == [24, 23, 22, 21, 20]
    holding = await get(http, console, path, size=10, event=17)
    assert holding["page"] == 2
    markers = await get(http, console, path, size=100, types="MarkerRecorded")
    assert markers["total"] == 20
    assert markers["typeCounts"]["MarkerRecorded"] == 20
    assert markers["typeCounts"]["DecisionTaskScheduled"] == 1
    missing = await get(http, console, path, 404, event=999)
    assert "not in this history" in missing["message"]
    await get(http, console, path, 400, size=0)
    await get(http, console, path, 400, order="sideways")


async def test_the_compiled_state_shows_open_activities_with_attempts_timers_children_and_signals(
    console: Console, http: aiohttp.ClientSession
) -> None:
    s = console.scenario
    ref = s.start()
    await s.decide(schedule("charge-1", "12"), timer("reminder", 300), child("ship-1"))
    task = await s.poll_activity()
    s.call("RespondActivityTaskFailed", taskToken=task["taskToken"], reason="declined")
    await s.poll_decision()  # the child's decision task comes first: leave it out
    await s.decide(schedule("charge-1", "12"))
    await s.poll_activity()
    s.signal(ref, "address", '{"city": "Lyon"}')
    state = await get(http, console, run_path(console, ref) + "/state")
    [activity] = state["activities"]["open"]
    assert activity["activity_id"] == "charge-1"
    assert activity["state"] == "started"
    assert activity["attempts"] == 2
    assert activity["identity"] == "worker-1"
    assert state["activities"]["closedTotal"] == 0
    [open_timer] = state["timers"]["open"]
    assert (open_timer["timer_id"], open_timer["start_to_fire_timeout"]) == ("reminder", "300")
    [shipping] = state["childWorkflows"]["open"]
    assert (shipping["workflow_id"], shipping["state"]) == ("ship-1", "started")
    [signal] = state["signals"]
    assert (signal["name"], signal["input"]) == ("address", '{"city": "Lyon"}')
    assert state["execution"]["state"] == "started"
    assert state["decisionTask"]["state"] == "scheduled"
    s.advance(300)
    later = await get(http, console, run_path(console, ref) + "/state")
    assert later["timers"]["open"] == []
    assert later["timers"]["closed"][0]["state"] == "fired"
    assert later["eventCount"] > state["eventCount"]


async def test_the_timeline_has_a_bar_per_attempt_and_marks_failures(
    console: Console, http: aiohttp.ClientSession
) -> None:
    s = console.scenario
    ref = s.start()
    await s.decide(schedule("charge-1"), timer("t", 60))
    s.advance(5)
    task = await s.poll_activity()
    s.advance(5)
    s.call("RespondActivityTaskFailed", taskToken=task["taskToken"], reason="declined")
    await s.decide(
        schedule("charge-1"),
        {"decisionType": "CancelTimer", "cancelTimerDecisionAttributes": {"timerId": "nope"}},
    )
    timeline = await get(http, console, run_path(console, ref) + "/timeline")
    lanes = [(lane["kind"], lane["id"]) for lane in timeline["lanes"]]
    assert lanes[:2] == [("execution", ""), ("decisions", "")]
    assert ("activity", "charge-1") in lanes
    assert ("timer", "t") in lanes
    assert ("timer", "nope") in lanes
    activity_lane = lanes.index(("activity", "charge-1"))
    attempts = [bar for bar in timeline["bars"] if bar[0] == activity_lane]
    assert [bar[4] for bar in attempts] == ["failed", "scheduled"]
    failed = attempts[0]
    assert failed[2] - failed[1] == pytest.approx(5)
    assert failed[3] - failed[1] == pytest.approx(10)
    failures = {(point[0], point[3]) for point in timeline["points"] if point[3] == "failure"}
    assert (activity_lane, "failure") in failures
    assert (lanes.index(("timer", "nope")), "failure") in failures
    [timer_bar] = [bar for bar in timeline["bars"] if bar[0] == lanes.index(("timer", "t"))]
    assert timer_bar[3] is None
    assert timer_bar[8] == pytest.approx(timer_bar[1] + 60)
    assert timeline["latestDue"] == timer_bar[8]
    assert timeline["now"] == console.local.engine.now()


# -- actions ----------------------------------------------------------------------------------------------


async def history_types(http: aiohttp.ClientSession, console: Console, ref: Json) -> list[str]:
    page = await get(http, console, run_path(console, ref) + "/history", size=1000)
    return [event["eventType"] for event in page["events"]]


async def test_signal_cancel_and_terminate_are_recorded(
    console: Console, http: aiohttp.ClientSession
) -> None:
    ref = console.scenario.start()
    await post(http, console, run_path(console, ref) + "/signal", {"signalName": "go", "input": "now"})
    await post(http, console, run_path(console, ref) + "/cancel", {})
    await post(
        http,
        console,
        run_path(console, ref) + "/terminate",
        {"reason": "enough", "details": "d", "childPolicy": "ABANDON"},
    )
    types = await history_types(http, console, ref)
    assert types[-3:] == [
        "WorkflowExecutionSignaled",
        "WorkflowExecutionCancelRequested",
        "WorkflowExecutionTerminated",
    ]
    data = await get(http, console, run_path(console, ref))
    attributes = data["closeEvent"]["workflowExecutionTerminatedEventAttributes"]
    assert (attributes["reason"], attributes["details"], attributes["childPolicy"]) == (
        "enough",
        "d",
        "ABANDON",
    )
    again = await post(http, console, run_path(console, ref) + "/terminate", {}, 404)
    assert again["error"] == "UnknownResourceFault"


async def test_an_execution_of_a_type_is_started(console: Console, http: aiohttp.ClientSession) -> None:
    body = {
        "workflowType": {"name": "order", "version": "1"},
        "workflowId": "from-the-console",
        "input": '{"x": 1}',
        "tagList": ["a", "b"],
        "taskList": "elsewhere",
        "childPolicy": "ABANDON",
        "executionStartToCloseTimeout": "120",
    }
    started = await post(http, console, f"/domains/{console.scenario.domain}/executions", body)
    data = await get(http, console, run_path(console, started))
    assert data["input"] == '{"x": 1}'
    assert data["executionInfo"]["tagList"] == ["a", "b"]
    assert data["executionConfiguration"]["taskList"] == {"name": "elsewhere"}
    assert data["executionConfiguration"]["childPolicy"] == "ABANDON"
    assert data["executionConfiguration"]["executionStartToCloseTimeout"] == "120"
    twice = await post(http, console, f"/domains/{console.scenario.domain}/executions", body, 400)
    assert twice["error"] == "WorkflowExecutionAlreadyStartedFault"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"workflowId": "x"}, "workflowType must be"),
        ({"workflowType": {"name": "order", "version": "1"}}, "workflowId is required"),
        (
            {"workflowType": {"name": "order", "version": "1"}, "workflowId": "x", "tagList": "a"},
            "tagList must be",
        ),
        (
            {"workflowType": {"name": "order", "version": "1"}, "workflowId": "x", "input": 3},
            "input must be a string",
        ),
        ({"workflowType": {"name": "order", "version": "1"}, "workflowId": "a|b"}, "Invalid workflowId"),
    ],
)
async def test_a_bad_start_is_refused_with_the_reason(
    console: Console, http: aiohttp.ClientSession, body: Json, message: str
) -> None:
    answer = await post(http, console, f"/domains/{console.scenario.domain}/executions", body, 400)
    assert message in answer["message"]


async def test_a_signal_needs_a_name(console: Console, http: aiohttp.ClientSession) -> None:
    ref = console.scenario.start()
    answer = await post(http, console, run_path(console, ref) + "/signal", {"input": "x"}, 400)
    assert "signalName is required" in answer["message"]


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({}, 403),
        ({ACTION_HEADER: "1", "Origin": "http://evil.example"}, 403),
        ({ACTION_HEADER: "1", "Sec-Fetch-Site": "cross-site"}, 403),
        ({ACTION_HEADER: "1", "Sec-Fetch-Site": "same-site"}, 403),
    ],
)
async def test_an_action_from_another_origin_is_refused(
    console: Console, http: aiohttp.ClientSession, headers: dict[str, str], status: int
) -> None:
    ref = console.scenario.start()
    answer = await post(http, console, run_path(console, ref) + "/terminate", {}, status, headers=headers)
    assert answer["error"] == "Forbidden"
    assert (
        console.local.engine.domains[console.scenario.domain].open_executions[ref["workflowId"]].status
        == "OPEN"
    )


async def test_an_action_from_the_consoles_own_origin_is_taken(
    console: Console, http: aiohttp.ClientSession
) -> None:
    ref = console.scenario.start()
    headers = {**ACTION, "Origin": console.url, "Sec-Fetch-Site": "same-origin"}
    await post(http, console, run_path(console, ref) + "/signal", {"signalName": "s"}, headers=headers)
    assert (await history_types(http, console, ref))[-1] == "WorkflowExecutionSignaled"


async def test_an_action_needs_a_json_object_body(console: Console, http: aiohttp.ClientSession) -> None:
    ref = console.scenario.start()
    url = api_url(console, run_path(console, ref) + "/terminate")
    async with http.post(
        url, data="reason=x", headers={**ACTION, "Content-Type": "application/x-www-form-urlencoded"}
    ) as r:
        assert r.status == 415
    async with http.post(url, data="{", headers={**ACTION, "Content-Type": "application/json"}) as r:
        assert r.status == 400
    async with http.post(url, json=["a"], headers=ACTION) as r:
        assert r.status == 400
        assert "JSON object" in (await r.json())["message"]
    async with http.get(url) as r:
        assert r.status == 405


# -- what the console keeps to itself ---------------------------------------------------------------


async def test_requests_for_another_host_name_are_refused(
    console: Console, http: aiohttp.ClientSession
) -> None:
    ref = console.scenario.start()
    for path in ("/", "/console/static/console.js", "/console/api/domains"):
        async with http.get(console.url + path, headers={"Host": "rebound.example:80"}) as r:
            assert r.status == 403, path
    async with http.post(
        api_url(console, run_path(console, ref) + "/terminate"),
        json={},
        headers={**ACTION, "Host": "rebound.example"},
    ) as r:
        assert r.status == 403
    for host in ("localhost", "127.0.0.1:9", "[::1]:9", "127.1.2.3"):
        async with http.get(console.url + "/console/api/config", headers={"Host": host}) as r:
            assert r.status == 200, host


async def test_the_page_and_its_files_carry_headers_that_keep_them_to_themselves(
    console: Console, http: aiohttp.ClientSession
) -> None:
    expected = {
        "/": "text/html",
        "/console/static/console.js": "text/javascript",
        "/console/static/ui.js": "text/javascript",
        "/console/static/execution.js": "text/javascript",
        "/console/static/timeline.js": "text/javascript",
        "/console/static/console.css": "text/css",
        "/console/api/config": "application/json",
    }
    for path, content_type in expected.items():
        async with http.get(console.url + path) as r:
            assert r.status == 200, path
            assert r.content_type == content_type, path
            policy = r.headers["Content-Security-Policy"]
            assert "script-src 'self'" in policy
            assert "frame-ancestors 'none'" in policy
            assert r.headers["X-Frame-Options"] == "DENY"
            assert r.headers["X-Content-Type-Options"] == "nosniff"
    async with http.get(console.url + "/console/static/nothing.js") as r:
        assert r.status == 404
    async with http.get(console.url + "/") as r:
        page = await r.text()
    assert "http" not in page.replace('href="/console', "").split("<body>")[0], (
        "the page loads nothing from elsewhere"
    )


async def test_task_tokens_never_appear_in_full(console: Console, http: aiohttp.ClientSession) -> None:
    s = console.scenario
    ref = s.start()
    await s.decide(schedule("charge-1"))
    activity = await s.poll_activity()
    decision_ref = s.start()
    decision = await s.poll_decision()
    tokens = [activity["taskToken"], decision["taskToken"]]
    bodies = []
    for run in (ref, decision_ref):
        for suffix in ("", "/history", "/state", "/timeline"):
            async with http.get(api_url(console, run_path(console, run) + suffix)) as r:
                bodies.append(await r.text())
    for path in ("/domains", f"/domains/{s.domain}", f"/domains/{s.domain}/executions"):
        async with http.get(api_url(console, path)) as r:
            bodies.append(await r.text())
    for token in tokens:
        for body in bodies:
            assert token[:16] not in body


def test_task_token_members_are_cut_to_their_first_characters() -> None:
    from aioswf.local.console.guard import TOKEN_PREFIX, json_response, redact_tokens

    token = "A" * 43
    data = {"events": [{"taskToken": token, "other": token}], "taskToken": "short"}
    redacted = redact_tokens(data)
    assert redacted["events"][0]["taskToken"] == "A" * TOKEN_PREFIX + "…"
    assert redacted["events"][0]["other"] == token
    assert redacted["taskToken"] == "short"
    assert data["events"][0]["taskToken"] == token, "the original is not modified"
    untouched = {"a": [1, {"b": "c"}]}
    assert redact_tokens(untouched) is untouched
    answer = json_response({"tasks": [{"taskToken": token}], "note": 'a "taskToken" in text'})
    assert answer.text is not None
    assert json.loads(answer.text) == {
        "tasks": [{"taskToken": "A" * TOKEN_PREFIX + "…"}],
        "note": 'a "taskToken" in text',
    }


async def test_json_answers_escape_html(console: Console, http: aiohttp.ClientSession) -> None:
    s = console.scenario
    ref = s.start("<img src=x onerror=alert(1)>", input="<script>alert(2)</script> & more")
    async with http.get(api_url(console, run_path(console, ref))) as r:
        raw = await r.text()
        data = json.loads(raw)
    assert "<" not in raw
    assert ">" not in raw
    assert "&" not in raw
    assert data["input"] == "<script>alert(2)</script> & more"
    assert data["executionInfo"]["execution"]["workflowId"] == "<img src=x onerror=alert(1)>"


# -- reading histories ------------------------------------------------------------------------------------


async def test_events_read_with_swf_pages_are_those_of_the_engine(console: Console) -> None:
    from aioswf.local.console import engine_events, read_events_with

    s = console.scenario
    ref = s.start()
    await s.decide(*[marker(f"m{i}") for i in range(99)])
    s.signal(ref, "s")
    for _ in range(12):
        await s.decide(*[marker(f"m{i}") for i in range(99)])
        s.signal(ref, "s")
    engine = console.local.engine
    paged = read_events_with(engine.call)
    direct = engine_events(engine)
    args = (s.domain, ref["workflowId"], ref["runId"])
    for after in (0, 1, 999, 1000, 1001, 1320):
        assert await paged(*args, after) == await direct(*args, after), after
    s.call("TerminateWorkflowExecution", domain=s.domain, workflowId=ref["workflowId"])
    everything = await direct(*args, 0)
    assert len(everything) > 1300
    assert await paged(*args, 0) == everything
    assert await direct(*args, len(everything)) == []


async def test_the_engine_reads_a_runs_events_after_an_id(console: Console) -> None:
    from aioswf.local.faults import UnknownResourceFault

    s = console.scenario
    ref = s.start()
    engine = console.local.engine
    assert [e["eventId"] for e in engine.history_events(s.domain, ref["workflowId"], ref["runId"])] == [1, 2]
    assert [
        e["eventId"] for e in engine.history_events(s.domain, ref["workflowId"], ref["runId"], after=1)
    ] == [2]
    assert engine.history_events(s.domain, ref["workflowId"], ref["runId"], after=5) == []
    with pytest.raises(UnknownResourceFault):
        engine.history_events(s.domain, ref["workflowId"], "nope")
    with pytest.raises(UnknownResourceFault):
        engine.history_events("no-such-domain", ref["workflowId"], ref["runId"])


async def test_kept_histories_follow_the_engine_and_stay_bounded(console: Console) -> None:
    from aioswf.local.console import engine_events
    from aioswf.local.console.histories import Histories

    s = console.scenario
    engine = console.local.engine
    histories = Histories(engine_events(engine), max_events=10)
    first = s.start()
    run = await histories.get(s.domain, first["workflowId"], first["runId"])
    assert len(run.events) == 2
    assert not run.closed
    s.signal(first, "x")
    assert (await histories.get(s.domain, first["workflowId"], first["runId"])).events[-1][
        "eventType"
    ] == "WorkflowExecutionSignaled"
    s.call("TerminateWorkflowExecution", domain=s.domain, workflowId=first["workflowId"])
    run = await histories.get(s.domain, first["workflowId"], first["runId"])
    assert run.closed
    assert len(run.events) == 4
    second = s.start()
    await s.decide(*[marker(f"m{i}") for i in range(20)])
    big = await histories.get(s.domain, second["workflowId"], second["runId"])
    assert len(big.events) > 10
    assert len(histories._runs) == 1, "the run read last is kept, whatever its size; older ones go"


async def test_the_merged_listing_copes_with_short_swf_pages(console: Console) -> None:
    """SWF may answer fewer executions than asked for, with a token: pages still show each one once."""
    from aioswf.local.console.listing import ExecutionQuery, list_executions

    made = await populate(console)
    engine = console.local.engine

    async def short_pages(operation: str, params: Json) -> Json:
        if operation.startswith("List"):
            params = {**params, "maximumPageSize": max(1, params["maximumPageSize"] // 3)}
        return await engine.call(operation, params)

    for size in (1, 2, 3, 4, 7):
        query = ExecutionQuery.from_params({"pageSize": str(size)})
        seen: list[str] = []
        cursor = None
        while True:
            page = await list_executions(short_pages, console.scenario.domain, query, cursor)
            assert len(page["executions"]) == size or page["nextCursor"] is None
            seen += [info["execution"]["workflowId"] for info in page["executions"]]
            cursor = page["nextCursor"]
            if cursor is None:
                break
        assert seen == sorted(made, reverse=True), size


# -- on the server ---------------------------------------------------------------------------------------


async def test_mounted_beside_swfs_protocol_the_console_takes_only_its_own_paths(
    http: aiohttp.ClientSession,
) -> None:
    from aiohttp import web

    from aioswf.local import LocalSWF
    from aioswf.local.console import mount_console
    from conftest import serve

    async with LocalSWF() as local:

        async def swf(request: web.Request) -> web.Response:
            return web.json_response({"swf": True})

        app = web.Application()
        app.router.add_post("/", swf)
        mount_console(app, local.engine)
        runner, url = await serve(app)
        try:
            async with http.post(url + "/", json={}) as r:
                assert await r.json() == {"swf": True}
            async with http.get(url + "/") as r:
                assert r.content_type == "text/html"
            async with http.get(url + "/console/api/domains") as r:
                assert await r.json() == {"domains": []}
        finally:
            await runner.cleanup()


async def test_a_server_on_a_public_address_answers_any_host_name_and_says_it_is_open(
    http: aiohttp.ClientSession,
) -> None:
    from aiohttp import web

    from aioswf.local import LocalSWF
    from aioswf.local.console import allowed_hosts_for, console_url, exposure_warning, mount_console
    from conftest import serve

    assert allowed_hosts_for("127.0.0.1") is not None
    assert allowed_hosts_for("localhost") is not None
    assert allowed_hosts_for("::1") is not None
    assert allowed_hosts_for("0.0.0.0") is None
    assert allowed_hosts_for("192.0.2.7") is None
    assert exposure_warning("127.0.0.1") is None
    assert exposure_warning("localhost") is None
    warning = exposure_warning("0.0.0.0")
    assert warning is not None
    assert "no authentication" in warning
    assert console_url("127.0.0.1", 8080) == "http://127.0.0.1:8080/"
    assert console_url("0.0.0.0", 8080) == "http://127.0.0.1:8080/"
    assert console_url("::1", 8080) == "http://[::1]:8080/"
    async with LocalSWF() as local:
        app = web.Application()
        mount_console(app, local.engine, host="0.0.0.0")
        runner, url = await serve(app)
        try:
            async with http.get(url + "/console/api/domains", headers={"Host": "devbox.lan:8080"}) as r:
                assert r.status == 200
        finally:
            await runner.cleanup()
