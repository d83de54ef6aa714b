"""Long polling: polls wait, return the moment a task appears, and each task goes to exactly one poller."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from typing import Any

import pytest
from aiobotocore.config import AioConfig
from aiobotocore.session import get_session
from raw_http import read_response, request
from swf_scenario import CREDENTIALS, Scenario, decision, unique

from aioswf.local import LocalSWF
from aioswf.local.queues import QueuedTask, TaskQueue


async def test_an_empty_poll_waits_then_answers_an_empty_task_token(
    local: LocalSWF, scenario: Scenario
) -> None:
    started = time.perf_counter()
    task = await scenario.poll_activity(unique("empty"))
    waited = time.perf_counter() - started
    assert "taskToken" not in task
    assert local.engine.poll_wait * 0.9 <= waited < local.engine.poll_wait + 0.5
    decision_task = await scenario.poll_decision(unique("empty"))
    assert "taskToken" not in decision_task


async def test_empty_polls_answer_exactly_as_aws_does(local: LocalSWF, scenario: Scenario) -> None:
    reader, writer = await asyncio.open_connection(local.host, local.port)
    try:
        answers = []
        for operation in ("PollForDecisionTask", "PollForActivityTask"):
            writer.write(
                request(operation, {"domain": scenario.domain, "taskList": {"name": unique("empty")}})
            )
            response = await read_response(reader)
            assert response is not None
            answers.append((response.status, response.json()))
    finally:
        writer.close()
        await writer.wait_closed()
    # Captured from AWS: no taskToken key at all (the model's taskToken has a minimum length of 1).
    assert answers == [
        (200, {"previousStartedEventId": 0, "startedEventId": 0}),
        (200, {"startedEventId": 0}),
    ]


async def test_a_poll_on_an_unknown_domain_is_an_unknown_resource(client: Any) -> None:
    with pytest.raises(client.exceptions.UnknownResourceFault):
        await client.poll_for_decision_task(domain=unique("missing"), taskList={"name": "x"})


async def test_a_waiting_poll_returns_within_50_ms_of_the_scheduling(scenario: Scenario) -> None:
    execution = await scenario.start()
    task = await scenario.poll_decision()
    poll = asyncio.ensure_future(scenario.poll_activity())
    await asyncio.sleep(0.1)
    assert not poll.done(), "the poll should be waiting"
    await scenario.client.respond_decision_task_completed(
        taskToken=task["taskToken"], decisions=[scenario.schedule("a1")]
    )
    scheduled_at = time.perf_counter()
    activity = await poll
    assert time.perf_counter() - scheduled_at < 0.05
    assert activity["workflowExecution"] == execution


async def test_a_waiting_decision_poll_returns_when_an_execution_starts(scenario: Scenario) -> None:
    poll = asyncio.ensure_future(scenario.poll_decision())
    await asyncio.sleep(0.05)
    execution = await scenario.start()
    started_at = time.perf_counter()
    task = await poll
    assert time.perf_counter() - started_at < 0.05
    assert task["workflowExecution"] == execution


async def test_200_pollers_receive_1000_tasks_exactly_once(local: LocalSWF) -> None:
    config = AioConfig(max_pool_connections=250, retries={"total_max_attempts": 1})
    async with get_session().create_client(
        "swf", endpoint_url=local.endpoint_url, config=config, **CREDENTIALS
    ) as client:
        scenario = await Scenario(client).setup()
        received: list[tuple[str, str]] = []
        done = asyncio.Event()

        async def poller() -> None:
            while not done.is_set():
                task = await scenario.poll_activity()
                if task.get("taskToken"):
                    received.append((task["workflowExecution"]["workflowId"], task["activityId"]))
                    if len(received) >= 1000:
                        done.set()

        pollers = [asyncio.ensure_future(poller()) for _ in range(200)]
        await asyncio.sleep(0.2)
        for _ in range(10):
            await scenario.start()
            await scenario.decide(*(scenario.schedule(f"a{index}") for index in range(100)))
        await asyncio.wait_for(done.wait(), 30)
        await asyncio.gather(*pollers)
    counts = Counter(received)
    assert len(counts) == 1000
    assert max(counts.values()) == 1


async def test_higher_priority_tasks_are_delivered_first(scenario: Scenario) -> None:
    await scenario.start()
    await scenario.decide(
        scenario.schedule("low", taskPriority="-5"),
        scenario.schedule("mid"),
        scenario.schedule("high", taskPriority="10"),
    )
    order = [(await scenario.poll_activity())["activityId"] for _ in range(3)]
    assert order == ["high", "mid", "low"]


async def test_a_task_handed_to_a_cancelled_poller_goes_back_to_the_queue() -> None:
    queue = TaskQueue()
    taker = asyncio.ensure_future(queue.take(5))
    await asyncio.sleep(0)
    task = QueuedTask(execution=None, record=None)
    queue.push(task)
    taker.cancel()
    with pytest.raises(asyncio.CancelledError):
        await taker
    assert queue.size == 1
    assert queue.pop() is task


async def test_a_task_of_a_closed_execution_is_not_delivered(scenario: Scenario) -> None:
    execution = await scenario.start()
    await scenario.decide(scenario.schedule("a1"))
    await scenario.client.terminate_workflow_execution(
        domain=scenario.domain, workflowId=execution["workflowId"]
    )
    assert "taskToken" not in await scenario.poll_activity()
    count = await scenario.client.count_pending_activity_tasks(
        domain=scenario.domain, taskList={"name": scenario.activities}
    )
    assert count["count"] == 0


async def test_a_signal_during_a_decision_task_schedules_exactly_one_more(scenario: Scenario) -> None:
    execution = await scenario.start()
    task = await scenario.poll_decision()
    for _ in range(3):
        await scenario.signal(execution)
    await scenario.client.respond_decision_task_completed(
        taskToken=task["taskToken"], decisions=[decision("RecordMarker", markerName="m")]
    )
    count = await scenario.client.count_pending_decision_tasks(
        domain=scenario.domain, taskList={"name": scenario.decisions}
    )
    assert count["count"] == 1
