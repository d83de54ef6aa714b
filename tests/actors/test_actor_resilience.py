"""A server that drops connections or answers 500 / throttling for a while: the actors back off and go on."""

from __future__ import annotations

import logging

import anyio
import pytest
from actor_scenarios import Flow, one_activity, until
from swf_fault_proxy import FaultProxy

import aioswf
from aioswf.actors import ActivityWorker, Backoff, Decider
from aioswf.actors.backoff import FailureStreak, is_transient
from aioswf.exceptions import (
    DomainDoesNotExist,
    ServiceUnavailableError,
    ThrottlingError,
    TransportError,
)
from aioswf.models.task import ActivityTask

FAST = Backoff(initial=0.02, maximum=0.2)


async def work(task: ActivityTask) -> str:
    await anyio.sleep(0.05)
    return f"done {task.input}"


def actors(flow: Flow, conn: aioswf.Connection) -> tuple[Decider, ActivityWorker]:
    decider = Decider(
        flow.domain, flow.decisions, lambda t: one_activity(flow, t), connection=conn, backoff=FAST
    )
    worker = ActivityWorker(flow.domain, flow.activities, {"work": work}, connection=conn, backoff=FAST)
    return decider, worker


@pytest.mark.parametrize("fault", ["500", "throttle", "drop"])
async def test_every_execution_completes_after_an_outage(
    flow: Flow,
    proxy: FaultProxy,
    proxied_conn: aioswf.Connection,
    caplog: pytest.LogCaptureFixture,
    fault: str,
) -> None:
    decider, worker = actors(flow, proxied_conn)
    with caplog.at_level(logging.INFO, logger="aioswf.actors"):
        async with decider, worker:
            executions = await flow.start(3)
            await anyio.sleep(0.1)
            proxy.inject(fault)  # type: ignore[arg-type]
            executions += await flow.start(3)
            # The outage lasts until the actors have retried many times, however long that takes here.
            await until(lambda: sum(proxy.faults.values()) > 10, within=60)
            assert decider.is_running
            assert worker.is_running
            proxy.heal()
            outcomes = await flow.outcomes(executions)
            assert decider.is_running
            assert worker.is_running

    assert sum(proxy.faults.values()) > 10
    assert sorted(outcome.result or "" for outcome in outcomes) == sorted(f"done x{i % 3}" for i in range(6))
    poll_streaks = [r for r in caplog.records if "polling" in r.getMessage() and "retrying" in r.getMessage()]
    recoveries = [
        r for r in caplog.records if "polling" in r.getMessage() and "works again" in r.getMessage()
    ]
    assert 1 <= len(poll_streaks) <= 2, [r.getMessage() for r in poll_streaks]
    assert len(recoveries) == len(poll_streaks)


async def test_answers_are_retried_until_the_server_takes_them(
    flow: Flow, proxy: FaultProxy, proxied_conn: aioswf.Connection
) -> None:
    decider, worker = actors(flow, proxied_conn)
    proxy.inject("500", operations={"RespondActivityTaskCompleted", "RespondDecisionTaskCompleted"}, count=8)
    async with decider, worker:
        outcomes = await flow.outcomes(await flow.start(2))

    assert proxy.faults["RespondActivityTaskCompleted"] + proxy.faults["RespondDecisionTaskCompleted"] == 8
    assert [outcome.result for outcome in outcomes] == ["done x0", "done x1"]


async def test_dropped_heartbeats_do_not_stop_the_handler(
    flow: Flow, proxy: FaultProxy, proxied_conn: aioswf.Connection
) -> None:
    async def slow(task: ActivityTask) -> str:
        await anyio.sleep(0.6)
        return "survived"

    decider = Decider(flow.domain, flow.decisions, lambda t: one_activity(flow, t), connection=proxied_conn)
    worker = ActivityWorker(
        flow.domain,
        flow.activities,
        {"work": slow},
        heartbeat_interval=0.05,
        connection=proxied_conn,
        backoff=FAST,
    )
    proxy.inject("drop", operations={"RecordActivityTaskHeartbeat"})
    async with decider, worker:
        (outcome,) = await flow.outcomes(await flow.start(1))

    assert proxy.faults["RecordActivityTaskHeartbeat"] >= 3
    assert outcome.result == "survived"


def test_backoff_grows_to_its_cap_with_full_jitter() -> None:
    backoff = Backoff(initial=1, maximum=8, multiplier=2)

    assert [backoff.cap(n) for n in range(1, 7)] == [1, 2, 4, 8, 8, 8]
    assert all(0 <= backoff.delay(5) <= 8 for _ in range(100))
    assert Backoff(initial=1, maximum=8, jitter=False).delay(3) == 4
    assert backoff.cap(10_000) == 8


def test_only_network_5xx_and_throttling_errors_are_transient() -> None:
    assert is_transient(TransportError("reset"))
    assert is_transient(ServiceUnavailableError("Poll", "InternalFailure", "", status=500))
    assert is_transient(ThrottlingError("Poll", "ThrottlingException", "", status=400))
    assert not is_transient(DomainDoesNotExist("Poll", "UnknownResourceFault", "", status=400))


def test_a_failure_streak_logs_once_when_it_starts_and_once_when_it_ends(
    caplog: pytest.LogCaptureFixture,
) -> None:
    streak = FailureStreak("polling d/l", logging.getLogger("aioswf.actors"))

    with caplog.at_level(logging.INFO, logger="aioswf.actors"):
        for _ in range(5):
            streak.failed(TransportError("reset"))
        streak.succeeded()
        streak.succeeded()

    assert [record.levelname for record in caplog.records] == ["WARNING", "INFO"]
    assert "after 5 failed attempt(s)" in caplog.records[1].getMessage()


@pytest.mark.slow
async def test_the_actors_backoff_works_on_top_of_botocores_own_retries(
    flow: Flow, proxy: FaultProxy
) -> None:
    # The default Connection retries throttling and 5xx itself (standard mode, 3 attempts): seven faults in
    # a row outlast those retries, and the actors' backoff takes over.
    async with aioswf.Connection(
        endpoint_url=proxy.endpoint_url,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    ) as conn:
        decider, worker = actors(flow, conn)
        proxy.inject("throttle", operations={"PollForActivityTask"}, count=7)
        async with decider, worker:
            outcomes = await flow.outcomes(await flow.start(2), within=30)

    assert proxy.faults["PollForActivityTask"] == 7
    assert [outcome.result for outcome in outcomes] == ["done x0", "done x1"]
