"""The console's domains, types and executions over HTTP: SWF's filters, merged listings and pages."""

from __future__ import annotations

import aiohttp
import pytest
from console_harness import Console
from console_http import Json, get, listing, populate, start_of
from console_scenario import continue_as_new

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
