"""Executions: start and its faults, signals, cancel requests, termination, describe, history, visibility."""

from __future__ import annotations

import time
from typing import Any

import pytest
from swf_scenario import Scenario, attributes, decision, event_types, unique

EPOCH = {"oldestDate": 0}


async def test_a_start_records_the_resolved_settings_and_schedules_a_decision(scenario: Scenario) -> None:
    execution = await scenario.start(input="x", tagList=["t1", "t2"], taskPriority="5")
    events = await scenario.history(execution)
    assert event_types(events) == ["WorkflowExecutionStarted", "DecisionTaskScheduled"]
    started = attributes(events[0])
    assert started["input"] == "x"
    assert started["tagList"] == ["t1", "t2"]
    assert started["taskList"] == {"name": scenario.decisions}
    assert started["executionStartToCloseTimeout"] == "3600"
    assert started["childPolicy"] == "TERMINATE"
    assert attributes(events[1])["taskPriority"] == "5"


async def test_start_faults(scenario: Scenario) -> None:
    client = scenario.client
    execution = await scenario.start()
    with pytest.raises(client.exceptions.WorkflowExecutionAlreadyStartedFault):
        await scenario.start(execution["workflowId"])
    with pytest.raises(client.exceptions.UnknownResourceFault):
        await client.start_workflow_execution(
            domain=scenario.domain, workflowId="x", workflowType={"name": "nope", "version": "1"}
        )
    await client.register_workflow_type(domain=scenario.domain, name="bare", version="1")
    with pytest.raises(client.exceptions.DefaultUndefinedFault):
        await client.start_workflow_execution(
            domain=scenario.domain, workflowId="x", workflowType={"name": "bare", "version": "1"}
        )
    await client.deprecate_workflow_type(
        domain=scenario.domain, workflowType={"name": "bare", "version": "1"}
    )
    with pytest.raises(client.exceptions.TypeDeprecatedFault):
        await client.start_workflow_execution(
            domain=scenario.domain, workflowId="x", workflowType={"name": "bare", "version": "1"}
        )


async def test_a_workflow_id_is_reusable_once_its_execution_closed(scenario: Scenario) -> None:
    first = await scenario.start("same")
    await scenario.client.terminate_workflow_execution(domain=scenario.domain, workflowId="same")
    second = await scenario.start("same")
    assert first["runId"] != second["runId"]


async def test_a_signal_is_recorded_and_wakes_the_decider(scenario: Scenario) -> None:
    execution = await scenario.start()
    await scenario.decide()
    await scenario.client.signal_workflow_execution(
        domain=scenario.domain, workflowId=execution["workflowId"], signalName="go", input="now"
    )
    task = await scenario.poll_decision()
    signaled = [e for e in task["events"] if e["eventType"] == "WorkflowExecutionSignaled"]
    assert attributes(signaled[0]) == {"signalName": "go", "input": "now"}
    with pytest.raises(scenario.client.exceptions.UnknownResourceFault):
        await scenario.client.signal_workflow_execution(
            domain=scenario.domain, workflowId=execution["workflowId"], runId="wrong", signalName="go"
        )


async def test_a_cancel_request_sets_cancel_requested(scenario: Scenario) -> None:
    execution = await scenario.start()
    await scenario.client.request_cancel_workflow_execution(
        domain=scenario.domain, workflowId=execution["workflowId"]
    )
    assert (await scenario.describe(execution))["executionInfo"]["cancelRequested"] is True
    task = await scenario.decide(decision("CancelWorkflowExecution", details="bye"))
    assert "WorkflowExecutionCancelRequested" in event_types(task["events"])
    events = await scenario.history(execution)
    assert events[-1]["eventType"] == "WorkflowExecutionCanceled"
    assert attributes(events[-1])["details"] == "bye"


async def test_terminate_records_reason_details_and_child_policy(scenario: Scenario) -> None:
    execution = await scenario.start()
    await scenario.client.terminate_workflow_execution(
        domain=scenario.domain,
        workflowId=execution["workflowId"],
        reason="r",
        details="d",
        childPolicy="ABANDON",
    )
    events = await scenario.history(execution)
    assert attributes(events[-1]) == {
        "reason": "r",
        "details": "d",
        "childPolicy": "ABANDON",
        "cause": "OPERATOR_INITIATED",
    }
    assert (await scenario.describe(execution))["executionInfo"]["closeStatus"] == "TERMINATED"
    with pytest.raises(scenario.client.exceptions.UnknownResourceFault):
        await scenario.client.terminate_workflow_execution(
            domain=scenario.domain, workflowId=execution["workflowId"]
        )


async def test_describe_counts_open_work_and_keeps_the_latest_context(scenario: Scenario) -> None:
    execution = await scenario.start()
    await scenario.decide(
        scenario.schedule("a1"),
        scenario.schedule("a2"),
        decision("StartTimer", timerId="t", startToFireTimeout="100"),
        executionContext="ctx",
    )
    described = await scenario.describe(execution)
    assert described["openCounts"] == {
        "openActivityTasks": 2,
        "openDecisionTasks": 0,
        "openTimers": 1,
        "openChildWorkflowExecutions": 0,
        "openLambdaFunctions": 0,
    }
    assert described["latestExecutionContext"] == "ctx"
    assert "latestActivityTaskTimestamp" in described


async def test_history_pages_and_reverses(scenario: Scenario) -> None:
    execution = await scenario.start()
    for index in range(3):
        await scenario.client.signal_workflow_execution(
            domain=scenario.domain, workflowId=execution["workflowId"], signalName=f"s{index}"
        )
    events = await scenario.history(execution)
    ids = [e["eventId"] for e in events]
    assert ids == list(range(1, len(ids) + 1))
    page = await scenario.client.get_workflow_execution_history(
        domain=scenario.domain, execution=execution, maximumPageSize=2, reverseOrder=True
    )
    assert [e["eventId"] for e in page["events"]] == ids[::-1][:2]
    rest = await scenario.client.get_workflow_execution_history(
        domain=scenario.domain,
        execution=execution,
        maximumPageSize=2,
        reverseOrder=True,
        nextPageToken=page["nextPageToken"],
    )
    assert [e["eventId"] for e in rest["events"]] == ids[::-1][2:4]


async def test_a_decision_task_history_pages_through_poll_with_the_same_token(scenario: Scenario) -> None:
    execution = await scenario.start()
    for index in range(5):
        await scenario.client.signal_workflow_execution(
            domain=scenario.domain, workflowId=execution["workflowId"], signalName=f"s{index}"
        )
    first = await scenario.poll_decision(maximumPageSize=3)
    assert len(first["events"]) == 3
    second = await scenario.client.poll_for_decision_task(
        domain=scenario.domain,
        taskList={"name": scenario.decisions},
        maximumPageSize=3,
        nextPageToken=first["nextPageToken"],
    )
    assert second["taskToken"] == first["taskToken"]
    assert [e["eventId"] for e in second["events"]] == [4, 5, 6]


async def test_start_at_previous_started_event_skips_what_the_decider_saw(scenario: Scenario) -> None:
    execution = await scenario.start()
    first = await scenario.decide()
    await scenario.client.signal_workflow_execution(
        domain=scenario.domain, workflowId=execution["workflowId"], signalName="s"
    )
    task = await scenario.poll_decision(startAtPreviousStartedEvent=True)
    assert task["previousStartedEventId"] == first["startedEventId"]
    assert task["events"][0]["eventId"] == first["startedEventId"]


async def _populate(scenario: Scenario) -> dict[str, Any]:
    client = scenario.client
    await client.register_workflow_type(
        domain=scenario.domain,
        name="other",
        version="2",
        defaultTaskList={"name": scenario.decisions},
        defaultExecutionStartToCloseTimeout="60",
        defaultTaskStartToCloseTimeout="10",
        defaultChildPolicy="ABANDON",
    )
    tagged = await scenario.start(tagList=["blue"])
    plain = await scenario.start()
    other = await client.start_workflow_execution(
        domain=scenario.domain, workflowId="other-wf", workflowType={"name": "other", "version": "2"}
    )
    done = await scenario.start(tagList=["blue"])
    await client.terminate_workflow_execution(domain=scenario.domain, workflowId=done["workflowId"])
    failed = await scenario.start()
    await client.terminate_workflow_execution(domain=scenario.domain, workflowId=failed["workflowId"])
    return {"tagged": tagged, "plain": plain, "other": other, "done": done, "failed": failed}


async def test_open_executions_are_listed_newest_first_with_each_filter(scenario: Scenario) -> None:
    made = await _populate(scenario)
    client, domain = scenario.client, scenario.domain
    listed = await client.list_open_workflow_executions(domain=domain, startTimeFilter=EPOCH)
    ids = [i["execution"]["workflowId"] for i in listed["executionInfos"]]
    assert ids == ["other-wf", made["plain"]["workflowId"], made["tagged"]["workflowId"]]
    assert [
        i["execution"]["workflowId"]
        for i in (
            await client.list_open_workflow_executions(
                domain=domain, startTimeFilter=EPOCH, reverseOrder=True
            )
        )["executionInfos"]
    ] == ids[::-1]
    by_tag = await client.list_open_workflow_executions(
        domain=domain, startTimeFilter=EPOCH, tagFilter={"tag": "blue"}
    )
    assert [i["execution"] for i in by_tag["executionInfos"]] == [made["tagged"]]
    by_type = await client.list_open_workflow_executions(
        domain=domain, startTimeFilter=EPOCH, typeFilter={"name": "other", "version": "2"}
    )
    assert [i["execution"]["workflowId"] for i in by_type["executionInfos"]] == ["other-wf"]
    by_id = await client.list_open_workflow_executions(
        domain=domain, startTimeFilter=EPOCH, executionFilter={"workflowId": made["plain"]["workflowId"]}
    )
    assert [i["execution"] for i in by_id["executionInfos"]] == [made["plain"]]
    future = await client.list_open_workflow_executions(
        domain=domain, startTimeFilter={"oldestDate": time.time() + 3600}
    )
    assert future["executionInfos"] == []
    page = await client.list_open_workflow_executions(domain=domain, startTimeFilter=EPOCH, maximumPageSize=2)
    assert len(page["executionInfos"]) == 2
    rest = await client.list_open_workflow_executions(
        domain=domain, startTimeFilter=EPOCH, maximumPageSize=2, nextPageToken=page["nextPageToken"]
    )
    assert len(rest["executionInfos"]) == 1
    count = await client.count_open_workflow_executions(
        domain=domain, startTimeFilter=EPOCH, tagFilter={"tag": "blue"}
    )
    assert (count["count"], count["truncated"]) == (1, False)


async def test_closed_executions_are_listed_with_close_filters(scenario: Scenario) -> None:
    made = await _populate(scenario)
    client, domain = scenario.client, scenario.domain
    by_close = await client.list_closed_workflow_executions(domain=domain, closeTimeFilter=EPOCH)
    assert [i["execution"] for i in by_close["executionInfos"]] == [made["failed"], made["done"]]
    assert {i["closeStatus"] for i in by_close["executionInfos"]} == {"TERMINATED"}
    by_status = await client.list_closed_workflow_executions(
        domain=domain, startTimeFilter=EPOCH, closeStatusFilter={"status": "COMPLETED"}
    )
    assert by_status["executionInfos"] == []
    by_tag = await client.list_closed_workflow_executions(
        domain=domain, startTimeFilter=EPOCH, tagFilter={"tag": "blue"}
    )
    assert [i["execution"] for i in by_tag["executionInfos"]] == [made["done"]]
    by_id = await client.list_closed_workflow_executions(
        domain=domain, startTimeFilter=EPOCH, executionFilter={"workflowId": made["failed"]["workflowId"]}
    )
    assert [i["execution"] for i in by_id["executionInfos"]] == [made["failed"]]
    count = await client.count_closed_workflow_executions(
        domain=domain, closeTimeFilter=EPOCH, closeStatusFilter={"status": "TERMINATED"}
    )
    assert count["count"] == 2


async def test_list_filters_that_swf_makes_exclusive_are_refused(scenario: Scenario) -> None:
    with pytest.raises(scenario.client.exceptions.ClientError) as caught:
        await scenario.client.list_closed_workflow_executions(
            domain=scenario.domain, startTimeFilter=EPOCH, closeTimeFilter=EPOCH
        )
    assert caught.value.response["Error"]["Code"] == "ValidationException"
    with pytest.raises(scenario.client.exceptions.ClientError):
        await scenario.client.list_open_workflow_executions(
            domain=scenario.domain,
            startTimeFilter=EPOCH,
            tagFilter={"tag": "a"},
            executionFilter={"workflowId": unique("x")},
        )


async def test_pending_tasks_are_counted_per_task_list(scenario: Scenario) -> None:
    for _ in range(3):
        await scenario.start()
    count = await scenario.client.count_pending_decision_tasks(
        domain=scenario.domain, taskList={"name": scenario.decisions}
    )
    assert count == {**count, "count": 3, "truncated": False}
    await scenario.decide(scenario.schedule("a1"), scenario.schedule("a2"))
    activities = await scenario.client.count_pending_activity_tasks(
        domain=scenario.domain, taskList={"name": scenario.activities}
    )
    assert activities["count"] == 2
    decisions = await scenario.client.count_pending_decision_tasks(
        domain=scenario.domain, taskList={"name": scenario.decisions}
    )
    assert decisions["count"] == 2


async def test_botocore_paginators_walk_every_paginated_operation(scenario: Scenario) -> None:
    client, domain = scenario.client, scenario.domain
    paginated = sorted(client.meta.service_model.operation_names)
    paginated = [name for name in paginated if client.can_paginate(_snake(name))]
    assert len(paginated) == 7
    for index in range(3):
        await client.register_activity_type(domain=domain, name=f"extra{index}", version="1")
        await client.register_workflow_type(domain=domain, name=f"extra{index}", version="1")
    execution = await scenario.start()
    for _ in range(3):
        await scenario.start()
    for index in range(4):
        await scenario.signal(execution, f"s{index}")
    await client.terminate_workflow_execution(domain=domain, workflowId=execution["workflowId"])
    await scenario.start()
    calls = {
        "get_workflow_execution_history": {"domain": domain, "execution": execution},
        "list_activity_types": {"domain": domain, "registrationStatus": "REGISTERED"},
        "list_workflow_types": {"domain": domain, "registrationStatus": "REGISTERED"},
        "list_domains": {"registrationStatus": "REGISTERED"},
        "list_open_workflow_executions": {"domain": domain, "startTimeFilter": EPOCH},
        "list_closed_workflow_executions": {"domain": domain, "startTimeFilter": EPOCH},
        "poll_for_decision_task": {"domain": domain, "taskList": {"name": scenario.decisions}},
    }
    for method, params in calls.items():
        key = {"get_workflow_execution_history": "events", "poll_for_decision_task": "events"}.get(method)
        whole = await getattr(client, method)(**params) if method != "poll_for_decision_task" else None
        pages = [
            page
            async for page in client.get_paginator(method).paginate(
                **params, PaginationConfig={"PageSize": 1}
            )
        ]
        items = [item for page in pages for item in page[key or _items_key(page)]]
        assert len(pages) == len(items), method
        if whole is not None:
            assert items == whole[key or _items_key(whole)], method
        else:
            assert [event["eventId"] for event in items] == list(range(1, len(items) + 1))


def _snake(name: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name).lstrip("_")


def _items_key(page: dict[str, Any]) -> str:
    return next(key for key in ("domainInfos", "typeInfos", "executionInfos", "events") if key in page)


async def test_executions_started_in_the_same_millisecond_are_listed_newest_created_first(
    manual_scenario: Any,
) -> None:
    scenario = await manual_scenario()  # a clock that stands still: every start has the same timestamp
    client, domain = scenario.client, scenario.domain
    made = [(await scenario.start(f"same-{index}"))["workflowId"] for index in range(5)]

    async def listed(operation: str, **extra: Any) -> list[str]:
        page = await getattr(client, operation)(domain=domain, **extra)
        return [info["execution"]["workflowId"] for info in page["executionInfos"]]

    assert await listed("list_open_workflow_executions", startTimeFilter=EPOCH) == made[::-1]
    assert await listed("list_open_workflow_executions", startTimeFilter=EPOCH, reverseOrder=True) == made
    for workflow_id in made:
        await client.terminate_workflow_execution(domain=domain, workflowId=workflow_id)
    assert await listed("list_closed_workflow_executions", startTimeFilter=EPOCH) == made[::-1]
    assert await listed("list_closed_workflow_executions", closeTimeFilter=EPOCH) == made[::-1]
    assert await listed("list_closed_workflow_executions", closeTimeFilter=EPOCH, reverseOrder=True) == made
