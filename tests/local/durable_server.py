"""Helpers of the durable-store tests: a server on a data directory with a client, and server processes."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import socket
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from aiobotocore.session import get_session
from swf_scenario import CREDENTIALS, NO_RETRY, POLL_WAIT, assert_conforms

from aioswf.local import LocalSWF


@contextlib.asynccontextmanager
async def serve(data_dir: Path, **options: Any) -> AsyncIterator[tuple[LocalSWF, Any]]:
    """A response-checked LocalSWF keeping its state in ``data_dir``, and a client of it (no retries)."""
    async with (
        LocalSWF(data_dir=data_dir, poll_wait=POLL_WAIT, check_responses=True, **options) as local,
        get_session().create_client(
            "swf", endpoint_url=local.endpoint_url, config=NO_RETRY, **CREDENTIALS
        ) as c,
    ):
        yield local, c
    assert_conforms(local)


def free_port() -> int:
    """A port free on 127.0.0.1 right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class ServerProcess:
    """``python -m aioswf.local`` (or ``aioswf local``) in a child process, on a fixed port.

    Args:
        data_dir: The ``--data-dir``.
        port: The port, kept across restarts.
        command: The command before its options (default: ``python -m aioswf.local``).
    """

    def __init__(self, data_dir: Path, port: int | None = None, command: list[str] | None = None) -> None:
        self.data_dir = data_dir
        self.port = port or free_port()
        self.command = command or [sys.executable, "-m", "aioswf.local"]
        self.process: asyncio.subprocess.Process | None = None
        self.output: list[str] = []

    @property
    def url(self) -> str:
        """The server's URL."""
        return f"http://127.0.0.1:{self.port}"

    async def launch(self, *extra: str) -> asyncio.subprocess.Process:
        """Start the process (without waiting for it to listen)."""
        self.process = await asyncio.create_subprocess_exec(
            *self.command,
            "--port",
            str(self.port),
            "--data-dir",
            str(self.data_dir),
            "--poll-wait",
            "2",
            *extra,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        return self.process

    async def start(self, *extra: str) -> None:
        """Start the process and wait until it listens."""
        process = await self.launch(*extra)
        assert process.stdout is not None
        while True:
            line = (await asyncio.wait_for(process.stdout.readline(), 60)).decode()
            self.output.append(line)
            if not line or "listening" in line:
                break
        assert "listening" in line, f"the server did not start: {await self.errors()}"

    async def errors(self) -> str:
        """Wait for the process to end; return what it wrote on stderr."""
        assert self.process is not None
        assert self.process.stderr is not None
        text = (await asyncio.wait_for(self.process.stderr.read(), 60)).decode()
        await self.process.wait()
        return text

    async def kill(self) -> None:
        """SIGKILL the process."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        await self.process.wait()

    async def stop(self) -> int:
        """SIGTERM the process; return its exit status."""
        assert self.process is not None
        if self.process.returncode is None:
            self.process.send_signal(signal.SIGTERM)
        return await asyncio.wait_for(self.process.wait(), 30)
