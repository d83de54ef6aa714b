"""`DecisionTask` and `ActivityTask`: the work a poll hands to a decider or an activity worker.

Both are values built from a poll's response. Their task token is what the answer to SWF must carry; it is
a credential of sorts (whoever holds it can answer for the task), so it is kept out of ``repr`` and logs.
Log `token_ref` instead: a short, stable digest of the token.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

import attrs

from aioswf import validation
from aioswf.exceptions import ValidationError
from aioswf.models import _fields as fields
from aioswf.models.activity import ActivityType
from aioswf.models.base import trusted
from aioswf.models.domain import Domain
from aioswf.models.history import History
from aioswf.models.workflow import WorkflowExecution, WorkflowType

__all__ = ["ActivityTask", "DecisionTask", "token_ref"]

_T = TypeVar("_T")


def token_ref(task_token: str) -> str:
    """A short digest of a task token, safe to log and enough to tell tasks apart.

    Args:
        task_token: The token SWF handed out with a task.

    Returns:
        Twelve hexadecimal characters of the token's SHA-256.
    """
    return hashlib.sha256(task_token.encode("utf-8", "surrogatepass")).hexdigest()[:12]


def _domain(value: Domain | str) -> Domain:
    return fields.to_domain(value)


def _event_id(value: Any) -> int | None:
    # SWF sends 0 for "no previous decision task"; it is no event id.
    return int(value) if value else None


def _execution(
    domain: Domain, raw: Mapping[str, Any], workflow_type: WorkflowType | None
) -> WorkflowExecution:
    # Built from SWF's answer: no validators (see `trusted`).
    return trusted(
        WorkflowExecution, domain, raw["workflowId"], raw.get("runId"), workflow_type=workflow_type
    )


def _workflow_type(domain: Domain, raw: Mapping[str, Any]) -> WorkflowType:
    # A task names its type without the type's configuration, which stays unknown (None).
    return trusted(
        WorkflowType,
        domain,
        raw["name"],
        raw["version"],
        child_policy=None,
        execution_timeout=None,
        decision_tasks_timeout=None,
    )


@attrs.frozen
class DecisionTask:
    """A decision task: an execution's history for a decider to decide on.

    Attributes:
        domain: The domain the task was polled in.
        task_list: The task list it was polled from.
        task_token: The token to answer with (not shown in ``repr``; log `token_ref` instead).
        started_event_id: The id of this task's ``DecisionTaskStarted`` event.
        previous_started_event_id: The id of the previous processed decision task's ``DecisionTaskStarted``
            event, or ``None`` for the execution's first decision task.
        workflow_execution: The execution to decide for.
        workflow_type: Its workflow type (without configuration).
        history: The execution's full history, every page of it.
        raw: The first page of the poll's response (not compared, not shown).
    """

    domain: Domain = attrs.field(converter=_domain)
    task_list: str
    task_token: str = attrs.field(repr=False)
    started_event_id: int
    previous_started_event_id: int | None
    workflow_execution: WorkflowExecution
    workflow_type: WorkflowType
    history: History
    raw: Mapping[str, Any] | None = attrs.field(default=None, eq=False, repr=False)

    @property
    def token_ref(self) -> str:
        """A short digest of the task token, safe to log."""
        return token_ref(self.task_token)

    @classmethod
    def from_poll(
        cls,
        domain: Domain | str,
        task_list: str,
        response: Mapping[str, Any],
        events: Iterable[Mapping[str, Any]] | None = None,
    ) -> DecisionTask:
        """Builds the task from PollForDecisionTask's response.

        Args:
            domain: The domain polled in (a `Domain`, or its name).
            task_list: The task list polled.
            response: The first page of the response; it must carry a task token.
            events: Every event of every page, when the history came in several pages (default: the
                first page's events).

        Returns:
            The task.

        Raises:
            ValidationError: (a ``ValueError``) when the response carries no task (an empty poll, with
                no ``taskToken`` or an empty one), or lacks what SWF always sends with a task.
        """
        return _from_poll(_decision_task_from_api, "decision", _domain(domain), task_list, response, events)


def _from_poll(build: Callable[..., _T], kind: str, domain: Domain, task_list: str, *args: Any) -> _T:
    response = args[0]
    if not isinstance(response, Mapping):
        raise ValidationError(
            f"a poll's response is a mapping, not {type(response).__name__}",
            argument="response",
            limit="a mapping",
        )
    token = response.get("taskToken")
    if token is None or token == "":
        # AWS leaves the key out of an empty poll's answer; SWF's reference speaks of an empty string.
        raise ValidationError(
            f"the poll returned no {kind} task (an empty poll: no taskToken)",
            argument="response",
            limit="a taskToken",
        )
    validation.check_task_token(token, "taskToken")
    try:
        return build(domain, task_list, *args)
    except (KeyError, TypeError, AttributeError, ValueError) as error:
        missing = f"no {error}" if isinstance(error, KeyError) else f"{type(error).__name__}: {error}"
        raise ValidationError(
            f"the poll's response is not a {kind} task as SWF sends it ({missing})",
            argument="response",
            limit="the shape of SWF's response",
        ) from error


def _decision_task_from_api(
    domain: Domain,
    task_list: str,
    response: Mapping[str, Any],
    events: Iterable[Mapping[str, Any]] | None,
) -> DecisionTask:
    token = response["taskToken"]
    workflow_type = _workflow_type(domain, response["workflowType"])
    if events is None:
        events = response.get("events") or ()
    return DecisionTask(
        domain=domain,
        task_list=task_list,
        task_token=token,
        started_event_id=int(response.get("startedEventId") or 0),
        previous_started_event_id=_event_id(response.get("previousStartedEventId")),
        workflow_execution=_execution(domain, response["workflowExecution"], workflow_type),
        workflow_type=workflow_type,
        history=History.from_raw(events),
        raw=response,
    )


@attrs.frozen
class ActivityTask:
    """An activity task: one piece of work scheduled by a decider, for an activity worker.

    Attributes:
        domain: The domain the task was polled in.
        task_list: The task list it was polled from.
        task_token: The token to answer with (not shown in ``repr``; log `token_ref` instead).
        activity_id: The id the decider gave the activity.
        activity_type: Its activity type (without configuration).
        input: The input the decider gave, if any.
        started_event_id: The id of this task's ``ActivityTaskStarted`` event.
        workflow_execution: The execution that scheduled it.
        raw: The poll's response (not compared, not shown).
    """

    domain: Domain = attrs.field(converter=_domain)
    task_list: str
    task_token: str = attrs.field(repr=False)
    activity_id: str
    activity_type: ActivityType
    input: str | None
    started_event_id: int
    workflow_execution: WorkflowExecution
    raw: Mapping[str, Any] | None = attrs.field(default=None, eq=False, repr=False)

    @property
    def token_ref(self) -> str:
        """A short digest of the task token, safe to log."""
        return token_ref(self.task_token)

    @classmethod
    def from_poll(cls, domain: Domain | str, task_list: str, response: Mapping[str, Any]) -> ActivityTask:
        """Builds the task from PollForActivityTask's response, as the seed's ``ActivityTask.from_poll``.

        Args:
            domain: The domain polled in (a `Domain`, or its name).
            task_list: The task list polled.
            response: The poll's response; it must carry a task token.

        Returns:
            The task.

        Raises:
            ValidationError: (a ``ValueError``) when the response carries no task (an empty poll, with
                no ``taskToken`` or an empty one), or lacks what SWF always sends with a task.
        """
        return _from_poll(_activity_task_from_api, "activity", _domain(domain), task_list, response)


def _activity_task_from_api(domain: Domain, task_list: str, response: Mapping[str, Any]) -> ActivityTask:
    token = response["taskToken"]
    activity_type = response["activityType"]
    return ActivityTask(
        domain=domain,
        task_list=task_list,
        task_token=token,
        activity_id=response["activityId"],
        activity_type=trusted(ActivityType, domain, activity_type["name"], activity_type["version"]),
        input=response.get("input"),
        started_event_id=int(response.get("startedEventId") or 0),
        workflow_execution=_execution(domain, response["workflowExecution"], None),
        raw=response,
    )
