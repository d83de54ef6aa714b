"""aioswf in an aiohttp application: the actors start and stop with the app.

Routes:

* ``POST /executions`` with ``{"name": "Ada"}`` starts an execution; answers its workflow id and run id.
* ``GET /executions/{workflow_id}/{run_id}`` reports its state, and its result once closed.

The SWF endpoint is ``AWS_ENDPOINT_URL_SWF`` when set (or AWS with ``AIOSWF_USE_AWS=1``); otherwise a local
SWF server starts with the app. Run it with::

    python examples/aiohttp_app.py --port 8080
    curl -X POST localhost:8080/executions -d '{"name": "Ada"}'
"""

from __future__ import annotations

import argparse
import os
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack

from aiohttp import web

import aioswf
from aioswf.actors import ActivityWorker, Decider
from aioswf.models import WorkflowExecution, WorkflowType
from aioswf.models.decision import ActivityTaskDecision, Decision, WorkflowExecutionDecision
from aioswf.models.task import ActivityTask, DecisionTask
from aioswf.querysets import ActivityTypeQuerySet, DomainQuerySet, WorkflowTypeQuerySet

DOMAIN = "aioswf-aiohttp-example"
DECISIONS = "aiohttp-decisions"
ACTIVITIES = "aiohttp-activities"

WORKFLOW_TYPE = web.AppKey("workflow_type", WorkflowType)
CONNECTION = web.AppKey("connection", aioswf.Connection)
ACTORS = web.AppKey("actors", list)


async def decide(task: DecisionTask) -> list[Decision]:
    """Runs ``greet`` once, then completes the execution with its result (or fails it)."""
    for event in task.history:
        if event.name == "ActivityTaskCompleted":
            return [WorkflowExecutionDecision.complete(result=event.result)]
        if event.name in ("ActivityTaskFailed", "ActivityTaskTimedOut", "ActivityTaskCanceled"):
            return [WorkflowExecutionDecision.fail(reason=event.name)]
    if not any(event.name == "ActivityTaskScheduled" for event in task.history):
        return [ActivityTaskDecision.schedule("greet", ("greet", "1"), input=task.history[0].input)]
    return []


async def greet(task: ActivityTask) -> str:
    """The one activity."""
    return f"Hello, {task.input}!"


async def swf(app: web.Application) -> AsyncIterator[None]:
    """The app's SWF side: a connection, the types, and the actors, for as long as the app runs.

    aiohttp runs the part before ``yield`` on startup and the rest on cleanup, after the server stopped
    taking requests: the actors then stop gracefully (in-flight tasks get their grace period).
    """
    async with AsyncExitStack() as stack:
        endpoint = os.environ.get("AWS_ENDPOINT_URL_SWF")
        if endpoint or os.environ.get("AIOSWF_USE_AWS") == "1":
            conn = await stack.enter_async_context(aioswf.Connection(endpoint_url=endpoint))
        else:
            from aioswf.local import LocalSWF

            local = await stack.enter_async_context(LocalSWF(poll_wait=20))
            conn = await stack.enter_async_context(local.connection())
        domain = await DomainQuerySet(connection=conn).get_or_create(DOMAIN, retention_period=1)
        await ActivityTypeQuerySet(domain, connection=conn).get_or_create(
            "greet",
            "1",
            task_list=ACTIVITIES,
            task_heartbeat_timeout=60,
            task_schedule_to_start_timeout=300,
            task_schedule_to_close_timeout=600,
            task_start_to_close_timeout=300,
        )
        app[WORKFLOW_TYPE] = await WorkflowTypeQuerySet(domain, connection=conn).get_or_create(
            "greeting", "1", task_list=DECISIONS, execution_timeout=600, decision_tasks_timeout=30
        )
        app[CONNECTION] = conn
        # Entered last, exited first: the actors stop before the connection closes.
        decider = await stack.enter_async_context(Decider(domain, DECISIONS, decide, connection=conn))
        worker = await stack.enter_async_context(
            ActivityWorker(domain, ACTIVITIES, {"greet": greet}, connection=conn)
        )
        app[ACTORS] = [decider, worker]
        yield


async def start_execution(request: web.Request) -> web.Response:
    """``POST /executions``: starts an execution with the posted name."""
    body = await request.json()
    execution = await request.app[WORKFLOW_TYPE].start_execution(input=str(body.get("name", "world")))
    return web.json_response({"workflow_id": execution.workflow_id, "run_id": execution.run_id}, status=201)


async def execution_state(request: web.Request) -> web.Response:
    """``GET /executions/{workflow_id}/{run_id}``: the execution's status, and its result once closed."""
    execution = WorkflowExecution(
        request.app[WORKFLOW_TYPE].domain,
        request.match_info["workflow_id"],
        request.match_info["run_id"],
        connection=request.app[CONNECTION],
    )
    try:
        described = await execution.describe()
    except aioswf.exceptions.WorkflowExecutionDoesNotExist:
        raise web.HTTPNotFound(text="no such execution") from None
    state = {"status": described.status, "close_status": described.close_status, "result": None}
    if described.status == "CLOSED":
        state["result"] = (await execution.wait(timeout=10)).result
    return web.json_response(state)


def create_app() -> web.Application:
    """The aiohttp application, with its SWF side tied to its lifecycle."""
    app = web.Application()
    app.cleanup_ctx.append(swf)
    app.router.add_post("/executions", start_execution)
    app.router.add_get("/executions/{workflow_id}/{run_id}", execution_state)
    return app


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="aioswf in an aiohttp application")
    parser.add_argument("--port", type=int, default=8080)
    web.run_app(create_app(), port=parser.parse_args().port)
