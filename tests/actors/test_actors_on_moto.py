"""The actors against moto's server: its empty polls carry no taskToken at all, and a flow still runs."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from actor_scenarios import Flow, one_activity

import aioswf
from aioswf.actors import ActivityWorker, Decider
from aioswf.exceptions import PollTimeout


@pytest.fixture
async def moto_conn(moto_endpoint: str) -> AsyncIterator[aioswf.Connection]:
    async with aioswf.Connection(
        endpoint_url=moto_endpoint,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    ) as conn:
        yield conn


async def test_an_empty_poll_without_a_task_token_is_a_poll_timeout(moto_conn: aioswf.Connection) -> None:
    flow = await Flow.register(moto_conn)

    with pytest.raises(PollTimeout):
        await Decider(flow.domain, flow.decisions, connection=moto_conn).poll()
    with pytest.raises(PollTimeout):
        await ActivityWorker(flow.domain, flow.activities, connection=moto_conn).poll()


async def test_a_decider_and_a_worker_complete_an_execution(moto_conn: aioswf.Connection) -> None:
    flow = await Flow.register(moto_conn)

    async with (
        Decider(flow.domain, flow.decisions, lambda t: one_activity(flow, t), connection=moto_conn),
        ActivityWorker(
            flow.domain, flow.activities, {"work": lambda t: f"moto {t.input}"}, connection=moto_conn
        ),
    ):
        (outcome,) = await flow.outcomes(await flow.start(1), within=30)

    assert outcome.result == "moto x0"
