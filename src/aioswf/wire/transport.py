"""`LeanTransport`: SWF's JSON 1.0 protocol spoken directly, under botocore's generic request pipeline.

An aiobotocore call spends most of its client CPU in machinery SWF does not need: parameter validation
and serialisation walking the whole input shape, endpoint rules, a User-Agent string rebuilt twice, a
generic SigV4 signer that derives its key on every request, parsing walking the whole output shape.
`benchmarks/request_path.py` measures it. This transport sends the same request (same JSON body, same
signature) from the same pieces of the aiobotocore client:

* credentials from the client's own provider (refreshable credentials refresh as they do for botocore);
* the client's HTTP session (aiohttp, its pool, proxies, TLS settings and timeouts);
* the client's event handlers at the points users and tools rely on: ``before-parameter-build``,
  ``before-call`` (a handler's response, such as the Stubber's, short-circuits the request),
  ``before-send``, ``before-parse`` (where `Connection` checks that an answer is SWF's), ``needs-retry`` (where botocore's standard, adaptive and legacy retry modes live, with
  their max attempts and retry quota: emitted for every failed attempt, and for every attempt in adaptive
  mode, whose pacing learns from successes too) and ``after-call`` (which gives retry quota back);
* errors raised as the client's own modelled `ClientError` classes, which `Connection.call` maps through
  the one error map in `aioswf.exceptions`.

What it leaves out is written in README.md ("Request paths").
"""

from __future__ import annotations

import asyncio
import importlib.metadata
import json
import logging
import os
from typing import Any, NamedTuple
from urllib.parse import urlsplit

import aiobotocore
import botocore
from botocore.awsrequest import AWSPreparedRequest
from botocore.exceptions import ParamValidationError

from aioswf.wire.shapes import (
    OperationSpec,
    check_output_types,
    decode_timestamps,
    encode_timestamps,
    operation_spec,
)
from aioswf.wire.sigv4 import SigV4Signer, amz_date

__all__ = ["LeanTransport", "LeanTransportUnavailable", "invocation_id"]

logger = logging.getLogger("aioswf.wire")

_CONTENT_TYPE = "application/x-amz-json-1.0"

#: botocore's events the lean path emits, by the names `_EventNames` gives them.
_EVENTS = (
    "before-parameter-build",
    "before-call",
    "before-send",
    "needs-retry",
    "before-parse",
    "after-call",
)


class _EventNames(NamedTuple):
    """The full names of one operation's events (``before-call.SWF.PollForActivityTask``, ...)."""

    before_parameter_build: str
    before_call: str
    before_send: str
    needs_retry: str
    before_parse: str
    after_call: str


class LeanTransportUnavailable(RuntimeError):
    """The aiobotocore client lacks a piece the lean path takes from it (a newer, changed aiobotocore)."""


def _host_header(endpoint_url: str) -> str:
    parts = urlsplit(endpoint_url)
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    default = 443 if parts.scheme == "https" else 80
    return host if parts.port in (None, default) else f"{host}:{parts.port}"


class LeanTransport:
    """Sends SWF operations for one aiobotocore SWF client without going through botocore's pipeline.

    Args:
        client: The open aiobotocore SWF client whose credentials, HTTP session, configuration and event
            handlers to use.

    Raises:
        LeanTransportUnavailable: When the client does not have what the lean path needs.
    """

    def __init__(self, client: Any) -> None:
        try:
            self._signer_source = client._request_signer
            self._endpoint = client._endpoint
            self._http = client._endpoint.http_session
            self._events = client.meta.events
            self._service_model = client.meta.service_model
            self._exceptions = client.exceptions
            endpoint_url = str(client.meta.endpoint_url)
            region = str(client.meta.region_name)
            signature_version = self._signer_source.signature_version
            signing_name = self._signer_source.signing_name or "swf"
            config = client.meta.config
        except AttributeError as error:  # pragma: no cover - only with an aiobotocore that changed
            raise LeanTransportUnavailable(f"the aiobotocore client has changed: {error}") from error
        self._url = endpoint_url if urlsplit(endpoint_url).path else endpoint_url.rstrip("/") + "/"
        self._host = _host_header(endpoint_url)
        self._signed = signature_version is not botocore.UNSIGNED
        self._signer = SigV4Signer(region, signing_name)
        agent = getattr(config, "user_agent", None)
        self._user_agent = str(agent) if agent else _default_user_agent()
        retries = getattr(config, "retries", None) or {}
        # botocore's adaptive mode paces requests by every response, successes included; the standard and
        # legacy modes only act on failed attempts, so successes skip the needs-retry event there.
        self._every_response_to_retry = retries.get("mode") == "adaptive"
        self._specs: dict[str, tuple[OperationSpec, _EventNames]] = {}
        self._service_id = self._service_model.service_id.hyphenize()

    def _spec(self, operation: str) -> tuple[OperationSpec, _EventNames]:
        found = self._specs.get(operation)
        if found is None:
            if operation not in self._service_model.operation_names:
                raise AttributeError(f"SWF has no operation {operation!r}")
            names = _EventNames(*(f"{event}.{self._service_id}.{operation}" for event in _EVENTS))
            found = self._specs[operation] = (operation_spec(self._service_model, operation), names)
        return found

    async def call(self, operation: str, params: dict[str, Any]) -> dict[str, Any]:
        """Sends one operation and returns its parsed response (with botocore's ``ResponseMetadata``).

        Args:
            operation: The operation's name, e.g. ``"PollForActivityTask"``.
            params: Its parameters, in the API's camelCase.

        Returns:
            The response.

        Raises:
            botocore.exceptions.ClientError: (its modelled subclass) When SWF answers with a fault.
            botocore.exceptions.ParamValidationError: When a top-level parameter is unknown or a required
                one is missing.
            botocore.exceptions.HTTPClientError: When the endpoint cannot be reached.
        """
        spec, names = self._spec(operation)
        _check_params(spec, params)
        events = self._events
        context: dict[str, Any] = {}
        await events.emit(names.before_parameter_build, params=params, model=spec.model, context=context)
        request_dict: dict[str, Any] = {
            "url_path": "/",
            "query_string": "",
            "method": "POST",
            "headers": {},
            "body": params,
            "url": self._url,
            "context": context,
        }
        short_circuit = await events.emit_until_response(
            names.before_call,
            model=spec.model,
            params=request_dict,
            request_signer=self._signer_source,
            context=context,
        )
        if short_circuit[1] is not None:
            http_response, parsed = short_circuit[1]
        else:
            body = json.dumps(
                encode_timestamps(params, spec.input_timestamps) if spec.input_timestamps else params,
                separators=(",", ":"),
            ).encode("utf-8")
            http_response, parsed = await self._send(spec, names, request_dict, body)
        await events.emit(
            names.after_call,
            http_response=http_response,
            parsed=parsed,
            model=spec.model,
            context=context,
        )
        if http_response.status_code >= 300:
            error = parsed.get("Error", {})
            error_class = self._exceptions.from_code(error.get("QueryErrorCode") or error.get("Code"))
            raise error_class(parsed, operation)
        result: dict[str, Any] = parsed
        return result

    async def _send(
        self, spec: OperationSpec, names: _EventNames, request_dict: dict[str, Any], body: bytes
    ) -> tuple[Any, dict[str, Any]]:
        events = self._events
        before_send = names.before_send
        needs_retry = names.needs_retry
        attempts = 1
        while True:
            request = await self._request(spec, body, request_dict.get("headers"))
            response: tuple[Any, dict[str, Any]] | None = None
            exception: Exception | None = None
            try:
                stubbed = await events.emit_until_response(before_send, request=request)
                http_response = stubbed[1]
                if http_response is None:
                    http_response = await self._http.send(request)
                    content = await http_response.content
                else:
                    content = http_response.content
            except Exception as error:  # what botocore's endpoint catches, for its retry handlers to judge
                exception = error
            if exception is None:
                # As in botocore, an answer that cannot be read raises at once, without retries.
                response = (http_response, await self._parse(spec, names, http_response, content))
            if (
                exception is None
                and response is not None
                and response[0].status_code < 300
                and not self._every_response_to_retry
            ):
                break
            retry = await events.emit(
                needs_retry,
                response=response,
                endpoint=self._endpoint,
                operation=spec.model,
                attempts=attempts,
                caught_exception=exception,
                request_dict=request_dict,
            )
            delay = next((value for _, value in retry if value is not None), None)
            if delay is None or delay is False:
                break
            logger.debug("%s: retrying after %.3f s (attempt %d)", spec.name, delay, attempts)
            await asyncio.sleep(delay)
            attempts += 1
        if exception is not None:
            raise exception
        assert response is not None
        metadata = response[1].get("ResponseMetadata")
        if metadata is not None:
            metadata["RetryAttempts"] = attempts - 1
        return response

    async def _request(
        self, spec: OperationSpec, body: bytes, extra: dict[str, str] | None
    ) -> AWSPreparedRequest:
        date = amz_date()
        headers = {
            "Content-Type": _CONTENT_TYPE,
            "X-Amz-Target": spec.target,
            "X-Amz-Date": date,
            "Host": self._host,
            "User-Agent": self._user_agent,
            "amz-sdk-invocation-id": invocation_id(),
        }
        if extra:
            # Headers put in by before-call handlers (e.g. the recursion-detection trace id), unsigned as in
            # botocore when they are among the ones it leaves unsigned.
            headers.update(extra)
        if self._signed:
            credentials = self._signer_source._credentials
            if credentials is not None:
                frozen = await credentials.get_frozen_credentials()
                if frozen.token:
                    headers["X-Amz-Security-Token"] = frozen.token
                headers["Authorization"] = self._signer.authorization(
                    access_key=frozen.access_key,
                    secret_key=frozen.secret_key,
                    token=frozen.token,
                    host=self._host,
                    target=spec.target,
                    date=date,
                    body=body,
                    content_type=_CONTENT_TYPE,
                )
        return AWSPreparedRequest("POST", self._url, headers, body, False)

    async def _parse(
        self, spec: OperationSpec, names: _EventNames, http_response: Any, content: bytes
    ) -> dict[str, Any]:
        status = int(http_response.status_code)
        headers = dict(http_response.headers)
        customized: dict[str, Any] = {}
        # botocore's before-parse event, with its arguments: Connection checks answers there.
        await self._events.emit(
            names.before_parse,
            operation_model=spec.model,
            response_dict={
                "headers": headers,
                "status_code": status,
                "body": content,
                "context": {"operation_name": spec.name},
            },
            customized_response_dict=customized,
        )
        metadata = {
            "RequestId": headers.get("x-amzn-requestid"),
            "HTTPStatusCode": status,
            "HTTPHeaders": headers,
        }
        if status >= 300:
            parsed = _error(status, headers, content, metadata)
        else:
            parsed = json.loads(content) if content else {}
            if not isinstance(parsed, dict):
                raise ValueError(f"HTTP {status} with a body that is not a JSON object")
            wrong = check_output_types(spec, parsed)
            if wrong is not None:
                raise ValueError(f"HTTP {status} answer outside SWF's shape: {wrong}")
            if spec.output_timestamps:
                decode_timestamps(parsed, spec.output_timestamps)
            parsed["ResponseMetadata"] = metadata
        parsed.update(customized)
        return parsed


def _error(status: int, headers: dict[str, str], content: bytes, metadata: dict[str, Any]) -> dict[str, Any]:
    # As botocore's JSON error parser: the code from "__type" (without its namespace), else the status.
    try:
        body = json.loads(content) if content else {}
    except ValueError:
        body = {}
    if not isinstance(body, dict):
        body = {}
    code = str(body.get("__type") or status)
    if ":" in code:
        code = code.split(":", 1)[0]
    if "#" in code:
        code = code.rsplit("#", 1)[1]
    message = body.get("message", body.get("Message", ""))
    parsed: dict[str, Any] = {key: value for key, value in body.items() if key != "__type"}
    parsed["Error"] = {"Code": code, "Message": message}
    parsed["ResponseMetadata"] = metadata
    return parsed


def _check_params(spec: OperationSpec, params: dict[str, Any]) -> None:
    keys = params.keys()
    if keys <= spec.members and spec.required <= keys:
        return
    unknown = keys - spec.members
    missing = spec.required - params.keys()
    if unknown or missing:
        problems = [f'Unknown parameter in input: "{name}"' for name in sorted(unknown)]
        problems += [f'Missing required parameter in input: "{name}"' for name in sorted(missing)]
        raise ParamValidationError(report="\n".join(problems))


def invocation_id() -> str:
    """A random UUID (version 4), as botocore sends in ``amz-sdk-invocation-id``, for one request.

    The same value as ``str(uuid.uuid4())``, formatted from 16 random bytes directly (a third of the cost).
    """
    digits = os.urandom(16).hex()
    # The version (4) and the RFC 4122 variant (10xx) bits, set as uuid.UUID(version=4) sets them.
    variant = "89ab"[int(digits[16], 16) & 3]
    return f"{digits[:8]}-{digits[8:12]}-4{digits[13:16]}-{variant}{digits[17:20]}-{digits[20:]}"


def _default_user_agent() -> str:
    try:
        version = importlib.metadata.version("aioswf")
    except importlib.metadata.PackageNotFoundError:  # pragma: no cover - running from a source tree
        version = "unknown"
    return f"aioswf/{version} aiobotocore/{aiobotocore.__version__} botocore/{botocore.__version__} lean"
