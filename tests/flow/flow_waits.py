"""Waiting in the flow tests for something to happen, by a generous deadline (the machines are loaded)."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Callable
from typing import Any

import anyio

#: How long a test waits for something before it fails (rather than depending on how fast things go).
PATIENCE = 60.0


async def eventually(check: Callable[[], Any]) -> Any:
    """Calls ``check`` (plain or async) until it returns something true, and returns that.

    Raises:
        TimeoutError: After `PATIENCE` seconds.
    """
    with anyio.fail_after(PATIENCE):
        while True:
            found = check()
            if inspect.isawaitable(found):
                found = await found
            if found:
                return found
            await asyncio.sleep(0.02)
