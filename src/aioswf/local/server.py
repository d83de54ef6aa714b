"""SWF's wire protocol over HTTP/1.1: JSON 1.0 requests routed by ``X-Amz-Target``, faults as SWF sends them.

The HTTP layer is a small asyncio protocol rather than a web framework: it only has to read ``POST``
requests with a JSON body and write JSON answers, and doing only that keeps each request to a few tens
of microseconds. Connections are kept alive; requests on one connection are answered in order.
Operations that cannot wait (all but the two long polls) run to completion inside ``data_received``.

Any SigV4 signature (or none) is accepted: the server does not authenticate.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import logging
import time
from typing import Any

from aioswf.local.engine import Engine
from aioswf.local.faults import SWFFault, UnknownOperationException, ValidationException
from aioswf.local.shapes import output_violations

__all__ = ["CONTENT_TYPE", "TARGET_PREFIX", "HTTPProtocol", "ResponseChecker"]

log = logging.getLogger("aioswf.local")
CONTENT_TYPE = "application/x-amz-json-1.0"
TARGET_PREFIX = "SimpleWorkflowService."
MAX_BODY = 8 * 1024 * 1024
MAX_HEAD = 64 * 1024
_REASONS = {
    200: "OK",
    400: "Bad Request",
    404: "Not Found",
    405: "Method Not Allowed",
    413: "Payload Too Large",
    500: "Internal Server Error",
}
_request_ids = itertools.count(1)
_encode = json.JSONEncoder(separators=(",", ":")).encode


class ResponseChecker:
    """Checks every response against botocore's output shape and keeps what it finds."""

    def __init__(self) -> None:
        self.violations: list[str] = []

    def check(self, operation: str, body: Any) -> list[str]:
        """Check one response; record and return its violations."""
        found = output_violations(operation, body)
        self.violations.extend(found)
        return found


class _BadRequest(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


class HTTPProtocol(asyncio.Protocol):
    """One HTTP/1.1 connection to the local SWF server.

    Args:
        engine: The state machine answering the operations.
        checker: When given, every successful response is checked against its output shape; a response
            that departs from the model becomes an HTTP 500 ``InternalFailure`` naming the problem.
        connections: The server's set of open connections (closed when the server stops).
    """

    def __init__(
        self, engine: Engine, checker: ResponseChecker | None, connections: set[HTTPProtocol]
    ) -> None:
        self._engine = engine
        self._checker = checker
        self._connections = connections
        self._transport: asyncio.Transport | None = None
        self._buffer = bytearray()
        self._pending: asyncio.Task[None] | None = None
        self._closing = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        """Start tracking the connection."""
        assert isinstance(transport, asyncio.Transport)
        self._transport = transport
        self._connections.add(self)

    def connection_lost(self, exc: Exception | None) -> None:
        """Forget the connection; a long poll in flight is cancelled (its task goes back to the queue)."""
        self._connections.discard(self)
        self._transport = None
        if self._pending is not None:
            self._pending.cancel()

    @property
    def pending(self) -> asyncio.Task[None] | None:
        """The long poll being answered on this connection, if any."""
        return self._pending

    def close(self) -> asyncio.Task[None] | None:
        """Close the connection now; return the cancelled long poll, if one was in flight."""
        pending = self._pending
        if pending is not None:
            pending.cancel()
        if self._transport is not None:
            self._transport.close()
        return pending

    def data_received(self, data: bytes) -> None:
        """Buffer bytes and answer every complete request."""
        self._buffer += data
        if self._pending is None:
            self._process()

    def _process(self) -> None:
        while self._pending is None and self._transport is not None and not self._closing:
            try:
                request = self._next_request()
            except _BadRequest as error:
                self._closing = True
                self._write(error.status, {"__type": "BadRequest", "message": str(error)}, close=True)
                return
            if request is None:
                return
            target, body, keep_alive = request
            self._handle(target, body, keep_alive)

    def _next_request(self) -> tuple[str, bytes, bool] | None:
        buffer = self._buffer
        end = buffer.find(b"\r\n\r\n")
        if end < 0:
            if len(buffer) > MAX_HEAD:
                raise _BadRequest(400, "request head too large")
            return None
        lines = bytes(buffer[:end]).decode("latin-1").split("\r\n")
        parts = lines[0].split(" ")
        if len(parts) != 3:
            raise _BadRequest(400, "malformed request line")
        method, _, version = parts
        headers: dict[str, str] = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        start = end + 4
        if headers.get("transfer-encoding", "").lower() == "chunked":
            decoded = _dechunk(buffer, start)
            if decoded is None:
                return None
            body, consumed = decoded
        else:
            try:
                length = int(headers.get("content-length", "0") or "0")
            except ValueError:
                raise _BadRequest(400, "malformed Content-Length") from None
            if length < 0:
                raise _BadRequest(400, "malformed Content-Length")
            if length > MAX_BODY:
                raise _BadRequest(413, "request body too large")
            if len(buffer) < start + length:
                if headers.get("expect", "").lower() == "100-continue" and self._transport is not None:
                    self._transport.write(b"HTTP/1.1 100 Continue\r\n\r\n")
                    headers.pop("expect")
                return None
            body, consumed = bytes(buffer[start : start + length]), start + length
        del buffer[:consumed]
        connection = headers.get("connection", "").lower()
        keep_alive = connection != "close" if version == "HTTP/1.1" else connection == "keep-alive"
        if method != "POST":
            self._write(
                405,
                {"__type": "MethodNotAllowed", "message": "SWF takes POST requests"},
                close=not keep_alive,
            )
            return self._next_request() if keep_alive else None
        return headers.get("x-amz-target", ""), body, keep_alive

    def _handle(self, target: str, body: bytes, keep_alive: bool) -> None:
        started = time.perf_counter()
        operation = target[len(TARGET_PREFIX) :] if target.startswith(TARGET_PREFIX) else ""
        try:
            if not operation:
                raise UnknownOperationException(f"Unknown target: {target!r}")
            try:
                params = json.loads(body) if body else {}
            except ValueError:
                raise ValidationException("The request body is not valid JSON") from None
            if self._engine.waits(operation):
                self._pending = asyncio.get_running_loop().create_task(
                    self._handle_async(operation, params, keep_alive, started)
                )
                return
            result = self._engine.call_now(operation, params)
        except SWFFault as fault:
            self._answer_fault(operation or target, fault, keep_alive, started)
            return
        except Exception:
            self._answer_crash(operation or target, keep_alive, started)
            return
        self._answer(operation, result, keep_alive, started)

    async def _handle_async(self, operation: str, params: Any, keep_alive: bool, started: float) -> None:
        try:
            result = await self._engine.call(operation, params)
        except SWFFault as fault:
            self._answer_fault(operation, fault, keep_alive, started)
        except Exception:
            self._answer_crash(operation, keep_alive, started)
        else:
            self._answer(operation, result, keep_alive, started)
        finally:
            self._pending = None
        if keep_alive:
            self._process()

    def _answer(self, operation: str, result: Any, keep_alive: bool, started: float) -> None:
        if self._checker is not None:
            problems = self._checker.check(operation, result)
            if problems:
                log.error("response of %s departs from the SWF model: %s", operation, problems)
                result = {"__type": "InternalFailure", "message": "; ".join(problems)[:4000]}
                self._write(500, result, close=not keep_alive)
                self._log(operation, 500, started)
                return
        self._write(200, result, close=not keep_alive)
        self._log(operation, 200, started)

    def _answer_fault(self, operation: str, fault: SWFFault, keep_alive: bool, started: float) -> None:
        self._write(fault.status, fault.to_wire(), close=not keep_alive)
        self._log(operation, fault.status, started, fault.code)

    def _answer_crash(self, operation: str, keep_alive: bool, started: float) -> None:
        log.exception("internal error while serving %s", operation)
        body = {"__type": "InternalFailure", "message": "internal error in the local SWF server"}
        self._write(500, body, close=not keep_alive)
        self._log(operation, 500, started)

    def _write(self, status: int, body: Any, *, close: bool) -> None:
        transport = self._transport
        if transport is None:
            return
        payload = _encode(body).encode()
        head = (
            f"HTTP/1.1 {status} {_REASONS.get(status, 'Error')}\r\n"
            f"Content-Type: {CONTENT_TYPE}\r\n"
            f"x-amzn-RequestId: {next(_request_ids):08x}-0000-4000-8000-000000000000\r\n"
            f"Content-Length: {len(payload)}\r\n"
            f"{'Connection: close' if close else 'Connection: keep-alive'}\r\n\r\n"
        )
        transport.write(head.encode("latin-1") + payload)
        if close:
            self._closing = True
            transport.close()

    @staticmethod
    def _log(operation: str, status: int, started: float, code: str | None = None) -> None:
        if log.isEnabledFor(logging.DEBUG):
            elapsed = (time.perf_counter() - started) * 1000
            suffix = f" {code}" if code else ""
            log.debug("%s -> %d%s in %.1f ms", operation or "?", status, suffix, elapsed)


def _dechunk(buffer: bytearray, start: int) -> tuple[bytes, int] | None:
    body = bytearray()
    position = start
    while True:
        line_end = buffer.find(b"\r\n", position)
        if line_end < 0:
            return None
        try:
            size = int(bytes(buffer[position:line_end]).split(b";")[0], 16)
        except ValueError:
            raise _BadRequest(400, "malformed chunk") from None
        position = line_end + 2
        if size == 0:
            trailer_end = buffer.find(b"\r\n", position)
            if trailer_end < 0:
                return None
            return bytes(body), trailer_end + 2
        if len(buffer) < position + size + 2:
            return None
        body += buffer[position : position + size]
        if len(body) > MAX_BODY:
            raise _BadRequest(413, "request body too large")
        position += size + 2
