"""The console beside a local SWF server in the test's loop, and a headless browser to look at it.

Browser tests are marked ``browser``: they run wherever Debian's chromium (``/usr/bin/chromium``) and
playwright are installed, are skipped elsewhere, and fail instead of skipping under CI (``CI=true``),
which installs both.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from console_harness import CHROMIUM, CHROMIUM_ARGS, NETWORK_MESSAGES, REFRESH, Console, serve
from console_scenario import Scenario

from aioswf.local import LocalSWF, ManualClock
from aioswf.local.console import create_console_app, engine_events


@pytest.fixture
async def console() -> AsyncIterator[Console]:
    """A local SWF server (on a manual clock, responses checked) with a fresh domain, and the console on
    its own port, reading through the server's engine.
    """
    async with LocalSWF(poll_wait=0.3, check_responses=True, clock=ManualClock(1_700_000_000.0)) as local:
        engine = local.engine
        app = create_console_app(
            engine.call, read_events=engine_events(engine), refresh_interval=REFRESH, clock=engine.now
        )
        runner, url = await serve(app)
        try:
            yield Console(local, url, Scenario(local.engine).setup())
        finally:
            await runner.cleanup()
    assert local.violations == []


def _browser_missing() -> str | None:
    try:
        import playwright.async_api  # noqa: F401
    except ImportError:
        return "playwright is not installed"
    if not shutil.which(CHROMIUM):
        return f"no chromium at {CHROMIUM}"
    return None


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    """An HTTP client for the console's JSON endpoints."""
    async with aiohttp.ClientSession() as session:
        yield session


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[Any]:
    """Headless chromium (Debian's), shared by the session; each test gets its own context."""
    missing = _browser_missing()
    if missing is not None:
        if os.environ.get("CI"):
            pytest.fail(f"browser tests must run in CI, but {missing}")
        pytest.skip(missing)
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        # launch() gives chromium a new, empty profile directory of its own and removes it afterwards.
        launched = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            await launched.close()


@pytest.fixture
async def page(browser: Any) -> AsyncIterator[Any]:
    """A fresh page; the test fails if the page raised a JavaScript error or logged one.

    Chromium's own messages about refused requests (an HTTP error answer, a blocked cross-origin call)
    are not the page's errors: the tests that cause them check the outcome themselves.
    """
    context = await browser.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(15_000)
    tab = await context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(f"page error: {error}"))

    def logged(message: Any) -> None:
        if message.type == "error" and not message.text.startswith(NETWORK_MESSAGES):
            errors.append(f"console.{message.type}: {message.text}")

    tab.on("console", logged)
    try:
        yield tab
    finally:
        await context.close()
    assert errors == [], errors
