"""SWF's limits are part of the model: 100 decisions per task, 1,000 open timers, refused decisions and
payloads over 32,768 characters, each a clear outcome at the call site."""

from __future__ import annotations

import asyncio

import pytest

from aioswf import flow
from aioswf.flow.testing import WorkflowEnvironment


@flow.activity
async def echo(value: int) -> int:
    return value


@flow.workflow
class ManyTimers:
    async def run(self, count: int) -> int:
        await asyncio.gather(*(asyncio.sleep(60) for _ in range(count)))
        return count


async def test_more_than_100_decisions_in_one_task_are_carried_over_to_the_next() -> None:
    async with WorkflowEnvironment(workflows=[ManyTimers]) as env:
        handle = await env.start(ManyTimers, 250)
        assert await handle.result(timeout=60) == 250
        history = await handle.history()

    completed = [event for event in history if event.name == "DecisionTaskCompleted"]
    first = [event for event in history if event.get("decision_task_completed_event_id") == completed[0].id]
    assert len(first) == 100
    assert first[-1].name == "TimerStarted"
    assert first[-1].timer_id.startswith("aioswf.carry.")
    started = [event.timer_id for event in history if event.name == "TimerStarted"]
    assert [timer for timer in started if not timer.startswith("aioswf.")] == [str(n) for n in range(1, 251)]
    replayed = await flow.Replayer(workflows=[ManyTimers]).replay(history)
    assert replayed.closed


@pytest.mark.slow
async def test_more_than_1000_open_timers_wait_in_the_sdk_until_some_fire() -> None:
    async with WorkflowEnvironment(workflows=[ManyTimers]) as env:
        handle = await env.start(ManyTimers, 1005)
        assert await handle.result(timeout=120) == 1005
        history = await handle.history()

    names = [event.name for event in history]
    assert "StartTimerFailed" not in names
    assert names.count("TimerStarted") >= 1005
    open_timers = peak = 0
    for event in history:
        if event.name == "TimerStarted":
            open_timers += 1
        elif event.name in ("TimerFired", "TimerCanceled"):
            open_timers -= 1
        peak = max(peak, open_timers)
    assert peak <= 1000


@flow.workflow
class UnknownActivity:
    async def run(self) -> str:
        try:
            await flow.execute_activity("not-registered", version="7")
        except flow.DecisionFailedError as error:
            return f"{error.decision_type} {error.swf_cause} at event {error.event_id}"
        return "scheduled"


async def test_a_refused_decision_raises_decision_failed_error_where_the_code_asked() -> None:
    async with WorkflowEnvironment(workflows=[UnknownActivity]) as env:
        result = await env.execute(UnknownActivity)
    assert result.startswith("ScheduleActivityTask ACTIVITY_TYPE_DOES_NOT_EXIST at event ")


@flow.workflow
class BigInput:
    async def run(self, size: int) -> str:
        try:
            await flow.execute_activity(echo, "x" * size)
        except flow.PayloadSizeError as error:
            return f"{error.argument} | {error.limit}"
        return "sent"


async def test_a_payload_over_the_limit_raises_at_the_call_site_naming_the_field_and_limit() -> None:
    async with WorkflowEnvironment(workflows=[BigInput], activities=[echo]) as env:
        assert await env.execute(BigInput, 40_000) == "input of activity echo | at most 32768 characters"


@flow.activity
async def measure(text: str) -> str:
    return "y" * (len(text) + 10)


@flow.workflow
class Offloaded:
    async def run(self, size: int) -> int:
        result = await flow.execute_activity(measure, "x" * size)
        return len(result)


async def test_an_offloader_keeps_large_payloads_in_its_store_and_references_in_the_history() -> None:
    store = flow.MemoryPayloadStore()
    offloader = flow.PayloadOffloader(store)
    async with WorkflowEnvironment(workflows=[Offloaded], activities=[measure], offloader=offloader) as env:
        handle = await env.start(Offloaded, 50_000)
        assert await handle.result(timeout=30) == 50_010
        history = await handle.history()

    scheduled = next(event for event in history if event.name == "ActivityTaskScheduled")
    completed = next(event for event in history if event.name == "ActivityTaskCompleted")
    assert offloader.is_reference(scheduled.input)
    assert offloader.is_reference(completed.result)
    assert len(store.items) == 2


@flow.workflow
class RefusedTimerAndCancel:
    async def run(self) -> list[str]:
        outcomes = []
        results = await asyncio.gather(
            flow.sleep(60, key="same"), flow.sleep(60, key="same"), return_exceptions=True
        )
        for result in results:
            outcomes.append(result.swf_cause if isinstance(result, flow.DecisionFailedError) else "slept")
        try:
            await flow.cancel_external("nobody-runs-this")
        except flow.DecisionFailedError as error:
            outcomes.append(f"{error.decision_type}: {error.swf_cause}")
        return outcomes


async def test_refused_timers_and_cancellations_raise_where_the_code_asked() -> None:
    async with WorkflowEnvironment(workflows=[RefusedTimerAndCancel]) as env:
        assert await env.execute(RefusedTimerAndCancel) == [
            "slept",
            "TIMER_ID_ALREADY_IN_USE",
            "RequestCancelExternalWorkflowExecution: UNKNOWN_EXTERNAL_WORKFLOW_EXECUTION",
        ]


@flow.workflow
class Echoes:
    def __init__(self) -> None:
        self.signalled = ""

    @flow.signal
    def more(self, text: str) -> None:
        self.signalled = text

    async def run(self, text: str) -> str:
        await flow.wait_condition(lambda: bool(self.signalled))
        child = await flow.execute_child(Doubles, text)
        return child + self.signalled


@flow.workflow
class Doubles:
    async def run(self, text: str) -> str:
        return text * 2


async def test_large_inputs_signals_and_results_travel_through_the_store() -> None:
    store = flow.MemoryPayloadStore()
    offloader = flow.PayloadOffloader(store)
    async with WorkflowEnvironment(workflows=[Echoes, Doubles], offloader=offloader) as env:
        handle = await env.start(Echoes, "a" * 20_000)
        await handle.signal(Echoes.more, "b" * 40_000)
        result = await handle.result(timeout=30)
        history = await handle.history()

    assert result == "a" * 40_000 + "b" * 40_000
    started = history[0]
    signalled = next(event for event in history if event.name == "WorkflowExecutionSignaled")
    assert not offloader.is_reference(started.input)
    assert offloader.is_reference(signalled.input)
    assert offloader.is_reference(history.last.result)
    assert len(store.items) >= 3
