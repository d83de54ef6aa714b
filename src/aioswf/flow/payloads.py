"""Large payloads: what exceeds SWF's limits is kept in a store and a reference is left in the history.

References are derived from the payload's content (its SHA-256), so a replay computes the same reference
as the run that first stored it, and storing the same payload twice is harmless.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

__all__ = ["PayloadStore"]


@runtime_checkable
class PayloadStore(Protocol):
    """Where payloads too large for SWF are kept, by key."""

    async def put(self, key: str, data: str) -> None:
        """Stores ``data`` under ``key`` (idempotent: the same key always holds the same data)."""
        ...

    async def get(self, key: str) -> str:
        """Returns what `put` stored under ``key``."""
        ...
