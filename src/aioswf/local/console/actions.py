"""The console's actions: start an execution, signal it, request its cancellation, terminate it.

Each is one SWF operation through ``call``, so it is validated, recorded and answered exactly as the
same request from a client would be. Only the members named here are taken from the request body.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from aioswf.local.console.guard import BadInput
from aioswf.local.console.histories import Call

__all__ = ["Actions"]

Json = dict[str, Any]


def _text(body: Json, name: str, *, required: bool = False) -> str | None:
    value = body.get(name)
    if value is None or value == "":
        if required:
            raise BadInput(f"{name} is required")
        return None
    if not isinstance(value, str):
        raise BadInput(f"{name} must be a string")
    return value


class Actions:
    """The handlers of the console's POST endpoints.

    Args:
        call: Runs an SWF operation.
    """

    def __init__(self, call: Call) -> None:
        self._call = call

    @staticmethod
    def _execution(request: web.Request) -> Json:
        info = request.match_info
        return {"domain": info["domain"], "workflowId": info["workflow_id"], "runId": info["run_id"]}

    async def start(self, request: web.Request, body: Json) -> Json:
        """``POST .../executions``: ``StartWorkflowExecution`` of a type (its defaults fill the rest).

        Body members: ``workflowType`` (``{"name", "version"}``), ``workflowId``, and optionally
        ``input``, ``tagList`` (strings), ``taskList`` (a name), ``taskPriority``, ``childPolicy``,
        ``executionStartToCloseTimeout``, ``taskStartToCloseTimeout``, ``lambdaRole``.
        """
        workflow_type = body.get("workflowType")
        if not (
            isinstance(workflow_type, dict)
            and isinstance(workflow_type.get("name"), str)
            and isinstance(workflow_type.get("version"), str)
        ):
            raise BadInput('workflowType must be {"name": ..., "version": ...}')
        workflow_id = _text(body, "workflowId", required=True)
        params: Json = {
            "domain": request.match_info["domain"],
            "workflowId": workflow_id,
            "workflowType": {"name": workflow_type["name"], "version": workflow_type["version"]},
        }
        for name in (
            "input",
            "taskPriority",
            "childPolicy",
            "executionStartToCloseTimeout",
            "taskStartToCloseTimeout",
            "lambdaRole",
        ):
            value = _text(body, name)
            if value is not None:
                params[name] = value
        task_list = _text(body, "taskList")
        if task_list is not None:
            params["taskList"] = {"name": task_list}
        tags = body.get("tagList")
        if tags:
            if not (isinstance(tags, list) and all(isinstance(tag, str) for tag in tags)):
                raise BadInput("tagList must be a list of strings")
            params["tagList"] = tags
        answer = await self._call("StartWorkflowExecution", params)
        return {"workflowId": workflow_id, "runId": answer["runId"]}

    async def signal(self, request: web.Request, body: Json) -> Json:
        """``POST .../signal``: ``SignalWorkflowExecution`` with ``signalName`` and optional ``input``."""
        params = {**self._execution(request), "signalName": _text(body, "signalName", required=True)}
        signal_input = _text(body, "input")
        if signal_input is not None:
            params["input"] = signal_input
        await self._call("SignalWorkflowExecution", params)
        return {}

    async def cancel(self, request: web.Request, body: Json) -> Json:
        """``POST .../cancel``: ``RequestCancelWorkflowExecution``."""
        await self._call("RequestCancelWorkflowExecution", self._execution(request))
        return {}

    async def terminate(self, request: web.Request, body: Json) -> Json:
        """``POST .../terminate``: ``TerminateWorkflowExecution`` with optional ``reason``, ``details``
        and ``childPolicy``.
        """
        params = self._execution(request)
        for name in ("reason", "details", "childPolicy"):
            value = _text(body, name)
            if value is not None:
                params[name] = value
        await self._call("TerminateWorkflowExecution", params)
        return {}
