"""Property: whatever deciders, workers and the clock do, the server answers within the SWF model.

Random decision lists (all 13 types, ids from small pools so they collide), random activity answers,
signals, terminations and clock jumps run against the engine. Every answer must be an SWF fault or fit
its output shape; histories keep consecutive event ids; open counts match the open work. (The wire
protocol and the HTTP face have their own suite: ``test_local_wire_fuzz.py``.)
"""

from __future__ import annotations

import asyncio
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aioswf.local import Engine, ManualClock, output_violations
from aioswf.local.faults import SWFFault

IDS = st.sampled_from(["a", "b", "c"])
SECONDS = st.sampled_from(["0", "5", "30", "NONE"])
WORKFLOW = {"name": "flow", "version": "1"}
ACTIVITY = {"name": "work", "version": "1"}


def _decision(kind: str, attrs: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = {"decisionType": kind}
    result[kind[0].lower() + kind[1:] + "DecisionAttributes"] = attrs
    return result


DECISIONS = st.one_of(
    st.builds(
        lambda i, s: _decision(
            "ScheduleActivityTask", {"activityType": ACTIVITY, "activityId": i, "heartbeatTimeout": s}
        ),
        IDS,
        SECONDS,
    ),
    st.builds(lambda i: _decision("RequestCancelActivityTask", {"activityId": i}), IDS),
    st.builds(lambda: _decision("CompleteWorkflowExecution", {"result": "r"})),
    st.builds(lambda: _decision("FailWorkflowExecution", {"reason": "r"})),
    st.builds(lambda: _decision("CancelWorkflowExecution", {})),
    st.builds(lambda: _decision("ContinueAsNewWorkflowExecution", {"input": "again"})),
    st.builds(lambda: _decision("RecordMarker", {"markerName": "m"})),
    st.builds(
        lambda i, s: _decision("StartTimer", {"timerId": i, "startToFireTimeout": s}),
        IDS,
        st.sampled_from(["0", "5", "30"]),
    ),
    st.builds(lambda i: _decision("CancelTimer", {"timerId": i}), IDS),
    st.builds(
        lambda w: _decision("SignalExternalWorkflowExecution", {"workflowId": w, "signalName": "s"}),
        st.sampled_from(["w0", "w1", "kid", "x"]),
    ),
    st.builds(
        lambda w: _decision("RequestCancelExternalWorkflowExecution", {"workflowId": w}),
        st.sampled_from(["w0", "w1", "kid", "x"]),
    ),
    st.builds(
        lambda p: _decision(
            "StartChildWorkflowExecution", {"workflowType": WORKFLOW, "workflowId": "kid", "childPolicy": p}
        ),
        st.sampled_from(["TERMINATE", "REQUEST_CANCEL", "ABANDON"]),
    ),
    st.builds(lambda i: _decision("ScheduleLambdaFunction", {"id": i, "name": "f"}), IDS),
)
STEPS = st.lists(
    st.one_of(
        st.tuples(st.just("decide"), st.lists(DECISIONS, max_size=4)),
        st.tuples(st.just("work"), st.sampled_from(["complete", "fail", "cancel", "heartbeat", "ignore"])),
        st.tuples(st.just("signal"), st.sampled_from(["w0", "w1", "kid"])),
        st.tuples(st.just("terminate"), st.sampled_from(["w0", "w1", "kid"])),
        st.tuples(st.just("cancel"), st.sampled_from(["w0", "w1", "kid"])),
        st.tuples(st.just("advance"), st.sampled_from([1, 5, 31, 3600])),
    ),
    min_size=1,
    max_size=25,
)


async def _call(engine: Engine, operation: str, **params: Any) -> dict[str, Any] | None:
    try:
        result = await engine.call(operation, params)
    except SWFFault as fault:
        # faults are answers (a stale token, a closed execution); the generated requests are all valid
        if fault.code == "ValidationException":
            raise AssertionError(f"{operation} refused a valid request: {fault.message}") from fault
        return None
    assert output_violations(operation, result) == [], (operation, result)
    return result


async def _play(steps: list[tuple[str, Any]]) -> None:
    clock = ManualClock(start=1_700_000_000)
    engine = Engine(clock=clock, poll_wait=0)
    await engine.start()
    try:
        await _call(engine, "RegisterDomain", name="d", workflowExecutionRetentionPeriodInDays="1")
        await _call(
            engine,
            "RegisterWorkflowType",
            domain="d",
            **WORKFLOW,
            defaultTaskList={"name": "dl"},
            defaultExecutionStartToCloseTimeout="7200",
            defaultTaskStartToCloseTimeout="30",
            defaultChildPolicy="TERMINATE",
        )
        await _call(
            engine,
            "RegisterActivityType",
            domain="d",
            **ACTIVITY,
            defaultTaskList={"name": "al"},
            defaultTaskScheduleToStartTimeout="60",
            defaultTaskScheduleToCloseTimeout="120",
            defaultTaskStartToCloseTimeout="60",
        )
        for workflow_id in ("w0", "w1"):
            await _call(
                engine,
                "StartWorkflowExecution",
                domain="d",
                workflowId=workflow_id,
                workflowType=WORKFLOW,
                lambdaRole="r",
            )
        for action, argument in steps:
            if action == "decide":
                task = await _call(
                    engine, "PollForDecisionTask", domain="d", taskList={"name": "dl"}, maximumPageSize=7
                )
                if task and task.get("taskToken"):
                    await _call(
                        engine,
                        "RespondDecisionTaskCompleted",
                        taskToken=task["taskToken"],
                        decisions=argument,
                    )
            elif action == "work":
                task = await _call(engine, "PollForActivityTask", domain="d", taskList={"name": "al"})
                if task and task.get("taskToken"):
                    token = task["taskToken"]
                    operation = {
                        "complete": "RespondActivityTaskCompleted",
                        "fail": "RespondActivityTaskFailed",
                        "cancel": "RespondActivityTaskCanceled",
                        "heartbeat": "RecordActivityTaskHeartbeat",
                    }.get(argument)
                    if operation:
                        await _call(engine, operation, taskToken=token)
            elif action == "signal":
                await _call(
                    engine, "SignalWorkflowExecution", domain="d", workflowId=argument, signalName="s"
                )
            elif action == "terminate":
                await _call(engine, "TerminateWorkflowExecution", domain="d", workflowId=argument)
            elif action == "cancel":
                await _call(engine, "RequestCancelWorkflowExecution", domain="d", workflowId=argument)
            else:
                clock.advance(argument)
        await _check_invariants(engine)
    finally:
        await engine.stop()


async def _check_invariants(engine: Engine) -> None:
    domain = engine.domains["d"]
    for execution in domain.runs.values():
        assert [event["eventId"] for event in execution.events] == list(range(1, len(execution.events) + 1))
        described = await _call(engine, "DescribeWorkflowExecution", domain="d", execution=execution.ref)
        assert described is not None
        counts = described["openCounts"]
        if execution.status == "CLOSED":
            assert set(counts.values()) == {0}
        else:
            assert counts["openActivityTasks"] == len(execution.activities)
            assert counts["openTimers"] == len(execution.timers)
            scheduled = sum(event["eventType"] == "DecisionTaskScheduled" for event in execution.events)
            closed = sum(
                event["eventType"] in ("DecisionTaskCompleted", "DecisionTaskTimedOut")
                for event in execution.events
            )
            assert scheduled - closed == counts["openDecisionTasks"] <= 1
        history = await _call(engine, "GetWorkflowExecutionHistory", domain="d", execution=execution.ref)
        assert history is not None
    for (_, _), queue in engine.decision_queues.items():
        assert queue.size >= 0


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(STEPS)
def test_any_sequence_of_actions_is_answered_within_the_model(steps: list[tuple[str, Any]]) -> None:
    asyncio.run(_play(steps))
