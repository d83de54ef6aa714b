"""A workflow with activities, end to end on the local SWF server (through flow.testing)."""

from __future__ import annotations

import asyncio

from aioswf import flow
from aioswf.flow.testing import WorkflowEnvironment


@flow.activity
async def greet(name: str) -> str:
    return f"Hello, {name}!"


@flow.activity
def shout(text: str) -> str:
    """A plain function: the worker runs it in a thread."""
    return text.upper()


@flow.workflow
class Greeting:
    async def run(self, name: str) -> str:
        text = await flow.execute_activity(greet, name)
        return await flow.execute_activity(shout, text)


async def test_a_workflow_runs_its_activities_in_order_and_returns_their_result() -> None:
    async with WorkflowEnvironment(workflows=[Greeting], activities=[greet, shout]) as env:
        handle = await env.start(Greeting, "Ada")
        result = await handle.result(timeout=30)
        history = await handle.history()

    assert result == "HELLO, ADA!"
    scheduled = [event.activity_type["name"] for event in history if event.name == "ActivityTaskScheduled"]
    assert scheduled == ["greet", "shout"]
    assert history.last is not None and history.last.name == "WorkflowExecutionCompleted"


@flow.workflow
class Sleeper:
    async def run(self, days: int) -> str:
        started = flow.now()
        await asyncio.sleep(days * 86400)
        return str(flow.now() - started)


async def test_a_week_of_timers_passes_in_a_moment_on_the_auto_jumping_clock() -> None:
    async with WorkflowEnvironment(workflows=[Sleeper]) as env:
        elapsed = await env.execute(Sleeper, 7)

    assert elapsed.startswith("7 days")
