"""The durable store under the local server's state: everything in one SQLite database in a directory.

``LocalSWF(data_dir=DIR)`` and ``python -m aioswf.local --data-dir DIR`` use it; without a data directory
the server keeps its state in memory only and none of this is imported by an operation. See
``docs/local-server.md`` ("State that survives a restart") for what is durable and when.
"""

from __future__ import annotations

from aioswf.local.store.data_dir import (
    SCHEMA_VERSION,
    SYNCHRONOUS,
    DataDirCorrupt,
    DataDirError,
    DataDirInUse,
    DataDirTooNew,
    Synchronous,
)
from aioswf.local.store.store import Changes, Restored, Store, StoredHistory, StoreWriteError, TypeKey

__all__ = [
    "SCHEMA_VERSION",
    "SYNCHRONOUS",
    "Changes",
    "DataDirCorrupt",
    "DataDirError",
    "DataDirInUse",
    "DataDirTooNew",
    "Restored",
    "Store",
    "StoreWriteError",
    "StoredHistory",
    "Synchronous",
    "TypeKey",
]
