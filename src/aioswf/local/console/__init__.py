"""The local SWF server's web console: domains, executions, histories, timelines, and actions on them.

It is an ``aiohttp.web`` application (or a set of routes on the server's own application) that reads
everything through the engine, with SWF operations plus one read of a run's events, and serves a page
made of plain HTML, CSS and JavaScript shipped in this package: no build step, nothing fetched from
elsewhere, so it works offline::

    app = create_console_app(engine.call, read_events=engine_events)

See ``docs/console.md`` for what it shows and how it keeps to itself.
"""

from __future__ import annotations

from aioswf.local.console.app import API_PREFIX, STATIC_PREFIX, create_console_app, setup_console
from aioswf.local.console.guard import ACTION_HEADER, LOOPBACK_HOSTS
from aioswf.local.console.histories import Call, EventReader, engine_events, read_events_with

__all__ = [
    "ACTION_HEADER",
    "API_PREFIX",
    "LOOPBACK_HOSTS",
    "STATIC_PREFIX",
    "Call",
    "EventReader",
    "create_console_app",
    "engine_events",
    "read_events_with",
    "setup_console",
]
