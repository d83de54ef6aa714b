"""What the console's tests share: the console beside a server, serving an app, the browser's flags."""

from __future__ import annotations

import os

import attrs
from aiohttp import web
from console_scenario import Scenario

from aioswf.local import LocalSWF

CHROMIUM = os.environ.get("AIOSWF_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
]
REFRESH = 0.2
NETWORK_MESSAGES = ("Failed to load resource", "Access to fetch at", "Framing ")


@attrs.define
class Console:
    """A running console and the server it shows."""

    local: LocalSWF
    url: str
    scenario: Scenario

    def page_url(self, fragment: str = "/") -> str:
        """The console's URL for a page (its fragment route)."""
        return f"{self.url}/#{fragment}"


async def serve(app: web.Application) -> tuple[web.AppRunner, str]:
    """Serve ``app`` on a free port of 127.0.0.1; return the runner and its base URL."""
    runner = web.AppRunner(app, shutdown_timeout=1.0)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    return runner, f"http://{host}:{port}"
