"""Run the local SWF server as a process: ``python -m aioswf.local --port 8080``."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys

from aioswf.local.console import exposure_warning
from aioswf.local.runner import LocalSWF, serve_until_stopped
from aioswf.local.store import SYNCHRONOUS, DataDirError

__all__ = ["main"]


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m aioswf.local", description="Run a local Amazon SWF server."
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    parser.add_argument(
        "--port", type=int, default=8080, help="port to listen on, 0 for a free one (default: 8080)"
    )
    parser.add_argument(
        "--poll-wait", type=float, default=60.0, help="seconds a long poll waits for a task (default: 60)"
    )
    parser.add_argument(
        "--region", default="us-east-1", help="region used in domain ARNs (default: us-east-1)"
    )
    parser.add_argument(
        "--check-responses", action="store_true", help="check responses against the SWF model"
    )
    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        help="keep the state in DIR (created if missing) so that it survives a restart (default: memory)",
    )
    parser.add_argument(
        "--synchronous",
        choices=SYNCHRONOUS,
        default="normal",
        help="with --data-dir: normal (survives the process being killed) or full (a power cut too; slower)",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log every request (debug level)")
    return parser.parse_args(argv)


async def _serve(args: argparse.Namespace) -> None:
    local = LocalSWF(
        host=args.host,
        port=args.port,
        poll_wait=args.poll_wait,
        region=args.region,
        check_responses=args.check_responses or None,
        data_dir=args.data_dir,
        synchronous=args.synchronous,
    )

    def announce(local: LocalSWF) -> None:
        print(f"aioswf local SWF server listening on {local.endpoint_url} (Ctrl-C to stop)", flush=True)
        print(f"web console: {local.console_url}", flush=True)
        if args.data_dir:
            print(f"data directory: {args.data_dir}", flush=True)
        warning = exposure_warning(args.host)
        if warning is not None:
            print(warning, flush=True)

    await serve_until_stopped(local, announce)
    print("aioswf local SWF server stopped", flush=True)


def main(argv: list[str] | None = None) -> int:
    """Run the server until interrupted; return the exit status."""
    args = _parse(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("aioswf.local").setLevel(logging.DEBUG if args.verbose else logging.INFO)
    try:
        asyncio.run(_serve(args))
    except KeyboardInterrupt:
        print("aioswf local SWF server stopped", flush=True)
    except DataDirError as error:
        print(f"aioswf local SWF server: {error}", file=sys.stderr)
        return 1
    except OSError as error:
        print(f"cannot listen on {args.host}:{args.port}: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
