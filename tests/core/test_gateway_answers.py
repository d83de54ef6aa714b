"""Answers that come from proxies and gateways rather than SWF: each becomes an aioswf error, never a raw one.

No SWF server answers an HTML 502, a 429 from an API gateway or a 200 whose body is a JSON list, so a small
aiohttp application plays the gateway here; the client is the unmodified aiobotocore one.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import attrs
import pytest
from aiobotocore.config import AioConfig
from aiohttp import web

import aioswf
from aioswf.actors.backoff import is_transient
from aioswf.exceptions import (
    InvalidRequestError,
    ServiceUnavailableError,
    SWFError,
    ThrottlingError,
    UnexpectedResponseError,
)
from aioswf.models import WorkflowExecution, WorkflowType

HTML = "text/html; charset=utf-8"
JSON = "application/x-amz-json-1.0"


@attrs.define
class Gateway:
    """An HTTP server that answers every request with the answer it was last given."""

    status: int = 200
    body: bytes = b"{}"
    content_type: str = JSON
    requests: int = 0
    url: str = ""

    def answer(self, status: int, body: bytes | str, content_type: str = JSON) -> None:
        self.status = status
        self.body = body.encode() if isinstance(body, str) else body
        self.content_type = content_type

    async def handle(self, request: web.Request) -> web.Response:
        await request.read()
        self.requests += 1
        return web.Response(status=self.status, body=self.body, headers={"Content-Type": self.content_type})


@pytest.fixture
async def gateway() -> AsyncIterator[Gateway]:
    found = Gateway()
    app = web.Application()
    app.router.add_route("POST", "/{tail:.*}", found.handle)
    runner = web.AppRunner(app, access_log=None, handle_signals=False)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    server = site._server
    assert server is not None
    found.url = f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}"  # type: ignore[union-attr]
    try:
        yield found
    finally:
        await runner.cleanup()


@pytest.fixture
async def gateway_conn(gateway: Gateway) -> AsyncIterator[aioswf.Connection]:
    config = AioConfig(retries={"total_max_attempts": 1})
    async with aioswf.Connection(
        region_name="us-east-1",
        endpoint_url=gateway.url,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=config,
    ) as connection:
        yield connection


PAGE = (
    "<html><head><title>{title}</title></head><body><h1>{title}</h1>"
    + "<p>nginx</p>" * 200
    + "</body></html>"
)


@pytest.mark.parametrize(
    ("status", "body", "content_type", "expected"),
    [
        pytest.param(429, PAGE.format(title="429 Too Many Requests"), HTML, ThrottlingError, id="429-html"),
        pytest.param(429, '{"message": "Too Many Requests"}', JSON, ThrottlingError, id="429-api-gateway"),
        pytest.param(429, "", HTML, ThrottlingError, id="429-empty"),
        pytest.param(408, "", HTML, ServiceUnavailableError, id="408-empty"),
        pytest.param(502, PAGE.format(title="502 Bad Gateway"), HTML, ServiceUnavailableError, id="502-html"),
        pytest.param(503, "", HTML, ServiceUnavailableError, id="503-empty"),
        pytest.param(504, PAGE.format(title="504 Gateway Time-out"), HTML, ServiceUnavailableError, id="504"),
        pytest.param(403, PAGE.format(title="403 Forbidden"), HTML, UnexpectedResponseError, id="403-html"),
        pytest.param(400, "[1, 2]", JSON, UnexpectedResponseError, id="400-json-list"),
        pytest.param(400, '{"__type": 7}', JSON, UnexpectedResponseError, id="400-numeric-type"),
        pytest.param(200, "[1, 2]", JSON, UnexpectedResponseError, id="200-json-list"),
        pytest.param(200, '"a string"', JSON, UnexpectedResponseError, id="200-json-string"),
        pytest.param(200, PAGE.format(title="Welcome"), HTML, UnexpectedResponseError, id="200-html"),
        pytest.param(200, b"\xff\xfe{", JSON, UnexpectedResponseError, id="200-not-utf8"),
        pytest.param(200, '{"runId": ', JSON, UnexpectedResponseError, id="200-truncated"),
    ],
)
async def test_answers_of_proxies_and_gateways_are_transient_aioswf_errors(
    gateway: Gateway,
    gateway_conn: aioswf.Connection,
    status: int,
    body: str | bytes,
    content_type: str,
    expected: type[SWFError],
) -> None:
    gateway.answer(status, body, content_type)

    with pytest.raises(SWFError) as caught:
        await gateway_conn.call(
            "StartWorkflowExecution",
            domain="d",
            workflowId="w",
            workflowType={
                "name": "t",
                "version": "1",
            },
        )

    assert type(caught.value) is expected
    assert is_transient(caught.value)
    assert caught.value.status == status
    assert len(str(caught.value)) < 600, "a gateway's page is shown clipped, not whole"


async def test_a_member_of_the_wrong_type_in_a_200_is_an_unexpected_response(
    gateway: Gateway, gateway_conn: aioswf.Connection
) -> None:
    gateway.answer(200, '{"events": 5, "nextPageToken": ["x"]}')

    with pytest.raises(UnexpectedResponseError) as caught:
        await WorkflowExecution("d", "w", "r", connection=gateway_conn).history()

    assert caught.value.operation == "GetWorkflowExecutionHistory"


async def test_swfs_own_validation_fault_stays_a_request_error(
    gateway: Gateway, gateway_conn: aioswf.Connection
) -> None:
    gateway.answer(400, '{"__type": "com.amazon.coral.validate#ValidationException", "message": "bad"}')

    with pytest.raises(InvalidRequestError) as caught:
        await gateway_conn.call("ListDomains", registrationStatus="REGISTERED")

    assert not is_transient(caught.value)


async def test_a_200_without_the_members_a_model_needs_is_an_unexpected_response(
    gateway: Gateway, gateway_conn: aioswf.Connection
) -> None:
    gateway.answer(200, "{}")

    with pytest.raises(UnexpectedResponseError, match="runId"):
        await WorkflowType("d", "t", "1", connection=gateway_conn).start_execution("w")


async def test_a_mistyped_task_token_is_refused_without_being_quoted(
    gateway: Gateway, gateway_conn: aioswf.Connection
) -> None:
    secret = "SECRET-TOKEN-" + "t" * 40
    for token in (secret.encode(), [secret], secret * 30):
        with pytest.raises(aioswf.ValidationError) as caught:
            await gateway_conn.call("RespondActivityTaskCompleted", taskToken=token)
        assert "SECRET-TOKEN" not in str(caught.value)
        assert caught.value.argument == "taskToken"
    assert gateway.requests == 0
