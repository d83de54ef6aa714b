"""Ways to run the local SWF server: in the current event loop, or in a background thread."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import threading
from collections.abc import Callable
from types import TracebackType
from typing import TYPE_CHECKING, Any

from aiohttp import web

from aioswf.local.clock import Clock
from aioswf.local.console import console_url, mount_console
from aioswf.local.engine import Engine, LambdaFunction
from aioswf.local.server import (
    BODY_TIMEOUT,
    IDLE_TIMEOUT,
    MAX_BODY_SIZE,
    MAX_BUFFERED_BODIES,
    HTTPLimits,
    ProtocolLog,
    ResponseChecker,
    make_app,
)
from aioswf.local.store import Store, Synchronous

if TYPE_CHECKING:
    from aioswf.connection import Connection

__all__ = ["LocalSWF", "LocalSWFThread", "serve_until_stopped"]

CHECK_ENV = "AIOSWF_LOCAL_CHECK_RESPONSES"
_STOP_GRACE = 1.0
"""Seconds that answers already on their way get when the server stops, before connections close."""
_LINGER = 2.0
"""Seconds a refused upload's remaining bytes are read (and dropped) so its client can read the refusal."""


class LocalSWF:
    """A local SWF server on 127.0.0.1, served from the running event loop.

    ``async with LocalSWF() as local:`` starts it on a free port; ``local.endpoint_url`` is the URL
    to give any SWF client, and ``local.connection()`` returns a ready (unopened)
    :class:`aioswf.Connection` to it.

    Args:
        host: The address to listen on.
        port: The port (0: a free one).
        clock: The clock of timers and timeouts (default: real time).
        poll_wait: How long a long poll waits for a task, in real seconds (SWF: 60).
        check_responses: Check every response against botocore's output shape and answer HTTP 500
            on any departure (default: on when the ``AIOSWF_LOCAL_CHECK_RESPONSES`` environment
            variable is ``1``).
        lambda_functions: Python callables standing in for Lambda functions, by function name.
        region: The region in domain ARNs and in :meth:`connection`.
        idle_timeout: Seconds a connection may go without a complete request head (idle between
            requests, or sending a head); then the server closes it.
        body_timeout: Seconds to receive a request body once its head arrived (then HTTP 408).
        max_body_size: Bytes of one request body (larger: HTTP 413, checked as the bytes arrive).
        max_buffered_bodies: Bytes all request bodies being received may hold together (a body that
            would pass it: HTTP 503, which botocore retries).
        data_dir: Keep the state in an SQLite database in this directory (created if missing), so that
            it survives a restart; every successful answer is durable before it is sent. Default: in
            memory only. See docs/local-server.md ("State that survives a restart").
        synchronous: With ``data_dir``: ``"normal"`` (an answered request survives the server's process
            being killed) or ``"full"`` (it survives a power cut too; slower, an fsync per commit).
    """

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        clock: Clock | None = None,
        poll_wait: float = 60.0,
        check_responses: bool | None = None,
        lambda_functions: dict[str, LambdaFunction] | None = None,
        region: str = "us-east-1",
        idle_timeout: float = IDLE_TIMEOUT,
        body_timeout: float = BODY_TIMEOUT,
        max_body_size: int = MAX_BODY_SIZE,
        max_buffered_bodies: int = MAX_BUFFERED_BODIES,
        data_dir: str | os.PathLike[str] | None = None,
        synchronous: Synchronous = "normal",
    ) -> None:
        self.host = host
        self.port = port
        self.region = region
        store = None if data_dir is None else Store(data_dir, synchronous=synchronous)
        self.engine = Engine(
            clock=clock, poll_wait=poll_wait, region=region, lambda_functions=lambda_functions, store=store
        )
        if check_responses is None:
            check_responses = os.environ.get(CHECK_ENV, "") == "1"
        self.checker = ResponseChecker() if check_responses else None
        self.limits = HTTPLimits(
            max_body_size=max_body_size,
            max_buffered_bodies=max_buffered_bodies,
            idle_timeout=idle_timeout,
            body_timeout=body_timeout,
        )
        self.app = make_app(self.engine, self.checker, self.limits)
        # The web console shares the server's host and port (GET / and /console/...); SWF stays on POST /.
        mount_console(self.app, self.engine, host=host)
        self._runner: web.AppRunner | None = None
        self._state = "unopened"

    @property
    def console_url(self) -> str:
        """The web console's URL, e.g. ``http://127.0.0.1:50123/`` (see "The web console" in ``docs/local-server.md``).

        Raises:
            RuntimeError: If the server is not running.
        """
        if self._state != "open":
            raise RuntimeError("the local SWF server is not running")
        return console_url(self.host, self.port)

    @property
    def clock(self) -> Clock:
        """The clock the server reads time from."""
        return self.engine.clock

    @property
    def violations(self) -> list[str]:
        """Every departure from the output shapes found so far (with ``check_responses``)."""
        return self.checker.violations if self.checker is not None else []

    @property
    def endpoint_url(self) -> str:
        """The server's URL, e.g. ``http://127.0.0.1:50123``.

        Raises:
            RuntimeError: If the server is not running.
        """
        if self._state != "open":
            raise RuntimeError("the local SWF server is not running")
        return f"http://{self.host}:{self.port}"

    def client_kwargs(self) -> dict[str, Any]:
        """Return the keyword arguments for ``session.create_client("swf", **kwargs)``."""
        return {
            "endpoint_url": self.endpoint_url,
            "region_name": self.region,
            "aws_access_key_id": "testing",
            "aws_secret_access_key": "testing",
        }

    def connection(self) -> Connection:
        """Return an unopened :class:`aioswf.Connection` to this server (use it with ``async with``)."""
        from aioswf.connection import Connection

        return Connection(**self.client_kwargs())

    async def start(self) -> None:
        """Start serving.

        Raises:
            RuntimeError: If the server was already started.
            DataDirError: If the data directory cannot be used (in use by another server, written by a
                newer aioswf, corrupt: see :mod:`aioswf.local.store`).
        """
        if self._state != "unopened":
            raise RuntimeError(f"cannot start a local SWF server that is {self._state}")
        self._state = "starting"
        try:
            await self.engine.start()
        except BaseException:
            self._state = "unopened"
            raise
        runner = web.AppRunner(
            self.app,
            access_log=None,
            logger=ProtocolLog(),
            keepalive_timeout=self.limits.idle_timeout,
            lingering_time=_LINGER,
            # A long poll whose client hung up is cancelled, so the task it was about to take stays queued.
            handler_cancellation=True,
            shutdown_timeout=_STOP_GRACE,
            auto_decompress=False,
        )
        try:
            await runner.setup()
            site = web.TCPSite(runner, self.host, self.port, reuse_address=True)
            await site.start()
        except BaseException:
            await runner.cleanup()
            await self.engine.stop()
            self._state = "unopened"
            raise
        self._runner = runner
        self.port = runner.addresses[0][1]
        self._state = "open"

    async def stop(self) -> None:
        """Stop serving (idempotent): waiting long polls are answered empty, then connections close."""
        if self._state != "open":
            self._state = "closed"
            return
        self._state = "closed"
        assert self._runner is not None
        self.engine.release_polls()
        await self._runner.cleanup()
        await self.engine.stop()

    def reset(self) -> None:
        """Forget all state (domains, types, executions), like a fresh server on the same port.

        With a data directory, its database is emptied too.
        """
        self.engine.reset()

    @classmethod
    def in_thread(cls, **kwargs: Any) -> LocalSWFThread:
        """Return a :class:`LocalSWFThread` (unstarted) taking the same keyword arguments."""
        return LocalSWFThread(**kwargs)

    async def __aenter__(self) -> LocalSWF:
        await self.start()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.stop()


async def serve_until_stopped(local: LocalSWF, announce: Callable[[LocalSWF], None]) -> None:
    """Starts ``local``, calls ``announce`` once it listens, and serves until SIGINT or SIGTERM, or until a
    write to its data directory fails; then stops it. What ``python -m aioswf.local`` and ``aioswf local``
    run.

    Raises:
        DataDirError: When the data directory cannot be used at the start, or (`StoreWriteError`) when a
            write to it failed while serving (the state committed before the failure is kept).
        OSError: When the server cannot listen.
    """
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(signum, stop.set)
    store = local.engine.store
    if store is not None:
        store.add_failure_callback(lambda _error: stop.set())
    await local.start()
    try:
        announce(local)
        await stop.wait()
    finally:
        await local.stop()
    if store is not None and store.error is not None:
        raise store.error


class LocalSWFThread:
    """The local SWF server in a background thread, for code that is not async.

    ``with LocalSWFThread() as local:`` starts it; ``local.endpoint_url`` works with boto3.
    Takes the same keyword arguments as :class:`LocalSWF`.
    """

    def __init__(self, **kwargs: Any) -> None:
        self._kwargs = kwargs
        self._local: LocalSWF | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stopping: asyncio.Event | None = None
        self._ready = threading.Event()
        self._error: BaseException | None = None
        self._thread: threading.Thread | None = None

    @property
    def server(self) -> LocalSWF:
        """The :class:`LocalSWF` running in the thread.

        Raises:
            RuntimeError: If the thread is not running.
        """
        if self._local is None:
            raise RuntimeError("the local SWF thread is not running")
        return self._local

    @property
    def endpoint_url(self) -> str:
        """The server's URL."""
        return self.server.endpoint_url

    @property
    def clock(self) -> Clock:
        """The server's clock (a :class:`ManualClock` may be advanced from any thread)."""
        return self.server.clock

    def start(self) -> None:
        """Start the thread and wait until the server listens.

        Raises:
            RuntimeError: If already started.
        """
        if self._thread is not None:
            raise RuntimeError("the local SWF thread was already started")
        self._thread = threading.Thread(target=self._run, name="aioswf-local", daemon=True)
        self._thread.start()
        self._ready.wait()
        if self._error is not None:
            raise self._error

    def _run(self) -> None:
        try:
            asyncio.run(self._main())
        except BaseException as error:  # handed to the starting thread
            self._error = error
            self._ready.set()

    async def _main(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._stopping = asyncio.Event()
        async with LocalSWF(**self._kwargs) as local:
            self._local = local
            self._ready.set()
            await self._stopping.wait()

    def stop(self) -> None:
        """Stop the server and join the thread (idempotent)."""
        if self._thread is None or self._loop is None or self._stopping is None:
            return
        if self._thread.is_alive():
            self._loop.call_soon_threadsafe(self._stopping.set)
            self._thread.join()

    def __enter__(self) -> LocalSWFThread:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
