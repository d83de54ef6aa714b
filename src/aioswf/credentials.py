"""Where aioswf finds AWS credentials, in the order python-simple-workflow used.

1. The file ``~/.swf``::

       [credentials]
       aws_access_key_id=...
       aws_secret_access_key=...

       [defaults]
       region=us-east-1

2. The environment: ``AWS_ACCESS_KEY_ID``, ``AWS_SECRET_ACCESS_KEY`` (and ``AWS_SESSION_TOKEN``,
   ``AWS_DEFAULT_REGION``).
3. Keys set in the process with `set_aws_credentials`.

When none of them gives keys, aiobotocore's own chain applies (profiles, SSO, instance and container
roles). Keys given to `aioswf.Connection` directly win over all of these, and a profile named there
(``profile_name=``) wins over the three sources above, as a named profile does in botocore.

A loopback endpoint (``127.0.0.1`` and the rest of ``127.0.0.0/8``, ``localhost``, ``::1``) is a local
server, such as ``aioswf local``, that checks no signature: when nothing above gives keys or a region,
`aioswf.Connection` uses `placeholder_credentials` and `LOOPBACK_REGION` for it (saying so once, at debug
level) and does not ask the instance metadata service, which can take seconds to time out off EC2.
Against any other endpoint, AWS's included, nothing is made up: missing keys raise
`aioswf.exceptions.CredentialsError` and a missing region a `aioswf.exceptions.ValidationError`.
"""

from __future__ import annotations

import configparser
import ipaddress
import os
import urllib.parse
from pathlib import Path

import attrs

__all__ = [
    "LOOPBACK_REGION",
    "Credentials",
    "clear_aws_credentials",
    "is_loopback_endpoint",
    "placeholder_credentials",
    "resolve_credentials",
    "set_aws_credentials",
]

#: The region used against a loopback endpoint when none is configured (a local server accepts any).
LOOPBACK_REGION = "us-east-1"

#: What the placeholder keys hold: plainly not AWS keys, so that a log or a server shows what they are.
_PLACEHOLDER_KEY = "aioswf-loopback-placeholder"


@attrs.frozen
class Credentials:
    """A set of AWS keys, and the region that came with them. Never shows the secrets.

    Attributes:
        access_key_id: The access key id.
        secret_access_key: The secret access key (hidden from repr).
        session_token: The session token, for temporary credentials (hidden from repr).
        region_name: The region given beside the keys, if any.
        source: Where they came from: ``"~/.swf"``, ``"environment"`` or ``"set_aws_credentials"``.
    """

    access_key_id: str | None = attrs.field(default=None, repr=False)
    secret_access_key: str | None = attrs.field(default=None, repr=False)
    session_token: str | None = attrs.field(default=None, repr=False)
    region_name: str | None = None
    source: str | None = None

    @property
    def has_keys(self) -> bool:
        """Whether both halves of a key pair are present."""
        return bool(self.access_key_id and self.secret_access_key)


_process_credentials: Credentials | None = None


def set_aws_credentials(
    aws_access_key_id: str, aws_secret_access_key: str, aws_session_token: str | None = None
) -> None:
    """Sets the keys aioswf uses when neither ``~/.swf`` nor the environment gives any.

    Args:
        aws_access_key_id: The access key id.
        aws_secret_access_key: The secret access key.
        aws_session_token: A session token, for temporary credentials.
    """
    global _process_credentials
    _process_credentials = Credentials(
        aws_access_key_id, aws_secret_access_key, aws_session_token, source="set_aws_credentials"
    )


def clear_aws_credentials() -> None:
    """Forgets the keys set with `set_aws_credentials`."""
    global _process_credentials
    _process_credentials = None


def _from_swf_file(path: Path) -> Credentials | None:
    if not path.is_file():
        return None
    parser = configparser.ConfigParser()
    try:
        parser.read(path, encoding="utf-8")
    except configparser.Error:
        # The message of a parse error quotes the offending line, which may hold a secret.
        raise ValueError(f"{path} is not a valid INI file with a [credentials] section") from None
    key_id = parser.get("credentials", "aws_access_key_id", fallback=None)
    secret = parser.get("credentials", "aws_secret_access_key", fallback=None)
    token = parser.get("credentials", "aws_session_token", fallback=None)
    region = parser.get("defaults", "region", fallback=None)
    if not (key_id and secret) and not region:
        return None
    return Credentials(key_id, secret, token, region_name=region, source="~/.swf")


def resolve_credentials(home: Path | None = None) -> Credentials:
    """Finds the keys and region to use, in python-simple-workflow's order.

    Args:
        home: The home folder to look for ``.swf`` in (default: the user's).

    Returns:
        The first source with a key pair; its region, or else the first region any source gives. With no
        keys anywhere, a `Credentials` without keys, so that aiobotocore's own chain applies.
    """
    swf_file = _from_swf_file((home or Path.home()) / ".swf")
    env = Credentials(
        os.environ.get("AWS_ACCESS_KEY_ID"),
        os.environ.get("AWS_SECRET_ACCESS_KEY"),
        os.environ.get("AWS_SESSION_TOKEN"),
        region_name=os.environ.get("AWS_DEFAULT_REGION"),
        source="environment",
    )
    sources = [c for c in (swf_file, env, _process_credentials) if c is not None]
    region = next((c.region_name for c in sources if c.region_name), None)
    for source in sources:
        if source.has_keys:
            return attrs.evolve(source, region_name=source.region_name or region)
    return Credentials(region_name=region)


def is_loopback_endpoint(endpoint_url: str | None) -> bool:
    """Whether an endpoint is on this machine's loopback interface: a local server, not AWS.

    Args:
        endpoint_url: An endpoint such as ``http://127.0.0.1:8080`` (``None``: AWS's, so not loopback).

    Returns:
        ``True`` for ``localhost`` (and names under ``.localhost``), ``127.0.0.0/8`` and ``::1``.
    """
    if not endpoint_url:
        return False
    try:
        host = urllib.parse.urlsplit(endpoint_url).hostname
    except ValueError:
        return False
    if not host:
        return False
    host = host.rstrip(".").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def placeholder_credentials() -> Credentials:
    """The keys a connection signs with against a loopback endpoint when no source gives any.

    Returns:
        Credentials that name themselves as placeholders; a local server accepts any signature, AWS none.
    """
    return Credentials(_PLACEHOLDER_KEY, _PLACEHOLDER_KEY, source="loopback placeholder")
