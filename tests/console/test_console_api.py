"""One execution over HTTP: what the console shows of it, and the actions on it."""

from __future__ import annotations

import aiohttp
import pytest
from console_harness import Console
from console_http import ACTION, Json, api_url, get, history_types, post, run_path
from console_scenario import child, complete, continue_as_new, marker, schedule, timer

from aioswf.local.console import ACTION_HEADER

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
        ({"workflowType": {"name": "order", "version": "1"}, "workflowId": "a|b"}, "workflowId"),
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
