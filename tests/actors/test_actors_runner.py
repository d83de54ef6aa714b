"""``aioswf.actors.run``: many actors under one task group, stopped together by a signal or an error."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import anyio
import pytest
from actor_scenarios import Flow, one_activity, until

import aioswf
from aioswf.actors import ActivityWorker, ActorState, Decider, run, stop_all
from aioswf.exceptions import DomainDoesNotExist
from aioswf.models.task import ActivityTask


async def wait_running(*actors: aioswf.actors.Actor) -> None:  # type: ignore[type-arg]
    await until(lambda: all(actor.is_running for actor in actors))


async def test_run_returns_once_every_actor_is_stopped(flow: Flow) -> None:
    actors = [ActivityWorker(flow.domain, flow.activities, connection=flow.conn) for _ in range(3)]

    async with anyio.create_task_group() as group:
        group.start_soon(run, *actors)
        await wait_running(*actors)
        await stop_all(actors)

    assert {actor.state for actor in actors} == {ActorState.STOPPED}


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
async def test_a_signal_stops_every_actor_gracefully(flow: Flow, signum: signal.Signals) -> None:
    running = anyio.Event()

    async def work(task: ActivityTask) -> str:
        running.set()
        await anyio.sleep(0.3)
        return "finished within the grace period"

    decider = Decider(flow.domain, flow.decisions, lambda t: one_activity(flow, t), connection=flow.conn)
    worker = ActivityWorker(flow.domain, flow.activities, {"work": work}, connection=flow.conn)
    (execution,) = await flow.start(1)
    with anyio.fail_after(10):
        async with anyio.create_task_group() as group:
            group.start_soon(run, decider, worker)
            await running.wait()
            os.kill(os.getpid(), signum)

    assert decider.state is worker.state is ActorState.STOPPED
    completed = await flow.wait_for_event(execution, "ActivityTaskCompleted")
    assert completed.result == "finished within the grace period"


async def test_an_actor_stopping_on_an_error_stops_the_others_and_raises(flow: Flow) -> None:
    healthy = ActivityWorker(flow.domain, flow.activities, connection=flow.conn)
    broken = ActivityWorker("no-such-domain-anywhere", "list", connection=flow.conn)

    with anyio.fail_after(10), pytest.raises(DomainDoesNotExist):
        await run(healthy, broken, grace=1)

    assert healthy.state is broken.state is ActorState.STOPPED


async def test_run_needs_an_actor() -> None:
    with pytest.raises(ValueError, match="at least one actor"):
        await run()


async def test_several_deciders_and_workers_share_the_work_in_one_loop(flow: Flow) -> None:
    async def work(task: ActivityTask) -> str:
        await anyio.sleep(0.02)
        return f"done {task.input}"

    deciders = [
        Decider(
            flow.domain,
            flow.decisions,
            lambda t: one_activity(flow, t),
            identity=f"decider-{n}",
            connection=flow.conn,
        )
        for n in range(3)
    ]
    workers = [
        ActivityWorker(
            flow.domain,
            flow.activities,
            {"work": work},
            identity=f"worker-{n}",
            max_concurrent=2,
            connection=flow.conn,
        )
        for n in range(4)
    ]
    async with anyio.create_task_group() as group:
        group.start_soon(run, *deciders, *workers)
        executions = await flow.start(20, input="job")
        outcomes = await flow.outcomes(executions, within=30)
        await stop_all([*deciders, *workers])

    assert sorted(outcome.result or "" for outcome in outcomes) == sorted(f"done job{i}" for i in range(20))
    identities = set()
    for execution in executions:
        for event in await flow.history(execution):
            if event.name in ("ActivityTaskStarted", "DecisionTaskStarted"):
                identities.add(event.identity)
    assert len({name for name in identities if name.startswith("worker-")}) >= 2
    assert len({name for name in identities if name.startswith("decider-")}) >= 2


# The script of a process that runs actors built at import time, outside any event loop, as docs/actors.md
# shows; its activity handler is a plain function that would block its thread for a minute.
BLOCKED_PROCESS = """
import asyncio
import sys
import time

import aioswf
from aioswf.actors import ActivityWorker, Decider
from aioswf.local import LocalSWF
from aioswf.models import ActivityType, Domain, WorkflowType
from aioswf.models.decision import ActivityTaskDecision

worker = ActivityWorker("blocked", "activities", grace=1)


@worker.register("sleep")
def sleep(task):
    print("handler started", flush=True)
    time.sleep(60)
    return "too late"


def decide(task):
    if not any(event.name == "ActivityTaskScheduled" for event in task.history):
        return [ActivityTaskDecision.schedule("sleep-1", ("sleep", "1"))]
    return []


decider = Decider("blocked", "decisions", decide, grace=1)


async def main():
    async with LocalSWF(poll_wait=0.3) as local, local.connection():
        domain = await Domain("blocked", retention_period=1).save()
        workflow_type = await WorkflowType(
            domain, "flow", "1", task_list="decisions", execution_timeout=600, decision_tasks_timeout=60
        ).save()
        await ActivityType(
            domain,
            "sleep",
            "1",
            task_list="activities",
            task_heartbeat_timeout="NONE",
            task_schedule_to_start_timeout="600",
            task_schedule_to_close_timeout="NONE",
            task_start_to_close_timeout="600",
        ).save()
        execution = await workflow_type.start_execution()
        await aioswf.actors.run(decider, worker, grace=1)
        names = [event.name for event in await execution.history()]
        print("run returned;", "ActivityTaskFailed" in names and "activity failed" or names, flush=True)


asyncio.run(main())
"""


@pytest.mark.slow
def test_run_ends_the_process_within_its_grace_even_while_a_thread_handler_blocks(tmp_path) -> None:
    script = tmp_path / "blocked.py"
    script.write_text(BLOCKED_PROCESS)
    process = subprocess.Popen(
        [sys.executable, str(script)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        assert first == "handler started\n", first + process.communicate(timeout=5)[1]
        signalled = time.monotonic()
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=40)
        ended = time.monotonic() - signalled
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()

    # The handler would return 60 s after it started; the grace period is 1 s. The margin is for a loaded machine.
    assert ended < 30, f"the process ended {ended:.1f} s after SIGTERM\n{err}"
    assert process.returncode == 0, err
    assert out.strip() == "run returned; activity failed", err
