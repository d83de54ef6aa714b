"""aioswf in a FastAPI application: the actors start and stop with the app's lifespan.

Routes:

* ``POST /executions`` with ``{"name": "Ada"}`` starts an execution; answers its workflow id and run id.
* ``GET /executions/{workflow_id}/{run_id}`` reports its state, and its result once closed.

The SWF endpoint is ``AWS_ENDPOINT_URL_SWF`` when set (or AWS with ``AIOSWF_USE_AWS=1``); otherwise a local
SWF server starts with the app. Run it with::

    uvicorn examples.fastapi_app:app --port 8000
    curl -X POST localhost:8000/executions -H 'content-type: application/json' -d '{"name": "Ada"}'
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager

from fastapi import FastAPI, HTTPException, Request
from pydantic import BaseModel

import aioswf
from aioswf.actors import ActivityWorker, Decider
from aioswf.models import WorkflowExecution, WorkflowType
from aioswf.models.decision import ActivityTaskDecision, Decision, WorkflowExecutionDecision
from aioswf.models.task import ActivityTask, DecisionTask
from aioswf.querysets import ActivityTypeQuerySet, DomainQuerySet, WorkflowTypeQuerySet

DOMAIN = "aioswf-fastapi-example"
DECISIONS = "fastapi-decisions"
ACTIVITIES = "fastapi-activities"


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


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[dict[str, object]]:
    """The app's SWF side: a connection, the types and the actors, for as long as the app runs.

    Starlette enters it before serving and leaves it on shutdown, after the server stopped taking requests:
    the actors then stop gracefully (in-flight tasks get their grace period). What it yields becomes
    ``request.state``.
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
        workflow_type = await WorkflowTypeQuerySet(domain, connection=conn).get_or_create(
            "greeting", "1", task_list=DECISIONS, execution_timeout=600, decision_tasks_timeout=30
        )
        # Entered last, exited first: the actors stop before the connection closes.
        decider = await stack.enter_async_context(Decider(domain, DECISIONS, decide, connection=conn))
        worker = await stack.enter_async_context(
            ActivityWorker(domain, ACTIVITIES, {"greet": greet}, connection=conn)
        )
        app.state.actors = [decider, worker]
        yield {"workflow_type": workflow_type, "connection": conn}


app = FastAPI(title="aioswf example", lifespan=lifespan)


class Greeting(BaseModel):
    """The body of ``POST /executions``."""

    name: str = "world"


@app.post("/executions", status_code=201)
async def start_execution(greeting: Greeting, request: Request) -> dict[str, str | None]:
    """Starts an execution greeting `name`."""
    workflow_type: WorkflowType = request.state.workflow_type
    execution = await workflow_type.start_execution(input=greeting.name)
    return {"workflow_id": execution.workflow_id, "run_id": execution.run_id}


@app.get("/executions/{workflow_id}/{run_id}")
async def execution_state(workflow_id: str, run_id: str, request: Request) -> dict[str, str | None]:
    """The execution's status, and its result once closed."""
    workflow_type: WorkflowType = request.state.workflow_type
    execution = WorkflowExecution(
        workflow_type.domain, workflow_id, run_id, connection=request.state.connection
    )
    try:
        described = await execution.describe()
    except aioswf.exceptions.WorkflowExecutionDoesNotExist:
        raise HTTPException(status_code=404, detail="no such execution") from None
    result = (await execution.wait(timeout=10)).result if described.status == "CLOSED" else None
    return {"status": described.status, "close_status": described.close_status, "result": result}
