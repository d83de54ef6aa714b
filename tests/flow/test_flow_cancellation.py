"""Cancellation both ways: cancelling what the code awaits cancels it in SWF; an external cancel request
surfaces in run() as CancelledError, with cleanup allowed."""

from __future__ import annotations

import asyncio

from flow_waits import eventually

from aioswf import flow
from aioswf.flow.testing import WorkflowEnvironment

seen: list[str] = []


@flow.activity(heartbeat=3)
async def waits_forever(label: str) -> str:
    try:
        await asyncio.Event().wait()
    except asyncio.CancelledError:
        seen.append(f"cancelled {label}")
        raise
    return "never"


@flow.activity
async def clean_up(label: str) -> str:
    seen.append(f"cleaned {label}")
    return "clean"


@flow.workflow
class CancelsAnActivity:
    async def run(self) -> str:
        task = asyncio.create_task(flow.execute_activity(waits_forever, "a"))
        await flow.sleep(1)
        task.cancel()
        try:
            await task
        except asyncio.CancelledError:
            return "activity cancelled"
        return "not cancelled"


async def test_cancelling_the_task_awaiting_an_activity_cancels_the_activity_in_swf() -> None:
    seen.clear()
    async with WorkflowEnvironment(workflows=[CancelsAnActivity], activities=[waits_forever]) as env:
        handle = await env.start(CancelsAnActivity)
        assert await handle.result(timeout=30) == "activity cancelled"
        names = [event.name for event in await handle.history()]
        await eventually(lambda: seen)  # the worker answers its canceled task after the run closed

    assert "ActivityTaskCancelRequested" in names
    assert seen == ["cancelled a"]


@flow.workflow
class CancelsATimer:
    async def run(self) -> list[str]:
        long = asyncio.create_task(asyncio.sleep(7 * 86400))
        short = asyncio.create_task(flow.sleep(60))
        await short
        long.cancel()
        with_timeout = "no timeout"
        try:
            async with asyncio.timeout(30):
                await asyncio.sleep(3600)
        except TimeoutError:
            with_timeout = "timed out"
        return [str(long.cancelled()), with_timeout]


async def test_cancelling_a_sleeping_task_cancels_its_swf_timer() -> None:
    async with WorkflowEnvironment(workflows=[CancelsATimer]) as env:
        handle = await env.start(CancelsATimer)
        assert await handle.result(timeout=30) == ["True", "timed out"]
        history = await handle.history()

    started = {
        event.timer_id: event.start_to_fire_timeout for event in history if event.name == "TimerStarted"
    }
    assert started == {"1": "604800", "2": "60", "3": "30", "4": "3600"}
    assert sorted(event.timer_id for event in history if event.name == "TimerCanceled") == ["1", "4"]
    assert sorted(event.timer_id for event in history if event.name == "TimerFired") == ["2", "3"]


@flow.workflow
class Stubborn:
    async def run(self) -> str:
        try:
            await asyncio.sleep(30 * 86400)
        except asyncio.CancelledError:
            await flow.execute_activity(clean_up, "child")
            raise
        return "slept"


@flow.workflow
class CancelsAChild:
    async def run(self) -> list[str]:
        outcomes = []
        child = await flow.start_child(Stubborn)
        await flow.sleep(1)
        child.cancel()
        try:
            await child
        except flow.ChildWorkflowError as error:
            outcomes.append(error.status)
        task = asyncio.create_task(flow.execute_child(Stubborn))
        await flow.sleep(1)
        task.cancel()
        try:
            await task
        except asyncio.CancelledError:
            outcomes.append("task cancelled")
        return outcomes


async def test_cancelling_a_child_asks_it_to_cancel_and_it_may_clean_up() -> None:
    seen.clear()
    async with WorkflowEnvironment(workflows=[CancelsAChild, Stubborn], activities=[clean_up]) as env:
        handle = await env.start(CancelsAChild, workflow_id="cancels-children")
        assert await handle.result(timeout=30) == ["CANCELED", "task cancelled"]
        history = await handle.history()
        second = env.get_handle("cancels-children.2")
        second_events = [event.name for event in await second.history()]
        described = await eventually(lambda: _closed(second))
        closed = described.close_status

    requested = [
        event.workflow_id
        for event in history
        if event.name == "RequestCancelExternalWorkflowExecutionInitiated"
    ]
    assert requested == ["cancels-children.1", "cancels-children.2"]
    assert "WorkflowExecutionCancelRequested" in second_events
    assert closed == "CANCELED"
    assert seen.count("cleaned child") == 2


async def _closed(handle: flow.WorkflowHandle[object]) -> object:
    described = await handle.describe()
    return described if described.status == "CLOSED" else None


@flow.workflow
class CleansUp:
    async def run(self) -> str:
        try:
            await flow.execute_activity(waits_forever, "main")
        except asyncio.CancelledError:
            await flow.execute_activity(clean_up, "main")
            raise
        return "finished"


async def test_an_external_cancel_request_raises_cancelled_error_in_run_and_cleanup_runs_first() -> None:
    seen.clear()
    async with WorkflowEnvironment(workflows=[CleansUp], activities=[waits_forever, clean_up]) as env:
        handle = await env.start(CleansUp)
        await asyncio.sleep(0.3)
        await handle.cancel()
        try:
            await handle.result(timeout=30)
        except flow.WorkflowCanceledError:
            outcome = "canceled"
        names = [event.name for event in await handle.history()]

    assert outcome == "canceled"
    assert names[-1] == "WorkflowExecutionCanceled"
    assert names.index("WorkflowExecutionCancelRequested") < names.index("ActivityTaskCancelRequested")
    assert "cleaned main" in seen
    completed = [index for index, name in enumerate(names) if name == "ActivityTaskCompleted"]
    assert completed
    assert completed[-1] < len(names) - 1
