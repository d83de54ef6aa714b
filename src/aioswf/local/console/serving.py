"""Putting the console on the local server: its routes on the server's application, and what to print.

The server calls `mount_console` on its ``aiohttp.web`` application, so the console shares the server's
host and port (``GET /`` and ``/console/...``; SWF's protocol stays on ``POST /``), and prints
`console_url` and, for an address other machines can reach, `exposure_warning`.
"""

from __future__ import annotations

import contextlib
import ipaddress
from typing import TYPE_CHECKING

from aiohttp import web

from aioswf.local.console.app import setup_console
from aioswf.local.console.guard import LOOPBACK_HOSTS
from aioswf.local.console.histories import engine_events

if TYPE_CHECKING:
    from aioswf.local.engine import Engine

__all__ = [
    "allowed_hosts_for",
    "console_url",
    "exposure_warning",
    "is_loopback",
    "mount_console",
    "reachable_url",
]


def is_loopback(host: str) -> bool:
    """Tell whether ``host`` (an address or ``localhost``) is reachable from this machine only."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def allowed_hosts_for(host: str) -> frozenset[str] | None:
    """Return the host names the console should answer when the server listens on ``host``.

    A loopback address: the loopback names only (which also defeats DNS rebinding). Any other address
    was chosen so that other machines reach the server, by names the console cannot know: any.
    """
    return LOOPBACK_HOSTS if is_loopback(host) else None


def mount_console(
    app: web.Application, engine: Engine, *, host: str = "127.0.0.1", refresh_interval: float = 1.0
) -> None:
    """Add the console's routes to the local server's application, reading through ``engine``.

    Args:
        app: The server's application (SWF's protocol on ``POST /``).
        engine: The server's engine; the console runs on its event loop.
        host: The address the server listens on (decides which host names the console answers).
        refresh_interval: Seconds between two refreshes of a page following a running execution.
    """
    setup_console(
        app,
        engine.call,
        read_events=engine_events(engine),
        allowed_hosts=allowed_hosts_for(host),
        refresh_interval=refresh_interval,
        clock=engine.now,
    )


def reachable_url(host: str, port: int) -> str:
    """The URL clients on this machine use for a server on ``host:port``: a wildcard address is reached at
    its loopback one, an IPv6 address goes in brackets."""
    if host in ("", "0.0.0.0"):
        host = "127.0.0.1"
    elif host == "::":
        host = "::1"
    with contextlib.suppress(ValueError):
        if ipaddress.ip_address(host).version == 6:
            host = f"[{host}]"
    return f"http://{host}:{port}"


def console_url(host: str, port: int) -> str:
    """Return the console's URL for a server listening on ``host:port`` (see `reachable_url`)."""
    return reachable_url(host, port) + "/"


def exposure_warning(host: str) -> str | None:
    """Return the warning to print when the server listens where other machines can reach it."""
    if is_loopback(host):
        return None
    return (
        f"warning: listening on {host or 'every interface'}: the console and the SWF API have no "
        "authentication; anyone who can reach this address can read every history and terminate every "
        "execution"
    )
