"""pytest fixtures for testing code that uses SWF, built on the local SWF server.

Enable them in your ``conftest.py``::

    pytest_plugins = ["aioswf.testing.fixtures"]

Every server these fixtures start checks each response against botocore's SWF model and fails the
test at teardown if one departed from it. Requires pytest and pytest-asyncio.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

import pytest
import pytest_asyncio

from aioswf.local import AutoJumpClock, LocalSWF, ManualClock

if TYPE_CHECKING:
    from aioswf.connection import Connection

__all__ = [
    "autojump_swf",
    "local_swf",
    "local_swf_options",
    "manual_swf",
    "swf_connection",
    "swf_domain",
]


def _assert_conforms(local: LocalSWF) -> None:
    if local.violations:
        pytest.fail("the local SWF server answered outside the SWF model:\n" + "\n".join(local.violations))


@pytest.fixture(scope="session")
def local_swf_options() -> dict[str, Any]:
    """Keyword arguments for the servers the fixtures start; override it to change them.

    The default long poll is 2 s (SWF's is 60 s) so that actors stop quickly in tests.
    """
    return {"poll_wait": 2.0}


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def local_swf(local_swf_options: dict[str, Any]) -> AsyncIterator[LocalSWF]:
    """One local SWF server (real clock) for the whole session.

    Give each test its own domain (see ``swf_domain``): the server's state is shared.
    """
    async with LocalSWF(**{"check_responses": True, **local_swf_options}) as local:
        yield local
        _assert_conforms(local)


@pytest_asyncio.fixture(loop_scope="session")
async def manual_swf(local_swf_options: dict[str, Any]) -> AsyncIterator[LocalSWF]:
    """A fresh local SWF server whose clock moves only when the test calls ``manual_swf.clock.advance()``."""
    async with LocalSWF(**{"check_responses": True, **local_swf_options, "clock": ManualClock()}) as local:
        yield local
        _assert_conforms(local)


@pytest_asyncio.fixture(loop_scope="session")
async def autojump_swf(local_swf_options: dict[str, Any]) -> AsyncIterator[LocalSWF]:
    """A fresh local SWF server whose clock jumps to the next deadline whenever the server is idle.

    Only deadlines something waits for (timers, timeouts) make it jump, never a retention period: a
    closed execution's history and result stay readable after it completes.
    """
    async with LocalSWF(**{"check_responses": True, **local_swf_options, "clock": AutoJumpClock()}) as local:
        yield local
        _assert_conforms(local)


@pytest_asyncio.fixture(loop_scope="session")
async def swf_connection(local_swf: LocalSWF) -> AsyncIterator[Connection]:
    """An open :class:`aioswf.Connection` to the session's local SWF server."""
    async with local_swf.connection() as connection:
        yield connection


@pytest_asyncio.fixture(loop_scope="session")
async def swf_domain(swf_connection: Connection) -> str:
    """The name of a freshly registered domain (random, one day of retention)."""
    name = f"test-{uuid.uuid4().hex[:12]}"
    await swf_connection.call("RegisterDomain", name=name, workflowExecutionRetentionPeriodInDays="1")
    return name
