"""Stopping under load: no new polls, in-flight work gets its grace, then every polled task is answered."""

from __future__ import annotations

import asyncio
import logging
import threading

import anyio
import pytest
from actor_scenarios import CLOSING_ACTIVITY_EVENTS, Flow, one_activity, until

from aioswf.actors import ActivityWorker, ActorState, Decider
from aioswf.local import LocalSWF
from aioswf.models import WorkflowExecution
from aioswf.models.decision import WorkflowExecutionDecision
from aioswf.models.task import ActivityTask, DecisionTask


async def unanswered(flow: Flow, executions: list[WorkflowExecution]) -> dict[str, int]:
    """Activity tasks started but not closed, by workflow id."""
    found = {}
    for execution in executions:
        names = await flow.event_names(execution)
        open_tasks = names.count("ActivityTaskStarted") - sum(
            names.count(name) for name in CLOSING_ACTIVITY_EVENTS
        )
        if open_tasks:
            found[execution.workflow_id] = open_tasks
    return found


async def test_every_polled_task_is_answered_before_the_worker_reports_stopped(flow: Flow) -> None:
    started = 0
    # The quick handlers finish only once the worker is stopping, so every slot stays taken until then
    # and no poll is in flight when stop() begins (a poll abandoned by stop() is a documented gap of its
    # own, covered by finish_polls); a quick handler finishing earlier would free a slot for a 7th poll.
    release = anyio.Event()

    async def work(task: ActivityTask) -> str:
        nonlocal started
        started += 1
        if task.input and task.input.endswith(("0", "2", "4")):
            await release.wait()
        else:
            await anyio.sleep(60)
        return f"done {task.input}"

    decider = Decider(
        flow.domain, flow.decisions, lambda task: one_activity(flow, task), connection=flow.conn
    )
    worker = ActivityWorker(
        flow.domain, flow.activities, {"work": work}, max_concurrent=6, connection=flow.conn
    )
    async with decider:
        await worker.start()
        executions = await flow.start(10)
        await until(lambda: started >= 6)
        async with anyio.create_task_group() as group:
            group.start_soon(worker.stop, 0.5)
            await until(lambda: worker.state is not ActorState.RUNNING)
            release.set()

        assert started == 6
        assert worker.state is ActorState.STOPPED
        assert await unanswered(flow, executions) == {}
        outcomes = await flow.outcomes(executions[:6])

    results = sorted(outcome.result for outcome in outcomes if outcome.close_status == "COMPLETED")
    reasons = {outcome.reason for outcome in outcomes if outcome.close_status == "FAILED"}
    assert results == ["done x0", "done x2", "done x4"]
    assert reasons == {"aioswf: the actor stopped before the handler finished"}


async def test_no_poll_starts_once_stopping(flow: Flow) -> None:
    worker = ActivityWorker(flow.domain, flow.activities, {"work": lambda task: "late"}, connection=flow.conn)
    await worker.start()
    await worker.stop()
    (execution,) = await flow.start(1)

    await anyio.sleep(0.5)

    assert "ActivityTaskStarted" not in await flow.event_names(execution)


async def test_a_threaded_handler_is_abandoned_after_the_grace_and_its_task_failed(
    flow: Flow, caplog: pytest.LogCaptureFixture
) -> None:
    release = threading.Event()
    running = threading.Event()

    def work(task: ActivityTask) -> str:
        running.set()
        release.wait(10)
        return "too late"

    worker = ActivityWorker(flow.domain, flow.activities, {"work": work}, connection=flow.conn)
    try:
        async with Decider(
            flow.domain, flow.decisions, lambda t: one_activity(flow, t), connection=flow.conn
        ):
            await worker.start()
            (execution,) = await flow.start(1)
            await until(running.is_set)
            with caplog.at_level(logging.WARNING, logger="aioswf.actors"):
                await worker.stop(grace=0.2)
            (outcome,) = await flow.outcomes([execution])
    finally:
        release.set()

    assert outcome.reason == "aioswf: the actor stopped before the handler finished"
    assert "thread runs on" in caplog.text


async def test_a_decision_unfinished_at_the_deadline_is_left_to_its_timeout(
    flow: Flow, caplog: pytest.LogCaptureFixture
) -> None:
    deciding = anyio.Event()

    async def decide(task: DecisionTask) -> list[WorkflowExecutionDecision]:
        deciding.set()
        await anyio.sleep(60)
        return []

    decider = Decider(flow.domain, flow.decisions, decide, connection=flow.conn)
    await decider.start()
    (execution,) = await flow.start(1)
    await deciding.wait()
    with caplog.at_level(logging.WARNING, logger="aioswf.actors"):
        await decider.stop(grace=0.1)

    assert decider.state is ActorState.STOPPED
    assert "left to its start-to-close timeout" in caplog.text
    assert execution.workflow_id in caplog.text


async def test_a_second_stop_with_less_grace_cuts_the_wait_short(flow: Flow) -> None:
    running = anyio.Event()

    async def work(task: ActivityTask) -> str:
        running.set()
        await anyio.sleep(60)
        return "never"

    worker = ActivityWorker(flow.domain, flow.activities, {"work": work}, connection=flow.conn)
    async with Decider(flow.domain, flow.decisions, lambda t: one_activity(flow, t), connection=flow.conn):
        await worker.start()
        (execution,) = await flow.start(1)
        await running.wait()
        with anyio.fail_after(5):
            async with anyio.create_task_group() as group:
                group.start_soon(worker.stop, 30)
                await anyio.sleep(0.1)
                await worker.stop(grace=0)
        (outcome,) = await flow.outcomes([execution])

    assert outcome.close_status == "FAILED"


async def test_a_worker_cancelled_from_outside_still_reports_its_tasks(flow: Flow) -> None:
    running = anyio.Event()

    async def work(task: ActivityTask) -> str:
        running.set()
        await anyio.sleep(60)
        return "never"

    worker = ActivityWorker(flow.domain, flow.activities, {"work": work}, connection=flow.conn)
    async with Decider(flow.domain, flow.decisions, lambda t: one_activity(flow, t), connection=flow.conn):
        run = asyncio.ensure_future(worker.run())
        (execution,) = await flow.start(1)
        await running.wait()
        run.cancel()
        with pytest.raises(asyncio.CancelledError):
            await run
        (outcome,) = await flow.outcomes([execution])

    assert worker.state is ActorState.STOPPED
    assert outcome.reason == "aioswf: the activity worker was cancelled"


async def test_a_worker_in_a_cancelled_anyio_scope_still_reports_its_tasks(flow: Flow) -> None:
    # Cancelled by an anyio scope rather than Task.cancel(): anyio may cancel the actor again while it
    # waits for its handlers, and a handler must still get its shielded report out.
    running = anyio.Event()

    async def work(task: ActivityTask) -> str:
        running.set()
        await anyio.sleep(60)
        return "never"

    worker = ActivityWorker(flow.domain, flow.activities, {"work": work}, connection=flow.conn)
    async with Decider(flow.domain, flow.decisions, lambda t: one_activity(flow, t), connection=flow.conn):
        async with anyio.create_task_group() as group:
            group.start_soon(worker.run)
            (execution,) = await flow.start(1)
            await running.wait()
            group.cancel_scope.cancel()
        (outcome,) = await flow.outcomes([execution])

    assert worker.state is ActorState.STOPPED
    assert worker.in_flight == 0
    assert outcome.reason == "aioswf: the activity worker was cancelled"


async def test_finish_polls_handles_the_task_of_the_poll_in_flight() -> None:
    # Long polls of 5 s, so that the worker's poll is surely in flight when it is told to stop.
    async with LocalSWF(poll_wait=5) as server, server.connection() as conn:
        flow = await Flow.register(conn)
        worker = ActivityWorker(
            flow.domain,
            flow.activities,
            {"work": lambda task: "from the last poll"},
            finish_polls=True,
            connection=conn,
        )
        async with Decider(flow.domain, flow.decisions, lambda t: one_activity(flow, t), connection=conn):
            await worker.start()
            await anyio.sleep(0.2)
            async with anyio.create_task_group() as group:
                group.start_soon(worker.stop, 10)
                await until(lambda: worker.state is ActorState.STOPPING)
                (execution,) = await flow.start(1)
            (outcome,) = await flow.outcomes([execution])

    assert worker.state is ActorState.STOPPED
    assert outcome.result == "from the last poll"


async def test_the_actors_own_grace_applies_when_async_with_stops_it(flow: Flow) -> None:
    running = anyio.Event()

    async def work(task: ActivityTask) -> str:
        running.set()
        await anyio.sleep(60)
        return "never"

    worker = ActivityWorker(flow.domain, flow.activities, {"work": work}, grace=0.1, connection=flow.conn)
    async with Decider(flow.domain, flow.decisions, lambda t: one_activity(flow, t), connection=flow.conn):
        with anyio.fail_after(5):
            async with worker:
                (execution,) = await flow.start(1)
                await running.wait()
        (outcome,) = await flow.outcomes([execution])

    assert outcome.reason == "aioswf: the actor stopped before the handler finished"


async def test_a_decider_cancelled_from_outside_lets_the_cancellation_through(
    flow: Flow, caplog: pytest.LogCaptureFixture
) -> None:
    deciding = anyio.Event()

    async def decide(task: DecisionTask) -> list[WorkflowExecutionDecision]:
        deciding.set()
        await anyio.sleep(60)
        return []

    decider = Decider(flow.domain, flow.decisions, decide, connection=flow.conn)
    run = asyncio.ensure_future(decider.run())
    (execution,) = await flow.start(1)
    await deciding.wait()
    with caplog.at_level(logging.WARNING, logger="aioswf.actors"):
        run.cancel()
        with pytest.raises(asyncio.CancelledError):
            await run

    assert decider.state is ActorState.STOPPED
    assert "cancelled while deciding" in caplog.text
    assert execution.workflow_id in caplog.text
