"""A fault-injecting HTTP proxy in front of an SWF server, for the actors' resilience tests.

It listens on 127.0.0.1 and forwards every request to the real server, unless told to fail: answer HTTP 500
(``InternalFailure``), answer throttling (HTTP 400 ``ThrottlingException``), drop the connection without
an answer, or give one of the answers proxies and gateways give (`CANNED`: a 429 or 502 page, an empty 503,
a 200 whose body is a JSON list, ...) or one of SWF's own faults (an unknown domain, a refused request).
Faults can be limited to some operations, to a number of requests, or both; a fault is injected before the
request is forwarded, so the server never sees a failed request.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Literal

import aiohttp
import attrs
from aiohttp import web

Fault = Literal[
    "500",
    "throttle",
    "drop",
    "429",
    "408",
    "502",
    "503",
    "504",
    "403-html",
    "200-list",
    "200-html",
    "unknown-domain",
    "validation",
    "empty-poll",
    "empty-poll-empty-token",
    "access-denied",
]
TARGET_PREFIX = "SimpleWorkflowService."
_HOP_BY_HOP = {"host", "content-length", "connection", "keep-alive", "transfer-encoding"}
_HTML = "text/html; charset=utf-8"
_JSON = "application/x-amz-json-1.0"


def _page(title: str) -> bytes:
    return f"<html><head><title>{title}</title></head><body><h1>{title}</h1><hr>nginx</body></html>".encode()


#: What each canned fault answers: status, body and content type.
CANNED: dict[str, tuple[int, bytes, str]] = {
    "429": (429, _page("429 Too Many Requests"), _HTML),
    "408": (408, b"", _HTML),
    "502": (502, _page("502 Bad Gateway"), _HTML),
    "503": (503, b"", _HTML),
    "504": (504, _page("504 Gateway Time-out"), _HTML),
    "403-html": (403, _page("403 Forbidden"), _HTML),
    "200-list": (200, b"[]", _JSON),
    "200-html": (200, _page("Welcome to nginx!"), _HTML),
    "unknown-domain": (
        400,
        json.dumps(
            {"__type": "com.amazonaws.swf.base.model#UnknownResourceFault", "message": "Unknown domain"}
        ).encode(),
        _JSON,
    ),
    # AWS answers an empty long poll without a taskToken; the API reference's prose says an empty one.
    "empty-poll": (200, b'{"previousStartedEventId": 0, "startedEventId": 0}', _JSON),
    "empty-poll-empty-token": (
        200,
        b'{"taskToken": "", "previousStartedEventId": 0, "startedEventId": 0}',
        _JSON,
    ),
    "access-denied": (
        400,
        json.dumps({"__type": "AccessDeniedException", "message": "not authorized (fault proxy)"}).encode(),
        _JSON,
    ),
    "validation": (
        400,
        json.dumps(
            {
                "__type": "com.amazon.coral.validate#ValidationException",
                "message": "1 validation error detected: refused by the fault proxy",
            }
        ).encode(),
        _JSON,
    ),
}


@attrs.define
class _Injection:
    fault: Fault
    operations: frozenset[str] | None
    remaining: int | None


class FaultProxy:
    """Forwards SWF requests to `upstream`, failing them on command.

    Args:
        upstream: The real server's URL.
    """

    def __init__(self, upstream: str) -> None:
        self.upstream = upstream.rstrip("/")
        self.forwarded: Counter[str] = Counter()
        self.faults: Counter[str] = Counter()
        self._injection: _Injection | None = None
        self._runner: web.AppRunner | None = None
        self._session: aiohttp.ClientSession | None = None
        self._port = 0

    @property
    def endpoint_url(self) -> str:
        """The proxy's URL: give it to the SWF client instead of the server's."""
        return f"http://127.0.0.1:{self._port}"

    def inject(self, fault: Fault, *, operations: set[str] | None = None, count: int | None = None) -> None:
        """Fails the next requests (of `operations`, or all) with `fault`, `count` times or until `heal`."""
        self._injection = _Injection(fault, frozenset(operations) if operations else None, count)

    def heal(self) -> None:
        """Forwards every request again."""
        self._injection = None

    async def __aenter__(self) -> FaultProxy:
        self._session = aiohttp.ClientSession(
            timeout=aiohttp.ClientTimeout(total=None, sock_read=120), auto_decompress=False
        )
        app = web.Application()
        app.router.add_route("POST", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        server = site._server
        assert server is not None
        self._port = server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
        if self._session is not None:
            await self._session.close()

    def _take(self, operation: str) -> Fault | None:
        injection = self._injection
        if injection is None:
            return None
        if injection.operations is not None and operation not in injection.operations:
            return None
        if injection.remaining is not None:
            injection.remaining -= 1
            if injection.remaining <= 0:
                self._injection = None
        return injection.fault

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        target = request.headers.get("X-Amz-Target", "")
        operation = target.removeprefix(TARGET_PREFIX)
        body = await request.read()
        fault = self._take(operation)
        if fault is not None:
            self.faults[operation] += 1
            if fault == "drop":
                assert request.transport is not None
                request.transport.abort()
                raise ConnectionResetError("fault proxy: connection dropped on purpose")
            if fault == "500":
                return _json(500, {"__type": "InternalFailure", "message": "fault proxy: injected 500"})
            if fault in CANNED:
                status, payload, content_type = CANNED[fault]
                return web.Response(status=status, body=payload, headers={"Content-Type": content_type})
            return _json(
                400,
                {"__type": "com.amazon.coral.availability#ThrottlingException", "message": "Rate exceeded"},
            )
        assert self._session is not None
        headers = {key: value for key, value in request.headers.items() if key.lower() not in _HOP_BY_HOP}
        async with self._session.post(self.upstream + request.path_qs, data=body, headers=headers) as answer:
            payload = await answer.read()
            self.forwarded[operation] += 1
            return web.Response(
                status=answer.status,
                body=payload,
                headers={
                    key: value
                    for key, value in answer.headers.items()
                    if key.lower() not in _HOP_BY_HOP and key.lower() != "content-encoding"
                },
            )


def _json(status: int, body: object) -> web.Response:
    return web.Response(
        status=status,
        body=json.dumps(body).encode(),
        headers={"Content-Type": "application/x-amz-json-1.0"},
    )
