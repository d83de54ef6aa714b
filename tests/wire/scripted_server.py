"""A scripted SWF endpoint over real HTTP: answers each request from a script, records what it received."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import attrs
from aiohttp import web

Answer = tuple[int, dict[str, Any]]


@attrs.define
class Received:
    """One request as the server got it."""

    operation: str
    headers: dict[str, str]
    body: dict[str, Any]


class ScriptedSWF:
    """Answers SWF requests: queued answers first, then `default(operation, body)`.

    Also serves ``GET /credentials`` as a container credentials endpoint whose keys change on every
    fetch (``AKID1``, ``AKID2``, ...) and expire at once, so a client must refresh them before each request.
    """

    def __init__(self, default: Callable[[str, dict[str, Any]], Answer] | None = None) -> None:
        self.received: list[Received] = []
        self.queued: list[Answer] = []
        self.credential_fetches = 0
        self._default = default or (lambda operation, body: (200, {}))
        self._runner: web.AppRunner | None = None
        self.port = 0

    @property
    def endpoint_url(self) -> str:
        """The server's URL."""
        return f"http://127.0.0.1:{self.port}"

    def queue(self, *answers: Answer) -> None:
        """Answers the next requests with these (status, body) pairs, in order."""
        self.queued.extend(answers)

    async def __aenter__(self) -> ScriptedSWF:
        app = web.Application()
        app.router.add_post("/", self._swf)
        app.router.add_get("/credentials", self._credentials)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        assert site._server is not None
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def _swf(self, request: web.Request) -> web.Response:
        operation = request.headers.get("X-Amz-Target", "").rpartition(".")[2]
        raw = await request.read()
        body = json.loads(raw) if raw else {}
        self.received.append(Received(operation, dict(request.headers), body))
        status, answer = self.queued.pop(0) if self.queued else self._default(operation, body)
        return web.Response(
            status=status,
            body=json.dumps(answer).encode(),
            headers={"Content-Type": "application/x-amz-json-1.0", "x-amzn-RequestId": "req-1"},
        )

    async def _credentials(self, request: web.Request) -> web.Response:
        import datetime

        self.credential_fetches += 1
        expires = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=30)
        return web.json_response(
            {
                "AccessKeyId": f"AKID{self.credential_fetches}",
                "SecretAccessKey": "secret",
                "Token": f"token{self.credential_fetches}",
                "Expiration": expires.strftime("%Y-%m-%dT%H:%M:%SZ"),
            }
        )


def fault(code: str, message: str = "", status: int = 400) -> Answer:
    """A JSON fault answer, namespaced as SWF sends them."""
    return (status, {"__type": f"com.amazonaws.swf.base.model#{code}", "message": message})
