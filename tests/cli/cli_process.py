"""Running the installed ``aioswf`` console script as a process, and reading what it printed."""

from __future__ import annotations

import asyncio
import json
import os
import pty
import sys
import threading
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


class Terminal:
    """The command with its standard output and error on two pseudo-terminals, as in an interactive shell.

    What each prints is collected by a reader thread; `wait_for` waits (without polling on a timer) until
    a text has appeared.
    """

    def __init__(self) -> None:
        self.out = ""
        self.err = ""
        self._changed = asyncio.Event()
        self._process: asyncio.subprocess.Process | None = None
        self._readers: list[threading.Thread] = []

    async def start(self, *args: str, env: Mapping[str, str]) -> Terminal:
        """Starts ``aioswf ARGS``."""
        loop = asyncio.get_running_loop()
        out_master, out_slave = pty.openpty()
        err_master, err_slave = pty.openpty()
        self._process = await asyncio.create_subprocess_exec(
            AIOSWF, *args, stdin=asyncio.subprocess.DEVNULL, stdout=out_slave, stderr=err_slave, env=dict(env)
        )
        os.close(out_slave)
        os.close(err_slave)

        def read(master: int, name: str) -> None:
            while True:
                try:
                    chunk = os.read(master, 65536)
                except OSError:  # EIO: the child closed its end
                    chunk = b""
                if not chunk:
                    os.close(master)
                    loop.call_soon_threadsafe(self._changed.set)
                    return
                text = chunk.decode(errors="replace").replace("\r\n", "\n")
                loop.call_soon_threadsafe(self._append, name, text)

        for master, name in ((out_master, "out"), (err_master, "err")):
            thread = threading.Thread(target=read, args=(master, name), daemon=True)
            thread.start()
            self._readers.append(thread)
        return self

    def _append(self, name: str, text: str) -> None:
        setattr(self, name, getattr(self, name) + text)
        self._changed.set()

    async def wait_for(self, name: str, text: str) -> None:
        """Waits until standard output (``"out"``) or error (``"err"``) has shown `text`."""

        async def seen() -> None:
            while text not in getattr(self, name):
                self._changed.clear()
                await self._changed.wait()

        await asyncio.wait_for(seen(), COMMAND_TIMEOUT)

    async def finish(self) -> Result:
        """Waits for the command to end and for everything it printed."""
        assert self._process is not None
        code = await asyncio.wait_for(self._process.wait(), COMMAND_TIMEOUT)
        for thread in self._readers:
            await asyncio.get_running_loop().run_in_executor(None, thread.join, COMMAND_TIMEOUT)
        return Result(code, self.out, self.err)
