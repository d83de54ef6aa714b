"""The aioswf command, run as a process against the local SWF server."""

from __future__ import annotations

import asyncio
import json
import sys

import pytest

from aioswf.local import LocalSWF


async def aioswf_command(local: LocalSWF, *args: str) -> tuple[int, str, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "aioswf.cli",
        "--endpoint-url",
        local.endpoint_url,
        "--region",
        "us-east-1",
        *args,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env={"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "PATH": "/usr/bin:/bin"},
    )
    stdout, stderr = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode is not None
    return process.returncode, stdout.decode(), stderr.decode()


@pytest.fixture
async def server(local_swf: LocalSWF) -> LocalSWF:
    async with local_swf.connection() as conn:
        await conn.call("RegisterDomain", name="crawl", workflowExecutionRetentionPeriodInDays="1")
        await conn.call(
            "RegisterWorkflowType",
            domain="crawl",
            name="crawl",
            version="1",
            defaultTaskList={"name": "decisions"},
            defaultExecutionStartToCloseTimeout="600",
            defaultTaskStartToCloseTimeout="60",
            defaultChildPolicy="TERMINATE",
        )
    return local_swf


async def test_domains_are_registered_and_listed(server: LocalSWF) -> None:
    code, out, _ = await aioswf_command(server, "domains", "register", "media", "--retention", "3")
    assert code == 0
    assert out.split("\t")[0] == "media"
    code, out, _ = await aioswf_command(server, "domains")
    assert code == 0
    assert [line.split("\t")[0] for line in out.splitlines()] == ["crawl", "media"]


async def test_an_execution_is_started_listed_signalled_and_terminated(server: LocalSWF) -> None:
    code, out, _ = await aioswf_command(
        server, "--json", "start", "crawl", "crawl", "1", "--workflow-id", "w1"
    )
    assert code == 0
    [started] = json.loads(out)
    assert started["workflow_id"] == "w1"
    code, out, _ = await aioswf_command(server, "executions", "crawl")
    assert out.split("\t")[:2] == ["w1", started["run_id"]]
    assert (await aioswf_command(server, "signal", "crawl", "w1", "wake", "--input", "now"))[0] == 0
    assert (await aioswf_command(server, "terminate", "crawl", "w1", "--reason", "by hand"))[0] == 0
    code, out, _ = await aioswf_command(server, "history", "crawl", "w1", started["run_id"])
    events = [line.split("\t")[2] for line in out.splitlines()]
    assert events[0] == "WorkflowExecutionStarted"
    assert "WorkflowExecutionSignaled" in events
    assert events[-1] == "WorkflowExecutionTerminated"
    code, out, _ = await aioswf_command(
        server, "executions", "crawl", "--closed", "--close-status", "TERMINATED"
    )
    assert out.split("\t")[0] == "w1"


async def test_types_are_listed(server: LocalSWF) -> None:
    code, out, _ = await aioswf_command(server, "types", "crawl")
    assert code == 0
    assert out.split("\t")[:3] == ["crawl", "1", "REGISTERED"]


async def test_swf_faults_exit_1_with_the_error_named(server: LocalSWF) -> None:
    code, _, err = await aioswf_command(server, "types", "nowhere")
    assert code == 1
    assert "DomainDoesNotExist" in err


async def test_bad_input_exits_before_any_request(server: LocalSWF) -> None:
    code, _, err = await aioswf_command(server, "start", "crawl", "bad:name", "1")
    assert code == 1
    assert "ValidationError" in err
    assert "name" in err
