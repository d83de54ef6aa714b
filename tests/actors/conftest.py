"""Fixtures of the actors' tests: the local SWF server (real and driven clocks), connections, flows."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
from actor_scenarios import Flow
from aiobotocore.config import AioConfig
from swf_fault_proxy import FaultProxy

import aioswf
from aioswf.local import LocalSWF, ManualClock

#: Long polls wait this long on the test servers, so that stopping and empty polls stay quick.
POLL_WAIT = 0.3
CREDENTIALS = {"region_name": "us-east-1", "aws_access_key_id": "testing", "aws_secret_access_key": "testing"}


@pytest.fixture(scope="session")
async def actors_swf() -> AsyncIterator[LocalSWF]:
    """The session's local SWF server, on the real clock, with short long polls."""
    async with LocalSWF(poll_wait=POLL_WAIT) as server:
        yield server


@pytest.fixture
def swf_endpoint(actors_swf: LocalSWF) -> str:
    """The actors' tests talk to the local server (the root conftest's `conn` follows this)."""
    return actors_swf.endpoint_url


@pytest.fixture
async def flow(conn: aioswf.Connection) -> Flow:
    """A registered domain with a workflow type and an activity type on the local server."""
    return await Flow.register(conn)


@pytest.fixture
async def manual_swf() -> AsyncIterator[LocalSWF]:
    """A fresh local server whose clock moves only when the test advances it."""
    async with LocalSWF(poll_wait=POLL_WAIT, clock=ManualClock()) as server:
        yield server


@pytest.fixture
async def manual_conn(manual_swf: LocalSWF) -> AsyncIterator[aioswf.Connection]:
    """A connection to the driven-clock server."""
    async with aioswf.Connection(endpoint_url=manual_swf.endpoint_url, **CREDENTIALS) as connection:
        yield connection


@pytest.fixture
async def manual_flow(manual_conn: aioswf.Connection) -> Callable[..., Awaitable[Flow]]:
    """Makes flows on the driven-clock server (takes `Flow.register`'s keywords)."""

    async def make(**options: Any) -> Flow:
        return await Flow.register(manual_conn, **options)

    return make


@pytest.fixture
async def proxy(actors_swf: LocalSWF) -> AsyncIterator[FaultProxy]:
    """A fault-injecting proxy in front of the local server."""
    async with FaultProxy(actors_swf.endpoint_url) as fault_proxy:
        yield fault_proxy


@pytest.fixture
async def proxied_conn(proxy: FaultProxy) -> AsyncIterator[aioswf.Connection]:
    """A connection through the proxy, without botocore's own retries (the actors' backoff is tested)."""
    config = AioConfig(retries={"total_max_attempts": 1}, connect_timeout=2)
    async with aioswf.Connection(endpoint_url=proxy.endpoint_url, config=config, **CREDENTIALS) as connection:
        yield connection


@pytest.fixture
def unique() -> Callable[[str], str]:
    """Random names."""
    return lambda prefix: f"{prefix}-{uuid.uuid4().hex[:10]}"
