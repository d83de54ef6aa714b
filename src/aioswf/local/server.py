"""The HTTP face of the local server: SWF's JSON 1.0 protocol on ``POST /``, served by ``aiohttp.web``.

aiohttp parses HTTP (llhttp, in C): keep-alive, pipelining (answered in a loop, at most 32 requests
parsed ahead), chunked bodies, ``Expect: 100-continue``, header limits, and a connection timeout that
cuts off idle connections and request heads that never finish. This module adds what SWF's protocol
needs on top: bodies read under a size limit as they arrive and a time limit, a cap on the memory all
bodies being received may hold, JSON decoding that turns any malformed body (deep nesting included)
into a ``SerializationException``, dispatch by ``X-Amz-Target``, and faults as SWF sends them.

The SWF protocol owns ``POST /`` only, so pages and JSON endpoints of a console can join the same
application later. Any SigV4 signature (or none) is accepted: the server does not authenticate.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import logging
import sys
import time
from typing import TYPE_CHECKING, Any

import attrs
from aiohttp import web

from aioswf.local.engine import Engine
from aioswf.local.faults import SerializationException, SWFFault, UnknownOperationException
from aioswf.local.shapes import output_violations

__all__ = [
    "BODY_TIMEOUT",
    "CONTENT_TYPE",
    "IDLE_TIMEOUT",
    "MAX_BODY_SIZE",
    "MAX_BUFFERED_BODIES",
    "SWF_ENDPOINT",
    "TARGET_PREFIX",
    "HTTPLimits",
    "ProtocolLog",
    "ResponseChecker",
    "SWFEndpoint",
    "make_app",
]

log = logging.getLogger("aioswf.local")
CONTENT_TYPE = "application/x-amz-json-1.0"
TARGET_PREFIX = "SimpleWorkflowService."
MiB = 1024 * 1024
MAX_BODY_SIZE = 8 * MiB
MAX_BUFFERED_BODIES = 64 * MiB
IDLE_TIMEOUT = 75.0
BODY_TIMEOUT = 60.0
_request_ids = itertools.count(1)
_encode = json.JSONEncoder(separators=(",", ":")).encode


@attrs.frozen
class HTTPLimits:
    """What one client, or many together, may make the server hold.

    Attributes:
        max_body_size: Bytes of one request body (SWF's largest requests are a few MiB).
        max_buffered_bodies: Bytes that all bodies being received may hold together; a body that would
            pass it is answered HTTP 503, which botocore retries.
        idle_timeout: Seconds a connection may go without a complete request head: while it is idle
            between requests, and while a head arrives (a head sent byte by byte is cut off too).
        body_timeout: Seconds to receive a request's body once its head has arrived (HTTP 408 after).
    """

    max_body_size: int = MAX_BODY_SIZE
    max_buffered_bodies: int = MAX_BUFFERED_BODIES
    idle_timeout: float = IDLE_TIMEOUT
    body_timeout: float = BODY_TIMEOUT


if TYPE_CHECKING:
    _Adapter = logging.LoggerAdapter[logging.Logger]
else:
    _Adapter = logging.LoggerAdapter


class ProtocolLog(_Adapter):
    """The log of aiohttp's protocol layer (malformed requests, broken connections).

    aiohttp logs a malformed request as an error with its traceback. Scanners and fuzzers reach a
    server with such requests all the time, and the client is the one at fault: one info line names
    the problem instead (the traceback is kept at debug level).
    """

    def __init__(self) -> None:
        super().__init__(logging.getLogger("aioswf.local.http"), {})

    def exception(self, msg: object, *args: object, exc_info: Any = True, **kwargs: Any) -> None:
        """Log at info level, naming the exception; the traceback only when debugging."""
        problem = exc_info if isinstance(exc_info, BaseException) else sys.exc_info()[1]
        lines = str(problem).strip().splitlines()
        self.info("%s: %s", str(msg) % args, lines[0] if lines else type(problem).__name__)
        self.debug("traceback of the above", exc_info=exc_info)


class ResponseChecker:
    """Checks every response against botocore's output shape and keeps what it finds."""

    def __init__(self) -> None:
        self.violations: list[str] = []

    def check(self, operation: str, body: Any) -> list[str]:
        """Check one response; record and return its violations."""
        found = output_violations(operation, body)
        self.violations.extend(found)
        return found


class _Refused(Exception):
    """A request refused at the HTTP level (before SWF sees it); the connection is closed after it."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code


class _BodyBudget:
    """The bytes that bodies being received hold together, against :attr:`HTTPLimits.max_buffered_bodies`."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.held = 0

    def take(self, size: int) -> None:
        if self.held + size > self.limit:
            raise _Refused(503, "ServiceUnavailable", "The server holds too many request bodies; retry")
        self.held += size

    def give_back(self, size: int) -> None:
        self.held -= size


class SWFEndpoint:
    """SWF's protocol: one JSON request in, one JSON answer or SWF fault out.

    Args:
        engine: The engine answering the operations.
        checker: When given, every successful response is checked against its output shape; a response
            that departs from the model becomes an HTTP 500 ``InternalFailure`` naming the problem.
        limits: The body size, memory and time limits.
    """

    def __init__(self, engine: Engine, checker: ResponseChecker | None, limits: HTTPLimits) -> None:
        self._engine = engine
        self._checker = checker
        self._limits = limits
        self._budget = _BodyBudget(limits.max_buffered_bodies)

    @property
    def buffered(self) -> int:
        """Bytes held right now by request bodies still being received."""
        return self._budget.held

    async def handle(self, request: web.Request) -> web.StreamResponse:
        """Answer one ``POST /``."""
        started = time.perf_counter()
        target = request.headers.get("X-Amz-Target", "")
        operation = target[len(TARGET_PREFIX) :] if target.startswith(TARGET_PREFIX) else ""
        try:
            body = await self._read_body(request)
        except _Refused as refusal:
            self._log(operation or target, refusal.status, started, refusal.code)
            response = _json_response(refusal.status, {"__type": refusal.code, "message": str(refusal)})
            response.force_close()
            return response
        try:
            if not operation:
                raise UnknownOperationException(f"Unknown target: {target!r:.300}")
            params = _decode(body)
            del body
            if self._engine.waits(operation):
                result = await self._engine.call(operation, params)
            else:
                result = self._engine.call_now(operation, params)
        except SWFFault as fault:
            self._log(operation or target, fault.status, started, fault.code)
            return _json_response(fault.status, fault.to_wire())
        except Exception:
            log.exception("internal error while serving %s", operation or "?")
            self._log(operation, 500, started)
            return _json_response(
                500, {"__type": "InternalFailure", "message": "internal error in the local SWF server"}
            )
        return self._answer(operation, result, started)

    async def _read_body(self, request: web.Request) -> bytes:
        length = request.content_length
        limit = self._limits.max_body_size
        if length is not None and length > limit:
            raise _Refused(413, "RequestEntityTooLarge", f"The request body is larger than {limit} bytes")
        content = request.content
        if content.is_eof():
            # The usual case: the whole (small) body arrived with the head.
            return content.read_nowait()
        try:
            return await asyncio.wait_for(self._receive(content, limit), self._limits.body_timeout)
        except asyncio.TimeoutError:
            raise _Refused(
                408,
                "RequestTimeout",
                f"The request body did not arrive within {self._limits.body_timeout:g} s",
            ) from None

    async def _receive(self, content: Any, limit: int) -> bytes:
        pieces: list[bytes] = []
        size = 0
        try:
            # readany() returns what arrived so far, whatever the framing: a chunked body of a million
            # one-byte chunks is read in a few calls, and every byte counts against the limit at once.
            while True:
                piece = await content.readany()
                if not piece:
                    return b"".join(pieces)
                size += len(piece)
                if size > limit:
                    raise _Refused(
                        413, "RequestEntityTooLarge", f"The request body is larger than {limit} bytes"
                    )
                self._budget.take(len(piece))
                pieces.append(piece)
        finally:
            self._budget.give_back(sum(len(piece) for piece in pieces))

    def _answer(self, operation: str, result: Any, started: float) -> web.Response:
        if self._checker is not None:
            problems = self._checker.check(operation, result)
            if problems:
                log.error("response of %s departs from the SWF model: %s", operation, problems)
                self._log(operation, 500, started)
                return _json_response(
                    500, {"__type": "InternalFailure", "message": "; ".join(problems)[:4000]}
                )
        self._log(operation, 200, started)
        return _json_response(200, result)

    @staticmethod
    def _log(operation: str, status: int, started: float, code: str | None = None) -> None:
        if log.isEnabledFor(logging.DEBUG):
            elapsed = (time.perf_counter() - started) * 1000
            suffix = f" {code}" if code else ""
            log.debug("%s -> %d%s in %.1f ms", operation[:100] or "?", status, suffix, elapsed)


def _decode(body: bytes) -> Any:
    if not body:
        return {}
    try:
        return json.loads(body)
    except RecursionError:
        raise SerializationException("The request body is nested too deeply") from None
    except ValueError:  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        raise SerializationException("The request body is not valid JSON") from None


def _json_response(status: int, body: Any) -> web.Response:
    return web.Response(
        status=status,
        body=_encode(body).encode(),
        headers={
            "Content-Type": CONTENT_TYPE,
            "x-amzn-RequestId": f"{next(_request_ids):08x}-0000-4000-8000-000000000000",
        },
    )


def make_app(engine: Engine, checker: ResponseChecker | None, limits: HTTPLimits) -> web.Application:
    """Return the local server's web application: SWF's protocol on ``POST /``.

    Args:
        engine: The engine answering SWF's operations.
        checker: Checks every response against the model when given (see :class:`SWFEndpoint`).
        limits: The body size, memory and time limits.
    """
    app = web.Application()
    endpoint = SWFEndpoint(engine, checker, limits)
    app[SWF_ENDPOINT] = endpoint
    app.router.add_post("/", endpoint.handle)
    return app


SWF_ENDPOINT = web.AppKey("swf_endpoint", SWFEndpoint)
"""Where :func:`make_app` keeps the application's :class:`SWFEndpoint`."""
