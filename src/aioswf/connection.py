"""`Connection`: the one way in and out of the network.

A connection owns one aiobotocore session and one SWF client. Every SWF call goes through
`Connection.call`, which maps errors to the aioswf error tree; every listing goes through
`Connection.paginate`, which follows ``nextPageToken`` lazily and refuses to loop on a repeated token.

Inside ``async with Connection(...) as conn:``, models and querysets find ``conn`` through a context variable
(`current_connection`); ``connection=`` overrides it anywhere.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import enum
import json
import logging
import os
from collections.abc import Mapping
from types import TracebackType
from typing import TYPE_CHECKING, Any

import aiohttp
import botocore
import botocore.exceptions
from aiobotocore.config import AioConfig
from aiobotocore.session import AioSession
from botocore import xform_name

from aioswf import validation, wire
from aioswf.credentials import (
    LOOPBACK_REGION,
    is_loopback_endpoint,
    placeholder_credentials,
    resolve_credentials,
)
from aioswf.exceptions import (
    BOTOCORE_CREDENTIAL_ERRORS,
    BotocoreError,
    ConnectionStateError,
    NoConnectionError,
    PaginationError,
    SWFError,
    TransportError,
    UnexpectedResponseError,
    ValidationError,
    clip_message,
    map_client_error,
    map_credentials_error,
)

if TYPE_CHECKING:
    from types_aiobotocore_swf import SWFClient

__all__ = ["Connection", "ConnectionState", "PageIterator", "current_connection", "get_connection"]

logger = logging.getLogger("aioswf.connection")

#: Long polls are held up to 60 s by SWF; the read timeout must outlast them.
DEFAULT_READ_TIMEOUT = 70.0
DEFAULT_CONNECT_TIMEOUT = 10.0
#: Each in-flight long poll holds a pooled HTTP connection; leave room for many actors and their replies.
DEFAULT_MAX_POOL_CONNECTIONS = 100

_current: contextvars.ContextVar[Connection | None] = contextvars.ContextVar(
    "aioswf_connection", default=None
)

_TRANSPORT_ERRORS = (
    botocore.exceptions.HTTPClientError,
    botocore.exceptions.EndpointConnectionError,
    botocore.exceptions.ConnectionError,
    botocore.exceptions.ResponseStreamingError,
    # What aiohttp raises while reading a body, which aiobotocore does not always wrap.
    aiohttp.ClientError,
    asyncio.TimeoutError,
    OSError,
)

#: The operations whose answer may be an empty long poll, which lacks what a task always carries.
_POLLS = frozenset({"PollForDecisionTask", "PollForActivityTask"})

# The HTTP statuses of the answers the current call received, as botocore's before-parse hook saw them:
# an exception escaping botocore after an answer came is about that answer.
_answers: contextvars.ContextVar[list[int] | None] = contextvars.ContextVar("aioswf_answers", default=None)


def _shown(body: bytes) -> str:
    return clip_message(body[:400].decode("utf-8", "replace"), 120) or "(empty)"


def _check_answer(response_dict: Mapping[str, Any], operation_model: Any, **_: Any) -> None:
    """botocore's ``before-parse`` hook: refuses answers that botocore's JSON parser would misread.

    botocore reads a 200 whose body is not JSON as an empty answer, and one whose body is a JSON list or
    string breaks its parser; an error answer whose body is JSON but not SWF's error object breaks it too.
    Only the edges of a success body are looked at, so that a large history is not parsed twice.
    """
    status = response_dict.get("status_code")
    answers = _answers.get()
    if answers is not None and isinstance(status, int):
        answers.append(status)
    body = response_dict.get("body")
    if not isinstance(body, bytes) or not body or not isinstance(status, int):
        return
    if status < 300:
        if body[:64].lstrip()[:1] != b"{" or body[-64:].rstrip()[-1:] != b"}":
            raise UnexpectedResponseError(
                operation_model.name,
                "UnexpectedResponse",
                f"HTTP {status} with a body that is not a JSON object: {_shown(body)}",
                status=status,
            )
        return
    try:
        parsed = json.loads(body)
    except ValueError:
        return  # a page or text: botocore names the answer by its status
    fields = parsed if isinstance(parsed, dict) else {}
    if (
        not isinstance(parsed, dict)
        or not isinstance(fields.get("__type", ""), str)
        or not isinstance(fields.get("message", fields.get("Message", "")), str)
    ):
        raise UnexpectedResponseError(
            operation_model.name,
            str(status),
            f"HTTP {status} with a body that is not SWF's error object: {_shown(body)}",
            status=status,
        )


class ConnectionState(enum.Enum):
    """Where a `Connection` (or an `S3PayloadStore`) is in its life: it opens once and closes once."""

    UNOPENED = "unopened"
    OPEN = "open"
    CLOSED = "closed"


class Connection:
    """An open line to an SWF endpoint: AWS, the local SWF server, or any server speaking SWF's protocol.

    Use it as an async context manager::

        async with aioswf.Connection(region_name="us-east-1") as conn:
            domain = await DomainQuerySet().get("crawl")

    Credentials not given here are found as `aioswf.credentials` describes. The endpoint, when not given,
    comes from ``AWS_ENDPOINT_URL_SWF`` or ``AWS_ENDPOINT_URL``, else AWS's for the region. Against a
    loopback endpoint (a local server) with no region or keys configured anywhere, a default region and
    placeholder keys are used, said once at debug level; against any other endpoint nothing is made up.

    Args:
        region_name: The AWS region.
        endpoint_url: The endpoint, e.g. a local SWF server's ``http://127.0.0.1:8080``.
        aws_access_key_id: An access key id, overriding every other source.
        aws_secret_access_key: Its secret access key.
        aws_session_token: A session token, for temporary credentials.
        profile_name: A profile of the AWS config files, as botocore's ``profile``; named here, it wins
            over ``~/.swf`` and the environment's keys (default: ``AWS_PROFILE``, after those).
        config: An `aiobotocore.config.AioConfig` merged over aioswf's defaults (read timeout 70 s,
            standard-mode retries, a pool of 100 connections).
        max_pool_connections: Shortcut for the pool size; each concurrent long poll holds one connection.
        request_path: ``"lean"`` sends operations through `aioswf.wire.LeanTransport` (SWF's JSON protocol
            under botocore's generic pipeline, on the same client's credentials, HTTP session, retry mode
            and event hooks); ``"botocore"`` through the aiobotocore client's methods. Default: the
            ``AIOSWF_REQUEST_PATH`` environment variable, else ``"lean"``. README.md says what the lean
            path leaves out.
    """

    def __init__(
        self,
        *,
        region_name: str | None = None,
        endpoint_url: str | None = None,
        aws_access_key_id: str | None = None,
        aws_secret_access_key: str | None = None,
        aws_session_token: str | None = None,
        profile_name: str | None = None,
        config: AioConfig | None = None,
        max_pool_connections: int | None = None,
        request_path: str | None = None,
    ) -> None:
        self._request_path = wire.resolve_request_path(request_path)
        self._lean: wire.LeanTransport | None = None
        self._region_name = region_name
        self._profile_name = profile_name
        self._endpoint_url = (
            endpoint_url or os.environ.get("AWS_ENDPOINT_URL_SWF") or os.environ.get("AWS_ENDPOINT_URL")
        )
        self._access_key_id = aws_access_key_id
        self._secret_access_key = aws_secret_access_key
        self._session_token = aws_session_token
        defaults = AioConfig(
            read_timeout=DEFAULT_READ_TIMEOUT,
            connect_timeout=DEFAULT_CONNECT_TIMEOUT,
            retries={"mode": "standard"},
            max_pool_connections=max_pool_connections or DEFAULT_MAX_POOL_CONNECTIONS,
        )
        self._config: AioConfig = defaults.merge(config) if config is not None else defaults
        self._state = ConnectionState.UNOPENED
        self._client: SWFClient | None = None
        self._checked_client: SWFClient | None = None
        # The client's method of each operation called so far (the name checked once, not on every call).
        self._methods: dict[str, Any] = {}
        self._exit_stack: contextlib.AsyncExitStack | None = None
        self._context_tokens: list[contextvars.Token[Connection | None]] = []

    def __repr__(self) -> str:
        return f"<Connection state={self._state.value} region={self.region_name!r} endpoint={self._endpoint_url!r}>"

    @property
    def state(self) -> ConnectionState:
        """Whether the connection is unopened, open or closed."""
        return self._state

    @property
    def request_path(self) -> str:
        """Which way operations go: ``"lean"`` or ``"botocore"`` (see the constructor)."""
        return self._request_path

    @property
    def region_name(self) -> str | None:
        """The region the client talks to (known once open, when it came from the environment)."""
        if self._client is not None:
            return str(self._client.meta.region_name)
        return self._region_name

    @property
    def endpoint_url(self) -> str | None:
        """The endpoint the client talks to."""
        if self._client is not None:
            return str(self._client.meta.endpoint_url)
        return self._endpoint_url

    @property
    def client(self) -> SWFClient:
        """The underlying aiobotocore SWF client, for what aioswf does not cover (and for stubbing in tests).

        Raises:
            ConnectionStateError: When the connection is not open.
        """
        if self._client is None or self._state is not ConnectionState.OPEN:
            raise ConnectionStateError(f"the connection is {self._state.value}; open it with `async with`")
        return self._client

    async def open(self) -> Connection:
        """Creates the aiobotocore client. Done by ``async with``; a closed connection cannot reopen.

        Returns:
            The connection itself.

        Raises:
            ConnectionStateError: When the connection was opened before.
            CredentialsError: When no credentials are found (for an endpoint that is not a loopback one),
                only half a key pair is, or the named profile does not exist.
            ValidationError: When no region is found (for an endpoint that is not a loopback one).
        """
        if self._state is not ConnectionState.UNOPENED:
            raise ConnectionStateError(
                f"a Connection opens once; this one is {self._state.value}: create a new Connection"
            )
        session = AioSession(profile=self._profile_name)
        stack = contextlib.AsyncExitStack()
        try:
            region, key_id, secret, token = await self._resolve(session)
            self._client = await stack.enter_async_context(
                session.create_client(
                    "swf",
                    region_name=region,
                    endpoint_url=self._endpoint_url,
                    aws_access_key_id=key_id,
                    aws_secret_access_key=secret,
                    aws_session_token=token,
                    config=self._config,
                )
            )
        except botocore.exceptions.NoRegionError:
            await stack.aclose()
            raise ValidationError(
                "no AWS region: pass region_name=..., set AWS_DEFAULT_REGION, or add region to ~/.swf [defaults]",
                argument="region_name",
                limit="required",
            ) from None
        except BOTOCORE_CREDENTIAL_ERRORS as error:
            await stack.aclose()
            raise map_credentials_error(error) from error
        if self._request_path == "lean":
            self._lean = wire.LeanTransport(self._client)
        self._exit_stack = stack
        self._state = ConnectionState.OPEN
        logger.debug("opened %r", self)
        return self

    async def _resolve(self, session: AioSession) -> tuple[str | None, str | None, str | None, str | None]:
        """The region and keys to create the client with: given, found, or loopback defaults.

        Returns ``(region, key_id, secret, token)``; keys left ``None`` are botocore's to find (its chain
        found some, checked here, so that missing keys fail now rather than at the first request).
        """
        key_id, secret, token = self._access_key_id, self._secret_access_key, self._session_token
        region = self._region_name
        if self._profile_name is None:
            found = resolve_credentials()
            if not (key_id and secret) and found.has_keys:
                key_id, secret, token = found.access_key_id, found.secret_access_key, found.session_token
            region = region or found.region_name
        region = region or session.get_config_variable("region")
        loopback = is_loopback_endpoint(self._endpoint_url)
        missing_names: list[str] = []
        defaulted: list[str] = []
        if not region:
            if not loopback:
                # Said before credentials are looked for: the cheaper fix, and botocore needs it anyway.
                raise botocore.exceptions.NoRegionError()
            region = LOOPBACK_REGION
            missing_names.append("region")
            defaulted.append(f"region {LOOPBACK_REGION}")
        unsigned = self._config.signature_version is botocore.UNSIGNED
        if not (key_id or secret) and not unsigned:
            if loopback:
                # Off EC2 the instance metadata service can take seconds to time out; a local server
                # needs no real keys.
                session.get_component("credential_provider").remove("iam-role")
            if await session.get_credentials() is None:
                if not loopback:
                    missing = botocore.exceptions.NoCredentialsError()
                    raise map_credentials_error(missing) from missing
                placeholder = placeholder_credentials()
                key_id, secret = placeholder.access_key_id, placeholder.secret_access_key
                missing_names.append("credentials")
                defaulted.append("placeholder credentials")
        if defaulted:
            logger.debug(
                "no %s configured for the loopback endpoint %s: using %s",
                " or ".join(missing_names),
                self._endpoint_url,
                " and ".join(defaulted),
            )
        return region, key_id, secret, token

    async def close(self) -> None:
        """Closes the client and its HTTP connections. Closing twice is fine."""
        if self._state is ConnectionState.CLOSED:
            return
        self._state = ConnectionState.CLOSED
        stack, self._exit_stack, self._client, self._lean = self._exit_stack, None, None, None
        self._methods.clear()
        if stack is not None:
            await stack.aclose()
        logger.debug("closed %r", self)

    async def __aenter__(self) -> Connection:
        await self.open()
        self._context_tokens.append(_current.set(self))
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._context_tokens:
            token = self._context_tokens.pop()
            try:
                _current.reset(token)
            except ValueError:
                # Entered and exited in different contexts (e.g. a fixture's setup and teardown tasks).
                if _current.get() is self:
                    _current.set(
                        token.old_value if token.old_value is not contextvars.Token.MISSING else None
                    )
        await self.close()

    async def call(self, operation: str, /, **params: Any) -> dict[str, Any]:
        """Sends one SWF operation and returns its response.

        Whatever goes wrong comes out as an error of the aioswf tree, raised ``from`` botocore's (or
        aiohttp's) own; nothing of botocore's escapes unwrapped.

        Args:
            operation: The operation's name as in the SWF API, e.g. ``"DescribeDomain"``.
            **params: Its parameters, in the API's camelCase, e.g. ``name="crawl"``.

        Returns:
            The response, without botocore's ``ResponseMetadata``.

        Raises:
            ResponseError: (or a subclass) when SWF answers with a fault. Answers that are not SWF's
                (a gateway's 429, 502 or error page, a 200 that is not a JSON object or lacks what SWF
                always sends) are `ThrottlingError`, `ServiceUnavailableError` or `UnexpectedResponseError`.
            TransportError: When the endpoint cannot be reached or the connection drops.
            ValidationError: When the operation is unknown, or botocore's own parameter validation refuses
                the request (a task token is never quoted in the message).
            CredentialsError: When no usable credentials are found, or their refresh fails.
            BotocoreError: When botocore fails before any answer in a way no class above names.
            ConnectionStateError: When the connection is not open.
        """
        client = self.client
        if self._checked_client is not client:
            client.meta.events.register("before-parse.swf", _check_answer, unique_id="aioswf-check-answer")
            self._checked_client = client
        if "taskToken" in params:
            validation.check_task_token(params["taskToken"], "taskToken")
        method = self._methods.get(operation) if isinstance(operation, str) else None
        if method is None:
            name = xform_name(operation) if isinstance(operation, str) else None
            if name is None or client.meta.method_to_api_mapping.get(name) != operation:
                raise ValidationError(
                    f"{operation!r:.80} is not an SWF operation",
                    argument="operation",
                    limit="an SWF operation",
                )
            method = self._methods[operation] = getattr(client, name)
        lean = self._lean
        answers: list[int] = []
        reset = _answers.set(answers)
        try:
            if lean is not None:
                response: dict[str, Any] = await lean.call(operation, params)
            else:
                response = await method(**params)
        except botocore.exceptions.ClientError as error:
            raise map_client_error(error, operation) from error
        except botocore.exceptions.ParamValidationError as error:
            raise ValidationError(f"{operation}: {error}", limit="the SWF service model") from error
        except BOTOCORE_CREDENTIAL_ERRORS as error:
            raise map_credentials_error(error) from error
        except _TRANSPORT_ERRORS as error:
            raise TransportError(f"{operation}: {type(error).__name__}: {error}") from error
        except SWFError:
            raise
        except Exception as error:
            if answers:
                raise UnexpectedResponseError(
                    operation,
                    "UnexpectedResponse",
                    f"botocore could not read the HTTP {answers[-1]} answer: "
                    f"{type(error).__name__}: {clip_message(str(error), 200)}",
                    status=answers[-1],
                ) from error
            raise BotocoreError(f"{operation}: {type(error).__name__}: {error}") from error
        finally:
            _answers.reset(reset)
        if not isinstance(response, dict):
            raise UnexpectedResponseError(operation, "UnexpectedResponse", "the answer is not a JSON object")
        response.pop("ResponseMetadata", None)
        missing = _missing_members(client, operation, response)
        if missing:
            raise UnexpectedResponseError(
                operation,
                "UnexpectedResponse",
                f"the answer lacks {', '.join(missing)}, which SWF always sends",
                status=answers[-1] if answers else None,
            )
        return response

    def paginate(self, operation: str, /, *, page_size: int | None = None, **params: Any) -> PageIterator:
        """Lists page by page: an async iterator of responses that follows ``nextPageToken``.

        Nothing is sent until the first page is asked for, and each further page only when the consumer
        asks for it.

        Args:
            operation: A paginated SWF operation, e.g. ``"ListDomains"``.
            page_size: ``maximumPageSize`` for each request.
            **params: The operation's other parameters.

        Returns:
            A `PageIterator`; ``aclose()`` it (or leave the ``async for``) to stop early.
        """
        return PageIterator(self, operation, page_size=page_size, params=params)


class PageIterator:
    """The pages of one listing, fetched one request at a time as the consumer asks for them.

    Raises `aioswf.exceptions.PaginationError` when SWF repeats a ``nextPageToken``.
    """

    def __init__(
        self,
        connection: Connection,
        operation: str,
        *,
        page_size: int | None,
        params: Mapping[str, Any],
    ) -> None:
        self._connection = connection
        self._operation = operation
        self._params = dict(params)
        if page_size is not None:
            self._params["maximumPageSize"] = page_size
        self._token: str | None = self._params.pop("nextPageToken", None)
        self._seen: set[str] = set()
        self._done = False

    def __aiter__(self) -> PageIterator:
        return self

    async def __anext__(self) -> dict[str, Any]:
        if self._done:
            raise StopAsyncIteration
        params = dict(self._params)
        if self._token:
            params["nextPageToken"] = self._token
        page = await self._connection.call(self._operation, **params)
        token = page.get("nextPageToken") or None
        if token is None:
            self._done = True
        elif token in self._seen:
            self._done = True
            raise PaginationError(f"{self._operation} returned the nextPageToken it returned before")
        else:
            self._seen.add(token)
        self._token = token
        return page

    async def aclose(self) -> None:
        """Stops the listing; no further request is sent."""
        self._done = True


_required: dict[str, tuple[str, ...]] = {}


def _missing_members(client: Any, operation: str, response: Mapping[str, Any]) -> list[str]:
    """The members the output shape requires that the response lacks (an empty poll requires none)."""
    required = _required.get(operation)
    if required is None:
        shape = client.meta.service_model.operation_model(operation).output_shape
        required = _required[operation] = tuple(shape.required_members) if shape is not None else ()
    if not required or (operation in _POLLS and not response.get("taskToken")):
        return []
    return [name for name in required if name not in response]


def current_connection() -> Connection | None:
    """The connection of the innermost ``async with Connection(...)`` in this context, if any."""
    return _current.get()


def get_connection(connection: Connection | None = None, what: str = "this operation") -> Connection:
    """The connection to use: the one given, else the current one.

    Args:
        connection: A connection given explicitly.
        what: What needs it, for the error message.

    Raises:
        NoConnectionError: When none is given and none is open in this context.
    """
    found = connection if connection is not None else _current.get()
    if found is None:
        raise NoConnectionError(what)
    return found
