"""Every SWF limit is checked before any request, with an error naming the argument and the limit."""

from __future__ import annotations

import pytest

import aioswf
from aioswf import validation
from aioswf.exceptions import InvalidKeywordArgumentError, ValidationError
from aioswf.local import LocalSWF
from aioswf.models import ActivityType, Domain, WorkflowExecution, WorkflowType
from aioswf.querysets import DomainQuerySet, WorkflowExecutionQuerySet, WorkflowTypeQuerySet

BAD_NAMES = [
    pytest.param("", id="empty"),
    pytest.param("x" * 257, id="257-chars"),
    pytest.param("a:b", id="colon"),
    pytest.param("a/b", id="slash"),
    pytest.param("a|b", id="pipe"),
    pytest.param("a\nb", id="newline"),
    pytest.param("a\x7fb", id="del"),
    pytest.param("a\x85b", id="c1-control"),
    pytest.param("arn", id="literal-arn"),
]


@pytest.mark.parametrize("bad", BAD_NAMES)
async def test_bad_domain_names_are_refused_before_any_request(conn, sent, bad: str) -> None:
    with pytest.raises(ValidationError) as caught:
        await DomainQuerySet().get(bad)
    assert caught.value.argument == "name"
    assert caught.value.limit
    assert len(sent) == 0


@pytest.mark.parametrize("bad", BAD_NAMES)
def test_bad_names_are_refused_when_building_a_model(bad: str) -> None:
    with pytest.raises(ValidationError, match="name"):
        Domain(bad)
    with pytest.raises(ValidationError, match="name"):
        WorkflowType("d", bad, "1")
    with pytest.raises(ValidationError, match="name"):
        ActivityType("d", bad, "1")


def test_a_256_character_name_is_fine() -> None:
    assert Domain("x" * 256).name == "x" * 256


def test_versions_allow_64_characters() -> None:
    WorkflowType("d", "w", "v" * 64)
    with pytest.raises(ValidationError) as caught:
        WorkflowType("d", "w", "v" * 65)
    assert caught.value.argument == "version"
    assert "64" in str(caught.value)


@pytest.mark.parametrize("days", [-1, 91, 1.5, "seven", None])
def test_retention_period_is_0_to_90_days(days: object) -> None:
    if days is None:
        assert Domain("d", retention_period=None).retention_period is None
        return
    with pytest.raises(ValidationError) as caught:
        Domain("d", retention_period=days)  # type: ignore[arg-type]
    assert caught.value.argument == "retention_period"
    assert caught.value.limit == "0-90 days"


@pytest.mark.parametrize("days", [0, 1, 90, "30"])
def test_valid_retention_periods_are_kept_as_numbers(days: object) -> None:
    assert Domain("d", retention_period=days).retention_period == int(days)  # type: ignore[arg-type]


def test_a_retention_of_none_keeps_no_history_like_zero() -> None:
    assert validation.check_retention_period("NONE") == "NONE"
    assert Domain("d", retention_period="NONE").retention_period == 0  # type: ignore[arg-type]


async def test_a_domain_given_retention_none_registers_keeping_zero_days(local_swf: LocalSWF) -> None:
    async with local_swf.connection() as conn:
        domain = await Domain("none-kept", retention_period="NONE").save()  # type: ignore[arg-type]
        described = await conn.call("DescribeDomain", name=domain.name)
    assert described["configuration"]["workflowExecutionRetentionPeriodInDays"] == "0"


async def test_registering_a_domain_without_retention_is_refused(conn, sent) -> None:
    with pytest.raises(ValidationError, match="retention_period"):
        await Domain("d", retention_period=None).save()
    assert len(sent) == 0


@pytest.mark.parametrize(
    ("value", "expected"),
    [(300, "300"), ("300", "300"), (0, "0"), ("NONE", "NONE"), ("none", "NONE"), (None, None)],
)
def test_timeouts_are_whole_seconds_or_none(value: object, expected: str | None) -> None:
    assert ActivityType("d", "a", "1", task_heartbeat_timeout=value).task_heartbeat_timeout == expected


@pytest.mark.parametrize("value", [-1, 1.5, "5m", "", True, 123456789])
def test_bad_timeouts_are_refused(value: object) -> None:
    with pytest.raises(ValidationError) as caught:
        ActivityType("d", "a", "1", task_start_to_close_timeout=value)
    assert caught.value.argument == "task_start_to_close_timeout"


def test_execution_timeout_cannot_be_unlimited() -> None:
    with pytest.raises(ValidationError, match="NONE") as caught:
        WorkflowType("d", "w", "1", execution_timeout="NONE")
    assert caught.value.argument == "execution_timeout"


def test_child_policy_must_be_one_of_swfs() -> None:
    with pytest.raises(ValidationError) as caught:
        WorkflowType("d", "w", "1", child_policy="KILL")
    assert caught.value.argument == "child_policy"
    assert "TERMINATE" in str(caught.value)


def test_descriptions_are_at_most_1024_characters() -> None:
    Domain("d", description="x" * 1024)
    with pytest.raises(ValidationError) as caught:
        Domain("d", description="x" * 1025)
    assert caught.value.argument == "description"


async def test_an_input_over_32768_characters_is_refused_not_truncated(conn, sent) -> None:
    workflow_type = WorkflowType("d", "w", "1")
    with pytest.raises(ValidationError) as caught:
        await workflow_type.start_execution(input="x" * 32_769)
    assert caught.value.argument == "input"
    assert "32768" in str(caught.value)
    assert len(sent) == 0


@pytest.mark.parametrize(
    ("kwargs", "argument"),
    [
        ({"tag_list": ["a", "b", "c", "d", "e", "f"]}, "tag_list"),
        ({"tag_list": ["x" * 257]}, "tag_list[0]"),
        ({"tag_list": "a-string"}, "tag_list"),
        ({"workflow_id": "a:b"}, "workflow_id"),
        ({"task_list": "a|b"}, "task_list"),
        ({"child_policy": "NOPE"}, "child_policy"),
        ({"execution_timeout": "NONE"}, "execution_timeout"),
        ({"decision_tasks_timeout": -5}, "decision_tasks_timeout"),
    ],
)
async def test_start_execution_arguments_are_checked_before_sending(
    conn, sent, kwargs: dict, argument: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        await WorkflowType("d", "w", "1").start_execution(**kwargs)
    assert caught.value.argument == argument
    assert len(sent) == 0


async def test_signal_arguments_are_checked_before_sending(conn, sent) -> None:
    execution = WorkflowExecution("d", "wid", "rid")
    with pytest.raises(ValidationError) as caught:
        await execution.signal("x" * 257)
    assert caught.value.argument == "signal_name"
    with pytest.raises(ValidationError) as caught:
        await execution.signal("ok", input="x" * 40_000)
    assert caught.value.argument == "input"
    assert len(sent) == 0


async def test_terminate_reason_is_at_most_256_characters(conn, sent) -> None:
    with pytest.raises(ValidationError) as caught:
        await WorkflowExecution("d", "wid", "rid").terminate(reason="r" * 257)
    assert caught.value.argument == "reason"
    assert caught.value.limit == "at most 256 characters"
    assert len(sent) == 0


async def test_terminate_details_are_at_most_32768_characters(conn, sent) -> None:
    with pytest.raises(ValidationError) as caught:
        await WorkflowExecution("d", "wid", "rid").terminate(details="d" * 32_769)
    assert caught.value.argument == "details"
    assert len(sent) == 0


@pytest.mark.parametrize("size", [0, 1001, -3])
def test_page_sizes_are_1_to_1000(conn, size: int) -> None:
    with pytest.raises(ValidationError) as caught:
        DomainQuerySet().all(page_size=size)
    assert caught.value.argument == "page_size"


def test_registration_status_must_be_swfs(conn) -> None:
    with pytest.raises(ValidationError) as caught:
        WorkflowTypeQuerySet("d").filter(registration_status="ACTIVE")
    assert caught.value.argument == "registration_status"


def test_unknown_execution_filter_keywords_are_refused() -> None:
    with pytest.raises(InvalidKeywordArgumentError, match="colour"):
        WorkflowExecutionQuerySet("d").filter(colour="red")


@pytest.mark.parametrize(
    "kwargs",
    [
        {"tag": "t", "workflow_id": "w"},
        {"workflow_type_name": "n", "tag": "t"},
        {"status": "CLOSED", "close_status": "FAILED", "workflow_id": "w"},
    ],
)
def test_only_one_of_the_exclusive_execution_filters_at_a_time(kwargs: dict) -> None:
    with pytest.raises(ValidationError, match="only one"):
        WorkflowExecutionQuerySet("d").filter(**kwargs)


@pytest.mark.parametrize("keyword", ["close_status", "close_oldest_date", "close_latest_date"])
def test_close_filters_apply_to_closed_executions_only(keyword: str) -> None:
    value = "COMPLETED" if keyword == "close_status" else 1
    with pytest.raises(ValidationError, match="CLOSED") as caught:
        WorkflowExecutionQuerySet("d").filter(status="OPEN", **{keyword: value})
    assert caught.value.argument == keyword


def test_closed_executions_filter_by_one_time_window() -> None:
    with pytest.raises(ValidationError, match="not both"):
        WorkflowExecutionQuerySet("d").filter(status="CLOSED", start_oldest_date=3, close_oldest_date=2)


def test_a_type_version_filter_needs_the_type_name() -> None:
    with pytest.raises(ValidationError) as caught:
        WorkflowExecutionQuerySet("d").filter(workflow_type_version="1")
    assert caught.value.argument == "workflow_type_version"


def test_close_status_must_be_swfs() -> None:
    with pytest.raises(ValidationError) as caught:
        WorkflowExecutionQuerySet("d").filter(status="CLOSED", close_status="DONE")
    assert caught.value.argument == "close_status"


def test_execution_status_must_be_open_or_closed() -> None:
    with pytest.raises(ValidationError) as caught:
        WorkflowExecutionQuerySet("d").filter(status="RUNNING")
    assert caught.value.argument == "status"


async def test_an_execution_without_run_id_cannot_be_described(conn, sent) -> None:
    with pytest.raises(ValidationError) as caught:
        await WorkflowExecution("d", "wid").describe()
    assert caught.value.argument == "run_id"
    assert len(sent) == 0


def test_validation_errors_are_value_errors() -> None:
    with pytest.raises(ValueError, match="name"):
        Domain("")
    assert issubclass(aioswf.ValidationError, ValueError)
