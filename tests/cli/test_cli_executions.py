"""``aioswf execution ...``, run as processes against the local SWF server."""

from __future__ import annotations

import asyncio
import json
import sys
from typing import Any

import pytest
from cli_process import AIOSWF, Runner, SWFProxy, assert_one_line_error, run_aioswf

import aioswf
from aioswf.models import WorkflowExecution

# Each test runs the command several times, as processes (about 0.5 s of CPU each).
pytestmark = pytest.mark.slow


async def start(conn: aioswf.Connection, domain: str, workflow_id: str, **params: Any) -> str:
    response = await conn.call(
        "StartWorkflowExecution",
        domain=domain,
        workflowId=workflow_id,
        workflowType={"name": "crawl", "version": "1"},
        **params,
    )
    return str(response["runId"])


async def complete(conn: aioswf.Connection, domain: str, result: str = "done") -> None:
    """Answers the domain's next decision task by completing its execution."""
    while True:
        task = await conn.call("PollForDecisionTask", domain=domain, taskList={"name": "decisions"})
        if task.get("taskToken"):
            break
    await conn.call(
        "RespondDecisionTaskCompleted",
        taskToken=task["taskToken"],
        decisions=[
            {
                "decisionType": "CompleteWorkflowExecution",
                "completeWorkflowExecutionDecisionAttributes": {"result": result},
            }
        ],
    )


async def test_an_execution_is_started_listed_and_shown(aioswf_cli: Runner, cli_domain: str) -> None:
    started = await aioswf_cli(
        "-d",
        cli_domain,
        "execution",
        "start",
        "crawl",
        "1",
        "--workflow-id",
        "w1",
        "--input",
        '{"url": "https://example.com"}',
        "--tag",
        "nightly",
        "--tag",
        "eu",
        "-o",
        "json",
    )
    assert started.code == 0, started.err
    [ids] = started.json()
    assert set(ids) == {"workflow_id", "run_id"}
    assert ids["workflow_id"] == "w1"
    listed, shown = await asyncio.gather(
        aioswf_cli("-d", cli_domain, "execution", "list"),
        aioswf_cli("-d", cli_domain, "execution", "show", "w1", "-o", "json"),
    )
    [row] = listed.rows
    assert row[:4] == ["w1", ids["run_id"], "crawl/1", "OPEN"]
    [detail] = shown.json()
    assert detail["run_id"] == ids["run_id"]
    assert detail["input"] == '{"url": "https://example.com"}'
    assert detail["tags"] == ["nightly", "eu"]
    assert (detail["status"], detail["task_list"], detail["open_decisions"]) == ("OPEN", "decisions", 1)
    assert detail["started"].endswith("+00:00")  # ISO 8601, with its offset


async def test_an_execution_is_signalled_cancelled_and_terminated(
    aioswf_cli: Runner, cli_domain: str, cli_conn: aioswf.Connection
) -> None:
    run_id = await start(cli_conn, cli_domain, "w2")
    base = ("-d", cli_domain, "execution")
    signalled = await aioswf_cli(*base, "signal", "w2", "wake", "--input-file", "-", stdin="from stdin")
    assert signalled.code == 0, signalled.err
    assert (await aioswf_cli(*base, "cancel", "w2")).code == 0
    assert (await aioswf_cli(*base, "terminate", "w2", "--reason", "by hand", "--run-id", run_id)).code == 0
    history = await WorkflowExecution(cli_domain, "w2", run_id, connection=cli_conn).history()
    names = [event.name for event in history]
    assert "WorkflowExecutionCancelRequested" in names
    [signal] = history.filter(name="WorkflowExecutionSignaled")
    assert (signal.signal_name, signal.input) == ("wake", "from stdin")
    assert (history.last.name, history.last.reason) == ("WorkflowExecutionTerminated", "by hand")
    closed = await aioswf_cli(*base, "signal", "w2", "wake")
    assert_one_line_error(closed, "no such execution (or it is closed)", "execution list")


async def test_listings_take_swfs_filters(
    aioswf_cli: Runner, cli_domain: str, cli_conn: aioswf.Connection
) -> None:
    await start(cli_conn, cli_domain, "tagged", tagList=["blue"])
    await start(cli_conn, cli_domain, "plain")
    await start(cli_conn, cli_domain, "ended")
    await cli_conn.call("TerminateWorkflowExecution", domain=cli_domain, workflowId="ended")
    base = ("-d", cli_domain, "execution", "list")
    by_tag, by_id, closed, by_type, too_many, window = await asyncio.gather(
        aioswf_cli(*base, "--tag", "blue"),
        aioswf_cli(*base, "--workflow-id", "plain", "-o", "json"),
        aioswf_cli(*base, "--close-status", "TERMINATED"),
        aioswf_cli(*base, "--type", "crawl", "--type-version", "1", "--started-after", "1h", "-o", "json"),
        aioswf_cli(*base, "--tag", "blue", "--workflow-id", "plain"),
        aioswf_cli(*base, "--started-before", "2000-01-01"),
    )
    assert [row[0] for row in by_tag.rows] == ["tagged"]
    assert [item["workflow_id"] for item in by_id.json()] == ["plain"]
    assert [(row[0], row[3]) for row in closed.rows] == [("ended", "TERMINATED")]
    assert sorted(item["workflow_id"] for item in by_type.json()) == ["plain", "tagged"]
    assert_one_line_error(too_many, "only one of --workflow-id, --type, --tag and --close-status")
    assert_one_line_error(window, "--started-before")


async def test_listings_page_lazily(
    cli_env: dict[str, str], cli_domain: str, cli_conn: aioswf.Connection
) -> None:
    for number in range(5):
        await start(cli_conn, cli_domain, f"paged-{number}")
    async with SWFProxy(cli_env["AWS_ENDPOINT_URL_SWF"]) as proxy:
        env = {**cli_env, "AWS_ENDPOINT_URL_SWF": proxy.url}
        limited = await run_aioswf(
            "-d", cli_domain, "-o", "json", "execution", "list", "--limit", "3", "--page-size", "2", env=env
        )
        assert len(limited.json()) == 3
        assert proxy.count("ListOpenWorkflowExecutions") == 2
        whole = await run_aioswf("-d", cli_domain, "execution", "list", "--page-size", "2", env=env)
        assert len(whole.rows) == 5
        assert proxy.count("ListOpenWorkflowExecutions") == 2 + 3


async def test_json_lines_stream_page_by_page_and_pipes_get_no_progress(
    cli_env: dict[str, str], cli_domain: str, cli_conn: aioswf.Connection
) -> None:
    for number in range(3):
        await start(cli_conn, cli_domain, f"streamed-{number}")
    async with SWFProxy(cli_env["AWS_ENDPOINT_URL_SWF"]) as proxy:
        second_page = proxy.hold("ListOpenWorkflowExecutions", after=1)
        process = await asyncio.create_subprocess_exec(
            AIOSWF,
            "-d",
            cli_domain,
            "-o",
            "json",
            "execution",
            "list",
            "--page-size",
            "1",
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env={**cli_env, "AWS_ENDPOINT_URL_SWF": proxy.url},
        )
        assert process.stdout is not None
        # The first page's line arrives while the second page is still held by the proxy.
        first = json.loads(await asyncio.wait_for(process.stdout.readline(), 60))
        assert first["workflow_id"].startswith("streamed-")
        assert process.returncode is None
        second_page.set()
        rest, err = await asyncio.wait_for(process.communicate(), 60)
        assert process.returncode == 0
        assert len(rest.decode().splitlines()) == 2
        assert err == b""  # no progress, no logs: standard error is a pipe


async def test_wait_prints_how_the_execution_closed_and_exits_by_it(
    aioswf_cli: Runner, cli_domain: str, cli_conn: aioswf.Connection
) -> None:
    await start(cli_conn, cli_domain, "completes")
    await start(cli_conn, cli_domain, "terminated")
    await start(cli_conn, cli_domain, "lingers")
    await cli_conn.call(
        "TerminateWorkflowExecution", domain=cli_domain, workflowId="terminated", reason="stopped by test"
    )
    base = ("-d", cli_domain, "execution", "wait")
    waiting = asyncio.ensure_future(aioswf_cli(*base, "completes", "--timeout", "50", "-o", "json"))
    ended, lingering = await asyncio.gather(
        aioswf_cli(*base, "terminated"), aioswf_cli(*base, "lingers", "--timeout", "1")
    )
    await complete(cli_conn, cli_domain, result="42 pages")
    completed = await waiting
    assert completed.code == 0, completed.err
    [outcome] = completed.json()
    assert (outcome["workflow_id"], outcome["close_status"], outcome["result"]) == (
        "completes",
        "COMPLETED",
        "42 pages",
    )
    assert ended.code == 3
    assert ended.rows[0][2:5] == ["TERMINATED", "-", "stopped by test"]
    assert_one_line_error(lingering, "lingers", "still open after 1 s", "--timeout")


async def test_restart_starts_a_new_run_with_the_same_type_input_and_settings(
    aioswf_cli: Runner, cli_domain: str, cli_conn: aioswf.Connection
) -> None:
    base = ("-d", cli_domain, "execution")
    started = await aioswf_cli(
        *base,
        "start",
        "crawl",
        "1",
        "--workflow-id",
        "again",
        "--input",
        "the input",
        "--task-list",
        "special",
        "--execution-timeout",
        "900",
        "--decision-timeout",
        "45",
        "--child-policy",
        "ABANDON",
        "--priority",
        "7",
        "--lambda-role",
        "arn:aws:iam::123456789012:role/lambda",
        "--tag",
        "t1",
        "-o",
        "json",
    )
    [first] = started.json()
    refused = await aioswf_cli(*base, "restart", "again")
    assert_one_line_error(refused, "still open", "--terminate", "--workflow-id")
    restarted = await aioswf_cli(*base, "restart", "again", "--terminate", "-o", "json")
    assert restarted.code == 0, restarted.err
    [second] = restarted.json()
    assert second["workflow_id"] == "again"
    assert second["run_id"] != first["run_id"]
    beside = await aioswf_cli(*base, "restart", "again", first["run_id"], "--workflow-id", "again-copy")
    assert beside.rows[0][0] == "again-copy"
    old = WorkflowExecution(cli_domain, "again", first["run_id"], connection=cli_conn)
    assert (await old.describe()).close_status == "TERMINATED"
    for workflow_id, run_id in (("again", second["run_id"]), ("again-copy", beside.rows[0][1])):
        new = WorkflowExecution(cli_domain, workflow_id, run_id, connection=cli_conn)
        described = await new.describe()
        config = described.raw["executionConfiguration"]
        assert config["taskList"] == {"name": "special"}
        assert (config["executionStartToCloseTimeout"], config["taskStartToCloseTimeout"]) == ("900", "45")
        assert (config["childPolicy"], config["taskPriority"]) == ("ABANDON", "7")
        assert config["lambdaRole"] == "arn:aws:iam::123456789012:role/lambda"
        assert described.tag_list == ("t1",)
        assert (await new.history())[0].input == "the input"


async def test_a_run_id_is_optional_and_an_unknown_workflow_id_is_a_one_line_error(
    aioswf_cli: Runner, cli_domain: str
) -> None:
    result = await aioswf_cli("-d", cli_domain, "execution", "show", "never-started")
    assert_one_line_error(result, "no execution with workflow id 'never-started'", "execution list")


def test_the_command_is_the_installed_console_script() -> None:
    assert AIOSWF.startswith(sys.prefix)
