"""``ScheduleLambdaFunction`` on a server without AWS Lambda.

The local server cannot invoke AWS Lambda. A function named in ``LocalSWF(lambda_functions=...)`` runs
as a Python callable instead (sync callables in a worker thread); any other name fails the decision with
``ScheduleLambdaFunctionFailed`` and cause ``LAMBDA_SERVICE_NOT_AVAILABLE_IN_REGION``, which is what SWF
answers where Lambda is not available.
"""

from __future__ import annotations

import asyncio
import inspect
from typing import TYPE_CHECKING, Any

from aioswf.local.lifecycle import add_event, request_decision
from aioswf.local.records import ExecutionRecord, LambdaRecord

if TYPE_CHECKING:
    from aioswf.local.state import State

__all__ = ["rearm_lambda", "schedule_lambda"]

Json = dict[str, Any]
DEFAULT_TIMEOUT = "300"
MAX_OPEN_LAMBDAS = 50


def schedule_lambda(state: State, execution: ExecutionRecord, attrs: Json, completed_event_id: int) -> None:
    """Apply a ``ScheduleLambdaFunction`` decision."""
    lambda_id, name = attrs["id"], attrs["name"]
    cause = None
    if lambda_id in execution.lambdas:
        cause = "ID_ALREADY_IN_USE"
    elif len(execution.lambdas) >= MAX_OPEN_LAMBDAS:
        cause = "OPEN_LAMBDA_FUNCTIONS_LIMIT_EXCEEDED"
    elif name not in state.lambda_functions:
        cause = "LAMBDA_SERVICE_NOT_AVAILABLE_IN_REGION"
    if cause is not None:
        add_event(
            state,
            execution,
            "ScheduleLambdaFunctionFailed",
            {
                "id": lambda_id,
                "name": name,
                "cause": cause,
                "decisionTaskCompletedEventId": completed_event_id,
            },
        )
        request_decision(state, execution)
        return
    timeout = attrs.get("startToCloseTimeout") or DEFAULT_TIMEOUT
    event: Json = {
        "id": lambda_id,
        "name": name,
        "startToCloseTimeout": timeout,
        "decisionTaskCompletedEventId": completed_event_id,
    }
    for key in ("control", "input"):
        if attrs.get(key) is not None:
            event[key] = attrs[key]
    scheduled = add_event(state, execution, "LambdaFunctionScheduled", event)
    if execution.lambda_role is None:
        add_event(
            state,
            execution,
            "StartLambdaFunctionFailed",
            {
                "scheduledEventId": scheduled,
                "cause": "ASSUME_ROLE_FAILED",
                "message": "The workflow execution has no lambdaRole",
            },
        )
        request_decision(state, execution)
        return
    record = LambdaRecord(lambda_id, name, scheduled)
    execution.lambdas[lambda_id] = record
    record.started_event_id = add_event(
        state, execution, "LambdaFunctionStarted", {"scheduledEventId": scheduled}
    )
    record.deadline = state.after(timeout, lambda: _timed_out(state, execution, record))
    record.task = asyncio.get_running_loop().create_task(_run(state, execution, record, attrs.get("input")))


async def _run(state: State, execution: ExecutionRecord, record: LambdaRecord, payload: str | None) -> None:
    function = state.lambda_functions[record.name]
    try:
        if inspect.iscoroutinefunction(function):
            result = await function(payload)
        else:
            result = await asyncio.to_thread(function, payload)
            if inspect.isawaitable(result):
                result = await result
    except asyncio.CancelledError:
        raise
    except Exception as error:  # a failing function is an outcome to record, not a server error
        _close(
            state,
            execution,
            record,
            "LambdaFunctionFailed",
            {"reason": type(error).__name__, "details": str(error)[:32768]},
        )
        return
    attributes: Json = {} if result is None else {"result": str(result)}
    _close(state, execution, record, "LambdaFunctionCompleted", attributes)


def _close(
    state: State, execution: ExecutionRecord, record: LambdaRecord, event_type: str, extra: Json
) -> None:
    if execution.status != "OPEN" or execution.lambdas.get(record.lambda_id) is not record:
        return
    del execution.lambdas[record.lambda_id]
    state.cancel(record.deadline)
    attributes: Json = {
        "scheduledEventId": record.scheduled_event_id,
        "startedEventId": record.started_event_id,
    }
    attributes.update(extra)
    add_event(state, execution, event_type, attributes)
    request_decision(state, execution)


def _timed_out(state: State, execution: ExecutionRecord, record: LambdaRecord) -> None:
    if record.task is not None:
        record.task.cancel()
    _close(state, execution, record, "LambdaFunctionTimedOut", {"timeoutType": "START_TO_CLOSE"})


def rearm_lambda(state: State, execution: ExecutionRecord, record: LambdaRecord) -> None:
    """Give a Lambda function read back from a store its timeout, and run its stand-in again.

    The stand-in that was running when the server stopped did not finish (or its outcome was not
    recorded): it runs again, from the start, if this server has a callable of that name; otherwise the
    function is left to its start-to-close timeout.
    """
    if record.deadline is not None:
        record.deadline = state.at(record.deadline.when, lambda: _timed_out(state, execution, record))
    if record.name in state.lambda_functions:
        scheduled = execution.events[record.scheduled_event_id - 1]
        payload = scheduled["lambdaFunctionScheduledEventAttributes"].get("input")
        record.task = asyncio.get_running_loop().create_task(_run(state, execution, record, payload))
