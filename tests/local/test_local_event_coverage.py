"""Every one of SWF's 54 event types whose cause the local server can reach is produced, and Lambda."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiobotocore.session import get_session
from swf_scenario import CREDENTIALS, NO_RETRY, POLL_WAIT, Scenario, assert_conforms, attributes, decision

from aioswf.local import LocalSWF, ManualClock
from aioswf.local.shapes import service_model

#: RecordMarker can only fail with OPERATION_NOT_PERMITTED (IAM), which a server without IAM never sees.
UNREACHABLE = {"RecordMarkerFailed"}


async def _slow(payload: str | None) -> str:
    await asyncio.sleep(3600)
    return "never"


def _boom(payload: str | None) -> str:
    raise RuntimeError(f"cannot handle {payload}")


LAMBDAS: dict[str, Any] = {"echo": lambda payload: f"echo:{payload}", "boom": _boom, "slow": _slow}


@pytest.fixture
async def lambda_server() -> AsyncIterator[tuple[LocalSWF, Scenario]]:
    async with LocalSWF(
        poll_wait=POLL_WAIT, check_responses=True, clock=ManualClock(), lambda_functions=LAMBDAS
    ) as local:
        async with get_session().create_client(
            "swf", endpoint_url=local.endpoint_url, config=NO_RETRY, **CREDENTIALS
        ) as client:
            yield (
                local,
                await Scenario(client).setup(execution_timeout="100000", task_timeout="1000", retention="30"),
            )
        assert_conforms(local)


async def _lambda_events(scenario: Scenario, local: LocalSWF, name: str, **extra: str) -> list[str]:
    await scenario.start(lambdaRole="arn:aws:iam::123456789012:role/swf-lambda")
    await scenario.decide(decision("ScheduleLambdaFunction", id="l1", name=name, input="in", **extra))
    if name == "slow":
        await asyncio.sleep(0.05)
        local.clock.advance(5)  # type: ignore[attr-defined]
    task = await scenario.poll_decision()
    return [e["eventType"] for e in task["events"]]


async def test_a_lambda_stand_in_completes(lambda_server: tuple[LocalSWF, Scenario]) -> None:
    local, scenario = lambda_server
    events = await _lambda_events(scenario, local, "echo")
    assert events[4:7] == ["LambdaFunctionScheduled", "LambdaFunctionStarted", "LambdaFunctionCompleted"]


async def test_a_failing_lambda_stand_in_fails_and_a_slow_one_times_out(
    lambda_server: tuple[LocalSWF, Scenario],
) -> None:
    local, scenario = lambda_server
    assert "LambdaFunctionFailed" in await _lambda_events(scenario, local, "boom")
    assert "LambdaFunctionTimedOut" in await _lambda_events(scenario, local, "slow", startToCloseTimeout="5")


async def test_a_lambda_without_a_role_fails_to_start(lambda_server: tuple[LocalSWF, Scenario]) -> None:
    _, scenario = lambda_server
    execution = await scenario.start()
    await scenario.decide(decision("ScheduleLambdaFunction", id="l1", name="echo"))
    events = await scenario.history(execution)
    assert attributes(events[-2])["cause"] == "ASSUME_ROLE_FAILED"


async def _drive_everything(local: LocalSWF, s: Scenario) -> set[str]:
    """Drive one domain through every path that records an event; each execution has its own task list."""
    clock: ManualClock = local.clock  # type: ignore[assignment]
    role = "arn:aws:iam::123456789012:role/r"
    kid = {"workflowType": s.workflow_type, "workflowId": "kid", "taskList": {"name": "k"}}
    main = await s.start(lambdaRole=role)
    other = await s.start(taskList={"name": "o"})
    await s.decide(
        s.schedule("done"),
        s.schedule("fail"),
        s.schedule("cancel"),
        s.schedule("queued", scheduleToStartTimeout="10"),
        decision("RequestCancelActivityTask", activityId="nobody"),
        decision("ScheduleActivityTask", activityType={"name": "nope", "version": "1"}, activityId="x"),
        decision("StartTimer", timerId="fire", startToFireTimeout="10"),
        decision("StartTimer", timerId="cancel", startToFireTimeout="10"),
        decision("StartTimer", timerId="fire", startToFireTimeout="10"),
        decision("CancelTimer", timerId="nobody"),
        decision("RecordMarker", markerName="m", details="d"),
        decision("SignalExternalWorkflowExecution", workflowId=other["workflowId"], signalName="s"),
        decision("SignalExternalWorkflowExecution", workflowId="nobody", signalName="s"),
        decision("RequestCancelExternalWorkflowExecution", workflowId=other["workflowId"]),
        decision("RequestCancelExternalWorkflowExecution", workflowId="nobody"),
        decision("StartChildWorkflowExecution", **kid),
        decision(
            "StartChildWorkflowExecution", workflowType={"name": "nope", "version": "1"}, workflowId="k2"
        ),
        decision("ScheduleLambdaFunction", id="l1", name="echo"),
        decision("ScheduleLambdaFunction", id="l2", name="boom"),
        decision("ScheduleLambdaFunction", id="l3", name="slow", startToCloseTimeout="5"),
        decision("ScheduleLambdaFunction", id="l4", name="unknown"),
    )
    tokens = {}
    for _ in range(3):
        task = await s.poll_activity()
        tokens[task["activityId"]] = task["taskToken"]
    await s.client.respond_activity_task_completed(taskToken=tokens["done"])
    await s.client.respond_activity_task_failed(taskToken=tokens["fail"])
    await s.decide(
        decision("RequestCancelActivityTask", activityId="cancel"), decision("CancelTimer", timerId="cancel")
    )
    await s.client.respond_activity_task_canceled(taskToken=tokens["cancel"])
    clock.advance(10)  # the timer fires, "queued" times out before it starts
    await s.decide(
        s.schedule("close", scheduleToCloseTimeout="5"), s.schedule("start", startToCloseTimeout="5")
    )
    await s.poll_activity()
    await s.poll_activity()
    await asyncio.sleep(0.1)  # let the Lambda stand-ins run
    clock.advance(5)  # schedule-to-close, start-to-close, and the slow Lambda
    await s.decide(s.schedule("beat", heartbeatTimeout="5"))
    await s.poll_activity()
    clock.advance(5)
    await s.decide(decision("StartChildWorkflowExecution", **kid))  # already running
    await s.decide(decision("CompleteWorkflowExecution"), task_list="k")
    for closing in (decision("FailWorkflowExecution"), decision("CancelWorkflowExecution")):
        await s.decide(decision("StartChildWorkflowExecution", **kid))
        await s.decide(closing, task_list="k")
    await s.decide(decision("StartChildWorkflowExecution", **kid, executionStartToCloseTimeout="1"))
    clock.advance(1)
    await s.decide(decision("StartChildWorkflowExecution", **kid))
    await s.client.terminate_workflow_execution(domain=s.domain, workflowId="kid")
    task = await s.poll_decision()
    await s.signal(main)
    closers = [
        "CompleteWorkflowExecution",
        "FailWorkflowExecution",
        "CancelWorkflowExecution",
        "ContinueAsNewWorkflowExecution",
    ]
    await s.client.respond_decision_task_completed(
        taskToken=task["taskToken"], decisions=[decision(c) for c in closers]
    )
    await s.poll_decision()
    clock.advance(1000)  # the decision task's start-to-close
    await s.decide(
        decision("ContinueAsNewWorkflowExecution", workflowTypeVersion="9"),
        taskList={"name": "void"},
        taskListScheduleToStartTimeout="5",
    )
    clock.advance(5)  # nobody polls "void": schedule-to-start
    await s.decide(decision("ContinueAsNewWorkflowExecution"))
    await s.decide(decision("ScheduleLambdaFunction", id="l", name="echo"))  # the new run kept the lambdaRole
    clock.advance(100000)  # the new run and "other" time out
    for closing in closers[:3]:
        await s.start(taskList={"name": "c"})  # no lambdaRole: the Lambda cannot start
        await s.decide(
            decision("ScheduleLambdaFunction", id="l", name="echo"), decision(closing), task_list="c"
        )
    terminated = await s.start(taskList={"name": "c"})
    await s.client.terminate_workflow_execution(domain=s.domain, workflowId=terminated["workflowId"])
    seen: set[str] = set()
    for execution in local.engine.domains[s.domain].runs.values():
        seen.update(event["eventType"] for event in execution.events)
    return seen


async def test_every_reachable_event_type_is_produced(lambda_server: tuple[LocalSWF, Scenario]) -> None:
    local, scenario = lambda_server
    seen = await _drive_everything(local, scenario)
    everything = set(service_model().shape_for("EventType").enum)
    assert len(everything) == 54
    assert everything - seen == UNREACHABLE
