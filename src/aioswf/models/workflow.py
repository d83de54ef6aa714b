"""`WorkflowType` and `WorkflowExecution`."""

from __future__ import annotations

import time
import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar

import anyio
import attrs

from aioswf import constants, validation
from aioswf.exceptions import UnexpectedResponseError, ValidationError
from aioswf.models import _fields as fields
from aioswf.models.base import BaseModel, to_datetime, trusted
from aioswf.models.domain import Domain
from aioswf.models.registered import RegisteredType

if TYPE_CHECKING:
    from aioswf.connection import Connection, PageIterator
    from aioswf.models.history import History

__all__ = ["ExecutionOutcome", "HistoryPages", "WorkflowExecution", "WorkflowType"]


@attrs.frozen
class WorkflowType(RegisteredType):
    """A workflow type: a name and version registered in a domain, with defaults for its executions.

    Args:
        domain: The domain (a `Domain`, or its name).
        name: The type's name.
        version: The type's version (at most 64 characters).
        status: ``REGISTERED`` or ``DEPRECATED``.
        creation_date: When SWF registered it.
        deprecation_date: When SWF deprecated it.
        task_list: Default decision task list of its executions.
        child_policy: Default child policy: ``TERMINATE``, ``REQUEST_CANCEL`` or ``ABANDON``.
        execution_timeout: Default execution start-to-close timeout, seconds (``"NONE"`` not allowed).
        decision_tasks_timeout: Default decision task start-to-close timeout, seconds or ``"NONE"``.
        description: A description (at most 1,024 characters).
        task_priority: Default decision task priority.
        lambda_role: Default IAM role for Lambda functions.
        connection: The connection to use (default: the current one).

    Raises:
        ValidationError: When an argument breaks SWF's limits.
    """

    _compared: ClassVar[tuple[str, ...]] = (
        "status",
        "task_list",
        "child_policy",
        "execution_timeout",
        "decision_tasks_timeout",
        "description",
        "task_priority",
        "lambda_role",
        "creation_date",
        "deprecation_date",
    )

    _kind = "workflowType"

    child_policy: str | None = attrs.field(
        default=constants.TERMINATE, kw_only=True, validator=fields.check_child_policy
    )
    execution_timeout: str | None = attrs.field(
        default="300", kw_only=True, converter=fields.execution_timeout
    )
    decision_tasks_timeout: str | None = attrs.field(
        default="300", kw_only=True, converter=fields.decision_tasks_timeout
    )
    lambda_role: str | None = attrs.field(default=None, kw_only=True, validator=fields.check_arn)

    async def save(self) -> WorkflowType:
        """Registers the workflow type on SWF.

        Returns:
            The type itself.

        Raises:
            TypeAlreadyExistsError: When the name and version are registered already.
            DomainDoesNotExist: When the domain does not exist.
        """
        params = self._registration()
        fields.put(params, "defaultTaskStartToCloseTimeout", self.decision_tasks_timeout)
        fields.put(params, "defaultExecutionStartToCloseTimeout", self.execution_timeout)
        fields.put(params, "defaultChildPolicy", self.child_policy)
        fields.put(params, "defaultLambdaRole", self.lambda_role)
        await self._connection("save").call("RegisterWorkflowType", **params)
        return self

    def _from_response(self, response: Mapping[str, Any]) -> WorkflowType:
        return workflow_type_from_api(self.domain, response, connection=self.connection)

    async def start_execution(
        self,
        workflow_id: str | None = None,
        task_list: str | None = None,
        child_policy: str | None = None,
        execution_timeout: str | int | None = None,
        input: str | None = None,
        tag_list: Sequence[str] | None = None,
        decision_tasks_timeout: str | int | None = None,
        *,
        task_priority: str | int | None = None,
        lambda_role: str | None = None,
    ) -> WorkflowExecution:
        """Starts an execution of this workflow type.

        Args:
            workflow_id: The execution's id; by default ``<name>-<version>-<timestamp>-<random>``, unique.
            task_list: Decision task list (default: the type's).
            child_policy: Child policy (default: the type's).
            execution_timeout: Start-to-close timeout in seconds (default: the type's).
            input: The execution's input (at most 32,768 characters).
            tag_list: Up to 5 tags of up to 256 characters.
            decision_tasks_timeout: Decision task start-to-close timeout (default: the type's).
            task_priority: Decision task priority (default: the type's).
            lambda_role: IAM role for Lambda functions (default: the type's).

        Returns:
            The started execution, with its run id.

        Raises:
            ValidationError: When an argument breaks SWF's limits (nothing is sent).
            WorkflowExecutionAlreadyStartedError: When an open execution has that workflow id.
            DefaultUndefinedError: When a value is neither given nor defaulted by the type.
        """
        if workflow_id is None:
            workflow_id = _default_workflow_id(self.name, self.version)
        validation.check_name(workflow_id, "workflow_id")
        if task_list is not None:
            validation.check_name(task_list, "task_list")
        child_policy = validation.check_child_policy(child_policy)
        execution_timeout_s = validation.check_timeout(
            execution_timeout, "execution_timeout", allow_none=False
        )
        decision_timeout_s = validation.check_timeout(decision_tasks_timeout, "decision_tasks_timeout")
        validation.check_data(input, "input")
        tags = validation.check_tags(tag_list)
        priority = validation.check_task_priority(task_priority)
        validation.check_arn(lambda_role, "lambda_role")
        params: dict[str, Any] = {**self._key(), "workflowId": workflow_id}
        if task_list is not None:
            params["taskList"] = {"name": task_list}
        fields.put(params, "childPolicy", child_policy)
        fields.put(params, "executionStartToCloseTimeout", execution_timeout_s)
        fields.put(params, "taskStartToCloseTimeout", decision_timeout_s)
        fields.put(params, "input", input)
        fields.put(params, "tagList", tags)
        fields.put(params, "taskPriority", priority)
        fields.put(params, "lambdaRole", lambda_role)
        response = await self._connection("start_execution").call("StartWorkflowExecution", **params)
        run_id = response.get("runId")
        if not isinstance(run_id, str) or not run_id:
            raise UnexpectedResponseError(
                "StartWorkflowExecution", "UnexpectedResponse", "the answer carries no runId"
            )
        # Every argument was checked above and the run id is SWF's: no validator needs to run again.
        return trusted(
            WorkflowExecution,
            self.domain,
            workflow_id,
            run_id,
            workflow_type=self,
            status=constants.OPEN,
            task_list=task_list or self.task_list,
            child_policy=child_policy or self.child_policy,
            execution_timeout=execution_timeout_s or self.execution_timeout,
            decision_tasks_timeout=decision_timeout_s or self.decision_tasks_timeout,
            input=input,
            tag_list=tuple(tags or ()),
            connection=self.connection,
            raw=response,
        )


def _default_workflow_id(name: str, version: str) -> str:
    suffix = f"-{int(time.time())}-{uuid.uuid4().hex[:12]}"
    prefix = f"{name}-{version}"
    return prefix[: constants.MAX_NAME_LENGTH - len(suffix)] + suffix


def workflow_type_from_api(
    domain: Domain, response: Mapping[str, Any], *, connection: Connection | None = None
) -> WorkflowType:
    """Builds a `WorkflowType` from DescribeWorkflowType's response or a ListWorkflowTypes ``typeInfos`` entry.

    A listing entry carries no configuration: those attributes are ``None`` (unknown).
    """
    info = response.get("typeInfo", response)
    config = response.get("configuration")
    wtype = info["workflowType"]
    common: dict[str, Any] = {
        "status": info.get("status", constants.REGISTERED),
        "creation_date": info.get("creationDate"),
        "deprecation_date": info.get("deprecationDate"),
        "description": info.get("description"),
        "connection": connection,
        "raw": response,
    }
    # Built from SWF's answer: no validators (see `trusted`).
    if config is None:
        return trusted(
            WorkflowType,
            domain,
            wtype["name"],
            wtype["version"],
            child_policy=None,
            execution_timeout=None,
            decision_tasks_timeout=None,
            **common,
        )
    return trusted(
        WorkflowType,
        domain,
        wtype["name"],
        wtype["version"],
        task_list=(config.get("defaultTaskList") or {}).get("name"),
        child_policy=config.get("defaultChildPolicy"),
        execution_timeout=config.get("defaultExecutionStartToCloseTimeout"),
        decision_tasks_timeout=config.get("defaultTaskStartToCloseTimeout"),
        task_priority=config.get("defaultTaskPriority"),
        lambda_role=config.get("defaultLambdaRole"),
        **common,
    )


@attrs.frozen
class ExecutionOutcome:
    """How a closed workflow execution ended.

    Attributes:
        close_status: ``COMPLETED``, ``FAILED``, ``CANCELED``, ``TERMINATED``, ``CONTINUED_AS_NEW`` or
            ``TIMED_OUT``.
        result: The result given on completion.
        reason: The reason given on failure or termination.
        details: The details given on failure, cancellation or termination.
        new_run_id: The run id of the new run, when the execution continued as new.
    """

    close_status: str
    result: str | None = None
    reason: str | None = None
    details: str | None = None
    new_run_id: str | None = None


_CLOSE_EVENTS = {
    "WorkflowExecutionCompleted": "workflowExecutionCompletedEventAttributes",
    "WorkflowExecutionFailed": "workflowExecutionFailedEventAttributes",
    "WorkflowExecutionCanceled": "workflowExecutionCanceledEventAttributes",
    "WorkflowExecutionTerminated": "workflowExecutionTerminatedEventAttributes",
    "WorkflowExecutionContinuedAsNew": "workflowExecutionContinuedAsNewEventAttributes",
    "WorkflowExecutionTimedOut": "workflowExecutionTimedOutEventAttributes",
}


def _type_from_execution(domain: Domain, wtype: Mapping[str, Any] | None) -> WorkflowType | None:
    if not wtype:
        return None
    return trusted(
        WorkflowType,
        domain,
        wtype["name"],
        wtype["version"],
        child_policy=None,
        execution_timeout=None,
        decision_tasks_timeout=None,
    )


@attrs.frozen
class WorkflowExecution(BaseModel):
    """One run of a workflow type, identified by its workflow id and run id.

    Args:
        domain: The domain (a `Domain`, or its name).
        workflow_id: The user-given workflow id.
        run_id: SWF's run id (``None`` before it is started).
        workflow_type: The execution's `WorkflowType`.
        status: ``OPEN`` or ``CLOSED``.
        task_list: Its decision task list.
        child_policy: Its child policy.
        execution_timeout: Its start-to-close timeout, seconds.
        input: Its input, when known (SWF reports it only in the history).
        tag_list: Its tags.
        decision_tasks_timeout: Its decision task start-to-close timeout.
        close_status: How it closed, once closed.
        start_timestamp: When it started.
        close_timestamp: When it closed.
        cancel_requested: Whether a cancellation was requested.
        parent: ``(workflow_id, run_id)`` of the parent execution, for a child workflow.
        open_counts: Open activity tasks, decision tasks, timers, child executions and Lambda functions
            (from `describe`).
        latest_activity_task_timestamp: When the last activity task was scheduled (from `describe`).
        latest_execution_context: The latest execution context a decider gave (from `describe`).
        connection: The connection to use (default: the current one).

    Raises:
        ValidationError: When an argument breaks SWF's limits.
    """

    _compared: ClassVar[tuple[str, ...]] = (
        "status",
        "close_status",
        "cancel_requested",
        "task_list",
        "child_policy",
        "execution_timeout",
        "decision_tasks_timeout",
        "tag_list",
        "start_timestamp",
        "close_timestamp",
    )

    domain: Domain = attrs.field(converter=fields.to_domain)
    workflow_id: str = attrs.field(validator=fields.check_name)
    run_id: str | None = attrs.field(default=None, validator=fields.check_run_id)
    workflow_type: WorkflowType | None = attrs.field(default=None, kw_only=True)
    status: str | None = attrs.field(default=None, kw_only=True)
    task_list: str | None = attrs.field(default=None, kw_only=True)
    child_policy: str | None = attrs.field(default=None, kw_only=True, validator=fields.check_child_policy)
    execution_timeout: str | None = attrs.field(default=None, kw_only=True)
    input: str | None = attrs.field(default=None, kw_only=True)
    tag_list: tuple[str, ...] | None = attrs.field(default=None, kw_only=True, converter=fields.to_tags)
    decision_tasks_timeout: str | None = attrs.field(default=None, kw_only=True)
    close_status: str | None = attrs.field(default=None, kw_only=True)
    start_timestamp: datetime | None = attrs.field(default=None, kw_only=True, converter=to_datetime)
    close_timestamp: datetime | None = attrs.field(default=None, kw_only=True, converter=to_datetime)
    cancel_requested: bool | None = attrs.field(default=None, kw_only=True)
    parent: tuple[str, str] | None = attrs.field(default=None, kw_only=True)
    open_counts: Mapping[str, int] | None = attrs.field(default=None, kw_only=True, eq=False)
    latest_activity_task_timestamp: datetime | None = attrs.field(
        default=None, kw_only=True, converter=to_datetime, eq=False
    )
    latest_execution_context: str | None = attrs.field(default=None, kw_only=True, eq=False)

    @property
    def execution(self) -> dict[str, str]:
        """The ``{"workflowId": ..., "runId": ...}`` that SWF's API takes."""
        found = {"workflowId": self.workflow_id}
        if self.run_id is not None:
            found["runId"] = self.run_id
        return found

    def _require_run_id(self, what: str) -> dict[str, str]:
        if self.run_id is None:
            raise ValidationError(f"{what} needs the execution's run_id", argument="run_id", limit="required")
        return self.execution

    async def save(self) -> WorkflowExecution:
        """Starts the execution (SWF executions are created by starting them).

        Returns:
            The started execution, with its run id.

        Raises:
            ValidationError: When the execution has no workflow type, or was started already.
        """
        if self.workflow_type is None:
            raise ValidationError(
                "starting an execution needs its workflow_type", argument="workflow_type", limit="required"
            )
        if self.run_id is not None:
            raise ValidationError(
                "this execution has a run_id: it was started already", argument="run_id", limit="None"
            )
        workflow_type = attrs.evolve(self.workflow_type, connection=self.connection)
        return await workflow_type.start_execution(
            self.workflow_id,
            task_list=self.task_list,
            child_policy=self.child_policy,
            execution_timeout=self.execution_timeout,
            input=self.input,
            tag_list=self.tag_list,
            decision_tasks_timeout=self.decision_tasks_timeout,
        )

    async def delete(self) -> None:
        """Terminates the execution (as `terminate` without a reason)."""
        await self.terminate()

    async def upstream(self) -> WorkflowExecution:
        """Fetches the execution as SWF describes it, with open counts and the latest execution context.

        Raises:
            WorkflowExecutionDoesNotExist: When there is no such execution.
        """
        response = await self._connection("upstream").call(
            "DescribeWorkflowExecution",
            domain=self.domain.name,
            execution=self._require_run_id("describe"),
        )
        return execution_from_api(self.domain, response, connection=self.connection, input=self.input)

    async def describe(self) -> WorkflowExecution:
        """Same as `upstream`: the execution with its open counts, latest activity and execution context."""
        return await self.upstream()

    async def signal(self, signal_name: str, input: str | None = None) -> None:
        """Records a signal in the execution's history and schedules a decision task.

        Args:
            signal_name: The signal's name, meaningful to the workflow: any 1 to 256 characters.
            input: Data attached to the ``WorkflowExecutionSignaled`` event.

        Raises:
            ValidationError: When the name or input breaks SWF's limits.
            WorkflowExecutionDoesNotExist: When the execution is unknown or closed.
        """
        validation.check_free_name(signal_name, "signal_name")
        validation.check_data(input, "input")
        params: dict[str, Any] = {
            "domain": self.domain.name,
            "workflowId": self.workflow_id,
            "signalName": signal_name,
        }
        fields.put(params, "runId", self.run_id)
        fields.put(params, "input", input)
        await self._connection("signal").call("SignalWorkflowExecution", **params)

    async def request_cancel(self) -> None:
        """Asks the execution's decider to cancel it (records ``WorkflowExecutionCancelRequested``).

        Raises:
            WorkflowExecutionDoesNotExist: When the execution is unknown or closed.
        """
        params: dict[str, Any] = {"domain": self.domain.name, "workflowId": self.workflow_id}
        fields.put(params, "runId", self.run_id)
        await self._connection("request_cancel").call("RequestCancelWorkflowExecution", **params)

    async def terminate(
        self, reason: str | None = None, details: str | None = None, child_policy: str | None = None
    ) -> None:
        """Closes the execution at once, without its decider's say.

        Args:
            reason: Why (at most 256 characters).
            details: More about why (at most 32,768 characters).
            child_policy: What happens to its child executions (default: the execution's).

        Raises:
            ValidationError: When an argument breaks SWF's limits.
            WorkflowExecutionDoesNotExist: When the execution is unknown or closed.
        """
        validation.check_reason(reason)
        validation.check_data(details, "details")
        policy = validation.check_child_policy(child_policy)
        params: dict[str, Any] = {"domain": self.domain.name, "workflowId": self.workflow_id}
        fields.put(params, "runId", self.run_id)
        fields.put(params, "reason", reason)
        fields.put(params, "details", details)
        fields.put(params, "childPolicy", policy)
        await self._connection("terminate").call("TerminateWorkflowExecution", **params)

    def events(self, *, reverse: bool = False, page_size: int | None = None) -> HistoryPages:
        """The execution's history, page by page, each page fetched only when you ask for it.

        Args:
            reverse: Newest events first.
            page_size: Events per page (1-1,000; SWF's default otherwise).

        Returns:
            An async iterator of `History` pages; ``aclose()`` it (or leave the ``async for``) to stop early.
        """
        validation.check_page_size(page_size)
        return HistoryPages(
            self._connection("events").paginate(
                "GetWorkflowExecutionHistory",
                page_size=page_size,
                domain=self.domain.name,
                execution=self._require_run_id("events"),
                reverseOrder=reverse,
            )
        )

    async def history(self, *, reverse: bool = False) -> History:
        """Fetches the whole history (every page) of the execution.

        Args:
            reverse: Newest events first.

        Returns:
            The `History`.

        Raises:
            WorkflowExecutionDoesNotExist: When there is no such execution.
        """
        from aioswf.models.history import History

        events: list[Any] = []
        async for page in self.events(reverse=reverse):
            events.extend(page)
        return History(events)

    async def wait(self, *, timeout: float | None = None, poll_interval: float = 1.0) -> ExecutionOutcome:  # noqa: ASYNC109
        """Waits for the execution to close and tells how it ended.

        Args:
            timeout: Seconds to wait at most (``None``: as long as it takes).
            poll_interval: Seconds between checks of the execution's status (it grows up to 5 s).

        Returns:
            The close status, with the result, reason, details or new run id that came with it.

        Raises:
            TimeoutError: When the execution is still open after `timeout` seconds.
            WorkflowExecutionDoesNotExist: When there is no such execution.
        """
        execution = self._require_run_id("wait")
        conn = self._connection("wait")
        interval = poll_interval
        with anyio.fail_after(timeout):
            while True:
                page = await conn.call(
                    "GetWorkflowExecutionHistory",
                    domain=self.domain.name,
                    execution=execution,
                    reverseOrder=True,
                    maximumPageSize=1,
                )
                events = page.get("events") or []
                if events and events[0]["eventType"] in _CLOSE_EVENTS:
                    return _outcome(events[0])
                await anyio.sleep(interval)
                interval = min(interval * 1.5, max(poll_interval, 5.0))


class HistoryPages:
    """The pages of an execution's history, as `History` objects, one request per page asked for."""

    def __init__(self, pages: PageIterator) -> None:
        self._pages = pages

    def __aiter__(self) -> HistoryPages:
        return self

    async def __anext__(self) -> History:
        from aioswf.models.history import History

        page = await self._pages.__anext__()
        return History.from_raw(page.get("events") or ())

    async def aclose(self) -> None:
        """Stops the listing; no further request is sent."""
        await self._pages.aclose()


def _outcome(event: Mapping[str, Any]) -> ExecutionOutcome:
    event_type = event["eventType"]
    attributes = event.get(_CLOSE_EVENTS[event_type]) or {}
    status = {
        "WorkflowExecutionCompleted": constants.COMPLETED,
        "WorkflowExecutionFailed": constants.FAILED,
        "WorkflowExecutionCanceled": constants.CANCELED,
        "WorkflowExecutionTerminated": constants.TERMINATED,
        "WorkflowExecutionContinuedAsNew": constants.CONTINUED_AS_NEW,
        "WorkflowExecutionTimedOut": constants.TIMED_OUT,
    }[event_type]
    return ExecutionOutcome(
        status,
        result=attributes.get("result"),
        reason=attributes.get("reason"),
        details=attributes.get("details"),
        new_run_id=attributes.get("newExecutionRunId"),
    )


def execution_from_api(
    domain: Domain,
    response: Mapping[str, Any],
    *,
    connection: Connection | None = None,
    input: str | None = None,
) -> WorkflowExecution:
    """Builds a `WorkflowExecution` from DescribeWorkflowExecution's response or an ``executionInfos`` entry."""
    info = response.get("executionInfo", response)
    config = response.get("executionConfiguration") or {}
    parent = info.get("parent")
    counts = response.get("openCounts")
    # Built from SWF's answer: no validators (see `trusted`).
    return trusted(
        WorkflowExecution,
        domain,
        info["execution"]["workflowId"],
        info["execution"]["runId"],
        workflow_type=_type_from_execution(domain, info.get("workflowType")),
        status=info.get("executionStatus"),
        task_list=(config.get("taskList") or {}).get("name"),
        child_policy=config.get("childPolicy"),
        execution_timeout=config.get("executionStartToCloseTimeout"),
        decision_tasks_timeout=config.get("taskStartToCloseTimeout"),
        input=input,
        tag_list=tuple(info.get("tagList") or ()),
        close_status=info.get("closeStatus"),
        start_timestamp=info.get("startTimestamp"),
        close_timestamp=info.get("closeTimestamp"),
        cancel_requested=bool(info.get("cancelRequested", False)),
        parent=(parent["workflowId"], parent["runId"]) if parent else None,
        open_counts=dict(counts) if counts is not None else None,
        latest_activity_task_timestamp=response.get("latestActivityTaskTimestamp"),
        latest_execution_context=response.get("latestExecutionContext"),
        connection=connection,
        raw=response,
    )
