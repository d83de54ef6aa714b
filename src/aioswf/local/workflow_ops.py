"""Operations on workflow executions: start, signal, cancel, terminate, describe, history."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aioswf.local.faults import (
    DefaultUndefinedFault,
    LimitExceededFault,
    TypeDeprecatedFault,
    UnknownResourceFault,
    WorkflowExecutionAlreadyStartedFault,
)
from aioswf.local.lifecycle import (
    MissingDefault,
    add_event,
    request_decision,
    resolve_start,
    start_execution,
    terminate,
)
from aioswf.local.paging import paged
from aioswf.local.records import DomainRecord, ExecutionRecord
from aioswf.local.rules import Checks

if TYPE_CHECKING:
    from aioswf.local.state import State

__all__ = ["HANDLERS", "find_execution", "open_execution"]

Json = dict[str, Any]
MAX_OPEN_EXECUTIONS = 100_000


def open_execution(domain: DomainRecord, workflow_id: str, run_id: str | None) -> ExecutionRecord:
    """Return the open execution ``workflow_id`` (of ``run_id`` when given).

    Raises:
        UnknownResourceFault: If no such execution is open.
    """
    execution = domain.open_executions.get(workflow_id)
    if execution is None or (run_id and execution.run_id != run_id):
        if not run_id:
            raise UnknownResourceFault(f"Unknown execution, workflowId = {workflow_id}")
        raise UnknownResourceFault(
            f"Unknown execution: WorkflowExecution=[workflowId={workflow_id}, runId={run_id}]"
        )
    return execution


def find_execution(domain: DomainRecord, ref: Json) -> ExecutionRecord:
    """Return an execution, open or closed (and still retained), by ``{workflowId, runId}``.

    Raises:
        UnknownResourceFault: If the domain holds no such execution.
    """
    execution = domain.runs.get((ref["workflowId"], ref["runId"]))
    if execution is None:
        raise UnknownResourceFault(
            f"Unknown execution: WorkflowExecution=[workflowId={ref['workflowId']}, runId={ref['runId']}]"
        )
    return execution


def check_start_settings(checks: Checks, settings: Json, path: str = "", *, unlimited: bool = False) -> None:
    """Check the explicit settings of a start, child start or continue-as-new.

    Args:
        checks: Where violations go.
        settings: The request or decision attributes.
        path: The attributes' path in the request ("" for a request's own members).
        unlimited: Whether ``executionStartToCloseTimeout`` may be ``NONE`` (decisions only: the API
            reference forbids it for StartWorkflowExecution alone).
    """
    prefix = f"{path}." if path else ""
    checks.duration(
        settings.get("executionStartToCloseTimeout"),
        prefix + "executionStartToCloseTimeout",
        unlimited=unlimited,
    )
    checks.duration(settings.get("taskStartToCloseTimeout"), prefix + "taskStartToCloseTimeout")
    checks.priority(settings.get("taskPriority"), prefix + "taskPriority")
    checks.name((settings.get("taskList") or {}).get("name"), prefix + "taskList.name")
    checks.name(settings.get("workflowId"), prefix + "workflowId")


def start_workflow_execution(state: State, p: Json) -> Json:
    """``StartWorkflowExecution``."""
    checks = Checks()
    check_start_settings(checks, p)
    checks.done()
    domain = state.domain(p["domain"], registered=True)
    ref = p["workflowType"]
    workflow_type = domain.workflow_types.get((ref["name"], ref["version"]))
    if workflow_type is None:
        raise UnknownResourceFault(
            f"Unknown type: WorkflowType=[name={ref['name']}, version={ref['version']}]"
        )
    if workflow_type.status != "REGISTERED":
        raise TypeDeprecatedFault(f"WorkflowType=[name={ref['name']}, version={ref['version']}]")
    if p["workflowId"] in domain.open_executions:
        raise WorkflowExecutionAlreadyStartedFault(f"Already Started: workflowId={p['workflowId']}")
    if len(domain.open_executions) >= MAX_OPEN_EXECUTIONS:
        raise LimitExceededFault(f"The domain has {MAX_OPEN_EXECUTIONS} open executions")
    try:
        resolved = resolve_start(workflow_type, p)
    except MissingDefault as missing:
        raise DefaultUndefinedFault(f"No default value for {missing.setting}") from None
    execution = start_execution(
        state, domain, workflow_type, p["workflowId"], resolved, input=p.get("input"), tags=p.get("tagList")
    )
    return {"runId": execution.run_id}


def signal_workflow_execution(state: State, p: Json) -> Json:
    """``SignalWorkflowExecution``."""
    execution = open_execution(state.domain(p["domain"]), p["workflowId"], p.get("runId"))
    signal(state, execution, p["signalName"], p.get("input"))
    return {}


def signal(
    state: State,
    execution: ExecutionRecord,
    name: str,
    input: str | None,
    source: ExecutionRecord | None = None,
    initiated_event_id: int = 0,
) -> None:
    """Record ``WorkflowExecutionSignaled`` and wake the decider."""
    attributes: Json = {"signalName": name}
    if input is not None:
        attributes["input"] = input
    if source is not None:
        attributes["externalWorkflowExecution"] = source.ref
        attributes["externalInitiatedEventId"] = initiated_event_id
    add_event(state, execution, "WorkflowExecutionSignaled", attributes)
    request_decision(state, execution)


def request_cancel(
    state: State,
    execution: ExecutionRecord,
    source: ExecutionRecord | None = None,
    initiated_event_id: int = 0,
) -> None:
    """Record ``WorkflowExecutionCancelRequested`` and wake the decider."""
    attributes: Json = {}
    if source is not None:
        attributes["externalWorkflowExecution"] = source.ref
        attributes["externalInitiatedEventId"] = initiated_event_id
    execution.cancel_requested = True
    add_event(state, execution, "WorkflowExecutionCancelRequested", attributes)
    request_decision(state, execution)


def request_cancel_workflow_execution(state: State, p: Json) -> Json:
    """``RequestCancelWorkflowExecution``."""
    execution = open_execution(state.domain(p["domain"]), p["workflowId"], p.get("runId"))
    request_cancel(state, execution)
    return {}


def terminate_workflow_execution(state: State, p: Json) -> Json:
    """``TerminateWorkflowExecution``."""
    execution = open_execution(state.domain(p["domain"]), p["workflowId"], p.get("runId"))
    terminate(
        state,
        execution,
        reason=p.get("reason"),
        details=p.get("details"),
        child_policy=p.get("childPolicy"),
        cause="OPERATOR_INITIATED",
    )
    return {}


def describe_workflow_execution(state: State, p: Json) -> Json:
    """``DescribeWorkflowExecution``."""
    execution = find_execution(state.domain(p["domain"]), p["execution"])
    configuration: Json = {
        "taskStartToCloseTimeout": execution.task_timeout,
        "executionStartToCloseTimeout": execution.execution_timeout,
        "taskList": {"name": execution.task_list},
        "childPolicy": execution.child_policy,
    }
    if execution.task_priority is not None:
        configuration["taskPriority"] = execution.task_priority
    if execution.lambda_role is not None:
        configuration["lambdaRole"] = execution.lambda_role
    open_decisions = 1 if execution.decision is not None else 0
    result: Json = {
        "executionInfo": execution.info(),
        "executionConfiguration": configuration,
        "openCounts": {
            "openActivityTasks": len(execution.activities),
            "openDecisionTasks": open_decisions,
            "openTimers": len(execution.timers),
            "openChildWorkflowExecutions": len(execution.children),
            "openLambdaFunctions": len(execution.lambdas),
        },
    }
    if execution.latest_activity_timestamp is not None:
        result["latestActivityTaskTimestamp"] = execution.latest_activity_timestamp
    if execution.latest_context is not None:
        result["latestExecutionContext"] = execution.latest_context
    return result


def get_workflow_execution_history(state: State, p: Json) -> Json:
    """``GetWorkflowExecutionHistory``."""
    execution = find_execution(state.domain(p["domain"]), p["execution"])
    events = execution.events[::-1] if p.get("reverseOrder") else execution.events
    scope = f"History/{execution.run_id}/{bool(p.get('reverseOrder'))}"
    return paged("events", events, p, scope)


HANDLERS: dict[str, Any] = {
    "StartWorkflowExecution": start_workflow_execution,
    "SignalWorkflowExecution": signal_workflow_execution,
    "RequestCancelWorkflowExecution": request_cancel_workflow_execution,
    "TerminateWorkflowExecution": terminate_workflow_execution,
    "DescribeWorkflowExecution": describe_workflow_execution,
    "GetWorkflowExecutionHistory": get_workflow_execution_history,
}
