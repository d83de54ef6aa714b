"""The older spellings (``domains``, ``types``, ``executions``, ``start``, ``history``, ``signal``,
``cancel``, ``terminate``, ``--json``) still work as they did: the domain as a positional argument, one
tab-separated line per item without a header in a pipe."""

from __future__ import annotations

import asyncio

import pytest
from cli_process import Runner, assert_one_line_error

# Each test runs the command several times, as processes (about 0.5 s of CPU each).
pytestmark = pytest.mark.slow


async def test_domains_are_registered_listed_and_deprecated(aioswf_cli: Runner, cli_domain: str) -> None:
    registered = await aioswf_cli("domains", "register", f"{cli_domain}-old", "--retention", "3")
    assert registered.code == 0, registered.err
    assert registered.out.split("\t")[0] == f"{cli_domain}-old"
    listed = await aioswf_cli("domains")
    assert {cli_domain, f"{cli_domain}-old"} <= {row[0] for row in listed.rows}
    assert (await aioswf_cli("domains", "deprecate", f"{cli_domain}-old")).code == 0
    deprecated = await aioswf_cli("domains", "--deprecated")
    assert f"{cli_domain}-old" in {row[0] for row in deprecated.rows}
    assert_one_line_error(await aioswf_cli("domains", "register"), "needs a domain name", code=2)


async def test_an_execution_is_started_listed_signalled_cancelled_terminated_and_its_history_read(
    aioswf_cli: Runner, cli_domain: str
) -> None:
    started = await aioswf_cli(
        "--json", "start", cli_domain, "crawl", "1", "--workflow-id", "w1", "--tag", "x"
    )
    assert started.code == 0, started.err
    [ids] = started.json()
    assert ids["workflow_id"] == "w1"
    listed, types = await asyncio.gather(
        aioswf_cli("executions", cli_domain), aioswf_cli("types", cli_domain)
    )
    assert listed.rows[0][:2] == ["w1", ids["run_id"]]
    assert types.rows[0][:3] == ["crawl", "1", "REGISTERED"]
    assert (await aioswf_cli("signal", cli_domain, "w1", "wake", "--input", "now")).code == 0
    assert (await aioswf_cli("cancel", cli_domain, "w1")).code == 0
    assert (await aioswf_cli("terminate", cli_domain, "w1", "--reason", "by hand")).code == 0
    history, closed = await asyncio.gather(
        aioswf_cli("history", cli_domain, "w1", ids["run_id"]),
        aioswf_cli("executions", cli_domain, "--closed", "--close-status", "TERMINATED", "--days", "1"),
    )
    events = [row[2] for row in history.rows]
    assert events[0] == "WorkflowExecutionStarted"
    assert {"WorkflowExecutionSignaled", "WorkflowExecutionCancelRequested"} <= set(events)
    assert events[-1] == "WorkflowExecutionTerminated"
    assert closed.rows[0][0] == "w1"


async def test_swf_faults_and_bad_input_are_one_line_errors(aioswf_cli: Runner, cli_domain: str) -> None:
    missing, bad = await asyncio.gather(
        aioswf_cli("types", "nowhere"), aioswf_cli("start", cli_domain, "bad:name", "1")
    )
    assert_one_line_error(missing, "no such domain", "UnknownResourceFault")
    assert_one_line_error(bad, "name must not contain ':'")
