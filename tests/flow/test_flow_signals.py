"""Signals, before and after the workflow waits for them; wait_condition with and without a timeout."""

from __future__ import annotations

import asyncio

from aioswf import flow
from aioswf.flow.testing import WorkflowEnvironment


@flow.workflow
class Approval:
    def __init__(self) -> None:
        self.approvals: list[str] = []
        self.ready = False

    @flow.signal
    def approve(self, by: str) -> None:
        self.approvals.append(by)

    @flow.signal(name="go")
    async def go(self) -> None:
        await asyncio.sleep(1)
        self.ready = True

    async def run(self, needed: int) -> list[str]:
        await flow.wait_condition(lambda: len(self.approvals) >= needed and self.ready)
        return self.approvals


async def test_signals_that_arrive_before_the_workflow_waits_are_not_lost() -> None:
    async with WorkflowEnvironment(workflows=[Approval]) as env:
        await env.stop_worker()  # the signals arrive before any decision is made
        handle = await env.start(Approval, 2)
        await handle.signal(Approval.approve, "ada")
        await handle.signal("approve", "grace")
        await handle.signal(Approval.go)
        await env.start_worker()
        assert await handle.result(timeout=30) == ["ada", "grace"]


async def test_signals_that_arrive_while_the_workflow_waits_wake_it_up() -> None:
    async with WorkflowEnvironment(workflows=[Approval]) as env:
        handle = await env.start(Approval, 1)
        await handle.signal(Approval.go)
        await asyncio.sleep(0.2)
        assert (await handle.describe()).status == "OPEN"
        await handle.signal(Approval.approve, "alan")
        assert await handle.result(timeout=30) == ["alan"]


@flow.workflow
class Deadline:
    def __init__(self) -> None:
        self.done = False

    @flow.signal
    def finish(self) -> None:
        self.done = True

    async def run(self) -> str:
        try:
            await flow.wait_condition(lambda: self.done, timeout=3600)
        except TimeoutError:
            return "timed out"
        return "finished"


async def test_wait_condition_times_out_through_a_durable_timer() -> None:
    async with WorkflowEnvironment(workflows=[Deadline]) as env:
        assert await env.execute(Deadline) == "timed out"


@flow.workflow
class Unknown:
    async def run(self) -> str:
        await asyncio.sleep(10)
        return "done"


async def test_a_signal_without_a_handler_is_ignored() -> None:
    async with WorkflowEnvironment(workflows=[Unknown]) as env:
        handle = await env.start(Unknown)
        await handle.signal("nobody-listens", 1, 2)
        assert await handle.result(timeout=30) == "done"
