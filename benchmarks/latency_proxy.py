"""A TCP proxy that holds every chunk a client sends for a fixed delay before passing it on: what a real
network to AWS adds to each SWF request, for ``benchmarks/latency.py``. Runs as its own process.

It works below HTTP (each request of a kept-alive connection arrives as one chunk and waits `delay`;
answers come back at once), so that the proxy itself costs next to no CPU and never queues requests:
an HTTP-level proxy in Python became the bottleneck of the very measure it served.

Run: ``python benchmarks/latency_proxy.py --port 9000 --upstream http://127.0.0.1:8080 --delay 0.02``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sys
from urllib.parse import urlsplit


async def pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, delay: float) -> None:
    """Copies `reader` to `writer`, each chunk `delay` seconds late (in order), until the end."""
    loop = asyncio.get_running_loop()
    last = 0.0
    try:
        while data := await reader.read(65536):
            if delay:
                # Each chunk leaves `delay` after it came, never before the one ahead of it.
                last = max(loop.time() + delay, last)
                loop.call_at(last, writer.write, data)
            else:
                writer.write(data)
                await writer.drain()
        if delay:
            await asyncio.sleep(max(0.0, last - loop.time()))
    except (ConnectionError, OSError):
        pass
    finally:
        with contextlib.suppress(Exception):
            writer.close()


async def serve(port: int, upstream: str, delay: float) -> None:
    """Serves until cancelled."""
    target = urlsplit(upstream)

    async def handle(client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter) -> None:
        try:
            server_reader, server_writer = await asyncio.open_connection(target.hostname, target.port)
        except OSError:
            client_writer.close()
            return
        await asyncio.gather(
            pipe(client_reader, server_writer, delay), pipe(server_reader, client_writer, 0.0)
        )

    server = await asyncio.start_server(handle, "127.0.0.1", port)
    async with server:
        await server.serve_forever()


def main(argv: list[str] | None = None) -> int:
    """Serves until killed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--upstream", required=True)
    parser.add_argument("--delay", type=float, default=0.02, help="seconds added to each request")
    args = parser.parse_args(argv)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(args.port, args.upstream, args.delay))
    return 0


if __name__ == "__main__":
    sys.exit(main())
