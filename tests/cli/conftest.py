"""One local SWF server per test module, and the ``aioswf`` command run against it as a process.

Every command runs through the installed entry point (``aioswf = "aioswf.cli:main"``) with a clean
environment: no AWS variable, an empty HOME, only the endpoint exported as ``aioswf local`` says to. So
every test also shows that a loopback endpoint needs no region and no credentials.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Mapping
from pathlib import Path

import pytest
import pytest_asyncio
from cli_process import Result, Runner, clean_env, run_aioswf

import aioswf
from aioswf.local import LocalSWF


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def cli_server() -> AsyncIterator[LocalSWF]:
    """One local SWF server for the module's tests (each test works in its own domain)."""
    async with LocalSWF(poll_wait=1.0, check_responses=True) as server:
        yield server
        assert server.violations == [], "the local server answered outside botocore's output shapes"


@pytest.fixture(scope="module")
def cli_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty home folder for the commands."""
    return tmp_path_factory.mktemp("cli-home")


@pytest.fixture
def cli_env(cli_server: LocalSWF, cli_home: Path) -> dict[str, str]:
    """The environment of a newcomer who exported what ``aioswf local`` printed, and nothing else."""
    return clean_env(cli_home, AWS_ENDPOINT_URL_SWF=cli_server.endpoint_url)


@pytest.fixture
def aioswf_cli(cli_env: dict[str, str]) -> Runner:
    """``await aioswf_cli("domain", "list")``: runs the command against the module's server."""

    async def run(*args: str, stdin: str | None = None, env: Mapping[str, str] | None = None) -> Result:
        return await run_aioswf(*args, env={**cli_env, **(env or {})}, stdin=stdin)

    return run


@pytest_asyncio.fixture(loop_scope="session")
async def cli_conn(cli_server: LocalSWF) -> AsyncIterator[aioswf.Connection]:
    """An SDK connection to the module's server, to set up and check what the commands do."""
    async with cli_server.connection() as connection:
        yield connection


@pytest_asyncio.fixture(loop_scope="session")
async def cli_domain(cli_conn: aioswf.Connection) -> str:
    """A fresh domain on the module's server, with workflow type ``crawl/1`` (task list ``decisions``)."""
    name = f"cli-{uuid.uuid4().hex[:10]}"
    await cli_conn.call("RegisterDomain", name=name, workflowExecutionRetentionPeriodInDays="1")
    await cli_conn.call(
        "RegisterWorkflowType",
        domain=name,
        name="crawl",
        version="1",
        defaultTaskList={"name": "decisions"},
        defaultExecutionStartToCloseTimeout="600",
        defaultTaskStartToCloseTimeout="60",
        defaultChildPolicy="TERMINATE",
    )
    return name
