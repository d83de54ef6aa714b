"""Decision builders: every decision SWF accepts, checked against SWF's limits before sending."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import attrs
import botocore.session
import pytest
from botocore.validate import ParamValidator

from aioswf.exceptions import ValidationError
from aioswf.models.decision import (
    DECISION_TYPES,
    MAX_DECISIONS,
    MAX_REQUEST_BYTES,
    ActivityTaskDecision,
    ChildWorkflowExecutionDecision,
    Decision,
    ExternalWorkflowExecutionDecision,
    LambdaFunctionDecision,
    MarkerDecision,
    TimerDecision,
    WorkflowExecutionDecision,
    decisions_to_api,
)

SERVICE_MODEL = botocore.session.get_session().get_service_model("swf")
RESPOND_SHAPE = SERVICE_MODEL.operation_model("RespondDecisionTaskCompleted").input_shape


@attrs.frozen
class NamedType:
    name: str
    version: str


def assert_swf_accepts(*decisions: Decision, execution_context: str | None = None) -> None:
    params: dict[str, Any] = {"taskToken": "token", "decisions": decisions_to_api(decisions)}
    if execution_context is not None:
        params["executionContext"] = execution_context
    report = ParamValidator().validate(params, RESPOND_SHAPE)
    assert not report.has_errors(), report.generate_report()


MINIMAL: dict[str, Callable[[], Decision]] = {
    "ScheduleActivityTask": lambda: ActivityTaskDecision.schedule("download-1", ("download", "1")),
    "RequestCancelActivityTask": lambda: ActivityTaskDecision.request_cancel("download-1"),
    "CompleteWorkflowExecution": lambda: WorkflowExecutionDecision.complete(),
    "FailWorkflowExecution": lambda: WorkflowExecutionDecision.fail(),
    "CancelWorkflowExecution": lambda: WorkflowExecutionDecision.cancel(),
    "ContinueAsNewWorkflowExecution": lambda: WorkflowExecutionDecision.continue_as_new(),
    "RecordMarker": lambda: MarkerDecision.record("checkpoint"),
    "StartTimer": lambda: TimerDecision.start("wait", 0),
    "CancelTimer": lambda: TimerDecision.cancel("wait"),
    "SignalExternalWorkflowExecution": lambda: ExternalWorkflowExecutionDecision.signal("other", "stop"),
    "RequestCancelExternalWorkflowExecution": lambda: ExternalWorkflowExecutionDecision.request_cancel(
        "other"
    ),
    "StartChildWorkflowExecution": lambda: ChildWorkflowExecutionDecision.start(("child", "1"), "child-1"),
    "ScheduleLambdaFunction": lambda: LambdaFunctionDecision.schedule("resize-1", "resize"),
}

FULL: dict[str, Callable[[], Decision]] = {
    "ScheduleActivityTask": lambda: ActivityTaskDecision.schedule(
        "download-1",
        NamedType("download", "1"),
        input='{"url": "https://example.com"}',
        control="c",
        task_list="downloads",
        task_priority=-5,
        schedule_to_close_timeout="NONE",
        schedule_to_start_timeout=timedelta(minutes=5),
        start_to_close_timeout=60,
        heartbeat_timeout="30",
    ),
    "RequestCancelActivityTask": lambda: ActivityTaskDecision.request_cancel("x" * 256),
    "CompleteWorkflowExecution": lambda: WorkflowExecutionDecision.complete(result="r" * 32_768),
    "FailWorkflowExecution": lambda: WorkflowExecutionDecision.fail(reason="r" * 256, details="d" * 32_768),
    "CancelWorkflowExecution": lambda: WorkflowExecutionDecision.cancel(details="d"),
    "ContinueAsNewWorkflowExecution": lambda: WorkflowExecutionDecision.continue_as_new(
        input="i",
        execution_start_to_close_timeout=3600,
        task_list="decisions",
        task_priority="2147483647",
        task_start_to_close_timeout="NONE",
        child_policy="ABANDON",
        tag_list=["a", "b", "c", "d", "e" * 256],
        workflow_type_version="v" * 64,
        lambda_role="arn:aws:iam::123456789012:role/swf-lambda",
    ),
    "RecordMarker": lambda: MarkerDecision.record("checkpoint: step/1", details="d"),
    "StartTimer": lambda: TimerDecision.start("wait", 99_999_999, control="c"),
    "CancelTimer": lambda: TimerDecision.cancel("wait"),
    "SignalExternalWorkflowExecution": lambda: ExternalWorkflowExecutionDecision.signal(
        "other", "stop", run_id="r" * 64, input="i", control="c"
    ),
    "RequestCancelExternalWorkflowExecution": lambda: ExternalWorkflowExecutionDecision.request_cancel(
        "other", run_id="run", control="c"
    ),
    "StartChildWorkflowExecution": lambda: ChildWorkflowExecutionDecision.start(
        {"name": "child", "version": "1"},
        "child-1",
        input="i",
        control="c",
        execution_start_to_close_timeout="NONE",
        task_list="children",
        task_priority=0,
        task_start_to_close_timeout=30,
        child_policy="REQUEST_CANCEL",
        tag_list=[],
        lambda_role="arn:aws:iam::123456789012:role/r",
    ),
    "ScheduleLambdaFunction": lambda: LambdaFunctionDecision.schedule(
        "resize-1", "n" * 64, input="i", control="c", start_to_close_timeout=900
    ),
}


def test_builders_cover_every_decision_type_of_the_service_model() -> None:
    assert (
        set(MINIMAL) == set(FULL) == set(DECISION_TYPES) == set(SERVICE_MODEL.shape_for("DecisionType").enum)
    )


@pytest.mark.parametrize("decision_type", DECISION_TYPES)
def test_decision_with_minimal_arguments_passes_botocore_validation(decision_type: str) -> None:
    decision = MINIMAL[decision_type]()
    assert decision.type == decision_type
    assert_swf_accepts(decision)


@pytest.mark.parametrize("decision_type", DECISION_TYPES)
def test_decision_with_every_argument_passes_botocore_validation(decision_type: str) -> None:
    decision = FULL[decision_type]()
    assert decision.type == decision_type
    assert_swf_accepts(decision)


@pytest.mark.parametrize("decision_type", DECISION_TYPES)
def test_decision_with_every_argument_sets_every_attribute_of_the_model(decision_type: str) -> None:
    key = decision_type[0].lower() + decision_type[1:] + "DecisionAttributes"
    shape = SERVICE_MODEL.shape_for("Decision").members[key]
    assert set(FULL[decision_type]().to_api()[key]) == set(shape.members)


def test_all_decisions_fit_in_one_response() -> None:
    assert_swf_accepts(*(build() for build in MINIMAL.values()), execution_context="ctx")


def test_schedule_activity_task_has_swf_shape() -> None:
    decision = ActivityTaskDecision.schedule(
        "a1", ("download", "1"), input="x", start_to_close_timeout=timedelta(seconds=90)
    )
    assert decision.to_api() == {
        "decisionType": "ScheduleActivityTask",
        "scheduleActivityTaskDecisionAttributes": {
            "activityId": "a1",
            "activityType": {"name": "download", "version": "1"},
            "input": "x",
            "startToCloseTimeout": "90",
        },
    }


def test_to_api_returns_a_copy_the_caller_may_change() -> None:
    decision = ActivityTaskDecision.schedule("a1", ("download", "1"))
    decision.to_api()["scheduleActivityTaskDecisionAttributes"]["activityType"]["name"] = "changed"
    assert decision.attributes["activityType"]["name"] == "download"


def test_decisions_are_frozen_values() -> None:
    decision = TimerDecision.start("t", 10)
    assert decision == TimerDecision.start("t", 10)
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        decision.type = "CancelTimer"  # type: ignore[misc]


def test_there_is_no_terminate_decision_because_swf_has_none() -> None:
    assert not hasattr(WorkflowExecutionDecision, "terminate")
    assert "TerminateWorkflowExecution" not in DECISION_TYPES


@pytest.mark.parametrize(
    ("build", "argument"),
    [
        (lambda: ActivityTaskDecision.schedule("a:1", ("t", "1")), "activity_id"),
        (lambda: ActivityTaskDecision.schedule("arn", ("t", "1")), "activity_id"),
        (lambda: ActivityTaskDecision.schedule("", ("t", "1")), "activity_id"),
        (lambda: ActivityTaskDecision.schedule("a\x00", ("t", "1")), "activity_id"),
        (lambda: ActivityTaskDecision.schedule("a" * 257, ("t", "1")), "activity_id"),
        (lambda: ActivityTaskDecision.schedule("a", ("t/x", "1")), "activity_type.name"),
        (lambda: ActivityTaskDecision.schedule("a", ("t", "v" * 65)), "activity_type.version"),
        (lambda: ActivityTaskDecision.schedule("a", "t"), "activity_type"),  # type: ignore[arg-type]
        (lambda: ActivityTaskDecision.schedule("a", ("t", "1"), input="x" * 32_769), "input"),
        (lambda: ActivityTaskDecision.schedule("a", ("t", "1"), input={"k": 1}), "input"),  # type: ignore[arg-type]
        (lambda: ActivityTaskDecision.schedule("a", ("t", "1"), control="x" * 32_769), "control"),
        (lambda: ActivityTaskDecision.schedule("a", ("t", "1"), task_list=" padded"), "task_list"),
        (lambda: ActivityTaskDecision.schedule("a", ("t", "1"), task_priority=2**31), "task_priority"),
        (lambda: ActivityTaskDecision.schedule("a", ("t", "1"), heartbeat_timeout=-1), "heartbeat_timeout"),
        (
            lambda: ActivityTaskDecision.schedule("a", ("t", "1"), heartbeat_timeout="1.5"),
            "heartbeat_timeout",
        ),
        (
            lambda: ActivityTaskDecision.schedule(
                "a", ("t", "1"), start_to_close_timeout=timedelta(seconds=1.5)
            ),
            "start_to_close_timeout",
        ),
        (
            lambda: ActivityTaskDecision.schedule("a", ("t", "1"), schedule_to_close_timeout=10**8),
            "schedule_to_close_timeout",
        ),
        (lambda: ActivityTaskDecision.request_cancel("a|b"), "activity_id"),
        (lambda: TimerDecision.start("t", "NONE"), "start_to_fire_timeout"),
        (lambda: TimerDecision.start("t", None), "start_to_fire_timeout"),  # type: ignore[arg-type]
        (lambda: TimerDecision.cancel(""), "timer_id"),
        (lambda: MarkerDecision.record(""), "name"),
        (lambda: MarkerDecision.record("m", details="d" * 32_769), "details"),
        (lambda: WorkflowExecutionDecision.complete(result="r" * 32_769), "result"),
        (lambda: WorkflowExecutionDecision.fail(reason="r" * 257), "reason"),
        (lambda: WorkflowExecutionDecision.cancel(details="d" * 32_769), "details"),
        (lambda: WorkflowExecutionDecision.continue_as_new(child_policy="KILL"), "child_policy"),
        (lambda: WorkflowExecutionDecision.continue_as_new(tag_list=list("abcdef")), "tag_list"),
        (lambda: WorkflowExecutionDecision.continue_as_new(tag_list=["t" * 257]), "tag_list[0]"),
        (
            lambda: WorkflowExecutionDecision.continue_as_new(workflow_type_version=""),
            "workflow_type_version",
        ),
        (lambda: WorkflowExecutionDecision.continue_as_new(lambda_role="r" * 1601), "lambda_role"),
        (lambda: ChildWorkflowExecutionDecision.start(("c", "1"), "w:1"), "workflow_id"),
        (lambda: ChildWorkflowExecutionDecision.start(("c", "1"), "w", tag_list="tag"), "tag_list"),
        (lambda: ExternalWorkflowExecutionDecision.signal("w", ""), "signal_name"),
        (lambda: ExternalWorkflowExecutionDecision.signal("w", "s", run_id="r" * 65), "run_id"),
        (lambda: ExternalWorkflowExecutionDecision.request_cancel("w", control="c" * 32_769), "control"),
        (lambda: LambdaFunctionDecision.schedule("f", "n" * 65), "name"),
        (
            lambda: LambdaFunctionDecision.schedule("f", "n", start_to_close_timeout=0),
            "start_to_close_timeout",
        ),
        (
            lambda: LambdaFunctionDecision.schedule("f", "n", start_to_close_timeout=901),
            "start_to_close_timeout",
        ),
    ],
)
def test_arguments_beyond_swf_limits_are_refused_naming_the_argument(
    build: Callable[[], Decision], argument: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        build()
    assert caught.value.argument == argument
    assert caught.value.limit


def test_a_validation_error_is_also_a_value_error() -> None:
    with pytest.raises(ValueError, match="32768"):
        WorkflowExecutionDecision.complete(result="r" * 40_000)


def test_one_hundred_decisions_are_accepted() -> None:
    decisions = [MarkerDecision.record(f"m{index}") for index in range(MAX_DECISIONS)]
    assert len(decisions_to_api(decisions)) == 100


def test_more_than_one_hundred_decisions_are_refused() -> None:
    decisions = [MarkerDecision.record(f"m{index}") for index in range(MAX_DECISIONS + 1)]
    with pytest.raises(ValidationError, match="at most 100") as caught:
        decisions_to_api(decisions)
    assert caught.value.argument == "decisions"


def test_decisions_larger_than_a_request_are_refused_not_truncated() -> None:
    decisions = [MarkerDecision.record(f"m{index}", details="d" * 32_768) for index in range(40)]
    assert sum(len(d.attributes["details"]) for d in decisions) > MAX_REQUEST_BYTES
    with pytest.raises(ValidationError, match="bytes") as caught:
        decisions_to_api(decisions)
    assert caught.value.limit == f"at most {MAX_REQUEST_BYTES} bytes"


def test_an_execution_context_beyond_the_limit_is_refused() -> None:
    with pytest.raises(ValidationError) as caught:
        decisions_to_api([], execution_context="c" * 32_769)
    assert caught.value.argument == "execution_context"


def test_only_decisions_are_accepted_in_a_response() -> None:
    raw: Any = {"decisionType": "CompleteWorkflowExecution"}
    with pytest.raises(ValidationError, match=r"decisions\[1\]"):
        decisions_to_api([WorkflowExecutionDecision.complete(), raw])


def test_a_decision_in_swfs_own_shape_is_read_back() -> None:
    built = ActivityTaskDecision.schedule("a1", ("step", "1"), input="x")
    assert Decision.from_api(built.to_api()).to_api() == built.to_api()


@pytest.mark.parametrize(
    ("raw", "argument"),
    [
        ({"decisionType": "TerminateWorkflowExecution"}, "decisionType"),
        (
            {"decisionType": "StartTimer", "startTimerDecisionAttributes": {"timerId": "t"}},
            "startTimerDecisionAttributes",
        ),
        (
            {
                "decisionType": "RecordMarker",
                "recordMarkerDecisionAttributes": {"markerName": "m", "details": 3},
            },
            "recordMarkerDecisionAttributes",
        ),
        (
            {
                "decisionType": "CompleteWorkflowExecution",
                "completeWorkflowExecutionDecisionAttributes": {"result": "x" * 32_769},
            },
            "completeWorkflowExecutionDecisionAttributes",
        ),
    ],
)
def test_a_raw_decision_that_breaks_the_model_is_refused(raw: dict, argument: str) -> None:
    with pytest.raises(ValidationError) as caught:
        Decision.from_api(raw)
    assert caught.value.argument == argument
