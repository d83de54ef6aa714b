"""Connection: lifecycle, the context connection, error mapping on the wire, configuration."""

from __future__ import annotations

import pytest
from aiobotocore.config import AioConfig

import aioswf
from aioswf.connection import ConnectionState, current_connection, get_connection
from aioswf.exceptions import (
    ConnectionStateError,
    DomainDoesNotExist,
    NoConnectionError,
    TransportError,
)
from aioswf.models import Domain
from aioswf.querysets import DomainQuerySet


async def test_a_connection_goes_from_unopened_to_open_to_closed(connect) -> None:
    connection = connect()
    assert connection.state is ConnectionState.UNOPENED
    async with connection:
        assert connection.state is ConnectionState.OPEN
    assert connection.state is ConnectionState.CLOSED


async def test_closing_twice_is_fine(connect) -> None:
    connection = connect()
    await connection.open()
    await connection.close()
    await connection.close()
    assert connection.state is ConnectionState.CLOSED


async def test_a_closed_connection_cannot_reopen(connect) -> None:
    connection = connect()
    async with connection:
        pass
    with pytest.raises(ConnectionStateError, match="opens once"):
        await connection.open()


async def test_opening_an_open_connection_is_refused(connect) -> None:
    async with connect() as connection:
        with pytest.raises(ConnectionStateError):
            await connection.open()


async def test_calls_before_open_are_refused(connect) -> None:
    connection = connect()
    with pytest.raises(ConnectionStateError, match="unopened"):
        await connection.call("ListDomains", registrationStatus="REGISTERED")


async def test_async_with_makes_the_connection_current_and_restores_the_outer_one(connect) -> None:
    assert current_connection() is None
    async with connect() as outer:
        assert current_connection() is outer
        async with connect() as inner:
            assert current_connection() is inner
        assert current_connection() is outer
    assert current_connection() is None


async def test_models_use_the_current_connection(connect, name) -> None:
    domain_name = name("dom")
    async with connect():
        await Domain(domain_name, retention_period=1).save()
        assert (await DomainQuerySet().get(domain_name)).name == domain_name


async def test_an_explicit_connection_wins_over_the_current_one(connect, name) -> None:
    domain_name = name("dom")
    async with connect() as explicit:
        await Domain(domain_name, retention_period=1, connection=explicit).save()
    async with connect():
        closed = explicit
        with pytest.raises(ConnectionStateError):
            await Domain(domain_name, connection=closed).exists()


async def test_without_any_connection_the_error_says_how_to_open_one() -> None:
    with pytest.raises(NoConnectionError, match=r"async with aioswf\.Connection"):
        await Domain("somewhere").exists()
    with pytest.raises(NoConnectionError):
        get_connection(None)


async def test_service_faults_become_typed_errors_raised_from_the_client_error(
    conn: aioswf.Connection,
) -> None:
    with pytest.raises(DomainDoesNotExist) as caught:
        await conn.call("DescribeDomain", name="no-such-domain-here")
    assert caught.value.operation == "DescribeDomain"
    assert caught.value.code == "UnknownResourceFault"
    assert type(caught.value.__cause__).__name__ == "UnknownResourceFault"


async def test_an_unreachable_endpoint_raises_transport_error(connect) -> None:
    config = AioConfig(retries={"total_max_attempts": 1}, connect_timeout=1)
    async with connect("http://127.0.0.1:9", config=config) as connection:
        with pytest.raises(TransportError):
            await connection.call("ListDomains", registrationStatus="REGISTERED")


async def test_defaults_suit_long_polls_and_many_actors(connect) -> None:
    async with connect() as connection:
        config = connection.client.meta.config
        assert config.read_timeout >= 70
        assert config.retries["mode"] == "standard"
        assert config.max_pool_connections >= 100


async def test_a_given_config_is_merged_over_the_defaults(connect) -> None:
    config = AioConfig(max_pool_connections=7)
    async with connect(config=config) as connection:
        assert connection.client.meta.config.max_pool_connections == 7
        assert connection.client.meta.config.read_timeout >= 70


async def test_the_endpoint_comes_from_the_environment(
    swf_endpoint: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL_SWF", swf_endpoint)
    async with aioswf.Connection(
        region_name="us-east-1", aws_access_key_id="k", aws_secret_access_key="s"
    ) as connection:
        assert connection.endpoint_url == swf_endpoint
        await connection.call("ListDomains", registrationStatus="REGISTERED")


async def test_the_generic_endpoint_variable_is_used_too(
    swf_endpoint: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", swf_endpoint)
    connection = aioswf.Connection(region_name="us-east-1")
    assert connection.endpoint_url == swf_endpoint


async def test_repr_shows_no_secret(swf_endpoint: str) -> None:
    connection = aioswf.Connection(
        region_name="us-east-1",
        endpoint_url=swf_endpoint,
        aws_access_key_id="AKIDSECRETLOOKING",
        aws_secret_access_key="very-secret-value",
    )
    assert "very-secret-value" not in repr(connection)
    assert "AKIDSECRETLOOKING" not in repr(connection)
