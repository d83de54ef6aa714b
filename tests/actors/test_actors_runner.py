"""``aioswf.actors.run``: many actors under one task group, stopped together by a signal or an error."""

from __future__ import annotations

import os
import signal

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
