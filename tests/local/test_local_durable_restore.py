"""Property: after every step, the state read back from the data directory is the state in memory.

Random decision lists (all 13 types, ids from small pools so that they collide), activity answers and
heartbeats, signals, cancel requests, terminations, type and domain changes, Lambda stand-ins and clock
jumps (past timeouts, timers and retention) run against an engine with a store. After each step, once
everything is committed, a fresh engine reads the directory back as a restart would, and the two states
must be equal: records, histories, open work, task tokens, queues in the order they hand out tasks,
and deadlines by time. A change some operation forgets to hand to the store shows up here.
"""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path
from typing import Any

from aiobotocore.session import get_session
from durable_state import audit, read_back, settle, snapshot
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from swf_scenario import CREDENTIALS, NO_RETRY, POLL_WAIT, Scenario, assert_conforms
from test_local_event_coverage import LAMBDAS as COVERAGE_LAMBDAS
from test_local_event_coverage import UNREACHABLE, _drive_everything

from aioswf.local import Engine, LocalSWF, ManualClock
from aioswf.local.faults import SWFFault
from aioswf.local.shapes import service_model
from aioswf.local.store import Store

START = 1_700_000_000
IDS = st.sampled_from(["a", "b", "c"])
SECONDS = st.sampled_from(["5", "30", "NONE"])
WORKFLOW = {"name": "flow", "version": "1"}
ACTIVITY = {"name": "work", "version": "1"}
TARGETS = st.sampled_from(["w0", "w1", "kid", "x"])


async def _quick(payload: str | None) -> str:
    return f"done:{payload}"


async def _slow(payload: str | None) -> str:
    await asyncio.sleep(3600)
    return "never"


LAMBDAS: dict[str, Any] = {"f": _quick, "slow": _slow}


def _decision(kind: str, attrs: dict[str, Any]) -> dict[str, Any]:
    return {"decisionType": kind, kind[0].lower() + kind[1:] + "DecisionAttributes": attrs}


SCHEDULE = st.builds(
    lambda i, s, lst: _decision(
        "ScheduleActivityTask",
        {
            "activityType": ACTIVITY,
            "activityId": i,
            "heartbeatTimeout": s,
            "input": f"in-{i}",
            "control": "c",
            "taskList": {"name": lst},
            "taskPriority": "3",
        },
    ),
    IDS,
    SECONDS,
    st.sampled_from(["al", "al2"]),
)
DECISIONS = st.one_of(
    SCHEDULE,
    SCHEDULE,
    SCHEDULE,
    SCHEDULE,
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
        lambda w: _decision("SignalExternalWorkflowExecution", {"workflowId": w, "signalName": "s"}), TARGETS
    ),
    st.builds(lambda w: _decision("RequestCancelExternalWorkflowExecution", {"workflowId": w}), TARGETS),
    st.builds(
        lambda p: _decision(
            "StartChildWorkflowExecution", {"workflowType": WORKFLOW, "workflowId": "kid", "childPolicy": p}
        ),
        st.sampled_from(["TERMINATE", "REQUEST_CANCEL", "ABANDON"]),
    ),
    st.builds(
        lambda i, n: _decision("ScheduleLambdaFunction", {"id": i, "name": n, "input": "x"}),
        IDS,
        st.sampled_from(["f", "slow", "missing"]),
    ),
)
DECIDE = st.tuples(st.just("decide"), st.lists(DECISIONS, min_size=1, max_size=4), st.booleans())
WORK = st.tuples(
    st.just("work"),
    st.lists(st.sampled_from(["heartbeat", "complete", "fail", "cancel", "ignore"]), min_size=1, max_size=3),
    st.sampled_from(["al", "al2"]),
)
STEPS = st.lists(
    st.one_of(
        DECIDE,
        DECIDE,
        DECIDE,
        WORK,
        WORK,
        WORK,
        st.tuples(st.just("signal"), st.sampled_from(["w0", "w1", "kid"]), st.none()),
        st.tuples(st.just("terminate"), st.sampled_from(["w0", "w1", "kid"]), st.none()),
        st.tuples(st.just("cancel"), st.sampled_from(["w0", "w1", "kid"]), st.none()),
        st.tuples(st.just("start"), st.sampled_from(["w0", "w1"]), st.none()),
        st.tuples(st.just("start"), st.sampled_from(["w0", "w1"]), st.none()),
        st.tuples(st.just("advance"), st.sampled_from([1, 5, 31, 3600, 2 * 86400]), st.none()),
        st.tuples(
            st.just("registry"),
            st.sampled_from(["deprecate", "undeprecate", "delete", "register", "tag", "untag"]),
            st.none(),
        ),
    ),
    min_size=4,
    max_size=20,
)


async def _call(engine: Engine, operation: str, **params: Any) -> dict[str, Any] | None:
    try:
        return await engine.call(operation, params)
    except SWFFault as fault:
        # Faults are answers (a stale token, a closed execution); the generated requests are all valid.
        if fault.code == "ValidationException":
            raise AssertionError(f"{operation} refused a valid request: {fault.message}") from fault
        return None


async def _step(engine: Engine, action: str, argument: Any, extra: Any) -> None:
    if action == "decide":
        task = await _call(
            engine, "PollForDecisionTask", domain="d", taskList={"name": "dl"}, maximumPageSize=7
        )
        if task and task.get("taskToken"):
            params: dict[str, Any] = {"taskToken": task["taskToken"], "decisions": argument}
            if extra:
                params.update(
                    executionContext="ctx", taskList={"name": "dl"}, taskListScheduleToStartTimeout="5"
                )
            await _call(engine, "RespondDecisionTaskCompleted", **params)
    elif action == "work":
        task = await _call(engine, "PollForActivityTask", domain="d", taskList={"name": extra})
        if not (task and task.get("taskToken")):
            other = "al2" if extra == "al" else "al"
            task = await _call(engine, "PollForActivityTask", domain="d", taskList={"name": other})
        if task and task.get("taskToken"):
            token = task["taskToken"]
            for number, answer in enumerate(argument):
                if answer == "heartbeat":
                    await _call(
                        engine, "RecordActivityTaskHeartbeat", taskToken=token, details=f"at {number}"
                    )
                elif answer != "ignore":
                    operation = {
                        "complete": "RespondActivityTaskCompleted",
                        "fail": "RespondActivityTaskFailed",
                        "cancel": "RespondActivityTaskCanceled",
                    }[answer]
                    await _call(engine, operation, taskToken=token)
    elif action == "signal":
        await _call(
            engine, "SignalWorkflowExecution", domain="d", workflowId=argument, signalName="s", input="i"
        )
    elif action == "terminate":
        await _call(engine, "TerminateWorkflowExecution", domain="d", workflowId=argument, reason="r")
    elif action == "cancel":
        await _call(engine, "RequestCancelWorkflowExecution", domain="d", workflowId=argument)
    elif action == "start":
        await _call(
            engine,
            "StartWorkflowExecution",
            domain="d",
            workflowId=argument,
            workflowType=WORKFLOW,
            lambdaRole="r",
            tagList=["t1", "t2"],
            input="payload",
        )
    elif action == "advance":
        engine.clock.advance(argument)  # type: ignore[attr-defined]
    else:
        await _registry(engine, argument)
    # Let Lambda stand-ins run to their end (or their first wait).
    for _ in range(3):
        await asyncio.sleep(0)


async def _registry(engine: Engine, change: str) -> None:
    other = {"name": "work", "version": "2"}
    if change == "deprecate":
        await _call(engine, "DeprecateActivityType", domain="d", activityType=other)
    elif change == "undeprecate":
        await _call(engine, "UndeprecateActivityType", domain="d", activityType=other)
    elif change == "delete":
        await _call(engine, "DeleteActivityType", domain="d", activityType=other)
    elif change == "register":
        await _call(engine, "RegisterActivityType", domain="d", **other, description="second")
    else:
        arn = "arn:aws:swf:us-east-1:123456789012:/domain/d"
        if change == "tag":
            await _call(engine, "TagResource", resourceArn=arn, tags=[{"key": "k", "value": "v"}])
        else:
            await _call(engine, "UntagResource", resourceArn=arn, tagKeys=["k"])


async def _setup(engine: Engine) -> None:
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


async def _assert_read_back_equal(engine: Engine, data_dir: str, step: object) -> None:
    await settle(engine)
    live = snapshot(engine)
    with read_back(data_dir, START) as restored:
        assert snapshot(restored) == live, f"after {step!r}"


async def _play(steps: list[tuple[str, Any, Any]]) -> None:
    with tempfile.TemporaryDirectory() as data_dir:
        engine = Engine(
            clock=ManualClock(start=START), poll_wait=0, lambda_functions=LAMBDAS, store=Store(data_dir)
        )
        await engine.start()
        try:
            await _setup(engine)
            await _assert_read_back_equal(engine, data_dir, "setup")
            for step in steps:
                await _step(engine, *step)
                await _assert_read_back_equal(engine, data_dir, step)
        finally:
            await engine.stop()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(STEPS)
def test_the_state_read_back_after_any_step_is_the_state_in_memory(steps: list[tuple[str, Any, Any]]) -> None:
    asyncio.run(_play(steps))


async def test_every_answer_of_a_scenario_recording_every_event_type_is_read_back_whole(
    tmp_path: Path,
) -> None:
    async with LocalSWF(
        poll_wait=POLL_WAIT,
        check_responses=True,
        clock=ManualClock(),
        lambda_functions=COVERAGE_LAMBDAS,
        data_dir=tmp_path,
    ) as local:
        mismatches = audit(local.engine, tmp_path)
        async with get_session().create_client(
            "swf", endpoint_url=local.endpoint_url, config=NO_RETRY, **CREDENTIALS
        ) as client:
            scenario = await Scenario(client).setup(
                execution_timeout="100000", task_timeout="1000", retention="30"
            )
            seen = await _drive_everything(local, scenario)
        assert_conforms(local)
    assert set(service_model().shape_for("EventType").enum) - seen == UNREACHABLE
    assert mismatches == []


async def test_every_registry_change_is_read_back(tmp_path: Path) -> None:
    engine = Engine(clock=ManualClock(start=START), poll_wait=0, store=Store(tmp_path))
    await engine.start()
    mismatches = audit(engine, tmp_path)
    try:
        await _setup(engine)
        arn = "arn:aws:swf:us-east-1:123456789012:/domain/d"
        workflow = {"name": "flow", "version": "1"}
        activity = {"name": "work", "version": "1"}
        for operation, params in [
            ("TagResource", {"resourceArn": arn, "tags": [{"key": "a", "value": "1"}, {"key": "b"}]}),
            ("UntagResource", {"resourceArn": arn, "tagKeys": ["a"]}),
            ("DeprecateDomain", {"name": "d"}),
            ("UndeprecateDomain", {"name": "d"}),
            ("DeprecateWorkflowType", {"domain": "d", "workflowType": workflow}),
            ("UndeprecateWorkflowType", {"domain": "d", "workflowType": workflow}),
            ("DeprecateActivityType", {"domain": "d", "activityType": activity}),
            ("UndeprecateActivityType", {"domain": "d", "activityType": activity}),
            ("DeprecateWorkflowType", {"domain": "d", "workflowType": workflow}),
            # w0 and w1 are open: they keep their type, as they do in memory.
            ("DeleteWorkflowType", {"domain": "d", "workflowType": workflow}),
            ("DeprecateActivityType", {"domain": "d", "activityType": activity}),
            ("DeleteActivityType", {"domain": "d", "activityType": activity}),
            ("RegisterActivityType", {"domain": "d", **activity, "description": "again"}),
            ("DeprecateDomain", {"name": "d"}),
        ]:
            await engine.call(operation, params)
    finally:
        await engine.stop()
    assert mismatches == []


async def test_a_child_that_continues_as_new_is_read_back_in_its_parent(tmp_path: Path) -> None:
    engine = Engine(clock=ManualClock(start=START), poll_wait=0, store=Store(tmp_path))
    await engine.start()
    mismatches = audit(engine, tmp_path)
    try:
        await _setup(engine)
        child = {"workflowType": WORKFLOW, "workflowId": "kid", "childPolicy": "TERMINATE"}
        parent = await engine.call("PollForDecisionTask", {"domain": "d", "taskList": {"name": "dl"}})
        decisions = [_decision("StartChildWorkflowExecution", child)]
        await engine.call(
            "RespondDecisionTaskCompleted", {"taskToken": parent["taskToken"], "decisions": decisions}
        )
        while True:
            task = await engine.call("PollForDecisionTask", {"domain": "d", "taskList": {"name": "dl"}})
            if task["workflowExecution"]["workflowId"] == "kid":
                break
        decisions = [_decision("ContinueAsNewWorkflowExecution", {"input": "again"})]
        await engine.call(
            "RespondDecisionTaskCompleted", {"taskToken": task["taskToken"], "decisions": decisions}
        )
        owner = engine.domains["d"].open_executions[parent["workflowExecution"]["workflowId"]]
        assert owner.children["kid"].run_id == engine.domains["d"].open_executions["kid"].run_id
    finally:
        await engine.stop()
    assert mismatches == []
