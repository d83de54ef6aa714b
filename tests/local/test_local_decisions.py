"""The 13 decisions, the events SWF records for each, and the failure events of each."""

from __future__ import annotations

from typing import Any

import pytest
from swf_scenario import Scenario, attributes, decision, event_types


def _last(events: list[dict[str, Any]], event_type: str) -> dict[str, Any]:
    return attributes([e for e in events if e["eventType"] == event_type][-1])


async def test_schedule_activity_task_records_resolved_timeouts_and_defaults(scenario: Scenario) -> None:
    execution = await scenario.start()
    await scenario.decide(
        scenario.schedule("a1", control="c", scheduleToCloseTimeout="900", taskPriority="3")
    )
    scheduled = _last(await scenario.history(execution), "ActivityTaskScheduled")
    assert scheduled == {
        "activityType": scenario.activity_type,
        "activityId": "a1",
        "control": "c",
        "taskList": {"name": scenario.activities},
        "taskPriority": "3",
        "scheduleToStartTimeout": "300",
        "scheduleToCloseTimeout": "900",
        "startToCloseTimeout": "300",
        "heartbeatTimeout": "NONE",
        "decisionTaskCompletedEventId": 4,
    }


@pytest.mark.parametrize(
    ("setup", "cause"),
    [
        ("missing", "ACTIVITY_TYPE_DOES_NOT_EXIST"),
        ("deprecated", "ACTIVITY_TYPE_DEPRECATED"),
        ("duplicate", "ACTIVITY_ID_ALREADY_IN_USE"),
        ("no-defaults", "DEFAULT_TASK_LIST_UNDEFINED"),
    ],
)
async def test_schedule_activity_task_failures_name_their_cause(
    scenario: Scenario, setup: str, cause: str
) -> None:
    client = scenario.client
    activity_type = {"name": "other", "version": "1"}
    decisions = [decision("ScheduleActivityTask", activityType=activity_type, activityId="a1")]
    if setup == "deprecated":
        await client.register_activity_type(
            domain=scenario.domain, **activity_type, defaultTaskList={"name": "x"}
        )
        await client.deprecate_activity_type(domain=scenario.domain, activityType=activity_type)
    elif setup == "duplicate":
        decisions = [scenario.schedule("a1"), scenario.schedule("a1")]
    elif setup == "no-defaults":
        await client.register_activity_type(domain=scenario.domain, **activity_type)
    execution = await scenario.start()
    await scenario.decide(*decisions)
    failed = _last(await scenario.history(execution), "ScheduleActivityTaskFailed")
    assert failed["cause"] == cause
    assert failed["activityId"] == "a1"
    task = await scenario.poll_decision()
    assert task["taskToken"], "a failed decision schedules a new decision task"


async def test_an_activity_id_is_reusable_once_the_activity_closed(scenario: Scenario) -> None:
    execution = await scenario.start()
    await scenario.decide(scenario.schedule("a1"))
    task = await scenario.poll_activity()
    await scenario.client.respond_activity_task_failed(taskToken=task["taskToken"], reason="r", details="d")
    await scenario.decide(scenario.schedule("a1"))
    events = await scenario.history(execution)
    assert _last(events, "ActivityTaskFailed")["reason"] == "r"
    assert event_types(events).count("ActivityTaskScheduled") == 2


async def test_a_stale_task_token_is_an_unknown_resource(scenario: Scenario) -> None:
    await scenario.start()
    task = await scenario.decide(scenario.schedule("a1"))
    with pytest.raises(scenario.client.exceptions.UnknownResourceFault):
        await scenario.client.respond_decision_task_completed(taskToken=task["taskToken"], decisions=[])
    activity = await scenario.poll_activity()
    await scenario.client.respond_activity_task_completed(taskToken=activity["taskToken"])
    with pytest.raises(scenario.client.exceptions.UnknownResourceFault):
        await scenario.client.respond_activity_task_completed(taskToken=activity["taskToken"])
    with pytest.raises(scenario.client.exceptions.UnknownResourceFault):
        await scenario.client.record_activity_task_heartbeat(taskToken=activity["taskToken"])


async def test_cancelling_a_scheduled_activity_cancels_it_at_once(scenario: Scenario) -> None:
    execution = await scenario.start()
    await scenario.decide(scenario.schedule("a1"))
    await scenario.signal(execution)
    await scenario.decide(decision("RequestCancelActivityTask", activityId="a1"))
    events = await scenario.history(execution)
    requested = next(e for e in events if e["eventType"] == "ActivityTaskCancelRequested")
    assert _last(events, "ActivityTaskCanceled") == {
        "scheduledEventId": 5,
        "startedEventId": 0,
        "latestCancelRequestedEventId": requested["eventId"],
    }
    assert "taskToken" not in await scenario.poll_activity()


async def test_cancelling_a_started_activity_reaches_its_heartbeat(scenario: Scenario) -> None:
    execution = await scenario.start()
    await scenario.decide(scenario.schedule("a1"))
    task = await scenario.poll_activity()
    assert (await scenario.client.record_activity_task_heartbeat(taskToken=task["taskToken"]))[
        "cancelRequested"
    ] is False
    await scenario.signal(execution)
    await scenario.decide(decision("RequestCancelActivityTask", activityId="a1"))
    beat = await scenario.client.record_activity_task_heartbeat(taskToken=task["taskToken"], details="half")
    assert beat["cancelRequested"] is True
    await scenario.client.respond_activity_task_canceled(taskToken=task["taskToken"], details="undone")
    canceled = _last(await scenario.history(execution), "ActivityTaskCanceled")
    assert canceled["details"] == "undone"
    assert canceled["latestCancelRequestedEventId"] > 0


async def test_cancelling_an_unknown_activity_fails(scenario: Scenario) -> None:
    execution = await scenario.start()
    await scenario.decide(decision("RequestCancelActivityTask", activityId="ghost"))
    assert (
        _last(await scenario.history(execution), "RequestCancelActivityTaskFailed")["cause"]
        == "ACTIVITY_ID_UNKNOWN"
    )


@pytest.mark.parametrize(
    ("decision_type", "attrs", "event_type", "close_status"),
    [
        ("CompleteWorkflowExecution", {"result": "r"}, "WorkflowExecutionCompleted", "COMPLETED"),
        ("FailWorkflowExecution", {"reason": "why", "details": "d"}, "WorkflowExecutionFailed", "FAILED"),
        ("CancelWorkflowExecution", {"details": "d"}, "WorkflowExecutionCanceled", "CANCELED"),
    ],
)
async def test_close_decisions_close_the_execution(
    scenario: Scenario, decision_type: str, attrs: dict[str, str], event_type: str, close_status: str
) -> None:
    execution = await scenario.start()
    await scenario.decide(decision(decision_type, **attrs))
    events = await scenario.history(execution)
    assert events[-1]["eventType"] == event_type
    assert attributes(events[-1]) == {**attrs, "decisionTaskCompletedEventId": 4}
    assert (await scenario.describe(execution))["executionInfo"]["closeStatus"] == close_status


@pytest.mark.parametrize(
    "decision_type",
    [
        "CompleteWorkflowExecution",
        "FailWorkflowExecution",
        "CancelWorkflowExecution",
        "ContinueAsNewWorkflowExecution",
    ],
)
async def test_a_close_decision_fails_while_events_are_unhandled(
    scenario: Scenario, decision_type: str
) -> None:
    execution = await scenario.start()
    task = await scenario.poll_decision()
    await scenario.client.signal_workflow_execution(
        domain=scenario.domain, workflowId=execution["workflowId"], signalName="late"
    )
    await scenario.client.respond_decision_task_completed(
        taskToken=task["taskToken"], decisions=[decision(decision_type)]
    )
    events = await scenario.history(execution)
    failed_type = decision_type.replace("WorkflowExecution", "") + "WorkflowExecutionFailed"
    assert _last(events, failed_type)["cause"] == "UNHANDLED_DECISION"
    assert events[-1]["eventType"] == "DecisionTaskScheduled"
    assert (await scenario.describe(execution))["executionInfo"]["executionStatus"] == "OPEN"


async def test_continue_as_new_closes_the_run_and_starts_the_next(scenario: Scenario) -> None:
    execution = await scenario.start(tagList=["keep"])
    await scenario.decide(decision("ContinueAsNewWorkflowExecution", input="again"))
    events = await scenario.history(execution)
    continued = attributes(events[-1])
    assert events[-1]["eventType"] == "WorkflowExecutionContinuedAsNew"
    assert continued["input"] == "again"
    assert continued["tagList"] == ["keep"]
    new_run = {"workflowId": execution["workflowId"], "runId": continued["newExecutionRunId"]}
    started = attributes((await scenario.history(new_run))[0])
    assert started["continuedExecutionRunId"] == execution["runId"]
    assert started["input"] == "again"
    assert (await scenario.describe(execution))["executionInfo"]["closeStatus"] == "CONTINUED_AS_NEW"
    assert (await scenario.describe(new_run))["executionInfo"]["executionStatus"] == "OPEN"


async def test_continue_as_new_to_an_unknown_version_fails(scenario: Scenario) -> None:
    execution = await scenario.start()
    await scenario.decide(decision("ContinueAsNewWorkflowExecution", workflowTypeVersion="9"))
    failed = _last(await scenario.history(execution), "ContinueAsNewWorkflowExecutionFailed")
    assert failed["cause"] == "WORKFLOW_TYPE_DOES_NOT_EXIST"


async def test_record_marker(scenario: Scenario) -> None:
    execution = await scenario.start()
    await scenario.decide(decision("RecordMarker", markerName="m", details="d"))
    assert _last(await scenario.history(execution), "MarkerRecorded") == {
        "markerName": "m",
        "details": "d",
        "decisionTaskCompletedEventId": 4,
    }


async def test_timers_start_cancel_and_fail_on_reuse_or_unknown_ids(scenario: Scenario) -> None:
    execution = await scenario.start()
    await scenario.decide(
        decision("StartTimer", timerId="t", startToFireTimeout="60", control="c"),
        decision("StartTimer", timerId="t", startToFireTimeout="60"),
    )
    await scenario.decide(decision("CancelTimer", timerId="t"), decision("CancelTimer", timerId="t"))
    events = await scenario.history(execution)
    assert _last(events, "TimerStarted")["control"] == "c"
    assert _last(events, "StartTimerFailed")["cause"] == "TIMER_ID_ALREADY_IN_USE"
    assert _last(events, "TimerCanceled")["timerId"] == "t"
    assert _last(events, "CancelTimerFailed")["cause"] == "TIMER_ID_UNKNOWN"


async def test_a_signal_to_another_execution_is_recorded_on_both_sides(scenario: Scenario) -> None:
    target = await scenario.start()
    await scenario.decide()
    source = await scenario.start()
    await scenario.decide(
        decision(
            "SignalExternalWorkflowExecution", workflowId=target["workflowId"], signalName="hey", input="i"
        ),
        decision("SignalExternalWorkflowExecution", workflowId="nobody", signalName="hey", control="c"),
    )
    target_signal = _last(await scenario.history(target), "WorkflowExecutionSignaled")
    assert target_signal["externalWorkflowExecution"] == source
    source_events = await scenario.history(source)
    assert _last(source_events, "ExternalWorkflowExecutionSignaled")["workflowExecution"] == target
    failed = _last(source_events, "SignalExternalWorkflowExecutionFailed")
    assert (failed["cause"], failed["control"]) == ("UNKNOWN_EXTERNAL_WORKFLOW_EXECUTION", "c")


async def test_a_cancel_request_to_another_execution_is_recorded_on_both_sides(scenario: Scenario) -> None:
    target = await scenario.start()
    await scenario.decide()
    source = await scenario.start()
    await scenario.decide(
        decision("RequestCancelExternalWorkflowExecution", workflowId=target["workflowId"]),
        decision("RequestCancelExternalWorkflowExecution", workflowId="nobody"),
    )
    requested = _last(await scenario.history(target), "WorkflowExecutionCancelRequested")
    assert requested["externalWorkflowExecution"] == source
    assert (await scenario.describe(target))["executionInfo"]["cancelRequested"] is True
    source_events = await scenario.history(source)
    assert _last(source_events, "ExternalWorkflowExecutionCancelRequested")["workflowExecution"] == target
    assert _last(source_events, "RequestCancelExternalWorkflowExecutionFailed")["workflowId"] == "nobody"


async def test_a_child_starts_and_its_completion_reaches_the_parent(scenario: Scenario) -> None:
    parent = await scenario.start()
    await scenario.decide(
        decision(
            "StartChildWorkflowExecution",
            workflowType=scenario.workflow_type,
            workflowId="kid",
            input="k",
            taskList={"name": "kids"},
        )
    )
    parent_events = await scenario.history(parent)
    started = _last(parent_events, "ChildWorkflowExecutionStarted")
    child = started["workflowExecution"]
    child_started = attributes((await scenario.history(child))[0])
    assert child_started["parentWorkflowExecution"] == parent
    assert child_started["parentInitiatedEventId"] == started["initiatedEventId"]
    assert (await scenario.describe(parent))["openCounts"]["openChildWorkflowExecutions"] == 1
    await scenario.decide(decision("CompleteWorkflowExecution", result="kid-done"), task_list="kids")
    completed = _last(await scenario.history(parent), "ChildWorkflowExecutionCompleted")
    assert completed["result"] == "kid-done"
    assert completed["workflowExecution"] == child
    assert (await scenario.describe(child))["executionInfo"]["parent"] == parent


@pytest.mark.parametrize(
    ("closing", "child_event"),
    [
        (decision("FailWorkflowExecution", reason="r"), "ChildWorkflowExecutionFailed"),
        (decision("CancelWorkflowExecution"), "ChildWorkflowExecutionCanceled"),
        (None, "ChildWorkflowExecutionTerminated"),
    ],
)
async def test_every_child_close_reaches_the_parent(
    scenario: Scenario, closing: Any, child_event: str
) -> None:
    parent = await scenario.start()
    await scenario.decide(
        decision(
            "StartChildWorkflowExecution",
            workflowType=scenario.workflow_type,
            workflowId="kid",
            taskList={"name": "kids"},
        )
    )
    if closing is None:
        await scenario.client.terminate_workflow_execution(domain=scenario.domain, workflowId="kid")
    else:
        await scenario.decide(closing, task_list="kids")
    assert child_event in await scenario.types(parent)


async def test_starting_a_child_that_runs_already_fails(scenario: Scenario) -> None:
    await scenario.start("busy")
    parent = await scenario.start()
    await scenario.client.poll_for_decision_task(
        domain=scenario.domain, taskList={"name": scenario.decisions}
    )
    await scenario.decide(
        decision("StartChildWorkflowExecution", workflowType=scenario.workflow_type, workflowId="busy")
    )
    events = await scenario.history(parent)
    failed = _last(events, "StartChildWorkflowExecutionFailed")
    assert failed["cause"] == "WORKFLOW_ALREADY_RUNNING"
    assert (
        failed["initiatedEventId"]
        == next(e for e in events if e["eventType"] == "StartChildWorkflowExecutionInitiated")["eventId"]
    )


async def test_starting_a_child_of_an_unknown_type_fails(scenario: Scenario) -> None:
    parent = await scenario.start()
    await scenario.decide(
        decision(
            "StartChildWorkflowExecution", workflowType={"name": "nope", "version": "1"}, workflowId="kid"
        )
    )
    assert (
        _last(await scenario.history(parent), "StartChildWorkflowExecutionFailed")["cause"]
        == "WORKFLOW_TYPE_DOES_NOT_EXIST"
    )


@pytest.mark.parametrize(
    ("policy", "child_close"), [("TERMINATE", "TERMINATED"), ("REQUEST_CANCEL", None), ("ABANDON", None)]
)
async def test_the_child_policy_applies_when_the_parent_is_terminated(
    scenario: Scenario, policy: str, child_close: Any
) -> None:
    parent = await scenario.start(childPolicy=policy)
    await scenario.decide(
        decision("StartChildWorkflowExecution", workflowType=scenario.workflow_type, workflowId="kid")
    )
    child = _last(await scenario.history(parent), "ChildWorkflowExecutionStarted")["workflowExecution"]
    await scenario.client.terminate_workflow_execution(
        domain=scenario.domain, workflowId=parent["workflowId"]
    )
    info = (await scenario.describe(child))["executionInfo"]
    assert info.get("closeStatus") == child_close
    child_events = await scenario.history(child)
    if policy == "TERMINATE":
        assert _last(child_events, "WorkflowExecutionTerminated")["cause"] == "CHILD_POLICY_APPLIED"
    elif policy == "REQUEST_CANCEL":
        assert _last(child_events, "WorkflowExecutionCancelRequested")["cause"] == "CHILD_POLICY_APPLIED"
        assert info["cancelRequested"] is True
    else:
        assert info["executionStatus"] == "OPEN"


async def test_schedule_lambda_function_fails_without_a_lambda_service(scenario: Scenario) -> None:
    execution = await scenario.start()
    await scenario.decide(decision("ScheduleLambdaFunction", id="l1", name="resize"))
    failed = _last(await scenario.history(execution), "ScheduleLambdaFunctionFailed")
    assert failed["cause"] == "LAMBDA_SERVICE_NOT_AVAILABLE_IN_REGION"


async def test_a_task_list_override_sends_the_next_decision_task_elsewhere(scenario: Scenario) -> None:
    execution = await scenario.start()
    await scenario.decide(
        decision("StartTimer", timerId="t", startToFireTimeout="0"), taskList={"name": "elsewhere"}
    )
    task = await scenario.poll_decision("elsewhere")
    assert task["workflowExecution"] == execution


async def test_a_malformed_decision_is_a_validation_exception_and_records_nothing(scenario: Scenario) -> None:
    execution = await scenario.start()
    task = await scenario.poll_decision()
    with pytest.raises(scenario.client.exceptions.ClientError) as caught:
        await scenario.client.respond_decision_task_completed(
            taskToken=task["taskToken"], decisions=[{"decisionType": "StartTimer"}]
        )
    assert caught.value.response["Error"]["Code"] == "ValidationException"
    assert (await scenario.types(execution))[-1] == "DecisionTaskStarted"


async def test_a_close_decision_followed_by_others_fails_and_the_others_apply(scenario: Scenario) -> None:
    execution = await scenario.start()
    await scenario.decide(decision("CompleteWorkflowExecution"), decision("RecordMarker", markerName="after"))
    events = await scenario.history(execution)
    assert _last(events, "CompleteWorkflowExecutionFailed")["cause"] == "UNHANDLED_DECISION"
    assert _last(events, "MarkerRecorded")["markerName"] == "after"
    assert (await scenario.describe(execution))["executionInfo"]["executionStatus"] == "OPEN"


async def test_an_activity_may_report_itself_canceled_without_a_request(scenario: Scenario) -> None:
    execution = await scenario.start()
    await scenario.decide(scenario.schedule("a1"))
    task = await scenario.poll_activity()
    await scenario.client.respond_activity_task_canceled(taskToken=task["taskToken"])
    canceled = _last(await scenario.history(execution), "ActivityTaskCanceled")
    assert canceled == {"scheduledEventId": 5, "startedEventId": 6}


async def test_continue_as_new_inherits_what_neither_decision_nor_type_sets(client: Any) -> None:
    scenario = Scenario(client)
    await client.register_domain(name=scenario.domain, workflowExecutionRetentionPeriodInDays="1")
    await client.register_workflow_type(
        domain=scenario.domain, **scenario.workflow_type, defaultChildPolicy="ABANDON"
    )
    execution = await scenario.start(
        taskList={"name": scenario.decisions},
        executionStartToCloseTimeout="500",
        taskStartToCloseTimeout="20",
        childPolicy="TERMINATE",
        lambdaRole="role",
    )
    await scenario.decide(decision("ContinueAsNewWorkflowExecution", taskStartToCloseTimeout="30"))
    continued = _last(await scenario.history(execution), "WorkflowExecutionContinuedAsNew")
    assert continued["executionStartToCloseTimeout"] == "500"
    assert continued["taskStartToCloseTimeout"] == "30"
    assert continued["childPolicy"] == "ABANDON"
    assert continued["taskList"] == {"name": scenario.decisions}
    assert continued["lambdaRole"] == "role"


async def test_an_execution_has_at_most_1000_open_children(scenario: Scenario) -> None:
    parent = await scenario.start()
    kids = [
        decision(
            "StartChildWorkflowExecution",
            workflowType=scenario.workflow_type,
            workflowId=f"kid{index}",
            taskList={"name": "kids"},
        )
        for index in range(1000)
    ]
    await scenario.decide(*kids)
    await scenario.decide(
        decision(
            "StartChildWorkflowExecution", workflowType=scenario.workflow_type, workflowId="one-too-many"
        )
    )
    failed = _last(await scenario.history(parent), "StartChildWorkflowExecutionFailed")
    assert failed["cause"] == "OPEN_CHILDREN_LIMIT_EXCEEDED"
