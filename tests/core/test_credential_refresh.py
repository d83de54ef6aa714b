"""Credentials that fail to refresh in the middle of a connection's life raise `CredentialsError`."""

from __future__ import annotations

import sys
import textwrap
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

import aioswf
from aioswf.exceptions import CredentialsError
from aioswf.local import LocalSWF


def _credential_process(tmp_path: Path) -> Path:
    """A credential process that hands out short-lived keys once, then fails every later refresh."""
    script = tmp_path / "credentials.py"
    script.write_text(
        textwrap.dedent(
            f"""
            import json, pathlib, sys
            count = pathlib.Path({str(tmp_path / "calls")!r})
            calls = int(count.read_text()) if count.exists() else 0
            count.write_text(str(calls + 1))
            if calls:
                sys.exit("the identity provider is unreachable")
            expires = {(datetime.now(timezone.utc) + timedelta(minutes=5)).isoformat()!r}
            print(json.dumps({{"Version": 1, "AccessKeyId": "AKIDREFRESH", "SecretAccessKey": "s3cr3t",
                              "SessionToken": "t0ken", "Expiration": expires}}))
            """
        )
    )
    return script


async def test_a_failed_refresh_at_call_time_is_a_credentials_error(
    local_swf: LocalSWF, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    script = _credential_process(tmp_path)
    config = tmp_path / "aws-config"
    config.write_text(f"[profile refreshing]\ncredential_process = {sys.executable} {script}\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    async with aioswf.Connection(
        profile_name="refreshing", region_name="us-east-1", endpoint_url=local_swf.endpoint_url
    ) as conn:
        # Keys expiring within botocore's mandatory refresh window must be refreshed before signing.
        with pytest.raises(CredentialsError) as raised:
            await conn.call("ListDomains", registrationStatus="REGISTERED")
    assert "s3cr3t" not in str(raised.value)
    assert (tmp_path / "calls").read_text() == "2"
