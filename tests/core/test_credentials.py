"""Credentials come from ~/.swf, then the environment, then set_aws_credentials; secrets never show."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

import aioswf
from aioswf.credentials import clear_aws_credentials, resolve_credentials, set_aws_credentials


def write_swf_file(
    home: Path, key: str = "FILEKEY", secret: str = "FILESECRET", region: str | None = None
) -> None:
    text = f"[credentials]\naws_access_key_id={key}\naws_secret_access_key={secret}\n"
    if region:
        text += f"\n[defaults]\nregion={region}\n"
    (home / ".swf").write_text(text)


async def signing_key(connection: aioswf.Connection) -> str:
    """The access key id the connection signed a real request with."""
    seen: list[str] = []

    def capture(request, **_: object) -> None:
        seen.append(
            request.headers["Authorization"].decode()
            if isinstance(request.headers["Authorization"], bytes)
            else request.headers["Authorization"]
        )

    connection.client.meta.events.register("before-send.swf.ListDomains", capture)
    await connection.call("ListDomains", registrationStatus="REGISTERED")
    return seen[0].split("Credential=")[1].split("/")[0]


def test_the_swf_file_comes_first(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_swf_file(tmp_path, region="eu-west-1")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "ENVKEY")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "ENVSECRET")
    set_aws_credentials("SETKEY", "SETSECRET")
    found = resolve_credentials(home=tmp_path)
    assert (found.access_key_id, found.secret_access_key, found.region_name) == (
        "FILEKEY",
        "FILESECRET",
        "eu-west-1",
    )
    assert found.source == "~/.swf"


def test_the_environment_comes_second(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "ENVKEY")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "ENVSECRET")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "ap-south-1")
    set_aws_credentials("SETKEY", "SETSECRET")
    found = resolve_credentials(home=tmp_path)
    assert (found.access_key_id, found.region_name, found.source) == ("ENVKEY", "ap-south-1", "environment")


def test_set_aws_credentials_comes_third(tmp_path: Path) -> None:
    set_aws_credentials("SETKEY", "SETSECRET")
    found = resolve_credentials(home=tmp_path)
    assert (found.access_key_id, found.secret_access_key, found.source) == (
        "SETKEY",
        "SETSECRET",
        "set_aws_credentials",
    )


def test_without_keys_anywhere_botocores_chain_applies(tmp_path: Path) -> None:
    clear_aws_credentials()
    found = resolve_credentials(home=tmp_path)
    assert not found.has_keys


def test_a_region_from_the_file_applies_to_keys_from_elsewhere(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / ".swf").write_text("[defaults]\nregion=eu-central-1\n")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "ENVKEY")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "ENVSECRET")
    found = resolve_credentials(home=tmp_path)
    assert (found.access_key_id, found.region_name) == ("ENVKEY", "eu-central-1")


def test_a_broken_swf_file_error_does_not_quote_its_lines(tmp_path: Path) -> None:
    (tmp_path / ".swf").write_text("aws_secret_access_key=TOPSECRET\n")
    with pytest.raises(ValueError, match=r"\.swf") as caught:
        resolve_credentials(home=tmp_path)
    assert "TOPSECRET" not in str(caught.value)


def test_secrets_never_appear_in_a_repr(tmp_path: Path) -> None:
    set_aws_credentials("AKIDVISIBLE", "TOPSECRET", "SESSIONTOKEN")
    text = repr(resolve_credentials(home=tmp_path))
    assert "TOPSECRET" not in text
    assert "SESSIONTOKEN" not in text
    assert "AKIDVISIBLE" not in text


async def test_a_connection_signs_with_the_swf_file_keys(
    swf_endpoint: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    write_swf_file(tmp_path, key="FILEKEY", secret="FILESECRET", region="us-east-1")
    caplog.set_level(logging.DEBUG, logger="aioswf")
    async with aioswf.Connection(endpoint_url=swf_endpoint) as connection:
        assert connection.region_name == "us-east-1"
        assert await signing_key(connection) == "FILEKEY"
    assert "FILESECRET" not in caplog.text


async def test_explicit_keys_win_over_every_source(
    swf_endpoint: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    write_swf_file(tmp_path)
    async with aioswf.Connection(
        region_name="us-east-1",
        endpoint_url=swf_endpoint,
        aws_access_key_id="ARGKEY",
        aws_secret_access_key="ARG",
    ) as connection:
        assert await signing_key(connection) == "ARGKEY"


async def test_no_region_anywhere_is_a_clear_error() -> None:
    # Not a loopback endpoint: against those a default region applies (see test_loopback_defaults.py).
    connection = aioswf.Connection(
        endpoint_url="https://swf.example.com", aws_access_key_id="k", aws_secret_access_key="s"
    )
    with pytest.raises(aioswf.ValidationError, match="region"):
        await connection.open()
    assert connection.state is aioswf.ConnectionState.UNOPENED
