"""A durable local server's data directory: its lock, its SQLite database and the schema's version.

DIR holds ``aioswf.sqlite3`` (with SQLite's ``-wal`` and ``-shm`` files beside it while a server runs)
and ``aioswf.lock``, which the running server holds with ``flock``: the OS releases it when the process
ends, however it ends, so a killed server never leaves a stale lock behind. The one rule: a database
this module cannot read (not an aioswf database, written by a newer schema, corrupt) is refused with a
message naming the file and what to do, and is never deleted, reset or rewritten.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Literal

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows has no flock
    fcntl = None  # type: ignore[assignment]

__all__ = [
    "DATABASE",
    "LOCK",
    "SCHEMA_VERSION",
    "SYNCHRONOUS",
    "DataDir",
    "DataDirCorrupt",
    "DataDirError",
    "DataDirInUse",
    "DataDirTooNew",
    "Synchronous",
]

DATABASE = "aioswf.sqlite3"
LOCK = "aioswf.lock"
SCHEMA_VERSION = 1
"""The version of the schema below, kept in the database as ``PRAGMA user_version``."""
Synchronous = Literal["normal", "full"]
SYNCHRONOUS: tuple[Synchronous, ...] = ("normal", "full")

_SCHEMA = (
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE domains (name TEXT PRIMARY KEY, body TEXT NOT NULL)",
    "CREATE TABLE types (domain TEXT NOT NULL, kind TEXT NOT NULL, name TEXT NOT NULL, "
    "version TEXT NOT NULL, body TEXT NOT NULL, PRIMARY KEY (domain, kind, name, version))",
    # One row per run. `settings` is written once, when the run starts; `progress` (its state and open
    # work) is rewritten whenever the run changes.
    "CREATE TABLE executions (run_id TEXT PRIMARY KEY, domain TEXT NOT NULL, workflow_id TEXT NOT NULL, "
    "status TEXT NOT NULL, start REAL NOT NULL, seq INTEGER NOT NULL, close_seq INTEGER NOT NULL, "
    "expires REAL, event_count INTEGER NOT NULL, settings TEXT NOT NULL, progress TEXT NOT NULL)",
    # An open run's history, one row per event, appended as events are recorded ...
    "CREATE TABLE events (run_id TEXT NOT NULL, event_id INTEGER NOT NULL, body TEXT NOT NULL, "
    "PRIMARY KEY (run_id, event_id))",
    # ... and a closed run's history as one JSON array (zlib-compressed), read only when someone asks.
    "CREATE TABLE histories (run_id TEXT PRIMARY KEY, events BLOB NOT NULL)",
)
_TABLES = frozenset({"meta", "domains", "types", "executions", "events", "histories"})


class DataDirError(Exception):
    """The data directory cannot be used; the message says why and what to do."""


class DataDirInUse(DataDirError):
    """Another server holds the data directory's lock."""


class DataDirTooNew(DataDirError):
    """The database was written by a newer schema version than this aioswf reads.

    Attributes:
        found: The database's schema version.
        supported: The newest version this aioswf reads.
    """

    def __init__(self, message: str, found: int, supported: int) -> None:
        super().__init__(message)
        self.found = found
        self.supported = supported


class DataDirCorrupt(DataDirError):
    """The database cannot be read: not an aioswf database, or damaged. It was left as it is."""


def corrupt(path: Path, problem: object) -> DataDirCorrupt:
    """Return the error for a database that cannot be read, saying that it was left in place."""
    return DataDirCorrupt(
        f"the database {path} cannot be read ({problem}). It was left as it is: nothing was deleted or "
        f"reset. Move it out of the way (or give another --data-dir) to start with an empty server, "
        f"or restore it from a copy."
    )


class DataDir:
    """A data directory, locked and with its database open (see the module's docstring).

    Args:
        path: The directory (created, with its parents, if missing).
        synchronous: SQLite's ``synchronous`` setting: ``"normal"`` (a commit survives the process being
            killed) or ``"full"`` (it survives a power cut too, at the cost of an fsync per commit).
    """

    def __init__(self, path: str | os.PathLike[str], *, synchronous: Synchronous = "normal") -> None:
        if synchronous not in SYNCHRONOUS:
            raise ValueError(f"synchronous must be one of {', '.join(SYNCHRONOUS)}, got {synchronous!r}")
        self.path = Path(path)
        self.database = self.path / DATABASE
        self.synchronous: Synchronous = synchronous
        self._lock_fd: int | None = None

    def open(self) -> sqlite3.Connection:
        """Create the directory if missing, take its lock, open (or create) the database.

        Returns:
            The connection to write with (autocommit mode: the caller begins its transactions).

        Raises:
            DataDirInUse: If another server holds the lock.
            DataDirTooNew: If the database's schema is newer than this aioswf reads.
            DataDirCorrupt: If the file is not an aioswf database or cannot be read.
            DataDirError: If the directory cannot be created or locked.
        """
        try:
            self.path.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise DataDirError(f"cannot create the data directory {self.path}: {error}") from error
        self._lock()
        try:
            return self._connect()
        except BaseException:
            self.unlock()
            raise

    def reader(self) -> sqlite3.Connection:
        """Open another connection, for reads beside the writer's (WAL lets them run at once)."""
        connection = sqlite3.connect(self.database, isolation_level=None, check_same_thread=False)
        connection.execute("PRAGMA query_only = ON")
        return connection

    def unlock(self) -> None:
        """Release the lock (idempotent)."""
        if self._lock_fd is not None:
            os.close(self._lock_fd)
            self._lock_fd = None

    def _lock(self) -> None:
        if fcntl is None:  # pragma: no cover
            raise DataDirError("--data-dir needs flock, which this system does not have")
        lock = self.path / LOCK
        try:
            fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as error:
            raise DataDirError(f"cannot open the lock file {lock}: {error}") from error
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode(errors="replace").strip()
            os.close(fd)
            who = f" (pid {holder})" if holder.isdigit() else ""
            raise DataDirInUse(
                f"the data directory {self.path} is in use by another aioswf local server{who}; "
                "stop that server, or give this one another --data-dir"
            ) from None
        except OSError as error:
            os.close(fd)
            raise DataDirError(f"cannot lock {lock}: {error}") from error
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        self._lock_fd = fd

    def _connect(self) -> sqlite3.Connection:
        try:
            connection = sqlite3.connect(self.database, isolation_level=None, check_same_thread=False)
        except sqlite3.Error as error:
            raise corrupt(self.database, error) from error
        try:
            self._prepare(connection)
        except BaseException:
            connection.close()
            raise
        return connection

    def _prepare(self, connection: sqlite3.Connection) -> None:
        try:
            version = int(connection.execute("PRAGMA user_version").fetchone()[0])
            tables = {
                row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")
            }
        except sqlite3.DatabaseError as error:
            raise corrupt(self.database, error) from error
        if version > SCHEMA_VERSION:
            raise DataDirTooNew(
                f"the database {self.database} was written with schema version {version}, newer than "
                f"the version {SCHEMA_VERSION} this aioswf reads: run the aioswf that wrote it (or a "
                "newer one), or give another --data-dir. The database was left as it is.",
                found=version,
                supported=SCHEMA_VERSION,
            )
        if version == 0 and tables:
            raise corrupt(self.database, "it is an SQLite database, but not one of aioswf's")
        # Version 0 without tables is a new file, or one whose creation never reached its first commit.
        try:
            mode = connection.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if str(mode).lower() != "wal":
                raise DataDirError(f"SQLite cannot keep {self.database} in WAL mode (it is in {mode} mode)")
            connection.execute(f"PRAGMA synchronous = {self.synchronous.upper()}")
            if version == 0:
                with _transaction(connection):
                    for statement in _SCHEMA:
                        connection.execute(statement)
                    connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            elif not tables >= _TABLES:
                missing = ", ".join(sorted(_TABLES - tables))
                raise corrupt(self.database, f"tables are missing: {missing}")
        except sqlite3.DatabaseError as error:
            raise corrupt(self.database, error) from error


@contextlib.contextmanager
def _transaction(connection: sqlite3.Connection) -> Iterator[None]:
    connection.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        connection.execute("ROLLBACK")
        raise
    connection.execute("COMMIT")
