"""S3PayloadStore against moto's S3 server, over HTTP."""

from __future__ import annotations

import logging
import socket
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest
from aiobotocore.config import AioConfig
from aiobotocore.session import AioSession
from aiobotocore.stub import AioStubber

from aioswf.exceptions import (
    ConnectionStateError,
    PayloadBucketNotFoundError,
    PayloadNotFoundError,
    PayloadStoreError,
    ValidationError,
)
from aioswf.flow.converter import DataConverter, ZlibCodec
from aioswf.flow.payloads import PayloadOffloader, S3PayloadStore, StoreState

KEYS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
PAYLOAD = DataConverter().encode({"note": "crème brûlée", "rows": list(range(3000))})


@pytest.fixture
async def s3(moto_server: str) -> AsyncIterator[Any]:
    """A plain aiobotocore S3 client on moto's server, to set up and inspect buckets."""
    async with AioSession().create_client(
        "s3", endpoint_url=moto_server, region_name="us-east-1", **KEYS
    ) as client:
        yield client


@pytest.fixture
async def bucket(s3: Any, name: Callable[[str], str]) -> str:
    bucket_name = name("payloads")
    await s3.create_bucket(Bucket=bucket_name)
    return bucket_name


@pytest.fixture
async def store(moto_server: str, bucket: str) -> AsyncIterator[S3PayloadStore]:
    async with S3PayloadStore(
        bucket, prefix="aioswf/", endpoint_url=moto_server, region_name="us-east-1", **KEYS
    ) as opened:
        yield opened


def strict(moto_server: str, bucket: str, **options: Any) -> S3PayloadStore:
    """A store that does not retry, for tests that expect an error."""
    config = AioConfig(retries={"total_max_attempts": 1}, connect_timeout=2, read_timeout=5)
    return S3PayloadStore(bucket, endpoint_url=moto_server, region_name="us-east-1", config=config, **options)


async def test_a_payload_put_comes_back_from_get(store: S3PayloadStore) -> None:
    await store.put("k1", PAYLOAD)
    await store.put("k2", '"\ud800"')
    assert await store.get("k1") == PAYLOAD
    assert await store.get("k2") == '"\ud800"'


async def test_the_object_sits_under_the_prefix_as_utf8_text(s3: Any, store: S3PayloadStore) -> None:
    await store.put("abc", PAYLOAD)
    response = await s3.get_object(Bucket=store.bucket, Key="aioswf/abc")
    async with response["Body"] as body:
        assert (await body.read()).decode("utf-8") == PAYLOAD
    assert response["ContentType"] == "text/plain; charset=utf-8"


async def test_putting_the_same_payload_twice_keeps_one_object(s3: Any, store: S3PayloadStore) -> None:
    offloader = PayloadOffloader(store)
    for _ in range(2):
        await offloader.put(offloader.reference(PAYLOAD))
    listing = await s3.list_objects_v2(Bucket=store.bucket)
    assert listing["KeyCount"] == 1


async def test_an_offloaded_compressed_payload_comes_back_as_its_value(store: S3PayloadStore) -> None:
    converter = DataConverter(codecs=[ZlibCodec()])
    value = {"rows": [[i, f"row {i}"] for i in range(20_000)]}
    text = converter.encode(value)
    offloader = PayloadOffloader(store)
    reference = offloader.reference(text)
    await offloader.put(reference)
    assert offloader.is_reference(reference.text)
    assert converter.decode(await offloader.resolve(reference.text)) == value


async def test_a_missing_object_raises_payload_not_found(store: S3PayloadStore) -> None:
    with pytest.raises(PayloadNotFoundError) as caught:
        await store.get("nothing-here")
    error = caught.value
    assert error.key == "nothing-here"
    assert error.code == "NoSuchKey"
    assert f"s3://{store.bucket}/aioswf/nothing-here" in str(error)
    assert isinstance(error, KeyError)


@pytest.mark.parametrize("operation", ["put", "get", "check"])
async def test_a_missing_bucket_raises_bucket_not_found(
    moto_server: str, name: Callable[[str], str], operation: str
) -> None:
    missing = name("absent")
    async with strict(moto_server, missing, **KEYS) as store:
        call = {"put": lambda: store.put("k", PAYLOAD), "get": lambda: store.get("k"), "check": store.check}
        with pytest.raises(PayloadBucketNotFoundError) as caught:
            await call[operation]()
    assert caught.value.bucket == missing
    assert f"the payload bucket {missing!r} does not exist" in str(caught.value)


async def test_check_passes_for_a_bucket_that_exists(store: S3PayloadStore) -> None:
    await store.check()


async def test_an_unreachable_endpoint_raises_a_store_error(bucket: str) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    async with strict(f"http://127.0.0.1:{port}", bucket, **KEYS) as store:
        with pytest.raises(PayloadStoreError, match=r"PutObject on .* failed: EndpointConnectionError"):
            await store.put("k", PAYLOAD)


async def test_access_denied_is_a_store_error_that_says_what_s3_may_mean(moto_server: str) -> None:
    # moto's server does not enforce IAM: botocore's own stubber answers as S3 does.
    async with AioSession().create_client(
        "s3", endpoint_url=moto_server, region_name="us-east-1", **KEYS
    ) as client:
        with AioStubber(client) as stubber:
            stubber.add_client_error("get_object", "AccessDenied", "Access Denied", http_status_code=403)
            store = S3PayloadStore("locked", client=client)
            with pytest.raises(PayloadStoreError) as caught:
                await store.get("k")
    assert caught.value.code == "AccessDenied"
    assert "GetObject: S3 denied access to s3://locked/k" in str(caught.value)
    assert "missing object" in str(caught.value)


async def test_other_s3_errors_carry_their_code_and_message(moto_server: str) -> None:
    async with AioSession().create_client(
        "s3", endpoint_url=moto_server, region_name="us-east-1", **KEYS
    ) as client:
        with AioStubber(client) as stubber:
            stubber.add_client_error(
                "put_object", "SlowDown", "Reduce your request rate", http_status_code=503
            )
            with pytest.raises(PayloadStoreError, match="PutObject on s3://b-1/k failed: SlowDown: Reduce"):
                await S3PayloadStore("b-1", client=client).put("k", "x")


async def test_a_store_handed_a_client_uses_it_and_never_closes_it(s3: Any, bucket: str) -> None:
    store = S3PayloadStore(bucket, client=s3)
    assert store.state is StoreState.OPEN
    async with store:
        await store.put("k", PAYLOAD)
    assert store.state is StoreState.CLOSED
    assert (await s3.list_objects_v2(Bucket=bucket))["KeyCount"] == 1


async def test_the_store_finds_keys_where_a_connection_does(moto_server: str, bucket: str) -> None:
    swf_file = Path.home() / ".swf"
    swf_file.write_text("[credentials]\naws_access_key_id=fromfile\naws_secret_access_key=fromfile\n")
    async with S3PayloadStore(bucket, endpoint_url=moto_server, region_name="us-east-1") as store:
        await store.put("k", PAYLOAD)
        assert await store.get("k") == PAYLOAD


async def test_without_any_keys_a_put_raises_a_store_error(moto_server: str, bucket: str) -> None:
    async with strict(moto_server, bucket) as store:
        with pytest.raises(PayloadStoreError, match="NoCredentialsError"):
            await store.put("k", PAYLOAD)


async def test_a_store_is_used_only_while_open(moto_server: str, bucket: str) -> None:
    store = strict(moto_server, bucket, **KEYS)
    assert store.state is StoreState.UNOPENED
    with pytest.raises(ConnectionStateError, match="unopened"):
        await store.get("k")
    async with store:
        assert store.state is StoreState.OPEN
    await store.close()
    assert store.state is StoreState.CLOSED
    with pytest.raises(ConnectionStateError, match="closed"):
        await store.put("k", "x")
    with pytest.raises(ConnectionStateError, match="opens once"):
        await store.open()


@pytest.mark.parametrize("bucket_name", ["", "a/b"])
def test_a_bucket_name_that_cannot_be_one_is_refused(bucket_name: str) -> None:
    with pytest.raises(ValidationError) as caught:
        S3PayloadStore(bucket_name)
    assert caught.value.argument == "bucket"


def test_a_client_and_options_for_another_client_are_refused(s3: Any) -> None:
    with pytest.raises(ValidationError, match="endpoint_url, region_name would make another"):
        S3PayloadStore("b-1", client=s3, region_name="us-east-1", endpoint_url="http://127.0.0.1:1")


@pytest.mark.parametrize(("key", "limit"), [("", None), ("k" * 1018, "1024 bytes")])
async def test_an_unusable_key_is_refused_before_any_request(
    s3: Any, bucket: str, key: str, limit: str | None
) -> None:
    sent: list[str] = []
    s3.meta.events.register("before-call.s3.*", lambda **kwargs: sent.append(kwargs["model"].name))
    store = S3PayloadStore(bucket, prefix="aioswf/", client=s3)
    with pytest.raises(ValidationError) as caught:
        await store.put(key, PAYLOAD)
    assert caught.value.argument == "key"
    if limit is not None:
        assert limit in str(caught.value.limit)
    assert sent == []


async def test_payload_contents_are_never_logged_nor_put_in_errors(
    store: S3PayloadStore, caplog: pytest.LogCaptureFixture
) -> None:
    secret = '{"card": "4111-SECRET"}'
    with caplog.at_level(logging.DEBUG, logger="aioswf"):
        await store.put("k", secret)
        assert await store.get("k") == secret
        with pytest.raises(PayloadNotFoundError) as caught:
            await store.get("other")
    ours = [record for record in caplog.records if record.name.startswith("aioswf")]
    assert any("stored a payload of 23 bytes" in record.getMessage() for record in ours)
    assert all("SECRET" not in record.getMessage() for record in ours)
    assert "SECRET" not in str(caught.value)
