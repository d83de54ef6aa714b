"""Shared fixtures: real SWF servers over HTTP, connections to them, random names, a request log."""

from __future__ import annotations

import os
import urllib.request
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import pytest
from aiobotocore.config import AioConfig
from moto.server import ThreadedMotoServer

import aioswf
from aioswf.local import LocalSWF

TEST_CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}


def pytest_configure(config: pytest.Config) -> None:
    """Every local SWF server of the run, in this process or a child one, checks its responses."""
    os.environ["AIOSWF_LOCAL_CHECK_RESPONSES"] = "1"


@pytest.fixture(scope="session")
def moto_server() -> Iterator[str]:
    """moto's SWF server on a free port of 127.0.0.1, for the whole session."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


@pytest.fixture
def moto_endpoint(moto_server: str) -> str:
    """moto's endpoint, reset before the test (moto's state is global and slows as it grows)."""
    request = urllib.request.Request(f"{moto_server}/moto-api/reset", method="POST")
    with urllib.request.urlopen(request, timeout=10) as response:
        response.read()
    return moto_server


@pytest.fixture
async def local_swf() -> AsyncIterator[LocalSWF]:
    """A fresh local SWF server for the test, checking every response against botocore's output shapes."""
    async with LocalSWF(poll_wait=1.0, check_responses=True) as server:
        yield server
    assert server.violations == [], "the local server answered outside botocore's output shapes"


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Runs every test that talks to SWF against the local server and, unless marked, moto's too.

    ``@pytest.mark.local_only("moto's bug: ...")`` keeps a test on the local server, naming why moto's
    server cannot run it (an operation it lacks, or a behaviour it gets wrong).
    """
    if "swf_server" in metafunc.fixturenames:
        marker = metafunc.definition.get_closest_marker("local_only")
        if marker is not None and not (marker.args and marker.args[0]):
            raise pytest.UsageError(
                f"{metafunc.definition.nodeid}: local_only needs the reason moto can't run it"
            )
        metafunc.parametrize("swf_server", ["local"] if marker else ["local", "moto"], indirect=True)


@pytest.fixture
def swf_server(request: pytest.FixtureRequest) -> str:
    """The endpoint of the server this run of the test talks to ("local" or "moto")."""
    if request.param == "moto":
        return str(request.getfixturevalue("moto_endpoint"))
    return str(request.getfixturevalue("local_swf").endpoint_url)


@pytest.fixture
def swf_endpoint(swf_server: str) -> str:
    """The SWF endpoint the tests talk to."""
    return swf_server


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    """No test reads the developer's ~/.swf, AWS profiles or endpoint variables."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    for name in (
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_DEFAULT_REGION",
        "AWS_REGION",
        "AWS_PROFILE",
        "AWS_ENDPOINT_URL",
        "AWS_ENDPOINT_URL_SWF",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(home / "aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(home / "aws-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    aioswf.credentials.clear_aws_credentials()


def make_connection(endpoint: str, **kwargs: Any) -> aioswf.Connection:
    """A connection to a test server, with fixed test keys."""
    return aioswf.Connection(region_name="us-east-1", endpoint_url=endpoint, **TEST_CREDENTIALS, **kwargs)


@pytest.fixture
async def conn(swf_endpoint: str) -> AsyncIterator[aioswf.Connection]:
    """An open connection to the test server (also the current connection inside the test)."""
    async with make_connection(swf_endpoint) as connection:
        yield connection


@pytest.fixture
async def strict_conn(swf_endpoint: str) -> AsyncIterator[aioswf.Connection]:
    """A connection that does not retry, for tests that expect an error."""
    config = AioConfig(retries={"total_max_attempts": 1})
    async with make_connection(swf_endpoint, config=config) as connection:
        yield connection


@pytest.fixture
def name() -> Callable[[str], str]:
    """Random names, so tests never see each other's resources."""

    def make(prefix: str = "t") -> str:
        return f"{prefix}-{uuid.uuid4().hex[:12]}"

    return make


class RequestLog:
    """The SWF operations a connection sent, in order (recorded just before each goes on the wire)."""

    def __init__(self) -> None:
        self.operations: list[str] = []

    def __call__(self, **kwargs: Any) -> None:
        model = kwargs.get("model")
        self.operations.append(model.name if model is not None else "?")

    def __len__(self) -> int:
        return len(self.operations)


@pytest.fixture
def sent(conn: aioswf.Connection) -> RequestLog:
    """Records every request `conn` sends, to prove that bad input sends none."""
    log = RequestLog()
    conn.client.meta.events.register("before-call.swf.*", log)
    return log


@pytest.fixture
def connect(swf_endpoint: str) -> Callable[..., aioswf.Connection]:
    """Makes unopened connections to the test server (or to `endpoint`)."""

    def factory(endpoint: str | None = None, **kwargs: Any) -> aioswf.Connection:
        return make_connection(endpoint or swf_endpoint, **kwargs)

    return factory
