"""Fault messages in SWF's own words (as captured from AWS), and never quoting a task token."""

from __future__ import annotations

from typing import Any

import botocore.exceptions
import pytest
from raw_http import read_response, request
from swf_scenario import Scenario, decision

from aioswf.local import LocalSWF


async def _raw(local: LocalSWF, operation: str, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    import asyncio

    reader, writer = await asyncio.open_connection(local.host, local.port)
    try:
        writer.write(request(operation, params))
        response = await read_response(reader)
    finally:
        writer.close()
        await writer.wait_closed()
    assert response is not None
    return response.status, response.json()


async def _error(call: Any) -> dict[str, Any]:
    with pytest.raises(botocore.exceptions.ClientError) as caught:
        await call
    error: dict[str, Any] = caught.value.response["Error"]
    return error


async def test_a_missing_decision_member_is_reported_in_swf_words(
    local: LocalSWF, scenario: Scenario
) -> None:
    await scenario.start()
    task = await scenario.poll_decision()
    status, body = await _raw(
        local,
        "RespondDecisionTaskCompleted",
        {
            "taskToken": task["taskToken"],
            "decisions": [
                {
                    "decisionType": "ScheduleActivityTask",
                    "scheduleActivityTaskDecisionAttributes": {"activityType": scenario.activity_type},
                }
            ],
        },
    )
    assert status == 400
    assert body["__type"].endswith("#ValidationException")
    assert body["message"] == (
        "1 validation error detected: Value null at "
        "'decisions.1.member.scheduleActivityTaskDecisionAttributes.activityId' "
        "failed to satisfy constraint: Member must not be null"
    )


async def test_several_validation_errors_are_counted_and_joined(local: LocalSWF) -> None:
    status, body = await _raw(
        local, "ListDomains", {"registrationStatus": "SOMETIMES", "maximumPageSize": 5000}
    )
    assert status == 400
    message = body["message"]
    assert message.startswith("2 validation errors detected: ")
    parts = message.removeprefix("2 validation errors detected: ").split("; ")
    assert sorted(parts) == [
        "Value '5000' at 'maximumPageSize' failed to satisfy constraint: "
        "Member must have value less than or equal to 1000",
        "Value 'SOMETIMES' at 'registrationStatus' failed to satisfy constraint: "
        "Member must satisfy enum value set: [REGISTERED, DEPRECATED]",
    ]


async def test_a_member_too_long_is_reported_with_its_limit(local: LocalSWF) -> None:
    status, body = await _raw(local, "DescribeDomain", {"name": "x" * 300})
    assert status == 400
    assert body["message"] == (
        f"1 validation error detected: Value '{'x' * 300}' at 'name' failed to satisfy constraint: "
        "Member must have length less than or equal to 256"
    )


async def test_a_token_of_a_closed_execution_names_the_execution(scenario: Scenario) -> None:
    execution = await scenario.start()
    await scenario.decide(scenario.schedule("a1"))
    activity = await scenario.poll_activity()
    await scenario.client.terminate_workflow_execution(
        domain=scenario.domain, workflowId=execution["workflowId"]
    )
    error = await _error(scenario.client.respond_activity_task_completed(taskToken=activity["taskToken"]))
    assert error["Code"] == "UnknownResourceFault"
    assert error["Message"] == (
        f"Unknown execution: WorkflowExecution=[workflowId={execution['workflowId']}, runId={execution['runId']}]"
    )


async def test_a_token_of_an_answered_activity_names_its_scheduled_event(scenario: Scenario) -> None:
    await scenario.start()
    await scenario.decide(scenario.schedule("a1"))
    activity = await scenario.poll_activity()
    await scenario.client.respond_activity_task_completed(taskToken=activity["taskToken"])
    scheduled = 5  # started, scheduled, started, completed, then ActivityTaskScheduled
    for call in (
        scenario.client.respond_activity_task_completed,
        scenario.client.record_activity_task_heartbeat,
    ):
        error = await _error(call(taskToken=activity["taskToken"]))
        assert error["Code"] == "UnknownResourceFault"
        assert error["Message"] == f"Unknown activity, scheduledEventId = {scheduled}"


async def test_an_unknown_execution_without_a_run_id_is_named_by_workflow_id(scenario: Scenario) -> None:
    error = await _error(
        scenario.client.signal_workflow_execution(domain=scenario.domain, workflowId="ghost", signalName="s")
    )
    assert error["Message"] == "Unknown execution, workflowId = ghost"
    error = await _error(
        scenario.client.terminate_workflow_execution(domain=scenario.domain, workflowId="ghost", runId="r1")
    )
    assert error["Message"] == "Unknown execution: WorkflowExecution=[workflowId=ghost, runId=r1]"


async def test_no_fault_message_quotes_a_task_token(local: LocalSWF, scenario: Scenario) -> None:
    await scenario.start()
    task = await scenario.poll_decision()
    token = task["taskToken"]
    await scenario.client.respond_decision_task_completed(
        taskToken=token, decisions=[scenario.schedule("a1")]
    )
    activity = await scenario.poll_activity()
    tokens = [token, activity["taskToken"], "not-a-token-at-all-really", token[::-1]]
    messages = []
    for candidate in tokens:
        for operation, extra in (
            ("RespondDecisionTaskCompleted", {"decisions": [decision("RecordMarker", markerName="m")]}),
            ("RespondActivityTaskCompleted", {}),
            ("RecordActivityTaskHeartbeat", {}),
            ("RespondActivityTaskFailed", {}),
            ("RespondActivityTaskCanceled", {}),
        ):
            status, body = await _raw(local, operation, {"taskToken": candidate, **extra})
            if status != 200:
                messages.append(body["message"])
    assert len(messages) >= len(tokens) * 4
    for message in messages:
        for candidate in tokens:
            assert not any(candidate[i : i + 8] in message for i in range(len(candidate) - 7)), message
