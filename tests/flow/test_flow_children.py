"""Child workflows (results, failures, handles), signals to other executions, continue-as-new."""

from __future__ import annotations

import asyncio

import pytest

from aioswf import flow
from aioswf.flow.testing import WorkflowEnvironment


@flow.workflow
class Square:
    async def run(self, value: int) -> int:
        if value < 0:
            raise flow.ApplicationError("negative", type="BadInput")
        await asyncio.sleep(1)
        return value * value


@flow.workflow
class SumOfSquares:
    async def run(self, values: list[int]) -> int:
        results = await asyncio.gather(*(flow.execute_child(Square, value) for value in values))
        return sum(results)


async def test_children_run_in_parallel_and_return_their_results() -> None:
    async with WorkflowEnvironment(workflows=[SumOfSquares, Square]) as env:
        handle = await env.start(SumOfSquares, [1, 2, 3], workflow_id="sums")
        assert await handle.result(timeout=30) == 14
        history = await handle.history()

    children = [
        event.workflow_id for event in history if event.name == "StartChildWorkflowExecutionInitiated"
    ]
    assert children == ["sums.1", "sums.2", "sums.3"]


@flow.workflow
class CatchesChild:
    async def run(self) -> str:
        try:
            await flow.execute_child(Square, -1)
        except flow.ChildWorkflowError as error:
            cause = error.cause
            assert isinstance(cause, flow.ApplicationError)
            return f"{error.status} {error.workflow_type[0]} {cause.type}: {cause.message}"
        return "no failure"


async def test_a_failed_child_raises_child_workflow_error_with_its_failure_as_cause() -> None:
    async with WorkflowEnvironment(workflows=[CatchesChild, Square]) as env:
        assert await env.execute(CatchesChild) == "FAILED Square BadInput: negative"


@flow.workflow
class Counter:
    def __init__(self) -> None:
        self.count = 0

    @flow.signal
    def add(self, amount: int) -> None:
        self.count += amount

    async def run(self, target: int) -> int:
        await flow.wait_condition(lambda: self.count >= target)
        return self.count


@flow.workflow
class Parent:
    async def run(self) -> list[object]:
        child = await flow.start_child(Counter, 5, workflow_id=f"{flow.info().workflow_id}-counter")
        await child.signal(Counter.add, 2)
        await flow.signal_external(child.workflow_id, "add", 3)
        total = await child
        missing = "none"
        try:
            await flow.signal_external("no-such-workflow", "add", 1)
        except flow.DecisionFailedError as error:
            missing = error.swf_cause
        return [child.workflow_id, bool(child.run_id), total, missing]


async def test_a_child_handle_signals_its_child_and_awaits_its_result() -> None:
    async with WorkflowEnvironment(workflows=[Parent, Counter]) as env:
        result = await env.execute(Parent, workflow_id="parent")
    assert result == ["parent-counter", True, 5, "UNKNOWN_EXTERNAL_WORKFLOW_EXECUTION"]


@flow.workflow
class StartsUnknown:
    async def run(self) -> str:
        try:
            await flow.execute_child("NoSuchWorkflow", version="1")
        except flow.DecisionFailedError as error:
            return f"{error.decision_type}: {error.swf_cause}"
        return "started"


async def test_a_refused_child_start_raises_at_the_call_site() -> None:
    async with WorkflowEnvironment(workflows=[StartsUnknown]) as env:
        assert await env.execute(StartsUnknown) == "StartChildWorkflowExecution: WORKFLOW_TYPE_DOES_NOT_EXIST"


@flow.workflow
class Batches:
    async def run(self, remaining: int, done: int = 0) -> dict[str, int]:
        await asyncio.sleep(60)
        if remaining > 1:
            flow.continue_as_new(remaining - 1, done + 1)
        return {"done": done + 1, "runs_continued": int(flow.info().continued_run_id is not None)}


async def test_continue_as_new_starts_a_new_run_and_the_handle_follows_the_chain() -> None:
    async with WorkflowEnvironment(workflows=[Batches]) as env:
        handle = await env.start(Batches, 3)
        first_run = handle.run_id
        assert await handle.result(timeout=30) == {"done": 3, "runs_continued": 1}
        assert handle.run_id != first_run
        history = await env.get_handle(handle.workflow_id, first_run).history()

    assert history.last is not None
    assert history.last.name == "WorkflowExecutionContinuedAsNew"
    assert history.last.input == "[2,1]"


@pytest.mark.parametrize("cache_size", [0, 100])
async def test_history_length_and_continue_as_new_suggested_follow_the_history(cache_size: int) -> None:
    @flow.workflow(name=f"Lengths{cache_size}")
    class Lengths:
        async def run(self) -> list[int]:
            lengths = [flow.history_length()]
            await asyncio.sleep(1)
            lengths.append(flow.history_length())
            assert not flow.continue_as_new_suggested()
            return lengths

    async with WorkflowEnvironment(workflows=[Lengths], cache_size=cache_size) as env:
        assert await env.execute(Lengths) == [3, 8]
