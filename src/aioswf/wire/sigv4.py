"""AWS Signature Version 4 for SWF's JSON requests, with the signing key cached per day.

botocore's `SigV4Auth` rebuilds the signing key (four HMACs) and canonicalises every header on each
request; an SWF request always has the same shape (``POST /``, four or five headers, a JSON body), so
this signer derives the key once per (secret, date, region, service) and formats the canonical request
directly. `tests/wire/test_sigv4.py` checks its signatures against botocore's for the same request.
"""

from __future__ import annotations

import hashlib
import hmac
import time

__all__ = ["SigV4Signer", "amz_date"]

_ALGORITHM = "AWS4-HMAC-SHA256"


_last_date: tuple[int, str] = (-1, "")


def amz_date(now: float | None = None) -> str:
    """The ``X-Amz-Date`` value for a moment (default: now), e.g. ``"20260101T120000Z"``."""
    global _last_date
    second = int(time.time() if now is None else now)
    last = _last_date
    if last[0] == second:
        return last[1]
    # Formatted once per second: every request within it carries the same value.
    formatted = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(second))
    _last_date = (second, formatted)
    return formatted


class SigV4Signer:
    """Signs SWF's ``POST /`` JSON requests for one region and service.

    Args:
        region: The signing region, e.g. ``"us-east-1"``.
        service: The signing name, ``"swf"``.
    """

    def __init__(self, region: str, service: str = "swf") -> None:
        self._region = region
        self._service = service
        self._key_for: tuple[str, str] | None = None
        self._key = b""

    def _signing_key(self, secret: str, day: str) -> bytes:
        if self._key_for != (secret, day):
            key = _hmac(("AWS4" + secret).encode("utf-8"), day)
            for part in (self._region, self._service, "aws4_request"):
                key = _hmac(key, part)
            self._key, self._key_for = key, (secret, day)
        return self._key

    def authorization(
        self,
        *,
        access_key: str,
        secret_key: str,
        token: str | None,
        host: str,
        target: str,
        date: str,
        body: bytes,
        content_type: str,
    ) -> str:
        """The ``Authorization`` header of one request.

        The signed headers are ``content-type``, ``host``, ``x-amz-date``, ``x-amz-security-token`` (with
        temporary credentials) and ``x-amz-target``; the request must send exactly these values.

        Args:
            access_key: The access key id.
            secret_key: Its secret key.
            token: The session token of temporary credentials, if any.
            host: The ``Host`` header (``host`` or ``host:port``).
            target: The ``X-Amz-Target`` header.
            date: The ``X-Amz-Date`` header.
            body: The request's body.
            content_type: The ``Content-Type`` header.

        Returns:
            The header's value.
        """
        if token:
            canonical_headers = (
                f"content-type:{content_type}\nhost:{host}\nx-amz-date:{date}\n"
                f"x-amz-security-token:{token}\nx-amz-target:{target}\n"
            )
            signed = "content-type;host;x-amz-date;x-amz-security-token;x-amz-target"
        else:
            canonical_headers = (
                f"content-type:{content_type}\nhost:{host}\nx-amz-date:{date}\nx-amz-target:{target}\n"
            )
            signed = "content-type;host;x-amz-date;x-amz-target"
        canonical = f"POST\n/\n\n{canonical_headers}\n{signed}\n{hashlib.sha256(body).hexdigest()}"
        day = date[:8]
        scope = f"{day}/{self._region}/{self._service}/aws4_request"
        to_sign = f"{_ALGORITHM}\n{date}\n{scope}\n{hashlib.sha256(canonical.encode('utf-8')).hexdigest()}"
        signature = hmac.new(self._signing_key(secret_key, day), to_sign.encode("utf-8"), hashlib.sha256)
        return f"{_ALGORITHM} Credential={access_key}/{scope}, SignedHeaders={signed}, Signature={signature.hexdigest()}"


def _hmac(key: bytes, message: str) -> bytes:
    return hmac.new(key, message.encode("utf-8"), hashlib.sha256).digest()
