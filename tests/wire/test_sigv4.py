"""The lean path's SigV4 signer gives the signature botocore's SigV4Auth gives the same request."""

from __future__ import annotations

import datetime
from unittest import mock

import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from aioswf.wire.sigv4 import SigV4Signer, amz_date

BODY = b'{"domain":"d","taskList":{"name":"t"}}'
TARGET = "SimpleWorkflowService.PollForActivityTask"
CONTENT_TYPE = "application/x-amz-json-1.0"


def botocore_authorization(token: str | None, host: str, date: str) -> str:
    request = AWSRequest(
        method="POST",
        url=f"https://{host}/",
        data=BODY,
        headers={"Content-Type": CONTENT_TYPE, "X-Amz-Target": TARGET, "Host": host},
    )
    moment = datetime.datetime.strptime(date, "%Y%m%dT%H%M%SZ")
    with mock.patch("botocore.auth.get_current_datetime", return_value=moment):
        SigV4Auth(Credentials("AKIDEXAMPLE", "secret/key", token), "swf", "eu-west-1").add_auth(request)
    assert request.headers["X-Amz-Date"] == date
    return str(request.headers["Authorization"])


@pytest.mark.parametrize("token", [None, "session-token"])
@pytest.mark.parametrize("host", ["swf.eu-west-1.amazonaws.com", "127.0.0.1:8080"])
def test_signature_equals_botocore_sigv4(token: str | None, host: str) -> None:
    date = "20260314T151617Z"
    ours = SigV4Signer("eu-west-1", "swf").authorization(
        access_key="AKIDEXAMPLE",
        secret_key="secret/key",
        token=token,
        host=host,
        target=TARGET,
        date=date,
        body=BODY,
        content_type=CONTENT_TYPE,
    )
    assert ours == botocore_authorization(token, host, date)


def test_signing_key_is_derived_again_for_a_new_day_or_secret() -> None:
    signer = SigV4Signer("us-east-1")
    common = {"access_key": "A", "token": None, "host": "h", "target": TARGET, "body": b"{}"}
    first = signer.authorization(
        secret_key="s1", date="20260101T000000Z", content_type=CONTENT_TYPE, **common
    )
    same_day = signer.authorization(
        secret_key="s1", date="20260101T235959Z", content_type=CONTENT_TYPE, **common
    )
    next_day = signer.authorization(
        secret_key="s1", date="20260102T000000Z", content_type=CONTENT_TYPE, **common
    )
    other_secret = signer.authorization(
        secret_key="s2", date="20260102T000000Z", content_type=CONTENT_TYPE, **common
    )
    assert len({first, same_day, next_day, other_secret}) == 4
    assert "20260102/us-east-1/swf/aws4_request" in next_day


def test_amz_date_is_utc_basic_format() -> None:
    assert amz_date(0) == "19700101T000000Z"


def test_amz_date_is_formatted_afresh_for_each_second() -> None:
    assert amz_date(86_399.9) == "19700101T235959Z"
    assert amz_date(86_400) == "19700102T000000Z"
    assert amz_date(86_399) == "19700101T235959Z"
