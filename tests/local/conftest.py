"""Fixtures of the local server's tests: LocalSWF servers (response-checked), moto, clients."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Any

import pytest
from aiobotocore.session import get_session
from swf_scenario import CREDENTIALS, NO_RETRY, POLL_WAIT, Scenario, assert_conforms

from aioswf.local import AutoJumpClock, LocalSWF, ManualClock
from aioswf.local.runner import CHECK_ENV


@pytest.fixture(scope="session", autouse=True)
def _every_server_checks_its_responses() -> Iterator[None]:
    """Servers these tests start without saying otherwise (threads, processes, benchmarks) check responses too."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(CHECK_ENV, "1")
        yield


@pytest.fixture(scope="session")
async def local() -> AsyncIterator[LocalSWF]:
    """The session's local server (real clock, short long polls, every response checked)."""
    async with LocalSWF(poll_wait=POLL_WAIT, check_responses=True) as server:
        yield server
        assert_conforms(server)


@pytest.fixture(autouse=True)
def _responses_conform(request: pytest.FixtureRequest) -> Iterator[None]:
    """After each test that used the shared server, check that every response fit its output shape."""
    yield
    if "local" in request.fixturenames:
        assert_conforms(request.getfixturevalue("local"))


@pytest.fixture
async def manual() -> AsyncIterator[LocalSWF]:
    """A fresh server on a ManualClock."""
    async with LocalSWF(poll_wait=POLL_WAIT, check_responses=True, clock=ManualClock()) as server:
        yield server
        assert_conforms(server)


@pytest.fixture(scope="session")
async def client(local: LocalSWF) -> AsyncIterator[Any]:
    """An aiobotocore SWF client of the shared server (no retries)."""
    async with get_session().create_client(
        "swf", endpoint_url=local.endpoint_url, config=NO_RETRY, **CREDENTIALS
    ) as c:
        yield c


@pytest.fixture
async def scenario(client: Any) -> Scenario:
    """A registered domain with one workflow and one activity type on the shared server."""
    return await Scenario(client).setup()


@pytest.fixture
async def manual_client(manual: LocalSWF) -> AsyncIterator[Any]:
    """A client of the ManualClock server."""
    async with get_session().create_client(
        "swf", endpoint_url=manual.endpoint_url, config=NO_RETRY, **CREDENTIALS
    ) as c:
        yield c


@pytest.fixture
async def manual_scenario(manual_client: Any) -> Callable[..., Awaitable[Scenario]]:
    """A factory of scenarios on the ManualClock server (takes Scenario.setup's keywords)."""

    async def make(**options: Any) -> Scenario:
        return await Scenario(manual_client).setup(**options)

    return make


@pytest.fixture
async def autojump() -> AsyncIterator[tuple[LocalSWF, Any]]:
    """A fresh server on an AutoJumpClock, and a client of it."""
    async with (
        LocalSWF(poll_wait=POLL_WAIT, check_responses=True, clock=AutoJumpClock(threshold=0.01)) as server,
        get_session().create_client(
            "swf", endpoint_url=server.endpoint_url, config=NO_RETRY, **CREDENTIALS
        ) as c,
    ):
        yield server, c
    assert_conforms(server)


@pytest.fixture
async def moto_client(moto_endpoint: str) -> AsyncIterator[Any]:
    """An aiobotocore client of moto's server (the root conftest's, reset for the test)."""
    async with get_session().create_client(
        "swf", endpoint_url=moto_endpoint, config=NO_RETRY, **CREDENTIALS
    ) as c:
        yield c
