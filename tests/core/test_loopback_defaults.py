"""Against a loopback endpoint nothing needs configuring; elsewhere missing credentials are a CredentialsError."""

from __future__ import annotations

import logging
from pathlib import Path

import botocore.exceptions
import pytest
from aiobotocore.config import AioConfig
from aiobotocore.stub import AioStubber
from botocore import UNSIGNED
from botocore.exceptions import ClientError

import aioswf
from aioswf.credentials import LOOPBACK_REGION, is_loopback_endpoint, placeholder_credentials
from aioswf.exceptions import (
    BOTOCORE_CREDENTIAL_ERRORS,
    CredentialsError,
    InvalidCredentialsError,
    ResponseError,
    map_client_error,
    map_credentials_error,
)
from aioswf.local import LocalSWF

AWS_LIKE_ENDPOINT = "https://swf.example.com"


async def signing_key(connection: aioswf.Connection) -> str:
    """The access key id the connection signed a real request with."""
    seen: list[str] = []

    def capture(request, **_: object) -> None:
        header = request.headers["Authorization"]
        seen.append(header.decode() if isinstance(header, bytes) else header)

    connection.client.meta.events.register("before-send.swf.ListDomains", capture)
    await connection.call("ListDomains", registrationStatus="REGISTERED")
    return seen[0].split("Credential=")[1].split("/")[0]


def loopback_messages(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if "loopback endpoint" in r.getMessage()]


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8080",
        "http://127.3.2.1",
        "http://localhost:8080",
        "http://LOCALHOST:1/",
        "http://swf.localhost:8080",
        "http://[::1]:8080",
    ],
)
def test_loopback_endpoints_are_recognised(url: str) -> None:
    assert is_loopback_endpoint(url)


@pytest.mark.parametrize(
    "url",
    [
        None,
        "",
        "https://swf.us-east-1.amazonaws.com",
        "http://10.0.0.1:8080",
        "http://192.168.1.10",
        "http://localhost.example.com",
        "http://0.0.0.0:8080",
        "not a url",
    ],
)
def test_other_endpoints_are_not_loopback(url: str | None) -> None:
    assert not is_loopback_endpoint(url)


async def test_a_loopback_endpoint_needs_no_region_and_no_keys(
    local_swf: LocalSWF, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="aioswf")
    async with aioswf.Connection(endpoint_url=local_swf.endpoint_url) as connection:
        assert connection.region_name == LOOPBACK_REGION
        assert await signing_key(connection) == placeholder_credentials().access_key_id
        await connection.call("ListDomains", registrationStatus="REGISTERED")
    [message] = loopback_messages(caplog)
    assert "no region or credentials configured" in message
    assert f"region {LOOPBACK_REGION} and placeholder credentials" in message
    assert all(r.levelno == logging.DEBUG for r in caplog.records if "loopback" in r.getMessage())


async def test_localhost_works_as_well(local_swf: LocalSWF) -> None:
    endpoint = local_swf.endpoint_url.replace("127.0.0.1", "localhost")
    async with aioswf.Connection(endpoint_url=endpoint) as connection:
        assert await signing_key(connection) == placeholder_credentials().access_key_id


async def test_configured_values_win_over_the_loopback_defaults(
    local_swf: LocalSWF, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "ENVKEY")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "ENVSECRET")
    caplog.set_level(logging.DEBUG, logger="aioswf")
    async with aioswf.Connection(endpoint_url=local_swf.endpoint_url) as connection:
        assert connection.region_name == "eu-west-1"
        assert await signing_key(connection) == "ENVKEY"
    assert loopback_messages(caplog) == []
    assert "ENVSECRET" not in caplog.text


async def test_only_the_missing_half_is_defaulted(
    local_swf: LocalSWF, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="aioswf")
    async with aioswf.Connection(
        endpoint_url=local_swf.endpoint_url, aws_access_key_id="MINE", aws_secret_access_key="s"
    ) as connection:
        assert await signing_key(connection) == "MINE"
    [message] = loopback_messages(caplog)
    assert "no region configured" in message
    assert "placeholder" not in message


async def test_no_credentials_against_other_endpoints_is_a_credentials_error() -> None:
    connection = aioswf.Connection(region_name="us-east-1", endpoint_url=AWS_LIKE_ENDPOINT)
    with pytest.raises(CredentialsError, match="no AWS credentials found") as caught:
        await connection.open()
    assert isinstance(caught.value.__cause__, botocore.exceptions.NoCredentialsError)
    assert "AWS_ACCESS_KEY_ID" in str(caught.value)
    assert connection.state is aioswf.ConnectionState.UNOPENED


async def test_against_aws_itself_nothing_is_made_up() -> None:
    connection = aioswf.Connection(region_name="us-east-1")
    with pytest.raises(CredentialsError):
        await connection.open()
    region_less = aioswf.Connection(aws_access_key_id="k", aws_secret_access_key="s")
    with pytest.raises(aioswf.ValidationError, match="region"):
        await region_less.open()


async def test_half_a_key_pair_is_a_credentials_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "ONLYHALF")
    connection = aioswf.Connection(region_name="us-east-1", endpoint_url=AWS_LIKE_ENDPOINT)
    with pytest.raises(CredentialsError, match="incomplete") as caught:
        await connection.open()
    assert isinstance(caught.value.__cause__, botocore.exceptions.PartialCredentialsError)
    assert "AWS_SECRET_ACCESS_KEY" in str(caught.value)


async def test_half_a_key_pair_given_to_the_connection_is_a_credentials_error() -> None:
    connection = aioswf.Connection(
        region_name="us-east-1", endpoint_url=AWS_LIKE_ENDPOINT, aws_access_key_id="ONLYHALF"
    )
    with pytest.raises(CredentialsError) as caught:
        await connection.open()
    assert isinstance(caught.value.__cause__, botocore.exceptions.PartialCredentialsError)


async def test_an_unknown_profile_is_a_credentials_error() -> None:
    connection = aioswf.Connection(region_name="us-east-1", profile_name="nowhere")
    with pytest.raises(CredentialsError, match="profile") as caught:
        await connection.open()
    assert isinstance(caught.value.__cause__, botocore.exceptions.ProfileNotFound)


async def test_a_named_profile_gives_keys_and_region_and_wins_over_the_environment(
    local_swf: LocalSWF, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    config = tmp_path / "aws-config"
    config.write_text(
        "[profile dev]\nregion = ap-northeast-1\n"
        "aws_access_key_id = PROFILEKEY\naws_secret_access_key = PROFILESECRET\n"
    )
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "ENVKEY")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "ENVSECRET")
    async with aioswf.Connection(endpoint_url=local_swf.endpoint_url, profile_name="dev") as connection:
        assert connection.region_name == "ap-northeast-1"
        assert await signing_key(connection) == "PROFILEKEY"


async def test_an_unsigned_connection_needs_no_keys() -> None:
    config = AioConfig(signature_version=UNSIGNED)
    async with aioswf.Connection(
        region_name="us-east-1", endpoint_url=AWS_LIKE_ENDPOINT, config=config
    ) as connection:
        assert connection.state is aioswf.ConnectionState.OPEN


@pytest.mark.parametrize(
    "code",
    [
        "UnrecognizedClientException",
        "InvalidSignatureException",
        "IncompleteSignature",
        "ExpiredToken",
        "ExpiredTokenException",
        "InvalidClientTokenId",
        "MissingAuthenticationToken",
    ],
)
def test_refused_signatures_and_tokens_are_credentials_errors(code: str) -> None:
    error = ClientError(
        {"Error": {"Code": code, "Message": "no"}, "ResponseMetadata": {"HTTPStatusCode": 400}},
        "ListDomains",
    )
    mapped = map_client_error(error, "ListDomains")
    assert type(mapped) is InvalidCredentialsError
    assert isinstance(mapped, CredentialsError)
    assert isinstance(mapped, ResponseError)


@pytest.mark.parametrize("cls", BOTOCORE_CREDENTIAL_ERRORS)
def test_every_botocore_credential_error_maps_to_a_credentials_error(cls: type[Exception]) -> None:
    samples: dict[type[Exception], Exception] = {
        botocore.exceptions.PartialCredentialsError: botocore.exceptions.PartialCredentialsError(
            provider="env", cred_var="AWS_SECRET_ACCESS_KEY"
        ),
        botocore.exceptions.ProfileNotFound: botocore.exceptions.ProfileNotFound(profile="dev"),
        botocore.exceptions.CredentialRetrievalError: botocore.exceptions.CredentialRetrievalError(
            provider="sso", error_msg="expired"
        ),
        botocore.exceptions.TokenRetrievalError: botocore.exceptions.TokenRetrievalError(
            provider="sso", error_msg="expired"
        ),
        botocore.exceptions.SSOError: botocore.exceptions.UnauthorizedSSOTokenError(),
    }
    error = samples.get(cls) or cls()
    mapped = map_credentials_error(error)
    assert type(mapped) is CredentialsError
    assert str(error) in str(mapped)


async def test_keys_refused_by_swf_raise_a_credentials_error_from_the_fault(local_swf: LocalSWF) -> None:
    # The local server and moto accept any signature: botocore's stubber stands for AWS refusing one.
    async with aioswf.Connection(endpoint_url=local_swf.endpoint_url) as connection:
        with AioStubber(connection.client) as stubber:
            stubber.add_client_error(
                "list_domains",
                service_error_code="UnrecognizedClientException",
                service_message="The security token included in the request is invalid.",
                http_status_code=400,
            )
            with pytest.raises(CredentialsError) as caught:
                await connection.call("ListDomains", registrationStatus="REGISTERED")
    assert isinstance(caught.value, InvalidCredentialsError)
    assert caught.value.code == "UnrecognizedClientException"
    assert isinstance(caught.value.__cause__, ClientError)
