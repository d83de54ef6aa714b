"""Retries of activities through SWF timers, with backoff and deterministic jitter; SWF timeouts."""

from __future__ import annotations

from aioswf import flow
from aioswf.flow.testing import WorkflowEnvironment

POLICY = flow.RetryPolicy(initial_interval=10, backoff=3, maximum_attempts=4, jitter=0.1)


@flow.activity(retry=POLICY)
async def flaky(succeed_on: int) -> dict[str, int]:
    attempt = flow.activity_info().attempt
    if attempt < succeed_on:
        raise ConnectionError(f"attempt {attempt} failed")
    return {"attempt": attempt}


@flow.workflow
class Flaky:
    async def run(self, succeed_on: int) -> dict[str, int]:
        return await flow.execute_activity(flaky, succeed_on)


async def test_a_failed_activity_is_retried_after_growing_waits_until_it_succeeds() -> None:
    async with WorkflowEnvironment(workflows=[Flaky], activities=[flaky]) as env:
        handle = await env.start(Flaky, 3)
        result = await handle.result(timeout=30)
        history = await handle.history()

    assert result == {"attempt": 3}
    ids = [event.activity_id for event in history if event.name == "ActivityTaskScheduled"]
    assert ids == ["1", "1#2", "1#3"]
    waits = [int(event.start_to_fire_timeout) for event in history if event.name == "TimerStarted"]
    assert [event.timer_id for event in history if event.name == "TimerStarted"] == [
        "aioswf.retry.1.1",
        "aioswf.retry.1.2",
    ]
    assert 9 <= waits[0] <= 11
    assert 27 <= waits[1] <= 33


async def test_retries_stop_at_maximum_attempts_and_raise_the_last_failure() -> None:
    async with WorkflowEnvironment(workflows=[Flaky], activities=[flaky]) as env:
        handle = await env.start(Flaky, 99)
        try:
            await handle.result(timeout=30)
        except flow.WorkflowFailureError as error:
            failure = error.cause
        history = await handle.history()

    assert isinstance(failure, flow.ActivityError)
    assert failure.attempt == 4
    assert failure.activity_id == "1#4"
    assert isinstance(failure.cause, flow.ApplicationError)
    assert failure.cause.type == "ConnectionError"
    assert failure.cause.message == "attempt 4 failed"
    assert sum(event.name == "ActivityTaskFailed" for event in history) == 4


@flow.activity(retry=flow.RetryPolicy(maximum_attempts=5, non_retryable=[KeyError]))
async def lookup(key: str) -> str:
    raise KeyError(key)


@flow.workflow
class Lookup:
    async def run(self) -> str:
        try:
            return await flow.execute_activity(lookup, "missing")
        except flow.ActivityError as error:
            return f"{type(error.cause).__name__}:{getattr(error.cause, 'type', '')}:{error.attempt}"


async def test_a_non_retryable_error_is_not_retried() -> None:
    async with WorkflowEnvironment(workflows=[Lookup], activities=[lookup]) as env:
        assert await env.execute(Lookup) == "ApplicationError:KeyError:1"


@flow.activity(start_to_close=5, retry=flow.RetryPolicy(maximum_attempts=2, initial_interval=1))
async def hangs() -> None:
    import asyncio

    await asyncio.sleep(3600)


@flow.workflow
class Hangs:
    async def run(self) -> str:
        try:
            await flow.execute_activity(hangs, start_to_close=1)
        except TimeoutError as error:
            kind = type(error).__name__
            attempts = getattr(error, "attempt", 0)
            return f"{kind}: {getattr(error, 'timeout_type', '')} after {attempts} attempts"
        return "no timeout"


async def test_an_swf_timeout_raises_an_activity_timeout_error_that_is_a_timeout_error() -> None:
    async with WorkflowEnvironment(workflows=[Hangs], activities=[hangs], grace=0.1) as env:
        assert await env.execute(Hangs) == "ActivityTimeoutError: START_TO_CLOSE after 2 attempts"
