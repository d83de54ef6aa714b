"""An HTTP proxy that holds every request for a fixed delay before forwarding it: what a real network to
AWS adds to each SWF call, for ``benchmarks/latency.py``. Runs as its own process.

Run: ``python benchmarks/latency_proxy.py --port 9000 --upstream http://127.0.0.1:8080 --delay 0.02``.
"""

from __future__ import annotations

import argparse
import asyncio
import sys

import aiohttp
from aiohttp import web

_HOP_BY_HOP = {"host", "content-length", "connection", "keep-alive", "transfer-encoding"}


def make_app(upstream: str, delay: float) -> web.Application:
    """The proxy's application: every POST waits `delay` seconds, then goes to `upstream`."""
    app = web.Application()
    session: dict[str, aiohttp.ClientSession] = {}

    async def start(app: web.Application) -> None:
        session["s"] = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit=0),
            timeout=aiohttp.ClientTimeout(total=None, sock_read=120),
            auto_decompress=False,
        )

    async def stop(app: web.Application) -> None:
        await session["s"].close()

    async def forward(request: web.Request) -> web.Response:
        body = await request.read()
        await asyncio.sleep(delay)
        headers = {k: v for k, v in request.headers.items() if k.lower() not in _HOP_BY_HOP}
        async with session["s"].post(upstream + request.path_qs, data=body, headers=headers) as answer:
            content = await answer.read()
            kept = {k: v for k, v in answer.headers.items() if k.lower() not in _HOP_BY_HOP}
            return web.Response(status=answer.status, body=content, headers=kept)

    app.on_startup.append(start)
    app.on_cleanup.append(stop)
    app.router.add_post("/{tail:.*}", forward)
    return app


def main(argv: list[str] | None = None) -> int:
    """Serves until killed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--upstream", required=True)
    parser.add_argument("--delay", type=float, default=0.02, help="seconds added to each request")
    args = parser.parse_args(argv)
    web.run_app(make_app(args.upstream.rstrip("/"), args.delay), host="127.0.0.1", port=args.port, print=None)
    return 0


if __name__ == "__main__":
    sys.exit(main())
