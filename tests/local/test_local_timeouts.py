"""Timers, every SWF timeout and retention, on a driven clock (no test waits for real time)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

import boto3
import pytest
from swf_scenario import Scenario, attributes, decision, event_types

from aioswf.local import LocalSWF, LocalSWFThread, ManualClock

MakeScenario = Callable[..., Awaitable[Scenario]]


def _last(events: list[dict[str, Any]], event_type: str) -> dict[str, Any]:
    return attributes([e for e in events if e["eventType"] == event_type][-1])


def test_a_manual_clock_never_goes_backwards() -> None:
    clock = ManualClock(start=100.0)
    clock.advance(5)
    assert clock.now() == 105.0
    with pytest.raises(ValueError):
        clock.advance(-1)
    with pytest.raises(ValueError):
        clock.set(50)


async def test_a_timer_fires_when_the_clock_reaches_it(
    manual: LocalSWF, manual_scenario: MakeScenario
) -> None:
    scenario = await manual_scenario(execution_timeout="86400")
    execution = await scenario.start()
    await scenario.decide(decision("StartTimer", timerId="hour", startToFireTimeout="3600"))
    manual.clock.advance(3599)  # type: ignore[attr-defined]
    assert "TimerFired" not in await scenario.types(execution)
    manual.clock.advance(1)  # type: ignore[attr-defined]
    events = await scenario.history(execution)
    assert event_types(events)[-2:] == ["TimerFired", "DecisionTaskScheduled"]
    assert _last(events, "TimerFired") == {"timerId": "hour", "startedEventId": 5}


async def test_a_canceled_timer_never_fires(manual: LocalSWF, manual_scenario: MakeScenario) -> None:
    scenario = await manual_scenario()
    execution = await scenario.start()
    await scenario.decide(decision("StartTimer", timerId="t", startToFireTimeout="10"))
    await scenario.signal(execution)
    await scenario.decide(decision("CancelTimer", timerId="t"))
    manual.clock.advance(60)  # type: ignore[attr-defined]
    assert "TimerFired" not in await scenario.types(execution)


async def test_an_execution_times_out_and_its_parent_hears_of_it(
    manual: LocalSWF, manual_scenario: MakeScenario
) -> None:
    scenario = await manual_scenario(execution_timeout="100")
    parent = await scenario.start(executionStartToCloseTimeout="1000")
    await scenario.decide(
        decision(
            "StartChildWorkflowExecution",
            workflowType=scenario.workflow_type,
            workflowId="kid",
            taskList={"name": "kids"},
        )
    )
    manual.clock.advance(100)  # type: ignore[attr-defined]
    child = _last(await scenario.history(parent), "ChildWorkflowExecutionTimedOut")
    assert child["timeoutType"] == "START_TO_CLOSE"
    child_events = await scenario.history(child["workflowExecution"])
    assert _last(child_events, "WorkflowExecutionTimedOut") == {
        "timeoutType": "START_TO_CLOSE",
        "childPolicy": "TERMINATE",
    }
    manual.clock.advance(900)  # type: ignore[attr-defined]
    assert (await scenario.describe(parent))["executionInfo"]["closeStatus"] == "TIMED_OUT"


async def test_a_timed_out_parent_applies_its_child_policy(
    manual: LocalSWF, manual_scenario: MakeScenario
) -> None:
    scenario = await manual_scenario()
    parent = await scenario.start(executionStartToCloseTimeout="50")
    await scenario.decide(
        decision("StartChildWorkflowExecution", workflowType=scenario.workflow_type, workflowId="kid")
    )
    child = _last(await scenario.history(parent), "ChildWorkflowExecutionStarted")["workflowExecution"]
    manual.clock.advance(50)  # type: ignore[attr-defined]
    assert (
        _last(await scenario.history(child), "WorkflowExecutionTerminated")["cause"] == "CHILD_POLICY_APPLIED"
    )


async def test_a_decision_task_times_out_and_is_rescheduled(
    manual: LocalSWF, manual_scenario: MakeScenario
) -> None:
    scenario = await manual_scenario(task_timeout="30")
    execution = await scenario.start()
    task = await scenario.poll_decision()
    manual.clock.advance(30)  # type: ignore[attr-defined]
    events = await scenario.history(execution)
    assert event_types(events)[-2:] == ["DecisionTaskTimedOut", "DecisionTaskScheduled"]
    assert _last(events, "DecisionTaskTimedOut") == {
        "timeoutType": "START_TO_CLOSE",
        "scheduledEventId": 2,
        "startedEventId": 3,
    }
    with pytest.raises(scenario.client.exceptions.UnknownResourceFault):
        await scenario.client.respond_decision_task_completed(taskToken=task["taskToken"], decisions=[])
    assert (await scenario.poll_decision())["taskToken"]


async def test_a_task_list_override_with_a_timeout_reverts_when_nobody_polls(
    manual: LocalSWF, manual_scenario: MakeScenario
) -> None:
    scenario = await manual_scenario()
    execution = await scenario.start()
    await scenario.decide(
        decision("StartTimer", timerId="t", startToFireTimeout="1"),
        taskList={"name": "nobody"},
        taskListScheduleToStartTimeout="20",
    )
    manual.clock.advance(1)  # type: ignore[attr-defined]
    manual.clock.advance(20)  # type: ignore[attr-defined]
    events = await scenario.history(execution)
    assert _last(events, "DecisionTaskTimedOut")["timeoutType"] == "SCHEDULE_TO_START"
    assert _last(events, "DecisionTaskScheduled")["taskList"] == {"name": scenario.decisions}
    assert (await scenario.poll_decision())["taskToken"]


@pytest.mark.parametrize(
    ("timeouts", "poll", "beat", "advance", "kind"),
    [
        (("10", "100", "100", "NONE"), False, False, 10, "SCHEDULE_TO_START"),
        (("100", "20", "100", "NONE"), True, False, 20, "SCHEDULE_TO_CLOSE"),
        (("100", "200", "30", "NONE"), True, False, 30, "START_TO_CLOSE"),
        (("100", "200", "100", "5"), True, True, 5, "HEARTBEAT"),
    ],
)
async def test_each_activity_timeout(
    manual: LocalSWF,
    manual_scenario: MakeScenario,
    timeouts: tuple[str, str, str, str],
    poll: bool,
    beat: bool,
    advance: int,
    kind: str,
) -> None:
    scenario = await manual_scenario(activity_timeouts=timeouts)
    execution = await scenario.start()
    await scenario.decide(scenario.schedule("a1"))
    task = await scenario.poll_activity() if poll else None
    if beat and task is not None:
        manual.clock.advance(advance - 1)  # type: ignore[attr-defined]
        await scenario.client.record_activity_task_heartbeat(taskToken=task["taskToken"], details="progress")
    manual.clock.advance(advance - 1)  # type: ignore[attr-defined]
    assert "ActivityTaskTimedOut" not in await scenario.types(execution)
    manual.clock.advance(1)  # type: ignore[attr-defined]
    events = await scenario.history(execution)
    timed_out = _last(events, "ActivityTaskTimedOut")
    assert timed_out["timeoutType"] == kind
    assert timed_out["startedEventId"] == (6 if poll else 0)
    if beat:
        assert timed_out["details"] == "progress"
    assert events[-1]["eventType"] == "DecisionTaskScheduled"
    if task is not None:
        with pytest.raises(scenario.client.exceptions.UnknownResourceFault):
            await scenario.client.respond_activity_task_completed(taskToken=task["taskToken"])


async def test_closed_executions_are_forgotten_after_the_retention_period(
    manual: LocalSWF, manual_scenario: MakeScenario
) -> None:
    scenario = await manual_scenario(retention="2")
    execution = await scenario.start()
    await scenario.client.terminate_workflow_execution(
        domain=scenario.domain, workflowId=execution["workflowId"]
    )
    manual.clock.advance(2 * 86400 - 1)  # type: ignore[attr-defined]
    assert (await scenario.describe(execution))["executionInfo"]["closeStatus"] == "TERMINATED"
    manual.clock.advance(1)  # type: ignore[attr-defined]
    with pytest.raises(scenario.client.exceptions.UnknownResourceFault):
        await scenario.describe(execution)
    listed = await scenario.client.list_closed_workflow_executions(
        domain=scenario.domain, startTimeFilter={"oldestDate": 0}
    )
    assert listed["executionInfos"] == []


async def test_a_retention_of_zero_days_forgets_at_close(
    manual: LocalSWF, manual_scenario: MakeScenario
) -> None:
    scenario = await manual_scenario(retention="0")
    execution = await scenario.start()
    await scenario.client.terminate_workflow_execution(
        domain=scenario.domain, workflowId=execution["workflowId"]
    )
    manual.clock.advance(0)  # type: ignore[attr-defined]
    with pytest.raises(scenario.client.exceptions.UnknownResourceFault):
        await scenario.describe(execution)


async def test_timestamps_follow_the_driven_clock(manual: LocalSWF, manual_scenario: MakeScenario) -> None:
    scenario = await manual_scenario()
    manual.clock.advance(86400 * 365)  # type: ignore[attr-defined]
    execution = await scenario.start()
    started = (await scenario.describe(execution))["executionInfo"]["startTimestamp"]
    assert started.timestamp() == pytest.approx(manual.clock.now(), abs=0.01)


async def test_an_autojump_clock_fires_a_one_hour_timer_in_milliseconds(
    autojump: tuple[LocalSWF, Any],
) -> None:
    local, client = autojump
    scenario = await Scenario(client).setup(execution_timeout="86400")
    execution = await scenario.start()
    await scenario.decide(decision("StartTimer", timerId="hour", startToFireTimeout="3600"))
    before, started = local.clock.now(), time.perf_counter()
    task = await scenario.poll_decision()
    assert time.perf_counter() - started < 1.0
    assert "TimerFired" in event_types(task["events"])
    assert local.clock.now() - before >= 3590
    assert task["workflowExecution"] == execution


def test_a_manual_clock_drives_a_server_in_a_thread() -> None:
    clock = ManualClock()
    with LocalSWFThread(clock=clock, poll_wait=2) as local:
        client = boto3.client(
            "swf",
            endpoint_url=local.endpoint_url,
            region_name="us-east-1",
            aws_access_key_id="x",
            aws_secret_access_key="x",
        )
        client.register_domain(name="d", workflowExecutionRetentionPeriodInDays="1")
        client.register_workflow_type(
            domain="d",
            name="w",
            version="1",
            defaultTaskList={"name": "l"},
            defaultChildPolicy="ABANDON",
            defaultExecutionStartToCloseTimeout="9999",
            defaultTaskStartToCloseTimeout="60",
        )
        client.start_workflow_execution(
            domain="d", workflowId="w", workflowType={"name": "w", "version": "1"}
        )
        task = client.poll_for_decision_task(domain="d", taskList={"name": "l"})
        client.respond_decision_task_completed(
            taskToken=task["taskToken"],
            decisions=[decision("StartTimer", timerId="t", startToFireTimeout="600")],
        )
        clock.advance(600)
        task = client.poll_for_decision_task(domain="d", taskList={"name": "l"})
        assert "TimerFired" in event_types(task["events"])
        client.close()


async def test_an_autojump_clock_times_out_an_activity_nobody_polls_for(
    autojump: tuple[LocalSWF, Any],
) -> None:
    _, client = autojump
    scenario = await Scenario(client).setup(
        execution_timeout="86400", activity_timeouts=("3600", "7200", "300", "NONE")
    )
    await scenario.start()
    await scenario.decide(scenario.schedule("a1"))
    task = await scenario.poll_decision()
    assert _last(task["events"], "ActivityTaskTimedOut")["timeoutType"] == "SCHEDULE_TO_START"


async def test_an_autojump_clock_waits_for_a_poller_that_will_come_back(
    autojump: tuple[LocalSWF, Any],
) -> None:
    _, client = autojump
    scenario = await Scenario(client).setup(
        execution_timeout="86400", activity_timeouts=("3600", "7200", "300", "NONE")
    )
    execution = await scenario.start()
    task = await scenario.poll_decision()  # a task out with a decider holds the clock
    assert "taskToken" not in await scenario.poll_activity()
    await client.respond_decision_task_completed(
        taskToken=task["taskToken"], decisions=[scenario.schedule("a1")]
    )
    await asyncio.sleep(0.3)
    assert "ActivityTaskTimedOut" not in await scenario.types(execution)
    assert (await scenario.poll_activity())["taskToken"]


async def test_a_history_of_25000_events_gets_its_execution_terminated(
    manual: LocalSWF, manual_scenario: MakeScenario
) -> None:
    scenario = await manual_scenario()
    execution = await scenario.start()
    for _ in range(25_000 - 2):
        manual.engine.call_now(
            "SignalWorkflowExecution",
            {"domain": scenario.domain, "workflowId": execution["workflowId"], "signalName": "s"},
        )
    manual.clock.advance(0)  # type: ignore[attr-defined]
    info = (await scenario.describe(execution))["executionInfo"]
    assert info["closeStatus"] == "TERMINATED"
    last = (
        await scenario.client.get_workflow_execution_history(
            domain=scenario.domain, execution=execution, reverseOrder=True, maximumPageSize=1
        )
    )["events"][0]
    assert last["eventId"] == 25_001
    assert attributes(last)["cause"] == "EVENT_LIMIT_EXCEEDED"


async def test_an_autojump_clock_keeps_a_closed_execution_readable(autojump: tuple[LocalSWF, Any]) -> None:
    local, client = autojump
    scenario = await Scenario(client).setup(execution_timeout="86400", retention="1")
    execution = await scenario.start()
    await scenario.decide(decision("CompleteWorkflowExecution", result="done"))
    before = local.clock.now()
    await asyncio.sleep(0.3)  # thirty times the clock's threshold of quiet
    events = await scenario.history(execution)
    assert events[-1]["eventType"] == "WorkflowExecutionCompleted"
    assert attributes(events[-1])["result"] == "done"
    assert local.clock.now() - before < 60, "retention alone must not drag the clock forward"


async def test_an_autojump_clock_forgets_closed_executions_once_it_jumps_past_their_retention(
    autojump: tuple[LocalSWF, Any],
) -> None:
    _, client = autojump
    scenario = await Scenario(client).setup(execution_timeout=str(3 * 86400), retention="1")
    first = await scenario.start()
    await client.terminate_workflow_execution(domain=scenario.domain, workflowId=first["workflowId"])
    await scenario.start()
    await scenario.decide(decision("StartTimer", timerId="two-days", startToFireTimeout=str(2 * 86400)))
    task = await scenario.poll_decision()
    assert "TimerFired" in event_types(task["events"])
    with pytest.raises(client.exceptions.UnknownResourceFault):
        await scenario.describe(first)
