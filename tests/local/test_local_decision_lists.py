"""A decision list is checked whole before anything is applied, and applied all at once."""

from __future__ import annotations

from typing import Any

import botocore.exceptions
import pytest
from swf_scenario import Scenario, attributes, decision, event_types

from aioswf.local import LocalSWF


async def _refused(scenario: Scenario, token: str, decisions: list[dict[str, Any]]) -> str:
    with pytest.raises(botocore.exceptions.ClientError) as caught:
        await scenario.client.respond_decision_task_completed(taskToken=token, decisions=decisions)
    error = caught.value.response["Error"]
    assert error["Code"] == "ValidationException"
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    return str(error["Message"])


async def test_a_wrong_activity_priority_refuses_the_whole_list_and_records_nothing(
    manual: LocalSWF, manual_scenario: Any
) -> None:
    scenario: Scenario = await manual_scenario()
    execution = await scenario.start()
    task = await scenario.poll_decision()
    before = await scenario.history(execution)
    message = await _refused(scenario, task["taskToken"], [scenario.schedule("a1", taskPriority="high")])
    assert "taskPriority" in message
    assert await scenario.history(execution) == before
    assert (await scenario.describe(execution))["openCounts"]["openActivityTasks"] == 0
    # The decision task is still the decider's: a valid answer goes through.
    await scenario.client.respond_decision_task_completed(
        taskToken=task["taskToken"], decisions=[scenario.schedule("a1", taskPriority="-7")]
    )
    manual.clock.advance(3600)  # type: ignore[attr-defined]  # past the decision task's own timeout
    events = await scenario.history(execution)
    assert "DecisionTaskTimedOut" not in event_types(events)
    scheduled = [attributes(e) for e in events if e["eventType"] == "ActivityTaskScheduled"]
    assert [s["taskPriority"] for s in scheduled] == ["-7"]


@pytest.mark.parametrize("priority", ["2147483648", "-2147483649", "1.5", "", " 3", "²"])
async def test_activity_priorities_outside_the_integer_range_are_refused(
    scenario: Scenario, priority: str
) -> None:
    await scenario.start()
    task = await scenario.poll_decision()
    await _refused(scenario, task["taskToken"], [scenario.schedule("a1", taskPriority=priority)])


@pytest.mark.parametrize("priority", ["2147483647", "-2147483648", "0", "+5"])
async def test_activity_priorities_in_the_integer_range_are_accepted(
    scenario: Scenario, priority: str
) -> None:
    execution = await scenario.start()
    await scenario.decide(scenario.schedule("a1", taskPriority=priority))
    assert "ActivityTaskScheduled" in await scenario.types(execution)


async def test_a_bad_decision_late_in_the_list_leaves_the_earlier_ones_unapplied(scenario: Scenario) -> None:
    execution = await scenario.start()
    task = await scenario.poll_decision()
    before = await scenario.history(execution)
    decisions = [
        scenario.schedule("a1"),
        decision("StartTimer", timerId="t", startToFireTimeout="60"),
        decision("RecordMarker", markerName="m"),
        decision("StartTimer", timerId="t2", startToFireTimeout="soon"),
    ]
    await _refused(scenario, task["taskToken"], decisions)
    assert await scenario.history(execution) == before
    counts = (await scenario.describe(execution))["openCounts"]
    assert (counts["openActivityTasks"], counts["openTimers"]) == (0, 0)
    assert "taskToken" not in await scenario.poll_activity()


async def test_an_activity_priority_registered_as_a_default_is_checked(scenario: Scenario) -> None:
    with pytest.raises(botocore.exceptions.ClientError) as caught:
        await scenario.client.register_activity_type(
            domain=scenario.domain, name="prio", version="1", defaultTaskPriority="urgent"
        )
    assert caught.value.response["Error"]["Code"] == "ValidationException"


async def test_a_child_may_run_without_an_execution_timeout(scenario: Scenario) -> None:
    execution = await scenario.start()
    await scenario.decide(
        decision(
            "StartChildWorkflowExecution",
            workflowType=scenario.workflow_type,
            workflowId="kid",
            executionStartToCloseTimeout="NONE",
        )
    )
    events = await scenario.history(execution)
    initiated = next(e for e in events if e["eventType"] == "StartChildWorkflowExecutionInitiated")
    assert attributes(initiated)["executionStartToCloseTimeout"] == "NONE"
    assert "ChildWorkflowExecutionStarted" in event_types(events)
    child = next(e for e in events if e["eventType"] == "ChildWorkflowExecutionStarted")
    described = await scenario.describe(attributes(child)["workflowExecution"])
    assert described["executionConfiguration"]["executionStartToCloseTimeout"] == "NONE"


async def test_continue_as_new_may_run_without_an_execution_timeout(scenario: Scenario) -> None:
    execution = await scenario.start()
    await scenario.decide(decision("ContinueAsNewWorkflowExecution", executionStartToCloseTimeout="NONE"))
    events = await scenario.history(execution)
    continued = attributes(events[-1])
    assert events[-1]["eventType"] == "WorkflowExecutionContinuedAsNew"
    assert continued["executionStartToCloseTimeout"] == "NONE"
    new_run = {"workflowId": execution["workflowId"], "runId": continued["newExecutionRunId"]}
    started = attributes((await scenario.history(new_run))[0])
    assert started["executionStartToCloseTimeout"] == "NONE"


async def test_a_start_still_refuses_an_unlimited_execution_timeout(scenario: Scenario) -> None:
    with pytest.raises(botocore.exceptions.ClientError) as caught:
        await scenario.start(executionStartToCloseTimeout="NONE")
    assert caught.value.response["Error"]["Code"] == "ValidationException"
