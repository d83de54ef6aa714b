"""Decisions: what a decider answers to a decision task, built and checked before anything is sent.

SWF has 13 decision types; each has a builder here, named as in the seed::

    ActivityTaskDecision.schedule("download-1", ("download", "1"), input='{"url": "..."}')
    ActivityTaskDecision.request_cancel("download-1")
    TimerDecision.start("wait", 60)             TimerDecision.cancel("wait")
    MarkerDecision.record("checkpoint", details="...")
    WorkflowExecutionDecision.complete(result="...")   .fail(reason=...)   .cancel()   .continue_as_new()
    ChildWorkflowExecutionDecision.start(("child", "1"), "child-42")
    ExternalWorkflowExecutionDecision.signal("other-id", "stop")   .request_cancel("other-id")
    LambdaFunctionDecision.schedule("resize-1", "resize-image")

Each builder checks its arguments against SWF's limits and raises `aioswf.exceptions.ValidationError`
naming the argument; nothing is ever truncated. A built `Decision` is a frozen value; `Decision.to_api`
gives the dict SWF expects, and `decisions_to_api` checks a whole response (at most 100 decisions, at
most 1 MiB with the execution context). There is no decision to terminate an execution: SWF has none
(terminating is the ``TerminateWorkflowExecution`` API call, not a decision).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import timedelta
from typing import Any

import attrs
import botocore.session
import botocore.validate

from aioswf import constants, validation
from aioswf.exceptions import ValidationError
from aioswf.models import _limits as limits
from aioswf.models._limits import TypeSpec

__all__ = [
    "DECISION_TYPES",
    "MAX_DECISIONS",
    "MAX_REQUEST_BYTES",
    "ActivityTaskDecision",
    "ChildWorkflowExecutionDecision",
    "Decision",
    "ExternalWorkflowExecutionDecision",
    "LambdaFunctionDecision",
    "MarkerDecision",
    "TimerDecision",
    "WorkflowExecutionDecision",
    "decisions_to_api",
]

#: The most decisions one ``RespondDecisionTaskCompleted`` may carry.
MAX_DECISIONS: int = constants.MAX_DECISIONS
#: The largest size, in bytes of JSON, of a response's decisions and execution context.
MAX_REQUEST_BYTES: int = limits.MAX_REQUEST_BYTES

#: SWF's decision types.
DECISION_TYPES: tuple[str, ...] = (
    "ScheduleActivityTask",
    "RequestCancelActivityTask",
    "CompleteWorkflowExecution",
    "FailWorkflowExecution",
    "CancelWorkflowExecution",
    "ContinueAsNewWorkflowExecution",
    "RecordMarker",
    "StartTimer",
    "CancelTimer",
    "SignalExternalWorkflowExecution",
    "RequestCancelExternalWorkflowExecution",
    "StartChildWorkflowExecution",
    "ScheduleLambdaFunction",
)

Duration = int | str | timedelta


def _attributes_key(decision_type: str) -> str:
    return decision_type[:1].lower() + decision_type[1:] + "DecisionAttributes"


@attrs.frozen
class Decision:
    """One decision, in SWF's terms: a decision type and its attributes.

    Build decisions with the builders of the subclasses, which check every argument; the constructor
    itself takes SWF's shape as is.

    Args:
        type: SWF's decision type, such as ``"ScheduleActivityTask"``.
        attributes: The decision's attributes with SWF's camelCase names, such as ``{"activityId": ...}``.
    """

    type: str
    attributes: Mapping[str, Any] = attrs.field(factory=dict)

    @classmethod
    def from_api(cls, raw: Mapping[str, Any]) -> Decision:
        """Reads a decision written in SWF's own shape, checking it against the service model.

        Args:
            raw: ``{"decisionType": ..., "<decisionType>DecisionAttributes": {...}}``.

        Returns:
            The decision.

        Raises:
            ValidationError: When the decision type is not one of SWF's, or the structure breaks the
                model (missing members, wrong types, lengths, enumerations).
        """
        if not isinstance(raw, Mapping):
            raise ValidationError(
                f"a decision in SWF's shape is a mapping, not {type(raw).__name__}",
                argument="decision",
                limit="a mapping",
            )
        decision_type = raw.get("decisionType")
        if decision_type not in DECISION_TYPES:
            raise ValidationError(
                f"decisionType must be one of SWF's {len(DECISION_TYPES)} decision types, "
                f"got {validation.describe_value(decision_type)}",
                argument="decisionType",
                limit="one of " + ", ".join(DECISION_TYPES),
            )
        key = _attributes_key(decision_type)
        others = sorted(str(name) for name in raw if name not in ("decisionType", key))
        if others:
            raise ValidationError(
                f"{decision_type} takes {key} only; got {', '.join(others)}",
                argument=others[0],
                limit=f"{key} only",
            )
        # The attributes' own required members count even when the attributes are left out: SWF refuses
        # a ScheduleActivityTask without its activityId, though the Decision shape does not require it.
        report = _decision_validator().validate(
            {"decisionType": decision_type, key: raw.get(key, {})}, _decision_shape()
        )
        if report.has_errors():
            raise ValidationError(
                f"{decision_type} does not fit SWF's Decision shape: {report.generate_report()}",
                argument=_attributes_key(decision_type),
                limit="the SWF service model",
            )
        too_long = _over_max(raw, _decision_shape(), "decision")
        if too_long:
            raise ValidationError(
                f"{decision_type}: {too_long}",
                argument=_attributes_key(decision_type),
                limit="the SWF service model",
            )
        return cls(decision_type, _copy(raw.get(_attributes_key(decision_type)) or {}))

    def to_api(self) -> dict[str, Any]:
        """Returns the decision as SWF's ``Decision`` structure.

        Returns:
            ``{"decisionType": ..., "<decisionType>DecisionAttributes": {...}}``.
        """
        return {"decisionType": self.type, _attributes_key(self.type): _copy(self.attributes)}


@functools.cache
def _decision_shape() -> Any:
    return botocore.session.get_session().get_service_model("swf").shape_for("Decision")


@functools.cache
def _decision_validator() -> Any:
    return botocore.validate.ParamValidator()


def _over_max(value: Any, shape: Any, path: str) -> str | None:
    """The first string or list longer than the model's ``max`` allows (botocore checks only ``min``)."""
    limit = shape.metadata.get("max")
    if isinstance(value, str) and limit is not None and len(value) > limit:
        return f"{path} is {len(value)} characters long; SWF allows at most {limit}"
    if shape.type_name == "structure" and isinstance(value, Mapping):
        for name, member in shape.members.items():
            if name in value:
                found = _over_max(value[name], member, f"{path}.{name}")
                if found:
                    return found
    if shape.type_name == "list" and isinstance(value, (list, tuple)):
        if limit is not None and len(value) > limit:
            return f"{path} has {len(value)} items; SWF allows at most {limit}"
        for index, item in enumerate(value):
            found = _over_max(item, shape.member, f"{path}[{index}]")
            if found:
                return found
    return None


def _copy(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {key: _copy(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_copy(item) for item in value]
    return value


@attrs.frozen
class ActivityTaskDecision(Decision):
    """Decisions about activity tasks: `schedule` and `request_cancel`."""

    @classmethod
    def schedule(
        cls,
        activity_id: str,
        activity_type: TypeSpec,
        *,
        input: str | None = None,
        control: str | None = None,
        task_list: str | None = None,
        task_priority: int | str | None = None,
        schedule_to_close_timeout: Duration | None = None,
        schedule_to_start_timeout: Duration | None = None,
        start_to_close_timeout: Duration | None = None,
        heartbeat_timeout: Duration | None = None,
    ) -> ActivityTaskDecision:
        """Schedules an activity task (``ScheduleActivityTask``).

        Args:
            activity_id: The task's id, unique among the execution's open activities.
            activity_type: An `ActivityType`, a ``(name, version)`` pair or ``{"name", "version"}``.
            input: The task's input (a string of at most 32,768 characters).
            control: Data for later decisions, not sent to the worker.
            task_list: The task list to schedule in (default: the type's).
            task_priority: The task's priority (a 32-bit integer).
            schedule_to_close_timeout: Seconds (or ``"NONE"``) for the whole task.
            schedule_to_start_timeout: Seconds (or ``"NONE"``) it may wait for a worker.
            start_to_close_timeout: Seconds (or ``"NONE"``) a worker may take.
            heartbeat_timeout: Seconds (or ``"NONE"``) allowed between heartbeats.

        Returns:
            The decision.

        Raises:
            ValidationError: When an argument breaks SWF's limits.
        """
        return cls(
            "ScheduleActivityTask",
            limits.compact(
                {
                    "activityType": limits.check_type(activity_type, "activity_type"),
                    "activityId": validation.check_name(activity_id, "activity_id", padded=True),
                    "control": validation.check_data(control, "control"),
                    "input": limits.check_input(input),
                    "scheduleToCloseTimeout": limits.check_duration(
                        schedule_to_close_timeout, "schedule_to_close_timeout"
                    ),
                    "taskList": limits.check_task_list(task_list),
                    "taskPriority": validation.check_task_priority(task_priority),
                    "scheduleToStartTimeout": limits.check_duration(
                        schedule_to_start_timeout, "schedule_to_start_timeout"
                    ),
                    "startToCloseTimeout": limits.check_duration(
                        start_to_close_timeout, "start_to_close_timeout"
                    ),
                    "heartbeatTimeout": limits.check_duration(heartbeat_timeout, "heartbeat_timeout"),
                }
            ),
        )

    @classmethod
    def request_cancel(cls, activity_id: str) -> ActivityTaskDecision:
        """Asks for an open activity task to be canceled (``RequestCancelActivityTask``).

        Args:
            activity_id: The task's activity id.

        Returns:
            The decision.

        Raises:
            ValidationError: When the id breaks SWF's rules for names.
        """
        return cls(
            "RequestCancelActivityTask",
            {"activityId": validation.check_name(activity_id, "activity_id", padded=True)},
        )


@attrs.frozen
class TimerDecision(Decision):
    """Decisions about timers: `start` and `cancel`."""

    @classmethod
    def start(
        cls, timer_id: str, start_to_fire_timeout: Duration, *, control: str | None = None
    ) -> TimerDecision:
        """Starts a timer (``StartTimer``).

        Args:
            timer_id: The timer's id, unique among the execution's running timers.
            start_to_fire_timeout: Seconds until it fires (``"NONE"`` is not allowed).
            control: Data for later decisions.

        Returns:
            The decision.

        Raises:
            ValidationError: When an argument breaks SWF's limits.
        """
        timeout = limits.check_duration(start_to_fire_timeout, "start_to_fire_timeout", allow_none=False)
        if timeout is None:
            raise ValidationError(
                "start_to_fire_timeout is required", argument="start_to_fire_timeout", limit="required"
            )
        return cls(
            "StartTimer",
            limits.compact(
                {
                    "timerId": validation.check_name(timer_id, "timer_id", padded=True),
                    "control": validation.check_data(control, "control"),
                    "startToFireTimeout": timeout,
                }
            ),
        )

    @classmethod
    def cancel(cls, timer_id: str) -> TimerDecision:
        """Cancels a running timer (``CancelTimer``).

        Args:
            timer_id: The timer's id.

        Returns:
            The decision.

        Raises:
            ValidationError: When the id breaks SWF's rules for names.
        """
        return cls("CancelTimer", {"timerId": validation.check_name(timer_id, "timer_id", padded=True)})


@attrs.frozen
class MarkerDecision(Decision):
    """Decisions that record markers in the history: `record`."""

    @classmethod
    def record(cls, name: str, *, details: str | None = None) -> MarkerDecision:
        """Records a marker (``RecordMarker``).

        Args:
            name: The marker's name (markers may share a name).
            details: The marker's details (at most 32,768 characters).

        Returns:
            The decision.

        Raises:
            ValidationError: When an argument breaks SWF's limits.
        """
        return cls(
            "RecordMarker",
            limits.compact(
                {
                    "markerName": limits.check_text(
                        name, "name", min_length=1, max_length=limits.MAX_FREE_NAME_LENGTH
                    ),
                    "details": validation.check_data(details, "details"),
                }
            ),
        )


@attrs.frozen
class WorkflowExecutionDecision(Decision):
    """Decisions that close the execution: `complete`, `fail`, `cancel` and `continue_as_new`."""

    @classmethod
    def complete(cls, *, result: str | None = None) -> WorkflowExecutionDecision:
        """Completes the execution (``CompleteWorkflowExecution``).

        Args:
            result: The execution's result (at most 32,768 characters).

        Returns:
            The decision.

        Raises:
            ValidationError: When the result is not a string or is too long.
        """
        return cls(
            "CompleteWorkflowExecution", limits.compact({"result": limits.check_input(result, "result")})
        )

    @classmethod
    def fail(cls, *, reason: str | None = None, details: str | None = None) -> WorkflowExecutionDecision:
        """Fails the execution (``FailWorkflowExecution``).

        Args:
            reason: Why (at most 256 characters).
            details: Details (at most 32,768 characters).

        Returns:
            The decision.

        Raises:
            ValidationError: When an argument is too long.
        """
        return cls(
            "FailWorkflowExecution",
            limits.compact(
                {
                    "reason": validation.check_reason(reason),
                    "details": validation.check_data(details, "details"),
                }
            ),
        )

    @classmethod
    def cancel(cls, *, details: str | None = None) -> WorkflowExecutionDecision:
        """Closes the execution as canceled (``CancelWorkflowExecution``).

        Args:
            details: Details (at most 32,768 characters).

        Returns:
            The decision.

        Raises:
            ValidationError: When the details are too long.
        """
        return cls(
            "CancelWorkflowExecution", limits.compact({"details": validation.check_data(details, "details")})
        )

    @classmethod
    def continue_as_new(
        cls,
        *,
        input: str | None = None,
        execution_start_to_close_timeout: Duration | None = None,
        task_list: str | None = None,
        task_priority: int | str | None = None,
        task_start_to_close_timeout: Duration | None = None,
        child_policy: str | None = None,
        tag_list: Sequence[str] | None = None,
        workflow_type_version: str | None = None,
        lambda_role: str | None = None,
    ) -> WorkflowExecutionDecision:
        """Closes the execution and starts a new run with the same workflow id (``ContinueAsNewWorkflowExecution``).

        Args:
            input: The new run's input.
            execution_start_to_close_timeout: Seconds (or ``"NONE"``) for the new run.
            task_list: The new run's decision task list.
            task_priority: The new run's decision task priority.
            task_start_to_close_timeout: Seconds (or ``"NONE"``) for its decision tasks.
            child_policy: ``TERMINATE``, ``REQUEST_CANCEL`` or ``ABANDON``.
            tag_list: At most 5 tags of at most 256 characters.
            workflow_type_version: The version of the workflow type for the new run.
            lambda_role: The IAM role (ARN) for its Lambda tasks.

        Returns:
            The decision.

        Raises:
            ValidationError: When an argument breaks SWF's limits.
        """
        tags = validation.check_tags(tag_list)
        return cls(
            "ContinueAsNewWorkflowExecution",
            limits.compact(
                {
                    "input": limits.check_input(input),
                    "executionStartToCloseTimeout": limits.check_duration(
                        execution_start_to_close_timeout, "execution_start_to_close_timeout"
                    ),
                    "taskList": limits.check_task_list(task_list),
                    "taskPriority": validation.check_task_priority(task_priority),
                    "taskStartToCloseTimeout": limits.check_duration(
                        task_start_to_close_timeout, "task_start_to_close_timeout"
                    ),
                    "childPolicy": validation.check_child_policy(child_policy),
                    "tagList": tags,
                    "workflowTypeVersion": None
                    if workflow_type_version is None
                    else validation.check_version(workflow_type_version, "workflow_type_version"),
                    "lambdaRole": limits.check_optional_text(
                        lambda_role, "lambda_role", max_length=limits.MAX_ARN_LENGTH
                    ),
                }
            ),
        )


@attrs.frozen
class ChildWorkflowExecutionDecision(Decision):
    """Decisions that start child workflow executions: `start`."""

    @classmethod
    def start(
        cls,
        workflow_type: TypeSpec,
        workflow_id: str,
        *,
        input: str | None = None,
        control: str | None = None,
        execution_start_to_close_timeout: Duration | None = None,
        task_list: str | None = None,
        task_priority: int | str | None = None,
        task_start_to_close_timeout: Duration | None = None,
        child_policy: str | None = None,
        tag_list: Sequence[str] | None = None,
        lambda_role: str | None = None,
    ) -> ChildWorkflowExecutionDecision:
        """Starts a child workflow execution (``StartChildWorkflowExecution``).

        Args:
            workflow_type: A `WorkflowType`, a ``(name, version)`` pair or ``{"name", "version"}``.
            workflow_id: The child's workflow id.
            input: The child's input.
            control: Data for later decisions, not sent to the child.
            execution_start_to_close_timeout: Seconds (or ``"NONE"``) for the child.
            task_list: The child's decision task list.
            task_priority: The child's decision task priority.
            task_start_to_close_timeout: Seconds (or ``"NONE"``) for its decision tasks.
            child_policy: ``TERMINATE``, ``REQUEST_CANCEL`` or ``ABANDON``, for the child's own children.
            tag_list: At most 5 tags of at most 256 characters.
            lambda_role: The IAM role (ARN) for its Lambda tasks.

        Returns:
            The decision.

        Raises:
            ValidationError: When an argument breaks SWF's limits.
        """
        tags = validation.check_tags(tag_list)
        return cls(
            "StartChildWorkflowExecution",
            limits.compact(
                {
                    "workflowType": limits.check_type(workflow_type, "workflow_type"),
                    "workflowId": validation.check_name(workflow_id, "workflow_id"),
                    "control": validation.check_data(control, "control"),
                    "input": limits.check_input(input),
                    "executionStartToCloseTimeout": limits.check_duration(
                        execution_start_to_close_timeout, "execution_start_to_close_timeout"
                    ),
                    "taskList": limits.check_task_list(task_list),
                    "taskPriority": validation.check_task_priority(task_priority),
                    "taskStartToCloseTimeout": limits.check_duration(
                        task_start_to_close_timeout, "task_start_to_close_timeout"
                    ),
                    "childPolicy": validation.check_child_policy(child_policy),
                    "tagList": tags,
                    "lambdaRole": limits.check_optional_text(
                        lambda_role, "lambda_role", max_length=limits.MAX_ARN_LENGTH
                    ),
                }
            ),
        )


@attrs.frozen
class ExternalWorkflowExecutionDecision(Decision):
    """Decisions about other executions: `signal` and `request_cancel`."""

    @classmethod
    def signal(
        cls,
        workflow_id: str,
        signal_name: str,
        *,
        run_id: str | None = None,
        input: str | None = None,
        control: str | None = None,
    ) -> ExternalWorkflowExecutionDecision:
        """Signals another execution (``SignalExternalWorkflowExecution``).

        Args:
            workflow_id: The target's workflow id.
            signal_name: The signal's name.
            run_id: The target's run id (default: its open run).
            input: The signal's input.
            control: Data for later decisions, not sent to the target.

        Returns:
            The decision.

        Raises:
            ValidationError: When an argument breaks SWF's limits.
        """
        return cls(
            "SignalExternalWorkflowExecution",
            limits.compact(
                {
                    "workflowId": validation.check_name(workflow_id, "workflow_id"),
                    "runId": limits.check_optional_text(
                        run_id, "run_id", max_length=limits.MAX_RUN_ID_LENGTH
                    ),
                    "signalName": limits.check_text(
                        signal_name, "signal_name", min_length=1, max_length=limits.MAX_FREE_NAME_LENGTH
                    ),
                    "input": limits.check_input(input),
                    "control": validation.check_data(control, "control"),
                }
            ),
        )

    @classmethod
    def request_cancel(
        cls, workflow_id: str, *, run_id: str | None = None, control: str | None = None
    ) -> ExternalWorkflowExecutionDecision:
        """Asks another execution to cancel (``RequestCancelExternalWorkflowExecution``).

        Args:
            workflow_id: The target's workflow id.
            run_id: The target's run id (default: its open run).
            control: Data for later decisions.

        Returns:
            The decision.

        Raises:
            ValidationError: When an argument breaks SWF's limits.
        """
        return cls(
            "RequestCancelExternalWorkflowExecution",
            limits.compact(
                {
                    "workflowId": validation.check_name(workflow_id, "workflow_id"),
                    "runId": limits.check_optional_text(
                        run_id, "run_id", max_length=limits.MAX_RUN_ID_LENGTH
                    ),
                    "control": validation.check_data(control, "control"),
                }
            ),
        )


@attrs.frozen
class LambdaFunctionDecision(Decision):
    """Decisions that schedule AWS Lambda tasks: `schedule`."""

    @classmethod
    def schedule(
        cls,
        function_id: str,
        name: str,
        *,
        input: str | None = None,
        control: str | None = None,
        start_to_close_timeout: Duration | None = None,
    ) -> LambdaFunctionDecision:
        """Schedules a Lambda task (``ScheduleLambdaFunction``).

        Args:
            function_id: The task's id in the history.
            name: The Lambda function's name or ARN (at most 64 characters).
            input: The function's input.
            control: Data for later decisions, not sent to the function.
            start_to_close_timeout: 1 to 900 seconds (SWF's default: 900).

        Returns:
            The decision.

        Raises:
            ValidationError: When an argument breaks SWF's limits.
        """
        return cls(
            "ScheduleLambdaFunction",
            limits.compact(
                {
                    "id": limits.check_text(
                        function_id, "function_id", min_length=1, max_length=limits.MAX_FREE_NAME_LENGTH
                    ),
                    "name": limits.check_text(
                        name, "name", min_length=1, max_length=limits.MAX_FUNCTION_NAME_LENGTH
                    ),
                    "control": validation.check_data(control, "control"),
                    "input": limits.check_input(input),
                    "startToCloseTimeout": limits.check_lambda_timeout(start_to_close_timeout),
                }
            ),
        )


def decisions_to_api(
    decisions: Iterable[Decision], *, execution_context: str | None = None
) -> list[dict[str, Any]]:
    """Checks the decisions of one response against SWF's limits and returns them in SWF's shape.

    Args:
        decisions: The decisions, in order.
        execution_context: The execution context that goes with them, if any.

    Returns:
        The ``decisions`` list for ``RespondDecisionTaskCompleted``.

    Raises:
        ValidationError: When there are more than 100 decisions, when they and the execution context are
            larger than 1 MiB as JSON, when the context is longer than 32,768 characters, or when an item
            is not a `Decision`.
    """
    items = list(decisions)
    for index, decision in enumerate(items):
        if not isinstance(decision, Decision):
            raise ValidationError(
                f"decisions[{index}] must be a Decision, not {type(decision).__name__}",
                argument=f"decisions[{index}]",
                limit="a Decision",
            )
    if len(items) > MAX_DECISIONS:
        raise ValidationError(
            f"{len(items)} decisions in one response; SWF allows at most {MAX_DECISIONS}. "
            "Send the rest in a later decision task.",
            argument="decisions",
            limit=f"at most {MAX_DECISIONS} decisions",
        )
    validation.check_data(execution_context, "execution_context")
    payload = [decision.to_api() for decision in items]
    size = len(json.dumps({"decisions": payload, "executionContext": execution_context}).encode())
    if size > MAX_REQUEST_BYTES:
        raise ValidationError(
            f"the decisions and execution context take {size} bytes; SWF accepts at most {MAX_REQUEST_BYTES}",
            argument="decisions",
            limit=f"at most {MAX_REQUEST_BYTES} bytes",
        )
    return payload
