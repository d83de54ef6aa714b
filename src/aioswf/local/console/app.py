"""The console's routes on an ``aiohttp.web`` application.

``GET /`` is the page (plain HTML, CSS and JavaScript shipped in this package, routed by the URL's
fragment), ``/console/static/`` its files, ``/console/api/`` the JSON it reads and the actions it posts.
Nothing else is claimed, so the console can share an application with SWF's protocol on ``POST /``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection
from importlib import resources

from aiohttp import web

from aioswf.local.console.actions import Actions
from aioswf.local.console.guard import LOOPBACK_HOSTS, Guard
from aioswf.local.console.histories import Call, EventReader, Histories, read_events_with
from aioswf.local.console.reads import Reads

__all__ = ["API_PREFIX", "STATIC_PREFIX", "create_console_app", "setup_console"]

API_PREFIX = "/console/api"
STATIC_PREFIX = "/console/static"
_CONTENT_TYPES = {".html": "text/html", ".js": "text/javascript", ".css": "text/css"}


def _static_files() -> dict[str, tuple[bytes, str]]:
    folder = resources.files("aioswf.local.console").joinpath("static")
    files: dict[str, tuple[bytes, str]] = {}
    for entry in folder.iterdir():
        suffix = entry.name[entry.name.rfind(".") :]
        if entry.is_file() and suffix in _CONTENT_TYPES:
            files[entry.name] = (entry.read_bytes(), _CONTENT_TYPES[suffix])
    return files


def setup_console(
    app: web.Application,
    call: Call,
    *,
    read_events: EventReader | None = None,
    allowed_hosts: Collection[str] | None = LOOPBACK_HOSTS,
    refresh_interval: float = 1.0,
    max_cached_events: int = 200_000,
    clock: Callable[[], float] = time.time,
) -> None:
    """Add the console's routes to ``app``.

    Args:
        app: The application (the local server's own, or one made by `create_console_app`).
        call: Runs an SWF operation on the engine: ``await call("DescribeDomain", {"name": "d"})``
            returns the JSON answer and raises `aioswf.local.faults.SWFFault` on a fault.
        read_events: Reads a run's events after a given id (e.g. ``Engine.history_events``); default:
            ``GetWorkflowExecutionHistory`` pages through ``call``.
        allowed_hosts: The host names requests may be addressed to; None accepts any (for a server
            that listens on a public address on purpose).
        refresh_interval: Seconds between two refreshes of a page that shows a running execution.
        max_cached_events: How many history events the console keeps between requests.
        clock: The engine's time (e.g. ``Engine.now``), up to which the timeline draws what is still
            open: with a driven clock it is not the wall clock.

    Raises:
        ValueError: If ``refresh_interval`` is not positive.
    """
    if not refresh_interval > 0:
        raise ValueError("refresh_interval must be positive")
    guard = Guard(allowed_hosts)
    histories = Histories(read_events or read_events_with(call), max_events=max_cached_events)
    reads = Reads(call, histories, {"refreshInterval": refresh_interval}, clock)
    actions = Actions(call)
    files = _static_files()

    async def index(request: web.Request) -> web.StreamResponse:
        body, content_type = files["index.html"]
        return web.Response(body=body, content_type=content_type, headers={"Cache-Control": "no-cache"})

    async def static(request: web.Request) -> web.StreamResponse:
        found = files.get(request.match_info["name"])
        if found is None:
            return web.Response(status=404, text="not found\n")
        body, content_type = found
        return web.Response(body=body, content_type=content_type, headers={"Cache-Control": "no-cache"})

    run = API_PREFIX + "/domains/{domain}/executions/{workflow_id}/{run_id}"
    router = app.router
    router.add_get("/", guard.page(index))
    router.add_get(STATIC_PREFIX + "/{name}", guard.page(static))
    router.add_get(API_PREFIX + "/config", guard.read(reads.config))
    router.add_get(API_PREFIX + "/domains", guard.read(reads.domains))
    router.add_get(API_PREFIX + "/domains/{domain}", guard.read(reads.domain))
    router.add_get(API_PREFIX + "/domains/{domain}/workflow-type", guard.read(reads.workflow_type))
    router.add_get(API_PREFIX + "/domains/{domain}/executions", guard.read(reads.executions))
    router.add_post(API_PREFIX + "/domains/{domain}/executions", guard.action(actions.start))
    router.add_get(API_PREFIX + "/domains/{domain}/workflows/{workflow_id}", guard.read(reads.latest_run))
    router.add_get(run, guard.read(reads.execution))
    router.add_get(run + "/history", guard.read(reads.history))
    router.add_get(run + "/state", guard.read(reads.state))
    router.add_get(run + "/timeline", guard.read(reads.timeline))
    router.add_post(run + "/signal", guard.action(actions.signal))
    router.add_post(run + "/cancel", guard.action(actions.cancel))
    router.add_post(run + "/terminate", guard.action(actions.terminate))


def create_console_app(
    call: Call,
    *,
    read_events: EventReader | None = None,
    allowed_hosts: Collection[str] | None = LOOPBACK_HOSTS,
    refresh_interval: float = 1.0,
    max_cached_events: int = 200_000,
    clock: Callable[[], float] = time.time,
) -> web.Application:
    """Return an ``aiohttp.web`` application serving the console alone.

    Takes the arguments of `setup_console`. Run the application with ``aiohttp.web.AppRunner``, or give
    the local server's own application the console's routes with `setup_console` instead.

    Raises:
        ValueError: If ``refresh_interval`` is not positive.
    """
    app = web.Application()
    setup_console(
        app,
        call,
        read_events=read_events,
        allowed_hosts=allowed_hosts,
        refresh_interval=refresh_interval,
        max_cached_events=max_cached_events,
        clock=clock,
    )
    return app
