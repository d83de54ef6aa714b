"""The lean request path behaves as the botocore path: same errors, retries, hooks, credentials, shapes."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiobotocore.config import AioConfig
from aiobotocore.stub import AioStubber
from scripted_server import ScriptedSWF, fault

import aioswf
from aioswf.exceptions import (
    DomainDoesNotExist,
    ServiceUnavailableError,
    ThrottlingError,
    ValidationError,
)
from aioswf.wire.transport import invocation_id

PATHS = ["lean", "botocore"]
KEYS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing", "region_name": "us-east-1"}
DOMAIN_INFO = {
    "domainInfo": {"name": "d", "status": "REGISTERED"},
    "configuration": {"workflowExecutionRetentionPeriodInDays": "1"},
}


def answer(operation: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    if operation == "DescribeDomain":
        return 200, DOMAIN_INFO
    if operation == "ListWorkflowTypes":
        return 200, {
            "typeInfos": [
                {
                    "workflowType": {"name": "w", "version": "1"},
                    "status": "REGISTERED",
                    "creationDate": 1700000000.5,
                    "deprecationDate": 1700000100,
                }
            ]
        }
    if operation.startswith("Count"):
        return 200, {"count": 0}
    return 200, {}


@pytest.fixture
async def server() -> AsyncIterator[ScriptedSWF]:
    async with ScriptedSWF(answer) as scripted:
        yield scripted


def connect(server: ScriptedSWF, path: str, **kwargs: Any) -> aioswf.Connection:
    return aioswf.Connection(endpoint_url=server.endpoint_url, request_path=path, **KEYS, **kwargs)


@pytest.mark.parametrize("path", PATHS)
async def test_a_fault_maps_to_the_same_error(server: ScriptedSWF, path: str) -> None:
    server.queue(fault("UnknownResourceFault", "Unknown domain: d"))
    async with connect(server, path) as conn:
        with pytest.raises(DomainDoesNotExist) as caught:
            await conn.call("DescribeDomain", name="d")
    assert (caught.value.code, caught.value.message, caught.value.status) == (
        "UnknownResourceFault",
        "Unknown domain: d",
        400,
    )
    assert type(caught.value.__cause__).__name__ == "UnknownResourceFault"


@pytest.mark.parametrize("path", PATHS)
async def test_standard_mode_retries_a_5xx_up_to_its_max_attempts(server: ScriptedSWF, path: str) -> None:
    server.queue(fault("InternalFailure", status=500), fault("InternalFailure", status=500))
    async with connect(server, path) as conn:
        assert (await conn.call("DescribeDomain", name="d"))["domainInfo"]["name"] == "d"
    assert len(server.received) == 3


@pytest.mark.parametrize("path", PATHS)
async def test_one_attempt_means_no_retry(server: ScriptedSWF, path: str) -> None:
    server.queue(fault("InternalFailure", status=500))
    config = AioConfig(retries={"mode": "standard", "total_max_attempts": 1})
    async with connect(server, path, config=config) as conn:
        with pytest.raises(ServiceUnavailableError):
            await conn.call("DescribeDomain", name="d")
    assert len(server.received) == 1


@pytest.mark.parametrize("path", PATHS)
async def test_max_attempts_is_honoured(server: ScriptedSWF, path: str) -> None:
    server.queue(*[fault("InternalFailure", status=500)] * 5)
    config = AioConfig(retries={"mode": "standard", "total_max_attempts": 2})
    async with connect(server, path, config=config) as conn:
        with pytest.raises(ServiceUnavailableError):
            await conn.call("DescribeDomain", name="d")
    assert len(server.received) == 2


@pytest.mark.parametrize("path", PATHS)
async def test_legacy_mode_retries_as_botocore_does(server: ScriptedSWF, path: str) -> None:
    server.queue(fault("InternalFailure", status=500))
    config = AioConfig(retries={"mode": "legacy", "max_attempts": 1})
    async with connect(server, path, config=config) as conn:
        await conn.call("DescribeDomain", name="d")
    assert len(server.received) == 2


@pytest.mark.slow
@pytest.mark.parametrize("path", PATHS)
async def test_adaptive_mode_retries_throttling(server: ScriptedSWF, path: str) -> None:
    server.queue(fault("ThrottlingException", "slow down"))
    config = AioConfig(retries={"mode": "adaptive", "total_max_attempts": 2})
    async with connect(server, path, config=config) as conn:
        await conn.call("DescribeDomain", name="d")
        server.queue(fault("ThrottlingException", "slow down"), fault("ThrottlingException", "slow down"))
        with pytest.raises(ThrottlingError):
            await conn.call("DescribeDomain", name="d")
    assert len(server.received) == 4


@pytest.mark.parametrize("path", PATHS)
async def test_a_client_side_fault_is_not_retried(server: ScriptedSWF, path: str) -> None:
    server.queue(fault("UnknownResourceFault", "Unknown domain: d"))
    async with connect(server, path) as conn:
        with pytest.raises(DomainDoesNotExist):
            await conn.call("DescribeDomain", name="d")
    assert len(server.received) == 1


@pytest.mark.parametrize("path", PATHS)
async def test_refreshable_credentials_refresh_before_requests(
    server: ScriptedSWF, path: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", f"{server.endpoint_url}/credentials")
    async with aioswf.Connection(
        endpoint_url=server.endpoint_url, region_name="us-east-1", request_path=path
    ) as conn:
        await conn.call("DescribeDomain", name="d")
        await conn.call("DescribeDomain", name="d")
    keys = [r.headers["Authorization"].split("Credential=")[1].split("/")[0] for r in server.received]
    tokens = [r.headers["X-Amz-Security-Token"] for r in server.received]
    assert server.credential_fetches >= 2
    assert keys[-1] == f"AKID{server.credential_fetches}" != keys[0]
    assert tokens[-1] == f"token{server.credential_fetches}"


@pytest.mark.parametrize("path", PATHS)
async def test_both_paths_send_the_same_request(server: ScriptedSWF, path: str) -> None:
    async with connect(server, path) as conn:
        await conn.call(
            "CountOpenWorkflowExecutions",
            domain="d",
            startTimeFilter={"oldestDate": datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)},
        )
    (request,) = server.received
    assert request.operation == "CountOpenWorkflowExecutions"
    assert request.headers["Content-Type"] == "application/x-amz-json-1.0"
    assert request.headers["X-Amz-Target"] == "SimpleWorkflowService.CountOpenWorkflowExecutions"
    assert request.body == {"domain": "d", "startTimeFilter": {"oldestDate": 1767225600}}
    assert request.headers["Authorization"].startswith("AWS4-HMAC-SHA256 Credential=testing/")
    assert "SignedHeaders=content-type;host;x-amz-date;x-amz-target," in request.headers["Authorization"]


@pytest.mark.parametrize("path", PATHS)
async def test_every_request_carries_an_invocation_id_of_its_own(server: ScriptedSWF, path: str) -> None:
    async with connect(server, path) as conn:
        for _ in range(3):
            await conn.call("DescribeDomain", name="d")
    ids = [request.headers["amz-sdk-invocation-id"] for request in server.received]
    assert len(set(ids)) == 3
    assert all(str(uuid.UUID(value)) == value for value in ids)
    assert all(uuid.UUID(value).version == 4 for value in ids)
    assert all(uuid.UUID(value).variant == uuid.RFC_4122 for value in ids)


def test_invocation_ids_are_random_version_4_uuids() -> None:
    ids = [invocation_id() for _ in range(2000)]
    assert len(set(ids)) == len(ids)
    parsed = [uuid.UUID(value) for value in ids]
    assert [str(value) for value in parsed] == ids
    assert {value.version for value in parsed} == {4}
    assert {value.variant for value in parsed} == {uuid.RFC_4122}
    # Every hex digit outside the fixed version and variant bits takes every value.
    assert all(len({value[index] for value in ids}) == 16 for index in (0, 9, 15, 21, 35))
    assert {value[19] for value in ids} == set("89ab")


@pytest.mark.parametrize("path", PATHS)
async def test_response_timestamps_become_aware_datetimes(server: ScriptedSWF, path: str) -> None:
    async with connect(server, path) as conn:
        page = await conn.call("ListWorkflowTypes", domain="d", registrationStatus="REGISTERED")
    info = page["typeInfos"][0]
    assert info["creationDate"] == datetime.datetime(
        2023, 11, 14, 22, 13, 20, 500000, tzinfo=datetime.timezone.utc
    )
    assert info["deprecationDate"].timestamp() == 1700000100
    assert "ResponseMetadata" not in page


@pytest.mark.parametrize("path", PATHS)
async def test_unknown_or_missing_parameters_are_refused_before_sending(
    server: ScriptedSWF, path: str
) -> None:
    async with connect(server, path) as conn:
        with pytest.raises(ValidationError, match="domian"):
            await conn.call("DescribeWorkflowType", domian="d", workflowType={"name": "w", "version": "1"})
        with pytest.raises(ValidationError, match="workflowType"):
            await conn.call("DescribeWorkflowType", domain="d")
    assert server.received == []


@pytest.mark.parametrize("path", PATHS)
async def test_the_stubber_answers_instead_of_the_server(server: ScriptedSWF, path: str) -> None:
    async with connect(server, path) as conn:
        with AioStubber(conn.client) as stubber:
            stubber.add_response("describe_domain", DOMAIN_INFO, {"name": "stubbed"})
            stubber.add_client_error("describe_domain", "UnknownResourceFault", "Unknown domain: x")
            assert (await conn.call("DescribeDomain", name="stubbed"))["domainInfo"]["name"] == "d"
            with pytest.raises(DomainDoesNotExist):
                await conn.call("DescribeDomain", name="x")
            stubber.assert_no_pending_responses()
    assert server.received == []


@pytest.mark.parametrize("path", PATHS)
async def test_before_call_and_after_call_hooks_run(server: ScriptedSWF, path: str) -> None:
    seen: list[str] = []
    async with connect(server, path) as conn:
        conn.client.meta.events.register(
            "before-call.swf.*", lambda model, **kw: seen.append(f"before {model.name}")
        )
        conn.client.meta.events.register(
            "after-call.swf.*", lambda model, **kw: seen.append(f"after {model.name}")
        )
        await conn.call("DescribeDomain", name="d")
    assert seen == ["before DescribeDomain", "after DescribeDomain"]


async def test_the_request_path_comes_from_the_argument_then_the_environment(
    server: ScriptedSWF, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("AIOSWF_REQUEST_PATH", raising=False)
    assert connect(server, None).request_path == "lean"  # type: ignore[arg-type]
    monkeypatch.setenv("AIOSWF_REQUEST_PATH", "botocore")
    assert connect(server, None).request_path == "botocore"  # type: ignore[arg-type]
    assert connect(server, "lean").request_path == "lean"
    monkeypatch.setenv("AIOSWF_REQUEST_PATH", "fast")
    with pytest.raises(ValidationError, match="AIOSWF_REQUEST_PATH"):
        connect(server, None)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="request_path"):
        connect(server, "curl")


async def test_the_lean_path_leaves_the_aiobotocore_client_available(server: ScriptedSWF) -> None:
    async with connect(server, "lean") as conn:
        response = await conn.client.describe_domain(name="d")
    assert response["domainInfo"]["name"] == "d"
    assert [r.operation for r in server.received] == ["DescribeDomain"]


@pytest.mark.parametrize("path", PATHS)
async def test_unsigned_requests_carry_no_signature(server: ScriptedSWF, path: str) -> None:
    import botocore

    async with connect(server, path, config=AioConfig(signature_version=botocore.UNSIGNED)) as conn:
        await conn.call("DescribeDomain", name="d")
    assert "Authorization" not in server.received[0].headers
