"""Running the installed ``aioswf`` console script as a process, and reading what it printed."""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Awaitable, Callable, Mapping
from pathlib import Path
from typing import Any

import aiohttp
import attrs
from aiohttp import web

#: ``await run("domain", "list", stdin=..., env=...)``: the command against a test's server.
Runner = Callable[..., Awaitable["Result"]]

BIN = Path(sys.executable).parent
AIOSWF = str(BIN / "aioswf")
#: Seconds any one command may take on a loaded machine before the test fails instead of hanging.
COMMAND_TIMEOUT = 60.0


@attrs.frozen
class Result:
    """What one run of the command did."""

    code: int
    out: str
    err: str

    @property
    def lines(self) -> list[str]:
        """Standard output's lines."""
        return self.out.splitlines()

    @property
    def rows(self) -> list[list[str]]:
        """Standard output as TSV rows."""
        return [line.split("\t") for line in self.lines]

    def json(self) -> list[dict[str, Any]]:
        """Standard output as JSON lines, one object per line."""
        return [json.loads(line) for line in self.lines]


def clean_env(home: Path, **extra: str) -> dict[str, str]:
    """No AWS variable, an empty HOME, the venv's ``aioswf`` on PATH."""
    return {"PATH": f"{BIN}:/usr/bin:/bin", "HOME": str(home), "LANG": "C.UTF-8", **extra}


async def run_aioswf(
    *args: str, env: Mapping[str, str], stdin: str | None = None, cwd: Path | None = None
) -> Result:
    """Runs ``aioswf ARGS`` as a process and waits for it."""
    process = await asyncio.create_subprocess_exec(
        AIOSWF,
        *args,
        stdin=asyncio.subprocess.PIPE if stdin is not None else asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=dict(env),
        cwd=cwd,
    )
    try:
        out, err = await asyncio.wait_for(
            process.communicate(stdin.encode() if stdin is not None else None), COMMAND_TIMEOUT
        )
    except TimeoutError:
        process.kill()
        await process.wait()
        raise
    assert process.returncode is not None
    return Result(process.returncode, out.decode(), err.decode())


def assert_one_line_error(result: Result, *fragments: str, code: int = 1) -> None:
    """The command failed with `code` and said so in one ``aioswf: what: fix`` line, no traceback."""
    assert result.code == code, result
    lines = result.err.strip().splitlines()
    assert len(lines) == 1, result.err
    assert lines[0].startswith("aioswf: "), result.err
    assert lines[0].count(": ") >= 2, result.err
    assert "Traceback" not in result.err
    for fragment in fragments:
        assert fragment in lines[0], result.err


class SWFProxy:
    """An HTTP pass-through in front of an SWF server: records each operation, and can hold requests.

    ``proxy.hold("ListOpenWorkflowExecutions", after=1)`` makes every request of that operation past
    the first wait until the returned event is set: a test can then watch what the command printed
    while a page is pending, with no timing involved.
    """

    def __init__(self, target: str) -> None:
        self.target = target
        self.operations: list[str] = []
        self._holds: dict[str, tuple[int, asyncio.Event]] = {}
        self._runner: web.AppRunner | None = None
        self._session: aiohttp.ClientSession | None = None
        self.url = ""

    def count(self, operation: str) -> int:
        """How many requests of `operation` came through."""
        return self.operations.count(operation)

    def hold(self, operation: str, *, after: int) -> asyncio.Event:
        """Holds the requests of `operation` past the first `after` until the event is set."""
        gate = asyncio.Event()
        self._holds[operation] = (after, gate)
        return gate

    async def _forward(self, request: web.Request) -> web.Response:
        operation = request.headers.get("X-Amz-Target", "").rsplit(".", 1)[-1]
        self.operations.append(operation)
        held = self._holds.get(operation)
        if held is not None and self.count(operation) > held[0]:
            await held[1].wait()
        body = await request.read()
        headers = {k: v for k, v in request.headers.items() if k.lower() not in {"host", "content-length"}}
        assert self._session is not None
        async with self._session.post(self.target, data=body, headers=headers) as answer:
            payload = await answer.read()
            return web.Response(
                body=payload, status=answer.status, content_type=answer.content_type, charset=answer.charset
            )

    async def __aenter__(self) -> SWFProxy:
        self._session = aiohttp.ClientSession()
        app = web.Application()
        app.router.add_post("/", self._forward)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.url = f"http://127.0.0.1:{port}"
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        for _, gate in self._holds.values():
            gate.set()
        if self._runner is not None:
            await self._runner.cleanup()
        if self._session is not None:
            await self._session.close()
