"""Large payloads: what exceeds SWF's limits is kept in a store and a reference is left in the history.

References are derived from the payload's content (its SHA-256), so a replay computes the same reference
as the run that first stored it, and storing the same payload twice is harmless. Making a reference is
pure and synchronous (it happens at the call site, inside workflow code); storing and resolving are
asynchronous and happen at the worker's edges, before a decision is sent and before a step runs.
"""

from __future__ import annotations

import hashlib
from typing import Protocol, runtime_checkable

import attrs

__all__ = ["MemoryPayloadStore", "PayloadOffloader", "PayloadReference", "PayloadStore"]

#: The text every reference starts with; no JSON document starts with it.
REFERENCE_PREFIX = "aioswf-payload:"


@runtime_checkable
class PayloadStore(Protocol):
    """Where payloads too large for SWF are kept, by key."""

    async def put(self, key: str, data: str) -> None:
        """Stores ``data`` under ``key`` (idempotent: the same key always holds the same data)."""
        ...

    async def get(self, key: str) -> str:
        """Returns what `put` stored under ``key``."""
        ...


class MemoryPayloadStore:
    """A payload store in a dict: for tests, and for one process that never restarts."""

    def __init__(self) -> None:
        self.items: dict[str, str] = {}

    async def put(self, key: str, data: str) -> None:
        """Stores ``data`` under ``key``."""
        self.items[key] = data

    async def get(self, key: str) -> str:
        """Returns what was stored under ``key``.

        Raises:
            KeyError: When nothing was stored under it.
        """
        return self.items[key]


@attrs.frozen
class PayloadReference:
    """A payload kept outside SWF: ``text`` goes into the history, ``data`` into the store under ``key``."""

    text: str
    key: str
    data: str = attrs.field(repr=False)


class PayloadOffloader:
    """Moves payloads to a `PayloadStore` and back.

    Args:
        store: Where the payloads are kept.
        prefix: Prepended to every key (a folder in a bucket, say).
    """

    def __init__(self, store: PayloadStore, *, prefix: str = "aioswf/payloads/") -> None:
        self.store = store
        self.prefix = prefix

    def reference(self, data: str) -> PayloadReference:
        """The reference for ``data``: the same data always gives the same reference."""
        digest = hashlib.sha256(data.encode()).hexdigest()
        key = f"{self.prefix}{digest}"
        return PayloadReference(text=f"{REFERENCE_PREFIX}{key}", key=key, data=data)

    @staticmethod
    def is_reference(text: str | None) -> bool:
        """Whether ``text`` (a payload field as SWF holds it) is a reference."""
        return text is not None and text.startswith(REFERENCE_PREFIX)

    async def put(self, reference: PayloadReference) -> None:
        """Stores the referenced payload (before the decision or answer that carries the reference)."""
        await self.store.put(reference.key, reference.data)

    async def resolve(self, text: str | None) -> str | None:
        """The payload behind ``text`` when it is a reference, else ``text`` itself."""
        if text is None or not self.is_reference(text):
            return text
        return await self.store.get(text[len(REFERENCE_PREFIX) :])
