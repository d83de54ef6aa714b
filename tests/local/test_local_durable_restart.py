"""A durable server after a restart: deadlines re-armed from the stored clock, tokens kept, actors back."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import pytest
from durable_server import ServerProcess, serve
from swf_scenario import CREDENTIALS, Scenario, attributes, decision, event_types

import aioswf
from aioswf.actors import ActivityWorker, Decider
from aioswf.local import AutoJumpClock, LocalSWF, ManualClock
from aioswf.local.store import StoredHistory
from aioswf.models.task import ActivityTask, DecisionTask

T0 = 1_800_000_000.0


async def test_timers_and_timeouts_that_fell_due_while_the_server_was_down_fire_at_once_in_time_order(
    tmp_path: Path,
) -> None:
    async with serve(tmp_path, clock=ManualClock(start=T0)) as (_, client):
        scenario = await Scenario(client).setup(task_timeout="NONE")
        execution = await scenario.start()
        # Scheduled in the reverse order of when they fall due.
        await scenario.decide(
            scenario.schedule("late", scheduleToStartTimeout="30"),
            decision("StartTimer", timerId="second", startToFireTimeout="20"),
            decision("StartTimer", timerId="first", startToFireTimeout="10"),
        )
    # Down for a minute of the server's clock: a clock that reads later than the stored one.
    async with serve(tmp_path, clock=ManualClock(start=T0 + 60)) as (_, client):
        scenario.client = client
        events = await scenario.history(execution)
    fired = [e for e in events if e["eventType"] in ("TimerFired", "ActivityTaskTimedOut")]
    assert [attributes(e).get("timerId", "late") for e in fired] == ["first", "second", "late"]
    assert {e["eventTimestamp"].timestamp() for e in fired} == {T0 + 60}


async def test_a_timer_that_fell_due_on_the_wall_clock_while_the_server_was_down_fires_on_restart(
    tmp_path: Path,
) -> None:
    async with serve(tmp_path) as (_, client):
        scenario = await Scenario(client).setup()
        await scenario.start()
        await scenario.decide(decision("StartTimer", timerId="t", startToFireTimeout="1"))
        stopped = time.time()
    await asyncio.sleep(max(0.0, stopped + 1.2 - time.time()))
    async with serve(tmp_path) as (_, client):
        scenario.client = client
        task = await scenario.poll_decision()
    assert event_types(task["events"])[-3:] == ["TimerFired", "DecisionTaskScheduled", "DecisionTaskStarted"]


async def test_a_driven_clock_goes_on_from_the_reading_the_server_stored(tmp_path: Path) -> None:
    async with serve(tmp_path, clock=ManualClock(start=T0)) as (local, client):
        scenario = await Scenario(client).setup(task_timeout="NONE", execution_timeout="100000")
        execution = await scenario.start()
        local.clock.advance(3600)  # type: ignore[attr-defined]
        await scenario.decide(decision("StartTimer", timerId="t", startToFireTimeout="100"))
    clock = ManualClock(start=T0)
    async with serve(tmp_path, clock=clock) as (_, client):
        scenario.client = client
        assert clock.now() == T0 + 3600
        assert "TimerFired" not in await scenario.types(execution)
        clock.advance(100)
        assert "TimerFired" in await scenario.types(execution)
    jumping = AutoJumpClock(start=T0)
    async with serve(tmp_path, clock=jumping):
        assert jumping.now() >= T0 + 3700


async def test_tasks_handed_out_before_a_restart_are_answered_after_it_with_their_tokens(
    tmp_path: Path,
) -> None:
    async with serve(tmp_path) as (_, client):
        scenario = await Scenario(client).setup()
        execution = await scenario.start()
        await scenario.decide(scenario.schedule("a1"), scenario.schedule("a2"))
        first, second = await scenario.poll_activity(), await scenario.poll_activity()
        await scenario.signal(execution)
        decision_task = await scenario.poll_decision()
        await scenario.client.request_cancel_workflow_execution(domain=scenario.domain, **execution)
    async with serve(tmp_path) as (_, client):
        scenario.client = client
        beat = await client.record_activity_task_heartbeat(taskToken=second["taskToken"], details="half")
        assert beat["cancelRequested"] is False
        await client.respond_activity_task_completed(taskToken=first["taskToken"], result="one")
        await client.respond_decision_task_completed(
            taskToken=decision_task["taskToken"],
            decisions=[decision("RequestCancelActivityTask", activityId="a2")],
        )
    async with serve(tmp_path) as (_, client):
        scenario.client = client
        beat = await client.record_activity_task_heartbeat(taskToken=second["taskToken"])
        assert beat["cancelRequested"] is True
        await client.respond_activity_task_canceled(taskToken=second["taskToken"], details="stopped")
        events = await scenario.history(execution)
    kinds = event_types(events)
    for kind in ("ActivityTaskCompleted", "DecisionTaskCompleted", "ActivityTaskCancelRequested"):
        assert kind in kinds
    canceled = next(e for e in events if e["eventType"] == "ActivityTaskCanceled")
    assert attributes(canceled)["details"] == "stopped"


async def test_the_tasks_queued_before_a_restart_are_handed_out_after_it_in_their_order(
    tmp_path: Path,
) -> None:
    async with serve(tmp_path) as (_, client):
        scenario = await Scenario(client).setup()
        execution = await scenario.start()
        await scenario.decide(
            *(scenario.schedule(f"a{n}") for n in range(5)), scenario.schedule("vip", taskPriority="9")
        )
    async with serve(tmp_path) as (_, client):
        scenario.client = client
        order = [(await scenario.poll_activity())["activityId"] for _ in range(6)]
        assert (await scenario.poll_activity()).get("taskToken") is None
    assert order == ["vip", "a0", "a1", "a2", "a3", "a4"]
    assert execution


async def test_closed_histories_stay_on_disk_until_they_are_read(tmp_path: Path) -> None:
    async with serve(tmp_path) as (local, client):
        scenario = await Scenario(client).setup()
        execution = await scenario.start()
        await scenario.decide(decision("CompleteWorkflowExecution", result="done"))
        before = await scenario.history(execution)
        await local.engine.durable()
        assert isinstance(local.engine.runs[execution["runId"]].events, StoredHistory)
    async with serve(tmp_path) as (local, client):
        scenario.client = client
        assert isinstance(local.engine.runs[execution["runId"]].events, StoredHistory)
        assert await scenario.history(execution) == before
        reversed_page = await client.get_workflow_execution_history(
            domain=scenario.domain, execution=execution, reverseOrder=True, maximumPageSize=2
        )
        assert [e["eventId"] for e in reversed_page["events"]] == [len(before), len(before) - 1]
        described = await scenario.describe(execution)
        assert described["executionInfo"]["closeStatus"] == "COMPLETED"


async def test_a_lambda_stand_in_cut_off_by_a_restart_runs_again_after_it(tmp_path: Path) -> None:
    async def slow(payload: str | None) -> str:
        await asyncio.sleep(3600)
        return "never"

    role = "arn:aws:iam::123456789012:role/r"
    async with serve(tmp_path, lambda_functions={"f": slow}) as (_, client):
        scenario = await Scenario(client).setup()
        execution = await scenario.start(lambdaRole=role)
        await scenario.decide(decision("ScheduleLambdaFunction", id="l1", name="f", input="in"))
    async with serve(tmp_path, lambda_functions={"f": lambda payload: f"ran:{payload}"}) as (_, client):
        scenario.client = client
        task = await scenario.poll_decision()
    completed = next(e for e in task["events"] if e["eventType"] == "LambdaFunctionCompleted")
    assert attributes(completed)["result"] == "ran:in"
    assert execution


async def test_reset_empties_the_data_directory_too(tmp_path: Path) -> None:
    async with serve(tmp_path) as (local, client):
        scenario = await Scenario(client).setup()
        await scenario.start()
        local.reset()
    async with serve(tmp_path) as (_, client):
        domains = await client.list_domains(registrationStatus="REGISTERED")
    assert domains["domainInfos"] == []


async def test_a_run_that_closed_and_whose_retention_ended_is_gone_after_a_restart(tmp_path: Path) -> None:
    clock = ManualClock(start=T0)
    async with serve(tmp_path, clock=clock) as (_, client):
        scenario = await Scenario(client).setup(retention="1", execution_timeout="200000")
        kept, gone = await scenario.start(), await scenario.start()
        await scenario.client.terminate_workflow_execution(domain=scenario.domain, **gone)
        clock.advance(86400 + 1)
        await scenario.client.terminate_workflow_execution(domain=scenario.domain, **kept)
    async with serve(tmp_path, clock=ManualClock(start=T0)) as (local, client):
        assert set(local.engine.runs) == {kept["runId"]}
        scenario.client = client
        assert (await scenario.describe(kept))["executionInfo"]["closeStatus"] == "TERMINATED"


def _decide(task: DecisionTask) -> list[dict[str, Any]]:
    names = [event.name for event in task.history]
    if "ActivityTaskCompleted" in names:
        return [decision("CompleteWorkflowExecution", result="done")]
    if "ActivityTaskScheduled" in names:
        return []
    return [
        decision(
            "ScheduleActivityTask",
            activityType={"name": "work", "version": "1"},
            activityId="a1",
            taskList={"name": "workers"},
        )
    ]


async def _work(task: ActivityTask) -> str:
    return "ok"


@pytest.mark.slow
async def test_actors_whose_long_polls_were_cut_by_a_killed_server_poll_again_once_it_is_back(
    tmp_path: Path,
) -> None:
    server = ServerProcess(tmp_path)
    await server.start()
    try:
        async with aioswf.Connection(endpoint_url=server.url, **CREDENTIALS) as conn:
            await conn.call("RegisterDomain", name="d", workflowExecutionRetentionPeriodInDays="1")
            await conn.call(
                "RegisterWorkflowType",
                domain="d",
                name="flow",
                version="1",
                defaultTaskList={"name": "deciders"},
                defaultTaskStartToCloseTimeout="30",
                defaultExecutionStartToCloseTimeout="300",
                defaultChildPolicy="TERMINATE",
            )
            await conn.call(
                "RegisterActivityType",
                domain="d",
                name="work",
                version="1",
                defaultTaskScheduleToStartTimeout="NONE",
                defaultTaskScheduleToCloseTimeout="NONE",
                defaultTaskStartToCloseTimeout="30",
                defaultTaskHeartbeatTimeout="NONE",
            )
            async with (
                Decider("d", "deciders", _decide, connection=conn),
                ActivityWorker("d", "workers", {"work": _work}, connection=conn),
            ):
                await asyncio.sleep(0.5)  # both actors are in a long poll now
                await server.kill()
                await asyncio.sleep(1.0)
                await server.start()
                back = time.monotonic()
                started = await conn.call(
                    "StartWorkflowExecution",
                    domain="d",
                    workflowId="after",
                    workflowType={"name": "flow", "version": "1"},
                )
                execution = {"workflowId": "after", "runId": started["runId"]}
                while True:
                    info = await conn.call("DescribeWorkflowExecution", domain="d", execution=execution)
                    if info["executionInfo"]["executionStatus"] == "CLOSED":
                        break
                    assert time.monotonic() - back < 60, "the actors did not come back"
                    await asyncio.sleep(0.05)
                print(
                    f"\nan execution started after the restart completed {time.monotonic() - back:.2f} s later"
                )
    finally:
        assert await server.stop() == 0
    assert info["executionInfo"]["closeStatus"] == "COMPLETED"


async def test_a_server_started_on_a_data_directory_in_a_thread_keeps_it_too(tmp_path: Path) -> None:
    with LocalSWF.in_thread(data_dir=tmp_path) as local:
        assert local.server.engine.store is not None
    async with serve(tmp_path) as (local, _):
        assert local.engine.store is not None
