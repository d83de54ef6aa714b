"""An actor's life: idle, running, stopping, stopped; start, stop, run, ``async with``."""

from __future__ import annotations

import logging
import os
import socket

import anyio
import pytest
from actor_scenarios import Flow, one_activity, until

import aioswf
from aioswf.actors import ActivityWorker, ActorState, ActorStateError, Decider
from aioswf.exceptions import DomainDoesNotExist, NoConnectionError, ValidationError
from aioswf.models import Domain


async def test_a_new_actor_is_idle_and_names_itself_hostname_pid(flow: Flow) -> None:
    worker = ActivityWorker(flow.domain, flow.activities)

    assert worker.state is ActorState.IDLE
    assert not worker.is_running
    assert worker.identity == f"{socket.gethostname()}:{os.getpid()}"


async def test_async_with_starts_and_stops_the_actor(flow: Flow) -> None:
    worker = ActivityWorker(flow.domain, flow.activities, connection=flow.conn)

    async with worker:
        assert worker.state is ActorState.RUNNING
        assert worker.is_running
    assert worker.state is ActorState.STOPPED


async def test_start_returns_once_running_and_stop_once_stopped(flow: Flow) -> None:
    decider = Decider(flow.domain, flow.decisions, lambda task: [], connection=flow.conn)

    await decider.start()
    assert decider.state is ActorState.RUNNING
    await decider.stop()
    assert decider.state is ActorState.STOPPED


async def test_stop_is_idempotent(flow: Flow) -> None:
    worker = ActivityWorker(flow.domain, flow.activities, connection=flow.conn)
    await worker.start()

    await worker.stop()
    await worker.stop(grace=0)

    assert worker.state is ActorState.STOPPED


async def test_stop_before_start_marks_the_actor_stopped() -> None:
    worker = ActivityWorker("any-domain", "any-list")

    await worker.stop()
    await worker.stop()

    assert worker.state is ActorState.STOPPED


async def test_an_actor_stopped_before_start_cannot_start(flow: Flow) -> None:
    worker = ActivityWorker(flow.domain, flow.activities, connection=flow.conn)
    await worker.stop()

    with pytest.raises(ActorStateError, match="runs once"):
        await worker.start()


async def test_an_actor_runs_once(flow: Flow) -> None:
    worker = ActivityWorker(flow.domain, flow.activities, connection=flow.conn)
    async with worker:
        with pytest.raises(ActorStateError, match="started already"):
            await worker.start()
    with pytest.raises(ActorStateError, match="runs once"):
        await worker.run()


async def test_run_returns_when_stopped_from_another_task(flow: Flow) -> None:
    worker = ActivityWorker(flow.domain, flow.activities, connection=flow.conn)

    async with anyio.create_task_group() as group:
        group.start_soon(worker.run)
        await until(lambda: worker.is_running)
        await worker.stop()

    assert worker.state is ActorState.STOPPED


async def test_the_domain_may_be_a_model_or_a_name(flow: Flow) -> None:
    by_model = Decider(
        flow.domain, flow.decisions, lambda task: one_activity(flow, task), connection=flow.conn
    )
    by_name = ActivityWorker(
        flow.domain.name, flow.activities, {"work": lambda task: task.input.upper()}, connection=flow.conn
    )

    async with by_model, by_name:
        outcomes = await flow.outcomes(await flow.start(1, input="abc"))

    assert by_model.domain_name == by_name.domain_name == flow.domain.name
    assert [outcome.result for outcome in outcomes] == ["ABC0"]


async def test_an_actor_finds_the_connection_of_its_context(flow: Flow) -> None:
    async with aioswf.Connection(
        endpoint_url=flow.conn.endpoint_url,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    ) as conn:
        worker = ActivityWorker(flow.domain, flow.activities)
        async with worker:
            assert worker.connection is conn


async def test_an_actor_without_a_connection_says_how_to_give_one() -> None:
    worker = ActivityWorker("any-domain", "any-list")

    with pytest.raises(NoConnectionError, match="connection="):
        await worker.start()


async def test_bad_arguments_are_refused_before_anything_runs() -> None:
    with pytest.raises(ValidationError, match="task_list"):
        ActivityWorker("d", "bad:list")
    with pytest.raises(ValidationError, match="max_concurrent"):
        ActivityWorker("d", "list", max_concurrent=0)
    with pytest.raises(ValidationError, match="identity"):
        Decider("d", "list", identity="x" * 257)


async def test_an_unknown_domain_stops_the_actor_with_the_error(
    conn: aioswf.Connection, caplog: pytest.LogCaptureFixture
) -> None:
    worker = ActivityWorker(Domain("no-such-domain-anywhere"), "list", connection=conn)

    with caplog.at_level(logging.ERROR, logger="aioswf.actors"), pytest.raises(DomainDoesNotExist):
        await worker.run()

    assert worker.state is ActorState.STOPPED
    assert isinstance(worker.error, DomainDoesNotExist)
    assert "cannot go on" in caplog.text


async def test_async_with_raises_the_error_that_stopped_the_actor(conn: aioswf.Connection) -> None:
    worker = ActivityWorker("no-such-domain-anywhere", "list", connection=conn)

    with pytest.raises(DomainDoesNotExist):
        async with worker:
            await worker.wait()


async def test_many_actors_share_one_loop_and_connection(flow: Flow) -> None:
    actors = [ActivityWorker(flow.domain, flow.activities, connection=flow.conn) for _ in range(20)]
    actors += [Decider(flow.domain, flow.decisions, lambda t: [], connection=flow.conn) for _ in range(20)]

    async with anyio.create_task_group() as group:
        for actor in actors:
            group.start_soon(actor.start)
    assert all(actor.is_running for actor in actors)
    await aioswf.actors.stop_all(actors, grace=1)

    assert {actor.state for actor in actors} == {ActorState.STOPPED}


async def test_actors_warn_when_their_connection_pool_is_too_small(
    flow: Flow, caplog: pytest.LogCaptureFixture
) -> None:
    async with aioswf.Connection(
        endpoint_url=flow.conn.endpoint_url,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        max_pool_connections=12,
    ) as small:
        actors = [ActivityWorker(flow.domain, flow.activities, connection=small) for _ in range(3)]
        with caplog.at_level(logging.WARNING, logger="aioswf.actors"):
            for actor in actors:
                await actor.start()
            await aioswf.actors.stop_all(actors)

    warnings = [
        record.getMessage() for record in caplog.records if "max_pool_connections" in record.getMessage()
    ]
    assert len(warnings) == 1
    assert "max_pool_connections >= 13" in warnings[0]
