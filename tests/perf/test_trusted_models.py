"""Models built from SWF's answers skip the validators, and equal what the public constructors build;
user input goes through the constructors and is validated exactly as before."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import attrs
import pytest

import aioswf
from aioswf.exceptions import ValidationError
from aioswf.models import ActivityType, Domain, WorkflowExecution, WorkflowType
from aioswf.models.activity import activity_type_from_api
from aioswf.models.base import trusted
from aioswf.models.domain import domain_from_api
from aioswf.models.task import ActivityTask, DecisionTask
from aioswf.models.workflow import execution_from_api, workflow_type_from_api

WHEN = datetime.datetime(2026, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc)
DOMAIN = Domain("orders")


def test_a_domain_from_swf_equals_the_constructed_one() -> None:
    response = {
        "domainInfo": {"name": "orders", "status": "DEPRECATED", "description": "d", "arn": "arn:x"},
        "configuration": {"workflowExecutionRetentionPeriodInDays": "7"},
    }
    built = domain_from_api(response)
    assert built == Domain("orders", status="DEPRECATED", description="d", retention_period=7, arn="arn:x")
    assert built.raw is response


@pytest.mark.parametrize("configured", [True, False])
def test_a_workflow_type_from_swf_equals_the_constructed_one(configured: bool) -> None:
    info = {
        "workflowType": {"name": "ship", "version": "2"},
        "status": "REGISTERED",
        "creationDate": WHEN,
        "deprecationDate": WHEN.timestamp(),
        "description": "ships",
    }
    config = {
        "defaultTaskList": {"name": "decisions"},
        "defaultChildPolicy": "ABANDON",
        "defaultExecutionStartToCloseTimeout": "3600",
        "defaultTaskStartToCloseTimeout": "NONE",
        "defaultTaskPriority": "5",
        "defaultLambdaRole": "arn:role",
    }
    response: dict[str, Any] = {"typeInfo": info, "configuration": config} if configured else info
    expected_config: dict[str, Any] = (
        {
            "task_list": "decisions",
            "child_policy": "ABANDON",
            "execution_timeout": "3600",
            "decision_tasks_timeout": "NONE",
            "task_priority": "5",
            "lambda_role": "arn:role",
        }
        if configured
        else {"child_policy": None, "execution_timeout": None, "decision_tasks_timeout": None}
    )
    expected = WorkflowType(
        DOMAIN, "ship", "2", creation_date=WHEN, deprecation_date=WHEN, description="ships", **expected_config
    )
    built = workflow_type_from_api(DOMAIN, response)
    assert built == expected
    assert attrs.asdict(built, recurse=False) == attrs.asdict(expected, recurse=False) | {"raw": response}


def test_an_activity_type_from_swf_equals_the_constructed_one() -> None:
    response = {
        "typeInfo": {
            "activityType": {"name": "pack", "version": "1"},
            "status": "REGISTERED",
            "creationDate": WHEN,
        },
        "configuration": {
            "defaultTaskList": {"name": "work"},
            "defaultTaskHeartbeatTimeout": "60",
            "defaultTaskScheduleToCloseTimeout": "NONE",
            "defaultTaskScheduleToStartTimeout": "30",
            "defaultTaskStartToCloseTimeout": "120",
            "defaultTaskPriority": "-3",
        },
    }
    expected = ActivityType(
        DOMAIN,
        "pack",
        "1",
        creation_date=WHEN,
        task_list="work",
        task_heartbeat_timeout=60,
        task_schedule_to_close_timeout="NONE",
        task_schedule_to_start_timeout="30",
        task_start_to_close_timeout=120,
        task_priority=-3,
    )
    assert activity_type_from_api(DOMAIN, response) == expected


def test_an_execution_from_swf_equals_the_constructed_one() -> None:
    response = {
        "executionInfo": {
            "execution": {"workflowId": "w", "runId": "r"},
            "workflowType": {"name": "ship", "version": "2"},
            "startTimestamp": WHEN.timestamp(),
            "executionStatus": "OPEN",
            "tagList": ["a", "b"],
            "cancelRequested": False,
            "parent": {"workflowId": "p", "runId": "pr"},
        },
        "executionConfiguration": {"taskList": {"name": "tl"}, "childPolicy": "TERMINATE"},
        "openCounts": {"openActivityTasks": 1},
    }
    expected = WorkflowExecution(
        DOMAIN,
        "w",
        "r",
        workflow_type=WorkflowType(
            DOMAIN, "ship", "2", child_policy=None, execution_timeout=None, decision_tasks_timeout=None
        ),
        status="OPEN",
        task_list="tl",
        child_policy="TERMINATE",
        tag_list=["a", "b"],
        start_timestamp=WHEN,
        cancel_requested=False,
        parent=("p", "pr"),
    )
    built = execution_from_api(DOMAIN, response)
    assert built == expected
    assert built.tag_list == ("a", "b")
    assert built.start_timestamp == WHEN


@pytest.mark.parametrize("overrides", [False, True])
async def test_a_started_execution_equals_the_constructed_one(
    conn: aioswf.Connection, name: Callable[[str], str], overrides: bool
) -> None:
    domain = await Domain(name("dom"), retention_period=1).save()
    workflow_type = await WorkflowType(
        domain,
        "ship",
        "1",
        task_list="decisions",
        child_policy="TERMINATE",
        execution_timeout=3600,
        decision_tasks_timeout=30,
    ).save()
    options: dict[str, Any] = (
        {
            "task_list": "elsewhere",
            "child_policy": "ABANDON",
            "execution_timeout": 600,
            "decision_tasks_timeout": "20",
            "tag_list": ["a", "b"],
        }
        if overrides
        else {}
    )

    started = await workflow_type.start_execution("order-1", input="in", **options)

    expected = WorkflowExecution(
        domain,
        "order-1",
        started.run_id,
        workflow_type=workflow_type,
        status="OPEN",
        task_list="elsewhere" if overrides else "decisions",
        child_policy="ABANDON" if overrides else "TERMINATE",
        execution_timeout="600" if overrides else "3600",
        decision_tasks_timeout="20" if overrides else "30",
        input="in",
        tag_list=("a", "b") if overrides else (),
    )
    assert started == expected
    assert attrs.asdict(started, recurse=False) == attrs.asdict(expected, recurse=False) | {
        "raw": started.raw
    }


def test_tasks_from_polls_carry_the_same_models() -> None:
    execution = {"workflowId": "w", "runId": "r"}
    decision = DecisionTask.from_poll(
        "orders",
        "tl",
        {
            "taskToken": "t",
            "startedEventId": 3,
            "workflowExecution": execution,
            "workflowType": {"name": "n", "version": "1"},
        },
        [],
    )
    assert decision.workflow_type == WorkflowType(
        DOMAIN, "n", "1", child_policy=None, execution_timeout=None, decision_tasks_timeout=None
    )
    assert decision.workflow_execution == WorkflowExecution(
        DOMAIN, "w", "r", workflow_type=decision.workflow_type
    )
    activity = ActivityTask.from_poll(
        DOMAIN,
        "tl",
        {
            "taskToken": "t",
            "activityId": "a1",
            "activityType": {"name": "pack", "version": "1"},
            "startedEventId": 5,
            "workflowExecution": execution,
        },
    )
    assert activity.activity_type == ActivityType(DOMAIN, "pack", "1")
    assert activity.workflow_execution == WorkflowExecution(DOMAIN, "w", "r")


def test_models_from_swf_are_not_validated_again() -> None:
    # A value no user could construct (a ':' in a name) is taken as SWF gave it: no validator runs.
    built = workflow_type_from_api(DOMAIN, {"workflowType": {"name": "a:b", "version": "1"}})
    assert built.name == "a:b"
    with pytest.raises(ValidationError):
        WorkflowType(DOMAIN, "a:b", "1")


BAD_INPUT: list[tuple[Any, tuple[Any, ...], dict[str, Any], str]] = [
    (Domain, ("",), {}, "name"),
    (Domain, ("a/b",), {}, "name"),
    (Domain, ("ok",), {"status": "GONE"}, "status"),
    (Domain, ("ok",), {"description": "x" * 1025}, "description"),
    (Domain, ("ok",), {"retention_period": 91}, "retention_period"),
    (WorkflowType, (DOMAIN, "n" * 257, "1"), {}, "name"),
    (WorkflowType, (DOMAIN, "n", "v" * 65), {}, "version"),
    (WorkflowType, (DOMAIN, "n", "1"), {"child_policy": "KILL"}, "child_policy"),
    (WorkflowType, (DOMAIN, "n", "1"), {"execution_timeout": "NONE"}, "execution_timeout"),
    (WorkflowType, (DOMAIN, "n", "1"), {"decision_tasks_timeout": -1}, "decision_tasks_timeout"),
    (WorkflowType, (DOMAIN, "n", "1"), {"task_list": "a|b"}, "task_list"),
    (WorkflowType, (DOMAIN, "n", "1"), {"task_priority": "high"}, "task_priority"),
    (ActivityType, (DOMAIN, "arn", "1"), {}, "name"),
    (ActivityType, (DOMAIN, "n", "1"), {"task_heartbeat_timeout": "soon"}, "task_heartbeat_timeout"),
    (ActivityType, (DOMAIN, "n", "1"), {"status": "registered"}, "status"),
    (WorkflowExecution, (DOMAIN, ""), {}, "workflow_id"),
    (WorkflowExecution, (DOMAIN, "w"), {"child_policy": "NOPE"}, "child_policy"),
]


@pytest.mark.parametrize(("cls", "args", "kwargs", "argument"), BAD_INPUT)
def test_user_input_is_validated_as_before(
    cls: Any, args: tuple[Any, ...], kwargs: dict[str, Any], argument: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        cls(*args, **kwargs)
    assert caught.value.argument == argument


@pytest.mark.parametrize(("cls", "args", "kwargs", "argument"), BAD_INPUT)
def test_evolving_a_model_from_swf_validates_the_new_values(
    cls: Any, args: tuple[Any, ...], kwargs: dict[str, Any], argument: str
) -> None:
    good: dict[type, Any] = {
        Domain: Domain("ok"),
        WorkflowType: WorkflowType(DOMAIN, "n", "1"),
        ActivityType: ActivityType(DOMAIN, "n", "1"),
        WorkflowExecution: WorkflowExecution(DOMAIN, "w"),
    }
    names = [field.name for field in attrs.fields(cls) if field.init and not field.kw_only]
    changes = dict(zip(names, args, strict=False)) | kwargs
    if cls is WorkflowType or cls is ActivityType or cls is WorkflowExecution:
        changes.pop("domain", None)
    from_swf = trusted(cls, **attrs.asdict(good[cls], recurse=False))
    with pytest.raises(ValidationError) as caught:
        attrs.evolve(from_swf, **changes)
    assert caught.value.argument == argument


def test_trusted_takes_the_constructors_arguments() -> None:
    assert trusted(Domain, "x", retention_period=3) == Domain("x", retention_period=3)
    with pytest.raises(TypeError):
        trusted(Domain, "x", colour="blue")
    with pytest.raises(TypeError):
        trusted(WorkflowType, DOMAIN)
