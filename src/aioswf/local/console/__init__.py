"""The local SWF server's web console: domains, executions, histories, timelines, and actions on them.

It is an ``aiohttp.web`` application (or a set of routes on the server's own application) that reads
everything through the engine, with SWF operations plus one read of a run's events, and serves a page
made of plain HTML, CSS and JavaScript shipped in this package: no build step, nothing fetched from
elsewhere, so it works offline::

    mount_console(server_app, engine, host="127.0.0.1")  # on the server's own application
    app = create_console_app(engine.call, read_events=engine_events(engine))  # or an app of its own

See "The web console" in ``docs/local-server.md`` for what it shows and how it keeps to itself.
"""

from __future__ import annotations

from aioswf.local.console.app import API_PREFIX, STATIC_PREFIX, create_console_app, setup_console
from aioswf.local.console.guard import ACTION_HEADER, LOOPBACK_HOSTS
from aioswf.local.console.histories import Call, EventReader, engine_events, read_events_with
from aioswf.local.console.serving import (
    allowed_hosts_for,
    console_url,
    exposure_warning,
    is_loopback,
    mount_console,
)

__all__ = [
    "ACTION_HEADER",
    "API_PREFIX",
    "LOOPBACK_HOSTS",
    "STATIC_PREFIX",
    "Call",
    "EventReader",
    "allowed_hosts_for",
    "console_url",
    "create_console_app",
    "engine_events",
    "exposure_warning",
    "is_loopback",
    "mount_console",
    "read_events_with",
    "setup_console",
]
