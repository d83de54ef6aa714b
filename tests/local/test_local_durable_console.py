"""The web console shows a durable server's state after a restart, and its actions are durable too."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import quote

import aiohttp
from durable_server import serve
from swf_scenario import Scenario, decision

from aioswf.local import LocalSWF
from aioswf.local.console import ACTION_HEADER

Json = dict[str, Any]


def _api(local: LocalSWF, path: str) -> str:
    return local.console_url.rstrip("/") + "/console/api" + path


def _run(domain: str, ref: Json) -> str:
    return f"/domains/{quote(domain, safe='')}/executions/{quote(ref['workflowId'], safe='')}/{ref['runId']}"


async def _get(http: aiohttp.ClientSession, local: LocalSWF, path: str) -> Any:
    async with http.get(_api(local, path)) as response:
        assert response.status == 200, await response.text()
        return await response.json()


async def test_the_console_reads_executions_and_histories_back_after_a_restart(tmp_path: Path) -> None:
    async with serve(tmp_path) as (_, client):
        scenario = await Scenario(client).setup()
        done = await scenario.start(input="first")
        await scenario.decide(scenario.schedule("a1"))
        task = await scenario.poll_activity()
        await client.respond_activity_task_completed(taskToken=task["taskToken"], result="r1")
        await scenario.decide(decision("CompleteWorkflowExecution", result="all done"))
        running = await scenario.start(input="second")
        expected = {ref["runId"]: await scenario.history(ref) for ref in (done, running)}
    async with serve(tmp_path) as (local, client), aiohttp.ClientSession() as http:
        scenario.client = client
        listed = await _get(http, local, f"/domains/{scenario.domain}/executions")
        assert {info["execution"]["runId"] for info in listed["executions"]} == {
            done["runId"],
            running["runId"],
        }
        for ref in (done, running):
            shown = await _get(http, local, _run(scenario.domain, ref))
            assert shown["eventCount"] == len(expected[ref["runId"]])
            page = await _get(http, local, _run(scenario.domain, ref) + "/history?size=1000")
            assert [e["eventType"] for e in page["events"]] == [
                e["eventType"] for e in expected[ref["runId"]]
            ]
        closed = await _get(http, local, _run(scenario.domain, done))
        assert closed["executionInfo"]["closeStatus"] == "COMPLETED"
        assert closed["input"] == "first"
        assert closed["closeEvent"]["eventType"] == "WorkflowExecutionCompleted"
        state = await _get(http, local, _run(scenario.domain, running) + "/state")
        assert state["eventCount"] == 2
        async with http.post(
            _api(local, _run(scenario.domain, running) + "/signal"),
            json={"signalName": "from-the-console", "input": "hi"},
            headers={ACTION_HEADER: "1"},
        ) as response:
            assert response.status == 200, await response.text()
    async with serve(tmp_path) as (_, client):
        scenario.client = client
        signaled = [
            e for e in await scenario.history(running) if e["eventType"] == "WorkflowExecutionSignaled"
        ]
    assert [e["workflowExecutionSignaledEventAttributes"]["signalName"] for e in signaled] == [
        "from-the-console"
    ]
