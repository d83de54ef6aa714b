"""``aioswf execution history``: the events as they stream, and the per-activity profile."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import pytest
import pytest_asyncio
from cli_process import Runner

import aioswf
from aioswf.cli.history import activity_profile
from aioswf.models import History, WorkflowExecution
from aioswf.testing import HistoryBuilder

# Each test runs the command several times, as processes (about 0.5 s of CPU each).
pytestmark = pytest.mark.slow


async def poll(conn: aioswf.Connection, operation: str, domain: str, task_list: str) -> dict[str, Any]:
    while True:
        task = await conn.call(operation, domain=domain, taskList={"name": task_list})
        if task.get("taskToken"):
            return task


async def decide(conn: aioswf.Connection, domain: str, *decisions: dict[str, Any]) -> None:
    task = await poll(conn, "PollForDecisionTask", domain, "decisions")
    await conn.call("RespondDecisionTaskCompleted", taskToken=task["taskToken"], decisions=list(decisions))


def schedule(activity_id: str) -> dict[str, Any]:
    return {
        "decisionType": "ScheduleActivityTask",
        "scheduleActivityTaskDecisionAttributes": {
            "activityId": activity_id,
            "activityType": {"name": "fetch", "version": "1"},
            "taskList": {"name": "fetches"},
            "input": activity_id,
        },
    }


@pytest_asyncio.fixture(loop_scope="session")
async def profiled(cli_conn: aioswf.Connection, cli_domain: str) -> tuple[str, str]:
    """A completed execution: ``page`` failed once then completed, ``index`` completed at once."""
    await cli_conn.call(
        "RegisterActivityType",
        domain=cli_domain,
        name="fetch",
        version="1",
        defaultTaskStartToCloseTimeout="60",
        defaultTaskScheduleToStartTimeout="60",
        defaultTaskScheduleToCloseTimeout="120",
        defaultTaskHeartbeatTimeout="NONE",
    )
    started = await cli_conn.call(
        "StartWorkflowExecution",
        domain=cli_domain,
        workflowId="p1",
        workflowType={"name": "crawl", "version": "1"},
    )
    await decide(cli_conn, cli_domain, schedule("page"))
    task = await poll(cli_conn, "PollForActivityTask", cli_domain, "fetches")
    await cli_conn.call("RespondActivityTaskFailed", taskToken=task["taskToken"], reason="HTTP 503")
    await decide(cli_conn, cli_domain, schedule("page"), schedule("index"))
    for _ in range(2):
        task = await poll(cli_conn, "PollForActivityTask", cli_domain, "fetches")
        await cli_conn.call("RespondActivityTaskCompleted", taskToken=task["taskToken"], result="ok")
    await decide(
        cli_conn,
        cli_domain,
        {"decisionType": "CompleteWorkflowExecution", "completeWorkflowExecutionDecisionAttributes": {}},
    )
    return "p1", str(started["runId"])


async def test_the_events_print_one_per_line_and_as_raw_swf_events_in_json(
    aioswf_cli: Runner, cli_domain: str, cli_conn: aioswf.Connection, profiled: tuple[str, str]
) -> None:
    workflow_id, run_id = profiled
    base = ("-d", cli_domain, "execution", "history", workflow_id)
    tsv, as_json, newest = await asyncio.gather(
        aioswf_cli(*base),
        aioswf_cli(*base, run_id, "-o", "json", "--page-size", "4"),
        aioswf_cli(*base, "--reverse", "--limit", "1"),
    )
    expected = await WorkflowExecution(cli_domain, workflow_id, run_id, connection=cli_conn).history()
    assert [row[0] for row in tsv.rows] == [str(event.id) for event in expected]
    assert [row[2] for row in tsv.rows] == [event.name for event in expected]
    assert tsv.rows[0][3] == "started"
    assert "activity_id=page" in next(row[4] for row in tsv.rows if row[2] == "ActivityTaskScheduled")
    events = as_json.json()
    assert {"eventId", "eventType", "eventTimestamp"} <= set(events[0])
    assert events[0]["eventTimestamp"].endswith("+00:00")
    assert History.from_raw(events) == expected
    assert [row[2] for row in newest.rows] == ["WorkflowExecutionCompleted"]


async def test_the_summary_profiles_each_activity(
    aioswf_cli: Runner, cli_domain: str, profiled: tuple[str, str]
) -> None:
    workflow_id, _ = profiled
    base = ("-d", cli_domain, "execution", "history", workflow_id, "--summary")
    as_json, as_table = await asyncio.gather(
        aioswf_cli(*base, "-o", "json"), aioswf_cli(*base, "-o", "table")
    )
    rows = {row["activity_id"]: row for row in as_json.json()}
    assert list(rows) == ["page", "index"]
    page, index = rows["page"], rows["index"]
    assert (page["type"], page["state"], page["attempts"], page["failures"]) == ("fetch/1", "completed", 2, 1)
    assert (index["state"], index["attempts"], index["failures"]) == ("completed", 1, 0)
    for row in (page, index):
        assert row["waited_s"] >= 0
        assert row["ran_s"] >= 0
        assert row["total_ran_s"] >= row["ran_s"]
        assert 0 <= row["share_pct"] <= 100
        assert row["scheduled"].endswith("+00:00")
    header, *lines = as_table.lines
    assert header.split() == [
        "ACTIVITY", "ID", "TYPE", "STATE", "ATTEMPTS", "FAILURES", "SCHEDULED",
        "WAIT", "(S)", "RUN", "(S)", "ALL", "RUNS", "(S)", "SHARE", "%", "REASON",
    ]  # fmt: skip
    assert [line.split()[0] for line in lines] == ["page", "index"]


@pytest.mark.parametrize("flag", ["--summary", "--limit"])
async def test_an_unknown_run_is_a_one_line_error(aioswf_cli: Runner, cli_domain: str, flag: str) -> None:
    args = [flag] if flag == "--summary" else [flag, "2"]
    result = await aioswf_cli("-d", cli_domain, "execution", "history", "nope", "no-such-run", *args)
    assert result.code == 1
    assert result.err.startswith("aioswf: no such execution")


def test_the_profile_measures_each_attempt_from_the_events_times() -> None:
    builder = HistoryBuilder(("crawl", "1"), tick=timedelta(0))
    builder.add_decision_task()
    builder.add("ActivityTaskScheduled", activity_id="a", activity_type=("fetch", "1"))
    builder.advance(2).add("ActivityTaskStarted", activity_id="a")
    builder.advance(3).add("ActivityTaskTimedOut", activity_id="a", timeout_type="HEARTBEAT")
    builder.add_decision_task()
    builder.add("ActivityTaskScheduled", activity_id="a", activity_type=("fetch", "1"))
    builder.add("ActivityTaskScheduled", activity_id="b", activity_type=("fetch", "1"))
    builder.advance(1).add("ActivityTaskStarted", activity_id="a")
    builder.advance(4).add("ActivityTaskCompleted", activity_id="a", result="ok")
    history = builder.history()
    now = history.last.timestamp + timedelta(seconds=10)
    a, b = activity_profile(history, now=now)
    assert (a["activity_id"], a["type"], a["state"], a["attempts"], a["failures"]) == (
        "a",
        "fetch/1",
        "completed",
        2,
        1,
    )
    assert (a["waited_s"], a["ran_s"], a["total_ran_s"]) == (1.0, 4.0, 7.0)
    assert a["share_pct"] == 35.0  # 7 s of the 20 s from the start to `now`
    assert (b["state"], b["attempts"], b["failures"], b["ran_s"]) == ("scheduled", 1, 0, None)
    assert b["waited_s"] == 15.0  # still waiting at `now`
    assert activity_profile(HistoryBuilder(started=False).history()) == []
