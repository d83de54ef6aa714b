"""The client: start, execute, get_handle, and a handle's result, signal, cancel, terminate, describe."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest

from aioswf import flow
from aioswf.exceptions import WorkflowExecutionAlreadyStartedError
from aioswf.flow.testing import WorkflowEnvironment


@flow.workflow(execution_start_to_close=3600)
class Waits:
    def __init__(self) -> None:
        self.value: int | None = None

    @flow.signal
    def give(self, value: int) -> None:
        self.value = value

    async def run(self) -> int:
        await flow.wait_condition(lambda: self.value is not None)
        assert self.value is not None
        return self.value


async def test_get_handle_finds_the_latest_run_of_a_workflow_id(unique: Callable[[str], str]) -> None:
    workflow_id = unique("by-id")
    async with WorkflowEnvironment(workflows=[Waits]) as env:
        await env.start(Waits, workflow_id=workflow_id)
        handle = env.get_handle(workflow_id, workflow=Waits)
        await handle.signal(Waits.give, 7)
        assert await handle.result(timeout=30) == 7
        described = await handle.describe()
    assert described.close_status == "COMPLETED"
    assert described.run_id == handle.run_id


async def test_terminate_ends_the_run_and_result_raises_workflow_terminated_error() -> None:
    async with WorkflowEnvironment(workflows=[Waits]) as env:
        handle = await env.start(Waits)
        await handle.terminate(reason="no longer needed")
        with pytest.raises(flow.WorkflowTerminatedError) as caught:
            await handle.result(timeout=30)
    assert caught.value.reason == "no longer needed"


async def test_a_run_that_times_out_raises_workflow_timed_out_error() -> None:
    async with WorkflowEnvironment(workflows=[Waits]) as env:
        handle = await env.start(Waits, execution_start_to_close=120)
        with pytest.raises(flow.WorkflowTimedOutError) as caught:
            await handle.result(timeout=30)
    assert isinstance(caught.value, TimeoutError)


async def test_starting_a_workflow_id_that_runs_already_raises(unique: Callable[[str], str]) -> None:
    workflow_id = unique("twice")
    async with WorkflowEnvironment(workflows=[Waits]) as env:
        await env.start(Waits, workflow_id=workflow_id)
        with pytest.raises(WorkflowExecutionAlreadyStartedError):
            await env.start(Waits, workflow_id=workflow_id)


async def test_start_registers_a_workflow_type_no_worker_registered_yet() -> None:
    async with WorkflowEnvironment() as env:
        handle = await env.start(Waits)
        assert (await handle.describe()).status == "OPEN"
        worker = await env.start_worker(workflows=[Waits])
        await handle.signal("give", 3)
        assert await handle.result(timeout=30) == 3
        assert worker.is_running


async def test_result_times_out_while_the_run_is_open() -> None:
    async with WorkflowEnvironment(workflows=[Waits]) as env:
        handle = await env.start(Waits)
        with pytest.raises(TimeoutError, match="still open"):
            await flow.get_handle(env.domain, handle.workflow_id, connection=env.connection).result(
                timeout=0.2
            )


async def test_a_payload_over_the_limit_is_refused_before_anything_is_sent() -> None:
    async with WorkflowEnvironment(workflows=[Waits]) as env:
        with pytest.raises(flow.PayloadSizeError, match="32,768"):
            await env.start(Waits, "x" * 40_000)
        assert await env.connection.call(
            "CountOpenWorkflowExecutions", domain=env.domain, startTimeFilter={"oldestDate": 0}
        ) == {"count": 0, "truncated": False}


async def test_closed_executions_stay_readable_while_other_runs_skip_time() -> None:
    @flow.workflow(name="Quick")
    class Quick:
        async def run(self) -> str:
            return "done"

    @flow.workflow(name="Month")
    class Month:
        async def run(self) -> str:
            await asyncio.sleep(30 * 86400)
            return "a month later"

    async with WorkflowEnvironment(workflows=[Quick, Month]) as env:
        quick = await env.start(Quick)
        assert await quick.result(timeout=30) == "done"
        await asyncio.sleep(0.3)  # idle: the clock must not jump to the end of the retention period
        assert await env.execute(Month) == "a month later"
        history = await quick.history()
    assert history.last is not None
    assert history.last.name == "WorkflowExecutionCompleted"
