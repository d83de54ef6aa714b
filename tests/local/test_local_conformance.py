"""Conformance: the same scenarios against the local server and moto's server must agree.

Transcripts drop what legitimately differs between two servers (run ids, task tokens, timestamps, request
metadata) and keep everything else: response members, history events with their attributes, fault codes.
Where moto departs from SWF's documented behaviour, the test names moto's bug and checks the documented
behaviour on the local server only.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import botocore.exceptions
import pytest
from aiobotocore.session import get_session
from swf_scenario import CREDENTIALS, NO_RETRY, Scenario, decision

from aioswf.local import LocalSWF

VOLATILE = {
    "runId",
    "newExecutionRunId",
    "continuedExecutionRunId",
    "taskToken",
    "eventTimestamp",
    "startTimestamp",
    "closeTimestamp",
    "creationDate",
    "deprecationDate",
    "latestActivityTaskTimestamp",
    "ResponseMetadata",
    "arn",
    "nextPageToken",
    "identity",
}
Transcript = list[Any]
Flow = Callable[[Scenario, Transcript], Awaitable[None]]


def normalize(value: Any) -> Any:
    """Drop volatile members, recursively."""
    if isinstance(value, dict):
        return {key: normalize(item) for key, item in value.items() if key not in VOLATILE}
    if isinstance(value, list):
        return [normalize(item) for item in value]
    return value


async def record(transcript: Transcript, call: Awaitable[Any]) -> Any:
    """Await one call and append its normalized answer (or fault code) to the transcript."""
    try:
        result = await call
    except botocore.exceptions.ClientError as error:
        transcript.append({"fault": error.response["Error"]["Code"]})
        return None
    transcript.append(normalize(result))
    return result


@pytest.fixture
async def local_client(local: LocalSWF) -> AsyncIterator[Any]:
    async with get_session().create_client(
        "swf", endpoint_url=local.endpoint_url, config=NO_RETRY, **CREDENTIALS
    ) as c:
        yield c


async def run_both(
    local_client: Any, moto_client: Any, flow: Flow, **setup: Any
) -> tuple[Transcript, Transcript]:
    """Run ``flow`` against both servers, with the same resource names, and return both transcripts."""
    transcripts: list[Transcript] = []
    names: dict[str, str] = {}
    for client in (local_client, moto_client):
        scenario = Scenario(client)
        if names:
            scenario.domain, scenario.decisions, scenario.activities = names["d"], names["dl"], names["al"]
        names = {"d": scenario.domain, "dl": scenario.decisions, "al": scenario.activities}
        await scenario.setup(**setup)
        transcript: Transcript = []
        await flow(scenario, transcript)
        transcripts.append(transcript)
    return transcripts[0], transcripts[1]


#: Members moto leaves out of its answers, although SWF sends them (each has a local-only test below).
MOTO_OMITS = {"previousStartedEventId"}
ALL_TIMEOUTS = {
    "scheduleToStartTimeout": "300",
    "scheduleToCloseTimeout": "600",
    "startToCloseTimeout": "300",
    "heartbeatTimeout": "NONE",
}


def comparable(transcript: Transcript) -> Transcript:
    """Drop the members moto omits, for the comparison only."""

    def strip(value: Any) -> Any:
        if isinstance(value, dict):
            return {key: strip(item) for key, item in value.items() if key not in MOTO_OMITS}
        if isinstance(value, list):
            return [strip(item) for item in value]
        return value

    return [strip(entry) for entry in transcript]


# -- scenarios where both servers must agree ----------------------------------------------------


async def _domain_lifecycle(s: Scenario, t: Transcript) -> None:
    c = s.client
    await record(t, c.describe_domain(name=s.domain))
    await record(t, c.register_domain(name=s.domain, workflowExecutionRetentionPeriodInDays="1"))
    await record(t, c.describe_domain(name=s.domain + "-missing"))
    await record(t, c.deprecate_domain(name=s.domain))
    await record(t, c.deprecate_domain(name=s.domain))
    await record(t, c.describe_domain(name=s.domain))
    await record(t, c.undeprecate_domain(name=s.domain))
    await record(t, c.undeprecate_domain(name=s.domain))
    arn = (await c.describe_domain(name=s.domain))["domainInfo"]["arn"]
    await record(t, c.tag_resource(resourceArn=arn, tags=[{"key": "k", "value": "v"}]))
    await record(t, c.list_tags_for_resource(resourceArn=arn))
    await record(t, c.untag_resource(resourceArn=arn, tagKeys=["k"]))
    await record(t, c.list_tags_for_resource(resourceArn=arn))


async def _type_lifecycle(s: Scenario, t: Transcript) -> None:
    c = s.client
    await record(t, c.describe_workflow_type(domain=s.domain, workflowType=s.workflow_type))
    await record(t, c.describe_activity_type(domain=s.domain, activityType=s.activity_type))
    await record(t, c.register_activity_type(domain=s.domain, **s.activity_type))
    await record(t, c.list_activity_types(domain=s.domain, registrationStatus="REGISTERED"))
    await record(t, c.list_workflow_types(domain=s.domain, registrationStatus="REGISTERED"))
    await record(t, c.deprecate_workflow_type(domain=s.domain, workflowType=s.workflow_type))
    await record(t, c.deprecate_workflow_type(domain=s.domain, workflowType=s.workflow_type))
    await record(t, c.list_workflow_types(domain=s.domain, registrationStatus="DEPRECATED"))
    await record(t, c.start_workflow_execution(domain=s.domain, workflowId="w", workflowType=s.workflow_type))
    await record(t, c.undeprecate_workflow_type(domain=s.domain, workflowType=s.workflow_type))
    await record(t, c.describe_workflow_type(domain=s.domain, workflowType={"name": "nope", "version": "1"}))
    await record(
        t,
        c.start_workflow_execution(
            domain=s.domain, workflowId="w", workflowType={"name": "x", "version": "1"}
        ),
    )


async def _round_trip(s: Scenario, t: Transcript) -> None:
    c = s.client
    execution = await s.start("rt", input="in")
    await record(
        t, c.start_workflow_execution(domain=s.domain, workflowId="rt", workflowType=s.workflow_type)
    )
    await record(t, c.count_pending_decision_tasks(domain=s.domain, taskList={"name": s.decisions}))
    task = await record(t, c.poll_for_decision_task(domain=s.domain, taskList={"name": s.decisions}))
    await record(
        t,
        c.respond_decision_task_completed(
            taskToken=task["taskToken"],
            decisions=[
                s.schedule("a1", input="x", control="c", **ALL_TIMEOUTS),
                decision("RecordMarker", markerName="m", details="d"),
            ],
        ),
    )
    await record(t, c.count_pending_activity_tasks(domain=s.domain, taskList={"name": s.activities}))
    activity = await record(t, c.poll_for_activity_task(domain=s.domain, taskList={"name": s.activities}))
    await record(t, c.record_activity_task_heartbeat(taskToken=activity["taskToken"], details="half"))
    await record(t, c.respond_activity_task_completed(taskToken=activity["taskToken"], result="ok"))
    task = await record(t, c.poll_for_decision_task(domain=s.domain, taskList={"name": s.decisions}))
    await record(
        t,
        c.respond_decision_task_completed(
            taskToken=task["taskToken"], decisions=[decision("CompleteWorkflowExecution", result="done")]
        ),
    )
    await record(t, c.get_workflow_execution_history(domain=s.domain, execution=execution))
    await record(t, c.describe_workflow_execution(domain=s.domain, execution=execution))


async def _activity_failure(s: Scenario, t: Transcript) -> None:
    c = s.client
    execution = await s.start("af")
    await s.decide(s.schedule("a1", **ALL_TIMEOUTS))
    activity = await s.poll_activity()
    await record(t, c.respond_activity_task_failed(taskToken=activity["taskToken"], reason="r", details="d"))
    await s.decide(decision("FailWorkflowExecution", reason="gave up", details="d"))
    await record(t, c.get_workflow_execution_history(domain=s.domain, execution=execution))


async def _signals_and_termination(s: Scenario, t: Transcript) -> None:
    c = s.client
    execution = await s.start("sig")
    await s.decide()
    await record(
        t, c.signal_workflow_execution(domain=s.domain, workflowId="sig", signalName="go", input="i")
    )
    await record(
        t, c.terminate_workflow_execution(domain=s.domain, workflowId="sig", reason="r", details="d")
    )
    await record(t, c.terminate_workflow_execution(domain=s.domain, workflowId="sig"))
    await record(t, c.get_workflow_execution_history(domain=s.domain, execution=execution))


async def _timers(s: Scenario, t: Transcript) -> None:
    c = s.client
    execution = await s.start("tm")
    await s.decide(decision("StartTimer", timerId="t1", startToFireTimeout="600", control="c"))
    await c.signal_workflow_execution(domain=s.domain, workflowId="tm", signalName="go", input="x")
    await s.decide(decision("StartTimer", timerId="t2", startToFireTimeout="60"))
    await record(t, c.get_workflow_execution_history(domain=s.domain, execution=execution))


def _by_id(result: Any) -> Any:
    return (
        sorted(result["executionInfos"], key=lambda info: info["execution"]["workflowId"]) if result else None
    )


async def _visibility(s: Scenario, t: Transcript) -> None:
    c = s.client
    for index in range(3):
        await s.start(f"v{index}", tagList=[f"tag{index}"])
    await c.terminate_workflow_execution(domain=s.domain, workflowId="v0")
    epoch = {"oldestDate": 0}
    t.append(_by_id(await c.list_open_workflow_executions(domain=s.domain, startTimeFilter=epoch)))
    t.append(
        _by_id(
            await c.list_open_workflow_executions(
                domain=s.domain, startTimeFilter=epoch, tagFilter={"tag": "tag1"}
            )
        )
    )
    t.append(_by_id(await c.list_closed_workflow_executions(domain=s.domain, startTimeFilter=epoch)))
    t[:] = normalize(t)


async def _decision_failures(s: Scenario, t: Transcript) -> None:
    c = s.client
    execution = await s.start("df")
    await c.register_activity_type(domain=s.domain, name="old", version="1", defaultTaskList={"name": "x"})
    await c.deprecate_activity_type(domain=s.domain, activityType={"name": "old", "version": "1"})
    await record(t, c.register_workflow_type(domain=s.domain, name="bare", version="1"))
    await record(
        t,
        c.start_workflow_execution(
            domain=s.domain, workflowId="b", workflowType={"name": "bare", "version": "1"}
        ),
    )
    await s.decide(
        decision("ScheduleActivityTask", activityType={"name": "nope", "version": "1"}, activityId="a"),
        decision("ScheduleActivityTask", activityType={"name": "old", "version": "1"}, activityId="b"),
    )
    await s.decide(decision("CompleteWorkflowExecution", result="r"))
    await record(t, c.get_workflow_execution_history(domain=s.domain, execution=execution))


@pytest.mark.parametrize(
    "flow",
    [
        _domain_lifecycle,
        _type_lifecycle,
        _round_trip,
        _activity_failure,
        _signals_and_termination,
        _timers,
        _visibility,
    ],
    ids=lambda flow: flow.__name__.strip("_"),
)
async def test_local_and_moto_agree(local_client: Any, moto_client: Any, flow: Flow) -> None:
    local_transcript, moto_transcript = await run_both(local_client, moto_client, flow)
    assert comparable(local_transcript) == comparable(moto_transcript)


# -- where moto departs from SWF: the documented behaviour, on the local server only -------------


@pytest.fixture
async def scenario_local(local_client: Any) -> Scenario:
    return await Scenario(local_client).setup()


async def test_both_servers_answer_an_empty_poll_without_a_task_token(
    local_client: Any, moto_client: Any
) -> None:
    for client in (local_client, moto_client):
        scenario = await Scenario(client).setup()
        assert "taskToken" not in await scenario.poll_activity(), "AWS sends no taskToken key at all"


@pytest.mark.local_only("moto's bug: its long poll sleeps a fixed second instead of waiting for a task")
async def test_a_poll_waits_for_the_task(scenario_local: Scenario) -> None:
    poll = asyncio.ensure_future(scenario_local.poll_decision())
    await asyncio.sleep(0.1)
    execution = await scenario_local.start()
    assert (await poll)["workflowExecution"] == execution


@pytest.mark.local_only("moto's bug: decision tasks have no previousStartedEventId")
async def test_a_decision_task_names_the_previous_started_event(scenario_local: Scenario) -> None:
    execution = await scenario_local.start()
    first = await scenario_local.decide()
    assert first["previousStartedEventId"] == 0
    await scenario_local.signal(execution)
    assert (await scenario_local.poll_decision())["previousStartedEventId"] == first["startedEventId"]


@pytest.mark.local_only("moto's bug: WorkflowExecutionStarted leaves out the tagList")
async def test_the_started_event_records_the_tags(scenario_local: Scenario) -> None:
    execution = await scenario_local.start(tagList=["a", "b"])
    started = (await scenario_local.history(execution))[0]
    assert started["workflowExecutionStartedEventAttributes"]["tagList"] == ["a", "b"]


@pytest.mark.local_only(
    "moto's bug: ActivityTaskScheduled leaves out timeouts resolved from the type's defaults"
)
async def test_activity_scheduled_records_resolved_timeouts(scenario_local: Scenario) -> None:
    execution = await scenario_local.start()
    await scenario_local.decide(scenario_local.schedule("a1"))
    scheduled = (await scenario_local.history(execution))[-1]["activityTaskScheduledEventAttributes"]
    assert {key: scheduled[key] for key in ALL_TIMEOUTS} == ALL_TIMEOUTS


@pytest.mark.local_only(
    "moto's bug: SignalWorkflowExecution without input, or of an unknown execution, is a 500"
)
async def test_signals_without_input_and_to_unknown_executions(scenario_local: Scenario) -> None:
    execution = await scenario_local.start()
    await scenario_local.client.signal_workflow_execution(
        domain=scenario_local.domain, workflowId=execution["workflowId"], signalName="s"
    )
    with pytest.raises(scenario_local.client.exceptions.UnknownResourceFault):
        await scenario_local.client.signal_workflow_execution(
            domain=scenario_local.domain, workflowId="nobody", signalName="s"
        )


@pytest.mark.local_only(
    "moto's bug: a signal schedules a second decision task while one is already scheduled"
)
async def test_at_most_one_decision_task_is_scheduled(scenario_local: Scenario) -> None:
    execution = await scenario_local.start()
    await scenario_local.signal(execution)
    types = await scenario_local.types(execution)
    assert types.count("DecisionTaskScheduled") == 1


@pytest.mark.local_only("moto's bug: open executions are listed oldest first; SWF lists newest first")
async def test_executions_are_listed_newest_first(scenario_local: Scenario) -> None:
    first, second = await scenario_local.start(), await scenario_local.start()
    listed = await scenario_local.client.list_open_workflow_executions(
        domain=scenario_local.domain, startTimeFilter={"oldestDate": 0}
    )
    assert [info["execution"] for info in listed["executionInfos"]] == [second, first]


@pytest.mark.local_only(
    "moto's bug: executionFilter is ignored, typeFilter without a version is a 500, closeStatusFilter finds nothing"
)
async def test_list_filters_work(scenario_local: Scenario) -> None:
    c, domain, epoch = scenario_local.client, scenario_local.domain, {"oldestDate": 0}
    kept = await scenario_local.start()
    await scenario_local.start()
    by_id = await c.list_open_workflow_executions(
        domain=domain, startTimeFilter=epoch, executionFilter={"workflowId": kept["workflowId"]}
    )
    assert [info["execution"] for info in by_id["executionInfos"]] == [kept]
    by_type = await c.list_open_workflow_executions(
        domain=domain, startTimeFilter=epoch, typeFilter={"name": "flow"}
    )
    assert len(by_type["executionInfos"]) == 2
    await c.terminate_workflow_execution(domain=domain, workflowId=kept["workflowId"])
    by_status = await c.list_closed_workflow_executions(
        domain=domain, startTimeFilter=epoch, closeStatusFilter={"status": "TERMINATED"}
    )
    assert [info["execution"] for info in by_status["executionInfos"]] == [kept]


@pytest.mark.local_only("moto's bug: no nextPageToken, ever; maximumPageSize is ignored")
async def test_listings_page(scenario_local: Scenario) -> None:
    for _ in range(3):
        await scenario_local.start()
    page = await scenario_local.client.list_open_workflow_executions(
        domain=scenario_local.domain, startTimeFilter={"oldestDate": 0}, maximumPageSize=2
    )
    assert len(page["executionInfos"]) == 2
    assert page["nextPageToken"]


@pytest.mark.local_only(
    "moto's bug: it lacks CountOpenWorkflowExecutions, CountClosedWorkflowExecutions, DeleteActivityType, "
    "DeleteWorkflowType, RequestCancelWorkflowExecution and RespondActivityTaskCanceled"
)
async def test_the_operations_moto_lacks(scenario_local: Scenario) -> None:
    c, domain, epoch = scenario_local.client, scenario_local.domain, {"oldestDate": 0}
    execution = await scenario_local.start()
    assert (await c.count_open_workflow_executions(domain=domain, startTimeFilter=epoch))["count"] == 1
    await c.request_cancel_workflow_execution(domain=domain, workflowId=execution["workflowId"])
    await scenario_local.decide(scenario_local.schedule("a1"))
    task = await scenario_local.poll_activity()
    await c.respond_activity_task_canceled(taskToken=task["taskToken"], details="d")
    await scenario_local.decide(decision("CancelWorkflowExecution"))
    assert (await c.count_closed_workflow_executions(domain=domain, startTimeFilter=epoch))["count"] == 1
    await c.deprecate_activity_type(domain=domain, activityType=scenario_local.activity_type)
    await c.delete_activity_type(domain=domain, activityType=scenario_local.activity_type)
    await c.deprecate_workflow_type(domain=domain, workflowType=scenario_local.workflow_type)
    await c.delete_workflow_type(domain=domain, workflowType=scenario_local.workflow_type)


@pytest.mark.local_only("moto's bug: CancelTimer records 'TimerCancelled', an event type SWF does not have")
async def test_a_canceled_timer_records_timer_canceled(scenario_local: Scenario) -> None:
    execution = await scenario_local.start()
    await scenario_local.decide(decision("StartTimer", timerId="t", startToFireTimeout="60"))
    await scenario_local.signal(execution)
    await scenario_local.decide(decision("CancelTimer", timerId="t"))
    assert (await scenario_local.types(execution))[-1] == "TimerCanceled"


@pytest.mark.local_only("moto's bug: a closed execution still counts an open decision task")
async def test_a_closed_execution_has_no_open_work(scenario_local: Scenario) -> None:
    execution = await scenario_local.start()
    await scenario_local.client.terminate_workflow_execution(
        domain=scenario_local.domain, workflowId=execution["workflowId"]
    )
    counts = (await scenario_local.describe(execution))["openCounts"]
    assert set(counts.values()) == {0}


@pytest.mark.local_only(
    "moto's bug: a signal while a decision task is out schedules a second one at once, and a close "
    "decision then succeeds instead of failing with UNHANDLED_DECISION"
)
async def test_a_close_decision_with_unhandled_events_fails(scenario_local: Scenario) -> None:
    execution = await scenario_local.start()
    task = await scenario_local.poll_decision()
    await scenario_local.signal(execution)
    await scenario_local.client.respond_decision_task_completed(
        taskToken=task["taskToken"], decisions=[decision("CompleteWorkflowExecution")]
    )
    types = await scenario_local.types(execution)
    assert types[-4:] == [
        "WorkflowExecutionSignaled",
        "DecisionTaskCompleted",
        "CompleteWorkflowExecutionFailed",
        "DecisionTaskScheduled",
    ]
