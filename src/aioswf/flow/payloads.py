"""Large payloads: what exceeds SWF's limits is kept in a store and a reference is left in the history.

References are derived from the payload's content (its SHA-256), so a replay computes the same reference
as the run that first stored it, and storing the same payload twice is harmless. Making a reference is
pure and synchronous (it happens at the call site, inside workflow code); storing and resolving are
asynchronous and happen at the worker's edges, before a decision is sent and before a step runs.

`S3PayloadStore` keeps payloads in an S3 bucket (through aiobotocore, whose S3 model ships with botocore);
`MemoryPayloadStore` keeps them in a dict, for tests. S3's errors are mapped to the payload errors of
`aioswf.exceptions` here, the one place that talks to S3. Payload contents are never logged nor put in an
error message.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
from types import TracebackType
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

import attrs
import botocore.exceptions
from aiobotocore.config import AioConfig
from aiobotocore.session import AioSession

from aioswf.connection import ConnectionState
from aioswf.credentials import resolve_credentials
from aioswf.exceptions import (
    ConnectionStateError,
    PayloadBucketNotFoundError,
    PayloadNotFoundError,
    PayloadStoreError,
    ValidationError,
)
from aioswf.models.event import Event

if TYPE_CHECKING:
    from types_aiobotocore_s3 import S3Client

__all__ = [
    "MemoryPayloadStore",
    "PayloadOffloader",
    "PayloadReference",
    "PayloadStore",
    "S3PayloadStore",
    "StoreState",
]

logger = logging.getLogger("aioswf.flow.payloads")

#: S3's limit on an object key, in bytes of UTF-8.
S3_MAX_KEY_BYTES = 1024

#: The text every reference starts with; no JSON document starts with it.
REFERENCE_PREFIX = "aioswf-payload:"


@runtime_checkable
class PayloadStore(Protocol):
    """Where payloads too large for SWF are kept, by key."""

    async def put(self, key: str, data: str) -> None:
        """Stores ``data`` under ``key`` (idempotent: the same key always holds the same data).

        Raises:
            PayloadStoreError: When the store cannot keep it.
        """
        ...

    async def get(self, key: str) -> str:
        """Returns what `put` stored under ``key``.

        Raises:
            PayloadNotFoundError: When nothing is stored under ``key``.
            PayloadStoreError: When the store cannot give it back.
        """
        ...


class MemoryPayloadStore:
    """A payload store in a dict: for tests, and for one process that never restarts."""

    def __init__(self) -> None:
        self.items: dict[str, str] = {}

    async def put(self, key: str, data: str) -> None:
        """Stores ``data`` under ``key``."""
        self.items[key] = data

    async def get(self, key: str) -> str:
        """Returns what was stored under ``key``.

        Raises:
            PayloadNotFoundError: When nothing was stored under it (a `KeyError`).
        """
        try:
            return self.items[key]
        except KeyError:
            raise PayloadNotFoundError(f"no payload is stored under {key!r}", key=key) from None


@attrs.frozen
class PayloadReference:
    """A payload kept outside SWF: ``text`` goes into the history, ``data`` into the store under ``key``."""

    text: str
    key: str
    data: str = attrs.field(repr=False)


#: The event attributes that may hold a payload reference.
_PAYLOAD_FIELDS = ("input", "result", "details")


class PayloadOffloader:
    """Moves payloads to a `PayloadStore` and back.

    Args:
        store: Where the payloads are kept.
        prefix: Prepended to every key (a folder in a bucket, say).
    """

    def __init__(self, store: PayloadStore, *, prefix: str = "aioswf/payloads/") -> None:
        self.store = store
        self.prefix = prefix

    def reference(self, data: str) -> PayloadReference:
        """The reference for ``data``: the same data always gives the same reference."""
        digest = hashlib.sha256(data.encode("utf-8", "surrogatepass")).hexdigest()
        key = f"{self.prefix}{digest}"
        return PayloadReference(text=f"{REFERENCE_PREFIX}{key}", key=key, data=data)

    @staticmethod
    def is_reference(text: str | None) -> bool:
        """Whether ``text`` (a payload field as SWF holds it) is a reference."""
        return text is not None and text.startswith(REFERENCE_PREFIX)

    async def put(self, reference: PayloadReference) -> None:
        """Stores the referenced payload (before the decision or answer that carries the reference)."""
        await self.store.put(reference.key, reference.data)

    async def resolve(self, text: str | None) -> str | None:
        """The payload behind ``text`` when it is a reference, else ``text`` itself.

        Raises:
            PayloadNotFoundError: When the store holds nothing under the reference's key.
            PayloadStoreError: When the store cannot give it back.
        """
        if text is None or not self.is_reference(text):
            return text
        return await self.store.get(text[len(REFERENCE_PREFIX) :])

    async def resolve_event(self, event: Event) -> Event:
        """The event with the payloads behind its references (input, result, details) in their place.

        Raises:
            PayloadNotFoundError: When the store holds nothing under a reference's key.
            PayloadStoreError: When the store cannot give one back.
        """
        attributes = event.attributes
        found = [key for key in _PAYLOAD_FIELDS if self.is_reference(attributes.get(key))]
        if not found:
            return event
        updated = dict(attributes)
        for key in found:
            updated[key] = await self.resolve(updated[key])
        return attrs.evolve(event, attributes=updated)


#: Where an `S3PayloadStore` is in its life: it opens once and closes once, as a `Connection` does.
StoreState = ConnectionState


class S3PayloadStore:
    """A `PayloadStore` that keeps each payload as an object in an S3 bucket.

    Either it makes its own client, and is opened and closed with ``async with``::

        async with S3PayloadStore("my-payloads", region_name="eu-west-1") as store:
            ...

    or it is handed an aiobotocore S3 client you own (``client=``), usable at once and never closed by the
    store. Its own client finds credentials as `aioswf.Connection` does (the keys given here, else
    `aioswf.credentials`' sources, else aiobotocore's chain); the endpoint comes from ``endpoint_url``, else
    from ``AWS_ENDPOINT_URL_S3`` or ``AWS_ENDPOINT_URL`` (botocore reads them), else AWS's.

    An object's key is ``prefix`` followed by the payload's key; the payload's key (a content hash) is what
    the history holds, so a bucket's layout can change (another prefix, a copy to another bucket) without
    touching histories. Puts are idempotent: one key always holds the same content. Keep objects at least
    as long as the domain keeps closed executions (an S3 lifecycle rule can expire them after that).

    Args:
        bucket: The bucket's name (it must exist; the store never creates one).
        prefix: Put before every key, e.g. ``"payloads/"``.
        client: An open aiobotocore S3 client to use instead of the store's own.
        session: The aiobotocore session to make the store's own client from.
        region_name: The bucket's region.
        endpoint_url: An S3-compatible endpoint (a local S3, moto's server, MinIO, ...).
        aws_access_key_id: An access key id, overriding every other source.
        aws_secret_access_key: Its secret access key.
        aws_session_token: A session token, for temporary credentials.
        config: An `aiobotocore.config.AioConfig` for the store's own client.

    Raises:
        ValidationError: When ``bucket`` or ``prefix`` is unusable, or ``client`` comes with options for
            making a client.
    """

    def __init__(
        self,
        bucket: str,
        *,
        prefix: str = "",
        client: S3Client | None = None,
        session: AioSession | None = None,
        region_name: str | None = None,
        endpoint_url: str | None = None,
        aws_access_key_id: str | None = None,
        aws_secret_access_key: str | None = None,
        aws_session_token: str | None = None,
        config: AioConfig | None = None,
    ) -> None:
        if not isinstance(bucket, str) or not bucket or "/" in bucket:
            raise ValidationError(
                f"bucket must be an S3 bucket's name, without slashes; got {bucket!r}",
                argument="bucket",
                limit="a non-empty name without '/'",
            )
        if not isinstance(prefix, str):
            raise ValidationError(
                f"prefix must be a string; got {prefix!r}", argument="prefix", limit="a string"
            )
        options = {
            "session": session,
            "region_name": region_name,
            "endpoint_url": endpoint_url,
            "aws_access_key_id": aws_access_key_id,
            "aws_secret_access_key": aws_secret_access_key,
            "aws_session_token": aws_session_token,
            "config": config,
        }
        given = sorted(name for name, value in options.items() if value is not None)
        if client is not None and given:
            raise ValidationError(
                f"client= is an S3 client made already; {', '.join(given)} would make another: pass one or the other",
                argument="client",
                limit="exclusive with session and client options",
            )
        self.bucket = bucket
        self.prefix = prefix
        self._session = session
        self._client_options: dict[str, Any] = {
            "region_name": region_name,
            "endpoint_url": endpoint_url,
            "aws_access_key_id": aws_access_key_id,
            "aws_secret_access_key": aws_secret_access_key,
            "aws_session_token": aws_session_token,
            "config": config,
        }
        self._client: S3Client | None = client
        self._borrowed = client is not None
        self._state = StoreState.OPEN if client is not None else StoreState.UNOPENED
        self._exit_stack: contextlib.AsyncExitStack | None = None

    def __repr__(self) -> str:
        return f"<S3PayloadStore s3://{self.bucket}/{self.prefix} state={self._state.value}>"

    @property
    def state(self) -> StoreState:
        """Whether the store is unopened, open or closed."""
        return self._state

    async def open(self) -> S3PayloadStore:
        """Makes the store's own S3 client (done by ``async with``); a closed store cannot reopen.

        A store handed a client is open from the start, and opening it again is harmless.

        Returns:
            The store itself.

        Raises:
            ConnectionStateError: When the store was opened before, or closed.
        """
        if self._borrowed and self._state is StoreState.OPEN:
            return self
        if self._state is not StoreState.UNOPENED:
            raise ConnectionStateError(
                f"an S3PayloadStore opens once; this one is {self._state.value}: create a new one"
            )
        options = dict(self._client_options)
        if not (options["aws_access_key_id"] and options["aws_secret_access_key"]):
            found = resolve_credentials()
            if found.has_keys:
                options["aws_access_key_id"] = found.access_key_id
                options["aws_secret_access_key"] = found.secret_access_key
                options["aws_session_token"] = found.session_token
            options["region_name"] = options["region_name"] or found.region_name
        session = self._session or AioSession()
        stack = contextlib.AsyncExitStack()
        self._client = await stack.enter_async_context(
            session.create_client(
                "s3", **{name: value for name, value in options.items() if value is not None}
            )
        )
        self._exit_stack = stack
        self._state = StoreState.OPEN
        logger.debug("opened %r", self)
        return self

    async def close(self) -> None:
        """Closes the store's own client (never one it was handed). Closing twice is fine."""
        if self._state is StoreState.CLOSED:
            return
        self._state = StoreState.CLOSED
        stack, self._exit_stack = self._exit_stack, None
        self._client = None
        if stack is not None:
            await stack.aclose()
        logger.debug("closed %r", self)

    async def __aenter__(self) -> S3PayloadStore:
        return await self.open()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    def object_key(self, key: str) -> str:
        """The S3 object key a payload's key is stored under (``prefix`` + ``key``).

        Raises:
            ValidationError: When ``key`` is empty, or the object key would exceed S3's 1,024 bytes.
        """
        if not isinstance(key, str) or not key:
            raise ValidationError(f"a payload key must be a non-empty string; got {key!r}", argument="key")
        full = self.prefix + key
        if len(full.encode("utf-8", "surrogatepass")) > S3_MAX_KEY_BYTES:
            raise ValidationError(
                f"the object key for {key!r} is longer than S3 allows",
                argument="key",
                limit=f"{S3_MAX_KEY_BYTES} bytes of UTF-8, prefix included",
            )
        return full

    async def check(self) -> None:
        """Checks that the bucket exists and can be reached, so that a worker can fail at start.

        Raises:
            PayloadBucketNotFoundError: When the bucket does not exist.
            PayloadStoreError: When S3 cannot be reached or refuses access.
        """
        client = self._open_client()
        try:
            await client.head_bucket(Bucket=self.bucket)
        except botocore.exceptions.ClientError as exc:
            raise _s3_error(exc, "HeadBucket", self.bucket, None, None) from exc
        except botocore.exceptions.BotoCoreError as exc:
            raise _unreachable(exc, "HeadBucket", f"s3://{self.bucket}", None) from exc

    async def put(self, key: str, data: str) -> None:
        """Stores ``data`` as the object ``prefix + key``; storing it again is harmless.

        Raises:
            ValidationError: When ``key`` is unusable (before any request).
            PayloadBucketNotFoundError: When the bucket does not exist.
            PayloadStoreError: When S3 cannot be reached or refuses the object.
            ConnectionStateError: When the store is not open.
        """
        full = self.object_key(key)
        client = self._open_client()
        body = data.encode("utf-8", "surrogatepass")
        try:
            await client.put_object(
                Bucket=self.bucket, Key=full, Body=body, ContentType="text/plain; charset=utf-8"
            )
        except botocore.exceptions.ClientError as exc:
            raise _s3_error(exc, "PutObject", self.bucket, full, key) from exc
        except botocore.exceptions.BotoCoreError as exc:
            raise _unreachable(exc, "PutObject", f"s3://{self.bucket}/{full}", key) from exc
        logger.debug("stored a payload of %d bytes at s3://%s/%s", len(body), self.bucket, full)

    async def get(self, key: str) -> str:
        """Returns the payload stored as the object ``prefix + key``.

        Raises:
            ValidationError: When ``key`` is unusable (before any request).
            PayloadNotFoundError: When no such object exists.
            PayloadBucketNotFoundError: When the bucket does not exist.
            PayloadStoreError: When S3 cannot be reached or refuses access, or the object is not text.
            ConnectionStateError: When the store is not open.
        """
        full = self.object_key(key)
        client = self._open_client()
        try:
            response = await client.get_object(Bucket=self.bucket, Key=full)
            async with response["Body"] as stream:
                body: bytes = await stream.read()
        except botocore.exceptions.ClientError as exc:
            raise _s3_error(exc, "GetObject", self.bucket, full, key) from exc
        except botocore.exceptions.BotoCoreError as exc:
            raise _unreachable(exc, "GetObject", f"s3://{self.bucket}/{full}", key) from exc
        try:
            return body.decode("utf-8", "surrogatepass")
        except UnicodeDecodeError:
            raise PayloadStoreError(
                f"the object s3://{self.bucket}/{full} is not UTF-8 text, so no payload put it there", key=key
            ) from None

    def _open_client(self) -> S3Client:
        if self._client is None or self._state is not StoreState.OPEN:
            raise ConnectionStateError(
                f"the S3PayloadStore is {self._state.value}; open it with `async with`, or pass client=..."
            )
        return self._client


_NOT_FOUND_CODES = frozenset({"NoSuchKey", "NotFound", "404"})
_DENIED_CODES = frozenset({"AccessDenied", "Forbidden", "403", "AllAccessDisabled", "InvalidAccessKeyId"})


def _s3_error(
    error: botocore.exceptions.ClientError,
    operation: str,
    bucket: str,
    object_key: str | None,
    key: str | None,
) -> PayloadStoreError:
    """The payload error for an S3 error; its message names the object, never the payload."""
    details: dict[str, Any] = error.response.get("Error") or {}
    code = str(details.get("Code") or "Unknown")
    message = str(details.get("Message") or "")
    where = f"s3://{bucket}/{object_key}" if object_key is not None else f"s3://{bucket}"
    if code == "NoSuchBucket" or (object_key is None and code in _NOT_FOUND_CODES):
        return PayloadBucketNotFoundError(
            f"{operation}: the payload bucket {bucket!r} does not exist", bucket=bucket, key=key, code=code
        )
    if code in _NOT_FOUND_CODES:
        return PayloadNotFoundError(
            f"no payload is stored at {where} (was it deleted, by a lifecycle rule shorter than the domain's "
            "retention?)",
            key=key,
            code=code,
        )
    if code in _DENIED_CODES:
        hint = ""
        if operation == "GetObject":
            hint = " (S3 also answers so for a missing object when the caller may not list the bucket)"
        return PayloadStoreError(
            f"{operation}: S3 denied access to {where}: {code}{hint}", key=key, code=code
        )
    return PayloadStoreError(
        f"{operation} on {where} failed: {code}" + (f": {message}" if message else ""), key=key, code=code
    )


def _unreachable(
    error: botocore.exceptions.BotoCoreError, operation: str, where: str, key: str | None
) -> PayloadStoreError:
    return PayloadStoreError(f"{operation} on {where} failed: {type(error).__name__}: {error}", key=key)
