"""Non-determinism caught (by the replayer and by a live worker) with a readable message; versioning with
patched(); deterministic time, randomness and side effects; the policy for code that raises."""

from __future__ import annotations

import asyncio
import json
import logging

import pytest
from flow_waits import eventually

from aioswf import flow
from aioswf.flow.testing import WorkflowEnvironment


@flow.activity
async def charge(order: str) -> str:
    return f"charged {order}"


@flow.activity
async def refund(order: str) -> str:
    return f"refunded {order}"


@flow.workflow(name="Order")
class OrderV1:
    def __init__(self) -> None:
        self.go = False

    @flow.signal
    def proceed(self) -> None:
        self.go = True

    async def run(self, order: str) -> str:
        charged = await flow.execute_activity(charge, order)
        await flow.wait_condition(lambda: self.go)
        return charged


@flow.workflow(name="Order")
class OrderV2Broken:
    """An incompatible change: the first activity is another one."""

    def __init__(self) -> None:
        self.go = False

    @flow.signal
    def proceed(self) -> None:
        self.go = True

    async def run(self, order: str) -> str:
        charged = await flow.execute_activity(refund, order)
        await flow.wait_condition(lambda: self.go)
        return charged


@flow.workflow(name="Order")
class OrderV2Patched:
    """A compatible change: a new step, behind patched()."""

    def __init__(self) -> None:
        self.go = False

    @flow.signal
    def proceed(self) -> None:
        self.go = True

    async def run(self, order: str) -> str:
        charged = await flow.execute_activity(charge, order)
        if flow.patched("sleep-before-waiting"):
            await asyncio.sleep(60)
            charged += " (patched)"
        await flow.wait_condition(lambda: self.go)
        return charged


async def _history_of_v1(env: WorkflowEnvironment) -> tuple[flow.WorkflowHandle[str], object]:
    """Starts OrderV1 and waits until its first activity is done and decided on."""
    handle = await env.start(OrderV1, "o-1", workflow_id="order-1")

    async def charged() -> object:
        history = await handle.history()
        done = any(event.name == "ActivityTaskCompleted" for event in history)
        return history if done and history.last.name == "DecisionTaskCompleted" else None

    return handle, await eventually(charged)


async def _failure_marker(handle: flow.WorkflowHandle[object], count: int = 1) -> list[object]:
    """Waits until the history holds ``count`` decision-failed markers; returns them."""

    async def markers() -> list[object]:
        history = await handle.history()
        return [
            event
            for event in history
            if event.name == "MarkerRecorded" and event.marker_name == "aioswf.decision-failed"
        ]

    async def enough() -> list[object]:
        found = await markers()
        return found if len(found) >= count else []

    found: list[object] = await eventually(enough)
    return found


async def test_the_replayer_catches_an_incompatible_change_with_a_readable_message() -> None:
    async with WorkflowEnvironment(workflows=[OrderV1], activities=[charge]) as env:
        handle, _history = await _history_of_v1(env)
        await handle.signal(OrderV1.proceed)
        assert await handle.result(timeout=30) == "charged o-1"
        full = await handle.history()

    assert (await flow.Replayer(workflows=[OrderV1]).replay(full)).closed
    with pytest.raises(flow.NonDeterminismError) as caught:
        await flow.Replayer(workflows=[OrderV2Broken]).replay(full, workflow_id="order-1")
    error = caught.value
    scheduled = next(event for event in full if event.name == "ActivityTaskScheduled")
    assert error.event_id == scheduled.id
    assert error.workflow_id == "order-1"
    assert error.history == f"ActivityTaskScheduled (event {scheduled.id}): activity charge/1, id '1'"
    assert error.code == "activity refund/1, id '1'"
    assert error.location is not None
    assert "test_flow_determinism.py" in error.location
    assert "in run" in error.location
    assert "order-1" in str(error)
    assert "refund/1" in str(error)


async def test_a_replay_from_json_as_get_workflow_execution_history_returns_it() -> None:
    async with WorkflowEnvironment(workflows=[OrderV1], activities=[charge]) as env:
        handle, _ = await _history_of_v1(env)
        raw = await env.connection.call(
            "GetWorkflowExecutionHistory",
            domain=env.domain,
            execution={"workflowId": "order-1", "runId": handle.run_id},
        )
    text = json.dumps(raw, default=lambda value: value.timestamp())
    result = await flow.Replayer(workflows=[OrderV1]).replay(json.loads(text))
    assert result.rounds == 2
    assert not result.closed
    with pytest.raises(flow.NonDeterminismError):
        await flow.Replayer(workflows=[OrderV2Broken]).replay(json.loads(text))


async def test_a_live_worker_with_an_incompatible_change_retries_and_a_fixed_worker_carries_on() -> None:
    async with WorkflowEnvironment(workflows=[OrderV1], activities=[charge, refund]) as env:
        handle, _ = await _history_of_v1(env)
        await env.stop_worker()
        broken = await env.start_worker(workflows=[OrderV2Broken])
        await handle.signal(OrderV1.proceed)
        (marker,) = await _failure_marker(handle)
        assert broken.stats.failures >= 1
        await env.stop_worker()
        details = json.loads(marker.details)
        assert (await handle.describe()).status == "OPEN"
        await env.start_worker(workflows=[OrderV1])
        result = await handle.result(timeout=30)

    assert marker.marker_name == "aioswf.decision-failed"
    assert details["type"] == "NonDeterminismError"
    assert "activity refund/1" in details["message"]
    assert "activity charge/1" in details["message"]
    assert result == "charged o-1"


async def test_patched_lets_old_runs_keep_the_old_path_and_new_runs_take_the_new_one() -> None:
    async with WorkflowEnvironment(workflows=[OrderV1], activities=[charge]) as env:
        old, _ = await _history_of_v1(env)
        await env.stop_worker()
        await env.start_worker(workflows=[OrderV2Patched], cache_size=0)
        new = await env.start(OrderV2Patched, "o-2", workflow_id="order-2")
        await asyncio.sleep(0.3)
        await old.signal(OrderV2Patched.proceed)
        await new.signal(OrderV2Patched.proceed)
        old_result = await old.result(timeout=30)
        new_result = await new.result(timeout=30)
        new_history = await new.history()

    assert old_result == "charged o-1"
    assert new_result == "charged o-2 (patched)"
    assert (await flow.Replayer(workflows=[OrderV2Patched]).replay(new_history)).closed
    with pytest.raises(flow.NonDeterminismError):
        await flow.Replayer(workflows=[OrderV1]).replay(new_history)


@flow.workflow
class Randomness:
    async def run(self) -> list[str]:
        values = [str(flow.random().random()), str(flow.uuid4()), flow.now().isoformat()]
        token = flow.side_effect(lambda: __import__("uuid").uuid4().hex)
        await asyncio.sleep(5)
        values += [str(flow.random().random()), str(flow.uuid4()), flow.now().isoformat(), token]
        values.append(flow.side_effect(lambda: token))
        return values


async def test_time_randomness_and_side_effects_replay_to_the_same_values() -> None:
    async with WorkflowEnvironment(workflows=[Randomness], cache_size=0) as env:
        first = await env.execute(Randomness)
        second = await env.execute(Randomness)

    assert len(set(first)) == 7
    assert first[6] == first[7]
    assert first[0] != second[0]
    assert first[1] != second[1]


@flow.workflow(failure_exceptions=[KeyError])
class Strict:
    async def run(self) -> None:
        raise KeyError("missing")


@flow.workflow
class Buggy:
    async def run(self) -> None:
        raise ZeroDivisionError("a bug")


async def test_an_exception_named_in_failure_exceptions_fails_the_execution() -> None:
    async with WorkflowEnvironment(workflows=[Strict]) as env:
        with pytest.raises(flow.WorkflowFailureError) as caught:
            await env.execute(Strict)
    assert caught.value.reason == "KeyError: 'missing'"


async def test_any_other_exception_retries_the_decision_task_and_leaves_the_run_open() -> None:
    async with WorkflowEnvironment(workflows=[Buggy]) as env:
        handle = await env.start(Buggy)
        await _failure_marker(handle)
        async with env.skipping_time():
            await _failure_marker(handle, 2)
        history = await handle.history()
        status = (await handle.describe()).status

    assert status == "OPEN"
    markers = [json.loads(event.details) for event in history if event.name == "MarkerRecorded"]
    assert markers[0]["type"] == "ZeroDivisionError"
    assert "raise ZeroDivisionError" in markers[0]["traceback"]
    retries = [int(event.start_to_fire_timeout) for event in history if event.name == "TimerStarted"]
    assert retries[:2] == [1, 2]


async def test_the_policy_can_fail_the_execution_on_non_determinism() -> None:
    async with WorkflowEnvironment(workflows=[OrderV1], activities=[charge, refund]) as env:
        handle, _ = await _history_of_v1(env)
        await env.stop_worker()
        await env.start_worker(workflows=[OrderV2Broken], failure_exceptions=[flow.NonDeterminismError])
        await handle.signal(OrderV1.proceed)
        with pytest.raises(flow.WorkflowFailureError) as caught:
            await handle.result(timeout=30)
    assert caught.value.reason is not None
    assert caught.value.reason.startswith("NonDeterminismError")


@flow.workflow
class Chatty:
    async def run(self) -> None:
        for step in range(3):
            flow.logger.info("step %d", step)
            await asyncio.sleep(10)


async def test_the_workflow_logger_says_each_thing_once_though_every_decision_replays(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="aioswf.flow.workflow")
    async with WorkflowEnvironment(workflows=[Chatty], cache_size=0) as env:
        handle = await env.start(Chatty, workflow_id="chatty")
        await handle.result(timeout=30)
        replays = env.worker.stats.replays

    messages = [record.getMessage() for record in caplog.records if record.name == "aioswf.flow.workflow"]
    assert replays == 4
    assert messages == ["[Chatty chatty] step 0", "[Chatty chatty] step 1", "[Chatty chatty] step 2"]
    assert all(
        record.workflow_id == "chatty" for record in caplog.records if record.name == "aioswf.flow.workflow"
    )
