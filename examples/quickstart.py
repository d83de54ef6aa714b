"""aioswf quickstart: a domain, its types, a decider and two activity workers in one process.

Each execution greets a name: the ``greet`` activity (a coroutine) writes the greeting, the ``shout`` activity
(a plain function, run in a worker thread) upper-cases it, and the decider completes the execution with the
result. Several executions run at once; their results are printed.

Where it runs:

* ``--endpoint-url URL`` or ``AWS_ENDPOINT_URL_SWF``: that SWF endpoint (e.g. ``python -m aioswf.local``);
* ``--aws``: Amazon SWF itself, with the usual AWS credentials and region;
* otherwise: a local SWF server, started in this process.

    python examples/quickstart.py --executions 5
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import aioswf
from aioswf.actors import ActivityWorker, Decider
from aioswf.models import ActivityType, Domain, WorkflowType
from aioswf.models.decision import ActivityTaskDecision, Decision, WorkflowExecutionDecision
from aioswf.models.task import ActivityTask, DecisionTask
from aioswf.querysets import ActivityTypeQuerySet, DomainQuerySet, WorkflowTypeQuerySet

DOMAIN = "aioswf-quickstart"
DECISIONS = "quickstart-decisions"
ACTIVITIES = "quickstart-activities"
NAMES = ["Ada", "Grace", "Alan", "Barbara", "Edsger", "Frances", "Donald", "Margaret"]


# The decider: what to do next, from the execution's history ----------------------------------------------


async def decide(task: DecisionTask) -> list[Decision]:
    """Greets, then shouts the greeting, then completes with it; fails the execution if an activity fails."""
    scheduled: dict[int, str] = {}  # ActivityTaskScheduled event id -> activity name
    results: dict[str, str | None] = {}  # activity name -> result
    for event in task.history:
        if event.name == "ActivityTaskScheduled":
            scheduled[event.id] = event.activity_type["name"]
        elif event.name == "ActivityTaskCompleted":
            results[scheduled[event.scheduled_event_id]] = event.result
        elif event.name in ("ActivityTaskFailed", "ActivityTaskTimedOut", "ActivityTaskCanceled"):
            return [WorkflowExecutionDecision.fail(reason=f"{event.name}: {event.get('reason')}")]
    if "shout" in results:
        return [WorkflowExecutionDecision.complete(result=results["shout"])]
    if "greet" in results and "shout" not in scheduled.values():
        return [ActivityTaskDecision.schedule("shout", ("shout", "1"), input=results["greet"])]
    if not scheduled:
        name = json.loads(task.history[0].input)["name"]
        return [ActivityTaskDecision.schedule("greet", ("greet", "1"), input=name)]
    return []  # an activity is running: nothing to do until it ends


# The activities ------------------------------------------------------------------------------------------


async def greet(task: ActivityTask) -> str:
    """A coroutine handler: runs on the event loop."""
    await asyncio.sleep(0.05)  # stands for I/O: an HTTP call, a database query...
    return f"Hello, {task.input}!"


def shout(task: ActivityTask) -> str:
    """A plain function: runs in a worker thread, so it may block."""
    return (task.input or "").upper()


# Setting up and running ------------------------------------------------------------------------------------


@asynccontextmanager
async def swf_connection(args: argparse.Namespace) -> AsyncIterator[aioswf.Connection]:
    """A connection to the configured endpoint, or to a local SWF server started here."""
    endpoint = args.endpoint_url or os.environ.get("AWS_ENDPOINT_URL_SWF")
    if endpoint or args.aws:
        print(f"SWF endpoint: {endpoint or 'AWS'}")
        async with aioswf.Connection(endpoint_url=endpoint, region_name=args.region) as conn:
            yield conn
        return
    from aioswf.local import LocalSWF

    async with LocalSWF(poll_wait=20) as local, local.connection() as conn:
        print(f"SWF endpoint: a local SWF server at {local.endpoint_url}")
        yield conn


async def register(conn: aioswf.Connection) -> WorkflowType:
    """The domain and types, registered unless they exist already."""
    domain: Domain = await DomainQuerySet(connection=conn).get_or_create(DOMAIN, retention_period=1)
    timeouts = {
        "task_list": ACTIVITIES,
        "task_heartbeat_timeout": 60,
        "task_schedule_to_start_timeout": 300,
        "task_schedule_to_close_timeout": 600,
        "task_start_to_close_timeout": 300,
    }
    activities = ActivityTypeQuerySet(domain, connection=conn)
    for name in ("greet", "shout"):
        activity_type: ActivityType = await activities.get_or_create(name, "1", **timeouts)
        assert activity_type.name == name
    return await WorkflowTypeQuerySet(domain, connection=conn).get_or_create(
        "greeting",
        "1",
        task_list=DECISIONS,
        execution_timeout=600,
        decision_tasks_timeout=30,
    )


async def main(argv: list[str] | None = None) -> int:
    """Runs the quickstart; returns the process's exit status."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--executions", type=int, default=5, help="how many executions to run")
    parser.add_argument("--endpoint-url", help="an SWF endpoint (default: $AWS_ENDPOINT_URL_SWF, else local)")
    parser.add_argument("--aws", action="store_true", help="use Amazon SWF itself")
    parser.add_argument("--region", default=os.environ.get("AWS_DEFAULT_REGION", "us-east-1"))
    parser.add_argument("--verbose", action="store_true", help="log what the actors do")
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING, format="%(levelname)s %(message)s"
    )

    async with swf_connection(args) as conn:
        workflow_type = await register(conn)
        decider = Decider(workflow_type.domain, DECISIONS, decide, connection=conn)
        worker = ActivityWorker(
            workflow_type.domain,
            ACTIVITIES,
            {"greet": greet, "shout": shout},
            max_concurrent=4,
            connection=conn,
        )
        async with decider, worker:
            names = [NAMES[index % len(NAMES)] for index in range(args.executions)]
            executions = [
                await workflow_type.start_execution(input=json.dumps({"name": name})) for name in names
            ]
            outcomes = await asyncio.gather(
                *(execution.wait(timeout=120, poll_interval=0.2) for execution in executions)
            )

    failures = 0
    for name, execution, outcome in zip(names, executions, outcomes, strict=True):
        print(f"{execution.workflow_id}: {name} -> {outcome.close_status} {outcome.result or outcome.reason}")
        failures += outcome.close_status != "COMPLETED"
    print(f"{len(outcomes) - failures} of {len(outcomes)} executions completed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
